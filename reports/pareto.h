/*
** reports/pareto.h — the cost vs. recovery-time chart of `drsim size
** --html` (SVG): annual standby cost (x) against the metric's p50 / p95 /
** p99 and the chosen quantile's upper bound (y), one marker per candidate,
** lines along increasing cost for each max_parallel, the objective as a
** dashed line, the recommendation ringed.
*/
#ifndef DRSIM_REPORTS_PARETO_H
#define DRSIM_REPORTS_PARETO_H

#include <stddef.h>
#include <stdio.h>

/* One candidate (durations in seconds; +inf or NaN: not drawn). */
typedef struct report_pareto_point {
  double cost;                      /* annual standby cost */
  double p50, p95, p99;             /* of the metric */
  double upper;                     /* upper confidence bound of the chosen quantile */
  int warm, max_parallel;
} report_pareto_point;

typedef struct report_pareto_chart {
  const char *env;                  /* environment name (escaped when written) */
  const char *metric;               /* "RTO", "RPO", "full capacity" */
  double objective;                 /* seconds; NaN: none */
  double q, confidence;             /* the quantile and its one-sided confidence */
  const report_pareto_point *points;/* sorted by (max_parallel, warm) */
  size_t n;
  long recommended;                 /* index in points, or -1 */
} report_pareto_chart;

/* Write the chart as one <svg data-chart="pareto"> element. */
void report_pareto_svg(FILE *f, const report_pareto_chart *chart);

#endif
