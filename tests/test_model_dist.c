/*
** tests/test_model_dist.c — models/dist.c: for every kind, draws agree with
** the closed forms (mean within 4 standard errors, share of draws below a
** quantile within 4 binomial standard errors), cdf and quantile invert each
** other, set-up rejects bad parameters naming the right key, empirical
** copy/free, and scaling.
**
** Tolerances are derived, not tuned: with n independent draws the sample
** mean has standard error sqrt(Var/n) and the share of draws <= x has
** standard error sqrt(F(x)(1-F(x))/n). 4 SE leaves ~6e-5 chance of a false
** failure per check; the seeds are fixed, so a run is reproducible.
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

#include <gsl/gsl_math.h> /* M_PI, M_E: not in strict C11/POSIX */

#include "models/dist.h"
#include "sim/rng.h"

#define SEED 20240601u
#define N_SIGMA 4.0

/* Draws per statistical check; fewer under valgrind (the tolerances are
** recomputed from n, so the test stays as strict in sigmas). */
static size_t n_draws(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return (v && strcmp(v, "1") == 0) ? 20000 : 200000;
}

static const double empirical_samples[] = {3600, 60, 0, 300, 60, 120, 900, 45, 600, 1800};
#define N_EMPIRICAL (sizeof empirical_samples / sizeof *empirical_samples)

typedef struct dist_case {
  const char *label;
  model_dist d;
  int continuous; /* cdf(quantile(p)) == p holds */
} dist_case;

/* Every kind, with edge shapes (mode at an end, shape < 1, a normal mostly
** cut off by truncation). Returns the number of cases filled. */
static size_t make_cases(dist_case *c) {
  size_t k = 0;
  model_dist_error e;
#define ADD(lbl, cont, call)                                  \
  do {                                                        \
    c[k].label = lbl;                                         \
    c[k].continuous = cont;                                   \
    if ((call) != 0) fail_msg("%s: %s: %s", lbl, e.param, e.text); \
    k++;                                                      \
  } while (0)
  ADD("constant 60s", 0, model_dist_set_constant(&c[k].d, 60, &e));
  ADD("constant 0", 0, model_dist_set_constant(&c[k].d, 0, &e));
  ADD("exponential 30m", 1, model_dist_set_exponential(&c[k].d, 1800, &e));
  ADD("lognormal 20m/2h", 1, model_dist_set_lognormal_median_p95(&c[k].d, 1200, 7200, &e));
  ADD("lognormal mu/sigma", 1, model_dist_set_lognormal(&c[k].d, log(600), 0.8, &e));
  ADD("weibull 1.5", 1, model_dist_set_weibull(&c[k].d, 1.5, 3600, &e));
  ADD("weibull 0.7", 1, model_dist_set_weibull(&c[k].d, 0.7, 3600, &e));
  ADD("gamma 2.5", 1, model_dist_set_gamma(&c[k].d, 2.5, 600, &e));
  ADD("gamma 0.5", 1, model_dist_set_gamma(&c[k].d, 0.5, 600, &e));
  ADD("normal 10m sd 5m", 1, model_dist_set_normal(&c[k].d, 600, 300, &e));
  ADD("normal 0 sd 5m", 1, model_dist_set_normal(&c[k].d, 0, 300, &e));
  ADD("uniform", 1, model_dist_set_uniform(&c[k].d, 600, 2400, &e));
  ADD("triangular", 1, model_dist_set_triangular(&c[k].d, 300, 600, 1800, &e));
  ADD("triangular mode=min", 1, model_dist_set_triangular(&c[k].d, 300, 300, 1800, &e));
  ADD("triangular mode=max", 1, model_dist_set_triangular(&c[k].d, 300, 1800, 1800, &e));
  ADD("pert", 1, model_dist_set_pert(&c[k].d, 300, 600, 1800, &e));
  ADD("pert mode=min", 1, model_dist_set_pert(&c[k].d, 0, 0, 1800, &e));
  ADD("empirical", 0, model_dist_set_empirical(&c[k].d, empirical_samples, N_EMPIRICAL, &e));
#undef ADD
  /* A normal whose mean sits 5 sd below 0: the setters refuse a negative
  ** mean, but the struct is a public value type and the sampler's
  ** inverse-cdf branch (P(X > 0) ~ 3e-7) must be right too. */
  memset(&c[k].d, 0, sizeof c[k].d);
  c[k].label = "normal mean -5 sd (inverse cdf)";
  c[k].continuous = 1;
  c[k].d.kind = MODEL_DIST_NORMAL;
  c[k].d.p[0] = -3000;
  c[k].d.p[1] = 600;
  k++;
  return k;
}

