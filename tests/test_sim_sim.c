/*
** tests/test_sim_sim.c — unit tests of the kernel in sim/sim.c: scheduling
** into the past is an error, NaN and NULL are rejected, sim_run(until)
** boundaries, sim_stop, sim_reset, events scheduled during dispatch, cancel,
** ranks among equal times.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim.h"

/* A log of fired events: (time, arg). */
typedef struct trace {
  double t[64];
  uint64_t arg[64];
  int n;
  int stop_at;           /* call sim_stop when arg == stop_at */
  int schedule_now;      /* handler with arg 100 schedules arg 200 at now */
  int past_status;       /* status of a schedule into the past from a handler */
  sim_event_id cancel_me;/* handler with arg 300 cancels this id */
  int cancel_status;
} trace;

static void record(sim_ctx *sim, void *ctx, uint64_t arg) {
  trace *tr = ctx;
  assert_true(tr->n < 64);
  tr->t[tr->n] = sim_now(sim);
  tr->arg[tr->n] = arg;
  tr->n++;
  if ((int)arg == tr->stop_at) sim_stop(sim);
  if (arg == 100 && tr->schedule_now) {
    assert_int_equal(sim_schedule_in(sim, 0.0, record, ctx, 200, NULL), SIM_OK);
    assert_int_equal(sim_schedule_at(sim, sim_now(sim), record, ctx, 201, NULL), SIM_OK);
    tr->past_status = sim_schedule_at(sim, nextafter(sim_now(sim), 0), record, ctx, 999, NULL);
  }
  if (arg == 300) tr->cancel_status = sim_cancel(sim, tr->cancel_me);
}

static void test_schedule_errors(void **state) {
  (void)state;
  sim_ctx *sim = sim_new(0);
  assert_non_null(sim);
  trace tr = {.stop_at = -1};
  assert_true(sim_now(sim) == 0.0);
  assert_int_equal(sim_schedule_at(sim, 5.0, record, &tr, 1, NULL), SIM_OK);
  assert_int_equal(sim_run(sim, INFINITY), SIM_OK);
  assert_true(sim_now(sim) == 5.0);
  /* Into the past: an error, never a silent reorder. */
  assert_int_equal(sim_schedule_at(sim, 4.999, record, &tr, 2, NULL), SIM_EPAST);
  assert_int_equal(sim_schedule_at(sim, -INFINITY, record, &tr, 2, NULL), SIM_EPAST);
  assert_int_equal(sim_schedule_in(sim, -1e-9, record, &tr, 2, NULL), SIM_EPAST);
  assert_int_equal(sim_schedule_at(sim, NAN, record, &tr, 2, NULL), SIM_EINVAL);
  assert_int_equal(sim_schedule_in(sim, NAN, record, &tr, 2, NULL), SIM_EINVAL);
  assert_int_equal(sim_schedule_at(sim, 6.0, NULL, &tr, 2, NULL), SIM_EINVAL);
  assert_int_equal(sim_schedule_in(sim, 1.0, NULL, &tr, 2, NULL), SIM_EINVAL);
  assert_int_equal(sim_pending(sim), 0);
  assert_int_equal(sim_run(sim, NAN), SIM_EINVAL);
  /* The exact current time is allowed. */
  assert_int_equal(sim_schedule_at(sim, 5.0, record, &tr, 3, NULL), SIM_OK);
  assert_int_equal(sim_run(sim, INFINITY), SIM_OK);
  assert_int_equal(tr.n, 2);
  assert_int_equal(tr.arg[1], 3);
  assert_int_equal(sim_dispatched(sim), 2);
  for (int s = SIM_ENOTFOUND - 2; s <= SIM_STOPPED + 1; s++) {
    assert_non_null(sim_strerror(s));
    assert_true(strlen(sim_strerror(s)) > 0);
  }
  assert_string_not_equal(sim_strerror(SIM_EPAST), sim_strerror(SIM_EINVAL));
  sim_free(sim);
  sim_free(NULL);
}

