/*
** tests/test_import_gha.c — the GitHub Actions importer (import/gha.c): the
** reference platform's failover workflow (tests/data/import/gha-failover.yml)
** imports to a workflow whose step DAG equals the reference scenario's
** production workflow up to names, with the notification job parallel to
** the application chain instead of after it; approval gates, --no-gate,
** timeout-minutes, retry actions; every invented duration marked; errors at
** file:line:col.
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

#include "import/draft.h"
#include "import/gha.h"
#include "models/scenario.h"
#include "tests/support/import_fixture.h"

#define FIXTURE DRSIM_SOURCE_DIR "/tests/data/import/gha-failover.yml"
#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  if (len) *len = (size_t)n;
  return buf;
}

/* Import the fixture; returns the draft text (and the notes). */
static char *import_fixture(const char *const *no_gate, size_t n_no_gate, char **notes_out) {
  size_t len;
  char *src = slurp(FIXTURE, &len);
  import_draft *d = import_draft_new("t", NULL);
  model_diag *diag = model_diag_new();
  char *notes = NULL;
  size_t nl = 0;
  FILE *nf = open_memstream(&notes, &nl);
  import_gha_options o = {"production", no_gate, n_no_gate, NULL, 0};
  assert_int_equal(import_gha(src, len, "gha-failover.yml", &o, d, nf, diag), 0);
  fclose(nf);
  char *text = import_draft_text(d, NULL);
  assert_non_null(text);
  import_draft_free(d);
  model_diag_free(diag);
  free(src);
  if (notes_out) *notes_out = notes;
  else free(notes);
  return text;
}

static model_scenario *load_text(const char *text) {
  model_diag *diag = model_diag_new();
  model_scenario *sc = NULL;
  int rc = model_scenario_load_string(text, strlen(text), "draft", NULL, 0, &sc, diag);
  if (rc != 0) model_diag_print(diag, stderr);
  assert_int_equal(rc, 0);
  model_diag_free(diag);
  return sc;
}

/* --- DAG shape --------------------------------------------------------------- */

#define MAXN 32
typedef struct dag {
  size_t n;
  int adj[MAXN][MAXN];     /* adj[a][b]: b needs a */
  int manual[MAXN];
  int alive[MAXN];
} dag;

static void dag_of(const model_workflow *w, dag *g) {
  memset(g, 0, sizeof *g);
  assert_true(w->n_steps <= MAXN);
  g->n = w->n_steps;
  for (size_t s = 0; s < w->n_steps; s++) {
    g->alive[s] = 1;
    g->manual[s] = w->steps[s].manual;
    for (size_t k = 0; k < w->steps[s].n_needs_steps; k++) g->adj[w->steps[s].needs_steps[k]][s] = 1;
  }
}

static size_t n_alive(const dag *g) {
  size_t c = 0;
  for (size_t i = 0; i < g->n; i++) c += (size_t)g->alive[i];
  return c;
}

static int has_in(const dag *g, size_t v) {
  for (size_t u = 0; u < g->n; u++) if (g->alive[u] && g->adj[u][v]) return 1;
  return 0;
}
static int has_out(const dag *g, size_t v) {
  for (size_t u = 0; u < g->n; u++) if (g->alive[u] && g->adj[v][u]) return 1;
  return 0;
}

/* Backtracking isomorphism a -> b over alive nodes, preserving edges both
** ways and the manual flag. */
static int extend(const dag *a, const dag *b, size_t *ia, size_t na, size_t k, int *map, int *used) {
  if (k == na) return 1;
  size_t v = ia[k];
  for (size_t w = 0; w < b->n; w++) {
    if (!b->alive[w] || used[w] || a->manual[v] != b->manual[w]) continue;
    int ok = 1;
    for (size_t j = 0; j < k && ok; j++) {
      size_t u = ia[j];
      size_t x = (size_t)map[u];
      ok = a->adj[u][v] == b->adj[x][w] && a->adj[v][u] == b->adj[w][x];
    }
    if (!ok) continue;
    map[v] = (int)w;
    used[w] = 1;
    if (extend(a, b, ia, na, k + 1, map, used)) return 1;
    used[w] = 0;
    map[v] = -1;
  }
  return 0;
}

