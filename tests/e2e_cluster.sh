#!/usr/bin/env bash
# e2e_cluster.sh DRSIM SOURCE_DIR — the job-array recipes of docs/cluster.md
# (scripts/cluster/) run end to end against stand-ins for the schedulers:
# a fake `sbatch` that runs each array task with Slurm's variables on its own
# node-local $TMPDIR (deleted afterwards, as a node's scratch is) and can
# deliver the time limit's SIGTERM (--signal=B:TERM) to one task; and a fake
# `kubectl` that runs an Indexed Job's pods from the YAML the recipe applies
# (volumes mapped to local folders, JOB_COMPLETION_INDEX set, per-index
# retries, an index that always fails) and reports the Job's conditions.
# Checks: a stopped shard keeps its finished prefix (copied back from
# scratch) and the merge names it with the rerun command; rerunning one
# index (--array=2, so SLURM_ARRAY_TASK_COUNT=1) resumes shard 2/4 instead
# of running the whole job; rerunning a complete index does nothing; the
# merged run equals a single-machine run (summary CSV byte for byte); the
# AKS recipe returns (does not hang) when an index fails, names the missing
# shard, and `--rerun` completes the job with the same result.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check() { # NAME CMD...: passes when CMD succeeds
  local name=$1; shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null || { echo "skip: python3 with yaml needed"; exit 77; }
command -v envsubst >/dev/null || { echo "skip: envsubst (gettext-base) needed"; exit 77; }
# Under a sanitizer build (several times slower) 60 000 trials: enough for
# the time limit's SIGTERM to find shard 2 running, and the merge job's
# report stays within the stand-ins' waits.
T=400000
if ldd "$drsim" 2>/dev/null | grep -q 'libasan\|libtsan\|libubsan'; then
  T=60000
fi

cluster=$src/scripts/cluster
scenario=$src/scenarios/azure-aks-east-west.yaml
bin=$work/bin
mkdir -p "$bin"
ln -s "$(cd "$(dirname "$drsim")" && pwd)/$(basename "$drsim")" "$bin/drsim"
export PATH=$bin:$PATH DRSIM_CLUSTER_DIR=$cluster

# ---- the reference: one machine ------------------------------------------
"$drsim" run "$scenario" --trials $T --seed 7 --detail summary --threads 2 --quiet \
  --format none --db "$work/ref.db" 2>/dev/null
"$drsim" report --db "$work/ref.db" --format csv >"$work/ref.csv"

# ---- fake sbatch -----------------------------------------------------------
cat >"$bin/sbatch" <<'SB'
#!/usr/bin/env bash
# Stand-in for sbatch: runs the job now, each array task in turn, with
# Slurm's variables and a private node-local TMPDIR removed afterwards.
# FAKE_SLURM_TERM=K: task K gets SIGTERM (the time limit's --signal=B:TERM)
# once its database on the node's scratch holds some finished trials.
set -u
parsable=0 array="" script=""
while [ $# -gt 0 ]; do
  case $1 in
    --parsable) parsable=1 ;;
    --array=*) array=${1#--array=} ;;
    --dependency=* | --export=*) ;;
    -*) ;;
    *) script=$1; shift; break ;;
  esac
  shift
