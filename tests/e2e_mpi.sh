#!/usr/bin/env bash
# e2e_mpi.sh DRSIM SOURCE_DIR — `mpirun -np N drsim run ...` stores exactly
# what one process stores with the same seed: every per-trial table row for
# row (run_id aside), the aggregates' counts and maxima exactly and their
# sums to rounding (each rank stores its slice in its own part, and rank 0
# absorbs the parts: sums added in another order), the report's CSV byte
# for byte, for 2 and 3 ranks, a lifetime scenario, a shard, and --resume
# of an interrupted run; the trials really are spread over the ranks and no
# record travels to rank 0 (stored or not); parts fetched over MPI as from
# another node; a run stopped by SIGTERM keeps every rank's finished trials
# (parts beside the database) and --resume, over ranks or in one process,
# absorbs them and completes the run; the funnel (DRSIM_MPI_FUNNEL=1) still
# stores exactly, sums bit for bit; a rank that rebuilds another model
# (other samples file, same text) makes the run fail with nothing stored. Skips
# (exit 77, ctest's SKIP_RETURN_CODE, so ctest reports it as skipped rather
# than passed) when DRSIM was built without MPI (cmake -DDRSIM_MPI=ON) or
# mpirun is missing; scripts/test.sh builds and runs the MPI variant.
set -u
drsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")   # absolute: one test changes directory
src=$2
if ! command -v mpirun >/dev/null 2>&1; then
  echo "# SKIP e2e_mpi: mpirun not found (apt-get install openmpi-bin libopenmpi-dev)"
  exit 77
fi
if ! ldd "$drsim" 2>/dev/null | grep -q 'libmpi'; then
  echo "# SKIP e2e_mpi: $drsim was built without MPI (configure with -DDRSIM_MPI=ON)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=$src/scenarios/azure-aks-east-west.yaml
mpi=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)
# Containers often forbid the cross-process memory copy Open MPI tries first.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
# Run 1 of A and B: every per-run table equal, and runs. Aggregate sums
# (real columns of *_stats) to relative 1e-12 unless "exact" is given: the
# parts' sums are added in another order than one process adds them.
same_run() { # A.db B.db [trials|exact]
  python3 - "$1" "$2" "${3:-all}" <<'PY'
import math, sqlite3, sys
a, b = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
only_trials = sys.argv[3] == "trials"
exact = sys.argv[3] == "exact"
def close(x, y):
    if isinstance(x, float) and isinstance(y, float):
        return x == y or math.isclose(x, y, rel_tol=1e-12)
    return x == y
checked = 0
for (t,) in a.execute("select name from sqlite_master where type='table' and name <> 'runs'"):
    cols = [r[1] for r in a.execute(f"pragma table_info({t})")]
    if "run_id" not in cols or (only_trials and "trial" not in cols):
        continue
    cols.remove("run_id")
    q = f"select {', '.join(cols)} from {t} where run_id = 1 order by {', '.join(cols)}"
    ra, rb = a.execute(q).fetchall(), b.execute(q).fetchall()
    if t.endswith("_stats") and not exact:
        keys = [c for c in cols if c.endswith("_index")]
        q = f"select {', '.join(cols)} from {t} where run_id = 1 order by {', '.join(keys)}"
        ra, rb = a.execute(q).fetchall(), b.execute(q).fetchall()
        ok = len(ra) == len(rb) and all(close(x, y) for p, r in zip(ra, rb) for x, y in zip(p, r))
        assert ok, (t, len(ra), len(rb), [p for p in zip(ra, rb) if p[0] != p[1]][:2])
    else:
        assert ra == rb, (t, len(ra), len(rb), [p for p in zip(ra, rb) if p[0] != p[1]][:2])
    checked += 1
assert checked >= 2, checked
q = "select scenario_hash, seed, trials, first_trial, trials_done, status from runs where id = 1"
assert a.execute(q).fetchone() == b.execute(q).fetchone(), (a.execute(q).fetchone(), b.execute(q).fetchone())
PY
}
# Every rank stored some trials (the DRSIM_MPI_VERBOSE line of rank 0).
spread() { # ERRFILE NRANKS
  python3 - "$1" "$2" <<'PY'
import re, sys
line = [l for l in open(sys.argv[1]) if "stored by rank:" in l]
assert line, "no MPI line"
counts = [int(x) for x in line[-1].split("stored by rank:")[1].split(";")[0].split()]
assert len(counts) == int(sys.argv[2]) and all(c > 0 for c in counts), counts
PY
}
mpirun_q() { # NP ARGS...: drsim under mpirun, stderr to $work/err
  local np=$1; shift
  DRSIM_MPI_VERBOSE=1 "${mpi[@]}" -np "$np" "$drsim" "$@" --quiet --format none 2>"$work/err" >/dev/null
}

