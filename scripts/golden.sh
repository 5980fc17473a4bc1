#!/usr/bin/env bash
# golden.sh [--update] DRSIM SOURCE_DIR — the golden results: the reference
# scenario and every teaching scenario run with a fixed seed and trial count,
# every CSV table of `drsim report --format csv --out-dir` compared byte for
# byte with tests/golden/<scenario>/. Any change to random streams or models
# that moves a number fails here; a commit that moves one on purpose runs
# `scripts/golden.sh --update build/drsim .` and says why in its message.
# Exit 0 when every table matches (or was updated), 1 otherwise.
set -u
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
drsim=${1:?usage: golden.sh [--update] DRSIM SOURCE_DIR}
src=${2:?usage: golden.sh [--update] DRSIM SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# scenario trials seed: small enough for CI (a few seconds in all), large
# enough that every table has rows (retries, shortages, lifetime incidents).
cases=(
  "azure-aks-east-west 2000 42"
  "azure-aks-east-west-lifetime 300 42"
  "async-database 2000 7"
  "backup-only 2000 7"
  "retries-and-gate 2000 7"
  "lifetime-availability 300 7"
)
fails=0 passes=0
for c in "${cases[@]}"; do
  read -r name trials seed <<<"$c"
  out=$work/$name
  mkdir -p "$out"
  if ! "$drsim" run "$src/scenarios/$name.yaml" --trials "$trials" --seed "$seed" \
       --threads "${DRSIM_GOLDEN_THREADS:-2}" --db "$work/$name.db" --quiet --format none 2>"$work/err"; then
    echo "not ok - $name: drsim run failed"; cat "$work/err"; fails=$((fails + 1)); continue
  fi
  if ! "$drsim" report --db "$work/$name.db" --format csv --out-dir "$out" >/dev/null 2>"$work/err"; then
    echo "not ok - $name: drsim report failed"; cat "$work/err"; fails=$((fails + 1)); continue
  fi
  gold=$src/tests/golden/$name
  if [ $update = 1 ]; then
    rm -rf "$gold"; mkdir -p "$gold"; cp "$out"/*.csv "$gold"/
    echo "updated - $name ($(ls "$gold" | wc -l) tables)"; passes=$((passes + 1)); continue
  fi
  for f in "$out"/*.csv; do
    t=$(basename "$f")
    if [ ! -f "$gold/$t" ]; then
      echo "not ok - $name/$t: no golden file (run scripts/golden.sh --update)"; fails=$((fails + 1))
    elif cmp -s "$f" "$gold/$t"; then
      echo "ok - $name/$t"; passes=$((passes + 1))
    else
      echo "not ok - $name/$t differs from tests/golden/$name/$t:"
      diff "$gold/$t" "$f" | head -n 8
      fails=$((fails + 1))
    fi
  done
  for g in "$gold"/*.csv; do
    [ -f "$out/$(basename "$g")" ] || { echo "not ok - $name/$(basename "$g"): table no longer written"; fails=$((fails + 1)); }
  done
done
echo "golden: $passes passed, $fails failed"
[ $fails = 0 ]
