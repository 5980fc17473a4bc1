/*
** cli/cmd_sensitivity.c — `drsim sensitivity SCENARIO.yaml --metric
** ENV.METRIC.STAT --factor LO,HI`: one-at-a-time sensitivity (a tornado).
** Every duration parameter of the scenario, found automatically
** (models/params.h), is scaled by LO and by HI while everything else stays
** at its baseline; the parameters are ranked by the swing of the metric
** |value(HI) - value(LO)|, printed as a table or CSV, and drawn as a tornado
** chart with --html.
**
** Each evaluation loads the scenario with the user's --set overrides plus
** the override model_params_override writes for the scaled parameter (so a
** stored evaluation is reproduced by `drsim run --set` with the stored
** overrides), and runs it with the same seed as the baseline. Common random
** numbers make the comparison sharp: a parameter that cannot affect the
** metric (a staging step for production's RTO) changes none of its draws and
** shows a swing of exactly 0, and small effects are not buried in noise.
** Parameters the model ignores in this scenario (used = 0, e.g. a manual
** step's `duration` when the on-call block applies) are skipped.
*/
#include "cli/common.h"
#include "cli/outfile.h"
#include "cli/sweep_values.h"
#include "models/params.h"
#include "models/units.h"
#include "reports/csv.h"
#include "reports/json.h"
#include "reports/html.h"
#include "reports/svg.h"
#include "study/flip.h"

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

typedef struct effect {
  size_t param;                 /* index in the baseline's model_params */
  report_stats_ci low, high;    /* the metric at factor LO and HI */
  double swing;                 /* |high - low|; +inf when exactly one is infinite */
  int64_t run_low, run_high;
} effect;

typedef struct runner {
  int resume;                   /* --resume: evaluations come back from the stored sweep */
  const char *scenario, *text;
  const model_load_opts *load_opts;  /* --allow-path; the base scenario's files pinned */
  const cli_strlist *sets;
  const study_target *target;
  int seed_given, trials_given;
  uint64_t seed, trials;
  unsigned threads;
  report_store *store;
  int64_t sweep_id, point;
  int quiet;
  volatile sig_atomic_t *stop;
  uint64_t trials_used;
} runner;

/* Evaluate the metric with one extra override (NULL: the baseline). */
static int measure(runner *r, const char *extra, report_stats_ci *out, int64_t *run_id) {
  const char **ov = malloc((r->sets->n + 1) * sizeof *ov);
  if (!ov) { cli_error("sensitivity", "out of memory"); return CLI_EXIT_IO; }
  for (size_t i = 0; i < r->sets->n; i++) ov[i] = r->sets->items[i];
  if (extra) ov[r->sets->n] = extra;
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "sensitivity";
  p.scenario_path = r->scenario;
  p.load_opts = r->load_opts;
  p.scenario_text = r->text;
  p.overrides = ov;
  p.n_overrides = r->sets->n + (extra ? 1 : 0);
  p.seed_given = r->seed_given;
  p.seed = r->seed;
  p.trials_given = r->trials_given;
  p.trials = r->trials;
  p.threads = r->threads;
  p.store = r->store;
  p.sweep_id = r->sweep_id;
  p.resume = r->resume;
  p.point = r->point++;
  p.detail = "summary";
  p.collect = r->target;
  p.stop_flag = r->stop;
  int rc = cli_sweep_point_run(&p);
  free(ov);
  if (rc == CLI_EXIT_OK) {
    *out = study_target_value(r->target, p.values, p.n_values);
    *run_id = p.run_id;
    r->trials_used = p.trials_used;
  }
  study_point_clear(&p);
  return rc;
}

/* study_flip's evaluation: P(meet) with one more override. */
typedef struct flip_ctx {
  struct runner *r;
  const study_target *p_meet;   /* the metric's environment and objective, stat p_meet */
} flip_ctx;

