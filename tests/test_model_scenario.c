/*
** tests/test_model_scenario.c — the scenario loader and model
** (models/scenario_load.c and models/load_*.c, models/scenario.c): every file in scenarios/
** loads; a round trip compares what the model holds with the YAML text of
** each file, key by key; the reference scenario is spot-checked by name;
** defaults, every distribution, references, topological order, stream ids,
** the text hash and the summary are checked on small inline scenarios.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "models/scenario.h"
#include "models/units.h"
#include "models/yaml_tree.h"
#include "sim/rng.h"

#define SCEN_DIR DRSIM_SOURCE_DIR "/scenarios"
#define REFERENCE SCEN_DIR "/azure-aks-east-west.yaml"

/* ---- helpers ----------------------------------------------------------- */

static model_scenario *load_text(const char *text) {
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  if (model_scenario_load_string(text, strlen(text), "inline.yaml", NULL, 0, &sc, d))
    model_diag_print(d, stderr);
  assert_non_null(sc);
  model_diag_free(d);
  return sc;
}

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static double dur(const model_yaml_node *n) {
  double s = NAN;
  assert_non_null(n);
  assert_int_equal(model_units_parse_duration(n->str, &s, NULL), 0);
  return s;
}

static double num(const model_yaml_node *n) {
  assert_non_null(n);
  return strtod(n->str, NULL);
}

static double frac(const model_yaml_node *n) {
  double f = NAN;
  assert_non_null(n);
  assert_int_equal(model_units_parse_fraction(n->str, &f, NULL), 0);
  return f;
}

static void near(double got, double want) {
  double tol = 1e-9 * fmax(1.0, fabs(want));
  if (!(fabs(got - want) <= tol)) fail_msg("got %.17g, want %.17g", got, want);
}

/* The model's dist equals what the YAML node says. */
static void check_dist(const model_dist *d, const model_yaml_node *n) {
  assert_non_null(n);
  if (n->kind == MODEL_YAML_SCALAR) {
    assert_int_equal(d->kind, MODEL_DIST_CONSTANT);
    near(d->p[0], dur(n));
    return;
  }
  const char *k = model_yaml_get(n, "dist")->str;
  assert_string_equal(model_dist_kind_name(d->kind), k);
  const model_yaml_node *x;
  switch (d->kind) {
  case MODEL_DIST_CONSTANT: near(d->p[0], dur(model_yaml_get(n, "value"))); break;
  case MODEL_DIST_EXPONENTIAL: near(d->p[0], dur(model_yaml_get(n, "mean"))); break;
  case MODEL_DIST_LOGNORMAL:
    if ((x = model_yaml_get(n, "median"))) {
      near(model_dist_quantile(d, 0.5), dur(x));
      near(model_dist_quantile(d, 0.95), dur(model_yaml_get(n, "p95")));
    } else {
      near(d->p[0], num(model_yaml_get(n, "mu")));
      near(d->p[1], num(model_yaml_get(n, "sigma")));
    }
    break;
  case MODEL_DIST_WEIBULL:
  case MODEL_DIST_GAMMA:
    near(d->p[0], num(model_yaml_get(n, "shape")));
    near(d->p[1], dur(model_yaml_get(n, "scale")));
    break;
  case MODEL_DIST_NORMAL:
    near(d->p[0], dur(model_yaml_get(n, "mean")));
    near(d->p[1], dur(model_yaml_get(n, "sd")));
    break;
  case MODEL_DIST_UNIFORM:
    near(d->p[0], dur(model_yaml_get(n, "min")));
    near(d->p[1], dur(model_yaml_get(n, "max")));
    break;
  case MODEL_DIST_TRIANGULAR:
  case MODEL_DIST_PERT:
    near(d->p[0], dur(model_yaml_get(n, "min")));
    near(d->p[1], dur(model_yaml_get(n, "mode")));
    near(d->p[2], dur(model_yaml_get(n, "max")));
    break;
  case MODEL_DIST_EMPIRICAL:
    if ((x = model_yaml_get(n, "samples"))) assert_int_equal(d->n_samples, x->n_items);
    else assert_true(d->n_samples > 0);
    break;
  }
}

static const char *str_of(const model_yaml_node *map, const char *key) {
  const model_yaml_node *v = model_yaml_get(map, key);
  return v ? v->str : NULL;
}

/* ---- round trip: the model against the YAML tree of the same file ------- */

static void round_trip_components(const model_scenario *sc, const model_yaml_node *list) {
  if (!list) {
    assert_int_equal(sc->n_components, 0);
    return;
  }
  assert_int_equal(sc->n_components, list->n_items);
  for (size_t i = 0; i < list->n_items; i++) {
    const model_yaml_node *m = list->items[i], *x, *y;
    const model_component *c = &sc->components[i];
    assert_string_equal(c->name, str_of(m, "name"));
    assert_int_equal(model_scenario_find_component(sc, c->name), (int)i);
    assert_string_equal(sc->regions[c->region].name, str_of(m, "region"));
    if ((x = model_yaml_get(m, "environment")))
      assert_string_equal(sc->environments[c->environment].name, x->str);
    else
      assert_int_equal(c->environment, -1);
    x = model_yaml_get(m, "depends_on");
    assert_int_equal(c->n_depends_on, x ? x->n_items : 0);
    for (size_t j = 0; j < c->n_depends_on; j++)
      assert_string_equal(sc->components[c->depends_on[j]].name, x->items[j]->str);
    if ((x = model_yaml_get(m, "replication"))) {
      static const char *const modes[] = {"none", "sync", "async", "periodic"};
      assert_string_equal(modes[c->replication.mode], str_of(x, "mode"));
      if ((y = model_yaml_get(x, "to"))) assert_string_equal(sc->regions[c->replication.to_region].name, y->str);
      if ((y = model_yaml_get(x, "lag"))) check_dist(&c->replication.lag, y);
      if ((y = model_yaml_get(x, "interval"))) near(c->replication.interval_s, dur(y));
      if ((y = model_yaml_get(x, "copy"))) check_dist(&c->replication.copy, y);
      if ((y = model_yaml_get(x, "retention"))) near(c->replication.retention_s, dur(y));
      else assert_true(isinf(c->replication.retention_s));
      if ((y = model_yaml_get(x, "failure_probability")))
        near(c->replication.failure_probability, frac(y));
    } else {
      assert_int_equal(c->replication.mode, MODEL_REPL_NONE);
    }
    if ((x = model_yaml_get(m, "failover"))) {
      if ((y = model_yaml_get(x, "by"))) {
        assert_int_equal(c->failover.kind, MODEL_FAILOVER_BY_STEP);
        const model_workflow *wf = &sc->workflows[c->failover.by_workflow];
        const char *slash = strchr(y->str, '/');
        assert_string_equal(wf->steps[c->failover.by_step].name, slash ? slash + 1 : y->str);
      } else {
        assert_int_equal(c->failover.kind, MODEL_FAILOVER_AUTO);
        if ((y = model_yaml_get(x, "after"))) near(c->failover.after_s, dur(y));
        if ((y = model_yaml_get(x, "duration"))) check_dist(&c->failover.duration, y);
        assert_int_equal(c->failover.has_duration, y != NULL);
      }
    } else {
      assert_int_equal(c->failover.kind, MODEL_FAILOVER_NONE);
    }
    if ((x = model_yaml_get(m, "failure"))) {
      assert_true(c->has_failure);
      check_dist(&c->failure, x);
      check_dist(&c->repair, model_yaml_get(m, "repair"));
    }
    char id[200];
    snprintf(id, sizeof id, "component:%s", c->name);
    assert_true(c->stream == sim_rng_stream_id(id));
  }
}

