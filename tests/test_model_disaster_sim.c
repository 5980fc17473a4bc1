/*
** tests/test_model_disaster_sim.c — models/disaster_sim.c: one disaster-mode
** trial, checked against closed forms (hypoexponential chains, maxima of
** exponentials, Erlang scale-ups, periodic-backup RPO, geometric retries,
** truncated attempts under timeouts, the primary's return as a competing
** exponential, on-call hours), against exact timelines for deterministic
** scenarios (failover, dependencies, disaster scope, critical path), and for
** determinism (same trial -> same bytes, whatever ran before, trace or not).
**
** Statistical checks: a fixed seed, n trials, and a tolerance of Z = 4
** standard errors computed from the theoretical variance of the quantity
** (for a mean sqrt(var / n), for a share sqrt(p (1 - p) / n)). Under
** valgrind (DRSIM_UNDER_VALGRIND=1) n is smaller and the tolerance follows.
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

#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_statistics_double.h>

#include "models/diag.h"
#include "models/disaster_sim.h"
#include "models/outcome.h"
#include "models/scenario.h"
#include "models/units.h"

#define Z 4.0
#define SEED 20240611u
#define MIN 60.0
#define HOUR 3600.0

/* Two regions and one production component in the primary, so production
** is affected by a region outage of eastus. */
#define HDR                                                                    \
  "version: 1\n"                                                               \
  "name: t\n"                                                                  \
  "objectives:\n"                                                              \
  "  production: {rto: 4h, rpo: 15m}\n"                                        \
  "regions:\n"                                                                 \
  "  - {name: eastus, role: primary}\n"                                        \
  "  - {name: westus2, role: standby}\n"

#define ONE_COMPONENT                                                          \
  "components:\n"                                                              \
  "  - {name: app, environment: production, region: eastus}\n"

#define REGION_OUTAGE "disaster: {type: region-outage, region: eastus}\n"

static size_t n_trials(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && strcmp(v, "1") == 0 ? 10000 : 40000;
}

/* ------------------------------------------------------------- fixtures */

typedef struct fx {
  model_scenario *sc;
  model_disaster_sim *sim;
  void *rec;
  size_t size;
  model_trial_view v;
} fx;

static fx *fx_load(const char *yaml) {
  model_diag *diag = model_diag_new();
  fx *f = calloc(1, sizeof *f);
  assert_non_null(diag);
  assert_non_null(f);
  if (model_scenario_load_string(yaml, strlen(yaml), "test.yaml", NULL, 0, &f->sc, diag) != 0) {
    model_diag_print(diag, stdout);
    fprintf(stdout, "---\n%s---\n", yaml);
    fail_msg("scenario did not load");
  }
  model_diag_free(diag);
  f->sim = model_disaster_sim_new(f->sc);
  assert_non_null(f->sim);
  f->size = model_outcome_size(f->sc);
  f->rec = malloc(f->size);
  assert_non_null(f->rec);
  f->v = model_outcome_view(f->sc, f->rec);
  return f;
}

static void fx_free(fx *f) {
  model_disaster_sim_free(f->sim);
  model_scenario_free(f->sc);
  free(f->rec);
  free(f);
}

static void fx_run(fx *f, uint64_t trial) {
  assert_int_equal(model_disaster_sim_trial(f->sim, SEED, trial, f->rec, NULL, NULL), 0);
}

static size_t step_index(const fx *f, const char *env, const char *step) {
  int w = model_scenario_find_workflow(f->sc, env);
  assert_true(w >= 0);
  const model_workflow *wf = &f->sc->workflows[w];
  for (size_t k = 0; k < wf->n_steps; k++)
    if (strcmp(wf->steps[k].name, step) == 0) return wf->step_offset + k;
  fail_msg("no step %s/%s", env, step);
  return 0;
}

static size_t env_index(const fx *f, const char *env) {
  int e = model_scenario_find_environment(f->sc, env);
  assert_true(e >= 0);
  return (size_t)e;
}

/* The value one trial contributes to a sample. */
typedef double (*fx_metric)(const fx *f, const void *arg);

static double m_rto(const fx *f, const void *arg) { return f->v.env[*(const size_t *)arg].rto_s; }
static double m_rpo(const fx *f, const void *arg) { return f->v.env[*(const size_t *)arg].rpo_s; }

/* Run n trials and return the n values of metric (caller frees). */
static double *fx_sample(fx *f, size_t n, fx_metric metric, const void *arg) {
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    x[t] = metric(f, arg);
  }
  return x;
}

/* |sample mean - mu| <= Z sqrt(var / n). */
static void check_mean(const char *what, const double *x, size_t n, double mu, double var) {
  double m = gsl_stats_mean(x, 1, n), tol = Z * sqrt(var / (double)n);
  print_message("%s: mean %.4g, expected %.4g +- %.3g (n = %zu)\n", what, m, mu, tol, n);
  assert_true(isfinite(m));
  assert_true(fabs(m - mu) <= tol);
}

/* |share - p| <= Z sqrt(p (1 - p) / n) (p strictly inside (0, 1)). */
static void check_share(const char *what, size_t hits, size_t n, double p) {
  double share = (double)hits / (double)n, tol = Z * sqrt(p * (1 - p) / (double)n);
  print_message("%s: share %.4g, expected %.4g +- %.3g (n = %zu)\n", what, share, p, tol, n);
  assert_true(fabs(share - p) <= tol);
}

static size_t count_le(const double *x, size_t n, double limit) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += x[i] <= limit;
  return k;
}

/* ------------------------------------------------- workflow DAG timing */

/* Detection and three steps in series, all exponential with distinct means:
** RTO is hypoexponential. Mean = sum of means, variance = sum of squares;
** P(X <= x) = 1 - sum_i prod_{j != i} l_j / (l_j - l_i) e^{-l_i x}. */
static void test_serial_hypoexponential(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    detection: {dist: exponential, mean: 5m}\n"
                  "    steps:\n"
                  "      - {name: a, duration: {dist: exponential, mean: 10m}}\n"
                  "      - {name: b, needs: [a], duration: {dist: exponential, mean: 20m}}\n"
                  "      - {name: c, needs: [b], duration: {dist: exponential, mean: 30m}}\n");
  const double means[4] = {5 * MIN, 10 * MIN, 20 * MIN, 30 * MIN};
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = fx_sample(f, n, m_rto, &e);
  double mu = 0, var = 0;
  for (int i = 0; i < 4; i++) {
    mu += means[i];
    var += means[i] * means[i];
  }
  check_mean("serial RTO", x, n, mu, var);

  double at = 60 * MIN, cdf = 1;
  for (int i = 0; i < 4; i++) {
    double li = 1 / means[i], c = exp(-li * at);
    for (int j = 0; j < 4; j++)
      if (j != i) c *= (1 / means[j]) / (1 / means[j] - li);
    cdf -= c;
  }
  check_share("serial P(RTO <= 60m)", count_le(x, n, at), n, cdf);
  free(x);
  fx_free(f);
}

/* E[max] and E[max^2] of independent exponentials with rates l_i by
** inclusion-exclusion over non-empty subsets S:
** E[max^k] = sum_S (-1)^{|S|+1} k! / (sum_{i in S} l_i)^k. */
static void max_exp_moments(const double *means, int n, double *m1, double *m2) {
  *m1 = *m2 = 0;
  for (unsigned set = 1; set < (1u << n); set++) {
    double rate = 0;
    int bits = 0;
    for (int i = 0; i < n; i++)
      if (set & (1u << i)) {
        rate += 1 / means[i];
        bits++;
      }
    double sign = bits % 2 ? 1 : -1;
    *m1 += sign / rate;
    *m2 += sign * 2 / (rate * rate);
  }
}

/* Three independent steps with no needs run in parallel: RTO = max. */
static void test_parallel_max(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: a, duration: {dist: exponential, mean: 10m}}\n"
                  "      - {name: b, duration: {dist: exponential, mean: 20m}}\n"
                  "      - {name: c, duration: {dist: exponential, mean: 30m}}\n");
  const double means[3] = {10 * MIN, 20 * MIN, 30 * MIN};
  double m1, m2;
  size_t n = n_trials(), e = env_index(f, "production");
  max_exp_moments(means, 3, &m1, &m2);
  double *x = fx_sample(f, n, m_rto, &e);
  check_mean("parallel RTO = E[max]", x, n, m1, m2 - m1 * m1);
  free(x);
  fx_free(f);
}

