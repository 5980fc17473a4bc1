/*
** reports/md.c — Markdown summary of a run (contract in reports/md.h). Every
** number comes from the report_summary; this file only chooses how a human
** reads it: durations in h/m, shares in percent with just enough decimals,
** intervals in brackets next to their estimate.
*/
#include "reports/md.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include "models/outcome.h"
#include "models/units.h"
#include "reports/costs.h"
#include "reports/meet.h"

#define INF_SIGN "\xe2\x88\x9e"   /* ∞ in UTF-8 */

char *report_md_format_duration(double seconds, char *buf, size_t n)
{
  if (n == 0) return buf;
  if (isnan(seconds)) snprintf(buf, n, "-");
  else if (isinf(seconds)) snprintf(buf, n, "%s" INF_SIGN, seconds < 0 ? "-" : "");
  else model_units_format_duration(seconds, buf, n);
  return buf;
}

/* Decimals (1..6) needed so that no value strictly inside (0, 1) prints as
** 0 or 100, and the interval ends differ from the estimate when they do. */
static int percent_decimals(const double *v, size_t k)
{
  int d = 1;
  for (; d < 6; d++) {
    int ok = 1;
    double scale = pow(10.0, d);
    for (size_t i = 0; i < k && ok; i++) {
      if (isnan(v[i]) || v[i] <= 0.0 || v[i] >= 1.0) continue;
      double r = round(v[i] * 100.0 * scale) / scale;
      if (r <= 0.0 || r >= 100.0) ok = 0;
    }
    if (ok) break;
  }
  return d;
}

static void put_pct(double f, int d, char *buf, size_t n)
{
  if (isnan(f)) snprintf(buf, n, "-");
  else if (f == 0.0 || f == 1.0) snprintf(buf, n, "%d", f == 1.0 ? 100 : 0);
  else snprintf(buf, n, "%.*f", d, f * 100.0);
}

char *report_md_format_percent(double fraction, char *buf, size_t n)
{
  if (n == 0) return buf;
  if (isnan(fraction)) { snprintf(buf, n, "-"); return buf; }
  char num[48];
  put_pct(fraction, percent_decimals(&fraction, 1), num, sizeof num);
  snprintf(buf, n, "%s %%", num);
  return buf;
}

/* A fraction and its interval with at least min_d decimals. */
static char *format_pct_ci(report_stats_ci ci, int min_d, char *buf, size_t n)
{
  if (n == 0) return buf;
  if (isnan(ci.est)) { snprintf(buf, n, "-"); return buf; }
  /* A share cannot leave [0, 1]: an unbounded side is its natural bound. */
  if (ci.lo < 0.0) ci.lo = 0.0;
  if (ci.hi > 1.0) ci.hi = 1.0;
  double v[3] = {ci.est, ci.lo, ci.hi};
  int d = percent_decimals(v, 3);
  if (d < min_d) d = min_d;
  /* A narrow interval gets the decimals that tell its ends from the
  ** estimate ("99.624 % [99.620, 99.628]", not "99.62 % [99.62, 99.62]";
  ** "0.13 % [0.07, 0.22]", not "0.1 % [0.1, 0.2]"), up to four. */
  for (double sc = pow(10.0, d); d < 4; d++, sc *= 10.0) {
    double e = round(ci.est * 100.0 * sc);
    if (!((ci.lo < ci.est && round(ci.lo * 100.0 * sc) == e) ||
          (ci.hi > ci.est && round(ci.hi * 100.0 * sc) == e)))
      break;
  }
  char e[48], lo[48], hi[48];
  put_pct(ci.est, d, e, sizeof e);
  if (isnan(ci.lo) || isnan(ci.hi)) {
    snprintf(buf, n, "%s %%", e);
    return buf;
  }
  put_pct(ci.lo, d, lo, sizeof lo);
  put_pct(ci.hi, d, hi, sizeof hi);
  snprintf(buf, n, "%s %% [%s, %s]", e, lo, hi);
  return buf;
}

char *report_md_format_percent_ci(report_stats_ci ci, char *buf, size_t n)
{
  return format_pct_ci(ci, 1, buf, n);
}

char *report_md_format_share_ci(report_stats_ci ci, double share, char *buf, size_t n)
{
  int d = 1;
  /* the estimate's decimals: enough that it reads on its own side of the share */
  for (; d < 6 && isfinite(ci.est) && isfinite(share); d++) {
    double sc = pow(10.0, d), shown = round(ci.est * 100.0 * sc) / sc / 100.0;
    if ((shown >= share) == (ci.est >= share)) break;
  }
  return format_pct_ci(ci, d, buf, n);
}

