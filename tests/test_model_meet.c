/*
** tests/test_model_meet.c — models/meet.c, the one meaning of "meets":
** verdicts on counts checked by hand (10 trials, where the binomial tails
** are powers), the Clopper-Pearson bounds against their closed forms, every
** count of several trial numbers against an independent binomial sum, the
** equivalence with `size`'s order-statistic bound, counts whose point
** estimate is at least the share but whose bound is not, the scenario's
** `meet:` block (defaults, values, percent form, errors with their place)
** and the reader for stored runs (text plus overrides).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/diag.h"
#include "models/meet.h"
#include "models/scenario.h"
#include "reports/stats.h"

#define assert_double_equal(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

/* 10 trials: P(B >= 10) = s^10 and P(B <= 0) = (1 - s)^10. */
static void test_hand_checked(void **state) {
  (void)state;
  model_meet_rule r = {0.74, 0.95};
  /* 0.74^10 = 0.0492 <= 0.05: 10 of 10 show 74 % */
  assert_int_equal(model_meet_judge(&r, 10, 10), MODEL_MEET_MEETS);
  /* 0.75^10 = 0.0563 > 0.05: 10 of 10 do not show 75 % ... */
  r.share = 0.75;
  assert_int_equal(model_meet_judge(&r, 10, 10), MODEL_MEET_INCONCLUSIVE);
  /* ... with 90 % confidence they do (0.0563 <= 0.10) */
  r.confidence = 0.90;
  assert_int_equal(model_meet_judge(&r, 10, 10), MODEL_MEET_MEETS);
  /* 0 of 10: P(B <= 0) = 0.74^10 = 0.0492 < 0.05 at share 0.26: misses */
  r = (model_meet_rule){0.26, 0.95};
  assert_int_equal(model_meet_judge(&r, 10, 0), MODEL_MEET_MISSES);
  r.share = 0.25;   /* 0.75^10 = 0.0563: not shown */
  assert_int_equal(model_meet_judge(&r, 10, 0), MODEL_MEET_INCONCLUSIVE);
  assert_int_equal(model_meet_judge(&r, 0, 0), MODEL_MEET_NO_DATA);
  /* the bounds: lower(10, 10) = 0.05^(1/10), upper(10, 0) = 1 - 0.05^(1/10) */
  assert_double_equal(model_meet_lower(10, 10, 0.95), pow(0.05, 0.1), 1e-9);
  assert_double_equal(model_meet_upper(10, 0, 0.95), 1 - pow(0.05, 0.1), 1e-9);
  assert_double_equal(model_meet_lower(10, 0, 0.95), 0, 0);
  assert_double_equal(model_meet_upper(10, 10, 0.95), 1, 0);
  assert_true(isnan(model_meet_lower(0, 0, 0.95)));
}

/* P(Bin(n, p) = i) summed in long double from lgamma: independent of GSL. */
static long double tail_ge(unsigned n, unsigned k, double p) {
  long double s = 0;
  for (unsigned i = k; i <= n; i++)
    s += expl(lgammal(n + 1.0L) - lgammal(i + 1.0L) - lgammal(n - i + 1.0L) + i * logl(p) +
              (n - i) * log1pl(-p));
  return s;
}

/* Every count of n trials against the definition (tails summed here), and
** against the bounds: meets <=> lower >= share, misses <=> upper < share. */
static void test_every_count(void **state) {
  (void)state;
  const unsigned ns[] = {1, 7, 40, 200, 1000};
  const double shares[] = {0.5, 0.9, 0.95, 0.99};
  for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
    for (size_t b = 0; b < sizeof shares / sizeof *shares; b++) {
      model_meet_rule r = {shares[b], 0.95};
      unsigned n = ns[a];
      for (unsigned k = 0; k <= n; k++) {
        long double ge = tail_ge(n, k, r.share);                    /* P(B >= k) */
        long double le = 1 - (k + 1 <= n ? tail_ge(n, k + 1, r.share) : 0);  /* P(B <= k) */
        model_meet_verdict want = ge <= 0.05L ? MODEL_MEET_MEETS
                                : le < 0.05L ? MODEL_MEET_MISSES : MODEL_MEET_INCONCLUSIVE;
        /* skip counts within rounding of the 5 % line */
        if (fabsl(ge - 0.05L) < 1e-9L || fabsl(le - 0.05L) < 1e-9L) continue;
        model_meet_verdict got = model_meet_judge(&r, n, k);
        if (got != want) fail_msg("n %u k %u share %g: got %s, want %s", n, k, r.share,
                                  model_meet_verdict_name(got), model_meet_verdict_name(want));
        double lo = model_meet_lower(n, k, 0.95), hi = model_meet_upper(n, k, 0.95);
        assert_int_equal(got == MODEL_MEET_MEETS, lo >= r.share);
        assert_int_equal(got == MODEL_MEET_MISSES, hi < r.share);
      }
    }
}

/* `size` decides on the share-quantile's one-sided upper bound, the order
** statistic X(u): it is within the objective iff at least u values are, so
** "meets" there is k >= u, which must be this rule's MEETS. */
static void test_same_as_quantile_bound(void **state) {
  (void)state;
  const unsigned ns[] = {30, 300, 3000, 10000};
  const double shares[] = {0.9, 0.95, 0.99};
  for (size_t a = 0; a < 4; a++)
    for (size_t b = 0; b < 3; b++) {
      uint64_t l, u;
      report_stats_quantile_ranks(ns[a], shares[b], 2 * 0.95 - 1, &l, &u);
      model_meet_rule r = {shares[b], 0.95};
      for (uint64_t k = 0; k <= ns[a]; k++)
        assert_int_equal(k >= u, model_meet_judge(&r, ns[a], k) == MODEL_MEET_MEETS);
    }
}

