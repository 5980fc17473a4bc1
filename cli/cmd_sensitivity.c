/*
** cli/cmd_sensitivity.c — `drsim sensitivity SCENARIO.yaml --metric
** ENV.METRIC.STAT --factor LO,HI`: one-at-a-time sensitivity (a tornado),
** printed as a table, CSV or JSON, and drawn as a tornado chart
** (reports/tornado.h) with --html.
**
** The face of study/sensitivity.h (which parameters, the evaluations with
** common random numbers, the ranking): this file parses the options and
** prints.
*/
#include "cli/common.h"
#include "cli/outfile.h"
#include "cli/sweep_values.h"
#include "models/params.h"
#include "models/units.h"
#include "reports/csv.h"
#include "reports/html.h"
#include "reports/json.h"
#include "reports/svg.h"
#include "reports/tornado.h"
#include "study/flip.h"
#include "study/grid.h"
#include "study/run.h"
#include "study/sensitivity.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void) {
  puts("usage: drsim sensitivity SCENARIO.yaml --metric ENV.METRIC.STAT [options]\n"
       "\n"
       "Scales every duration parameter of the scenario (step durations, detection,\n"
       "replication lags, backup intervals, provisioning times, grace periods, retry\n"
       "delays, ... found automatically) one at a time by each --factor, with the same\n"
       "random numbers as the baseline, and ranks the parameters by the swing of the\n"
       "metric: which lever matters.\n"
       "\n"
       "METRIC: rto | rpo | full_capacity; STAT: mean | pNN (p50, p95, p99.9) | p_meet\n"
       "\n"
       "options:\n"
       "  --metric E.M.S    what to measure, e.g. production.rto.p95 (required)\n"
       "  --factor LO,HI    scale factors (default 0.5,2)\n"
       "  --only TEXT       only parameters whose path contains TEXT (repeatable)\n"
       "  --top K           rows in the table and chart (default 15; CSV has all)\n"
       "  --trials N        trials per evaluation (default: the scenario's)\n"
       "  --seed S          seed of every evaluation (default: the scenario's)\n"
       "  --threads T       worker threads (default: all cores)\n"
       "  --set PATH=VALUE  override a scenario value (repeatable)\n"
       CLI_ALLOW_PATH_HELP
       "  --db FILE         also store every evaluation as a run (tagged as a sweep)\n"
       "  --resume SWEEP_ID continue interrupted evaluations stored with --db: give the\n"
       "                    command that started them plus --resume\n"
       "  --shard K/N       with --db: evaluate only the K-th of N slices of the points\n"
       "                    (baseline, then each parameter low and high); drsim merge\n"
       "                    joins the shards, and the same command without --shard plus\n"
       "                    --resume 1 --db MERGED.db prints the ranking\n"
       "  --format F        text (default), csv (every parameter, one row each) or json\n"
       "                    (the same rows as objects)\n"
       "  --html FILE       write a page with the tornado chart and the table\n"
       "  --range PATH=LO..HI  also find where the objective flips along PATH inside\n"
       "                    [LO, HI] (numbers or durations; repeatable): meets = P(meet) of\n"
       "                    the metric's environment and objective >= 95 %, by bisection\n"
       "                    on the same random numbers (text format only)\n"
       "  --strict          a warning (an override the model does not use) is an error\n"
       "  --quiet           no progress\n"
       "\n"
       "exit status: 0 ok, 2 bad input, 3 I/O or database error, 130 interrupted.");
}

static char *fmt_value(const study_target *t, double v, char *buf, size_t n) {
  return report_page_value(v, t->stat == STUDY_TARGET_STAT_P_MEET, buf, n);
}

static char *fmt_delta(const study_target *t, double d, char *buf, size_t n) {
  if (isnan(d)) {
    snprintf(buf, n, "n/a");
    return buf;
  }
  if (t->stat == STUDY_TARGET_STAT_P_MEET) {
    snprintf(buf, n, "%+.2f pt", 100 * d);
    return buf;
  }
  if (d == 0) {
    snprintf(buf, n, "0");
    return buf;
  }
  char tmp[48];
  snprintf(buf, n, "%s%s", d < 0 ? "-" : "+", report_page_duration(fabs(d), tmp, sizeof tmp));
  return buf;
}