/* k iid exponentials in parallel: E[max] = m H_k, Var = m^2 sum 1/i^2. */
static void test_parallel_iid(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: a, duration: {dist: exponential, mean: 15m}}\n"
                  "      - {name: b, duration: {dist: exponential, mean: 15m}}\n"
                  "      - {name: c, duration: {dist: exponential, mean: 15m}}\n"
                  "      - {name: d, duration: {dist: exponential, mean: 15m}}\n");
  double m = 15 * MIN, h = 0, h2 = 0;
  for (int i = 1; i <= 4; i++) {
    h += 1.0 / i;
    h2 += 1.0 / (i * i);
  }
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = fx_sample(f, n, m_rto, &e);
  check_mean("iid parallel RTO = m H_4", x, n, m * h, m * m * h2);
  free(x);
  fx_free(f);
}

/* a, then b and c in parallel: RTO = a + max(b, c). The critical path is a
** and whichever of b, c ended last. */
static void test_serial_then_parallel(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: a, duration: {dist: exponential, mean: 10m}}\n"
                  "      - {name: b, needs: [a], duration: {dist: exponential, mean: 20m}}\n"
                  "      - {name: c, needs: [a], duration: {dist: exponential, mean: 30m}}\n");
  const double means[2] = {20 * MIN, 30 * MIN};
  double m1, m2, ma = 10 * MIN;
  size_t n = n_trials(), e = env_index(f, "production");
  size_t a = step_index(f, "production", "a"), b = step_index(f, "production", "b"),
         c = step_index(f, "production", "c");
  max_exp_moments(means, 2, &m1, &m2);
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    const model_step_outcome *s = f->v.steps;
    x[t] = f->v.env[e].rto_s;
    /* b and c start when a ends; the last end is the RTO and is critical */
    assert_true(s[b].start_s == s[a].end_s && s[c].start_s == s[a].end_s);
    assert_true(fmax(s[b].end_s, s[c].end_s) == x[t]);
    assert_int_equal(s[a].critical, 1);
    assert_int_equal(s[b].critical, s[b].end_s >= s[c].end_s);
    assert_int_equal(s[c].critical, s[c].end_s > s[b].end_s);
  }
  check_mean("a + max(b, c)", x, n, ma + m1, ma * ma + m2 - m1 * m1);
  free(x);
  fx_free(f);
}

/* -------------------------------------------------------------- RPO */

static const char *periodic_yaml(char *buf, size_t n, const char *extra) {
  snprintf(buf, n,
           HDR "components:\n"
               "  - name: db\n"
               "    environment: production\n"
               "    region: eastus\n"
               "    replication: {mode: periodic, interval: 1h%s}\n" REGION_OUTAGE
               "workflows:\n"
               "  - environment: production\n"
               "    steps:\n"
               "      - {name: a, duration: 1m}\n",
           extra);
  return buf;
}

/* No failures, no copy delay: RPO ~ U[0, I). */
static void test_rpo_periodic_uniform(void **state) {
  (void)state;
  char y[2048];
  fx *f = fx_load(periodic_yaml(y, sizeof y, ""));
  double I = HOUR;
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = fx_sample(f, n, m_rpo, &e);
  check_mean("periodic RPO ~ U[0, I)", x, n, I / 2, I * I / 12);
  check_share("periodic P(RPO <= I/4)", count_le(x, n, I / 4), n, 0.25);
  check_share("periodic P(RPO <= 0.9 I)", count_le(x, n, 0.9 * I), n, 0.9);
  assert_true(gsl_stats_min(x, 1, n) >= 0 && gsl_stats_max(x, 1, n) < I);
  /* the environment's RPO is that of its only data component */
  assert_true(f->v.components[0].rpo_s == f->v.env[e].rpo_s);
  free(x);
  fx_free(f);
}

/* Failure probability q: RPO = u + K I with K ~ geometric (failures before
** the first success), E[K] = q/(1-q), Var[K] = q/(1-q)^2, independent of u. */
static void test_rpo_periodic_failures(void **state) {
  (void)state;
  char y[2048];
  fx *f = fx_load(periodic_yaml(y, sizeof y, ", failure_probability: 0.2"));
  double I = HOUR, q = 0.2;
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = fx_sample(f, n, m_rpo, &e);
  check_mean("periodic RPO with failures", x, n, I / 2 + I * q / (1 - q),
             I * I / 12 + I * I * q / ((1 - q) * (1 - q)));
  free(x);
  fx_free(f);
}

/* Constant copy delay c: RPO = u + k I for the smallest k with u + k I >= c,
** which is uniform on [c, c + I): mean c + I/2, variance I^2/12. */
static void test_rpo_periodic_copy_delay(void **state) {
  (void)state;
  char y[2048];
  fx *f = fx_load(periodic_yaml(y, sizeof y, ", copy: 20m"));
  double I = HOUR, c = 20 * MIN;
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = fx_sample(f, n, m_rpo, &e);
  check_mean("periodic RPO with copy delay", x, n, c + I / 2, I * I / 12);
  check_share("copy delay P(RPO <= c + I/2)", count_le(x, n, c + I / 2), n, 0.5);
  assert_true(gsl_stats_min(x, 1, n) >= c && gsl_stats_max(x, 1, n) < c + I);
  free(x);
  fx_free(f);
}

/* Retention 1.5 I, q = 0.5: backups aged u and u + I are kept when
** u <= I/2, only the one aged u otherwise, so
** P(no usable backup) = 0.5 q^2 + 0.5 q = 0.375. */
static void test_rpo_periodic_retention(void **state) {
  (void)state;
  char y[2048];
  fx *f = fx_load(periodic_yaml(y, sizeof y, ", failure_probability: 0.5, retention: 90m"));
  size_t n = n_trials(), e = env_index(f, "production"), lost = 0;
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    double r = f->v.env[e].rpo_s;
    assert_true(isinf(r) || r <= 90 * MIN);
    lost += isinf(r);
  }
  check_share("P(RPO infinite) under retention", lost, n, 0.375);
  fx_free(f);
}

/* async: one draw of lag; sync: 0; the env takes the max over components,
** shared ones included. */
static void test_rpo_async_sync(void **state) {
  (void)state;
  fx *f = fx_load(HDR "components:\n"
                      "  - name: cache\n"
                      "    environment: production\n"
                      "    region: eastus\n"
                      "    replication: {mode: sync}\n"
                      "  - name: shared-db\n"
                      "    region: eastus\n"
                      "    replication: {mode: async, lag: {dist: exponential, mean: 30s}}\n"
                      REGION_OUTAGE
                      "workflows:\n"
                      "  - environment: production\n"
                      "    steps:\n"
                      "      - {name: a, duration: 1m}\n");
  size_t n = n_trials(), e = env_index(f, "production");
  int cache = model_scenario_find_component(f->sc, "cache");
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    x[t] = f->v.env[e].rpo_s;
    assert_true(f->v.components[cache].rpo_s == 0);
  }
  check_mean("async RPO = lag", x, n, 30, 900);
  free(x);
  fx_free(f);
}

/* ----------------------------------------------------------- standby */

static const char *standby_yaml(char *buf, size_t n, const char *pool) {
  snprintf(buf, n,
           HDR ONE_COMPONENT REGION_OUTAGE
           "standby:\n"
           "  - {name: pool, region: westus2, environment: production,\n"
           "     provision: {dist: exponential, mean: 6m}, %s}\n"
           "workflows:\n"
           "  - environment: production\n"
           "    steps:\n"
           "      - {name: scale, standby: pool}\n",
           pool);
  return buf;
}

