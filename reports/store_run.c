/*
** reports/store_run.c — a run's lifecycle in the results store: beginning
** a run (its row and the scenario's dimensions: environments, steps,
** components, pools, inputs), finishing it, reopening it for a resume under
** the ownership rules (a live owner elsewhere refuses), the prefix check and
** deleting a run. Part of the store module (reports/store.h).
*/
#include "reports/store_internal.h"
#include "drsim_version.h"   /* DRSIM_VERSION, generated at build time */

#include "models/dist.h"
#include "models/lint.h"
#include "reports/common_causes.h"
#include "reports/costs.h"

#ifndef DRSIM_VERSION
#define DRSIM_VERSION "unknown"
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

/* ------------------------------------------------------------ run begin */

/* The mean of a component's failure or repair distribution (its MTBF or
** MTTR target), or NAN when it has none. */
static double dist_target(const model_component *c, int repair)
{
  if (!c->has_failure) return NAN;
  return model_dist_mean(repair ? &c->repair : &c->failure);
}

static const char *env_name(const model_scenario *sc, int e)
{
  return e >= 0 && (size_t)e < sc->n_environments ? sc->environments[e].name : NULL;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *t)
{
  if (t) sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, i);
}



/* Run `sql` once per item: bind(s, id, i, ctx) binds item i's values. */
typedef void (*bind_item_fn)(sqlite3_stmt *s, int64_t id, size_t i, const model_scenario *sc);

static int insert_items(report_store *st, int64_t id, const model_scenario *sc,
                        const char *sql, size_t n, bind_item_fn bind, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = store_prep_once(st, sql, &s, err);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) {
    bind(s, id, i, sc);
    if (sqlite3_step(s) != SQLITE_DONE) {
      rc = store_db_fail(st, err, "writing the run's dimensions");
      break;
    }
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  return rc;
}

static void bind_environment(sqlite3_stmt *s, int64_t id, size_t e, const model_scenario *sc)
{
  const model_environment *env = &sc->environments[e];
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, (int64_t)e);
  sqlite3_bind_text(s, 3, env->name ? env->name : "", -1, SQLITE_STATIC);
  store_bind_real(s, 4, env->rto_s);            /* INFINITY (none) -> NULL */
  store_bind_real(s, 5, env->rpo_s);
  store_bind_real(s, 6, env->availability);     /* NAN (none) -> NULL */
}

/* Step k of the flattened steps (model_workflow.step_offset). */
static void bind_step(sqlite3_stmt *s, int64_t id, size_t k, const model_scenario *sc)
{
  size_t w = 0;
  while (w + 1 < sc->n_workflows && sc->workflows[w + 1].step_offset <= k) w++;
  const model_workflow *wf = &sc->workflows[w];
  const model_step *stp = &wf->steps[k - wf->step_offset];
  const char *pool = stp->standby >= 0 && (size_t)stp->standby < sc->n_standby
                     ? sc->standby[stp->standby].name : NULL;
  const char *en = env_name(sc, wf->environment);
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, (int64_t)k);
  sqlite3_bind_text(s, 3, en ? en : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, stp->name ? stp->name : "", -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 5, stp->manual != 0);
  bind_text_or_null(s, 6, pool);
}

static void bind_component(sqlite3_stmt *s, int64_t id, size_t c, const model_scenario *sc)
{
  const model_component *cp = &sc->components[c];
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, (int64_t)c);
  sqlite3_bind_text(s, 3, cp->name ? cp->name : "", -1, SQLITE_STATIC);
  bind_text_or_null(s, 4, env_name(sc, cp->environment));
  sqlite3_bind_text(s, 5, model_repl_mode_name(cp->replication.mode), -1, SQLITE_STATIC);
  store_bind_real(s, 6, dist_target(cp, 0));
  store_bind_real(s, 7, dist_target(cp, 1));
}

static void bind_pool(sqlite3_stmt *s, int64_t id, size_t p, const model_scenario *sc)
{
  const model_standby *sb = &sc->standby[p];
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, (int64_t)p);
  sqlite3_bind_text(s, 3, sb->name ? sb->name : "", -1, SQLITE_STATIC);
  bind_text_or_null(s, 4, env_name(sc, sb->environment));
  sqlite3_bind_int(s, 5, sb->warm_nodes);
  sqlite3_bind_int(s, 6, sb->required_nodes);
  sqlite3_bind_int(s, 7, sb->service_nodes);
  store_bind_real(s, 8, sb->node_cost_per_hour);
}

