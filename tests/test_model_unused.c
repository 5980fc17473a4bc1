/*
** tests/test_model_unused.c — warnings for overrides of values the model
** does not use (models/unused.c): each case of models/unused.h warns, at
** "--set:0:K", naming what is used instead; overrides of used values, and
** values written in the file itself, do not warn; a warning never fails the
** load.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario.h"

/* A disaster-mode scenario with an on-call block, a manual step with
** business/off hours, a step that cannot fail, a pool scaled up by a step
** and one that no step uses, and lifetime-only keys in the file. */
static const char *const TEXT =
    "version: 1\n"
    "name: unused\n"
    "horizon: 1y\n"
    "objectives:\n"
    "  production: {rto: 4h, rpo: 15m, availability: 99.9%}\n"
    "regions:\n"
    "  - {name: eastus, role: primary}\n"
    "  - {name: westus2, role: standby}\n"
    "components:\n"
    "  - name: sql\n"
    "    environment: production\n"
    "    region: eastus\n"
    "    failure: {dist: exponential, mean: 720h}\n"
    "    repair: 2h\n"
    "    replication: {mode: async, lag: 5s}\n"
    "disaster: {rate: 1/10y}\n"
    "oncall: {business_hours: \"08:00-18:00\"}\n"
    "standby:\n"
    "  - {name: pool, region: westus2, environment: production, warm_nodes: 1,\n"
    "     required_nodes: 3, provision: 5m}\n"
    "  - {name: spare, region: westus2, warm_nodes: 0, required_nodes: 2, provision: 5m}\n"
    "workflows:\n"
    "  - environment: production\n"
    "    steps:\n"
    "      - name: approve\n"
    "        manual: true\n"
    "        duration: 20m\n"
    "        business_hours: 10m\n"
    "        off_hours: 30m\n"
    "      - {name: scale, needs: [approve], standby: pool}\n"
    "      - {name: deploy, needs: [scale], duration: 10m, retry: {max: 1, delay: 5m}}\n";

/* Load TEXT with one override; returns the number of warnings and copies the
** printed warnings into out (size n). The load must succeed. */
static size_t warnings(const char *override, char *out, size_t n) {
  model_diag *d = model_diag_new();
  assert_non_null(d);
  model_scenario *sc = NULL;
  const char *ov[] = {override};
  int rc = model_scenario_load_string(TEXT, strlen(TEXT), "u.yaml", ov, override ? 1 : 0, &sc, d);
  if (rc != 0) model_diag_print(d, stderr);
  assert_int_equal(rc, 0);
  assert_non_null(sc);
  assert_int_equal(model_diag_count(d), 0);
  size_t w = model_diag_warning_count(d);
  FILE *f = fmemopen(out, n, "w");
  assert_non_null(f);
  model_diag_print_warnings(d, f);
  fclose(f);
  out[n - 1] = '\0';
  model_scenario_free(sc);
  model_diag_free(d);
  return w;
}

static void expect(const char *override, const char *fragment) {
  char text[2048] = "";
  size_t w = warnings(override, text, sizeof text);
  if (w != 1 || !strstr(text, fragment))
    fail_msg("--set %s: want one warning with '%s', got %zu:\n%s", override, fragment, w, text);
  assert_non_null(strstr(text, "--set:0:1: warning: "));
}

static void expect_none(const char *override) {
  char text[2048] = "";
  size_t w = warnings(override, text, sizeof text);
  if (w != 0) fail_msg("--set %s: want no warning, got %zu:\n%s", override, w, text);
}

static void test_file_values_do_not_warn(void **state) {
  (void)state;
  expect_none(NULL);   /* lifetime-only keys and an unused duration in the file */
}

static void test_used_values_do_not_warn(void **state) {
  (void)state;
  expect_none("workflows.production.steps.approve.off_hours=1h");
  expect_none("workflows.production.steps.deploy.duration=15m");
  expect_none("standby.pool.provision=10m");
  expect_none("components.sql.replication.lag=1m");
  expect_none("objectives.production.rto=2h");
  expect_none("oncall.workdays=6");
}

static void test_manual_step_duration_with_oncall(void **state) {
  (void)state;
  expect("workflows.production.steps.approve.duration=5m",
         "'workflows.production.steps.approve.duration' is not used: with the oncall block "
         "this manual step draws from business_hours (10m)");
  /* a part of it, too */
  expect("workflows.production.steps.approve.duration={dist: exponential, mean: 5m}",
         "off_hours (30m)");
}

