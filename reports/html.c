/*
** reports/html.c — the HTML report of a run (contract in reports/html.h).
** The numbers come from the report_summary (the same as the CSV and
** Markdown outputs, formatted with reports/md.h's cell formatters); the
** charts need per-trial values, which are read from the store: the RTO and
** RPO columns of the trials table for the CDFs and, for runs kept with
** detail = steps, the steps and components detail tables for the median
** trial's timeline and the per-component RPO histograms.
*/
#include "reports/html.h"
#include "drsim_version.h"   /* DRSIM_VERSION, generated at build time */

#include <errno.h>
#include "models/outcome.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "reports/diagram.h"
#include "reports/md.h"
#include "reports/stats.h"
#include "reports/svg.h"

#ifndef DRSIM_VERSION
#define DRSIM_VERSION "unknown"
#endif

/* The charts the page holds or explains, for check-report.sh. */
#define CHART_IDS "architecture rto-cdf rpo-cdf criticality gantt rpo-hist"

typedef struct page {
  FILE *out;
  report_store *st;
  const report_summary *s;
  const report_run *run;
  report_error *err;
} page;

/* Per-environment trial columns: RTO in trial order (for the median trial)
** and RTO / RPO sorted (for the CDFs). */
typedef struct env_cols {
  double *rto_trials;      /* per trial; NaN: no RTO sample in that trial */
  size_t n_rto_trials;
  unsigned char *sample;   /* per trial: 1 when it has an RTO/RPO sample */
  double *rto, *rpo;       /* sorted, NaN removed */
  size_t n_rto, n_rpo;
  double *downtime;        /* lifetime mode: sorted downtime over the horizon */
  size_t n_downtime;
} env_cols;

static void esc(page *p, const char *t) { report_svg_escape(p->out, t); }

static void set_err(report_error *err, const char *fmt, const char *what)
{
  if (err) snprintf(err->text, sizeof err->text, fmt, what);
}

/* Copy a store error into the caller's. */
static int store_fail(page *p, int rc, const report_error *e)
{
  if (p->err) *p->err = *e;
  return rc;
}

/* A chart could not be written: the stream failed (or, rarely, memory ran
** out inside the chart). */
static int svg_fail(page *p)
{
  int e = errno;
  if (p->err)
    snprintf(p->err->text, sizeof p->err->text, "writing the HTML report: %s",
             e ? strerror(e) : "write error");
  return REPORT_EIO;
}

static const char *metric_title(const char *m)
{
  if (strcmp(m, "rto") == 0) return "RTO";
  if (strcmp(m, "rpo") == 0) return "RPO";
  if (strcmp(m, "full_capacity") == 0) return "full capacity";
  if (strcmp(m, "availability") == 0) return "availability";
  if (strcmp(m, "downtime") == 0) return "downtime";
  return m;
}

static void fmt_dur_ci(report_stats_ci c, char *b, size_t n)
{
  char e[48], lo[48], hi[48];
  report_md_format_duration(c.est, e, sizeof e);
  if (isnan(c.est) || isnan(c.lo) || isnan(c.hi)) {
    snprintf(b, n, "%s", e);
    return;
  }
  snprintf(b, n, "%s [%s, %s]", e, report_md_format_duration(c.lo, lo, sizeof lo),
           report_md_format_duration(c.hi, hi, sizeof hi));
}

/* A table cell; numbers right-aligned by default, text cells get class l. */
static void td(page *p, const char *text) { fputs("<td>", p->out); esc(p, text); fputs("</td>", p->out); }
/* A cell "estimate [lo, hi]": the interval goes on its own smaller line,
** which keeps the wide tables within the page. */
static void tdci(page *p, const char *text)
{
  const char *br = strstr(text, " [");
  if (!br) { td(p, text); return; }
  char est[160];
  snprintf(est, sizeof est, "%.*s", (int)(br - text), text);
  fputs("<td>", p->out);
  esc(p, est);
  fputs("<span class=\"ci\">", p->out);
  esc(p, br + 1);
  fputs("</span></td>", p->out);
}

static void tdl(page *p, const char *text)
{
  fputs("<td class=\"l\">", p->out);
  esc(p, text && *text ? text : "-");
  fputs("</td>", p->out);
}

/* ------------------------------------------------------------ head */

