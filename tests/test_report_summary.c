/*
** tests/test_report_summary.c — reports/summary on synthetic runs whose
** every number can be worked out by hand (see the fixture: production is not
** recovered in trials t % 10 == 9, RTO 3600 + 10 t otherwise, RPO (t % 7)
** minutes; staging always 2 h / 30 s): rows and their order, infinite
** values in quantiles, p_meet with not-recovered trials as misses, steps,
** components, pools, lifetime-mode rows, empty runs, missing runs.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include "models/outcome.h"
#include "reports/store.h"
#include "reports/meet.h"
#include "reports/summary.h"
#include "tests/support/report_fixture.h"

/* cmocka 1.1.5 only compares floats; this compares doubles. */
#define assert_near(a, b, tol)                                              \
  do {                                                                      \
    double a_ = (a), b_ = (b);                                              \
    if (!(a_ == b_ || fabs(a_ - b_) <= (tol))) {                            \
      print_error("%s = %.17g, expected %.17g (tolerance %g)\n", #a, a_, b_, \
                  (double)(tol));                                           \
      fail();                                                               \
    }                                                                       \
  } while (0)

#define assert_posinf(x) assert_true(isinf(x) && (x) > 0)

typedef struct env {
  char *dir, *path;
  fixture f;
  report_store *st;
} env;

static int setup(void **state)
{
  env *e = calloc(1, sizeof *e);
  assert_non_null(e);
  e->dir = fixture_tmpdir_new();
  e->path = malloc(strlen(e->dir) + 16);
  assert_non_null(e->path);
  sprintf(e->path, "%s/s.db", e->dir);
  fixture_init(&e->f);
  report_error err;
  assert_int_equal(report_store_open(e->path, REPORT_STORE_READWRITE, &e->st, &err), REPORT_OK);
  *state = e;
  return 0;
}

static int teardown(void **state)
{
  env *e = *state;
  report_store_close(e->st);
  fixture_tmpdir_remove(e->dir);
  free(e->path);
  free(e);
  return 0;
}

