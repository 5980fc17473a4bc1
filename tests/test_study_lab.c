/*
** tests/test_study_lab.c — study/lab.c: per-trial values of a real
** evaluation, their statistics against the run's stored summary (n,
** P(meet), the CDF), and the paired change of P(meet) (hand-computed
** figures, the t interval from GSL, trials unaffected in either run left
** out, no objective, a run against itself); the evaluations and the
** baseline cache: a baseline is the direct evaluation, computed once per
** (seed, trials) and then served from the cache, the least recently used
** dropped beyond STUDY_LAB_CACHE, two threads asking for the same one at
** once get the same one (and the next computation is not blocked), a
** configuration that does not load or a poll that says stop.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "reports/stats.h"
#include "study/lab.h"
#include "models/diag.h"
#include "study/point.h"
#include "study/input.h"

#include <pthread.h>

#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"
#define TRIALS 300

static int observe(void *ctx, const model_scenario *sc, uint64_t first, size_t n,
                   const void *records) {
  study_lab_values_observe(ctx, sc, first, n, records);
  return 0;
}

/* One stored evaluation of the reference scenario into st, its values in lv. */
static int64_t evaluate(report_store *st, study_lab_values *lv, uint64_t seed) {
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "test";
  p.scenario_path = REFERENCE;
  p.seed_given = 1;
  p.seed = seed;
  p.trials_given = 1;
  p.trials = TRIALS;
  p.threads = 2;
  p.store = st;
  p.point = -1;
  p.detail = "summary";
  p.observe = observe;
  p.observe_ctx = lv;
  study_error err;
  assert_int_equal(study_point_run(&p, &err), STUDY_OK);
  study_lab_values_objectives(lv, p.sc);
  int64_t id = p.run_id;
  study_point_clear(&p);
  return id;
}

static void test_values_init(void **state) {
  (void)state;
  study_lab_values lv;
  study_error err;
  assert_int_equal(study_lab_values_init(&lv, 3, 5, &err), STUDY_OK);
  assert_int_equal(lv.n_env, 3);
  assert_int_equal(lv.n, 5);
  for (size_t i = 0; i < 3 * STUDY_LAB_METRICS * 5; i++) assert_true(isnan(lv.v[i]));
  study_lab_values_clear(&lv);
  assert_null(lv.v);
  study_lab_values_clear(NULL);
  assert_string_equal(study_lab_metric_name(0), "rto");
  assert_string_equal(study_lab_metric_name(1), "rpo");
}

/* The stats agree with the per-trial values: n is the affected trials,
** P(meet) the share of them at or below the objective (the stored summary's
** figure, computed from the store), the CDF rises to at most 1. */
static void test_stats_match_values(void **state) {
  (void)state;
  report_store *st = NULL;
  study_error err;
  assert_int_equal(study_lab_memory_store(&st, &err), STUDY_OK);
  model_scenario *sc = NULL;
  model_diag *d = model_diag_new();
  assert_int_equal(model_scenario_load_file(REFERENCE, NULL, 0, &sc, d), 0);
  model_diag_free(d);
  size_t n_env = sc->n_environments;
  model_scenario_free(sc);
  assert_true(n_env >= 1 && n_env <= STUDY_LAB_MAX_ENV);
  study_lab_values lv;
  assert_int_equal(study_lab_values_init(&lv, n_env, TRIALS, &err), STUDY_OK);
  int64_t run_id = evaluate(st, &lv, 11);
  json_t *stats = NULL, *summary = NULL;
  assert_int_equal(study_lab_stats(st, run_id, &lv, &stats, &summary, &err), STUDY_OK);
  assert_non_null(summary);
  assert_int_equal(json_array_size(stats), n_env);
  size_t checked = 0;   /* (env, metric) pairs with an objective and affected trials */
  for (size_t e = 0; e < n_env; e++) {
    json_t *per = json_array_get(stats, e);
    assert_int_equal(json_array_size(per), STUDY_LAB_METRICS);
    for (size_t m = 0; m < STUDY_LAB_METRICS; m++) {
      json_t *js = json_array_get(per, m);
      const double *v = lv.v + (e * STUDY_LAB_METRICS + m) * lv.n;
      uint64_t n = 0, meet = 0;
      for (uint64_t i = 0; i < lv.n; i++) {
        if (isnan(v[i])) continue;
        n++;
        meet += v[i] <= lv.objective[e][m];
      }
      assert_int_equal(json_integer_value(json_object_get(js, "n")), n);
      if (n && isfinite(lv.objective[e][m])) {
        double est = json_number_value(json_object_get(json_object_get(js, "p_meet"), "est"));
        assert_true(fabs(est - (double)meet / (double)n) < 1e-12);
        checked++;
      }
      json_t *cdf = json_object_get(js, "cdf");
      double prev_x = -INFINITY, prev_p = 0;
      for (size_t k = 0; k < json_array_size(cdf); k++) {
        double x = json_number_value(json_array_get(json_array_get(cdf, k), 0));
        double p = json_number_value(json_array_get(json_array_get(cdf, k), 1));
        assert_true(isfinite(x) && x > prev_x && p > prev_p && p <= 1.0);
        prev_x = x;
        prev_p = p;
      }
    }
    /* the same run against itself: no change in any trial */
    json_t *c = study_lab_paired_change(&lv, &lv, e, 0);
    if (isfinite(lv.objective[e][0])) {
      assert_true(json_number_value(json_object_get(c, "est")) == 0);
      assert_true(json_number_value(json_object_get(c, "lo")) == 0);
      assert_true(json_number_value(json_object_get(c, "hi")) == 0);
    }
    assert_int_equal(json_integer_value(json_object_get(c, "better")), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "worse")), 0);
    json_decref(c);
  }
  assert_true(checked >= 1);
  json_decref(stats);
  json_decref(summary);
  study_lab_values_clear(&lv);
  report_store_close(st);
}

