/*
** tests/test_model_team.c — models/team.c (first come first served, ties
** by the order key, sizes) and teams in the disaster model (issue 18
** acceptance): with a team of one member shared by two environments no two
** of its steps work at the same time in any trial; a later upstream
** completion never makes the downstream environment finish earlier when
** the team is the only coupling (paired trials, same seed); waits are
** recorded as team_wait_s and the team's size bounds them; loader errors.
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

#include "models/diag.h"
#include "models/disaster_sim.h"
#include "models/outcome.h"
#include "models/scenario.h"
#include "models/team.h"
#include "tests/support/sim_fixture.h"

#define SEED 20261203u
#define MIN 60.0

static size_t n_trials(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && strcmp(v, "1") == 0 ? 2000 : 20000;
}

/* ------------------------------------------------------------ the module */

static void test_fcfs(void **state) {
  (void)state;
  int sizes[2] = {1, 2};
  model_team_pool *p = model_team_pool_new(2, sizes, 8);
  assert_non_null(p);
  size_t task;
  double at;
  /* Three tasks ask team 0 at t = 0 (order keys 5, 1, 3) and one at t = -1
  ** would be first: earlier time beats a smaller key. */
  assert_int_equal(model_team_pool_request(p, 0, 10, 0.0, 5), 0);
  assert_int_equal(model_team_pool_request(p, 0, 11, 0.0, 1), 0);
  assert_int_equal(model_team_pool_request(p, 0, 12, 0.0, 3), 0);
  assert_int_equal(model_team_pool_request(p, 0, 13, -1.0, 9), 0);
  assert_int_equal(model_team_pool_waiting(p, 0), 4);
  static const size_t order[4] = {13, 11, 12, 10};
  for (size_t k = 0; k < 4; k++) {
    assert_int_equal(model_team_pool_grant(p, 0, &task, &at), 1);
    assert_int_equal(task, order[k]);
    assert_int_equal(model_team_pool_busy(p, 0), 1);
    assert_int_equal(model_team_pool_grant(p, 0, &task, &at), 0);   /* size 1: busy */
    model_team_pool_release(p, 0);
  }
  assert_int_equal(model_team_pool_grant(p, 0, &task, &at), 0);     /* nobody waits */
  /* Team 1 has two members. */
  for (size_t k = 0; k < 3; k++) assert_int_equal(model_team_pool_request(p, 1, k, (double)k, 0), 0);
  assert_int_equal(model_team_pool_grant(p, 1, &task, &at), 1);
  assert_int_equal(model_team_pool_grant(p, 1, &task, &at), 1);
  assert_int_equal(model_team_pool_grant(p, 1, &task, &at), 0);
  assert_int_equal(model_team_pool_busy(p, 1), 2);
  model_team_pool_reset(p);
  assert_int_equal(model_team_pool_busy(p, 1), 0);
  assert_int_equal(model_team_pool_waiting(p, 1), 0);
  /* The queue's capacity. */
  for (size_t k = 0; k < 8; k++) assert_int_equal(model_team_pool_request(p, 0, k, 0, k), 0);
  assert_int_equal(model_team_pool_request(p, 0, 9, 0, 9), -1);
  model_team_pool_free(p);
  model_team_pool_free(NULL);
  int bad = 0;
  assert_null(model_team_pool_new(1, &bad, 4));
}

/* ------------------------------------------------- through the simulation */

typedef sim_fixture fx;

static fx *fx_load(const char *yaml) { return sim_fixture_load(yaml); }
static void fx_free(fx *f) { sim_fixture_free(f); }
static void fx_run(fx *f, uint64_t trial) { sim_fixture_run(f, SEED, trial); }

/* Two environments, each: prep (no team, random) -> approve -> failover,
** the last two needing team sre (production's prep waits for a `delay`
** step first). */
static char *scenario(int size, const char *prod_delay) {
  char *buf = malloc(4096);
  assert_non_null(buf);
  snprintf(buf, 4096,
           "version: 1\n"
           "name: t\n"
           "objectives: {production: {rto: 4h}, staging: {rto: 8h}}\n"
           "regions:\n"
           "  - {name: eastus, role: primary}\n"
           "  - {name: westus2, role: standby}\n"
           "components:\n"
           "  - {name: p, environment: production, region: eastus}\n"
           "  - {name: s, environment: staging, region: eastus}\n"
           "teams:\n"
           "  - {name: sre, size: %d}\n"
           "workflows:\n"
           "  - environment: production\n"
           "    detection: {dist: exponential, mean: 5m}\n"
           "    steps:\n"
           "      - {name: delay, duration: %s}\n"
           "      - {name: prep, needs: [delay], duration: {dist: exponential, mean: 20m}}\n"
           "      - {name: approve, needs: [prep], team: sre, manual: true,\n"
           "         duration: {dist: exponential, mean: 15m}}\n"
           "      - {name: failover, needs: [approve], team: sre,\n"
           "         duration: {dist: lognormal, median: 30m, p95: 1h}}\n"
           "  - environment: staging\n"
           "    detection: {dist: exponential, mean: 5m}\n"
           "    steps:\n"
           "      - {name: prep, duration: {dist: exponential, mean: 20m}}\n"
           "      - {name: approve, needs: [prep], team: sre, manual: true,\n"
           "         duration: {dist: exponential, mean: 15m}}\n"
           "      - {name: failover, needs: [approve], team: sre,\n"
           "         duration: {dist: exponential, mean: 40m}}\n",
           size, prod_delay);
  return buf;
}

