/*
** tests/test_sim_queue.c — unit tests of sim/queue.c: a differential test
** against a naive sorted array under random push/pop/cancel interleavings,
** FIFO among equal times, ranks among equal times (sim_queue_push_ranked),
** stale ids, renumbering near seq overflow (with and without ranks), and a
** large push/pop run.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "sim/queue.h"

static int under_valgrind(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && strcmp(v, "1") == 0;
}

static void dummy(sim_ctx *sim, void *ctx, uint64_t arg) {
  (void)sim;
  (void)ctx;
  (void)arg;
}

static void dummy2(sim_ctx *sim, void *ctx, uint64_t arg) {
  (void)sim;
  (void)ctx;
  (void)arg;
}

/* ---- the naive model: an array kept sorted by (t, rank, seq) ---- */
typedef struct nitem {
  double t;
  uint32_t rank;
  uint64_t seq;
  uint64_t arg;
  sim_event_id id;
} nitem;

typedef struct naive {
  nitem *a;
  size_t n, cap;
  uint64_t seq;
} naive;

static void naive_push(naive *m, double t, uint32_t rank, uint64_t arg, sim_event_id id) {
  if (m->n == m->cap) {
    m->cap = m->cap ? 2 * m->cap : 64;
    m->a = realloc(m->a, m->cap * sizeof *m->a);
    assert_non_null(m->a);
  }
  nitem x = {t, rank, m->seq++, arg, id};
  size_t i = m->n;
  /* Equal (time, rank) keep push order: insert after every item with
  ** (t, rank) <= (x.t, x.rank). */
  while (i > 0 && (m->a[i - 1].t > t || (m->a[i - 1].t == t && m->a[i - 1].rank > rank))) {
    m->a[i] = m->a[i - 1];
    i--;
  }
  m->a[i] = x;
  m->n++;
}

static nitem naive_remove(naive *m, size_t i) {
  nitem x = m->a[i];
  memmove(&m->a[i], &m->a[i + 1], (m->n - i - 1) * sizeof *m->a);
  m->n--;
  return x;
}

/* A push to both the queue and the model: rank 0 through sim_queue_push,
** else through sim_queue_push_ranked. */
static void push_both(sim_queue *q, naive *m, double t, uint32_t rank, uint64_t arg) {
  sim_queue_event ev = {dummy, m, arg};
  sim_event_id id = 0;
  if (rank == 0 && arg % 2 == 0)
    assert_int_equal(sim_queue_push(q, t, &ev, &id), SIM_OK);
  else
    assert_int_equal(sim_queue_push_ranked(q, t, rank, &ev, &id), SIM_OK);
  assert_true(id != 0);
  naive_push(m, t, rank, arg, id);
}

/* A random rank for a queue with `bits` rank bits: mostly small (ties of
** rank too), sometimes the largest. */
static uint32_t random_rank(gsl_rng *r, unsigned bits) {
  if (bits == 0) return 0;
  uint32_t top = (UINT32_C(1) << bits) - 1;
  unsigned long k = gsl_rng_uniform_int(r, 10);
  return k == 0 ? top : (uint32_t)gsl_rng_uniform_int(r, top < 3 ? top + 1 : 4);
}