#define MAX_CASES 32

static void free_cases(dist_case *c, size_t n) {
  for (size_t i = 0; i < n; i++) model_dist_free(&c[i].d);
}

static void test_sample_mean_and_quantiles(void **state) {
  (void)state;
  dist_case c[MAX_CASES];
  size_t nc = make_cases(c);
  size_t n = n_draws();
  gsl_rng *r = sim_rng_alloc();
  assert_non_null(r);
  int kinds_seen[MODEL_DIST_EMPIRICAL + 1] = {0};
  for (size_t i = 0; i < nc; i++) {
    const model_dist *d = &c[i].d;
    kinds_seen[d->kind] = 1;
    sim_rng_seed(r, SEED, i, 0);
    static const double qs[2] = {0.5, 0.9};
    double xq[2], below[2] = {0, 0};
    for (int j = 0; j < 2; j++) xq[j] = model_dist_quantile(d, qs[j]);
    double sum = 0, min = INFINITY;
    for (size_t t = 0; t < n; t++) {
      double x = model_dist_sample(d, r);
      sum += x;
      if (x < min) min = x;
      for (int j = 0; j < 2; j++) below[j] += x <= xq[j];
    }
    double mean = model_dist_mean(d), var = model_dist_variance(d);
    assert_true(isfinite(mean) && isfinite(var) && var >= 0);
    /* Durations are never negative (the truncated normal included). */
    assert_true(min >= 0);
    /* Summing n doubles adds a relative rounding error of at most ~n * eps
    ** (4e-11 here); 1e-9 * mean covers it for the zero-variance kinds. */
    double tol = N_SIGMA * sqrt(var / (double)n) + 1e-9 * fabs(mean);
    double sample_mean = sum / (double)n;
    if (fabs(sample_mean - mean) > tol)
      print_error("%s: sample mean %.6g, closed form %.6g, tolerance %.3g\n", c[i].label,
                  sample_mean, mean, tol);
    assert_true(fabs(sample_mean - mean) <= tol);
    for (int j = 0; j < 2; j++) {
      /* Compare with F(x_q), which is q for continuous kinds and the exact
      ** step height for constant and empirical ones. */
      double f = model_dist_cdf(d, xq[j]);
      if (c[i].continuous) assert_true(fabs(f - qs[j]) < 1e-9);
      double share = below[j] / (double)n;
      double qtol = N_SIGMA * sqrt(f * (1 - f) / (double)n);
      if (fabs(share - f) > qtol)
        print_error("%s: share <= q%.0f = %.6f, expected %.6f +- %.3g\n", c[i].label,
                    100 * qs[j], share, f, qtol);
      assert_true(fabs(share - f) <= qtol);
    }
  }
  for (int k = 0; k <= MODEL_DIST_EMPIRICAL; k++) {
    if (!kinds_seen[k]) print_error("kind %s not covered\n", model_dist_kind_name(k));
    assert_true(kinds_seen[k]);
  }
  gsl_rng_free(r);
  free_cases(c, nc);
}

