/*
** models/scenario.c — the scenario model's lifetime, lookups by name, and
** the one-screen summary `drsim validate` prints. Loading and validation are
** in models/scenario_load.c.
*/
#include "models/scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/units.h"

static void print_common_causes(const model_scenario *sc, FILE *out);

#define SUMMARY_WIDTH 96      /* wrap lists of names at this column */
#define SUMMARY_MAX_NAMES 24  /* per list, then "and N more" */
#define SUMMARY_MAX_STEPS 40  /* per workflow */

void model_scenario_free(model_scenario *sc) {
  if (!sc) return;
  model_costs_free(sc->costs);
  free(sc->name);
  free(sc->description);
  free(sc->source);
  free(sc->text_hash);
  for (size_t i = 0; i < sc->n_inputs; i++) {
    free(sc->inputs[i].name);
    free(sc->inputs[i].content);
  }
  free(sc->inputs);
  for (size_t i = 0; i < sc->n_regions; i++) free(sc->regions[i].name);
  free(sc->regions);
  for (size_t i = 0; i < sc->n_environments; i++) free(sc->environments[i].name);
  free(sc->environments);
  for (size_t i = 0; i < sc->n_components; i++) {
    model_component *c = &sc->components[i];
    free(c->name);
    free(c->depends_on);
    model_dist_free(&c->failure);
    model_dist_free(&c->repair);
    model_dist_free(&c->replication.lag);
    model_dist_free(&c->replication.copy);
    model_dist_free(&c->failover.duration);
  }
  free(sc->components);
  for (size_t i = 0; i < sc->n_redundancy_groups; i++) free(sc->redundancy_groups[i]);
  free(sc->redundancy_groups);
  for (size_t i = 0; i < sc->n_standby; i++) {
    free(sc->standby[i].name);
    model_dist_free(&sc->standby[i].provision);
    model_dist_free(&sc->standby[i].shortage_delay);
  }
  free(sc->standby);
  for (size_t w = 0; w < sc->n_workflows; w++) {
    model_workflow *wf = &sc->workflows[w];
    for (size_t s = 0; s < wf->n_steps; s++) {
      model_step *st = &wf->steps[s];
      free(st->name);
      free(st->needs_steps);
      free(st->needs_components);
      free(st->needs_ext);
      free(st->if_lost_components);
      free(st->if_lost_regions);
      model_dist_free(&st->duration);
      model_dist_free(&st->business_hours);
      model_dist_free(&st->off_hours);
      model_dist_free(&st->page);
      model_dist_free(&st->escalation);
    }
    free(wf->steps);
    free(wf->topo);
    model_dist_free(&wf->detection);
    model_dist_free(&wf->detection_business);
    model_dist_free(&wf->detection_off);
  }
  free(sc->workflows);
  for (size_t i = 0; i < sc->n_calendars; i++) model_calendar_free(sc->calendars[i]);
  free(sc->calendars);
  for (size_t i = 0; i < sc->n_teams; i++) free(sc->teams[i].name);
  free(sc->teams);
  model_dist_free(&sc->disaster.duration);
  model_dist_free(&sc->lifetime.failback_duration);
  for (size_t i = 0; i < sc->n_common_causes; i++) {
    model_common_cause *cc = &sc->common_causes[i];
    free(cc->name);
    free(cc->shortage_pools);
    free(cc->factor_steps);
    free(cc->delay_steps);
    free(cc->detection_envs);
    model_dist_free(&cc->shortage_delay);
    model_dist_free(&cc->step_delay);
    model_dist_free(&cc->detection_delay);
  }
  free(sc->common_causes);
  free(sc);
}

int model_scenario_find_environment(const model_scenario *sc, const char *name) {
  for (size_t i = 0; sc && name && i < sc->n_environments; i++)
    if (sc->environments[i].name && strcmp(sc->environments[i].name, name) == 0) return (int)i;
  return -1;
}

