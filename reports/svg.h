/*
** reports/svg.h — inline SVG charts for the HTML report, written straight to
** a FILE*: the CDF of a duration (RTO, RPO) for several environments with
** their objectives and p95/p99 marks, a histogram of one component's RPO,
** horizontal bars (criticality index per step, downtime by cause), a Gantt
** timeline of one trial's steps, and ranges (the distribution of a value per
** row against a target, e.g. availability per environment).
**
** Pure rendering: no database, no scenario; the caller hands in plain
** arrays. Every chart is one <svg> element with
**   data-chart="ID"     the chart's kind/id, for scripts/check-report.sh,
**   role="img", a <title> (tooltip and screen readers), a visible title,
**   axis labels with units and a legend,
** and scales with its container (viewBox, width 100 %). Every string from the
** caller is XML-escaped. Colours are the Okabe–Ito palette (distinguishable
** with the common colour-vision deficiencies), and series also differ by dash
** pattern and marker shape so that nothing depends on colour alone.
**
** Durations are seconds; each time axis picks its unit from the data range
** (report_svg_unit_for) and puts ticks at 1-2-2.5-5 multiples of a power of
** ten in that unit.
**
** Return values: 0 when everything was written, -1 when the stream reports an
** error (the stream is flushed at the end of each chart) or, rarely, a
** working buffer cannot be allocated: the same numbers as REPORT_OK and
** REPORT_EIO of reports/store.h. Empty data never fails: the chart says
** "no data".
*/
#ifndef DRSIM_REPORTS_SVG_H
#define DRSIM_REPORTS_SVG_H

#include <stddef.h>
#include <stdio.h>

/* ------------------------------------------------------------ helpers */

/* A time unit for an axis. */
typedef struct report_svg_unit {
  const char *name;       /* "seconds", "minutes", "hours", "days" */
  const char *symbol;     /* "s", "min", "h", "d" */
  double seconds;         /* seconds in one unit */
} report_svg_unit;

/* The unit for an axis running from 0 to max_s seconds: seconds below 2 min,
** minutes below 2 h, hours below 3 d, days beyond. The thresholds keep tick
** labels small and familiar: a 0-90 s axis stays in seconds, 0-90 min in
** minutes, a 0-4 h axis reads 0, 1, 2, 3, 4 h rather than 0-240 min, and a
** 0-30 h one stays in hours (planners think of "26 h", not "1.1 d").
** NaN, infinite or non-positive max_s gives seconds. */
report_svg_unit report_svg_unit_for(double max_s);

/* Nice ticks for an axis from 0 to at least hi (> 0, in axis units), about
** `target` intervals (>= 1): the step is 1, 2, 2.5 or 5 times a power of ten
** and the last tick is the smallest multiple of the step >= hi. Writes the
** ticks 0, step, ..., top into ticks[0..max_ticks) and returns how many were
** written; *step receives the step. hi <= 0, NaN or infinite is treated as 1. */
size_t report_svg_nice_ticks(double hi, size_t target, double *ticks,
                             size_t max_ticks, double *step);

/* Write s with &, <, >, " and ' escaped and control characters (other than
** tab and newline) replaced by '?', so the result is valid XML/HTML text and
** attribute content. NULL writes nothing. UTF-8 passes through. */
void report_svg_escape(FILE *out, const char *s);

/* Okabe–Ito colour for series i (cycles after 7): blue, orange, bluish green,
** vermillion, reddish purple, sky blue, yellow. "#rrggbb", static. */
const char *report_svg_color(size_t i);

/* What a bar or timeline row is, which decides its colour and legend. */
typedef enum report_svg_kind {
  REPORT_SVG_KIND_AUTOMATIC = 0,   /* scripted / automated step */
  REPORT_SVG_KIND_MANUAL,          /* human approval or action */
  REPORT_SVG_KIND_STANDBY,         /* standby scale-up (node provisioning) */
  REPORT_SVG_KIND_WAIT,            /* detection and waiting before the first step */
  REPORT_SVG_KIND_COMPONENT,       /* lifetime: a component's own failures */
  REPORT_SVG_KIND_DISASTER,        /* lifetime: disaster incidents */
  REPORT_SVG_KIND_FAILBACK,        /* lifetime: failing back to the primary */
  REPORT_SVG_KIND_COUNT
} report_svg_kind;

/* Legend name ("automatic", "manual", "standby scale-up", "detection / wait",
** "component failures", "disaster incidents", "failback") and colour of a
** kind; out-of-range kinds map to AUTOMATIC. Static strings. */
const char *report_svg_kind_name(report_svg_kind k);
const char *report_svg_kind_color(report_svg_kind k);

/* ------------------------------------------------------------ CDF */

typedef struct report_svg_cdf_series {
  const char *label;        /* legend, e.g. the environment name */
  const double *sorted;     /* seconds, ascending, NaN-free, +INFINITY last
                               (as report_stats_prepare leaves them): +inf is
                               "never happened" and keeps the curve below 100 % */
  size_t n;                 /* values including the infinite ones */
  double objective_s;       /* vertical objective line; NaN or +inf: none */
} report_svg_cdf_series;

typedef struct report_svg_cdf_chart {
  const char *id;           /* data-chart value, e.g. "rto-cdf" */
  const char *title;        /* visible title and <title> */
  const char *quantity;     /* x axis: "RTO" gives "RTO (hours)" */
  const char *y_label;      /* NULL: "trials with QUANTITY ≤ x (%)" */
  const report_svg_cdf_series *series;
  size_t n_series;
} report_svg_cdf_chart;

