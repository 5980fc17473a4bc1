/*
** reports/store_read.c — the read API of the results store: runs and their
** dimensions, the latest run, trial / detail / incident columns and the
** per-row iterators. Columns added by later schema versions read as NULL
** (NaN, or +infinity where the header says so) in older databases.
** Part of the store module (reports/store.h).
*/
#include "reports/store_internal.h"
#include "reports/columns.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

static report_run_status status_from_name(const char *s)
{
  if (s && strcmp(s, "complete") == 0) return REPORT_RUN_COMPLETE;
  if (s && strcmp(s, "interrupted") == 0) return REPORT_RUN_INTERRUPTED;
  if (s && strcmp(s, "failed") == 0) return REPORT_RUN_FAILED;
  return REPORT_RUN_RUNNING;
}


static double col_real(sqlite3_stmt *s, int i, double null_value)
{
  return sqlite3_column_type(s, i) == SQLITE_NULL ? null_value
                                                   : sqlite3_column_double(s, i);
}

/* Copy a text column; *ok becomes 0 when a non-NULL value could not be
** copied (out of memory). */
static char *col_text(sqlite3_stmt *s, int i, int *ok)
{
  const char *t = (const char *)sqlite3_column_text(s, i);
  if (!t) return NULL;
  char *d = store_dupstr(t);
  if (!d) *ok = 0;
  return d;
}

/* ------------------------------------------------------------ reading */

/* The runs columns read_run_row expects; scenario_text only when asked,
** and columns of later schema versions as NULL in older databases. */
static void run_columns(const report_store *st, int with_text, char *buf, size_t n)
{
  snprintf(buf, n, "id, scenario_name, scenario_hash, %s, overrides, seed, trials,"
           " first_trial, trials_done, mode, horizon_s, detail, status, started,"
           " finished, program_version, threads, sweep_id, point, %s, %s, %s, %s",
           with_text ? "scenario_text" : "NULL",
           st->version >= 2 ? "total_trials, shard" : "NULL, NULL",
           st->version >= 3 ? "disaster, disaster_rate_per_s" : "NULL, NULL",
           st->version >= 5 ? "scenario_dir, owner_pid, owner_host, owner_ident,"
                              " (julianday('now') - julianday(heartbeat)) * 86400.0"
                            : "NULL, NULL, NULL, NULL, NULL",
           st->version >= 6 ? "notes" : "NULL");
}

/* Free the text fields (dimension columns) of n rows of item table t. */
static void free_item_texts(const report_item_table *t, void *rows, size_t n)
{
  for (size_t i = 0; rows && i < n; i++)
    for (size_t j = 0; j < t->ndims; j++) {
      if (t->dims[j].kind != REPORT_DIM_TEXT) continue;
      char *text;
      memcpy(&text, (char *)rows + i * t->row_size + t->dims[j].off, sizeof text);
      free(text);
    }
}

static void free_run_fields(report_run *r)
{
  free(r->scenario_name);
  free(r->scenario_hash);
  free(r->scenario_text);
  for (size_t i = 0; i < r->n_overrides; i++) free(r->overrides[i]);
  free(r->overrides);
  free(r->started);
  free(r->finished);
  free(r->program_version);
  free(r->shard);
  free(r->disaster);
  free(r->scenario_dir);
  for (size_t i = 0; i < r->n_inputs; i++) {
    free(r->inputs[i].name);
    free(r->inputs[i].sha256);
    free(r->inputs[i].content);
  }
  free(r->inputs);
  free(r->notes);
  free(r->env_components);
  for (size_t i = 0; i < r->n_environments; i++) free(r->environments[i].name);
  free(r->environments);
  free_item_texts(&report_item_tables[REPORT_ITEM_STEPS], r->steps, r->n_steps);
  free(r->steps);
  free_item_texts(&report_item_tables[REPORT_ITEM_COMPONENTS], r->components, r->n_components);
  free(r->components);
  free_item_texts(&report_item_tables[REPORT_ITEM_STANDBY], r->standby, r->n_standby);
  free(r->standby);
}

void report_store_run_free(report_run *run)
{
  if (!run) return;
  free_run_fields(run);
  free(run);
}

void report_store_runs_free(report_run **runs, size_t n)
{
  if (!runs) return;
  for (size_t i = 0; i < n; i++) report_store_run_free(runs[i]);
  free(runs);
}

