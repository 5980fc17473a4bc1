/*
** tests/test_model_units.c — models/units.c: durations, fractions and rates
** as planners write them, the errors for what they get wrong, and the
** formatters (compact duration, HH:MM:SS clock) including round trips.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "models/units.h"

typedef struct good_case {
  const char *text;
  double expect;
} good_case;

static const good_case good_durations[] = {
    {"30s", 30.0},
    {"15m", 900.0},
    {"4h", 14400.0},
    {"2d", 172800.0},
    {"1w", 604800.0},
    {"1y", 365.0 * 86400.0},
    {"10y", 3650.0 * 86400.0},
    {"1.5h", 5400.0},
    {".5h", 1800.0},
    {"1h30m", 5400.0},
    {"1d12h", 129600.0},
    {"2w3d4h5m6s", 2 * 604800.0 + 3 * 86400.0 + 4 * 3600.0 + 5 * 60.0 + 6.0},
    {"12m 30s", 750.0}, /* as model_units_format_duration writes it */
    {"4h 05m", 14700.0},
    {"90", 90.0},
    {"90.5", 90.5},
    {"0", 0.0},
    {"0s", 0.0},
    {"1e3s", 1000.0},
    {"  4h \n", 14400.0},
    {"\t15m", 900.0},
    {"0.25m", 15.0},
};

/* Bad durations and a fragment the message must contain (NULL: any message). */
typedef struct bad_case {
  const char *text;
  const char *fragment;
} bad_case;

static const bad_case bad_durations[] = {
    {"15 minutes?", "no space"},
    {"15 m", "no space"},
    {"-3h", "negative"},
    {"+3h", "'+'"},
    {"4hh", "unknown unit"},
    {"4H", "unknown unit"},
    {"4min", "unknown unit"},
    {"", "empty"},
    {"   ", "empty"},
    {"h", "missing number"},
    {"1e400s", "too large"},
    {"1e308y", "too large"}, /* finite number, infinite seconds */
    {"3h-", "'-'"},
    {"3h-2m", "'-'"},
    {"inf", "finite"},
    {"nan", "finite"},
    {"INF", "finite"},
    {"1h30", "needs a unit"},
    {"30m1h", "smaller than the one before"},
    {"1h1h", "smaller than the one before"},
    {"0x10", NULL},
    {"1..5h", NULL},
    {"1.5.5h", NULL},
    {"4h,", NULL},
    {"4h 2", "needs a unit"},
    {"1,5h", NULL},
    {"(4h)", NULL},
    {"0000000000000000000000000000000000000000000000000000000000000000001s", "too long"},
};

static void test_good_durations(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof good_durations / sizeof *good_durations; i++) {
    double v = -1.0;
    const char *why = "untouched";
    int rc = model_units_parse_duration(good_durations[i].text, &v, &why);
    if (rc != 0) print_error("'%s' failed: %s\n", good_durations[i].text, why);
    assert_int_equal(rc, 0);
    /* Every expected value is exactly representable and every input is
    ** a sum of exact products, so equality is exact. */
    if (v != good_durations[i].expect)
      print_error("'%s' gave %.17g, expected %.17g\n", good_durations[i].text, v,
                  good_durations[i].expect);
    assert_true(v == good_durations[i].expect);
  }
}

static void test_bad_durations(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_durations / sizeof *bad_durations; i++) {
    double v = 12345.0;
    const char *why = NULL;
    int rc = model_units_parse_duration(bad_durations[i].text, &v, &why);
    if (rc == 0) print_error("'%s' was accepted as %g\n", bad_durations[i].text, v);
    assert_int_equal(rc, -1);
    assert_non_null(why);
    assert_true(strlen(why) > 10);
    assert_true(v == 12345.0); /* output untouched on error */
    if (bad_durations[i].fragment && !strstr(why, bad_durations[i].fragment))
      print_error("'%s': message '%s' lacks '%s'\n", bad_durations[i].text, why,
                  bad_durations[i].fragment);
    if (bad_durations[i].fragment) assert_non_null(strstr(why, bad_durations[i].fragment));
    /* why and seconds are optional. */
    assert_int_equal(model_units_parse_duration(bad_durations[i].text, NULL, NULL), -1);
  }
  const char *why = NULL;
  assert_int_equal(model_units_parse_duration(NULL, NULL, &why), -1);
  assert_non_null(why);
}

