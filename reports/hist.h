/*
** reports/hist.h — a mergeable log-linear histogram of non-negative values
** (seconds, fractions) that answers quantiles and their distribution-free
** intervals in flat memory, at any trial count, with a stated error; and,
** when the values can be read a second time (a stored run), the exact
** order statistics in two passes without holding every value.
**
** Buckets (the same in every histogram, so any two merge by adding counts;
** the storage is a gsl_histogram with these ranges):
**   bucket 0            [-inf, REPORT_HIST_MIN): zero and below
**   buckets 1..K        [MIN·G^(k-1), MIN·G^k), G = 1 + REPORT_HIST_REL_WIDTH
**   bucket K+1          [MIN·G^K, DBL_MAX]: finite overflow
**   +inf is counted apart and sorts after every finite value; NaN is ignored.
** With MIN = 1e-9 and the top of bucket K at or above 1e13 (about 317 000
** years in seconds) K = 50 683; one histogram takes about 0.8 MB.
**
** Error bound (histogram estimates, report_hist_quantile without the exact
** pass): every bucket in 1..K is [a, a·1.001), so it is at most 0.1 % of any
** value in it wide. A quantile estimate replaces each order statistic by the
** middle of its bucket (the bucket clamped to the smallest and largest value
** seen): within 0.05 % of the exact order statistic (relative), and the
** interpolated quantile inherits that bound. Values in bucket 0 are within
** REPORT_HIST_MIN / 2 (absolute); exact when the bucket clamped to the
** smallest and largest value seen is one point (e.g. only zeros). The interval's ends are the bucket edges of the
** order statistics X(l) and X(u) (report_stats_quantile_ranks): lower edge
** of X(l)'s bucket, upper edge of X(u)'s, so each end is widened by at most
** one bucket width (0.1 %) and the interval contains the exact one. A
** value equal to +inf is exact (counted apart).
**
** Exact pass (stored runs): report_hist_plan names the order statistics the
** quantiles need, report_hist_collect is fed every value again (same
** values, any order), and then report_hist_quantile returns exactly what
** report_stats_quantile returns on the sorted values, bit for bit. Only
** the values falling in the planned buckets are kept (at most `cap` in
** all); a bucket too crowded for the cap keeps its histogram estimate.
**
** Not thread-safe; one histogram per thread or rank, merged at the end.
*/
#ifndef DRSIM_REPORTS_HIST_H
#define DRSIM_REPORTS_HIST_H

#include <stddef.h>
#include <stdint.h>
#include "reports/stats.h"

#define REPORT_HIST_MIN 1e-9           /* lower edge of bucket 1 */
#define REPORT_HIST_TOP 1e13           /* bucket K's upper edge is at least this */
#define REPORT_HIST_REL_WIDTH 0.001    /* bucket width / its lower edge */

typedef struct report_hist report_hist;

/* A new empty histogram, or NULL when out of memory. */
report_hist *report_hist_new(void);

void report_hist_free(report_hist *h);   /* NULL is a no-op */

/* Count one value: NaN is ignored, +inf counted apart. */
void report_hist_add(report_hist *h, double x);

/* dst += src: afterwards dst equals one histogram fed both value streams
** (counts, min, max). Returns 0, or -1 when the bucket ranges differ
** (histograms from another build). Planned/collected state is not merged. */
int report_hist_merge(report_hist *dst, const report_hist *src);

uint64_t report_hist_count(const report_hist *h);      /* values added, +inf included */
uint64_t report_hist_count_inf(const report_hist *h);  /* +inf values */
double report_hist_min(const report_hist *h);          /* NAN when empty */
double report_hist_max(const report_hist *h);          /* +inf if any; NAN when empty */

/* Number of buckets (K + 2) and bucket i's count and edges [*lo, *hi), for
** serialising a histogram (MPI reductions) or drawing it. */
size_t report_hist_buckets(const report_hist *h);
uint64_t report_hist_bucket(const report_hist *h, size_t i, double *lo, double *hi);

/* Add count values in bucket i with the given observed min and max (the
** inverse of report_hist_bucket, for deserialising). Returns -1 if i is out
** of range. */
int report_hist_add_bucket(report_hist *h, size_t i, uint64_t count, double min,
                           double max);

/* Plan the exact pass for the quantiles p[0..np) at `level`: the order
** statistics report_stats_quantile would read. cap bounds the values kept
** in all (e.g. 1 << 22 = 32 MB). Returns 0, or -1 when out of memory. */
int report_hist_plan(report_hist *h, const double *p, size_t np, double level, size_t cap);

/* Exact pass: offer every value again (NaN ignored). Only values in the
** planned buckets are kept. After the last value call report_hist_quantile. */
void report_hist_collect(report_hist *h, double x);

/* The p-quantile and its distribution-free interval at `level`, with the
** conventions of report_stats_quantile (n = 0: NaN; unbounded sides ±inf;
** an estimate touching +inf is +inf). Exact where the exact pass kept the
** order statistic's bucket (and for the smallest and largest value), otherwise within the bound stated above. */
report_stats_ci report_hist_quantile(report_hist *h, double p, double level);

/* 1 when every order statistic the last report_hist_quantile used was
** exact (from the exact pass, +inf, the smallest or largest value, or a
** bucket whose clamped range is one point). */
int report_hist_last_exact(const report_hist *h);

#endif
