/*
** reports/svg.c — implementation of reports/svg.h. Each chart computes its
** axes (unit, nice ticks), then writes one <svg> element with absolute pixel
** coordinates inside a fixed viewBox; the browser scales it. Layout constants
** are in pixels of that viewBox. GSL bins the histograms; report_stats gives
** the quantile marks so they agree with the summary tables.
*/
#include "reports/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_statistics_double.h>
#include "models/units.h"
#include "reports/stats.h"

#define CHART_W 880.0          /* full-width charts */
#define HIST_W 430.0           /* small multiples, two per row */
#define TITLE_H 34.0
#define LEGEND_ROW 20.0
#define AXIS_COLOR "#333333"
#define GRID_COLOR "#dddddd"
#define OBJECTIVE_COLOR "#CC79A7"  /* Gantt objective: a colour no kind uses */
#define MAX_TICKS 32

/* ------------------------------------------------------------ helpers */

report_svg_unit report_svg_unit_for(double max_s)
{
  static const report_svg_unit units[] = {
    {"seconds", "s", 1.0},
    {"minutes", "min", MODEL_UNITS_MINUTE},
    {"hours", "h", MODEL_UNITS_HOUR},
    {"days", "d", MODEL_UNITS_DAY},
  };
  if (!(max_s > 0.0) || isinf(max_s)) return units[0];
  if (max_s < 2.0 * MODEL_UNITS_MINUTE) return units[0];
  if (max_s < 2.0 * MODEL_UNITS_HOUR) return units[1];
  if (max_s < 3.0 * MODEL_UNITS_DAY) return units[2];
  return units[3];
}

size_t report_svg_nice_ticks(double hi, size_t target, double *ticks,
                             size_t max_ticks, double *step)
{
  if (!(hi > 0.0) || isinf(hi)) hi = 1.0;
  /* near DBL_MAX the last tick (k * step >= hi) would overflow to inf */
  if (hi > 1e300) hi = 1e300;
  if (target < 1) target = 1;
  double raw = hi / (double)target;
  double p10 = pow(10.0, floor(log10(raw)));
  static const double mult[] = {1.0, 2.0, 2.5, 5.0, 10.0};
  double s = 10.0 * p10;
  for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
    if (mult[i] * p10 >= raw * (1.0 - 1e-9)) { s = mult[i] * p10; break; }
  }
  /* Round the count so that hi = k * step (up to rounding) gives k
  ** intervals, not k + 1. */
  double k = ceil(hi / s - 1e-9);
  if (k < 1.0) k = 1.0;
  size_t n = 0;
  for (size_t i = 0; i <= (size_t)k && n < max_ticks; i++) ticks[n++] = s * (double)i;
  if (step) *step = s;
  return n;
}

void report_svg_escape(FILE *out, const char *s)
{
  if (!s) return;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    switch (c) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default:
      /* XML 1.0 forbids most C0 controls even as references. */
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) fputc('?', out);
      else fputc(c, out);
    }
  }
}

const char *report_svg_color(size_t i)
{
  static const char *const colors[] = {
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
  };
  return colors[i % (sizeof colors / sizeof colors[0])];
}

/* Dash patterns per series, so curves differ without colour too. */
static const char *series_dash(size_t i)
{
  static const char *const dash[] = {"none", "9 4", "3 3", "10 3 3 3", "1 3"};
  return dash[i % (sizeof dash / sizeof dash[0])];
}

const char *report_svg_kind_name(report_svg_kind k)
{
  switch (k) {
  case REPORT_SVG_KIND_MANUAL: return "manual";
  case REPORT_SVG_KIND_STANDBY: return "standby scale-up";
  case REPORT_SVG_KIND_WAIT: return "detection / wait";
  case REPORT_SVG_KIND_COMPONENT: return "component failures";
  case REPORT_SVG_KIND_DISASTER: return "disaster incidents";
  case REPORT_SVG_KIND_FAILBACK: return "failback";
  default: return "automatic";
  }
}

const char *report_svg_kind_color(report_svg_kind k)
{
  switch (k) {
  case REPORT_SVG_KIND_MANUAL: return "#D55E00";   /* vermillion */
  case REPORT_SVG_KIND_STANDBY: return "#009E73";  /* bluish green */
  case REPORT_SVG_KIND_WAIT: return "#BBBBBB";     /* neutral grey */
  case REPORT_SVG_KIND_COMPONENT: return "#56B4E9"; /* sky blue */
  case REPORT_SVG_KIND_DISASTER: return "#E69F00";  /* orange */
  case REPORT_SVG_KIND_FAILBACK: return "#CC79A7";  /* reddish purple */
  default: return "#0072B2";                       /* blue */
  }
}

/* A number in axis units for a tick label: at most 4 significant digits,
** never an exponent for the ranges a time axis uses. */
static void fmt_tick(double v, char *buf, size_t n)
{
  if (fabs(v) < 1e-12) v = 0.0;
  snprintf(buf, n, "%.4g", v);
}

static void fmt_dur(double s, char *buf, size_t n)
{
  model_units_format_duration(s, buf, n);
}

/* Longest label (bytes, a fair proxy for width at this font size). */
static double label_width(size_t maxlen)
{
  double w = 10.0 + 6.6 * (double)maxlen;
  if (w < 100.0) w = 100.0;
  if (w > 330.0) w = 330.0;
  return w;
}

