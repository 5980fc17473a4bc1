/*
** reports/tornado.h — the tornado chart of `drsim sensitivity --html`
** (SVG): one row per parameter, a bar from the baseline to the metric's
** value at the low factor and one to the value at the high factor, on an
** axis spanning the values shown (not from 0, so small swings stay
** visible), the baseline as a vertical line, the objective as a dashed one.
*/
#ifndef DRSIM_REPORTS_TORNADO_H
#define DRSIM_REPORTS_TORNADO_H

#include <stddef.h>
#include <stdio.h>

typedef struct report_tornado_row {
  const char *label;                /* the parameter's path */
  double low, high;                 /* the metric at the two factors (+-inf: unbounded) */
} report_tornado_row;

typedef struct report_tornado_chart {
  const char *title;                /* what the metric is: "production RTO p95" */
  int percent;                      /* values are shares (P(meet)), else seconds */
  double base;                      /* the baseline value */
  double objective;                 /* drawn as a dashed line, kept on the axis; NaN: none */
  double lo_f, hi_f;                /* the factors */
  const report_tornado_row *rows;   /* ranked, largest swing first */
  size_t n;
} report_tornado_chart;

/* Write the chart as one <svg data-chart="tornado"> element. */
void report_tornado_svg(FILE *f, const report_tornado_chart *chart);

#endif
