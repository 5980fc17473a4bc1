/*
** models/load_sections.c — the infrastructure sections of a scenario.
**
** objectives (the environments), regions, components (replication,
** failover, redundancy groups) and standby pools. Each section is read into
** sc and its names resolved through the name indexes built beforehand.
**
** ld_load_components and ld_load_standby run past 100 lines on purpose: each
** is the flat list of one item's keys, read in the order scenarios/README.md
** gives them, so a key is found (and a new one added) in one place;
** replication, failover and redundancy groups have their own functions.
*/
#include "models/load_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/units.h"

/* ---- sections ----------------------------------------------------------- */

void ld_load_objectives(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  const ynode *obj = model_yaml_get(root, "objectives");
  L->environments_bad = 1;   /* until the map is known to be there */
  if (!obj) {
    ld_err_at(L, root, "missing 'objectives'; it names the environments, e.g. "
              "objectives: {production: {rto: 4h, rpo: 15m}}");
    return;
  }
  if (ld_want_map(L, obj, "'objectives'")) return;
  if (obj->n_pairs == 0) {
    ld_err_at(L, obj, "'objectives' is empty; add an environment, e.g. production: {rto: 4h}");
    return;
  }
  if (obj->n_pairs > MODEL_MAX_ITEMS) {
    ld_err_at(L, obj, "too many environments (%zu; the limit is %d)", obj->n_pairs, MODEL_MAX_ITEMS);
    return;
  }
  sc->environments = ld_xcalloc(L, obj->n_pairs, sizeof *sc->environments);
  if (!sc->environments) return;
  sc->n_environments = obj->n_pairs;
  L->environments_bad = 0;
  static const char *const keys[] = {"rto", "rpo", "availability", NULL};
  for (size_t i = 0; i < obj->n_pairs; i++) {
    model_environment *e = &sc->environments[i];
    const ynode *k = obj->pairs[i].key, *v = obj->pairs[i].value;
    e->rto_s = INFINITY;
    e->rpo_s = INFINITY;
    e->availability = NAN;
    e->loc.line = k->line;
    e->loc.col = k->col;
    const char *nm = ld_get_name(L, k, "environment name");
    e->name = ld_xstrdup(L, nm ? nm : "?");
    if (!nm) continue;
    char where[200];
    snprintf(where, sizeof where, "the objectives of '%s'", nm);
    if (v->kind == MODEL_YAML_SCALAR && v->len == 0 && !v->quoted) {
      ld_err_at(L, k, "environment '%s' has no objectives; give at least one of rto, rpo or "
                "availability, e.g. %s: {rto: 4h, rpo: 15m}", nm, nm);
      continue;
    }
    if (ld_want_map(L, v, where)) continue;
    ld_check_keys(L, v, keys, where);
    const ynode *x;
    if ((x = model_yaml_get(v, "rto"))) ld_get_duration(L, x, "rto", &e->rto_s);
    if ((x = model_yaml_get(v, "rpo"))) ld_get_duration(L, x, "rpo", &e->rpo_s);
    if ((x = model_yaml_get(v, "availability")))
      ld_get_fraction(L, x, "availability", &e->availability);
    if (!model_yaml_get(v, "rto") && !model_yaml_get(v, "rpo") &&
        !model_yaml_get(v, "availability"))
      ld_err_at(L, v, "environment '%s' has no objectives; give at least one of rto, rpo or "
                "availability, e.g. %s: {rto: 4h, rpo: 15m}", nm, nm);
  }
}

/* The environment named by value node v, or -1 with an error. */
int ld_find_env(loader *L, const ynode *v, const char *key) {
  model_scenario *sc = L->sc;
  if (ld_want_scalar(L, v, key)) return -1;
  const char **names = ld_xcalloc(L, sc->n_environments, sizeof *names);
  if (!names) return -1;
  for (size_t i = 0; i < sc->n_environments; i++) {
    if (sc->environments[i].name && strcmp(sc->environments[i].name, v->str) == 0) {
      free(names);
      return (int)i;
    }
    names[i] = sc->environments[i].name;
  }
  char h[512];
  if (L->environments_bad) {
    free(names);
    L->errors++;
    return -1;
  }
  ld_err_at(L, v, "unknown environment '%s' (environments are the keys of 'objectives')%s",
            v->str, ld_hint(L, v->str, names, sc->n_environments, h, sizeof h));
  free(names);
  return -1;
}

