/*
** tests/test_fit_mle.c — fit/mle.c: maximum likelihood with right-censoring.
**
** The acceptance of issue 20: 200 durations from lognormal(median 12 m, p95
** 35 m) with 20 % right-censoring (type I: every duration beyond the true
** 80th percentile is censored there, as a drill timeout does) — the fitted
** median and p95 lie inside their 95 % intervals, and over many
** replications the intervals cover the truth 95 % of the time within
** 2 points. Tolerances come from the standard error of a coverage share
** over R replications, sqrt(0.95 * 0.05 / R): with R = 2000 four of them
** are 1.95 points, inside the 2. Under valgrind
** (DRSIM_UNDER_VALGRIND=1) R is 200 and the tolerance is again 4 SE.
**
** Also: the closed form of the censored exponential, AIC picking
** exponential (or gamma/weibull with shape 1 inside its interval) on
** exponential data, the Beta posterior, the scenario snippet, draws of
** parameter sets.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fit/mle.h"

#define SEED 20260120u

static int under_valgrind(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && strcmp(v, "1") == 0;
}

/* n lognormal(median 12m, p95 35m) durations, censored at the true 80th
** percentile. */
static void lognormal_sample(gsl_rng *r, size_t n, double *x, unsigned char *c,
                             model_dist *truth) {
  model_dist_set_lognormal_median_p95(truth, 720, 2100, NULL);
  double cut = model_dist_quantile(truth, 0.8);
  for (size_t i = 0; i < n; i++) {
    double v = model_dist_sample(truth, r);
    c[i] = v > cut;
    x[i] = v > cut ? cut : v;
  }
}

static void test_lognormal_censored_single(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, SEED);
  double x[200];
  unsigned char c[200];
  model_dist truth;
  lognormal_sample(r, 200, x, c, &truth);
  fit_result f;
  char err[200];
  assert_int_equal(fit_mle(FIT_LOGNORMAL, x, c, 200, &f, err, sizeof err), 0);
  assert_true(f.cov_ok);
  assert_true(f.n_censored > 20 && f.n_censored < 60);
  fit_ci med = fit_quantile_ci(&f, 0.5, 0.95), p95 = fit_quantile_ci(&f, 0.95, 0.95);
  assert_true(med.lo <= 720 && 720 <= med.hi);
  assert_true(p95.lo <= 2100 && 2100 <= p95.hi);
  assert_true(med.lo < med.est && med.est < med.hi);
  /* The parameter view agrees with the quantile view. */
  const char *name;
  fit_ci pm = fit_param_ci(&f, 0, 0.95, &name);
  assert_string_equal(name, "median");
  assert_true(fabs(pm.est - med.est) < 1e-9 * med.est);
  gsl_rng_free(r);
}

static void test_lognormal_censored_coverage(void **state) {
  (void)state;
  size_t R = under_valgrind() ? 200 : 2000;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, SEED + 1);
  size_t cov_med = 0, cov_p95 = 0, ok = 0;
  double x[200];
  unsigned char c[200];
  char err[200];
  for (size_t k = 0; k < R; k++) {
    model_dist truth;
    lognormal_sample(r, 200, x, c, &truth);
    fit_result f;
    if (fit_mle(FIT_LOGNORMAL, x, c, 200, &f, err, sizeof err) || !f.cov_ok) continue;
    ok++;
    fit_ci med = fit_quantile_ci(&f, 0.5, 0.95), p95 = fit_quantile_ci(&f, 0.95, 0.95);
    cov_med += med.lo <= 720 && 720 <= med.hi;
    cov_p95 += p95.lo <= 2100 && 2100 <= p95.hi;
  }
  assert_int_equal(ok, R); /* every replication fits */
  double se = sqrt(0.95 * 0.05 / (double)R), tol = 4 * se;
  double a = (double)cov_med / (double)R, b = (double)cov_p95 / (double)R;
  print_message("coverage over %zu replications: median %.4f, p95 %.4f (tolerance %.4f)\n", R,
                a, b, tol);
  assert_true(fabs(a - 0.95) <= tol);
  assert_true(fabs(b - 0.95) <= tol);
  if (R >= 2000) {
    assert_true(fabs(a - 0.95) <= 0.02);
    assert_true(fabs(b - 0.95) <= 0.02);
  }
  gsl_rng_free(r);
}

