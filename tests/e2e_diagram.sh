#!/usr/bin/env bash
# e2e_diagram.sh DRSIM SOURCE_DIR — `drsim diagram`: the architecture diagram
# of the reference scenario and of the two-standby-region teaching scenario,
# parsed and checked against the scenario by scripts/check-diagram.py (every
# component, pool and step once, primary left of the standby regions, shared
# services above, one green arrow per replication into its target region,
# manual steps as diamonds, the colour table); with a run's figures; the
# PNG, HTML and DOT outputs; the HTML report's sections after the answer, rendered in
# headless Chromium without overlapping text; and the error statuses.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=$src/scenarios/azure-aks-east-west.yaml
two=$src/scenarios/two-standby-regions.yaml
check=$src/scripts/check-diagram.py
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
run_ok() { # NAME CMD...
  local name=$1; shift
  if "$@" >"$work/out" 2>"$work/err"; then ok "$name"; else bad "$name (exit $?)"; cat "$work/err" "$work/out"; fi
}
expect_status() { # NAME WANT CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; cat "$work/err"; fi
}

# --- the plan: reference scenario, to stdout and to a file -------------------
run_ok "diagram of the reference scenario to stdout" "$drsim" diagram "$ref"
cp "$work/out" "$work/ref.svg"
run_ok "reference diagram matches the scenario" python3 "$check" "$work/ref.svg" "$ref"
run_ok "diagram -o FILE.svg" "$drsim" diagram "$ref" -o "$work/ref2.svg"
cmp -s "$work/ref.svg" "$work/ref2.svg" && ok "same SVG to stdout and -o, deterministic" || bad "stdout and -o differ"
grep -q 'font-family="sans-serif"' "$work/ref.svg" && ! grep -Eq 'font-family="(Times|Helvetica)' "$work/ref.svg" \
  && ok "generic font family only" || bad "non-generic fonts in the SVG"
python3 - "$work/ref.svg" <<'PY' && ok "SVG is well-formed XML" || bad "SVG does not parse"
import sys, xml.etree.ElementTree as ET
ET.parse(sys.argv[1])
PY

# --- the checker itself catches a wrong diagram ----------------------------------
sed 's/#2e8b3e/#000000/g' "$work/ref.svg" >"$work/mut.svg"
python3 "$check" "$work/mut.svg" "$ref" >/dev/null 2>&1 && bad "checker accepts black replication arrows" || ok "checker rejects non-green replication arrows"
sed 's/id="step:production\/approve&#45;failover"/id="step:production\/other"/' "$work/ref.svg" >"$work/mut.svg"
python3 "$check" "$work/mut.svg" "$ref" >/dev/null 2>&1 && bad "checker accepts a missing step" || ok "checker rejects a missing step"

# --- one environment -------------------------------------------------------------
run_ok "diagram --environment production" "$drsim" diagram "$ref" --environment production -o "$work/prod.svg"
run_ok "production-only diagram matches" python3 "$check" "$work/prod.svg" "$ref" --environment production
grep -q 'component:aks-staging' "$work/prod.svg" && bad "staging drawn with --environment production" || ok "other environments left out"

# --- the teaching scenario: two standby regions, no shared services ----------------
run_ok "diagram of two-standby-regions" "$drsim" diagram "$two" -o "$work/two.svg"
run_ok "two-standby-regions diagram matches" python3 "$check" "$work/two.svg" "$two"
grep -q 'id="global"' "$work/two.svg" && bad "a shared band without shared services" || ok "no shared band"

