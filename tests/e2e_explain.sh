#!/usr/bin/env bash
# e2e_explain.sh DRSIM SOURCE_DIR — end-to-end checks of `drsim explain`:
#  - tests/data/explain-off-hours.yaml, built so that the off-hours approval
#    causes every miss: explain ranks it first with lift > 5, every trial
#    with it missed, and its counterfactual P(meet) equals the closed form
#    1 - exp(-4) within 4 standard errors; P(meet) of the run too;
#  - the reference scenario: the counterfactual "approval always in business
#    hours" agrees trial for trial with a `drsim run` of the printed
#    override (--per-trial against drsim export), and --try too;
#  - Markdown leads with the one-sentence answer; JSON parses; CSV rows;
#  - a run that no longer reproduces is refused; bad input exits 2.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=$src/scenarios/azure-aks-east-west.yaml
data=$src/tests/data
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
expect_status() { # NAME WANT CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; cat "$work/err"; fi
}

# --- closed form ---------------------------------------------------------------
db=$work/off.db
"$drsim" run "$data/explain-off-hours.yaml" --db "$db" --threads 2 >/dev/null 2>&1 || bad "run explain-off-hours"
if "$drsim" explain --db "$db" --objective app.rto --what-if --format csv --threads 2 >"$work/off.csv" 2>"$work/err"; then
  if python3 - "$work/off.csv" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
run = [r for r in rows if r["row"] == "run"][0]
conds = [r for r in rows if r["row"] == "condition"]
wi = [r for r in rows if r["row"] == "what_if"]
n = int(run["trials"])
F = 1 - math.exp(-4)
errs = []
c1 = conds[0]
if c1["kind"] != "off_hours" or c1["subject"] != "approve": errs.append("rank 1 is %s" % c1["name"])
if not float(c1["lift"]) > 5: errs.append("lift %s <= 5" % c1["lift"])
if c1["met_with"] != "0": errs.append("off-hours trials that met: %s" % c1["met_with"])
base = 11 / 12 * F
se = math.sqrt(base * (1 - base) / n)
if abs(float(run["p_meet"]) - base) > 4 * se: errs.append("P(meet) %s vs %.6f" % (run["p_meet"], base))
w = wi[0]
if not w["name"].startswith("without: approve started off hours"): errs.append("what-if %s" % w["name"])
se = math.sqrt(F * (1 - F) / n)
if abs(float(w["p_meet"]) - F) > 4 * se: errs.append("counterfactual %s vs closed form %.6f (4 SE %.4f)" % (w["p_meet"], F, 4 * se))
if w["lost"] != "0": errs.append("the counterfactual lost %s trials" % w["lost"])
if errs:
    print("\n".join(errs)); sys.exit(1)
PY
  then ok "off-hours ranks first, lift > 5, counterfactual = closed form"; else bad "closed form"; cat "$work/off.csv"; fi
else
  bad "explain explain-off-hours"; cat "$work/err"
fi

# --- reference: counterfactual = drsim run of the printed override -------------
db=$work/ref.db
"$drsim" run "$ref" --db "$db" --trials 3000 --threads 2 >/dev/null 2>&1 || bad "run reference"
if "$drsim" explain --db "$db" --objective production.rto --what-if --threads 2 \
     --try standby.aks-prod-dr.warm_nodes=5 --per-trial "$work/pt.csv" --format json >"$work/ref.json" 2>"$work/err"; then
  ok "explain --what-if --try on the reference"
else
  bad "explain reference"; cat "$work/err"
fi
python3 - "$work/ref.json" "$work/pt.csv" "$work" <<'PY' || bad "reading the reference explain"
import csv, json, sys
doc = json.load(open(sys.argv[1]))
rows = list(csv.reader(open(sys.argv[2])))
head = rows[0]
def column(label):
    k = head.index(label)
    with open("%s/want-%d.csv" % (sys.argv[3], k), "w") as f:
        for r in rows[1:]: f.write("%s,%s\n" % (r[0], r[k]))
    return k
