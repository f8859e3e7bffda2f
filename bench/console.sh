#!/usr/bin/env bash
# The web console's speed in Chromium (Debian's chromium package) against the Release service; figures in bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/service.sh
dotnet bench/ImpactMap.Bench/bin/Release/net10.0/ImpactMap.Bench.dll console "http://127.0.0.1:$port" graphs
