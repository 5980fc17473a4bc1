/*
** tests/test_model_lint.c — models/lint.c: every rule of the lint for
** silent optimism has a fixture under scenarios/warnings/ whose first line
**   # expect-warning: LINE:COL: [rule] message fragment
** names a finding the lint must give at exactly LINE:COL with that rule and
** a message containing the fragment; the fixtures load (a warning is not an
** error), every rule is covered, and the notes name the DR capabilities a
** standby-region disaster takes. The teaching scenarios that should be
** clean are.
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

#include "models/lint.h"
#include "models/scenario.h"

#define WARN_DIR DRSIM_SOURCE_DIR "/scenarios/warnings"

static const char *const RULES[] = {"no-recovery", "target-own-region", "target-lost",
                                    "never-affected", "rpo-below-interval", "isolated-step",
                                    "manual-any-hour"};
#define N_RULES (sizeof RULES / sizeof *RULES)

static model_scenario *load(const char *path, const char *const *ov, size_t n_ov) {
  model_diag *d = model_diag_new();
  assert_non_null(d);
  model_scenario *sc = NULL;
  if (model_scenario_load_file(path, ov, n_ov, &sc, d) != 0) model_diag_print(d, stderr);
  model_diag_free(d);
  assert_non_null(sc);
  return sc;
}

/* 1 when the fixture's expected finding is there; marks its rule seen. */
static int check_case(const char *path, int *seen) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char first[512] = "", rule[64] = "";
  if (!fgets(first, sizeof first, f)) first[0] = '\0';
  fclose(f);
  first[strcspn(first, "\n")] = '\0';
  int line = 0, col = 0, used = 0;
  if (sscanf(first, "# expect-warning: %d:%d: [%63[a-z-]] %n", &line, &col, rule, &used) != 3 ||
      used == 0) {
    print_error("%s: first line must be '# expect-warning: LINE:COL: [rule] fragment'\n", path);
    return 0;
  }
  const char *fragment = first + used;
  model_scenario *sc = load(path, NULL, 0);
  model_lint *l = model_lint_run(sc);
  assert_non_null(l);
  int ok = 0;
  for (size_t i = 0; i < model_lint_count(l); i++)
    if (model_lint_line(l, i) == line && model_lint_col(l, i) == col &&
        strcmp(model_lint_rule(l, i), rule) == 0 && strstr(model_lint_message(l, i), fragment))
      ok = 1;
  for (size_t r = 0; r < N_RULES; r++)
    if (ok && strcmp(RULES[r], rule) == 0) seen[r] = 1;
  if (!ok) {
    print_error("%s: expected %d:%d: [%s] %s\ngot:\n", path, line, col, rule, fragment);
    model_lint_print(l, sc, stderr);
  }
  model_lint_free(l);
  model_scenario_free(sc);
  return ok;
}

static void test_warnings_folder(void **state) {
  (void)state;
  DIR *d = opendir(WARN_DIR);
  assert_non_null(d);
  int seen[N_RULES] = {0};
  size_t n = 0, failed = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", WARN_DIR, e->d_name);
    n++;
    if (!check_case(path, seen)) failed++;
  }
  closedir(d);
  assert_true(n >= N_RULES);
  assert_int_equal(failed, 0);
  for (size_t r = 0; r < N_RULES; r++) {
    if (!seen[r]) print_error("no fixture covers rule %s\n", RULES[r]);
    assert_true(seen[r]);
  }
}

/* The silencers work: stateless, and a component with a failover. */
static void test_silenced(void **state) {
  (void)state;
  model_scenario *sc = load(WARN_DIR "/no-recovery.yaml", NULL, 0);
  model_lint *l = model_lint_run(sc);
  assert_non_null(l);
  assert_int_equal(model_lint_count(l), 1);   /* cache only, not the stateless worker */
  model_lint_free(l);
  model_scenario_free(sc);
  const char *ov[] = {"components.cache.failover={after: 5m}"};
  sc = load(WARN_DIR "/no-recovery.yaml", ov, 1);
  l = model_lint_run(sc);
  assert_int_equal(model_lint_count(l), 0);
  model_lint_free(l);
  model_scenario_free(sc);
}

/* The reference scenario losing its standby region: every environment is
** never affected, the pools and targets there are lost, and the notes name
** them; losing East US (the file as written) gives only the RPO findings. */
static void test_reference_standby_region(void **state) {
  (void)state;
  const char *path = DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml";
  const char *ov[] = {"disaster.region=westus2"};
  model_scenario *sc = load(path, ov, 1);
  model_lint *l = model_lint_run(sc);
  assert_non_null(l);
  size_t never = 0, pools = 0;
  for (size_t i = 0; i < model_lint_count(l); i++) {
    never += strcmp(model_lint_rule(l, i), "never-affected") == 0;
    pools += strstr(model_lint_message(l, i), "standby pool") != NULL;
  }
  assert_int_equal(never, 3);
  assert_int_equal(pools, 2);
  char *notes = model_lint_lost_capabilities(sc);
  assert_non_null(notes);
  assert_non_null(strstr(notes, "westus2"));
  assert_non_null(strstr(notes, "aks-prod-dr"));
  assert_non_null(strstr(notes, "sql-prod"));
  free(notes);
  model_lint_free(l);
  model_scenario_free(sc);

  sc = load(path, NULL, 0);
  l = model_lint_run(sc);
  for (size_t i = 0; i < model_lint_count(l); i++)
    assert_string_equal(model_lint_rule(l, i), "rpo-below-interval");
  assert_null(model_lint_lost_capabilities(sc));
  model_lint_free(l);
  model_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_warnings_folder),
      cmocka_unit_test(test_silenced),
      cmocka_unit_test(test_reference_standby_region),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
