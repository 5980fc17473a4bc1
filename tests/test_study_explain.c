/*
** tests/test_study_explain.c — study/explain.c: conditions and figures on
** tests/data/explain-off-hours.yaml (closed forms in the file), the
** counting rules (exact counts recomputed here from the records), ranking,
** counterfactual pairing (the run against itself changes nothing; the
** off-hours counterfactual never loses a trial), a common cause as a
** condition with its closed form and counterfactual, and the call-order
** checks.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/diag.h"
#include "models/disaster_sim.h"
#include "models/outcome.h"
#include "study/explain.h"

#define N_TRIALS 4000u
#define SEED 7u

static model_scenario *load(const char *const *ovr, size_t n) {
  model_scenario *sc = NULL;
  model_diag *d = model_diag_new();
  assert_non_null(d);
  int rc = model_scenario_load_file(DRSIM_SOURCE_DIR "/tests/data/explain-off-hours.yaml", ovr, n,
                                    &sc, d);
  if (rc) model_diag_print(d, stderr);
  model_diag_free(d);
  assert_int_equal(rc, 0);
  return sc;
}

/* N_TRIALS records of sc, back to back. */
static unsigned char *simulate(const model_scenario *sc) {
  size_t size = model_outcome_size(sc);
  unsigned char *rec = calloc(N_TRIALS, size);
  model_disaster_sim *s = model_disaster_sim_new(sc);
  assert_non_null(rec);
  assert_non_null(s);
  for (uint64_t t = 0; t < N_TRIALS; t++)
    assert_int_equal(model_disaster_sim_trial(s, SEED, t, rec + t * size, NULL, NULL), 0);
  model_disaster_sim_free(s);
  return rec;
}

static void test_closed_form_and_counts(void **state) {
  (void)state;
  model_scenario *sc = load(NULL, 0);
  unsigned char *rec = simulate(sc);
  size_t size = model_outcome_size(sc);
  study_explain *x = NULL;
  char err[256];
  assert_int_equal(study_explain_new(sc, "app", STUDY_EXPLAIN_RTO, 0, N_TRIALS, &x, err, sizeof err),
                   STUDY_EXPLAIN_OK);
  /* two chunks, in order; a repeated chunk is refused */
  assert_int_equal(study_explain_add(x, 0, 1000, rec), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_add(x, 0, 1000, rec), STUDY_EXPLAIN_EINVAL);
  assert_int_equal(study_explain_finish(x), STUDY_EXPLAIN_EINVAL);   /* trials missing */
  assert_int_equal(study_explain_add(x, 1000, N_TRIALS - 1000, rec + 1000 * size), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_finish(x), STUDY_EXPLAIN_OK);

  /* counts recomputed from the records */
  uint64_t missed = 0, off = 0, off_missed = 0;
  for (size_t t = 0; t < N_TRIALS; t++) {
    model_trial_view v = model_outcome_view(sc, rec + t * size);
    int miss = !(v.env[0].recovered && v.env[0].rto_s <= 7200);
    missed += miss;
    off += v.steps[0].off_hours;
    off_missed += v.steps[0].off_hours && miss;
  }
  assert_int_equal(study_explain_trials(x), N_TRIALS);
  assert_int_equal(study_explain_missed(x), missed);
  const study_explain_condition *c = study_explain_get(x, 0);
  assert_non_null(c);
  assert_string_equal(c->kind, "off_hours");
  assert_string_equal(c->subject, "approve");
  assert_int_equal(c->n_with, off);
  assert_int_equal(c->missed_with, off_missed);
  assert_int_equal(c->met_with, 0);     /* 10 h off hours always misses */
  assert_true(c->lift > 5);
  assert_true(fabs(c->lift - ((double)off_missed / off) / ((double)missed / N_TRIALS)) <= 1e-12);
  assert_true(fabs(c->share_missed - (double)off_missed / missed) <= 1e-12);
  /* P(meet) without it = F = 1 - exp(-4), within 4 SE */
  double F = 1 - exp(-4), n_without = (double)(N_TRIALS - off);
  assert_true(fabs(c->p_meet_without.est - F) < 4 * sqrt(F * (1 - F) / n_without));
  assert_int_equal(c->n_overrides, 1);
  assert_string_equal(c->overrides[0], "workflows.app.steps.approve.off_hours={dist: exponential, mean: 1800}");
  /* the other conditions rank below it */
  for (size_t i = 1; i < study_explain_count(x); i++)
    assert_true(study_explain_get(x, i)->contribution < c->contribution);

  /* counterfactual against the run itself: nothing changes */
  size_t k;
  assert_int_equal(study_explain_whatif_begin(x, sc, "same", NULL, 0, &k), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_whatif_add(x, k, 0, N_TRIALS, rec), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_whatif_finish(x, k), STUDY_EXPLAIN_OK);
  const study_explain_whatif *w = study_explain_whatif_get(x, k);
  assert_int_equal(w->gained + w->lost, 0);
  assert_true(w->change.est == 0);
  assert_true(w->change.lo == 0);

  /* the off-hours counterfactual: P(meet) = F, never loses a trial */
  model_scenario *cf = load(c->overrides, 1);
  unsigned char *rec_cf = simulate(cf);
  assert_int_equal(study_explain_whatif_begin(x, cf, "without", c->overrides, 1, &k), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_whatif_finish(x, k), STUDY_EXPLAIN_EINVAL);  /* nothing added */
  assert_int_equal(study_explain_whatif_add(x, k, 0, N_TRIALS, rec_cf), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_whatif_finish(x, k), STUDY_EXPLAIN_OK);
  w = study_explain_whatif_get(x, k);
  assert_int_equal(w->lost, 0);
  assert_true(fabs(w->p_meet.est - F) < 4 * sqrt(F * (1 - F) / N_TRIALS));
  assert_true(fabs(w->change.est - (double)w->gained / N_TRIALS) <= 1e-12);
  for (uint64_t t = 0; t < N_TRIALS; t++)   /* never worse than the run */
    assert_true(study_explain_trial_state(x, (long)k, t) >= study_explain_trial_state(x, -1, t));

  study_explain_free(x);
  free(rec_cf);
  free(rec);
  model_scenario_free(cf);
  model_scenario_free(sc);
}

