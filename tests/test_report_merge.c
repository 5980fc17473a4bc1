/*
** tests/test_report_merge.c — reports/merge: shards written through the
** store (out of order, with per-trial values that identify the trial) merge
** into one run holding every trial once with combined aggregates; the plan
** lists gaps (an unfinished shard's tail, a missing middle and a missing
** last shard) and refuses overlaps (also between non-neighbours), other
** seeds / scenarios / totals, files given twice, non-databases; the writer
** refuses gaps unless allowed (then the run is 'interrupted'), an existing
** output, and leaves nothing behind when it refuses. report_merge_absorb
** appends MPI ranks' parts to a run being written, in order, and refuses
** any other part.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "models/outcome.h"
#include "reports/merge.h"

typedef struct ctx {
  char dir[64];
  model_scenario *sc;
  model_scenario *other;   /* the same file with an override: another hash */
} ctx;

static int setup(void **state)
{
  ctx *c = calloc(1, sizeof *c);
  assert_non_null(c);
  snprintf(c->dir, sizeof c->dir, "/tmp/drsim-merge-XXXXXX");
  assert_non_null(mkdtemp(c->dir));
  model_diag *d = model_diag_new();
  const char *path = DRSIM_SOURCE_DIR "/scenarios/backup-only.yaml";
  assert_int_equal(model_scenario_load_file(path, NULL, 0, &c->sc, d), 0);
  const char *ov[] = {"components.app-db.replication.interval=6h"};
  assert_int_equal(model_scenario_load_file(path, ov, 1, &c->other, d), 0);
  model_diag_free(d);
  assert_string_not_equal(c->sc->text_hash, c->other->text_hash);
  *state = c;
  return 0;
}

static int teardown(void **state)
{
  ctx *c = *state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->dir);
  assert_int_equal(system(cmd), 0);
  model_scenario_free(c->sc);
  model_scenario_free(c->other);
  free(c);
  return 0;
}

static const char *file(const ctx *c, const char *name)
{
  static char buf[4][128];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", c->dir, name);
  return buf[k];
}

/* A shard: trials first .. first+trials-1 planned, `done` of them stored,
** with rto_s = trial and rpo_s = 2 * trial (so a copy shows where it came
** from). total 0: not recorded. */
static void make_run(const ctx *c, const char *name, const model_scenario *sc, uint64_t seed,
                     uint64_t first, uint64_t trials, uint64_t done, uint64_t total,
                     const char *shard, int finish);

static void make_part(const ctx *c, const char *name, const model_scenario *sc, uint64_t seed,
                      uint64_t first, uint64_t trials, uint64_t done, uint64_t total,
                      const char *shard)
{
  make_run(c, name, sc, seed, first, trials, done, total, shard, 1);
}

/* make_part, and finish 0 leaves the run 'running' (being written). */
static void make_run(const ctx *c, const char *name, const model_scenario *sc, uint64_t seed,
                     uint64_t first, uint64_t trials, uint64_t done, uint64_t total,
                     const char *shard, int finish)
{
  report_store *st = NULL;
  report_error err;
  assert_int_equal(report_store_open(file(c, name), REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  report_run_info info = {.seed = seed, .trials = trials, .first_trial = first,
                          .detail = REPORT_DETAIL_STEPS, .threads = 1, .point = -1,
                          .total_trials = total, .shard = shard};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, sc, &id, &err), REPORT_OK);
  size_t rs = model_outcome_size(sc);
  unsigned char *rec = calloc(done ? done : 1, rs);
  assert_non_null(rec);
  for (uint64_t i = 0; i < done; i++) {
    model_trial_view v = model_outcome_view(sc, rec + i * rs);
    for (size_t e = 0; e < sc->n_environments; e++) {
      v.env[e].rto_s = (double)(first + i);
      v.env[e].rpo_s = 2.0 * (double)(first + i);
      v.env[e].recovered = 1;
    }
    for (size_t s = 0; s < sc->n_steps_total; s++) {
      v.steps[s].start_s = 0;
      v.steps[s].end_s = 1.0 + (double)(first + i);
      v.steps[s].attempts = 1;
    }
  }
  if (done)
    assert_int_equal(report_store_run_append(st, id, sc, first, done, rec, rs, &err), REPORT_OK);
  if (finish)
    assert_int_equal(report_store_run_finish(st, id, done == trials ? REPORT_RUN_COMPLETE
                                                                    : REPORT_RUN_INTERRUPTED, &err),
                     REPORT_OK);
  free(rec);
  report_store_close(st);
}

