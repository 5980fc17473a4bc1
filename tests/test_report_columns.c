/*
** tests/test_report_columns.c — reports/columns: the per-trial column table
** agrees with the trials table a new store creates (names, order, SQL
** types), with the trials CSV header and with what a stored row reads back
** as; the summary column table agrees with REPORT_CSV_SUMMARY_HEADER (a
** contract), with the header the CSV writer prints and with the keys of the
** JSON summary objects, in order; the NULL rules of the accessors; the
** item tables (steps, components, pools) agree with the store's schema.
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

/* The columns of `table` in a database, as "name type[ NOT NULL]" per cid;
** n of them. */
static size_t table_info(sqlite3 *db, const char *table, char cols[][96], size_t cap)
{
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT name, type, \"notnull\" FROM pragma_table_info('%s')"
           " ORDER BY cid", table);
  sqlite3_stmt *s = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
  size_t n = 0;
  while (sqlite3_step(s) == SQLITE_ROW && n < cap) {
    snprintf(cols[n++], 96, "%s %s%s", (const char *)sqlite3_column_text(s, 0),
             (const char *)sqlite3_column_text(s, 1), sqlite3_column_int(s, 2) ? " NOT NULL" : "");
  }
  sqlite3_finalize(s);
  return n;
}

/* cols holds "name TYPE..." starting with `name ` and, when type, that type. */
static int has_column(char cols[][96], size_t n, const char *name, const char *type)
{
  char want[96];
  snprintf(want, sizeof want, "%s %s", name, type ? type : "");
  for (size_t i = 0; i < n; i++)
    if (strncmp(cols[i], want, strlen(want)) == 0) return 1;
  return 0;
}