int model_scenario_find_component(const model_scenario *sc, const char *name) {
  for (size_t i = 0; sc && name && i < sc->n_components; i++)
    if (sc->components[i].name && strcmp(sc->components[i].name, name) == 0) return (int)i;
  return -1;
}

int model_scenario_find_standby(const model_scenario *sc, const char *name) {
  for (size_t i = 0; sc && name && i < sc->n_standby; i++)
    if (sc->standby[i].name && strcmp(sc->standby[i].name, name) == 0) return (int)i;
  return -1;
}

int model_scenario_find_workflow(const model_scenario *sc, const char *env_name) {
  int e = model_scenario_find_environment(sc, env_name);
  for (size_t w = 0; e >= 0 && w < sc->n_workflows; w++)
    if (sc->workflows[w].environment == e) return (int)w;
  return -1;
}

/* ---- summary ------------------------------------------------------------ */

static const char *dur(double s, char *buf, size_t n) {
  if (isinf(s)) {
    snprintf(buf, n, "none");
    return buf;
  }
  return model_units_format_duration(s, buf, n);
}

const char *const model_disaster_type_names[] = {"region-outage", "zone-outage", "component",
                                                 NULL};
const char *const model_repl_mode_names[] = {"none", "sync", "async", "periodic", NULL};
const char *const model_kind_names[MODEL_KIND_COUNT + 1] = {
    "", "database", "storage", "cluster", "network", "dns", "monitoring", "registry", "secrets",
    "gateway", NULL};

const char *model_scenario_kind_name(model_component_kind kind) {
  return (unsigned)kind < MODEL_KIND_COUNT ? model_kind_names[kind] : "";
}

const char *model_disaster_type_name(model_disaster_type t) {
  return (unsigned)t <= MODEL_DISASTER_COMPONENT ? model_disaster_type_names[t] : "";
}

const char *model_scenario_disaster_text(const model_scenario *sc, char *buf, size_t n) {
  const model_disaster *d = &sc->disaster;
  const char *region =
      d->region >= 0 && (size_t)d->region < sc->n_regions ? sc->regions[d->region].name : "?";
  if (d->type == MODEL_DISASTER_COMPONENT)
    snprintf(buf, n, "%s %s", model_disaster_type_name(d->type),
             d->component >= 0 && (size_t)d->component < sc->n_components
                 ? sc->components[d->component].name : "?");
  else if (d->type == MODEL_DISASTER_ZONE)
    snprintf(buf, n, "%s %s zone %d", model_disaster_type_name(d->type), region, d->zone);
  else
    snprintf(buf, n, "%s %s", model_disaster_type_name(d->type), region);
  return buf;
}

const char *model_repl_mode_name(model_repl_mode m) {
  return (unsigned)m <= MODEL_REPL_PERIODIC ? model_repl_mode_names[m] : "";
}

char *model_scenario_describe_dist(const model_dist *d, char *buf, size_t n) {
  char a[48], b[48], c[48];
  switch (d->kind) {
  case MODEL_DIST_CONSTANT:
    snprintf(buf, n, "%s", dur(d->p[0], a, sizeof a));
    break;
  case MODEL_DIST_EXPONENTIAL:
    snprintf(buf, n, "exponential(mean %s)", dur(d->p[0], a, sizeof a));
    break;
  case MODEL_DIST_LOGNORMAL:
    snprintf(buf, n, "lognormal(median %s, p95 %s)",
             dur(model_dist_quantile(d, 0.5), a, sizeof a),
             dur(model_dist_quantile(d, 0.95), b, sizeof b));
    break;
  case MODEL_DIST_WEIBULL:
  case MODEL_DIST_GAMMA:
    snprintf(buf, n, "%s(shape %g, scale %s)", model_dist_kind_name(d->kind), d->p[0],
             dur(d->p[1], a, sizeof a));
    break;
  case MODEL_DIST_NORMAL:
    snprintf(buf, n, "normal(mean %s, sd %s)", dur(d->p[0], a, sizeof a), dur(d->p[1], b, sizeof b));
    break;
  case MODEL_DIST_UNIFORM:
    snprintf(buf, n, "uniform(%s to %s)", dur(d->p[0], a, sizeof a), dur(d->p[1], b, sizeof b));
    break;
  case MODEL_DIST_TRIANGULAR:
  case MODEL_DIST_PERT:
    snprintf(buf, n, "%s(min %s, mode %s, max %s)", model_dist_kind_name(d->kind),
             dur(d->p[0], a, sizeof a), dur(d->p[1], b, sizeof b), dur(d->p[2], c, sizeof c));
    break;
  case MODEL_DIST_EMPIRICAL:
    snprintf(buf, n, "empirical(%zu samples, median %s)", d->n_samples,
             dur(model_dist_quantile(d, 0.5), a, sizeof a));
    break;
  }
  return buf;
}

