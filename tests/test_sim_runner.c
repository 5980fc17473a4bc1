/*
** tests/test_sim_runner.c — unit tests of sim/runner.c with a toy model whose
** trial result is a few draws from the trial's sim_rng stream: byte-identical
** sink output in trial order for any thread count and chunk size, stop_flag
** giving a delivered prefix, and propagation of trial, sink and worker_new
** failures.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "sim/rng.h"
#include "sim/runner.h"

#define SEED 777

typedef struct result {
  uint64_t trial;
  double u[3];
} result;

/* What the toy model is told; shared read-only by the workers. */
typedef struct model {
  uint64_t fail_at;                /* trial that fails, UINT64_MAX: none */
  uint64_t stop_at;                /* trial that raises *stop, UINT64_MAX: none */
  volatile sig_atomic_t *stop;
  int fail_worker_new;
} model;

typedef struct worker {
  const model *m;
  gsl_rng *r;
} worker;

static void *toy_worker_new(void *arg) {
  const model *m = arg;
  if (m->fail_worker_new) return NULL;
  worker *w = malloc(sizeof *w);
  if (!w) return NULL;
  w->m = m;
  w->r = sim_rng_alloc();
  if (!w->r) {
    free(w);
    return NULL;
  }
  return w;
}

static void toy_worker_free(void *p) {
  worker *w = p;
  gsl_rng_free(w->r);
  free(w);
}

static void toy_compute(gsl_rng *r, uint64_t trial, result *out) {
  memset(out, 0, sizeof *out);
  out->trial = trial;
  sim_rng_seed(r, SEED, trial, 0);
  for (int i = 0; i < 3; i++) out->u[i] = gsl_rng_uniform(r);
}

static int toy_trial(void *p, uint64_t trial, void *res) {
  worker *w = p;
  if (trial == w->m->fail_at) return 42;
  toy_compute(w->r, trial, res);
  if (trial == w->m->stop_at) *w->m->stop = 1;
  return 0;
}

/* The sink copies results into one array and checks that calls come in
** consecutive trial order. */
typedef struct sink {
  result *all;
  uint64_t first_trial;
  uint64_t next;  /* next trial expected */
  size_t calls;
  size_t fail_on_call; /* 0: never */
  int order_ok;
  uint64_t progress_last;
  int progress_ok;
  size_t progress_calls;
} sink;

static int toy_sink(void *p, uint64_t first, size_t n, const void *results) {
  sink *s = p;
  s->calls++;
  if (s->fail_on_call && s->calls == s->fail_on_call) return 7;
  if (first != s->next || n == 0) s->order_ok = 0;
  memcpy(&s->all[first - s->first_trial], results, n * sizeof(result));
  s->next = first + n;
  return 0;
}

static void toy_progress(void *p, uint64_t done, uint64_t total, double elapsed) {
  sink *s = p;
  if (done <= s->progress_last || done > total || elapsed < 0) s->progress_ok = 0;
  s->progress_last = done;
  s->progress_calls++;
}

static sim_runner_config make_config(model *m, sink *s, uint64_t first, uint64_t n,
                                     unsigned threads, size_t chunk) {
  sim_runner_config c = {
      .first_trial = first,
      .n_trials = n,
      .threads = threads,
      .chunk = chunk,
      .result_size = sizeof(result),
      .worker_new = toy_worker_new,
      .worker_free = toy_worker_free,
      .worker_arg = m,
      .trial = toy_trial,
      .sink = toy_sink,
      .sink_ctx = s,
      .progress = toy_progress,
      .progress_ctx = s,
      .stop_flag = m->stop,
  };
  return c;
}

static void sink_init(sink *s, uint64_t first, uint64_t n) {
  memset(s, 0, sizeof *s);
  s->all = calloc(n, sizeof(result));
  assert_non_null(s->all);
  s->first_trial = first;
  s->next = first;
  s->order_ok = 1;
  s->progress_ok = 1;
}

static result *reference(uint64_t first, uint64_t n) {
  result *ref = calloc(n, sizeof *ref);
  assert_non_null(ref);
  gsl_rng *r = sim_rng_alloc();
  assert_non_null(r);
  for (uint64_t i = 0; i < n; i++) toy_compute(r, first + i, &ref[i]);
  gsl_rng_free(r);
  return ref;
}

static void test_identical_any_threads(void **state) {
  (void)state;
  const uint64_t first = 1000, n = 2003; /* not a multiple of any chunk */
  result *ref = reference(first, n);
  unsigned threads[] = {1, 2, 8, 0};
  size_t chunks[] = {1, 7, 64, 0, 5000};
  for (size_t ti = 0; ti < sizeof threads / sizeof *threads; ti++) {
    for (size_t ci = 0; ci < sizeof chunks / sizeof *chunks; ci++) {
      model m = {.fail_at = UINT64_MAX, .stop_at = UINT64_MAX};
      sink s;
      sink_init(&s, first, n);
      sim_runner_config c = make_config(&m, &s, first, n, threads[ti], chunks[ci]);
      uint64_t delivered = 0;
      assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_OK);
      assert_int_equal(delivered, n);
      assert_true(s.order_ok);
      assert_int_equal(s.next, first + n);
      assert_memory_equal(s.all, ref, n * sizeof(result));
      assert_true(s.progress_ok);
      assert_int_equal(s.progress_last, n);
      assert_int_equal(s.progress_calls, s.calls);
      free(s.all);
    }
  }
  free(ref);
}

