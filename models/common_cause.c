/*
** models/common_cause.c — common causes drawn once per trial and the effects
** they put on steps, detections and standby pools (contract and semantics
** in models/common_cause.h).
*/
#include "models/common_cause.h"

#include <math.h>
#include <stdlib.h>

#include "sim/rng.h"

struct model_cc {
  const model_scenario *sc;
  size_t n, nst, nw, np;
  gsl_rng **rng;            /* [n] one stream per cause */
  uint64_t occurred;
  double *factor;           /* [nst] */
  double *step_delay;       /* [nst] */
  long *step_cause;         /* [nst] */
  double *det_delay;        /* [nw] */
  long *det_cause;          /* [nw] */
  unsigned char *pool_short;/* [np] */
  double *pool_delay;       /* [np] NAN: the pool's own delay */
  long *pool_cause;         /* [np] */
};

model_cc *model_cc_new(const model_scenario *sc) {
  model_cc *c = calloc(1, sizeof *c);
  if (!c || !sc) {
    free(c);
    return NULL;
  }
  c->sc = sc;
  c->n = sc->n_common_causes;
  c->nw = sc->n_workflows;
  c->np = sc->n_standby;
  for (size_t w = 0; w < c->nw; w++) c->nst += sc->workflows[w].n_steps;
#define CC_ALLOC(ptr, k) ((ptr) = calloc((k) ? (k) : 1, sizeof *(ptr)))
  if (!CC_ALLOC(c->rng, c->n) || !CC_ALLOC(c->factor, c->nst) ||
      !CC_ALLOC(c->step_delay, c->nst) || !CC_ALLOC(c->step_cause, c->nst) ||
      !CC_ALLOC(c->det_delay, c->nw) || !CC_ALLOC(c->det_cause, c->nw) ||
      !CC_ALLOC(c->pool_short, c->np) || !CC_ALLOC(c->pool_delay, c->np) ||
      !CC_ALLOC(c->pool_cause, c->np)) {
    model_cc_free(c);
    return NULL;
  }
#undef CC_ALLOC
  for (size_t i = 0; i < c->n; i++)
    if (!(c->rng[i] = sim_rng_alloc())) {
      model_cc_free(c);
      return NULL;
    }
  for (size_t g = 0; g < c->nst; g++) {
    c->factor[g] = 1;
    c->step_cause[g] = -1;
  }
  for (size_t w = 0; w < c->nw; w++) c->det_cause[w] = -1;
  for (size_t p = 0; p < c->np; p++) c->pool_cause[p] = -1;
  return c;
}

void model_cc_free(model_cc *c) {
  if (!c) return;
  if (c->rng)
    for (size_t i = 0; i < c->n; i++) gsl_rng_free(c->rng[i]);
  free(c->rng);
  free(c->factor);
  free(c->step_delay);
  free(c->step_cause);
  free(c->det_delay);
  free(c->det_cause);
  free(c->pool_short);
  free(c->pool_delay);
  free(c->pool_cause);
  free(c);
}

static size_t cc_step(const model_scenario *sc, model_step_ref r) {
  return sc->workflows[r.workflow].step_offset + (size_t)r.step;
}

uint64_t model_cc_draw(model_cc *c, uint64_t run_seed, uint64_t trial) {
  const model_scenario *sc = c->sc;
  if (!c->n) return c->occurred = 0;
  /* reset only what the last draw may have set */
  for (size_t g = 0; g < c->nst; g++) {
    c->factor[g] = 1;
    c->step_delay[g] = 0;
    c->step_cause[g] = -1;
  }
  for (size_t w = 0; w < c->nw; w++) {
    c->det_delay[w] = 0;
    c->det_cause[w] = -1;
  }
  for (size_t p = 0; p < c->np; p++) {
    c->pool_short[p] = 0;
    c->pool_delay[p] = NAN;
    c->pool_cause[p] = -1;
  }
  c->occurred = 0;
  for (size_t i = 0; i < c->n; i++) {
    const model_common_cause *cc = &sc->common_causes[i];
    gsl_rng *r = c->rng[i];
    sim_rng_seed(r, run_seed, trial, cc->stream);
    if (!(gsl_rng_uniform(r) < cc->probability)) continue;
    c->occurred |= UINT64_C(1) << i;
    double sd = cc->has_shortage_delay ? model_dist_sample(&cc->shortage_delay, r) : NAN;
    double dd = cc->n_delay_steps ? model_dist_sample(&cc->step_delay, r) : 0;
    double det = cc->has_detection_delay ? model_dist_sample(&cc->detection_delay, r) : 0;
    for (size_t k = 0; k < cc->n_shortage_pools; k++) {
      size_t p = (size_t)cc->shortage_pools[k];
      if (!c->pool_short[p]) {
        c->pool_short[p] = 1;
        c->pool_delay[p] = sd;
        c->pool_cause[p] = (long)i;
      } else if (!isnan(sd) && (isnan(c->pool_delay[p]) || sd > c->pool_delay[p])) {
        c->pool_delay[p] = sd;   /* the longest shared wait; NAN keeps the pool's own */
      }
    }
    for (size_t k = 0; k < cc->n_factor_steps; k++)
      c->factor[cc_step(sc, cc->factor_steps[k])] *= cc->failure_factor;
    for (size_t k = 0; k < cc->n_delay_steps; k++) {
      size_t g = cc_step(sc, cc->delay_steps[k]);
      c->step_delay[g] += dd;
      if (c->step_cause[g] < 0) c->step_cause[g] = (long)i;
    }
    if (cc->has_detection_delay) {
      for (size_t w = 0; w < c->nw; w++) {
        int hit = cc->n_detection_envs == 0;
        for (size_t k = 0; !hit && k < cc->n_detection_envs; k++)
          hit = cc->detection_envs[k] == sc->workflows[w].environment;
        if (!hit) continue;
        c->det_delay[w] += det;
        if (c->det_cause[w] < 0) c->det_cause[w] = (long)i;
      }
    }
  }
  return c->occurred;
}

uint64_t model_cc_occurred(const model_cc *c) { return c->occurred; }

double model_cc_failure_factor(const model_cc *c, size_t g) {
  return c->n && g < c->nst ? c->factor[g] : 1;
}

double model_cc_step_delay(const model_cc *c, size_t g) {
  return c->n && g < c->nst ? c->step_delay[g] : 0;
}

double model_cc_detection_delay(const model_cc *c, size_t w) {
  return c->n && w < c->nw ? c->det_delay[w] : 0;
}

int model_cc_pool_short(const model_cc *c, size_t p, double *delay, size_t *cause) {
  if (!c->n || p >= c->np || !c->pool_short[p]) return 0;
  *delay = c->pool_delay[p];
  *cause = (size_t)c->pool_cause[p];
  return 1;
}

long model_cc_step_cause(const model_cc *c, size_t g) {
  return c->n && g < c->nst ? c->step_cause[g] : -1;
}

long model_cc_detection_cause(const model_cc *c, size_t w) {
  return c->n && w < c->nw ? c->det_cause[w] : -1;
}

