/*
** models/dist.c — duration distributions: validated set-up, sampling through
** GSL's gsl_ran_* generators, and the closed forms (mean, variance, cdf,
** quantile) through gsl_cdf_* so that tests and reports compare simulated
** draws with exact values.
**
** Normal variates (normal, lognormal) come from GSL's ziggurat
** (gsl_ran_gaussian_ziggurat, Marsaglia-Tsang), the fastest of its exact
** Gaussian samplers: sampling durations is a large share of a trial.
**
** Conventions: every duration is in seconds and every draw is >= 0. The
** normal kind is truncated to [0, inf): its p[0], p[1] are the mean and sd of
** the normal before truncation, and mean()/variance()/cdf()/quantile() are
** those of the truncated law. The set-up messages name the parameter as it is
** written in a scenario, so the loader can point at the right key.
**
** GSL's default error handler aborts; every gsl_cdf_* call here is guarded so
** that its arguments are inside the documented domain.
*/
#include "models/dist.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "models/units.h"

/* Rejection sampling of the truncated normal needs 1 / P(X > 0) tries on
** average. Up to 4 tries (P(X > 0) >= 0.25, i.e. alpha = -mean/sd <= Qinv(0.25))
** it is cheaper than the inverse cdf; beyond, invert. Comparing alpha avoids
** an erfc per draw. */
#define TRUNC_NORMAL_REJECT_MAX_ALPHA 0.6744897501960817 /* gsl_cdf_ugaussian_Qinv(0.25) */

