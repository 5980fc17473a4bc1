/*
** reports/summary.c — builds a report_summary from the store (contract in
** reports/summary.h). The trials are streamed twice, never held (see "One
** streaming scan" below): memory stays flat at any trial count and the
** percentiles are still the exact order statistics. Steps, components and
** pools come from the aggregates the store keeps, so they cost nothing per
** trial. Lifetime mode reads a few more trial columns in the same scan (the
** downtime by kind of cause, the incident counts), the itemised incidents,
** and the downtime-by-(environment, component) and MTBF/MTTR aggregates.
**
** This file holds the accessors, the row helpers and report_summary_build;
** the scan is summary_scan.c, an environment's rows summary_env.c, steps,
** components and pools summary_items.c (reports/summary_internal.h).
*/
#include "reports/summary_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "reports/hist.h"
#include "reports/costs.h"
#include <sqlite3.h>

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

int summary_nomem(report_store *st, report_error *err)
{
  if (err)
    snprintf(err->text, sizeof err->text, "%s: out of memory while summarising",
             report_store_path(st));
  return REPORT_ENOMEM;
}

report_summary_row *summary_new_row(report_summary *s, const char *env,
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

void summary_set_objective(report_summary_row *row, double objective, size_t meet)
{
  row->objective = objective;
  if (!isnan(objective)) {
    row->n_meet = meet;
    row->p_meet = report_stats_wilson(meet, row->n, REPORT_STATS_LEVEL);
  }
}

/* Mean with its t interval from n values' sum and sum of squares (the
** aggregates the store keeps instead of the values). */
report_stats_ci summary_mean_from_moments(double n, double sum, double sum_sq)
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
report_stats_ci summary_ratio_ci(double n, double sum_y, double sum_x, double q)
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
const char *summary_disaster_cause(const report_run *run)
{
  static const char *const cause[] = {"region disaster", "zone disaster", "component disaster"};
  const char *d = run->disaster;
  for (int t = 0; d && t <= MODEL_DISASTER_COMPONENT; t++) {
    const char *k = model_disaster_type_name((model_disaster_type)t);
    if (strncmp(d, k, strlen(k)) == 0) return cause[t];
  }
  return "disaster";
}

report_summary_cause_row *summary_new_cause(report_summary *s)
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
int summary_build_incidents(report_store *st, const report_run *run, size_t e,
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
int report_summary_build(report_store *st, int64_t run_id, report_summary **out,
                         report_error *err)
{
  *out = NULL;
  report_summary *s = calloc(1, sizeof *s);
  if (!s) return summary_nomem(st, err);
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
    rc = summary_nomem(st, err);
    goto fail;
  }
  scan sc;
  if ((rc = summary_scan_trials(s, st, &sc, err))) goto fail_scan;
  for (size_t e = 0; e < run->n_environments; e++)
    if ((rc = summary_build_env(s, st, e, &sc.acc[e], err))) goto fail_scan;
  summary_build_steps(s);
  summary_build_components(s);
  if ((rc = summary_build_standby(s, st, &sc, err))) goto fail_scan;
  {
    int crc = report_costs_read(report_store_sqlite(st), run_id, &s->costs);
    if (crc == SQLITE_NOMEM) {
      rc = summary_nomem(st, err);
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
  summary_scan_free(&sc);
  report_store_snapshot_end(st);
  *out = s;
  return REPORT_OK;
fail_scan:
  summary_scan_free(&sc);
fail:
  report_store_snapshot_end(st);
  report_summary_free(s);
  return rc;
}
