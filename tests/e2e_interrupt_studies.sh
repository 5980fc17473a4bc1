#!/usr/bin/env bash
# e2e_interrupt_studies.sh DRSIM SOURCE_DIR — the long study commands honour
# SIGTERM and SIGINT (issue 21): optimize, sweep, size and sensitivity are
# started on tests/data/optimize-small.yaml with enough trials a point that
# they run for a while; once the database holds a finished run, the signal
# is sent. Each must exit 130 within 10 s, keep every finished run
# 'complete' in the database and leave nothing 'running'; optimize says
# where the runs are.
set -u
drsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
sc=$src/tests/data/optimize-small.yaml
passes=0 fails=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
count() { # DB STATUS: runs with that status (0 before the schema exists)
  python3 -c 'import sqlite3,sys
try: print(sqlite3.connect(sys.argv[1], timeout=5).execute("select count(*) from runs where status = ?", (sys.argv[2],)).fetchone()[0])
except Exception: print(0)' "$1" "$2"
}

# NAME SIGNAL CMD...: run CMD with --db NAME.db in the background, signal it
# after its first finished run, check how it ended.
interrupt() {
  local name=$1 sig=$2; shift 2
  "$@" --db "$name.db" >"$name.out" 2>"$name.err" &
  pid=$!
  local waited=0
  while [ "$(count "$name.db" complete)" -lt 1 ]; do
    sleep 0.05; waited=$((waited + 1))
    if [ $waited -gt 1200 ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
  done
  if ! kill -0 "$pid" 2>/dev/null; then
    bad "$name: finished or failed before the signal ($(tail -1 "$name.err"))"; pid=; return
  fi
  local done_before
  done_before=$(count "$name.db" complete)
  kill "-$sig" "$pid"
  local t=0
  while kill -0 "$pid" 2>/dev/null && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    bad "$name: still running 10 s after SIG$sig"; kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=; return
  fi
  wait "$pid"; local rc=$?
  pid=
  [ $rc = 130 ] && ok "$name: SIG$sig exits 130 (in $((t / 10)).$((t % 10)) s)" || bad "$name: SIG$sig exit status $rc, want 130"
  local kept running
  kept=$(count "$name.db" complete); running=$(count "$name.db" running)
  [ "$kept" -ge "$done_before" ] && [ "$running" = 0 ] &&
    ok "$name: the $kept finished runs kept, none left running" ||
    bad "$name: complete $kept (had $done_before), running $running"
}

interrupt optimize TERM "$drsim" optimize "$sc" --decide standby.pool.warm_nodes=0..4 \
  --decide components.db.replication.interval=1h,4h,12h --constraint app.rto.p95'<=2h' \
  --trials 60000 --search grid --quiet
grep -q 'interrupted; the candidates. runs finished so far are kept in optimize.db as sweep' optimize.err &&
  ok "optimize says where the finished runs are" || bad "optimize's message: $(cat optimize.err)"
interrupt optimize-int INT "$drsim" optimize "$sc" --decide standby.pool.warm_nodes=0..4 \
  --constraint app.rto.p95'<=2h' --trials 60000 --search grid --quiet
interrupt sweep TERM "$drsim" sweep "$sc" --vary standby.pool.warm_nodes=0..4 --trials 60000 \
  --detail summary --quiet --format none
interrupt size TERM "$drsim" size "$sc" --pool pool --trials 200000 --quiet
interrupt sensitivity TERM "$drsim" sensitivity "$sc" --metric app.rto.p95 --trials 60000 --quiet

echo "# e2e_interrupt_studies: $passes passed, $fails failed"
[ "$fails" = 0 ]