/* 4 nodes at once: scale-up = max of 4 exponentials = m H_4. */
static void test_standby_parallel(void **state) {
  (void)state;
  char y[2048];
  fx *f = fx_load(standby_yaml(y, sizeof y, "warm_nodes: 1, required_nodes: 5, max_parallel: 4"));
  double m = 6 * MIN, h = 1 + 1 / 2. + 1 / 3. + 1 / 4., h2 = 1 + 1 / 4. + 1 / 9. + 1 / 16.;
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    x[t] = f->v.env[e].rto_s;
    assert_true(f->v.env[e].full_capacity_s == x[t]);
    assert_true(f->v.env[e].first_service_s == x[t]); /* service_nodes = required */
    assert_true(f->v.standby[0].full_capacity_s == x[t]);
    assert_int_equal(f->v.standby[0].nodes_provisioned, 4);
    assert_int_equal(f->v.standby[0].shortage, 0);
  }
  check_mean("scale-up, 4 in parallel = m H_4", x, n, m * h, m * m * h2);
  free(x);
  fx_free(f);
}

/* One at a time: Erlang(4, m): mean 4m, variance 4 m^2. */
static void test_standby_serial(void **state) {
  (void)state;
  char y[2048];
  fx *f = fx_load(standby_yaml(y, sizeof y, "warm_nodes: 0, required_nodes: 4, max_parallel: 1"));
  double m = 6 * MIN;
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = fx_sample(f, n, m_rto, &e);
  check_mean("scale-up, one at a time = Erlang", x, n, 4 * m, 4 * m * m);
  free(x);
  fx_free(f);
}

/* Two at a time, four nodes: the first two finish at the min of 2
** (mean m/2), then two slots keep working, so the makespan is a sum of
** exponential phases: min of 2 (m/2), min of 2 (m/2), min of 2 (m/2), the
** last one alone (m): mean 2.5 m, variance 3 (m/2)^2 + m^2. */
static void test_standby_two_slots(void **state) {
  (void)state;
  char y[2048];
  fx *f = fx_load(standby_yaml(y, sizeof y, "warm_nodes: 0, required_nodes: 4, max_parallel: 2"));
  double m = 6 * MIN;
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = fx_sample(f, n, m_rto, &e);
  check_mean("scale-up, two slots", x, n, 2.5 * m, 3 * m * m / 4 + m * m);
  free(x);
  fx_free(f);
}

/* service_nodes 2 of 4 in parallel: first service at the 2nd order statistic
** of 4 exponentials, m (1/4 + 1/3), variance m^2 (1/16 + 1/9). A capacity
** shortage with probability 1/4 delays everything by a constant 30 m. */
static void test_standby_first_service_and_shortage(void **state) {
  (void)state;
  char y[2048];
  fx *f = fx_load(standby_yaml(y, sizeof y,
                               "warm_nodes: 0, required_nodes: 4, service_nodes: 2, "
                               "max_parallel: 4, capacity_shortage: {probability: 0.25, delay: 30m}"));
  double m = 6 * MIN, d = 30 * MIN;
  size_t n = n_trials(), e = env_index(f, "production"), shortages = 0;
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    int sh = f->v.standby[0].shortage;
    shortages += (size_t)sh;
    x[t] = f->v.env[e].first_service_s - (sh ? d : 0);
    assert_true(f->v.env[e].first_service_s <= f->v.env[e].full_capacity_s);
    assert_true(f->v.env[e].full_capacity_s == f->v.env[e].rto_s);
    assert_true(!sh || f->v.env[e].first_service_s >= d);
  }
  check_mean("first service = 2nd of 4", x, n, m * (1 / 4. + 1 / 3.), m * m * (1 / 16. + 1 / 9.));
  check_share("capacity shortage share", shortages, n, 0.25);
  free(x);
  fx_free(f);
}

/* -------------------------------------------------- retries, timeouts */

/* p = 0.3, 2 retries: P(not recovered) = p^3; retried failures R has
** P(R=1) = p(1-p), P(R=2) = p^2 (the third attempt is never retried), so
** E[R] = p(1-p) + 2p^2 = p + p^2, E[R^2] = p(1-p) + 4p^2.
** Given recovery at attempt j (prob p^{j-1}(1-p)), RTO = Erlang(j, m) +
** (j-1) d. */
static void test_retries(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - name: restore\n"
                  "        duration: {dist: exponential, mean: 10m}\n"
                  "        failure_probability: 0.3\n"
                  "        retry: {max: 2, delay: 5m}\n");
  double p = 0.3, m = 10 * MIN, d = 5 * MIN;
  size_t n = n_trials(), e = env_index(f, "production"), s = step_index(f, "production", "restore");
  size_t lost = 0, nrec = 0;
  double *r = malloc(n * sizeof *r), *x = malloc(n * sizeof *x);
  assert_non_null(r);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    const model_env_outcome *eo = &f->v.env[e];
    const model_step_outcome *so = &f->v.steps[s];
    r[t] = eo->retries;
    if (!eo->recovered) {
      lost++;
      assert_true(isinf(eo->rto_s));
      assert_int_equal(so->failed, 1);
      assert_int_equal(so->attempts, 3);
      assert_true(isnan(so->end_s));
    } else {
      x[nrec++] = eo->rto_s;
      assert_int_equal(so->failed, 0);
      assert_int_equal(so->attempts, eo->retries + 1);
    }
  }
  check_share("P(not recovered) = p^3", lost, n, p * p * p);
  double er = p * (1 - p) + 2 * p * p, er2 = p * (1 - p) + 4 * p * p;
  check_mean("retries", r, n, er, er2 - er * er);
  double ps = 1 - p * p * p, mu = 0, m2 = 0;
  for (int j = 1; j <= 3; j++) {
    double pj = pow(p, j - 1) * (1 - p) / ps, mean = j * m + (j - 1) * d;
    mu += pj * mean;
    m2 += pj * (j * m * m + mean * mean);
  }
  check_mean("RTO given recovered", x, nrec, mu, m2 - mu * mu);
  free(r);
  free(x);
  fx_free(f);
}

/* Exponential attempts (mean m) with a timeout T and many retries after a
** delay d: an attempt succeeds with a = 1 - e^{-T/m}; F failures before
** success are geometric, each costs T + d; the successful attempt is X given
** X <= T. RTO = F (T + d) + Y. */
static void test_timeouts(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - name: s\n"
                  "        duration: {dist: exponential, mean: 10m}\n"
                  "        timeout: 5m\n"
                  "        retry: {max: 60, delay: 1m}\n");
  double m = 10 * MIN, T = 5 * MIN, d = 1 * MIN, l = 1 / m, a = 1 - exp(-T / m);
  double ey = (m - T * exp(-l * T) / a);
  double ey2 = (2 / (l * l) - exp(-l * T) * (T * T + 2 * T / l + 2 / (l * l))) / a;
  double mu = (T + d) * (1 - a) / a + ey;
  double var = (T + d) * (T + d) * (1 - a) / (a * a) + ey2 - ey * ey;
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = fx_sample(f, n, m_rto, &e);
  check_mean("RTO with timeouts", x, n, mu, var);
  free(x);
  fx_free(f);
}

/* A constant 10 m attempt with a 5 m timeout always times out at exactly
** 5 m; with one retry after 2 m the step fails at 5 + 2 + 5 = 12 m. */
static void test_timeout_always(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: s, duration: 10m, timeout: 5m, retry: {max: 1, delay: 2m}}\n"
                  "      - {name: after, needs: [s], duration: 1m}\n");
  size_t e = env_index(f, "production"), s = step_index(f, "production", "s"),
         after = step_index(f, "production", "after");
  fx_run(f, 0);
  assert_int_equal(f->v.env[e].recovered, 0);
  assert_true(isinf(f->v.env[e].rto_s));
  assert_int_equal(f->v.env[e].retries, 1);
  assert_int_equal(f->v.steps[s].attempts, 2);
  assert_int_equal(f->v.steps[s].failed, 1);
  assert_true(f->v.steps[s].start_s == 0);
  assert_true(isnan(f->v.steps[after].start_s));
  assert_int_equal(f->v.steps[after].attempts, 0);
  fx_free(f);
}

/* ------------------------------------------------- disaster duration */

