/*
** reports/svg_bars.c — the bar, Gantt and range charts of reports/svg.h.
** Part of the SVG chart module (reports/svg_internal.h).
**
** report_svg_gantt and report_svg_ranges are longer than 100 lines on
** purpose: each is one chart's layout written top to bottom (rows, axis,
** bars, objective, legend) whose parts share the row geometry a split would
** pass around by hand.
*/
#include "reports/svg_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
  double lw = svg_label_width(maxlen > 48 ? 48 : maxlen);
  double row = 22.0;
  frame f = {lw + 8.0, TITLE_H + 8.0, CHART_W - lw - 8.0 - 70.0,
             row * (double)(n ? n : 1), xt[nxt - 1], 1.0};
  double h = f.y + f.h + 60.0 + LEGEND_ROW;
  svg_open(out, c->id, c->key, CHART_W, h, c->title);
  char b[32];
  for (size_t i = 0; i < nxt; i++) {
    double px = svg_fx(&f, xt[i]);
    svg_fmt_tick(xt[i], b, sizeof b);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOR "\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
            px, f.y, px, f.y + f.h, px, f.y + f.h + 16.0, b);
  }
  fprintf(out, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
          f.x + f.w / 2.0, f.y + f.h + 34.0);
  report_svg_escape(out, c->axis_label);
  fputs("</text>\n", out);
  if (n == 0) svg_no_data(out, &f, "no data");
  for (size_t r = 0; r < n; r++) {
    const report_svg_bar *bar = &c->bars[order[r].i];
    double y = f.y + row * (double)r;
    fputs("<g class=\"bar\"><title>", out);
    report_svg_escape(out, bar->label);
    fprintf(out, "</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", f.x - 6.0, y + 15.0);
    svg_write_label(out, bar->label, 48);
    fputs("</text>", out);
    if (isnan(bar->value)) {
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">n/a</text></g>\n", f.x + 4.0, y + 15.0);
      continue;
    }
    double v = bar->value < 0.0 ? 0.0 : bar->value > f.xmax ? f.xmax : bar->value;
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>",
            f.x, y + 4.0, svg_fx(&f, v) - f.x, report_svg_kind_color(bar->kind));
    /* an infinite value is drawn to the axis end and said in words */
    if (isinf(bar->value)) snprintf(b, sizeof b, "%s", "unbounded");
    else svg_fmt_tick(bar->value, b, sizeof b);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">%s", svg_fx(&f, v) + 5.0, y + 15.0, b);
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

  double lw = svg_label_width(maxlen > 48 ? 48 : maxlen);
  double row = 24.0;
  frame f = {lw + 8.0, TITLE_H + 26.0, CHART_W - lw - 8.0 - 90.0, row * (double)(n ? n : 1),
             xt[nxt - 1] * u.seconds, 1.0};
  double legend_y = f.y + f.h + 58.0;
  double h = legend_y + LEGEND_ROW * 2.0;
  svg_open(out, c->id, c->key, CHART_W, h, c->title);
  svg_x_axis_time(out, &f, xt, nxt, u, "time since the disaster");
  if (n == 0) svg_no_data(out, &f, "no steps");
  for (size_t i = 0; i < n; i++) {
    const report_svg_gantt_row *r = &c->rows[i];
    double y = f.y + row * (double)i;
    fputs("<g class=\"task\"><title>", out);
    report_svg_escape(out, r->label);
    char bs[32], be[32];
    svg_fmt_dur(r->start_s, bs, sizeof bs);
    svg_fmt_dur(r->end_s, be, sizeof be);
    fprintf(out, ": %s → %s</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\"%s>", bs, be,
            f.x - 6.0, y + 16.0, r->critical ? " font-weight=\"bold\"" : "");
    svg_write_label(out, r->label, 48);
    fputs("</text>", out);
    if (isnan(r->start_s)) {
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-style=\"italic\">not started</text></g>\n",
              f.x + 4.0, y + 16.0);
      continue;
    }
    double x0 = svg_fx(&f, r->start_s);
    int done = !isnan(r->end_s);
    double x1 = done ? svg_fx(&f, r->end_s) : f.x + f.w;
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
    double px = svg_fx(&f, c->marker_s);
    svg_fmt_dur(c->marker_s, bm, sizeof bm);
    fprintf(out, "<line class=\"marker\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"#000000\" stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\" "
                 "text-anchor=\"middle\" font-weight=\"bold\">",
            px, f.y - 6.0, px, f.y + f.h, px, f.y - 9.0);
    report_svg_escape(out, c->marker_label ? c->marker_label : "");
    fprintf(out, " %s</text>\n", bm);
  }
  if (obj) svg_fmt_dur(c->objective_s, bo, sizeof bo);
  if (obj_drawn) {
    double px = svg_fx(&f, c->objective_s);
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

  double lw = svg_label_width(maxlen > 32 ? 32 : maxlen);
  double row = 40.0, note_w = 230.0;
  frame f = {lw + 8.0, TITLE_H + 14.0, CHART_W - lw - 8.0 - note_w, row * (double)(n ? n : 1),
             1.0, 1.0};
  double span = x1 - x0;
#define RX(v) svg_px_clamp(f.x + f.w * (((v) - x0) / span))
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
  if (n == 0) svg_no_data(out, &f, "no data");
  for (size_t i = 0; i < n; i++) {
    const report_svg_range_row *r = &c->rows[i];
    const char *col = report_svg_color(i);
    double y = f.y + row * (double)i, ym = y + row / 2.0;
    fputs("<g class=\"range\"><title>", out);
    report_svg_escape(out, r->label);
    fprintf(out, ": p1 %.6g, p10 %.6g, median %.6g, p90 %.6g, p99 %.6g, mean %.6g</title>",
            r->p01, r->p10, r->p50, r->p90, r->p99, r->mean);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", f.x - 6.0, ym + 4.0);
    svg_write_label(out, r->label, 32);
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
    if (isfinite(r->mean)) svg_marker(out, RX(r->mean), ym - 14.0, 1, AXIS_COLOR);
    if (isfinite(r->target))
      fprintf(out, "<line class=\"objective\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"" TARGET_COLOR "\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>",
              RX(r->target), y + 2.0, RX(r->target), y + row - 2.0);
    if (r->note) {
      fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", f.x + f.w + 12.0, ym + 4.0);
      svg_write_label(out, r->note, 40);
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
  svg_marker(out, lx + 6.0, ly, 1, AXIS_COLOR);
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">mean [95 %% CI]</text></g>", lx + 16.0, ly + 4.0);
  lx += 140.0;
  fprintf(out, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
               "stroke=\"" TARGET_COLOR "\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"
               "<text x=\"%.1f\" y=\"%.1f\">objective</text></g>\n",
          lx + 6.0, ly - 8.0, lx + 6.0, ly + 8.0, lx + 16.0, ly + 4.0);
#undef RX
  return svg_close(out);
}
