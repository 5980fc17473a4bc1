#!/usr/bin/env bash
# e2e_integrity.sh DRSIM SOURCE_DIR — drsim never loses, never mixes, never
# leaks (issue 14; docs/guarantees.md says what is promised):
#  * an output path that is the results database (or its -wal/-shm, or any
#    input, compared by device and inode) is refused with exit 2;
#  * report/export outputs are replaced atomically: a failed write leaves the
#    old file untouched; a file-size limit gives exit 3 and an interrupted
#    run, not a silent SIGXFSZ death;
#  * errors writing standard output (> /dev/full) are exit 3;
#  * FIFOs and devices given as scenario or --db are refused, never block;
#  * a run pins its empirical `file:` samples: --resume uses the stored copy
#    (not the changed file, not the current directory's), a changed large
#    file and shards with different files are refused by name (item 4);
#  * `file:` is confined to the scenario's folder (or --allow-path) and no
#    file content reaches a message (item 5);
#  * a second --resume of a live run is refused; runs shows killed runs as
#    interrupted; runs --delete; a merged run with gaps (items 6, 7);
#  * Markdown escapes names, ANSI escapes and empty names are refused (10);
#  * read-only databases get no side files (12); messages (14).
# Prints "ok - ..." / "not ok - ..." lines and "N passed, M failed"; exit
# status 0 when nothing failed.
set -u
drsim=$(realpath "$1")
src=$2
ref=$src/scenarios/azure-aks-east-west.yaml
work=$(mktemp -d)
cleanup() { chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 143' TERM INT
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
expect_status() { # NAME WANT CMD...: stdout/stderr of CMD in $work/out, $work/err
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; sed 's/^/#   /' "$work/err"; fi
}
expect_message() { # NAME PATTERN (extended regex, in $work/err)
  if grep -Eq "$2" "$work/err"; then ok "$1: $(head -n 1 "$work/err" | cut -c1-160)"; else bad "$1: no /$2/ in the message"; sed 's/^/#   /' "$work/err"; fi
}
# Run CMD with a time limit; exit status 124 when it had to be killed.
bounded() { timeout -k 1 10 "$@"; }
fp() { cat "$@" 2>/dev/null | cksum; }

db=$work/r.db
"$drsim" run "$ref" --trials 2000 --db "$db" --quiet --format none 2>"$work/err" || { bad "setup run"; cat "$work/err"; }
dbfp=$(fp "$db")
runs_ok() { [ "$("$drsim" runs --db "$db" 2>/dev/null | grep -c complete)" = 1 ]; }

# --- 1. an output that is an input ---------------------------------------------
for args in "report --db $db -o $db" "report --db $db --format csv -o $db" \
            "report --db $db --format html -o $db" "export --db $db -o $db" \
            "report --db $db -o $db-wal" "report --db $db -o $db-shm" \
            "export --db $db -o $work/./r.db"; do
  # shellcheck disable=SC2086
  expect_status "refused: drsim $(echo "$args" | sed "s|$work/||g")" 2 "$drsim" $args
done
expect_message "output is the database: clear message" 'r\.db.*input'
ln "$db" "$work/hardlink.db"
expect_status "refused: an output hard-linked to the database" 2 "$drsim" report --db "$db" -o "$work/hardlink.db"
ln -s "$db" "$work/symlink.db"
expect_status "refused: an output symlinked to the database" 2 "$drsim" export --db "$db" -o "$work/symlink.db"
expect_status "refused: size --html onto its --db" 2 "$drsim" size "$ref" --pool aks-prod-dr --trials 1000 --db "$db" --html "$db"
expect_status "refused: size --html onto its scenario" 2 "$drsim" size "$ref" --pool aks-prod-dr --trials 1000 --html "$ref"
expect_status "refused: sensitivity --html onto its --db" 2 "$drsim" sensitivity "$ref" --metric production.rto.p95 --db "$db" --html "$db"
expect_status "refused: merge -o onto a part" 2 "$drsim" merge "$db" -o "$db"
[ "$(fp "$db")" = "$dbfp" ] && runs_ok && ok "the database survived every attempt (same bytes, run listed)" \
  || bad "the database was modified"

# --- 3. outputs replaced atomically; file-size limit -----------------------------
"$drsim" report --db "$db" --format csv -o "$work/good.csv" 2>/dev/null
good=$(fp "$work/good.csv")
big=$("$drsim" export --db "$db" | wc -c)
[ "$big" -gt 200000 ] || bad "export too small to test a file-size limit ($big bytes)"
cp "$work/good.csv" "$work/export.csv"
old=$(fp "$work/export.csv")
( ulimit -f 64; exec "$drsim" export --db "$db" -o "$work/export.csv" ) >/dev/null 2>"$work/err"
st=$?
[ $st = 3 ] && ok "export past a file-size limit: exit 3 (not killed by SIGXFSZ)" || bad "export past a file-size limit: exit $st, want 3"
expect_message "file-size limit: the error names the file" 'export\.csv.*left as it was'
[ "$(fp "$work/export.csv")" = "$old" ] && ok "the old export.csv is untouched after the failed export" \
  || bad "export.csv was clobbered by a failed export"
ls "$work"/export.csv.tmp-* >/dev/null 2>&1 && bad "a temporary file was left behind" || ok "no temporary file left behind"
( ulimit -f 64; exec "$drsim" report --db "$db" --format html -o "$work/good.csv" ) >/dev/null 2>&1
[ "$(fp "$work/good.csv")" = "$good" ] && ok "a failed report -o leaves the old file untouched" || bad "report -o clobbered the old file"
expect_status "report -o replaces a good file on success" 0 "$drsim" report --db "$db" --format md -o "$work/good.csv"
head -c 1 "$work/good.csv" | grep -q '#' && ok "... and the new content is there" || bad "report -o did not replace the file"
# The run itself under a file-size limit: exit 3, message, run interrupted.
( ulimit -f 1024; exec "$drsim" run "$ref" --trials 100000 --detail summary --db "$work/fsize.db" --quiet --format none ) 2>"$work/err"
st=$?
[ $st = 3 ] && ok "run past a file-size limit: exit 3" || bad "run past a file-size limit: exit $st, want 3"
expect_message "run past a file-size limit: message" 'fsize\.db: .*kept'
got=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select status from runs').fetchone()[0])" "$work/fsize.db")
[ "$got" = interrupted ] && ok "the run is marked interrupted" || bad "the run is '$got', want interrupted"

# --- 9. standard output errors ----------------------------------------------------
if [ -w /dev/full ]; then
  for args in "runs --db $db" "compare --db $db 1 1" "validate $ref" "trace $ref --trial 1" \
              "version" "--help" "run --help" "report --db $db --format csv" \
              "export --db $db"; do
    # shellcheck disable=SC2086
    "$drsim" $args >/dev/full 2>"$work/err"
    st=$?
    name="drsim $(echo "$args" | sed "s|$work/||g;s|$src/scenarios/||g") > /dev/full"
    [ $st = 3 ] && ok "$name: exit 3" || { bad "$name: exit $st, want 3"; sed 's/^/#   /' "$work/err"; }
    [ -s "$work/err" ] || bad "$name: no message"
  done
  "$drsim" runs --db "$db" >/dev/full 2>"$work/err"
  expect_message "/dev/full: clear message" 'cannot write the output'
else
  ok "/dev/full checks # skip no writable /dev/full"
fi

# --- 11. FIFOs and devices are refused, never block ----------------------------
mkfifo "$work/fifo.yaml" "$work/fifo.db"
expect_status "validate FIFO" 2 bounded "$drsim" validate "$work/fifo.yaml"
expect_message "validate FIFO: clear message" 'fifo\.yaml.*FIFO'
expect_status "run FIFO scenario" 2 bounded "$drsim" run "$work/fifo.yaml" --db "$work/x.db"
expect_status "runs --db FIFO" 3 bounded "$drsim" runs --db "$work/fifo.db"
expect_message "runs --db FIFO: clear message" 'fifo\.db.*(regular|FIFO)'
expect_status "report --db FIFO" 3 bounded "$drsim" report --db "$work/fifo.db"
expect_status "run --db FIFO" 3 bounded "$drsim" run "$ref" --trials 10 --db "$work/fifo.db" --quiet
expect_status "merge FIFO part" 3 bounded "$drsim" merge "$work/fifo.db" -o "$work/m.db"
expect_status "runs --db /dev/zero" 3 bounded "$drsim" runs --db /dev/zero
expect_status "validate /dev/zero" 2 bounded "$drsim" validate /dev/zero


# --- helpers for runs in progress ----------------------------------------------
# Wait (bounded) until the newest run of DB has committed >= N trials;
# read-only, never creates the file.
wait_trials() { # DB N
  python3 - "$1" "$2" <<'PY'
import os, sqlite3, sys, time
db, want = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 60
while time.time() < deadline:
    if os.path.exists(db):
        try:
            c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=0.05)
            r = c.execute("select trials_done from runs order by id desc limit 1").fetchone()
            c.close()
            if r and r[0] >= want:
                sys.exit(0)
        except sqlite3.Error:
            pass
    time.sleep(0.002)
sys.exit(1)
PY
}
# Trials of run A in DB1 equal those of run B in DB2 (all columns but run_id).
same_trials() { # DB1 A DB2 B
  python3 - "$@" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("attach ? as f", (sys.argv[3],))
a, b = int(sys.argv[2]), int(sys.argv[4])
cl = ",".join(r[1] for r in c.execute("pragma table_info(trials)") if r[1] != "run_id")
n = [c.execute("select count(*) from %s.trials where run_id=?" % d, (r,)).fetchone()[0] for d, r in (("main", a), ("f", b))]
d = c.execute("select count(*) from (select %s from main.trials where run_id=? except select %s from f.trials where run_id=?)" % (cl, cl), (a, b)).fetchone()[0]
print("rows %d and %d, %d differ" % (n[0], n[1], d))
sys.exit(0 if n[0] == n[1] and d == 0 and n[0] > 0 else 1)
PY
}
sql() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit(); print('\n'.join('|'.join(map(str, x)) for x in r))" "$@"; }

