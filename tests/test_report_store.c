/*
** tests/test_report_store.c — reports/store: a run's round trip (begin,
** append in chunks, finish, read back the run, its dimensions, aggregates
** and trial columns), the rules on appends (order, count, status, scenario),
** detail tables, listing and deleting runs, the refusals (newer schema, not
** a database, another application's database, unopenable paths, read-only
** stores), and crash safety: a writer killed with SIGKILL in the middle of
** its appends leaves a database that passes integrity_check, holds exactly
** the committed trials with matching aggregates, and can be resumed.
*/
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "models/outcome.h"
#include "reports/store.h"
#include "tests/support/report_fixture.h"

/* cmocka 1.1.5 only compares floats; this compares doubles. */
#define assert_near(a, b, tol)                                              \
  do {                                                                      \
    double a_ = (a), b_ = (b);                                              \
    if (!(a_ == b_ || fabs(a_ - b_) <= (tol))) {                            \
      print_error("%s = %.17g, expected %.17g (tolerance %g)\n", #a, a_, b_, \
                  (double)(tol));                                           \
      fail();                                                               \
    }                                                                       \
  } while (0)

static char *db_path(const char *dir, const char *name)
{
  char *p = malloc(strlen(dir) + strlen(name) + 2);
  assert_non_null(p);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

/* One integer from SQL run directly on the file (not through the store). */
static int64_t sql_int(const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
    print_error("%s: %s\n", sql, sqlite3_errmsg(db));
    fail();
  }
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

static void sql_exec(const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

/* Counts incident rows and checks their order (environment, trial). */
typedef struct acc { size_t n; int order_ok; uint64_t last_trial; int staging; } acc;
static int incident_count(void *ctx, const report_incident_row *r)
{
  acc *a = ctx;
  int staging = strcmp(r->environment, "staging") == 0;
  if (staging < a->staging || (staging == a->staging && a->n && r->trial < a->last_trial))
    a->order_ok = 0;
  if (staging != a->staging) a->last_trial = 0;
  a->staging = staging;
  a->last_trial = r->trial;
  if (strcmp(r->cause, "region-outage") != 0 || r->rto_s != 7200.0 || !r->recovered)
    a->order_ok = 0;
  a->n++;
  return 0;
}

typedef struct acc0 { size_t n; } acc0;
static int incident_count0(void *ctx, const report_incident_row *r)
{
  (void)r;
  ((acc0 *)ctx)->n++;
  return 0;
}

static void test_round_trip(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "r.db");
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  assert_string_equal(report_store_path(st), path);
  int64_t id = fixture_run(st, &f.sc, 100, REPORT_DETAIL_SUMMARY);
  assert_true(id > 0);
  assert_int_equal(report_store_check(st, &err), REPORT_OK);

  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, id, &run, &err), REPORT_OK);
  assert_int_equal(run->id, id);
  assert_string_equal(run->scenario_name, "fixture");
  assert_string_equal(run->scenario_hash, "0123456789abcdef");
  assert_string_equal(run->scenario_text, "version: 1\nname: fixture\n");
  assert_int_equal(run->n_overrides, 2);
  assert_string_equal(run->overrides[0], "trials=100");
  assert_string_equal(run->overrides[1], "objectives.production.rto=4h");
  assert_int_equal(run->seed, 42);
  assert_int_equal(run->trials, 100);
  assert_int_equal(run->trials_done, 100);
  assert_int_equal(run->first_trial, 0);
  assert_int_equal(run->mode, MODEL_MODE_DISASTER);
  assert_true(isnan(run->horizon_s));
  assert_int_equal(run->detail, REPORT_DETAIL_SUMMARY);
  assert_int_equal(run->status, REPORT_RUN_COMPLETE);
  assert_non_null(run->started);
  assert_non_null(run->finished);
  assert_string_equal(run->program_version, "test");
  assert_int_equal(run->threads, 2);
  assert_int_equal(run->sweep_id, 0);
  assert_int_equal(run->point, -1);

  /* Dimensions: objectives as set, "none" as NaN. */
  assert_int_equal(run->n_environments, 2);
  assert_string_equal(run->environments[0].name, "production");
  assert_near(run->environments[0].rto_objective_s, 14400.0, 0);
  assert_near(run->environments[0].rpo_objective_s, 900.0, 0);
  assert_near(run->environments[0].availability_objective, 0.999, 0);
  assert_true(isnan(run->environments[1].rpo_objective_s));
  assert_true(isnan(run->environments[1].availability_objective));

  /* Step aggregates, by hand over t = 0..99:
  ** approve: durations 50 + t%5 -> sum 100*50 + 20*(0+1+2+3+4) = 5200,
  **   squares 20*(50^2+51^2+52^2+53^2+54^2) = 20*13530 = 270600; off hours
  **   on odd t: 50; never critical.
  ** restore (production): not recovered for t%10 == 9 (10 trials, 3
  **   attempts each, failed); t%3 == 1 otherwise 2 attempts (33 such t, 3 of
  **   them also t%10 == 9: 19, 49, 79) -> 30 + 30*2 + 60*1 = 150 attempts,
  **   90 completed, 10 failures, critical in all 100. */
  assert_int_equal(run->n_steps, 4);
  const report_run_step *s0 = &run->steps[0], *s2 = &run->steps[2];
  assert_string_equal(s0->name, "approve");
  assert_string_equal(s0->environment, "production");
  assert_int_equal(s0->manual, 1);
  assert_null(s0->standby);
  assert_string_equal(run->steps[1].standby, "aks-prod-dr");
  assert_string_equal(run->steps[3].environment, "staging");
  assert_int_equal(s0->n, 100);
  assert_int_equal(s0->n_completed, 100);
  assert_near(s0->sum_duration_s, 5200.0, 1e-9);
  assert_near(s0->sum_sq_duration_s, 270600.0, 1e-6);
  assert_int_equal(s0->off_hours, 50);
  assert_int_equal(s0->critical, 0);
  assert_int_equal(s2->attempts, 150);
  assert_int_equal(s2->n_completed, 90);
  assert_int_equal(s2->failures, 10);
  assert_int_equal(s2->critical, 100);

  /* Components: sql-prod RPO (t%7) min: sum over t = 0..99 of t%7 is
  ** 14*21 + 0 + 1 = 295 -> 17700 s; max 360; it sets production's RPO
  ** whenever that is > 0: 100 - 15 (t%7 == 0) = 85. blob (shared) is 30 s,
  ** staging's RPO, every trial. app has no replication. */
  assert_int_equal(run->n_components, 3);
  const report_run_component *c0 = &run->components[0];
  assert_string_equal(c0->replication_mode, "async");
  assert_int_equal(c0->n_rpo, 100);
  assert_near(c0->sum_rpo_s, 17700.0, 1e-9);
  assert_near(c0->max_rpo_s, 360.0, 0);
  assert_int_equal(c0->sets_env_rpo, 85);
  assert_int_equal(c0->n_failover, 100);
  assert_near(c0->max_failover_s, 300.0, 0);
  assert_null(run->components[1].environment);
  assert_int_equal(run->components[1].sets_env_rpo, 100);
  assert_int_equal(run->components[2].n_rpo, 0);
  assert_true(isnan(run->components[2].max_rpo_s));
  assert_string_equal(run->components[2].replication_mode, "none");

  /* Pool: first service 600 + t (sum 64950), full 1200 + t (sum 124950,
  ** max 1299), 4 nodes each, shortage when t%4 == 0 (25). */
  assert_int_equal(run->n_standby, 1);
  const report_run_standby *p = &run->standby[0];
  assert_string_equal(p->name, "aks-prod-dr");
  assert_string_equal(p->environment, "production");
  assert_int_equal(p->warm_nodes, 1);
  assert_int_equal(p->required_nodes, 5);
  assert_int_equal(p->service_nodes, 3);
  assert_near(p->node_cost_per_hour, 0.5, 0);
  assert_int_equal(p->n, 100);
  assert_near(p->sum_first_service_s, 64950.0, 1e-9);
  assert_near(p->sum_full_capacity_s, 124950.0, 1e-9);
  assert_near(p->max_full_capacity_s, 1299.0, 0);
  assert_int_equal(p->nodes, 400);
  assert_int_equal(p->shortages, 25);
  report_store_run_free(run);

  /* Trial columns: not recovered -> NULL -> +inf; no pool -> NaN. */
  double *v = NULL;
  size_t n = 0;
  assert_int_equal(report_store_trial_column(st, id, "production", "rto_s", &v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 100);
  assert_near(v[0], 3600.0, 0);
  assert_near(v[42], 4020.0, 0);
  assert_true(isinf(v[9]) && v[9] > 0);
  free(v);
  assert_int_equal(report_store_trial_column(st, id, "production", "recovered", &v, &n, &err),
                   REPORT_OK);
  assert_near(v[9], 0.0, 0);
  assert_near(v[8], 1.0, 0);
  free(v);
  assert_int_equal(report_store_trial_column(st, id, "staging", "first_service_s", &v, &n,
                                             &err), REPORT_OK);
  assert_int_equal(n, 100);
  assert_true(isnan(v[0]));
  free(v);
  /* Disaster mode: lifetime columns are NULL -> NaN. */
  assert_int_equal(report_store_trial_column(st, id, "staging", "availability", &v, &n,
                                             &err), REPORT_OK);
  assert_true(isnan(v[5]));
  free(v);
  assert_int_equal(report_store_trial_column(st, id, "staging", "rto_s; DROP TABLE runs",
                                             &v, &n, &err), REPORT_EINVAL);
  assert_null(v);
  assert_int_equal(report_store_trial_column(st, id, "nowhere", "rto_s", &v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 0);
  assert_null(v);
  /* Detail tables are empty in summary detail. */
  assert_int_equal(report_store_detail_column(st, id, "steps", 0, "duration_s", &v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 0);

  /* The contract's columns exist with these names (outside tools use them). */
  report_store_close(st);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM trials WHERE run_id = 1"), 200);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM trials WHERE rto_s IS NULL"), 10);
  assert_int_equal(sql_int(path, "SELECT sum(recovered) FROM trials WHERE environment = "
                                 "'production'"), 90);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM runs WHERE status = 'complete' AND "
                                 "mode = 'disaster' AND seed = 42 AND trials = 100 AND "
                                 "finished IS NOT NULL AND started IS NOT NULL AND "
                                 "program_version = 'test' AND scenario_hash <> ''"), 1);
  assert_int_equal(sql_int(path, "PRAGMA user_version"), REPORT_STORE_SCHEMA_VERSION);
  free(path);
  fixture_tmpdir_remove(dir);
}