/* One random run: push with times from a small grid (many ties) and random
** ranks when rank_bits > 0, pop with a random horizon, cancel the head, the
** tail or a middle item, and cancel stale ids. Every pop is compared with
** the model. */
static void differential_run(unsigned long seed, int ops, int time_grid, int prefill,
                             unsigned rank_bits) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  sim_queue *q = sim_queue_new(1); /* tiny hint: exercise growth */
  assert_non_null(q);
  assert_int_equal(sim_queue_set_rank_bits(q, rank_bits), SIM_OK);
  naive m = {0};
  sim_event_id stale[64];
  size_t nstale = 0;
  uint64_t next_arg = 1;
  /* A large start (beyond 4096 entries the descent also prefetches). */
  for (int i = 0; i < prefill; i++, next_arg++) {
    double t = (double)gsl_rng_uniform_int(r, (unsigned long)time_grid);
    push_both(q, &m, t, random_rank(r, rank_bits), next_arg);
  }

  for (int op = 0; op < ops; op++) {
    unsigned k = (unsigned)gsl_rng_uniform_int(r, 100);
    if (k < 50) {
      double t = (double)gsl_rng_uniform_int(r, (unsigned long)time_grid);
      push_both(q, &m, t, random_rank(r, rank_bits), next_arg);
      next_arg++;
    } else if (k < 75) {
      double until = k < 70 ? (double)gsl_rng_uniform_int(r, (unsigned long)time_grid) : 1e300;
      double t = -1;
      sim_queue_event ev;
      int got = sim_queue_pop_until(q, until, &t, &ev);
      int want = m.n > 0 && m.a[0].t <= until;
      assert_int_equal(got, want);
      if (want) {
        nitem x = naive_remove(&m, 0);
        assert_true(t == x.t);
        assert_int_equal(ev.arg, x.arg);
        assert_ptr_equal(ev.ctx, &m);
        assert_ptr_equal(ev.fn, dummy);
        if (nstale < 64) stale[nstale++] = x.id;
      }
    } else if (k < 95) {
      if (m.n == 0) continue;
      size_t i = k < 80 ? 0 : k < 85 ? m.n - 1 : (size_t)gsl_rng_uniform_int(r, m.n);
      nitem x = naive_remove(&m, i);
      assert_int_equal(sim_queue_cancel(q, x.id), SIM_OK);
      assert_int_equal(sim_queue_cancel(q, x.id), SIM_ENOTFOUND);
      if (nstale < 64) stale[nstale++] = x.id;
    } else {
      if (nstale == 0) continue;
      size_t i = (size_t)gsl_rng_uniform_int(r, nstale);
      assert_int_equal(sim_queue_cancel(q, stale[i]), SIM_ENOTFOUND);
      stale[i] = stale[--nstale];
    }
    assert_int_equal(sim_queue_size(q), m.n);
    if (op % 97 == 0) assert_true(sim_queue_debug_check(q)); /* also with a vacant root */
    /* Peek only now and then: it refills a root left vacant by a pop, and
    ** the other operations must also be exercised in that state. */
    double pt;
    if (gsl_rng_uniform_int(r, 8) != 0) continue;
    if (m.n) {
      assert_int_equal(sim_queue_peek(q, &pt), 1);
      assert_true(pt == m.a[0].t);
    } else {
      assert_int_equal(sim_queue_peek(q, &pt), 0);
    }
  }
  /* Drain and compare the rest. */
  double t;
  sim_queue_event ev;
  while (m.n) {
    assert_int_equal(sim_queue_pop_until(q, 1e300, &t, &ev), 1);
    nitem x = naive_remove(&m, 0);
    assert_true(t == x.t);
    assert_int_equal(ev.arg, x.arg);
  }
  assert_int_equal(sim_queue_pop_until(q, 1e300, &t, &ev), 0);
  assert_true(sim_queue_debug_check(q));
  free(m.a);
  sim_queue_free(q);
  gsl_rng_free(r);
}

static void test_differential(void **state) {
  (void)state;
  int ops = under_valgrind() ? 4000 : 20000;
  /* Few distinct times (heavy ties), then many (few ties). */
  for (unsigned long seed = 1; seed <= 4; seed++) differential_run(seed, ops, 8, 0, 0);
  for (unsigned long seed = 5; seed <= 8; seed++) differential_run(seed, ops, 1000000, 0, 0);
  differential_run(9, ops, 1000000, 6000, 0);
  differential_run(10, ops, 50, 6000, 0);
}

