#!/usr/bin/env bash
# doc-examples.sh DRSIM SOURCE_DIR — run every shell example of the docs.
#
# Extracts every `$ ` command inside a fenced block of README.md,
# scenarios/README.md and docs/*.md (a line ending in `\` continues on the
# next), and runs it with bash in a scratch folder where `build/drsim` is
# DRSIM and `scenarios/`, `scripts/`, `tests/` are the source tree's, so the
# examples run exactly as written. The lines after a command, up to the next
# command or the end of the block, are its output as shown: when they hold
# ": error:" or "exit N" (N > 0) the command is expected to fail (exit N, or
# any nonzero status), otherwise to succeed. The shown output itself is not
# compared (figures move with every model change; scripts/update-docs.sh
# regenerates them).
#
# Slow examples run with fewer trials: `drsim run|sweep|size|sensitivity|optimize` and
# `scripts/batch.sh` get `--trials DRSIM_DOC_TRIALS` (default 2000) unless
# the example gives --trials itself. Prints one TAP-like line per example;
# exits 0 when every example behaved as shown, 1 otherwise.
set -u
drsim=$(cd "$(dirname "${1:?usage: doc-examples.sh DRSIM SOURCE_DIR}")" && pwd)/$(basename "$1")
src=$(cd "${2:?usage: doc-examples.sh DRSIM SOURCE_DIR}" && pwd)
trials=${DRSIM_DOC_TRIALS:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/run/build"
ln -s "$drsim" "$work/run/build/drsim"
# scenarios/ and docs/ are copies: an example that writes there (the README
# draws docs/diagram.png) must not change the source tree under a running
# test suite. scripts/ and tests/ are only read.
for d in scripts tests; do ln -s "$src/$d" "$work/run/$d"; done
for d in scenarios docs; do cp -R "$src/$d" "$work/run/$d"; done

# One example per record: "FILE:LINE<TAB>EXPECT<TAB>COMMAND", NUL-terminated.
# EXPECT is 0, a status N, or "fail" (any nonzero).
python3 - "$src" "$trials" > "$work/examples" <<'PY'
import glob, os, re, sys
src, trials = sys.argv[1], sys.argv[2]
files = ["README.md", "scenarios/README.md"] + sorted(
    os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "docs", "*.md")))
slow = re.compile(r"^(build/drsim (run|sweep|size|sensitivity|optimize)|scripts/batch\.sh)\b")
out = sys.stdout
for name in files:
    lines = open(os.path.join(src, name), encoding="utf-8").read().split("\n")
    in_block, i, current, width = False, 0, None, 0
    examples = []   # [file:line, command, output lines shown after it]
    while i < len(lines):
        line = lines[i]
        # a fence of n backticks opens a block that only a fence of at
        # least n closes (````-blocks may show Markdown with ``` in it)
        m = re.match(r"\s*(`{3,})", line)
        if (not in_block and m) or (in_block and re.fullmatch(r"\s*`{%d,}\s*" % width, line)):
            in_block, current = not in_block, None
            width = len(m.group(1)) if in_block else 0
        elif in_block and line.startswith("$ "):
            where = f"{name}:{i + 1}"
            cmd = line[2:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd[:-1] + " " + lines[i].strip()
            current = [where, cmd, []]
            examples.append(current)
        elif in_block and current is not None:
            current[2].append(line)
        i += 1
    for where, cmd, shown in examples:
        text = "\n".join(shown)
        m = re.search(r"\bexit (\d+)\b", text)
        expect = "0"
        if m and m.group(1) != "0":
            expect = m.group(1)
        elif ": error:" in text:
            expect = "fail"
        m = slow.match(cmd)
        if m and "--trials" not in cmd:
            cmd = cmd[:m.end()] + f" --trials {trials}" + cmd[m.end():]
        out.write(f"{where}\t{expect}\t{cmd}\0")
PY

fails=0 passes=0 t0=$SECONDS
while IFS=$'\t' read -r -d '' where expect cmd; do
  (cd "$work/run" && timeout 120 bash -c "$cmd") >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  case $expect in
    0) [ $rc = 0 ] && good=1 || good=0 ;;
    fail) [ $rc != 0 ] && [ $rc -lt 124 ] && good=1 || good=0 ;;
    *) [ $rc = "$expect" ] && good=1 || good=0 ;;
  esac
  if [ $good = 1 ]; then
    passes=$((passes + 1))
    echo "ok - $where (exit $rc): $cmd"
  else
    fails=$((fails + 1))
    echo "not ok - $where: exit $rc, the docs show $( [ "$expect" = 0 ] && echo success || echo "exit $expect"): $cmd"
    head -5 "$work/err" | sed 's/^/#   /'
  fi
done < "$work/examples"
echo "# doc-examples: $passes passed, $fails failed, $((SECONDS - t0)) s"
[ $fails = 0 ] && [ $passes -gt 0 ]
