/*
** cli/cmd_sweep.c — `drsim sweep SCENARIO.yaml --vary PATH=VALUES ...`:
** run the scenario at every point of a grid of parameter values, each point
** a full run stored in the results database (tagged with the sweep's id and
** the point's index), and print one summary row per point, environment and
** metric.
**
** A point is exactly `drsim run SCENARIO --set <the user's --set> --set
** PATH=VALUE ...` with the same seed: the same overrides (so the same stored
** overrides and scenario hash) and the same trials. Every point uses the
** same seed, so the points share their random numbers (common random
** numbers, sim/rng.h): the difference between two points is the effect of
** the varied values, not sampling noise.
**
** Output (--format csv): the summary CSV of `drsim report` (header
** REPORT_CSV_SUMMARY_HEADER, a contract) with one column per varied path in
** front, named by the path; durations as seconds. It is produced by the
** summary writer itself, so it follows that contract as it evolves.
** --format json: the same rows as objects (reports/json.h), printed when
** the sweep ends.
*/
#include "cli/common.h"
#include "cli/outfile.h"
#include "cli/sweep_values.h"
#include "reports/csv.h"
#include "reports/html.h"
#include "reports/json.h"
#include "reports/md.h"
#include "reports/meet.h"
#include "reports/sweep_chart.h"
#include "reports/summary.h"
#include "study/grid.h"
#include "study/run.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void) {
  puts("usage: drsim sweep SCENARIO.yaml --vary PATH=VALUES [--vary PATH=VALUES ...] [options]\n"
       "\n"
       "Runs the scenario at every point of the grid of the --vary values; each point\n"
       "is a full run stored in the database, tagged with the sweep id and its point\n"
       "index, and equal to `drsim run --set PATH=VALUE ...` with the same seed. All\n"
       "points use the same random numbers, so differences between points come from\n"
       "the varied values, not from noise.\n"
       "\n"
       "VALUES: a list 1,2,4 (YAML values too: {dist: exponential, mean: 5m}) or a\n"
       "range 1..8, 0.1..0.5/0.1, 10m..60m/10m (durations need a step). Several\n"
       "--vary make a grid; the first varies slowest.\n"
       "\n"
       "options:\n"
       "  --vary PATH=VALUES  a varied scenario path (--set syntax; repeatable)\n"
       "  --set PATH=VALUE    a fixed override applied to every point (repeatable)\n"
       CLI_ALLOW_PATH_HELP
       "  --trials N          trials per point (default: the scenario's)\n"
       "  --seed S            seed of every point (default: the scenario's)\n"
       "  --threads T         worker threads (default: all cores)\n"
       "  --db FILE           results database (default drsim-results.db)\n"
       "  --shard K/N         run only the K-th of N contiguous slices of the points (a job\n"
       "                      array's task); drsim merge joins the shards' databases into\n"
       "                      one sweep, and the same command with --resume SWEEP --db\n"
       "                      MERGED.db (no --shard) prints the whole study\n"
       "  --resume SWEEP_ID   continue an interrupted sweep: give the command that started\n"
       "                      it plus --resume; complete points are read back, the\n"
       "                      interrupted one is resumed, the rest are run\n"
       "  --detail D          auto | summary | steps, as for drsim run (default auto)\n"
       "  --format F          md (default), csv (one row per point, environment and\n"
       "                      metric: the varied paths, then the summary CSV columns),\n"
       "                      json (the same rows as objects, with point and run_id), none\n"
       "  --html FILE         a page charting, per environment, P(meet) of its RTO\n"
       "                      objective and its RTO p95 against the varied value with\n"
       "                      95 % bands (one numeric --vary)\n"
       "  --strict            a warning (an override the model does not use) is an error\n"
       "  --quiet             no progress\n"
       "\n"
       "exit status: 0 ok, 2 bad input, 3 I/O or database error, 130 interrupted.");
}

