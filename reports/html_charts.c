/*
** reports/html_charts.c — the charts of the HTML report: per-environment
** trial columns read from the store, the RTO / RPO CDFs, step criticality,
** the median trial's timeline and the RPO histograms. Part of the HTML
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

/* ------------------------------------------------------------ charts */

void html_env_cols_free(env_cols *c, size_t n)
{
  if (!c) return;
  for (size_t i = 0; i < n; i++) {
    free(c[i].rto_trials);
    free(c[i].sample);
    free(c[i].rto);
    free(c[i].rpo);
    free(c[i].downtime);
  }
  free(c);
}

/* Read RTO and RPO (and, lifetime mode, downtime) of every environment,
** keeping the trials the summary's rto and rpo rows keep, so that curves
** and tables agree: in lifetime mode only trials in which a disaster
** started an incident (disaster_incidents > 0; with a database older than
** that column, any incident); an unrecovered trial's RTO is +inf, and a
** recovered one without a value is dropped. */
int html_load_env_cols(page *p, env_cols **out)
{
  const report_run *run = p->run;
  int lifetime = run->mode == MODEL_MODE_LIFETIME;
  env_cols *c = calloc(run->n_environments ? run->n_environments : 1, sizeof *c);
  if (!c) {
    html_set_err(p->err, "%s", "out of memory reading the trials");
    return REPORT_ENOMEM;
  }
  *out = c;
  enum { RTO, RPO, REC, INC, DINC, DOWN, NCOL };
  static const char *const names[NCOL] = {"rto_s", "rpo_s", "recovered", "incidents",
                                          "disaster_incidents", "downtime_s"};
  size_t k = lifetime ? NCOL : 3;
  for (size_t e = 0; e < run->n_environments; e++) {
    report_error se;
    double *v[NCOL] = {0};
    size_t n = 0;
    int rc = report_store_trial_columns(p->st, run->id, run->environments[e].name, names, k, v,
                                        &n, &se);
    if (rc != REPORT_OK) return html_store_fail(p, rc, &se);
    env_cols *ce = &c[e];
    ce->n_rto_trials = ce->n_rto = ce->n_rpo = n;
    ce->rto_trials = malloc((n ? n : 1) * sizeof *ce->rto_trials);
    ce->rto = malloc((n ? n : 1) * sizeof *ce->rto);
    ce->sample = malloc(n ? n : 1);
    if (ce->rto_trials && ce->rto && ce->sample) {
      for (size_t i = 0; i < n; i++) {
        int has = 1;
        if (lifetime)
          has = !isnan(v[DINC][i]) ? v[DINC][i] > 0 : !isnan(v[INC][i]) && v[INC][i] > 0;
        int rec = v[REC][i] != 0;
        double r = !has ? NAN : !rec ? INFINITY : isinf(v[RTO][i]) ? NAN : v[RTO][i];
        ce->sample[i] = (unsigned char)has;
        ce->rto_trials[i] = ce->rto[i] = r;
        if (!has) v[RPO][i] = NAN;
      }
      ce->rpo = v[RPO];
      v[RPO] = NULL;
      ce->n_rto = report_stats_prepare(ce->rto, n);
      ce->n_rpo = report_stats_prepare(ce->rpo, n);
      if (lifetime) {
        ce->downtime = v[DOWN];
        v[DOWN] = NULL;
        ce->n_downtime = report_stats_prepare(ce->downtime, n);
      }
    }
    for (size_t j = 0; j < NCOL; j++) free(v[j]);
    if (!ce->rto_trials || !ce->rto || !ce->sample) {
      html_set_err(p->err, "%s", "out of memory reading the trials");
      return REPORT_ENOMEM;
    }
  }
  return REPORT_OK;
}

