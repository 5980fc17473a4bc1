#!/usr/bin/env python3
"""scripts/check-layers.py — the layering of drsim's sources, checked.

Every #include "folder/file.h" of a source file under sim/, models/, fit/,
reports/, import/, study/ and cli/ must name a folder its own layer may use
(docs/architecture.md):

    sim <- models <- reports <- study <- cli
                  <- fit     <- study  (statistics of drills; epistemic draws)
                  <- import  <- cli    (scenario drafts)

and no two modules (a .h/.c pair, e.g. study/run) may include each other,
directly or through others: the include graph between modules has no
cycle. A private header NAME_internal.h (the glue of one module split over
several files, e.g. reports/store_internal.h) counts as part of them. Prints each violation as FILE:LINE: message and exits 1 when there
is one; exits 0 and prints a one-line summary otherwise.

usage: scripts/check-layers.py [SOURCE_DIR]   (default: the repository root)
"""
import os
import re
import sys

# The folders each layer may include from (besides itself).
ALLOWED = {
    "sim": {"sim"},
    "models": {"sim", "models"},
    "fit": {"sim", "models", "fit"},
    "reports": {"sim", "models", "reports"},
    "import": {"sim", "models", "import"},
    "study": {"sim", "models", "fit", "reports", "study"},
    "cli": {"sim", "models", "fit", "reports", "import", "study", "cli"},
}
# Cycles known and accepted, each with its reason (the pair, sorted).
KNOWN_CYCLES = {
    ("sim/queue", "sim/sim"): "the kernel's face sim.h runs its own queue, whose events "
                              "carry sim.h's handler type",
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def sources(root):
    for layer in sorted(ALLOWED):
        folder = os.path.join(root, layer)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith((".c", ".h")):
                yield layer, os.path.join(layer, name)


def module(path):
    return os.path.splitext(path)[0]


def find_cycle(graph):
    """One cycle of the graph as a list of modules, or None. A known pair
    (KNOWN_CYCLES) is left out of the graph first."""
    graph = {m: {n for n in ns if tuple(sorted((m, n))) not in KNOWN_CYCLES}
             for m, ns in graph.items()}
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def main():
    here = os.path.dirname(os.path.realpath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..")
    errors, graph, n_files, n_includes = [], {}, 0, 0
    for layer, rel in sources(root):
        n_files += 1
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m or "/" not in m.group(1):
                    continue   # generated headers (drsim_version.h) and system headers
                target = m.group(1)
                folder = target.split("/", 1)[0]
                n_includes += 1
                if folder not in ALLOWED[layer]:
                    errors.append(f"{rel}:{lineno}: {layer}/ may not include {target} "
                                  f"({folder}/ is not below {layer}/; see docs/architecture.md)")
                # A private header (NAME_internal.h) is the glue of one module
                # split over several files: including it makes no dependency.
                if module(target) != module(rel) and not module(target).endswith("_internal"):
                    graph.setdefault(module(rel), set()).add(module(target))
    cycle = find_cycle(graph)
    if cycle:
        errors.append(f"{cycle[0]}: include cycle between modules: {' -> '.join(cycle)}")
    for e in errors:
        print(e)
    if errors:
        return 1
    print(f"layers ok: {n_files} files, {n_includes} project includes, no include from a "
          f"higher layer, no cycle between modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
