#!/usr/bin/env bash
# e2e_sweep.sh DRSIM SOURCE_DIR — end-to-end checks of the what-if commands:
#  - sweep: every point equals `drsim run --set` with the same seed and
#    override (stored trials, overrides, scenario hash), tagged with its sweep
#    id and point; the CSV contract (varied paths, then the summary header);
#  - common random numbers: on a sweep over one step's duration the paired
#    difference between points has a far narrower interval than the
#    difference of runs with independent seeds, matches its closed form, and
#    steps that were not varied draw exactly the same durations;
#  - size: the closed-form answer of tests/data/size-exponential.yaml, the
#    CSV contract, bisection = full grid with fewer evaluations;
#  - sensitivity: a deliberately dominant parameter ranks first, parameters
#    that cannot reach the metric have a swing of exactly 0;
#  - exit statuses and messages for bad input; the --html pages.
# Statistical checks use tolerances derived from standard errors, computed
# here (python3) from the trial counts.
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
check() { # NAME CMD... : ok when CMD succeeds
  local name=$1; shift
  if "$@" >"$work/check.out" 2>&1; then ok "$name"; else bad "$name"; cat "$work/check.out"; fi
}
expect_status() { # NAME WANT CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; cat "$work/err"; fi
}

# --- sweep points = individual runs -------------------------------------------
db=$work/sweep.db
"$drsim" sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=1,3 \
  --vary workflows.production.steps.restore-persistent-data.retry.delay=5m..15m/10m \
  --set objectives.production.rto=3h --trials 2000 --db "$db" --quiet --format csv >"$work/sweep.csv"
"$drsim" run "$ref" --set objectives.production.rto=3h --set standby.aks-prod-dr.warm_nodes=3 \
  --set workflows.production.steps.restore-persistent-data.retry.delay=15m \
  --trials 2000 --db "$work/single.db" --quiet --format none
check "sweep point 3 equals drsim run --set with the same overrides" \
  python3 - "$db" "$work/single.db" <<'PY'
import sqlite3, sys
sw, one = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
runs = sw.execute("select id, sweep_id, point, overrides, scenario_hash, seed, trials, status "
                  "from runs order by id").fetchall()
assert len(runs) == 4, runs
assert {r[1] for r in runs} == {1}, "one sweep id for all points"
assert [r[2] for r in runs] == [0, 1, 2, 3], "points in grid order"
assert all(r[7] == "complete" for r in runs)
p3 = runs[3]
single = one.execute("select overrides, scenario_hash, seed, trials, sweep_id, point from runs").fetchone()
assert p3[3] == single[0], (p3[3], single[0])
assert p3[4] == single[1], "same scenario hash"
assert (p3[5], p3[6]) == (single[2], single[3])
assert single[4] is None
q = ("select environment, trial, rto_s, rpo_s, recovered, first_service_s, full_capacity_s, "
     "retries, wallclock_s from trials where run_id=? order by environment, trial")
a = sw.execute(q, (p3[0],)).fetchall()
b = one.execute(q, (1,)).fetchall()
assert len(a) == 3 * 2000 and a == b, "identical trials"
# and the points differ from each other only through the varied values
r0 = sw.execute(q, (runs[0][0],)).fetchall()
assert r0 != a
print("point 3 == run; overrides:", p3[3].replace("\n", " | "))
PY

check "sweep CSV: varied paths, then the summary CSV contract" \
  python3 - "$work/sweep.csv" "$db" "$drsim" <<'PY'
import csv, subprocess, sys
rows = list(csv.reader(open(sys.argv[1])))
head = rows[0]
paths = ["standby.aks-prod-dr.warm_nodes",
         "workflows.production.steps.restore-persistent-data.retry.delay"]
assert head[:2] == paths, head[:3]
ref = subprocess.run([sys.argv[3], "report", "--db", sys.argv[2], "--run", "1", "--format", "csv"],
                     capture_output=True, text=True, check=True).stdout.splitlines()
