/*
** tests/test_cli_serve_lab.c — what `drsim serve` computes
** (cli/serve_lab.c), without HTTP: request parsing and its errors; a run's
** result (P(meet) of the configuration and of the baseline, the paired
** change as their per-trial difference, CDF points, the exact command);
** the baseline cache; a located error for a bad value, attached to its
** control; stopping through poll; save into the database with the
** overrides recorded; the HTML report; and that lifetime scenarios are
** refused.
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

#include "cli/args.h"
#include "cli/serve_lab.h"
#include "reports/store.h"
#include "tests/support/report_fixture.h"

#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"

typedef struct fix {
  char *dir;
  char db_path[600];
  report_store *db;
  cli_serve_lab *lab;
} fix;

static int setup(void **state) {
  fix *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->dir = fixture_tmpdir_new();
  snprintf(f->db_path, sizeof f->db_path, "%s/serve.db", f->dir);
  report_error err;
  assert_int_equal(report_store_open(f->db_path, REPORT_STORE_READWRITE, &f->db, &err), REPORT_OK);
  cli_serve_lab_options o = {REFERENCE, 5000, 2, f->db, f->db_path};
  assert_int_equal(cli_serve_lab_new(&o, &f->lab), CLI_EXIT_OK);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fix *f = *state;
  cli_serve_lab_free(f->lab);
  report_store_close(f->db);
  fixture_tmpdir_remove(f->dir);
  free(f);
  return 0;
}

static int parse_ok(fix *f, const char *body, cli_serve_request *req) {
  json_t *err = NULL;
  int rc = cli_serve_lab_parse(f->lab, body, strlen(body), req, &err);
  if (rc) fprintf(stderr, "%s\n", json_string_value(json_object_get(err, "error")));
  json_decref(err);
  return rc;
}

/* The "error" of a failing parse (malloc'ed), or NULL when it parsed. */
static char *parse_error(fix *f, const char *body, char **param) {
  cli_serve_request req;
  json_t *err = NULL;
  int rc = cli_serve_lab_parse(f->lab, body, strlen(body), &req, &err);
  if (!rc) {
    cli_serve_request_clear(&req);
    return NULL;
  }
  assert_int_equal(rc, 400);
  char *msg = strdup(json_string_value(json_object_get(err, "error")));
  json_t *p = json_object_get(json_array_get(json_object_get(err, "errors"), 0), "param");
  if (param) *param = json_is_string(p) ? strdup(json_string_value(p)) : NULL;
  json_decref(err);
  return msg;
}

static void test_parse(void **state) {
  fix *f = *state;
  cli_serve_request req;
  assert_int_equal(parse_ok(f, "", &req), 0);
  assert_int_equal(req.trials, 5000);   /* the scenario's 10000, capped */
  assert_int_equal(req.seed, 42);
  assert_int_equal(req.n_overrides, 0);
  cli_serve_request_clear(&req);
  assert_int_equal(parse_ok(f, "{\"overrides\": {\"standby.aks-prod-dr.warm_nodes\": 5, "
                               "\"components.pv-snapshots-prod.replication.interval\": \"6h\"}, "
                               "\"trials\": 300, \"seed\": 9, \"stream\": true}", &req), 0);
  assert_int_equal(req.n_overrides, 2);
  assert_string_equal(req.overrides[0], "standby.aks-prod-dr.warm_nodes=5");
  assert_string_equal(req.overrides[1], "components.pv-snapshots-prod.replication.interval=6h");
  assert_string_equal(req.paths[1], "components.pv-snapshots-prod.replication.interval");
  assert_true(req.trials == 300 && req.seed == 9 && req.stream == 1);
  char *cmd = cli_serve_lab_command(f->lab, &req);
  assert_string_equal(cmd, "drsim run " REFERENCE " --seed 9 --trials 300 --set "
                      "standby.aks-prod-dr.warm_nodes=5 --set "
                      "components.pv-snapshots-prod.replication.interval=6h");
  free(cmd);
  cli_serve_request_clear(&req);

  char *param = NULL, *m;
  m = parse_error(f, "{\"trials\": 5001}", NULL);
  assert_non_null(strstr(m, "from 1 to 5000"));
  free(m);
  m = parse_error(f, "{\"trials\": 1.5}", NULL);
  assert_non_null(m);
  free(m);
  m = parse_error(f, "{\"overrides\": {\"nope\": \"1\"}}", &param);
  assert_non_null(strstr(m, "unknown parameter 'nope'"));
  assert_string_equal(param, "nope");
  free(param);
  free(m);
  m = parse_error(f, "{\"overrides\": {\"standby.aks-prod-dr.warm_nodes\": [1]}}", NULL);
  assert_non_null(strstr(m, "a string or a number"));
  free(m);
  m = parse_error(f, "{\"overrides\": {\"standby.aks-prod-dr.warm_nodes\": \"1\\u00002\"}}", NULL);
  assert_non_null(m);   /* an embedded NUL */
  free(m);
  m = parse_error(f, "{\"a\": 1}", NULL);
  assert_non_null(strstr(m, "unknown key 'a'"));
  free(m);
  m = parse_error(f, "{\"trials\": 1, \"trials\": 2}", NULL);
  assert_non_null(strstr(m, "not valid JSON"));
  free(m);
  m = parse_error(f, "nul", NULL);
  assert_non_null(strstr(m, "not valid JSON"));
  free(m);
}