/* Lifetime mode: the distribution of each environment's downtime over the
** horizon against the downtime its availability objective allows. */
int html_write_cdf(page *p, const env_cols *c, int rpo)
{
  const report_run *run = p->run;
  size_t ne = run->n_environments;
  report_svg_cdf_series *series = calloc(ne ? ne : 1, sizeof *series);
  if (!series) {
    html_set_err(p->err, "%s", "out of memory drawing the CDFs");
    return REPORT_ENOMEM;
  }
  if (!rpo)
    fputs("<section id=\"rto\">\n<h2>Recovery time (RTO)</h2>\n"
          "<p class=\"note\">Each curve is the share of trials in which the environment was "
          "back in service by the time on the x axis; the dashed line of the same colour is "
          "its objective, and where the curve crosses it is the share of trials meeting it. "
          "Circles mark the p95, diamonds the p99. A curve that stays below 100 % has trials "
          "that never recovered.</p>\n",
          p->out);
  else
    fputs("<section id=\"rpo\">\n<h2>Data loss (RPO)</h2>\n"
          "<p class=\"note\">Each curve is the share of trials in which the environment lost "
          "at most the time of data on the x axis (the age of the newest copy in the standby "
          "region when the disaster struck); dashed: its objective.</p>\n",
          p->out);
  for (size_t e = 0; e < ne; e++)
    series[e] = (report_svg_cdf_series){run->environments[e].name,
                                        rpo ? c[e].rpo : c[e].rto, rpo ? c[e].n_rpo : c[e].n_rto,
                                        rpo ? run->environments[e].rpo_objective_s
                                            : run->environments[e].rto_objective_s};
  report_svg_cdf_chart chart = {"rto-cdf", "RTO per environment: time until service is restored",
                                "RTO", "trials recovered within x (%)", series, ne};
  if (rpo)
    chart = (report_svg_cdf_chart){"rpo-cdf", "RPO per environment: data lost, as time", "RPO",
                                   "trials losing at most x (%)", series, ne};
  int rc = REPORT_OK;
  size_t with_trials = 0;
  for (size_t e = 0; e < ne; e++) with_trials += series[e].n > 0;
  if (rpo || with_trials < 2) {
    rc = report_svg_cdf(p->out, &chart) != 0 ? html_svg_fail(p) : REPORT_OK;
  } else {
    /* One panel per environment, each on its own scale: on one axis the
    ** environment with the longest objective squeezes the others (a 4 h
    ** production objective in the first tenth of a 1 d axis). */
    for (size_t e = 0; e < ne && rc == REPORT_OK; e++) {
      if (series[e].n == 0) continue;
      char title[300];
      snprintf(title, sizeof title, "RTO of %s: time until service is restored",
               run->environments[e].name);
      report_svg_cdf_chart one = {"rto-cdf", title, "RTO", "trials recovered within x (%)",
                                  &series[e], 1};
      rc = report_svg_cdf(p->out, &one) != 0 ? html_svg_fail(p) : REPORT_OK;
    }
  }
  free(series);
  fputs("</section>\n", p->out);
  return rc;
}

static report_svg_kind step_kind(const report_run_step *st)
{
  if (st->standby) return REPORT_SVG_KIND_STANDBY;
  return st->manual ? REPORT_SVG_KIND_MANUAL : REPORT_SVG_KIND_AUTOMATIC;
}

/* Share of the MISSED trials of step i's environment (RTO above its
** objective, or never recovered; only trials with an RTO sample, so in
** lifetime mode only trials with an incident) in which step i was on the
** critical path. NAN when it cannot be known: no objective, no miss, or no
** per-trial detail stored (*no_detail set). */
static double missed_criticality(page *p, const env_cols *cols, size_t i, int *no_detail,
                                 uint64_t *n_missed)
{
  const report_run *run = p->run;
  const report_run_step *st = &run->steps[i];
  size_t e = 0;
  while (e < run->n_environments && strcmp(run->environments[e].name, st->environment) != 0) e++;
  *n_missed = 0;
  if (e == run->n_environments) return NAN;
  double obj = run->environments[e].rto_objective_s;
  if (isnan(obj) || isinf(obj)) return NAN;
  double *crit = NULL;
  size_t n = 0;
  report_error se;
  if (report_store_detail_column(p->st, run->id, "steps", i, "critical", &crit, &n, &se) !=
          REPORT_OK || n != cols[e].n_rto_trials) {
    free(crit);
    *no_detail = 1;
    return NAN;
  }
  uint64_t missed = 0, on = 0;
  for (size_t t = 0; t < n; t++) {
    double r = cols[e].rto_trials[t];
    if (isnan(r) || !(r > obj)) continue;
    missed++;
    on += crit[t] > 0.5;
  }
  free(crit);
  *n_missed = missed;
  return missed ? (double)on / (double)missed : NAN;
}