static void test_run_until(void **state) {
  (void)state;
  sim_ctx *sim = sim_new(2);
  assert_non_null(sim);
  trace tr = {.stop_at = -1};
  for (uint64_t i = 1; i <= 5; i++)
    assert_int_equal(sim_schedule_at(sim, (double)i, record, &tr, i, NULL), SIM_OK);
  /* Events at exactly `until` fire; the clock stays at the last event. */
  assert_int_equal(sim_run(sim, 2.0), SIM_OK);
  assert_int_equal(tr.n, 2);
  assert_true(sim_now(sim) == 2.0);
  assert_int_equal(sim_pending(sim), 3);
  /* An `until` between events does not advance the clock to it. */
  assert_int_equal(sim_run(sim, 3.5), SIM_OK);
  assert_int_equal(tr.n, 3);
  assert_true(sim_now(sim) == 3.0);
  /* until in the past of the clock: nothing fires. */
  assert_int_equal(sim_run(sim, 1.0), SIM_OK);
  assert_int_equal(tr.n, 3);
  assert_true(sim_now(sim) == 3.0);
  assert_int_equal(sim_run(sim, INFINITY), SIM_OK);
  assert_int_equal(tr.n, 5);
  assert_true(sim_now(sim) == 5.0);
  assert_int_equal(sim_pending(sim), 0);
  assert_int_equal(sim_dispatched(sim), 5);
  for (int i = 0; i < 5; i++) assert_int_equal(tr.arg[i], i + 1);
  sim_free(sim);
}

static void test_stop(void **state) {
  (void)state;
  sim_ctx *sim = sim_new(0);
  assert_non_null(sim);
  trace tr = {.stop_at = 2};
  for (uint64_t i = 1; i <= 4; i++)
    assert_int_equal(sim_schedule_at(sim, 1.0, record, &tr, i, NULL), SIM_OK);
  assert_int_equal(sim_run(sim, INFINITY), SIM_STOPPED);
  assert_int_equal(tr.n, 2);
  assert_int_equal(sim_pending(sim), 2);
  /* The stop request is consumed: the next run continues. */
  assert_int_equal(sim_run(sim, INFINITY), SIM_OK);
  assert_int_equal(tr.n, 4);
  /* A stop requested outside a run makes the next run return at once. */
  assert_int_equal(sim_schedule_in(sim, 1.0, record, &tr, 5, NULL), SIM_OK);
  sim_stop(sim);
  assert_int_equal(sim_run(sim, INFINITY), SIM_STOPPED);
  assert_int_equal(tr.n, 4);
  assert_int_equal(sim_run(sim, INFINITY), SIM_OK);
  assert_int_equal(tr.n, 5);
  sim_free(sim);
}

static void test_reset(void **state) {
  (void)state;
  sim_ctx *sim = sim_new(0);
  assert_non_null(sim);
  trace tr = {.stop_at = -1};
  sim_event_id id;
  for (uint64_t i = 0; i < 1000; i++)
    assert_int_equal(sim_schedule_at(sim, (double)i, record, &tr, 1, &id), SIM_OK);
  assert_int_equal(sim_run(sim, 10.0), SIM_OK);
  sim_stop(sim);
  sim_reset(sim);
  assert_true(sim_now(sim) == 0.0);
  assert_int_equal(sim_pending(sim), 0);
  assert_int_equal(sim_dispatched(sim), 0);
  /* Ids from before the reset are stale. */
  assert_int_equal(sim_cancel(sim, id), SIM_ENOTFOUND);
  /* The stop flag was cleared, and scheduling at 0 is legal again. */
  tr.n = 0;
  assert_int_equal(sim_schedule_at(sim, 0.0, record, &tr, 7, NULL), SIM_OK);
  assert_int_equal(sim_run(sim, INFINITY), SIM_OK);
  assert_int_equal(tr.n, 1);
  assert_int_equal(tr.arg[0], 7);
  sim_free(sim);
}

/* The rule in sim.h: an event scheduled by a handler for the current instant
** fires in the same sim_run(), after every event already pending then. */
static void test_schedule_during_dispatch(void **state) {
  (void)state;
  sim_ctx *sim = sim_new(0);
  assert_non_null(sim);
  trace tr = {.stop_at = -1, .schedule_now = 1};
  assert_int_equal(sim_schedule_at(sim, 1.0, record, &tr, 100, NULL), SIM_OK);
  assert_int_equal(sim_schedule_at(sim, 1.0, record, &tr, 101, NULL), SIM_OK);
  assert_int_equal(sim_schedule_at(sim, 1.0, record, &tr, 102, NULL), SIM_OK);
  assert_int_equal(sim_schedule_at(sim, 2.0, record, &tr, 103, NULL), SIM_OK);
  /* Run only to t = 1: the new events at t = 1 must fire in this call. */
  assert_int_equal(sim_run(sim, 1.0), SIM_OK);
  uint64_t want[] = {100, 101, 102, 200, 201};
  assert_int_equal(tr.n, 5);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(tr.arg[i], want[i]);
    assert_true(tr.t[i] == 1.0);
  }
  assert_int_equal(tr.past_status, SIM_EPAST);
  assert_int_equal(sim_pending(sim), 1);
  sim_free(sim);
}

