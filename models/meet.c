/*
** models/meet.c — the one meaning of "an objective is met" (see meet.h).
*/
#include "models/meet.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "models/diag.h"
#include "models/override.h"
#include "models/units.h"
#include "models/yaml_tree.h"

model_meet_rule model_meet_default(void) {
  model_meet_rule r = {MODEL_MEET_SHARE_DEFAULT, MODEL_MEET_CONFIDENCE_DEFAULT};
  return r;
}

int model_meet_valid(const model_meet_rule *r) {
  return r && r->share > 0 && r->share < 1 && r->confidence > 0.5 && r->confidence < 1;
}

/* The x in (0, 1) with Beta(a, b)'s cdf at x equal to y, by bisection on
** gsl_cdf_beta_P (monotone in x; GSL's own inverse can fail to converge for
** large a and b, and its error handler aborts). */
static double beta_inv(double y, double a, double b) {
  double lo = 0, hi = 1;
  for (int i = 0; i < 200 && hi - lo > 1e-15; i++) {
    double mid = 0.5 * (lo + hi);
    if (gsl_cdf_beta_P(mid, a, b) < y) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

double model_meet_lower(uint64_t n, uint64_t k, double c) {
  if (n == 0 || k > n) return NAN;
  if (k == 0) return 0;
  return beta_inv(1 - c, (double)k, (double)(n - k + 1));
}

double model_meet_upper(uint64_t n, uint64_t k, double c) {
  if (n == 0 || k > n) return NAN;
  if (k == n) return 1;
  return beta_inv(c, (double)(k + 1), (double)(n - k));
}

/* The bounds are decided on the binomial tails, which are exact where the
** Beta quantile is a root found numerically: lower bound >= s  <=>
** P(Bin(n, s) >= k) <= 1 - c; upper bound < s  <=>  P(Bin(n, s) <= k) < 1 - c
** (the Clopper-Pearson duality). */
model_meet_verdict model_meet_judge(const model_meet_rule *r, uint64_t n, uint64_t k) {
  if (n == 0 || k > n) return MODEL_MEET_NO_DATA;
  double s = r->share, alpha = 1 - r->confidence;
  unsigned nn = (unsigned)(n > 4000000000u ? 4000000000u : n);
  unsigned kk = (unsigned)((double)k * nn / (double)n);   /* n > 4e9 trials: scaled */
  double upper_tail = kk == 0 ? 1.0 : gsl_cdf_binomial_Q(kk - 1, s, nn);  /* P(B >= k) */
  if (upper_tail <= alpha) return MODEL_MEET_MEETS;
  double lower_tail = gsl_cdf_binomial_P(kk, s, nn);                       /* P(B <= k) */
  if (lower_tail < alpha) return MODEL_MEET_MISSES;
  return MODEL_MEET_INCONCLUSIVE;
}

const char *model_meet_verdict_name(model_meet_verdict v) {
  switch (v) {
    case MODEL_MEET_MEETS: return "meets";
    case MODEL_MEET_INCONCLUSIVE: return "inconclusive";
    case MODEL_MEET_MISSES: return "misses";
    default: return "no data";
  }
}

char *model_meet_describe(const model_meet_rule *r, char *buf, size_t n) {
  snprintf(buf, n, "an objective is met when the one-sided %g %% lower confidence bound of "
           "the share of trials meeting it is at least %g %% (Clopper-Pearson), missed when "
           "the upper bound is below %g %%, and inconclusive otherwise",
           100 * r->confidence, 100 * r->share, 100 * r->share);
  return buf;
}

int model_meet_rule_read(const char *text, size_t len, const char *const *ov, size_t n_ov,
                         model_meet_rule *out) {
  *out = model_meet_default();
  model_diag *d = model_diag_new();
  model_yaml_doc *doc = NULL;
  int rc = -1;
  if (!d || !text || model_yaml_parse(text, len, "scenario", &doc, d) != 0 ||
      model_override_apply(doc, ov, n_ov, d) != 0)
    goto done;
  const model_yaml_node *m = model_yaml_get(model_yaml_root(doc), "meet");
  model_meet_rule r = model_meet_default();
  const char *why = NULL;
  const model_yaml_node *x;
  if (m && m->kind != MODEL_YAML_MAPPING) goto done;
  if ((x = model_yaml_get(m, "share")) &&
      (x->kind != MODEL_YAML_SCALAR || model_units_parse_fraction(x->str, &r.share, &why)))
    goto done;
  if ((x = model_yaml_get(m, "confidence")) &&
      (x->kind != MODEL_YAML_SCALAR || model_units_parse_fraction(x->str, &r.confidence, &why)))
    goto done;
  if (!model_meet_valid(&r)) goto done;
  *out = r;
  rc = 0;
done:
  model_yaml_free(doc);
  model_diag_free(d);
  return rc;
}