char *report_md_format_availability(double fraction, char *buf, size_t n)
{
  report_stats_ci ci = {fraction, NAN, NAN};
  return format_pct_ci(ci, 2, buf, n);
}

char *report_md_format_availability_ci(report_stats_ci ci, char *buf, size_t n)
{
  return format_pct_ci(ci, 2, buf, n);
}

/* A cell of free text: '|' would end the cell and a newline the row. */
void report_md_escape(FILE *out, const char *t)
{
  report_table_md_escape(out, t);
}

static void cell_text(FILE *out, const char *t)
{
  fputs(" ", out);
  if (!t || !*t) fputs("-", out);
  else report_md_escape(out, t);
  fputs(" |", out);
}

static void cell(FILE *out, const char *t) { fprintf(out, " %s |", t); }

/* Which side of the objective x is on: 1 meets, 0 does not. */
static int meets_side(const report_summary_row *r, double x)
{
  return r->higher_is_better ? x >= r->objective : x <= r->objective;
}

/* A duration with `dec` decimals of seconds, rounded towards the side it
** must stay on (up when above the objective, down otherwise). */
static char *duration_exact(double v, int up, int dec, char *buf, size_t n)
{
  double scale = pow(10.0, dec);
  double t = (up ? ceil(v * scale) : floor(v * scale)) / scale;
  long long whole = (long long)floor(t);
  double sec = (double)(whole % 60) + (t - (double)whole);
  long long m = whole / 60 % 60, h = whole / 3600 % 24, d = whole / 86400;
  if (d) snprintf(buf, n, "%lldd %02lldh %02lldm %0*.*fs", d, h, m, dec ? dec + 3 : 2, dec, sec);
  else if (h) snprintf(buf, n, "%lldh %02lldm %0*.*fs", h, m, dec ? dec + 3 : 2, dec, sec);
  else snprintf(buf, n, "%lldm %0*.*fs", m, dec ? dec + 3 : 2, dec, sec);
  return buf;
}

/* One rule for every writer: a value is never rounded across the row's
** objective. A duration that meets never reads as above the objective
** (objective 3h 59m: 3h 58m 40s stays "3h 58m 40s", not "3h 59m"... which
** would still meet; 3h 59m 20s would read "3h 59m" and miss: it shows as
** "3h 59m 20s"), one that misses never reads as at or below it (objective
** 4 h: 4h 00m 20s is not shown as "4h"). Where the usual rounding would
** cross, seconds (then tenths, ...) rounded away from the objective are
** shown. Fractions get more decimals the same way. */
char *report_md_format_row_value(const report_summary_row *r, double v, char *buf,
                                 size_t n)
{
  if (r->is_fraction) report_md_format_availability(v, buf, n);
  else report_md_format_duration(v, buf, n);
  if (!isfinite(v) || !isfinite(r->objective) || n == 0) return buf;
  int side = meets_side(r, v);
  double back;
  const char *why = NULL;
  if (r->is_fraction) {
    back = strtod(buf, NULL) / 100.0;
    for (int d = 3; d <= 9 && meets_side(r, back) != side; d++) {
      /* towards the side the value is on */
      double scale = pow(10.0, d);
      double x = 100.0 * v * scale;
      x = (side == r->higher_is_better) ? ceil(x) : floor(x);
      snprintf(buf, n, "%.*f %%", d, x / scale);
      back = strtod(buf, NULL) / 100.0;
    }
    return buf;
  }
  if (model_units_parse_duration(buf, &back, &why) != 0 || meets_side(r, back) == side) return buf;
  int up = !side;   /* lower is better: a miss rounds up, a meet down */
  for (int dec = 0; dec <= 3; dec++) {
    duration_exact(v, up, dec, buf, n);
    if (model_units_parse_duration(buf, &back, &why) == 0 && meets_side(r, back) == side) break;
  }
  return buf;
}

char *report_md_format_row_ci(const report_summary_row *r, report_stats_ci c, char *buf,
                              size_t n)
{
  char e[48], lo[48], hi[48];
  /* A share cannot leave [0, 1]: an end of a fraction's interval beyond it
  ** (a t interval of a mean near 1) shows as its natural bound. */
  if (r->is_fraction) {
    if (c.lo < 0.0) c.lo = 0.0;
    if (c.hi > 1.0) c.hi = 1.0;
  }
  report_md_format_row_value(r, c.est, e, sizeof e);
  if (isnan(c.est) || isnan(c.lo) || isnan(c.hi)) {
    snprintf(buf, n, "%s", e);
    return buf;
  }
  report_md_format_row_value(r, c.lo, lo, sizeof lo);
  report_md_format_row_value(r, c.hi, hi, sizeof hi);
  snprintf(buf, n, "%s [%s, %s]", e, lo, hi);
  return buf;
}

