#!/usr/bin/env bash
# A 1,000,000-dependency PUT into a Neo4j with a 1 GB heap: bench/neo4j-replace.sh [NODES] (default 200,000 nodes).
# Starts the tests' Neo4j 3.1 (unpacked in ~/.cache/impactmap by the first Neo4j test run) with a 1 GB heap on
# free loopback ports, the API (Release) on it, runs bench/ImpactMap.Bench neo4j-replace, stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-200000}
home=${NEO4J_HOME:-$HOME/.cache/impactmap/neo4j-community-3.1.1}
[ -x "$home/bin/neo4j" ] || { echo "no Neo4j at $home: run the Neo4j tests once, or set NEO4J_HOME"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
neo=$(mktemp -d)
http=$(free_port); bolt=$(free_port)
mkdir -p "$neo/conf"
{
  echo "dbms.directories.data=$neo/data"; echo "dbms.directories.logs=$neo/logs"; echo "dbms.directories.run=$neo/run"
  echo "dbms.directories.import=$neo/import"; echo "dbms.security.auth_enabled=false"
  echo "dbms.connector.bolt.enabled=true"; echo "dbms.connector.bolt.listen_address=127.0.0.1:$bolt"
  echo "dbms.connector.http.enabled=true"; echo "dbms.connector.http.listen_address=127.0.0.1:$http"
  echo "dbms.connector.https.enabled=false"
  echo "dbms.memory.heap.initial_size=1024"; echo "dbms.memory.heap.max_size=1024"; echo "dbms.memory.pagecache.size=512m"
  echo "dbms.jvm.additional=-XX:+UseG1GC"
  for module in java.lang java.nio java.util java.lang.reflect java.io sun.nio.ch java.util.concurrent java.net; do
    echo "dbms.jvm.additional=--add-opens=java.base/$module=ALL-UNNAMED"
  done
} > "$neo/conf/neo4j.conf"
NEO4J_CONF="$neo/conf" NEO4J_HOME="$home" "$home/bin/neo4j" console > "$neo/neo4j.log" 2>&1 &
neo4j=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$http/" >/dev/null && break; sleep 0.5; done
java=$(pgrep -P "$neo4j" java || echo "$neo4j")
service_args="--ImpactMap:Store=neo4j --ImpactMap:Neo4j:Url=http://127.0.0.1:$http"
. bench/service.sh
# Another instance on the same Neo4j, which has never seen the graph: its first question loads it from Neo4j.
other_data=$(mktemp -d); other_port=$(free_port)
dotnet src/ImpactMap.Api/bin/Release/net10.0/ImpactMap.Api.dll --urls "http://127.0.0.1:$other_port" \
  --ImpactMap:DataDirectory="$other_data" --ImpactMap:SampleGraphs= --ImpactMap:AuditLog="$other_data/audit.log" \
  --ImpactMap:RateLimit:PermitsPerSecond=0 --Serilog:MinimumLevel:Default=Warning $service_args > "$other_data/service.log" 2>&1 &
other=$!
trap 'kill $service $other 2>/dev/null; kill $neo4j 2>/dev/null; sleep 2; tail -5 "$other_data/service.log"; rm -rf "$data" "$neo" "$other_data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$other_port/health/ready" >/dev/null && break; sleep 0.5; done
dotnet bench/ImpactMap.Bench/bin/Release/net10.0/ImpactMap.Bench.dll neo4j-replace "http://127.0.0.1:$port" "$java" "$nodes" \
  "http://127.0.0.1:$other_port" "$other"
echo "| Neo4j log lines naming OutOfMemory | $(grep -c OutOfMemory "$neo/neo4j.log" "$neo"/logs/*.log 2>/dev/null | awk -F: '{s+=$NF} END {print s+0}') |"
