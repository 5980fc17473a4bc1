/*
** tests/test_study_optimize.c — study/optimize.c on a synthetic evaluator
** (no simulation): two decisions of 10 options each, a standby cost linear
** in them, a loss per trial that falls with them plus noise common to every
** candidate (common random numbers), and a constraint x + y >= K. Checks:
** the grid's optimum is the exhaustive minimum; coordinate descent finds it
** with fewer evaluations; the budget stops the search; an infeasible
** constraint gives no winner and the candidate with the least shortfall;
** the paired difference of winner and runner-up is exact under CRN;
** contributions evaluate the winner with each decision set back.
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

#include "study/optimize.h"

typedef struct synth {
  int k;          /* constraint: x + y >= k */
  int calls;
} synth;

/* standby 100 x + 70 y a year; loss per disaster (9 - x)^2 * 40 + (9 - y)^2 * 30
** + noise_i, 1 disaster a year: total = 100x + 70y + 40(9-x)^2 + 30(9-y)^2 +
** mean noise; the unconstrained optimum is x = 8 (100 - 40 (2(9-x) - 1) ...)
** found exhaustively below. */
static double noise(uint64_t i) { return (double)((i * 2654435761u) % 1000) / 10.0; }

static int eval(void *ctx, const size_t *c, uint64_t trials, int64_t point, study_opt_eval *out) {
  synth *s = ctx;
  (void)point;
  s->calls++;
  out->trials = trials;
  out->run_id = s->calls;
  out->standby_annual = 100.0 * (double)c[0] + 70.0 * (double)c[1];
  out->disasters_per_year = 1;
  out->losses = malloc(trials * sizeof *out->losses);
  out->checks = calloc(1, sizeof *out->checks);
  double x = (double)c[0], y = (double)c[1];
  for (uint64_t i = 0; i < trials; i++)
    out->losses[i] = 40 * (9 - x) * (9 - x) + 30 * (9 - y) * (9 - y) + noise(i);
  int sum = (int)(c[0] + c[1]);
  out->checks[0].meets = sum >= s->k;
  out->checks[0].p_meet = sum >= s->k ? 1 : (double)sum / s->k;
  out->checks[0].shortfall = sum >= s->k ? 0 : (double)(s->k - sum);
  return 0;
}

static void decisions(study_opt_decision d[2]) {
  memset(d, 0, 2 * sizeof *d);
  for (int k = 0; k < 2; k++) {
    d[k].name = strdup(k ? "y" : "x");
    for (int v = 0; v < 10; v++) {
      char label[8], ov[32];
      snprintf(label, sizeof label, "%d", v);
      snprintf(ov, sizeof ov, "%s=%d", k ? "y" : "x", v);
      const char *o[1] = {ov};
      assert_int_equal(study_opt_decision_add(&d[k], label, o, 1), 0);
    }
  }
}

static double total(size_t x, size_t y, int k) {
  if ((int)(x + y) < k) return INFINITY;
  double m = 0;
  for (uint64_t i = 0; i < 200; i++) m += noise(i);
  m /= 200;
  return 100.0 * x + 70.0 * y + 40.0 * (9.0 - x) * (9.0 - x) + 30.0 * (9.0 - y) * (9.0 - y) + m;
}

static void run(study_opt_search search, int k, size_t budget, study_opt_result *r, synth *s,
                study_opt_decision d[2]) {
  decisions(d);
  d[0].base = 0;
  d[1].base = 0;
  memset(s, 0, sizeof *s);
  s->k = k;
  study_opt_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.decisions = d;
  cfg.n_decisions = 2;
  cfg.n_constraints = 1;
  cfg.search = search;
  cfg.budget = budget;
  cfg.trials = 200;
  cfg.confirm_trials = 200;   /* no confirmation runs: the losses are exact */
  cfg.eval = eval;
  cfg.ctx = s;
  assert_int_equal(study_opt_run(&cfg, r), 0);
}

