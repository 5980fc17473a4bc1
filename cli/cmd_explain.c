/*
** cli/cmd_explain.c — `drsim explain --db FILE [--run ID] --objective
** ENV.rto|ENV.rpo|ENV.availability [--what-if] [--try PATH=VALUE ...]`:
** which conditions drive a stored run's misses, and what removing them
** would give. study/explain_run.h simulates the run's trials again (they
** must reproduce the stored RTO and RPO bit for bit) and the
** counterfactuals, study/explain.h computes the figures; this file parses
** the options and prints Markdown, CSV or JSON.
*/
#include "cli/common.h"
#include "cli/outfile.h"
#include "models/outcome.h"
#include "models/units.h"
#include "reports/json.h"
#include "reports/store.h"
#include "models/diag.h"
#include "study/explain.h"
#include "study/explain_run.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void) {
  puts("usage: drsim explain [--db FILE] [--run ID] --objective ENV.rto|ENV.rpo|ENV.availability\n"
       "                     [--format md|csv|json] [-o FILE] [--top N] [--what-if]\n"
       "                     [--try PATH=VALUE ...] [--per-trial FILE] [--threads T]\n"
       "                     [--allow-path DIR]\n"
       "Why a stored run misses an objective: for each condition its trials record\n"
       "(a manual step started off hours, a step retried, a capacity shortage, a\n"
       "periodic backup not usable, detection above its median, a step longer than\n"
       "its p90), the share of missed and of met trials with it, the lift\n"
       "P(miss | it) / P(miss), P(meet) among the trials without it (95 % Wilson\n"
       "interval), ranked by contribution: P(it) x (P(meet | not it) - P(meet | it)).\n"
       "The run's trials are simulated again (scenario, overrides, seed and trial\n"
       "numbers as stored) and must reproduce the stored RTO and RPO exactly.\n"
       "  --db FILE         results database (default drsim-results.db)\n"
       "  --run ID          the run (default: the newest)\n"
       "  --objective E.M   environment and objective: rto, rpo or availability\n"
       "  --format F        md (default), csv or json\n"
       "  -o FILE           write there instead of standard output\n"
       "  --top N           conditions listed (default 10; 0: all)\n"
       "  --what-if         re-run the same trials with each of the top removable\n"
       "                    conditions removed (at most 5, and all of them together),\n"
       "                    each as the --set overrides printed: P(meet) and the paired\n"
       "                    change with its 95 % interval (common random numbers)\n"
       "  --try PATH=VALUE  a counterfactual of your own (repeatable; implies the\n"
       "                    counterfactual table; each --try is run on its own)\n"
       "  --per-trial FILE  CSV: trial, then met/missed/- (not counted) for the run\n"
       "                    and each counterfactual\n"
       "  --threads T       simulation threads (default: all cores)\n"
       CLI_ALLOW_PATH_HELP
       "Definitions and examples: docs/explain.md.\n"
       "exit status: 0 ok, 2 bad input (no such objective, the run does not reproduce),\n"
       "3 I/O or database error, 130 interrupted.");
}

/* ------------------------------------------------------------ output */

typedef struct out_ctx {
  const report_run *run;
  const char *env;
  study_explain_metric metric;
  const study_explain *x;
  size_t top;
  double share;   /* the meet rule's: a P(meet) is never rounded across it */
} out_ctx;

#define pct_num study_explain_format_share

static char *pct(double v, char *buf, size_t n) {
  char a[32];
  if (isnan(v)) snprintf(buf, n, "-");
  else snprintf(buf, n, "%s %%", pct_num(v, a, sizeof a));
  return buf;
}

/* A P(meet) with its interval; the estimate never rounded across the
** meet rule's share. */
static char *ci_pct(report_stats_ci c, double share, char *buf, size_t n) {
  char a[32], b[32], d[32];
  if (isnan(c.est)) snprintf(buf, n, "-");
  else
    snprintf(buf, n, "%s %% [%s, %s]", study_explain_format_p_meet(c.est, share, a, sizeof a), pct_num(c.lo, b, sizeof b),
             pct_num(c.hi, d, sizeof d));
  return buf;
}

static char *objective_text(const out_ctx *c, char *buf, size_t n) {
  double o = study_explain_objective(c->x);
  char d[48];
  if (c->metric == STUDY_EXPLAIN_AVAILABILITY)
    snprintf(buf, n, "availability >= %.10g %%", 100 * o);
  else
    snprintf(buf, n, "%s <= %s", c->metric == STUDY_EXPLAIN_RTO ? "RTO" : "RPO",
             model_units_format_duration(o, d, sizeof d));
  return buf;
}

