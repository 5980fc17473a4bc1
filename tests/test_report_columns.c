/*
** tests/test_report_columns.c — reports/columns: the per-trial column table
** agrees with the trials table a new store creates (names, order, SQL
** types), with the trials CSV header and with what a stored row reads back
** as; the summary column table agrees with REPORT_CSV_SUMMARY_HEADER (a
** contract), with the header the CSV writer prints and with the keys of the
** JSON summary objects, in order; the NULL rules of the accessors.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>
#include "reports/columns.h"
#include "reports/csv.h"
#include "reports/json.h"
#include "reports/store.h"
#include "reports/summary.h"
#include "tests/support/report_fixture.h"

/* The first line a writer prints, malloc'ed. */
static char *first_line(int (*fn)(FILE *, report_store *, int64_t, report_error *),
                        report_store *st, int64_t id)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  report_error err = {{0}};
  assert_int_equal(fn(fp, st, id, &err), REPORT_OK);
  fclose(fp);
  char *nl = strchr(buf, '\n');
  assert_non_null(nl);
  *nl = '\0';
  return buf;
}

static void test_trials_schema_and_csv(void **state)
{
  (void)state;
  fixture f;
  fixture_init(&f);
  fixture_db d;
  fixture_db_open(&d, "c.db", &f.sc, 10, REPORT_DETAIL_SUMMARY);
  report_store *st = d.st;
  int64_t id = d.id;

  /* The CSV header: run_id, environment, trial, then the table. */
  char want[2048];
  size_t len = (size_t)snprintf(want, sizeof want, "run_id,environment,trial");
  for (size_t j = 0; j < report_trial_ncolumns; j++) {
    assert_true(report_trial_columns[j].col.since >= 1);
    assert_true(report_trial_columns[j].col.since <= REPORT_STORE_SCHEMA_VERSION);
    assert_ptr_equal(report_trial_column_find(report_trial_columns[j].col.name),
                     &report_trial_columns[j]);
    len += (size_t)snprintf(want + len, sizeof want - len, ",%s",
                            report_trial_columns[j].col.name);
  }
  assert_null(report_trial_column_find("no_such_column"));
  char *head = first_line(report_csv_write_trials, st, id);
  assert_string_equal(head, want);
  free(head);

  /* The trials table of the store: the same columns, order and types. */
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(d.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *s = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\" FROM "
                                          "pragma_table_info('trials') ORDER BY cid",
                                      -1, &s, NULL), SQLITE_OK);
  static const char *const keys[] = {"run_id", "environment", "trial"};
  size_t k = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    char type[64];
    snprintf(type, sizeof type, "%s%s", (const char *)sqlite3_column_text(s, 1),
             sqlite3_column_int(s, 2) ? " NOT NULL" : "");
    if (k < 3) {
      assert_string_equal(name, keys[k]);
    } else {
      assert_true(k - 3 < report_trial_ncolumns);
      assert_string_equal(name, report_trial_columns[k - 3].col.name);
      assert_string_equal(type, report_trial_columns[k - 3].sql_type);
    }
    k++;
  }
  assert_int_equal(k, 3 + report_trial_ncolumns);
  sqlite3_finalize(s);
  sqlite3_close(db);
  fixture_db_close(&d);
}

static void test_trial_accessors(void **state)
{
  (void)state;
  model_env_outcome o;
  memset(&o, 0, sizeof o);
  o.rto_s = 3600.5;
  o.retries = 3;
  o.affected = 7;          /* any nonzero value is a flag of 1 */
  o.incidents = 4;
  const report_trial_column *rto = report_trial_column_find("rto_s");
  const report_trial_column *retries = report_trial_column_find("retries");
  const report_trial_column *affected = report_trial_column_find("affected");
  const report_trial_column *incidents = report_trial_column_find("incidents");
  assert_true(report_trial_column_outcome(rto, &o) == 3600.5);
  assert_true(report_trial_column_outcome(retries, &o) == 3.0);
  assert_true(report_trial_column_outcome(affected, &o) == 1.0);
  assert_true(report_trial_column_outcome(incidents, &o) == 4.0);
  assert_true(isinf(rto->col.null_value));

  report_trial_row row;
  memset(&row, 0, sizeof row);
  report_trial_column_set(rto, &row, INFINITY);
  assert_true(isinf(row.rto_s));
  report_trial_column_set(retries, &row, 5.0);
  assert_int_equal(row.retries, 5);
  report_trial_column_set(retries, &row, NAN);   /* NULL retries: 0 */
  assert_int_equal(row.retries, 0);
  report_trial_column_set(affected, &row, NAN);  /* runs before schema 4: affected */
  assert_int_equal(row.affected, 1);
  report_trial_column_set(affected, &row, 0.0);
  assert_int_equal(row.affected, 0);
  report_trial_column_set(incidents, &row, NAN); /* disaster mode: NaN stays */
  assert_true(isnan(row.incidents));
  assert_true(isnan(report_trial_column_get(incidents, &row)));
  assert_true(report_trial_column_get(retries, &row) == 0.0);
}

static void test_summary_columns(void **state)
{
  (void)state;
  char want[1024];
  size_t len = 0;
  for (size_t j = 0; j < report_summary_ncolumns; j++)
    len += (size_t)snprintf(want + len, sizeof want - len, "%s%s", j ? "," : "",
                            report_summary_columns[j].name);
  assert_string_equal(want, REPORT_CSV_SUMMARY_HEADER);

  fixture f;
  fixture_init(&f);
  fixture_db d;
  fixture_db_open(&d, "c.db", &f.sc, 20, REPORT_DETAIL_SUMMARY);
  const report_summary *s = d.s;

  /* The header the CSV writer prints. */
  char *buf = fixture_capture(report_csv_write_summary, s);
  assert_int_equal(strncmp(buf, want, strlen(want)), 0);
  assert_int_equal(buf[strlen(want)], '\n');
  free(buf);

  /* The keys of every JSON summary object, in order; n_meet is null
  ** exactly when the row has no objective. */
  json_t *doc = report_json_summary(s);
  assert_non_null(doc);
  json_t *rows = json_is_array(doc) ? doc : json_object_get(doc, "summary");
  assert_true(json_is_array(rows));
  assert_true(json_array_size(rows) > 0);
  const report_summary_row *sr;
  size_t nr = report_summary_rows(s, &sr);
  assert_int_equal(json_array_size(rows), nr);
  for (size_t i = 0; i < nr; i++) {
    json_t *o = json_array_get(rows, i);
    assert_int_equal(json_object_size(o), report_summary_ncolumns);
    size_t j = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), j++)
      assert_string_equal(json_object_iter_key(it), report_summary_columns[j].name);
    assert_int_equal(json_is_null(json_object_get(o, "n_meet")), isnan(sr[i].objective));
  }
  json_decref(doc);
  fixture_db_close(&d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_trials_schema_and_csv),
    cmocka_unit_test(test_trial_accessors),
    cmocka_unit_test(test_summary_columns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
