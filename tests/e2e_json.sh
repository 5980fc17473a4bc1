#!/usr/bin/env bash
# e2e_json.sh DRSIM SOURCE_DIR — --format json of run, report, runs, compare,
# sweep, size and sensitivity: valid JSON whose rows carry the same fields
# as the command's CSV, in the same order, with the same values (numbers as
# numbers, "inf" for infinity, null for an empty CSV field); runs and
# compare --format csv; runs shows overrides, sweep id and point, shard.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=$src/scenarios/azure-aks-east-west.yaml
small=$src/scenarios/backup-only.yaml
life=$src/scenarios/lifetime-availability.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
# same_rows NAME CSV JSON [PYTHON-EXPR selecting the row list from the doc]
same_rows() {
  local name=$1 csv=$2 json=$3 sel=${4:-doc}
  if python3 - "$csv" "$json" "$sel" >"$work/py.err" 2>&1 <<'PY'
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
header = next(csv.reader(open(sys.argv[1], newline="")))
doc = json.load(open(sys.argv[2]))
got = eval(sys.argv[3], {"doc": doc})
assert len(rows) == len(got), f"{len(rows)} CSV rows, {len(got)} JSON rows"
assert rows, "no rows"
for i, (c, j) in enumerate(zip(rows, got)):
    keys = [k for k in j.keys() if k in header]
    assert keys == header, f"row {i}: keys {list(j.keys())} vs header {header}"
    for k in header:
        a, b = c[k], j[k]
        if b is None:
            assert a == "", f"row {i} {k}: CSV {a!r}, JSON null"
        elif isinstance(b, bool):
            raise AssertionError(f"row {i} {k}: boolean {b}")
        elif isinstance(b, (int, float)):
            assert a != "" and float(a) == b, f"row {i} {k}: CSV {a!r}, JSON {b!r}"
        elif isinstance(b, list):
            assert a == "\n".join(b), f"row {i} {k}: CSV {a!r}, JSON {b!r}"
        else:
            assert a == b, f"row {i} {k}: CSV {a!r}, JSON {b!r}"
            if b in ("inf", "-inf"):
                assert isinstance(j[k], str)
PY
  then ok "$name"; else bad "$name"; cat "$work/py.err"; fi
}

db=$work/r.db
# A 25 m timeout on the health check (triangular 5-10-30 m, no retry, no
# escalation) leaves ~5 % of production never recovered: an infinite max.
inf=workflows.production.steps.validate-application-health.timeout=25m
"$drsim" run "$ref" --trials 1000 --quiet --format csv --db "$db" --set standby.aks-prod-dr.warm_nodes=2 --set $inf >"$work/run.csv"
"$drsim" run "$ref" --trials 1000 --quiet --format json --db "$work/j.db" --set standby.aks-prod-dr.warm_nodes=2 --set $inf >"$work/run.json"
check "run --format json exits 0" test -s "$work/run.json"
same_rows "run: json rows = csv rows" "$work/run.csv" "$work/run.json" 'doc["summary"]'
check "run: the run object" python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))["run"]
assert r["id"]==1 and r["seed"]==42 and r["trials_done"]==1000 and r["status"]=="complete"
assert r["overrides"]==["standby.aks-prod-dr.warm_nodes=2", "workflows.production.steps.validate-application-health.timeout=25m"] and r["sweep_id"] is None and r["shard"] is None
assert r["program_version"] and r["mode"]=="disaster"' "$work/run.json"
check "run: max of production RTO is the string inf" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"][0]["max"]=="inf"' "$work/run.json"

for t in summary steps components standby; do
  "$drsim" report --db "$db" --format csv --table $t >"$work/$t.csv"
  "$drsim" report --db "$db" --format json --table $t >"$work/$t.json"
  same_rows "report --table $t: json = csv" "$work/$t.csv" "$work/$t.json" "doc[\"$t\"]"
