/*
** sim/runner.c — the Monte Carlo runner over POSIX threads; see
** sim/runner.h for the contract.
**
** Scheme. Trials are cut into chunks of `chunk` consecutive trials, claimed
** through an atomic counter. Each worker owns BUFS_PER_WORKER chunk buffers:
** it takes a free one, claims a chunk, fills it, and puts it in the shared
** "done" set. Whoever finds the next chunk in trial order in that set (and no
** delivery in progress) delivers it, with the mutex released during the sink
** call, and keeps delivering while the following chunk is already there.
** A buffer becomes free again once its chunk was delivered, so memory is
** threads x BUFS_PER_WORKER x chunk x result_size, and a worker runs at most
** BUFS_PER_WORKER chunks ahead of the delivery point. Deadlock is impossible:
** a worker takes a buffer before claiming, so the earliest undelivered chunk
** is always either being filled or in the done set.
**
** Stopping (the caller's stop_flag, a failed trial, a failed worker_new or
** sink): workers stop claiming and check between trials, so chunks in flight
** end early with the trials completed so far. Delivery goes on through the
** prefix: a chunk that ended early is delivered up to where it stopped and
** ends the prefix (a failed sink ends it at once). Thus *delivered is always
** a prefix, and results before a failing trial still reach the sink.
**
** The first worker runs on the calling thread (with threads = 1 no thread is
** created). worker_new/worker_free are optional: without worker_new the trial
** function receives worker_arg.
*/
#include "sim/runner.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Two buffers let a worker start its next chunk while its previous one waits
** for an earlier, slower chunk to be delivered. */
#define BUFS_PER_WORKER 2
#define MAX_DEFAULT_CHUNK 256

typedef struct rbuf {
  unsigned char *data; /* chunk x result_size bytes */
  uint64_t index;      /* chunk number */
  size_t n;            /* trials completed in this chunk */
  int complete;        /* all trials of the chunk ran */
  int in_use;          /* being filled or waiting for delivery */
} rbuf;

typedef struct runner runner;

typedef struct rworker {
  runner *r;
  rbuf bufs[BUFS_PER_WORKER];
  pthread_t thread;
  int started;
} rworker;

struct runner {
  const sim_runner_config *cfg;
  size_t chunk;
  uint64_t n_chunks;
  _Atomic uint64_t next_claim;
  atomic_int halt; /* nonzero: stop claiming and stop between trials */

  pthread_mutex_t mu; /* guards everything below */
  pthread_cond_t cv;  /* a buffer was freed, or halt was raised */
  int status;         /* first error, SIM_RUNNER_OK otherwise */
  int interrupted;    /* the stop flag was seen */
  rbuf **done;        /* filled, not yet delivered; capacity nbufs */
  size_t n_done;
  uint64_t next_deliver; /* chunk number */
  int delivering;
  int prefix_ended; /* no chunk after the delivered ones can be delivered */
  uint64_t delivered;
  struct timespec t0;
};

static double elapsed_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* Record a failure (the first one wins) and wake every waiting worker. */
static void fail_locked(runner *r, int status) {
  if (r->status == SIM_RUNNER_OK) r->status = status;
  atomic_store(&r->halt, 1);
  pthread_cond_broadcast(&r->cv);
}

static void fail(runner *r, int status) {
  pthread_mutex_lock(&r->mu);
  fail_locked(r, status);
  pthread_mutex_unlock(&r->mu);
}

static int halted(runner *r) {
  if (atomic_load_explicit(&r->halt, memory_order_relaxed)) return 1;
  /* The flag is set by a signal handler and polled here by every worker: an
  ** atomic load keeps that read race-free (a plain volatile read is a data
  ** race between threads in C11, even though it works in practice). */
  if (r->cfg->stop_flag && __atomic_load_n(r->cfg->stop_flag, __ATOMIC_RELAXED)) {
    pthread_mutex_lock(&r->mu);
    r->interrupted = 1;
    atomic_store(&r->halt, 1);
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return 1;
  }
  return 0;
}