static void round_trip_workflows(const model_scenario *sc, const model_yaml_node *list) {
  size_t total = 0;
  assert_int_equal(sc->n_workflows, list ? list->n_items : 0);
  for (size_t w = 0; list && w < list->n_items; w++) {
    const model_yaml_node *m = list->items[w], *x, *y;
    const model_workflow *wf = &sc->workflows[w];
    const char *env = str_of(m, "environment");
    assert_string_equal(sc->environments[wf->environment].name, env);
    assert_int_equal(model_scenario_find_workflow(sc, env), (int)w);
    if ((x = model_yaml_get(m, "detection"))) check_dist(&wf->detection, x);
    const model_yaml_node *steps = model_yaml_get(m, "steps");
    assert_int_equal(wf->n_steps, steps->n_items);
    assert_int_equal(wf->step_offset, total);
    total += wf->n_steps;
    /* topo: a permutation in which every step comes after its needs */
    size_t *pos = calloc(wf->n_steps, sizeof *pos);
    assert_non_null(pos);
    for (size_t k = 0; k < wf->n_steps; k++) pos[wf->topo[k]] = k + 1;
    for (size_t s = 0; s < wf->n_steps; s++) {
      assert_true(pos[s] > 0);
      for (size_t j = 0; j < wf->steps[s].n_needs_steps; j++)
        assert_true(pos[wf->steps[s].needs_steps[j]] < pos[s]);
    }
    free(pos);
    for (size_t s = 0; s < steps->n_items; s++) {
      const model_yaml_node *sm = steps->items[s];
      const model_step *st = &wf->steps[s];
      assert_string_equal(st->name, str_of(sm, "name"));
      char id[300];
      snprintf(id, sizeof id, "step:%s/%s", env, st->name);
      assert_true(st->stream == sim_rng_stream_id(id));
      x = model_yaml_get(sm, "manual");
      assert_int_equal(st->manual, x && strcmp(x->str, "true") == 0);
      if ((x = model_yaml_get(sm, "duration"))) check_dist(&st->duration, x);
      if ((x = model_yaml_get(sm, "standby")))
        assert_string_equal(sc->standby[st->standby].name, x->str);
      else
        assert_int_equal(st->standby, -1);
      if ((x = model_yaml_get(sm, "business_hours"))) {
        check_dist(&st->business_hours, x);
        const model_yaml_node *off = model_yaml_get(sm, "off_hours");
        if (off && off->str && strcmp(off->str, "wait") == 0) {
          assert_int_equal(st->off_policy, MODEL_OFF_WAIT);
        } else if (off && model_yaml_get(off, "page")) {
          assert_int_equal(st->off_policy, MODEL_OFF_PAGE);
          check_dist(&st->page, model_yaml_get(off, "page"));
        } else {
          assert_true(st->has_oncall);
          check_dist(&st->off_hours, off);
        }
      }
      if ((x = model_yaml_get(sm, "failure_probability"))) near(st->failure_probability, frac(x));
      else assert_true(st->failure_probability == 0);
      if ((x = model_yaml_get(sm, "retry"))) {
        if ((y = model_yaml_get(x, "max"))) assert_int_equal(st->retry_max, atoi(y->str));
        if ((y = model_yaml_get(x, "delay"))) near(st->retry_delay_s, dur(y));
      }
      if ((x = model_yaml_get(sm, "timeout"))) near(st->timeout_s, dur(x));
      else assert_true(isinf(st->timeout_s));
      /* needs: each name is either one of the step needs or a component need, in order */
      x = model_yaml_get(sm, "needs");
      size_t ns = 0, nc = 0, nx = 0;
      for (size_t j = 0; x && j < x->n_items; j++) {
        const char *nm = x->items[j]->str;
        if (strchr(nm, '/') && nx < st->n_needs_ext) {   /* ENV/STEP of another workflow */
          const model_workflow *ow = &sc->workflows[st->needs_ext[nx].workflow];
          char ref[300];
          snprintf(ref, sizeof ref, "%s/%s", sc->environments[ow->environment].name,
                   ow->steps[st->needs_ext[nx].step].name);
          assert_string_equal(ref, nm);
          nx++;
        } else if (ns < st->n_needs_steps && strcmp(wf->steps[st->needs_steps[ns]].name, nm) == 0) ns++;
        else if (nc < st->n_needs_components &&
                 strcmp(sc->components[st->needs_components[nc]].name, nm) == 0) nc++;
        else fail_msg("need '%s' of step '%s' not in the model", nm, st->name);
      }
      assert_int_equal(ns, st->n_needs_steps);
      assert_int_equal(nc, st->n_needs_components);
      assert_int_equal(nx, st->n_needs_ext);
    }
  }
  assert_int_equal(sc->n_steps_total, total);
}