static void reset(model_dist *d) {
  memset(d, 0, sizeof *d);
  d->kind = MODEL_DIST_CONSTANT;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(model_dist *d, model_dist_error *err, const char *param, const char *fmt, ...) {
  reset(d);
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->nomem = 0;
    err->param = param;
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* A duration parameter: finite, >= 0, and > 0 unless allow_zero. */
static int check_duration(model_dist *d, model_dist_error *err, const char *param, double x,
                          int allow_zero) {
  char b[48];
  if (!isfinite(x))
    return fail(d, err, param, "%s must be a finite duration, as in 5m", param);
  if (x < 0)
    return fail(d, err, param, "%s (%s) must not be negative: durations are >= 0", param,
                model_units_format_duration(x, b, sizeof b));
  if (!allow_zero && x == 0)
    return fail(d, err, param,
                "%s must be greater than 0; for a step that takes no time use a constant 0s",
                param);
  return 0;
}

/* A dimensionless parameter that must be finite and > 0 (shape, sigma). */
static int check_positive(model_dist *d, model_dist_error *err, const char *param, double x,
                          const char *hint) {
  if (!isfinite(x) || !(x > 0))
    return fail(d, err, param, "%s must be > 0 and finite (got %g); %s", param, x, hint);
  return 0;
}

int model_dist_set_constant(model_dist *d, double value, model_dist_error *err) {
  if (check_duration(d, err, "value", value, 1)) return -1;
  reset(d);
  d->p[0] = value;
  return 0;
}

int model_dist_set_exponential(model_dist *d, double mean, model_dist_error *err) {
  if (check_duration(d, err, "mean", mean, 0)) return -1;
  reset(d);
  d->kind = MODEL_DIST_EXPONENTIAL;
  d->p[0] = mean;
  return 0;
}

int model_dist_set_lognormal(model_dist *d, double mu, double sigma, model_dist_error *err) {
  if (!isfinite(mu))
    return fail(d, err, "mu", "mu must be a finite number (the mean of ln seconds)");
  if (check_positive(d, err, "sigma", sigma,
                     "sigma is the sd of ln seconds; for a fixed duration use a constant"))
    return -1;
  reset(d);
  d->kind = MODEL_DIST_LOGNORMAL;
  d->p[0] = mu;
  d->p[1] = sigma;
  return 0;
}

int model_dist_set_lognormal_median_p95(model_dist *d, double median, double p95,
                                        model_dist_error *err) {
  char bm[48], bp[48];
  if (check_duration(d, err, "median", median, 0)) return -1;
  if (check_duration(d, err, "p95", p95, 0)) return -1;
  if (!(p95 > median))
    return fail(d, err, "p95",
                "p95 (%s) must be greater than median (%s): p95 is the 95th percentile",
                model_units_format_duration(p95, bp, sizeof bp),
                model_units_format_duration(median, bm, sizeof bm));
  double z95 = gsl_cdf_ugaussian_Pinv(0.95);
  double mu = log(median);
  double sigma = (log(p95) - mu) / z95;
  /* p95 barely above median can round sigma to 0. */
  if (!(sigma > 0) || !isfinite(sigma))
    return fail(d, err, "p95", "p95 (%s) is too close to median (%s); widen the spread",
                model_units_format_duration(p95, bp, sizeof bp),
                model_units_format_duration(median, bm, sizeof bm));
  reset(d);
  d->kind = MODEL_DIST_LOGNORMAL;
  d->p[0] = mu;
  d->p[1] = sigma;
  return 0;
}

int model_dist_set_weibull(model_dist *d, double shape, double scale, model_dist_error *err) {
  if (check_positive(d, err, "shape", shape, "1 is exponential, > 1 wears out, < 1 infant "
                                             "mortality"))
    return -1;
  if (check_duration(d, err, "scale", scale, 0)) return -1;
  reset(d);
  d->kind = MODEL_DIST_WEIBULL;
  d->p[0] = shape;
  d->p[1] = scale;
  return 0;
}

int model_dist_set_gamma(model_dist *d, double shape, double scale, model_dist_error *err) {
  if (check_positive(d, err, "shape", shape, "the mean is shape * scale"))
    return -1;
  if (check_duration(d, err, "scale", scale, 0)) return -1;
  reset(d);
  d->kind = MODEL_DIST_GAMMA;
  d->p[0] = shape;
  d->p[1] = scale;
  return 0;
}

int model_dist_set_normal(model_dist *d, double mean, double sd, model_dist_error *err) {
  if (check_duration(d, err, "mean", mean, 1)) return -1;
  if (check_duration(d, err, "sd", sd, 1)) return -1;
  if (sd == 0)
    return fail(d, err, "sd", "sd must be greater than 0; for a fixed duration use a constant");
  reset(d);
  d->kind = MODEL_DIST_NORMAL;
  d->p[0] = mean;
  d->p[1] = sd;
  return 0;
}

int model_dist_set_uniform(model_dist *d, double min, double max, model_dist_error *err) {
  char b1[48], b2[48];
  if (check_duration(d, err, "min", min, 1)) return -1;
  if (check_duration(d, err, "max", max, 1)) return -1;
  if (!(max > min))
    return fail(d, err, "max",
                "max (%s) must be greater than min (%s); for a fixed duration use a constant",
                model_units_format_duration(max, b1, sizeof b1),
                model_units_format_duration(min, b2, sizeof b2));
  reset(d);
  d->kind = MODEL_DIST_UNIFORM;
  d->p[0] = min;
  d->p[1] = max;
  return 0;
}

/* Shared checks of triangular and PERT. */
static int set_min_mode_max(model_dist *d, model_dist_kind kind, double min, double mode,
                            double max, model_dist_error *err) {
  char b1[48], b2[48], b3[48];
  if (check_duration(d, err, "min", min, 1)) return -1;
  if (check_duration(d, err, "mode", mode, 1)) return -1;
  if (check_duration(d, err, "max", max, 1)) return -1;
  if (!(max > min))
    return fail(d, err, "max",
                "max (%s) must be greater than min (%s); for a fixed duration use a constant",
                model_units_format_duration(max, b1, sizeof b1),
                model_units_format_duration(min, b2, sizeof b2));
  if (mode < min || mode > max)
    return fail(d, err, "mode",
                "min must be <= mode <= max (min %s, mode %s, max %s); mode is the most "
                "likely duration",
                model_units_format_duration(min, b1, sizeof b1),
                model_units_format_duration(mode, b2, sizeof b2),
                model_units_format_duration(max, b3, sizeof b3));
  reset(d);
  d->kind = kind;
  d->p[0] = min;
  d->p[1] = mode;
  d->p[2] = max;
  return 0;
}

int model_dist_set_triangular(model_dist *d, double min, double mode, double max,
                              model_dist_error *err) {
  return set_min_mode_max(d, MODEL_DIST_TRIANGULAR, min, mode, max, err);
}

int model_dist_set_pert(model_dist *d, double min, double mode, double max,
                        model_dist_error *err) {
  return set_min_mode_max(d, MODEL_DIST_PERT, min, mode, max, err);
}

int model_dist_set_empirical(model_dist *d, const double *samples, size_t n,
                             model_dist_error *err) {
  char b[48];
  if (n == 0 || !samples)
    return fail(d, err, "samples", "samples must list at least one duration, as in [5m, 7m, 12m]");
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(samples[i]))
      return fail(d, err, "samples", "sample %zu is not a finite duration; write e.g. 5m", i + 1);
    if (samples[i] < 0)
      return fail(d, err, "samples", "sample %zu (%s) must not be negative: durations are >= 0",
                  i + 1, model_units_format_duration(samples[i], b, sizeof b));
  }
  double *copy = malloc(n * sizeof *copy);
  if (!copy) {
    fail(d, err, "samples", "out of memory copying %zu samples", n);
    if (err) err->nomem = 1;
    return -1;
  }
  memcpy(copy, samples, n * sizeof *copy);
  gsl_sort(copy, 1, n);
  reset(d);
  d->kind = MODEL_DIST_EMPIRICAL;
  d->samples = copy;
  d->n_samples = n;
  return 0;
}

