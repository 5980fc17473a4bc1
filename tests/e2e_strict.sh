#!/usr/bin/env bash
# e2e_strict.sh DRSIM SOURCE_DIR — overrides that change nothing (issue 13,
# item 10): `--set`/`--vary` of a value the model does not use for the
# scenario (here the duration of a manual step that draws from
# business_hours/off_hours because of the on-call block, and a lifetime-only
# key in disaster mode) print a warning naming what is used instead and
# still succeed; with --strict every command that loads a scenario (validate,
# trace, run, sweep, size, sensitivity) exits 2 and creates no database. An
# override of a used value gives no warning, even with --strict.
set -u
drsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
ref=$src/scenarios/azure-aks-east-west.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
unused=workflows.production.steps.approve-failover.duration.median=10m
# The reference has lint warnings of its own (RPO below a backup interval),
# so --strict with a used value is checked on a lint-clean scenario.
# (retries-and-gate.yaml teaches "never recovered": retries-exhausted warns.)
clean=$src/scenarios/async-database.yaml
used=workflows.app.steps.validate-app.duration=5m

# expect NAME WANT_EXIT WANT_WARNING(yes|no) CMD...
expect() {
  local name=$1 want=$2 warn=$3
  shift 3
  "$drsim" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc != "$want" ]; then
    bad "$name: exit $rc, want $want"; sed 's/^/#   /' "$work/err" | head -5; return
  fi
  if [ "$warn" = yes ] && ! grep -q "warning: 'workflows.production.steps.approve-failover.duration' is not used: with the oncall block this manual step draws from business_hours (lognormal(median 10m, p95 45m))" "$work/err"; then
    bad "$name: no warning naming business_hours/off_hours"; sed 's/^/#   /' "$work/err" | head -5; return
  fi
  if [ "$warn" = no ] && grep -q 'warning' "$work/err"; then
    bad "$name: unexpected warning"; sed 's/^/#   /' "$work/err" | head -5; return
  fi
  ok "$name (exit $rc)"
}

expect "validate: do-nothing override warns" 0 yes validate "$ref" --quiet --set "$unused"
expect "validate --strict: exit 2" 2 yes validate "$ref" --quiet --strict --set "$unused"
expect "validate --strict: a used value is fine" 0 no validate "$clean" --quiet --strict --set "$used"
expect "trace --strict" 2 yes trace "$ref" --trial 3 --strict --set "$unused"
expect "trace warns" 0 yes trace "$ref" --trial 3 --set "$unused"
expect "run warns" 0 yes run "$ref" --trials 50 --db w.db --quiet --format none --set "$unused"
expect "run --strict" 2 yes run "$ref" --trials 50 --db s.db --quiet --format none --strict --set "$unused"
[ ! -e s.db ] && ok "run --strict refused: no database created" || bad "run --strict created s.db"
expect "run --strict, used value" 0 no run "$clean" --trials 50 --db u.db --quiet --format none --strict --set "$used"
expect "sweep --vary warns" 0 yes sweep "$ref" --vary "${unused%=*}=5m,10m" --trials 50 --db sw.db --quiet --format none
[ "$(grep -c 'warning:' "$work/err")" = 1 ] && ok "sweep: one warning, not one per point" || bad "sweep: $(grep -c 'warning:' "$work/err") warnings"
expect "sweep --strict" 2 yes sweep "$ref" --vary "${unused%=*}=5m,10m" --trials 50 --db sws.db --quiet --format none --strict
[ ! -e sws.db ] && ok "sweep --strict refused: no database created" || bad "sweep --strict created sws.db"
expect "size --strict" 2 yes size "$ref" --pool aks-prod-dr --objective production.rto --quantile 0.5 --trials 200 --quiet --strict --set "$unused"
expect "sensitivity --strict" 2 yes sensitivity "$ref" --metric production.rto.p50 --trials 100 --only terraform --quiet --strict --set "$unused"
"$drsim" validate "$ref" --quiet --set horizon=2y >/dev/null 2>"$work/err"
grep -q "warning: 'horizon' is used only in lifetime mode" "$work/err" && ok "a lifetime-only key in disaster mode warns" || bad "no warning for horizon in disaster mode"

echo "# e2e_strict: $passes passed, $fails failed"
[ $fails = 0 ]
