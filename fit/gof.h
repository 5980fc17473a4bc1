/*
** fit/gof.h — goodness of fit: the Kolmogorov-Smirnov distance between a
** fitted law and the Kaplan-Meier estimate of right-censored data, its
** p-value by parametric bootstrap (which accounts for the parameters having
** been estimated from the same data, and for the censoring, whose law is
** resampled from the reverse Kaplan-Meier), the Kolmogorov p-value of a
** sample against the uniform law, and probability-integral-transform (PIT)
** values of observations against a simulated predictive distribution.
*/
#ifndef DRSIM_FIT_GOF_H
#define DRSIM_FIT_GOF_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "fit/mle.h"

/* sup_t |KM(t) - F(t)| over the completed (uncensored) times, KM the
** Kaplan-Meier estimate of the cdf of x[0..n) with censored[i] marking
** right-censored values (NULL: none). Without censoring this is the
** ordinary KS statistic. NAN when no value is uncensored or out of memory. */
double fit_gof_ks_stat(const model_dist *d, const double *x, const unsigned char *censored,
                       size_t n);

/* Parametric bootstrap of the KS statistic of fit r (a fit of x, censored,
** n): B samples of size n from the fitted law, censored by draws from the
** reverse Kaplan-Meier of the observed censoring, each refitted in r's
** family. *d_obs = the observed statistic, *p = (1 + #{D* >= D}) / (1 + B'),
** B' the replicates whose refit succeeded (returned). Returns -1 on a bad
** argument or out of memory. */
int fit_gof_bootstrap(const fit_result *r, const double *x, const unsigned char *censored,
                      size_t n, size_t B, gsl_rng *rng, double *d_obs, double *p);

/* Kolmogorov-Smirnov test of u[0..n) (values in [0, 1]) against the
** uniform law: *d = the statistic, returns the p-value (asymptotic
** Kolmogorov law with Stephens' small-sample correction, accurate to a few
** per cent of p for n >= 5). u is sorted in place. NAN for n = 0. */
double fit_gof_ks_uniform(double *u, size_t n, double *d);

/* Kolmogorov's survival function Q(lambda) = 2 sum_{j>=1} (-1)^(j-1)
** exp(-2 j^2 lambda^2). */
double fit_gof_kolmogorov_q(double lambda);

/* PIT value of an observation x against a predictive law given by m
** simulated values sim[0..m) sorted ascending (+inf allowed: never
** recovered). Uncensored: (#{sim < x} + V (#{sim == x} + 1)) / (m + 1), V
** uniform, which is exactly uniform when x is exchangeable with the
** simulated values. Censored (the true value is only known to exceed x):
** uniform between that value at x and 1. */
double fit_gof_pit(const double *sim, size_t m, double x, int censored, gsl_rng *rng);

/* What PIT values say about a model (fit_gof_verdict). */
typedef enum fit_verdict {
  FIT_VERDICT_CONSISTENT = 0, /* no evidence against the model */
  FIT_VERDICT_OPTIMISTIC,     /* observations sit high in the predicted law: slower than predicted */
  FIT_VERDICT_PESSIMISTIC,    /* observations sit low: faster than predicted */
  FIT_VERDICT_TOO_NARROW,     /* centred, but too many in both tails: the model is overconfident */
  FIT_VERDICT_TOO_WIDE        /* centred, but too few in the tails */
} fit_verdict;

/* Judge PIT values u[0..n) (any order): the mean PIT is compared with 1/2
** by its standard error sqrt(1 / (12 n)) (two-sided 5 %), and the KS test
** of uniformity at 5 %. A shifted mean gives optimistic/pessimistic; a
** rejected KS with a centred mean gives too narrow/too wide by the share
** in the outer fifths (expected 0.4). *mean and *ks_p (may be NULL)
** receive the mean PIT and the KS p-value. u is sorted in place. */
fit_verdict fit_gof_verdict(double *u, size_t n, double *mean, double *ks_p);

#endif