assert head[2:] == ref[0].split(","), "the rest is the report's summary header"
assert head[2:15] == ("environment,metric,n,mean,p50,p90,p95,p99,max,objective,p_meet,"
                      "p_meet_lo,p_meet_hi").split(",")
body = rows[1:]
per_point = len(ref) - 1
assert len(body) == 4 * per_point, (len(body), per_point)
assert all(len(r) == len(head) for r in body)
# grid order: first --vary slowest; durations in seconds
vals = [(r[0], r[1]) for r in body[::per_point]]
assert vals == [("1", "300"), ("1", "900"), ("3", "300"), ("3", "900")], vals
# point rows equal the report of that run, after the varied columns
for k in range(4):
    rep = subprocess.run([sys.argv[3], "report", "--db", sys.argv[2], "--run", str(k + 1),
                          "--format", "csv"], capture_output=True, text=True, check=True).stdout
    got = [",".join(r[2:]) for r in body[k * per_point:(k + 1) * per_point]]
    want = [",".join(r) for r in csv.reader(rep.splitlines()[1:])]
    assert got == want, k
prod = [r for r in body if r[2] == "production" and r[3] == "rto"]
assert all(r[2 + 9] == "10800" for r in prod), "the fixed --set applies to every point"
print(len(body), "rows")
PY

# --- common random numbers: paired vs independent -------------------------------
crn=$data/crn-chain.yaml
"$drsim" sweep "$crn" --vary 'workflows.app.steps.restore.duration={dist: exponential, mean: 30m},{dist: exponential, mean: 40m}' \
  --db "$work/crn.db" --quiet --format none
# the same second point with another seed: independent draws
"$drsim" run "$crn" --set 'workflows.app.steps.restore.duration={dist: exponential, mean: 40m}' \
  --seed 999 --db "$work/crn.db" --quiet --format none
check "CRN: paired difference interval much narrower than with independent seeds" \
  python3 - "$work/crn.db" <<'PY'
import math, sqlite3, statistics as st, sys
c = sqlite3.connect(sys.argv[1])
def rto(run, env="app"):
    return [r[0] for r in c.execute("select rto_s from trials where run_id=? and environment=? "
                                    "order by trial", (run, env))]
a, b, ind = rto(1), rto(2), rto(3)
n = len(a)
assert n == 2000 and len(b) == n and len(ind) == n
d_crn = [y - x for x, y in zip(a, b)]
d_ind = [y - x for x, y in zip(a, ind)]
hw = lambda d: 1.959964 * st.stdev(d) / math.sqrt(len(d))   # 95 % t ~ z at n = 2000
h_crn, h_ind = hw(d_crn), hw(d_ind)
print("mean difference: CRN %.1f s +- %.1f, independent %.1f s +- %.1f (ratio %.3f)"
      % (st.mean(d_crn), h_crn, st.mean(d_ind), h_ind, h_crn / h_ind))
# Closed form: with CRN each trial's difference is restore/3 exactly, an
# exponential with mean 10 m: variance (600 s)^2. The sample variance of an
# exponential has standard error sigma^2 sqrt(8 / n) (fourth central moment
# 9 sigma^4); allow 5 of them.
v, want = st.variance(d_crn), 600.0 ** 2
se = want * math.sqrt(8 / n)
assert abs(v - want) < 5 * se, (v, want, se)
assert min(d_crn) > 0, "every trial slower with the longer restore"
# Independent runs: var(A) + var(B) ~ 2 x 1500 min^2 vs 100 min^2 for CRN,
# a half-width ratio near sqrt(100 / 3000) = 0.18. Require < 0.35: even with
# var(A) + var(B) at its smallest plausible value (the restore's own
# variances, 30^2 + 40^2 min^2) the ratio would be sqrt(100/2500) = 0.2.
assert h_crn / h_ind < 0.35, h_crn / h_ind
# The CRN interval covers the true mean difference 10 m = 600 s (5 se).
assert abs(st.mean(d_crn) - 600) < 5 * math.sqrt(want / n)
# The other environment shares nothing with the varied step: identical.
assert rto(1, "other") == rto(2, "other")
PY
check "CRN: steps that were not varied draw the same durations at every point" \
  python3 - "$work/crn.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
