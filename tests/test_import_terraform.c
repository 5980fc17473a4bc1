/*
** tests/test_import_terraform.c — the Terraform state importer
** (import/terraform.c) on tests/data/import/terraform-state.json: the SQL
** failover group's grace_minutes = 60 gives failover after 1h, GRS storage
** in eastus replicates to westus (its Azure pair), the standby AKS cluster
** is sized from the primary's node pools, Cosmos DB and PostgreSQL; resource
** types not modelled are listed; errors as file:line:col.
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

#include "import/terraform.h"
#include "models/scenario.h"
#include "tests/support/import_fixture.h"

static const model_component *component(const model_scenario *sc, const char *name) {
  int c = model_scenario_find_component(sc, name);
  if (c < 0) fail_msg("no component %s", name);
  return &sc->components[c];
}

static const char *region(const model_scenario *sc, int r) { return sc->regions[r].name; }

static void test_failover_group_grace(void **state) {
  (void)state;
  char *text = import_fixture_terraform("terraform-state.json", NULL);
  assert_non_null(strstr(text, "failover: {after: 1h,"));
  assert_non_null(strstr(text, "grace_minutes = 60"));
  model_scenario *sc = import_fixture_load(text);
  const model_component *fog = component(sc, "fog-prod");
  assert_int_equal(fog->failover.kind, MODEL_FAILOVER_AUTO);
  assert_true(fabs(fog->failover.after_s - 3600) < 1e-9);
  assert_int_equal(fog->replication.mode, MODEL_REPL_ASYNC);
  assert_string_equal(region(sc, fog->replication.to_region), "westus2");   /* the partner server */
  assert_string_equal(region(sc, fog->region), "eastus");
  /* the database in the group is the group, not a component of its own */
  assert_true(model_scenario_find_component(sc, "sqldb-orders") < 0);
  model_scenario_free(sc);
  free(text);
}

static void test_storage_to_pair(void **state) {
  (void)state;
  char *text = import_fixture_terraform("terraform-state.json", NULL);
  model_scenario *sc = import_fixture_load(text);
  assert_string_equal(region(sc, 0), "eastus");
  assert_true(sc->regions[0].primary);
  static const char *const accounts[] = {"stprodblobeastus", "stprodfileseastus", "stprodtableeastus"};
  for (size_t i = 0; i < 3; i++) {
    const model_component *c = component(sc, accounts[i]);
    assert_string_equal(region(sc, c->region), "eastus");
    assert_int_equal(c->replication.mode, MODEL_REPL_ASYNC);
    assert_string_equal(region(sc, c->replication.to_region), "westus");
    assert_int_equal(c->environment, model_scenario_find_environment(sc, "production"));
  }
  /* Key Vault and the PostgreSQL geo-backup go to the pair as well; Cosmos
  ** DB and the registry go where they are configured. */
  const model_component *pg = component(sc, "psql-prod-eastus");
  assert_int_equal(pg->replication.mode, MODEL_REPL_PERIODIC);
  assert_string_equal(region(sc, pg->replication.to_region), "westus");
  assert_true(fabs(pg->replication.retention_s - 35 * 86400.0) < 1e-6);
  assert_string_equal(region(sc, component(sc, "kv-prod-eastus")->replication.to_region), "westus");
  const model_component *cosmos = component(sc, "cosmos-prod-eastus");
  assert_int_equal(cosmos->replication.mode, MODEL_REPL_ASYNC);
  assert_string_equal(region(sc, cosmos->replication.to_region), "westus2");
  assert_string_equal(region(sc, component(sc, "acrprodeastus")->replication.to_region), "westus2");
  /* the standby cluster's region is the first standby (default target) */
  assert_string_equal(region(sc, 1), "westus2");
  model_scenario_free(sc);
  free(text);
}

static void test_aks_pools(void **state) {
  (void)state;
  char *text = import_fixture_terraform("terraform-state.json", NULL);
  model_scenario *sc = import_fixture_load(text);
  int p = model_scenario_find_standby(sc, "aks-private-prod-dr");
  assert_true(p >= 0);
  const model_standby *sp = &sc->standby[p];
  assert_int_equal(sp->warm_nodes, 1);       /* system 1 + user 0 (autoscale 0-20) */
  assert_int_equal(sp->required_nodes, 5);   /* primary: system 3 + user 2 */
  assert_string_equal(region(sc, sp->region), "westus2");
  assert_int_equal(sp->environment, model_scenario_find_environment(sc, "production"));
  const model_component *prod = component(sc, "aks-private-prod");
  assert_int_equal(prod->zone, 0);           /* zones 1, 2, 3: zone-redundant */
  const model_component *stg = component(sc, "aks-private-staging");
  assert_int_equal(stg->zone, 1);
  assert_int_equal(stg->environment, model_scenario_find_environment(sc, "staging"));
  /* a global service sits in the standby region */
  assert_string_equal(region(sc, component(sc, "fd-prod")->region), "westus2");
  model_scenario_free(sc);
  free(text);
}