/* A swing is a size, not a direction: "1h 16m", "2.50 pt". */
static char *fmt_swing(const study_target *t, double d, char *buf, size_t n) {
  if (t->stat == STUDY_TARGET_STAT_P_MEET && !isnan(d)) {
    snprintf(buf, n, "%.2f pt", 100 * d);
    return buf;
  }
  if (d == 0) {
    snprintf(buf, n, "0");
    return buf;
  }
  return report_page_duration(d, buf, n);
}

static const char *stat_label(const study_target *t, char *buf, size_t n) {
  const char *m = t->metric == STUDY_TARGET_RTO ? "RTO" : t->metric == STUDY_TARGET_RPO ? "RPO"
                                                                                  : "full capacity";
  if (t->stat == STUDY_TARGET_STAT_MEAN) snprintf(buf, n, "%s %s mean", t->env, m);
  else if (t->stat == STUDY_TARGET_STAT_P_MEET) snprintf(buf, n, "%s P(%s <= objective)", t->env, m);
  else snprintf(buf, n, "%s %s p%.*g", t->env, m, REPORT_PAGE_PCT(t->q));
  return buf;
}

/* ------------------------------------------------------------ output */

/* The command line of `drsim sensitivity`, parsed. */
typedef struct sens_args {
  CLI_STUDY_ARGS;               /* --trials, --seed, --set, --db, --format ... */
  uint64_t top;
  cli_strlist pos, only, ranges;
  study_flip_range *flips;      /* --range, parsed */
  const char *metric, *factor_s;
  double lo_f, hi_f;
  double share;                 /* the scenario's meet.share (models/meet.h) */
} sens_args;

/* The twelve figures of a row, in the CSV/JSON column order. */
static void row_values(const study_sensitivity *s, const study_sensitivity_effect *e,
                       double v[12]) {
  report_stats_ci base = study_sensitivity_baseline(s);
  double x[12] = {base.est, e->low.est, e->high.est, e->low.est - base.est,
                  e->high.est - base.est, e->swing, base.lo, base.hi, e->low.lo, e->low.hi,
                  e->high.lo, e->high.hi};
  memcpy(v, x, sizeof x);
}