void model_dist_free(model_dist *d) {
  if (!d) return;
  if (d->kind == MODEL_DIST_EMPIRICAL) free(d->samples);
  reset(d);
}

int model_dist_copy(model_dist *dst, const model_dist *src) {
  *dst = *src;
  if (src->kind == MODEL_DIST_EMPIRICAL) {
    dst->samples = malloc(src->n_samples * sizeof *dst->samples);
    if (!dst->samples) {
      reset(dst);
      return -1;
    }
    memcpy(dst->samples, src->samples, src->n_samples * sizeof *dst->samples);
  }
  return 0;
}

/* Beta parameters of a PERT (lambda = 4) on [min, max] with mode. */
static void pert_ab(const model_dist *d, double *a, double *b) {
  double range = d->p[2] - d->p[0];
  *a = 1.0 + 4.0 * (d->p[1] - d->p[0]) / range;
  *b = 1.0 + 4.0 * (d->p[2] - d->p[1]) / range;
}

/* Truncated normal: alpha = standardized truncation point, q = P(X > 0)
** for the untruncated normal (the normalizing constant). */
static double tn_alpha(const model_dist *d) { return -d->p[0] / d->p[1]; }

static double triangular_quantile(const model_dist *d, double u) {
  double a = d->p[0], c = d->p[1], b = d->p[2];
  double fc = (c - a) / (b - a);
  if (u < fc) return a + sqrt(u * (b - a) * (c - a));
  return b - sqrt((1.0 - u) * (b - a) * (b - c));
}

