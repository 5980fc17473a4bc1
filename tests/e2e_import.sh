#!/usr/bin/env bash
# e2e_import.sh DRSIM SOURCE_DIR — the importers and drift from the command
# line: a Terraform state, the failover workflow and Kubernetes manifests
# combined with --into into one scenario that validates and runs; import
# and run are deterministic (byte-identical drafts, identical summaries at a
# seed); unknown resource types listed on stderr; drift finds the fixture's
# six changes; exit statuses and --help.
set -u
drsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
data=$src/tests/data/import
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
expect_status() { # NAME WANT CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; cat "$work/err"; fi
}
cd "$work"
cp -r "$data" in

# --- import, combine, validate, run ---------------------------------------------
expect_status "import terraform" 0 "$drsim" import terraform in/terraform-state.json -o tf.yaml
grep -q 'not modelled: module.platform.azurerm_application_gateway.prod' "$work/err" &&
  grep -q 'not modelled: module.platform.azurerm_redis_cache.sessions' "$work/err" &&
  ok "unknown resources listed on stderr" || bad "unknown resources listed on stderr"
grep -q 'failover: {after: 1h,' tf.yaml && ok "grace_minutes 60 -> after: 1h" || bad "grace_minutes 60 -> after: 1h"
expect_status "import github-workflow --into" 0 "$drsim" import github-workflow in/gha-failover.yml \
  --environment production --into tf.yaml -o tf-gha.yaml
grep -q "production-failover" "$work/err" && ok "assumed gate said on stderr" || bad "assumed gate said on stderr"
expect_status "import kubernetes --into" 0 "$drsim" import kubernetes in/k8s --backup 24h:30d \
  --backup managed-csi=none --into tf-gha.yaml -o all.yaml
expect_status "combined scenario validates" 0 "$drsim" validate all.yaml
grep -q 'pvc-search-data-search' "$work/out" && grep -q 'notification' "$work/out" &&
  grep -q 'aks-private-prod-dr' "$work/out" && ok "combined scenario has all three" || bad "combined scenario has all three"

# determinism: the same inputs give the same bytes, the same seed the same answer
"$drsim" import terraform in/terraform-state.json -o tf2.yaml 2>/dev/null
"$drsim" import github-workflow in/gha-failover.yml --environment production --into tf2.yaml -o tf-gha2.yaml 2>/dev/null
"$drsim" import kubernetes in/k8s --backup 24h:30d --backup managed-csi=none --into tf-gha2.yaml -o all2.yaml 2>/dev/null
cmp -s all.yaml all2.yaml && ok "import is byte-identical" || bad "import is byte-identical"
"$drsim" run all.yaml --trials 3000 --seed 7 --db r1.db --format csv --quiet >s1.csv 2>/dev/null
"$drsim" run all2.yaml --trials 3000 --seed 7 --db r2.db --format csv --quiet --threads 1 >s2.csv 2>/dev/null
if [ -s s1.csv ] && cmp -s s1.csv s2.csv; then ok "import -> validate -> run deterministic"; else bad "import -> validate -> run deterministic"; fi
grep -q '^production,rto,3000,' s1.csv && ok "the run covers production" || bad "the run covers production"

# stdout when no -o; --no-gate
"$drsim" import github-workflow in/gha-failover.yml --environment production --no-gate production-failover >g.yaml 2>g.err
grep -q 'manual: true' g.yaml && bad "--no-gate removes the gate" || ok "--no-gate removes the gate"
[ -s g.err ] && bad "--no-gate: nothing on stderr" || ok "--no-gate: nothing on stderr"

# merge-draft: drafts written separately, combined afterwards
"$drsim" import github-workflow in/gha-failover.yml --environment production --primary eastus -o g.yaml 2>/dev/null
"$drsim" import kubernetes in/k8s --region eastus --backup-to westus2 --backup 24h:30d -o k.yaml 2>/dev/null
expect_status "merge-draft" 0 "$drsim" merge-draft tf.yaml g.yaml k.yaml -o merged.yaml
expect_status "merged scenario validates" 0 "$drsim" validate merged.yaml
grep -q 'pvc-search-data-search' "$work/out" && grep -q 'validate-dr-readiness' "$work/out" &&
  ok "merge-draft has workflow and claims" || bad "merge-draft has workflow and claims"
