/*
** tests/test_study_point.c — study/point.c and study/run.c: every point of
** a sweep grid (study/grid.h) is the run `drsim run --set` would make: the
** same seed and overrides give the same trials, bit for bit, whatever the
** thread count; the point's in-memory values are its stored trials; the
** scenario input is read once and loads every point; shards K/N cut the
** trials into consecutive slices that add up to the whole.
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
#include "study/grid.h"
#include "study/input.h"
#include "study/point.h"
#include "study/run.h"

#define EXPO DRSIM_SOURCE_DIR "/tests/data/size-exponential.yaml"
#define TRIALS 2500

static char dir[64], db[128];

static report_store *open_db(void) {
  snprintf(dir, sizeof dir, "/tmp/drsim-study-point-XXXXXX");
  assert_non_null(mkdtemp(dir));
  snprintf(db, sizeof db, "%s/x.db", dir);
  report_store *st = NULL;
  report_error rerr;
  assert_int_equal(report_store_open(db, REPORT_STORE_READWRITE, &st, &rerr), REPORT_OK);
  return st;
}

static void close_db(report_store *st) {
  report_store_close(st);
  char side[160];
  unlink(db);
  snprintf(side, sizeof side, "%s-wal", db);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", db);
  unlink(side);
  rmdir(dir);
}

/* `drsim run --set OV --seed 11 --trials TRIALS --threads 1` into st. */
static int64_t single_run(report_store *st, const study_input *in, const char *ov) {
  model_scenario *sc = NULL;
  model_diag *d = model_diag_new();
  const char *ovs[1] = {ov};
  assert_int_equal(study_input_load(in, ovs, 1, NULL, &sc, d), STUDY_OK);
  model_diag_free(d);
  study_run_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.sc = sc;
  spec.text = study_input_text(in);
  spec.overrides = ovs;
  spec.n_overrides = 1;
  spec.seed_given = spec.trials_given = 1;
  spec.seed = 11;
  spec.trials = TRIALS;
  spec.detail = "summary";
  spec.threads = 1;
  study_run *r = NULL;
  study_error err;
  assert_int_equal(study_run_new(&spec, &r, &err), STUDY_OK);
  assert_int_equal(study_run_begin(r, st, &err), STUDY_OK);
  study_run_exec_opts eo = {1, NULL, NULL, NULL, NULL, NULL};
  assert_int_equal(study_run_execute(r, &eo, &err), STUDY_OK);
  assert_int_equal(study_run_delivered(r), TRIALS);
  int64_t id = study_run_id(r);
  study_run_free(r);
  model_scenario_free(sc);
  return id;
}

static double *column(report_store *st, int64_t run, size_t *n) {
  double *col = NULL;
  report_error rerr;
  assert_int_equal(report_store_trial_column(st, run, "app", "rto_s", &col, n, &rerr), REPORT_OK);
  return col;
}

static void test_points_equal_single_runs(void **state) {
  (void)state;
  report_store *st = open_db();
  model_diag *d = model_diag_new();
  study_input *in = NULL;
  assert_int_equal(study_input_read(EXPO, &in, d), STUDY_OK);
  model_scenario *base = NULL;
  assert_int_equal(study_input_load(in, NULL, 0, NULL, &base, d), STUDY_OK);
  model_diag_free(d);
  study_target t;
  char msg[300];
  assert_int_equal(study_target_parse(base, "app.rto", 0, &t, msg, sizeof msg), 0);
  study_grid_axis axis;
  assert_int_equal(study_grid_axis_parse("standby.pool.warm_nodes=0,3..5/2,8", &axis, msg,
                                         sizeof msg), 0);
  size_t n_points = 0;
  assert_int_equal(study_grid_size(&axis, 1, &n_points, msg, sizeof msg), 0);
  assert_int_equal(n_points, 4);
  for (size_t pt = 0; pt < n_points; pt++) {
    size_t idx;
    study_grid_index(&axis, 1, pt, &idx);
    char *ov = study_grid_override(&axis, idx);
    assert_non_null(ov);
    const char *ovs[1] = {ov};
    study_point p;
    memset(&p, 0, sizeof p);
    p.cmd = "test";
    p.scenario_path = EXPO;
    p.scenario_text = study_input_text(in);
    p.overrides = ovs;
    p.n_overrides = 1;
    p.seed_given = p.trials_given = 1;
    p.seed = 11;
    p.trials = TRIALS;
    p.threads = 2;
    p.store = st;
    p.sweep_id = 1;
    p.point = (int64_t)pt;
    p.detail = "summary";
    p.collect = &t;
    study_error err;
    assert_int_equal(study_point_run(&p, &err), STUDY_OK);
    int64_t run = single_run(st, in, ov);
    size_t na = 0, nb = 0;
    double *a = column(st, p.run_id, &na), *b = column(st, run, &nb);
    assert_int_equal(na, TRIALS);
    assert_int_equal(nb, TRIALS);
    assert_int_equal(p.n_values, TRIALS);
    for (size_t i = 0; i < na; i++) {
      if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i]))))
        fail_msg("%s, trial %zu: point %.17g, run %.17g", ov, i, a[i], b[i]);
      assert_true(p.values[i] == a[i]);   /* in memory = stored */
    }
    free(a);
    free(b);
    free(ov);
    study_point_clear(&p);
  }
  study_grid_axis_free(&axis);
  model_scenario_free(base);
  study_input_free(in);
  close_db(st);
}

