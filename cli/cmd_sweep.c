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
#include "cli/sweep_values.h"
#include "reports/csv.h"
#include "reports/json.h"
#include "reports/summary.h"

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
       "  --resume SWEEP_ID   continue an interrupted sweep: give the command that started\n"
       "                      it plus --resume; complete points are read back, the\n"
       "                      interrupted one is resumed, the rest are run\n"
       "  --detail D          auto | summary | steps, as for drsim run (default auto)\n"
       "  --format F          md (default), csv (one row per point, environment and\n"
       "                      metric: the varied paths, then the summary CSV columns),\n"
       "                      json (the same rows as objects, with point and run_id), none\n"
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

static const char *dur(const report_summary_row *r, double v, char *buf, size_t n) {
  return r && r->n ? report_page_duration(v, buf, n) : "–";
}

static void print_md_rows(const report_summary *s, size_t point, int64_t run_id,
                          const study_grid_axis *axes, size_t n_axes, const size_t *idx,
                          int lifetime) {
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows);
  const report_run *run = report_summary_run(s);
  for (size_t e = 0; e < run->n_environments; e++) {
    const char *env = run->environments[e].name;
    const report_summary_row *rto = find_row(rows, n, env, "rto");
    const report_summary_row *rpo = find_row(rows, n, env, "rpo");
    char b[6][48];
    printf("| %zu | %lld |", point, (long long)run_id);
    for (size_t a = 0; a < n_axes; a++) printf(" %s |", axes[a].texts[idx[a]]);
    if (lifetime) {
      const report_summary_row *av = find_row(rows, n, env, "availability");
      const report_summary_row *dt = find_row(rows, n, env, "downtime");
      printf(" %s | %s | %s | %s | %s | %s | %s |\n", env,
             av && av->n ? (snprintf(b[0], sizeof b[0], "%.4f %%", 100 * av->mean.est), b[0]) : "–",
             av ? pct(av->p_meet.est, b[1], sizeof b[1]) : "–",
             dur(dt, dt ? dt->p50.est : NAN, b[2], sizeof b[2]),
             dur(dt, dt ? dt->p95.est : NAN, b[3], sizeof b[3]),
             dur(rto, rto ? rto->p95.est : NAN, b[4], sizeof b[4]),
             dur(rpo, rpo ? rpo->p95.est : NAN, b[5], sizeof b[5]));
    } else {
      printf(" %s | %s | %s | %s | %s | %s | %s |\n", env,
             dur(rto, rto ? rto->p50.est : NAN, b[0], sizeof b[0]),
             dur(rto, rto ? rto->p95.est : NAN, b[1], sizeof b[1]),
             dur(rto, rto ? rto->p99.est : NAN, b[2], sizeof b[2]),
             rto ? pct(rto->p_meet.est, b[3], sizeof b[3]) : "–",
             dur(rpo, rpo ? rpo->p95.est : NAN, b[4], sizeof b[4]),
             rpo ? pct(rpo->p_meet.est, b[5], sizeof b[5]) : "–");
    }
  }
}