/* Deliver every chunk that continues the delivered prefix. Called with the
** mutex held; releases it around the sink and progress callbacks. */
static void deliver_locked(runner *r) {
  const sim_runner_config *cfg = r->cfg;
  while (!r->delivering && !r->prefix_ended) {
    size_t i = 0;
    while (i < r->n_done && r->done[i]->index != r->next_deliver) i++;
    if (i == r->n_done) return;
    rbuf *b = r->done[i];
    r->done[i] = r->done[--r->n_done];
    r->delivering = 1;
    int rc = 0;
    if (b->n > 0) {
      uint64_t first = cfg->first_trial + b->index * r->chunk;
      uint64_t done = r->delivered + b->n;
      pthread_mutex_unlock(&r->mu);
      rc = cfg->sink(cfg->sink_ctx, first, b->n, b->data);
      if (rc == 0 && cfg->progress)
        cfg->progress(cfg->progress_ctx, done, cfg->n_trials, elapsed_since(&r->t0));
      pthread_mutex_lock(&r->mu);
      if (rc == 0) r->delivered = done;
    }
    if (rc != 0) fail_locked(r, SIM_RUNNER_ESINK);
    if (rc != 0 || !b->complete) r->prefix_ended = 1;
    r->next_deliver++;
    b->in_use = 0;
    r->delivering = 0;
    pthread_cond_broadcast(&r->cv);
  }
}

static void *worker_main(void *arg) {
  rworker *w = arg;
  runner *r = w->r;
  const sim_runner_config *cfg = r->cfg;
  void *state = cfg->worker_arg;
  if (cfg->worker_new) {
    state = cfg->worker_new(cfg->worker_arg);
    if (!state) {
      fail(r, SIM_RUNNER_EWORKER);
      return NULL;
    }
  }
  for (;;) {
    rbuf *b = NULL;
    pthread_mutex_lock(&r->mu);
    while (!atomic_load(&r->halt)) {
      for (int i = 0; i < BUFS_PER_WORKER && !b; i++)
        if (!w->bufs[i].in_use) b = &w->bufs[i];
      if (b) break;
      pthread_cond_wait(&r->cv, &r->mu);
    }
    if (b) b->in_use = 1;
    pthread_mutex_unlock(&r->mu);
    if (!b) break;
    uint64_t k = atomic_fetch_add(&r->next_claim, 1);
    if (k >= r->n_chunks || halted(r)) {
      /* Not claimed (or claimed after a stop: it stays undelivered, and so
      ** does everything after it, which keeps the prefix rule). */
      pthread_mutex_lock(&r->mu);
      if (k < r->n_chunks) {
        b->index = k;
        b->n = 0;
        b->complete = 0;
        r->done[r->n_done++] = b;
        deliver_locked(r);
      } else {
        b->in_use = 0;
      }
      pthread_mutex_unlock(&r->mu);
      break;
    }
    uint64_t start = k * r->chunk;
    size_t n = cfg->n_trials - start < r->chunk ? (size_t)(cfg->n_trials - start) : r->chunk;
    b->index = k;
    b->n = 0;
    for (size_t i = 0; i < n; i++) {
      if (i > 0 && halted(r)) break;
      if (cfg->trial(state, cfg->first_trial + start + i, b->data + i * cfg->result_size) != 0) {
        fail(r, SIM_RUNNER_ETRIAL);
        break;
      }
      b->n++;
    }
    b->complete = b->n == n;
    pthread_mutex_lock(&r->mu);
    r->done[r->n_done++] = b;
    deliver_locked(r);
    pthread_mutex_unlock(&r->mu);
  }
  if (cfg->worker_free && cfg->worker_new) cfg->worker_free(state);
  return NULL;
}

unsigned sim_runner_cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n >= 1 ? (unsigned)n : 1u;
}

