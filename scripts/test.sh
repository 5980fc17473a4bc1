#!/usr/bin/env bash
# test.sh — set up (scripts/setup.sh), build, and run every test with ctest.
# Then, unless DRSIM_QUICK=1: the same suite under ASan+UBSan in build-asan/,
# valgrind memcheck on the unit tests, the HTML report checked in headless
# Chromium, the scenario-loader fuzzer for DRSIM_FUZZ_SECONDS (default 60)
# seconds and the importer fuzzer for DRSIM_FUZZ_IMPORT_SECONDS (default 20).
# Debian's chromium is installed up front: ctest's e2e_serve_browser drives
# it over the DevTools pipe with Python's standard library (no Node, no npm,
# no browser download).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
DRSIM_EXTRA_PACKAGES="valgrind clang libclang-rt-14-dev libopenmpi-dev openmpi-bin chromium ${DRSIM_EXTRA_PACKAGES:-}" scripts/setup.sh -DDRSIM_WERROR=ON
(cd build && ctest --output-on-failure -j "$(nproc)")

# MPI variant (the default build above has no MPI): only the program, then
# mpirun -np 2 and 3 against one process (e2e_mpi.sh adds --oversubscribe, and
# --allow-run-as-root when CI runs as root).
echo "== MPI build (DRSIM_MPI=ON) and tests/e2e_mpi.sh" >&2
DRSIM_BUILD_DIR="$here/build-mpi" scripts/setup.sh -DDRSIM_MPI=ON -DDRSIM_WERROR=ON -DBUILD_TESTING=OFF
bash tests/e2e_mpi.sh "$here/build-mpi/drsim" "$here"

if [ "${DRSIM_QUICK:-0}" != 1 ]; then
  echo "== ASan + UBSan build" >&2
  DRSIM_BUILD_DIR="$here/build-asan" DRSIM_BUILD_TYPE=Debug scripts/setup.sh -DDRSIM_SANITIZE=ON -DDRSIM_WERROR=ON
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     LSAN_OPTIONS=suppressions="$here/scripts/lsan-graphviz.supp" \
     DRSIM_SLOW_TESTS=0 ctest --output-on-failure -j "$(nproc)")
  echo "== valgrind memcheck on the unit tests" >&2
  scripts/valgrind-tests.sh build
  echo "== the HTML report in headless Chromium (scripts/check-report.sh)" >&2
  tmp=$(mktemp -d)
  build/drsim run scenarios/azure-aks-east-west.yaml --trials 2000 --db "$tmp/r.db" --quiet --format none
  build/drsim report --db "$tmp/r.db" --format html -o "$tmp/report.html"
  scripts/check-report.sh "$tmp/report.html" "$tmp/report.png"
  rm -rf "$tmp"
  echo "== libFuzzer on the scenario loader (${DRSIM_FUZZ_SECONDS:-60} s)" >&2
  scripts/fuzz-scenarios.sh "${DRSIM_FUZZ_SECONDS:-60}"
  echo "== libFuzzer on the importers (${DRSIM_FUZZ_IMPORT_SECONDS:-20} s)" >&2
  scripts/fuzz-import.sh "${DRSIM_FUZZ_IMPORT_SECONDS:-20}"
fi