static const char CSS[] =
  ":root{--fg:#1d1d1f;--muted:#555;--line:#cfcfcf;--bg2:#f4f4f4}\n"
  "*{box-sizing:border-box}\n"
  "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;"
  "color:var(--fg);background:#fff;max-width:1200px;margin:0 auto;padding:20px 28px;"
  "line-height:1.45;font-size:15px}\n"
  "h1{font-size:27px;margin:0 0 2px}\n"
  "h2{font-size:20px;margin:30px 0 8px;border-bottom:2px solid var(--line);padding-bottom:3px}\n"
  "h3{font-size:16px;margin:14px 0 4px}\n"
  ".sub,.note{color:var(--muted)}\n"
  ".note{font-size:13.5px;max-width:900px}\n"
  "ul.lead{font-size:17px;max-width:1000px;line-height:1.5}\n"
  "code{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:90%;"
  "background:var(--bg2);padding:1px 4px;border-radius:3px}\n"
  "table{border-collapse:collapse;margin:6px 0 4px;font-size:13.5px}\n"
  "th,td{border:1px solid var(--line);padding:3px 8px;text-align:right;vertical-align:top}\n"
  "th{background:var(--bg2);font-weight:600}\n"
  "th.l,td.l{text-align:left}\n"
  "td{white-space:nowrap}\n"
  "td .ci{display:block;font-size:11.5px;color:var(--muted)}\n"
  ".scroll{overflow-x:auto;max-width:100%}\n"
  "dl.params{display:grid;grid-template-columns:max-content 1fr max-content 1fr max-content 1fr;"
  "gap:2px 14px;margin:10px 0;font-size:14px}\n"
  "dl.params dt{color:var(--muted)}dl.params dd{margin:0;font-weight:600;overflow-wrap:anywhere}\n"
  ".verdicts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}\n"
  ".card{border:1px solid var(--line);border-radius:6px;padding:8px 14px 10px}\n"
  ".card h3{margin:2px 0 6px;font-size:17px}\n"
  ".obj{margin:6px 0;font-size:14px}\n"
  ".badge{display:inline-block;font-weight:700;font-size:12.5px;padding:1px 7px;"
  "border-radius:4px;color:#fff;margin-right:6px;letter-spacing:.03em}\n"
  ".meets{background:#007A5A}.misses{background:#C24E00}.unset{background:#6b6b6b}\n"
  ".unsure{color:#8a5a00;font-size:13px}\n"
  /* Charts fill the column (their text scales with them) up to 1.3 times
  ** their drawn size, where 12 px labels read as 15-16 px. */
  "svg.chart{display:block;height:auto;margin:6px 0 18px;max-width:min(100%,1140px)!important}\n"
  ".hists{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:4px 16px}\n"
  ".missing{border:1px dashed #C24E00;background:#fff7f0;padding:10px 14px;border-radius:6px;"
  "max-width:900px}\n"
  /* The architecture diagram keeps a readable size (1 pt of the layout = 1
  ** px) and scrolls inside its box rather than shrinking its text. */
  ".diagram-box{overflow:auto;max-height:min(92vh,900px);border:1px solid var(--line);border-radius:6px;"
  "margin:6px 0 18px}\n"
  "svg.diagram{display:block;max-width:none!important;height:auto}\n"
  "footer{margin-top:36px;color:var(--muted);font-size:12.5px}\n"
  "@media print{body{max-width:none}h2{break-after:avoid}svg.chart{break-inside:avoid}}\n";

static void write_head(page *p)
{
  const report_run *run = p->run;
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"drsim " DRSIM_VERSION "\">\n"
        "<meta name=\"drsim-charts\" content=\"" CHART_IDS, p->out);
  if (run->mode == MODEL_MODE_LIFETIME) fputs(" availability downtime-cdf downtime-causes", p->out);
  fputs("\">\n<title>drsim report: ", p->out);
  esc(p, run->scenario_name);
  fprintf(p->out, " (run %lld)</title>\n<style>\n%s</style>\n</head>\n<body>\n", (long long)run->id,
          CSS);
}

static void write_header(page *p)
{
  const report_run *run = p->run;
  fputs("<header>\n<h1>", p->out);
  esc(p, run->scenario_name);
  fputs("</h1>\n<p class=\"sub\">drsim failover simulation report — run ", p->out);
  fprintf(p->out, "%lld, scenario hash <code>", (long long)run->id);
  esc(p, run->scenario_hash);
  fputs("</code></p>\n</header>\n", p->out);
}

/* The answer first: one sentence per environment and objective, when
** drsim report added them (report_summary_add_lead). */
static void write_leads(page *p)
{
  const char *const *leads;
  size_t n = report_summary_leads(p->s, &leads);
  if (n == 0) return;
  fputs("<section id=\"answer\">\n<h2>In short</h2>\n<ul class=\"lead\">\n", p->out);
  for (size_t i = 0; i < n; i++) {
    fputs("<li>", p->out);
    esc(p, leads[i]);
    fputs("</li>\n", p->out);
  }
  fputs("</ul>\n<p class=\"note\">From <code>drsim explain</code> on this run: its trials "
        "simulated again, the drivers ranked by how much of P(meet) they cost, the "
        "counterfactual re-run on the same trials (docs/explain.md).</p>\n</section>\n", p->out);
}

static void param(page *p, const char *name, const char *value)
{
  fputs("<dt>", p->out);
  esc(p, name);
  fputs("</dt><dd>", p->out);
  esc(p, value && *value ? value : "-");
  fputs("</dd>\n", p->out);
}