/* Objective 10 s, trials (cur, base): (5, 20) better, (20, 20) same,
** (5, 5) same, (NaN, 5) left out: d = {1, 0, 0}. */
static void test_paired_change_figures(void **state) {
  (void)state;
  study_lab_values cur, base;
  study_error err;
  assert_int_equal(study_lab_values_init(&cur, 1, 4, &err), STUDY_OK);
  assert_int_equal(study_lab_values_init(&base, 1, 4, &err), STUDY_OK);
  const double x[4] = {5, 20, 5, NAN}, y[4] = {20, 20, 5, 5};
  for (size_t i = 0; i < 4; i++) {
    cur.v[i] = x[i];
    base.v[i] = y[i];
  }
  cur.objective[0][0] = base.objective[0][0] = 10;
  json_t *c = study_lab_paired_change(&cur, &base, 0, 0);
  assert_non_null(c);
  double est = json_number_value(json_object_get(c, "est"));
  double lo = json_number_value(json_object_get(c, "lo"));
  double hi = json_number_value(json_object_get(c, "hi"));
  assert_true(fabs(est - 1.0 / 3.0) < 1e-12);
  /* sd of {1, 0, 0} = sqrt(1/3); se = sd / sqrt(3) = 1/3 */
  double half = gsl_cdf_tdist_Qinv((1 - REPORT_STATS_LEVEL) / 2, 2) / 3.0;
  assert_true(fabs(lo - (est - half)) < 1e-9);
  assert_true(fabs(hi - (est + half)) < 1e-9);
  assert_int_equal(json_integer_value(json_object_get(c, "better")), 1);
  assert_int_equal(json_integer_value(json_object_get(c, "worse")), 0);
  json_decref(c);
  /* the reverse is worse in that trial */
  c = study_lab_paired_change(&base, &cur, 0, 0);
  assert_true(fabs(json_number_value(json_object_get(c, "est")) + 1.0 / 3.0) < 1e-12);
  assert_int_equal(json_integer_value(json_object_get(c, "better")), 0);
  assert_int_equal(json_integer_value(json_object_get(c, "worse")), 1);
  json_decref(c);
  /* no objective: no estimate */
  cur.objective[0][1] = base.objective[0][1] = INFINITY;
  c = study_lab_paired_change(&cur, &base, 0, 1);
  assert_true(json_is_null(json_object_get(c, "est")));
  assert_true(json_is_null(json_object_get(c, "lo")));
  assert_int_equal(json_integer_value(json_object_get(c, "better")), 0);
  json_decref(c);
  study_lab_values_clear(&cur);
  study_lab_values_clear(&base);
}

#define SMALL DRSIM_SOURCE_DIR "/tests/data/explain-off-hours.yaml"
#define SMALL_TRIALS 200

typedef struct fixture {
  study_input *in;
  model_scenario *sc;
  study_lab *lab;
} fixture;

static void fixture_open(fixture *f) {
  model_diag *d = model_diag_new();
  assert_int_equal(study_input_read(SMALL, &f->in, d), STUDY_OK);
  assert_int_equal(study_input_load(f->in, NULL, 0, NULL, &f->sc, d), STUDY_OK);
  model_diag_free(d);
  study_error err;
  assert_int_equal(study_lab_new(SMALL, study_input_text(f->in), f->sc, 1, &f->lab, &err),
                   STUDY_OK);
}

static void fixture_close(fixture *f) {
  study_lab_free(f->lab);
  model_scenario_free(f->sc);
  study_input_free(f->in);
}

/* The baseline for seed; *computed: whether it was simulated (not cached). */
static const study_lab_baseline *baseline(fixture *f, uint64_t seed, int *computed) {
  study_lab_watch w;
  memset(&w, 0, sizeof w);
  w.total = SMALL_TRIALS;
  const study_lab_baseline *b = NULL;
  study_error err;
  model_diag *d = model_diag_new();
  assert_int_equal(study_lab_baseline_get(f->lab, seed, SMALL_TRIALS, &w, d, &b, &err), STUDY_OK);
  model_diag_free(d);
  assert_non_null(b);
  if (computed) *computed = w.done_before == SMALL_TRIALS;
  return b;
}

