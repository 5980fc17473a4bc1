#!/usr/bin/env bash
# e2e_meet.sh DRSIM SOURCE_DIR — one meaning of "meets" (models/meet.h) in
# every command. On tests/data/explain-off-hours.yaml (P(meet) about 0.90,
# closed form in the file) the shares are chosen from the run's own counts
# (k of n trials met) and the verdict is recomputed here with an exact
# binomial sum (python, independent of the program):
#   - a share just below the estimate k/n: the estimate is at least the
#     share but the one-sided 95 % lower bound is not: "inconclusive" in
#     run's table, report md and html, sweep, and --fail-on-miss exits 1
#     (the old point-estimate rule said "meets" and exit 0);
#   - a share far below: "meets", exit 0; far above: "misses", exit 1;
#   - `size` judges every candidate by the same rule (its meets column
#     against the exact test on the candidate's counts);
#   - `meet.share` in the scenario file and `run --meet-share` are the same
#     override, stored with the run so that `report` judges it alike.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scn=$src/tests/data/explain-off-hours.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
expect_status() { # NAME WANT CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; head -5 "$work/err"; fi
}

# The exact one-sided test: meets <=> P(B >= k | share) <= 0.05, misses <=>
# P(B <= k | share) < 0.05, B ~ Binomial(n, share); sums of exact terms.
cat > "$work/judge.py" <<'PY'
import math, sys
def pmf(n, i, p):
    return math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                    + i * math.log(p) + (n - i) * math.log1p(-p))
def judge(n, k, s, c=0.95):
    ge = sum(pmf(n, i, s) for i in range(k, n + 1))
    le = sum(pmf(n, i, s) for i in range(0, k + 1))
    return "meets" if ge <= 1 - c else "misses" if le < 1 - c else "inconclusive"
if __name__ == "__main__":
    n, k, s = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    print(judge(n, k, s))
PY

# --- the run's counts ---------------------------------------------------------
"$drsim" run "$scn" --trials 2000 --db "$work/base.db" --format csv --quiet >"$work/base.csv" 2>"$work/err" ||
  { bad "base run"; cat "$work/err"; }
read -r n k < <(python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["environment"] == "app" and r["metric"] == "rto":
        n = int(r["n"]); print(n, round(float(r["p_meet"]) * n))' "$work/base.csv")
echo "# app RTO met in $k of $n trials"
s_inc=$(python3 -c "print(round($k / $n - 0.001, 6))")
s_meet=$(python3 -c "print(round($k / $n - 0.03, 6))")
s_miss=$(python3 -c "print(round($k / $n + 0.03, 6))")
check "the estimate is at least $s_inc" python3 -c "assert $k / $n >= $s_inc"
check "exact test: $k of $n at share $s_inc is inconclusive" \
  test "$(python3 "$work/judge.py" "$n" "$k" "$s_inc")" = inconclusive
check "exact test: at share $s_meet it meets" test "$(python3 "$work/judge.py" "$n" "$k" "$s_meet")" = meets
check "exact test: at share $s_miss it misses" test "$(python3 "$work/judge.py" "$n" "$k" "$s_miss")" = misses

# --- run: the table's verdict and --fail-on-miss ----------------------------------
for v in inc meet miss; do
  eval "share=\$s_$v"
  case $v in inc) word=inconclusive want=1 ;; meet) word=meets want=0 ;; miss) word=misses want=1 ;; esac
  expect_status "run --fail-on-miss at share $share: $word" $want \
    "$drsim" run "$scn" --trials 2000 --db "$work/$v.db" --set "meet.share=$share" --fail-on-miss --quiet
  check "run's table says $word" grep -q "^| app | RTO | $n |.* | $word | 0 |$" "$work/out"
  check "run states the rule" grep -q "Verdict: an objective is met when the one-sided 95 % lower confidence bound" "$work/out"
  if [ $want = 1 ]; then
    check "stderr names the objective and its verdict" grep -q "app RTO <= 2h $word (" "$work/err"
  else
    check "stderr silent when it meets" test ! -s "$work/err"
  fi
done
# --meet-share is the same override, stored with the run
expect_status "run --meet-share $s_inc --fail-on-miss" 1 \
  "$drsim" run "$scn" --trials 2000 --db "$work/ms.db" --meet-share "$s_inc" --fail-on-miss --quiet
check "--meet-share: inconclusive too" grep -q "| inconclusive | 0 |$" "$work/out"
expect_status "--meet-share 1 is refused (no sample shows 100 %)" 2 \
  "$drsim" run "$scn" --trials 20 --db "$work/x.db" --meet-share 1 --quiet
# the scenario's own meet: block
sed "s/^mode: disaster$/mode: disaster\nmeet: {share: $s_inc}/" "$scn" > "$work/with-meet.yaml"
expect_status "meet: in the scenario file" 1 \
  "$drsim" run "$work/with-meet.yaml" --trials 2000 --db "$work/file.db" --fail-on-miss --quiet
check "the file's share: inconclusive" grep -q "| inconclusive | 0 |$" "$work/out"

# --- report: md and html judge the stored run alike --------------------------
expect_status "report md of the inconclusive run" 0 "$drsim" report --db "$work/inc.db" --no-explain
check "report md: inconclusive" grep -q "| inconclusive | 0 |$" "$work/out"
expect_status "report html" 0 "$drsim" report --db "$work/inc.db" --format html --no-explain -o "$work/inc.html"
check "report html: INCONCLUSIVE badge" grep -q 'badge unsure">INCONCLUSIVE</span><b>RTO' "$work/inc.html"
check "report html: states the rule" grep -q "lower confidence bound of the share of trials meeting it is at least $(python3 -c "print('%g' % (100 * $s_inc))") %" "$work/inc.html"
check "report html: never MEETS for it" sh -c "! grep -q 'badge meets\">MEETS</span><b>RTO' '$work/inc.html'"
expect_status "report html of the met run" 0 "$drsim" report --db "$work/meet.db" --format html --no-explain -o "$work/meet.html"
check "report html: MEETS ALL" grep -q "MEETS ALL" "$work/meet.html"

# --- sweep: the same verdict after each P(meet) --------------------------------
expect_status "sweep at share $s_inc" 0 "$drsim" sweep "$scn" --trials 2000 --db "$work/sw.db" \
  --set "meet.share=$s_inc" --vary objectives.app.rto=2h,10h --quiet
check "sweep: the 2 h point is inconclusive" grep -q "^| 0 | .* | 2h | app | .* inconclusive |" "$work/out"
check "sweep: the 10 h point meets (every trial within 10 h)" grep -Eq "^\| 1 \| .* \| 10h \| app \| .*100(\.0)? % meets \|" "$work/out"

# --- size: every candidate judged by the same exact test -------------------------
expect_status "size --all at quantile 0.9" 0 "$drsim" size "$src/tests/data/size-exponential.yaml" \
  --pool pool --quantile 0.9 --all --trials 2000 --format csv --quiet
cp "$work/out" "$work/size.csv"
check "size: meets = the exact one-sided test on each candidate's counts" python3 -c '
import csv, sys
sys.path.insert(0, sys.argv[2])
from judge import judge
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows
verdicts = set()
for r in rows:
    k = round(float(r["p_meet"]) * 2000)
    v = judge(2000, k, 0.9)
    verdicts.add(v)
    assert (v == "meets") == (r["meets"] == "1"), (r, v)
assert "meets" in verdicts and len(verdicts) > 1, verdicts
' "$work/size.csv" "$work"

echo "# e2e_meet: $passes passed, $fails failed"
[ "$fails" = 0 ]
