/*
** reports/json.h — JSON documents of drsim's results, built with jansson
** from the same structures the CSV writers format (reports/summary.h,
** reports/store.h), for `--format json` and for programs that embed drsim.
**
** Conventions (the contract, documented in docs/results.md):
**  - every table row is one object whose keys are exactly the CSV columns of
**    that table (reports/csv.h), in the same order;
**  - numbers are JSON numbers: counts are integers, measures are reals
**    printed with 17 significant digits so they read back to the same
**    double; durations are seconds, availability and shares fractions;
**  - a missing value (NaN: no objective, n = 0, "does not apply"; an empty
**    CSV field) is null; +infinity is the string "inf" (-infinity "-inf"),
**    as in the CSV: JSON has no infinity;
**  - a 64-bit count that does not fit a signed 64-bit integer (a seed
**    >= 2^63) is a decimal string.
**
** Every builder returns a new reference (json_decref it), or NULL when
** out of memory. Inputs are borrowed and not changed.
*/
#ifndef DRSIM_REPORTS_JSON_H
#define DRSIM_REPORTS_JSON_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "reports/store.h"
#include "reports/summary.h"

/* One number by the conventions above: a real, null for NaN, "inf"/"-inf". */
json_t *report_json_number(double v);

/* An unsigned count: an integer, or a decimal string beyond INT64_MAX. */
json_t *report_json_count(uint64_t v);

/* A run's provenance (works on report_store_runs_list entries too), the
** columns of `drsim runs --format csv` in order: id, scenario, status,
** mode, seed, trials, first_trial, trials_done, detail, threads, started,
** finished, program_version, sweep_id, point, shard, total_trials,
** scenario_hash, horizon_s, disaster, overrides (an array of "path=value"
** strings). Absent values are null (sweep_id and point when the run is not
** a sweep point, shard and total_trials when not a shard, finished while
** running, horizon_s in disaster mode). */
json_t *report_json_run(const report_run *r);

/* Tables of report_json_report. */
enum {
  REPORT_JSON_STEPS = 1u << 0,
  REPORT_JSON_COMPONENTS = 1u << 1,
  REPORT_JSON_STANDBY = 1u << 2,
  REPORT_JSON_LIFETIME = 1u << 3,
  REPORT_JSON_CAUSES = 1u << 4,
  REPORT_JSON_SUMMARY = 1u << 5,
  REPORT_JSON_COSTS = 1u << 6,     /* "costs": an object, null without costs */
  REPORT_JSON_ALL = 0x7fu
};

/* The summary of a run, what `drsim run --format json` prints:
**   {"run": report_json_run(...), "summary": [rows of the summary CSV],
**    "costs": {currency, trials, loss_mean[_lo|_hi], ...} or null} */
json_t *report_json_summary(const report_summary *s);

/* {"run": report_json_run(...)} plus one array per requested table, keyed
** by the table's name as `drsim report --table` spells it ("summary",
** "steps", "components", "standby", "lifetime", "causes"), in that order;
** lifetime and causes are empty arrays for disaster-mode runs. */
json_t *report_json_report(const report_summary *s, unsigned tables);

/* The bit of a --table name ("summary", "steps", ...); 0 when unknown. */
unsigned report_json_table_flag(const char *table);

/* One table's rows alone (an array), by its --table name ("summary",
** "steps", ...); NULL for an unknown name or out of memory. */
json_t *report_json_table(const report_summary *s, const char *table);

/* Write doc to out, indented by 2, with a final newline; REPORT_OK, or
** REPORT_EIO (err says so) when the stream reported a write error. */
int report_json_write(FILE *out, const json_t *doc, report_error *err);

#endif