/* cdf(quantile(p)) == p for continuous kinds, quantile is monotone, and the
** ends of the support are right. */
static void test_cdf_quantile_round_trip(void **state) {
  (void)state;
  dist_case c[MAX_CASES];
  size_t nc = make_cases(c);
  static const double ps[] = {1e-6, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999};
  for (size_t i = 0; i < nc; i++) {
    const model_dist *d = &c[i].d;
    double prev = -INFINITY;
    for (size_t j = 0; j < sizeof ps / sizeof *ps; j++) {
      double x = model_dist_quantile(d, ps[j]);
      assert_true(x >= 0 && isfinite(x));
      assert_true(x >= prev);
      prev = x;
      if (c[i].continuous) {
        double f = model_dist_cdf(d, x);
        /* GSL's inverses are accurate to ~1e-12 relative; 1e-9 absolute is
        ** far below anything a simulation could resolve. */
        if (fabs(f - ps[j]) > 1e-9)
          print_error("%s: cdf(quantile(%g)) = %.15g\n", c[i].label, ps[j], f);
        assert_true(fabs(f - ps[j]) <= 1e-9);
      } else {
        /* Step cdfs: the interpolated sample quantile (Hyndman-Fan 7) sits at
        ** or above order statistic floor((n-1)p), so F(x) >= p - 1/n. */
        double n = d->kind == MODEL_DIST_EMPIRICAL ? (double)d->n_samples : 1.0;
        assert_true(model_dist_cdf(d, x) >= ps[j] - 1.0 / n);
      }
    }
    assert_true(model_dist_cdf(d, -1.0) == 0.0);
    assert_true(model_dist_cdf(d, INFINITY) == 1.0);
    assert_true(isnan(model_dist_cdf(d, NAN)));
    assert_true(isnan(model_dist_quantile(d, -0.1)));
    assert_true(isnan(model_dist_quantile(d, 1.1)));
    assert_true(isnan(model_dist_quantile(d, NAN)));
    assert_true(model_dist_quantile(d, 0.0) >= 0.0);
  }
  /* Support ends. */
  model_dist d;
  assert_int_equal(model_dist_set_uniform(&d, 60, 120, NULL), 0);
  assert_true(model_dist_quantile(&d, 0) == 60 && model_dist_quantile(&d, 1) == 120);
  assert_int_equal(model_dist_set_pert(&d, 60, 90, 120, NULL), 0);
  assert_true(model_dist_quantile(&d, 0) == 60 && model_dist_quantile(&d, 1) == 120);
  assert_int_equal(model_dist_set_triangular(&d, 60, 90, 120, NULL), 0);
  assert_true(model_dist_quantile(&d, 0) == 60 && model_dist_quantile(&d, 1) == 120);
  assert_true(model_dist_cdf(&d, 90) == 0.5);
  assert_int_equal(model_dist_set_normal(&d, 600, 300, NULL), 0);
  assert_true(model_dist_quantile(&d, 0) == 0 && isinf(model_dist_quantile(&d, 1)));
  assert_int_equal(model_dist_set_exponential(&d, 600, NULL), 0);
  assert_true(model_dist_quantile(&d, 0) == 0 && isinf(model_dist_quantile(&d, 1)));
  assert_true(fabs(model_dist_quantile(&d, 0.5) - 600 * log(2.0)) < 1e-9);
  free_cases(c, nc);
}

static void test_lognormal_median_p95(void **state) {
  (void)state;
  static const double pairs[][2] = {{5, 120}, {1200, 7200}, {360, 900}, {8 * 3600.0, 48 * 3600.0}};
  for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
    model_dist d;
    model_dist_error e;
    assert_int_equal(model_dist_set_lognormal_median_p95(&d, pairs[i][0], pairs[i][1], &e), 0);
    assert_int_equal(d.kind, MODEL_DIST_LOGNORMAL);
    assert_true(fabs(model_dist_quantile(&d, 0.5) / pairs[i][0] - 1) < 1e-12);
    assert_true(fabs(model_dist_quantile(&d, 0.95) / pairs[i][1] - 1) < 1e-12);
    assert_true(fabs(model_dist_cdf(&d, pairs[i][0]) - 0.5) < 1e-12);
    assert_true(fabs(model_dist_cdf(&d, pairs[i][1]) - 0.95) < 1e-12);
  }
}