/* Write a label cut to at most max bytes (whole UTF-8 characters), with an
** ellipsis when cut. */
static void write_label(FILE *out, const char *s, size_t max)
{
  if (!s) return;
  size_t len = strlen(s);
  if (len <= max) { report_svg_escape(out, s); return; }
  size_t cut = max - 1;
  while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
  char *tmp = malloc(cut + 1);
  if (!tmp) { fputs("…", out); return; }
  memcpy(tmp, s, cut);
  tmp[cut] = '\0';
  report_svg_escape(out, tmp);
  fputs("…", out);
  free(tmp);
}

static void svg_open(FILE *out, const char *id, const char *key, double w,
                     double h, const char *title)
{
  fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"", out);
  report_svg_escape(out, id ? id : "chart");
  fputc('"', out);
  if (key) {
    fputs(" data-key=\"", out);
    report_svg_escape(out, key);
    fputc('"', out);
  }
  fprintf(out, " role=\"img\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
               "style=\"max-width:%.0fpx\" font-family=\"sans-serif\" "
               "font-size=\"12\" fill=\"" AXIS_COLOR "\">\n<title>",
          w, h, w);
  report_svg_escape(out, title);
  fputs("</title>\n<text x=\"8\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", out);
  report_svg_escape(out, title);
  fputs("</text>\n", out);
}

static int svg_close(FILE *out)
{
  fputs("</svg>\n", out);
  /* Flush so that a full disk shows up here, at the chart, not later. */
  return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

/* The plot area and its data ranges. */
typedef struct frame {
  double x, y, w, h;     /* pixels */
  double xmax, ymax;     /* data at the right / top edge (x in seconds) */
} frame;

/* A pixel coordinate that is always finite: inf/NaN must never reach an SVG
** attribute (viewers drop the element or the whole chart), and values far
** off the axis only need to land outside the plot. NaN maps to 0. */
static double px_clamp(double p)
{
  if (isnan(p)) return 0.0;
  return p < -1e6 ? -1e6 : p > 1e6 ? 1e6 : p;
}

/* Divide first: w * v overflows for huge v even when v / xmax is small. */
static double fx(const frame *f, double v) { return px_clamp(f->x + f->w * (v / f->xmax)); }
static double fy(const frame *f, double v) { return px_clamp(f->y + f->h - f->h * (v / f->ymax)); }

/* Vertical grid lines, tick labels and the label of a time axis; ticks are
** in unit u. */
static void x_axis_time(FILE *out, const frame *f, const double *ticks,
                        size_t nt, report_svg_unit u, const char *quantity)
{
  char b[32];
  for (size_t i = 0; i < nt; i++) {
    double px = fx(f, ticks[i] * u.seconds);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOR "\"/>",
            px, f->y, px, f->y + f->h);
    fmt_tick(ticks[i], b, sizeof b);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
            px, f->y + f->h + 16.0, b);
  }
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\"/>\n",
          f->x, f->y + f->h, f->x + f->w, f->y + f->h);
  fprintf(out, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
          f->x + f->w / 2.0, f->y + f->h + 34.0);
  report_svg_escape(out, quantity);
  fprintf(out, " (%s)</text>\n", u.name);
}

/* Horizontal grid lines, tick labels and the rotated label of a y axis. */
static void y_axis(FILE *out, const frame *f, const double *ticks, size_t nt,
                   const char *suffix, const char *label)
{
  char b[32];
  for (size_t i = 0; i < nt; i++) {
    double py = fy(f, ticks[i]);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOR "\"/>",
            f->x, py, f->x + f->w, py);
    fmt_tick(ticks[i], b, sizeof b);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s%s</text>\n",
            f->x - 6.0, py + 4.0, b, suffix);
  }
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\"/>\n",
          f->x, f->y, f->x, f->y + f->h);
  fprintf(out, "<text class=\"axis-label\" transform=\"translate(%.1f,%.1f) rotate(-90)\" "
               "text-anchor=\"middle\">",
          f->x - 44.0, f->y + f->h / 2.0);
  report_svg_escape(out, label);
  fputs("</text>\n", out);
}

static void no_data(FILE *out, const frame *f, const char *why)
{
  fprintf(out, "<text class=\"no-data\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
               "font-size=\"14\">",
          f->x + f->w / 2.0, f->y + f->h / 2.0);
  report_svg_escape(out, why);
  fputs("</text>\n", out);
}

/* A marker: circle (p95) or diamond (p99), white-filled so it shows on the curve. */
static void marker(FILE *out, double x, double y, int diamond, const char *color)
{
  if (diamond)
    fprintf(out, "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" fill=\"#ffffff\" stroke=\"%s\" "
                 "stroke-width=\"2\"/>",
            x, y - 5.0, color);
  else
    fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#ffffff\" stroke=\"%s\" "
                 "stroke-width=\"2\"/>",
            x, y, color);
}

/* ------------------------------------------------------------ CDF */

/* The 0.999 quantile of the finite part of sorted data, for the axis cut. */
static double finite_tail(const double *sorted, size_t nfin)
{
  double maxv = sorted[nfin - 1];
  double q = gsl_stats_quantile_from_sorted_data(sorted, 1, nfin, 0.999);
  return maxv > 1.5 * q ? q : maxv;
}