# A small scenario whose approval step draws from an empirical samples file.
emp_scenario() { # DIR: writes DIR/emp.yaml and DIR/t.csv (minutes)
  mkdir -p "$1"
  cat >"$1/emp.yaml" <<'YAML'
version: 1
name: empirical-pin
trials: 20000
objectives:
  production: {rto: 4h, rpo: 15m}
regions:
  - {name: eastus, role: primary}
  - {name: westus2, role: standby}
components:
  - name: sql
    environment: production
    region: eastus
    replication: {mode: async, lag: {dist: lognormal, median: 5s, p95: 2m}}
    failover: {after: 1h, duration: 5m}
workflows:
  - environment: production
    detection: {dist: exponential, mean: 5m}
    steps:
      - name: approve
        manual: true
        duration: {dist: empirical, file: t.csv}
      - name: restore
        needs: [approve, sql]
        duration: {dist: lognormal, median: 20m, p95: 1h}
YAML
  printf 'minutes\n10m\n20m\n30m\n45m\n' >"$1/t.csv"
}

# --- 4. a run pins its input files ----------------------------------------------
emp_scenario "$work/pin"
"$drsim" run "$work/pin/emp.yaml" --trials 100000 --db "$work/pin-full.db" --quiet --format none 2>"$work/err" \
  || { bad "empirical run"; cat "$work/err"; }
