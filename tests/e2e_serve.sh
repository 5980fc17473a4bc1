#!/usr/bin/env bash
# e2e_serve.sh DRSIM SOURCE_DIR — `drsim serve` as a server (issue 23):
# flags and bind policy, then tests/support/serve_check.py against a live
# server (hostile input, results equal to `drsim run`, 429, cancellation,
# save, report), then a graceful SIGTERM in the middle of a save: exit 0,
# the database passes PRAGMA integrity_check and every run in it is
# complete or marked interrupted.
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
check() { if "${@:2}"; then ok "$1"; else bad "$1"; fi; }
slow=fast
[ "${DRSIM_SLOW_TESTS:-1}" = 0 ] && slow=slow-build   # sanitizer builds are ~10x slower

# --- flags ------------------------------------------------------------------
"$drsim" serve --help | grep -q -- '--allow-remote' && ok "serve --help documents --allow-remote" || bad "serve --help"
"$drsim" serve "$scenario" --bind 0.0.0.0 --db "$work/x.db" >/dev/null 2>"$work/remote.err"
check "binding 0.0.0.0 without --allow-remote: exit 2 with a reason" \
  test $? -eq 2 -a -n "$(grep -- '--allow-remote' "$work/remote.err")"
"$drsim" serve "$scenario" --bind not-an-address --allow-remote --db "$work/x.db" >/dev/null 2>&1
check "a bind address that is not numeric: exit 2" test $? -eq 2
"$drsim" serve "$src/scenarios/lifetime-availability.yaml" --db "$work/x.db" >/dev/null 2>&1
check "a lifetime-mode scenario: exit 2" test $? -eq 2
"$drsim" serve "$work/missing.yaml" --db "$work/x.db" >/dev/null 2>&1
check "a missing scenario: exit 2, as drsim run" test $? -eq 2

start() { # extra flags...
  "$drsim" serve "$scenario" --port 0 --db "$work/serve.db" "$@" >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
  port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/out")
  [ -n "$port" ] || { bad "server did not start"; cat "$work/err"; exit 1; }
}

# --- a remote bind with the flag warns -----------------------------------------
"$drsim" serve "$scenario" --port 0 --bind 0.0.0.0 --allow-remote --db "$work/r.db" >"$work/rout" 2>"$work/rerr" &
rpid=$!
for _ in $(seq 100); do grep -q listening "$work/rout" && break; sleep 0.1; done
check "--bind 0.0.0.0 --allow-remote listens and prints a warning" grep -q "warning: listening on 0.0.0.0" "$work/rerr"
kill -INT "$rpid"; wait "$rpid"
check "SIGINT stops it with exit 0" test $? -eq 0

# --- the live server -------------------------------------------------------------
start --max-runs 1 --max-queue 1 --max-trials 200000 --max-body 65536
python3 "$src/tests/support/serve_check.py" "$drsim" "$scenario" "$port" "$work" "$slow" || fails=$((fails + 1))

# --- graceful shutdown in the middle of a save ------------------------------------
python3 - "$port" <<'EOF' &
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=60)
c.request("POST", "/api/save", body=json.dumps({"trials": 200000, "seed": 99}),
          headers={"Content-Type": "application/json"})
try:
    r = c.getresponse(); r.read()
except Exception:
    pass
EOF
client=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
wait "$client"
check "SIGTERM during a save: exit 0" test "$rc" -eq 0
check "stderr says the database was closed" grep -q "serve.db is closed" "$work/err"
integrity=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$work/serve.db")
check "the database passes PRAGMA integrity_check ($integrity)" test "$integrity" = ok
statuses=$(python3 -c "import sqlite3,sys; print(' '.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute('select status from runs order by id')))" "$work/serve.db")
check "every saved run is complete or interrupted, none left running ($statuses)" \
  bash -c "! echo '$statuses' | grep -qw running && echo '$statuses' | grep -qw complete"
"$drsim" runs --db "$work/serve.db" >/dev/null
check "drsim runs reads the database afterwards" test $? -eq 0

echo "# $fails failed"
[ "$fails" -eq 0 ]
