/*
** reports/html_lifetime.c — the lifetime sections of the HTML report:
** availability and downtime charts, the lifetime tables, downtime by cause
** and component reliability against the scenario. Part of the HTML report
** (reports/html.h).
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

static int write_downtime(page *p, const env_cols *c)
{
  const report_run *run = p->run;
  size_t ne = run->n_environments;
  report_svg_cdf_series *series = calloc(ne ? ne : 1, sizeof *series);
  if (!series) {
    html_set_err(p->err, "%s", "out of memory drawing the downtime chart");
    return REPORT_ENOMEM;
  }
  char h[48];
  fprintf(p->out, "<h3>Downtime over the horizon</h3>\n<p class=\"note\">Each "
                  "curve is the share of trials (each one %s of operation) whose total downtime "
                  "stayed within the time on the x axis; the dashed line is the downtime the "
                  "availability objective allows, (1 − objective) × horizon.</p>\n",
          report_md_format_duration(run->horizon_s, h, sizeof h));
  for (size_t e = 0; e < ne; e++) {
    double a = run->environments[e].availability_objective;
    series[e] = (report_svg_cdf_series){run->environments[e].name, c[e].downtime, c[e].n_downtime,
                                        isnan(a) ? NAN : (1.0 - a) * run->horizon_s};
  }
  report_svg_cdf_chart chart = {"downtime-cdf", "Downtime per environment over the horizon",
                                "downtime", "trials with at most x down (%)", series, ne};
  int rc = report_svg_cdf(p->out, &chart) != 0 ? html_svg_fail(p) : REPORT_OK;
  free(series);
  return rc;
}

/* "region disaster" (the cause rows' name for the disaster incidents). */
static const char *disaster_name(page *p)
{
  const report_summary_cause_row *c;
  size_t n = report_summary_causes(p->s, &c);
  for (size_t i = 0; i < n; i++)
    if (c[i].kind == REPORT_CAUSE_DISASTER) return c[i].cause;
  const char *d = p->run->disaster;
  if (d && strncmp(d, "zone", 4) == 0) return "zone disaster";
  if (d && strncmp(d, "component", 9) == 0) return "component disaster";
  return d ? "region disaster" : "disaster";
}

static void th_row(page *p, const char *const *cols, size_t n)
{
  fputs("<div class=\"scroll\"><table>\n<thead><tr>", p->out);
  for (size_t i = 0; i < n; i++) {
    fputs(i == 0 ? "<th class=\"l\">" : "<th>", p->out);
    html_esc(p, cols[i]);
    fputs("</th>", p->out);
  }
  fputs("</tr></thead>\n<tbody>\n", p->out);
}

static void td_u64(page *p, uint64_t v)
{
  char b[32];
  snprintf(b, sizeof b, "%llu", (unsigned long long)v);
  html_td(p, b);
}

/* The availability chart: per environment the distribution of its
** availability (from the downtime quantiles: availability p = 1 - downtime
** (1 - p) / horizon), the mean with its interval, and the objective. */
static int write_availability_chart(page *p, const env_cols *c)
{
  const report_run *run = p->run;
  const report_summary_lifetime_row *lt;
  size_t n = report_summary_lifetime(p->s, &lt);
  report_svg_range_row *rows = calloc(n ? n : 1, sizeof *rows);
  char (*notes)[96] = calloc(n ? n : 1, sizeof *notes);
  if (!rows || !notes) {
    free(rows);
    free(notes);
    html_set_err(p->err, "%s", "out of memory drawing the availability chart");
    return REPORT_ENOMEM;
  }
  double H = run->horizon_s;
  for (size_t e = 0; e < n && e < run->n_environments; e++) {
    const double *d = c[e].downtime;
    size_t nd = c[e].n_downtime;
    double q[5];
    static const double ps[5] = {0.99, 0.90, 0.50, 0.10, 0.01};
    for (int k = 0; k < 5; k++) {
      double x = report_stats_quantile(d, nd, ps[k], REPORT_STATS_LEVEL).est;
      q[k] = 100.0 * (1.0 - x / H);
    }
    const report_summary_lifetime_row *r = &lt[e];
    if (isnan(r->objective)) {
      snprintf(notes[e], sizeof notes[e], "no objective");
    } else {
      char a[48], m[48];
      snprintf(notes[e], sizeof notes[e], "meets ≥ %s in %s",
               report_md_format_percent(r->objective, a, sizeof a),
               report_md_format_percent(r->p_meet.est, m, sizeof m));
    }
    rows[e] = (report_svg_range_row){r->environment, q[0], q[1], q[2], q[3], q[4],
                                     100.0 * r->availability.est, 100.0 * r->availability.lo,
                                     100.0 * r->availability.hi, 100.0 * r->objective, notes[e]};
    if (rows[e].mean_hi > 100.0) rows[e].mean_hi = 100.0;
  }
  char h[48], axis[128];
  snprintf(axis, sizeof axis, "availability over %s (%%)",
           report_md_format_duration(H, h, sizeof h));
  report_svg_ranges_chart chart = {"availability", "Availability per environment against its objective",
                                   axis, " %", rows, n};
  int rc = report_svg_ranges(p->out, &chart) != 0 ? html_svg_fail(p) : REPORT_OK;
  free(rows);
  free(notes);
  return rc;
}