static void test_unknown_listed_and_marks(void **state) {
  (void)state;
  char *notes = NULL;
  char *text = import_fixture_terraform("terraform-state.json", &notes);
  assert_string_equal(notes,
    "not modelled: module.platform.azurerm_application_gateway.prod (unknown resource type azurerm_application_gateway)\n"
    "not modelled: module.platform.azurerm_redis_cache.sessions (unknown resource type azurerm_redis_cache)\n"
    "note: 8 resources of types with no part in recovery (networks, identities, role assignments, ...) not modelled\n");
  assert_non_null(strstr(text, "# not modelled: module.platform.azurerm_redis_cache.sessions"));
  assert_non_null(strstr(text, "- name: stprodblobeastus   " IMPORT_TERRAFORM_MARK "module.platform.azurerm_storage_account.blob\n"));
  assert_true(import_fixture_check_marked(text) >= 15);
  free(text);
  free(notes);
}

static void test_deterministic(void **state) {
  (void)state;
  char *a = import_fixture_terraform("terraform-state.json", NULL);
  char *b = import_fixture_terraform("terraform-state.json", NULL);
  assert_string_equal(a, b);
  free(a);
  free(b);
}

static void run_bad(const char *json, int line, int col, const char *fragment) {
  import_draft *d = import_draft_new("t", NULL);
  model_diag *diag = model_diag_new();
  import_terraform_options o = {"production", NULL};
  assert_int_equal(import_terraform(json, strlen(json), "s.json", &o, d, NULL, diag), -1);
  assert_true(model_diag_count(diag) >= 1);
  if (line) assert_int_equal(model_diag_line(diag, 0), line);
  if (col) assert_int_equal(model_diag_col(diag, 0), col);
  if (!strstr(model_diag_message(diag, 0), fragment)) fail_msg("%s", model_diag_message(diag, 0));
  model_diag_free(diag);
  import_draft_free(d);
}

static void test_errors(void **state) {
  (void)state;
  run_bad("{\n  \"values\": [1,\n}", 3, 1, "not JSON");
  run_bad("{\"format_version\": \"1.0\"}", 1, 1, "root_module");
  run_bad("{\"values\": {\"root_module\": {\"resources\": [{\"mode\": \"managed\", \"type\": \"azurerm_key_vault\", "
          "\"values\": {\"name\": \"kv\"}}]}}}", 0, 0, "--primary");
  /* --primary overrides; an unpaired region gives a note, no geo copy */
  const char *unpaired = "{\"values\": {\"root_module\": {\"resources\": [{\"mode\": \"managed\", "
                         "\"address\": \"azurerm_storage_account.s\", \"type\": \"azurerm_storage_account\", "
                         "\"values\": {\"name\": \"st\", \"location\": \"Poland Central\", "
                         "\"account_replication_type\": \"GRS\"}}]}}}";
  import_draft *d = import_draft_new("t", NULL);
  model_diag *diag = model_diag_new();
  char *nt = NULL;
  size_t nl = 0;
  FILE *nf = open_memstream(&nt, &nl);
  import_terraform_options o = {"production", NULL};
  assert_int_equal(import_terraform(unpaired, strlen(unpaired), "s.json", &o, d, nf, diag), 0);
  fclose(nf);
  assert_non_null(strstr(nt, "'polandcentral' has no Azure pair"));
  char *text = import_draft_text(d, NULL);
  model_scenario *sc = import_fixture_load(text);
  assert_int_equal(sc->components[0].replication.mode, MODEL_REPL_NONE);
  model_scenario_free(sc);
  free(text);
  import_draft_free(d);
  free(nt);
  /* --primary, and a resource in a third region (made a standby region) */
  const char *two = "{\"values\": {\"root_module\": {\"resources\": ["
                    "{\"mode\": \"managed\", \"address\": \"azurerm_key_vault.a\", \"type\": \"azurerm_key_vault\", "
                    "\"values\": {\"name\": \"kva\", \"location\": \"centralus\"}},"
                    "{\"mode\": \"managed\", \"address\": \"azurerm_key_vault.b\", \"type\": \"azurerm_key_vault\", "
                    "\"values\": {\"name\": \"kvb\", \"location\": \"centralus\"}}]}}}";
  d = import_draft_new("t", NULL);
  import_terraform_options op = {"production", "East US"};
  assert_int_equal(import_terraform(two, strlen(two), "s.json", &op, d, NULL, diag), 0);
  text = import_draft_text(d, NULL);
  sc = import_fixture_load(text);
  assert_string_equal(sc->regions[0].name, "eastus");
  assert_true(sc->regions[0].primary);
  assert_string_equal(sc->regions[sc->components[0].region].name, "centralus");
  assert_string_equal(sc->regions[sc->components[0].replication.to_region].name, "eastus2");
  nt = NULL;
  model_scenario_free(sc);
  free(text);
  free(nt);
  model_diag_free(diag);
  import_draft_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_failover_group_grace),
    cmocka_unit_test(test_storage_to_pair),
    cmocka_unit_test(test_aks_pools),
    cmocka_unit_test(test_unknown_listed_and_marks),
    cmocka_unit_test(test_deterministic),
    cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
