/*
** reports/summary_scan.c — the two streaming passes over a run's trials
** that give the summary its exact percentiles in flat memory (described
** below). Part of the summary module (reports/summary_internal.h).
*/
#include "reports/summary_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "reports/hist.h"

/* ---- One streaming scan of the trials, twice ------------------------------
** The trials are read twice through report_store_trial_scan, never held:
** the first pass fills, per environment and metric, a histogram
** (reports/hist.h), the counts and the sums for the means; the second pass
** computes the means' deviations (the corrected two-pass of
** report_stats_mean, so the means are those of the values in trial order)
** and keeps the values of the few histogram buckets holding the order
** statistics the percentiles and their intervals need. The percentiles are
** therefore exact (the same figures as sorting every value), in memory
** that does not grow with the trials: about 0.8 MB per histogram plus at
** most SCAN_KEEP kept values in all; a bucket too crowded to keep (only
** with billions of trials) keeps its histogram estimate, within the bound
** of reports/hist.h (0.05 % of the value; intervals widened by at most one
** 0.1 % bucket). */



static void mom_add1(moments *a, double x)
{
  if (isfinite(x)) {
    a->sum += x;
    a->m++;
  }
}

static void mom_mid(moments *a) { a->mean = a->m ? a->sum / (double)a->m : 0.0; }

static void mom_add2(moments *a, double x)
{
  if (isfinite(x)) {
    double d = x - a->mean;
    a->c += d;
    a->m2 += d * d;
  }
}

report_stats_ci summary_mom_ci(const moments *a)
{
  report_stats_ci r = {NAN, NAN, NAN};
  if (a->m == 0) return r;
  double m = (double)a->m, m2 = a->m2 - a->c * a->c / m;
  if (m2 < 0.0) m2 = 0.0;
  r.est = a->mean + a->c / m;
  if (a->m < 2) return r;
  double half = gsl_cdf_tdist_Pinv(0.5 + REPORT_STATS_LEVEL / 2.0, m - 1.0) *
                sqrt(m2 / (m - 1.0)) / sqrt(m);
  r.lo = r.est - half;
  r.hi = r.est + half;
  return r;
}

/* Sample variance about the plain mean sum / m (NaN below 2 values). */
double summary_mom_var(const moments *a)
{
  return a->m < 2 ? NAN : a->m2 / (double)(a->m - 1);
}



/* Include the trial in the rto/rpo rows? Only trials that affected the
** environment have an RTO/RPO (the models write 0 for the others). Disaster
** mode: trials.affected (older databases read as affected). Lifetime mode:
** trials where a disaster started an incident; databases before schema 2
** lack disaster_incidents, so there any incident counts. */
static int has_sample(int lifetime, const report_trial_row *r)
{
  if (!lifetime) return r->affected;
  if (!isnan(r->disaster_incidents)) return r->disaster_incidents > 0;
  return !isnan(r->incidents) && r->incidents > 0;
}

/* Feed value x of metric j: pass 1 counts, pass 2 deviations and kept values. */
static void feed(const scan *sc, metric_acc *a, double x)
{
  if (isnan(x)) return;
  if (sc->pass == 1) {
    report_hist_add(a->h, x);
    mom_add1(&a->mom, x);
    a->n++;
  } else {
    report_hist_collect(a->h, x);
    mom_add2(&a->mom, x);
  }
}

