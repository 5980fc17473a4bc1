/*
** study/writer.h — a sink on its own thread: the runner's chunks of trial
** records are copied into a short queue and handed, in trial order, to the
** real sink (the store's append and the observers) by one writer thread, so
** that storing a chunk overlaps simulating the next ones. The real sink
** still sees every chunk once, in order, one call at a time; when it fails,
** the next chunk offered is refused (the runner then stops, as with a
** failing sink), and study_writer_finish says how many trials it took.
*/
#ifndef DRSIM_STUDY_WRITER_H
#define DRSIM_STUDY_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "sim/runner.h"

typedef struct study_writer study_writer;

/* A writer handing chunks of `record_size`-byte records to sink(ctx, ...)
** on its own thread, holding at most `depth` chunks (>= 1) waiting.
** Returns NULL when out of memory or when no thread could be started; the
** caller then calls its sink directly. */
study_writer *study_writer_new(sim_runner_sink_fn sink, void *ctx, size_t record_size,
                               size_t depth);

/* The runner's sink (sink_ctx = the writer): copies the chunk into the
** queue, waiting while it is full. Returns 0, or 1 when the real sink has
** failed or the copy could not be made (out of memory: see
** study_writer_finish). */
int study_writer_sink(void *writer, uint64_t first, size_t n, const void *records);

/* Wait until every queued chunk was handed over, stop the thread and free
** the writer. *delivered (if not NULL) receives the trials the real sink
** accepted (a prefix of those offered). Returns 0 when every offered chunk
** was accepted, 1 when the real sink failed, -1 when a chunk could not be
** copied (out of memory). NULL is a no-op returning 0. */
int study_writer_finish(study_writer *w, uint64_t *delivered);

#endif
