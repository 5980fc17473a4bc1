/*
** tests/test_model_costs.c — models/costs.c: the costs: block and currency:
** (located errors for unknown keys, names, negative amounts, hours without
** an on-call calendar), the standby's annual cost (warm nodes, reservation,
** replication by mode and interval), business seconds over the on-call
** week, and one trial's loss from a hand-made record.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/costs.h"
#include "models/outcome.h"
#include "models/units.h"

static const char *base =
    "version: 1\nname: c\nmode: disaster\n"
    "objectives:\n  app: {rto: 4h}\n"
    "regions:\n  - {name: a, role: primary}\n  - {name: b, role: standby}\n"
    "oncall: {business_hours: \"08:00-18:00\", workdays: 5}\n"
    "components:\n"
    "  - {name: db, environment: app, region: a, replication: {mode: periodic, to: b, interval: 6h}}\n"
    "  - {name: q, environment: app, region: a, replication: {mode: async, to: b, lag: 1m}}\n"
    "disaster: {type: region-outage}\n"
    "standby:\n"
    "  - {name: pool, region: b, environment: app, warm_nodes: 2, required_nodes: 4,\n"
    "     provision: 5m, node_cost_per_hour: 0.5,\n"
    "     capacity_shortage: {probability: 0.2, delay: 1h}}\n"
    "workflows:\n  - environment: app\n    steps:\n      - {name: up, standby: pool}\n";

static model_scenario *load(const char *extra, model_diag *d) {
  char text[4096];
  snprintf(text, sizeof text, "%s%s", base, extra);
  model_scenario *sc = NULL;
  model_scenario_load_string(text, strlen(text), "t.yaml", NULL, 0, &sc, d);
  return sc;
}

static void test_no_costs(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_scenario *sc = load("", d);
  assert_non_null(sc);
  assert_null(sc->costs);
  assert_string_equal(model_costs_currency(sc), "");
  assert_false(model_costs_has_risk(sc));
  /* warm nodes are charged without a costs block: 2 x 0.5 x 8760 */
  assert_float_equal(model_costs_standby_annual(sc, NULL, 0, NULL), 8760.0, 1e-9);
  assert_true(isnan(model_costs_disasters_per_year(sc)));
  model_scenario_free(sc);
  model_diag_free(d);
}

static void test_standby_annual(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_scenario *sc = load(
      "currency: EUR\ncosts:\n  disaster_rate: 1/4y\n"
      "  standby: {pool: {reservation_per_month: 100, reserved: true}}\n"
      "  components:\n    db: {periodic: {per_month: 10, per_backup: 1}, async: {per_month: 99}}\n"
      "    q: {async: {per_month: 50}}\n", d);
  assert_non_null(sc);
  assert_string_equal(model_costs_currency(sc), "EUR");
  assert_float_equal(model_costs_disasters_per_year(sc), 0.25, 1e-12);
  /* reserved: no capacity shortage left */
  assert_float_equal(sc->standby[0].shortage_probability, 0, 0);
  model_costs_item it[8];
  size_t n = 0;
  double a = model_costs_standby_annual(sc, it, 8, &n);
  /* 8760 warm + 1200 reservation + (10 + 1 x 4 backups a day x 365/12 days) x 12 + 600 */
  double db = (10 + 4 * 365.0 / 12.0) * 12;
  assert_float_equal(a, 8760 + 1200 + db + 600, 1e-6);
  assert_int_equal(n, 4);
  assert_string_equal(it[0].kind, "warm nodes");
  assert_string_equal(it[1].kind, "reservation");
  assert_float_equal(it[2].annual, db, 1e-6);
  assert_false(model_costs_has_risk(sc));
  model_scenario_free(sc);
  model_diag_free(d);
}

static void expect_error(const char *extra, const char *needle, int line) {
  model_diag *d = model_diag_new();
  model_scenario *sc = load(extra, d);
  assert_null(sc);
  int found = 0;
  for (size_t i = 0; i < model_diag_count(d); i++)
    if (strstr(model_diag_message(d, i), needle)) {
      found = 1;
      assert_int_equal(model_diag_line(d, i), line);
    }
  if (!found) model_diag_print(d, stdout);
  assert_true(found);
  model_diag_free(d);
}

static void test_errors(void **state) {
  (void)state;
  /* the base is 21 lines; the costs block starts at line 22 */
  expect_error("costs:\n  environments:\n    ap: {downtime_per_hour: 1}\n",
               "unknown environment 'ap'", 24);
  expect_error("costs:\n  environments:\n    app: {downtime_per_hour: -1}\n",
               "must not be negative", 24);
  expect_error("costs:\n  disaster_rat: 1/10y\n", "did you mean 'disaster_rate'", 23);
  expect_error("costs:\n  standby: {pol: {reserved: true}}\n", "unknown standby pool 'pol'", 23);
  expect_error("costs:\n  components: {db: {periodic: {per_month: lots}}}\n",
               "amount of money", 23);
  expect_error("currency: \"U S D\"\n", "printable without spaces", 22);
}