idx = {name: i for i, name in c.execute("select step_index, name from run_steps where run_id=1")}
def dur(run, step):
    return [r[0] for r in c.execute("select end_s - start_s from steps where run_id=? and "
                                    "step_index=? order by trial", (run, idx[step]))]
# verify starts later, so end - start may differ in the last bits
for step in ("prepare", "verify"):
    for x, y in zip(dur(1, step), dur(2, step)):
        assert abs(x - y) <= 1e-9 * max(abs(x), 1.0), (step, x, y)
r1, r2 = dur(1, "restore"), dur(2, "restore")
assert all(abs(y - x * 4 / 3) <= 1e-9 * y for x, y in zip(r1, r2)), "restore scaled by 4/3"
print("prepare and verify identical; restore x 4/3 in every trial")
PY

# --- size: closed form -------------------------------------------------------------
expo=$data/size-exponential.yaml
"$drsim" size "$expo" --pool pool --objective app.rto --quantile 0.9 --format csv --quiet >"$work/size.csv"
"$drsim" size "$expo" --pool pool --objective app.rto --quantile 0.9 --format csv --quiet --all >"$work/size-all.csv"
check "size finds the closed-form node count (exponential provisioning)" \
  python3 - "$work/size.csv" "$work/size-all.csv" <<'PY'
import csv, math, sys
# Closed form (see the scenario): P(RTO <= 35 m) = p^n, p = 1 - e^-3.5, n = 8 - warm.
# The answer is the fewest warm nodes whose p^n >= 0.9. The test is only
# meaningful if the finite-sample criterion cannot flip: at the answer p^n
# must exceed 0.9 by the one-sided 95 % margin (1.645 se) plus 3 se, and one
# node fewer must miss 0.9 by 3 se (se at 20000 trials).
p, q, trials, R = 1 - math.exp(-3.5), 0.9, 20000, 8
n_star = max(n for n in range(R + 1) if p ** n >= q)
want = R - n_star
se = lambda x: math.sqrt(x * (1 - x) / trials)
assert p ** n_star - q > (1.645 + 3) * se(p ** n_star)
assert q - p ** (n_star + 1) > 3 * se(p ** (n_star + 1))
head = ("pool,warm_nodes,max_parallel,annual_cost,rto_p50,rto_p95,rto_p99,p_meet,meets").split(",")
def load(path):
    rows = list(csv.DictReader(open(path)))
    assert list(rows[0].keys())[:9] == head
    return rows
rows, full = load(sys.argv[1]), load(sys.argv[2])
pick = lambda rs: min((int(r["warm_nodes"]) for r in rs if r["meets"] == "1"))
assert pick(rows) == want, (pick(rows), want)
assert pick(full) == want
assert len(full) == R + 1 and len(rows) < len(full), (len(rows), len(full))
for r in full:
    w = int(r["warm_nodes"])
    assert r["meets"] in ("0", "1")
    assert abs(float(r["annual_cost"]) - w * 1.0 * 8760) < 1e-6
    x = p ** (R - w)
    assert abs(float(r["p_meet"]) - x) < 5 * se(x) + 1e-12, (w, r["p_meet"], x)
# meets is monotone in warm nodes (the bisection's premise)
m = [int(r["meets"]) for r in sorted(full, key=lambda r: int(r["warm_nodes"]))]
assert m == sorted(m)
# bisection rows agree with the full grid where both evaluated
fr = {r["warm_nodes"]: r for r in full}
for r in rows:
    assert r["meets"] == fr[r["warm_nodes"]]["meets"] and r["p_meet"] == fr[r["warm_nodes"]]["p_meet"]