int sim_runner_run(const sim_runner_config *cfg, uint64_t *delivered) {
  if (delivered) *delivered = 0;
  if (!cfg || !cfg->trial || !cfg->sink || cfg->result_size == 0) return SIM_RUNNER_EINVAL;
  if (cfg->first_trial + cfg->n_trials < cfg->first_trial) return SIM_RUNNER_EINVAL;
  if (cfg->n_trials == 0) return SIM_RUNNER_OK;

  unsigned threads = cfg->threads ? cfg->threads : sim_runner_cores();
  size_t chunk = cfg->chunk;
  if (chunk == 0) {
    /* About 16 chunks per thread balances the load; the cap bounds memory. */
    uint64_t c = cfg->n_trials / ((uint64_t)threads * 16);
    chunk = c < 1 ? 1 : c > MAX_DEFAULT_CHUNK ? MAX_DEFAULT_CHUNK : (size_t)c;
  }
  if (chunk > cfg->n_trials) chunk = (size_t)cfg->n_trials;
  uint64_t n_chunks = (cfg->n_trials - 1) / chunk + 1;
  if (threads > n_chunks) threads = (unsigned)n_chunks;
  if (chunk > SIZE_MAX / cfg->result_size) return SIM_RUNNER_EINVAL;

  runner r = {.cfg = cfg, .chunk = chunk, .n_chunks = n_chunks};
  atomic_init(&r.next_claim, 0);
  atomic_init(&r.halt, 0);
  clock_gettime(CLOCK_MONOTONIC, &r.t0);
  int status = SIM_RUNNER_OK;
  size_t nbufs = (size_t)threads * BUFS_PER_WORKER;
  rworker *w = calloc(threads, sizeof *w);
  r.done = calloc(nbufs, sizeof *r.done);
  if (!w || !r.done) {
    status = SIM_RUNNER_ENOMEM;
    goto cleanup_mem;
  }
  for (unsigned t = 0; t < threads; t++) {
    w[t].r = &r;
    for (int i = 0; i < BUFS_PER_WORKER; i++) {
      w[t].bufs[i].data = malloc(chunk * cfg->result_size);
      if (!w[t].bufs[i].data) {
        status = SIM_RUNNER_ENOMEM;
        goto cleanup_mem;
      }
    }
  }
  if (pthread_mutex_init(&r.mu, NULL) != 0) {
    status = SIM_RUNNER_ENOMEM;
    goto cleanup_mem;
  }
  if (pthread_cond_init(&r.cv, NULL) != 0) {
    status = SIM_RUNNER_ENOMEM;
    goto cleanup_mutex;
  }

  for (unsigned t = 1; t < threads; t++) {
    if (pthread_create(&w[t].thread, NULL, worker_main, &w[t]) != 0) {
      fail(&r, SIM_RUNNER_ETHREAD);
      break;
    }
    w[t].started = 1;
  }
  worker_main(&w[0]);
  for (unsigned t = 1; t < threads; t++)
    if (w[t].started) pthread_join(w[t].thread, NULL);

  /* Every worker is gone: no locking needed from here. */
  status = r.status;
  if (status == SIM_RUNNER_OK && r.delivered < cfg->n_trials) {
    /* Only the stop flag halts a run without an error status. */
    assert(r.interrupted);
    status = SIM_RUNNER_INTERRUPTED;
  }
  if (delivered) *delivered = r.delivered;

  pthread_cond_destroy(&r.cv);
cleanup_mutex:
  pthread_mutex_destroy(&r.mu);
cleanup_mem:
  if (w)
    for (unsigned t = 0; t < threads; t++)
      for (int i = 0; i < BUFS_PER_WORKER; i++) free(w[t].bufs[i].data);
  free(w);
  free(r.done);
  return status;
}

const char *sim_runner_strerror(int status) {
  switch (status) {
  case SIM_RUNNER_OK: return "success";
  case SIM_RUNNER_INTERRUPTED: return "interrupted: only a prefix of the trials was delivered";
  case SIM_RUNNER_ENOMEM: return "out of memory";
  case SIM_RUNNER_ETHREAD: return "a worker thread could not be started";
  case SIM_RUNNER_EWORKER: return "out of memory for a worker's per-thread state";
  case SIM_RUNNER_ETRIAL: return "a trial failed";
  case SIM_RUNNER_ESINK: return "the result sink failed";
  case SIM_RUNNER_EINVAL: return "invalid runner configuration";
  default: return "unknown runner status";
  }
}
