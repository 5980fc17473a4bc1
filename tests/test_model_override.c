/*
** tests/test_model_override.c — `--set key.path=value` (models/override.c):
** list items addressed by name, created keys, values read as YAML and
** validated like the file, and the errors for paths that lead nowhere, all
** reported at "--set:0:K"; the paths listed for shell completion.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/override.h"
#include "models/scenario.h"

static const char *const TEXT =
    "version: 1\n"
    "name: ovr\n"
    "objectives:\n"
    "  production: {rto: 4h, rpo: 15m}\n"
    "  staging: {rto: 8h}\n"
    "regions:\n"
    "  - {name: eastus, role: primary}\n"
    "  - {name: westus2, role: standby}\n"
    "components:\n"
    "  - name: sql\n"
    "    environment: production\n"
    "    region: eastus\n"
    "    replication: {mode: async, lag: 5s}\n"
    "  - name: api.v2\n"              /* a name with a dot */
    "    region: eastus\n"
    "standby:\n"
    "  - name: aks-prod-dr\n"
    "    region: westus2\n"
    "    environment: production\n"
    "    warm_nodes: 1\n"
    "    required_nodes: 5\n"
    "    provision: {dist: lognormal, median: 6m, p95: 15m}\n"
    "workflows:\n"
    "  - environment: production\n"
    "    steps:\n"
    "      - name: approve-failover\n"
    "        manual: true\n"
    "        duration: {dist: lognormal, median: 20m, p95: 2h}\n"
    "      - name: scale-up\n"
    "        needs: [approve-failover]\n"
    "        standby: aks-prod-dr\n"
    "  - environment: staging\n"
    "    steps:\n"
    "      - {name: rebuild, duration: 1h}\n";

/* Load TEXT with overrides; returns the scenario or NULL (diag kept in *d). */
static model_scenario *load(const char *const *ov, size_t n, model_diag **d) {
  *d = model_diag_new();
  assert_non_null(*d);
  model_scenario *sc = NULL;
  model_scenario_load_string(TEXT, strlen(TEXT), "ovr.yaml", ov, n, &sc, *d);
  return sc;
}

static model_scenario *load_ok(const char *const *ov, size_t n) {
  model_diag *d;
  model_scenario *sc = load(ov, n, &d);
  if (!sc) model_diag_print(d, stderr);
  assert_non_null(sc);
  assert_int_equal(model_diag_count(d), 0);
  model_diag_free(d);
  return sc;
}

/* The load must fail with a diagnostic at --set:0:k containing fragment. */
static void load_fails(const char *const *ov, size_t n, int k, const char *fragment) {
  model_diag *d;
  model_scenario *sc = load(ov, n, &d);
  assert_null(sc);
  int found = 0;
  for (size_t i = 0; i < model_diag_count(d); i++)
    if (strcmp(model_diag_file(d, i), "--set") == 0 && model_diag_line(d, i) == 0 &&
        model_diag_col(d, i) == k && strstr(model_diag_message(d, i), fragment))
      found = 1;
  if (!found) {
    print_error("expected --set:0:%d: ...%s..., got:\n", k, fragment);
    model_diag_print(d, stderr);
  }
  assert_true(found);
  model_diag_free(d);
}

static const model_step *step(const model_scenario *sc, const char *env, const char *name) {
  int w = model_scenario_find_workflow(sc, env);
  assert_true(w >= 0);
  for (size_t s = 0; s < sc->workflows[w].n_steps; s++)
    if (strcmp(sc->workflows[w].steps[s].name, name) == 0) return &sc->workflows[w].steps[s];
  fail_msg("no step %s/%s", env, name);
  return NULL;
}

static void test_no_overrides_same_as_file(void **state) {
  (void)state;
  model_scenario *sc = load_ok(NULL, 0);
  int p = model_scenario_find_standby(sc, "aks-prod-dr");
  assert_int_equal(sc->standby[p].warm_nodes, 1);
  model_scenario_free(sc);
}

static void test_set_by_name(void **state) {
  (void)state;
  const char *ov[] = {
    "standby.aks-prod-dr.warm_nodes=3",
    "workflows.production.steps.approve-failover.duration.median=10m",
    "objectives.production.rto=2h",
    "trials=500",
  };
  model_scenario *sc = load_ok(ov, 4);
  assert_int_equal(sc->standby[model_scenario_find_standby(sc, "aks-prod-dr")].warm_nodes, 3);
  const model_step *s = step(sc, "production", "approve-failover");
  assert_int_equal(s->duration.kind, MODEL_DIST_LOGNORMAL);
  assert_float_equal(model_dist_quantile(&s->duration, 0.5), 600.0, 1e-6);
  assert_float_equal(model_dist_quantile(&s->duration, 0.95), 7200.0, 1e-6);
  assert_float_equal(sc->environments[model_scenario_find_environment(sc, "production")].rto_s,
                     7200.0, 0);
  assert_int_equal(sc->trials, 500);
  model_scenario_free(sc);
}

