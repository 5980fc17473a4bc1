/*
** sim/sim.h — the discrete-event kernel: a simulation clock (seconds, double)
** and a pending-event set, owned by one sim_ctx that is passed explicitly.
**
** The kernel knows nothing of disaster recovery. Many sim_ctx may run at once
** on different threads; nothing here is global.
**
** Ordering rule: events fire in increasing time; events with equal times fire
** in the order they were scheduled (FIFO by an insertion sequence number), so
** results never depend on heap internals. An event scheduled by a handler for
** the current instant fires in the same sim_run() call, after every event
** already pending for that instant. A model that needs another order among
** equal times gives ranks (sim_set_rank_bits, sim_schedule_ranked): equal
** times then fire by increasing rank, equal ranks FIFO (sim_schedule_at is
** rank 0).
**
** Steady state is allocation-free: event records live by value in a pool that
** grows geometrically and is reused through a free list.
*/
#ifndef DRSIM_SIM_SIM_H
#define DRSIM_SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_ctx sim_ctx;

/* A handler is a function pointer plus a context pointer plus one integer
** argument (an index, say), so most models need no per-event allocation. */
typedef void (*sim_handler)(sim_ctx *sim, void *ctx, uint64_t arg);

/* Identifies a scheduled event for sim_cancel(). 0 is never a valid id.
** Ids carry a generation, so cancelling an event that already fired (or was
** already cancelled) is detected and harmless. */
typedef uint64_t sim_event_id;

enum {
  SIM_OK = 0,
  SIM_EPAST = -1,     /* scheduled before the current time */
  SIM_ENOMEM = -2,    /* the event pool could not grow */
  SIM_ENOTFOUND = -3, /* cancel of an id that is not pending */
  SIM_EINVAL = -4,    /* NaN time, NULL handler */
  SIM_STOPPED = 1     /* sim_run() returned because sim_stop() was called */
};

/* Allocate a simulation at time 0 with room for capacity_hint pending events
** (0 picks a default). Returns NULL when out of memory. Free with sim_free(). */
sim_ctx *sim_new(size_t capacity_hint);

/* Free a simulation and every pending event. sim_free(NULL) is a no-op. */
void sim_free(sim_ctx *sim);

/* Drop every pending event, set the clock to 0 and clear the stop flag; keeps
** the memory, so one sim_ctx serves many trials without allocating. */
void sim_reset(sim_ctx *sim);

/* Current simulation time in seconds. */
double sim_now(const sim_ctx *sim);

/* Schedule fn(sim, ctx, arg) at absolute time t (>= sim_now()). On success
** stores the event's id in *id when id is not NULL. Returns SIM_OK, SIM_EPAST
** (t < now: time never goes backwards), SIM_EINVAL or SIM_ENOMEM. */
int sim_schedule_at(sim_ctx *sim, double t, sim_handler fn, void *ctx,
                    uint64_t arg, sim_event_id *id);

/* Let ranks take `bits` bits (0 .. 16; 0, the default, allows only rank 0).
** Only while no event is pending; kept by sim_reset(). Returns SIM_OK or
** SIM_EINVAL. */
int sim_set_rank_bits(sim_ctx *sim, unsigned bits);

/* sim_schedule_at with a tie rank: among events at the same time, lower
** ranks fire first, equal ranks in the order scheduled. rank < 2^bits of
** sim_set_rank_bits, else SIM_EINVAL. */
int sim_schedule_ranked(sim_ctx *sim, double t, uint32_t rank, sim_handler fn, void *ctx,
                        uint64_t arg, sim_event_id *id);

/* Same as sim_schedule_at(sim, sim_now(sim) + delay, ...); delay >= 0. */
int sim_schedule_in(sim_ctx *sim, double delay, sim_handler fn, void *ctx,
                    uint64_t arg, sim_event_id *id);

/* Remove a pending event. Returns SIM_OK or SIM_ENOTFOUND. */
int sim_cancel(sim_ctx *sim, sim_event_id id);

/* Dispatch events in order while the next one is at time <= until (pass
** INFINITY to run until no event is pending). The clock ends at the time of
** the last event fired (it is not advanced to `until`). Returns SIM_OK when
** the queue is empty or the next event lies beyond `until`, SIM_STOPPED when
** a handler called sim_stop(). */
int sim_run(sim_ctx *sim, double until);

/* Ask sim_run() to return after the handler that is running now. Called
** outside a run, it makes the next sim_run() return SIM_STOPPED at once. */
void sim_stop(sim_ctx *sim);

/* Number of pending events. */
size_t sim_pending(const sim_ctx *sim);

/* Events dispatched since sim_new() or the last sim_reset(). */
uint64_t sim_dispatched(const sim_ctx *sim);

/* Human-readable text for a SIM_* status. */
const char *sim_strerror(int status);

#endif