sql "$work/pin-full.db" "select name, size, length(content) from run_inputs" >"$work/out"
[ "$(cat "$work/out")" = "t.csv|24|24" ] && ok "the run stores t.csv's hash and content (run_inputs)" \
  || { bad "run_inputs: $(cat "$work/out")"; }
# Interrupt a run, change t.csv (to 1000 h approvals), and resume from a
# directory holding another t.csv: the resumed run must equal the
# uninterrupted one (the stored copy is used, nothing else).
"$drsim" run "$work/pin/emp.yaml" --trials 100000 --threads 1 --db "$work/pin.db" --quiet --format none 2>/dev/null &
pid=$!
# Stopped first, so that the interrupt lands before the run can finish.
wait_trials "$work/pin.db" 2048 && kill -STOP $pid && kill -INT $pid && kill -CONT $pid; wait $pid
st=$?
printf '1000h\n2000h\n' >"$work/pin/t.csv"
mkdir -p "$work/elsewhere"; printf '999h\n' >"$work/elsewhere/t.csv"
if [ $st = 130 ]; then
  (cd "$work/elsewhere" && "$drsim" run --resume 1 --db "$work/pin.db" --quiet --format none) 2>"$work/err"
  rst=$?
  [ $rst = 0 ] && ok "resume after t.csv changed and from another directory: exit 0" || { bad "resume: exit $rst"; cat "$work/err"; }
  if out=$(same_trials "$work/pin.db" 1 "$work/pin-full.db" 1); then ok "the resumed run equals the uninterrupted run ($out): the stored t.csv was used"
  else bad "the resumed run mixed two models ($out)"; fi