static void write_params(page *p)
{
  const report_run *run = p->run;
  char b[256];
  fputs("<section id=\"run\">\n<h2>Run</h2>\n<dl class=\"params\">\n", p->out);
  param(p, "scenario", run->scenario_name);
  param(p, "scenario hash", run->scenario_hash);
  snprintf(b, sizeof b, "%lld", (long long)run->id);
  param(p, "run", b);
  snprintf(b, sizeof b, "%llu", (unsigned long long)run->seed);
  param(p, "seed", b);
  if (run->trials_done == run->trials)
    snprintf(b, sizeof b, "%llu", (unsigned long long)run->trials);
  else
    snprintf(b, sizeof b, "%llu of %llu", (unsigned long long)run->trials_done,
             (unsigned long long)run->trials);
  param(p, "trials", b);
  snprintf(b, sizeof b, "%u", run->threads);
  param(p, "threads", b);
  if (run->mode == MODEL_MODE_LIFETIME) {
    char h[48];
    snprintf(b, sizeof b, "lifetime, horizon %s",
             report_md_format_duration(run->horizon_s, h, sizeof h));
    param(p, "mode", b);
  } else {
    param(p, "mode", "disaster");
  }
  param(p, "detail", run->detail == REPORT_DETAIL_STEPS ? "steps" : "summary");
  param(p, "status", report_store_run_state(run));
  param(p, "drsim version", run->program_version);
  param(p, "started", run->started);
  param(p, "finished", run->finished ? run->finished : "(not finished)");
  if (run->first_trial) {
    snprintf(b, sizeof b, "#%llu", (unsigned long long)run->first_trial);
    param(p, "first trial", b);
  }
  if (run->sweep_id) {
    snprintf(b, sizeof b, "%lld, point %lld", (long long)run->sweep_id, (long long)run->point);
    param(p, "sweep", b);
  }
  fputs("</dl>\n", p->out);
  if (run->n_overrides) {
    fputs("<p>Overrides: ", p->out);
    for (size_t i = 0; i < run->n_overrides; i++) {
      fputs(i ? ", <code>" : "<code>", p->out);
      esc(p, run->overrides[i]);
      fputs("</code>", p->out);
    }
    fputs("</p>\n", p->out);
  }
  if (run->status != REPORT_RUN_COMPLETE || run->trials_done < run->trials)
    fprintf(p->out, "<p class=\"missing\">This run is %s: the report covers its %llu "
                    "committed trials.</p>\n",
            report_store_run_state(run), (unsigned long long)run->trials_done);
  fputs("</section>\n", p->out);
}

/* ------------------------------------------------------------ architecture */

/* The diagram of the run's scenario (its stored text and overrides) with the
** run's figures. A run without its scenario text, or whose text no longer
** loads (e.g. an empirical distribution's file moved), gets a note instead. */
static int write_architecture(page *p)
{
  const report_run *run = p->run;
  fputs("<section id=\"architecture\">\n<h2>The architecture</h2>\n", p->out);
  model_scenario *sc = NULL;
  model_diag *d = NULL;
  if (run->scenario_text) {
    d = model_diag_new();
    if (d && model_scenario_load_string(run->scenario_text, strlen(run->scenario_text),
                                        run->scenario_name, (const char *const *)run->overrides,
                                        run->n_overrides, &sc, d) != 0)
      sc = NULL;
    model_diag_free(d);
  }
  if (!sc) {
    fputs("<p class=\"missing\" data-chart-missing=\"architecture\">The diagram needs the "
          "scenario, which this run's stored text does not give (run <code>drsim diagram "
          "SCENARIO --db FILE --run ID</code> with the scenario file).</p>\n</section>\n",
          p->out);
    return REPORT_OK;
  }
  report_diagram_figures *fig = NULL;
  int rc = report_diagram_figures_load(p->st, p->s, &fig, p->err);
  char *svg = NULL;
  size_t len = 0;
  if (rc == REPORT_OK) {
    report_diagram_options o = {NULL, fig};
    rc = report_diagram_render(sc, &o, REPORT_DIAGRAM_SVG, &svg, &len, p->err);
  }
  if (rc == REPORT_OK) {
    fputs("<p class=\"note\">The scenario's regions (primary left, standby right, shared "
          "services on top), how each component's data reaches the standby region (green, with "
          "the simulated RPO it leaves), how it fails over (red: automatically or by a numbered "
          "step), the standby pools, and each environment's recovery workflow with the simulated "
          "median and p95 of every step, its share of the critical path and the RTO and RPO "
          "against the objectives. Diamonds are manual steps and validations. "
          "<code>drsim diagram</code> writes it as SVG or PNG.</p>\n<div class=\"diagram-box\">",
          p->out);
    char title[512];
    snprintf(title, sizeof title, "Architecture and recovery workflows of %s, run %lld",
             run->scenario_name, (long long)run->id);
    if (report_diagram_write_inline(p->out, svg, title) != REPORT_OK) rc = svg_fail(p);
    fputs("</div>\n", p->out);
  }
  fputs("</section>\n", p->out);
  free(svg);
  report_diagram_figures_free(fig);
  model_scenario_free(sc);
  return rc;
}

/* ------------------------------------------------------------ verdicts */

