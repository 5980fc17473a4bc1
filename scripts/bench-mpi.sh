#!/usr/bin/env bash
# bench-mpi.sh — a stored MPI run without the funnel: 2 ranks vs 1 rank,
# both storing (each rank stores its slice in its own part, rank 0 absorbs
# the parts at the end), measured in one run of this script, with the
# per-rank figures DRSIM_MPI_VERBOSE prints (time simulating, time storing,
# part bytes; rank 0's time to fetch and absorb the parts) and, from those
# per-trial costs, a projection for P ranks (default 64 and 1000) at 10^9
# trials. Also the funnel (DRSIM_MPI_FUNNEL=1: rank 0 stores every record)
# for comparison. Prints Markdown.
#
# Usage: scripts/bench-mpi.sh          (builds $DRSIM_BUILD_DIR, default build-mpi/,
#                                       -DDRSIM_MPI=ON, the program only)
# Env: BENCH_TRIALS (default 200000), BENCH_REPEAT (best of, default 3),
#      BENCH_DETAIL (default summary), BENCH_NET_MBS (network MB/s assumed for
#      fetching parts from other nodes in the projection, default 1000),
#      DRSIM_BUILD_DIR.
# On a machine shared with other work the wall times are noisy: runs are
# interleaved, the best of BENCH_REPEAT is kept and the load is printed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${DRSIM_BUILD_DIR:-$here/build-mpi}
N=${BENCH_TRIALS:-200000}
R=${BENCH_REPEAT:-3}
detail=${BENCH_DETAIL:-summary}
net=${BENCH_NET_MBS:-1000}
ref=$here/scenarios/azure-aks-east-west.yaml

command -v mpirun >/dev/null || { echo "bench-mpi: mpirun not found; apt-get install openmpi-bin libopenmpi-dev" >&2; exit 2; }
has_mpi() { # ldd into a variable: `ldd | grep -q` fails under pipefail (SIGPIPE)
  local libs
  libs=$(ldd "$1" 2>/dev/null || true)
  [[ $libs == *libmpi* ]]
}
if [ ! -x "$build/drsim" ] || ! has_mpi "$build/drsim"; then
  cmake -S "$here" -B "$build" -DDRSIM_MPI=ON -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$build" --target drsim -j "$(nproc)" >"$build/bench-build.log" 2>&1 ||
    { cat "$build/bench-build.log" >&2; exit 3; }
fi
drsim=$build/drsim
has_mpi "$drsim" || { echo "bench-mpi: $drsim has no MPI" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mpi=(mpirun --oversubscribe --bind-to none)
[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)
export OMPI_MCA_btl_vader_single_copy_mechanism=none
args=("$ref" --trials "$N" --detail "$detail" --threads 1 --quiet --format none)

# timed NAME NP [ENV=V...]: one stored run; keeps the best wall time and
# the stderr of that run as $work/NAME.err
timed() {
  local name=$1 np=$2; shift 2
  rm -f "$work"/r.db*
  local t0 t1
  t0=$(date +%s.%N)
  env DRSIM_MPI_VERBOSE=1 "$@" "${mpi[@]}" -np "$np" "$drsim" run "${args[@]}" --db "$work/r.db" \
    >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; exit 3; }
  t1=$(date +%s.%N)
  local w
  w=$(python3 -c "print($t1 - $t0)")
  if [ ! -f "$work/$name.best" ] || python3 -c "import sys; sys.exit(0 if $w < $(cat "$work/$name.best") else 1)"; then
    echo "$w" >"$work/$name.best"
    cp "$work/last.err" "$work/$name.err"
    du -b "$work/r.db" | cut -f1 >"$work/$name.bytes"
  fi
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 0; i < R; i++)); do
  timed one 1
  timed two 2
  timed funnel 2 DRSIM_MPI_FUNNEL=1
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$work" "$N" "$net" "$load0" "$load1" "$detail" <<'PY'
import re, sys
work, N, net, load0, load1, detail = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), *sys.argv[4:]
best = {k: float(open(f"{work}/{k}.best").read()) for k in ("one", "two", "funnel")}
dbytes = int(open(f"{work}/two.bytes").read())
err = open(f"{work}/two.err").read()
ranks = [(int(r), int(t), float(s), float(w), int(b)) for r, t, s, w, b in re.findall(
    r"MPI rank (\d+): (\d+) trials, simulate ([\d.]+) s, store ([\d.]+) s, part (\d+) bytes", err)]
