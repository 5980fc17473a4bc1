/*
** tests/test_report_csv.c — reports/csv: number formatting (shortest exact
** round trip, inf, empty for missing, no separators), RFC 4180 quoting, the
** summary header contract and exact rows for the hand-computed fixture run,
** the other tables and the raw trials export checked by
** scripts/check-csv.py (Python's csv module, strict), and write errors.
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
#include <gsl/gsl_rng.h>
#include "models/outcome.h"
#include "reports/csv.h"
#include "reports/store.h"
#include "reports/summary.h"
#include "tests/support/report_fixture.h"

/* Capture what a writer prints. */
typedef struct capture {
  char *buf;
  size_t len;
  FILE *fp;
} capture;

static void capture_begin(capture *c)
{
  c->buf = NULL;
  c->len = 0;
  c->fp = open_memstream(&c->buf, &c->len);
  assert_non_null(c->fp);
}

static char *capture_end(capture *c)
{
  fclose(c->fp);
  return c->buf;   /* caller frees */
}

static void test_numbers(void **state)
{
  (void)state;
  char b[40];
  assert_string_equal(report_csv_format_number(0.1, b, sizeof b), "0.1");
  assert_string_equal(report_csv_format_number(4145.0, b, sizeof b), "4145");
  assert_string_equal(report_csv_format_number(1234567.0, b, sizeof b), "1234567");
  assert_string_equal(report_csv_format_number(-2.5, b, sizeof b), "-2.5");
  assert_string_equal(report_csv_format_number(1e-7, b, sizeof b), "1e-07");
  assert_string_equal(report_csv_format_number(0.0, b, sizeof b), "0");
  assert_string_equal(report_csv_format_number(INFINITY, b, sizeof b), "inf");
  assert_string_equal(report_csv_format_number(-INFINITY, b, sizeof b), "-inf");
  assert_string_equal(report_csv_format_number(NAN, b, sizeof b), "");
  /* 0.1 + 0.2 needs 17 digits to read back exactly. */
  assert_string_equal(report_csv_format_number(0.1 + 0.2, b, sizeof b), "0.30000000000000004");
  /* Round trip on random doubles of every magnitude. */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 3);
  for (int i = 0; i < 20000; i++) {
    double v = ldexp(gsl_rng_uniform_pos(r), (int)gsl_rng_uniform_int(r, 200) - 100);
    report_csv_format_number(v, b, sizeof b);
    assert_true(strtod(b, NULL) == v);
    assert_null(strchr(b, ','));
  }
  gsl_rng_free(r);
}

static void test_fields(void **state)
{
  (void)state;
  const char *in[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " lead", "trail ",
                      "", "cr\rhere"};
  const char *want[] = {"plain", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"",
                        "\" lead\"", "\"trail \"", "", "\"cr\rhere\""};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    capture c;
    capture_begin(&c);
    report_csv_field(c.fp, in[i]);
    char *out = capture_end(&c);
    assert_string_equal(out, want[i]);
    free(out);
  }
  capture c;
  capture_begin(&c);
  report_csv_field(c.fp, NULL);
  report_csv_number(c.fp, 2.0);
  char *out = capture_end(&c);
  assert_string_equal(out, "2");
  free(out);
}

static int have_python(void)
{
  return system("command -v python3 >/dev/null 2>&1") == 0;
}

/* Run scripts/check-csv.py on path; returns its exit status. */
static int check_csv(const char *args, const char *path)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "python3 '%s/scripts/check-csv.py' %s '%s'",
           DRSIM_SOURCE_DIR, args, path);
  int st = system(cmd);
  return st == -1 ? -1 : WEXITSTATUS(st);
}

