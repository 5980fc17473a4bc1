/*
** reports/store_schema.c — the results database's schema: the migrations
** that create it version by version, bringing an older database up to date
** in one transaction, the switch to WAL, and the schema version of an open
** store. Part of the store module (reports/store.h).
*/
#include "reports/store_internal.h"
#include "reports/columns.h"
#include "reports/common_causes.h"
#include "reports/costs.h"

#include <time.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

/* ------------------------------------------------------------ schema */

/* migrations[v] brings a database from schema version v to v + 1. Append a
** new string for every schema change; never edit an old one. A new
** per-trial column, or a column of a step / component / pool table, needs
** no string here: its line in report_trial_columns or report_item_tables
** (reports/columns.h) with since = the new version is its migration. */
static const char *const migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE runs ("
  " id INTEGER PRIMARY KEY,"
  " scenario_name TEXT NOT NULL,"
  " scenario_hash TEXT NOT NULL,"
  " scenario_text TEXT,"
  " overrides TEXT NOT NULL DEFAULT '',"
  " seed INTEGER NOT NULL,"
  " trials INTEGER NOT NULL,"
  " first_trial INTEGER NOT NULL DEFAULT 0,"
  " mode TEXT NOT NULL CHECK (mode IN ('disaster','lifetime')),"
  " horizon_s REAL,"
  " detail TEXT NOT NULL CHECK (detail IN ('summary','steps')),"
  " status TEXT NOT NULL CHECK (status IN ('running','complete','interrupted','failed')),"
  " started TEXT NOT NULL,"
  " finished TEXT,"
  " program_version TEXT NOT NULL,"
  " threads INTEGER NOT NULL,"
  " trials_done INTEGER NOT NULL DEFAULT 0,"
  " sweep_id INTEGER,"
  " point INTEGER);"
  "CREATE TABLE trials ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " environment TEXT NOT NULL,"
  " trial INTEGER NOT NULL,"
  " rto_s REAL,"
  " rpo_s REAL,"
  " recovered INTEGER NOT NULL,"
  " first_service_s REAL,"
  " full_capacity_s REAL,"
  " retries INTEGER NOT NULL,"
  " wallclock_s REAL,"
  " availability REAL,"
  " downtime_s REAL,"
  " incidents INTEGER,"
  " disasters INTEGER,"
  " PRIMARY KEY (run_id, environment, trial)) WITHOUT ROWID;"
  "CREATE TABLE run_environments ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " env_index INTEGER NOT NULL,"
  " environment TEXT NOT NULL,"
  " rto_objective_s REAL,"
  " rpo_objective_s REAL,"
  " availability_objective REAL,"
  " PRIMARY KEY (run_id, env_index));"
  "CREATE TABLE run_steps ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " step_index INTEGER NOT NULL,"
  " environment TEXT NOT NULL,"
  " name TEXT NOT NULL,"
  " manual INTEGER NOT NULL,"
  " standby TEXT,"
  " PRIMARY KEY (run_id, step_index));"
  "CREATE TABLE run_components ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " component_index INTEGER NOT NULL,"
  " name TEXT NOT NULL,"
  " environment TEXT,"
  " replication_mode TEXT NOT NULL,"
  " PRIMARY KEY (run_id, component_index));"
  "CREATE TABLE run_standby ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " pool_index INTEGER NOT NULL,"
  " name TEXT NOT NULL,"
  " environment TEXT,"
  " warm_nodes INTEGER NOT NULL,"
  " required_nodes INTEGER NOT NULL,"
  " service_nodes INTEGER NOT NULL,"
  " node_cost_per_hour REAL NOT NULL,"
  " PRIMARY KEY (run_id, pool_index));"
  "CREATE TABLE steps ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " step_index INTEGER NOT NULL,"
  " trial INTEGER NOT NULL,"
  " start_s REAL,"
  " end_s REAL,"
  " attempts INTEGER NOT NULL,"
  " failed INTEGER NOT NULL,"
  " critical INTEGER NOT NULL,"
  " off_hours INTEGER NOT NULL,"
  " PRIMARY KEY (run_id, step_index, trial)) WITHOUT ROWID;"
  "CREATE TABLE components ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " component_index INTEGER NOT NULL,"
  " trial INTEGER NOT NULL,"
  " rpo_s REAL,"
  " failover_s REAL,"
  " PRIMARY KEY (run_id, component_index, trial)) WITHOUT ROWID;"
  "CREATE TABLE standby_trials ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " pool_index INTEGER NOT NULL,"
  " trial INTEGER NOT NULL,"
  " first_service_s REAL,"
  " full_capacity_s REAL,"
  " nodes INTEGER NOT NULL,"
  " shortage INTEGER NOT NULL,"
  " PRIMARY KEY (run_id, pool_index, trial)) WITHOUT ROWID;"
  "CREATE TABLE step_stats ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " step_index INTEGER NOT NULL,"
  " n INTEGER NOT NULL DEFAULT 0,"
  " n_completed INTEGER NOT NULL DEFAULT 0,"
  " critical INTEGER NOT NULL DEFAULT 0,"
  " sum_duration_s REAL NOT NULL DEFAULT 0,"
  " sum_sq_duration_s REAL NOT NULL DEFAULT 0,"
  " attempts INTEGER NOT NULL DEFAULT 0,"
  " failures INTEGER NOT NULL DEFAULT 0,"
  " off_hours INTEGER NOT NULL DEFAULT 0,"
  " PRIMARY KEY (run_id, step_index));"
  "CREATE TABLE component_stats ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " component_index INTEGER NOT NULL,"
  " n INTEGER NOT NULL DEFAULT 0,"
  " sum_rpo_s REAL NOT NULL DEFAULT 0,"
  " max_rpo_s REAL,"
  " inf_rpo INTEGER NOT NULL DEFAULT 0,"
  " sets_env_rpo INTEGER NOT NULL DEFAULT 0,"
  " n_failover INTEGER NOT NULL DEFAULT 0,"
  " sum_failover_s REAL NOT NULL DEFAULT 0,"
  " max_failover_s REAL,"
  " PRIMARY KEY (run_id, component_index));"
  "CREATE TABLE standby_stats ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " pool_index INTEGER NOT NULL,"
  " n INTEGER NOT NULL DEFAULT 0,"
  " n_first_service INTEGER NOT NULL DEFAULT 0,"
  " sum_first_service_s REAL NOT NULL DEFAULT 0,"
  " n_full_capacity INTEGER NOT NULL DEFAULT 0,"
  " sum_full_capacity_s REAL NOT NULL DEFAULT 0,"
  " max_full_capacity_s REAL,"
  " nodes INTEGER NOT NULL DEFAULT 0,"
  " shortages INTEGER NOT NULL DEFAULT 0,"
  " PRIMARY KEY (run_id, pool_index));",
  /* 1 -> 2: lifetime-mode detail (downtime by cause, longest outage,
  ** component failures and the downtime they cause) and shard bookkeeping. */
  "ALTER TABLE runs ADD COLUMN total_trials INTEGER;"
  "ALTER TABLE runs ADD COLUMN shard TEXT;"
  "ALTER TABLE trials ADD COLUMN disaster_incidents INTEGER;"
  "ALTER TABLE trials ADD COLUMN component_incidents INTEGER;"
  "ALTER TABLE trials ADD COLUMN downtime_component_s REAL;"
  "ALTER TABLE trials ADD COLUMN downtime_disaster_s REAL;"
  "ALTER TABLE trials ADD COLUMN downtime_failback_s REAL;"
  "ALTER TABLE trials ADD COLUMN longest_outage_s REAL;"
  "ALTER TABLE components ADD COLUMN down_s REAL;"
  "ALTER TABLE components ADD COLUMN downtime_caused_s REAL;"
  "ALTER TABLE components ADD COLUMN failures INTEGER;"
  "ALTER TABLE components ADD COLUMN incidents_caused INTEGER;"
  "ALTER TABLE component_stats ADD COLUMN sum_down_s REAL NOT NULL DEFAULT 0;"
  "ALTER TABLE component_stats ADD COLUMN sum_downtime_caused_s REAL NOT NULL DEFAULT 0;"
  "ALTER TABLE component_stats ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE component_stats ADD COLUMN incidents_caused INTEGER NOT NULL DEFAULT 0;",
  /* 2 -> 3: lifetime-mode reporting. The run's disaster (the cause of its
  ** disaster incidents) and rate; each component's MTBF/MTTR targets (the
  ** means of its failure and repair distributions) and the second moments
  ** the intervals of its observed MTBF/MTTR need; each environment's
  ** disaster incidents itemised (at most MODEL_OUTCOME_MAX_INCIDENTS per
  ** trial, the rest counted in trials.disaster_incidents); and downtime by
  ** (environment, component) so shares of downtime by cause are exact. */
  "ALTER TABLE runs ADD COLUMN disaster TEXT;"
  "ALTER TABLE runs ADD COLUMN disaster_rate_per_s REAL;"
  "ALTER TABLE run_components ADD COLUMN mtbf_target_s REAL;"
  "ALTER TABLE run_components ADD COLUMN mttr_target_s REAL;"
  "ALTER TABLE component_stats ADD COLUMN sum_sq_down_s REAL NOT NULL DEFAULT 0;"
  "ALTER TABLE component_stats ADD COLUMN sum_sq_failures INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE component_stats ADD COLUMN sum_down_x_failures REAL NOT NULL DEFAULT 0;"
  "CREATE TABLE incidents ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " environment TEXT NOT NULL,"
  " trial INTEGER NOT NULL,"
  " incident INTEGER NOT NULL,"
  " cause TEXT NOT NULL,"
  " start_s REAL NOT NULL,"
  " rto_s REAL,"
  " rpo_s REAL,"
  " failback_s REAL,"
  " failed_over INTEGER NOT NULL,"
  " recovered INTEGER NOT NULL,"
  " PRIMARY KEY (run_id, environment, trial, incident)) WITHOUT ROWID;"
  "CREATE TABLE env_component_stats ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " env_index INTEGER NOT NULL,"
  " component_index INTEGER NOT NULL,"
  " trials INTEGER NOT NULL DEFAULT 0,"
  " sum_downtime_s REAL NOT NULL DEFAULT 0,"
  " sum_sq_downtime_s REAL NOT NULL DEFAULT 0,"
  " PRIMARY KEY (run_id, env_index, component_index));",
  /* 3 -> 4: whether the disaster touched the environment in the trial
  ** (models/outcome.h affected); NULL in older runs reads as affected. */
  "ALTER TABLE trials ADD COLUMN affected INTEGER;",
  /* 4 -> 5: what a run pins and who executes it. Each empirical `file:` the
  ** scenario read (name, SHA-256, size, and its content when small enough),
  ** so that --resume and merge refuse a changed file and --resume reads the
  ** stored copy, never whatever file the current directory holds; the
  ** scenario's folder; the process executing the run and its last commit
  ** (heartbeat), so that a second --resume is refused while it lives and a
  ** run left 'running' by a killed process shows as interrupted. */
  "ALTER TABLE runs ADD COLUMN scenario_dir TEXT;"
  "ALTER TABLE runs ADD COLUMN owner_pid INTEGER;"
  "ALTER TABLE runs ADD COLUMN owner_host TEXT;"
  "ALTER TABLE runs ADD COLUMN owner_ident TEXT;"
  "ALTER TABLE runs ADD COLUMN heartbeat TEXT;"
  "CREATE TABLE run_inputs ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " name TEXT NOT NULL,"
  " sha256 TEXT NOT NULL,"
  " size INTEGER NOT NULL,"
  " content BLOB,"
  " PRIMARY KEY (run_id, name));",
  /* 5 -> 6: what the run's disaster takes beyond the environments' own
  ** components (the DR capabilities in a lost standby region), for the
  ** reports; NULL when nothing. */
  "ALTER TABLE runs ADD COLUMN notes TEXT;",
  /* 6 -> 7: teams (scenarios/README.md `teams`): per step the time spent
  ** waiting for a member of its team (NULL: no team, or it never asked),
  ** and in the aggregates the trials it waited in and the sum. */
  "ALTER TABLE steps ADD COLUMN team_wait_s REAL;"
  "ALTER TABLE step_stats ADD COLUMN team_waits INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE step_stats ADD COLUMN sum_team_wait_s REAL NOT NULL DEFAULT 0;",
  /* 7 -> 8: the run's common causes and which occurred in each trial
  ** (reports/common_causes.h). */
  REPORT_CC_SCHEMA,
  /* 8 -> 9: costs (reports/costs.h): the run's cost terms; the trials'
  ** loss column comes from reports/columns.c. */
  REPORT_COSTS_SCHEMA
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* Read the single integer answer of a PRAGMA or query (0 when no row). */
int store_pragma_int(report_store *st, const char *sql, int64_t *v,
                      report_error *err)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
    return store_db_fail(st, err, "reading the database header");
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) *v = sqlite3_column_int64(s, 0);
  else if (rc == SQLITE_DONE) *v = 0;
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_db_fail(st, err, "reading the database header");
  return REPORT_OK;
}

