/*
** study/epistemic.h — parameter uncertainty in the answer (`drsim run
** SCENARIO --epistemic N`; docs/calibration.md).
**
** Every distribution of the scenario file with an `uncertainty:` map, and
** every step's failure_probability with `failure_counts:` (drawn from the
** Jeffreys Beta posterior), is found in its YAML tree together with its
** --set path. The central scenario is run first (point 0: the Monte
** Carlo-only reference), then N draws (points 1..N): each draws every
** uncertain input's working parameters from N(estimate, cov)
** (fit_theta_draw) and runs the scenario with them as --set overrides, at
** the same seed, so all points share their random numbers (common random
** numbers) and differ by their parameters only.
**
** The interval of P(meet) (and of p95) combines the spread of the draws'
** values (2.5 % and 97.5 % quantiles: parameter uncertainty) with the
** central run's Monte Carlo interval, half-width by half-width in
** quadrature around the mean of the draws.
*/
#ifndef DRSIM_STUDY_EPISTEMIC_H
#define DRSIM_STUDY_EPISTEMIC_H

#include <stddef.h>
#include <stdint.h>
#include "models/diag.h"
#include "reports/summary.h"
#include "study/status.h"

typedef struct study_epistemic study_epistemic;

/* Find the uncertain inputs of the scenario `text` (named `name` in
** messages) and seed the draws from `seed`. Returns STUDY_OK and *out, or
** STUDY_EINPUT (the YAML does not parse: diag; an input cannot be drawn
** from, or there is none: err) / STUDY_EIO (out of memory). */
int study_epistemic_new(const char *text, const char *name, uint64_t seed,
                        study_epistemic **out, model_diag *diag, study_error *err);

/* Uncertain inputs found, and the fewest observations behind one (0: no
** count known). */
size_t study_epistemic_inputs(const study_epistemic *e);
unsigned long study_epistemic_n_min(const study_epistemic *e);

/* Draw every uncertain input once: *overrides receives n "PATH=VALUE"
** strings (n = study_epistemic_inputs), owned by e until the next draw.
** Returns STUDY_OK, or STUDY_EINPUT (no valid parameters could be drawn
** for an input) / STUDY_EIO with err. */
int study_epistemic_draw(study_epistemic *e, const char *const **overrides, study_error *err);

/* Add the summary of point `point` (0: the central run, then the draws in
** order) to the series of every environment's RTO and RPO (an RPO without
** objective is left out). Returns STUDY_OK or STUDY_EIO (out of memory). */
int study_epistemic_add(study_epistemic *e, uint64_t point, const report_summary *s,
                        uint64_t draws, study_error *err);

/* One environment and metric: the central run's figures and the combined
** intervals over the draws. */
typedef struct study_epistemic_result {
  const char *env, *metric;              /* metric "rto" | "rpo" */
  double objective;                      /* seconds; NaN: none */
  size_t draws;                          /* draws added */
  double central_lo, central_hi;         /* P(meet), Monte Carlo only */
  double central_qlo, central_qhi;       /* p95, Monte Carlo only */
  double p, p_lo, p_hi;                  /* P(meet) combined (NaN without objective) */
  double q, q_lo, q_hi;                  /* p95 combined */
} study_epistemic_result;

size_t study_epistemic_count(const study_epistemic *e);
void study_epistemic_result_at(const study_epistemic *e, size_t i, study_epistemic_result *r);

/* Combined interval of values v[0..n) (NaN dropped; v is sorted in place):
** the 2.5-97.5 % range around the mean (the median when some value is
** infinite), each half widened in quadrature by a Monte Carlo half-width.
** No finite value: all NaN. */
void study_epistemic_combine(double *v, size_t n, double mc_lo_half, double mc_hi_half,
                             double *mean, double *lo, double *hi);

void study_epistemic_free(study_epistemic *e);

#endif
