/*
** tests/test_report_detail.c — the per-trial detail columns computed from
** a trial's record (reports/detail.h) and the store's re-simulated detail
** (report_store_set_detail_source in reports/store.h): a run kept without
** detail rows, given a source that hands the same records again, reads
** every detail column exactly as the same run kept with --detail steps.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/outcome.h"
#include "reports/detail.h"
#include "reports/store.h"
#include "support/report_fixture.h"

static void test_find(void **state)
{
  (void)state;
  report_detail_col c;
  assert_int_equal(report_detail_find("steps", "duration_s", &c), 0);
  assert_int_equal(c.table, REPORT_DETAIL_T_STEPS);
  assert_int_equal(report_detail_find("components", "incidents_caused", &c), 0);
  assert_int_equal(c.table, REPORT_DETAIL_T_COMPONENTS);
  assert_int_equal(report_detail_find("standby_trials", "shortage", &c), 0);
  assert_int_equal(c.table, REPORT_DETAIL_T_STANDBY);
  assert_int_equal(report_detail_find("steps", "rpo_s", &c), -1);
  assert_int_equal(report_detail_find("trials", "rto_s", &c), -1);
  assert_int_equal(report_detail_find(NULL, "rto_s", &c), -1);
  assert_int_equal(report_detail_rows(REPORT_DETAIL_T_STEPS, 4, 3, 1), 4);
  assert_int_equal(report_detail_rows(REPORT_DETAIL_T_COMPONENTS, 4, 3, 1), 3);
  assert_int_equal(report_detail_rows(REPORT_DETAIL_T_STANDBY, 4, 3, 1), 1);
}

/* Values as the store reads them back: non-finite reals are NULL, NaN. */
static void test_values(void **state)
{
  (void)state;
  model_step_outcome s[2] = {{10.0, 25.5, 2, 0, 1, 1, 0, 3.0},
                             {INFINITY, NAN, 3, 1, 0, 0, 0, NAN}};
  model_component_outcome c[1] = {{INFINITY, 7.0, 5.0, 6.0, 2, 1}};
  model_standby_outcome p[1] = {{60.0, NAN, 4, 1}};
  model_trial_view v = {NULL, s, c, p, NULL, NULL};
  report_detail_col k;
  static const struct { const char *t, *c; size_t i; double want; } cases[] = {
    {"steps", "start_s", 0, 10.0}, {"steps", "end_s", 0, 25.5}, {"steps", "attempts", 0, 2},
    {"steps", "failed", 0, 0}, {"steps", "critical", 0, 1}, {"steps", "off_hours", 0, 1},
    {"steps", "duration_s", 0, 15.5}, {"steps", "team_wait_s", 0, 3.0},
    {"steps", "failed", 1, 1}, {"steps", "attempts", 1, 3},
    {"components", "failover_s", 0, 7.0}, {"standby_trials", "first_service_s", 0, 60.0},
    {"standby_trials", "nodes", 0, 4}, {"standby_trials", "shortage", 0, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(report_detail_find(cases[i].t, cases[i].c, &k), 0);
    assert_true(report_detail_value(k, &v, cases[i].i, 0) == cases[i].want);
  }
  static const struct { const char *t, *c; size_t i; } nans[] = {
    {"steps", "start_s", 1}, {"steps", "end_s", 1}, {"steps", "duration_s", 1},
    {"steps", "team_wait_s", 1}, {"components", "rpo_s", 0}, {"components", "down_s", 0},
    {"components", "failures", 0}, {"standby_trials", "full_capacity_s", 0},
  };
  for (size_t i = 0; i < sizeof nans / sizeof nans[0]; i++) {
    assert_int_equal(report_detail_find(nans[i].t, nans[i].c, &k), 0);
    assert_true(isnan(report_detail_value(k, &v, nans[i].i, 0)));
  }
  /* Lifetime mode keeps the components' lifetime columns. */
  assert_int_equal(report_detail_find("components", "down_s", &k), 0);
  assert_true(report_detail_value(k, &v, 0, 1) == 5.0);
  assert_int_equal(report_detail_find("components", "incidents_caused", &k), 0);
  assert_true(report_detail_value(k, &v, 0, 1) == 1.0);
}

/* A source handing the fixture's records again, counting its passes. */
typedef struct fake_source {
  const model_scenario *sc;
  int passes, trials_simulated;
} fake_source;

static int fake(void *ctx, report_store *st, const report_run *run, uint64_t from,
                uint64_t count, report_detail_visit_fn visit, void *vctx, report_error *err)
{
  (void)st;
  (void)err;
  fake_source *f = ctx;
  f->passes++;
  size_t size = model_outcome_size(f->sc);
  unsigned char *rec = fixture_records(f->sc, run->first_trial + from, (size_t)count);
  for (uint64_t i = 0; i < count; i++) {
    model_trial_view v = model_outcome_view(f->sc, rec + i * size);
    f->trials_simulated++;
    if (visit(vctx, from + i, &v)) break;
  }
  free(rec);
  return REPORT_OK;
}

/* Store the fixture's trials as this build (the detail source requires
** the run's program_version to be this build's). */
static int64_t store_run(report_store *st, const model_scenario *sc, uint64_t trials,
                         report_detail detail)
{
  report_error err = {{0}};
  report_run_info info = {.scenario_text = "version: 1\nname: fixture\n", .seed = 42,
                          .trials = trials, .detail = detail, .threads = 1, .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, sc, &id, &err), REPORT_OK);
  void *rec = fixture_records(sc, 0, (size_t)trials);
  assert_int_equal(report_store_run_append(st, id, sc, 0, (size_t)trials, rec,
                                           model_outcome_size(sc), &err), REPORT_OK);
  free(rec);
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_COMPLETE, &err), REPORT_OK);
  return id;
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static void test_resimulated_equals_stored(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/d.db", dir);
  fixture fx;
  fixture_init(&fx);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t steps = store_run(st, &fx.sc, 60, REPORT_DETAIL_STEPS);
  int64_t compact = store_run(st, &fx.sc, 60, REPORT_DETAIL_SUMMARY);
  report_run *rs = NULL, *rc = NULL;
  assert_int_equal(report_store_run_get(st, steps, &rs, &err), REPORT_OK);
  assert_int_equal(report_store_run_get(st, compact, &rc, &err), REPORT_OK);

  /* Without a source the compact run has no detail. */
  assert_int_equal(report_store_run_has_detail(st, rs), 1);
  assert_int_equal(report_store_run_has_detail(st, rc), 0);
  double *v = NULL;
  size_t n = 99;
  assert_int_equal(report_store_detail_column(st, compact, "steps", 0, "start_s", &v, &n, &err),
                   REPORT_OK);
  assert_int_equal(n, 0);
  free(v);

  fake_source *src = calloc(1, sizeof *src);
  assert_non_null(src);
  src->sc = &fx.sc;
  report_store_set_detail_source(st, fake, src, free);
  assert_int_equal(report_store_run_has_detail(st, rc), 1);

  static const char *const tables[3] = {"steps", "components", "standby_trials"};
  static const char *const cols[3][8] = {
    {"start_s", "end_s", "attempts", "failed", "critical", "off_hours", "duration_s",
     "team_wait_s"},
    {"rpo_s", "failover_s", "down_s", "downtime_caused_s", "failures", "incidents_caused"},
    {"first_service_s", "full_capacity_s", "nodes", "shortage"}};
  size_t items[3] = {fx.sc.n_steps_total, fx.sc.n_components, fx.sc.n_standby};
  int passes = 0;
  for (int t = 0; t < 3; t++)
    for (int c = 0; c < 8 && cols[t][c]; c++) {
      passes++;
      for (size_t k = 0; k < items[t]; k++) {
        double *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        assert_int_equal(report_store_detail_column(st, steps, tables[t], k, cols[t][c], &a,
                                                    &na, &err), REPORT_OK);
        assert_int_equal(report_store_detail_column(st, compact, tables[t], k, cols[t][c], &b,
                                                    &nb, &err), REPORT_OK);
        assert_int_equal(na, 60);
        assert_int_equal(nb, 60);
        for (size_t i = 0; i < na; i++) {
          if (!same(a[i], b[i]))
            fail_msg("%s.%s[%zu] trial %zu: stored %g, re-simulated %g", tables[t], cols[t][c],
                     k, i, a[i], b[i]);
          double at = NAN;
          if (i % 17 == 3) {
            assert_int_equal(report_store_detail_at(st, rc, tables[t], k, i, cols[t][c], &at,
                                                    &err), REPORT_OK);
            assert_true(same(at, a[i]));
          }
        }
        free(a);
        free(b);
      }
    }
  /* One pass over the trials per column read item after item (cached),
  ** and one trial for each single value. */
  int singles = src->passes - passes;
  assert_true(singles > 0);
  assert_int_equal(src->trials_simulated, passes * 60 + singles);
  assert_int_equal(report_store_detail_at(st, rc, "steps", 0, 0, "nope", &(double){0}, &err),
                   REPORT_EINVAL);
  report_store_run_free(rs);
  report_store_run_free(rc);
  report_store_close(st);   /* frees the source */
  fixture_tmpdir_remove(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_find),
    cmocka_unit_test(test_values),
    cmocka_unit_test(test_resimulated_equals_stored),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