/* Prints "label: a, b, c" wrapped at SUMMARY_WIDTH with a hanging indent. */
typedef struct wrap {
  FILE *out;
  int col, indent, count, shown;
} wrap;

static void wrap_start(wrap *w, FILE *out, int indent, const char *label) {
  w->out = out;
  w->indent = indent;
  w->count = 0;
  w->shown = 0;
  w->col = fprintf(out, "%*s%s", indent, "", label);
}

static void wrap_item(wrap *w, const char *text) {
  w->count++;
  if (w->shown >= SUMMARY_MAX_NAMES) return;
  int len = (int)strlen(text) + (w->shown ? 2 : 1);
  if (w->shown && w->col + len > SUMMARY_WIDTH) {
    fprintf(w->out, ",\n%*s", w->indent + 4, "");
    w->col = w->indent + 4;
    w->col += fprintf(w->out, "%s", text);
  } else {
    w->col += fprintf(w->out, "%s%s", w->shown ? ", " : " ", text);
  }
  w->shown++;
}

static void wrap_end(wrap *w) {
  if (w->count > w->shown) fprintf(w->out, ", and %d more", w->count - w->shown);
  if (w->count == 0) fprintf(w->out, " none");
  fputc('\n', w->out);
}

static void component_text(const model_scenario *sc, const model_component *c, char *buf,
                           size_t n) {
  size_t off = (size_t)snprintf(buf, n, "%s", c->name);
  const model_replication *r = &c->replication;
  char a[48];
  if (r->mode != MODEL_REPL_NONE && off < n) {
    const char *to = r->to_region >= 0 ? sc->regions[r->to_region].name : "?";
    if (r->mode == MODEL_REPL_PERIODIC)
      off += (size_t)snprintf(buf + off, n - off, " (every %s to %s",
                              dur(r->interval_s, a, sizeof a), to);
    else
      off += (size_t)snprintf(buf + off, n - off, " (%s to %s", model_repl_mode_name(r->mode), to);
  } else if (off < n) {
    off += (size_t)snprintf(buf + off, n - off, " (");
  }
  if (off < n) {
    const model_failover *f = &c->failover;
    const char *sep = r->mode != MODEL_REPL_NONE ? ", " : "";
    if (f->kind == MODEL_FAILOVER_AUTO)
      off += (size_t)snprintf(buf + off, n - off, "%sfails over after %s", sep,
                              dur(f->after_s, a, sizeof a));
    else if (f->kind == MODEL_FAILOVER_BY_STEP && f->by_workflow >= 0)
      off += (size_t)snprintf(buf + off, n - off, "%sby step %s", sep,
                              sc->workflows[f->by_workflow].steps[f->by_step].name);
  }
  if (off < n && sc->mode == MODEL_MODE_LIFETIME && c->has_failure) {
    char f1[120], f2[120];
    off += (size_t)snprintf(buf + off, n - off, "%sfails after %s, repaired in %s",
                            buf[off - 1] == '(' ? "" : ", ",
                            model_scenario_describe_dist(&c->failure, f1, sizeof f1),
                            model_scenario_describe_dist(&c->repair, f2, sizeof f2));
  }
  if (off < n && c->redundancy_group >= 0)
    off += (size_t)snprintf(buf + off, n - off, "%sredundancy group %s",
                            buf[off - 1] == '(' ? "" : ", ",
                            sc->redundancy_groups[c->redundancy_group]);
  if (off < n) {
    /* drop an empty "(" or close it */
    if (buf[off - 1] == '(' && off >= 2)
      buf[off - 2] = '\0';
    else
      snprintf(buf + off, n - off, ")");
  }
}