static size_t n_listed(const out_ctx *c) {
  size_t n = study_explain_count(c->x);
  return c->top && c->top < n ? c->top : n;
}

/* The one-sentence answer (the report's lead uses the same). */
static void write_sentence(FILE *f, const out_ctx *c) {
  char buf[4096];
  study_explain_sentence(c->x, buf, sizeof buf);
  fprintf(f, "%s\n", buf);
}

static void md_cell(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '|') fputs("\\|", f);
    else fputc(*s, f);
  }
}

static void write_md(FILE *f, const out_ctx *c) {
  char obj[96], b1[64], b2[64], b3[64], b4[64];
  const report_run *run = c->run;
  fprintf(f, "## Why %s misses %s (run %lld: %s)\n\n", c->env, objective_text(c, obj, sizeof obj),
          (long long)run->id, run->scenario_name);
  write_sentence(f, c);
  fprintf(f, "\nThe run's %llu trials (seed %llu, trials %llu..%llu) were simulated again and "
          "reproduce the stored results exactly; %llu count (the disaster affected %s), %llu "
          "missed.\n\n",
          (unsigned long long)run->trials_done, (unsigned long long)run->seed,
          (unsigned long long)run->first_trial,
          (unsigned long long)(run->first_trial + run->trials_done - (run->trials_done > 0)),
          (unsigned long long)study_explain_trials(c->x), c->env,
          (unsigned long long)study_explain_missed(c->x));
  size_t n = n_listed(c);
  if (n == 0) {
    fputs("No condition occurred in these trials.\n", f);
  } else {
    fputs("| rank | condition | in missed | in met | lift | P(meet) without it [95 % CI] | "
          "contribution (points) |\n|--:|---|--:|--:|--:|--:|--:|\n", f);
    for (size_t i = 0; i < n; i++) {
      const study_explain_condition *k = study_explain_get(c->x, i);
      fprintf(f, "| %zu | ", i + 1);
      md_cell(f, k->name);
      if (!isnan(k->threshold)) {
        char d[48];
        fprintf(f, " (%s)", model_units_format_duration(k->threshold, d, sizeof d));
      }
      if (isnan(k->lift)) snprintf(b3, sizeof b3, "-");
      else snprintf(b3, sizeof b3, "%.2f", k->lift);
      if (isnan(k->contribution)) snprintf(b4, sizeof b4, "-");
      else snprintf(b4, sizeof b4, "%+.2f", 100 * k->contribution);
      char w[96];
      fprintf(f, " | %s | %s | %s | %s | %s |\n", pct(k->share_missed, b1, sizeof b1),
              pct(k->share_met, b2, sizeof b2), b3, ci_pct(k->p_meet_without, c->share, w, sizeof w), b4);
    }
    if (n < study_explain_count(c->x))
      fprintf(f, "\n%zu more conditions occurred (--top 0 lists all).\n",
              study_explain_count(c->x) - n);
  }
  size_t nw = study_explain_whatif_count(c->x);
  if (nw == 0) return;
  fputs("\n### Counterfactuals (the same trials again: common random numbers)\n\n"
        "| counterfactual | P(meet) [95 % CI] | change [95 % CI] | trials now met / now missed |\n"
        "|---|--:|--:|--:|\n", f);
  for (size_t i = 0; i < nw; i++) {
    const study_explain_whatif *w = study_explain_whatif_get(c->x, i);
    char p[96], d[96];
    if (isnan(w->change.est)) snprintf(d, sizeof d, "-");
    else
      snprintf(d, sizeof d, "%+.1f points [%+.1f, %+.1f]", 100 * w->change.est,
               100 * w->change.lo, 100 * w->change.hi);
    fputs("| ", f);
    md_cell(f, w->label);
    fprintf(f, " | %s | %s | %llu / %llu |\n", ci_pct(w->p_meet, c->share, p, sizeof p), d,
            (unsigned long long)w->gained, (unsigned long long)w->lost);
  }
  fputs("\nEach counterfactual as a run of its own (SCENARIO.yaml: the run's scenario file):\n\n"
        "```\n", f);
  for (size_t i = 0; i < nw; i++) {
    const study_explain_whatif *w = study_explain_whatif_get(c->x, i);
    fprintf(f, "# %s\ndrsim run SCENARIO.yaml --seed %llu --trials %llu", w->label,
            (unsigned long long)run->seed, (unsigned long long)run->trials_done);
    for (size_t k = 0; k < run->n_overrides; k++) fprintf(f, " \\\n  --set '%s'", run->overrides[k]);
    for (size_t k = 0; k < w->n_overrides; k++) fprintf(f, " \\\n  --set '%s'", w->overrides[k]);
    fputc('\n', f);
  }
  fputs("```\n", f);
  if (run->first_trial != 0)
    fprintf(f, "\n(The run starts at trial %llu: compare with the same trials of those runs.)\n",
            (unsigned long long)run->first_trial);
}

