# Sourced by the bench scripts: builds the API and the bench (Release) and starts the API on a free loopback
# port with a fresh data folder, no sample graphs and no rate limit; sets $port, $service and $data, and
# stops the service and removes the folder on exit. $service_args, when set, are passed on to the service.
data=$(mktemp -d)
dotnet build -c Release -v q src/ImpactMap.Api >/dev/null
dotnet build -c Release -v q bench/ImpactMap.Bench >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet src/ImpactMap.Api/bin/Release/net10.0/ImpactMap.Api.dll --urls "http://127.0.0.1:$port" \
  --ImpactMap:DataDirectory="$data" --ImpactMap:SampleGraphs= --ImpactMap:AuditLog="$data/audit.log" \
  --ImpactMap:RateLimit:PermitsPerSecond=0 --Serilog:MinimumLevel:Default=Warning ${service_args:-} > "$data/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
