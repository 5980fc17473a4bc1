/*
** sim/queue.h — the pending-event set of the discrete-event kernel (used by
** sim/sim.c; models should use sim.h instead).
**
** Events are (time, handler, ctx, arg) records stored by value in a pool that
** grows geometrically and is recycled through a free list, so pushing and
** popping in steady state never calls malloc. The order is an indexed 4-ary
** heap of 16-byte entries keyed by (time, rank, seq), seq being a per-queue
** insertion counter: equal times pop in push order (FIFO), whatever the heap
** shape, unless the caller gives ranks (sim_queue_push_ranked): then equal
** times pop by increasing rank, and equal ranks in push order. Every pending event has an id made of its pool slot and the slot's
** generation; a position index makes cancellation O(log n), and a stale id
** (event already popped or cancelled) is reported as not found.
**
** Limits: at most SIM_QUEUE_MAX_PENDING events pending at once (push returns
** SIM_ENOMEM beyond). The insertion counter is renumbered in place when it
** would overflow (once per ~2.7e11 pushes; with B rank bits once per
** 2^(38-B) pushes), preserving the order.
*/
#ifndef DRSIM_SIM_QUEUE_H
#define DRSIM_SIM_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

typedef struct sim_queue sim_queue;

/* Pool slots are 26 bits of an entry's key (the other 38 bits are the rank
** and seq). */
#define SIM_QUEUE_MAX_PENDING ((size_t)1 << 26)
/* The most bits a rank may take (ranks 0 .. 2^16 - 1). */
#define SIM_QUEUE_MAX_RANK_BITS 16

/* What an event runs: copied in by push, copied out by pop. */
typedef struct sim_queue_event {
  sim_handler fn;
  void *ctx;
  uint64_t arg;
} sim_queue_event;

/* Allocate an empty queue with room for capacity_hint events (0: a small
** default). Returns NULL when out of memory. Free with sim_queue_free(). */
sim_queue *sim_queue_new(size_t capacity_hint);

/* Free the queue and its pending events. sim_queue_free(NULL) is a no-op. */
void sim_queue_free(sim_queue *q);

/* Drop every pending event (their ids become stale) and restart the insertion
** counter; keeps the memory. */
void sim_queue_clear(sim_queue *q);

/* Add event *ev at time t (t must not be NaN; -0.0 is stored as +0.0).
** On success stores its id (never 0) in *id when id is not NULL.
** Returns SIM_OK, SIM_EINVAL (NaN time or NULL handler) or SIM_ENOMEM (the
** pool could not grow; the queue is unchanged). */
int sim_queue_push(sim_queue *q, double t, const sim_queue_event *ev,
                   sim_event_id *id);

/* Let ranks take `bits` bits (0 .. SIM_QUEUE_MAX_RANK_BITS; 0, the default,
** allows only rank 0). Only while nothing is pending (e.g. after
** sim_queue_clear, which keeps the setting). Returns SIM_OK or SIM_EINVAL. */
int sim_queue_set_rank_bits(sim_queue *q, unsigned bits);

/* sim_queue_push with a tie rank: among events of equal time, lower ranks
** pop first (sim_queue_push is rank 0). rank must be < 2^bits of
** sim_queue_set_rank_bits, else SIM_EINVAL. */
int sim_queue_push_ranked(sim_queue *q, double t, uint32_t rank, const sim_queue_event *ev,
                          sim_event_id *id);

/* If the earliest pending event has time <= until, remove it, store its time
** in *t and its record in *ev and return 1; otherwise return 0 and leave the
** queue unchanged. Ties are broken by rank, then push order. until must not
** be NaN. */
int sim_queue_pop_until(sim_queue *q, double until, double *t,
                        sim_queue_event *ev);

/* Store the earliest pending time in *t and return 1, or return 0 if empty.
** (Not const: it may first refill the root left vacant by a pop.) */
int sim_queue_peek(sim_queue *q, double *t);

/* Remove the pending event with this id. Returns SIM_OK, or SIM_ENOTFOUND when
** the id is 0, malformed, already popped or already cancelled. */
int sim_queue_cancel(sim_queue *q, sim_event_id id);

/* Number of pending events. */
size_t sim_queue_size(const sim_queue *q);

/* Testing hook: set the next insertion sequence number (to exercise the
** renumbering near overflow). Values beyond the seq range (38 bits less the
** rank bits) are clamped so the next push renumbers. Not needed by normal
** callers. */
void sim_queue_debug_set_seq(sim_queue *q, uint64_t next_seq);

/* Testing hook: check the heap property and the position index; returns 1
** when consistent. O(n). */
int sim_queue_debug_check(const sim_queue *q);

#endif
