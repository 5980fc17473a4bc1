/*
** reports/store_append.c — the append path of the results store: one
** transaction per call of report_store_run_append with its trials, detail
** rows, incidents and the aggregates per step / component / pool.
** Part of the store module (reports/store.h).
**
** Speed: the runner's sink calls report_store_run_append with thousands of
** trials; each call is one transaction with prepared statements bound by
** index and reset, rows inserted environment by environment so that each
** WITHOUT ROWID primary-key b-tree grows at its right edge (the trials rows
** 64 to a multi-row INSERT, see insert_trials), and the
** aggregates summed in C and written with one UPDATE per step / component /
** pool.
*/
#include "reports/store_internal.h"

#include "models/outcome.h"
#include "reports/columns.h"
#include "reports/common_causes.h"
#include "reports/sqltext.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

/* ------------------------------------------------------------ append */

/* Check once per run that sc has the run's dimensions, and remember the
** run's detail and mode. */
static int load_dims(report_store *st, int64_t run_id, const model_scenario *sc,
                     report_error *err)
{
  if (st->dims_run == run_id) goto check;
  sqlite3_stmt *s = NULL;
  int rc;
  if ((rc = store_prep_once(st,
      "SELECT detail, mode,"
      " (SELECT count(*) FROM run_environments WHERE run_id = ?1),"
      " (SELECT count(*) FROM run_steps WHERE run_id = ?1),"
      " (SELECT count(*) FROM run_components WHERE run_id = ?1),"
      " (SELECT count(*) FROM run_standby WHERE run_id = ?1)"
      " FROM runs WHERE id = ?1", &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, run_id);
  rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    rc = rc == SQLITE_DONE
         ? store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id)
         : store_db_fail(st, err, "reading the run");
    sqlite3_finalize(s);
    return rc;
  }
  const char *detail = (const char *)sqlite3_column_text(s, 0);
  const char *mode = (const char *)sqlite3_column_text(s, 1);
  st->detail = detail && strcmp(detail, "steps") == 0 ? REPORT_DETAIL_STEPS
                                                      : REPORT_DETAIL_SUMMARY;
  st->mode = mode && strcmp(mode, "lifetime") == 0 ? MODEL_MODE_LIFETIME
                                                   : MODEL_MODE_DISASTER;
  st->n_env = (size_t)sqlite3_column_int64(s, 2);
  st->n_steps = (size_t)sqlite3_column_int64(s, 3);
  st->n_comp = (size_t)sqlite3_column_int64(s, 4);
  st->n_standby = (size_t)sqlite3_column_int64(s, 5);
  sqlite3_finalize(s);
  free(st->sacc); free(st->cacc); free(st->pacc); free(st->eacc);
  st->sacc = calloc(st->n_steps ? st->n_steps : 1, sizeof *st->sacc);
  st->cacc = calloc(st->n_comp ? st->n_comp : 1, sizeof *st->cacc);
  st->pacc = calloc(st->n_standby ? st->n_standby : 1, sizeof *st->pacc);
  size_t cells = st->mode == MODEL_MODE_LIFETIME ? st->n_env * st->n_comp : 0;
  st->eacc = calloc(cells ? cells : 1, sizeof *st->eacc);
  if (!st->sacc || !st->cacc || !st->pacc || !st->eacc) {
    st->dims_run = -1;
    return store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
  }
  st->dims_run = run_id;
check:
  if (st->n_env != sc->n_environments || st->n_steps != sc->n_steps_total ||
      st->n_comp != sc->n_components || st->n_standby != sc->n_standby ||
      st->mode != sc->mode)
    return store_fail(st->path, err, REPORT_EINVAL,
                "run %lld was started with another scenario (%zu environments, "
                "%zu steps, %zu components, %zu pools; this one has %zu, %zu, "
                "%zu, %zu)", (long long)run_id, st->n_env, st->n_steps,
                st->n_comp, st->n_standby, sc->n_environments,
                sc->n_steps_total, sc->n_components, sc->n_standby);
  return REPORT_OK;
}

