/*
** reports/svg_internal.h — what the files of the SVG chart module share and
** nobody else may include: the layout constants, the plot frame and the
** drawing helpers (prefix svg_). reports/svg.c holds the helpers,
** reports/svg_dist.c the CDF and histogram charts, reports/svg_bars.c the
** bars, Gantt and range charts. The public contract is reports/svg.h.
*/
#ifndef DRSIM_REPORTS_SVG_INTERNAL_H
#define DRSIM_REPORTS_SVG_INTERNAL_H

#include "reports/svg.h"

#include <stddef.h>
#include <stdio.h>

#define CHART_W 880.0          /* full-width charts */
#define HIST_W 430.0           /* small multiples, two per row */
#define TITLE_H 34.0
#define LEGEND_ROW 20.0
#define AXIS_COLOR "#333333"
#define GRID_COLOR "#dddddd"
#define OBJECTIVE_COLOR "#CC79A7"  /* Gantt objective: a colour no kind uses */
#define MAX_TICKS 32

/* The plot area and its data ranges. */
typedef struct frame {
  double x, y, w, h;     /* pixels */
  double xmax, ymax;     /* data at the right / top edge (x in seconds) */
} frame;

/* Dash pattern of series i (NULL: solid), after the colours run out. */
const char *svg_series_dash(size_t i);
/* A tick value, shortest form. */
void svg_fmt_tick(double v, char *buf, size_t n);
/* A duration label. */
void svg_fmt_dur(double s, char *buf, size_t n);
/* Pixel width reserved for labels of up to maxlen characters. */
double svg_label_width(size_t maxlen);
/* s escaped, cut to max characters with an ellipsis. */
void svg_write_label(FILE *out, const char *s, size_t max);
/* The <svg> element's start with its title; svg_close ends it (-1 when the
** stream failed). */
void svg_open(FILE *out, const char *id, const char *key, double w, double h,
              const char *title);
int svg_close(FILE *out);
/* A pixel coordinate that is always finite (NaN maps to 0). */
double svg_px_clamp(double p);
/* Data to pixels in frame f. */
double svg_fx(const frame *f, double v);
double svg_fy(const frame *f, double v);
/* Grid, ticks and label of a time x axis (ticks in unit u) and of a y axis. */
void svg_x_axis_time(FILE *out, const frame *f, const double *ticks, size_t nt,
                     report_svg_unit u, const char *quantity);
void svg_y_axis(FILE *out, const frame *f, const double *ticks, size_t nt,
                const char *suffix, const char *label);
/* A centred "no data" sentence in the plot area. */
void svg_no_data(FILE *out, const frame *f, const char *why);
/* A p95 (circle) or p99 (diamond) marker. */
void svg_marker(FILE *out, double x, double y, int diamond, const char *color);

#endif
