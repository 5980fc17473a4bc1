#!/usr/bin/env bash
# aks-submit.sh [--rerun] JOB SCENARIO TRIALS SHARDS [SEED] [-- DRSIM RUN ARGS...]
# Runs a sharded drsim job on AKS (any Kubernetes >= 1.29) as an Indexed
# Job with the image built from the Containerfile, waits for it, merges
# the parts into /results/JOB/results.db on the RWX volume (pvc.yaml) and
# prints the merge's log.
#   1. the scenario and the merge manifest (drsim-manifest.sh) go into
#      ConfigMap JOB-job; the parts go to /results/JOB/parts;
#   2. aks/shards-job.yaml (Indexed Job, one pod per shard) is applied;
#   3. it waits until the Job is Complete OR Failed (a failed index ends
#      the wait instead of hanging it), at most DRSIM_WAIT_TIMEOUT;
#   4. aks/merge-job.yaml merges; missing shards are named.
# --rerun deletes the finished Jobs and applies them again: complete parts
# are kept (their pods exit at once), stopped ones resume, missing ones run.
# Env: IMAGE (required: e.g. myacr.azurecr.io/drsim:0.2.0), THREADS (4),
#      MEMORY (1Gi), PARALLELISM (SHARDS), PVC (drsim-results),
#      KUBECTL (kubectl), DRSIM_WAIT_TIMEOUT (seconds, 86400),
#      DRSIM_POLL (seconds between status checks, 10).
# Exit: 0 merged, 2 shards missing (rerun with --rerun), 3 timeout or
#       Kubernetes error.
set -euo pipefail
rerun=0
if [ "${1:-}" = "--rerun" ]; then rerun=1; shift; fi
usage="usage: aks-submit.sh [--rerun] JOB SCENARIO TRIALS SHARDS [SEED] [-- ARGS...]"
job=${1:?$usage} scenario=${2:?$usage} trials=${3:?$usage} shards=${4:?$usage}
shift 4
seed=42
if [ $# -gt 0 ] && [ "$1" != "--" ]; then seed=$1; shift; fi
[ "${1:-}" != "--" ] || shift
: "${IMAGE:?set IMAGE to the drsim image built from the Containerfile (az acr build ...)}"
here=$(cd "$(dirname "$0")" && pwd)
kubectl=${KUBECTL:-kubectl}
timeout=${DRSIM_WAIT_TIMEOUT:-86400}
poll=${DRSIM_POLL:-10}
export JOB=$job SHARDS=$shards IMAGE THREADS=${THREADS:-4} MEMORY=${MEMORY:-1Gi}
export PARALLELISM=${PARALLELISM:-$shards} PVC=${PVC:-drsim-results} CONFIGMAP=$job-job
vars='${JOB} ${SHARDS} ${IMAGE} ${THREADS} ${MEMORY} ${PARALLELISM} ${PVC} ${CONFIGMAP}'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=$(basename "$scenario")
"$here/drsim-manifest.sh" --write "$tmp/manifest" --scenario "$name" --trials "$trials" \
  --seed "$seed" --shards "$shards" --out parts -- "$@"
"$kubectl" create configmap "$CONFIGMAP" --from-file=manifest="$tmp/manifest" \
  --from-file="$name=$scenario" --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null

# wait_job NAME: until the Job's Complete or Failed condition is True.
# Prints the condition; returns 3 on timeout.
wait_job() {
  local start=$SECONDS cond
  while :; do
    cond=$("$kubectl" get job "$1" -o jsonpath='{range .status.conditions[*]}{.type}={.status}{" "}{end}')
    case " $cond " in
      *" Complete=True "*) echo Complete; return 0 ;;
      *" Failed=True "*) echo Failed; return 0 ;;
    esac
    if [ $((SECONDS - start)) -ge "$timeout" ]; then
      echo "aks-submit: job $1 still running after ${timeout}s" >&2
      return 3
    fi
    sleep "$poll"
  done
}

if [ "$rerun" = 1 ]; then
  "$kubectl" delete job "$job" "$job-merge" --ignore-not-found >/dev/null
fi
envsubst "$vars" <"$here/aks/shards-job.yaml" | "$kubectl" apply -f - >/dev/null
echo "aks-submit: job $job: $shards shards of $trials trials applied; waiting" >&2
state=$(wait_job "$job") || exit 3
if [ "$state" = Failed ]; then
  failed=$("$kubectl" get job "$job" -o jsonpath='{.status.failedIndexes}')
  echo "aks-submit: job $job failed (indexes ${failed:-?}, 0-based); merging to name the missing shards" >&2
fi
"$kubectl" delete job "$job-merge" --ignore-not-found >/dev/null
envsubst "$vars" <"$here/aks/merge-job.yaml" | "$kubectl" apply -f - >/dev/null
mstate=$(wait_job "$job-merge") || exit 3
"$kubectl" logs "job/$job-merge" >&2 || true
if [ "$mstate" != Complete ]; then
  echo "aks-submit: not merged; run again with --rerun to fill the missing shards" >&2
  exit 2
fi
echo "aks-submit: merged into /results/$job/results.db (report.md beside it) on volume $PVC"