char *report_md_format_row_objective(const report_summary_row *r, char *buf, size_t n)
{
  if (r->is_fraction) return report_md_format_percent(r->objective, buf, n);
  return report_md_format_duration(r->objective, buf, n);
}

static const char *metric_title(const char *m)
{
  if (strcmp(m, "rto") == 0) return "RTO";
  if (strcmp(m, "rpo") == 0) return "RPO";
  if (strcmp(m, "full_capacity") == 0) return "full capacity";
  return m;
}

static void write_run(FILE *out, const report_run *run)
{
  fprintf(out, "## Run %lld: ", (long long)run->id);
  report_md_escape(out, run->scenario_name);
  fputs("\n\n", out);
  if (run->trials_done == run->trials)
    fprintf(out, "%llu trials", (unsigned long long)run->trials);
  else
    fprintf(out, "%llu of %llu trials", (unsigned long long)run->trials_done,
            (unsigned long long)run->trials);
  fprintf(out, " (%s), seed %llu, %s mode", report_store_run_state(run),
          (unsigned long long)run->seed,
          run->mode == MODEL_MODE_LIFETIME ? "lifetime" : "disaster");
  if (run->mode == MODEL_MODE_LIFETIME && isfinite(run->horizon_s)) {
    char h[48];
    fprintf(out, " over %s", report_md_format_duration(run->horizon_s, h, sizeof h));
  }
  if (run->first_trial)
    fprintf(out, ", trials from #%llu", (unsigned long long)run->first_trial);
  fprintf(out, ", drsim %s, started %s", run->program_version ? run->program_version : "?",
          run->started ? run->started : "?");
  if (run->finished) fprintf(out, ", finished %s", run->finished);
  fputs(".\n\n", out);
}

