#!/usr/bin/env bash
# drsim-shard.sh MANIFEST K — run shard K of the job described by MANIFEST
# (written by drsim-manifest.sh), the same on every scheduler (Slurm array
# task, Kubernetes/AKS Indexed Job pod, Azure Batch task, xargs).
#
# - The shard count N comes from the manifest, never from the scheduler, so
#   rerunning one index (`sbatch --array=7`, a retried pod) runs shard 7/N,
#   not the whole job as shard 1/1.
# - Idempotent: a complete part in the output folder is left alone (exit 0);
#   an interrupted one is copied to scratch and continued with --resume.
# - The database is written on node-local scratch (SQLite and network file
#   systems do not mix well) and copied back under a temporary name, then
#   renamed: also when the shard is stopped (SIGTERM/SIGINT from a time
#   limit, scancel, pod eviction), so the finished prefix is kept and the
#   next attempt resumes it instead of starting again.
# Env: DRSIM (default: drsim on PATH), DRSIM_SCRATCH (default $TMPDIR or /tmp),
#      DRSIM_THREADS (default: all cores of the task).
# Exit: drsim's status (0 done, 130 stopped with the prefix saved, 2/3 errors).
set -euo pipefail
manifest=${1:?usage: drsim-shard.sh MANIFEST K}
K=${2:?usage: drsim-shard.sh MANIFEST K}
drsim=${DRSIM:-drsim}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=drsim-manifest.sh
. "$here/drsim-manifest.sh" --read "$manifest"
case $K in '' | *[!0-9]*) echo "drsim-shard: shard '$K' is not a number" >&2; exit 2 ;; esac
if [ "$K" -lt 1 ] || [ "$K" -gt "$M_SHARDS" ]; then
  echo "drsim-shard: shard $K is outside 1..$M_SHARDS (the manifest's shard count)" >&2
  exit 2
fi
mkdir -p "$M_OUT"
part=$M_OUT/part-$K.db
scratch=${DRSIM_SCRATCH:-${TMPDIR:-/tmp}}/drsim-$$-$K
mkdir -p "$scratch"
local_db=$scratch/part-$K.db
trap 'rm -rf "$scratch"' EXIT

status_of() { # DB -> status of its run ("" when none)
  "$drsim" runs --db "$1" --format csv 2>/dev/null | awk -F, 'NR == 2 {print $1 " " $3}' || true
}
cmd=("$drsim" run "$M_SCENARIO" --trials "$M_TRIALS" --seed "$M_SEED" --shard "$K/$M_SHARDS"
     --quiet --format none --db "$local_db" "${M_ARGS[@]}")
if [ -f "$part" ]; then
  read -r id st <<<"$(status_of "$part")" || true
  if [ "${st:-}" = complete ]; then
    echo "drsim-shard: part $K/$M_SHARDS is complete ($part); nothing to do" >&2
    exit 0
  fi
  if [ -n "${id:-}" ]; then
    echo "drsim-shard: part $K/$M_SHARDS was ${st:-stopped}; resuming run $id" >&2
    cp "$part" "$local_db"
    cmd=("$drsim" run --resume "$id" --quiet --format none --db "$local_db")
  fi
fi
[ -z "${DRSIM_THREADS:-}" ] || cmd+=(--threads "$DRSIM_THREADS")

# Run drsim in the background so that a SIGTERM to this shell (Slurm's
# --signal=B:TERM, a pod's termination) reaches it and we still copy back.
"${cmd[@]}" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' TERM INT
rc=0
wait "$pid" || rc=$?
# wait returns early when the trap fires: wait for drsim itself to finish.
while kill -0 "$pid" 2>/dev/null; do wait "$pid" || rc=$?; done
trap - TERM INT
if [ -f "$local_db" ]; then
  cp "$local_db" "$part.tmp.$$"
  mv "$part.tmp.$$" "$part"
fi
exit "$rc"
