/*
** reports/page.h — the standalone HTML page of the what-if commands'
** --html charts (sweep, size, sensitivity) and the number formats their
** tables and charts share.
*/
#ifndef DRSIM_REPORTS_PAGE_H
#define DRSIM_REPORTS_PAGE_H

#include <stddef.h>
#include <stdio.h>

/* A standalone HTML page (UTF-8, inline CSS, no scripts): begin writes the
** head and an <h1> with `title` (escaped); end closes it. Return 0, or -1
** on a write error. */
int report_page_begin(FILE *f, const char *title);
int report_page_end(FILE *f);

/* Format a duration for humans into buf ("2h 49m", "never" for +inf, "n/a"
** for NaN); returns buf. */
char *report_page_duration(double s, char *buf, size_t n);

/* A figure of a metric: a share as "12.34 %" when percent (NaN: "n/a"),
** else a duration as report_page_duration; returns buf. */
char *report_page_value(double v, int percent, char *buf, size_t n);

/* Significant digits to print 100 * q (a quantile in (0, 1)) with %.*g so
** that it reads as what it is: never "100" (p100 is the maximum, which a
** quantile below 1 is not) nor "0", at least 6 digits as %g prints. */
int report_page_pct_digits(double q);

/* The two arguments of "p%.*g" for quantile q. */
#define REPORT_PAGE_PCT(q) report_page_pct_digits(q), 100 * (q)

#endif
