/*
** tests/support/import_fixture.c — see import_fixture.h.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/terraform.h"
#include "tests/support/import_fixture.h"

char *import_fixture_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      buf = realloc(buf, cap + 1);
      assert_non_null(buf);
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  fclose(f);
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

char *import_fixture_data(const char *name, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/import/%s", DRSIM_SOURCE_DIR, name);
  return import_fixture_read(path, len);
}

char *import_fixture_terraform(const char *name, char **notes) {
  size_t len;
  char *src = import_fixture_data(name, &len);
  import_draft *d = import_draft_new("t", NULL);
  model_diag *diag = model_diag_new();
  char *nt = NULL;
  size_t nl = 0;
  FILE *nf = open_memstream(&nt, &nl);
  import_terraform_options o = {"production", NULL};
  int rc = import_terraform(src, len, name, &o, d, nf, diag);
  fclose(nf);
  if (rc != 0) model_diag_print(diag, stderr);
  assert_int_equal(rc, 0);
  char *text = import_draft_text(d, NULL);
  assert_non_null(text);
  import_draft_free(d);
  model_diag_free(diag);
  free(src);
  if (notes) *notes = nt;
  else free(nt);
  return text;
}

model_scenario *import_fixture_load(const char *text) {
  model_diag *diag = model_diag_new();
  model_scenario *sc = NULL;
  int rc = model_scenario_load_string(text, strlen(text), "draft", NULL, 0, &sc, diag);
  if (rc != 0) {
    model_diag_print(diag, stderr);
    fprintf(stderr, "%s", text);
  }
  assert_int_equal(rc, 0);
  model_diag_free(diag);
  return sc;
}

size_t import_fixture_check_marked(const char *text) {
  size_t checked = 0;
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char line[2048];
    snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), p);
    const char *hash = strchr(line, '#');
    size_t code = hash ? (size_t)(hash - line) : strlen(line);
    static const char *const keys[] = {"duration:", "detection:", "dist:", "provision:", "lag:",
                                       "interval:", "copy:"};
    int has = 0;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
      const char *q = strstr(line, keys[k]);
      if (q && (size_t)(q - line) < code) has = 1;
    }
    if (has) {
      checked++;
      /* a value the user gave on the command line says so instead */
      if (!strstr(line, IMPORT_ASSUMPTION) && !strstr(line, "# the policy given"))
        fail_msg("duration without the assumption mark: %s", line);
    }
    p += n + (nl ? 1 : 0);
  }
  return checked;
}