static void print_components(const model_scenario *sc, FILE *out, int env, const char *label) {
  wrap w;
  wrap_start(&w, out, 2, label);
  char buf[400];
  for (size_t c = 0; c < sc->n_components; c++) {
    if (sc->components[c].environment != env) continue;
    component_text(sc, &sc->components[c], buf, sizeof buf);
    wrap_item(&w, buf);
  }
  wrap_end(&w);
}

/* Depth of each step: the longest chain of needs leading to it. */
static void step_depths(const model_workflow *wf, int *depth) {
  for (size_t i = 0; i < wf->n_steps; i++) depth[i] = 0;
  if (!wf->topo) return;
  for (size_t k = 0; k < wf->n_steps; k++) {
    size_t s = wf->topo[k];
    for (size_t j = 0; j < wf->steps[s].n_needs_steps; j++) {
      int d = depth[wf->steps[s].needs_steps[j]] + 1;
      if (d > depth[s]) depth[s] = d;
    }
  }
}

/* 0, or -1 when out of memory (nothing of the steps printed). */
static int print_workflow(const model_scenario *sc, const model_workflow *wf, FILE *out) {
  char a[160], b[48];
  fprintf(out, "  workflow: detection %s", model_scenario_describe_dist(&wf->detection, a, sizeof a));
  if (wf->wait_for_primary_s > 0)
    fprintf(out, ", waits up to %s for the primary", dur(wf->wait_for_primary_s, b, sizeof b));
  fprintf(out, ", %zu step%s (indented under what they need)\n", wf->n_steps,
          wf->n_steps == 1 ? "" : "s");
  int *depth = malloc((wf->n_steps ? wf->n_steps : 1) * sizeof *depth);
  if (!depth) return -1;
  step_depths(wf, depth);
  size_t shown = 0;
  for (size_t k = 0; k < wf->n_steps && shown < SUMMARY_MAX_STEPS; k++, shown++) {
    size_t s = wf->topo ? wf->topo[k] : k;
    const model_step *st = &wf->steps[s];
    int ind = 4 + 2 * (depth[s] < 20 ? depth[s] : 20);
    int col = fprintf(out, "%*s%s", ind, "", st->name);
    fprintf(out, "%*s", col < 40 ? 40 - col : 1, "");
    if (st->standby >= 0) {
      const model_standby *p = &sc->standby[st->standby];
      fprintf(out, "standby %s: %d node%s to add", p->name, p->required_nodes - p->warm_nodes,
              p->required_nodes - p->warm_nodes == 1 ? "" : "s");
    } else if (st->manual && st->has_oncall) {
      char c2[160];
      fprintf(out, "manual: business hours %s, off hours %s",
              model_scenario_describe_dist(st->has_business ? &st->business_hours : &st->duration,
                                           a, sizeof a),
              model_scenario_describe_dist(&st->off_hours, c2, sizeof c2));
    } else if (st->manual && st->off_policy != MODEL_OFF_NONE) {
      char c2[160];
      fprintf(out, "manual: business hours %s, off hours ",
              model_scenario_describe_dist(st->has_business ? &st->business_hours : &st->duration,
                                           a, sizeof a));
      if (st->off_policy == MODEL_OFF_WAIT) fprintf(out, "wait for the next window");
      else fprintf(out, "page (%s)", model_scenario_describe_dist(&st->page, c2, sizeof c2));
    } else {
      fprintf(out, "%s%s", st->manual ? "manual: " : "",
              model_scenario_describe_dist(&st->duration, a, sizeof a));
    }
    if (st->calendar >= 0 && (size_t)st->calendar < sc->n_calendars && sc->n_calendars > 1)
      fprintf(out, " [%s]", model_calendar_name(sc->calendars[st->calendar]));
    if (st->team >= 0 && (size_t)st->team < sc->n_teams)
      fprintf(out, "; team %s", sc->teams[st->team].name);
    if (st->failure_probability > 0)
      fprintf(out, "; fails %g%%, up to %d retr%s after %s", 100 * st->failure_probability,
              st->retry_max, st->retry_max == 1 ? "y" : "ies", dur(st->retry_delay_s, b, sizeof b));
    if (st->retry_persistent > 0)
      fprintf(out, "; a failure persists %g%%", 100 * st->retry_persistent);
    if (st->has_escalation)
      fprintf(out, "; exhausted: escalation %s", model_scenario_describe_dist(&st->escalation, a, sizeof a));
    else if (!st->after_restore && (st->failure_probability > 0 || !isinf(st->timeout_s)))
      fprintf(out, "; exhausted: never recovered");
    if (!isinf(st->timeout_s)) fprintf(out, "; timeout %s", dur(st->timeout_s, b, sizeof b));
    if (st->n_needs_steps > 1) {
      fprintf(out, "; after");
      for (size_t j = 0; j < st->n_needs_steps; j++)
        fprintf(out, "%s %s", j ? "," : "", wf->steps[st->needs_steps[j]].name);
    }
    if (st->n_needs_components) {
      fprintf(out, "; waits for");
      for (size_t j = 0; j < st->n_needs_components; j++)
        fprintf(out, "%s %s", j ? "," : "", sc->components[st->needs_components[j]].name);
    }
    for (size_t j = 0; j < st->n_needs_ext; j++) {
      const model_workflow *ow = &sc->workflows[st->needs_ext[j].workflow];
      fprintf(out, "%s %s/%s", j ? "," : "; after", sc->environments[ow->environment].name,
              ow->steps[st->needs_ext[j].step].name);
    }
    if (st->has_if_lost) {
      fprintf(out, "; only if lost:");
      for (size_t j = 0; j < st->n_if_lost_components; j++)
        fprintf(out, "%s %s", j ? "," : "", sc->components[st->if_lost_components[j]].name);
      for (size_t j = 0; j < st->n_if_lost_regions; j++)
        fprintf(out, "%s %s", j || st->n_if_lost_components ? "," : "",
                sc->regions[st->if_lost_regions[j]].name);
    }
    if (st->standby >= 0 && st->until == MODEL_UNTIL_SERVICE) fprintf(out, "; until service");
    if (st->after_restore) fprintf(out, "; after restore (not in the RTO)");
    fputc('\n', out);
  }
  if (wf->n_steps > shown) fprintf(out, "    ... and %zu more steps\n", wf->n_steps - shown);
  free(depth);
  return 0;
}

