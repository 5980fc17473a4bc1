/*
** cli/run_exec.h — execute the trials of one run: the scenario's model
** (disaster or lifetime mode) on the Monte Carlo runner's threads, each
** chunk of results appended to the store in trial order. Shared by `run`,
** `sweep`, `size` and `sensitivity`.
*/
#ifndef DRSIM_CLI_RUN_EXEC_H
#define DRSIM_CLI_RUN_EXEC_H

#include <signal.h>
#include <stdint.h>
#include "models/scenario.h"
#include "reports/store.h"

typedef struct cli_run_exec {
  /* in */
  const model_scenario *sc;
  uint64_t seed;
  uint64_t first_trial, n_trials;
  unsigned threads;                  /* 0: all cores */
  report_store *store;               /* NULL: results are discarded */
  int64_t run_id;                    /* the store's run, begun by the caller */
  volatile sig_atomic_t *stop_flag;  /* optional */
  int show_progress;                 /* progress bar on stderr */
  /* optional extra sink: called after each stored chunk (e.g. in-memory stats) */
  int (*observe)(void *ctx, uint64_t first, size_t n, const void *records);
  void *observe_ctx;
  /* MPI builds (cli/mpi_run.h): what the other ranks rebuild the scenario
  ** from (the text as loaded and its --set overrides); sc must be exactly
  ** what they load to (a point of a sweep: pass its overrides, do not
  ** change sc in memory). Without scenario_text an MPI run computes on
  ** rank 0 alone. */
  const char *scenario_text;
  const char *const *overrides;
  size_t n_overrides;
  const void *mpi_plan;              /* set by cli/mpi_run.c on ranks > 0; else NULL */
  /* out */
  uint64_t delivered;                /* trials stored (a prefix) */
  double elapsed_s;
  int store_failed;                  /* 1: the failure came from the store; see err */
  report_error err;
} cli_run_exec;

/* Run x->n_trials trials. Returns a SIM_RUNNER_* status (sim/runner.h):
** OK, INTERRUPTED (stop_flag raised; a prefix was stored) or an error. */
int cli_run_exec_go(cli_run_exec *x);

/* Threads actually used for a requested count (0 → all cores). */
unsigned cli_run_exec_threads(unsigned requested);

#endif