/* Split the stored overrides (one per line) into r->overrides. */
static int split_overrides(report_run *r, const char *text)
{
  if (!text || !*text) return 1;
  size_t k = 1;
  for (const char *p = text; *p; p++) k += *p == '\n';
  r->overrides = calloc(k, sizeof *r->overrides);
  if (!r->overrides) return 0;
  const char *p = text;
  for (size_t i = 0; i < k; i++) {
    const char *q = strchr(p, '\n');
    size_t m = q ? (size_t)(q - p) : strlen(p);
    char *o = malloc(m + 1);
    if (!o) return 0;
    memcpy(o, p, m);
    o[m] = '\0';
    r->overrides[r->n_overrides++] = o;
    p = q ? q + 1 : p + m;
  }
  return 1;
}

/* Fill the scalar fields of *r from a row of RUN_COLUMNS. 0 on ENOMEM. */
static int read_run_row(sqlite3_stmt *s, report_run *r)
{
  int ok = 1;
  r->id = sqlite3_column_int64(s, 0);
  r->scenario_name = col_text(s, 1, &ok);
  r->scenario_hash = col_text(s, 2, &ok);
  r->scenario_text = col_text(s, 3, &ok);
  if (!split_overrides(r, (const char *)sqlite3_column_text(s, 4))) ok = 0;
  r->seed = store_col_u64(s, 5);
  r->trials = store_col_u64(s, 6);
  r->first_trial = store_col_u64(s, 7);
  r->trials_done = store_col_u64(s, 8);
  const char *mode = (const char *)sqlite3_column_text(s, 9);
  r->mode = mode && strcmp(mode, "lifetime") == 0 ? MODEL_MODE_LIFETIME
                                                  : MODEL_MODE_DISASTER;
  r->horizon_s = col_real(s, 10, NAN);
  const char *detail = (const char *)sqlite3_column_text(s, 11);
  r->detail = detail && strcmp(detail, "steps") == 0 ? REPORT_DETAIL_STEPS
                                                     : REPORT_DETAIL_SUMMARY;
  r->status = status_from_name((const char *)sqlite3_column_text(s, 12));
  r->started = col_text(s, 13, &ok);
  r->finished = col_text(s, 14, &ok);
  r->program_version = col_text(s, 15, &ok);
  r->threads = (unsigned)sqlite3_column_int64(s, 16);
  r->sweep_id = sqlite3_column_type(s, 17) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 17);
  r->point = sqlite3_column_type(s, 18) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 18);
  r->total_trials = store_col_u64(s, 19);    /* NULL reads as 0 */
  r->shard = col_text(s, 20, &ok);
  r->disaster = col_text(s, 21, &ok);
  r->disaster_rate_per_s = col_real(s, 22, NAN);
  r->scenario_dir = col_text(s, 23, &ok);
  r->owner.pid = sqlite3_column_int64(s, 24);   /* NULL reads as 0: nobody */
  const char *h = (const char *)sqlite3_column_text(s, 25);
  const char *id = (const char *)sqlite3_column_text(s, 26);
  snprintf(r->owner.host, sizeof r->owner.host, "%s", h ? h : "");
  snprintf(r->owner.ident, sizeof r->owner.ident, "%s", id ? id : "");
  double age = sqlite3_column_type(s, 27) == SQLITE_NULL ? -1 : sqlite3_column_double(s, 27);
  r->live = r->status == REPORT_RUN_RUNNING && report_owner_alive(&r->owner, age);
  r->notes = col_text(s, 28, &ok);
  return ok;
}

/* Run `sql` (one ?1 = run_id) and hand each row to fn, which returns 0 on
** ENOMEM. The array grows by elem bytes per row. */
typedef int (*row_fn)(sqlite3_stmt *s, void *elem, const void *ctx);