static void round_trip(const char *path) {
  size_t len;
  char *text = read_all(path, &len);
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = NULL;
  assert_int_equal(model_yaml_parse(text, len, path, &doc, d), 0);
  model_scenario *sc = NULL;
  if (model_scenario_load_string(text, len, path, NULL, 0, &sc, d)) {
    model_diag_print(d, stderr);
    fail_msg("%s does not load", path);
  }
  const model_yaml_node *root = model_yaml_root(doc), *x, *y;
  assert_string_equal(sc->name, str_of(root, "name"));
  assert_string_equal(sc->source, path);
  if ((x = model_yaml_get(root, "seed"))) assert_true(sc->seed == strtoull(x->str, NULL, 10));
  else assert_true(sc->seed == 42);
  if ((x = model_yaml_get(root, "trials"))) assert_true(sc->trials == strtoull(x->str, NULL, 10));
  else assert_true(sc->trials == 10000);
  x = model_yaml_get(root, "mode");
  assert_int_equal(sc->mode, x && strcmp(x->str, "lifetime") == 0 ? MODEL_MODE_LIFETIME
                                                                   : MODEL_MODE_DISASTER);
  if ((x = model_yaml_get(root, "horizon"))) near(sc->horizon_s, dur(x));

  const model_yaml_node *obj = model_yaml_get(root, "objectives");
  assert_int_equal(sc->n_environments, obj->n_pairs);
  for (size_t e = 0; e < obj->n_pairs; e++) {
    const model_environment *env = &sc->environments[e];
    assert_string_equal(env->name, obj->pairs[e].key->str);
    const model_yaml_node *v = obj->pairs[e].value;
    if ((y = model_yaml_get(v, "rto"))) near(env->rto_s, dur(y));
    else assert_true(isinf(env->rto_s));
    if ((y = model_yaml_get(v, "rpo"))) near(env->rpo_s, dur(y));
    else assert_true(isinf(env->rpo_s));
    if ((y = model_yaml_get(v, "availability"))) near(env->availability, frac(y));
    else assert_true(isnan(env->availability));
  }
  const model_yaml_node *regions = model_yaml_get(root, "regions");
  assert_int_equal(sc->n_regions, regions->n_items);
  for (size_t r = 0; r < regions->n_items; r++) {
    assert_string_equal(sc->regions[r].name, str_of(regions->items[r], "name"));
    assert_int_equal(sc->regions[r].primary, strcmp(str_of(regions->items[r], "role"), "primary") == 0);
  }
  round_trip_components(sc, model_yaml_get(root, "components"));

  const model_yaml_node *sb = model_yaml_get(root, "standby");
  assert_int_equal(sc->n_standby, sb ? sb->n_items : 0);
  for (size_t p = 0; sb && p < sb->n_items; p++) {
    const model_yaml_node *m = sb->items[p];
    const model_standby *s = &sc->standby[p];
    assert_string_equal(s->name, str_of(m, "name"));
    assert_string_equal(sc->regions[s->region].name, str_of(m, "region"));
    if ((x = model_yaml_get(m, "warm_nodes"))) assert_int_equal(s->warm_nodes, atoi(x->str));
    assert_int_equal(s->required_nodes, atoi(str_of(m, "required_nodes")));
    x = model_yaml_get(m, "service_nodes");
    assert_int_equal(s->service_nodes, x ? atoi(x->str) : s->required_nodes);
    x = model_yaml_get(m, "max_parallel");
    assert_int_equal(s->max_parallel, x ? atoi(x->str) : 1);
    if ((x = model_yaml_get(m, "provision"))) check_dist(&s->provision, x);
    if ((x = model_yaml_get(m, "node_cost_per_hour"))) near(s->node_cost_per_hour, num(x));
    if ((x = model_yaml_get(m, "capacity_shortage"))) {
      near(s->shortage_probability, frac(model_yaml_get(x, "probability")));
      check_dist(&s->shortage_delay, model_yaml_get(x, "delay"));
    } else {
      assert_true(s->shortage_probability == 0);
    }
  }
  round_trip_workflows(sc, model_yaml_get(root, "workflows"));

  if ((x = model_yaml_get(root, "disaster"))) {
    static const char *const types[] = {"region-outage", "zone-outage", "component"};
    if ((y = model_yaml_get(x, "type"))) assert_string_equal(types[sc->disaster.type], y->str);
    if ((y = model_yaml_get(x, "region"))) assert_string_equal(sc->regions[sc->disaster.region].name, y->str);
    if ((y = model_yaml_get(x, "duration"))) check_dist(&sc->disaster.duration, y);
    assert_int_equal(sc->disaster.has_duration, y != NULL);
  }
  assert_int_equal(sc->oncall.enabled, model_yaml_get(root, "oncall") != NULL);
  model_scenario_free(sc);
  model_yaml_free(doc);
  model_diag_free(d);
  free(text);
}

/* ---- every file in scenarios/ ------------------------------------------- */

static void test_every_scenario_loads_and_round_trips(void **state) {
  (void)state;
  DIR *dir = opendir(SCEN_DIR);
  assert_non_null(dir);
  struct dirent *e;
  int n = 0;
  while ((e = readdir(dir))) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SCEN_DIR, e->d_name);
    model_diag *d = model_diag_new();
    model_scenario *sc = NULL;
    if (model_scenario_load_file(path, NULL, 0, &sc, d)) {
      model_diag_print(d, stderr);
      fail_msg("%s does not load", path);
    }
    /* the summary never crashes and says something */
    FILE *out = tmpfile();
    assert_non_null(out);
    model_scenario_print_summary(sc, out);
    assert_true(ftell(out) > 100);
    fclose(out);
    model_scenario_free(sc);
    model_diag_free(d);
    round_trip(path);
    n++;
  }
  closedir(dir);
  assert_true(n >= 1);
}