/* Every column of the item tables (steps, components, standby pools and the
** lifetime (environment, component) cells) is a column of its table in a
** new store, with the declaration a generated migration would give it; the
** aggregates' tables hold nothing else besides run_id and the keys (so
** merge combines every aggregate by a rule of the table); lookups. */
static void test_item_tables_match_schema(void **state)
{
  (void)state;
  fixture f;
  fixture_init(&f);
  fixture_db d;
  fixture_db_open(&d, "items.db", &f.sc, 10, REPORT_DETAIL_STEPS);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(d.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  char cols[64][96];
  for (size_t ti = 0; ti < REPORT_ITEM_NTABLES; ti++) {
    const report_item_table *t = &report_item_tables[ti];
    assert_true(t->nstats > 0);
    size_t n = table_info(db, t->stats_table, cols, 64);
    size_t nkeys = 1;
    for (const char *p = t->key; *p; p++) nkeys += *p == ',';
    assert_int_equal(n, 1 + nkeys + t->nstats);
    for (size_t j = 0; j < t->nstats; j++) {
      const report_stats_column *c = &t->stats[j];
      assert_true(c->since >= 1 && c->since <= REPORT_STORE_SCHEMA_VERSION);
      assert_ptr_equal(report_stats_column_find(t->stats_table, c->name), c);
      /* sum_sq_failures: an INTEGER column read into a double (schema 3) */
      int int_in_double = strcmp(c->name, "sum_sq_failures") == 0;
      const char *decl = c->agg == REPORT_AGG_MAX ? "REAL"
                         : c->real && !int_in_double ? "REAL NOT NULL" : "INTEGER NOT NULL";
      if (!has_column(cols, n, c->name, decl)) fail_msg("%s.%s is not %s", t->stats_table, c->name, decl);
    }
    if (t->dims_table) {
      n = table_info(db, t->dims_table, cols, 64);
      for (size_t j = 0; j < t->ndims; j++)
        if (!has_column(cols, n, t->dims[j].name, NULL))
          fail_msg("no column %s in %s", t->dims[j].name, t->dims_table);
    }
    if (t->detail_table) {
      assert_ptr_equal(report_item_table_by_detail(t->detail_table), t);
      n = table_info(db, t->detail_table, cols, 64);
      size_t stored = 0;
      for (size_t j = 0; j < t->ndetail; j++) {
        const report_detail_column *c = &t->detail[j];
        assert_ptr_equal(report_detail_column_find(t, c->col.name), c);
        if (c->expr) continue;
        stored++;
        if (!has_column(cols, n, c->col.name, c->type == REPORT_COL_REAL ? "REAL" : "INTEGER"))
          fail_msg("%s.%s is not of its type", t->detail_table, c->col.name);
      }
      assert_int_equal(n, 3 + stored);   /* run_id, the key, trial */
    }
  }
  assert_null(report_item_table_by_detail("trials"));
  assert_null(report_stats_column_find("step_stats", "no_such_column"));
  assert_null(report_detail_column_find(&report_item_tables[REPORT_ITEM_STEPS], "rpo_s"));
  sqlite3_close(db);
  fixture_db_close(&d);
}

/* The per-step detail read back through the table equals the outcome it
** was bound from: detail_column of a stored run against its own column
** accessor on a recorded outcome is covered in test_report_store; here the
** computed column duration_s reads as end_s - start_s. */
static void test_detail_computed_column(void **state)
{
  (void)state;
  fixture f;
  fixture_init(&f);
  fixture_db d;
  fixture_db_open(&d, "dur.db", &f.sc, 50, REPORT_DETAIL_STEPS);
  report_error err = {{0}};
  double *start = NULL, *end = NULL, *dur = NULL;
  size_t n1 = 0, n2 = 0, n3 = 0;
  assert_int_equal(report_store_detail_column(d.st, d.id, "steps", 0, "start_s", &start, &n1, &err), REPORT_OK);
  assert_int_equal(report_store_detail_column(d.st, d.id, "steps", 0, "end_s", &end, &n2, &err), REPORT_OK);
  assert_int_equal(report_store_detail_column(d.st, d.id, "steps", 0, "duration_s", &dur, &n3, &err), REPORT_OK);
  assert_int_equal(n1, 50);
  assert_int_equal(n2, 50);
  assert_int_equal(n3, 50);
  for (size_t i = 0; i < n1; i++) {
    if (isnan(start[i]) || isnan(end[i])) assert_true(isnan(dur[i]));
    else assert_true(dur[i] == end[i] - start[i]);
  }
  free(start);
  free(end);
  free(dur);
  assert_int_equal(report_store_detail_column(d.st, d.id, "steps", 0, "rpo_s", &dur, &n3, &err),
                   REPORT_EINVAL);
  fixture_db_close(&d);
}

/* The header of row table t: its names, a CI column as three. */
static void row_header(const report_row_table *t, char *want, size_t cap)
{
  size_t len = 0;
  want[0] = '\0';
  for (size_t j = 0; j < t->ncols; j++) {
    const char *name = t->cols[j].name;
    if (t->cols[j].kind == REPORT_ROWCOL_CI)
      len += (size_t)snprintf(want + len, cap - len, "%s%s,%s_lo,%s_hi", j ? "," : "", name,
                              name, name);
    else
      len += (size_t)snprintf(want + len, cap - len, "%s%s", j ? "," : "", name);
  }
}

/* The steps, components, standby, lifetime and causes tables: the header
** each CSV writer prints and the keys of each JSON row are the table's
** columns in order, one row per summary row. */
static void check_row_tables(const report_summary *s, const size_t *which, size_t k)
{
  int (*const writers[])(FILE *, const report_summary *, report_error *) = {
    [REPORT_ROWS_STEPS] = report_csv_write_steps,
    [REPORT_ROWS_COMPONENTS] = report_csv_write_components,
    [REPORT_ROWS_STANDBY] = report_csv_write_standby,
    [REPORT_ROWS_LIFETIME] = report_csv_write_lifetime,
    [REPORT_ROWS_CAUSES] = report_csv_write_causes,
  };
  for (size_t w = 0; w < k; w++) {
    const report_row_table *t = &report_row_tables[which[w]];
    char want[4096];
    row_header(t, want, sizeof want);
    char *buf = fixture_capture(writers[which[w]], s);
    assert_int_equal(strncmp(buf, want, strlen(want)), 0);
    assert_int_equal(buf[strlen(want)], '\n');
    free(buf);
    const void *rows;
    size_t n = t->rows(s, &rows);
    assert_true(n > 0);
    json_t *arr = report_json_table(s, t->name);
    assert_non_null(arr);
    assert_int_equal(json_array_size(arr), n);
    json_t *o = json_array_get(arr, 0);
    char got[4096];
    size_t len = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it))
      len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", len ? "," : "",
                              json_object_iter_key(it));
    assert_string_equal(got, want);
    json_decref(arr);
  }
}

static void test_row_tables(void **state)
{
  (void)state;
  fixture f;
  fixture_init(&f);
  fixture_db d;
  fixture_db_open(&d, "rows.db", &f.sc, 20, REPORT_DETAIL_STEPS);
  const size_t disaster[] = {REPORT_ROWS_STEPS, REPORT_ROWS_COMPONENTS, REPORT_ROWS_STANDBY};
  check_row_tables(d.s, disaster, 3);
  fixture_db_close(&d);

  fixture_lifetime_init(&f);
  fixture_db_open(&d, "life.db", &f.sc, 0, REPORT_DETAIL_SUMMARY);
  const size_t lifetime[] = {REPORT_ROWS_LIFETIME, REPORT_ROWS_CAUSES};
  check_row_tables(d.s, lifetime, 2);
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
    cmocka_unit_test(test_row_tables),
    cmocka_unit_test(test_item_tables_match_schema),
    cmocka_unit_test(test_detail_computed_column),
    cmocka_unit_test(test_summary_columns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
