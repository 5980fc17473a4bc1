/*
** models/load_workflows.c — workflows and their steps in a scenario.
**
** Each environment's workflow: its steps (duration, needs, if_lost,
** after_restore, on-call), the resolution of needs within a workflow and
** across environments (ENV/STEP), the regions and components lost that skip
** a step, and the failovers that wait on a step (failover `by:`).
**
** load_step runs past 100 lines on purpose: it is the flat list of a step's
** keys, read in the order scenarios/README.md gives them, so a step key is
** found (and a new one added) in one place.
*/
#include "models/load_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- workflows ---------------------------------------------------------- */

static void load_step(loader *L, size_t w, size_t si, const ynode *m, const name_ix *pix,
                      const char *envname) {
  model_scenario *sc = L->sc;
  model_step *s = &sc->workflows[w].steps[si];
  s->standby = -1;
  s->timeout_s = INFINITY;
  s->loc.line = m->line;
  s->loc.col = m->col;
  if (ld_want_map(L, m, "a step")) return;
  L->wf[w].steps[si].map = m;
  if (!model_yaml_get(m, "name"))
    ld_err_at(L, m, "a step needs a 'name', e.g. name: approve-failover");
  const char *sname = s->name ? s->name : "?";
  char where[300];
  snprintf(where, sizeof where, "step '%s' of workflow '%s'", sname, envname);
  static const char *const keys[] = {"name", "needs", "manual", "duration", "standby",
                                     "business_hours", "off_hours", "failure_probability",
                                     "failure_counts", "retry", "timeout", "if_lost",
                                     "after_restore", "until", "escalation", "team", "calendar",
                                     NULL};
  ld_check_keys(L, m, keys, where);
  const ynode *x;
  L->wf[w].steps[si].needs = model_yaml_get(m, "needs");
  L->wf[w].steps[si].if_lost = model_yaml_get(m, "if_lost");
  if ((x = model_yaml_get(m, "manual"))) ld_get_bool(L, x, "manual", &s->manual);
  if ((x = model_yaml_get(m, "after_restore"))) ld_get_bool(L, x, "after_restore", &s->after_restore);
  if ((x = model_yaml_get(m, "until"))) {
    static const char *const untils[] = {"full", "service", NULL};
    int u = 0;
    if (!model_yaml_get(m, "standby"))
      ld_err_at(L, model_yaml_get_pair(m, "until")->key, "'until' is only for standby steps (it "
                "says whether the scale-up ends at service_nodes or at required_nodes); add "
                "'standby: POOL' to step '%s' or remove it", sname);
    else if (ld_get_enum(L, x, "until", untils, &u) == 0)
      s->until = u ? MODEL_UNTIL_SERVICE : MODEL_UNTIL_FULL;
  }
  const ynode *dur = model_yaml_get(m, "duration"), *sb = model_yaml_get(m, "standby");
  if (dur && sb) {
    ld_err_at(L, model_yaml_get_pair(m, "standby")->key, "step '%s' has both 'duration' and "
              "'standby'; a standby step takes its time from the pool, remove 'duration'", sname);
  } else if (sb) {
    if (ld_want_scalar(L, sb, "standby") == 0) {
      long p = ld_ix_find(pix, sb->str);
      if (p < 0) {
        char h[512];
        ld_err_at(L, sb, "step '%s' uses standby pool '%s', which is not defined under "
                  "'standby'%s", sname, sb->str, ld_ix_hint(L, pix, sb->str, h, sizeof h));
      } else {
        s->standby = (int)p;
        int pe = sc->standby[p].environment;
        if (pe >= 0 && pe != sc->workflows[w].environment && sc->workflows[w].environment >= 0)
          ld_err_at(L, sb, "standby pool '%s' belongs to environment '%s', not '%s'; use a pool "
                    "of this environment or a shared one", sb->str, sc->environments[pe].name,
                    envname);
      }
    }
  } else if (dur) {
    ld_get_dist(L, dur, "duration", &s->duration);
  } else {
    ld_err_at(L, m, "step '%s' needs a 'duration' (e.g. duration: {dist: lognormal, median: "
              "20m, p95: 2h}) or a 'standby' pool", sname);
  }
  ld_load_step_hours(L, s, m, sname);
  if ((x = model_yaml_get(m, "failure_probability")))
    ld_get_probability(L, x, "failure_probability", &s->failure_probability);
  /* The counts behind failure_probability (drsim calibrate writes them;
  ** drsim run --epistemic draws from their Beta posterior); no effect on a
  ** plain run. */
  if ((x = model_yaml_get(m, "failure_counts")) && ld_want_map(L, x, "'failure_counts'") == 0) {
    static const char *const ckeys[] = {"failures", "attempts", NULL};
    ld_check_keys(L, x, ckeys, "failure_counts");
    const ynode *fy = model_yaml_get(x, "failures"), *ay = model_yaml_get(x, "attempts");
    long long f = 0, a = 0;
    if (!fy || !ay)
      ld_err_at(L, x, "failure_counts needs 'failures' and 'attempts', e.g. {failures: 2, "
                "attempts: 12}");
    else if (ld_get_int(L, fy, "failures", 0, 1000000000, &f) == 0 &&
             ld_get_int(L, ay, "attempts", 1, 1000000000, &a) == 0 && f > a)
      ld_err_at(L, fy, "failures (%lld) cannot exceed attempts (%lld)", f, a);
    if (!model_yaml_get(m, "failure_probability"))
      ld_err_at(L, model_yaml_get_pair(m, "failure_counts")->key, "step '%s' has failure_counts "
                "but no failure_probability; write the estimate too (drsim fit --failures K "
                "--attempts N prints it)", sname);
  }
  if ((x = model_yaml_get(m, "retry")) && ld_want_map(L, x, "'retry'") == 0) {
    static const char *const rkeys[] = {"max", "delay", "persistent", NULL};
    ld_check_keys(L, x, rkeys, "retry");
    const ynode *y;
    long long v;
    s->retry_loc = (model_loc){x->line, x->col};
    if ((y = model_yaml_get(x, "max")) && ld_get_int(L, y, "max", 0, MAX_RETRIES, &v) == 0)
      s->retry_max = (int)v;
    if ((y = model_yaml_get(x, "delay"))) ld_get_duration(L, y, "delay", &s->retry_delay_s);
    if ((y = model_yaml_get(x, "persistent")))
      ld_get_fraction(L, y, "persistent", &s->retry_persistent);
  }
  if ((x = model_yaml_get(m, "escalation")))
    s->has_escalation = ld_get_dist(L, x, "escalation", &s->escalation) == 0;
  if ((x = model_yaml_get(m, "timeout")) && ld_get_duration(L, x, "timeout", &s->timeout_s) == 0 &&
      !(s->timeout_s > 0)) {
    ld_err_at(L, x, "'timeout' must be greater than 0; remove it for no timeout");
    s->timeout_s = INFINITY;
  }
}