typedef struct span { double a, b; } span;

static int span_cmp(const void *x, const void *y) {
  double a = ((const span *)x)->a, b = ((const span *)y)->a;
  return (a > b) - (a < b);
}

/* A team step of one attempt works during [start + team_wait, end]: the
** four team steps of every trial, sorted by start, must not overlap. */
static void test_no_overlap(void **state) {
  (void)state;
  char *y = scenario(1, "0");
  fx *f = fx_load(y);
  free(y);
  size_t n = n_trials(), waited = 0, checked = 0;
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    span sp[4];
    size_t k = 0;
    double busy = 0;
    for (size_t g = 0; g < f->sc->n_steps_total; g++) {
      const model_step_outcome *o = &f->v.steps[g];
      int w = 0;
      size_t off = 0;
      for (size_t i = 0; i < f->sc->n_workflows; i++)
        if (g >= f->sc->workflows[i].step_offset) {
          w = (int)i;
          off = f->sc->workflows[i].step_offset;
        }
      const model_step *ms = &f->sc->workflows[w].steps[g - off];
      if (ms->team < 0) {
        assert_true(isnan(o->team_wait_s));
        continue;
      }
      assert_true(o->team_wait_s >= 0);
      waited += o->team_wait_s > 0;
      assert_int_equal(o->attempts, 1);
      sp[k].a = o->start_s + o->team_wait_s;
      sp[k].b = o->end_s;
      assert_true(sp[k].b >= sp[k].a);
      busy += sp[k].b - sp[k].a;
      k++;
    }
    qsort(sp, k, sizeof *sp, span_cmp);
    for (size_t i = 1; i < k; i++) assert_true(sp[i].a >= sp[i - 1].b - 1e-6);   /* rounding of start + wait */
    checked += k;
    /* One member: the team steps end no sooner than their total work
    ** after the first of them started. */
    assert_int_equal(k, 4);
    assert_true(sp[3].b - sp[0].a >= busy - 1e-6);
  }
  print_message("%zu working spans checked over %zu trials; %zu team waits\n", checked, n, waited);
  assert_true(waited > n / 4);
  fx_free(f);

  /* With two members the same trials never wait longer, in total. */
  y = scenario(1, "0");
  f = fx_load(y);
  free(y);
  y = scenario(2, "0");
  fx *g = fx_load(y);
  free(y);
  size_t less = 0;
  for (size_t t = 0; t < n / 4; t++) {
    fx_run(f, t);
    fx_run(g, t);
    double w1 = 0, w2 = 0;
    for (size_t s = 0; s < f->sc->n_steps_total; s++) {
      if (!isnan(f->v.steps[s].team_wait_s)) w1 += f->v.steps[s].team_wait_s;
      if (!isnan(g->v.steps[s].team_wait_s)) w2 += g->v.steps[s].team_wait_s;
    }
    assert_true(w2 == 0);   /* two envs, one team step each at a time */
    less += w2 < w1;
  }
  assert_true(less > 0);
  fx_free(f);
  fx_free(g);
}

/* Production's upstream (delay) finishes 10 m later: with the team the only
** coupling, production never finishes earlier, trial by trial. */
static void test_monotone(void **state) {
  (void)state;
  char *y0 = scenario(1, "0"), *y1 = scenario(1, "10m");
  fx *a = fx_load(y0), *b = fx_load(y1);
  free(y0);
  free(y1);
  int e = model_scenario_find_environment(a->sc, "production");
  size_t n = n_trials(), later = 0;
  for (size_t t = 0; t < n; t++) {
    fx_run(a, t);
    fx_run(b, t);
    double ra = a->v.env[e].rto_s, rb = b->v.env[e].rto_s;
    if (rb < ra - 1e-6) fail_msg("trial %zu: production RTO %.1f s with the later upstream, %.1f s before", t, rb, ra);
    later += rb > ra + 1e-6;
  }
  print_message("production finished later in %zu of %zu trials, never earlier\n", later, n);
  assert_true(later > n / 2);
  fx_free(a);
  fx_free(b);
}

static void test_load_errors(void **state) {
  (void)state;
  static const char *const base =
      "version: 1\nname: t\nobjectives: {production: {rto: 4h}}\n"
      "regions: [{name: eastus, role: primary}, {name: westus2, role: standby}]\n"
      "components: [{name: p, environment: production, region: eastus}]\n";
  struct { const char *yaml, *want; } cases[] = {
      {"workflows: [{environment: production, steps: [{name: a, duration: 1m, team: sre}]}]\n",
       "the scenario has no teams"},
      {"teams: [{name: sre, size: 1}]\n"
       "workflows: [{environment: production, steps: [{name: a, duration: 1m, team: ser}]}]\n",
       "unknown team 'ser'; did you mean 'sre'?"},
      {"teams: [{name: sre}]\n", "needs a 'size'"},
      {"teams: [{name: sre, size: 0}]\n", "size"},
      {"teams: [{name: sre, size: 1, calendar: nyc}]\n", "no calendars"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s%s", base, cases[i].yaml);
    char *buf = sim_fixture_load_error(yaml);
    if (!strstr(buf, cases[i].want)) fail_msg("case %zu: got %s", i, buf);
    free(buf);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fcfs),
      cmocka_unit_test(test_no_overlap),
      cmocka_unit_test(test_monotone),
      cmocka_unit_test(test_load_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
