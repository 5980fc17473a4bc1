#!/usr/bin/env bash
# demo.sh — set up (scripts/setup.sh), then the main job on the reference
# scenario: validate it, run its Monte Carlo trials into demo-out/results.db,
# and write the reports (report.html and CSV files) into demo-out/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/setup.sh
drsim=build/drsim
scenario=scenarios/azure-aks-east-west.yaml
out=${DRSIM_DEMO_OUT:-demo-out}
mkdir -p "$out"
rm -f "$out/results.db" "$out/results.db-wal" "$out/results.db-shm"

echo "== drsim validate $scenario"
$drsim validate "$scenario"
echo
echo "== drsim run $scenario"
$drsim run "$scenario" --db "$out/results.db" --quiet
echo
if $drsim --help | grep -q '^  report'; then
  $drsim report --db "$out/results.db" --format html -o "$out/report.html"
  for t in summary steps components standby; do
    $drsim report --db "$out/results.db" --format csv --table "$t" -o "$out/$t.csv"
  done
  echo "reports written: $out/report.html $out/summary.csv $out/steps.csv $out/components.csv $out/standby.csv"
fi
