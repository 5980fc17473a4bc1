/*
** models/lint.c — the lint for silent optimism (rules and contract in
** models/lint.h). It reads the validated scenario only: the disaster's scope
** comes from model_scenario_scope, the same rule the models use.
*/
#include "models/lint.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/units.h"

typedef struct lint_item {
  const char *rule;
  int line, col;
  char *message;
} lint_item;

struct model_lint {
  lint_item *items;
  size_t n, cap;
  int oom;
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void add(model_lint *l, const char *rule, model_loc at, const char *fmt, ...) {
  if (l->oom) return;
  if (l->n == l->cap) {
    size_t nc = l->cap ? 2 * l->cap : 8;
    lint_item *p = realloc(l->items, nc * sizeof *p);
    if (!p) {
      l->oom = 1;
      return;
    }
    l->items = p;
    l->cap = nc;
  }
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *m = len >= 0 ? malloc((size_t)len + 1) : NULL;
  if (!m) {
    l->oom = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(m, (size_t)len + 1, fmt, ap);
  va_end(ap);
  l->items[l->n++] = (lint_item){rule, at.line, at.col, m};
}

static const char *dur(double s, char *buf, size_t n) {
  return model_units_format_duration(s, buf, n);
}

/* The region the disaster takes whole, or -1 (zone and component disasters
** take no region). */
static int lost_region(const model_scenario *sc) {
  int r = sc->disaster.type == MODEL_DISASTER_REGION ? sc->disaster.region : -1;
  return r >= 0 && (size_t)r < sc->n_regions ? r : -1;
}

static int step_is_needed(const model_scenario *sc, size_t w, size_t k) {
  for (size_t v = 0; v < sc->n_workflows; v++) {
    const model_workflow *wf = &sc->workflows[v];
    for (size_t j = 0; j < wf->n_steps; j++) {
      const model_step *st = &wf->steps[j];
      if (v == w)
        for (size_t q = 0; q < st->n_needs_steps; q++)
          if (st->needs_steps[q] == k) return 1;
      for (size_t q = 0; q < st->n_needs_ext; q++)
        if ((size_t)st->needs_ext[q].workflow == w && (size_t)st->needs_ext[q].step == k) return 1;
    }
  }
  for (size_t c = 0; c < sc->n_components; c++) {
    const model_failover *f = &sc->components[c].failover;
    if (f->kind == MODEL_FAILOVER_BY_STEP && f->by_workflow == (int)w && f->by_step == (int)k)
      return 1;
  }
  return 0;
}

model_lint *model_lint_run(const model_scenario *sc) {
  model_lint *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  size_t nc = sc->n_components, ne = sc->n_environments;
  unsigned char *comp = calloc(nc ? nc : 1, 1), *env = calloc(ne ? ne : 1, 1);
  if (!comp || !env || model_scenario_scope(sc, comp, env)) {
    free(comp);
    free(env);
    model_lint_free(l);
    return NULL;
  }
  int lost = lost_region(sc);
  char a[48], b[48];
  /* Lifetime mode without a disaster rate: the disaster never happens, so
  ** its scope says nothing; only the workflow rule applies. */
  if (sc->mode == MODEL_MODE_LIFETIME && !(sc->disaster.rate_per_s > 0)) {
    memset(comp, 0, nc ? nc : 1);
    memset(env, 1, ne ? ne : 1);
    lost = -1;
  }

  for (size_t c = 0; c < nc; c++) {
    const model_component *mc = &sc->components[c];
    const model_replication *r = &mc->replication;
    if (comp[c] && r->mode == MODEL_REPL_NONE && mc->failover.kind == MODEL_FAILOVER_NONE &&
        !mc->stateless)
      add(l, "no-recovery", mc->loc,
          "component '%s' is in the disaster's scope with neither 'replication' nor "
          "'failover': it counts as usable in standby at t = 0 with RPO 0; give it a "
          "'failover' (and replication: {mode: none} if it holds no data), or stateless: true",
          mc->name);
    if (r->mode != MODEL_REPL_NONE && r->to_region >= 0 && r->to_region == mc->region)
      add(l, "target-own-region", r->to_loc,
          "component '%s' replicates to '%s', its own region: a disaster of that region "
          "takes the copy too; replicate to another region with 'to'",
          mc->name, sc->regions[r->to_region].name);
    int t = model_scenario_target_region(sc, c);
    if (lost >= 0 && t == lost && mc->region != lost)
      add(l, "target-lost", r->mode != MODEL_REPL_NONE ? r->to_loc : mc->loc,
          "component '%s' fails over to '%s', which the disaster takes: that DR capability "
          "is lost with it", mc->name, sc->regions[t].name);
  }
  for (size_t p = 0; p < sc->n_standby; p++) {
    const model_standby *sp = &sc->standby[p];
    if (lost >= 0 && sp->region == lost)
      add(l, "target-lost", sp->loc,
          "standby pool '%s' is in '%s', which the disaster takes: its capacity is lost "
          "with it", sp->name, sc->regions[lost].name);
  }
  for (size_t e = 0; e < ne; e++) {
    const model_environment *me = &sc->environments[e];
    if (!env[e]) {
      add(l, "never-affected", me->loc,
          "environment '%s' is never affected by the scenario's disaster: nothing it runs on "
          "is in its scope, so its objectives are not put to any test",
          me->name);
      continue;
    }
    if (!(me->rpo_s < INFINITY)) continue;
    for (size_t c = 0; c < nc; c++) {
      const model_component *mc = &sc->components[c];
      if (!comp[c] || mc->replication.mode != MODEL_REPL_PERIODIC) continue;
      if (mc->environment >= 0 && (size_t)mc->environment != e) continue;
      if (mc->replication.interval_s > me->rpo_s)
        add(l, "rpo-below-interval", mc->replication.loc,
            "the RPO objective of '%s' (%s) is shorter than the backup interval of '%s' (%s): "
            "it is met only when the disaster strikes within %s after a backup",
            me->name, dur(me->rpo_s, a, sizeof a), mc->name,
            dur(mc->replication.interval_s, b, sizeof b), dur(me->rpo_s, a, sizeof a));
    }
  }
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    /* retries-exhausted: one finding per workflow, at its first such step. */
    char names[512];
    size_t len = 0, n_exh = 0, n_indep = 0, first = 0;
    double p_all = 0;   /* P(some such step exhausts) with independent attempts */
    names[0] = 0;
    for (size_t k = 0; k < wf->n_steps; k++) {
      const model_step *st = &wf->steps[k];
      if (st->after_restore || st->has_escalation ||
          !(st->failure_probability > 0 || !isinf(st->timeout_s)))
        continue;
      if (!n_exh++) first = k;
      if (st->failure_probability > 0 && !(st->retry_persistent > 0)) {
        n_indep++;
        p_all = 1 - (1 - p_all) * (1 - pow(st->failure_probability, st->retry_max + 1));
      }
      int wr = snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", st->name);
      if (wr > 0 && (size_t)wr < sizeof names - len) len += (size_t)wr;
    }
    if (n_exh) {
      const char *env = sc->environments[wf->environment].name;
      if (n_indep)
        add(l, "retries-exhausted", wf->steps[first].loc,
            "when every attempt of %s fails, '%s' is never recovered (no 'escalation'); "
            "with independent retries that is about %.2g %% of the trials, but a cause that persists "
            "(a corrupt snapshot, a stuck state lock) fails every retry: give retry.persistent, "
            "and escalation: DIST for the manual fix teams fall back on",
            names, env, 100 * p_all);
      else
        add(l, "retries-exhausted", wf->steps[first].loc,
            "when every attempt of %s fails, '%s' is never recovered (no 'escalation'); "
            "give escalation: DIST for the manual fix teams fall back on", names, env);
    }
    /* manual-any-hour: calendars say when people work, but this manual
    ** step takes its duration whatever the hour. */
    for (size_t k = 0; k < wf->n_steps && sc->n_calendars; k++) {
      const model_step *st = &wf->steps[k];
      int c = st->team >= 0 && (size_t)st->team < sc->n_teams && sc->teams[st->team].calendar >= 0
                  ? sc->teams[st->team].calendar
                  : (wf->calendar >= 0 ? wf->calendar : 0);
      if (!st->manual || st->off_policy != MODEL_OFF_NONE || (size_t)c >= sc->n_calendars) continue;
      add(l, "manual-any-hour", st->loc,
          "manual step '%s' of '%s' takes its duration at any hour, although calendar '%s' says "
          "when people work: give it off_hours (wait, {page: DIST} or an off-hours "
          "distribution)", st->name, sc->environments[wf->environment].name,
          model_calendar_name(sc->calendars[c]));
    }
    for (size_t k = 0; k < wf->n_steps; k++) {
      const model_step *st = &wf->steps[k];
      if (st->after_restore || st->n_needs_steps || st->n_needs_components || st->n_needs_ext)
        continue;
      if (wf->n_steps < 2 || step_is_needed(sc, w, k)) continue;
      add(l, "isolated-step", st->loc,
          "step '%s' counts in the RTO but needs nothing and nothing needs it: it sets the RTO "
          "only by being last; give it 'needs', or after_restore: true if it follows the "
          "restoration", st->name);
    }
  }
  free(comp);
  free(env);
  if (l->oom) {
    model_lint_free(l);
    return NULL;
  }
  return l;
}

void model_lint_free(model_lint *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) free(l->items[i].message);
  free(l->items);
  free(l);
}

