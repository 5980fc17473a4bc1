/*
** sim/runner.h — the Monte Carlo runner: trials spread over worker threads,
** results handed to one sink in increasing trial order.
**
** Reproducibility: a trial's result depends only on (the caller's model, the
** trial index); the runner guarantees the sink sees results in trial order,
** one call at a time, whatever the thread count. So the stored results are
** identical for 1, 2 or 64 threads.
**
** Results are fixed-size records of `result_size` bytes chosen by the caller.
** Workers claim chunks of consecutive trials, fill a chunk buffer, and the
** chunk is delivered to the sink as soon as every earlier chunk was.
** Memory is O(threads x chunk x result_size), independent of the trial count.
*/
#ifndef DRSIM_SIM_RUNNER_H
#define DRSIM_SIM_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Per-thread state: created once per worker thread, used for every trial
** that worker runs, freed at the end. Returns NULL when out of memory (the
** run then fails with SIM_RUNNER_EWORKER, reported as out of memory). */
typedef void *(*sim_runner_worker_new_fn)(void *arg);
typedef void (*sim_runner_worker_free_fn)(void *worker);

/* Run trial `trial` and write its result record into `result`
** (result_size bytes). Returns 0, or a nonzero status that stops the run. */
typedef int (*sim_runner_trial_fn)(void *worker, uint64_t trial, void *result);

/* Receive `n` consecutive results, trial `first` .. first+n-1, laid out
** back to back. Called from one thread at a time, in trial order. Returns 0,
** or a nonzero status that stops the run. */
typedef int (*sim_runner_sink_fn)(void *sink_ctx, uint64_t first, size_t n,
                                  const void *results);

/* Progress: called from the sink's thread after each delivered chunk. */
typedef void (*sim_runner_progress_fn)(void *progress_ctx, uint64_t done,
                                       uint64_t total, double elapsed_s);

typedef struct sim_runner_config {
  uint64_t first_trial;   /* trials first_trial .. first_trial+n_trials-1 */
  uint64_t n_trials;
  unsigned threads;       /* 0: one per online core */
  size_t chunk;           /* trials per chunk; 0 picks a default */
  size_t result_size;     /* bytes per result record (> 0) */
  sim_runner_worker_new_fn worker_new;
  sim_runner_worker_free_fn worker_free;
  void *worker_arg;
  sim_runner_trial_fn trial;
  sim_runner_sink_fn sink;
  void *sink_ctx;
  sim_runner_progress_fn progress; /* optional */
  void *progress_ctx;
  /* Optional: when it becomes nonzero (e.g. from a SIGINT handler), workers
  ** stop claiming chunks; every chunk before the first unfinished one is still
  ** delivered, so the delivered trials always form a prefix. Workers read it
  ** with an atomic load; writers should store to it only from a signal
  ** handler or with an atomic store. */
  volatile sig_atomic_t *stop_flag;
} sim_runner_config;

enum {
  SIM_RUNNER_OK = 0,
  SIM_RUNNER_INTERRUPTED = 1,  /* stop_flag was raised; a prefix was delivered */
  SIM_RUNNER_ENOMEM = -1,
  SIM_RUNNER_ETHREAD = -2,     /* a thread could not be started */
  SIM_RUNNER_EWORKER = -3,     /* worker_new returned NULL (out of memory) */
  SIM_RUNNER_ETRIAL = -4,      /* the trial function failed */
  SIM_RUNNER_ESINK = -5,       /* the sink failed */
  SIM_RUNNER_EINVAL = -6
};

/* Run the configured trials. *delivered (if not NULL) receives how many
** trials reached the sink (always a prefix starting at first_trial).
** Returns a SIM_RUNNER_* status. */
int sim_runner_run(const sim_runner_config *cfg, uint64_t *delivered);

/* Number of online cores (at least 1). */
unsigned sim_runner_cores(void);

const char *sim_runner_strerror(int status);

#endif