static void test_hours_without_oncall(void **state) {
  (void)state;
  /* TEXT without its oncall line */
  const char *cut = strstr(TEXT, "oncall:");
  assert_non_null(cut);
  const char *after = strchr(cut, '\n') + 1;
  size_t head = (size_t)(cut - TEXT);
  char *text = malloc(strlen(TEXT) + 1);
  assert_non_null(text);
  memcpy(text, TEXT, head);
  strcpy(text + head, after);
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  const char *ov[] = {"workflows.production.steps.approve.duration=25m",
                      "workflows.production.steps.approve.off_hours=1h"};
  assert_int_equal(model_scenario_load_string(text, strlen(text), "u.yaml", ov, 2, &sc, d), 0);
  assert_int_equal(model_diag_warning_count(d), 1);
  char out[1024] = "";
  FILE *f = fmemopen(out, sizeof out, "w");
  model_diag_print_warnings(d, f);
  fclose(f);
  assert_non_null(strstr(out, "--set:0:2: warning: 'workflows.production.steps.approve.off_hours' "
                              "is not used: the scenario has no oncall block, so the step "
                              "draws from its duration (25m)"));
  model_scenario_free(sc);
  model_diag_free(d);
  free(text);
}

static void test_lifetime_only_in_disaster_mode(void **state) {
  (void)state;
  expect("components.sql.failure=100h", "'components.sql.failure' is used only in lifetime mode");
  expect("components.sql.repair=1h", "'components.sql.repair' is used only in lifetime mode");
  expect("disaster.rate=1/1y", "'disaster.rate' is used only in lifetime mode");
  expect("horizon=2y", "'horizon' is used only in lifetime mode");
  expect("objectives.production.availability=99%",
         "'objectives.production.availability' is used only in lifetime mode");
  expect("lifetime.failback=true", "'lifetime' is used only in lifetime mode");
}

static void test_lifetime_mode(void **state) {
  (void)state;
  /* In lifetime mode the same keys are used: no warning... */
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  const char *ov[] = {"mode=lifetime", "components.sql.failure=100h", "disaster.rate=1/1y",
                      "lifetime.failback_duration=1h"};
  assert_int_equal(model_scenario_load_string(TEXT, strlen(TEXT), "u.yaml", ov, 4, &sc, d), 0);
  /* ...except a failback duration without failback. */
  assert_int_equal(model_diag_warning_count(d), 1);
  char text[1024] = "";
  FILE *f = fmemopen(text, sizeof text, "w");
  model_diag_print_warnings(d, f);
  fclose(f);
  assert_non_null(strstr(text, "--set:0:4: warning: 'lifetime.failback_duration' is not used: "
                               "lifetime.failback is false"));
  model_scenario_free(sc);
  model_diag_free(d);
}

static void test_retry_of_a_step_that_cannot_fail(void **state) {
  (void)state;
  expect("workflows.production.steps.deploy.retry.delay=10m",
         "'workflows.production.steps.deploy.retry' is not used: step 'deploy' never fails");
  expect_none("workflows.production.steps.deploy.timeout=1h");
}

static void test_pools(void **state) {
  (void)state;
  expect("standby.spare.provision=1m", "'standby.spare.provision' is not used: no workflow step "
                                       "scales up pool 'spare'");
  expect("standby.spare.max_parallel=4", "'standby.spare.max_parallel' is not used");
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  const char *ov[] = {"standby.pool.warm_nodes=3", "standby.pool.provision=1m"};
  assert_int_equal(model_scenario_load_string(TEXT, strlen(TEXT), "u.yaml", ov, 2, &sc, d), 0);
  assert_int_equal(model_diag_warning_count(d), 1);
  char text[1024] = "";
  FILE *f = fmemopen(text, sizeof text, "w");
  model_diag_print_warnings(d, f);
  fclose(f);
  assert_non_null(strstr(text, "--set:0:2: warning: 'standby.pool.provision' is not used: all 3 "
                               "nodes of pool 'pool' are warm"));
  model_scenario_free(sc);
  model_diag_free(d);
}

static void test_oncall_without_hours(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  const char *ov[] = {"workflows.production.steps.approve={name: approve, manual: true, duration: 20m}",
                      "oncall.workdays=6"};
  assert_int_equal(model_scenario_load_string(TEXT, strlen(TEXT), "u.yaml", ov, 2, &sc, d), 0);
  assert_int_equal(model_diag_warning_count(d), 1);
  char text[1024] = "";
  FILE *f = fmemopen(text, sizeof text, "w");
  model_diag_print_warnings(d, f);
  fclose(f);
  assert_non_null(strstr(text, "--set:0:2: warning: 'oncall' is not used: no manual step has "
                               "business_hours and off_hours"));
  model_scenario_free(sc);
  model_diag_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_file_values_do_not_warn),
    cmocka_unit_test(test_used_values_do_not_warn),
    cmocka_unit_test(test_manual_step_duration_with_oncall),
    cmocka_unit_test(test_hours_without_oncall),
    cmocka_unit_test(test_lifetime_only_in_disaster_mode),
    cmocka_unit_test(test_lifetime_mode),
    cmocka_unit_test(test_retry_of_a_step_that_cannot_fail),
    cmocka_unit_test(test_pools),
    cmocka_unit_test(test_oncall_without_hours),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
