/*
** tests/test_model_outcome.c — models/outcome.c: the per-trial record's
** layout (every array inside the record, 8-byte aligned, no overlaps, size a
** multiple of 8), model_outcome_clear's "nothing happened yet" values, and
** that the lifetime fields were appended after the original ones.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/outcome.h"

/* A scenario with only the counts the layout reads. */
static model_scenario counts(size_t env, size_t steps, size_t comps, size_t standby) {
  model_scenario sc;
  memset(&sc, 0, sizeof sc);
  sc.n_environments = env;
  sc.n_steps_total = steps;
  sc.n_components = comps;
  sc.n_standby = standby;
  return sc;
}

typedef struct span {
  uintptr_t lo, hi;
} span;

static span span_of(const void *p, size_t n, size_t size) {
  span s = {(uintptr_t)p, (uintptr_t)p + n * size};
  return s;
}

/* Checks that an array of n items of `size` bytes at p lies in the record,
** is 8-aligned, and returns its span (empty arrays must be NULL). */
static span check_array(const void *p, size_t n, size_t size, const unsigned char *rec,
                        size_t rec_size) {
  if (n == 0) {
    assert_null(p);
    span none = {0, 0};
    return none;
  }
  assert_non_null(p);
  span s = span_of(p, n, size);
  assert_true(s.lo >= (uintptr_t)rec);
  assert_true(s.hi <= (uintptr_t)rec + rec_size);
  assert_int_equal((s.lo - (uintptr_t)rec) % 8, 0);
  assert_int_equal(s.lo % 8, 0);
  return s;
}

static int overlap(span a, span b) {
  if (a.lo == a.hi || b.lo == b.hi) return 0;
  return a.lo < b.hi && b.lo < a.hi;
}

static void check_layout(size_t env, size_t steps, size_t comps, size_t standby) {
  model_scenario sc = counts(env, steps, comps, standby);
  size_t size = model_outcome_size(&sc);
  assert_true(size > 0);
  assert_int_equal(size % 8, 0);
  size_t need = env * sizeof(model_env_outcome) + steps * sizeof(model_step_outcome) +
                comps * sizeof(model_component_outcome) +
                standby * sizeof(model_standby_outcome);
  assert_true(size >= need);
  /* Padding is at most 7 bytes per array (4 arrays) plus the 8-byte minimum. */
  assert_true(size <= need + 4 * 7 + 8);
  unsigned char *rec = malloc(size);
  assert_non_null(rec);
  model_trial_view v = model_outcome_view(&sc, rec);
  span s[4] = {
      check_array(v.env, env, sizeof *v.env, rec, size),
      check_array(v.steps, steps, sizeof *v.steps, rec, size),
      check_array(v.components, comps, sizeof *v.components, rec, size),
      check_array(v.standby, standby, sizeof *v.standby, rec, size),
  };
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++) assert_false(overlap(s[i], s[j]));
  /* The same record gives the same view every time (the runner recomputes it). */
  model_trial_view w = model_outcome_view(&sc, rec);
  assert_ptr_equal(v.env, w.env);
  assert_ptr_equal(v.steps, w.steps);
  assert_ptr_equal(v.components, w.components);
  assert_ptr_equal(v.standby, w.standby);
  free(rec);
}

static void test_layout(void **state) {
  (void)state;
  check_layout(3, 7, 5, 2);
  check_layout(1, 1, 1, 1);
  check_layout(3, 0, 0, 0);
  check_layout(0, 0, 0, 4);
  check_layout(0, 0, 0, 0); /* degenerate, still a usable 8-byte record */
  check_layout(MODEL_MAX_ITEMS, MODEL_MAX_ITEMS, MODEL_MAX_ITEMS, MODEL_MAX_ITEMS);
}