static void write_verdicts(page *p)
{
  const report_run *run = p->run;
  const report_summary_row *rows;
  size_t n = report_summary_rows(p->s, &rows);
  fprintf(p->out, "<section id=\"verdicts\">\n<h2>Verdict per environment</h2>\n"
                  "<p class=\"note\">An objective is <b>met</b> when at least %.0f %% of the "
                  "trials meet it (the share <code>drsim run --fail-on-miss</code> uses), "
                  "that is when the p%.0f is within it. Brackets are 95 %% intervals.</p>\n",
          100.0 * REPORT_HTML_MEET_SHARE, 100.0 * REPORT_HTML_MEET_SHARE);
  if (run->notes) {
    fputs("<p class=\"note\"><b>DR capabilities lost.</b> ", p->out);
    esc(p, run->notes);
    fputs("</p>\n", p->out);
  }
  fputs("<div class=\"verdicts\">\n", p->out);
  for (size_t e = 0; e < run->n_environments; e++) {
    const char *env = run->environments[e].name;
    size_t n_obj = 0, n_missed = 0, n_rows = 0, n_unaffected = 0;
    uint64_t n_affected = 0;
    for (size_t i = 0; i < n; i++) {
      if (strcmp(rows[i].environment, env) != 0) continue;
      n_rows++;
      n_unaffected += rows[i].n == 0 && rows[i].n_affected == 0;
      if (rows[i].n_affected > n_affected) n_affected = rows[i].n_affected;
      if (isnan(rows[i].objective)) continue;
      n_obj++;
      if (!(rows[i].p_meet.est >= REPORT_HTML_MEET_SHARE) || rows[i].n == 0) n_missed++;
    }
    fputs("<div class=\"card\" data-environment=\"", p->out);
    esc(p, env);
    fputs("\"><h3>", p->out);
    esc(p, env);
    if (n_rows > 0 && n_unaffected == n_rows && run->trials_done > 0) {
      /* Not a success: the disaster never touched it, so nothing was tested. */
      fprintf(p->out, " <span class=\"badge unset\">NOT AFFECTED</span></h3>\n"
                      "<div class=\"obj\">Not affected by this disaster: it took nothing "
                      "this environment runs on in any of the %llu trials, so its objectives "
                      "were not put to the test.</div>\n</div>\n",
              (unsigned long long)run->trials_done);
      continue;
    }
    if (n_obj == 0)
      fputs(" <span class=\"badge unset\">NO OBJECTIVES</span>", p->out);
    else if (n_missed == 0)
      fputs(" <span class=\"badge meets\">MEETS ALL</span>", p->out);
    else
      fprintf(p->out, " <span class=\"badge misses\">MISSES %zu OF %zu</span>", n_missed, n_obj);
    fputs("</h3>\n", p->out);
    for (size_t i = 0; i < n; i++) {
      const report_summary_row *r = &rows[i];
      if (strcmp(r->environment, env) != 0 || isnan(r->objective)) continue;
      int meets = r->n > 0 && r->p_meet.est >= REPORT_HTML_MEET_SHARE;
      char obj[64], pm[96], q95[128], q99[128];
      report_md_format_row_objective(r, obj, sizeof obj);
      if (r->n == 0) {
        /* Counted as missed, as --fail-on-miss does: nothing shows it is met. */
        fprintf(p->out, "<div class=\"obj\"><span class=\"badge unset\">NO DATA</span><b>%s %s "
                        "%s</b>: no trial to judge it by (counted as missed).</div>\n",
                metric_title(r->metric), r->higher_is_better ? "≥" : "≤", obj);
        continue;
      }
      report_md_format_percent_ci(r->p_meet, pm, sizeof pm);
      fprintf(p->out, "<div class=\"obj\"><span class=\"badge %s\">%s</span><b>%s %s %s</b>: "
                      "met in %s of %llu trials",
              meets ? "meets" : "misses", meets ? "MEETS" : "MISSES", metric_title(r->metric),
              r->higher_is_better ? "≥" : "≤", obj, pm, (unsigned long long)r->n);
      if (run->mode != MODEL_MODE_LIFETIME && r->n_affected < run->trials_done)
        fprintf(p->out, " (the trials that affected it, of %llu)",
                (unsigned long long)run->trials_done);
      if (!r->is_fraction) {
        report_md_format_row_ci(r, r->p95, q95, sizeof q95);
        report_md_format_row_ci(r, r->p99, q99, sizeof q99);
        fprintf(p->out, "; p95 %s, p99 %s", q95, q99);
      } else {
        report_md_format_row_ci(r, r->mean, q95, sizeof q95);
        fprintf(p->out, "; mean %s", q95);
      }
      if (r->not_recovered)
        fprintf(p->out, "; %llu not recovered", (unsigned long long)r->not_recovered);
      fputs(".", p->out);
      /* The verdict rests on the estimate; say when the interval cannot
      ** decide it, so nobody signs off on noise. */
      if (!isnan(r->p_meet.lo) && r->p_meet.lo < REPORT_HTML_MEET_SHARE &&
          r->p_meet.hi >= REPORT_HTML_MEET_SHARE)
        fprintf(p->out, " <span class=\"unsure\">Not conclusive: the interval contains "
                        "%.0f %%; run more trials.</span>",
                100.0 * REPORT_HTML_MEET_SHARE);
      fputs("</div>\n", p->out);
    }
    if (n_obj == 0) fputs("<div class=\"obj\">The scenario sets no objective for it.</div>\n", p->out);
    fputs("</div>\n", p->out);
  }
  fputs("</div>\n</section>\n", p->out);
}