static void test_append_rules(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "a.db");
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  report_run_info info = {.seed = 7, .trials = 20, .first_trial = 1000, .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, &f.sc, &id, &err), REPORT_OK);
  size_t rs = model_outcome_size(&f.sc);
  void *rec = fixture_records(&f.sc, 1000, 20);

  /* Must start at first_trial. */
  assert_int_equal(report_store_run_append(st, id, &f.sc, 0, 5, rec, rs, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "expected trial 1000"));
  assert_int_equal(report_store_run_append(st, id, &f.sc, 1000, 5, rec, rs, &err), REPORT_OK);
  /* No repeats, no gaps. */
  assert_int_equal(report_store_run_append(st, id, &f.sc, 1000, 5, rec, rs, &err),
                   REPORT_EINVAL);
  assert_int_equal(report_store_run_append(st, id, &f.sc, 1006, 5, rec, rs, &err),
                   REPORT_EINVAL);
  /* Wrong record size, wrong scenario. */
  assert_int_equal(report_store_run_append(st, id, &f.sc, 1005, 5, rec, rs + 8, &err),
                   REPORT_EINVAL);
  fixture g;
  fixture_init(&g);
  g.sc.n_components = 2;
  assert_int_equal(report_store_run_append(st, id, &g.sc, 1005, 1, rec,
                                           model_outcome_size(&g.sc), &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "another scenario"));
  /* Not beyond the planned trials. */
  unsigned char *r5 = (unsigned char *)rec + 5 * rs;
  assert_int_equal(report_store_run_append(st, id, &f.sc, 1005, 16, r5, rs, &err),
                   REPORT_EINVAL);
  assert_non_null(strstr(err.text, "exceed"));
  /* No such run. */
  assert_int_equal(report_store_run_append(st, 999, &f.sc, 1005, 1, r5, rs, &err),
                   REPORT_ENOTFOUND);
  /* n = 0 is a no-op. */
  assert_int_equal(report_store_run_append(st, id, &f.sc, 1005, 0, r5, rs, &err), REPORT_OK);

  /* After finish, appends are refused until the run is reopened. */
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_INTERRUPTED, &err), REPORT_OK);
  assert_int_equal(report_store_run_append(st, id, &f.sc, 1005, 5, r5, rs, &err),
                   REPORT_EINVAL);
  assert_non_null(strstr(err.text, "interrupted"));
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_RUNNING, &err), REPORT_EINVAL);
  assert_int_equal(report_store_run_finish(st, 999, REPORT_RUN_FAILED, &err),
                   REPORT_ENOTFOUND);
  assert_int_equal(report_store_run_reopen(st, id, &err), REPORT_OK);
  assert_int_equal(report_store_run_append(st, id, &f.sc, 1005, 15, r5, rs, &err), REPORT_OK);
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_COMPLETE, &err), REPORT_OK);

  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, id, &run, &err), REPORT_OK);
  assert_int_equal(run->trials_done, 20);
  assert_int_equal(run->first_trial, 1000);
  assert_int_equal(run->n_overrides, 0);
  assert_null(run->scenario_text);
  /* Every failed append left nothing behind: the aggregates saw 20 trials. */
  assert_int_equal(run->steps[0].n, 20);
  assert_int_equal(run->standby[0].n, 20);
  report_store_run_free(run);
  assert_int_equal(report_store_run_get(st, 999, &run, &err), REPORT_ENOTFOUND);
  assert_null(run);
  assert_non_null(strstr(err.text, "no run with id 999"));

  /* Overrides may not hold newlines (they are stored one per line). */
  const char *bad[1] = {"a=b\nc"};
  report_run_info binfo = {.trials = 1, .overrides = bad, .n_overrides = 1, .point = -1};
  int64_t id2 = 0;
  assert_int_equal(report_store_run_begin(st, &binfo, &f.sc, &id2, &err), REPORT_EINVAL);
  free(rec);
  report_store_close(st);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM trials"), 40);
  assert_int_equal(sql_int(path, "SELECT min(trial) FROM trials"), 1000);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM runs"), 1);
  free(path);
  fixture_tmpdir_remove(dir);
}

