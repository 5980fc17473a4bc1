#!/usr/bin/env bash
# e2e_serve_browser.sh DRSIM SOURCE_DIR — the acceptance test of `drsim
# serve` in a real browser (issue 23): Debian's headless Chromium, driven over
# the DevTools protocol by tests/support/serve_browser.py (a pipe, no
# websocket library, nothing downloaded), opens the page, moves the warm
# nodes of aks-prod-dr from 1 to 5 with the keyboard, and the production
# P(meet) the page shows (RTO and RPO, text and exact value) must equal
# `drsim run --set standby.aks-prod-dr.warm_nodes=5` with the same seed and
# trials; so must every other environment's. The page's "copy as command"
# line, run as it is, must give the same figures; the page must log no
# error. DRSIM_SERVE_SCREENSHOT=FILE keeps the screenshot (docs/serve.png is
# made that way).
set -u
drsim=$1
src=$2
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
scenario=$src/scenarios/azure-aks-east-west.yaml
fails=0
ok() { echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }

if [ ! -x "${DRSIM_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "not ok - Debian's chromium is not installed (scripts/test.sh installs it)"
  exit 1
fi

"$drsim" serve "$scenario" --port 0 --db "$work/serve.db" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/out")
[ -n "$port" ] || { echo "not ok - server did not start"; cat "$work/err"; exit 1; }

shot=${DRSIM_SERVE_SCREENSHOT:-$work/serve.png}
if python3 "$src/tests/support/serve_browser.py" "http://127.0.0.1:$port/" "$work/shown.json" "$shot"; then
  ok "the page loaded, warm_nodes moved 1 -> 5, the result arrived"
else
  bad "driving the page in Chromium"
  cat "$work/err"
  exit 1
fi

# What drsim run says for the same configuration (the scenario's seed 42 and
# 10000 trials, which the page uses by default).
"$drsim" run "$scenario" --set standby.aks-prod-dr.warm_nodes=5 --seed 42 --trials 10000 \
  --db "$work/cli.db" --quiet --format csv >"$work/cli.csv" || bad "drsim run"
# The page's "copy as command" line, run as it is (drsim -> this build).
cmd=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['command'])" "$work/shown.json")
case "$cmd" in
  "drsim run $scenario --seed 42 --trials 10000 --set standby.aks-prod-dr.warm_nodes=5")
    ok "copy as command: $cmd" ;;
  *) bad "copy as command gave: $cmd" ;;
esac
eval "\"$drsim\" ${cmd#drsim } --db \"$work/copied.db\" --quiet --format csv" >"$work/copied.csv" \
  || bad "running the copied command"

python3 - "$work/shown.json" "$work/cli.csv" "$work/copied.csv" <<'EOF'
import csv, json, sys
shown = json.load(open(sys.argv[1]))
fails = 0
def check(cond, what):
    global fails
    print(("ok - " if cond else "not ok - ") + what)
    fails += not cond
for name, path in (("drsim run --set standby.aks-prod-dr.warm_nodes=5", sys.argv[2]),
                   ("the copied command", sys.argv[3])):
    rows = {r["environment"] + "." + r["metric"]: r for r in csv.DictReader(open(path))}
    for key, page in shown["pmeet"].items():
        cli = float(rows[key]["p_meet"])
        text = "%.1f %%" % (100 * cli)
        check(float(page["value"]) == cli and page["text"] == text,
              "%s P(meet): page %s (%s), %s %s" % (key, page["text"], page["value"], name, rows[key]["p_meet"]))
check(float(shown["change"]["production.rto"]) > 0, "the paired change of production RTO is positive")
check(shown["slider_text"] == "5" and shown["result_overrides"] == ["standby.aks-prod-dr.warm_nodes=5"],
      "the control shows 5 and the result is for exactly that override")
check(shown["charts"] == 6, "an RTO and an RPO CDF per environment (%d)" % shown["charts"])
check(shown["visible_after_search"] == ["standby.aks-prod-dr.warm_nodes", "standby.aks-staging-dr.warm_nodes"],
      "the search box narrows the controls to %s" % shown["visible_after_search"])
check(not shown["console_errors"], "no console error or exception (%d)" % len(shown["console_errors"]))
sys.exit(1 if fails else 0)
EOF
[ $? -eq 0 ] || fails=$((fails + 1))
python3 -c "import sys; d=open(sys.argv[1],'rb').read(8); sys.exit(d != b'\x89PNG\r\n\x1a\n')" "$shot" \
  && ok "screenshot written ($shot)" || bad "screenshot"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 0 ] && ok "the server stops on SIGTERM with exit 0" || bad "server exit $rc"
echo "# $fails failed"
[ "$fails" -eq 0 ]
