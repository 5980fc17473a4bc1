/*
** tests/test_model_diag.c — the diagnostics list (models/diag.c): fields,
** printing in location order, the MODEL_DIAG_MAX cap, the out-of-memory
** flag, warnings kept apart from errors, and the "did you mean" suggestions.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/diag.h"

static char *printed(const model_diag *d) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_non_null(f);
  model_diag_print(d, f);
  fclose(f);
  return text;
}

static void test_fields_and_order(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  assert_non_null(d);
  model_diag_add(d, "s.yaml", 9, 3, "third %d", 3);
  model_diag_add(d, "s.yaml", 2, 7, "first");
  model_diag_add(d, "--set", 0, 2, "override");
  model_diag_add(d, "s.yaml", 9, 3, "fourth (same place, added later)");
  model_diag_add(d, "s.yaml", 2, 9, "second");
  model_diag_add(d, "s.yaml", 0, 0, "no location");
  assert_int_equal(model_diag_count(d), 6);
  assert_string_equal(model_diag_file(d, 0), "s.yaml");
  assert_int_equal(model_diag_line(d, 0), 9);
  assert_int_equal(model_diag_col(d, 0), 3);
  assert_string_equal(model_diag_message(d, 0), "third 3");
  assert_null(model_diag_message(d, 6));
  char *text = printed(d);
  assert_string_equal(text,
                      "--set:0:2: error: override\n"
                      "s.yaml: error: no location\n"
                      "s.yaml:2:7: error: first\n"
                      "s.yaml:2:9: error: second\n"
                      "s.yaml:9:3: error: third 3\n"
                      "s.yaml:9:3: error: fourth (same place, added later)\n");
  free(text);
  model_diag_free(d);
  model_diag_free(NULL);
  model_diag_add(NULL, "x", 1, 1, "ignored");
  assert_int_equal(model_diag_count(NULL), 0);
}

static void test_cap(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  for (int i = 0; i < MODEL_DIAG_MAX + 5; i++) model_diag_add(d, "f", i + 1, 1, "e%d", i);
  assert_int_equal(model_diag_count(d), MODEL_DIAG_MAX);
  assert_int_equal(model_diag_dropped(d), 5);
  char *text = printed(d);
  assert_non_null(strstr(text, "note: 5 further errors not shown"));
  free(text);
  model_diag_free(d);
}

/* Errors beyond the cap are bad input, not out of memory; set_nomem marks
** the list so that drsim exits 3 instead of 2. */
static void test_nomem_flag(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  for (int i = 0; i < MODEL_DIAG_MAX + 1; i++) model_diag_add(d, "f", 1, 1, "e");
  assert_int_equal(model_diag_nomem(d), 0);
  model_diag_set_nomem(d);
  assert_int_equal(model_diag_nomem(d), 1);
  char *text = printed(d);
  assert_non_null(strstr(text, "note: 1 further error not shown"));
  assert_null(strstr(text, "out of memory"));   /* nothing was lost to it */
  free(text);
  model_diag_free(d);
  model_diag_set_nomem(NULL);
  assert_int_equal(model_diag_nomem(NULL), 0);
}

static void test_warnings(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_diag_warn(d, "--set", 0, 3, "third");
  model_diag_warn(d, "--set", 0, 1, "first %s", "one");
  model_diag_add(d, "s.yaml", 1, 1, "an error");
  assert_int_equal(model_diag_count(d), 1);          /* errors only */
  assert_int_equal(model_diag_warning_count(d), 2);
  char *text = printed(d);
  assert_string_equal(text, "s.yaml:1:1: error: an error\n");   /* no warnings */
  free(text);
  char *w = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&w, &len);
  model_diag_print_warnings(d, f);
  fclose(f);
  assert_string_equal(w, "--set:0:1: warning: first one\n--set:0:3: warning: third\n");
  free(w);
  model_diag_free(d);
  model_diag_warn(NULL, "x", 0, 0, "ignored");
  assert_int_equal(model_diag_warning_count(NULL), 0);
}

static void test_long_message_truncated(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  char big[4000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  model_diag_add(d, "f", 1, 1, "%s", big);
  assert_true(strlen(model_diag_message(d, 0)) < sizeof big);
  model_diag_free(d);
}

static void test_suggest(void **state) {
  (void)state;
  const char *keys[] = {"mode", "to", "lag", "interval", "copy", "failure_probability", "retention"};
  size_t n = sizeof keys / sizeof *keys;
  assert_string_equal(model_diag_suggest("intervl", keys, n), "interval");
  assert_string_equal(model_diag_suggest("intreval", keys, n), "interval");   /* a swap */
  assert_string_equal(model_diag_suggest("Interval", keys, n), "interval");   /* case */
  assert_string_equal(model_diag_suggest("failure_prob", keys, n), "failure_probability");
  assert_null(model_diag_suggest("zzzzzz", keys, n));
  assert_null(model_diag_suggest("", keys, n));
  const char *steps[] = {"approve-failover", "scale-up-aks", "restore-data"};
  assert_string_equal(model_diag_suggest("scale-up", steps, 3), "scale-up-aks");
  assert_string_equal(model_diag_suggest("restore", steps, 3), "restore-data");
  assert_null(model_diag_suggest("x", steps, 3));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fields_and_order),
    cmocka_unit_test(test_cap),
    cmocka_unit_test(test_nomem_flag),
    cmocka_unit_test(test_warnings),
    cmocka_unit_test(test_long_message_truncated),
    cmocka_unit_test(test_suggest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