static void test_cancel(void **state) {
  (void)state;
  sim_ctx *sim = sim_new(0);
  assert_non_null(sim);
  trace tr = {.stop_at = -1};
  sim_event_id a, b, c;
  assert_int_equal(sim_schedule_at(sim, 1.0, record, &tr, 1, &a), SIM_OK);
  assert_int_equal(sim_schedule_at(sim, 2.0, record, &tr, 2, &b), SIM_OK);
  assert_int_equal(sim_schedule_at(sim, 3.0, record, &tr, 3, &c), SIM_OK);
  assert_true(a != 0 && b != 0 && c != 0 && a != b && b != c);
  assert_int_equal(sim_cancel(sim, b), SIM_OK);
  assert_int_equal(sim_cancel(sim, b), SIM_ENOTFOUND);
  assert_int_equal(sim_cancel(sim, 0), SIM_ENOTFOUND);
  assert_int_equal(sim_pending(sim), 2);
  /* A handler cancels a later event. */
  tr.cancel_me = c;
  assert_int_equal(sim_schedule_at(sim, 1.5, record, &tr, 300, NULL), SIM_OK);
  assert_int_equal(sim_run(sim, INFINITY), SIM_OK);
  assert_int_equal(tr.cancel_status, SIM_OK);
  assert_int_equal(tr.n, 2);
  assert_int_equal(tr.arg[0], 1);
  assert_int_equal(tr.arg[1], 300);
  /* Fired events cannot be cancelled. */
  assert_int_equal(sim_cancel(sim, a), SIM_ENOTFOUND);
  assert_int_equal(sim_cancel(sim, c), SIM_ENOTFOUND);
  sim_free(sim);
}

/* Ranks: equal times fire by rank, then FIFO; an event a handler schedules
** for now with a lower rank than pending ones fires before them; the past,
** a rank beyond the bits and a change of bits with events pending are
** refused; sim_reset keeps the bits. */
static void test_ranks(void **state) {
  (void)state;
  sim_ctx *sim = sim_new(0);
  assert_non_null(sim);
  trace tr = {.stop_at = -1, .schedule_now = 1};
  assert_int_equal(sim_schedule_ranked(sim, 1.0, 1, record, &tr, 1, NULL), SIM_EINVAL);
  assert_int_equal(sim_set_rank_bits(sim, 17), SIM_EINVAL);
  assert_int_equal(sim_set_rank_bits(sim, 3), SIM_OK);
  assert_int_equal(sim_schedule_ranked(sim, 1.0, 8, record, &tr, 1, NULL), SIM_EINVAL);
  assert_int_equal(sim_schedule_ranked(sim, 2.0, 5, record, &tr, 1, NULL), SIM_OK);
  assert_int_equal(sim_schedule_ranked(sim, 2.0, 7, record, &tr, 2, NULL), SIM_OK);
  assert_int_equal(sim_schedule_ranked(sim, 2.0, 5, record, &tr, 3, NULL), SIM_OK);
  assert_int_equal(sim_schedule_at(sim, 2.0, record, &tr, 100, NULL), SIM_OK); /* rank 0 */
  assert_int_equal(sim_set_rank_bits(sim, 2), SIM_EINVAL);
  /* 100 fires first (rank 0) and schedules 200, 201 for now at rank 0:
  ** they fire before the ranked ones still pending. */
  assert_int_equal(sim_run(sim, INFINITY), SIM_OK);
  static const uint64_t want[] = {100, 200, 201, 1, 3, 2};
  assert_int_equal(tr.n, 6);
  for (int i = 0; i < 6; i++) assert_int_equal(tr.arg[i], want[i]);
  assert_int_equal(sim_schedule_ranked(sim, 1.0, 1, record, &tr, 4, NULL), SIM_EPAST);
  assert_int_equal(sim_schedule_ranked(sim, NAN, 1, record, &tr, 4, NULL), SIM_EINVAL);
  sim_reset(sim);
  assert_int_equal(sim_schedule_ranked(sim, 1.0, 7, record, &tr, 4, NULL), SIM_OK);
  sim_free(sim);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schedule_errors),
      cmocka_unit_test(test_run_until),
      cmocka_unit_test(test_stop),
      cmocka_unit_test(test_reset),
      cmocka_unit_test(test_schedule_during_dispatch),
      cmocka_unit_test(test_cancel),
      cmocka_unit_test(test_ranks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