static void write_objectives(FILE *out, const report_summary *s)
{
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows);
  const report_run *run = report_summary_run(s);
  fputs("### Objectives\n\n", out);
  model_meet_rule rule = report_meet_rule(run);
  fputs("| environment | metric | n | mean | p50 | p90 | p95 | p99 [95 % CI] | max "
        "| objective | meets objective [95 % CI] | verdict | not recovered |\n", out);
  fputs("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|\n", out);
  int unbounded = 0;
  const report_summary_row *widest = NULL;
  double widest_hw = -1.0;
  size_t partly = 0, unaffected = 0;
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    char b[160];
    int first_of_env = i == 0 || strcmp(rows[i - 1].environment, r->environment) != 0;
    if (r->n == 0 && r->n_affected == 0 && run->trials_done > 0) {
      /* Not affected by this disaster: no sample, and never "meets 100 %". */
      if (!first_of_env) continue;
      unaffected++;
      fputs("|", out);
      cell_text(out, r->environment);
      snprintf(b, sizeof b, "not affected by this disaster (0 of %llu trials)",
               (unsigned long long)run->trials_done);
      cell(out, b);
      for (int k = 0; k < 11; k++) cell(out, "-");
      fputs("\n", out);
      continue;
    }
    if (first_of_env && r->n_affected < run->trials_done && run->mode != MODEL_MODE_LIFETIME)
      partly++;
    fputs("|", out);
    cell_text(out, r->environment);
    cell(out, metric_title(r->metric));
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->n);
    cell(out, b);
    report_md_format_row_value(r, r->mean.est, b, sizeof b);
    if (r->n_finite < r->n && r->n_finite > 0) {
      /* say what the mean is over when some trials were infinite */
      size_t k = strlen(b);
      snprintf(b + k, sizeof b - k, " (of %llu)", (unsigned long long)r->n_finite);
    }
    cell(out, b);
    report_md_format_row_value(r, r->p50.est, b, sizeof b);
    cell(out, b);
    report_md_format_row_value(r, r->p90.est, b, sizeof b);
    cell(out, b);
    report_md_format_row_value(r, r->p95.est, b, sizeof b);
    cell(out, b);
    report_md_format_row_ci(r, r->p99, b, sizeof b);
    cell(out, b);
    report_md_format_row_value(r, r->max, b, sizeof b);
    cell(out, b);
    if (isnan(r->objective)) snprintf(b, sizeof b, "-");
    else {
      char v[48];
      report_md_format_row_objective(r, v, sizeof v);
      snprintf(b, sizeof b, "%s %s", r->higher_is_better ? ">=" : "<=", v);
    }
    cell(out, b);
    report_md_format_share_ci(r->p_meet, rule.share, b, sizeof b);
    cell(out, b);
    cell(out, isnan(r->objective) ? "-" : model_meet_verdict_name(report_meet_row(&rule, r)));
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->not_recovered);
    cell(out, b);
    fputs("\n", out);
    if (isinf(r->p99.hi) && isfinite(r->p99.est)) unbounded = 1;
    double hw = report_stats_half_width(r->p99);
    if (!r->is_fraction && isfinite(hw) && hw > widest_hw) {
      widest_hw = hw;
      widest = r;
    }
  }
  fputs("\nIntervals are 95 %: the mean's from the t distribution over the "
        "trials with a finite value (\"of k\" when some were infinite: never "
        "recovered, or no copy of the data), percentiles' from order statistics "
        "(distribution-free, counting every trial), meeting the objective by the "
        "Wilson score.", out);
  char rb[400];
  fprintf(out, " Verdict: %s (the share and the confidence are the scenario's `meet:` block).",
          model_meet_describe(&rule, rb, sizeof rb));
  if (widest) {
    char hw[48];
    fprintf(out, " The widest p99 interval is %s %s (± %s); about %llu trials "
            "(4x) would halve it.", widest->environment, metric_title(widest->metric),
            report_md_format_duration(widest_hw, hw, sizeof hw),
            (unsigned long long)report_stats_trials_to_halve(run->trials_done));
  }
  if (unbounded)
    fprintf(out, " An upper bound of " INF_SIGN " on a finite p99 means too few "
            "trials to bound it: at least %llu are needed.",
            (unsigned long long)report_stats_min_trials_bounded(0.99, REPORT_STATS_LEVEL));
  if (unaffected || partly)
    fputs(" Only trials in which the disaster affected an environment (took something "
          "it runs on) count in its figures: n is those trials; an environment affected in "
          "none is not affected by this disaster, neither a success nor a miss.", out);
  fputs("\n\n", out);
  if (run->notes) {
    fputs("**DR capabilities lost.** ", out);
    for (const char *p = run->notes; *p; p++) putc(*p == '\n' ? ' ' : *p, out);
    fputs("\n\n", out);
  }
}

static void write_steps(FILE *out, const report_summary *s)
{
  report_table *t = report_md_steps_table(s);
  if (t && report_table_rows(t) > 0) {
    fputs("### Workflow steps\n\n", out);
    report_table_write_md(out, t);
    fputs("\n", out);
  }
  report_table_free(t);
}

static void write_components(FILE *out, const report_summary *s)
{
  report_table *t = report_md_components_table(s);
  if (t && report_table_rows(t) > 0) {
    fputs("### Components\n\n", out);
    report_table_write_md(out, t);
    fputs("\n", out);
  }
  report_table_free(t);
}

char *report_md_format_duration_ci(report_stats_ci c, char *buf, size_t n)
{
  char e[48], lo[48], hi[48];
  report_md_format_duration(c.est, e, sizeof e);
  if (isnan(c.est) || isnan(c.lo) || isnan(c.hi)) snprintf(buf, n, "%s", e);
  else
    snprintf(buf, n, "%s [%s, %s]", e, report_md_format_duration(c.lo, lo, sizeof lo),
             report_md_format_duration(c.hi, hi, sizeof hi));
  return buf;
}

/* ------------------------------------------------------------ lifetime */

/* "region disaster" for the conditional headings, from the cause rows. */
static const char *disaster_name(const report_summary *s)
{
  const report_summary_cause_row *c;
  size_t n = report_summary_causes(s, &c);
  for (size_t i = 0; i < n; i++)
    if (c[i].kind == REPORT_CAUSE_DISASTER) return c[i].cause;
  const report_run *run = report_summary_run(s);
  if (run->disaster && strncmp(run->disaster, "zone", 4) == 0) return "zone disaster";
  if (run->disaster && strncmp(run->disaster, "component", 9) == 0) return "component disaster";
  return run->disaster ? "region disaster" : "disaster";
}

/* Availability points as "0.276 pp" (three significant digits). */
static void fmt_pp(double fraction, char *buf, size_t n)
{
  if (isnan(fraction)) snprintf(buf, n, "-");
  else snprintf(buf, n, "%.3g pp", 100.0 * fraction);
}

