/*
** tests/test_study_candidate.c — study/candidate.c: one candidate of
** `drsim optimize` is the stored run `drsim run --set ...` of its options
** would make (same seed: the same trials), its checks are the constraints'
** checks on that run's values, its losses one per trial; a candidate whose
** overrides do not load stops with STUDY_EINPUT and the diagnostics.
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
#include <unistd.h>

#include "models/diag.h"
#include "study/candidate.h"
#include "study/input.h"
#include "study/point.h"
#include "tests/support/report_fixture.h"

#define SMALL DRSIM_SOURCE_DIR "/tests/data/optimize-small.yaml"
#define TRIALS 600

static int runs;
static void on_run(void *ctx, int64_t run_id, uint64_t trials) {
  (void)ctx;
  assert_true(run_id > 0);
  assert_int_equal(trials, TRIALS);
  runs++;
}

static void test_candidate(void **state) {
  (void)state;
  char *dir = fixture_tmpdir_new(), db[512];
  snprintf(db, sizeof db, "%s/x.db", dir);
  model_diag *d = model_diag_new();
  study_input *in = NULL;
  assert_int_equal(study_input_read(SMALL, &in, d), STUDY_OK);
  model_scenario *sc = NULL;
  assert_int_equal(study_input_load(in, NULL, 0, NULL, &sc, d), STUDY_OK);
  study_constraint cons[2];
  char err[300];
  assert_int_equal(study_constraint_parse(sc, "app.rto.p95<=4h", &cons[0], err, sizeof err), 0);
  assert_int_equal(study_constraint_parse(sc, "app.rto.p_meet>=80%", &cons[1], err, sizeof err), 0);
  study_opt_decision dec;
  memset(&dec, 0, sizeof dec);
  dec.name = strdup("standby.pool.warm_nodes");
  const char *o0[1] = {"standby.pool.warm_nodes=0"}, *o3[1] = {"standby.pool.warm_nodes=3"};
  const char *bad[1] = {"standby.pool.nosuch=1"};
  assert_int_equal(study_opt_decision_add(&dec, "0", o0, 1), 0);
  assert_int_equal(study_opt_decision_add(&dec, "3", o3, 1), 0);
  assert_int_equal(study_opt_decision_add(&dec, "bad", bad, 1), 0);
  study_candidate_ctx cx;
  memset(&cx, 0, sizeof cx);
  cx.scenario_path = SMALL;
  cx.scenario_text = study_input_text(in);
  cx.dec = &dec;
  cx.n_dec = 1;
  cx.cons = cons;
  cx.n_cons = 2;
  cx.seed_given = 1;
  cx.seed = 3;
  cx.threads = 2;
  cx.on_run = on_run;
  study_error serr;
  assert_int_equal(study_point_open_store(db, &cx.store, &cx.sweep_id, &serr), STUDY_OK);
  size_t choice = 1;
  study_opt_eval e;
  memset(&e, 0, sizeof e);
  assert_int_equal(study_candidate_eval(&cx, &choice, TRIALS, 0, &e), 0);
  assert_int_equal(runs, 1);
  assert_int_equal(e.trials, TRIALS);
  assert_true(e.run_id > 0);
  assert_non_null(e.losses);
  assert_non_null(e.checks);
  /* the same point run directly: the same values, the same checks */
  study_target t;
  assert_int_equal(study_target_parse(sc, "app.rto", 0, &t, err, sizeof err), 0);
  study_point p;
  memset(&p, 0, sizeof p);
  p.scenario_path = SMALL;
  p.scenario_text = study_input_text(in);
  p.overrides = o3;
  p.n_overrides = 1;
  p.seed_given = p.trials_given = 1;
  p.seed = 3;
  p.trials = TRIALS;
  p.threads = 1;
  p.point = -1;
  p.detail = "summary";
  p.collect = &t;
  assert_int_equal(study_point_run(&p, &serr), STUDY_OK);
  for (size_t c = 0; c < 2; c++) {
    double *v = malloc(TRIALS * sizeof *v);
    assert_non_null(v);
    memcpy(v, p.values, TRIALS * sizeof *v);
    study_opt_check k;
    study_constraint_check(&cons[c], v, TRIALS, &k);
    assert_true(k.estimate == e.checks[c].estimate);
    assert_true(k.bound == e.checks[c].bound);
    assert_true(k.p_meet == e.checks[c].p_meet);
    assert_int_equal(k.meets, e.checks[c].meets);
    free(v);
  }
  study_point_clear(&p);
  free(e.losses);
  free(e.checks);
  /* overrides that do not load */
  choice = 2;
  memset(&e, 0, sizeof e);
  assert_int_equal(study_candidate_eval(&cx, &choice, TRIALS, 1, &e), 1);
  assert_int_equal(cx.status, STUDY_EINPUT);
  assert_non_null(cx.failed_diag);
  assert_true(model_diag_count(cx.failed_diag) > 0);
  assert_int_equal(runs, 1);
  study_candidate_clear(&cx);
  assert_null(cx.failed_diag);
  report_store_close(cx.store);
  study_opt_decision_clear(&dec);
  model_scenario_free(sc);
  study_input_free(in);
  model_diag_free(d);
  fixture_tmpdir_remove(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_candidate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