static void test_detail_list_delete(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "d.db");
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t latest = 0;
  assert_int_equal(report_store_latest_run(st, &latest, &err), REPORT_ENOTFOUND);
  report_run **runs = NULL;
  size_t n = 99;
  assert_int_equal(report_store_runs_list(st, &runs, &n, &err), REPORT_OK);
  assert_int_equal(n, 0);
  report_store_runs_free(runs, n);

  int64_t a = fixture_run(st, &f.sc, 50, REPORT_DETAIL_STEPS);
  int64_t b = fixture_run(st, &f.sc, 30, REPORT_DETAIL_SUMMARY);
  assert_int_equal(report_store_latest_run(st, &latest, &err), REPORT_OK);
  assert_int_equal(latest, b);
  assert_int_equal(report_store_runs_list(st, &runs, &n, &err), REPORT_OK);
  assert_int_equal(n, 2);
  assert_int_equal(runs[0]->id, a);
  assert_int_equal(runs[0]->detail, REPORT_DETAIL_STEPS);
  assert_int_equal(runs[1]->trials_done, 30);
  assert_null(runs[0]->scenario_text);
  assert_int_equal(runs[0]->n_environments, 0);
  report_store_runs_free(runs, n);

  /* Detail rows of run a: step restore (production) has a duration of
  ** 50 + t%5 when it succeeded, NaN when it failed (t%10 == 9). */
  double *v = NULL;
  assert_int_equal(report_store_detail_column(st, a, "steps", 2, "duration_s", &v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 50);
  assert_near(v[3], 53.0, 0);
  assert_true(isnan(v[9]));
  free(v);
  assert_int_equal(report_store_detail_column(st, a, "standby_trials", 0, "full_capacity_s",
                                              &v, &n, &err), REPORT_OK);
  assert_int_equal(n, 50);
  assert_near(v[49], 1249.0, 0);
  free(v);
  assert_int_equal(report_store_detail_column(st, a, "components", 1, "rpo_s", &v, &n, &err),
                   REPORT_OK);
  assert_near(v[0], 30.0, 0);
  free(v);
  assert_int_equal(report_store_detail_column(st, a, "trials", 0, "rto_s", &v, &n, &err),
                   REPORT_EINVAL);
  assert_int_equal(report_store_detail_column(st, a, "steps", 0, "rpo_s", &v, &n, &err),
                   REPORT_EINVAL);

  assert_int_equal(report_store_run_delete(st, a, &err), REPORT_OK);
  assert_int_equal(report_store_run_delete(st, a, &err), REPORT_ENOTFOUND);
  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, a, &run, &err), REPORT_ENOTFOUND);
  assert_int_equal(report_store_check(st, &err), REPORT_OK);
  report_store_close(st);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM steps"), 0);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM trials"), 60);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM step_stats"), 4);
  free(path);
  fixture_tmpdir_remove(dir);
}

