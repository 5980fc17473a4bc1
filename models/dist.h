/*
** models/dist.h — probability distributions of durations (in seconds), one
** uniform API in the spirit of gsl_ran_*: set up (validated), sample with a
** caller's gsl_rng, and the closed forms (mean, cdf, quantile) that tests and
** reports compare against.
**
** model_dist is a small value type so that models embed it by value and the
** hot sampling path has no indirection. Only `empirical` owns memory (its
** sorted samples): release with model_dist_free(), duplicate with
** model_dist_copy(). Every other kind needs no freeing, but calling
** model_dist_free() on any dist is always correct.
*/
#ifndef DRSIM_MODELS_DIST_H
#define DRSIM_MODELS_DIST_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

typedef enum model_dist_kind {
  MODEL_DIST_CONSTANT = 0, /* p[0] = value */
  MODEL_DIST_EXPONENTIAL,  /* p[0] = mean */
  MODEL_DIST_LOGNORMAL,    /* p[0] = mu, p[1] = sigma (of ln seconds) */
  MODEL_DIST_WEIBULL,      /* p[0] = shape k, p[1] = scale lambda */
  MODEL_DIST_GAMMA,        /* p[0] = shape k, p[1] = scale theta */
  MODEL_DIST_NORMAL,       /* p[0] = mean, p[1] = sd; truncated to [0, inf) */
  MODEL_DIST_UNIFORM,      /* p[0] = min, p[1] = max */
  MODEL_DIST_TRIANGULAR,   /* p[0] = min, p[1] = mode, p[2] = max */
  MODEL_DIST_PERT,         /* p[0] = min, p[1] = mode, p[2] = max; Beta-PERT, lambda = 4 */
  MODEL_DIST_EMPIRICAL     /* samples[0..n_samples) sorted ascending */
} model_dist_kind;

typedef struct model_dist {
  model_dist_kind kind;
  double p[4];        /* parameters, see the kinds above; seconds where a duration */
  double *samples;    /* empirical only: owned, sorted */
  size_t n_samples;
} model_dist;

/* Why a set-up was refused: the offending parameter's name as written in a
** scenario ("p95", "mode", "shape", ...) and a message saying what is wrong
** and how to fix it. */
typedef struct model_dist_error {
  const char *param;
  char text[240];
  int nomem;   /* 1 when the failure was out of memory, not a bad value */
} model_dist_error;

/* Setters: validate, then fill *d. Return 0, or -1 with *err filled (err may
** be NULL). *d is left as a constant 0 on failure. */
int model_dist_set_constant(model_dist *d, double value, model_dist_error *err);
int model_dist_set_exponential(model_dist *d, double mean, model_dist_error *err);
int model_dist_set_lognormal(model_dist *d, double mu, double sigma, model_dist_error *err);
/* Lognormal from its median and 95th percentile (p95 > median > 0). */
int model_dist_set_lognormal_median_p95(model_dist *d, double median, double p95,
                                        model_dist_error *err);
int model_dist_set_weibull(model_dist *d, double shape, double scale, model_dist_error *err);
int model_dist_set_gamma(model_dist *d, double shape, double scale, model_dist_error *err);
int model_dist_set_normal(model_dist *d, double mean, double sd, model_dist_error *err);
int model_dist_set_uniform(model_dist *d, double min, double max, model_dist_error *err);
int model_dist_set_triangular(model_dist *d, double min, double mode, double max,
                              model_dist_error *err);
int model_dist_set_pert(model_dist *d, double min, double mode, double max,
                        model_dist_error *err);
/* Copies and sorts the n >= 1 samples (all finite and >= 0). */
int model_dist_set_empirical(model_dist *d, const double *samples, size_t n,
                             model_dist_error *err);

/* Release what an empirical dist owns and reset *d to constant 0.
** Safe on any dist and on NULL. */
void model_dist_free(model_dist *d);

/* Deep copy src into *dst (dst must not own memory). Returns 0 or -1 (ENOMEM). */
int model_dist_copy(model_dist *dst, const model_dist *src);

/* One draw, in seconds (>= 0). */
double model_dist_sample(const model_dist *d, gsl_rng *r);

/* Closed forms. mean: E[X]; cdf: P(X <= x); quantile: inverse cdf at
** p in [0, 1] (for empirical, the sample quantile). */
double model_dist_mean(const model_dist *d);
double model_dist_variance(const model_dist *d);
double model_dist_cdf(const model_dist *d, double x);
double model_dist_quantile(const model_dist *d, double p);

/* The scenario keyword of a kind ("exponential", ...). */
const char *model_dist_kind_name(model_dist_kind kind);

/* Multiply every duration parameter by factor > 0 (sensitivity analysis).
** Shape parameters are left alone; for lognormal mu += ln(factor). */
void model_dist_scale(model_dist *d, double factor);

#endif