# --- 2 ranks = 1 process ----------------------------------------------------
"$drsim" run "$ref" --trials 5000 --db "$work/single.db" --quiet --format none
if mpirun_q 2 run "$ref" --trials 5000 --threads 1 --db "$work/mpi2.db"; then
  ok "mpirun -np 2 drsim run (exit 0)"
else
  bad "mpirun -np 2 drsim run"; cat "$work/err"
fi
spread "$work/err" 2 && ok "both ranks computed trials ($(grep 'drsim: MPI' "$work/err"))" || bad "trials spread over 2 ranks"
same_run "$work/single.db" "$work/mpi2.db" && ok "2 ranks store what 1 process stores (all tables)" || bad "2 ranks = 1 process"
grep -q "(parts, each rank stores its own).*; 0 record bytes gathered" "$work/err" &&
  ok "a stored run over 2 ranks gathers no records: each rank stores its own part" ||
  { bad "a stored run funnels records"; cat "$work/err"; }
"$drsim" report --db "$work/single.db" --format csv >"$work/single.csv" 2>/dev/null
"$drsim" report --db "$work/mpi2.db" --format csv >"$work/mpi2.csv" 2>/dev/null
cmp -s "$work/single.csv" "$work/mpi2.csv" && ok "the report (CSV) of 2 ranks = 1 process, byte for byte" ||
  bad "report CSV of 2 ranks differs"
ls "$work"/mpi2.db.from* >/dev/null 2>&1 && bad "a part was left beside a complete run" ||
  ok "no part is left beside a complete run"
# Parts fetched over MPI, as from another node (a node-local part folder).
mkdir -p "$work/node1"
if DRSIM_MPI_SEND_PARTS=1 DRSIM_MPI_PART_DIR=$work/node1 mpirun_q 2 run "$ref" --trials 5000 \
     --threads 1 --db "$work/fetched.db" &&
   same_run "$work/single.db" "$work/fetched.db" && grep -q "[1-9][0-9]* part bytes fetched" "$work/err" &&
   [ -z "$(ls -A "$work/node1")" ]; then
  ok "parts on node-local folders are fetched over MPI ($(grep -o '[0-9]* part bytes fetched' "$work/err"))"
else
  bad "parts fetched over MPI"; cat "$work/err"; ls -la "$work/node1"
fi
# The funnel (records to rank 0) is still there: sums bit for bit.
if DRSIM_MPI_FUNNEL=1 mpirun_q 2 run "$ref" --trials 5000 --threads 1 --db "$work/funnel.db" &&
   same_run "$work/single.db" "$work/funnel.db" exact && ! grep -q "; 0 record bytes gathered" "$work/err"; then
  ok "DRSIM_MPI_FUNNEL=1: rank 0 stores every record, all tables bit for bit"
else
  bad "the funnel"; cat "$work/err"
fi

# --- 3 ranks, uneven count, 2 threads each ------------------------------------
"$drsim" run "$ref" --trials 7001 --seed 9 --detail summary --db "$work/single3.db" --quiet --format none
mpirun_q 3 run "$ref" --trials 7001 --seed 9 --detail summary --threads 2 --db "$work/mpi3.db"
spread "$work/err" 3 && ok "3 ranks computed trials" || bad "trials spread over 3 ranks"
same_run "$work/single3.db" "$work/mpi3.db" && ok "3 ranks x 2 threads store what 1 process stores" || bad "3 ranks = 1 process"

# --- lifetime mode ----------------------------------------------------------------
life=$src/scenarios/lifetime-availability.yaml
"$drsim" run "$life" --trials 3000 --db "$work/life1.db" --quiet --format none
mpirun_q 2 run "$life" --trials 3000 --threads 1 --db "$work/life2.db"
same_run "$work/life1.db" "$work/life2.db" && ok "lifetime scenario: 2 ranks = 1 process" || bad "lifetime: 2 ranks = 1 process"

# --- a shard over ranks -----------------------------------------------------------
"$drsim" run "$ref" --trials 9000 --shard 2/2 --db "$work/shard1.db" --quiet --format none
mpirun_q 2 run "$ref" --trials 9000 --shard 2/2 --threads 1 --db "$work/shard2.db"
same_run "$work/shard1.db" "$work/shard2.db" && ok "--shard 2/2 over 2 ranks = 1 process" || bad "shard over ranks"

# --- a sweep over ranks: every point equals the one-process sweep ----------------
"$drsim" sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=1,4 --trials 3000 --threads 1 \
  --db "$work/sweep1.db" --quiet --format none >/dev/null 2>&1
mpirun_q 2 sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=1,4 --trials 3000 --threads 1 \
  --db "$work/sweep2.db"