static void csv_text(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static void csv_num(FILE *f, double v) {
  if (isnan(v)) fputs(",", f);
  else if (isinf(v)) fputs(v > 0 ? ",inf" : ",-inf", f);
  else fprintf(f, ",%.17g", v);
}

static void csv_overrides(FILE *f, const char *const *o, size_t n) {
  size_t len = 1;
  for (size_t i = 0; i < n; i++) len += strlen(o[i]) + 1;
  char *s = malloc(len);
  if (!s) return;
  s[0] = 0;
  for (size_t i = 0; i < n; i++) {
    if (i) strcat(s, ";");
    strcat(s, o[i]);
  }
  fputc(',', f);
  csv_text(f, s);
  free(s);
}

static void write_csv(FILE *f, const out_ctx *c) {
  fputs("row,rank,name,kind,subject,threshold_s,trials,missed_with,met_with,share_of_missed,"
        "share_of_met,lift,p_meet_without,p_meet_without_lo,p_meet_without_hi,contribution,"
        "p_meet,p_meet_lo,p_meet_hi,change,change_lo,change_hi,gained,lost,overrides\n", f);
  report_stats_ci pm = study_explain_p_meet(c->x);
  fprintf(f, "run,0,");
  csv_text(f, c->env);
  fprintf(f, ",%s,,,%llu,%llu,%llu,,,,,,,", study_explain_metric_name(c->metric),
          (unsigned long long)study_explain_trials(c->x),
          (unsigned long long)study_explain_missed(c->x),
          (unsigned long long)(study_explain_trials(c->x) - study_explain_missed(c->x)));
  csv_num(f, pm.est), csv_num(f, pm.lo), csv_num(f, pm.hi);
  fputs(",,,,,,,\n", f);
  for (size_t i = 0; i < n_listed(c); i++) {
    const study_explain_condition *k = study_explain_get(c->x, i);
    fprintf(f, "condition,%zu,", i + 1);
    csv_text(f, k->name);
    fprintf(f, ",%s,", k->kind);
    csv_text(f, k->subject);
    csv_num(f, k->threshold);
    fprintf(f, ",%llu,%llu,%llu", (unsigned long long)k->n_with,
            (unsigned long long)k->missed_with, (unsigned long long)k->met_with);
    csv_num(f, k->share_missed), csv_num(f, k->share_met), csv_num(f, k->lift);
    csv_num(f, k->p_meet_without.est), csv_num(f, k->p_meet_without.lo);
    csv_num(f, k->p_meet_without.hi), csv_num(f, k->contribution);
    fputs(",,,,,,,,", f);
    csv_overrides(f, k->overrides, k->n_overrides);
    fputc('\n', f);
  }
  for (size_t i = 0; i < study_explain_whatif_count(c->x); i++) {
    const study_explain_whatif *w = study_explain_whatif_get(c->x, i);
    fprintf(f, "what_if,%zu,", i + 1);
    csv_text(f, w->label);
    fprintf(f, ",,,,%llu,,%llu,,,,,,,", (unsigned long long)w->n, (unsigned long long)w->met);
    csv_num(f, w->p_meet.est), csv_num(f, w->p_meet.lo), csv_num(f, w->p_meet.hi);
    csv_num(f, w->change.est), csv_num(f, w->change.lo), csv_num(f, w->change.hi);
    fprintf(f, ",%llu,%llu", (unsigned long long)w->gained, (unsigned long long)w->lost);
    csv_overrides(f, w->overrides, w->n_overrides);
    fputc('\n', f);
  }
}

static json_t *ci_json(report_stats_ci c) {
  json_t *o = json_object();
  if (!o) return NULL;
  json_object_set_new(o, "est", report_json_number(c.est));
  json_object_set_new(o, "lo", report_json_number(c.lo));
  json_object_set_new(o, "hi", report_json_number(c.hi));
  return o;
}

static json_t *strs_json(const char *const *s, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_string(s[i]));
  return a;
}

