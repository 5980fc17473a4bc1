/*
** study/check.h — the analysis of `drsim check` (prefix study_check_):
** observed end-to-end recoveries of one environment (drills or real
** incidents) against the distribution the scenario predicts. The scenario
** is simulated (in memory, nothing stored), every observation gets its
** probability-integral-transform value (where it falls in the predicted
** law: 0.5 at the median; fit_gof_pit, censored observations drawn above
** their value) and the PIT values of each metric are judged: mean PIT, KS
** test of uniformity, verdict (fit_gof_verdict: consistent, optimistic,
** pessimistic, too narrow, too wide). Prints nothing.
*/
#ifndef DRSIM_STUDY_CHECK_H
#define DRSIM_STUDY_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "fit/gof.h"
#include "models/diag.h"
#include "models/scenario.h"
#include "study/status.h"

/* The observations of one environment, in the order of the file. */
typedef struct study_check_obs {
  const char *env;
  double *rto, *rpo;          /* seconds; rpo NAN when not observed */
  unsigned char *cens;        /* 1: the recovery was still not done at rto */
  size_t n, n_rpo;
} study_check_obs;

/* One environment and metric, judged. */
typedef struct study_check_judged {
  const char *env, *metric;   /* metric "RTO" or "RPO" */
  size_t n, n_censored;       /* observations judged */
  double mean;                /* mean PIT */
  double ks_d, ks_p;          /* KS test of uniformity */
  fit_verdict verdict;
  double *u;                  /* PIT values in observation order (owned: study_check_judged_clear) */
} study_check_judged;

/* PIT values of x[0..n) (NAN skipped; cens may be NULL) against the
** simulated values sim[0..m) (sorted here), judged into *j. Returns
** STUDY_OK or STUDY_EIO (out of memory). */
int study_check_judge(const char *env, const char *metric, double *sim, size_t m,
                      const double *x, const unsigned char *cens, size_t n, gsl_rng *rng,
                      study_check_judged *j, study_error *err);
void study_check_judged_clear(study_check_judged *j);

/* How the scenario is simulated for the check. */
typedef struct study_check_model {
  const model_scenario *sc;       /* the scenario with the overrides, loaded */
  const char *scenario_path;
  const char *const *overrides;   /* --set */
  size_t n_overrides;
  int seed_given, trials_given;
  uint64_t seed, trials;
  unsigned threads;               /* 0: all cores */
} study_check_model;

/* Simulate the scenario once for environment o->env and judge its RTO
** observations (and its RPO ones when it has some) into out[0] (and
** out[1]); *n_out gets 1 or 2. Returns STUDY_OK; a study_point failure
** (STUDY_EINPUT with the load's diagnostics in *failed_diag, which the
** caller frees, STUDY_EIO, STUDY_INTERRUPTED) with err. */
int study_check_environment(const study_check_model *m, const study_check_obs *o, gsl_rng *rng,
                            study_check_judged out[2], size_t *n_out, model_diag **failed_diag,
                            study_error *err);

/* "consistent", "optimistic", "pessimistic", "too narrow", "too wide". */
const char *study_check_verdict_name(fit_verdict v);

#endif
