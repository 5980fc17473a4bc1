/*
** study/exec.h — execute the trials of one run: the scenario's model on the
** Monte Carlo runner's threads (and, in MPI builds, over the ranks: see
** study/mpi.h), each chunk of results appended to the store in trial order
** and handed to an optional observer. Used by every study that runs
** trials: run, sweep points, size, sensitivity, epistemic draws, serve.
*/
#ifndef DRSIM_STUDY_EXEC_H
#define DRSIM_STUDY_EXEC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "models/scenario.h"
#include "reports/store.h"

typedef struct study_exec {
  /* in */
  const model_scenario *sc;
  uint64_t seed;
  uint64_t first_trial, n_trials;
  unsigned threads;                  /* 0: all cores */
  report_store *store;               /* NULL: results are discarded */
  int64_t run_id;                    /* the store's run, begun by the caller */
  volatile sig_atomic_t *stop_flag;  /* optional */
  /* optional: called from the thread that stores, after each chunk */
  void (*progress)(void *ctx, uint64_t done, uint64_t total, double elapsed_s);
  void *progress_ctx;
  /* optional extra sink: called after each stored chunk (e.g. in-memory
  ** stats); non-zero stops the run as a failure */
  int (*observe)(void *ctx, uint64_t first, size_t n, const void *records);
  void *observe_ctx;
  /* MPI builds (study/mpi.h): what the other ranks rebuild the scenario
  ** from (the text as loaded and its --set overrides); sc must be exactly
  ** what they load to (a point of a sweep: pass its overrides, do not
  ** change sc in memory). Without scenario_text an MPI run computes on
  ** rank 0 alone. */
  const char *scenario_text;
  const char *const *overrides;
  size_t n_overrides;
  /* out */
  uint64_t delivered;                /* trials stored (a prefix) */
  double elapsed_s;
  int store_failed;                  /* 1: the failure came from the store; see err */
  report_error err;
} study_exec;

/* Run x->n_trials trials from x->first_trial. Returns a SIM_RUNNER_*
** status (sim/runner.h): OK, INTERRUPTED (stop_flag raised; a prefix was
** stored) or an error (store_failed and err say whether the store failed). */
int study_exec_go(study_exec *x);

/* The stored status of a run whose execution returned runner status rr: a
** store failure (disk full, file-size limit, lock) keeps the committed
** trials, so the run is resumable ('interrupted'), not 'failed'. */
report_run_status study_exec_final(int rr, int store_failed);

#endif