typedef struct watch {
  int polls, stop_after;
  uint64_t last_done, last_total;
} watch;

static int poll_fn(void *ctx) {
  watch *w = ctx;
  return ++w->polls > w->stop_after;
}

static void progress_fn(void *ctx, uint64_t done, uint64_t total) {
  watch *w = ctx;
  assert_true(done <= total);
  assert_true(done >= w->last_done || total != w->last_total);
  w->last_done = done;
  w->last_total = total;
}

static json_t *metric(json_t *res, size_t env, const char *name) {
  json_t *ms = json_object_get(json_array_get(json_object_get(res, "environments"), env), "metrics");
  for (size_t i = 0; i < json_array_size(ms); i++)
    if (!strcmp(json_string_value(json_object_get(json_array_get(ms, i), "metric")), name))
      return json_array_get(ms, i);
  fail();
  return NULL;
}

static double est(json_t *o, const char *a, const char *b) {
  return json_number_value(json_object_get(json_object_get(json_object_get(o, a), b), "est"));
}

static void test_run(void **state) {
  fix *f = *state;
  cli_serve_request req;
  assert_int_equal(parse_ok(f, "{\"overrides\": {\"standby.aks-prod-dr.warm_nodes\": \"5\"}, "
                               "\"trials\": 3000, \"seed\": 3}", &req), 0);
  watch w = {0, 1 << 30, 0, 0};
  cli_serve_ctl ctl = {poll_fn, progress_fn, &w};
  json_t *res = NULL;
  assert_int_equal(cli_serve_lab_run(f->lab, &req, &ctl, &res), CLI_SERVE_OK);
  assert_true(w.last_done == 6000 && w.last_total == 6000);   /* baseline + configuration */
  assert_true(json_real_value(json_object_get(json_object_get(res, "elapsed_ms"), "baseline")) > 0);
  for (size_t e = 0; e < 3; e++)
    for (int k = 0; k < 2; k++) {
      json_t *m = metric(res, e, k ? "rpo" : "rto");
      double c = est(m, "current", "p_meet"), b = est(m, "baseline", "p_meet");
      json_t *ch = json_object_get(m, "change");
      assert_true(fabs(json_number_value(json_object_get(ch, "est")) - (c - b)) < 1e-12);
      json_int_t net = json_integer_value(json_object_get(ch, "better")) -
                       json_integer_value(json_object_get(ch, "worse"));
      assert_int_equal(net, (json_int_t)llround((c - b) * 3000));
      assert_true(json_array_size(json_object_get(json_object_get(m, "current"), "cdf")) > 10);
    }
  json_t *prod = metric(res, 0, "rto");
  assert_true(est(prod, "current", "p_meet") > est(prod, "baseline", "p_meet"));
  assert_true(json_number_value(json_object_get(json_object_get(prod, "change"), "lo")) > 0);
  assert_true(json_real_value(json_object_get(prod, "objective")) == 14400);
  /* the summary document is the run's --format json: same P(meet) */
  json_t *row0 = json_array_get(json_object_get(json_object_get(res, "summary"), "summary"), 0);
  assert_string_equal(json_string_value(json_object_get(row0, "metric")), "rto");
  assert_true(json_number_value(json_object_get(row0, "p_meet")) == est(prod, "current", "p_meet"));
  json_t *brow0 =
      json_array_get(json_object_get(json_object_get(res, "baseline_summary"), "summary"), 0);
  assert_true(json_number_value(json_object_get(brow0, "p_meet")) == est(prod, "baseline", "p_meet"));
  json_decref(res);

  /* again: the baseline comes from the cache */
  w.last_done = w.last_total = 0;
  assert_int_equal(cli_serve_lab_run(f->lab, &req, &ctl, &res), CLI_SERVE_OK);
  assert_true(json_real_value(json_object_get(json_object_get(res, "elapsed_ms"), "baseline")) == 0);
  assert_true(w.last_total == 3000);
  json_decref(res);
  cli_serve_request_clear(&req);

  /* no overrides: the configuration is the baseline, no change */
  assert_int_equal(parse_ok(f, "{\"trials\": 3000, \"seed\": 3}", &req), 0);
  assert_int_equal(cli_serve_lab_run(f->lab, &req, NULL, &res), CLI_SERVE_OK);
  json_t *m = metric(res, 0, "rto");
  assert_true(est(m, "current", "p_meet") == est(m, "baseline", "p_meet"));
  assert_true(json_number_value(json_object_get(json_object_get(m, "change"), "est")) == 0);
  json_decref(res);
  cli_serve_request_clear(&req);
}