/* One --format json row object, or NULL when out of memory. */
static json_t *json_row(const sens_args *a, const study_sensitivity_spec *sp,
                        const study_sensitivity *s, size_t i) {
  static const char *const keys[] = {"value_base", "value_low", "value_high", "delta_low",
                                     "delta_high", "swing", "value_base_lo", "value_base_hi",
                                     "value_low_lo", "value_low_hi", "value_high_lo",
                                     "value_high_hi"};
  const study_sensitivity_effect *e = study_sensitivity_at(s, i);
  const model_param *p = model_params_get(sp->params, e->param);
  char b[64];
  double v[12];
  row_values(s, e, v);
  json_t *o = json_object();
  int ok = o &&
       !json_object_set_new(o, "rank", json_integer((json_int_t)(i + 1))) &&
       !json_object_set_new(o, "parameter", json_string(p->path)) &&
       !json_object_set_new(o, "kind", json_string(p->kind == MODEL_PARAM_DIST ? "distribution"
                                                                              : "duration")) &&
       !json_object_set_new(o, "baseline",
                            json_string(model_params_describe(sp->params, e->param, b, sizeof b))) &&
       !json_object_set_new(o, "factor_low", report_json_number(a->lo_f)) &&
       !json_object_set_new(o, "factor_high", report_json_number(a->hi_f)) &&
       !json_object_set_new(o, "metric", json_string(sp->target->spec));
  for (size_t k = 0; ok && k < 12; k++)
    ok = !json_object_set_new(o, keys[k], report_json_number(v[k]));
  ok = ok && !json_object_set_new(o, "trials", report_json_count(study_sensitivity_trials(s))) &&
       !json_object_set_new(o, "run_low", e->run_low ? json_integer(e->run_low) : json_null()) &&
       !json_object_set_new(o, "run_high", e->run_high ? json_integer(e->run_high) : json_null());
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static int print_json(const sens_args *a, const study_sensitivity_spec *sp,
                      const study_sensitivity *s) {
  json_t *rows = json_array();
  int ok = rows != NULL;
  for (size_t i = 0; ok && i < study_sensitivity_count(s); i++) {
    json_t *o = json_row(a, sp, s, i);
    if (!o || json_array_append_new(rows, o)) ok = 0;
  }
  json_t *doc = ok ? json_pack("{s:s, s:o, s:I, s:O}", "metric", sp->target->spec, "value_base",
                               report_json_number(study_sensitivity_baseline(s).est), "trials",
                               (json_int_t)study_sensitivity_trials(s), "parameters", rows)
                   : NULL;
  json_decref(rows);
  report_error jerr;
  if (!doc) {
    cli_error("sensitivity", "out of memory");
    return CLI_EXIT_IO;
  }
  report_json_write(stdout, doc, &jerr);   /* a write error: the stdout check of the caller */
  json_decref(doc);
  return CLI_EXIT_OK;
}

static void print_csv(const sens_args *a, const study_sensitivity_spec *sp,
                      const study_sensitivity *s) {
  char b[64];
  puts("rank,parameter,kind,baseline,factor_low,factor_high,metric,value_base,value_low,"
       "value_high,delta_low,delta_high,swing,value_base_lo,value_base_hi,value_low_lo,"
       "value_low_hi,value_high_lo,value_high_hi,trials,run_low,run_high");
  for (size_t i = 0; i < study_sensitivity_count(s); i++) {
    const study_sensitivity_effect *e = study_sensitivity_at(s, i);
    const model_param *p = model_params_get(sp->params, e->param);
    printf("%zu,", i + 1);
    report_csv_field(stdout, p->path);
    printf(",%s,", p->kind == MODEL_PARAM_DIST ? "distribution" : "duration");
    report_csv_field(stdout, model_params_describe(sp->params, e->param, b, sizeof b));
    putchar(',');
    report_csv_number(stdout, a->lo_f);
    putchar(',');
    report_csv_number(stdout, a->hi_f);
    putchar(',');
    report_csv_field(stdout, sp->target->spec);
    double v[12];
    row_values(s, e, v);
    for (size_t k = 0; k < 12; k++) {
      putchar(',');
      report_csv_number(stdout, v[k]);
    }
    printf(",%llu,", (unsigned long long)study_sensitivity_trials(s));
    if (e->run_low) printf("%lld", (long long)e->run_low);
    putchar(',');
    if (e->run_high) printf("%lld", (long long)e->run_high);
    putchar('\n');
  }
}

/* The notes under the text table: hidden, unmoved, saturated, skipped. */
static void print_notes(const study_sensitivity *s, size_t shown) {
  size_t n = study_sensitivity_count(s), zero = 0, sat = 0;
  for (size_t i = 0; i < n; i++) {
    const study_sensitivity_effect *e = study_sensitivity_at(s, i);
    if (study_sensitivity_saturated(e)) sat++;
    else if (e->swing == 0) zero++;
  }
  if (shown < n) printf("\n%zu more parameters with smaller swings (--top, or --format csv "
                        "for all).", n - shown);
  if (zero) printf("%s%zu of the %zu parameters do not move the metric at all (swing exactly 0).",
                   shown < n ? " " : "\n", zero, n);
  if (sat) printf("%s%zu of the %zu parameters are saturated (metric infinite at both ends): "
                  "their effect cannot be seen here.", shown < n || zero ? " " : "\n", sat, n);
  if (shown < n || zero || sat) putchar('\n');
  if (study_sensitivity_skipped(s))
    printf("%zu parameters the model ignores in this scenario were skipped.\n",
           study_sensitivity_skipped(s));
}

static void print_text(const sens_args *a, const study_sensitivity_spec *sp,
                       const study_sensitivity *s) {
  const study_target *t = sp->target;
  char label[300], b[6][64];
  stat_label(t, label, sizeof label);
  size_t n = study_sensitivity_count(s), shown = 0;
  report_stats_ci base = study_sensitivity_baseline(s);
  printf("sensitivity of %s: baseline %s; %zu parameters x %g and x %g, %llu trials each, "
         "same random numbers\n\n", label, fmt_value(t, base.est, b[0], sizeof b[0]), n, a->lo_f,
         a->hi_f, (unsigned long long)study_sensitivity_trials(s));
  printf("| rank | parameter | baseline | x %g | x %g | swing |\n|--:|:--|:--|--:|--:|--:|\n",
         a->lo_f, a->hi_f);
  for (size_t i = 0; i < n && shown < a->top; i++, shown++) {
    const study_sensitivity_effect *e = study_sensitivity_at(s, i);
    printf("| %zu | %s | %s | %s (%s) | %s (%s) | %s |\n", i + 1,
           model_params_get(sp->params, e->param)->path,
           model_params_describe(sp->params, e->param, b[0], sizeof b[0]),
           fmt_value(t, e->low.est, b[1], sizeof b[1]),
           fmt_delta(t, e->low.est - base.est, b[2], sizeof b[2]),
           fmt_value(t, e->high.est, b[3], sizeof b[3]),
           fmt_delta(t, e->high.est - base.est, b[4], sizeof b[4]),
           study_sensitivity_saturated(e) ? "saturated" : fmt_swing(t, e->swing, b[5], sizeof b[5]));
  }
  print_notes(s, shown);
  const study_sensitivity_effect *top = study_sensitivity_at(s, 0);
  if (top->swing > 0)
    printf("\nThe largest lever is %s: x %g gives %s, x %g gives %s.\n",
           model_params_get(sp->params, top->param)->path, a->lo_f,
           fmt_value(t, top->low.est, b[1], sizeof b[1]), a->hi_f,
           fmt_value(t, top->high.est, b[2], sizeof b[2]));
}

/* The tornado of the first `n` parameters (reports/tornado.h). */
static void tornado(FILE *f, const sens_args *a, const study_sensitivity_spec *sp,
                    const study_sensitivity *s, size_t n) {
  report_tornado_row *rows = calloc(n ? n : 1, sizeof *rows);
  if (!rows) return;
  char title[300];
  stat_label(sp->target, title, sizeof title);
  for (size_t i = 0; i < n; i++) {
    const study_sensitivity_effect *e = study_sensitivity_at(s, i);
    report_tornado_row r = {model_params_get(sp->params, e->param)->path, e->low.est, e->high.est};
    rows[i] = r;
  }
  /* the objective: the share to meet for P(meet), else the scenario's
  ** objective for the metric */
  int pct = sp->target->stat == STUDY_TARGET_STAT_P_MEET;
  report_tornado_chart ch = {title, pct, study_sensitivity_baseline(s).est,
                             pct ? a->share : sp->target->objective, a->lo_f,
                             a->hi_f, rows, n};
  report_tornado_svg(f, &ch);
  free(rows);
}

/* The --html table and its notes. */
static void html_table(FILE *f, const sens_args *a, const study_sensitivity_spec *sp,
                       const study_sensitivity *s) {
  char b[4][64];
  size_t zero = 0, sat = 0, listed = 0, more = 0;
  fprintf(f, "<table>\n<tr><th>parameter</th><th>baseline</th><th>× %g</th><th>× %g</th>"
          "<th>swing</th></tr>\n", a->lo_f, a->hi_f);
  for (size_t i = 0; i < study_sensitivity_count(s); i++) {
    const study_sensitivity_effect *e = study_sensitivity_at(s, i);
    if (study_sensitivity_saturated(e)) { sat++; continue; }
    if (e->swing == 0) { zero++; continue; }
    if (listed >= a->top) { more++; continue; }   /* --top, as the chart */
    listed++;
    fputs("<tr><td>", f);
    report_svg_escape(f, model_params_get(sp->params, e->param)->path);
    fputs("</td><td>", f);
    report_svg_escape(f, model_params_describe(sp->params, e->param, b[0], sizeof b[0]));
    fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
            fmt_value(sp->target, e->low.est, b[1], sizeof b[1]),
            fmt_value(sp->target, e->high.est, b[2], sizeof b[2]),
            fmt_swing(sp->target, e->swing, b[3], sizeof b[3]));
  }
  fputs("</table>\n", f);
  if (more)
    fprintf(f, "<p class=\"note\">%zu more parameters with smaller swings (--top, or "
            "--format csv for all).</p>\n", more);
  if (zero)
    fprintf(f, "<p class=\"note\">%zu more parameters do not move the metric at all (swing "
            "exactly 0: with common random numbers a parameter that cannot reach the metric "
            "changes none of its draws).</p>\n", zero);
  if (sat)
    fprintf(f, "<p class=\"note\">%zu more parameters are saturated (metric infinite at both "
            "ends): their effect cannot be seen at these factors.</p>\n", sat);
}