size_t model_lint_count(const model_lint *l) { return l ? l->n : 0; }
const char *model_lint_rule(const model_lint *l, size_t i) { return l->items[i].rule; }
int model_lint_line(const model_lint *l, size_t i) { return l->items[i].line; }
int model_lint_col(const model_lint *l, size_t i) { return l->items[i].col; }
const char *model_lint_message(const model_lint *l, size_t i) { return l->items[i].message; }

void model_lint_print(const model_lint *l, const model_scenario *sc, FILE *out) {
  for (size_t i = 0; l && i < l->n; i++)
    fprintf(out, "%s:%d:%d: warning: %s [%s]\n", sc->source ? sc->source : "scenario",
            l->items[i].line, l->items[i].col, l->items[i].message, l->items[i].rule);
}

/* Append ", name" (or "name" first) to a growing buffer; 0 or -1. */
static int append(char **buf, size_t *len, size_t *cap, const char *text) {
  size_t n = strlen(text);
  if (*len + n + 1 > *cap) {
    size_t nc = (*cap ? *cap : 256);
    while (nc < *len + n + 1) nc *= 2;
    char *p = realloc(*buf, nc);
    if (!p) return -1;
    *buf = p;
    *cap = nc;
  }
  memcpy(*buf + *len, text, n + 1);
  *len += n;
  return 0;
}

