/*
** tests/test_sim_rng.c — unit tests of sim/rng.c: streams are a pure function
** of (run seed, trial, stream), independent of the order trials are run in;
** the mixer has no collisions over a grid; a uniformity sanity check with a
** tolerance derived from the standard error; FNV-1a reference values.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/rng.h"

static int under_valgrind(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && strcmp(v, "1") == 0;
}

#define DRAWS 8

static void draws(gsl_rng *r, uint64_t seed, uint64_t trial, uint64_t stream,
                  unsigned long out[DRAWS]) {
  sim_rng_seed(r, seed, trial, stream);
  for (int i = 0; i < DRAWS; i++) out[i] = gsl_rng_get(r);
}

static void test_alloc_type(void **state) {
  (void)state;
  gsl_rng *r = sim_rng_alloc();
  assert_non_null(r);
  assert_ptr_equal(r->type, gsl_rng_taus2);
  assert_string_equal(gsl_rng_name(r), "taus2");
  gsl_rng_free(r);
}

static void test_same_and_different(void **state) {
  (void)state;
  gsl_rng *a = sim_rng_alloc(), *b = sim_rng_alloc();
  assert_non_null(a);
  assert_non_null(b);
  unsigned long x[DRAWS], y[DRAWS];
  draws(a, 42, 7, 3, x);
  draws(b, 42, 7, 3, y);
  assert_memory_equal(x, y, sizeof x);
  /* Reseeding the same generator after other use gives the same draws. */
  for (int i = 0; i < 1000; i++) (void)gsl_rng_get(a);
  draws(a, 42, 7, 3, y);
  assert_memory_equal(x, y, sizeof x);
  /* Any input changed: different draws. */
  draws(b, 42, 8, 3, y);
  assert_memory_not_equal(x, y, sizeof x);
  draws(b, 42, 7, 4, y);
  assert_memory_not_equal(x, y, sizeof x);
  draws(b, 43, 7, 3, y);
  assert_memory_not_equal(x, y, sizeof x);
  /* Swapping trial and stream is a different stream too. */
  draws(b, 42, 3, 7, y);
  assert_memory_not_equal(x, y, sizeof x);
  gsl_rng_free(a);
  gsl_rng_free(b);
}

/* Trial k's draws do not depend on which trials were seeded before. */
static void test_order_independent(void **state) {
  (void)state;
  enum { N = 200 };
  static unsigned long fwd[N][DRAWS], other[N][DRAWS];
  gsl_rng *r = sim_rng_alloc();
  assert_non_null(r);
  for (size_t k = 0; k < N; k++) draws(r, 99, k, 1, fwd[k]);
  for (size_t k = N; k-- > 0;) draws(r, 99, k, 1, other[k]);
  assert_memory_equal(fwd, other, sizeof fwd);

  gsl_rng *shuf = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(shuf, 5);
  gsl_permutation *p = gsl_permutation_alloc(N);
  gsl_permutation_init(p);
  gsl_ran_shuffle(shuf, gsl_permutation_data(p), N, sizeof(size_t));
  memset(other, 0, sizeof other);
  for (size_t i = 0; i < N; i++) {
    size_t k = gsl_permutation_get(p, i);
    /* Interleave unrelated use of the generator. */
    draws(r, 12345, k + 1000, 9, other[k]);
    draws(r, 99, k, 1, other[k]);
  }
  assert_memory_equal(fwd, other, sizeof fwd);
  gsl_permutation_free(p);
  gsl_rng_free(shuf);
  gsl_rng_free(r);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* No collisions among 10^5 (trial, stream) pairs, neither in the mixer nor in
** the generator's first two outputs (a stand-in for the seeded state). */
static void test_no_collisions(void **state) {
  (void)state;
  enum { SIDE = 317 }; /* 317^2 > 10^5 */
  const size_t n = (size_t)SIDE * SIDE;
  uint64_t *mix = malloc(n * sizeof *mix), *out = malloc(n * sizeof *out);
  assert_non_null(mix);
  assert_non_null(out);
  gsl_rng *r = sim_rng_alloc();
  assert_non_null(r);
  size_t i = 0;
  for (uint64_t t = 0; t < SIDE; t++) {
    for (uint64_t s = 0; s < SIDE; s++, i++) {
      mix[i] = sim_rng_mix(2024, t, s);
      sim_rng_seed(r, 2024, t, s);
      uint64_t hi = gsl_rng_get(r);
      out[i] = hi << 32 | gsl_rng_get(r);
    }
  }
  qsort(mix, n, sizeof *mix, cmp_u64);
  qsort(out, n, sizeof *out, cmp_u64);
  size_t dup_mix = 0, dup_out = 0;
  for (i = 1; i < n; i++) {
    dup_mix += mix[i] == mix[i - 1];
    dup_out += out[i] == out[i - 1];
  }
  assert_int_equal(dup_mix, 0);
  assert_int_equal(dup_out, 0);
  free(mix);
  free(out);
  gsl_rng_free(r);
}

/* Uniformity across streams: the first uniform of each of n consecutive
** trials. Its mean has standard error sqrt(1/12 / n); the lag-1 correlation
** between neighbouring trials has standard error ~ 1/sqrt(n). Both are
** checked at 5 sigma. */
static void test_uniformity(void **state) {
  (void)state;
  const size_t n = under_valgrind() ? 20000 : 100000;
  double *u = malloc(n * sizeof *u);
  assert_non_null(u);
  gsl_rng *r = sim_rng_alloc();
  assert_non_null(r);
  for (size_t k = 0; k < n; k++) {
    sim_rng_seed(r, 1, k, 0);
    u[k] = gsl_rng_uniform(r);
    assert_true(u[k] >= 0.0 && u[k] < 1.0);
  }
  double mean = gsl_stats_mean(u, 1, n);
  double se_mean = sqrt(1.0 / 12.0 / (double)n);
  assert_true(fabs(mean - 0.5) < 5 * se_mean);
  double var = gsl_stats_variance_m(u, 1, n, mean);
  /* Var of (U - 1/2)^2 is 1/180, so the sample variance has SE sqrt(1/180/n). */
  assert_true(fabs(var - 1.0 / 12.0) < 5 * sqrt(1.0 / 180.0 / (double)n));
  double rho = gsl_stats_correlation(u, 1, u + 1, 1, n - 1);
  assert_true(fabs(rho) < 5 / sqrt((double)(n - 1)));
  /* The same within one stream. */
  sim_rng_seed(r, 1, 0, 0);
  for (size_t k = 0; k < n; k++) u[k] = gsl_rng_uniform(r);
  mean = gsl_stats_mean(u, 1, n);
  assert_true(fabs(mean - 0.5) < 5 * se_mean);
  free(u);
  gsl_rng_free(r);
}

static void test_stream_id(void **state) {
  (void)state;
  /* Reference FNV-1a 64 values. */
  assert_true(sim_rng_stream_id("") == UINT64_C(0xcbf29ce484222325));
  assert_true(sim_rng_stream_id("a") == UINT64_C(0xaf63dc4c8601ec8c));
  assert_true(sim_rng_stream_id("foobar") == UINT64_C(0x85944171f73967e8));
  assert_true(sim_rng_stream_id("step:production/approve-failover") !=
              sim_rng_stream_id("step:staging/approve-failover"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_alloc_type),
      cmocka_unit_test(test_same_and_different),
      cmocka_unit_test(test_order_independent),
      cmocka_unit_test(test_no_collisions),
      cmocka_unit_test(test_uniformity),
      cmocka_unit_test(test_stream_id),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
