/*
** reports/md.h — the summary of a run as Markdown for humans: the printed
** summary of `drsim run` and `drsim report --format md`. Same numbers as the
** CSV (reports/csv.h), formatted to be read: durations as "2h 13m",
** fractions as "93.1 %", intervals as "93.1 % [92.6, 93.6]", with n shown.
** Tables are GitHub-flavoured Markdown pipe tables (cells escape '|').
**
** Conventions in cells: "-" means no value (no objective, no trials);
** "∞" (UTF-8) is an infinite duration (not recovered / never reached), and an
** interval that the data cannot bound shows it as its upper end.
*/
#ifndef DRSIM_REPORTS_MD_H
#define DRSIM_REPORTS_MD_H

#include <stddef.h>
#include <stdio.h>
#include "reports/store.h"
#include "reports/summary.h"
#include "reports/table.h"

/* Sections to write (bit set). */
enum {
  REPORT_MD_RUN = 1u << 0,         /* heading and a line about the run */
  REPORT_MD_OBJECTIVES = 1u << 1,  /* the environment x metric table + precision note */
  REPORT_MD_STEPS = 1u << 2,       /* workflow steps: critical path, durations */
  REPORT_MD_COMPONENTS = 1u << 3,  /* components: RPO */
  REPORT_MD_STANDBY = 1u << 4,     /* standby pools: scale-up and cost */
  REPORT_MD_LIFETIME = 1u << 5,    /* lifetime runs: availability, what it rests on,
                                      conditional on a disaster, incidents, downtime
                                      by cause, MTBF/MTTR against the scenario */
  REPORT_MD_COSTS = 1u << 6,       /* costs (reports/costs.h), when the run has them */
  REPORT_MD_ALL = 0x7fu
};

/* Lifetime runs: REPORT_MD_OBJECTIVES without REPORT_MD_LIFETIME (what
** `drsim run` prints) adds a short availability table and the conditional
** estimate given a disaster after the objectives; with REPORT_MD_LIFETIME
** the full lifetime sections replace them. */

/* Write the chosen sections of s to out. Returns REPORT_OK, or REPORT_EIO on
** a write error (err filled). */
int report_md_write(FILE *out, const report_summary *s, unsigned sections,
                    report_error *err);

/* The steps, components (those with data or a failover) and standby pools
** of s as table models (reports/table.h), the same cells for the Markdown
** and the HTML report; NULL when out of memory. Free with
** report_table_free. */
report_table *report_md_steps_table(const report_summary *s);
report_table *report_md_components_table(const report_summary *s);
report_table *report_md_standby_table(const report_summary *s);

/* Cell formatters (also for other human-facing writers). Each writes at most
** n bytes including the NUL and returns buf. */

/* Write text (a name from a scenario or the database) for Markdown: every
** Markdown-active character (\ ` * _ [ ] < > | & ~ !) backslash-escaped,
** so a name such as <script> or **x** is shown as written, and control
** characters (ANSI escape sequences) dropped, line breaks and tabs as
** spaces. */
void report_md_escape(FILE *out, const char *t);

/* Duration: "-" for NaN, "∞" for +inf, else model_units_format_duration
** ("45s", "12m 30s", "4h 05m", "2d 03h"). */
char *report_md_format_duration(double seconds, char *buf, size_t n);

/* Fraction as a percentage with the decimals needed to tell it from 0 % and
** 100 % (0.931 -> "93.1 %", 0.9999 -> "99.99 %", 1 -> "100 %"); "-" for NaN. */
char *report_md_format_percent(double fraction, char *buf, size_t n);

/* A fraction with its interval, decimals shared: "93.1 % [92.6, 93.6]"; more
** decimals (up to four) where an end would print as the estimate:
** "0.13 % [0.07, 0.22]". */
char *report_md_format_percent_ci(report_stats_ci ci, char *buf, size_t n);

/* report_md_format_percent_ci for a P(meet) judged against `share` (the
** meet rule's): never rounded across it — 94.96 % against 95 % reads
** "94.96 %", not "95.0 %" (more decimals until the shown estimate is on
** the estimate's side, up to 6). */
char *report_md_format_share_ci(report_stats_ci ci, double share, char *buf, size_t n);

/* Availability: a percentage with at least two decimals (and more when
** needed to tell it from 100 %), since targets differ in the first one:
** 0.99627 -> "99.63 %", 0.999996 -> "99.9996 %"; "-" for NaN. The _ci form
** shares the decimals, adding (up to four) where the ends would otherwise
** print as the estimate: "99.63 % [99.62, 99.64]", "99.624 % [99.620, 99.628]". */
char *report_md_format_availability(double fraction, char *buf, size_t n);
char *report_md_format_availability_ci(report_stats_ci ci, char *buf, size_t n);

/* Duration with its interval, "2h 13m [2h 01m, 2h 30m]"; the estimate
** alone when a bound is NaN. */
char *report_md_format_duration_ci(report_stats_ci c, char *buf, size_t n);

/* The one formatting path of a summary row's values (environment x metric),
** for every human-facing writer (Markdown here, HTML in reports/html.c):
** a duration, or for a fraction row (availability) a percentage as
** report_md_format_availability. The _ci form writes "est [lo, hi]" and
** clamps a fraction's interval ends to [0, 1] (a share cannot leave it; a
** t interval of a mean near 1 would), so Markdown and HTML show the same
** interval. The objective: a duration, or a fraction as
** report_md_format_percent ("99.9 %"); "-" when there is none. */
char *report_md_format_row_value(const report_summary_row *r, double v, char *buf,
                                 size_t n);
char *report_md_format_row_ci(const report_summary_row *r, report_stats_ci c, char *buf,
                              size_t n);
char *report_md_format_row_objective(const report_summary_row *r, char *buf, size_t n);

#endif
