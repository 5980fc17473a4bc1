/*
** reports/html_tables.c — the tables of the HTML report: objectives (the
** same row values as the Markdown report, reports/md.h), the accuracy of
** the estimates, steps, components and standby pools. Part of the HTML
** report (reports/html.h).
*/
#include "reports/html_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/outcome.h"
#include "reports/diagram.h"
#include "reports/md.h"
#include "reports/stats.h"
#include "reports/svg.h"

/* ------------------------------------------------------------ tables */

void html_write_objectives_table(page *p)
{
  const report_summary_row *rows;
  size_t n = report_summary_rows(p->s, &rows);
  fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
        "<th class=\"l\">environment</th><th class=\"l\">metric</th><th>n</th><th>mean</th>"
        "<th>p50</th><th>p90</th><th>p95 [95 % CI]</th><th>p99 [95 % CI]</th><th>max</th>"
        "<th>objective</th><th>meets objective [95 % CI]</th><th>not recovered</th>"
        "</tr></thead>\n<tbody>\n",
        p->out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    char b[160];
    fputs("<tr>", p->out);
    html_tdl(p, r->environment);
    html_tdl(p, html_metric_title(r->metric));
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->n);
    html_td(p, b);
    report_md_format_row_value(r, r->mean.est, b, sizeof b);
    html_td(p, b);
    report_md_format_row_value(r, r->p50.est, b, sizeof b);
    html_td(p, b);
    report_md_format_row_value(r, r->p90.est, b, sizeof b);
    html_td(p, b);
    report_md_format_row_ci(r, r->p95, b, sizeof b);
    html_tdci(p, b);
    report_md_format_row_ci(r, r->p99, b, sizeof b);
    html_tdci(p, b);
    report_md_format_row_value(r, r->max, b, sizeof b);
    html_td(p, b);
    if (isnan(r->objective)) {
      html_td(p, "-");
    } else {
      char v[48];
      report_md_format_row_objective(r, v, sizeof v);
      snprintf(b, sizeof b, "%s %s", r->higher_is_better ? "≥" : "≤", v);
      html_td(p, b);
    }
    report_md_format_percent_ci(r->p_meet, b, sizeof b);
    html_tdci(p, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->not_recovered);
    html_td(p, b);
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n<p class=\"note\">Means are over the trials with a finite "
        "value (t interval; the CSV's n_finite counts them); percentiles and shares count every trial, ∞ meaning never recovered "
        "(percentile intervals from order statistics, distribution-free; shares by the "
        "Wilson score).</p>\n",
        p->out);
}

void html_write_accuracy(page *p)
{
  const report_summary_row *rows;
  size_t n = report_summary_rows(p->s, &rows);
  const report_run *run = p->run;
  int unbounded = 0;
  fputs("<h3 id=\"accuracy\">Accuracy</h3>\n<div class=\"scroll\"><table>\n<thead><tr><th class=\"l\">environment</th>"
        "<th class=\"l\">metric</th><th>p99</th><th>95 % interval</th><th>half-width</th>"
        "</tr></thead>\n<tbody>\n",
        p->out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    if (r->is_fraction || r->n == 0) continue;
    char b[160], lo[48], hi[48];
    fputs("<tr>", p->out);
    html_tdl(p, r->environment);
    html_tdl(p, html_metric_title(r->metric));
    html_td(p, report_md_format_duration(r->p99.est, b, sizeof b));
    snprintf(b, sizeof b, "[%s, %s]", report_md_format_duration(r->p99.lo, lo, sizeof lo),
             report_md_format_duration(r->p99.hi, hi, sizeof hi));
    html_td(p, b);
    double hw = report_stats_half_width(r->p99);
    if (isinf(hw) && isfinite(r->p99.est)) unbounded = 1;
    html_td(p, report_md_format_duration(hw, b, sizeof b));
    fputs("</tr>\n", p->out);
  }
  fprintf(p->out, "</tbody>\n</table></div>\n<p class=\"note\">The interval of a percentile shrinks "
                  "as 1/√n: halving these half-widths takes about %llu trials (4 × %llu).",
          (unsigned long long)report_stats_trials_to_halve(run->trials_done),
          (unsigned long long)run->trials_done);
  if (unbounded)
    fprintf(p->out, " An infinite half-width on a finite p99 means too few trials to bound "
                    "it: at least %llu are needed.",
            (unsigned long long)report_stats_min_trials_bounded(0.99, REPORT_STATS_LEVEL));
  fputs("</p>\n</section>\n", p->out);
}

void html_write_steps_table(page *p)
{
  report_table *t = report_md_steps_table(p->s);
  fputs("<section id=\"steps\">\n<h2>Workflow steps</h2>\n", p->out);
  if (t && report_table_rows(t) == 0)
    fputs("<p>The scenario has no workflow steps.</p>\n", p->out);
  else if (t)
    report_table_write_html(p->out, t);
  fputs("</section>\n", p->out);
  report_table_free(t);
}

void html_write_components_table(page *p)
{
  report_table *t = report_md_components_table(p->s);
  fputs("<section id=\"components\">\n<h2>Components</h2>\n", p->out);
  if (t) report_table_write_html(p->out, t);
  fputs("</section>\n", p->out);
  report_table_free(t);
}

void html_write_standby_table(page *p)
{
  const report_summary_standby_row *rows;
  size_t n = report_summary_standby(p->s, &rows);
  report_table *t = report_md_standby_table(p->s);
  fputs("<section id=\"standby\">\n<h2>Standby capacity</h2>\n", p->out);
  if (t && report_table_rows(t) == 0) {
    fputs("<p>The scenario has no standby pools.</p>\n</section>\n", p->out);
    report_table_free(t);
    return;
  }
  if (t) report_table_write_html(p->out, t);
  report_table_free(t);
  double total = 0.0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(rows[i].annual_warm_cost)) total += rows[i].annual_warm_cost;
  fprintf(p->out, "<p class=\"note\">Warm nodes cost = warm nodes × node "
                  "cost per hour × 8760 h, in the scenario's currency: %.2f a year for all "
                  "pools. Each extra warm node costs its pool's hourly price × 8760 h and "
                  "shortens the scale-up.</p>\n</section>\n",
          total);
}
