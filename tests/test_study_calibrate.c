/*
** tests/test_study_calibrate.c — study/calibrate.c on the reference drill
** log (scenarios/drill-calibration): the three steps it covers are fitted,
** each to the maximum-likelihood fit of its own drill rows (fit_mle on the
** same data), the steps without data are listed as still assumed, the
** calibrated text keeps every line of the input but the four values it
** edits (their trailing comments too), loads, and carries the failure counts; a --min-n
** above every group fits nothing and writes no text; groups of another
** scenario's steps are listed as unused.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/mle.h"
#include "models/scenario.h"
#include "study/calibrate.h"
#include "tests/support/import_fixture.h"

#define SCEN DRSIM_SOURCE_DIR "/scenarios/drill-calibration.yaml"
#define REF DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"
#define DRILLS DRSIM_SOURCE_DIR "/scenarios/drill-calibration/drills.csv"

static fit_drills *drills(void) {
  char err[300];
  fit_drills *dr = fit_drills_read(DRILLS, err, sizeof err);
  if (!dr) fail_msg("%s", err);
  return dr;
}

/* Calibrate the file at path with --min-n min_n into *r (STUDY_OK expected). */
static void calibrate_file(const char *path, const fit_drills *dr, uint64_t min_n,
                           study_calibrate_result *r) {
  size_t len = 0;
  char *text = import_fixture_read(path, &len);
  study_calibrate_opts o = {"keep", min_n, 0, 42};
  study_error err;
  assert_int_equal(study_calibrate(text, len, path, "out.yaml", dr, DRILLS, &o, NULL, r, &err),
                   STUDY_OK);
  free(text);
}

static void test_calibrate(void **state) {
  (void)state;
  size_t len = 0;
  char *text = import_fixture_read(SCEN, &len);
  fit_drills *dr = drills();
  study_calibrate_opts o = {"keep", 3, 0, 42};
  study_calibrate_result r;
  study_error err;
  model_diag *d = model_diag_new();
  assert_int_equal(study_calibrate(text, len, SCEN, "out.yaml", dr, DRILLS, &o, d, &r, &err),
                   STUDY_OK);
  assert_int_equal(r.fitted, 3);
  assert_int_equal(r.n_rows, 3);
  assert_int_equal(r.n_unused, 0);
  assert_int_equal(r.n_assumed, 2);
  assert_string_equal(r.assumed[0], "production/switch-dns");
  assert_string_equal(r.assumed[1], "production/verify");
  for (size_t i = 0; i < r.n_rows; i++) {
    const study_calibrate_row *w = &r.rows[i];
    assert_string_equal(w->skipped, "");
    assert_string_equal(w->ks, "–");   /* no bootstrap */
    /* the fitted value is the MLE of the group's own rows, in the family written */
    fit_result f;
    char e2[200], want[600];
    fit_family fam = strstr(w->was, "exponential") ? FIT_EXPONENTIAL : FIT_LOGNORMAL;
    assert_int_equal(fit_mle(fam, w->d->x, w->d->censored, w->d->n, &f, e2, sizeof e2), 0);
    fit_yaml_snippet(&f, 0, want, sizeof want);
    assert_string_equal(w->now, want);
  }
  /* every line of the input is still there, in order, unless edited */
  assert_non_null(r.text);
  assert_int_equal(strlen(r.text), r.len);
  assert_non_null(strstr(r.text, "# calibrate: 3 step values fitted from " DRILLS));
  assert_non_null(strstr(r.text, "failure_counts: {failures: 2, attempts: 12}"));
  size_t kept = 0, lines = 0;
  const char *at = r.text;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    lines++;
    const char *hit = strstr(at, line);
    if (hit) {
      at = hit + strlen(line);
      kept++;
    }
  }
  assert_int_equal(kept, lines - 4);   /* the three durations and one failure_probability */
  assert_non_null(strstr(r.text, "}  # guess: vendor's restore figure\n"));
  assert_non_null(strstr(r.text, "failure_probability: 0.1923                          # guess\n"));
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_string(r.text, r.len, "out.yaml", NULL, 0, &sc, d), 0);
  model_scenario_free(sc);
  study_calibrate_free(&r);
  free(text);
  /* --min-n above every group: nothing fitted, nothing written */
  calibrate_file(SCEN, dr, 1000, &r);
  assert_int_equal(r.fitted, 0);
  assert_null(r.text);
  assert_int_equal(r.n_rows, 3);
  assert_non_null(strstr(r.rows[0].skipped, "fewer than --min-n 1000"));
  study_calibrate_free(&r);
  /* another scenario: the groups naming none of its steps are unused */
  calibrate_file(REF, dr, 3, &r);
  assert_int_equal(r.n_unused, 1);
  assert_string_equal(r.unused[0]->step, "restore-db");
  assert_int_equal(r.n_rows + r.n_unused, fit_drills_count(dr));
  study_calibrate_free(&r);
  model_diag_free(d);
  fit_drills_free(dr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_calibrate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