static int write_html(const sens_args *a, const study_sensitivity_spec *sp,
                      const study_sensitivity *s, const char *scenario_name) {
  cli_outfile *o;
  if (cli_outfile_open("sensitivity", a->html, &o) != CLI_EXIT_OK) return CLI_EXIT_IO;
  FILE *f = cli_outfile_stream(o);
  char label[300], title[400], b[64];
  size_t n = study_sensitivity_count(s);
  stat_label(sp->target, label, sizeof label);
  snprintf(title, sizeof title, "Sensitivity: %s", label);
  report_page_begin(f, title);
  fprintf(f, "<p>Scenario ");
  report_svg_escape(f, scenario_name);
  fprintf(f, ". Baseline %s. Each of the %zu duration parameters scaled by %g and by %g, one "
          "at a time, %llu trials each with the same random numbers; ranked by swing.</p>\n",
          fmt_value(sp->target, study_sensitivity_baseline(s).est, b, sizeof b), n, a->lo_f,
          a->hi_f, (unsigned long long)study_sensitivity_trials(s));
  tornado(f, a, sp, s, n < a->top ? n : (size_t)a->top);
  html_table(f, a, sp, s);
  report_page_end(f);
  return cli_outfile_close(o, 1);
}

/* ------------------------------------------------------------ command */