int cli_cmd_sweep(int argc, char **argv) {
  cli_strlist sets = {0}, pos = {0}, allow = {0}, varies = {0};
  int help = 0, quiet = 0, trials_seen = 0, seed_seen = 0, threads_seen = 0, strict = 0;
  uint64_t trials = 0, seed = 0, threads = 0;
  const char *db_path = "drsim-results.db", *detail = "auto", *format = "md";
  uint64_t resume_id = 0;
  int resume_seen = 0;
  cli_opt opts[] = {
    {"--vary", CLI_OPT_LIST, &varies, 0, 0, NULL},
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--trials", CLI_OPT_U64, &trials, 1, UINT64_C(1000000000), &trials_seen},
    {"--seed", CLI_OPT_U64, &seed, 0, UINT64_MAX, &seed_seen},
    {"--threads", CLI_OPT_U64, &threads, 1, 1024, &threads_seen},
    {"--db", CLI_OPT_STRING, &db_path, 0, 0, NULL},
    {"--resume", CLI_OPT_U64, &resume_id, 1, INT64_MAX, &resume_seen},
    {"--detail", CLI_OPT_STRING, &detail, 0, 0, NULL},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"--quiet", CLI_OPT_FLAG, &quiet, 0, 0, NULL},
    {"--strict", CLI_OPT_FLAG, &strict, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  study_grid_axis *axes = NULL;
  size_t n_axes = 0, n_points = 0;
  const char **ov = NULL;
  char **point_ov = NULL;
  size_t *idx = NULL;
  char *text = NULL;
  report_store *store = NULL;
  int64_t sweep_id = 0, first_run = 0, last_run = 0;
  int catching = 0, header_done = 0;
  json_t *json_rows = NULL;   /* --format json: every point's rows, printed at the end */
  char err[512];

  if ((status = cli_args_parse("sweep", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n != 1) {
    cli_error("sweep", "expected exactly one scenario file; usage: drsim sweep SCENARIO.yaml "
                       "--vary PATH=VALUES ...");
    goto done;
  }
  if (varies.n == 0) {
    cli_error("sweep", "nothing to vary; add --vary PATH=VALUES, e.g. "
                       "--vary standby.aks-prod-dr.warm_nodes=0..5");
    goto done;
  }
  if (strcmp(format, "md") && strcmp(format, "csv") && strcmp(format, "json") &&
      strcmp(format, "none")) {
    cli_error("sweep", "--format '%s' is not valid; use md, csv, json or none", format);
    goto done;
  }
  if (strcmp(detail, "auto") && strcmp(detail, "summary") && strcmp(detail, "steps")) {
    cli_error("sweep", "--detail '%s' is not valid; use auto, summary or steps", detail);
    goto done;
  }
  axes = calloc(varies.n, sizeof *axes);
  idx = calloc(varies.n, sizeof *idx);
  point_ov = calloc(varies.n, sizeof *point_ov);
  ov = calloc(sets.n + varies.n + 1, sizeof *ov);
  if (!axes || !idx || !point_ov || !ov) {
    cli_error("sweep", "out of memory");
    status = CLI_EXIT_IO;
    goto done;
  }
  for (size_t i = 0; i < varies.n; i++, n_axes++)
    if (study_grid_axis_parse(varies.items[i], &axes[i], err, sizeof err)) {
      cli_error("sweep", "%s", err);
      goto done;
    }
  if (study_grid_size(axes, n_axes, &n_points, err, sizeof err)) {
    cli_error("sweep", "%s", err);
    goto done;
  }
  for (size_t i = 0; i < sets.n; i++) ov[i] = sets.items[i];
  /* Read once: every point loads from this text ('-' is standard input). */
  if ((status = cli_read_scenario(pos.items[0], &text)) != CLI_EXIT_OK) goto done;
  model_load_opts lo = cli_load_opts(&allow);
  status = CLI_EXIT_USAGE;

  /* Check every grid point before running anything: a bad value, or a
  ** combination that is invalid only together (warm_nodes 4 with
  ** required_nodes 3), should not cost the runs before it. Values are not
  ** checked alone, since one may be valid only with another axis's value.
  ** A load takes well under a millisecond and grids are capped, so this is
  ** cheap next to one run. */
  for (size_t pt = 0; pt < n_points; pt++) {
    study_grid_index(axes, n_axes, pt, idx);
    for (size_t a = 0; a < n_axes; a++) {
      free(point_ov[a]);
      point_ov[a] = study_grid_override(&axes[a], idx[a]);
      if (!point_ov[a]) { cli_error("sweep", "out of memory"); status = CLI_EXIT_IO; goto done; }
      ov[sets.n + a] = point_ov[a];
    }
    model_scenario *sc = NULL;
    cli_strlist all = {ov, sets.n + n_axes, sets.n + n_axes};
    /* Warnings are the same at every point (they depend on what a path
    ** addresses, not on its value): shown for the first point only. */
    unsigned flags = (strict ? CLI_LOAD_STRICT : 0) | (pt ? CLI_LOAD_NO_WARNINGS : 0);
    status = cli_load_scenario_from_flags(pos.items[0], text, &all, &lo, flags, &sc);
    model_scenario_free(sc);
    if (status != CLI_EXIT_OK) {
      if (status == CLI_EXIT_USAGE) {
        fprintf(stderr, "drsim sweep: error: point %zu/%zu (", pt + 1, n_points);
        for (size_t a = 0; a < n_axes; a++)
          fprintf(stderr, "%s%s", a ? ", " : "", point_ov[a]);
        fputs(") does not load (error above); nothing was run\n", stderr);
      }
      goto done;
    }
  }

  if (resume_seen) {
    /* Continue sweep N: its complete points are read back, an interrupted
    ** one is resumed, the missing ones are run. */
    sweep_id = (int64_t)resume_id;
    if ((status = cli_sweep_open_existing("sweep", db_path, sweep_id, &store)) != CLI_EXIT_OK)
      goto done;
  } else if ((status = cli_sweep_open_store("sweep", db_path, &store, &sweep_id)) != CLI_EXIT_OK) {
    goto done;
  }
  report_error rerr;

  volatile sig_atomic_t *stop = cli_signals_catch();
  catching = 1;
  if (strcmp(format, "md") == 0)
    printf("sweep %lld of %s: %zu point%s\n\n", (long long)sweep_id, pos.items[0], n_points,
           n_points == 1 ? "" : "s");
  for (size_t pt = 0; pt < n_points; pt++) {
    study_grid_index(axes, n_axes, pt, idx);
    for (size_t a = 0; a < n_axes; a++) {
      free(point_ov[a]);
      point_ov[a] = study_grid_override(&axes[a], idx[a]);
      if (!point_ov[a]) { cli_error("sweep", "out of memory"); status = CLI_EXIT_IO; goto done; }
      ov[sets.n + a] = point_ov[a];
    }
    study_point p;
    memset(&p, 0, sizeof p);
    p.cmd = "sweep";
    p.scenario_path = pos.items[0];
    p.scenario_text = text;
    p.load_opts = &lo;
    p.overrides = ov;
    p.n_overrides = sets.n + n_axes;
    p.seed_given = seed_seen;
    p.seed = seed;
    p.trials_given = trials_seen;
    p.trials = trials;
    p.threads = threads_seen ? (unsigned)threads : 0;
    p.store = store;
    p.sweep_id = sweep_id;
    p.point = (int64_t)pt;
    p.detail = detail;
    p.stop_flag = stop;
    p.resume = resume_seen;
    if (!quiet && isatty(STDERR_FILENO)) p.progress = cli_progress_bar;
    if (!quiet) {
      fprintf(stderr, "point %zu/%zu:", pt + 1, n_points);
      for (size_t a = 0; a < n_axes; a++) fprintf(stderr, " %s", point_ov[a]);
      fputc('\n', stderr);
    }
    status = cli_sweep_point_run(&p);
    int64_t run_id = p.run_id;
    study_point_clear(&p);
    if (run_id) {
      if (!first_run) first_run = run_id;
      last_run = run_id;
    }
    if (status != CLI_EXIT_OK) {
      if (status == 130)
        fprintf(stderr, "drsim sweep: interrupted at point %zu; run %lld is kept as "
                "interrupted; continue the sweep with the same command and --resume %lld\n",
                pt, (long long)run_id, (long long)sweep_id);
      goto done;
    }
    if (strcmp(format, "none") == 0) continue;
    report_summary *s = NULL;
    if (report_summary_build(store, run_id, &s, &rerr) != REPORT_OK) {
      fprintf(stderr, "drsim sweep: error: %s\n", rerr.text);
      status = CLI_EXIT_IO;
      goto done;
    }
    if (strcmp(format, "json") == 0) {
      if (!json_rows) json_rows = json_array();
      if (!json_rows || add_json_rows(json_rows, s, axes, n_axes, idx, pt, run_id)) {
        report_summary_free(s);
        cli_error("sweep", "out of memory");
        status = CLI_EXIT_IO;
        goto done;
      }
    } else if (strcmp(format, "csv") == 0) {
      char *csv = NULL;
      int rc = summary_csv(s, &csv, &rerr);
      if (rc == REPORT_OK) print_csv(csv, axes, n_axes, idx, &header_done);
      free(csv);
      if (rc != REPORT_OK) {
        report_summary_free(s);
        fprintf(stderr, "drsim sweep: error: %s\n", rerr.text);
        status = CLI_EXIT_IO;
        goto done;
      }
    } else {
      int lifetime = report_summary_run(s)->mode == MODEL_MODE_LIFETIME;
      if (!header_done) print_md_header(axes, n_axes, lifetime);
      header_done = 1;
      print_md_rows(s, pt, run_id, axes, n_axes, idx, lifetime);
    }
    report_summary_free(s);
    fflush(stdout);
  }
  if (strcmp(format, "json") == 0) {
    json_t *doc = json_pack("{s:I, s:s, s:o, s:o}", "sweep_id", (json_int_t)sweep_id,
                            "scenario", pos.items[0], "vary", json_array(),
                            "rows", json_rows ? json_incref(json_rows) : json_array());
    for (size_t a = 0; doc && a < n_axes; a++)
      json_array_append_new(json_object_get(doc, "vary"), json_string(axes[a].path));
    if (!doc || report_json_write(stdout, doc, &rerr) != REPORT_OK) {
      cli_error("sweep", "cannot write the output: %s", doc ? rerr.text : "out of memory");
      status = CLI_EXIT_IO;
    }
    json_decref(doc);
  }
  if (strcmp(format, "md") == 0)
    printf("\nruns %lld..%lld in %s (sweep %lld); details: drsim report --db %s --run ID\n",
           (long long)first_run, (long long)last_run, db_path, (long long)sweep_id, db_path);
  else if (!quiet)
    fprintf(stderr, "sweep %lld: %zu points stored as runs %lld..%lld in %s\n",
            (long long)sweep_id, n_points, (long long)first_run, (long long)last_run, db_path);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("sweep", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
done:
  json_decref(json_rows);
  if (catching) cli_signals_restore();
  report_store_close(store);
  free(text);
  for (size_t a = 0; a < n_axes; a++) {
    if (point_ov) free(point_ov[a]);
    study_grid_axis_free(&axes[a]);
  }
  free(point_ov);
  free(axes);
  free(idx);
  free(ov);
  cli_strlist_free(&sets);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  cli_strlist_free(&varies);
  return status;
}