python3 - "$work/sweep1.db" "$work/sweep2.db" <<'PY' && ok "sweep over 2 ranks = one process (every point)" || bad "sweep over ranks"
import sqlite3, sys
a, b = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
q = "select run_id, environment, trial, rto_s, rpo_s, recovered from trials order by 1, 2, 3"
ra, rb = a.execute(q).fetchall(), b.execute(q).fetchall()
assert len(ra) == 2 * 3000 * 3 and ra == rb, (len(ra), len(rb))
q = "select id, point, status, trials_done from runs order by id"
assert a.execute(q).fetchall() == b.execute(q).fetchall()
PY
if grep -q "stored by rank" "$work/err"; then
  spread "$work/err" 2 && ok "sweep points spread over 2 ranks" || bad "sweep spread"
else
  echo "# sweep ran on rank 0 alone: $(grep -m1 warning "$work/err")"
fi

# --- --resume over ranks ----------------------------------------------------------
# An interrupted run made by hand: the stored prefix of single.db cut at 1234.
cp "$work/single.db" "$work/cut.db"
python3 - "$work/cut.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for t in ("trials", "steps", "components", "standby_trials", "common_cause_trials"):
    c.execute(f"delete from {t} where trial >= 1234")
c.execute("update runs set status = 'interrupted', trials_done = 1234, finished = NULL")
c.commit()
PY
mpirun_q 2 run --resume 1 --threads 1 --db "$work/cut.db"
spread "$work/err" 2 && ok "resume spread over 2 ranks" || bad "resume spread"
same_run "$work/single.db" "$work/cut.db" trials && ok "--resume over 2 ranks completes the run as one process would" || bad "resume over ranks"

# --- a rank that rebuilds another model refuses, and nothing is stored -------------
# Two working directories (MPMD) with the same scenario text but different
# samples files: the text hash agrees, the first trial does not.
mkdir -p "$work/A" "$work/B"
sed 's/^        duration: 2h .*/        duration: {dist: empirical, file: restore.csv}/' \
  "$src/scenarios/backup-only.yaml" >"$work/A/s.yaml"
cp "$work/A/s.yaml" "$work/B/s.yaml"
printf '1h\n2h\n3h\n' >"$work/A/restore.csv"
printf '5h\n6h\n7h\n' >"$work/B/restore.csv"
"${mpi[@]}" -np 1 -wdir "$work/A" "$drsim" run s.yaml --trials 9000 --threads 1 --db "$work/mix.db" \
  --quiet --format none : -np 1 -wdir "$work/B" "$drsim" run s.yaml >/dev/null 2>"$work/err"
st=$?
state=$(python3 -c "import sqlite3,sys; print(*sqlite3.connect(sys.argv[1]).execute('select status, trials_done from runs').fetchone())" "$work/mix.db" 2>/dev/null)
# (The samples' content is part of the scenario hash: the hash check sees it
# first; the first-trial probe stays as the second line of defence.)
if [ "$st" != 0 ] && grep -Eq "rank 1: (the scenario rebuilt from rank 0's text gives other results|rebuilt the scenario with hash)" "$work/err" &&
   [ "$state" = "failed 0" ]; then
  ok "a rank with other samples refuses; nothing stored (exit $st, $state)"
else
  bad "rank with another model: exit $st, state '$state'"; cat "$work/err"
fi

# --- --allow-path: rank 0 checks the confinement, the other ranks follow ------------
mkdir -p "$work/ap/sc" "$work/ap/data"
sed 's/^        duration: 2h .*/        duration: {dist: empirical, file: ..\/data\/restore.csv}/' \
  "$src/scenarios/backup-only.yaml" >"$work/ap/sc/s.yaml"
printf '1h\n2h\n3h\n' >"$work/ap/data/restore.csv"
"$drsim" run "$work/ap/sc/s.yaml" --allow-path "$work/ap/data" --trials 4000 --db "$work/ap1.db" --quiet --format none 2>/dev/null
if mpirun_q 2 run "$work/ap/sc/s.yaml" --allow-path "$work/ap/data" --trials 4000 --threads 1 --db "$work/ap2.db" &&
   same_run "$work/ap1.db" "$work/ap2.db"; then
  ok "a samples file allowed with --allow-path: 2 ranks = 1 process"
else
  bad "--allow-path over 2 ranks"; cat "$work/err"
fi
if ! mpirun_q 2 run "$work/ap/sc/s.yaml" --trials 4000 --threads 1 --db "$work/ap3.db" &&
   grep -q "outside the scenario's folder" "$work/err"; then
  ok "without --allow-path rank 0 refuses it before any rank reads it"
else
  bad "a samples file outside the folder was read under MPI"; cat "$work/err"
fi

