#!/usr/bin/env bash
# e2e_cli.sh DRSIM SOURCE_DIR — end-to-end checks of the drsim program:
# exit statuses, validate output, thread-count reproducibility of the stored
# database, trace = stored trial, interrupt + resume = uninterrupted run,
# report/export CSV contracts.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=$src/scenarios/azure-aks-east-west.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
expect_status() { # NAME WANT CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; cat "$work/err"; fi
}
# Python helper: the trials table of one run, without run_id, as sorted text.
dump_trials() { # DB RUN_ID
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute("select trial, environment, rto_s, rpo_s, recovered, first_service_s, "
                   "full_capacity_s, retries, wallclock_s from trials where run_id=? "
                   "order by environment, trial", (int(sys.argv[2]),)):
    print(*[repr(x) for x in r])
PY
}

# --- validate ---------------------------------------------------------------
expect_status "validate reference scenario" 0 "$drsim" validate "$ref"
grep -q '^ok$' "$work/out" && ok "validate prints ok" || bad "validate prints ok"
grep -q 'approve-failover' "$work/out" && ok "validate summary lists steps" || bad "validate summary lists steps"
printf 'version: 1\nname: x\nregions: [\n' >"$work/broken.yaml"
expect_status "validate broken YAML" 2 "$drsim" validate "$work/broken.yaml"
grep -Eq "broken.yaml:[0-9]+:[0-9]+: " "$work/err" && ok "error has file:line:col" || bad "error has file:line:col"
expect_status "validate missing file" 2 "$drsim" validate "$work/nope.yaml"
expect_status "unknown --set path" 2 "$drsim" validate "$ref" --set standby.no-such-pool.warm_nodes=3

# --- flag abuse ---------------------------------------------------------------
expect_status "unknown command" 2 "$drsim" rnu "$ref"
grep -q "did you mean 'run'" "$work/err" && ok "command suggestion" || bad "command suggestion"
expect_status "unknown flag" 2 "$drsim" run "$ref" --trails 10
grep -q "did you mean '--trials'" "$work/err" && ok "flag suggestion" || bad "flag suggestion"
expect_status "--trials 0" 2 "$drsim" run "$ref" --trials 0 --db "$work/x.db"
expect_status "--trials -5" 2 "$drsim" run "$ref" --trials -5 --db "$work/x.db"
expect_status "--trials 1e99" 2 "$drsim" run "$ref" --trials 1e99 --db "$work/x.db"
expect_status "--threads 10000" 2 "$drsim" run "$ref" --threads 10000 --db "$work/x.db"
expect_status "missing value" 2 "$drsim" run "$ref" --trials
expect_status "bad --shard" 2 "$drsim" run "$ref" --shard 3/2 --db "$work/x.db"
mkdir -p "$work/dir.db"
expect_status "database is a directory" 3 "$drsim" run "$ref" --trials 10 --db "$work/dir.db"
printf 'this is not a database, just text\n%.0s' {1..200} >"$work/text.db"
expect_status "database is not a database" 3 "$drsim" run "$ref" --trials 10 --db "$work/text.db"
expect_status "report on missing db" 3 "$drsim" report --db "$work/missing.db" --format csv

# --- same seed, any thread count: identical database content -----------------
for t in 1 2 8; do
  "$drsim" run "$ref" --trials 3000 --threads $t --db "$work/t$t.db" --quiet --format none 2>/dev/null
  dump_trials "$work/t$t.db" 1 >"$work/t$t.txt"
done
if [ -s "$work/t1.txt" ] && cmp -s "$work/t1.txt" "$work/t2.txt" && cmp -s "$work/t1.txt" "$work/t8.txt"; then
  ok "1, 2 and 8 threads store identical trials"
else
  bad "1, 2 and 8 threads store identical trials"
fi
"$drsim" run "$ref" --trials 3000 --seed 7 --db "$work/t1.db" --quiet --format none 2>/dev/null
dump_trials "$work/t1.db" 2 >"$work/seed7.txt"
cmp -s "$work/t1.txt" "$work/seed7.txt" && bad "another seed gives other trials" || ok "another seed gives other trials"

# --- trace agrees with the stored trial ------------------------------------------
"$drsim" trace "$ref" --trial 1234 --csv >"$work/trace.csv"
python3 - "$work/t2.db" "$work/trace.csv" <<'PY' && ok "trace --trial 1234 equals stored trial" || bad "trace equals stored trial"
import csv, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = {r[0]: r[1:] for r in c.execute(
    "select environment, rto_s, rpo_s, recovered from trials where run_id=1 and trial=1234")}
tr = list(csv.DictReader(open(sys.argv[2])))
assert len(tr) == len(rows) == 3, (tr, rows)
for r in tr:
    rto, rpo, rec = rows[r["environment"]]
    assert float(r["rto_s"]) == rto and float(r["rpo_s"]) == rpo and int(r["recovered"]) == rec, (r, rows)
PY

# --- interrupt and resume equal an uninterrupted run -----------------------------
# Sanitizer builds (DRSIM_SLOW_TESTS=0) are ~10x slower: fewer trials there.
n=400000
[ "${DRSIM_SLOW_TESTS:-1}" = 0 ] && n=60000
"$drsim" run "$ref" --trials $n --detail summary --db "$work/full.db" --quiet --format none 2>/dev/null
"$drsim" run "$ref" --trials $n --detail summary --db "$work/int.db" --quiet --format none 2>/dev/null &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
st=$?
state=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*c.execute('select status, trials_done from runs where id=1').fetchone())" "$work/int.db")
if [ "$st" = 130 ] && [ "${state%% *}" = interrupted ]; then
  ok "SIGINT marks the run interrupted (exit 130, $state)"
