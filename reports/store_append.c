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

static int prepare_append(report_store *st, report_error *err)
{
  int rc;
  if ((rc = store_prepare(st, &st->begin, "BEGIN IMMEDIATE", err))) return rc;
  if ((rc = store_prepare(st, &st->commit, "COMMIT", err))) return rc;
  if ((rc = store_prepare(st, &st->rollback, "ROLLBACK", err))) return rc;
  if ((rc = store_prepare(st, &st->ins_step,
      "INSERT INTO steps(run_id, step_index, trial, start_s, end_s, attempts,"
      " failed, critical, off_hours, team_wait_s)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)", err)))
    return rc;
  if ((rc = store_prepare(st, &st->ins_comp,
      "INSERT INTO components(run_id, component_index, trial, rpo_s, failover_s,"
      " down_s, downtime_caused_s, failures, incidents_caused)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)", err)))
    return rc;
  if ((rc = store_prepare(st, &st->ins_standby,
      "INSERT INTO standby_trials(run_id, pool_index, trial, first_service_s,"
      " full_capacity_s, nodes, shortage) VALUES (?1,?2,?3,?4,?5,?6,?7)", err)))
    return rc;
  if (st->version >= 3 && (rc = store_prepare(st, &st->ins_incident,
      "INSERT INTO incidents(run_id, environment, trial, incident, cause, start_s,"
      " rto_s, rpo_s, failback_s, failed_over, recovered)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)", err)))
    return rc;
  if (st->version >= 3 && (rc = store_prepare(st, &st->upd_cause,
      "UPDATE env_component_stats SET trials = trials + ?4,"
      " sum_downtime_s = sum_downtime_s + ?5, sum_sq_downtime_s = sum_sq_downtime_s + ?6"
      " WHERE run_id = ?1 AND env_index = ?2 AND component_index = ?3", err)))
    return rc;
  if ((rc = store_prepare(st, &st->upd_done,
      "UPDATE runs SET trials_done = trials_done + ?1,"
      " heartbeat = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?2"
      " AND status = 'running' AND first_trial + trials_done = ?3"
      " AND trials_done + ?1 <= trials", err)))
    return rc;
  if ((rc = store_prepare(st, &st->upd_step,
      "UPDATE step_stats SET n = n + ?3, n_completed = n_completed + ?4,"
      " critical = critical + ?5, sum_duration_s = sum_duration_s + ?6,"
      " sum_sq_duration_s = sum_sq_duration_s + ?7, attempts = attempts + ?8,"
      " failures = failures + ?9, off_hours = off_hours + ?10,"
      " team_waits = team_waits + ?11, sum_team_wait_s = sum_team_wait_s + ?12"
      " WHERE run_id = ?1 AND step_index = ?2", err)))
    return rc;
  /* max(coalesce(a, b), coalesce(b, a)): the larger of the two, ignoring a
  ** NULL side (SQLite's scalar max() returns NULL if any argument is). */
  if ((rc = store_prepare(st, &st->upd_comp,
      "UPDATE component_stats SET n = n + ?3, sum_rpo_s = sum_rpo_s + ?4,"
      " max_rpo_s = max(coalesce(max_rpo_s, ?5), coalesce(?5, max_rpo_s)),"
      " inf_rpo = inf_rpo + ?6, sets_env_rpo = sets_env_rpo + ?7,"
      " n_failover = n_failover + ?8, sum_failover_s = sum_failover_s + ?9,"
      " max_failover_s = max(coalesce(max_failover_s, ?10), coalesce(?10, max_failover_s)),"
      " sum_down_s = sum_down_s + ?11,"
      " sum_downtime_caused_s = sum_downtime_caused_s + ?12,"
      " failures = failures + ?13, incidents_caused = incidents_caused + ?14,"
      " sum_sq_down_s = sum_sq_down_s + ?15, sum_sq_failures = sum_sq_failures + ?16,"
      " sum_down_x_failures = sum_down_x_failures + ?17"
      " WHERE run_id = ?1 AND component_index = ?2", err)))
    return rc;
  if ((rc = store_prepare(st, &st->upd_standby,
      "UPDATE standby_stats SET n = n + ?3, n_first_service = n_first_service + ?4,"
      " sum_first_service_s = sum_first_service_s + ?5,"
      " n_full_capacity = n_full_capacity + ?6,"
      " sum_full_capacity_s = sum_full_capacity_s + ?7,"
      " max_full_capacity_s = max(coalesce(max_full_capacity_s, ?8),"
      " coalesce(?8, max_full_capacity_s)),"
      " nodes = nodes + ?9, shortages = shortages + ?10"
      " WHERE run_id = ?1 AND pool_index = ?2", err)))
    return rc;
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

static void accumulate(report_store *st, const model_scenario *sc, size_t n)
{
  memset(st->sacc, 0, (st->n_steps ? st->n_steps : 1) * sizeof *st->sacc);
  memset(st->cacc, 0, (st->n_comp ? st->n_comp : 1) * sizeof *st->cacc);
  memset(st->pacc, 0, (st->n_standby ? st->n_standby : 1) * sizeof *st->pacc);
  size_t cells = st->mode == MODEL_MODE_LIFETIME ? st->n_env * st->n_comp : 0;
  memset(st->eacc, 0, (cells ? cells : 1) * sizeof *st->eacc);
  for (size_t i = 0; i < n && cells; i++) {
    const double *x = st->views[i].env_component_downtime_s;
    if (!x) break;
    for (size_t k = 0; k < cells; k++) {
      if (!(x[k] > 0)) continue;   /* zero (and a stray NaN) adds nothing */
      cause_acc *a = &st->eacc[k];
      a->trials++;
      a->sum += x[k];
      a->sum_sq += x[k] * x[k];
    }
  }
  for (size_t c = 0; c < st->n_comp; c++) {
    st->cacc[c].max_rpo = NAN;
    st->cacc[c].max_failover = NAN;
  }
  for (size_t p = 0; p < st->n_standby; p++) st->pacc[p].max_full = NAN;
  for (size_t i = 0; i < n; i++) {
    const model_trial_view *v = &st->views[i];
    for (size_t j = 0; j < st->n_steps; j++) {
      const model_step_outcome *o = &v->steps[j];
      step_acc *a = &st->sacc[j];
      a->n++;
      a->critical += o->critical != 0;
      a->attempts += o->attempts;
      a->failures += o->failed != 0;
      a->off_hours += o->off_hours != 0;
      if (isfinite(o->team_wait_s)) {
        a->team_waits++;
        a->sum_team_wait += o->team_wait_s;
      }
      if (!o->failed && isfinite(o->start_s) && isfinite(o->end_s)) {
        double d = o->end_s - o->start_s;
        a->n_completed++;
        a->sum += d;
        a->sum_sq += d * d;
      }
    }
    for (size_t c = 0; c < st->n_comp; c++) {
      const model_component_outcome *o = &v->components[c];
      comp_acc *a = &st->cacc[c];
      double r = o->rpo_s;
      if (isfinite(r)) {
        a->n_rpo++;
        a->sum_rpo += r;
        if (!(r <= a->max_rpo)) a->max_rpo = r;   /* also replaces NAN */
      } else if (isinf(r)) {
        a->inf_rpo++;
      }
      if (!isnan(r) && r > 0) {
        int e = sc->components[c].environment;
        int sets = 0;
        if (e >= 0 && (size_t)e < st->n_env) sets = r == v->env[e].rpo_s;
        else
          for (size_t k = 0; k < st->n_env && !sets; k++) sets = r == v->env[k].rpo_s;
        a->sets += sets;
      }
      double down = isfinite(o->down_s) ? o->down_s : 0.0;
      a->sum_down += down;
      a->sum_sq_down += down * down;
      a->sum_down_failures += down * (double)o->failures;
      a->sum_sq_failures += (int64_t)o->failures * o->failures;
      a->sum_caused += isfinite(o->downtime_caused_s) ? o->downtime_caused_s : 0.0;
      a->failures += o->failures;
      a->incidents_caused += o->incidents_caused;
      if (isfinite(o->failover_s)) {
        a->n_failover++;
        a->sum_failover += o->failover_s;
        if (!(o->failover_s <= a->max_failover)) a->max_failover = o->failover_s;
      }
    }
    for (size_t p = 0; p < st->n_standby; p++) {
      const model_standby_outcome *o = &v->standby[p];
      standby_acc *a = &st->pacc[p];
      a->n++;
      if (isfinite(o->first_service_s)) { a->n_first++; a->sum_first += o->first_service_s; }
      if (isfinite(o->full_capacity_s)) {
        a->n_full++;
        a->sum_full += o->full_capacity_s;
        if (!(o->full_capacity_s <= a->max_full)) a->max_full = o->full_capacity_s;
      }
      a->nodes += o->nodes_provisioned;
      a->shortages += o->shortage != 0;
    }
  }
}

static int write_aggregates(report_store *st, int64_t run_id, report_error *err)
{
  int rc;
  for (size_t j = 0; j < st->n_steps; j++) {
    const step_acc *a = &st->sacc[j];
    sqlite3_stmt *s = st->upd_step;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, (int64_t)j);
    sqlite3_bind_int64(s, 3, a->n);
    sqlite3_bind_int64(s, 4, a->n_completed);
    sqlite3_bind_int64(s, 5, a->critical);
    sqlite3_bind_double(s, 6, a->sum);
    sqlite3_bind_double(s, 7, a->sum_sq);
    sqlite3_bind_int64(s, 8, a->attempts);
    sqlite3_bind_int64(s, 9, a->failures);
    sqlite3_bind_int64(s, 10, a->off_hours);
    sqlite3_bind_int64(s, 11, a->team_waits);
    sqlite3_bind_double(s, 12, a->sum_team_wait);
    if ((rc = store_step_done(st, s, err, "updating step aggregates"))) return rc;
  }
  for (size_t c = 0; c < st->n_comp; c++) {
    const comp_acc *a = &st->cacc[c];
    sqlite3_stmt *s = st->upd_comp;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, (int64_t)c);
    sqlite3_bind_int64(s, 3, a->n_rpo);
    sqlite3_bind_double(s, 4, a->sum_rpo);
    store_bind_real(s, 5, a->max_rpo);
    sqlite3_bind_int64(s, 6, a->inf_rpo);
    sqlite3_bind_int64(s, 7, a->sets);
    sqlite3_bind_int64(s, 8, a->n_failover);
    sqlite3_bind_double(s, 9, a->sum_failover);
    store_bind_real(s, 10, a->max_failover);
    sqlite3_bind_double(s, 11, a->sum_down);
    sqlite3_bind_double(s, 12, a->sum_caused);
    sqlite3_bind_int64(s, 13, a->failures);
    sqlite3_bind_int64(s, 14, a->incidents_caused);
    sqlite3_bind_double(s, 15, a->sum_sq_down);
    sqlite3_bind_int64(s, 16, a->sum_sq_failures);
    sqlite3_bind_double(s, 17, a->sum_down_failures);
    if ((rc = store_step_done(st, s, err, "updating component aggregates"))) return rc;
  }
  size_t cells = st->mode == MODEL_MODE_LIFETIME && st->upd_cause ? st->n_env * st->n_comp : 0;
  for (size_t k = 0; k < cells; k++) {
    const cause_acc *a = &st->eacc[k];
    if (a->trials == 0) continue;   /* the row stays as it is */
    sqlite3_stmt *s = st->upd_cause;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, (int64_t)(k / st->n_comp));
    sqlite3_bind_int64(s, 3, (int64_t)(k % st->n_comp));
    sqlite3_bind_int64(s, 4, a->trials);
    sqlite3_bind_double(s, 5, a->sum);
    sqlite3_bind_double(s, 6, a->sum_sq);
    if ((rc = store_step_done(st, s, err, "updating downtime-by-cause aggregates"))) return rc;
  }
  for (size_t p = 0; p < st->n_standby; p++) {
    const standby_acc *a = &st->pacc[p];
    sqlite3_stmt *s = st->upd_standby;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, (int64_t)p);
    sqlite3_bind_int64(s, 3, a->n);
    sqlite3_bind_int64(s, 4, a->n_first);
    sqlite3_bind_double(s, 5, a->sum_first);
    sqlite3_bind_int64(s, 6, a->n_full);
    sqlite3_bind_double(s, 7, a->sum_full);
    store_bind_real(s, 8, a->max_full);
    sqlite3_bind_int64(s, 9, a->nodes);
    sqlite3_bind_int64(s, 10, a->shortages);
    if ((rc = store_step_done(st, s, err, "updating standby aggregates"))) return rc;
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
        sqlite3_bind_double(s, 6, isfinite(o->start_s) ? o->start_s : 0.0);
        store_bind_real(s, 7, o->rto_s);
        store_bind_real(s, 8, o->rpo_s);
        store_bind_real(s, 9, o->failback_s);
        sqlite3_bind_int(s, 10, o->failed_over != 0);
        sqlite3_bind_int(s, 11, o->recovered != 0);
        int rc = store_step_done(st, s, err, "storing incidents");
        if (rc) return rc;
      }
    }
  }
  return REPORT_OK;
}

