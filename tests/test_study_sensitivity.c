/*
** tests/test_study_sensitivity.c — study/sensitivity.c on a scenario with a
** known dominant parameter (tests/data/sensitivity-dominant.yaml): app's
** RTO is a chain whose `migrate` step (mean 3 h) dwarfs the others, so it
** ranks first with a swing larger than the runner-up's by far more than
** the estimates' standard errors; the `other` environment's parameters
** share no random stream with app and move its RTO by exactly 0 (common
** random numbers); the ranking is sorted by swing; --only filters.
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

#include "models/diag.h"
#include "models/params.h"
#include "study/input.h"
#include "study/sensitivity.h"

#define DOMINANT DRSIM_SOURCE_DIR "/tests/data/sensitivity-dominant.yaml"

typedef struct fixture {
  study_input *in;
  model_scenario *sc;
  model_params *pp;
  study_target target;
  study_sensitivity_spec spec;
} fixture;

static void setup(fixture *f) {
  memset(f, 0, sizeof *f);
  model_diag *d = model_diag_new();
  assert_int_equal(study_input_read(DOMINANT, &f->in, d), STUDY_OK);
  assert_int_equal(study_input_load(f->in, NULL, 0, NULL, &f->sc, d), STUDY_OK);
  model_diag_free(d);
  char err[300];
  assert_int_equal(study_target_parse(f->sc, "app.rto.p95", 1, &f->target, err, sizeof err), 0);
  assert_non_null(f->pp = model_params_new(f->sc));
  f->spec.scenario_path = DOMINANT;
  f->spec.scenario_text = study_input_text(f->in);
  f->spec.params = f->pp;
  f->spec.target = &f->target;
  f->spec.lo_f = 0.5;
  f->spec.hi_f = 2;
  f->spec.threads = 2;
}

static void teardown(fixture *f) {
  model_params_free(f->pp);
  model_scenario_free(f->sc);
  study_input_free(f->in);
}

/* The standard error of an estimate from its 95 % interval. */
static double se_of(report_stats_ci c) { return (c.hi - c.lo) / (2 * 1.96); }

static const char *path_of(const fixture *f, const study_sensitivity_effect *e) {
  return model_params_get(f->pp, e->param)->path;
}

static void test_dominant_ranks_first(void **state) {
  (void)state;
  fixture f;
  setup(&f);
  study_sensitivity *s = NULL;
  study_error err;
  assert_int_equal(study_sensitivity_new(&f.spec, &s, &err), STUDY_OK);
  if (study_sensitivity_run(s, &err) != STUDY_OK) fail_msg("run: %s", err.text);
  size_t n = study_sensitivity_count(s);
  assert_true(n >= 5);
  const study_sensitivity_effect *first = study_sensitivity_at(s, 0);
  const study_sensitivity_effect *second = study_sensitivity_at(s, 1);
  if (!strstr(path_of(&f, first), "migrate"))
    fail_msg("rank 1 is %s, want the migrate step", path_of(&f, first));
  /* well separated: the gap exceeds 4 standard errors of the four estimates */
  double se = sqrt(pow(se_of(first->low), 2) + pow(se_of(first->high), 2) +
                   pow(se_of(second->low), 2) + pow(se_of(second->high), 2));
  if (!(first->swing - second->swing > 4 * se))
    fail_msg("swing %g s (migrate) vs %g s (%s): gap within 4 SE (%g s)", first->swing,
             second->swing, path_of(&f, second), 4 * se);
  /* the direction: a longer migration is a longer RTO */
  assert_true(first->high.est > study_sensitivity_baseline(s).est);
  assert_true(first->low.est < study_sensitivity_baseline(s).est);
  /* ranked by swing, and `other`'s parameters move app's RTO by exactly 0 */
  size_t others = 0;
  for (size_t i = 0; i < n; i++) {
    const study_sensitivity_effect *e = study_sensitivity_at(s, i);
    if (i) assert_true(study_sensitivity_at(s, i - 1)->swing >= e->swing);
    if (strstr(path_of(&f, e), "other") || strstr(path_of(&f, e), "rebuild")) {
      others++;
      if (e->swing != 0) fail_msg("%s moves app's RTO by %g s", path_of(&f, e), e->swing);
      assert_true(e->low.est == study_sensitivity_baseline(s).est);
    }
  }
  assert_true(others >= 1);
  study_sensitivity_free(s);
  teardown(&f);
}

static void test_only_and_none(void **state) {
  (void)state;
  fixture f;
  setup(&f);
  const char *only[] = {"migrate"};
  f.spec.only = only;
  f.spec.n_only = 1;
  f.spec.trials_given = 1;
  f.spec.trials = 200;
  study_sensitivity *s = NULL;
  study_error err;
  assert_int_equal(study_sensitivity_new(&f.spec, &s, &err), STUDY_OK);
  assert_int_equal(study_sensitivity_run(s, &err), STUDY_OK);
  assert_int_equal(study_sensitivity_count(s), 1);
  assert_int_equal(study_sensitivity_trials(s), 200);
  study_sensitivity_free(s);
  const char *none[] = {"no-such-parameter"};
  f.spec.only = none;
  assert_int_equal(study_sensitivity_new(&f.spec, &s, &err), STUDY_EINPUT);
  assert_null(s);
  assert_non_null(strstr(err.text, "matches --only"));
  teardown(&f);
}

static void test_swing(void **state) {
  (void)state;
  assert_true(study_sensitivity_swing(10, 4) == 6);
  assert_true(study_sensitivity_swing(INFINITY, INFINITY) == 0);
  assert_true(isinf(study_sensitivity_swing(3, INFINITY)));
  assert_true(isnan(study_sensitivity_swing(NAN, 1)));
  study_sensitivity_effect e = {0, {INFINITY, 0, 0}, {INFINITY, 0, 0}, 0, 0, 0};
  assert_true(study_sensitivity_saturated(&e));
  e.low.est = 5;
  assert_false(study_sensitivity_saturated(&e));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dominant_ranks_first),
    cmocka_unit_test(test_only_and_none),
    cmocka_unit_test(test_swing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
