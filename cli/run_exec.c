/*
** cli/run_exec.c — one run's trials on the runner (see run_exec.h).
*/
#include "cli/run_exec.h"
#include "models/disaster_sim.h"
#include "models/lifetime_sim.h"
#include "models/outcome.h"
#include "sim/runner.h"
#ifdef DRSIM_HAVE_MPI
#include "cli/mpi_run.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* One worker per thread: the model of the scenario's mode. */
typedef struct exec_worker {
  model_disaster_sim *disaster;  /* disaster mode */
  model_lifetime_sim *lifetime;  /* lifetime mode */
  uint64_t seed;
} exec_worker;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *worker_new(void *arg) {
  cli_run_exec *x = arg;
  exec_worker *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->seed = x->seed;
  if (x->sc->mode == MODEL_MODE_LIFETIME)
    w->lifetime = model_lifetime_sim_new(x->sc);
  else
    w->disaster = model_disaster_sim_new(x->sc);
  if (!w->disaster && !w->lifetime) {
    free(w);
    return NULL;
  }
  return w;
}

static void worker_free(void *p) {
  exec_worker *w = p;
  if (!w) return;
  model_disaster_sim_free(w->disaster);
  model_lifetime_sim_free(w->lifetime);
  free(w);
}

static int run_trial(void *p, uint64_t trial, void *record) {
  exec_worker *w = p;
  if (w->lifetime) return model_lifetime_sim_trial(w->lifetime, w->seed, trial, record, NULL, NULL);
  return model_disaster_sim_trial(w->disaster, w->seed, trial, record, NULL, NULL);
}

static int sink(void *p, uint64_t first, size_t n, const void *records) {
  cli_run_exec *x = p;
  if (x->store &&
      report_store_run_append(x->store, x->run_id, x->sc, first, n, records,
                              model_outcome_size(x->sc), &x->err) != REPORT_OK) {
    x->store_failed = 1;
    return 1;
  }
  if (x->observe && x->observe(x->observe_ctx, first, n, records)) return 1;
  return 0;
}

static void progress(void *p, uint64_t done, uint64_t total, double elapsed) {
  cli_run_exec *x = p;
  if (!x->show_progress) return;
  double rate = elapsed > 0 ? (double)done / elapsed : 0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0;
  int width = 30, filled = total ? (int)((double)width * (double)done / (double)total) : width;
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < filled ? '#' : '.';
  bar[width] = 0;
  fprintf(stderr, "\r[%s] %5.1f%%  %llu/%llu trials  %.0f trials/s  ETA %.0fs   ", bar,
          total ? 100.0 * (double)done / (double)total : 100.0, (unsigned long long)done,
          (unsigned long long)total, rate, eta);
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

unsigned cli_run_exec_threads(unsigned requested) {
  return requested ? requested : sim_runner_cores();
}

int cli_run_exec_go(cli_run_exec *x) {
  sim_runner_config cfg = {0};
  cfg.first_trial = x->first_trial;
  cfg.n_trials = x->n_trials;
  cfg.threads = x->threads;
  /* Big enough chunks to amortise one SQLite transaction per chunk; small
  ** enough that a kill loses little and memory stays flat. */
  cfg.chunk = 2048;
  cfg.result_size = model_outcome_size(x->sc);
  cfg.worker_new = worker_new;
  cfg.worker_free = worker_free;
  cfg.worker_arg = x;
  cfg.trial = run_trial;
  cfg.sink = sink;
  cfg.sink_ctx = x;
  cfg.progress = progress;
  cfg.progress_ctx = x;
  cfg.stop_flag = x->stop_flag;
  x->store_failed = 0;
  double t0 = now_s();
#ifdef DRSIM_HAVE_MPI
  int rc = cli_mpi_exec(x, &cfg, &x->delivered);   /* spread over MPI ranks, if any */
#else
  int rc = sim_runner_run(&cfg, &x->delivered);
#endif
  x->elapsed_s = now_s() - t0;
  return rc;
}