/* A common cause that delays detection by 10 h (always a miss) in 20 % of
** trials: its condition holds exactly in the trials that recorded it, every
** one of them misses, lift = 1 / P(miss) with P(miss) = 1 - 0.8 x 11/12 x F,
** and removing it (its probability 0, the override printed) gives
** P(meet) = 11/12 x F and changes no trial without the cause. */
static void test_common_cause(void **state) {
  (void)state;
  const char *ovr[] = {"common_causes=[{name: outage, probability: 0.2, "
                       "effects: {detection_delay: {delay: 10h}}}]"};
  model_scenario *sc = load(ovr, 1);
  unsigned char *rec = simulate(sc);
  size_t size = model_outcome_size(sc);
  study_explain *x = NULL;
  char err[256];
  assert_int_equal(study_explain_new(sc, "app", STUDY_EXPLAIN_RTO, 0, N_TRIALS, &x, err, sizeof err),
                   STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_add(x, 0, N_TRIALS, rec), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_finish(x), STUDY_EXPLAIN_OK);
  const study_explain_condition *c = NULL;
  for (size_t i = 0; i < study_explain_count(x); i++)
    if (!strcmp(study_explain_get(x, i)->kind, "common_cause")) c = study_explain_get(x, i);
  assert_non_null(c);
  assert_string_equal(c->name, "common cause outage occurred");
  assert_string_equal(c->subject, "outage");
  uint64_t with = 0, missed = 0;
  for (size_t t = 0; t < N_TRIALS; t++) {
    model_trial_view v = model_outcome_view(sc, rec + t * size);
    with += v.env[0].common_causes & 1u;
    missed += !(v.env[0].recovered && v.env[0].rto_s <= 7200);
  }
  assert_int_equal(c->n_with, with);
  assert_int_equal(c->missed_with, with);   /* 10 h more always misses */
  assert_int_equal(c->met_with, 0);
  double F = 1 - exp(-4), pm = 11.0 / 12.0 * F, pmiss = 1 - 0.8 * pm;
  assert_true(fabs(c->lift - (double)N_TRIALS / (double)missed) <= 1e-12);
  assert_true(fabs((double)missed / N_TRIALS - pmiss) < 4 * sqrt(pmiss * (1 - pmiss) / N_TRIALS));
  assert_true(fabs((double)with / N_TRIALS - 0.2) < 4 * sqrt(0.2 * 0.8 / N_TRIALS));
  assert_int_equal(c->n_overrides, 1);
  assert_string_equal(c->overrides[0], "common_causes.outage.probability=0");
  /* the counterfactual: the cause never occurs, nothing else moves */
  const char *both[] = {ovr[0], c->overrides[0]};
  model_scenario *cf = load(both, 2);
  unsigned char *rec_cf = simulate(cf);
  size_t k;
  assert_int_equal(study_explain_whatif_begin(x, cf, "without", c->overrides, 1, &k), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_whatif_add(x, k, 0, N_TRIALS, rec_cf), STUDY_EXPLAIN_OK);
  assert_int_equal(study_explain_whatif_finish(x, k), STUDY_EXPLAIN_OK);
  const study_explain_whatif *w = study_explain_whatif_get(x, k);
  assert_int_equal(w->lost, 0);
  assert_true(fabs(w->p_meet.est - pm) < 4 * sqrt(pm * (1 - pm) / N_TRIALS));
  for (size_t t = 0; t < N_TRIALS; t++) {
    model_trial_view v = model_outcome_view(sc, rec + t * size);
    model_trial_view u = model_outcome_view(cf, rec_cf + t * size);
    assert_int_equal(u.env[0].common_causes, 0);
    if (!(v.env[0].common_causes & 1u)) assert_true(u.env[0].rto_s == v.env[0].rto_s);
  }
  study_explain_free(x);
  free(rec_cf);
  free(rec);
  model_scenario_free(cf);
  model_scenario_free(sc);
}

