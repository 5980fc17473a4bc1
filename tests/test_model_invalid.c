/*
** tests/test_model_invalid.c — every broken scenario must be refused with
** the error it promises. Each scenarios/invalid/NAME.yaml starts with
**   # expect: LINE:COL: message fragment
** and the loader must report a diagnostic in that file at exactly LINE:COL
** whose message contains the fragment. Also: absurd inputs built in memory
** (too many steps, huge values, NUL bytes, invalid UTF-8, oversize text) are
** refused with a limit, not a crash.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario.h"

#define INVALID_DIR DRSIM_SOURCE_DIR "/scenarios/invalid"
#define MIN_INVALID_CASES 30

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the *.yaml files in dir; caller frees. */
static char **list_yaml(const char *dir, size_t *n) {
  DIR *d = opendir(dir);
  *n = 0;
  if (!d) return NULL;
  char **v = NULL;
  size_t cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
    if (*n == cap) {
      cap = cap ? 2 * cap : 64;
      v = realloc(v, cap * sizeof *v);
      assert_non_null(v);
    }
    v[(*n)++] = strdup(e->d_name);
  }
  closedir(d);
  if (*n) qsort(v, *n, sizeof *v, cmp_str);
  return v;
}

/* Fails the test with a readable report when `path` does not give `line:col:
** fragment`. Returns 1 when it matched. */
static int check_case(const char *path) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char first[512] = "";
  if (!fgets(first, sizeof first, f)) first[0] = '\0';
  fclose(f);
  first[strcspn(first, "\n")] = '\0';
  int line = 0, col = 0, used = 0;
  if (sscanf(first, "# expect: %d:%d: %n", &line, &col, &used) != 2 || used == 0) {
    print_error("%s: first line must be '# expect: LINE:COL: fragment', got '%s'\n", path, first);
    return 0;
  }
  const char *fragment = first + used;
  model_diag *d = model_diag_new();
  assert_non_null(d);
  model_scenario *sc = (model_scenario *)1;
  int rc = model_scenario_load_file(path, NULL, 0, &sc, d);
  int ok = 0;
  if (rc == 0) {
    print_error("%s: loaded, but should fail with %d:%d: %s\n", path, line, col, fragment);
    model_scenario_free(sc);
  } else {
    assert_null(sc);
    assert_true(model_diag_count(d) > 0);
    for (size_t i = 0; i < model_diag_count(d); i++)
      if (strcmp(model_diag_file(d, i), path) == 0 && model_diag_line(d, i) == line &&
          model_diag_col(d, i) == col && strstr(model_diag_message(d, i), fragment))
        ok = 1;
    if (!ok) {
      print_error("%s: expected %d:%d: %s\ngot:\n", path, line, col, fragment);
      model_diag_print(d, stderr);
    }
  }
  model_diag_free(d);
  return ok;
}

static void test_invalid_folder(void **state) {
  (void)state;
  size_t n = 0;
  char **names = list_yaml(INVALID_DIR, &n);
  assert_true(n >= MIN_INVALID_CASES);
  size_t failed = 0;
  for (size_t i = 0; i < n; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", INVALID_DIR, names[i]);
    if (!check_case(path)) failed++;
    free(names[i]);
  }
  free(names);
  assert_int_equal(failed, 0);
}

/* Load text and require an error containing `fragment` (any location). */
static void expect_error(const char *text, size_t len, const char *fragment) {
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_string(text, len, "mem.yaml", NULL, 0, &sc, d), -1);
  assert_null(sc);
  int found = 0;
  for (size_t i = 0; i < model_diag_count(d); i++)
    found |= strstr(model_diag_message(d, i), fragment) != NULL;
  if (!found) {
    print_error("expected an error containing '%s', got:\n", fragment);
    model_diag_print(d, stderr);
  }
  assert_true(found);
  model_diag_free(d);
}

#define HEAD                                                                             \
  "version: 1\nname: big\nobjectives: {production: {rto: 4h}}\n"                           \
  "regions: [{name: eastus, role: primary}, {name: westus2, role: standby}]\n"

/* A text buffer that grows. */
typedef struct buf {
  char *p;
  size_t n, cap;
} buf;