_Static_assert(STORE_ITEM_TABLES == REPORT_ITEM_NTABLES,
               "store_internal.h's STORE_ITEM_TABLES is the number of item tables");

/* Prepare *stmt from b (once) and free b. */
static int prepare_text(report_store *st, sqlite3_stmt **stmt, report_sqltext *b, report_error *err)
{
  int rc = b->oom ? store_fail(st->path, err, REPORT_ENOMEM, "out of memory")
                  : store_prepare(st, stmt, b->s, err);
  free(b->s);
  return rc;
}

/* Number of key columns of an item table ("env_index, component_index": 2). */
static int item_nkeys(const report_item_table *t)
{
  int k = 1;
  for (const char *p = t->key; *p; p++) k += *p == ',';
  return k;
}

/* UPDATE <stats> SET <col> = <col> + ?k, <max> = max(..) WHERE run_id = ?1
** AND <key> = ?2 [AND <key2> = ?3]: the aggregates' columns in table order,
** their parameters after the keys. */
static int prepare_item_update(report_store *st, size_t ti, report_error *err)
{
  const report_item_table *t = &report_item_tables[ti];
  if (st->upd_stats[ti] || st->version < t->stats_since) return REPORT_OK;
  int nk = item_nkeys(t), p = 2 + nk;
  report_sqltext b = {0};
  report_sqltext_add(&b, "UPDATE %s SET ", t->stats_table);
  for (size_t j = 0; j < t->nstats; j++, p++) {
    const char *c = t->stats[j].name;
    /* max(coalesce(a, b), coalesce(b, a)): the larger of the two, ignoring a
    ** NULL side (SQLite's scalar max() returns NULL if any argument is). */
    if (t->stats[j].agg == REPORT_AGG_MAX)
      report_sqltext_add(&b, "%s%s = max(coalesce(%s, ?%d), coalesce(?%d, %s))", j ? ", " : "",
              c, c, p, p, c);
    else
      report_sqltext_add(&b, "%s%s = %s + ?%d", j ? ", " : "", c, c, p);
  }
  report_sqltext_add(&b, " WHERE run_id = ?1");
  const char *k = t->key;
  for (int i = 0; i < nk; i++) {
    size_t len = strcspn(k, ",");
    report_sqltext_add(&b, " AND %.*s = ?%d", (int)len, k, 2 + i);
    k += len;
    k += strspn(k, ", ");
  }
  return prepare_text(st, &st->upd_stats[ti], &b, err);
}

/* INSERT INTO <detail>(run_id, <key>, trial, <stored columns>) VALUES
** (?1, ?2, ?3, ...). */
static int prepare_detail_insert(report_store *st, size_t ti, report_error *err)
{
  const report_item_table *t = &report_item_tables[ti];
  if (st->ins_detail[ti] || !t->detail_table) return REPORT_OK;
  report_sqltext b = {0};
  int p = 3;
  report_sqltext_add(&b, "INSERT INTO %s(run_id, %s, trial", t->detail_table, t->key);
  for (size_t j = 0; j < t->ndetail; j++)
    if (!t->detail[j].expr) report_sqltext_add(&b, ", %s", t->detail[j].col.name);
  report_sqltext_add(&b, ") VALUES (?1,?2,?3");
  for (size_t j = 0; j < t->ndetail; j++)
    if (!t->detail[j].expr) report_sqltext_add(&b, ",?%d", ++p);
  report_sqltext_add(&b, ")");
  return prepare_text(st, &st->ins_detail[ti], &b, err);
}

