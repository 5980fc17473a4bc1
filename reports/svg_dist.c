/*
** reports/svg_dist.c — the distribution charts of reports/svg.h: the CDF
** (one curve per series, p95/p99 marks, objective line) and the histogram
** small multiples (GSL bins). Part of the SVG chart module
** (reports/svg_internal.h).
**
** report_svg_histogram is longer than 100 lines on purpose: it is one
** chart's layout written top to bottom (bins, axes, bars, objective,
** legend), and its parts share a dozen layout values (bins, top of axis,
** counts, objective placement) that a split would pass around by hand.
*/
#include "reports/svg_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_statistics_double.h>
#include "reports/stats.h"

/* ------------------------------------------------------------ CDF */

/* The 0.999 quantile of the finite part of sorted data, for the axis cut. */
static double finite_tail(const double *sorted, size_t nfin)
{
  double maxv = sorted[nfin - 1];
  double q = gsl_stats_quantile_from_sorted_data(sorted, 1, nfin, 0.999);
  return maxv > 1.5 * q ? q : maxv;
}

/* The CDF's objective lines and their values above the plot. -1 when out
** of memory. */
static int cdf_objectives(FILE *out, const report_svg_cdf_chart *c, const frame *f)
{
  size_t ns = c->n_series;
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
    double px = svg_fx(f, s->objective_s);
    char b[32];
    svg_fmt_dur(s->objective_s, b, sizeof b);
    fprintf(out, "<line class=\"objective\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
            px, f->y, px, f->y + f->h, report_svg_color(i));
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
              px, f->y - 5.0 - 13.0 * row, report_svg_color(i), b);
      break;
    }
    fputc('\n', out);
  }
  free(placed);

  return 0;
}

/* The CDF's curves, one per series, with their p95 / p99 marks. */
static void cdf_curves(FILE *out, const report_svg_cdf_chart *c, const frame *f)
{
  size_t ns = c->n_series;
  int cols = (int)f->w;
  for (size_t i = 0; i < ns; i++) {
    const report_svg_cdf_series *s = &c->series[i];
    if (s->n == 0) continue;
    size_t nfin = s->n - report_stats_count_inf(s->sorted, s->n);
    fprintf(out, "<path class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" "
                 "stroke-dasharray=\"%s\" d=\"",
            report_svg_color(i), svg_series_dash(i));
    size_t idx = 0;
    double prev = -1.0;
    for (int col = 0; col <= cols; col++) {
      double xs = f->xmax * (double)col / (double)cols;
      while (idx < nfin && s->sorted[idx] <= xs) idx++;
      double F = 100.0 * (double)idx / (double)s->n;
      if (col == 0) {
        fprintf(out, "M%.1f %.1f", f->x, svg_fy(f, 0.0));
        if (F > 0.0) fprintf(out, "V%.1f", svg_fy(f, F));
      } else if (F != prev) {
        fprintf(out, "H%.1f V%.1f", f->x + (double)col, svg_fy(f, F));
      }
      prev = F;
    }
    fprintf(out, "H%.1f\"/>\n", f->x + f->w);
    for (int k = 0; k < 2; k++) {
      double p = k ? 0.99 : 0.95;
      double q = report_stats_quantile(s->sorted, s->n, p, REPORT_STATS_LEVEL).est;
      if (isfinite(q) && q <= f->xmax) svg_marker(out, svg_fx(f, q), svg_fy(f, 100.0 * p), k, report_svg_color(i));
    }
    fputc('\n', out);
  }

}

