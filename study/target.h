/*
** study/target.h — what a study measures: a target metric
** `ENV.METRIC[.STAT]` (production.rto.p95), and the statistics of one
** point's values of it that sweep, size and sensitivity decide on.
*/
#ifndef DRSIM_STUDY_TARGET_H
#define DRSIM_STUDY_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include "models/scenario.h"
#include "reports/stats.h"

typedef enum study_target_metric {
  STUDY_TARGET_RTO = 0,          /* seconds until service restored */
  STUDY_TARGET_RPO,              /* seconds of data lost */
  STUDY_TARGET_FULL_CAPACITY     /* seconds until the environment's pools are full */
} study_target_metric;

typedef enum study_target_stat {
  STUDY_TARGET_STAT_NONE = 0,    /* ENV.METRIC only (size) */
  STUDY_TARGET_STAT_MEAN,        /* mean of the finite values */
  STUDY_TARGET_STAT_QUANTILE,    /* pNN: p50, p95, p99, p99.9 */
  STUDY_TARGET_STAT_P_MEET       /* share of trials meeting the objective */
} study_target_stat;

/* What a command measures. A trial in which the environment was not
** recovered counts as +inf in every metric (a miss), as in the summary's
** P(meet). */
typedef struct study_target {
  char env[129];              /* environment name */
  study_target_metric metric;
  study_target_stat stat;
  double q;                   /* STUDY_TARGET_STAT_QUANTILE: in (0, 1) */
  double objective;           /* seconds: the scenario's objective; NAN: none */
  char spec[300];             /* as written, for messages and CSV */
} study_target;

/* Parse "ENV.METRIC" (with_stat = 0) or "ENV.METRIC.STAT" (with_stat = 1)
** against sc: ENV one of its environments (the longest name that matches,
** names may hold dots), METRIC rto | rpo | full_capacity (the latter only for
** an environment with a standby pool), STAT mean | pNN | p_meet. Returns 0,
** or -1 with err naming what is unknown and the closest valid choice. */
int study_target_parse(const model_scenario *sc, const char *spec, int with_stat,
                           study_target *t, char *err, size_t n);

/* Name of a metric ("rto", "rpo", "full_capacity"). */
const char *study_target_metric_name(study_target_metric m);

/* Statistics of one point's values of the target metric. */
typedef struct study_target_stats {
  uint64_t n;                 /* trials */
  report_stats_ci mean;       /* finite values, t interval */
  report_stats_ci p50, p95, p99;
  report_stats_ci q;          /* the quantile asked for (or p99) */
  double q_upper;             /* one-sided upper confidence bound of that
                                 quantile (order statistic X(u)); +inf when n
                                 is too small to bound it */
  uint64_t n_meet;            /* trials with value <= objective */
  report_stats_ci p_meet;     /* Wilson, two-sided 95 %; NAN without objective */
  uint64_t not_finite;        /* trials with value +inf */
} study_target_stats;

/* Compute the statistics of values[0..n) (sorted in place; NaN are
** removed first) at quantile q in (0, 1) with one-sided `confidence` (e.g.
** 0.95) for q_upper, against objective (NAN: none). */
void study_target_stats_compute(double *values, size_t n, double q, double objective,
                             double confidence, study_target_stats *out);

/* The fewest trials n for which q_upper can be finite at quantile q in
** (0, 1) and one-sided `confidence` in (0.5, 1): the upper rank u of
** study_target_stats_compute is <= n iff P(Binomial(n, q) <= n - 1) =
** 1 - q^n >= confidence, i.e. n >= log(1 - confidence) / log(q) (checked
** against the exact rank computation). With fewer trials every bound is
** +inf whatever the values. */
uint64_t study_target_min_trials(double q, double confidence);

/* The value of a target's statistic (mean, the quantile, or p_meet) and its
** 95 % interval, from values[0..n) (sorted in place). */
report_stats_ci study_target_value(const study_target *t, double *values, size_t n);

#endif
