#!/usr/bin/env bash
# e2e_teams.sh DRSIM SOURCE_DIR — calendars and teams end to end (issue 18
# items 1-3) on scenarios/calendars-and-teams.yaml: with --detail steps the
# stored steps of the one-member team never work at the same time in any
# trial (checked in SQL over every trial); the steps report ends with the
# team wait column (Markdown, CSV, JSON); trace says who waits for the team
# and until when an off-hours approval waits; disaster.start fixes a Friday
# 18:04 New York disaster, whose development approval ends Monday 09:10;
# development misses its 24 h objective in the closed-form share of trials.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sc=$src/scenarios/calendars-and-teams.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

n=4000
"$drsim" run "$sc" --trials $n --detail steps --quiet --format none --db "$work/t.db" 2>"$work/err"
check "run with --detail steps" test -s "$work/t.db"

# Working spans: the approvals' business durations are constants (15 m, 10 m),
# so their work is the last 900 s / 600 s before they end; a failover works
# from start + team wait to its end.
overlaps=$(python3 - "$work/t.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
names = {i: (e, s) for i, e, s in db.execute(
    "SELECT step_index, environment, name FROM run_steps")}
rows = db.execute("SELECT trial, step_index, start_s, end_s, team_wait_s FROM steps "
                  "ORDER BY trial, step_index").fetchall()
span = {}
for trial, i, start, end, wait in rows:
    env, step = names[i]
    if step == "approve":
        a = end - (900 if env == "production" else 600)
    else:
        a = start + wait
    span.setdefault(trial, []).append((a, end))
bad = 0
for trial, sp in span.items():
    sp.sort()
    bad += any(sp[k][0] < sp[k - 1][1] - 1e-6 for k in range(1, len(sp)))
print(bad, len(span))
EOF
)
check "no two steps of team sre overlap in any trial ($overlaps: overlapping, trials)" \
  test "$overlaps" = "0 $n"

"$drsim" report --db "$work/t.db" > "$work/steps.md"
check "steps table: team wait is the last column" \
  grep -q "| off hours | team wait |$" "$work/steps.md"
"$drsim" report --db "$work/t.db" --format csv --table steps -o "$work/steps.csv"
check "steps CSV ends with mean_team_wait_s" \
  bash -c "head -1 '$work/steps.csv' | grep -q ',off_hours_share,mean_team_wait_s$'"
"$drsim" report --db "$work/t.db" --format json > "$work/r.json"
check "JSON steps carry mean_team_wait_s" grep -q '"mean_team_wait_s"' "$work/r.json"

# Development misses 24 h when its approval waits over 22 h 45 m: only over
# the weekend, P = 41.25 h / 168 h = 0.2455 (sd over n trials: sqrt(p(1-p)/n));
# the team adds a little.
"$drsim" report --db "$work/t.db" --format csv --table summary -o "$work/sum.csv"
share=$(python3 - "$work/sum.csv" $n <<'EOF'
import csv, math, sys
n = int(sys.argv[2])
for r in csv.DictReader(open(sys.argv[1])):
    if r["environment"] == "development" and r["metric"] == "rto":
        miss = 1 - float(r["p_meet"])
        p = 41.25 / 168
        print("ok" if p - 4 * math.sqrt(p * (1 - p) / n) <= miss <= p + 0.01 + 4 * math.sqrt(p * (1 - p) / n) else "bad %.4f" % miss)
EOF
)
check "development misses 24 h in about 24.6 % of the trials ($share)" test "$share" = ok

"$drsim" trace "$sc" --trial 3 > "$work/trace3" 2>&1
check "trace says a step waits for team sre" grep -q "waits for team sre" "$work/trace3"
check "trace says when it gets a member" grep -q "gets a member of team sre after waiting" "$work/trace3"

"$drsim" trace "$sc" --trial 0 --set 'disaster.start=2026-01-09T23:04' > "$work/fri" 2>&1
check "trace prints the fixed start in New York time" \
  grep -q "calendar sre-nyc: Fri 2026-01-09 18:04 America/New_York (off hours)" "$work/fri"
check "Friday 18:04: development's approval waits until Monday 09:00" \
  grep -q "development: approve waits for business hours (sre-nyc): until Mon 2026-01-12 09:00" "$work/fri"
# Monday 09:10 New York is 63 h 06 m after Friday 18:04.
check "Friday 18:04: development's approval is done at 63:06:00" \
  grep -q "^63:06:00  development: approve done" "$work/fri"
"$drsim" validate "$sc" --set 'disaster.start=2026-01-09T23:04' > "$work/val" 2>&1
check "validate summarises the calendar, team and fixed start" \
  bash -c "grep -q 'calendar sre-nyc: America/New_York, 09:00-17:00 on Mon Tue Wed Thu Fri' '$work/val' &&
           grep -q 'team sre: 1 member, calendar sre-nyc' '$work/val' &&
           grep -q 'disaster strikes at Fri 2026-01-09 23:04 UTC (disaster.start)' '$work/val'"

echo "# $passes passed, $fails failed"
[ "$fails" -eq 0 ]
