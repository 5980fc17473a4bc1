/*
** cli/cmd_run.c — `drsim run SCENARIO.yaml`: simulate the scenario's disaster
** over many Monte Carlo trials on worker threads, store every trial in
** SQLite as it goes, and print the summary.
**
** The face of study/run.h (which holds the lifecycle: plan, begin or
** resume, execute, finish): this file parses the options, prints the
** scenario's diagnostics, progress, throughput and summary, and maps the
** outcome to the exit status. Ctrl-C (SIGINT) or SIGTERM stops the
** workers, keeps every finished trial, marks the run 'interrupted', and
** `--resume RUN_ID` continues it.
*/
#include "study/detail.h"
#include "cli/calib.h"
#include "cli/common.h"
#include "cli/run_output.h"
#include "models/outcome.h"
#include "reports/store.h"
#include "study/input.h"
#include "study/run.h"
#include "study/trials.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static void usage(void) {
  puts("usage: drsim run SCENARIO.yaml [options]     (SCENARIO '-': standard input)\n"
       "       drsim run --resume RUN_ID [--db FILE] [options]\n"
       "\n"
       "Simulates the scenario's disaster --trials times, stores every trial in the\n"
       "results database and prints the summary (RTO/RPO percentiles, P(meet) with\n"
       "95 % intervals, share not recovered).\n"
       "\n"
       "options:\n"
       "  --trials N        trials to run (default: the scenario's `trials`, else 10000)\n"
       "  --seed S          run seed (default: the scenario's `seed`, else 42)\n"
       "  --threads T       worker threads (default: all cores); results do not depend on T\n"
       "  --db FILE         results database (default drsim-results.db)\n"
       "  --set PATH=VALUE  override a scenario value (repeatable)\n"
       CLI_ALLOW_PATH_HELP
       "  --detail D        auto | summary | steps (default auto): auto and summary keep one\n"
       "                    row per trial and environment, and reports simulate a trial's\n"
       "                    steps again when they need them (runs up to 100000 trials);\n"
       "                    steps also stores every step, component and pool row\n"
       "  --shard K/N       run only the K-th of N equal slices of the trials (1 <= K <= N)\n"
       "  --resume RUN_ID   continue an interrupted run to its trial count\n"
       "  --no-store        do not keep the trials (benchmarking): prints throughput\n"
       "                    only; with --fail-on-miss the trials go to a temporary\n"
       "                    database, deleted at exit, to check the objectives\n"
       "  --format F        summary format on stdout: md (default), csv, json, none\n"
       "  --fail-on-miss    exit 1 unless every objective is shown met: the one-sided\n"
       "                    95 % lower confidence bound of its share of trials meeting\n"
       "                    it is at least the scenario's meet.share (default 0.95);\n"
       "                    an objective missed or inconclusive (too few trials to\n"
       "                    tell) fails, whatever --format, with one line on stderr\n"
       "  --meet-share X    the share of trials that must meet an objective, in (0, 1):\n"
       "                    the same as --set meet.share=X (stored with the run)\n"
       "  --quiet           no progress bar\n"
       "  --strict          warnings (printed on stderr) are errors: the scenario's lint\n"
       "                    and overrides of values the model does not use\n"
       "  --epistemic N     parameter uncertainty: N draws of every distribution with\n"
       "                    `uncertainty:`, each a run of --trials at the same seed, stored\n"
       "                    as one sweep; prints P(meet) and p95 with intervals combining\n"
       "                    Monte Carlo and parameter uncertainty (docs/calibration.md)\n"
       "\n"
       "exit status: 0 ok, 1 objective missed (with --fail-on-miss), 2 bad input,\n"
       "3 I/O or database error, 130 interrupted (finished trials are kept).");
}


/* The command line of `drsim run`, parsed. */
typedef struct run_args {
  cli_strlist sets, pos, allow;
  int help, quiet, fail_on_miss, no_store, strict;
  int trials_seen, seed_seen, threads_seen, resume_seen, epistemic_seen;
  uint64_t trials, seed, threads, resume_id, epistemic;
  const char *db_path, *detail_s, *shard_s, *format, *meet_share_s;
  uint64_t shard_k, shard_n;
  char meet_set[80];            /* --meet-share X as "meet.share=X" */
} run_args;