/* The summary CSV of one run, captured in memory: header line and rows. */
static int summary_csv(const report_summary *s, char **text, report_error *err) {
  size_t len = 0;
  *text = NULL;
  FILE *m = open_memstream(text, &len);
  if (!m) {
    snprintf(err->text, sizeof err->text, "out of memory");
    return REPORT_ENOMEM;
  }
  int rc = report_csv_write_summary(m, s, err);
  if (fclose(m) != 0 && rc == REPORT_OK) {
    snprintf(err->text, sizeof err->text, "out of memory");
    rc = REPORT_ENOMEM;
  }
  return rc;
}

static void print_value_csv(const study_grid_axis *a, size_t i) {
  if (!isnan(a->numbers[i])) report_csv_number(stdout, a->numbers[i]);
  else report_csv_field(stdout, a->texts[i]);
}

/* Print the point's CSV rows, each prefixed with the varied values. */
static void print_csv(const char *csv, const study_grid_axis *axes, size_t n_axes,
                      const size_t *idx, int *header_done) {
  const char *line = csv;
  int first = 1;
  while (*line) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    if (first) {
      if (!*header_done) {
        for (size_t a = 0; a < n_axes; a++) {
          report_csv_field(stdout, axes[a].path);
          fputc(',', stdout);
        }
        fwrite(line, 1, len, stdout);
        fputc('\n', stdout);
        *header_done = 1;
      }
      first = 0;
    } else if (len > 0) {
      for (size_t a = 0; a < n_axes; a++) {
        print_value_csv(&axes[a], idx[a]);
        fputc(',', stdout);
      }
      fwrite(line, 1, len, stdout);
      fputc('\n', stdout);
    }
    if (!nl) break;
    line = nl + 1;
  }
}

/* --format json: the point's summary rows as objects, each starting with the
** varied paths (numbers as numbers, other values as given), then "point"
** and "run_id", then the summary CSV columns. Returns 0, -1 out of memory. */
static int add_json_rows(json_t *rows, const report_summary *s, const study_grid_axis *axes,
                         size_t n_axes, const size_t *idx, size_t pt, int64_t run_id) {
  json_t *summary = report_json_table(s, "summary");
  if (!summary) return -1;
  size_t i;
  json_t *src;
  int rc = 0;
  json_array_foreach(summary, i, src) {
    json_t *row = json_object();
    if (!row) { rc = -1; break; }
    for (size_t a = 0; a < n_axes; a++) {
      const study_grid_axis *ax = &axes[a];
      json_t *v = isnan(ax->numbers[idx[a]]) ? json_string(ax->texts[idx[a]])
                                             : report_json_number(ax->numbers[idx[a]]);
      if (json_object_set_new(row, ax->path, v)) rc = -1;
    }
    if (json_object_set_new(row, "point", json_integer((json_int_t)pt)) ||
        json_object_set_new(row, "run_id", json_integer(run_id)) || json_object_update(row, src) ||
        json_array_append_new(rows, row))
      rc = -1;
    if (rc) break;
  }
  json_decref(summary);
  return rc;
}

static const char *pct(double p, char *buf, size_t n) {
  if (isnan(p)) snprintf(buf, n, "–");
  else snprintf(buf, n, "%.1f %%", 100 * p);
  return buf;
}

/* The Markdown table: per point and environment the numbers a planner
** compares, RTO/RPO in disaster mode, availability/downtime in lifetime
** mode (the header follows the first point's mode). */
static void print_md_header(const study_grid_axis *axes, size_t n_axes, int lifetime) {
  printf("| point | run |");
  for (size_t a = 0; a < n_axes; a++) printf(" %s |", axes[a].path);
  if (lifetime)
    printf(" environment | availability mean | P(avail ≥ obj) | downtime p50 | downtime p95 |"
           " RTO p95 | RPO p95 |\n|--:|--:|");
  else
    printf(" environment | RTO p50 | RTO p95 | RTO p99 | P(RTO ≤ obj) | RPO p95 | P(RPO ≤ obj) |"
           "\n|--:|--:|");
  for (size_t a = 0; a < n_axes; a++) printf(":--|");
  printf(":--|--:|--:|--:|--:|--:|--:|\n");
}

