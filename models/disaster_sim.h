/*
** models/disaster_sim.h — one disaster-mode trial on the sim/ kernel: the
** disaster at t = 0, detection, the recovery workflow DAG per environment
** (manual gates, retries, timeouts, on-call hours), managed component
** failover, standby scale-up and replication/RPO. Semantics: scenarios/README.md
** and docs/semantics.md.
**
** A model_disaster_sim is per-thread state (its own sim_ctx and generators);
** the scenario is shared read-only. A trial's record depends only on
** (scenario, run_seed, trial): every entity draws from its own stream
** sim_rng_seed(r, run_seed, trial, entity.stream).
*/
#ifndef DRSIM_MODELS_DISASTER_SIM_H
#define DRSIM_MODELS_DISASTER_SIM_H

#include <stdint.h>
#include "models/scenario.h"

typedef struct model_disaster_sim model_disaster_sim;

/* Optional trace of one trial's timeline: t in seconds, a line of text like
** "approve-failover done (manual, off-hours)". */
typedef void (*model_trace_fn)(void *ctx, double t, const char *text);

/* Allocate per-thread state for sc (which must outlive it). NULL on ENOMEM. */
model_disaster_sim *model_disaster_sim_new(const model_scenario *sc);
void model_disaster_sim_free(model_disaster_sim *s);   /* NULL is a no-op */

/* Simulate trial `trial` and write its outcome record (model_outcome_size(sc)
** bytes) into `record`. trace may be NULL. Returns 0, or -1 on a broken
** invariant the caller should report. */
int model_disaster_sim_trial(model_disaster_sim *s, uint64_t run_seed,
                             uint64_t trial, void *record,
                             model_trace_fn trace, void *trace_ctx);

#endif
