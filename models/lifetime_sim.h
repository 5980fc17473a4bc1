/*
** models/lifetime_sim.h — one lifetime-mode trial: over the scenario's
** horizon components fail and are repaired, disasters arrive as a Poisson
** process, and each disaster runs disaster mode's failover (a
** model_disaster_sim trial) as an incident with its own RTO and RPO. The
** record gets per environment availability, downtime (split by cause),
** down episodes and disaster incidents; per component its failures, own
** down time and the environment downtime it caused. The semantics are
** listed in models/lifetime_sim.c's header.
**
** A model_lifetime_sim is per-thread state (its generators, its own
** model_disaster_sim and a scratch record); the scenario is shared read-only.
** A trial's record depends only on (scenario, run_seed, trial).
*/
#ifndef DRSIM_MODELS_LIFETIME_SIM_H
#define DRSIM_MODELS_LIFETIME_SIM_H

#include <stdint.h>
#include "models/disaster_sim.h"
#include "models/scenario.h"

typedef struct model_lifetime_sim model_lifetime_sim;

/* Allocate per-thread state for sc (which must outlive it). sc may be in
** either mode: only horizon_s, the components' failure/repair, the disaster
** (rate, duration) and the lifetime block are read beyond what disaster mode
** reads. Returns NULL on ENOMEM or when the horizon is not finite and > 0. */
model_lifetime_sim *model_lifetime_sim_new(const model_scenario *sc);
void model_lifetime_sim_free(model_lifetime_sim *s);   /* NULL is a no-op */

/* Simulate trial `trial` over [0, horizon) and write its outcome record
** (model_outcome_size(sc) bytes) into `record`. trace may be NULL; with a
** trace the timeline is reported in time order after the trial (times are
** seconds since the start of the horizon). Returns 0, or -1 on a broken
** invariant (a failed incident simulation, a NaN draw) or, with a trace,
** when the trace buffer cannot grow. */
int model_lifetime_sim_trial(model_lifetime_sim *s, uint64_t run_seed,
                             uint64_t trial, void *record,
                             model_trace_fn trace, void *trace_ctx);

/* Rare disasters (say 1/10y over a 1y horizon) appear in few trials, so an
** estimate over all trials rests on few incidents. A condition restricts the
** disaster arrivals of every following trial:
**   MODEL_LIFETIME_ANY            the Poisson process as it is (default);
**   MODEL_LIFETIME_NO_DISASTER    no arrival in the horizon;
**   MODEL_LIFETIME_GIVEN_DISASTER at least one arrival: the Poisson process
**     conditioned on N >= 1 (first arrival from the exponential truncated to
**     the horizon, then the process goes on as usual).
** Component streams are not touched, so trial t has the same component
** timeline under every condition (common random numbers). The unconditional
** mean of any per-trial quantity X is the stratified combination
**   E[X] = P0 E[X | no disaster] + (1 - P0) E[X | given disaster],
** P0 = model_lifetime_p_no_disaster(sc), with a variance far below plain
** sampling's when disasters are rare. */
typedef enum model_lifetime_condition {
  MODEL_LIFETIME_ANY = 0,
  MODEL_LIFETIME_NO_DISASTER,
  MODEL_LIFETIME_GIVEN_DISASTER
} model_lifetime_condition;

/* Set the condition for the following trials. Returns 0, or -1 (nothing
** changed) for GIVEN_DISASTER when the scenario has no disaster rate. */
int model_lifetime_sim_set_condition(model_lifetime_sim *s, model_lifetime_condition c);

/* P(no disaster arrives within the horizon) = exp(-rate x horizon); 1 when
** the rate is 0. */
double model_lifetime_p_no_disaster(const model_scenario *sc);

/* Stream ids of a lifetime trial, exposed for tests and documentation: a
** component's failure/repair stream is its scenario stream XOR this salt,
** so lifetime draws never coincide with the same component's disaster-mode
** draws (RPO, failover duration) of the same (seed, trial). */
#define MODEL_LIFETIME_SALT_COMPONENT UINT64_C(0x6c69666574696d65) /* "lifetime" */
/* Disaster arrival times: the disaster's stream XOR this salt. */
#define MODEL_LIFETIME_SALT_ARRIVALS UINT64_C(0x6172726976616c73) /* "arrivals" */
/* Incident k (0-based, in arrival order) of trial t runs disaster mode's
** trial t with run seed sim_rng_mix(run_seed, t, SALT_INCIDENT + k). */
#define MODEL_LIFETIME_SALT_INCIDENT UINT64_C(0x696e636964656e74) /* "incident" */

#endif
