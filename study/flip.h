/*
** study/flip.h — where an objective flips along one parameter: the value of
** a `--set` path inside a user-given range [LO, HI] at which "meets"
** (P(meet) >= the share) changes, found by bisection. One-at-a-time x0.5 /
** x2 swings miss cliffs (a failover grace of 2 h meets, 4 h misses every
** trial); the flip point names the cliff. Every evaluation runs the same
** seed and trial indexes (common random numbers), so the meets indicator
** along the path changes only through the parameter. The caller evaluates
** (study prints nothing): an eval callback gets "PATH=VALUE" and returns
** P(meet).
*/
#ifndef DRSIM_STUDY_FLIP_H
#define DRSIM_STUDY_FLIP_H

#include <stddef.h>
#include "reports/stats.h"
#include "study/status.h"

/* Evaluate P(meet) with the override "PATH=VALUE" added; returns STUDY_OK
** or a failing study status (which stops the search). */
typedef int (*study_flip_eval_fn)(void *ctx, const char *override, report_stats_ci *p_meet);

typedef struct study_flip_range {
  char path[512];
  double lo, hi;          /* lo < hi; durations in seconds */
  int integer;            /* both ends plain integers: search integers (node counts) */
  int duration;           /* written as durations ("2h"): values are seconds */
} study_flip_range;

/* Parse "PATH=LO..HI" (LO and HI plain numbers or durations, LO < HI).
** Returns 0, or -1 with err (n bytes) saying how to write it. */
int study_flip_range_parse(const char *spec, study_flip_range *r, char *err, size_t n);

typedef struct study_flip_result {
  int flips;              /* 1: meets at one end and not at the other */
  double below, above;    /* the bracket: the flip lies in (below, above] from lo's side
                             (below = the last value on lo's side, above = the first on
                             hi's); with flips = 0 they are lo and hi */
  report_stats_ci p_below, p_above;  /* P(meet) at them */
  int meets_at_lo;        /* meets at lo (and not at hi when flips) */
  size_t evaluations;
} study_flip_result;

/* Search r with at most max_evals evaluations (>= 2; bisection stops when
** the bracket is one integer wide, or 1/1000 of the range). share in
** (0, 1]. Returns STUDY_OK and *out, or the first failing eval status. */
int study_flip_find(const study_flip_range *r, double share, size_t max_evals,
                    study_flip_eval_fn eval, void *ctx, study_flip_result *out);

/* "PATH=VALUE" for value v of r, into buf (integers as such, other values
** with 17 significant digits). Returns buf. */
char *study_flip_override(const study_flip_range *r, double v, char *buf, size_t n);

#endif