/* ------------------------------------------------------------ charts */

static void env_cols_free(env_cols *c, size_t n)
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
static int load_env_cols(page *p, env_cols **out)
{
  const report_run *run = p->run;
  int lifetime = run->mode == MODEL_MODE_LIFETIME;
  env_cols *c = calloc(run->n_environments ? run->n_environments : 1, sizeof *c);
  if (!c) {
    set_err(p->err, "%s", "out of memory reading the trials");
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
    if (rc != REPORT_OK) return store_fail(p, rc, &se);
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
      set_err(p->err, "%s", "out of memory reading the trials");
      return REPORT_ENOMEM;
    }
  }
  return REPORT_OK;
}

/* Lifetime mode: the distribution of each environment's downtime over the
** horizon against the downtime its availability objective allows. */
static int write_downtime(page *p, const env_cols *c)
{
  const report_run *run = p->run;
  size_t ne = run->n_environments;
  report_svg_cdf_series *series = calloc(ne ? ne : 1, sizeof *series);
  if (!series) {
    set_err(p->err, "%s", "out of memory drawing the downtime chart");
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
  int rc = report_svg_cdf(p->out, &chart) != 0 ? svg_fail(p) : REPORT_OK;
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
    esc(p, cols[i]);
    fputs("</th>", p->out);
  }
  fputs("</tr></thead>\n<tbody>\n", p->out);
}

static void td_u64(page *p, uint64_t v)
{
  char b[32];
  snprintf(b, sizeof b, "%llu", (unsigned long long)v);
  td(p, b);
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
    set_err(p->err, "%s", "out of memory drawing the availability chart");
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
  int rc = report_svg_ranges(p->out, &chart) != 0 ? svg_fail(p) : REPORT_OK;
  free(rows);
  free(notes);
  return rc;
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
    tdl(p, r->environment);
    tdci(p, report_md_format_availability_ci(r->availability, b, sizeof b));
    tdci(p, report_md_format_availability_ci(r->stratified_availability, b, sizeof b));
    if (isnan(r->objective)) td(p, "-");
    else {
      char v[48];
      snprintf(b, sizeof b, "≥ %s", report_md_format_percent(r->objective, v, sizeof v));
      td(p, b);
    }
    tdci(p, report_md_format_percent_ci(r->p_meet, b, sizeof b));
    fmt_dur_ci(r->downtime_s, b, sizeof b);
    tdci(p, b);
    td_u64(p, r->component_incidents);
    td_u64(p, r->disaster_incidents);
    if (r->top_cause) {
      char v[48];
      snprintf(b, sizeof b, "%s (%s of downtime)", r->top_cause,
               report_md_format_percent(r->top_cause_share, v, sizeof v));
      tdl(p, b);
    } else {
      tdl(p, "-");
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
    tdl(p, r->environment);
    if (isnan(r->expected_n_disaster)) snprintf(b, sizeof b, "%llu", (unsigned long long)r->n_disaster);
    else snprintf(b, sizeof b, "%llu (%.1f expected)", (unsigned long long)r->n_disaster,
                  r->expected_n_disaster);
    td(p, b);
    tdci(p, report_md_format_availability_ci(r->disaster_availability, b, sizeof b));
    tdci(p, report_md_format_percent_ci(r->disaster_p_meet, b, sizeof b));
    fmt_dur_ci(r->disaster_downtime_s, b, sizeof b);
    tdci(p, b);
    tdci(p, report_md_format_availability_ci(r->quiet_availability, b, sizeof b));
    tdci(p, report_md_format_percent_ci(r->quiet_p_meet, b, sizeof b));
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
    tdl(p, r->environment);
    td_u64(p, r->n_incidents);
    fmt_dur_ci(r->incident_rto_p50, b, sizeof b);
    tdci(p, b);
    fmt_dur_ci(r->incident_rto_p95, b, sizeof b);
    tdci(p, b);
    tdci(p, report_md_format_percent_ci(r->incident_rto_meet, b, sizeof b));
    fmt_dur_ci(r->incident_rpo_p50, b, sizeof b);
    tdci(p, b);
    fmt_dur_ci(r->incident_rpo_p95, b, sizeof b);
    tdci(p, b);
    tdci(p, report_md_format_percent_ci(r->incident_rpo_meet, b, sizeof b));
    td_u64(p, r->incidents_not_recovered);
    td(p, report_md_format_duration(r->downtime_per_incident_s, b, sizeof b));
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n<p class=\"note\">Downtime per incident counts the time "
        "until service is restored and failing back to the primary.</p>\n", p->out);
}