static void fmt_objective(double objective, char *buf, size_t n)
{
  char v[48];
  if (isnan(objective)) snprintf(buf, n, "-");
  else snprintf(buf, n, ">= %s", report_md_format_percent(objective, v, sizeof v));
}

/* Does the run know disasters at all? Not when the scenario gives them no
** rate (p_no_disaster = 1) and none happened. */
static int any_disasters(const report_summary_lifetime_row *lt, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (lt[i].n_disaster > 0 || !(lt[i].p_no_disaster >= 1.0)) return 1;
  return 0;
}

#define NO_DISASTERS "The scenario gives its disaster no rate: every incident here is a " \
  "component failure."

/* How many trials had a disaster against how many its rate leads one to
** expect, and why that count matters; brief: one sentence for `drsim run`. */
static void write_rarity(FILE *out, const report_summary_lifetime_row *lt, size_t n_lt,
                         const char *what, uint64_t trials, int brief)
{
  uint64_t most = 0, incidents = 0;
  for (size_t i = 0; i < n_lt; i++)
    if (lt[i].n_disaster >= most) {
      most = lt[i].n_disaster;
      incidents = lt[i].disaster_incidents;
    }
  char p[48];
  if (brief) {
    fprintf(out, "A %s struck in %llu of %llu trials", what, (unsigned long long)most,
            (unsigned long long)trials);
    if (n_lt && !isnan(lt[0].p_no_disaster))
      fprintf(out, " (%.0f expected at its rate)", lt[0].expected_n_disaster);
    fprintf(out, ", %llu incidents in all: the figures above average those years with "
            "quiet ones. Given a %s (conditional: only the trials with one):",
            (unsigned long long)incidents, what);
    return;
  }
  fprintf(out, "A %s struck in %llu of the %llu trials (%llu incidents)", what,
          (unsigned long long)most, (unsigned long long)trials,
          (unsigned long long)incidents);
  if (n_lt && !isnan(lt[0].p_no_disaster))
    fprintf(out, "; at its rate %s of the trials have one (%.0f expected)",
            report_md_format_percent(1.0 - lt[0].p_no_disaster, p, sizeof p),
            lt[0].expected_n_disaster);
  fputs(". The all-trials figures average those years with the quiet ones, so what "
        "they say about disasters rests on that count; the estimates given a disaster "
        "below use only the trials that had one (conditional, not an average year).", out);
}

/* What `drsim run` prints for a lifetime run: availability against the
** objective, the conditional estimate given a disaster, one screen. */
static void write_lifetime_brief(FILE *out, const report_summary *s)
{
  const report_summary_lifetime_row *lt;
  size_t n = report_summary_lifetime(s, &lt);
  if (n == 0) return;
  const report_run *run = report_summary_run(s);
  char b[160], h[48];
  fprintf(out, "### Availability over %s\n\n",
          report_md_format_duration(run->horizon_s, h, sizeof h));
  fputs("| environment | availability [95 % CI] | objective | meets objective [95 % CI] "
        "| mean downtime | incidents: component / disaster | costs most availability |\n"
        "|---|--:|--:|--:|--:|--:|---|\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    fputs("|", out);
    cell_text(out, r->environment);
    cell(out, report_md_format_availability_ci(r->availability, b, sizeof b));
    fmt_objective(r->objective, b, sizeof b);
    cell(out, b);
    cell(out, report_md_format_percent_ci(r->p_meet, b, sizeof b));
    cell(out, report_md_format_duration(r->downtime_s.est, b, sizeof b));
    snprintf(b, sizeof b, "%llu / %llu", (unsigned long long)r->component_incidents,
             (unsigned long long)r->disaster_incidents);
    cell(out, b);
    if (r->top_cause) {
      char sh[48];
      snprintf(b, sizeof b, "%s (%s of downtime)", r->top_cause,
               report_md_format_percent(r->top_cause_share, sh, sizeof sh));
      cell_text(out, b);
    } else {
      cell(out, "-");
    }
    fputs("\n", out);
  }
  const char *what = disaster_name(s);
  fputs("\n", out);
  if (!any_disasters(lt, n)) {
    fputs(NO_DISASTERS "\n\n`drsim report --format md` adds downtime by cause and "
          "MTBF/MTTR against the scenario.\n\n", out);
    return;
  }
  write_rarity(out, lt, n, what, run->trials_done, 1);
  fputs("\n\n", out);
  fputs("| environment | trials | incidents | availability [95 % CI] | meets objective "
        "[95 % CI] | RTO p95 per incident | RPO p95 per incident | within RTO / RPO "
        "objective |\n|---|--:|--:|--:|--:|--:|--:|--:|\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    char x[64], y[64];
    fputs("|", out);
    cell_text(out, r->environment);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->n_disaster);
    cell(out, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->disaster_incidents);
    cell(out, b);
    cell(out, report_md_format_availability_ci(r->disaster_availability, b, sizeof b));
    cell(out, report_md_format_percent_ci(r->disaster_p_meet, b, sizeof b));
    cell(out, report_md_format_duration(r->incident_rto_p95.est, b, sizeof b));
    cell(out, report_md_format_duration(r->incident_rpo_p95.est, b, sizeof b));
    snprintf(b, sizeof b, "%s / %s", report_md_format_percent(r->incident_rto_meet.est, x, sizeof x),
             report_md_format_percent(r->incident_rpo_meet.est, y, sizeof y));
    cell(out, b);
    fputs("\n", out);
  }
  fputs("\n`drsim report --format md` adds downtime by cause, the incidents in detail and "
        "MTBF/MTTR against the scenario.\n\n", out);
}

