#!/usr/bin/env bash
# slurm-submit.sh JOBDIR SCENARIO TRIALS SHARDS [SEED] [-- DRSIM RUN ARGS...]
# Submits a sharded drsim run to Slurm: writes JOBDIR/manifest (the merge
# manifest, drsim-manifest.sh; parts go to JOBDIR/parts), submits
# drsim-array.sbatch as --array=1-SHARDS and drsim-merge.sbatch with
# --dependency=afterany on it. JOBDIR and SCENARIO must be on a file system
# every node sees. Prints the two job ids.
# Env: DRSIM_CLUSTER_DIR (where these scripts are; default the folder of
# this script), SBATCH (default sbatch).
set -euo pipefail
jobdir=${1:?usage: slurm-submit.sh JOBDIR SCENARIO TRIALS SHARDS [SEED] [-- ARGS...]}
scenario=${2:?} trials=${3:?} shards=${4:?}
shift 4
seed=42
if [ $# -gt 0 ] && [ "$1" != "--" ]; then seed=$1; shift; fi
[ "${1:-}" != "--" ] || shift
here=${DRSIM_CLUSTER_DIR:-$(cd "$(dirname "$0")" && pwd)}
sbatch=${SBATCH:-sbatch}
mkdir -p "$jobdir/logs" "$jobdir/parts"
jobdir=$(cd "$jobdir" && pwd)
case $scenario in /*) ;; *) scenario=$(pwd)/$scenario ;; esac
"$here/drsim-manifest.sh" --write "$jobdir/manifest" --scenario "$scenario" --trials "$trials" \
  --seed "$seed" --shards "$shards" --out "$jobdir/parts" -- "$@"
cd "$jobdir"
export DRSIM_MANIFEST=$jobdir/manifest DRSIM_CLUSTER_DIR=$here
array=$("$sbatch" --parsable --array="1-$shards" --export=ALL "$here/drsim-array.sbatch")
array=${array%%;*}
merge=$("$sbatch" --parsable --dependency="afterany:$array" --export=ALL "$here/drsim-merge.sbatch")
echo "array job $array (shards 1-$shards), merge job ${merge%%;*}; parts in $jobdir/parts"
