/*
** tests/test_report_stats.c — reports/stats: hand-checked small data sets
** (means, t intervals, interpolated quantiles, order-statistic ranks, Wilson
** bounds: the expected numbers are worked out in the comments), infinite
** values and n = 0, and large simulated samples checked against closed forms
** with tolerances derived from the standard error.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "reports/stats.h"

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

static int under_valgrind(void)
{
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && strcmp(v, "1") == 0;
}

static void test_prepare(void **state)
{
  (void)state;
  double x[] = {3.0, NAN, INFINITY, 1.0, NAN, 2.0, INFINITY, -1.0};
  size_t n = report_stats_prepare(x, 8);
  assert_int_equal(n, 6);
  double want[] = {-1.0, 1.0, 2.0, 3.0, INFINITY, INFINITY};
  for (size_t i = 0; i < n; i++) assert_true(x[i] == want[i]);
  assert_int_equal(report_stats_count_inf(x, n), 2);
  assert_int_equal(report_stats_count_inf(x, 4), 0);
  assert_int_equal(report_stats_prepare(x, 0), 0);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Large inputs take the radix-sort path: same order as qsort, on values of
** every sign and magnitude, infinities, repeated values and NaNs. */
static void test_prepare_large(void **state)
{
  (void)state;
  const size_t n = 50000;
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  assert_non_null(x);
  assert_non_null(y);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 11);
  size_t nans = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned k = (unsigned)gsl_rng_uniform_int(r, 8);
    double v = ldexp(gsl_rng_uniform(r), (int)gsl_rng_uniform_int(r, 80) - 40);
    x[i] = k == 0 ? -v : k == 1 ? INFINITY : k == 2 ? -INFINITY : k == 3 ? 3600.0
         : k == 4 ? (i % 2 ? 0.0 : -0.0) : k == 5 && i % 3 == 0 ? NAN : v;
    nans += isnan(x[i]);
  }
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) y[m++] = x[i];
  qsort(y, m, sizeof *y, cmp_double);
  assert_int_equal(report_stats_prepare(x, n), n - nans);
  assert_int_equal(m, n - nans);
  for (size_t i = 0; i < m; i++) {
    /* -0.0 and 0.0 compare equal; qsort may order them either way. */
    if (x[i] != y[i]) {
      print_error("index %zu: %.17g != %.17g\n", i, x[i], y[i]);
      fail();
    }
    if (i > 0) assert_true(x[i - 1] <= x[i]);
  }
  gsl_rng_free(r);
  free(x);
  free(y);
}

static void test_mean(void **state)
{
  (void)state;
  /* x = 1..5: mean 3, s = sqrt(10/4) = 1.5811388, t(0.975, 4) = 2.7764451,
  ** half-width = 2.7764451 * 1.5811388 / sqrt(5) = 1.9632432:
  ** [1.0367568, 4.9632432]. */
  double x[] = {1, 2, 3, 4, 5, INFINITY};
  size_t m = 0;
  report_stats_ci c = report_stats_mean(x, 5, 0.95, &m);
  assert_int_equal(m, 5);
  assert_near(c.est, 3.0, 1e-12);
  assert_near(c.lo, 1.0367568385224393, 1e-9);
  assert_near(c.hi, 4.9632431614775605, 1e-9);
  /* The +inf (not recovered) is skipped, not averaged in. */
  c = report_stats_mean(x, 6, 0.95, &m);
  assert_int_equal(m, 5);
  assert_near(c.est, 3.0, 1e-12);
  /* One value: estimate, no interval. None: nothing. */
  c = report_stats_mean(x, 1, 0.95, &m);
  assert_near(c.est, 1.0, 0);
  assert_true(isnan(c.lo) && isnan(c.hi));
  c = report_stats_mean(x + 5, 1, 0.95, &m);
  assert_int_equal(m, 0);
  assert_true(isnan(c.est) && isnan(c.lo) && isnan(c.hi));
  c = report_stats_mean(NULL, 0, 0.95, NULL);
  assert_true(isnan(c.est));
}

