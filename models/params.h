/*
** models/params.h — every duration parameter of a loaded scenario, found
** automatically, each with the `--set` path that addresses it in the
** scenario file and a pointer to its value in the scenario's structs.
**
** For sensitivity analysis (`drsim sensitivity`): vary each parameter one at
** a time by a factor. A parameter is either a distribution of durations
** (model_dist: a step's duration, a replication lag, a node's provisioning
** time, ...) scaled with model_dist_scale(), or a single duration (a grace
** period, a retry delay, a backup interval, ...) multiplied by the factor.
** model_params_override() writes the scaled value as a `--set` override, so a
** scaled scenario is loaded (and stored with a run) exactly like one a user
** wrote: `drsim run --set` with that text reproduces the run.
**
** Which parameters are listed: those the scenario sets to something that
** scaling changes. Left out: distributions that are a constant 0 (a default
** detection of 0), zero or infinite durations (no retry delay, no timeout,
** unlimited retention), and non-duration numbers (probabilities, node
** counts, rates). A listed parameter the model ignores in this scenario
** (failure/repair in disaster mode, a manual step's `duration` when the
** on-call block makes it draw from business_hours/off_hours, a retry delay
** of a step that cannot fail, a pool no step uses) has used = 0.
**
** Order: the scenario's order (top-level sections as in scenarios/README.md:
** components, disaster, standby, workflows, lifetime), so a listing is stable.
*/
#ifndef DRSIM_MODELS_PARAMS_H
#define DRSIM_MODELS_PARAMS_H

#include <stddef.h>
#include "models/scenario.h"

typedef enum model_param_kind {
  MODEL_PARAM_DIST = 0,     /* a distribution of durations: dist */
  MODEL_PARAM_DURATION      /* one duration in seconds: seconds */
} model_param_kind;

typedef struct model_param {
  const char *path;         /* --set path, e.g.
                               "workflows.production.steps.approve-failover.duration" */
  model_param_kind kind;
  model_dist *dist;         /* DIST: into the scenario (borrowed) */
  double *seconds;          /* DURATION: into the scenario (borrowed) */
  int used;                 /* 0: the model ignores it in this scenario (see above) */
  model_loc loc;            /* where its owner (step, component, pool) was written */
} model_param;

typedef struct model_params model_params;

/* Enumerate the parameters of sc. The list points into sc, which must
** outlive it (and is written to only by model_params_scale). Returns NULL
** when out of memory. Free with model_params_free. */
model_params *model_params_new(model_scenario *sc);
void model_params_free(model_params *p);   /* NULL is a no-op */

/* Number of parameters, and parameter i (borrowed; i < count). */
size_t model_params_count(const model_params *p);
const model_param *model_params_get(const model_params *p, size_t i);

/* Index of the parameter with exactly this path, or -1. */
int model_params_find(const model_params *p, const char *path);

/* Scale parameter i in place by factor (finite, > 0): model_dist_scale for
** a distribution, seconds *= factor for a duration. */
void model_params_scale(model_params *p, size_t i, double factor);

/* The override "PATH=VALUE" that sets parameter i to its value scaled by
** factor (finite, > 0), without changing the scenario. Numbers are written
** with 17 significant digits (read back to the same double); durations in
** seconds; a lognormal as {dist: lognormal, mu: .., sigma: ..}. Loading the
** scenario with it gives the parameter model_params_scale would give.
** Returns a malloc'ed string (free it), or NULL when out of memory. */
char *model_params_override(const model_params *p, size_t i, double factor);

/* A short description of parameter i's current value for humans: the
** distribution as `drsim validate` shows it, or a duration ("1h"). Writes
** at most n bytes including the NUL; returns buf. */
char *model_params_describe(const model_params *p, size_t i, char *buf, size_t n);

#endif