void ld_load_regions(loader *L, const ynode *root, name_ix *ix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "regions");
  L->regions_bad = 1;
  if (!list) {
    ld_err_at(L, root, "missing 'regions'; list a primary and a standby region, e.g. "
              "regions: [{name: eastus, role: primary}, {name: westus2, role: standby}]");
    return;
  }
  if (ld_want_items(L, list, "'regions'")) return;
  sc->regions = ld_xcalloc(L, list->n_items, sizeof *sc->regions);
  const char **names = ld_xcalloc(L, list->n_items, sizeof *names);
  const ynode **nodes = ld_xcalloc(L, list->n_items, sizeof *nodes);
  if (!sc->regions || !names || !nodes) goto done;
  sc->n_regions = list->n_items;
  L->regions_bad = 0;
  static const char *const keys[] = {"name", "role", NULL};
  static const char *const roles[] = {"standby", "primary", NULL};
  const ynode *first_primary = NULL;
  size_t n_standby = 0;
  int bad_roles = 0;   /* then "no primary" would be noise */
  for (size_t i = 0; i < list->n_items; i++) {
    const ynode *m = list->items[i];
    model_region *r = &sc->regions[i];
    r->loc.line = m->line;
    r->loc.col = m->col;
    if (ld_want_map(L, m, "a region")) continue;
    const ynode *nn = model_yaml_get(m, "name");
    const char *nm = NULL;
    if (!nn)
      ld_err_at(L, m, "a region needs a 'name', e.g. {name: eastus, role: primary}");
    else
      nm = ld_get_name(L, nn, "region name");
    if (nm) {
      names[i] = nm;
      nodes[i] = nn;
      r->name = ld_xstrdup(L, nm);
    }
    char where[200];
    snprintf(where, sizeof where, "region '%s'", nm ? nm : "?");
    ld_check_keys(L, m, keys, where);
    const ynode *rn = model_yaml_get(m, "role");
    int role = 0;
    if (!rn) {
      ld_err_at(L, m, "%s needs a 'role': primary or standby", where);
      bad_roles++;
    } else if (ld_get_enum(L, rn, "role", roles, &role) != 0) {
      bad_roles++;
    } else {
      r->primary = role;
      if (role && first_primary) {
        ld_err_at(L, rn, "a second primary region; exactly one region is primary (the first is "
                  "at line %d), make this one role: standby", first_primary->line);
      } else if (role) {
        first_primary = rn;
      } else {
        n_standby++;
      }
    }
  }
  if (!first_primary && !bad_roles)
    ld_err_at(L, list, "no region has role: primary; mark the region that fails with role: primary");
  if (n_standby == 0 && !bad_roles)
    ld_err_at(L, list, "no region has role: standby; add the region to fail over to, e.g. "
              "{name: westus2, role: standby}");
  if (ld_ix_build(L, ix, names, list->n_items) == 0) {
    ld_ix_report_duplicates(L, ix, nodes, "region");
    names = NULL;   /* owned by ix now */
  }
done:
  free(names);
  free(nodes);
}

/* Region named by v (key for messages), -1 with an error. */
int ld_find_region(loader *L, const name_ix *ix, const ynode *v, const char *key) {
  if (ld_want_scalar(L, v, key)) return -1;
  long r = ld_ix_find(ix, v->str);
  if (r < 0 && L->regions_bad) {
    L->errors++;
  } else if (r < 0) {
    char h[512];
    ld_err_at(L, v, "unknown region '%s'%s", v->str, ld_ix_hint(L, ix, v->str, h, sizeof h));
  }
  return (int)r;
}

static int first_standby_region(const model_scenario *sc) {
  for (size_t i = 0; i < sc->n_regions; i++)
    if (!sc->regions[i].primary && sc->regions[i].name) return (int)i;
  return -1;
}

