/*
** tests/test_report_diagram.c — reports/diagram: kinds inferred from names
** and overridden by `kind:`; the SVG of the reference and the teaching
** scenario holds every component, pool and step exactly once with the
** classes and colours of the guideline table; --environment keeps one
** environment and refuses an unknown one; PNG and DOT come out; figures of
** a stored run land on the milestones and replication arrows; the inline
** and standalone HTML forms.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "models/scenario.h"
#include "reports/diagram.h"
#include "reports/store.h"
#include "reports/summary.h"
#include "tests/support/report_fixture.h"

#define REFERENCE DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west.yaml"
#define TWO DRSIM_SOURCE_DIR "/scenarios/two-standby-regions.yaml"

static model_scenario *load(const char *path, const char *const *set, size_t n_set)
{
  model_diag *d = model_diag_new();
  model_scenario *sc = NULL;
  if (model_scenario_load_file(path, set, n_set, &sc, d) != 0) model_diag_print(d, stderr);
  model_diag_free(d);
  assert_non_null(sc);
  return sc;
}

static char *render(const model_scenario *sc, const report_diagram_options *o,
                    report_diagram_format f, size_t *len)
{
  char *data = NULL;
  size_t n = 0;
  report_error err = {{0}};
  int rc = report_diagram_render(sc, o, f, &data, &n, &err);
  if (rc != REPORT_OK) print_error("%s\n", err.text);
  assert_int_equal(rc, REPORT_OK);
  assert_non_null(data);
  if (len) *len = n;
  return data;
}

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

/* Graphviz writes '-' in ids as "&#45;". */
static size_t count_id(const char *svg, const char *prefix, const char *name)
{
  char want[512];
  size_t k = (size_t)snprintf(want, sizeof want, "id=\"%s", prefix);
  for (const char *p = name; *p && k + 8 < sizeof want; p++)
    k += (size_t)snprintf(want + k, sizeof want - k, *p == '-' ? "&#45;" : "%c", *p);
  snprintf(want + k, sizeof want - k, "\"");
  return count(svg, want);
}

/* The <g ...> element of an id, up to its closing </g>, copied. */
static char *element(const char *svg, const char *id)
{
  char want[512];
  snprintf(want, sizeof want, "id=\"%s\"", id);
  const char *p = strstr(svg, want);
  if (!p) return NULL;
  const char *e = strstr(p, "</g>");
  assert_non_null(e);
  size_t n = (size_t)(e - p);
  char *out = malloc(n + 1);
  assert_non_null(out);
  memcpy(out, p, n);
  out[n] = '\0';
  return out;
}