static void test_replace_whole_values(void **state) {
  (void)state;
  const char *ov[] = {
    /* a bare duration replaces a whole distribution map */
    "workflows.production.steps.approve-failover.duration=45m",
    /* a flow map is read as YAML */
    "workflows.staging.steps.rebuild.duration={dist: exponential, mean: 2h}",
    /* a list replaces a list */
    "workflows.production.steps.scale-up.needs=[]",
  };
  model_scenario *sc = load_ok(ov, 3);
  const model_step *a = step(sc, "production", "approve-failover");
  assert_int_equal(a->duration.kind, MODEL_DIST_CONSTANT);
  assert_float_equal(a->duration.p[0], 2700.0, 0);
  const model_step *r = step(sc, "staging", "rebuild");
  assert_int_equal(r->duration.kind, MODEL_DIST_EXPONENTIAL);
  assert_float_equal(r->duration.p[0], 7200.0, 0);
  assert_int_equal(step(sc, "production", "scale-up")->n_needs_steps, 0);
  model_scenario_free(sc);
}

static void test_create_missing_keys(void **state) {
  (void)state;
  /* capacity_shortage is not in the file: both of its keys are created. */
  const char *ov[] = {
    "standby.aks-prod-dr.capacity_shortage.probability=0.1",
    "standby.aks-prod-dr.capacity_shortage.delay=30m",
    "components.sql.failover.after=1h",
    "seed=7",
  };
  model_scenario *sc = load_ok(ov, 4);
  const model_standby *p = &sc->standby[model_scenario_find_standby(sc, "aks-prod-dr")];
  assert_float_equal(p->shortage_probability, 0.1, 1e-12);
  assert_float_equal(model_dist_mean(&p->shortage_delay), 1800.0, 0);
  const model_component *c = &sc->components[model_scenario_find_component(sc, "sql")];
  assert_int_equal(c->failover.kind, MODEL_FAILOVER_AUTO);
  assert_float_equal(c->failover.after_s, 3600.0, 0);
  assert_int_equal(sc->seed, 7);
  model_scenario_free(sc);
}

static void test_created_keys_are_validated(void **state) {
  (void)state;
  /* Only half of capacity_shortage: the validator reports it at --set:0:1. */
  const char *ov1[] = {"standby.aks-prod-dr.capacity_shortage.probability=0.1"};
  load_fails(ov1, 1, 1, "capacity_shortage needs both 'probability' and 'delay'");
  /* A misspelt created key is an unknown key, with a hint. */
  const char *ov2[] = {"trials=5", "standby.aks-prod-dr.warm_node=2"};
  load_fails(ov2, 2, 2, "unknown key 'warm_node' in standby pool 'aks-prod-dr'; did you mean 'warm_nodes'?");
  /* Bad values are validated like the file's. */
  const char *ov3[] = {"workflows.production.steps.approve-failover.duration.p95=1m"};
  load_fails(ov3, 1, 1, "p95 (1m) must be greater than median (20m)");
  const char *ov4[] = {"standby.aks-prod-dr.warm_nodes=many"};
  load_fails(ov4, 1, 1, "'warm_nodes' must be a whole number");
}

static void test_dotted_names_and_indexes(void **state) {
  (void)state;
  const char *ov[] = {
    "components.api.v2.zone=2",     /* the longest matching name wins */
    "regions.1.name=westus3",       /* by position when no name matches */
    "standby.aks-prod-dr.region=westus3",
  };
  model_scenario *sc = load_ok(ov, 3);
  assert_int_equal(sc->components[model_scenario_find_component(sc, "api.v2")].zone, 2);
  assert_string_equal(sc->regions[1].name, "westus3");
  model_scenario_free(sc);
}

