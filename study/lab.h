/*
** study/lab.h — the analysis behind `drsim serve` (cli/serve_lab.h): the
** per-trial RTO/RPO of one evaluation, the summary figures and CDF of each
** (environment, metric) as JSON, and the paired change of P(meet) against
** a baseline run with the same seed and trial indexes (common random
** numbers: trial i of both differs only through the overrides); and the
** evaluations themselves: one configuration (the scenario read once, with a
** request's overrides, seed and trials) as a study_point into a store,
** watched and stoppable, and the cache of baselines (no overrides) per
** (seed, trials), thread-safe, one baseline computed at a time.
** Prints nothing: failures are a study_status and a study_error.
*/
#ifndef DRSIM_STUDY_LAB_H
#define DRSIM_STUDY_LAB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "models/diag.h"
#include "models/scenario.h"
#include "reports/store.h"
#include "study/status.h"

#define STUDY_LAB_METRICS 2     /* rto, rpo */
#define STUDY_LAB_MAX_ENV 64    /* environments an evaluation holds */

/* Name of metric m (< STUDY_LAB_METRICS): "rto" or "rpo". */
const char *study_lab_metric_name(size_t m);

/* Per-trial values of one evaluation: env e, metric m, trial i at
** (e * STUDY_LAB_METRICS + m) * n + i; +inf when the environment was not
** recovered, NaN when the disaster did not affect it (not counted). */
typedef struct study_lab_values {
  size_t n_env;
  uint64_t n;
  double *v;
  double objective[STUDY_LAB_MAX_ENV][STUDY_LAB_METRICS]; /* seconds; inf: none */
} study_lab_values;

/* Allocate lv for n_env (<= STUDY_LAB_MAX_ENV) environments and n trials,
** every value NaN. Returns STUDY_OK, or STUDY_EIO (out of memory). */
int study_lab_values_init(study_lab_values *lv, size_t n_env, uint64_t n, study_error *err);
/* Release lv's values (lv itself is the caller's); NULL is a no-op. */
void study_lab_values_clear(study_lab_values *lv);
/* Record a chunk of trial records (study_point's observe: trials first ..
** first+n-1 of sc); trials beyond lv->n are ignored. */
void study_lab_values_observe(study_lab_values *lv, const model_scenario *sc, uint64_t first,
                              size_t n, const void *records);
/* Copy the objectives of sc's environments into lv. */
void study_lab_values_objectives(study_lab_values *lv, const model_scenario *sc);

/* An in-memory results store (caller closes it). STUDY_OK or STUDY_EIO. */
int study_lab_memory_store(report_store **out, study_error *err);

/* [env][metric] stats of run run_id in st with lv's per-trial values:
** each {n, p_meet, mean, p50, p90, p95, p99 (each {est, lo, hi}), max,
** not_recovered, cdf: [[seconds, share], ...] (at most ~200 points, finite
** values)} — the summary row's figures, as `drsim run` prints them — and
** *summary = report_json_summary of the run. Returns STUDY_OK, or STUDY_EIO
** (a store failure, out of memory or a missing summary row; nothing kept). */
int study_lab_stats(report_store *st, int64_t run_id, const study_lab_values *lv,
                    json_t **out, json_t **summary, study_error *err);

/* Paired change of P(meet) of env e, metric m: the mean of per-trial
** meets(cur) - meets(base) over the trials affected in both, with its t
** interval: {est, lo, hi, better, worse} (better: trials that meet in cur
** and not in base; worse the reverse; est/lo/hi null without an objective
** or with different trial counts). NULL when out of memory. */
json_t *study_lab_paired_change(const study_lab_values *cur, const study_lab_values *base,
                                size_t e, size_t m);

/* ------------------------------------------------------------ evaluations */

#define STUDY_LAB_CACHE 4       /* baselines kept, the most recently used */

typedef struct study_lab study_lab;

/* How an operation is watched and stopped: poll (optional) is called after
** every chunk of trials and before an evaluation starts; non-zero stops it.
** progress (optional) gets trials done and total over the whole operation. */
typedef struct study_lab_ctl {
  int (*poll)(void *ctx);
  void (*progress)(void *ctx, uint64_t done, uint64_t total);
  void *ctx;
} study_lab_ctl;

/* One operation's state over its evaluations (zero it, set ctl and total). */
typedef struct study_lab_watch {
  const study_lab_ctl *ctl;
  volatile sig_atomic_t stop;
  uint64_t done_before, total, seen;  /* trials of earlier evaluations, of all, of this one */
  study_lab_values *vals;             /* collected when not NULL */
  int point_failed;                   /* set when the failure was the simulation or the store */
} study_lab_watch;

/* A configuration: the overrides (after the scenario's own), seed, trials. */
typedef struct study_lab_config {
  const char *const *overrides;
  size_t n_overrides;
  uint64_t seed, trials;
} study_lab_config;

/* The lab of one scenario: its path (messages), its text as read once and
** its loaded form (borrowed: they outlive the lab), threads per evaluation
** (0: all cores). Returns STUDY_OK and *out, or STUDY_EIO. */
int study_lab_new(const char *path, const char *text, const model_scenario *sc,
                  unsigned threads, study_lab **out, study_error *err);
void study_lab_free(study_lab *lab);   /* NULL is a no-op */

/* One evaluation of c into st (begun, run, finished there; detail as
** `drsim run`'s), collecting w->vals when set (allocated here: give it
** zeroed or cleared, release it with study_lab_values_clear). Returns STUDY_OK and
** *run_id; STUDY_EINPUT when the configuration does not load (diag holds
** why, err empty); STUDY_INTERRUPTED when w->ctl's poll stopped it;
** STUDY_EIO with err (w->point_failed set when the simulation or the store
** failed). */
int study_lab_evaluate(study_lab *lab, const study_lab_config *c, report_store *st,
                       const char *detail, study_lab_watch *w, model_diag *diag,
                       int64_t *run_id, study_error *err);

/* study_lab_evaluate into an in-memory store with w->vals collected (set
** it), then its statistics (study_lab_stats). Statuses as above. */
int study_lab_evaluate_stats(study_lab *lab, const study_lab_config *c, study_lab_watch *w,
                             model_diag *diag, json_t **stats, json_t **summary,
                             study_error *err);

typedef struct study_lab_baseline study_lab_baseline;

/* The baseline (no overrides) for (seed, trials): from the cache, or
** computed (counting in w) and cached, the least recently used dropped.
** Returns STUDY_OK and *out (release it), or the statuses of
** study_lab_evaluate. */
int study_lab_baseline_get(study_lab *lab, uint64_t seed, uint64_t trials, study_lab_watch *w,
                           model_diag *diag, const study_lab_baseline **out, study_error *err);
void study_lab_baseline_release(study_lab *lab, const study_lab_baseline *b);
const study_lab_values *study_lab_baseline_values(const study_lab_baseline *b);
/* A deep copy of the baseline's summary (report_json_summary), or NULL. */
json_t *study_lab_baseline_summary(study_lab *lab, const study_lab_baseline *b);

/* The environments of a comparison: [{name, verdict: "meets"|"inconclusive"|"misses",
** metrics: [{metric, objective, current, baseline, change}]}] where current
** and baseline are study_lab_stats objects (cur_stats NULL: the baseline
** itself is current, cur then ignored) and change is
** study_lab_paired_change; the verdict is its worst objective's under the
** scenario's meet: rule (models/meet.h). NULL when out of memory. */
json_t *study_lab_environments(study_lab *lab, const study_lab_baseline *base,
                               const study_lab_values *cur, json_t *cur_stats);

#endif