/* Resolve each step's needs into step and component indexes. */
static void resolve_needs(loader *L, size_t w, const name_ix *six, const name_ix *cix,
                          const char *envname) {
  model_workflow *wf = &L->sc->workflows[w];
  for (size_t si = 0; si < wf->n_steps; si++) {
    model_step *s = &wf->steps[si];
    const ynode *nd = L->wf[w].steps[si].needs;
    if (!nd || ld_is_null(nd)) continue;
    size_t cnt = 1;
    const ynode *const *items = &nd;
    if (nd->kind == MODEL_YAML_SEQUENCE) {
      if (nd->n_items > MODEL_MAX_ITEMS) {
        ld_want_items(L, nd, "'needs'");
        continue;
      }
      cnt = nd->n_items;
      items = (const ynode *const *)nd->items;
    } else if (nd->kind != MODEL_YAML_SCALAR) {
      ld_want_list(L, nd, "'needs'");
      continue;
    }
    if (cnt == 0) continue;
    s->needs_steps = ld_xcalloc(L, cnt, sizeof *s->needs_steps);
    s->needs_components = ld_xcalloc(L, cnt, sizeof *s->needs_components);
    if (!s->needs_steps || !s->needs_components) return;
    for (size_t j = 0; j < cnt; j++) {
      const ynode *d = items[j];
      if (ld_want_scalar(L, d, "needs")) continue;
      if (strchr(d->str, '/')) continue;   /* ENV/STEP: resolve_needs_ext */
      long st = ld_ix_find(six, d->str), co = ld_ix_find(cix, d->str);
      if (st >= 0 && co >= 0) {
        ld_err_at(L, d, "'%s' in the needs of step '%s' is both a step of workflow '%s' and a "
                  "component; rename one of them", d->str, s->name, envname);
      } else if (st >= 0) {
        int dup = 0;
        for (size_t q = 0; q < s->n_needs_steps; q++) dup |= s->needs_steps[q] == (size_t)st;
        if (dup)
          ld_err_at(L, d, "step '%s' lists '%s' twice in needs; remove one", s->name, d->str);
        else
          s->needs_steps[s->n_needs_steps++] = (size_t)st;
      } else if (co >= 0) {
        int dup = 0;
        for (size_t q = 0; q < s->n_needs_components; q++)
          dup |= s->needs_components[q] == (size_t)co;
        if (dup)
          ld_err_at(L, d, "step '%s' lists '%s' twice in needs; remove one", s->name, d->str);
        else
          s->needs_components[s->n_needs_components++] = (size_t)co;
      } else {
        /* Suggest from the steps and the components together. */
        size_t nc = six->n + cix->n;
        const char **c = ld_xcalloc(L, nc, sizeof *c);
        size_t k = 0;
        for (size_t q = 0; c && q < six->n; q++)
          if (six->names[q]) c[k++] = six->names[q];
        for (size_t q = 0; c && q < cix->n; q++)
          if (cix->names[q]) c[k++] = cix->names[q];
        const char *best = c ? ld_suggest(L, d->str, c, k) : NULL;
        char h[300] = "";
        if (best) snprintf(h, sizeof h, "; did you mean '%s'?", best);
        ld_err_at(L, d, "step '%s' needs '%s' which is not a step or component of workflow "
                  "'%s'%s", s->name, d->str, envname, h);
        free(c);
      }
    }
  }
}

