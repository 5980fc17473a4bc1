/*
** tests/test_model_params.c — models/params.c: every duration parameter of a
** scenario is listed with a --set path that addresses it, with the right
** kind and `used` flag; scaling in place and loading the override that
** model_params_override writes give the same scenario, and change nothing
** but that one parameter.
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

#include "models/params.h"
#include "models/scenario.h"

#define KINDS DRSIM_SOURCE_DIR "/tests/data/params-kinds.yaml"
#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"
#define LIFETIME DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west-lifetime.yaml"

static model_scenario *load(const char *path, const char *override) {
  model_diag *d = model_diag_new();
  assert_non_null(d);
  model_scenario *sc = NULL;
  const char *ov[1] = {override};
  int rc = model_scenario_load_file(path, override ? ov : NULL, override ? 1 : 0, &sc, d);
  if (rc != 0) model_diag_print(d, stderr);
  model_diag_free(d);
  assert_int_equal(rc, 0);
  return sc;
}

/* Same value, bit for bit: the override writes 17 significant digits, which
** read back to the same double. */
static int same_param(const model_param *a, const model_param *b) {
  if (a->kind != b->kind) return 0;
  if (a->kind == MODEL_PARAM_DURATION) return *a->seconds == *b->seconds;
  const model_dist *x = a->dist, *y = b->dist;
  if (x->kind != y->kind || x->n_samples != y->n_samples) return 0;
  for (int i = 0; i < 4; i++)
    if (!(x->p[i] == y->p[i] || (isnan(x->p[i]) && isnan(y->p[i])))) return 0;
  for (size_t i = 0; i < x->n_samples; i++)
    if (x->samples[i] != y->samples[i]) return 0;
  return 1;
}

typedef struct expect {
  const char *path;
  model_param_kind kind;
  int used;
} expect;

static void test_kinds_listed(void **state) {
  (void)state;
  static const expect want[] = {
    {"components.sql.replication.lag", MODEL_PARAM_DIST, 1},
    {"components.sql.failover.after", MODEL_PARAM_DURATION, 1},
    {"components.sql.failover.duration", MODEL_PARAM_DIST, 1},
    {"components.backups.v2.replication.interval", MODEL_PARAM_DURATION, 1},
    {"components.backups.v2.replication.copy", MODEL_PARAM_DIST, 1},
    {"components.backups.v2.replication.retention", MODEL_PARAM_DURATION, 1},
    /* dns: after 0s is not scalable, so only its duration */
    {"components.dns.failover.duration", MODEL_PARAM_DIST, 1},
    {"disaster.duration", MODEL_PARAM_DIST, 1},
    {"standby.pool-a.provision", MODEL_PARAM_DIST, 1},
    {"standby.pool-a.capacity_shortage.delay", MODEL_PARAM_DIST, 1},
    {"standby.unused-pool.provision", MODEL_PARAM_DIST, 0},
    {"workflows.production.detection", MODEL_PARAM_DIST, 1},
    {"workflows.production.steps.approve.duration", MODEL_PARAM_DIST, 1},
    /* scale: a standby step has no duration of its own */
    {"workflows.production.steps.restore.duration", MODEL_PARAM_DIST, 1},
    {"workflows.production.steps.restore.retry.delay", MODEL_PARAM_DURATION, 1},
    {"workflows.production.steps.restore.timeout", MODEL_PARAM_DURATION, 1},
    {"workflows.production.steps.check.duration", MODEL_PARAM_DIST, 1},
    {"workflows.production.steps.check.retry.delay", MODEL_PARAM_DURATION, 0},
    /* staging: detection 0 and the 0s step are not listed */
    {"workflows.staging.steps.rebuild.duration", MODEL_PARAM_DIST, 1},
  };
  model_scenario *sc = load(KINDS, NULL);
  model_params *p = model_params_new(sc);
  assert_non_null(p);
  size_t n = sizeof want / sizeof *want;
  for (size_t i = 0; i < model_params_count(p) && i < n; i++) {
    const model_param *it = model_params_get(p, i);
    if (strcmp(it->path, want[i].path) != 0) fail_msg("param %zu: %s, want %s", i, it->path, want[i].path);
    assert_int_equal(it->kind, want[i].kind);
    if (it->used != want[i].used) fail_msg("%s: used %d, want %d", it->path, it->used, want[i].used);
    assert_true(it->loc.line > 0 || strcmp(it->path, "disaster.duration") == 0);
  }
  assert_int_equal(model_params_count(p), n);
  assert_null(model_params_get(p, n));
  /* pointers go into the scenario */
  int i = model_params_find(p, "components.sql.failover.after");
  assert_true(i >= 0);
  assert_ptr_equal(model_params_get(p, (size_t)i)->seconds, &sc->components[0].failover.after_s);
  assert_true(*model_params_get(p, (size_t)i)->seconds == 3600.0);
  assert_int_equal(model_params_find(p, "workflows.production.steps.scale.duration"), -1);
  assert_int_equal(model_params_find(p, "nope"), -1);
  model_params_free(p);
  model_scenario_free(sc);
  model_params_free(NULL);
}