/* The empirical CDF of every series as a step curve (exact at pixel
** resolution), y from 0 to 100 % of the series' trials, with guide lines at
** 95 % and 99 %, a circle at (p95, 95 %) and a diamond at (p99, 99 %) on each
** curve (report_stats_quantile estimates, the definition of the summary
** tables), each series' objective as a dashed vertical line in its colour,
** and a legend below giving per series its p95, p99 and share of trials
** within the objective. The x axis ends at the largest objective or at the
** largest finite value, but a far tail (largest value more than 1.5 times the
** 99.9th percentile) is cut at that percentile and the legend says how many
** trials lie beyond. */
int report_svg_cdf(FILE *out, const report_svg_cdf_chart *chart);

/* ------------------------------------------------------------ histogram */

typedef struct report_svg_histogram_chart {
  const char *id;           /* data-chart value, e.g. "rpo-hist" */
  const char *key;          /* data-key value (e.g. the component); may be NULL */
  const char *title;
  const char *quantity;     /* x axis: "RPO" gives "RPO (minutes)" */
  const double *values;     /* seconds, any order; NaN ignored, +inf counted apart */
  size_t n;
  double objective_s;       /* dashed line; NaN or +inf: none */
  const char *color;        /* bar colour; NULL: report_svg_color(0) */
} report_svg_histogram_chart;

/* Histogram (gsl_histogram, uniform bins aligned with the axis ticks,
** 10-40 bins) of the finite values over [0, top], y in % of all non-NaN
** values (so infinite ones are part of the denominator and named in the
** legend). The objective line is drawn when it lies within 3 times the
** largest value; otherwise the legend says on which side all values are.
** All values equal (e.g. 0 for synchronous replication) give one bar. */
int report_svg_histogram(FILE *out, const report_svg_histogram_chart *chart);

/* ------------------------------------------------------------ bars */

typedef struct report_svg_bar {
  const char *label;
  double value;             /* in axis units; NaN drawn as "n/a" */
  report_svg_kind kind;     /* colour */
} report_svg_bar;

typedef struct report_svg_bars_chart {
  const char *id;           /* data-chart value, e.g. "criticality" */
  const char *title;
  const char *axis_label;   /* x axis, with its unit, e.g. "criticality index (% of trials)" */
  const char *value_suffix; /* after each value label, e.g. " %"; NULL: none */
  const report_svg_bar *bars;
  size_t n;
  double value_max;         /* axis end, e.g. 100; <= 0: from the data */
  int sort_descending;      /* 1: largest first (ties keep input order) */
  const char *key;          /* data-key value (e.g. the environment); may be NULL */
} report_svg_bars_chart;

/* Horizontal bars, one row per item with its label on the left and its value
** at the bar's end, coloured by kind with a legend of the kinds present. */
int report_svg_bars(FILE *out, const report_svg_bars_chart *chart);

/* ------------------------------------------------------------ Gantt */

typedef struct report_svg_gantt_row {
  const char *label;
  double start_s;           /* NaN: never started */
  double end_s;             /* NaN: never completed (drawn to the chart end, faded) */
  report_svg_kind kind;
  int critical;             /* 1: on the critical path (outlined) */
  int attempts;             /* > 1 is written after the bar ("3 attempts") */
} report_svg_gantt_row;

typedef struct report_svg_gantt_chart {
  const char *id;           /* data-chart value, e.g. "gantt" */
  const char *key;          /* data-key value (e.g. the environment); may be NULL */
  const char *title;
  const report_svg_gantt_row *rows;
  size_t n;
  double marker_s;          /* solid line, e.g. the trial's RTO; NaN: none */
  const char *marker_label; /* e.g. "RTO" (the value is appended) */
  double objective_s;       /* dashed line; NaN or +inf: none */
} report_svg_gantt_chart;

/* One row per item in the given order: a bar from start to end on a time axis
** from 0 (the disaster) to past the last end, marker and objective. */
int report_svg_gantt(FILE *out, const report_svg_gantt_chart *chart);

/* ------------------------------------------------------------ ranges */

typedef struct report_svg_range_row {
  const char *label;        /* e.g. the environment */
  double p01, p10, p50, p90, p99;  /* quantiles, axis units; NaN: not drawn */
  double mean, mean_lo, mean_hi;   /* mean and its interval; NaN: not drawn */
  double target;            /* the objective, axis units; NaN: none */
  const char *note;         /* text right of the row (e.g. "meets 99.9 % in 71 %"); may be NULL */
} report_svg_range_row;

typedef struct report_svg_ranges_chart {
  const char *id;           /* data-chart value, e.g. "availability" */
  const char *title;
  const char *axis_label;   /* x axis, with its unit, e.g. "availability over 1 year (%)" */
  const char *value_suffix; /* after tick labels, e.g. " %"; NULL: none */
  const report_svg_range_row *rows;
  size_t n;
} report_svg_ranges_chart;

/* One row per item on a shared linear axis that spans the data and the
** targets (ticks at nice steps, not from 0): a thin line from p01 to p99, a
** thick bar from p10 to p90, a mark at p50, a diamond at the mean with its
** interval as a bracket, and the target as a dashed red segment across the
** row; the row's colour is report_svg_color(row), a legend explains the
** marks. */
int report_svg_ranges(FILE *out, const report_svg_ranges_chart *chart);

#endif