/* Empirical: sorted copy of the input, the law of a uniform resample. */
static void test_empirical(void **state) {
  (void)state;
  double in[] = {300, 60, 120, 60, 0};
  double keep[5];
  memcpy(keep, in, sizeof in);
  model_dist d;
  assert_int_equal(model_dist_set_empirical(&d, in, 5, NULL), 0);
  assert_memory_equal(in, keep, sizeof in); /* input untouched */
  assert_int_equal(d.n_samples, 5);
  for (size_t i = 1; i < d.n_samples; i++) assert_true(d.samples[i - 1] <= d.samples[i]);
  assert_true(fabs(model_dist_mean(&d) - 108.0) < 1e-12);
  /* Population variance (divide by n): sum of squares 111600 / 5 - 108^2. */
  assert_true(fabs(model_dist_variance(&d) - (111600.0 / 5 - 108.0 * 108.0)) < 1e-9);
  assert_true(model_dist_cdf(&d, 60) == 0.6);
  assert_true(model_dist_cdf(&d, 59.9) == 0.2);
  assert_true(model_dist_cdf(&d, 300) == 1.0);
  assert_true(model_dist_quantile(&d, 0) == 0 && model_dist_quantile(&d, 1) == 300);
  assert_true(model_dist_quantile(&d, 0.5) == 60); /* middle of 5 sorted values */
  /* Every draw is one of the samples. */
  gsl_rng *r = sim_rng_alloc();
  assert_non_null(r);
  sim_rng_seed(r, SEED, 1, 2);
  for (int t = 0; t < 1000; t++) {
    double x = model_dist_sample(&d, r);
    assert_true(x == 0 || x == 60 || x == 120 || x == 300);
  }

  /* Deep copy survives the original. */
  model_dist cp;
  assert_int_equal(model_dist_copy(&cp, &d), 0);
  assert_ptr_not_equal(cp.samples, d.samples);
  model_dist_free(&d);
  assert_int_equal(d.kind, MODEL_DIST_CONSTANT);
  assert_null(d.samples);
  assert_int_equal(cp.n_samples, 5);
  assert_true(cp.samples[4] == 300 && fabs(model_dist_mean(&cp) - 108.0) < 1e-12);
  model_dist_free(&cp);
  model_dist_free(&cp); /* reset to constant 0: freeing again is harmless */
  model_dist_free(NULL);

  /* One sample is allowed: a constant in disguise. */
  double one = 42;
  assert_int_equal(model_dist_set_empirical(&d, &one, 1, NULL), 0);
  assert_true(model_dist_sample(&d, r) == 42 && model_dist_variance(&d) == 0);
  assert_true(model_dist_quantile(&d, 0.3) == 42);
  model_dist_free(&d);

  /* Copy of a kind that owns nothing. */
  model_dist a, b;
  assert_int_equal(model_dist_set_pert(&a, 1, 2, 3, NULL), 0);
  assert_int_equal(model_dist_copy(&b, &a), 0);
  assert_memory_equal(&a, &b, sizeof a);
  model_dist_free(&a);
  model_dist_free(&b);
  gsl_rng_free(r);
}

enum { SET_CONSTANT, SET_EXPONENTIAL, SET_LOGNORMAL, SET_LOGNORMAL_MP, SET_WEIBULL,
       SET_GAMMA, SET_NORMAL, SET_UNIFORM, SET_TRIANGULAR, SET_PERT, SET_EMPIRICAL };

