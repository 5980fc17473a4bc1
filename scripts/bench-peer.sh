#!/usr/bin/env bash
# bench-peer.sh — drsim against the tool users would otherwise write this in:
# SimPy. Runs drsim (one thread) and the independent SimPy model
# scripts/bench/simpy_reference.py on the same subset of the reference
# scenario (scripts/bench/peer-subset.yaml, whose header says exactly what it
# contains) with the same trial count, and prints
#  (a) trials/s of each and the ratios, measured in this run: best of REPS
#      runs each (default 3), drsim's from its own "N trials in S s" line
#      (trial loop, plus storing when it stores; no start-up), SimPy's from
#      its trial loop;
#  (b) a two-sample Kolmogorov-Smirnov test (scripts/bench/ks.py) of the RTO
#      and of the RPO samples of the two (first run of each; the two use
#      different generators and seeds, so the samples are independent),
#      PASS when it does not reject at the 1 % level.
# What is compared with what (both figures are printed, each against the
# target). SimPy's timed loop simulates each trial and appends its (RTO, RPO)
# to a Python list; it persists nothing (the CSV is written after the clock
# stops). drsim is measured twice per repetition:
#  - "in memory" (--no-store): every trial simulated and its full outcome
#    record (RTO, RPO, per step, component and pool) produced in memory, not
#    persisted. This does the same work as the SimPy loop, so it is the
#    headline ratio that the target is checked against;
#  - "stored" (--detail summary): the same, plus every trial's row written
#    to SQLite (WAL, one transaction per 2 048 trials, aggregates updated),
#    which SimPy does not do: what a `drsim run` costs. The stored rate
#    falls a little as the database grows (480 k trials/s at 20 000 trials,
#    450 k/s at 10^5 and 10^6 on an idle machine), so compare at the same N.
# Target (issue 9): drsim on one thread >= 100x SimPy's trials/s, and the
# distributions agree. Ratios depend on the load of the machine: SimPy's runs
# last seconds and average over it, drsim's last tens of milliseconds and the
# best of REPS is taken, so a busy machine inflates the ratios; quote them
# from an idle one. Exit status: 0 when both KS tests pass, 1 when one
# rejects (the speed target is reported, not enforced: it depends on the
# machine), 2 on a setup or run failure.
# Builds a Release drsim in build-bench/ (or $DRSIM_BENCH_BUILD). Needs
# Debian's python3-simpy3 (`import simpy`; python3-simpy is the old SimPy 2
# API); installs it with apt-get when no python3 can import simpy.
# Usage: scripts/bench-peer.sh [TRIALS [SEED]]   (defaults 20000, 42)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20000}
seed=${2:-42}
reps=${REPS:-3}
build=${DRSIM_BENCH_BUILD:-$here/build-bench}
subset=$here/scripts/bench/peer-subset.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
die() { echo "bench-peer: $*" >&2; exit 2; }

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; die "cmake configure failed"; }
cmake --build "$build" --target drsim -j "$(nproc)" >>"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; die "build failed"; }
drsim=$build/drsim

# A python3 that has SimPy 3+: pyenv-style shims often hide Debian's
# dist-packages, so try the system interpreter too.
find_python() {
  for p in ${PYTHON:-} python3 /usr/bin/python3; do
    command -v "$p" >/dev/null 2>&1 && "$p" -c 'import simpy, sys; sys.exit(0 if int(simpy.__version__.split(".")[0]) >= 3 else 1)' 2>/dev/null \
      && { echo "$p"; return 0; }
  done
  return 1
}
if ! py=$(find_python); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "bench-peer: installing python3-simpy3" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-simpy3 >/dev/null
  py=$(find_python) || die "no python3 can import simpy after installing python3-simpy3"
fi
simpy_version=$("$py" -c 'import simpy, platform; print(simpy.__version__, "on Python", platform.python_version())')

# drsim's rate from its "N trials in S s (R trials/s ..." line on stderr.
drsim_rate() {
  local rate
  rate=$(sed -n 's/.* trials in .* s (\([0-9.]*\) trials\/s.*/\1/p' "$tmp/drsim.err")
  [ -n "$rate" ] || { cat "$tmp/drsim.err" >&2; die "no 'trials in' line from drsim"; }
  echo "$rate"
}

# Best (largest) of REPS rates; the first run's samples go to the KS test.
drsim_best=0 drsim_mem_best=0 simpy_best=0
for rep in $(seq 1 "$reps"); do
  "$drsim" run "$subset" --threads 1 --trials "$n" --seed "$seed" --no-store \
    --format none 2>"$tmp/drsim.err" || { cat "$tmp/drsim.err" >&2; die "drsim run --no-store failed"; }
  drsim_mem_best=$(python3 -c "print(max($drsim_mem_best, $(drsim_rate)))")

  rm -f "$tmp"/peer.db*
  "$drsim" run "$subset" --threads 1 --trials "$n" --seed "$seed" --db "$tmp/peer.db" \
    --detail summary --format none 2>"$tmp/drsim.err" || { cat "$tmp/drsim.err" >&2; die "drsim run failed"; }
  drsim_best=$(python3 -c "print(max($drsim_best, $(drsim_rate)))")
  if [ "$rep" = 1 ]; then
    "$drsim" export --db "$tmp/peer.db" --run 1 --table trials --format csv -o "$tmp/drsim.csv" \
      || die "drsim export failed"
  fi

  out=$("$py" "$here/scripts/bench/simpy_reference.py" "$n" "$tmp/simpy$rep.csv" --seed $((seed * 1000 + rep))) \
    || die "SimPy model failed"
  rate=$(echo "$out" | sed -n 's/.*(\([0-9.]*\) trials\/s).*/\1/p')
  [ -n "$rate" ] || die "no rate from the SimPy model: $out"
  simpy_best=$(python3 -c "print(max($simpy_best, $rate))")
done

echo "peer benchmark: $(basename "$subset"), $n trials, one thread, best of $reps runs each"
printf '  %-52s %10.0f trials/s\n' "drsim (Release), results in memory (--no-store)" "$drsim_mem_best"
printf '  %-52s %10.0f trials/s\n' "drsim (Release), results stored (--detail summary)" "$drsim_best"
printf '  %-52s %10.0f trials/s\n' "SimPy $simpy_version, results in memory" "$simpy_best"
python3 - "$drsim_mem_best" "$drsim_best" "$simpy_best" <<'PY'
import sys
m, d, s = (float(x) for x in sys.argv[1:4])
met = lambda r: "met" if r >= 100 else "NOT met"
print("  ratio drsim / SimPy, both in memory (headline): %.1fx (target >= 100x: %s)"
      % (m / s, met(m / s)))
print("  ratio drsim stored / SimPy in memory:           %.1fx (target >= 100x: %s)"
      % (d / s, met(d / s)))
PY

echo "two-sample Kolmogorov-Smirnov, drsim vs SimPy, 1 % level:"
ks=0
python3 "$here/scripts/bench/ks.py" "$tmp/drsim.csv" rto_s "$tmp/simpy1.csv" rto_s --alpha 0.01 --label "  RTO" || ks=1
python3 "$here/scripts/bench/ks.py" "$tmp/drsim.csv" rpo_s "$tmp/simpy1.csv" rpo_s --alpha 0.01 --label "  RPO" || ks=1
if [ "$ks" = 0 ]; then
  echo "distributions agree (neither test rejects at 1 %)"
else
  echo "bench-peer: a KS test rejects at 1 %: drsim and the SimPy model disagree" >&2
  exit 1
fi
