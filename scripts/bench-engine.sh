#!/usr/bin/env bash
# bench-engine.sh — measure the discrete-event kernel: configure a Release
# build in build-bench/ (or $DRSIM_BENCH_BUILD_DIR), build bench_engine and run
# it (hold model at 10^2/10^4/10^6 pending events, M/M/1 with 10^6 customers).
# Usage: scripts/bench-engine.sh [seconds per case, default 1.5]
# Figures are for one core; run on an otherwise idle machine for stable ones.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${DRSIM_BENCH_BUILD_DIR:-$here/build-bench}
log="$build/bench-build.log"
mkdir -p "$build"
if ! { cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
       cmake --build "$build" --target bench_engine -j "$(nproc)"; } >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "bench-engine: build failed (full log: $log)" >&2
  exit 1
fi
exec "$build/bench_engine" "$@"
