/*
** tests/test_model_common_cause.c — models/common_cause.c through whole
** disaster-mode trials (models/disaster_sim.c): a common cause with
** probability p makes two standby pools short together in p of the trials
** (closed form p, and p + (1 - p) q^2 with each pool's own shortage q);
** failure multipliers, step delays and slower detection against exact
** timelines and closed-form shares; trials in which no cause occurs are
** byte-identical to the scenario without the key (existing draws do not
** move); lifetime incidents draw their own causes.
**
** Shares are checked within Z = 3 standard errors sqrt(p (1 - p) / n) of
** the closed form, the tolerance the acceptance names; fixed seed.
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

#include "models/common_cause.h"
#include "models/diag.h"
#include "models/disaster_sim.h"
#include "models/lifetime_sim.h"
#include "models/outcome.h"
#include "models/scenario.h"

#define Z 3.0
#define SEED 18042u
#define MIN 60.0

static size_t n_trials(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && strcmp(v, "1") == 0 ? 4000 : 20000;
}

static model_scenario *load(const char *yaml) {
  model_scenario *sc = NULL;
  model_diag *diag = model_diag_new();
  assert_non_null(diag);
  if (model_scenario_load_string(yaml, strlen(yaml), "test.yaml", NULL, 0, &sc, diag) != 0) {
    model_diag_print(diag, stdout);
    fail_msg("scenario did not load");
  }
  model_diag_free(diag);
  return sc;
}

/* The first error message of a scenario that must not load. */
static void expect_error(const char *yaml, const char *fragment) {
  model_scenario *sc = NULL;
  model_diag *diag = model_diag_new();
  char buf[4096];
  assert_non_null(diag);
  assert_int_not_equal(model_scenario_load_string(yaml, strlen(yaml), "t.yaml", NULL, 0, &sc, diag), 0);
  FILE *f = fmemopen(buf, sizeof buf, "w");
  assert_non_null(f);
  model_diag_print(diag, f);
  fclose(f);
  buf[sizeof buf - 1] = 0;
  if (!strstr(buf, fragment)) fail_msg("expected '%s' in:\n%s", fragment, buf);
  model_diag_free(diag);
}

static void check_share(const char *what, size_t hits, size_t n, double p) {
  double share = (double)hits / (double)n, tol = Z * sqrt(p * (1 - p) / (double)n);
  print_message("%s: share %.4g, expected %.4g +- %.3g (n = %zu)\n", what, share, p, tol, n);
  assert_true(fabs(share - p) <= tol);
}

/* Two environments, each with its standby pool in westus2 scaled up by one
** step; %s: the pools' own capacity_shortage (or nothing), then the
** common_causes block (or nothing). */
#define POOLS                                                                  \
  "version: 1\nname: t\n"                                                      \
  "objectives: {production: {rto: 4h}, staging: {rto: 8h}}\n"                  \
  "regions: [{name: eastus, role: primary}, {name: westus2, role: standby}]\n" \
  "components:\n"                                                              \
  "  - {name: app-prod, environment: production, region: eastus, failover: {by: scale}}\n" \
  "  - {name: app-stg, environment: staging, region: eastus, failover: {by: scale}}\n" \
  "standby:\n"                                                                 \
  "  - {name: prod-dr, region: westus2, environment: production, warm_nodes: 0,\n" \
  "     required_nodes: 2, provision: 10m%s}\n"                                \
  "  - {name: stg-dr, region: westus2, environment: staging, warm_nodes: 0,\n" \
  "     required_nodes: 2, provision: 10m%s}\n"                                \
  "workflows:\n"                                                               \
  "  - {environment: production, steps: [{name: scale, standby: prod-dr}]}\n"  \
  "  - {environment: staging, steps: [{name: scale, standby: stg-dr}]}\n"      \
  "%s"

#define CRUNCH(p)                                                              \
  "common_causes:\n"                                                           \
  "  - name: crunch\n"                                                         \
  "    probability: " p "\n"                                                   \
  "    effects:\n"                                                             \
  "      shortage: {pools: [prod-dr, stg-dr], delay: {dist: exponential, mean: 2h}}\n"

typedef struct both {
  size_t both, one, none, marked;
} both;