static void test_baseline_cache(void **state) {
  (void)state;
  fixture f;
  fixture_open(&f);
  int computed = 0;
  const study_lab_baseline *b1 = baseline(&f, 1, &computed);
  assert_true(computed);
  const study_lab_baseline *again = baseline(&f, 1, &computed);
  assert_false(computed);
  assert_ptr_equal(again, b1);
  study_lab_baseline_release(f.lab, again);
  /* the baseline is the direct evaluation with that seed */
  study_lab_values lv;
  study_error err;
  memset(&lv, 0, sizeof lv);   /* study_lab_evaluate allocates the values it collects */
  report_store *st = NULL;
  assert_int_equal(study_lab_memory_store(&st, &err), STUDY_OK);
  study_lab_watch w;
  memset(&w, 0, sizeof w);
  w.vals = &lv;
  study_lab_config c = {NULL, 0, 1, SMALL_TRIALS};
  int64_t run_id = 0;
  model_diag *d = model_diag_new();
  assert_int_equal(study_lab_evaluate(f.lab, &c, st, "summary", &w, d, &run_id, &err), STUDY_OK);
  assert_true(run_id > 0);
  const study_lab_values *bv = study_lab_baseline_values(b1);
  assert_int_equal(bv->n, SMALL_TRIALS);
  for (size_t i = 0; i < f.sc->n_environments * STUDY_LAB_METRICS * SMALL_TRIALS; i++)
    assert_true(bv->v[i] == lv.v[i] || (isnan(bv->v[i]) && isnan(lv.v[i])));
  json_t *sum = study_lab_baseline_summary(f.lab, b1);
  assert_non_null(sum);
  json_decref(sum);
  /* the environments against itself: no change */
  json_t *envs = study_lab_environments(f.lab, b1, NULL, NULL);
  assert_int_equal(json_array_size(envs), f.sc->n_environments);
  json_t *ch = json_object_get(json_array_get(json_object_get(json_array_get(envs, 0), "metrics"), 0),
                               "change");
  assert_true(json_real_value(json_object_get(ch, "est")) == 0);
  json_decref(envs);
  /* STUDY_LAB_CACHE other seeds push seed 1 out; the one held stays valid */
  for (uint64_t s = 2; s < 2 + STUDY_LAB_CACHE; s++) study_lab_baseline_release(f.lab, baseline(&f, s, NULL));
  const study_lab_baseline *b1b = baseline(&f, 1, &computed);
  assert_true(computed);
  assert_int_equal(study_lab_baseline_values(b1)->n, SMALL_TRIALS);
  study_lab_baseline_release(f.lab, b1);
  study_lab_baseline_release(f.lab, b1b);
  /* a configuration that does not load: EINPUT with the diagnostics */
  const char *bad[1] = {"nosuch=1"};
  study_lab_config cb = {bad, 1, 1, SMALL_TRIALS};
  memset(&w, 0, sizeof w);
  model_diag *d2 = model_diag_new();
  assert_int_equal(study_lab_evaluate(f.lab, &cb, st, "summary", &w, d2, &run_id, &err), STUDY_EINPUT);
  assert_true(model_diag_count(d2) > 0);
  model_diag_free(d2);
  report_store_close(st);
  study_lab_values_clear(&lv);
  model_diag_free(d);
  fixture_close(&f);
}

static int stop_now(void *ctx) { (void)ctx; return 1; }

static void test_stopped(void **state) {
  (void)state;
  fixture f;
  fixture_open(&f);
  study_lab_ctl ctl = {stop_now, NULL, NULL};
  study_lab_watch w;
  memset(&w, 0, sizeof w);
  w.ctl = &ctl;
  const study_lab_baseline *b = NULL;
  study_error err;
  model_diag *d = model_diag_new();
  assert_int_equal(study_lab_baseline_get(f.lab, 1, SMALL_TRIALS, &w, d, &b, &err), STUDY_INTERRUPTED);
  assert_null(b);
  /* nothing was cached: the next one computes */
  int computed = 0;
  study_lab_baseline_release(f.lab, baseline(&f, 1, &computed));
  assert_true(computed);
  model_diag_free(d);
  fixture_close(&f);
}

typedef struct getter {
  fixture *f;
  const study_lab_baseline *b;
} getter;

static void *get_thread(void *arg) {
  getter *g = arg;
  g->b = baseline(g->f, 7, NULL);
  return NULL;
}

static void test_baseline_concurrent(void **state) {
  (void)state;
  fixture f;
  fixture_open(&f);
  getter g[2] = {{&f, NULL}, {&f, NULL}};
  pthread_t t[2];
  for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&t[i], NULL, get_thread, &g[i]), 0);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  assert_ptr_equal(g[0].b, g[1].b);
  /* the one that waited released the computation: another seed computes */
  int computed = 0;
  study_lab_baseline_release(f.lab, baseline(&f, 8, &computed));
  assert_true(computed);
  for (int i = 0; i < 2; i++) study_lab_baseline_release(f.lab, g[i].b);
  fixture_close(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_init),
      cmocka_unit_test(test_stats_match_values),
      cmocka_unit_test(test_paired_change_figures),
      cmocka_unit_test(test_baseline_cache),
      cmocka_unit_test(test_stopped),
      cmocka_unit_test(test_baseline_concurrent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