done
"$drsim" report --db "$db" --format json >"$work/all.json"
check "report --format json: every table" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert list(d)==["run","summary","steps","components","standby","lifetime","causes","costs","verdicts"], list(d)
v=d["verdicts"]; assert v["share"]==0.95 and v["confidence"]==0.95, v
assert v["objectives"] and all(o["verdict"] in ("meets","inconclusive","misses","no data") for o in v["objectives"]), v' "$work/all.json"
"$drsim" run "$life" --trials 200 --quiet --format none --db "$work/life.db"
for t in summary lifetime causes components; do
  "$drsim" report --db "$work/life.db" --format csv --table $t >"$work/l$t.csv"
  "$drsim" report --db "$work/life.db" --format json --table $t >"$work/l$t.json"
  same_rows "lifetime report --table $t: json = csv" "$work/l$t.csv" "$work/l$t.json" "doc[\"$t\"]"
done

# runs: overrides, sweep id and point, shard; text, csv, json agree.
"$drsim" run "$small" --trials 200 --quiet --format none --db "$db" --shard 2/3
"$drsim" sweep "$small" --vary components.app-db.replication.interval=6h,12h --trials 200 --quiet \
  --format csv --db "$db" >"$work/sweep.csv"
"$drsim" sweep "$small" --vary components.app-db.replication.interval=6h,12h --trials 200 --quiet \
  --format json --db "$work/sw.db" >"$work/sweep.json"
same_rows "sweep: json rows = csv rows" "$work/sweep.csv" "$work/sweep.json" 'doc["rows"]'
check "sweep json: point and run_id" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert [r["point"] for r in d["rows"]]==[0,0,1,1] and d["vary"]==["components.app-db.replication.interval"]
assert d["rows"][0]["components.app-db.replication.interval"]==21600' "$work/sweep.json"
"$drsim" runs --db "$db" >"$work/runs.txt"
"$drsim" runs --db "$db" --format csv >"$work/runs.csv"
"$drsim" runs --db "$db" --format json >"$work/runs.json"
same_rows "runs: json = csv" "$work/runs.csv" "$work/runs.json"
check "runs text: overrides" grep -q "standby.aks-prod-dr.warm_nodes=2" "$work/runs.txt"
check "runs text: shard" grep -Eq "^2 .* 2/3 " "$work/runs.txt"
check "runs text: sweep id:point" grep -Eq "^4 .* 1:1 .*interval=12h" "$work/runs.txt"
check "runs json: sweep, point, shard" python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))
assert r[1]["shard"]=="2/3" and r[1]["total_trials"]==200 and r[1]["sweep_id"] is None
assert r[3]["sweep_id"]==1 and r[3]["point"]==1' "$work/runs.json"
"$drsim" runs --db "$db" --format bogus 2>/dev/null
check "runs --format bogus: exit 2" test $? = 2
"$drsim" compare --db "$db" 3 4 --format bogus 2>/dev/null
check "compare --format bogus: exit 2" test $? = 2

# compare
"$drsim" compare --db "$db" 3 4 --format csv >"$work/cmp.csv"
"$drsim" compare --db "$db" 3 4 --format json >"$work/cmp.json"
same_rows "compare: json = csv" "$work/cmp.csv" "$work/cmp.json"
check "compare csv: the statistics" test "$(cut -d, -f3 "$work/cmp.csv" | sort -u | tr '\n' ' ')" = "p50 p90 p95 p99 p_meet statistic "
"$drsim" compare --db "$db" 3 4 >"$work/cmp.md"
check "compare md still the default" grep -q "^| app | rpo | P(meet) |" "$work/cmp.md"

# size and sensitivity
"$drsim" size "$ref" --pool aks-prod-dr --objective production.rto --quantile 0.5 --trials 400 --quiet --format csv >"$work/size.csv"
"$drsim" size "$ref" --pool aks-prod-dr --objective production.rto --quantile 0.5 --trials 400 --quiet --format json >"$work/size.json"
same_rows "size: json = csv" "$work/size.csv" "$work/size.json" 'doc["candidates"]'
check "size json: the recommendation is a candidate" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["recommended"] in d["candidates"]' "$work/size.json"
"$drsim" sensitivity "$ref" --metric production.rto.p95 --only terraform-apply --only approve-failover --trials 300 --quiet --format csv >"$work/sens.csv"
"$drsim" sensitivity "$ref" --metric production.rto.p95 --only terraform-apply --only approve-failover --trials 300 --quiet --format json >"$work/sens.json"
same_rows "sensitivity: json = csv" "$work/sens.csv" "$work/sens.json" 'doc["parameters"]'

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
