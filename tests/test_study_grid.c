/*
** tests/test_study_grid.c — study/grid.c: VALUES lists and ranges
** (numbers, durations, YAML values with commas), their error messages, axes
** and grids (size, point index, overrides).
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
#include <gsl/gsl_cdf.h>

#include "study/grid.h"
#include "study/target.h"
#include "models/diag.h"

static void parse_ok(const char *values, study_grid_axis *a) {
  char err[400] = "";
  memset(a, 0, sizeof *a);
  if (study_grid_values_parse(values, a, err, sizeof err) != 0)
    fail_msg("'%s' should parse: %s", values, err);
}

static void expect_values(const char *values, size_t n, const char *const *texts,
                          const double *numbers) {
  study_grid_axis a;
  parse_ok(values, &a);
  if (a.n != n) fail_msg("'%s': %zu values, want %zu", values, a.n, n);
  for (size_t i = 0; i < n; i++) {
    if (strcmp(a.texts[i], texts[i]) != 0)
      fail_msg("'%s' value %zu: '%s', want '%s'", values, i, a.texts[i], texts[i]);
    if (isnan(numbers[i])) assert_true(isnan(a.numbers[i]));
    else if (fabs(a.numbers[i] - numbers[i]) > 1e-9 * fabs(numbers[i]))
      fail_msg("'%s' value %zu: %.17g, want %.17g", values, i, a.numbers[i], numbers[i]);
  }
  study_grid_axis_free(&a);
}

static void test_lists(void **state) {
  (void)state;
  expect_values("1,2,4", 3, (const char *[]){"1", "2", "4"}, (double[]){1, 2, 4});
  expect_values(" 1 , 2 ", 2, (const char *[]){"1", "2"}, (double[]){1, 2});
  expect_values("10m,1h30m,90", 3, (const char *[]){"10m", "1h30m", "90"}, (double[]){600, 5400, 90});
  expect_values("5%,0.2", 2, (const char *[]){"5%", "0.2"}, (double[]){0.05, 0.2});
  expect_values("true,abc", 2, (const char *[]){"true", "abc"}, (double[]){NAN, NAN});
  /* commas inside braces, brackets and quotes do not split */
  expect_values("{dist: exponential, mean: 5m},{dist: uniform, min: 1m, max: 2m}", 2,
                (const char *[]){"{dist: exponential, mean: 5m}", "{dist: uniform, min: 1m, max: 2m}"},
                (double[]){NAN, NAN});
  expect_values("[a, b],'x,y'", 2, (const char *[]){"[a, b]", "'x,y'"}, (double[]){NAN, NAN});
}

static void test_ranges(void **state) {
  (void)state;
  expect_values("1..4", 4, (const char *[]){"1", "2", "3", "4"}, (double[]){1, 2, 3, 4});
  expect_values("0..6/3", 3, (const char *[]){"0", "3", "6"}, (double[]){0, 3, 6});
  expect_values("0..7/3", 3, (const char *[]){"0", "3", "6"}, (double[]){0, 3, 6});
  /* decimal steps are written as a person would, not 0.30000000000000004 */
  expect_values("0.1..0.5/0.1", 5, (const char *[]){"0.1", "0.2", "0.3", "0.4", "0.5"},
                (double[]){0.1, 0.2, 0.3, 0.4, 0.5});
  expect_values("10m..60m/10m", 6, (const char *[]){"10m", "20m", "30m", "40m", "50m", "60m"},
                (double[]){600, 1200, 1800, 2400, 3000, 3600});
  /* the unit is the step's */
  expect_values("90s..3m/30s", 4, (const char *[]){"90s", "120s", "150s", "180s"},
                (double[]){90, 120, 150, 180});
  expect_values("0..1h/15m", 5, (const char *[]){"0m", "15m", "30m", "45m", "60m"},
                (double[]){0, 900, 1800, 2700, 3600});
  expect_values("0,2..3,8", 4, (const char *[]){"0", "2", "3", "8"}, (double[]){0, 2, 3, 8});
  expect_values("2..2", 1, (const char *[]){"2"}, (double[]){2});
}

