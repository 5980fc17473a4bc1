#!/usr/bin/env bash
# e2e_golden.sh DRSIM SOURCE_DIR — the golden results (scripts/golden.sh):
# fixed-seed runs of the reference and teaching scenarios must reproduce
# tests/golden/ exactly. A change that moves a figure on purpose updates the
# files with `scripts/golden.sh --update build/drsim .` in the same commit.
exec bash "$2/scripts/golden.sh" "$1" "$2"