/* The conditional table (trials with a disaster and without), then the
** table of each disaster incident. */
static void write_conditional_tables(page *p, const report_summary_lifetime_row *lt, size_t n)
{
  const char *what = disaster_name(p);
  char b[200];
  {
    char c1[96], c2[96];
    snprintf(c1, sizeof c1, "trials with a %s", what);
    snprintf(c2, sizeof c2, "without one: availability [95 %% CI]");
    const char *const h2[] = {"environment", c1, "availability [95 % CI]",
                              "meets objective [95 % CI]", "mean downtime [95 % CI]", c2,
                              "meets objective [95 % CI]"};
    th_row(p, h2, sizeof h2 / sizeof *h2);
  }
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    fputs("<tr>", p->out);
    html_tdl(p, r->environment);
    if (isnan(r->expected_n_disaster)) snprintf(b, sizeof b, "%llu", (unsigned long long)r->n_disaster);
    else snprintf(b, sizeof b, "%llu (%.1f expected)", (unsigned long long)r->n_disaster,
                  r->expected_n_disaster);
    html_td(p, b);
    html_tdci(p, report_md_format_availability_ci(r->disaster_availability, b, sizeof b));
    html_tdci(p, report_md_format_percent_ci(r->disaster_p_meet, b, sizeof b));
    html_fmt_dur_ci(r->disaster_downtime_s, b, sizeof b);
    html_tdci(p, b);
    html_tdci(p, report_md_format_availability_ci(r->quiet_availability, b, sizeof b));
    html_tdci(p, report_md_format_percent_ci(r->quiet_p_meet, b, sizeof b));
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n<h3>Each disaster incident</h3>\n", p->out);
  static const char *const h3[] = {
    "environment", "incidents", "RTO p50 [95 % CI]", "RTO p95 [95 % CI]",
    "within RTO objective [95 % CI]", "RPO p50 [95 % CI]", "RPO p95 [95 % CI]",
    "within RPO objective [95 % CI]", "not recovered", "downtime per incident"};
  th_row(p, h3, sizeof h3 / sizeof *h3);
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    fputs("<tr>", p->out);
    html_tdl(p, r->environment);
    td_u64(p, r->n_incidents);
    html_fmt_dur_ci(r->incident_rto_p50, b, sizeof b);
    html_tdci(p, b);
    html_fmt_dur_ci(r->incident_rto_p95, b, sizeof b);
    html_tdci(p, b);
    html_tdci(p, report_md_format_percent_ci(r->incident_rto_meet, b, sizeof b));
    html_fmt_dur_ci(r->incident_rpo_p50, b, sizeof b);
    html_tdci(p, b);
    html_fmt_dur_ci(r->incident_rpo_p95, b, sizeof b);
    html_tdci(p, b);
    html_tdci(p, report_md_format_percent_ci(r->incident_rpo_meet, b, sizeof b));
    td_u64(p, r->incidents_not_recovered);
    html_td(p, report_md_format_duration(r->downtime_per_incident_s, b, sizeof b));
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n<p class=\"note\">Downtime per incident counts the time "
        "until service is restored and failing back to the primary.</p>\n", p->out);
}

