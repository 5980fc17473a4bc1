/*
** cli/cmd_run.c — `drsim run SCENARIO.yaml`: simulate the scenario's disaster
** over many Monte Carlo trials on worker threads, store every trial in
** SQLite as it goes, and print the summary.
**
** Reproducibility: a trial depends only on (scenario, seed, trial index), and
** the runner hands results to the store in trial order, so the database is
** identical for any --threads. Robustness: each stored chunk is one SQLite
** transaction; Ctrl-C (SIGINT) or SIGTERM stops the workers, keeps every
** finished trial, marks the run 'interrupted', and `--resume RUN_ID`
** continues it from the stored scenario text to its trial count.
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include "cli/calib.h"
#include "cli/common.h"
#include "drsim_version.h"   /* DRSIM_VERSION, generated at build time */
#include "cli/run_output.h"
#include "cli/run_exec.h"
#include "models/outcome.h"
#include "reports/store.h"
#include "sim/runner.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
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
       "  --detail D        auto | summary | steps: per-trial step/component rows are kept\n"
       "                    with `steps`; auto = steps up to 100000 trials (default auto)\n"
       "  --shard K/N       run only the K-th of N equal slices of the trials (1 <= K <= N)\n"
       "  --resume RUN_ID   continue an interrupted run to its trial count\n"
       "  --no-store        do not keep the trials (benchmarking): prints throughput\n"
       "                    only; with --fail-on-miss the trials go to a temporary\n"
       "                    database, deleted at exit, to check the objectives\n"
       "  --format F        summary format on stdout: md (default), csv, json, none\n"
       "  --fail-on-miss    exit 1 when an objective is met in fewer than --meet-share\n"
       "                    of the trials (default share 0.95: 'met at p95'), whatever\n"
       "                    --format, with one line on stderr naming what missed\n"
       "  --meet-share X    share of trials that must meet an objective, in (0, 1]\n"
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


/* "K/N" with 1 <= K <= N. */
static int parse_shard(const char *s, uint64_t *k, uint64_t *n) {
  char *end;
  errno = 0;
  if (!s || *s < '0' || *s > '9') return -1;
  unsigned long long a = strtoull(s, &end, 10);
  if (errno || *end != '/' || end[1] < '0' || end[1] > '9') return -1;
  unsigned long long b = strtoull(end + 1, &end, 10);
  if (errno || *end || a < 1 || b < 1 || a > b || b > 1000000) return -1;
  *k = a;
  *n = b;
  return 0;
}

static const char *temp_dir(void) {
  const char *d = getenv("TMPDIR");
  return d && *d ? d : "/tmp";
}

/* Create an empty file for a temporary database; its path in buf. */
static int open_temp_db(char *buf, size_t n) {
  if ((size_t)snprintf(buf, n, "%s/drsim-nostore-XXXXXX", temp_dir()) >= n) {
    errno = ENAMETOOLONG;
    buf[0] = '\0';
    return -1;
  }
  int fd = mkstemp(buf);
  if (fd < 0) {
    buf[0] = '\0';
    return -1;
  }
  close(fd);
  return 0;
}

/* Remove a database and the journal files SQLite keeps next to it. */
static void remove_db_files(const char *path) {
  char side[4200];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-journal", path);
  unlink(side);
}

/* The absolute folder of the scenario file (where its `file:` names
** resolve), stored with the run for --resume; the current directory for
** standard input. malloc'ed, or NULL. */
static char *scenario_folder(const char *path) {
  const char *slash = strcmp(path, "-") ? strrchr(path, '/') : NULL;
  char *dir = NULL;
  if (!slash) return realpath(".", NULL);
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  dir = malloc(n + 1);
  if (!dir) return NULL;
  memcpy(dir, path, n);
  dir[n] = '\0';
  char *real = realpath(dir, NULL);
  free(dir);
  return real;
}