static void test_hours_need_oncall(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  char text[4096];
  const char *ext = "costs:\n  environments:\n    app:\n      downtime_per_hour: "
                    "{business_hours: 10, off_hours: 1}\n";
  /* without the oncall line */
  const char *cut = strstr(base, "oncall:");
  const char *end = strchr(cut, '\n') + 1;
  snprintf(text, sizeof text, "%.*s%s%s", (int)(cut - base), base, end, ext);
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_string(text, strlen(text), "t.yaml", NULL, 0, &sc, d), -1);
  assert_non_null(strstr(model_diag_message(d, 0), "needs the oncall block"));
  model_diag_free(d);
}

static void test_business_seconds(void **state) {
  (void)state;
  model_oncall oc = {1, 8 * 3600.0, 18 * 3600.0, 5, 0};
  double H = 3600, D = 86400;
  /* Monday 07:00 for 3 h: 08:00-10:00 */
  assert_float_equal(model_costs_business_seconds(&oc, 7 * H, 3 * H), 2 * H, 1e-9);
  /* Friday 17:00 for 3 days: 1 h Friday, nothing on the weekend, Monday 08:00-17:00 */
  assert_float_equal(model_costs_business_seconds(&oc, 4 * D + 17 * H, 3 * D), 10 * H, 1e-9);
  /* Sunday 23:00 (wraps into next week's Monday) for 10 h: 08:00-09:00 Monday */
  assert_float_equal(model_costs_business_seconds(&oc, 6 * D + 23 * H, 10 * H), 1 * H, 1e-9);
  /* two whole weeks and an hour: 2 x 50 h, plus Monday 08:00-09:00 */
  assert_float_equal(model_costs_business_seconds(&oc, 8 * H, 2 * 7 * D + H), 101 * H, 1e-9);
  assert_float_equal(model_costs_business_seconds(&oc, 0, 0), 0, 0);
}

/* Record the environments' losses, then sum them (what the store keeps). */
static double recorded_loss(const model_scenario *sc, void *rec) {
  model_costs_record_losses(sc, rec);
  return model_costs_trial_loss(sc, rec);
}

static void test_trial_loss(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_scenario *sc = load(
      "costs:\n  disaster_rate: 1/1y\n  unrecovered_outage: 10h\n  environments:\n"
      "    app: {downtime_per_hour: {business_hours: 100, off_hours: 10}, data_loss_per_hour: 60,\n"
      "          failover: 1000, failback: 500}\n", d);
  assert_non_null(sc);
  assert_true(model_costs_has_risk(sc));
  size_t size = model_outcome_size(sc);
  void *rec = calloc(1, size);
  model_outcome_clear(sc, rec);
  model_trial_view v = model_outcome_view(sc, rec);
  v.env[0].affected = 1;
  v.env[0].recovered = 1;
  v.env[0].rto_s = 3 * 3600;            /* Monday 07:00-10:00: 2 h business, 1 h off */
  v.env[0].wallclock_s = 7 * 3600;
  v.env[0].rpo_s = 30 * 60;             /* half an hour: 30 */
  /* no step ran: no failover cost */
  assert_float_equal(recorded_loss(sc, rec), 2 * 100 + 10 + 30, 1e-9);
  v.steps[0].start_s = 60;
  assert_float_equal(recorded_loss(sc, rec), 240 + 1500, 1e-9);
  /* never recovered: charged the unrecovered outage, 10 h from 07:00: 10 business hours... */
  v.env[0].recovered = 0;
  v.env[0].rto_s = INFINITY;
  assert_float_equal(recorded_loss(sc, rec), 9 * 100 + 1 * 10 + 30 + 1500, 1e-9);
  /* not affected: nothing */
  v.env[0].affected = 0;
  assert_float_equal(recorded_loss(sc, rec), 0, 0);
  free(rec);
  model_scenario_free(sc);
  model_diag_free(d);
}

