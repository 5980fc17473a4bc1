#!/usr/bin/env bash
# e2e_docs.sh DRSIM SOURCE_DIR — docs that run (issue 13, item 11): every
# `$ ` example in README.md, scenarios/README.md and docs/*.md is executed
# by scripts/doc-examples.sh (slow ones with fewer trials) and must succeed,
# or fail where the docs show it failing. A renamed step, flag or command
# in an example fails here instead of reaching a user.
exec bash "$2/scripts/doc-examples.sh" "$1" "$2"
