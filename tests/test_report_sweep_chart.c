/*
** tests/test_report_sweep_chart.c — reports/sweep_chart.c: the page of
** `drsim sweep --html`: both charts, one band and one line per environment,
** one marker per point that has a value (a point without one is skipped),
** the dashed share and objectives, escaped names, and an empty sweep.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/sweep_chart.h"

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0, len = strlen(needle);
  for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle)) n++;
  return n;
}

static char *render(const report_sweep_chart *c)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_non_null(f);
  assert_int_equal(report_sweep_chart_write(f, c), 0);
  assert_int_equal(fclose(f), 0);
  return text;
}

static void test_two_envs(void **state)
{
  (void)state;
  const double x[3] = {3600, 7200, 10800};
  const char *envs[2] = {"prod <eu>", "dev"};
  /* [point * 2 + env]; dev has no value at the second point */
  const report_stats_ci pm[6] = {{0.5, 0.4, 0.6}, {0.9, 0.8, 0.95}, {0.8, 0.7, 0.9},
                                 {NAN, NAN, NAN}, {0.99, 0.97, 1}, {1, 0.99, 1}};
  const report_stats_ci p95[6] = {{5000, 4000, 6000}, {3000, 2000, 4000}, {9000, 8000, 10000},
                                  {NAN, NAN, NAN}, {14000, 13000, INFINITY}, {3000, 2900, 3100}};
  const double obj[2] = {14400, NAN};
  report_sweep_chart c = {"sweep 1", "components.sql.failover.after", 1, x, 3, envs, 2,
                          pm, p95, obj, 0.95};
  char *t = render(&c);
  assert_non_null(strstr(t, "data-chart=\"sweep-p-meet\""));
  assert_non_null(strstr(t, "data-chart=\"sweep-p95\""));
  /* per chart and environment: one band, one line */
  assert_int_equal(count(t, "<polygon"), 4);
  assert_int_equal(count(t, "<polyline"), 4);
  /* markers: 3 + 2 points on each chart */
  assert_int_equal(count(t, "<circle"), 10);
  /* dashed: the share once (grey), prod's objective only */
  assert_int_equal(count(t, "stroke-dasharray"), 2);
  assert_int_equal(count(t, "stroke=\"#555\" stroke-dasharray"), 1);
  /* names escaped, the axis names the path and its unit */
  assert_non_null(strstr(t, "prod &lt;eu&gt;"));
  assert_null(strstr(t, "prod <eu>"));
  assert_non_null(strstr(t, "components.sql.failover.after (h"));
  free(t);
}

static void test_empty(void **state)
{
  (void)state;
  report_sweep_chart c = {"sweep 2", "x", 0, NULL, 0, NULL, 0, NULL, NULL, NULL, 0.95};
  char *t = render(&c);
  assert_non_null(strstr(t, "No point to draw"));
  assert_null(strstr(t, "<svg"));
  free(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_two_envs),
    cmocka_unit_test(test_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