static int64_t sql_int(const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

static void test_three_shards(void **state)
{
  ctx *c = *state;
  /* 10 trials in 3 uneven shards, given out of order. */
  make_part(c, "p2.db", c->sc, 42, 3, 3, 3, 10, "2/3");
  make_part(c, "p3.db", c->sc, 42, 6, 4, 4, 10, "3/3");
  make_part(c, "p1.db", c->sc, 42, 0, 3, 3, 10, "1/3");
  const char *paths[] = {file(c, "p2.db"), file(c, "p3.db"), file(c, "p1.db")};
  report_merge_plan *plan = NULL;
  report_error err;
  assert_int_equal(report_merge_plan_new(paths, 3, &plan, &err), REPORT_OK);
  assert_int_equal(plan->n_parts, 3);
  assert_int_equal(plan->parts[0].first_trial, 0);
  assert_int_equal(plan->parts[1].first_trial, 3);
  assert_int_equal(plan->parts[2].first_trial, 6);
  assert_string_equal(plan->parts[2].shard, "3/3");
  assert_int_equal(plan->n_gaps, 0);
  assert_int_equal(plan->total_trials, 10);
  assert_true(plan->total_known);
  assert_int_equal(plan->trials_stored, 10);
  assert_int_equal(plan->shard_count, 3);
  assert_int_equal(plan->seed, 42);

  int64_t id = 0;
  const char *out = file(c, "all.db");
  assert_int_equal(report_merge_write(plan, out, 0, &id, &err), REPORT_OK);
  assert_int_equal(id, 1);
  report_merge_plan_free(plan);

  assert_int_equal(sql_int(out, "select count(*) from runs"), 1);
  assert_int_equal(sql_int(out, "select trials = 10 and trials_done = 10 and first_trial = 0 "
                                "and status = 'complete' and total_trials = 10 and shard is null "
                                "and seed = 42 from runs"), 1);
  /* Every trial once per environment, each with its own values. */
  assert_int_equal(sql_int(out, "select count(*) from trials"), 10 * (int64_t)c->sc->n_environments);
  assert_int_equal(sql_int(out, "select count(distinct trial) from trials"), 10);
  assert_int_equal(sql_int(out, "select count(*) from trials where rto_s = trial and rpo_s = 2 * trial"),
                   10 * (int64_t)c->sc->n_environments);
  assert_int_equal(sql_int(out, "select count(*) from steps"), 10 * (int64_t)c->sc->n_steps_total);
  /* Aggregates: counts added, sums added (exact here: small integers),
  ** maxima maxed; dimensions copied once. */
  assert_int_equal(sql_int(out, "select min(n) = 10 and max(n) = 10 and min(n_completed) = 10 "
                                "from step_stats"), 1);
  assert_int_equal(sql_int(out, "select sum_duration_s from step_stats limit 1"), 55);
  assert_int_equal(sql_int(out, "select count(*) from run_environments"),
                   (int64_t)c->sc->n_environments);
  assert_int_equal(sql_int(out, "select count(*) from step_stats"), (int64_t)c->sc->n_steps_total);
  assert_int_equal(sql_int(out, "select integrity_check = 'ok' from pragma_integrity_check"), 1);

  /* Writing again to the same output is refused, the file is kept. */
  assert_int_equal(report_merge_plan_new(paths, 3, &plan, &err), REPORT_OK);
  assert_int_equal(report_merge_write(plan, out, 0, &id, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "exists"));
  report_merge_plan_free(plan);
  assert_int_equal(sql_int(out, "select count(*) from runs"), 1);
}

static void test_gaps(void **state)
{
  ctx *c = *state;
  /* 40 trials: [0,10) stored 6 of 10, [20,30) complete; [10,20) and [30,40) never run. */
  make_part(c, "g1.db", c->sc, 1, 0, 10, 6, 40, "1/4");
  make_part(c, "g3.db", c->sc, 1, 20, 10, 10, 40, "3/4");
  const char *paths[] = {file(c, "g3.db"), file(c, "g1.db")};
  report_merge_plan *plan = NULL;
  report_error err;
  assert_int_equal(report_merge_plan_new(paths, 2, &plan, &err), REPORT_OK);
  assert_int_equal(plan->n_gaps, 3);
  assert_int_equal(plan->gaps[0].first, 6);
  assert_int_equal(plan->gaps[0].n, 4);
  assert_ptr_equal(plan->gaps[0].part, &plan->parts[0]);   /* resume g1 */
  assert_int_equal(plan->gaps[1].first, 10);
  assert_int_equal(plan->gaps[1].n, 10);
  assert_null(plan->gaps[1].part);
  assert_int_equal(plan->gaps[2].first, 30);
  assert_int_equal(plan->gaps[2].n, 10);                   /* the missing LAST shard */
  assert_null(plan->gaps[2].part);
  assert_int_equal(plan->trials_stored, 16);

  int64_t id = 0;
  const char *out = file(c, "gaps.db");
  assert_int_equal(report_merge_write(plan, out, 0, &id, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "24 of 40 trials are missing"));
  assert_int_equal(access(out, F_OK), -1);                 /* nothing written */
  assert_int_equal(report_merge_write(plan, out, 1, &id, &err), REPORT_OK);
  report_merge_plan_free(plan);
  assert_int_equal(sql_int(out, "select status = 'interrupted' and trials = 40 and trials_done = 16 "
                                "from runs"), 1);
  assert_int_equal(sql_int(out, "select count(distinct trial) from trials"), 16);
}

static void test_overlaps(void **state)
{
  ctx *c = *state;
  /* [0,100) overlaps [30,40), which is not its neighbour once [10,20) sorts between. */
  make_part(c, "o1.db", c->sc, 1, 0, 100, 100, 100, NULL);
  make_part(c, "o2.db", c->sc, 1, 10, 5, 5, 100, NULL);
  make_part(c, "o3.db", c->sc, 1, 30, 10, 10, 100, NULL);
  report_merge_plan *plan = NULL;
  report_error err;
  const char *two[] = {file(c, "o1.db"), file(c, "o3.db")};
  assert_int_equal(report_merge_plan_new(two, 2, &plan, &err), REPORT_EINVAL);
  assert_null(plan);
  assert_non_null(strstr(err.text, "overlaps"));
  assert_non_null(strstr(err.text, "o3.db run 1 (trials 30..39)"));
  make_part(c, "o4.db", c->sc, 1, 10, 90, 90, 100, NULL);
  const char *three[] = {file(c, "o2.db"), file(c, "o3.db"), file(c, "o4.db")};
  assert_int_equal(report_merge_plan_new(three, 3, &plan, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "overlaps"));
  /* The same file twice. */
  const char *twice[] = {file(c, "o1.db"), file(c, "o1.db")};
  assert_int_equal(report_merge_plan_new(twice, 2, &plan, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "given twice"));
}

static void test_mismatches(void **state)
{
  ctx *c = *state;
  make_part(c, "m1.db", c->sc, 5, 0, 10, 10, 20, "1/2");
  make_part(c, "m2-seed.db", c->sc, 6, 10, 10, 10, 20, "2/2");
  make_part(c, "m2-scen.db", c->other, 5, 10, 10, 10, 20, "2/2");
  make_part(c, "m2-total.db", c->sc, 5, 10, 10, 10, 30, "2/3");
  report_merge_plan *plan = NULL;
  report_error err;
  const char *a[] = {file(c, "m1.db"), file(c, "m2-seed.db")};
  assert_int_equal(report_merge_plan_new(a, 2, &plan, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "seed 6 vs 5"));
  const char *b[] = {file(c, "m1.db"), file(c, "m2-scen.db")};
  assert_int_equal(report_merge_plan_new(b, 2, &plan, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "scenario"));
  const char *d[] = {file(c, "m1.db"), file(c, "m2-total.db")};
  assert_int_equal(report_merge_plan_new(d, 2, &plan, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "total trial count 30 vs 20"));
  assert_null(plan);
}

static void test_totals_and_files(void **state)
{
  ctx *c = *state;
  report_merge_plan *plan = NULL;
  report_error err;
  /* A whole run (no shard, from 0, total not recorded) is its own total. */
  make_part(c, "whole.db", c->sc, 3, 0, 8, 8, 0, NULL);
  const char *w[] = {file(c, "whole.db")};
  assert_int_equal(report_merge_plan_new(w, 1, &plan, &err), REPORT_OK);
  assert_true(plan->total_known);
  assert_int_equal(plan->total_trials, 8);
  assert_int_equal(plan->n_gaps, 0);
  report_merge_plan_free(plan);
  /* Shards without a recorded total: the end is the highest planned trial,
  ** and the plan says a missing last shard cannot be seen. */
  make_part(c, "u1.db", c->sc, 3, 0, 5, 5, 0, "1/3");
  make_part(c, "u2.db", c->sc, 3, 5, 5, 5, 0, "2/3");
  const char *u[] = {file(c, "u1.db"), file(c, "u2.db")};
  assert_int_equal(report_merge_plan_new(u, 2, &plan, &err), REPORT_OK);
  assert_false(plan->total_known);
  assert_int_equal(plan->total_trials, 10);
  assert_int_equal(plan->n_gaps, 0);
  report_merge_plan_free(plan);
  /* Not a database; a missing file; no files. */
  FILE *f = fopen(file(c, "junk.db"), "w");
  assert_non_null(f);
  fputs("this is not an SQLite database, only text that is long enough to be read\n", f);
  fclose(f);
  const char *j[] = {file(c, "whole.db"), file(c, "junk.db")};
  assert_int_equal(report_merge_plan_new(j, 2, &plan, &err), REPORT_ESCHEMA);
  const char *m[] = {file(c, "whole.db"), file(c, "missing.db")};
  assert_int_equal(report_merge_plan_new(m, 2, &plan, &err), REPORT_EIO);
  assert_non_null(strstr(err.text, "missing.db"));
  assert_int_equal(report_merge_plan_new(m, 0, &plan, &err), REPORT_EINVAL);
  assert_null(plan);
  report_merge_plan_free(NULL);
}

/* report_merge_absorb: MPI ranks' parts appended to a run being written,
** in trial order, only when they continue it; part_info reads a part. */
static void test_absorb(void **state)
{
  ctx *c = *state;
  make_run(c, "run.db", c->sc, 42, 0, 10, 3, 0, NULL, 0);      /* trials 0..2 stored */
  make_part(c, "run.db.from3", c->sc, 42, 3, 3, 3, 0, NULL);
  make_part(c, "run.db.from6", c->sc, 42, 6, 4, 4, 0, NULL);
  make_part(c, "other.from3", c->other, 42, 3, 3, 3, 0, NULL);
  make_part(c, "seed.from3", c->sc, 7, 3, 3, 3, 0, NULL);
  uint64_t first = 0, trials = 0, done = 0, seed = 0, got = 99;
  char hash[80];
  report_error err;
  assert_int_equal(report_merge_part_info(file(c, "run.db.from6"), &first, &trials, &done, &seed,
                                          hash, sizeof hash, &err), REPORT_OK);
  assert_int_equal(first, 6);
  assert_int_equal(trials, 4);
  assert_int_equal(done, 4);
  assert_int_equal(seed, 42);
  assert_string_equal(hash, c->sc->text_hash);
  char db[128];   /* file() reuses 4 buffers */
  snprintf(db, sizeof db, "%s", file(c, "run.db"));
  /* Not the run's next trial, another scenario, another seed: refused, nothing written. */
  assert_int_equal(report_merge_absorb(db, 1, file(c, "run.db.from6"), &got, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "continues at trial 3"));
  assert_int_equal(got, 0);
  assert_int_equal(report_merge_absorb(db, 1, file(c, "other.from3"), &got, &err), REPORT_EINVAL);
  assert_int_equal(report_merge_absorb(db, 1, file(c, "seed.from3"), &got, &err), REPORT_EINVAL);
  assert_int_equal(report_merge_absorb(db, 2, file(c, "run.db.from3"), &got, &err),
                   REPORT_ENOTFOUND);
  assert_int_equal(sql_int(db, "select trials_done from runs"), 3);
  /* In order: 3..5, then 6..9. */
  assert_int_equal(report_merge_absorb(db, 1, file(c, "run.db.from3"), &got, &err), REPORT_OK);
  assert_int_equal(got, 3);
  assert_int_equal(report_merge_absorb(db, 1, file(c, "run.db.from3"), &got, &err), REPORT_EINVAL);
  assert_int_equal(report_merge_absorb(db, 1, file(c, "run.db.from6"), &got, &err), REPORT_OK);
  assert_int_equal(got, 4);
  assert_int_equal(sql_int(db, "select trials_done = 10 and status = 'running' from runs"), 1);
  assert_int_equal(sql_int(db, "select count(*) from trials where rto_s = trial and rpo_s = 2 * trial"),
                   10 * (int64_t)c->sc->n_environments);
  assert_int_equal(sql_int(db, "select count(distinct trial) from steps"), 10);
  assert_int_equal(sql_int(db, "select min(n) = 10 and max(n) = 10 from step_stats"), 1);
  assert_int_equal(sql_int(db, "select sum_duration_s from step_stats limit 1"), 55);
  /* A run that is not being written takes nothing. */
  make_part(c, "done.db", c->sc, 42, 0, 3, 3, 0, NULL);
  assert_int_equal(report_merge_absorb(file(c, "done.db"), 1, file(c, "run.db.from3"), &got, &err),
                   REPORT_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_three_shards),
    cmocka_unit_test(test_gaps),
    cmocka_unit_test(test_overlaps),
    cmocka_unit_test(test_mismatches),
    cmocka_unit_test(test_totals_and_files),
    cmocka_unit_test(test_absorb),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
