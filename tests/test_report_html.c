/*
** tests/test_report_html.c — reports/html: the page of the hand-built
** fixture run (shared with the other tests/test_report_*.c) is well-formed,
** self-contained (no script, nothing to fetch), declares and holds every
** chart, escapes names carrying <, & and >, and shows the run parameters,
** the verdicts, the median trial and the cost the fixture implies; a run
** without per-trial detail says so in place of the detail charts; a write
** failure is reported.
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
#include "models/outcome.h"
#include "reports/html.h"
#include "reports/store.h"
#include "reports/summary.h"
#include "tests/support/report_fixture.h"

/* Names with characters that must be escaped in HTML. */
#define PROD "prod <&> \"q\""
#define PROD_ESC "prod &lt;&amp;&gt; &quot;q&quot;"
#define APPROVE "approve <gate> & go"
#define APPROVE_ESC "approve &lt;gate&gt; &amp; go"
#define BLOB "blob<&>"
#define BLOB_ESC "blob&lt;&amp;&gt;"
#define SCENARIO "fixture <b>bold</b>"
#define SCENARIO_ESC "fixture &lt;b&gt;bold&lt;/b&gt;"

/* The shared fixture (tests/support/report_fixture.h) with the production
** environment, the approve step, the blob component and the scenario
** renamed to the names above, so every page section gets escaping to do. */
static void html_fixture_init(fixture *f)
{
  fixture_init(f);
  f->envs[0].name = PROD;
  f->steps_prod[0].name = APPROVE;
  f->comps[1].name = BLOB;
  f->sc.name = SCENARIO;
}

static char *render(report_store *st, int64_t id)
{
  report_error err = {{0}};
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  int rc = report_html_write(fp, st, s, &err);
  if (rc) print_error("%s\n", err.text);
  assert_int_equal(rc, REPORT_OK);
  fclose(fp);
  report_summary_free(s);
  return buf;
}

#define assert_contains(hay, needle)                                   \
  do {                                                                 \
    if (!strstr((hay), (needle))) {                                    \
      print_error("missing from the HTML: %s\n", (needle));            \
      fail();                                                          \
    }                                                                  \
  } while (0)

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0, len = strlen(needle);
  for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle)) n++;
  return n;
}

static size_t entity_len(const char *s)
{
  static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
  for (size_t i = 0; i < 5; i++)
    if (strncmp(s, ents[i], strlen(ents[i])) == 0) return strlen(ents[i]);
  return 0;
}

/* Well-formed enough for any browser and for XML tools: the doctype, then
** elements that nest and close (meta is the only void element the page
** uses), quoted attributes without '<', every '&' an entity, no raw '<' or
** '>' in text. Returns NULL when fine, else a reason. */
static const char *html_check(const char *s)
{
  char stack[64][32];
  size_t depth = 0;
  if (strncmp(s, "<!DOCTYPE html>", 15) != 0) return "no doctype";
  s += 15;
  while (*s) {
    if (*s == '<') {
      int closing = s[1] == '/';
      const char *p = s + 1 + closing;
      char name[32];
      size_t k = 0;
      while (*p && !strchr(" \t\n/>", *p) && k < sizeof name - 1) name[k++] = *p++;
      name[k] = '\0';
      if (k == 0) return "empty tag name";
      int self = strcmp(name, "meta") == 0;
      while (*p && *p != '>') {
        if (*p == '"') {
          for (p++; *p && *p != '"'; p++) {
            if (*p == '<') return "'<' in an attribute value";
            if (*p == '&' && !entity_len(p)) return "bare '&' in an attribute";
          }
          if (!*p) return "unterminated attribute";
        } else if (*p == '/' && p[1] == '>') {
          self = 1;
        } else if (*p == '<' || *p == '\'') {
          return "bad character in a tag";
        }
        p++;
      }
      if (!*p) return "unterminated tag";
      if (closing) {
        if (depth == 0 || strcmp(stack[depth - 1], name) != 0) {
          print_error("closing </%s> in <%s>\n", name, depth ? stack[depth - 1] : "");
          return "mismatched closing tag";
        }
        depth--;
      } else if (!self) {
        if (depth == 64) return "too deep";
        strcpy(stack[depth++], name);
      }
      s = p + 1;
      /* Style content is CSS, not markup: skip to its end tag. */
      if (!closing && strcmp(name, "style") == 0) {
        const char *e = strstr(s, "</style>");
        if (!e) return "unterminated style";
        s = e;
      }
    } else if (*s == '&') {
      size_t n = entity_len(s);
      if (!n) return "bare '&' in text";
      s += n;
    } else if (*s == '>') {
      return "raw '>' in text";
    } else {
      s++;
    }
  }
  return depth ? "unclosed element" : NULL;
}