static void test_quantile_ranks_small(void **state)
{
  (void)state;
  uint64_t l, u;
  /* n = 10, p = 0.5, B ~ Bin(10, 1/2): F(1) = 11/1024 = 0.0107 <= 0.025 <
  ** F(2) = 56/1024, so l = 2; F(7) = 968/1024 = 0.945 < 0.975 <=
  ** F(8) = 1013/1024, so u = 9. Coverage F(8) - F(1) = 1002/1024 = 0.9785:
  ** the textbook (X(2), X(9)) median interval. */
  report_stats_quantile_ranks(10, 0.5, 0.95, &l, &u);
  assert_int_equal(l, 2);
  assert_int_equal(u, 9);
  /* n = 10, p = 0.99: F(8) = 1 - P(9) - P(10) = 1 - 0.0914 - 0.9044 = 0.0043
  ** <= 0.025 < F(9) = 0.0956, so l = 9; F(9) < 0.975, and only F(10) = 1
  ** reaches it, so u = 11 = n + 1: unbounded above. */
  report_stats_quantile_ranks(10, 0.99, 0.95, &l, &u);
  assert_int_equal(l, 9);
  assert_int_equal(u, 11);
  /* n = 100, p = 0.5: the classic ranks 40 and 61. */
  report_stats_quantile_ranks(100, 0.5, 0.95, &l, &u);
  assert_int_equal(l, 40);
  assert_int_equal(u, 61);
  /* n = 100, p = 0.9: 84 and 96 (checked by summing the binomial pmf). */
  report_stats_quantile_ranks(100, 0.9, 0.95, &l, &u);
  assert_int_equal(l, 84);
  assert_int_equal(u, 96);
  /* n = 1: no bound either side for the median (P(B=0) = 0.5 > 0.025). */
  report_stats_quantile_ranks(1, 0.5, 0.95, &l, &u);
  assert_int_equal(l, 0);
  assert_int_equal(u, 2);
}

/* Property: for many (n, p) the ranks are the tightest symmetric choice:
** F(l-1) <= a < F(l), F(u-2) < 1-a <= F(u-1), so coverage >= level. */
static double F(int64_t k, uint64_t n, double p)
{
  if (k < 0) return 0.0;
  if ((uint64_t)k >= n) return 1.0;
  return gsl_cdf_binomial_P((unsigned)k, p, (unsigned)n);
}

/* Beyond 2^32 values GSL's binomial cannot be used; the normal
** approximation must still centre the ranks on np with half-width
** z sqrt(np(1-p)) (here n = 5e9, p = 0.5: sqrt(n/4) = 35355.3, z = 1.95996,
** so the ranks lie 69295 +- 2 either side of 2.5e9). */
static void test_quantile_ranks_huge(void **state)
{
  (void)state;
  uint64_t l, u, n = UINT64_C(5000000000);
  report_stats_quantile_ranks(n, 0.5, 0.95, &l, &u);
  assert_true(l < n / 2 && n / 2 < u);
  double half = 1.959963984540054 * sqrt((double)n * 0.25);
  assert_true(fabs((double)(n / 2 - l) - half) <= 2.0);
  assert_true(fabs((double)(u - n / 2) - half) <= 3.0);
  report_stats_quantile_ranks(n, 0.99, 0.95, &l, &u);
  assert_true(l < (uint64_t)(0.99 * (double)n) && (uint64_t)(0.99 * (double)n) < u && u <= n + 1);
}

static void test_quantile_ranks_property(void **state)
{
  (void)state;
  const double a = 0.025;
  const uint64_t ns[] = {5, 17, 100, 367, 368, 1000, 12345, 100000};
  const double ps[] = {0.01, 0.25, 0.5, 0.9, 0.95, 0.99};
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
    for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
      uint64_t n = ns[i], l, u;
      double p = ps[j];
      report_stats_quantile_ranks(n, p, 0.95, &l, &u);
      assert_true(l <= u);
      assert_true(F((int64_t)l - 1, n, p) <= a);
      assert_true(F((int64_t)l, n, p) > a);
      assert_true(F((int64_t)u - 1, n, p) >= 1.0 - a);
      assert_true(F((int64_t)u - 2, n, p) < 1.0 - a);
      assert_true(F((int64_t)u - 1, n, p) - F((int64_t)l - 1, n, p) >= 0.95);
    }
}

static void test_quantile_values(void **state)
{
  (void)state;
  double x[10];
  for (int i = 0; i < 10; i++) x[i] = i + 1;
  /* GSL's definition: index p (n-1). p50: index 4.5 -> (5 + 6)/2 = 5.5 with
  ** ranks (2, 9) -> [2, 9]. p90: index 8.1 -> 9 + 0.1 = 9.1, ranks (7, 11)
  ** -> [7, +inf). p0 = 1, p100 = 10. */
  report_stats_ci c = report_stats_quantile(x, 10, 0.5, 0.95);
  assert_near(c.est, 5.5, 1e-12);
  assert_near(c.lo, 2.0, 0);
  assert_near(c.hi, 9.0, 0);
  c = report_stats_quantile(x, 10, 0.9, 0.95);
  assert_near(c.est, 9.1, 1e-12);
  assert_near(c.lo, 7.0, 0);
  assert_true(isinf(c.hi) && c.hi > 0);
  assert_near(report_stats_quantile(x, 10, 0.0, 0.95).est, 1.0, 0);
  assert_near(report_stats_quantile(x, 10, 1.0, 0.95).est, 10.0, 0);
  /* n = 0: nothing. */
  c = report_stats_quantile(x, 0, 0.5, 0.95);
  assert_true(isnan(c.est) && isnan(c.lo) && isnan(c.hi));
}