int model_scenario_print_summary(const model_scenario *sc, FILE *out) {
  if (!sc || !out) return 0;
  int status = 0;
  char a[160], b[48], c[48];
  fprintf(out, "scenario %s: %s mode, %llu trials, seed %llu", sc->name,
          sc->mode == MODEL_MODE_LIFETIME ? "lifetime" : "disaster",
          (unsigned long long)sc->trials, (unsigned long long)sc->seed);
  if (sc->mode == MODEL_MODE_LIFETIME) fprintf(out, ", horizon %s", dur(sc->horizon_s, b, sizeof b));
  fputc('\n', out);

  wrap w;
  wrap_start(&w, out, 0, "regions:");
  for (size_t r = 0; r < sc->n_regions; r++) {
    snprintf(a, sizeof a, "%s (%s)", sc->regions[r].name, sc->regions[r].primary ? "primary" : "standby");
    wrap_item(&w, a);
  }
  wrap_end(&w);

  const model_disaster *d = &sc->disaster;
  if (d->type == MODEL_DISASTER_COMPONENT)
    fprintf(out, "disaster: component %s fails", d->component >= 0 ? sc->components[d->component].name : "?");
  else if (d->type == MODEL_DISASTER_ZONE)
    fprintf(out, "disaster: zone %d of %s is lost", d->zone, d->region >= 0 ? sc->regions[d->region].name : "?");
  else
    fprintf(out, "disaster: region %s is lost", d->region >= 0 ? sc->regions[d->region].name : "?");
  if (d->has_duration)
    fprintf(out, ", comes back after %s", model_scenario_describe_dist(&d->duration, a, sizeof a));
  else
    fprintf(out, ", does not come back");
  if (sc->mode == MODEL_MODE_LIFETIME && d->rate_per_s > 0)
    fprintf(out, "; arrives %g times a year (once in %g years)", d->rate_per_s * MODEL_UNITS_YEAR,
            1 / (d->rate_per_s * MODEL_UNITS_YEAR));
  else if (sc->mode == MODEL_MODE_LIFETIME)
    fprintf(out, "; never arrives (no rate)");
  fputc('\n', out);
  if (sc->oncall.enabled) {
    int h1 = (int)(sc->oncall.day_start_s / 3600), m1 = (int)fmod(sc->oncall.day_start_s / 60, 60);
    int h2 = (int)(sc->oncall.day_end_s / 3600), m2 = (int)fmod(sc->oncall.day_end_s / 60, 60);
    fprintf(out, "on-call: business hours %02d:%02d-%02d:%02d, %d workday%s a week\n", h1, m1,
            h2, m2, sc->oncall.workdays, sc->oncall.workdays == 1 ? "" : "s");
  }
  for (size_t i = 0; i < sc->n_calendars; i++) {
    const model_calendar *c = sc->calendars[i];
    double hs, he;
    static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    if (sc->oncall.enabled && i + 1 == sc->n_calendars) break;   /* shown above */
    model_calendar_hours(c, &hs, &he);
    fprintf(out, "calendar %s: %s, %02d:%02d-%02d:%02d on", model_calendar_name(c),
            model_calendar_timezone(c), (int)(hs / 3600), (int)fmod(hs / 60, 60), (int)(he / 3600),
            (int)fmod(he / 60, 60));
    for (int d = 0; d < 7; d++)
      if (model_calendar_is_workday(c, d)) fprintf(out, " %s", wd[d]);
    if (model_calendar_n_holidays(c))
      fprintf(out, ", %zu holiday%s", model_calendar_n_holidays(c),
              model_calendar_n_holidays(c) == 1 ? "" : "s");
    fputc('\n', out);
  }
  if (sc->clock.enabled && (sc->n_calendars > 1 || !sc->oncall.enabled || sc->clock.fixed ||
                            sc->clock.period_s != MODEL_UNITS_WEEK)) {
    char w1[48];
    model_calendar_format(NULL, sc->clock.start_utc, w1, sizeof w1);
    if (sc->clock.fixed)
      fprintf(out, "disaster strikes at %s UTC (disaster.start)\n", w1);
    else
      fprintf(out, "disaster strikes uniformly over the %s from %s UTC\n",
              sc->clock.period_s == MODEL_UNITS_WEEK ? "week" : "year", w1);
  }
  for (size_t i = 0; i < sc->n_teams; i++)
    fprintf(out, "team %s: %d member%s%s%s\n", sc->teams[i].name, sc->teams[i].size,
            sc->teams[i].size == 1 ? "" : "s", sc->teams[i].calendar >= 0 ? ", calendar " : "",
            sc->teams[i].calendar >= 0 ? model_calendar_name(sc->calendars[sc->teams[i].calendar]) : "");
  print_common_causes(sc, out);

  for (size_t e = 0; e < sc->n_environments; e++) {
    const model_environment *env = &sc->environments[e];
    fprintf(out, "\nenvironment %s: rto %s, rpo %s", env->name, dur(env->rto_s, b, sizeof b),
            dur(env->rpo_s, c, sizeof c));
    if (!isnan(env->availability)) fprintf(out, ", availability %g%%", 100 * env->availability);
    fputc('\n', out);
    print_components(sc, out, (int)e, "components:");
    for (size_t p = 0; p < sc->n_standby; p++) {
      const model_standby *sp = &sc->standby[p];
      if (sp->environment != (int)e) continue;
      fprintf(out, "  standby %s in %s: %d of %d nodes warm, %d to serve, %s a node, %d at once\n",
              sp->name, sc->regions[sp->region].name, sp->warm_nodes, sp->required_nodes,
              sp->service_nodes, model_scenario_describe_dist(&sp->provision, a, sizeof a),
              sp->max_parallel);
    }
    int wi = -1;
    for (size_t x = 0; x < sc->n_workflows; x++)
      if (sc->workflows[x].environment == (int)e) wi = (int)x;
    if (wi >= 0) {
      if (print_workflow(sc, &sc->workflows[wi], out)) status = -1;
    } else
      fprintf(out, "  workflow: none\n");
  }
  int shared = 0;
  for (size_t x = 0; x < sc->n_components; x++) shared |= sc->components[x].environment < 0;
  for (size_t x = 0; x < sc->n_standby; x++) shared |= sc->standby[x].environment < 0;
  if (shared) {
    fprintf(out, "\nshared by every environment:\n");
    print_components(sc, out, -1, "components:");
    for (size_t p = 0; p < sc->n_standby; p++) {
      const model_standby *sp = &sc->standby[p];
      if (sp->environment >= 0) continue;
      fprintf(out, "  standby %s in %s: %d of %d nodes warm, %s a node\n", sp->name,
              sc->regions[sp->region].name, sp->warm_nodes, sp->required_nodes,
              model_scenario_describe_dist(&sp->provision, a, sizeof a));
    }
  }
  return status;
}

