/*
** models/load_common_causes.c — the loader's `common_causes:` section
** (issue 18): each cause's probability and effects, its pools and
** ENV/STEP references resolved to indexes. Semantics: models/common_cause.h;
** keys: scenarios/README.md. Private to the loader (models/load_internal.h).
*/
#include <stdio.h>
#include <string.h>

#include "models/load_internal.h"

/* A list value: a sequence, or one scalar standing for a list of one. */
static size_t cc_items(const ynode *n, const ynode *const **items, const ynode **one) {
  if (n->kind == MODEL_YAML_SCALAR) {
    *one = n;
    *items = one;
    return 1;
  }
  if (n->kind != MODEL_YAML_SEQUENCE) return 0;
  *items = (const ynode *const *)n->items;
  return n->n_items;
}

static int cc_workflow_of_env(const model_scenario *sc, int env) {
  for (size_t w = 0; env >= 0 && w < sc->n_workflows; w++)
    if (sc->workflows[w].environment == env) return (int)w;
  return -1;
}

static long cc_find_step(const model_workflow *wf, const char *name) {
  for (size_t k = 0; k < wf->n_steps; k++)
    if (wf->steps[k].name && strcmp(wf->steps[k].name, name) == 0) return (long)k;
  return -1;
}

/* ENV/STEP -> a step reference; -1 (reported) when it names no step. */
static int cc_step_ref(loader *L, const ynode *d, const char *cname, model_step_ref *out) {
  model_scenario *sc = L->sc;
  if (ld_want_scalar(L, d, "steps")) return -1;
  const char *text = d->str, *slash = strchr(text, '/');
  if (!slash) {
    ld_err_at(L, d, "common cause '%s' names step '%s'; write ENVIRONMENT/STEP, as in "
           "production/terraform-apply", cname, text);
    return -1;
  }
  int env = -1;
  for (size_t e = 0; e < sc->n_environments; e++)
    if (sc->environments[e].name && strlen(sc->environments[e].name) == (size_t)(slash - text) &&
        strncmp(sc->environments[e].name, text, (size_t)(slash - text)) == 0)
      env = (int)e;
  int ow = cc_workflow_of_env(sc, env);
  long k = ow >= 0 ? cc_find_step(&sc->workflows[ow], slash + 1) : -1;
  if (k < 0) {
    ld_err_at(L, d, "common cause '%s' names step '%s', which is not a step of any workflow "
           "(ENVIRONMENT/STEP)", cname, text);
    return -1;
  }
  *out = (model_step_ref){ow, (int)k};
  return 0;
}

static model_step_ref *cc_steps(loader *L, const ynode *n, const char *cname, size_t *count) {
  const ynode *one = NULL;
  const ynode *const *items = NULL;
  *count = 0;
  if (n->kind != MODEL_YAML_SCALAR && ld_want_list(L, n, "'steps'")) return NULL;
  size_t cnt = cc_items(n, &items, &one);
  if (!cnt) {
    ld_err_at(L, n, "common cause '%s' lists no steps", cname);
    return NULL;
  }
  model_step_ref *r = ld_xcalloc(L, cnt, sizeof *r);
  for (size_t j = 0; r && j < cnt; j++)
    if (cc_step_ref(L, items[j], cname, &r[*count]) == 0) (*count)++;
  return r;
}

