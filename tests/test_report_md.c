/*
** tests/test_report_md.c — reports/md: the cell formatters (durations,
** percentages with just enough decimals, intervals) and the Markdown summary
** of the hand-computed fixture run: expected cells, table shape (every row
** of a table has the header's number of cells), escaping of '|', sections.
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
#include "models/units.h"
#include "reports/md.h"
#include "reports/store.h"
#include "reports/summary.h"
#include "tests/support/report_fixture.h"

static char *render(report_store *st, int64_t id, unsigned sections)
{
  report_error err = {{0}};
  report_summary *s = NULL;
  assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  assert_int_equal(report_md_write(fp, s, sections, &err), REPORT_OK);
  fclose(fp);
  report_summary_free(s);
  return buf;
}

#define assert_contains(hay, needle)                                   \
  do {                                                                 \
    if (!strstr((hay), (needle))) {                                    \
      print_error("missing from the Markdown: %s\n", (needle));        \
      fail();                                                          \
    }                                                                  \
  } while (0)

/* Cells of a table line: the '|' not escaped as "\|", minus one. */
static int cells(const char *line, size_t len)
{
  int bars = 0;
  for (size_t i = 0; i < len; i++)
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) bars++;
  return bars - 1;
}

/* Every line of every table has the header's number of cells. */
static void assert_tables_rectangular(const char *md)
{
  int want = -1, tables = 0;
  for (const char *p = md; *p;) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len > 0 && p[0] == '|') {
      int k = cells(p, len);
      if (want < 0) { want = k; tables++; }
      else if (k != want) {
        print_error("table row with %d cells, header has %d: %.*s\n", k, want, (int)len, p);
        fail();
      }
    } else {
      want = -1;
    }
    p = e ? e + 1 : p + len;
  }
  assert_true(tables > 0);
}

static void test_formatters(void **state)
{
  (void)state;
  char b[96];
  assert_string_equal(report_md_format_duration(NAN, b, sizeof b), "-");
  assert_string_equal(report_md_format_duration(INFINITY, b, sizeof b), "\xe2\x88\x9e");
  assert_string_equal(report_md_format_duration(2 * 3600 + 13 * 60, b, sizeof b), "2h 13m");
  assert_string_equal(report_md_format_duration(45, b, sizeof b), "45s");
  assert_string_equal(report_md_format_percent(0.931, b, sizeof b), "93.1 %");
  assert_string_equal(report_md_format_percent(0.5, b, sizeof b), "50.0 %");
  /* 0.9999 at one decimal would print 100.0: two are needed. */
  assert_string_equal(report_md_format_percent(0.9999, b, sizeof b), "99.99 %");
  assert_string_equal(report_md_format_percent(1e-5, b, sizeof b), "0.001 %");
  assert_string_equal(report_md_format_percent(1.0, b, sizeof b), "100 %");
  assert_string_equal(report_md_format_percent(0.0, b, sizeof b), "0 %");
  assert_string_equal(report_md_format_percent(NAN, b, sizeof b), "-");
  /* Wilson(931, 1000) = [0.913585, 0.945116]. */
  report_stats_ci c = {0.931, 0.9135852797713628, 0.9451160544140889};
  assert_string_equal(report_md_format_percent_ci(c, b, sizeof b), "93.1 % [91.4, 94.5]");
  /* Decimals are shared: the upper end 0.99996 needs three. */
  c = (report_stats_ci){0.9995, 0.9987, 0.99996};
  assert_string_equal(report_md_format_percent_ci(c, b, sizeof b),
                      "99.950 % [99.870, 99.996]");
  c = (report_stats_ci){1.0, 0.9630065017930143, 1.0};
  assert_string_equal(report_md_format_percent_ci(c, b, sizeof b), "100 % [96.3, 100]");
  c = (report_stats_ci){NAN, NAN, NAN};
  assert_string_equal(report_md_format_percent_ci(c, b, sizeof b), "-");
  c = (report_stats_ci){0.25, NAN, NAN};
  assert_string_equal(report_md_format_percent_ci(c, b, sizeof b), "25.0 %");
  /* Availability: two decimals at least, more only to stay below 100. */
  assert_string_equal(report_md_format_availability(0.99627, b, sizeof b), "99.63 %");
  assert_string_equal(report_md_format_availability(0.999, b, sizeof b), "99.90 %");
  assert_string_equal(report_md_format_availability(0.999996, b, sizeof b), "99.9996 %");
  assert_string_equal(report_md_format_availability(1.0, b, sizeof b), "100 %");
  assert_string_equal(report_md_format_availability(NAN, b, sizeof b), "-");
  c = (report_stats_ci){0.99627, 0.99618, 0.99636};
  assert_string_equal(report_md_format_availability_ci(c, b, sizeof b),
                      "99.63 % [99.62, 99.64]");
  /* A narrow interval gets the decimals that tell its ends apart. */
  c = (report_stats_ci){0.0013, 0.0007, 0.0022};
  assert_string_equal(report_md_format_percent_ci(c, b, sizeof b), "0.13 % [0.07, 0.22]");
  c = (report_stats_ci){0.99624, 0.99620, 0.99628};
  assert_string_equal(report_md_format_availability_ci(c, b, sizeof b),
                      "99.624 % [99.620, 99.628]");
  /* A share's interval never leaves [0, 1]. */
  c = (report_stats_ci){0.9999, 0.9990, 1.0000001};
  assert_string_equal(report_md_format_availability_ci(c, b, sizeof b),
                      "99.99 % [99.90, 100]");
}

