/*
** tests/test_study_families.c — study/families.c: every family asked is the
** maximum-likelihood fit fit_mle gives on the same data, the fitted ones
** come ranked by AIC (lowest first), a bootstrap gives KS p-values (none
** without), a family that cannot be fitted is kept aside with its reason,
** and no fit at all is STUDY_EINPUT.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "study/families.h"

static void test_rank(void **state) {
  (void)state;
  enum { N = 300 };
  double x[N];
  unsigned char c[N];
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 5);
  for (size_t i = 0; i < N; i++) {
    x[i] = gsl_ran_lognormal(r, log(1200), 0.6);
    c[i] = 0;
  }
  gsl_rng_free(r);
  int all[FIT_N_FAMILIES];
  for (int i = 0; i < FIT_N_FAMILIES; i++) all[i] = i;
  study_families f;
  study_error err;
  assert_int_equal(study_families_fit(x, c, N, all, FIT_N_FAMILIES, 0, 42, &f, &err), STUDY_OK);
  assert_int_equal(f.n_asked, FIT_N_FAMILIES);
  assert_true(f.n_ok >= 2);
  assert_int_equal(f.order[0], FIT_LOGNORMAL);   /* lognormal data: lognormal has the lowest AIC */
  for (int j = 1; j < f.n_ok; j++) assert_true(f.fits[f.order[j - 1]].aic <= f.fits[f.order[j]].aic);
  for (int j = 0; j < f.n_ok; j++) {
    int k = f.order[j];
    fit_result direct;
    char e[256];
    assert_int_equal(fit_mle((fit_family)k, x, c, N, &direct, e, sizeof e), 0);
    assert_true(direct.aic == f.fits[k].aic);
    assert_true(isnan(f.ks_p[k]));                        /* no bootstrap */
    assert_true(f.ks_d[k] > 0 && f.ks_d[k] < 1);
  }
  /* one family with a bootstrap: a p-value */
  int one[1] = {FIT_LOGNORMAL};
  assert_int_equal(study_families_fit(x, c, N, one, 1, 19, 42, &f, &err), STUDY_OK);
  assert_int_equal(f.n_ok, 1);
  assert_true(f.ks_p[FIT_LOGNORMAL] >= 0 && f.ks_p[FIT_LOGNORMAL] <= 1);
}

static void test_nothing_fits(void **state) {
  (void)state;
  double x[1] = {300};
  unsigned char c[1] = {0};
  int fam[2] = {FIT_GAMMA, FIT_NORMAL};
  study_families f;
  study_error err;
  assert_int_equal(study_families_fit(x, c, 1, fam, 2, 0, 42, &f, &err), STUDY_EINPUT);
  assert_int_equal(f.n_ok, 0);
  assert_non_null(strstr(err.text, "no family could be fitted: "));
  assert_non_null(strstr(err.text, f.why[FIT_GAMMA]));
  assert_true(f.why[FIT_GAMMA][0] && f.why[FIT_NORMAL][0]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rank),
    cmocka_unit_test(test_nothing_fits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
