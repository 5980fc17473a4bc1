/*
** tests/test_study_flip.c — study/flip.c: range parsing (numbers,
** durations, errors), the bisection's bracket on integer and continuous
** ranges against a known step function, "no flip" at equal ends, and that
** an evaluation failure stops the search.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "study/flip.h"

typedef struct fake {
  double cliff;    /* P(meet) = 0.99 below the cliff, 0.5 from it on */
  int calls, fail_at;
} fake;

static int eval(void *ctx, const char *override, report_stats_ci *p) {
  fake *f = ctx;
  if (++f->calls == f->fail_at) return STUDY_EIO;
  const char *eq = strchr(override, '=');
  assert_non_null(eq);
  double v = strtod(eq + 1, NULL);
  p->est = v < f->cliff ? 0.99 : 0.5;
  p->lo = p->hi = p->est;
  return STUDY_OK;
}

static void test_parse(void **state) {
  (void)state;
  study_flip_range r;
  char err[256];
  assert_int_equal(study_flip_range_parse("standby.p.warm_nodes=1..8", &r, err, sizeof err), 0);
  assert_string_equal(r.path, "standby.p.warm_nodes");
  assert_true(r.integer && !r.duration && r.lo == 1 && r.hi == 8);
  assert_int_equal(study_flip_range_parse("components.c.failover.after=1h..6h", &r, err, sizeof err), 0);
  assert_true(!r.integer && r.duration && r.lo == 3600 && r.hi == 21600);
  assert_int_equal(study_flip_range_parse("x=0.5..1.5", &r, err, sizeof err), 0);
  assert_true(!r.integer && !r.duration);
  assert_int_equal(study_flip_range_parse("x=3", &r, err, sizeof err), -1);
  assert_int_equal(study_flip_range_parse("x=5..1", &r, err, sizeof err), -1);
  assert_int_equal(study_flip_range_parse("x=1..2h", &r, err, sizeof err), -1);
  assert_int_equal(study_flip_range_parse("=1..2", &r, err, sizeof err), -1);
  char o[64];
  assert_int_equal(study_flip_range_parse("n=1..8", &r, err, sizeof err), 0);
  assert_string_equal(study_flip_override(&r, 4, o, sizeof o), "n=4");
}

static void test_integer_bracket(void **state) {
  (void)state;
  study_flip_range r;
  char err[256];
  assert_int_equal(study_flip_range_parse("n=0..100", &r, err, sizeof err), 0);
  fake f = {37, 0, 0};
  study_flip_result res;
  assert_int_equal(study_flip_find(&r, 0.95, 30, eval, &f, &res), STUDY_OK);
  assert_true(res.flips && res.meets_at_lo);
  assert_true(res.below == 36 && res.above == 37);
  assert_true(res.p_below.est == 0.99 && res.p_above.est == 0.5);
  assert_true(res.evaluations <= 2 + 7);   /* log2(100) bisections */
}

static void test_continuous_and_none(void **state) {
  (void)state;
  study_flip_range r;
  char err[256];
  assert_int_equal(study_flip_range_parse("d=1h..5h", &r, err, sizeof err), 0);
  fake f = {7777, 0, 0};
  study_flip_result res;
  assert_int_equal(study_flip_find(&r, 0.95, 40, eval, &f, &res), STUDY_OK);
  assert_true(res.flips);
  assert_true(res.below < 7777 && res.above >= 7777 && res.above - res.below <= 14400.0 / 1000);
  f = (fake){1e9, 0, 0};   /* meets everywhere */
  assert_int_equal(study_flip_find(&r, 0.95, 40, eval, &f, &res), STUDY_OK);
  assert_true(!res.flips && res.meets_at_lo && res.evaluations == 2);
  f = (fake){1e9, 0, 3};   /* the first bisection fails */
  f.cliff = 7777;
  assert_int_equal(study_flip_find(&r, 0.95, 40, eval, &f, &res), STUDY_EIO);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse),
    cmocka_unit_test(test_integer_bracket),
    cmocka_unit_test(test_continuous_and_none),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