static void test_fractions(void **state) {
  (void)state;
  static const good_case good[] = {
      {"99.9%", 0.999}, {"0.999", 0.999}, {"1", 1.0},    {"100%", 1.0},
      {"0", 0.0},       {"0%", 0.0},      {"50 %", 0.5}, {" 12.5% ", 0.125},
      {"99.99%", 0.9999}, {"1e-3", 0.001}, {".5", 0.5},
  };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    double v = -1.0;
    const char *why = NULL;
    int rc = model_units_parse_fraction(good[i].text, &v, &why);
    if (rc != 0) print_error("'%s' failed: %s\n", good[i].text, why);
    assert_int_equal(rc, 0);
    /* Percentages are converted by shifting the decimal point in the text,
    ** so they give exactly the double of the written fraction. */
    if (v != good[i].expect)
      print_error("'%s' gave %.17g, expected %.17g\n", good[i].text, v, good[i].expect);
    assert_true(v == good[i].expect);
  }
  static const bad_case bad[] = {
      {"100.1%", "above 100%"}, {"1.5", "above 1"},  {"99.9", "99.9%"},
      {"-0.1", "negative"},     {"-5%", "negative"}, {"abc", NULL},
      {"", "empty"},            {"99.9%%", NULL},    {"0.5x", NULL},
      {"1e400%", "too large"},  {"nan", NULL},       {"inf%", NULL},
      {"%", NULL},              {"+0.5", NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    double v = 7.0;
    const char *why = NULL;
    int rc = model_units_parse_fraction(bad[i].text, &v, &why);
    if (rc == 0) print_error("'%s' was accepted as %g\n", bad[i].text, v);
    assert_int_equal(rc, -1);
    assert_non_null(why);
    assert_true(v == 7.0);
    if (bad[i].fragment && !strstr(why, bad[i].fragment))
      print_error("'%s': message '%s' lacks '%s'\n", bad[i].text, why, bad[i].fragment);
    if (bad[i].fragment) assert_non_null(strstr(why, bad[i].fragment));
  }
}

static void test_rates(void **state) {
  (void)state;
  const double year = MODEL_UNITS_YEAR;
  static const struct {
    const char *text;
    double count, period;
  } good[] = {
      {"1/10y", 1.0, 10.0 * MODEL_UNITS_YEAR},
      {"2/1y", 2.0, MODEL_UNITS_YEAR},
      {"0.5/d", 0.5, MODEL_UNITS_DAY},
      {"1/y", 1.0, MODEL_UNITS_YEAR},
      {"3/1w", 3.0, MODEL_UNITS_WEEK},
      {" 1 / 10y ", 1.0, 10.0 * MODEL_UNITS_YEAR},
      {"1/1h30m", 1.0, 5400.0},
      {"12/3600", 12.0, 3600.0},
  };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    double v = -1.0;
    const char *why = NULL;
    int rc = model_units_parse_rate(good[i].text, &v, &why);
    if (rc != 0) print_error("'%s' failed: %s\n", good[i].text, why);
    assert_int_equal(rc, 0);
    assert_true(v > 0);
    assert_true(v == good[i].count / good[i].period);
  }
  double v = 0.0;
  assert_int_equal(model_units_parse_rate("1/10y", &v, NULL), 0);
  assert_true(fabs(v * 10.0 * year - 1.0) < 1e-15); /* one event per ten years */

  static const bad_case bad[] = {
      {"0/y", "greater than 0"}, {"1/0s", "greater than 0"}, {"1", "count/period"},
      {"1/", "missing period"},  {"/y", "missing count"},    {"1/yy", "unknown unit"},
      {"-1/y", "negative"},      {"1/-1y", "negative"},     {"", "count/period"},
      {"abc/y", NULL},           {"1/1e400s", "too large"},
      {"1e-400/y", "greater than 0"}, {"1/y/2", NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    double r = 5.0;
    const char *why = NULL;
    int rc = model_units_parse_rate(bad[i].text, &r, &why);
    if (rc == 0) print_error("'%s' was accepted as %g\n", bad[i].text, r);
    assert_int_equal(rc, -1);
    assert_non_null(why);
    assert_true(r == 5.0);
    if (bad[i].fragment && !strstr(why, bad[i].fragment))
      print_error("'%s': message '%s' lacks '%s'\n", bad[i].text, why, bad[i].fragment);
    if (bad[i].fragment) assert_non_null(strstr(why, bad[i].fragment));
  }
}