double model_dist_sample(const model_dist *d, gsl_rng *r) {
  switch (d->kind) {
    case MODEL_DIST_CONSTANT:
      return d->p[0];
    case MODEL_DIST_EXPONENTIAL:
      return gsl_ran_exponential(r, d->p[0]);
    case MODEL_DIST_LOGNORMAL:
      /* exp(mu + sigma Z), Z from GSL's ziggurat: one generator call per
      ** draw (99 % of the time) instead of the polar method's two or more
      ** plus a log and a sqrt that gsl_ran_lognormal pays; ~2.5x cheaper. */
      return exp(d->p[0] + d->p[1] * gsl_ran_gaussian_ziggurat(r, 1.0));
    case MODEL_DIST_WEIBULL:
      return gsl_ran_weibull(r, d->p[1], d->p[0]); /* (a = scale, b = shape) */
    case MODEL_DIST_GAMMA:
      return gsl_ran_gamma(r, d->p[0], d->p[1]);
    case MODEL_DIST_NORMAL: {
      double mu = d->p[0], sd = d->p[1];
      double alpha = tn_alpha(d);
      if (alpha <= TRUNC_NORMAL_REJECT_MAX_ALPHA) {
        for (;;) {
          double x = mu + gsl_ran_gaussian_ziggurat(r, sd); /* see LOGNORMAL */
          if (x >= 0) return x;
        }
      }
      /* Invert through the upper tail: Q(z) = u * q keeps precision when q
      ** is tiny, where Phi-based inversion would round to 1. */
      double q = gsl_cdf_ugaussian_Q(alpha);
      double u = gsl_rng_uniform_pos(r);
      double x = mu + sd * gsl_cdf_ugaussian_Qinv(u * q);
      return x > 0 ? x : 0.0;
    }
    case MODEL_DIST_UNIFORM:
      return gsl_ran_flat(r, d->p[0], d->p[1]);
    case MODEL_DIST_TRIANGULAR:
      return triangular_quantile(d, gsl_rng_uniform(r));
    case MODEL_DIST_PERT: {
      double a, b;
      pert_ab(d, &a, &b);
      return d->p[0] + (d->p[2] - d->p[0]) * gsl_ran_beta(r, a, b);
    }
    case MODEL_DIST_EMPIRICAL:
      return d->samples[gsl_rng_uniform_int(r, (unsigned long)d->n_samples)];
  }
  abort(); /* a kind outside the enum: memory corruption */
}

double model_dist_mean(const model_dist *d) {
  switch (d->kind) {
    case MODEL_DIST_CONSTANT:
    case MODEL_DIST_EXPONENTIAL:
      return d->p[0];
    case MODEL_DIST_LOGNORMAL:
      return exp(d->p[0] + 0.5 * d->p[1] * d->p[1]);
    case MODEL_DIST_WEIBULL:
      return d->p[1] * gsl_sf_gamma(1.0 + 1.0 / d->p[0]);
    case MODEL_DIST_GAMMA:
      return d->p[0] * d->p[1];
    case MODEL_DIST_NORMAL: {
      double alpha = tn_alpha(d);
      double lambda = gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha);
      return d->p[0] + d->p[1] * lambda;
    }
    case MODEL_DIST_UNIFORM:
      return 0.5 * (d->p[0] + d->p[1]);
    case MODEL_DIST_TRIANGULAR:
      return (d->p[0] + d->p[1] + d->p[2]) / 3.0;
    case MODEL_DIST_PERT:
      return (d->p[0] + 4.0 * d->p[1] + d->p[2]) / 6.0;
    case MODEL_DIST_EMPIRICAL:
      return gsl_stats_mean(d->samples, 1, d->n_samples);
  }
  abort();
}