/* Seed facts of the reference (seed/dr-architecture.md), looked up by name. */
static void test_reference_by_name(void **state) {
  (void)state;
  if (access(REFERENCE, R_OK) != 0) {
    skip();
    return;
  }
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_file(REFERENCE, NULL, 0, &sc, d), 0);
  assert_string_equal(sc->name, "azure-aks-east-west");
  assert_int_equal(sc->mode, MODEL_MODE_DISASTER);
  int prod = model_scenario_find_environment(sc, "production");
  int stg = model_scenario_find_environment(sc, "staging");
  int dev = model_scenario_find_environment(sc, "development");
  assert_true(prod >= 0 && stg >= 0 && dev >= 0);
  /* seed: RTO/RPO requirements by environment */
  assert_true(sc->environments[prod].rto_s == 4 * 3600.0);
  assert_true(sc->environments[prod].rpo_s == 15 * 60.0);
  near(sc->environments[prod].availability, 0.999);
  assert_true(sc->environments[stg].rto_s == 8 * 3600.0);
  assert_true(sc->environments[stg].rpo_s == 3600.0);
  assert_true(sc->environments[dev].rto_s == 24 * 3600.0);
  assert_true(sc->environments[dev].rpo_s == 4 * 3600.0);
  /* seed: primary East US, secondary West US 2, region outage of the primary */
  int r = sc->disaster.region;
  assert_true(r >= 0);
  assert_string_equal(sc->regions[r].name, "eastus");
  assert_true(sc->regions[r].primary);
  assert_int_equal(sc->disaster.type, MODEL_DISASTER_REGION);
  /* seed: aks-private-prod-dr, 1 warm system node -> 5 nodes */
  int p = model_scenario_find_standby(sc, "aks-prod-dr");
  assert_true(p >= 0);
  assert_int_equal(sc->standby[p].warm_nodes, 1);
  assert_int_equal(sc->standby[p].required_nodes, 5);
  assert_string_equal(sc->regions[sc->standby[p].region].name, "westus2");
  /* seed: Azure SQL auto-failover group with a 1-hour grace period */
  int sql = model_scenario_find_component(sc, "sql-prod");
  assert_true(sql >= 0);
  assert_int_equal(sc->components[sql].failover.kind, MODEL_FAILOVER_AUTO);
  assert_true(sc->components[sql].failover.after_s == 3600.0);
  assert_int_equal(sc->components[sql].replication.mode, MODEL_REPL_ASYNC);
  /* seed: GitHub Actions workflow with a manual approval gate before scale-up */
  int w = model_scenario_find_workflow(sc, "production");
  assert_true(w >= 0);
  const model_workflow *wf = &sc->workflows[w];
  long approve = -1, scale = -1;
  for (size_t s = 0; s < wf->n_steps; s++) {
    if (strcmp(wf->steps[s].name, "approve-failover") == 0) approve = (long)s;
    if (wf->steps[s].standby == p) scale = (long)s;
  }
  assert_true(approve >= 0 && scale >= 0);
  assert_true(wf->steps[approve].manual);
  /* scale-up comes (transitively) after the approval in the topological order */
  size_t pa = 0, ps = 0;
  for (size_t k = 0; k < wf->n_steps; k++) {
    if (wf->topo[k] == (size_t)approve) pa = k;
    if (wf->topo[k] == (size_t)scale) ps = k;
  }
  assert_true(pa < ps);
  model_scenario_free(sc);
  model_diag_free(d);
}

/* ---- inline scenarios --------------------------------------------------- */

#define HEAD                                                                            \
  "version: 1\nname: t\n"                                                                 \
  "objectives:\n  production: {rto: 4h}\n  staging: {rpo: 1h, availability: 99.5%}\n"     \
  "regions:\n  - {name: eastus, role: primary}\n  - {name: westus2, role: standby}\n"     \
  "  - {name: westus, role: standby}\n"

static void test_defaults(void **state) {
  (void)state;
  model_scenario *sc = load_text(HEAD
      "components:\n"
      "  - {name: db, environment: production, region: eastus, replication: {mode: periodic, interval: 1d}}\n"
      "standby:\n"
      "  - {name: pool, region: westus2, required_nodes: 4, provision: 5m}\n"
      "workflows:\n"
      "  - environment: production\n"
      "    steps: [{name: a, duration: 1m}]\n");
  assert_true(sc->seed == 42);
  assert_true(sc->trials == 10000);
  assert_int_equal(sc->mode, MODEL_MODE_DISASTER);
  assert_null(sc->description);
  assert_true(isinf(sc->environments[0].rpo_s));
  assert_true(isnan(sc->environments[0].availability));
  near(sc->environments[1].availability, 0.995);
  const model_component *c = &sc->components[0];
  assert_int_equal(c->zone, 0);
  assert_int_equal(c->replication.to_region, 1);        /* the first standby region */
  assert_true(isinf(c->replication.retention_s));
  assert_int_equal(c->replication.has_copy, 0);
  assert_int_equal(c->failover.kind, MODEL_FAILOVER_NONE);
  const model_standby *p = &sc->standby[0];
  assert_int_equal(p->warm_nodes, 0);
  assert_int_equal(p->service_nodes, 4);
  assert_int_equal(p->max_parallel, 1);
  assert_int_equal(p->environment, -1);
  assert_true(p->node_cost_per_hour == 0 && p->shortage_probability == 0);
  const model_workflow *wf = &sc->workflows[0];
  assert_int_equal(wf->detection.kind, MODEL_DIST_CONSTANT);
  assert_true(wf->detection.p[0] == 0);
  const model_step *st = &wf->steps[0];
  assert_int_equal(st->manual, 0);
  assert_int_equal(st->standby, -1);
  assert_true(isinf(st->timeout_s));
  assert_int_equal(st->retry_max, 0);
  /* no disaster block: the primary region is lost, for good */
  assert_int_equal(sc->disaster.type, MODEL_DISASTER_REGION);
  assert_int_equal(sc->disaster.region, 0);
  assert_int_equal(sc->disaster.has_duration, 0);
  assert_int_equal(sc->oncall.enabled, 0);
  assert_int_equal(sc->lifetime.failback, 0);
  assert_true(sc->disaster.stream == sim_rng_stream_id("disaster"));
  assert_true(sc->oncall.stream == sim_rng_stream_id("oncall"));
  assert_true(wf->stream == sim_rng_stream_id("detection:production"));
  assert_true(p->stream == sim_rng_stream_id("standby:pool"));
  assert_true(st->stream == sim_rng_stream_id("step:production/a"));
  model_scenario_free(sc);
}

