/*
** tests/test_cli_serve_params.c — the controls of `drsim serve`
** (cli/serve_params.c): which leaves of the reference scenario are listed,
** with values, ranges and groups; every listed path is a valid `--set`
** path; and the check of a request's overrides (unknown paths with a
** suggestion, values that are not plain scalars).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common.h"
#include "cli/serve_params.h"

#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"

typedef struct fix {
  char *text;
  model_scenario *sc;
  cli_serve_params *p;
} fix;

static int setup(void **state) {
  fix *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->text = cli_read_text(REFERENCE);
  assert_non_null(f->text);
  model_diag *d = model_diag_new();
  assert_int_equal(model_scenario_load_string(f->text, strlen(f->text), REFERENCE, NULL, 0, &f->sc, d), 0);
  model_diag_free(d);
  f->p = cli_serve_params_new(f->text, f->sc);
  assert_non_null(f->p);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fix *f = *state;
  cli_serve_params_free(f->p);
  model_scenario_free(f->sc);
  free(f->text);
  free(f);
  return 0;
}

static const cli_serve_param *get(const fix *f, const char *path) {
  int i = cli_serve_params_find(f->p, path);
  if (i < 0) fprintf(stderr, "missing %s\n", path);
  assert_true(i >= 0);
  return cli_serve_params_get(f->p, (size_t)i);
}

static void test_listed_leaves(void **state) {
  fix *f = *state;
  const cli_serve_param *w = get(f, "standby.aks-prod-dr.warm_nodes");
  assert_int_equal(w->kind, CLI_SERVE_PARAM_COUNT);
  assert_string_equal(w->text, "1");
  assert_true(w->value == 1 && w->min == 0 && w->max == 5);
  assert_string_equal(w->group, "production");
  assert_string_equal(w->owner, "pool aks-prod-dr");
  assert_string_equal(w->label, "warm_nodes");

  const cli_serve_param *o = get(f, "workflows.production.steps.approve-failover.off_hours.median");
  assert_int_equal(o->kind, CLI_SERVE_PARAM_DURATION);
  assert_string_equal(o->text, "30m");
  assert_true(o->value == 1800 && o->min == 450 && o->max == 7200);
  assert_string_equal(o->owner, "step approve-failover");
  assert_string_equal(o->label, "off_hours.median");
  assert_int_equal(o->used, 1);
  /* with the on-call block the manual step's plain duration is ignored */
  assert_int_equal(get(f, "workflows.production.steps.approve-failover.duration.median")->used, 0);

  const cli_serve_param *s = get(f, "components.pv-snapshots-prod.replication.interval");
  assert_string_equal(s->text, "24h");
  assert_string_equal(s->group, "production");
  assert_string_equal(s->owner, "component pv-snapshots-prod");
  assert_string_equal(get(f, "components.acr.replication.lag.p95")->group, "shared");
  assert_int_equal(get(f, "workflows.production.steps.terraform-apply.failure_probability")->kind,
                   CLI_SERVE_PARAM_PROBABILITY);
  assert_int_equal(get(f, "workflows.production.steps.terraform-apply.retry.max")->kind,
                   CLI_SERVE_PARAM_COUNT);
  assert_string_equal(get(f, "objectives.production.rto")->text, "4h");
  assert_string_equal(get(f, "workflows.production.detection.median")->owner, "workflow");
  /* a default that is not written has no control: there is nothing to move */
  assert_int_equal(cli_serve_params_find(f->p, "standby.aks-staging-dr.service_nodes"), -1);
}

/* Every control, set to its own text, is a valid --set override. */
static void test_every_path_is_a_set_path(void **state) {
  fix *f = *state;
  size_t n = cli_serve_params_count(f->p);
  assert_true(n > 100);
  for (size_t i = 0; i < n; i++) {
    const cli_serve_param *it = cli_serve_params_get(f->p, i);
    assert_true(it->min <= it->value && it->value <= it->max);
    char ov[1200];
    snprintf(ov, sizeof ov, "%s=%s", it->path, it->text);
    const char *list[] = {ov};
    model_diag *d = model_diag_new();
    model_scenario *sc = NULL;
    int rc = model_scenario_load_string(f->text, strlen(f->text), REFERENCE, list, 1, &sc, d);
    if (rc) model_diag_print(d, stderr);
    assert_int_equal(rc, 0);
    model_scenario_free(sc);
    model_diag_free(d);
    char err[300];
    assert_int_equal(cli_serve_params_check(f->p, it->path, it->text, err, sizeof err), 0);
  }
}

static void test_check(void **state) {
  fix *f = *state;
  char err[600];
  assert_int_equal(cli_serve_params_check(f->p, "standby.aks-prod-dr.warm_nodez", "3", err, sizeof err), -1);
  assert_non_null(strstr(err, "did you mean 'standby.aks-prod-dr.warm_nodes'"));
  assert_int_equal(cli_serve_params_check(f->p, "version", "1", err, sizeof err), -1);
  assert_non_null(strstr(err, "unknown parameter 'version'"));
  const char *p = "components.pv-snapshots-prod.replication.interval";
  assert_int_equal(cli_serve_params_check(f->p, p, "1h30m", err, sizeof err), 0);
  assert_int_equal(cli_serve_params_check(f->p, p, "99.9%", err, sizeof err), 0);
  assert_int_equal(cli_serve_params_check(f->p, p, "{dist: empirical, file: x.csv}", err, sizeof err), -1);
  assert_non_null(strstr(err, "not a plain number or duration"));
  assert_int_equal(cli_serve_params_check(f->p, p, "*anchor", err, sizeof err), -1);
  assert_int_equal(cli_serve_params_check(f->p, p, "1h\n", err, sizeof err), -1);
  assert_int_equal(cli_serve_params_check(f->p, p, "", err, sizeof err), -1);
  char longv[CLI_SERVE_MAX_VALUE + 2];
  memset(longv, '1', sizeof longv - 1);
  longv[sizeof longv - 1] = '\0';
  assert_int_equal(cli_serve_params_check(f->p, p, longv, err, sizeof err), -1);
}

static void test_json(void **state) {
  fix *f = *state;
  json_t *a = cli_serve_params_json(f->p);
  assert_non_null(a);
  assert_int_equal(json_array_size(a), cli_serve_params_count(f->p));
  int i = cli_serve_params_find(f->p, "standby.aks-prod-dr.warm_nodes");
  json_t *o = json_array_get(a, (size_t)i);
  assert_string_equal(json_string_value(json_object_get(o, "kind")), "count");
  assert_string_equal(json_string_value(json_object_get(o, "text")), "1");
  assert_true(json_real_value(json_object_get(o, "max")) == 5);
  assert_true(json_is_true(json_object_get(o, "used")));
  json_decref(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_listed_leaves, setup, teardown),
    cmocka_unit_test_setup_teardown(test_every_path_is_a_set_path, setup, teardown),
    cmocka_unit_test_setup_teardown(test_check, setup, teardown),
    cmocka_unit_test_setup_teardown(test_json, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
