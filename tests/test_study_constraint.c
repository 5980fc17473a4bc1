/*
** tests/test_study_constraint.c — study/constraint.c: parsing the
** constraints of `drsim optimize` and their one-sided 95 % checks against
** closed forms: the quantile's bound is the order statistic of the smallest
** rank u with P(Binomial(n, q) <= u - 1) >= 0.95, the mean's the t bound
** mean + t(0.95, n-1) s / sqrt(n), the share's the one-sided
** Clopper-Pearson lower bound of models/meet.h (the rule of every command:
** P(Binomial(n, bound) >= k) = 5 %) for known counts.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/diag.h"
#include "study/constraint.h"

#define SMALL DRSIM_SOURCE_DIR "/tests/data/optimize-small.yaml"

static model_scenario *load(void) {
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_file(SMALL, NULL, 0, &sc, d), 0);
  model_diag_free(d);
  return sc;
}

static void test_parse(void **state) {
  (void)state;
  model_scenario *sc = load();
  study_constraint c;
  char err[400];
  assert_int_equal(study_constraint_parse(sc, "app.rto.p95<=4h", &c, err, sizeof err), 0);
  assert_int_equal(c.kind, STUDY_CONSTRAINT_QUANTILE);
  assert_true(fabs(c.q - 0.95) < 1e-12);
  assert_true(c.threshold == 4 * 3600 && c.objective == 4 * 3600);
  assert_int_equal(c.env, 0);
  assert_string_equal(c.spec, "app.rto.p95<=4h");
  assert_int_equal(study_constraint_min_trials(&c), study_target_min_trials(0.95, 0.95));
  assert_int_equal(study_constraint_parse(sc, "app.rpo.mean<=30m", &c, err, sizeof err), 0);
  assert_int_equal(c.kind, STUDY_CONSTRAINT_MEAN);
  assert_true(c.threshold == 1800);
  assert_int_equal(study_constraint_min_trials(&c), 0);
  assert_int_equal(study_constraint_parse(sc, "app.rto.p_meet>=90%", &c, err, sizeof err), 0);
  assert_int_equal(c.kind, STUDY_CONSTRAINT_P_MEET);
  assert_true(fabs(c.threshold - 0.9) < 1e-12);
  assert_true(c.objective == 2 * 3600);   /* the scenario's RTO objective */
  /* the wrong side, no operator, a bad value, an unknown environment */
  assert_int_equal(study_constraint_parse(sc, "app.rto.p95>=4h", &c, err, sizeof err), -1);
  assert_non_null(strstr(err, "a duration is a ceiling; write app.rto.p95<=4h"));
  assert_int_equal(study_constraint_parse(sc, "app.rto.p_meet<=90%", &c, err, sizeof err), -1);
  assert_non_null(strstr(err, "is a floor"));
  assert_int_equal(study_constraint_parse(sc, "app.rto.p95", &c, err, sizeof err), -1);
  assert_non_null(strstr(err, "has no <= or >="));
  assert_int_equal(study_constraint_parse(sc, "app.rto.p95<=soon", &c, err, sizeof err), -1);
  assert_int_equal(study_constraint_parse(sc, "nosuch.rto.p95<=4h", &c, err, sizeof err), -1);
  model_scenario_free(sc);
}

static study_constraint make(study_constraint_kind kind, double q, double threshold,
                             double objective) {
  study_constraint c;
  memset(&c, 0, sizeof c);
  c.kind = kind;
  c.q = q;
  c.threshold = threshold;
  c.objective = objective;
  return c;
}

/* values 1..n in a scrambled order */
static double *ramp(size_t n) {
  double *v = malloc(n * sizeof *v);
  assert_non_null(v);
  for (size_t i = 0; i < n; i++) v[i] = (double)((i * 7919) % n + 1);
  return v;
}

