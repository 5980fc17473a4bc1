/*
** reports/sweep_chart.c — the chart of `drsim sweep --html` (see sweep_chart.h).
*/
#include "reports/sweep_chart.h"

#include <math.h>
#include <stdio.h>

#include "models/units.h"
#include "reports/page.h"
#include "reports/svg.h"

enum { W = 900, H = 380, L = 70, R = 180, T = 40, B = 56 };

/* One chart: series per environment, y from 0 to ymax (in seconds, or a
** share drawn in percent when pct), bands lo..hi, dashed lines: hlines[env]
** in the environment's colour (NULL: none), `shared` in grey (NAN: none). */
static void chart(FILE *f, const report_sweep_chart *c, const char *id, const char *title,
                  const char *y_label, const report_stats_ci *y, int pct, const double *hlines,
                  double shared) {
  double xmin = c->x[0], xmax = c->x[0], ymax = 0;
  for (size_t i = 0; i < c->n_points; i++) {
    if (c->x[i] < xmin) xmin = c->x[i];
    if (c->x[i] > xmax) xmax = c->x[i];
    for (size_t e = 0; e < c->n_envs; e++) {
      double hi = y[i * c->n_envs + e].hi;
      if (isfinite(hi) && hi > ymax) ymax = hi;
    }
  }
  for (size_t e = 0; hlines && e < c->n_envs; e++)
    if (isfinite(hlines[e]) && hlines[e] > ymax) ymax = hlines[e];
  if (isfinite(shared) && shared > ymax) ymax = shared;
  if (pct) ymax = 1;
  if (!(ymax > 0)) ymax = 1;
  if (!(xmax > xmin)) xmax = xmin + 1;
  report_svg_unit yu = pct ? (report_svg_unit){"percent", "%", 0.01} : report_svg_unit_for(ymax);
  report_svg_unit xu = c->x_seconds ? report_svg_unit_for(xmax) : (report_svg_unit){"", "", 1};
  double yt[32], ys, xt[32], xs;
  size_t nyt = report_svg_nice_ticks(ymax / yu.seconds, 5, yt, 32, &ys);
  double ytop = yt[nyt - 1];
  double x0 = xmin / xu.seconds, x1 = xmax / xu.seconds;
  report_svg_nice_ticks(x1 - x0, 6, xt, 32, &xs);
#define PX(v) (L + (W - L - R) * (((v) / xu.seconds) - x0) / (x1 - x0))
#define PY(v) (H - B - (H - T - B) * fmin(1.05, fmax(0, ((v) / yu.seconds) / ytop)))
  fprintf(f, "<svg data-chart=\"%s\" role=\"img\" viewBox=\"0 0 %d %d\" "
          "xmlns=\"http://www.w3.org/2000/svg\"><title>", id, W, H);
  report_svg_escape(f, title);
  fputs("</title>\n<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"600\">", f);
  report_svg_escape(f, title);
  fputs("</text>\n", f);
  for (size_t k = 0; k < nyt; k++) {
    double py = H - B - (H - T - B) * yt[k] / ytop;
    fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
            "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
            L, W - R, py, py, L - 6, py + 4, yt[k]);
  }
  double first = ceil(x0 / xs) * xs;
  for (double v = first; v <= x1 + xs / 2; v += xs) {
    double px = L + (W - L - R) * (v - x0) / (x1 - x0);
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e5e5e5\"/>"
            "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%g</text>\n",
            px, px, T, H - B, px, H - B + 16, fabs(v) < xs * 1e-9 ? 0 : v);
  }
  fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">", (L + W - R) / 2,
          H - 14);
  report_svg_escape(f, c->x_label);
  if (c->x_seconds) fprintf(f, " (%s)", xu.name);
  fprintf(f, "</text>\n<text transform=\"translate(16 %d) rotate(-90)\" font-size=\"12\" "
          "text-anchor=\"middle\">", (T + H - B) / 2);
  report_svg_escape(f, y_label);
  fprintf(f, " (%s)</text>\n", yu.name);
  for (size_t e = 0; e < c->n_envs; e++) {
    const char *col = report_svg_color(e);
    /* band: hi left to right, lo right to left */
    fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" points=\"", col);
    for (size_t i = 0; i < c->n_points; i++) {
      report_stats_ci v = y[i * c->n_envs + e];
      if (!isnan(v.est)) fprintf(f, "%.1f,%.1f ", PX(c->x[i]), PY(isfinite(v.hi) ? v.hi : ytop * yu.seconds * 1.05));
    }
    for (size_t i = c->n_points; i-- > 0;) {
      report_stats_ci v = y[i * c->n_envs + e];
      if (!isnan(v.est)) fprintf(f, "%.1f,%.1f ", PX(c->x[i]), PY(isfinite(v.lo) ? v.lo : ytop * yu.seconds * 1.05));
    }
    fprintf(f, "\"/>\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col);
    for (size_t i = 0; i < c->n_points; i++) {
      report_stats_ci v = y[i * c->n_envs + e];
      if (!isnan(v.est)) fprintf(f, "%.1f,%.1f ", PX(c->x[i]), PY(isfinite(v.est) ? v.est : ytop * yu.seconds * 1.05));
    }
    fputs("\"/>\n", f);
    for (size_t i = 0; i < c->n_points; i++) {
      report_stats_ci v = y[i * c->n_envs + e];
      if (isnan(v.est)) continue;
      fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>", PX(c->x[i]),
              PY(isfinite(v.est) ? v.est : ytop * yu.seconds * 1.05), col);
      report_svg_escape(f, c->envs[e]);
      if (pct)
        fprintf(f, ": %.1f %% [%.1f, %.1f]", 100 * v.est, 100 * v.lo, 100 * v.hi);
      else {
        char a[48];
        fprintf(f, ": %s", isinf(v.est) ? "never" : model_units_format_duration(v.est, a, sizeof a));
      }
      fputs("</title></circle>\n", f);
    }
    double hl = hlines ? hlines[e] : NAN;
    if (isfinite(hl))
      fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
              "stroke-dasharray=\"5 3\"/>\n", L, W - R, PY(hl), PY(hl), col);
    double ly = T + 14 + 18.0 * (double)e;
    fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"4\" fill=\"%s\"/>"
            "<text x=\"%d\" y=\"%.1f\" font-size=\"12\">", W - R + 14, ly - 4, col, W - R + 34, ly);
    report_svg_escape(f, c->envs[e]);
    fputs("</text>\n", f);
  }
  if (isfinite(shared))
    fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
            "stroke-dasharray=\"5 3\"/>\n", L, W - R, PY(shared), PY(shared));
  fputs("</svg>\n", f);
#undef PX
#undef PY
}

int report_sweep_chart_write(FILE *f, const report_sweep_chart *c) {
  if (report_page_begin(f, c->title) != 0) return -1;
  if (c->n_points == 0 || c->n_envs == 0) {
    fputs("<p>No point to draw.</p>\n", f);
    return report_page_end(f);
  }
  fputs("<p class=\"note\">Each point is a run with the same random numbers; the band is the "
        "95 % interval. Dashed: the share of trials that must meet (grey, top chart) and each "
        "environment's RTO objective (bottom chart).</p>\n", f);
  chart(f, c, "sweep-p-meet", "P(RTO meets the objective) against the varied value",
        "trials meeting the RTO objective", c->p_meet, 1, NULL, c->meet_share);
  chart(f, c, "sweep-p95", "RTO p95 against the varied value", "RTO p95", c->p95, 0,
        c->objective_s, NAN);
  return report_page_end(f);
}