static void test_quantile_infinite(void **state)
{
  (void)state;
  /* Two of five trials never recovered. p50: index 2 exactly -> 3 (GSL
  ** alone would compute 1*3 + 0*inf = NaN). p60: index 2.4 touches the inf
  ** with weight 0.4 -> inf. p75: index 3 -> inf. */
  double x[] = {1, 2, 3, INFINITY, INFINITY};
  assert_near(report_stats_quantile(x, 5, 0.5, 0.95).est, 3.0, 0);
  double q = report_stats_quantile(x, 5, 0.6, 0.95).est;
  assert_true(isinf(q) && q > 0);
  q = report_stats_quantile(x, 5, 0.75, 0.95).est;
  assert_true(isinf(q) && q > 0);
  q = report_stats_quantile(x, 5, 0.25, 0.95).est;  /* index 1 */
  assert_near(q, 2.0, 0);
  double all_inf[] = {INFINITY, INFINITY};
  q = report_stats_quantile(all_inf, 2, 0.5, 0.95).est;
  assert_true(isinf(q) && q > 0);
}

static void test_wilson(void **state)
{
  (void)state;
  /* k = 8, n = 10, z = 1.959964, z^2 = 3.841459: denom = 1.3841459,
  ** centre = (0.8 + 0.1920729) / 1.3841459 = 0.716740,
  ** half = 1.959964 / 1.3841459 * sqrt(0.016 + 0.0096036) = 0.226577:
  ** [0.490162, 0.943318]. */
  report_stats_ci c = report_stats_wilson(8, 10, 0.95);
  assert_near(c.est, 0.8, 1e-15);
  assert_near(c.lo, 0.4901624715366418, 1e-9);
  assert_near(c.hi, 0.9433178485456248, 1e-9);
  /* k = 0: centre = 0.1920729 / 1.3841459 = 0.138766 = half: [0, 0.277533]. */
  c = report_stats_wilson(0, 10, 0.95);
  assert_near(c.lo, 0.0, 0);
  assert_near(c.hi, 0.2775327998628892, 1e-9);
  /* k = n mirrors it. */
  c = report_stats_wilson(10, 10, 0.95);
  assert_near(c.lo, 1.0 - 0.2775327998628892, 1e-9);
  assert_near(c.hi, 1.0, 0);
  /* 931 of 1000 (the "93.1 %" of a report): [0.913585, 0.945116]. */
  c = report_stats_wilson(931, 1000, 0.95);
  assert_near(c.lo, 0.9135852797713628, 1e-9);
  assert_near(c.hi, 0.9451160544140889, 1e-9);
  /* n = 0 and k > n: nothing. */
  c = report_stats_wilson(0, 0, 0.95);
  assert_true(isnan(c.est) && isnan(c.lo) && isnan(c.hi));
  c = report_stats_wilson(3, 2, 0.95);
  assert_true(isnan(c.est));
}

/* Property: the Wilson bounds are the roots of (p̂ - P)^2 = z^2 P(1-P)/n. */
static void test_wilson_property(void **state)
{
  (void)state;
  double z = gsl_cdf_ugaussian_Pinv(0.975);
  const uint64_t ns[] = {3, 10, 57, 1000, 100000};
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
    for (uint64_t k = 1; k < ns[i]; k += ns[i] / 7 + 1) {
      double n = (double)ns[i], ph = (double)k / n;
      report_stats_ci c = report_stats_wilson(k, ns[i], 0.95);
      double bounds[2] = {c.lo, c.hi};
      for (int b = 0; b < 2; b++) {
        double P = bounds[b];
        double lhs = (ph - P) * (ph - P), rhs = z * z * P * (1 - P) / n;
        assert_near(lhs, rhs, 1e-12);
      }
      assert_true(c.lo < ph && ph < c.hi);
    }
}

static void test_precision(void **state)
{
  (void)state;
  assert_int_equal(report_stats_trials_to_halve(10000), 40000);
  assert_true(report_stats_trials_to_halve(UINT64_MAX / 2) == UINT64_MAX);
  /* p99 at 95 %: u <= n needs P(B = n) = 0.99^n <= 0.025, n >= 367.04. */
  assert_int_equal(report_stats_min_trials_bounded(0.99, 0.95), 368);
  uint64_t l, u;
  report_stats_quantile_ranks(367, 0.99, 0.95, &l, &u);
  assert_int_equal(u, 368);   /* unbounded at 367 */
  report_stats_quantile_ranks(368, 0.99, 0.95, &l, &u);
  assert_true(l >= 1 && u <= 368);
  /* Median: 0.5^n <= 0.025 -> n >= 5.32. */
  assert_int_equal(report_stats_min_trials_bounded(0.5, 0.95), 6);
  assert_int_equal(report_stats_min_trials_bounded(1.0, 0.95), 0);
  report_stats_ci c = {1.0, 2.0, 5.0};
  assert_near(report_stats_half_width(c), 1.5, 0);
  c.hi = INFINITY;
  assert_true(isinf(report_stats_half_width(c)));
  c.lo = NAN;
  assert_true(isnan(report_stats_half_width(c)));
}