static void load_replication(loader *L, model_component *c, const ynode *m, const char *cname,
                             const name_ix *rix) {
  model_scenario *sc = L->sc;
  model_replication *r = &c->replication;
  r->to_region = -1;
  r->retention_s = INFINITY;
  r->loc.line = r->to_loc.line = m->line;
  r->loc.col = r->to_loc.col = m->col;
  char where[200];
  snprintf(where, sizeof where, "the replication of component '%s'", cname);
  if (ld_want_map(L, m, where)) return;
  static const char *const keys[] = {"mode", "to", "lag", "interval", "copy",
                                     "failure_probability", "retention", NULL};
  ld_check_keys(L, m, keys, "replication");
  const ynode *mn = model_yaml_get(m, "mode");
  int mode = 0;
  if (!mn) {
    ld_err_at(L, m, "replication of component '%s' needs a 'mode': none, sync, async or periodic",
              cname);
    return;
  }
  if (ld_get_enum(L, mn, "replication mode", model_repl_mode_names, &mode)) return;
  r->mode = (model_repl_mode)mode;
  /* Keys that belong to another mode are errors: they would be ignored. */
  static const struct { const char *key; int mode; } only[] = {
    {"lag", MODEL_REPL_ASYNC}, {"interval", MODEL_REPL_PERIODIC}, {"copy", MODEL_REPL_PERIODIC},
    {"failure_probability", MODEL_REPL_PERIODIC}, {"retention", MODEL_REPL_PERIODIC}};
  for (size_t i = 0; i < sizeof only / sizeof *only; i++) {
    model_yaml_pair *p = model_yaml_get_pair(m, only[i].key);
    if (p && mode != only[i].mode)
      ld_err_at(L, p->key, "'%s' applies to mode: %s only, and this replication is mode: %s; "
                "remove it or change the mode", only[i].key,
                model_repl_mode_names[only[i].mode], model_repl_mode_names[mode]);
  }
  const ynode *to = model_yaml_get(m, "to");
  if (mode == MODEL_REPL_NONE) {
    if (to)
      ld_err_at(L, model_yaml_get_pair(m, "to")->key, "'to' needs a replicating mode (sync, "
                "async or periodic); remove it or change the mode");
    return;
  }
  if (to) {
    r->to_loc.line = to->line;
    r->to_loc.col = to->col;
    int t = ld_find_region(L, rix, to, "to");
    if (t >= 0 && sc->regions[t].primary)
      ld_err_at(L, to, "component '%s' replicates to '%s', the primary region; replicate to a "
                "standby region such as '%s'", cname, to->str,
                first_standby_region(sc) >= 0 ? sc->regions[first_standby_region(sc)].name : "westus2");
    else if (t >= 0)
      r->to_region = t;
  } else {
    r->to_region = first_standby_region(sc);
    if (r->to_region < 0 && sc->n_regions > 0)
      ld_err_at(L, mn, "component '%s' replicates (mode: %s) but there is no standby region to "
                "receive the data; add a region with role: standby", cname,
                model_repl_mode_names[mode]);
  }
  const ynode *x;
  if (mode == MODEL_REPL_ASYNC) {
    if (!(x = model_yaml_get(m, "lag")))
      ld_err_at(L, m, "async replication of component '%s' needs 'lag', e.g. "
                "lag: {dist: lognormal, median: 5s, p95: 2m}", cname);
    else
      ld_get_dist(L, x, "lag", &r->lag);
  } else if (mode == MODEL_REPL_PERIODIC) {
    if (!(x = model_yaml_get(m, "interval"))) {
      ld_err_at(L, m, "periodic replication of component '%s' needs 'interval', e.g. "
                "interval: 24h", cname);
    } else if (ld_get_duration(L, x, "interval", &r->interval_s) == 0 && r->interval_s <= 0) {
      ld_err_at(L, x, "'interval' must be greater than 0, e.g. 24h for daily backups");
    }
    if ((x = model_yaml_get(m, "copy")) && ld_get_dist(L, x, "copy", &r->copy) == 0)
      r->has_copy = 1;
    if ((x = model_yaml_get(m, "failure_probability")))
      ld_get_probability(L, x, "failure_probability", &r->failure_probability);
    if ((x = model_yaml_get(m, "retention")) &&
        ld_get_duration(L, x, "retention", &r->retention_s) == 0 && r->interval_s > 0 &&
        r->retention_s < r->interval_s) {
      char b1[48], b2[48];
      ld_err_at(L, x, "retention (%s) is shorter than the interval (%s): every backup would be "
                "gone before the next one; keep backups at least one interval",
                model_units_format_duration(r->retention_s, b1, sizeof b1),
                model_units_format_duration(r->interval_s, b2, sizeof b2));
    }
  }
}