int report_svg_cdf(FILE *out, const report_svg_cdf_chart *c)
{
  size_t ns = c->n_series;
  double hi = 0.0;
  for (size_t i = 0; i < ns; i++) {
    const report_svg_cdf_series *s = &c->series[i];
    size_t nfin = s->n - report_stats_count_inf(s->sorted, s->n);
    if (nfin > 0) {
      double t = finite_tail(s->sorted, nfin);
      if (t > hi) hi = t;
    }
    if (isfinite(s->objective_s) && s->objective_s > hi) hi = s->objective_s;
  }
  report_svg_unit u = report_svg_unit_for(hi > 0.0 ? hi : 1.0);
  double xt[MAX_TICKS], yt[6], step;
  size_t nxt = report_svg_nice_ticks(hi > 0.0 ? hi / u.seconds : 1.0, 8, xt, MAX_TICKS, &step);
  for (size_t i = 0; i < 6; i++) yt[i] = 20.0 * (double)i;

  frame f = {70.0, TITLE_H + 22.0, CHART_W - 70.0 - 30.0, 300.0, 0.0, 100.0};
  f.xmax = xt[nxt - 1] * u.seconds;
  double legend_y = f.y + f.h + 58.0;
  double h = legend_y + LEGEND_ROW * (double)(ns + 1) + 6.0;

  char quantity_y[160];
  snprintf(quantity_y, sizeof quantity_y, "trials with %s ≤ x (%%)",
           c->quantity ? c->quantity : "value");
  svg_open(out, c->id, NULL, CHART_W, h, c->title);
  x_axis_time(out, &f, xt, nxt, u, c->quantity);
  y_axis(out, &f, yt, 6, "", c->y_label ? c->y_label : quantity_y);
  /* Guides at the two levels the marks sit on. */
  for (int k = 0; k < 2; k++) {
    double lvl = k ? 99.0 : 95.0;
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999999\" "
                 "stroke-dasharray=\"2 4\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s</text>\n",
            f.x, fy(&f, lvl), f.x + f.w, fy(&f, lvl), f.x + f.w + 3.0,
            fy(&f, lvl) + (k ? -1.0 : 8.0), k ? "99 %" : "95 %");
  }
  if (ns == 0) no_data(out, &f, "no data");

  /* Objective lines first, so the curves are drawn over them. Each value is
  ** written above the plot, where no curve runs (the legend says which series
  ** each colour is), in the first of two rows where it does not overlap a
  ** label already placed; when both rows are taken the legend alone names it. */
  double *placed = malloc(3 * (ns ? ns : 1) * sizeof *placed);   /* lo, hi, row */
  if (!placed) return -1;
  size_t n_placed = 0;
  for (size_t i = 0; i < ns; i++) {
    const report_svg_cdf_series *s = &c->series[i];
    if (!isfinite(s->objective_s)) continue;
    double px = fx(&f, s->objective_s);
    char b[32];
    fmt_dur(s->objective_s, b, sizeof b);
    fprintf(out, "<line class=\"objective\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
            px, f.y, px, f.y + f.h, report_svg_color(i));
    double half = 3.6 * (double)strlen(b) + 3.0;   /* 11 px bold, about 7 px a character */
    for (int row = 0; row < 2; row++) {
      int clash = 0;
      for (size_t k = 0; k < n_placed; k++)
        if (placed[3 * k + 2] == row && px - half < placed[3 * k + 1] && px + half > placed[3 * k])
          clash = 1;
      if (clash) continue;
      placed[3 * n_placed] = px - half;
      placed[3 * n_placed + 1] = px + half;
      placed[3 * n_placed + 2] = row;
      n_placed++;
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
                   "font-weight=\"bold\" fill=\"%s\">%s</text>",
              px, f.y - 5.0 - 13.0 * row, report_svg_color(i), b);
      break;
    }
    fputc('\n', out);
  }
  free(placed);

  int cols = (int)f.w;
  for (size_t i = 0; i < ns; i++) {
    const report_svg_cdf_series *s = &c->series[i];
    if (s->n == 0) continue;
    size_t nfin = s->n - report_stats_count_inf(s->sorted, s->n);
    fprintf(out, "<path class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" "
                 "stroke-dasharray=\"%s\" d=\"",
            report_svg_color(i), series_dash(i));
    size_t idx = 0;
    double prev = -1.0;
    for (int col = 0; col <= cols; col++) {
      double xs = f.xmax * (double)col / (double)cols;
      while (idx < nfin && s->sorted[idx] <= xs) idx++;
      double F = 100.0 * (double)idx / (double)s->n;
      if (col == 0) {
        fprintf(out, "M%.1f %.1f", f.x, fy(&f, 0.0));
        if (F > 0.0) fprintf(out, "V%.1f", fy(&f, F));
      } else if (F != prev) {
        fprintf(out, "H%.1f V%.1f", f.x + (double)col, fy(&f, F));
      }
      prev = F;
    }
    fprintf(out, "H%.1f\"/>\n", f.x + f.w);
    for (int k = 0; k < 2; k++) {
      double p = k ? 0.99 : 0.95;
      double q = report_stats_quantile(s->sorted, s->n, p, REPORT_STATS_LEVEL).est;
      if (isfinite(q) && q <= f.xmax) marker(out, fx(&f, q), fy(&f, 100.0 * p), k, report_svg_color(i));
    }
    fputc('\n', out);
  }

  /* Legend: one row per series, then the marker shapes. */
  double ly = legend_y;
  for (size_t i = 0; i < ns; i++, ly += LEGEND_ROW) {
    const report_svg_cdf_series *s = &c->series[i];
    fprintf(out, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-width=\"2.5\" stroke-dasharray=\"%s\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\"><tspan font-weight=\"bold\">",
            f.x, ly, f.x + 34.0, ly, report_svg_color(i), series_dash(i), f.x + 42.0, ly + 4.0);
    report_svg_escape(out, s->label);
    fputs("</tspan>", out);
    if (s->n == 0) {
      fputs(" — no trials</text></g>\n", out);
      continue;
    }
    size_t ninf = report_stats_count_inf(s->sorted, s->n);
    size_t nfin = s->n - ninf;
    char b95[32], b99[32];
    fmt_dur(report_stats_quantile(s->sorted, s->n, 0.95, REPORT_STATS_LEVEL).est, b95, sizeof b95);
    fmt_dur(report_stats_quantile(s->sorted, s->n, 0.99, REPORT_STATS_LEVEL).est, b99, sizeof b99);
    fprintf(out, " — p95 %s, p99 %s", strcmp(b95, "inf") ? b95 : "never",
            strcmp(b99, "inf") ? b99 : "never");
    if (isfinite(s->objective_s)) {
      size_t k = 0;
      while (k < nfin && s->sorted[k] <= s->objective_s) k++;
      char bo[32];
      fmt_dur(s->objective_s, bo, sizeof bo);
      fprintf(out, "; %.1f %% within the objective %s", 100.0 * (double)k / (double)s->n, bo);
    }
    if (ninf) fprintf(out, "; %zu never (%.2f %%)", ninf, 100.0 * (double)ninf / (double)s->n);
    size_t beyond = 0;
    for (size_t k = nfin; k > 0 && s->sorted[k - 1] > f.xmax; k--) beyond++;
    if (beyond) fprintf(out, "; %zu beyond the axis", beyond);
    fputs("</text></g>\n", out);
  }
  fprintf(out, "<g class=\"legend\">");
  marker(out, f.x + 6.0, ly, 0, AXIS_COLOR);
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">p95</text>", f.x + 16.0, ly + 4.0);
  marker(out, f.x + 62.0, ly, 1, AXIS_COLOR);
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">p99</text>", f.x + 72.0, ly + 4.0);
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\" "
               "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
               "<text x=\"%.1f\" y=\"%.1f\">objective (dashed, in the series colour)</text></g>\n",
          f.x + 118.0, ly, f.x + 150.0, ly, f.x + 158.0, ly + 4.0);
  return svg_close(out);
}

