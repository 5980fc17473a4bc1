/*
** tests/test_cli_sweep_values.c — cli/sweep_values.c: evaluation points run
** through cli_sweep_point_run (study/point.h): in-memory values equal the
** stored trials, and with common random numbers the RTO is non-increasing
** in warm_nodes trial by trial (the monotonicity `size`'s bisection relies
** on), with P(meet) matching the closed form of
** tests/data/size-exponential.yaml; the page frame and formats of
** reports/page.h. Values and grids: tests/test_study_grid.c; targets and
** the criterion: tests/test_study_target.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>

#include "cli/args.h"
#include "cli/common.h"
#include "cli/sweep_values.h"

#define EXPO DRSIM_SOURCE_DIR "/tests/data/size-exponential.yaml"
#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"

static int under_valgrind(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && *v && strcmp(v, "0") != 0;
}

/* ------------------------------------------------------------ points */

static model_scenario *load(const char *path, const char *const *ov, size_t n) {
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  int rc = model_scenario_load_file(path, ov, n, &sc, d);
  if (rc) model_diag_print(d, stderr);
  model_diag_free(d);
  assert_int_equal(rc, 0);
  return sc;
}

static study_point point(const char *path, const char *const *ov, size_t n_ov,
                         uint64_t trials, const study_target *t) {
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "test";
  p.scenario_path = path;
  p.overrides = ov;
  p.n_overrides = n_ov;
  p.trials_given = 1;
  p.trials = trials;
  p.threads = 2;
  p.detail = "summary";
  p.collect = t;
  p.collect_rto = 1;
  return p;
}

/* size-exponential: RTO = max of 8 - warm exponentials (mean 10 m). With the
** same seed, adding a warm node removes one node's draw, so trial by trial
** the RTO can only fall; P(RTO <= 35 m) = (1 - e^-3.5)^(8 - warm). */
static void test_points_monotone_closed_form(void **state) {
  (void)state;
  uint64_t n = under_valgrind() ? 2000 : 20000;
  model_scenario *base = load(EXPO, NULL, 0);
  study_target t;
  char err[512];
  assert_int_equal(study_target_parse(base, "app.rto", 0, &t, err, sizeof err), 0);
  model_scenario_free(base);
  double *prev = NULL;
  double p1 = 1 - exp(-3.5);
  for (int w = 0; w <= 8; w++) {
    char o[64];
    snprintf(o, sizeof o, "standby.pool.warm_nodes=%d", w);
    const char *ov[1] = {o};
    study_point p = point(EXPO, ov, 1, n, &t);
    assert_int_equal(cli_sweep_point_run(&p), CLI_EXIT_OK);
    assert_int_equal(p.n_values, n);
    assert_true(p.seed_used == 11);
    for (size_t i = 0; i < n; i++) {
      assert_true(p.values[i] == p.rto_values[i]);
      if (prev && !(p.values[i] <= prev[i]))
        fail_msg("warm %d, trial %zu: RTO %g > %g with one node fewer warm", w, i, p.values[i],
                 prev[i]);
    }
    free(prev);
    prev = p.values;
    p.values = NULL;
    /* P(meet) against the closed form, 5 standard errors */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += prev[i] <= 35 * 60.0;
    double want = pow(p1, 8 - w), se = sqrt(want * (1 - want) / (double)n);
    double got = (double)k / (double)n;
    if (fabs(got - want) > 5 * se + 1e-12)
      fail_msg("warm %d: P(meet) %.5f, closed form %.5f (5 se = %.5f)", w, got, want, 5 * se);
    study_point_clear(&p);
  }
  for (size_t i = 0; i < n; i++) assert_true(prev[i] == 0);   /* all warm: nothing to add */
  free(prev);
}

/* The reference scenario: production's RTO is non-increasing in the warm
** nodes of aks-prod-dr in every trial (its scale-up has no retry, and the
** on-call approval comes before it), so `size`'s bisection is exact there. */
static void test_reference_monotone(void **state) {
  (void)state;
  uint64_t n = under_valgrind() ? 300 : 3000;
  model_scenario *base = load(REFERENCE, NULL, 0);
  study_target t;
  char err[512];
  assert_int_equal(study_target_parse(base, "production.rto", 0, &t, err, sizeof err), 0);
  model_scenario_free(base);
  double *prev = NULL;
  size_t changed = 0;
  for (int w = 0; w <= 5; w++) {
    char o[64];
    snprintf(o, sizeof o, "standby.aks-prod-dr.warm_nodes=%d", w);
    const char *ov[1] = {o};
    study_point p = point(REFERENCE, ov, 1, n, &t);
    assert_int_equal(cli_sweep_point_run(&p), CLI_EXIT_OK);
    for (size_t i = 0; prev && i < n; i++) {
      if (!(p.values[i] <= prev[i]))
        fail_msg("warm %d, trial %zu: RTO %g > %g", w, i, p.values[i], prev[i]);
      changed += p.values[i] < prev[i];
    }
    free(prev);
    prev = p.values;
    p.values = NULL;
    study_point_clear(&p);
  }
  assert_true(changed > 0);   /* the warm nodes do matter */
  free(prev);
}