static void load_failover(loader *L, size_t ci, const ynode *m, const char *cname) {
  model_component *c = &L->sc->components[ci];
  model_failover *f = &c->failover;
  f->by_workflow = f->by_step = -1;
  char where[200];
  snprintf(where, sizeof where, "the failover of component '%s'", cname);
  if (ld_want_map(L, m, where)) return;
  static const char *const keys[] = {"after", "duration", "by", NULL};
  ld_check_keys(L, m, keys, "failover");
  const ynode *by = model_yaml_get(m, "by");
  if (by) {
    model_yaml_pair *p = model_yaml_get_pair(m, "after");
    if (!p) p = model_yaml_get_pair(m, "duration");
    if (p) {
      ld_err_at(L, p->key, "'%s' is for an automatic failover, and 'by' makes this one manual "
                "(done by a workflow step); keep one of them", p->key->str);
      return;
    }
    f->kind = MODEL_FAILOVER_BY_STEP;
    if (ld_want_scalar(L, by, "by") == 0) L->comp_by[ci] = by;
    return;
  }
  f->kind = MODEL_FAILOVER_AUTO;
  const ynode *x;
  if ((x = model_yaml_get(m, "after"))) ld_get_duration(L, x, "after", &f->after_s);
  if ((x = model_yaml_get(m, "duration")) && ld_get_dist(L, x, "duration", &f->duration) == 0)
    f->has_duration = 1;
}

/* Component ci's redundancy_group (value node v): find or add the group by
** name. Members must share one environment (or all be shared); `*ref`
** (allocated here, [n_components]) keeps per group the first member whose
** environment is known, so a bad environment is reported once, not again
** as a mismatch. */
static void load_redundancy_group(loader *L, size_t ci, const ynode *v, int env_known,
                                  size_t **ref) {
  model_scenario *sc = L->sc;
  size_t n = sc->n_components;
  model_component *c = &sc->components[ci];
  const char *nm = ld_get_name(L, v, "redundancy_group");
  if (!nm) return;
  if (!sc->redundancy_groups) {
    /* at most one group per component: no growth needed */
    sc->redundancy_groups = ld_xcalloc(L, n, sizeof *sc->redundancy_groups);
    *ref = ld_xcalloc(L, n, sizeof **ref);
    if (!sc->redundancy_groups || !*ref) return;
  }
  if (!*ref) return;
  size_t g = 0;
  while (g < sc->n_redundancy_groups && strcmp(sc->redundancy_groups[g], nm) != 0) g++;
  if (g == sc->n_redundancy_groups) {
    if (!(sc->redundancy_groups[g] = ld_xstrdup(L, nm))) return;
    sc->n_redundancy_groups++;
    (*ref)[g] = n;
  }
  c->redundancy_group = (int)g;
  if (!env_known) return;
  size_t r = (*ref)[g];
  if (r == n) {
    (*ref)[g] = ci;
    return;
  }
  const model_component *rc = &sc->components[r];
  if (rc->environment == c->environment) return;
  char a[200], b[200];
  if (rc->environment >= 0)
    snprintf(a, sizeof a, "environment '%s'", sc->environments[rc->environment].name);
  else
    snprintf(a, sizeof a, "no environment (shared)");
  if (c->environment >= 0)
    snprintf(b, sizeof b, "environment '%s'", sc->environments[c->environment].name);
  else
    snprintf(b, sizeof b, "no environment (shared)");
  ld_err_at(L, v, "component '%s' is in redundancy_group '%s' with '%s', but '%s' has %s and "
            "'%s' has %s; members of a redundancy group must all have the same environment "
            "(or all be shared): fix the environments or use another group name",
            c->name ? c->name : "?", nm, rc->name ? rc->name : "?", rc->name ? rc->name : "?", a,
            c->name ? c->name : "?", b);
}