m = re.search(r"merge ([\d.]+) s \(fetch and absorb (\d+) parts, after waiting ([\d.]+) s", err)
merge_s, wait_s = float(m.group(1)), float(m.group(3))
print(f"# Stored MPI runs without the funnel: {N} trials of the reference scenario, --detail {detail}, 1 thread a rank\n")
print(f"load average {load0} before, {load1} after (2 cores shared with other work: wall times are noisy)\n")
print("| run | wall s (best) | vs 1 rank |")
print("|---|--:|--:|")
for k, label in (("one", "1 rank, stored"), ("two", "2 ranks, stored, each its own part"),
                 ("funnel", "2 ranks, stored, funnel to rank 0 (DRSIM_MPI_FUNNEL=1)")):
    print(f"| {label} | {best[k]:.2f} | {best['one'] / best[k]:.2f}x |")
print(f"\n**2 ranks stored / 1 rank stored: {best['one'] / best['two']:.2f}x** wall clock (the funnel: {best['one'] / best['funnel']:.2f}x)\n")
print("Per rank, the best 2-rank run:\n")
print("| rank | trials | simulate s | store s | us/trial simulate | us/trial store | part bytes |")
print("|--:|--:|--:|--:|--:|--:|--:|")
for r, t, s, w, b in ranks:
    print(f"| {r} | {t} | {s:.3f} | {w:.3f} | {1e6 * s / t:.2f} | {1e6 * w / t:.2f} | {b} |")
absorbed = sum(t for r, t, *_ in ranks if r > 0)
pbytes = sum(b for r, t, s, w, b in ranks if r > 0)
c = sum(s for _, _, s, _, _ in ranks) / sum(t for _, t, *_ in ranks)
w = sum(x for _, _, _, x, _ in ranks) / sum(t for _, t, *_ in ranks)
mm = merge_s / absorbed if absorbed else 0.0
bpt = pbytes / absorbed if absorbed else 0.0
print(f"\nrank 0: merge (fetch and absorb the part) {merge_s:.3f} s for {absorbed} trials = "
      f"{1e6 * mm:.2f} us/trial, after waiting {wait_s:.3f} s for rank 1; database {dbytes} bytes")
work_all = sum(s + w for _, _, s, w, _ in ranks)
crit = max(s + w for _, _, s, w, _ in ranks) + merge_s
print(f"\nFrom the per-rank times of that run (two free cores): one rank would take "
      f"{work_all:.2f} s of simulating and storing, two ranks {crit:.2f} s (the slower rank, then "
      f"rank 0's merge): **{work_all / crit:.2f}x**")
print(f"\nPer trial: simulate c = {1e6 * c:.2f} us, store w = {1e6 * w:.2f} us (each rank, in parallel), "
      f"absorb m = {1e6 * mm:.2f} us and {bpt:.0f} part bytes (rank 0, serial)\n")
T = 10**9
one_rank = T * (c + w)
print(f"Projection for 10^9 trials (one rank: {one_rank / 3600:.1f} h); parts fetched at {net:.0f} MB/s:\n")
print("| ranks | compute + store per rank | absorb on rank 0 | fetch on rank 0 | total | speed-up | serial share |")
print("|--:|--:|--:|--:|--:|--:|--:|")
for P in (2, 64, 1000):
    par = T / P * (c + w)
    ab = T * (P - 1) / P * mm
    fe = T * (P - 1) / P * bpt / (net * 1e6) if P > 2 else 0.0
    tot = par + ab + fe
    print(f"| {P} | {par:.0f} s | {ab:.0f} s | {fe:.0f} s | {tot:.0f} s | {one_rank / tot:.1f}x | "
          f"{(ab + fe) / tot:.0%} |")
print("\n(The 2-rank row fetches nothing: same node. The bound as P grows is rank 0's absorb and "
      "fetch of every other rank's trials: 1 / (m + bytes/bandwidth) trials/s.)")
PY