static int isomorphic(const dag *a, const dag *b) {
  if (n_alive(a) != n_alive(b)) return 0;
  size_t ia[MAXN], na = 0;
  for (size_t i = 0; i < a->n; i++) if (a->alive[i]) ia[na++] = i;
  int map[MAXN], used[MAXN] = {0};
  for (size_t i = 0; i < MAXN; i++) map[i] = -1;
  return extend(a, b, ia, na, 0, map, used);
}

static void test_reference_dag(void **state) {
  (void)state;
  char *text = import_fixture(NULL, 0, NULL);
  model_scenario *imp = load_text(text);
  model_diag *diag = model_diag_new();
  model_scenario *ref = NULL;
  assert_int_equal(model_scenario_load_file(REFERENCE, NULL, 0, &ref, diag), 0);
  int wi = model_scenario_find_workflow(imp, "production");
  int wr = model_scenario_find_workflow(ref, "production");
  assert_true(wi >= 0 && wr >= 0);
  dag gi, gr;
  dag_of(&imp->workflows[wi], &gi);
  dag_of(&ref->workflows[wr], &gr);

  /* The imported notification job needs nothing and nothing needs it: it
  ** runs alongside the chain, not after its end. It is the only such step. */
  size_t parallel = MAXN, n_parallel = 0;
  for (size_t s = 0; s < gi.n; s++)
    if (!has_in(&gi, s) && !has_out(&gi, s)) { parallel = s; n_parallel++; }
  assert_int_equal(n_parallel, 1);
  assert_string_equal(imp->workflows[wi].steps[parallel].name, "notification");
  gi.alive[parallel] = 0;

  /* The rest is a single chain with exactly one manual gate, second. */
  size_t sources = 0, sinks = 0, manual = 0;
  for (size_t s = 0; s < gi.n; s++) {
    if (!gi.alive[s]) continue;
    sources += !has_in(&gi, s);
    sinks += !has_out(&gi, s);
    manual += (size_t)gi.manual[s];
  }
  assert_int_equal(sources, 1);
  assert_int_equal(sinks, 1);
  assert_int_equal(manual, 1);

  /* The reference's step DAG, names aside, is the imported one plus its
  ** notification step: a step that nothing needs whose removal leaves a
  ** graph isomorphic to the imported chain (in the reference the step
  ** follows the chain's end, or is marked as not counting in the RTO). */
  int found = 0;
  for (size_t q = 0; q < gr.n && !found; q++) {
    if (has_out(&gr, q)) continue;
    gr.alive[q] = 0;
    found = isomorphic(&gi, &gr);
    gr.alive[q] = 1;
  }
  assert_true(found);
  /* And without removing anything the shapes differ only by that edge. */
  gi.alive[parallel] = 1;
  assert_false(isomorphic(&gi, &gr));

  model_scenario_free(ref);
  model_scenario_free(imp);
  model_diag_free(diag);
  free(text);
}

