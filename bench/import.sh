#!/usr/bin/env bash
# A generated Backstage catalog imported and merged through the Release service; figures in bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/service.sh
dotnet bench/ImpactMap.Bench/bin/Release/net10.0/ImpactMap.Bench.dll import "http://127.0.0.1:$port" "${1:-100000}"
