/*
** study/constraint.h — a constraint of `drsim optimize` (prefix
** study_constraint_): `ENV.METRIC.pNN<=DURATION`, `ENV.METRIC.mean<=DURATION`
** or `ENV.METRIC.p_meet>=SHARE`, and its one-sided check on one
** candidate's values of the metric, at the scenario's meet.confidence
** (default 95 %; models/meet.h, the rule of every command):
**   quantile  met when the one-sided upper bound of the pNN (the order
**             statistic of study_target_stats_compute) is <= DURATION: the
**             rule's MEETS with share NN % of the trials within DURATION;
**   mean      met when the upper end of the two-sided 90 % t interval of the
**             mean (one-sided 95 %) is <= DURATION; a trial never recovered
**             (+inf) makes the mean +inf: never met;
**   p_meet    the rule's MEETS with share SHARE: the one-sided
**             Clopper-Pearson lower bound of the share meeting the
**             scenario's objective is >= SHARE.
** Prints nothing.
*/
#ifndef DRSIM_STUDY_CONSTRAINT_H
#define DRSIM_STUDY_CONSTRAINT_H

#include <stddef.h>
#include "models/scenario.h"
#include "study/optimize.h"
#include "study/target.h"

typedef enum study_constraint_kind {
  STUDY_CONSTRAINT_QUANTILE = 0,
  STUDY_CONSTRAINT_MEAN,
  STUDY_CONSTRAINT_P_MEET
} study_constraint_kind;

typedef struct study_constraint {
  char spec[300];             /* as written */
  study_target t;             /* the metric collected */
  study_constraint_kind kind;
  double threshold;           /* seconds (quantile, mean) or share (p_meet) */
  double q;                   /* quantile */
  double objective;           /* the duration a trial must meet (p_meet: the scenario's) */
  int env;                    /* environment index in the scenario */
  double confidence;          /* the scenario's meet.confidence (one-sided) */
} study_constraint;

/* Parse spec against sc into *c. Returns 0, or -1 with err (n bytes)
** saying what is wrong and how to write it. */
int study_constraint_parse(const model_scenario *sc, const char *spec, study_constraint *c,
                           char *err, size_t n);

/* The check of c on values[0..n) (one per trial, +inf for a trial never
** recovered; sorted in place): estimate, its deciding one-sided bound,
** P(meet) of the threshold, meets, and the shortfall (0 when the point
** estimate meets; quantile and p_meet: the missing share; mean: the
** relative excess, 1e9 when a trial never recovered). */
void study_constraint_check(const study_constraint *c, double *values, size_t n,
                            study_opt_check *out);

/* The fewest trials that can bound c at 95 % (0: any number). */
uint64_t study_constraint_min_trials(const study_constraint *c);

#endif