static void test_shards(void **state) {
  (void)state;
  uint64_t k, n;
  assert_int_equal(study_run_parse_shard("2/8", &k, &n), 0);
  assert_true(k == 2 && n == 8);
  assert_int_equal(study_run_parse_shard("0/8", &k, &n), -1);
  assert_int_equal(study_run_parse_shard("9/8", &k, &n), -1);
  assert_int_equal(study_run_parse_shard("2/", &k, &n), -1);
  model_diag *d = model_diag_new();
  study_input *in = NULL;
  model_scenario *sc = NULL;
  assert_int_equal(study_input_read(EXPO, &in, d), STUDY_OK);
  assert_int_equal(study_input_load(in, NULL, 0, NULL, &sc, d), STUDY_OK);
  model_diag_free(d);
  /* 7 shards of 1000 trials: consecutive, no gap, no overlap */
  uint64_t next = 0;
  for (uint64_t s = 1; s <= 7; s++) {
    study_run_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.sc = sc;
    spec.text = study_input_text(in);
    spec.trials_given = 1;
    spec.trials = 1000;
    spec.shard_k = s;
    spec.shard_n = 7;
    study_run *r = NULL;
    study_error err;
    assert_int_equal(study_run_new(&spec, &r, &err), STUDY_OK);
    assert_int_equal(study_run_first_trial(r), next);
    assert_true(study_run_trials(r) >= 142 && study_run_trials(r) <= 143);
    assert_int_equal(study_run_seed(r), sc->seed);   /* the scenario's when not given */
    next += study_run_trials(r);
    study_run_free(r);
  }
  assert_int_equal(next, 1000);
  /* an override with a line break is refused before anything is stored */
  const char *bad[1] = {"seed=1\nseed=2"};
  study_run_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.sc = sc;
  spec.overrides = bad;
  spec.n_overrides = 1;
  study_run *r = NULL;
  study_error err;
  assert_int_equal(study_run_new(&spec, &r, &err), STUDY_EINPUT);
  assert_null(r);
  assert_non_null(strstr(err.text, "line break"));
  model_scenario_free(sc);
  study_input_free(in);
}

static void test_input_read_once(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  study_input *in = NULL;
  assert_int_equal(study_input_read(DRSIM_SOURCE_DIR "/no-such.yaml", &in, d), STUDY_EINPUT);
  assert_null(in);
  assert_true(model_diag_count(d) > 0);
  model_diag_free(d);
  /* from a text: loads as the file would, named as the path */
  char *text = NULL;
  {
    FILE *f = fopen(EXPO, "rb");
    assert_non_null(f);
    text = calloc(1, 1 << 16);
    assert_non_null(text);
    size_t got = fread(text, 1, (1 << 16) - 1, f);
    assert_true(got > 0);
    fclose(f);
  }
  assert_int_equal(study_input_from_text("-", text, &in), STUDY_OK);
  free(text);
  assert_string_equal(study_input_name(in), "<stdin>");
  d = model_diag_new();
  model_scenario *sc = NULL;
  const char *ov[1] = {"standby.pool.warm_nodes=99"};
  assert_int_equal(study_input_load(in, ov, 1, NULL, &sc, d), STUDY_EINPUT);
  assert_null(sc);
  assert_true(model_diag_count(d) > 0);
  assert_string_equal(model_diag_file(d, 0), "<stdin>");
  model_diag_free(d);
  char *folder = study_input_folder(in);
  assert_non_null(folder);
  assert_true(folder[0] == '/');
  free(folder);
  study_input_free(in);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_points_equal_single_runs),
    cmocka_unit_test(test_shards),
    cmocka_unit_test(test_input_read_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
