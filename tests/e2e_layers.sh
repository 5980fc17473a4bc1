#!/usr/bin/env bash
# e2e_layers.sh DRSIM SOURCE_DIR — the layering of docs/architecture.md
# holds (scripts/check-layers.py): no source includes from a higher layer
# (sim <- models <- reports <- study <- cli, fit and import beside reports)
# and no two modules include each other. Also checks that the checker
# itself catches both faults, on a copy of the tree with one planted.
set -u
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check=$src/scripts/check-layers.py

if out=$(python3 "$check" --counts "$src" 2>&1); then ok "the tree: $out"
else bad "the tree breaks the layering:"; echo "$out" | sed 's/^/# /'; fi

# A copy with models/ including from study/: refused, naming file and line.
for d in sim models fit reports import study cli; do cp -r "$src/$d" "$work/$d"; done
printf '#include "study/run.h"\n' >> "$work/models/units.c"
out=$(python3 "$check" "$work" 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -q 'models/units.c:[0-9]*: models/ may not include study/run.h' <<<"$out"
then ok "an include from a higher layer is refused with its file:line"
else bad "planted upward include not caught (exit $rc): $out"; fi

# A copy with a cycle between two study/ modules.
rm -rf "$work"/*
for d in sim models fit reports import study cli; do cp -r "$src/$d" "$work/$d"; done
printf '#include "study/run.h"\n' >> "$work/study/trials.h"
out=$(python3 "$check" "$work" 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -q 'include cycle between modules: .*study/run.*study/trials' <<<"$out"
then ok "a cycle between modules is refused"
else bad "planted cycle not caught (exit $rc): $out"; fi

echo "# e2e_layers: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
