#!/usr/bin/env bash
# The HTTP layer's cost: bench/http.sh [NODES] (default 1,000,000 nodes, about 5,000,000 dependencies).
# Writes the tiered graph into a fresh SQLite store, starts the API (Release) on it on a free loopback port, and
# times the default impact answer of its most depended-upon node through HTTP against the engine in process.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-1000000}
dotnet build -c Release -v q src/ImpactMap.Api >/dev/null
dotnet build -c Release -v q bench/ImpactMap.Bench >/dev/null
data=$(mktemp -d)
bench=bench/ImpactMap.Bench/bin/Release/net10.0/ImpactMap.Bench.dll
dotnet "$bench" http-prepare "$data" "$nodes"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet src/ImpactMap.Api/bin/Release/net10.0/ImpactMap.Api.dll --urls "http://127.0.0.1:$port" \
  --ImpactMap:DataDirectory="$data" --ImpactMap:SampleGraphs= --ImpactMap:AuditLog="$data/audit.log" \
  --ImpactMap:RateLimit:PermitsPerSecond=0 --Serilog:MinimumLevel:Default=Warning > "$data/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
dotnet "$bench" http "http://127.0.0.1:$port" "$nodes"
