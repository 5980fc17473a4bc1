/*
** reports/columns.h — the one table of per-trial result columns: the
** columns of the trials table in the results store, in their stored order,
** with their SQL type, the schema version that added each, what NULL reads
** as, and where each value lives in a simulated outcome (model_env_outcome,
** written) and in a stored row (report_trial_row, read). The store's
** trials INSERT and binds, its migrations for columns added after schema 6,
** its column readers and row iterator, and the trials CSV all walk this
** table; merge copies every column of the store's schema
** (reports/merge_write.c), so it follows too.
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

/* ------------------------------------------------------------ item tables
** The store's tables per step, component and standby pool (and, in
** lifetime mode, per environment and component), each described once:
**
**   - dimensions (run_steps, run_components, run_standby): what the
**     scenario says about the item, written at run begin, read into
**     report_run_step / _component / _standby;
**   - aggregates (step_stats, component_stats, standby_stats,
**     env_component_stats): summed (or maxed) per append from the trial
**     records into the same report_run_* fields, written by one generated
**     UPDATE, read back by a generated SELECT, combined by merge by the
**     column's rule;
**   - detail (steps, components, standby_trials): with --detail steps, one
**     row per item and trial, bound from the item's model_*_outcome.
**
** A new column: its field, one line in the table below, and (for an
** aggregate) its sum in the append path's accumulate() of
** reports/store_append.c. Columns whose `since` is later than
** REPORT_ITEM_COLUMNS_LITERAL_SCHEMA are added by a migration generated from
** the table (nullable detail columns, NOT NULL DEFAULT 0 sums, nullable
** maxima); bump REPORT_STORE_SCHEMA_VERSION. Names are a contract. */

/* Up to this schema version the item tables' columns were created by the
** literal migrations of reports/store_schema.c. */
#define REPORT_ITEM_COLUMNS_LITERAL_SCHEMA 8

/* How a dimension column is held in report_run_*: a copied string, an int,
** a double or an index. */
typedef enum report_dim_kind {
  REPORT_DIM_TEXT,
  REPORT_DIM_INT,
  REPORT_DIM_REAL,
  REPORT_DIM_INDEX        /* a size_t key (env_component_stats) */
} report_dim_kind;

typedef struct report_dim_column {
  const char *name;
  int since;              /* schema version that added it (NULL before) */
  report_dim_kind kind;
  double null_value;      /* REAL: what NULL reads as */
  size_t off;             /* offsetof(report_run_*, field) */
} report_dim_column;

/* How an aggregate combines: summed, or the larger (NULL while none). */
typedef enum report_agg {
  REPORT_AGG_SUM,
  REPORT_AGG_MAX
} report_agg;

typedef struct report_stats_column {
  const char *name;
  int since;
  report_agg agg;
  int real;               /* 1: a double field (REAL), 0: uint64_t (INTEGER) */
  size_t off;             /* offsetof(report_run_*, field) */
} report_stats_column;

typedef struct report_detail_column {
  report_column col;      /* name, since, what NULL reads as */
  int lifetime;           /* 1: lifetime mode only (NULL in disaster mode) */
  report_col_type type;   /* in the item's model_*_outcome */
  size_t outcome_off;     /* offsetof(model_*_outcome, field) */
  const char *expr;       /* a computed, read-only column: its SQL; else NULL */
} report_detail_column;

typedef struct report_item_table {
  const char *key;        /* item index column: "step_index" */
  const char *dims_table; /* "run_steps", or NULL */
  const report_dim_column *dims;
  size_t ndims;
  const char *stats_table;/* "step_stats" */
  int stats_since;        /* schema version that created it */
  const report_stats_column *stats;
  size_t nstats;
  const char *detail_table;/* "steps", or NULL */
  const report_detail_column *detail;
  size_t ndetail;
  size_t row_size;        /* sizeof(report_run_*) */
} report_item_table;

enum {
  REPORT_ITEM_STEPS,
  REPORT_ITEM_COMPONENTS,
  REPORT_ITEM_STANDBY,
  REPORT_ITEM_ENV_COMPONENTS,   /* keys env_index, component_index; no dims */
  REPORT_ITEM_NTABLES
};

extern const report_item_table report_item_tables[REPORT_ITEM_NTABLES];

/* The item table whose detail table is named `detail_table`, or NULL. */
const report_item_table *report_item_table_by_detail(const char *detail_table);
/* The aggregate column `name` of the stats table `stats_table`, or NULL. */
const report_stats_column *report_stats_column_find(const char *stats_table,
                                                    const char *name);
