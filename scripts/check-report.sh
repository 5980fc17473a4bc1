#!/usr/bin/env bash
# check-report.sh REPORT.html [OUT.png] — open a drsim HTML report in
# Debian's headless Chromium, take a PNG screenshot (default REPORT.png) and
# fail when the page logs a console error or misses a chart.
#
# Checks, each a non-zero exit when it fails:
#  - the file exists and references nothing outside itself (no http(s)://
#    or protocol-relative URLs in src/href/url(), no <link>, no external
#    <script src>): a report must open offline;
#  - Chromium loads it without any console message (--enable-logging=stderr
#    shows them without their level, so every one counts: errors, uncaught
#    exceptions, SVG attribute errors) and without a failed load;
#  - the rendered DOM (--dump-dom) holds every chart the report declares in
#    <meta name="drsim-charts" content="rto-cdf rpo-cdf ...">, each as an
#    <svg data-chart="ID"> (or, for charts that need per-trial detail, a
#    <p data-chart-missing="ID"> that says why), and at least the core charts
#    rto-cdf and criticality;
#  - the architecture diagram, when the page holds one, has no two text
#    boxes overlapping as Chromium lays them out (scripts/check-diagram.py
#    --overlaps);
#  - the screenshot is written and is a PNG.
# Chromium is installed with apt-get when missing. It never reaches the
# network: a proxy that does not exist, no background services, and
# --host-resolver-rules that resolve every name to nothing.
set -euo pipefail

usage() { echo "usage: $0 REPORT.html [OUT.png]" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
report=$1
[ -f "$report" ] || { echo "$0: $report: no such file" >&2; exit 2; }
out=${2:-${report%.html}.png}
report_abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")

fail=0
problem() { echo "check-report: $*" >&2; fail=1; }

# --- self-contained: nothing to fetch -------------------------------------
if grep -Eqi '(src|href)[[:space:]]*=[[:space:]]*"(https?:)?//|url\([[:space:]]*["'"'"']?(https?:)?//|<link[[:space:]]|<script[^>]*[[:space:]]src[[:space:]]*=' "$report"; then
  problem "$report references an external resource:"
  grep -Eoi '(src|href)[[:space:]]*=[[:space:]]*"(https?:)?//[^"]*|url\([^)]*//[^)]*\)|<link[^>]*>|<script[^>]*src[^>]*>' "$report" | head -5 >&2
fi

# --- Chromium --------------------------------------------------------------
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  echo "check-report: installing chromium (Debian package)" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
fi
[ -x "$chromium" ] || { echo "check-report: $chromium not found after install" >&2; exit 3; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Flags shared by both runs: headless, no sandbox (containers, root), no GPU,
# and nothing that talks to the network.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --disable-default-apps --disable-extensions --disable-breakpad
       --no-default-browser-check --mute-audio --hide-scrollbars
       --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>'
       '--host-resolver-rules=MAP * ~NOTFOUND'
       --run-all-compositor-stages-before-draw --virtual-time-budget=5000)

run_chromium() {  # run_chromium PROFILE_DIR LOG ARGS...
  local profile=$1 log=$2
  shift 2
  timeout 120 "$chromium" "${flags[@]}" --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 "$@" 2>"$log"
}

# 1) the DOM after load, with the console on stderr
dom="$tmp/dom.html"
if ! run_chromium "$tmp/profile1" "$tmp/dom.log" --dump-dom "file://$report_abs" >"$dom"; then
  problem "chromium --dump-dom failed (log: last lines below)"
  tail -n 20 "$tmp/dom.log" >&2
fi

# 2) the screenshot
rm -f "$out"
# The window is the screenshot: 1280 px wide, tall enough for the summary and
# the first charts. CHECK_REPORT_WINDOW=W,H overrides it.
if ! run_chromium "$tmp/profile2" "$tmp/shot.log" --screenshot="$out" \
     --window-size="${CHECK_REPORT_WINDOW:-1280,3000}" \
     "file://$report_abs" >/dev/null; then
  problem "chromium --screenshot failed"
  tail -n 20 "$tmp/shot.log" >&2
fi

# --- console errors --------------------------------------------------------
# Chromium logs every console message of the page as
#   [pid:tid:time:INFO:CONSOLE:LINE] "message", source: file:///... (LINE)
# without its level (console.log and console.error look alike), so any
# console line fails the check: a drsim report is static and needs no
# script, so anything it logs is a problem — an uncaught exception, a
# console.error, or Chromium's own complaints about the page such as
# 'Error: <path> attribute d: Expected number'. Blocked or failed loads show
# up as net::ERR_ lines.
for log in "$tmp/dom.log" "$tmp/shot.log"; do
  if grep -Eq ':CONSOLE[:(]|Uncaught|net::ERR_' "$log"; then
    problem "the page logged to the console or failed a load:"
    grep -E ':CONSOLE[:(]|Uncaught|net::ERR_' "$log" | sed 's/^\[[^]]*\] //' | sort -u | head -10 >&2
  fi
done

# --- charts ---------------------------------------------------------------
if [ -s "$dom" ]; then
  declared=$(grep -Eo '<meta name="drsim-charts" content="[^"]*"' "$dom" | sed -E 's/.*content="([^"]*)"/\1/' || true)
  [ -n "$declared" ] || problem "no <meta name=\"drsim-charts\"> in the rendered page"
  for id in rto-cdf criticality $declared; do
    if grep -Eq "<svg[^>]*data-chart=\"$id\"" "$dom"; then
      # An svg that rendered nothing would be an empty element.
      if ! tr '\n' ' ' <"$dom" | grep -Eo "<svg[^>]*data-chart=\"$id\"[^>]*>[[:space:]]*<title>[^<]+</title>" | grep -q .; then
        problem "chart $id has no <title>"
      fi
    elif grep -Eq "data-chart-missing=\"$id\"" "$dom"; then
      echo "check-report: chart $id not drawn, the page says why: $(grep -Eo "data-chart-missing=\"$id\"[^>]*>[^<]*" "$dom" | head -1 | sed 's/.*>//')" >&2
    else
      problem "chart $id is missing"
    fi
  done
  n=$(grep -Eo '<svg[^>]*data-chart="[^"]*"' "$dom" | wc -l)
  echo "check-report: $n charts rendered" >&2
else
  problem "empty DOM dump"
fi

# --- the architecture diagram: no two text boxes overlap once rendered -------
if grep -q 'data-chart="architecture"' "$report"; then
  python3 "$(dirname "$0")/check-diagram.py" --overlaps "$report" --chromium "$chromium" ||
    problem "text boxes overlap in the architecture diagram"
fi

# --- screenshot --------------------------------------------------------------
if [ -s "$out" ] && [ "$(head -c 8 "$out" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
  echo "check-report: screenshot $out ($(wc -c <"$out") bytes)" >&2
else
  problem "no PNG screenshot at $out"
fi

exit $fail
