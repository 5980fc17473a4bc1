#!/usr/bin/env bash
# bench-peer.sh — drsim against the tool users would otherwise write this in:
# SimPy. Runs drsim (one thread, results stored with --detail summary) and the
# independent SimPy model scripts/bench/simpy_reference.py on the same subset
# of the reference scenario (scripts/bench/peer-subset.yaml, whose header says
# exactly what it contains) with the same trial count, and prints
#  (a) trials/s of each and their ratio, measured in this run: best of REPS
#      runs each (default 3), drsim's from its own "N trials in S s" line
#      (trial loop + storing, no start-up), SimPy's from its trial loop;
#  (b) a two-sample Kolmogorov-Smirnov test (scripts/bench/ks.py) of the RTO
#      and of the RPO samples of the two (first run of each; the two use
#      different generators and seeds, so the samples are independent),
#      PASS when it does not reject at the 1 % level.
# drsim's stored rate falls as the database grows (here ~240 k trials/s at
# 20 000 trials, ~90 k/s at 10^5..10^6), so compare at the same N only.
# Target (issue 9): drsim on one thread >= 100x SimPy's trials/s, and the
# distributions agree. Exit status: 0 when both KS tests pass, 1 when one
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

# Best (largest) of REPS rates; the first run's samples go to the KS test.
drsim_best=0 simpy_best=0
for rep in $(seq 1 "$reps"); do
  rm -f "$tmp"/peer.db*
  "$drsim" run "$subset" --threads 1 --trials "$n" --seed "$seed" --db "$tmp/peer.db" \
    --detail summary --format none 2>"$tmp/drsim.err" || { cat "$tmp/drsim.err" >&2; die "drsim run failed"; }
  rate=$(sed -n 's/.* trials in .* s (\([0-9.]*\) trials\/s.*/\1/p' "$tmp/drsim.err")
  [ -n "$rate" ] || { cat "$tmp/drsim.err" >&2; die "no 'trials in' line from drsim"; }
  drsim_best=$(python3 -c "print(max($drsim_best, $rate))")
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
printf '  %-44s %12.0f trials/s\n' "drsim (Release, results stored, detail summary)" "$drsim_best"
printf '  %-44s %12.0f trials/s\n' "SimPy $simpy_version" "$simpy_best"
python3 - "$drsim_best" "$simpy_best" <<'PY'
import sys
d, s = float(sys.argv[1]), float(sys.argv[2])
r = d / s
print("  ratio drsim / SimPy: %.1fx (target >= 100x: %s)" % (r, "met" if r >= 100 else "NOT met"))
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