/* Lifetime mode: availability (chart, tables, the conditional estimates and
** the downtime CDF) in one section. */
static int write_lifetime(page *p, const env_cols *c)
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
static int write_causes(page *p)
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
    set_err(p->err, "%s", "out of memory drawing the causes");
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
    if (report_svg_bars(p->out, &chart) != 0) rc = svg_fail(p);
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
    tdl(p, c[i].environment);
    tdl(p, c[i].cause);
    td_u64(p, c[i].trials);
    fmt_dur_ci(c[i].downtime_s, b, sizeof b);
    tdci(p, b);
    td(p, report_md_format_percent(c[i].share, b, sizeof b));
    snprintf(b, sizeof b, "%.3g pp", 100.0 * c[i].availability_cost);
    td(p, b);
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n</section>\n", p->out);
  return REPORT_OK;
}

/* Lifetime mode: observed MTBF / MTTR against the scenario's targets. */
static void write_reliability(page *p)
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
    tdl(p, r->name);
    tdl(p, r->environment ? r->environment : "(shared)");
    if (isnan(r->failures_per_trial)) snprintf(b, sizeof b, "-");
    else snprintf(b, sizeof b, "%.3g", r->failures_per_trial);
    td(p, b);
    fmt_dur_ci(r->mtbf_s, b, sizeof b);
    tdci(p, b);
    td(p, report_md_format_duration(r->mtbf_target_s, b, sizeof b));
    fmt_dur_ci(r->mttr_s, b, sizeof b);
    tdci(p, b);
    td(p, report_md_format_duration(r->mttr_target_s, b, sizeof b));
    td(p, report_md_format_duration(r->mean_down_s, b, sizeof b));
    td(p, report_md_format_duration(r->mean_downtime_caused_s, b, sizeof b));
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n<p class=\"note\">Observed MTBF = total up time / failures, "
        "MTTR = total down time / failures, over all trials; the targets are the means of the "
        "scenario's failure and repair distributions. Intervals: ratio estimator across "
        "trials (delta method, t), valid whatever the distributions.</p>\n</section>\n", p->out);
}

