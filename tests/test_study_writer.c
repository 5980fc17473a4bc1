/*
** tests/test_study_writer.c — the sink on its own thread (study/writer.h):
** every chunk reaches the real sink once, in order, with the records as
** offered (the caller's buffer is reused at once); a failing sink stops the
** hand-over at that chunk and later chunks are refused; the accepted count
** is the prefix the real sink took; also through the Monte Carlo runner
** on several threads.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/runner.h"
#include "study/writer.h"

typedef struct seen {
  uint64_t next;            /* the trial expected next */
  uint64_t calls, bad;
  uint64_t fail_at;         /* fail the chunk starting at this trial (0: never) */
} seen;

static int real_sink(void *ctx, uint64_t first, size_t n, const void *records)
{
  seen *s = ctx;
  s->calls++;
  if (s->fail_at && first == s->fail_at) return 1;
  const uint64_t *r = records;
  if (first != s->next) s->bad++;
  for (size_t i = 0; i < n; i++)
    if (r[i] != (first + i) * 3 + 1) s->bad++;
  s->next = first + n;
  return 0;
}

static void test_in_order(void **state)
{
  (void)state;
  for (size_t depth = 1; depth <= 3; depth++) {
    seen s = {0, 0, 0, 0};
    study_writer *w = study_writer_new(real_sink, &s, sizeof(uint64_t), depth);
    assert_non_null(w);
    uint64_t buf[100];
    uint64_t t = 0;
    for (size_t c = 0; c < 50; c++) {
      size_t n = 1 + c % 100;
      for (size_t i = 0; i < n; i++) buf[i] = (t + i) * 3 + 1;
      assert_int_equal(study_writer_sink(w, t, n, buf), 0);
      memset(buf, 0xff, sizeof buf);   /* the writer kept its own copy */
      t += n;
    }
    assert_int_equal(study_writer_sink(w, t, 0, buf), 0);   /* nothing to hand over */
    uint64_t got = 0;
    assert_int_equal(study_writer_finish(w, &got), 0);
    assert_int_equal(got, t);
    assert_int_equal(s.next, t);
    assert_int_equal(s.calls, 50);
    assert_int_equal(s.bad, 0);
  }
  assert_int_equal(study_writer_finish(NULL, NULL), 0);
  assert_null(study_writer_new(NULL, NULL, 8, 2));
  assert_null(study_writer_new(real_sink, NULL, 8, 0));
}

static void test_failure_stops(void **state)
{
  (void)state;
  seen s = {0, 0, 0, 40};   /* the chunk of trials 40..49 fails */
  study_writer *w = study_writer_new(real_sink, &s, sizeof(uint64_t), 1);
  assert_non_null(w);
  uint64_t buf[10];
  int refused = 0;
  for (uint64_t t = 0; t < 200 && !refused; t += 10) {
    for (size_t i = 0; i < 10; i++) buf[i] = (t + i) * 3 + 1;
    refused = study_writer_sink(w, t, 10, buf) != 0;
  }
  uint64_t got = 0;
  assert_int_equal(study_writer_finish(w, &got), 1);
  assert_int_equal(got, 40);        /* the prefix before the failing chunk */
  assert_int_equal(s.next, 40);
  assert_int_equal(s.bad, 0);
  assert_int_equal(s.calls, 5);     /* nothing handed over after the failure */
}

/* Through the runner: trial t's record is t * 3 + 1. */
static int trial(void *worker, uint64_t t, void *result)
{
  (void)worker;
  *(uint64_t *)result = t * 3 + 1;
  return 0;
}

static void *worker_new(void *arg) { return arg; }
static void worker_free(void *w) { (void)w; }

static void test_runner(void **state)
{
  (void)state;
  seen s = {1000, 0, 0, 0};
  study_writer *w = study_writer_new(real_sink, &s, sizeof(uint64_t), 2);
  assert_non_null(w);
  static int dummy;
  sim_runner_config cfg = {.first_trial = 1000, .n_trials = 100000, .threads = 3,
                           .chunk = 333, .result_size = sizeof(uint64_t),
                           .worker_new = worker_new, .worker_free = worker_free,
                           .worker_arg = &dummy, .trial = trial,
                           .sink = study_writer_sink, .sink_ctx = w};
  uint64_t delivered = 0;
  assert_int_equal(sim_runner_run(&cfg, &delivered), SIM_RUNNER_OK);
  uint64_t got = 0;
  assert_int_equal(study_writer_finish(w, &got), 0);
  assert_int_equal(delivered, 100000);
  assert_int_equal(got, 100000);
  assert_int_equal(s.next, 101000);
  assert_int_equal(s.bad, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_in_order),
    cmocka_unit_test(test_failure_stops),
    cmocka_unit_test(test_runner),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