static void test_kinds(void **state)
{
  (void)state;
  model_scenario *sc = load(REFERENCE, NULL, 0);
  static const struct { const char *name; model_component_kind kind; } want[] = {
    {"acr", MODEL_KIND_REGISTRY}, {"keyvault", MODEL_KIND_SECRETS},
    {"expressroute", MODEL_KIND_NETWORK},
    {"aks-prod", MODEL_KIND_CLUSTER}, {"appgw-prod", MODEL_KIND_GATEWAY},
    {"sql-prod", MODEL_KIND_DATABASE}, {"cosmos-prod", MODEL_KIND_DATABASE},
    {"postgres-prod", MODEL_KIND_DATABASE}, {"storage-blob-prod", MODEL_KIND_STORAGE},
    {"pv-snapshots-prod", MODEL_KIND_STORAGE}, {"dev-config-backup", MODEL_KIND_STORAGE},
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    int c = model_scenario_find_component(sc, want[i].name);
    assert_true(c >= 0);
    if (report_diagram_kind(sc, (size_t)c) != want[i].kind)
      fail_msg("%s: kind %d, want %d", want[i].name, report_diagram_kind(sc, (size_t)c),
               want[i].kind);
  }
  model_scenario_free(sc);
  /* The lifetime reference still has the global front door and the
  ** milestone component (the disaster one no longer needs them). */
  sc = load(DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west-lifetime.yaml", NULL, 0);
  assert_int_equal(report_diagram_kind(sc, (size_t)model_scenario_find_component(sc, "frontdoor")),
                   MODEL_KIND_DNS);
  assert_int_equal(report_diagram_kind(sc, (size_t)model_scenario_find_component(
                                               sc, "production-restored")),
                   MODEL_KIND_UNSET);
  model_scenario_free(sc);
  /* The key wins over the name. */
  const char *set[] = {"components.sql-prod.kind=monitoring"};
  sc = load(REFERENCE, set, 1);
  assert_int_equal(report_diagram_kind(sc, (size_t)model_scenario_find_component(sc, "sql-prod")),
                   MODEL_KIND_MONITORING);
  size_t n;
  char *svg = render(sc, NULL, REPORT_DIAGRAM_SVG, &n);
  char *g = element(svg, "component:sql&#45;prod");
  assert_non_null(g);
  assert_non_null(strstr(g, "kind&#45;monitoring"));
  assert_non_null(strstr(g, "fill=\"" REPORT_DIAGRAM_YELLOW_FILL "\""));
  assert_non_null(strstr(g, "stroke=\"" REPORT_DIAGRAM_YELLOW "\""));
  free(g);
  free(svg);
  model_scenario_free(sc);
}

/* Every component, pool and step once; replicas, failovers, classes. */
static void check_scenario_svg(const model_scenario *sc, const char *svg)
{
  for (size_t i = 0; i < sc->n_components; i++)
    if (count_id(svg, "component:", sc->components[i].name) != 1)
      fail_msg("component %s not drawn exactly once", sc->components[i].name);
  for (size_t i = 0; i < sc->n_standby; i++)
    assert_int_equal(count_id(svg, "pool:", sc->standby[i].name), 1);
  for (size_t w = 0; w < sc->n_workflows; w++)
    for (size_t k = 0; k < sc->workflows[w].n_steps; k++) {
      char key[300];
      snprintf(key, sizeof key, "step:%s/", sc->environments[sc->workflows[w].environment].name);
      assert_int_equal(count_id(svg, key, sc->workflows[w].steps[k].name), 1);
    }
  for (size_t i = 0; i < sc->n_components; i++) {
    const model_component *c = &sc->components[i];
    size_t want = c->replication.mode != MODEL_REPL_NONE;
    if (count_id(svg, "replication:", c->name) != want)
      fail_msg("replication arrow of %s: want %zu", c->name, want);
    want = c->failover.kind != MODEL_FAILOVER_NONE;
    if (count_id(svg, "failover:", c->name) != want)
      fail_msg("failover arrow of %s: want %zu", c->name, want);
  }
  assert_true(count(svg, "class=\"edge replication") > 0);
  assert_true(count(svg, "stroke=\"" REPORT_DIAGRAM_GREEN "\"") > 0);
  assert_true(count(svg, "stroke=\"" REPORT_DIAGRAM_RED "\"") > 0);
  assert_true(count(svg, "stroke=\"" REPORT_DIAGRAM_ORANGE "\"") > 0);
  assert_null(strstr(svg, "Times"));
  assert_non_null(strstr(svg, "font-family=\"sans-serif\""));
}

static void test_reference_svg(void **state)
{
  (void)state;
  model_scenario *sc = load(REFERENCE, NULL, 0);
  size_t n;
  char *svg = render(sc, NULL, REPORT_DIAGRAM_SVG, &n);
  assert_int_equal(strlen(svg), n);
  check_scenario_svg(sc, svg);
  assert_int_equal(count(svg, "class=\"cluster global\""), 1);
  assert_int_equal(count(svg, "class=\"cluster region primary\""), 1);
  assert_int_equal(count(svg, "class=\"cluster region standby\""), 2);
  assert_int_equal(count(svg, "class=\"cluster flow\""), 3);
  /* The manual approval is a diamond (a 4-corner polygon + closing point). */
  char *g = element(svg, "step:production/approve&#45;failover");
  assert_non_null(g);
  assert_non_null(strstr(g, "class=\"node step manual"));
  assert_non_null(strstr(g, "<polygon"));
  assert_non_null(strstr(g, "stroke=\"" REPORT_DIAGRAM_ORANGE "\""));
  free(g);
  /* sql-prod fails over automatically after its 1 h grace; aks-prod by step 3. */
  g = element(svg, "failover:sql&#45;prod");
  assert_non_null(strstr(g, "automatic after 1h"));
  free(g);
  g = element(svg, "failover:aks&#45;prod");
  assert_non_null(strstr(g, "manual: production step 3"));
  free(g);
  g = element(svg, "replication:pv&#45;snapshots&#45;prod");
  assert_non_null(strstr(g, "backup every 1d"));
  assert_non_null(strstr(g, "kept 30d"));
  free(g);
  free(svg);

  /* A second drawing in the same process holds the same things (libcgraph
  ** orders named objects by the address of their name, so the layout may
  ** differ; from one process to the next it is identical, see
  ** tests/e2e_diagram.sh). */
  svg = render(sc, NULL, REPORT_DIAGRAM_SVG, NULL);
  check_scenario_svg(sc, svg);
  free(svg);

  /* One environment; an unknown one is refused. */
  report_diagram_options o = {"staging", NULL};
  svg = render(sc, &o, REPORT_DIAGRAM_SVG, NULL);
  assert_int_equal(count_id(svg, "component:", "aks-staging"), 1);
  assert_int_equal(count_id(svg, "component:", "aks-prod"), 0);
  assert_int_equal(count_id(svg, "component:", "acr"), 1);   /* shared */
  assert_int_equal(count(svg, "class=\"cluster flow\""), 1);
  free(svg);
  o.environment = "nope";
  char *data = (char *)1;
  size_t len = 1;
  report_error err = {{0}};
  assert_int_equal(report_diagram_render(sc, &o, REPORT_DIAGRAM_SVG, &data, &len, &err),
                   REPORT_EINVAL);
  assert_null(data);
  assert_non_null(strstr(err.text, "nope"));

  /* PNG and DOT. */
  data = render(sc, NULL, REPORT_DIAGRAM_PNG, &len);
  assert_true(len > 1000);
  assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
  free(data);
  data = render(sc, NULL, REPORT_DIAGRAM_DOT, &len);
  assert_non_null(strstr(data, "digraph"));
  assert_non_null(strstr(data, "newrank=true"));
  free(data);
  model_scenario_free(sc);
}

static void test_two_standby_regions(void **state)
{
  (void)state;
  model_scenario *sc = load(TWO, NULL, 0);
  char *svg = render(sc, NULL, REPORT_DIAGRAM_SVG, NULL);
  check_scenario_svg(sc, svg);
  assert_int_equal(count(svg, "class=\"cluster global\""), 0);   /* no shared services */
  assert_int_equal(count(svg, "class=\"cluster region standby\""), 2);
  /* the catalogue's backups land in paris, the dns fails over dashed purple */
  char *g = element(svg, "standby:edge&#45;dns");
  assert_non_null(g);
  assert_non_null(strstr(g, "stroke=\"" REPORT_DIAGRAM_PURPLE "\""));
  assert_non_null(strstr(g, "stroke-dasharray=\"5,2\""));
  free(g);
  g = element(svg, "replica:catalogue");
  assert_non_null(strstr(g, "stroke-dasharray=\"1,5\""));
  assert_non_null(strstr(g, "fill=\"" REPORT_DIAGRAM_GREEN_FILL "\""));
  free(g);
  g = element(svg, "pool:shop&#45;pool");
  assert_non_null(strstr(g, "2 warm of 6 required, 4 to serve"));
  free(g);
  free(svg);
  model_scenario_free(sc);
}

/* Figures of a stored run are matched by name: the fixture's production
** environment and sql-prod component exist in the reference scenario too. */
static void test_figures(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/r.db", dir);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  fixture f;
  fixture_init(&f);
  int64_t id = fixture_run(st, &f.sc, 100, REPORT_DETAIL_STEPS);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);
  report_diagram_figures *fig = NULL;
  assert_int_equal(report_diagram_figures_load(st, s, &fig, &err), REPORT_OK);
  model_scenario *sc = load(REFERENCE, NULL, 0);
  report_diagram_options o = {NULL, fig};
  char *svg = render(sc, &o, REPORT_DIAGRAM_SVG, NULL);
  char *g = element(svg, "rto:production");
  assert_non_null(g);
  assert_non_null(strstr(g, "sim p50"));
  assert_non_null(strstr(g, "met in"));
  free(g);
  g = element(svg, "replication:sql&#45;prod");
  assert_non_null(strstr(g, "sim RPO p50"));
  free(g);
  g = element(svg, "rto:development");   /* not in the run: the plan only */
  assert_null(strstr(g, "sim p50"));
  free(g);
  free(svg);
  model_scenario_free(sc);
  report_diagram_figures_free(fig);
  report_diagram_figures_free(NULL);
  report_summary_free(s);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

static void test_html_forms(void **state)
{
  (void)state;
  const char *svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg width=\"120pt\" height=\"80pt\""
                    " viewBox=\"0 0 120 80\"><g/></svg>\n";
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  assert_int_equal(report_diagram_write_inline(fp, svg, "a <b> & c"), REPORT_OK);
  fclose(fp);
  assert_string_equal(buf, "<svg data-chart=\"architecture\" class=\"chart diagram\" role=\"img\""
                           " width=\"120\" height=\"80\" viewBox=\"0 0 120 80\">\n"
                           "<title>a &lt;b&gt; &amp; c</title><g/></svg>\n");
  free(buf);
  fp = open_memstream(&buf, &len);
  assert_int_equal(report_diagram_write_inline(fp, "no svg here", "t"), REPORT_EIO);
  assert_int_equal(report_diagram_write_html(fp, svg, "t"), REPORT_OK);
  fclose(fp);
  assert_non_null(strstr(buf, "<!DOCTYPE html>"));
  assert_non_null(strstr(buf, "content=\"architecture\""));
  assert_null(strstr(buf, "<script"));
  free(buf);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_kinds),
    cmocka_unit_test(test_reference_svg),
    cmocka_unit_test(test_two_standby_regions),
    cmocka_unit_test(test_figures),
    cmocka_unit_test(test_html_forms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