static const report_summary_row *find_row(const report_summary_row *rows, size_t n,
                                          const char *env, const char *metric) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(rows[i].environment, env) == 0 && strcmp(rows[i].metric, metric) == 0)
      return &rows[i];
  return NULL;
}

/* P(meet) and its verdict under the run's rule (reports/meet.h). */
static const char *pct_verdict(const report_summary_row *r, const model_meet_rule *rule,
                               char *buf, size_t n) {
  if (!r) return "–";
  char p[40];
  if (isnan(r->objective) || r->n == 0) return snprintf(buf, n, "%s", pct(r->p_meet.est, p, sizeof p)), buf;
  /* never rounded across the share it is judged by (94.96 %, not 95.0 %) */
  report_stats_ci est = {r->p_meet.est, NAN, NAN};
  report_md_format_share_ci(est, rule->share, p, sizeof p);
  snprintf(buf, n, "%s %s", p, model_meet_verdict_name(report_meet_row(rule, r)));
  return buf;
}

static const char *dur(const report_summary_row *r, double v, char *buf, size_t n) {
  return r && r->n ? report_page_duration(v, buf, n) : "–";
}

static void print_md_rows(const report_summary *s, size_t point, int64_t run_id,
                          const study_grid_axis *axes, size_t n_axes, const size_t *idx,
                          int lifetime) {
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows);
  const report_run *run = report_summary_run(s);
  model_meet_rule rule = report_meet_rule(run);
  for (size_t e = 0; e < run->n_environments; e++) {
    const char *env = run->environments[e].name;
    const report_summary_row *rto = find_row(rows, n, env, "rto");
    const report_summary_row *rpo = find_row(rows, n, env, "rpo");
    char b[6][96];
    printf("| %zu | %lld |", point, (long long)run_id);
    for (size_t a = 0; a < n_axes; a++) printf(" %s |", axes[a].texts[idx[a]]);
    if (lifetime) {
      const report_summary_row *av = find_row(rows, n, env, "availability");
      const report_summary_row *dt = find_row(rows, n, env, "downtime");
      printf(" %s | %s | %s | %s | %s | %s | %s |\n", env,
             av && av->n ? (snprintf(b[0], sizeof b[0], "%.4f %%", 100 * av->mean.est), b[0]) : "–",
             pct_verdict(av, &rule, b[1], sizeof b[1]),
             dur(dt, dt ? dt->p50.est : NAN, b[2], sizeof b[2]),
             dur(dt, dt ? dt->p95.est : NAN, b[3], sizeof b[3]),
             dur(rto, rto ? rto->p95.est : NAN, b[4], sizeof b[4]),
             dur(rpo, rpo ? rpo->p95.est : NAN, b[5], sizeof b[5]));
    } else {
      printf(" %s | %s | %s | %s | %s | %s | %s |\n", env,
             dur(rto, rto ? rto->p50.est : NAN, b[0], sizeof b[0]),
             dur(rto, rto ? rto->p95.est : NAN, b[1], sizeof b[1]),
             dur(rto, rto ? rto->p99.est : NAN, b[2], sizeof b[2]),
             pct_verdict(rto, &rule, b[3], sizeof b[3]),
             dur(rpo, rpo ? rpo->p95.est : NAN, b[4], sizeof b[4]),
             pct_verdict(rpo, &rule, b[5], sizeof b[5]));
    }
  }
}

/* ------------------------------------------------------------ command */