/* Lifetime sections on the lifetime fixture (numbers by hand in
** tests/test_report_summary.c): production availability 1 - 293400 s /
** (20 y) = 99.95 %, met (<= 31536 s down) in 19 of 20 trials, Wilson
** [76.4, 99.1]; downtime 14670 s a year; blob 49.1 % of it. */
/* One formatting path for a summary row's values (Markdown and HTML): a
** fraction's interval is clamped to [0, 1], a duration's is not. */
static void test_row_values(void **state)
{
  (void)state;
  char b[128];
  report_summary_row frac = {.environment = "e", .metric = "availability",
                             .is_fraction = 1, .higher_is_better = 1,
                             .objective = 0.999};
  report_stats_ci c = {0.9999, 0.9997, 1.0001};
  assert_string_equal(report_md_format_row_ci(&frac, c, b, sizeof b),
                      "99.99 % [99.97 %, 100 %]");
  c = (report_stats_ci){0.0001, -0.0002, 0.0004};
  assert_string_equal(report_md_format_row_ci(&frac, c, b, sizeof b),
                      "0.01 % [0 %, 0.04 %]");
  assert_string_equal(report_md_format_row_value(&frac, 0.99627, b, sizeof b), "99.63 %");
  assert_string_equal(report_md_format_row_objective(&frac, b, sizeof b), "99.9 %");
  c = (report_stats_ci){0.5, NAN, NAN};
  assert_string_equal(report_md_format_row_ci(&frac, c, b, sizeof b), "50.00 %");

  report_summary_row dur = {.environment = "e", .metric = "rto", .objective = 14400};
  c = (report_stats_ci){3600, 1800, INFINITY};
  assert_string_equal(report_md_format_row_ci(&dur, c, b, sizeof b), "1h [30m, \u221e]");
  assert_string_equal(report_md_format_row_objective(&dur, b, sizeof b), "4h");
}

/* Issue 19: a P(meet) is never rounded across the share it is judged by. */
static void test_share_keeps_side(void **state)
{
  (void)state;
  char b[128];
  report_stats_ci c = {0.9496, 0.945, 0.954};
  assert_string_equal(report_md_format_percent_ci(c, b, sizeof b), "95.0 % [94.5, 95.4]");
  assert_string_equal(report_md_format_share_ci(c, 0.95, b, sizeof b), "94.96 % [94.50, 95.40]");
  c.est = 0.95;   /* exactly the share: one decimal reads right */
  assert_string_equal(report_md_format_share_ci(c, 0.95, b, sizeof b), "95.0 % [94.5, 95.4]");
  c.est = 0.81;   /* far from it: as usual */
  assert_string_equal(report_md_format_share_ci(c, 0.95, b, sizeof b), "81.0 % [94.5, 95.4]");
  for (double v = 0.9490; v < 0.9510; v += 0.0000007) {
    report_stats_ci x = {v, 0.9, 0.99};
    report_md_format_share_ci(x, 0.95, b, sizeof b);
    assert_int_equal(strtod(b, NULL) / 100.0 >= 0.95, v >= 0.95);
  }
}

