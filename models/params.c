/*
** models/params.c — enumerate a scenario's duration parameters with their
** --set paths (see models/params.h).
**
** The paths follow models/override.h: list items by `name`, workflows by
** `environment`. Each path is built from the names the loader kept, so it
** addresses the same node the value came from.
*/
#include "models/params.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct model_params {
  model_param *items;
  size_t n, cap;
  int failed;               /* an allocation failed while listing */
};

/* Does scaling d change it? (A constant 0 stays 0.) */
static int dist_scalable(const model_dist *d) {
  if (d->kind == MODEL_DIST_CONSTANT) return d->p[0] > 0;
  if (d->kind == MODEL_DIST_EMPIRICAL) return d->n_samples > 0 && d->samples[d->n_samples - 1] > 0;
  return 1;
}

#if defined(__GNUC__)
__attribute__((format(printf, 7, 8)))
#endif
static void add(model_params *p, model_param_kind kind, model_dist *d, double *s, int used,
                model_loc loc, const char *fmt, ...) {
  if (p->failed) return;
  if (kind == MODEL_PARAM_DIST && !dist_scalable(d)) return;
  if (kind == MODEL_PARAM_DURATION && !(*s > 0 && isfinite(*s))) return;
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 32;
    model_param *bigger = realloc(p->items, cap * sizeof *bigger);
    if (!bigger) { p->failed = 1; return; }
    p->items = bigger;
    p->cap = cap;
  }
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *path = len >= 0 ? malloc((size_t)len + 1) : NULL;
  if (!path) { p->failed = 1; return; }
  va_start(ap, fmt);
  vsnprintf(path, (size_t)len + 1, fmt, ap);
  va_end(ap);
  model_param *it = &p->items[p->n++];
  it->path = path;
  it->kind = kind;
  it->dist = kind == MODEL_PARAM_DIST ? d : NULL;
  it->seconds = kind == MODEL_PARAM_DURATION ? s : NULL;
  it->used = used;
  it->loc = loc;
}

#define ADD_DIST(d, used, loc, ...) add(p, MODEL_PARAM_DIST, (d), NULL, (used), (loc), __VA_ARGS__)
#define ADD_DUR(s, used, loc, ...) add(p, MODEL_PARAM_DURATION, NULL, (s), (used), (loc), __VA_ARGS__)

model_params *model_params_new(model_scenario *sc) {
  model_params *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  int lifetime = sc->mode == MODEL_MODE_LIFETIME;

  for (size_t i = 0; i < sc->n_components; i++) {
    model_component *c = &sc->components[i];
    model_replication *r = &c->replication;
    if (c->has_failure) {
      ADD_DIST(&c->failure, lifetime, c->loc, "components.%s.failure", c->name);
      ADD_DIST(&c->repair, lifetime, c->loc, "components.%s.repair", c->name);
    }
    if (r->mode == MODEL_REPL_ASYNC)
      ADD_DIST(&r->lag, 1, c->loc, "components.%s.replication.lag", c->name);
    if (r->mode == MODEL_REPL_PERIODIC) {
      ADD_DUR(&r->interval_s, 1, c->loc, "components.%s.replication.interval", c->name);
      if (r->has_copy) ADD_DIST(&r->copy, 1, c->loc, "components.%s.replication.copy", c->name);
      ADD_DUR(&r->retention_s, 1, c->loc, "components.%s.replication.retention", c->name);
    }
    if (c->failover.kind == MODEL_FAILOVER_AUTO) {
      ADD_DUR(&c->failover.after_s, 1, c->loc, "components.%s.failover.after", c->name);
      if (c->failover.has_duration)
        ADD_DIST(&c->failover.duration, 1, c->loc, "components.%s.failover.duration", c->name);
    }
  }

  if (sc->disaster.has_duration)
    ADD_DIST(&sc->disaster.duration, 1, sc->disaster.loc, "disaster.duration");

  for (size_t i = 0; i < sc->n_standby; i++) {
    model_standby *b = &sc->standby[i];
    /* A pool matters only through the steps that scale it up. */
    int used = 0;
    for (size_t w = 0; w < sc->n_workflows && !used; w++)
      for (size_t s = 0; s < sc->workflows[w].n_steps; s++)
        if (sc->workflows[w].steps[s].standby == (int)i) used = 1;
    ADD_DIST(&b->provision, used && b->required_nodes > b->warm_nodes, b->loc,
             "standby.%s.provision", b->name);
    if (b->shortage_probability > 0)
      ADD_DIST(&b->shortage_delay, used && b->required_nodes > b->warm_nodes, b->loc,
               "standby.%s.capacity_shortage.delay", b->name);
  }

  for (size_t w = 0; w < sc->n_workflows; w++) {
    model_workflow *wf = &sc->workflows[w];
    const char *env = sc->environments[wf->environment].name;
    if (wf->has_detection_hours) {
      int cal = wf->calendar >= 0;
      ADD_DIST(&wf->detection_business, cal, wf->loc, "workflows.%s.detection.business_hours", env);
      ADD_DIST(&wf->detection_off, cal, wf->loc, "workflows.%s.detection.off_hours", env);
    } else {
      ADD_DIST(&wf->detection, 1, wf->loc, "workflows.%s.detection", env);
    }
    for (size_t s = 0; s < wf->n_steps; s++) {
      model_step *st = &wf->steps[s];
      /* With a calendar: DRAW reads business_hours and off_hours, WAIT and
      ** PAGE their business duration (business_hours, else duration). */
      int cal = st->manual && st->calendar >= 0 && st->off_policy != MODEL_OFF_NONE;
      int oncall = cal && st->off_policy == MODEL_OFF_DRAW;
      if (st->standby < 0)
        ADD_DIST(&st->duration, !(cal && st->has_business), st->loc,
                 "workflows.%s.steps.%s.duration", env, st->name);
      if (st->has_business)
        ADD_DIST(&st->business_hours, cal, st->loc, "workflows.%s.steps.%s.business_hours",
                 env, st->name);
      if (st->has_oncall)
        ADD_DIST(&st->off_hours, oncall, st->loc, "workflows.%s.steps.%s.off_hours", env,
                 st->name);
      if (st->off_policy == MODEL_OFF_PAGE)
        ADD_DIST(&st->page, cal, st->loc, "workflows.%s.steps.%s.off_hours.page", env, st->name);
      /* A retry happens only after a failed attempt. */
      int can_fail = st->failure_probability > 0 || isfinite(st->timeout_s);
      if (st->retry_max > 0)
        ADD_DUR(&st->retry_delay_s, can_fail, st->loc, "workflows.%s.steps.%s.retry.delay", env,
                st->name);
      ADD_DUR(&st->timeout_s, 1, st->loc, "workflows.%s.steps.%s.timeout", env, st->name);
      if (st->has_escalation)   /* used only once every attempt can fail */
        ADD_DIST(&st->escalation, can_fail, st->loc, "workflows.%s.steps.%s.escalation", env,
                 st->name);
    }
  }

  if (lifetime && sc->lifetime.failback) {
    model_loc none = {0, 0};
    ADD_DIST(&sc->lifetime.failback_duration, 1, none, "lifetime.failback_duration");
  }

  if (p->failed) {
    model_params_free(p);
    return NULL;
  }
  return p;
}