int model_scenario_target_region(const model_scenario *sc, size_t c) {
  int r = sc->components[c].replication.to_region;
  for (size_t q = 0; r < 0 && q < sc->n_regions; q++)
    if (!sc->regions[q].primary && (int)q != sc->components[c].region) r = (int)q;
  return r;
}

/* The common causes, one line each, for the validate summary. */
static void print_common_causes(const model_scenario *sc, FILE *out) {
  char a[160];
  for (size_t i = 0; i < sc->n_common_causes; i++) {
    const model_common_cause *cc = &sc->common_causes[i];
    fprintf(out, "common cause %s: %g%% of the trials", cc->name, 100 * cc->probability);
    if (cc->n_shortage_pools) {
      fprintf(out, "; shortage of");
      for (size_t k = 0; k < cc->n_shortage_pools; k++)
        fprintf(out, "%s %s", k ? "," : "", sc->standby[cc->shortage_pools[k]].name);
      fprintf(out, " together, waiting %s", cc->has_shortage_delay
                  ? model_scenario_describe_dist(&cc->shortage_delay, a, sizeof a)
                  : "each pool's own capacity_shortage delay");
    }
    const model_step_ref *lists[2] = {cc->factor_steps, cc->delay_steps};
    size_t counts[2] = {cc->n_factor_steps, cc->n_delay_steps};
    for (int j = 0; j < 2; j++) {
      if (!counts[j]) continue;
      if (j == 0) fprintf(out, "; failure probability x %g on", cc->failure_factor);
      else fprintf(out, "; %s more before", model_scenario_describe_dist(&cc->step_delay, a, sizeof a));
      for (size_t k = 0; k < counts[j]; k++) {
        const model_workflow *wf = &sc->workflows[lists[j][k].workflow];
        fprintf(out, "%s %s/%s", k ? "," : "", sc->environments[wf->environment].name,
                wf->steps[lists[j][k].step].name);
      }
    }
    if (cc->has_detection_delay) {
      fprintf(out, "; detection %s later", model_scenario_describe_dist(&cc->detection_delay, a, sizeof a));
      for (size_t k = 0; k < cc->n_detection_envs; k++)
        fprintf(out, "%s %s", k ? "," : " in", sc->environments[cc->detection_envs[k]].name);
    }
    fputc('\n', out);
  }
}

