/*
** tests/test_report_costs.c — reports/costs.c: the CVaR-95 of the loss per
** disaster and its asymptotic 95 % interval against the closed form for
** exponential losses (mean m: CVaR_0.95 = m (1 + ln 20), standard error
** m sqrt(39 / n)), at fixed seeds; tolerances from the standard errors.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "reports/costs.h"

static const double M = 1000.0;

static report_stats_ci exp_cvar(size_t n, unsigned long seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t i = 0; i < n; i++) x[i] = gsl_ran_exponential(r, M);
  gsl_sort(x, 1, n);
  report_stats_ci c = report_costs_cvar_ci(x, n, 0.95);
  assert_true(fabs(c.est - report_costs_cvar(x, n, 0.95)) < 1e-9 * c.est);
  free(x);
  gsl_rng_free(r);
  return c;
}

/* The true CVaR lies in the interval and within 4 standard errors. */
static void test_covers_closed_form(void **state) {
  (void)state;
  double truth = M * (1 + log(20.0));
  size_t sizes[] = {4000, 16000, 64000};
  for (size_t i = 0; i < 3; i++) {
    report_stats_ci c = exp_cvar(sizes[i], 21 + i);
    double se = M * sqrt(39.0 / (double)sizes[i]);
    assert_true(c.lo <= truth && truth <= c.hi);
    assert_true(fabs(c.est - truth) < 4 * se);
  }
}

/* The half-width is 1.96 x the closed-form standard error, within 4 SE of
** its own estimate (the sample variance of (X - VaR)+: relative SE
** sqrt(1.19 / n) / 0.0975, halved for the sd), and it halves when n is
** four times larger. */
static void test_width_shrinks(void **state) {
  (void)state;
  size_t n = 16000;
  report_stats_ci a = exp_cvar(n, 7), b = exp_cvar(4 * n, 8);
  double z = 1.959963984540054;
  double rel_a = 0.5 * sqrt(1.19 / (double)n) / 0.0975;
  double rel_b = 0.5 * sqrt(1.19 / (double)(4 * n)) / 0.0975;
  double ha = (a.hi - a.lo) / 2, hb = (b.hi - b.lo) / 2;
  assert_true(fabs(ha / (z * M * sqrt(39.0 / (double)n)) - 1) < 4 * rel_a);
  assert_true(fabs(hb / (z * M * sqrt(39.0 / (double)(4 * n))) - 1) < 4 * rel_b);
  double ratio = ha / hb;
  assert_true(fabs(ratio - 2) < 2 * 4 * sqrt(rel_a * rel_a + rel_b * rel_b));
}

/* Too small a tail for an interval: estimate only; nothing: all NAN. */
static void test_edges(void **state) {
  (void)state;
  double x[] = {1, 2, 3};
  report_stats_ci c = report_costs_cvar_ci(x, 3, 0.95);
  assert_true(c.est == 3 && isnan(c.lo) && isnan(c.hi));
  c = report_costs_cvar_ci(x, 0, 0.95);
  assert_true(isnan(c.est));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_covers_closed_form),
      cmocka_unit_test(test_width_shrinks),
      cmocka_unit_test(test_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