/* ------------------------------------------------------------ histogram */

/* Sub-bins per tick interval so the bin count lands in [10, 40], as close to
** 25 as the choices allow; bin edges then fall on the ticks. */
static size_t bins_per_interval(size_t intervals)
{
  static const size_t m[] = {1, 2, 4, 5, 10, 20};
  size_t best = 1;
  double best_d = INFINITY;
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
    size_t nb = intervals * m[i];
    if (nb < 10 || nb > 40) continue;
    double d = fabs((double)nb - 25.0);
    if (d < best_d) { best_d = d; best = m[i]; }
  }
  if (best_d == INFINITY && intervals < 10) best = (10 + intervals - 1) / intervals;
  return best;
}

int report_svg_histogram(FILE *out, const report_svg_histogram_chart *c)
{
  size_t total = 0, nfin = 0, ninf = 0;
  double maxv = 0.0;
  for (size_t i = 0; i < c->n; i++) {
    double v = c->values[i];
    if (isnan(v)) continue;
    total++;
    if (isinf(v)) { ninf++; continue; }
    nfin++;
    if (v > maxv) maxv = v;
  }
  /* A far tail would squash the body into a few bins: cut it at the 99.5th
  ** percentile when the largest value is more than 1.5 times that, and say
  ** how many lie beyond. */
  double *sorted = NULL;
  if (nfin > 0) {
    sorted = malloc(nfin * sizeof *sorted);
    if (!sorted) return -1;
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) if (isfinite(c->values[i])) sorted[k++] = c->values[i];
    report_stats_prepare(sorted, k);
  }
  double hi = maxv;
  if (nfin > 0) {
    double q = gsl_stats_quantile_from_sorted_data(sorted, 1, nfin, 0.995);
    if (maxv > 1.5 * q) hi = q;
  }
  int obj = isfinite(c->objective_s);
  int obj_drawn = obj && c->objective_s <= 3.0 * hi;
  if (obj_drawn && c->objective_s > hi) hi = c->objective_s;
  if (!(hi > 0.0)) hi = 1.0;
  report_svg_unit u = report_svg_unit_for(hi);
  double xt[MAX_TICKS], step;
  size_t nxt = report_svg_nice_ticks(hi / u.seconds, 5, xt, MAX_TICKS, &step);
  double top_s = xt[nxt - 1] * u.seconds;
  const char *color = c->color ? c->color : report_svg_color(0);

  gsl_histogram *hist = NULL;
  size_t nb = 0, beyond = 0;
  double ymax_pct = 0.0;
  if (nfin > 0) {
    nb = (nxt - 1) * bins_per_interval(nxt - 1);
    hist = gsl_histogram_alloc(nb);
    if (!hist) { free(sorted); return -1; }
    gsl_histogram_set_ranges_uniform(hist, 0.0, top_s);
    for (size_t i = 0; i < nfin; i++) {
      double v = sorted[i] < 0.0 ? 0.0 : sorted[i];
      /* The last range is half-open: a value on the top tick belongs to it. */
      if (v == top_s) v = nextafter(top_s, 0.0);
      if (gsl_histogram_increment(hist, v) != 0) beyond++;
    }
    ymax_pct = 100.0 * gsl_histogram_max_val(hist) / (double)total;
  }
  double yt[MAX_TICKS], ystep;
  size_t nyt = report_svg_nice_ticks(ymax_pct > 0.0 ? ymax_pct : 100.0, 4, yt, MAX_TICKS, &ystep);

  frame f = {62.0, TITLE_H + 8.0, HIST_W - 62.0 - 16.0, 150.0, top_s, yt[nyt - 1]};
  double legend_y = f.y + f.h + 56.0;
  int rows = 2 + (nfin > 0) + (ninf > 0);
  double h = legend_y + LEGEND_ROW * rows;
  svg_open(out, c->id, c->key, HIST_W, h, c->title);
  x_axis_time(out, &f, xt, nxt, u, c->quantity);
  y_axis(out, &f, yt, nyt, "", "trials (%)");

  if (!hist) {
    no_data(out, &f, ninf ? "no finite values" : "no data");
  } else {
    fprintf(out, "<g class=\"bars\" fill=\"%s\">", color);
    for (size_t b = 0; b < nb; b++) {
      double cnt = gsl_histogram_get(hist, b);
      if (cnt <= 0.0) continue;
      double lo, up;
      gsl_histogram_get_range(hist, b, &lo, &up);
      double pct = 100.0 * cnt / (double)total;
      double x0 = fx(&f, lo), x1 = fx(&f, up);
      fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
              x0 + 0.5, fy(&f, pct), x1 - x0 - 1.0 > 0.8 ? x1 - x0 - 1.0 : 0.8,
              f.y + f.h - fy(&f, pct));
    }
    fputs("</g>\n", out);
  }
  char bo[32];
  if (obj) fmt_dur(c->objective_s, bo, sizeof bo);
  if (obj_drawn) {
    double px = fx(&f, c->objective_s);
    fprintf(out, "<line class=\"objective\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"" AXIS_COLOR "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
            px, f.y, px, f.y + f.h);
  }

  /* Legend. */
  double ly = legend_y;
  char bw[32];
  fmt_dur(top_s / (double)(nb ? nb : 1), bw, sizeof bw);
  fprintf(out, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" fill=\"%s\"/>"
               "<text x=\"%.1f\" y=\"%.1f\">share of trials per %s bin",
          8.0, ly - 6.0, color, 28.0, ly + 4.0, bw);
  fputs("</text></g>\n", out);
  if (nfin > 0) {
    char bm[32], b99[32];
    fmt_dur(gsl_stats_median_from_sorted_data(sorted, 1, nfin), bm, sizeof bm);
    fmt_dur(gsl_stats_quantile_from_sorted_data(sorted, 1, nfin, 0.99), b99, sizeof b99);
    ly += LEGEND_ROW;
    fprintf(out, "<g class=\"legend\"><text x=\"8\" y=\"%.1f\">finite values: median %s, p99 %s",
            ly + 4.0, bm, b99);
    if (beyond) fprintf(out, "; %zu beyond the axis", beyond);
    fputs("</text></g>\n", out);
  }
  ly += LEGEND_ROW;
  fputs("<g class=\"legend\">", out);
  if (obj_drawn) {
    fprintf(out, "<line x1=\"8\" y1=\"%.1f\" x2=\"22\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\" "
                 "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/><text x=\"28\" y=\"%.1f\">"
                 "objective %s</text>",
            ly, ly, ly + 4.0, bo);
  } else if (obj) {
    size_t k = 0;
    while (k < nfin && sorted[k] <= c->objective_s) k++;
    fprintf(out, "<text x=\"8\" y=\"%.1f\">objective %s (off the axis): %.1f %% of trials "
                 "within it</text>",
            ly + 4.0, bo, total ? 100.0 * (double)k / (double)total : 0.0);
  } else {
    fprintf(out, "<text x=\"8\" y=\"%.1f\">no objective set</text>", ly + 4.0);
  }
  fputs("</g>\n", out);
  if (ninf) {
    ly += LEGEND_ROW;
    fprintf(out, "<g class=\"legend\"><text x=\"8\" y=\"%.1f\">%zu trial%s (%.2f %%) with no copy "
                 "at all (infinite, not drawn)</text></g>\n",
            ly + 4.0, ninf, ninf == 1 ? "" : "s", 100.0 * (double)ninf / (double)total);
  }
  gsl_histogram_free(hist);
  free(sorted);
  return svg_close(out);
}