int html_write_criticality(page *p, const env_cols *cols)
{
  const report_summary_step_row *rows;
  size_t n = report_summary_steps(p->s, &rows);
  report_svg_bar *bars = calloc(n ? n : 1, sizeof *bars);
  char **labels = calloc(n ? n : 1, sizeof *labels);
  if (!bars || !labels) {
    free(bars);
    free(labels);
    html_set_err(p->err, "%s", "out of memory drawing the criticality chart");
    return REPORT_ENOMEM;
  }
  int rc = REPORT_OK, no_detail = 0;
  size_t nb = 0;
  /* Share of the missed trials in which each step was critical: in a
  ** workflow that is one chain, every step is on the critical path of
  ** nearly every trial, so the plain criticality index separates nothing;
  ** among the misses, the steps that made them stand out. */
  for (size_t i = 0; i < n && i < p->run->n_steps && !no_detail; i++) {
    uint64_t missed = 0;
    double share = missed_criticality(p, cols, i, &no_detail, &missed);
    if (isnan(share)) continue;
    size_t len = strlen(rows[i].environment) + strlen(rows[i].name) + 4;
    labels[nb] = malloc(len);
    if (!labels[nb]) {
      rc = REPORT_ENOMEM;
      html_set_err(p->err, "%s", "out of memory drawing the criticality chart");
      goto done;
    }
    snprintf(labels[nb], len, "%s / %s", rows[i].environment, rows[i].name);
    bars[nb].label = labels[nb];
    bars[nb].value = 100.0 * share;
    bars[nb].kind = rows[i].standby ? REPORT_SVG_KIND_STANDBY
                    : rows[i].manual ? REPORT_SVG_KIND_MANUAL : REPORT_SVG_KIND_AUTOMATIC;
    nb++;
  }
  if (no_detail) {
    /* Without per-trial detail only the index over all trials is known. */
    for (size_t i = 0; i < nb; i++) free(labels[i]);
    nb = 0;
    for (size_t i = 0; i < n; i++) {
      size_t len = strlen(rows[i].environment) + strlen(rows[i].name) + 4;
      labels[nb] = malloc(len);
      if (!labels[nb]) {
        rc = REPORT_ENOMEM;
        html_set_err(p->err, "%s", "out of memory drawing the criticality chart");
        goto done;
      }
      snprintf(labels[nb], len, "%s / %s", rows[i].environment, rows[i].name);
      bars[nb].label = labels[nb];
      bars[nb].value = 100.0 * rows[i].criticality.est;
      bars[nb].kind = rows[i].standby ? REPORT_SVG_KIND_STANDBY
                      : rows[i].manual ? REPORT_SVG_KIND_MANUAL : REPORT_SVG_KIND_AUTOMATIC;
      nb++;
    }
    fputs("<section id=\"criticality\">\n<h2>Where the time goes</h2>\n"
          "<p class=\"note\">The criticality index of a step is the share of trials in which it "
          "was on the critical path of its environment's RTO. This run kept no per-trial step "
          "detail (run with <code>--detail steps</code>), so the share among the trials that "
          "missed the objective, which tells the steps apart, cannot be shown.</p>\n",
          p->out);
  } else {
    fputs("<section id=\"criticality\">\n<h2>Which steps the misses wait for</h2>\n"
          "<p class=\"note\">Among the trials that missed their environment's RTO objective "
          "(never recovered included; in lifetime mode only trials with a disaster "
          "incident), the share in which each step was on the critical path. A step near 100 % "
          "is in (nearly) every late recovery's way; steps of environments without an RTO "
          "objective or without a miss are left out. <code>drsim explain</code> says why the "
          "misses happen.</p>\n",
          p->out);
  }
  report_svg_bars_chart chart = {"criticality",
                                 no_detail ? "Criticality index per workflow step"
                                           : "Steps on the critical path of the missed trials",
                                 no_detail ? "criticality index (% of trials on the critical path)"
                                           : "% of missed trials with the step on the critical path",
                                 " %", bars, nb, 100.0, 1, NULL};
  if (nb == 0)
    fputs("<p class=\"note\" data-chart-missing=\"criticality\">No trial missed an RTO "
          "objective.</p>\n", p->out);
  else if (report_svg_bars(p->out, &chart) != 0)
    rc = html_svg_fail(p);
  fputs("</section>\n", p->out);
done:
  for (size_t i = 0; i < nb; i++) free(labels[i]);
  free(labels);
  free(bars);
  return rc;
}

static void detail_missing(page *p, const char *id, const char *what)
{
  fprintf(p->out, "<p class=\"missing\" data-chart-missing=\"%s\">%s needs per-trial detail, "
                  "which run %lld did not keep (its detail level is <code>summary</code>). "
                  "Run the scenario again with <code>--detail steps</code> to see it.</p>\n",
          id, what, (long long)p->run->id);
}

/* One detail column of the run (values in trial order). */
static int detail_col(page *p, const char *table, size_t index, const char *column,
                      double **v, size_t *n)
{
  report_error se;
  int rc = report_store_detail_column(p->st, p->run->id, table, index, column, v, n, &se);
  if (rc != REPORT_OK) return html_store_fail(p, rc, &se);
  return REPORT_OK;
}

typedef struct gantt_item { report_svg_gantt_row row; size_t order; } gantt_item;

