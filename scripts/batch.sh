#!/usr/bin/env bash
# batch.sh — run every scenario of a folder, for cron jobs and CI pipelines.
#
# usage: scripts/batch.sh [options] DIR OUT
#
# Runs `drsim run` on every DIR/*.yaml and DIR/*.yml (not recursive), up to
# --jobs at a time (default: the number of cores; each run then gets an even
# share of the cores as threads), and writes into OUT (created if needed):
#   NAME.csv     the scenario's summary CSV (the `drsim report` contract:
#                environment,metric,n,mean,p50,p90,p95,p99,max,objective,
#                p_meet,p_meet_lo,p_meet_hi,...)
#   NAME.db      its results database (drsim report / export / compare)
#   NAME.log     what drsim printed on stderr (errors, file:line:col)
#   summary.csv  every scenario's rows in one file, with two columns in front:
#                scenario,exit_status,environment,metric,n,... ; a scenario
#                that did not run (bad input, I/O) has one row with its exit
#                status and the other fields empty. Rows are in file-name
#                order, whatever order the runs finished in.
# NAME is the file name without .yaml/.yml. Results do not depend on --jobs:
# each run is reproducible from its seed for any thread count.
#
# options:
#   -j, --jobs N          scenarios run at once (default: nproc)
#   --fail-on-miss        a scenario with an objective that
#                         is not shown met (misses or inconclusive) exits 1
#   --meet-share X        passed to drsim run (= --set meet.share=X; default 0.95)
#   --trials N, --seed S  passed to drsim run
#   --set PATH=VALUE      passed to drsim run for every scenario (repeatable)
#   --detail D            passed to drsim run (default summary: small databases)
#   DRSIM=path/to/drsim   the binary (default: build/drsim of this checkout,
#                         else drsim on PATH)
#
# Exit status (the worst over the scenarios, in this order):
#   3  an I/O or database failure in some scenario (or OUT is not writable)
#   2  some scenario is bad input (does not load; see NAME.log), or bad usage
#   1  with --fail-on-miss: every scenario ran, some objective was missed
#   0  every scenario ran (and, with --fail-on-miss, met its objectives)
#   130 interrupted (Ctrl-C); finished scenarios are kept
#
# cron example (nightly, mail on a miss):
#   0 2 * * * cd /srv/drsim && scripts/batch.sh --fail-on-miss scenarios /srv/dr/$(date +\%F) \
#             || mail -s "DR objectives missed" dr-team < /srv/dr/$(date +\%F)/summary.csv
# CI example (fail the pipeline when an objective is missed):
#   scripts/batch.sh --fail-on-miss --trials 20000 scenarios out/ ; status=$?
#   [ $status -le 1 ] && upload out/summary.csv ; exit $status
set -u

usage() { sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 1)
run_args=(--detail summary)
fail_on_miss=0
while [ $# -gt 0 ]; do
  case $1 in
    -j|--jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    --jobs=*) jobs=${1#*=}; shift ;;
    --fail-on-miss) fail_on_miss=1; run_args+=(--fail-on-miss); shift ;;
    --meet-share|--trials|--seed|--set|--detail)
      [ $# -ge 2 ] || usage; run_args+=("$1" "$2"); shift 2 ;;
    --meet-share=*|--trials=*|--seed=*|--set=*|--detail=*) run_args+=("$1"); shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "batch.sh: error: unknown option '$1'; see scripts/batch.sh --help" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || { echo "batch.sh: error: expected DIR OUT; see scripts/batch.sh --help" >&2; exit 2; }
dir=$1 out=${2%/}
[ -n "$out" ] || out=/
case $jobs in ''|*[!0-9]*|0) echo "batch.sh: error: --jobs '$jobs' is not a whole number >= 1" >&2; exit 2 ;; esac
[ -d "$dir" ] || { echo "batch.sh: error: $dir is not a directory" >&2; exit 2; }
if [ -z "${DRSIM:-}" ]; then
  if [ -x "$here/build/drsim" ]; then DRSIM=$here/build/drsim; else DRSIM=$(command -v drsim || true); fi
fi
[ -n "$DRSIM" ] && [ -x "$DRSIM" ] || {
  echo "batch.sh: error: no drsim binary; build it (scripts/setup.sh) or set DRSIM=path/to/drsim" >&2; exit 2; }
mkdir -p "$out" 2>/dev/null && [ -w "$out" ] || { echo "batch.sh: error: cannot write to $out" >&2; exit 3; }

shopt -s nullglob
files=("$dir"/*.yaml "$dir"/*.yml)
shopt -u nullglob
[ ${#files[@]} -gt 0 ] || { echo "batch.sh: error: no *.yaml or *.yml scenario in $dir" >&2; exit 2; }
mapfile -t files < <(printf '%s\n' "${files[@]}" | LC_ALL=C sort)
# names must be distinct (a.yaml and a.yml would share OUT/a.csv)
dups=$(for f in "${files[@]}"; do b=${f##*/}; echo "${b%.*}"; done | sort | uniq -d)
[ -z "$dups" ] || { echo "batch.sh: error: two scenarios named '$dups' (.yaml and .yml)" >&2; exit 2; }

