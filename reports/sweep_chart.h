/*
** reports/sweep_chart.h — the chart of `drsim sweep --html FILE`: per
** environment, P(meet) of its RTO objective and its RTO p95 against the
** varied value, each with its 95 % interval as a band, the share to meet
** and the objectives as dashed lines.
*/
#ifndef DRSIM_REPORTS_SWEEP_CHART_H
#define DRSIM_REPORTS_SWEEP_CHART_H

#include <stddef.h>
#include <stdio.h>
#include "reports/stats.h"

typedef struct report_sweep_chart {
  const char *title;             /* page title, e.g. the scenario */
  const char *x_label;           /* the varied path */
  int x_seconds;                 /* the values are durations (seconds) */
  const double *x;               /* n_points values, in sweep order */
  size_t n_points;
  const char *const *envs;       /* n_envs environment names */
  size_t n_envs;
  const report_stats_ci *p_meet; /* [point * n_envs + env]; est NAN: none */
  const report_stats_ci *p95;    /* [point * n_envs + env], seconds */
  const double *objective_s;     /* [env] RTO objective; NAN: none */
  double meet_share;             /* dashed line on the P(meet) chart */
} report_sweep_chart;

/* Write a standalone page (reports/page.h) with the two charts. Returns 0,
** or -1 on a write error. */
int report_sweep_chart_write(FILE *f, const report_sweep_chart *c);

#endif