else
  bad "interrupting the empirical run: exit $st, want 130"
fi
# A file too large to be stored with the run is checked by its hash, and
# read from the scenario's folder: a change is refused, naming the file.
emp_scenario "$work/big"
{ printf '10m\n20m\n'; head -c 4500000 /dev/zero | tr '\0' '#' | fold -w 100; echo; } >"$work/big/t.csv"
"$drsim" run "$work/big/emp.yaml" --trials 3000 --db "$work/big.db" --quiet --format none 2>/dev/null
sql "$work/big.db" "update runs set status = 'interrupted', trials = 6000" >/dev/null
[ "$(sql "$work/big.db" "select content is null from run_inputs")" = 1 ] && ok "a t.csv over 4 MiB is pinned by its hash only" || bad "large t.csv content stored"
printf '15m\n' >>"$work/big/t.csv"
expect_status "resume after a large t.csv changed: refused" 2 "$drsim" run --resume 1 --db "$work/big.db" --quiet --format none
expect_message "... naming the file" "input file 't\.csv' of run 1 has changed"
# Shards of one run with different t.csv: merge refuses, naming the file.
emp_scenario "$work/s1"; emp_scenario "$work/s2"; printf '5h\n' >"$work/s2/t.csv"
"$drsim" run "$work/s1/emp.yaml" --trials 2000 --shard 1/2 --db "$work/p1.db" --quiet --format none 2>/dev/null
"$drsim" run "$work/s2/emp.yaml" --trials 2000 --shard 2/2 --db "$work/p2.db" --quiet --format none 2>/dev/null
expect_status "merge of shards with different t.csv: refused" 2 "$drsim" merge "$work/p1.db" "$work/p2.db" -o "$work/m.db" --quiet
expect_message "... naming the file" 'input file t\.csv'
[ ! -e "$work/m.db" ] && ok "nothing merged" || bad "a merged database was written"

