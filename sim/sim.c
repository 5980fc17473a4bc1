/*
** sim/sim.c — the discrete-event kernel: a clock plus the pending-event set
** of sim/queue.c; see sim/sim.h for the contract.
**
** Events scheduled by a handler for the current instant get a larger
** insertion number than everything already pending, so they fire in the same
** sim_run() call right after the events already pending for that instant
** (the rule written in sim.h); nothing else is needed to implement it.
**
** sim_stop() sets a flag that sim_run() checks before each dispatch and
** clears when it returns SIM_STOPPED; a stop requested while no run is in
** progress therefore makes the next sim_run() return SIM_STOPPED at once.
*/
#include "sim/sim.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "sim/queue.h"

struct sim_ctx {
  sim_queue *q;
  double now;          /* seconds */
  uint64_t dispatched; /* events fired since creation or reset */
  int stop;            /* set by sim_stop(), cleared when sim_run() sees it */
};

sim_ctx *sim_new(size_t capacity_hint) {
  sim_ctx *sim = calloc(1, sizeof *sim);
  if (!sim) return NULL;
  sim->q = sim_queue_new(capacity_hint);
  if (!sim->q) {
    free(sim);
    return NULL;
  }
  return sim;
}

void sim_free(sim_ctx *sim) {
  if (!sim) return;
  sim_queue_free(sim->q);
  free(sim);
}

void sim_reset(sim_ctx *sim) {
  sim_queue_clear(sim->q);
  sim->now = 0.0;
  sim->dispatched = 0;
  sim->stop = 0;
}

double sim_now(const sim_ctx *sim) { return sim->now; }

int sim_schedule_at(sim_ctx *sim, double t, sim_handler fn, void *ctx, uint64_t arg,
                    sim_event_id *id) {
  /* One compare on the hot path; the queue rejects a NULL handler. */
  if (!(t >= sim->now)) return isnan(t) ? SIM_EINVAL : SIM_EPAST;
  sim_queue_event ev = {fn, ctx, arg};
  return sim_queue_push(sim->q, t, &ev, id);
}

int sim_set_rank_bits(sim_ctx *sim, unsigned bits) {
  return sim_queue_set_rank_bits(sim->q, bits);
}

int sim_schedule_ranked(sim_ctx *sim, double t, uint32_t rank, sim_handler fn, void *ctx,
                        uint64_t arg, sim_event_id *id) {
  if (!(t >= sim->now)) return isnan(t) ? SIM_EINVAL : SIM_EPAST;
  sim_queue_event ev = {fn, ctx, arg};
  return sim_queue_push_ranked(sim->q, t, rank, &ev, id);
}

int sim_schedule_in(sim_ctx *sim, double delay, sim_handler fn, void *ctx, uint64_t arg,
                    sim_event_id *id) {
  if (!(delay >= 0)) return isnan(delay) ? SIM_EINVAL : SIM_EPAST;
  sim_queue_event ev = {fn, ctx, arg};
  return sim_queue_push(sim->q, sim->now + delay, &ev, id);
}

int sim_cancel(sim_ctx *sim, sim_event_id id) { return sim_queue_cancel(sim->q, id); }

int sim_run(sim_ctx *sim, double until) {
  if (isnan(until)) return SIM_EINVAL;
  sim_queue_event ev;
  double t;
  while (!sim->stop) {
    if (!sim_queue_pop_until(sim->q, until, &t, &ev)) return SIM_OK;
    /* The queue is ordered and scheduling rejects the past, so this can only
    ** fail if the heap is corrupt. */
    assert(t >= sim->now);
    sim->now = t;
    sim->dispatched++;
    ev.fn(sim, ev.ctx, ev.arg);
  }
  sim->stop = 0;
  return SIM_STOPPED;
}

void sim_stop(sim_ctx *sim) { sim->stop = 1; }

size_t sim_pending(const sim_ctx *sim) { return sim_queue_size(sim->q); }

uint64_t sim_dispatched(const sim_ctx *sim) { return sim->dispatched; }

const char *sim_strerror(int status) {
  switch (status) {
  case SIM_OK: return "success";
  case SIM_EPAST: return "event scheduled before the current simulation time";
  case SIM_ENOMEM: return "out of memory: the event pool could not grow";
  case SIM_ENOTFOUND: return "no pending event with this id (already fired or cancelled)";
  case SIM_EINVAL: return "invalid argument (NaN time or NULL handler)";
  case SIM_STOPPED: return "simulation stopped by sim_stop()";
  default: return "unknown simulation status";
  }
}
