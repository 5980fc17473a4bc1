/*
** tests/test_fit_drills.c — fit/drills.c and fit/csv.c: timestamps, the
** CSV reader (quoting, comments, CRLF, columns by name), grouping of a
** drill log by (environment, step) with censoring, failures, drills,
** attempts per drill and months, and the errors with their line.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fit/csv.h"
#include "fit/drills.h"

static void test_parse_time(void **state) {
  (void)state;
  double t;
  assert_int_equal(fit_drills_parse_time("1970-01-01T00:00:00Z", &t), 0);
  assert_true(t == 0);
  assert_int_equal(fit_drills_parse_time("2026-01-14T10:02:00Z", &t), 0);
  assert_true(t == 1768384920.0); /* date -u -d 2026-01-14T10:02:00Z +%s */
  assert_int_equal(fit_drills_parse_time("2024-02-29 23:59", &t), 0);
  assert_true(t == 1709251140.0);
  assert_int_equal(fit_drills_parse_time("2026-01-14", &t), 0);
  assert_int_equal(fit_drills_parse_time("2026-13-01T00:00Z", &t), -1);
  assert_int_equal(fit_drills_parse_time("14/01/2026 10:02", &t), -1);
  assert_int_equal(fit_drills_parse_time("2026-01-14T10:02:00+01:00", &t), -1);
}

static void test_csv(void **state) {
  (void)state;
  const char *text = "# a comment\r\nName, \"Val,ue\"\r\n\r\na,\"x \"\"q\"\"\"\r\nb\r\n";
  char err[200];
  fit_csv *t = fit_csv_parse(text, strlen(text), "t.csv", err, sizeof err);
  assert_non_null(t);
  assert_int_equal(fit_csv_rows(t), 2);
  assert_int_equal(fit_csv_cols(t), 2);
  assert_int_equal(fit_csv_col(t, "value"), -1);
  assert_int_equal(fit_csv_col(t, "val,ue"), 1);
  assert_int_equal(fit_csv_col(t, "NAME"), 0);
  assert_string_equal(fit_csv_get(t, 0, 1), "x \"q\"");
  assert_string_equal(fit_csv_get(t, 1, 1), "");
  assert_int_equal(fit_csv_line(t, 0), 4);
  assert_int_equal(fit_csv_line(t, 1), 5);
  fit_csv_free(t);
  assert_null(fit_csv_parse("a,\"b\n", 5, "u.csv", err, sizeof err));
  assert_non_null(strstr(err, "u.csv:1: a quoted field is not closed"));
  assert_null(fit_csv_parse("# only\n", 7, "e.csv", err, sizeof err));
}

static char *write_tmp(const char *content) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/drsim-drills-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
  close(fd);
  return path;
}

static void test_group(void **state) {
  (void)state;
  const char *log =
      "drill,environment,step,start,end,outcome,note\n"
      "d1,prod,restore,2026-01-10T10:00:00Z,2026-01-10T10:20:00Z,failed,x\n"
      "d1,prod,restore,2026-01-10T10:25:00Z,2026-01-10T10:40:00Z,ok,\n"
      "d1,prod,approve,2026-01-10T09:00:00Z,2026-01-10T09:30:00Z,OK,\n"
      "d2,prod,restore,2026-03-10T10:00:00Z,2026-03-10T10:45:00Z,censored,\n"
      "d3,prod,restore,2026-12-01T10:00:00Z,2026-12-01T10:10:00Z,ok,\n";
  char *p = write_tmp(log), err[300];
  fit_drills *d = fit_drills_read(p, err, sizeof err);
  unlink(p);
  assert_non_null(d);
  assert_int_equal(fit_drills_count(d), 2);
  const fit_drills_step *r = fit_drills_find(d, "prod", "restore");
  assert_non_null(r);
  assert_ptr_equal(r, fit_drills_get(d, 0));
  assert_int_equal(r->n, 4);
  assert_int_equal(r->n_censored, 1);
  assert_int_equal(r->failures, 1);
  assert_int_equal(r->completed, 3);
  assert_int_equal(r->drills, 3);
  assert_int_equal(r->max_attempts, 2);
  assert_true(r->x[0] == 1200 && r->x[1] == 900 && r->x[2] == 2700 && r->x[3] == 600);
  assert_int_equal(r->censored[2], 1);
  assert_string_equal(r->first_month, "2026-01");
  assert_string_equal(r->last_month, "2026-12");
  char b[64];
  assert_string_equal(fit_drills_span(r, b, sizeof b), "3 drills 2026-01..12");
  const fit_drills_step *a = fit_drills_find(d, "prod", "approve");
  assert_string_equal(fit_drills_span(a, b, sizeof b), "1 drill 2026-01");
  assert_null(fit_drills_find(d, "staging", "restore"));
  fit_drills_free(d);
}

static void test_errors(void **state) {
  (void)state;
  char err[300];
  char *p = write_tmp("drill,environment,step,start,end\n");
  assert_null(fit_drills_read(p, err, sizeof err));
  assert_non_null(strstr(err, ":1: no column 'outcome'"));
  unlink(p);
  p = write_tmp("drill,environment,step,start,end,outcome\n"
                "d1,prod,restore,2026-01-10T10:00:00Z,2026-01-10T10:20:00Z,ok\n"
                "d1,prod,restore,2026-01-10T10:00:00Z,2026-01-10T10:20:00Z,maybe\n");
  assert_null(fit_drills_read(p, err, sizeof err));
  assert_non_null(strstr(err, ":3: outcome 'maybe' is not ok, failed or censored"));
  unlink(p);
  p = write_tmp("drill,environment,step,start,end,outcome\n"
                "d1,prod,restore,yesterday,2026-01-10T10:20:00Z,ok\n");
  assert_null(fit_drills_read(p, err, sizeof err));
  assert_non_null(strstr(err, ":2: start and end must be UTC timestamps"));
  unlink(p);
  p = write_tmp("drill,environment,step,start,end,outcome\n"
                "d1,,restore,2026-01-10T10:00:00Z,2026-01-10T10:20:00Z,ok\n");
  assert_null(fit_drills_read(p, err, sizeof err));
  assert_non_null(strstr(err, ":2: 'environment' is empty"));
  unlink(p);
  p = write_tmp("drill,environment,step,start,end,outcome\n");
  assert_null(fit_drills_read(p, err, sizeof err));
  assert_non_null(strstr(err, "no attempts"));
  unlink(p);
  assert_null(fit_drills_read("/nonexistent/drills.csv", err, sizeof err));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_time),
    cmocka_unit_test(test_csv),
    cmocka_unit_test(test_group),
    cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
