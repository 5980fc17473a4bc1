/*
** tests/test_import_k8s.c — the Kubernetes importer (import/k8s.c) on
** tests/data/import/k8s/: claims and StatefulSet claim templates become
** data components with the backup policy given (general and per storage
** class), zone-redundant storage classes make zone-redundant components,
** multi-document files keep their line numbers in errors, a malformed
** --backup is refused.
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

#include "import/k8s.h"
#include "models/scenario.h"
#include "tests/support/import_fixture.h"

#define K8S_DIR DRSIM_SOURCE_DIR "/tests/data/import/k8s"

static char *import_dir(const char *const *backups, size_t n, const char *backup_to, int want_rc,
                        model_diag **diag_out) {
  import_draft *d = import_draft_new("t", NULL);
  import_draft_add_region(d, "eastus", 1, NULL);
  import_draft_add_region(d, "westus2", 0, NULL);
  model_diag *diag = model_diag_new();
  import_k8s_options o = {"production", NULL, backup_to, backups, n};
  int rc = import_k8s_dir(K8S_DIR, &o, d, NULL, diag);
  if (rc != want_rc) model_diag_print(diag, stderr);
  assert_int_equal(rc, want_rc);
  char *text = rc == 0 ? import_draft_text(d, NULL) : NULL;
  import_draft_free(d);
  if (diag_out) *diag_out = diag;
  else model_diag_free(diag);
  return text;
}

static void test_claims_and_policies(void **state) {
  (void)state;
  const char *backups[] = {"24h:30d", "managed-csi=none"};
  char *text = import_dir(backups, 2, NULL, 0, NULL);
  model_scenario *sc = import_fixture_load(text);
  assert_int_equal(sc->n_components, 3);
  int docs = model_scenario_find_component(sc, "pvc-orders-orders-documents");
  int cache = model_scenario_find_component(sc, "pvc-orders-orders-cache");
  int search = model_scenario_find_component(sc, "pvc-search-data-search");
  assert_true(docs >= 0 && cache >= 0 && search >= 0);
  const model_component *c = &sc->components[docs];
  assert_int_equal(c->replication.mode, MODEL_REPL_PERIODIC);
  assert_true(fabs(c->replication.interval_s - 86400) < 1e-9);
  assert_true(fabs(c->replication.retention_s - 30 * 86400.0) < 1e-6);
  assert_string_equal(sc->regions[c->replication.to_region].name, "westus2");
  assert_string_equal(sc->regions[c->region].name, "eastus");
  assert_int_equal(c->zone, 0);
  assert_int_equal(sc->components[cache].replication.mode, MODEL_REPL_NONE);
  assert_int_equal(sc->components[search].replication.mode, MODEL_REPL_PERIODIC);
  assert_non_null(strstr(text, "3 replicas"));
  assert_non_null(strstr(text, "skuName StandardSSD_LRS: a zonal disk"));
  assert_true(import_fixture_check_marked(text) >= 4);
  model_scenario_free(sc);
  free(text);
}

static void test_no_policy_is_placeholder(void **state) {
  (void)state;
  const char *backups[] = {"managed-premium-zrs=1h"};
  char *text = import_dir(backups, 1, "westus", 0, NULL);
  model_scenario *sc = import_fixture_load(text);
  const model_component *c = &sc->components[model_scenario_find_component(sc, "pvc-orders-orders-documents")];
  assert_true(fabs(c->replication.interval_s - 3600) < 1e-9);
  assert_true(isinf(c->replication.retention_s));
  assert_string_equal(sc->regions[c->replication.to_region].name, "westus");
  assert_non_null(strstr(text, "PLACEHOLDER: no backup policy given for it"));
  model_scenario_free(sc);
  free(text);
}

static void test_bad_backup(void **state) {
  (void)state;
  static const char *const bad[] = {"daily", "1h:30m", "x=", "0s"};
  for (size_t i = 0; i < 4; i++) {
    model_diag *diag = NULL;
    const char *b[] = {bad[i]};
    import_dir(b, 1, NULL, -1, &diag);
    assert_non_null(strstr(model_diag_message(diag, 0), "[CLASS=]INTERVAL[:RETENTION]"));
    model_diag_free(diag);
  }
}

static void test_multi_document_lines(void **state) {
  (void)state;
  const char *text = "kind: StorageClass\nmetadata: {name: a}\n---\nkind: PersistentVolumeClaim\n"
                     "metadata:\n  name: ok\n---\n# third\nkind: [unclosed\n";
  import_draft *d = import_draft_new("t", NULL);
  model_diag *diag = model_diag_new();
  import_k8s_options o = {"production", NULL, NULL, NULL, 0};
  assert_int_equal(import_k8s_text(text, strlen(text), "m.yaml", &o, d, NULL, diag), -1);
  assert_true(model_diag_count(diag) >= 1);
  assert_int_equal(model_diag_line(diag, 0), 10);   /* libyaml reports the end of the third document */
  model_diag_free(diag);
  import_draft_free(d);

  /* without the broken document: one claim, in the placeholder regions */
  const char *good = "kind: PersistentVolumeClaim\nmetadata:\n  name: ok\n---\n---\n";
  d = import_draft_new("t", NULL);
  diag = model_diag_new();
  assert_int_equal(import_k8s_text(good, strlen(good), "m.yaml", &o, d, NULL, diag), 0);
  char *t = import_draft_text(d, NULL);
  model_scenario *sc = import_fixture_load(t);
  assert_int_equal(sc->n_components, 1);
  assert_string_equal(sc->regions[sc->components[0].region].name, IMPORT_PLACEHOLDER_PRIMARY);
  model_scenario_free(sc);
  free(t);
  model_diag_free(diag);
  import_draft_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_claims_and_policies),
    cmocka_unit_test(test_no_policy_is_placeholder),
    cmocka_unit_test(test_bad_backup),
    cmocka_unit_test(test_multi_document_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