static int call_setter(int which, model_dist *d, double a, double b, double c,
                       model_dist_error *e) {
  switch (which) {
    case SET_CONSTANT: return model_dist_set_constant(d, a, e);
    case SET_EXPONENTIAL: return model_dist_set_exponential(d, a, e);
    case SET_LOGNORMAL: return model_dist_set_lognormal(d, a, b, e);
    case SET_LOGNORMAL_MP: return model_dist_set_lognormal_median_p95(d, a, b, e);
    case SET_WEIBULL: return model_dist_set_weibull(d, a, b, e);
    case SET_GAMMA: return model_dist_set_gamma(d, a, b, e);
    case SET_NORMAL: return model_dist_set_normal(d, a, b, e);
    case SET_UNIFORM: return model_dist_set_uniform(d, a, b, e);
    case SET_TRIANGULAR: return model_dist_set_triangular(d, a, b, c, e);
    case SET_PERT: return model_dist_set_pert(d, a, b, c, e);
    case SET_EMPIRICAL: {
      double s[3] = {a, b, c};
      return model_dist_set_empirical(d, s, 3, e);
    }
  }
  return 0;
}

static void test_bad_parameters(void **state) {
  (void)state;
  static const struct {
    int which;
    double a, b, c;
    const char *param;
    const char *fragment;
  } bad[] = {
      {SET_CONSTANT, -5, 0, 0, "value", "negative"},
      {SET_CONSTANT, NAN, 0, 0, "value", "finite"},
      {SET_CONSTANT, INFINITY, 0, 0, "value", "finite"},
      {SET_EXPONENTIAL, 0, 0, 0, "mean", "greater than 0"},
      {SET_EXPONENTIAL, -60, 0, 0, "mean", "negative"},
      {SET_EXPONENTIAL, NAN, 0, 0, "mean", "finite"},
      {SET_LOGNORMAL, NAN, 1, 0, "mu", "finite"},
      {SET_LOGNORMAL, 1, 0, 0, "sigma", "> 0"},
      {SET_LOGNORMAL, 1, -1, 0, "sigma", "> 0"},
      {SET_LOGNORMAL, 1, INFINITY, 0, "sigma", "> 0"},
      {SET_LOGNORMAL_MP, 300, 120, 0, "p95",
       "p95 (2m) must be greater than median (5m): p95 is the 95th percentile"},
      {SET_LOGNORMAL_MP, 300, 300, 0, "p95", "greater than median"},
      {SET_LOGNORMAL_MP, 0, 120, 0, "median", "greater than 0"},
      {SET_LOGNORMAL_MP, -1, 120, 0, "median", "negative"},
      {SET_LOGNORMAL_MP, 300, NAN, 0, "p95", "finite"},
      {SET_LOGNORMAL_MP, INFINITY, 1e9, 0, "median", "finite"},
      {SET_WEIBULL, 0, 3600, 0, "shape", "shape must be > 0"},
      {SET_WEIBULL, NAN, 3600, 0, "shape", "shape must be > 0"},
      {SET_WEIBULL, 1.5, 0, 0, "scale", "greater than 0"},
      {SET_WEIBULL, 1.5, -1, 0, "scale", "negative"},
      {SET_GAMMA, -1, 600, 0, "shape", "shape must be > 0"},
      {SET_GAMMA, 2, INFINITY, 0, "scale", "finite"},
      {SET_NORMAL, -5, 10, 0, "mean", "negative"},
      {SET_NORMAL, NAN, 10, 0, "mean", "finite"},
      {SET_NORMAL, 5, 0, 0, "sd", "greater than 0"},
      {SET_NORMAL, 5, -1, 0, "sd", "negative"},
      {SET_UNIFORM, 10, 5, 0, "max", "greater than min"},
      {SET_UNIFORM, 10, 10, 0, "max", "greater than min"},
      {SET_UNIFORM, -1, 5, 0, "min", "negative"},
      {SET_TRIANGULAR, 10, 5, 20, "mode", "min must be <= mode <= max"},
      {SET_TRIANGULAR, 10, 30, 20, "mode", "min must be <= mode <= max"},
      {SET_TRIANGULAR, 10, 10, 10, "max", "greater than min"},
      {SET_TRIANGULAR, -1, 0, 5, "min", "negative"},
      {SET_TRIANGULAR, 1, NAN, 5, "mode", "finite"},
      {SET_PERT, 300, 10, 1800, "mode", "min must be <= mode <= max"},
      {SET_PERT, 300, 600, 120, "max", "greater than min"},
      {SET_PERT, 0, 0, INFINITY, "max", "finite"},
      {SET_EMPIRICAL, 5, -1, 7, "samples", "sample 2"},
      {SET_EMPIRICAL, 5, 6, NAN, "samples", "sample 3"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    model_dist d;
    model_dist_error e = {NULL, {0}, 0};
    /* Start from garbage: a refused set-up must leave a constant 0. */
    memset(&d, 0x5a, sizeof d);
    int rc = call_setter(bad[i].which, &d, bad[i].a, bad[i].b, bad[i].c, &e);
    if (rc == 0) print_error("case %zu accepted\n", i);
    assert_int_equal(rc, -1);
    assert_non_null(e.param);
    if (strcmp(e.param, bad[i].param) != 0 || !strstr(e.text, bad[i].fragment))
      print_error("case %zu: %s: %s (expected %s, '%s')\n", i, e.param, e.text, bad[i].param,
                  bad[i].fragment);
    assert_string_equal(e.param, bad[i].param);
    assert_non_null(strstr(e.text, bad[i].fragment));
    assert_int_equal(d.kind, MODEL_DIST_CONSTANT);
    assert_true(d.p[0] == 0.0);
    assert_null(d.samples);
    /* err is optional. */
    assert_int_equal(call_setter(bad[i].which, &d, bad[i].a, bad[i].b, bad[i].c, NULL), -1);
  }
  model_dist d;
  model_dist_error e;
  assert_int_equal(model_dist_set_empirical(&d, NULL, 0, &e), -1);
  assert_string_equal(e.param, "samples");
  double s = 1;
  assert_int_equal(model_dist_set_empirical(&d, &s, 0, &e), -1);
  assert_string_equal(e.param, "samples");
  /* Zero-duration steps are allowed. */
  assert_int_equal(model_dist_set_constant(&d, 0, &e), 0);
  assert_int_equal(model_dist_set_uniform(&d, 0, 1, &e), 0);
  assert_int_equal(model_dist_set_normal(&d, 0, 1, &e), 0);
}

/* Scaling by f multiplies every quantile by f, the mean by f and the
** variance by f^2, and leaves shape parameters alone. */
static void test_scale(void **state) {
  (void)state;
  dist_case c[MAX_CASES];
  size_t nc = make_cases(c);
  const double f = 2.5;
  for (size_t i = 0; i < nc; i++) {
    model_dist *d = &c[i].d;
    double m = model_dist_mean(d), v = model_dist_variance(d);
    double q5 = model_dist_quantile(d, 0.5), q9 = model_dist_quantile(d, 0.9);
    model_dist before = *d;
    model_dist_scale(d, f);
    if (fabs(model_dist_mean(d) - f * m) > 1e-9 * f * m)
      print_error("%s: mean %g -> %g\n", c[i].label, m, model_dist_mean(d));
    assert_true(fabs(model_dist_mean(d) - f * m) <= 1e-9 * f * m);
    assert_true(fabs(model_dist_variance(d) - f * f * v) <= 1e-9 * f * f * v);
    assert_true(fabs(model_dist_quantile(d, 0.5) - f * q5) <= 1e-9 * f * q5);
    assert_true(fabs(model_dist_quantile(d, 0.9) - f * q9) <= 1e-9 * f * q9);
    switch (d->kind) {
      case MODEL_DIST_WEIBULL:
      case MODEL_DIST_GAMMA:
        assert_true(d->p[0] == before.p[0]); /* shape */
        break;
      case MODEL_DIST_LOGNORMAL:
        assert_true(d->p[1] == before.p[1]); /* sigma */
        assert_true(fabs(d->p[0] - (before.p[0] + log(f))) < 1e-12);
        break;
      default:
        break;
    }
  }
  free_cases(c, nc);
}

static void test_kind_names(void **state) {
  (void)state;
  static const char *const names[] = {"constant",   "exponential", "lognormal", "weibull",
                                      "gamma",      "normal",      "uniform",   "triangular",
                                      "pert",       "empirical"};
  for (int k = 0; k <= MODEL_DIST_EMPIRICAL; k++)
    assert_string_equal(model_dist_kind_name((model_dist_kind)k), names[k]);
  assert_string_equal(model_dist_kind_name((model_dist_kind)99), "unknown");
}

/* Closed forms checked against independent values (not the code's own
** formulas): a few textbook numbers. */
static void test_known_values(void **state) {
  (void)state;
  model_dist d;
  /* Weibull shape 1 is exponential. */
  assert_int_equal(model_dist_set_weibull(&d, 1, 600, NULL), 0);
  assert_true(fabs(model_dist_mean(&d) - 600) < 1e-9);
  assert_true(fabs(model_dist_variance(&d) - 360000) < 1e-6);
  /* Weibull shape 2: mean = scale * sqrt(pi) / 2. */
  assert_int_equal(model_dist_set_weibull(&d, 2, 100, NULL), 0);
  assert_true(fabs(model_dist_mean(&d) - 50 * sqrt(M_PI)) < 1e-9);
  /* Truncated at its mean, a normal is half-normal: mean = sd sqrt(2/pi),
  ** variance = sd^2 (1 - 2/pi). */
  assert_int_equal(model_dist_set_normal(&d, 0, 300, NULL), 0);
  assert_true(fabs(model_dist_mean(&d) - 300 * sqrt(2 / M_PI)) < 1e-9);
  assert_true(fabs(model_dist_variance(&d) - 90000 * (1 - 2 / M_PI)) < 1e-6);
  /* Symmetric PERT on [0, 6]: Beta(3, 3), mean 3, variance 36 / 28. */
  assert_int_equal(model_dist_set_pert(&d, 0, 3, 6, NULL), 0);
  assert_true(fabs(model_dist_mean(&d) - 3) < 1e-12);
  assert_true(fabs(model_dist_variance(&d) - 36.0 / 28.0) < 1e-12);
  assert_true(fabs(model_dist_quantile(&d, 0.5) - 3) < 1e-9);
  /* Triangular (0, 0, 1): mean 1/3, variance 1/18. */
  assert_int_equal(model_dist_set_triangular(&d, 0, 0, 1, NULL), 0);
  assert_true(fabs(model_dist_mean(&d) - 1.0 / 3) < 1e-15);
  assert_true(fabs(model_dist_variance(&d) - 1.0 / 18) < 1e-15);
  /* Lognormal mu 0 sigma 1: mean e^0.5, variance (e - 1) e. */
  assert_int_equal(model_dist_set_lognormal(&d, 0, 1, NULL), 0);
  assert_true(fabs(model_dist_mean(&d) - exp(0.5)) < 1e-12);
  assert_true(fabs(model_dist_variance(&d) - (M_E - 1) * M_E) < 1e-12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample_mean_and_quantiles),
      cmocka_unit_test(test_cdf_quantile_round_trip),
      cmocka_unit_test(test_lognormal_median_p95),
      cmocka_unit_test(test_empirical),
      cmocka_unit_test(test_bad_parameters),
      cmocka_unit_test(test_scale),
      cmocka_unit_test(test_kind_names),
      cmocka_unit_test(test_known_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