static void write_lifetime_availability(FILE *out, const report_summary *s,
                                        const report_summary_lifetime_row *lt, size_t n)
{
  const report_run *run = report_summary_run(s);
  char b[160], h[48];
  fprintf(out, "### Availability over %s\n\n",
          report_md_format_duration(run->horizon_s, h, sizeof h));
  fputs("| environment | availability [95 % CI] | post-stratified [95 % CI] | objective "
        "| meets objective [95 % CI] | mean downtime [95 % CI] | of which components "
        "/ disaster / failback |\n|---|--:|--:|--:|--:|--:|--:|\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    char x[48], y[48], z[48];
    fputs("|", out);
    cell_text(out, r->environment);
    cell(out, report_md_format_availability_ci(r->availability, b, sizeof b));
    cell(out, report_md_format_availability_ci(r->stratified_availability, b, sizeof b));
    fmt_objective(r->objective, b, sizeof b);
    cell(out, b);
    cell(out, report_md_format_percent_ci(r->p_meet, b, sizeof b));
    report_md_format_duration_ci(r->downtime_s, b, sizeof b);
    cell(out, b);
    snprintf(b, sizeof b, "%s / %s / %s",
             report_md_format_duration(r->downtime_component_s, x, sizeof x),
             report_md_format_duration(r->downtime_disaster_s, y, sizeof y),
             report_md_format_duration(r->downtime_failback_s, z, sizeof z));
    cell(out, b);
    fputs("\n", out);
  }
  fprintf(out, "\nAvailability = 1 - downtime / %s per trial; its mean has a t interval, "
          "meeting the objective a Wilson interval. The post-stratified mean weighs the "
          "years with and without a disaster by their known probability instead of their "
          "sampled count, which narrows its interval when disasters are rare.\n\n", h);
}

static void write_lifetime_basis(FILE *out, const report_summary *s,
                                 const report_summary_lifetime_row *lt, size_t n)
{
  const report_run *run = report_summary_run(s);
  const char *what = disaster_name(s);
  char b[96];
  fputs("### What the estimates rest on\n\n", out);
  fprintf(out, "| environment | trials | trials with a %s | disaster incidents | of them "
          "itemised | component incidents |\n|---|--:|--:|--:|--:|--:|\n", what);
  uint64_t over = 0;
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    fputs("|", out);
    cell_text(out, r->environment);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->n);
    cell(out, b);
    if (isnan(r->expected_n_disaster))
      snprintf(b, sizeof b, "%llu", (unsigned long long)r->n_disaster);
    else
      snprintf(b, sizeof b, "%llu (%.1f expected)", (unsigned long long)r->n_disaster,
               r->expected_n_disaster);
    cell(out, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->disaster_incidents);
    cell(out, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->incidents_itemised);
    cell(out, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->component_incidents);
    cell(out, b);
    fputs("\n", out);
    if (r->disaster_incidents > r->incidents_itemised)
      over += r->disaster_incidents - r->incidents_itemised;
  }
  fputs("\n", out);
  if (any_disasters(lt, n)) write_rarity(out, lt, n, what, run->trials_done, 0);
  else fputs(NO_DISASTERS, out);
  if (over)
    fprintf(out, " %llu incidents (over the environments) beyond the first %d of a trial "
            "are counted but not itemised, so the per-incident figures leave them out.",
            (unsigned long long)over, MODEL_OUTCOME_MAX_INCIDENTS);
  fputs("\n\n", out);
}

