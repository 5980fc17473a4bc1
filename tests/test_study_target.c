/*
** tests/test_study_target.c — study/target.c: target metrics with their
** error messages, the exact one-sided quantile criterion of `drsim size`
** (checked against GSL's binomial cdf), and the fewest trials that can bound
** a quantile.
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

#include "study/grid.h"
#include "study/target.h"
#include "models/diag.h"

#define EXPO DRSIM_SOURCE_DIR "/tests/data/size-exponential.yaml"
#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"

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

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_targets),
    cmocka_unit_test(test_stats_criterion),
    cmocka_unit_test(test_min_trials),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
