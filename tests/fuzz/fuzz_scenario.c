/*
** tests/fuzz/fuzz_scenario.c — libFuzzer target for the scenario loader
** (YAML tree, overrides, validation, summary). Built with clang and
** -fsanitize=fuzzer,address,undefined when DRSIM_FUZZ=ON; run it with
** scripts/fuzz-scenarios.sh SECONDS.
**
** Leading lines of the form "#set key.path=value" (YAML comments, so the
** scenario text is unchanged) are also applied as --set overrides, so the
** fuzzer reaches the override paths from the same inputs.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario.h"

#define MAX_OVERRIDES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  char *ov[MAX_OVERRIDES];
  size_t n_ov = 0, pos = 0;
  while (n_ov < MAX_OVERRIDES && size - pos > 5 && memcmp(text + pos, "#set ", 5) == 0) {
    const char *nl = memchr(text + pos, '\n', size - pos);
    size_t end = nl ? (size_t)(nl - text) : size;
    size_t len = end - pos - 5;
    ov[n_ov] = malloc(len + 1);
    if (!ov[n_ov]) break;
    memcpy(ov[n_ov], text + pos + 5, len);
    ov[n_ov][len] = '\0';   /* an embedded NUL just shortens the override */
    n_ov++;
    pos = nl ? end + 1 : end;
  }
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  if (d) {
    model_scenario_load_string(text, size, "fuzz.yaml", (const char *const *)ov, n_ov, &sc, d);
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
      if (sc) model_scenario_print_summary(sc, sink);
      model_diag_print(d, sink);
      fclose(sink);
    }
  }
  /* a loaded scenario must be internally consistent */
  if (sc) {
    for (size_t w = 0; w < sc->n_workflows; w++)
      if (!sc->workflows[w].topo || sc->workflows[w].environment < 0 ||
          (size_t)sc->workflows[w].environment >= sc->n_environments)
        abort();
    for (size_t c = 0; c < sc->n_components; c++)
      if (sc->components[c].region < 0 || (size_t)sc->components[c].region >= sc->n_regions)
        abort();
  }
  model_scenario_free(sc);
  model_diag_free(d);
  for (size_t i = 0; i < n_ov; i++) free(ov[i]);
  return 0;
}