static void write_lifetime_conditional(FILE *out, const report_summary *s,
                                       const report_summary_lifetime_row *lt, size_t n)
{
  const char *what = disaster_name(s);
  char b[160];
  fprintf(out, "### Given a %s (conditional)\n\n", what);
  fprintf(out, "| environment | trials with one | availability [95 %% CI] | meets objective "
          "[95 %% CI] | mean downtime | without a %s: availability | meets objective |\n"
          "|---|--:|--:|--:|--:|--:|--:|\n", what);
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    fputs("|", out);
    cell_text(out, r->environment);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->n_disaster);
    cell(out, b);
    cell(out, report_md_format_availability_ci(r->disaster_availability, b, sizeof b));
    cell(out, report_md_format_percent_ci(r->disaster_p_meet, b, sizeof b));
    cell(out, report_md_format_duration(r->disaster_downtime_s.est, b, sizeof b));
    cell(out, report_md_format_availability_ci(r->quiet_availability, b, sizeof b));
    cell(out, report_md_format_percent_ci(r->quiet_p_meet, b, sizeof b));
    fputs("\n", out);
  }
  fputs("\nEach disaster incident (the first 4 of a trial; all trials):\n\n", out);
  fputs("| environment | incidents | RTO p50 | RTO p95 [95 % CI] | within RTO objective "
        "[95 % CI] | RPO p50 | RPO p95 [95 % CI] | within RPO objective [95 % CI] | not "
        "recovered | downtime per incident |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
        out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &lt[i];
    fputs("|", out);
    cell_text(out, r->environment);
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->n_incidents);
    cell(out, b);
    cell(out, report_md_format_duration(r->incident_rto_p50.est, b, sizeof b));
    report_md_format_duration_ci(r->incident_rto_p95, b, sizeof b);
    cell(out, b);
    cell(out, report_md_format_percent_ci(r->incident_rto_meet, b, sizeof b));
    cell(out, report_md_format_duration(r->incident_rpo_p50.est, b, sizeof b));
    report_md_format_duration_ci(r->incident_rpo_p95, b, sizeof b);
    cell(out, b);
    cell(out, report_md_format_percent_ci(r->incident_rpo_meet, b, sizeof b));
    snprintf(b, sizeof b, "%llu", (unsigned long long)r->incidents_not_recovered);
    cell(out, b);
    cell(out, report_md_format_duration(r->downtime_per_incident_s, b, sizeof b));
    fputs("\n", out);
  }
  fputs("\nDowntime per incident counts the time until restored and failing back.\n\n", out);
}

static void write_lifetime_causes(FILE *out, const report_summary *s)
{
  const report_summary_cause_row *c;
  size_t n = report_summary_causes(s, &c);
  if (n == 0) return;
  const report_run *run = report_summary_run(s);
  char b[160], h[48];
  fprintf(out, "### Downtime by cause\n\n| environment | cause | trials | mean downtime / %s "
          "[95 %% CI] | share of downtime | availability it costs |\n"
          "|---|---|--:|--:|--:|--:|\n",
          report_md_format_duration(run->horizon_s, h, sizeof h));
  for (size_t i = 0; i < n; i++) {
    fputs("|", out);
    cell_text(out, c[i].environment);
    if (i == 0 || strcmp(c[i].environment, c[i - 1].environment) != 0) {
      fputs(" **", out);   /* the one that costs the environment most */
      report_md_escape(out, c[i].cause);
      fputs("** |", out);
    } else {
      cell_text(out, c[i].cause);
    }
    snprintf(b, sizeof b, "%llu", (unsigned long long)c[i].trials);
    cell(out, b);
    report_md_format_duration_ci(c[i].downtime_s, b, sizeof b);
    cell(out, b);
    cell(out, report_md_format_percent(c[i].share, b, sizeof b));
    fmt_pp(c[i].availability_cost, b, sizeof b);
    cell(out, b);
    fputs("\n", out);
  }
  fputs("\nAt each moment an environment is down, its downtime is split equally among the "
        "causes active then (a component, the disaster incident, failing back), so each "
        "environment's shares add up to 100 %. The cost is mean downtime / horizon in "
        "percentage points of availability; the first cause of each environment (bold) "
        "costs it most.\n\n", out);
}

