/*
** reports/summary.c — builds a report_summary from the store (contract in
** reports/summary.h). The trials are streamed twice, never held (see "One
** streaming scan" below): memory stays flat at any trial count and the
** percentiles are still the exact order statistics. Steps, components and
** pools come from the aggregates the store keeps, so they cost nothing per
** trial. Lifetime mode reads a few more trial columns in the same scan (the
** downtime by kind of cause, the incident counts), the itemised incidents,
** and the downtime-by-(environment, component) and MTBF/MTTR aggregates.
*/
#include "reports/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "reports/hist.h"
#include "reports/costs.h"
#include <sqlite3.h>

#define HOURS_PER_YEAR 8760.0

struct report_summary {
  report_run *run;
  report_summary_row *rows;
  size_t n_rows, cap_rows;
  report_summary_step_row *steps;
  size_t n_steps;
  report_summary_component_row *components;
  size_t n_components;
  report_summary_standby_row *standby;
  size_t n_standby;
  report_summary_lifetime_row *lifetime;
  size_t n_lifetime;
  report_summary_cause_row *causes;
  size_t n_causes, cap_causes;
  char **leads;             /* report_summary_add_lead */
  size_t n_leads;
  report_costs *costs;      /* NULL: the run has no costs */
};

const report_costs *report_summary_costs(const report_summary *s) { return s->costs; }

const report_run *report_summary_run(const report_summary *s) { return s->run; }

size_t report_summary_rows(const report_summary *s, const report_summary_row **items)
{
  *items = s->rows;
  return s->n_rows;
}

size_t report_summary_steps(const report_summary *s, const report_summary_step_row **items)
{
  *items = s->steps;
  return s->n_steps;
}

size_t report_summary_components(const report_summary *s,
                                 const report_summary_component_row **items)
{
  *items = s->components;
  return s->n_components;
}

size_t report_summary_standby(const report_summary *s,
                              const report_summary_standby_row **items)
{
  *items = s->standby;
  return s->n_standby;
}

size_t report_summary_lifetime(const report_summary *s,
                               const report_summary_lifetime_row **items)
{
  *items = s->lifetime;
  return s->n_lifetime;
}

size_t report_summary_causes(const report_summary *s, const report_summary_cause_row **items)
{
  *items = s->causes;
  return s->n_causes;
}

void report_summary_free(report_summary *s)
{
  if (!s) return;
  report_store_run_free(s->run);
  free(s->lifetime);
  free(s->causes);
  free(s->rows);
  free(s->steps);
  free(s->components);
  free(s->standby);
  for (size_t i = 0; i < s->n_leads; i++) free(s->leads[i]);
  free(s->leads);
  report_costs_free(s->costs);
  free(s);
}

int report_summary_add_lead(report_summary *s, const char *text)
{
  char **l = realloc(s->leads, (s->n_leads + 1) * sizeof *l);
  if (!l) return REPORT_ENOMEM;
  s->leads = l;
  size_t n = strlen(text) + 1;
  if (!(l[s->n_leads] = malloc(n))) return REPORT_ENOMEM;
  memcpy(l[s->n_leads++], text, n);
  return REPORT_OK;
}

size_t report_summary_leads(const report_summary *s, const char *const **items)
{
  *items = (const char *const *)s->leads;
  return s->n_leads;
}

size_t report_summary_missed(const report_summary *s, double min_p_meet)
{
  size_t k = 0;
  for (size_t i = 0; i < s->n_rows; i++) {
    const report_summary_row *r = &s->rows[i];
    if (isnan(r->objective)) continue;
    /* not affected in any of the trials run: nothing to meet */
    if (r->n == 0 && r->n_affected == 0 && s->run->trials_done > 0) continue;
    if (r->n == 0 || r->p_meet.est < min_p_meet) k++;
  }
  return k;
}

static int nomem(report_store *st, report_error *err)
{
  if (err)
    snprintf(err->text, sizeof err->text, "%s: out of memory while summarising",
             report_store_path(st));
  return REPORT_ENOMEM;
}