static void test_every_distribution(void **state) {
  (void)state;
  char dir[] = "/tmp/drsim-test-scenario-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char csv[256], yaml[256];
  snprintf(csv, sizeof csv, "%s/approvals.csv", dir);
  snprintf(yaml, sizeof yaml, "%s/s.yaml", dir);
  FILE *f = fopen(csv, "w");
  assert_non_null(f);
  fputs("duration\n10m\n# a comment\n\n20m,extra\n1h\n", f);
  fclose(f);
  f = fopen(yaml, "w");
  assert_non_null(f);
  fputs(HEAD
        "workflows:\n"
        "  - environment: production\n"
        "    steps:\n"
        "      - {name: c, duration: 90}\n"
        "      - {name: c2, duration: {dist: constant, value: 1h30m}}\n"
        "      - {name: e, duration: {dist: exponential, mean: 30m}}\n"
        "      - {name: l, duration: {dist: lognormal, median: 20m, p95: 2h}}\n"
        "      - {name: l2, duration: {dist: lognormal, mu: 7.2, sigma: 0.6}}\n"
        "      - {name: w, duration: {dist: weibull, shape: 1.5, scale: 2h}}\n"
        "      - {name: g, duration: {dist: gamma, shape: 2, scale: 15m}}\n"
        "      - {name: n, duration: {dist: normal, mean: 30m, sd: 5m}}\n"
        "      - {name: u, duration: {dist: uniform, min: 1m, max: 5m}}\n"
        "      - {name: t, duration: {dist: triangular, min: 5m, mode: 10m, max: 30m}}\n"
        "      - {name: p, duration: {dist: pert, min: 5m, mode: 10m, max: 30m}}\n"
        "      - {name: s, duration: {dist: empirical, samples: [5m, 7m, 12m]}}\n"
        "      - {name: fl, duration: {dist: empirical, file: approvals.csv}}\n",
        f);
  fclose(f);
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  if (model_scenario_load_file(yaml, NULL, 0, &sc, d)) model_diag_print(d, stderr);
  assert_non_null(sc);
  const model_step *s = sc->workflows[0].steps;
  assert_int_equal(s[0].duration.kind, MODEL_DIST_CONSTANT);
  near(s[0].duration.p[0], 90);
  near(s[1].duration.p[0], 5400);
  assert_int_equal(s[2].duration.kind, MODEL_DIST_EXPONENTIAL);
  near(s[2].duration.p[0], 1800);
  assert_int_equal(s[3].duration.kind, MODEL_DIST_LOGNORMAL);
  near(model_dist_quantile(&s[3].duration, 0.5), 1200);
  near(model_dist_quantile(&s[3].duration, 0.95), 7200);
  near(s[4].duration.p[0], 7.2);
  near(s[4].duration.p[1], 0.6);
  assert_int_equal(s[5].duration.kind, MODEL_DIST_WEIBULL);
  near(s[5].duration.p[0], 1.5);
  near(s[5].duration.p[1], 7200);
  assert_int_equal(s[6].duration.kind, MODEL_DIST_GAMMA);
  near(s[6].duration.p[1], 900);
  assert_int_equal(s[7].duration.kind, MODEL_DIST_NORMAL);
  near(s[7].duration.p[1], 300);
  assert_int_equal(s[8].duration.kind, MODEL_DIST_UNIFORM);
  near(s[8].duration.p[1], 300);
  assert_int_equal(s[9].duration.kind, MODEL_DIST_TRIANGULAR);
  near(s[9].duration.p[1], 600);
  assert_int_equal(s[10].duration.kind, MODEL_DIST_PERT);
  near(s[10].duration.p[2], 1800);
  assert_int_equal(s[11].duration.kind, MODEL_DIST_EMPIRICAL);
  assert_int_equal(s[11].duration.n_samples, 3);
  near(s[11].duration.samples[2], 720);
  /* header skipped, comment and blank skipped, first CSV field read */
  assert_int_equal(s[12].duration.kind, MODEL_DIST_EMPIRICAL);
  assert_int_equal(s[12].duration.n_samples, 3);
  near(s[12].duration.samples[1], 1200);
  model_scenario_free(sc);
  model_diag_free(d);
  /* a bad line in the samples file is reported at that file's line */
  f = fopen(csv, "w");
  assert_non_null(f);
  fputs("10m\n20m\nlots\n", f);
  fclose(f);
  d = model_diag_new();
  assert_int_equal(model_scenario_load_file(yaml, NULL, 0, &sc, d), -1);
  assert_int_equal(model_diag_count(d), 1);
  assert_string_equal(model_diag_file(d, 0), csv);
  assert_int_equal(model_diag_line(d, 0), 3);
  model_diag_free(d);
  /* a bad first value is reported, not skipped as a header (it has a
  ** digit), and a decimal comma is refused instead of read as 1 s */
  static const struct { const char *text; int line; } bad[] = {
      {"-50m\n10m\n", 1}, {"10m\n1,5h\n", 2}, {"duration\n1,5\n", 2}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    f = fopen(csv, "w");
    assert_non_null(f);
    fputs(bad[i].text, f);
    fclose(f);
    d = model_diag_new();
    assert_int_equal(model_scenario_load_file(yaml, NULL, 0, &sc, d), -1);
    assert_int_equal(model_diag_count(d), 1);
    assert_string_equal(model_diag_file(d, 0), csv);
    assert_int_equal(model_diag_line(d, 0), bad[i].line);
    model_diag_free(d);
  }
  remove(csv);
  remove(yaml);
  rmdir(dir);
}