typedef struct foreach_ctx {
  size_t rows, inf;
  uint64_t last;
  char env[16];
  int ordered;
} foreach_ctx;

static int count_row(void *ctx, const report_trial_row *r)
{
  foreach_ctx *c = ctx;
  if (c->rows > 0 && strcmp(c->env, r->environment) == 0 && r->trial != c->last + 1)
    c->ordered = 0;
  if (c->rows == 0 && strcmp(r->environment, "production") != 0) c->ordered = 0;
  snprintf(c->env, sizeof c->env, "%s", r->environment);
  c->last = r->trial;
  c->rows++;
  c->inf += isinf(r->rto_s) && !r->recovered;
  return 0;
}

static int stop_at_three(void *ctx, const report_trial_row *r)
{
  (void)r;
  size_t *k = ctx;
  return ++*k == 3 ? 42 : 0;
}

static void test_foreach(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "f.db");
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_run(st, &f.sc, 12, REPORT_DETAIL_SUMMARY);
  /* Environments in scenario order, trials in order. */
  foreach_ctx c = {0, 0, 0, "", 1};
  assert_int_equal(report_store_trials_foreach(st, id, count_row, &c, &err), REPORT_OK);
  assert_int_equal(c.rows, 24);
  assert_int_equal(c.inf, 1);            /* trial 9 of production */
  assert_true(c.ordered);
  assert_string_equal(c.env, "staging");
  size_t k = 0;
  assert_int_equal(report_store_trials_foreach(st, id, stop_at_three, &k, &err), 42);
  assert_int_equal(k, 3);
  assert_int_equal(report_store_trials_foreach(st, 77, count_row, &c, &err),
                   REPORT_ENOTFOUND);
  report_store_close(st);
  free(path);
  fixture_tmpdir_remove(dir);
}

static void test_refusals(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  report_store *st = NULL;
  report_error err = {{0}};

  /* A database from a newer drsim. */
  char *path = db_path(dir, "future.db");
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  report_store_close(st);
  sql_exec(path, "PRAGMA user_version = 99");
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_ESCHEMA);
  assert_null(st);
  assert_non_null(strstr(err.text, "newer drsim"));
  assert_non_null(strstr(err.text, path));
  assert_int_equal(report_store_open(path, REPORT_STORE_READONLY, &st, &err), REPORT_ESCHEMA);
  free(path);

  /* A text file. */
  path = db_path(dir, "notes.txt");
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  for (int i = 0; i < 100; i++) fputs("this is not a database, just some notes\n", fp);
  fclose(fp);
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_ESCHEMA);
  assert_non_null(strstr(err.text, "not a database"));
  assert_int_equal(report_store_open(path, REPORT_STORE_READONLY, &st, &err), REPORT_ESCHEMA);
  free(path);

  /* Another application's SQLite database: left untouched. */
  path = db_path(dir, "other.db");
  sql_exec(path, "CREATE TABLE contacts (name TEXT)");
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_ESCHEMA);
  assert_non_null(strstr(err.text, "not a drsim one"));
  assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master"), 1);
  sql_exec(path, "PRAGMA application_id = 1234");
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_ESCHEMA);
  assert_non_null(strstr(err.text, "another application"));
  free(path);

  /* Paths that cannot be opened. */
  assert_int_equal(report_store_open("/nonexistent-drsim-dir/x/results.db",
                                     REPORT_STORE_READWRITE, &st, &err), REPORT_EIO);
  assert_non_null(strstr(err.text, "/nonexistent-drsim-dir/x/results.db: cannot open"));
  path = db_path(dir, "missing.db");
  assert_int_equal(report_store_open(path, REPORT_STORE_READONLY, &st, &err), REPORT_EIO);
  assert_int_equal(access(path, F_OK), -1);     /* read-only never creates */
  assert_int_equal(report_store_open(dir, REPORT_STORE_READWRITE, &st, &err), REPORT_EIO);
  assert_int_equal(report_store_open("", REPORT_STORE_READWRITE, &st, &err), REPORT_EINVAL);
  free(path);

  /* Read-only stores read but never write. */
  path = db_path(dir, "ro.db");
  fixture f;
  fixture_init(&f);
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_run(st, &f.sc, 10, REPORT_DETAIL_SUMMARY);
  report_store_close(st);
  assert_int_equal(report_store_open(path, REPORT_STORE_READONLY, &st, &err), REPORT_OK);
  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, id, &run, &err), REPORT_OK);
  assert_int_equal(run->trials_done, 10);
  report_store_run_free(run);
  report_run_info info = {.trials = 1, .point = -1};
  int64_t id2 = 0;
  assert_int_equal(report_store_run_begin(st, &info, &f.sc, &id2, &err), REPORT_EINVAL);
  assert_non_null(strstr(err.text, "read-only"));
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_FAILED, &err), REPORT_EINVAL);
  assert_int_equal(report_store_run_delete(st, id, &err), REPORT_EINVAL);
  report_store_close(st);
  free(path);

  /* An empty file is a fresh database (SQLite's view); read-only it holds
  ** no drsim results. */
  path = db_path(dir, "empty.db");
  fp = fopen(path, "w");
  assert_non_null(fp);
  fclose(fp);
  assert_int_equal(report_store_open(path, REPORT_STORE_READONLY, &st, &err), REPORT_ESCHEMA);
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  report_store_close(st);
  free(path);

  assert_string_equal(report_store_status_name(REPORT_RUN_INTERRUPTED), "interrupted");
  assert_non_null(report_store_strerror(REPORT_ESCHEMA));
  report_store_close(NULL);
  fixture_tmpdir_remove(dir);
}