static both count_shortages(const char *yaml, size_t n, int check_shared_wait) {
  model_scenario *sc = load(yaml);
  model_disaster_sim *s = model_disaster_sim_new(sc);
  void *rec = malloc(model_outcome_size(sc));
  assert_non_null(s);
  assert_non_null(rec);
  both b = {0, 0, 0, 0};
  for (size_t t = 0; t < n; t++) {
    assert_int_equal(model_disaster_sim_trial(s, SEED, t, rec, NULL, NULL), 0);
    model_trial_view v = model_outcome_view(sc, rec);
    int a = v.standby[0].shortage, c = v.standby[1].shortage;
    uint64_t m = v.env[0].common_causes;
    assert_true(m == v.env[1].common_causes);
    b.marked += m != 0;
    if (m) assert_true(a && c);   /* the cause makes both short */
    if (a && c) b.both++;
    else if (a || c) b.one++;
    else b.none++;
    /* one shared crunch: both pools wait the same, so both reach full
    ** capacity at the same time (constant provisioning) */
    if (check_shared_wait && m) assert_true(v.standby[0].full_capacity_s == v.standby[1].full_capacity_s);
  }
  free(rec);
  model_disaster_sim_free(s);
  model_scenario_free(sc);
  return b;
}

/* Acceptance: probability p on two pools -> both short together in p. */
static void test_shortage_together(void **state) {
  (void)state;
  char yaml[4096];
  size_t n = n_trials();
  snprintf(yaml, sizeof yaml, POOLS, "", "", CRUNCH("0.3"));
  both b = count_shortages(yaml, n, 1);
  assert_int_equal(b.one, 0);
  assert_int_equal(b.both, b.marked);
  check_share("both pools short, cause p = 0.3", b.both, n, 0.3);

  /* with each pool's own shortage q = 0.1 too: p + (1 - p) q^2 together,
  ** 2 (1 - p) q (1 - q) alone */
  snprintf(yaml, sizeof yaml, POOLS,
           ", capacity_shortage: {probability: 0.1, delay: 1h}",
           ", capacity_shortage: {probability: 0.1, delay: 1h}", CRUNCH("0.3"));
  b = count_shortages(yaml, n, 0);
  check_share("both short, p = 0.3 and own q = 0.1", b.both, n, 0.3 + 0.7 * 0.01);
  check_share("one short alone", b.one, n, 2 * 0.7 * 0.1 * 0.9);

  /* without the cause the pools are independent: q^2 together */
  snprintf(yaml, sizeof yaml, POOLS,
           ", capacity_shortage: {probability: 0.1, delay: 1h}",
           ", capacity_shortage: {probability: 0.1, delay: 1h}", "");
  b = count_shortages(yaml, n, 0);
  check_share("both short without the cause", b.both, n, 0.01);
}

/* Trials in which no cause occurs are byte for byte those of the scenario
** without common_causes: the causes draw from their own streams only. */
static void test_no_shift(void **state) {
  (void)state;
  char a[4096], b[4096];
  snprintf(a, sizeof a, POOLS, ", capacity_shortage: {probability: 0.2, delay: 1h}", "", "");
  snprintf(b, sizeof b, POOLS, ", capacity_shortage: {probability: 0.2, delay: 1h}", "",
           CRUNCH("0.5"));
  model_scenario *sa = load(a), *sb = load(b);
  assert_int_equal(model_outcome_size(sa), model_outcome_size(sb));
  size_t size = model_outcome_size(sa), same = 0, n = n_trials() / 4;
  model_disaster_sim *xa = model_disaster_sim_new(sa), *xb = model_disaster_sim_new(sb);
  void *ra = malloc(size), *rb = malloc(size);
  assert_non_null(ra);
  assert_non_null(rb);
  for (size_t t = 0; t < n; t++) {
    assert_int_equal(model_disaster_sim_trial(xa, SEED, t, ra, NULL, NULL), 0);
    assert_int_equal(model_disaster_sim_trial(xb, SEED, t, rb, NULL, NULL), 0);
    if (model_outcome_view(sb, rb).env[0].common_causes) continue;
    assert_memory_equal(ra, rb, size);
    same++;
  }
  assert_true(same > n / 4);
  free(ra);
  free(rb);
  model_disaster_sim_free(xa);
  model_disaster_sim_free(xb);
  model_scenario_free(sa);
  model_scenario_free(sb);
}

