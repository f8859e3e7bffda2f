#!/usr/bin/env bash
# Dashboards polling the blast radius: bench/throughput.sh [ROUNDS] [SECONDS]
# Builds the API (Release) and, ROUNDS times in turn, starts it on the embedded store with the sample graphs,
# rate limit off, as shipped (appsettings.json: every request logged) and with request logging off, and runs
# wrk (2 threads, 32 connections) on GET .../cloud-region/nodes/aws-eu-west-1/impact: 30 s of warm-up (under
# full load the JIT takes 20-25 s to bring the hot paths to their optimised tier), then SECONDS measured. Prints requests/s and the service's CPU time per request for each run.
# Needs wrk (apt install wrk). Load generator and service share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt install wrk)" >&2; exit 2; }
dotnet build -c Release -v q src/ImpactMap.Api >/dev/null
bin=$PWD/src/ImpactMap.Api/bin/Release/net10.0
graphs=$PWD/graphs
url=/v1/graphs/cloud-region/nodes/aws-eu-west-1/impact

# One run: starts the service with the given arguments, warms it up, measures, stops it.
run() {
  local label=$1; shift
  local data port service ticks_before ticks_after requests rate
  data=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # From its own folder, so that appsettings.json (the shipped logging) applies.
  (cd "$bin" && exec dotnet ImpactMap.Api.dll --urls "http://127.0.0.1:$port" --ImpactMap:DataDirectory="$data" \
    --ImpactMap:SampleGraphs="$graphs" --ImpactMap:AuditLog="$data/audit.log" --ImpactMap:RateLimit:PermitsPerSecond=0 "$@" \
    > "$data/service.log" 2>&1) &
  service=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
  wrk -t2 -c32 -d30s "http://127.0.0.1:$port$url" >/dev/null
  ticks_before=$(awk '{print $14 + $15}' "/proc/$service/stat")
  out=$(wrk -t2 -c32 -d"${seconds}s" "http://127.0.0.1:$port$url")
  ticks_after=$(awk '{print $14 + $15}' "/proc/$service/stat")
  requests=$(echo "$out" | awk '/requests in/{print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/{printf "%d", $2}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/{print}' | tr '\n' ' ')
  echo "| $label | $rate | $(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN{printf "%.0f", t * 1e6 / hz / n}') | $(wc -l < "$data/service.log") | ${errors:-none} |"
  kill "$service"; wait "$service" 2>/dev/null || true
  rm -rf "$data"
}

echo "| run | requests/s | service CPU µs per request | log lines | errors |"
echo "|---|---|---|---|---|"
for _ in $(seq 1 "$rounds"); do
  run "requests logged (as shipped)"
  run "request logging off" --Serilog:MinimumLevel:Default=Warning
done
