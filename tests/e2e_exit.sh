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
    grep -q "objectives not shown met (95 % of the trials at 95 % confidence):.*production RTO <= 4h misses" "$work/err"
  check "--format $fmt: the message is one line" test "$(grep -c 'not shown met' "$work/err")" = 1
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
  sh -c "! grep -q 'production RTO' '$work/err' && grep -q '2 objectives not shown met (10 % of the trials at 95 % confidence): production RPO <= 15m misses (0 %), staging RPO' '$work/err'"
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

# --- 2. help on every command ----------------------------------------------------
cmds=$("$drsim" complete commands | grep -vx 'help\|version')
check "every command is listed" test "$(echo $cmds | wc -w)" -ge 11
for cmd in $cmds; do
  expect_status "$cmd -h" 0 "$drsim" "$cmd" -h
  check "$cmd -h prints its usage" grep -q "^usage: drsim $cmd" "$work/out"
  cp "$work/out" "$work/h1"
  expect_status "$cmd --help" 0 "$drsim" "$cmd" --help
  check "$cmd --help = -h" cmp -s "$work/out" "$work/h1"
  expect_status "help $cmd" 0 "$drsim" help "$cmd"
  check "help $cmd = $cmd --help" cmp -s "$work/out" "$work/h1"
  expect_status "$cmd -h with other arguments" 0 "$drsim" "$cmd" "$ref" --trials 0 -h
done
expect_status "help" 0 "$drsim" help
check "top-level help lists exit 130" grep -q "130 interrupted" "$work/out"
check "top-level help lists help" grep -q "^  help " "$work/out"
expect_status "--help" 0 "$drsim" --help
expect_status "help of an unknown command" 2 "$drsim" help rnu
check "help suggests" grep -q "did you mean 'run'" "$work/err"
expect_status "help help" 0 "$drsim" help help

# --- 3. report --out-dir for every format, creating the directory ----------------
"$drsim" run "$met" --trials 200 --quiet --format none --db "$work/r.db"
for fmt in md html json; do
  expect_status "report --format $fmt --out-dir" 0 "$drsim" report --db "$work/r.db" --format "$fmt" --out-dir "$work/rep/$fmt/deep"
  check "$fmt: file written" test -s "$work/rep/$fmt/deep/report.$fmt"
  check "$fmt: nothing else on stdout but its path" test "$(cat "$work/out")" = "$work/rep/$fmt/deep/report.$fmt"
done
check "report.json is JSON" is_json "$work/rep/json/deep/report.json"
check "report.html is HTML" grep -q "<html" "$work/rep/html/deep/report.html"
expect_status "report --format csv --out-dir (new directory)" 0 "$drsim" report --db "$work/r.db" --format csv --out-dir "$work/rep/csv"
check "csv: one file per table" test "$(ls "$work/rep/csv" | wc -l)" = 6
expect_status "report --out-dir into an existing directory" 0 "$drsim" report --db "$work/r.db" --out-dir "$work/rep/csv"
: >"$work/plain"
expect_status "report --out-dir under a file" 3 "$drsim" report --db "$work/r.db" --format md --out-dir "$work/plain/sub"
check "says which directory" grep -q "plain/sub" "$work/err"

# --- 16. a scenario from standard input -------------------------------------------
expect_status "validate -" 0 "$drsim" validate - <"$met"
check "validate - prints ok" grep -q '^ok$' "$work/out"
printf 'version: 1\nname: x\nregions: [\n' >"$work/broken.yaml"
expect_status "validate - (broken)" 2 "$drsim" validate - <"$work/broken.yaml"
check "errors say <stdin>:line:col" grep -Eq '^<stdin>:[0-9]+:[0-9]+: error: ' "$work/err"
check "the count names <stdin>" grep -q '^1 error in <stdin>$' "$work/err"
expect_status "run - from stdin" 0 "$drsim" run - --trials 300 --quiet --format csv --db "$work/stdin.db" <"$met"
"$drsim" run "$met" --trials 300 --quiet --format csv --db "$work/file.db" >"$work/file.csv"
check "run - gives the same summary as the file" cmp -s "$work/out" "$work/file.csv"
check "run - stores the scenario text" \
  python3 -c 'import sqlite3,sys; t=sqlite3.connect(sys.argv[1]).execute("select scenario_text from runs").fetchone()[0]; sys.exit(t != open(sys.argv[2]).read())' "$work/stdin.db" "$met"
expect_status "trace - from stdin" 0 "$drsim" trace - --trial 3 <"$met"
expect_status "sweep - from stdin" 0 "$drsim" sweep - --vary components.app-db.replication.interval=6h,12h --trials 200 --quiet --format csv --db "$work/sw.db" <"$met"
check "sweep -: one row per point and metric" test "$(grep -c ',app,rpo,' "$work/out")" = 2
expect_status "size - from stdin" 0 "$drsim" size - --pool aks-prod-dr --objective production.rto --quantile 0.5 --trials 400 --quiet <"$ref"
expect_status "sensitivity - from stdin" 0 "$drsim" sensitivity - --metric production.rto.p50 --only terraform-apply --trials 300 --quiet <"$ref"
expect_status "run - with an empty stdin" 2 "$drsim" run - --db "$work/empty.db" </dev/null
check "empty stdin: no database" test ! -e "$work/empty.db"

# --- 12. the program version -------------------------------------------------------
expect_status "--version" 0 "$drsim" --version
version=$(sed -n 's/^drsim //p' "$work/out")
check "version is the release or a git description ($version)" \
  sh -c "echo '$version' | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+)?(-g[0-9a-f]{7,})?(-dirty)?$'"
expect_status "version" 0 "$drsim" version
check "runs.program_version is the --version string" \
  test "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select program_version from runs").fetchone()[0])' "$work/r.db")" = "$version"
# A run interrupted by another build: resume refuses, naming both versions.
"$drsim" run "$met" --trials 300 --quiet --format none --db "$work/old.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("update runs set program_version=?, status=?", ("0.1.0", "interrupted")); c.commit()' "$work/old.db"
expect_status "resume a run of another build" 2 "$drsim" run --resume 1 --db "$work/old.db"
check "the message names both versions" grep -q "drsim 0.1.0, this is drsim $version" "$work/err"
# Shards of two builds: merge refuses, naming both versions.
"$drsim" run "$met" --trials 300 --shard 1/2 --quiet --format none --db "$work/p1.db"
"$drsim" run "$met" --trials 300 --shard 2/2 --quiet --format none --db "$work/p2.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("update runs set program_version=?", ("0.1.0",)); c.commit()' "$work/p2.db"
expect_status "merge shards of two builds" 2 "$drsim" merge "$work/p1.db" "$work/p2.db" -o "$work/m.db"
check "merge names both versions" sh -c "grep -q 'drsim version' '$work/err' && grep -q '0.1.0' '$work/err' && grep -q -- '$version' '$work/err'"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
