#!/usr/bin/env bash
# The service's resident memory on a large graph: bench/memory.sh [NODES] (default 100,000 nodes, 500,000 dependencies).
# Starts the API (Release) on a free loopback port with a fresh data folder, runs bench/ImpactMap.Bench memory, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-100000}
. bench/service.sh
dotnet bench/ImpactMap.Bench/bin/Release/net10.0/ImpactMap.Bench.dll memory "http://127.0.0.1:$port" "$service" "$nodes"