static void test_bad_value_is_located(void **state) {
  fix *f = *state;
  cli_serve_request req;
  assert_int_equal(parse_ok(f, "{\"overrides\": {\"components.pv-snapshots-prod.replication.interval\": \"6h\", "
                               "\"standby.aks-prod-dr.warm_nodes\": \"-1\"}, \"trials\": 100}", &req), 0);
  json_t *res = NULL;
  assert_int_equal(cli_serve_lab_run(f->lab, &req, NULL, &res), CLI_SERVE_BAD);
  json_t *e0 = json_array_get(json_object_get(res, "errors"), 0);
  assert_string_equal(json_string_value(json_object_get(e0, "message")),
                      "--set:0:2: error: 'warm_nodes' is '-1'; it must be between 0 and 10000");
  assert_string_equal(json_string_value(json_object_get(e0, "param")), "standby.aks-prod-dr.warm_nodes");
  json_decref(res);
  cli_serve_request_clear(&req);
}

static void test_stop(void **state) {
  fix *f = *state;
  cli_serve_request req;
  assert_int_equal(parse_ok(f, "{\"trials\": 5000, \"seed\": 11}", &req), 0);
  watch w = {0, 0, 0, 0};   /* stop at the first poll, before any trial */
  cli_serve_ctl ctl = {poll_fn, progress_fn, &w};
  json_t *res = NULL;
  assert_int_equal(cli_serve_lab_run(f->lab, &req, &ctl, &res), CLI_SERVE_STOPPED);
  assert_true(w.last_done < 5000);
  json_decref(res);
  /* a stopped baseline is not cached: the next run computes it whole */
  w.polls = 0;
  w.stop_after = 1 << 30;
  w.last_done = w.last_total = 0;
  assert_int_equal(cli_serve_lab_run(f->lab, &req, &ctl, &res), CLI_SERVE_OK);
  assert_true(w.last_done == 5000);
  json_decref(res);
  cli_serve_request_clear(&req);
}

static void test_save_and_report(void **state) {
  fix *f = *state;
  cli_serve_request req;
  assert_int_equal(parse_ok(f, "{\"overrides\": {\"standby.aks-prod-dr.warm_nodes\": \"4\"}, "
                               "\"trials\": 400, \"seed\": 5}", &req), 0);
  json_t *res = NULL;
  assert_int_equal(cli_serve_lab_save(f->lab, &req, NULL, &res), CLI_SERVE_OK);
  json_int_t id = json_integer_value(json_object_get(res, "run_id"));
  assert_true(id >= 1);
  json_decref(res);
  report_run *run = NULL;
  report_error err;
  assert_int_equal(report_store_run_get(f->db, id, &run, &err), REPORT_OK);
  assert_int_equal(run->status, REPORT_RUN_COMPLETE);
  assert_true(run->trials_done == 400 && run->seed == 5);
  assert_int_equal(run->n_overrides, 1);
  assert_string_equal(run->overrides[0], "standby.aks-prod-dr.warm_nodes=4");
  report_store_run_free(run);

  char *html = NULL;
  size_t len = 0;
  assert_int_equal(cli_serve_lab_report(f->lab, &req, NULL, &html, &len, &res), CLI_SERVE_OK);
  assert_null(res);
  assert_true(len > 1000 && strstr(html, "<svg") && strstr(html, "warm_nodes=4"));
  free(html);
  cli_serve_request_clear(&req);
}

static void test_refusals(void **state) {
  (void)state;
  cli_serve_lab *lab = NULL;
  cli_serve_lab_options o = {DRSIM_SOURCE_DIR "/scenarios/lifetime-availability.yaml", 100, 1, NULL, ""};
  assert_int_equal(cli_serve_lab_new(&o, &lab), CLI_EXIT_USAGE);
  assert_null(lab);
  o.scenario_path = DRSIM_SOURCE_DIR "/no-such-file.yaml";
  assert_int_equal(cli_serve_lab_new(&o, &lab), CLI_EXIT_USAGE);
  /* without a database, save is refused */
  o.scenario_path = REFERENCE;
  assert_int_equal(cli_serve_lab_new(&o, &lab), CLI_EXIT_OK);
  cli_serve_request req;
  json_t *err = NULL;
  assert_int_equal(cli_serve_lab_parse(lab, "{\"trials\": 10}", 14, &req, &err), 0);
  json_t *res = NULL;
  assert_int_equal(cli_serve_lab_save(lab, &req, NULL, &res), CLI_SERVE_CONFLICT);
  json_decref(res);
  cli_serve_request_clear(&req);
  cli_serve_lab_free(lab);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
    cmocka_unit_test_setup_teardown(test_run, setup, teardown),
    cmocka_unit_test_setup_teardown(test_bad_value_is_located, setup, teardown),
    cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
    cmocka_unit_test_setup_teardown(test_save_and_report, setup, teardown),
    cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