/* What migrations 5 to 8 added, removed again (to make a version-4 database). */
#define UNDO_V5                                                        \
  "DROP TABLE run_costs; DROP TABLE run_cost_items;"                  \
  "ALTER TABLE trials DROP COLUMN loss;"                              \
  "DROP TABLE run_common_causes; DROP TABLE common_cause_trials;"     \
  "ALTER TABLE steps DROP COLUMN team_wait_s;"                        \
  "ALTER TABLE step_stats DROP COLUMN team_waits;"                    \
  "ALTER TABLE step_stats DROP COLUMN sum_team_wait_s;"               \
  "ALTER TABLE runs DROP COLUMN notes;"                               \
  "DROP TABLE run_inputs;"                                            \
  "ALTER TABLE runs DROP COLUMN scenario_dir;"                        \
  "ALTER TABLE runs DROP COLUMN owner_pid;"                           \
  "ALTER TABLE runs DROP COLUMN owner_host;"                          \
  "ALTER TABLE runs DROP COLUMN owner_ident;"                         \
  "ALTER TABLE runs DROP COLUMN heartbeat;"

/* What migration 3 added, removed again (to make a version-2 database). */
#define UNDO_V3                                                        \
  "ALTER TABLE trials DROP COLUMN affected;"                          \
  "DROP TABLE incidents; DROP TABLE env_component_stats;"             \
  "ALTER TABLE runs DROP COLUMN disaster;"                            \
  "ALTER TABLE runs DROP COLUMN disaster_rate_per_s;"                 \
  "ALTER TABLE run_components DROP COLUMN mtbf_target_s;"             \
  "ALTER TABLE run_components DROP COLUMN mttr_target_s;"             \
  "ALTER TABLE component_stats DROP COLUMN sum_sq_down_s;"            \
  "ALTER TABLE component_stats DROP COLUMN sum_sq_failures;"          \
  "ALTER TABLE component_stats DROP COLUMN sum_down_x_failures;"