/* 10^5 exponentials (mean 1): the estimates against the closed forms. The
** p-quantile of Exp(1) is -ln(1-p); its estimator's standard error is
** sqrt(p(1-p)/n) / f(q_p) with f(q_p) = 1-p; the mean's is 1/sqrt(n).
** Tolerance: 5 standard errors. The interval half-widths must be close to
** z * se: asymptotically equal, checked to within 25 % (the order-statistic
** ranks round to integers and the sample density fluctuates; at n >= 10^4
** and p <= 0.99 both effects are a few percent). */
static void test_exponential_sample(void **state)
{
  (void)state;
  size_t n = under_valgrind() ? 10000 : 100000;
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 20240501);
  for (size_t i = 0; i < n; i++) x[i] = gsl_ran_exponential(r, 1.0);
  report_stats_ci m = report_stats_mean(x, n, 0.95, NULL);
  double se = 1.0 / sqrt((double)n);
  assert_true(fabs(m.est - 1.0) < 5 * se);
  assert_true(fabs((m.hi - m.lo) / 2 / (1.959964 * se) - 1.0) < 0.25);
  assert_int_equal(report_stats_prepare(x, n), n);
  const double ps[] = {0.5, 0.9, 0.95, 0.99};
  for (size_t j = 0; j < 4; j++) {
    double p = ps[j], q = -log1p(-p);
    double seq = sqrt(p * (1 - p) / (double)n) / (1 - p);
    report_stats_ci c = report_stats_quantile(x, n, p, 0.95);
    assert_true(fabs(c.est - q) < 5 * seq);
    assert_true(c.lo <= c.est && c.est <= c.hi);
    assert_true(fabs((c.hi - c.lo) / 2 / (1.959964 * seq) - 1.0) < 0.25);
  }
  gsl_rng_free(r);
  free(x);
}

/* Coverage: over R independent samples of size m, the distribution-free
** p90 interval must contain the true quantile at least 95 % of the time
** (it is exact: coverage >= level by construction). The number covered is
** then at least Binomial(R, 0.95); fail below its mean - 5 sd. */
static void test_quantile_coverage(void **state)
{
  (void)state;
  size_t R = under_valgrind() ? 100 : 400, m = 500;
  double *x = malloc(m * sizeof *x);
  assert_non_null(x);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  double q = -log1p(-0.9);
  size_t covered = 0;
  for (size_t k = 0; k < R; k++) {
    for (size_t i = 0; i < m; i++) x[i] = gsl_ran_exponential(r, 1.0);
    report_stats_prepare(x, m);
    report_stats_ci c = report_stats_quantile(x, m, 0.9, 0.95);
    covered += c.lo <= q && q <= c.hi;
  }
  double mean = 0.95 * (double)R, sd = sqrt((double)R * 0.95 * 0.05);
  assert_true((double)covered >= mean - 5 * sd);
  gsl_rng_free(r);
  free(x);
}

/* b - a with the half-widths that point each way combined: by hand. */
static void test_difference(void **state)
{
  (void)state;
  report_stats_ci a = {10, 8, 13}, b = {15, 14, 19};   /* a: -2/+3, b: -1/+4 */
  report_stats_ci d = report_stats_difference(a, b);
  assert_true(d.est == 5);
  assert_true(fabs(d.lo - (5 - sqrt(1 * 1 + 3 * 3))) < 1e-12);
  assert_true(fabs(d.hi - (5 + sqrt(4 * 4 + 2 * 2))) < 1e-12);
  d = report_stats_difference(b, b);                     /* against itself */
  assert_true(d.est == 0 && d.lo < 0 && d.hi > 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_prepare),
    cmocka_unit_test(test_prepare_large),
    cmocka_unit_test(test_mean),
    cmocka_unit_test(test_quantile_ranks_small),
    cmocka_unit_test(test_quantile_ranks_property),
    cmocka_unit_test(test_quantile_values),
    cmocka_unit_test(test_quantile_infinite),
    cmocka_unit_test(test_wilson),
    cmocka_unit_test(test_wilson_property),
    cmocka_unit_test(test_precision),
    cmocka_unit_test(test_exponential_sample),
    cmocka_unit_test(test_quantile_coverage),
    cmocka_unit_test(test_quantile_ranks_huge),
    cmocka_unit_test(test_difference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
