/*
** reports/opt_page.c — the page of `drsim optimize --html` (see opt_page.h).
*/
#include "reports/opt_page.h"

#include "reports/costs.h"
#include "reports/page.h"
#include "reports/svg.h"

#include <math.h>

static const char *money(double v, const char *cur, char *b, size_t n) {
  return report_costs_format(v, cur, b, n);
}

/* The Pareto chart: x = annual objective, y = P(meet) (or CVaR). */
static void chart(FILE *f, const report_opt_page *pg) {
  char m[64];
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  for (size_t i = 0; i < pg->n_cands; i++) {
    const report_opt_page_cand *c = &pg->cands[i];
    if (!isfinite(c->objective) || !isfinite(c->y)) continue;
    if (c->objective < xmin) xmin = c->objective;
    if (c->objective > xmax) xmax = c->objective;
    if (c->y < ymin) ymin = c->y;
    if (c->y > ymax) ymax = c->y;
  }
  if (xmax <= xmin) xmax = xmin + 1;
  if (ymax <= ymin) ymax = ymin + 1;
  const double W = 720, H = 380, L = 80, R = 20, T = 20, B = 50;
  fprintf(f, "<h2>Pareto front: annual cost vs %s</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
          "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"Pareto front\">\n",
          pg->pareto_cvar ? "CVaR-95 of the loss per disaster" : "P(meet)", W, H);
  fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
          "stroke=\"#888\"/>\n", L, T, W - L - R, H - T - B);
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" font-size=\"12\">cost a year "
          "(%s)</text>\n", (L + W - R) / 2, H - 10,
          pg->currency[0] ? pg->currency : "currency units");
  fprintf(f, "<text x=\"14\" y=\"%.0f\" font-size=\"12\" transform=\"rotate(-90 14 %.0f)\" "
          "text-anchor=\"middle\">%s</text>\n", (T + H - B) / 2, (T + H - B) / 2,
          pg->pareto_cvar ? "CVaR-95 per disaster" : "P(meet) %");
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s</text>\n", L, H - B + 15,
          money(xmin, "", m, sizeof m));
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
          W - R, H - B + 15, money(xmax, "", m, sizeof m));
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">%.4g</text>\n",
          L - 4, H - B, ymin);
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">%.4g</text>\n",
          L - 4, T + 10, ymax);
  for (size_t i = 0; i < pg->n_cands; i++) {
    const report_opt_page_cand *c = &pg->cands[i];
    if (!isfinite(c->objective) || !isfinite(c->y)) continue;
    double px = L + (c->objective - xmin) / (xmax - xmin) * (W - L - R);
    double py = H - B - (c->y - ymin) / (ymax - ymin) * (H - T - B);
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\" stroke=\"#333\"><title>",
            px, py, c->chosen ? 8 : 5, c->chosen ? "#d62728" : c->pareto ? "#1f77b4" : "#ccc");
    report_svg_escape(f, c->label);
    fprintf(f, ": %s</title></circle>\n", money(c->objective, pg->currency, m, sizeof m));
    if (c->chosen)
      fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">chosen</text>\n", px + 10, py - 6);
  }
  fputs("</svg>\n<p class=\"note\">Blue: on the front (nothing cheaper does better); red: the "
        "chosen point; grey: dominated.</p>\n", f);
}

static void contributions(FILE *f, const report_opt_page *pg) {
  fputs("<h2>What each decision contributes</h2>\n<table>\n<tr><th>decision</th><th>chosen</th>"
        "<th>instead of</th><th>standby a year</th><th>risk a year</th><th>total a year</th>"
        "<th>P(meet)</th></tr>\n", f);
  for (size_t i = 0; i < pg->n_contribs; i++) {
    const report_opt_page_contrib *k = &pg->contribs[i];
    fputs("<tr><td>", f);
    report_svg_escape(f, k->decision);
    fputs("</td><td>", f);
    report_svg_escape(f, k->chosen);
    fputs("</td><td>", f);
    if (!k->instead) {
      fputs("(the scenario's)</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>\n", f);
      continue;
    }
    report_svg_escape(f, k->instead);
    fprintf(f, "</td><td>%+.0f</td><td>%+.0f</td><td>%+.0f</td><td>%+.1f points</td></tr>\n",
            k->d_standby, k->d_risk, k->d_total, k->d_p_meet);
  }
  fputs("</table>\n", f);
}

static void candidates(FILE *f, const report_opt_page *pg) {
  char m[3][64];
  fputs("<h2>Candidates</h2>\n<table>\n<tr><th>#</th><th>decisions</th><th>standby a year</th>"
        "<th>risk a year</th><th>total a year</th><th>P(meet)</th><th>meets all</th><th>run</th>"
        "</tr>\n", f);
  for (size_t i = 0; i < pg->n_cands; i++) {
    const report_opt_page_cand *c = &pg->cands[i];
    fprintf(f, "<tr class=\"%s%s\"><td>%zu</td><td style=\"text-align:left;white-space:normal\">",
            c->meets_all ? "meets" : "", c->chosen ? " pick" : "", c->order);
    report_svg_escape(f, c->label);
    fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td>%.1f %%</td><td>%s</td><td>%lld</td></tr>\n",
            money(c->standby, "", m[0], 64), money(c->risk, "", m[1], 64),
            money(c->total, "", m[2], 64), c->p_meet, c->meets_all ? "yes" : "no", c->run_id);
  }
  fputs("</table>\n", f);
}

int report_opt_page_write(FILE *f, const report_opt_page *pg) {
  char title[300];
  snprintf(title, sizeof title, "drsim optimize: %s", pg->scenario);
  report_page_begin(f, title);
  fputs("<p>", f);
  report_svg_escape(f, pg->answer);
  fputs("</p>\n<p>Reproduce it: <code>", f);
  report_svg_escape(f, pg->reproduce);
  fputs("</code></p>\n", f);
  chart(f, pg);
  if (pg->contribs && pg->n_contribs) contributions(f, pg);
  candidates(f, pg);
  report_page_end(f);
  return ferror(f) ? -1 : 0;
}