static void put(buf *b, const char *s) {
  size_t k = strlen(s);
  if (b->n + k + 1 > b->cap) {
    b->cap = (b->n + k + 1) * 2;
    b->p = realloc(b->p, b->cap);
    assert_non_null(b->p);
  }
  memcpy(b->p + b->n, s, k + 1);
  b->n += k;
}

static void test_too_many_steps(void **state) {
  (void)state;
  buf b = {0};
  put(&b, HEAD "workflows:\n  - environment: production\n    steps:\n");
  char line[96];
  for (int i = 0; i <= MODEL_MAX_ITEMS; i++) {
    snprintf(line, sizeof line, "      - {name: s%d, duration: 1m}\n", i);
    put(&b, line);
  }
  expect_error(b.p, b.n, "the limit is 10000");
  free(b.p);
}

static void test_node_limit_flat_list(void **state) {
  (void)state;
  /* 1.2 million one-character items: past MODEL_YAML_MAX_NODES, under 16 MiB. */
  buf b = {0};
  put(&b, HEAD "x: [");
  size_t n = 1200000;
  char *items = malloc(2 * n + 1);
  assert_non_null(items);
  for (size_t i = 0; i < n; i++) {
    items[2 * i] = '1';
    items[2 * i + 1] = ',';
  }
  items[2 * n - 1] = ']';
  items[2 * n] = '\0';
  put(&b, items);
  free(items);
  expect_error(b.p, b.n, "too many YAML nodes");
  free(b.p);
}

static void test_oversize_text(void **state) {
  (void)state;
  /* The length is checked before the text is read. */
  const char small[] = "version: 1\n";
  expect_error(small, (size_t)MODEL_MAX_FILE_BYTES + 1, "the limit is");
}

static void test_long_scalar_and_name(void **state) {
  (void)state;
  buf b = {0};
  put(&b, HEAD "description: ");
  char *big = malloc(70000);
  assert_non_null(big);
  memset(big, 'x', 69999);
  big[69999] = '\0';
  put(&b, big);
  put(&b, "\n");
  expect_error(b.p, b.n, "a value longer than");
  free(b.p);
  b = (buf){0};
  put(&b, HEAD "components:\n  - name: ");
  big[200] = '\0';
  put(&b, big);
  put(&b, "\n    region: eastus\n");
  expect_error(b.p, b.n, "the limit is 128");
  free(b.p);
  free(big);
}

static void test_nul_and_bad_utf8(void **state) {
  (void)state;
  const char nul[] = "version: 1\nname: \"a\\0b\"\n";
  expect_error(nul, sizeof nul - 1, "NUL character");
  const char bad[] = "version: 1\nname: \xff\xfe\xfd\n";
  expect_error(bad, sizeof bad - 1, "not a readable YAML text");
  const char bin[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00";
  expect_error(bin, sizeof bin - 1, "");
}

static void test_missing_file(void **state) {
  (void)state;
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_file(INVALID_DIR "/no-such-file.yaml", NULL, 0, &sc, d), -1);
  assert_null(sc);
  assert_int_equal(model_diag_count(d), 1);
  assert_non_null(strstr(model_diag_message(d, 0), "cannot open"));
  model_diag_free(d);
  d = model_diag_new();
  assert_int_equal(model_scenario_load_file(INVALID_DIR, NULL, 0, &sc, d), -1);
  assert_non_null(strstr(model_diag_message(d, 0), "is a directory"));
  model_diag_free(d);
}

/* Errors are collected, not stopped at the first: a file with three
** independent mistakes reports all three. */
static void test_collects_several(void **state) {
  (void)state;
  const char *text = HEAD
      "trails: 5\n"
      "components:\n"
      "  - {name: a, region: eastuss}\n"
      "workflows:\n"
      "  - environment: production\n"
      "    steps:\n"
      "      - {name: x, duration: 5hh}\n";
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_string(text, strlen(text), "m.yaml", NULL, 0, &sc, d), -1);
  assert_int_equal(model_diag_count(d), 3);
  model_diag_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_invalid_folder),
    cmocka_unit_test(test_too_many_steps),
    cmocka_unit_test(test_node_limit_flat_list),
    cmocka_unit_test(test_oversize_text),
    cmocka_unit_test(test_long_scalar_and_name),
    cmocka_unit_test(test_nul_and_bad_utf8),
    cmocka_unit_test(test_missing_file),
    cmocka_unit_test(test_collects_several),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