/* The primary returns after D ~ Exp(2h); the workflow takes W ~ Exp(1h):
** RTO = min(D, W) ~ Exp with rate 1/2h + 1/1h (mean 40 m); RPO = 0 exactly
** when the primary wins, P = (1/2) / (1/2 + 1) = 1/3, and then the step
** stops (never completes). */
static void test_disaster_duration(void **state) {
  (void)state;
  fx *f = fx_load(HDR "components:\n"
                      "  - name: db\n"
                      "    environment: production\n"
                      "    region: eastus\n"
                      "    replication: {mode: async, lag: 1m}\n"
                      "disaster: {type: region-outage, region: eastus,\n"
                      "           duration: {dist: exponential, mean: 2h}}\n"
                      "workflows:\n"
                      "  - environment: production\n"
                      "    steps:\n"
                      "      - {name: s, duration: {dist: exponential, mean: 1h}}\n");
  size_t n = n_trials(), e = env_index(f, "production"), s = step_index(f, "production", "s"),
         primary = 0;
  double mean = 1 / (1 / (2 * HOUR) + 1 / HOUR);
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    const model_env_outcome *eo = &f->v.env[e];
    x[t] = eo->rto_s;
    assert_int_equal(eo->recovered, 1);
    if (eo->rpo_s == 0) {
      primary++;
      /* the primary's return stops the workflow: the step never ends */
      assert_true(isnan(f->v.steps[s].end_s));
      assert_int_equal(f->v.steps[s].critical, 0);
    } else {
      assert_true(eo->rpo_s == 60);
      assert_true(eo->rto_s == f->v.steps[s].end_s);
      assert_int_equal(f->v.steps[s].critical, 1);
    }
    assert_true(f->v.components[0].rpo_s == 60);
  }
  check_mean("RTO = min(D, workflow)", x, n, mean, mean * mean);
  check_share("P(primary returns first)", primary, n, 1.0 / 3);
  free(x);
  fx_free(f);
}

/* A step that always fails (p = 0.99 without retry, nearly always): service
** still comes back when the primary returns, so recovered = 1, rto = D. */
static void test_disaster_duration_failed_workflow(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT
                  "disaster: {type: region-outage, region: eastus, duration: 6h}\n"
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: s, duration: 10m, failure_probability: 0.99}\n");
  size_t e = env_index(f, "production"), s = step_index(f, "production", "s"), failed = 0;
  for (size_t t = 0; t < 200; t++) {
    fx_run(f, t);
    assert_int_equal(f->v.env[e].recovered, 1);
    if (f->v.steps[s].failed) {
      failed++;
      assert_true(f->v.env[e].rto_s == 6 * HOUR);
    } else {
      assert_true(f->v.env[e].rto_s == 10 * MIN);
    }
  }
  assert_true(failed > 150);
  fx_free(f);
}

/* ------------------------------------------------------------- on-call */

/* The wall clock is uniform over the week; business hours 08:00-18:00 on
** 5 days are 50 h of 168. The manual step starts at t = 0. */
static void test_oncall(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "oncall: {business_hours: \"08:00-18:00\", workdays: 5}\n"
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: approve, manual: true, duration: 30m,\n"
                  "         business_hours: 10m, off_hours: 1h}\n");
  size_t n = n_trials(), e = env_index(f, "production"), s = step_index(f, "production", "approve"),
         off = 0;
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    double w = f->v.env[e].wallclock_s;
    assert_true(w >= 0 && w < MODEL_UNITS_WEEK);
    double day = floor(w / MODEL_UNITS_DAY), tod = w - day * MODEL_UNITS_DAY;
    int business = day < 5 && tod >= 8 * HOUR && tod < 18 * HOUR;
    assert_int_equal(f->v.steps[s].off_hours, !business);
    assert_true(f->v.env[e].rto_s == (business ? 10 * MIN : HOUR));
    off += !business;
  }
  check_share("P(off hours)", off, n, 1 - 50.0 / 168);
  fx_free(f);
}

/* Without the oncall block manual steps draw `duration` and wallclock is NAN. */
static void test_no_oncall(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: approve, manual: true, duration: 30m,\n"
                  "         business_hours: 10m, off_hours: 1h}\n");
  size_t e = env_index(f, "production");
  fx_run(f, 3);
  assert_true(isnan(f->v.env[e].wallclock_s));
  assert_true(f->v.env[e].rto_s == 30 * MIN);
  fx_free(f);
}

/* ------------------------------------------- components and the scope */

/* sql fails over by itself 1h after the disaster, taking 2m; app (in the
** standby region, unaffected) depends on sql; check needs app. Detection is
** 10m, so check starts at 62m and the RTO is 67m, with check critical. */
static void test_component_failover_auto(void **state) {
  (void)state;
  fx *f = fx_load(HDR "components:\n"
                      "  - name: sql\n"
                      "    environment: production\n"
                      "    region: eastus\n"
                      "    failover: {after: 1h, duration: 2m}\n"
                      "  - {name: app, environment: production, region: westus2, depends_on: [sql]}\n"
                      "  - {name: web, environment: production, region: eastus}\n" REGION_OUTAGE
                      "workflows:\n"
                      "  - environment: production\n"
                      "    detection: 10m\n"
                      "    steps:\n"
                      "      - {name: prep, duration: 20m}\n"
                      "      - {name: check, needs: [prep, app], duration: 5m}\n");
  size_t e = env_index(f, "production"), prep = step_index(f, "production", "prep"),
         check = step_index(f, "production", "check");
  int sql = model_scenario_find_component(f->sc, "sql"), app = model_scenario_find_component(f->sc, "app"),
      web = model_scenario_find_component(f->sc, "web");
  fx_run(f, 0);
  assert_true(f->v.env[e].rto_s == 67 * MIN);
  assert_true(f->v.steps[prep].start_s == 10 * MIN && f->v.steps[prep].end_s == 30 * MIN);
  assert_true(f->v.steps[check].start_s == 62 * MIN);
  assert_int_equal(f->v.steps[check].critical, 1);
  assert_int_equal(f->v.steps[prep].critical, 0); /* it waited for sql, not prep */
  assert_true(f->v.components[sql].failover_s == 62 * MIN);
  assert_true(f->v.components[app].failover_s == 62 * MIN);
  assert_true(f->v.components[web].failover_s == 0); /* affected, nothing to wait for */
  assert_true(isnan(f->v.components[sql].rpo_s));   /* no replication */
  assert_true(f->v.env[e].rpo_s == 0);
  fx_free(f);
}

/* Manual failover: db moves when step promote completes; verify needs db. */
static void test_component_failover_by_step(void **state) {
  (void)state;
  fx *f = fx_load(HDR "components:\n"
                      "  - name: db\n"
                      "    environment: production\n"
                      "    region: eastus\n"
                      "    failover: {by: promote}\n" REGION_OUTAGE
                      "workflows:\n"
                      "  - environment: production\n"
                      "    detection: 5m\n"
                      "    steps:\n"
                      "      - {name: promote, duration: {dist: exponential, mean: 10m}}\n"
                      "      - {name: other, duration: 1m}\n"
                      "      - {name: verify, needs: [db, other], duration: 3m}\n");
  size_t e = env_index(f, "production"), promote = step_index(f, "production", "promote"),
         verify = step_index(f, "production", "verify"), other = step_index(f, "production", "other");
  int db = model_scenario_find_component(f->sc, "db");
  for (size_t t = 0; t < 50; t++) {
    fx_run(f, t);
    const model_step_outcome *so = f->v.steps;
    double ready = fmax(so[promote].end_s, so[other].end_s);
    assert_true(f->v.components[db].failover_s == so[promote].end_s);
    assert_true(so[verify].start_s == ready);
    assert_true(f->v.env[e].rto_s == ready + 3 * MIN);
    /* the chain verify <- db <- promote is critical when promote binds */
    assert_int_equal(so[promote].critical, so[promote].end_s >= so[other].end_s);
    assert_int_equal(so[verify].critical, 1);
  }
  fx_free(f);
}