/* The same with ranks: 1 bit, a few, and the most the queue allows. */
static void test_differential_ranked(void **state) {
  (void)state;
  int ops = under_valgrind() ? 4000 : 20000;
  differential_run(11, ops, 8, 0, 1);
  differential_run(12, ops, 8, 0, 3);
  differential_run(13, ops, 8, 0, SIM_QUEUE_MAX_RANK_BITS);
  differential_run(14, ops, 1000000, 6000, 14);
  differential_run(15, ops, 50, 6000, 14);
}

/* Ranks: equal times pop by rank whatever the push order; ranks beyond the
** bits, and changing the bits while events are pending, are refused; clear
** keeps the bits. */
static void test_ranks(void **state) {
  (void)state;
  sim_queue *q = sim_queue_new(0);
  assert_non_null(q);
  sim_queue_event ev = {dummy, NULL, 0};
  assert_int_equal(sim_queue_push_ranked(q, 1.0, 1, &ev, NULL), SIM_EINVAL); /* no bits */
  assert_int_equal(sim_queue_set_rank_bits(q, SIM_QUEUE_MAX_RANK_BITS + 1), SIM_EINVAL);
  assert_int_equal(sim_queue_set_rank_bits(q, 4), SIM_OK);
  assert_int_equal(sim_queue_push_ranked(q, 1.0, 16, &ev, NULL), SIM_EINVAL);
  /* pushed: (rank 3, a), (rank 0, b), (rank 3, c), (rank 15, d), (rank 1, e) */
  static const uint32_t rank[] = {3, 0, 3, 15, 1};
  for (uint64_t i = 0; i < 5; i++) {
    ev.arg = i;
    assert_int_equal(sim_queue_push_ranked(q, 2.0, rank[i], &ev, NULL), SIM_OK);
  }
  ev.arg = 5;
  assert_int_equal(sim_queue_push(q, 2.0, &ev, NULL), SIM_OK); /* rank 0, after b */
  ev.arg = 6;
  assert_int_equal(sim_queue_push_ranked(q, 1.5, 15, &ev, NULL), SIM_OK); /* earlier time */
  assert_int_equal(sim_queue_set_rank_bits(q, 2), SIM_EINVAL); /* events pending */
  static const uint64_t want[] = {6, 1, 5, 4, 0, 2, 3};
  double t;
  sim_queue_event out;
  for (size_t i = 0; i < 7; i++) {
    assert_int_equal(sim_queue_pop_until(q, 10, &t, &out), 1);
    assert_int_equal(out.arg, want[i]);
  }
  assert_true(sim_queue_debug_check(q));
  sim_queue_clear(q);
  assert_int_equal(sim_queue_push_ranked(q, 1.0, 15, &ev, NULL), SIM_OK); /* bits kept */
  assert_int_equal(sim_queue_set_rank_bits(q, 0), SIM_EINVAL);
  assert_int_equal(sim_queue_pop_until(q, 10, &t, &out), 1);
  assert_int_equal(sim_queue_set_rank_bits(q, 0), SIM_OK);
  assert_int_equal(sim_queue_push_ranked(q, 1.0, 1, &ev, NULL), SIM_EINVAL);
  sim_queue_free(q);
}

static void test_fifo_equal_times(void **state) {
  (void)state;
  sim_queue *q = sim_queue_new(0);
  assert_non_null(q);
  /* Interleave two instants; each must come out in push order. */
  for (uint64_t i = 0; i < 1000; i++) {
    sim_queue_event ev = {dummy, NULL, i};
    assert_int_equal(sim_queue_push(q, (i % 2) ? 5.0 : 3.0, &ev, NULL), SIM_OK);
  }
  double t;
  sim_queue_event ev;
  uint64_t prev = 0;
  for (int i = 0; i < 1000; i++) {
    assert_int_equal(sim_queue_pop_until(q, 10, &t, &ev), 1);
    assert_true(t == (i < 500 ? 3.0 : 5.0));
    if (i != 0 && i != 500) assert_true(ev.arg > prev);
    prev = ev.arg;
  }
  sim_queue_free(q);
}