/* ------------------------------------------------------------ bars */

typedef struct ranked { double v; size_t i; } ranked;

static int cmp_desc(const void *a, const void *b)
{
  const ranked *x = a, *y = b;
  /* NaN last, then larger first, then input order (qsort is not stable). */
  int xn = isnan(x->v), yn = isnan(y->v);
  if (xn != yn) return xn - yn;
  if (!xn && x->v != y->v) return x->v > y->v ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

/* Legend of the kinds in `present`, in one row at y; returns nothing. */
static void kinds_legend(FILE *out, const int *present, double x, double y)
{
  for (int k = 0; k < REPORT_SVG_KIND_COUNT; k++) {
    if (!present[k]) continue;
    const char *name = report_svg_kind_name((report_svg_kind)k);
    fprintf(out, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" "
                 "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">%s</text></g>",
            x, y - 6.0, report_svg_kind_color((report_svg_kind)k), x + 20.0, y + 4.0, name);
    x += 34.0 + 7.0 * (double)strlen(name);
  }
  fputc('\n', out);
}

int report_svg_bars(FILE *out, const report_svg_bars_chart *c)
{
  size_t n = c->n;
  ranked *order = malloc((n ? n : 1) * sizeof *order);
  if (!order) return -1;
  size_t maxlen = 0;
  double vmax = 0.0;
  int present[REPORT_SVG_KIND_COUNT] = {0};
  for (size_t i = 0; i < n; i++) {
    order[i].v = c->bars[i].value;
    order[i].i = i;
    size_t len = c->bars[i].label ? strlen(c->bars[i].label) : 0;
    if (len > maxlen) maxlen = len;
    if (isfinite(c->bars[i].value) && c->bars[i].value > vmax) vmax = c->bars[i].value;
    int k = (int)c->bars[i].kind;
    present[k >= 0 && k < REPORT_SVG_KIND_COUNT ? k : 0] = 1;
  }
  if (c->sort_descending && n > 1) qsort(order, n, sizeof *order, cmp_desc);

  double xt[MAX_TICKS], step;
  size_t nxt = report_svg_nice_ticks(c->value_max > 0.0 ? c->value_max : vmax, 5, xt,
                                     MAX_TICKS, &step);
  double lw = label_width(maxlen > 48 ? 48 : maxlen);
  double row = 22.0;
  frame f = {lw + 8.0, TITLE_H + 8.0, CHART_W - lw - 8.0 - 70.0,
             row * (double)(n ? n : 1), xt[nxt - 1], 1.0};
  double h = f.y + f.h + 60.0 + LEGEND_ROW;
  svg_open(out, c->id, c->key, CHART_W, h, c->title);
  char b[32];
  for (size_t i = 0; i < nxt; i++) {
    double px = fx(&f, xt[i]);
    fmt_tick(xt[i], b, sizeof b);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOR "\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
            px, f.y, px, f.y + f.h, px, f.y + f.h + 16.0, b);
  }
  fprintf(out, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
          f.x + f.w / 2.0, f.y + f.h + 34.0);
  report_svg_escape(out, c->axis_label);
  fputs("</text>\n", out);
  if (n == 0) no_data(out, &f, "no data");
  for (size_t r = 0; r < n; r++) {
    const report_svg_bar *bar = &c->bars[order[r].i];
    double y = f.y + row * (double)r;
    fputs("<g class=\"bar\"><title>", out);
    report_svg_escape(out, bar->label);
    fprintf(out, "</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", f.x - 6.0, y + 15.0);
    write_label(out, bar->label, 48);
    fputs("</text>", out);
    if (isnan(bar->value)) {
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">n/a</text></g>\n", f.x + 4.0, y + 15.0);
      continue;
    }
    double v = bar->value < 0.0 ? 0.0 : bar->value > f.xmax ? f.xmax : bar->value;
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>",
            f.x, y + 4.0, fx(&f, v) - f.x, report_svg_kind_color(bar->kind));
    /* an infinite value is drawn to the axis end and said in words */
    if (isinf(bar->value)) snprintf(b, sizeof b, "%s", "unbounded");
    else fmt_tick(bar->value, b, sizeof b);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">%s", fx(&f, v) + 5.0, y + 15.0, b);
    if (!isinf(bar->value)) report_svg_escape(out, c->value_suffix);
    fputs("</text></g>\n", out);
  }
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\"/>\n",
          f.x, f.y, f.x, f.y + f.h);
  kinds_legend(out, present, 8.0, h - LEGEND_ROW);
  free(order);
  return svg_close(out);
}

