/*
** tests/test_model_uncertainty.c — models/uncertainty.c: reading a
** distribution's `uncertainty:` map — dimensions by kind, symmetry,
** positive definiteness, the optional n, and which node a refusal points at.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "models/uncertainty.h"

/* Parse a YAML flow map and read it as the uncertainty of `kind`. */
static int read_one(const char *yaml, model_dist_kind kind, model_uncertainty *u, char *msg,
                    int *bad_col) {
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = NULL;
  assert_int_equal(model_yaml_parse(yaml, strlen(yaml), "u.yaml", &doc, d), 0);
  const model_yaml_node *bad = NULL;
  int rc = model_uncertainty_read(model_yaml_root(doc), kind, u, &bad, msg, 240);
  *bad_col = bad ? bad->col : 0;
  model_yaml_free(doc);
  model_diag_free(d);
  return rc;
}

static void test_valid(void **state) {
  (void)state;
  model_uncertainty u;
  char msg[240];
  int col;
  assert_int_equal(read_one("{n: 12, cov: [[0.0123, 0.001], [0.001, 0.045]]}",
                            MODEL_DIST_LOGNORMAL, &u, msg, &col), 0);
  assert_int_equal(u.k, 2);
  assert_int_equal(u.n, 12);
  assert_true(u.cov[0][1] == 0.001 && u.cov[1][1] == 0.045);
  assert_int_equal(read_one("{cov: [[0.083]]}", MODEL_DIST_EXPONENTIAL, &u, msg, &col), 0);
  assert_int_equal(u.k, 1);
  assert_int_equal(u.n, 0);
  assert_int_equal(model_uncertainty_params(MODEL_DIST_GAMMA), 2);
  assert_int_equal(model_uncertainty_params(MODEL_DIST_EMPIRICAL), 0);
}

static void test_refusals(void **state) {
  (void)state;
  model_uncertainty u;
  char msg[240];
  int col;
  assert_int_equal(read_one("{cov: [[0.01, 0.02], [0.03, 0.04]]}", MODEL_DIST_WEIBULL, &u, msg,
                            &col), -1);
  assert_non_null(strstr(msg, "symmetric"));
  assert_int_equal(read_one("{cov: [[0.01, 0.5], [0.5, 0.01]]}", MODEL_DIST_GAMMA, &u, msg,
                            &col), -1);
  assert_non_null(strstr(msg, "positive definite"));
  assert_int_equal(read_one("{cov: [[0.01]]}", MODEL_DIST_NORMAL, &u, msg, &col), -1);
  assert_non_null(strstr(msg, "2x2 matrix"));
  assert_int_equal(read_one("{cov: [[0.01, x], [0.0, 0.01]]}", MODEL_DIST_NORMAL, &u, msg,
                            &col), -1);
  assert_non_null(strstr(msg, "'x', not a finite number"));
  assert_int_equal(col, 15);
  assert_int_equal(read_one("{covariance: [[1]]}", MODEL_DIST_EXPONENTIAL, &u, msg, &col), -1);
  assert_non_null(strstr(msg, "unknown key 'covariance'"));
  assert_int_equal(col, 2);
  assert_int_equal(read_one("{n: 2.5, cov: [[1]]}", MODEL_DIST_EXPONENTIAL, &u, msg, &col), -1);
  assert_non_null(strstr(msg, "whole number"));
  assert_int_equal(read_one("{n: 3}", MODEL_DIST_EXPONENTIAL, &u, msg, &col), -1);
  assert_non_null(strstr(msg, "needs 'cov'"));
  assert_int_equal(read_one("{cov: [[1]]}", MODEL_DIST_PERT, &u, msg, &col), -1);
  assert_int_equal(read_one("[1]", MODEL_DIST_EXPONENTIAL, &u, msg, &col), -1);
  assert_non_null(strstr(msg, "must be a map"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_valid),
    cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