/* Exponential with censoring: the MLE of the mean is total time over
** completed values, its standard error (observed information) mean / sqrt(d). */
static void test_exponential_closed_form(void **state) {
  (void)state;
  double x[] = {100, 200, 300, 400, 500, 600};
  unsigned char c[] = {0, 0, 1, 0, 1, 0};
  fit_result f;
  char err[200];
  assert_int_equal(fit_mle(FIT_EXPONENTIAL, x, c, 6, &f, err, sizeof err), 0);
  double mean = 2100.0 / 4.0;
  assert_true(fabs(exp(f.theta[0]) - mean) < 1e-9 * mean);
  assert_true(fabs(sqrt(f.cov[0][0]) - 0.5) < 1e-4); /* se of ln mean = 1/sqrt(4) */
  assert_true(fabs(f.aic - (2 - 2 * f.loglik)) < 1e-9);
  double ll = -4 * log(mean) - 2100 / mean;
  assert_true(fabs(f.loglik - ll) < 1e-9 * fabs(ll));
}

/* Fitting is refused without completed values, or with one distinct value
** for a two-parameter family, or with a non-positive value. */
static void test_refusals(void **state) {
  (void)state;
  double x[] = {100, 100, 300};
  unsigned char all[] = {1, 1, 1};
  fit_result f;
  char err[200];
  assert_int_equal(fit_mle(FIT_LOGNORMAL, x, all, 3, &f, err, sizeof err), -1);
  assert_non_null(strstr(err, "uncensored"));
  assert_int_equal(fit_mle(FIT_GAMMA, x, NULL, 2, &f, err, sizeof err), -1);
  assert_non_null(strstr(err, "two different"));
  double bad[] = {100, -1};
  assert_int_equal(fit_mle(FIT_EXPONENTIAL, bad, NULL, 2, &f, err, sizeof err), -1);
}

/* Every family recovers its own parameters from 2000 uncensored draws
** within 4 of its standard errors. */
static void test_every_family_recovers(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, SEED + 2);
  model_dist d[FIT_N_FAMILIES];
  model_dist_set_exponential(&d[FIT_EXPONENTIAL], 1800, NULL);
  model_dist_set_lognormal_median_p95(&d[FIT_LOGNORMAL], 600, 3000, NULL);
  model_dist_set_gamma(&d[FIT_GAMMA], 2.5, 400, NULL);
  model_dist_set_weibull(&d[FIT_WEIBULL], 1.7, 900, NULL);
  model_dist_set_normal(&d[FIT_NORMAL], 1800, 600, NULL);
  enum { N = 2000 };
  static double x[N];
  char err[200];
  for (int fam = 0; fam < FIT_N_FAMILIES; fam++) {
    for (size_t i = 0; i < N; i++) {
      x[i] = model_dist_sample(&d[fam], r);
      if (x[i] <= 0) x[i] = 1e-3;
    }
    fit_result f;
    assert_int_equal(fit_mle((fit_family)fam, x, NULL, N, &f, err, sizeof err), 0);
    assert_true(f.cov_ok);
    double t[FIT_MAX_PARAMS];
    fit_family ff;
    assert_int_equal(fit_theta_from_dist(&d[fam], &ff, t), 0);
    assert_int_equal(ff, fam);
    for (size_t i = 0; i < f.k; i++) {
      double se = sqrt(f.cov[i][i]);
      if (fabs(f.theta[i] - t[i]) > 4 * se)
        fail_msg("%s parameter %zu: %g vs %g (se %g)", fit_family_name(ff), i, f.theta[i], t[i],
                 se);
    }
  }
  gsl_rng_free(r);
}

/* On exponential data AIC picks the exponential, or a gamma/weibull whose
** shape interval holds 1 (the same law with a spare parameter), in most
** replications. Expected: the exponential loses to a 2-parameter family
** only when twice the log-likelihood gain exceeds 2 (P ~ 0.16 for each
** nested one), and then the shape interval holds 1 ~ 95 % of the time, so
** about 0.95 of replications succeed; "most" (> 0.5) is 20 SE below. */
static void test_auto_picks_exponential(void **state) {
  (void)state;
  size_t R = under_valgrind() ? 20 : 100, good = 0, exact = 0;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, SEED + 3);
  double x[200];
  char err[200];
  model_dist truth;
  model_dist_set_exponential(&truth, 1200, NULL);
  for (size_t k = 0; k < R; k++) {
    for (size_t i = 0; i < 200; i++) x[i] = model_dist_sample(&truth, r);
    fit_result best, f;
    int have = 0;
    for (int fam = 0; fam < FIT_N_FAMILIES; fam++) {
      if (fit_mle((fit_family)fam, x, NULL, 200, &f, err, sizeof err)) continue;
      if (!have || f.aic < best.aic) best = f;
      have = 1;
    }
    assert_true(have);
    if (best.family == FIT_EXPONENTIAL) {
      good++;
      exact++;
    } else if (best.family == FIT_GAMMA || best.family == FIT_WEIBULL) {
      fit_ci shape = fit_param_ci(&best, 0, 0.95, NULL);
      good += shape.lo <= 1 && 1 <= shape.hi;
    }
  }
  print_message("auto on exponential data: %zu of %zu equivalent (%zu exponential)\n", good, R,
                exact);
  assert_true((double)good > 0.5 * (double)R);
  gsl_rng_free(r);
}