static void test_format_duration(void **state) {
  (void)state;
  static const struct {
    double s;
    const char *text;
  } cases[] = {
      {0, "0s"},          {45, "45s"},          {59.4, "59s"},       {0.5, "0.5s"},
      {750, "12m 30s"},   {300, "5m"},          {60, "1m"},          {14700, "4h 05m"},
      {7200, "2h"},       {183600, "2d 03h"},   {86400, "1d"},       {-90, "-1m 30s"},
      {NAN, "n/a"},       {INFINITY, "inf"},    {3599.6, "1h"},      {1e12, "3.171e+04y"},
  };
  char buf[64];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    model_units_format_duration(cases[i].s, buf, sizeof buf);
    if (strcmp(buf, cases[i].text) != 0)
      print_error("%g formatted as '%s', expected '%s'\n", cases[i].s, buf, cases[i].text);
    assert_string_equal(buf, cases[i].text);
  }
  /* A short buffer truncates but stays a C string. */
  char small[4];
  assert_ptr_equal(model_units_format_duration(14700, small, sizeof small), small);
  assert_int_equal(strlen(small), 3);
}

/* parse(format(x)) gives x back to the format's resolution: exact for whole
** seconds under 1 h, whole minutes under 1 d and whole hours beyond; within
** half a resolution step for anything else. */
static void test_format_round_trip(void **state) {
  (void)state;
  char buf[64];
  double back = -1.0;
  for (double s = 0; s < 3600; s += 7) {
    assert_int_equal(model_units_parse_duration(model_units_format_duration(s, buf, sizeof buf),
                                                &back, NULL), 0);
    assert_true(back == s);
  }
  for (double m = 60; m < 1440; m += 13) {
    double s = m * 60.0;
    assert_int_equal(model_units_parse_duration(model_units_format_duration(s, buf, sizeof buf),
                                                &back, NULL), 0);
    assert_true(back == s);
  }
  for (double h = 24; h < 24 * 400; h += 37) {
    double s = h * 3600.0;
    assert_int_equal(model_units_parse_duration(model_units_format_duration(s, buf, sizeof buf),
                                                &back, NULL), 0);
    assert_true(back == s);
  }
  for (double s = 1.0; s < 90.0 * 86400.0; s *= 1.37) {
    double step = s < 3600 - 0.5 ? 1.0 : s < 86400 - 30 ? 60.0 : 3600.0;
    assert_int_equal(model_units_parse_duration(model_units_format_duration(s, buf, sizeof buf),
                                                &back, NULL), 0);
    if (fabs(back - s) > step / 2)
      print_error("%.3f -> '%s' -> %.3f\n", s, buf, back);
    assert_true(fabs(back - s) <= step / 2);
  }
}

static void test_format_clock(void **state) {
  (void)state;
  static const struct {
    double s;
    const char *text;
  } cases[] = {
      {0, "00:00:00"},       {3723, "01:02:03"},       {176700, "49:05:00"},
      {-90, "-00:01:30"},    {NAN, "--:--:--"},        {INFINITY, "--:--:--"},
      {59.6, "00:01:00"},    {86399, "23:59:59"},      {360000, "100:00:00"},
  };
  char buf[32];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_ptr_equal(model_units_format_clock(cases[i].s, buf, sizeof buf), buf);
    assert_string_equal(buf, cases[i].text);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_durations),  cmocka_unit_test(test_bad_durations),
      cmocka_unit_test(test_fractions),       cmocka_unit_test(test_rates),
      cmocka_unit_test(test_format_duration), cmocka_unit_test(test_format_round_trip),
      cmocka_unit_test(test_format_clock),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
