/*
** tests/fuzz/fuzz_import.c — libFuzzer target for the importers: the input
** is read as a GitHub Actions workflow, a Terraform state (JSON) and a
** Kubernetes manifest file; each draft that comes out is loaded as a
** scenario (it may be refused: a workflow whose needs form a cycle is bad
** input the loader reports) and spliced into a small scenario. Built with DRSIM_FUZZ=ON; run with
** scripts/fuzz-import.sh SECONDS.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/gha.h"
#include "import/k8s.h"
#include "import/splice.h"
#include "import/terraform.h"
#include "models/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
  "version: 1\nname: base\nobjectives:\n  production: {rto: 1h}\nregions:\n"
  "  - {name: eastus, role: primary}\n  - {name: westus2, role: standby}\n"
  "components:\n  - name: keep\n    region: eastus\n";

static void check(import_draft *d, int rc) {
  if (rc != 0) return;
  size_t len = 0;
  char *text = import_draft_text(d, &len);
  if (!text) return;
  model_diag *diag = model_diag_new();
  model_scenario *sc = NULL;
  if (diag && model_scenario_load_string(text, len, "draft", NULL, 0, &sc, diag) == 0) model_scenario_free(sc);
  char *merged = NULL;
  if (diag && import_splice(base, sizeof base - 1, "base", text, len, "draft", &merged, NULL, diag) == 0)
    free(merged);
  model_diag_free(diag);
  free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  FILE *null = fopen("/dev/null", "w");
  for (int kind = 0; kind < 3; kind++) {
    import_draft *d = import_draft_new("fuzz", NULL);
    model_diag *diag = model_diag_new();
    if (!d || !diag) {
      import_draft_free(d);
      model_diag_free(diag);
      continue;
    }
    int rc = -1;
    if (kind == 0) {
      const char *gates[] = {"production"};
      import_gha_options o = {"production", gates, 1, NULL, 0};
      rc = import_gha(text, size, "w.yml", &o, d, null, diag);
    } else if (kind == 1) {
      import_terraform_options o = {"production", NULL};
      rc = import_terraform(text, size, "s.json", &o, d, null, diag);
    } else {
      const char *backups[] = {"24h:30d", "premium=none"};
      import_k8s_options o = {"production", NULL, NULL, backups, 2};
      rc = import_k8s_text(text, size, "m.yaml", &o, d, null, diag);
    }
    check(d, rc);
    import_draft_free(d);
    model_diag_free(diag);
  }
  if (null) fclose(null);
  return 0;
}
