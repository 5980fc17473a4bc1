/*
** reports/md_rows.c — the steps, components and standby tables of a
** summary as table models (reports/table.h): the one place their row values
** are formatted, rendered by the Markdown report (reports/md.c) and the
** HTML report (reports/html_tables.c) alike. Part of the md module
** (reports/md.h).
*/
#include "reports/md.h"

#include <math.h>
#include <stdio.h>

#define BOTH REPORT_TABLE_BOTH

static const report_table_column step_cols[] = {
  {"environment", "environment", REPORT_CELL_TEXT, BOTH},
  {"step", "step", REPORT_CELL_TEXT, BOTH},
  {"kind", "kind", REPORT_CELL_TEXT, BOTH},
  {"on critical path [95 % CI]", "criticality index [95 % CI]", REPORT_CELL_CI, BOTH},
  {"mean duration", "mean duration", REPORT_CELL_NUMBER, BOTH},
  {"sd", "sd", REPORT_CELL_NUMBER, BOTH},
  {"attempts / trial", "attempts / trial", REPORT_CELL_NUMBER, BOTH},
  {"all attempts failed", "all attempts failed", REPORT_CELL_CI, BOTH},
  {"off hours", "off hours", REPORT_CELL_NUMBER, BOTH},
  {"team wait", "team wait", REPORT_CELL_NUMBER, BOTH},
};

report_table *report_md_steps_table(const report_summary *s)
{
  const report_summary_step_row *rows;
  size_t n = report_summary_steps(s, &rows);
  report_table *t = report_table_new(step_cols, sizeof step_cols / sizeof *step_cols);
  for (size_t i = 0; t && i < n; i++) {
    const report_summary_step_row *r = &rows[i];
    char kind[160], crit[96], mean[48], sd[48], att[48], fail[96], off[48], wait[48];
    if (r->standby) snprintf(kind, sizeof kind, "standby %s", r->standby);
    else snprintf(kind, sizeof kind, "%s", r->manual ? "manual" : "automatic");
    report_md_format_percent_ci(r->criticality, crit, sizeof crit);
    report_md_format_duration(r->mean_duration_s, mean, sizeof mean);
    report_md_format_duration(r->sd_duration_s, sd, sizeof sd);
    if (isnan(r->attempts_per_trial)) snprintf(att, sizeof att, "-");
    else snprintf(att, sizeof att, "%.2f", r->attempts_per_trial);
    report_md_format_percent_ci(r->failure_rate, fail, sizeof fail);
    if (r->manual) report_md_format_percent(r->off_hours_share, off, sizeof off);
    else snprintf(off, sizeof off, "-");
    report_md_format_duration(r->mean_team_wait_s, wait, sizeof wait);
    const char *cells[] = {r->environment, r->name, kind, crit, mean, sd, att, fail, off, wait};
    if (report_table_add(t, cells)) { report_table_free(t); return NULL; }
  }
  return t;
}

static const report_table_column component_cols[] = {
  {"component", "component", REPORT_CELL_TEXT, BOTH},
  {"environment", "environment", REPORT_CELL_TEXT, BOTH},
  {"replication", "replication", REPORT_CELL_TEXT, BOTH},
  {"mean RPO", "mean RPO", REPORT_CELL_NUMBER, BOTH},
  {"max RPO", "max RPO", REPORT_CELL_NUMBER, BOTH},
  {"sets the environment's RPO", "sets the environment's RPO [95 % CI]", REPORT_CELL_CI, BOTH},
  {"mean failover", "mean failover", REPORT_CELL_NUMBER, BOTH},
  {"max failover", "max failover", REPORT_CELL_NUMBER, BOTH},
};