n=${#files[@]}
[ "$jobs" -gt "$n" ] && jobs=$n
cores=$(nproc 2>/dev/null || echo 1)
threads=$(( cores / jobs )); [ "$threads" -ge 1 ] || threads=1

# drsim runs are the shell's direct children, so an interrupt reaches them
# (they stop, keep their finished trials and exit 130) and `wait` gives each
# one's exit status.
declare -A running=()   # pid -> scenario name
start_one() {
  local f=$1 name=${1##*/}
  name=${name%.*}
  rm -f "$out/$name.db" "$out/$name.db-wal" "$out/$name.db-shm" "$out/$name.exit"
  "$DRSIM" run "$f" --db "$out/$name.db" --threads "$threads" --format csv --quiet "${run_args[@]}" \
    >"$out/$name.csv" 2>"$out/$name.log" &
  running[$!]=$name
}
reap_one() {
  local pid="" st
  wait -n -p pid
  st=$?
  # a trapped signal interrupts wait without a pid: nothing was reaped
  [ -n "${pid:-}" ] || return 0
  echo "$st" >"$out/${running[$pid]}.exit"
  unset "running[$pid]"
}

interrupted=0
# shellcheck disable=SC2154  # p is the trap's own loop variable
trap 'interrupted=1; for p in "${!running[@]}"; do kill -TERM "$p" 2>/dev/null; done' INT TERM
echo "batch: $n scenarios from $dir, $jobs at a time ($threads threads each), into $out" >&2
for f in "${files[@]}"; do
  [ $interrupted -eq 1 ] && break
  start_one "$f"
  while [ ${#running[@]} -ge "$jobs" ]; do reap_one; done
done
while [ ${#running[@]} -gt 0 ]; do reap_one; done
trap - INT TERM

# Combine, in file-name order, and take the worst exit status.
summary=$out/summary.csv
worst=0 header=""
rank() { case $1 in 3) echo 5 ;; 2) echo 4 ;; 130) echo 3 ;; 1) echo 2 ;; 0) echo 0 ;; *) echo 5 ;; esac; }
tmp=$summary.tmp
: >"$tmp" || exit 3
for f in "${files[@]}"; do
  name=${f##*/}; name=${name%.*}
  st=130
  [ -s "$out/$name.exit" ] && st=$(cat "$out/$name.exit")
  [ "$(rank "$st")" -gt "$(rank "$worst")" ] && worst=$st
  q=$name   # RFC 4180: quoted only when it holds a comma, quote or blank
  case $name in *[,\"\ ]*) q=\"${name//\"/\"\"}\" ;; esac
  if [ -s "$out/$name.csv" ] && [ "$st" -le 1 ]; then
    [ -n "$header" ] || header=$(head -n 1 "$out/$name.csv")
    tail -n +2 "$out/$name.csv" | sed "s|^|$(printf '%s' "$q" | sed 's/[|&\\]/\\&/g'),$st,|" >>"$tmp"
  else
    echo "$q,$st" >>"$tmp"
    if [ -s "$out/$name.exit" ]; then
      # the first error says what is wrong; an interrupted run's last line how to resume
      if [ "$st" = 130 ]; then line=$(tail -n 1 "$out/$name.log" 2>/dev/null); else line=$(head -n 1 "$out/$name.log" 2>/dev/null); fi
      printf 'batch: %s: exit %s (%s)\n' "$name" "$st" "$line" >&2
    else
      printf 'batch: %s: not run (interrupted)\n' "$name" >&2
    fi
  fi
done
[ -n "$header" ] || header="environment,metric,n,mean,p50,p90,p95,p99,max,objective,p_meet,p_meet_lo,p_meet_hi"
# failed scenarios: pad their rows to the header's width
cols=$(( $(printf '%s' "$header" | tr -cd ',' | wc -c) + 3 ))
{ echo "scenario,exit_status,$header"
  awk -v cols="$cols" 'BEGIN { FS = "\n" } {
      line = $0
      # rows of failed scenarios have exactly two fields: scenario and status
      if (line ~ /^("([^"]|"")*"|[^,"]*),[0-9]+$/) { pad = ""; for (i = 2; i < cols; i++) pad = pad ","; line = line pad }
      print line }' "$tmp"; } >"$summary" || exit 3
rm -f "$tmp"
for f in "${files[@]}"; do name=${f##*/}; rm -f "$out/${name%.*}.exit"; done
[ $interrupted -eq 1 ] && worst=130
[ $fail_on_miss -eq 0 ] && [ "$worst" = 1 ] && worst=0
echo "batch: wrote $summary; exit $worst" >&2
exit "$worst"