/* Issue 19: a value is never rounded across its row's objective. */
static void test_row_values_keep_side(void **state)
{
  (void)state;
  char b[128];
  report_summary_row dur = {.environment = "e", .metric = "rto", .objective = 14400};
  /* misses by 20 s: not "4h" */
  assert_string_equal(report_md_format_row_value(&dur, 14420, b, sizeof b), "4h 00m 20s");
  /* misses by 0.4 s: rounded up, never down onto the objective */
  assert_string_equal(report_md_format_row_value(&dur, 14400.4, b, sizeof b), "4h 00m 01s");
  /* meets, shows the objective itself: reads "at most 4 h", true */
  assert_string_equal(report_md_format_row_value(&dur, 14399.6, b, sizeof b), "4h");
  /* far from the objective: the usual rounding */
  assert_string_equal(report_md_format_row_value(&dur, 9500, b, sizeof b), "2h 38m");
  /* objective 3h 59m 40s: 3h 59m 30s meets and would read "4h" */
  dur.objective = 14380;
  assert_string_equal(report_md_format_row_value(&dur, 14370, b, sizeof b), "3h 59m 30s");
  /* objective 3h 59m: 3h 59m 20s misses and would read "3h 59m" */
  dur.objective = 14340;
  assert_string_equal(report_md_format_row_value(&dur, 14360, b, sizeof b), "3h 59m 20s");
  /* an interval's ends keep their sides too */
  report_stats_ci c = {14360, 14330, 14420};
  assert_string_equal(report_md_format_row_ci(&dur, c, b, sizeof b),
                      "3h 59m 20s [3h 59m, 4h]");
  /* a sweep over values around the objective: displayed side = true side */
  for (double v = 14200; v < 14500; v += 0.25) {
    double back;
    const char *why;
    report_md_format_row_value(&dur, v, b, sizeof b);
    assert_int_equal(model_units_parse_duration(b, &back, &why), 0);
    assert_int_equal(back <= dur.objective, v <= dur.objective);
  }
  /* fractions: 99.899 % misses 99.9 %, not "99.90 %" */
  report_summary_row frac = {.environment = "e", .metric = "availability",
                             .is_fraction = 1, .higher_is_better = 1, .objective = 0.999};
  assert_string_equal(report_md_format_row_value(&frac, 0.99899, b, sizeof b), "99.899 %");
  for (double v = 0.9985; v < 0.9995; v += 0.0000013) {
    report_md_format_row_value(&frac, v, b, sizeof b);
    assert_int_equal(strtod(b, NULL) / 100.0 >= frac.objective, v >= frac.objective);
  }
}

