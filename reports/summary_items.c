/*
** reports/summary_items.c — the summary rows of the workflow steps,
** components and standby pools, from the store's aggregates (and per-trial
** pool values from the scan or the detail). Part of the summary module
** (reports/summary_internal.h).
*/
#include "reports/summary_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "reports/hist.h"

void summary_build_steps(report_summary *s)
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

void summary_build_components(report_summary *s)
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
      o->mtbf_s = summary_ratio_ci(n, up, f, moments ? Sdd + 2 * R * Sdf + R * R * Sff : NAN);
      o->mttr_s = summary_ratio_ci(n, d, f, moments ? Sdd - 2 * Rd * Sdf + Rd * Rd * Sff : NAN);
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

int summary_build_standby(report_summary *s, report_store *st, const scan *sc,
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
    /* A run kept without detail rows: one pool in its environment reads
    ** the trials table's columns (below); several re-simulate (when the
    ** store has a detail source). */
    if (run->detail == REPORT_DETAIL_STEPS ||
        (pools_in_env > 1 && report_store_run_has_detail(st, run))) {
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
