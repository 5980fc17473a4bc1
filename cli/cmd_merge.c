/*
** cli/cmd_merge.c — `drsim merge PART.db... -o OUT.db`: join the shards of
** one run (`drsim run --shard K/N --db part-K.db`, e.g. the tasks of a Slurm
** job array or a Kubernetes Indexed Job) into one database equal to a
** single run's (reports/merge.h says exactly how equal).
**
** It refuses parts of different runs (scenario, --set, seed, trial count,
** detail, drsim version) and overlapping shards (exit 2). Missing trials —
** a shard never run, or one stopped early — are listed with the command
** that fills each gap, and nothing is written (exit 2): a merged database
** is either complete or clearly not. --allow-gaps writes what there is as a
** run marked 'interrupted', for a first look; when only the end is missing,
** `drsim run --resume` on the merged run completes it.
*/
#include "cli/common.h"
#include "cli/outfile.h"
#include "reports/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void usage(void) {
  puts("usage: drsim merge PART.db... -o OUT.db [--allow-gaps] [--quiet]\n"
       "\n"
       "Merges the shards of one run (drsim run ... --shard K/N --db PART.db) into a\n"
       "new database holding one run of all the trials, identical to what a single\n"
       "`drsim run` with the same scenario, --set, --seed and --trials stores.\n"
       "Every run in every PART.db is one shard.\n"
       "\n"
       "The shards of a study (drsim sweep ... --shard K/N: every run a point) merge\n"
       "into one study instead: every point's run copied whole, as sweep 1 of OUT.db;\n"
       "the sweep command with --resume 1 --db OUT.db (no --shard) then prints it\n"
       "exactly as one machine would.\n"
       "\n"
       "Checks: the shards come from the same scenario (text and --set), seed,\n"
       "trial count, --detail and drsim version; no two shards hold the same trial;\n"
       "no trial is missing (a shard never run or stopped early: each gap is listed\n"
       "with the command that fills it).\n"
       "\n"
       "options:\n"
       "  -o, --output FILE  the merged database; must not exist yet\n"
       "  --allow-gaps       merge even with missing trials: the run is stored as\n"
       "                     'interrupted' (resumable with drsim run --resume when only\n"
       "                     the end is missing)\n"
       "  --quiet            print only errors\n"
       "\n"
       "exit status: 0 merged, 2 the parts do not fit together (different runs,\n"
       "overlap, missing trials) or bad arguments, 3 I/O or database error.");
}

static int status_of(int rc) {
  return rc == REPORT_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_IO;
}

static const char *status_word(report_run_status s) {
  return report_store_status_name(s);
}

/* The shard's command line, as the user would rerun it. */
static void print_shard_command(FILE *f, const report_merge_plan *plan, uint64_t k) {
  fprintf(f, "drsim run SCENARIO.yaml --shard %llu/%llu --trials %llu --seed %llu",
          (unsigned long long)k, (unsigned long long)plan->shard_count,
          (unsigned long long)plan->total_trials, (unsigned long long)plan->seed);
  for (size_t i = 0; i < plan->n_overrides; i++) fprintf(f, " --set '%s'", plan->overrides[i]);
  fprintf(f, " --db part-%llu.db", (unsigned long long)k);
}

/* One line per gap, with what fills it. */
static void print_gaps(FILE *f, const report_merge_plan *plan, const char *level) {
  uint64_t T = plan->total_trials, N = plan->shard_count;
  for (size_t i = 0; i < plan->n_gaps; i++) {
    const report_merge_gap *g = &plan->gaps[i];
    fprintf(f, "drsim merge: %s: trials %llu..%llu (%llu) are missing: ", level,
            (unsigned long long)g->first, (unsigned long long)(g->first + g->n - 1),
            (unsigned long long)g->n);
    if (g->part) {
      const report_merge_part *p = g->part;
      fprintf(f, "%s run %lld%s%s%s is %s after %llu of its %llu trials; finish it with\n"
              "    drsim run --resume %lld --db %s\n", p->path, (long long)p->run_id,
              p->shard ? " (shard " : "", p->shard ? p->shard : "", p->shard ? ")" : "",
              status_word(p->status),
              (unsigned long long)p->trials_done, (unsigned long long)p->trials,
              (long long)p->run_id, p->path);
      continue;
    }
    if (N == 0) {
      fprintf(f, "no part holds them; run the shard that covers them (same scenario, "
              "--set, --trials %llu and --seed %llu)\n", (unsigned long long)T,
              (unsigned long long)plan->seed);
      continue;
    }
    fprintf(f, "no part holds them; run (SCENARIO.yaml: the file of scenario '%s')\n",
            plan->scenario_name ? plan->scenario_name : "?");
    for (uint64_t k = 1; k <= N; k++) {
      uint64_t lo = (k - 1) * T / N, hi = k * T / N;
      if (lo < g->first + g->n && hi > g->first) {
        fputs("    ", f);
        print_shard_command(f, plan, k);
        fputc('\n', f);
      }
    }
  }
}