static void test_lifetime_md(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/l.db", dir);
  fixture f;
  fixture_init(&f);
  fixture_lifetime_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_lifetime_run(st, &f.sc, REPORT_DETAIL_SUMMARY);

  /* What `drsim run` prints: the objectives and the short lifetime part. */
  char *md = render(st, id, REPORT_MD_RUN | REPORT_MD_OBJECTIVES);
  assert_tables_rectangular(md);
  assert_contains(md, "20 trials (complete), seed 7, lifetime mode over 365d");
  assert_contains(md, "### Availability over 365d");
  assert_contains(md, "| production | 99.95 % [");
  assert_contains(md, "| >= 99.9 % | 95.0 % [76.4, 99.1] | 4h 05m |");
  assert_contains(md, "| 39 / 9 | blob (49.1 % of downtime) |");
  assert_contains(md, "A region disaster struck in 4 of 20 trials (2 expected at its rate), "
                      "9 incidents in all");
  assert_contains(md, "Given a region disaster (conditional: only the trials with one)");
  /* Given one: trials 0, 5, 10, 15, availability 1 - 30150 s / y; 3 of 4
  ** meet 99.9 %; each incident 2 h / 10 min, within 4 h / 15 min. */
  assert_contains(md, "| production | 4 | 9 | 99.90 % [");
  assert_contains(md, "| 75.0 % [30.1, 95.4] | 2h | 10m | 100 % / 100 % |");
  assert_contains(md, "| staging | 4 | 9 |");
  assert_contains(md, "| 100 % / - |");   /* staging has no RPO objective */
  assert_null(strstr(md, "### Downtime by cause"));
  free(md);

  /* The full report: every lifetime section instead of the short part. */
  md = render(st, id, REPORT_MD_ALL);
  assert_tables_rectangular(md);
  assert_null(strstr(md, "(conditional: only the trials with one)"));
  assert_contains(md, "| production | 99.95 % [");
  assert_contains(md, "### What the estimates rest on");
  assert_contains(md, "| production | 20 | 4 (1.9 expected) | 9 | 7 | 39 |");
  assert_contains(md, "4 incidents (over the environments) beyond the first 4 of a trial");
  assert_contains(md, "### Given a region disaster (conditional)");
  assert_contains(md, "| production | 4 | 99.90 % [");
  assert_contains(md, "| production | 7 | 2h | 2h [");
  /* Downtime by cause, largest first, the first in bold. */
  const char *b = strstr(md, "| production | **blob** | 20 | 2h [2h, 2h] | 49.1 % | 0.0228 pp |");
  const char *q = strstr(md, "| production | sql-prod | 13 |");
  const char *r = strstr(md, "| production | region disaster | 4 |");
  const char *fb = strstr(md, "| production | failback | 4 |");
  assert_true(b && q && r && fb && b < q && q < r && r < fb);
  assert_contains(md, "| 23.3 % |");
  assert_contains(md, "| 22.1 % |");
  assert_contains(md, "| 5.5 % |");
  assert_contains(md, "| staging | **blob** | 20 |");
  /* MTBF / MTTR: sql-prod 19 failures in 20 trials, 1 h each (target 2 h). */
  assert_contains(md, "### Components: observed MTBF and MTTR against the scenario");
  assert_contains(md, "| sql-prod | production | 0.95 |");
  assert_contains(md, "| 30d | 1h [1h, 1h] | 2h |");
  assert_null(strstr(md, "| app | staging | 0 |"));   /* no failure model */
  free(md);

  /* A disaster without a rate and no disaster in any trial: no
  ** conditional part, a sentence instead. */
  f.sc.disaster.rate_per_s = 0.0;
  report_run_info info = {.trials = 5, .point = -1};
  int64_t id3 = 0;
  assert_int_equal(report_store_run_begin(st, &info, &f.sc, &id3, &err), REPORT_OK);
  size_t rs = model_outcome_size(&f.sc);
  unsigned char *rec = malloc(5 * rs);
  assert_non_null(rec);
  for (uint64_t t = 0; t < 5; t++) {
    fixture_lifetime_fill(&f.sc, rec + t * rs, t + 1);   /* trials 1..4 have no incident... */
    model_trial_view v = model_outcome_view(&f.sc, rec + t * rs);
    for (int e = 0; e < 2; e++)                  /* ... and trial 5's is removed */
      v.env[e].disaster_incidents = v.env[e].disasters = 0;
  }
  assert_int_equal(report_store_run_append(st, id3, &f.sc, 0, 5, rec, rs, &err), REPORT_OK);
  free(rec);
  md = render(st, id3, REPORT_MD_OBJECTIVES);
  assert_contains(md, "The scenario gives its disaster no rate: every incident here is a "
                      "component failure.");
  assert_null(strstr(md, "conditional"));
  free(md);
  md = render(st, id3, REPORT_MD_ALL);
  assert_tables_rectangular(md);
  assert_contains(md, "The scenario gives its disaster no rate");
  assert_null(strstr(md, "### Given a"));
  free(md);

  /* Disaster mode: none of it. */
  fixture g;
  fixture_init(&g);
  int64_t id2 = fixture_run(st, &g.sc, 10, REPORT_DETAIL_SUMMARY);
  md = render(st, id2, REPORT_MD_ALL);
  assert_null(strstr(md, "### Availability"));
  assert_null(strstr(md, "Downtime by cause"));
  assert_null(strstr(md, "MTBF"));
  free(md);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

static void test_summary_md(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/m.db", dir);
  fixture f;
  fixture_init(&f);
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  int64_t id = fixture_run(st, &f.sc, 100, REPORT_DETAIL_SUMMARY);
  char *md = render(st, id, REPORT_MD_ALL);
  /* Values from test_report_summary.c: production RTO mean 4090 s = 1h 08m,
  ** p50 4145 s = 1h 09m, p90 and beyond infinite; meets 4 h in 90 of 100
  ** trials, Wilson [0.825634, 0.944771]. */
  assert_contains(md, "## Run 1: fixture");
  assert_contains(md, "100 trials (complete), seed 42, disaster mode");
  /* 10 trials never recovered: the mean is over the 90 finite ones. */
  assert_contains(md, "| production | RTO | 100 | 1h 08m (of 90) | 1h 09m | \xe2\x88\x9e |");
  assert_contains(md, "| <= 4h | 90.0 % [82.6, 94.5] | misses | 10 |");
  /* 90 of 100: the one-sided upper bound (94.5 %) is below 95 %: shown missed */
  assert_contains(md, "Verdict: an objective is met when the one-sided 95 % lower confidence bound");
  /* staging RPO has no objective. */
  assert_contains(md, "| staging | RPO | 100 | 30s | 30s | 30s | 30s |");
  assert_contains(md, "| - | - | 0 |");
  /* production full capacity p99 = 1298.01 s = 21m 38s, unbounded above
  ** with 100 < 368 trials, and the note says so. */
  assert_contains(md, "| 21m 38s [");
  assert_contains(md, "at least 368 are needed");
  /* Every p99 interval is unbounded at n = 100: no "widest" to report. */
  assert_null(strstr(md, "would halve it"));
  /* Steps: restore fails in 10 % of trials: Wilson(10, 100) = [5.5, 17.4] %. */
  assert_contains(md, "| production | restore | automatic | 100 % [96.3, 100] |");
  assert_contains(md, "| 1.50 | 10.0 % [5.5, 17.4] |");
  assert_contains(md, "| production | scale-up | standby aks-prod-dr |");
  assert_contains(md, "| production | approve | manual |");
  /* Components: the app (no replication, no failover) is not listed. */
  assert_contains(md, "| sql-prod | production | async | 2m 57s | 6m |");
  assert_contains(md, "| blob | (shared) | periodic |");
  assert_null(strstr(md, "| app |"));
  /* Pool: 1 of 5 warm nodes at 0.50/h: 4380 a year. */
  assert_contains(md, "| aks-prod-dr | production | 1 / 5 | 10m 50s | 20m 50s |");
  assert_contains(md, "| 25.0 % | 4380.00 |");
  assert_tables_rectangular(md);
  free(md);

  /* With 1000 trials the p99 of full capacity (1200 + t s) is bounded:
  ** ranks 983 and 997 -> [2182, 2196] s, half-width 7 s; halving it takes
  ** about 4 x 1000 trials. */
  int64_t big = fixture_run(st, &f.sc, 1000, REPORT_DETAIL_SUMMARY);
  md = render(st, big, REPORT_MD_OBJECTIVES);
  assert_contains(md, "36m 29s [36m 22s, 36m 36s]");
  assert_contains(md, "The widest p99 interval is production full capacity (\xc2\xb1 7s); "
                      "about 4000 trials (4x) would halve it.");
  free(md);

  /* Only the objectives table. */
  md = render(st, id, REPORT_MD_OBJECTIVES);
  assert_null(strstr(md, "## Run"));
  assert_null(strstr(md, "### Workflow steps"));
  assert_null(strstr(md, "### Standby"));
  assert_contains(md, "### Objectives");
  free(md);
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

static void test_escaping_and_partial_run(void **state)
{
  (void)state;
  char *dir = fixture_tmpdir_new();
  char path[512];
  snprintf(path, sizeof path, "%s/e.db", dir);
  fixture f;
  fixture_init(&f);
  f.envs[1].name = "stag|ing";
  f.steps_prod[0].name = "approve\nnow";
  report_store *st = NULL;
  report_error err = {{0}};
  assert_int_equal(report_store_open(path, REPORT_STORE_READWRITE, &st, &err), REPORT_OK);
  report_run_info info = {.seed = 5, .trials = 100, .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, &f.sc, &id, &err), REPORT_OK);
  void *rec = fixture_records(&f.sc, 0, 60);
  /* The app holds no data but fails over in 2 minutes. */
  for (size_t i = 0; i < 60; i++)
    model_outcome_view(&f.sc, (unsigned char *)rec + i * model_outcome_size(&f.sc))
        .components[2].failover_s = 120.0;
  assert_int_equal(report_store_run_append(st, id, &f.sc, 0, 60, rec,
                                           model_outcome_size(&f.sc), &err), REPORT_OK);
  free(rec);
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_INTERRUPTED, &err), REPORT_OK);
  char *md = render(st, id, REPORT_MD_ALL);
  assert_contains(md, "60 of 100 trials (interrupted), seed 5");
  assert_contains(md, "| stag\\|ing | RTO | 60 |");
  assert_contains(md, "| approve now |");
  /* No data, so no share of setting the RPO: "-" rather than "0 %". */
  assert_contains(md, "| app | stag\\|ing | none | - | - | - | 2m | 2m |");
  assert_tables_rectangular(md);
  free(md);

  FILE *full = fopen("/dev/full", "w");
  if (full) {
    report_summary *s = NULL;
    assert_int_equal(report_summary_build(st, id, &s, &err), REPORT_OK);
    assert_int_equal(report_md_write(full, s, REPORT_MD_ALL, &err), REPORT_EIO);
    assert_contains(err.text, "Markdown");
    report_summary_free(s);
    fclose(full);
  }
  report_store_close(st);
  fixture_tmpdir_remove(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_formatters),
    cmocka_unit_test(test_row_values),
    cmocka_unit_test(test_row_values_keep_side),
    cmocka_unit_test(test_share_keeps_side),
    cmocka_unit_test(test_summary_md),
    cmocka_unit_test(test_lifetime_md),
    cmocka_unit_test(test_escaping_and_partial_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