/* A P(meet) is never rounded across the meet rule's share, on either side,
** and reads as study_explain_format_share where no rounding crosses it. */
static void test_p_meet_not_rounded_across_share(void **state) {
  (void)state;
  char b[32], c[32];
  assert_string_equal(study_explain_format_p_meet(0.9496, 0.95, b, sizeof b), "94.96");
  assert_string_equal(study_explain_format_p_meet(0.94996, 0.95, b, sizeof b), "94.996");
  assert_string_equal(study_explain_format_p_meet(0.95, 0.95, b, sizeof b), "95.0");
  assert_string_equal(study_explain_format_p_meet(0.9504, 0.95, b, sizeof b), "95.0");
  assert_string_equal(study_explain_format_p_meet(0.819, 0.95, b, sizeof b), "81.9");
  /* a sweep of estimates around the share: the shown value is on v's side */
  for (int i = -2000; i <= 2000; i++) {
    double v = 0.95 + i * 1e-7;
    study_explain_format_p_meet(v, 0.95, b, sizeof b);
    assert_true((strtod(b, NULL) / 100 >= 0.95) == (v >= 0.95));
  }
  /* away from the share, the same text as the plain share format */
  for (int i = 0; i <= 100; i++) {
    double v = i / 100.0 * 0.9;
    assert_string_equal(study_explain_format_p_meet(v, 0.95, b, sizeof b),
                        study_explain_format_share(v, c, sizeof c));
  }
}

static void test_bad_input(void **state) {
  (void)state;
  model_scenario *sc = load(NULL, 0);
  study_explain *x = NULL;
  char err[256];
  assert_int_equal(study_explain_new(sc, "nope", STUDY_EXPLAIN_RTO, 0, 10, &x, err, sizeof err),
                   STUDY_EXPLAIN_EINVAL);
  assert_non_null(strstr(err, "no environment 'nope'"));
  assert_int_equal(study_explain_new(sc, "app", STUDY_EXPLAIN_RPO, 0, 10, &x, err, sizeof err),
                   STUDY_EXPLAIN_EINVAL);
  assert_non_null(strstr(err, "no rpo objective"));
  assert_null(x);
  assert_int_equal(study_explain_metric_parse("rto"), STUDY_EXPLAIN_RTO);
  assert_int_equal(study_explain_metric_parse("p95"), -1);
  model_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_closed_form_and_counts),
    cmocka_unit_test(test_common_cause),
    cmocka_unit_test(test_p_meet_not_rounded_across_share),
    cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