static void test_quantile_bound(void **state) {
  (void)state;
  size_t n = 1000;
  double q = 0.95;
  unsigned u = 1;
  while (gsl_cdf_binomial_P(u - 1, q, (unsigned)n) < 0.95) u++;
  double *v = ramp(n);
  study_constraint c = make(STUDY_CONSTRAINT_QUANTILE, q, (double)u, (double)u);
  study_opt_check k;
  study_constraint_check(&c, v, n, &k);
  assert_true(k.bound == (double)u);          /* X(u) of 1..n is u */
  assert_true(k.bound > k.estimate);
  assert_true(k.meets);
  assert_true(fabs(k.p_meet - (double)u / (double)n) < 1e-12);
  assert_true(k.shortfall == 0);
  free(v);
  v = ramp(n);
  c.threshold = c.objective = (double)u - 1;    /* just below the bound: not met */
  study_constraint_check(&c, v, n, &k);
  assert_false(k.meets);
  free(v);
  /* too few trials: no finite bound */
  double few[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  c.threshold = c.objective = 1e9;
  study_constraint_check(&c, few, 10, &k);
  assert_true(isinf(k.bound) && !k.meets);
  assert_true(k.shortfall == 0);     /* every value meets: the estimate is short of nothing */
}

static void test_mean_bound(void **state) {
  (void)state;
  size_t n = 200;
  double *v = ramp(n);
  double mean = (n + 1) / 2.0, s = sqrt((double)n * (n + 1) / 12.0);   /* of 1..n */
  double hi = mean + gsl_cdf_tdist_Pinv(0.95, (double)n - 1) * s / sqrt((double)n);
  study_constraint c = make(STUDY_CONSTRAINT_MEAN, 0, hi + 1e-6, hi + 1e-6);
  study_opt_check k;
  study_constraint_check(&c, v, n, &k);
  assert_true(fabs(k.estimate - mean) < 1e-9);
  assert_true(fabs(k.bound - hi) < 1e-6);
  assert_true(k.meets && k.shortfall == 0);
  free(v);
  v = ramp(n);
  c.threshold = c.objective = mean / 2;
  study_constraint_check(&c, v, n, &k);
  assert_false(k.meets);
  assert_true(fabs(k.shortfall - 1.0) < 1e-12);   /* (mean - m/2) / (m/2) */
  /* a trial never recovered: the mean is +inf, never met */
  v[3] = INFINITY;
  c.threshold = c.objective = 1e12;
  study_constraint_check(&c, v, n, &k);
  assert_true(isinf(k.estimate) && isinf(k.bound) && !k.meets && k.shortfall == 1e9);
  free(v);
}

static void test_share_bound(void **state) {
  (void)state;
  /* 90 of 100 trials meet the objective 50: values 1..90 and 91..100 above it */
  size_t n = 100, k_meet = 90;
  double v[100];
  for (size_t i = 0; i < n; i++) v[i] = i < k_meet ? 10 : 100;
  study_constraint c = make(STUDY_CONSTRAINT_P_MEET, 0, 0.5, 50);
  study_opt_check k;
  study_constraint_check(&c, v, n, &k);
  assert_true(fabs(k.estimate - 0.9) < 1e-12 && fabs(k.p_meet - 0.9) < 1e-12);
  /* the bound lo solves P(Binomial(100, lo) >= 90) = 0.05 (about 0.836) */
  double lo = k.bound;
  assert_true(lo > 0.8 && lo < 0.9);
  assert_true(fabs(gsl_cdf_binomial_Q(89, lo, 100) - 0.05) < 1e-9);
  for (size_t i = 0; i < n; i++) v[i] = i < k_meet ? 10 : 100;
  c.threshold = lo - 1e-6;
  study_constraint_check(&c, v, n, &k);
  assert_true(k.meets && k.shortfall == 0);
  for (size_t i = 0; i < n; i++) v[i] = i < k_meet ? 10 : 100;
  c.threshold = lo + 1e-6;             /* just above the bound: not met */
  study_constraint_check(&c, v, n, &k);
  assert_false(k.meets);
  for (size_t i = 0; i < n; i++) v[i] = i < k_meet ? 10 : 100;
  c.threshold = 0.85;                  /* above the bound (0.843...): not met */
  study_constraint_check(&c, v, n, &k);
  assert_false(k.meets);
  assert_true(k.shortfall == 0);       /* the estimate itself meets 85 % */
  for (size_t i = 0; i < n; i++) v[i] = i < k_meet ? 10 : 100;
  c.threshold = 0.95;
  study_constraint_check(&c, v, n, &k);
  assert_true(fabs(k.shortfall - 0.05) < 1e-12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse),
    cmocka_unit_test(test_quantile_bound),
    cmocka_unit_test(test_mean_bound),
    cmocka_unit_test(test_share_bound),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
