#!/usr/bin/env bash
# e2e_costs.sh DRSIM SOURCE_DIR — costs everywhere a run's results go
# (issue 21):
#   1. closed form (tests/data/costs-closed.yaml): the mean loss per disaster
#      within 4 standard errors of 2100, web's exactly 100, the annual cost
#      of risk = rate x mean loss, the standby = team members + the measure
#      in place, the disaster's one-off failover/failback once per trial;
#   2. run md/csv/json and report md/csv/json/html carry the costs, the
#      currency, the trials and the intervals;
#   3. a run interrupted and continued with --resume, and a run merged from
#      two shards, report the same costs as the uninterrupted run.
set -u
drsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
sc=$src/tests/data/costs-closed.yaml
passes=0 fails=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
costs_md() { sed -n '/^### Costs/,$p' "$1"; }

# --- 1. closed form ---------------------------------------------------------
"$drsim" run "$sc" --trials 4000 --db c.db --quiet --format json > run.json 2>err ||
  bad "run --format json: $(cat err)"
if python3 - run.json <<'PY'
import json, math, sys
c = json.load(open(sys.argv[1]))["costs"]
assert c["currency"] == "EUR" and c["trials"] == 4000, c
se = (c["loss_mean_hi"] - c["loss_mean_lo"]) / (2 * 1.96)
assert abs(c["loss_mean"] - 2100) <= 4 * se, (c["loss_mean"], se)
assert abs(c["risk_annual"] - 0.25 * c["loss_mean"]) <= 1e-9 * c["loss_mean"]
assert abs(c["risk_annual_lo"] - 0.25 * c["loss_mean_lo"]) <= 1e-9 * c["loss_mean"]
assert abs(c["standby_annual"] - (2 * 50 * 12 + 30 * 12)) < 1e-9, c["standby_annual"]
assert abs(c["total_annual"] - c["standby_annual"] - c["risk_annual"]) < 1e-6
env = {e["environment"]: e for e in c["environments"]}
w = env["web"]
assert w["loss_mean"] == 100 and w["loss_mean_lo"] == 100 and w["loss_mean_hi"] == 100, w
# app carries its own 500 and the disaster's one-off 500: 1000 + 1000 on average
a = env["app"]
assert abs(a["loss_mean"] - 2000) <= 4 * (a["loss_mean_hi"] - a["loss_mean_lo"]) / 3.92, a
items = {(i["kind"], i["name"]): i["annual"] for i in c["standby"]}
assert items == {("members", "ops"): 1200, ("measure", "drills"): 360}, items
# CVaR-95 of 1000 X + 1100, X ~ Exp(1 h): 1000 (ln 20 + 1) + 1100; its
# standard error about 1000 / sqrt(200) (the tail is Exp(1 h) again).
assert abs(c["loss_cvar95"] - (1000 * (math.log(20) + 1) + 1100)) <= 4 * 1000 / math.sqrt(200) * 1.5, c["loss_cvar95"]
# its asymptotic interval covers it; half-width 1.96 x 1000 sqrt(39 / n)
# within 4 SE of the sample sd (relative SE 0.5 sqrt(1.19 / n) / 0.0975)
t = 1000 * (math.log(20) + 1) + 1100
assert c["loss_cvar95_lo"] <= t <= c["loss_cvar95_hi"], c
h = (c["loss_cvar95_hi"] - c["loss_cvar95_lo"]) / 2 / (1.96 * 1000 * math.sqrt(39 / c["trials"]))
assert abs(h - 1) < 4 * 0.5 * math.sqrt(1.19 / c["trials"]) / 0.0975, h
PY
then ok "closed form: mean loss, web's 100, rate x mean, standby lines, CVaR-95 and its interval"
else bad "closed form"; fi

# --- 2. every output ----------------------------------------------------------
"$drsim" run "$sc" --trials 4000 --db c.db --quiet > run.md 2>err
"$drsim" run "$sc" --trials 4000 --db c.db --quiet --format csv > run.csv 2>err
grep -q '^| cost of risk: 0.25 disasters a year x mean loss per disaster .* EUR \[' run.md &&
  grep -q 'over 4000 trials' run.md && grep -q '^| \*\*total\*\* | \*\*.* EUR\*\* \[' run.md &&
  ok "run md: Costs section with currency, trials and intervals" || bad "run md Costs"
