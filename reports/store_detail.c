/*
** reports/store_detail.c — per-trial detail re-simulated on demand (the
** contract is in reports/store.h: report_store_set_detail_source,
** report_store_run_has_detail, report_store_detail_at). A run kept without
** --detail steps has no steps / components / standby_trials rows; when the
** store has a detail source, report_store_detail_column asks it to simulate
** the run's trials again and keeps the requested column for every item of
** the table (a report reads item after item of one column: the criticality
** of each step, the RPO of each component), two such columns at a time.
** Part of the store module (reports/store.h).
*/
#include "reports/store_internal.h"

#include "reports/detail.h"
#include "drsim_version.h"   /* DRSIM_VERSION, generated at build time */
#ifndef DRSIM_VERSION
#define DRSIM_VERSION "unknown"
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

void store_detail_clear(report_store *st)
{
  for (size_t i = 0; i < 2; i++) {
    free(st->dcache[i].v);
    memset(&st->dcache[i], 0, sizeof st->dcache[i]);
  }
}

void report_store_set_detail_source(report_store *st, report_detail_source_fn fn, void *ctx,
                                    void (*free_ctx)(void *ctx))
{
  if (st->detail_free) st->detail_free(st->detail_ctx);
  st->detail_fn = fn;
  st->detail_ctx = ctx;
  st->detail_free = free_ctx;
  store_detail_clear(st);
}

static int resimulated(const report_store *st, report_detail d, uint64_t trials,
                       const char *version)
{
  return st->detail_fn && d != REPORT_DETAIL_STEPS && trials > 0 &&
         trials <= REPORT_DETAIL_RESIM_MAX && version && strcmp(version, DRSIM_VERSION) == 0;
}

int report_store_run_has_detail(report_store *st, const report_run *run)
{
  return run->detail == REPORT_DETAIL_STEPS ||
         resimulated(st, run->detail, run->trials_done, run->program_version);
}

/* Fill one column of every item of a table, trial by trial. */
typedef struct fill_ctx {
  report_detail_col col;
  size_t rows;
  uint64_t trials;
  int lifetime;
  double *v;
} fill_ctx;

static int fill_visit(void *p, uint64_t pos, const model_trial_view *v)
{
  fill_ctx *f = p;
  if (pos >= f->trials) return 0;
  for (size_t k = 0; k < f->rows; k++)
    f->v[k * f->trials + pos] = report_detail_value(f->col, v, k, f->lifetime);
  return 0;
}

static size_t table_rows(const report_run *run, report_detail_table t)
{
  return report_detail_rows(t, run->n_steps, run->n_components, run->n_standby);
}

/* The cached column of run_id with `trials` trials, or NULL. */
static store_detail_column *cached(report_store *st, int64_t run_id, uint64_t trials,
                                   report_detail_col col)
{
  for (size_t i = 0; i < 2; i++) {
    store_detail_column *e = &st->dcache[i];
    if (e->v && e->run_id == run_id && e->trials == trials && e->table == (int)col.table &&
        e->column == col.column)
      return e;
  }
  return NULL;
}

/* Simulate the run again and keep column col of every item (replacing the
** least recently used column); NULL with *rc on failure. */
static store_detail_column *fill(report_store *st, const report_run *run,
                                 report_detail_col col, report_error *err, int *rc)
{
  store_detail_column *c = st->dcache[0].used <= st->dcache[1].used ? &st->dcache[0]
                                                                     : &st->dcache[1];
  free(c->v);
  memset(c, 0, sizeof *c);
  fill_ctx f = {col, table_rows(run, col.table), run->trials_done,
                run->mode == MODEL_MODE_LIFETIME, NULL};
  size_t cells = f.rows * (size_t)f.trials;
  f.v = malloc((cells ? cells : 1) * sizeof *f.v);
  if (!f.v) {
    *rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
    return NULL;
  }
  for (size_t k = 0; k < cells; k++) f.v[k] = NAN;
  *rc = st->detail_fn(st->detail_ctx, st, run, 0, run->trials_done, fill_visit, &f, err);
  if (*rc != REPORT_OK) {
    free(f.v);
    return NULL;
  }
  *c = (store_detail_column){run->id, run->trials_done, (int)col.table, col.column,
                             f.rows, f.v, 0};
  return c;
}

int store_detail_on_demand(report_store *st, int64_t run_id, const char *table, size_t index,
                           const char *column, double **values, size_t *n,
                           report_error *err, int *rc)
{
  if (!st->detail_fn) return 0;
  report_detail_col col;
  if (report_detail_find(table, column, &col) != 0) return 0;   /* the reader says why */
  sqlite3_stmt *s = NULL;
  if ((*rc = store_prep_once(st, "SELECT detail, trials_done, program_version FROM runs"
                             " WHERE id = ?1", &s, err)) != REPORT_OK)
    return 1;
  sqlite3_bind_int64(s, 1, run_id);
  int on_demand = 0;
  uint64_t trials = 0;
  if (sqlite3_step(s) == SQLITE_ROW) {
    const char *d = (const char *)sqlite3_column_text(s, 0);
    trials = store_col_u64(s, 1);
    on_demand = resimulated(st, d && strcmp(d, "steps") == 0 ? REPORT_DETAIL_STEPS
                                                              : REPORT_DETAIL_SUMMARY,
                            trials, (const char *)sqlite3_column_text(s, 2));
  }
  sqlite3_finalize(s);
  if (!on_demand) return 0;
  store_detail_column *c = cached(st, run_id, trials, col);
  if (!c) {
    report_run *run = NULL;
    if ((*rc = report_store_run_get(st, run_id, &run, err)) != REPORT_OK) return 1;
    c = fill(st, run, col, err, rc);
    report_store_run_free(run);
    if (!c) return 1;
  }
  c->used = ++st->dstamp;
  *rc = REPORT_OK;
  if (index >= c->rows) return 1;
  double *v = malloc((c->trials ? c->trials : 1) * sizeof *v);
  if (!v) {
    *rc = store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
    return 1;
  }
  memcpy(v, c->v + index * c->trials, c->trials * sizeof *v);
  *values = v;
  *n = c->trials;
  return 1;
}

/* One trial's value. */
typedef struct one_ctx {
  report_detail_col col;
  size_t index;
  int lifetime;
  double value;
} one_ctx;

static int one_visit(void *p, uint64_t pos, const model_trial_view *v)
{
  (void)pos;
  one_ctx *o = p;
  o->value = report_detail_value(o->col, v, o->index, o->lifetime);
  return 0;
}

int report_store_detail_at(report_store *st, const report_run *run, const char *table,
                           size_t index, uint64_t pos, const char *column, double *value,
                           report_error *err)
{
  *value = NAN;
  report_detail_col col;
  if (report_detail_find(table, column, &col) != 0)
    return store_fail(st->path, err, REPORT_EINVAL, "no column '%s' in %s",
                      column ? column : "(null)", table ? table : "(null)");
  if (resimulated(st, run->detail, run->trials_done, run->program_version)) {
    if (pos >= run->trials_done || index >= table_rows(run, col.table)) return REPORT_OK;
    one_ctx o = {col, index, run->mode == MODEL_MODE_LIFETIME, NAN};
    int rc = st->detail_fn(st->detail_ctx, st, run, pos, 1, one_visit, &o, err);
    if (rc == REPORT_OK) *value = o.value;
    return rc;
  }
  double *v = NULL;
  size_t n = 0;
  int rc = report_store_detail_column(st, run->id, table, index, column, &v, &n, err);
  if (rc == REPORT_OK && pos < n) *value = v[pos];
  free(v);
  return rc;
}