static void test_metric_rows(void **state)
{
  env *e = *state;
  report_error err = {{0}};
  int64_t id = fixture_run(e->st, &e->f.sc, 100, REPORT_DETAIL_SUMMARY);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(e->st, id, &s, &err), REPORT_OK);
  assert_int_equal(report_summary_run(s)->id, id);
  const report_summary_row *r;
  size_t n = report_summary_rows(s, &r);
  /* production: rto, rpo, full_capacity (it has a pool); staging: rto, rpo. */
  assert_int_equal(n, 5);
  const char *want[5][2] = {{"production", "rto"}, {"production", "rpo"},
                            {"production", "full_capacity"}, {"staging", "rto"},
                            {"staging", "rpo"}};
  for (size_t i = 0; i < 5; i++) {
    assert_string_equal(r[i].environment, want[i][0]);
    assert_string_equal(r[i].metric, want[i][1]);
    assert_int_equal(r[i].n, 100);
    assert_int_equal(r[i].is_fraction, 0);
  }

  /* production RTO. The 90 finite values 3600 + 10 t (t % 10 != 9) have
  ** mean 3600 + 10 * 4410/90 = 4090 and sd 290.0019372; 10 are +inf.
  ** Sorted, value k (k < 90) is 3600 + 10 ((k / 9) * 10 + k % 9).
  ** p50: index 49.5 between k = 49 (t 54: 4140) and k = 50 (t 55: 4150) =
  ** 4145, ranks (40, 61) -> k = 39 (t 43: 4030) and k = 60 (t 66: 4260).
  ** p90: index 89.1 touches the first +inf -> +inf, as do p95, p99, max. */
  const report_summary_row *rto = &r[0];
  assert_int_equal(rto->not_recovered, 10);
  assert_int_equal(rto->n_finite, 90);      /* what the mean is over */
  assert_near(rto->mean.est, 4090.0, 1e-9);
  double half = gsl_cdf_tdist_Pinv(0.975, 89) * 290.00193722715994 / sqrt(90.0);
  assert_near(rto->mean.hi - rto->mean.est, half, 1e-6);
  assert_near(rto->mean.est - rto->mean.lo, half, 1e-6);
  assert_near(rto->p50.est, 4145.0, 1e-9);
  assert_near(rto->p50.lo, 4030.0, 0);
  assert_near(rto->p50.hi, 4260.0, 0);
  assert_posinf(rto->p90.est);
  assert_posinf(rto->p99.est);
  assert_posinf(rto->max);
  /* Objective 4 h: every recovered trial meets it, the 10 others miss:
  ** Wilson(90, 100) = [0.825634, 0.944771]. */
  assert_near(rto->objective, 14400.0, 0);
  assert_int_equal(rto->n_meet, 90);
  assert_near(rto->p_meet.est, 0.9, 1e-15);
  assert_near(rto->p_meet.lo, 0.8256343384950865, 1e-9);
  assert_near(rto->p_meet.hi, 0.9447708629393249, 1e-9);

  /* production RPO: (t % 7) min; 15 zeros, 15 x 60 s, then 14 each of 120 ..
  ** 360 s. p50 (index 49.5) lies in the 180 s block (indexes 44..57); p90
  ** (89.1) in the 360 s block (86..99). All are <= 15 min, but the 10
  ** not-recovered trials miss: p_meet 0.9 again. */
  const report_summary_row *rpo = &r[1];
  assert_near(rpo->p50.est, 180.0, 0);
  assert_near(rpo->p90.est, 360.0, 0);
  assert_near(rpo->max, 360.0, 0);
  assert_near(rpo->mean.est, 177.0, 1e-9);    /* 17700 / 100 */
  assert_int_equal(rpo->n_finite, 100);     /* every RPO finite, recovered or not */
  assert_int_equal(rpo->n_meet, 90);
  assert_int_equal(rpo->not_recovered, 10);
  assert_near(rpo->objective, 900.0, 0);

  /* production full capacity: 1200 + t; p50 1249.5 with ranks 40, 61 ->
  ** 1239, 1260; no objective. */
  const report_summary_row *fc = &r[2];
  assert_near(fc->p50.est, 1249.5, 1e-9);
  assert_near(fc->p50.lo, 1239.0, 0);
  assert_near(fc->p50.hi, 1260.0, 0);
  assert_near(fc->max, 1299.0, 0);
  assert_true(isnan(fc->objective));
  assert_true(isnan(fc->p_meet.est) && isnan(fc->p_meet.lo));

  /* staging: constant 2 h, all meet 8 h: Wilson(100, 100) = [0.963007, 1]. */
  const report_summary_row *srto = &r[3];
  assert_near(srto->p99.est, 7200.0, 0);
  assert_near(srto->p99.lo, 7200.0, 0);
  assert_near(srto->mean.est, 7200.0, 1e-9);
  assert_near(srto->mean.lo, 7200.0, 1e-9);   /* sd 0 */
  assert_int_equal(srto->not_recovered, 0);
  assert_near(srto->p_meet.est, 1.0, 0);
  assert_near(srto->p_meet.lo, 0.9630065017930143, 1e-9);
  assert_near(srto->p_meet.hi, 1.0, 0);
  /* staging RPO: no objective -> nothing to meet. */
  assert_true(isnan(r[4].objective));
  assert_true(isnan(r[4].p_meet.est));
  assert_int_equal(r[4].n_meet, 0);

  /* --fail-on-miss (reports/meet.h, the one rule): production RTO and RPO
  ** meet in 90 of 100 trials. At share 0.8 the one-sided 95 % lower bound
  ** (83.6 %) shows it; at 0.9 the estimate equals the share: inconclusive,
  ** not "meets" (the point-estimate rule said met); at 0.95 the upper bound
  ** (94.5 %) shows the miss. */
  size_t miss = 9, unsure = 9, none = 9;
  model_meet_rule rule = {0.8, 0.95};
  assert_int_equal(report_meet_not_met(s, &rule, &miss, &unsure, &none), 0);
  rule.share = 0.9;
  assert_int_equal(report_meet_not_met(s, &rule, &miss, &unsure, &none), 2);
  assert_int_equal(unsure, 2);
  rule.share = 0.95;
  assert_int_equal(report_meet_not_met(s, &rule, &miss, &unsure, &none), 2);
  assert_int_equal(miss, 2);
  assert_int_equal(none, 0);
  report_summary_free(s);
  report_summary_free(NULL);
}

