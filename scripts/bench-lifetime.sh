#!/usr/bin/env bash
# bench-lifetime.sh — measure lifetime mode: configure a Release build in
# build-bench-lifetime/ (or $DRSIM_BENCH_BUILD_DIR), build bench_lifetime and
# run it on one thread: trials/s, simulated years/s and component-years/s on
# the reference scenario (target >= 100 k component-years/s per core).
# Usage: scripts/bench-lifetime.sh [SCENARIO.yaml] [seconds, default 3]
# For stable figures run it on an otherwise idle machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${DRSIM_BENCH_BUILD_DIR:-$here/build-bench-lifetime}
log=$build/bench-lifetime-build.log
mkdir -p "$build"
# Build output (other modules' Release-only warnings included) goes to a log,
# shown only when the build fails.
if ! { cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
       cmake --build "$build" --target bench_lifetime -j 2; } >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
scenario=${1:-$here/scenarios/azure-aks-east-west-lifetime.yaml}
exec "$build/bench_lifetime" "$scenario" "${2:-3}"