void ld_load_common_causes(loader *L, const ynode *root, const name_ix *pix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "common_causes");
  if (!list || ld_is_null(list)) return;
  if (ld_want_items(L, list, "'common_causes'")) return;
  size_t n = list->n_items;
  if (n > MODEL_MAX_COMMON_CAUSES) {
    ld_err_at(L, list, "%zu common causes; the limit is %d", n, MODEL_MAX_COMMON_CAUSES);
    return;
  }
  sc->common_causes = ld_xcalloc(L, n, sizeof *sc->common_causes);
  if (!sc->common_causes) return;
  sc->n_common_causes = n;
  name_ix ix;
  char **owned = NULL;
  ld_collect_names(L, list, "common cause", &ix, &owned);
  ld_ix_free(&ix);
  if (owned)
    for (size_t i = 0; i < n; i++) sc->common_causes[i].name = owned[i];
  free(owned);
  static const char *const keys[] = {"name", "probability", "effects", NULL};
  static const char *const ekeys[] = {"shortage", "failure_multiplier", "step_delay",
                                      "detection_delay", NULL};
  for (size_t i = 0; i < n; i++) {
    const ynode *m = list->items[i], *x, *e, *y;
    model_common_cause *cc = &sc->common_causes[i];
    cc->failure_factor = 1;
    cc->loc = (model_loc){m->line, m->col};
    if (ld_want_map(L, m, "a common cause")) continue;
    if (!model_yaml_get(m, "name"))
      ld_err_at(L, m, "a common cause needs a 'name', e.g. name: region-capacity-crunch");
    if (!cc->name && !(cc->name = ld_xstrdup(L, "?"))) continue;
    const char *cname = cc->name;
    char where[200];
    snprintf(where, sizeof where, "common cause '%s'", cname);
    ld_check_keys(L, m, keys, where);
    if (!(x = model_yaml_get(m, "probability")))
      ld_err_at(L, m, "common cause '%s' needs a 'probability' (per trial), e.g. probability: 0.02",
             cname);
    else
      ld_get_fraction(L, x, "probability", &cc->probability);
    if (!(e = model_yaml_get(m, "effects"))) {
      ld_err_at(L, m, "common cause '%s' needs 'effects' (shortage, failure_multiplier, "
             "step_delay, detection_delay)", cname);
      continue;
    }
    if (ld_want_map(L, e, "'effects'")) continue;
    ld_check_keys(L, e, ekeys, "effects");
    if (e->n_pairs == 0)
      ld_err_at(L, e, "common cause '%s' has no effects; give shortage, failure_multiplier, "
             "step_delay or detection_delay", cname);
    if ((x = model_yaml_get(e, "shortage")) && ld_want_map(L, x, "'shortage'") == 0) {
      static const char *const k2[] = {"pools", "delay", NULL};
      ld_check_keys(L, x, k2, "shortage");
      if ((y = model_yaml_get(x, "delay")))
        cc->has_shortage_delay = ld_get_dist(L, y, "delay", &cc->shortage_delay) == 0;
      if (!(y = model_yaml_get(x, "pools"))) {
        ld_err_at(L, x, "shortage needs 'pools', the standby pools short together");
      } else if (y->kind == MODEL_YAML_SCALAR || ld_want_list(L, y, "'pools'") == 0) {
        const ynode *one = NULL;
        const ynode *const *items = NULL;
        size_t cnt = cc_items(y, &items, &one);
        if (!cnt) ld_err_at(L, y, "common cause '%s' lists no pools", cname);
        cc->shortage_pools = cnt ? ld_xcalloc(L, cnt, sizeof *cc->shortage_pools) : NULL;
        for (size_t j = 0; cc->shortage_pools && j < cnt; j++) {
          if (ld_want_scalar(L, items[j], "pools")) continue;
          long p = ld_ix_find(pix, items[j]->str);
          if (p < 0) {
            char h[512];
            ld_err_at(L, items[j], "common cause '%s' names standby pool '%s', which is not "
                   "defined under 'standby'%s", cname, items[j]->str,
                   ld_ix_hint(L, pix, items[j]->str, h, sizeof h));
            continue;
          }
          if (!cc->has_shortage_delay && !(sc->standby[p].shortage_probability > 0))
            ld_err_at(L, items[j], "standby pool '%s' has no capacity_shortage delay to wait; give "
                   "the shortage a 'delay'", items[j]->str);
          cc->shortage_pools[cc->n_shortage_pools++] = (int)p;
        }
      }
    }
    if ((x = model_yaml_get(e, "failure_multiplier")) &&
        ld_want_map(L, x, "'failure_multiplier'") == 0) {
      static const char *const k2[] = {"steps", "factor", NULL};
      ld_check_keys(L, x, k2, "failure_multiplier");
      if (!(y = model_yaml_get(x, "factor")))
        ld_err_at(L, x, "failure_multiplier needs 'factor' (each attempt's failure probability "
               "is multiplied by it, at most 1)");
      else if (ld_get_number(L, y, "factor", &cc->failure_factor) == 0 && !(cc->failure_factor >= 0)) {
        ld_err_at(L, y, "'factor' must not be negative");
        cc->failure_factor = 1;
      }
      if (!(y = model_yaml_get(x, "steps")))
        ld_err_at(L, x, "failure_multiplier needs 'steps' (ENVIRONMENT/STEP, ...)");
      else
        cc->factor_steps = cc_steps(L, y, cname, &cc->n_factor_steps);
    }
    if ((x = model_yaml_get(e, "step_delay")) && ld_want_map(L, x, "'step_delay'") == 0) {
      static const char *const k2[] = {"steps", "delay", NULL};
      ld_check_keys(L, x, k2, "step_delay");
      if (!(y = model_yaml_get(x, "delay")))
        ld_err_at(L, x, "step_delay needs 'delay' (how long the listed steps wait)");
      else
        ld_get_dist(L, y, "delay", &cc->step_delay);
      if (!(y = model_yaml_get(x, "steps")))
        ld_err_at(L, x, "step_delay needs 'steps' (ENVIRONMENT/STEP, ...)");
      else
        cc->delay_steps = cc_steps(L, y, cname, &cc->n_delay_steps);
    }
    if ((x = model_yaml_get(e, "detection_delay")) && ld_want_map(L, x, "'detection_delay'") == 0) {
      static const char *const k2[] = {"delay", "environments", NULL};
      ld_check_keys(L, x, k2, "detection_delay");
      if (!(y = model_yaml_get(x, "delay")))
        ld_err_at(L, x, "detection_delay needs 'delay' (added to the detection)");
      else
        cc->has_detection_delay = ld_get_dist(L, y, "delay", &cc->detection_delay) == 0;
      if ((y = model_yaml_get(x, "environments")) &&
          (y->kind == MODEL_YAML_SCALAR || ld_want_list(L, y, "'environments'") == 0)) {
        const ynode *one = NULL;
        const ynode *const *items = NULL;
        size_t cnt = cc_items(y, &items, &one);
        cc->detection_envs = cnt ? ld_xcalloc(L, cnt, sizeof *cc->detection_envs) : NULL;
        for (size_t j = 0; cc->detection_envs && j < cnt; j++) {
          int env = ld_find_env(L, items[j], "environments");
          if (env >= 0) cc->detection_envs[cc->n_detection_envs++] = env;
        }
      }
    }
  }
}
