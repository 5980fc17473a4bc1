/*
** reports/tornado.c — the sensitivity chart (see tornado.h).
*/
#include "reports/tornado.h"
#include "reports/page.h"
#include "reports/svg.h"

#include <math.h>

void report_tornado_svg(FILE *f, const report_tornado_chart *c) {
  const report_tornado_row *e = c->rows;
  size_t n = c->n;
  double lo_f = c->lo_f, hi_f = c->hi_f;
  const double W = 960, LBL = 400, R = 30, T = 48, ROW = 24, B = 70;
  double H = T + ROW * (double)(n ? n : 1) + B;
  double vmin = c->base, vmax = c->base;
  for (size_t i = 0; i < n; i++) {
    double v[2] = {e[i].low, e[i].high};
    for (int k = 0; k < 2; k++)
      if (isfinite(v[k])) {
        if (v[k] < vmin) vmin = v[k];
        if (v[k] > vmax) vmax = v[k];
      }
  }
  int pct = c->percent;
  /* the objective, kept inside the axis so the line shows */
  double obj = c->objective;
  if (isfinite(obj)) {
    if (obj < vmin) vmin = obj;
    if (obj > vmax) vmax = obj;
  }
  report_svg_unit u = pct ? (report_svg_unit){"percent", "%", 0.01}
                          : report_svg_unit_for(vmax);
  if (!isfinite(vmin) || !isfinite(vmax)) vmin = vmax = 0;
  /* keep the axis span and its ticks finite (and few) for huge values;
  ** bars beyond it are clamped to the plot below */
  if (vmin < -1e290) vmin = -1e290;
  if (vmax > 1e290) vmax = 1e290;
  double lo = vmin / u.seconds, hi = vmax / u.seconds, step;
  double ticks[32];
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  report_svg_nice_ticks(hi - lo, 6, ticks, 32, &step);
  double a0 = floor(lo / step) * step, a1 = ceil(hi / step) * step;
  if (a1 <= a0) a1 = a0 + step;
  /* a pixel position, always finite: +inf at the right end, -inf at the
  ** left, huge values clamped just outside the plot (NaN: left end) */
#define PX(v) (isnan(v) ? LBL : (v) == INFINITY ? W - R : (v) == -INFINITY ? LBL \
               : fmin(W, fmax(LBL - 10, LBL + (W - LBL - R) * \
                                             ((((v) / u.seconds) - a0) / (a1 - a0)))))
  const char *title = c->title;
  fprintf(f, "<svg data-chart=\"tornado\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" "
          "xmlns=\"http://www.w3.org/2000/svg\"><title>Sensitivity of ", W, H);
  report_svg_escape(f, title);
  fputs("</title>\n<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"600\">What moves ", f);
  report_svg_escape(f, title);
  fprintf(f, " (each parameter × %g and × %g)</text>\n", lo_f, hi_f);
  double yb = T + ROW * (double)n;
  for (double v = a0; v <= a1 + step / 2; v += step) {
    double x = LBL + (W - LBL - R) * (v - a0) / (a1 - a0);
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%g</text>\n",
            x, x, T - 6, yb, x, yb + 16, fabs(v) < step * 1e-9 ? 0 : v);
  }
  fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\">", (LBL + W - R) / 2,
          yb + 36);
  report_svg_escape(f, title);
  fprintf(f, " (%s)</text>\n", u.name);
  const char *col_lo = report_svg_color(0), *col_hi = report_svg_color(1);
  for (size_t i = 0; i < n; i++) {
    double y = T + ROW * (double)i;
    fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">", LBL - 8,
            y + ROW / 2 + 4);
    report_svg_escape(f, e[i].label);
    fputs("</text>\n", f);
    double xb = PX(c->base);
    double v[2] = {e[i].low, e[i].high};
    const char *col[2] = {col_lo, col_hi};
    double fac[2] = {lo_f, hi_f};
    for (int k = 0; k < 2; k++) {
      if (isnan(v[k])) continue;
      double x = PX(v[k]);
      double x0 = x < xb ? x : xb, w = fabs(x - xb);
      char b[48];
      if (isinf(v[k])) snprintf(b, sizeof b, "unbounded");
      else report_page_value(v[k], pct, b, sizeof b);
      /* the two bars of a row share its height, LO above HI */
      fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s>"
              "<title>× %g: %s</title></rect>\n", x0, y + 3 + k * (ROW - 6) / 2, w < 1 ? 1 : w,
              (ROW - 6) / 2, col[k], k ? " fill-opacity=\"0.85\"" : "", fac[k], b);
    }
  }
  fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.1f\" stroke=\"#222\" "
          "stroke-width=\"1.5\"/>\n", PX(c->base), PX(c->base), T - 6, yb);
  {
    char b[48];
    if (isinf(c->base)) snprintf(b, sizeof b, "unbounded");
    else report_page_value(c->base, pct, b, sizeof b);
    fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">baseline %s"
            "</text>\n", PX(c->base), T - 10, b);
  }
  if (isfinite(obj)) {
    char b[48];
    report_page_value(obj, pct, b, sizeof b);
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.1f\" stroke=\"#c0392b\" "
            "stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
            "font-size=\"11\" fill=\"#c0392b\" text-anchor=\"middle\">objective %s</text>\n",
            PX(obj), PX(obj), T - 6, yb, PX(obj), yb + 50, b);
  }
  double ly = H - 12;
  fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"10\" fill=\"%s\"/>"
          "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">parameter × %g</text>\n"
          "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"10\" fill=\"%s\"/>"
          "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">parameter × %g</text>\n",
          LBL, ly - 9, col_lo, LBL + 20, ly, lo_f, LBL + 170, ly - 9, col_hi, LBL + 190, ly, hi_f);
  fputs("</svg>\n", f);
#undef PX
}

