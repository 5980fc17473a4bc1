/*
** study/explain.h — why an environment misses an objective (`drsim explain`):
** the conditions each trial records (a manual step started off hours, a step
** retried, a capacity shortage, a common cause that occurred, a periodic
** backup that was not usable, detection above its median, a step's duration
** above its p90), how often
** each comes with missed and with met trials, and counterfactuals: the same
** trials (same seed, same trial indexes: common random numbers) re-run with
** a condition removed by `--set` overrides, compared trial by trial.
**
** This module computes and prints nothing: the caller simulates (or
** re-simulates) the trials and hands their outcome records here in trial
** order; study/explain_run.h drives the simulations, cli/cmd_explain.c
** parses and prints.
**
** Definitions (docs/explain.md states them for users). Over the trials that
** count (the environment affected, as in the summary; every trial for
** availability), with N trials, M missed:
**   share of missed with c = missed trials with c / M
**   share of met with c    = met trials with c / (N - M)
**   lift                   = P(miss | c) / P(miss)
**   P(meet) without c      = met trials without c / trials without c (Wilson 95 %)
**   contribution           = P(c) x (P(meet | not c) - P(meet | c)): the points
**                            of P(meet) lost to trials with c, compared with
**                            those without; conditions are ranked by it,
**                            conservatively: with P(meet | not c) at the
**                            lower bound of its 95 % interval (so that a
**                            condition nearly every trial has, leaving few
**                            trials without it, does not rank by chance).
** Conditions by objective: RTO the recovery's (off hours, retries,
** shortages, the common causes that act on the recovery: a pool it
** scales up, one of its steps, its detection; detection, slow steps), RPO
** the data's (periodic backups), availability both. A common cause is
** removed by `common_causes.NAME.probability=0`: its occurrence is the
** first draw of its own stream, so no other draw moves.
** A trial meets an RTO/RPO objective when its value is <= the objective (a
** trial never recovered, +inf, misses), availability when it is >= it.
*/
#ifndef DRSIM_STUDY_EXPLAIN_H
#define DRSIM_STUDY_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>
#include "models/scenario.h"
#include "reports/stats.h"

enum {
  STUDY_EXPLAIN_OK = 0,
  STUDY_EXPLAIN_EINVAL = -1,   /* unknown environment, no such objective, bad order */
  STUDY_EXPLAIN_ENOMEM = -2
};

typedef enum study_explain_metric {
  STUDY_EXPLAIN_RTO = 0,
  STUDY_EXPLAIN_RPO,
  STUDY_EXPLAIN_AVAILABILITY
} study_explain_metric;

/* One condition, with its figures after study_explain_finish. */
typedef struct study_explain_condition {
  const char *name;           /* "approve-failover started off hours" */
  const char *kind;           /* off_hours | retried | shortage | backup |
                                 detection | slow_step | common_cause */
  const char *subject;        /* the step, pool, component or cause it is about */
  double threshold;           /* detection, slow_step: the time it exceeds (s); else NAN */
  uint64_t n_with;            /* counted trials with it */
  uint64_t missed_with, met_with;
  double share_missed;        /* NAN when no trial missed */
  double share_met;           /* NAN when no trial met */
  double lift;                /* NAN when undefined (no miss, never present) */
  double contribution;        /* NAN when every trial had it */
  report_stats_ci p_meet_without;
  const char *const *overrides;  /* the `--set` overrides that remove it */
  size_t n_overrides;            /* 0: no override removes it alone */
} study_explain_condition;

/* A counterfactual's figures after study_explain_whatif_finish. */
typedef struct study_explain_whatif {
  const char *label;
  const char *const *overrides;
  size_t n_overrides;
  uint64_t n;                 /* counted trials */
  uint64_t met;
  report_stats_ci p_meet;     /* Wilson 95 % */
  uint64_t n_paired;          /* trials counted in both runs */
  report_stats_ci change;     /* mean paired change of the meet indicator
                                 (counterfactual - run), normal 95 % interval */
  uint64_t gained, lost;      /* paired trials that now meet / now miss */
} study_explain_whatif;

typedef struct study_explain study_explain;