static void test_bad_paths(void **state) {
  (void)state;
  const char *ov1[] = {"standby.aks-prod-drr.warm_nodes=3"};
  load_fails(ov1, 1, 1, "'standby' has no item named 'aks-prod-drr'; did you mean 'aks-prod-dr'?");
  const char *ov2[] = {"trials=1", "workflows.prod.steps.x.duration=1m"};
  load_fails(ov2, 2, 2, "'workflows' has no item named 'prod'; did you mean 'production'?");
  const char *ov3[] = {"workflows.production.steps.nothing-like-it.duration=1m"};
  load_fails(ov3, 1, 1, "the items are 'approve-failover', 'scale-up'");
  const char *ov4[] = {"regions.eastus.role.x=3"};
  load_fails(ov4, 1, 1, "'regions.eastus.role' is a single value, so it has no 'x'");
  /* A created map where a value belongs is caught by the validator. */
  const char *ov4b[] = {"trials.max=3"};
  load_fails(ov4b, 1, 1, "'trials' must be a single value, not a map");
  const char *ov5[] = {"trials"};
  load_fails(ov5, 1, 1, "has no '='");
  const char *ov6[] = {"standby..warm_nodes=1"};
  load_fails(ov6, 1, 1, "empty part");
  const char *ov7[] = {"=1"};
  load_fails(ov7, 1, 1, "empty part");
  const char *ov8[] = {"workflows.production.steps.scale-up.needs=[a, b"};
  load_fails(ov8, 1, 1, "YAML syntax error");
  const char *ov9[] = {"regions.7.role=standby"};
  load_fails(ov9, 1, 1, "has no item named '7'");
}

/* A failed override does not hide the file's own errors, nor later ones. */
static void test_errors_collected(void **state) {
  (void)state;
  const char *ov[] = {"standby.nope.warm_nodes=3", "trials=0"};
  model_diag *d;
  assert_null(load(ov, 2, &d));
  assert_int_equal(model_diag_count(d), 2);
  assert_int_equal(model_diag_col(d, 0), 1);
  assert_int_equal(model_diag_col(d, 1), 2);
  model_diag_free(d);
}

static void test_later_override_wins_and_hash(void **state) {
  (void)state;
  const char *ov[] = {"trials=100", "trials=200"};
  model_scenario *sc = load_ok(ov, 2);
  assert_int_equal(sc->trials, 200);
  model_scenario *plain = load_ok(NULL, 0);
  assert_int_equal(strlen(sc->text_hash), 16);
  assert_string_not_equal(sc->text_hash, plain->text_hash);
  const char *ov2[] = {"trials=200", "trials=100"};
  model_scenario *swapped = load_ok(ov2, 2);
  assert_string_not_equal(sc->text_hash, swapped->text_hash);
  model_scenario_free(sc);
  model_scenario_free(plain);
  model_scenario_free(swapped);
}

/* The module on its own, on a bare tree. */
static void test_apply_on_tree(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = NULL;
  const char *t = "a: {b: [ {name: x, v: 1}, {environment: y, v: 2} ]}\n";
  assert_int_equal(model_yaml_parse(t, strlen(t), "t.yaml", &doc, d), 0);
  assert_int_equal(model_override_apply_one(doc, "a.b.y.v=5", 3, d), 0);
  assert_int_equal(model_override_apply_one(doc, "a.c.d=6", 4, d), 0);
  const model_yaml_node *root = model_yaml_root(doc);
  const model_yaml_node *b = model_yaml_get(model_yaml_get(root, "a"), "b");
  const model_yaml_node *v = model_yaml_get(b->items[1], "v");
  assert_string_equal(v->str, "5");
  assert_int_equal(v->src, 3);
  const model_yaml_node *dd = model_yaml_get(model_yaml_get(model_yaml_get(root, "a"), "c"), "d");
  assert_non_null(dd);
  assert_string_equal(dd->str, "6");
  const char *file;
  int line, col;
  model_yaml_where(dd, "t.yaml", &file, &line, &col);
  assert_string_equal(file, "--set");
  assert_int_equal(line, 0);
  assert_int_equal(col, 4);
  assert_int_equal(model_override_apply_one(doc, "a.b.z.v=1", 5, d), -1);
  assert_int_equal(model_diag_count(d), 1);
  model_yaml_free(doc);
  model_diag_free(d);
}

/* model_override_paths: every path listed resolves as an override. */
typedef struct paths_seen {
  char *text;          /* "path|leaf\n" for every path */
  size_t len;
  FILE *fp;
  int calls, stop_at;
} paths_seen;

static int collect_path(void *ctx, const char *path, int is_leaf) {
  paths_seen *p = ctx;
  p->calls++;
  fprintf(p->fp, "%s|%d\n", path, is_leaf);
  return p->stop_at && p->calls == p->stop_at ? 7 : 0;
}