/* INSERT INTO incidents(run_id, environment, trial, incident, cause,
** <report_incident_columns>) VALUES (?1, ..., ?5, ?6, ...). */
static int prepare_incident_insert(report_store *st, report_error *err)
{
  if (st->ins_incident) return REPORT_OK;
  report_sqltext b = {0};
  report_sqltext_add(&b, "INSERT INTO incidents(run_id, environment, trial, incident, cause");
  for (size_t j = 0; j < report_incident_ncolumns; j++)
    report_sqltext_add(&b, ", %s", report_incident_columns[j].col.name);
  report_sqltext_add(&b, ") VALUES (?1,?2,?3,?4,?5");
  for (size_t j = 0; j < report_incident_ncolumns; j++)
    report_sqltext_add(&b, ",?%d", 6 + (int)j);
  report_sqltext_add(&b, ")");
  return prepare_text(st, &st->ins_incident, &b, err);
}

static int prepare_append(report_store *st, report_error *err)
{
  int rc;
  if ((rc = store_prepare(st, &st->begin, "BEGIN IMMEDIATE", err))) return rc;
  if ((rc = store_prepare(st, &st->commit, "COMMIT", err))) return rc;
  if ((rc = store_prepare(st, &st->rollback, "ROLLBACK", err))) return rc;
  if (st->version >= 3 && (rc = prepare_incident_insert(st, err))) return rc;
  if ((rc = store_prepare(st, &st->upd_done,
      "UPDATE runs SET trials_done = trials_done + ?1,"
      " heartbeat = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?2"
      " AND status = 'running' AND first_trial + trials_done = ?3"
      " AND trials_done + ?1 <= trials", err)))
    return rc;
  for (size_t t = 0; t < REPORT_ITEM_NTABLES; t++) {
    if ((rc = prepare_item_update(st, t, err))) return rc;
    if ((rc = prepare_detail_insert(st, t, err))) return rc;
  }
  return REPORT_OK;
}