print("warm_nodes", want, "with", len(rows), "evaluations instead of", len(full))
PY
out=$("$drsim" size "$expo" --pool pool --quantile 0.9 --quiet)
echo "$out" | grep -q "^Recommendation: keep 5 warm nodes in pool" && ok "size states the recommendation in one sentence" \
  || { bad "size recommendation sentence"; echo "$out"; }
# the reference's production RTO p99 stays above 4 h even with every node warm
expect_status "size with nothing meeting + --fail-on-miss" 1 "$drsim" size "$ref" --pool aks-prod-dr --quantile 0.99 --trials 2000 --fail-on-miss --quiet
grep -q "^No candidate meets" "$work/out" && ok "size says when nothing meets" || bad "size says when nothing meets"
"$drsim" size "$expo" --pool pool --quantile 0.9 --max-parallel 2,8 --format csv --quiet --db "$work/size.db" --html "$work/size.html" >"$work/size-mp.csv"
check "size over max_parallel: rows per value, stored runs, HTML chart" \
  python3 - "$work/size-mp.csv" "$work/size.db" "$work/size.html" <<'PY'
import csv, sqlite3, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert {r["max_parallel"] for r in rows} == {"2", "8"}
c = sqlite3.connect(sys.argv[2])
runs = c.execute("select id, sweep_id, point, overrides from runs order by id").fetchall()
assert len(runs) == len(rows) and {r[1] for r in runs} == {1}
by_run = {int(r["run_id"]): r for r in rows}
for rid, _, _, ov in runs:
    r = by_run[rid]
    assert "standby.pool.warm_nodes=%s" % r["warm_nodes"] in ov
    assert "standby.pool.max_parallel=%s" % r["max_parallel"] in ov
# with fewer parallel provisioning slots the same warm count is never better
best = {mp: min((int(r["warm_nodes"]) for r in rows if r["max_parallel"] == mp and r["meets"] == "1"),
                default=99) for mp in ("2", "8")}
assert best["2"] >= best["8"], best
html = open(sys.argv[3]).read()
assert 'data-chart="pareto"' in html and 'data-chart="size-cdf"' in html and "Recommendation" in html
PY

# --- sensitivity -----------------------------------------------------------------
dom=$data/sensitivity-dominant.yaml
"$drsim" sensitivity "$dom" --metric app.rto.p95 --format csv --quiet --html "$work/sens.html" >"$work/sens.csv"
check "sensitivity ranks the dominant parameter first; unrelated ones swing exactly 0" \
  python3 - "$work/sens.csv" "$work/sens.html" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert list(rows[0].keys())[:13] == ("rank,parameter,kind,baseline,factor_low,factor_high,metric,"
                                     "value_base,value_low,value_high,delta_low,delta_high,swing").split(",")
assert rows[0]["parameter"] == "workflows.app.steps.migrate.duration", rows[0]["parameter"]
assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
sw = [float(r["swing"]) for r in rows]
assert sw == sorted(sw, reverse=True)
# dominant: by far (its swing is hours, the next minutes)
assert sw[0] > 10 * sw[1], sw[:2]
by = {r["parameter"]: r for r in rows}
for p in ("workflows.other.steps.rebuild.duration", "workflows.other.detection",
          "components.db.replication.lag"):
    assert float(by[p]["swing"]) == 0.0, p
# every duration parameter of app found automatically
for p in ("workflows.app.detection", "workflows.app.steps.approve.duration",
          "workflows.app.steps.check.duration", "workflows.app.steps.check.retry.delay",
          "components.db.failover.after", "components.db.failover.duration"):
    assert p in by, p
# doubling the mean of the dominant exponential step about doubles the p95
assert float(rows[0]["value_high"]) > 1.7 * float(rows[0]["value_base"])
html = open(sys.argv[2]).read()
assert 'data-chart="tornado"' in html
print(rows[0]["parameter"], "swing", rows[0]["swing"], "next", rows[1]["swing"])
PY
"$drsim" sensitivity "$dom" --metric app.rto.p_meet --only app.steps --quiet >"$work/sens.txt"
grep -q "^| 1 | workflows.app.steps.migrate.duration" "$work/sens.txt" && ok "sensitivity --only, p_meet metric" \
  || { bad "sensitivity --only, p_meet metric"; cat "$work/sens.txt"; }