static void test_paths(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = NULL;
  assert_int_equal(model_yaml_parse(TEXT, strlen(TEXT), "t.yaml", &doc, d), 0);
  paths_seen seen = {0};
  seen.fp = open_memstream(&seen.text, &seen.len);
  assert_int_equal(model_override_paths(model_yaml_root(doc), collect_path, &seen), 0);
  fclose(seen.fp);
  const char *want[] = {"\nobjectives|0\n", "\nobjectives.production.rto|1\n",
                        "\nregions.westus2.role|1\n", "\ncomponents.api.v2|0\n",
                        "\ncomponents.api.v2.region|1\n", "\ncomponents.sql.replication.lag|1\n",
                        "\nstandby.aks-prod-dr.provision.median|1\n",
                        "\nworkflows.production.steps.scale-up.needs.0|1\n",
                        "\nworkflows.staging.steps.rebuild.duration|1\n"};
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    if (!strstr(seen.text, want[i])) fail_msg("missing %s", want[i] + 1);
  assert_int_equal(strncmp(seen.text, "version|1\nname|1\nobjectives|0\n", 29), 0);
  /* Parents come before children, and every path resolves as an override. */
  int k = 0;
  for (char *line = strtok(seen.text, "\n"); line; line = strtok(NULL, "\n")) {
    char *bar = strrchr(line, '|');
    *bar = '\0';
    char ov[512];
    snprintf(ov, sizeof ov, "%s=%s", line, bar[1] == '1' ? "1" : "{}");
    model_yaml_doc *fresh = NULL;
    assert_int_equal(model_yaml_parse(TEXT, strlen(TEXT), "t.yaml", &fresh, d), 0);
    if (model_override_apply_one(fresh, ov, 1, d) != 0) fail_msg("%s does not resolve", ov);
    model_yaml_free(fresh);
    k++;
  }
  assert_int_equal(k, seen.calls);
  free(seen.text);
  /* A nonzero return stops the walk and is returned. */
  paths_seen stop = {0};
  stop.fp = open_memstream(&stop.text, &stop.len);
  stop.stop_at = 3;
  assert_int_equal(model_override_paths(model_yaml_root(doc), collect_path, &stop), 7);
  fclose(stop.fp);
  assert_int_equal(stop.calls, 3);
  free(stop.text);
  assert_int_equal(model_override_paths(NULL, collect_path, &stop), 0);
  model_yaml_free(doc);
  model_diag_free(d);
}

/* model_override_find: the node an override would replace, by the same
** rules, without changing the tree; NULL where an override would create. */
static void test_find(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = NULL;
  const char *t = "a: {b: [ {name: x, v: 1}, {environment: y, v: 2}, {name: x.z, v: 3} ]}\n"
                  "s: {dist: lognormal, median: 5m}\n";
  assert_int_equal(model_yaml_parse(t, strlen(t), "t.yaml", &doc, d), 0);
  const model_yaml_node *n = model_override_find(doc, "a.b.y.v");
  assert_non_null(n);
  assert_string_equal(n->str, "2");
  n = model_override_find(doc, "a.b.x.z.v");   /* the longest name wins */
  assert_non_null(n);
  assert_string_equal(n->str, "3");
  n = model_override_find(doc, "a.b.0.v");     /* by position */
  assert_non_null(n);
  assert_string_equal(n->str, "1");
  n = model_override_find(doc, "s.median");
  assert_non_null(n);
  assert_string_equal(n->str, "5m");
  n = model_override_find(doc, "s");
  assert_non_null(n);
  assert_int_equal(n->kind, MODEL_YAML_MAPPING);
  assert_null(model_override_find(doc, "s.p95"));        /* would be created */
  assert_null(model_override_find(doc, "a.b.w.v"));      /* no such item */
  assert_null(model_override_find(doc, "s.median.x"));   /* below a scalar */
  assert_null(model_override_find(doc, "a..b"));
  assert_null(model_override_find(doc, ""));
  /* the tree is unchanged */
  assert_null(model_yaml_get(model_yaml_get(model_yaml_root(doc), "s"), "p95"));
  model_yaml_free(doc);
  model_diag_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_no_overrides_same_as_file),
    cmocka_unit_test(test_set_by_name),
    cmocka_unit_test(test_replace_whole_values),
    cmocka_unit_test(test_create_missing_keys),
    cmocka_unit_test(test_created_keys_are_validated),
    cmocka_unit_test(test_dotted_names_and_indexes),
    cmocka_unit_test(test_bad_paths),
    cmocka_unit_test(test_errors_collected),
    cmocka_unit_test(test_later_override_wins_and_hash),
    cmocka_unit_test(test_apply_on_tree),
    cmocka_unit_test(test_paths),
    cmocka_unit_test(test_find),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
