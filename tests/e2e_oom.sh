#!/usr/bin/env bash
# e2e_oom.sh DRSIM SOURCE_DIR — out-of-memory robustness (issue 13, item 9).
# With the allocation-failure injector (tests/alloc_fail/alloc_fail.c,
# LD_PRELOAD) each command below is first run unharmed to count its
# malloc/calloc/realloc calls after main() starts, then once for every k up
# to that count with the k-th call failing. Every one of those runs must
#   - exit 3 with "out of memory" on stderr, or exit 0 (a failure the
#     program could absorb, e.g. stdio's buffer) with the same output or
#     stored trials as the unharmed run; never exit 2 (the input is good),
#     never die of a signal, never hang;
#   - leave a database that passes PRAGMA integrity_check, when one exists.
# Commands: validate of the reference scenario, small --no-store runs in
# disaster and lifetime mode (one and two threads), and a small stored run.
# The stored run makes ~24 000 allocations (most of them SQLite creating the
# schema) and takes ~20 ms a try, so it tries every DRSIM_OOM_STRIDE-th k
# (default: the stride that makes about 600 tries; its database lives in
# /dev/shm when there is one, as fsync dominates otherwise);
# DRSIM_OOM_STRIDE=1 tries every k (about 8 minutes on one core). Skips (exit 77) under ASan, which owns
# malloc, or where the injector was not built.
set -u
drsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
shim=$(dirname "$drsim")/tests/libdrsim_alloc_fail.so
if [ ! -f "$shim" ]; then
  echo "# SKIP e2e_oom: $shim not built"
  exit 77
fi
if ldd "$drsim" 2>/dev/null | grep -q 'libasan\|libtsan'; then
  echo "# SKIP e2e_oom: $drsim is built with a sanitizer, which interposes malloc itself"
  exit 77
fi
work=$(mktemp -d)
shm=$work
[ -d /dev/shm ] && [ -w /dev/shm ] && shm=$(mktemp -d -p /dev/shm)
trap 'rm -rf "$work" "$shm"' EXIT
cd "$work" || exit 1
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }

# trials_of DB: the stored trials, one line each (for comparing runs).
trials_of() { sqlite3 "$1" 'select environment, trial, rto_s, rpo_s, recovered from trials order by 1, 2' 2>&1; }

# sweep NAME STRIDE DB ARGS...: the loop described above. DB is the
# database the command writes ("" for none); it is removed before each try.
sweep() {
  local name=$1 stride=$2 db=$3
  shift 3
  [ -n "$db" ] && rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
  if ! LD_PRELOAD=$shim DRSIM_FAIL_ALLOC_COUNT=$work/count "$drsim" "$@" >"$work/ref.out" 2>"$work/ref.err"; then
    bad "$name: the unharmed run fails"; cat "$work/ref.err"; return
  fi
  local total
  total=$(<"$work/count")
  if [ "${total:-0}" -lt 10 ]; then
    bad "$name: the injector counted only '${total:-}' allocations (not interposed?)"; return
  fi
  local ref_trials=""
  [ -n "$db" ] && ref_trials=$(trials_of "$db")
  local k rc err tries=0 exit3=0 absorbed=0 problems=0 t0=$SECONDS
  for ((k = 1; k <= total; k += stride)); do
    [ -n "$db" ] && rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
    LD_PRELOAD=$shim DRSIM_FAIL_ALLOC_AT=$k "$drsim" "$@" >"$work/out" 2>"$work/err"
    rc=$?
    tries=$((tries + 1))
    err=""
    IFS= read -r -d '' err <"$work/err"
    local why=""
    if [ $rc = 3 ]; then
      exit3=$((exit3 + 1))
      [[ $err == *"out of memory"* || $err == *"Cannot allocate memory"* ]] || why="exit 3 without 'out of memory' on stderr"
    elif [ $rc = 0 ]; then
      absorbed=$((absorbed + 1))
      if [ -n "$db" ]; then
        [ "$(trials_of "$db")" = "$ref_trials" ] || why="exit 0 but the stored trials differ"
      elif ! cmp -s "$work/out" "$work/ref.out"; then
        why="exit 0 but the output differs"
      fi
    elif [ $rc -gt 128 ]; then
      why="killed by signal $((rc - 128))"
    else
      why="exit $rc"
    fi
    if [ -z "$why" ] && [ -n "$db" ] && [ -f "$db" ]; then
      local ic
      ic=$(sqlite3 "$db" 'pragma integrity_check' 2>&1)
      [ "$ic" = ok ] || why="database fails integrity_check: $ic"
    fi
    if [ -n "$why" ]; then
      problems=$((problems + 1))
      if [ $problems -le 10 ]; then
        echo "# $name: allocation $k failing: $why"
        printf '%s' "$err" | head -3 | sed 's/^/#   /'
      fi
    fi
  done
  if [ $problems = 0 ]; then
    ok "$name: $tries tries of $total allocations (every ${stride}th), $exit3 exit 3 'out of memory', $absorbed absorbed; $((SECONDS - t0)) s"
  else
    bad "$name: $problems of $tries tries misbehaved (of $total allocations)"
  fi
}

ref=$src/scenarios/azure-aks-east-west.yaml
sweep "validate reference" 1 "" validate "$ref"
sweep "run --no-store, disaster mode" 1 "" \
  run "$src/scenarios/retries-and-gate.yaml" --trials 3 --threads 1 --no-store --quiet
sweep "run --no-store, lifetime mode" 1 "" \
  run "$src/scenarios/lifetime-availability.yaml" --trials 3 --threads 1 --no-store --quiet
sweep "run --no-store, two threads" 1 "" \
  run "$src/scenarios/async-database.yaml" --trials 4 --threads 2 --no-store --quiet
stored=(run "$src/scenarios/backup-only.yaml" --trials 3 --threads 1 --db "$shm/r.db" --quiet --format csv)
rm -f "$shm/r.db"
LD_PRELOAD=$shim DRSIM_FAIL_ALLOC_COUNT=$work/count "$drsim" "${stored[@]}" >/dev/null 2>&1
stride=${DRSIM_OOM_STRIDE:-$(( ($(<"$work/count") + 599) / 600 ))}
sweep "stored run" "$stride" "$shm/r.db" "${stored[@]}"

echo "# e2e_oom: $passes passed, $fails failed"
[ $fails = 0 ]
