/*
** cli/sweep_values.h — the command-line face shared by the what-if
** commands `drsim sweep`, `drsim size` and `drsim sensitivity`: running a
** study point (study/point.h) and opening a sweep's store with the errors
** printed, and the commands' entry points. The analysis lives in study/
** (grid.h: --vary values; target.h: target metrics and statistics;
** point.h: one evaluation), the page frame in reports/page.h.
*/
#ifndef DRSIM_CLI_SWEEP_VALUES_H
#define DRSIM_CLI_SWEEP_VALUES_H

#include <stdint.h>
#include "cli/args.h"
#include "models/scenario.h"
#include "reports/page.h"
#include "reports/store.h"
#include "study/grid.h"
#include "study/point.h"
#include "study/target.h"

/* The options the what-if studies share (sweep, size, sensitivity; --shard
** K/N: each command says what it cuts): one
** table. A command's argument struct declares the fields with
** CLI_STUDY_ARGS; (an anonymous member: a->trials, a->sets, ...) and puts
** CLI_STUDY_OPTS(a) among the entries of its cli_opt table. */
#define CLI_STUDY_ARGS                                                        \
  struct {                                                                    \
    uint64_t trials, seed, threads, resume_id;                                \
    int trials_seen, seed_seen, threads_seen, resume_seen;                    \
    cli_strlist sets, allow;                                                  \
    const char *db_path, *format, *html, *shard;                              \
    uint64_t shard_k, shard_n;    /* --shard K/N, parsed (0/0: everything) */ \
    int quiet, strict, help;                                                  \
  }
#define CLI_STUDY_OPTS(a)                                                     \
  {"--trials", CLI_OPT_U64, &(a)->trials, 1, MODEL_MAX_TRIALS, &(a)->trials_seen}, \
  {"--seed", CLI_OPT_U64, &(a)->seed, 0, UINT64_MAX, &(a)->seed_seen},       \
  {"--threads", CLI_OPT_U64, &(a)->threads, 1, 1024, &(a)->threads_seen},    \
  {"--set", CLI_OPT_LIST, &(a)->sets, 0, 0, NULL},                           \
  {"--allow-path", CLI_OPT_LIST, &(a)->allow, 0, 0, NULL},                   \
  {"--db", CLI_OPT_STRING, &(a)->db_path, 0, 0, NULL},                       \
  {"--resume", CLI_OPT_U64, &(a)->resume_id, 1, INT64_MAX, &(a)->resume_seen}, \
  {"--shard", CLI_OPT_STRING, &(a)->shard, 0, 0, NULL},                     \
  {"--format", CLI_OPT_STRING, &(a)->format, 0, 0, NULL},                    \
  {"--html", CLI_OPT_STRING, &(a)->html, 0, 0, NULL},                        \
  {"--quiet", CLI_OPT_FLAG, &(a)->quiet, 0, 0, NULL},                        \
  {"--strict", CLI_OPT_FLAG, &(a)->strict, 0, 0, NULL},                      \
  {"--help", CLI_OPT_FLAG, &(a)->help, 0, 0, NULL}

/* study_point_run with its failures printed: the scenario's diagnostics
** (unless p->diag collects them) and "drsim CMD: error: ..." (CMD is
** p->cmd). Returns a CLI_EXIT_* status (CLI_EXIT_INTERRUPTED when stopped). */
int cli_sweep_point_run(study_point *p);

/* study_point_open_existing / study_point_open_store with the error printed
** as "drsim CMD: error: ...". Return a CLI_EXIT_* status. */
int cli_sweep_open_existing(const char *cmd, const char *db_path, int64_t sweep_id,
                            report_store **store);
int cli_sweep_open_store(const char *cmd, const char *db_path, report_store **store,
                         int64_t *sweep_id);

/* Entry points of the what-if commands, wired up by cli/main.c (argv[1] is
** the command name; each returns a CLI_EXIT_* status). */
int cli_cmd_sweep(int argc, char **argv);        /* cli/cmd_sweep.c */
int cli_cmd_size(int argc, char **argv);         /* cli/cmd_size.c */
int cli_cmd_optimize(int argc, char **argv);     /* cli/cmd_optimize.c */
int cli_cmd_sensitivity(int argc, char **argv);  /* cli/cmd_sensitivity.c */

#endif