static void test_grid_and_descent(void **state) {
  (void)state;
  for (int k = 0; k <= 12; k += 12) {
    size_t bx = 0, by = 0;
    double best = INFINITY;
    for (size_t x = 0; x < 10; x++)
      for (size_t y = 0; y < 10; y++)
        if (total(x, y, k) < best) {
          best = total(x, y, k);
          bx = x;
          by = y;
        }
    study_opt_result g, c;
    synth s;
    study_opt_decision d1[2], d2[2];
    run(STUDY_OPT_GRID, k, 0, &g, &s, d1);
    assert_int_equal(g.screen_runs, 100);
    assert_true(g.winner >= 0);
    assert_int_equal(g.cands[g.winner].choice[0], bx);
    assert_int_equal(g.cands[g.winner].choice[1], by);
    assert_float_equal(study_opt_final(&g.cands[g.winner])->total.est, best, 1e-6);
    run(STUDY_OPT_AUTO, k, 0, &c, &s, d2);
    assert_true(c.winner >= 0);
    assert_int_equal(c.cands[c.winner].choice[0], bx);
    assert_int_equal(c.cands[c.winner].choice[1], by);
    assert_true(c.screen_runs < g.screen_runs);
    /* auto: 100 > 16 candidates, descent */
    assert_int_equal(c.search_used, STUDY_OPT_DESCENT);
    study_opt_free(&g, 1);
    study_opt_free(&c, 1);
    for (int i = 0; i < 2; i++) {
      study_opt_decision_clear(&d1[i]);
      study_opt_decision_clear(&d2[i]);
    }
  }
}

static void test_paired_and_contrib(void **state) {
  (void)state;
  study_opt_result g;
  synth s;
  study_opt_decision d[2];
  run(STUDY_OPT_GRID, 0, 0, &g, &s, d);
  assert_true(g.runner_up >= 0);
  /* the noise is common to both: the difference is a constant, exact */
  const study_opt_eval *w = study_opt_final(&g.cands[g.winner]);
  const study_opt_eval *u = study_opt_final(&g.cands[g.runner_up]);
  assert_float_equal(g.paired.est, u->total.est - w->total.est, 1e-3);
  assert_float_equal(g.paired.lo, g.paired.hi, 1e-3);
  assert_true(g.conclusive);
  /* both decisions moved away from base 0: each has a contribution */
  assert_int_equal(g.n_contribs, 2);
  for (size_t i = 0; i < 2; i++) {
    long j = g.contribs[i].without;
    assert_true(j >= 0);
    assert_int_equal(g.cands[j].choice[i], 0);
    assert_int_equal(g.cands[j].choice[1 - i], g.cands[g.winner].choice[1 - i]);
  }
  study_opt_free(&g, 1);
  for (int i = 0; i < 2; i++) study_opt_decision_clear(&d[i]);
}

static void test_budget_and_infeasible(void **state) {
  (void)state;
  study_opt_result r;
  synth s;
  study_opt_decision d[2];
  run(STUDY_OPT_GRID, 0, 7, &r, &s, d);
  assert_true(r.budget_hit);
  assert_int_equal(r.screen_runs, 7);
  study_opt_free(&r, 1);
  for (int i = 0; i < 2; i++) study_opt_decision_clear(&d[i]);
  /* x + y >= 30 cannot be met: no winner; the closest is 9 + 9 */
  run(STUDY_OPT_DESCENT, 30, 0, &r, &s, d);
  assert_int_equal(r.winner, -1);
  assert_true(r.closest >= 0);
  assert_int_equal(r.cands[r.closest].choice[0], 9);
  assert_int_equal(r.cands[r.closest].choice[1], 9);
  assert_false(r.conclusive);
  study_opt_free(&r, 1);
  for (int i = 0; i < 2; i++) study_opt_decision_clear(&d[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grid_and_descent),
      cmocka_unit_test(test_paired_and_contrib),
      cmocka_unit_test(test_budget_and_infeasible),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