/* Zone outage: zone-redundant components survive; an environment with no
** affected component runs nothing and records rto 0, rpo 0, recovered 1. */
static void test_zone_outage_scope(void **state) {
  (void)state;
  const char *body =
      "components:\n"
      "  - {name: zonal, environment: production, region: eastus, zone: 1}\n"
      "  - {name: redundant, environment: staging, region: eastus,\n"
      "     replication: {mode: async, lag: 1m}}\n"
      "workflows:\n"
      "  - environment: production\n"
      "    steps:\n"
      "      - {name: s, duration: 7m}\n"
      "  - environment: staging\n"
      "    steps:\n"
      "      - {name: s, duration: 9m}\n";
  char y[4096];
  for (int zone = 1; zone <= 2; zone++) {
    snprintf(y, sizeof y,
             "version: 1\nname: t\nobjectives:\n  production: {rto: 4h}\n  staging: {rto: 8h}\n"
             "regions:\n  - {name: eastus, role: primary}\n  - {name: westus2, role: standby}\n"
             "disaster: {type: zone-outage, region: eastus, zone: %d}\n%s",
             zone, body);
    fx *f = fx_load(y);
    size_t prod = env_index(f, "production"), stg = env_index(f, "staging");
    fx_run(f, 0);
    assert_true(f->v.env[prod].rto_s == (zone == 1 ? 7 * MIN : 0));
    assert_int_equal(f->v.env[prod].recovered, 1);
    assert_true(f->v.env[stg].rto_s == 0);
    assert_true(f->v.env[stg].rpo_s == 0);
    assert_true(isnan(f->v.steps[step_index(f, "staging", "s")].start_s));
    assert_int_equal(f->v.steps[step_index(f, "staging", "s")].attempts, 0);
    assert_true(f->v.components[1].rpo_s == 0); /* unaffected data component */
    fx_free(f);
  }
}

/* Component disaster: the component and everything depending on it. */
static void test_component_disaster_scope(void **state) {
  (void)state;
  fx *f = fx_load("version: 1\nname: t\nobjectives:\n  production: {rto: 4h}\n  staging: {rto: 8h}\n"
                  "regions:\n  - {name: eastus, role: primary}\n  - {name: westus2, role: standby}\n"
                  "components:\n"
                  "  - {name: kv, region: eastus}\n"
                  "  - {name: api, environment: staging, region: eastus, depends_on: [kv]}\n"
                  "  - {name: db, environment: production, region: eastus}\n"
                  "disaster: {type: component, component: api}\n"
                  "standby:\n"
                  "  - {name: pool, region: westus2, environment: production, warm_nodes: 1,\n"
                  "     required_nodes: 3, provision: 10m}\n"
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: s, duration: 7m}\n"
                  "      - {name: scale, needs: [s], standby: pool}\n"
                  "  - environment: staging\n"
                  "    detection: 1m\n"
                  "    steps:\n"
                  "      - {name: s, duration: 9m}\n");
  size_t prod = env_index(f, "production"), stg = env_index(f, "staging");
  fx_run(f, 0);
  assert_true(f->v.env[prod].rto_s == 0);
  assert_true(f->v.env[stg].rto_s == 10 * MIN);
  /* the spared environment never lost capacity: 0, not "never" (NAN) */
  assert_true(f->v.env[prod].full_capacity_s == 0 && f->v.env[prod].first_service_s == 0);
  assert_true(f->v.standby[0].full_capacity_s == 0 && f->v.standby[0].first_service_s == 0);
  assert_true(isnan(f->v.env[stg].full_capacity_s));   /* staging has no pool */
  fx_free(f);
  /* a shared component hit: every environment is affected */
  f = fx_load("version: 1\nname: t\nobjectives:\n  production: {rto: 4h}\n  staging: {rto: 8h}\n"
              "regions:\n  - {name: eastus, role: primary}\n  - {name: westus2, role: standby}\n"
              "components:\n"
              "  - {name: kv, region: eastus}\n"
              "  - {name: api, environment: staging, region: eastus, depends_on: [kv]}\n"
              "disaster: {type: component, component: kv}\n"
              "workflows:\n"
              "  - environment: production\n"
              "    steps:\n"
              "      - {name: s, duration: 7m}\n"
              "  - environment: staging\n"
              "    steps:\n"
              "      - {name: s, duration: 9m}\n");
  fx_run(f, 0);
  assert_true(f->v.env[env_index(f, "production")].rto_s == 7 * MIN);
  assert_true(f->v.env[env_index(f, "staging")].rto_s == 9 * MIN);
  fx_free(f);
}

/* ---------------------------------------------------------- determinism */

static const char *rich_yaml =
    HDR
    "oncall: {business_hours: \"08:00-18:00\", workdays: 5}\n"
    "components:\n"
    "  - name: sql\n"
    "    environment: production\n"
    "    region: eastus\n"
    "    replication: {mode: periodic, interval: 1h, copy: {dist: uniform, min: 5m, max: 20m},\n"
    "                  failure_probability: 0.1}\n"
    "    failover: {after: 30m, duration: {dist: uniform, min: 1m, max: 5m}}\n"
    "  - {name: app, environment: production, region: eastus, depends_on: [sql]}\n"
    REGION_OUTAGE
    "standby:\n"
    "  - {name: pool, region: westus2, environment: production, warm_nodes: 1,\n"
    "     required_nodes: 6, service_nodes: 3, max_parallel: 2,\n"
    "     provision: {dist: lognormal, median: 6m, p95: 15m},\n"
    "     capacity_shortage: {probability: 0.2, delay: 20m}}\n"
    "workflows:\n"
    "  - environment: production\n"
    "    detection: {dist: exponential, mean: 5m}\n"
    "    steps:\n"
    "      - {name: validate, duration: {dist: triangular, min: 5m, mode: 10m, max: 30m}}\n"
    "      - {name: approve, needs: [validate], manual: true,\n"
    "         duration: {dist: lognormal, median: 20m, p95: 2h},\n"
    "         business_hours: {dist: exponential, mean: 10m},\n"
    "         off_hours: {dist: exponential, mean: 1h}}\n"
    "      - {name: scale, needs: [approve], standby: pool, timeout: 1h, retry: {max: 1, delay: 1m}}\n"
    "      - {name: restore, needs: [scale, sql], duration: {dist: exponential, mean: 30m},\n"
    "         failure_probability: 0.2, retry: {max: 2, delay: 5m}}\n";

typedef struct trace_acc {
  int lines;
  int recovered, started, node, last_t_ok;
  double last_t;
} trace_acc;

static void trace_cb(void *ctx, double t, const char *text) {
  trace_acc *a = ctx;
  a->lines++;
  if (t < a->last_t) a->last_t_ok = 0;
  a->last_t = t;
  a->recovered += strstr(text, "recovered") != NULL;
  a->started += strstr(text, "approve started") != NULL;
  a->node += strstr(text, "pool: node") != NULL;
}

static void test_determinism(void **state) {
  (void)state;
  fx *f = fx_load(rich_yaml);
  fx *g = fx_load(rich_yaml);
  unsigned char *a = malloc(f->size), *b = malloc(f->size);
  assert_non_null(a);
  assert_non_null(b);
  /* same trial twice */
  fx_run(f, 17);
  memcpy(a, f->rec, f->size);
  fx_run(f, 17);
  assert_memory_equal(a, f->rec, f->size);
  /* trial k is the same whether or not other trials ran before */
  for (uint64_t t = 0; t < 40; t++) {
    fx_run(f, t);
    fx_run(g, t * 7919 % 40);
    fx_run(g, t);
    assert_memory_equal(f->rec, g->rec, f->size);
  }
  /* the trace changes nothing and is in time order */
  size_t traced = 0;
  for (uint64_t t = 0; t < 40; t++) {
    trace_acc acc = {0, 0, 0, 0, 1, 0};
    fx_run(f, t);
    memcpy(a, f->rec, f->size);
    assert_int_equal(model_disaster_sim_trial(g->sim, SEED, t, b, trace_cb, &acc), 0);
    assert_memory_equal(a, b, f->size);
    assert_true(acc.lines > 5);
    assert_int_equal(acc.started, 1);
    assert_true(acc.last_t_ok);
    assert_true(acc.node >= 1);
    traced += (size_t)acc.recovered;
  }
  assert_true(traced > 0);
  /* a different seed gives a different record */
  assert_int_equal(model_disaster_sim_trial(g->sim, SEED + 1, 39, b, NULL, NULL), 0);
  assert_memory_not_equal(a, b, f->size);
  free(a);
  free(b);
  fx_free(f);
  fx_free(g);
}

