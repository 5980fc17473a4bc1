/*
** models/uncertainty.h — the `uncertainty:` key of a fitted distribution:
** the sampling covariance of its parameters, as `drsim calibrate` and
** `drsim fit` write it and `drsim run --epistemic` draws from it.
**
**   duration: {dist: lognormal, median: 12m, p95: 35m,
**              uncertainty: {n: 14, cov: [[0.0123, 0.0011], [0.0011, 0.0045]]}}
**
** `cov` is the covariance matrix of the distribution's working parameters
** (exponential: ln mean; lognormal: mu, ln sigma; gamma and weibull: ln
** shape, ln scale; normal: mean, ln sd — seconds where not a logarithm),
** symmetric and positive definite; `n` (optional) is the number of
** observations it came from, for messages. Only those five kinds take it.
*/
#ifndef DRSIM_MODELS_UNCERTAINTY_H
#define DRSIM_MODELS_UNCERTAINTY_H

#include <stddef.h>
#include "models/dist.h"
#include "models/yaml_tree.h"

typedef struct model_uncertainty {
  size_t k;           /* working parameters: 1 or 2 */
  double cov[2][2];
  unsigned long n;    /* observations (0: not given) */
} model_uncertainty;

/* Working parameters of a distribution kind that can carry uncertainty
** (1 or 2), or 0 for the others. */
size_t model_uncertainty_params(model_dist_kind kind);

/* Read and check the `uncertainty:` map `node` of a distribution of `kind`.
** Returns 0 with *out filled, or -1 with *bad = the offending node and a
** message (msgn bytes) saying what is wrong and how to write it. */
int model_uncertainty_read(const model_yaml_node *node, model_dist_kind kind,
                           model_uncertainty *out, const model_yaml_node **bad, char *msg,
                           size_t msgn);

#endif