double model_dist_variance(const model_dist *d) {
  switch (d->kind) {
    case MODEL_DIST_CONSTANT:
      return 0.0;
    case MODEL_DIST_EXPONENTIAL:
      return d->p[0] * d->p[0];
    case MODEL_DIST_LOGNORMAL: {
      double s2 = d->p[1] * d->p[1];
      return expm1(s2) * exp(2.0 * d->p[0] + s2);
    }
    case MODEL_DIST_WEIBULL: {
      double g1 = gsl_sf_gamma(1.0 + 1.0 / d->p[0]);
      double g2 = gsl_sf_gamma(1.0 + 2.0 / d->p[0]);
      return d->p[1] * d->p[1] * (g2 - g1 * g1);
    }
    case MODEL_DIST_GAMMA:
      return d->p[0] * d->p[1] * d->p[1];
    case MODEL_DIST_NORMAL: {
      double alpha = tn_alpha(d);
      double lambda = gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha);
      return d->p[1] * d->p[1] * (1.0 + alpha * lambda - lambda * lambda);
    }
    case MODEL_DIST_UNIFORM: {
      double w = d->p[1] - d->p[0];
      return w * w / 12.0;
    }
    case MODEL_DIST_TRIANGULAR: {
      double a = d->p[0], c = d->p[1], b = d->p[2];
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    }
    case MODEL_DIST_PERT: {
      double a, b, w = d->p[2] - d->p[0];
      pert_ab(d, &a, &b);
      return w * w * a * b / ((a + b) * (a + b) * (a + b + 1.0));
    }
    case MODEL_DIST_EMPIRICAL: {
      /* The law of a uniform resample: divide by n, not n - 1. */
      double m = gsl_stats_mean(d->samples, 1, d->n_samples);
      return gsl_stats_variance_with_fixed_mean(d->samples, 1, d->n_samples, m);
    }
  }
  abort();
}

double model_dist_cdf(const model_dist *d, double x) {
  if (isnan(x)) return NAN;
  if (x == INFINITY) return 1.0; /* spares gsl_cdf_* an infinite argument */
  switch (d->kind) {
    case MODEL_DIST_CONSTANT:
      return x >= d->p[0] ? 1.0 : 0.0;
    case MODEL_DIST_EXPONENTIAL:
      return x <= 0 ? 0.0 : gsl_cdf_exponential_P(x, d->p[0]);
    case MODEL_DIST_LOGNORMAL:
      return x <= 0 ? 0.0 : gsl_cdf_lognormal_P(x, d->p[0], d->p[1]);
    case MODEL_DIST_WEIBULL:
      return x <= 0 ? 0.0 : gsl_cdf_weibull_P(x, d->p[1], d->p[0]);
    case MODEL_DIST_GAMMA:
      return x <= 0 ? 0.0 : gsl_cdf_gamma_P(x, d->p[0], d->p[1]);
    case MODEL_DIST_NORMAL: {
      if (x < 0) return 0.0;
      /* Upper tails keep precision when the truncation cuts most of the mass. */
      double q0 = gsl_cdf_ugaussian_Q(tn_alpha(d));
      double qx = gsl_cdf_ugaussian_Q((x - d->p[0]) / d->p[1]);
      return (q0 - qx) / q0;
    }
    case MODEL_DIST_UNIFORM:
      if (x <= d->p[0]) return 0.0;
      if (x >= d->p[1]) return 1.0;
      return gsl_cdf_flat_P(x, d->p[0], d->p[1]);
    case MODEL_DIST_TRIANGULAR: {
      double a = d->p[0], c = d->p[1], b = d->p[2];
      if (x <= a) return 0.0;
      if (x >= b) return 1.0;
      if (x <= c) return (x - a) * (x - a) / ((b - a) * (c - a));
      return 1.0 - (b - x) * (b - x) / ((b - a) * (b - c));
    }
    case MODEL_DIST_PERT: {
      double a, b;
      if (x <= d->p[0]) return 0.0;
      if (x >= d->p[2]) return 1.0;
      pert_ab(d, &a, &b);
      return gsl_cdf_beta_P((x - d->p[0]) / (d->p[2] - d->p[0]), a, b);
    }
    case MODEL_DIST_EMPIRICAL: {
      /* Share of samples <= x: upper bound by binary search. */
      size_t lo = 0, hi = d->n_samples;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->samples[mid] <= x) lo = mid + 1;
        else hi = mid;
      }
      return (double)lo / (double)d->n_samples;
    }
  }
  abort();
}

