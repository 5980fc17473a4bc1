/*
** tests/test_report_hist.c — reports/hist: histogram quantiles and their
** intervals against the exact order statistics of the same values
** (reports/stats) within the stated bound (0.05 % for the estimate, the
** interval containing the exact one and widened by at most 0.1 % a side);
** merged histograms equal to one histogram of all the values; the exact
** two-pass order statistics bit-identical to report_stats_quantile; the
** cap falling back to the bounded estimate; zeros, +inf and n = 0.
*/
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "reports/hist.h"
#include "reports/stats.h"

static const double PS[] = {0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
#define NPS (sizeof PS / sizeof PS[0])

/* A mixed sample like an RTO column: lognormal hours, some zeros, some
** exact ties (a fixed step), a few +inf (not recovered). Sorted copy too. */
static double *sample(size_t n, unsigned long seed, double **sorted)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t i = 0; i < n; i++) {
    double u = gsl_rng_uniform(r);
    x[i] = u < 0.05 ? 0.0 : u < 0.10 ? 1800.0 : u < 0.11 ? INFINITY
         : 3600.0 * gsl_ran_lognormal(r, 0.5, 0.8);
  }
  gsl_rng_free(r);
  *sorted = malloc(n * sizeof **sorted);
  assert_non_null(*sorted);
  memcpy(*sorted, x, n * sizeof *x);
  report_stats_prepare(*sorted, n);
  return x;
}

static void check_bound(report_stats_ci h, report_stats_ci e)
{
  /* estimate within 0.05 % relative (+ half the bottom bucket) */
  if (isinf(e.est)) assert_true(h.est == e.est);
  else assert_true(fabs(h.est - e.est) <= 0.0005 * fabs(e.est) + REPORT_HIST_MIN);
  /* the interval contains the exact one, each side widened <= one bucket */
  if (isinf(e.lo)) assert_true(h.lo == e.lo);
  else {
    assert_true(h.lo <= e.lo);
    assert_true(e.lo - h.lo <= REPORT_HIST_REL_WIDTH * e.lo + REPORT_HIST_MIN);
  }
  if (isinf(e.hi)) assert_true(h.hi == e.hi);
  else {
    assert_true(h.hi >= e.hi);
    assert_true(h.hi - e.hi <= REPORT_HIST_REL_WIDTH * e.hi + REPORT_HIST_MIN);
  }
}

static void test_bound_vs_exact(void **state)
{
  (void)state;
  static const size_t ns[] = {1, 2, 7, 100, 1000, 200000};
  for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
    size_t n = ns[t];
    double *sorted, *x = sample(n, 17 + t, &sorted);
    report_hist *h = report_hist_new();
    assert_non_null(h);
    for (size_t i = 0; i < n; i++) report_hist_add(h, x[i]);
    assert_int_equal(report_hist_count(h), n);
    assert_true(report_hist_max(h) == sorted[n - 1]);
    for (size_t j = 0; j < NPS; j++) {
      report_stats_ci e = report_stats_quantile(sorted, n, PS[j], REPORT_STATS_LEVEL);
      check_bound(report_hist_quantile(h, PS[j], REPORT_STATS_LEVEL), e);
    }
    report_hist_free(h);
    free(x);
    free(sorted);
  }
}

static void test_merge_equals_one(void **state)
{
  (void)state;
  size_t n = 50000;
  double *sorted, *x = sample(n, 5, &sorted);
  report_hist *all = report_hist_new(), *a = report_hist_new(), *b = report_hist_new();
  assert_true(all && a && b);
  for (size_t i = 0; i < n; i++) {
    report_hist_add(all, x[i]);
    report_hist_add(i % 3 ? a : b, x[i]);   /* interleaved, not a prefix */
  }
  assert_int_equal(report_hist_merge(a, b), 0);
  assert_int_equal(report_hist_count(a), report_hist_count(all));
  assert_int_equal(report_hist_count_inf(a), report_hist_count_inf(all));
  assert_true(report_hist_min(a) == report_hist_min(all));
  assert_true(report_hist_max(a) == report_hist_max(all));
  for (size_t i = 0; i < report_hist_buckets(all); i++)
    assert_int_equal(report_hist_bucket(a, i, NULL, NULL), report_hist_bucket(all, i, NULL, NULL));
  for (size_t j = 0; j < NPS; j++) {
    report_stats_ci p = report_hist_quantile(a, PS[j], REPORT_STATS_LEVEL);
    report_stats_ci q = report_hist_quantile(all, PS[j], REPORT_STATS_LEVEL);
    assert_memory_equal(&p, &q, sizeof p);
  }
  /* rebuilt from its buckets (the MPI path) it is the same histogram */
  report_hist *c = report_hist_new();
  assert_non_null(c);
  for (size_t i = 0; i < report_hist_buckets(all); i++) {
    double lo, hi;
    uint64_t k = report_hist_bucket(all, i, &lo, &hi);
    assert_int_equal(report_hist_add_bucket(c, i, k, fmax(lo, report_hist_min(all)),
                                            fmin(hi, report_hist_max(all))), 0);
  }
  for (uint64_t i = 0; i < report_hist_count_inf(all); i++) report_hist_add(c, INFINITY);
  assert_int_equal(report_hist_count(c), report_hist_count(all));
  report_hist_free(c);
  report_hist_free(all);
  report_hist_free(a);
  report_hist_free(b);
  free(x);
  free(sorted);
}