# --- 5. file: confined to the scenario's folder; no content in messages ----------
emp_scenario "$work/conf"
try_file() { # NAME VALUE WANT [extra args...]: set the approval file to VALUE
  local name=$1 value=$2 want=$3; shift 3
  expect_status "$name" "$want" env SECRET_TOKEN=xyzzy-s3cr3t "$drsim" validate "$work/conf/emp.yaml" \
    --set "workflows.production.steps.approve.duration.file=$value" "$@"
  if grep -Eq 'xyzzy|root:|hunter2' "$work/err" "$work/out"; then bad "$name: file content leaked into the output"; sed 's/^/#   /' "$work/err"
  else ok "$name: no file content in the output"; fi
}
try_file "file: /etc/passwd (absolute, outside)" /etc/passwd 2
expect_message "... is refused as outside the scenario's folder" "outside the scenario's folder"
try_file "file: /proc/self/environ" /proc/self/environ 2
mkdir -p "$work/secret"; printf 'API_KEY=hunter2-very-secret\n' >"$work/secret/creds.csv"; printf '7m\n8m\n' >"$work/secret/ok.csv"
try_file "file: ../secret/creds.csv (climbing out)" ../secret/creds.csv 2
ln -sf ../secret/creds.csv "$work/conf/link.csv"
try_file "file: a symlink inside pointing outside" link.csv 2
expect_message "... is refused" 'outside'
cp "$work/secret/creds.csv" "$work/conf/creds.csv"
try_file "file: a credentials file inside the folder" creds.csv 2
expect_message "... reported by position only" 'creds\.csv:1:1: .*not a duration.*not shown'
try_file "file: /proc/self/environ with --allow-path /proc" /proc/self/environ 2 --allow-path /proc
try_file "--allow-path lets a samples file outside be read" ../secret/ok.csv 0 --allow-path "$work/secret"
{ printf '10m\n'; printf 'x%.0s' {1..200}; printf 'SECRETTAIL\n'; } >"$work/conf/long.csv"
try_file "a long bad line after good ones" long.csv 2
grep -q SECRETTAIL "$work/err" && bad "the whole bad line was echoed" || ok "only a short excerpt of the bad line is shown"
mkfifo "$work/conf/fifo.csv"
expect_status "file: a FIFO is refused at once" 2 bounded "$drsim" validate "$work/conf/emp.yaml" --set workflows.production.steps.approve.duration.file=fifo.csv

# --- 6. a second --resume of a live run is refused -----------------------------
"$drsim" run "$ref" --trials 100000 --threads 1 --detail summary --db "$work/live.db" --quiet --format none 2>"$work/live.err" &
pid=$!
if wait_trials "$work/live.db" 2048; then
  kill -STOP $pid
  expect_status "second --resume while the run lives: refused" 3 "$drsim" run --resume 1 --db "$work/live.db" --quiet --format none
  expect_message "... naming its process" "run 1 is being executed by process $pid"
  expect_status "runs --delete of the live run: refused" 3 "$drsim" runs --delete 1 --db "$work/live.db"
  "$drsim" runs --db "$work/live.db" >"$work/out" 2>&1
  grep -q ' running ' "$work/out" && ok "runs shows the live run as running" || { bad "runs: live run not shown as running"; cat "$work/out"; }
  kill -CONT $pid
fi
wait $pid
st=$?
[ $st = 0 ] && ok "the live run was not disturbed: exit 0" || { bad "the live run: exit $st"; cat "$work/live.err"; }
[ "$(sql "$work/live.db" "select status, trials_done from runs")" = "complete|100000" ] && ok "... and is complete with every trial" \
  || bad "live run stored: $(sql "$work/live.db" "select status, trials_done from runs")"

# --- 7. dead runs, --delete, merged runs with gaps ------------------------------
"$drsim" run "$ref" --trials 100000 --threads 1 --detail summary --db "$work/dead.db" --quiet --format none 2>/dev/null &
pid=$!
wait_trials "$work/dead.db" 2048; kill -9 $pid; wait $pid 2>/dev/null
"$drsim" runs --db "$work/dead.db" >"$work/out" 2>&1
grep -q ' interrupted ' "$work/out" && ok "runs shows a killed run as interrupted (owner gone)" || { bad "killed run not shown as interrupted"; cat "$work/out"; }
"$drsim" runs --db "$work/dead.db" --format json | grep -q '"status": *"interrupted"' \
  && ok "... also in runs --format json" || bad "runs --format json: killed run not interrupted"