double model_dist_quantile(const model_dist *d, double p) {
  if (!(p >= 0.0 && p <= 1.0)) return NAN;
  switch (d->kind) {
    case MODEL_DIST_CONSTANT:
      return d->p[0];
    case MODEL_DIST_EXPONENTIAL:
      return gsl_cdf_exponential_Pinv(p, d->p[0]);
    case MODEL_DIST_LOGNORMAL:
      return p == 0.0 ? 0.0 : gsl_cdf_lognormal_Pinv(p, d->p[0], d->p[1]);
    case MODEL_DIST_WEIBULL:
      return gsl_cdf_weibull_Pinv(p, d->p[1], d->p[0]);
    case MODEL_DIST_GAMMA:
      return gsl_cdf_gamma_Pinv(p, d->p[0], d->p[1]);
    case MODEL_DIST_NORMAL: {
      if (p == 1.0) return INFINITY;
      double q0 = gsl_cdf_ugaussian_Q(tn_alpha(d));
      double x = d->p[0] + d->p[1] * gsl_cdf_ugaussian_Qinv((1.0 - p) * q0);
      return x > 0 ? x : 0.0;
    }
    case MODEL_DIST_UNIFORM:
      return gsl_cdf_flat_Pinv(p, d->p[0], d->p[1]);
    case MODEL_DIST_TRIANGULAR:
      return triangular_quantile(d, p);
    case MODEL_DIST_PERT: {
      double a, b;
      pert_ab(d, &a, &b);
      return d->p[0] + (d->p[2] - d->p[0]) * gsl_cdf_beta_Pinv(p, a, b);
    }
    case MODEL_DIST_EMPIRICAL:
      /* GSL's linear interpolation between order statistics (Hyndman-Fan 7). */
      return gsl_stats_quantile_from_sorted_data(d->samples, 1, d->n_samples, p);
  }
  abort();
}

const char *model_dist_kind_name(model_dist_kind kind) {
  switch (kind) {
    case MODEL_DIST_CONSTANT: return "constant";
    case MODEL_DIST_EXPONENTIAL: return "exponential";
    case MODEL_DIST_LOGNORMAL: return "lognormal";
    case MODEL_DIST_WEIBULL: return "weibull";
    case MODEL_DIST_GAMMA: return "gamma";
    case MODEL_DIST_NORMAL: return "normal";
    case MODEL_DIST_UNIFORM: return "uniform";
    case MODEL_DIST_TRIANGULAR: return "triangular";
    case MODEL_DIST_PERT: return "pert";
    case MODEL_DIST_EMPIRICAL: return "empirical";
  }
  return "unknown";
}

void model_dist_scale(model_dist *d, double factor) {
  /* The contract requires factor > 0: a caller passing anything else has a
  ** bug that would silently corrupt every later draw. */
  if (!(factor > 0) || !isfinite(factor)) {
    fprintf(stderr, "model_dist_scale: factor %g is not a finite number > 0\n", factor);
    abort();
  }
  switch (d->kind) {
    case MODEL_DIST_CONSTANT:
    case MODEL_DIST_EXPONENTIAL:
      d->p[0] *= factor;
      break;
    case MODEL_DIST_LOGNORMAL:
      d->p[0] += log(factor);
      break;
    case MODEL_DIST_WEIBULL:
    case MODEL_DIST_GAMMA:
      d->p[1] *= factor;
      break;
    case MODEL_DIST_NORMAL:
    case MODEL_DIST_UNIFORM:
      d->p[0] *= factor;
      d->p[1] *= factor;
      break;
    case MODEL_DIST_TRIANGULAR:
    case MODEL_DIST_PERT:
      d->p[0] *= factor;
      d->p[1] *= factor;
      d->p[2] *= factor;
      break;
    case MODEL_DIST_EMPIRICAL:
      /* A positive factor keeps the samples sorted. */
      for (size_t i = 0; i < d->n_samples; i++) d->samples[i] *= factor;
      break;
  }
}
