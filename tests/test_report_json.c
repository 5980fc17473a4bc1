/*
** tests/test_report_json.c — reports/json: the number conventions (null for
** missing, "inf" for infinity, exact reals, big counts as strings), and for
** the disaster and lifetime fixture runs every table's JSON rows against
** its CSV writer: the same keys in the CSV header's order and, field by
** field, the same values; the run object; write errors.
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
#include "reports/csv.h"
#include "reports/json.h"
#include "reports/store.h"
#include "reports/summary.h"
#include "tests/support/report_fixture.h"

static void test_numbers(void **state)
{
  (void)state;
  json_t *v = report_json_number(NAN);
  assert_true(json_is_null(v));
  json_decref(v);
  v = report_json_number(INFINITY);
  assert_string_equal(json_string_value(v), "inf");
  json_decref(v);
  v = report_json_number(-INFINITY);
  assert_string_equal(json_string_value(v), "-inf");
  json_decref(v);
  v = report_json_number(0.1 + 0.2);
  assert_true(json_is_real(v));
  assert_true(json_real_value(v) == 0.1 + 0.2);
  /* Dumped and parsed back: the same double (17 significant digits). */
  char *text = json_dumps(v, JSON_ENCODE_ANY);
  json_t *back = json_loads(text, JSON_DECODE_ANY, NULL);
  assert_non_null(back);
  assert_true(json_real_value(back) == 0.1 + 0.2);
  free(text);
  json_decref(back);
  json_decref(v);
  v = report_json_count(42);
  assert_true(json_is_integer(v));
  assert_int_equal(json_integer_value(v), 42);
  json_decref(v);
  v = report_json_count(UINT64_MAX);
  assert_string_equal(json_string_value(v), "18446744073709551615");
  json_decref(v);
}

/* Write a CSV table into a string. */
static char *csv_of(int (*fn)(FILE *, const report_summary *, report_error *),
                    const report_summary *s)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  report_error err;
  assert_int_equal(fn(fp, s, &err), REPORT_OK);
  fclose(fp);
  return buf;
}

/* Split one CSV line (no quoted fields in the fixtures) into fields; the
** line is modified. Returns the count. */
static size_t split(char *line, char **fields, size_t max)
{
  size_t n = 0;
  char *p = line;
  for (;;) {
    assert_true(n < max);
    fields[n++] = p;
    char *c = strchr(p, ',');
    if (!c) break;
    *c = '\0';
    p = c + 1;
  }
  return n;
}

/* What the CSV field of a JSON value is. */
static void as_csv(const json_t *v, char *buf, size_t n)
{
  if (json_is_null(v)) snprintf(buf, n, "%s", "");
  else if (json_is_string(v)) snprintf(buf, n, "%s", json_string_value(v));
  else if (json_is_integer(v)) snprintf(buf, n, "%lld", (long long)json_integer_value(v));
  else if (json_is_real(v)) report_csv_format_number(json_real_value(v), buf, n);
  else fail_msg("unexpected JSON type %d", (int)json_typeof(v));
}

/* The JSON rows of `table` equal its CSV: header = keys in order, every
** field the same value. Returns the number of rows. */
static size_t check_table(const report_summary *s, const char *table,
                          int (*fn)(FILE *, const report_summary *, report_error *))
{
  char *csv = csv_of(fn, s);
  json_t *rows = report_json_table(s, table);
  assert_non_null(rows);
  assert_true(json_is_array(rows));
  char *save = NULL;
  char *header = strtok_r(csv, "\n", &save);
  assert_non_null(header);
  char *cols[128];
  size_t ncols = split(header, cols, 128);
  size_t i = 0;
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
    assert_true(i < json_array_size(rows));
    json_t *row = json_array_get(rows, i);
    assert_int_equal(json_object_size(row), ncols);
    char *fields[128];
    assert_int_equal(split(line, fields, 128), ncols);
    const char *key;
    json_t *value;
    size_t k = 0;
    json_object_foreach(row, key, value) {
      assert_string_equal(key, cols[k]);
      char got[64];
      as_csv(value, got, sizeof got);
      if (strcmp(got, fields[k]) != 0)
        fail_msg("%s row %zu, %s: JSON %s, CSV %s", table, i, key, got, fields[k]);
      k++;
    }
  }
  assert_int_equal(i, json_array_size(rows));
  json_decref(rows);
  free(csv);
  return i;
}