"$drsim" report --db "$work/dead.db" --format md 2>/dev/null | grep -q '(interrupted)' \
  && ok "... and in its Markdown report" || bad "the report of a killed run does not say interrupted"
expect_status "runs --delete a dead run" 0 "$drsim" runs --delete 1 --db "$work/dead.db"
[ "$(sql "$work/dead.db" "select (select count(*) from runs) + (select count(*) from trials) + (select count(*) from run_environments) + (select count(*) from step_stats)")" = 0 ] \
  && ok "... every row of it is gone" || bad "rows of the deleted run remain"
expect_status "runs --delete an unknown run" 2 "$drsim" runs --delete 7 --db "$work/dead.db"
"$drsim" run "$ref" --trials 900 --shard 1/3 --db "$work/g1.db" --quiet --format none 2>/dev/null
"$drsim" run "$ref" --trials 900 --shard 3/3 --db "$work/g3.db" --quiet --format none 2>/dev/null
"$drsim" merge "$work/g1.db" "$work/g3.db" -o "$work/gaps.db" --allow-gaps --quiet 2>/dev/null
expect_status "resume a merged run with gaps in the middle" 2 "$drsim" run --resume 1 --db "$work/gaps.db" --quiet --format none
expect_message "... a clear message, not a constraint error" 'gaps between them'
grep -q UNIQUE "$work/err" && bad "raw UNIQUE constraint message" || ok "no raw SQLite constraint message"


# --- 10. hostile names -----------------------------------------------------------
emp_scenario "$work/names"
sed -i 's/^name: empirical-pin$/name: "<script>alert(1)<\/script> **bold** [x](http:\/\/e.invalid) `c`"/' "$work/names/emp.yaml"
"$drsim" run "$work/names/emp.yaml" --trials 500 --db "$work/names.db" --quiet --format none 2>"$work/err" \
  || { bad "run with a hostile name"; cat "$work/err"; }
"$drsim" report --db "$work/names.db" --format md >"$work/out" 2>&1
grep -q '<script>' "$work/out" && bad "Markdown passes <script> raw" || ok "Markdown report: <script> is escaped"
grep -Fq '\<script\>alert(1)\</script\> \*\*bold\*\* \[x\](http://e.invalid) \`c\`' "$work/out" \
  && ok "... every Markdown-active character of the name escaped" || { bad "name not escaped as expected"; grep 'Run 1' "$work/out"; }
printf 'version: 1\nname: "red \\e[31mALERT\\e[0m"\n' >"$work/ansi.yaml"
sed -n '3,$p' "$work/names/emp.yaml" >>"$work/ansi.yaml"
expect_status "a scenario name with an ANSI escape sequence is refused" 2 "$drsim" validate "$work/ansi.yaml"
grep -q $'\e' "$work/err" "$work/out" && bad "an escape character reached the output" || ok "no escape character in the output"
sed 's/^name: "red.*$/name: ""/' "$work/ansi.yaml" >"$work/empty-name.yaml"
expect_status "an empty scenario name is refused" 2 "$drsim" validate "$work/empty-name.yaml"
expect_message "... with a clear message" 'scenario name is empty'

# --- 12. read-only databases: nothing created beside them ------------------------
cp "$db" "$work/ro.db"; chmod 444 "$work/ro.db"
expect_status "report on a read-only (0444) database" 0 "$drsim" report --db "$work/ro.db" --format csv
expect_status "runs on a read-only database" 0 "$drsim" runs --db "$work/ro.db"
expect_status "export from a read-only database" 0 "$drsim" export --db "$work/ro.db"
ls "$work"/ro.db-* >/dev/null 2>&1 && { bad "side files left beside the read-only database"; ls -l "$work"/ro.db-*; } \
  || ok "no -wal/-shm files created beside the read-only database"