/* Lifetime records append the itemised incidents and the downtime split by
** (environment, component); disaster-mode records do not carry them. */
static void test_lifetime_layout(void **state) {
  (void)state;
  model_scenario sc = counts(3, 7, 5, 2);
  size_t disaster_size = model_outcome_size(&sc);
  unsigned char *drec = malloc(disaster_size);
  assert_non_null(drec);
  model_trial_view d = model_outcome_view(&sc, drec);
  assert_null(d.incidents);
  assert_null(d.env_component_downtime_s);
  free(drec);
  sc.mode = MODEL_MODE_LIFETIME;
  size_t size = model_outcome_size(&sc);
  size_t extra = 3 * MODEL_OUTCOME_MAX_INCIDENTS * sizeof(model_incident_outcome) +
                 3 * 5 * sizeof(double);
  assert_true(size >= disaster_size + extra && size <= disaster_size + extra + 2 * 7);
  assert_int_equal(size % 8, 0);
  unsigned char *rec = malloc(size);
  assert_non_null(rec);
  model_trial_view v = model_outcome_view(&sc, rec);
  span s[6] = {
      check_array(v.env, 3, sizeof *v.env, rec, size),
      check_array(v.steps, 7, sizeof *v.steps, rec, size),
      check_array(v.components, 5, sizeof *v.components, rec, size),
      check_array(v.standby, 2, sizeof *v.standby, rec, size),
      check_array(v.incidents, 3 * MODEL_OUTCOME_MAX_INCIDENTS, sizeof *v.incidents, rec, size),
      check_array(v.env_component_downtime_s, 15, sizeof(double), rec, size),
  };
  for (int i = 0; i < 6; i++)
    for (int j = i + 1; j < 6; j++) assert_false(overlap(s[i], s[j]));
  memset(rec, 0xab, size);
  model_outcome_clear(&sc, rec);
  for (size_t i = 0; i < 3 * MODEL_OUTCOME_MAX_INCIDENTS; i++) {
    assert_true(isnan(v.incidents[i].start_s) && isnan(v.incidents[i].rto_s));
    assert_true(isnan(v.incidents[i].rpo_s) && isnan(v.incidents[i].failback_s));
    assert_int_equal(v.incidents[i].failed_over, 0);
    assert_int_equal(v.incidents[i].recovered, 0);
  }
  for (size_t i = 0; i < 15; i++) assert_true(v.env_component_downtime_s[i] == 0.0);
  /* no components: no split array */
  model_scenario nc = counts(2, 0, 0, 0);
  nc.mode = MODEL_MODE_LIFETIME;
  assert_null(model_outcome_view(&nc, rec).env_component_downtime_s);
  free(rec);
}

/* Records packed back to back (as the runner stores trials) stay aligned. */
static void test_consecutive_records(void **state) {
  (void)state;
  model_scenario sc = counts(2, 3, 1, 1);
  size_t size = model_outcome_size(&sc);
  unsigned char *block = malloc(3 * size);
  assert_non_null(block);
  for (int t = 0; t < 3; t++) {
    model_trial_view v = model_outcome_view(&sc, block + t * size);
    assert_int_equal((uintptr_t)v.env % 8, 0);
    assert_int_equal((uintptr_t)v.standby % 8, 0);
    assert_true((unsigned char *)(v.standby + 1) <= block + (t + 1) * size);
  }
  free(block);
}