/* A version-1 database (made by removing what migration 2 added) is read
** as it is when opened read-only, and migrated by a read-write open with
** every stored row intact. */
static void test_migration(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "v1.db");
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_run(st, &f.sc, 30, REPORT_DETAIL_STEPS);
  report_store_close(st);
  sql_exec(path, UNDO_V5 UNDO_V3
    "ALTER TABLE runs DROP COLUMN total_trials; ALTER TABLE runs DROP COLUMN shard;"
    "ALTER TABLE trials DROP COLUMN disaster_incidents;"
    "ALTER TABLE trials DROP COLUMN component_incidents;"
    "ALTER TABLE trials DROP COLUMN downtime_component_s;"
    "ALTER TABLE trials DROP COLUMN downtime_disaster_s;"
    "ALTER TABLE trials DROP COLUMN downtime_failback_s;"
    "ALTER TABLE trials DROP COLUMN longest_outage_s;"
    "ALTER TABLE components DROP COLUMN down_s;"
    "ALTER TABLE components DROP COLUMN downtime_caused_s;"
    "ALTER TABLE components DROP COLUMN failures;"
    "ALTER TABLE components DROP COLUMN incidents_caused;"
    "ALTER TABLE component_stats DROP COLUMN sum_down_s;"
    "ALTER TABLE component_stats DROP COLUMN sum_downtime_caused_s;"
    "ALTER TABLE component_stats DROP COLUMN failures;"
    "ALTER TABLE component_stats DROP COLUMN incidents_caused;"
    "PRAGMA user_version = 1;");

  /* Read-only: nothing changes, the new columns read as missing. */
  assert_int_equal(report_store_open(path, REPORT_STORE_READONLY, &st, &err), REPORT_OK);
  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, id, &run, &err), REPORT_OK);
  assert_int_equal(run->trials_done, 30);
  assert_int_equal(run->total_trials, 0);
  assert_null(run->shard);
  assert_int_equal(run->components[0].n_rpo, 30);
  report_store_run_free(run);
  report_run **runs = NULL;
  size_t n = 0;
  assert_int_equal(report_store_runs_list(st, &runs, &n, &err), REPORT_OK);
  assert_int_equal(n, 1);
  report_store_runs_free(runs, n);
  double *v = NULL;
  assert_int_equal(report_store_trial_column(st, id, "production", "longest_outage_s", &v,
                                             &n, &err), REPORT_OK);
  assert_int_equal(n, 30);
  assert_true(isnan(v[0]));
  free(v);
  assert_int_equal(report_store_detail_column(st, id, "components", 0, "down_s", &v, &n,
                                              &err), REPORT_OK);
  assert_int_equal(n, 30);
  free(v);
  report_store_close(st);
  assert_int_equal(sql_int(path, "PRAGMA user_version"), 1);

  /* Read-write: migrated, rows kept, new runs use the new columns. */
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  report_run_info info = {.seed = 3, .trials = 10, .first_trial = 10, .total_trials = 40,
                          .shard = "2/4", .point = -1};
  int64_t id2 = 0;
  assert_int_equal(report_store_run_begin(st, &info, &f.sc, &id2, &err), REPORT_OK);
  void *rec = fixture_records(&f.sc, 10, 10);
  assert_int_equal(report_store_run_append(st, id2, &f.sc, 10, 10, rec,
                                           model_outcome_size(&f.sc), &err), REPORT_OK);
  free(rec);
  assert_int_equal(report_store_run_get(st, id2, &run, &err), REPORT_OK);
  assert_int_equal(run->total_trials, 40);
  assert_string_equal(run->shard, "2/4");
  report_store_run_free(run);
  assert_int_equal(report_store_check(st, &err), REPORT_OK);
  report_store_close(st);
  assert_int_equal(sql_int(path, "PRAGMA user_version"), REPORT_STORE_SCHEMA_VERSION);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_table_info('trials') "
                                 "WHERE name = 'longest_outage_s'"), 1);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM trials WHERE run_id = 1"), 60);
  /* schema 4: rows from before it have no 'affected' (read as affected),
  ** new rows store the model's value */
  assert_int_equal(sql_int(path, "SELECT count(*) FROM trials WHERE run_id = 1 AND "
                                 "affected IS NULL"), 60);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM trials WHERE affected = 1"), 20);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM steps"), 4 * 30);
  free(path);
  fixture_tmpdir_remove(dir);
}

/* Lifetime mode: the incidents table (itemised incidents, overflow only
** counted), downtime by (environment, component), the second moments in
** component_stats, the MTBF/MTTR targets and the run's disaster, all by
** hand from the lifetime fixture. */
static void test_lifetime_tables(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "lt.db");
  fixture f;
  fixture_init(&f);
  fixture_lifetime_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  assert_int_equal(report_store_schema_version(st), REPORT_STORE_SCHEMA_VERSION);
  int64_t id = fixture_lifetime_run(st, &f.sc, REPORT_DETAIL_SUMMARY);

  /* Trials 0, 5, 15: one incident each; trial 10: six, four itemised. */
  assert_int_equal(sql_int(path, "SELECT count(*) FROM incidents"), 2 * (3 + 4));
  assert_int_equal(sql_int(path, "SELECT count(*) FROM incidents WHERE trial = 10"
                                 " AND environment = 'staging'"), 4);
  assert_int_equal(sql_int(path, "SELECT max(incident) FROM incidents"), 3);
  assert_int_equal(sql_int(path, "SELECT sum(disaster_incidents) FROM trials"
                                 " WHERE environment = 'production'"), 9);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM incidents WHERE cause = 'region-outage'"
                                 " AND rto_s = 7200 AND rpo_s = 600 AND failback_s = 1800"
                                 " AND failed_over = 1 AND recovered = 1"), 14);
  assert_int_equal(sql_int(path, "SELECT start_s FROM incidents WHERE trial = 10 AND"
                                 " incident = 2 AND environment = 'production'"), 3000000);
  double *v[3] = {NULL, NULL, NULL};
  size_t n = 0;
  const char *cols[3] = {"trial", "rto_s", "failback_s"};
  assert_int_equal(report_store_incident_columns(st, id, "production", cols, 3, v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 7);
  const double want_trial[7] = {0, 5, 10, 10, 10, 10, 15};
  for (size_t i = 0; i < n; i++) {
    assert_near(v[0][i], want_trial[i], 0);
    assert_near(v[1][i], 7200.0, 0);
    assert_near(v[2][i], 1800.0, 0);
  }
  for (int j = 0; j < 3; j++) free(v[j]);
  const char *bad = "downtime_s";
  assert_int_equal(report_store_incident_columns(st, id, "production", &bad, 1, v, &n, &err),
                   REPORT_EINVAL);

  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, id, &run, &err), REPORT_OK);
  assert_string_equal(run->disaster, "region-outage eastus");
  assert_near(run->disaster_rate_per_s, 1.0 / (10.0 * FIXTURE_LT_H), 1e-25);
  /* Targets: the means of failure and repair; none for app. */
  assert_near(run->components[0].mtbf_target_s, 720 * 3600.0, 1e-6);
  assert_near(run->components[0].mttr_target_s, 7200.0, 1e-9);
  assert_near(run->components[1].mtbf_target_s, 1000 * 3600.0, 1e-6);
  assert_near(run->components[1].mttr_target_s, 3600.0, 1e-9);
  assert_true(isnan(run->components[2].mtbf_target_s));
  assert_true(isnan(run->components[2].mttr_target_s));
  /* sql-prod fails t % 3 times (7 trials 0, 7 trials 1, 6 trials 2), 1 h each:
  ** sum f = 19, sum f^2 = 31, down = 3600 f. */
  const report_run_component *c = &run->components[0];
  assert_int_equal(c->failures, 19);
  assert_near(c->sum_down_s, 3600.0 * 19, 1e-6);
  assert_near(c->sum_sq_failures, 31.0, 0);
  assert_near(c->sum_down_x_failures, 3600.0 * 31, 1e-6);
  assert_near(c->sum_sq_down_s, 3600.0 * 3600.0 * 31, 1e-3);
  /* Downtime by (environment, component): rows for the two that can fail,
  ** in both environments. */
  assert_int_equal(run->n_env_components, 4);
  const report_run_env_component *x = run->env_components;
  assert_int_equal(x[0].env_index, 0);
  assert_int_equal(x[0].component_index, 0);
  assert_int_equal(x[0].trials, 13);
  assert_near(x[0].sum_downtime_s, 3600.0 * 19, 1e-6);
  assert_near(x[0].sum_sq_downtime_s, 3600.0 * 3600.0 * 31, 1e-3);
  assert_int_equal(x[1].component_index, 1);
  assert_int_equal(x[1].trials, 20);
  assert_near(x[1].sum_downtime_s, 20 * 7200.0, 1e-6);
  assert_int_equal(x[2].env_index, 1);
  assert_int_equal(x[2].trials, 0);   /* sql-prod never takes staging down */
  assert_near(x[2].sum_downtime_s, 0.0, 0);
  assert_near(x[3].sum_downtime_s, 20 * 7200.0, 1e-6);
  report_store_run_free(run);

  /* Every incident once, environments in scenario order. */
  acc a = {0, 1, 0, 0};
  assert_int_equal(report_store_incidents_foreach(st, id, incident_count, &a, &err), REPORT_OK);
  assert_int_equal(a.n, 14);
  assert_int_equal(a.order_ok, 1);
  assert_int_equal(report_store_incidents_foreach(st, id + 9, incident_count, &a, &err),
                   REPORT_ENOTFOUND);

  /* Deleting the run deletes its incidents and causes. */
  assert_int_equal(report_store_run_delete(st, id, &err), REPORT_OK);
  report_store_close(st);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM incidents"), 0);
  assert_int_equal(sql_int(path, "SELECT count(*) FROM env_component_stats"), 0);
  free(path);
  fixture_tmpdir_remove(dir);
}