#define ONE_ENV                                                                \
  "version: 1\nname: t\n"                                                      \
  "objectives: {production: {rto: 4h}}\n"                                      \
  "regions: [{name: eastus, role: primary}, {name: westus2, role: standby}]\n" \
  "components: [{name: app, environment: production, region: eastus, failover: {by: apply}}]\n" \
  "workflows:\n"                                                               \
  "  - environment: production\n"                                              \
  "    detection: 5m\n"                                                        \
  "    steps:\n"                                                               \
  "      - {name: apply, duration: 10m, failure_probability: 0.1}\n"

/* failure_multiplier: p = 0.1, x 5 when the cause (0.5) occurs: the step
** fails (no retries: not recovered) with 0.5 x 0.1 + 0.5 x 0.5 = 0.3, and
** given the cause with 0.5. step_delay and detection_delay with constants:
** the RTO is 5 + 10 m, + 1 h when the tooling is out, + 30 m when detection
** is slow, exactly as the causes that occurred say. */
static void test_effects(void **state) {
  (void)state;
  model_scenario *sc = load(ONE_ENV
                            "common_causes:\n"
                            "  - name: brownout\n"
                            "    probability: 0.5\n"
                            "    effects:\n"
                            "      failure_multiplier: {steps: [production/apply], factor: 5}\n"
                            "  - name: ci-outage\n"
                            "    probability: 0.25\n"
                            "    effects: {step_delay: {steps: production/apply, delay: 1h}}\n"
                            "  - name: monitoring-lost\n"
                            "    probability: 0.2\n"
                            "    effects: {detection_delay: {delay: 30m}}\n");
  model_disaster_sim *s = model_disaster_sim_new(sc);
  void *rec = malloc(model_outcome_size(sc));
  assert_non_null(rec);
  size_t n = n_trials(), lost = 0, lost_brown = 0, brown = 0, ci = 0, mon = 0;
  for (size_t t = 0; t < n; t++) {
    assert_int_equal(model_disaster_sim_trial(s, SEED, t, rec, NULL, NULL), 0);
    model_trial_view v = model_outcome_view(sc, rec);
    uint64_t m = v.env[0].common_causes;
    brown += m & 1;
    ci += m >> 1 & 1;
    mon += m >> 2 & 1;
    if (!v.env[0].recovered) {
      lost++;
      lost_brown += m & 1;
      continue;
    }
    double want = 15 * MIN + (m & 2 ? 60 * MIN : 0) + (m & 4 ? 30 * MIN : 0);
    assert_true(fabs(v.env[0].rto_s - want) < 1e-6);
    /* the step starts after detection and the tooling outage */
    assert_true(fabs(v.steps[0].start_s - (want - 10 * MIN)) < 1e-6);
  }
  check_share("brown-out occurs", brown, n, 0.5);
  check_share("CI outage occurs", ci, n, 0.25);
  check_share("monitoring lost", mon, n, 0.2);
  check_share("P(not recovered) = 0.5 x 0.1 + 0.5 x 0.5", lost, n, 0.3);
  check_share("P(not recovered | brown-out) = 0.5", lost_brown, brown, 0.5);
  free(rec);
  model_disaster_sim_free(s);
  model_scenario_free(sc);
}

/* The trace names each cause that occurred and what it did. */
typedef struct tr {
  int occurs, waits, slower;
} tr;

static void trace_cb(void *ctx, double t, const char *text) {
  tr *a = ctx;
  (void)t;
  a->occurs += strstr(text, "common cause ci-outage occurs") != NULL;
  a->waits += strstr(text, "apply waits 1h (common cause ci-outage)") != NULL;
  a->slower += strstr(text, "detection takes") != NULL;
}

static void test_trace(void **state) {
  (void)state;
  model_scenario *sc = load(ONE_ENV
                            "common_causes:\n"
                            "  - name: ci-outage\n"
                            "    probability: 1\n"
                            "    effects: {step_delay: {steps: [production/apply], delay: 1h}}\n");
  model_disaster_sim *s = model_disaster_sim_new(sc);
  void *rec = malloc(model_outcome_size(sc));
  assert_non_null(rec);
  tr a = {0, 0, 0};
  assert_int_equal(model_disaster_sim_trial(s, SEED, 1, rec, trace_cb, &a), 0);
  assert_int_equal(a.occurs, 1);
  assert_int_equal(a.waits, 1);
  assert_int_equal(a.slower, 0);
  free(rec);
  model_disaster_sim_free(s);
  model_scenario_free(sc);
}