expect_status "run into a read-only database: refused" 3 "$drsim" run "$ref" --trials 10 --db "$work/ro.db" --quiet --format none
expect_message "... naming the read-only file" 'ro\.db: the file is read-only'
chmod 644 "$work/ro.db"
expect_status "made writable again, it takes a new run" 0 "$drsim" run "$ref" --trials 10 --db "$work/ro.db" --quiet --format none

# --- 14. messages ------------------------------------------------------------------
expect_status "size --objective ENV without a metric" 2 "$drsim" size "$ref" --pool aks-prod-dr --objective production --trials 1000
grep -q "did you mean 'production'" "$work/err" && bad "suggests the word the user typed" || ok "no 'did you mean production' for production"
expect_message "... says what is missing" 'which metric'
# (Retried with a longer wait if the interrupt came before drsim caught it.)
for delay in 0.5 2 5; do
  "$drsim" run "$ref" --trials 50000000 --threads 1 --no-store --quiet --format none 2>"$work/err" &
  pid=$!
  sleep $delay; kill -INT $pid; wait $pid
  [ $? = 130 ] && break
done
grep -q -- '--resume 0' "$work/err" && bad "--no-store + Ctrl-C suggests --resume 0" || ok "--no-store + Ctrl-C: no --resume suggestion"
expect_message "... says nothing was stored" 'not stored'
sed 's/production/qa/g' "$work/names/emp.yaml" >"$work/names/qa.yaml"
"$drsim" run "$work/names/qa.yaml" --trials 500 --db "$work/names.db" --quiet --format none 2>/dev/null
expect_status "compare runs with no environment in common" 2 "$drsim" compare --db "$work/names.db" 1 2
expect_message "... says so" 'no environment and metric in common'
expect_status "size at quantile 0.9999999 (too few trials)" 2 "$drsim" size "$ref" --pool aks-prod-dr --quantile 0.9999999 --trials 100
grep -q 'p100\b' "$work/err" && bad "a quantile label rounds to p100" || ok "the quantile label is p99.99999, not p100: $(grep -o 'p99[.0-9]*' "$work/err" | head -1)"


# --- 8. merge cleans up its temporary files ----------------------------------------
mkdir -p "$work/mg"
for k in 1 2; do
  "$drsim" run "$ref" --trials 40000 --shard $k/2 --detail steps --db "$work/mg/p$k.db" --quiet --format none 2>/dev/null
done
wait_tmp() { # wait (bounded) until a merge temporary file of OUT exists with some data
  for _ in $(seq 1 2000); do
    for f in "$1".tmp-*; do [ -s "$f" ] && return 0; done
    sleep 0.005
  done
  return 1
}
"$drsim" merge "$work/mg/p1.db" "$work/mg/p2.db" -o "$work/mg/m.db" --quiet 2>"$work/err" &
pid=$!
wait_tmp "$work/mg/m.db"; kill -INT $pid; wait $pid
st=$?
if [ $st = 0 ]; then ok "merge interrupted by SIGINT # skip the merge finished first"
else
  [ $st = 130 ] && ok "merge interrupted by SIGINT: exit 130" || bad "merge interrupted by SIGINT: exit $st, want 130"
  ls "$work/mg"/m.db* >/dev/null 2>&1 && { bad "an interrupted merge left files"; ls -la "$work/mg"; } \
    || ok "... and left no temporary file, no output"
fi
"$drsim" merge "$work/mg/p1.db" "$work/mg/p2.db" -o "$work/mg/m.db" --quiet 2>/dev/null &
pid=$!
wait_tmp "$work/mg/m.db"; kill -9 $pid; wait $pid 2>/dev/null
left=$(ls "$work/mg"/m.db.tmp-* 2>/dev/null | wc -l)
[ "$left" -gt 0 ] && ok "kill -9 of a merge leaves its temporary files ($left)" || ok "kill -9 of a merge # skip it left nothing to clean"
expect_status "the next merge into the same output" 0 "$drsim" merge "$work/mg/p1.db" "$work/mg/p2.db" -o "$work/mg/m.db" --quiet
[ "$(ls "$work/mg"/m.db.tmp-* 2>/dev/null | wc -l)" = 0 ] && ok "... removed the dead merge's temporary files" \
  || { bad "stale temporary files remain"; ls -la "$work/mg"; }


