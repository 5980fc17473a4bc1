/*
** tests/test_import_splice.c — splicing a draft into a scenario
** (import/splice.c): items are appended with their comments, the
** scenario's own lines stay as they were, items it already has are kept,
** new environments get their objectives, regions come along only when a
** copied item uses them; flow-style lists and a different primary region
** are refused at file:line:col.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/gha.h"
#include "import/splice.h"
#include "models/scenario.h"
#include "tests/support/import_fixture.h"

#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"

static char *gha_draft(const char *env, const char *primary, const char *standby) {
  size_t len;
  char *src = import_fixture_data("gha-failover.yml", &len);
  import_draft *d = import_draft_new("t", NULL);
  if (primary) import_draft_add_region(d, primary, 1, NULL);
  if (standby) import_draft_add_region(d, standby, 0, NULL);
  model_diag *diag = model_diag_new();
  import_gha_options o = {env, NULL, 0, NULL, 0};
  assert_int_equal(import_gha(src, len, "gha-failover.yml", &o, d, NULL, diag), 0);
  char *text = import_draft_text(d, NULL);
  import_draft_free(d);
  model_diag_free(diag);
  free(src);
  return text;
}

static char *splice(const char *dst, const char *src, int want_rc, char **notes, model_diag **diag_out) {
  model_diag *diag = model_diag_new();
  char *out = NULL, *nt = NULL;
  size_t nl = 0;
  FILE *nf = open_memstream(&nt, &nl);
  int rc = import_splice(dst, strlen(dst), "s.yaml", src, strlen(src), "draft", &out, nf, diag);
  fclose(nf);
  if (rc != want_rc) model_diag_print(diag, stderr);
  assert_int_equal(rc, want_rc);
  if (notes) *notes = nt;
  else free(nt);
  if (diag_out) *diag_out = diag;
  else model_diag_free(diag);
  return out;
}

/* Every line of a appears in b, in the same order. */
static void assert_lines_kept(const char *a, const char *b) {
  const char *pa = a, *pb = b;
  while (*pa) {
    const char *nl = strchr(pa, '\n');
    size_t n = nl ? (size_t)(nl - pa) + 1 : strlen(pa);
    const char *found = NULL;
    for (const char *q = pb; *q && !found;) {
      const char *qnl = strchr(q, '\n');
      size_t m = qnl ? (size_t)(qnl - q) + 1 : strlen(q);
      if (m == n && memcmp(q, pa, n) == 0) found = q + m;
      q += m;
    }
    if (!found) fail_msg("line lost: %.*s", (int)n, pa);
    pb = found;
    pa += n;
  }
}

static void test_new_environment_into_reference(void **state) {
  (void)state;
  char *ref = import_fixture_read(REFERENCE, NULL);
  char *draft = gha_draft("qa", "eastus", "westus2");
  char *notes = NULL;
  char *out = splice(ref, draft, 0, &notes, NULL);
  assert_string_equal(notes, "");
  assert_lines_kept(ref, out);
  model_scenario *sc = import_fixture_load(out);
  int e = model_scenario_find_environment(sc, "qa");
  assert_true(e >= 0);
  int w = model_scenario_find_workflow(sc, "qa");
  assert_true(w >= 0);
  assert_int_equal(sc->workflows[w].n_steps, 10);
  assert_int_equal(sc->n_regions, 3);               /* nothing new: the draft has no components */
  assert_non_null(strstr(out, "qa: {rto: 4h}   # PLACEHOLDER"));
  model_scenario_free(sc);
  free(out);
  free(notes);

  /* production already has its workflow: kept, the draft's dropped */
  free(draft);
  draft = gha_draft("production", "eastus", "westus2");
  out = splice(ref, draft, 0, &notes, NULL);
  assert_string_equal(notes, "note: s.yaml already has a workflow for environment 'production'; kept it, the draft's is dropped\n");
  assert_string_equal(out, ref);
  free(out);
  free(notes);
  free(draft);
  free(ref);
}

static void test_regions_and_sections(void **state) {
  (void)state;
  const char *dst = "version: 1\nname: s\nobjectives:\n    production: {rto: 1h}\nregions:\n"
                    "    - {name: eastus, role: primary}\n    - {name: westus2, role: standby}\n"
                    "# trailing comment of the file\n";
  const char *src = "version: 1\nname: d\nobjectives:\n  production: {rto: 4h}\n  staging: {rto: 4h}\n"
                    "regions:\n  - {name: eastus, role: primary}\n  - {name: westus, role: standby}\n"
                    "  - {name: unused, role: standby}\n"
                    "components:\n  - name: st   # a comment that must survive\n    environment: staging\n"
                    "    region: eastus\n    replication: {mode: async, to: westus, lag: 1m}\n";
  char *out = splice(dst, src, 0, NULL, NULL);
  assert_string_equal(out,
    "version: 1\nname: s\nobjectives:\n    production: {rto: 1h}\n    staging: {rto: 4h}\nregions:\n"
    "    - {name: eastus, role: primary}\n    - {name: westus2, role: standby}\n"
    "    - {name: westus, role: standby}\n"
    "# trailing comment of the file\n"
    "\ncomponents:\n  - name: st   # a comment that must survive\n    environment: staging\n"
    "    region: eastus\n    replication: {mode: async, to: westus, lag: 1m}\n");
  model_scenario *sc = import_fixture_load(out);
  model_scenario_free(sc);
  free(out);
}

static void test_refusals(void **state) {
  (void)state;
  const char *flow = "version: 1\nname: s\nobjectives: {production: {rto: 1h}}\n"
                     "regions: [{name: eastus, role: primary}, {name: westus2, role: standby}]\n"
                     "components: []\n";
  const char *src = "objectives:\n  production: {rto: 4h}\ncomponents:\n  - name: x\n    region: eastus\n";
  model_diag *diag = NULL;
  char *out = splice(flow, src, -1, NULL, &diag);
  assert_null(out);
  assert_int_equal(model_diag_line(diag, 0), 5);
  assert_int_equal(model_diag_col(diag, 0), 13);
  assert_non_null(strstr(model_diag_message(diag, 0), "block list"));
  model_diag_free(diag);

  const char *dst = "version: 1\nname: s\nobjectives:\n  production: {rto: 1h}\nregions:\n"
                    "  - {name: eastus, role: primary}\n  - {name: westus2, role: standby}\n";
  const char *other = "regions:\n  - {name: primary-region, role: primary}\ncomponents:\n"
                      "  - name: x\n    region: primary-region\n";
  out = splice(dst, other, -1, NULL, &diag);
  assert_int_equal(model_diag_line(diag, 0), 2);
  assert_non_null(strstr(model_diag_message(diag, 0), "not s.yaml's primary 'eastus'"));
  model_diag_free(diag);

  out = splice("- a\n", other, -1, NULL, &diag);
  assert_non_null(strstr(model_diag_message(diag, 0), "not a scenario"));
  model_diag_free(diag);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_new_environment_into_reference),
    cmocka_unit_test(test_regions_and_sections),
    cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