# --- scripts/batch.sh -------------------------------------------------------------
mkdir -p "$work/batch-in"
cp "$src/scenarios/retries-and-gate.yaml" "$src/scenarios/backup-only.yaml" "$work/batch-in/"
cp "$src/scenarios/invalid/needs-cycle.yaml" "$work/batch-in/"
DRSIM=$drsim bash "$src/scripts/batch.sh" --trials 500 --jobs 2 "$work/batch-in" "$work/batch-out" 2>"$work/batch.err"
st=$?
[ $st = 2 ] && ok "batch: an invalid scenario makes exit 2" || { bad "batch exit $st, want 2"; cat "$work/batch.err"; }
mkdir -p "$work/batch-ok"
cp "$src/scenarios/retries-and-gate.yaml" "$src/scenarios/backup-only.yaml" "$work/batch-ok/"
DRSIM=$drsim bash "$src/scripts/batch.sh" --trials 500 "$work/batch-ok" "$work/batch-ok-out" 2>"$work/batch.err"
st=$?
[ $st = 0 ] && ok "batch: exit 0 when every scenario ran" || { bad "batch exit $st, want 0"; cat "$work/batch.err"; }
# both scenarios' environment is `app`; a 1 s objective cannot be met
DRSIM=$drsim bash "$src/scripts/batch.sh" --trials 500 --fail-on-miss --set objectives.app.rto=1s "$work/batch-ok" "$work/batch-miss" 2>"$work/batch.err"
st=$?
[ $st = 1 ] && ok "batch --fail-on-miss: exit 1 on a missed objective" || { bad "batch --fail-on-miss exit $st, want 1"; cat "$work/batch.err"; }
check "batch: one CSV per scenario and a combined summary" \
  python3 - "$work/batch-out" <<'PY'
import csv, os, sys
out = sys.argv[1]
rows = list(csv.reader(open(os.path.join(out, "summary.csv"))))
head = rows[0]
assert head[:2] == ["scenario", "exit_status"]
assert head[2:15] == ("environment,metric,n,mean,p50,p90,p95,p99,max,objective,p_meet,"
                      "p_meet_lo,p_meet_hi").split(",")
assert all(len(r) == len(head) for r in rows)
names = [r[0] for r in rows[1:]]
assert names == sorted(names), "file-name order"
assert {r[0]: r[1] for r in rows[1:]}["needs-cycle"] == "2"
for name in ("retries-and-gate", "backup-only"):
    own = list(csv.reader(open(os.path.join(out, name + ".csv"))))
    assert own[0] == head[2:]
    mine = [r[2:] for r in rows[1:] if r[0] == name]
    assert mine == own[1:] and all(r[1] == "0" for r in rows[1:] if r[0] == name)
    assert os.path.exists(os.path.join(out, name + ".db"))
assert "needs form a cycle" in open(os.path.join(out, "needs-cycle.log")).read()
PY

