/*
** study/families.c — fitting and ranking families for `drsim fit` (see
** families.h).
*/
#include "study/families.h"

#include "fit/gof.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_rng.h>

int study_families_fit(const double *x, const unsigned char *censored, size_t n,
                       const int *families, int n_fam, uint64_t boot, uint64_t seed,
                       study_families *out, study_error *err) {
  memset(out, 0, sizeof *out);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) return study_fail(err, STUDY_EIO, "out of memory");
  char e[256];
  for (int j = 0; j < n_fam && j < FIT_N_FAMILIES; j++) {
    int f = families[j];
    out->asked[out->n_asked++] = f;
    out->why[f][0] = '\0';
    if (fit_mle((fit_family)f, x, censored, n, &out->fits[f], e, sizeof e)) {
      snprintf(out->why[f], sizeof out->why[f], "%s", e);
      continue;
    }
    out->ok[f] = 1;
    out->ks_p[f] = NAN;
    gsl_rng_set(rng, (unsigned long)(seed + (uint64_t)f));
    if (boot > 0)
      fit_gof_bootstrap(&out->fits[f], x, censored, n, (size_t)boot, rng, &out->ks_d[f],
                        &out->ks_p[f]);
    else
      out->ks_d[f] = fit_gof_ks_stat(&out->fits[f].dist, x, censored, n);
    out->order[out->n_ok++] = f;
  }
  gsl_rng_free(rng);
  if (!out->n_ok)
    return study_fail(err, STUDY_EINPUT, "no family could be fitted: %s",
                      out->why[out->asked[0]]);
  /* Rank by AIC (insertion sort: stable, ties keep the order asked). */
  int *o = out->order;
  for (int a = 1; a < out->n_ok; a++)
    for (int b = a; b > 0 && out->fits[o[b]].aic < out->fits[o[b - 1]].aic; b--) {
      int t = o[b];
      o[b] = o[b - 1];
      o[b - 1] = t;
    }
  return STUDY_OK;
}