/* A stored point: the run carries the sweep id, the point and the
** overrides, and its trials are the values collected in memory. */
static void test_point_stored(void **state) {
  (void)state;
  char dir[] = "/tmp/drsim-sweep-test-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char db[256];
  snprintf(db, sizeof db, "%s/x.db", dir);
  report_store *st = NULL;
  report_error rerr;
  assert_int_equal(report_store_open(db, REPORT_STORE_READWRITE, &st, &rerr), REPORT_OK);
  int64_t id = 0;
  assert_int_equal(study_point_next_sweep_id(st, &id, &rerr), REPORT_OK);
  assert_int_equal(id, 1);
  model_scenario *base = load(EXPO, NULL, 0);
  study_target t;
  char err[512];
  assert_int_equal(study_target_parse(base, "app.rto", 0, &t, err, sizeof err), 0);
  model_scenario_free(base);
  const char *ov[2] = {"standby.pool.max_parallel=2", "standby.pool.warm_nodes=5"};
  study_point p = point(EXPO, ov, 2, 3000, &t);
  p.store = st;
  p.sweep_id = 7;
  p.point = 3;
  /* The point loads from the text as read (the file is not read again). */
  char *text = cli_read_text(EXPO);
  assert_non_null(text);
  p.scenario_text = text;
  assert_int_equal(cli_sweep_point_run(&p), CLI_EXIT_OK);
  assert_true(p.run_id > 0);
  report_run *run = NULL;
  assert_int_equal(report_store_run_get(st, p.run_id, &run, &rerr), REPORT_OK);
  assert_int_equal(run->sweep_id, 7);
  assert_int_equal(run->point, 3);
  assert_int_equal(run->status, REPORT_RUN_COMPLETE);
  assert_int_equal(run->trials_done, 3000);
  assert_int_equal(run->n_overrides, 2);
  assert_string_equal(run->overrides[1], "standby.pool.warm_nodes=5");
  assert_string_equal(run->scenario_text, text);
  free(text);
  report_store_run_free(run);
  double *col = NULL;
  size_t n = 0;
  assert_int_equal(report_store_trial_column(st, p.run_id, "app", "rto_s", &col, &n, &rerr),
                   REPORT_OK);
  assert_int_equal(n, 3000);
  for (size_t i = 0; i < n; i++) assert_true(col[i] == p.values[i]);
  free(col);
  study_point_clear(&p);
  assert_int_equal(study_point_next_sweep_id(st, &id, &rerr), REPORT_OK);
  assert_int_equal(id, 8);
  /* an override that does not load: bad input, nothing stored */
  const char *bad[1] = {"standby.pool.warm_nodes=99"};
  p = point(EXPO, bad, 1, 10, &t);
  p.store = st;
  assert_int_equal(cli_sweep_point_run(&p), CLI_EXIT_USAGE);
  assert_int_equal(p.run_id, 0);
  study_point_clear(&p);
  report_store_close(st);
  unlink(db);
  char side[300];
  snprintf(side, sizeof side, "%s-wal", db);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", db);
  unlink(side);
  rmdir(dir);
}

static void test_helpers(void **state) {
  (void)state;
  char b[48];
  assert_string_equal(report_page_duration(INFINITY, b, sizeof b), "never");
  assert_string_equal(report_page_duration(5400, b, sizeof b), "1h 30m");
  assert_string_equal(study_target_metric_name(STUDY_TARGET_FULL_CAPACITY), "full_capacity");
  char *text = cli_read_text(EXPO);
  assert_non_null(text);
  assert_non_null(strstr(text, "name: size-exponential"));
  free(text);
  assert_null(cli_read_text(DRSIM_SOURCE_DIR "/tests/data/no-such-file.yaml"));
  char *html = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&html, &len);
  assert_int_equal(report_page_begin(f, "a <b> & c"), 0);
  assert_int_equal(report_page_end(f), 0);
  fclose(f);
  assert_non_null(strstr(html, "<h1>a &lt;b&gt; &amp; c</h1>"));
  assert_non_null(strstr(html, "</html>"));
  free(html);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_points_monotone_closed_form),
    cmocka_unit_test(test_reference_monotone),
    cmocka_unit_test(test_point_stored),
    cmocka_unit_test(test_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
