#!/usr/bin/env bash
# e2e_study_shards.sh DRSIM SOURCE_DIR — studies on many machines (issue 22
# item 4): `drsim sweep`, `drsim sensitivity` and `drsim size --all` split
# into shards of points (--shard K/N, each into its own database, as a job
# array's tasks would), `drsim merge` joins the shards into one study, and
# the same command with --resume 1 --db MERGED.db prints exactly what one
# machine prints: CSV (and sweep's JSON, sensitivity's text) byte for byte,
# no point run again. Also: a point missing from the shards (one shard never
# ran) is run by that --resume; shards of two different studies, the same
# point twice and a plain run among study points are refused; size's
# bisection refuses --shard.
set -u
drsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")   # absolute: the test changes directory
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
ref=$src/scenarios/azure-aks-east-west.yaml
q=(--quiet --threads 1)

# ---- sweep: 5 points in 2 shards ------------------------------------------
sw=(sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=0..4 --trials 1500 "${q[@]}")
"$drsim" "${sw[@]}" --db one.db --format csv >one.csv 2>/dev/null
"$drsim" "${sw[@]}" --db onej.db --format json >one.json 2>/dev/null
for k in 1 2; do
  "$drsim" "${sw[@]}" --shard "$k/2" --db "sw-$k.db" --format csv >"sw-$k.csv" 2>/dev/null ||
    bad "sweep --shard $k/2 exits $?"
done
[ "$(tail -n +2 sw-1.csv | wc -l)" -gt 0 ] && [ "$(tail -n +2 sw-2.csv | wc -l)" -gt 0 ] &&
  [ "$(($(wc -l <sw-1.csv) + $(wc -l <sw-2.csv) - 2))" = "$(($(wc -l <one.csv) - 1))" ] &&
  ok "each sweep shard runs its own points (together every point once)" ||
  bad "sweep shards' points: $(wc -l <sw-1.csv) + $(wc -l <sw-2.csv) vs $(wc -l <one.csv)"
"$drsim" merge sw-2.db sw-1.db -o sw.db >merge.out 2>&1 &&
  grep -q "merged 5 points (0..4)" merge.out && ok "merge joins the sweep shards as one study" ||
  { bad "merge of sweep shards"; cat merge.out; }
"$drsim" "${sw[@]}" --resume 1 --db sw.db --format csv >merged.csv 2>merged.err
[ -s one.csv ] && cmp -s one.csv merged.csv && ok "sweep: merged shards print the single-machine CSV byte for byte" ||
  { bad "sweep CSV differs"; diff one.csv merged.csv | head -5; }
"$drsim" "${sw[@]}" --resume 1 --db sw.db --format json >merged.json 2>/dev/null
[ -s one.json ] && cmp -s one.json merged.json && ok "sweep: ... and the same JSON" || bad "sweep JSON differs"
runs=$(python3 -c "import sqlite3; print(sqlite3.connect('sw.db').execute('select count(*), count(distinct point), min(sweep_id), max(sweep_id) from runs').fetchone())")
[ "$runs" = "(5, 5, 1, 1)" ] && ok "no point was run again by the --resume ($runs)" || bad "runs after resume: $runs"

# A shard that never ran: its points are run by the --resume of the merge.
"$drsim" merge sw-1.db -o half.db >half.out 2>&1
"$drsim" "${sw[@]}" --resume 1 --db half.db --format csv >half.csv 2>/dev/null
[ -s half.csv ] && cmp -s one.csv half.csv && ok "a missing shard's points are run by --resume on the merged study" ||
  bad "missing shard: CSV differs"

# Refusals: another study, the same point twice, a plain run among points.
"$drsim" sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=0..4 --trials 1000 "${q[@]}" \
  --shard 2/2 --db other.db --format none 2>/dev/null
"$drsim" merge sw-1.db other.db -o bad1.db >err.out 2>&1
[ $? = 2 ] && grep -q "another trial count" err.out && [ ! -e bad1.db ] &&
  ok "shards of another study (trials) are refused" || { bad "other study merged"; cat err.out; }
cp sw-1.db again.db
"$drsim" merge sw-1.db again.db -o bad2.db >err.out 2>&1
[ $? = 2 ] && grep -q "was run twice" err.out && ok "the same point twice is refused" ||
  { bad "duplicate point"; cat err.out; }
"$drsim" run "$ref" --trials 500 --db plain.db "${q[@]}" --format none 2>/dev/null
"$drsim" merge sw-1.db plain.db -o bad3.db >err.out 2>&1
[ $? = 2 ] && grep -q "not a point of a study" err.out && ok "a plain run among study points is refused" ||
  { bad "plain run among points"; cat err.out; }

# ---- sensitivity: baseline + 2 per parameter in 3 shards --------------------
se=(sensitivity "$ref" --metric production.rto.p95 --only aks-prod --trials 800 "${q[@]}")
"$drsim" "${se[@]}" --db s1.db --format csv >s1.csv 2>/dev/null
"$drsim" "${se[@]}" --db s1t.db >s1.txt 2>/dev/null
for k in 1 2 3; do "$drsim" "${se[@]}" --shard "$k/3" --db "se-$k.db" --format csv 2>/dev/null; done
"$drsim" merge se-1.db se-2.db se-3.db -o se.db >/dev/null 2>&1
"$drsim" "${se[@]}" --resume 1 --db se.db --format csv >se.csv 2>/dev/null
"$drsim" "${se[@]}" --resume 1 --db se.db >se.txt 2>/dev/null
[ -s s1.csv ] && [ -s s1.txt ] && cmp -s s1.csv se.csv && cmp -s s1.txt se.txt &&
  ok "sensitivity: 3 merged shards print the single-machine CSV and text byte for byte" ||
  { bad "sensitivity differs"; diff s1.csv se.csv | head; }
"$drsim" "${se[@]}" --shard 1/3 --format csv >/dev/null 2>err.out
[ $? = 2 ] && ok "sensitivity --shard needs --db" || bad "sensitivity --shard without --db"

# ---- size --all: every candidate, in 2 shards ---------------------------------
sz=(size "$ref" --pool aks-prod-dr --objective production.rto --all --trials 800 "${q[@]}")
"$drsim" "${sz[@]}" --db z1.db --format csv >z1.csv 2>/dev/null
for k in 1 2; do "$drsim" "${sz[@]}" --shard "$k/2" --db "sz-$k.db" 2>/dev/null; done
"$drsim" merge sz-1.db sz-2.db -o sz.db >/dev/null 2>&1
"$drsim" "${sz[@]}" --resume 1 --db sz.db --format csv >sz.csv 2>/dev/null
[ -s z1.csv ] && cmp -s z1.csv sz.csv && ok "size --all: merged shards print the single-machine CSV byte for byte" ||
  { bad "size differs"; diff z1.csv sz.csv | head; }
"$drsim" size "$ref" --pool aks-prod-dr --objective production.rto --trials 800 --shard 1/2 \
  --db zz.db >/dev/null 2>err.out
[ $? = 2 ] && grep -q "bisection" err.out && ok "size's bisection refuses --shard (adaptive)" ||
  { bad "size bisection with --shard"; cat err.out; }

echo "# e2e_study_shards: $passes passed, $fails failed"
[ "$fails" = 0 ]
