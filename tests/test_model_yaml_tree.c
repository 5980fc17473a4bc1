/*
** tests/test_model_yaml_tree.c — YAML text to the located node tree
** (models/yaml_tree.c): locations of keys and values, scalar styles, alias
** expansion and its limits, duplicate keys, syntax errors at libyaml's mark,
** documents, and values parsed for --set.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/yaml_tree.h"

static model_yaml_doc *parse_ok(const char *text) {
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = NULL;
  if (model_yaml_parse(text, strlen(text), "t.yaml", &doc, d)) model_diag_print(d, stderr);
  assert_non_null(doc);
  assert_int_equal(model_diag_count(d), 0);
  model_diag_free(d);
  return doc;
}

/* Parse must fail with one diagnostic at line:col containing fragment. */
static void parse_fails(const char *text, size_t len, int line, int col, const char *fragment) {
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = (model_yaml_doc *)1;
  assert_int_equal(model_yaml_parse(text, len, "t.yaml", &doc, d), -1);
  assert_null(doc);
  int found = 0;
  for (size_t i = 0; i < model_diag_count(d); i++)
    if (model_diag_line(d, i) == line && model_diag_col(d, i) == col &&
        strstr(model_diag_message(d, i), fragment))
      found = 1;
  if (!found) {
    print_error("expected %d:%d: %s, got:\n", line, col, fragment);
    model_diag_print(d, stderr);
  }
  assert_true(found);
  model_diag_free(d);
}

static void test_locations(void **state) {
  (void)state;
  model_yaml_doc *doc = parse_ok("version: 1\n"
                                 "list:\n"
                                 "  - name: a\n"
                                 "    x: {k: 'q', n: [1, 2]}\n");
  const model_yaml_node *root = model_yaml_root(doc);
  assert_int_equal(root->kind, MODEL_YAML_MAPPING);
  assert_int_equal(root->n_pairs, 2);
  assert_int_equal(root->pairs[0].key->line, 1);
  assert_int_equal(root->pairs[0].key->col, 1);
  assert_int_equal(root->pairs[0].value->col, 10);
  const model_yaml_node *list = model_yaml_get(root, "list");
  assert_int_equal(list->kind, MODEL_YAML_SEQUENCE);
  assert_int_equal(list->line, 3);
  assert_int_equal(list->col, 3);
  const model_yaml_node *item = list->items[0];
  assert_int_equal(item->line, 3);
  assert_int_equal(item->col, 5);
  const model_yaml_node *x = model_yaml_get(item, "x");
  assert_int_equal(x->line, 4);
  assert_int_equal(x->col, 8);
  const model_yaml_node *k = model_yaml_get(x, "k");
  assert_string_equal(k->str, "q");
  assert_true(k->quoted);
  assert_int_equal(k->col, 12);
  const model_yaml_node *n = model_yaml_get(x, "n");
  assert_int_equal(n->n_items, 2);
  assert_false(n->items[1]->quoted);
  assert_int_equal(n->items[1]->col, 24);
  assert_null(model_yaml_get(x, "missing"));
  assert_null(model_yaml_get(k, "k"));          /* not a map */
  assert_int_equal(model_yaml_get_pair(root, "list")->key->line, 2);
  const char *file;
  int line, col;
  model_yaml_where(k, "t.yaml", &file, &line, &col);
  assert_string_equal(file, "t.yaml");
  assert_int_equal(line, 4);
  assert_int_equal(col, 12);
  model_yaml_free(doc);
}

static void test_empty_documents(void **state) {
  (void)state;
  model_yaml_doc *doc = parse_ok("");
  assert_null(model_yaml_root(doc));
  model_yaml_free(doc);
  doc = parse_ok("# only a comment\n\n");
  assert_null(model_yaml_root(doc));
  model_yaml_free(doc);
  doc = parse_ok("---\n...\n");   /* an explicitly empty document: a null scalar */
  assert_int_equal(model_yaml_root(doc)->kind, MODEL_YAML_SCALAR);
  assert_int_equal(model_yaml_root(doc)->len, 0);
  model_yaml_free(doc);
  parse_fails("a: 1\n---\nb: 2\n", 14, 2, 1, "a second YAML document");
}

static void test_aliases(void **state) {
  (void)state;
  model_yaml_doc *doc = parse_ok("a: &x {k: 1, l: [2, 3]}\nb: *x\nc: &s hello\nd: *s\n");
  const model_yaml_node *root = model_yaml_root(doc);
  const model_yaml_node *a = model_yaml_get(root, "a"), *b = model_yaml_get(root, "b");
  assert_ptr_not_equal(a, b);   /* a copy: an override of one leaves the other alone */
  assert_int_equal(b->kind, MODEL_YAML_MAPPING);
  assert_string_equal(model_yaml_get(b, "l")->items[1]->str, "3");
  assert_int_equal(b->line, 2);   /* the alias itself is located where it is used */
  assert_string_equal(model_yaml_get(root, "d")->str, "hello");
  model_yaml_free(doc);
  parse_fails("a: *nope\n", 9, 1, 4, "names no earlier anchor");
  parse_fails("a: &r [1, *r]\n", 14, 1, 11, "names no earlier anchor");
  parse_fails("a: &m {k: 1}\nb: {<<: *m}\n", 25, 2, 5, "merge keys");
}

