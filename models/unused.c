/*
** models/unused.c — warnings for overrides of values the model does not use
** (see models/unused.h for the list of cases).
**
** The YAML lists map one to one, in order, onto the loaded scenario's arrays
** (components, standby, workflows and their steps), so the i-th item of a
** list is the i-th struct: that is how a node is matched with what the model
** made of it.
*/
#include "models/unused.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The first override (k >= 1) found in n's subtree, or 0. */
static int node_src(const model_yaml_node *n) {
  if (!n) return 0;
  if (n->src > 0) return n->src;
  if (n->kind == MODEL_YAML_SEQUENCE) {
    for (size_t i = 0; i < n->n_items; i++) {
      int k = node_src(n->items[i]);
      if (k) return k;
    }
  } else if (n->kind == MODEL_YAML_MAPPING) {
    for (size_t i = 0; i < n->n_pairs; i++) {
      int k = node_src(n->pairs[i].key);
      if (!k) k = node_src(n->pairs[i].value);
      if (k) return k;
    }
  }
  return 0;
}

/* The override that set key `key` of map m (its key or anything below), or 0. */
static int key_src(const model_yaml_node *m, const char *key) {
  if (!m || m->kind != MODEL_YAML_MAPPING) return 0;
  const model_yaml_pair *p = model_yaml_get_pair(m, key);
  if (!p) return 0;
  int k = node_src(p->key);
  return k ? k : node_src(p->value);
}

/* The i-th item of root's list `key` (NULL when absent). */
static const model_yaml_node *item(const model_yaml_node *root, const char *key, size_t i) {
  const model_yaml_node *list = model_yaml_get(root, key);
  if (!list || list->kind != MODEL_YAML_SEQUENCE || i >= list->n_items) return NULL;
  return list->items[i];
}

static void lifetime_only(model_diag *diag, int k, const char *path) {
  model_diag_warn(diag, "--set", 0, k, "'%s' is used only in lifetime mode; this scenario "
                  "runs in disaster mode (one disaster at t = 0 a trial), so the override "
                  "changes nothing (add --set mode=lifetime to use it)", path);
}

static void disaster_mode(const model_yaml_node *root, const model_scenario *sc,
                          model_diag *diag) {
  static const char *const comp_keys[] = {"failure", "repair", "redundancy_group"};
  char path[600];
  int k;
  for (size_t i = 0; i < sc->n_components; i++) {
    const model_yaml_node *m = item(root, "components", i);
    for (size_t j = 0; j < sizeof comp_keys / sizeof *comp_keys; j++)
      if ((k = key_src(m, comp_keys[j]))) {
        snprintf(path, sizeof path, "components.%s.%s", sc->components[i].name, comp_keys[j]);
        lifetime_only(diag, k, path);
      }
  }
  if ((k = key_src(model_yaml_get(root, "disaster"), "rate"))) lifetime_only(diag, k, "disaster.rate");
  if ((k = key_src(root, "horizon"))) lifetime_only(diag, k, "horizon");
  if ((k = key_src(root, "lifetime"))) lifetime_only(diag, k, "lifetime");
  const model_yaml_node *obj = model_yaml_get(root, "objectives");
  if (obj && obj->kind == MODEL_YAML_MAPPING)
    for (size_t i = 0; i < obj->n_pairs; i++)
      if ((k = key_src(obj->pairs[i].value, "availability"))) {
        snprintf(path, sizeof path, "objectives.%s.availability", obj->pairs[i].key->str);
        lifetime_only(diag, k, path);
      }
}

