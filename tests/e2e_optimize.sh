#!/usr/bin/env bash
# e2e_optimize.sh DRSIM SOURCE_DIR — drsim optimize (issue 21), its
# acceptance tests on tests/data/optimize-small.yaml (one pool, one periodic
# backup, a capacity reservation; costs in USD):
#   1. zero downtime and data-loss cost: the optimum buys nothing (0 warm
#      nodes, the slowest backup tier, no reservation);
#   2. a 30-candidate grid: coordinate descent finds the exhaustive grid's
#      optimum with fewer screening runs;
#   3. closed form: wait-for-primary X against a primary return D ~ Exp(3h),
#      a fixed 2 h failover, 1000/h of downtime and a one-off failover cost
#      K = 5000: the workflow stops at the primary's return, so RTO =
#      min(D, X + 2h) and the failover runs when D > X:
#        E[loss](X) = 1000 * 3 * (1 - exp(-(X + 2)/3)) + 5000 * exp(-X/3)
#      (hours). Each X's mean loss must be within 4 standard errors of it
#      (SE from the reported 95 % interval), and the chosen X within one
#      grid step of the analytic optimum over the grid;
#   4. size is a special case: one decision (warm nodes), one constraint
#      (rto p90 within the objective), no cost of risk: the same count;
#   5. infeasible: "No candidate meets ...; the closest is ...", exit 1 with
#      --fail-on-miss;
#   6. the winner is reproducible: the printed `drsim run` command stores
#      the same trials, row for row, as the winner's run;
#   7. outputs: csv, html (the Pareto front's svg), a run's Costs section.
set -u
drsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
sc=$src/tests/data/optimize-small.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
decide=(--decide standby.pool.warm_nodes=0..4 --decide components.db.replication.interval=1h,4h,24h
        --decide costs.standby.pool.reserved=false,true)

# 1. nothing to lose: buy nothing
"$drsim" optimize "$sc" --db z.db --quiet --threads 2 "${decide[@]}" --format json >z.json 2>z.err
if python3 - z.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["candidates"][d["winner"]]["decisions"]
want = {"standby.pool.warm_nodes": "0", "components.db.replication.interval": "24h",
        "costs.standby.pool.reserved": "false"}
sys.exit(0 if w == want else print(w) or 1)
PY
then ok "zero downtime and data-loss cost: the optimum buys nothing"; else bad "zero cost buys nothing"; cat z.err; fi

# 2. grid vs coordinate descent
costly=(--set costs.disaster_rate=1/1y --set costs.environments.app.downtime_per_hour=50000
        --set costs.environments.app.data_loss_per_hour=3000)
for s in grid descent; do
  "$drsim" optimize "$sc" --db g.db --quiet --threads 2 --trials 500 "${costly[@]}" "${decide[@]}" \
    --search $s --format json >$s.json 2>$s.err || { bad "optimize --search $s failed"; cat $s.err; }
done
if python3 - grid.json descent.json <<'PY'
import json, sys
g, d = (json.load(open(p)) for p in sys.argv[1:3])
gw, dw = g["candidates"][g["winner"]], d["candidates"][d["winner"]]
print("# grid", gw["decisions"], g["screen_runs"], "runs; descent", dw["decisions"], d["screen_runs"], "runs")
assert g["screen_runs"] == g["grid_size"] == 30
assert gw["decisions"] == dw["decisions"]
assert d["screen_runs"] < g["screen_runs"]
# the grid's optimum is the cheapest of every candidate meeting (here: no constraint)
best = min(g["candidates"], key=lambda c: c["total_annual"] if c["finalist"] else float("inf"))
assert best["decisions"] == gw["decisions"]
PY
then ok "descent finds the grid's optimum with fewer runs"; else bad "descent vs grid"; fi

# 3. closed form: wait for the primary
cat >wait.yaml <<'EOF'
version: 1
name: wait-closed-form
seed: 7
trials: 4000
mode: disaster
objectives:
  app: {rto: 4h}
regions:
  - {name: eastus, role: primary}
  - {name: westus2, role: standby}
components:
  - {name: app, environment: app, region: eastus, stateless: true}
disaster:
  type: region-outage
  duration: {dist: exponential, mean: 3h}
workflows:
  - environment: app
    detection: 0s
    steps:
      - {name: fail-over, duration: 2h}
currency: EUR
costs:
  disaster_rate: 1/1y
  environments:
    app: {downtime_per_hour: 1000, failover: 5000}
EOF
"$drsim" optimize wait.yaml --db w.db --quiet --threads 2 --search grid --minimize risk_cost \
  --decide workflows.app.wait_for_primary=0h..6h/1h --format json >w.json 2>w.err || { bad "wait optimize failed"; cat w.err; }