/* The CDF's legend from legend_y down. */
static void cdf_legend(FILE *out, const report_svg_cdf_chart *c, const frame *f,
                       double legend_y)
{
  size_t ns = c->n_series;
  /* Legend: one row per series, then the marker shapes. */
  double ly = legend_y;
  for (size_t i = 0; i < ns; i++, ly += LEGEND_ROW) {
    const report_svg_cdf_series *s = &c->series[i];
    fprintf(out, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-width=\"2.5\" stroke-dasharray=\"%s\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\"><tspan font-weight=\"bold\">",
            f->x, ly, f->x + 34.0, ly, report_svg_color(i), svg_series_dash(i), f->x + 42.0, ly + 4.0);
    report_svg_escape(out, s->label);
    fputs("</tspan>", out);
    if (s->n == 0) {
      fputs(" — no trials</text></g>\n", out);
      continue;
    }
    size_t ninf = report_stats_count_inf(s->sorted, s->n);
    size_t nfin = s->n - ninf;
    char b95[32], b99[32];
    svg_fmt_dur(report_stats_quantile(s->sorted, s->n, 0.95, REPORT_STATS_LEVEL).est, b95, sizeof b95);
    svg_fmt_dur(report_stats_quantile(s->sorted, s->n, 0.99, REPORT_STATS_LEVEL).est, b99, sizeof b99);
    fprintf(out, " — p95 %s, p99 %s", strcmp(b95, "inf") ? b95 : "never",
            strcmp(b99, "inf") ? b99 : "never");
    if (isfinite(s->objective_s)) {
      size_t k = 0;
      while (k < nfin && s->sorted[k] <= s->objective_s) k++;
      char bo[32];
      svg_fmt_dur(s->objective_s, bo, sizeof bo);
      fprintf(out, "; %.1f %% within the objective %s", 100.0 * (double)k / (double)s->n, bo);
    }
    if (ninf) fprintf(out, "; %zu never (%.2f %%)", ninf, 100.0 * (double)ninf / (double)s->n);
    size_t beyond = 0;
    for (size_t k = nfin; k > 0 && s->sorted[k - 1] > f->xmax; k--) beyond++;
    if (beyond) fprintf(out, "; %zu beyond the axis", beyond);
    fputs("</text></g>\n", out);
  }
  fprintf(out, "<g class=\"legend\">");
  svg_marker(out, f->x + 6.0, ly, 0, AXIS_COLOR);
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">p95</text>", f->x + 16.0, ly + 4.0);
  svg_marker(out, f->x + 62.0, ly, 1, AXIS_COLOR);
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">p99</text>", f->x + 72.0, ly + 4.0);
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOR "\" "
               "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
               "<text x=\"%.1f\" y=\"%.1f\">objective (dashed, in the series colour)</text></g>\n",
          f->x + 118.0, ly, f->x + 150.0, ly, f->x + 158.0, ly + 4.0);
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
  svg_x_axis_time(out, &f, xt, nxt, u, c->quantity);
  svg_y_axis(out, &f, yt, 6, "", c->y_label ? c->y_label : quantity_y);
  /* Guides at the two levels the marks sit on. */
  for (int k = 0; k < 2; k++) {
    double lvl = k ? 99.0 : 95.0;
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999999\" "
                 "stroke-dasharray=\"2 4\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s</text>\n",
            f.x, svg_fy(&f, lvl), f.x + f.w, svg_fy(&f, lvl), f.x + f.w + 3.0,
            svg_fy(&f, lvl) + (k ? -1.0 : 8.0), k ? "99 %" : "95 %");
  }
  if (ns == 0) svg_no_data(out, &f, "no data");

  if (cdf_objectives(out, c, &f)) return -1;
  cdf_curves(out, c, &f);
  cdf_legend(out, c, &f, legend_y);
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
  svg_x_axis_time(out, &f, xt, nxt, u, c->quantity);
  svg_y_axis(out, &f, yt, nyt, "", "trials (%)");

  if (!hist) {
    svg_no_data(out, &f, ninf ? "no finite values" : "no data");
  } else {
    fprintf(out, "<g class=\"bars\" fill=\"%s\">", color);
    for (size_t b = 0; b < nb; b++) {
      double cnt = gsl_histogram_get(hist, b);
      if (cnt <= 0.0) continue;
      double lo, up;
      gsl_histogram_get_range(hist, b, &lo, &up);
      double pct = 100.0 * cnt / (double)total;
      double x0 = svg_fx(&f, lo), x1 = svg_fx(&f, up);
      fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
              x0 + 0.5, svg_fy(&f, pct), x1 - x0 - 1.0 > 0.8 ? x1 - x0 - 1.0 : 0.8,
              f.y + f.h - svg_fy(&f, pct));
    }
    fputs("</g>\n", out);
  }
  char bo[32];
  if (obj) svg_fmt_dur(c->objective_s, bo, sizeof bo);
  if (obj_drawn) {
    double px = svg_fx(&f, c->objective_s);
    fprintf(out, "<line class=\"objective\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"" AXIS_COLOR "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
            px, f.y, px, f.y + f.h);
  }

  /* Legend. */
  double ly = legend_y;
  char bw[32];
  svg_fmt_dur(top_s / (double)(nb ? nb : 1), bw, sizeof bw);
  fprintf(out, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" fill=\"%s\"/>"
               "<text x=\"%.1f\" y=\"%.1f\">share of trials per %s bin",
          8.0, ly - 6.0, color, 28.0, ly + 4.0, bw);
  fputs("</text></g>\n", out);
  if (nfin > 0) {
    char bm[32], b99[32];
    svg_fmt_dur(gsl_stats_median_from_sorted_data(sorted, 1, nfin), bm, sizeof bm);
    svg_fmt_dur(gsl_stats_quantile_from_sorted_data(sorted, 1, nfin, 0.99), b99, sizeof b99);
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