static report_summary_row *new_row(report_summary *s, const char *env,
                                   const char *metric)
{
  if (s->n_rows == s->cap_rows) {
    size_t nc = s->cap_rows ? 2 * s->cap_rows : 8;
    report_summary_row *r = realloc(s->rows, nc * sizeof *r);
    if (!r) return NULL;
    s->rows = r;
    s->cap_rows = nc;
  }
  report_summary_row *row = &s->rows[s->n_rows++];
  memset(row, 0, sizeof *row);
  row->environment = env;
  row->metric = metric;
  row->unit = "s";
  row->objective = NAN;
  row->p_meet = (report_stats_ci){NAN, NAN, NAN};
  return row;
}

static void set_objective(report_summary_row *row, double objective, size_t meet)
{
  row->objective = objective;
  if (!isnan(objective)) {
    row->n_meet = meet;
    row->p_meet = report_stats_wilson(meet, row->n, REPORT_STATS_LEVEL);
  }
}

/* Mean with its t interval from n values' sum and sum of squares (the
** aggregates the store keeps instead of the values). */
static report_stats_ci mean_from_moments(double n, double sum, double sum_sq)
{
  report_stats_ci r = {NAN, NAN, NAN};
  if (!(n >= 1)) return r;
  double m = sum / n;
  r.est = m;
  if (n < 2) return r;
  double var = (sum_sq - n * m * m) / (n - 1.0);
  if (!(var > 0)) var = 0;   /* rounding; or every value equal */
  double half = gsl_cdf_tdist_Pinv(0.5 + REPORT_STATS_LEVEL / 2.0, n - 1.0) * sqrt(var / n);
  r.lo = m - half;
  r.hi = m + half;
  return r;
}

/* The ratio R = sum_y / sum_x of two per-trial totals over n independent
** trials with the delta-method interval R ± t(n-1) se,
** se = sqrt(q / (n (n - 1))) / mean(x), q = sum over trials of
** (y - R x)^2. q < 0 (rounding) counts as 0; q NaN: no interval. */
static report_stats_ci ratio_ci(double n, double sum_y, double sum_x, double q)
{
  report_stats_ci r = {NAN, NAN, NAN};
  if (!(sum_x > 0)) return r;
  r.est = sum_y / sum_x;
  if (n < 2 || isnan(q)) return r;
  if (q < 0) q = 0;
  double se = sqrt(q / (n * (n - 1.0))) / (sum_x / n);
  double half = gsl_cdf_tdist_Pinv(0.5 + REPORT_STATS_LEVEL / 2.0, n - 1.0) * se;
  r.lo = r.est - half;
  r.hi = r.est + half;
  return r;
}

/* What the disaster incidents are called as a cause, from the run's
** disaster ("region-outage eastus" -> "region disaster"). */
static const char *disaster_cause(const report_run *run)
{
  static const char *const cause[] = {"region disaster", "zone disaster", "component disaster"};
  const char *d = run->disaster;
  for (int t = 0; d && t <= MODEL_DISASTER_COMPONENT; t++) {
    const char *k = model_disaster_type_name((model_disaster_type)t);
    if (strncmp(d, k, strlen(k)) == 0) return cause[t];
  }
  return "disaster";
}

static report_summary_cause_row *new_cause(report_summary *s)
{
  if (s->n_causes == s->cap_causes) {
    size_t nc = s->cap_causes ? 2 * s->cap_causes : 16;
    report_summary_cause_row *r = realloc(s->causes, nc * sizeof *r);
    if (!r) return NULL;
    s->causes = r;
    s->cap_causes = nc;
  }
  report_summary_cause_row *c = &s->causes[s->n_causes++];
  memset(c, 0, sizeof *c);
  return c;
}