# --- formats -----------------------------------------------------------------
run_ok "diagram -o FILE.png" "$drsim" diagram "$two" -o "$work/two.png"
[ "$(head -c 8 "$work/two.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && ok "PNG signature" || bad "not a PNG"
run_ok "diagram -o FILE.dot" "$drsim" diagram "$two" -o "$work/two.dot"
grep -q '^digraph' "$work/two.dot" && grep -q 'pos=' "$work/two.dot" && ok "DOT with positions" || bad "DOT output"
# Deterministic DOT: clusters are kept and written in the order the diagram
# creates them (shared services, then the regions as the scenario lists
# them), not in the heap order of their names; two runs give the same bytes.
run_ok "diagram -o FILE.dot, reference scenario" "$drsim" diagram "$ref" -o "$work/ref1.dot"
run_ok "diagram -o FILE.dot, reference scenario again" "$drsim" diagram "$ref" -o "$work/ref2.dot"
cmp -s "$work/ref1.dot" "$work/ref2.dot" && ok "two runs give byte-identical DOT" || bad "two runs give different DOT"
python3 - "$work/ref1.dot" "$ref" <<'PY' && ok "subgraphs in creation order (shared services first, components as listed)" || bad "subgraphs not in creation order"
import re, sys, yaml
top = re.findall(r'^\tsubgraph "?([^" {]+)"? \{', open(sys.argv[1]).read(), re.M)
comps = [c["name"] for c in yaml.safe_load(open(sys.argv[2]))["components"]]
ranked = [t.split(":", 2)[2] for t in top if t.startswith("rank:component:")]
regions = [t for t in top if t.startswith("cluster_region_")]
ok = top[0] == "cluster_global" and ranked == [c for c in comps if c in ranked] \
    and regions == ["cluster_region_" + r["name"] for r in yaml.safe_load(open(sys.argv[2]))["regions"]]
if not ok:
    print("#", top)
sys.exit(0 if ok else 1)
PY
run_ok "diagram -o FILE.html" "$drsim" diagram "$two" -o "$work/two.html"
grep -q '<svg data-chart="architecture"' "$work/two.html" && ! grep -qi '<script' "$work/two.html" \
  && ok "HTML page holds the inline SVG, no script" || bad "HTML page"

# --- with a run's figures ---------------------------------------------------------
"$drsim" run "$ref" --trials 2000 --db "$work/r.db" >/dev/null 2>&1 || bad "run for figures"
run_ok "diagram --db --run" "$drsim" diagram "$ref" --db "$work/r.db" --run 1 -o "$work/fig.svg"
run_ok "figures on steps and milestones" python3 "$check" "$work/fig.svg" "$ref" --figures
grep -q 'sim RPO p50' "$work/fig.svg" && ok "RPO contribution on the replication arrows" || bad "no RPO contribution"
grep -q 'met in' "$work/fig.svg" && ok "share meeting the objective on the milestones" || bad "no P(meet) on the milestones"

# --- the HTML report: the diagram first, no overlapping text in Chromium ----------
run_ok "report --format html" "$drsim" report --db "$work/r.db" --format html -o "$work/report.html"
first=$(grep -o '<section id="[a-z-]*"' "$work/report.html" | head -2 | tr '\n' ' ')
# the answer (issue 19) leads, the architecture comes right after it
[ "$first" = '<section id="answer" <section id="architecture" ' ] && ok "the answer, then the architecture, open the report" || bad "first sections are $first"
grep -q '<h2>The architecture</h2>' "$work/report.html" && ok "section title" || bad "section title"
if [ -x /usr/bin/chromium ]; then
  run_ok "report renders in Chromium (check-report.sh)" bash "$src/scripts/check-report.sh" "$work/report.html" "$work/report.png"
  run_ok "no overlapping text boxes in the report's diagram" python3 "$check" --overlaps "$work/report.html"
  run_ok "no overlapping text boxes in the teaching diagram" python3 "$check" --overlaps "$work/two.html"
else
  echo "# skipped: /usr/bin/chromium missing (scripts/setup.sh installs it)"
fi

# --- errors --------------------------------------------------------------------
expect_status "unknown environment" 2 "$drsim" diagram "$ref" --environment prod
expect_status "bad output extension" 2 "$drsim" diagram "$ref" -o "$work/x.jpg"
expect_status "missing database" 3 "$drsim" diagram "$ref" --db "$work/none.db"
expect_status "run of another scenario" 2 "$drsim" diagram "$two" --db "$work/r.db" --run 1
expect_status "no such run" 2 "$drsim" diagram "$ref" --db "$work/r.db" --run 9
expect_status "unwritable output" 3 "$drsim" diagram "$ref" -o "$work/no/such/dir.svg"
expect_status "broken scenario" 2 "$drsim" diagram "$src/scenarios/invalid/unknown-kind.yaml"
expect_status "help" 0 "$drsim" diagram --help
grep -q 'kind' "$work/out" && ok "--help mentions kind" || bad "--help lacks kind"

echo "# $passes passed, $fails failed"
[ "$fails" -eq 0 ]