void ld_load_workflows(loader *L, const ynode *root, const name_ix *pix,
                       const name_ix *cix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "workflows");
  if (!list || ld_is_null(list)) return;
  if (ld_want_items(L, list, "'workflows'")) return;
  size_t n = list->n_items;
  sc->workflows = ld_xcalloc(L, n, sizeof *sc->workflows);
  L->wf = ld_xcalloc(L, n, sizeof *L->wf);
  if (!sc->workflows || !L->wf) return;
  sc->n_workflows = n;
  const ynode **env_node = ld_xcalloc(L, sc->n_environments, sizeof *env_node);
  static const char *const keys[] = {"environment", "detection", "steps", "wait_for_primary",
                                     "calendar", NULL};
  for (size_t w = 0; w < n; w++) {
    model_workflow *wf = &sc->workflows[w];
    const ynode *m = list->items[w];
    wf->environment = -1;
    wf->loc.line = m->line;
    wf->loc.col = m->col;
    if (ld_want_map(L, m, "a workflow")) continue;
    L->wf[w].map = m;
    const ynode *en = model_yaml_get(m, "environment");
    const char *envname = "?";
    if (!en) {
      ld_err_at(L, m, "a workflow needs an 'environment' (a key of 'objectives')");
    } else {
      wf->environment = ld_find_env(L, en, "environment");
      if (wf->environment >= 0) {
        envname = sc->environments[wf->environment].name;
        if (env_node && env_node[wf->environment]) {
          ld_err_at(L, en, "a second workflow for environment '%s' (the first is at line %d); "
                    "merge their steps into one workflow", envname, env_node[wf->environment]->line);
          wf->environment = -1;
        } else if (env_node) {
          env_node[wf->environment] = en;
        }
      }
    }
    char where[200];
    snprintf(where, sizeof where, "workflow '%s'", envname);
    ld_check_keys(L, m, keys, where);
    const ynode *x;
    ld_load_detection(L, wf, model_yaml_get(m, "detection"));
    if ((x = model_yaml_get(m, "wait_for_primary")))
      ld_get_duration(L, x, "wait_for_primary", &wf->wait_for_primary_s);
    const ynode *steps = model_yaml_get(m, "steps");
    if (!steps || (steps->kind == MODEL_YAML_SEQUENCE && steps->n_items == 0) ||
        (steps->kind == MODEL_YAML_SCALAR && steps->len == 0 && !steps->quoted)) {
      ld_err_at(L, steps ? steps : m, "workflow '%s' has no steps; list at least one, e.g. "
                "steps: [{name: failover, duration: 30m}]", envname);
      continue;
    }
    if (ld_want_items(L, steps, "'steps'")) continue;
    wf->steps = ld_xcalloc(L, steps->n_items, sizeof *wf->steps);
    L->wf[w].steps = ld_xcalloc(L, steps->n_items, sizeof *L->wf[w].steps);
    if (!wf->steps || !L->wf[w].steps) continue;
    wf->n_steps = steps->n_items;
    name_ix six;
    char **owned = NULL;
    ld_collect_names(L, steps, "step", &six, &owned);
    if (owned)
      for (size_t i = 0; i < wf->n_steps; i++) wf->steps[i].name = owned[i];
    free(owned);
    for (size_t i = 0; i < wf->n_steps; i++)
      if (!wf->steps[i].name) wf->steps[i].name = ld_xstrdup(L, "?");
    for (size_t i = 0; i < wf->n_steps; i++) load_step(L, w, i, steps->items[i], pix, envname);
    resolve_needs(L, w, &six, cix, envname);
    ld_ix_free(&six);
  }
  free(env_node);
}