static int cmp_start(const void *a, const void *b)
{
  const gantt_item *x = a, *y = b;
  int xn = isnan(x->row.start_s), yn = isnan(y->row.start_s);
  if (xn != yn) return xn - yn;
  if (!xn && x->row.start_s != y->row.start_s) return x->row.start_s < y->row.start_s ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* The trial (position in trial order) whose RTO is the lower median. */
static size_t median_trial(const env_cols *c)
{
  if (c->n_rto == 0) return SIZE_MAX;
  double med = c->rto[(c->n_rto - 1) / 2];
  for (size_t i = 0; i < c->n_rto_trials; i++)
    if (c->rto_trials[i] == med) return i;
  return SIZE_MAX;
}

static int write_gantt_env(page *p, size_t e, const env_cols *c, size_t *drawn)
{
  const report_run *run = p->run;
  const char *env = run->environments[e].name;
  size_t t = median_trial(c);
  if (t == SIZE_MAX) return REPORT_OK;
  ++*drawn;
  gantt_item *items = calloc(run->n_steps + 1, sizeof *items);
  if (!items) {
    html_set_err(p->err, "%s", "out of memory drawing the timeline");
    return REPORT_ENOMEM;
  }
  int rc = REPORT_OK;
  size_t m = 1;
  double first = INFINITY;
  for (size_t k = 0; k < run->n_steps; k++) {
    const report_run_step *st = &run->steps[k];
    if (strcmp(st->environment, env) != 0) continue;
    static const char *const cols[4] = {"start_s", "end_s", "attempts", "critical"};
    double val[4];
    for (int j = 0; j < 4; j++) {
      report_error se;
      rc = report_store_detail_at(p->st, run, "steps", k, t, cols[j], &val[j], &se);
      if (rc != REPORT_OK) {
        rc = html_store_fail(p, rc, &se);
        goto done;
      }
    }
    report_svg_gantt_row *r = &items[m].row;
    r->label = st->name;
    r->start_s = val[0];
    r->end_s = val[1];
    r->kind = step_kind(st);
    r->critical = val[3] > 0.5;
    r->attempts = isnan(val[2]) ? 0 : (int)val[2];
    items[m].order = m;
    if (val[0] < first) first = val[0];
    m++;
  }
  /* Before the first step starts: detection, and waits for components or
  ** other environments' milestones. */
  items[0].row = (report_svg_gantt_row){"detection / waiting", 0.0, isfinite(first) ? first : NAN,
                                        REPORT_SVG_KIND_WAIT, 0, 1};
  items[0].order = 0;
  qsort(items, m, sizeof *items, cmp_start);
  report_svg_gantt_row *rows = malloc(m * sizeof *rows);
  if (!rows) {
    rc = REPORT_ENOMEM;
    html_set_err(p->err, "%s", "out of memory drawing the timeline");
    goto done;
  }
  for (size_t i = 0; i < m; i++) rows[i] = items[i].row;
  char title[512], rto[48];
  snprintf(title, sizeof title, "Median trial of %s: trial #%llu, RTO %s", env,
           (unsigned long long)(run->first_trial + t),
           report_md_format_duration(c->rto_trials[t], rto, sizeof rto));
  report_svg_gantt_chart chart = {"gantt", env, title, rows, m, c->rto_trials[t], "RTO",
                                  run->environments[e].rto_objective_s};
  if (report_svg_gantt(p->out, &chart) != 0) rc = html_svg_fail(p);
  free(rows);
done:
  free(items);
  return rc;
}

int html_write_gantts(page *p, const env_cols *c)
{
  const report_run *run = p->run;
  fputs("<section id=\"timeline\">\n<h2>Timeline of the median trial</h2>\n", p->out);
  if (run->mode == MODEL_MODE_LIFETIME) {
    fputs("<p class=\"missing\" data-chart-missing=\"gantt\">Timelines are drawn for "
          "disaster-mode runs: a lifetime trial spans the whole horizon, with any number of "
          "incidents. Run the scenario with <code>mode: disaster</code> to see one "
          "recovery step by step.</p>\n</section>\n",
          p->out);
    return REPORT_OK;
  }
  if (!report_store_run_has_detail(p->st, run)) {
    detail_missing(p, "gantt", "The timeline of the median trial");
    fputs("</section>\n", p->out);
    return REPORT_OK;
  }
  fputs("<p class=\"note\">For each environment, the trial whose RTO is the median: when each "
        "step started and finished (retries included). Outlined steps with bold labels were "
        "on the critical path.</p>\n",
        p->out);
  size_t drawn = 0;
  for (size_t e = 0; e < run->n_environments; e++) {
    int rc = write_gantt_env(p, e, &c[e], &drawn);
    if (rc != REPORT_OK) return rc;
  }
  if (drawn == 0)
    fputs("<p class=\"missing\" data-chart-missing=\"gantt\">No timeline: the run has no "
          "trial with a recovery time yet.</p>\n",
          p->out);
  fputs("</section>\n", p->out);
  return REPORT_OK;
}

int html_write_histograms(page *p, const env_cols *c)
{
  const report_run *run = p->run;
  const report_summary_component_row *rows;
  size_t n = report_summary_components(p->s, &rows);
  fputs("<section id=\"rpo-components\">\n<h2>RPO per component</h2>\n", p->out);
  if (!report_store_run_has_detail(p->st, run)) {
    detail_missing(p, "rpo-hist", "The RPO histogram of each component");
    fputs("</section>\n", p->out);
    return REPORT_OK;
  }
  fputs("<p class=\"note\">How much data each replicated component loses: the age, at the "
        "disaster, of the newest copy in the standby region. An environment's RPO is the "
        "largest of its components'. Dashed: the environment's RPO objective.</p>\n",
        p->out);
  int rc = REPORT_OK;
  size_t drawn = 0;
  /* Components that never lose data get a line, not a chart. */
  int listed = 0;
  for (size_t i = 0; i < n && i < run->n_components; i++) {
    const report_summary_component_row *r = &rows[i];
    if (strcmp(r->replication_mode, "none") == 0 || r->n_rpo == 0 || r->inf_rpo ||
        !(r->max_rpo_s == 0.0))
      continue;
    fputs(listed++ ? "<li><b>" : "<ul>\n<li><b>", p->out);
    html_esc(p, r->name);
    fputs("</b> (", p->out);
    html_esc(p, r->replication_mode);
    fputs("): no data lost in any trial.</li>\n", p->out);
  }
  fputs(listed ? "</ul>\n<div class=\"hists\">\n" : "<div class=\"hists\">\n", p->out);
  for (size_t i = 0; i < n && i < run->n_components; i++) {
    const report_summary_component_row *r = &rows[i];
    if (strcmp(r->replication_mode, "none") == 0 || r->n_rpo + r->inf_rpo == 0) continue;
    if (r->max_rpo_s == 0.0 && !r->inf_rpo) continue;
    double *v = NULL;
    size_t nv = 0;
    if ((rc = detail_col(p, "components", i, "rpo_s", &v, &nv)) != REPORT_OK) break;
    /* Detail columns read NULL as NaN, and an infinite RPO (no copy ever
    ** arrived) is stored as NULL. When the NaNs are exactly the trials the
    ** aggregates count as infinite, they are those. */
    size_t nan = 0;
    for (size_t k = 0; k < nv; k++) nan += isnan(v[k]);
    if (nan && nan == r->inf_rpo)
      for (size_t k = 0; k < nv; k++) if (isnan(v[k])) v[k] = INFINITY;
    int e = -1;
    double objective = NAN;
    for (size_t k = 0; r->environment && k < run->n_environments; k++)
      if (strcmp(run->environments[k].name, r->environment) == 0) e = (int)k;
    /* Keep the trials that count for RPO (all of them in disaster mode;
    ** lifetime mode: those with a disaster incident in its environment, or
    ** in any environment for a shared component), as the CDFs do. */
    for (size_t k = 0; k < nv; k++) {
      int keep = 0;
      for (size_t j = 0; j < run->n_environments && !keep; j++)
        if ((e < 0 || (size_t)e == j) && k < c[j].n_rto_trials) keep = c[j].sample[k];
      if (!keep) v[k] = NAN;
    }
    if (e >= 0) objective = run->environments[e].rpo_objective_s;
    char title[512];
    snprintf(title, sizeof title, "%s (%s, %s)", r->name,
             r->environment ? r->environment : "shared", r->replication_mode);
    report_svg_histogram_chart chart = {"rpo-hist", r->name, title, "RPO", v, nv, objective,
                                        e >= 0 ? report_svg_color((size_t)e) : "#000000"};
    if (report_svg_histogram(p->out, &chart) != 0) rc = html_svg_fail(p);
    free(v);
    if (rc != REPORT_OK) break;
    drawn++;
  }
  fputs("</div>\n", p->out);
  if (rc == REPORT_OK && drawn == 0)
    fprintf(p->out, "<p class=\"missing\" data-chart-missing=\"rpo-hist\">No histogram: %s.</p>\n",
            listed ? "no component lost any data" : "no trial recorded a component losing data");
  fputs("</section>\n", p->out);
  return rc;
}