static int flip_eval(void *ctx, const char *override, report_stats_ci *p_meet) {
  flip_ctx *fc = ctx;
  const study_target *saved = fc->r->target;
  int64_t run_id;
  fc->r->target = fc->p_meet;
  int rc = measure(fc->r, override, p_meet, &run_id);
  fc->r->target = saved;
  return rc == CLI_EXIT_OK ? STUDY_OK : rc == CLI_EXIT_USAGE ? STUDY_EINPUT
       : rc == CLI_EXIT_INTERRUPTED ? STUDY_INTERRUPTED : STUDY_EIO;
}

/* A value of a --range for people: an integer, a duration, or a number. */
static char *flip_value(const study_flip_range *fr, double v, char *buf, size_t n) {
  if (fr->integer) snprintf(buf, n, "%lld", (long long)llround(v));
  else if (fr->duration) model_units_format_duration(v, buf, n);
  else snprintf(buf, n, "%g", v);
  return buf;
}

static double swing_of(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  if (isinf(a) || isinf(b)) return a == b ? 0 : INFINITY;
  return fabs(b - a);
}

/* Infinite at both ends (e.g. no trial recovers either way): the swing is
** 0 but the parameter may well matter, the metric just cannot show it. */
static int saturated(const effect *e) { return isinf(e->low.est) && isinf(e->high.est); }

/* Largest swing first; NaN last; ties in scenario order. */
static int cmp_effect(const void *a, const void *b) {
  const effect *x = a, *y = b;
  int xn = isnan(x->swing), yn = isnan(y->swing);
  if (xn != yn) return xn - yn;
  if (!xn && x->swing != y->swing) return x->swing > y->swing ? -1 : 1;
  return (x->param > y->param) - (x->param < y->param);
}

