/*
** tests/test_cli_sweep_values.c — cli/sweep_values.c: VALUES lists and
** ranges (numbers, durations, YAML values with commas), grids, target
** metrics with their error messages, the exact one-sided quantile criterion
** of `drsim size`, and evaluation points: in-memory values equal the stored
** trials, and with common random numbers the RTO is non-increasing in
** warm_nodes trial by trial (the monotonicity `size`'s bisection relies on),
** with P(meet) matching the closed form of tests/data/size-exponential.yaml.
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

/* ------------------------------------------------------------ values */

static void parse_ok(const char *values, study_grid_axis *a) {
  char err[400] = "";
  memset(a, 0, sizeof *a);
  if (study_grid_values_parse(values, a, err, sizeof err) != 0)
    fail_msg("'%s' should parse: %s", values, err);
}

static void expect_values(const char *values, size_t n, const char *const *texts,
                          const double *numbers) {
  study_grid_axis a;
  parse_ok(values, &a);
  if (a.n != n) fail_msg("'%s': %zu values, want %zu", values, a.n, n);
  for (size_t i = 0; i < n; i++) {
    if (strcmp(a.texts[i], texts[i]) != 0)
      fail_msg("'%s' value %zu: '%s', want '%s'", values, i, a.texts[i], texts[i]);
    if (isnan(numbers[i])) assert_true(isnan(a.numbers[i]));
    else if (fabs(a.numbers[i] - numbers[i]) > 1e-9 * fabs(numbers[i]))
      fail_msg("'%s' value %zu: %.17g, want %.17g", values, i, a.numbers[i], numbers[i]);
  }
  study_grid_axis_free(&a);
}

static void test_lists(void **state) {
  (void)state;
  expect_values("1,2,4", 3, (const char *[]){"1", "2", "4"}, (double[]){1, 2, 4});
  expect_values(" 1 , 2 ", 2, (const char *[]){"1", "2"}, (double[]){1, 2});
  expect_values("10m,1h30m,90", 3, (const char *[]){"10m", "1h30m", "90"}, (double[]){600, 5400, 90});
  expect_values("5%,0.2", 2, (const char *[]){"5%", "0.2"}, (double[]){0.05, 0.2});
  expect_values("true,abc", 2, (const char *[]){"true", "abc"}, (double[]){NAN, NAN});
  /* commas inside braces, brackets and quotes do not split */
  expect_values("{dist: exponential, mean: 5m},{dist: uniform, min: 1m, max: 2m}", 2,
                (const char *[]){"{dist: exponential, mean: 5m}", "{dist: uniform, min: 1m, max: 2m}"},
                (double[]){NAN, NAN});
  expect_values("[a, b],'x,y'", 2, (const char *[]){"[a, b]", "'x,y'"}, (double[]){NAN, NAN});
}

static void test_ranges(void **state) {
  (void)state;
  expect_values("1..4", 4, (const char *[]){"1", "2", "3", "4"}, (double[]){1, 2, 3, 4});
  expect_values("0..6/3", 3, (const char *[]){"0", "3", "6"}, (double[]){0, 3, 6});
  expect_values("0..7/3", 3, (const char *[]){"0", "3", "6"}, (double[]){0, 3, 6});
  /* decimal steps are written as a person would, not 0.30000000000000004 */
  expect_values("0.1..0.5/0.1", 5, (const char *[]){"0.1", "0.2", "0.3", "0.4", "0.5"},
                (double[]){0.1, 0.2, 0.3, 0.4, 0.5});
  expect_values("10m..60m/10m", 6, (const char *[]){"10m", "20m", "30m", "40m", "50m", "60m"},
                (double[]){600, 1200, 1800, 2400, 3000, 3600});
  /* the unit is the step's */
  expect_values("90s..3m/30s", 4, (const char *[]){"90s", "120s", "150s", "180s"},
                (double[]){90, 120, 150, 180});
  expect_values("0..1h/15m", 5, (const char *[]){"0m", "15m", "30m", "45m", "60m"},
                (double[]){0, 900, 1800, 2700, 3600});
  expect_values("0,2..3,8", 4, (const char *[]){"0", "2", "3", "8"}, (double[]){0, 2, 3, 8});
  expect_values("2..2", 1, (const char *[]){"2"}, (double[]){2});
}

static void parse_bad(const char *values, const char *fragment) {
  study_grid_axis a;
  memset(&a, 0, sizeof a);
  char err[400] = "";
  if (study_grid_values_parse(values, &a, err, sizeof err) == 0)
    fail_msg("'%s' should be refused", values);
  if (!strstr(err, fragment)) fail_msg("'%s': message '%s' lacks '%s'", values, err, fragment);
  study_grid_axis_free(&a);
}

static void test_value_errors(void **state) {
  (void)state;
  parse_bad("", "no values");
  parse_bad("1,,2", "empty value");
  parse_bad("1,", "empty value");
  parse_bad("5..1", "ends below its start");
  parse_bad("1h..3h", "needs a step");
  parse_bad("1..3/0", "step must be greater than 0");
  parse_bad("1..3/-1", "");
  parse_bad("a..b", "numbers or durations");
  parse_bad("1..100000", "more than");
  parse_bad("0..1/0.0000001", "more than");
}

