/*
** reports/svg.c — the SVG chart module's helpers (units, ticks, escaping,
** colours, frame, axes, markers); the charts are reports/svg_dist.c (CDF,
** histogram) and reports/svg_bars.c (bars, Gantt, ranges), sharing
** reports/svg_internal.h. Contract: reports/svg.h. Each chart computes its
** axes (unit, nice ticks), then writes one <svg> element with absolute pixel
** coordinates inside a fixed viewBox; the browser scales it. Layout constants
** are in pixels of that viewBox. GSL bins the histograms; report_stats gives
** the quantile marks so they agree with the summary tables.
*/
#include "reports/svg_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/units.h"
#include "reports/stats.h"


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
const char *svg_series_dash(size_t i)
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
void svg_fmt_tick(double v, char *buf, size_t n)
{
  if (fabs(v) < 1e-12) v = 0.0;
  snprintf(buf, n, "%.4g", v);
}

void svg_fmt_dur(double s, char *buf, size_t n)
{
  model_units_format_duration(s, buf, n);
}

/* Longest label (bytes, a fair proxy for width at this font size). */
double svg_label_width(size_t maxlen)
{
  double w = 10.0 + 6.6 * (double)maxlen;
  if (w < 100.0) w = 100.0;
  if (w > 330.0) w = 330.0;
  return w;
}

/* Write a label cut to at most max bytes (whole UTF-8 characters), with an
** ellipsis when cut. */
void svg_write_label(FILE *out, const char *s, size_t max)
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

void svg_open(FILE *out, const char *id, const char *key, double w,
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

int svg_close(FILE *out)
{
  fputs("</svg>\n", out);
  /* Flush so that a full disk shows up here, at the chart, not later. */
  return fflush(out) != 0 || ferror(out) ? -1 : 0;
}


/* A pixel coordinate that is always finite: inf/NaN must never reach an SVG
** attribute (viewers drop the element or the whole chart), and values far
** off the axis only need to land outside the plot. NaN maps to 0. */
double svg_px_clamp(double p)
{
  if (isnan(p)) return 0.0;
  return p < -1e6 ? -1e6 : p > 1e6 ? 1e6 : p;
}

/* Divide first: w * v overflows for huge v even when v / xmax is small. */
double svg_fx(const frame *f, double v) { return svg_px_clamp(f->x + f->w * (v / f->xmax)); }
double svg_fy(const frame *f, double v) { return svg_px_clamp(f->y + f->h - f->h * (v / f->ymax)); }

/* Vertical grid lines, tick labels and the label of a time axis; ticks are
** in unit u. */
void svg_x_axis_time(FILE *out, const frame *f, const double *ticks,
                        size_t nt, report_svg_unit u, const char *quantity)
{
  char b[32];
  for (size_t i = 0; i < nt; i++) {
    double px = svg_fx(f, ticks[i] * u.seconds);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOR "\"/>",
            px, f->y, px, f->y + f->h);
    svg_fmt_tick(ticks[i], b, sizeof b);
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
void svg_y_axis(FILE *out, const frame *f, const double *ticks, size_t nt,
                   const char *suffix, const char *label)
{
  char b[32];
  for (size_t i = 0; i < nt; i++) {
    double py = svg_fy(f, ticks[i]);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOR "\"/>",
            f->x, py, f->x + f->w, py);
    svg_fmt_tick(ticks[i], b, sizeof b);
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

void svg_no_data(FILE *out, const frame *f, const char *why)
{
  fprintf(out, "<text class=\"no-data\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
               "font-size=\"14\">",
          f->x + f->w / 2.0, f->y + f->h / 2.0);
  report_svg_escape(out, why);
  fputs("</text>\n", out);
}

/* A marker: circle (p95) or diamond (p99), white-filled so it shows on the curve. */
void svg_marker(FILE *out, double x, double y, int diamond, const char *color)
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