static void test_steps_components_pools(void **state)
{
  env *e = *state;
  report_error err = {{0}};
  int64_t id = fixture_run(e->st, &e->f.sc, 100, REPORT_DETAIL_SUMMARY);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(e->st, id, &s, &err), REPORT_OK);

  const report_summary_step_row *st;
  assert_int_equal(report_summary_steps(s, &st), 4);
  /* approve: durations 50 + t % 5, mean 52; sum of squares 270600 ->
  ** var = (270600 - 100 * 52^2) / 99 = 200 / 99, sd 1.4213381. */
  assert_string_equal(st[0].name, "approve");
  assert_int_equal(st[0].manual, 1);
  assert_near(st[0].mean_duration_s, 52.0, 1e-9);
  assert_near(st[0].sd_duration_s, sqrt(200.0 / 99.0), 1e-6);
  assert_near(st[0].off_hours_share, 0.5, 0);
  assert_near(st[0].criticality.est, 0.0, 0);
  assert_near(st[0].attempts_per_trial, 1.0, 0);
  /* restore (production): 150 attempts / 100 trials, fails in 10, always
  ** critical. */
  assert_string_equal(st[2].name, "restore");
  assert_near(st[2].attempts_per_trial, 1.5, 1e-15);
  assert_near(st[2].failure_rate.est, 0.1, 1e-15);
  assert_near(st[2].criticality.est, 1.0, 0);
  assert_near(st[2].criticality.hi, 1.0, 0);
  assert_int_equal(st[2].n_completed, 90);
  assert_string_equal(st[1].standby, "aks-prod-dr");
  assert_string_equal(st[3].environment, "staging");

  const report_summary_component_row *c;
  assert_int_equal(report_summary_components(s, &c), 3);
  /* sql-prod: mean 17700 / 100 = 177 s, max 360 s, sets production's RPO
  ** in 85 trials: Wilson(85, 100) = [0.767164, 0.906940]. */
  assert_near(c[0].mean_rpo_s, 177.0, 1e-9);
  assert_near(c[0].max_rpo_s, 360.0, 0);
  assert_near(c[0].sets_env_rpo.est, 0.85, 1e-15);
  assert_near(c[0].sets_env_rpo.lo, 0.7671644040916763, 1e-9);
  assert_near(c[0].sets_env_rpo.hi, 0.9069401471634337, 1e-9);
  assert_near(c[0].mean_failover_s, 300.0, 1e-9);
  assert_null(c[1].environment);
  assert_near(c[1].sets_env_rpo.est, 1.0, 0);
  assert_true(isnan(c[2].mean_rpo_s));
  assert_string_equal(c[2].replication_mode, "none");

  const report_summary_standby_row *p;
  assert_int_equal(report_summary_standby(s, &p), 1);
  /* 1 warm node x 0.50/h x 8760 h = 4380 a year. It is production's only
  ** pool, so its percentiles come from the trials table: first service
  ** 600 + t (p50 649.5), full capacity 1200 + t (p50 1249.5, p99 index
  ** 98.01 -> 1298.01). */
  assert_near(p[0].annual_warm_cost, 4380.0, 1e-9);
  assert_int_equal(p[0].has_quantiles, 1);
  assert_near(p[0].first_service_p50.est, 649.5, 1e-9);
  assert_near(p[0].full_capacity_p50.est, 1249.5, 1e-9);
  assert_near(p[0].full_capacity_p99.est, 1298.01, 1e-9);
  assert_posinf(p[0].full_capacity_p99.hi);   /* 100 < 368 trials */
  assert_near(p[0].mean_full_capacity_s, 1249.5, 1e-9);
  assert_near(p[0].max_full_capacity_s, 1299.0, 0);
  assert_near(p[0].shortage_share, 0.25, 0);
  assert_near(p[0].mean_nodes, 4.0, 0);
  report_summary_free(s);
}

