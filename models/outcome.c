/*
** models/outcome.c — layout of the fixed-size per-trial result record.
**
** A record is four arrays back to back, each starting on an 8-byte boundary:
**
**   [env x n_environments][steps x n_steps_total][components x n_components]
**   [standby x n_standby]
**
** and, in lifetime mode only, two more:
**
**   [incidents x n_environments x MODEL_OUTCOME_MAX_INCIDENTS]
**   [double x n_environments x n_components]   (downtime by component)
**
** The size depends only on the scenario's counts, so the runner can allocate
** trials * model_outcome_size(sc) bytes once and hand out slices. The caller
** gives a record that is itself 8-byte aligned (malloc's is).
*/
#include "models/outcome.h"

#include <math.h>
#include <string.h>

typedef struct layout {
  size_t env, steps, components, standby, incidents, env_comp, size;
} layout;

static size_t align8(size_t x) { return (x + 7u) & ~(size_t)7u; }

static layout layout_of(const model_scenario *sc) {
  layout l;
  l.env = 0;
  l.steps = align8(l.env + sc->n_environments * sizeof(model_env_outcome));
  l.components = align8(l.steps + sc->n_steps_total * sizeof(model_step_outcome));
  l.standby = align8(l.components + sc->n_components * sizeof(model_component_outcome));
  l.incidents = align8(l.standby + sc->n_standby * sizeof(model_standby_outcome));
  size_t n_inc = 0, n_cells = 0;
  if (sc->mode == MODEL_MODE_LIFETIME) {
    n_inc = sc->n_environments * MODEL_OUTCOME_MAX_INCIDENTS;
    n_cells = sc->n_environments * sc->n_components;
  }
  l.env_comp = align8(l.incidents + n_inc * sizeof(model_incident_outcome));
  l.size = align8(l.env_comp + n_cells * sizeof(double));
  /* Never 0, so a record can always be allocated and addressed. */
  if (l.size == 0) l.size = 8;
  return l;
}

size_t model_outcome_size(const model_scenario *sc) { return layout_of(sc).size; }

/* Empty arrays get NULL rather than a pointer to the record's end, so a
** stray access faults instead of reading a neighbour. */
model_trial_view model_outcome_view(const model_scenario *sc, void *record) {
  layout l = layout_of(sc);
  unsigned char *base = record;
  model_trial_view v;
  v.env = sc->n_environments ? (model_env_outcome *)(void *)(base + l.env) : NULL;
  v.steps = sc->n_steps_total ? (model_step_outcome *)(void *)(base + l.steps) : NULL;
  v.components =
      sc->n_components ? (model_component_outcome *)(void *)(base + l.components) : NULL;
  v.standby = sc->n_standby ? (model_standby_outcome *)(void *)(base + l.standby) : NULL;
  int lifetime = sc->mode == MODEL_MODE_LIFETIME;
  v.incidents = lifetime && sc->n_environments
                    ? (model_incident_outcome *)(void *)(base + l.incidents) : NULL;
  v.env_component_downtime_s = lifetime && sc->n_environments && sc->n_components
                                   ? (double *)(void *)(base + l.env_comp) : NULL;
  return v;
}

void model_outcome_clear(const model_scenario *sc, void *record) {
  /* Zero everything first, padding included, so two records of identical
  ** trials are byte-identical (counters and lifetime fields stay 0). */
  memset(record, 0, model_outcome_size(sc));
  model_trial_view v = model_outcome_view(sc, record);
  for (size_t i = 0; i < sc->n_environments; i++) {
    model_env_outcome *e = &v.env[i];
    e->rto_s = NAN;           /* set by the model: a time, or INFINITY if not recovered */
    e->rpo_s = 0.0;           /* a max over data components; 0 when there are none */
    e->first_service_s = NAN;
    e->full_capacity_s = NAN;
    e->wallclock_s = NAN;
    e->detection_s = NAN;
    e->loss = NAN;            /* set by model_costs_record_losses (disaster mode) */
  }
  for (size_t i = 0; i < sc->n_steps_total; i++) {
    v.steps[i].start_s = NAN;
    v.steps[i].end_s = NAN;
    v.steps[i].team_wait_s = NAN;
  }
  for (size_t i = 0; i < sc->n_components; i++) {
    v.components[i].rpo_s = NAN;
    v.components[i].failover_s = NAN;
  }
  for (size_t i = 0; i < sc->n_standby; i++) {
    v.standby[i].first_service_s = NAN;
    v.standby[i].full_capacity_s = NAN;
  }
  if (v.incidents)
    for (size_t i = 0; i < sc->n_environments * MODEL_OUTCOME_MAX_INCIDENTS; i++) {
      model_incident_outcome *o = &v.incidents[i];
      o->start_s = o->rto_s = o->rpo_s = o->failback_s = NAN;   /* slot not used */
    }
}