static void test_gates_timeouts_retries(void **state) {
  (void)state;
  char *notes = NULL;
  char *text = import_fixture(NULL, 0, &notes);
  model_scenario *sc = load_text(text);
  const model_workflow *w = &sc->workflows[0];
  size_t n_manual = 0;
  for (size_t s = 0; s < w->n_steps; s++) {
    const model_step *st = &w->steps[s];
    n_manual += (size_t)st->manual;
    if (strcmp(st->name, "validate-dr-readiness") == 0) assert_true(fabs(st->timeout_s - 1800) < 1e-9);
    if (strcmp(st->name, "terraform-apply") == 0) {
      assert_int_equal(st->retry_max, 3);
      assert_true(fabs(st->retry_delay_s - 600) < 1e-9);
      assert_true(fabs(st->timeout_s - 3600) < 1e-9);
      assert_true(st->failure_probability > 0);
    }
    if (strcmp(st->name, "notification") == 0) {
      assert_true(st->failure_probability == 0);  /* continue-on-error */
      assert_int_equal(st->retry_max, 0);
    }
    if (strcmp(st->name, "approve-failover") == 0) assert_true(st->manual);
  }
  assert_int_equal(n_manual, 1);
  assert_non_null(strstr(notes, "production-failover"));
  assert_non_null(strstr(text, "ASSUMPTION: GitHub environment 'production-failover' has required reviewers"));
  model_scenario_free(sc);
  free(text);
  free(notes);

  const char *no_gate[] = {"production-failover"};
  text = import_fixture(no_gate, 1, NULL);
  sc = load_text(text);
  for (size_t s = 0; s < sc->workflows[0].n_steps; s++) assert_false(sc->workflows[0].steps[s].manual);
  model_scenario_free(sc);
  free(text);
}

/* Every line with a drawn duration carries the assumption marker. */
static void test_every_duration_marked(void **state) {
  (void)state;
  char *text = import_fixture(NULL, 0, NULL);
  assert_true(import_fixture_check_marked(text) >= 11);   /* detection + 10 steps */
  free(text);
}

static void test_errors(void **state) {
  (void)state;
  const char *bad = "name: x\non: push\njobs:\n  a:\n    runs-on: x\n  b:\n    needs: [a, c]\n";
  import_draft *d = import_draft_new("t", NULL);
  model_diag *diag = model_diag_new();
  import_gha_options o = {"production", NULL, 0, NULL, 0};
  assert_int_equal(import_gha(bad, strlen(bad), "w.yml", &o, d, NULL, diag), -1);
  assert_int_equal(model_diag_count(diag), 1);
  assert_int_equal(model_diag_line(diag, 0), 7);
  assert_int_equal(model_diag_col(diag, 0), 16);
  assert_non_null(strstr(model_diag_message(diag, 0), "'c'"));
  model_diag_free(diag);

  diag = model_diag_new();
  const char *nojobs = "name: x\non: push\n";
  assert_int_equal(import_gha(nojobs, strlen(nojobs), "w.yml", &o, d, NULL, diag), -1);
  assert_non_null(strstr(model_diag_message(diag, 0), "no jobs"));
  model_diag_free(diag);

  diag = model_diag_new();
  const char *notyaml = "jobs: [\n";
  assert_int_equal(import_gha(notyaml, strlen(notyaml), "w.yml", &o, d, NULL, diag), -1);
  assert_true(model_diag_count(diag) >= 1);
  model_diag_free(diag);
  import_draft_free(d);
}

/* A job whose needs is one scalar, and a job id that is not a drsim name. */
static void test_scalar_needs_and_names(void **state) {
  (void)state;
  const char *w = "jobs:\n  _setup:\n    runs-on: x\n  deploy:\n    needs: _setup\n"
                  "    environment: {name: prod, url: 'https://example.invalid'}\n";
  import_draft *d = import_draft_new("t", NULL);
  model_diag *diag = model_diag_new();
  import_gha_options o = {"staging", NULL, 0, NULL, 0};
  assert_int_equal(import_gha(w, strlen(w), "w.yml", &o, d, NULL, diag), 0);
  char *text = import_draft_text(d, NULL);
  model_scenario *sc = load_text(text);
  assert_int_equal(sc->workflows[0].n_steps, 2);
  assert_string_equal(sc->workflows[0].steps[0].name, "setup");
  assert_int_equal(sc->workflows[0].steps[1].n_needs_steps, 1);
  assert_true(sc->workflows[0].steps[1].manual);
  model_scenario_free(sc);
  free(text);
  import_draft_free(d);
  model_diag_free(diag);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reference_dag),
    cmocka_unit_test(test_gates_timeouts_retries),
    cmocka_unit_test(test_every_duration_marked),
    cmocka_unit_test(test_errors),
    cmocka_unit_test(test_scalar_needs_and_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