off = [w for w in doc["what_if"] if w["label"] == "without: approve-failover started off hours"][0]
open(sys.argv[3] + "/off.set", "w").write("\n".join(off["overrides"]) + "\n")
print("off hours", column(off["label"]))
tr = [w for w in doc["what_if"] if w["label"] == "with standby.aks-prod-dr.warm_nodes=5"][0]
print("try", column(tr["label"]))
# the off-hours approval is among the leading conditions (since issue 18 the
# reference's persistent restore failures rank with it)
assert "off_hours" in [c["kind"] for c in doc["conditions"][:3]], doc["conditions"][:3]
PY
# run the printed overrides and compare trial for trial
compare_run() { # NAME COLUMN OVERRIDE...
  local name=$1 col=$2; shift 2
  local args=()
  for o in "$@"; do args+=(--set "$o"); done
  "$drsim" run "$ref" --db "$db" --trials 3000 --threads 2 "${args[@]}" >/dev/null 2>&1
  local id
  id=$("$drsim" runs --db "$db" --format csv | tail -1 | cut -d, -f1)
  "$drsim" export --db "$db" --run "$id" --table trials --format csv |
    awk -F, '$2=="production"{print $3","(($21==0)?"-":($6==1 && $4<=14400)?"met":"missed")}' >"$work/got.csv"
  if cmp -s "$work/got.csv" "$work/want-$col.csv"; then ok "$name: trial for trial"; else
    bad "$name differs"; diff "$work/got.csv" "$work/want-$col.csv" | head -5; fi
}
mapfile -t offset <"$work/off.set"
cols=$(python3 -c "
import csv; h = next(csv.reader(open('$work/pt.csv')))
print(h.index('without: approve-failover started off hours'), h.index('with standby.aks-prod-dr.warm_nodes=5'))")
read -r c_off c_try <<<"$cols"
compare_run "approval always in business hours = drsim run --set" "$c_off" "${offset[@]}"
compare_run "--try = drsim run --set" "$c_try" standby.aks-prod-dr.warm_nodes=5

# --- Markdown leads with the answer -------------------------------------------
"$drsim" explain --db "$db" --run 1 --objective production.rto --what-if --threads 2 >"$work/ref.md" 2>&1
if sed -n 3p "$work/ref.md" | grep -q "^production meets RTO <= 4h in .* of 3000 trials, below the 95 % asked (misses); misses are driven by .* (in .* of misses).*removing .* would give"; then
  ok "Markdown's first paragraph is the answer"
else
  bad "Markdown lead"; head -5 "$work/ref.md"
fi
grep -q "^drsim run SCENARIO.yaml --seed 42 --trials 3000" "$work/ref.md" && ok "the overrides are printed as runs" || bad "no printed run"

# --- RPO conditions -------------------------------------------------------------
if "$drsim" explain --db "$db" --run 1 --objective production.rpo --format csv >"$work/rpo.csv" 2>"$work/err" &&
   ! grep -q ",off_hours,\|,retried,\|,slow_step," "$work/rpo.csv" && grep -q ",backup," "$work/rpo.csv"; then
  ok "RPO is explained by the data's protection only"
else
  bad "RPO conditions"; cat "$work/rpo.csv" "$work/err"
fi

# --- sensitivity: where the objective flips (tests/data/size-exponential.yaml) --
# P(meet) = p^n with p = 1 - exp(-3.5) and n = 8 - warm nodes: 7 warm nodes
# meet 95 % (0.9698), 6 do not (0.9405; 5.7 SE apart at 20000 trials).
if "$drsim" sensitivity "$data/size-exponential.yaml" --metric app.rto.p95 --only provision \
     --range standby.pool.warm_nodes=0..8 --threads 2 --quiet >"$work/flip.txt" 2>"$work/err" &&
   grep -q "standby.pool.warm_nodes: misses up to 6 (P(meet) .*), meets from 7" "$work/flip.txt"; then
  ok "sensitivity --range finds the flip between 6 and 7 warm nodes"
else
  bad "flip point"; cat "$work/flip.txt" "$work/err"
fi
expect_status "--range without LO..HI" 2 "$drsim" sensitivity "$data/size-exponential.yaml" \
  --metric app.rto.p95 --range standby.pool.warm_nodes=3

# --- sweep --html: P(meet) and p95 against the varied value, with bands ------------
if "$drsim" sweep "$data/size-exponential.yaml" --vary standby.pool.warm_nodes=0..8/2 --trials 2000 \
     --db "$work/sweep.db" --html "$work/sweep.html" --format none --quiet --threads 2 2>"$work/err" &&
   grep -q 'data-chart="sweep-p-meet"' "$work/sweep.html" && grep -q 'data-chart="sweep-p95"' "$work/sweep.html" &&
   [ "$(grep -c '<polygon' "$work/sweep.html")" = 2 ] && [ "$(grep -c '<circle' "$work/sweep.html")" = 10 ]; then
  ok "sweep --html charts P(meet) and p95 of each point with bands"
else
  bad "sweep --html"; cat "$work/err"
fi
expect_status "sweep --html with two --vary" 2 "$drsim" sweep "$data/size-exponential.yaml" \
  --vary standby.pool.warm_nodes=1,2 --vary standby.pool.max_parallel=1,2 --db "$work/sweep.db" --html "$work/x.html"

# --- bad input, and a run that does not reproduce --------------------------------
expect_status "objective without metric" 2 "$drsim" explain --db "$db" --objective production
expect_status "unknown environment" 2 "$drsim" explain --db "$db" --objective prod.rto
expect_status "availability in disaster mode" 2 "$drsim" explain --db "$db" --objective production.availability
expect_status "no such run" 2 "$drsim" explain --db "$db" --run 99 --objective production.rto
expect_status "bad --try" 2 "$drsim" explain --db "$db" --run 1 --objective production.rto --try nothing
expect_status "missing database" 3 "$drsim" explain --db "$work/none.db" --objective production.rto
cp "$work/off.db" "$work/tampered.db"
python3 - "$work/tampered.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE trials SET rto_s = rto_s + 1 WHERE trial = 5")
c.commit()
PY
expect_status "a run that does not reproduce is refused" 2 "$drsim" explain --db "$work/tampered.db" --objective app.rto
grep -q "trial 5 of run 1 does not reproduce" "$work/err" && ok "names the trial" || { bad "mismatch message"; cat "$work/err"; }

echo "# $passes passed, $fails failed"
[ "$fails" -eq 0 ]
