/*
** reports/summary.c — builds a report_summary from the store (contract in
** reports/summary.h). Each metric column is read once, sorted once, and all
** its quantiles come from that sorted copy; steps, components and pools come
** from the aggregates the store keeps, so they cost nothing per trial.
*/
#include "reports/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
};

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

void report_summary_free(report_summary *s)
{
  if (!s) return;
  report_store_run_free(s->run);
  free(s->rows);
  free(s->steps);
  free(s->components);
  free(s->standby);
  free(s);
}

size_t report_summary_missed(const report_summary *s, double min_p_meet)
{
  size_t k = 0;
  for (size_t i = 0; i < s->n_rows; i++) {
    const report_summary_row *r = &s->rows[i];
    if (isnan(r->objective)) continue;
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

/* Fill the distribution part of a row from values x[0..n) (consumed:
** sorted in place, NaNs dropped). */
static void describe(report_summary_row *row, double *x, size_t n)
{
  n = report_stats_prepare(x, n);
  row->n = n;
  row->mean = report_stats_mean(x, n, REPORT_STATS_LEVEL, NULL);
  row->p50 = report_stats_quantile(x, n, 0.50, REPORT_STATS_LEVEL);
  row->p90 = report_stats_quantile(x, n, 0.90, REPORT_STATS_LEVEL);
  row->p95 = report_stats_quantile(x, n, 0.95, REPORT_STATS_LEVEL);
  row->p99 = report_stats_quantile(x, n, 0.99, REPORT_STATS_LEVEL);
  row->max = n ? x[n - 1] : NAN;
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
  row->objective = NAN;
  row->p_meet = (report_stats_ci){NAN, NAN, NAN};
  return row;
}

/* Per-trial inputs of one environment, all in trial order, same length,
** read in one scan of the trials table. */
enum { C_RTO, C_RPO, C_RECOVERED, C_FULL, C_INCIDENTS, C_DISASTER_INCIDENTS,
       C_AVAILABILITY, C_DOWNTIME, C_COUNT };

typedef struct env_cols {
  double *v[C_COUNT];       /* NULL for columns not read */
  size_t n;
} env_cols;

static void free_cols(env_cols *c)
{
  for (size_t j = 0; j < C_COUNT; j++) free(c->v[j]);
  memset(c, 0, sizeof *c);
}

static int read_env(report_store *st, const report_run *run, const char *env,
                    int has_pool, env_cols *c, report_error *err)
{
  static const char *const names[C_COUNT] = {
    "rto_s", "rpo_s", "recovered", "full_capacity_s", "incidents",
    "disaster_incidents", "availability", "downtime_s"};
  int lifetime = run->mode == MODEL_MODE_LIFETIME;
  const char *cols[C_COUNT];
  int which[C_COUNT];
  size_t k = 0;
  for (int j = 0; j < C_COUNT; j++) {
    int want = j <= C_RECOVERED || (j == C_FULL && has_pool && !lifetime) ||
               (j >= C_INCIDENTS && lifetime);
    if (want) {
      which[k] = j;
      cols[k++] = names[j];
    }
  }
  double *vals[C_COUNT];
  int rc = report_store_trial_columns(st, run->id, env, cols, k, vals, &c->n, err);
  if (rc) return rc;
  for (size_t j = 0; j < k; j++) c->v[which[j]] = vals[j];
  return REPORT_OK;
}

/* Include trial i in the rto/rpo rows? In lifetime mode only trials where
** a disaster started an incident have an RTO/RPO (the model writes 0 for
** the others); databases before schema 2 lack disaster_incidents, so there
** any incident counts. */
static int has_sample(const env_cols *c, size_t i)
{
  if (!c->v[C_INCIDENTS]) return 1;   /* disaster mode */
  double d = c->v[C_DISASTER_INCIDENTS][i];
  if (!isnan(d)) return d > 0;
  return !isnan(c->v[C_INCIDENTS][i]) && c->v[C_INCIDENTS][i] > 0;
}

static void set_objective(report_summary_row *row, double objective, size_t meet)
{
  row->objective = objective;
  if (!isnan(objective)) {
    row->n_meet = meet;
    row->p_meet = report_stats_wilson(meet, row->n, REPORT_STATS_LEVEL);
  }
}

static int summarise_env(report_summary *s, report_store *st, size_t e,
                         report_error *err)
{
  const report_run *run = s->run;
  const report_run_env *env = &run->environments[e];
  int lifetime = run->mode == MODEL_MODE_LIFETIME;
  int has_pool = 0;
  for (size_t p = 0; p < run->n_standby; p++)
    if (run->standby[p].environment && strcmp(run->standby[p].environment, env->name) == 0)
      has_pool = 1;
  env_cols c = {{0}, 0};
  double *x = NULL;
  int rc = read_env(st, run, env->name, has_pool, &c, err);
  if (rc) goto out;
  const double *rto = c.v[C_RTO], *rpo = c.v[C_RPO], *recovered = c.v[C_RECOVERED];
  x = malloc((c.n ? c.n : 1) * sizeof *x);
  if (!x) { rc = nomem(st, err); goto out; }

  /* rto: NULL came back as +inf; with recovered = 1 it can only mean "no
  ** value" (NaN, dropped), never "not recovered". */
  report_summary_row *row = new_row(s, env->name, "rto");
  if (!row) { rc = nomem(st, err); goto out; }
  size_t m = 0, meet = 0, notrec = 0;
  for (size_t i = 0; i < c.n; i++) {
    if (!has_sample(&c, i)) continue;
    int rec = recovered[i] != 0;
    double v = rto[i];
    if (rec && isinf(v)) continue;
    notrec += !rec;
    meet += rec && v <= env->rto_objective_s;
    x[m++] = rec ? v : INFINITY;
  }
  describe(row, x, m);
  row->not_recovered = notrec;
  set_objective(row, env->rto_objective_s, meet);

  row = new_row(s, env->name, "rpo");
  if (!row) { rc = nomem(st, err); goto out; }
  m = meet = notrec = 0;
  for (size_t i = 0; i < c.n; i++) {
    if (!has_sample(&c, i)) continue;
    int rec = recovered[i] != 0;
    notrec += !rec;
    meet += rec && rpo[i] <= env->rpo_objective_s;
    x[m++] = rpo[i];
  }
  describe(row, x, m);
  row->not_recovered = notrec;
  set_objective(row, env->rpo_objective_s, meet);

  /* Environment-wide not-recovered count for the remaining rows. */
  size_t env_notrec = 0;
  for (size_t i = 0; i < c.n; i++) env_notrec += recovered[i] == 0;

  if (has_pool && !lifetime) {
    row = new_row(s, env->name, "full_capacity");
    if (!row) { rc = nomem(st, err); goto out; }
    /* NULL (NaN) in a pool environment: the pool never got there. */
    const double *fc = c.v[C_FULL];
    for (size_t i = 0; i < c.n; i++) x[i] = isnan(fc[i]) ? INFINITY : fc[i];
    describe(row, x, c.n);
    row->not_recovered = env_notrec;
  }

  if (lifetime) {
    const double *av = c.v[C_AVAILABILITY], *dt = c.v[C_DOWNTIME];
    row = new_row(s, env->name, "availability");
    if (!row) { rc = nomem(st, err); goto out; }
    row->is_fraction = 1;
    row->higher_is_better = 1;
    double obj = env->availability_objective;
    meet = 0;
    for (size_t i = 0; i < c.n; i++) meet += !isnan(av[i]) && av[i] >= obj;
    if (c.n) memcpy(x, av, c.n * sizeof *x);
    describe(row, x, c.n);
    row->not_recovered = env_notrec;
    set_objective(row, obj, meet);

    row = new_row(s, env->name, "downtime");
    if (!row) { rc = nomem(st, err); goto out; }
    obj = (1.0 - env->availability_objective) * run->horizon_s;   /* NAN propagates */
    meet = 0;
    for (size_t i = 0; i < c.n; i++) meet += !isnan(dt[i]) && dt[i] <= obj;
    if (c.n) memcpy(x, dt, c.n * sizeof *x);
    describe(row, x, c.n);
    row->not_recovered = env_notrec;
    set_objective(row, obj, meet);
  }
out:
  free(x);
  free_cols(&c);
  return rc;
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

static int summarise_standby(report_summary *s, report_store *st, report_error *err)
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
      double *v[2];
      rc = report_store_trial_columns(st, run->id, a->environment, cols_detail, 2, v,
                                      &nfs, err);
      fs = v[0];
      fc = v[1];
      nfc = nfs;
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
  if (!s->steps || !s->components || !s->standby) { rc = nomem(st, err); goto fail; }
  for (size_t e = 0; e < run->n_environments; e++)
    if ((rc = summarise_env(s, st, e, err))) goto fail;
  summarise_steps(s);
  summarise_components(s);
  if ((rc = summarise_standby(s, st, err))) goto fail;
  report_store_snapshot_end(st);
  *out = s;
  return REPORT_OK;
fail:
  report_store_snapshot_end(st);
  report_summary_free(s);
  return rc;
}
