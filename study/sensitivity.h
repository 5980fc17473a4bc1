/*
** study/sensitivity.h — one-at-a-time sensitivity (a tornado): every
** duration parameter of the scenario, found automatically
** (models/params.h), is scaled by a low and a high factor while everything
** else stays at its baseline; the parameters are ranked by the swing of
** the target metric |value(high) - value(low)|.
**
** Each evaluation loads the scenario with the user's --set overrides plus
** the override model_params_override writes for the scaled parameter (so a
** stored evaluation is reproduced by `drsim run --set` with the stored
** overrides), and runs it with the same seed as the baseline. Common random
** numbers make the comparison sharp: a parameter that cannot affect the
** metric (a staging step for production's RTO) changes none of its draws and
** shows a swing of exactly 0, and small effects are not buried in noise.
** Parameters the model ignores in this scenario (used = 0, e.g. a manual
** step's `duration` when the on-call block applies) are skipped.
*/
#ifndef DRSIM_STUDY_SENSITIVITY_H
#define DRSIM_STUDY_SENSITIVITY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "models/diag.h"
#include "models/params.h"
#include "models/scenario.h"
#include "reports/stats.h"
#include "reports/store.h"
#include "study/status.h"
#include "study/target.h"

/* One parameter's effect. */
typedef struct study_sensitivity_effect {
  size_t param;                 /* index in the spec's model_params */
  report_stats_ci low, high;    /* the metric at the low and high factor */
  double swing;                 /* |high - low|; +inf when exactly one is infinite */
  int64_t run_low, run_high;    /* stored runs (0: not stored) */
} study_sensitivity_effect;

typedef struct study_sensitivity_spec {
  const char *scenario_path;        /* names the scenario in messages */
  const char *scenario_text;        /* the scenario as read once */
  const model_load_opts *load_opts; /* --allow-path, pinned input files */
  const char *const *overrides;     /* the user's --set */
  size_t n_overrides;
  const model_params *params;       /* of the baseline scenario */
  const study_target *target;       /* ENV.METRIC.STAT */
  double lo_f, hi_f;                /* the factors, lo_f < hi_f */
  const char *const *only;          /* vary only parameters whose path holds one of these */
  size_t n_only;
  int seed_given, trials_given;
  uint64_t seed, trials;
  unsigned threads;
  report_store *store;              /* NULL: evaluations not stored */
  int64_t sweep_id;
  int resume;                       /* evaluations come back from the stored sweep */
  uint64_t shard_k, shard_n;        /* evaluate only shard K of N of the points (the
                                       baseline, then each parameter low and high:
                                       study_grid_shard); 0/0: all. The others are
                                       skipped (NaN) and the ranking is partial */
  volatile sig_atomic_t *stop;
  /* optional: called before parameter i (of n) is evaluated */
  void (*on_param)(void *ctx, size_t i, size_t n, const char *path);
  void *on_param_ctx;
} study_sensitivity_spec;

typedef struct study_sensitivity study_sensitivity;

/* Choose the parameters to vary (matching `only`, used by the model).
** Returns STUDY_OK and *out (spec borrowed), or STUDY_EINPUT when none is
** left / STUDY_EIO, with err. */
int study_sensitivity_new(const study_sensitivity_spec *spec, study_sensitivity **out,
                          study_error *err);

/* Evaluate the baseline and every parameter at both factors, then rank
** (largest swing first, NaN last, ties in scenario order). Returns
** STUDY_OK, or a failing evaluation's status with err (when a scaled
** scenario does not load, study_sensitivity_failed_diag holds why). */
int study_sensitivity_run(study_sensitivity *s, study_error *err);

/* One more evaluation with the same settings (seed, trials, store, the
** next point of the sweep): `target` with one extra override ("PATH=VALUE";
** NULL: none) added to the user's. For searches along a parameter (the
** flip points of study/flip.h). Returns STUDY_OK and *out, or the point's
** status with err (and study_sensitivity_failed_diag when it did not
** load). */
int study_sensitivity_measure(study_sensitivity *s, const char *extra,
                              const study_target *target, report_stats_ci *out,
                              study_error *err);

size_t study_sensitivity_count(const study_sensitivity *s);
/* The study's points: the baseline and both ends of every parameter. */
size_t study_sensitivity_points(const study_sensitivity *s);
/* 1 when a shard skipped some points (their values are NaN). */
int study_sensitivity_partial(const study_sensitivity *s);
const study_sensitivity_effect *study_sensitivity_at(const study_sensitivity *s, size_t i);
report_stats_ci study_sensitivity_baseline(const study_sensitivity *s);
size_t study_sensitivity_skipped(const study_sensitivity *s);   /* unused by the model */
uint64_t study_sensitivity_trials(const study_sensitivity *s);  /* per evaluation */
const model_diag *study_sensitivity_failed_diag(const study_sensitivity *s);

/* Infinite at both ends (e.g. no trial recovers either way): the swing is
** 0 but the parameter may well matter, the metric just cannot show it. */
int study_sensitivity_saturated(const study_sensitivity_effect *e);

/* |b - a|, 0 for equal infinities, +inf for one infinity, NaN for NaN. */
double study_sensitivity_swing(double a, double b);

void study_sensitivity_free(study_sensitivity *s);

#endif