/* ALTER TABLE table ADD COLUMN name decl. */
static int add_column(report_store *st, const char *table, const char *name,
                      const char *decl, report_error *err, const char *what)
{
  char sql[200];
  snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s %s", table, name, decl);
  return store_exec(st, sql, err, what);
}

/* The columns of the item tables (reports/columns.h report_item_tables)
** and of the incidents table (report_incident_columns) that schema version
** `to` adds: detail and incident columns nullable, sums NOT NULL DEFAULT 0,
** maxima nullable, dimensions nullable. */
static int add_item_columns(report_store *st, int to, report_error *err, const char *what)
{
  static const char *const dim_decl[] = {"TEXT", "INTEGER", "REAL", "INTEGER"};
  if (to <= REPORT_ITEM_COLUMNS_LITERAL_SCHEMA) return REPORT_OK;
  int rc = REPORT_OK;
  for (size_t ti = 0; ti < REPORT_ITEM_NTABLES && !rc; ti++) {
    const report_item_table *t = &report_item_tables[ti];
    for (size_t j = 0; j < t->ndims && !rc; j++)
      if (t->dims[j].since == to && t->dims_table)
        rc = add_column(st, t->dims_table, t->dims[j].name, dim_decl[t->dims[j].kind], err, what);
    for (size_t j = 0; j < t->nstats && !rc; j++) {
      const report_stats_column *c = &t->stats[j];
      if (c->since != to) continue;
      rc = add_column(st, t->stats_table, c->name,
                      c->agg == REPORT_AGG_MAX ? "REAL"
                      : c->real ? "REAL NOT NULL DEFAULT 0" : "INTEGER NOT NULL DEFAULT 0",
                      err, what);
    }
    for (size_t j = 0; j < t->ndetail && !rc; j++) {
      const report_detail_column *c = &t->detail[j];
      if (c->col.since != to || c->expr) continue;
      rc = add_column(st, t->detail_table, c->col.name,
                      c->type == REPORT_COL_REAL ? "REAL" : "INTEGER", err, what);
    }
  }
  for (size_t j = 0; j < report_incident_ncolumns && !rc; j++) {
    const report_incident_column *c = &report_incident_columns[j];
    if (c->col.since == to)
      rc = add_column(st, "incidents", c->col.name,
                      c->type == REPORT_COL_REAL ? "REAL" : "INTEGER", err, what);
  }
  return rc;
}