static void write_lifetime_tables(page *p)
{
  const report_summary_lifetime_row *lt;
  size_t n = report_summary_lifetime(p->s, &lt);
  const report_run *run = p->run;
  const char *what = disaster_name(p);
  char b[200];
  static const char *const head[] = {
    "environment", "availability [95 % CI]", "post-stratified [95 % CI]", "objective",
    "meets objective [95 % CI]", "mean downtime [95 % CI]", "component incidents",
    "disaster incidents", "costs most availability"};
  th_row(p, head, sizeof head / sizeof *head);
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    fputs("<tr>", p->out);
    html_tdl(p, r->environment);
    html_tdci(p, report_md_format_availability_ci(r->availability, b, sizeof b));
    html_tdci(p, report_md_format_availability_ci(r->stratified_availability, b, sizeof b));
    if (isnan(r->objective)) html_td(p, "-");
    else {
      char v[48];
      snprintf(b, sizeof b, "≥ %s", report_md_format_percent(r->objective, v, sizeof v));
      html_td(p, b);
    }
    html_tdci(p, report_md_format_percent_ci(r->p_meet, b, sizeof b));
    html_fmt_dur_ci(r->downtime_s, b, sizeof b);
    html_tdci(p, b);
    td_u64(p, r->component_incidents);
    td_u64(p, r->disaster_incidents);
    if (r->top_cause) {
      char v[48];
      snprintf(b, sizeof b, "%s (%s of downtime)", r->top_cause,
               report_md_format_percent(r->top_cause_share, v, sizeof v));
      html_tdl(p, b);
    } else {
      html_tdl(p, "-");
    }
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n<p class=\"note\">Means carry t intervals, shares Wilson "
        "intervals. The post-stratified mean weighs the trials with and without a disaster by "
        "their known probability instead of their sampled count.</p>\n", p->out);

  /* What it rests on, and the conditional estimates (none when the
  ** scenario's disaster has no rate and none happened). */
  int any = 0;
  for (size_t i = 0; i < n; i++) any |= lt[i].n_disaster > 0 || !(lt[i].p_no_disaster >= 1.0);
  if (!any) {
    fputs("<p class=\"note\">The scenario gives its disaster no rate: every incident here is "
          "a component failure.</p>\n", p->out);
    return;
  }
  uint64_t most = 0, inc = 0, itemised = 0;
  for (size_t i = 0; i < n; i++) {
    if (lt[i].n_disaster >= most) { most = lt[i].n_disaster; inc = lt[i].disaster_incidents; }
    itemised += lt[i].disaster_incidents - lt[i].incidents_itemised;
  }
  fprintf(p->out, "<h3 id=\"conditional\">Given a %s (conditional)</h3>\n<p class=\"note\">"
          "<b>What the estimates rest on:</b> a %s struck in %llu of the %llu trials (%llu "
          "incidents)", what, what, (unsigned long long)most,
          (unsigned long long)run->trials_done, (unsigned long long)inc);
  if (n && !isnan(lt[0].p_no_disaster)) {
    char v[48];
    fprintf(p->out, "; at its rate %s of the trials have one (%.0f expected)",
            report_md_format_percent(1.0 - lt[0].p_no_disaster, v, sizeof v),
            lt[0].expected_n_disaster);
  }
  fputs(". The figures above average those years with the quiet ones; the ones below use "
        "only the trials that had one, so they describe a year <i>with</i> a disaster, not an "
        "average year.", p->out);
  if (itemised)
    fprintf(p->out, " %llu incidents (over the environments) beyond the first %d of a trial "
            "are counted but not itemised.", (unsigned long long)itemised,
            MODEL_OUTCOME_MAX_INCIDENTS);
  fputs("</p>\n", p->out);
  write_conditional_tables(p, lt, n);
}

/* Lifetime mode: availability (chart, tables, the conditional estimates and
** the downtime CDF) in one section. */
int html_write_lifetime(page *p, const env_cols *c)
{
  char h[48];
  fprintf(p->out, "<section id=\"availability\">\n<h2>Availability</h2>\n<p class=\"note\">Each "
                  "row is the distribution of an environment's availability over its trials "
                  "(one %s each): thin line p1 – p99, bar p10 – p90, the median, the mean "
                  "with its 95 %% interval, and the objective dashed. A bar left of the "
                  "objective is a bad year more often than not.</p>\n",
          report_md_format_duration(p->run->horizon_s, h, sizeof h));
  int rc = write_availability_chart(p, c);
  if (rc != REPORT_OK) return rc;
  write_lifetime_tables(p);
  rc = write_downtime(p, c);
  fputs("</section>\n", p->out);
  return rc;
}