/* ------------------------------------------------------------ Gantt */

int report_svg_gantt(FILE *out, const report_svg_gantt_chart *c)
{
  size_t n = c->n, maxlen = 0;
  double hi = 0.0, maxv = 0.0;
  int present[REPORT_SVG_KIND_COUNT] = {0}, any_critical = 0;
  for (size_t i = 0; i < n; i++) {
    const report_svg_gantt_row *r = &c->rows[i];
    size_t len = r->label ? strlen(r->label) : 0;
    if (len > maxlen) maxlen = len;
    if (isfinite(r->start_s) && r->start_s > maxv) maxv = r->start_s;
    if (isfinite(r->end_s) && r->end_s > maxv) maxv = r->end_s;
    int k = (int)r->kind;
    present[k >= 0 && k < REPORT_SVG_KIND_COUNT ? k : 0] = 1;
    any_critical |= r->critical != 0;
  }
  if (isfinite(c->marker_s) && c->marker_s > maxv) maxv = c->marker_s;
  hi = maxv;
  int obj = isfinite(c->objective_s);
  int obj_drawn = obj && (maxv <= 0.0 || c->objective_s <= 3.0 * maxv);
  if (obj_drawn && c->objective_s > hi) hi = c->objective_s;
  if (!(hi > 0.0)) hi = 1.0;
  report_svg_unit u = report_svg_unit_for(hi);
  double xt[MAX_TICKS], step;
  size_t nxt = report_svg_nice_ticks(hi / u.seconds, 8, xt, MAX_TICKS, &step);

  double lw = label_width(maxlen > 48 ? 48 : maxlen);
  double row = 24.0;
  frame f = {lw + 8.0, TITLE_H + 26.0, CHART_W - lw - 8.0 - 90.0, row * (double)(n ? n : 1),
             xt[nxt - 1] * u.seconds, 1.0};
  double legend_y = f.y + f.h + 58.0;
  double h = legend_y + LEGEND_ROW * 2.0;
  svg_open(out, c->id, c->key, CHART_W, h, c->title);
  x_axis_time(out, &f, xt, nxt, u, "time since the disaster");
  if (n == 0) no_data(out, &f, "no steps");
  for (size_t i = 0; i < n; i++) {
    const report_svg_gantt_row *r = &c->rows[i];
    double y = f.y + row * (double)i;
    fputs("<g class=\"task\"><title>", out);
    report_svg_escape(out, r->label);
    char bs[32], be[32];
    fmt_dur(r->start_s, bs, sizeof bs);
    fmt_dur(r->end_s, be, sizeof be);
    fprintf(out, ": %s → %s</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\"%s>", bs, be,
            f.x - 6.0, y + 16.0, r->critical ? " font-weight=\"bold\"" : "");
    write_label(out, r->label, 48);
    fputs("</text>", out);
    if (isnan(r->start_s)) {
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-style=\"italic\">not started</text></g>\n",
              f.x + 4.0, y + 16.0);
      continue;
    }
    double x0 = fx(&f, r->start_s);
    int done = !isnan(r->end_s);
    double x1 = done ? fx(&f, r->end_s) : f.x + f.w;
    if (x1 - x0 < 2.0) x1 = x0 + 2.0;
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" rx=\"2\" fill=\"%s\"%s%s/>",
            x0, y + 4.0, x1 - x0, report_svg_kind_color(r->kind),
            done ? "" : " fill-opacity=\"0.35\"",
            r->critical ? " class=\"critical\" stroke=\"#000000\" stroke-width=\"2\"" : "");
    if (!done)
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-style=\"italic\">did not complete</text>",
              x0 + 4.0, y + 16.0);
    else if (r->attempts > 1)
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%d attempts</text>", x1 + 4.0,
              y + 16.0, r->attempts);
    fputs("</g>\n", out);
  }
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\"/>\n",
          f.x, f.y, f.x, f.y + f.h);
  char bm[32], bo[32];
  if (isfinite(c->marker_s)) {
    double px = fx(&f, c->marker_s);
    fmt_dur(c->marker_s, bm, sizeof bm);
    fprintf(out, "<line class=\"marker\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"#000000\" stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\" "
                 "text-anchor=\"middle\" font-weight=\"bold\">",
            px, f.y - 6.0, px, f.y + f.h, px, f.y - 9.0);
    report_svg_escape(out, c->marker_label ? c->marker_label : "");
    fprintf(out, " %s</text>\n", bm);
  }
  if (obj) fmt_dur(c->objective_s, bo, sizeof bo);
  if (obj_drawn) {
    double px = fx(&f, c->objective_s);
    fprintf(out, "<line class=\"objective\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"" OBJECTIVE_COLOR "\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"" OBJECTIVE_COLOR "\">"
                 "objective %s</text>\n",
            px, f.y - 20.0, px, f.y + f.h, px, f.y - 23.0, bo);
  }
  kinds_legend(out, present, 8.0, legend_y);
  double ly = legend_y + LEGEND_ROW;
  double x = 8.0;
  fputs("<g class=\"legend\">", out);
  if (any_critical) {
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" fill=\"#ffffff\" "
                 "stroke=\"#000000\" stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\">outlined, "
                 "bold label: on the critical path</text>",
            x, ly - 6.0, x + 20.0, ly + 4.0);
    x += 260.0;
  }
  if (isfinite(c->marker_s)) {
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000000\" "
                 "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\">",
            x, ly, x + 16.0, ly, x + 22.0, ly + 4.0);
    report_svg_escape(out, c->marker_label ? c->marker_label : "");
    fprintf(out, " %s</text>", bm);
    x += 120.0;
  }
  if (obj_drawn)
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" OBJECTIVE_COLOR "\" "
                 "stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text x=\"%.1f\" y=\"%.1f\">"
                 "objective %s</text>",
            x, ly, x + 16.0, ly, x + 22.0, ly + 4.0, bo);
  else if (obj)
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">objective %s (off the axis)</text>", x, ly + 4.0, bo);
  fputs("</g>\n", out);
  return svg_close(out);
}