/* The detail column `name` of t, or NULL. */
const report_detail_column *report_detail_column_find(const report_item_table *t,
                                                      const char *name);
/* Column c's value in an item's outcome (a model_*_outcome), as a double. */
double report_detail_column_outcome(const report_detail_column *c, const void *outcome);

/* ------------------------------------------------------------ incidents
** Lifetime mode: the columns of the incidents table after its keys (run_id,
** environment, trial, incident, cause), bound from a model_incident_outcome
** and read into a report_incident_row; the incidents INSERT, the incident
** column readers, the row iterator and the incidents CSV walk this table.
** A new column: its field in both structs, one line here (since = the new
** schema version; added by a generated migration, nullable), and the bump
** of REPORT_STORE_SCHEMA_VERSION. */
typedef struct report_incident_column {
  report_column col;      /* name, since, what NULL reads as */
  report_col_type type;   /* in model_incident_outcome (int32_t unless REAL) */
  int not_null;           /* 1: a non-finite value is stored as 0 (NOT NULL) */
  size_t outcome_off;     /* offsetof(model_incident_outcome, field) */
  size_t row_off;         /* offsetof(report_incident_row, field): double or int */
} report_incident_column;

extern const report_incident_column report_incident_columns[];
extern const size_t report_incident_ncolumns;

/* Column c's value in incident outcome o, as a double (a flag as 0 or 1). */
double report_incident_column_outcome(const report_incident_column *c, const void *o);
/* Store v (read from the store) into row's field for c, and read it back. */
void report_incident_column_set(const report_incident_column *c, report_incident_row *row,
                                double v);
double report_incident_column_get(const report_incident_column *c,
                                  const report_incident_row *row);

/* ------------------------------------------------------------ summary rows
** The columns of a summary row (environment x metric, reports/summary.h)
** as the CSV summary (its header REPORT_CSV_SUMMARY_HEADER, a contract) and
** the JSON report's "summary" objects write them, in this order. A new
** summary column: its field in report_summary_row (filled by
** reports/summary_env.c) and one line at the end of report_summary_columns. */
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

/* ------------------------------------------------------------ table rows
** The columns of the other summary tables (steps, components, standby,
** lifetime, causes) as the CSV writers (header and values) and the JSON
** report (keys, in the same order) write them. A new column: its field in
** the row struct of reports/summary.h (filled by the summary module,
** reports/summary_*.c) and one line in the table's list in
** reports/columns.c. Names are a contract. */
typedef enum report_rowcol_kind {
  REPORT_ROWCOL_TEXT,      /* const char * (CSV field; JSON string or null) */
  REPORT_ROWCOL_COUNT,     /* uint64_t */
  REPORT_ROWCOL_NUMBER,    /* double (CSV number; JSON number or null) */
  REPORT_ROWCOL_CI,        /* report_stats_ci: NAME, NAME_lo, NAME_hi */
  REPORT_ROWCOL_FLAG,      /* int written as 0 or 1 */
  REPORT_ROWCOL_NODES,     /* int, a negative one written as 0 */
  REPORT_ROWCOL_LIFETIME,  /* uint64_t; missing (empty / null) unless a lifetime run */
  REPORT_ROWCOL_CAUSE      /* report_cause_kind written as its name */
} report_rowcol_kind;

typedef struct report_row_column {
  const char *name;
  report_rowcol_kind kind;
  size_t off;              /* offsetof(report_summary_*_row, field) */
} report_row_column;

typedef struct report_row_table {
  const char *name;        /* "steps": the JSON key and the CSV --table name */
  const report_row_column *cols;
  size_t ncols;
  size_t row_size;
  /* The table's rows in s (report_summary_steps, ...). */
  size_t (*rows)(const report_summary *s, const void **rows);
} report_row_table;

enum {
  REPORT_ROWS_STEPS,
  REPORT_ROWS_COMPONENTS,
  REPORT_ROWS_STANDBY,
  REPORT_ROWS_LIFETIME,
  REPORT_ROWS_CAUSES,
  REPORT_ROWS_NTABLES
};
extern const report_row_table report_row_tables[REPORT_ROWS_NTABLES];

/* Values of column c in a row (a pointer to the table's row struct). */
const char *report_row_column_text(const report_row_column *c, const void *row);
uint64_t report_row_column_count(const report_row_column *c, const void *row);
double report_row_column_number(const report_row_column *c, const void *row);
report_stats_ci report_row_column_ci(const report_row_column *c, const void *row);

#endif
