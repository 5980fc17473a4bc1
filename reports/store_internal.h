/*
** reports/store_internal.h — what the files of the store module share and
** nobody else may include: the definition of the opaque report_store, the
** append path's accumulators and the helpers (prefix store_) the
** store_*.c files call. The public contract is reports/store.h.
**
**   store.c         errors, shared helpers, open / close, snapshots, check
**   store_schema.c  migrations, schema version, WAL
**   store_run.c     run begin, finish, reopen (ownership), prefix, delete
**   store_append.c  the append transaction and its aggregates
**   store_read.c    the read API
**   store_detail.c  detail re-simulated on demand
**   store_kept.c    the trials just written, for the run's own summary
*/
#ifndef DRSIM_REPORTS_STORE_INTERNAL_H
#define DRSIM_REPORTS_STORE_INTERNAL_H

#include "reports/store.h"
#include "reports/owner.h"
#include "models/outcome.h"

#include <stdint.h>
#include <sqlite3.h>

/* PRAGMA application_id of a drsim database: "drsm" in ASCII. */
#define STORE_APP_ID 0x6472736d
#define STORE_BUSY_MS 5000
/* REPORT_ITEM_NTABLES of reports/columns.h (checked in store_append.c; the
** store's own header does not include the column table). */
#define STORE_ITEM_TABLES 4

/* One re-simulated detail column of a run: every item's values. */
typedef struct store_detail_column {
  int64_t run_id;           /* 0: empty */
  uint64_t trials;          /* the run's trials_done when filled */
  int table, column;        /* report_detail_col */
  size_t rows;
  double *v;                /* [rows x trials], item-major */
  uint64_t used;            /* stamp of the last use */
} store_detail_column;

/* The trials rows this store committed for one run, as read back
** (store_kept.c): per environment and trials column, one array. */
typedef struct store_kept {
  int64_t run_id;           /* 0: none */
  int off;                  /* 1: this run is not kept */
  uint64_t first, n, cap;   /* trials first .. first + n - 1 kept; room for cap */
  char **env;               /* [n_env] names */
  size_t n_env, n_arrays;   /* n_arrays = n_env x report_trial_ncolumns */
  double **v;               /* [n_arrays][cap], env-major */
} store_kept;

struct report_store {
  sqlite3 *db;
  char *path;
  int readonly;
  int version;              /* schema version of the open database */
  /* Prepared on first use by the append path. */
  sqlite3_stmt *begin, *commit, *rollback;
  sqlite3_stmt *ins_incident, *upd_done;
  /* Per item table (reports/columns.h report_item_tables): the detail
  ** INSERT and the aggregates' UPDATE, generated from the table. */
  sqlite3_stmt *ins_detail[STORE_ITEM_TABLES], *upd_stats[STORE_ITEM_TABLES];
  /* INSERT INTO trials, [0] disaster mode, [1] lifetime mode: one row, and
  ** trial_block_rows[mode] rows (see insert_trials). */
  sqlite3_stmt *ins_trial_one[2], *ins_trial_block[2];
  size_t trial_block_rows[2];
  /* Dimensions of the run last appended to (checked once per run). */
  int64_t dims_run;
  size_t n_env, n_steps, n_comp, n_standby;
  report_detail detail;
  model_mode mode;
  const char *disaster_type;  /* cause of the run's disaster incidents (static) */
  /* Scratch, grown as needed: the aggregates of one append, summed in C
  ** into the fields the reader fills, before one UPDATE per row. */
  report_run_step *sacc;
  report_run_component *cacc;
  report_run_standby *pacc;
  report_run_env_component *eacc;   /* [n_env x n_comp], lifetime mode */
  model_trial_view *views;
  size_t views_cap;
  /* Re-simulated detail (store_detail.c): the source, and the last two
  ** columns it gave, [rows x trials] each. */
  report_detail_source_fn detail_fn;
  void *detail_ctx;
  void (*detail_free)(void *ctx);
  store_detail_column dcache[2];
  uint64_t dstamp;
  store_kept kept;
};

/* Fill err with "path: " and the formatted message; return status. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int store_fail(const char *path, report_error *err, int status, const char *fmt, ...);
/* Map the connection's last SQLite error to a status and message about
** `what`; return the status. */
int store_db_fail(report_store *st, report_error *err, const char *what);
/* A malloc'ed copy of s (NULL for NULL or out of memory). */
char *store_dupstr(const char *s);
/* Prepare *stmt once (persistent); a no-op when it is already prepared. */
int store_prepare(report_store *st, sqlite3_stmt **stmt, const char *sql, report_error *err);
/* Run one statement that returns no rows (or whose rows are ignored). */
int store_exec(report_store *st, const char *sql, report_error *err, const char *what);
/* Step a prepared statement that returns no rows, then reset it. */
int store_step_done(report_store *st, sqlite3_stmt *s, report_error *err, const char *what);
/* Bind a double, storing non-finite values as NULL (see store.h). */
void store_bind_real(sqlite3_stmt *s, int i, double v);
/* Column i as an unsigned 64-bit value (stored as signed). */
uint64_t store_col_u64(sqlite3_stmt *s, int i);
/* REPORT_EINVAL with a message when st was opened read-only. */
int store_need_writable(report_store *st, report_error *err);
/* Prepare a one-off statement (finalized by the caller or store_step_once). */
int store_prep_once(report_store *st, const char *sql, sqlite3_stmt **s, report_error *err);
/* Step a one-off statement with its parameters bound, then finalize it. */
int store_step_once(report_store *st, sqlite3_stmt *s, report_error *err, const char *what);
/* The single integer answer of a PRAGMA or query (0 when no row). */
int store_pragma_int(report_store *st, const char *sql, int64_t *v, report_error *err);
/* report_store_detail_column for a run without stored detail rows: 1 and
** *rc when it was answered here (re-simulated, or an unknown column), 0
** when the caller reads the table. */
int store_detail_on_demand(report_store *st, int64_t run_id, const char *table, size_t index,
                           const char *column, double **values, size_t *n,
                           report_error *err, int *rc);
/* After a committed append of trials first .. first + n - 1 of run_id
** (views in st->views): keep their trials rows' values (store_kept.c). */
void store_kept_add(report_store *st, int64_t run_id, const model_scenario *sc,
                    uint64_t first, size_t n);
/* report_store_trial_scan from the kept rows: 1 and *rc when they are
** exactly the run's committed trials, else 0 (the caller reads SQLite). */
int store_kept_scan(report_store *st, int64_t run_id, const char *environment,
                    const char *const *columns, size_t k, report_values_fn fn, void *ctx,
                    int *rc);
void store_kept_clear(report_store *st);

/* Free the re-simulated columns. */
void store_detail_clear(report_store *st);

/* Bring the schema to REPORT_STORE_SCHEMA_VERSION in one transaction. */
int store_migrate(report_store *st, report_error *err);
/* PRAGMA journal_mode = WAL, retried while another connection holds a lock. */
int store_switch_to_wal(report_store *st, report_error *err);

#endif