/* ------------------------------------------------------------ ranges */

#define TARGET_COLOR "#C0392B"

/* Update [*lo, *hi] with v when it is finite. */
static void extend(double v, double *lo, double *hi)
{
  if (!isfinite(v)) return;
  if (v < *lo) *lo = v;
  if (v > *hi) *hi = v;
}

int report_svg_ranges(FILE *out, const report_svg_ranges_chart *c)
{
  size_t n = c->n, maxlen = 0;
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    const report_svg_range_row *r = &c->rows[i];
    size_t len = r->label ? strlen(r->label) : 0;
    if (len > maxlen) maxlen = len;
    extend(r->p01, &lo, &hi);
    extend(r->p99, &lo, &hi);
    extend(r->p10, &lo, &hi);
    extend(r->p90, &lo, &hi);
    extend(r->mean, &lo, &hi);
    extend(r->target, &lo, &hi);
  }
  if (!(lo <= hi)) { lo = 0.0; hi = 1.0; }
  /* keep hi - lo and the ticks finite for values near +-DBL_MAX */
  if (lo < -1e299) lo = -1e299;
  if (hi > 1e299) hi = 1e299;
  if (lo > hi) lo = hi;
  if (hi - lo <= 0.0) { double d = fabs(hi) > 0 ? fabs(hi) * 1e-3 : 1.0; lo -= d; hi += d; }
  /* Nice ticks over the span, shifted to start at a multiple of the step
  ** below the data (an availability axis runs 99.0 .. 100, not 0 .. 100). */
  double xt[MAX_TICKS], step;
  report_svg_nice_ticks(hi - lo, 6, xt, MAX_TICKS, &step);
  double x0 = floor(lo / step) * step, x1 = ceil(hi / step - 1e-9) * step;
  if (x1 <= x0) x1 = x0 + step;
  size_t nxt = 0;
  for (double t = x0; t <= x1 + step * 1e-6 && nxt < MAX_TICKS; t += step) xt[nxt++] = t;

  double lw = label_width(maxlen > 32 ? 32 : maxlen);
  double row = 40.0, note_w = 230.0;
  frame f = {lw + 8.0, TITLE_H + 14.0, CHART_W - lw - 8.0 - note_w, row * (double)(n ? n : 1),
             1.0, 1.0};
  double span = x1 - x0;
