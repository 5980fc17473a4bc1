/*
** tests/test_study_size.c — study/size.c: the bisection over warm_nodes
** finds exactly what the exhaustive search finds (same recommendation, and
** every candidate it evaluates has the figures the exhaustive search gives
** that count: common random numbers make the two searches see the same
** trials), with at most 1 + ceil(log2(required + 1)) evaluations; the cost
** formula to the cent; the Pareto front. Scenario:
** tests/data/size-exponential.yaml (the closed form is in its header).
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
#include "study/input.h"
#include "study/size.h"

#define EXPO DRSIM_SOURCE_DIR "/tests/data/size-exponential.yaml"

typedef struct fixture {
  study_input *in;
  model_scenario *sc;
  study_size_spec spec;
} fixture;

static void setup(fixture *f, double q, uint64_t trials) {
  memset(f, 0, sizeof *f);
  model_diag *d = model_diag_new();
  assert_int_equal(study_input_read(EXPO, &f->in, d), STUDY_OK);
  assert_int_equal(study_input_load(f->in, NULL, 0, NULL, &f->sc, d), STUDY_OK);
  model_diag_free(d);
  char err[300];
  assert_int_equal(study_target_parse(f->sc, "app.rto", 0, &f->spec.target, err, sizeof err), 0);
  f->spec.scenario_path = EXPO;
  f->spec.scenario_text = study_input_text(f->in);
  f->spec.pool = "pool";
  f->spec.q = q;
  f->spec.confidence = 0.95;
  f->spec.trials_given = 1;
  f->spec.trials = trials;
  f->spec.threads = 2;
  f->spec.cost_per_hour = f->sc->standby[0].node_cost_per_hour;
}

static void teardown(fixture *f) {
  model_scenario_free(f->sc);
  study_input_free(f->in);
}

static study_size *search(const fixture *f, int all) {
  study_size *z = NULL;
  study_error err;
  assert_int_equal(study_size_new(&f->spec, &z, &err), STUDY_OK);
  int rc = study_size_search(z, f->sc->standby[0].required_nodes, 8, all, &err);
  if (rc != STUDY_OK) fail_msg("search: %s", err.text);
  study_size_finish(z);
  return z;
}

static const study_size_candidate *at_warm(const study_size *z, int warm) {
  for (size_t i = 0; i < study_size_count(z); i++)
    if (study_size_at(z, i)->warm == warm) return study_size_at(z, i);
  return NULL;
}

/* Bisection = exhaustive search, at several quantiles (different answers). */
static void test_bisection_equals_exhaustive(void **state) {
  (void)state;
  const double qs[] = {0.5, 0.8, 0.9, 0.95};
  for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
    fixture f;
    setup(&f, qs[k], 3000);
    study_size *bis = search(&f, 0), *all = search(&f, 1);
    int required = f.sc->standby[0].required_nodes;
    assert_int_equal(study_size_count(all), (size_t)required + 1);
    /* 1 + ceil(log2(required + 1)) evaluations at most */
    size_t bound = 1 + (size_t)ceil(log2((double)required + 1));
    if (study_size_count(bis) > bound)
      fail_msg("q %g: bisection evaluated %zu candidates, at most %zu expected", qs[k],
               study_size_count(bis), bound);
    /* the exhaustive answer: the fewest warm nodes that meet */
    int best = -1;
    for (int w = 0; w <= required && best < 0; w++)
      if (at_warm(all, w)->meets) best = w;
    const study_size_candidate *rb = study_size_recommendation(bis);
    const study_size_candidate *ra = study_size_recommendation(all);
    if (best < 0) {
      assert_null(rb);
      assert_null(ra);
    } else {
      assert_non_null(rb);
      assert_non_null(ra);
      if (rb->warm != best || ra->warm != best)
        fail_msg("q %g: bisection %d, exhaustive recommendation %d, fewest meeting %d", qs[k],
                 rb->warm, ra->warm, best);
    }
    /* and every candidate bisection saw is the exhaustive search's, bit for bit */
    for (size_t i = 0; i < study_size_count(bis); i++) {
      const study_size_candidate *b = study_size_at(bis, i), *a = at_warm(all, b->warm);
      assert_non_null(a);
      assert_true(b->obj.q_upper == a->obj.q_upper);
      assert_true(b->obj.q.est == a->obj.q.est);
      assert_int_equal(b->meets, a->meets);
      assert_int_equal(b->obj.n_meet, a->obj.n_meet);
    }
    /* meets is monotone in warm_nodes (what bisection relies on) */
    for (int w = 1; w <= required; w++)
      assert_true(at_warm(all, w)->meets >= at_warm(all, w - 1)->meets);
    study_size_free(bis);
    study_size_free(all);
    teardown(&f);
  }
}

/* P(meet) of each candidate agrees with the closed form (1 - e^-3.5)^n,
** n = 8 - warm, within 4 standard errors. */
static void test_closed_form(void **state) {
  (void)state;
  fixture f;
  setup(&f, 0.9, 3000);
  study_size *all = search(&f, 1);
  double p = 1 - exp(-3.5);
  for (size_t i = 0; i < study_size_count(all); i++) {
    const study_size_candidate *c = study_size_at(all, i);
    double want = pow(p, 8 - c->warm);
    double se = sqrt(want * (1 - want) / (double)c->obj.n);
    double tol = 4 * se > 1e-12 ? 4 * se : 1e-12;
    if (fabs(c->obj.p_meet.est - want) > tol)
      fail_msg("warm %d: P(meet) %.5f, closed form %.5f (4 SE = %.5f)", c->warm,
               c->obj.p_meet.est, want, tol);
  }
  study_size_free(all);
  teardown(&f);
}

static void test_cost_and_pareto(void **state) {
  (void)state;
  assert_true(study_size_annual_cost(3, 0.38) == 9986.4);
  assert_true(study_size_annual_cost(0, 5.0) == 0);
  fixture f;
  setup(&f, 0.9, 1000);
  study_size *all = search(&f, 1);
  for (size_t i = 0; i < study_size_count(all); i++) {
    const study_size_candidate *c = study_size_at(all, i);
    assert_true(c->annual_cost == c->warm * 8760.0);
    if (i) assert_true(study_size_at(all, i - 1)->warm < c->warm);   /* sorted */
  }
  /* no candidate on the front is dominated by another */
  for (size_t i = 0; i < study_size_count(all); i++) {
    const study_size_candidate *a = study_size_at(all, i);
    if (!a->pareto) continue;
    for (size_t j = 0; j < study_size_count(all); j++) {
      const study_size_candidate *b = study_size_at(all, j);
      int dominates = b->annual_cost <= a->annual_cost && b->obj.q.est <= a->obj.q.est &&
                      (b->annual_cost < a->annual_cost || b->obj.q.est < a->obj.q.est);
      assert_false(dominates);
    }
  }
  assert_true(study_size_at(all, 0)->pareto);   /* the cheapest is always on it */
  study_size_free(all);
  teardown(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_bisection_equals_exhaustive),
    cmocka_unit_test(test_closed_form),
    cmocka_unit_test(test_cost_and_pareto),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