/* Changing one step's distribution leaves every other entity's draws alone
** (common random numbers): the RPO and the detection stay identical. */
static void test_common_random_numbers(void **state) {
  (void)state;
  fx *f = fx_load(rich_yaml);
  char *y = malloc(strlen(rich_yaml) + 1);
  assert_non_null(y);
  strcpy(y, rich_yaml);
  char *p = strstr(y, "mean: 30m");
  assert_non_null(p);
  memcpy(p, "mean: 90m", 9);
  fx *g = fx_load(y);
  size_t e = env_index(f, "production"), v = step_index(f, "production", "validate"),
         sc = step_index(f, "production", "scale");
  for (uint64_t t = 0; t < 200; t++) {
    fx_run(f, t);
    fx_run(g, t);
    assert_true(f->v.env[e].rpo_s == g->v.env[e].rpo_s);
    assert_true(f->v.steps[v].start_s == g->v.steps[v].start_s);
    assert_true(f->v.steps[sc].end_s == g->v.steps[sc].end_s);
    assert_true(f->v.components[0].failover_s == g->v.components[0].failover_s);
  }
  free(y);
  fx_free(f);
  fx_free(g);
}

static void count_lines(void *ctx, double t, const char *text) {
  (void)t;
  (void)text;
  ++*(int *)ctx;
}

/* The reference scenario: every trial succeeds, trace or not gives the same
** bytes, and the records are coherent: steps end after they start, an
** environment that recovered by its workflow has a critical step ending at
** its RTO, and its first service is no later than full capacity. */
static void test_reference_scenario_invariants(void **state) {
  (void)state;
  model_diag *diag = model_diag_new();
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  if (model_scenario_load_file(DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml", NULL, 0,
                               &f->sc, diag) != 0) {
    model_diag_print(diag, stdout);
    fail_msg("reference scenario did not load");
  }
  model_diag_free(diag);
  f->sim = model_disaster_sim_new(f->sc);
  assert_non_null(f->sim);
  f->size = model_outcome_size(f->sc);
  f->rec = malloc(f->size);
  unsigned char *traced = malloc(f->size);
  assert_non_null(f->rec);
  assert_non_null(traced);
  f->v = model_outcome_view(f->sc, f->rec);
  const model_scenario *sc = f->sc;
  for (uint64_t t = 0; t < 2000; t++) {
    int lines = 0;
    assert_int_equal(model_disaster_sim_trial(f->sim, SEED, t, traced, count_lines, &lines), 0);
    fx_run(f, t);
    assert_memory_equal(traced, f->rec, f->size);
    assert_true(lines > 20);
    for (size_t w = 0; w < sc->n_workflows; w++) {
      const model_workflow *wf = &sc->workflows[w];
      const model_env_outcome *eo = &f->v.env[wf->environment];
      int critical_at_rto = 0;
      for (size_t k = 0; k < wf->n_steps; k++) {
        const model_step_outcome *so = &f->v.steps[wf->step_offset + k];
        if (!isnan(so->end_s)) {
          /* after_restore steps (notification) end after the RTO */
          assert_true(so->start_s <= so->end_s &&
                      (so->end_s <= eo->rto_s || wf->steps[k].after_restore));
          assert_true(so->attempts >= 1 && !so->failed);
        }
        if (so->critical) {
          assert_false(isnan(so->end_s));
          critical_at_rto |= so->end_s == eo->rto_s;
        }
      }
      assert_int_equal(eo->recovered, isfinite(eo->rto_s));
      assert_int_equal(critical_at_rto, eo->recovered);
      if (!isnan(eo->first_service_s)) assert_true(eo->first_service_s <= eo->full_capacity_s);
      assert_true(eo->rpo_s >= 0);
    }
  }
  free(traced);
  fx_free(f);
}

/* ------------------------------------------------ issue 15: scope-aware plans */

/* One-sample Kolmogorov-Smirnov test of x[0..n) against the CDF F: the
** statistic D = sup |F_n - F| must stay below the asymptotic critical value
** at level 0.001, sqrt(-ln(0.0005) / 2) / sqrt(n) (a fixed seed; the level
** says how rarely a correct model would fail). Sorts x. */
static int dcmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static void check_ks(const char *what, double *x, size_t n, double (*F)(double, const void *),
                     const void *arg) {
  qsort(x, n, sizeof *x, dcmp);
  double d = 0;
  for (size_t i = 0; i < n; i++) {
    double f = F(x[i], arg), lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;
    if (lo > d) d = lo;
    if (hi > d) d = hi;
  }
  double crit = sqrt(-log(0.0005) / 2) / sqrt((double)n);
  print_message("%s: KS D = %.4g, critical %.4g (n = %zu)\n", what, d, crit, n);
  assert_true(d <= crit);
}

static double cdf_exp(double t, const void *arg) {
  double mean = *(const double *)arg;
  return t <= 0 ? 0 : 1 - exp(-t / mean);
}

/* k-th of m i.i.d. exponentials (mean arg[0]): P(X(k) <= t) =
** sum_{j >= k} C(m, j) F^j (1 - F)^(m - j). arg = {mean, k, m}. */
static double cdf_order_exp(double t, const void *arg) {
  const double *a = arg;
  double F = cdf_exp(t, &a[0]), p = 0;
  int k = (int)a[1], m = (int)a[2];
  for (int j = k; j <= m; j++) p += gsl_sf_choose((unsigned)m, (unsigned)j) * pow(F, j) * pow(1 - F, m - j);
  return p;
}

/* if_lost: a component disaster takes db only. The step for the cluster
** (if_lost: [app]) is skipped: it takes no time and what needs it starts
** when its own needs are done; the step for db runs. RTO = 10 m + 5 m. */
static void test_if_lost(void **state) {
  (void)state;
  fx *f = fx_load(HDR
                  "components:\n"
                  "  - {name: app, environment: production, region: eastus}\n"
                  "  - {name: db, environment: production, region: eastus,\n"
                  "     replication: {mode: async, lag: 1m}, failover: {by: fail-db}}\n"
                  "disaster: {type: component, component: db}\n"
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: approve, duration: 10m}\n"
                  "      - {name: rebuild-app, needs: [approve], duration: 2h, if_lost: [app, eastus]}\n"
                  "      - {name: fail-db, needs: [approve], duration: 5m, if_lost: [db]}\n"
                  "      - {name: dns, needs: [rebuild-app, fail-db], duration: 0s}\n");
  size_t e = env_index(f, "production"), rb = step_index(f, "production", "rebuild-app"),
         db = step_index(f, "production", "fail-db"), dns = step_index(f, "production", "dns");
  fx_run(f, 0);
  assert_true(f->v.env[e].affected == 1);
  assert_true(f->v.env[e].rto_s == 15 * MIN);
  assert_true(f->v.env[e].rpo_s == 60);
  assert_true(isnan(f->v.steps[rb].start_s) && isnan(f->v.steps[rb].end_s));
  assert_int_equal(f->v.steps[rb].attempts, 0);
  assert_int_equal(f->v.steps[rb].critical, 0);
  assert_true(f->v.steps[db].start_s == 10 * MIN && f->v.steps[db].end_s == 15 * MIN);
  assert_int_equal(f->v.steps[db].critical, 1);
  assert_true(f->v.steps[dns].start_s == 15 * MIN);
  fx_free(f);
  /* A region outage of eastus takes both: rebuild-app runs (by its region). */
  f = fx_load(HDR
              "components:\n"
              "  - {name: app, environment: production, region: eastus}\n"
              "disaster: {type: region-outage, region: eastus}\n"
              "workflows:\n"
              "  - environment: production\n"
              "    steps:\n"
              "      - {name: rebuild-app, duration: 2h, if_lost: [westus2, eastus]}\n"
              "      - {name: fail-db, duration: 5m, if_lost: [westus2]}\n");
  fx_run(f, 0);
  assert_true(f->v.env[0].rto_s == 2 * HOUR);
  fx_free(f);
}