report_table *report_md_components_table(const report_summary *s)
{
  const report_summary_component_row *rows;
  size_t n = report_summary_components(s, &rows);
  report_table *t = report_table_new(component_cols,
                                     sizeof component_cols / sizeof *component_cols);
  for (size_t i = 0; t && i < n; i++) {
    const report_summary_component_row *r = &rows[i];
    /* A component with neither data nor a failover has nothing to show. */
    if (r->n_rpo + r->inf_rpo + r->n_failover == 0) continue;
    char mean[48], max[48], sets[96], fmean[48], fmax[48];
    report_md_format_duration(r->mean_rpo_s, mean, sizeof mean);
    report_md_format_duration(r->max_rpo_s, max, sizeof max);
    /* A component that holds no data cannot set an RPO: "-", not "0 %". */
    if (r->n_rpo + r->inf_rpo == 0) snprintf(sets, sizeof sets, "-");
    else report_md_format_percent_ci(r->sets_env_rpo, sets, sizeof sets);
    report_md_format_duration(r->mean_failover_s, fmean, sizeof fmean);
    report_md_format_duration(r->max_failover_s, fmax, sizeof fmax);
    const char *cells[] = {r->name, r->environment ? r->environment : "(shared)",
                           r->replication_mode, mean, max, sets, fmean, fmax};
    if (report_table_add(t, cells)) { report_table_free(t); return NULL; }
  }
  return t;
}

static const report_table_column standby_cols[] = {
  {"pool", "pool", REPORT_CELL_TEXT, BOTH},
  {"environment", "environment", REPORT_CELL_TEXT, BOTH},
  {"warm / required nodes", NULL, REPORT_CELL_NUMBER, REPORT_TABLE_MD},
  {NULL, "warm / service / required nodes", REPORT_CELL_NUMBER, REPORT_TABLE_HTML},
  {"first service p50", "first service p50", REPORT_CELL_NUMBER, BOTH},
  {"full capacity p50", "full capacity p50", REPORT_CELL_NUMBER, BOTH},
  {"full capacity p90", "full capacity p90", REPORT_CELL_NUMBER, BOTH},
  {"full capacity p99 [95 % CI]", "full capacity p99 [95 % CI]", REPORT_CELL_CI, BOTH},
  {"capacity shortage", "capacity shortage", REPORT_CELL_NUMBER, BOTH},
  {NULL, "node cost / hour", REPORT_CELL_NUMBER, REPORT_TABLE_HTML},
  {"warm nodes cost / year", "warm nodes cost / year", REPORT_CELL_NUMBER, BOTH},
};

report_table *report_md_standby_table(const report_summary *s)
{
  const report_summary_standby_row *rows;
  size_t n = report_summary_standby(s, &rows);
  report_table *t = report_table_new(standby_cols, sizeof standby_cols / sizeof *standby_cols);
  for (size_t i = 0; t && i < n; i++) {
    const report_summary_standby_row *r = &rows[i];
    char wr[64], wsr[96], fs50[64], fc50[64], fc90[64], fc99[160], sh[48], cost[48], year[48];
    char m[48];
    snprintf(wr, sizeof wr, "%d / %d", r->warm_nodes, r->required_nodes);
    snprintf(wsr, sizeof wsr, "%d / %d / %d", r->warm_nodes, r->service_nodes, r->required_nodes);
    if (r->has_quantiles) {
      report_md_format_duration(r->first_service_p50.est, fs50, sizeof fs50);
      report_md_format_duration(r->full_capacity_p50.est, fc50, sizeof fc50);
      report_md_format_duration(r->full_capacity_p90.est, fc90, sizeof fc90);
      report_md_format_duration_ci(r->full_capacity_p99, fc99, sizeof fc99);
    } else {
      /* No per-trial values kept for this pool: the mean is all we know. */
      snprintf(fs50, sizeof fs50, "mean %s",
               report_md_format_duration(r->mean_first_service_s, m, sizeof m));
      snprintf(fc50, sizeof fc50, "mean %s",
               report_md_format_duration(r->mean_full_capacity_s, m, sizeof m));
      snprintf(fc90, sizeof fc90, "-");
      snprintf(fc99, sizeof fc99, "-");
    }
    report_md_format_percent(r->shortage_share, sh, sizeof sh);
    snprintf(cost, sizeof cost, "%.2f", r->node_cost_per_hour);
    snprintf(year, sizeof year, "%.2f", r->annual_warm_cost);
    const char *cells[] = {r->name, r->environment, wr, wsr, fs50, fc50, fc90, fc99, sh, cost,
                           year};
    if (report_table_add(t, cells)) { report_table_free(t); return NULL; }
  }
  return t;
}