done
n=$(cat "$FAKE_SLURM/next" 2>/dev/null || echo 100)
echo $((n + 1)) >"$FAKE_SLURM/next"
tasks=()
if [ -n "$array" ]; then
  IFS=, read -ra parts <<<"$array"
  for p in "${parts[@]}"; do
    if [[ $p == *-* ]]; then for ((i = ${p%-*}; i <= ${p#*-}; i++)); do tasks+=("$i"); done
    else tasks+=("$p"); fi
  done
fi
run_task() { # [TASK]
  local node=$FAKE_SLURM/node-$n-${1:-0} rc=0
  mkdir -p "$node"
  (
    export SLURM_JOB_ID=$n SLURM_SUBMIT_DIR=$PWD SLURM_CPUS_PER_TASK=1 TMPDIR=$node
    if [ -n "${1:-}" ]; then
      export SLURM_ARRAY_JOB_ID=$n SLURM_ARRAY_TASK_ID=$1 SLURM_ARRAY_TASK_COUNT=${#tasks[@]}
    fi
    bash "$script" >"$FAKE_SLURM/log-$n-${1:-0}" 2>&1 &
    pid=$!
    # Only an array task named by FAKE_SLURM_TERM (an unset one never
    # matches a job without array index: the merge job is not stopped).
    if [ -n "${FAKE_SLURM_TERM:-}" ] && [ "$FAKE_SLURM_TERM" = "${1:-}" ]; then
      python3 - "$node" <<'PY'
import glob, sqlite3, sys, time
for _ in range(6000):
    for db in glob.glob(sys.argv[1] + "/*/part-*.db"):
        try:
            if sqlite3.connect(db).execute("select max(trials_done) from runs").fetchone()[0]:
                sys.exit(0)
        except sqlite3.Error:
            pass
    time.sleep(0.01)
PY
      kill -TERM "$pid" 2>/dev/null
    fi
    wait "$pid"
  ) || rc=$?
  echo "$rc" >"$FAKE_SLURM/rc-$n-${1:-0}"
  rm -rf "$node"   # node-local scratch does not survive the job
}
if [ ${#tasks[@]} -gt 0 ]; then for t in "${tasks[@]}"; do run_task "$t"; done; else run_task; fi
if [ $parsable = 1 ]; then echo "$n"; else echo "Submitted batch job $n"; fi
SB
chmod +x "$bin/sbatch"
export FAKE_SLURM=$work/slurm
mkdir -p "$FAKE_SLURM"

# ---- Slurm: submit 4 shards; the time limit stops shard 2 -----------------
job=$work/job
FAKE_SLURM_TERM=2 "$cluster/slurm-submit.sh" "$job" "$scenario" $T 4 7 -- --detail summary \
  >"$work/submit.out" 2>&1
check "slurm-submit prints the array and merge jobs" grep -q "array job 100 (shards 1-4), merge job 101" "$work/submit.out"
check "shards 1, 3, 4 complete" test "$(cat "$FAKE_SLURM"/rc-100-1 "$FAKE_SLURM"/rc-100-3 "$FAKE_SLURM"/rc-100-4 | tr -d '\n')" = 000
check "the stopped shard exits 130" test "$(cat "$FAKE_SLURM/rc-100-2")" = 130
st2=$("$drsim" runs --db "$job/parts/part-2.db" --format csv 2>/dev/null | awk -F, 'NR == 2 {print $3 " " $8}')
check "the stopped shard's prefix was copied back from node-local scratch ($st2)" \
  bash -c "[[ '$st2' == interrupted\ * ]] && [ '${st2#* }' -gt 0 ]"
check "the merge job (afterany) ran, failed and wrote nothing" \
  bash -c "[ \"\$(cat '$FAKE_SLURM/rc-101-0')\" = 2 ] && [ ! -e '$job/results.db' ]"
check "the merge names shard 2 and how to rerun it" \
  grep -q "1 of 4 shards missing or incomplete: 2" "$FAKE_SLURM/log-101-0"
check "the rerun hint is an --array=2 sbatch" grep -q "sbatch --array=2 " "$FAKE_SLURM/log-101-0"

# ---- rerun index 2 alone: SLURM_ARRAY_TASK_COUNT is 1 ----------------------
before1=$(stat -c %Y.%s "$job/parts/part-1.db")
(cd "$job" && DRSIM_MANIFEST=$job/manifest sbatch --array=2 "$cluster/drsim-array.sbatch" >/dev/null)
check "index 2 alone resumes shard 2/4 (not the whole job as 1/1)" \
  bash -c "grep -q 'part 2/4 was interrupted; resuming run' '$FAKE_SLURM/log-102-2' && [ \"\$(cat '$FAKE_SLURM/rc-102-2')\" = 0 ]"
shard=$("$drsim" runs --db "$job/parts/part-2.db" --format csv 2>/dev/null | awk -F, 'NR == 2 {print $3 " " $16}')
check "part 2 is now complete and still shard 2/4 ($shard)" test "$shard" = "complete 2/4"
(cd "$job" && DRSIM_MANIFEST=$job/manifest sbatch --array=1 "$cluster/drsim-array.sbatch" >/dev/null)
check "rerunning a complete index does nothing" \
  bash -c "grep -q 'part 1/4 is complete' '$FAKE_SLURM/log-103-1' && [ '$before1' = \"\$(stat -c %Y.%s '$job/parts/part-1.db')\" ]"
(cd "$job" && DRSIM_MANIFEST=$job/manifest sbatch "$cluster/drsim-merge.sbatch" >/dev/null)
check "the merge job succeeds" test "$(cat "$FAKE_SLURM/rc-104-0")" = 0
"$drsim" report --db "$job/results.db" --format csv >"$work/slurm.csv" 2>/dev/null
check "the merged Slurm job equals one run (summary CSV)" cmp -s "$work/ref.csv" "$work/slurm.csv"
check "report.md is written beside it" test -s "$job/report.md"

# ---- manifest guards ---------------------------------------------------------
check "a shard outside the manifest's count is refused" \
  bash -c "! '$cluster/drsim-shard.sh' '$job/manifest' 5 2>'$work/err' && grep -q 'outside 1..4' '$work/err'"
check "a manifest for another job is not overwritten" \
  bash -c "! '$cluster/drsim-manifest.sh' --write '$job/manifest' --scenario x --trials 5 --shards 2 --out y 2>'$work/err' && grep -q 'another job' '$work/err'"
check "--shard in the shards' arguments is refused" \
  bash -c "! '$cluster/drsim-manifest.sh' --write '$work/m2' --scenario x --trials 5 --shards 2 --out y -- --shard 1/2 2>/dev/null"

# ---- fake kubectl ------------------------------------------------------------
cat >"$bin/kubectl" <<'KC'
#!/usr/bin/env python3
"""Stand-in for kubectl: ConfigMaps as folders, PVCs as folders, an Indexed
Job's pods run in a background process from the applied YAML (mount paths
and the image's /usr/share/drsim/cluster mapped to local folders), status
conditions and logs as files. FAKE_K8S_FAIL_INDEX=i: index i always fails."""
import json, os, re, shutil, subprocess, sys, tempfile, time, yaml
root = os.environ["FAKE_K8S"]
args = sys.argv[1:]

def jobdir(name):
    return os.path.join(root, "jobs", name)

def run_job(name):
    spec = yaml.safe_load(open(os.path.join(jobdir(name), "job.yaml")))["spec"]
    pod = spec["template"]["spec"]
    c = pod["containers"][0]
    indexed = spec.get("completionMode") == "Indexed"
    completions = spec.get("completions", 1)
    retries = spec.get("backoffLimitPerIndex", spec.get("backoffLimit", 0))
    fail_index = os.environ.get("FAKE_K8S_FAIL_INDEX")
    failed, log = [], open(os.path.join(jobdir(name), "log"), "w")
    for i in range(completions):
        vols = {v["name"]: v for v in pod["volumes"]}
        mounts, tmp = [], []
        for m in c.get("volumeMounts", []):
            v = vols[m["name"]]
            if "configMap" in v:
                d = os.path.join(root, "cm", v["configMap"]["name"])
            elif "persistentVolumeClaim" in v:
                d = os.path.join(root, "pvc", v["persistentVolumeClaim"]["claimName"])
            else:
                d = tempfile.mkdtemp(dir=root)
                tmp.append(d)
            os.makedirs(d, exist_ok=True)
            mounts.append((m["mountPath"], d))
        mounts.append(("/usr/share/drsim/cluster", os.environ["DRSIM_CLUSTER_DIR"]))
        mounts.sort(key=lambda x: -len(x[0]))
        def mapped(s):
            for path, d in mounts:
                s = re.sub(re.escape(path) + r"(?=/|\s|$|')", d, s)
            return s
        env = dict(os.environ)
        for e in c.get("env", []):
            env[e["name"]] = mapped(str(e["value"]))
        if indexed:
            env["JOB_COMPLETION_INDEX"] = str(i)
        cmd = [mapped(x) for x in c["command"] + c.get("args", [])]
        for attempt in range(retries + 1):
            if fail_index == str(i):
                log.write("index %d: image pull failed (stand-in)\n" % i)
                rc = 1
            else:
                log.flush()
                rc = subprocess.call(cmd, env=env, stdout=log, stderr=log)
            if rc == 0:
                break
        if rc != 0:
            failed.append(i)
        for d in tmp:
            shutil.rmtree(d, ignore_errors=True)
    cond = "Failed" if failed else "Complete"
    json.dump({"conditions": [{"type": cond, "status": "True"}],
               "failedIndexes": ",".join(map(str, failed))},
              open(os.path.join(jobdir(name), "status.json"), "w"))

if args[:2] == ["create", "configmap"]:
    data = {}
    for a in args[3:]:
        if a.startswith("--from-file="):
            k, p = a[len("--from-file="):].split("=", 1)
            data[k] = open(p).read()
    yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": args[2]}, "data": data}, sys.stdout)
elif args[:1] == ["apply"]:
    doc = yaml.safe_load(sys.stdin if args[2] == "-" else open(args[2]))
    name = doc["metadata"]["name"]
    if doc["kind"] == "ConfigMap":
        d = os.path.join(root, "cm", name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for k, v in doc["data"].items():
            open(os.path.join(d, k), "w").write(v)
    elif doc["kind"] == "Job":
        if os.path.exists(jobdir(name)):
            sys.exit("Error: job %s exists and is immutable" % name)
        os.makedirs(jobdir(name))
        yaml.safe_dump(doc, open(os.path.join(jobdir(name), "job.yaml"), "w"))
        if os.fork() == 0:
            os.setsid()
            run_job(name)
            os._exit(0)
    print("%s/%s created" % (doc["kind"].lower(), name))
elif args[:2] == ["get", "job"]:
    name, path = args[2], args[-1]
    if not os.path.exists(jobdir(name)):
        sys.exit('Error from server (NotFound): jobs.batch "%s" not found' % name)
    st = os.path.join(jobdir(name), "status.json")
    s = json.load(open(st)) if os.path.exists(st) else {"conditions": []}
    if "conditions" in path:
        sys.stdout.write("".join("%s=%s " % (c["type"], c["status"]) for c in s["conditions"]))
    elif "failedIndexes" in path:
        sys.stdout.write(s.get("failedIndexes", ""))
elif args[:2] == ["delete", "job"]:
    for name in args[2:]:
        if not name.startswith("-"):
            shutil.rmtree(jobdir(name), ignore_errors=True)
elif args[:1] == ["logs"]:
    name = args[1].split("/", 1)[1]
    sys.stdout.write(open(os.path.join(jobdir(name), "log")).read())
else:
    sys.exit("fake kubectl: unsupported: %s" % " ".join(args))
KC
chmod +x "$bin/kubectl"
export FAKE_K8S=$work/k8s
mkdir -p "$FAKE_K8S"

# ---- AKS Indexed Job: index 1 (shard 2) fails; the wait returns ------------
export IMAGE=example.azurecr.io/drsim:test THREADS=1 DRSIM_POLL=0.2 DRSIM_WAIT_TIMEOUT=300
rc=0
FAKE_K8S_FAIL_INDEX=1 timeout 600 "$cluster/aks-submit.sh" aksjob "$scenario" $T 3 7 -- --detail summary \
  >"$work/aks.out" 2>"$work/aks.err" || rc=$?
check "aks-submit returns 2 when an index fails (no hang, no 30 s timeout)" test "$rc" = 2
check "it names the failed index" grep -q "job aksjob failed (indexes 1" "$work/aks.err"
check "the merge pod names shard 2 as missing" grep -q "1 of 3 shards missing or incomplete: 2" "$work/aks.err"
check "no merged database" test ! -e "$FAKE_K8S/pvc/drsim-results/aksjob/results.db"
rc=0
timeout 600 "$cluster/aks-submit.sh" --rerun aksjob "$scenario" $T 3 7 -- --detail summary \
  >"$work/aks.out" 2>"$work/aks.err" || rc=$?
check "aks-submit --rerun completes the job" test "$rc" = 0
check "the rerun left complete parts alone" grep -q "part 1/3 is complete" "$FAKE_K8S/jobs/aksjob/log"
"$drsim" report --db "$FAKE_K8S/pvc/drsim-results/aksjob/results.db" --format csv >"$work/aks.csv" 2>/dev/null
check "the merged AKS job equals one run (summary CSV)" cmp -s "$work/ref.csv" "$work/aks.csv"
check "report.md on the volume" test -s "$FAKE_K8S/pvc/drsim-results/aksjob/report.md"
check "the recipe's YAML used the image" \
  grep -q "image: example.azurecr.io/drsim:test" "$FAKE_K8S/jobs/aksjob/job.yaml"

echo "# $passes passed, $fails failed"
[ "$fails" = 0 ]