static int insert_detail(report_store *st, int64_t run_id, uint64_t first, size_t n,
                         report_error *err)
{
  int rc;
  sqlite3_stmt *s = st->ins_step;
  sqlite3_bind_int64(s, 1, run_id);
  for (size_t j = 0; j < st->n_steps; j++) {
    sqlite3_bind_int64(s, 2, (int64_t)j);
    for (size_t i = 0; i < n; i++) {
      const model_step_outcome *o = &st->views[i].steps[j];
      sqlite3_bind_int64(s, 3, (int64_t)(first + i));
      store_bind_real(s, 4, o->start_s);
      store_bind_real(s, 5, o->end_s);
      sqlite3_bind_int(s, 6, o->attempts);
      sqlite3_bind_int(s, 7, o->failed != 0);
      sqlite3_bind_int(s, 8, o->critical != 0);
      sqlite3_bind_int(s, 9, o->off_hours != 0);
      store_bind_real(s, 10, o->team_wait_s);
      if ((rc = store_step_done(st, s, err, "storing step detail"))) return rc;
    }
  }
  s = st->ins_comp;
  sqlite3_bind_int64(s, 1, run_id);
  for (size_t c = 0; c < st->n_comp; c++) {
    sqlite3_bind_int64(s, 2, (int64_t)c);
    for (size_t i = 0; i < n; i++) {
      const model_component_outcome *o = &st->views[i].components[c];
      sqlite3_bind_int64(s, 3, (int64_t)(first + i));
      store_bind_real(s, 4, o->rpo_s);
      store_bind_real(s, 5, o->failover_s);
      if (st->mode == MODEL_MODE_LIFETIME) {
        store_bind_real(s, 6, o->down_s);
        store_bind_real(s, 7, o->downtime_caused_s);
        sqlite3_bind_int(s, 8, o->failures);
        sqlite3_bind_int(s, 9, o->incidents_caused);
      } else {
        for (int k = 6; k <= 9; k++) sqlite3_bind_null(s, k);
      }
      if ((rc = store_step_done(st, s, err, "storing component detail"))) return rc;
    }
  }
  s = st->ins_standby;
  sqlite3_bind_int64(s, 1, run_id);
  for (size_t p = 0; p < st->n_standby; p++) {
    sqlite3_bind_int64(s, 2, (int64_t)p);
    for (size_t i = 0; i < n; i++) {
      const model_standby_outcome *o = &st->views[i].standby[p];
      sqlite3_bind_int64(s, 3, (int64_t)(first + i));
      store_bind_real(s, 4, o->first_service_s);
      store_bind_real(s, 5, o->full_capacity_s);
      sqlite3_bind_int(s, 6, o->nodes_provisioned);
      sqlite3_bind_int(s, 7, o->shortage != 0);
      if ((rc = store_step_done(st, s, err, "storing standby detail"))) return rc;
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