head -1 run.csv | grep -q ',unit$' && grep -q '^all,risk_annual,4000,.*,EUR$' run.csv &&
  grep -q '^app,rto,.*,s$' run.csv && grep -q '^web,loss,4000,100,' run.csv &&
  ok "run csv: cost rows with the currency as unit" || bad "run csv cost rows"
"$drsim" report --db c.db --run 1 --no-explain > rep.md 2>err
[ "$(costs_md rep.md)" = "$(costs_md "$work/run.md")" ] && [ -n "$(costs_md rep.md)" ] &&
  ok "report md: the same Costs section as run" || bad "report md Costs differ"
"$drsim" report --db c.db --run 2 --no-explain > rep2.md 2>err
[ "$(costs_md rep2.md)" = "$(costs_md rep.md)" ] && ok "same scenario and seed: same costs" || bad "rerun costs"
"$drsim" report --db c.db --run 3 --format csv > rep.csv 2>err
cmp -s rep.csv run.csv && ok "report csv = run csv (cost rows included)" || bad "report csv differs from run csv"
"$drsim" report --db c.db --run 1 --format json > rep.json 2>err
python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["costs"]; b=json.load(open(sys.argv[2]))["costs"]; assert a==b' rep.json run.json &&
  ok "report json: the costs object of run --format json" || bad "report json costs"
"$drsim" report --db c.db --run 1 --format html --no-explain -o rep.html 2>err
grep -q '<section id="costs"><h2>Costs</h2>' rep.html && grep -q 'over 4000 trials' rep.html &&
  grep -q 'EUR \[' rep.html && ok "report html: Costs section" || bad "report html Costs"

# --- 3. resume and merge --------------------------------------------------------
"$drsim" run "$sc" --trials 3000 --db straight.db --quiet > straight.md 2>err
"$drsim" run "$sc" --trials 3000 --db cut.db --quiet --format none 2>err
python3 - cut.db <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for t in ("trials", "steps", "components", "standby_trials", "common_cause_trials"):
    c.execute(f"delete from {t} where trial >= 1000")
c.execute("update runs set status = 'interrupted', trials_done = 1000")
c.commit()
PY
"$drsim" report --db cut.db --no-explain > cut.md 2>err
grep -q 'over 1000 trials' cut.md && ok "an interrupted run reports the costs of its 1000 trials" || bad "interrupted run's costs"
"$drsim" run --resume 1 --db cut.db --quiet > resumed.md 2>err || bad "resume: $(cat err)"
[ "$(costs_md resumed.md)" = "$(costs_md straight.md)" ] && [ -n "$(costs_md straight.md)" ] &&
  ok "resumed run prints the straight run's Costs section" || { bad "resumed run's costs differ"; diff <(costs_md straight.md) <(costs_md resumed.md); }
"$drsim" report --db cut.db --no-explain > cutrep.md 2>err
"$drsim" report --db straight.db --no-explain > strrep.md 2>err
[ "$(costs_md cutrep.md)" = "$(costs_md strrep.md)" ] && ok "report of the resumed run = report of the straight run (costs)" || bad "report costs after resume"
for k in 1 2; do "$drsim" run "$sc" --trials 3000 --shard $k/2 --db part-$k.db --quiet --format none 2>err || bad "shard $k"; done
"$drsim" merge part-1.db part-2.db -o merged.db > /dev/null 2>err || bad "merge: $(cat err)"
"$drsim" report --db merged.db --no-explain > merged.md 2>err
[ "$(costs_md merged.md)" = "$(costs_md strrep.md)" ] && ok "merged shards report the straight run's costs" || { bad "merged costs differ"; diff <(costs_md strrep.md) <(costs_md merged.md); }

echo "# e2e_costs: $passes passed, $fails failed"
[ "$fails" = 0 ]
