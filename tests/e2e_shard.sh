#!/usr/bin/env bash
# e2e_shard.sh DRSIM SOURCE_DIR — `drsim run --shard K/N` + `drsim merge`:
# 3 shards merged equal one run (every per-trial table row for row, run_id
# aside; aggregates to rounding; the same report); merge refuses shards of
# another scenario or seed and overlapping shards, reports a missing shard
# (middle and last) with the command that fills it and writes nothing,
# --allow-gaps + --resume completes a merge missing its last shard, and an
# interrupted shard is reported with its --resume command.
set -u
drsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref=$src/scenarios/azure-aks-east-west.yaml
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
expect_status() { # NAME WANT CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want"; cat "$work/err"; fi
}
expect_err() { # NAME PATTERN: the last command's stderr matches
  if grep -Eq -- "$2" "$work/err"; then ok "$1"; else bad "$1: stderr lacks /$2/"; cat "$work/err"; fi
}
# Compare two databases' run 1 (A) and run 1 (B): per-trial and dimension
# tables exactly, *_stats tables to a relative 1e-12 (sums of doubles are
# added in another order), and what runs says about the trials.
same_run() { # A.db B.db
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys
a, b = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
tables = [r[0] for r in a.execute("select name from sqlite_master where type='table' "
                                  "and name not like 'sqlite_%' and name <> 'runs'")]
checked = 0
for t in tables:
    cols = [r[1] for r in a.execute(f"pragma table_info({t})")]
    if "run_id" not in cols:
        continue
    cols.remove("run_id")
    q = f"select {', '.join(cols)} from {t} where run_id = 1 order by {', '.join(cols)}"
    ra, rb = a.execute(q).fetchall(), b.execute(q).fetchall()
    assert len(ra) == len(rb), (t, len(ra), len(rb))
    if t.endswith("_stats"):
        for x, y in zip(ra, rb):
            for u, v in zip(x, y):
                if isinstance(u, float) and isinstance(v, float):
                    assert abs(u - v) <= 1e-12 * max(abs(u), abs(v)), (t, x, y)
                else:
                    assert u == v, (t, x, y)
    else:
        assert ra == rb, (t, [p for p in zip(ra, rb) if p[0] != p[1]][:3])
    checked += 1
assert checked >= 8, checked
q = "select scenario_hash, seed, trials, first_trial, trials_done, status, mode, detail from runs where id = 1"
assert a.execute(q).fetchone() == b.execute(q).fetchone(), (a.execute(q).fetchone(), b.execute(q).fetchone())
assert b.execute("pragma integrity_check").fetchone()[0] == "ok"
PY
}
run_q() { "$drsim" run "$@" --quiet --format none 2>"$work/err"; }

# Uneven split (3001 = 1000 + 1000 + 1001) with per-step detail.
T=3001
run_q "$ref" --trials $T --db "$work/single.db"
for k in 1 2 3; do run_q "$ref" --trials $T --shard $k/3 --db "$work/part-$k.db"; done
shard=$(python3 -c "import sqlite3,sys; print(*sqlite3.connect(sys.argv[1]).execute('select shard, total_trials, first_trial, trials from runs').fetchone())" "$work/part-2.db")
[ "$shard" = "2/3 3001 1000 1000" ] && ok "a shard records K/N and the total ($shard)" || bad "shard provenance: '$shard'"

# --- 3 shards merged = one run ---------------------------------------------
expect_status "merge 3 shards" 0 "$drsim" merge "$work/part-3.db" "$work/part-1.db" "$work/part-2.db" -o "$work/all.db"
grep -q "merged 3001 of 3001 trials" "$work/out" && ok "merge says what it merged" || bad "merge output: $(cat "$work/out")"
same_run "$work/single.db" "$work/all.db" && ok "merged database equals the single run (all tables)" || bad "merged database equals the single run"
"$drsim" report --db "$work/single.db" --format csv >"$work/a.csv" 2>/dev/null
"$drsim" report --db "$work/all.db" --format csv >"$work/b.csv" 2>/dev/null
cmp -s "$work/a.csv" "$work/b.csv" && ok "merged report equals the single run's" || bad "merged report differs"
expect_status "merge refuses an existing output" 2 "$drsim" merge "$work/part-1.db" "$work/part-2.db" "$work/part-3.db" -o "$work/all.db"
expect_err "existing output: message" "exists"