static char *write_file(const char *dir, const char *name, const char *text)
{
  char *p = malloc(strlen(dir) + strlen(name) + 2);
  assert_non_null(p);
  sprintf(p, "%s/%s", dir, name);
  FILE *fp = fopen(p, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
  return p;
}

static void test_summary_csv(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/c.db", dir);
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_run(st, &f.sc, 100, REPORT_DETAIL_SUMMARY);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);

  capture c;
  capture_begin(&c);
  assert_int_equal(report_csv_write_summary(c.fp, s, &err), REPORT_OK);
  char *out = capture_end(&c);
  /* The contract: the header begins with these 13 columns. */
  const char *contract = "environment,metric,n,mean,p50,p90,p95,p99,max,objective,"
                         "p_meet,p_meet_lo,p_meet_hi";
  assert_int_equal(strncmp(out, contract, strlen(contract)), 0);
  assert_int_equal(strncmp(out, REPORT_CSV_SUMMARY_HEADER "\n",
                           strlen(REPORT_CSV_SUMMARY_HEADER) + 1), 0);
  /* production RTO, worked out in test_report_summary.c: n 100, mean 4090,
  ** p50 4145, p90.. max inf, objective 14400 s, p_meet 0.9 with the
  ** Wilson interval [0.8256343384950865, 0.9447708629393249]. */
  assert_non_null(strstr(out, "\nproduction,rto,100,4090,4145,inf,inf,inf,inf,14400,0.9,"
                              "0.8256343384950865,0.94477086293932"));
  /* staging RPO: no objective -> objective, p_meet.. and n_meet empty. */
  char *srpo = strstr(out, "\nstaging,rpo,100,30,30,30,30,30,30,,,,,");
  assert_non_null(srpo);
  /* production full capacity: p50 1249.5 [1239, 1260], no objective. */
  assert_non_null(strstr(out, "\nproduction,full_capacity,100,1249.5,1249.5,"));
  assert_non_null(strstr(out, ",1239,1260,"));
  int lines = 0;
  for (char *p = out; *p; p++) lines += *p == '\n';
  assert_int_equal(lines, 6);
  free(out);

  if (!have_python()) {
    print_message("python3 not found: skipping the check-csv.py checks\n");
    report_summary_free(s);
    report_store_close(st);
    fixture_tmpdir_remove(dir);
    skip();
  }
  /* Every table through the strict checker. */
  struct { const char *name, *kind; int (*w)(FILE *, const report_summary *, report_error *);
           int rows; } tables[] = {
    {"summary.csv", "summary", report_csv_write_summary, 5},
    {"steps.csv", "steps", report_csv_write_steps, 4},
    {"components.csv", "components", report_csv_write_components, 3},
    {"standby.csv", "standby", report_csv_write_standby, 1},
  };
  char all[2048] = "";
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
    char *p = write_file(dir, tables[i].name, "");
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    assert_int_equal(tables[i].w(fp, s, &err), REPORT_OK);
    fclose(fp);
    char args[64];
    snprintf(args, sizeof args, "--kind %s --min-rows %d", tables[i].kind, tables[i].rows);
    assert_int_equal(check_csv(args, p), 0);
    if (i > 0) strcat(all, "' '");
    strcat(all, p);
    free(p);
  }
  /* All four at once, each kind guessed from its header. */
  assert_int_equal(check_csv("", all), 0);
  char *p = write_file(dir, "trials.csv", "");
  FILE *fp = fopen(p, "w");
  assert_non_null(fp);
  assert_int_equal(report_csv_write_trials(fp, st, id, &err), REPORT_OK);
  fclose(fp);
  assert_int_equal(check_csv("--kind trials --min-rows 200", p), 0);
  assert_int_equal(check_csv("--min-rows 201 2>/dev/null", p), 1);
  free(p);
  report_summary_free(s);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