# --- blocks travel in pieces (MPI counts are ints) --------------------------------
# A block of many threads' results can pass 2 GiB (--threads 280 did:
# MPI_ERR_COUNT); it is sent as pieces of at most 1 GiB. Pieces of 1000
# bytes here (DRSIM_MPI_PIECE_BYTES), so that a small run splits every block
# into hundreds of messages, records cut mid-way: the store is unchanged.
if DRSIM_MPI_FUNNEL=1 DRSIM_MPI_PIECE_BYTES=1000 mpirun_q 2 run "$ref" --trials 5000 --threads 1 --db "$work/piece.db" &&
   same_run "$work/single.db" "$work/piece.db"; then
  ok "blocks sent in 1000-byte pieces: 2 ranks store what 1 process stores"
else
  bad "blocks in pieces"; cat "$work/err"
fi
grep -o 'MiB a block, [0-9]* bytes a trial' "$work/err" | head -1 | sed 's/^/# /'

# --- no store ---------------------------------------------------------------------
if "${mpi[@]}" -np 2 "$drsim" run "$ref" --trials 4000 --threads 1 --no-store 2>"$work/err" >/dev/null &&
   grep -q "4000 trials in" "$work/err"; then
  ok "--no-store over 2 ranks reports 4000 trials"
else
  bad "--no-store over 2 ranks"; cat "$work/err"
fi
# --no-store does not funnel: the ranks send counts, rank 0 gathers no records
if DRSIM_MPI_VERBOSE=1 "${mpi[@]}" -np 2 "$drsim" run "$ref" --trials 9000 --threads 1 --no-store \
     2>"$work/err" >/dev/null && spread "$work/err" 2 &&
   grep -q "; 0 record bytes gathered" "$work/err"; then
  ok "--no-store over 2 ranks gathers no records ($(grep 'drsim: MPI' "$work/err"))"
else
  bad "--no-store over 2 ranks funnels records"; cat "$work/err"
fi
# ...and a funnelled stored run does gather the other rank's records
DRSIM_MPI_FUNNEL=1 mpirun_q 2 run "$ref" --trials 9000 --threads 1 --db "$work/g.db" --detail summary
grep -q "; 0 record bytes gathered" "$work/err" && bad "a funnelled run gathered nothing" ||
  ok "a funnelled stored run gathers the other rank's records"

# --- stopped by SIGTERM: every rank keeps its finished trials, --resume absorbs them ---
# 200 000 trials: long enough on a fast machine for the SIGTERM, sent as soon
# as rank 0 committed its first chunk, to find both ranks working.
"$drsim" run "$ref" --trials 200000 --seed 3 --detail summary --threads 1 --db "$work/big1.db" \
  --quiet --format none 2>/dev/null
DRSIM_MPI_VERBOSE=1 "${mpi[@]}" -np 2 "$drsim" run "$ref" --trials 200000 --seed 3 --detail summary \
  --threads 1 --db "$work/stop.db" --quiet --format none 2>"$work/err" >/dev/null &
mp=$!
python3 - "$work/stop.db" "$mp" <<'PY'
import os, signal, sqlite3, sys, time
for _ in range(30000):   # up to about 5 minutes on a loaded machine
    try:
        n = sqlite3.connect(sys.argv[1], timeout=0.1).execute("select trials_done from runs").fetchone()
        if n and n[0] >= 2048:
            break
    except sqlite3.Error:
        pass
    time.sleep(0.01)
os.kill(int(sys.argv[2]), signal.SIGTERM)
PY
wait "$mp"
state=$(python3 -c "import sqlite3,sys; print(*sqlite3.connect(sys.argv[1]).execute('select status, trials_done from runs').fetchone())" "$work/stop.db" 2>/dev/null)
part=$(ls "$work"/stop.db.from* 2>/dev/null | grep -v -- '-wal\|-shm' | head -1)
if [[ $state == interrupted\ * ]] && [ -n "$part" ]; then
  ok "SIGTERM: run $state, rank 1's finished trials kept in $(basename "$part")"
  cp "$work/stop.db" "$work/stop1.db"
  cp "$part" "$work/stop1.db.${part##*.}"
  mpirun_q 2 run --resume 1 --threads 1 --db "$work/stop.db"
  same_run "$work/big1.db" "$work/stop.db" trials && [ -z "$(ls "$work"/stop.db.from* 2>/dev/null)" ] &&
    ok "--resume over 2 ranks absorbs the kept part and completes the run as one process would" ||
    { bad "resume over ranks after SIGTERM"; cat "$work/err"; }
  "$drsim" run --resume 1 --threads 1 --db "$work/stop1.db" --quiet --format none 2>/dev/null
  same_run "$work/big1.db" "$work/stop1.db" trials &&
    ok "--resume in one process absorbs the kept part too" || bad "resume in one process after SIGTERM"
else
  bad "SIGTERM over 2 ranks: state '$state', part '$part' (the run must be stopped with parts kept)"
  cat "$work/err"
fi

echo "# e2e_mpi: $passes passed, $fails failed"
[ "$fails" = 0 ]