# --- refusals --------------------------------------------------------------
run_q "$ref" --trials $T --shard 2/3 --set standby.aks-prod-dr.warm_nodes=3 --db "$work/other-set.db"
expect_status "merge refuses a shard of another scenario (--set)" 2 "$drsim" merge "$work/part-1.db" "$work/other-set.db" "$work/part-3.db" -o "$work/x.db"
expect_err "another scenario: message" "not a shard of the same run.*scenario"
run_q "$ref" --trials $T --shard 2/3 --seed 7 --db "$work/other-seed.db"
expect_status "merge refuses a shard of another seed" 2 "$drsim" merge "$work/part-1.db" "$work/other-seed.db" "$work/part-3.db" -o "$work/x.db"
expect_err "another seed: message" "seed 7 vs 42"
run_q "$ref" --trials 3000 --shard 2/3 --db "$work/other-total.db"
expect_status "merge refuses a shard of another trial count" 2 "$drsim" merge "$work/part-1.db" "$work/other-total.db" "$work/part-3.db" -o "$work/x.db"
expect_err "another total: message" "total trial count"
run_q "$ref" --trials $T --shard 3/5 --db "$work/overlap.db"
expect_status "merge refuses overlapping shards" 2 "$drsim" merge "$work/part-1.db" "$work/part-2.db" "$work/overlap.db" "$work/part-3.db" -o "$work/x.db"
expect_err "overlap: message names both" "overlap.db run 1 \(trials 1200..1799\) overlaps .*part-2.db run 1"
expect_status "merge refuses a part given twice" 2 "$drsim" merge "$work/part-1.db" "$work/part-1.db" -o "$work/x.db"
printf 'not a database, just text\n' >"$work/junk.db"
expect_status "merge of a non-database is an I/O error" 3 "$drsim" merge "$work/part-1.db" "$work/junk.db" -o "$work/x.db"
expect_status "merge of a missing file is an I/O error" 3 "$drsim" merge "$work/part-1.db" "$work/nope.db" -o "$work/x.db"
expect_status "merge without -o" 2 "$drsim" merge "$work/part-1.db"
[ ! -e "$work/x.db" ] && ok "refused merges write nothing" || bad "a refused merge left x.db"

# --- gaps ------------------------------------------------------------------
expect_status "merge reports a missing middle shard" 2 "$drsim" merge "$work/part-1.db" "$work/part-3.db" -o "$work/x.db"
expect_err "missing middle: the gap" "trials 1000..1999 \(1000\) are missing"
expect_err "missing middle: the command" "--shard 2/3 --trials 3001 --seed 42"
expect_status "merge reports a missing last shard" 2 "$drsim" merge "$work/part-1.db" "$work/part-2.db" -o "$work/x.db"
expect_err "missing last: the gap" "trials 2000..3000 \(1001\) are missing"
expect_err "missing last: the command" "--shard 3/3"
[ ! -e "$work/x.db" ] && ok "a merge with gaps writes nothing" || bad "a merge with gaps left x.db"
expect_status "--allow-gaps merges a prefix" 0 "$drsim" merge "$work/part-1.db" "$work/part-2.db" -o "$work/prefix.db" --allow-gaps
expect_err "--allow-gaps: resume hint" "drsim run --resume 1 --db .*prefix.db"
st=$(python3 -c "import sqlite3,sys; print(*sqlite3.connect(sys.argv[1]).execute('select status, trials_done, trials from runs').fetchone())" "$work/prefix.db")
[ "$st" = "interrupted 2000 3001" ] && ok "--allow-gaps run is interrupted ($st)" || bad "--allow-gaps run state: $st"
run_q --resume 1 --db "$work/prefix.db"
same_run "$work/single.db" "$work/prefix.db" && ok "--allow-gaps + --resume equals the single run" || bad "--allow-gaps + --resume equals the single run"
expect_status "--allow-gaps with a hole in the middle" 0 "$drsim" merge "$work/part-1.db" "$work/part-3.db" -o "$work/holed.db" --allow-gaps
expect_err "hole in the middle: no resume promised" "misses trials in the middle"

# An interrupted shard (made by hand: the last 500 trials of shard 3 gone).
cp "$work/part-3.db" "$work/int-3.db"
python3 - "$work/int-3.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for t in ("trials", "steps", "components", "standby_trials", "common_cause_trials"):
    c.execute(f"delete from {t} where trial >= 2501")
c.execute("update runs set status = 'interrupted', trials_done = 501")
c.commit()
PY
expect_status "merge reports an interrupted shard" 2 "$drsim" merge "$work/part-1.db" "$work/part-2.db" "$work/int-3.db" -o "$work/x.db"
expect_err "interrupted shard: the gap and the resume command" "trials 2501..3000 \(500\) are missing: .*int-3.db run 1 \(shard 3/3\) is interrupted after 501 of its 1001 trials"
expect_err "interrupted shard: resume command" "drsim run --resume 1 --db .*int-3.db"

echo "# e2e_shard: $passes passed, $fails failed"
[ "$fails" = 0 ]
