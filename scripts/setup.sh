#!/usr/bin/env bash
# setup.sh — install what drsim needs on a Debian machine (only the missing
# packages; `apt-get update` first; sudo only when not root), then configure
# and build into build/ (or $DRSIM_BUILD_DIR).
# Usage: scripts/setup.sh [extra cmake args...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${DRSIM_BUILD_DIR:-$here/build}

packages=(build-essential cmake pkg-config libgsl-dev libyaml-dev libsqlite3-dev nettle-dev
          libcmocka-dev sqlite3 python3 python3-yaml libjansson-dev libgraphviz-dev graphviz
          libmicrohttpd-dev tzdata gettext-base ${DRSIM_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=${DRSIM_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