static int scan_row(void *ctx, const report_trial_row *r)
{
  scan *sc = ctx;
  const report_run *run = sc->run;
  env_acc *a = &sc->acc[sc->cur];
  const report_run_env *env = a->env;
  int p1 = sc->pass == 1, sample = has_sample(sc->lifetime, r), rec = r->recovered != 0;
  if (p1) {
    a->n++;
    a->n_affected += sample != 0;
    a->env_notrec += !rec;
  }
  /* rto: NULL came back as +inf; with recovered = 1 it can only mean "no
  ** value" (dropped), never "not recovered". */
  if (sample && !(rec && isinf(r->rto_s))) {
    if (p1) {
      a->m[M_RTO].notrec += !rec;
      a->m[M_RTO].meet += rec && r->rto_s <= env->rto_objective_s;
    }
    feed(sc, &a->m[M_RTO], rec ? r->rto_s : INFINITY);
  }
  if (sample) {
    if (p1) {
      a->m[M_RPO].notrec += !rec;
      a->m[M_RPO].meet += rec && r->rpo_s <= env->rpo_objective_s;
    }
    feed(sc, &a->m[M_RPO], r->rpo_s);
    /* NULL (NaN) in a pool environment: the pool never got there. */
    if (a->m[M_FULL].h)
      feed(sc, &a->m[M_FULL], isnan(r->full_capacity_s) ? INFINITY : r->full_capacity_s);
  }
  if (a->m[M_POOL_FS].h) {
    feed(sc, &a->m[M_POOL_FS], isnan(r->first_service_s) ? INFINITY : r->first_service_s);
    feed(sc, &a->m[M_POOL_FC], isnan(r->full_capacity_s) ? INFINITY : r->full_capacity_s);
  }
  if (!sc->lifetime) return 0;

  double av = r->availability, dt = r->downtime_s;
  double obj = env->availability_objective, dobj = (1.0 - obj) * run->horizon_s;
  if (p1) {
    a->m[M_AVAIL].meet += !isnan(av) && av >= obj;
    a->m[M_DOWN].meet += !isnan(dt) && dt <= dobj;
  }
  feed(sc, &a->m[M_AVAIL], av);
  feed(sc, &a->m[M_DOWN], dt);
  const double kinds[3] = {r->downtime_component_s, r->downtime_disaster_s,
                           r->downtime_failback_s};
  int st = sample != 0;
  if (p1) {
    a->n_disaster += (size_t)st;
    if (isfinite(r->disaster_incidents)) a->disaster_incidents += (uint64_t)r->disaster_incidents;
    if (isfinite(r->component_incidents))
      a->component_incidents += (uint64_t)r->component_incidents;
    double x = kinds[1], y = kinds[2];
    a->dis_down += (isfinite(x) ? x : 0) + (isfinite(y) ? y : 0);
    if (!isnan(av)) {
      a->strat_n[st]++;
      a->strat_meet[st] += av >= obj;
    }
    mom_add1(&a->strat_av[st], av);
    mom_add1(&a->strat_dt[st], dt);
    for (int j = 0; j < 3; j++) {
      mom_add1(&a->kind[j], kinds[j]);
      if (isfinite(kinds[j]) && kinds[j] > 0) {
        a->cause_hits[j]++;
        a->cause_sum[j] += kinds[j];
        a->cause_sum_sq[j] += kinds[j] * kinds[j];
      }
    }
  } else {
    mom_add2(&a->strat_av[st], av);
    mom_add2(&a->strat_dt[st], dt);
    for (int j = 0; j < 3; j++) mom_add2(&a->kind[j], kinds[j]);
  }
  return 0;
}

void summary_scan_free(scan *sc)
{
  if (!sc->acc) return;
  for (size_t e = 0; e < sc->run->n_environments; e++)
    for (int j = 0; j < M_COUNT; j++) report_hist_free(sc->acc[e].m[j].h);
  free(sc->acc);
  sc->acc = NULL;
}

static int scan_values(void *ctx, const double *v)
{
  scan *sc = ctx;
  const int *c = sc->col;
#define V(t, none) (c[t] >= 0 ? v[c[t]] : (none))
  report_trial_row r = {
    .rto_s = V(T_RTO, INFINITY), .rpo_s = V(T_RPO, INFINITY),
    .recovered = V(T_RECOVERED, 1) != 0,
    .first_service_s = V(T_FIRST, NAN), .full_capacity_s = V(T_FULL, NAN),
    .availability = V(T_AVAILABILITY, NAN), .downtime_s = V(T_DOWNTIME, NAN),
    .incidents = V(T_INCIDENTS, NAN), .disaster_incidents = V(T_DISASTER_INCIDENTS, NAN),
    .component_incidents = V(T_COMPONENT_INCIDENTS, NAN),
    .downtime_component_s = V(T_DT_COMPONENT, NAN),
    .downtime_disaster_s = V(T_DT_DISASTER, NAN),
    .downtime_failback_s = V(T_DT_FAILBACK, NAN),
    .affected = isnan(V(T_AFFECTED, NAN)) || V(T_AFFECTED, NAN) != 0,
  };
#undef V
  return scan_row(sc, &r);
}

