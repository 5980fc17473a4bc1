/*
** tests/test_report_svg.c — reports/svg.c: unit choice and nice ticks, text
** escaping, and the structure of every chart (well-formed XML, data-chart
** id, <title>, axis labels with the right unit, legends, the expected number
** of bars / rows / markers), including empty data and a failing stream.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/stats.h"
#include "reports/svg.h"

/* ------------------------------------------------------------ helpers */

/* A chart rendered into memory. */
typedef struct buf { char *text; size_t len; FILE *f; } buf;

static void buf_open(buf *b)
{
  b->text = NULL;
  b->len = 0;
  b->f = open_memstream(&b->text, &b->len);
  assert_non_null(b->f);
}

static char *buf_close(buf *b)
{
  assert_int_equal(fclose(b->f), 0);
  return b->text;
}

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0, len = strlen(needle);
  for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle)) n++;
  return n;
}

/* Number of <rect> in the histogram's bar group. */
static size_t count_in_bars(const char *svg)
{
  const char *g = strstr(svg, "class=\"bars\"");
  if (!g) return 0;
  const char *end = strstr(g, "</g>");
  size_t n = 0;
  for (const char *p = strstr(g, "<rect"); p && p < end; p = strstr(p + 1, "<rect")) n++;
  return n;
}

/* Is s an entity we write (&amp; &lt; &gt; &quot; &#39;)? Returns its length or 0. */
static size_t entity_len(const char *s)
{
  static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
  for (size_t i = 0; i < 5; i++)
    if (strncmp(s, ents[i], strlen(ents[i])) == 0) return strlen(ents[i]);
  return 0;
}