static int write_json(FILE *f, const out_ctx *c) {
  json_t *root = json_object(), *conds = json_array(), *whatifs = json_array();
  if (!root || !conds || !whatifs) {
    json_decref(root), json_decref(conds), json_decref(whatifs);
    return -1;
  }
  json_object_set_new(root, "run", json_integer((json_int_t)c->run->id));
  json_object_set_new(root, "scenario", json_string(c->run->scenario_name));
  json_object_set_new(root, "environment", json_string(c->env));
  json_object_set_new(root, "objective", json_string(study_explain_metric_name(c->metric)));
  json_object_set_new(root, "objective_value", report_json_number(study_explain_objective(c->x)));
  json_object_set_new(root, "trials", report_json_count(study_explain_trials(c->x)));
  json_object_set_new(root, "missed", report_json_count(study_explain_missed(c->x)));
  json_object_set_new(root, "p_meet", ci_json(study_explain_p_meet(c->x)));
  for (size_t i = 0; i < n_listed(c); i++) {
    const study_explain_condition *k = study_explain_get(c->x, i);
    json_t *o = json_object();
    if (!o) continue;
    json_object_set_new(o, "rank", json_integer((json_int_t)(i + 1)));
    json_object_set_new(o, "name", json_string(k->name));
    json_object_set_new(o, "kind", json_string(k->kind));
    json_object_set_new(o, "subject", json_string(k->subject));
    json_object_set_new(o, "threshold_s", report_json_number(k->threshold));
    json_object_set_new(o, "trials", report_json_count(k->n_with));
    json_object_set_new(o, "missed_with", report_json_count(k->missed_with));
    json_object_set_new(o, "met_with", report_json_count(k->met_with));
    json_object_set_new(o, "share_of_missed", report_json_number(k->share_missed));
    json_object_set_new(o, "share_of_met", report_json_number(k->share_met));
    json_object_set_new(o, "lift", report_json_number(k->lift));
    json_object_set_new(o, "p_meet_without", ci_json(k->p_meet_without));
    json_object_set_new(o, "contribution", report_json_number(k->contribution));
    json_object_set_new(o, "overrides", strs_json(k->overrides, k->n_overrides));
    json_array_append_new(conds, o);
  }
  for (size_t i = 0; i < study_explain_whatif_count(c->x); i++) {
    const study_explain_whatif *w = study_explain_whatif_get(c->x, i);
    json_t *o = json_object();
    if (!o) continue;
    json_object_set_new(o, "label", json_string(w->label));
    json_object_set_new(o, "overrides", strs_json(w->overrides, w->n_overrides));
    json_object_set_new(o, "trials", report_json_count(w->n));
    json_object_set_new(o, "met", report_json_count(w->met));
    json_object_set_new(o, "p_meet", ci_json(w->p_meet));
    json_object_set_new(o, "paired_trials", report_json_count(w->n_paired));
    json_object_set_new(o, "change", ci_json(w->change));
    json_object_set_new(o, "gained", report_json_count(w->gained));
    json_object_set_new(o, "lost", report_json_count(w->lost));
    json_array_append_new(whatifs, o);
  }
  json_object_set_new(root, "conditions", conds);
  json_object_set_new(root, "what_if", whatifs);
  int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  fputc('\n', f);
  json_decref(root);
  return rc;
}

/* --per-trial: trial, then met / missed / - for the run and each counterfactual. */
static void write_per_trial(FILE *f, const study_explain *x, const report_run *run) {
  static const char *const word[] = {"-", "missed", "met"};
  size_t nw = study_explain_whatif_count(x);
  fputs("trial,run", f);
  for (size_t i = 0; i < nw; i++) {
    fputc(',', f);
    csv_text(f, study_explain_whatif_get(x, i)->label);
  }
  fputc('\n', f);
  for (uint64_t t = 0; t < run->trials_done; t++) {
    fprintf(f, "%llu,%s", (unsigned long long)(run->first_trial + t),
            word[study_explain_trial_state(x, -1, t)]);
    for (size_t i = 0; i < nw; i++) fprintf(f, ",%s", word[study_explain_trial_state(x, (long)i, t)]);
    fputc('\n', f);
  }
}

/* ------------------------------------------------------------ command */

/* Split "ENV.METRIC" at its last dot. */
static int parse_objective(const char *spec, char *env, size_t n, study_explain_metric *m) {
  const char *dot = strrchr(spec, '.');
  if (!dot || dot == spec || (size_t)(dot - spec) >= n) return -1;
  int k = study_explain_metric_parse(dot + 1);
  if (k < 0) return -1;
  memcpy(env, spec, (size_t)(dot - spec));
  env[dot - spec] = 0;
  *m = (study_explain_metric)k;
  return 0;
}

static void print_diag(void *ctx, const model_diag *d) {
  (void)ctx;
  model_diag_print(d, stderr);
}

