#!/usr/bin/env bash
# bench-scale.sh — how drsim scales past one process: trials/s of the
# reference scenario for 1 and 2 MPI ranks (and 1 and 2 threads), with and
# without the results store; the serial fraction of an MPI run (rank 0
# receives and writes every trial: the part that does not shrink with more
# ranks), measured as (time with store - time without) / time with store on
# one thread; the Amdahl projection for a 64-core cluster and the ceiling
# that rank 0's write rate puts on any cluster; and drsim merge's rate (the
# serial step of the shard/merge path). Prints a Markdown report.
#
# Usage: scripts/bench-scale.sh            (builds $DRSIM_BUILD_DIR, default build-mpi/,
#                                           with -DDRSIM_MPI=ON, the program only)
# Env: BENCH_TRIALS (default 400000), BENCH_REPEAT (best of, default 3),
#      DRSIM_BUILD_DIR, BENCH_CORES (cluster size to project, default 64).
# Needs Open MPI (apt-get install openmpi-bin libopenmpi-dev). On a loaded
# machine the figures are noisy: the best of BENCH_REPEAT runs is kept and
# the load average is printed with them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${DRSIM_BUILD_DIR:-$here/build-mpi}
N=${BENCH_TRIALS:-400000}
R=${BENCH_REPEAT:-3}
P=${BENCH_CORES:-64}
ref=$here/scenarios/azure-aks-east-west.yaml

command -v mpirun >/dev/null || { echo "bench-scale: mpirun not found; apt-get install openmpi-bin libopenmpi-dev" >&2; exit 2; }
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDRSIM_MPI=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target drsim -j "$(nproc)" >"$build/bench-build.log" 2>&1 ||
  { cat "$build/bench-build.log" >&2; exit 3; }