static const char *const GRAPH =
    HEAD
    "components:\n"
    "  - {name: shared-db, region: eastus, failover: {by: staging/restore}}\n"
    "  - {name: kv, region: eastus, failover: {after: 5m}}\n"
    "  - {name: app, environment: production, region: eastus, depends_on: [kv], failover: {by: deploy}}\n"
    "standby:\n"
    "  - {name: pool, region: westus2, environment: production, warm_nodes: 2, required_nodes: 6,\n"
    "     service_nodes: 4, max_parallel: 3, node_cost_per_hour: 0.5, provision: 5m,\n"
    "     capacity_shortage: {probability: 5%, delay: 1h}}\n"
    "workflows:\n"
    "  - environment: staging\n"
    "    steps:\n"
    "      - {name: restore, duration: 10m}\n"
    "  - environment: production\n"
    "    detection: 5m\n"
    "    steps:\n"
    "      - {name: deploy, needs: [scale, kv], duration: 10m, failure_probability: 0.1,\n"
    "         retry: {max: 2, delay: 5m}, timeout: 1h}\n"
    "      - {name: approve, manual: true, duration: 20m, business_hours: 10m, off_hours: 1h}\n"
    "      - {name: scale, needs: approve, standby: pool}\n"
    "      - {name: check, needs: [deploy, shared-db, approve], duration: 5m}\n"
    "oncall: {business_hours: \"09:30-17:00\", workdays: 6}\n";

static void test_references_and_order(void **state) {
  (void)state;
  model_scenario *sc = load_text(GRAPH);
  assert_int_equal(sc->n_steps_total, 5);
  int w = model_scenario_find_workflow(sc, "production");
  assert_int_equal(w, 1);
  assert_int_equal(model_scenario_find_workflow(sc, "nope"), -1);
  const model_workflow *wf = &sc->workflows[w];
  assert_int_equal(wf->step_offset, 1);
  assert_int_equal(sc->workflows[0].step_offset, 0);
  /* needs order: approve, scale, deploy, check */
  size_t expect[] = {1, 2, 0, 3};
  for (size_t k = 0; k < 4; k++) assert_int_equal(wf->topo[k], expect[k]);
  const model_step *deploy = &wf->steps[0];
  assert_int_equal(deploy->n_needs_steps, 1);
  assert_int_equal(deploy->needs_steps[0], 2);
  assert_int_equal(deploy->n_needs_components, 1);
  assert_int_equal(deploy->needs_components[0], model_scenario_find_component(sc, "kv"));
  near(deploy->failure_probability, 0.1);
  assert_int_equal(deploy->retry_max, 2);
  near(deploy->retry_delay_s, 300);
  near(deploy->timeout_s, 3600);
  const model_step *approve = &wf->steps[1];
  assert_true(approve->manual && approve->has_oncall);
  near(approve->business_hours.p[0], 600);
  near(approve->off_hours.p[0], 3600);
  assert_int_equal(wf->steps[2].standby, 0);              /* needs: a single name */
  assert_int_equal(wf->steps[2].n_needs_steps, 1);
  const model_component *db = &sc->components[0], *app = &sc->components[2];
  assert_int_equal(db->failover.kind, MODEL_FAILOVER_BY_STEP);
  assert_int_equal(db->failover.by_workflow, 0);           /* ENV/STEP for a shared one */
  assert_int_equal(db->failover.by_step, 0);
  assert_int_equal(app->failover.by_workflow, 1);
  assert_int_equal(app->failover.by_step, 0);
  assert_int_equal(app->n_depends_on, 1);
  assert_int_equal(app->depends_on[0], 1);
  const model_standby *p = &sc->standby[0];
  assert_int_equal(p->warm_nodes, 2);
  assert_int_equal(p->required_nodes, 6);
  assert_int_equal(p->service_nodes, 4);
  assert_int_equal(p->max_parallel, 3);
  near(p->node_cost_per_hour, 0.5);
  near(p->shortage_probability, 0.05);
  assert_int_equal(p->environment, 0);
  assert_true(sc->oncall.enabled);
  near(sc->oncall.day_start_s, 9.5 * 3600);
  near(sc->oncall.day_end_s, 17 * 3600);
  assert_int_equal(sc->oncall.workdays, 6);
  assert_int_equal(model_scenario_find_component(sc, "nope"), -1);
  assert_int_equal(model_scenario_find_standby(sc, "pool"), 0);
  model_scenario_free(sc);
}

static void test_disaster_and_lifetime(void **state) {
  (void)state;
  model_scenario *sc = load_text(HEAD
      "mode: lifetime\nhorizon: 2y\nseed: 7\ntrials: 123\ndescription: x y\n"
      "components:\n"
      "  - {name: db, region: eastus, zone: 2, failure: {dist: exponential, mean: 720h},\n"
      "     repair: {dist: lognormal, median: 2h, p95: 6h}}\n"
      "disaster: {type: zone-outage, region: eastus, zone: 2, rate: 1/10y,\n"
      "           duration: {dist: lognormal, median: 8h, p95: 48h}}\n"
      "lifetime: {failback: true, failback_duration: 2h}\n");
  assert_int_equal(sc->mode, MODEL_MODE_LIFETIME);
  near(sc->horizon_s, 2 * MODEL_UNITS_YEAR);
  assert_true(sc->seed == 7 && sc->trials == 123);
  assert_string_equal(sc->description, "x y");
  assert_int_equal(sc->components[0].zone, 2);
  assert_true(sc->components[0].has_failure);
  assert_int_equal(sc->disaster.type, MODEL_DISASTER_ZONE);
  assert_int_equal(sc->disaster.zone, 2);
  near(sc->disaster.rate_per_s, 0.1 / MODEL_UNITS_YEAR);
  assert_true(sc->disaster.has_duration);
  assert_true(sc->lifetime.failback);
  near(sc->lifetime.failback_duration.p[0], 7200);
  model_scenario_free(sc);
  sc = load_text(HEAD "components: [{name: db, region: eastus}]\n"
                      "disaster: {type: component, component: db}\n");
  assert_int_equal(sc->disaster.type, MODEL_DISASTER_COMPONENT);
  assert_int_equal(sc->disaster.component, 0);
  model_scenario_free(sc);
}