/* For every parameter: scale it in place in one copy, load another copy with
** the override, and require every parameter of the two to be identical (so
** the override addresses exactly that parameter and writes exactly the
** scaled value), and the scaled one to differ from the original. */
static void round_trip(const char *path, double factor) {
  model_scenario *orig = load(path, NULL);
  model_params *po = model_params_new(orig);
  assert_non_null(po);
  size_t n = model_params_count(po);
  assert_true(n > 0);
  for (size_t i = 0; i < n; i++) {
    char *ov = model_params_override(po, i, factor);
    assert_non_null(ov);
    assert_non_null(strchr(ov, '='));
    assert_null(strchr(ov, '\n'));   /* the store refuses overrides with newlines */
    model_scenario *a = load(path, NULL), *b = load(path, ov);
    model_params *pa = model_params_new(a), *pb = model_params_new(b);
    assert_non_null(pa);
    assert_non_null(pb);
    assert_int_equal(model_params_count(pa), n);
    assert_int_equal(model_params_count(pb), n);
    model_params_scale(pa, i, factor);
    for (size_t j = 0; j < n; j++) {
      const model_param *x = model_params_get(pa, j), *y = model_params_get(pb, j);
      assert_string_equal(x->path, y->path);
      assert_int_equal(x->used, y->used);
      if (!same_param(x, y)) fail_msg("override '%s': %s differs from the scaled value", ov, x->path);
      if (j == i && same_param(x, model_params_get(po, j)))
        fail_msg("override '%s' did not change %s", ov, x->path);
      if (j != i && !same_param(x, model_params_get(po, j)))
        fail_msg("override of %s changed %s", model_params_get(po, i)->path, x->path);
    }
    model_params_free(pa);
    model_params_free(pb);
    model_scenario_free(a);
    model_scenario_free(b);
    free(ov);
  }
  model_params_free(po);
  model_scenario_free(orig);
}

static void test_round_trip_kinds(void **state) {
  (void)state;
  round_trip(KINDS, 2.0);
  round_trip(KINDS, 0.5);
  round_trip(KINDS, 1.0 / 3.0);   /* no short decimal: needs all 17 digits */
}

static void test_round_trip_reference(void **state) {
  (void)state;
  round_trip(REFERENCE, 0.5);
  round_trip(LIFETIME, 2.0);
}