/* detail = steps: the pool's percentiles come from standby_trials, and
** agree with the trials-table path. */
static void test_pool_from_detail(void **state)
{
  env *e = *state;
  report_error err = {{0}};
  /* Give production a second pool: then only the detail tables know each
  ** pool's own times. */
  model_standby pools[2] = {e->f.pools[0], e->f.pools[0]};
  pools[1].name = "aks-prod-dr-2";
  e->f.sc.standby = pools;
  e->f.sc.n_standby = 2;
  int64_t a = fixture_run(e->st, &e->f.sc, 60, REPORT_DETAIL_SUMMARY);
  int64_t b = fixture_run(e->st, &e->f.sc, 60, REPORT_DETAIL_STEPS);
  report_summary *sa = NULL, *sb = NULL;
  assert_int_equal(report_summary_build(e->st, a, &sa, &err), REPORT_OK);
  assert_int_equal(report_summary_build(e->st, b, &sb, &err), REPORT_OK);
  const report_summary_standby_row *pa, *pb;
  assert_int_equal(report_summary_standby(sa, &pa), 2);
  assert_int_equal(report_summary_standby(sb, &pb), 2);
  assert_int_equal(pa[0].has_quantiles, 0);   /* two pools, no detail */
  assert_true(isnan(pa[0].full_capacity_p50.est));
  assert_near(pa[0].mean_full_capacity_s, 1229.5, 1e-9);  /* mean of 1200..1259 */
  assert_int_equal(pb[0].has_quantiles, 1);
  assert_near(pb[0].full_capacity_p50.est, 1229.5, 1e-9);
  assert_near(pb[0].first_service_p90.est, 653.1, 1e-9);   /* index 53.1 */
  /* The fixture never runs the second pool (NaN times): it never reached
  ** capacity, which is +inf, not "no data". */
  assert_int_equal(pb[1].has_quantiles, 1);
  assert_posinf(pb[1].full_capacity_p50.est);
  assert_true(isnan(pb[1].mean_full_capacity_s));
  assert_posinf(pb[1].max_full_capacity_s);
  report_summary_free(sa);
  report_summary_free(sb);
  e->f.sc.standby = e->f.pools;
  e->f.sc.n_standby = 1;
}

/* Lifetime mode: rto/rpo over trials with a disaster incident (odd t), plus
** availability (higher is better) and downtime rows; no full_capacity. */
static void test_lifetime(void **state)
{
  env *e = *state;
  report_error err = {{0}};
  model_scenario *sc = &e->f.sc;
  sc->mode = MODEL_MODE_LIFETIME;
  sc->horizon_s = 365 * 86400.0;
  const uint64_t T = 20;
  report_run_info info = {.trials = T, .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(e->st, &info, sc, &id, &err), REPORT_OK);
  void *rec = fixture_records(sc, 0, T);
  size_t rs = model_outcome_size(sc);
  for (uint64_t t = 0; t < T; t++) {
    model_trial_view v = model_outcome_view(sc, (unsigned char *)rec + t * rs);
    for (int k = 0; k < 2; k++) {
      /* Odd t: a disaster incident. t = 4: a component-only incident: like
      ** the trials without any incident, not an RTO/RPO sample. */
      v.env[k].incidents = (int32_t)(t % 2 || t == 4);
      v.env[k].disaster_incidents = (int32_t)(t % 2);
      v.env[k].component_incidents = (int32_t)(t == 4);
      if (t % 2 == 0) {   /* no disaster incident: the model writes 0 */
        v.env[k].rto_s = 0.0;
        v.env[k].rpo_s = 0.0;
        v.env[k].recovered = 1;
      }
      v.env[k].availability = 1.0 - ((double)t + 0.5) * 1e-4;
      v.env[k].downtime_s = ((double)t + 0.5) * 1e-4 * sc->horizon_s;
    }
    /* sql-prod fails once every trial, down 100 s, causing 50 s of downtime;
    ** the shared blob fails in even trials only. */
    v.components[0].failures = 1;
    v.components[0].down_s = 100.0;
    v.components[0].downtime_caused_s = 50.0;
    v.components[0].incidents_caused = 1;
    v.components[1].failures = (int32_t)(t % 2 == 0);
  }
  assert_int_equal(report_store_run_append(e->st, id, sc, 0, T, rec, rs, &err), REPORT_OK);
  free(rec);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(e->st, id, &s, &err), REPORT_OK);
  const report_summary_row *r;
  size_t n = report_summary_rows(s, &r);
  assert_int_equal(n, 8);   /* per env: rto, rpo, availability, downtime */
  assert_string_equal(r[0].metric, "rto");
  assert_string_equal(r[2].metric, "availability");
  assert_string_equal(r[3].metric, "downtime");
  /* rto: the 10 odd trials; of these 9 and 19 were not recovered. */
  assert_int_equal(r[0].n, 10);
  assert_int_equal(r[0].not_recovered, 2);
  assert_int_equal(r[0].n_meet, 8);
  /* availability 1 - (t + 0.5) 1e-4 >= 0.999 for t <= 9: 10 of 20. */
  assert_int_equal(r[2].is_fraction, 1);
  assert_int_equal(r[2].higher_is_better, 1);
  assert_int_equal(r[2].n, 20);
  assert_near(r[2].objective, 0.999, 0);
  assert_int_equal(r[2].n_meet, 10);
  assert_near(r[2].max, 1.0 - 0.5e-4, 1e-15);
  /* downtime objective = (1 - 0.999) x 1 y = 31536 s; (t + 0.5) x 3153.6 s
  ** is within it for t <= 9. */
  assert_near(r[3].objective, 31536.0, 1e-6);
  assert_int_equal(r[3].n_meet, 10);
  /* staging has no availability objective. */
  assert_true(isnan(r[6].objective));
  assert_true(isnan(r[7].objective));
  const report_summary_component_row *c;
  assert_int_equal(report_summary_components(s, &c), 3);
  assert_near(c[0].failures_per_trial, 1.0, 0);
  assert_near(c[0].mean_down_s, 100.0, 1e-12);
  assert_near(c[0].mean_downtime_caused_s, 50.0, 1e-12);
  assert_near(c[0].incidents_caused_per_trial, 1.0, 0);
  assert_near(c[1].failures_per_trial, 0.5, 0);
  report_summary_free(s);
  sc->mode = MODEL_MODE_DISASTER;
}

