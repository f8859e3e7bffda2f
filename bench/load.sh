#!/usr/bin/env bash
# Fixed-rate load against the real service on the embedded store: bench/load.sh [RATE] [SECONDS] [WRITE-SHARE]
# Starts the API (Release) on a free loopback port with a fresh data folder, runs the load, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-300}
seconds=${2:-180}
writes=${3:-0.05}
. bench/service.sh
dotnet bench/ImpactMap.Bench/bin/Release/net10.0/ImpactMap.Bench.dll load "http://127.0.0.1:$port" "$rate" "$seconds" "$writes"
echo "| service log lines at Warning or above | $(grep -c -E 'WRN|ERR|FTL' "$data/service.log" || true) |"