/* needs: [ENV/STEP]: staging waits for production's step; when the
** disaster does not touch production, the need is met at t = 0. */
static void test_cross_workflow_needs(void **state) {
  (void)state;
  const char *yaml =
      "version: 1\nname: t\n"
      "objectives:\n  production: {rto: 4h}\n  staging: {rto: 8h}\n"
      "regions:\n  - {name: eastus, role: primary}\n  - {name: westus2, role: standby}\n"
      "components:\n"
      "  - {name: p, environment: production, region: eastus}\n"
      "  - {name: s, environment: staging, region: eastus}\n"
      "disaster: {type: %s}\n"
      "workflows:\n"
      "  - environment: staging\n"
      "    steps:\n"
      "      - {name: go, needs: [production/restored], duration: 30m}\n"
      "  - environment: production\n"
      "    steps:\n"
      "      - {name: restored, duration: 1h}\n";
  char buf[2048];
  snprintf(buf, sizeof buf, yaml, "region-outage");
  fx *f = fx_load(buf);
  size_t pe = env_index(f, "production"), se = env_index(f, "staging");
  fx_run(f, 0);
  assert_true(f->v.env[pe].rto_s == HOUR);
  assert_true(f->v.env[se].rto_s == 90 * MIN);
  fx_free(f);
  snprintf(buf, sizeof buf, yaml, "component, component: s");
  f = fx_load(buf);
  fx_run(f, 0);
  assert_int_equal(f->v.env[pe].affected, 0);
  assert_int_equal(f->v.env[se].affected, 1);
  assert_true(f->v.env[se].rto_s == 30 * MIN);
  fx_free(f);
}

/* after_restore: a -> b with b after_restore; RTO = a's completion, so RTO
** ~ Exp(1 h) exactly (KS), while b still runs and is recorded. */
static void test_after_restore(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: a, duration: {dist: exponential, mean: 1h}}\n"
                  "      - {name: b, needs: [a], after_restore: true,\n"
                  "         duration: {dist: exponential, mean: 1h}, failure_probability: 0.5}\n");
  size_t n = n_trials(), e = env_index(f, "production"), b = step_index(f, "production", "b"),
         ran = 0;
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    x[t] = f->v.env[e].rto_s;
    assert_int_equal(f->v.env[e].recovered, 1);   /* b failing does not undo it */
    ran += f->v.steps[b].attempts == 1;
    assert_true(f->v.steps[b].start_s == x[t]);
    assert_int_equal(f->v.steps[b].critical, 0);
  }
  assert_int_equal(ran, n);
  double mean = HOUR;
  check_ks("RTO with an after_restore step = a", x, n, cdf_exp, &mean);
  free(x);
  fx_free(f);
}

/* until: service with service_nodes 2 of 5 (none warm, 5 at once,
** Exp(10 m) each): RTO = 2nd order statistic of 5 draws, full capacity the
** 5th (KS against both closed forms). */
static void test_until_service(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "standby:\n"
                  "  - {name: pool, region: westus2, warm_nodes: 0, required_nodes: 5,\n"
                  "     service_nodes: 2, max_parallel: 5,\n"
                  "     provision: {dist: exponential, mean: 10m}}\n"
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: scale, standby: pool, until: service}\n");
  size_t n = n_trials(), e = env_index(f, "production");
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  assert_non_null(x);
  assert_non_null(y);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    x[t] = f->v.env[e].rto_s;
    y[t] = f->v.env[e].full_capacity_s;
    assert_true(f->v.standby[0].first_service_s == x[t]);
    assert_true(y[t] >= x[t]);
  }
  double a2[3] = {10 * MIN, 2, 5}, a5[3] = {10 * MIN, 5, 5};
  check_ks("RTO = 2nd of 5 nodes", x, n, cdf_order_exp, a2);
  check_ks("full capacity = 5th of 5 nodes", y, n, cdf_order_exp, a5);
  free(x);
  free(y);
  fx_free(f);
}

/* wait_for_primary: 2h with the primary back after D ~ Exp(1 h) and no
** detection delay: no failover exactly when D <= 2 h, P = 1 - e^-2; those
** trials have RPO 0 and RTO = D, and no step started. The others fail over
** (RPO = the 1 m lag) unless the primary returns during the 10 m step. */
static void test_wait_for_primary(void **state) {
  (void)state;
  fx *f = fx_load(HDR
                  "components:\n"
                  "  - {name: db, environment: production, region: eastus,\n"
                  "     replication: {mode: async, lag: 1m}, failover: {by: fail}}\n"
                  "disaster: {type: region-outage, region: eastus,\n"
                  "           duration: {dist: exponential, mean: 1h}}\n"
                  "workflows:\n"
                  "  - environment: production\n"
                  "    wait_for_primary: 2h\n"
                  "    steps:\n"
                  "      - {name: fail, duration: 10m}\n");
  size_t n = n_trials(), e = env_index(f, "production"), s = step_index(f, "production", "fail"),
         none = 0;
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    const model_env_outcome *eo = &f->v.env[e];
    assert_int_equal(eo->recovered, 1);
    if (isnan(f->v.steps[s].start_s)) {
      none++;
      assert_true(eo->rpo_s == 0);
      assert_true(eo->rto_s <= 2 * HOUR);
    } else {
      assert_true(f->v.steps[s].start_s == 2 * HOUR);
      assert_true(eo->rto_s > 2 * HOUR && eo->rto_s <= 2 * HOUR + 10 * MIN);
    }
  }
  check_share("P(no failover) = 1 - e^-2", none, n, 1 - exp(-2.0));
  fx_free(f);
}

/* The primary's return: a service-managed failover that already promoted
** the secondary (after 0, lag 1 m) keeps its RPO; the workflow stops. */
static void test_primary_return_keeps_promoted_rpo(void **state) {
  (void)state;
  fx *f = fx_load(HDR
                  "components:\n"
                  "  - {name: db, environment: production, region: eastus,\n"
                  "     replication: {mode: async, lag: 1m}, failover: {after: 0s, duration: 5m}}\n"
                  "  - {name: late, environment: production, region: eastus,\n"
                  "     replication: {mode: async, lag: 9m}, failover: {after: 3h}}\n"
                  "disaster: {type: region-outage, region: eastus, duration: 1h}\n"
                  "workflows:\n"
                  "  - environment: production\n"
                  "    steps:\n"
                  "      - {name: a, duration: 30m}\n"
                  "      - {name: b, needs: [a], duration: 2h}\n");
  size_t e = env_index(f, "production"), b = step_index(f, "production", "b");
  fx_run(f, 0);
  assert_true(f->v.env[e].rto_s == HOUR);
  assert_true(f->v.env[e].rpo_s == 60);         /* db promoted at 5 m; 'late' never */
  assert_true(f->v.steps[b].start_s == 30 * MIN);
  assert_true(isnan(f->v.steps[b].end_s));       /* stopped at the primary's return */
  fx_free(f);
}

/* Losing the standby region: production (in eastus) is not affected; a
** component of the standby region whose target is there too cannot fail
** over, and a step whose pool is there cannot run. */
static void test_standby_region_lost(void **state) {
  (void)state;
  fx *f = fx_load("version: 1\nname: t\n"
                  "objectives:\n  production: {rto: 4h}\n  staging: {rto: 8h}\n  qa: {rto: 8h}\n"
                  "regions:\n  - {name: eastus, role: primary}\n"
                  "  - {name: westus2, role: standby}\n  - {name: westus, role: standby}\n"
                  "components:\n"
                  "  - {name: app, environment: production, region: eastus}\n"
                  "  - {name: tool, environment: staging, region: westus2,\n"
                  "     replication: {mode: async, to: westus2, lag: 1m}}\n"
                  "  - {name: web, environment: qa, region: westus2, failover: {by: scale}}\n"
                  "disaster: {type: region-outage, region: westus2}\n"
                  "standby:\n"
                  "  - {name: pool, region: westus2, required_nodes: 2, warm_nodes: 1,\n"
                  "     provision: 5m}\n"
                  "workflows:\n"
                  "  - environment: qa\n"
                  "    steps:\n"
                  "      - {name: scale, standby: pool}\n");
  size_t pe = env_index(f, "production"), se = env_index(f, "staging"), qe = env_index(f, "qa");
  fx_run(f, 0);
  assert_int_equal(f->v.env[pe].affected, 0);
  assert_int_equal(f->v.env[se].affected, 1);
  assert_int_equal(f->v.env[se].recovered, 0);
  assert_true(isinf(f->v.env[se].rpo_s));
  assert_int_equal(f->v.env[qe].affected, 1);
  assert_int_equal(f->v.env[qe].recovered, 0);
  fx_free(f);
}