static void test_axis_and_grid(void **state) {
  (void)state;
  study_grid_axis ax[3];
  char err[400];
  assert_int_equal(study_grid_axis_parse("standby.p.warm_nodes=0..1", &ax[0], err, sizeof err), 0);
  assert_string_equal(ax[0].path, "standby.p.warm_nodes");
  assert_int_equal(study_grid_axis_parse("a.b=x,y,z", &ax[1], err, sizeof err), 0);
  char *o = study_grid_override(&ax[1], 2);
  assert_string_equal(o, "a.b=z");
  free(o);
  size_t n = 0;
  assert_int_equal(study_grid_size(ax, 2, &n, err, sizeof err), 0);
  assert_int_equal(n, 6);
  /* the last axis varies fastest */
  size_t idx[2];
  size_t want[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}};
  for (size_t p = 0; p < 6; p++) {
    study_grid_index(ax, 2, p, idx);
    assert_int_equal(idx[0], want[p][0]);
    assert_int_equal(idx[1], want[p][1]);
  }
  assert_int_equal(study_grid_size(ax, 0, &n, err, sizeof err), 0);
  assert_int_equal(n, 1);
  /* the same path twice */
  assert_int_equal(study_grid_axis_parse("a.b=1", &ax[2], err, sizeof err), 0);
  assert_int_equal(study_grid_size(ax, 3, &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "given twice"));
  study_grid_axis_free(&ax[2]);
  /* too many points */
  assert_int_equal(study_grid_axis_parse("c=1..5000", &ax[2], err, sizeof err), 0);
  assert_int_equal(study_grid_size(ax, 3, &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "more than"));
  for (int i = 0; i < 3; i++) study_grid_axis_free(&ax[i]);
  study_grid_axis_free(NULL);
  /* malformed specs leave nothing to free */
  assert_int_equal(study_grid_axis_parse("no-equals", &ax[0], err, sizeof err), -1);
  assert_non_null(strstr(err, "PATH=VALUES"));
  assert_int_equal(study_grid_axis_parse("=1,2", &ax[0], err, sizeof err), -1);
  assert_int_equal(study_grid_axis_parse("a=", &ax[0], err, sizeof err), -1);
  assert_non_null(strstr(err, "--vary a"));
}

/* ------------------------------------------------------------ targets */

static model_scenario *load(const char *path, const char *const *ov, size_t n) {
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  int rc = model_scenario_load_file(path, ov, n, &sc, d);
  if (rc) model_diag_print(d, stderr);
  model_diag_free(d);
  assert_int_equal(rc, 0);
  return sc;
}

static void target_bad(const model_scenario *sc, const char *spec, int with_stat,
                       const char *fragment) {
  study_target t;
  char err[512] = "";
  if (study_target_parse(sc, spec, with_stat, &t, err, sizeof err) == 0)
    fail_msg("'%s' should be refused", spec);
  if (!strstr(err, fragment)) fail_msg("'%s': message '%s' lacks '%s'", spec, err, fragment);
}

static void test_targets(void **state) {
  (void)state;
  model_scenario *sc = load(REFERENCE, NULL, 0);
  study_target t;
  char err[512];
  assert_int_equal(study_target_parse(sc, "production.rto", 0, &t, err, sizeof err), 0);
  assert_string_equal(t.env, "production");
  assert_int_equal(t.metric, STUDY_TARGET_RTO);
  assert_true(t.objective == 4 * 3600.0);
  assert_int_equal(study_target_parse(sc, "staging.rpo.p99.9", 1, &t, err, sizeof err), 0);
  assert_int_equal(t.metric, STUDY_TARGET_RPO);
  assert_int_equal(t.stat, STUDY_TARGET_STAT_QUANTILE);
  assert_true(fabs(t.q - 0.999) < 1e-12);
  assert_true(t.objective == 3600.0);
  assert_int_equal(study_target_parse(sc, "production.rto.p_meet", 1, &t, err, sizeof err), 0);
  assert_int_equal(t.stat, STUDY_TARGET_STAT_P_MEET);
  assert_int_equal(study_target_parse(sc, "production.full_capacity.mean", 1, &t, err,
                                          sizeof err), 0);
  assert_true(isnan(t.objective));
  target_bad(sc, "prod.rto", 0, "did you mean 'production'");
  target_bad(sc, "nothing.rto", 0, "the environments are production, staging, development");
  target_bad(sc, "production.rtp", 0, "did you mean 'rto'");
  target_bad(sc, "development.full_capacity", 0, "no standby pool");
  target_bad(sc, "production.rto", 1, "add the statistic");
  target_bad(sc, "production.rto.median", 1, "unknown statistic");
  target_bad(sc, "production.rto.p100", 1, "unknown statistic");
  target_bad(sc, "production.rto.p95", 0, "no statistic here");
  target_bad(sc, "production.full_capacity.p_meet", 1, "no full_capacity objective");
  model_scenario_free(sc);

  /* environment names with dots: the longest match wins */
  static const char text[] =
      "version: 1\nname: dots\n"
      "objectives: {prod: {rto: 1h}, prod.eu: {rto: 2h}}\n"
      "regions: [{name: a, role: primary}, {name: b, role: standby}]\n"
      "components: [{name: s, environment: prod.eu, region: a}]\n";
  model_diag *d = model_diag_new();
  assert_int_equal(model_scenario_load_string(text, strlen(text), "dots", NULL, 0, &sc, d), 0);
  model_diag_free(d);
  assert_int_equal(study_target_parse(sc, "prod.eu.rto.p95", 1, &t, err, sizeof err), 0);
  assert_string_equal(t.env, "prod.eu");
  assert_true(t.objective == 7200.0);
  assert_int_equal(study_target_parse(sc, "prod.rto", 0, &t, err, sizeof err), 0);
  assert_string_equal(t.env, "prod");
  model_scenario_free(sc);
}

