/*
** fit/gof.c — Kaplan-Meier based KS distance, its parametric bootstrap,
** the Kolmogorov p-value and PIT values (see fit/gof.h).
**
** GSL has no Kolmogorov distribution, hence the short series below
** (Stephens 1970 correction, as in Numerical Recipes' probks).
*/
#include "fit/gof.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

typedef struct obs {
  double x;
  int cens;
} obs;

/* Ascending x; at ties a completed value comes before a censored one (the
** usual Kaplan-Meier convention: censored at t was still at risk at t). */
static int cmp_obs(const void *a, const void *b) {
  const obs *p = a, *q = b;
  if (p->x < q->x) return -1;
  if (p->x > q->x) return 1;
  return p->cens - q->cens;
}

static obs *sorted_obs(const double *x, const unsigned char *c, size_t n) {
  obs *o = malloc((n ? n : 1) * sizeof *o);
  if (!o) return NULL;
  for (size_t i = 0; i < n; i++) {
    o[i].x = x[i];
    o[i].cens = c ? c[i] != 0 : 0;
  }
  qsort(o, n, sizeof *o, cmp_obs);
  return o;
}

double fit_gof_ks_stat(const model_dist *d, const double *x, const unsigned char *censored,
                       size_t n) {
  obs *o = sorted_obs(x, censored, n);
  if (!o) return NAN;
  double S = 1.0, D = NAN;
  size_t i = 0;
  while (i < n) {
    size_t j = i, events = 0;
    while (j < n && o[j].x == o[i].x) {
      if (!o[j].cens) events++;
      j++;
    }
    if (events) {
      double at_risk = (double)(n - i);
      double F = model_dist_cdf(d, o[i].x);
      double before = fabs(1.0 - S - F);
      S *= 1.0 - (double)events / at_risk;
      double after = fabs(1.0 - S - F);
      double m = before > after ? before : after;
      if (isnan(D) || m > D) D = m;
    }
    i = j;
  }
  free(o);
  return D;
}

/* The reverse Kaplan-Meier of the censoring times: jump times t[] and the
** cdf after each jump cdf[] (non-decreasing, the rest of the mass is +inf). */
typedef struct cens_law {
  double *t, *cdf;
  size_t n;
} cens_law;

static int cens_law_build(const double *x, const unsigned char *c, size_t n, cens_law *g) {
  memset(g, 0, sizeof *g);
  if (!c) return 0;
  obs *o = sorted_obs(x, c, n);
  g->t = malloc((n ? n : 1) * sizeof *g->t);
  g->cdf = malloc((n ? n : 1) * sizeof *g->cdf);
  if (!o || !g->t || !g->cdf) {
    free(o);
    free(g->t);
    free(g->cdf);
    memset(g, 0, sizeof *g);
    return -1;
  }
  /* For the censoring law the censored values are the events and the
  ** completed ones are "censored"; with the roles swapped, a completed value
  ** tied with a censored one counts as still at risk. */
  double S = 1.0;
  size_t i = 0;
  while (i < n) {
    size_t j = i, ev = 0;
    while (j < n && o[j].x == o[i].x) {
      if (o[j].cens) ev++;
      j++;
    }
    if (ev) {
      S *= 1.0 - (double)ev / (double)(n - i);
      g->t[g->n] = o[i].x;
      g->cdf[g->n] = 1.0 - S;
      g->n++;
    }
    i = j;
  }
  free(o);
  return 0;
}

static double cens_law_draw(const cens_law *g, gsl_rng *rng) {
  if (g->n == 0) return INFINITY;
  double u = gsl_rng_uniform(rng);
  for (size_t i = 0; i < g->n; i++)
    if (u < g->cdf[i]) return g->t[i];
  return INFINITY;
}