/* A version-2 database (made by removing what migration 3 added) reads
** read-only with no incidents, causes or targets, and migrates read-write
** to one that stores lifetime runs with all of them. */
static void test_migration_v2(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "v2.db");
  fixture f;
  fixture_init(&f);
  fixture_lifetime_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_lifetime_run(st, &f.sc, REPORT_DETAIL_STEPS);
  report_store_close(st);
  sql_exec(path, UNDO_V5 UNDO_V3 "PRAGMA user_version = 2;");

  assert_int_equal(report_store_open(path, REPORT_STORE_READONLY, &st, &err), REPORT_OK);
  assert_int_equal(report_store_schema_version(st), 2);
  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, id, &run, &err), REPORT_OK);
  assert_null(run->disaster);
  assert_true(isnan(run->disaster_rate_per_s));
  assert_true(isnan(run->components[0].mtbf_target_s));
  assert_int_equal(run->components[0].failures, 19);   /* schema 2 had these */
  assert_near(run->components[0].sum_sq_failures, 0.0, 0);
  assert_int_equal(run->n_env_components, 0);
  report_store_run_free(run);
  double *v = NULL;
  size_t n = 1;
  const char *col = "rto_s";
  assert_int_equal(report_store_incident_columns(st, id, "production", &col, 1, &v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 0);
  assert_null(v);
  acc0 a = {0};
  assert_int_equal(report_store_incidents_foreach(st, id, incident_count0, &a, &err), REPORT_OK);
  assert_int_equal(a.n, 0);
  report_store_close(st);
  assert_int_equal(sql_int(path, "PRAGMA user_version"), 2);

  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  assert_int_equal(report_store_schema_version(st), REPORT_STORE_SCHEMA_VERSION);
  int64_t id2 = fixture_lifetime_run(st, &f.sc, REPORT_DETAIL_SUMMARY);
  assert_int_equal(report_store_check(st, &err), REPORT_OK);
  report_store_close(st);
  assert_int_equal(sql_int(path, "PRAGMA user_version"), REPORT_STORE_SCHEMA_VERSION);
  char q[128];
  snprintf(q, sizeof q, "SELECT count(*) FROM incidents WHERE run_id = %lld", (long long)id2);
  assert_int_equal(sql_int(path, q), 14);
  snprintf(q, sizeof q, "SELECT count(*) FROM incidents WHERE run_id = %lld", (long long)id);
  assert_int_equal(sql_int(path, q), 0);   /* the old run stays as it was */
  free(path);
  fixture_tmpdir_remove(dir);
}

