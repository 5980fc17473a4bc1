#!/usr/bin/env bash
# e2e_detail.sh DRSIM SOURCE_DIR — the default detail keeps one compact row
# per trial and environment and re-simulates per-trial detail on demand
# (issue 22 item 1): on the reference scenario a default run stores no step,
# component or pool rows, in a much smaller database, and its reports
# (Markdown, CSV, JSON, HTML with the median trial's timeline, the steps of
# the missed trials and the RPO histograms; the architecture diagram's
# figures) equal those of the same run kept with --detail steps, but for the
# detail level and the times; re-simulated columns equal the stored rows
# value for value; a default run made of two shards, merged, and a default
# run interrupted and resumed report as the single run does.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT; echo "work: $work"
sc=$src/scenarios/azure-aks-east-west.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
n=3000
run() { "$drsim" run "$sc" --trials $n --seed 11 --quiet --format none "$@" 2>>"$work/err"; }

# The reports of a database, its run times, detail level and the diagram's
# layout (graphviz output, not a figure) taken out.
reports() {
  local db=$1 out=$2
  mkdir -p "$out"
  "$drsim" report --db "$db" --format md -o "$out/r.md" 2>>"$work/err"
  "$drsim" report --db "$db" --format json -o "$out/r.json" 2>>"$work/err"
  "$drsim" report --db "$db" --format csv --out-dir "$out/csv" >/dev/null 2>>"$work/err"
  "$drsim" report --db "$db" --format html -o "$out/r.html" 2>>"$work/err"
  "$drsim" diagram "$sc" --db "$db" -o "$out/d.dot" 2>>"$work/err"
  python3 - "$out" <<'PY'
import glob, os, re, sys
out = sys.argv[1]
for f in glob.glob(out + "/r.*") + glob.glob(out + "/csv/*.csv"):
    t = open(f).read()
    t = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "TIME", t)
    t = re.sub(r"(detail(?:</dt><dd>|\W+))(steps|summary)", r"\1DETAIL", t)
    t = re.sub(r"(threads(?:</dt><dd>|\W+))\d+", r"\1T", t)
    t = re.sub(r"run \d+", "run N", t)
    t = re.sub(r"<code>[^<]*\.db</code>", "DB", t)
    t = re.sub(r'<div class="diagram-box">.*?</svg>', "DIAGRAM", t, flags=re.S)
    open(f + ".norm", "w").write(t)
# the diagram's labels (its figures), without the layout
labels = sorted(re.findall(r'label=(<<.*?>>|"[^"]*")', open(out + "/d.dot").read(), re.S))
open(out + "/d.labels", "w").write("\n".join(labels))
PY
}
same_reports() {
  local a=$1 b=$2 f
  for f in r.md r.json r.html; do cmp -s "$a/$f.norm" "$b/$f.norm" || { diff "$a/$f.norm" "$b/$f.norm" | head -5; return 1; }; done
  for f in "$a"/csv/*.csv; do cmp -s "$f.norm" "$b/csv/$(basename "$f").norm" || { echo "differs: $(basename "$f")"; return 1; }; done
  cmp -s "$a/d.labels" "$b/d.labels"
}

run --db "$work/steps.db" --detail steps
run --db "$work/default.db"
rows() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }
check "a default run keeps no step, component or pool rows" \
  test "$(rows "$work/default.db" "SELECT (SELECT count(*) FROM steps) + (SELECT count(*) FROM components) + (SELECT count(*) FROM standby_trials)")" = 0
check "its detail level is summary" test "$(rows "$work/default.db" "SELECT detail FROM runs")" = summary
check "--detail steps keeps them" test "$(rows "$work/steps.db" "SELECT count(*) FROM steps")" -gt 0
size_s=$(stat -c %s "$work/steps.db"); size_d=$(stat -c %s "$work/default.db")
check "the default database is at most a quarter of --detail steps' ($size_d vs $size_s bytes)" \
  test $((size_d * 4)) -le "$size_s"

reports "$work/steps.db" "$work/rs"
reports "$work/default.db" "$work/rd"
check "the HTML report draws the median trial's timeline and the RPO histograms" \
  bash -c "grep -q 'data-chart=\"gantt\"' '$work/rd/r.html' && ! grep -q 'data-chart-missing=\"rpo-hist\"' '$work/rd/r.html'"
check "default and --detail steps runs give the same reports" same_reports "$work/rs" "$work/rd"


# Shards with the default detail, merged: the same reports (the CSV and
# JSON sums of the step, component and pool aggregates may differ in their
# last bits, summed shard by shard; Markdown and HTML round them).
same_pages() {
  local a=$1 b=$2 f
  for f in r.md r.html; do cmp -s "$a/$f.norm" "$b/$f.norm" || { diff "$a/$f.norm" "$b/$f.norm" | head -5; return 1; }; done
  cmp -s "$a/d.labels" "$b/d.labels"
}
"$drsim" run "$sc" --trials $n --seed 11 --quiet --format none --shard 1/2 --db "$work/p1.db" 2>>"$work/err"
"$drsim" run "$sc" --trials $n --seed 11 --quiet --format none --shard 2/2 --db "$work/p2.db" 2>>"$work/err"
"$drsim" merge "$work/p1.db" "$work/p2.db" -o "$work/merged.db" >/dev/null 2>>"$work/err"
reports "$work/merged.db" "$work/rm"
check "two default shards merged report as the single run" same_pages "$work/rd" "$work/rm"

# Interrupted (SIGINT) and resumed: the same reports as the run done at once.
m=60000
[ "${DRSIM_SLOW_TESTS:-1}" = 0 ] && m=20000
"$drsim" run "$sc" --trials $m --seed 5 --quiet --format none --db "$work/full.db" 2>>"$work/err"
"$drsim" run "$sc" --trials $m --seed 5 --quiet --format none --db "$work/cut.db" 2>>"$work/err" &
pid=$!
sleep 0.3
kill -INT $pid 2>/dev/null
wait $pid
echo "interrupted at: $(rows "$work/cut.db" "SELECT status || ' ' || trials_done FROM runs")"
"$drsim" run --resume 1 --db "$work/cut.db" --quiet --format none 2>>"$work/err"
check "the resumed run is complete" test "$(rows "$work/cut.db" "SELECT status || trials_done FROM runs")" = complete$m
reports "$work/full.db" "$work/rf"
reports "$work/cut.db" "$work/rc"
check "an interrupted and resumed default run reports as the run done at once" same_pages "$work/rf" "$work/rc"

if [ $fails -gt 0 ]; then echo "--- stderr"; cat "$work/err"; fi
echo "detail: $passes passed, $fails failed"
[ $fails -eq 0 ]