/* The command line and the grid of `drsim sweep`. */
typedef struct sweep {
  CLI_STUDY_ARGS;               /* --trials, --seed, --set, --db, --format ... */
  cli_strlist pos, varies;
  const char *detail;
  size_t pt_first, pt_end;      /* the points this process runs */
  study_grid_axis *axes;
  size_t n_axes, n_points;
  const char **ov;              /* the user's --set, then the point's */
  char **point_ov;              /* the point's "PATH=VALUE", one per axis */
  size_t *idx;
  char *text;                   /* the scenario as read, once */
  model_load_opts lo;
  report_store *store;
  int64_t sweep_id, first_run, last_run;
  int header_done;
  json_t *json_rows;            /* --format json: every point's rows, printed at the end */
  int x_seconds;                /* --html: the varied values are durations */
  report_stats_ci *ch_pm, *ch_p95; /* --html: [point * ch_ne + env] RTO P(meet), p95 */
  char **ch_env;                /* --html: environment names (from the first point) */
  double *ch_obj;               /* --html: [env] RTO objective */
  size_t ch_ne;
  model_meet_rule meet;         /* the rule of the scenario with the user's --set */
} sweep;

/* Parse and check the options that need no scenario. */
static int parse_args(int argc, char **argv, sweep *w) {
  w->db_path = "drsim-results.db";
  w->detail = "auto";
  w->format = "md";
  cli_opt opts[] = {
    {"--vary", CLI_OPT_LIST, &w->varies, 0, 0, NULL},
    CLI_STUDY_OPTS(w),
    {"--detail", CLI_OPT_STRING, &w->detail, 0, 0, NULL},
  };
  int status = cli_args_parse("sweep", argc, argv, 2, opts, sizeof opts / sizeof *opts, &w->pos);
  if (status != 0 || w->help) return status;
  if (w->pos.n != 1) {
    cli_error("sweep", "expected exactly one scenario file; usage: drsim sweep SCENARIO.yaml "
                       "--vary PATH=VALUES ...");
    return CLI_EXIT_USAGE;
  }
  if (w->varies.n == 0) {
    cli_error("sweep", "nothing to vary; add --vary PATH=VALUES, e.g. "
                       "--vary standby.aks-prod-dr.warm_nodes=0..5");
    return CLI_EXIT_USAGE;
  }
  if (strcmp(w->format, "md") && strcmp(w->format, "csv") && strcmp(w->format, "json") &&
      strcmp(w->format, "none")) {
    cli_error("sweep", "--format '%s' is not valid; use md, csv, json or none", w->format);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(w->detail, "auto") && strcmp(w->detail, "summary") && strcmp(w->detail, "steps")) {
    cli_error("sweep", "--detail '%s' is not valid; use auto, summary or steps", w->detail);
    return CLI_EXIT_USAGE;
  }
  if (w->shard && study_run_parse_shard(w->shard, &w->shard_k, &w->shard_n) != 0) {
    cli_error("sweep", "--shard '%s' is not valid; use K/N with 1 <= K <= N, e.g. --shard 2/8",
              w->shard);
    return CLI_EXIT_USAGE;
  }
  if (w->shard && w->html) {
    cli_error("sweep", "--html charts every point; with --shard draw it after the merge "
                       "(drsim sweep ... --resume SWEEP --db MERGED.db --html FILE)");
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

/* The axes of every --vary and the grid's size. */
static int build_grid(sweep *w) {
  char err[512];
  w->axes = calloc(w->varies.n, sizeof *w->axes);
  w->idx = calloc(w->varies.n, sizeof *w->idx);
  w->point_ov = calloc(w->varies.n, sizeof *w->point_ov);
  w->ov = calloc(w->sets.n + w->varies.n + 1, sizeof *w->ov);
  if (!w->axes || !w->idx || !w->point_ov || !w->ov) {
    cli_error("sweep", "out of memory");
    return CLI_EXIT_IO;
  }
  for (size_t i = 0; i < w->varies.n; i++, w->n_axes++)
    if (study_grid_axis_parse(w->varies.items[i], &w->axes[i], err, sizeof err)) {
      cli_error("sweep", "%s", err);
      return CLI_EXIT_USAGE;
    }
  if (study_grid_size(w->axes, w->n_axes, &w->n_points, err, sizeof err)) {
    cli_error("sweep", "%s", err);
    return CLI_EXIT_USAGE;
  }
  for (size_t i = 0; i < w->sets.n; i++) w->ov[i] = w->sets.items[i];
  if (w->html) {
    int numeric = w->n_axes == 1;
    for (size_t i = 0; numeric && i < w->axes[0].n; i++) numeric = !isnan(w->axes[0].numbers[i]);
    if (!numeric) {
      cli_error("sweep", "--html charts one numeric --vary (numbers or durations)");
      return CLI_EXIT_USAGE;
    }
    double plain;
    w->x_seconds = !study_grid_plain_number(w->axes[0].texts[0], &plain) &&
                   !strchr(w->axes[0].texts[0], '%');
    const char *inputs[] = {w->pos.items[0], w->db_path};
    int status = cli_outfile_check("sweep", w->html, inputs, 2);
    if (status != CLI_EXIT_OK) return status;
  }
  return CLI_EXIT_OK;
}

/* The overrides of grid point pt into w->ov (after the user's --set). */
static int set_point(sweep *w, size_t pt) {
  study_grid_index(w->axes, w->n_axes, pt, w->idx);
  for (size_t a = 0; a < w->n_axes; a++) {
    free(w->point_ov[a]);
    w->point_ov[a] = study_grid_override(&w->axes[a], w->idx[a]);
    if (!w->point_ov[a]) {
      cli_error("sweep", "out of memory");
      return CLI_EXIT_IO;
    }
    w->ov[w->sets.n + a] = w->point_ov[a];
  }
  return CLI_EXIT_OK;
}

/* Check every grid point before running anything: a bad value, or a
** combination that is invalid only together (warm_nodes 4 with
** required_nodes 3), should not cost the runs before it. Values are not
** checked alone, since one may be valid only with another axis's value.
** A load takes well under a millisecond and grids are capped, so this is
** cheap next to one run. */
static int check_points(sweep *w) {
  for (size_t pt = 0; pt < w->n_points; pt++) {
    int status = set_point(w, pt);
    if (status != CLI_EXIT_OK) return status;
    model_scenario *sc = NULL;
    cli_strlist all = {w->ov, w->sets.n + w->n_axes, w->sets.n + w->n_axes};
    /* Warnings are the same at every point (they depend on what a path
    ** addresses, not on its value): shown for the first point only. */
    unsigned flags = (w->strict ? CLI_LOAD_STRICT : 0) | (pt ? CLI_LOAD_NO_WARNINGS : 0);
    status = cli_load_scenario_from_flags(w->pos.items[0], w->text, &all, &w->lo, flags, &sc);
    model_scenario_free(sc);
    if (status == CLI_EXIT_USAGE) {
      fprintf(stderr, "drsim sweep: error: point %zu/%zu (", pt + 1, w->n_points);
      for (size_t a = 0; a < w->n_axes; a++)
        fprintf(stderr, "%s%s", a ? ", " : "", w->point_ov[a]);
      fputs(") does not load (error above); nothing was run\n", stderr);
    }
    if (status != CLI_EXIT_OK) return status;
  }
  return CLI_EXIT_OK;
}

/* --html: the RTO rows of point pt into the chart arrays; the environments
** come from the first point. Returns 0, -1 out of memory. */
static int chart_collect(sweep *w, const report_summary *s, size_t pt) {
  const report_run *run = report_summary_run(s);
  if (!w->ch_env) {
    w->ch_ne = run->n_environments;
    w->ch_env = calloc(w->ch_ne + 1, sizeof *w->ch_env);
    w->ch_pm = malloc((w->n_points * w->ch_ne + 1) * sizeof *w->ch_pm);
    w->ch_p95 = malloc((w->n_points * w->ch_ne + 1) * sizeof *w->ch_p95);
    w->ch_obj = malloc((w->ch_ne + 1) * sizeof *w->ch_obj);
    if (!w->ch_env || !w->ch_pm || !w->ch_p95 || !w->ch_obj) return -1;
    for (size_t i = 0; i < w->n_points * w->ch_ne; i++)
      w->ch_pm[i] = w->ch_p95[i] = (report_stats_ci){NAN, NAN, NAN};
    for (size_t e = 0; e < w->ch_ne; e++) {
      size_t len = strlen(run->environments[e].name) + 1;
      if (!(w->ch_env[e] = malloc(len))) return -1;
      memcpy(w->ch_env[e], run->environments[e].name, len);
      w->ch_obj[e] = run->environments[e].rto_objective_s;
    }
  }
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows);
  for (size_t e = 0; e < w->ch_ne && e < run->n_environments; e++) {
    const report_summary_row *r = find_row(rows, n, run->environments[e].name, "rto");
    if (!r || r->n == 0) continue;
    w->ch_pm[pt * w->ch_ne + e] = r->p_meet;
    w->ch_p95[pt * w->ch_ne + e] = r->p95;
  }
  return 0;
}

/* --html: write the chart of every point. */
static int write_chart(sweep *w) {
  cli_outfile *o;
  int status = cli_outfile_open("sweep", w->html, &o);
  if (status != CLI_EXIT_OK) return status;
  double *xs = malloc((w->n_points ? w->n_points : 1) * sizeof *xs);
  int ok = xs != NULL;
  for (size_t pt = 0; ok && pt < w->n_points; pt++) xs[pt] = w->axes[0].numbers[pt];
  char title[600];
  snprintf(title, sizeof title, "drsim sweep %lld: %s", (long long)w->sweep_id, w->pos.items[0]);
  report_sweep_chart ch = {title, w->axes[0].path, w->x_seconds, xs, w->n_points,
                           (const char *const *)w->ch_env, w->ch_ne, w->ch_pm, w->ch_p95,
                           w->ch_obj, w->meet.share};
  if (ok) ok = report_sweep_chart_write(cli_outfile_stream(o), &ch) == 0;
  free(xs);
  return cli_outfile_close(o, ok);
}

/* Print point pt's summary in the asked format (json: collected). */
static int print_point(sweep *w, size_t pt, int64_t run_id) {
  report_error rerr;
  report_summary *s = NULL;
  if (report_summary_build(w->store, run_id, &s, &rerr) != REPORT_OK) {
    fprintf(stderr, "drsim sweep: error: %s\n", rerr.text);
    return CLI_EXIT_IO;
  }
  int status = CLI_EXIT_OK;
  if (w->html && chart_collect(w, s, pt) != 0) {
    cli_error("sweep", "out of memory");
    status = CLI_EXIT_IO;
  } else if (strcmp(w->format, "none") == 0) {
  } else if (strcmp(w->format, "json") == 0) {
    if (!w->json_rows) w->json_rows = json_array();
    if (!w->json_rows || add_json_rows(w->json_rows, s, w->axes, w->n_axes, w->idx, pt, run_id)) {
      cli_error("sweep", "out of memory");
      status = CLI_EXIT_IO;
    }
  } else if (strcmp(w->format, "csv") == 0) {
    char *csv = NULL;
    int rc = summary_csv(s, &csv, &rerr);
    if (rc == REPORT_OK) print_csv(csv, w->axes, w->n_axes, w->idx, &w->header_done);
    free(csv);
    if (rc != REPORT_OK) {
      fprintf(stderr, "drsim sweep: error: %s\n", rerr.text);
      status = CLI_EXIT_IO;
    }
  } else {
    int lifetime = report_summary_run(s)->mode == MODEL_MODE_LIFETIME;
    if (!w->header_done) print_md_header(w->axes, w->n_axes, lifetime);
    w->header_done = 1;
    print_md_rows(s, pt, run_id, w->axes, w->n_axes, w->idx, lifetime);
  }
  report_summary_free(s);
  fflush(stdout);
  return status;
}

/* Run (or, with --resume, read back or continue) point pt and print it. */
static int run_point(sweep *w, size_t pt, volatile sig_atomic_t *stop) {
  int status = set_point(w, pt);
  if (status != CLI_EXIT_OK) return status;
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "sweep";
  p.scenario_path = w->pos.items[0];
  p.scenario_text = w->text;
  p.load_opts = &w->lo;
  p.overrides = w->ov;
  p.n_overrides = w->sets.n + w->n_axes;
  p.seed_given = w->seed_seen;
  p.seed = w->seed;
  p.trials_given = w->trials_seen;
  p.trials = w->trials;
  p.threads = w->threads_seen ? (unsigned)w->threads : 0;
  p.store = w->store;
  p.sweep_id = w->sweep_id;
  p.point = (int64_t)pt;
  p.detail = w->detail;
  p.stop_flag = stop;
  p.resume = w->resume_seen;
  if (!w->quiet && isatty(STDERR_FILENO)) p.progress = cli_progress_bar;
  if (!w->quiet) {
    fprintf(stderr, "point %zu/%zu:", pt + 1, w->n_points);
    for (size_t a = 0; a < w->n_axes; a++) fprintf(stderr, " %s", w->point_ov[a]);
    fputc('\n', stderr);
  }
  status = cli_sweep_point_run(&p);
  int64_t run_id = p.run_id;
  study_point_clear(&p);
  if (run_id) {
    if (!w->first_run) w->first_run = run_id;
    w->last_run = run_id;
  }
  if (status == CLI_EXIT_INTERRUPTED)
    fprintf(stderr, "drsim sweep: interrupted at point %zu; run %lld is kept as "
            "interrupted; continue the sweep with the same command and --resume %lld\n",
            pt, (long long)run_id, (long long)w->sweep_id);
  if (status != CLI_EXIT_OK || (strcmp(w->format, "none") == 0 && !w->html)) return status;
  return print_point(w, pt, run_id);
}

/* After the last point: the JSON document, the closing line. */
static int print_end(sweep *w) {
  int status = CLI_EXIT_OK;
  if (strcmp(w->format, "json") == 0) {
    report_error rerr;
    json_t *doc = json_pack("{s:I, s:s, s:o, s:o}", "sweep_id", (json_int_t)w->sweep_id,
                            "scenario", w->pos.items[0], "vary", json_array(),
                            "rows", w->json_rows ? json_incref(w->json_rows) : json_array());
    for (size_t a = 0; doc && a < w->n_axes; a++)
      json_array_append_new(json_object_get(doc, "vary"), json_string(w->axes[a].path));
    if (!doc || report_json_write(stdout, doc, &rerr) != REPORT_OK) {
      cli_error("sweep", "cannot write the output: %s", doc ? rerr.text : "out of memory");
      status = CLI_EXIT_IO;
    }
    json_decref(doc);
  }
  if (strcmp(w->format, "md") == 0) {
    char rb[400];
    printf("\nVerdicts (after each P(meet)): %s.\n", model_meet_describe(&w->meet, rb, sizeof rb));
  }
  if (strcmp(w->format, "md") == 0)
    printf("\nruns %lld..%lld in %s (sweep %lld); details: drsim report --db %s --run ID\n",
           (long long)w->first_run, (long long)w->last_run, w->db_path, (long long)w->sweep_id,
           w->db_path);
  else if (!w->quiet)
    fprintf(stderr, "sweep %lld: %zu points stored as runs %lld..%lld in %s\n",
            (long long)w->sweep_id, w->pt_end - w->pt_first, (long long)w->first_run,
            (long long)w->last_run, w->db_path);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("sweep", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
  return status;
}

static void sweep_free(sweep *w) {
  for (size_t e = 0; w->ch_env && e < w->ch_ne; e++) free(w->ch_env[e]);
  free(w->ch_env);
  free(w->ch_pm);
  free(w->ch_p95);
  free(w->ch_obj);
  json_decref(w->json_rows);
  report_store_close(w->store);
  free(w->text);
  for (size_t a = 0; a < w->n_axes; a++) {
    if (w->point_ov) free(w->point_ov[a]);
    study_grid_axis_free(&w->axes[a]);
  }
  free(w->point_ov);
  free(w->axes);
  free(w->idx);
  free(w->ov);
  cli_strlist_free(&w->sets);
  cli_strlist_free(&w->allow);
  cli_strlist_free(&w->pos);
  cli_strlist_free(&w->varies);
}

int cli_cmd_sweep(int argc, char **argv) {
  sweep w;
  memset(&w, 0, sizeof w);
  int status = parse_args(argc, argv, &w);
  if (status != CLI_EXIT_OK || w.help) {
    if (w.help) usage();
    sweep_free(&w);
    return status;
  }
  /* Read once: every point loads from this text ('-' is standard input). */
  if ((status = build_grid(&w)) != CLI_EXIT_OK ||
      (status = cli_read_scenario(w.pos.items[0], &w.text)) != CLI_EXIT_OK)
    goto done;
  w.lo = cli_load_opts(&w.allow);
  model_meet_rule_read(w.text, strlen(w.text), w.sets.items, w.sets.n, &w.meet);
  if ((status = check_points(&w)) != CLI_EXIT_OK) goto done;
  w.pt_first = 0;
  w.pt_end = w.n_points;
  if (w.shard_n) {
    /* Points are the unit: shard K/N runs a contiguous slice of them, each
    ** point stored as in the whole sweep; drsim merge joins the shards. */
    study_grid_shard(w.n_points, w.shard_k, w.shard_n, &w.pt_first, &w.pt_end);
    if (w.pt_first == w.pt_end) {
      cli_error("sweep", "shard %s of %zu points is empty; use at most %zu shards", w.shard,
                w.n_points, w.n_points);
      status = CLI_EXIT_USAGE;
      goto done;
    }
  }
  /* --resume N: its complete points are read back, an interrupted one is
  ** resumed, the missing ones are run. */
  if (w.resume_seen) {
    w.sweep_id = (int64_t)w.resume_id;
    status = cli_sweep_open_existing("sweep", w.db_path, w.sweep_id, &w.store);
  } else {
    status = cli_sweep_open_store("sweep", w.db_path, &w.store, &w.sweep_id);
  }
  if (status != CLI_EXIT_OK) goto done;
  volatile sig_atomic_t *stop = cli_signals_catch();
  if (strcmp(w.format, "md") == 0 && w.shard_n)
    printf("sweep %lld of %s: %zu point%s, shard %s: points %zu..%zu\n\n", (long long)w.sweep_id,
           w.pos.items[0], w.n_points, w.n_points == 1 ? "" : "s", w.shard, w.pt_first,
           w.pt_end - 1);
  else if (strcmp(w.format, "md") == 0)
    printf("sweep %lld of %s: %zu point%s\n\n", (long long)w.sweep_id, w.pos.items[0],
           w.n_points, w.n_points == 1 ? "" : "s");
  for (size_t pt = w.pt_first; status == CLI_EXIT_OK && pt < w.pt_end; pt++)
    status = run_point(&w, pt, stop);
  if (status == CLI_EXIT_OK && w.html) status = write_chart(&w);
  if (status == CLI_EXIT_OK) status = print_end(&w);
  cli_signals_restore();
done:
  sweep_free(&w);
  return status;
}