static void test_trials_csv(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/t.db", dir);
  fixture f;
  fixture_init(&f);
  /* Names that need quoting must survive the round trip. */
  f.envs[1].name = "stag,ing \"b\"";
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_run(st, &f.sc, 10, REPORT_DETAIL_SUMMARY);
  capture c;
  capture_begin(&c);
  assert_int_equal(report_csv_write_trials(c.fp, st, id, &err), REPORT_OK);
  char *out = capture_end(&c);
  assert_int_equal(strncmp(out, "run_id,environment,trial,rto_s,rpo_s,recovered,", 47), 0);
  /* Trial 9 of production was not recovered: rto inf. Disaster mode: the
  ** lifetime columns are empty; no pool in staging: empty times. */
  assert_non_null(strstr(out, "\n1,production,0,3600,0,1,600,1200,0,,,,,,,,,,,,1,\n"));
  assert_non_null(strstr(out, "\n1,production,9,inf,120,0,609,1209,0,,,,,,,,,,,,1,\n"));
  assert_non_null(strstr(out, "\n1,\"stag,ing \"\"b\"\"\",3,7200,30,1,,,0,,,,,,,,,,,,1,\n"));
  free(out);
  assert_int_equal(report_csv_write_trials(stdout, st, 99, &err), REPORT_ENOTFOUND);
  if (have_python()) {
    report_summary *s = NULL;
    assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);
    char *p = write_file(dir, "q.csv", "");
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    assert_int_equal(report_csv_write_summary(fp, s, &err), REPORT_OK);
    fclose(fp);
    assert_int_equal(check_csv("--kind summary", p), 0);
    free(p);
    report_summary_free(s);
  }
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

/* The line of out that begins with prefix (after a line end), or NULL. */
static const char *line_with(const char *out, const char *prefix)
{
  char key[256];
  snprintf(key, sizeof key, "\n%s", prefix);
  const char *p = strstr(out, key);
  return p ? p + 1 : NULL;
}