/* Lifetime mode: one downtime aggregate per environment and component
** that can fail (the others never cause downtime). */
static int write_env_component_cells(report_store *st, int64_t id, const model_scenario *sc,
                                     report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = store_prep_once(st, "INSERT INTO env_component_stats(run_id, env_index,"
                           " component_index) VALUES (?1,?2,?3)", &s, err);
  if (rc) return rc;
  for (size_t e = 0; e < sc->n_environments && !rc; e++)
    for (size_t c = 0; c < sc->n_components && !rc; c++) {
      if (!sc->components[c].has_failure) continue;
      sqlite3_bind_int64(s, 1, id);
      sqlite3_bind_int64(s, 2, (int64_t)e);
      sqlite3_bind_int64(s, 3, (int64_t)c);
      if (sqlite3_step(s) != SQLITE_DONE) rc = store_db_fail(st, err, "writing the run's dimensions");
      sqlite3_reset(s);
    }
  sqlite3_finalize(s);
  return rc;
}

/* The scenario's dimensions (environments, steps, components, pools) and
** their zeroed aggregates. */
static int write_dimensions(report_store *st, int64_t id, const model_scenario *sc,
                            report_error *err)
{
  int rc;
  if ((rc = insert_items(st, id, sc, "INSERT INTO run_environments VALUES (?1,?2,?3,?4,?5,?6)",
                         sc->n_environments, bind_environment, err)) ||
      (rc = insert_items(st, id, sc, "INSERT INTO run_steps VALUES (?1,?2,?3,?4,?5,?6)",
                         sc->n_steps_total, bind_step, err)) ||
      (rc = insert_items(st, id, sc, "INSERT INTO run_components(run_id, component_index, name,"
                         " environment, replication_mode, mtbf_target_s, mttr_target_s)"
                         " VALUES (?1,?2,?3,?4,?5,?6,?7)", sc->n_components, bind_component,
                         err)) ||
      (rc = insert_items(st, id, sc, "INSERT INTO run_standby VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                         sc->n_standby, bind_pool, err)))
    return rc;
  if (sc->mode == MODEL_MODE_LIFETIME && (rc = write_env_component_cells(st, id, sc, err)))
    return rc;
  if (report_cc_write_run(st->db, id, sc) != SQLITE_OK ||
      report_costs_write_run(st->db, id, sc) != SQLITE_OK)
    return store_db_fail(st, err, "writing the run's dimensions");

  /* Zeroed aggregates, so appends only ever UPDATE. */
  char sql[512];
  snprintf(sql, sizeof sql,
           "INSERT INTO step_stats(run_id, step_index) SELECT run_id, step_index "
           "FROM run_steps WHERE run_id = %lld;"
           "INSERT INTO component_stats(run_id, component_index) SELECT run_id, "
           "component_index FROM run_components WHERE run_id = %lld;"
           "INSERT INTO standby_stats(run_id, pool_index) SELECT run_id, pool_index "
           "FROM run_standby WHERE run_id = %lld;",
           (long long)id, (long long)id, (long long)id);
  return store_exec(st, sql, err, "creating the run's aggregates");
}

/* The run's overrides one per line, malloc'ed into *out; none may contain
** a newline. */
static int join_overrides(report_store *st, const report_run_info *info, char **out,
                          report_error *err)
{
  size_t len = 1;
  for (size_t i = 0; i < info->n_overrides; i++) {
    if (strchr(info->overrides[i], '\n'))
      return store_fail(st->path, err, REPORT_EINVAL,
                  "--set value '%s' contains a newline", info->overrides[i]);
    len += strlen(info->overrides[i]) + 1;
  }
  char *overrides = malloc(len);
  if (!overrides) return store_fail(st->path, err, REPORT_ENOMEM, "out of memory");
  overrides[0] = '\0';
  for (size_t i = 0, k = 0; i < info->n_overrides; i++) {
    size_t m = strlen(info->overrides[i]);
    memcpy(overrides + k, info->overrides[i], m);
    k += m;
    overrides[k++] = i + 1 < info->n_overrides ? '\n' : '\0';
  }
  *out = overrides;
  return REPORT_OK;
}

int report_store_run_begin(report_store *st, const report_run_info *info,
                           const model_scenario *sc, int64_t *run_id,
                           report_error *err)
{
  int rc;
  char *overrides = NULL;
  sqlite3_stmt *s = NULL;
  *run_id = 0;
  if ((rc = store_need_writable(st, err))) return rc;
  if ((rc = join_overrides(st, info, &overrides, err))) return rc;

  if ((rc = store_exec(st, "BEGIN IMMEDIATE", err, "starting a run"))) goto out;
  if ((rc = store_prep_once(st,
      "INSERT INTO runs(scenario_name, scenario_hash, scenario_text, overrides, "
      "seed, trials, first_trial, mode, horizon_s, detail, status, started, "
      "program_version, threads, trials_done, sweep_id, point, total_trials, shard,"
      " disaster, disaster_rate_per_s, scenario_dir, owner_pid, owner_host, owner_ident,"
      " heartbeat, notes)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,'running',"
      "strftime('%Y-%m-%dT%H:%M:%fZ','now'),?11,?12,0,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,"
      "strftime('%Y-%m-%dT%H:%M:%fZ','now'),?23)", &s, err)))
    goto rollback;
  sqlite3_bind_text(s, 1, sc->name ? sc->name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, sc->text_hash ? sc->text_hash : "", -1, SQLITE_STATIC);
  bind_text_or_null(s, 3, info->scenario_text);
  sqlite3_bind_text(s, 4, overrides, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, (int64_t)info->seed);
  sqlite3_bind_int64(s, 6, (int64_t)info->trials);
  sqlite3_bind_int64(s, 7, (int64_t)info->first_trial);
  sqlite3_bind_text(s, 8, sc->mode == MODEL_MODE_LIFETIME ? "lifetime" : "disaster",
                    -1, SQLITE_STATIC);
  if (sc->mode == MODEL_MODE_LIFETIME) store_bind_real(s, 9, sc->horizon_s);
  else sqlite3_bind_null(s, 9);
  sqlite3_bind_text(s, 10, info->detail == REPORT_DETAIL_STEPS ? "steps" : "summary",
                    -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 11, info->program_version ? info->program_version : DRSIM_VERSION,
                    -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 12, (int64_t)info->threads);
  if (info->sweep_id != 0) sqlite3_bind_int64(s, 13, info->sweep_id);
  else sqlite3_bind_null(s, 13);
  if (info->point >= 0) sqlite3_bind_int64(s, 14, info->point);
  else sqlite3_bind_null(s, 14);
  if (info->total_trials) sqlite3_bind_int64(s, 15, (int64_t)info->total_trials);
  else sqlite3_bind_null(s, 15);
  bind_text_or_null(s, 16, info->shard);
  char disaster[400];
  model_scenario_disaster_text(sc, disaster, sizeof disaster);
  sqlite3_bind_text(s, 17, disaster, -1, SQLITE_TRANSIENT);
  if (sc->mode == MODEL_MODE_LIFETIME) store_bind_real(s, 18, sc->disaster.rate_per_s);
  else sqlite3_bind_null(s, 18);
  bind_text_or_null(s, 19, info->scenario_dir);
  report_owner me;
  report_owner_self(&me);
  sqlite3_bind_int64(s, 20, me.pid);
  sqlite3_bind_text(s, 21, me.host, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 22, me.ident, -1, SQLITE_TRANSIENT);
  char *notes = model_lint_lost_capabilities(sc);
  bind_text_or_null(s, 23, notes);
  rc = store_step_once(st, s, err, "writing the run");
  free(notes);
  s = NULL;
  if (rc) goto rollback;
  int64_t id = sqlite3_last_insert_rowid(st->db);
  if ((rc = write_dimensions(st, id, sc, err))) goto rollback;
  for (size_t i = 0; i < sc->n_inputs; i++) {
    const model_input_file *in = &sc->inputs[i];
    if ((rc = store_prep_once(st, "INSERT INTO run_inputs(run_id, name, sha256, size, content)"
                        " VALUES (?1,?2,?3,?4,?5)", &s, err)))
      goto rollback;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, in->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, in->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (int64_t)in->size);
    if (in->size <= REPORT_STORE_INPUT_COPY_MAX)
      sqlite3_bind_blob(s, 5, in->content, (int)in->size, SQLITE_STATIC);
    else
      sqlite3_bind_null(s, 5);
    rc = store_step_once(st, s, err, "writing the run's input files");
    s = NULL;
    if (rc) goto rollback;
  }
  if ((rc = store_exec(st, "COMMIT", err, "committing the run"))) goto rollback;
  *run_id = id;
  goto out;
rollback:
  sqlite3_finalize(s);
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
out:
  free(overrides);
  return rc;
}

/* ------------------------------------------------------------ status */

static int update_status(report_store *st, int64_t run_id, const char *sql,
                         const char *status, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc;
  if ((rc = store_need_writable(st, err))) return rc;
  if ((rc = store_prep_once(st, sql, &s, err))) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  if (status) sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
  if ((rc = store_step_once(st, s, err, "updating the run's status"))) return rc;
  if (sqlite3_changes(st->db) == 0)
    return store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
  return REPORT_OK;
}

int report_store_run_finish(report_store *st, int64_t run_id,
                            report_run_status status, report_error *err)
{
  if (status != REPORT_RUN_COMPLETE && status != REPORT_RUN_INTERRUPTED &&
      status != REPORT_RUN_FAILED)
    return store_fail(st->path, err, REPORT_EINVAL, "a run can only finish as complete, "
                "interrupted or failed");
  return update_status(st, run_id,
                       "UPDATE runs SET status = ?2, owner_pid = NULL, finished = "
                       "strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
                       report_store_status_name(status), err);
}

/* The owner of run_id as stored, and whether it is alive. REPORT_OK, or
** REPORT_ENOTFOUND. */
static int run_owner(report_store *st, int64_t run_id, report_owner *o, int *running,
                     int *alive, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = store_prep_once(st, "SELECT status, owner_pid, owner_host, owner_ident,"
                     " (julianday('now') - julianday(heartbeat)) * 86400.0"
                     " FROM runs WHERE id = ?1", &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  int step = sqlite3_step(s);
  memset(o, 0, sizeof *o);
  *running = *alive = 0;
  if (step == SQLITE_ROW) {
    const char *status = (const char *)sqlite3_column_text(s, 0);
    *running = status && strcmp(status, "running") == 0;
    o->pid = sqlite3_column_int64(s, 1);
    const char *h = (const char *)sqlite3_column_text(s, 2);
    const char *id = (const char *)sqlite3_column_text(s, 3);
    snprintf(o->host, sizeof o->host, "%s", h ? h : "");
    snprintf(o->ident, sizeof o->ident, "%s", id ? id : "");
    double age = sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : sqlite3_column_double(s, 4);
    *alive = *running && report_owner_alive(o, age);
    rc = REPORT_OK;
  } else if (step == SQLITE_DONE) {
    rc = store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
  } else {
    rc = store_db_fail(st, err, "reading a run's owner");
  }
  sqlite3_finalize(s);
  return rc;
}

static int busy(report_store *st, int64_t run_id, const report_owner *o, report_error *err)
{
  return store_fail(st->path, err, REPORT_EBUSY, "run %lld is being executed by process %lld%s%s; "
              "wait for it to finish (or stop it: Ctrl-C keeps its trials)",
              (long long)run_id, (long long)o->pid, o->host[0] ? " on " : "", o->host);
}

int report_store_run_reopen(report_store *st, int64_t run_id, report_error *err)
{
  int rc;
  if ((rc = store_need_writable(st, err))) return rc;
  report_owner o, me;
  int running, alive;
  report_owner_self(&me);
  /* First without a lock (a live owner may hold the write lock for a
  ** while, or be stopped inside a transaction), then again under it. */
  if ((rc = run_owner(st, run_id, &o, &running, &alive, err))) return rc;
  if (alive && !(o.pid == me.pid && !strcmp(o.host, me.host))) return busy(st, run_id, &o, err);
  if ((rc = store_exec(st, "BEGIN IMMEDIATE", err, "claiming the run"))) return rc;
  if ((rc = run_owner(st, run_id, &o, &running, &alive, err))) goto rollback;
  if (alive && !(o.pid == me.pid && !strcmp(o.host, me.host))) {
    rc = busy(st, run_id, &o, err);
    goto rollback;
  }
  sqlite3_stmt *s = NULL;
  if ((rc = store_prep_once(st, "UPDATE runs SET status = 'running', finished = NULL, owner_pid = ?2,"
                      " owner_host = ?3, owner_ident = ?4,"
                      " heartbeat = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
                      &s, err)))
    goto rollback;
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_int64(s, 2, me.pid);
  sqlite3_bind_text(s, 3, me.host, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 4, me.ident, -1, SQLITE_TRANSIENT);
  if ((rc = store_step_once(st, s, err, "claiming the run"))) goto rollback;
  return store_exec(st, "COMMIT", err, "claiming the run");
rollback:
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int report_store_run_prefix(report_store *st, int64_t run_id, int *is_prefix,
                            report_error *err)
{
  *is_prefix = 1;
  sqlite3_stmt *s = NULL;
  int rc = store_prep_once(st, "SELECT r.first_trial, r.trials_done,"
                     " (SELECT count(*) FROM trials t WHERE t.run_id = r.id"
                     "   AND t.environment = e.environment),"
                     " (SELECT max(trial) FROM trials t WHERE t.run_id = r.id"
                     "   AND t.environment = e.environment)"
                     " FROM runs r LEFT JOIN run_environments e"
                     " ON e.run_id = r.id AND e.env_index = 0 WHERE r.id = ?1", &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  int step = sqlite3_step(s);
  if (step == SQLITE_ROW) {
    int64_t first = sqlite3_column_int64(s, 0), done = sqlite3_column_int64(s, 1);
    int64_t count = sqlite3_column_int64(s, 2);
    if (count != done) *is_prefix = 0;
    else if (done > 0 && sqlite3_column_int64(s, 3) != first + done - 1) *is_prefix = 0;
  } else if (step == SQLITE_DONE) {
    rc = store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
  } else {
    rc = store_db_fail(st, err, "reading a run's trials");
  }
  sqlite3_finalize(s);
  return rc;
}

int report_store_run_delete(report_store *st, int64_t run_id, report_error *err)
{
  int rc;
  if ((rc = store_need_writable(st, err))) return rc;
  static const char *const tables[] = {
    "trials", "steps", "components", "standby_trials", "step_stats",
    "component_stats", "standby_stats", "run_environments", "run_steps",
    "run_components", "run_standby", "incidents", "env_component_stats", "run_inputs",
    "run_common_causes", "common_cause_trials", "run_costs", "run_cost_items"};
  {
    /* Checked before taking the lock too: a live owner may hold it. */
    report_owner o;
    int running, alive;
    if ((rc = run_owner(st, run_id, &o, &running, &alive, err))) return rc;
    if (alive) return busy(st, run_id, &o, err);
  }
  if ((rc = store_exec(st, "BEGIN IMMEDIATE", err, "deleting a run"))) return rc;
  {
    report_owner o;
    int running, alive;
    if ((rc = run_owner(st, run_id, &o, &running, &alive, err))) goto rollback;
    if (alive) {
      rc = busy(st, run_id, &o, err);
      goto rollback;
    }
  }
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE run_id = %lld", tables[i],
             (long long)run_id);
    if ((rc = store_exec(st, sql, err, "deleting a run"))) goto rollback;
  }
  {
    char sql[64];
    snprintf(sql, sizeof sql, "DELETE FROM runs WHERE id = %lld", (long long)run_id);
    if ((rc = store_exec(st, sql, err, "deleting a run"))) goto rollback;
  }
  if (sqlite3_changes(st->db) == 0) {
    rc = store_fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
    goto rollback;
  }
  if (st->dims_run == run_id) st->dims_run = -1;
  return store_exec(st, "COMMIT", err, "deleting a run");
rollback:
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}