static void parse_bad(const char *values, const char *fragment) {
  study_grid_axis a;
  memset(&a, 0, sizeof a);
  char err[400] = "";
  if (study_grid_values_parse(values, &a, err, sizeof err) == 0)
    fail_msg("'%s' should be refused", values);
  if (!strstr(err, fragment)) fail_msg("'%s': message '%s' lacks '%s'", values, err, fragment);
  study_grid_axis_free(&a);
}

static void test_value_errors(void **state) {
  (void)state;
  parse_bad("", "no values");
  parse_bad("1,,2", "empty value");
  parse_bad("1,", "empty value");
  parse_bad("5..1", "ends below its start");
  parse_bad("1h..3h", "needs a step");
  parse_bad("1..3/0", "step must be greater than 0");
  parse_bad("1..3/-1", "");
  parse_bad("a..b", "numbers or durations");
  parse_bad("1..100000", "more than");
  parse_bad("0..1/0.0000001", "more than");
}

static void test_axis_and_grid(void **state) {
  (void)state;
  study_grid_axis ax[3];
  char err[400];
  assert_int_equal(study_grid_axis_parse("standby.p.warm_nodes=0..1", &ax[0], err, sizeof err), 0);
  assert_string_equal(ax[0].path, "standby.p.warm_nodes");
  assert_int_equal(study_grid_axis_parse("a.b=x,y,z", &ax[1], err, sizeof err), 0);
  char *o = study_grid_override(&ax[1], 2);
  assert_string_equal(o, "a.b=z");
  free(o);
  size_t n = 0;
  assert_int_equal(study_grid_size(ax, 2, &n, err, sizeof err), 0);
  assert_int_equal(n, 6);
  /* the last axis varies fastest */
  size_t idx[2];
  size_t want[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}};
  for (size_t p = 0; p < 6; p++) {
    study_grid_index(ax, 2, p, idx);
    assert_int_equal(idx[0], want[p][0]);
    assert_int_equal(idx[1], want[p][1]);
  }
  assert_int_equal(study_grid_size(ax, 0, &n, err, sizeof err), 0);
  assert_int_equal(n, 1);
  /* the same path twice */
  assert_int_equal(study_grid_axis_parse("a.b=1", &ax[2], err, sizeof err), 0);
  assert_int_equal(study_grid_size(ax, 3, &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "given twice"));
  study_grid_axis_free(&ax[2]);
  /* too many points */
  assert_int_equal(study_grid_axis_parse("c=1..5000", &ax[2], err, sizeof err), 0);
  assert_int_equal(study_grid_size(ax, 3, &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "more than"));
  for (int i = 0; i < 3; i++) study_grid_axis_free(&ax[i]);
  study_grid_axis_free(NULL);
  /* malformed specs leave nothing to free */
  assert_int_equal(study_grid_axis_parse("no-equals", &ax[0], err, sizeof err), -1);
  assert_non_null(strstr(err, "PATH=VALUES"));
  assert_int_equal(study_grid_axis_parse("=1,2", &ax[0], err, sizeof err), -1);
  assert_int_equal(study_grid_axis_parse("a=", &ax[0], err, sizeof err), -1);
  assert_non_null(strstr(err, "--vary a"));
}

/* study_grid_shard: every point in exactly one shard, contiguous, in
** order; more shards than points leaves some empty; bad K/N is empty. */
static void test_shards(void **state) {
  (void)state;
  for (size_t points = 1; points <= 23; points++)
    for (uint64_t n = 1; n <= 9; n++) {
      size_t next = 0;
      for (uint64_t k = 1; k <= n; k++) {
        size_t first, end;
        study_grid_shard(points, k, n, &first, &end);
        assert_int_equal(first, next);
        assert_true(end >= first);
        assert_true(end - first <= points / n + 1);
        next = end;
      }
      assert_int_equal(next, points);
    }
  size_t first = 9, end = 9;
  study_grid_shard(5, 3, 2, &first, &end);
  assert_int_equal(first, end);
  study_grid_shard(5, 1, 0, &first, &end);
  assert_int_equal(first, end);
  study_grid_shard(10, 2, 4, &first, &end);
  assert_int_equal(first, 2);
  assert_int_equal(end, 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lists),
    cmocka_unit_test(test_ranges),
    cmocka_unit_test(test_value_errors),
    cmocka_unit_test(test_axis_and_grid),
    cmocka_unit_test(test_shards),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