/* Set up the analysis of environment `env` of sc against its objective for
** `metric`, over trials first_trial .. first_trial + n_trials - 1. sc must
** outlive the object (it is only read; model_params reads it through a
** non-const pointer). Returns STUDY_EXPLAIN_OK and *out, or EINVAL with err
** (n bytes) saying what is missing, or ENOMEM. */
int study_explain_new(model_scenario *sc, const char *env, study_explain_metric metric,
                      uint64_t first_trial, uint64_t n_trials, study_explain **out,
                      char *err, size_t n);
void study_explain_free(study_explain *x);   /* NULL is a no-op */

/* The objective: its value (seconds, or a fraction for availability). */
double study_explain_objective(const study_explain *x);

/* The share of the scenario's meet rule (models/meet.h) the analysis judges by. */
double study_explain_meet_share(const study_explain *x);

/* Hand over the run's trial records first .. first + n - 1 (each
** model_outcome_size(sc) bytes, back to back), in trial order without gaps.
** Returns OK, or EINVAL (out of order or out of range). */
int study_explain_add(study_explain *x, uint64_t first, size_t n, const void *records);

/* After every trial was added: the thresholds of the duration conditions,
** the figures and the ranking. Returns OK or EINVAL (trials missing). */
int study_explain_finish(study_explain *x);

/* Counted trials, missed among them, and P(meet) (Wilson 95 %). */
uint64_t study_explain_trials(const study_explain *x);
uint64_t study_explain_missed(const study_explain *x);
report_stats_ci study_explain_p_meet(const study_explain *x);

/* Conditions that occurred at least once, ranked by contribution (largest
** first; undefined last; ties by scenario order). Valid after finish. */
size_t study_explain_count(const study_explain *x);
const study_explain_condition *study_explain_get(const study_explain *x, size_t i);

/* Start a counterfactual run: the same trials of sc_cf (the run's scenario
** loaded with `overrides` added; it must outlive the counterfactual's adds)
** will be handed over with study_explain_whatif_add. label and overrides
** are copied. Returns OK and *index, EINVAL (before finish, or sc_cf lacks
** the environment), ENOMEM. */
int study_explain_whatif_begin(study_explain *x, const model_scenario *sc_cf,
                               const char *label, const char *const *overrides,
                               size_t n_overrides, size_t *index);
int study_explain_whatif_add(study_explain *x, size_t index, uint64_t first, size_t n,
                             const void *records);
int study_explain_whatif_finish(study_explain *x, size_t index);
size_t study_explain_whatif_count(const study_explain *x);
const study_explain_whatif *study_explain_whatif_get(const study_explain *x, size_t i);

/* Trial first_trial + t (t < n_trials) of the run (whatif < 0) or of
** counterfactual `whatif`: 0 not counted, 1 missed, 2 met. */
int study_explain_trial_state(const study_explain *x, long whatif, uint64_t t);

/* The answer in one sentence, into buf (n bytes, truncated to fit):
** "production meets RTO <= 4h in 90.3 % [89.7, 90.9] of 10000 trials,
** below the 95 % asked (misses); misses are driven by A (in 87.4 % of
** misses) and B (24.0 %); removing A would give 96.0 % [95.6, 96.4]." —
** the verdict of the scenario's meet: rule (models/meet.h), the two
** top-ranked conditions that
** cost P(meet), then the best counterfactual that improves on the run
** (with a `without ranks ...` one: all removed together). Returns buf. */
char *study_explain_sentence(const study_explain *x, char *buf, size_t n);

/* 100 v with one decimal, more when one decimal would show a share that is
** not exactly 0 or 1 as "0.0" or "100.0" (never rounded onto a bound).
** Returns buf. */
char *study_explain_format_share(double v, char *buf, size_t n);

/* study_explain_format_share for a P(meet) judged against `share` (the
** scenario's meet rule): more decimals where the shown value would sit on
** the other side of the share than v (94.96 % against 95 % reads "94.96",
** not "95.0"), so a P(meet) is never rounded across it. Returns buf. */
char *study_explain_format_p_meet(double v, double share, char *buf, size_t n);

/* "rto", "rpo", "availability"; and the metric of such a name (-1: unknown). */
const char *study_explain_metric_name(study_explain_metric m);
int study_explain_metric_parse(const char *name);

#endif