/* The items of a list-or-scalar node (a single name is accepted). */
static size_t list_items(const ynode *nd, const ynode *const **items) {
  if (!nd || ld_is_null(nd)) return 0;
  if (nd->kind == MODEL_YAML_SEQUENCE) {
    *items = (const ynode *const *)nd->items;
    return nd->n_items;
  }
  *items = NULL;
  return 0;
}


static long find_step(const model_workflow *wf, const char *name) {
  for (size_t s = 0; s < wf->n_steps; s++)
    if (wf->steps[s].name && strcmp(wf->steps[s].name, name) == 0) return (long)s;
  return -1;
}

static int workflow_of_env(const model_scenario *sc, int env) {
  for (size_t w = 0; w < sc->n_workflows; w++)
    if (sc->workflows[w].environment == env && env >= 0) return (int)w;
  return -1;
}

/* The environment whose name is the first len characters of text (the
** ENV of "ENV/STEP"), or -1. */
static int env_named(const model_scenario *sc, const char *text, size_t len) {
  int env = -1;
  for (size_t e = 0; e < sc->n_environments; e++)
    if (sc->environments[e].name && strlen(sc->environments[e].name) == len &&
        strncmp(sc->environments[e].name, text, len) == 0)
      env = (int)e;
  return env;
}

/* "; did you mean 'STEP'?" (with env: 'ENV/STEP') naming the step of wf
** nearest to name, or "" when none is near, into h. */
static void step_hint(loader *L, const model_workflow *wf, const char *name, const char *env,
                      char *h, size_t n) {
  const char **c = ld_xcalloc(L, wf->n_steps, sizeof *c);
  for (size_t q = 0; c && q < wf->n_steps; q++) c[q] = wf->steps[q].name;
  const char *best = c ? ld_suggest(L, name, c, wf->n_steps) : NULL;
  h[0] = '\0';
  if (best && env) snprintf(h, n, "; did you mean '%s/%s'?", env, best);
  else if (best) snprintf(h, n, "; did you mean '%s'?", best);
  free(c);
}

/* needs: [ENV/STEP]: a step of another environment's workflow (or of this
** one, written in full). Runs once every workflow is loaded, so ENV may
** name a workflow further down. */
void ld_resolve_needs_ext(loader *L) {
  model_scenario *sc = L->sc;
  if (!L->wf) return;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    model_workflow *wf = &sc->workflows[w];
    if (!L->wf[w].steps) continue;
    for (size_t si = 0; si < wf->n_steps; si++) {
      model_step *st = &wf->steps[si];
      const ynode *nd = L->wf[w].steps[si].needs, *one = nd;
      const ynode *const *items = &one;
      size_t cnt = nd && nd->kind == MODEL_YAML_SCALAR ? 1 : list_items(nd, &items);
      if (nd && nd->kind == MODEL_YAML_SEQUENCE && nd->n_items > MODEL_MAX_ITEMS) continue;
      for (size_t j = 0; j < cnt; j++) {
        const ynode *d = items[j];
        if (d->kind != MODEL_YAML_SCALAR || !strchr(d->str, '/')) continue;
        const char *text = d->str, *slash = strchr(text, '/');
        int env = env_named(sc, text, (size_t)(slash - text));
        int ow = workflow_of_env(sc, env);
        if (env < 0 || ow < 0) {
          ld_err_at(L, d, "step '%s' needs '%s', but '%.*s' is not an environment with a "
                    "workflow; write ENVIRONMENT/STEP, as in production/validate-application-health",
                    st->name, text, (int)(slash - text), text);
          continue;
        }
        long k = find_step(&sc->workflows[ow], slash + 1);
        if (k < 0) {
          char h[300];
          step_hint(L, &sc->workflows[ow], slash + 1, sc->environments[env].name, h, sizeof h);
          ld_err_at(L, d, "step '%s' needs '%s', but workflow '%s' has no step '%s'%s", st->name,
                    text, sc->environments[env].name, slash + 1, h);
          continue;
        }
        if ((size_t)ow == w) {   /* its own workflow, written in full */
          int dup = 0;
          for (size_t q = 0; q < st->n_needs_steps; q++) dup |= st->needs_steps[q] == (size_t)k;
          if (dup) ld_err_at(L, d, "step '%s' lists '%s' twice in needs; remove one", st->name, text);
          else if (st->needs_steps) st->needs_steps[st->n_needs_steps++] = (size_t)k;
          continue;
        }
        if (!st->needs_ext && !(st->needs_ext = ld_xcalloc(L, cnt, sizeof *st->needs_ext))) return;
        int dup = 0;
        for (size_t q = 0; q < st->n_needs_ext; q++)
          dup |= st->needs_ext[q].workflow == ow && st->needs_ext[q].step == (int)k;
        if (dup) {
          ld_err_at(L, d, "step '%s' lists '%s' twice in needs; remove one", st->name, text);
          continue;
        }
        st->needs_ext[st->n_needs_ext++] = (model_step_ref){ow, (int)k};
      }
    }
  }
}