/* The itemised incidents of environment e: per-incident RTO/RPO. */
static int summarise_incidents(report_store *st, const report_run *run, size_t e,
                               report_summary_lifetime_row *lt, report_error *err)
{
  const report_run_env *env = &run->environments[e];
  const char *cols[3] = {"rto_s", "rpo_s", "recovered"};
  double *v[3] = {NULL, NULL, NULL};
  size_t n = 0;
  int rc = report_store_incident_columns(st, run->id, env->name, cols, 3, v, &n, err);
  if (rc) return rc;
  size_t meet_rto = 0, meet_rpo = 0, notrec = 0;
  for (size_t i = 0; i < n; i++) {
    int rec = v[2][i] != 0;
    notrec += !rec;
    if (!rec) v[0][i] = INFINITY;
    meet_rto += rec && v[0][i] <= env->rto_objective_s;
    meet_rpo += rec && v[1][i] <= env->rpo_objective_s;
  }
  lt->n_incidents = n;
  lt->incidents_itemised = n;
  lt->incidents_not_recovered = notrec;
  report_stats_ci none = {NAN, NAN, NAN};
  lt->incident_rto_meet = isnan(env->rto_objective_s) || isinf(env->rto_objective_s)
                          ? none : report_stats_wilson(meet_rto, n, REPORT_STATS_LEVEL);
  lt->incident_rpo_meet = isnan(env->rpo_objective_s) || isinf(env->rpo_objective_s)
                          ? none : report_stats_wilson(meet_rpo, n, REPORT_STATS_LEVEL);
  size_t m = report_stats_prepare(v[0], n);
  lt->incident_rto_p50 = report_stats_quantile(v[0], m, 0.50, REPORT_STATS_LEVEL);
  lt->incident_rto_p95 = report_stats_quantile(v[0], m, 0.95, REPORT_STATS_LEVEL);
  m = report_stats_prepare(v[1], n);
  lt->incident_rpo_p50 = report_stats_quantile(v[1], m, 0.50, REPORT_STATS_LEVEL);
  lt->incident_rpo_p95 = report_stats_quantile(v[1], m, 0.95, REPORT_STATS_LEVEL);
  for (int j = 0; j < 3; j++) free(v[j]);
  return REPORT_OK;
}

/* Lifetime mode: environment e's lifetime row and causes. */
/* Environment e's causes of downtime, appended to s->causes and sorted by
** share (insertion sort: stable, and an environment has few causes). */
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

#define SCAN_KEEP ((size_t)1 << 23)   /* values kept in the exact pass, all metrics: 64 MB */

/* Mean and t interval of a stream of values, as report_stats_mean computes
** them (finite values only; corrected two-pass). */
typedef struct moments {
  size_t m;                  /* finite values */
  double sum;                /* pass 1 */
  double mean, c, m2;        /* pass 2, about mean = sum / m */
} moments;

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

static report_stats_ci mom_ci(const moments *a)
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
static double mom_var(const moments *a)
{
  return a->m < 2 ? NAN : a->m2 / (double)(a->m - 1);
}

/* The metrics of one environment fed from the trials. */
enum { M_RTO, M_RPO, M_FULL, M_AVAIL, M_DOWN, M_POOL_FS, M_POOL_FC, M_COUNT };

typedef struct metric_acc {
  report_hist *h;            /* NULL: the metric is not summarised here */
  moments mom;
  size_t n;                  /* values (NaN left out) */
  size_t meet, notrec;
} metric_acc;

typedef struct env_acc {
  const report_run_env *env;
  int has_pool;              /* some pool serves the environment */
  metric_acc m[M_COUNT];
  size_t n, n_affected, env_notrec;
  /* lifetime mode */
  size_t n_disaster;
  uint64_t disaster_incidents, component_incidents;
  double dis_down;
  moments strat_av[2], strat_dt[2];   /* [0] quiet trials, [1] with a disaster */
  size_t strat_n[2], strat_meet[2];   /* availability values, meeting it */
  moments kind[3];                     /* downtime by component / disaster / failback */
  size_t cause_hits[3];
  double cause_sum[3], cause_sum_sq[3];
} env_acc;

/* The trial columns the summary reads, and where each goes in a row. */
enum { T_RTO, T_RPO, T_RECOVERED, T_AFFECTED, T_FULL, T_FIRST, T_INCIDENTS,
       T_DISASTER_INCIDENTS, T_AVAILABILITY, T_DOWNTIME, T_COMPONENT_INCIDENTS,
       T_DT_COMPONENT, T_DT_DISASTER, T_DT_FAILBACK, T_COUNT };

typedef struct scan {
  const report_run *run;
  int lifetime;
  env_acc *acc;              /* one per environment */
  size_t cur;                /* environment being read */
  int pass;                  /* 1 or 2 */
  int col[T_COUNT];          /* position of each column in the values read; -1: not read */
} scan;

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