/* A reader in a snapshot does not see a writer's later commits. */
static void test_snapshot(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "snap.db");
  fixture f;
  fixture_init(&f);
  report_store *w = NULL, *r = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &w, &err), REPORT_OK);
  report_run_info info = {.trials = 100, .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(w, &info, &f.sc, &id, &err), REPORT_OK);
  size_t rs = model_outcome_size(&f.sc);
  void *rec = fixture_records(&f.sc, 0, 60);
  assert_int_equal(report_store_run_append(w, id, &f.sc, 0, 50, rec, rs, &err), REPORT_OK);
  assert_int_equal(report_store_open(path, REPORT_STORE_READONLY, &r, &err), REPORT_OK);
  assert_int_equal(report_store_snapshot_begin(r, &err), REPORT_OK);
  assert_int_equal(report_store_run_append(w, id, &f.sc, 50, 10,
                                           (unsigned char *)rec + 50 * rs, rs, &err),
                   REPORT_OK);
  double *v = NULL;
  size_t n = 0;
  report_run *run = NULL;
  assert_int_equal(report_store_run_get(r, id, &run, &err), REPORT_OK);
  assert_int_equal(run->trials_done, 50);
  report_store_run_free(run);
  assert_int_equal(report_store_trial_column(r, id, "staging", "rto_s", &v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 50);
  free(v);
  report_store_snapshot_end(r);
  assert_int_equal(report_store_trial_column(r, id, "staging", "rto_s", &v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 60);
  free(v);
  report_store_snapshot_end(r);   /* without begin: no-op */
  free(rec);
  report_store_close(r);
  report_store_close(w);
  free(path);
  fixture_tmpdir_remove(dir);
}

/* The writer: appends chunks of `chunk` trials from trial `from` until
** killed, telling the parent after each commit. Never returns. */
static void crash_child(const char *path, int64_t id, uint64_t from, size_t chunk, int fd)
{
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err;
  if (report_store_open(path, REPORT_STORE_READWRITE, &st, &err)) _exit(3);
  size_t rs = model_outcome_size(&f.sc);
  unsigned char *buf = malloc(rs * chunk);
  if (!buf) _exit(4);
  for (uint64_t t = from;; t += chunk) {
    for (size_t i = 0; i < chunk; i++) fixture_fill(&f.sc, buf + i * rs, t + i);
    if (report_store_run_append(st, id, &f.sc, t, chunk, buf, rs, &err)) _exit(5);
    char one = 1;
    if (write(fd, &one, 1) != 1) _exit(6);
  }
}

/* Kill -9 a writer mid-run, several times at different moments: each time
** the database must pass integrity_check and hold exactly trials_done
** trials per environment, with aggregates that agree; then resume. */
static void test_crash_and_resume(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new(), *path = db_path(dir, "crash.db");
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  const uint64_t total = 10000000;
  const size_t chunk = 500;
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  report_run_info info = {.seed = 1, .trials = total, .detail = REPORT_DETAIL_STEPS,
                          .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, &f.sc, &id, &err), REPORT_OK);
  report_store_close(st);

  uint64_t done = 0;
  const long delays_us[3] = {0, 1500, 7000};
  for (int round = 0; round < 3; round++) {
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      crash_child(path, id, done, chunk, fds[1]);
    }
    close(fds[1]);
    /* Let it commit twice, then kill it at some point of a later append. */
    char c;
    for (int k = 0; k < 2; k++) assert_int_equal(read(fds[0], &c, 1), 1);
    struct timespec ts = {0, delays_us[round] * 1000L};
    nanosleep(&ts, NULL);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(fds[0]);

    assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
    assert_int_equal(report_store_check(st, &err), REPORT_OK);
    report_run *run = NULL;
    assert_int_equal(report_store_run_get(st, id, &run, &err), REPORT_OK);
    assert_true(run->trials_done >= done + 2 * chunk);
    assert_int_equal(run->trials_done % chunk, 0);
    assert_int_equal(run->status, REPORT_RUN_RUNNING);   /* nobody finished it */
    done = run->trials_done;
    assert_int_equal(run->steps[0].n, done);
    assert_int_equal(run->standby[0].n, done);
    report_store_run_free(run);
    report_store_close(st);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM trials WHERE environment = 'staging'");
    assert_int_equal(sql_int(path, sql), (int64_t)done);
    assert_int_equal(sql_int(path, "SELECT max(trial) + 1 FROM trials"), (int64_t)done);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM steps WHERE step_index = 3"),
                     (int64_t)done);
    assert_int_equal(sql_int(path, "SELECT sum(n) FROM component_stats WHERE "
                                   "component_index = 0"), (int64_t)done);
  }

  /* Resume: continue from first_trial + trials_done and complete. */
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  void *rec = fixture_records(&f.sc, done, 10);
  assert_int_equal(report_store_run_append(st, id, &f.sc, done, 10, rec,
                                           model_outcome_size(&f.sc), &err), REPORT_OK);
  free(rec);
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_INTERRUPTED, &err), REPORT_OK);
  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, id, &run, &err), REPORT_OK);
  assert_int_equal(run->trials_done, done + 10);
  assert_int_equal(run->status, REPORT_RUN_INTERRUPTED);
  report_store_run_free(run);
  report_store_close(st);
  free(path);
  fixture_tmpdir_remove(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_round_trip),
    cmocka_unit_test(test_append_rules),
    cmocka_unit_test(test_detail_list_delete),
    cmocka_unit_test(test_foreach),
    cmocka_unit_test(test_refusals),
    cmocka_unit_test(test_migration),
    cmocka_unit_test(test_lifetime_tables),
    cmocka_unit_test(test_migration_v2),
    cmocka_unit_test(test_snapshot),
    cmocka_unit_test(test_crash_and_resume),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
