/*
** tests/test_study_explain_run.c — study/explain_run.c on a small scenario
** (tests/data/explain-off-hours.yaml: one manual approval that waits 10 h
** off hours): the stored run's trials reproduce; a counterfactual `--try`
** gives, trial for trial, what a stored run of the scenario with that
** override gives (common random numbers); --what-if removes the off-hours
** condition and meets more; a stored value changed by hand, a missing run,
** a --try without '=' and a raised stop flag are refused with the right
** status. The lead of `drsim report` is the sentence of `drsim explain
** --what-if --top 1` for the objective, and none (with a note) when the
** run does not reproduce.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/diag.h"
#include "study/explain_run.h"
#include "study/input.h"
#include "study/point.h"
#include "tests/support/report_fixture.h"

#define SCEN DRSIM_SOURCE_DIR "/tests/data/explain-off-hours.yaml"
#define TRIALS 1500
#define TRY "workflows.app.steps.approve.off_hours=1m"

static char *dir;
static char db[512];

/* A stored run of SCEN (with `ov` if not NULL) in db; its RTO values. */
static int64_t stored_run(const char *ov, double **rto) {
  model_diag *d = model_diag_new();
  study_input *in = NULL;
  assert_int_equal(study_input_read(SCEN, &in, d), STUDY_OK);
  model_scenario *base = NULL;
  assert_int_equal(study_input_load(in, NULL, 0, NULL, &base, d), STUDY_OK);
  study_target t;
  char msg[300];
  assert_int_equal(study_target_parse(base, "app.rto", 0, &t, msg, sizeof msg), 0);
  report_store *st = NULL;
  report_error rerr;
  assert_int_equal(report_store_open(db, REPORT_STORE_READWRITE, &st, &rerr), REPORT_OK);
  const char *ovs[1] = {ov};
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "test";
  p.scenario_path = SCEN;
  p.scenario_text = study_input_text(in);
  p.overrides = ovs;
  p.n_overrides = ov ? 1 : 0;
  p.seed_given = p.trials_given = 1;
  p.seed = 5;
  p.trials = TRIALS;
  p.threads = 2;
  p.store = st;
  p.point = -1;
  p.detail = "summary";
  p.collect = &t;
  study_error err;
  assert_int_equal(study_point_run(&p, &err), STUDY_OK);
  int64_t id = p.run_id;
  *rto = malloc(TRIALS * sizeof **rto);
  assert_non_null(*rto);
  memcpy(*rto, p.values, TRIALS * sizeof **rto);
  study_point_clear(&p);
  report_store_close(st);
  model_scenario_free(base);
  study_input_free(in);
  model_diag_free(d);
  return id;
}

static int diags;
static void count_diag(void *ctx, const model_diag *d) {
  (void)ctx;
  (void)d;
  diags++;
}

static study_explain_spec spec_of(int64_t run) {
  study_explain_spec s;
  memset(&s, 0, sizeof s);
  s.db_path = db;
  s.run_given = 1;
  s.run_id = run;
  s.env = "app";
  s.metric = STUDY_EXPLAIN_RTO;
  s.top = 10;
  s.threads = 2;
  s.on_diag = count_diag;
  return s;
}

static int setup(void **state) {
  (void)state;
  dir = fixture_tmpdir_new();
  snprintf(db, sizeof db, "%s/x.db", dir);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fixture_tmpdir_remove(dir);
  return 0;
}

static void test_counterfactual_is_a_run(void **state) {
  (void)state;
  double *rto = NULL, *rto_try = NULL;
  int64_t run = stored_run(NULL, &rto);
  int64_t run_try = stored_run(TRY, &rto_try);
  assert_true(run_try > run);
  const char *tries[1] = {TRY};
  study_explain_spec s = spec_of(run);
  s.what_if = 1;
  s.tries = tries;
  s.n_tries = 1;
  study_explain_run *r = NULL;
  study_error err;
  assert_int_equal(study_explain_run_go(&s, &r, &err), STUDY_OK);
  const study_explain *x = study_explain_run_analysis(r);
  assert_int_equal(study_explain_run_stored(r)->id, run);
  double obj = study_explain_objective(x);
  assert_true(obj == 2 * 3600);
  /* the run itself: its stored RTO against the objective, trial by trial */
  uint64_t missed = 0;
  for (uint64_t t = 0; t < TRIALS; t++) {
    int want = rto[t] <= obj ? 2 : 1;
    assert_int_equal(study_explain_trial_state(x, -1, t), want);
    missed += want == 1;
  }
  assert_int_equal(study_explain_missed(x), missed);
  assert_true(missed > 0);
  /* --what-if first (the off-hours approval), then the --try, last */
  size_t nw = study_explain_whatif_count(x);
  assert_true(nw >= 2);
  const study_explain_whatif *w0 = study_explain_whatif_get(x, 0);
  assert_non_null(strstr(w0->label, "off hours"));
  assert_true(w0->p_meet.est > study_explain_p_meet(x).est);
  const study_explain_whatif *wt = study_explain_whatif_get(x, nw - 1);
  assert_string_equal(wt->label, "with " TRY);
  for (uint64_t t = 0; t < TRIALS; t++)
    assert_int_equal(study_explain_trial_state(x, (long)(nw - 1), t), rto_try[t] <= obj ? 2 : 1);
  assert_int_equal(diags, 0);
  study_explain_run_free(r);
  free(rto);
  free(rto_try);
}

