#!/usr/bin/env bash
# update-docs.sh [--check] [DRSIM] [SOURCE_DIR] — regenerate the output shown
# under the `$ ` examples of README.md, scenarios/README.md and docs/*.md
# from real runs, in place, so that the figures in the docs are the
# program's (defaults: build/drsim, the checkout this script is in).
#
# Each example runs exactly as written (full trial counts: this takes a few
# minutes) in a scratch folder where `build/drsim` is DRSIM and scenarios/,
# scripts/, tests/, docs/ are the source tree's; its standard output and
# error replace the lines shown after it up to the next
# example or the end of the fenced block (standard error first, progress
# and throughput lines left out). A block fenced with more backticks
# (````) may show output that holds ``` lines itself (Markdown output);
# it ends at a fence at least as long as the one that opened it. Left
# alone, and listed:
#   - examples shown without output (on purpose: brevity); one whose
#     `--db FILE` the next example of the same block reads still runs,
#     since the next needs the database it makes;
#   - excerpts: a shown output with a line that is "..." or starts with
#     "... " or "  ..." (the text was cut on purpose; update it by hand);
#   - blocks right after a line `<!-- doc-examples: output kept -->`
#     (e.g. the output of a file that is not in the repository);
#   - examples whose exit status differs from the one shown (that is a
#     failure of scripts/doc-examples.sh, not a figure to update).
# With --check nothing is written: exit 1 when some output would change.
# Outputs that differ only in timestamps (2026-12-03T16:40:16.541Z) and the
# program's version (drsim 0.2.0-g8e8555d) count as the same: a block is
# rewritten only when a figure moved. Review the diff before committing.
set -u
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
here=$(cd "$(dirname "$0")/.." && pwd)
drsim=${1:-$here/build/drsim}
drsim=$(cd "$(dirname "$drsim")" && pwd)/$(basename "$drsim")
src=$(cd "${2:-$here}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/run/build"
ln -s "$drsim" "$work/run/build/drsim"
# scenarios/ and docs/ are copies: an example that writes there (the README
# draws docs/diagram.png) must not change the source tree under a running
# test suite. scripts/ and tests/ are only read.
for d in scripts tests; do ln -s "$src/$d" "$work/run/$d"; done
for d in scenarios docs; do cp -R "$src/$d" "$work/run/$d"; done

python3 - "$src" "$work/run" "$check" <<'PY'
import glob, os, re, subprocess, sys
src, rundir, check = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
files = ["README.md", "scenarios/README.md"] + sorted(
    os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "docs", "*.md")))
KEEP = "<!-- doc-examples: output kept -->"
changed = 0

def excerpt(shown):
    return any(l.strip() == "..." or l.startswith("... ") or l.startswith("  ...")
               or l.rstrip().endswith(" ...") for l in shown)

def fence(line):
    """The length of the backtick fence a line opens or closes, else 0."""
    m = re.match(r"\s*(`{3,})", line)
    return len(m.group(1)) if m else 0

def closes(line, n):
    """Does line close a block opened by a fence of n backticks?"""
    return re.fullmatch(r"\s*`{%d,}\s*" % n, line) is not None

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
VERSION = re.compile(r"\bdrsim \d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?")

def normal(block):
    """A block without what changes on every run: timestamps, the version."""
    return [VERSION.sub("drsim VERSION", STAMP.sub("TIME", l)) for l in block]

def expected(shown):
    text = "\n".join(shown)
    m = re.search(r"\bexit (\d+)\b", text)
    if m and m.group(1) != "0":
        return int(m.group(1))
    return "fail" if ": error:" in text else 0

for name in files:
    path = os.path.join(src, name)
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, in_block, kept, width = [], 0, False, False, 0
    while i < len(lines):
        line = lines[i]
        if (not in_block and fence(line)) or (in_block and closes(line, width)):
            kept = not in_block and i > 0 and lines[i - 1].strip() == KEEP
            in_block = not in_block
            width = fence(line) if in_block else 0
            out.append(line)
            i += 1
            continue
        if not (in_block and line.startswith("$ ")):
            out.append(line)
            i += 1
            continue
        where = f"{name}:{i + 1}"
        cmd_lines = [line]
        cmd = line[2:]
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd_lines.append(lines[i])
            cmd = cmd[:-1] + " " + lines[i].strip()
        i += 1
        shown = []
        while i < len(lines) and not lines[i].startswith("$ ") and \
                not closes(lines[i], width):
            shown.append(lines[i])
            i += 1
        out.extend(cmd_lines)
        if kept or excerpt(shown) or not any(l.strip() for l in shown):
            why = "marked" if kept else "an excerpt" if excerpt(shown) else "no output shown"
            db = re.search(r"--db\s+(\S+)", cmd)
            nxt = lines[i] if i < len(lines) and lines[i].startswith("$ ") else ""
            if not kept and not excerpt(shown) and db and re.search(
                    r"--db\s+" + re.escape(db.group(1)) + r"(\s|$)", nxt):
                # the next example of the block reads the database this one makes
                r = subprocess.run(["bash", "-c", cmd], cwd=rundir, capture_output=True,
                                   text=True, stdin=subprocess.DEVNULL)
                why += f", run for the next example (exit {r.returncode})"
            print(f"kept   {where}: {why}")
            out.extend(shown)
            continue
        r = subprocess.run(["bash", "-c", cmd], cwd=rundir, capture_output=True,
                           text=True, stdin=subprocess.DEVNULL)
        want = expected(shown)
        ok = r.returncode == want if want != "fail" else r.returncode != 0
        if not ok:
            print(f"FAILED {where}: exit {r.returncode}, the docs show {want}; output kept")
            out.extend(shown)
            continue
        # Standard error first (warnings, size's candidates, batch's
        # lines), as a terminal shows them; progress and throughput lines
        # are left out. Trailing blank lines of
        # the shown block (spacing before the next example) stay.
        diags = [l for l in r.stderr.split("\n")
                 if l.strip() and "\r" not in l and not re.search(r"trials/s", l)]
        new = diags + (r.stdout.rstrip("\n").split("\n") if r.stdout.strip() else [])
        trail = len(shown) - len("\n".join(shown).rstrip("\n").split("\n")) if shown else 0
        new += [""] * trail
        if normal(new) != normal(shown):
            changed += 1
            print(f"{'differs' if check else 'updated'} {where}")
            out.extend(shown if check else new)
        else:
            print(f"same   {where}")
            out.extend(shown)
    if not check:
        text = "\n".join(out)
        if text != "\n".join(lines):
            open(path, "w", encoding="utf-8").write(text)
print(f"# update-docs: {changed} output block(s) {'would change' if check else 'updated'}")
sys.exit(1 if check and changed else 0)
PY