else
  echo "# run finished before the signal or failed: exit $st, state $state"
  [ "${state%% *}" = complete ] && ok "run completed before SIGINT (machine too fast to interrupt)" || bad "SIGINT handling"
fi
"$drsim" run --resume 1 --db "$work/int.db" --quiet --format none 2>/dev/null
expect_status "resume of a complete run is refused" 2 "$drsim" run --resume 1 --db "$work/int.db"
python3 - "$work/full.db" "$work/int.db" "$n" <<'PY' && ok "interrupt + resume equals the uninterrupted run" || bad "interrupt + resume equals the uninterrupted run"
import sqlite3, sys
q = "select trial, environment, rto_s, rpo_s, recovered from trials where run_id=1 order by environment, trial"
a = sqlite3.connect(sys.argv[1]).execute(q).fetchall()
b = sqlite3.connect(sys.argv[2]).execute(q).fetchall()
n = int(sys.argv[3])
assert len(a) == len(b) == 3 * n, (len(a), len(b))
assert a == b
s = sqlite3.connect(sys.argv[2]).execute("select status, trials_done from runs where id=1").fetchone()
assert s == ("complete", n), s
assert sqlite3.connect(sys.argv[2]).execute("pragma integrity_check").fetchone()[0] == "ok"
PY

# --- --fail-on-miss -----------------------------------------------------------------
expect_status "--fail-on-miss with missed objectives" 1 "$drsim" run "$ref" --trials 500 --db "$work/m.db" --fail-on-miss --quiet
expect_status "no --fail-on-miss" 0 "$drsim" run "$ref" --trials 500 --db "$work/m.db" --quiet
expect_status "--fail-on-miss with a lenient share" 0 "$drsim" run "$src/scenarios/retries-and-gate.yaml" --trials 500 --db "$work/m.db" --fail-on-miss --meet-share 0.01 --quiet

# --- reports and export -------------------------------------------------------------
expect_status "report csv" 0 "$drsim" report --db "$work/t1.db" --run 1 --format csv -o "$work/summary.csv"
head -c 103 "$work/summary.csv" | grep -q '^environment,metric,n,mean,p50,p90,p95,p99,max,objective,p_meet,p_meet_lo,p_meet_hi' \
  && ok "summary CSV header contract" || bad "summary CSV header contract"
mkdir -p "$work/csv"
expect_status "report --out-dir" 0 "$drsim" report --db "$work/t1.db" --format csv --out-dir "$work/csv"
expect_status "export trials" 0 "$drsim" export --db "$work/t1.db" --run 1 --table trials --format csv -o "$work/csv/trials.csv"
python3 "$src/scripts/check-csv.py" "$work/summary.csv" "$work"/csv/*.csv && ok "CSV files pass the strict check" || bad "CSV files pass the strict check"
[ "$(($(wc -l <"$work/csv/trials.csv") - 1))" = 9000 ] && ok "export has one row per trial per environment" || bad "export row count"
expect_status "report md" 0 "$drsim" report --db "$work/t1.db" --format md
grep -q "production" "$work/out" && ok "md report names environments" || bad "md report"
expect_status "runs" 0 "$drsim" runs --db "$work/t1.db"
[ "$(grep -c complete "$work/out")" = 2 ] && ok "runs lists both runs" || bad "runs lists both runs"
expect_status "compare" 0 "$drsim" compare --db "$work/t1.db" 1 2
grep -q "P(meet)" "$work/out" && ok "compare shows P(meet) differences" || bad "compare output"
expect_status "report of a missing run" 2 "$drsim" report --db "$work/t1.db" --run 99 --format csv

# --- lifetime mode: availability rows, lifetime/causes tables, incidents --------------
expect_status "lifetime run" 0 "$drsim" run "$src/scenarios/azure-aks-east-west-lifetime.yaml" --trials 400 --db "$work/life.db" --quiet
grep -q "| production | availability |" "$work/out" && ok "lifetime run prints availability" || bad "lifetime run prints availability"
mkdir -p "$work/life"
expect_status "lifetime report --out-dir" 0 "$drsim" report --db "$work/life.db" --format csv --out-dir "$work/life"
for t in lifetime causes; do
  expect_status "lifetime report --table $t" 0 "$drsim" report --db "$work/life.db" --format csv --table $t -o "$work/life/t-$t.csv"
done
expect_status "export incidents" 0 "$drsim" export --db "$work/life.db" --table incidents --format csv -o "$work/life/incidents.csv"
python3 "$src/scripts/check-csv.py" "$work"/life/*.csv && ok "lifetime CSV files pass the strict check" || bad "lifetime CSV strict check"
grep -q '^production,availability,400,' "$work/life/summary.csv" && ok "summary CSV has availability rows" || bad "summary CSV availability rows"
# On a disaster-mode run the lifetime table is empty: its header and no rows,
# so scripts can treat both modes alike.
expect_status "lifetime table of a disaster run" 0 "$drsim" report --db "$work/t1.db" --run 1 --format csv --table lifetime
[ "$(wc -l <"$work/out")" = 1 ] && head -c 12 "$work/out" | grep -q '^environment,' && ok "... is the header alone" || bad "lifetime table of a disaster run is not just a header"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