/* Lifetime mode: downtime by cause, one bar chart per environment and the
** table. */
int html_write_causes(page *p)
{
  const report_run *run = p->run;
  const report_summary_cause_row *c;
  size_t n = report_summary_causes(p->s, &c);
  fputs("<section id=\"causes\">\n<h2>Downtime by cause</h2>\n<p class=\"note\">Which "
        "component (or the disasters, or failing back) costs each environment most "
        "availability: at every moment an environment is down, its downtime is split "
        "equally among the causes active then, so each environment's shares add up to "
        "100 %.</p>\n", p->out);
  report_svg_bar *bars = calloc(n ? n : 1, sizeof *bars);
  if (!bars) {
    html_set_err(p->err, "%s", "out of memory drawing the causes");
    return REPORT_ENOMEM;
  }
  int rc = REPORT_OK;
  size_t drawn = 0;
  for (size_t e = 0; e < run->n_environments && rc == REPORT_OK; e++) {
    const char *env = run->environments[e].name;
    size_t k = 0;
    const report_summary_cause_row *top = NULL;
    for (size_t i = 0; i < n; i++) {
      if (strcmp(c[i].environment, env) != 0) continue;
      if (!top) top = &c[i];
      bars[k].label = c[i].cause;
      bars[k].value = 100.0 * c[i].share;
      bars[k].kind = c[i].kind == REPORT_CAUSE_DISASTER ? REPORT_SVG_KIND_DISASTER
                     : c[i].kind == REPORT_CAUSE_FAILBACK ? REPORT_SVG_KIND_FAILBACK
                                                          : REPORT_SVG_KIND_COMPONENT;
      k++;
    }
    if (k == 0) continue;
    char title[400], pp[48];
    snprintf(title, sizeof title, "%s: share of downtime by cause (%s costs %.3g pp of "
             "availability)", env, top->cause, 100.0 * top->availability_cost);
    (void)pp;
    report_svg_bars_chart chart = {"downtime-causes", title, "share of the environment's "
                                   "downtime (%)", " %", bars, k, 100.0, 1, env};
    if (report_svg_bars(p->out, &chart) != 0) rc = html_svg_fail(p);
    drawn++;
  }
  free(bars);
  if (rc != REPORT_OK) return rc;
  if (drawn == 0)
    fputs("<p class=\"missing\" data-chart-missing=\"downtime-causes\">No chart: no "
          "environment was down in any trial.</p>\n", p->out);
  static const char *const head[] = {"environment", "cause", "trials",
                                     "mean downtime per trial [95 % CI]", "share of downtime",
                                     "availability it costs"};
  th_row(p, head, sizeof head / sizeof *head);
  for (size_t i = 0; i < n; i++) {
    char b[160];
    fputs("<tr>", p->out);
    html_tdl(p, c[i].environment);
    html_tdl(p, c[i].cause);
    td_u64(p, c[i].trials);
    html_fmt_dur_ci(c[i].downtime_s, b, sizeof b);
    html_tdci(p, b);
    html_td(p, report_md_format_percent(c[i].share, b, sizeof b));
    snprintf(b, sizeof b, "%.3g pp", 100.0 * c[i].availability_cost);
    html_td(p, b);
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n</section>\n", p->out);
  return REPORT_OK;
}

/* Lifetime mode: observed MTBF / MTTR against the scenario's targets. */
void html_write_reliability(page *p)
{
  const report_summary_component_row *rows;
  size_t n = report_summary_components(p->s, &rows), shown = 0;
  for (size_t i = 0; i < n; i++) shown += !isnan(rows[i].mtbf_target_s) || rows[i].failures;
  if (shown == 0) return;
  fputs("<section id=\"reliability\">\n<h2>Component reliability</h2>\n", p->out);
  static const char *const head[] = {
    "component", "environment", "failures / trial", "MTBF [95 % CI]", "MTBF target",
    "MTTR [95 % CI]", "MTTR target", "own down time / trial",
    "environment downtime caused / trial"};
  th_row(p, head, sizeof head / sizeof *head);
  for (size_t i = 0; i < n; i++) {
    const report_summary_component_row *r = &rows[i];
    if (isnan(r->mtbf_target_s) && r->failures == 0) continue;
    char b[160];
    fputs("<tr>", p->out);
    html_tdl(p, r->name);
    html_tdl(p, r->environment ? r->environment : "(shared)");
    if (isnan(r->failures_per_trial)) snprintf(b, sizeof b, "-");
    else snprintf(b, sizeof b, "%.3g", r->failures_per_trial);
    html_td(p, b);
    html_fmt_dur_ci(r->mtbf_s, b, sizeof b);
    html_tdci(p, b);
    html_td(p, report_md_format_duration(r->mtbf_target_s, b, sizeof b));
    html_fmt_dur_ci(r->mttr_s, b, sizeof b);
    html_tdci(p, b);
    html_td(p, report_md_format_duration(r->mttr_target_s, b, sizeof b));
    html_td(p, report_md_format_duration(r->mean_down_s, b, sizeof b));
    html_td(p, report_md_format_duration(r->mean_downtime_caused_s, b, sizeof b));
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n<p class=\"note\">Observed MTBF = total up time / failures, "
        "MTTR = total down time / failures, over all trials; the targets are the means of the "
        "scenario's failure and repair distributions. Intervals: ratio estimator across "
        "trials (delta method, t), valid whatever the distributions.</p>\n</section>\n", p->out);
}

/* The CDF of RTO (rpo = 0) or RPO (rpo = 1) per environment, in its own
** section. */
