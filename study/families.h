/*
** study/families.h — the comparison of `drsim fit` (prefix
** study_families_): every asked family fitted to observed durations by
** maximum likelihood (fit/mle.h, right-censored values handled), each
** with its KS distance and, with a bootstrap, its KS p-value (fit/gof.h),
** ranked by AIC. Prints nothing.
*/
#ifndef DRSIM_STUDY_FAMILIES_H
#define DRSIM_STUDY_FAMILIES_H

#include <stddef.h>
#include <stdint.h>
#include "fit/mle.h"
#include "study/status.h"

typedef struct study_families {
  int asked[FIT_N_FAMILIES];          /* the families tried, in the order asked */
  int n_asked;
  int ok[FIT_N_FAMILIES];             /* by family: fitted */
  fit_result fits[FIT_N_FAMILIES];    /* by family, when ok */
  double ks_d[FIT_N_FAMILIES];        /* by family */
  double ks_p[FIT_N_FAMILIES];        /* by family; NAN without bootstrap */
  char why[FIT_N_FAMILIES][256];      /* by family, when not ok: the fit's error */
  int order[FIT_N_FAMILIES];          /* the fitted families, lowest AIC first */
  int n_ok;
} study_families;

/* Fit families[0..n_fam) to x[0..n) (censored[i] != 0: right-censored),
** each with a KS bootstrap of `boot` replicates (0: the KS distance only)
** seeded with seed + family. Returns STUDY_OK; STUDY_EINPUT when no family
** could be fitted (err: the first family's reason); STUDY_EIO. */
int study_families_fit(const double *x, const unsigned char *censored, size_t n,
                       const int *families, int n_fam, uint64_t boot, uint64_t seed,
                       study_families *out, study_error *err);

#endif