/* Lifetime tables on the lifetime fixture (numbers worked out in
** tests/test_report_summary.c), the incidents export, every table through
** the checker; a disaster-mode run's lifetime tables are a header only. */
static void test_lifetime_csv(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/l.db", dir);
  fixture f;
  fixture_init(&f);
  fixture_lifetime_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_lifetime_run(st, &f.sc, REPORT_DETAIL_SUMMARY);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);
  capture c;
  char b1[40], b2[40], want[256];

  /* lifetime: production's counts (4 disaster years, 1.903 expected, 9
  ** incidents of which 7 itemised, 39 component incidents). */
  capture_begin(&c);
  assert_int_equal(report_csv_write_lifetime(c.fp, s, &err), REPORT_OK);
  char *out = capture_end(&c);
  assert_int_equal(strncmp(out, "environment,n,availability_objective,availability,", 50), 0);
  const char *prod = line_with(out, "production,20,0.999,");
  assert_non_null(prod);
  double p0 = exp(-(1.0 / (10.0 * FIXTURE_LT_H)) * FIXTURE_LT_H);   /* as the summary computes it */
  snprintf(want, sizeof want, ",4,%s,%s,9,7,39,",
           report_csv_format_number(20.0 * (1.0 - p0), b1, sizeof b1),
           report_csv_format_number(p0, b2, sizeof b2));
  assert_non_null(strstr(prod, want));
  /* ... its per-incident RTO p50 (7200 s), and blob as the top cause. */
  assert_non_null(strstr(prod, ",7,0,7200,"));
  snprintf(want, sizeof want, ",blob,%s\n", report_csv_format_number(144000.0 / 293400.0, b1,
                                                                     sizeof b1));
  assert_non_null(strstr(prod, want));
  assert_non_null(line_with(out, "staging,20,,"));   /* no availability objective */
  free(out);

  /* causes: sorted by share within each environment. */
  capture_begin(&c);
  assert_int_equal(report_csv_write_causes(c.fp, s, &err), REPORT_OK);
  out = capture_end(&c);
  assert_int_equal(strncmp(out, "environment,cause,kind,trials,mean_downtime_s,", 46), 0);
  const char *b = line_with(out, "production,blob,component,20,7200,");
  const char *q = line_with(out, "production,sql-prod,component,13,3420,");
  const char *r = line_with(out, "production,region disaster,disaster,4,3240,");
  const char *fb = line_with(out, "production,failback,failback,4,810,");
  assert_true(b && q && r && fb && b < q && q < r && r < fb);
  assert_null(line_with(out, "staging,sql-prod,"));
  free(out);

  /* components: sql-prod's failures, targets and MTTR. */
  capture_begin(&c);
  assert_int_equal(report_csv_write_components(c.fp, s, &err), REPORT_OK);
  out = capture_end(&c);
  assert_non_null(strstr(out, ",failures,mtbf_target_s,mtbf_s,mtbf_s_lo,mtbf_s_hi,"
                              "mttr_target_s,mttr_s,mttr_s_lo,mttr_s_hi\n"));
  const char *sq = line_with(out, "sql-prod,");
  assert_non_null(sq);
  snprintf(want, sizeof want, ",19,2592000,%s,",
           report_csv_format_number((20 * FIXTURE_LT_H - 68400.0) / 19.0, b1, sizeof b1));
  assert_non_null(strstr(sq, want));
  assert_non_null(strstr(sq, ",7200,3600,"));
  const char *app = line_with(out, "app,");
  assert_non_null(app);
  assert_non_null(strstr(app, ",0,,,,,,,,\n"));   /* never failed, no targets */
  free(out);

  /* incidents: trial 10's fourth incident (start 4e6 s). */
  capture_begin(&c);
  assert_int_equal(report_csv_write_incidents(c.fp, st, id, &err), REPORT_OK);
  out = capture_end(&c);
  assert_int_equal(strncmp(out, "run_id,environment,trial,incident,cause,start_s,rto_s,", 54), 0);
  assert_non_null(strstr(out, "\n1,production,10,3,region-outage,4000000,7200,600,1800,1,1\n"));
  int lines = 0;
  for (char *p = out; *p; p++) lines += *p == '\n';
  assert_int_equal(lines, 1 + 14);
  free(out);
  assert_int_equal(report_csv_write_incidents(stdout, st, 99, &err), REPORT_ENOTFOUND);

  if (have_python()) {
    /* Every lifetime table through the checker, kinds guessed, in one go. */
    struct { const char *name; int (*w)(FILE *, const report_summary *, report_error *); } t[] = {
      {"lifetime.csv", report_csv_write_lifetime}, {"causes.csv", report_csv_write_causes},
      {"components.csv", report_csv_write_components}, {"summary.csv", report_csv_write_summary}};
    char all[2048] = "";
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
      char *p = write_file(dir, t[i].name, "");
      FILE *fp = fopen(p, "w");
      assert_non_null(fp);
      assert_int_equal(t[i].w(fp, s, &err), REPORT_OK);
      fclose(fp);
      strcat(all, p);
      strcat(all, "' '");
      free(p);
    }
    char *p = write_file(dir, "incidents.csv", "");
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    assert_int_equal(report_csv_write_incidents(fp, st, id, &err), REPORT_OK);
    fclose(fp);
    strcat(all, p);
    free(p);
    assert_int_equal(check_csv("--min-rows 2", all), 0);
    /* and the checker sees an estimate outside its interval */
    p = write_file(dir, "bad-causes.csv",
                   "environment,cause,kind,trials,mean_downtime_s,mean_downtime_s_lo,"
                   "mean_downtime_s_hi,share,availability_cost\n"
                   "prod,db,component,3,10,11,12,0.5,0.001\n");
    assert_int_equal(check_csv("2>/dev/null", p), 1);
    free(p);
  }
  report_summary_free(s);

  /* Disaster mode: the lifetime tables are a header only. */
  fixture g;
  fixture_init(&g);
  int64_t id2 = fixture_run(st, &g.sc, 5, REPORT_DETAIL_SUMMARY);
  assert_int_equal(report_summary_build(st, id2, &s, &err), REPORT_OK);
  capture_begin(&c);
  assert_int_equal(report_csv_write_lifetime(c.fp, s, &err), REPORT_OK);
  assert_int_equal(report_csv_write_causes(c.fp, s, &err), REPORT_OK);
  assert_int_equal(report_csv_write_incidents(c.fp, st, id2, &err), REPORT_OK);
  out = capture_end(&c);
  lines = 0;
  for (char *p = out; *p; p++) lines += *p == '\n';
  assert_int_equal(lines, 3);
  free(out);
  report_summary_free(s);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

