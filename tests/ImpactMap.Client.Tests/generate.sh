#!/usr/bin/env bash
# Regenerates the Kiota client from the service's own OpenAPI document: tests/ImpactMap.Client.Tests/generate.sh
# Run it after changing the contract; the tests fail while openapi.json differs from what the service serves.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet build "$root/src/ImpactMap.Api" -v q -nologo >/dev/null
dotnet "$root/src/ImpactMap.Api/bin/Debug/net10.0/ImpactMap.Api.dll" --urls "http://127.0.0.1:$port" \
  "--ImpactMap:DataDirectory=$data" --ImpactMap:SampleGraphs= >"$data/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o openapi.json && break
  sleep 1
done
# The client takes its base address from whoever builds it, not from the document's servers.
python3 - <<'PY'
import json
document = json.load(open("openapi.json"))
document.pop("servers", None)
json.dump(document, open("openapi.json", "w"), indent=2, ensure_ascii=False)
open("openapi.json", "a").write("\n")
PY
rm -rf Generated
KIOTA_TUTORIAL_ENABLED=false dotnet tool run kiota generate --language CSharp --openapi openapi.json \
  --class-name ImpactMapClient --namespace-name ImpactMap.Client --output Generated --exclude-backward-compatible \
  --log-level Warning --clean-output
