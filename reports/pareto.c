/*
** reports/pareto.c — the sizing chart (see pareto.h).
*/
#include "reports/pareto.h"
#include "reports/page.h"
#include "reports/svg.h"

#include <math.h>

void report_pareto_svg(FILE *f, const report_pareto_chart *z) {
  const report_pareto_point *rec = z->recommended >= 0 ? &z->points[z->recommended] : NULL;
  const double W = 760, H = 420, L = 70, R = 20, T = 40, B = 60;
  double xmax = 0, ymax = 0;
  for (size_t i = 0; i < z->n; i++) {
    const report_pareto_point *c = &z->points[i];
    double ys[] = {c->p50, c->p95, c->p99, c->upper};
    if (c->cost > xmax) xmax = c->cost;
    for (int k = 0; k < 4; k++)
      if (isfinite(ys[k]) && ys[k] > ymax) ymax = ys[k];
  }
  if (isfinite(z->objective) && z->objective > ymax) ymax = z->objective;
  report_svg_unit u = report_svg_unit_for(ymax);
  double xt[16], yt[16], xs, ys_;
  if (!(xmax > 0)) xmax = 1;
  size_t nxt = report_svg_nice_ticks(xmax, 6, xt, 16, &xs);
  size_t nyt = report_svg_nice_ticks(ymax / u.seconds, 6, yt, 16, &ys_);
  double xtop = xt[nxt - 1], ytop = yt[nyt - 1];
#define PX(v) (L + (W - L - R) * (v) / xtop)
#define PY(s) (H - B - (H - T - B) * ((s) / u.seconds) / ytop)
  const char *metric = z->metric;
  fprintf(f, "<svg data-chart=\"pareto\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" "
          "xmlns=\"http://www.w3.org/2000/svg\"><title>Annual standby cost vs. %s of ",
          W, H, metric);
  report_svg_escape(f, z->env);
  fprintf(f, "</title>\n<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"600\">"
          "Annual standby cost vs. %s (", L, metric);
  report_svg_escape(f, z->env);
  fputs(")</text>\n", f);
  for (size_t i = 0; i < nyt; i++)
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
            L, W - R, PY(yt[i] * u.seconds), PY(yt[i] * u.seconds), L - 6,
            PY(yt[i] * u.seconds) + 4, yt[i]);
  for (size_t i = 0; i < nxt; i++)
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%g</text>\n",
            PX(xt[i]), PX(xt[i]), H - B, H - B + 5, PX(xt[i]), H - B + 18, xt[i]);
  fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>"
          "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>\n",
          L, W - R, H - B, H - B, L, L, T, H - B);
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\">annual "
          "standby cost (warm nodes × node cost × 8760 h)</text>\n", (L + W - R) / 2, H - 22);
  fprintf(f, "<text transform=\"translate(16 %.0f) rotate(-90)\" font-size=\"12\" "
          "text-anchor=\"middle\">%s (%s)</text>\n", (T + H - B) / 2, metric, u.name);
  if (isfinite(z->objective)) {
    char b[48];
    fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#444\" "
            "stroke-dasharray=\"6 4\"/><text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
            "fill=\"#444\" text-anchor=\"end\">objective %s</text>\n",
            L, W - R, PY(z->objective), PY(z->objective), W - R - 4,
            PY(z->objective) - 5,
            report_page_duration(z->objective, b, sizeof b));
  }
  /* series: p50, p95, p99, upper bound of the chosen quantile */
  char qname[48];
  snprintf(qname, sizeof qname, "p%.*g upper %g %%", REPORT_PAGE_PCT(z->q), 100 * z->confidence);
  const char *names[] = {"p50", "p95", "p99", qname};
  const char *dash[] = {"", "6 3", "2 3", "1 0"};
  for (int k = 0; k < 4; k++) {
    const char *col = report_svg_color((size_t)k);
    for (size_t i = 0; i < z->n; i++) {
      const report_pareto_point *c = &z->points[i];
      double y = k == 0 ? c->p50 : k == 1 ? c->p95 : k == 2 ? c->p99 : c->upper;
      if (!isfinite(y)) continue;
      /* line to the next candidate of the same max_parallel (sorted by warm) */
      if (i + 1 < z->n && z->points[i + 1].max_parallel == c->max_parallel) {
        const report_pareto_point *d = &z->points[i + 1];
        double y2 = k == 0 ? d->p50 : k == 1 ? d->p95 : k == 2 ? d->p99 : d->upper;
        if (isfinite(y2))
          fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                  "stroke-width=\"1.5\"%s%s%s/>\n", PX(c->cost), PY(y), PX(d->cost),
                  PY(y2), col, *dash[k] ? " stroke-dasharray=\"" : "", dash[k], *dash[k] ? "\"" : "");
      }
      fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>%d warm, "
              "max_parallel %d: %s</title></circle>\n", PX(c->cost), PY(y),
              k == 3 ? "4.5" : "3.5", col, c->warm, c->max_parallel, names[k]);
    }
  }
  if (rec && isfinite(rec->upper))
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" stroke=\"#000\" "
            "stroke-width=\"1.5\"><title>recommended</title></circle>\n",
            PX(rec->cost), PY(rec->upper));
  for (int k = 0; k < 4; k++) {
    double x = L + 10 + 150.0 * k;
    fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"4\" fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\" "
            "font-size=\"11\">%s</text>\n", x, H - 6.0, report_svg_color((size_t)k), x + 8,
            H - 2.0, names[k]);
  }
  fputs("</svg>\n", f);
#undef PX
#undef PY
}