static void test_invalid_and_stale(void **state) {
  (void)state;
  sim_queue *q = sim_queue_new(4);
  assert_non_null(q);
  sim_queue_event ev = {dummy, NULL, 0};
  sim_queue_event bad = {NULL, NULL, 0};
  sim_event_id id;
  assert_int_equal(sim_queue_push(q, NAN, &ev, &id), SIM_EINVAL);
  assert_int_equal(sim_queue_push(q, 1.0, &bad, &id), SIM_EINVAL);
  assert_int_equal(sim_queue_size(q), 0);
  assert_int_equal(sim_queue_cancel(q, 0), SIM_ENOTFOUND);
  assert_int_equal(sim_queue_cancel(q, UINT64_MAX), SIM_ENOTFOUND);
  assert_int_equal(sim_queue_cancel(q, (UINT64_C(1) << 32) | 3), SIM_ENOTFOUND);

  assert_int_equal(sim_queue_push(q, 1.0, &ev, &id), SIM_OK);
  /* Wrong generation on a live slot. */
  assert_int_equal(sim_queue_cancel(q, id + (UINT64_C(1) << 32)), SIM_ENOTFOUND);
  double t;
  sim_queue_event out;
  assert_int_equal(sim_queue_pop_until(q, 0.5, &t, &out), 0); /* beyond until */
  assert_int_equal(sim_queue_pop_until(q, 1.0, &t, &out), 1); /* until inclusive */
  assert_int_equal(sim_queue_cancel(q, id), SIM_ENOTFOUND);   /* fired */

  /* The slot is reused by the next push, with a new id. */
  sim_event_id id2;
  assert_int_equal(sim_queue_push(q, 2.0, &ev, &id2), SIM_OK);
  assert_true(id2 != id);
  assert_int_equal(sim_queue_cancel(q, id), SIM_ENOTFOUND);
  assert_int_equal(sim_queue_size(q), 1);

  /* clear: pending ids go stale, memory is kept, ordering restarts. */
  sim_queue_clear(q);
  assert_int_equal(sim_queue_size(q), 0);
  assert_int_equal(sim_queue_cancel(q, id2), SIM_ENOTFOUND);
  assert_true(sim_queue_debug_check(q));

  /* clear right after a pop (the root is vacant until the next push). */
  sim_event_id ids[3];
  for (int i = 0; i < 3; i++) assert_int_equal(sim_queue_push(q, 5.0 + i, &ev, &ids[i]), SIM_OK);
  assert_int_equal(sim_queue_pop_until(q, 10.0, &t, &out), 1);
  assert_int_equal(sim_queue_size(q), 2);
  assert_true(sim_queue_debug_check(q));
  sim_queue_clear(q);
  assert_int_equal(sim_queue_size(q), 0);
  assert_true(sim_queue_debug_check(q));
  for (int i = 0; i < 3; i++) assert_int_equal(sim_queue_cancel(q, ids[i]), SIM_ENOTFOUND);
  assert_int_equal(sim_queue_pop_until(q, 10.0, &t, &out), 0);

  /* -0.0 is stored as +0.0 and sorts with it in FIFO order. */
  sim_queue_event e1 = {dummy, NULL, 1}, e2 = {dummy2, NULL, 2};
  assert_int_equal(sim_queue_push(q, 0.0, &e1, NULL), SIM_OK);
  assert_int_equal(sim_queue_push(q, -0.0, &e2, NULL), SIM_OK);
  assert_int_equal(sim_queue_pop_until(q, 0.0, &t, &out), 1);
  assert_int_equal(out.arg, 1);
  assert_int_equal(sim_queue_pop_until(q, 0.0, &t, &out), 1);
  assert_int_equal(out.arg, 2);
  assert_ptr_equal(out.fn, dummy2);
  sim_queue_free(q);
  sim_queue_free(NULL);
}