/* The criterion of `size`: q_upper is the order statistic X(u), u the
** smallest rank with P(Binomial(n, q) <= u - 1) >= confidence, checked here
** against GSL's binomial cdf directly. */
static void test_stats_criterion(void **state) {
  (void)state;
  enum { N = 500 };
  double v[N + 2];
  for (size_t i = 0; i < N; i++) v[i] = (double)((i * 7919) % N) + 1;   /* 1..N shuffled */
  v[N] = INFINITY;      /* a trial that never recovered */
  v[N + 1] = NAN;       /* dropped */
  study_target_stats s;
  study_target_stats_compute(v, N + 2, 0.9, 250, 0.95, &s);
  assert_int_equal(s.n, N + 1);
  assert_int_equal(s.not_finite, 1);
  assert_int_equal(s.n_meet, 250);
  assert_true(fabs(s.p_meet.est - 250.0 / (N + 1)) < 1e-12);
  assert_true(s.p_meet.lo < s.p_meet.est && s.p_meet.est < s.p_meet.hi);
  unsigned u = 1;
  while (gsl_cdf_binomial_P(u - 1, 0.9, N + 1) < 0.95) u++;
  assert_true(s.q_upper == v[u - 1]);   /* v is sorted now: v[k] = k + 1 */
  assert_true(s.q_upper == (double)u);
  assert_true(s.q_upper >= s.q.est);
  /* too few trials to bound a p99 from above */
  double w[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  study_target_stats_compute(w, 10, 0.99, 100, 0.95, &s);
  assert_true(isinf(s.q_upper));
  assert_int_equal(s.n_meet, 10);
  /* no objective */
  study_target_stats_compute(w, 10, 0.5, NAN, 0.95, &s);
  assert_true(isnan(s.p_meet.est));
}

/* ------------------------------------------------------------ points */

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

/* The fewest trials with a finite bound: the closed form ceil(log(1 - c) /
** log(q)) (p99 at 95 %: 1 - 0.99^n >= 0.95 first at n = 299), and exactly
** where the criterion's upper rank first fits: u <= n at n, u > n at n - 1. */
static void test_min_trials(void **state) {
  (void)state;
  assert_int_equal(study_target_min_trials(0.99, 0.95), 299);
  assert_int_equal(study_target_min_trials(0.9, 0.95), 29);
  assert_int_equal(study_target_min_trials(0.5, 0.95), 5);
  const double qs[] = {0.5, 0.9, 0.95, 0.99, 0.999}, cs[] = {0.9, 0.95, 0.99};
  for (size_t a = 0; a < 5; a++)
    for (size_t b = 0; b < 3; b++) {
      uint64_t n = study_target_min_trials(qs[a], cs[b]), l, u;
      assert_int_equal(n, (uint64_t)ceil(log(1 - cs[b]) / log(qs[a]) - 1e-9));
      report_stats_quantile_ranks(n, qs[a], 2 * cs[b] - 1, &l, &u);
      assert_true(u <= n);
      report_stats_quantile_ranks(n - 1, qs[a], 2 * cs[b] - 1, &l, &u);
      assert_true(u > n - 1);
      /* with n trials all at 1, the bound is finite */
      double *v = malloc(n * sizeof *v);
      assert_non_null(v);
      for (uint64_t k = 0; k < n; k++) v[k] = 1;
      study_target_stats st;
      study_target_stats_compute(v, n, qs[a], NAN, cs[b], &st);
      assert_true(st.q_upper == 1);
      study_target_stats_compute(v, n - 1, qs[a], NAN, cs[b], &st);
      assert_true(isinf(st.q_upper));
      free(v);
    }
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
    cmocka_unit_test(test_lists),
    cmocka_unit_test(test_ranges),
    cmocka_unit_test(test_value_errors),
    cmocka_unit_test(test_axis_and_grid),
    cmocka_unit_test(test_targets),
    cmocka_unit_test(test_stats_criterion),
    cmocka_unit_test(test_min_trials),
    cmocka_unit_test(test_points_monotone_closed_form),
    cmocka_unit_test(test_reference_monotone),
    cmocka_unit_test(test_point_stored),
    cmocka_unit_test(test_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