static void scan_free(scan *sc)
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
static int scan_trials(report_summary *s, report_store *st, scan *sc, report_error *err)
{
  const report_run *run = s->run;
  memset(sc, 0, sizeof *sc);
  sc->run = run;
  sc->lifetime = run->mode == MODEL_MODE_LIFETIME;
  size_t ne = run->n_environments;
  sc->acc = calloc(ne ? ne : 1, sizeof *sc->acc);
  if (!sc->acc) return nomem(st, err);
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
      if (!(a->m[j].h = report_hist_new())) return nomem(st, err);
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
      if (report_hist_plan(m->h, ps, 4, REPORT_STATS_LEVEL, cap)) return nomem(st, err);
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

/* Fill the distribution part of a row from metric j's accumulators. */
static void describe(report_summary_row *row, metric_acc *a)
{
  row->n = a->n;
  row->mean = mom_ci(&a->mom);
  row->n_finite = a->mom.m;
  row->p50 = report_hist_quantile(a->h, 0.50, REPORT_STATS_LEVEL);
  row->p90 = report_hist_quantile(a->h, 0.90, REPORT_STATS_LEVEL);
  row->p95 = report_hist_quantile(a->h, 0.95, REPORT_STATS_LEVEL);
  row->p99 = report_hist_quantile(a->h, 0.99, REPORT_STATS_LEVEL);
  row->max = report_hist_max(a->h);
}

/* Environment e's causes of downtime, appended to s->causes and sorted by
** share (insertion sort: stable, and an environment has few causes). */
static int summarise_causes(report_summary *s, size_t e, const env_acc *c,
                            report_summary_lifetime_row *lt)
{
  const report_run *run = s->run;
  const char *env = run->environments[e].name;
  double n = (double)c->n, H = run->horizon_s;
  size_t first = s->n_causes;
  report_summary_cause_row *row;
  int split = run->n_env_components > 0;
  for (size_t k = 0; k < run->n_env_components; k++) {
    const report_run_env_component *x = &run->env_components[k];
    if (x->env_index != e || x->component_index >= run->n_components) continue;
    if (!(x->sum_downtime_s > 0)) continue;
    if (!(row = new_cause(s))) return REPORT_ENOMEM;
    row->environment = env;
    row->cause = run->components[x->component_index].name;
    row->kind = REPORT_CAUSE_COMPONENT;
    row->trials = x->trials;
    row->downtime_s = mean_from_moments(n, x->sum_downtime_s, x->sum_sq_downtime_s);
  }
  /* Per trial columns: component downtime (only when the database has no
  ** split by component), the disaster incidents, failback. */
  const struct {
    report_cause_kind kind;
    const char *name;
  } kinds[3] = {
    {REPORT_CAUSE_COMPONENT, "components (not split: database before schema 3)"},
    {REPORT_CAUSE_DISASTER, disaster_cause(run)},
    {REPORT_CAUSE_FAILBACK, "failback"},
  };
  for (int j = split ? 1 : 0; j < 3; j++) {
    if (!(c->cause_sum[j] > 0)) continue;
    if (!(row = new_cause(s))) return REPORT_ENOMEM;
    row->environment = env;
    row->cause = kinds[j].name;
    row->kind = kinds[j].kind;
    row->trials = c->cause_hits[j];
    row->downtime_s = mean_from_moments(n, c->cause_sum[j], c->cause_sum_sq[j]);
  }
  /* Shares of the sum of the causes (not of the downtime column, which
  ** differs from it by rounding), so they add up to 1. */
  double total = 0;
  for (size_t k = first; k < s->n_causes; k++) total += s->causes[k].downtime_s.est;
  for (size_t k = first; k < s->n_causes; k++) {
    report_summary_cause_row *r = &s->causes[k];
    r->share = r->downtime_s.est / total;
    r->availability_cost = r->downtime_s.est / H;
  }
  for (size_t k = first + 1; k < s->n_causes; k++) {
    report_summary_cause_row x = s->causes[k];
    size_t j = k;
    for (; j > first && s->causes[j - 1].share < x.share; j--) s->causes[j] = s->causes[j - 1];
    s->causes[j] = x;
  }
  if (s->n_causes > first) {
    lt->top_cause = s->causes[first].cause;
    lt->top_cause_share = s->causes[first].share;
  }
  return REPORT_OK;
}


/* Lifetime mode: environment e's lifetime row and causes. */
static int summarise_lifetime(report_summary *s, report_store *st, size_t e,
                              env_acc *c, report_error *err)
{
  const report_run *run = s->run;
  const report_run_env *env = &run->environments[e];
  report_summary_lifetime_row *lt = &s->lifetime[e];
  s->n_lifetime = e + 1;
  report_stats_ci none = {NAN, NAN, NAN};
  lt->environment = env->name;
  lt->n = c->n;
  lt->objective = env->availability_objective;
  lt->availability = mom_ci(&c->m[M_AVAIL].mom);
  lt->downtime_s = mom_ci(&c->m[M_DOWN].mom);
  lt->p_meet = isnan(lt->objective) ? none
             : report_stats_wilson(c->m[M_AVAIL].meet, c->n, REPORT_STATS_LEVEL);
  lt->n_disaster = c->n_disaster;
  lt->disaster_incidents = c->disaster_incidents;
  lt->component_incidents = c->component_incidents;
  lt->downtime_per_incident_s = lt->disaster_incidents
      ? c->dis_down / (double)lt->disaster_incidents : NAN;
  double rate = run->disaster_rate_per_s;
  lt->p_no_disaster = isfinite(rate) && rate >= 0 ? exp(-rate * run->horizon_s) : NAN;
  lt->expected_n_disaster = (double)c->n * (1.0 - lt->p_no_disaster);

  /* The strata: [1] trials with a disaster incident, [0] the others. */
  size_t n1 = c->strat_n[1], n0 = c->strat_n[0];
  lt->disaster_availability = mom_ci(&c->strat_av[1]);
  lt->disaster_downtime_s = mom_ci(&c->strat_dt[1]);
  lt->quiet_availability = mom_ci(&c->strat_av[0]);
  lt->quiet_downtime_s = mom_ci(&c->strat_dt[0]);
  lt->disaster_p_meet = isnan(lt->objective) ? none
      : report_stats_wilson(c->strat_meet[1], n1, REPORT_STATS_LEVEL);
  lt->quiet_p_meet = isnan(lt->objective) ? none
      : report_stats_wilson(c->strat_meet[0], n0, REPORT_STATS_LEVEL);

  /* Post-stratified mean: the strata's weights are known exactly. */
  double p0 = lt->p_no_disaster;
  lt->stratified_availability = none;
  if (!isnan(p0) && (p0 == 0 || n0 >= 2) && (p0 == 1 || n1 >= 2)) {
    double m0 = p0 > 0 ? lt->quiet_availability.est : 0, m1 = p0 < 1 ? lt->disaster_availability.est : 0;
    double v0 = p0 > 0 ? mom_var(&c->strat_av[0]) / (double)n0 : 0;
    double v1 = p0 < 1 ? mom_var(&c->strat_av[1]) / (double)n1 : 0;
    double est = p0 * m0 + (1 - p0) * m1;
    double half = gsl_cdf_ugaussian_Pinv(0.5 + REPORT_STATS_LEVEL / 2.0) *
                  sqrt(p0 * p0 * v0 + (1 - p0) * (1 - p0) * v1);
    lt->stratified_availability = (report_stats_ci){est, est - half, est + half};
  }

  lt->downtime_component_s = mom_ci(&c->kind[0]).est;
  lt->downtime_disaster_s = mom_ci(&c->kind[1]).est;
  lt->downtime_failback_s = mom_ci(&c->kind[2]).est;

  lt->incident_rto_p50 = lt->incident_rto_p95 = lt->incident_rpo_p50 = none;
  lt->incident_rpo_p95 = lt->incident_rto_meet = lt->incident_rpo_meet = none;
  int rc = summarise_incidents(st, run, e, lt, err);
  if (rc) return rc;
  if (summarise_causes(s, e, c, lt)) return nomem(st, err);
  return REPORT_OK;
}

static int summarise_env(report_summary *s, report_store *st, size_t e, env_acc *c,
                         report_error *err)
{
  const report_run *run = s->run;
  const report_run_env *env = &run->environments[e];
  int lifetime = run->mode == MODEL_MODE_LIFETIME;
  static const struct {
    int metric;
    const char *name;
  } rows[4] = {{M_RTO, "rto"}, {M_RPO, "rpo"}, {M_FULL, "full_capacity"},
               {M_AVAIL, "availability"}};
  for (int k = 0; k < 5; k++) {
    int j = k < 4 ? rows[k].metric : M_DOWN;
    metric_acc *a = &c->m[j];
    if (!a->h) continue;
    report_summary_row *row = new_row(s, env->name, k < 4 ? rows[k].name : "downtime");
    if (!row) return nomem(st, err);
    describe(row, a);
    row->n_affected = c->n_affected;
    /* rto and rpo count their own trials not recovered; the other rows
    ** the environment's. */
    row->not_recovered = j == M_RTO || j == M_RPO ? a->notrec : c->env_notrec;
    if (j == M_RTO) set_objective(row, env->rto_objective_s, a->meet);
    else if (j == M_RPO) set_objective(row, env->rpo_objective_s, a->meet);
    else if (j == M_AVAIL) {
      row->is_fraction = 1;
      row->unit = "share";
      row->higher_is_better = 1;
      set_objective(row, env->availability_objective, a->meet);
    } else if (j == M_DOWN) {
      /* NAN propagates */
      set_objective(row, (1.0 - env->availability_objective) * run->horizon_s, a->meet);
    }
  }
  if (lifetime) return summarise_lifetime(s, st, e, c, err);
  return REPORT_OK;
}


static void summarise_steps(report_summary *s)
{
  const report_run *run = s->run;
  for (size_t j = 0; j < run->n_steps; j++) {
    const report_run_step *a = &run->steps[j];
    report_summary_step_row *o = &s->steps[j];
    o->environment = a->environment;
    o->name = a->name;
    o->manual = a->manual;
    o->standby = a->standby;
    o->n = a->n;
    o->criticality = report_stats_wilson(a->critical, a->n, REPORT_STATS_LEVEL);
    o->failure_rate = report_stats_wilson(a->failures, a->n, REPORT_STATS_LEVEL);
    o->n_completed = a->n_completed;
    o->mean_duration_s = NAN;
    o->sd_duration_s = NAN;
    if (a->n_completed > 0) {
      double k = (double)a->n_completed, mean = a->sum_duration_s / k;
      o->mean_duration_s = mean;
      if (a->n_completed > 1) {
        double var = (a->sum_sq_duration_s - k * mean * mean) / (k - 1.0);
        o->sd_duration_s = sqrt(var > 0 ? var : 0);  /* rounding can go below 0 */
      }
    }
    o->attempts_per_trial = a->n ? (double)a->attempts / (double)a->n : NAN;
    o->off_hours_share = a->n ? (double)a->off_hours / (double)a->n : NAN;
    o->mean_team_wait_s = a->team_waits ? a->sum_team_wait_s / (double)a->team_waits : NAN;
  }
  s->n_steps = run->n_steps;
}

static void summarise_components(report_summary *s)
{
  const report_run *run = s->run;
  for (size_t c = 0; c < run->n_components; c++) {
    const report_run_component *a = &run->components[c];
    report_summary_component_row *o = &s->components[c];
    o->name = a->name;
    o->environment = a->environment;
    o->replication_mode = a->replication_mode;
    o->n_rpo = a->n_rpo;
    o->inf_rpo = a->inf_rpo;
    o->mean_rpo_s = a->n_rpo ? a->sum_rpo_s / (double)a->n_rpo : NAN;
    o->max_rpo_s = a->inf_rpo ? INFINITY : a->max_rpo_s;
    o->sets_env_rpo = report_stats_wilson(a->sets_env_rpo, run->trials_done,
                                          REPORT_STATS_LEVEL);
    o->n_failover = a->n_failover;
    o->mean_failover_s = a->n_failover ? a->sum_failover_s / (double)a->n_failover : NAN;
    o->max_failover_s = a->max_failover_s;
    double n = (double)run->trials_done;
    int lt = run->mode == MODEL_MODE_LIFETIME && run->trials_done > 0;
    o->mean_down_s = lt ? a->sum_down_s / n : NAN;
    o->mean_downtime_caused_s = lt ? a->sum_downtime_caused_s / n : NAN;
    o->failures_per_trial = lt ? (double)a->failures / n : NAN;
    o->incidents_caused_per_trial = lt ? (double)a->incidents_caused / n : NAN;
    o->failures = a->failures;
    o->mtbf_target_s = a->mtbf_target_s;
    o->mttr_target_s = a->mttr_target_s;
    report_stats_ci none = {NAN, NAN, NAN};
    o->mtbf_s = o->mttr_s = none;
    if (lt && a->failures > 0) {
      /* Per trial i: up time y = H - d_i, own down time d_i, failures f_i.
      ** The sums of squares about the ratio come from centred moments
      ** (no H^2 terms to cancel): with S_dd, S_df, S_ff the centred sums,
      ** sum (y - R f)^2 = S_dd + 2 R S_df + R^2 S_ff for MTBF (y's
      ** deviations are minus d's) and sum (d - R f)^2 = S_dd - 2 R S_df +
      ** R^2 S_ff for MTTR. A database before schema 3 lacks the squares
      ** (sum_sq_failures = 0 though failures > 0): estimates only. */
      double f = (double)a->failures, d = a->sum_down_s;
      double Sdd = a->sum_sq_down_s - d * d / n, Sdf = a->sum_down_x_failures - d * f / n,
             Sff = a->sum_sq_failures - f * f / n;
      int moments = a->sum_sq_failures > 0;
      double up = n * run->horizon_s - d;
      double R = up / f, Rd = d / f;
      o->mtbf_s = ratio_ci(n, up, f, moments ? Sdd + 2 * R * Sdf + R * R * Sff : NAN);
      o->mttr_s = ratio_ci(n, d, f, moments ? Sdd - 2 * Rd * Sdf + Rd * Rd * Sff : NAN);
    }
  }
  s->n_components = run->n_components;
}

/* Quantiles of one pool time column: NaN (never got there) counts as +inf. */
static void pool_quantiles(double *x, size_t n, report_stats_ci *p50,
                           report_stats_ci *p90, report_stats_ci *p99)
{
  for (size_t i = 0; i < n; i++)
    if (isnan(x[i])) x[i] = INFINITY;
  n = report_stats_prepare(x, n);
  *p50 = report_stats_quantile(x, n, 0.50, REPORT_STATS_LEVEL);
  *p90 = report_stats_quantile(x, n, 0.90, REPORT_STATS_LEVEL);
  *p99 = report_stats_quantile(x, n, 0.99, REPORT_STATS_LEVEL);
}

static int summarise_standby(report_summary *s, report_store *st, const scan *sc,
                             report_error *err)
{
  const report_run *run = s->run;
  int rc = REPORT_OK;
  for (size_t p = 0; p < run->n_standby; p++) {
    const report_run_standby *a = &run->standby[p];
    report_summary_standby_row *o = &s->standby[p];
    s->n_standby = p + 1;
    o->name = a->name;
    o->environment = a->environment;
    o->warm_nodes = a->warm_nodes;
    o->required_nodes = a->required_nodes;
    o->service_nodes = a->service_nodes;
    o->node_cost_per_hour = a->node_cost_per_hour;
    o->annual_warm_cost = a->warm_nodes * a->node_cost_per_hour * HOURS_PER_YEAR;
    o->n = a->n;
    o->mean_first_service_s = a->n_first_service
        ? a->sum_first_service_s / (double)a->n_first_service : NAN;
    o->mean_full_capacity_s = a->n_full_capacity
        ? a->sum_full_capacity_s / (double)a->n_full_capacity : NAN;
    o->max_full_capacity_s = a->n_full_capacity < a->n ? INFINITY : a->max_full_capacity_s;
    o->shortage_share = a->n ? (double)a->shortages / (double)a->n : NAN;
    o->mean_nodes = a->n ? (double)a->nodes / (double)a->n : NAN;
    report_stats_ci none = {NAN, NAN, NAN};
    o->first_service_p50 = o->first_service_p90 = o->first_service_p99 = none;
    o->full_capacity_p50 = o->full_capacity_p90 = o->full_capacity_p99 = none;

    /* Where the per-trial values are. */
    int pools_in_env = 0;
    for (size_t q = 0; q < run->n_standby; q++)
      if (a->environment && run->standby[q].environment &&
          strcmp(a->environment, run->standby[q].environment) == 0)
        pools_in_env++;
    const char *cols_detail[2] = {"first_service_s", "full_capacity_s"};
    double *fs = NULL, *fc = NULL;
    size_t nfs = 0, nfc = 0;
    if (run->detail == REPORT_DETAIL_STEPS) {
      rc = report_store_detail_column(st, run->id, "standby_trials", p, cols_detail[0],
                                      &fs, &nfs, err);
      if (!rc) rc = report_store_detail_column(st, run->id, "standby_trials", p,
                                               cols_detail[1], &fc, &nfc, err);
    } else if (pools_in_env == 1) {
      /* from the trials table, summarised in the scan */
      for (size_t e = 0; e < run->n_environments; e++) {
        metric_acc *m = sc->acc[e].m;
        if (strcmp(run->environments[e].name, a->environment) || !m[M_POOL_FS].h ||
            !m[M_POOL_FS].n || !m[M_POOL_FC].n)
          continue;
        o->has_quantiles = 1;
        o->first_service_p50 = report_hist_quantile(m[M_POOL_FS].h, 0.50, REPORT_STATS_LEVEL);
        o->first_service_p90 = report_hist_quantile(m[M_POOL_FS].h, 0.90, REPORT_STATS_LEVEL);
        o->first_service_p99 = report_hist_quantile(m[M_POOL_FS].h, 0.99, REPORT_STATS_LEVEL);
        o->full_capacity_p50 = report_hist_quantile(m[M_POOL_FC].h, 0.50, REPORT_STATS_LEVEL);
        o->full_capacity_p90 = report_hist_quantile(m[M_POOL_FC].h, 0.90, REPORT_STATS_LEVEL);
        o->full_capacity_p99 = report_hist_quantile(m[M_POOL_FC].h, 0.99, REPORT_STATS_LEVEL);
      }
    }
    if (!rc && nfs > 0 && nfc > 0) {
      o->has_quantiles = 1;
      pool_quantiles(fs, nfs, &o->first_service_p50, &o->first_service_p90,
                     &o->first_service_p99);
      pool_quantiles(fc, nfc, &o->full_capacity_p50, &o->full_capacity_p90,
                     &o->full_capacity_p99);
    }
    free(fs);
    free(fc);
    if (rc) return rc;
  }
  return rc;
}

int report_summary_build(report_store *st, int64_t run_id, report_summary **out,
                         report_error *err)
{
  *out = NULL;
  report_summary *s = calloc(1, sizeof *s);
  if (!s) return nomem(st, err);
  /* One snapshot: a run still being written gives a consistent summary of
  ** its trials_done committed trials. */
  int rc = report_store_snapshot_begin(st, err);
  if (rc) {
    free(s);
    return rc;
  }
  rc = report_store_run_get(st, run_id, &s->run, err);
  if (rc) goto fail;
  const report_run *run = s->run;
  s->steps = calloc(run->n_steps ? run->n_steps : 1, sizeof *s->steps);
  s->components = calloc(run->n_components ? run->n_components : 1, sizeof *s->components);
  s->standby = calloc(run->n_standby ? run->n_standby : 1, sizeof *s->standby);
  s->lifetime = calloc(run->n_environments ? run->n_environments : 1, sizeof *s->lifetime);
  if (!s->steps || !s->components || !s->standby || !s->lifetime) {
    rc = nomem(st, err);
    goto fail;
  }
  scan sc;
  if ((rc = scan_trials(s, st, &sc, err))) goto fail_scan;
  for (size_t e = 0; e < run->n_environments; e++)
    if ((rc = summarise_env(s, st, e, &sc.acc[e], err))) goto fail_scan;
  summarise_steps(s);
  summarise_components(s);
  if ((rc = summarise_standby(s, st, &sc, err))) goto fail_scan;
  {
    int crc = report_costs_read(report_store_sqlite(st), run_id, &s->costs);
    if (crc == SQLITE_NOMEM) {
      rc = nomem(st, err);
      goto fail_scan;
    }
    if (crc != SQLITE_OK) {
      if (err)
        snprintf(err->text, sizeof err->text, "%s: reading the costs of run %lld: %s",
                 report_store_path(st), (long long)run_id, sqlite3_errstr(crc));
      rc = REPORT_EIO;
      goto fail_scan;
    }
  }
  scan_free(&sc);
  report_store_snapshot_end(st);
  *out = s;
  return REPORT_OK;
fail_scan:
  scan_free(&sc);
fail:
  report_store_snapshot_end(st);
  report_summary_free(s);
  return rc;
}