/* A zone outage takes a zonal pool's share of warm nodes: pool in westus2
** over zones [1, 2], 2 warm of 2; the outage of westus2 zone 1 takes node 0
** (zone 1), which the scale-up brings up again (10 m); without zones it
** loses none (RTO 0). */
static void test_zonal_pool(void **state) {
  (void)state;
  const char *yaml =
      "version: 1\nname: t\nobjectives:\n  production: {rto: 4h}\n"
      "regions:\n  - {name: eastus, role: primary}\n  - {name: westus2, role: standby}\n"
      "  - {name: westus, role: standby}\n"
      "components:\n"
      "  - {name: app, environment: production, region: westus2, zone: 1, failover: {by: scale}}\n"
      "disaster: {type: zone-outage, region: westus2, zone: 1}\n"
      "standby:\n"
      "  - {name: pool, region: westus2, warm_nodes: 2, required_nodes: 2, provision: 10m%s}\n"
      "workflows:\n  - environment: production\n    steps:\n      - {name: scale, standby: pool}\n";
  char buf[2048];
  snprintf(buf, sizeof buf, yaml, ", zones: [1, 2]");
  fx *f = fx_load(buf);
  fx_run(f, 0);
  assert_true(f->v.env[0].rto_s == 10 * MIN);
  assert_int_equal(f->v.standby[0].nodes_provisioned, 1);
  fx_free(f);
  snprintf(buf, sizeof buf, yaml, "");
  f = fx_load(buf);
  fx_run(f, 0);
  assert_true(f->v.env[0].rto_s == 0);
  assert_int_equal(f->v.standby[0].nodes_provisioned, 0);
  fx_free(f);
}

/* retry: {max: m, persistent: q}, failure probability p: the step fails for
** good with g(m + 1), where g(1) = p and g(n) = p (q + (1 - q) g(n - 1)):
** the first attempt fails with p; its cause persists with q (every later
** attempt fails), otherwise the remaining n - 1 attempts start afresh.
** Checked for q = 0 (p^n), 0.5 and 1 (p). */
static double g_persistent(double p, double q, int n) {
  return n <= 1 ? p : p * (q + (1 - q) * g_persistent(p, q, n - 1));
}

static void test_retry_persistent(void **state) {
  (void)state;
  static const double qs[] = {0, 0.5, 1};
  for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             HDR ONE_COMPONENT REGION_OUTAGE
             "workflows:\n"
             "  - environment: production\n"
             "    steps:\n"
             "      - name: restore\n"
             "        duration: {dist: exponential, mean: 10m}\n"
             "        failure_probability: 0.4\n"
             "        retry: {max: 3, delay: 5m, persistent: %g}\n", qs[i]);
    fx *f = fx_load(yaml);
    size_t n = n_trials(), e = env_index(f, "production"), s = step_index(f, "production", "restore");
    size_t lost = 0;
    for (size_t t = 0; t < n; t++) {
      fx_run(f, t);
      if (!f->v.env[e].recovered) {
        lost++;
        assert_int_equal(f->v.steps[s].attempts, 4);
        assert_int_equal(f->v.steps[s].failed, 1);
        assert_int_equal(f->v.steps[s].escalated, 0);
      }
    }
    char what[64];
    snprintf(what, sizeof what, "P(not recovered), q = %g", qs[i]);
    check_share(what, lost, n, g_persistent(0.4, qs[i], 4));
    fx_free(f);
  }
}

/* Escalation caps the RTO: the step fails with p = 0.5 per attempt, one
** retry after 5 m, constant 10 m attempts, detection 0; when both attempts
** fail (p^2 = 0.25) the manual fix (exponential, mean 1 h) completes it.
** No trial is "not recovered"; an escalated trial's RTO is 10 + 5 + 10 m +
** the fix, so E[RTO | escalated] = 25 m + 1 h, Var = 1 h^2; the share of
** escalated trials is 0.25. The trace of an escalated trial shows the fix
** starting at 25 m and the step done at the RTO. */
typedef struct esc_acc {
  double t_escalated, t_done, t_recovered;
} esc_acc;

static void esc_cb(void *ctx, double t, const char *text) {
  esc_acc *a = ctx;
  if (strstr(text, "escalated: manual fix takes")) a->t_escalated = t;
  if (strstr(text, "restore done (escalated: manual fix)")) a->t_done = t;
  if (strstr(text, "production: recovered")) a->t_recovered = t;
}

static void test_escalation(void **state) {
  (void)state;
  fx *f = fx_load(HDR ONE_COMPONENT REGION_OUTAGE
                  "workflows:\n"
                  "  - environment: production\n"
                  "    detection: 0s\n"
                  "    steps:\n"
                  "      - name: restore\n"
                  "        duration: 10m\n"
                  "        failure_probability: 0.5\n"
                  "        retry: {max: 1, delay: 5m}\n"
                  "        escalation: {dist: exponential, mean: 1h}\n");
  size_t n = n_trials(), e = env_index(f, "production"), s = step_index(f, "production", "restore");
  size_t n_esc = 0, traced = 0;
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    const model_env_outcome *eo = &f->v.env[e];
    const model_step_outcome *so = &f->v.steps[s];
    assert_int_equal(eo->recovered, 1);
    assert_true(isfinite(eo->rto_s));
    assert_int_equal(so->failed, 0);
    if (!so->escalated) {
      assert_true(eo->rto_s <= 25 * MIN + 1e-9);
      continue;
    }
    assert_int_equal(so->attempts, 2);
    assert_true(eo->rto_s > 25 * MIN);
    x[n_esc++] = eo->rto_s;
    if (traced < 20) {   /* the trace's sum: fix start + fix = RTO = step end */
      esc_acc a = {NAN, NAN, NAN};
      void *rec = malloc(f->size);
      assert_non_null(rec);
      assert_int_equal(model_disaster_sim_trial(f->sim, SEED, t, rec, esc_cb, &a), 0);
      assert_memory_equal(rec, f->rec, f->size);
      assert_true(fabs(a.t_escalated - 25 * MIN) < 1e-9);
      assert_true(a.t_done == eo->rto_s && a.t_recovered == eo->rto_s && so->end_s == eo->rto_s);
      free(rec);
      traced++;
    }
  }
  assert_true(traced > 0);
  check_share("P(escalated) = p^2", n_esc, n, 0.25);
  check_mean("RTO given escalated", x, n_esc, 25 * MIN + HOUR, HOUR * HOUR);
  free(x);
  fx_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_serial_hypoexponential),
      cmocka_unit_test(test_parallel_max),
      cmocka_unit_test(test_parallel_iid),
      cmocka_unit_test(test_serial_then_parallel),
      cmocka_unit_test(test_rpo_periodic_uniform),
      cmocka_unit_test(test_rpo_periodic_failures),
      cmocka_unit_test(test_rpo_periodic_copy_delay),
      cmocka_unit_test(test_rpo_periodic_retention),
      cmocka_unit_test(test_rpo_async_sync),
      cmocka_unit_test(test_standby_parallel),
      cmocka_unit_test(test_standby_serial),
      cmocka_unit_test(test_standby_two_slots),
      cmocka_unit_test(test_standby_first_service_and_shortage),
      cmocka_unit_test(test_retries),
      cmocka_unit_test(test_timeouts),
      cmocka_unit_test(test_timeout_always),
      cmocka_unit_test(test_disaster_duration),
      cmocka_unit_test(test_disaster_duration_failed_workflow),
      cmocka_unit_test(test_oncall),
      cmocka_unit_test(test_no_oncall),
      cmocka_unit_test(test_component_failover_auto),
      cmocka_unit_test(test_component_failover_by_step),
      cmocka_unit_test(test_zone_outage_scope),
      cmocka_unit_test(test_component_disaster_scope),
      cmocka_unit_test(test_determinism),
      cmocka_unit_test(test_common_random_numbers),
      cmocka_unit_test(test_reference_scenario_invariants),
      cmocka_unit_test(test_if_lost),
      cmocka_unit_test(test_cross_workflow_needs),
      cmocka_unit_test(test_after_restore),
      cmocka_unit_test(test_until_service),
      cmocka_unit_test(test_wait_for_primary),
      cmocka_unit_test(test_primary_return_keeps_promoted_rpo),
      cmocka_unit_test(test_standby_region_lost),
      cmocka_unit_test(test_zonal_pool),
      cmocka_unit_test(test_retry_persistent),
      cmocka_unit_test(test_escalation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