static void test_stop_flag(void **state) {
  (void)state;
  const uint64_t n = 5000;
  result *ref = reference(0, n);
  unsigned threads[] = {1, 2, 8};
  for (size_t ti = 0; ti < 3; ti++) {
    volatile sig_atomic_t stop = 0;
    model m = {.fail_at = UINT64_MAX, .stop_at = 500, .stop = &stop};
    sink s;
    sink_init(&s, 0, n);
    sim_runner_config c = make_config(&m, &s, 0, n, threads[ti], 10);
    uint64_t delivered = UINT64_MAX;
    assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_INTERRUPTED);
    assert_true(s.order_ok);
    assert_int_equal(s.next, delivered); /* exactly the delivered prefix */
    assert_true(delivered < n);
    /* Trial 500 raised the flag and finished, the rest of its chunk did not
    ** start; with one thread that leaves exactly trials 0..500. */
    if (threads[ti] == 1) assert_int_equal(delivered, 501);
    assert_memory_equal(s.all, ref, delivered * sizeof(result));
    free(s.all);
  }
  /* A flag raised before the run: nothing runs. */
  volatile sig_atomic_t stop = 1;
  model m = {.fail_at = UINT64_MAX, .stop_at = UINT64_MAX, .stop = &stop};
  sink s;
  sink_init(&s, 0, n);
  sim_runner_config c = make_config(&m, &s, 0, n, 2, 10);
  uint64_t delivered = UINT64_MAX;
  assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_INTERRUPTED);
  assert_int_equal(delivered, 0);
  assert_int_equal(s.calls, 0);
  free(s.all);
  free(ref);
}

static void test_trial_failure(void **state) {
  (void)state;
  const uint64_t n = 3000;
  result *ref = reference(0, n);
  unsigned threads[] = {1, 2, 8};
  for (size_t ti = 0; ti < 3; ti++) {
    model m = {.fail_at = 300, .stop_at = UINT64_MAX};
    sink s;
    sink_init(&s, 0, n);
    sim_runner_config c = make_config(&m, &s, 0, n, threads[ti], 16);
    uint64_t delivered = UINT64_MAX;
    assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_ETRIAL);
    assert_true(s.order_ok);
    assert_int_equal(s.next, delivered);
    assert_true(delivered <= 300);
    if (threads[ti] == 1) assert_int_equal(delivered, 300);
    assert_memory_equal(s.all, ref, delivered * sizeof(result));
    free(s.all);
  }
  free(ref);
}

static void test_sink_failure(void **state) {
  (void)state;
  const uint64_t n = 3000;
  unsigned threads[] = {1, 2, 8};
  for (size_t ti = 0; ti < 3; ti++) {
    model m = {.fail_at = UINT64_MAX, .stop_at = UINT64_MAX};
    sink s;
    sink_init(&s, 0, n);
    s.fail_on_call = 3;
    sim_runner_config c = make_config(&m, &s, 0, n, threads[ti], 20);
    uint64_t delivered = UINT64_MAX;
    assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_ESINK);
    assert_int_equal(delivered, 40); /* two chunks went through */
    assert_int_equal(s.calls, 3);    /* and nothing after the failure */
    free(s.all);
  }
}

static void test_worker_failure_and_invalid(void **state) {
  (void)state;
  model m = {.fail_at = UINT64_MAX, .stop_at = UINT64_MAX, .fail_worker_new = 1};
  sink s;
  sink_init(&s, 0, 100);
  sim_runner_config c = make_config(&m, &s, 0, 100, 2, 10);
  uint64_t delivered = UINT64_MAX;
  assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_EWORKER);
  assert_int_equal(delivered, 0);

  m.fail_worker_new = 0;
  c = make_config(&m, &s, 0, 100, 2, 10);
  c.result_size = 0;
  assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_EINVAL);
  c = make_config(&m, &s, 0, 100, 2, 10);
  c.sink = NULL;
  assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_EINVAL);
  c = make_config(&m, &s, UINT64_MAX - 5, 100, 2, 10);
  assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_EINVAL);
  assert_int_equal(sim_runner_run(NULL, &delivered), SIM_RUNNER_EINVAL);
  /* Zero trials: nothing to do, no sink call. */
  c = make_config(&m, &s, 0, 0, 2, 10);
  assert_int_equal(sim_runner_run(&c, &delivered), SIM_RUNNER_OK);
  assert_int_equal(delivered, 0);
  assert_int_equal(s.calls, 0);
  free(s.all);

  assert_true(sim_runner_cores() >= 1);
  for (int st = SIM_RUNNER_EINVAL - 1; st <= SIM_RUNNER_INTERRUPTED + 1; st++)
    assert_non_null(sim_runner_strerror(st));
  assert_string_not_equal(sim_runner_strerror(SIM_RUNNER_ETRIAL),
                          sim_runner_strerror(SIM_RUNNER_ESINK));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_identical_any_threads),
      cmocka_unit_test(test_stop_flag),
      cmocka_unit_test(test_trial_failure),
      cmocka_unit_test(test_sink_failure),
      cmocka_unit_test(test_worker_failure_and_invalid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
