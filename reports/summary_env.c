/*
** reports/summary_env.c — one environment's summary rows from the scan's
** accumulators: the objective rows (RTO, RPO, full capacity, availability,
** downtime), and in lifetime mode its lifetime row and causes of downtime.
** Part of the summary module (reports/summary_internal.h).
*/
#include "reports/summary_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "reports/hist.h"

/* Fill the distribution part of a row from metric j's accumulators. */
static void describe(report_summary_row *row, metric_acc *a)
{
  row->n = a->n;
  row->mean = summary_mom_ci(&a->mom);
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
    if (!(row = summary_new_cause(s))) return REPORT_ENOMEM;
    row->environment = env;
    row->cause = run->components[x->component_index].name;
    row->kind = REPORT_CAUSE_COMPONENT;
    row->trials = x->trials;
    row->downtime_s = summary_mean_from_moments(n, x->sum_downtime_s, x->sum_sq_downtime_s);
  }
  /* Per trial columns: component downtime (only when the database has no
  ** split by component), the disaster incidents, failback. */
  const struct {
    report_cause_kind kind;
    const char *name;
  } kinds[3] = {
    {REPORT_CAUSE_COMPONENT, "components (not split: database before schema 3)"},
    {REPORT_CAUSE_DISASTER, summary_disaster_cause(run)},
    {REPORT_CAUSE_FAILBACK, "failback"},
  };
  for (int j = split ? 1 : 0; j < 3; j++) {
    if (!(c->cause_sum[j] > 0)) continue;
    if (!(row = summary_new_cause(s))) return REPORT_ENOMEM;
    row->environment = env;
    row->cause = kinds[j].name;
    row->kind = kinds[j].kind;
    row->trials = c->cause_hits[j];
    row->downtime_s = summary_mean_from_moments(n, c->cause_sum[j], c->cause_sum_sq[j]);
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
  lt->availability = summary_mom_ci(&c->m[M_AVAIL].mom);
  lt->downtime_s = summary_mom_ci(&c->m[M_DOWN].mom);
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
  lt->disaster_availability = summary_mom_ci(&c->strat_av[1]);
  lt->disaster_downtime_s = summary_mom_ci(&c->strat_dt[1]);
  lt->quiet_availability = summary_mom_ci(&c->strat_av[0]);
  lt->quiet_downtime_s = summary_mom_ci(&c->strat_dt[0]);
  lt->disaster_p_meet = isnan(lt->objective) ? none
      : report_stats_wilson(c->strat_meet[1], n1, REPORT_STATS_LEVEL);
  lt->quiet_p_meet = isnan(lt->objective) ? none
      : report_stats_wilson(c->strat_meet[0], n0, REPORT_STATS_LEVEL);

  /* Post-stratified mean: the strata's weights are known exactly. */
  double p0 = lt->p_no_disaster;
  lt->stratified_availability = none;
  if (!isnan(p0) && (p0 == 0 || n0 >= 2) && (p0 == 1 || n1 >= 2)) {
    double m0 = p0 > 0 ? lt->quiet_availability.est : 0, m1 = p0 < 1 ? lt->disaster_availability.est : 0;
    double v0 = p0 > 0 ? summary_mom_var(&c->strat_av[0]) / (double)n0 : 0;
    double v1 = p0 < 1 ? summary_mom_var(&c->strat_av[1]) / (double)n1 : 0;
    double est = p0 * m0 + (1 - p0) * m1;
    double half = gsl_cdf_ugaussian_Pinv(0.5 + REPORT_STATS_LEVEL / 2.0) *
                  sqrt(p0 * p0 * v0 + (1 - p0) * (1 - p0) * v1);
    lt->stratified_availability = (report_stats_ci){est, est - half, est + half};
  }

  lt->downtime_component_s = summary_mom_ci(&c->kind[0]).est;
  lt->downtime_disaster_s = summary_mom_ci(&c->kind[1]).est;
  lt->downtime_failback_s = summary_mom_ci(&c->kind[2]).est;

  lt->incident_rto_p50 = lt->incident_rto_p95 = lt->incident_rpo_p50 = none;
  lt->incident_rpo_p95 = lt->incident_rto_meet = lt->incident_rpo_meet = none;
  int rc = summary_build_incidents(st, run, e, lt, err);
  if (rc) return rc;
  if (summarise_causes(s, e, c, lt)) return summary_nomem(st, err);
  return REPORT_OK;
}

int summary_build_env(report_summary *s, report_store *st, size_t e, env_acc *c,
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
    report_summary_row *row = summary_new_row(s, env->name, k < 4 ? rows[k].name : "downtime");
    if (!row) return summary_nomem(st, err);
    describe(row, a);
    row->n_affected = c->n_affected;
    /* rto and rpo count their own trials not recovered; the other rows
    ** the environment's. */
    row->not_recovered = j == M_RTO || j == M_RPO ? a->notrec : c->env_notrec;
    if (j == M_RTO) summary_set_objective(row, env->rto_objective_s, a->meet);
    else if (j == M_RPO) summary_set_objective(row, env->rpo_objective_s, a->meet);
    else if (j == M_AVAIL) {
      row->is_fraction = 1;
      row->unit = "share";
      row->higher_is_better = 1;
      summary_set_objective(row, env->availability_objective, a->meet);
    } else if (j == M_DOWN) {
      /* NAN propagates */
      summary_set_objective(row, (1.0 - env->availability_objective) * run->horizon_s, a->meet);
    }
  }
  if (lifetime) return summarise_lifetime(s, st, e, c, err);
  return REPORT_OK;
}