static void test_refusals(void **state) {
  (void)state;
  double *rto = NULL;
  int64_t run = stored_run(NULL, &rto);
  free(rto);
  study_explain_run *r = NULL;
  study_error err;
  /* no such run */
  study_explain_spec s = spec_of(run + 100);
  assert_int_equal(study_explain_run_go(&s, &r, &err), STUDY_EINPUT);
  study_explain_run_free(r);
  /* no such environment */
  s = spec_of(run);
  s.env = "nosuch";
  assert_int_equal(study_explain_run_go(&s, &r, &err), STUDY_EINPUT);
  assert_non_null(strstr(err.text, "no environment 'nosuch'"));
  study_explain_run_free(r);
  /* a --try without '=' */
  const char *bad[1] = {"nosuch"};
  s = spec_of(run);
  s.tries = bad;
  s.n_tries = 1;
  assert_int_equal(study_explain_run_go(&s, &r, &err), STUDY_EINPUT);
  assert_string_equal(err.text, "--try 'nosuch' is not PATH=VALUE");
  study_explain_run_free(r);
  /* a --try that does not load: its diagnostics go to the callback */
  const char *unknown[1] = {"nosuch.path=3"};
  s.tries = unknown;
  diags = 0;
  assert_int_equal(study_explain_run_go(&s, &r, &err), STUDY_EINPUT);
  assert_int_equal(diags, 1);
  study_explain_run_free(r);
  /* stopped */
  volatile sig_atomic_t stop = 1;
  s = spec_of(run);
  s.stop_flag = &stop;
  assert_int_equal(study_explain_run_go(&s, &r, &err), STUDY_INTERRUPTED);
  study_explain_run_free(r);
  /* a stored value changed by hand: trial 7 does not reproduce */
  sqlite3 *h = NULL;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  char sql[200];
  snprintf(sql, sizeof sql, "UPDATE trials SET rto_s = rto_s + 1 WHERE run_id = %lld AND "
           "trial = 7", (long long)run);
  assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  s = spec_of(run);
  assert_int_equal(study_explain_run_go(&s, &r, &err), STUDY_EINPUT);
  assert_non_null(strstr(err.text, "trial 7 of run"));
  assert_non_null(strstr(err.text, "does not reproduce"));
  study_explain_run_free(r);
}

static report_store *open_ro(void) {
  report_store *st = NULL;
  report_error rerr;
  assert_int_equal(report_store_open(db, REPORT_STORE_READONLY, &st, &rerr), REPORT_OK);
  return st;
}

static void test_leads(void **state) {
  (void)state;
  double *rto = NULL;
  int64_t run = stored_run(NULL, &rto);
  free(rto);
  /* drsim explain --what-if --top 1: the top condition removed */
  study_explain_spec s = spec_of(run);
  s.what_if = 1;
  s.top = 1;
  study_explain_run *r = NULL;
  study_error err;
  assert_int_equal(study_explain_run_go(&s, &r, &err), STUDY_OK);
  assert_int_equal(study_explain_whatif_count(study_explain_run_analysis(r)), 1);
  char want[2048];
  study_explain_sentence(study_explain_run_analysis(r), want, sizeof want);
  report_store *st = open_ro();
  char **leads = NULL, note[600];
  size_t n = 0;
  assert_int_equal(study_explain_run_leads(st, study_explain_run_stored(r), 2, &leads, &n, note,
                                           sizeof note), STUDY_OK);
  assert_string_equal(note, "");
  assert_int_equal(n, 1);   /* the scenario has one objective that counts: app's RTO */
  assert_string_equal(leads[0], want);
  study_explain_run_leads_free(leads, n);
  report_store_close(st);
  /* a run that does not reproduce: no lead, a note */
  sqlite3 *h = NULL;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "UPDATE trials SET rto_s = rto_s + 1 WHERE trial = 3", NULL,
                                NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  st = open_ro();
  assert_int_equal(study_explain_run_leads(st, study_explain_run_stored(r), 2, &leads, &n, note,
                                           sizeof note), STUDY_OK);
  assert_int_equal(n, 0);
  assert_string_equal(note, "the run's trials do not reproduce with this build of drsim");
  study_explain_run_leads_free(leads, n);
  report_store_close(st);
  study_explain_run_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_counterfactual_is_a_run, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
    cmocka_unit_test_setup_teardown(test_leads, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