/* The disaster's scope, the one rule both models use: a component disaster
** takes its dependents transitively (not what it depends on), a zone outage
** spares zone-redundant components (zone 0), a shared component in scope
** affects every environment. The name tables read back what was loaded. */
static void test_scope_and_names(void **state) {
  (void)state;
  static const char *const comps =
      "components:\n"
      "  - {name: base, region: eastus}\n"
      "  - {name: mid, environment: staging, region: eastus, zone: 1, depends_on: [base]}\n"
      "  - {name: top, environment: staging, region: eastus, zone: 2, depends_on: [mid]}\n"
      "  - {name: lone, environment: production, region: eastus}\n"   /* zone-redundant */
      "  - {name: dep, environment: production, region: westus2, depends_on: [lone]}\n";
  char text[2048];
  unsigned char comp[5], env[2];
  snprintf(text, sizeof text, "%s%sdisaster: {type: component, component: mid}\n", HEAD, comps);
  model_scenario *sc = load_text(text);
  assert_int_equal(model_scenario_scope(sc, comp, env), 0);
  static const unsigned char want_c1[] = {0, 1, 1, 0, 0}, want_e1[] = {0, 1};
  assert_memory_equal(comp, want_c1, 5);
  assert_memory_equal(env, want_e1, 2);
  assert_string_equal(model_disaster_type_name(sc->disaster.type), "component");
  model_scenario_free(sc);
  snprintf(text, sizeof text, "%s%sdisaster: {type: zone-outage, region: eastus, zone: 1}\n", HEAD,
           comps);
  sc = load_text(text);
  assert_int_equal(model_scenario_scope(sc, comp, env), 0);
  static const unsigned char want_c2[] = {0, 1, 0, 0, 0};
  assert_memory_equal(comp, want_c2, 5);
  assert_memory_equal(env, want_e1, 2);
  assert_string_equal(model_disaster_type_name(sc->disaster.type), "zone-outage");
  model_scenario_free(sc);
  snprintf(text, sizeof text, "%s%s", HEAD, comps);   /* default: region-outage of the primary */
  sc = load_text(text);
  assert_int_equal(model_scenario_scope(sc, comp, NULL), 0);
  assert_int_equal(model_scenario_scope(sc, NULL, env), 0);
  static const unsigned char want_c3[] = {1, 1, 1, 1, 0}, want_e3[] = {1, 1};
  assert_memory_equal(comp, want_c3, 5);
  assert_memory_equal(env, want_e3, 2);   /* base is shared */
  assert_string_equal(model_disaster_type_name(sc->disaster.type), "region-outage");
  model_scenario_free(sc);
  for (int m = MODEL_REPL_NONE; m <= MODEL_REPL_PERIODIC; m++)
    assert_string_equal(model_repl_mode_name((model_repl_mode)m), model_repl_mode_names[m]);
  assert_null(model_repl_mode_names[MODEL_REPL_PERIODIC + 1]);
  assert_null(model_disaster_type_names[MODEL_DISASTER_COMPONENT + 1]);
  assert_null(model_kind_names[MODEL_KIND_COUNT]);
  assert_string_equal(model_repl_mode_name((model_repl_mode)99), "");
  assert_string_equal(model_disaster_type_name((model_disaster_type)99), "");
}

/* redundancy_group: members named alike share one group index; the summary
** shows it; --set moves a member to another group; members with different
** environments are refused at the value, as are bad names. */
/* kind: a presentation hint, stored as given, unset by default, settable. */
static void test_component_kind(void **state) {
  (void)state;
  static const char *const text = HEAD
      "components:\n"
      "  - {name: a, environment: production, region: eastus, kind: storage}\n"
      "  - {name: b, region: eastus}\n";
  model_scenario *sc = load_text(text);
  assert_int_equal(sc->components[0].kind, MODEL_KIND_STORAGE);
  assert_int_equal(sc->components[1].kind, MODEL_KIND_UNSET);
  assert_string_equal(model_scenario_kind_name(sc->components[0].kind), "storage");
  assert_string_equal(model_scenario_kind_name(MODEL_KIND_UNSET), "");
  assert_string_equal(model_scenario_kind_name(MODEL_KIND_COUNT), "");
  model_scenario_free(sc);
  model_diag *d = model_diag_new();
  const char *set[] = {"components.b.kind=monitoring"};
  assert_int_equal(model_scenario_load_string(text, strlen(text), "inline.yaml", set, 1, &sc, d),
                   0);
  assert_int_equal(sc->components[1].kind, MODEL_KIND_MONITORING);
  model_scenario_free(sc);
  model_diag_free(d);
}