static void test_alias_bomb(void **state) {
  (void)state;
  char text[2048];
  size_t off = (size_t)snprintf(text, sizeof text, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
  for (int i = 1; i < 10; i++) {
    off += (size_t)snprintf(text + off, sizeof text - off, "a%d: &a%d [", i, i);
    for (int j = 0; j < 10; j++)
      off += (size_t)snprintf(text + off, sizeof text - off, "%s*a%d", j ? ", " : "", i - 1);
    off += (size_t)snprintf(text + off, sizeof text - off, "]\n");
  }
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = NULL;
  assert_int_equal(model_yaml_parse(text, off, "t.yaml", &doc, d), -1);
  assert_int_equal(model_diag_count(d), 1);
  assert_non_null(strstr(model_diag_message(d, 0), "too many YAML nodes"));
  model_diag_free(d);
}

static void test_depth_limit(void **state) {
  (void)state;
  char text[400];
  /* the root map is level 1: 63 brackets fit, the 64th does not */
  size_t off = (size_t)snprintf(text, sizeof text, "x: ");
  for (int i = 0; i < 63; i++) text[off++] = '[';
  for (int i = 0; i < 63; i++) text[off++] = ']';
  text[off++] = '\n';
  model_yaml_free(parse_ok((text[off] = '\0', text)));
  off = (size_t)snprintf(text, sizeof text, "x: ");
  for (int i = 0; i < 64; i++) text[off++] = '[';
  for (int i = 0; i < 64; i++) text[off++] = ']';
  text[off] = '\0';
  parse_fails(text, off, 1, 67, "nesting deeper than 64");
  /* an alias can not smuggle depth past the limit */
  off = (size_t)snprintf(text, sizeof text, "a: &d ");
  for (int i = 0; i < 40; i++) text[off++] = '[';
  for (int i = 0; i < 40; i++) text[off++] = ']';
  off += (size_t)snprintf(text + off, sizeof text - off, "\nb: ");
  for (int i = 0; i < 30; i++) text[off++] = '[';
  off += (size_t)snprintf(text + off, sizeof text - off, "*d");
  for (int i = 0; i < 30; i++) text[off++] = ']';
  text[off] = '\0';
  parse_fails(text, off, 2, 34, "levels of nesting");
}

static void test_errors(void **state) {
  (void)state;
  parse_fails("a: 1\na: 2\n", 10, 2, 1, "duplicate key 'a'");
  parse_fails("a: [1, 2\nb: 3\n", 14, 2, 2, "YAML syntax error");
  parse_fails("a: b\n c: d\n", 11, 2, 3, "YAML syntax error");
  parse_fails("? [a]\n: 1\n", 10, 1, 3, "a key must be a plain name");
  parse_fails("a: \"x\\0y\"\n", 10, 1, 4, "NUL character");
  parse_fails("a: \xc3\x28\n", 6, 1, 5, "not a readable YAML text");
  /* a duplicate among many keys (the sorted path) */
  char text[4096];
  size_t off = 0;
  for (int i = 0; i < 40; i++) off += (size_t)snprintf(text + off, sizeof text - off, "k%d: 1\n", i);
  off += (size_t)snprintf(text + off, sizeof text - off, "k7: 2\n");
  parse_fails(text, off, 41, 1, "duplicate key 'k7'");
}

static void test_parse_value(void **state) {
  (void)state;
  model_yaml_doc *doc = parse_ok("a: 1\n");
  model_diag *d = model_diag_new();
  model_yaml_node *v = model_yaml_parse_value(doc, "10m", 2, d);
  assert_non_null(v);
  assert_int_equal(v->kind, MODEL_YAML_SCALAR);
  assert_string_equal(v->str, "10m");
  assert_int_equal(v->src, 2);
  v = model_yaml_parse_value(doc, "{dist: exponential, mean: 5m}", 3, d);
  assert_int_equal(v->kind, MODEL_YAML_MAPPING);
  assert_int_equal(model_yaml_get(v, "mean")->src, 3);
  v = model_yaml_parse_value(doc, "", 4, d);
  assert_int_equal(v->kind, MODEL_YAML_SCALAR);
  assert_int_equal(v->len, 0);
  assert_int_equal(model_diag_count(d), 0);
  assert_null(model_yaml_parse_value(doc, "[a, b", 5, d));
  assert_int_equal(model_diag_count(d), 1);
  assert_string_equal(model_diag_file(d, 0), "--set");
  assert_int_equal(model_diag_line(d, 0), 0);
  assert_int_equal(model_diag_col(d, 0), 5);
  /* building blocks used by the overrides */
  model_yaml_node *m = model_yaml_new_mapping(doc, 6);
  model_yaml_node *k = model_yaml_new_scalar(doc, "key", 3, 6);
  model_yaml_node *s = model_yaml_new_scalar(doc, "value", 5, 6);
  assert_int_equal(model_yaml_map_append(doc, m, k, s), 0);
  assert_string_equal(model_yaml_get(m, "key")->str, "value");
  assert_string_equal(model_yaml_kind_name(MODEL_YAML_SEQUENCE), "a list");
  model_diag_free(d);
  model_yaml_free(doc);
  model_yaml_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_locations),
    cmocka_unit_test(test_empty_documents),
    cmocka_unit_test(test_aliases),
    cmocka_unit_test(test_alias_bomb),
    cmocka_unit_test(test_depth_limit),
    cmocka_unit_test(test_errors),
    cmocka_unit_test(test_parse_value),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
