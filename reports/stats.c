/*
** reports/stats.c — implementation of reports/stats.h. GSL does the sorting,
** the interpolated sample quantile, and the binomial, normal and t
** distribution functions; this file adds the handling of infinite values
** and n = 0, and the search for the order-statistic ranks.
*/
#include "reports/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* Sorting: gsl_sort is a heapsort, about 40 ms for 3e5 values and 2 s for
** 1e7, and a summary sorts several such columns. Above RADIX_MIN values an
** LSD radix sort on the IEEE bit patterns (11-bit digits, passes where every
** value has the same digit skipped) does the same in a seventh of the time,
** with one scratch array; if that cannot be allocated, gsl_sort it is. */
#define RADIX_MIN 4096
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

/* Order-preserving map of a non-NaN double to an unsigned integer: flip
** every bit of negatives, only the sign bit of the rest. */
static uint64_t radix_key(double d)
{
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u >> 63 ? ~u : u | 0x8000000000000000ull;
}

static double radix_unkey(uint64_t u)
{
  u = u >> 63 ? u & 0x7fffffffffffffffull : ~u;
  double d;
  memcpy(&d, &u, sizeof d);
  return d;
}

/* The double array doubles as the second key buffer, accessed by memcpy
** (no aliasing of double storage through uint64_t lvalues). */
static uint64_t load_key(const unsigned char *buf, size_t i)
{
  uint64_t u;
  memcpy(&u, buf + i * sizeof u, sizeof u);
  return u;
}

static void store_key(unsigned char *buf, size_t i, uint64_t u)
{
  memcpy(buf + i * sizeof u, &u, sizeof u);
}

static int radix_sort(double *x, size_t n)
{
  uint64_t *tmp = malloc(n * sizeof *tmp);
  size_t *count = malloc(RADIX_SIZE * sizeof *count);
  if (!tmp || !count) {
    free(tmp);
    free(count);
    return -1;
  }
  unsigned char *xb = (unsigned char *)x;
  for (size_t i = 0; i < n; i++) store_key(xb, i, radix_key(x[i]));
  int in_x = 1;   /* where the keys currently are */
  for (unsigned shift = 0; shift < 64; shift += RADIX_BITS) {
    memset(count, 0, RADIX_SIZE * sizeof *count);
    for (size_t i = 0; i < n; i++) {
      uint64_t k = in_x ? load_key(xb, i) : tmp[i];
      count[(k >> shift) & (RADIX_SIZE - 1)]++;
    }
    uint64_t k0 = in_x ? load_key(xb, 0) : tmp[0];
    if (count[(k0 >> shift) & (RADIX_SIZE - 1)] == n) continue;
    size_t sum = 0;
    for (size_t d = 0; d < RADIX_SIZE; d++) {
      size_t c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) {
      if (in_x) {
        uint64_t k = load_key(xb, i);
        tmp[count[(k >> shift) & (RADIX_SIZE - 1)]++] = k;
      } else {
        uint64_t k = tmp[i];
        store_key(xb, count[(k >> shift) & (RADIX_SIZE - 1)]++, k);
      }
    }
    in_x = !in_x;
  }
  for (size_t i = 0; i < n; i++) x[i] = radix_unkey(in_x ? load_key(xb, i) : tmp[i]);
  free(tmp);
  free(count);
  return 0;
}

size_t report_stats_prepare(double *x, size_t n)
{
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) x[m++] = x[i];
  if (m >= RADIX_MIN && radix_sort(x, m) == 0) return m;
  if (m > 1) gsl_sort(x, 1, m);
  return m;
}

size_t report_stats_count_inf(const double *sorted, size_t n)
{
  size_t k = 0;
  while (k < n && isinf(sorted[n - 1 - k]) && sorted[n - 1 - k] > 0) k++;
  return k;
}

report_stats_ci report_stats_mean(const double *x, size_t n, double level,
                                  size_t *n_finite)
{
  report_stats_ci r = {NAN, NAN, NAN};
  /* Corrected two-pass over the finite values only (one +inf would poison
  ** gsl_stats_mean): the mean of exact data comes out exact, and the
  ** variance does not lose digits to cancellation. */
  double sum = 0.0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i])) { sum += x[i]; m++; }
  double mean = m ? sum / (double)m : 0.0, c = 0.0, m2 = 0.0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i])) {
      double d = x[i] - mean;
      c += d;
      m2 += d * d;
    }
  if (m) {
    m2 -= c * c / (double)m;
    if (m2 < 0.0) m2 = 0.0;
    mean += c / (double)m;
  }
  if (n_finite) *n_finite = m;
  if (m == 0) return r;
  r.est = mean;
  if (m < 2) return r;
  double sd = sqrt(m2 / (double)(m - 1));
  double t = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(m - 1));
  double half = t * sd / sqrt((double)m);
  r.lo = mean - half;
  r.hi = mean + half;
  return r;
}

/* P(B <= k), B ~ Binomial(n, p), for k possibly -1 or >= n. GSL takes
** unsigned int: report_stats_quantile_ranks uses the normal approximation
** for larger n. */
static double binom_cdf(int64_t k, uint64_t n, double p)
{
  if (k < 0) return 0.0;
  if ((uint64_t)k >= n) return 1.0;
  return gsl_cdf_binomial_P((unsigned)k, p, (unsigned)n);
}