/* A small XML checker, enough for what svg.c writes: tags nest and match,
** attribute values are quoted and hold no '<', every '&' starts an entity,
** and text holds no raw '<' or '>'. Returns NULL when fine, else a reason. */
static const char *xml_check(const char *s)
{
  char stack[64][32];
  size_t depth = 0, roots = 0;
  while (*s) {
    if (*s == '<') {
      if (strncmp(s, "<!--", 4) == 0) {
        const char *e = strstr(s, "-->");
        if (!e) return "unterminated comment";
        s = e + 3;
        continue;
      }
      int closing = s[1] == '/';
      const char *p = s + 1 + closing;
      char name[32];
      size_t k = 0;
      while (*p && !strchr(" \t\n/>", *p) && k < sizeof name - 1) name[k++] = *p++;
      name[k] = '\0';
      if (k == 0) return "empty tag name";
      int self = 0;
      while (*p && *p != '>') {
        if (*p == '"') {
          for (p++; *p && *p != '"'; p++) {
            if (*p == '<') return "'<' in an attribute value";
            if (*p == '&') { if (!entity_len(p)) return "bare '&' in an attribute"; }
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
        if (depth == 0 || strcmp(stack[depth - 1], name) != 0) return "mismatched closing tag";
        depth--;
      } else if (!self) {
        if (depth == 0) roots++;
        if (depth == 64) return "too deep";
        strcpy(stack[depth++], name);
      } else if (depth == 0) {
        roots++;
      }
      s = p + 1;
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
  if (depth) return "unclosed element";
  if (roots != 1) return "not exactly one root element";
  return NULL;
}

static void assert_chart(const char *svg, const char *id)
{
  const char *why = xml_check(svg);
  if (why) fail_msg("not well-formed: %s\n%s", why, svg);
  char attr[64];
  snprintf(attr, sizeof attr, "data-chart=\"%s\"", id);
  assert_non_null(strstr(svg, attr));
  assert_true(strncmp(svg, "<svg ", 5) == 0);
  assert_non_null(strstr(svg, "<title>"));
  assert_non_null(strstr(svg, "viewBox=\""));
}

/* ------------------------------------------------------------ helpers' tests */

static void test_unit_for(void **state)
{
  (void)state;
  assert_string_equal(report_svg_unit_for(90.0).name, "seconds");
  assert_string_equal(report_svg_unit_for(119.0).name, "seconds");
  assert_string_equal(report_svg_unit_for(120.0).name, "minutes");
  assert_string_equal(report_svg_unit_for(45.0 * 60).name, "minutes");
  assert_string_equal(report_svg_unit_for(4.0 * 3600).name, "hours");
  assert_string_equal(report_svg_unit_for(30.0 * 3600).name, "hours");
  assert_string_equal(report_svg_unit_for(5.0 * 86400).name, "days");
  assert_string_equal(report_svg_unit_for(NAN).name, "seconds");
  assert_string_equal(report_svg_unit_for(INFINITY).name, "seconds");
  assert_string_equal(report_svg_unit_for(-3.0).name, "seconds");
  assert_true(report_svg_unit_for(4.0 * 3600).seconds == 3600.0);
  assert_string_equal(report_svg_unit_for(10.0 * 60).symbol, "min");
}

static void test_nice_ticks(void **state)
{
  (void)state;
  double t[32], step;
  size_t n = report_svg_nice_ticks(4.0, 8, t, 32, &step);
  assert_true(step == 0.5);
  assert_int_equal(n, 9);
  assert_true(t[8] == 4.0);

  n = report_svg_nice_ticks(7.3, 5, t, 32, &step);
  assert_true(step == 2.0);
  assert_int_equal(n, 5);
  assert_true(t[4] == 8.0);

  n = report_svg_nice_ticks(100.0, 5, t, 32, &step);
  assert_true(step == 20.0);
  assert_int_equal(n, 6);

  n = report_svg_nice_ticks(23.0, 8, t, 32, &step);   /* raw 2.875 -> 5 */
  assert_true(step == 5.0);
  assert_true(t[n - 1] == 25.0);

  n = report_svg_nice_ticks(0.012, 4, t, 32, &step);  /* raw 0.003 -> 0.005 */
  assert_true(fabs(step - 0.005) < 1e-15);
  assert_true(t[n - 1] >= 0.012);

  /* Degenerate input is an axis of 1, never a crash or an empty axis. */
  n = report_svg_nice_ticks(NAN, 5, t, 32, &step);
  assert_true(n >= 2);
  assert_true(t[n - 1] == 1.0);
  n = report_svg_nice_ticks(0.0, 0, t, 32, &step);
  assert_true(n >= 2);
  /* Capped by max_ticks. */
  n = report_svg_nice_ticks(100.0, 50, t, 3, &step);
  assert_int_equal(n, 3);
}

static void test_escape(void **state)
{
  (void)state;
  buf b;
  buf_open(&b);
  report_svg_escape(b.f, "a<b&c>\"d'e\x01\x7f\tü");
  report_svg_escape(b.f, NULL);
  char *s = buf_close(&b);
  assert_string_equal(s, "a&lt;b&amp;c&gt;&quot;d&#39;e??\tü");
  free(s);
}

static void test_palette(void **state)
{
  (void)state;
  /* Okabe–Ito, in series order, cycling. */
  assert_string_equal(report_svg_color(0), "#0072B2");
  assert_string_equal(report_svg_color(1), "#E69F00");
  assert_string_equal(report_svg_color(7), report_svg_color(0));
  /* The step kinds are told apart. */
  for (int i = 0; i < REPORT_SVG_KIND_COUNT; i++)
    for (int j = i + 1; j < REPORT_SVG_KIND_COUNT; j++)
      assert_string_not_equal(report_svg_kind_color((report_svg_kind)i),
                              report_svg_kind_color((report_svg_kind)j));
  assert_string_equal(report_svg_kind_name(REPORT_SVG_KIND_MANUAL), "manual");
  assert_string_equal(report_svg_kind_name((report_svg_kind)99), "automatic");
}

/* ------------------------------------------------------------ CDF */

static void test_cdf_hours_objectives_marks(void **state)
{
  (void)state;
  enum { N = 1000 };
  double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
  assert_non_null(a);
  assert_non_null(b);
  for (size_t i = 0; i < N; i++) {
    a[i] = 3600.0 + 3.0 * 3600.0 * (double)i / N;   /* 1 h .. 4 h */
    b[i] = 2.0 * a[i];
  }
  b[N - 1] = b[N - 2] = INFINITY;                  /* two not recovered */
  report_svg_cdf_series s[2] = {
    {"prod <&> \"x\"", a, N, 4.0 * 3600.0},
    {"staging", b, N, 8.0 * 3600.0},
  };
  report_svg_cdf_chart c = {"rto-cdf", "RTO <per> environment", "RTO", NULL, s, 2};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_cdf(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "rto-cdf");
  assert_non_null(strstr(svg, "RTO (hours)"));
  assert_non_null(strstr(svg, "<title>RTO &lt;per&gt; environment</title>"));
  assert_non_null(strstr(svg, "prod &lt;&amp;&gt; &quot;x&quot;"));
  assert_null(strstr(svg, "prod <"));
  assert_int_equal(count(svg, "class=\"series\""), 2);
  assert_int_equal(count(svg, "class=\"objective\""), 2);
  /* p95 and p99 exist for both series: two circles and two diamonds on the
  ** curves, plus one of each in the legend. */
  assert_int_equal(count(svg, "<circle"), 3);
  assert_int_equal(count(svg, "l5 5l-5 5l-5 -5z"), 3);
  assert_non_null(strstr(svg, "2 never (0.20 %)"));
  /* 4 h objective: a[] has 1000 values up to 4 h - 3 h/N, all within. */
  assert_non_null(strstr(svg, "100.0 % within the objective 4h"));
  /* 8 h objective on b (2..8 h): all finite ones within, the 2 infinite not. */
  assert_non_null(strstr(svg, "99.8 % within the objective 8h"));
  assert_non_null(strstr(svg, "≤ x (%)"));
  free(svg);
  free(a);
  free(b);
}

static void test_cdf_unit_from_range(void **state)
{
  (void)state;
  /* Largest values: 90 s, 90 min, 30 h, 10 d. */
  static const struct { double max; const char *label; } cases[] = {
    {90.0, "RPO (seconds)"}, {90.0 * 60.0, "RPO (minutes)"}, {30.0 * 3600.0, "RPO (hours)"},
    {10.0 * 86400.0, "RPO (days)"},
  };
  double v[100];
  for (size_t k = 0; k < 4; k++) {
    for (size_t i = 0; i < 100; i++) v[i] = cases[k].max * (double)(i + 1) / 100.0;
    report_svg_cdf_series s = {"e", v, 100, NAN};
    report_svg_cdf_chart c = {"rpo-cdf", "RPO", "RPO", "custom y", &s, 1};
    buf bf;
    buf_open(&bf);
    assert_int_equal(report_svg_cdf(bf.f, &c), 0);
    char *svg = buf_close(&bf);
    assert_chart(svg, "rpo-cdf");
    if (!strstr(svg, cases[k].label)) fail_msg("expected %s", cases[k].label);
    assert_non_null(strstr(svg, "custom y"));
    assert_int_equal(count(svg, "class=\"objective\""), 0);
    free(svg);
  }
}

static void test_cdf_far_tail_is_cut(void **state)
{
  (void)state;
  enum { N = 2000 };
  double v[N];
  for (size_t i = 0; i < N; i++) v[i] = 7200.0 + 3.6 * (double)i;  /* 2 h .. 4 h */
  v[N - 1] = 1000.0 * 3600.0;                                /* one outlier */
  report_svg_cdf_series s = {"e", v, N, NAN};
  report_svg_cdf_chart c = {"rto-cdf", "t", "RTO", NULL, &s, 1};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_cdf(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "rto-cdf");
  /* The axis stays in hours instead of stretching to 42 days. */
  assert_non_null(strstr(svg, "RTO (hours)"));
  assert_non_null(strstr(svg, "1 beyond the axis"));
  free(svg);
}

/* Objective labels that would overlap (15 min and 1 h on a 70 h axis) are
** stacked in two rows instead of printed over each other. */
static void test_cdf_close_objectives(void **state)
{
  (void)state;
  double v[100];
  for (size_t i = 0; i < 100; i++) v[i] = 0.7 * 3600.0 * (double)(i + 1);
  report_svg_cdf_series s[3] = {{"a", v, 100, 900.0}, {"b", v, 100, 3600.0}, {"c", v, 100, 3600.0}};
  report_svg_cdf_chart c = {"rpo-cdf", "t", "RPO", NULL, s, 3};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_cdf(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "rpo-cdf");
  const char *l15 = strstr(svg, ">15m</text>");
  const char *l1 = strstr(svg, ">1h</text>");
  assert_non_null(l15);
  assert_non_null(l1);
  /* The two labels' y coordinates differ; the third (same place as the
  ** second, both rows taken) is left to the legend. */
  const char *y15 = l15, *y1 = l1;
  while (strncmp(y15, " y=\"", 4) != 0) y15--;
  while (strncmp(y1, " y=\"", 4) != 0) y1--;
  assert_true(strtod(y15 + 4, NULL) != strtod(y1 + 4, NULL));
  assert_int_equal(count(svg, ">1h</text>"), 1);
  assert_int_equal(count(svg, "class=\"objective\""), 3);
  free(svg);
}

static void test_cdf_empty(void **state)
{
  (void)state;
  report_svg_cdf_series s = {"e", NULL, 0, NAN};
  report_svg_cdf_chart c0 = {"rto-cdf", "t", "RTO", NULL, NULL, 0};
  report_svg_cdf_chart c1 = {"rto-cdf", "t", "RTO", NULL, &s, 1};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_cdf(bf.f, &c0), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "rto-cdf");
  assert_non_null(strstr(svg, "no data"));
  free(svg);
  buf_open(&bf);
  assert_int_equal(report_svg_cdf(bf.f, &c1), 0);
  svg = buf_close(&bf);
  assert_chart(svg, "rto-cdf");
  assert_non_null(strstr(svg, "no trials"));
  free(svg);
}

/* ------------------------------------------------------------ histogram */

/* Sum of the bar heights in percent, read back from the rects. */
static double bar_percent_sum(const char *svg, double plot_h, double ymax)
{
  double sum = 0.0;
  const char *g = strstr(svg, "class=\"bars\"");
  if (!g) return 0.0;
  const char *end = strstr(g, "</g>");
  for (const char *p = strstr(g, "height=\""); p && p < end; p = strstr(p + 1, "height=\""))
    sum += strtod(p + 8, NULL) / plot_h * ymax;
  return sum;
}

static void test_histogram_minutes(void **state)
{
  (void)state;
  enum { N = 500 };
  double v[N];
  for (size_t i = 0; i < N; i++) v[i] = 60.0 * (double)(i % 50);  /* 0..49 min */
  v[0] = NAN;                                                       /* ignored */
  v[1] = INFINITY;                                                  /* counted apart */
  report_svg_histogram_chart c = {"rpo-hist", "sql<prod>", "sql-prod RPO", "RPO", v, N,
                                  15.0 * 60.0, NULL};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_histogram(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "rpo-hist");
  assert_non_null(strstr(svg, "data-key=\"sql&lt;prod&gt;\""));
  assert_non_null(strstr(svg, "RPO (minutes)"));
  assert_int_equal(count(svg, "class=\"objective\""), 1);
  assert_non_null(strstr(svg, "1 trial (0.20 %) with no copy"));
  /* The bars add up to the finite share of the non-NaN values: 498/499. The
  ** read-back is rounded to 0.1 px per bar, hence the tolerance. */
  const char *ax = strstr(svg, "trials (%)");
  assert_non_null(ax);
  size_t nbars = count_in_bars(svg);
  assert_true(nbars >= 10 && nbars <= 40);
  /* The y axis top is the tick label drawn at the plot's top edge (y = 42,
  ** label baseline 4 px lower). */
  const char *tl = strstr(svg, "y=\"46.0\" text-anchor=\"end\">");
  assert_non_null(tl);
  double top = strtod(strchr(tl, '>') + 1, NULL);
  assert_true(top > 0.0);
  double sum = bar_percent_sum(svg, 150.0, top);
  double tol = (double)nbars * 0.05 / 150.0 * top + 1e-9;   /* 0.05 px per bar */
  assert_true(fabs(sum - 100.0 * 498.0 / 499.0) <= tol);
  free(svg);
}

static void test_histogram_all_zero_and_far_objective(void **state)
{
  (void)state;
  double v[10] = {0};
  report_svg_histogram_chart c = {"rpo-hist", NULL, "sync", "RPO", v, 10, 3600.0, "#009E73"};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_histogram(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "rpo-hist");
  assert_null(strstr(svg, "data-key"));
  assert_int_equal(count_in_bars(svg), 1);
  assert_non_null(strstr(svg, "fill=\"#009E73\""));
  /* A 1 h objective next to values of 0 s is not drawn, but stated. */
  assert_int_equal(count(svg, "class=\"objective\""), 0);
  assert_non_null(strstr(svg, "objective 1h (off the axis): 100.0 % of trials within it"));
  assert_non_null(strstr(svg, "RPO (seconds)"));
  free(svg);

  /* Only infinite values, and nothing at all. */
  double inf[3] = {INFINITY, INFINITY, NAN};
  c.values = inf;
  c.n = 3;
  buf_open(&bf);
  assert_int_equal(report_svg_histogram(bf.f, &c), 0);
  svg = buf_close(&bf);
  assert_chart(svg, "rpo-hist");
  assert_non_null(strstr(svg, "no finite values"));
  assert_non_null(strstr(svg, "2 trials (100.00 %) with no copy"));
  free(svg);
  c.n = 0;
  buf_open(&bf);
  assert_int_equal(report_svg_histogram(bf.f, &c), 0);
  svg = buf_close(&bf);
  assert_chart(svg, "rpo-hist");
  assert_non_null(strstr(svg, "no data"));
  free(svg);
}

/* ------------------------------------------------------------ bars */

static void test_bars_sorted(void **state)
{
  (void)state;
  report_svg_bar bars[] = {
    {"prod / validate", 10.0, REPORT_SVG_KIND_AUTOMATIC},
    {"prod / approve <gate>", 100.0, REPORT_SVG_KIND_MANUAL},
    {"prod / scale-up", 55.5, REPORT_SVG_KIND_STANDBY},
    {"prod / tie-a", 10.0, REPORT_SVG_KIND_AUTOMATIC},
    {"prod / unknown", NAN, REPORT_SVG_KIND_AUTOMATIC},
    {"a very long step name that goes on and on and on and on and on", 1.0,
     REPORT_SVG_KIND_AUTOMATIC},
  };
  report_svg_bars_chart c = {"criticality", "Criticality", "criticality index (% of trials)",
                             " %", bars, 6, 100.0, 1, NULL};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_bars(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "criticality");
  const char *p1 = strstr(svg, ">prod / approve &lt;gate&gt;</text>");
  const char *p2 = strstr(svg, ">prod / scale-up</text>");
  const char *p3 = strstr(svg, ">prod / validate</text>");
  const char *p4 = strstr(svg, ">prod / tie-a</text>");
  const char *p5 = strstr(svg, ">a very long step name");
  const char *p6 = strstr(svg, ">prod / unknown</text>");
  assert_true(p1 && p2 && p3 && p4 && p5 && p6);
  assert_true(p1 < p2 && p2 < p3 && p3 < p4 && p4 < p5 && p5 < p6);  /* ties keep input order, NaN last */
  assert_non_null(strstr(svg, ">55.5 %</text>"));
  assert_non_null(strstr(svg, ">n/a</text>"));
  assert_non_null(strstr(svg, "…</text>"));             /* the long label is cut */
  assert_non_null(strstr(svg, "criticality index (% of trials)"));
  /* Legend: the three kinds present, not the absent "detection / wait". */
  assert_non_null(strstr(svg, ">manual</text>"));
  assert_non_null(strstr(svg, ">standby scale-up</text>"));
  assert_non_null(strstr(svg, ">automatic</text>"));
  assert_null(strstr(svg, "detection / wait"));
  free(svg);

  report_svg_bars_chart e = {"criticality", "Criticality", "x", NULL, NULL, 0, 0.0, 1, NULL};
  buf_open(&bf);
  assert_int_equal(report_svg_bars(bf.f, &e), 0);
  svg = buf_close(&bf);
  assert_chart(svg, "criticality");
  assert_non_null(strstr(svg, "no data"));
  free(svg);
}

/* ------------------------------------------------------------ Gantt */

static void test_gantt(void **state)
{
  (void)state;
  report_svg_gantt_row rows[] = {
    {"detection", 0.0, 600.0, REPORT_SVG_KIND_WAIT, 1, 1},
    {"approve & go", 600.0, 2400.0, REPORT_SVG_KIND_MANUAL, 1, 1},
    {"scale-up", 2400.0, 3000.0, REPORT_SVG_KIND_STANDBY, 1, 1},
    {"terraform", 3000.0, 9000.0, REPORT_SVG_KIND_AUTOMATIC, 1, 3},
    {"restore", 9000.0, NAN, REPORT_SVG_KIND_AUTOMATIC, 0, 3},
    {"notify", NAN, NAN, REPORT_SVG_KIND_AUTOMATIC, 0, 0},
  };
  report_svg_gantt_chart c = {"gantt", "production", "Median trial", rows, 6, 9000.0, "RTO",
                              4.0 * 3600.0};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_gantt(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "gantt");
  assert_non_null(strstr(svg, "data-key=\"production\""));
  assert_non_null(strstr(svg, "time since the disaster (hours)"));
  assert_int_equal(count(svg, "class=\"task\""), 6);
  assert_non_null(strstr(svg, "approve &amp; go"));
  assert_non_null(strstr(svg, ">3 attempts<"));
  assert_non_null(strstr(svg, ">did not complete<"));
  assert_non_null(strstr(svg, ">not started<"));
  assert_non_null(strstr(svg, "RTO 2h 30m"));
  assert_non_null(strstr(svg, "objective 4h"));
  assert_int_equal(count(svg, "class=\"objective\""), 1);
  assert_int_equal(count(svg, "class=\"marker\""), 1);
  assert_non_null(strstr(svg, "on the critical path"));
  assert_int_equal(count(svg, "class=\"critical\""), 4);
  assert_non_null(strstr(svg, ">detection / wait<"));
  free(svg);

  /* Minutes-long trial: the axis is in minutes and a far objective is named
  ** instead of squashing the bars. */
  report_svg_gantt_row r2[] = {{"a", 0.0, 300.0, REPORT_SVG_KIND_AUTOMATIC, 0, 1}};
  report_svg_gantt_chart c2 = {"gantt", NULL, "t", r2, 1, NAN, NULL, 24.0 * 3600.0};
  buf_open(&bf);
  assert_int_equal(report_svg_gantt(bf.f, &c2), 0);
  svg = buf_close(&bf);
  assert_chart(svg, "gantt");
  assert_non_null(strstr(svg, "(minutes)"));
  assert_non_null(strstr(svg, "objective 1d (off the axis)"));
  assert_int_equal(count(svg, "class=\"marker\""), 0);
  free(svg);
}

/* ------------------------------------------------------------ ranges */

/* The number after `key` in s (e.g. key = "x1=\""), or NAN. */
static double num_after(const char *s, const char *key)
{
  const char *p = s ? strstr(s, key) : NULL;
  return p ? strtod(p + strlen(key), NULL) : NAN;
}

static void test_ranges(void **state)
{
  (void)state;
  report_svg_range_row rows[] = {
    {"production", 98.9, 99.4, 99.62, 99.8, 99.95, 99.63, 99.62, 99.64, 99.9,
     "meets ≥ 99.9 % in 0.1 %"},
    {"dev <b>", 98.0, 98.5, 99.0, 99.3, 99.6, 98.95, 98.9, 99.0, NAN, NULL},
    {"empty", NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, "no trials"},
  };
  report_svg_ranges_chart c = {"availability", "Availability", "availability over 365d (%)",
                               " %", rows, 3};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_ranges(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "availability");
  assert_int_equal(count(svg, "<g class=\"range\">"), 3);
  /* One objective (dev has none), labels escaped, notes written. */
  assert_int_equal(count(svg, "class=\"objective\""), 1);
  assert_non_null(strstr(svg, ">dev &lt;b&gt;</text>"));
  assert_non_null(strstr(svg, ">meets ≥ 99.9 % in 0.1 %</text>"));
  /* The axis spans the data (98.0 .. 99.95), not 0 .. 100: ticks every
  ** 0.5 from 98 to 100. */
  assert_non_null(strstr(svg, ">98 %</text>"));
  assert_non_null(strstr(svg, ">99.5 %</text>"));
  assert_non_null(strstr(svg, ">100 %</text>"));
  assert_null(strstr(svg, ">0 %</text>"));
  assert_null(strstr(svg, ">97.5 %</text>"));
  /* Linear: production's objective lies where 99.9 falls between its p1
  ** (98.9) and p99 (99.95) whiskers; coordinates are written to 0.1 px. */
  const char *row = strstr(svg, "<g class=\"range\">");
  double x01 = num_after(row, "<line x1=\""), x99 = num_after(row, "x2=\"");
  double xt = num_after(row, "class=\"objective\" x1=\"");
  assert_true(x01 < x99);
  double want = x01 + (x99 - x01) * (99.9 - 98.9) / (99.95 - 98.9);
  assert_true(fabs(xt - want) <= 0.15);
  /* The empty row draws nothing but its label and note. */
  const char *empty = strstr(svg, ">empty</text>");
  assert_non_null(empty);
  const char *end = strstr(empty, "</g>");
  assert_non_null(end);
  const char *rect = strstr(empty, "<rect");
  assert_true(rect == NULL || rect > end);
  assert_non_null(strstr(svg, ">p10 – p90</text>"));
  free(svg);

  report_svg_ranges_chart e = {"availability", "Availability", "x", NULL, NULL, 0};
  buf_open(&bf);
  assert_int_equal(report_svg_ranges(bf.f, &e), 0);
  svg = buf_close(&bf);
  assert_chart(svg, "availability");
  assert_non_null(strstr(svg, "no data"));
  free(svg);
}

/* The lifetime kinds: named, coloured apart, keyed bars. */
static void test_cause_kinds(void **state)
{
  (void)state;
  assert_string_equal(report_svg_kind_name(REPORT_SVG_KIND_COMPONENT), "component failures");
  assert_string_equal(report_svg_kind_name(REPORT_SVG_KIND_DISASTER), "disaster incidents");
  assert_string_equal(report_svg_kind_name(REPORT_SVG_KIND_FAILBACK), "failback");
  report_svg_bar bars[] = {{"aks-prod", 73.4, REPORT_SVG_KIND_COMPONENT},
                           {"region disaster", 0.9, REPORT_SVG_KIND_DISASTER}};
  report_svg_bars_chart c = {"downtime-causes", "production", "share (%)", " %", bars, 2,
                             100.0, 1, "production"};
  buf bf;
  buf_open(&bf);
  assert_int_equal(report_svg_bars(bf.f, &c), 0);
  char *svg = buf_close(&bf);
  assert_chart(svg, "downtime-causes");
  assert_non_null(strstr(svg, "data-chart=\"downtime-causes\" data-key=\"production\""));
  assert_non_null(strstr(svg, ">component failures</text>"));
  assert_non_null(strstr(svg, ">disaster incidents</text>"));
  assert_null(strstr(svg, ">failback</text>"));
  assert_non_null(strstr(svg, report_svg_kind_color(REPORT_SVG_KIND_DISASTER)));
  free(svg);
}

/* ------------------------------------------------------------ errors */

/* No attribute value (between =" and ") holds inf or nan: viewers drop
** such elements, or the whole chart. */
static void assert_attrs_finite(const char *svg)
{
  for (const char *p = strstr(svg, "=\""); p; p = strstr(p, "=\"")) {
    p += 2;
    const char *e = strchr(p, '"');
    assert_non_null(e);
    for (const char *q = p; q + 3 <= e; q++) {
      char w[4] = {(char)(q[0] | 32), (char)(q[1] | 32), (char)(q[2] | 32), 0};
      if (strcmp(w, "inf") == 0 || strcmp(w, "nan") == 0) {
        fprintf(stderr, "non-finite attribute: %.*s\n", (int)(e - p), p);
        fail();
      }
    }
    p = e + 1;
  }
}

/* Huge and infinite values: coordinates computed as w * v / max overflowed
** to inf (and inf - inf to nan); every chart must still write finite
** coordinates. */
static void test_huge_and_infinite_values(void **state)
{
  (void)state;
  buf bf;
  double big[] = {1.0, 3600.0, 1e300, 1.7e308, INFINITY};
  report_svg_cdf_series s[1] = {{"huge", big, 5, 1e308}};
  report_svg_cdf_chart cc = {"cdf", "huge", "RTO", NULL, s, 1};
  buf_open(&bf);
  assert_int_equal(report_svg_cdf(bf.f, &cc), 0);
  char *svg = buf_close(&bf);
  assert_attrs_finite(svg);
  free(svg);

  report_svg_bar bars[] = {
    {"inf", INFINITY, REPORT_SVG_KIND_AUTOMATIC},
    {"huge", 1.7e308, REPORT_SVG_KIND_MANUAL},
    {"minus inf", -INFINITY, REPORT_SVG_KIND_AUTOMATIC},
    {"one", 1.0, REPORT_SVG_KIND_AUTOMATIC},
  };
  report_svg_bars_chart bc = {"bars", "Bars", "x", " %", bars, 4, 0.0, 1, NULL};
  buf_open(&bf);
  assert_int_equal(report_svg_bars(bf.f, &bc), 0);
  svg = buf_close(&bf);
  assert_attrs_finite(svg);
  assert_non_null(strstr(svg, ">unbounded</text>"));
  free(svg);

  report_svg_gantt_row rows[] = {
    {"a", 0.0, 1.7e308, REPORT_SVG_KIND_AUTOMATIC, 1, 1},
    {"b", 1e308, INFINITY, REPORT_SVG_KIND_MANUAL, 0, 1},
  };
  report_svg_gantt_chart gc = {"gantt", "k", "Huge", rows, 2, 1.7e308, "RTO", 1e308};
  buf_open(&bf);
  assert_int_equal(report_svg_gantt(bf.f, &gc), 0);
  svg = buf_close(&bf);
  assert_attrs_finite(svg);
  free(svg);

  report_svg_range_row rr[] = {
    {"wide", -1.7e308, -1e300, 0.0, 1e300, 1.7e308, 1e308, -1e308, 1.7e308, 1.7e308, NULL},
    {"inf", -INFINITY, 0.0, 1.0, 2.0, INFINITY, INFINITY, NAN, INFINITY, INFINITY, NULL},
  };
  report_svg_ranges_chart rc = {"ranges", "Ranges", "x", "", rr, 2};
  buf_open(&bf);
  assert_int_equal(report_svg_ranges(bf.f, &rc), 0);
  svg = buf_close(&bf);
  assert_attrs_finite(svg);
  free(svg);
}

static void test_write_error(void **state)
{
  (void)state;
  FILE *f = fopen("/dev/full", "w");
  if (!f) skip();
  double v[3] = {1.0, 2.0, 3.0};
  report_svg_cdf_series s = {"e", v, 3, NAN};
  report_svg_cdf_chart c = {"rto-cdf", "t", "RTO", NULL, &s, 1};
  assert_int_equal(report_svg_cdf(f, &c), -1);
  report_svg_histogram_chart h = {"rpo-hist", NULL, "t", "RPO", v, 3, NAN, NULL};
  assert_int_equal(report_svg_histogram(f, &h), -1);
  report_svg_range_row r = {"e", 1, 2, 3, 4, 5, 3, 2, 4, 3, NULL};
  report_svg_ranges_chart rc = {"availability", "t", "x", NULL, &r, 1};
  assert_int_equal(report_svg_ranges(f, &rc), -1);
  fclose(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_unit_for),
    cmocka_unit_test(test_nice_ticks),
    cmocka_unit_test(test_escape),
    cmocka_unit_test(test_palette),
    cmocka_unit_test(test_cdf_hours_objectives_marks),
    cmocka_unit_test(test_cdf_unit_from_range),
    cmocka_unit_test(test_cdf_far_tail_is_cut),
    cmocka_unit_test(test_cdf_close_objectives),
    cmocka_unit_test(test_cdf_empty),
    cmocka_unit_test(test_histogram_minutes),
    cmocka_unit_test(test_histogram_all_zero_and_far_objective),
    cmocka_unit_test(test_bars_sorted),
    cmocka_unit_test(test_huge_and_infinite_values),
    cmocka_unit_test(test_gantt),
    cmocka_unit_test(test_ranges),
    cmocka_unit_test(test_cause_kinds),
    cmocka_unit_test(test_write_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