if python3 - w.json <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
def closed(x):
    return 1000 * 3 * (1 - math.exp(-(x + 2) / 3)) + 5000 * math.exp(-x / 3)
bad = 0
for c in d["candidates"]:
    x = float(c["decisions"]["workflows.app.wait_for_primary"].rstrip("h"))
    se = (c["loss_mean_hi"] - c["loss_mean_lo"]) / (2 * 1.96)
    z = (c["loss_mean"] - closed(x)) / se
    print("# X=%gh mean loss %.0f closed form %.0f (%.1f SE)" % (x, c["loss_mean"], closed(x), z))
    bad |= abs(z) > 4
grid = [float(c["decisions"]["workflows.app.wait_for_primary"].rstrip("h")) for c in d["candidates"]]
opt = min(grid, key=closed)
got = float(d["candidates"][d["winner"]]["decisions"]["workflows.app.wait_for_primary"].rstrip("h"))
print("# analytic optimum %gh, optimize chose %gh" % (opt, got))
sys.exit(1 if bad or abs(got - opt) > 1 else 0)
PY
then ok "wait-for-primary: loss matches the closed form, optimum within one grid step"; else bad "closed form"; fi

# 4. size as a special case
"$drsim" size "$sc" --pool pool --objective app.rto --quantile 0.9 --trials 1000 --format json \
  >size.json 2>size.err || { bad "size failed"; cat size.err; }
"$drsim" optimize "$sc" --db s.db --quiet --threads 2 --trials 1000 --confirm-trials 1000 \
  --decide standby.pool.warm_nodes=0..4 --constraint 'app.rto.p90<=2h' --format json >os.json 2>os.err \
  || { bad "optimize (size) failed"; cat os.err; }
if python3 - size.json os.json <<'PY'
import json, sys
s, o = (json.load(open(p)) for p in sys.argv[1:3])
rec = s.get("recommended") or {}
want = rec.get("warm_nodes")
got = int(o["candidates"][o["winner"]]["decisions"]["standby.pool.warm_nodes"])
print("# size recommends", want, "warm nodes; optimize", got)
sys.exit(0 if want is not None and int(want) == got else 1)
PY
then ok "optimize with one decision and one constraint gives size's answer"; else bad "size equivalence"; fi

# 5. infeasible
"$drsim" optimize "$sc" --db i.db --quiet --threads 2 --trials 500 --decide standby.pool.warm_nodes=0..4 \
  --constraint 'app.rto.p95<=5m' --fail-on-miss >inf.out 2>inf.err
rc=$?
if [ $rc = 1 ] && grep -q "No candidate meets app.rto.p95<=5m; the closest is standby.pool.warm_nodes=" inf.out; then
  ok "infeasible: clear answer, exit 1 with --fail-on-miss"
else bad "infeasible (exit $rc)"; cat inf.out inf.err; fi

# 6. the winner, row for row
"$drsim" optimize "$sc" --db r.db --quiet --threads 2 --trials 300 "${costly[@]}" "${decide[@]}" >r.md 2>r.err
cmd=$(grep -A2 '^Reproduce it' r.md | grep 'drsim run' | sed 's/^ *//')
run=$(sed -n 's/^Reproduce it (run \([0-9]*\) .*/\1/p' r.md)
if [ -n "$cmd" ] && [ -n "$run" ] && eval "\"$drsim\" ${cmd#drsim } --db rr.db --quiet --format none" 2>/dev/null &&
   "$drsim" export --db r.db --run "$run" --table trials --format csv | cut -d, -f2- >a.csv &&
   "$drsim" export --db rr.db --run 1 --table trials --format csv | cut -d, -f2- >b.csv &&
   [ -s a.csv ] && cmp -s a.csv b.csv; then
  ok "the printed drsim run reproduces the winner's run row for row"
else bad "reproduce the winner ($cmd, run $run)"; fi

# 7. outputs
"$drsim" optimize "$sc" --db c.db --quiet --threads 2 --trials 300 "${costly[@]}" "${decide[@]}" --format csv \
  --html page.html >c.csv 2>c.err
if head -1 c.csv | grep -q '^order,standby.pool.warm_nodes,.*,total_annual,' && [ "$(wc -l <c.csv)" -gt 5 ] &&
   grep -q '<svg' page.html && grep -q 'chosen' page.html && grep -q 'What each decision contributes' page.html; then
  ok "csv and html outputs"
else bad "csv/html outputs"; cat c.err; fi
"$drsim" run "$sc" --db run.db --quiet --trials 300 "${costly[@]}" >run.md 2>/dev/null
if grep -q '^### Costs' run.md && grep -q 'cost of risk: 1 disasters a year' run.md && grep -q '\*\*total\*\*' run.md; then
  ok "run prints the Costs section"
else bad "run's Costs section"; fi

echo "# e2e_optimize: $passes passed, $fails failed"
[ $fails = 0 ]