/* The shards of a study (drsim sweep --shard K/N): one sweep of every
** point's run (reports/merge.h). */
static int merge_study(const cli_strlist *pos, const char *out_path, int quiet) {
  report_error err;
  report_merge_study_info info;
  volatile sig_atomic_t *stop = cli_signals_catch();
  int rc = report_merge_study_write((const char *const *)pos->items, pos->n, out_path, stop,
                                    &info, &err);
  cli_signals_restore();
  if (rc == REPORT_EINTR) {
    cli_error("merge", "%s", err.text);
    return 130;
  }
  if (rc != REPORT_OK) {
    cli_error("merge", "%s", err.text);
    return status_of(rc);
  }
  if (!quiet)
    printf("merged %zu points (%lld..%lld) of a study of %s from %zu part%s into %s as sweep 1\n",
           info.n_points, (long long)info.first_point, (long long)info.last_point,
           info.scenario_name ? info.scenario_name : "?", pos->n, pos->n == 1 ? "" : "s",
           out_path);
  if (info.n_missing || info.n_incomplete || info.first_point != 0)
    fprintf(stderr, "drsim merge: %zu point%s before the last missing, %zu incomplete: the same "
            "command with --resume 1 --db %s runs them\n", info.n_missing + (size_t)info.first_point,
            info.n_missing + (size_t)info.first_point == 1 ? "" : "s", info.n_incomplete, out_path);
  if (!quiet)
    fprintf(stderr, "drsim merge: print the whole study with the command that ran it, without "
            "--shard, plus --resume 1 --db %s (points are read back, none is run again)\n",
            out_path);
  free(info.scenario_name);
  return CLI_EXIT_OK;
}

int cli_cmd_merge(int argc, char **argv) {
  cli_strlist pos = {0};
  const char *out_path = NULL;
  int help = 0, allow_gaps = 0, quiet = 0;
  cli_opt opts[] = {
    {"-o", CLI_OPT_STRING, &out_path, 0, 0, NULL},
    {"--output", CLI_OPT_STRING, &out_path, 0, 0, NULL},
    {"--allow-gaps", CLI_OPT_FLAG, &allow_gaps, 0, 0, NULL},
    {"--quiet", CLI_OPT_FLAG, &quiet, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  report_merge_plan *plan = NULL;
  report_error err;

  if ((status = cli_args_parse("merge", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n == 0) {
    cli_error("merge", "no part databases; usage: drsim merge PART.db... -o OUT.db");
    goto done;
  }
  if (!out_path) {
    cli_error("merge", "no output; give -o OUT.db (a new file)");
    goto done;
  }

  if ((status = cli_outfile_check("merge", out_path, pos.items, pos.n)) != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;
  int is_study = 0;
  int rc = report_merge_is_study(pos.items, pos.n, &is_study, &err);
  if (rc != REPORT_OK) {
    cli_error("merge", "%s", err.text);
    status = status_of(rc);
    goto done;
  }
  if (is_study) {
    status = merge_study(&pos, out_path, quiet);
    goto done;
  }
  rc = report_merge_plan_new(pos.items, pos.n, &plan, &err);
  if (rc != REPORT_OK) {
    cli_error("merge", "%s", err.text);
    status = status_of(rc);
    goto done;
  }
  if (!quiet) {
    fprintf(stderr, "%s (hash %s, seed %llu): %llu trials in %zu part%s\n",
            plan->scenario_name ? plan->scenario_name : "?",
            plan->scenario_hash ? plan->scenario_hash : "?", (unsigned long long)plan->seed,
            (unsigned long long)plan->total_trials, plan->n_parts, plan->n_parts == 1 ? "" : "s");
    for (size_t i = 0; i < plan->n_parts; i++) {
      const report_merge_part *p = &plan->parts[i];
      fprintf(stderr, "  %s: run %lld, shard %s, trials %llu..%llu, %llu stored, %s\n",
              p->path, (long long)p->run_id, p->shard ? p->shard : "-",
              (unsigned long long)p->first_trial,
              (unsigned long long)(p->first_trial + p->trials - 1),
              (unsigned long long)p->trials_done, status_word(p->status));
    }
  }
  if (!plan->total_known)
    fprintf(stderr, "drsim merge: warning: the parts do not record the run's total trial "
            "count (written by an older drsim); a missing LAST shard cannot be detected\n");
  if (plan->n_gaps) {
    print_gaps(stderr, plan, allow_gaps ? "warning" : "error");
    if (!allow_gaps) {
      fprintf(stderr, "drsim merge: error: %llu of %llu trials are missing; nothing written. "
              "Fill the gaps and merge again (or merge what there is with --allow-gaps)\n",
              (unsigned long long)(plan->total_trials - plan->trials_stored),
              (unsigned long long)plan->total_trials);
      goto done;
    }
  }

  int64_t run_id = 0;
  /* Ctrl-C or SIGTERM: stop, remove the temporary files, exit 130. */
  volatile sig_atomic_t *stop = cli_signals_catch();
  rc = report_merge_write_stoppable(plan, out_path, allow_gaps, stop, &run_id, &err);
  cli_signals_restore();
  if (rc == REPORT_EINTR) {
    cli_error("merge", "%s", err.text);
    status = 130;
    goto done;
  }
  if (rc != REPORT_OK) {
    cli_error("merge", "%s", err.text);
    status = status_of(rc);
    goto done;
  }
  status = CLI_EXIT_OK;
  if (!quiet)
    printf("merged %llu of %llu trials into %s as run %lld (%s)\n",
           (unsigned long long)plan->trials_stored, (unsigned long long)plan->total_trials,
           out_path, (long long)run_id, plan->n_gaps ? "interrupted" : "complete");
  if (plan->n_gaps) {
    /* Resumable only if the stored trials are a prefix (--resume appends at
    ** first_trial + trials_done). */
    int prefix = 1;
    for (size_t i = 0; i < plan->n_gaps; i++)
      if (plan->gaps[i].first < plan->trials_stored) prefix = 0;
    if (prefix)
      fprintf(stderr, "drsim merge: the merged run is incomplete; complete it with: "
              "drsim run --resume %lld --db %s\n", (long long)run_id, out_path);
    else
      fprintf(stderr, "drsim merge: the merged run is incomplete and misses trials in the "
              "middle: use it for a first look only; run the missing shards and merge again\n");
  }
done:
  report_merge_plan_free(plan);
  cli_strlist_free(&pos);
  return status;
}
