/*
** tests/test_study_check.c — study/check.c: the PIT value of an
** observation is the share of simulated values below it, (#{sim < x} + V) /
** (m + 1) with V uniform (a censored one lies above its value's share),
** observations not given (NaN) are skipped, the KS distance of known PIT
** values is the closed form; study_check_environment simulates the
** scenario as a study_point with the same seed would and judges RTO and
** RPO observations against those values.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/check.h"
#include "study/point.h"
#include "study/target.h"

#define SCEN DRSIM_SOURCE_DIR "/tests/data/size-exponential.yaml"

static void test_judge(void **state) {
  (void)state;
  size_t m = 999;
  double *sim = malloc(m * sizeof *sim);
  assert_non_null(sim);
  for (size_t i = 0; i < m; i++) sim[i] = (double)((i * 379) % m + 1);   /* 1..999, shuffled */
  double x[4] = {100.5, NAN, 500.5, 900.5};
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  study_check_judged j;
  study_error err;
  assert_int_equal(study_check_judge("app", "RTO", sim, m, x, NULL, 4, rng, &j, &err), STUDY_OK);
  assert_int_equal(j.n, 3);   /* NaN skipped */
  assert_int_equal(j.n_censored, 0);
  const double less[3] = {100, 500, 900};
  for (size_t i = 0; i < 3; i++) {
    assert_true(j.u[i] >= less[i] / 1000 && j.u[i] < (less[i] + 1) / 1000);
  }
  /* KS distance of u ~ {0.1, 0.5, 0.9}: max over i of i/n - u(i), u(i) - (i-1)/n = 0.2333 */
  assert_true(fabs(j.ks_d - (0.9 - 2.0 / 3)) < 0.002);
  assert_true(fabs(j.mean - 0.5) < 0.002);
  assert_int_equal(j.verdict, FIT_VERDICT_CONSISTENT);
  assert_string_equal(study_check_verdict_name(j.verdict), "consistent");
  study_check_judged_clear(&j);
  /* censored at the median: above it */
  unsigned char cens[4] = {0, 0, 1, 0};
  assert_int_equal(study_check_judge("app", "RTO", sim, m, x, cens, 4, rng, &j, &err), STUDY_OK);
  assert_int_equal(j.n_censored, 1);
  assert_true(j.u[1] >= 0.5);
  study_check_judged_clear(&j);
  /* every observation above every simulated value: optimistic */
  double slow[12];
  for (size_t i = 0; i < 12; i++) slow[i] = 2000 + (double)i;
  assert_int_equal(study_check_judge("app", "RTO", sim, m, slow, NULL, 12, rng, &j, &err), STUDY_OK);
  assert_int_equal(j.verdict, FIT_VERDICT_OPTIMISTIC);
  assert_string_equal(study_check_verdict_name(j.verdict), "optimistic");
  assert_true(j.mean > 0.99);
  study_check_judged_clear(&j);
  gsl_rng_free(rng);
  free(sim);
}

static void test_environment(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_file(SCEN, NULL, 0, &sc, d), 0);
  /* the point drsim check simulates, run directly */
  study_target tg;
  char msg[300];
  assert_int_equal(study_target_parse(sc, "app.rpo", 0, &tg, msg, sizeof msg), 0);
  study_point p;
  memset(&p, 0, sizeof p);
  p.scenario_path = SCEN;
  p.seed_given = p.trials_given = 1;
  p.seed = 9;
  p.trials = 800;
  p.threads = 2;
  p.collect = &tg;
  p.collect_rto = 1;
  study_error err;
  assert_int_equal(study_point_run(&p, &err), STUDY_OK);
  double rto[3] = {1800, 3600, 7200}, rpo[3] = {60, NAN, 600};
  unsigned char cens[3] = {0, 0, 0};
  study_check_obs o = {"app", rto, rpo, cens, 3, 2};
  study_check_model mo = {sc, SCEN, NULL, 0, 1, 1, 9, 800, 2};
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  study_check_judged js[2];
  size_t n = 0;
  model_diag *failed = NULL;
  assert_int_equal(study_check_environment(&mo, &o, rng, js, &n, &failed, &err), STUDY_OK);
  assert_null(failed);
  assert_int_equal(n, 2);
  assert_string_equal(js[0].metric, "RTO");
  assert_string_equal(js[1].metric, "RPO");
  assert_int_equal(js[1].n, 2);
  for (size_t i = 0; i < 3; i++) {
    size_t less = 0;
    for (size_t k = 0; k < p.n_values; k++) less += p.rto_values[k] < rto[i];
    assert_true(js[0].u[i] >= (double)less / 801 && js[0].u[i] <= (double)(less + 1) / 801);
  }
  for (size_t q = 0; q < n; q++) study_check_judged_clear(&js[q]);
  /* a configuration that does not load: its diagnostics */
  const char *bad[1] = {"nosuch=1"};
  mo.overrides = bad;
  mo.n_overrides = 1;
  assert_int_equal(study_check_environment(&mo, &o, rng, js, &n, &failed, &err), STUDY_EINPUT);
  assert_int_equal(n, 0);
  assert_non_null(failed);
  model_diag_free(failed);
  gsl_rng_free(rng);
  study_point_clear(&p);
  model_scenario_free(sc);
  model_diag_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_judge),
    cmocka_unit_test(test_environment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
