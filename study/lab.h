/*
** study/lab.h — the analysis behind `drsim serve` (cli/serve_lab.h): the
** per-trial RTO/RPO of one evaluation, the summary figures and CDF of each
** (environment, metric) as JSON, and the paired change of P(meet) against
** a baseline run with the same seed and trial indexes (common random
** numbers: trial i of both differs only through the overrides).
** Prints nothing: failures are a study_status and a study_error.
*/
#ifndef DRSIM_STUDY_LAB_H
#define DRSIM_STUDY_LAB_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
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

#endif