static int read_rows(report_store *st, int64_t run_id, const char *sql,
                     size_t elem, void **arr, size_t *n, row_fn fn,
                     const void *ctx, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = store_prep_once(st, sql, &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  size_t cap = 0;
  for (;;) {
    int r = sqlite3_step(s);
    if (r == SQLITE_DONE) break;
    if (r != SQLITE_ROW) { rc = store_db_fail(st, err, "reading a run"); break; }
    if (*n == cap) {
      size_t nc = cap ? 2 * cap : 8;
      void *a = realloc(*arr, nc * elem);
      if (!a) { rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
      *arr = a;
      cap = nc;
    }
    char *e = (char *)*arr + *n * elem;
    memset(e, 0, elem);
    (*n)++;   /* counted first, so a partly filled element is still freed */
    if (!fn(s, e, ctx)) { rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
  }
  sqlite3_finalize(s);
  return rc;
}

static int env_row(sqlite3_stmt *s, void *elem, const void *ctx)
{
  (void)ctx;
  report_run_env *e = elem;
  int ok = 1;
  e->name = col_text(s, 0, &ok);
  e->rto_objective_s = col_real(s, 1, NAN);
  e->rpo_objective_s = col_real(s, 2, NAN);
  e->availability_objective = col_real(s, 3, NAN);
  return ok;
}

/* One row of an item table (ctx): its dimension columns, then its
** aggregates, in the order item_sql selected them. */
static int item_row(sqlite3_stmt *s, void *elem, const void *ctx)
{
  const report_item_table *t = ctx;
  char *e = elem;
  int ok = 1, i = 0;
  for (size_t j = 0; j < t->ndims; j++, i++) {
    const report_dim_column *d = &t->dims[j];
    if (d->kind == REPORT_DIM_TEXT) {
      char *text = col_text(s, i, &ok);
      memcpy(e + d->off, &text, sizeof text);
    } else if (d->kind == REPORT_DIM_INT) {
      int v = sqlite3_column_int(s, i);
      memcpy(e + d->off, &v, sizeof v);
    } else if (d->kind == REPORT_DIM_INDEX) {
      size_t v = (size_t)sqlite3_column_int64(s, i);
      memcpy(e + d->off, &v, sizeof v);
    } else {
      double v = col_real(s, i, d->null_value);
      memcpy(e + d->off, &v, sizeof v);
    }
  }
  for (size_t j = 0; j < t->nstats; j++, i++) {
    const report_stats_column *c = &t->stats[j];
    if (c->real) {
      /* A sum reads NULL (no aggregates row) as 0, a maximum as NAN. */
      double v = c->agg == REPORT_AGG_MAX ? col_real(s, i, NAN) : sqlite3_column_double(s, i);
      memcpy(e + c->off, &v, sizeof v);
    } else {
      uint64_t v = store_col_u64(s, i);
      memcpy(e + c->off, &v, sizeof v);
    }
  }
  return ok;
}

/* SELECT of item table t for one run (?1), in item order: the dimensions
** joined with their aggregates (or the aggregates table alone when it holds
** its own keys); a column this database predates reads as NULL (a sum as 0). */
static int item_sql(const report_store *st, const report_item_table *t, char *sql, size_t cap)
{
  size_t len = (size_t)snprintf(sql, cap, "SELECT ");
  const char *d = t->dims_table ? "d" : "t";
  int first = 1;
  for (size_t j = 0; j < t->ndims && len < cap; j++, first = 0)
    len += (size_t)snprintf(sql + len, cap - len, "%s%s%s%s", first ? "" : ", ",
                            st->version >= t->dims[j].since ? d : "",
                            st->version >= t->dims[j].since ? "." : "",
                            st->version >= t->dims[j].since ? t->dims[j].name : "NULL");
  for (size_t j = 0; j < t->nstats && len < cap; j++, first = 0) {
    const report_stats_column *c = &t->stats[j];
    if (st->version >= c->since)
      len += (size_t)snprintf(sql + len, cap - len, "%st.%s", first ? "" : ", ", c->name);
    else
      len += (size_t)snprintf(sql + len, cap - len, "%s%s", first ? "" : ", ",
                              c->agg == REPORT_AGG_MAX ? "NULL" : "0");
  }
  if (t->dims_table && len < cap)
    len += (size_t)snprintf(sql + len, cap - len, " FROM %s d LEFT JOIN %s t ON t.run_id ="
                            " d.run_id AND t.%s = d.%s WHERE d.run_id = ?1 ORDER BY d.%s",
                            t->dims_table, t->stats_table, t->key, t->key, t->key);
  else if (len < cap)
    len += (size_t)snprintf(sql + len, cap - len, " FROM %s t WHERE run_id = ?1 ORDER BY %s",
                            t->stats_table, t->key);
  return len < cap;
}

/* Read the rows of item table ti into *arr (n of them). */
static int read_items(report_store *st, int64_t run_id, size_t ti, void **arr, size_t *n,
                      report_error *err)
{
  const report_item_table *t = &report_item_tables[ti];
  char sql[2048];
  if (!item_sql(st, t, sql, sizeof sql))
    return store_fail(st->path, err, REPORT_EINVAL, "too many %s columns for the query",
                      t->stats_table);
  return read_rows(st, run_id, sql, t->row_size, arr, n, item_row, t, err);
}

static int input_row(sqlite3_stmt *s, void *elem, const void *ctx)
{
  (void)ctx;
  report_run_input *in = elem;
  int ok = 1;
  in->name = col_text(s, 0, &ok);
  in->sha256 = col_text(s, 1, &ok);
  in->size = store_col_u64(s, 2);
  if (sqlite3_column_type(s, 3) != SQLITE_NULL) {
    int n = sqlite3_column_bytes(s, 3);
    const void *b = sqlite3_column_blob(s, 3);
    in->content = malloc((size_t)n + 1);
    if (!in->content) return 0;
    if (n) memcpy(in->content, b, (size_t)n);
    in->content[n] = '\0';
    in->size = (uint64_t)n;
  }
  return ok;
}

int report_store_run_get(report_store *st, int64_t run_id, report_run **out,
                         report_error *err)
{
  *out = NULL;
  report_run *r = calloc(1, sizeof *r);
  if (!r) return store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
  sqlite3_stmt *s = NULL;
  char cols[600], sql[700];
  run_columns(st, 1, cols, sizeof cols);
  snprintf(sql, sizeof sql, "SELECT %s FROM runs WHERE id = ?1", cols);
  int rc = store_prep_once(st, sql, &s, err);
  if (rc) goto fail;
  sqlite3_bind_int64(s, 1, run_id);
  int step = sqlite3_step(s);
  if (step == SQLITE_DONE)
    rc = store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld; `drsim runs` "
              "lists the stored runs", (long long)run_id);
  else if (step != SQLITE_ROW)
    rc = store_db_fail(st, err, "reading a run");
  else if (!read_run_row(s, r))
    rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
  sqlite3_finalize(s);
  if (rc) goto fail;

  if ((rc = read_rows(st, run_id,
      "SELECT environment, rto_objective_s, rpo_objective_s, availability_objective"
      " FROM run_environments WHERE run_id = ?1 ORDER BY env_index",
      sizeof *r->environments, (void **)&r->environments, &r->n_environments,
      env_row, NULL, err)))
    goto fail;
  if ((rc = read_items(st, run_id, REPORT_ITEM_STEPS, (void **)&r->steps, &r->n_steps, err)) ||
      (rc = read_items(st, run_id, REPORT_ITEM_COMPONENTS, (void **)&r->components,
                       &r->n_components, err)) ||
      (rc = read_items(st, run_id, REPORT_ITEM_STANDBY, (void **)&r->standby, &r->n_standby,
                       err)))
    goto fail;
  if (st->version >= report_item_tables[REPORT_ITEM_ENV_COMPONENTS].stats_since &&
      (rc = read_items(st, run_id, REPORT_ITEM_ENV_COMPONENTS, (void **)&r->env_components,
                       &r->n_env_components, err)))
    goto fail;
  if (st->version >= 5 &&
      (rc = read_rows(st, run_id,
          "SELECT name, sha256, size, content FROM run_inputs WHERE run_id = ?1 ORDER BY rowid",
          sizeof *r->inputs, (void **)&r->inputs, &r->n_inputs, input_row, NULL, err)))
    goto fail;
  *out = r;
  return REPORT_OK;
fail:
  report_store_run_free(r);
  return rc;
}

int report_store_runs_list(report_store *st, report_run ***runs, size_t *n,
                           report_error *err)
{
  *runs = NULL;
  *n = 0;
  sqlite3_stmt *s = NULL;
  char cols[600], sql[700];
  run_columns(st, 0, cols, sizeof cols);
  snprintf(sql, sizeof sql, "SELECT %s FROM runs ORDER BY id", cols);
  int rc = store_prep_once(st, sql, &s, err);
  if (rc) return rc;
  report_run **arr = NULL;
  size_t cnt = 0, cap = 0;
  for (;;) {
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) { rc = store_db_fail(st, err, "listing runs"); break; }
    if (cnt == cap) {
      size_t nc = cap ? 2 * cap : 16;
      report_run **a = realloc(arr, nc * sizeof *a);
      if (!a) { rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
      arr = a;
      cap = nc;
    }
    report_run *r = calloc(1, sizeof *r);
    if (!r) { rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
    arr[cnt++] = r;
    if (!read_run_row(s, r)) { rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
  }
  sqlite3_finalize(s);
  if (rc) {
    report_store_runs_free(arr, cnt);
    return rc;
  }
  *runs = arr;
  *n = cnt;
  return REPORT_OK;
}

int report_store_latest_run(report_store *st, int64_t *run_id, report_error *err)
{
  int64_t id = 0;
  int rc = store_pragma_int(st, "SELECT coalesce(max(id), 0) FROM runs", &id, err);
  if (rc) return rc;
  if (id == 0)
    return store_fail(st->path, err, REPORT_ENOTFOUND, "holds no runs yet; store one "
                "with `drsim run SCENARIO --db %s`", st->path);
  *run_id = id;
  return REPORT_OK;
}

/* A readable column: its name, the schema version that added it, and what
** NULL reads as. The trials and detail columns are the tables in
** reports/columns.h; the incident columns are listed here. */
typedef report_column column_def;

/* The incidents table's keys readable as columns; its other columns are
** report_incident_columns. */
static const column_def incident_keys[] = {{"trial", 3, NAN}, {"incident", 3, NAN}, {NULL, 0, 0}};

static const column_def *find_column(const column_def *defs, const char *name)
{
  for (; name && defs->name; defs++)
    if (strcmp(defs->name, name) == 0) return defs;
  return NULL;
}

static const column_def *find_trial_column(const char *name)
{
  const report_trial_column *c = report_trial_column_find(name);
  return c ? &c->col : NULL;
}

static const column_def *find_incident_column(const char *name)
{
  const column_def *d = find_column(incident_keys, name);
  for (size_t j = 0; !d && name && j < report_incident_ncolumns; j++)
    if (strcmp(report_incident_columns[j].col.name, name) == 0) d = &report_incident_columns[j].col;
  return d;
}

/* The SQL expression reading a column: NULL when this database predates it
** (the names come from the fixed tables above, never from outside). */
static const char *column_expr(const report_store *st, const column_def *d)
{
  if (st->version < d->since) return "NULL";
  return d->name;
}

#define MAX_COLUMNS 16

/* Step s (its k result columns are defs[0..k)) to the end, appending each
** row's values to values[0..k); malloc'ed, all NULL on error or no rows. */
static int read_columns(report_store *st, sqlite3_stmt *s, const column_def *const *defs,
                        size_t k, double **values, size_t *n, report_error *err)
{
  size_t cnt = 0, cap = 0;
  int rc = REPORT_OK;
  for (size_t j = 0; j < k; j++) values[j] = NULL;
  for (;;) {
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) { rc = store_db_fail(st, err, "reading trials"); break; }
    if (cnt == cap) {
      size_t nc = cap ? 2 * cap : 1024;
      for (size_t j = 0; j < k && !rc; j++) {
        double *a = realloc(values[j], nc * sizeof *a);
        if (!a) rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
        else values[j] = a;
      }
      if (rc) break;
      cap = nc;
    }
    for (size_t j = 0; j < k; j++) values[j][cnt] = col_real(s, (int)j, defs[j]->null_value);
    cnt++;
  }
  sqlite3_finalize(s);
  if (rc || cnt == 0) {
    for (size_t j = 0; j < k; j++) {
      free(values[j]);
      values[j] = NULL;
    }
    cnt = 0;
  }
  *n = cnt;
  return rc;
}

/* Hand each row's k values to fn (in the order read) instead of keeping
** them: the streaming form of read_columns. */
static int scan_columns(report_store *st, sqlite3_stmt *s, const column_def *const *defs,
                        size_t k, report_values_fn fn, void *ctx, report_error *err)
{
  double v[MAX_COLUMNS];
  int rc = REPORT_OK;
  for (;;) {
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) { rc = store_db_fail(st, err, "reading trials"); break; }
    for (size_t j = 0; j < k; j++) v[j] = col_real(s, (int)j, defs[j]->null_value);
    if ((rc = fn(ctx, v)) != 0) break;
  }
  sqlite3_finalize(s);
  return rc;
}

/* Read k columns (from table_cols, named `what` in messages) of `table`
** for one environment of a run, in `order`, into values (fn NULL) or
** handed row by row to fn. A table that does not exist in this schema
** version reads as no rows. Shared by the trial and incident column
** readers. */
static int env_columns(report_store *st, int64_t run_id, const char *environment,
                       const char *const *columns, size_t k, double **values,
                       size_t *n, report_error *err,
                       const column_def *(*find)(const char *name),
                       const char *what, const char *table, int table_since,
                       const char *order, report_values_fn fn, void *ctx)
{
  const column_def *defs[MAX_COLUMNS];
  *n = 0;
  for (size_t j = 0; j < k && j < MAX_COLUMNS; j++) values[j] = NULL;
  if (k == 0 || k > MAX_COLUMNS)
    return store_fail(st->path, err, REPORT_EINVAL, "%zu %s columns asked for; 1 to %d",
                k, what, MAX_COLUMNS);
  char sql[1024];
  size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT ");
  for (size_t j = 0; j < k; j++) {
    defs[j] = find(columns[j]);
    if (!defs[j])
      return store_fail(st->path, err, REPORT_EINVAL, "no %s column '%s'", what,
                  columns[j] ? columns[j] : "(null)");
    len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s", j ? ", " : "",
                            column_expr(st, defs[j]));
  }
  if (st->version < table_since) return REPORT_OK;
  snprintf(sql + len, sizeof sql - len, " FROM %s WHERE run_id = ?1 AND "
           "environment = ?2 ORDER BY %s", table, order);
  sqlite3_stmt *s = NULL;
  int rc = store_prep_once(st, sql, &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 2, environment ? environment : "", -1, SQLITE_STATIC);
  if (fn) return scan_columns(st, s, defs, k, fn, ctx, err);
  return read_columns(st, s, defs, k, values, n, err);
}

int report_store_trial_columns(report_store *st, int64_t run_id,
                               const char *environment,
                               const char *const *columns, size_t k,
                               double **values, size_t *n, report_error *err)
{
  return env_columns(st, run_id, environment, columns, k, values, n, err, find_trial_column,
                     "trial", "trials", 1, "trial", NULL, NULL);
}

int report_store_trial_scan(report_store *st, int64_t run_id, const char *environment,
                            const char *const *columns, size_t k, report_values_fn fn,
                            void *ctx, report_error *err)
{
  double *values[MAX_COLUMNS];
  size_t n = 0;
  int krc;
  if (store_kept_scan(st, run_id, environment, columns, k, fn, ctx, &krc)) return krc;
  return env_columns(st, run_id, environment, columns, k, values, &n, err, find_trial_column,
                     "trial", "trials", 1, "trial", fn, ctx);
}

int report_store_incident_columns(report_store *st, int64_t run_id,
                                  const char *environment,
                                  const char *const *columns, size_t k,
                                  double **values, size_t *n, report_error *err)
{
  /* the incidents table came with schema version 3 */
  return env_columns(st, run_id, environment, columns, k, values, n, err, find_incident_column,
                     "incident", "incidents", 3, "trial, incident", NULL, NULL);
}

int report_store_incidents_foreach(report_store *st, int64_t run_id,
                                   report_incident_fn fn, void *ctx, report_error *err)
{
  int64_t exists = 0;
  char sql[1024];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld", (long long)run_id);
  int rc = store_pragma_int(st, sql, &exists, err);
  if (rc) return rc;
  if (!exists)
    return store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld; `drsim runs` "
                "lists the stored runs", (long long)run_id);
  if (st->version < 3) return REPORT_OK;
  sqlite3_stmt *s = NULL;
  /* Environments in scenario order through their index. */
  size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT i.trial, i.environment, i.incident,"
                                " i.cause");
  for (size_t j = 0; j < report_incident_ncolumns && len < sizeof sql; j++)
    len += (size_t)snprintf(sql + len, sizeof sql - len, ", i.%s",
                            report_incident_columns[j].col.name);
  if (len < sizeof sql)
    snprintf(sql + len, sizeof sql - len, " FROM incidents i JOIN run_environments e"
             " ON e.run_id = i.run_id AND e.environment = i.environment"
             " WHERE i.run_id = ?1 ORDER BY e.env_index, i.trial, i.incident");
  if ((rc = store_prep_once(st, sql, &s, err))) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  for (;;) {
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) { rc = store_db_fail(st, err, "reading incidents"); break; }
    const char *env = (const char *)sqlite3_column_text(s, 1);
    const char *cause = (const char *)sqlite3_column_text(s, 3);
    report_incident_row row = {
      .trial = store_col_u64(s, 0),
      .environment = env ? env : "",
      .incident = sqlite3_column_int(s, 2),
      .cause = cause ? cause : "",
    };
    for (size_t j = 0; j < report_incident_ncolumns; j++) {
      const report_incident_column *c = &report_incident_columns[j];
      report_incident_column_set(c, &row, col_real(s, 4 + (int)j, c->col.null_value));
    }
    if ((rc = fn(ctx, &row)) != 0) break;
  }
  sqlite3_finalize(s);
  return rc;
}