/* if_lost: [NAME, ...], component or region names. */
void ld_resolve_if_lost(loader *L, const name_ix *rix, const name_ix *cix) {
  model_scenario *sc = L->sc;
  if (!L->wf) return;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    model_workflow *wf = &sc->workflows[w];
    if (!L->wf[w].steps) continue;
    for (size_t si = 0; si < wf->n_steps; si++) {
      model_step *st = &wf->steps[si];
      const ynode *nd = L->wf[w].steps[si].if_lost, *one = nd;
      if (!nd) continue;
      const ynode *const *items = &one;
      size_t cnt = 1;
      if (nd->kind == MODEL_YAML_SEQUENCE) {
        if (ld_want_items(L, nd, "'if_lost'")) continue;
        cnt = list_items(nd, &items);
      } else if (nd->kind != MODEL_YAML_SCALAR || ld_is_null(nd)) {
        ld_err_at(L, nd, "'if_lost' of step '%s' must list components or regions, e.g. "
                  "if_lost: [sql-prod]", st->name);
        continue;
      }
      if (cnt == 0) {
        ld_err_at(L, nd, "'if_lost' of step '%s' is empty: the step would never run; list the "
                  "components or regions whose loss needs it, or remove the key", st->name);
        continue;
      }
      st->if_lost_components = ld_xcalloc(L, cnt, sizeof *st->if_lost_components);
      st->if_lost_regions = ld_xcalloc(L, cnt, sizeof *st->if_lost_regions);
      if (!st->if_lost_components || !st->if_lost_regions) return;
      st->has_if_lost = 1;
      for (size_t j = 0; j < cnt; j++) {
        const ynode *d = items[j];
        if (ld_want_scalar(L, d, "if_lost")) continue;
        long c = ld_ix_find(cix, d->str), r = ld_ix_find(rix, d->str);
        if (c >= 0 && r >= 0) {
          ld_err_at(L, d, "'%s' in the if_lost of step '%s' is both a component and a region; "
                    "rename one of them", d->str, st->name);
        } else if (c >= 0) {
          st->if_lost_components[st->n_if_lost_components++] = (int)c;
        } else if (r >= 0) {
          st->if_lost_regions[st->n_if_lost_regions++] = (int)r;
        } else {
          size_t n = cix->n + rix->n, k = 0;
          const char **names = ld_xcalloc(L, n ? n : 1, sizeof *names);
          for (size_t q = 0; names && q < cix->n; q++)
            if (cix->names[q]) names[k++] = cix->names[q];
          for (size_t q = 0; names && q < rix->n; q++)
            if (rix->names[q]) names[k++] = rix->names[q];
          const char *best = names ? ld_suggest(L, d->str, names, k) : NULL;
          char h[300] = "";
          if (best) snprintf(h, sizeof h, "; did you mean '%s'?", best);
          ld_err_at(L, d, "step '%s' runs if '%s' is lost, which is not a component or a "
                    "region%s", st->name, d->str, h);
          free(names);
        }
      }
    }
  }
}

