/*
** reports/html.c — the HTML report of a run (contract in reports/html.h).
** The numbers come from the report_summary (the same as the CSV and
** Markdown outputs, formatted with reports/md.h's cell formatters); the
** charts need per-trial values, which are read from the store: the RTO and
** RPO columns of the trials table for the CDFs and, for runs kept with
** detail = steps, the steps and components detail tables for the median
** trial's timeline and the per-component RPO histograms.
*/
#include "reports/html_internal.h"
#include "drsim_version.h"   /* DRSIM_VERSION, generated at build time */

#include <errno.h>
#include "models/outcome.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "reports/costs.h"
#include "reports/diagram.h"
#include "reports/md.h"
#include "reports/meet.h"
#include "reports/stats.h"
#include "reports/svg.h"

#ifndef DRSIM_VERSION
#define DRSIM_VERSION "unknown"
#endif

/* The charts the page holds or explains, for check-report.sh. */
#define CHART_IDS "architecture rto-cdf rpo-cdf criticality gantt rpo-hist"


void html_esc(page *p, const char *t) { report_svg_escape(p->out, t); }

void html_set_err(report_error *err, const char *fmt, const char *what)
{
  if (err) snprintf(err->text, sizeof err->text, fmt, what);
}

/* Copy a store error into the caller's. */
int html_store_fail(page *p, int rc, const report_error *e)
{
  if (p->err) *p->err = *e;
  return rc;
}

/* A chart could not be written: the stream failed (or, rarely, memory ran
** out inside the chart). */
int html_svg_fail(page *p)
{
  int e = errno;
  if (p->err)
    snprintf(p->err->text, sizeof p->err->text, "writing the HTML report: %s",
             e ? strerror(e) : "write error");
  return REPORT_EIO;
}

const char *html_metric_title(const char *m)
{
  if (strcmp(m, "rto") == 0) return "RTO";
  if (strcmp(m, "rpo") == 0) return "RPO";
  if (strcmp(m, "full_capacity") == 0) return "full capacity";
  if (strcmp(m, "availability") == 0) return "availability";
  if (strcmp(m, "downtime") == 0) return "downtime";
  return m;
}

void html_fmt_dur_ci(report_stats_ci c, char *b, size_t n)
{
  report_md_format_duration_ci(c, b, n);
}

/* A table cell; numbers right-aligned by default, text cells get class l. */
void html_td(page *p, const char *text) { report_table_html_cell(p->out, REPORT_CELL_NUMBER, text); }
/* A cell "estimate [lo, hi]": the interval goes on its own smaller line,
** which keeps the wide tables within the page. */
void html_tdci(page *p, const char *text) { report_table_html_cell(p->out, REPORT_CELL_CI, text); }
void html_tdl(page *p, const char *text) { report_table_html_cell(p->out, REPORT_CELL_TEXT, text); }

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
  ".badge.unsure{background:#8a5a00;color:#fff;font-size:12.5px}\n"
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
  html_esc(p, run->scenario_name);
  fprintf(p->out, " (run %lld)</title>\n<style>\n%s</style>\n</head>\n<body>\n", (long long)run->id,
          CSS);
}

static void write_header(page *p)
{
  const report_run *run = p->run;
  fputs("<header>\n<h1>", p->out);
  html_esc(p, run->scenario_name);
  fputs("</h1>\n<p class=\"sub\">drsim failover simulation report — run ", p->out);
  fprintf(p->out, "%lld, scenario hash <code>", (long long)run->id);
  html_esc(p, run->scenario_hash);
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
    html_esc(p, leads[i]);
    fputs("</li>\n", p->out);
  }
  fputs("</ul>\n<p class=\"note\">From <code>drsim explain</code> on this run: its trials "
        "simulated again, the drivers ranked by how much of P(meet) they cost, the "
        "counterfactual re-run on the same trials (docs/explain.md).</p>\n</section>\n", p->out);
}