/* Lifetime mode: each disaster incident draws the causes afresh; the
** environment records those of any of its incidents. With a CI outage of
** probability 0.5 adding 1 h, one incident per trial (no failback): its RTO
** is 15 m or 1 h 15 m, the latter exactly when the trial records the cause. */
static void test_lifetime(void **state) {
  (void)state;
  model_scenario *sc = load(
      "version: 1\nname: t\nmode: lifetime\nhorizon: 10y\n"
      "objectives: {production: {availability: 99%}}\n"
      "regions: [{name: eastus, role: primary}, {name: westus2, role: standby}]\n"
      "components: [{name: app, environment: production, region: eastus, failover: {by: apply}}]\n"
      "disaster: {type: region-outage, region: eastus, rate: 1/1y}\n"
      "workflows:\n"
      "  - environment: production\n"
      "    detection: 5m\n"
      "    steps: [{name: apply, duration: 10m}]\n"
      "common_causes:\n"
      "  - {name: ci-outage, probability: 0.5,\n"
      "     effects: {step_delay: {steps: [production/apply], delay: 1h}}}\n");
  model_lifetime_sim *s = model_lifetime_sim_new(sc);
  void *rec = malloc(model_outcome_size(sc));
  assert_non_null(s);
  assert_non_null(rec);
  size_t n = n_trials() / 4, inc = 0, hit = 0;
  for (size_t t = 0; t < n; t++) {
    assert_int_equal(model_lifetime_sim_trial(s, SEED, t, rec, NULL, NULL), 0);
    model_trial_view v = model_outcome_view(sc, rec);
    if (v.env[0].disaster_incidents == 0) {
      assert_true(v.env[0].common_causes == 0);
      continue;
    }
    assert_int_equal(v.env[0].disaster_incidents, 1);
    inc++;
    int m = v.env[0].common_causes & 1;
    hit += (size_t)m;
    assert_true(fabs(v.incidents[0].rto_s - (m ? 75 * MIN : 15 * MIN)) < 1e-6);
  }
  assert_true(inc > 0);
  check_share("incidents with the CI outage", hit, inc, 0.5);
  free(rec);
  model_lifetime_sim_free(s);
  model_scenario_free(sc);
}

/* Located errors for what cannot work. */
static void test_errors(void **state) {
  (void)state;
  char yaml[4096];
  snprintf(yaml, sizeof yaml, POOLS, "", "",
           "common_causes:\n"
           "  - name: crunch\n"
           "    probability: 0.1\n"
           "    effects: {shortage: {pools: [prod-dr, nope]}}\n");
  expect_error(yaml, "common cause 'crunch' names standby pool 'nope', which is not defined");
  expect_error(yaml, "standby pool 'prod-dr' has no capacity_shortage delay to wait");
  snprintf(yaml, sizeof yaml, POOLS, "", "",
           "common_causes:\n"
           "  - {name: x, probability: 0.1, effects: {step_delay: {steps: [scale], delay: 1h}}}\n");
  expect_error(yaml, "write ENVIRONMENT/STEP");
  snprintf(yaml, sizeof yaml, POOLS, "", "",
           "common_causes:\n"
           "  - {name: x, probability: 0.1, effects: {step_delay: {steps: [production/nope], delay: 1h}}}\n");
  expect_error(yaml, "names step 'production/nope', which is not a step");
  snprintf(yaml, sizeof yaml, POOLS, "", "",
           "common_causes:\n  - {name: x, probability: 0.1, effects: {}}\n");
  expect_error(yaml, "common cause 'x' has no effects");
  snprintf(yaml, sizeof yaml, POOLS, "", "",
           "common_causes:\n  - {name: x, effects: {detection_delay: {delay: 1h}}}\n");
  expect_error(yaml, "needs a 'probability'");
  snprintf(yaml, sizeof yaml, POOLS, "", "",
           "common_causes:\n  - {name: x, probability: 0.1, effects: {slower: 1h}}\n");
  expect_error(yaml, "unknown key 'slower'");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shortage_together),
      cmocka_unit_test(test_no_shift),
      cmocka_unit_test(test_effects),
      cmocka_unit_test(test_trace),
      cmocka_unit_test(test_lifetime),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