/* The checker must reject what is wrong, or its green means nothing. */
static void test_checker_rejects(void **state)
{
  (void)state;
  if (!have_python()) skip();
  char *dir = fixture_tmpdir_new();
  const char *head = REPORT_CSV_SUMMARY_HEADER "\n";
  const char *good_row = "prod,rto,10,1,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0,10,10,s\n";
  const char *bad[] = {
    "prod,rto,10,1,1,2,3,4,5,6,0.5,0.2,0.8\n",                             /* too few fields */
    "prod,rto,10,\"1,5\",1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0,10,10,s\n", /* decimal comma */
    "prod,rto,10,1,1,2,3,4,5,6,1.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0,10,10,s\n",     /* p_meet > 1 */
    "prod,rto,10,1,1,2,3,4,5,6,0.9,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0,10,10,s\n",     /* outside CI */
    "prod,mtbf,10,1,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0,10,10,s\n",    /* metric */
    "prod,rto,10,nan,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0,10,10,s\n",   /* nan */
    "prod,rto,1_000,1,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0,10,10,s\n",  /* separator */
    "\"prod,rto,10,1,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0,10,10,s\n",   /* open quote */
  };
  char buf[1024];
  snprintf(buf, sizeof buf, "%s%s", head, good_row);
  char *p = write_file(dir, "good.csv", buf);
  assert_int_equal(check_csv("--kind summary", p), 0);
  free(p);
  /* One run of the checker over every bad file (Python starts slowly);
  ** each must be reported. */
  char names[16][32], all[2048] = "";
  size_t nbad = sizeof bad / sizeof bad[0];
  for (size_t i = 0; i < nbad; i++) {
    snprintf(buf, sizeof buf, "%s%s%s", head, good_row, bad[i]);
    snprintf(names[i], sizeof names[i], "bad%zu.csv", i);
    p = write_file(dir, names[i], buf);
    if (i > 0) strcat(all, "' '");
    strcat(all, p);
    free(p);
  }
  char args[600];
  snprintf(args, sizeof args, "--kind summary 2>'%s/out.txt'", dir);
  assert_int_equal(check_csv(args, all), 1);
  snprintf(buf, sizeof buf, "%s/out.txt", dir);
  FILE *fp = fopen(buf, "r");
  assert_non_null(fp);
  char report[8192];
  size_t len = fread(report, 1, sizeof report - 1, fp);
  report[len] = '\0';
  fclose(fp);
  for (size_t i = 0; i < nbad; i++)
    if (!strstr(report, names[i])) {
      print_error("check-csv.py accepted bad row %zu: %s", i, bad[i]);
      fail();
    }
  p = write_file(dir, "hdr.csv", "environment,metric,n\nprod,rto,1\n");
  assert_int_equal(check_csv("--kind summary 2>/dev/null", p), 1);
  free(p);
  p = write_file(dir, "noeol.csv", "a,b\n1,2");
  assert_int_equal(check_csv("2>/dev/null", p), 1);
  free(p);
  fixture_tmpdir_remove(dir);
}

static void test_write_error(void **state)
{
  (void)state;
  FILE *full = fopen("/dev/full", "w");
  if (!full) skip();
  fixture f;
  fixture_init(&f);
  fixture_db d;
  fixture_db_open(&d, "e.db", &f.sc, 10, REPORT_DETAIL_SUMMARY);
  report_store *st = d.st;
  int64_t id = d.id;
  const report_summary *s = d.s;
  report_error err = {{0}};
  assert_int_equal(report_csv_write_summary(full, s, &err), REPORT_EIO);
  assert_non_null(strstr(err.text, "summary CSV"));
  clearerr(full);
  assert_int_equal(report_csv_write_trials(full, st, id, &err), REPORT_EIO);
  fclose(full);
  fixture_db_close(&d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_numbers),
    cmocka_unit_test(test_fields),
    cmocka_unit_test(test_summary_csv),
    cmocka_unit_test(test_trials_csv),
    cmocka_unit_test(test_lifetime_csv),
    cmocka_unit_test(test_checker_rejects),
    cmocka_unit_test(test_write_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
