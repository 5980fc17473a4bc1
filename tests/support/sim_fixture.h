/*
** tests/support/sim_fixture.h — a scenario loaded from YAML text with a
** disaster-mode simulator and one trial record, for the tests that run
** trials in-process (tests/test_model_calendar.c, tests/test_model_team.c),
** and the text of the errors a scenario that must not load gives.
**
** The functions check their own steps with cmocka assertions, so they are
** to be called from inside a cmocka test only.
*/
#ifndef DRSIM_TESTS_SUPPORT_SIM_FIXTURE_H
#define DRSIM_TESTS_SUPPORT_SIM_FIXTURE_H

#include <stdint.h>
#include "models/disaster_sim.h"
#include "models/outcome.h"
#include "models/scenario.h"

typedef struct sim_fixture {
  model_scenario *sc;
  model_disaster_sim *sim;
  void *rec;                /* one record of model_outcome_size(sc) bytes */
  model_trial_view v;       /* views of rec */
} sim_fixture;

/* Load yaml (fails the test, printing the diagnostics, when it does not
** load) and make its simulator and record. */
sim_fixture *sim_fixture_load(const char *yaml);

void sim_fixture_free(sim_fixture *f);

/* Run trial `trial` with run seed `seed` into f->rec (fails the test on error). */
void sim_fixture_run(sim_fixture *f, uint64_t seed, uint64_t trial);

/* The diagnostics of a scenario that must fail to load, as printed
** (malloc'ed; fails the test when it loads). */
char *sim_fixture_load_error(const char *yaml);

#endif