/* The lifetime fixture by hand (see tests/support/report_fixture.h).
** Production downtime in
** trial t: 3600 (t % 3) + 7200 + 9000 k_t with k_t disaster incidents (1 in
** trials 0, 5, 15, 6 in trial 10): 68400 from sql-prod (sum of t % 3 over
** 20 trials = 19), 144000 from blob, 64800 from the 9 incidents' RTOs and
** 16200 from their failbacks: 293400 s in all. */
static void test_lifetime_report(void **state)
{
  env *e = *state;
  report_error err = {{0}};
  fixture_lifetime_init(&e->f);
  const model_scenario *sc = &e->f.sc;
  int64_t id = fixture_lifetime_run(e->st, sc, REPORT_DETAIL_SUMMARY);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(e->st, id, &s, &err), REPORT_OK);
  const double H = FIXTURE_LT_H, n = FIXTURE_LT_TRIALS;
  const report_summary_lifetime_row *lt;
  assert_int_equal(report_summary_lifetime(s, &lt), 2);
  const report_summary_lifetime_row *p = &lt[0];
  assert_string_equal(p->environment, "production");
  assert_int_equal(p->n, 20);
  assert_near(p->objective, 0.999, 0);
  assert_near(p->downtime_s.est, 293400.0 / n, 1e-9);
  assert_near(p->availability.est, 1.0 - 293400.0 / (n * H), 1e-14);
  assert_true(p->availability.lo < p->availability.est && p->availability.est < p->availability.hi);
  /* The allowed 31536 s is exceeded only in trial 10 (64800 s). */
  assert_near(p->p_meet.est, 19.0 / 20.0, 1e-15);
  report_stats_ci w = report_stats_wilson(19, 20, REPORT_STATS_LEVEL);
  assert_near(p->p_meet.lo, w.lo, 1e-15);
  /* What it rests on. */
  assert_int_equal(p->n_disaster, 4);
  assert_int_equal(p->disaster_incidents, 9);
  assert_int_equal(p->incidents_itemised, 7);
  assert_int_equal(p->component_incidents, 19 + 20);
  assert_near(p->p_no_disaster, exp(-0.1), 1e-15);
  assert_near(p->expected_n_disaster, 20.0 * (1.0 - exp(-0.1)), 1e-12);
  /* Given a disaster: trials 0, 5, 10, 15 with 16200, 23400, 64800, 16200 s
  ** down; without: the other 16, 172800 s together. */
  assert_near(p->disaster_downtime_s.est, 30150.0, 1e-9);
  assert_near(p->disaster_availability.est, 1.0 - 30150.0 / H, 1e-14);
  assert_near(p->disaster_p_meet.est, 0.75, 0);
  assert_near(p->quiet_downtime_s.est, 10800.0, 1e-9);
  assert_near(p->quiet_p_meet.est, 1.0, 0);
  /* The disaster-year interval: t(3) over the four availabilities. */
  {
    double d[4] = {16200, 23400, 64800, 16200}, m = 30150.0, ss = 0;
    for (int i = 0; i < 4; i++) ss += (d[i] - m) * (d[i] - m);
    double half = gsl_cdf_tdist_Pinv(0.975, 3) * sqrt(ss / 3.0 / 4.0) / H;
    assert_near(p->disaster_availability.hi - p->disaster_availability.est, half, 1e-12);
  }
  /* Post-stratified on p0 = e^-0.1: p0 x quiet + (1 - p0) x disaster. */
  double p0 = exp(-0.1);
  assert_near(p->stratified_availability.est,
              1.0 - (p0 * 10800.0 + (1.0 - p0) * 30150.0) / H, 1e-14);
  assert_true(p->stratified_availability.lo < p->stratified_availability.est);
  /* Per incident: the 7 itemised, each 2 h / 10 min, within 4 h / 15 min. */
  assert_int_equal(p->n_incidents, 7);
  assert_near(p->incident_rto_p50.est, 7200.0, 0);
  assert_near(p->incident_rpo_p95.est, 600.0, 0);
  assert_near(p->incident_rto_meet.est, 1.0, 0);
  assert_near(p->incident_rpo_meet.est, 1.0, 0);
  assert_int_equal(p->incidents_not_recovered, 0);
  assert_near(p->downtime_per_incident_s, 9000.0, 1e-9);
  assert_near(p->downtime_component_s + p->downtime_disaster_s + p->downtime_failback_s,
              p->downtime_s.est, 1e-9);
  /* Staging: no RPO objective, so no share within it. */
  assert_true(isnan(lt[1].incident_rpo_meet.est));
  assert_near(lt[1].incident_rto_meet.est, 1.0, 0);

  /* Causes: production blob 144000, sql-prod 68400, region disaster 64800,
  ** failback 16200; staging blob, region disaster, failback (sql-prod
  ** never takes staging down). Shares of each environment sum to 1. */
  const report_summary_cause_row *c;
  size_t nc = report_summary_causes(s, &c);
  assert_int_equal(nc, 4 + 3);
  const char *want[7] = {"blob", "sql-prod", "region disaster", "failback",
                         "blob", "region disaster", "failback"};
  const double sums[7] = {144000, 68400, 64800, 16200, 144000, 64800, 16200};
  double share_sum[2] = {0, 0};
  for (size_t i = 0; i < nc; i++) {
    assert_string_equal(c[i].cause, want[i]);
    assert_string_equal(c[i].environment, i < 4 ? "production" : "staging");
    double total = i < 4 ? 293400.0 : 225000.0;
    assert_near(c[i].share, sums[i] / total, 1e-15);
    assert_near(c[i].downtime_s.est, sums[i] / n, 1e-9);
    assert_near(c[i].availability_cost, sums[i] / n / H, 1e-18);
    share_sum[i >= 4] += c[i].share;
  }
  assert_near(share_sum[0], 1.0, 1e-15);
  assert_near(share_sum[1], 1.0, 1e-15);
  assert_int_equal(c[0].kind, REPORT_CAUSE_COMPONENT);
  assert_int_equal(c[2].kind, REPORT_CAUSE_DISASTER);
  assert_int_equal(c[3].kind, REPORT_CAUSE_FAILBACK);
  assert_int_equal(c[1].trials, 13);   /* sql-prod failed in 13 trials */
  assert_int_equal(c[2].trials, 4);
  /* blob costs the same 7200 s every trial: a zero-width interval. */
  assert_near(c[0].downtime_s.lo, 7200.0, 1e-6);
  assert_near(c[0].downtime_s.hi, 7200.0, 1e-6);
  /* sql-prod: 3600 f, f = 0 (7 trials), 1 (7), 2 (6): t(19) interval. */
  {
    double m = 3420.0, ss = 7 * m * m + 7 * (3600 - m) * (3600 - m) + 6 * (7200 - m) * (7200 - m);
    double half = gsl_cdf_tdist_Pinv(0.975, 19) * sqrt(ss / 19.0 / 20.0);
    assert_near(c[1].downtime_s.hi - c[1].downtime_s.est, half, 1e-6);
  }
  assert_string_equal(p->top_cause, "blob");
  assert_near(p->top_cause_share, 144000.0 / 293400.0, 1e-15);

  /* MTBF / MTTR against the targets. sql-prod: down d = 3600 f exactly, so
  ** MTTR = 1 h with a zero-width interval; MTBF = (20 H - 68400) / 19 with
  ** the ratio interval, sum (y - R f)^2 = (R + 3600)^2 S_ff, S_ff = 31 -
  ** 19^2 / 20 = 12.95, se = sqrt(that / (20 x 19)) / (19 / 20). */
  const report_summary_component_row *k;
  assert_int_equal(report_summary_components(s, &k), 3);
  assert_int_equal(k[0].failures, 19);
  assert_near(k[0].mtbf_target_s, 720 * 3600.0, 1e-6);
  assert_near(k[0].mttr_target_s, 7200.0, 1e-9);
  assert_near(k[0].mttr_s.est, 3600.0, 1e-9);
  assert_near(k[0].mttr_s.lo, 3600.0, 1e-6);
  assert_near(k[0].mttr_s.hi, 3600.0, 1e-6);
  double R = (20 * H - 68400.0) / 19.0;
  assert_near(k[0].mtbf_s.est, R, 1e-6);
  double se = (R + 3600.0) * sqrt(12.95 / 380.0) / 0.95;
  assert_near(k[0].mtbf_s.hi - R, gsl_cdf_tdist_Pinv(0.975, 19) * se, 1e-3);
  assert_near(R - k[0].mtbf_s.lo, gsl_cdf_tdist_Pinv(0.975, 19) * se, 1e-3);
  /* blob: once a trial for 2 h: every ratio exact. */
  assert_int_equal(k[1].failures, 20);
  assert_near(k[1].mttr_s.est, 7200.0, 1e-9);
  assert_near(k[1].mtbf_s.est, H - 7200.0, 1e-6);
  assert_near(k[1].mtbf_s.hi, H - 7200.0, 1e-3);
  assert_near(k[1].mtbf_target_s, 1000 * 3600.0, 1e-6);
  /* app never fails: nothing observed, no target. */
  assert_int_equal(k[2].failures, 0);
  assert_true(isnan(k[2].mtbf_s.est) && isnan(k[2].mttr_s.est));
  assert_true(isnan(k[2].mtbf_target_s));
  report_summary_free(s);
}

