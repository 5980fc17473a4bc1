/*
** study/writer.c — the sink on its own thread (see study/writer.h).
**
** A ring of `depth` slots, each a growable copy of one chunk; the runner's
** delivering thread fills the slot at the tail (waiting while all are
** full), the writer thread empties the one at the head, calling the real
** sink with the mutex released. Chunks arrive in trial order (the runner
** delivers them so), and one thread consumes them, so the real sink sees
** them in order, one call at a time.
*/
#include "study/writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
  uint64_t first;
  size_t n;
  unsigned char *data;
  size_t cap;               /* bytes */
} slot;

struct study_writer {
  sim_runner_sink_fn sink;
  void *ctx;
  size_t record_size, depth;
  slot *slots;
  size_t head, count;       /* guarded by mu */
  int closing;              /* finish was called */
  int failed;               /* 1: the real sink failed; -1: out of memory */
  uint64_t accepted;        /* trials the real sink accepted */
  pthread_mutex_t mu;
  pthread_cond_t cv;        /* a slot was filled or emptied, or closing */
  pthread_t thread;
};

static void *writer_main(void *p)
{
  study_writer *w = p;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (w->count == 0 && !w->closing) pthread_cond_wait(&w->cv, &w->mu);
    if (w->count == 0) break;            /* closing and drained */
    slot *s = &w->slots[w->head];
    /* After the real sink failed, later chunks are dropped (the stored
    ** trials stay a prefix); after a copy failed, the chunks queued before
    ** it are still handed over. */
    int skip = w->failed == 1;
    pthread_mutex_unlock(&w->mu);
    int rc = skip ? 0 : w->sink(w->ctx, s->first, s->n, s->data);
    pthread_mutex_lock(&w->mu);
    if (!skip) {
      if (rc) w->failed = 1;
      else w->accepted += s->n;
    }
    w->head = (w->head + 1) % w->depth;
    w->count--;
    pthread_cond_broadcast(&w->cv);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

study_writer *study_writer_new(sim_runner_sink_fn sink, void *ctx, size_t record_size,
                               size_t depth)
{
  if (!sink || record_size == 0 || depth == 0) return NULL;
  study_writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->slots = calloc(depth, sizeof *w->slots);
  if (!w->slots) {
    free(w);
    return NULL;
  }
  w->sink = sink;
  w->ctx = ctx;
  w->record_size = record_size;
  w->depth = depth;
  if (pthread_mutex_init(&w->mu, NULL) != 0) goto fail_mu;
  if (pthread_cond_init(&w->cv, NULL) != 0) goto fail_cv;
  if (pthread_create(&w->thread, NULL, writer_main, w) != 0) goto fail_thread;
  return w;
fail_thread:
  pthread_cond_destroy(&w->cv);
fail_cv:
  pthread_mutex_destroy(&w->mu);
fail_mu:
  free(w->slots);
  free(w);
  return NULL;
}

int study_writer_sink(void *p, uint64_t first, size_t n, const void *records)
{
  study_writer *w = p;
  if (n == 0) return 0;
  pthread_mutex_lock(&w->mu);
  while (w->count == w->depth && !w->failed) pthread_cond_wait(&w->cv, &w->mu);
  if (w->failed) {
    pthread_mutex_unlock(&w->mu);
    return 1;
  }
  /* The tail slot is free and the writer never touches a free slot. */
  slot *s = &w->slots[(w->head + w->count) % w->depth];
  pthread_mutex_unlock(&w->mu);
  size_t bytes = n * w->record_size;
  if (bytes > s->cap) {
    unsigned char *d = realloc(s->data, bytes);
    if (!d) {
      pthread_mutex_lock(&w->mu);
      w->failed = -1;
      pthread_cond_broadcast(&w->cv);
      pthread_mutex_unlock(&w->mu);
      return 1;
    }
    s->data = d;
    s->cap = bytes;
  }
  memcpy(s->data, records, bytes);
  s->first = first;
  s->n = n;
  pthread_mutex_lock(&w->mu);
  w->count++;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  return 0;
}

int study_writer_finish(study_writer *w, uint64_t *delivered)
{
  if (!w) return 0;
  pthread_mutex_lock(&w->mu);
  w->closing = 1;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  int failed = w->failed;
  if (delivered) *delivered = w->accepted;
  for (size_t i = 0; i < w->depth; i++) free(w->slots[i].data);
  free(w->slots);
  pthread_cond_destroy(&w->cv);
  pthread_mutex_destroy(&w->mu);
  free(w);
  return failed;
}
