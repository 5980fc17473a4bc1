/*
** cli/cmd_report.c — the commands that read the results database (the
** functions of drsim report and compare are over 100 lines: their options
** tables and one check per option, each with its message, in the order of
** --help; what they read and compute is reports/'s):
**   drsim report  --db FILE [--run ID] --format md|csv|html|json [--table T] [-o FILE | --out-dir DIR]
**   drsim runs    --db FILE [--format text|csv|json]
**   drsim compare --db FILE [--format md|csv|json] RUN_A RUN_B
**   drsim export  --db FILE --run ID --table trials --format csv [-o FILE]
** All open the database read-only; a missing or foreign database is exit 3.
*/
#include "study/detail.h"
#include "cli/common.h"
#include "cli/outfile.h"
#include "cli/report_lead.h"
#include "reports/common_causes.h"
#include "reports/csv.h"
#include "reports/md.h"
#include "reports/summary.h"
#include "reports/html.h"
#include "reports/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int open_ro(const char *cmd, const char *path, report_store **st) {
  report_error err;
  if (report_store_open(path, REPORT_STORE_READONLY, st, &err) != REPORT_OK) {
    fprintf(stderr, "drsim %s: error: %s\n", cmd, err.text);
    return CLI_EXIT_IO;
  }
  /* Per-trial detail of runs without --detail steps: simulated again. */
  if (study_detail_attach(*st, 0, NULL) != STUDY_OK) {
    fprintf(stderr, "drsim %s: error: out of memory\n", cmd);
    report_store_close(*st);
    *st = NULL;
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

/* --run ID or, when not given, the newest run. */
static int pick_run(const char *cmd, report_store *st, int run_seen, uint64_t run, int64_t *id) {
  if (run_seen) {
    *id = (int64_t)run;
    return CLI_EXIT_OK;
  }
  report_error err;
  if (report_store_latest_run(st, id, &err) != REPORT_OK) {
    fprintf(stderr, "drsim %s: error: %s\n", cmd, err.text);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

typedef int (*csv_table_fn)(FILE *, const report_summary *, report_error *);

static const struct {
  const char *name;
  csv_table_fn fn;
} csv_tables[] = {
  {"summary", report_csv_write_summary},
  {"steps", report_csv_write_steps},
  {"components", report_csv_write_components},
  {"standby", report_csv_write_standby},
  {"lifetime", report_csv_write_lifetime},
  {"causes", report_csv_write_causes},
};

static int write_csv_table(const char *path, csv_table_fn fn, const report_summary *s) {
  cli_outfile *o;
  if (cli_outfile_open("report", path, &o) != CLI_EXIT_OK) return CLI_EXIT_IO;
  report_error err;
  int rc = fn(cli_outfile_stream(o), s, &err);
  if (rc != REPORT_OK) fprintf(stderr, "drsim report: error: %s\n", err.text);
  int st = cli_outfile_close(o, rc == REPORT_OK);
  return rc != REPORT_OK ? CLI_EXIT_IO : st;
}

static void report_usage(void) {
  puts("usage: drsim report [--db FILE] [--run ID] [--format md|csv|html|json] [--table T]\n"
       "                    [-o FILE | --out-dir DIR]\n"
       "\n"
       "Writes the report of a stored run (default: the newest) to stdout.\n"
       "  --format md    Markdown: every table (the default)\n"
       "  --format csv   the summary CSV (contract header), or one --table\n"
       "  --format html  one self-contained page with charts (-o report.html)\n"
       "  --format json  every table as JSON (numbers as numbers; see docs/results.md),\n"
       "                 or one --table\n"
       "  --table T      summary|steps|components|standby|lifetime|causes (csv, json;\n"
       "                 lifetime and causes: lifetime-mode runs)\n"
       "  --by-cause     the objectives broken down by which common causes occurred\n"
       "                 (scenario key common_causes), as md or csv\n"
       "  -o FILE        write to FILE instead of stdout\n"
       "  --no-explain   md, html: do not lead with the answer (by default the run's\n"
       "                 trials are simulated again to name what drives the misses and\n"
       "                 one counterfactual per objective: drsim explain, docs/explain.md)\n"
       "  --out-dir DIR  write into DIR (created if missing): one TABLE.csv per table\n"
       "                 for csv, else report.md, report.html or report.json; prints\n"
       "                 the path of each file written\n"
       "exit status: 0 ok, 2 bad input (flags, no such run), 3 I/O or database error.");
}

/* Write the report of s in `format` ("md", "html", "json") to path (NULL or
** "-": stdout). json_tables: the REPORT_JSON_* tables for json. */
static int write_report(const char *path, const char *format, report_store *st,
                        const report_summary *s, unsigned json_tables) {
  cli_outfile *o;
  if (cli_outfile_open("report", path, &o) != CLI_EXIT_OK) return CLI_EXIT_IO;
  FILE *f = cli_outfile_stream(o);
  report_error err;
  int rc;
  if (strcmp(format, "md") == 0) {
    rc = report_md_write(f, s, REPORT_MD_ALL, &err);
  } else if (strcmp(format, "html") == 0) {
    rc = report_html_write(f, st, s, &err);
  } else {
    json_t *doc = report_json_report(s, json_tables);
    if (doc) {
      rc = report_json_write(f, doc, &err);
      json_decref(doc);
    } else {
      rc = REPORT_ENOMEM;
      snprintf(err.text, sizeof err.text, "out of memory building the JSON report");
    }
  }
  if (rc != REPORT_OK) fprintf(stderr, "drsim report: error: %s\n", err.text);
  int status = cli_outfile_close(o, rc == REPORT_OK);
  return rc != REPORT_OK ? CLI_EXIT_IO : status;
}

int cli_cmd_report(int argc, char **argv) {
  cli_strlist pos = {0};
  int help = 0, run_seen = 0, no_explain = 0, by_cause = 0;
  uint64_t run = 0;
  const char *db = "drsim-results.db", *format = NULL, *table = NULL, *out = NULL, *out_dir = NULL;
  cli_opt opts[] = {
    {"--db", CLI_OPT_STRING, &db, 0, 0, NULL},
    {"--run", CLI_OPT_U64, &run, 1, INT64_MAX, &run_seen},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"--table", CLI_OPT_STRING, &table, 0, 0, NULL},
    {"-o", CLI_OPT_STRING, &out, 0, 0, NULL},
    {"--output", CLI_OPT_STRING, &out, 0, 0, NULL},
    {"--out-dir", CLI_OPT_STRING, &out_dir, 0, 0, NULL},
    {"--no-explain", CLI_OPT_FLAG, &no_explain, 0, 0, NULL},
    {"--by-cause", CLI_OPT_FLAG, &by_cause, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  report_store *st = NULL;
  report_summary *s = NULL;
  report_cc_table *cct = NULL;
  if ((status = cli_args_parse("report", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { report_usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n) {
    cli_error("report", "unexpected argument '%s'; the run is chosen with --run ID", pos.items[0]);
    goto done;
  }
  if (!format) format = "md";
  if (strcmp(format, "csv") && strcmp(format, "md") && strcmp(format, "html") &&
      strcmp(format, "json")) {
    cli_error("report", "--format '%s' is not valid; use md, csv, html or json", format);
    goto done;
  }
  if (by_cause && (table || out_dir || (strcmp(format, "md") && strcmp(format, "csv")))) {
    cli_error("report", "--by-cause goes with --format md or csv and -o, not --table or --out-dir");
    goto done;
  }
  csv_table_fn table_fn = NULL;
  unsigned json_tables = REPORT_JSON_ALL;
  if (table) {
    for (size_t i = 0; i < sizeof csv_tables / sizeof *csv_tables; i++)
      if (strcmp(table, csv_tables[i].name) == 0) table_fn = csv_tables[i].fn;
    if (!table_fn) {
      cli_error("report", "--table '%s' is not valid; use summary, steps, components, standby, "
                "lifetime or causes", table);
      goto done;
    }
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
      cli_error("report", "--table goes with --format csv or json");
      goto done;
    }
    json_tables = report_json_table_flag(table);
  }
  if (out && out_dir) {
    cli_error("report", "give either -o FILE or --out-dir DIR, not both");
    goto done;
  }
  if ((status = cli_outfile_check("report", out, &db, 1)) != CLI_EXIT_OK) goto done;
  if (out_dir) {
    for (size_t i = 0; i < sizeof csv_tables / sizeof *csv_tables; i++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s.csv", out_dir, csv_tables[i].name);
      if ((status = cli_outfile_check("report", path, &db, 1)) != CLI_EXIT_OK) goto done;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/report.%s", out_dir, format);
    if ((status = cli_outfile_check("report", path, &db, 1)) != CLI_EXIT_OK) goto done;
  }
  if ((status = open_ro("report", db, &st)) != CLI_EXIT_OK) goto done;
  int64_t id;
  if ((status = pick_run("report", st, run_seen, run, &id)) != CLI_EXIT_OK) goto done;
  report_error err;
  if (by_cause) {
    int crc = report_cc_breakdown(report_store_sqlite(st), id, &cct);
    if (crc != SQLITE_OK) {
      fprintf(stderr, "drsim report: error: %s: reading the common causes of run %lld: %s\n",
              db, (long long)id, sqlite3_errstr(crc));
      status = CLI_EXIT_IO;
      goto done;
    }
    if (!cct->trials) {
      cli_error("report", "run %lld has no stored trials", (long long)id);
      status = CLI_EXIT_USAGE;
      goto done;
    }
    cli_outfile *o;
    if ((status = cli_outfile_open("report", out, &o)) != CLI_EXIT_OK) goto done;
    int wrc = strcmp(format, "csv") == 0 ? report_cc_write_csv(cli_outfile_stream(o), cct)
                                         : report_cc_write_md(cli_outfile_stream(o), cct);
    status = cli_outfile_close(o, wrc == 0);
    if (wrc != 0) status = CLI_EXIT_IO;
    goto done;
  }
  int rc = report_summary_build(st, id, &s, &err);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim report: error: %s\n", err.text);
    status = rc == REPORT_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_IO;
    goto done;
  }
  if (!no_explain && (!strcmp(format, "md") || !strcmp(format, "html")) &&
      cli_report_leads(st, s, 0) != 0) {
    cli_error("report", "out of memory (or interrupted) while explaining the misses");
    status = CLI_EXIT_IO;
    goto done;
  }
  if (out_dir && cli_mkdirs(out_dir) != 0) {
    cli_error("report", "cannot create the directory %s: %s", out_dir, strerror(errno));
    status = CLI_EXIT_IO;
    goto done;
  }
  if (strcmp(format, "csv") == 0) {
    if (out_dir) {
      status = CLI_EXIT_OK;
      for (size_t i = 0; i < sizeof csv_tables / sizeof *csv_tables && status == CLI_EXIT_OK; i++) {
        if (table_fn && csv_tables[i].fn != table_fn) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.csv", out_dir, csv_tables[i].name);
        status = write_csv_table(path, csv_tables[i].fn, s);
        if (status == CLI_EXIT_OK) printf("%s\n", path);
      }
    } else {
      status = write_csv_table(out, table_fn ? table_fn : report_csv_write_summary, s);
    }
  } else if (out_dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/report.%s", out_dir, format);
    status = write_report(path, format, st, s, json_tables);
    if (status == CLI_EXIT_OK) printf("%s\n", path);
  } else {
    status = write_report(out, format, st, s, json_tables);
  }
done:
  report_cc_free(cct);
  report_summary_free(s);
  report_store_close(st);
  cli_strlist_free(&pos);
  return status;
}

/* The text of a run's overrides joined by sep ("" when none); malloc'ed. */
static char *join_overrides(const report_run *r, const char *sep) {
  size_t len = 1;
  for (size_t i = 0; i < r->n_overrides; i++) len += strlen(r->overrides[i]) + strlen(sep);
  char *t = malloc(len);
  if (!t) return NULL;
  t[0] = '\0';
  for (size_t i = 0; i < r->n_overrides; i++) {
    if (i) strcat(t, sep);
    strcat(t, r->overrides[i]);
  }
  return t;
}

static void csv_u64(uint64_t v) { printf(",%llu", (unsigned long long)v); }
static void csv_text(const char *t) {
  putchar(',');
  report_csv_field(stdout, t);
}

/* runs --format csv: one row per run. */
#define RUNS_CSV_HEADER                                                                      \
  "id,scenario,status,mode,seed,trials,first_trial,trials_done,detail,threads,started,"     \
  "finished,program_version,sweep_id,point,shard,total_trials,scenario_hash,horizon_s,"     \
  "disaster,overrides"

static int print_runs_csv(report_run **runs, size_t n) {
  puts(RUNS_CSV_HEADER);
  for (size_t i = 0; i < n; i++) {
    const report_run *r = runs[i];
    char *ov = join_overrides(r, "\n");
    if (!ov) return -1;
    printf("%lld", (long long)r->id);
    csv_text(r->scenario_name);
    csv_text(report_store_run_state(r));
    csv_text(r->mode == MODEL_MODE_LIFETIME ? "lifetime" : "disaster");
    csv_u64(r->seed);
    csv_u64(r->trials);
    csv_u64(r->first_trial);
    csv_u64(r->trials_done);
    csv_text(r->detail == REPORT_DETAIL_STEPS ? "steps" : "summary");
    printf(",%u", r->threads);
    csv_text(r->started);
    csv_text(r->finished);
    csv_text(r->program_version);
    if (r->sweep_id) printf(",%lld", (long long)r->sweep_id); else putchar(',');
    if (r->point >= 0) printf(",%lld", (long long)r->point); else putchar(',');
    csv_text(r->shard);
    if (r->total_trials) csv_u64(r->total_trials); else putchar(',');
    csv_text(r->scenario_hash);
    putchar(',');
    report_csv_number(stdout, r->horizon_s);
    csv_text(r->disaster);
    csv_text(ov);
    putchar('\n');
    free(ov);
  }
  return 0;
}

static int print_runs_json(report_run **runs, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++)
    if (json_array_append_new(arr, report_json_run(runs[i]))) {
      json_decref(arr);
      arr = NULL;
    }
  if (!arr) return -1;
  report_error err;
  report_json_write(stdout, arr, &err);   /* a write error: the caller's stdout check */
  json_decref(arr);
  return 0;
}

static void print_runs_text(report_run **runs, size_t n) {
  printf("%-5s %-28s %-12s %-9s %12s %12s %12s %-24s %-9s %-9s %s\n", "id", "scenario", "status",
         "mode", "seed", "trials", "done", "started", "sweep", "shard", "overrides");
  for (size_t i = 0; i < n; i++) {
    const report_run *r = runs[i];
    char sweep[48] = "-", *ov = join_overrides(r, " ");
    if (r->sweep_id && r->point >= 0)
      snprintf(sweep, sizeof sweep, "%lld:%lld", (long long)r->sweep_id, (long long)r->point);
    else if (r->sweep_id)
      snprintf(sweep, sizeof sweep, "%lld", (long long)r->sweep_id);
    /* Control characters (an escape sequence in a name stored by an older
    ** drsim) never reach the terminal. */
    char name[29];
    size_t k = 0;
    for (const char *p = r->scenario_name; p && *p && k < sizeof name - 1; p++)
      name[k++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? '?' : *p;
    name[k] = '\0';
    printf("%-5lld %-28.28s %-12s %-9s %12llu %12llu %12llu %-24s %-9s %-9s %s\n", (long long)r->id,
           name, report_store_run_state(r),
           r->mode == MODEL_MODE_LIFETIME ? "lifetime" : "disaster", (unsigned long long)r->seed,
           (unsigned long long)r->trials, (unsigned long long)r->trials_done,
           r->started ? r->started : "", sweep, r->shard ? r->shard : "-",
           ov && *ov ? ov : "-");
    free(ov);
  }
}

/* drsim runs --delete ID / --delete-sweep ID: remove runs cleanly (one
** transaction each), refusing a run a live process executes. */
static int delete_runs(const char *db, int64_t run, int64_t sweep) {
  report_store *st = NULL;
  report_error err;
  if (access(db, F_OK) != 0) {
    cli_error("runs", "%s: %s", db, strerror(errno));
    return CLI_EXIT_IO;
  }
  if (report_store_open(db, REPORT_STORE_READWRITE, &st, &err) != REPORT_OK) {
    fprintf(stderr, "drsim runs: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  int status = CLI_EXIT_OK;
  size_t deleted = 0;
  if (run) {
    int rc = report_store_run_delete(st, run, &err);
    if (rc != REPORT_OK) {
      fprintf(stderr, "drsim runs: error: %s\n", err.text);
      status = rc == REPORT_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_IO;
    } else {
      deleted++;
    }
  } else {
    report_run **runs = NULL;
    size_t n = 0;
    if (report_store_runs_list(st, &runs, &n, &err) != REPORT_OK) {
      fprintf(stderr, "drsim runs: error: %s\n", err.text);
      status = CLI_EXIT_IO;
    }
    /* Refuse the whole sweep while one of its runs is live. */
    for (size_t i = 0; i < n && status == CLI_EXIT_OK; i++)
      if (runs[i]->sweep_id == sweep && runs[i]->live) {
        cli_error("runs", "run %lld of sweep %lld is being executed by process %lld; wait for "
                  "it to finish", (long long)runs[i]->id, (long long)sweep,
                  (long long)runs[i]->owner.pid);
        status = CLI_EXIT_IO;
      }
    for (size_t i = 0; i < n && status == CLI_EXIT_OK; i++) {
      if (runs[i]->sweep_id != sweep) continue;
      if (report_store_run_delete(st, runs[i]->id, &err) != REPORT_OK) {
        fprintf(stderr, "drsim runs: error: %s\n", err.text);
        status = CLI_EXIT_IO;
      } else {
        deleted++;
      }
    }
    report_store_runs_free(runs, n);
    if (status == CLI_EXIT_OK && deleted == 0) {
      cli_error("runs", "no run of sweep %lld in %s; `drsim runs` lists them", (long long)sweep, db);
      status = CLI_EXIT_USAGE;
    }
  }
  report_store_close(st);
  if (status == CLI_EXIT_OK) fprintf(stderr, "deleted %zu run%s from %s\n", deleted, deleted == 1 ? "" : "s", db);
  return status;
}

int cli_cmd_runs(int argc, char **argv) {
  cli_strlist pos = {0};
  int help = 0, del_seen = 0, del_sweep_seen = 0;
  uint64_t del = 0, del_sweep = 0;
  const char *db = "drsim-results.db", *format = "text";
  cli_opt opts[] = {
    {"--db", CLI_OPT_STRING, &db, 0, 0, NULL},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"--delete", CLI_OPT_U64, &del, 1, INT64_MAX, &del_seen},
    {"--delete-sweep", CLI_OPT_U64, &del_sweep, 1, INT64_MAX, &del_sweep_seen},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  report_store *st = NULL;
  report_run **runs = NULL;
  size_t n = 0;
  if ((status = cli_args_parse("runs", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) {
    puts("usage: drsim runs [--db FILE] [--format text|csv|json]\n"
         "       drsim runs [--db FILE] --delete RUN_ID | --delete-sweep SWEEP_ID\n"
         "Lists the stored runs, oldest first: id, scenario, status, mode, seed, trials\n"
         "planned and done, start time, sweep id:point (sweep, size, sensitivity), shard\n"
         "(K/N of --shard) and the --set overrides. csv and json add first_trial, detail,\n"
         "threads, finished, program_version, total_trials, scenario_hash, horizon_s\n"
         "and disaster (csv: the overrides one per line in a quoted field; json: an\n"
         "array). A run whose process was killed shows as 'interrupted' (its owner is\n"
         "gone; drsim run --resume continues it).\n"
         "  --delete RUN_ID         remove a run and all its rows (e.g. a shard to run again)\n"
         "  --delete-sweep SWEEP_ID remove every run of a sweep (or size/sensitivity search)\n"
         "A run that a live process executes is never deleted (exit 3).\n"
         "exit status: 0 ok, 2 bad flags or no such run, 3 I/O or database error.");
    status = CLI_EXIT_OK;
    goto done;
  }
  if (pos.n) { cli_error("runs", "unexpected argument '%s'", pos.items[0]); goto done; }
  if (del_seen && del_sweep_seen) { cli_error("runs", "give --delete or --delete-sweep, not both"); goto done; }
  if (del_seen || del_sweep_seen) {
    status = delete_runs(db, del_seen ? (int64_t)del : 0, (int64_t)del_sweep);
    goto done;
  }
  if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json")) {
    cli_error("runs", "--format '%s' is not valid; use text, csv or json", format);
    goto done;
  }
  if ((status = open_ro("runs", db, &st)) != CLI_EXIT_OK) goto done;
  report_error err;
  if (report_store_runs_list(st, &runs, &n, &err) != REPORT_OK) {
    fprintf(stderr, "drsim runs: error: %s\n", err.text);
    status = CLI_EXIT_IO;
    goto done;
  }
  status = CLI_EXIT_OK;
  if (strcmp(format, "csv") == 0) {
    if (print_runs_csv(runs, n)) status = CLI_EXIT_IO;
  } else if (strcmp(format, "json") == 0) {
    if (print_runs_json(runs, n)) status = CLI_EXIT_IO;
  } else {
    print_runs_text(runs, n);
  }
  if (status != CLI_EXIT_OK) cli_error("runs", "out of memory");
  else if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("runs", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
done:
  report_store_runs_free(runs, n);
  report_store_close(st);
  cli_strlist_free(&pos);
  return status;
}

/* Difference b - a of two estimates with 95 % intervals, by MOVER (method
** of variance estimates recovery, Newcombe 1998 / Zou & Donner 2008): each
** side's interval half-widths are combined in quadrature. Valid for
** independent runs; for runs sharing a seed (common random numbers) it is
** conservative. */


/* One line of `compare`: a statistic of one (environment, metric) row in
** runs A and B and the difference B - A with its 95 % interval. */
typedef struct compare_line {
  const char *environment, *metric, *statistic;   /* statistic: p50 .. p99, p_meet */
  int is_fraction;                                /* values are fractions, else seconds */
  report_stats_ci a, b;
  double d, lo, hi;
} compare_line;

#define COMPARE_CSV_HEADER                                                                   \
  "environment,metric,statistic,a,a_lo,a_hi,b,b_lo,b_hi,difference,difference_lo,"         \
  "difference_hi,run_a,run_b,n_a,n_b"

static void compare_csv(const compare_line *l, size_t n, const int64_t ids[2], const uint64_t ns[2]) {
  puts(COMPARE_CSV_HEADER);
  for (size_t i = 0; i < n; i++) {
    report_csv_field(stdout, l[i].environment);
    csv_text(l[i].metric);
    csv_text(l[i].statistic);
    double v[] = {l[i].a.est, l[i].a.lo, l[i].a.hi, l[i].b.est, l[i].b.lo, l[i].b.hi,
                  l[i].d, l[i].lo, l[i].hi};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
      putchar(',');
      report_csv_number(stdout, v[k]);
    }
    printf(",%lld,%lld,%llu,%llu\n", (long long)ids[0], (long long)ids[1],
           (unsigned long long)ns[0], (unsigned long long)ns[1]);
  }
}

static int compare_json(const compare_line *l, size_t n, const int64_t ids[2], const uint64_t ns[2]) {
  json_t *rows = json_array();
  int ok = rows != NULL;
  for (size_t i = 0; ok && i < n; i++) {
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:o, s:o}",
                          "environment", l[i].environment, "metric", l[i].metric,
                          "statistic", l[i].statistic,
                          "a", report_json_number(l[i].a.est), "a_lo", report_json_number(l[i].a.lo),
                          "a_hi", report_json_number(l[i].a.hi),
                          "b", report_json_number(l[i].b.est), "b_lo", report_json_number(l[i].b.lo),
                          "b_hi", report_json_number(l[i].b.hi),
                          "difference", report_json_number(l[i].d),
                          "difference_lo", report_json_number(l[i].lo),
                          "difference_hi", report_json_number(l[i].hi),
                          "run_a", (json_int_t)ids[0], "run_b", (json_int_t)ids[1],
                          "n_a", report_json_count(ns[0]), "n_b", report_json_count(ns[1]));
    if (!o || json_array_append_new(rows, o)) ok = 0;
  }
  if (!ok) {
    json_decref(rows);
    return -1;
  }
  report_error err;
  report_json_write(stdout, rows, &err);   /* a write error: the caller's stdout check */
  json_decref(rows);
  return 0;
}

static void compare_md(const compare_line *l, size_t n, const int64_t ids[2], const uint64_t ns[2]) {
  printf("# Run %lld vs run %lld (difference = B - A, 95 %% interval)\n\n", (long long)ids[0],
         (long long)ids[1]);
  printf("| environment | metric | statistic | A (n=%llu) | B (n=%llu) | B - A | 95 %% interval |\n",
         (unsigned long long)ns[0], (unsigned long long)ns[1]);
  printf("|---|---|---|---:|---:|---:|---|\n");
  for (size_t i = 0; i < n; i++) {
    const compare_line *c = &l[i];
    int pct = c->is_fraction || strcmp(c->statistic, "p_meet") == 0;
    char ca[48], cb[48], cd[48], cl[48], ch[48];
    if (pct) {
      report_md_format_percent(c->a.est, ca, sizeof ca);
      report_md_format_percent(c->b.est, cb, sizeof cb);
      snprintf(cd, sizeof cd, "%+.2f pp", 100 * c->d);
      snprintf(cl, sizeof cl, "%+.2f", 100 * c->lo);
      snprintf(ch, sizeof ch, "%+.2f pp", 100 * c->hi);
    } else {
      report_md_format_duration(c->a.est, ca, sizeof ca);
      report_md_format_duration(c->b.est, cb, sizeof cb);
      char t[48];
      snprintf(cd, sizeof cd, "%s%s", c->d < 0 ? "-" : "+", report_md_format_duration(fabs(c->d), t, sizeof t));
      snprintf(cl, sizeof cl, "%s%s", c->lo < 0 ? "-" : "+", report_md_format_duration(fabs(c->lo), t, sizeof t));
      snprintf(ch, sizeof ch, "%s%s", c->hi < 0 ? "-" : "+", report_md_format_duration(fabs(c->hi), t, sizeof t));
    }
    printf("| %s | %s | %s | %s | %s | %s | [%s, %s] |\n", c->environment, c->metric,
           strcmp(c->statistic, "p_meet") == 0 ? "P(meet)" : c->statistic, ca, cb, cd, cl, ch);
  }
}

int cli_cmd_compare(int argc, char **argv) {
  cli_strlist pos = {0};
  int help = 0;
  const char *db = "drsim-results.db", *format = "md";
  cli_opt opts[] = {
    {"--db", CLI_OPT_STRING, &db, 0, 0, NULL},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  report_store *st = NULL;
  report_summary *sa = NULL, *sb = NULL;
  compare_line *lines = NULL;
  size_t n_lines = 0;
  if ((status = cli_args_parse("compare", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) {
    puts("usage: drsim compare [--db FILE] [--format md|csv|json] RUN_A RUN_B\n"
         "Shows two runs side by side: each percentile and P(meet) of A and B and the\n"
         "difference B - A with a 95 % interval (MOVER; conservative for runs that\n"
         "share a seed). csv and json: one row per environment, metric and statistic\n"
         "(p50, p90, p95, p99, p_meet) with A, B and B - A and their intervals, in\n"
         "seconds or fractions (" COMPARE_CSV_HEADER ").\n"
         "exit status: 0 ok, 2 bad input (no such run), 3 I/O or database error.");
    status = CLI_EXIT_OK;
    goto done;
  }
  if (strcmp(format, "md") && strcmp(format, "csv") && strcmp(format, "json")) {
    cli_error("compare", "--format '%s' is not valid; use md, csv or json", format);
    goto done;
  }
  if (pos.n != 2) { cli_error("compare", "expected two run ids: drsim compare RUN_A RUN_B"); goto done; }
  int64_t ids[2];
  for (int i = 0; i < 2; i++) {
    char *end;
    errno = 0;
    long long v = strtoll(pos.items[i], &end, 10);
    if (errno || *end || v < 1) {
      cli_error("compare", "'%s' is not a run id; see drsim runs", pos.items[i]);
      goto done;
    }
    ids[i] = v;
  }
  if ((status = open_ro("compare", db, &st)) != CLI_EXIT_OK) goto done;
  report_error err;
  report_summary **ss[2] = {&sa, &sb};
  for (int i = 0; i < 2; i++) {
    int rc = report_summary_build(st, ids[i], ss[i], &err);
    if (rc != REPORT_OK) {
      fprintf(stderr, "drsim compare: error: %s\n", err.text);
      status = rc == REPORT_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_IO;
      goto done;
    }
  }
  const report_summary_row *ra, *rb;
  size_t na = report_summary_rows(sa, &ra), nb = report_summary_rows(sb, &rb);
  lines = calloc(5 * na + 1, sizeof *lines);
  if (!lines) { cli_error("compare", "out of memory"); status = CLI_EXIT_IO; goto done; }
  for (size_t i = 0; i < na; i++) {
    const report_summary_row *a = &ra[i], *b = NULL;
    for (size_t j = 0; j < nb; j++)
      if (!strcmp(rb[j].environment, a->environment) && !strcmp(rb[j].metric, a->metric)) b = &rb[j];
    if (!b) continue;
    struct { const char *name; report_stats_ci a, b; } stats[] = {
      {"p50", a->p50, b->p50}, {"p90", a->p90, b->p90}, {"p95", a->p95, b->p95},
      {"p99", a->p99, b->p99}, {"p_meet", a->p_meet, b->p_meet},
    };
    for (size_t k = 0; k < sizeof stats / sizeof *stats; k++) {
      if (isnan(stats[k].a.est) && isnan(stats[k].b.est)) continue;
      compare_line *l = &lines[n_lines++];
      l->environment = a->environment;
      l->metric = a->metric;
      l->statistic = stats[k].name;
      l->is_fraction = a->is_fraction;
      l->a = stats[k].a;
      l->b = stats[k].b;
      report_stats_ci d = report_stats_difference(stats[k].a, stats[k].b);
      l->d = d.est, l->lo = d.lo, l->hi = d.hi;
    }
  }
  if (n_lines == 0) {
    /* An empty table with exit 0 would read as "no difference". */
    char envs[2][300];
    for (int k = 0; k < 2; k++) {
      const report_run *r = report_summary_run(k ? sb : sa);
      size_t off = 0;
      envs[k][0] = '\0';
      for (size_t e = 0; e < r->n_environments && off < sizeof envs[k]; e++)
        off += (size_t)snprintf(envs[k] + off, sizeof envs[k] - off, "%s%s", e ? ", " : "",
                                r->environments[e].name);
    }
    cli_error("compare", "runs %lld and %lld have no environment and metric in common (run "
              "%lld: %s; run %lld: %s); nothing to compare", (long long)ids[0], (long long)ids[1],
              (long long)ids[0], envs[0][0] ? envs[0] : "no results", (long long)ids[1],
              envs[1][0] ? envs[1] : "no results");
    status = CLI_EXIT_USAGE;
    goto done;
  }
  uint64_t ns[2] = {report_summary_run(sa)->trials_done, report_summary_run(sb)->trials_done};
  status = CLI_EXIT_OK;
  if (strcmp(format, "csv") == 0) compare_csv(lines, n_lines, ids, ns);
  else if (strcmp(format, "json") == 0) {
    if (compare_json(lines, n_lines, ids, ns)) {
      cli_error("compare", "out of memory");
      status = CLI_EXIT_IO;
    }
  } else compare_md(lines, n_lines, ids, ns);
  if (status == CLI_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
    cli_error("compare", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
done:
  free(lines);
  report_summary_free(sa);
  report_summary_free(sb);
  report_store_close(st);
  cli_strlist_free(&pos);
  return status;
}

int cli_cmd_export(int argc, char **argv) {
  cli_strlist pos = {0};
  int help = 0, run_seen = 0;
  uint64_t run = 0;
  const char *db = "drsim-results.db", *table = "trials", *format = "csv", *out = NULL;
  cli_opt opts[] = {
    {"--db", CLI_OPT_STRING, &db, 0, 0, NULL},
    {"--run", CLI_OPT_U64, &run, 1, INT64_MAX, &run_seen},
    {"--table", CLI_OPT_STRING, &table, 0, 0, NULL},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"-o", CLI_OPT_STRING, &out, 0, 0, NULL},
    {"--output", CLI_OPT_STRING, &out, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  report_store *st = NULL;
  if ((status = cli_args_parse("export", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) {
    puts("usage: drsim export [--db FILE] [--run ID] --table trials|incidents --format csv [-o FILE]\n"
         "Dumps the raw per-trial rows of a run (default: the newest) for analysts;\n"
         "incidents: each disaster incident of a lifetime-mode run.");
    status = CLI_EXIT_OK;
    goto done;
  }
  if (pos.n) { cli_error("export", "unexpected argument '%s'", pos.items[0]); goto done; }
  int incidents = strcmp(table, "incidents") == 0;
  if (strcmp(table, "trials") && !incidents) {
    cli_error("export", "--table '%s' is not valid; use trials or incidents", table);
    goto done;
  }
  if (strcmp(format, "csv")) { cli_error("export", "--format '%s' is not valid; use csv", format); goto done; }
  if ((status = cli_outfile_check("export", out, &db, 1)) != CLI_EXIT_OK) goto done;
  if ((status = open_ro("export", db, &st)) != CLI_EXIT_OK) goto done;
  int64_t id;
  if ((status = pick_run("export", st, run_seen, run, &id)) != CLI_EXIT_OK) goto done;
  cli_outfile *o;
  if ((status = cli_outfile_open("export", out, &o)) != CLI_EXIT_OK) goto done;
  report_error err;
  int rc = incidents ? report_csv_write_incidents(cli_outfile_stream(o), st, id, &err)
                     : report_csv_write_trials(cli_outfile_stream(o), st, id, &err);
  if (rc != REPORT_OK) fprintf(stderr, "drsim export: error: %s\n", err.text);
  status = cli_outfile_close(o, rc == REPORT_OK);
  if (rc != REPORT_OK) status = rc == REPORT_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_IO;
done:
  report_store_close(st);
  cli_strlist_free(&pos);
  return status;
}