/* Disaster mode has no lifetime rows or causes, and components no MTBF. */
static void test_disaster_mode_has_no_lifetime(void **state)
{
  env *e = *state;
  report_error err = {{0}};
  int64_t id = fixture_run(e->st, &e->f.sc, 10, REPORT_DETAIL_SUMMARY);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(e->st, id, &s, &err), REPORT_OK);
  const report_summary_lifetime_row *lt;
  const report_summary_cause_row *c;
  const report_summary_component_row *k;
  assert_int_equal(report_summary_lifetime(s, &lt), 0);
  assert_int_equal(report_summary_causes(s, &c), 0);
  assert_int_equal(report_summary_components(s, &k), 3);
  assert_true(isnan(k[0].mtbf_s.est) && isnan(k[0].mttr_s.est));
  report_summary_free(s);
}

/* Issue 15: trials that did not affect an environment are no sample. In
** 40 trials, production is affected in the even ones only (its odd trials
** say RTO 0, which must not count), staging in none: it is "not affected",
** n = 0, and neither a miss nor a success. */
static void test_affected(void **state)
{
  env *e = *state;
  report_error err = {{0}};
  report_run_info info = {.trials = 40, .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(e->st, &info, &e->f.sc, &id, &err), REPORT_OK);
  void *rec = fixture_records(&e->f.sc, 0, 40);
  size_t rs = model_outcome_size(&e->f.sc);
  for (size_t t = 0; t < 40; t++) {
    model_trial_view v = model_outcome_view(&e->f.sc, (unsigned char *)rec + t * rs);
    v.env[0].affected = t % 2 == 0;
    if (t % 2) v.env[0].rto_s = v.env[0].rpo_s = 0;
    v.env[1].affected = 0;
    v.env[1].rto_s = v.env[1].rpo_s = 0;
  }
  assert_int_equal(report_store_run_append(e->st, id, &e->f.sc, 0, 40, rec, rs, &err), REPORT_OK);
  free(rec);
  assert_int_equal(report_store_run_finish(e->st, id, REPORT_RUN_COMPLETE, &err), REPORT_OK);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(e->st, id, &s, &err), REPORT_OK);
  const report_summary_row *r;
  assert_int_equal(report_summary_rows(s, &r), 5);
  for (int i = 0; i < 3; i++) {              /* production: rto, rpo, full capacity */
    assert_int_equal(r[i].n, 20);
    assert_int_equal(r[i].n_affected, 20);
  }
  /* even trials 0..38 minus the unrecovered ones (t % 10 == 9 are odd): the
  ** smallest RTO is trial 0's 3600 s, not an unaffected trial's 0 */
  assert_true(r[0].p50.est >= 3600.0);
  assert_int_equal(r[0].n_meet, 20);         /* 3600 + 10 t <= 4 h for every even t */
  assert_int_equal(r[0].not_recovered, 0);
  for (int i = 3; i < 5; i++) {              /* staging: not affected */
    assert_int_equal(r[i].n, 0);
    assert_int_equal(r[i].n_affected, 0);
    assert_true(isnan(r[i].p_meet.est));
  }
  /* 20 of 20 met: shown at share 0.8 (0.8^20 = 1.2 % <= 5 %), staging not
  ** affected is not counted; at 0.99 (0.99^20 = 82 %) inconclusive */
  model_meet_rule rule = {0.8, 0.95};
  assert_int_equal(report_meet_not_met(s, &rule, NULL, NULL, NULL), 0);
  rule.share = 0.99;
  size_t unsure = 0;
  assert_int_equal(report_meet_not_met(s, &rule, NULL, &unsure, NULL), 2);
  assert_int_equal(unsure, 2);
  report_summary_free(s);
}