int report_store_trial_column(report_store *st, int64_t run_id,
                              const char *environment, const char *column,
                              double **values, size_t *n, report_error *err)
{
  return report_store_trial_columns(st, run_id, environment, &column, 1, values, n, err);
}

int report_store_detail_column(report_store *st, int64_t run_id,
                               const char *table, size_t index,
                               const char *column, double **values, size_t *n,
                               report_error *err)
{
  *values = NULL;
  *n = 0;
  int drc;
  if (store_detail_on_demand(st, run_id, table, index, column, values, n, err, &drc)) return drc;
  const report_item_table *t = report_item_table_by_detail(table);
  if (!t)
    return store_fail(st->path, err, REPORT_EINVAL, "no detail table '%s'",
                table ? table : "(null)");
  const report_detail_column *dc = report_detail_column_find(t, column);
  if (!dc)
    return store_fail(st->path, err, REPORT_EINVAL, "no column '%s' in %s",
                column ? column : "(null)", table);
  const column_def *d = &dc->col;
  const char *expr = st->version < d->since ? "NULL" : dc->expr ? dc->expr : d->name;
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE run_id = ?1 AND %s = ?2 "
           "ORDER BY trial", expr, table, t->key);
  sqlite3_stmt *s = NULL;
  int rc = store_prep_once(st, sql, &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_int64(s, 2, (int64_t)index);
  return read_columns(st, s, &d, 1, values, n, err);
}