/* Parse and check the options that need no scenario. */
static int parse_args(int argc, char **argv, sens_args *a) {
  a->top = 15;
  a->factor_s = "0.5,2";
  a->format = "text";
  cli_opt opts[] = {
    {"--metric", CLI_OPT_STRING, &a->metric, 0, 0, NULL},
    {"--factor", CLI_OPT_STRING, &a->factor_s, 0, 0, NULL},
    {"--only", CLI_OPT_LIST, &a->only, 0, 0, NULL},
    {"--top", CLI_OPT_U64, &a->top, 1, 100000, NULL},
    CLI_STUDY_OPTS(a),
    {"--range", CLI_OPT_LIST, &a->ranges, 0, 0, NULL},
  };
  int status = cli_args_parse("sensitivity", argc, argv, 2, opts, sizeof opts / sizeof *opts,
                              &a->pos);
  if (status != 0 || a->help) return status;
  if (a->pos.n != 1) {
    cli_error("sensitivity", "expected exactly one scenario file; usage: drsim sensitivity "
                             "SCENARIO.yaml --metric ENV.METRIC.STAT");
    return CLI_EXIT_USAGE;
  }
  if (strcmp(a->format, "text") && strcmp(a->format, "csv") && strcmp(a->format, "json")) {
    cli_error("sensitivity", "--format '%s' is not valid; use text, csv or json", a->format);
    return CLI_EXIT_USAGE;
  }
  study_grid_axis fac;
  memset(&fac, 0, sizeof fac);
  char err[512];
  int bad = study_grid_values_parse(a->factor_s, &fac, err, sizeof err) || fac.n != 2 ||
            !(fac.numbers[0] > 0 && fac.numbers[1] > 0) || fac.numbers[0] == fac.numbers[1] ||
            !isfinite(fac.numbers[0]) || !isfinite(fac.numbers[1]);
  if (!bad) {
    a->lo_f = fmin(fac.numbers[0], fac.numbers[1]);
    a->hi_f = fmax(fac.numbers[0], fac.numbers[1]);
  }
  study_grid_axis_free(&fac);
  if (bad) {
    cli_error("sensitivity", "--factor '%s' is not valid; give two different factors > 0, "
              "e.g. 0.5,2", a->factor_s);
    return CLI_EXIT_USAGE;
  }
  if (a->shard && (study_run_parse_shard(a->shard, &a->shard_k, &a->shard_n) != 0 ||
                   !a->db_path || a->ranges.n || a->html)) {
    cli_error("sensitivity", "--shard '%s': give K/N with 1 <= K <= N, with --db (the shards' "
              "databases are merged), without --range and --html (they need every point: "
              "use them after the merge)", a->shard);
    return CLI_EXIT_USAGE;
  }
  if (a->ranges.n && strcmp(a->format, "text") != 0) {
    cli_error("sensitivity", "--range goes with --format text");
    return CLI_EXIT_USAGE;
  }
  if (!(a->flips = calloc(a->ranges.n + 1, sizeof *a->flips))) {
    cli_error("sensitivity", "out of memory");
    return CLI_EXIT_IO;
  }
  for (size_t i = 0; i < a->ranges.n; i++)
    if (study_flip_range_parse(a->ranges.items[i], &a->flips[i], err, sizeof err) != 0) {
      cli_error("sensitivity", "%s", err);
      return CLI_EXIT_USAGE;
    }
  const char *inputs[] = {a->pos.items[0], a->db_path};
  if (a->html && cli_outfile_check("sensitivity", a->html, inputs, 2) != CLI_EXIT_OK)
    return CLI_EXIT_USAGE;
  return CLI_EXIT_OK;
}