static void test_disaster_tables(void **state)
{
  (void)state;
  fixture f;
  fixture_init(&f);
  fixture_db d;
  fixture_db_open(&d, "j.db", &f.sc, 100, REPORT_DETAIL_STEPS);
  int64_t id = d.id;
  const report_summary *s = d.s;
  report_error err = {{0}};

  assert_int_equal(check_table(s, "summary", report_csv_write_summary), 5);
  assert_true(check_table(s, "steps", report_csv_write_steps) > 0);
  assert_true(check_table(s, "components", report_csv_write_components) > 0);
  assert_true(check_table(s, "standby", report_csv_write_standby) > 0);
  assert_int_equal(check_table(s, "lifetime", report_csv_write_lifetime), 0);
  assert_int_equal(check_table(s, "causes", report_csv_write_causes), 0);
  assert_null(report_json_table(s, "no-such-table"));
  assert_int_equal(report_json_table_flag("steps"), REPORT_JSON_STEPS);
  assert_int_equal(report_json_table_flag("summary"), REPORT_JSON_SUMMARY);
  assert_int_equal(report_json_table_flag("nope"), 0);
  json_t *one = report_json_report(s, REPORT_JSON_STEPS);
  assert_int_equal(json_object_size(one), 2);
  assert_non_null(json_object_get(one, "run"));
  assert_non_null(json_object_get(one, "steps"));
  json_decref(one);

  /* The document of `drsim run --format json`: run, summary and costs
  ** (null: the fixture's scenario has none). */
  json_t *doc = report_json_summary(s);
  assert_non_null(doc);
  assert_int_equal(json_object_size(doc), 4);
  assert_true(json_is_null(json_object_get(doc, "costs")));
  /* and the verdicts of the one rule (reports/meet.h) */
  json_t *ver = json_object_get(doc, "verdicts");
  assert_true(json_real_value(json_object_get(ver, "share")) == 0.95);
  assert_true(json_real_value(json_object_get(ver, "confidence")) == 0.95);
  json_t *v0 = json_array_get(json_object_get(ver, "objectives"), 0);
  assert_string_equal(json_string_value(json_object_get(v0, "environment")), "production");
  assert_string_equal(json_string_value(json_object_get(v0, "metric")), "rto");
  assert_int_equal(json_integer_value(json_object_get(v0, "n_meet")), 90);
  /* 90 of 100: the one-sided upper bound 94.5 % is below 95 % */
  assert_string_equal(json_string_value(json_object_get(v0, "verdict")), "misses");
  json_t *run = json_object_get(doc, "run");
  assert_int_equal(json_integer_value(json_object_get(run, "id")), id);
  assert_int_equal(json_integer_value(json_object_get(run, "seed")), 42);
  assert_int_equal(json_integer_value(json_object_get(run, "trials_done")), 100);
  assert_string_equal(json_string_value(json_object_get(run, "status")), "complete");
  assert_string_equal(json_string_value(json_object_get(run, "mode")), "disaster");
  assert_true(json_is_null(json_object_get(run, "sweep_id")));
  assert_true(json_is_null(json_object_get(run, "point")));
  assert_true(json_is_null(json_object_get(run, "shard")));
  assert_true(json_is_null(json_object_get(run, "horizon_s")));
  assert_int_equal(json_array_size(json_object_get(run, "overrides")), 2);
  /* Production RTO as worked out in test_report_summary.c. */
  json_t *prod = json_array_get(json_object_get(doc, "summary"), 0);
  assert_string_equal(json_string_value(json_object_get(prod, "environment")), "production");
  assert_string_equal(json_string_value(json_object_get(prod, "metric")), "rto");
  assert_int_equal(json_integer_value(json_object_get(prod, "n")), 100);
  assert_true(json_real_value(json_object_get(prod, "mean")) == 4090.0);
  assert_string_equal(json_string_value(json_object_get(prod, "max")), "inf");
  assert_true(json_real_value(json_object_get(prod, "p_meet")) == 0.9);
  json_decref(doc);

  /* The whole report: every table present. */
  doc = report_json_report(s, REPORT_JSON_ALL);
  assert_non_null(doc);
  const char *names[] = {"run", "summary", "steps", "components", "standby", "lifetime", "causes",
                         "costs", "verdicts"};
  assert_int_equal(json_object_size(doc), 9);
  for (size_t i = 0; i < 9; i++) assert_non_null(json_object_get(doc, names[i]));

  /* Written and read back: valid JSON, the same document. */
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_int_equal(report_json_write(fp, doc, &err), REPORT_OK);
  fclose(fp);
  assert_true(len > 0 && buf[len - 1] == '\n');
  json_error_t jerr;
  json_t *back = json_loads(buf, 0, &jerr);
  assert_non_null(back);
  assert_true(json_equal(back, doc));
  json_decref(back);
  free(buf);

  /* A full disk is an I/O error. */
  FILE *full = fopen("/dev/full", "w");
  if (full) {
    assert_int_equal(report_json_write(full, doc, &err), REPORT_EIO);
    assert_non_null(strstr(err.text, "JSON"));
    fclose(full);
  }
  json_decref(doc);
  fixture_db_close(&d);
}

static void test_lifetime_tables(void **state)
{
  (void)state;
  fixture f;
  fixture_init(&f);
  fixture_lifetime_init(&f);
  fixture_db d;
  fixture_db_open(&d, "l.db", &f.sc, 0, REPORT_DETAIL_STEPS);
  const report_summary *s = d.s;
  assert_true(check_table(s, "summary", report_csv_write_summary) > 0);
  assert_true(check_table(s, "components", report_csv_write_components) > 0);
  assert_int_equal(check_table(s, "lifetime", report_csv_write_lifetime), 2);
  assert_true(check_table(s, "causes", report_csv_write_causes) > 0);
  json_t *doc = report_json_summary(s);
  json_t *run = json_object_get(doc, "run");
  assert_string_equal(json_string_value(json_object_get(run, "mode")), "lifetime");
  assert_true(json_real_value(json_object_get(run, "horizon_s")) == FIXTURE_LT_H);
  json_decref(doc);
  fixture_db_close(&d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_numbers),
    cmocka_unit_test(test_disaster_tables),
    cmocka_unit_test(test_lifetime_tables),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