# --- bad input and I/O --------------------------------------------------------------
expect_status "sweep without --vary" 2 "$drsim" sweep "$ref" --db "$work/e.db"
expect_status "sweep malformed --vary" 2 "$drsim" sweep "$ref" --vary warm_nodes --db "$work/e.db"
grep -q "PATH=VALUES" "$work/err" && ok "malformed --vary message" || bad "malformed --vary message"
expect_status "sweep bad range" 2 "$drsim" sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=5..1 --db "$work/e.db"
expect_status "sweep value that does not load" 2 "$drsim" sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=1,99 --db "$work/e.db"
grep -q "point 2/2 (standby.aks-prod-dr.warm_nodes=99) does not load" "$work/err" && ok "names the bad value" || bad "names the bad value"
[ ! -e "$work/e.db" ] && ok "nothing run or stored before the values are checked" || bad "nothing stored on bad values"
expect_status "sweep unknown path" 2 "$drsim" sweep "$ref" --vary standby.aks-prod-dx.warm_nodes=1,2 --db "$work/e.db"
grep -q "did you mean 'aks-prod-dr'" "$work/err" && ok "unknown path suggestion" || bad "unknown path suggestion"
expect_status "size unknown pool" 2 "$drsim" size "$ref" --pool aks-prod --quiet
grep -q "did you mean 'aks-prod-dr'" "$work/err" && ok "unknown pool suggestion" || bad "unknown pool suggestion"
expect_status "size unknown metric" 2 "$drsim" size "$ref" --pool aks-prod-dr --objective production.rtp --quiet
grep -q "did you mean 'rto'" "$work/err" && ok "unknown metric suggestion" || bad "unknown metric suggestion"
expect_status "size bad quantile" 2 "$drsim" size "$ref" --pool aks-prod-dr --quantile 1.5
expect_status "size no objective" 2 "$drsim" size "$ref" --pool aks-prod-dr --objective production.full_capacity
expect_status "sensitivity unknown environment" 2 "$drsim" sensitivity "$ref" --metric prod.rto.p95
grep -q "did you mean 'production'" "$work/err" && ok "unknown environment suggestion" || bad "unknown environment suggestion"
expect_status "sensitivity bad factor" 2 "$drsim" sensitivity "$ref" --metric production.rto.p95 --factor 0.5
expect_status "sensitivity bad statistic" 2 "$drsim" sensitivity "$ref" --metric production.rto.median
mkdir -p "$work/dir.db"
expect_status "sweep database is a directory" 3 "$drsim" sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=1 --trials 10 --db "$work/dir.db"
expect_status "size --html unwritable" 3 "$drsim" size "$expo" --pool pool --quantile 0.9 --trials 100 --quiet --html "$work/no/such/dir/x.html"

# a grid point invalid only in combination (warm 4 > required 3) is refused
# before any point runs: exit 2, nothing stored, the point named
expect_status "sweep combination that does not load" 2 "$drsim" sweep "$expo" \
  --vary standby.pool.required_nodes=10,3 --vary standby.pool.warm_nodes=1,4 --trials 20 \
  --db "$work/combo.db" --quiet
grep -q "point 4/4 (standby.pool.required_nodes=3, standby.pool.warm_nodes=4) does not load" "$work/err" \
  && ok "sweep names the invalid point" || { bad "sweep names the invalid point"; cat "$work/err"; }
if [ ! -e "$work/combo.db" ] || [ "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from runs").fetchone()[0])' "$work/combo.db" 2>/dev/null || echo 0)" = 0 ]; then
  ok "sweep stored nothing for an invalid grid"; else bad "sweep stored runs for an invalid grid"; fi
# too few trials for a one-sided 95 % bound of p99 (1 - 0.99^n >= 0.95 needs
# n >= 299): refused, never reported as a capacity verdict
expect_status "size with too few trials to bound the quantile" 2 "$drsim" size "$expo" --pool pool \
  --quantile 0.99 --target 10h --trials 200 --quiet
grep -q "too few trials to bound the p99 at 95 % confidence: need at least 299; use --trials 299" "$work/err" \
  && ok "size names the trials needed" || { bad "size names the trials needed"; cat "$work/err"; }
grep -q "cannot reach" "$work/out" && bad "size gave a capacity verdict with too few trials" \
  || ok "size gave no capacity verdict with too few trials"
expect_status "size with just enough trials" 0 "$drsim" size "$expo" --pool pool \
  --quantile 0.99 --target 10h --trials 299 --quiet
expect_status "size --max-parallel above the model limit" 2 "$drsim" size "$expo" --pool pool \
  --quantile 0.9 --trials 100 --max-parallel 20000 --quiet
grep -q -- "--max-parallel value '20000'" "$work/err" && ok "size names --max-parallel" \
  || { bad "size names --max-parallel"; cat "$work/err"; }

echo "# $passes passed, $fails failed"
[ "$fails" -eq 0 ]