/* The CDF of RTO (rpo = 0) or RPO (rpo = 1) per environment, in its own
** section. */
static int write_cdf(page *p, const env_cols *c, int rpo)
{
  const report_run *run = p->run;
  size_t ne = run->n_environments;
  report_svg_cdf_series *series = calloc(ne ? ne : 1, sizeof *series);
  if (!series) {
    set_err(p->err, "%s", "out of memory drawing the CDFs");
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
    rc = report_svg_cdf(p->out, &chart) != 0 ? svg_fail(p) : REPORT_OK;
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
      rc = report_svg_cdf(p->out, &one) != 0 ? svg_fail(p) : REPORT_OK;
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

static int write_criticality(page *p, const env_cols *cols)
{
  const report_summary_step_row *rows;
  size_t n = report_summary_steps(p->s, &rows);
  report_svg_bar *bars = calloc(n ? n : 1, sizeof *bars);
  char **labels = calloc(n ? n : 1, sizeof *labels);
  if (!bars || !labels) {
    free(bars);
    free(labels);
    set_err(p->err, "%s", "out of memory drawing the criticality chart");
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
      set_err(p->err, "%s", "out of memory drawing the criticality chart");
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
        set_err(p->err, "%s", "out of memory drawing the criticality chart");
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
    rc = svg_fail(p);
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
  if (rc != REPORT_OK) return store_fail(p, rc, &se);
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
    set_err(p->err, "%s", "out of memory drawing the timeline");
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
      double *v = NULL;
      size_t n = 0;
      if ((rc = detail_col(p, "steps", k, cols[j], &v, &n)) != REPORT_OK) goto done;
      val[j] = t < n ? v[t] : NAN;
      free(v);
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
    set_err(p->err, "%s", "out of memory drawing the timeline");
    goto done;
  }
  for (size_t i = 0; i < m; i++) rows[i] = items[i].row;
  char title[512], rto[48];
  snprintf(title, sizeof title, "Median trial of %s: trial #%llu, RTO %s", env,
           (unsigned long long)(run->first_trial + t),
           report_md_format_duration(c->rto_trials[t], rto, sizeof rto));
  report_svg_gantt_chart chart = {"gantt", env, title, rows, m, c->rto_trials[t], "RTO",
                                  run->environments[e].rto_objective_s};
  if (report_svg_gantt(p->out, &chart) != 0) rc = svg_fail(p);
  free(rows);
done:
  free(items);
  return rc;
}

static int write_gantts(page *p, const env_cols *c)
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
  if (run->detail != REPORT_DETAIL_STEPS) {
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

static int write_histograms(page *p, const env_cols *c)
{
  const report_run *run = p->run;
  const report_summary_component_row *rows;
  size_t n = report_summary_components(p->s, &rows);
  fputs("<section id=\"rpo-components\">\n<h2>RPO per component</h2>\n", p->out);
  if (run->detail != REPORT_DETAIL_STEPS) {
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
    esc(p, r->name);
    fputs("</b> (", p->out);
    esc(p, r->replication_mode);
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
    if (report_svg_histogram(p->out, &chart) != 0) rc = svg_fail(p);
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

/* ------------------------------------------------------------ tables */

static void write_objectives_table(page *p)
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
    tdl(p, r->environment);
    tdl(p, metric_title(r->metric));
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->n);
    td(p, b);
    report_md_format_row_value(r, r->mean.est, b, sizeof b);
    td(p, b);
    report_md_format_row_value(r, r->p50.est, b, sizeof b);
    td(p, b);
    report_md_format_row_value(r, r->p90.est, b, sizeof b);
    td(p, b);
    report_md_format_row_ci(r, r->p95, b, sizeof b);
    tdci(p, b);
    report_md_format_row_ci(r, r->p99, b, sizeof b);
    tdci(p, b);
    report_md_format_row_value(r, r->max, b, sizeof b);
    td(p, b);
    if (isnan(r->objective)) {
      td(p, "-");
    } else {
      char v[48];
      report_md_format_row_objective(r, v, sizeof v);
      snprintf(b, sizeof b, "%s %s", r->higher_is_better ? "≥" : "≤", v);
      td(p, b);
    }
    report_md_format_percent_ci(r->p_meet, b, sizeof b);
    tdci(p, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->not_recovered);
    td(p, b);
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n<p class=\"note\">Means are over the trials with a finite "
        "value (t interval; the CSV's n_finite counts them); percentiles and shares count every trial, ∞ meaning never recovered "
        "(percentile intervals from order statistics, distribution-free; shares by the "
        "Wilson score).</p>\n",
        p->out);
}

static void write_accuracy(page *p)
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
    tdl(p, r->environment);
    tdl(p, metric_title(r->metric));
    td(p, report_md_format_duration(r->p99.est, b, sizeof b));
    snprintf(b, sizeof b, "[%s, %s]", report_md_format_duration(r->p99.lo, lo, sizeof lo),
             report_md_format_duration(r->p99.hi, hi, sizeof hi));
    td(p, b);
    double hw = report_stats_half_width(r->p99);
    if (isinf(hw) && isfinite(r->p99.est)) unbounded = 1;
    td(p, report_md_format_duration(hw, b, sizeof b));
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

static void write_steps_table(page *p)
{
  const report_summary_step_row *rows;
  size_t n = report_summary_steps(p->s, &rows);
  fputs("<section id=\"steps\">\n<h2>Workflow steps</h2>\n", p->out);
  if (n == 0) {
    fputs("<p>The scenario has no workflow steps.</p>\n</section>\n", p->out);
    return;
  }
  fputs("<div class=\"scroll\"><table>\n<thead><tr><th class=\"l\">environment</th><th class=\"l\">step</th>"
        "<th class=\"l\">kind</th><th>criticality index [95 % CI]</th><th>mean duration</th>"
        "<th>sd</th><th>attempts / trial</th><th>all attempts failed</th><th>off hours</th>"
        "<th>team wait</th></tr></thead>\n<tbody>\n",
        p->out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_step_row *r = &rows[i];
    char b[200];
    fputs("<tr>", p->out);
    tdl(p, r->environment);
    tdl(p, r->name);
    if (r->standby) {
      snprintf(b, sizeof b, "standby %s", r->standby);
      tdl(p, b);
    } else {
      tdl(p, r->manual ? "manual" : "automatic");
    }
    report_md_format_percent_ci(r->criticality, b, sizeof b);
    tdci(p, b);
    td(p, report_md_format_duration(r->mean_duration_s, b, sizeof b));
    td(p, report_md_format_duration(r->sd_duration_s, b, sizeof b));
    if (isnan(r->attempts_per_trial)) snprintf(b, sizeof b, "-");
    else snprintf(b, sizeof b, "%.2f", r->attempts_per_trial);
    td(p, b);
    report_md_format_percent_ci(r->failure_rate, b, sizeof b);
    tdci(p, b);
    if (r->manual) report_md_format_percent(r->off_hours_share, b, sizeof b);
    else snprintf(b, sizeof b, "-");
    td(p, b);
    td(p, report_md_format_duration(r->mean_team_wait_s, b, sizeof b));
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n</section>\n", p->out);
}

static void write_components_table(page *p)
{
  const report_summary_component_row *rows;
  size_t n = report_summary_components(p->s, &rows);
  fputs("<section id=\"components\">\n<h2>Components</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
        "<th class=\"l\">component</th><th class=\"l\">environment</th>"
        "<th class=\"l\">replication</th><th>mean RPO</th><th>max RPO</th>"
        "<th>sets the environment's RPO [95 % CI]</th><th>mean failover</th>"
        "<th>max failover</th></tr></thead>\n<tbody>\n",
        p->out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_component_row *r = &rows[i];
    if (r->n_rpo + r->inf_rpo + r->n_failover == 0) continue;
    char b[160];
    fputs("<tr>", p->out);
    tdl(p, r->name);
    tdl(p, r->environment ? r->environment : "(shared)");
    tdl(p, r->replication_mode);
    td(p, report_md_format_duration(r->mean_rpo_s, b, sizeof b));
    td(p, report_md_format_duration(r->max_rpo_s, b, sizeof b));
    report_md_format_percent_ci(r->sets_env_rpo, b, sizeof b);
    tdci(p, b);
    td(p, report_md_format_duration(r->mean_failover_s, b, sizeof b));
    td(p, report_md_format_duration(r->max_failover_s, b, sizeof b));
    fputs("</tr>\n", p->out);
  }
  fputs("</tbody>\n</table></div>\n</section>\n", p->out);
}

static void write_standby_table(page *p)
{
  const report_summary_standby_row *rows;
  size_t n = report_summary_standby(p->s, &rows);
  fputs("<section id=\"standby\">\n<h2>Standby capacity</h2>\n", p->out);
  if (n == 0) {
    fputs("<p>The scenario has no standby pools.</p>\n</section>\n", p->out);
    return;
  }
  fputs("<div class=\"scroll\"><table>\n<thead><tr><th class=\"l\">pool</th><th class=\"l\">environment</th>"
        "<th>warm / service / required nodes</th><th>first service p50</th>"
        "<th>full capacity p50</th><th>full capacity p90</th>"
        "<th>full capacity p99 [95 % CI]</th><th>capacity shortage</th>"
        "<th>node cost / hour</th><th>warm nodes cost / year</th></tr></thead>\n<tbody>\n",
        p->out);
  double total = 0.0;
  for (size_t i = 0; i < n; i++) {
    const report_summary_standby_row *r = &rows[i];
    char b[200], m[48];
    fputs("<tr>", p->out);
    tdl(p, r->name);
    tdl(p, r->environment);
    snprintf(b, sizeof b, "%d / %d / %d", r->warm_nodes, r->service_nodes, r->required_nodes);
    td(p, b);
    if (r->has_quantiles) {
      td(p, report_md_format_duration(r->first_service_p50.est, b, sizeof b));
      td(p, report_md_format_duration(r->full_capacity_p50.est, b, sizeof b));
      td(p, report_md_format_duration(r->full_capacity_p90.est, b, sizeof b));
      fmt_dur_ci(r->full_capacity_p99, b, sizeof b);
      tdci(p, b);
    } else {
      snprintf(b, sizeof b, "mean %s", report_md_format_duration(r->mean_first_service_s, m, sizeof m));
      td(p, b);
      snprintf(b, sizeof b, "mean %s", report_md_format_duration(r->mean_full_capacity_s, m, sizeof m));
      td(p, b);
      td(p, "-");
      td(p, "-");
    }
    td(p, report_md_format_percent(r->shortage_share, b, sizeof b));
    snprintf(b, sizeof b, "%.2f", r->node_cost_per_hour);
    td(p, b);
    snprintf(b, sizeof b, "%.2f", r->annual_warm_cost);
    td(p, b);
    if (isfinite(r->annual_warm_cost)) total += r->annual_warm_cost;
    fputs("</tr>\n", p->out);
  }
  fprintf(p->out, "</tbody>\n</table></div>\n<p class=\"note\">Warm nodes cost = warm nodes × node "
                  "cost per hour × 8760 h, in the scenario's currency: %.2f a year for all "
                  "pools. Each extra warm node costs its pool's hourly price × 8760 h and "
                  "shortens the scale-up.</p>\n</section>\n",
          total);
}

/* ------------------------------------------------------------ page */

int report_html_write(FILE *out, report_store *st, const report_summary *s, report_error *err)
{
  page p = {out, st, s, report_summary_run(s), err};
  env_cols *cols = NULL;
  int rc = load_env_cols(&p, &cols);
  if (rc != REPORT_OK) goto done;
  write_head(&p);
  write_header(&p);
  write_leads(&p);
  if ((rc = write_architecture(&p)) != REPORT_OK) goto done;
  write_params(&p);
  write_verdicts(&p);
  /* The RTO story (distribution, which steps decide it, one typical trial),
  ** then the RPO story (distribution, which components decide it). */
  if (p.run->mode == MODEL_MODE_LIFETIME) {
    if ((rc = write_lifetime(&p, cols)) != REPORT_OK) goto done;
    if ((rc = write_causes(&p)) != REPORT_OK) goto done;
    write_reliability(&p);
  }
  if ((rc = write_cdf(&p, cols, 0)) != REPORT_OK) goto done;
  if ((rc = write_gantts(&p, cols)) != REPORT_OK) goto done;
  if ((rc = write_criticality(&p, cols)) != REPORT_OK) goto done;
  if ((rc = write_cdf(&p, cols, 1)) != REPORT_OK) goto done;
  if ((rc = write_histograms(&p, cols)) != REPORT_OK) goto done;
  write_objectives_table(&p);
  write_accuracy(&p);
  write_steps_table(&p);
  write_components_table(&p);
  write_standby_table(&p);
  fprintf(out, "<footer>Written by drsim " DRSIM_VERSION " from run %lld of <code>",
          (long long)p.run->id);
  esc(&p, report_store_path(st));
  fputs("</code>. Self-contained: no scripts, fonts or images are loaded.</footer>\n"
        "</body>\n</html>\n", out);
done:
  env_cols_free(cols, p.run->n_environments);
  if (rc == REPORT_OK && (fflush(out) != 0 || ferror(out))) {
    int e = errno;
    if (err)
      snprintf(err->text, sizeof err->text, "writing the HTML report: %s",
               e ? strerror(e) : "write error");
    rc = REPORT_EIO;
  }
  return rc;
}
