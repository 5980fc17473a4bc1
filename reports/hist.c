/*
** reports/hist.c — the mergeable log-linear histogram and its two-pass
** exact order statistics (contract and error bound in reports/hist.h).
** Counts live in a gsl_histogram with the log-linear ranges; the bucket of a
** value is computed with one log and corrected against the stored edges,
** so it always agrees with gsl_histogram_find.
*/
#include "reports/hist.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* One planned bucket of the exact pass. */
typedef struct planned {
  size_t bucket;
  uint64_t before;   /* values (ranks) in the buckets below it */
  uint64_t count;    /* values in it (from the histogram) */
  double *v;         /* collected values; NULL: not collected (over the cap) */
  size_t n;
  int sorted;
} planned;

struct report_hist {
  gsl_histogram *g;  /* buckets 0..K+1 */
  uint64_t n;        /* finite values */
  uint64_t n_inf;
  double min, max;   /* finite values; NAN when none */
  double log_g;      /* log(1 + REPORT_HIST_REL_WIDTH) */
  size_t k;          /* K */
  planned *plan;
  size_t n_plan;
  int last_exact;
};

/* log G, a hair below log(1.001) so that rounding in exp() never makes a
** bucket wider than REPORT_HIST_REL_WIDTH of its lower edge. */
static double log_growth(void)
{
  return log1p(REPORT_HIST_REL_WIDTH) * (1.0 - 1e-9);
}

static size_t bucket_count_k(void)
{
  return (size_t)ceil(log(REPORT_HIST_TOP / REPORT_HIST_MIN) / log_growth());
}

report_hist *report_hist_new(void)
{
  report_hist *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->k = bucket_count_k();
  h->log_g = log_growth();
  size_t nb = h->k + 2;
  double *range = malloc((nb + 1) * sizeof *range);
  h->g = gsl_histogram_alloc(nb);
  if (!range || !h->g) {
    free(range);
    report_hist_free(h);
    return NULL;
  }
  range[0] = -DBL_MAX;
  /* Edge j (1..K+1) = MIN·G^(j-1), computed the same way in every process
  ** so that histograms merge (gsl_histogram_add compares the ranges). */
  for (size_t j = 1; j <= h->k + 1; j++)
    range[j] = REPORT_HIST_MIN * exp(h->log_g * (double)(j - 1));
  range[nb] = DBL_MAX;
  gsl_histogram_set_ranges(h->g, range, nb + 1);
  free(range);
  h->min = h->max = NAN;
  return h;
}

static void plan_clear(report_hist *h)
{
  for (size_t i = 0; i < h->n_plan; i++) free(h->plan[i].v);
  free(h->plan);
  h->plan = NULL;
  h->n_plan = 0;
}

void report_hist_free(report_hist *h)
{
  if (!h) return;
  plan_clear(h);
  if (h->g) gsl_histogram_free(h->g);
  free(h);
}

/* The bucket of finite x. */
static size_t bucket_of(const report_hist *h, double x)
{
  const double *r = h->g->range;
  if (x < REPORT_HIST_MIN) return 0;
  double f = log(x / REPORT_HIST_MIN) / h->log_g;
  size_t i = f >= (double)h->k ? h->k + 1 : (size_t)f + 1;
  /* The log can be off by one next to an edge: settle it on the edges. */
  while (i > 1 && x < r[i]) i--;
  while (i <= h->k && x >= r[i + 1]) i++;
  return i;
}

void report_hist_add(report_hist *h, double x)
{
  if (isnan(x)) return;
  if (isinf(x) && x > 0) {
    h->n_inf++;
    return;
  }
  if (isinf(x)) x = -DBL_MAX;
  h->g->bin[bucket_of(h, x)] += 1.0;
  if (h->n == 0 || x < h->min) h->min = x;
  if (h->n == 0 || x > h->max) h->max = x;
  h->n++;
}

int report_hist_merge(report_hist *dst, const report_hist *src)
{
  if (!gsl_histogram_equal_bins_p(dst->g, src->g) || gsl_histogram_add(dst->g, src->g) != 0)
    return -1;
  if (src->n) {
    if (dst->n == 0 || src->min < dst->min) dst->min = src->min;
    if (dst->n == 0 || src->max > dst->max) dst->max = src->max;
  }
  dst->n += src->n;
  dst->n_inf += src->n_inf;
  return 0;
}

uint64_t report_hist_count(const report_hist *h) { return h->n + h->n_inf; }
uint64_t report_hist_count_inf(const report_hist *h) { return h->n_inf; }
double report_hist_min(const report_hist *h)
{
  return h->n ? h->min : h->n_inf ? INFINITY : NAN;
}
double report_hist_max(const report_hist *h)
{
  return h->n_inf ? INFINITY : h->n ? h->max : NAN;
}

size_t report_hist_buckets(const report_hist *h) { return h->k + 2; }

uint64_t report_hist_bucket(const report_hist *h, size_t i, double *lo, double *hi)
{
  if (i >= h->k + 2) return 0;
  if (lo) *lo = h->g->range[i];
  if (hi) *hi = h->g->range[i + 1];
  return (uint64_t)h->g->bin[i];
}

int report_hist_add_bucket(report_hist *h, size_t i, uint64_t count, double min, double max)
{
  if (i >= h->k + 2) return -1;
  if (count == 0) return 0;
  h->g->bin[i] += (double)count;
  if (h->n == 0 || min < h->min) h->min = min;
  if (h->n == 0 || max > h->max) h->max = max;
  h->n += count;
  return 0;
}

