/*
** models/common_cause.h — common causes (`common_causes:` in a scenario):
** events drawn once per trial that strike several parts of the recovery
** together, where the rest of the model draws everything independently.
**
** Semantics. Each cause occurs with its probability, decided by the first
** uniform of its own stream sim_rng_seed(r, run_seed, trial, cause.stream)
** ("common_cause:NAME"), so a scenario without causes, and every other
** entity's draws, are exactly as without this module. When it occurs, its
** delays are drawn in this order from the same stream: shortage.delay,
** step_delay.delay, detection_delay.delay (each only when given), and its
** effects hold in that trial:
**   shortage          every scale-up attempt of each listed standby pool
**                     is short (as if its own capacity_shortage had been
**                     drawn): it waits the cause's delay draw (one draw,
**                     shared by the pools: one region-wide crunch) or, with
**                     no delay given, a draw of the pool's own
**                     capacity_shortage.delay; when the pool also drew a
**                     shortage of its own the longer wait holds;
**   failure_multiplier each attempt of the listed steps fails with
**                     min(1, p x factor) instead of p (p = 0 stays 0);
**   step_delay        each listed step's first attempt starts one delay
**                     draw later than its needs allow (a tooling outage);
**   detection_delay   the detection of the listed environments (all when
**                     none are listed) takes one delay draw longer.
** Several causes on one thing combine: factors multiply, step and
** detection delays add, shortage waits take the longest. In lifetime mode
** the draws happen per disaster incident (each incident is a disaster-mode
** trial of its own index).
**
** A model_cc (the module's prefix) is per-thread state over a shared
** read-only scenario.
*/
#ifndef DRSIM_MODELS_COMMON_CAUSE_H
#define DRSIM_MODELS_COMMON_CAUSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "models/scenario.h"

typedef struct model_cc model_cc;

/* Per-thread state for sc (which must outlive it); NULL on ENOMEM. With no
** causes in sc it is a valid, empty state whose draws do nothing. */
model_cc *model_cc_new(const model_scenario *sc);
void model_cc_free(model_cc *c);   /* NULL is a no-op */

/* Draw the causes of (run_seed, trial) and set the effects the queries
** below return. Returns the set of causes that occurred, bit i for
** sc->common_causes[i]. */
uint64_t model_cc_draw(model_cc *c, uint64_t run_seed, uint64_t trial);

/* The set of the last draw. */
uint64_t model_cc_occurred(const model_cc *c);

/* Effects of the last draw, by flattened step index g, workflow index w and
** pool index p: the failure probability factor (1 when none), the delay
** before the step's first attempt and the detection delay (0 when none). */
double model_cc_failure_factor(const model_cc *c, size_t g);
double model_cc_step_delay(const model_cc *c, size_t g);
double model_cc_detection_delay(const model_cc *c, size_t w);

/* Pool p is short in this trial by a cause: returns 1 and *delay = the
** cause's shared wait, or NAN when the pool's own capacity_shortage.delay
** is to be drawn; 0 when no cause makes it short. *cause = the index of the
** (first) cause. */
int model_cc_pool_short(const model_cc *c, size_t p, double *delay, size_t *cause);

/* The cause that delays step g / detection of workflow w most (for the
** trace); -1 when none. */
long model_cc_step_cause(const model_cc *c, size_t g);
long model_cc_detection_cause(const model_cc *c, size_t w);


#endif
