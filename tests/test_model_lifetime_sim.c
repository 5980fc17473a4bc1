/*
** tests/test_model_lifetime_sim.c — models/lifetime_sim.c against closed
** forms and exact timelines:
**   - no failures and no disaster: availability exactly 1, downtime exactly 0;
**   - one component, exponential failure and repair: mean availability and
**     failure count against the two-state Markov process started up;
**   - two in series (and through depends_on): the product of the two;
**   - two in parallel (redundancy_group): 1 - (1 - A)^2, and such a group in
**     series with a single component: A_group x A_single; a group with a
**     member that never fails is never down; group downtime is split
**     equally between its members;
**   - redundancy the scenario language can express: a zone outage takes the
**     zonal components of that zone down at once (common cause, identical
**     downtime) while zone-redundant ones and other zones stay up; the
**     zonal availability is again a two-state Markov process;
**   - Poisson disaster arrivals: count per horizon with mean and variance
**     rate x horizon;
**   - incidents, deterministic timelines: RTO/RPO from disaster mode, failover
**     then failback, the primary's return first, no failback (the standby
**     runs to the horizon and primary-region failures stop counting);
**   - conditions: no disaster / given a disaster (E[N | N >= 1]), common
**     random numbers across them, the stratified estimate against plain
**     sampling; the primary's return replayed from disaster mode's draw;
**   - bookkeeping on the reference scenario: downtime by cause sums to the
**     downtime, component shares sum to the component downtime (per
**     environment too), itemised incidents agree with the worst, records
**     reproducible and independent of trial order and of the trace.
** Statistical tolerances are 5 standard errors of the mean, the SE taken
** from the sample's own standard deviation (the per-trial availability's
** variance depends on the horizon; the sample estimates it directly).
** Under valgrind (DRSIM_UNDER_VALGRIND=1) sample sizes shrink and the
** tolerances, computed from n, widen accordingly.
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
#include <gsl/gsl_statistics_double.h>

#include "models/lifetime_sim.h"
#include "models/outcome.h"
#include "models/scenario.h"
#include "models/units.h"

#define H_ MODEL_UNITS_HOUR
#define D_ MODEL_UNITS_DAY
#define Y_ MODEL_UNITS_YEAR

static int under_valgrind(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && *v && strcmp(v, "0") != 0;
}

/* n, or n / 10 under valgrind (at least 20). */
static size_t trials(size_t n) {
  if (!under_valgrind()) return n;
  return n / 10 > 20 ? n / 10 : 20;
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

/* All records of n trials, back to back. */
typedef struct run {
  model_scenario *sc;
  size_t n, size;
  unsigned char *rec;
} run;

static run run_trials(const char *yaml, uint64_t seed, size_t n) {
  run r;
  r.sc = load(yaml);
  r.n = n;
  r.size = model_outcome_size(r.sc);
  r.rec = malloc(n * r.size);
  assert_non_null(r.rec);
  model_lifetime_sim *s = model_lifetime_sim_new(r.sc);
  assert_non_null(s);
  for (size_t t = 0; t < n; t++)
    assert_int_equal(model_lifetime_sim_trial(s, seed, t, r.rec + t * r.size, NULL, NULL), 0);
  model_lifetime_sim_free(s);
  return r;
}

static void run_free(run *r) {
  free(r->rec);
  model_scenario_free(r->sc);
}

static model_trial_view view(const run *r, size_t t) {
  return model_outcome_view(r->sc, r->rec + t * r->size);
}

/* Environment `e`'s field over the trials. */
typedef double (*field_fn)(const model_trial_view *v, size_t i);
static double f_avail(const model_trial_view *v, size_t e) { return v->env[e].availability; }
static double f_disasters(const model_trial_view *v, size_t e) { return v->env[e].disasters; }
static double f_failures(const model_trial_view *v, size_t c) { return v->components[c].failures; }

static double *column(const run *r, size_t i, field_fn f) {
  double *x = malloc(r->n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < r->n; t++) {
    model_trial_view v = view(r, t);
    x[t] = f(&v, i);
  }
  return x;
}

/* Mean of the column within k standard errors (sample SD / sqrt n) of want. */
static void check_mean(const char *what, const double *x, size_t n, double want, double k) {
  double m = gsl_stats_mean(x, 1, n), se = gsl_stats_sd(x, 1, n) / sqrt((double)n);
  printf("  %s: mean %.7g, want %.7g, SE %.3g (%.2f SE)\n", what, m, want, se,
         se > 0 ? (m - want) / se : 0.0);
  assert_true(se > 0);
  assert_true(fabs(m - want) <= k * se);
}

static int near(double a, double b, double tol) { return fabs(a - b) <= tol; }

/* Two-state Markov process (failure rate lam, repair rate mu) started up:
** P(up at t) = a + b e^{-ct} with c = lam + mu, a = mu/c, b = lam/c; the mean
** fraction of [0, H] up is a + b g(c), g(c) = (1 - e^{-cH}) / (cH). */
static double g_(double c, double H) { return -expm1(-c * H) / (c * H); }
static double markov_avail(double lam, double mu, double H) {
  double c = lam + mu;
  return mu / c + lam / c * g_(c, H);
}

/* --------------------------------------------------------------- tests */

static const char *const NO_FAILURES =
    "version: 1\nname: calm\nmode: lifetime\nhorizon: 5y\n"
    "objectives: {app: {availability: 99.9%}, other: {rto: 1h}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: a, environment: app, region: east}\n"
    "  - {name: b, region: east, zone: 2}\n"
    "  - {name: c, environment: other, region: west, depends_on: [a]}\n";

static void test_no_failures_no_disaster(void **state) {
  (void)state;
  run r = run_trials(NO_FAILURES, 42, 20);
  for (size_t t = 0; t < r.n; t++) {
    model_trial_view v = view(&r, t);
    for (size_t e = 0; e < r.sc->n_environments; e++) {
      assert_true(v.env[e].availability == 1.0);
      assert_true(v.env[e].downtime_s == 0.0);
      assert_int_equal(v.env[e].incidents, 0);
      assert_int_equal(v.env[e].disasters, 0);
      assert_int_equal(v.env[e].disaster_incidents, 0);
      assert_true(v.env[e].rto_s == 0.0);
      assert_true(v.env[e].rpo_s == 0.0);
      assert_int_equal(v.env[e].recovered, 1);
      assert_true(v.env[e].longest_outage_s == 0.0);
    }
    for (size_t c = 0; c < r.sc->n_components; c++) {
      assert_int_equal(v.components[c].failures, 0);
      assert_true(v.components[c].down_s == 0.0);
      assert_true(isnan(v.components[c].rpo_s)); /* no incident */
    }
  }
  run_free(&r);
}

static const char *const ONE =
    "version: 1\nname: one\nmode: lifetime\nhorizon: 10y\n"
    "objectives: {app: {availability: 99.9%}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - name: service\n    environment: app\n    region: east\n"
    "    failure: {dist: exponential, mean: 720h}\n"
    "    repair: {dist: exponential, mean: 2h}\n";

static void test_one_component_exponential(void **state) {
  (void)state;
  size_t n = trials(2000);
  run r = run_trials(ONE, 7, n);
  double H = 10 * Y_, lam = 1 / (720 * H_), mu = 1 / (2 * H_);
  double A = markov_avail(lam, mu, H);
  /* The textbook MTBF / (MTBF + MTTR) = 0.99723; the start "as new" lifts
  ** the 10-year mean by only ~6e-8. */
  assert_true(fabs(A - 720.0 / 722.0) < 1e-7);
  double *a = column(&r, 0, f_avail);
  check_mean("availability", a, n, A, 5);
  /* Failures happen at rate lam while up: E = lam * H * A. */
  double *f = column(&r, 0, f_failures);
  check_mean("failures", f, n, lam * H * A, 5);
  /* One component, one environment: the record's views agree exactly. */
  for (size_t t = 0; t < n; t++) {
    model_trial_view v = view(&r, t);
    const model_env_outcome *eo = &v.env[0];
    const model_component_outcome *co = &v.components[0];
    assert_true(near(co->down_s, eo->downtime_s, 1e-6));
    assert_true(near(co->downtime_caused_s, eo->downtime_s, 1e-6));
    assert_true(near(eo->downtime_component_s, eo->downtime_s, 1e-6));
    assert_true(near(eo->availability, 1 - eo->downtime_s / H, 1e-15));
    assert_int_equal(eo->incidents, co->failures);
    assert_int_equal(eo->component_incidents, co->failures);
    assert_int_equal(co->incidents_caused, co->failures);
    assert_true(eo->longest_outage_s <= eo->downtime_s);
    assert_true(eo->rto_s == 0.0);
  }
  free(a);
  free(f);
  run_free(&r);
}

/* Two components an environment needs (its own, then a shared one it needs
** too), and a second environment that needs only a component depending on
** the first: series through the environment and through depends_on. */
static const char *const SERIES =
    "version: 1\nname: series\nmode: lifetime\nhorizon: 5y\n"
    "objectives: {app: {availability: 99%}, other: {availability: 99%}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: x, environment: app, region: east,\n"
    "     failure: {dist: exponential, mean: 100h}, repair: {dist: exponential, mean: 5h}}\n"
    "  - {name: y, environment: app, region: east,\n"
    "     failure: {dist: exponential, mean: 50h}, repair: {dist: exponential, mean: 2h}}\n"
    "  - {name: z, environment: other, region: east, depends_on: [y],\n"
    "     failure: {dist: exponential, mean: 200h}, repair: {dist: exponential, mean: 10h}}\n";

static void test_series(void **state) {
  (void)state;
  size_t n = trials(2000);
  run r = run_trials(SERIES, 11, n);
  double H = 5 * Y_;
  double l1 = 1 / (100 * H_), m1 = 1 / (5 * H_), l2 = 1 / (50 * H_), m2 = 1 / (2 * H_);
  double l3 = 1 / (200 * H_), m3 = 1 / (10 * H_);
  /* E[fraction up] of two independent processes started up: the mean over
  ** [0, H] of (a1 + b1 e^{-c1 t})(a2 + b2 e^{-c2 t}). */
#define SERIES_A(la, ma, lb, mb)                                                        \
  ((ma) / ((la) + (ma)) * (mb) / ((lb) + (mb)) +                                       \
   (ma) / ((la) + (ma)) * (lb) / ((lb) + (mb)) * g_((lb) + (mb), H) +                  \
   (mb) / ((lb) + (mb)) * (la) / ((la) + (ma)) * g_((la) + (ma), H) +                  \
   (la) / ((la) + (ma)) * (lb) / ((lb) + (mb)) * g_((la) + (ma) + (lb) + (mb), H))
  double A_app = SERIES_A(l1, m1, l2, m2), A_other = SERIES_A(l3, m3, l2, m2);
#undef SERIES_A
  /* textbook: A1 * A2 */
  assert_true(fabs(A_app - (100.0 / 105.0) * (50.0 / 52.0)) < 1e-4);
  int app = model_scenario_find_environment(r.sc, "app");
  int other = model_scenario_find_environment(r.sc, "other");
  double *a = column(&r, (size_t)app, f_avail);
  check_mean("series availability", a, n, A_app, 5);
  free(a);
  a = column(&r, (size_t)other, f_avail);
  check_mean("depends_on availability", a, n, A_other, 5);
  free(a);
  /* Shares: y's share goes to both environments; everything adds up. */
  for (size_t t = 0; t < n; t++) {
    model_trial_view v = view(&r, t);
    double sum_env = 0, sum_caused = 0;
    for (size_t e = 0; e < 2; e++) {
      assert_true(near(v.env[e].downtime_component_s, v.env[e].downtime_s, 1e-6));
      sum_env += v.env[e].downtime_s;
    }
    for (size_t c = 0; c < 3; c++) sum_caused += v.components[c].downtime_caused_s;
    assert_true(near(sum_caused, sum_env, 1e-6 * (1 + sum_env)));
    /* z's environment is down at least while z or y is: never less than
    ** either's own down time, never more than their sum. */
    const model_component_outcome *y = &v.components[1], *z = &v.components[2];
    double d = v.env[other].downtime_s;
    assert_true(d >= fmax(y->down_s, z->down_s) - 1e-6);
    assert_true(d <= y->down_s + z->down_s + 1e-6);
  }
  run_free(&r);
}

/* Redundancy groups (parallel, 1-of-2), all exponential, independent streams:
**   - par: a and b in group g1 (MTBF 100h, MTTR 10h each);
**   - mix: c and d in group g2 (same figures) in series with s (MTBF 200h,
**     MTTR 5h);
**   - safe: e (fails) and f (never fails) in group g3: never down. */
static const char *const PARALLEL =
    "version: 1\nname: parallel\nmode: lifetime\nhorizon: 5y\n"
    "objectives: {par: {availability: 99%}, mix: {availability: 99%}, safe: {rto: 1h}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: a, environment: par, region: east, redundancy_group: g1,\n"
    "     failure: {dist: exponential, mean: 100h}, repair: {dist: exponential, mean: 10h}}\n"
    "  - {name: b, environment: par, region: west, redundancy_group: g1,\n"
    "     failure: {dist: exponential, mean: 100h}, repair: {dist: exponential, mean: 10h}}\n"
    "  - {name: c, environment: mix, region: east, redundancy_group: g2,\n"
    "     failure: {dist: exponential, mean: 100h}, repair: {dist: exponential, mean: 10h}}\n"
    "  - {name: d, environment: mix, region: east, redundancy_group: g2,\n"
    "     failure: {dist: exponential, mean: 100h}, repair: {dist: exponential, mean: 10h}}\n"
    "  - {name: s, environment: mix, region: east,\n"
    "     failure: {dist: exponential, mean: 200h}, repair: {dist: exponential, mean: 5h}}\n"
    "  - {name: e, environment: safe, region: east, redundancy_group: g3,\n"
    "     failure: {dist: exponential, mean: 10h}, repair: {dist: exponential, mean: 10h}}\n"
    "  - {name: f, environment: safe, region: east, redundancy_group: g3}\n";

static void test_redundancy_group(void **state) {
  (void)state;
  size_t n = trials(2000);
  run r = run_trials(PARALLEL, 13, n);
  double H = 5 * Y_;
  double lg = 1 / (100 * H_), mg = 1 / (10 * H_), ls = 1 / (200 * H_), ms = 1 / (5 * H_);
  /* A member started up is down at t with q(t) = b (1 - e^{-ct}), c = l + m,
  ** b = l / c; the group is down with q(t)^2 (independent members), whose
  ** mean over [0, H] is b^2 (1 - 2 g(c) + g(2c)). In series with s (up with
  ** as + bs e^{-cs t}) the mean of the product expands into g() terms. */
  double cg = lg + mg, bg = lg / cg, cs = ls + ms, as = ms / cs, bs = ls / cs;
  double A_par = 1 - bg * bg * (1 - 2 * g_(cg, H) + g_(2 * cg, H));
  double A_mix = as + bs * g_(cs, H) -
                 bg * bg * (as * (1 - 2 * g_(cg, H) + g_(2 * cg, H)) +
                            bs * (g_(cs, H) - 2 * g_(cg + cs, H) + g_(2 * cg + cs, H)));
  /* textbook: 1 - (1 - A)^2, and A_group x A_s */
  double A1 = 100.0 / 110.0, As = 200.0 / 205.0;
  assert_true(fabs(A_par - (1 - (1 - A1) * (1 - A1))) < 1e-4);
  assert_true(fabs(A_mix - (1 - (1 - A1) * (1 - A1)) * As) < 1e-4);
  int par = model_scenario_find_environment(r.sc, "par");
  int mix = model_scenario_find_environment(r.sc, "mix");
  int safe = model_scenario_find_environment(r.sc, "safe");
  double *x = column(&r, (size_t)par, f_avail);
  check_mean("1-of-2 availability", x, n, A_par, 5);
  free(x);
  x = column(&r, (size_t)mix, f_avail);
  check_mean("1-of-2 in series with one", x, n, A_mix, 5);
  free(x);
  for (size_t t = 0; t < r.n; t++) {
    model_trial_view v = view(&r, t);
    const model_component_outcome *co = v.components;
    double sum_env = 0, sum_caused = 0;
    for (size_t e = 0; e < 3; e++) {
      assert_true(near(v.env[e].downtime_component_s, v.env[e].downtime_s,
                       1e-6 * (1 + v.env[e].downtime_s)));
      sum_env += v.env[e].downtime_s;
    }
    for (size_t c = 0; c < r.sc->n_components; c++) sum_caused += co[c].downtime_caused_s;
    assert_true(near(sum_caused, sum_env, 1e-6 * (1 + sum_env)));
    /* par is down only while both are: never longer than either alone; both
    ** are down throughout, so they share it equally */
    double dp = v.env[par].downtime_s;
    assert_true(dp <= fmin(co[0].down_s, co[1].down_s) + 1e-6);
    assert_true(near(co[0].downtime_caused_s, dp / 2, 1e-6 * (1 + dp)));
    assert_true(near(co[1].downtime_caused_s, dp / 2, 1e-6 * (1 + dp)));
    assert_int_equal(v.env[par].incidents,
                     v.components[0].incidents_caused + v.components[1].incidents_caused);
    /* a member that never fails keeps its group up */
    assert_true(co[5].failures > 0);
    assert_true(v.env[safe].downtime_s == 0.0);
    assert_int_equal(v.env[safe].incidents, 0);
    assert_true(co[5].downtime_caused_s == 0.0);
  }
  run_free(&r);
}

/* Zone outage (common cause): zonal components in zone 1 go down together
** for the outage; a failover that never comes in time (after: 100y) makes
** disaster mode's RTO the outage's duration. Outages arrive at 1/30d and
** last exponential(1d); arrivals during an outage are merged into it, so
** the zonal environments follow a two-state Markov process. */
static const char *const ZONES =
    "version: 1\nname: zones\nmode: lifetime\nhorizon: 10y\n"
    "objectives: {z1: {availability: 99%}, z1b: {availability: 99%}, red: {availability: 99%}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: a, environment: z1, region: east, zone: 1, failover: {after: 100y}}\n"
    "  - {name: b, environment: z1b, region: east, zone: 1, failover: {after: 100y}}\n"
    "  - {name: c, environment: red, region: east}\n"
    "  - {name: d, environment: red, region: east, zone: 2}\n"
    "disaster:\n  type: zone-outage\n  region: east\n  zone: 1\n  rate: 1/30d\n"
    "  duration: {dist: exponential, mean: 1d}\n";

static void test_zone_common_cause(void **state) {
  (void)state;
  size_t n = trials(1000);
  run r = run_trials(ZONES, 5, n);
  double H = 10 * Y_;
  double A = markov_avail(1 / (30 * D_), 1 / D_, H);
  int z1 = model_scenario_find_environment(r.sc, "z1");
  int z1b = model_scenario_find_environment(r.sc, "z1b");
  int red = model_scenario_find_environment(r.sc, "red");
  double *a = column(&r, (size_t)z1, f_avail);
  check_mean("zonal availability", a, n, A, 5);
  free(a);
  for (size_t t = 0; t < n; t++) {
    model_trial_view v = view(&r, t);
    assert_true(v.env[z1].downtime_s == v.env[z1b].downtime_s);
    assert_int_equal(v.env[z1].incidents, v.env[z1b].incidents);
    assert_int_equal(v.env[z1].incidents, v.env[z1].disaster_incidents);
    assert_true(v.env[z1].disasters >= v.env[z1].disaster_incidents);
    assert_true(near(v.env[z1].downtime_disaster_s, v.env[z1].downtime_s, 1e-6));
    assert_true(v.env[red].availability == 1.0);
    assert_int_equal(v.env[red].disasters, 0);
    if (v.env[z1].disaster_incidents) assert_true(v.env[z1].rto_s > 0);
  }
  run_free(&r);
}

/* Disaster arrivals are Poisson: count per horizon has mean and variance
** rate x horizon = 10. */
static const char *const POISSON =
    "version: 1\nname: poisson\nmode: lifetime\nhorizon: 10y\n"
    "objectives: {app: {availability: 99%}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components: [{name: a, environment: app, region: east}]\n"
    "disaster: {type: region-outage, region: east, rate: 1/1y, duration: 1h}\n";

static void test_poisson_arrivals(void **state) {
  (void)state;
  size_t n = trials(4000);
  run r = run_trials(POISSON, 3, n);
  double m = 10.0;
  double *x = column(&r, 0, f_disasters);
  double mean = gsl_stats_mean(x, 1, n), var = gsl_stats_variance(x, 1, n);
  /* SE of the mean sqrt(m / n); of the sample variance
  ** sqrt((mu4 - sigma^4 (n-3)/(n-1)) / n) with Poisson mu4 = m (1 + 3m). */
  double se_mean = sqrt(m / (double)n);
  double se_var = sqrt((m * (1 + 3 * m) - m * m * ((double)n - 3) / ((double)n - 1)) / (double)n);
  printf("  disasters per 10 y: mean %.4f (SE %.3f), variance %.4f (SE %.3f), want 10\n", mean,
         se_mean, var, se_var);
  assert_true(fabs(mean - m) <= 5 * se_mean);
  assert_true(fabs(var - m) <= 5 * se_var);
  free(x);
  run_free(&r);
}

/* Region outage every year on average, primary back after 10 h; the
** workflow restores service in 2 h; failback takes 1 h. Each incident: down
** [T, T + 2h) and [T + 10h, T + 11h); RPO the async lag (30 s). */
static const char *const FAILBACK =
    "version: 1\nname: failback\nmode: lifetime\nhorizon: 20y\n"
    "objectives: {app: {rto: 4h, rpo: 15m, availability: 99.9%}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: db, environment: app, region: east, replication: {mode: async, lag: 30s}}\n"
    "disaster: {type: region-outage, region: east, rate: 1/1y, duration: 10h}\n"
    "lifetime: {failback: true, failback_duration: 1h}\n"
    "workflows:\n  - environment: app\n    steps:\n      - {name: restore, duration: 2h}\n";

static void test_failover_and_failback(void **state) {
  (void)state;
  size_t n = trials(300), exact = 0, with = 0, over = 0;
  run r = run_trials(FAILBACK, 9, n);
  const double tol = 1e-6;
  for (size_t t = 0; t < n; t++) {
    model_trial_view v = view(&r, t);
    const model_env_outcome *eo = &v.env[0];
    int k = eo->disaster_incidents;
    assert_true(eo->disasters >= k);
    assert_true(near(eo->downtime_disaster_s + eo->downtime_failback_s, eo->downtime_s, tol));
    assert_true(eo->downtime_component_s == 0.0);
    if (k == 0) {
      assert_true(eo->downtime_s == 0.0 && eo->rto_s == 0.0 && eo->rpo_s == 0.0);
      continue;
    }
    with++;
    assert_true(eo->rto_s == 2 * H_);
    assert_true(eo->rpo_s == 30.0);
    assert_int_equal(eo->recovered, 1);
    /* Only the last incident can be cut by the horizon. */
    assert_true(eo->downtime_disaster_s <= 2 * H_ * k + tol);
    assert_true(eo->downtime_disaster_s >= 2 * H_ * (k - 1) - tol);
    assert_true(eo->downtime_failback_s <= 1 * H_ * k + tol);
    assert_true(eo->downtime_failback_s >= 1 * H_ * (k - 1) - tol);
    if (near(eo->downtime_s, 3 * H_ * k, tol)) {
      exact++;
      assert_int_equal(eo->incidents, 2 * k);
      assert_true(near(eo->longest_outage_s, 2 * H_, tol));
      assert_true(near(eo->availability, 1 - 3 * H_ * k / (20 * Y_), 1e-12));
    }
    /* the first incident's disaster-mode details are in the record */
    assert_true(v.steps[0].end_s == 2 * H_);
    assert_true(v.components[0].rpo_s == 30.0);
    /* The first MODEL_OUTCOME_MAX_INCIDENTS are itemised in arrival order
    ** (about 20 arrive in 20 y, so the rest are only counted); each one's
    ** RTO, RPO and failback are the scenario's constants. */
    assert_non_null(v.incidents);
    for (int i = 0; i < MODEL_OUTCOME_MAX_INCIDENTS; i++) {
      const model_incident_outcome *io = &v.incidents[i];
      if (i >= k) {
        assert_true(isnan(io->start_s) && isnan(io->rto_s) && isnan(io->failback_s));
        continue;
      }
      assert_true(io->start_s >= 0 && io->start_s < 20 * Y_);
      if (i > 0) assert_true(io->start_s >= v.incidents[i - 1].start_s + 11 * H_);
      assert_true(io->rto_s == 2 * H_ && io->rpo_s == 30.0);
      assert_true(io->failback_s == 1 * H_);
      assert_int_equal(io->failed_over, 1);
      assert_int_equal(io->recovered, 1);
    }
    if (k > MODEL_OUTCOME_MAX_INCIDENTS) over++;
  }
  printf("  %zu trials with more incidents than are itemised\n", over);
  assert_true(over > 0);
  /* P(an incident is cut by the horizon) < 11 h / 1 y per trial. */
  printf("  %zu of %zu trials with incidents unclipped\n", exact, with);
  assert_true(with > n / 2);
  assert_true(exact >= with - with / 20);
  run_free(&r);
}

/* lifetime.failback_window "02:00-05:00": every failback starts inside the
** daily window (the trace's time of day), the primary having returned at
** T + 10 h anywhere in the day; the downtime is unchanged (1 h a failback). */
typedef struct fb_acc {
  size_t starts, outside, waits;
} fb_acc;

static void fb_cb(void *ctx, double t, const char *text) {
  fb_acc *a = ctx;
  if (strstr(text, "failback waits for its window")) a->waits++;
  if (!strstr(text, "failing back (takes")) return;
  a->starts++;
  double tod = fmod(t, 86400.0);
  if (tod < 2 * H_ - 1e-6 || tod >= 5 * H_) a->outside++;
}

static void test_failback_window(void **state) {
  (void)state;
  char yaml[2048];
  snprintf(yaml, sizeof yaml, "%s", FAILBACK);
  char *p = strstr(yaml, "failback_duration: 1h}");
  assert_non_null(p);
  snprintf(p, sizeof yaml - (size_t)(p - yaml),
           "failback_duration: 1h, failback_window: \"02:00-05:00\"}\n"
           "workflows:\n  - environment: app\n    steps:\n      - {name: restore, duration: 2h}\n");
  model_scenario *sc = load(yaml);
  assert_true(sc->lifetime.has_failback_window);
  model_lifetime_sim *s = model_lifetime_sim_new(sc);
  assert_non_null(s);
  size_t size = model_outcome_size(sc), n = trials(200);
  unsigned char *rec = malloc(size);
  assert_non_null(rec);
  fb_acc a = {0};
  for (size_t t = 0; t < n; t++) {
    assert_int_equal(model_lifetime_sim_trial(s, 5, t, rec, fb_cb, &a), 0);
    model_trial_view v = model_outcome_view(sc, rec);
    const model_env_outcome *eo = &v.env[0];
    assert_true(eo->downtime_failback_s <= 1 * H_ * eo->disaster_incidents + 1e-6);
  }
  printf("  %zu failbacks, %zu waited for the window\n", a.starts, a.waits);
  assert_true(a.starts > 100);
  assert_true(a.waits > a.starts / 2);      /* the window is 3 h of 24 */
  assert_int_equal(a.outside, 0);
  free(rec);
  model_lifetime_sim_free(s);
  model_scenario_free(sc);
}

/* The primary returns (5 h) before the workflow (20 h) completes: RTO = 5 h,
** RPO 0 (no data lost), no failback. */
static const char *const PRIMARY_FIRST =
    "version: 1\nname: primary-first\nmode: lifetime\nhorizon: 20y\n"
    "objectives: {app: {rto: 4h}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: db, environment: app, region: east, replication: {mode: async, lag: 30s}}\n"
    "disaster: {type: region-outage, region: east, rate: 1/1y, duration: 5h}\n"
    "lifetime: {failback: true, failback_duration: 1h}\n"
    "workflows:\n  - environment: app\n    steps:\n      - {name: restore, duration: 20h}\n";

static void test_primary_returns_first(void **state) {
  (void)state;
  size_t n = trials(200), exact = 0, with = 0;
  run r = run_trials(PRIMARY_FIRST, 13, n);
  for (size_t t = 0; t < n; t++) {
    model_trial_view v = view(&r, t);
    const model_env_outcome *eo = &v.env[0];
    int k = eo->disaster_incidents;
    assert_true(eo->downtime_failback_s == 0.0);
    if (!k) continue;
    with++;
    assert_true(eo->rto_s == 5 * H_);
    assert_true(eo->rpo_s == 0.0);
    assert_true(eo->downtime_s <= 5 * H_ * k + 1e-6);
    if (near(eo->downtime_s, 5 * H_ * k, 1e-6)) {
      exact++;
      assert_int_equal(eo->incidents, k);
    }
  }
  assert_true(with > n / 2);
  assert_true(exact >= with - with / 20);
  run_free(&r);
}

/* No failback, the primary never returns: after the first outage (arrivals
** at 1/h, so within the first hours) production stays in the standby region
** to the horizon. db (in the primary region) keeps failing on its own but no
** longer counts; edge (standby region) fails every 100 h for 1 h and counts:
** 86 full repairs fit in a year (down [100 + 101 m, 101 + 101 m) h). */
static const char *const NO_FAILBACK =
    "version: 1\nname: no-failback\nmode: lifetime\nhorizon: 1y\n"
    "objectives: {app: {rto: 4h}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: db, environment: app, region: east, replication: {mode: async, lag: 30s},\n"
    "     failure: 100h, repair: 1h}\n"
    "  - {name: edge, environment: app, region: west, failure: 100h, repair: 1h}\n"
    "disaster: {type: region-outage, region: east, rate: 1/1h}\n"
    "workflows:\n  - environment: app\n    steps:\n      - {name: restore, duration: 2h}\n";

static void test_no_failback_standby_to_horizon(void **state) {
  (void)state;
  size_t n = trials(50);
  run r = run_trials(NO_FAILBACK, 17, n);
  int db = model_scenario_find_component(r.sc, "db");
  int edge = model_scenario_find_component(r.sc, "edge");
  const double tol = 1e-6;
  for (size_t t = 0; t < n; t++) {
    model_trial_view v = view(&r, t);
    const model_env_outcome *eo = &v.env[0];
    assert_int_equal(eo->disaster_incidents, 1);
    assert_true(eo->disasters > 8000); /* Poisson(8760): 8000 is 8 SD away */
    assert_true(near(eo->downtime_disaster_s, 2 * H_, tol));
    assert_true(near(eo->downtime_component_s, 86 * H_, tol));
    assert_true(near(eo->downtime_s, 88 * H_, tol));
    assert_true(eo->downtime_failback_s == 0.0);
    assert_int_equal(eo->incidents, 87);
    assert_int_equal(eo->component_incidents, 86);
    assert_true(near(eo->longest_outage_s, 2 * H_, tol));
    assert_true(eo->rto_s == 2 * H_ && eo->rpo_s == 30.0);
    assert_int_equal(v.components[db].failures, 86);
    assert_true(near(v.components[db].down_s, 86 * H_, tol));
    assert_true(v.components[db].downtime_caused_s == 0.0);
    assert_int_equal(v.components[db].incidents_caused, 0);
    assert_true(near(v.components[edge].downtime_caused_s, 86 * H_, tol));
    assert_int_equal(v.components[edge].incidents_caused, 86);
  }
  run_free(&r);
}

/* Ties and shares, exact. p and q fail at the same instants (constant
** draws), down [100 + 101 m, 101 + 101 m) h, m = 0..85; r (failure 100.5 h)
** is down [100.5 + 101.5 m, 101.5 + 101.5 m) h, m = 0..85. r's m = 0 outage
** overlaps p/q's first by 0.5 h; its m = 1 outage starts exactly when p/q's
** second ends (202 h): one episode; the rest are disjoint.
**   downtime: 86 + 86 - 0.5 = 171.5 h; episodes: 86 + 84 = 170;
**   shares: [100, 100.5) p, q: 1/2 each; [100.5, 101) p, q, r: 1/3 each;
**   [101, 101.5) r alone; p's other 85 outages shared with q.
**   p = q = 85/2 + 1/4 + 1/6 h; r = 1/6 + 1/2 + 85 h (sum 171.5 h).
** Episodes begin with p (first in scenario order at the ties) or r. */
static const char *const TIES =
    "version: 1\nname: ties\nmode: lifetime\nhorizon: 1y\n"
    "objectives: {app: {availability: 99%}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: p, environment: app, region: east, failure: 100h, repair: 1h}\n"
    "  - {name: q, environment: app, region: east, failure: 100h, repair: 1h}\n"
    "  - {name: r, environment: app, region: east, failure: 100h30m, repair: 1h}\n";

static void test_simultaneous_failures_share(void **state) {
  (void)state;
  run r = run_trials(TIES, 1, 3);
  const double tol = 1e-6;
  for (size_t t = 0; t < r.n; t++) {
    model_trial_view v = view(&r, t);
    const model_env_outcome *eo = &v.env[0];
    assert_true(near(eo->downtime_s, 171.5 * H_, tol));
    assert_int_equal(eo->incidents, 170);
    assert_int_equal(eo->component_incidents, 170);
    assert_true(near(eo->longest_outage_s, 2 * H_, tol));
    assert_true(near(v.components[0].downtime_caused_s, (42.5 + 0.25 + 1 / 6.0) * H_, tol));
    assert_true(near(v.components[1].downtime_caused_s, (42.5 + 0.25 + 1 / 6.0) * H_, tol));
    assert_true(near(v.components[2].downtime_caused_s, (85 + 0.5 + 1 / 6.0) * H_, tol));
    assert_int_equal(v.components[0].incidents_caused, 86);
    assert_int_equal(v.components[1].incidents_caused, 0);
    assert_int_equal(v.components[2].incidents_caused, 84);
    for (int c = 0; c < 3; c++) {
      assert_int_equal(v.components[c].failures, 86);
      assert_true(near(v.components[c].down_s, 86 * H_, tol));
    }
  }
  run_free(&r);
}

/* ---------------------------------------------------- reference scenario */

static model_scenario *load_file(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/scenarios/%s", DRSIM_SOURCE_DIR, name);
  model_scenario *sc = NULL;
  model_diag *diag = model_diag_new();
  assert_non_null(diag);
  if (model_scenario_load_file(path, NULL, 0, &sc, diag) != 0) {
    model_diag_print(diag, stdout);
    fail_msg("%s did not load", path);
  }
  model_diag_free(diag);
  return sc;
}

typedef struct trace_acc {
  double last;
  size_t lines, incident_lines, unordered;
} trace_acc;

static void trace_cb(void *ctx, double t, const char *text) {
  trace_acc *a = ctx;
  if (t < a->last) a->unordered++;
  a->last = t;
  a->lines++;
  if (strncmp(text, "incident ", 9) == 0) a->incident_lines++;
}

/* Ties are broken by scenario order, not by when each transition was
** scheduled: a (failure 2h, repair 1h) and b (failure 1h, repair 2h) are
** both repaired at 3h, b's repair scheduled first (at 1h, a's at 2h), yet a
** goes first (the kernel's FIFO alone would put b first; lifetime gives the
** components ranks); likewise at 6h. */
typedef struct order_acc {
  char first[8][64];
  size_t n;
} order_acc;

static void order_cb(void *ctx, double t, const char *text) {
  order_acc *a = ctx;
  if ((t == 3 * H_ || t == 6 * H_) && a->n < 8) snprintf(a->first[a->n++], 64, "%s", text);
}

static void test_tie_order_is_scenario_order(void **state) {
  (void)state;
  model_scenario *sc = load(
      "version: 1\nname: ties2\nmode: lifetime\nhorizon: 1d\n"
      "objectives: {app: {availability: 99%}}\n"
      "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
      "components:\n"
      "  - {name: a, environment: app, region: east, failure: 2h, repair: 1h}\n"
      "  - {name: b, environment: app, region: east, failure: 1h, repair: 2h}\n");
  void *rec = malloc(model_outcome_size(sc));
  assert_non_null(rec);
  model_lifetime_sim *s = model_lifetime_sim_new(sc);
  assert_non_null(s);
  order_acc acc = {.n = 0};
  assert_int_equal(model_lifetime_sim_trial(s, 1, 0, rec, order_cb, &acc), 0);
  /* a: down [2h, 3h), [5h, 6h); b: down [1h, 3h), [4h, 6h). At 3h and at
  ** 6h both are repaired: a first (the environment's "up" line follows). */
  assert_true(acc.n >= 4);
  assert_string_equal(acc.first[0], "component a repaired");
  assert_string_equal(acc.first[1], "component b repaired");
  size_t k = 2;
  while (k < acc.n && strncmp(acc.first[k], "component ", 10) != 0) k++;
  assert_true(k + 1 < acc.n);
  assert_string_equal(acc.first[k], "component a repaired");
  assert_string_equal(acc.first[k + 1], "component b repaired");
  model_lifetime_sim_free(s);
  model_scenario_free(sc);
  free(rec);
}

static void test_reference_bookkeeping(void **state) {
  (void)state;
  model_scenario *sc = load_file("azure-aks-east-west-lifetime.yaml");
  model_lifetime_sim *s = model_lifetime_sim_new(sc);
  model_lifetime_sim *s2 = model_lifetime_sim_new(sc);
  assert_non_null(s);
  assert_non_null(s2);
  size_t size = model_outcome_size(sc), n = trials(400), n_inc = 0;
  unsigned char *rec = malloc(size), *again = malloc(size);
  assert_non_null(rec);
  assert_non_null(again);
  for (size_t t = 0; t < n; t++) {
    assert_int_equal(model_lifetime_sim_trial(s, 42, t, rec, NULL, NULL), 0);
    model_trial_view v = model_outcome_view(sc, rec);
    double sum_comp = 0, sum_caused = 0;
    for (size_t e = 0; e < sc->n_environments; e++) {
      const model_env_outcome *eo = &v.env[e];
      double parts = eo->downtime_component_s + eo->downtime_disaster_s + eo->downtime_failback_s;
      assert_true(near(parts, eo->downtime_s, 1e-6 * (1 + eo->downtime_s)));
      assert_true(eo->availability >= 0 && eo->availability <= 1);
      assert_true(eo->downtime_s >= 0 && eo->downtime_s <= sc->horizon_s);
      assert_true(eo->longest_outage_s <= eo->downtime_s + 1e-6);
      assert_true(eo->incidents >= eo->component_incidents);
      assert_true(eo->disasters >= eo->disaster_incidents);
      if (!eo->disaster_incidents) assert_true(eo->rto_s == 0.0 && eo->rpo_s == 0.0);
      /* The environment's component downtime split by component. */
      double by_comp = 0;
      for (size_t c = 0; c < sc->n_components; c++) {
        double x = v.env_component_downtime_s[e * sc->n_components + c];
        assert_true(x >= 0);
        if (!sc->components[c].has_failure) assert_true(x == 0.0);
        by_comp += x;
      }
      assert_true(near(by_comp, eo->downtime_component_s, 1e-6 * (1 + by_comp)));
      /* Itemised incidents: the worst of them is the trial's RTO/RPO. */
      double worst_rto = 0, worst_rpo = 0;
      for (int i = 0; i < eo->disaster_incidents && i < MODEL_OUTCOME_MAX_INCIDENTS; i++) {
        const model_incident_outcome *io = &v.incidents[e * MODEL_OUTCOME_MAX_INCIDENTS + (size_t)i];
        assert_true(io->start_s >= 0 && io->start_s < sc->horizon_s);
        if (io->rto_s > worst_rto) worst_rto = io->rto_s;
        if (io->rpo_s > worst_rpo) worst_rpo = io->rpo_s;
      }
      if (eo->disaster_incidents <= MODEL_OUTCOME_MAX_INCIDENTS)
        assert_true(worst_rto == eo->rto_s && worst_rpo == eo->rpo_s);
      sum_comp += eo->downtime_component_s;
      n_inc += eo->disaster_incidents > 0;
    }
    for (size_t c = 0; c < sc->n_components; c++) {
      sum_caused += v.components[c].downtime_caused_s;
      /* ... and over the environments to what the component caused. */
      double over_envs = 0;
      for (size_t e = 0; e < sc->n_environments; e++)
        over_envs += v.env_component_downtime_s[e * sc->n_components + c];
      assert_true(near(over_envs, v.components[c].downtime_caused_s, 1e-6 * (1 + over_envs)));
      assert_true(v.components[c].down_s >= 0 && v.components[c].down_s <= sc->horizon_s);
      if (!sc->components[c].has_failure) assert_int_equal(v.components[c].failures, 0);
    }
    assert_true(near(sum_caused, sum_comp, 1e-6 * (1 + sum_comp)));
  }
  printf("  %zu environment-trials with a disaster incident in %zu trials\n", n_inc, n);
  /* Reproducible and independent of what ran before: trial 5 on a fresh
  ** object, with a trace, equals trial 5 after 400 others. Find a trial with
  ** an incident (rate 1/10y: within the first few hundred) to trace. */
  size_t pick = 5;
  for (size_t t = 0; t < 5000; t++) {
    assert_int_equal(model_lifetime_sim_trial(s, 42, t, rec, NULL, NULL), 0);
    if (model_outcome_view(sc, rec).env[0].disaster_incidents) {
      pick = t;
      break;
    }
  }
  assert_int_equal(model_lifetime_sim_trial(s, 42, pick, rec, NULL, NULL), 0);
  trace_acc acc = {-1, 0, 0, 0};
  assert_int_equal(model_lifetime_sim_trial(s2, 42, pick, again, trace_cb, &acc), 0);
  assert_memory_equal(rec, again, size);
  assert_true(acc.lines > 0);
  assert_int_equal(acc.unordered, 0);
  if (model_outcome_view(sc, rec).env[0].disaster_incidents) assert_true(acc.incident_lines > 0);
  /* another seed gives another year */
  assert_int_equal(model_lifetime_sim_trial(s2, 43, pick, again, NULL, NULL), 0);
  assert_true(memcmp(rec, again, size) != 0);
  free(rec);
  free(again);
  model_lifetime_sim_free(s);
  model_lifetime_sim_free(s2);
  model_scenario_free(sc);
}

/* The teaching scenario's closed form (its header): A = 720/722, one year. */
static void test_teaching_scenario(void **state) {
  (void)state;
  model_scenario *sc = load_file("lifetime-availability.yaml");
  model_lifetime_sim *s = model_lifetime_sim_new(sc);
  assert_non_null(s);
  size_t n = trials(5000), size = model_outcome_size(sc);
  unsigned char *rec = malloc(size);
  double *a = malloc(n * sizeof *a);
  assert_non_null(rec);
  assert_non_null(a);
  for (size_t t = 0; t < n; t++) {
    assert_int_equal(model_lifetime_sim_trial(s, sc->seed, t, rec, NULL, NULL), 0);
    a[t] = model_outcome_view(sc, rec).env[0].availability;
  }
  check_mean("lifetime-availability.yaml", a, n,
             markov_avail(1 / (720 * H_), 1 / (2 * H_), sc->horizon_s), 5);
  free(a);
  free(rec);
  model_lifetime_sim_free(s);
  model_scenario_free(sc);
}

/* Conditions. A disaster about once in 10 years over one year: m = 0.1.
** The component fails rarely and briefly, so the downtime's variance comes
** mostly from the disasters: the case stratification is for (its SE must be
** clearly below plain sampling's). */
static const char *const RARE =
    "version: 1\nname: rare\nmode: lifetime\nhorizon: 1y\n"
    "objectives: {app: {rto: 4h, availability: 99.9%}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components:\n"
    "  - {name: db, environment: app, region: east, replication: {mode: async, lag: 30s},\n"
    "     failure: {dist: exponential, mean: 50000h}, repair: {dist: exponential, mean: 30m}}\n"
    "disaster: {type: region-outage, region: east, rate: 1/10y,\n"
    "           duration: {dist: lognormal, median: 8h, p95: 48h}}\n"
    "lifetime: {failback: true, failback_duration: 1h}\n"
    "workflows:\n  - environment: app\n    steps:\n"
    "      - {name: restore, duration: {dist: exponential, mean: 3h}}\n";

static run run_cond(const char *yaml, uint64_t seed, size_t n, model_lifetime_condition cond) {
  run r;
  r.sc = load(yaml);
  r.n = n;
  r.size = model_outcome_size(r.sc);
  r.rec = malloc(n * r.size);
  assert_non_null(r.rec);
  model_lifetime_sim *s = model_lifetime_sim_new(r.sc);
  assert_non_null(s);
  assert_int_equal(model_lifetime_sim_set_condition(s, cond), 0);
  for (size_t t = 0; t < n; t++)
    assert_int_equal(model_lifetime_sim_trial(s, seed, t, r.rec + t * r.size, NULL, NULL), 0);
  model_lifetime_sim_free(s);
  return r;
}

static double f_down(const model_trial_view *v, size_t e) { return v->env[e].downtime_s; }

static void test_conditions(void **state) {
  (void)state;
  size_t n = trials(4000);
  double m = 0.1;
  /* none and given share a seed (paired trials, common random numbers);
  ** any uses another, so it is independent of the stratified estimate. */
  run any = run_cond(RARE, 21, n, MODEL_LIFETIME_ANY);
  run none = run_cond(RARE, 22, n, MODEL_LIFETIME_NO_DISASTER);
  run given = run_cond(RARE, 22, n, MODEL_LIFETIME_GIVEN_DISASTER);
  run any22 = run_cond(RARE, 22, n, MODEL_LIFETIME_ANY);
  double p0 = model_lifetime_p_no_disaster(any.sc);
  assert_true(fabs(p0 - exp(-m)) < 1e-12);
  /* E[N | N >= 1] = m / (1 - e^{-m}) */
  double *x = column(&given, 0, f_disasters);
  for (size_t t = 0; t < n; t++) assert_true(x[t] >= 1);
  check_mean("disasters given one", x, n, m / -expm1(-m), 5);
  free(x);
  for (size_t t = 0; t < n; t++) {
    model_trial_view a = view(&none, t), b = view(&given, t), c = view(&any22, t);
    assert_int_equal(a.env[0].disasters, 0);
    assert_true(a.env[0].downtime_disaster_s == 0.0);
    /* the component timeline is the same under every condition */
    assert_int_equal(a.components[0].failures, b.components[0].failures);
    assert_true(a.components[0].down_s == c.components[0].down_s);
    /* without a disaster the trial equals an unconditioned trial that had none */
    if (c.env[0].disasters == 0) assert_memory_equal(a.env, c.env, sizeof *a.env);
  }
  /* Stratified mean of the downtime against plain sampling: both estimate
  ** E[downtime]; their difference is within 5 combined standard errors. The
  ** stratified SE accounts for the pairing: Var(p0 X0 + p1 X1) =
  ** (p0^2 V0 + p1^2 V1 + 2 p0 p1 C01) / n with C01 the paired covariance. */
  double *d_any = column(&any, 0, f_down), *d_none = column(&none, 0, f_down),
         *d_given = column(&given, 0, f_down);
  double nn = (double)n;
  double plain = gsl_stats_mean(d_any, 1, n), se_plain = gsl_stats_sd(d_any, 1, n) / sqrt(nn);
  double strat = p0 * gsl_stats_mean(d_none, 1, n) + (1 - p0) * gsl_stats_mean(d_given, 1, n);
  double se_strat = sqrt((p0 * p0 * gsl_stats_variance(d_none, 1, n) +
                          (1 - p0) * (1 - p0) * gsl_stats_variance(d_given, 1, n) +
                          2 * p0 * (1 - p0) * gsl_stats_covariance(d_none, 1, d_given, 1, n)) /
                         nn);
  printf("  downtime: plain %.1f s (SE %.1f), stratified %.1f s (SE %.1f)\n", plain, se_plain,
         strat, se_strat);
  assert_true(fabs(plain - strat) <= 5 * sqrt(se_plain * se_plain + se_strat * se_strat));
  assert_true(se_strat < se_plain);
  free(d_any);
  free(d_none);
  free(d_given);
  run_free(&any);
  run_free(&none);
  run_free(&given);
  run_free(&any22);

  /* no rate: "given a disaster" is refused */
  model_scenario *sc = load(ONE);
  model_lifetime_sim *s = model_lifetime_sim_new(sc);
  assert_non_null(s);
  assert_int_equal(model_lifetime_sim_set_condition(s, MODEL_LIFETIME_GIVEN_DISASTER), -1);
  assert_int_equal(model_lifetime_sim_set_condition(s, MODEL_LIFETIME_NO_DISASTER), 0);
  assert_int_equal(model_lifetime_sim_set_condition(s, (model_lifetime_condition)7), -1);
  assert_true(model_lifetime_p_no_disaster(sc) == 1.0);
  model_lifetime_sim_free(s);
  model_scenario_free(sc);
}

/* The primary's return is disaster mode's own draw, replayed: with a
** workflow that never finishes first, every incident ends with the primary's
** return (rto = D), so nothing ever fails back, whatever D was drawn. A
** mismatch would show as a failback (or a failed trial). */
static const char *const REPLAY =
    "version: 1\nname: replay\nmode: lifetime\nhorizon: 10y\n"
    "objectives: {app: {rto: 4h}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components: [{name: a, environment: app, region: east}]\n"
    "disaster: {type: region-outage, region: east, rate: 1/1y,\n"
    "           duration: {dist: lognormal, median: 8h, p95: 48h}}\n"
    "lifetime: {failback: true, failback_duration: 1h}\n"
    "workflows:\n  - environment: app\n    steps:\n      - {name: slow, duration: 100y}\n";

static void test_primary_return_replayed(void **state) {
  (void)state;
  size_t n = trials(300), with = 0;
  run r = run_trials(REPLAY, 23, n);
  for (size_t t = 0; t < n; t++) {
    model_trial_view v = view(&r, t);
    assert_true(v.env[0].downtime_failback_s == 0.0);
    if (v.env[0].disaster_incidents) {
      with++;
      assert_true(v.env[0].rto_s > 0 && isfinite(v.env[0].rto_s));
      assert_true(v.env[0].rpo_s == 0.0);
    }
  }
  assert_true(with > n / 2);
  run_free(&r);
}

static void test_bad_horizon(void **state) {
  (void)state;
  model_scenario *sc = load(ONE);
  double h = sc->horizon_s;
  sc->horizon_s = 0;
  assert_null(model_lifetime_sim_new(sc));
  sc->horizon_s = INFINITY;
  assert_null(model_lifetime_sim_new(sc));
  sc->horizon_s = h;
  model_lifetime_sim_free(NULL);
  model_scenario_free(sc);
}

/* Lifetime mode runs the disaster-mode recovery per incident, escalation and
** persistent retries included: the restore fails with 0.9 per attempt, one
** retry whose failure persists with 0.5, then a 2 h manual fix. Every
** incident recovers (the primary returns only after 100 h): its RTO is 1 h
** (first attempt), 2 h 10 m (the retry) or 2 h 10 m + 2 h (escalated), the
** last with probability g(2) = 0.9 (0.5 + 0.5 x 0.9) = 0.855. */
static const char *const ESCALATION =
    "version: 1\nname: escalation\nmode: lifetime\nhorizon: 10y\n"
    "objectives: {app: {availability: 99%}}\n"
    "regions: [{name: east, role: primary}, {name: west, role: standby}]\n"
    "components: [{name: a, environment: app, region: east, failover: {by: restore}}]\n"
    "disaster: {type: region-outage, region: east, rate: 1/1y, duration: 100h}\n"
    "workflows:\n"
    "  - environment: app\n"
    "    detection: 0s\n"
    "    steps:\n"
    "      - name: restore\n"
    "        duration: 1h\n"
    "        failure_probability: 0.9\n"
    "        retry: {max: 1, delay: 10m, persistent: 0.5}\n"
    "        escalation: 2h\n";

static void test_escalation_lifetime(void **state) {
  (void)state;
  size_t n = trials(2000), incidents = 0, escalated = 0;
  run r = run_trials(ESCALATION, 11, n);
  for (size_t t = 0; t < n; t++) {
    model_trial_view v = view(&r, t);
    int k = v.env[0].disaster_incidents;
    for (int i = 0; i < k && i < MODEL_OUTCOME_MAX_INCIDENTS; i++) {
      const model_incident_outcome *io = &v.incidents[i];
      assert_int_equal(io->recovered, 1);
      double x = io->rto_s;
      assert_true(x == 1 * H_ || x == 2 * H_ + 600 || x == 4 * H_ + 600);
      incidents++;
      escalated += x == 4 * H_ + 600;
    }
  }
  double p = 0.855, share = (double)escalated / (double)incidents;
  double se = sqrt(p * (1 - p) / (double)incidents);
  printf("  escalated incidents: %.4f, want %.4f, SE %.3g (n = %zu)\n", share, p, se, incidents);
  assert_true(incidents > 0);
  assert_true(fabs(share - p) <= 4 * se);
  run_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_failures_no_disaster),
      cmocka_unit_test(test_one_component_exponential),
      cmocka_unit_test(test_series),
      cmocka_unit_test(test_redundancy_group),
      cmocka_unit_test(test_zone_common_cause),
      cmocka_unit_test(test_poisson_arrivals),
      cmocka_unit_test(test_failover_and_failback),
      cmocka_unit_test(test_failback_window),
      cmocka_unit_test(test_primary_returns_first),
      cmocka_unit_test(test_no_failback_standby_to_horizon),
      cmocka_unit_test(test_simultaneous_failures_share),
    cmocka_unit_test(test_tie_order_is_scenario_order),
      cmocka_unit_test(test_reference_bookkeeping),
      cmocka_unit_test(test_teaching_scenario),
      cmocka_unit_test(test_conditions),
      cmocka_unit_test(test_primary_return_replayed),
      cmocka_unit_test(test_bad_horizon),
      cmocka_unit_test(test_escalation_lifetime),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
