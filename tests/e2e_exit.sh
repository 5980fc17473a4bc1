#!/usr/bin/env bash
# e2e_exit.sh DRSIM SOURCE_DIR — the command-line contract a CI pipeline
# relies on: --fail-on-miss gives exit 1 (and names what missed on stderr)
# whatever --format and also with --no-store; -h/--help and `drsim help CMD`
# on every command; `report --out-dir` for every format; a refused run
# creates no database; a scenario read from standard input ('-'); the
# program version in --version and in runs.program_version.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=$src/scenarios/azure-aks-east-west.yaml
met=$src/scenarios/backup-only.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check() { # NAME CMD... : passes when CMD succeeds
  local name=$1; shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
expect_status() { # NAME WANT CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; cat "$work/err"; fi
}
is_json() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp

# --- 1. exit status does not depend on the output format ---------------------
for fmt in md csv json none; do
  expect_status "--fail-on-miss --format $fmt" 1 \
    "$drsim" run "$ref" --trials 500 --quiet --fail-on-miss --format "$fmt" --db "$work/miss.db"
  check "--format $fmt: stderr names what missed" \
    grep -q "objectives missed (met in fewer than 95 % of the trials):.*production RTO <= 4h" "$work/err"
  check "--format $fmt: the message is one line" test "$(grep -c 'missed' "$work/err")" = 1
done
expect_status "--fail-on-miss --format csv" 1 \
  "$drsim" run "$ref" --trials 500 --quiet --fail-on-miss --format csv --db "$work/miss.db"
check "csv on stdout stays pure CSV" test "$(head -c 16 "$work/out")" = "environment,metr"
expect_status "--fail-on-miss --format json" 1 \
  "$drsim" run "$ref" --trials 500 --quiet --fail-on-miss --format json --db "$work/miss.db"
check "json on stdout stays valid JSON" is_json "$work/out"
expect_status "--fail-on-miss --format none" 1 \
  "$drsim" run "$ref" --trials 500 --quiet --fail-on-miss --format none --db "$work/miss.db"
check "--format none prints nothing on stdout" test ! -s "$work/out"
expect_status "--no-store --fail-on-miss" 1 \
  "$drsim" run "$ref" --trials 500 --quiet --no-store --fail-on-miss
check "--no-store: stderr names what missed" grep -q "production RTO <= 4h" "$work/err"
check "--no-store: the temporary database is removed" test -z "$(ls -A "$work/tmp")"
expect_status "--no-store --fail-on-miss --format csv" 1 \
  "$drsim" run "$ref" --trials 500 --quiet --no-store --fail-on-miss --format csv
check "--no-store prints no summary" test ! -s "$work/out"
expect_status "--no-store alone" 0 "$drsim" run "$ref" --trials 500 --quiet --no-store
expect_status "--meet-share 0.1 --format none" 1 \
  "$drsim" run "$ref" --trials 500 --quiet --fail-on-miss --format none --meet-share 0.1 --db "$work/miss.db"
check "only the objectives below the share are named" \
  sh -c "! grep -q 'production RTO' '$work/err' && grep -q '2 objectives missed (met in fewer than 10 % of the trials): production RPO <= 15m (0 %), staging RPO' '$work/err'"
for fmt in md csv json none; do
  expect_status "objectives met, --format $fmt" 0 \
    "$drsim" run "$met" --trials 500 --quiet --fail-on-miss --format "$fmt" --set objectives.app.rpo=25h --db "$work/met.db"
  check "objectives met, --format $fmt: stderr silent" test ! -s "$work/err"
done
expect_status "objectives met, --no-store" 0 \
  "$drsim" run "$met" --trials 500 --quiet --no-store --fail-on-miss --set objectives.app.rpo=25h
expect_status "lifetime mode, --format none" 1 \
  "$drsim" run "$src/scenarios/lifetime-availability.yaml" --trials 200 --quiet --fail-on-miss --format none --db "$work/lt.db"
check "lifetime: availability named" grep -q "app availability >= 99.9 %" "$work/err"

# --- 4. a run refused for bad input creates nothing -----------------------------
printf 'version: 1\nname: x\nregions: [\n' >"$work/broken.yaml"
expect_status "broken scenario" 2 "$drsim" run "$work/broken.yaml" --db "$work/new1.db"
check "broken scenario: no database" test ! -e "$work/new1.db"
expect_status "unknown --set path" 2 "$drsim" run "$ref" --set standby.nope.warm_nodes=1 --db "$work/new2.db"
check "unknown --set path: no database" test ! -e "$work/new2.db"
expect_status "empty shard" 2 "$drsim" run "$ref" --trials 2 --shard 1/3 --db "$work/new3.db"
check "empty shard: no database" test ! -e "$work/new3.db"
expect_status "missing scenario" 2 "$drsim" run "$work/nope.yaml" --db "$work/new4.db"
check "missing scenario: no database" test ! -e "$work/new4.db"
expect_status "--resume on a missing database" 3 "$drsim" run --resume 1 --db "$work/new5.db"
check "--resume: no database created" test ! -e "$work/new5.db"
check "--resume: says which file" grep -q "new5.db" "$work/err"
check "no journal files left" test -z "$(ls "$work" | grep -E 'new[0-9]\.db')"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