expect_status "merge-draft of a scenario into itself" 0 "$drsim" merge-draft tf.yaml tf.yaml -o same.yaml
cmp -s tf.yaml same.yaml && ok "nothing added twice" || bad "nothing added twice"
expect_status "merge-draft with one file" 2 "$drsim" merge-draft tf.yaml

# --standby JOB=POOL ties the scale-up job to the Terraform standby pool
expect_status "--standby JOB=POOL" 0 "$drsim" import github-workflow in/gha-failover.yml --environment production \
  --standby scale-up-aks=aks-private-prod-dr --into tf.yaml -o pool.yaml
"$drsim" validate pool.yaml | grep -q 'scale-up-aks *standby aks-private-prod-dr: 4 nodes to add' &&
  ok "scale-up-aks uses the pool" || bad "scale-up-aks uses the pool"
expect_status "--standby naming no job" 2 "$drsim" import github-workflow in/gha-failover.yml \
  --environment production --standby nojob=aks-private-prod-dr --into tf.yaml
expect_status "--standby naming no pool" 2 "$drsim" import github-workflow in/gha-failover.yml \
  --environment production --standby scale-up-aks=nopool --into tf.yaml

# --- drift ------------------------------------------------------------------------
expect_status "drift" 0 "$drsim" drift tf.yaml --terraform in/terraform-state-drifted.json
[ "$(grep -cE '^(changed|new|gone) ' "$work/out")" = 6 ] && ok "drift: six changes" || { bad "drift: six changes"; cat "$work/out"; }
expect_status "drift --fail-on-drift" 1 "$drsim" drift tf.yaml --terraform in/terraform-state-drifted.json --fail-on-drift
expect_status "no drift" 0 "$drsim" drift all.yaml --terraform in/terraform-state.json --fail-on-drift
grep -q '^0 changes' "$work/out" && ok "no drift: 0 changes" || bad "no drift: 0 changes"
sed 's/to: westus, lag: {dist: lognormal, median: 3m/to: westus2, lag: {dist: lognormal, median: 3m/' tf.yaml >wrong.yaml
expect_status "drift note" 0 "$drsim" drift wrong.yaml --terraform in/terraform-state.json
grep -q "^note .*stprodblobeastus.*only to eastus's Azure pair, westus" "$work/out" && ok "GRS to the wrong region: note" || bad "GRS to the wrong region: note"

# --- misuse -------------------------------------------------------------------------
expect_status "import --help" 0 "$drsim" import --help
grep -q 'ASSUMPTION: no timing data; calibrate from drills' "$work/out" && ok "--help names the mark" || bad "--help names the mark"
expect_status "drift --help" 0 "$drsim" drift --help
expect_status "github-workflow without --environment" 2 "$drsim" import github-workflow in/gha-failover.yml
expect_status "unknown source" 2 "$drsim" import ansible x
expect_status "missing file" 3 "$drsim" import terraform nope.json
printf '{"values": ' >broken.json
expect_status "broken JSON" 2 "$drsim" import terraform broken.json
grep -q 'broken.json:1:' "$work/err" && ok "JSON error has file:line" || bad "JSON error has file:line"
expect_status "bad --backup" 2 "$drsim" import kubernetes in/k8s --backup daily
expect_status "drift without --terraform" 2 "$drsim" drift tf.yaml
expect_status "drift on a broken scenario" 2 "$drsim" drift broken.json --terraform in/terraform-state.json
printf 'version: 1\nname: s\nobjectives: {production: {rto: 1h}}\nregions: [{name: eastus, role: primary}, {name: westus2, role: standby}]\ncomponents: []\n' >flow.yaml
expect_status "--into a flow-style list" 2 "$drsim" import kubernetes in/k8s --into flow.yaml

echo "# $passes passed, $fails failed"
[ "$fails" = 0 ]