/* The bucket holding the finite order statistic of 1-based rank r
** (1 <= r <= n) and the number of values below it. */
static size_t bucket_of_rank(const report_hist *h, uint64_t r, uint64_t *before)
{
  uint64_t c = 0;
  size_t nb = h->k + 2;
  for (size_t i = 0; i < nb; i++) {
    uint64_t b = (uint64_t)h->g->bin[i];
    if (c + b >= r) {
      *before = c;
      return i;
    }
    c += b;
  }
  *before = c;
  return nb - 1;
}

static planned *find_plan(const report_hist *h, size_t bucket)
{
  for (size_t i = 0; i < h->n_plan; i++)
    if (h->plan[i].bucket == bucket) return &h->plan[i];
  return NULL;
}

/* Add the bucket of finite rank r to the plan (once). */
static int plan_rank(report_hist *h, uint64_t r)
{
  if (r < 1 || r > h->n) return 0;
  uint64_t before;
  size_t b = bucket_of_rank(h, r, &before);
  if (find_plan(h, b)) return 0;
  planned *p = realloc(h->plan, (h->n_plan + 1) * sizeof *p);
  if (!p) return -1;
  h->plan = p;
  p[h->n_plan++] = (planned){b, before, (uint64_t)h->g->bin[b], NULL, 0, 0};
  return 0;
}

int report_hist_plan(report_hist *h, const double *p, size_t np, double level, size_t cap)
{
  plan_clear(h);
  uint64_t n = h->n + h->n_inf;
  if (n == 0) return 0;
  for (size_t j = 0; j < np; j++) {
    /* The ranks report_stats_quantile reads: the two around p·(n-1)
    ** (0-based) and the interval's l and u (1-based). */
    double index = p[j] * (double)(n - 1);
    uint64_t lhs = (uint64_t)index, l, u;
    report_stats_quantile_ranks(n, p[j], level, &l, &u);
    if (plan_rank(h, lhs + 1) || plan_rank(h, lhs + 2) || plan_rank(h, l) || plan_rank(h, u))
      return -1;
  }
  /* Keep the smallest buckets first while they fit under the cap. */
  for (size_t i = 1; i < h->n_plan; i++) {
    planned x = h->plan[i];
    size_t k = i;
    for (; k > 0 && h->plan[k - 1].count > x.count; k--) h->plan[k] = h->plan[k - 1];
    h->plan[k] = x;
  }
  size_t used = 0;
  for (size_t i = 0; i < h->n_plan; i++) {
    planned *q = &h->plan[i];
    if (q->count > cap - used) break;
    q->v = malloc((size_t)(q->count ? q->count : 1) * sizeof *q->v);
    if (!q->v) return -1;
    used += (size_t)q->count;
  }
  return 0;
}

void report_hist_collect(report_hist *h, double x)
{
  if (h->n_plan == 0 || !isfinite(x)) {
    if (!(isinf(x) && x < 0)) return;
    x = -DBL_MAX;
  }
  planned *q = find_plan(h, bucket_of(h, x));
  if (q && q->v && q->n < q->count) {
    q->v[q->n++] = x;
    q->sorted = 0;
  }
}

/* Middle of bucket b clamped to the values seen, and its clamped edges. */
static double bucket_mid(const report_hist *h, size_t b, double *lo, double *hi)
{
  double a = h->g->range[b], z = h->g->range[b + 1];
  if (a < h->min) a = h->min;
  if (z > h->max) z = h->max;
  if (lo) *lo = a;
  if (hi) *hi = z;
  return a == z ? a : a + (z - a) / 2.0;
}

/* Finite order statistic of rank r (1 <= r <= n): exact from the plan,
** else the bucket's middle. which: 0 the estimate, -1 the bucket's lower
** edge, +1 its upper edge (both the value itself when exact). */
static double rank_value(report_hist *h, uint64_t r, int which)
{
  if (r > h->n) return INFINITY;
  if (r == 1 && which <= 0) return h->min;
  if (r == h->n && which >= 0) return h->max;
  uint64_t before;
  size_t b = bucket_of_rank(h, r, &before);
  planned *q = find_plan(h, b);
  if (q && q->v && q->n == q->count) {
    if (!q->sorted) {
      gsl_sort(q->v, 1, q->n);
      q->sorted = 1;
    }
    return q->v[r - before - 1];
  }
  double lo, hi, mid = bucket_mid(h, b, &lo, &hi);
  if (lo != hi) h->last_exact = 0;
  return which < 0 ? lo : which > 0 ? hi : mid;
}

report_stats_ci report_hist_quantile(report_hist *h, double p, double level)
{
  report_stats_ci r = {NAN, NAN, NAN};
  uint64_t n = h->n + h->n_inf;
  h->last_exact = 1;
  if (n == 0) return r;
  /* The estimate as report_stats_quantile computes it (GSL's linear
  ** interpolation at index p·(n-1), infinity-aware). */
  double index = p * (double)(n - 1);
  uint64_t lhs = (uint64_t)index;
  if (lhs >= n - 1) {
    r.est = rank_value(h, n, 0);
  } else {
    double delta = index - (double)lhs;
    double a = rank_value(h, lhs + 1, 0);
    if (isinf(a) || delta == 0.0) {
      r.est = a;
    } else {
      double b = rank_value(h, lhs + 2, 0);
      r.est = isinf(b) ? b : (1 - delta) * a + delta * b;
    }
  }
  uint64_t l, u;
  report_stats_quantile_ranks(n, p, level, &l, &u);
  r.lo = l >= 1 ? rank_value(h, l, -1) : -INFINITY;
  r.hi = u <= n ? rank_value(h, u, +1) : INFINITY;
  return r;
}

int report_hist_last_exact(const report_hist *h) { return h->last_exact; }