static void test_clear(void **state) {
  (void)state;
  model_scenario sc = counts(3, 7, 5, 2);
  size_t size = model_outcome_size(&sc);
  unsigned char *rec = malloc(size);
  assert_non_null(rec);
  memset(rec, 0xab, size); /* garbage a previous trial may have left */
  model_outcome_clear(&sc, rec);
  model_trial_view v = model_outcome_view(&sc, rec);
  for (size_t i = 0; i < sc.n_environments; i++) {
    assert_true(isnan(v.env[i].rto_s));
    assert_true(v.env[i].rpo_s == 0.0);
    assert_true(isnan(v.env[i].first_service_s));
    assert_true(isnan(v.env[i].full_capacity_s));
    assert_true(isnan(v.env[i].wallclock_s));
    assert_int_equal(v.env[i].recovered, 0);
    assert_int_equal(v.env[i].retries, 0);
    assert_true(v.env[i].availability == 0.0);
    assert_true(v.env[i].downtime_s == 0.0);
    assert_int_equal(v.env[i].incidents, 0);
    assert_int_equal(v.env[i].disasters, 0);
    assert_int_equal(v.env[i].disaster_incidents, 0);
    assert_int_equal(v.env[i].component_incidents, 0);
    assert_true(v.env[i].downtime_component_s == 0.0);
    assert_true(v.env[i].downtime_disaster_s == 0.0);
    assert_true(v.env[i].downtime_failback_s == 0.0);
    assert_true(v.env[i].longest_outage_s == 0.0);
  }
  for (size_t i = 0; i < sc.n_steps_total; i++) {
    assert_true(isnan(v.steps[i].start_s));
    assert_true(isnan(v.steps[i].end_s));
    assert_int_equal(v.steps[i].attempts, 0);
    assert_int_equal(v.steps[i].failed, 0);
    assert_int_equal(v.steps[i].critical, 0);
    assert_int_equal(v.steps[i].off_hours, 0);
  }
  for (size_t i = 0; i < sc.n_components; i++) {
    assert_true(isnan(v.components[i].rpo_s));
    assert_true(isnan(v.components[i].failover_s));
    assert_true(v.components[i].down_s == 0.0);
    assert_true(v.components[i].downtime_caused_s == 0.0);
    assert_int_equal(v.components[i].failures, 0);
    assert_int_equal(v.components[i].incidents_caused, 0);
  }
  for (size_t i = 0; i < sc.n_standby; i++) {
    assert_true(isnan(v.standby[i].first_service_s));
    assert_true(isnan(v.standby[i].full_capacity_s));
    assert_int_equal(v.standby[i].nodes_provisioned, 0);
    assert_int_equal(v.standby[i].shortage, 0);
  }
  /* Two cleared records are byte-identical (padding included), whatever
  ** was in them before: results stored from them are reproducible. */
  unsigned char *other = malloc(size);
  assert_non_null(other);
  memset(other, 0x11, size);
  model_outcome_clear(&sc, other);
  assert_memory_equal(rec, other, size);
  free(other);
  free(rec);

  /* An empty scenario's record clears without touching anything else. */
  model_scenario empty = counts(0, 0, 0, 0);
  unsigned char small[16];
  memset(small, 0xcd, sizeof small);
  model_outcome_clear(&empty, small);
  for (size_t i = 0; i < model_outcome_size(&empty); i++) assert_int_equal(small[i], 0);
  for (size_t i = model_outcome_size(&empty); i < sizeof small; i++)
    assert_int_equal(small[i], 0xcd);
}

/* The lifetime fields were appended: the fields that existed before them
** keep their order, so code written against the first layout (designated
** initialisers, positional reads in the store) still means the same. */
static void test_lifetime_fields_appended(void **state) {
  (void)state;
  assert_true(offsetof(model_env_outcome, disasters) <
              offsetof(model_env_outcome, disaster_incidents));
  assert_true(offsetof(model_env_outcome, disaster_incidents) <
              offsetof(model_env_outcome, longest_outage_s));
  assert_true(offsetof(model_component_outcome, failover_s) <
              offsetof(model_component_outcome, down_s));
  assert_true(offsetof(model_component_outcome, down_s) <
              offsetof(model_component_outcome, incidents_caused));
  /* still small and 8-byte multiples, so arrays of them stay aligned */
  assert_int_equal(sizeof(model_env_outcome) % 8, 0);
  assert_int_equal(sizeof(model_component_outcome) % 8, 0);
  assert_true(sizeof(model_env_outcome) <= 160);
  assert_true(sizeof(model_component_outcome) <= 48);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layout),
      cmocka_unit_test(test_consecutive_records),
      cmocka_unit_test(test_clear),
      cmocka_unit_test(test_lifetime_layout),
      cmocka_unit_test(test_lifetime_fields_appended),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