/* One pass over every environment's trials, reading only the columns its
** metrics need. */
static int scan_pass(report_store *st, scan *sc, report_error *err)
{
  static const char *const names[T_COUNT] = {
    "rto_s", "rpo_s", "recovered", "affected", "full_capacity_s", "first_service_s",
    "incidents", "disaster_incidents", "availability", "downtime_s", "component_incidents",
    "downtime_component_s", "downtime_disaster_s", "downtime_failback_s"};
  for (size_t e = 0; e < sc->run->n_environments; e++) {
    const env_acc *a = &sc->acc[e];
    int want[T_COUNT] = {1, 1, 1, !sc->lifetime, a->m[M_FULL].h || a->m[M_POOL_FC].h,
                         a->m[M_POOL_FS].h != NULL};
    for (int t = T_INCIDENTS; t < T_COUNT; t++) want[t] = sc->lifetime;
    const char *cols[T_COUNT];
    size_t k = 0;
    for (int t = 0; t < T_COUNT; t++) {
      sc->col[t] = want[t] ? (int)k : -1;
      if (want[t]) cols[k++] = names[t];
    }
    sc->cur = e;
    int rc = report_store_trial_scan(st, sc->run->id, a->env->name, cols, k, scan_values, sc,
                                     err);
    if (rc) return rc;
  }
  return REPORT_OK;
}

/* Both passes over the trials of the run. */
int summary_scan_trials(report_summary *s, report_store *st, scan *sc, report_error *err)
{
  const report_run *run = s->run;
  memset(sc, 0, sizeof *sc);
  sc->run = run;
  sc->lifetime = run->mode == MODEL_MODE_LIFETIME;
  size_t ne = run->n_environments;
  sc->acc = calloc(ne ? ne : 1, sizeof *sc->acc);
  if (!sc->acc) return summary_nomem(st, err);
  size_t nh = 0;
  for (size_t e = 0; e < ne; e++) {
    env_acc *a = &sc->acc[e];
    a->env = &run->environments[e];
    int pools = 0;
    for (size_t p = 0; p < run->n_standby; p++)
      if (run->standby[p].environment && strcmp(run->standby[p].environment, a->env->name) == 0)
        pools++;
    a->has_pool = pools > 0;
    int want[M_COUNT] = {1, 1, a->has_pool && !sc->lifetime, sc->lifetime, sc->lifetime,
                         pools == 1 && run->detail != REPORT_DETAIL_STEPS, 0};
    want[M_POOL_FC] = want[M_POOL_FS];
    for (int j = 0; j < M_COUNT; j++) {
      if (!want[j]) continue;
      if (!(a->m[j].h = report_hist_new())) return summary_nomem(st, err);
      nh++;
    }
  }
  sc->pass = 1;
  int rc = scan_pass(st, sc, err);
  if (rc) return rc;
  /* Plan the exact pass: the percentiles of the rows and of the pools. */
  static const double ps[4] = {0.50, 0.90, 0.95, 0.99};
  size_t cap = SCAN_KEEP / (nh ? nh : 1);
  for (size_t e = 0; e < ne; e++)
    for (int j = 0; j < M_COUNT; j++) {
      metric_acc *m = &sc->acc[e].m[j];
      if (!m->h) continue;
      mom_mid(&m->mom);
      if (report_hist_plan(m->h, ps, 4, REPORT_STATS_LEVEL, cap)) return summary_nomem(st, err);
    }
  for (size_t e = 0; e < ne; e++) {
    env_acc *a = &sc->acc[e];
    for (int k = 0; k < 2; k++) {
      mom_mid(&a->strat_av[k]);
      mom_mid(&a->strat_dt[k]);
    }
    for (int j = 0; j < 3; j++) mom_mid(&a->kind[j]);
  }
  sc->pass = 2;
  return scan_pass(st, sc, err);
}
