/*
** reports/columns.h — the one table of per-trial result columns: the
** columns of the trials table in the results store, in their stored order,
** with their SQL type, the schema version that added each, what NULL reads
** as, and where each value lives in a simulated outcome (model_env_outcome,
** written) and in a stored row (report_trial_row, read). The store's
** trials INSERT and binds, its migrations for columns added after schema 6,
** its column readers and row iterator, and the trials CSV all walk this
** table; merge copies every column of the store's schema
** (reports/merge.c), so it follows too.
**
** Adding a per-trial result column: its field in model_env_outcome (the
** simulation fills it) and in report_trial_row, one line at the end of
** report_trial_columns (since = the next schema version), the bump of
** REPORT_STORE_SCHEMA_VERSION in reports/store.h, and its line in
** docs/results.md. A column added later is nullable (sql_type "REAL" or
** "INTEGER": SQLite adds no NOT NULL column without a default), reads as
** its null value in older runs, and lands at the end of the CSV. Column names are a contract: never rename or reorder.
*/
#ifndef DRSIM_REPORTS_COLUMNS_H
#define DRSIM_REPORTS_COLUMNS_H

#include <stddef.h>
#include "models/outcome.h"
#include "reports/store.h"
#include "reports/summary.h"

/* How a value is held: a double, an integer count, or a 0/1 flag. */
typedef enum report_col_type {
  REPORT_COL_REAL,
  REPORT_COL_INT,
  REPORT_COL_FLAG
} report_col_type;

/* A stored column as its readers see it. */
typedef struct report_column {
  const char *name;       /* column name (store, CSV); a contract */
  int since;              /* schema version that added it */
  double null_value;      /* what a stored NULL reads as (NAN or INFINITY) */
} report_column;

typedef struct report_trial_column {
  report_column col;      /* name, since, NULL value */
  const char *sql_type;   /* its declaration in the trials table */
  int lifetime;           /* 1: written in lifetime mode only (NULL otherwise) */
  report_col_type type;   /* in model_env_outcome (int32_t unless REAL) */
  size_t outcome_off;     /* offsetof(model_env_outcome, field) */
  int row_int;            /* 1: an int in report_trial_row, 0: a double */
  int row_null_int;       /* what NULL reads as when row_int */
  size_t row_off;         /* offsetof(report_trial_row, field) */
} report_trial_column;

/* The per-trial columns after (run_id, environment, trial), in the trials
** table's order; report_trial_ncolumns of them. */
extern const report_trial_column report_trial_columns[];
extern const size_t report_trial_ncolumns;

/* Schema versions up to this one created their trials columns with the
** literal migrations in store_schema.c; columns with a later `since` are
** added by a migration generated from the table. */
#define REPORT_TRIAL_COLUMNS_LITERAL_SCHEMA 6

/* Column c's value in outcome o, as a double (integers exactly; a flag as
** 0 or 1). */
double report_trial_column_outcome(const report_trial_column *c,
                                   const model_env_outcome *o);

/* Store v (a value read from the store, NULL already mapped to
** c->null_value) into row's field for c; an int field takes
** c->row_null_int for NaN. */
void report_trial_column_set(const report_trial_column *c, report_trial_row *row,
                             double v);

/* Column c's value in row, as a double (an int field exactly). */
double report_trial_column_get(const report_trial_column *c,
                               const report_trial_row *row);

/* The column named name, or NULL. */
const report_trial_column *report_trial_column_find(const char *name);

/* ------------------------------------------------------------ summary rows
** The columns of a summary row (environment x metric, reports/summary.h)
** as the CSV summary (its header REPORT_CSV_SUMMARY_HEADER, a contract) and
** the JSON report's "summary" objects write them, in this order. A new
** summary column: its field in report_summary_row (filled by
** reports/summary.c) and one line at the end of report_summary_columns. */
typedef enum report_sumcol_kind {
  REPORT_SUMCOL_TEXT,    /* const char * (CSV field, JSON string or null) */
  REPORT_SUMCOL_COUNT,   /* uint64_t */
  REPORT_SUMCOL_NUMBER,  /* double (CSV number, JSON number or null) */
  REPORT_SUMCOL_MEET     /* uint64_t, missing (empty / null) without an objective */
} report_sumcol_kind;

typedef struct report_summary_column {
  const char *name;
  report_sumcol_kind kind;
  size_t off;             /* offsetof(report_summary_row, field) */
} report_summary_column;

extern const report_summary_column report_summary_columns[];
extern const size_t report_summary_ncolumns;

/* The value of column c in row r: text (TEXT), count (COUNT, MEET) or
** number (NUMBER). report_summary_column_missing is 1 when the value is
** absent although the column is a count (n_meet without an objective). */
const char *report_summary_column_text(const report_summary_column *c,
                                       const report_summary_row *r);
uint64_t report_summary_column_count(const report_summary_column *c,
                                     const report_summary_row *r);
double report_summary_column_number(const report_summary_column *c,
                                    const report_summary_row *r);
int report_summary_column_missing(const report_summary_column *c,
                                  const report_summary_row *r);

#endif