static void test_reference_flags(void **state) {
  (void)state;
  model_scenario *sc = load(REFERENCE, NULL);
  model_params *p = model_params_new(sc);
  assert_non_null(p);
  /* The oncall block is present: manual steps draw from business/off hours,
  ** their `duration` is listed but unused. */
  int i = model_params_find(p, "workflows.production.steps.approve-failover.duration");
  assert_true(i >= 0);
  assert_int_equal(model_params_get(p, (size_t)i)->used, 0);
  i = model_params_find(p, "workflows.production.steps.approve-failover.off_hours");
  assert_true(i >= 0);
  assert_int_equal(model_params_get(p, (size_t)i)->used, 1);
  i = model_params_find(p, "components.sql-prod.failover.after");
  assert_true(i >= 0);
  assert_true(*model_params_get(p, (size_t)i)->seconds == 3600.0);
  assert_true(model_params_find(p, "standby.aks-prod-dr.provision") >= 0);
  assert_true(model_params_find(p, "standby.aks-prod-dr.capacity_shortage.delay") >= 0);
  assert_true(model_params_find(p, "workflows.staging.detection") >= 0);
  /* disaster mode without failure/repair blocks, no disaster duration */
  assert_int_equal(model_params_find(p, "disaster.duration"), -1);
  /* no duplicates */
  for (size_t a = 0; a < model_params_count(p); a++)
    for (size_t b = a + 1; b < model_params_count(p); b++)
      assert_string_not_equal(model_params_get(p, a)->path, model_params_get(p, b)->path);
  model_params_free(p);
  model_scenario_free(sc);
}

static void test_lifetime_flags(void **state) {
  (void)state;
  model_scenario *sc = load(LIFETIME, NULL);
  model_params *p = model_params_new(sc);
  assert_non_null(p);
  size_t failures = 0;
  for (size_t i = 0; i < model_params_count(p); i++) {
    const model_param *it = model_params_get(p, i);
    size_t len = strlen(it->path);
    if (len > 8 && strcmp(it->path + len - 8, ".failure") == 0) {
      failures++;
      assert_int_equal(it->used, 1);   /* lifetime mode uses failure/repair */
    }
  }
  assert_true(failures > 0);
  model_params_free(p);
  /* The same blocks in disaster mode are ignored by the model. */
  sc->mode = MODEL_MODE_DISASTER;
  p = model_params_new(sc);
  assert_non_null(p);
  for (size_t i = 0; i < model_params_count(p); i++) {
    const model_param *it = model_params_get(p, i);
    size_t len = strlen(it->path);
    if (len > 8 && strcmp(it->path + len - 8, ".failure") == 0) assert_int_equal(it->used, 0);
  }
  model_params_free(p);
  model_scenario_free(sc);
}

static void test_describe(void **state) {
  (void)state;
  model_scenario *sc = load(KINDS, NULL);
  model_params *p = model_params_new(sc);
  assert_non_null(p);
  char buf[128];
  int i = model_params_find(p, "components.sql.failover.after");
  assert_string_equal(model_params_describe(p, (size_t)i, buf, sizeof buf), "1h");
  i = model_params_find(p, "workflows.production.steps.restore.duration");
  assert_string_equal(model_params_describe(p, (size_t)i, buf, sizeof buf), "exponential(mean 30m)");
  /* scaling a lognormal keeps its shape: the p95/median ratio */
  i = model_params_find(p, "workflows.production.steps.approve.duration");
  model_dist before = *model_params_get(p, (size_t)i)->dist;
  model_params_scale(p, (size_t)i, 2.0);
  const model_dist *after = model_params_get(p, (size_t)i)->dist;
  assert_true(fabs(model_dist_quantile(after, 0.5) - 2 * model_dist_quantile(&before, 0.5)) < 1e-9);
  assert_true(fabs(model_dist_quantile(after, 0.95) - 2 * model_dist_quantile(&before, 0.95)) < 1e-9);
  model_params_free(p);
  model_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_kinds_listed),
    cmocka_unit_test(test_round_trip_kinds),
    cmocka_unit_test(test_round_trip_reference),
    cmocka_unit_test(test_reference_flags),
    cmocka_unit_test(test_lifetime_flags),
    cmocka_unit_test(test_describe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
