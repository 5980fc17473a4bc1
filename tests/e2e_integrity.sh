#!/usr/bin/env bash
# e2e_integrity.sh DRSIM SOURCE_DIR — drsim never loses, never mixes, never
# leaks (issue 14; docs/guarantees.md says what is promised):
#  * an output path that is the results database (or its -wal/-shm, or any
#    input, compared by device and inode) is refused with exit 2;
#  * report/export outputs are replaced atomically: a failed write leaves the
#    old file untouched; a file-size limit gives exit 3 and an interrupted
#    run, not a silent SIGXFSZ death;
#  * errors writing standard output (> /dev/full) are exit 3;
#  * FIFOs and devices given as scenario or --db are refused, never block.
# Prints "ok - ..." / "not ok - ..." lines and "N passed, M failed"; exit
# status 0 when nothing failed.
set -u
drsim=$1
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
expect_status "refused: size --html onto its --db" 2 "$drsim" size "$ref" --pool aks-westus2 --trials 1000 --db "$db" --html "$db"
expect_status "refused: size --html onto its scenario" 2 "$drsim" size "$ref" --pool aks-westus2 --trials 1000 --html "$ref"
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

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