static char *fmt_value(const study_target *t, double v, char *buf, size_t n) {
  if (t->stat == STUDY_TARGET_STAT_P_MEET) {
    if (isnan(v)) snprintf(buf, n, "n/a");
    else snprintf(buf, n, "%.2f %%", 100 * v);
    return buf;
  }
  return report_page_duration(v, buf, n);
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

/* ------------------------------------------------------------ tornado SVG */

/* One row per parameter: a bar from the baseline to the value at LO and one
** to the value at HI, on an axis spanning the values shown (not from 0, so
** small swings stay visible), the baseline as a vertical line. */
static void tornado_svg(FILE *f, const study_target *t, const model_params *pp,
                        const effect *e, size_t n, report_stats_ci base, double lo_f,
                        double hi_f) {
  const double W = 960, LBL = 400, R = 30, T = 48, ROW = 24, B = 70;
  double H = T + ROW * (double)(n ? n : 1) + B;
  double vmin = base.est, vmax = base.est;
  for (size_t i = 0; i < n; i++) {
    double v[2] = {e[i].low.est, e[i].high.est};
    for (int k = 0; k < 2; k++)
      if (isfinite(v[k])) {
        if (v[k] < vmin) vmin = v[k];
        if (v[k] > vmax) vmax = v[k];
      }
  }
  int pct = t->stat == STUDY_TARGET_STAT_P_MEET;
  /* the objective: the share to meet for P(meet), else the scenario's
  ** objective for the metric; kept inside the axis so the line shows */
  double obj = pct ? REPORT_HTML_MEET_SHARE : t->objective;
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
  char title[300];
  stat_label(t, title, sizeof title);
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
    const model_param *prm = model_params_get(pp, e[i].param);
    double y = T + ROW * (double)i;
    fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">", LBL - 8,
            y + ROW / 2 + 4);
    report_svg_escape(f, prm->path);
    fputs("</text>\n", f);
    double xb = PX(base.est);
    double v[2] = {e[i].low.est, e[i].high.est};
    const char *col[2] = {col_lo, col_hi};
    double fac[2] = {lo_f, hi_f};
    for (int k = 0; k < 2; k++) {
      if (isnan(v[k])) continue;
      double x = PX(v[k]);
      double x0 = x < xb ? x : xb, w = fabs(x - xb);
      char b[48];
      if (isinf(v[k])) snprintf(b, sizeof b, "unbounded");
      else fmt_value(t, v[k], b, sizeof b);
      /* the two bars of a row share its height, LO above HI */
      fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s>"
              "<title>× %g: %s</title></rect>\n", x0, y + 3 + k * (ROW - 6) / 2, w < 1 ? 1 : w,
              (ROW - 6) / 2, col[k], k ? " fill-opacity=\"0.85\"" : "", fac[k], b);
    }
  }
  fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.1f\" stroke=\"#222\" "
          "stroke-width=\"1.5\"/>\n", PX(base.est), PX(base.est), T - 6, yb);
  {
    char b[48];
    if (isinf(base.est)) snprintf(b, sizeof b, "unbounded");
    else fmt_value(t, base.est, b, sizeof b);
    fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">baseline %s"
            "</text>\n", PX(base.est), T - 10, b);
  }
  if (isfinite(obj)) {
    char b[48];
    fmt_value(t, obj, b, sizeof b);
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

int cli_cmd_sensitivity(int argc, char **argv) {
  uint64_t resume_id = 0;
  int resume_seen = 0;
  cli_strlist sets = {0}, pos = {0}, allow = {0}, only = {0}, ranges = {0};
  study_flip_range *flips = NULL;
  int help = 0, quiet = 0, trials_seen = 0, seed_seen = 0, threads_seen = 0, strict = 0;
  uint64_t trials = 0, seed = 0, threads = 0, top = 15;
  const char *metric = NULL, *factor_s = "0.5,2", *db_path = NULL, *format = "text";
  const char *html = NULL;
  cli_opt opts[] = {
    {"--metric", CLI_OPT_STRING, &metric, 0, 0, NULL},
    {"--factor", CLI_OPT_STRING, &factor_s, 0, 0, NULL},
    {"--only", CLI_OPT_LIST, &only, 0, 0, NULL},
    {"--top", CLI_OPT_U64, &top, 1, 100000, NULL},
    {"--trials", CLI_OPT_U64, &trials, 1, UINT64_C(1000000000), &trials_seen},
    {"--seed", CLI_OPT_U64, &seed, 0, UINT64_MAX, &seed_seen},
    {"--threads", CLI_OPT_U64, &threads, 1, 1024, &threads_seen},
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--db", CLI_OPT_STRING, &db_path, 0, 0, NULL},
    {"--resume", CLI_OPT_U64, &resume_id, 1, INT64_MAX, &resume_seen},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"--html", CLI_OPT_STRING, &html, 0, 0, NULL},
    {"--range", CLI_OPT_LIST, &ranges, 0, 0, NULL},
    {"--quiet", CLI_OPT_FLAG, &quiet, 0, 0, NULL},
    {"--strict", CLI_OPT_FLAG, &strict, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE, catching = 0;
  model_scenario *sc = NULL;
  model_params *pp = NULL;
  effect *eff = NULL;
  size_t n_eff = 0, skipped = 0;
  char *text = NULL;
  study_target target;
  study_grid_axis fac;
  memset(&fac, 0, sizeof fac);
  runner r;
  memset(&r, 0, sizeof r);
  char err[512];
  double lo_f = 0, hi_f = 0;

  if ((status = cli_args_parse("sensitivity", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0)
    goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n != 1) {
    cli_error("sensitivity", "expected exactly one scenario file; usage: drsim sensitivity "
                             "SCENARIO.yaml --metric ENV.METRIC.STAT");
    goto done;
  }
  if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json")) {
    cli_error("sensitivity", "--format '%s' is not valid; use text, csv or json", format);
    goto done;
  }
  if (study_grid_values_parse(factor_s, &fac, err, sizeof err) || fac.n != 2 ||
      !(fac.numbers[0] > 0 && fac.numbers[1] > 0) || fac.numbers[0] == fac.numbers[1] ||
      !isfinite(fac.numbers[0]) || !isfinite(fac.numbers[1])) {
    cli_error("sensitivity", "--factor '%s' is not valid; give two different factors > 0, "
              "e.g. 0.5,2", factor_s);
    goto done;
  }
  if (ranges.n && strcmp(format, "text") != 0) {
    cli_error("sensitivity", "--range goes with --format text");
    goto done;
  }
  flips = calloc(ranges.n + 1, sizeof *flips);
  if (!flips) { cli_error("sensitivity", "out of memory"); status = CLI_EXIT_IO; goto done; }
  for (size_t i = 0; i < ranges.n; i++)
    if (study_flip_range_parse(ranges.items[i], &flips[i], err, sizeof err) != 0) {
      cli_error("sensitivity", "%s", err);
      goto done;
    }
  lo_f = fac.numbers[0] < fac.numbers[1] ? fac.numbers[0] : fac.numbers[1];
  hi_f = fac.numbers[0] < fac.numbers[1] ? fac.numbers[1] : fac.numbers[0];
  {
    const char *inputs[] = {pos.items[0], db_path};
    if (html && cli_outfile_check("sensitivity", html, inputs, 2) != CLI_EXIT_OK) goto done;
  }
  model_load_opts lo = cli_load_opts(&allow);
  if ((status = cli_load_scenario_text_flags(pos.items[0], &sets, &lo, strict ? CLI_LOAD_STRICT : 0, &sc, &text)) != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;
  if (sc->mode != MODEL_MODE_DISASTER) {
    cli_error("sensitivity", "%s is a lifetime-mode scenario; sensitivity runs disaster mode "
              "only", pos.items[0]);
    goto done;
  }
  if (!metric) {
    cli_error("sensitivity", "what to measure? add --metric ENV.METRIC.STAT, e.g. "
              "--metric %s.rto.p95", sc->n_environments ? sc->environments[0].name : "production");
    goto done;
  }
  if (study_target_parse(sc, metric, 1, &target, err, sizeof err)) {
    cli_error("sensitivity", "--metric %s", err);
    goto done;
  }
  pp = model_params_new(sc);
  if (!pp) { cli_error("sensitivity", "out of memory"); status = CLI_EXIT_IO; goto done; }
  eff = calloc(model_params_count(pp) + 1, sizeof *eff);
  if (!eff) { cli_error("sensitivity", "out of memory"); status = CLI_EXIT_IO; goto done; }
  for (size_t i = 0; i < model_params_count(pp); i++) {
    const model_param *p = model_params_get(pp, i);
    int match = only.n == 0;
    for (size_t k = 0; k < only.n && !match; k++) match = strstr(p->path, only.items[k]) != NULL;
    if (!match) continue;
    if (!p->used) { skipped++; continue; }
    eff[n_eff++].param = i;
  }
  if (n_eff == 0) {
    cli_error("sensitivity", "no duration parameter to vary%s", only.n ? " matches --only" : "");
    goto done;
  }

  r.scenario = pos.items[0];
  lo.pinned = sc->inputs;   /* every evaluation uses the files as first read */
  lo.n_pinned = sc->n_inputs;
  r.load_opts = &lo;
  r.sets = &sets;
  r.target = &target;
  r.seed_given = seed_seen;
  r.seed = seed;
  r.trials_given = trials_seen;
  r.trials = trials;
  r.threads = threads_seen ? (unsigned)threads : 0;
  r.quiet = quiet;
  if (resume_seen && !db_path) {
    cli_error("sensitivity", "--resume needs the --db the evaluations were stored in");
    status = CLI_EXIT_USAGE;
    goto done;
  }
  if (resume_seen) {
    r.sweep_id = (int64_t)resume_id;
    r.resume = 1;
    if ((status = cli_sweep_open_existing("sensitivity", db_path, r.sweep_id, &r.store)) !=
        CLI_EXIT_OK)
      goto done;
  } else if (db_path) {
    if ((status = cli_sweep_open_store("sensitivity", db_path, &r.store, &r.sweep_id)) !=
        CLI_EXIT_OK)
      goto done;
  }
  r.text = text;
  r.stop = cli_signals_catch();
  catching = 1;

  report_stats_ci base;
  int64_t base_run = 0;
  if ((status = measure(&r, NULL, &base, &base_run)) != CLI_EXIT_OK) goto done;
  for (size_t i = 0; i < n_eff; i++) {
    effect *e = &eff[i];
    const model_param *p = model_params_get(pp, e->param);
    if (!quiet && isatty(STDERR_FILENO))
      fprintf(stderr, "\r[%zu/%zu] %-70.70s", i + 1, n_eff, p->path);
    for (int k = 0; k < 2; k++) {
      char *o = model_params_override(pp, e->param, k ? hi_f : lo_f);
      if (!o) { cli_error("sensitivity", "out of memory"); status = CLI_EXIT_IO; goto done; }
      status = measure(&r, o, k ? &e->high : &e->low, k ? &e->run_high : &e->run_low);
      free(o);
      if (status != CLI_EXIT_OK) {
        if (status == CLI_EXIT_USAGE)
          cli_error("sensitivity", "scaling %s by %g gives a scenario that does not load (above)",
                    p->path, k ? hi_f : lo_f);
        goto done;
      }
    }
    e->swing = swing_of(e->low.est, e->high.est);
  }
  if (!quiet && isatty(STDERR_FILENO)) fputc('\n', stderr);
  qsort(eff, n_eff, sizeof *eff, cmp_effect);

  char label[300], b[6][64];
  stat_label(&target, label, sizeof label);
  if (strcmp(format, "json") == 0) {
    json_t *rows = json_array();
    int ok = rows != NULL;
    for (size_t i = 0; ok && i < n_eff; i++) {
      const effect *e = &eff[i];
      const model_param *p = model_params_get(pp, e->param);
      json_t *o = json_object();
      if (!o) { ok = 0; break; }
      static const char *const keys[] = {"value_base", "value_low", "value_high", "delta_low",
                                         "delta_high", "swing", "value_base_lo", "value_base_hi",
                                         "value_low_lo", "value_low_hi", "value_high_lo",
                                         "value_high_hi"};
      double v[] = {base.est, e->low.est, e->high.est, e->low.est - base.est,
                    e->high.est - base.est, e->swing, base.lo, base.hi, e->low.lo, e->low.hi,
                    e->high.lo, e->high.hi};
      ok = !json_object_set_new(o, "rank", json_integer((json_int_t)(i + 1))) &&
           !json_object_set_new(o, "parameter", json_string(p->path)) &&
           !json_object_set_new(o, "kind", json_string(p->kind == MODEL_PARAM_DIST ? "distribution"
                                                                                  : "duration")) &&
           !json_object_set_new(o, "baseline",
                                json_string(model_params_describe(pp, e->param, b[0], sizeof b[0]))) &&
           !json_object_set_new(o, "factor_low", report_json_number(lo_f)) &&
           !json_object_set_new(o, "factor_high", report_json_number(hi_f)) &&
           !json_object_set_new(o, "metric", json_string(target.spec));
      for (size_t k = 0; ok && k < sizeof v / sizeof *v; k++)
        ok = !json_object_set_new(o, keys[k], report_json_number(v[k]));
      ok = ok && !json_object_set_new(o, "trials", report_json_count(r.trials_used)) &&
           !json_object_set_new(o, "run_low", e->run_low ? json_integer(e->run_low) : json_null()) &&
           !json_object_set_new(o, "run_high", e->run_high ? json_integer(e->run_high) : json_null());
      if (json_array_append_new(rows, o)) ok = 0;
    }
    json_t *doc = ok ? json_pack("{s:s, s:o, s:I, s:O}", "metric", target.spec, "value_base",
                                 report_json_number(base.est), "trials",
                                 (json_int_t)r.trials_used, "parameters", rows)
                     : NULL;
    json_decref(rows);
    report_error jerr;
    if (!doc) {
      cli_error("sensitivity", "out of memory");
      status = CLI_EXIT_IO;
      goto done;
    }
    report_json_write(stdout, doc, &jerr);   /* a write error: the stdout check below */
    json_decref(doc);
  } else if (strcmp(format, "csv") == 0) {
    puts("rank,parameter,kind,baseline,factor_low,factor_high,metric,value_base,value_low,"
         "value_high,delta_low,delta_high,swing,value_base_lo,value_base_hi,value_low_lo,"
         "value_low_hi,value_high_lo,value_high_hi,trials,run_low,run_high");
    for (size_t i = 0; i < n_eff; i++) {
      const effect *e = &eff[i];
      const model_param *p = model_params_get(pp, e->param);
      printf("%zu,", i + 1);
      report_csv_field(stdout, p->path);
      printf(",%s,", p->kind == MODEL_PARAM_DIST ? "distribution" : "duration");
      report_csv_field(stdout, model_params_describe(pp, e->param, b[0], sizeof b[0]));
      putchar(',');
      report_csv_number(stdout, lo_f);
      putchar(',');
      report_csv_number(stdout, hi_f);
      putchar(',');
      report_csv_field(stdout, target.spec);
      double v[] = {base.est, e->low.est, e->high.est, e->low.est - base.est,
                    e->high.est - base.est, e->swing, base.lo, base.hi, e->low.lo, e->low.hi,
                    e->high.lo, e->high.hi};
      for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
        putchar(',');
        report_csv_number(stdout, v[k]);
      }
      printf(",%llu,", (unsigned long long)r.trials_used);
      if (e->run_low) printf("%lld", (long long)e->run_low);
      putchar(',');
      if (e->run_high) printf("%lld", (long long)e->run_high);
      putchar('\n');
    }
  } else {
    printf("sensitivity of %s: baseline %s; %zu parameters x %g and x %g, %llu trials each, "
           "same random numbers\n\n", label, fmt_value(&target, base.est, b[0], sizeof b[0]),
           n_eff, lo_f, hi_f, (unsigned long long)r.trials_used);
    printf("| rank | parameter | baseline | x %g | x %g | swing |\n|--:|:--|:--|--:|--:|--:|\n",
           lo_f, hi_f);
    size_t shown = 0, zero = 0, sat = 0;
    for (size_t i = 0; i < n_eff; i++) {
      const effect *e = &eff[i];
      if (saturated(e)) sat++;
      else if (e->swing == 0) zero++;
      if (shown >= top) continue;
      shown++;
      printf("| %zu | %s | %s | %s (%s) | %s (%s) | %s |\n", i + 1,
             model_params_get(pp, e->param)->path, model_params_describe(pp, e->param, b[0], sizeof b[0]),
             fmt_value(&target, e->low.est, b[1], sizeof b[1]),
             fmt_delta(&target, e->low.est - base.est, b[2], sizeof b[2]),
             fmt_value(&target, e->high.est, b[3], sizeof b[3]),
             fmt_delta(&target, e->high.est - base.est, b[4], sizeof b[4]),
             saturated(e) ? "saturated" : fmt_swing(&target, e->swing, b[5], sizeof b[5]));
    }
    if (shown < n_eff) printf("\n%zu more parameters with smaller swings (--top, or --format csv "
                              "for all).", n_eff - shown);
    if (zero) printf("%s%zu of the %zu parameters do not move the metric at all (swing exactly 0).",
                     shown < n_eff ? " " : "\n", zero, n_eff);
    if (sat) printf("%s%zu of the %zu parameters are saturated (metric infinite at both ends): "
                    "their effect cannot be seen here.", shown < n_eff || zero ? " " : "\n",
                    sat, n_eff);
    if (shown < n_eff || zero || sat) putchar('\n');
    if (skipped) printf("%zu parameters the model ignores in this scenario were skipped.\n", skipped);
    const model_param *first = model_params_get(pp, eff[0].param);
    if (eff[0].swing > 0)
      printf("\nThe largest lever is %s: x %g gives %s, x %g gives %s.\n", first->path, lo_f,
             fmt_value(&target, eff[0].low.est, b[1], sizeof b[1]), hi_f,
             fmt_value(&target, eff[0].high.est, b[2], sizeof b[2]));
  }
  if (ranges.n) {
    /* Where the objective flips: P(meet) of the metric's environment and
    ** objective, whatever the statistic ranked above. */
    study_target pm = target;
    pm.stat = STUDY_TARGET_STAT_P_MEET;
    flip_ctx fc = {&r, &pm};
    char d0[48], d1[48], ob[48];
    printf("\nWhere the objective flips (meets: P(meet) of %s %s <= %s is at least %g %%; "
           "bisection on the same random numbers):\n\n", pm.env, study_target_metric_name(pm.metric),
           model_units_format_duration(pm.objective, ob, sizeof ob), 100.0 * REPORT_HTML_MEET_SHARE);
    for (size_t i = 0; i < ranges.n; i++) {
      const study_flip_range *fr = &flips[i];
      study_flip_result res;
      int fs = study_flip_find(fr, REPORT_HTML_MEET_SHARE, 24, flip_eval, &fc, &res);
      if (fs != STUDY_OK) {
        status = cli_exit_from_study(fs);
        cli_error("sensitivity", "--range %s: an evaluation failed (above)", ranges.items[i]);
        goto done;
      }
      if (!res.flips) {
        printf("  %s: %s everywhere in [%s, %s] (P(meet) %.1f %% at %s, %.1f %% at %s)\n", fr->path,
               res.meets_at_lo ? "meets" : "misses", flip_value(fr, fr->lo, d0, sizeof d0), flip_value(fr, fr->hi, d1, sizeof d1),
               100 * res.p_below.est, d0, 100 * res.p_above.est, d1);
      } else {
        printf("  %s: %s up to %s (P(meet) %.1f %%), %s from %s (%.1f %%); %zu evaluations\n",
               fr->path, res.meets_at_lo ? "meets" : "misses", flip_value(fr, res.below, d0, sizeof d0),
               100 * res.p_below.est, res.meets_at_lo ? "misses" : "meets", flip_value(fr, res.above, d1, sizeof d1),
               100 * res.p_above.est, res.evaluations);
        char o[700];
        printf("    check: --set '%s'\n", study_flip_override(fr, res.above, o, sizeof o));
      }
    }
  }
  if (!quiet && r.store)
    fprintf(stderr, "%zu evaluations stored as sweep %lld in %s\n", 1 + 2 * n_eff,
            (long long)r.sweep_id, db_path);
  status = CLI_EXIT_OK;
  if (html) {
    cli_outfile *o;
    if ((status = cli_outfile_open("sensitivity", html, &o)) != CLI_EXIT_OK) goto done;
    FILE *f = cli_outfile_stream(o);
    char title[400];
    snprintf(title, sizeof title, "Sensitivity: %s", label);
    report_page_begin(f, title);
    fprintf(f, "<p>Scenario ");
    report_svg_escape(f, sc->name);
    fprintf(f, ". Baseline %s. Each of the %zu duration parameters scaled by %g and by %g, one "
            "at a time, %llu trials each with the same random numbers; ranked by swing.</p>\n",
            fmt_value(&target, base.est, b[0], sizeof b[0]), n_eff, lo_f, hi_f,
            (unsigned long long)r.trials_used);
    tornado_svg(f, &target, pp, eff, n_eff < top ? n_eff : (size_t)top, base, lo_f, hi_f);
    fprintf(f, "<table>\n<tr><th>parameter</th><th>baseline</th><th>× %g</th><th>× %g</th>"
            "<th>swing</th></tr>\n", lo_f, hi_f);
    size_t zero = 0, sat = 0, listed = 0, more = 0;
    for (size_t i = 0; i < n_eff; i++) {
      const effect *e = &eff[i];
      if (saturated(e)) { sat++; continue; }
      if (e->swing == 0) { zero++; continue; }
      if (listed >= top) { more++; continue; }   /* --top, as the chart */
      listed++;
      fputs("<tr><td>", f);
      report_svg_escape(f, model_params_get(pp, e->param)->path);
      fputs("</td><td>", f);
      report_svg_escape(f, model_params_describe(pp, e->param, b[0], sizeof b[0]));
      fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
              fmt_value(&target, e->low.est, b[1], sizeof b[1]),
              fmt_value(&target, e->high.est, b[2], sizeof b[2]),
              fmt_swing(&target, e->swing, b[3], sizeof b[3]));
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
    report_page_end(f);
    status = cli_outfile_close(o, 1);
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("sensitivity", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
done:
  if (catching) cli_signals_restore();
  report_store_close(r.store);
  free(text);
  free(eff);
  model_params_free(pp);
  model_scenario_free(sc);
  study_grid_axis_free(&fac);
  cli_strlist_free(&sets);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  cli_strlist_free(&only);
  cli_strlist_free(&ranges);
  free(flips);
  return status;
}