static void param(page *p, const char *name, const char *value)
{
  fputs("<dt>", p->out);
  html_esc(p, name);
  fputs("</dt><dd>", p->out);
  html_esc(p, value && *value ? value : "-");
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
      html_esc(p, run->overrides[i]);
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
    if (report_diagram_write_inline(p->out, svg, title) != REPORT_OK) rc = html_svg_fail(p);
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
  model_meet_rule rule = report_meet_rule(run);
  char rb[400];
  model_meet_describe(&rule, rb, sizeof rb);
  fprintf(p->out, "<section id=\"verdicts\">\n<h2>Verdict per environment</h2>\n"
                  "<p class=\"note\">Verdicts: %c%s: the trials must <b>show</b> that at least "
                  "%.4g %% of disasters meet it (the one-sided upper bound of its p%.4g is within it), not only estimate so. "
                  "<code>drsim run --fail-on-miss</code>, <code>size</code>, "
                  "<code>sweep</code> and <code>optimize</code> use the same rule; the "
                  "scenario's <code>meet:</code> block sets the share and the confidence. "
                  "Brackets are two-sided 95 %% intervals.</p>\n",
          rb[0] - 'a' + 'A', rb + 1, 100.0 * rule.share, 100.0 * rule.share);
  if (run->notes) {
    fputs("<p class=\"note\"><b>DR capabilities lost.</b> ", p->out);
    html_esc(p, run->notes);
    fputs("</p>\n", p->out);
  }
  fputs("<div class=\"verdicts\">\n", p->out);
  for (size_t e = 0; e < run->n_environments; e++) {
    const char *env = run->environments[e].name;
    size_t n_obj = 0, n_missed = 0, n_unsure = 0, n_rows = 0, n_unaffected = 0;
    uint64_t n_affected = 0;
    for (size_t i = 0; i < n; i++) {
      if (strcmp(rows[i].environment, env) != 0) continue;
      n_rows++;
      n_unaffected += rows[i].n == 0 && rows[i].n_affected == 0;
      if (rows[i].n_affected > n_affected) n_affected = rows[i].n_affected;
      if (isnan(rows[i].objective)) continue;
      n_obj++;
      model_meet_verdict v = report_meet_row(&rule, &rows[i]);
      if (v == MODEL_MEET_INCONCLUSIVE) n_unsure++;
      else if (v != MODEL_MEET_MEETS) n_missed++;
    }
    fputs("<div class=\"card\" data-environment=\"", p->out);
    html_esc(p, env);
    fputs("\"><h3>", p->out);
    html_esc(p, env);
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
    else if (n_missed == 0 && n_unsure == 0)
      fputs(" <span class=\"badge meets\">MEETS ALL</span>", p->out);
    else if (n_missed == 0)
      fprintf(p->out, " <span class=\"badge unsure\">%zu OF %zu INCONCLUSIVE</span>", n_unsure,
              n_obj);
    else
      fprintf(p->out, " <span class=\"badge misses\">MISSES %zu OF %zu</span>%s", n_missed, n_obj,
              n_unsure ? " <span class=\"badge unsure\">INCONCLUSIVE</span>" : "");
    fputs("</h3>\n", p->out);
    for (size_t i = 0; i < n; i++) {
      const report_summary_row *r = &rows[i];
      if (strcmp(r->environment, env) != 0 || isnan(r->objective)) continue;
      model_meet_verdict v = report_meet_row(&rule, r);
      static const char *const badge[] = {"unset", "meets", "unsure", "misses"};
      static const char *const word[] = {"NO DATA", "MEETS", "INCONCLUSIVE", "MISSES"};
      char obj[64], pm[96], q95[128], q99[128];
      report_md_format_row_objective(r, obj, sizeof obj);
      if (r->n == 0) {
        /* Counted as missed, as --fail-on-miss does: nothing shows it is met. */
        fprintf(p->out, "<div class=\"obj\"><span class=\"badge unset\">NO DATA</span><b>%s %s "
                        "%s</b>: no trial to judge it by (counted as missed).</div>\n",
                html_metric_title(r->metric), r->higher_is_better ? "≥" : "≤", obj);
        continue;
      }
      report_md_format_share_ci(r->p_meet, rule.share, pm, sizeof pm);
      fprintf(p->out, "<div class=\"obj\"><span class=\"badge %s\">%s</span><b>%s %s %s</b>: "
                      "met in %s of %llu trials",
              badge[v], word[v], html_metric_title(r->metric),
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
      /* Inconclusive: say how it could be decided, so nobody signs off on noise. */
      if (v == MODEL_MEET_INCONCLUSIVE)
        fprintf(p->out, " <span class=\"unsure\">Inconclusive: the trials neither show %.4g %% "
                        "met nor show it missed (one-sided %.4g %% bounds %.2f %%..%.2f %%); "
                        "run more trials.</span>",
                100.0 * rule.share, 100.0 * rule.confidence,
                100.0 * model_meet_lower(r->n, r->n_meet, rule.confidence),
                100.0 * model_meet_upper(r->n, r->n_meet, rule.confidence));
      fputs("</div>\n", p->out);
    }
    if (n_obj == 0) fputs("<div class=\"obj\">The scenario sets no objective for it.</div>\n", p->out);
    fputs("</div>\n", p->out);
  }
  fputs("</div>\n</section>\n", p->out);
}

/* ------------------------------------------------------------ page */

int report_html_write(FILE *out, report_store *st, const report_summary *s, report_error *err)
{
  page p = {out, st, s, report_summary_run(s), err};
  env_cols *cols = NULL;
  int rc = html_load_env_cols(&p, &cols);
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
    if ((rc = html_write_lifetime(&p, cols)) != REPORT_OK) goto done;
    if ((rc = html_write_causes(&p)) != REPORT_OK) goto done;
    html_write_reliability(&p);
  }
  if ((rc = html_write_cdf(&p, cols, 0)) != REPORT_OK) goto done;
  if ((rc = html_write_gantts(&p, cols)) != REPORT_OK) goto done;
  if ((rc = html_write_criticality(&p, cols)) != REPORT_OK) goto done;
  if ((rc = html_write_cdf(&p, cols, 1)) != REPORT_OK) goto done;
  if ((rc = html_write_histograms(&p, cols)) != REPORT_OK) goto done;
  html_write_objectives_table(&p);
  html_write_accuracy(&p);
  html_write_steps_table(&p);
  html_write_components_table(&p);
  html_write_standby_table(&p);
  if (report_summary_costs(s)) report_costs_print_html(report_summary_costs(s), out);
  fprintf(out, "<footer>Written by drsim " DRSIM_VERSION " from run %lld of <code>",
          (long long)p.run->id);
  html_esc(&p, report_store_path(st));
  fputs("</code>. Self-contained: no scripts, fonts or images are loaded.</footer>\n"
        "</body>\n</html>\n", out);
done:
  html_env_cols_free(cols, p.run->n_environments);
  if (rc == REPORT_OK && (fflush(out) != 0 || ferror(out))) {
    int e = errno;
    if (err)
      snprintf(err->text, sizeof err->text, "writing the HTML report: %s",
               e ? strerror(e) : "write error");
    rc = REPORT_EIO;
  }
  return rc;
}