void ld_load_components(loader *L, const ynode *root, const name_ix *rix, name_ix *cix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "components");
  if (!list || ld_is_null(list)) return;
  if (ld_want_items(L, list, "'components'")) return;
  size_t n = list->n_items;
  sc->components = ld_xcalloc(L, n, sizeof *sc->components);
  L->comp_map = ld_xcalloc(L, n, sizeof *L->comp_map);
  L->comp_by = ld_xcalloc(L, n, sizeof *L->comp_by);
  if (!sc->components || !L->comp_map || !L->comp_by) return;
  sc->n_components = n;
  for (size_t i = 0; i < n; i++) {
    model_component *c = &sc->components[i];
    c->environment = -1;
    c->region = -1;
    c->replication.to_region = -1;
    c->replication.retention_s = INFINITY;
    c->failover.by_workflow = c->failover.by_step = -1;
    c->redundancy_group = -1;
  }
  char **owned = NULL;
  ld_collect_names(L, list, "component", cix, &owned);
  if (owned)
    for (size_t i = 0; i < n; i++) sc->components[i].name = owned[i];
  free(owned);
  static const char *const keys[] = {"name", "environment", "region", "zone", "depends_on",
                                     "failure", "repair", "replication", "failover",
                                     "redundancy_group", "kind", "stateless", NULL};
  size_t *group_ref = NULL;   /* [n] per group: a member with a known environment, or n */
  for (size_t i = 0; i < n; i++) {
    const ynode *m = list->items[i];
    model_component *c = &sc->components[i];
    c->loc.line = m->line;
    c->loc.col = m->col;
    if (ld_want_map(L, m, "a component")) continue;
    L->comp_map[i] = m;
    if (!model_yaml_get(m, "name"))
      ld_err_at(L, m, "a component needs a 'name', e.g. name: sql-prod");
    const char *cname = c->name ? c->name : "?";
    if (!c->name && !(c->name = ld_xstrdup(L, "?"))) continue;
    char where[200];
    snprintf(where, sizeof where, "component '%s'", cname);
    ld_check_keys(L, m, keys, where);
    const ynode *x;
    if ((x = model_yaml_get(m, "environment"))) c->environment = ld_find_env(L, x, "environment");
    if (!(x = model_yaml_get(m, "region")))
      ld_err_at(L, m, "component '%s' needs a 'region' (the region it runs in)", cname);
    else
      c->region = ld_find_region(L, rix, x, "region");
    if ((x = model_yaml_get(m, "zone"))) {
      if (x->kind == MODEL_YAML_SCALAR && strcmp(x->str, "redundant") == 0) {
        c->zone = 0;
      } else {
        long long z;
        if (x->kind == MODEL_YAML_SCALAR && ld_get_int(L, x, "zone", 1, 3, &z) == 0) c->zone = (int)z;
        else if (x->kind != MODEL_YAML_SCALAR) ld_want_scalar(L, x, "zone");
      }
    }
    if ((x = model_yaml_get(m, "depends_on")) && !ld_is_null(x) &&
        ld_want_items(L, x, "'depends_on'") == 0 &&
        x->n_items > 0) {
      c->depends_on = ld_xcalloc(L, x->n_items, sizeof *c->depends_on);
      for (size_t j = 0; c->depends_on && j < x->n_items; j++) {
        const ynode *d = x->items[j];
        if (ld_want_scalar(L, d, "depends_on")) continue;
        long k = ld_ix_find(cix, d->str);
        if (k < 0) {
          char h[512];
          ld_err_at(L, d, "component '%s' depends on '%s', which is not a component%s", cname,
                    d->str, ld_ix_hint(L, cix, d->str, h, sizeof h));
          continue;
        }
        int dup = 0;
        for (size_t q = 0; q < c->n_depends_on; q++) dup |= c->depends_on[q] == (int)k;
        if (dup) {
          ld_err_at(L, d, "component '%s' lists '%s' twice in depends_on; remove one", cname, d->str);
          continue;
        }
        c->depends_on[c->n_depends_on++] = (int)k;
      }
    }
    const ynode *fn = model_yaml_get(m, "failure"), *rn = model_yaml_get(m, "repair");
    if (fn && !rn)
      ld_err_at(L, model_yaml_get_pair(m, "failure")->key, "component '%s' has 'failure' but no "
                "'repair'; lifetime mode needs both (add repair: {dist: lognormal, median: 2h, "
                "p95: 6h}) or neither", cname);
    else if (rn && !fn)
      ld_err_at(L, model_yaml_get_pair(m, "repair")->key, "component '%s' has 'repair' but no "
                "'failure'; lifetime mode needs both (add failure: {dist: exponential, mean: "
                "720h}) or neither", cname);
    else if (fn && rn) {
      int ok = ld_get_dist(L, fn, "failure", &c->failure) == 0;
      ok &= ld_get_dist(L, rn, "repair", &c->repair) == 0;
      /* A zero mean would cycle forever at one instant of simulated time. */
      if (ok && L->sc->mode == MODEL_MODE_LIFETIME) {
        if (!(model_dist_mean(&c->failure) > 0)) {
          ld_err_at(L, fn, "component '%s' has a failure time with mean 0; lifetime mode needs "
                    "a time to failure greater than 0, e.g. {dist: exponential, mean: 720h}",
                    cname);
          ok = 0;
        }
        if (!(model_dist_mean(&c->repair) > 0)) {
          ld_err_at(L, rn, "component '%s' has a repair time with mean 0; lifetime mode needs "
                    "a repair time greater than 0, e.g. {dist: lognormal, median: 2h, p95: 6h}",
                    cname);
          ok = 0;
        }
      }
      c->has_failure = ok;
    }
    if ((x = model_yaml_get(m, "kind"))) {
      /* Presentation only (drsim diagram): the kinds after "unset". */
      int k;
      if (ld_get_enum(L, x, "component kind", model_kind_names + 1, &k) == 0)
        c->kind = (model_component_kind)(k + 1);
    }
    if ((x = model_yaml_get(m, "stateless"))) ld_get_bool(L, x, "stateless", &c->stateless);
    if ((x = model_yaml_get(m, "replication"))) load_replication(L, c, x, cname, rix);
    if ((x = model_yaml_get(m, "failover"))) load_failover(L, i, x, cname);
    if ((x = model_yaml_get(m, "redundancy_group"))) {
      int env_known = !model_yaml_get(m, "environment") || c->environment >= 0;
      load_redundancy_group(L, i, x, env_known, &group_ref);
    }
  }
  free(group_ref);
}

