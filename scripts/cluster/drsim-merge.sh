#!/usr/bin/env bash
# drsim-merge.sh MANIFEST OUTPUT.db [RERUN-HINT] — merge the parts of the
# job described by MANIFEST (drsim-manifest.sh) into OUTPUT.db.
# Only the manifest's parts are merged (part-1.db .. part-N.db of its out
# folder), never a stray file. When some are missing or incomplete it
# prints their indexes and RERUN-HINT with {} replaced by the comma list
# (e.g. 'sbatch --array={} drsim-array.sbatch'), writes nothing and exits 2;
# drsim merge checks the rest (same run, no overlap, no gaps).
# Env: DRSIM (default: drsim on PATH).
# Exit: 0 merged, 2 parts missing or not fitting, 3 I/O.
set -euo pipefail
manifest=${1:?usage: drsim-merge.sh MANIFEST OUTPUT.db [RERUN-HINT]}
output=${2:?usage: drsim-merge.sh MANIFEST OUTPUT.db [RERUN-HINT]}
hint=${3:-}
drsim=${DRSIM:-drsim}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=drsim-manifest.sh
. "$here/drsim-manifest.sh" --read "$manifest"
parts=() missing=()
for ((k = 1; k <= M_SHARDS; k++)); do
  p=$M_OUT/part-$k.db
  st=""
  [ -f "$p" ] && st=$("$drsim" runs --db "$p" --format csv 2>/dev/null | awk -F, 'NR == 2 {print $3}' || true)
  if [ "$st" = complete ]; then parts+=("$p"); else missing+=("$k"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  list=$(IFS=,; echo "${missing[*]}")
  echo "drsim-merge: ${#missing[@]} of $M_SHARDS shards missing or incomplete: $list" >&2
  [ -z "$hint" ] || echo "drsim-merge: rerun them with: ${hint//\{\}/$list}" >&2
  exit 2
fi
"$drsim" merge "${parts[@]}" -o "$output" --quiet