/* The report in the chosen format to out (or standard output), then the
** per-trial CSV. Returns a CLI_EXIT_* status. */
static int write_outputs(const out_ctx *oc, const char *format, const char *out,
                         const char *per_trial) {
  cli_outfile *o = NULL;
  int status = cli_outfile_open("explain", out, &o);
  if (status != CLI_EXIT_OK) return status;
  FILE *f = cli_outfile_stream(o);
  int ok = 1;
  if (!strcmp(format, "md")) write_md(f, oc);
  else if (!strcmp(format, "csv")) write_csv(f, oc);
  else ok = write_json(f, oc) == 0;
  status = cli_outfile_close(o, ok && !ferror(f));
  if (status != CLI_EXIT_OK || !per_trial) return status;
  if ((status = cli_outfile_open("explain", per_trial, &o)) != CLI_EXIT_OK) return status;
  f = cli_outfile_stream(o);
  write_per_trial(f, oc->x, oc->run);
  return cli_outfile_close(o, !ferror(f));
}

int cli_cmd_explain(int argc, char **argv) {
  const char *db = "drsim-results.db", *objective = NULL, *format = "md", *out = NULL;
  const char *per_trial = NULL;
  uint64_t run_id = 0, top = 10, threads = 0;
  int run_seen = 0, help = 0, what_if = 0;
  cli_strlist tries = {0}, allow = {0}, pos = {0};
  cli_opt opts[] = {
    {"--db", CLI_OPT_STRING, &db, 0, 0, NULL},
    {"--run", CLI_OPT_U64, &run_id, 1, INT64_MAX, &run_seen},
    {"--objective", CLI_OPT_STRING, &objective, 0, 0, NULL},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"-o", CLI_OPT_STRING, &out, 0, 0, NULL},
    {"--top", CLI_OPT_U64, &top, 0, 100000, NULL},
    {"--what-if", CLI_OPT_FLAG, &what_if, 0, 0, NULL},
    {"--try", CLI_OPT_LIST, &tries, 0, 0, NULL},
    {"--per-trial", CLI_OPT_STRING, &per_trial, 0, 0, NULL},
    {"--threads", CLI_OPT_U64, &threads, 0, 4096, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status;
  study_explain_run *xr = NULL;
  if ((status = cli_args_parse("explain", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0)
    goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  char env[256];
  study_explain_metric metric = STUDY_EXPLAIN_RTO;
  if (pos.n) {
    cli_error("explain", "unexpected argument '%s'; usage: drsim explain --db FILE --objective ENV.rto",
              pos.items[0]);
    goto done;
  }
  if (!objective || parse_objective(objective, env, sizeof env, &metric) != 0) {
    cli_error("explain", objective ? "--objective '%s' is not ENV.rto, ENV.rpo or ENV.availability"
                                   : "missing --objective ENV.rto|ENV.rpo|ENV.availability%s",
              objective ? objective : "");
    goto done;
  }
  if (strcmp(format, "md") && strcmp(format, "csv") && strcmp(format, "json")) {
    cli_error("explain", "--format '%s' is not valid; use md, csv or json", format);
    goto done;
  }
  const char *inputs[] = {db};
  if (out && (status = cli_outfile_check("explain", out, inputs, 1)) != CLI_EXIT_OK) goto done;
  if (per_trial && (status = cli_outfile_check("explain", per_trial, inputs, 1)) != CLI_EXIT_OK) goto done;
  model_load_opts lo = cli_load_opts(&allow);
  study_explain_spec spec = {.db_path = db, .run_given = run_seen, .run_id = (int64_t)run_id,
                             .env = env, .metric = metric, .top = (size_t)top,
                             .what_if = what_if, .tries = (const char *const *)tries.items,
                             .n_tries = tries.n, .load_opts = &lo, .threads = (unsigned)threads,
                             .stop_flag = cli_signals_catch(), .on_diag = print_diag};
  study_error err;
  int rc = study_explain_run_go(&spec, &xr, &err);
  cli_signals_restore();
  if (rc != STUDY_OK) {
    if (err.text[0]) cli_error("explain", "%s", err.text);
    status = cli_exit_from_study(rc);
    goto done;
  }
  out_ctx oc = {.run = study_explain_run_stored(xr), .env = env, .metric = metric,
                .x = study_explain_run_analysis(xr), .top = (size_t)top,
                .share = study_explain_meet_share(study_explain_run_analysis(xr))};
  status = write_outputs(&oc, format, out, per_trial);
done:
  study_explain_run_free(xr);
  cli_strlist_free(&tries);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  return status;
}