void ld_load_standby(loader *L, const ynode *root, const name_ix *rix, name_ix *pix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "standby");
  if (!list || ld_is_null(list)) return;
  if (ld_want_items(L, list, "'standby'")) return;
  size_t n = list->n_items;
  sc->standby = ld_xcalloc(L, n, sizeof *sc->standby);
  if (!sc->standby) return;
  sc->n_standby = n;
  char **owned = NULL;
  ld_collect_names(L, list, "standby pool", pix, &owned);
  if (owned)
    for (size_t i = 0; i < n; i++) sc->standby[i].name = owned[i];
  free(owned);
  static const char *const keys[] = {"name", "region", "environment", "warm_nodes",
                                     "required_nodes", "service_nodes", "provision",
                                     "max_parallel", "node_cost_per_hour",
                                     "capacity_shortage", "zones", NULL};
  for (size_t i = 0; i < n; i++) {
    const ynode *m = list->items[i];
    model_standby *p = &sc->standby[i];
    p->region = -1;
    p->environment = -1;
    p->max_parallel = 1;
    p->loc.line = m->line;
    p->loc.col = m->col;
    if (ld_want_map(L, m, "a standby pool")) continue;
    if (!model_yaml_get(m, "name"))
      ld_err_at(L, m, "a standby pool needs a 'name', e.g. name: aks-prod-dr");
    if (!p->name && !(p->name = ld_xstrdup(L, "?"))) continue;
    const char *pname = p->name;
    char where[200];
    snprintf(where, sizeof where, "standby pool '%s'", pname);
    ld_check_keys(L, m, keys, where);
    const ynode *x;
    if (!(x = model_yaml_get(m, "region"))) {
      ld_err_at(L, m, "standby pool '%s' needs a 'region' (a standby region)", pname);
    } else {
      int r = ld_find_region(L, rix, x, "region");
      if (r >= 0 && sc->regions[r].primary)
        ld_err_at(L, x, "standby pool '%s' is in '%s', the primary region; put it in a standby "
                  "region", pname, x->str);
      p->region = r;
    }
    if ((x = model_yaml_get(m, "environment"))) p->environment = ld_find_env(L, x, "environment");
    long long v;
    if ((x = model_yaml_get(m, "warm_nodes")) &&
        ld_get_int(L, x, "warm_nodes", 0, MODEL_MAX_ITEMS, &v) == 0)
      p->warm_nodes = (int)v;
    const ynode *req = model_yaml_get(m, "required_nodes");
    if (!req) {
      ld_err_at(L, m, "standby pool '%s' needs 'required_nodes' (nodes at full capacity)", pname);
    } else if (ld_get_int(L, req, "required_nodes", 1, MODEL_MAX_ITEMS, &v) == 0) {
      p->required_nodes = (int)v;
      if (p->warm_nodes > p->required_nodes)
        ld_err_at(L, req, "required_nodes (%d) is below warm_nodes (%d); required_nodes is the "
                  "full capacity, at least the warm nodes", p->required_nodes, p->warm_nodes);
    }
    p->service_nodes = p->required_nodes;
    if ((x = model_yaml_get(m, "service_nodes")) &&
        ld_get_int(L, x, "service_nodes", 1, MODEL_MAX_ITEMS, &v) == 0) {
      if (p->required_nodes > 0 && v > p->required_nodes)
        ld_err_at(L, x, "service_nodes (%lld) is above required_nodes (%d); it is the part of "
                  "full capacity needed to serve at all", v, p->required_nodes);
      else
        p->service_nodes = (int)v;
    }
    if ((x = model_yaml_get(m, "provision"))) {
      ld_get_dist(L, x, "provision", &p->provision);
    } else if (p->warm_nodes < p->required_nodes) {
      ld_err_at(L, m, "standby pool '%s' needs 'provision' (time to bring up one node), e.g. "
                "provision: {dist: lognormal, median: 6m, p95: 15m}", pname);
    }
    if ((x = model_yaml_get(m, "max_parallel")) &&
        ld_get_int(L, x, "max_parallel", 1, MODEL_MAX_ITEMS, &v) == 0)
      p->max_parallel = (int)v;
    if ((x = model_yaml_get(m, "node_cost_per_hour")) &&
        ld_get_number(L, x, "node_cost_per_hour", &p->node_cost_per_hour) == 0 &&
        p->node_cost_per_hour < 0) {
      ld_err_at(L, x, "'node_cost_per_hour' must not be negative");
      p->node_cost_per_hour = 0;
    }
    if ((x = model_yaml_get(m, "zones")) && ld_want_list(L, x, "'zones'") == 0) {
      for (size_t j = 0; j < x->n_items; j++) {
        long long z;
        const ynode *zn = x->items[j];
        if (ld_want_scalar(L, zn, "zones") || ld_get_int(L, zn, "zones", 1, 3, &z)) continue;
        int dup = 0;
        for (int q = 0; q < p->n_zones; q++) dup |= p->zones[q] == (int)z;
        if (dup || p->n_zones >= 3)
          ld_err_at(L, zn, "zone %lld is listed twice in the zones of standby pool '%s'", z, pname);
        else
          p->zones[p->n_zones++] = (int)z;
      }
    }
    if ((x = model_yaml_get(m, "capacity_shortage")) &&
        ld_want_map(L, x, "'capacity_shortage'") == 0) {
      static const char *const ckeys[] = {"probability", "delay", NULL};
      ld_check_keys(L, x, ckeys, "capacity_shortage");
      const ynode *pr = model_yaml_get(x, "probability"), *dl = model_yaml_get(x, "delay");
      if (!pr || !dl) {
        ld_err_at(L, x, "capacity_shortage needs both 'probability' and 'delay', e.g. "
                  "{probability: 0.05, delay: {dist: lognormal, median: 1h, p95: 4h}}");
      } else {
        double prob = 0;
        if (ld_get_fraction(L, pr, "probability", &prob) == 0 &&
            ld_get_dist(L, dl, "delay", &p->shortage_delay) == 0)
          p->shortage_probability = prob;
      }
    }
  }
}