void report_stats_quantile_ranks(uint64_t n, double p, double level,
                                 uint64_t *l, uint64_t *u)
{
  double a = (1.0 - level) / 2.0;
  if (n > 0xFFFFFFFFu) {
    /* Beyond GSL's unsigned counts the binomial is normal to many digits:
    ** ranks np -/+ z sqrt(np(1-p)), widened by one each side. */
    double z = gsl_cdf_ugaussian_Pinv(1.0 - a);
    double m = (double)n * p, sd = sqrt((double)n * p * (1.0 - p));
    double lo = floor(m - z * sd), hi = ceil(m + z * sd) + 1.0;
    *l = lo < 0 ? 0 : (uint64_t)lo;
    *u = hi > (double)n + 1.0 ? n + 1 : (uint64_t)hi;
    return;
  }
  /* l = 1 + largest k in [-1, n] with F(k) <= a. F is nondecreasing, so
  ** binary search: invariant F(lo) <= a (F(-1) = 0), F(hi) > a (F(n) = 1). */
  int64_t lo = -1, hi = (int64_t)n;
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (binom_cdf(mid, n, p) <= a) lo = mid; else hi = mid;
  }
  *l = (uint64_t)(lo + 1);
  /* u = 1 + smallest k in [0, n] with F(k) >= 1 - a: invariant
  ** F(lo) < 1 - a, F(hi) >= 1 - a. */
  lo = -1; hi = (int64_t)n;
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (binom_cdf(mid, n, p) >= 1.0 - a) hi = mid; else lo = mid;
  }
  *u = (uint64_t)(hi + 1);
}

/* The interpolated quantile with infinity-aware edges: GSL computes
** (1-d)·x[i] + d·x[i+1], which gives 0·inf = NaN when d = 0 and x[i+1] is
** infinite. */
static double quantile_sorted(const double *x, size_t n, double p)
{
  double index = p * (double)(n - 1);
  size_t lhs = (size_t)index;
  if (lhs >= n - 1) return x[n - 1];
  double delta = index - (double)lhs;
  if (isinf(x[lhs])) return x[lhs];
  if (delta == 0.0) return x[lhs];
  if (isinf(x[lhs + 1])) return x[lhs + 1];
  return gsl_stats_quantile_from_sorted_data(x, 1, n, p);
}

report_stats_ci report_stats_quantile(const double *sorted, size_t n, double p,
                                      double level)
{
  report_stats_ci r = {NAN, NAN, NAN};
  if (n == 0) return r;
  r.est = quantile_sorted(sorted, n, p);
  uint64_t l, u;
  report_stats_quantile_ranks(n, p, level, &l, &u);
  r.lo = l >= 1 ? sorted[l - 1] : -INFINITY;
  r.hi = u <= n ? sorted[u - 1] : INFINITY;
  return r;
}

report_stats_ci report_stats_wilson(uint64_t k, uint64_t n, double level)
{
  report_stats_ci r = {NAN, NAN, NAN};
  if (n == 0 || k > n) return r;
  double z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);
  double nn = (double)n, ph = (double)k / nn, z2 = z * z;
  double denom = 1.0 + z2 / nn;
  double centre = (ph + z2 / (2.0 * nn)) / denom;
  double half = z / denom * sqrt(ph * (1.0 - ph) / nn + z2 / (4.0 * nn * nn));
  r.est = ph;
  r.lo = fmax(0.0, centre - half);
  r.hi = fmin(1.0, centre + half);
  /* Exact ends: rounding must not push an interval off its estimate. */
  if (k == 0) r.lo = 0.0;
  if (k == n) r.hi = 1.0;
  return r;
}

double report_stats_half_width(report_stats_ci ci)
{
  if (isnan(ci.lo) || isnan(ci.hi)) return NAN;
  if (isinf(ci.lo) || isinf(ci.hi)) return INFINITY;
  return (ci.hi - ci.lo) / 2.0;
}

uint64_t report_stats_trials_to_halve(uint64_t n)
{
  return n > UINT64_MAX / 4 ? UINT64_MAX : 4 * n;
}

uint64_t report_stats_min_trials_bounded(double p, double level)
{
  if (!(p > 0.0 && p < 1.0)) return 0;
  /* Both sides are bounded once P(B = n) = p^n <= a (u <= n) and
  ** P(B = 0) = (1-p)^n <= a (l >= 1), a = (1-level)/2. Solve in closed form
  ** and then step to the exact boundary with the rank search itself. */
  double a = (1.0 - level) / 2.0;
  double n1 = log(a) / log(p), n2 = log(a) / log1p(-p);
  uint64_t n = (uint64_t)fmax(1.0, floor(fmax(n1, n2)) - 1.0);
  for (;; n++) {
    uint64_t l, u;
    report_stats_quantile_ranks(n, p, level, &l, &u);
    if (l >= 1 && u <= n) return n;
  }
}

report_stats_ci report_stats_difference(report_stats_ci a, report_stats_ci b)
{
  report_stats_ci d;
  d.est = b.est - a.est;
  double a_lo = a.est - a.lo, a_hi = a.hi - a.est;
  double b_lo = b.est - b.lo, b_hi = b.hi - b.est;
  d.lo = d.est - sqrt(b_lo * b_lo + a_hi * a_hi);
  d.hi = d.est + sqrt(b_hi * b_hi + a_lo * a_lo);
  return d;
}
