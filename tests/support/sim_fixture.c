/*
** tests/support/sim_fixture.c — see sim_fixture.h.
*/
#include "tests/support/sim_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/diag.h"

sim_fixture *sim_fixture_load(const char *yaml) {
  model_diag *diag = model_diag_new();
  sim_fixture *f = calloc(1, sizeof *f);
  assert_non_null(diag);
  assert_non_null(f);
  if (model_scenario_load_string(yaml, strlen(yaml), "test.yaml", NULL, 0, &f->sc, diag) != 0) {
    model_diag_print(diag, stdout);
    fprintf(stdout, "---\n%s---\n", yaml);
    fail_msg("scenario did not load");
  }
  model_diag_free(diag);
  assert_non_null(f->sim = model_disaster_sim_new(f->sc));
  assert_non_null(f->rec = malloc(model_outcome_size(f->sc)));
  f->v = model_outcome_view(f->sc, f->rec);
  return f;
}

void sim_fixture_free(sim_fixture *f) {
  if (!f) return;
  model_disaster_sim_free(f->sim);
  model_scenario_free(f->sc);
  free(f->rec);
  free(f);
}

void sim_fixture_run(sim_fixture *f, uint64_t seed, uint64_t trial) {
  assert_int_equal(model_disaster_sim_trial(f->sim, seed, trial, f->rec, NULL, NULL), 0);
}

char *sim_fixture_load_error(const char *yaml) {
  model_diag *diag = model_diag_new();
  model_scenario *sc = NULL;
  assert_non_null(diag);
  assert_int_equal(model_scenario_load_string(yaml, strlen(yaml), "test.yaml", NULL, 0, &sc, diag),
                   -1);
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  assert_non_null(m);
  model_diag_print(diag, m);
  fclose(m);
  model_diag_free(diag);
  return buf;
}
