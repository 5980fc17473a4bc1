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

/* ---- fixture: a tiny hand-built scenario and deterministic records ----
** (copied in each tests/test_report_*.c: tests are one file per module)
** Two environments: production (RTO 4h, RPO 15m, availability 99.9 %) with
** a workflow approve (manual) -> scale-up (pool aks-prod-dr) -> restore,
** and staging (RTO 8h, no RPO objective) with one step restore. Components:
** sql-prod (production, async), blob (shared, periodic), app (staging,
** none). One pool: aks-prod-dr (production, 1 warm of 5, 3 to serve,
** 0.50/h). */
typedef struct fixture {
  model_environment envs[2];
  model_step steps_prod[3], steps_stg[1];
  model_workflow wf[2];
  model_component comps[3];
  model_standby pools[1];
  model_scenario sc;
} fixture;

static void fixture_init(fixture *f)
{
  memset(f, 0, sizeof *f);
  f->envs[0] = (model_environment){"production", 4 * 3600.0, 900.0, 0.999, {0, 0}};
  f->envs[1] = (model_environment){"staging", 8 * 3600.0, INFINITY, NAN, {0, 0}};
  const char *pn[3] = {"approve", "scale-up", "restore"};
  for (int j = 0; j < 3; j++) {
    f->steps_prod[j].name = (char *)pn[j];
    f->steps_prod[j].standby = -1;
  }
  f->steps_prod[0].manual = 1;
  f->steps_prod[1].standby = 0;
  f->steps_stg[0].name = "restore";
  f->steps_stg[0].standby = -1;
  f->wf[0] = (model_workflow){.environment = 0, .steps = f->steps_prod, .n_steps = 3,
                              .step_offset = 0};
  f->wf[1] = (model_workflow){.environment = 1, .steps = f->steps_stg, .n_steps = 1,
                              .step_offset = 3};
  const char *cn[3] = {"sql-prod", "blob", "app"};
  const int ce[3] = {0, -1, 1};
  const model_repl_mode cm[3] = {MODEL_REPL_ASYNC, MODEL_REPL_PERIODIC, MODEL_REPL_NONE};
  for (int c = 0; c < 3; c++) {
    f->comps[c].name = (char *)cn[c];
    f->comps[c].environment = ce[c];
    f->comps[c].replication.mode = cm[c];
  }
  f->pools[0] = (model_standby){.name = "aks-prod-dr", .environment = 0, .warm_nodes = 1,
                                .required_nodes = 5, .service_nodes = 3,
                                .max_parallel = 2, .node_cost_per_hour = 0.5};
  model_scenario *sc = &f->sc;
  sc->name = "fixture";
  sc->text_hash = "0123456789abcdef";
  sc->seed = 42;
  sc->trials = 100;
  sc->mode = MODEL_MODE_DISASTER;
  sc->environments = f->envs;
  sc->n_environments = 2;
  sc->workflows = f->wf;
  sc->n_workflows = 2;
  sc->n_steps_total = 4;
  sc->components = f->comps;
  sc->n_components = 3;
  sc->standby = f->pools;
  sc->n_standby = 1;
}

/* Trial t: production is not recovered when t % 10 == 9 (restore fails),
** else RTO = 3600 + 10 t; its RPO is (t % 7) minutes (set by sql-prod).
** Staging: RTO 7200, RPO 30 s (set by the shared blob). */
static void fixture_fill(const model_scenario *sc, void *rec, uint64_t t)
{
  model_outcome_clear(sc, rec);
  model_trial_view v = model_outcome_view(sc, rec);
  int lost = t % 10 == 9;
  v.env[0].rto_s = lost ? INFINITY : 3600.0 + 10.0 * (double)t;
  v.env[0].recovered = !lost;
  v.env[0].rpo_s = (double)(t % 7) * 60.0;
  v.env[0].first_service_s = 600.0 + (double)t;
  v.env[0].full_capacity_s = 1200.0 + (double)t;
  v.env[0].retries = (int32_t)(t % 3 == 1);
  v.env[1].rto_s = 7200.0;
  v.env[1].recovered = 1;
  v.env[1].rpo_s = 30.0;
  for (int j = 0; j < 4; j++) {
    v.steps[j].start_s = 100.0 * j;
    v.steps[j].end_s = 100.0 * j + 50.0 + (double)(t % 5);
    v.steps[j].attempts = 1;
    v.steps[j].critical = j == 2 || j == 3;
  }
  v.steps[0].off_hours = (int32_t)(t % 2);
  if (t % 3 == 1) v.steps[2].attempts = 2;
  if (lost) {
    v.steps[2].attempts = 3;
    v.steps[2].failed = 1;
    v.steps[2].end_s = NAN;
  }
  v.components[0].rpo_s = v.env[0].rpo_s;
  v.components[0].failover_s = 300.0;
  v.components[1].rpo_s = 30.0;
  v.standby[0].first_service_s = 600.0 + (double)t;
  v.standby[0].full_capacity_s = 1200.0 + (double)t;
  v.standby[0].nodes_provisioned = 4;
  v.standby[0].shortage = t % 4 == 0;
}

