/*
** reports/store_kept.c — the trials a store has just written, kept in
** memory for the run's own end-of-run summary. A run's summary reads every
** trial's RTO, RPO and pool times back twice (reports/summary.c); right
** after the run, in the process that stored it, those reads come from
** here instead of from SQLite: each committed trials row's values, as the
** store would read them back (a non-finite REAL is NULL and reads as its
** column's null value; integers and flags as stored). Kept only for a run
** appended from its first trial by this store, up to STORE_KEPT_MAX_BYTES
** (about 150 000 trials of the reference scenario: its 3 environments'
** 9 disaster-mode columns); a larger run, a
** resumed one or a failed allocation reads SQLite as before. Part of the
** store module (reports/store.h).
*/
#include "reports/store_internal.h"

#include "reports/columns.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STORE_KEPT_MAX_BYTES (32u << 20)

void store_kept_clear(report_store *st)
{
  store_kept *k = &st->kept;
  if (k->v)
    for (size_t i = 0; i < k->n_arrays; i++) free(k->v[i]);
  free(k->v);
  for (size_t e = 0; e < k->n_env; e++) free(k->env[e]);
  free(k->env);
  memset(k, 0, sizeof *k);
}

/* Start keeping run_id from its first trial, or mark it not kept. */
static void start(report_store *st, int64_t run_id, const model_scenario *sc,
                  uint64_t first, size_t n_env)
{
  store_kept_clear(st);
  store_kept *k = &st->kept;
  k->run_id = run_id;
  k->off = 1;
  sqlite3_stmt *s = NULL;
  report_error err;
  if (store_prep_once(st, "SELECT first_trial FROM runs WHERE id = ?1", &s, &err)) return;
  sqlite3_bind_int64(s, 1, run_id);
  int from_start = sqlite3_step(s) == SQLITE_ROW && store_col_u64(s, 0) == first;
  sqlite3_finalize(s);
  if (!from_start) return;
  k->n_env = n_env;
  k->n_arrays = n_env * report_trial_ncolumns;
  k->env = calloc(n_env ? n_env : 1, sizeof *k->env);
  k->v = calloc(k->n_arrays ? k->n_arrays : 1, sizeof *k->v);
  if (!k->env || !k->v) { store_kept_clear(st); k->run_id = run_id; k->off = 1; return; }
  for (size_t e = 0; e < n_env; e++)
    if (!(k->env[e] = store_dupstr(sc->environments[e].name))) {
      store_kept_clear(st);
      k->run_id = run_id;
      k->off = 1;
      return;
    }
  k->first = first;
  k->off = 0;
}

/* 1 when the trials rows of this store's run hold column c (disaster
** mode leaves the lifetime columns NULL: they are not kept). */
static int mode_writes(const report_store *st, size_t c)
{
  return st->mode == MODEL_MODE_LIFETIME || !report_trial_columns[c].lifetime;
}

/* A value as the trials table returns it. */
static double as_read(const report_trial_column *c, double v, int lifetime)
{
  if (c->lifetime && !lifetime) return c->col.null_value;   /* not written: NULL */
  if (c->type == REPORT_COL_REAL) return isfinite(v) ? v : c->col.null_value;
  return (double)(int)v;
}

void store_kept_add(report_store *st, int64_t run_id, const model_scenario *sc,
                    uint64_t first, size_t n)
{
  store_kept *k = &st->kept;
  if (k->run_id != run_id) start(st, run_id, sc, first, st->n_env);
  if (k->off) return;
  if (first != k->first + k->n) { store_kept_clear(st); k->run_id = run_id; k->off = 1; return; }
  if (k->n + n > k->cap) {
    uint64_t cap = k->cap ? k->cap : 4096;
    while (cap < k->n + n) cap *= 2;
    size_t written = 0;   /* arrays of the columns this mode writes */
    for (size_t c = 0; c < report_trial_ncolumns; c++) written += mode_writes(st, c);
    if ((double)cap * (double)(written * k->n_env) * sizeof(double) > STORE_KEPT_MAX_BYTES) {
      store_kept_clear(st);
      k->run_id = run_id;
      k->off = 1;
      return;
    }
    for (size_t i = 0; i < k->n_arrays; i++) {
      if (!mode_writes(st, i % report_trial_ncolumns)) continue;
      double *a = realloc(k->v[i], (size_t)cap * sizeof *a);
      if (!a) {
        store_kept_clear(st);
        k->run_id = run_id;
        k->off = 1;
        return;
      }
      k->v[i] = a;
    }
    k->cap = cap;
  }
  int lifetime = st->mode == MODEL_MODE_LIFETIME;
  for (size_t e = 0; e < k->n_env; e++)
    for (size_t c = 0; c < report_trial_ncolumns; c++) {
      if (!mode_writes(st, c)) continue;
      const report_trial_column *col = &report_trial_columns[c];
      double *a = k->v[e * report_trial_ncolumns + c] + k->n;
      for (size_t i = 0; i < n; i++)
        a[i] = as_read(col, report_trial_column_outcome(col, &st->views[i].env[e]), lifetime);
    }
  k->n += n;
}

int store_kept_scan(report_store *st, int64_t run_id, const char *environment,
                    const char *const *columns, size_t k, report_values_fn fn, void *ctx,
                    int *rc)
{
  store_kept *kp = &st->kept;
  if (kp->off || kp->run_id != run_id || !environment || k == 0 || k > 16) return 0;
  size_t e = 0;
  while (e < kp->n_env && strcmp(kp->env[e], environment) != 0) e++;
  if (e == kp->n_env) return 0;
  const double *col[16];
  double null_value[16];
  for (size_t j = 0; j < k; j++) {
    const report_trial_column *c = report_trial_column_find(columns[j]);
    if (!c) return 0;   /* the reader says why */
    col[j] = kp->v[e * report_trial_ncolumns + (size_t)(c - report_trial_columns)];
    null_value[j] = c->col.null_value;   /* a column not kept: NULL in every row */
  }
  /* Only when the kept trials are exactly the run's committed ones (as
  ** the reader's snapshot sees them). */
  sqlite3_stmt *s = NULL;
  report_error err;
  if (store_prep_once(st, "SELECT first_trial, trials_done FROM runs WHERE id = ?1", &s, &err))
    return 0;
  sqlite3_bind_int64(s, 1, run_id);
  int same = sqlite3_step(s) == SQLITE_ROW && store_col_u64(s, 0) == kp->first &&
             store_col_u64(s, 1) == kp->n;
  sqlite3_finalize(s);
  if (!same) return 0;
  double v[16];
  *rc = REPORT_OK;
  for (uint64_t i = 0; i < kp->n; i++) {
    for (size_t j = 0; j < k; j++) v[j] = col[j] ? col[j][i] : null_value[j];
    if ((*rc = fn(ctx, v)) != 0) break;
  }
  return 1;
}
