/*
** tests/test_import_drift.c — `drsim drift` (import/drift.c): a scenario
** drafted from tests/data/import/terraform-state.json, checked against
** terraform-state-drifted.json (a copy with six changes: the standby
** cluster's system pool 1 -> 2 nodes, the primary's user pool 2 -> 3, the
** files account GRS -> LRS, the failover group's grace 60 -> 120 minutes, a
** new database outside the group, the tables account removed), reports
** exactly those six; against the same state, nothing; a scenario sending
** GRS data elsewhere than the pair gets a note, not a change.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/drift.h"
#include "tests/support/import_fixture.h"

static char *drift(const char *scen, const char *state_name, import_drift_result *r) {
  size_t len;
  char *state = import_fixture_data(state_name, &len);
  char *out = NULL;
  size_t ol = 0;
  FILE *f = open_memstream(&out, &ol);
  model_diag *diag = model_diag_new();
  import_terraform_options o = {"production", NULL};
  int rc = import_drift(scen, strlen(scen), "s.yaml", state, len, state_name, &o, f, NULL, r, diag);
  if (rc != 0) model_diag_print(diag, stderr);
  assert_int_equal(rc, 0);
  fclose(f);
  model_diag_free(diag);
  free(state);
  return out;
}

static void test_exact_changes(void **state) {
  (void)state;
  char *scen = import_fixture_terraform("terraform-state.json", NULL);
  import_drift_result r;
  char *out = drift(scen, "terraform-state-drifted.json", &r);
  assert_string_equal(out,
    "changed  component stprodfileseastus (module.platform.azurerm_storage_account.files): replication async -> none\n"
    "new      component sqldb-reports (module.platform.azurerm_mssql_database.reports): in the platform, not in the scenario\n"
    "changed  component fog-prod (module.platform.azurerm_mssql_failover_group.prod): failover after 1h -> 2h\n"
    "changed  standby aks-private-prod-dr (module.platform.azurerm_kubernetes_cluster.dr): warm_nodes 1 -> 2\n"
    "changed  standby aks-private-prod-dr (module.platform.azurerm_kubernetes_cluster.dr): required_nodes 5 -> 6\n"
    "gone     component stprodtableeastus (module.platform.azurerm_storage_account.tables): in the scenario, no longer in the platform\n");
  assert_int_equal(r.changes, 6);
  assert_int_equal(r.notes, 0);
  assert_int_equal(r.checked, 11);
  assert_int_equal(r.unchecked, 0);
  free(out);

  out = drift(scen, "terraform-state.json", &r);
  assert_string_equal(out, "");
  assert_int_equal(r.changes, 0);
  assert_int_equal(r.checked, 12);
  free(out);
  free(scen);
}

/* Durations are the planner's: calibrating them is not drift; renaming an
** item keeps its mark; an item without a mark is unchecked. */
static void test_assumptions_never_drift(void **state) {
  (void)state;
  char *scen = import_fixture_terraform("terraform-state.json", NULL);
  char *p = strstr(scen, "median: 3m, p95: 12m");
  assert_non_null(p);
  memcpy(p, "median: 4m, p95: 19m", 20);
  p = strstr(scen, "- name: fog-prod ");
  assert_non_null(p);
  memcpy(p, "- name: fog-sql  ", 17);
  const char *extra = "  - name: hand-written\n    region: eastus\n";
  char *bigger = malloc(strlen(scen) + strlen(extra) + 1);
  char *at = strstr(scen, "\nstandby:");
  assert_non_null(at);
  size_t head = (size_t)(at - scen) + 1;
  /* insert before "standby:" (after the components' last line) */
  memcpy(bigger, scen, head);
  strcpy(bigger + head, extra);
  strcat(bigger, scen + head);
  import_drift_result r;
  char *out = drift(bigger, "terraform-state.json", &r);
  assert_string_equal(out, "");
  assert_int_equal(r.unchecked, 1);
  free(out);
  free(bigger);
  free(scen);
}

static void test_pair_note(void **state) {
  (void)state;
  char *scen = import_fixture_terraform("terraform-state.json", NULL);
  /* the blob account's copy sent to westus2 instead of the pair westus */
  char *p = strstr(scen, "replication: {mode: async, to: westus, lag: {dist: lognormal, median: 3m");
  assert_non_null(p);
  size_t len = strlen(scen);
  char *edited = malloc(len + 2);
  size_t head = (size_t)(p - scen) + strlen("replication: {mode: async, to: westus");
  memcpy(edited, scen, head);
  edited[head] = '2';
  strcpy(edited + head + 1, scen + head);
  import_drift_result r;
  char *out = drift(edited, "terraform-state.json", &r);
  assert_string_equal(out, "note     component stprodblobeastus (module.platform.azurerm_storage_account.blob): "
                           "the scenario replicates to westus2, but its geo-redundant copy can go only to "
                           "eastus's Azure pair, westus\n");
  assert_int_equal(r.changes, 0);
  assert_int_equal(r.notes, 1);
  free(out);
  free(edited);
  free(scen);
}

static void test_bad_inputs(void **state) {
  (void)state;
  import_drift_result r;
  model_diag *diag = model_diag_new();
  import_terraform_options o = {"production", NULL};
  const char *scen = "version: 1\nname: x\n";
  FILE *out = fopen("/dev/null", "w");
  assert_int_equal(import_drift(scen, strlen(scen), "s.yaml", "{}", 2, "st.json", &o, out, NULL, &r, diag), -1);
  assert_true(model_diag_count(diag) >= 1);
  model_diag_free(diag);
  diag = model_diag_new();
  char *good = import_fixture_terraform("terraform-state.json", NULL);
  assert_int_equal(import_drift(good, strlen(good), "s.yaml", "[", 1, "st.json", &o, out, NULL, &r, diag), -1);
  assert_non_null(strstr(model_diag_message(diag, 0), "not JSON"));
  fclose(out);
  free(good);
  model_diag_free(diag);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_exact_changes),
    cmocka_unit_test(test_assumptions_never_drift),
    cmocka_unit_test(test_pair_note),
    cmocka_unit_test(test_bad_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
