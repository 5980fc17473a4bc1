/*
** reports/stats.h — the statistics behind every summary table: the mean with
** a t interval, sample quantiles with distribution-free confidence intervals
** from order statistics, the Wilson score interval for a proportion, and how
** many trials a tighter interval would need.
**
** Data conventions (shared by all functions here):
**  - Values are doubles; +INFINITY means "never happened" (an environment
**    that was not recovered has RTO = +inf). Infinite values sort last, so a
**    quantile that lands on them is reported as +inf, never dropped.
**  - NaN means "no value" and is removed by report_stats_prepare(); the other
**    functions require NaN-free input.
**  - Quantile functions take data sorted ascending (report_stats_prepare).
**  - n = 0 gives NaN estimates and NaN bounds, never a crash.
**  - An interval side that the data cannot bound (too few trials for a
**    distribution-free bound on p99, say) is reported as -INFINITY / +INFINITY:
**    "unbounded", which is the honest answer, not a missing one.
**
** All intervals are two-sided at `level` (0 < level < 1), normally
** REPORT_STATS_LEVEL = 0.95. Pure functions: no allocation, no state.
*/
#ifndef DRSIM_REPORTS_STATS_H
#define DRSIM_REPORTS_STATS_H

#include <stddef.h>
#include <stdint.h>

#define REPORT_STATS_LEVEL 0.95

/* A point estimate with its interval [lo, hi]. */
typedef struct report_stats_ci {
  double est;
  double lo;
  double hi;
} report_stats_ci;

/* Remove NaNs from x[0..n) (order of the rest not kept) and sort the rest
** ascending with gsl_sort (-inf first, +inf last). Returns the new count. */
size_t report_stats_prepare(double *x, size_t n);

/* Number of +INFINITY values at the end of sorted data. */
size_t report_stats_count_inf(const double *sorted, size_t n);

/* Mean of the FINITE values of x[0..n) (infinite values are skipped: a mean
** containing +inf says nothing; the caller reports how many were skipped)
** with the Student t interval mean ± t(level, m-1) · s / sqrt(m), m = number
** of finite values. m = 0: all NaN. m = 1: est = the value, lo = hi = NaN.
** If n_finite is not NULL it receives m. */
report_stats_ci report_stats_mean(const double *x, size_t n, double level,
                                  size_t *n_finite);

/* Ranks (1-based) of the order statistics bounding the p-quantile at
** `level`, distribution-free: with B ~ Binomial(n, p) (B = number of
** observations below the true quantile), l is the largest rank with
** P(B <= l-1) <= (1-level)/2 and u the smallest with
** P(B <= u-1) >= 1-(1-level)/2, so P(X(l) <= q_p <= X(u)) >= P(l <= B < u)
** >= level. *l = 0 means no finite lower rank exists (unbounded below),
** *u = n+1 no upper rank (unbounded above). Requires 0 <= p <= 1. */
void report_stats_quantile_ranks(uint64_t n, double p, double level,
                                 uint64_t *l, uint64_t *u);

/* The p-quantile of sorted[0..n) (GSL's definition, linear interpolation
** between order statistics: index p·(n-1)) with the distribution-free
** interval [sorted[l-1], sorted[u-1]] of report_stats_quantile_ranks.
** An estimate that touches a +inf value with nonzero weight is +inf. */
report_stats_ci report_stats_quantile(const double *sorted, size_t n, double p,
                                      double level);

/* Wilson score interval for k successes out of n trials:
**   centre = (p̂ + z²/2n) / (1 + z²/n)
**   half   = z / (1 + z²/n) · sqrt(p̂(1-p̂)/n + z²/4n²)
** with p̂ = k/n and z the standard normal (1+level)/2 quantile. est = p̂.
** Stays inside [0, 1] and is sane for k = 0 or k = n, unlike the Wald
** interval. n = 0: all NaN. Requires k <= n. */
report_stats_ci report_stats_wilson(uint64_t k, uint64_t n, double level);

/* The difference b - a of two independent estimates with intervals (as
** `drsim compare` shows it): est = b.est - a.est, each side's half-width
** the root sum of squares of the half-widths that point that way
** (lo: b's lower and a's upper, hi: b's upper and a's lower), so an
** asymmetric interval (a quantile's) stays asymmetric. */
report_stats_ci report_stats_difference(report_stats_ci a, report_stats_ci b);

/* Half the width of an interval; +inf when a side is unbounded, NaN when
** either side is NaN. */
double report_stats_half_width(report_stats_ci ci);

/* How many trials (in total) would halve the half-width of a quantile or
** mean interval computed from n trials: 4n. Both the t interval of a mean
** (s/sqrt(n)) and the order-statistic interval of a quantile shrink as
** 1/sqrt(n): asymptotically X(l), X(u) sit at q_p ± z·sqrt(p(1-p)/n)/f(q_p),
** f the density at the quantile. Halving 1/sqrt(n) takes 4n. Saturates at
** UINT64_MAX. */
uint64_t report_stats_trials_to_halve(uint64_t n);

/* The smallest n for which the distribution-free interval of the
** p-quantile has both sides bounded (1 <= l and u <= n), e.g. 368 for p99
** at 95 % (below that the upper bound of p99 is +inf whatever the data).
** Returns 0 for p outside (0, 1). */
uint64_t report_stats_min_trials_bounded(double p, double level);

#endif