/* Parse and check the options, alone and together. Returns CLI_EXIT_OK
** or prints the error and returns its exit status. */
static int parse_args(int argc, char **argv, run_args *a) {
  a->db_path = "drsim-results.db";
  a->detail_s = "auto";
  a->format = "md";
  cli_opt opts[] = {
    {"--trials", CLI_OPT_U64, &a->trials, 1, MODEL_MAX_TRIALS, &a->trials_seen},
    {"--seed", CLI_OPT_U64, &a->seed, 0, UINT64_MAX, &a->seed_seen},
    {"--threads", CLI_OPT_U64, &a->threads, 1, 1024, &a->threads_seen},
    {"--db", CLI_OPT_STRING, &a->db_path, 0, 0, NULL},
    {"--set", CLI_OPT_LIST, &a->sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &a->allow, 0, 0, NULL},
    {"--detail", CLI_OPT_STRING, &a->detail_s, 0, 0, NULL},
    {"--shard", CLI_OPT_STRING, &a->shard_s, 0, 0, NULL},
    {"--resume", CLI_OPT_U64, &a->resume_id, 1, INT64_MAX, &a->resume_seen},
    {"--no-store", CLI_OPT_FLAG, &a->no_store, 0, 0, NULL},
    {"--format", CLI_OPT_STRING, &a->format, 0, 0, NULL},
    {"--fail-on-miss", CLI_OPT_FLAG, &a->fail_on_miss, 0, 0, NULL},
    {"--meet-share", CLI_OPT_STRING, &a->meet_share_s, 0, 0, NULL},
    {"--quiet", CLI_OPT_FLAG, &a->quiet, 0, 0, NULL},
    {"--strict", CLI_OPT_FLAG, &a->strict, 0, 0, NULL},
    {"--epistemic", CLI_OPT_U64, &a->epistemic, 2, 100000, &a->epistemic_seen},
    {"--help", CLI_OPT_FLAG, &a->help, 0, 0, NULL},
  };
  int status = cli_args_parse("run", argc, argv, 2, opts, sizeof opts / sizeof *opts, &a->pos);
  if (status != 0 || a->help) return status;
  if (a->meet_share_s) {
    /* --meet-share X is --set meet.share=X: the run stores it, so its
    ** report judges by the same share (models/meet.h). */
    char *end;
    double share = strtod(a->meet_share_s, &end);
    if (*end || !(share > 0 && share < 1)) {
      cli_error("run", "--meet-share '%s' is not valid; give a share in (0, 1), e.g. 0.95",
                a->meet_share_s);
      return CLI_EXIT_USAGE;
    }
    snprintf(a->meet_set, sizeof a->meet_set, "meet.share=%.17g", share);
    if (cli_strlist_push(&a->sets, a->meet_set)) {
      cli_error("run", "out of memory");
      return CLI_EXIT_IO;
    }
  }
  if (strcmp(a->format, "md") && strcmp(a->format, "csv") && strcmp(a->format, "json") &&
      strcmp(a->format, "none")) {
    cli_error("run", "--format '%s' is not valid; use md, csv, json or none", a->format);
    return CLI_EXIT_USAGE;
  }
  if (a->shard_s && study_run_parse_shard(a->shard_s, &a->shard_k, &a->shard_n)) {
    cli_error("run", "--shard '%s' is not valid; write K/N with 1 <= K <= N, e.g. --shard 2/8",
              a->shard_s);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(a->detail_s, "auto") && strcmp(a->detail_s, "summary") &&
      strcmp(a->detail_s, "steps")) {
    cli_error("run", "--detail '%s' is not valid; use auto, summary or steps", a->detail_s);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

/* The combinations of options that `run` refuses (after --epistemic, which
** has its own). Returns CLI_EXIT_OK or prints the error. */
static int check_combination(const run_args *a) {
  if (a->resume_seen && a->no_store) {
    cli_error("run", "--resume needs the database; drop --no-store");
    return CLI_EXIT_USAGE;
  }
  if (a->resume_seen && (a->pos.n > 0 || a->sets.n > 0 || a->trials_seen || a->seed_seen ||
                         a->shard_s)) {
    cli_error("run", "--resume continues a stored run with its own scenario, seed and trial "
                     "count; give only --resume RUN_ID [--db FILE] [--threads T] "
                     "[--allow-path DIR]");
    return CLI_EXIT_USAGE;
  }
  if (!a->resume_seen && a->pos.n != 1) {
    cli_error("run", "expected exactly one scenario file; usage: drsim run SCENARIO.yaml "
                     "[options]");
    return CLI_EXIT_USAGE;
  }
  if (a->resume_seen && access(a->db_path, F_OK) != 0) {
    /* Opening read-write would create an empty database to find nothing in. */
    cli_error("run", "cannot resume run %llu: %s: %s", (unsigned long long)a->resume_id,
              a->db_path, strerror(errno));
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

/* `run --epistemic N` (cli/epistemic.c). */
static int run_epistemic(const run_args *a) {
  if (a->resume_seen || a->shard_s || a->no_store || a->fail_on_miss || a->pos.n != 1) {
    cli_error("run", "--epistemic N takes one scenario and no --resume, --shard, --no-store "
                     "or --fail-on-miss");
    return CLI_EXIT_USAGE;
  }
  cli_calib_epistemic ep = {a->pos.items[0], &a->sets, a->epistemic, a->trials_seen,
                            a->seed_seen, a->trials, a->seed,
                            a->threads_seen ? (unsigned)a->threads : 0, a->db_path, a->format,
                            a->quiet};
  return cli_calib_epistemic_run(&ep);
}

/* What a new run needs and owns. */
typedef struct new_run {
  study_input *input;
  model_scenario *sc;
  char *dir;
  study_run_spec spec;
} new_run;

/* Read and load the scenario, lint it, and plan the run: everything the
** user gave is checked before any file is created. */
static int plan_new(const run_args *a, new_run *nr, study_run **run) {
  model_load_opts lo = cli_load_opts(&a->allow);
  int status = cli_input_read(a->pos.items[0], &nr->input);
  if (status == CLI_EXIT_OK)
    status = cli_input_load(nr->input, &a->sets, &lo, a->strict ? CLI_LOAD_STRICT : 0, &nr->sc);
  if (status == CLI_EXIT_OK) status = cli_lint("run", nr->sc, a->strict);
  if (status != CLI_EXIT_OK) return status;
  nr->dir = study_input_folder(nr->input);
  study_run_spec *sp = &nr->spec;
  sp->sc = nr->sc;
  sp->text = study_input_text(nr->input);
  sp->overrides = a->sets.items;
  sp->n_overrides = a->sets.n;
  sp->scenario_dir = nr->dir;
  sp->seed_given = a->seed_seen;
  sp->seed = a->seed;
  sp->trials_given = a->trials_seen;
  sp->trials = a->trials;
  sp->shard_k = a->shard_s ? a->shard_k : 0;
  sp->shard_n = a->shard_s ? a->shard_n : 0;
  sp->detail = a->detail_s;
  sp->summary_only = a->no_store;
  sp->threads = a->threads_seen ? (unsigned)a->threads : 0;
  study_error err;
  status = study_run_new(sp, run, &err);
  if (status != STUDY_OK) cli_error("run", "%s", err.text);
  return cli_exit_from_study(status);
}

/* Open the results database; --no-store --fail-on-miss checks the
** objectives on a temporary one (tmp_db), removed when the run ends. */
static int open_store(const run_args *a, char *tmp_db, size_t n, report_store **store) {
  if (a->no_store && !a->fail_on_miss) return CLI_EXIT_OK;
  const char *path = a->db_path;
  if (a->no_store) {
    study_error err;
    if (study_run_temp_db(tmp_db, n, &err) != STUDY_OK) {
      cli_error("run", "%s", err.text);
      return CLI_EXIT_IO;
    }
    path = tmp_db;
  }
  report_error err;
  if (report_store_open(path, REPORT_STORE_READWRITE, store, &err) != REPORT_OK) {
    fprintf(stderr, "drsim run: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  /* The summary's per-pool percentiles of an environment with several
  ** pools re-simulate the run's pool values (study/detail.h). */
  if (study_detail_attach(*store, 0, NULL) != STUDY_OK) {
    fprintf(stderr, "drsim run: error: out of memory\n");
    report_store_close(*store);
    *store = NULL;
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

/* Claim and rebuild the stored run a->resume_id. */
static int resume_run(const run_args *a, report_store *store, study_run **run) {
  model_load_opts lo = cli_load_opts(&a->allow);
  model_diag *diag = NULL;
  study_error err;
  int rs = study_run_resume(store, (int64_t)a->resume_id, &lo, run, &diag, &err);
  if (diag) model_diag_print(diag, stderr);
  model_diag_free(diag);
  if (rs != STUDY_OK) cli_error("run", "%s", err.text);
  return cli_exit_from_study(rs);
}

/* After the trials: the throughput line, the summary (the objectives are
** checked whatever the output format; --no-store prints its throughput
** line only) and, when interrupted, how to continue. */
static int report_end(const run_args *a, report_store *store, const study_run *run,
                      unsigned threads) {
  uint64_t delivered = study_run_delivered(run);
  double elapsed = study_run_elapsed(run);
  int interrupted = study_run_interrupted(run);
  int64_t id = study_run_id(run);
  if (!a->quiet || a->no_store)
    fprintf(stderr, "%llu trials in %.2f s (%.0f trials/s, %u threads)%s\n",
            (unsigned long long)delivered, elapsed, elapsed > 0 ? (double)delivered / elapsed : 0,
            study_trials_threads(threads), interrupted ? ", interrupted" : "");
  int status = CLI_EXIT_OK;
  if (store) {
    int missed = 0;
    status = cli_run_print_summary(store, id, a->no_store ? "none" : a->format,
                                   a->fail_on_miss, &missed);
    if (status == CLI_EXIT_OK && a->fail_on_miss && missed) status = CLI_EXIT_MISSED;
  }
  if (study_run_finish_error(run) && status != CLI_EXIT_USAGE) status = CLI_EXIT_IO;
  if (interrupted) {
    if (a->no_store)
      fprintf(stderr, "run interrupted after %llu trials (not stored: --no-store; nothing to "
              "resume)\n", (unsigned long long)delivered);
    else
      fprintf(stderr, "run %lld interrupted after %llu trials; continue it with: drsim run "
              "--resume %lld --db %s\n", (long long)id, (unsigned long long)delivered,
              (long long)id, a->db_path);
    if (status == CLI_EXIT_OK || status == CLI_EXIT_MISSED) status = CLI_EXIT_INTERRUPTED;
  }
  return status;
}

/* Execute the run with a progress bar and Ctrl-C caught, then report. */
static int execute(const run_args *a, report_store *store, study_run *run) {
  study_run_exec_opts eo;
  memset(&eo, 0, sizeof eo);
  eo.threads = a->threads_seen ? (unsigned)a->threads : 0;
  eo.stop_flag = cli_signals_catch();
  if (!a->quiet && isatty(STDERR_FILENO)) eo.progress = cli_progress_bar;
  study_error err;
  int rs = study_run_execute(run, &eo, &err);
  cli_signals_restore();
  if (study_run_finish_error(run))
    fprintf(stderr, "drsim run: error: %s (the run's status could not be recorded)\n",
            study_run_finish_error(run));
  if (rs == STUDY_EIO) {
    cli_error("run", "%s", err.text);
    return CLI_EXIT_IO;
  }
  return report_end(a, store, run, eo.threads);
}

int cli_cmd_run(int argc, char **argv) {
  run_args a;
  memset(&a, 0, sizeof a);
  char tmp_db[4096] = "";
  new_run nr;
  memset(&nr, 0, sizeof nr);
  report_store *store = NULL;
  study_run *run = NULL;
  int status = parse_args(argc, argv, &a);
  if (status != CLI_EXIT_OK || a.help) {
    if (a.help) usage();
    goto done;
  }
  if (a.epistemic_seen) {
    status = run_epistemic(&a);
    goto done;
  }
  if ((status = check_combination(&a)) != CLI_EXIT_OK) goto done;
  if (!a.resume_seen && (status = plan_new(&a, &nr, &run)) != CLI_EXIT_OK) goto done;
  if ((status = open_store(&a, tmp_db, sizeof tmp_db, &store)) != CLI_EXIT_OK) goto done;
  if (a.resume_seen) status = resume_run(&a, store, &run);
  else {
    study_error err;
    int rs = study_run_begin(run, store, &err);
    if (rs != STUDY_OK) fprintf(stderr, "drsim run: error: %s\n", err.text);
    status = cli_exit_from_study(rs);
  }
  if (status == CLI_EXIT_OK) status = execute(&a, store, run);
done:
  study_run_free(run);
  report_store_close(store);
  if (tmp_db[0]) study_run_remove_db(tmp_db);
  model_scenario_free(nr.sc);
  study_input_free(nr.input);
  free(nr.dir);
  cli_strlist_free(&a.sets);
  cli_strlist_free(&a.allow);
  cli_strlist_free(&a.pos);
  return status;
}