static void write_lifetime_reliability(FILE *out, const report_summary *s)
{
  const report_summary_component_row *rows;
  size_t n = report_summary_components(s, &rows), shown = 0;
  for (size_t i = 0; i < n; i++)
    shown += !isnan(rows[i].mtbf_target_s) || rows[i].failures > 0;
  if (shown == 0) return;
  fputs("### Components: observed MTBF and MTTR against the scenario\n\n", out);
  fputs("| component | environment | failures / trial | MTBF [95 % CI] | MTBF target "
        "| MTTR [95 % CI] | MTTR target | own down time / trial | environment downtime "
        "caused / trial |\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_component_row *r = &rows[i];
    if (isnan(r->mtbf_target_s) && r->failures == 0) continue;
    char b[160];
    fputs("|", out);
    cell_text(out, r->name);
    cell_text(out, r->environment ? r->environment : "(shared)");
    if (isnan(r->failures_per_trial)) snprintf(b, sizeof b, "-");
    else snprintf(b, sizeof b, "%.3g", r->failures_per_trial);
    cell(out, b);
    report_md_format_duration_ci(r->mtbf_s, b, sizeof b);
    cell(out, b);
    cell(out, report_md_format_duration(r->mtbf_target_s, b, sizeof b));
    report_md_format_duration_ci(r->mttr_s, b, sizeof b);
    cell(out, b);
    cell(out, report_md_format_duration(r->mttr_target_s, b, sizeof b));
    cell(out, report_md_format_duration(r->mean_down_s, b, sizeof b));
    cell(out, report_md_format_duration(r->mean_downtime_caused_s, b, sizeof b));
    fputs("\n", out);
  }
  fputs("\nMTBF = total up time / failures and MTTR = total down time / failures over all "
        "trials; targets are the means of the scenario's failure and repair "
        "distributions. Intervals: ratio estimator across trials (delta method, t), valid "
        "whatever the distributions. Each trial's last up or down period is cut at the "
        "horizon: with exponential times the ratios still estimate the means without "
        "bias; with others they drift from them when the horizon is short next to the "
        "MTBF.\n\n", out);
}

static void write_lifetime(FILE *out, const report_summary *s)
{
  const report_summary_lifetime_row *lt;
  size_t n = report_summary_lifetime(s, &lt);
  if (n == 0) return;
  write_lifetime_availability(out, s, lt, n);
  write_lifetime_basis(out, s, lt, n);
  if (any_disasters(lt, n)) write_lifetime_conditional(out, s, lt, n);
  write_lifetime_causes(out, s);
  write_lifetime_reliability(out, s);
}

static void write_standby(FILE *out, const report_summary *s)
{
  report_table *t = report_md_standby_table(s);
  if (t && report_table_rows(t) > 0) {
    fputs("### Standby capacity\n\n", out);
    report_table_write_md(out, t);
    fputs("\nWarm nodes cost = warm nodes x node cost per hour x 8760 h.\n\n", out);
  }
  report_table_free(t);
}

/* The answer first: the leads drsim report added (none: nothing). */
static void write_leads(FILE *out, const report_summary *s)
{
  const char *const *leads;
  size_t n = report_summary_leads(s, &leads);
  if (n == 0) return;
  fputs("### In short\n\n", out);
  for (size_t i = 0; i < n; i++) fprintf(out, "- %s\n", leads[i]);
  fputs("\n", out);
}

int report_md_write(FILE *out, const report_summary *s, unsigned sections,
                    report_error *err)
{
  const report_run *run = report_summary_run(s);
  if (sections & REPORT_MD_RUN) write_run(out, run);
  if (sections & REPORT_MD_OBJECTIVES) write_leads(out, s);
  if (sections & REPORT_MD_OBJECTIVES) write_objectives(out, s);
  if (sections & REPORT_MD_LIFETIME) write_lifetime(out, s);
  else if (sections & REPORT_MD_OBJECTIVES) write_lifetime_brief(out, s);
  if (sections & REPORT_MD_STEPS) write_steps(out, s);
  if (sections & REPORT_MD_COMPONENTS) write_components(out, s);
  if (sections & REPORT_MD_STANDBY) write_standby(out, s);
  if ((sections & REPORT_MD_COSTS) && report_summary_costs(s))
    report_costs_print_md(report_summary_costs(s), out);
  if (fflush(out) != 0 || ferror(out)) {
    int e = errno;
    if (err)
      snprintf(err->text, sizeof err->text, "writing the Markdown summary: %s",
               e ? strerror(e) : "write error");
    return REPORT_EIO;
  }
  return REPORT_OK;
}
