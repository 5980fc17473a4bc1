#!/usr/bin/env bash
# drsim-manifest.sh — the merge manifest of a sharded job: what every shard
# runs and where the parts go, written once at submission and read by every
# shard (drsim-shard.sh) and by the merge (drsim-merge.sh), so that a rerun of
# one index runs the same shard of the same job, and the merge knows which
# parts make the whole.
#
#   drsim-manifest.sh --write FILE --scenario PATH --trials T --shards N
#                     --out DIR [--seed S] [-- DRSIM RUN ARGS...]
#       writes FILE (refuses to overwrite one describing another job);
#       PATH and DIR as the shards will see them (a shared file system, a
#       mounted volume). The extra args (--detail, --set, --allow-path...)
#       go to every shard; never --shard, --db, --threads, --resume.
#   . drsim-manifest.sh --read FILE
#       (sourced) sets M_SCENARIO M_TRIALS M_SEED M_SHARDS M_OUT and the
#       array M_ARGS. A relative scenario or out path is taken relative to
#       the manifest's folder (a ConfigMap holding both, say); the
#       environment variable DRSIM_PARTS_DIR, when set, replaces out (a
#       pod that mounts the results volume elsewhere).
#
# Format: one `key=value` per line (scenario, trials, seed, shards, out, and
# `arg=` once per extra argument, in order); `#` starts a comment.
set -euo pipefail

manifest_read() {
  local file=$1 key value
  [ -f "$file" ] || { echo "drsim-manifest: no manifest $file" >&2; return 2; }
  M_SCENARIO="" M_TRIALS="" M_SEED=42 M_SHARDS="" M_OUT=""
  M_ARGS=()
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | '#'*) continue ;; esac
    key=${line%%=*} value=${line#*=}
    case $key in
      scenario) M_SCENARIO=$value ;;
      trials) M_TRIALS=$value ;;
      seed) M_SEED=$value ;;
      shards) M_SHARDS=$value ;;
      out) M_OUT=$value ;;
      arg) M_ARGS+=("$value") ;;
      *) echo "drsim-manifest: $file: unknown key '$key'" >&2; return 2 ;;
    esac
  done <"$file"
  local dir
  dir=$(cd "$(dirname "$file")" && pwd)
  [ -z "${DRSIM_PARTS_DIR:-}" ] || M_OUT=$DRSIM_PARTS_DIR
  case $M_SCENARIO in /* | '') ;; *) M_SCENARIO=$dir/$M_SCENARIO ;; esac
  case $M_OUT in /* | '') ;; *) M_OUT=$dir/$M_OUT ;; esac
  for v in M_SCENARIO M_TRIALS M_SHARDS M_OUT; do
    [ -n "${!v}" ] || { echo "drsim-manifest: $file lacks ${v#M_}" >&2; return 2; }
  done
  case $M_SHARDS$M_TRIALS in *[!0-9]*) echo "drsim-manifest: $file: shards and trials must be numbers" >&2; return 2 ;; esac
  return 0
}

if [ "${1:-}" = "--read" ]; then
  manifest_read "${2:?usage: . drsim-manifest.sh --read FILE}"
  return 0 2>/dev/null || exit 0
fi

[ "${1:-}" = "--write" ] || { sed -n '2,20p' "$0" >&2; exit 2; }
file=${2:?}
shift 2
scenario="" trials="" seed=42 shards="" out=""
while [ $# -gt 0 ]; do
  case $1 in
    --scenario) scenario=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "drsim-manifest: unknown option $1" >&2; exit 2 ;;
  esac
done
for a in "$@"; do
  case $a in --shard | --shard=* | --db | --db=* | --threads | --threads=* | --resume | --resume=*)
    echo "drsim-manifest: $a is set per shard; leave it out" >&2; exit 2 ;;
  esac
done
tmp=$(mktemp "$file.XXXXXX")
{
  echo "# drsim shard manifest: drsim-shard.sh reads it for every shard, drsim-merge.sh to merge"
  echo "scenario=$scenario"
  echo "trials=$trials"
  echo "seed=$seed"
  echo "shards=$shards"
  echo "out=$out"
  for a in "$@"; do echo "arg=$a"; done
} >"$tmp"
if ! (manifest_read "$tmp"); then rm -f "$tmp"; exit 2; fi
if [ -f "$file" ] && ! cmp -s "$tmp" "$file"; then
  rm -f "$tmp"
  echo "drsim-manifest: $file describes another job; remove it or choose another folder" >&2
  exit 2
fi
mv "$tmp" "$file"