static void assert_self_contained(const char *html)
{
  assert_null(strstr(html, "<script"));
  assert_null(strstr(html, "<link"));
  assert_null(strstr(html, "src="));
  assert_null(strstr(html, "href="));
  assert_null(strstr(html, "url("));
  assert_null(strstr(html, "@import"));
  /* The only URL is the SVG namespace name, which is never fetched. */
  size_t urls = count(html, "http://") + count(html, "https://");
  assert_int_equal(urls, count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
}

/* Every chart id the page declares in its drsim-charts meta is present as
** an svg or explained by a data-chart-missing element; returns how many
** svg charts carry that id in total. */
static size_t assert_declared_charts(const char *html)
{
  const char *m = strstr(html, "<meta name=\"drsim-charts\" content=\"");
  assert_non_null(m);
  m += strlen("<meta name=\"drsim-charts\" content=\"");
  const char *e = strchr(m, '"');
  assert_non_null(e);
  char ids[256];
  snprintf(ids, sizeof ids, "%.*s", (int)(e - m), m);
  size_t total = 0, declared = 0;
  for (char *save = NULL, *id = strtok_r(ids, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
    char a[96], b[96];
    snprintf(a, sizeof a, "data-chart=\"%s\"", id);
    snprintf(b, sizeof b, "data-chart-missing=\"%s\"", id);
    size_t n = count(html, a);
    if (n == 0 && !strstr(html, b)) {
      print_error("chart %s declared but neither drawn nor explained\n", id);
      fail();
    }
    total += n;
    declared++;
  }
  assert_true(declared >= 5);
  return total;
}

static void test_full_report(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/r.db", dir);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  fixture f;
  html_fixture_init(&f);
  int64_t id = fixture_run(st, &f.sc, 100, REPORT_DETAIL_STEPS);
  char *html = render(st, id);

  const char *why = html_check(html);
  if (why) fail_msg("not well-formed: %s", why);
  assert_self_contained(html);
  size_t n = strlen(html);
  assert_true(n > 10 && strcmp(html + n - 8, "</html>\n") == 0);

  /* Charts: the RTO CDF per environment (issue 19: each on its own scale)
  ** and the RPO CDF, the criticality bars, one timeline per environment,
  ** one histogram per replicated component that lost data (sql-prod and the
  ** shared blob; app has no replication). */
  assert_int_equal(assert_declared_charts(html), 3 + 1 + 2 + 2);
  assert_int_equal(count(html, "data-chart=\"rto-cdf\""), 2);
  assert_int_equal(count(html, "data-chart=\"rpo-cdf\""), 1);
  assert_int_equal(count(html, "data-chart=\"criticality\""), 1);
  assert_int_equal(count(html, "data-chart=\"gantt\""), 2);
  assert_int_equal(count(html, "data-chart=\"rpo-hist\""), 2);
  /* The fixture run stores no scenario text: the architecture is
  ** explained away, and it is the only chart that is. */
  assert_int_equal(count(html, "data-chart-missing"), 1);
  assert_contains(html, "data-chart-missing=\"architecture\"");
  assert_contains(html, "data-key=\"sql-prod\"");
  assert_contains(html, "data-key=\"" BLOB_ESC "\"");
  assert_contains(html, "data-key=\"" PROD_ESC "\"");

  /* Escaping: the names appear only escaped. */
  assert_contains(html, SCENARIO_ESC);
  assert_contains(html, PROD_ESC);
  assert_contains(html, APPROVE_ESC);
  assert_null(strstr(html, "<b>bold"));
  assert_null(strstr(html, "prod <&>"));
  assert_null(strstr(html, "<gate>"));
  assert_null(strstr(html, "blob<&>"));

  /* Run parameters. */
  assert_contains(html, "<dt>scenario hash</dt><dd>0123456789abcdef</dd>");
  assert_contains(html, "<dt>seed</dt><dd>42</dd>");
  assert_contains(html, "<dt>trials</dt><dd>100</dd>");
  assert_contains(html, "<dt>threads</dt><dd>2</dd>");
  assert_contains(html, "<dt>detail</dt><dd>steps</dd>");
  assert_contains(html, "<dt>status</dt><dd>complete</dd>");
  assert_contains(html, "<dt>drsim version</dt><dd>test</dd>");
  assert_contains(html, "<code>objectives.production.rto=4h</code>");

  /* Verdicts: production misses its RTO (10 of 100 trials never recover:
  ** P(meet) = 90 % < 95 %) and its RPO (up to 6 min against 15 min, but
  ** the unrecovered trials miss it too); staging meets its only objective
  ** (RTO 2 h against 8 h). */
  const char *card_p = strstr(html, "data-environment=\"" PROD_ESC "\"");
  const char *card_s = strstr(html, "data-environment=\"staging\"");
  assert_non_null(card_p);
  assert_non_null(card_s);
  assert_true(card_p < card_s);
  assert_non_null(strstr(card_p, "MISSES 2 OF 2"));
  assert_true(strstr(card_p, "MISSES 2 OF 2") < card_s);
  assert_non_null(strstr(card_s, "MEETS ALL"));
  assert_contains(html, "<b>RTO ≤ 4h</b>: met in 90.0 %");

  /* The median trial of production: 90 recovered trials t (t % 10 != 9)
  ** with RTO 3600 + 10 t, 10 infinite; the lower median (50th of 100) is
  ** the 50th finite value, t = 54, RTO 3600 + 540 s = 1h 09m. */
  assert_contains(html, "Median trial of " PROD_ESC ": trial #54, RTO 1h 09m");
  /* Standby: 1 warm node x 0.50 / h x 8760 h. */
  assert_contains(html, "<td>4380.00</td>");
  /* Accuracy: 4 x 100 trials halve the intervals. */
  assert_contains(html, "about 400 trials (4 × 100)");
  /* 100 trials cannot bound a p99 from above: the page names the minimum. */
  char need[64];
  snprintf(need, sizeof need, "at least %llu are needed",
           (unsigned long long)report_stats_min_trials_bounded(0.99, REPORT_STATS_LEVEL));
  assert_contains(html, need);

  free(html);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

static void test_summary_detail_says_what_is_missing(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/r.db", dir);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  fixture f;
  html_fixture_init(&f);
  int64_t id = fixture_run(st, &f.sc, 50, REPORT_DETAIL_SUMMARY);
  char *html = render(st, id);
  const char *why = html_check(html);
  if (why) fail_msg("not well-formed: %s", why);
  assert_self_contained(html);
  assert_int_equal(assert_declared_charts(html), 4);   /* 2 RTO + 1 RPO CDFs + criticality */
  assert_null(strstr(html, "data-chart=\"gantt\""));
  assert_null(strstr(html, "data-chart=\"rpo-hist\""));
  assert_contains(html, "data-chart-missing=\"gantt\"");
  assert_contains(html, "data-chart-missing=\"rpo-hist\"");
  assert_contains(html, "<code>--detail steps</code>");
  assert_contains(html, "<dt>detail</dt><dd>summary</dd>");
  free(html);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

/* A lifetime-mode run: availability and downtime rows get verdicts too. */
static void test_lifetime_run(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/r.db", dir);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  fixture f;
  html_fixture_init(&f);
  f.sc.mode = MODEL_MODE_LIFETIME;
  f.sc.horizon_s = 365.0 * 86400.0;
  enum { N = 60 };
  report_run_info info = {.seed = 7, .trials = N, .detail = REPORT_DETAIL_STEPS, .threads = 1,
                          .program_version = "test", .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, &f.sc, &id, &err), REPORT_OK);
  unsigned char *rec = fixture_records(&f.sc, 0, N);
  size_t rs = model_outcome_size(&f.sc);
  for (size_t t = 0; t < N; t++) {
    model_trial_view v = model_outcome_view(&f.sc, rec + t * rs);
    for (int e = 0; e < 2; e++) {
      /* Production: 99.80 or 99.98 % (below its 99.9 % target in half the
      ** trials); staging has no availability objective. */
      v.env[e].availability = e == 0 ? 0.998 + 0.0018 * (double)(t % 2) : 0.9999;
      v.env[e].downtime_s = (1.0 - v.env[e].availability) * f.sc.horizon_s;
      v.env[e].incidents = (int32_t)(t % 3);
      /* A disaster incident (with an RTO and RPO) every third trial. */
      v.env[e].disaster_incidents = (int32_t)(t % 3 == 0);
      v.env[e].disasters = v.env[e].disaster_incidents;
    }
  }
  assert_int_equal(report_store_run_append(st, id, &f.sc, 0, N, rec, rs, &err), REPORT_OK);
  free(rec);
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_COMPLETE, &err), REPORT_OK);
  char *html = render(st, id);
  const char *why = html_check(html);
  if (why) fail_msg("not well-formed: %s", why);
  assert_self_contained(html);
  assert_declared_charts(html);
  assert_contains(html, "<dt>mode</dt><dd>lifetime, horizon ");
  assert_contains(html, "<b>availability ≥ 99.9 %</b>: met in 50.0 %");
  /* RTO samples are the 20 trials t = 0, 3, .., 57 with a disaster incident;
  ** t = 9 and 39 never recover: 18 of 20 within 4 h, in the verdict (from
  ** the summary) and in the CDF legend (from the page's own reading of the
  ** trials), which must agree. */
  assert_contains(html, "<b>RTO ≤ 4h</b>: met in 90.0 % [");
  assert_contains(html, "of 20 trials");
  assert_contains(html, "90.0 % within the objective 4h; 2 never (10.00 %)");
  /* The downtime chart replaces nothing and is declared; the timeline is
  ** explained away (a lifetime trial holds many incidents). */
  assert_contains(html, "content=\"architecture rto-cdf rpo-cdf criticality gantt rpo-hist "
                        "availability downtime-cdf downtime-causes\"");
  /* No downtime split by cause in these records: said, not drawn. */
  assert_contains(html, "data-chart-missing=\"downtime-causes\"");
  assert_int_equal(count(html, "data-chart=\"downtime-cdf\""), 1);
  assert_contains(html, "data-chart-missing=\"gantt\"");
  assert_null(strstr(html, "data-chart=\"gantt\""));
  free(html);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

/* The lifetime fixture (numbers by hand in tests/test_report_summary.c):
** the availability chart, the tables around it, downtime by cause with a
** chart per environment, and MTBF/MTTR against the targets. */
static void test_lifetime_sections(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/l.db", dir);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  fixture f;
  html_fixture_init(&f);
  fixture_lifetime_init(&f);
  int64_t id = fixture_lifetime_run(st, &f.sc, REPORT_DETAIL_SUMMARY);
  char *html = render(st, id);
  const char *why = html_check(html);
  if (why) fail_msg("not well-formed: %s", why);
  assert_self_contained(html);
  assert_declared_charts(html);
  /* One availability chart, a row per environment, production's objective
  ** drawn, staging (no objective) said so. */
  assert_int_equal(count(html, "data-chart=\"availability\""), 1);
  assert_int_equal(count(html, "<g class=\"range\">"), 2);
  assert_contains(html, "meets ≥ 99.9 % in 95.0 %");
  assert_contains(html, "no objective");
  assert_contains(html, "availability over 365d (%)");
  /* Verdict and tables: availability with two decimals, the objective as
  ** written. */
  assert_contains(html, "<b>availability ≥ 99.9 %</b>: met in 95.0 % [76.4, 99.1] of 20 trials");
  assert_contains(html, "<td>99.95 %<span class=\"ci\">[");
  /* (the fixture's names are there to be escaped) */
  assert_contains(html, "<td class=\"l\">blob&lt;&amp;&gt; (49.1 % of downtime)</td>");
  assert_contains(html, "Given a region disaster (conditional)");
  assert_contains(html, "a region disaster struck in 4 of the 20 trials (9 incidents)");
  assert_contains(html, "<td>4 (1.9 expected)</td>");
  assert_contains(html, "4 incidents (over the environments) beyond the first 4");
  /* Downtime by cause: one chart per environment, keyed by it. */
  assert_int_equal(count(html, "data-chart=\"downtime-causes\""), 2);
  assert_contains(html, "data-chart=\"downtime-causes\" data-key=\"prod &lt;&amp;&gt; "
                        "&quot;q&quot;\"");
  assert_contains(html, "prod &lt;&amp;&gt; &quot;q&quot;: share of downtime by cause "
                        "(blob&lt;&amp;&gt; costs 0.0228 pp");
  assert_contains(html, "<td>49.1 %</td><td>0.0228 pp</td>");
  assert_contains(html, "disaster incidents</text>");   /* the kinds' legend */
  /* Reliability: sql-prod's MTTR of 1 h against the 2 h target. */
  assert_contains(html, "<section id=\"reliability\">");
  assert_contains(html, "<td>1h<span class=\"ci\">[1h, 1h]</span></td><td>2h</td>");
  free(html);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

/* A run with no committed trial yet (still running): nothing to draw, but
** a valid page that says so. */
static void test_empty_running_run(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/r.db", dir);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  fixture f;
  html_fixture_init(&f);
  report_run_info info = {.seed = 1, .trials = 10, .detail = REPORT_DETAIL_STEPS, .threads = 1,
                          .program_version = "test", .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, &f.sc, &id, &err), REPORT_OK);
  char *html = render(st, id);
  const char *why = html_check(html);
  if (why) fail_msg("not well-formed: %s", why);
  assert_declared_charts(html);
  assert_contains(html, "This run is running: the report covers its 0 committed trials.");
  assert_contains(html, "<dt>finished</dt><dd>(not finished)</dd>");
  assert_contains(html, "no trials");
  free(html);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

static void test_write_error(void **state)
{
  (void)state;
  FILE *full = fopen("/dev/full", "w");
  if (!full) skip();
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/r.db", dir);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  fixture f;
  html_fixture_init(&f);
  int64_t id = fixture_run(st, &f.sc, 20, REPORT_DETAIL_STEPS);
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);
  err.text[0] = '\0';
  assert_int_equal(report_html_write(full, st, s, &err), REPORT_EIO);
  assert_non_null(strstr(err.text, "writing the HTML report"));
  fclose(full);
  report_summary_free(s);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_full_report),
    cmocka_unit_test(test_summary_detail_says_what_is_missing),
    cmocka_unit_test(test_lifetime_run),
    cmocka_unit_test(test_lifetime_sections),
    cmocka_unit_test(test_empty_running_run),
    cmocka_unit_test(test_write_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
