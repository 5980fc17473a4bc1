/*
** tests/test_report_opt_page.c — reports/opt_page.c: the page of `drsim
** optimize --html` escapes every text it is given, marks the chosen
** candidate red on the front and bold in the table, leaves out points it
** cannot place, and writes the contributions table only when given one.
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

#include "reports/opt_page.h"

static char *page(const report_opt_page *pg) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  assert_int_equal(report_opt_page_write(f, pg), 0);
  fclose(f);
  return buf;
}

static size_t count(const char *s, const char *what) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, what)); p += strlen(what)) n++;
  return n;
}

static void test_page(void **state) {
  (void)state;
  report_opt_page_cand c[3] = {
    {.label = "a=<1>", .order = 1, .objective = 100, .y = 80, .standby = 100, .risk = 0,
     .total = 100, .p_meet = 80, .pareto = 1, .run_id = 1},
    {.label = "a=2 & 'b'", .order = 2, .objective = 200, .y = 95, .standby = 150, .risk = 50,
     .total = 200, .p_meet = 95, .meets_all = 1, .pareto = 1, .chosen = 1, .run_id = 2},
    {.label = "a=3", .order = 3, .objective = NAN, .y = 99, .run_id = 3},
  };
  report_opt_page_contrib k = {.decision = "a", .chosen = "2", .instead = "\"1\"",
                               .d_standby = 50, .d_risk = 50, .d_total = 100, .d_p_meet = 15};
  report_opt_page pg = {.scenario = "s<x>", .answer = "The cheapest is a=2 & 'b'.",
                        .reproduce = "drsim run s.yaml --set 'a=2'", .currency = "EUR",
                        .cands = c, .n_cands = 3, .contribs = &k, .n_contribs = 1};
  char *s = page(&pg);
  assert_non_null(strstr(s, "<title>drsim optimize: s&lt;x&gt;</title>"));
  assert_non_null(strstr(s, "<p>The cheapest is a=2 &amp; &#39;b&#39;.</p>"));
  assert_non_null(strstr(s, "<code>drsim run s.yaml --set &#39;a=2&#39;</code>"));
  assert_null(strstr(s, "a=<1>"));
  assert_non_null(strstr(s, "a=&lt;1&gt;"));
  assert_int_equal(count(s, "<circle"), 2);            /* a=3 has no cost: not drawn */
  assert_int_equal(count(s, "fill=\"#d62728\""), 1);   /* the chosen point */
  assert_int_equal(count(s, ">chosen</text>"), 1);
  assert_non_null(strstr(s, "cost a year (EUR)"));
  assert_non_null(strstr(s, "P(meet) %"));
  assert_non_null(strstr(s, "<tr class=\"meets pick\"><td>2</td>"));
  assert_non_null(strstr(s, "What each decision contributes"));
  assert_non_null(strstr(s, "&quot;1&quot;</td><td>+50</td><td>+50</td><td>+100</td><td>+15.0 points"));
  assert_non_null(strstr(s, "</html>"));
  free(s);
  /* CVaR axis, no contributions */
  pg.pareto_cvar = 1;
  pg.contribs = NULL;
  pg.n_contribs = 0;
  s = page(&pg);
  assert_non_null(strstr(s, "annual cost vs CVaR-95 of the loss per disaster"));
  assert_null(strstr(s, "What each decision contributes"));
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_page),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
