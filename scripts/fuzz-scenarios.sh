#!/usr/bin/env bash
# fuzz-scenarios.sh SECONDS — fuzz the scenario loader (tests/fuzz/fuzz_scenario.c)
# with libFuzzer + ASan + UBSan for SECONDS seconds.
#
# Builds with clang in build-fuzz/ (-DDRSIM_FUZZ=ON -DBUILD_TESTING=OFF; the
# libraries are instrumented with -fsanitize=fuzzer-no-link so coverage
# reaches the loader). The seed corpus is a temporary copy of scenarios/*.yaml
# and scenarios/invalid/*.yaml plus a few override seeds, so the repository's
# corpus never grows. Exits non-zero on any crash, leak, timeout (> 10 s per
# input) or out-of-memory (> 2048 MB); the reproducer and the log are then kept
# in the printed temporary directory. Environment: DRSIM_FUZZ_BUILD_DIR to
# build elsewhere, DRSIM_FUZZ_JOBS for parallel fuzzing jobs (default 1).
set -euo pipefail
secs=${1:-}
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
  echo "usage: scripts/fuzz-scenarios.sh SECONDS" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")/.." && pwd)
build=${DRSIM_FUZZ_BUILD_DIR:-$here/build-fuzz}
jobs=${DRSIM_FUZZ_JOBS:-1}
command -v clang >/dev/null || { echo "fuzz-scenarios.sh: clang is needed" >&2; exit 3; }

CC=clang cmake -S "$here" -B "$build" -DDRSIM_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  >/dev/null
cmake --build "$build" --target fuzz_scenario -j "$(nproc)" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/drsim-fuzz.XXXXXX")
keep=0
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
mkdir "$work/corpus" "$work/artifacts" "$work/cwd"
cp "$here"/scenarios/*.yaml "$here"/scenarios/invalid/*.yaml "$work/corpus/"
# Seeds that exercise --set (leading "#set " lines are applied as overrides).
ref="$here/scenarios/azure-aks-east-west.yaml"
if [ -f "$ref" ]; then
  { echo "#set standby.aks-prod-dr.warm_nodes=3"
    echo "#set workflows.production.steps.approve-failover.duration.median=10m"
    cat "$ref"; } > "$work/corpus/seed-override-good.yaml"
  { echo "#set standby.nope.warm_nodes=3"
    echo "#set trials.x=1"
    echo "#set workflows.production.steps.approve-failover.duration={dist: pert, min: 1m, mode: 2m, max: 3m}"
    cat "$ref"; } > "$work/corpus/seed-override-bad.yaml"
fi
# A dictionary of the scenario keywords helps the fuzzer build valid maps.
{
  for w in version name description seed trials mode disaster lifetime horizon objectives \
           rto rpo availability regions role primary standby components environment region \
           zone redundant depends_on failure repair replication none sync async periodic to lag \
           interval copy failure_probability retention failover after duration by type \
           region-outage zone-outage component rate warm_nodes required_nodes service_nodes \
           provision max_parallel node_cost_per_hour capacity_shortage probability delay \
           workflows detection steps needs manual business_hours off_hours retry max timeout \
           oncall workdays failback failback_duration dist constant value exponential mean \
           lognormal median p95 mu sigma weibull shape scale gamma normal sd uniform min \
           triangular pert empirical samples file; do
    printf '"%s"\n' "$w"
  done
  printf '"%s"\n' ": " "- " "{" "}" "[" "]" ", " "&a " "*a" "#set " "30s" "15m" "4h" "2d" "1y" \
    "99.9%" "1/10y" "\"08:00-18:00\"" "---"
} > "$work/dict"

log="$work/fuzz.log"
status=0
# Run from an empty directory: relative samples `file:` paths find nothing.
(cd "$work/cwd" && "$build/fuzz_scenario" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
   -jobs="$jobs" -workers="$jobs" -dict="$work/dict" -artifact_prefix="$work/artifacts/" \
   -print_final_stats=1 "$work/corpus") >"$log" 2>&1 || status=$?
if [ "$jobs" != 1 ]; then cat "$work"/cwd/fuzz-*.log >> "$log" 2>/dev/null || true; fi
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ *DONE" "$log" | tail -n 3 || true
if [ "$status" != 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
  keep=1
  echo "fuzz-scenarios.sh: FAILED (status $status); log and reproducers in $work" >&2
  grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" | head -n 20 >&2 || true
  exit 1
fi
echo "fuzz-scenarios.sh: ${secs}s, no crash, leak or hang"
