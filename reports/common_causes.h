/*
** reports/common_causes.h — the common causes of a run in the results
** database, and the objectives broken down by which causes occurred
** (`drsim report --by-cause`). Module prefix report_cc_.
**
** Storage (schema version 8, created by reports/store.c's migrations):
**   run_common_causes(run_id, cause_index, name, probability): the run's
**     causes in scenario order (none when the scenario has none);
**   common_cause_trials(run_id, trial, cause_index): one row per trial and
**     cause that occurred in it (in lifetime mode: in any of its disaster
**     incidents, over all environments). A trial without a row had no cause.
** Both are keyed like the store's other tables, so `drsim merge` and
** deleting a run treat them like the rest.
*/
#ifndef DRSIM_REPORTS_COMMON_CAUSES_H
#define DRSIM_REPORTS_COMMON_CAUSES_H

#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "models/outcome.h"
#include "models/scenario.h"

/* The SQL that creates the two tables (one schema migration step). */
#define REPORT_CC_SCHEMA                                                   \
  "CREATE TABLE run_common_causes ("                                       \
  " run_id INTEGER NOT NULL REFERENCES runs(id),"                          \
  " cause_index INTEGER NOT NULL,"                                         \
  " name TEXT NOT NULL,"                                                   \
  " probability REAL NOT NULL,"                                            \
  " PRIMARY KEY (run_id, cause_index));"                                   \
  "CREATE TABLE common_cause_trials ("                                     \
  " run_id INTEGER NOT NULL REFERENCES runs(id),"                          \
  " trial INTEGER NOT NULL,"                                               \
  " cause_index INTEGER NOT NULL,"                                         \
  " PRIMARY KEY (run_id, trial, cause_index)) WITHOUT ROWID;"

/* Store the run's causes (inside the caller's transaction). Returns an
** SQLite result code (SQLITE_OK on success; the caller reports). */
int report_cc_write_run(sqlite3 *db, int64_t run_id, const model_scenario *sc);

/* Store the causes that occurred in trials first .. first + n - 1, whose
** record views are views[0..n). Nothing when sc has no causes. */
int report_cc_append(sqlite3 *db, int64_t run_id, const model_scenario *sc, uint64_t first,
                     size_t n, const model_trial_view *views);

/* The breakdown: per environment, "no common cause", then for each cause
** the trials in which it occurred and those in which it did not; over the
** trials that affect the environment. */
typedef struct report_cc_row {
  char *environment;
  char *cause;              /* NULL: the trials with no common cause */
  int occurred;             /* 1: the cause occurred; 0: it did not */
  uint64_t n;               /* affected trials in the group */
  double share;             /* n / all affected trials of the environment */
  double rto_p50, rto_p95;  /* NAN when n = 0 */
  double rto_objective_s;   /* INFINITY when none */
  double meet, meet_lo, meet_hi; /* P(RTO <= objective), Wilson 95 %; NAN without one */
  uint64_t not_recovered;
} report_cc_row;

typedef struct report_cc_table {
  report_cc_row *rows;
  size_t n_rows;
  size_t n_causes;          /* 0: the run has no common causes */
  uint64_t trials;          /* trials of the run (stored) */
} report_cc_table;

/* Build the breakdown of run_id. Returns an SQLite result code
** (SQLITE_NOMEM when out of memory); *out to free with report_cc_free. */
int report_cc_breakdown(sqlite3 *db, int64_t run_id, report_cc_table **out);
void report_cc_free(report_cc_table *t);   /* NULL is a no-op */

/* Write the breakdown as Markdown (a heading, one table, a note) or CSV
** (header environment,cause,occurred,trials,share,rto_p50_s,rto_p95_s,
** rto_objective_s,meet,meet_lo,meet_hi,not_recovered; empty cause for the
** "no common cause" rows). Return 0, or -1 on a write error. */
int report_cc_write_md(FILE *out, const report_cc_table *t);
int report_cc_write_csv(FILE *out, const report_cc_table *t);

#endif