int fit_gof_bootstrap(const fit_result *r, const double *x, const unsigned char *censored,
                      size_t n, size_t B, gsl_rng *rng, double *d_obs, double *p) {
  *d_obs = fit_gof_ks_stat(&r->dist, x, censored, n);
  *p = NAN;
  if (isnan(*d_obs) || n == 0) return -1;
  cens_law g;
  if (cens_law_build(x, censored, n, &g)) return -1;
  double *xs = malloc(n * sizeof *xs);
  unsigned char *cs = malloc(n);
  if (!xs || !cs) {
    free(xs);
    free(cs);
    free(g.t);
    free(g.cdf);
    return -1;
  }
  size_t ok = 0, ge = 0;
  char err[160];
  for (size_t b = 0; b < B; b++) {
    for (size_t i = 0; i < n; i++) {
      double v = model_dist_sample(&r->dist, rng);
      if (!(v > 0)) v = 1e-9; /* a draw of exactly 0 (normal at its truncation) */
      double c = cens_law_draw(&g, rng);
      cs[i] = v > c;
      xs[i] = v > c ? c : v;
    }
    fit_result rb;
    if (fit_mle(r->family, xs, cs, n, &rb, err, sizeof err)) continue;
    double d = fit_gof_ks_stat(&rb.dist, xs, cs, n);
    if (isnan(d)) continue;
    ok++;
    if (d >= *d_obs) ge++;
  }
  free(xs);
  free(cs);
  free(g.t);
  free(g.cdf);
  *p = (1.0 + (double)ge) / (1.0 + (double)ok);
  return (int)ok;
}

double fit_gof_kolmogorov_q(double lambda) {
  if (lambda < 0.2) return 1.0;
  double sum = 0, sign = 1;
  for (int j = 1; j <= 100; j++) {
    double t = sign * exp(-2.0 * j * j * lambda * lambda);
    sum += t;
    if (fabs(t) < 1e-12 * fabs(sum)) break;
    sign = -sign;
  }
  double q = 2.0 * sum;
  return q < 0 ? 0 : (q > 1 ? 1 : q);
}

double fit_gof_ks_uniform(double *u, size_t n, double *d) {
  if (n == 0) {
    if (d) *d = NAN;
    return NAN;
  }
  gsl_sort(u, 1, n);
  double D = 0, dn = (double)n;
  for (size_t i = 0; i < n; i++) {
    double a = (double)(i + 1) / dn - u[i], b = u[i] - (double)i / dn;
    if (a > D) D = a;
    if (b > D) D = b;
  }
  if (d) *d = D;
  double sn = sqrt(dn);
  return fit_gof_kolmogorov_q((sn + 0.12 + 0.11 / sn) * D);
}

double fit_gof_pit(const double *sim, size_t m, double x, int censored, gsl_rng *rng) {
  /* lo = #{sim < x}, hi = #{sim <= x} by binary search. */
  size_t lo = 0, hi = m;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sim[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  size_t less = lo;
  hi = m;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sim[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  size_t le = lo;
  double v = gsl_rng_uniform(rng), dm = (double)m + 1.0;
  if (censored) {
    double f = ((double)le + 0.5) / dm;
    return f + v * (1.0 - f);
  }
  return ((double)less + v * ((double)(le - less) + 1.0)) / dm;
}

fit_verdict fit_gof_verdict(double *u, size_t n, double *mean, double *ks_p) {
  double m = 0, tails = 0;
  for (size_t i = 0; i < n; i++) {
    m += u[i];
    tails += u[i] < 0.2 || u[i] > 0.8;
  }
  m = n ? m / (double)n : NAN;
  double p = fit_gof_ks_uniform(u, n, NULL);
  if (mean) *mean = m;
  if (ks_p) *ks_p = p;
  if (n == 0) return FIT_VERDICT_CONSISTENT;
  double z = (m - 0.5) / sqrt(1.0 / (12.0 * (double)n));
  if (fabs(z) > 1.959963984540054) return z > 0 ? FIT_VERDICT_OPTIMISTIC : FIT_VERDICT_PESSIMISTIC;
  if (p < 0.05) return tails / (double)n > 0.4 ? FIT_VERDICT_TOO_NARROW : FIT_VERDICT_TOO_WIDE;
  return FIT_VERDICT_CONSISTENT;
}