char *model_lint_lost_capabilities(const model_scenario *sc) {
  int lost = lost_region(sc);
  if (lost < 0) return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0, n_targets = 0, n_pools = 0;
  int bad = 0;
  for (size_t c = 0; c < sc->n_components; c++) {
    if (sc->components[c].region == lost || model_scenario_target_region(sc, c) != lost) continue;
    if (!n_targets++) {
      bad |= append(&buf, &len, &cap, "The disaster takes the DR capabilities in ");
      bad |= append(&buf, &len, &cap, sc->regions[lost].name);
      bad |= append(&buf, &len, &cap, ": the replication and failover targets of ");
    } else {
      bad |= append(&buf, &len, &cap, ", ");
    }
    bad |= append(&buf, &len, &cap, sc->components[c].name);
  }
  for (size_t p = 0; p < sc->n_standby; p++) {
    if (sc->standby[p].region != lost) continue;
    if (!n_pools++) {
      if (!n_targets) {
        bad |= append(&buf, &len, &cap, "The disaster takes the DR capabilities in ");
        bad |= append(&buf, &len, &cap, sc->regions[lost].name);
        bad |= append(&buf, &len, &cap, ": ");
      } else {
        bad |= append(&buf, &len, &cap, "; ");
      }
      bad |= append(&buf, &len, &cap, "the standby pools ");
    } else {
      bad |= append(&buf, &len, &cap, ", ");
    }
    bad |= append(&buf, &len, &cap, sc->standby[p].name);
  }
  if (n_targets || n_pools)
    bad |= append(&buf, &len, &cap, ". A disaster of the primary while it lasts would find no "
                                     "copy or capacity there.");
  if (bad) {
    free(buf);
    return NULL;
  }
  return buf;
}