void model_params_free(model_params *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) free((char *)p->items[i].path);
  free(p->items);
  free(p);
}

size_t model_params_count(const model_params *p) { return p->n; }

const model_param *model_params_get(const model_params *p, size_t i) {
  return i < p->n ? &p->items[i] : NULL;
}

int model_params_find(const model_params *p, const char *path) {
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->items[i].path, path) == 0) return (int)i;
  return -1;
}

void model_params_scale(model_params *p, size_t i, double factor) {
  model_param *it = &p->items[i];
  if (it->kind == MODEL_PARAM_DIST)
    model_dist_scale(it->dist, factor);   /* aborts on a bad factor */
  else if (factor > 0 && isfinite(factor))
    *it->seconds *= factor;
  else
    abort();   /* broken caller contract, as model_dist_scale */
}

/* The YAML flow map of a distribution, every number with 17 digits. */
static void write_dist(FILE *f, const model_dist *d) {
  const double *q = d->p;
  switch (d->kind) {
    case MODEL_DIST_CONSTANT:
      fprintf(f, "{dist: constant, value: %.17g}", q[0]);
      break;
    case MODEL_DIST_EXPONENTIAL:
      fprintf(f, "{dist: exponential, mean: %.17g}", q[0]);
      break;
    case MODEL_DIST_LOGNORMAL:
      fprintf(f, "{dist: lognormal, mu: %.17g, sigma: %.17g}", q[0], q[1]);
      break;
    case MODEL_DIST_WEIBULL:
    case MODEL_DIST_GAMMA:
      fprintf(f, "{dist: %s, shape: %.17g, scale: %.17g}", model_dist_kind_name(d->kind), q[0],
              q[1]);
      break;
    case MODEL_DIST_NORMAL:
      fprintf(f, "{dist: normal, mean: %.17g, sd: %.17g}", q[0], q[1]);
      break;
    case MODEL_DIST_UNIFORM:
      fprintf(f, "{dist: uniform, min: %.17g, max: %.17g}", q[0], q[1]);
      break;
    case MODEL_DIST_TRIANGULAR:
    case MODEL_DIST_PERT:
      fprintf(f, "{dist: %s, min: %.17g, mode: %.17g, max: %.17g}",
              model_dist_kind_name(d->kind), q[0], q[1], q[2]);
      break;
    case MODEL_DIST_EMPIRICAL:
      fputs("{dist: empirical, samples: [", f);
      for (size_t i = 0; i < d->n_samples; i++)
        fprintf(f, "%s%.17g", i ? ", " : "", d->samples[i]);
      fputs("]}", f);
      break;
  }
}

char *model_params_override(const model_params *p, size_t i, double factor) {
  const model_param *it = &p->items[i];
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  fprintf(f, "%s=", it->path);
  if (it->kind == MODEL_PARAM_DIST) {
    model_dist d;
    if (model_dist_copy(&d, it->dist)) {
      fclose(f);
      free(text);
      return NULL;
    }
    model_dist_scale(&d, factor);
    write_dist(f, &d);
    model_dist_free(&d);
  } else {
    if (!(factor > 0 && isfinite(factor))) abort();
    fprintf(f, "%.17g", *it->seconds * factor);
  }
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

char *model_params_describe(const model_params *p, size_t i, char *buf, size_t n) {
  const model_param *it = &p->items[i];
  if (it->kind == MODEL_PARAM_DIST) return model_scenario_describe_dist(it->dist, buf, n);
  model_dist c;
  model_dist_set_constant(&c, *it->seconds, NULL);
  return model_scenario_describe_dist(&c, buf, n);
}