/* The metric to measure, checked against the scenario. */
static int parse_metric(const sens_args *a, const model_scenario *sc, study_target *t) {
  char err[512];
  if (sc->mode != MODEL_MODE_DISASTER) {
    cli_error("sensitivity", "%s is a lifetime-mode scenario; sensitivity runs disaster mode "
              "only", a->pos.items[0]);
    return CLI_EXIT_USAGE;
  }
  if (!a->metric) {
    cli_error("sensitivity", "what to measure? add --metric ENV.METRIC.STAT, e.g. "
              "--metric %s.rto.p95", sc->n_environments ? sc->environments[0].name : "production");
    return CLI_EXIT_USAGE;
  }
  if (study_target_parse(sc, a->metric, 1, t, err, sizeof err)) {
    cli_error("sensitivity", "--metric %s", err);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

/* Open the --db store: a new sweep, or the stored one to resume. */
static int open_store(const sens_args *a, study_sensitivity_spec *sp) {
  if (a->resume_seen && !a->db_path) {
    cli_error("sensitivity", "--resume needs the --db the evaluations were stored in");
    return CLI_EXIT_USAGE;
  }
  if (a->resume_seen) {
    sp->sweep_id = (int64_t)a->resume_id;
    sp->resume = 1;
    return cli_sweep_open_existing("sensitivity", a->db_path, sp->sweep_id, &sp->store);
  }
  if (a->db_path) return cli_sweep_open_store("sensitivity", a->db_path, &sp->store, &sp->sweep_id);
  return CLI_EXIT_OK;
}

/* The "[i/n] parameter" progress line. */
static void on_param(void *ctx, size_t i, size_t n, const char *path) {
  (void)ctx;
  fprintf(stderr, "\r[%zu/%zu] %-70.70s", i + 1, n, path);
}

/* study_flip's evaluation: P(meet) with one more override. */
typedef struct flip_ctx {
  study_sensitivity *s;
  const study_target *p_meet;   /* the metric's environment and objective, stat p_meet */
} flip_ctx;

static int flip_eval(void *ctx, const char *override, report_stats_ci *p_meet) {
  flip_ctx *fc = ctx;
  study_error err;
  int rs = study_sensitivity_measure(fc->s, override, fc->p_meet, p_meet, &err);
  if (rs != STUDY_OK) {
    if (study_sensitivity_failed_diag(fc->s))
      model_diag_print(study_sensitivity_failed_diag(fc->s), stderr);
    if (err.text[0]) cli_error("sensitivity", "%s", err.text);
  }
  return rs;
}

/* A value of a --range for people: an integer, a duration, or a number. */
static char *flip_value(const study_flip_range *fr, double v, char *buf, size_t n) {
  if (fr->integer) snprintf(buf, n, "%lld", (long long)llround(v));
  else if (fr->duration) model_units_format_duration(v, buf, n);
  else snprintf(buf, n, "%g", v);
  return buf;
}

/* --range: where the objective flips, P(meet) of the metric's environment
** and objective whatever the statistic ranked above. */
static int print_flips(const sens_args *a, const study_sensitivity_spec *sp,
                       study_sensitivity *s) {
  study_target pm = *sp->target;
  pm.stat = STUDY_TARGET_STAT_P_MEET;
  flip_ctx fc = {s, &pm};
  char d0[48], d1[48], ob[48];
  printf("\nWhere the objective flips (where P(meet) of %s %s <= %s crosses the scenario's "
         "meet.share, %g %%; bisection on the same random numbers):\n\n", pm.env,
         study_target_metric_name(pm.metric),
         model_units_format_duration(pm.objective, ob, sizeof ob), 100.0 * a->share);
  for (size_t i = 0; i < a->ranges.n; i++) {
    const study_flip_range *fr = &a->flips[i];
    study_flip_result res;
    int fs = study_flip_find(fr, a->share, 24, flip_eval, &fc, &res);
    if (fs != STUDY_OK) {
      cli_error("sensitivity", "--range %s: an evaluation failed (above)", a->ranges.items[i]);
      return cli_exit_from_study(fs);
    }
    if (!res.flips) {
      printf("  %s: %s everywhere in [%s, %s] (P(meet) %.1f %% at %s, %.1f %% at %s)\n",
             fr->path, res.meets_at_lo ? "meets" : "misses",
             flip_value(fr, fr->lo, d0, sizeof d0), flip_value(fr, fr->hi, d1, sizeof d1),
             100 * res.p_below.est, d0, 100 * res.p_above.est, d1);
    } else {
      printf("  %s: %s up to %s (P(meet) %.1f %%), %s from %s (%.1f %%); %zu evaluations\n",
             fr->path, res.meets_at_lo ? "meets" : "misses",
             flip_value(fr, res.below, d0, sizeof d0), 100 * res.p_below.est,
             res.meets_at_lo ? "misses" : "meets", flip_value(fr, res.above, d1, sizeof d1),
             100 * res.p_above.est, res.evaluations);
      char o[700];
      printf("    check: --set '%s'\n", study_flip_override(fr, res.above, o, sizeof o));
    }
  }
  return CLI_EXIT_OK;
}

/* Evaluate, then print in the asked format (and the --html page). */
static int run_and_print(const sens_args *a, const study_sensitivity_spec *sp,
                         study_sensitivity *s, const model_scenario *sc) {
  study_error err;
  int rs = study_sensitivity_run(s, &err);
  if (rs != STUDY_OK) {
    if (study_sensitivity_failed_diag(s))
      model_diag_print(study_sensitivity_failed_diag(s), stderr);
    if (err.text[0]) cli_error("sensitivity", "%s", err.text);
    return cli_exit_from_study(rs);
  }
  if (sp->on_param) fputc('\n', stderr);
  int status = CLI_EXIT_OK;
  if (study_sensitivity_partial(s)) {
    size_t first, end;
    study_grid_shard(study_sensitivity_points(s), a->shard_k, a->shard_n, &first, &end);
    fprintf(stderr, "sensitivity shard %s: points %zu..%zu of %zu stored as sweep %lld in %s; "
            "merge the shards' databases (drsim merge PART.db... -o ALL.db), then run this "
            "command without --shard, with --resume 1 --db ALL.db, for the ranking\n", a->shard,
            first, end - 1, study_sensitivity_points(s), (long long)sp->sweep_id, a->db_path);
    return CLI_EXIT_OK;
  }
  if (strcmp(a->format, "json") == 0) status = print_json(a, sp, s);
  else if (strcmp(a->format, "csv") == 0) print_csv(a, sp, s);
  else print_text(a, sp, s);
  if (status == CLI_EXIT_OK && a->ranges.n) status = print_flips(a, sp, s);
  if (status == CLI_EXIT_OK && !a->quiet && sp->store)
    fprintf(stderr, "%zu evaluations stored as sweep %lld in %s\n",
            1 + 2 * study_sensitivity_count(s), (long long)sp->sweep_id, a->db_path);
  if (status == CLI_EXIT_OK && a->html) status = write_html(a, sp, s, sc->name);
  if (status == CLI_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
    cli_error("sensitivity", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
  return status;
}

int cli_cmd_sensitivity(int argc, char **argv) {
  sens_args a;
  memset(&a, 0, sizeof a);
  study_sensitivity_spec sp;
  memset(&sp, 0, sizeof sp);
  model_scenario *sc = NULL;
  model_params *pp = NULL;
  study_sensitivity *s = NULL;
  study_error err;
  char *text = NULL;
  study_target target;
  model_load_opts lo = cli_load_opts(NULL);
  int status = parse_args(argc, argv, &a);
  if (status != CLI_EXIT_OK || a.help) {
    if (a.help) usage();
    goto done;
  }
  lo = cli_load_opts(&a.allow);
  if ((status = cli_load_scenario_text_flags(a.pos.items[0], &a.sets, &lo,
                                             a.strict ? CLI_LOAD_STRICT : 0, &sc, &text)) != CLI_EXIT_OK ||
      (status = parse_metric(&a, sc, &target)) != CLI_EXIT_OK)
    goto done;
  a.share = sc->meet.share;
  if (!(pp = model_params_new(sc))) {
    cli_error("sensitivity", "out of memory");
    status = CLI_EXIT_IO;
    goto done;
  }
  lo.pinned = sc->inputs;   /* every evaluation uses the files as first read */
  lo.n_pinned = sc->n_inputs;
  sp.scenario_path = a.pos.items[0];
  sp.scenario_text = text;
  sp.load_opts = &lo;
  sp.overrides = a.sets.items;
  sp.n_overrides = a.sets.n;
  sp.params = pp;
  sp.target = &target;
  sp.lo_f = a.lo_f;
  sp.hi_f = a.hi_f;
  sp.only = a.only.items;
  sp.n_only = a.only.n;
  sp.seed_given = a.seed_seen;
  sp.seed = a.seed;
  sp.trials_given = a.trials_seen;
  sp.trials = a.trials;
  sp.threads = a.threads_seen ? (unsigned)a.threads : 0;
  sp.shard_k = a.shard_k;
  sp.shard_n = a.shard_n;
  if (!a.quiet && isatty(STDERR_FILENO)) sp.on_param = on_param;
  int rs = study_sensitivity_new(&sp, &s, &err);   /* before the store: no file for bad input */
  if (rs != STUDY_OK) {
    cli_error("sensitivity", "%s", err.text);
    status = cli_exit_from_study(rs);
    goto done;
  }
  if ((status = open_store(&a, &sp)) != CLI_EXIT_OK) goto done;
  sp.stop = cli_signals_catch();
  status = run_and_print(&a, &sp, s, sc);
  cli_signals_restore();
done:
  study_sensitivity_free(s);
  report_store_close(sp.store);
  free(text);
  model_params_free(pp);
  model_scenario_free(sc);
  cli_strlist_free(&a.sets);
  cli_strlist_free(&a.allow);
  cli_strlist_free(&a.pos);
  cli_strlist_free(&a.only);
  cli_strlist_free(&a.ranges);
  free(a.flips);
  return status;
}