# --- 7. sweep --resume and size --resume continue where they stopped -----------------
# Wait (bounded) until DB holds >= K runs and its newest has committed trials.
wait_runs() { # DB K
  python3 - "$1" "$2" <<'PY'
import os, sqlite3, sys, time
deadline = time.time() + 60
while time.time() < deadline:
    if os.path.exists(sys.argv[1]):
        try:
            c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=0.05)
            r = c.execute("select count(*), (select trials_done from runs order by id desc limit 1) from runs").fetchone()
            c.close()
            if r[0] >= int(sys.argv[2]) and (r[1] or 0) > 0:
                sys.exit(0)
        except sqlite3.Error:
            pass
    time.sleep(0.002)
sys.exit(1)
PY
}
sw=(sweep "$ref" --vary standby.aks-prod-dr.warm_nodes=1,2,3 --trials 30000 --threads 1 --detail summary --format csv --quiet)
"$drsim" "${sw[@]}" --db "$work/sw-full.db" >"$work/sw-full.csv" 2>/dev/null
"$drsim" "${sw[@]}" --db "$work/sw.db" >/dev/null 2>&1 &
pid=$!
wait_runs "$work/sw.db" 2 && kill -STOP $pid && kill -INT $pid && kill -CONT $pid; wait $pid
st=$?
if [ $st = 130 ]; then
  expect_status "sweep --resume 1 after an interrupt" 0 "$drsim" "${sw[@]}" --db "$work/sw.db" --resume 1
  cut -d, -f2- "$work/out" >"$work/a.csv"; cut -d, -f2- "$work/sw-full.csv" >"$work/b.csv"
  [ "$(sql "$work/sw.db" "select count(*), sum(status = 'complete') from runs where sweep_id = 1")" = "3|3" ] \
    && ok "... three points, one run each, all complete" || bad "sweep runs: $(sql "$work/sw.db" "select id, point, status from runs")"
  good=1
  for k in 1 2 3; do same_trials "$work/sw.db" $k "$work/sw-full.db" $k >/dev/null || good=0; done
  [ $good = 1 ] && ok "... each point equals the uninterrupted sweep's, trial for trial" || bad "resumed sweep differs"
else
  bad "interrupting the sweep: exit $st, want 130"
fi
expect_status "sweep --resume of an unknown sweep" 2 "$drsim" "${sw[@]}" --db "$work/sw.db" --resume 9
# (a target the full pool meets, so that the search goes on past its first candidate)
sz=(size "$ref" --pool aks-prod-dr --target 12h --trials 30000 --threads 1 --format csv --quiet)
"$drsim" "${sz[@]}" --db "$work/sz-full.db" >"$work/sz-full.csv" 2>/dev/null
"$drsim" "${sz[@]}" --db "$work/sz.db" >/dev/null 2>&1 &
pid=$!
wait_runs "$work/sz.db" 2 && kill -STOP $pid && kill -INT $pid && kill -CONT $pid; wait $pid
st=$?
if [ $st = 130 ]; then
  expect_status "size --resume 1 after an interrupt" 0 "$drsim" "${sz[@]}" --db "$work/sz.db" --resume 1
  cmp -s "$work/out" "$work/sz-full.csv" && ok "... gives the uninterrupted search's table exactly" \
    || { bad "resumed size differs"; diff "$work/out" "$work/sz-full.csv" | head -5; }
  [ "$(sql "$work/sz.db" "select count(*) from runs")" = "$(sql "$work/sz-full.db" "select count(*) from runs")" ] \
    && ok "... without evaluating any candidate twice" || bad "size --resume stored extra runs"
else
  bad "interrupting size: exit $st, want 130"
fi

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
