#!/usr/bin/env bash
# e2e_scope.sh DRSIM SOURCE_DIR — honest answers for every disaster (issue
# 15) on the reference scenario: losing sql-prod alone recovers in about the
# SQL failover group's time (its platform steps are skipped by if_lost);
# losing the standby region West US 2 affects no environment ("not
# affected", never "100 %") and the reports say which DR capabilities it
# takes; the lint's warnings on stderr and --strict's exit 2; trace says
# which steps were skipped and that notification is not in the RTO.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=$src/scenarios/azure-aks-east-west.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
csv_field() { # FILE ENV METRIC COLUMN
  python3 - "$@" <<'EOF'
import csv, sys
path, env, metric, col = sys.argv[1:]
for r in csv.DictReader(open(path)):
    if r.get("environment") == env and r.get("metric", metric) == metric:
        print(r[col]); break
EOF
}

# --- losing sql-prod alone -------------------------------------------------------
"$drsim" run "$ref" --trials 2000 --quiet --format none --db "$work/sql.db" \
  --set 'disaster={type: component, component: sql-prod}' 2>"$work/err"
"$drsim" report --db "$work/sql.db" --format csv --table summary -o "$work/sql.csv"
"$drsim" report --db "$work/sql.db" --format csv --table components -o "$work/comp.csv"
p50=$(csv_field "$work/sql.csv" production rto p50)
fo=$(python3 - "$work/comp.csv" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["component"] == "sql-prod": print(r["mean_failover_s"])
EOF
)
echo "# sql-prod lost: production RTO p50 ${p50}s, SQL failover group usable after ${fo}s on average"
check "sql-prod lost: production RTO p50 within 10 minutes of the SQL failover" \
  python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if abs(a - b) <= 600 else 1)" "$p50" "$fo"
check "sql-prod lost: staging is not affected (n_affected 0)" \
  test "$(csv_field "$work/sql.csv" staging rto n_affected)" = 0
"$drsim" trace "$ref" --trial 3 --set 'disaster={type: component, component: sql-prod}' >"$work/trace" 2>/dev/null
check "sql-prod lost: trace says the platform steps are skipped" \
  grep -q "production: scale-up-aks skipped (not lost: aks-prod)" "$work/trace"
check "sql-prod lost: trace says staging is not affected" grep -q "staging: not affected" "$work/trace"

# --- losing the standby region -----------------------------------------------------
"$drsim" run "$ref" --trials 500 --quiet --db "$work/w2.db" --set disaster.region=westus2 \
  >"$work/w2.md" 2>"$work/w2.err"
check "westus2 lost: run exits 0" test $? = 0
for env in production staging development; do
  check "westus2 lost: $env not affected" grep -q "^| $env | not affected by this disaster" "$work/w2.md"
done
check "westus2 lost: no 100 %" bash -c "! grep -q '100 %' '$work/w2.md'"
check "westus2 lost: the summary names the DR capacity lost in westus2" \
  grep -q "DR capabilities lost.*westus2.*aks-prod-dr" "$work/w2.md"
"$drsim" report --db "$work/w2.db" --format html -o "$work/w2.html"
check "westus2 lost: HTML verdicts say NOT AFFECTED" test "$(grep -c 'NOT AFFECTED' "$work/w2.html")" = 3
check "westus2 lost: HTML names the DR capacity lost" grep -q "DR capabilities lost" "$work/w2.html"
"$drsim" report --db "$work/w2.db" --format json -o "$work/w2.json"
check "westus2 lost: JSON has notes and n_affected 0" python3 - "$work/w2.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
def walk(x):
    if isinstance(x, dict):
        yield x
        for v in x.values(): yield from walk(v)
    elif isinstance(x, list):
        for v in x: yield from walk(v)
objs = list(walk(d))
assert any("westus2" in (o.get("notes") or "") for o in objs)
rows = [o for o in objs if "n_affected" in o]
assert rows and all(o["n_affected"] == 0 for o in rows)
EOF
check "westus2 lost: lint says every environment is never affected" \
  test "$(grep -c 'never-affected' "$work/w2.err")" = 3
"$drsim" run "$ref" --trials 100 --quiet --fail-on-miss --format none --db "$work/w2b.db" \
  --set disaster.region=westus2 2>/dev/null
check "westus2 lost: --fail-on-miss does not count 'not affected' as a miss" test $? = 0

# --- the lint and --strict -----------------------------------------------------------
"$drsim" validate "$ref" >"$work/v.out" 2>"$work/v.err"
check "validate: ok with warnings" test $? = 0
check "validate: warnings carry file:line:col" \
  grep -q "azure-aks-east-west.yaml:[0-9]*:[0-9]*: warning: the RPO objective of 'production'" "$work/v.err"
"$drsim" validate --strict "$ref" >/dev/null 2>&1
check "validate --strict: warnings are errors (exit 2)" test $? = 2
"$drsim" run --strict "$ref" --trials 10 --db "$work/strict.db" >/dev/null 2>&1
check "run --strict: exit 2" test $? = 2
check "run --strict: no database created" test ! -e "$work/strict.db"
"$drsim" validate --strict "$src/scenarios/async-database.yaml" >/dev/null 2>&1
check "validate --strict: a clean scenario passes" test $? = 0

# --- after_restore in the trace ----------------------------------------------------------
"$drsim" trace "$ref" --trial 23 >"$work/t23" 2>/dev/null
check "trace: notification is after the RTO" python3 - "$work/t23" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
rec = [i for i, l in enumerate(lines) if "production: recovered (RTO" in l]
note = [i for i, l in enumerate(lines) if "production: notification done" in l]
assert rec and note and note[0] > rec[0]
EOF

echo "scope: $passes passed, $fails failed"
[ "$fails" = 0 ]
