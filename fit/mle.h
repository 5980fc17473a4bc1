/*
** fit/mle.h — maximum-likelihood fits of durations to the parametric
** families drsim can simulate (exponential, lognormal, gamma, weibull and the
** normal truncated at 0), with right-censored observations, their
** observed-information covariance, 95 % intervals of parameters and
** quantiles (delta method), AIC, the YAML snippet in the scenario syntax,
** draws of parameter sets from the estimate's sampling distribution, and the
** Beta posterior of a failure probability from counts.
**
** Every family is fitted on a "working" parametrisation theta in which the
** likelihood is smooth and unconstrained, and which is also the one a
** scenario's `uncertainty: {cov: ...}` is written in (docs/calibration.md):
**   exponential  theta = (ln mean)
**   lognormal    theta = (mu, ln sigma)           mu of ln seconds
**   gamma        theta = (ln shape, ln scale)     scale in seconds
**   weibull      theta = (ln shape, ln scale)
**   normal       theta = (mean, ln sd)            mean in seconds
** Durations are in seconds. The fits use GSL's Nelder-Mead minimiser
** (nmsimplex2) and gsl_sf_* for log-densities and log-survivals, so extreme
** values never reach GSL's aborting error handler.
**
** fit_result is a small value type (like model_dist) so callers keep arrays
** of them; its model_dist needs no freeing (never empirical).
*/
#ifndef DRSIM_FIT_MLE_H
#define DRSIM_FIT_MLE_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "models/dist.h"

typedef enum fit_family {
  FIT_EXPONENTIAL = 0,
  FIT_LOGNORMAL,
  FIT_GAMMA,
  FIT_WEIBULL,
  FIT_NORMAL,
  FIT_N_FAMILIES
} fit_family;

#define FIT_MAX_PARAMS 2

/* An estimate with its two-sided interval (lo, hi); NAN where unknown. */
typedef struct fit_ci {
  double est, lo, hi;
} fit_ci;

typedef struct fit_result {
  fit_family family;
  size_t k;                                     /* parameters: 1 or 2 */
  double theta[FIT_MAX_PARAMS];                 /* working parameters, see above */
  double cov[FIT_MAX_PARAMS][FIT_MAX_PARAMS];   /* inverse observed information */
  int cov_ok;                                   /* 0: information not positive definite */
  double loglik;                                /* at the estimate */
  double aic;                                   /* 2k - 2 loglik */
  size_t n, n_censored;
  model_dist dist;                              /* the fitted law */
} fit_result;

/* "exponential", ... */
const char *fit_family_name(fit_family f);
/* Parse a family name; returns 0 and *f, or -1. */
int fit_family_parse(const char *name, fit_family *f);
/* The family of a drsim distribution kind; -1 when the kind is not fittable. */
int fit_family_of_kind(model_dist_kind kind);
/* Number of parameters of a family (1 or 2). */
size_t fit_family_params(fit_family f);

/* Log-likelihood of x[0..n) at working parameters theta; censored[i] != 0
** means x[i] is a lower bound (right-censored; may be NULL: none). -INFINITY
** when theta is outside the family or an observation is impossible. */
double fit_loglik(fit_family f, const double *theta, const double *x,
                  const unsigned char *censored, size_t n);

/* The model_dist of working parameters theta. Returns 0, or -1 when they do
** not give a valid distribution (e.g. overflow). */
int fit_dist_from_theta(fit_family f, const double *theta, model_dist *d);

/* Working parameters of a fittable model_dist (the inverse of the above).
** Returns 0, or -1 when d's kind is not one of the five families. */
int fit_theta_from_dist(const model_dist *d, fit_family *f, double *theta);

/* Maximum-likelihood fit of x[0..n) (seconds, finite, > 0; censored as in
** fit_loglik). Needs at least one uncensored value, two distinct ones for
** two-parameter families. Returns 0 with *out filled, or -1 with a message
** in err (errn bytes) saying why. */
int fit_mle(fit_family f, const double *x, const unsigned char *censored, size_t n,
            fit_result *out, char *err, size_t errn);

/* The p-quantile (0 < p < 1) of the fit with a two-sided `level` interval
** (e.g. 0.95) from the delta method on ln(quantile) (NAN bounds when the
** covariance is unusable). */
fit_ci fit_quantile_ci(const fit_result *r, double p, double level);

/* Parameter i (0-based) of the fit in the scenario's terms: exponential
** mean; lognormal median, p95; gamma and weibull shape, scale; normal mean,
** sd. With its `level` interval (delta method on the working scale). *name
** is set to the scenario key ("median", ...). */
fit_ci fit_param_ci(const fit_result *r, size_t i, double level, const char **name);

/* One draw of working parameters from N(theta_hat, cov) into theta; cov is
** row-major with row stride FIT_MAX_PARAMS (pass &r->cov[0][0]). Returns 0,
** or -1 when the covariance is not positive definite. */
int fit_theta_draw(fit_family f, const double *theta_hat, const double *cov, gsl_rng *rng,
                   double *theta);

/* A duration as a scenario value with 4 significant digits and a readable
** unit ("11.68m", "2.5h", "35s"). Returns buf. */
char *fit_format_duration(double seconds, char *buf, size_t n);

/* The scenario snippet of a fit, e.g. "{dist: lognormal, median: 12m, p95:
** 35m}"; with_uncertainty appends ", uncertainty: {n: N, cov: [[..]]}".
** Writes at most n bytes; returns buf. */
char *fit_yaml_snippet(const fit_result *r, int with_uncertainty, char *buf, size_t n);

/* Beta posterior of a failure probability after `failures` of `attempts`
** (failures <= attempts) with the Jeffreys prior Beta(1/2, 1/2): the
** posterior mean and the equal-tailed `level` interval. *a, *b (may be
** NULL) receive the posterior's parameters. */
fit_ci fit_beta_posterior(unsigned long failures, unsigned long attempts, double level,
                          double *a, double *b);

#endif