int cli_cmd_run(int argc, char **argv) {
  cli_strlist sets = {0}, pos = {0}, allow = {0};
  int help = 0, quiet = 0, fail_on_miss = 0, no_store = 0, strict = 0;
  int trials_seen = 0, seed_seen = 0, threads_seen = 0, resume_seen = 0, epistemic_seen = 0;
  uint64_t trials = 0, seed = 0, threads = 0, resume_id = 0, epistemic = 0;
  const char *db_path = "drsim-results.db", *detail_s = "auto", *shard_s = NULL;
  const char *format = "md", *meet_share_s = "0.95";
  cli_opt opts[] = {
    {"--trials", CLI_OPT_U64, &trials, 1, UINT64_C(1000000000), &trials_seen},
    {"--seed", CLI_OPT_U64, &seed, 0, UINT64_MAX, &seed_seen},
    {"--threads", CLI_OPT_U64, &threads, 1, 1024, &threads_seen},
    {"--db", CLI_OPT_STRING, &db_path, 0, 0, NULL},
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--detail", CLI_OPT_STRING, &detail_s, 0, 0, NULL},
    {"--shard", CLI_OPT_STRING, &shard_s, 0, 0, NULL},
    {"--resume", CLI_OPT_U64, &resume_id, 1, INT64_MAX, &resume_seen},
    {"--no-store", CLI_OPT_FLAG, &no_store, 0, 0, NULL},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"--fail-on-miss", CLI_OPT_FLAG, &fail_on_miss, 0, 0, NULL},
    {"--meet-share", CLI_OPT_STRING, &meet_share_s, 0, 0, NULL},
    {"--quiet", CLI_OPT_FLAG, &quiet, 0, 0, NULL},
    {"--strict", CLI_OPT_FLAG, &strict, 0, 0, NULL},
    {"--epistemic", CLI_OPT_U64, &epistemic, 2, 100000, &epistemic_seen},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE, claimed = 0;
  char tmp_db[4096] = "";
  model_scenario *sc = NULL;
  report_store *store = NULL;
  report_run *old = NULL;
  char *text = NULL;
  cli_run_exec rc;
  memset(&rc, 0, sizeof rc);
  report_detail detail = REPORT_DETAIL_SUMMARY;
  uint64_t shard_k = 1, shard_n = 1;
  double meet_share = 0.95;

  if ((status = cli_args_parse("run", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  {
    char *end;
    meet_share = strtod(meet_share_s, &end);
    if (*end || !(meet_share > 0 && meet_share <= 1)) {
      cli_error("run", "--meet-share '%s' is not valid; give a share in (0, 1], e.g. 0.95", meet_share_s);
      goto done;
    }
  }
  if (strcmp(format, "md") && strcmp(format, "csv") && strcmp(format, "json") &&
      strcmp(format, "none")) {
    cli_error("run", "--format '%s' is not valid; use md, csv, json or none", format);
    goto done;
  }
  if (shard_s && parse_shard(shard_s, &shard_k, &shard_n)) {
    cli_error("run", "--shard '%s' is not valid; write K/N with 1 <= K <= N, e.g. --shard 2/8", shard_s);
    goto done;
  }
  if (strcmp(detail_s, "auto") && strcmp(detail_s, "summary") && strcmp(detail_s, "steps")) {
    cli_error("run", "--detail '%s' is not valid; use auto, summary or steps", detail_s);
    goto done;
  }
  if (epistemic_seen) {
    if (resume_seen || shard_s || no_store || fail_on_miss || pos.n != 1) {
      cli_error("run", "--epistemic N takes one scenario and no --resume, --shard, --no-store "
                       "or --fail-on-miss");
      goto done;
    }
    cli_calib_epistemic ep = {pos.items[0], &sets, epistemic, trials_seen, seed_seen, trials,
                              seed, threads_seen ? (unsigned)threads : 0, db_path, format, quiet};
    status = cli_calib_epistemic_run(&ep);
    goto done;
  }
  if (resume_seen && no_store) {
    cli_error("run", "--resume needs the database; drop --no-store");
    goto done;
  }
  if (resume_seen && (pos.n > 0 || sets.n > 0 || trials_seen || seed_seen || shard_s)) {
    cli_error("run", "--resume continues a stored run with its own scenario, seed and trial count; "
                     "give only --resume RUN_ID [--db FILE] [--threads T] [--allow-path DIR]");
    goto done;
  }
  if (!resume_seen && pos.n != 1) {
    cli_error("run", "expected exactly one scenario file; usage: drsim run SCENARIO.yaml [options]");
    goto done;
  }

  uint64_t first_trial = 0, n_trials = 0, total = 0;
  if (!resume_seen) {
    /* Everything the user gave is checked before any file is created: a
    ** run refused for bad input leaves no database behind. */
    model_load_opts lo = cli_load_opts(&allow);
    status = cli_load_scenario_text_flags(pos.items[0], &sets, &lo, strict ? CLI_LOAD_STRICT : 0, &sc, &text);
    if (status != CLI_EXIT_OK) goto done;
    status = cli_lint("run", sc, strict);
    if (status != CLI_EXIT_OK) goto done;
    status = CLI_EXIT_USAGE;
    for (size_t i = 0; i < sets.n; i++)
      if (strchr(sets.items[i], '\n')) {
        cli_error("run", "--set '%s' holds a line break; give one PATH=VALUE per --set", sets.items[i]);
        goto done;
      }
    if (!seed_seen) seed = sc->seed;
    total = trials_seen ? trials : sc->trials;
    first_trial = (shard_k - 1) * total / shard_n;
    n_trials = shard_k * total / shard_n - first_trial;
    if (n_trials == 0) {
      cli_error("run", "shard %s of %llu trials is empty; use fewer shards", shard_s,
                (unsigned long long)total);
      goto done;
    }
    if (!strcmp(detail_s, "steps") || (!strcmp(detail_s, "auto") && total <= 100000))
      detail = REPORT_DETAIL_STEPS;
  } else if (access(db_path, F_OK) != 0) {
    /* Opening read-write would create an empty database to find nothing in. */
    cli_error("run", "cannot resume run %llu: %s: %s", (unsigned long long)resume_id, db_path,
              strerror(errno));
    status = CLI_EXIT_IO;
    goto done;
  }

  if (!no_store || fail_on_miss) {
    report_error err;
    const char *path = db_path;
    if (no_store) {
      /* --no-store --fail-on-miss: the objectives are checked on a
      ** temporary database, removed when the run ends. */
      if (open_temp_db(tmp_db, sizeof tmp_db)) {
        cli_error("run", "cannot create a temporary database in %s: %s", temp_dir(), strerror(errno));
        status = CLI_EXIT_IO;
        goto done;
      }
      path = tmp_db;
    }
    int rs = report_store_open(path, REPORT_STORE_READWRITE, &store, &err);
    if (rs != REPORT_OK) {
      fprintf(stderr, "drsim run: error: %s\n", err.text);
      status = CLI_EXIT_IO;
      goto done;
    }
  }

  if (resume_seen) {
    report_error err;
    int rs = report_store_run_get(store, (int64_t)resume_id, &old, &err);
    if (rs != REPORT_OK) {
      fprintf(stderr, "drsim run: error: %s\n", err.text);
      status = rs == REPORT_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_IO;
      goto done;
    }
    if (old->status == REPORT_RUN_COMPLETE) {
      cli_error("run", "run %lld is already complete (%llu trials); nothing to resume",
                (long long)old->id, (unsigned long long)old->trials_done);
      goto done;
    }
    if (old->program_version && strcmp(old->program_version, DRSIM_VERSION) != 0) {
      cli_error("run", "run %lld was started by drsim %s, this is drsim %s; results of different "
                "builds are not mixed: resume it with drsim %s, or start a new run",
                (long long)old->id, old->program_version, DRSIM_VERSION, old->program_version);
      goto done;
    }
    if (!old->scenario_text) {
      cli_error("run", "run %lld has no stored scenario text; it cannot be resumed", (long long)old->id);
      goto done;
    }
    /* Claim the run first: a second --resume of a run that a live process
    ** executes is refused before it can touch anything. */
    if ((rs = report_store_run_reopen(store, old->id, &err)) != REPORT_OK) {
      fprintf(stderr, "drsim run: error: %s\n", err.text);
      status = CLI_EXIT_IO;
      goto done;
    }
    claimed = 1;
    int is_prefix = 1;
    if ((rs = report_store_run_prefix(store, old->id, &is_prefix, &err)) != REPORT_OK) {
      fprintf(stderr, "drsim run: error: %s\n", err.text);
      status = CLI_EXIT_IO;
      goto done;
    }
    if (!is_prefix) {
      cli_error("run", "run %lld holds %llu trials with gaps between them (a merge with "
                "--allow-gaps): --resume only appends after the last trial, so it cannot fill "
                "them; run the missing shards and merge again", (long long)old->id,
                (unsigned long long)old->trials_done);
      goto done;
    }
    /* The input files as pinned with the run: the stored copies, read
    ** from nowhere else; one not stored (too large) from the scenario's
    ** original folder, never the current directory, and checked. */
    model_input_file *pins = calloc(old->n_inputs + 1, sizeof *pins);
    if (!pins) { cli_error("run", "out of memory"); status = CLI_EXIT_IO; goto done; }
    size_t n_pins = 0;
    for (size_t i = 0; i < old->n_inputs; i++) {
      if (!old->inputs[i].content) continue;
      pins[n_pins].name = old->inputs[i].name;
      snprintf(pins[n_pins].sha256, sizeof pins[n_pins].sha256, "%s", old->inputs[i].sha256);
      pins[n_pins].content = old->inputs[i].content;
      pins[n_pins].size = (size_t)old->inputs[i].size;
      n_pins++;
    }
    model_load_opts lo = cli_load_opts(&allow);
    lo.base_dir = old->scenario_dir ? old->scenario_dir : NULL;
    lo.pinned = pins;
    lo.n_pinned = n_pins;
    model_diag *diag = model_diag_new();
    char source[128];
    snprintf(source, sizeof source, "%s (run %lld)", old->scenario_name, (long long)old->id);
    int lrc = diag ? model_scenario_load_string_opts(old->scenario_text, strlen(old->scenario_text),
                                                     source, (const char *const *)old->overrides,
                                                     old->n_overrides, &lo, &sc, diag)
                   : -1;
    free(pins);
    if (lrc) {
      if (diag) model_diag_print(diag, stderr);
      model_diag_free(diag);
      cli_error("run", "the stored scenario of run %lld no longer loads", (long long)old->id);
      goto done;
    }
    model_diag_free(diag);
    for (size_t i = 0; i < sc->n_inputs; i++)
      for (size_t j = 0; j < old->n_inputs; j++)
        if (!strcmp(sc->inputs[i].name, old->inputs[j].name) &&
            strcmp(sc->inputs[i].sha256, old->inputs[j].sha256) != 0) {
          cli_error("run", "input file '%s' of run %lld has changed since the run started "
                    "(SHA-256 %.12s... then, %.12s... now); refusing to mix two models: "
                    "restore the file, or start a new run", sc->inputs[i].name,
                    (long long)old->id, old->inputs[j].sha256, sc->inputs[i].sha256);
          goto done;
        }
    if (strcmp(sc->text_hash, old->scenario_hash) != 0) {
      cli_error("run", "the stored scenario of run %lld hashes to %s, not %s; refusing to mix results",
                (long long)old->id, sc->text_hash, old->scenario_hash);
      goto done;
    }
    seed = old->seed;
    first_trial = old->first_trial + old->trials_done;
    n_trials = old->trials - old->trials_done;
    detail = old->detail;
    rc.run_id = old->id;
  } else if (store) {
    report_run_info info;
    memset(&info, 0, sizeof info);
    info.scenario_text = text;
    info.overrides = sets.items;
    info.n_overrides = sets.n;
    info.seed = seed;
    info.trials = n_trials;
    info.first_trial = first_trial;
    info.detail = no_store ? REPORT_DETAIL_SUMMARY : detail;
    info.threads = cli_run_exec_threads(threads_seen ? (unsigned)threads : 0);
    info.point = -1;
    char *scenario_dir = scenario_folder(pos.items[0]);
    info.scenario_dir = scenario_dir;
    char shard_text[48];
    if (shard_s) {
      /* Provenance for drsim merge: which slice, and of how many trials. */
      snprintf(shard_text, sizeof shard_text, "%llu/%llu", (unsigned long long)shard_k,
               (unsigned long long)shard_n);
      info.shard = shard_text;
      info.total_trials = total;
    }
    report_error err;
    int rs = report_store_run_begin(store, &info, sc, &rc.run_id, &err);
    free(scenario_dir);
    if (rs != REPORT_OK) {
      fprintf(stderr, "drsim run: error: %s\n", err.text);
      status = rs == REPORT_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_IO;
      goto done;
    }
  }

  rc.sc = sc;
  rc.scenario_text = resume_seen ? old->scenario_text : text;
  rc.overrides = resume_seen ? (const char *const *)old->overrides : sets.items;
  rc.n_overrides = resume_seen ? old->n_overrides : sets.n;
  rc.seed = seed;
  rc.first_trial = first_trial;
  rc.n_trials = n_trials;
  rc.threads = threads_seen ? (unsigned)threads : 0;
  rc.store = store;
  rc.stop_flag = cli_signals_catch();
  rc.show_progress = !quiet && isatty(STDERR_FILENO);

  int rr = cli_run_exec_go(&rc);
  cli_signals_restore();
  uint64_t delivered = rc.delivered;
  double elapsed = rc.elapsed_s;

  report_run_status final = REPORT_RUN_COMPLETE;
  if (rr == SIM_RUNNER_INTERRUPTED) final = REPORT_RUN_INTERRUPTED;
  /* A store failure (disk full, file-size limit, lock) keeps the committed
  ** trials: the run is resumable, so 'interrupted', not 'failed'. */
  else if (rr != SIM_RUNNER_OK) final = rc.store_failed ? REPORT_RUN_INTERRUPTED : REPORT_RUN_FAILED;
  int finish_failed = 0;
  if (store) {
    report_error err;
    if (report_store_run_finish(store, rc.run_id, final, &err) != REPORT_OK) {
      fprintf(stderr, "drsim run: error: %s (the run's status could not be recorded)\n", err.text);
      finish_failed = 1;
    }
  }
  if (rr != SIM_RUNNER_OK && rr != SIM_RUNNER_INTERRUPTED) {
    if (rc.store_failed)
      fprintf(stderr, "drsim run: error: %s (the %llu trials stored before it are kept)\n",
              rc.err.text, (unsigned long long)delivered);
    else
      cli_error("run", "%s", sim_runner_strerror(rr));
    status = CLI_EXIT_IO;
    goto done;
  }
  if (!quiet || no_store)
    fprintf(stderr, "%llu trials in %.2f s (%.0f trials/s, %u threads)%s\n",
            (unsigned long long)delivered, elapsed, elapsed > 0 ? (double)delivered / elapsed : 0,
            cli_run_exec_threads(rc.threads),
            final == REPORT_RUN_INTERRUPTED ? ", interrupted" : "");
  status = CLI_EXIT_OK;
  if (store) {
    /* The objectives are checked whatever the output format; --no-store
    ** prints its throughput line only. */
    int missed = 0;
    status = cli_run_print_summary(store, rc.run_id, no_store ? "none" : format, meet_share,
                                   fail_on_miss, &missed);
    if (status == CLI_EXIT_OK && fail_on_miss && missed) status = CLI_EXIT_MISSED;
  }
  if (finish_failed && status != CLI_EXIT_USAGE) status = CLI_EXIT_IO;
  if (final == REPORT_RUN_INTERRUPTED) {
    if (no_store)
      fprintf(stderr, "run interrupted after %llu trials (not stored: --no-store; nothing to "
              "resume)\n", (unsigned long long)delivered);
    else
      fprintf(stderr, "run %lld interrupted after %llu trials; continue it with: drsim run "
              "--resume %lld --db %s\n", (long long)rc.run_id, (unsigned long long)delivered,
              (long long)rc.run_id, db_path);
    if (status == CLI_EXIT_OK || status == CLI_EXIT_MISSED) status = 130;
  }
done:
  if (claimed && status != CLI_EXIT_OK && !rc.sc && store) {
    /* Claimed for --resume but refused before running: give it back. */
    report_error err;
    report_store_run_finish(store, old->id, old->status == REPORT_RUN_RUNNING
                                                ? REPORT_RUN_INTERRUPTED : old->status, &err);
  }
  report_store_run_free(old);
  report_store_close(store);
  if (tmp_db[0]) remove_db_files(tmp_db);
  model_scenario_free(sc);
  free(text);
  cli_strlist_free(&sets);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  return status;
}
