#!/usr/bin/env bash
# valgrind-tests.sh BUILD_DIR — run each cmocka unit test under valgrind
# memcheck; any error or definite leak fails the script.
set -euo pipefail
build=${1:-build}
status=0
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  if ! DRSIM_SLOW_TESTS=0 DRSIM_UNDER_VALGRIND=1 valgrind -q --error-exitcode=99 --leak-check=full \
        --suppressions="$(dirname "$0")/graphviz.supp" \
        --errors-for-leak-kinds=definite "$t" >"$t.valgrind.log" 2>&1; then
    echo "valgrind: $t failed (see $t.valgrind.log)" >&2
    tail -n 30 "$t.valgrind.log" >&2
    status=1
  else
    echo "valgrind: $(basename "$t") clean"
  fi
done
exit $status