/* The components taken by a component disaster: d->component and,
** breadth-first, everything depending on it (dependents in compressed rows,
** so O(components + dependencies)). Returns -1 when out of memory. */
static int scope_dependents(const model_scenario *sc, unsigned char *comp, size_t *queue) {
  size_t nc = sc->n_components, m = 0;
  for (size_t c = 0; c < nc; c++) m += sc->components[c].n_depends_on;
  size_t *off = calloc(nc + 2, sizeof *off), *idx = malloc((m ? m : 1) * sizeof *idx);
  if (!off || !idx) {
    free(off);
    free(idx);
    return -1;
  }
  for (size_t c = 0; c < nc; c++)
    for (size_t k = 0; k < sc->components[c].n_depends_on; k++)
      if ((size_t)sc->components[c].depends_on[k] < nc)
        off[(size_t)sc->components[c].depends_on[k] + 2]++;
  for (size_t c = 0; c < nc; c++) off[c + 2] += off[c + 1];
  for (size_t c = 0; c < nc; c++)   /* dependents of x in increasing order */
    for (size_t k = 0; k < sc->components[c].n_depends_on; k++)
      if ((size_t)sc->components[c].depends_on[k] < nc)
        idx[off[(size_t)sc->components[c].depends_on[k] + 1]++] = c;
  size_t head = 0, tail = 0, start = (size_t)sc->disaster.component;
  comp[start] = 1;
  queue[tail++] = start;
  while (head < tail) {
    size_t x = queue[head++];
    for (size_t k = off[x]; k < off[x + 1]; k++)
      if (!comp[idx[k]]) {
        comp[idx[k]] = 1;
        queue[tail++] = idx[k];
      }
  }
  free(off);
  free(idx);
  return 0;
}