static void test_redundancy_group(void **state) {
  (void)state;
  static const char *const text = HEAD
      "components:\n"
      "  - {name: a, environment: production, region: eastus, redundancy_group: db}\n"
      "  - {name: b, environment: production, region: westus2, redundancy_group: db}\n"
      "  - {name: c, region: eastus}\n"
      "  - {name: d, region: eastus, redundancy_group: edge}\n";
  model_scenario *sc = load_text(text);
  assert_int_equal(sc->n_redundancy_groups, 2);
  assert_string_equal(sc->redundancy_groups[0], "db");
  assert_string_equal(sc->redundancy_groups[1], "edge");
  assert_int_equal(sc->components[0].redundancy_group, 0);
  assert_int_equal(sc->components[1].redundancy_group, 0);
  assert_int_equal(sc->components[2].redundancy_group, -1);
  assert_int_equal(sc->components[3].redundancy_group, 1);
  char buf[8192] = {0};
  FILE *out = tmpfile();
  assert_non_null(out);
  model_scenario_print_summary(sc, out);
  rewind(out);
  assert_true(fread(buf, 1, sizeof buf - 1, out) > 0);
  fclose(out);
  assert_non_null(strstr(buf, "a (redundancy group db)"));
  model_scenario_free(sc);

  model_diag *d = model_diag_new();
  const char *set[] = {"components.b.redundancy_group=other"};
  assert_int_equal(model_scenario_load_string(text, strlen(text), "inline.yaml", set, 1, &sc, d),
                   0);
  assert_int_equal(sc->n_redundancy_groups, 3);
  assert_string_equal(sc->redundancy_groups[sc->components[1].redundancy_group], "other");
  model_scenario_free(sc);
  model_diag_free(d);

  /* b is in staging: line 12 is b's (HEAD has 9 lines), its value at column 71 */
  static const char *const mixed = HEAD
      "components:\n"
      "  - {name: a, environment: production, region: eastus, redundancy_group: db}\n"
      "  - {name: b, environment: staging, region: eastus, redundancy_group: db}\n";
  d = model_diag_new();
  assert_int_equal(model_scenario_load_string(mixed, strlen(mixed), "inline.yaml", NULL, 0, &sc, d),
                   -1);
  assert_null(sc);
  assert_int_equal(model_diag_count(d), 1);
  assert_int_equal(model_diag_line(d, 0), 12);
  assert_int_equal(model_diag_col(d, 0), 71);
  assert_non_null(strstr(model_diag_message(d, 0), "redundancy_group 'db' with 'a'"));
  assert_non_null(strstr(model_diag_message(d, 0), "same environment"));
  model_diag_free(d);

  static const char *const bad = HEAD
      "components: [{name: a, region: eastus, redundancy_group: 'a b'}]\n";
  d = model_diag_new();
  assert_int_equal(model_scenario_load_string(bad, strlen(bad), "inline.yaml", NULL, 0, &sc, d),
                   -1);
  assert_int_equal(model_diag_count(d), 1);
  assert_non_null(strstr(model_diag_message(d, 0), "may only use letters"));
  model_diag_free(d);
}

static void test_anchors_and_aliases(void **state) {
  (void)state;
  model_scenario *sc = load_text(HEAD
      "workflows:\n"
      "  - environment: production\n"
      "    steps:\n"
      "      - {name: a, duration: &approval {dist: lognormal, median: 20m, p95: 2h}}\n"
      "      - {name: b, needs: [a], duration: *approval}\n");
  near(model_dist_quantile(&sc->workflows[0].steps[1].duration, 0.5), 1200);
  model_scenario_free(sc);
}

static void test_text_hash(void **state) {
  (void)state;
  model_scenario *a = load_text(GRAPH), *b = load_text(GRAPH);
  assert_string_equal(a->text_hash, b->text_hash);
  assert_int_equal(strlen(a->text_hash), 16);
  model_scenario_free(b);
  char *other = malloc(strlen(GRAPH) + 16);
  assert_non_null(other);
  strcpy(other, GRAPH);
  strcat(other, "# changed\n");
  b = load_text(other);
  assert_string_not_equal(a->text_hash, b->text_hash);
  model_scenario_free(a);
  model_scenario_free(b);
  free(other);
  /* FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of
  ** the text, computed here independently of the loader. */
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char *p = GRAPH; *p; p++) {
    h ^= (unsigned char)*p;
    h *= 0x100000001b3ull;
  }
  char want[17];
  snprintf(want, sizeof want, "%016llx", (unsigned long long)h);
  a = load_text(GRAPH);
  assert_string_equal(a->text_hash, want);
  model_scenario_free(a);
}

static void test_summary(void **state) {
  (void)state;
  model_scenario *sc = load_text(GRAPH);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  assert_non_null(out);
  model_scenario_print_summary(sc, out);
  fclose(out);
  assert_non_null(strstr(text, "scenario t: disaster mode, 10000 trials, seed 42"));
  assert_non_null(strstr(text, "regions: eastus (primary), westus2 (standby), westus (standby)"));
  assert_non_null(strstr(text, "environment production: rto 4h"));
  assert_non_null(strstr(text, "standby pool in westus2: 2 of 6 nodes warm"));
  /* the tree: approve at depth 0, scale under it, deploy under scale, check under deploy */
  assert_non_null(strstr(text, "\n    approve "));
  assert_non_null(strstr(text, "\n      scale "));
  assert_non_null(strstr(text, "\n        deploy "));
  assert_non_null(strstr(text, "\n          check "));
  assert_non_null(strstr(text, "after deploy, approve"));
  assert_non_null(strstr(text, "waits for shared-db"));
  assert_non_null(strstr(text, "shared by every environment:"));
  free(text);
  char b[200];
  model_dist dd;
  model_dist_set_lognormal_median_p95(&dd, 1200, 7200, NULL);
  assert_string_equal(model_scenario_describe_dist(&dd, b, sizeof b),
                      "lognormal(median 20m, p95 2h)");
  model_scenario_free(sc);
}

/* Sweeps reload the scenario per point: it must stay cheap. */
static void test_load_time(void **state) {
  (void)state;
  if (access(REFERENCE, R_OK) != 0) {
    skip();
    return;
  }
  size_t len;
  char *text = read_all(REFERENCE, &len);
  int n = getenv("DRSIM_UNDER_VALGRIND") ? 3 : 200;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < n; i++) {
    model_diag *d = model_diag_new();
    model_scenario *sc = NULL;
    assert_int_equal(model_scenario_load_string(text, len, "ref.yaml", NULL, 0, &sc, d), 0);
    model_scenario_free(sc);
    model_diag_free(d);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / n / 1e3;
  print_message("loading the reference scenario (%zu bytes): %.0f us\n", len, us);
  /* Generous: catches an accidental quadratic, not machine noise. */
  if (!getenv("DRSIM_UNDER_VALGRIND")) assert_true(us < 50000);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_scenario_loads_and_round_trips),
    cmocka_unit_test(test_reference_by_name),
    cmocka_unit_test(test_defaults),
    cmocka_unit_test(test_every_distribution),
    cmocka_unit_test(test_references_and_order),
    cmocka_unit_test(test_disaster_and_lifetime),
    cmocka_unit_test(test_redundancy_group),
    cmocka_unit_test(test_anchors_and_aliases),
    cmocka_unit_test(test_component_kind),
    cmocka_unit_test(test_scope_and_names),
    cmocka_unit_test(test_text_hash),
    cmocka_unit_test(test_summary),
    cmocka_unit_test(test_load_time),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