#define RX(v) px_clamp(f.x + f.w * (((v) - x0) / span))
  double h = f.y + f.h + 50.0 + LEGEND_ROW * 2.0;
  svg_open(out, c->id, NULL, CHART_W, h, c->title);
  char b[32];
  for (size_t i = 0; i < nxt; i++) {
    double px = RX(xt[i]);
    snprintf(b, sizeof b, "%.6g", fabs(xt[i]) < 1e-12 * span ? 0.0 : xt[i]);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOR "\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s",
            px, f.y, px, f.y + f.h, px, f.y + f.h + 16.0, b);
    report_svg_escape(out, c->value_suffix);
    fputs("</text>\n", out);
  }
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\"/>\n",
          f.x, f.y + f.h, f.x + f.w, f.y + f.h);
  fprintf(out, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
          f.x + f.w / 2.0, f.y + f.h + 34.0);
  report_svg_escape(out, c->axis_label);
  fputs("</text>\n", out);
  if (n == 0) no_data(out, &f, "no data");
  for (size_t i = 0; i < n; i++) {
    const report_svg_range_row *r = &c->rows[i];
    const char *col = report_svg_color(i);
    double y = f.y + row * (double)i, ym = y + row / 2.0;
    fputs("<g class=\"range\"><title>", out);
    report_svg_escape(out, r->label);
    fprintf(out, ": p1 %.6g, p10 %.6g, median %.6g, p90 %.6g, p99 %.6g, mean %.6g</title>",
            r->p01, r->p10, r->p50, r->p90, r->p99, r->mean);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", f.x - 6.0, ym + 4.0);
    write_label(out, r->label, 32);
    fputs("</text>", out);
    if (isfinite(r->p01) && isfinite(r->p99))
      fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"1.5\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"%s\" stroke-width=\"1.5\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                   "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"/>",
              RX(r->p01), ym, RX(r->p99), ym, col, RX(r->p01), ym - 5.0, RX(r->p01), ym + 5.0,
              col, RX(r->p99), ym - 5.0, RX(r->p99), ym + 5.0, col);
    if (isfinite(r->p10) && isfinite(r->p90))
      fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"%s\" "
                   "fill-opacity=\"0.55\" stroke=\"%s\"/>",
              RX(r->p10), ym - 6.0, RX(r->p90) - RX(r->p10), col, col);
    if (isfinite(r->p50))
      fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\" "
                   "stroke-width=\"2.5\"/>",
              RX(r->p50), ym - 8.0, RX(r->p50), ym + 8.0);
    if (isfinite(r->mean_lo) && isfinite(r->mean_hi))
      fprintf(out, "<path d=\"M%.1f %.1fv-4h%.1fv4\" fill=\"none\" stroke=\"" AXIS_COLOR "\"/>",
              RX(r->mean_lo), ym - 10.0, RX(r->mean_hi) - RX(r->mean_lo));
    if (isfinite(r->mean)) marker(out, RX(r->mean), ym - 14.0, 1, AXIS_COLOR);
    if (isfinite(r->target))
      fprintf(out, "<line class=\"objective\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"" TARGET_COLOR "\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>",
              RX(r->target), y + 2.0, RX(r->target), y + row - 2.0);
    if (r->note) {
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", f.x + f.w + 12.0, ym + 4.0);
      write_label(out, r->note, 40);
      fputs("</text>", out);
    }
    fputs("</g>\n", out);
  }
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\"/>\n",
          f.x, f.y, f.x, f.y + f.h);
  /* Legend of the marks. */
  double ly = h - LEGEND_ROW * 1.2, lx = 8.0;
  fprintf(out, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
               "stroke=\"" AXIS_COLOR "\" stroke-width=\"1.5\"/><text x=\"%.1f\" y=\"%.1f\">"
               "p1 – p99</text></g>",
          lx, ly, lx + 24.0, ly, lx + 30.0, ly + 4.0);
  lx += 110.0;
  fprintf(out, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"10\" "
               "fill=\"#888888\" fill-opacity=\"0.55\" stroke=\"#888888\"/><text x=\"%.1f\" "
               "y=\"%.1f\">p10 – p90</text></g>",
          lx, ly - 5.0, lx + 30.0, ly + 4.0);
  lx += 110.0;
  fprintf(out, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
               "stroke=\"" AXIS_COLOR "\" stroke-width=\"2.5\"/><text x=\"%.1f\" y=\"%.1f\">"
               "median</text></g>",
          lx + 6.0, ly - 7.0, lx + 6.0, ly + 7.0, lx + 16.0, ly + 4.0);
  lx += 90.0;
  fputs("<g class=\"legend\">", out);
  marker(out, lx + 6.0, ly, 1, AXIS_COLOR);
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">mean [95 %% CI]</text></g>", lx + 16.0, ly + 4.0);
  lx += 140.0;
  fprintf(out, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
               "stroke=\"" TARGET_COLOR "\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"
               "<text x=\"%.1f\" y=\"%.1f\">objective</text></g>\n",
          lx + 6.0, ly - 8.0, lx + 6.0, ly + 8.0, lx + 16.0, ly + 4.0);
#undef RX
  return svg_close(out);
}