static void steps(const model_yaml_node *root, const model_scenario *sc, model_diag *diag) {
  char path[600], a[160], b[160];
  int k;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    const char *env = sc->environments[wf->environment].name;
    const model_yaml_node *list = model_yaml_get(item(root, "workflows", w), "steps");
    if (!list || list->kind != MODEL_YAML_SEQUENCE) continue;
    for (size_t s = 0; s < wf->n_steps && s < list->n_items; s++) {
      const model_step *st = &wf->steps[s];
      const model_yaml_node *m = list->items[s];
      int oncall = st->manual && st->has_oncall && st->calendar >= 0;
      if (oncall && st->has_business && (k = key_src(m, "duration"))) {
        snprintf(path, sizeof path, "workflows.%s.steps.%s.duration", env, st->name);
        model_diag_warn(diag, "--set", 0, k, "'%s' is not used: with the oncall block this "
                        "manual step draws from business_hours (%s) when it starts in "
                        "business hours and from off_hours (%s) otherwise; override those "
                        "instead", path,
                        model_scenario_describe_dist(&st->business_hours, a, sizeof a),
                        model_scenario_describe_dist(&st->off_hours, b, sizeof b));
      }
      if (st->has_oncall && !oncall) {
        static const char *const hours[] = {"business_hours", "off_hours"};
        for (size_t h = !st->has_business; h < 2; h++)
          if ((k = key_src(m, hours[h]))) {
            snprintf(path, sizeof path, "workflows.%s.steps.%s.%s", env, st->name, hours[h]);
            model_diag_warn(diag, "--set", 0, k, "'%s' is not used: the scenario has no "
                            "oncall block, so the step draws from its duration (%s)", path,
                            model_scenario_describe_dist(&st->duration, a, sizeof a));
          }
      }
      int can_fail = st->failure_probability > 0 || isfinite(st->timeout_s);
      if (!can_fail && (k = key_src(m, "retry"))) {
        snprintf(path, sizeof path, "workflows.%s.steps.%s.retry", env, st->name);
        model_diag_warn(diag, "--set", 0, k, "'%s' is not used: step '%s' never fails "
                        "(failure_probability 0, no timeout), so it is never retried", path,
                        st->name);
      }
    }
  }
}

static void pools(const model_yaml_node *root, const model_scenario *sc, model_diag *diag) {
  static const char *const keys[] = {"provision", "max_parallel", "capacity_shortage"};
  char path[600];
  int k;
  for (size_t i = 0; i < sc->n_standby; i++) {
    const model_standby *p = &sc->standby[i];
    const model_yaml_node *m = item(root, "standby", i);
    int scaled = 0;
    for (size_t w = 0; w < sc->n_workflows && !scaled; w++)
      for (size_t s = 0; s < sc->workflows[w].n_steps; s++)
        if (sc->workflows[w].steps[s].standby == (int)i) scaled = 1;
    for (size_t j = 0; j < sizeof keys / sizeof *keys; j++) {
      if (!(k = key_src(m, keys[j]))) continue;
      snprintf(path, sizeof path, "standby.%s.%s", p->name, keys[j]);
      if (!scaled)
        model_diag_warn(diag, "--set", 0, k, "'%s' is not used: no workflow step scales up "
                        "pool '%s' (give a step 'standby: %s')", path, p->name, p->name);
      else if (p->warm_nodes >= p->required_nodes)
        model_diag_warn(diag, "--set", 0, k, "'%s' is not used: all %d nodes of pool '%s' "
                        "are warm (warm_nodes = required_nodes), so none is provisioned",
                        path, p->required_nodes, p->name);
    }
  }
}

static void oncall_block(const model_yaml_node *root, const model_scenario *sc,
                         model_diag *diag) {
  int k = key_src(root, "oncall");
  if (!k || !sc->oncall.enabled) return;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    if (sc->workflows[w].has_detection_hours && sc->workflows[w].calendar == sc->default_calendar)
      return;
    for (size_t s = 0; s < sc->workflows[w].n_steps; s++) {
      const model_step *st = &sc->workflows[w].steps[s];
      if (st->manual && (st->has_oncall || (st->off_policy != MODEL_OFF_NONE &&
                                            st->calendar == sc->default_calendar)))
        return;
    }
  }
  model_diag_warn(diag, "--set", 0, k, "'oncall' is not used: no manual step has "
                  "business_hours and off_hours, so every step draws from its duration");
}

void model_unused_warn(const model_yaml_node *root, const model_scenario *sc,
                       model_diag *diag) {
  if (!root || !sc || root->kind != MODEL_YAML_MAPPING) return;
  if (sc->mode == MODEL_MODE_DISASTER) {
    disaster_mode(root, sc, diag);
  } else {
    int k = key_src(model_yaml_get(root, "lifetime"), "failback_duration");
    if (k && !sc->lifetime.failback)
      model_diag_warn(diag, "--set", 0, k, "'lifetime.failback_duration' is not used: "
                      "lifetime.failback is false, so the environment stays in the standby "
                      "region");
  }
  steps(root, sc, diag);
  pools(root, sc, diag);
  oncall_block(root, sc, diag);
}
