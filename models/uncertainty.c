/*
** models/uncertainty.c — reading and checking a distribution's
** `uncertainty:` map (see models/uncertainty.h). Positive definiteness of
** the 2x2 covariance is checked by its leading minors.
*/
#include "models/uncertainty.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t model_uncertainty_params(model_dist_kind kind) {
  switch (kind) {
    case MODEL_DIST_EXPONENTIAL: return 1;
    case MODEL_DIST_LOGNORMAL:
    case MODEL_DIST_GAMMA:
    case MODEL_DIST_WEIBULL:
    case MODEL_DIST_NORMAL: return 2;
    default: return 0;
  }
}

static int num(const model_yaml_node *n, double *v) {
  if (!n || n->kind != MODEL_YAML_SCALAR || n->len == 0) return -1;
  char *end;
  errno = 0;
  *v = strtod(n->str, &end);
  return *end || errno || !isfinite(*v) ? -1 : 0;
}

int model_uncertainty_read(const model_yaml_node *node, model_dist_kind kind,
                           model_uncertainty *out, const model_yaml_node **bad, char *msg,
                           size_t msgn) {
  memset(out, 0, sizeof *out);
  *bad = node;
  size_t k = model_uncertainty_params(kind);
  if (k == 0) {
    snprintf(msg, msgn, "only exponential, lognormal, gamma, weibull and normal distributions "
             "take 'uncertainty'");
    return -1;
  }
  const char *ex = k == 1 ? "{n: 12, cov: [[0.083]]}"
                          : "{n: 12, cov: [[0.012, 0.001], [0.001, 0.045]]}";
  if (!node || node->kind != MODEL_YAML_MAPPING) {
    snprintf(msg, msgn, "'uncertainty' must be a map such as %s", ex);
    return -1;
  }
  for (size_t i = 0; i < node->n_pairs; i++) {
    const char *key = node->pairs[i].key->str;
    if (strcmp(key, "n") && strcmp(key, "cov")) {
      *bad = node->pairs[i].key;
      snprintf(msg, msgn, "unknown key '%s' in uncertainty; it takes 'cov' and optionally 'n'",
               key);
      return -1;
    }
  }
  const model_yaml_node *nn = model_yaml_get(node, "n"), *cv = model_yaml_get(node, "cov");
  if (nn) {
    double v;
    if (num(nn, &v) || v < 1 || v > 1e12 || v != floor(v)) {
      *bad = nn;
      snprintf(msg, msgn, "uncertainty 'n' must be a whole number of observations >= 1");
      return -1;
    }
    out->n = (unsigned long)v;
  }
  if (!cv) {
    snprintf(msg, msgn, "uncertainty needs 'cov', the covariance of the parameters; e.g. %s", ex);
    return -1;
  }
  if (cv->kind != MODEL_YAML_SEQUENCE || cv->n_items != k) {
    *bad = cv;
    snprintf(msg, msgn, "uncertainty 'cov' must be a %zux%zu matrix written as a list of rows, "
             "e.g. %s", k, k, ex);
    return -1;
  }
  for (size_t i = 0; i < k; i++) {
    const model_yaml_node *row = cv->items[i];
    if (row->kind != MODEL_YAML_SEQUENCE || row->n_items != k) {
      *bad = row;
      snprintf(msg, msgn, "row %zu of uncertainty 'cov' must hold %zu numbers", i + 1, k);
      return -1;
    }
    for (size_t j = 0; j < k; j++)
      if (num(row->items[j], &out->cov[i][j])) {
        *bad = row->items[j];
        snprintf(msg, msgn, "uncertainty 'cov' holds '%s', not a finite number",
                 row->items[j]->kind == MODEL_YAML_SCALAR ? row->items[j]->str : "a collection");
        return -1;
      }
  }
  out->k = k;
  int pd = out->cov[0][0] > 0;
  if (k == 2) {
    double c01 = out->cov[0][1], c10 = out->cov[1][0];
    if (fabs(c01 - c10) > 1e-9 * (fabs(c01) + fabs(c10)) + 1e-300) {
      snprintf(msg, msgn, "uncertainty 'cov' must be symmetric (row 1 col 2 = row 2 col 1)");
      *bad = cv;
      return -1;
    }
    pd = pd && out->cov[0][0] * out->cov[1][1] - c01 * c10 > 0;
  }
  if (!pd) {
    *bad = cv;
    snprintf(msg, msgn, "uncertainty 'cov' must be positive definite (variances > 0, |correlation| "
             "< 1); write the covariance that drsim fit prints");
    return -1;
  }
  return 0;
}