int report_store_trials_foreach(report_store *st, int64_t run_id,
                                report_trial_fn fn, void *ctx, report_error *err)
{
  sqlite3_stmt *envs = NULL, *s = NULL;
  int64_t exists = 0;
  char sql[4096];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld", (long long)run_id);
  int rc = store_pragma_int(st, sql, &exists, err);
  if (rc) return rc;
  if (!exists)
    return store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld; `drsim runs` "
                "lists the stored runs", (long long)run_id);
  if ((rc = store_prep_once(st, "SELECT environment FROM run_environments WHERE run_id = ?1"
                          " ORDER BY env_index", &envs, err)))
    return rc;
  /* trial, then every column of report_trial_columns in order. */
  size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT trial");
  for (size_t j = 0; j < report_trial_ncolumns && len < sizeof sql; j++)
    len += (size_t)snprintf(sql + len, sizeof sql - len, ", %s",
                            column_expr(st, &report_trial_columns[j].col));
  if (len >= sizeof sql - 100)
    return store_fail(st->path, err, REPORT_EINVAL, "too many trial columns for the query");
  snprintf(sql + len, sizeof sql - len, " FROM trials WHERE run_id = ?1 AND "
           "environment = ?2 ORDER BY trial");
  if ((rc = store_prep_once(st, sql, &s, err))) {
    sqlite3_finalize(envs);
    return rc;
  }
  sqlite3_bind_int64(envs, 1, run_id);
  sqlite3_bind_int64(s, 1, run_id);
  for (;;) {
    int step = sqlite3_step(envs);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) { rc = store_db_fail(st, err, "reading environments"); break; }
    const char *env = (const char *)sqlite3_column_text(envs, 0);
    sqlite3_bind_text(s, 2, env ? env : "", -1, SQLITE_TRANSIENT);
    for (;;) {
      step = sqlite3_step(s);
      if (step == SQLITE_DONE) break;
      if (step != SQLITE_ROW) { rc = store_db_fail(st, err, "reading trials"); break; }
      report_trial_row row = {.trial = store_col_u64(s, 0), .environment = env ? env : ""};
      for (size_t j = 0; j < report_trial_ncolumns; j++) {
        const report_trial_column *c = &report_trial_columns[j];
        report_trial_column_set(c, &row, col_real(s, (int)j + 1, c->col.null_value));
      }
      if ((rc = fn(ctx, &row)) != 0) break;
    }
    sqlite3_reset(s);
    if (rc) break;
  }
  sqlite3_finalize(s);
  sqlite3_finalize(envs);
  return rc;
}