/* The point estimate is at least the share, the bound is not: the rule
** says inconclusive, not meets (the old point-estimate rule said meets). */
static void test_estimate_is_not_enough(void **state) {
  (void)state;
  model_meet_rule r = model_meet_default();
  /* 955 of 1000 = 95.5 %: lower bound 94.2 % */
  assert_true(955.0 / 1000 >= r.share);
  assert_true(model_meet_lower(1000, 955, 0.95) < r.share);
  assert_int_equal(model_meet_judge(&r, 1000, 955), MODEL_MEET_INCONCLUSIVE);
  /* 950 of 1000, exactly the share: inconclusive either way */
  assert_int_equal(model_meet_judge(&r, 1000, 950), MODEL_MEET_INCONCLUSIVE);
  /* 9600 of 10000 shows it (lower bound 95.7 %) */
  assert_int_equal(model_meet_judge(&r, 10000, 9600), MODEL_MEET_MEETS);
  /* 9400 of 10000 shows the miss (upper bound 94.4 %) */
  assert_int_equal(model_meet_judge(&r, 10000, 9400), MODEL_MEET_MISSES);
  char b[400];
  model_meet_describe(&r, b, sizeof b);
  assert_non_null(strstr(b, "one-sided 95 % lower confidence bound"));
  assert_non_null(strstr(b, "at least 95 %"));
  assert_string_equal(model_meet_verdict_name(MODEL_MEET_INCONCLUSIVE), "inconclusive");
}

static const char *base =
  "version: 1\nname: m\nobjectives:\n  app: {rto: 1h}\n"
  "regions:\n  - {name: a, role: primary}\n  - {name: b, role: standby}\n"
  "components:\n  - {name: db, region: a, environment: app, failover: {by: s}}\n"
  "disaster: {type: region-outage}\n"
  "workflows:\n  - environment: app\n    steps:\n"
  "      - {name: s, duration: {dist: constant, value: 10m}}\n";

static model_scenario *load(const char *extra, const char *const *ov, size_t n_ov,
                            model_diag *d) {
  char text[4096];
  snprintf(text, sizeof text, "%s%s", base, extra);
  model_scenario *sc = NULL;
  if (model_scenario_load_string(text, strlen(text), "m.yaml", ov, n_ov, &sc, d) != 0) return NULL;
  return sc;
}

static void test_scenario_key(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_scenario *sc = load("", NULL, 0, d);
  if (!sc) { model_diag_print(d, stderr); fail(); }
  assert_double_equal(sc->meet.share, 0.95, 0);
  assert_double_equal(sc->meet.confidence, 0.95, 0);
  model_scenario_free(sc);
  sc = load("meet: {share: 99%, confidence: 0.9}\n", NULL, 0, d);
  assert_non_null(sc);
  assert_double_equal(sc->meet.share, 0.99, 1e-12);
  assert_double_equal(sc->meet.confidence, 0.9, 0);
  model_scenario_free(sc);
  const char *ov[] = {"meet.share=0.8"};
  sc = load("", ov, 1, d);
  assert_non_null(sc);
  assert_double_equal(sc->meet.share, 0.8, 0);
  model_scenario_free(sc);
  /* errors, with their place */
  const char *bad[] = {"meet: {share: 1}\n", "meet: {confidence: 0.4}\n", "meet: {quantile: 0.9}\n",
                       "meet: 0.95\n"};
  const char *want[] = {"m.yaml:15:15: error: 'share' must be above 0 and below 1",
                        "m.yaml:15:20: error: 'confidence' must be above 0.5",
                        "unknown key 'quantile'", "'meet' must be a map"};
  for (size_t i = 0; i < 4; i++) {
    model_diag_free(d);
    d = model_diag_new();
    assert_null(load(bad[i], NULL, 0, d));
    char *msg = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&msg, &len);
    model_diag_print(d, f);
    fclose(f);
    if (!strstr(msg, want[i])) fail_msg("%s: got %s", bad[i], msg);
    free(msg);
  }
  model_diag_free(d);
}

/* A stored run's rule: its text, then its overrides. */
static void test_rule_read(void **state) {
  (void)state;
  char text[4096];
  model_meet_rule r;
  snprintf(text, sizeof text, "%s", base);
  assert_int_equal(model_meet_rule_read(text, strlen(text), NULL, 0, &r), 0);
  assert_double_equal(r.share, 0.95, 0);
  snprintf(text, sizeof text, "%smeet: {share: 0.9}\n", base);
  assert_int_equal(model_meet_rule_read(text, strlen(text), NULL, 0, &r), 0);
  assert_double_equal(r.share, 0.9, 0);
  assert_double_equal(r.confidence, 0.95, 0);
  const char *ov[] = {"meet.confidence=99%", "meet.share=0.8"};
  assert_int_equal(model_meet_rule_read(text, strlen(text), ov, 2, &r), 0);
  assert_double_equal(r.share, 0.8, 0);
  assert_double_equal(r.confidence, 0.99, 1e-12);
  /* not valid: the defaults, -1 */
  const char *bad[] = {"meet.share=2"};
  assert_int_equal(model_meet_rule_read(text, strlen(text), bad, 1, &r), -1);
  assert_double_equal(r.share, 0.95, 0);
  assert_int_equal(model_meet_rule_read("a: [", 4, NULL, 0, &r), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hand_checked),
    cmocka_unit_test(test_every_count),
    cmocka_unit_test(test_same_as_quantile_bound),
    cmocka_unit_test(test_estimate_is_not_enough),
    cmocka_unit_test(test_scenario_key),
    cmocka_unit_test(test_rule_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