static void test_exact_pass(void **state)
{
  (void)state;
  static const size_t ns[] = {1, 3, 368, 5000, 120000};
  for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
    size_t n = ns[t];
    double *sorted, *x = sample(n, 99 + t, &sorted);
    report_hist *h = report_hist_new();
    assert_non_null(h);
    for (size_t i = 0; i < n; i++) report_hist_add(h, x[i]);
    assert_int_equal(report_hist_plan(h, PS, NPS, REPORT_STATS_LEVEL, (size_t)1 << 22), 0);
    for (size_t i = n; i-- > 0;) report_hist_collect(h, x[i]);   /* any order */
    for (size_t j = 0; j < NPS; j++) {
      report_stats_ci e = report_stats_quantile(sorted, n, PS[j], REPORT_STATS_LEVEL);
      report_stats_ci q = report_hist_quantile(h, PS[j], REPORT_STATS_LEVEL);
      assert_memory_equal(&q, &e, sizeof q);
      assert_true(report_hist_last_exact(h));
    }
    report_hist_free(h);
    free(x);
    free(sorted);
  }
}

static void test_cap_falls_back(void **state)
{
  (void)state;
  /* 100 000 distinct values in one bucket [1800, 1801.8): over a cap of 100 */
  size_t n = 100000;
  double *x = malloc(n * sizeof *x), *sorted = malloc(n * sizeof *sorted);
  assert_true(x && sorted);
  for (size_t i = 0; i < n; i++) x[i] = sorted[i] = 1800.0 + (double)((i * 7919) % n) * 1e-5;
  report_stats_prepare(sorted, n);
  report_hist *h = report_hist_new();
  assert_non_null(h);
  for (size_t i = 0; i < n; i++) report_hist_add(h, x[i]);
  double p[] = {0.5};
  assert_int_equal(report_hist_plan(h, p, 1, REPORT_STATS_LEVEL, 100), 0);
  for (size_t i = 0; i < n; i++) report_hist_collect(h, x[i]);
  report_stats_ci e = report_stats_quantile(sorted, n, 0.5, REPORT_STATS_LEVEL);
  check_bound(report_hist_quantile(h, 0.5, REPORT_STATS_LEVEL), e);
  assert_false(report_hist_last_exact(h));
  /* with room for the bucket it is exact again */
  assert_int_equal(report_hist_plan(h, p, 1, REPORT_STATS_LEVEL, n), 0);
  for (size_t i = 0; i < n; i++) report_hist_collect(h, x[i]);
  report_stats_ci q = report_hist_quantile(h, 0.5, REPORT_STATS_LEVEL);
  assert_memory_equal(&q, &e, sizeof q);
  report_hist_free(h);
  free(x);
  free(sorted);
}

static void test_edges(void **state)
{
  (void)state;
  report_hist *h = report_hist_new();
  assert_non_null(h);
  report_stats_ci q = report_hist_quantile(h, 0.5, REPORT_STATS_LEVEL);
  assert_true(isnan(q.est) && isnan(q.lo) && isnan(q.hi));
  assert_int_equal(report_hist_count(h), 0);
  assert_true(isnan(report_hist_max(h)));
  report_hist_add(h, NAN);
  assert_int_equal(report_hist_count(h), 0);
  /* only zeros: exact zeros */
  for (int i = 0; i < 1000; i++) report_hist_add(h, 0.0);
  q = report_hist_quantile(h, 0.99, REPORT_STATS_LEVEL);
  assert_true(q.est == 0.0 && q.lo == 0.0 && q.hi == 0.0);
  assert_true(report_hist_last_exact(h));
  /* every value infinite past the finite ones: +inf estimates */
  for (int i = 0; i < 2000; i++) report_hist_add(h, INFINITY);
  q = report_hist_quantile(h, 0.9, REPORT_STATS_LEVEL);
  assert_true(isinf(q.est) && q.est > 0);
  assert_true(isinf(report_hist_max(h)));
  /* the edges of every bucket are at most 0.1 % apart, 1e-9 to 1e13 */
  double lo, hi;
  size_t nb = report_hist_buckets(h);
  for (size_t i = 1; i + 1 < nb; i++) {
    report_hist_bucket(h, i, &lo, &hi);
    assert_true(hi > lo && hi - lo <= REPORT_HIST_REL_WIDTH * lo);
  }
  report_hist_bucket(h, nb - 1, &lo, NULL);
  assert_true(lo >= REPORT_HIST_TOP);
  assert_true(DBL_MAX > lo);
  report_hist_free(h);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_bound_vs_exact),
    cmocka_unit_test(test_merge_equals_one),
    cmocka_unit_test(test_exact_pass),
    cmocka_unit_test(test_cap_falls_back),
    cmocka_unit_test(test_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