drsim=$build/drsim
ldd "$drsim" | grep -q libmpi || { echo "bench-scale: $drsim has no MPI (remove $build/CMakeCache.txt)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mpi=(mpirun --oversubscribe --bind-to none)
[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)
export OMPI_MCA_btl_vader_single_copy_mechanism=none

# best_time CMD...: "WALL CPU" in seconds, each the smallest of R runs (CPU =
# user + system of the command and its children: on a machine shared with
# other work it is far steadier than the wall time). A store run writes a
# fresh database each time.
best_time() {
  local bw="" bc="" w c i
  for ((i = 0; i < R; i++)); do
    rm -f "$work"/r.db*
    { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>"$work/err"; } 2>"$work/time" ||
      { cat "$work/err" >&2; exit 3; }
    read -r w u sy <"$work/time"
    c=$(python3 -c "print($u + $sy)")
    bw=$(python3 -c "print(min(x for x in ($w, ${bw:-$w})))")
    bc=$(python3 -c "print(min(x for x in ($c, ${bc:-$c})))")
  done
  echo "$bw $bc"
}
args=("$ref" --trials "$N" --detail summary --quiet --format none)
one=("$drsim" run "${args[@]}")
two=("${mpi[@]}" -np 2 "$drsim" run "${args[@]}")

load=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A T
T[1r1t_ns]=$(best_time "${one[@]}" --threads 1 --no-store)
T[1r2t_ns]=$(best_time "${one[@]}" --threads 2 --no-store)
T[2r1t_ns]=$(best_time "${two[@]}" --threads 1 --no-store)
T[1r1t_db]=$(best_time "${one[@]}" --threads 1 --db "$work/r.db")
T[1r2t_db]=$(best_time "${one[@]}" --threads 2 --db "$work/r.db")
T[2r1t_db]=$(best_time "${two[@]}" --threads 1 --db "$work/r.db")
# An MPI start-up without work, for scale (it is in the 2-rank times).
T[mpi0]=$(best_time "${mpi[@]}" -np 2 "$drsim" version)

# Per-rank figures: what each rank computed and what rank 0 gathered.
rm -f "$work"/r.db*
DRSIM_MPI_VERBOSE=1 "${two[@]}" --threads 1 --db "$work/r.db" 2>&1 >/dev/null | grep 'drsim: MPI:' >"$work/ranks_db" || true
DRSIM_MPI_VERBOSE=1 "${two[@]}" --threads 1 --no-store 2>&1 >/dev/null | grep 'drsim: MPI:' >"$work/ranks_ns" || true

# Merge: 4 shards of N trials into one database.
for k in 1 2 3 4; do "${one[@]}" --shard $k/4 --threads 2 --db "$work/part-$k.db"; done
mt=$(best_time sh -c "rm -f '$work/all.db'; '$drsim' merge '$work'/part-*.db -o '$work/all.db' --quiet")
mt=${mt%% *}

python3 - "$N" "$P" "$load" "$mt" "$(nproc)" "$work/ranks_db" "$work/ranks_ns" \
  "${T[1r1t_ns]}" "${T[1r2t_ns]}" "${T[2r1t_ns]}" "${T[1r1t_db]}" "${T[1r2t_db]}" "${T[2r1t_db]}" "${T[mpi0]}" <<'PY'
import sys
N, P = int(sys.argv[1]), int(sys.argv[2])
load, merge_t, cores = sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
ranks_db, ranks_ns = (open(f).read().strip() for f in sys.argv[6:8])
pairs = [tuple(map(float, x.split())) for x in sys.argv[8:15]]
(ns11, ns12, ns21, db11, db12, db21, mpi0) = (p[0] for p in pairs)
(cns11, _, _, cdb11, _, _, _) = (p[1] for p in pairs)
rate = lambda t: N / t
print(f"## drsim scaling ({N} trials of azure-aks-east-west, --detail summary; best of runs; "
      f"{cores} cores, load average {load})\n")
print("| ranks x threads | no store: trials/s | vs 1x1 | with store: trials/s | vs 1x1 |")
print("|---|--:|--:|--:|--:|")
rows = (("1 x 1", ns11, db11), ("1 x 2", ns12, db12), ("2 x 1 (mpirun)", ns21, db21),
        ("2 x 1 (mpirun, start-up excluded)", ns21 - mpi0, db21 - mpi0))
for name, a, b in rows:
    print(f"| {name} | {rate(a):,.0f} | {ns11 / a:.2f} | {rate(b):,.0f} | {db11 / b:.2f} |")
# Per-trial costs from CPU time of the one-thread runs (steady under load).
c = cns11 / N                 # compute, s per trial on one core
w = max(cdb11 - cns11, 0) / N # storing, s per trial: rank 0 does it for every rank
m = merge_t / N               # merging, s per trial (wall)
print()
print(f"- per trial (CPU time, one thread): compute {c * 1e6:.1f} us, storing {w * 1e6:.1f} us; "
      f"mpirun start-up and shutdown {mpi0:.2f} s (in the mpirun rows)")
print(f"- 2 ranks vs 1 rank, stored: {db11 / db21:.2f}x (start-up excluded {db11 / (db21 - mpi0):.2f}x; "
      f"issue 22 target >= 1.8x); --no-store: {ns11 / ns21:.2f}x ({ns11 / (ns21 - mpi0):.2f}x)")
for what, line in (("stored", ranks_db), ("--no-store", ranks_ns)):
    if line:
        print(f"- per rank, {what}: {line.split('over 2 ranks; ')[-1]}")
print(f"- drsim merge of 4 shards ({N} trials in all): {merge_t:.2f} s = {N / merge_t:,.0f} trials/s")
if w > 0:
    s = w / (c + w)           # serial fraction of an MPI run with the store
    speed = 1 / (s + (1 - s) / P)
    print(f"- serial fraction of a stored MPI run (rank 0 receives and stores every trial): "
          f"s = w / (c + w) = {s:.2f}")
    for R in (P, 1000):
        sp = 1 / (s + (1 - s) / R)
        print(f"- {R} ranks of one core, stored (rank 0 stores every trial): {sp:.1f}x one core; "
              f"--no-store (counts only travel): up to {R:.0f}x = {R / c:,.0f} trials/s")
    print(f"- projection for {P} cores:")
    print(f"  - mpirun, stored (Amdahl): {speed:.1f}x one core = {speed / (c + w):,.0f} trials/s; "
          f"the ceiling is 1/s = {1 / s:.1f}x = {1 / w:,.0f} trials/s, rank 0's write rate")
    print(f"  - mpirun --no-store (compute only, s ~ 0): up to {P / c:,.0f} trials/s")
    t_sh = (c + w) / P + m
    print(f"  - {P} shards + drsim merge: {(c + w) / P * 1e6:.2f} + {m * 1e6:.1f} us per trial "
          f"= {1 / t_sh:,.0f} trials/s overall (the merge is the serial part)")
PY
