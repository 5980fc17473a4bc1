/*
** tests/test_report_table.c — reports/table: one table model rendered to
** Markdown and HTML: headers per format, columns shown in one format only,
** alignment from the cell kind, text escaped in each format and "-" for an
** empty text cell, an interval on its own line in HTML.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "reports/table.h"

static const report_table_column cols[] = {
  {"name", "name", REPORT_CELL_TEXT, REPORT_TABLE_BOTH},
  {"n", "count", REPORT_CELL_NUMBER, REPORT_TABLE_BOTH},
  {"md only", NULL, REPORT_CELL_NUMBER, REPORT_TABLE_MD},
  {NULL, "html only", REPORT_CELL_NUMBER, REPORT_TABLE_HTML},
  {"p [CI]", "p [95 % CI]", REPORT_CELL_CI, REPORT_TABLE_BOTH},
};

static report_table *sample(void)
{
  report_table *t = report_table_new(cols, sizeof cols / sizeof *cols);
  assert_non_null(t);
  const char *r1[] = {"a|b <x>", "3", "m", "h", "50 % [40, 60]"};
  const char *r2[] = {"", "0", NULL, "h2", "-"};
  assert_int_equal(report_table_add(t, r1), 0);
  assert_int_equal(report_table_add(t, r2), 0);
  assert_int_equal(report_table_rows(t), 2);
  return t;
}

static char *render(void (*fn)(FILE *, const report_table *), const report_table *t)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  fn(fp, t);
  fclose(fp);
  return buf;
}

static void test_markdown(void **state)
{
  (void)state;
  report_table *t = sample();
  char *md = render(report_table_write_md, t);
  assert_string_equal(md,
                      "| name | n | md only | p [CI] |\n"
                      "|---|--:|--:|--:|\n"
                      "| a\\|b \\<x\\> | 3 | m | 50 % [40, 60] |\n"
                      "| - | 0 |  | - |\n");
  free(md);
  report_table_free(t);
}

static void test_html(void **state)
{
  (void)state;
  report_table *t = sample();
  char *html = render(report_table_write_html, t);
  assert_string_equal(html,
                      "<div class=\"scroll\"><table>\n<thead><tr><th class=\"l\">name</th>"
                      "<th>count</th><th>html only</th><th>p [95 % CI]</th></tr></thead>\n<tbody>\n"
                      "<tr><td class=\"l\">a|b &lt;x&gt;</td><td>3</td><td>h</td>"
                      "<td>50 %<span class=\"ci\">[40, 60]</span></td></tr>\n"
                      "<tr><td class=\"l\">-</td><td>0</td><td>h2</td><td>-</td></tr>\n"
                      "</tbody>\n</table></div>\n");
  free(html);
  report_table_free(t);
}

static void test_empty_and_free(void **state)
{
  (void)state;
  report_table *t = report_table_new(cols, sizeof cols / sizeof *cols);
  assert_int_equal(report_table_rows(t), 0);
  char *md = render(report_table_write_md, t);
  assert_string_equal(md, "| name | n | md only | p [CI] |\n|---|--:|--:|--:|\n");
  free(md);
  report_table_free(t);
  report_table_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_markdown),
    cmocka_unit_test(test_html),
    cmocka_unit_test(test_empty_and_free),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