static void test_empty_and_missing(void **state)
{
  env *e = *state;
  report_error err = {{0}};
  report_run_info info = {.trials = 10, .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(e->st, &info, &e->f.sc, &id, &err), REPORT_OK);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(e->st, id, &s, &err), REPORT_OK);
  const report_summary_row *r;
  assert_int_equal(report_summary_rows(s, &r), 5);
  assert_int_equal(r[0].n, 0);
  assert_true(isnan(r[0].mean.est) && isnan(r[0].p99.est) && isnan(r[0].max));
  assert_true(isnan(r[0].p_meet.est));
  size_t none = 0;   /* n = 0: no data, never met */
  model_meet_rule rule = model_meet_default();
  assert_int_equal(report_meet_not_met(s, &rule, NULL, NULL, &none), 3);
  assert_int_equal(none, 3);
  const report_summary_step_row *st;
  assert_int_equal(report_summary_steps(s, &st), 4);
  assert_true(isnan(st[0].mean_duration_s) && isnan(st[0].criticality.est));
  report_summary_free(s);
  assert_int_equal(report_summary_build(e->st, 4242, &s, &err), REPORT_ENOTFOUND);
  assert_null(s);
  assert_non_null(strstr(err.text, "4242"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_metric_rows, setup, teardown),
    cmocka_unit_test_setup_teardown(test_steps_components_pools, setup, teardown),
    cmocka_unit_test_setup_teardown(test_pool_from_detail, setup, teardown),
    cmocka_unit_test_setup_teardown(test_lifetime, setup, teardown),
    cmocka_unit_test_setup_teardown(test_lifetime_report, setup, teardown),
    cmocka_unit_test_setup_teardown(test_disaster_mode_has_no_lifetime, setup, teardown),
    cmocka_unit_test_setup_teardown(test_affected, setup, teardown),
    cmocka_unit_test_setup_teardown(test_empty_and_missing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