/* Two environments: the failover's one-off is charged once per trial, on
** the first environment (objectives order) that failed over. */
static void test_one_off_once(void **state) {
  (void)state;
  const char *text =
      "version: 1\nname: c2\nmode: disaster\n"
      "objectives:\n  a: {rto: 4h}\n  b: {rto: 4h}\n"
      "regions:\n  - {name: p, role: primary}\n  - {name: s, role: standby}\n"
      "components:\n  - {name: x, environment: a, region: p, stateless: true}\n"
      "  - {name: y, environment: b, region: p, stateless: true}\n"
      "disaster: {type: region-outage}\n"
      "workflows:\n  - environment: a\n    steps:\n      - {name: s1, duration: 1h}\n"
      "  - environment: b\n    steps:\n      - {name: s2, duration: 1h}\n"
      "costs:\n  failover: 300\n  failback: 200\n  environments:\n"
      "    a: {downtime_per_hour: 10, failover: 40}\n    b: {downtime_per_hour: 1}\n";
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  model_scenario_load_string(text, strlen(text), "t.yaml", NULL, 0, &sc, d);
  if (!sc) model_diag_print(d, stdout);
  assert_non_null(sc);
  assert_true(model_costs_has_risk(sc));
  void *rec = calloc(1, model_outcome_size(sc));
  model_outcome_clear(sc, rec);
  model_trial_view v = model_outcome_view(sc, rec);
  for (int e = 0; e < 2; e++) {
    v.env[e].affected = v.env[e].recovered = 1;
    v.env[e].rto_s = 3600;
  }
  /* neither failed over (no step ran): downtime only */
  assert_float_equal(recorded_loss(sc, rec), 10 + 1, 1e-9);
  /* only b: the one-off on b */
  v.steps[sc->workflows[model_scenario_find_workflow(sc, "b")].step_offset].start_s = 0;
  assert_float_equal(recorded_loss(sc, rec), 10 + 1 + 500, 1e-9);
  assert_float_equal(v.env[1].loss, 1 + 500, 1e-9);
  assert_float_equal(v.env[0].loss, 10, 1e-9);
  /* both: once, on a (its own failover too) */
  v.steps[sc->workflows[model_scenario_find_workflow(sc, "a")].step_offset].start_s = 0;
  assert_float_equal(recorded_loss(sc, rec), 10 + 40 + 1 + 500, 1e-9);
  assert_float_equal(v.env[0].loss, 10 + 40 + 500, 1e-9);
  assert_float_equal(v.env[1].loss, 1, 1e-9);
  free(rec);
  model_scenario_free(sc);
  model_diag_free(d);
}

/* Team members and measures in place are standby lines; errors located. */
static void test_teams_and_measures(void **state) {
  (void)state;
  const char *text =
      "version: 1\nname: c3\nmode: disaster\n"
      "objectives:\n  a: {rto: 4h}\n"
      "regions:\n  - {name: p, role: primary}\n  - {name: s, role: standby}\n"
      "teams:\n  - {name: ops, size: 3}\n"
      "components:\n  - {name: x, environment: a, region: p, stateless: true}\n"
      "disaster: {type: region-outage}\n"
      "workflows:\n  - environment: a\n    steps:\n      - {name: s1, duration: 1h, team: ops}\n"
      "costs:\n  teams: {ops: {per_member_per_month: 100}}\n"
      "  measures:\n    drills: {per_month: 50, in_place: true}\n"
      "    support: {per_month: 70}\n";
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  model_scenario_load_string(text, strlen(text), "t.yaml", NULL, 0, &sc, d);
  if (!sc) model_diag_print(d, stdout);
  assert_non_null(sc);
  model_costs_item it[8];
  size_t n = 0;
  /* 3 x 100 x 12 + 50 x 12; support is not in place */
  assert_float_equal(model_costs_standby_annual(sc, it, 8, &n), 3600 + 600, 1e-9);
  assert_int_equal(n, 2);
  assert_string_equal(it[0].kind, "members");
  assert_string_equal(it[0].name, "ops");
  assert_string_equal(it[1].kind, "measure");
  assert_string_equal(it[1].name, "drills");
  model_scenario_free(sc);
  /* --set switches a measure on and resizes the team */
  const char *sets[] = {"costs.measures.support.in_place=true", "teams.ops.size=1"};
  model_scenario_load_string(text, strlen(text), "t.yaml", sets, 2, &sc, d);
  assert_non_null(sc);
  assert_float_equal(model_costs_standby_annual(sc, NULL, 0, NULL), 1200 + 600 + 840, 1e-9);
  model_scenario_free(sc);
  model_diag_free(d);
  expect_error("costs:\n  teams: {sre: {per_member_per_month: 1}}\n", "unknown team 'sre'", 23);
  expect_error("costs:\n  measures: {m: {in_place: true}}\n", "needs per_month", 23);
  expect_error("costs:\n  measures: {m: {per_month: 1, inplace: true}}\n",
               "did you mean 'in_place'", 23);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_costs),        cmocka_unit_test(test_standby_annual),
      cmocka_unit_test(test_errors),          cmocka_unit_test(test_hours_need_oncall),
      cmocka_unit_test(test_business_seconds), cmocka_unit_test(test_trial_loss),
      cmocka_unit_test(test_one_off_once),    cmocka_unit_test(test_teams_and_measures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