/* n records for trials first.. in one malloc'ed buffer. */
static void *fixture_records(const model_scenario *sc, uint64_t first, size_t n)
{
  size_t rs = model_outcome_size(sc);
  unsigned char *buf = malloc(rs * (n ? n : 1));
  assert_non_null(buf);
  for (size_t i = 0; i < n; i++) fixture_fill(sc, buf + i * rs, first + i);
  return buf;
}

/* Store a complete run of `trials` trials (chunks of 37) with `detail`. */
static int64_t fixture_run(report_store *st, const model_scenario *sc,
                           uint64_t trials, report_detail detail)
{
  report_error err = {{0}};
  const char *ov[2] = {"trials=100", "objectives.production.rto=4h"};
  report_run_info info = {.scenario_text = "version: 1\nname: fixture\n",
                          .overrides = ov, .n_overrides = 2, .seed = 42,
                          .trials = trials, .first_trial = 0, .detail = detail,
                          .threads = 2, .program_version = "test", .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, sc, &id, &err), REPORT_OK);
  for (uint64_t t = 0; t < trials; t += 37) {
    size_t n = trials - t < 37 ? (size_t)(trials - t) : 37;
    void *rec = fixture_records(sc, t, n);
    int rc = report_store_run_append(st, id, sc, t, n, rec, model_outcome_size(sc), &err);
    if (rc) print_error("%s\n", err.text);
    assert_int_equal(rc, REPORT_OK);
    free(rec);
  }
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_COMPLETE, &err), REPORT_OK);
  return id;
}

/* A fresh temporary directory for databases; removed by tmpdir_remove. */
static char *tmpdir_new(void)
{
  char tmpl[] = "/tmp/drsim-test-XXXXXX";
  char *d = mkdtemp(tmpl);
  assert_non_null(d);
  char *copy = malloc(strlen(d) + 1);
  assert_non_null(copy);
  strcpy(copy, d);
  return copy;
}

static void tmpdir_remove(char *dir)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}
/* ---- end of fixture ---- */

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
  char *dir = tmpdir_new();
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
    tmpdir_remove(dir);
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
  tmpdir_remove(dir);
}

static void test_trials_csv(void **state)
{
  (void)state;
  char *dir = tmpdir_new();
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
  assert_non_null(strstr(out, "\n1,production,0,3600,0,1,600,1200,0,,,,,,,,,,,\n"));
  assert_non_null(strstr(out, "\n1,production,9,inf,120,0,609,1209,0,,,,,,,,,,,\n"));
  assert_non_null(strstr(out, "\n1,\"stag,ing \"\"b\"\"\",3,7200,30,1,,,0,,,,,,,,,,,\n"));
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
  tmpdir_remove(dir);
}

/* The checker must reject what is wrong, or its green means nothing. */
static void test_checker_rejects(void **state)
{
  (void)state;
  if (!have_python()) skip();
  char *dir = tmpdir_new();
  const char *head = REPORT_CSV_SUMMARY_HEADER "\n";
  const char *good_row = "prod,rto,10,1,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0\n";
  const char *bad[] = {
    "prod,rto,10,1,1,2,3,4,5,6,0.5,0.2,0.8\n",                             /* too few fields */
    "prod,rto,10,\"1,5\",1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0\n", /* decimal comma */
    "prod,rto,10,1,1,2,3,4,5,6,1.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0\n",     /* p_meet > 1 */
    "prod,rto,10,1,1,2,3,4,5,6,0.9,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0\n",     /* outside CI */
    "prod,mtbf,10,1,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0\n",    /* metric */
    "prod,rto,10,nan,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0\n",   /* nan */
    "prod,rto,1_000,1,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0\n",  /* separator */
    "\"prod,rto,10,1,1,2,3,4,5,6,0.5,0.2,0.8,0,2,0,2,0,3,0,4,0,5,5,0\n",   /* open quote */
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
  tmpdir_remove(dir);
}

static void test_write_error(void **state)
{
  (void)state;
  FILE *full = fopen("/dev/full", "w");
  if (!full) skip();
  char *dir = tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/e.db", dir);
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_run(st, &f.sc, 10, REPORT_DETAIL_SUMMARY);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);
  assert_int_equal(report_csv_write_summary(full, s, &err), REPORT_EIO);
  assert_non_null(strstr(err.text, "summary CSV"));
  clearerr(full);
  assert_int_equal(report_csv_write_trials(full, st, id, &err), REPORT_EIO);
  fclose(full);
  report_summary_free(s);
  report_store_close(st);
  tmpdir_remove(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_numbers),
    cmocka_unit_test(test_fields),
    cmocka_unit_test(test_summary_csv),
    cmocka_unit_test(test_trials_csv),
    cmocka_unit_test(test_checker_rejects),
    cmocka_unit_test(test_write_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