/* Why the trials_done update matched no row, for the message. */
static int explain_order(report_store *st, int64_t run_id, uint64_t first,
                         size_t n, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = store_prep_once(st, "SELECT status, first_trial, trials_done, trials FROM runs"
                         " WHERE id = ?1", &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  if (sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_finalize(s);
    return store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
  }
  const char *status = (const char *)sqlite3_column_text(s, 0);
  uint64_t ft = store_col_u64(s, 1), done = store_col_u64(s, 2), trials = store_col_u64(s, 3);
  if (!status || strcmp(status, "running") != 0)
    rc = store_fail(st->path, err, REPORT_EINVAL, "run %lld is %s, not running; reopen "
              "it to append", (long long)run_id, status ? status : "?");
  else if (first != ft + done)
    rc = store_fail(st->path, err, REPORT_EINVAL, "run %lld: trials must be appended in "
              "order: expected trial %llu next, got %llu", (long long)run_id,
              (unsigned long long)(ft + done), (unsigned long long)first);
  else
    rc = store_fail(st->path, err, REPORT_EINVAL, "run %lld: %zu more trials would exceed "
              "its %llu trials (%llu stored)", (long long)run_id, n,
              (unsigned long long)trials, (unsigned long long)done);
  sqlite3_finalize(s);
  return rc;
}

/* Rows per multi-row INSERT INTO trials (fewer if SQLite's limit on bound
** parameters is lower). Measured on the peer subset (20 000 trials, one
** environment): the trials rows cost ~11 k instructions each inserted one
** statement at a time, most of it a B-tree descent from the root per row
** (each execution opens a new cursor) and statement start/halt; rows of one
** statement share one cursor, and SQLite's seek from a cursor already on the
** last leaf skips the descent. 64 rows: ~1.4 k a row; more gains nothing. */
#define TRIAL_BLOCK_ROWS 64

/* Parameters a trials row binds besides run_id (?1) and environment (?2):
** trial, then the columns of report_trial_columns this mode writes. In
** disaster mode the lifetime-only columns are left out of the INSERT, so
** they take their default, NULL. */
static int trial_row_params(int lifetime)
{
  int per = 1;
  for (size_t c = 0; c < report_trial_ncolumns; c++)
    per += lifetime || !report_trial_columns[c].lifetime;
  return per;
}

/* INSERT INTO trials of `rows` rows for one mode, its columns and
** placeholders generated from report_trial_columns; prepared into *stmt. */
static int prepare_trial_insert(report_store *st, int lifetime, size_t rows,
                                sqlite3_stmt **stmt, report_error *err)
{
  if (*stmt) return REPORT_OK;
  int per = trial_row_params(lifetime);
  /* ", name" per column + "(?1,?2" + per x ",?NNNNNN" + ")," a row */
  size_t cap = 128 + rows * (8 + (size_t)per * 9);
  for (size_t c = 0; c < report_trial_ncolumns; c++)
    cap += strlen(report_trial_columns[c].col.name) + 2;
  char *sql = malloc(cap);
  if (!sql) return store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
  size_t len = (size_t)snprintf(sql, cap, "INSERT INTO trials(run_id, environment, trial");
  for (size_t c = 0; c < report_trial_ncolumns; c++)
    if (lifetime || !report_trial_columns[c].lifetime)
      len += (size_t)snprintf(sql + len, cap - len, ", %s", report_trial_columns[c].col.name);
  len += (size_t)snprintf(sql + len, cap - len, ") VALUES ");
  for (size_t r = 0; r < rows; r++) {
    len += (size_t)snprintf(sql + len, cap - len, "%s(?1,?2", r ? "," : "");
    for (int c = 0; c < per; c++)
      len += (size_t)snprintf(sql + len, cap - len, ",?%d", 3 + (int)r * per + c);
    len += (size_t)snprintf(sql + len, cap - len, ")");
  }
  int rc = store_prepare(st, stmt, sql, err);
  free(sql);
  return rc;
}

/* The one-row and the multi-row statements of a mode. */
static int prepare_trial_block(report_store *st, int lifetime, report_error *err)
{
  int rc = prepare_trial_insert(st, lifetime, 1, &st->ins_trial_one[lifetime], err);
  if (rc || st->ins_trial_block[lifetime] || st->trial_block_rows[lifetime] == 1) return rc;
  int per = trial_row_params(lifetime);
  size_t rows = TRIAL_BLOCK_ROWS;
  int max_var = sqlite3_limit(st->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  while (rows > 1 && 2 + (long long)rows * per > max_var) rows /= 2;
  st->trial_block_rows[lifetime] = rows;
  if (rows == 1) return REPORT_OK;      /* the one-row statement does it all */
  return prepare_trial_insert(st, lifetime, rows, &st->ins_trial_block[lifetime], err);
}

/* Bind one trials row's values from parameter `base` on (trial first). */
static void bind_trial_row(sqlite3_stmt *s, int base, int64_t trial,
                           const model_env_outcome *o, int lifetime)
{
  sqlite3_bind_int64(s, base++, trial);
  for (size_t c = 0; c < report_trial_ncolumns; c++) {
    const report_trial_column *col = &report_trial_columns[c];
    if (col->lifetime && !lifetime) continue;
    double v = report_trial_column_outcome(col, o);
    if (col->type == REPORT_COL_REAL) store_bind_real(s, base++, v);
    else sqlite3_bind_int(s, base++, (int)v);
  }
}

/* The trials rows of an append, environment by environment and in trial
** order within one (the primary key's order, so the b-tree grows at its
** right edge), in blocks of trial_block_rows rows per statement, the rest
** one row per statement. */
static int insert_trials(report_store *st, int64_t run_id, const model_scenario *sc,
                         uint64_t first, size_t n, report_error *err)
{
  int lifetime = st->mode == MODEL_MODE_LIFETIME, rc;
  if ((rc = prepare_trial_block(st, lifetime, err))) return rc;
  int per = trial_row_params(lifetime);
  sqlite3_stmt *blk = st->ins_trial_block[lifetime];
  size_t rows = blk ? st->trial_block_rows[lifetime] : 1;
  sqlite3_stmt *one = st->ins_trial_one[lifetime];
  if (blk) sqlite3_bind_int64(blk, 1, run_id);
  sqlite3_bind_int64(one, 1, run_id);
  for (size_t e = 0; e < st->n_env; e++) {
    const char *env = sc->environments[e].name;
    if (blk) sqlite3_bind_text(blk, 2, env, -1, SQLITE_STATIC);
    sqlite3_bind_text(one, 2, env, -1, SQLITE_STATIC);
    size_t i = 0;
    for (; blk && i + rows <= n; i += rows) {
      for (size_t r = 0; r < rows; r++)
        bind_trial_row(blk, 3 + (int)r * per, (int64_t)(first + i + r),
                       &st->views[i + r].env[e], lifetime);
      if ((rc = store_step_done(st, blk, err, "storing trials"))) return rc;
    }
    for (; i < n; i++) {
      bind_trial_row(one, 3, (int64_t)(first + i), &st->views[i].env[e], lifetime);
      if ((rc = store_step_done(st, one, err, "storing trials"))) return rc;
    }
  }
  return REPORT_OK;
}

/* The append's accumulators of item table ti, its row count and row size. */
static void *item_acc(report_store *st, size_t ti, size_t *n)
{
  size_t cells = st->mode == MODEL_MODE_LIFETIME ? st->n_env * st->n_comp : 0;
  switch (ti) {
  case REPORT_ITEM_STEPS: *n = st->n_steps; return st->sacc;
  case REPORT_ITEM_COMPONENTS: *n = st->n_comp; return st->cacc;
  case REPORT_ITEM_STANDBY: *n = st->n_standby; return st->pacc;
  default: *n = cells; return st->eacc;
  }
}

/* Zero the accumulators; maxima start as NAN (none yet). */
static void reset_acc(report_store *st)
{
  for (size_t ti = 0; ti < REPORT_ITEM_NTABLES; ti++) {
    const report_item_table *t = &report_item_tables[ti];
    size_t n;
    char *acc = item_acc(st, ti, &n);
    memset(acc, 0, (n ? n : 1) * t->row_size);
    for (size_t j = 0; j < t->nstats; j++) {
      if (t->stats[j].agg != REPORT_AGG_MAX) continue;
      double nan = NAN;
      for (size_t i = 0; i < n; i++) memcpy(acc + i * t->row_size + t->stats[j].off, &nan, sizeof nan);
    }
  }
}

static void accumulate_step(report_run_step *a, const model_step_outcome *o)
{
  a->n++;
  a->critical += o->critical != 0;
  a->attempts += (uint64_t)o->attempts;
  a->failures += o->failed != 0;
  a->off_hours += o->off_hours != 0;
  if (isfinite(o->team_wait_s)) {
    a->team_waits++;
    a->sum_team_wait_s += o->team_wait_s;
  }
  if (!o->failed && isfinite(o->start_s) && isfinite(o->end_s)) {
    double d = o->end_s - o->start_s;
    a->n_completed++;
    a->sum_duration_s += d;
    a->sum_sq_duration_s += d * d;
  }
}

static void accumulate_component(report_store *st, const model_scenario *sc,
                                 const model_trial_view *v, size_t c)
{
  const model_component_outcome *o = &v->components[c];
  report_run_component *a = &st->cacc[c];
  double r = o->rpo_s;
  if (isfinite(r)) {
    a->n_rpo++;
    a->sum_rpo_s += r;
    if (!(r <= a->max_rpo_s)) a->max_rpo_s = r;   /* also replaces NAN */
  } else if (isinf(r)) {
    a->inf_rpo++;
  }
  if (!isnan(r) && r > 0) {
    int e = sc->components[c].environment;
    int sets = 0;
    if (e >= 0 && (size_t)e < st->n_env) sets = r == v->env[e].rpo_s;
    else
      for (size_t k = 0; k < st->n_env && !sets; k++) sets = r == v->env[k].rpo_s;
    a->sets_env_rpo += (uint64_t)sets;
  }
  double down = isfinite(o->down_s) ? o->down_s : 0.0;
  a->sum_down_s += down;
  a->sum_sq_down_s += down * down;
  a->sum_down_x_failures += down * (double)o->failures;
  a->sum_sq_failures += (double)((int64_t)o->failures * o->failures);
  a->sum_downtime_caused_s += isfinite(o->downtime_caused_s) ? o->downtime_caused_s : 0.0;
  a->failures += (uint64_t)o->failures;
  a->incidents_caused += (uint64_t)o->incidents_caused;
  if (isfinite(o->failover_s)) {
    a->n_failover++;
    a->sum_failover_s += o->failover_s;
    if (!(o->failover_s <= a->max_failover_s)) a->max_failover_s = o->failover_s;
  }
}

static void accumulate_standby(report_run_standby *a, const model_standby_outcome *o)
{
  a->n++;
  if (isfinite(o->first_service_s)) {
    a->n_first_service++;
    a->sum_first_service_s += o->first_service_s;
  }
  if (isfinite(o->full_capacity_s)) {
    a->n_full_capacity++;
    a->sum_full_capacity_s += o->full_capacity_s;
    if (!(o->full_capacity_s <= a->max_full_capacity_s))
      a->max_full_capacity_s = o->full_capacity_s;
  }
  a->nodes += (uint64_t)o->nodes_provisioned;
  a->shortages += o->shortage != 0;
}

/* Sum the n trials of st->views into the accumulators (the fields of
** report_run_* that the aggregates' columns hold, reports/columns.h). */
static void accumulate(report_store *st, const model_scenario *sc, size_t n)
{
  reset_acc(st);
  size_t cells = st->mode == MODEL_MODE_LIFETIME ? st->n_env * st->n_comp : 0;
  for (size_t i = 0; i < n && cells; i++) {
    const double *x = st->views[i].env_component_downtime_s;
    if (!x) break;
    for (size_t k = 0; k < cells; k++) {
      if (!(x[k] > 0)) continue;   /* zero (and a stray NaN) adds nothing */
      report_run_env_component *a = &st->eacc[k];
      a->trials++;
      a->sum_downtime_s += x[k];
      a->sum_sq_downtime_s += x[k] * x[k];
    }
  }
  for (size_t i = 0; i < n; i++) {
    const model_trial_view *v = &st->views[i];
    for (size_t j = 0; j < st->n_steps; j++) accumulate_step(&st->sacc[j], &v->steps[j]);
    for (size_t c = 0; c < st->n_comp; c++) accumulate_component(st, sc, v, c);
    for (size_t p = 0; p < st->n_standby; p++) accumulate_standby(&st->pacc[p], &v->standby[p]);
  }
}

/* Bind the aggregates of one accumulator row from parameter `p` on, in
** the order of the table's columns (as prepare_item_update placed them). */
static void bind_stats(sqlite3_stmt *s, int p, const report_item_table *t, const char *row)
{
  for (size_t j = 0; j < t->nstats; j++, p++) {
    const report_stats_column *c = &t->stats[j];
    if (c->real) {
      double v;
      memcpy(&v, row + c->off, sizeof v);
      if (c->agg == REPORT_AGG_MAX) store_bind_real(s, p, v);
      else sqlite3_bind_double(s, p, v);
    } else {
      uint64_t v;
      memcpy(&v, row + c->off, sizeof v);
      sqlite3_bind_int64(s, p, (int64_t)v);
    }
  }
}

/* One UPDATE per item row of every item table. The (environment,
** component) cells in which nothing happened stay as they are. */
static int write_aggregates(report_store *st, int64_t run_id, report_error *err)
{
  for (size_t ti = 0; ti < REPORT_ITEM_NTABLES; ti++) {
    const report_item_table *t = &report_item_tables[ti];
    sqlite3_stmt *s = st->upd_stats[ti];
    size_t n;
    const char *acc = item_acc(st, ti, &n);
    if (!s) continue;
    int cells = ti == REPORT_ITEM_ENV_COMPONENTS;
    for (size_t i = 0; i < n; i++) {
      const char *row = acc + i * t->row_size;
      if (cells && st->eacc[i].trials == 0) continue;
      sqlite3_bind_int64(s, 1, run_id);
      if (cells) {
        sqlite3_bind_int64(s, 2, (int64_t)(i / st->n_comp));
        sqlite3_bind_int64(s, 3, (int64_t)(i % st->n_comp));
      } else {
        sqlite3_bind_int64(s, 2, (int64_t)i);
      }
      bind_stats(s, cells ? 4 : 3, t, row);
      char what[96];
      snprintf(what, sizeof what, "updating %s", t->stats_table);
      int rc = store_step_done(st, s, err, what);
      if (rc) return rc;
    }
  }
  return REPORT_OK;
}

/* Lifetime mode: the itemised disaster incidents, environment by
** environment (so the primary key grows at its right edge). */
static int insert_incidents(report_store *st, int64_t run_id, const model_scenario *sc,
                            uint64_t first, size_t n, report_error *err)
{
  sqlite3_stmt *s = st->ins_incident;
  if (!s) return REPORT_OK;
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 5, st->disaster_type, -1, SQLITE_STATIC);
  for (size_t e = 0; e < st->n_env; e++) {
    sqlite3_bind_text(s, 2, sc->environments[e].name, -1, SQLITE_STATIC);
    for (size_t i = 0; i < n; i++) {
      const model_trial_view *v = &st->views[i];
      if (!v->incidents) return REPORT_OK;
      int32_t k = v->env[e].disaster_incidents;
      if (k > MODEL_OUTCOME_MAX_INCIDENTS) k = MODEL_OUTCOME_MAX_INCIDENTS;
      for (int32_t j = 0; j < k; j++) {
        const model_incident_outcome *o = &v->incidents[e * MODEL_OUTCOME_MAX_INCIDENTS + (size_t)j];
        sqlite3_bind_int64(s, 3, (int64_t)(first + i));
        sqlite3_bind_int(s, 4, j);
        for (size_t c = 0; c < report_incident_ncolumns; c++) {
          const report_incident_column *col = &report_incident_columns[c];
          double x = report_incident_column_outcome(col, o);
          if (col->type != REPORT_COL_REAL) sqlite3_bind_int(s, 6 + (int)c, (int)x);
          else if (col->not_null) sqlite3_bind_double(s, 6 + (int)c, isfinite(x) ? x : 0.0);
          else store_bind_real(s, 6 + (int)c, x);
        }
        int rc = store_step_done(st, s, err, "storing incidents");
        if (rc) return rc;
      }
    }
  }
  return REPORT_OK;
}

/* The outcome of item i of item table ti in one trial's view. */
static const void *item_outcome(const model_trial_view *v, size_t ti, size_t i)
{
  switch (ti) {
  case REPORT_ITEM_STEPS: return &v->steps[i];
  case REPORT_ITEM_COMPONENTS: return &v->components[i];
  default: return &v->standby[i];
  }
}

/* --detail steps: one row per item and trial of each detail table, bound
** from the item's outcome through its column table; lifetime-only columns
** are NULL in disaster mode. */
static int insert_detail(report_store *st, int64_t run_id, uint64_t first, size_t n,
                         report_error *err)
{
  int lifetime = st->mode == MODEL_MODE_LIFETIME;
  for (size_t ti = 0; ti < REPORT_ITEM_NTABLES; ti++) {
    const report_item_table *t = &report_item_tables[ti];
    sqlite3_stmt *s = st->ins_detail[ti];
    size_t items;
    item_acc(st, ti, &items);
    if (!s) continue;
    char what[96];
    snprintf(what, sizeof what, "storing %s detail", t->detail_table);
    sqlite3_bind_int64(s, 1, run_id);
    for (size_t k = 0; k < items; k++) {
      sqlite3_bind_int64(s, 2, (int64_t)k);
      for (size_t i = 0; i < n; i++) {
        const void *o = item_outcome(&st->views[i], ti, k);
        int p = 4;
        sqlite3_bind_int64(s, 3, (int64_t)(first + i));
        for (size_t j = 0; j < t->ndetail; j++) {
          const report_detail_column *c = &t->detail[j];
          if (c->expr) continue;
          if (c->lifetime && !lifetime) sqlite3_bind_null(s, p);
          else if (c->type == REPORT_COL_REAL)
            store_bind_real(s, p, report_detail_column_outcome(c, o));
          else sqlite3_bind_int(s, p, (int)report_detail_column_outcome(c, o));
          p++;
        }
        int rc = store_step_done(st, s, err, what);
        if (rc) return rc;
      }
    }
  }
  return REPORT_OK;
}

int report_store_run_append(report_store *st, int64_t run_id,
                            const model_scenario *sc, uint64_t first_trial,
                            size_t n, const void *records, size_t record_size,
                            report_error *err)
{
  int rc;
  if ((rc = store_need_writable(st, err))) return rc;
  if (record_size != model_outcome_size(sc))
    return store_fail(st->path, err, REPORT_EINVAL, "record size %zu is not the "
                "scenario's %zu bytes", record_size, model_outcome_size(sc));
  if (n == 0) return REPORT_OK;
  if ((rc = load_dims(st, run_id, sc, err))) return rc;
  if ((rc = prepare_append(st, err))) return rc;
  if (n > st->views_cap) {
    model_trial_view *v = realloc(st->views, n * sizeof *v);
    if (!v) return store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
    st->views = v;
    st->views_cap = n;
  }
  /* model_outcome_view takes a writable record; we only read through it. */
  unsigned char *base = (unsigned char *)(uintptr_t)records;
  for (size_t i = 0; i < n; i++)
    st->views[i] = model_outcome_view(sc, base + i * record_size);

  if ((rc = store_step_done(st, st->begin, err, "starting a transaction"))) return rc;
  sqlite3_stmt *s = st->upd_done;
  sqlite3_bind_int64(s, 1, (int64_t)n);
  sqlite3_bind_int64(s, 2, run_id);
  sqlite3_bind_int64(s, 3, (int64_t)first_trial);
  if ((rc = store_step_done(st, s, err, "counting trials"))) goto rollback;
  if (sqlite3_changes(st->db) != 1) {
    rc = explain_order(st, run_id, first_trial, n, err);
    goto rollback;
  }
  if ((rc = insert_trials(st, run_id, sc, first_trial, n, err))) goto rollback;
  if (report_cc_append(st->db, run_id, sc, first_trial, n, st->views) != SQLITE_OK) {
    rc = store_db_fail(st, err, "storing common causes");
    goto rollback;
  }
  st->disaster_type = model_disaster_type_name(sc->disaster.type);
  if (st->mode == MODEL_MODE_LIFETIME &&
      (rc = insert_incidents(st, run_id, sc, first_trial, n, err)))
    goto rollback;
  if (st->detail == REPORT_DETAIL_STEPS &&
      (rc = insert_detail(st, run_id, first_trial, n, err)))
    goto rollback;
  accumulate(st, sc, n);
  if ((rc = write_aggregates(st, run_id, err))) goto rollback;
  if ((rc = store_step_done(st, st->commit, err, "committing trials"))) goto rollback;
  store_kept_add(st, run_id, sc, first_trial, n);
  return REPORT_OK;
rollback:
  /* A failed COMMIT may leave the transaction open; ROLLBACK also covers
  ** the case where SQLite already rolled back by itself (then it errs and
  ** we ignore that). */
  if (!sqlite3_get_autocommit(st->db)) {
    sqlite3_step(st->rollback);
    sqlite3_reset(st->rollback);
  }
  return rc;
}