/* Near the end of the 38-bit seq range (less the rank bits) the queue
** renumbers its pending events; the order among equal times must survive
** that. With ranks, every event has rank 2 - i % 2: rank 1 first among
** equal times. */
static void renumber_run(unsigned rank_bits) {
  sim_queue *q = sim_queue_new(0);
  assert_non_null(q);
  assert_int_equal(sim_queue_set_rank_bits(q, rank_bits), SIM_OK);
  sim_queue_debug_set_seq(q, (UINT64_C(1) << (38 - rank_bits)) - 20); /* renumbers at push 21 */
  sim_event_id ids[300];
  for (uint64_t i = 0; i < 300; i++) {
    sim_queue_event ev = {dummy, NULL, i};
    double t = (double)(i % 3);
    uint32_t rank = rank_bits ? 2 - (uint32_t)(i % 2) : 0;
    assert_int_equal(sim_queue_push_ranked(q, t, rank, &ev, &ids[i]), SIM_OK);
    if (i % 50 == 49) sim_queue_debug_set_seq(q, UINT64_MAX); /* renumber again */
    assert_true(sim_queue_debug_check(q));
  }
  assert_int_equal(sim_queue_cancel(q, ids[7]), SIM_OK);
  double t;
  sim_queue_event ev;
  double last_t = -1;
  uint64_t last_arg = 0;
  int popped = 0;
  while (sim_queue_pop_until(q, 10, &t, &ev)) {
    assert_true(t >= last_t);
    /* rank 2 - arg % 2: odd args (rank 1) before even ones at each time */
    if (t == last_t && rank_bits && ev.arg % 2 != last_arg % 2) assert_true(ev.arg % 2 == 0);
    else if (t == last_t) assert_true(ev.arg > last_arg);
    assert_true(ev.arg % 3 == (uint64_t)t);
    assert_true(ev.arg != 7);
    last_t = t;
    last_arg = ev.arg;
    popped++;
  }
  assert_int_equal(popped, 299);
  sim_queue_free(q);
}

static void test_renumber(void **state) {
  (void)state;
  renumber_run(0);
  renumber_run(5);
  renumber_run(SIM_QUEUE_MAX_RANK_BITS);
}

/* Many events: times from a coarse grid so ties are common; the pops must be
** ordered by (time, push order). */
static void test_large(void **state) {
  (void)state;
  const uint64_t n = under_valgrind() ? 100000 : 1000000;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 12345);
  sim_queue *q = sim_queue_new(0);
  assert_non_null(q);
  for (uint64_t i = 0; i < n; i++) {
    sim_queue_event ev = {dummy, NULL, i};
    double t = (double)gsl_rng_uniform_int(r, 100000);
    assert_int_equal(sim_queue_push(q, t, &ev, NULL), SIM_OK);
  }
  assert_int_equal(sim_queue_size(q), n);
  assert_true(sim_queue_debug_check(q));
  double t, last_t = -1;
  uint64_t last_arg = 0, popped = 0;
  sim_queue_event ev;
  int ordered = 1;
  while (sim_queue_pop_until(q, 1e9, &t, &ev)) {
    if (t < last_t || (t == last_t && ev.arg <= last_arg)) ordered = 0;
    last_t = t;
    last_arg = ev.arg;
    popped++;
  }
  assert_true(ordered);
  assert_int_equal(popped, n);
  assert_int_equal(sim_queue_size(q), 0);
  sim_queue_free(q);
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_differential),
      cmocka_unit_test(test_differential_ranked),
      cmocka_unit_test(test_ranks),
      cmocka_unit_test(test_fifo_equal_times),
      cmocka_unit_test(test_invalid_and_stale),
      cmocka_unit_test(test_renumber),
      cmocka_unit_test(test_large),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