static void test_beta_posterior(void **state) {
  (void)state;
  double a, b;
  fit_ci p = fit_beta_posterior(3, 20, 0.95, &a, &b);
  assert_true(fabs(a - 3.5) < 1e-12 && fabs(b - 17.5) < 1e-12);
  assert_true(fabs(p.est - 3.5 / 21.0) < 1e-12);
  assert_true(fabs(gsl_cdf_beta_P(p.lo, a, b) - 0.025) < 1e-9);
  assert_true(fabs(gsl_cdf_beta_P(p.hi, a, b) - 0.975) < 1e-9);
  fit_ci z = fit_beta_posterior(0, 12, 0.95, NULL, NULL);
  assert_true(z.est > 0 && z.lo >= 0 && z.hi < 0.25);
  fit_ci bad = fit_beta_posterior(5, 3, 0.95, NULL, NULL);
  assert_true(isnan(bad.est));
}

static void test_snippet_and_format(void **state) {
  (void)state;
  char b[400];
  assert_string_equal(fit_format_duration(720, b, sizeof b), "12m");
  assert_string_equal(fit_format_duration(35, b, sizeof b), "35s");
  assert_string_equal(fit_format_duration(9000, b, sizeof b), "2.5h");
  assert_string_equal(fit_format_duration(3 * 86400, b, sizeof b), "3d");
  fit_result f;
  memset(&f, 0, sizeof f);
  f.family = FIT_LOGNORMAL;
  f.k = 2;
  model_dist_set_lognormal_median_p95(&f.dist, 720, 2100, NULL);
  assert_string_equal(fit_yaml_snippet(&f, 0, b, sizeof b),
                      "{dist: lognormal, median: 12m, p95: 35m}");
  f.cov_ok = 1;
  f.n = 12;
  f.cov[0][0] = 0.01;
  f.cov[1][1] = 0.02;
  f.cov[0][1] = f.cov[1][0] = 0.001;
  assert_string_equal(fit_yaml_snippet(&f, 1, b, sizeof b),
                      "{dist: lognormal, median: 12m, p95: 35m, uncertainty: {n: 12, cov: "
                      "[[0.01, 0.001], [0.001, 0.02]]}}");
  fit_family ff;
  assert_int_equal(fit_family_parse("weibull", &ff), 0);
  assert_int_equal(ff, FIT_WEIBULL);
  assert_int_equal(fit_family_parse("pert", &ff), -1);
  assert_int_equal(fit_family_of_kind(MODEL_DIST_PERT), -1);
}

/* Draws of working parameters have the covariance they were given (4 SE
** on the variance of 20000 Gaussian draws: sd of a sample variance is
** var * sqrt(2 / n)). */
static void test_theta_draw(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, SEED + 4);
  double hat[2] = {6.5, -0.4}, cov[2][2] = {{0.04, 0.01}, {0.01, 0.09}};
  size_t n = 20000;
  double s0 = 0, s1 = 0, s00 = 0, s11 = 0;
  for (size_t i = 0; i < n; i++) {
    double t[2];
    assert_int_equal(fit_theta_draw(FIT_LOGNORMAL, hat, &cov[0][0], r, t), 0);
    s0 += t[0];
    s1 += t[1];
    s00 += (t[0] - hat[0]) * (t[0] - hat[0]);
    s11 += (t[1] - hat[1]) * (t[1] - hat[1]);
  }
  double dn = (double)n;
  assert_true(fabs(s0 / dn - hat[0]) < 4 * sqrt(0.04 / dn));
  assert_true(fabs(s1 / dn - hat[1]) < 4 * sqrt(0.09 / dn));
  assert_true(fabs(s00 / dn - 0.04) < 4 * 0.04 * sqrt(2 / dn));
  assert_true(fabs(s11 / dn - 0.09) < 4 * 0.09 * sqrt(2 / dn));
  double bad[2][2] = {{0.04, 0.1}, {0.1, 0.04}};
  double t[2];
  assert_int_equal(fit_theta_draw(FIT_LOGNORMAL, hat, &bad[0][0], r, t), -1);
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lognormal_censored_single),
    cmocka_unit_test(test_lognormal_censored_coverage),
    cmocka_unit_test(test_exponential_closed_form),
    cmocka_unit_test(test_refusals),
    cmocka_unit_test(test_every_family_recovers),
    cmocka_unit_test(test_auto_picks_exponential),
    cmocka_unit_test(test_beta_posterior),
    cmocka_unit_test(test_snippet_and_format),
    cmocka_unit_test(test_theta_draw),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
