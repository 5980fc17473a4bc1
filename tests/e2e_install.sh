#!/usr/bin/env bash
# e2e_install.sh DRSIM SOURCE_DIR — `cmake --install` into a temporary
# prefix: bin/drsim runs and reports the build's version, the manual page
# drsim(1) renders, the bash completion completes commands, flags and a
# scenario's --set paths, the scenarios under share/drsim/ validate with the
# installed program; `cpack -G DEB` makes a package holding the same files
# (when dpkg-deb is present).
set -u
drsim=$1
src=$2
build=$(cd "$(dirname "$drsim")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

p=$work/prefix
if cmake --install "$build" --prefix "$p" >"$work/install.log" 2>&1; then ok "cmake --install"; else bad "cmake --install"; cat "$work/install.log"; fi
for f in bin/drsim share/man/man1/drsim.1 share/bash-completion/completions/drsim \
         share/drsim/scenarios/azure-aks-east-west.yaml share/drsim/scenarios/README.md \
         share/doc/drsim/README.md share/drsim/cluster/drsim-shard.sh \
         share/drsim/cluster/aks/shards-job.yaml; do
  check "installs $f" test -s "$p/$f"
done
check "the cluster scripts are executable" test -x "$p/share/drsim/cluster/drsim-shard.sh"
check "bin/drsim is executable" test -x "$p/bin/drsim"
check "scenarios/invalid is not installed" test ! -e "$p/share/drsim/scenarios/invalid"
check "installed --version = built --version" test "$("$p/bin/drsim" --version)" = "$("$drsim" --version)"
n=0
for sc in "$p"/share/drsim/scenarios/*.yaml; do
  "$p/bin/drsim" validate --quiet "$sc" >/dev/null 2>&1 || { bad "installed scenario $(basename "$sc") validates"; continue; }
  n=$((n + 1))
done
check "every installed scenario validates ($n)" test "$n" -ge 6

# The manual page: renders without warnings and covers every command.
if command -v man >/dev/null 2>&1; then
  MANWIDTH=80 man --warnings -l "$p/share/man/man1/drsim.1" >"$work/man.txt" 2>"$work/man.err"
  check "man page renders" test -s "$work/man.txt"
  check "man page renders without warnings" test ! -s "$work/man.err"
else
  echo "# man not installed: checking the roff source only"
  cp "$p/share/man/man1/drsim.1" "$work/man.txt"
fi
# A new command needs its entry in docs/drsim.1 (section COMMANDS).
for cmd in $("$drsim" complete commands); do
  check "man page documents '$cmd' (docs/drsim.1)" grep -Eq "^ *$cmd([ ,]|\$)" "$work/man.txt"
done
check "man page lists exit status 130" grep -q "130" "$work/man.txt"

# Bash completion, driven as bash would: COMP_WORDS / COMP_CWORD -> COMPREPLY.
complete_words() { # WORD... (the last is the one being completed)
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _drsim; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$p/share/bash-completion/completions/drsim" "$p/bin/drsim" "${@}"
}
check "completes commands" test "$(complete_words ru | tr '\n' ' ')" = "run runs "
check "completes help COMMAND" test "$(complete_words help sen | tr '\n' ' ')" = "sensitivity "
check "completes a command's flags" test "$(complete_words run --fail | tr '\n' ' ')" = "--fail-on-miss "
ref=$p/share/drsim/scenarios/azure-aks-east-west.yaml
check "completes --set paths of the scenario" \
  test "$(complete_words run "$ref" --set standby.aks-prod-dr.warm | tr '\n' ' ')" = "standby.aks-prod-dr.warm_nodes= "
check "completes --vary paths of the scenario" \
  sh -c "test \"\$(echo \"$(complete_words sweep "$ref" --vary workflows.production.steps.approve-f)\" | head -1)\" = workflows.production.steps.approve-failover"
check "--set paths: list items by name" sh -c "'$p/bin/drsim' complete set-paths '$ref' | grep -qx 'objectives.production.rto'"
check "completes --format values" test "$(complete_words run --format j | tr '\n' ' ')" = "json "
(cd "$p/share/drsim/scenarios" && complete_words run back) >"$work/files"
check "completes scenario files" grep -qx "backup-only.yaml" "$work/files"

# The Debian package.
if grep -q '^DRSIM_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "# a sanitizer build: no package made of it"
elif command -v dpkg-deb >/dev/null 2>&1 && command -v dpkg-shlibdeps >/dev/null 2>&1; then
  (cd "$work" && cpack --config "$build/CPackConfig.cmake" -G DEB >"$work/cpack.log" 2>&1)
  deb=$(ls "$work"/drsim_*.deb 2>/dev/null | head -1)
  if [ -n "$deb" ]; then ok "cpack -G DEB"; else bad "cpack -G DEB"; cat "$work/cpack.log"; fi
  if [ -n "$deb" ]; then
    dpkg-deb -c "$deb" >"$work/deb.txt"
    for f in usr/bin/drsim usr/share/man/man1/drsim.1 usr/share/bash-completion/completions/drsim \
             usr/share/drsim/scenarios/azure-aks-east-west.yaml \
             usr/share/drsim/cluster/drsim-shard.sh; do
      check "package holds /$f" grep -q "\./$f\$" "$work/deb.txt"
    done
    check "package depends on its libraries" sh -c "dpkg-deb -f '$deb' Depends | grep -q libsqlite3"
  fi
else
  echo "# dpkg-deb or dpkg-shlibdeps missing: package not built"
fi

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