int model_scenario_scope(const model_scenario *sc, unsigned char *comp_out, unsigned char *env) {
  size_t nc = sc->n_components;
  unsigned char *comp = calloc(nc ? nc : 1, 1);
  size_t *queue = malloc((nc ? nc : 1) * sizeof *queue);
  if (!comp || !queue) {
    free(comp);
    free(queue);
    return -1;
  }
  const model_disaster *d = &sc->disaster;
  for (size_t c = 0; c < nc; c++) {
    const model_component *mc = &sc->components[c];
    if (d->type == MODEL_DISASTER_REGION)
      comp[c] = mc->region == d->region;
    else if (d->type == MODEL_DISASTER_ZONE)
      comp[c] = mc->region == d->region && mc->zone != 0 && mc->zone == d->zone;
  }
  if (d->type == MODEL_DISASTER_COMPONENT && d->component >= 0 && (size_t)d->component < nc &&
      scope_dependents(sc, comp, queue)) {
    free(comp);
    free(queue);
    return -1;
  }
  if (env) {
    memset(env, 0, sc->n_environments);
    for (size_t c = 0; c < nc; c++) {
      if (!comp[c]) continue;
      int e = sc->components[c].environment;
      if (e < 0) memset(env, 1, sc->n_environments);
      else env[e] = 1;
    }
  }
  if (comp_out) memcpy(comp_out, comp, nc);
  free(comp);
  free(queue);
  return 0;
}