/* The trials columns of report_trial_columns that schema version `to`
** adds, when they are newer than the literal migrations above: one line
** in that table is the whole migration of a new per-trial column. */
static int add_trial_columns(report_store *st, int to, report_error *err, const char *what)
{
  if (to <= REPORT_TRIAL_COLUMNS_LITERAL_SCHEMA) return REPORT_OK;
  for (size_t c = 0; c < report_trial_ncolumns; c++) {
    const report_trial_column *col = &report_trial_columns[c];
    if (col->col.since != to) continue;
    int rc = add_column(st, "trials", col->col.name, col->sql_type, err, what);
    if (rc) return rc;
  }
  return add_item_columns(st, to, err, what);
}

/* Bring the schema from version `from` to the current one, in one
** transaction (rolled back on any failure, so a half-migrated database
** cannot exist). */
int store_migrate(report_store *st, report_error *err)
{
  int rc = store_exec(st, "BEGIN IMMEDIATE", err, "starting the schema migration");
  if (rc) return rc;
  int64_t version = 0, tables = 0;
  /* Re-read under the lock: another process may have migrated meanwhile. */
  if ((rc = store_pragma_int(st, "PRAGMA user_version", &version, err))) goto rollback;
  if (version >= REPORT_STORE_SCHEMA_VERSION) goto commit;
  if (version == 0) {
    if ((rc = store_pragma_int(st, "SELECT count(*) FROM sqlite_master", &tables, err)))
      goto rollback;
    if (tables > 0) {
      rc = store_fail(st->path, err, REPORT_ESCHEMA,
                "an SQLite database, but not a drsim one (it has tables and no "
                "drsim schema version); give --db a new file");
      goto rollback;
    }
  }
  for (int v = (int)version; v < REPORT_STORE_SCHEMA_VERSION; v++) {
    char what[64];
    snprintf(what, sizeof what, "migrating the schema to version %d", v + 1);
    if (v < N_MIGRATIONS && (rc = store_exec(st, migrations[v], err, what))) goto rollback;
    if ((rc = add_trial_columns(st, v + 1, err, what))) goto rollback;
  }
  {
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
             REPORT_STORE_SCHEMA_VERSION, STORE_APP_ID);
    if ((rc = store_exec(st, sql, err, "writing the schema version"))) goto rollback;
  }
commit:
  return store_exec(st, "COMMIT", err, "committing the schema migration");
rollback:
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/* PRAGMA journal_mode = WAL needs an exclusive lock, and SQLite answers
** SQLITE_BUSY for it at once, without the busy handler, while another
** connection holds a lock on the file (two drsim processes creating the same
** new database, say). Retry it until the busy timeout has passed. */
int store_switch_to_wal(report_store *st, report_error *err)
{
  for (int waited_ms = 0;; waited_ms += 10) {
    int rc = sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    if (rc == SQLITE_OK) return REPORT_OK;
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) break;
    if (waited_ms >= STORE_BUSY_MS) break;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return store_db_fail(st, err, "switching to WAL");
}

int report_store_schema_version(const report_store *st)
{
  return st->version;
}