/* A step that counts in the RTO may not need an after_restore step of its
** own workflow: the RTO would silently include it. */
void ld_check_after_restore(loader *L) {
  model_scenario *sc = L->sc;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    for (size_t si = 0; si < wf->n_steps; si++) {
      const model_step *st = &wf->steps[si];
      if (st->after_restore) continue;
      for (size_t j = 0; j < st->n_needs_steps; j++) {
        const model_step *o = &wf->steps[st->needs_steps[j]];
        if (!o->after_restore) continue;
        ld_err_at(L, ld_needs_item(L, w, si, o->name), "step '%s' counts in the RTO but needs "
                  "'%s', which runs after service is restored (after_restore: true); mark '%s' "
                  "after_restore too, or drop the need", st->name, o->name, st->name);
      }
    }
  }
}

static void unknown_step(loader *L, const ynode *at, const char *cname, const char *step,
                         const model_workflow *wf, const char *envname) {
  char h[300];
  step_hint(L, wf, step, NULL, h, sizeof h);
  ld_err_at(L, at, "component '%s' fails over by '%s', which is not a step of workflow '%s'%s",
            cname, step, envname, h);
}

/* failover: {by: STEP} -> (workflow, step); ENV/STEP for any component. */
void ld_resolve_failover_by(loader *L) {
  model_scenario *sc = L->sc;
  if (!L->comp_by) return;
  for (size_t c = 0; c < sc->n_components; c++) {
    const ynode *by = L->comp_by[c];
    if (!by) continue;
    model_component *mc = &sc->components[c];
    const char *text = by->str, *slash = strchr(text, '/');
    if (slash) {
      int env = env_named(sc, text, (size_t)(slash - text));
      int w = workflow_of_env(sc, env);
      if (env < 0 || w < 0) {
        ld_err_at(L, by, "component '%s' fails over by '%s', but '%.*s' is not an environment "
                  "with a workflow; write ENVIRONMENT/STEP, as in production/restore-data",
                  mc->name, text, (int)(slash - text), text);
        continue;
      }
      long s = find_step(&sc->workflows[w], slash + 1);
      if (s < 0) {
        unknown_step(L, by, mc->name, slash + 1, &sc->workflows[w], sc->environments[env].name);
        continue;
      }
      mc->failover.by_workflow = w;
      mc->failover.by_step = (int)s;
    } else if (mc->environment >= 0) {
      int w = workflow_of_env(sc, mc->environment);
      const char *en = sc->environments[mc->environment].name;
      if (w < 0) {
        ld_err_at(L, by, "component '%s' fails over by step '%s', but environment '%s' has no "
                  "workflow; add one, or make the failover automatic (after, duration)",
                  mc->name, text, en);
        continue;
      }
      long s = find_step(&sc->workflows[w], text);
      if (s < 0) {
        unknown_step(L, by, mc->name, text, &sc->workflows[w], en);
        continue;
      }
      mc->failover.by_workflow = w;
      mc->failover.by_step = (int)s;
    } else {
      int found_w = -1, n_found = 0;
      long found_s = -1;
      for (size_t w = 0; w < sc->n_workflows; w++) {
        long s = find_step(&sc->workflows[w], text);
        if (s >= 0) {
          if (!n_found) {
            found_w = (int)w;
            found_s = s;
          }
          n_found++;
        }
      }
      if (n_found == 0) {
        ld_err_at(L, by, "shared component '%s' fails over by '%s', which is not a step of any "
                  "workflow; name a step, as ENVIRONMENT/STEP if several workflows have it",
                  mc->name, text);
      } else if (n_found > 1) {
        ld_err_at(L, by, "shared component '%s' fails over by '%s', a step of %d workflows; write "
                  "which one as ENVIRONMENT/STEP, e.g. %s/%s", mc->name, text, n_found,
                  sc->workflows[found_w].environment >= 0
                   ? sc->environments[sc->workflows[found_w].environment].name : "ENV",
                  text);
      } else {
        mc->failover.by_workflow = found_w;
        mc->failover.by_step = (int)found_s;
      }
    }
  }
}

/* Steps and component failovers waiting on each other: nodes are the
** flattened steps, then the components. A cycle here is a deadlock that no
** single workflow's needs shows (a step needs a component that fails over
** by a later step). */
