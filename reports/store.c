/*
** reports/store.c — the SQLite results store (contract in reports/store.h).
**
** Speed: the runner's sink calls report_store_run_append with thousands of
** trials; each call is one transaction with prepared statements bound by
** index and reset, rows inserted environment by environment so that each
** WITHOUT ROWID primary-key b-tree grows at its right edge (the trials rows
** 64 to a multi-row INSERT, see insert_trials), and the
** aggregates summed in C and written with one UPDATE per step / component /
** pool. Durability: WAL + synchronous=NORMAL (crash-safe, see the header);
** never synchronous=OFF or an in-memory journal.
*/
#include "reports/store.h"
#include "drsim_version.h"   /* DRSIM_VERSION, generated at build time */
#include "models/lint.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "models/dist.h"
#include "models/lint.h"
#include "models/outcome.h"

#ifndef DRSIM_VERSION
#define DRSIM_VERSION "unknown"
#endif

/* PRAGMA application_id of a drsim database: "drsm" in ASCII. */
#define STORE_APP_ID 0x6472736d
#define STORE_BUSY_MS 5000

/* Aggregates of one append, summed in C before one UPDATE per row. */
typedef struct step_acc {
  int64_t n, n_completed, critical, attempts, failures, off_hours;
  double sum, sum_sq;
} step_acc;

typedef struct comp_acc {
  int64_t n_rpo, inf_rpo, sets, n_failover, failures, incidents_caused, sum_sq_failures;
  double sum_rpo, max_rpo, sum_failover, max_failover, sum_down, sum_caused;
  double sum_sq_down, sum_down_failures;
} comp_acc;

/* Downtime of one environment caused by one component, over an append. */
typedef struct cause_acc {
  int64_t trials;
  double sum, sum_sq;
} cause_acc;

typedef struct standby_acc {
  int64_t n, n_first, n_full, nodes, shortages;
  double sum_first, sum_full, max_full;
} standby_acc;

struct report_store {
  sqlite3 *db;
  char *path;
  int readonly;
  int version;              /* schema version of the open database */
  /* Prepared on first use by the append path. */
  sqlite3_stmt *begin, *commit, *rollback;
  sqlite3_stmt *ins_trial, *ins_step, *ins_comp, *ins_standby, *ins_incident;
  sqlite3_stmt *upd_done, *upd_step, *upd_comp, *upd_standby, *upd_cause;
  /* Multi-row INSERT INTO trials, [0] disaster mode, [1] lifetime mode, of
  ** trial_block_rows[mode] rows each (see insert_trials). */
  sqlite3_stmt *ins_trial_block[2];
  size_t trial_block_rows[2];
  /* Dimensions of the run last appended to (checked once per run). */
  int64_t dims_run;
  size_t n_env, n_steps, n_comp, n_standby;
  report_detail detail;
  model_mode mode;
  const char *disaster_type;  /* cause of the run's disaster incidents (static) */
  /* Scratch, grown as needed. */
  step_acc *sacc;
  comp_acc *cacc;
  standby_acc *pacc;
  cause_acc *eacc;          /* [n_env x n_comp], lifetime mode */
  model_trial_view *views;
  size_t views_cap;
};

/* ---------------------------------------------------------------- errors */

const char *report_store_strerror(int status)
{
  switch (status) {
  case REPORT_OK: return "success";
  case REPORT_EIO: return "I/O or database error";
  case REPORT_ESCHEMA: return "not a drsim results database of a known version";
  case REPORT_ENOTFOUND: return "no such run";
  case REPORT_EINVAL: return "invalid argument";
  case REPORT_ENOMEM: return "out of memory";
  case REPORT_EBUSY: return "run in progress in another process";
  case REPORT_EINTR: return "interrupted";
  default: return "unknown status";
  }
}

const char *report_store_status_name(report_run_status s)
{
  switch (s) {
  case REPORT_RUN_RUNNING: return "running";
  case REPORT_RUN_COMPLETE: return "complete";
  case REPORT_RUN_INTERRUPTED: return "interrupted";
  case REPORT_RUN_FAILED: return "failed";
  }
  return "unknown";
}

const char *report_store_run_state(const report_run *r)
{
  if (r->status == REPORT_RUN_RUNNING && !r->live) return "interrupted";
  return report_store_status_name(r->status);
}

static report_run_status status_from_name(const char *s)
{
  if (s && strcmp(s, "complete") == 0) return REPORT_RUN_COMPLETE;
  if (s && strcmp(s, "interrupted") == 0) return REPORT_RUN_INTERRUPTED;
  if (s && strcmp(s, "failed") == 0) return REPORT_RUN_FAILED;
  return REPORT_RUN_RUNNING;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(const char *path, report_error *err, int status,
                const char *fmt, ...)
{
  if (err) {
    int k = snprintf(err->text, sizeof err->text, "%s: ", path ? path : "(no path)");
    if (k < 0 || (size_t)k >= sizeof err->text) k = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text + k, sizeof err->text - (size_t)k, fmt, ap);
    va_end(ap);
  }
  return status;
}

/* Map the connection's last SQLite error to a status and message. */
static int db_fail(report_store *st, report_error *err, const char *what)
{
  int code = sqlite3_errcode(st->db) & 0xff;
  int status = REPORT_EIO;
  const char *hint = "";
  if (code == SQLITE_NOMEM) status = REPORT_ENOMEM;
  else if (code == SQLITE_NOTADB) {
    status = REPORT_ESCHEMA;
    hint = "; give --db a drsim results file or a new path";
  } else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    hint = "; another drsim process is writing to it, retry when it is done";
  else if (code == SQLITE_READONLY)
    hint = "; the file or its directory is not writable";
  else if (code == SQLITE_FULL)
    hint = "; the disk is full";
  return fail(st->path, err, status, "%s: %s%s", what, sqlite3_errmsg(st->db), hint);
}

/* ------------------------------------------------------------ helpers */

static char *dupstr(const char *s)
{
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static int prepare(report_store *st, sqlite3_stmt **stmt, const char *sql,
                   report_error *err)
{
  if (*stmt) return REPORT_OK;
  if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL)
      != SQLITE_OK) {
    *stmt = NULL;
    return db_fail(st, err, "preparing a statement");
  }
  return REPORT_OK;
}

/* Run one statement that returns no rows (or whose rows are ignored). */
static int exec(report_store *st, const char *sql, report_error *err,
                const char *what)
{
  char *msg = NULL;
  if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    sqlite3_free(msg);
    return db_fail(st, err, what);
  }
  return REPORT_OK;
}

/* Step a prepared statement that returns no rows, then reset it. */
static int step_done(report_store *st, sqlite3_stmt *s, report_error *err,
                     const char *what)
{
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return db_fail(st, err, what);
  return REPORT_OK;
}

/* Bind a double, storing non-finite values as NULL (see the header). */
static void bind_real(sqlite3_stmt *s, int i, double v)
{
  if (isfinite(v)) sqlite3_bind_double(s, i, v);
  else sqlite3_bind_null(s, i);
}

static double col_real(sqlite3_stmt *s, int i, double null_value)
{
  return sqlite3_column_type(s, i) == SQLITE_NULL ? null_value
                                                   : sqlite3_column_double(s, i);
}

static uint64_t col_u64(sqlite3_stmt *s, int i)
{
  return (uint64_t)sqlite3_column_int64(s, i);
}

/* Copy a text column; *ok becomes 0 when a non-NULL value could not be
** copied (out of memory). */
static char *col_text(sqlite3_stmt *s, int i, int *ok)
{
  const char *t = (const char *)sqlite3_column_text(s, i);
  if (!t) return NULL;
  char *d = dupstr(t);
  if (!d) *ok = 0;
  return d;
}

/* ------------------------------------------------------------ schema */

/* migrations[v] brings a database from schema version v to v + 1. Append a
** new string for every schema change; never edit an old one. */
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
  "ALTER TABLE runs ADD COLUMN notes TEXT;"
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* Read the single integer answer of a PRAGMA or query (0 when no row). */
static int pragma_int(report_store *st, const char *sql, int64_t *v,
                      report_error *err)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
    return db_fail(st, err, "reading the database header");
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) *v = sqlite3_column_int64(s, 0);
  else if (rc == SQLITE_DONE) *v = 0;
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_fail(st, err, "reading the database header");
  return REPORT_OK;
}

/* Bring the schema from version `from` to the current one, in one
** transaction (rolled back on any failure, so a half-migrated database
** cannot exist). */
static int migrate(report_store *st, report_error *err)
{
  int rc = exec(st, "BEGIN IMMEDIATE", err, "starting the schema migration");
  if (rc) return rc;
  int64_t version = 0, tables = 0;
  /* Re-read under the lock: another process may have migrated meanwhile. */
  if ((rc = pragma_int(st, "PRAGMA user_version", &version, err))) goto rollback;
  if (version >= REPORT_STORE_SCHEMA_VERSION) goto commit;
  if (version == 0) {
    if ((rc = pragma_int(st, "SELECT count(*) FROM sqlite_master", &tables, err)))
      goto rollback;
    if (tables > 0) {
      rc = fail(st->path, err, REPORT_ESCHEMA,
                "an SQLite database, but not a drsim one (it has tables and no "
                "drsim schema version); give --db a new file");
      goto rollback;
    }
  }
  for (int v = (int)version; v < N_MIGRATIONS; v++) {
    char what[64];
    snprintf(what, sizeof what, "migrating the schema to version %d", v + 1);
    if ((rc = exec(st, migrations[v], err, what))) goto rollback;
  }
  {
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
             REPORT_STORE_SCHEMA_VERSION, STORE_APP_ID);
    if ((rc = exec(st, sql, err, "writing the schema version"))) goto rollback;
  }
commit:
  return exec(st, "COMMIT", err, "committing the schema migration");
rollback:
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/* PRAGMA journal_mode = WAL needs an exclusive lock, and SQLite answers
** SQLITE_BUSY for it at once, without the busy handler, while another
** connection holds a lock on the file (two drsim processes creating the same
** new database, say). Retry it until the busy timeout has passed. */
static int switch_to_wal(report_store *st, report_error *err)
{
  for (int waited_ms = 0;; waited_ms += 10) {
    int rc = sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    if (rc == SQLITE_OK) return REPORT_OK;
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) break;
    if (waited_ms >= STORE_BUSY_MS) break;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return db_fail(st, err, "switching to WAL");
}

/* Open path read-only as an immutable file: SQLite then needs no -shm/-wal
** side files, so results on a read-only medium (an archived artefact, a
** directory the user cannot write) stay readable. The URI escapes every
** byte that could be read as URI syntax. */
static int open_immutable(const char *path, sqlite3 **db)
{
  size_t n = strlen(path);
  char *uri = malloc(3 * n + 32);
  if (!uri) return SQLITE_NOMEM;
  char *w = uri + sprintf(uri, "file:");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        *p == '/' || *p == '.' || *p == '_' || *p == '-')
      *w++ = (char)*p;
    else
      w += sprintf(w, "%%%02X", *p);
  }
  strcpy(w, "?immutable=1");
  int rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                           NULL);
  free(uri);
  return rc;
}

int report_store_open(const char *path, int flags, report_store **out,
                      report_error *err)
{
  *out = NULL;
  if (!path || !*path) return fail("(no path)", err, REPORT_EINVAL, "empty database path");
  report_store *st = calloc(1, sizeof *st);
  if (!st) return fail(path, err, REPORT_ENOMEM, "out of memory");
  st->path = dupstr(path);
  if (!st->path) { free(st); return fail(path, err, REPORT_ENOMEM, "out of memory"); }
  st->readonly = (flags & REPORT_STORE_READONLY) != 0;
  st->dims_run = -1;
  int rc, immutable = 0;
  {
    /* A FIFO or a device would block SQLite's open or be written as a
    ** database: only regular files (or a new file) are opened. */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
      rc = fail(path, err, REPORT_EIO, "not a regular file (%s); give --db a database file",
                S_ISDIR(sb.st_mode) ? "a directory" : S_ISFIFO(sb.st_mode) ? "a FIFO"
                : "a device or special file");
      goto fail;
    }
    /* A read-only database (no write permission for anyone): SQLite would
    ** create -wal and -shm files beside it with its mode 0444, left behind
    ** to make later writes fail on the wrong file. Read-write: refused
    ** before SQLite touches anything. Read-only: nobody can be writing it,
    ** so when no WAL holds uncheckpointed commits it is read as an
    ** immutable file, creating nothing. */
    if (stat(path, &sb) == 0 && (sb.st_mode & 0222) == 0) {
      if (!st->readonly) {
        rc = fail(path, err, REPORT_EIO, "the file is read-only (mode %04o); make it writable "
                  "(chmod u+w) or give --db another file", (unsigned)(sb.st_mode & 07777));
        goto fail;
      }
      size_t n = strlen(path) + 8;
      char *wal = malloc(n);
      if (!wal) { rc = fail(path, err, REPORT_ENOMEM, "out of memory"); goto fail; }
      snprintf(wal, n, "%s-wal", path);
      struct stat sw;
      immutable = stat(wal, &sw) != 0 || sw.st_size == 0;
      free(wal);
    }
  }
  /* NOMUTEX: a store is used by one thread at a time (the runner's sink may
  ** move between threads, never run on two at once). */
  int oflags = (st->readonly ? SQLITE_OPEN_READONLY
                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
               | SQLITE_OPEN_NOMUTEX;
  if (immutable ? open_immutable(path, &st->db) != SQLITE_OK
                : sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
    if (!st->db) { rc = fail(path, err, REPORT_ENOMEM, "out of memory"); goto fail; }
    rc = fail(path, err, REPORT_EIO, "cannot open: %s%s", sqlite3_errmsg(st->db),
              st->readonly ? " (does the file exist?)"
                           : " (does the directory exist and is it writable?)");
    goto fail;
  }
  sqlite3_extended_result_codes(st->db, 1);
  sqlite3_busy_timeout(st->db, STORE_BUSY_MS);

  int64_t app_id = 0, version = 0;
  /* The first read is where SQLite notices a file that is not a database. */
  if (st->readonly && pragma_int(st, "PRAGMA application_id", &app_id, NULL) != REPORT_OK) {
    int ext = sqlite3_extended_errcode(st->db);
    if ((ext & 0xff) == SQLITE_READONLY || (ext & 0xff) == SQLITE_CANTOPEN) {
      /* A WAL database in a directory we cannot write: read it immutable. */
      sqlite3_close(st->db);
      st->db = NULL;
      if (open_immutable(path, &st->db) != SQLITE_OK) {
        rc = st->db ? fail(path, err, REPORT_EIO, "cannot open: %s", sqlite3_errmsg(st->db))
                    : fail(path, err, REPORT_ENOMEM, "out of memory");
        goto fail;
      }
      sqlite3_extended_result_codes(st->db, 1);
    }
  }
  /* The header in ONE read transaction: a drsim creating this file writes
  ** its application id, schema version and tables in one transaction, so
  ** the file is seen either empty or complete, never half-created (two
  ** separate reads could see the id before and the version after its
  ** commit). SQLite's busy handler makes this wait for a creating writer. */
  int64_t tables = 0;
  if ((rc = exec(st, "BEGIN", err, "reading the database header"))) goto fail;
  if ((rc = pragma_int(st, "PRAGMA application_id", &app_id, err)) ||
      (rc = pragma_int(st, "PRAGMA user_version", &version, err)) ||
      (rc = pragma_int(st, "SELECT count(*) FROM sqlite_master", &tables, err))) {
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    goto fail;
  }
  if ((rc = exec(st, "COMMIT", err, "reading the database header"))) goto fail;
  if (app_id != 0 && app_id != STORE_APP_ID) {
    rc = fail(path, err, REPORT_ESCHEMA,
              "an SQLite database of another application (application_id "
              "0x%08llx), not drsim results; give --db a new file",
              (unsigned long long)(uint32_t)app_id);
    goto fail;
  }
  if (app_id == 0 && version != 0) {
    rc = fail(path, err, REPORT_ESCHEMA,
              "an SQLite database, but not a drsim one (user_version %lld, no "
              "drsim application id); give --db a new file", (long long)version);
    goto fail;
  }
  if (version > REPORT_STORE_SCHEMA_VERSION) {
    rc = fail(path, err, REPORT_ESCHEMA,
              "written by a newer drsim (schema version %lld; this drsim reads "
              "up to version %d); use that drsim or another --db",
              (long long)version, REPORT_STORE_SCHEMA_VERSION);
    goto fail;
  }
  if (app_id == 0 && version == 0) {
    /* A new drsim database is empty; an SQLite file with tables but without
    ** drsim's marks belongs to someone else: refuse it before anything
    ** (the switch to WAL included) writes to it. */
    if (tables > 0) {
      rc = fail(path, err, REPORT_ESCHEMA,
                "an SQLite database, but not a drsim one (it has tables and no drsim "
                "application id); give --db a new file");
      goto fail;
    }
  }
  if (st->readonly) {
    if (version == 0) {
      rc = fail(path, err, REPORT_ESCHEMA, "holds no drsim results (empty or "
                "not a drsim database)");
      goto fail;
    }
    /* An older version is read as it is (columns added later read as
    ** NULL); only a read-write open migrates it. */
  } else {
    /* WAL: readers never block the writer and a crash never corrupts;
    ** NORMAL sync is durable against process crashes, and against power
    ** loss loses at most the last commits. */
    if ((rc = switch_to_wal(st, err))) goto fail;
    if ((rc = exec(st, "PRAGMA synchronous = NORMAL", err, "setting synchronous")))
      goto fail;
    if (version < REPORT_STORE_SCHEMA_VERSION && (rc = migrate(st, err))) goto fail;
    version = REPORT_STORE_SCHEMA_VERSION;
  }
  st->version = (int)version;
  if ((rc = exec(st, "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY",
                 err, "setting the cache size")))
    goto fail;
  *out = st;
  return REPORT_OK;
fail:
  report_store_close(st);
  return rc;
}

void report_store_close(report_store *st)
{
  if (!st) return;
  sqlite3_stmt **stmts[] = {&st->begin, &st->commit, &st->rollback,
                            &st->ins_trial, &st->ins_step, &st->ins_comp,
                            &st->ins_standby, &st->ins_incident, &st->upd_done,
                            &st->upd_step, &st->upd_comp, &st->upd_standby,
                            &st->upd_cause, &st->ins_trial_block[0],
                            &st->ins_trial_block[1]};
  for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
    sqlite3_finalize(*stmts[i]);
  sqlite3_close(st->db);    /* NULL is a no-op */
  free(st->sacc);
  free(st->cacc);
  free(st->pacc);
  free(st->eacc);
  free(st->views);
  free(st->path);
  free(st);
}

const char *report_store_path(const report_store *st)
{
  return st->path;
}

static int need_writable(report_store *st, report_error *err)
{
  if (st->readonly)
    return fail(st->path, err, REPORT_EINVAL, "opened read-only; cannot write a run");
  return REPORT_OK;
}

/* ------------------------------------------------------------ run begin */

static const char *repl_mode_name(model_repl_mode m)
{
  switch (m) {
  case MODEL_REPL_NONE: return "none";
  case MODEL_REPL_SYNC: return "sync";
  case MODEL_REPL_ASYNC: return "async";
  case MODEL_REPL_PERIODIC: return "periodic";
  }
  return "none";
}

/* The kind of the scenario's disaster, as its incidents' cause. */
static const char *disaster_type_name(model_disaster_type t)
{
  switch (t) {
  case MODEL_DISASTER_REGION: return "region-outage";
  case MODEL_DISASTER_ZONE: return "zone-outage";
  case MODEL_DISASTER_COMPONENT: return "component";
  }
  return "region-outage";
}

/* "region-outage eastus", "zone-outage eastus zone 2", "component sql-prod". */
static void disaster_text(const model_scenario *sc, char *buf, size_t n)
{
  const model_disaster *d = &sc->disaster;
  const char *region = d->region >= 0 && (size_t)d->region < sc->n_regions
                       ? sc->regions[d->region].name : "?";
  if (d->type == MODEL_DISASTER_COMPONENT)
    snprintf(buf, n, "component %s", d->component >= 0 && (size_t)d->component < sc->n_components
                                     ? sc->components[d->component].name : "?");
  else if (d->type == MODEL_DISASTER_ZONE)
    snprintf(buf, n, "zone-outage %s zone %d", region, d->zone);
  else
    snprintf(buf, n, "region-outage %s", region);
}

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

/* Run a one-off statement with bound parameters already set; finalize. */
static int step_once(report_store *st, sqlite3_stmt *s, report_error *err,
                     const char *what)
{
  int rc = sqlite3_step(s);
  if (rc != SQLITE_DONE) {
    rc = db_fail(st, err, what);
    sqlite3_finalize(s);
    return rc;
  }
  sqlite3_finalize(s);
  return REPORT_OK;
}

static int prep_once(report_store *st, const char *sql, sqlite3_stmt **s,
                     report_error *err)
{
  if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
    *s = NULL;
    return db_fail(st, err, "preparing a statement");
  }
  return REPORT_OK;
}

static int write_dimensions(report_store *st, int64_t id, const model_scenario *sc,
                            report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc;
  if ((rc = prep_once(st, "INSERT INTO run_environments VALUES (?1,?2,?3,?4,?5,?6)",
                      &s, err)))
    return rc;
  for (size_t e = 0; e < sc->n_environments; e++) {
    const model_environment *env = &sc->environments[e];
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, (int64_t)e);
    sqlite3_bind_text(s, 3, env->name ? env->name : "", -1, SQLITE_STATIC);
    bind_real(s, 4, env->rto_s);            /* INFINITY (none) -> NULL */
    bind_real(s, 5, env->rpo_s);
    bind_real(s, 6, env->availability);     /* NAN (none) -> NULL */
    if (sqlite3_step(s) != SQLITE_DONE) goto db;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);

  if ((rc = prep_once(st, "INSERT INTO run_steps VALUES (?1,?2,?3,?4,?5,?6)", &s, err)))
    return rc;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    for (size_t j = 0; j < wf->n_steps; j++) {
      const model_step *stp = &wf->steps[j];
      const char *pool = stp->standby >= 0 && (size_t)stp->standby < sc->n_standby
                         ? sc->standby[stp->standby].name : NULL;
      const char *en = env_name(sc, wf->environment);
      sqlite3_bind_int64(s, 1, id);
      sqlite3_bind_int64(s, 2, (int64_t)(wf->step_offset + j));
      sqlite3_bind_text(s, 3, en ? en : "", -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 4, stp->name ? stp->name : "", -1, SQLITE_STATIC);
      sqlite3_bind_int(s, 5, stp->manual != 0);
      bind_text_or_null(s, 6, pool);
      if (sqlite3_step(s) != SQLITE_DONE) goto db;
      sqlite3_reset(s);
    }
  }
  sqlite3_finalize(s);

  if ((rc = prep_once(st, "INSERT INTO run_components(run_id, component_index, name,"
                          " environment, replication_mode, mtbf_target_s, mttr_target_s)"
                          " VALUES (?1,?2,?3,?4,?5,?6,?7)", &s, err)))
    return rc;
  for (size_t c = 0; c < sc->n_components; c++) {
    const model_component *cp = &sc->components[c];
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, (int64_t)c);
    sqlite3_bind_text(s, 3, cp->name ? cp->name : "", -1, SQLITE_STATIC);
    bind_text_or_null(s, 4, env_name(sc, cp->environment));
    sqlite3_bind_text(s, 5, repl_mode_name(cp->replication.mode), -1, SQLITE_STATIC);
    bind_real(s, 6, dist_target(cp, 0));
    bind_real(s, 7, dist_target(cp, 1));
    if (sqlite3_step(s) != SQLITE_DONE) goto db;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);

  if ((rc = prep_once(st, "INSERT INTO run_standby VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                      &s, err)))
    return rc;
  for (size_t p = 0; p < sc->n_standby; p++) {
    const model_standby *sb = &sc->standby[p];
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, (int64_t)p);
    sqlite3_bind_text(s, 3, sb->name ? sb->name : "", -1, SQLITE_STATIC);
    bind_text_or_null(s, 4, env_name(sc, sb->environment));
    sqlite3_bind_int(s, 5, sb->warm_nodes);
    sqlite3_bind_int(s, 6, sb->required_nodes);
    sqlite3_bind_int(s, 7, sb->service_nodes);
    bind_real(s, 8, sb->node_cost_per_hour);
    if (sqlite3_step(s) != SQLITE_DONE) goto db;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  s = NULL;

  /* Lifetime mode: one downtime aggregate per environment and component
  ** that can fail (the others never cause downtime). */
  if (sc->mode == MODEL_MODE_LIFETIME) {
    if ((rc = prep_once(st, "INSERT INTO env_component_stats(run_id, env_index,"
                            " component_index) VALUES (?1,?2,?3)", &s, err)))
      return rc;
    for (size_t e = 0; e < sc->n_environments; e++)
      for (size_t c = 0; c < sc->n_components; c++) {
        if (!sc->components[c].has_failure) continue;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (int64_t)e);
        sqlite3_bind_int64(s, 3, (int64_t)c);
        if (sqlite3_step(s) != SQLITE_DONE) goto db;
        sqlite3_reset(s);
      }
    sqlite3_finalize(s);
    s = NULL;
  }

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
  return exec(st, sql, err, "creating the run's aggregates");
db:
  rc = db_fail(st, err, "writing the run's dimensions");
  sqlite3_finalize(s);
  return rc;
}

int report_store_run_begin(report_store *st, const report_run_info *info,
                           const model_scenario *sc, int64_t *run_id,
                           report_error *err)
{
  int rc;
  char *overrides = NULL;
  sqlite3_stmt *s = NULL;
  *run_id = 0;
  if ((rc = need_writable(st, err))) return rc;
  /* Overrides are stored one per line, so none may contain a newline. */
  size_t len = 1;
  for (size_t i = 0; i < info->n_overrides; i++) {
    if (strchr(info->overrides[i], '\n'))
      return fail(st->path, err, REPORT_EINVAL,
                  "--set value '%s' contains a newline", info->overrides[i]);
    len += strlen(info->overrides[i]) + 1;
  }
  overrides = malloc(len);
  if (!overrides) return fail(st->path, err, REPORT_ENOMEM, "out of memory");
  overrides[0] = '\0';
  for (size_t i = 0, k = 0; i < info->n_overrides; i++) {
    size_t m = strlen(info->overrides[i]);
    memcpy(overrides + k, info->overrides[i], m);
    k += m;
    overrides[k++] = i + 1 < info->n_overrides ? '\n' : '\0';
  }

  if ((rc = exec(st, "BEGIN IMMEDIATE", err, "starting a run"))) goto out;
  if ((rc = prep_once(st,
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
  if (sc->mode == MODEL_MODE_LIFETIME) bind_real(s, 9, sc->horizon_s);
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
  disaster_text(sc, disaster, sizeof disaster);
  sqlite3_bind_text(s, 17, disaster, -1, SQLITE_TRANSIENT);
  if (sc->mode == MODEL_MODE_LIFETIME) bind_real(s, 18, sc->disaster.rate_per_s);
  else sqlite3_bind_null(s, 18);
  bind_text_or_null(s, 19, info->scenario_dir);
  report_owner me;
  report_owner_self(&me);
  sqlite3_bind_int64(s, 20, me.pid);
  sqlite3_bind_text(s, 21, me.host, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 22, me.ident, -1, SQLITE_TRANSIENT);
  char *notes = model_lint_lost_capabilities(sc);
  bind_text_or_null(s, 23, notes);
  rc = step_once(st, s, err, "writing the run");
  free(notes);
  s = NULL;
  if (rc) goto rollback;
  int64_t id = sqlite3_last_insert_rowid(st->db);
  if ((rc = write_dimensions(st, id, sc, err))) goto rollback;
  for (size_t i = 0; i < sc->n_inputs; i++) {
    const model_input_file *in = &sc->inputs[i];
    if ((rc = prep_once(st, "INSERT INTO run_inputs(run_id, name, sha256, size, content)"
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
    rc = step_once(st, s, err, "writing the run's input files");
    s = NULL;
    if (rc) goto rollback;
  }
  if ((rc = exec(st, "COMMIT", err, "committing the run"))) goto rollback;
  *run_id = id;
  goto out;
rollback:
  sqlite3_finalize(s);
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
out:
  free(overrides);
  return rc;
}

/* ------------------------------------------------------------ append */

/* Check once per run that sc has the run's dimensions, and remember the
** run's detail and mode. */
static int load_dims(report_store *st, int64_t run_id, const model_scenario *sc,
                     report_error *err)
{
  if (st->dims_run == run_id) goto check;
  sqlite3_stmt *s = NULL;
  int rc;
  if ((rc = prep_once(st,
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
         ? fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id)
         : db_fail(st, err, "reading the run");
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
    return fail(st->path, err, REPORT_ENOMEM, "out of memory");
  }
  st->dims_run = run_id;
check:
  if (st->n_env != sc->n_environments || st->n_steps != sc->n_steps_total ||
      st->n_comp != sc->n_components || st->n_standby != sc->n_standby ||
      st->mode != sc->mode)
    return fail(st->path, err, REPORT_EINVAL,
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
  if ((rc = prepare(st, &st->begin, "BEGIN IMMEDIATE", err))) return rc;
  if ((rc = prepare(st, &st->commit, "COMMIT", err))) return rc;
  if ((rc = prepare(st, &st->rollback, "ROLLBACK", err))) return rc;
  if ((rc = prepare(st, &st->ins_trial,
      "INSERT INTO trials(run_id, environment, trial, rto_s, rpo_s, recovered,"
      " first_service_s, full_capacity_s, retries, wallclock_s, affected, availability,"
      " downtime_s, incidents, disasters, disaster_incidents, component_incidents,"
      " downtime_component_s, downtime_disaster_s, downtime_failback_s,"
      " longest_outage_s) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
      "?14,?15,?16,?17,?18,?19,?20,?21)", err)))
    return rc;
  if ((rc = prepare(st, &st->ins_step,
      "INSERT INTO steps(run_id, step_index, trial, start_s, end_s, attempts,"
      " failed, critical, off_hours) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)", err)))
    return rc;
  if ((rc = prepare(st, &st->ins_comp,
      "INSERT INTO components(run_id, component_index, trial, rpo_s, failover_s,"
      " down_s, downtime_caused_s, failures, incidents_caused)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)", err)))
    return rc;
  if ((rc = prepare(st, &st->ins_standby,
      "INSERT INTO standby_trials(run_id, pool_index, trial, first_service_s,"
      " full_capacity_s, nodes, shortage) VALUES (?1,?2,?3,?4,?5,?6,?7)", err)))
    return rc;
  if (st->version >= 3 && (rc = prepare(st, &st->ins_incident,
      "INSERT INTO incidents(run_id, environment, trial, incident, cause, start_s,"
      " rto_s, rpo_s, failback_s, failed_over, recovered)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)", err)))
    return rc;
  if (st->version >= 3 && (rc = prepare(st, &st->upd_cause,
      "UPDATE env_component_stats SET trials = trials + ?4,"
      " sum_downtime_s = sum_downtime_s + ?5, sum_sq_downtime_s = sum_sq_downtime_s + ?6"
      " WHERE run_id = ?1 AND env_index = ?2 AND component_index = ?3", err)))
    return rc;
  if ((rc = prepare(st, &st->upd_done,
      "UPDATE runs SET trials_done = trials_done + ?1,"
      " heartbeat = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?2"
      " AND status = 'running' AND first_trial + trials_done = ?3"
      " AND trials_done + ?1 <= trials", err)))
    return rc;
  if ((rc = prepare(st, &st->upd_step,
      "UPDATE step_stats SET n = n + ?3, n_completed = n_completed + ?4,"
      " critical = critical + ?5, sum_duration_s = sum_duration_s + ?6,"
      " sum_sq_duration_s = sum_sq_duration_s + ?7, attempts = attempts + ?8,"
      " failures = failures + ?9, off_hours = off_hours + ?10"
      " WHERE run_id = ?1 AND step_index = ?2", err)))
    return rc;
  /* max(coalesce(a, b), coalesce(b, a)): the larger of the two, ignoring a
  ** NULL side (SQLite's scalar max() returns NULL if any argument is). */
  if ((rc = prepare(st, &st->upd_comp,
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
  if ((rc = prepare(st, &st->upd_standby,
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
  int rc = prep_once(st, "SELECT status, first_trial, trials_done, trials FROM runs"
                         " WHERE id = ?1", &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  if (sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_finalize(s);
    return fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
  }
  const char *status = (const char *)sqlite3_column_text(s, 0);
  uint64_t ft = col_u64(s, 1), done = col_u64(s, 2), trials = col_u64(s, 3);
  if (!status || strcmp(status, "running") != 0)
    rc = fail(st->path, err, REPORT_EINVAL, "run %lld is %s, not running; reopen "
              "it to append", (long long)run_id, status ? status : "?");
  else if (first != ft + done)
    rc = fail(st->path, err, REPORT_EINVAL, "run %lld: trials must be appended in "
              "order: expected trial %llu next, got %llu", (long long)run_id,
              (unsigned long long)(ft + done), (unsigned long long)first);
  else
    rc = fail(st->path, err, REPORT_EINVAL, "run %lld: %zu more trials would exceed "
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
** trial .. wallclock_s, plus the 10 lifetime columns in lifetime mode. In
** disaster mode those columns are left out of the INSERT, so they take
** their default, NULL: the row is the one the one-row statement stores. */
static int trial_row_params(int lifetime) { return lifetime ? 19 : 9; }

static int prepare_trial_block(report_store *st, int lifetime, report_error *err)
{
  if (st->ins_trial_block[lifetime] || st->trial_block_rows[lifetime] == 1) return REPORT_OK;
  int per = trial_row_params(lifetime);
  size_t rows = TRIAL_BLOCK_ROWS;
  int max_var = sqlite3_limit(st->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  while (rows > 1 && 2 + (long long)rows * per > max_var) rows /= 2;
  st->trial_block_rows[lifetime] = rows;
  if (rows == 1) return REPORT_OK;      /* the one-row statement does it all */
  static const char head[] =
      "INSERT INTO trials(run_id, environment, trial, rto_s, rpo_s, recovered,"
      " first_service_s, full_capacity_s, retries, wallclock_s, affected";
  static const char lifetime_cols[] =
      ", availability, downtime_s, incidents, disasters, disaster_incidents,"
      " component_incidents, downtime_component_s, downtime_disaster_s,"
      " downtime_failback_s, longest_outage_s";
  /* "(?1,?2" + per x ",?NNNNNN" + ")," a row */
  size_t cap = sizeof head + sizeof lifetime_cols + 16 + rows * (8 + (size_t)per * 9);
  char *sql = malloc(cap);
  if (!sql) return fail(st->path, err, REPORT_ENOMEM, "out of memory");
  size_t len = (size_t)snprintf(sql, cap, "%s%s) VALUES ", head, lifetime ? lifetime_cols : "");
  for (size_t r = 0; r < rows; r++) {
    len += (size_t)snprintf(sql + len, cap - len, "%s(?1,?2", r ? "," : "");
    for (int c = 0; c < per; c++)
      len += (size_t)snprintf(sql + len, cap - len, ",?%d", 3 + (int)r * per + c);
    len += (size_t)snprintf(sql + len, cap - len, ")");
  }
  int rc = prepare(st, &st->ins_trial_block[lifetime], sql, err);
  free(sql);
  return rc;
}

/* Bind one trials row's values from parameter `base` on (trial first). */
static void bind_trial_row(sqlite3_stmt *s, int base, int64_t trial,
                           const model_env_outcome *o, int lifetime)
{
  sqlite3_bind_int64(s, base, trial);
  bind_real(s, base + 1, o->rto_s);
  bind_real(s, base + 2, o->rpo_s);
  sqlite3_bind_int(s, base + 3, o->recovered != 0);
  bind_real(s, base + 4, o->first_service_s);
  bind_real(s, base + 5, o->full_capacity_s);
  sqlite3_bind_int(s, base + 6, o->retries);
  bind_real(s, base + 7, o->wallclock_s);
  sqlite3_bind_int(s, base + 8, o->affected != 0);
  if (!lifetime) return;
  bind_real(s, base + 9, o->availability);
  bind_real(s, base + 10, o->downtime_s);
  sqlite3_bind_int(s, base + 11, o->incidents);
  sqlite3_bind_int(s, base + 12, o->disasters);
  sqlite3_bind_int(s, base + 13, o->disaster_incidents);
  sqlite3_bind_int(s, base + 14, o->component_incidents);
  bind_real(s, base + 15, o->downtime_component_s);
  bind_real(s, base + 16, o->downtime_disaster_s);
  bind_real(s, base + 17, o->downtime_failback_s);
  bind_real(s, base + 18, o->longest_outage_s);
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
  sqlite3_stmt *one = st->ins_trial;
  if (blk) sqlite3_bind_int64(blk, 1, run_id);
  sqlite3_bind_int64(one, 1, run_id);
  if (!lifetime)
    for (int k = 12; k <= 21; k++) sqlite3_bind_null(one, k);
  for (size_t e = 0; e < st->n_env; e++) {
    const char *env = sc->environments[e].name;
    if (blk) sqlite3_bind_text(blk, 2, env, -1, SQLITE_STATIC);
    sqlite3_bind_text(one, 2, env, -1, SQLITE_STATIC);
    size_t i = 0;
    for (; blk && i + rows <= n; i += rows) {
      for (size_t r = 0; r < rows; r++)
        bind_trial_row(blk, 3 + (int)r * per, (int64_t)(first + i + r),
                       &st->views[i + r].env[e], lifetime);
      if ((rc = step_done(st, blk, err, "storing trials"))) return rc;
    }
    for (; i < n; i++) {
      bind_trial_row(one, 3, (int64_t)(first + i), &st->views[i].env[e], lifetime);
      if ((rc = step_done(st, one, err, "storing trials"))) return rc;
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
    if ((rc = step_done(st, s, err, "updating step aggregates"))) return rc;
  }
  for (size_t c = 0; c < st->n_comp; c++) {
    const comp_acc *a = &st->cacc[c];
    sqlite3_stmt *s = st->upd_comp;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, (int64_t)c);
    sqlite3_bind_int64(s, 3, a->n_rpo);
    sqlite3_bind_double(s, 4, a->sum_rpo);
    bind_real(s, 5, a->max_rpo);
    sqlite3_bind_int64(s, 6, a->inf_rpo);
    sqlite3_bind_int64(s, 7, a->sets);
    sqlite3_bind_int64(s, 8, a->n_failover);
    sqlite3_bind_double(s, 9, a->sum_failover);
    bind_real(s, 10, a->max_failover);
    sqlite3_bind_double(s, 11, a->sum_down);
    sqlite3_bind_double(s, 12, a->sum_caused);
    sqlite3_bind_int64(s, 13, a->failures);
    sqlite3_bind_int64(s, 14, a->incidents_caused);
    sqlite3_bind_double(s, 15, a->sum_sq_down);
    sqlite3_bind_int64(s, 16, a->sum_sq_failures);
    sqlite3_bind_double(s, 17, a->sum_down_failures);
    if ((rc = step_done(st, s, err, "updating component aggregates"))) return rc;
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
    if ((rc = step_done(st, s, err, "updating downtime-by-cause aggregates"))) return rc;
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
    bind_real(s, 8, a->max_full);
    sqlite3_bind_int64(s, 9, a->nodes);
    sqlite3_bind_int64(s, 10, a->shortages);
    if ((rc = step_done(st, s, err, "updating standby aggregates"))) return rc;
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
        bind_real(s, 7, o->rto_s);
        bind_real(s, 8, o->rpo_s);
        bind_real(s, 9, o->failback_s);
        sqlite3_bind_int(s, 10, o->failed_over != 0);
        sqlite3_bind_int(s, 11, o->recovered != 0);
        int rc = step_done(st, s, err, "storing incidents");
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
      bind_real(s, 4, o->start_s);
      bind_real(s, 5, o->end_s);
      sqlite3_bind_int(s, 6, o->attempts);
      sqlite3_bind_int(s, 7, o->failed != 0);
      sqlite3_bind_int(s, 8, o->critical != 0);
      sqlite3_bind_int(s, 9, o->off_hours != 0);
      if ((rc = step_done(st, s, err, "storing step detail"))) return rc;
    }
  }
  s = st->ins_comp;
  sqlite3_bind_int64(s, 1, run_id);
  for (size_t c = 0; c < st->n_comp; c++) {
    sqlite3_bind_int64(s, 2, (int64_t)c);
    for (size_t i = 0; i < n; i++) {
      const model_component_outcome *o = &st->views[i].components[c];
      sqlite3_bind_int64(s, 3, (int64_t)(first + i));
      bind_real(s, 4, o->rpo_s);
      bind_real(s, 5, o->failover_s);
      if (st->mode == MODEL_MODE_LIFETIME) {
        bind_real(s, 6, o->down_s);
        bind_real(s, 7, o->downtime_caused_s);
        sqlite3_bind_int(s, 8, o->failures);
        sqlite3_bind_int(s, 9, o->incidents_caused);
      } else {
        for (int k = 6; k <= 9; k++) sqlite3_bind_null(s, k);
      }
      if ((rc = step_done(st, s, err, "storing component detail"))) return rc;
    }
  }
  s = st->ins_standby;
  sqlite3_bind_int64(s, 1, run_id);
  for (size_t p = 0; p < st->n_standby; p++) {
    sqlite3_bind_int64(s, 2, (int64_t)p);
    for (size_t i = 0; i < n; i++) {
      const model_standby_outcome *o = &st->views[i].standby[p];
      sqlite3_bind_int64(s, 3, (int64_t)(first + i));
      bind_real(s, 4, o->first_service_s);
      bind_real(s, 5, o->full_capacity_s);
      sqlite3_bind_int(s, 6, o->nodes_provisioned);
      sqlite3_bind_int(s, 7, o->shortage != 0);
      if ((rc = step_done(st, s, err, "storing standby detail"))) return rc;
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
  if ((rc = need_writable(st, err))) return rc;
  if (record_size != model_outcome_size(sc))
    return fail(st->path, err, REPORT_EINVAL, "record size %zu is not the "
                "scenario's %zu bytes", record_size, model_outcome_size(sc));
  if (n == 0) return REPORT_OK;
  if ((rc = load_dims(st, run_id, sc, err))) return rc;
  if ((rc = prepare_append(st, err))) return rc;
  if (n > st->views_cap) {
    model_trial_view *v = realloc(st->views, n * sizeof *v);
    if (!v) return fail(st->path, err, REPORT_ENOMEM, "out of memory");
    st->views = v;
    st->views_cap = n;
  }
  /* model_outcome_view takes a writable record; we only read through it. */
  unsigned char *base = (unsigned char *)(uintptr_t)records;
  for (size_t i = 0; i < n; i++)
    st->views[i] = model_outcome_view(sc, base + i * record_size);

  if ((rc = step_done(st, st->begin, err, "starting a transaction"))) return rc;
  sqlite3_stmt *s = st->upd_done;
  sqlite3_bind_int64(s, 1, (int64_t)n);
  sqlite3_bind_int64(s, 2, run_id);
  sqlite3_bind_int64(s, 3, (int64_t)first_trial);
  if ((rc = step_done(st, s, err, "counting trials"))) goto rollback;
  if (sqlite3_changes(st->db) != 1) {
    rc = explain_order(st, run_id, first_trial, n, err);
    goto rollback;
  }
  if ((rc = insert_trials(st, run_id, sc, first_trial, n, err))) goto rollback;
  st->disaster_type = disaster_type_name(sc->disaster.type);
  if (st->mode == MODEL_MODE_LIFETIME &&
      (rc = insert_incidents(st, run_id, sc, first_trial, n, err)))
    goto rollback;
  if (st->detail == REPORT_DETAIL_STEPS &&
      (rc = insert_detail(st, run_id, first_trial, n, err)))
    goto rollback;
  accumulate(st, sc, n);
  if ((rc = write_aggregates(st, run_id, err))) goto rollback;
  if ((rc = step_done(st, st->commit, err, "committing trials"))) goto rollback;
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

/* ------------------------------------------------------------ status */

static int update_status(report_store *st, int64_t run_id, const char *sql,
                         const char *status, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc;
  if ((rc = need_writable(st, err))) return rc;
  if ((rc = prep_once(st, sql, &s, err))) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  if (status) sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
  if ((rc = step_once(st, s, err, "updating the run's status"))) return rc;
  if (sqlite3_changes(st->db) == 0)
    return fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
  return REPORT_OK;
}

int report_store_run_finish(report_store *st, int64_t run_id,
                            report_run_status status, report_error *err)
{
  if (status != REPORT_RUN_COMPLETE && status != REPORT_RUN_INTERRUPTED &&
      status != REPORT_RUN_FAILED)
    return fail(st->path, err, REPORT_EINVAL, "a run can only finish as complete, "
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
  int rc = prep_once(st, "SELECT status, owner_pid, owner_host, owner_ident,"
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
    rc = fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
  } else {
    rc = db_fail(st, err, "reading a run's owner");
  }
  sqlite3_finalize(s);
  return rc;
}

static int busy(report_store *st, int64_t run_id, const report_owner *o, report_error *err)
{
  return fail(st->path, err, REPORT_EBUSY, "run %lld is being executed by process %lld%s%s; "
              "wait for it to finish (or stop it: Ctrl-C keeps its trials)",
              (long long)run_id, (long long)o->pid, o->host[0] ? " on " : "", o->host);
}

int report_store_run_reopen(report_store *st, int64_t run_id, report_error *err)
{
  int rc;
  if ((rc = need_writable(st, err))) return rc;
  report_owner o, me;
  int running, alive;
  report_owner_self(&me);
  /* First without a lock (a live owner may hold the write lock for a
  ** while, or be stopped inside a transaction), then again under it. */
  if ((rc = run_owner(st, run_id, &o, &running, &alive, err))) return rc;
  if (alive && !(o.pid == me.pid && !strcmp(o.host, me.host))) return busy(st, run_id, &o, err);
  if ((rc = exec(st, "BEGIN IMMEDIATE", err, "claiming the run"))) return rc;
  if ((rc = run_owner(st, run_id, &o, &running, &alive, err))) goto rollback;
  if (alive && !(o.pid == me.pid && !strcmp(o.host, me.host))) {
    rc = busy(st, run_id, &o, err);
    goto rollback;
  }
  sqlite3_stmt *s = NULL;
  if ((rc = prep_once(st, "UPDATE runs SET status = 'running', finished = NULL, owner_pid = ?2,"
                      " owner_host = ?3, owner_ident = ?4,"
                      " heartbeat = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
                      &s, err)))
    goto rollback;
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_int64(s, 2, me.pid);
  sqlite3_bind_text(s, 3, me.host, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 4, me.ident, -1, SQLITE_TRANSIENT);
  if ((rc = step_once(st, s, err, "claiming the run"))) goto rollback;
  return exec(st, "COMMIT", err, "claiming the run");
rollback:
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int report_store_run_prefix(report_store *st, int64_t run_id, int *is_prefix,
                            report_error *err)
{
  *is_prefix = 1;
  sqlite3_stmt *s = NULL;
  int rc = prep_once(st, "SELECT r.first_trial, r.trials_done,"
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
    rc = fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
  } else {
    rc = db_fail(st, err, "reading a run's trials");
  }
  sqlite3_finalize(s);
  return rc;
}

int report_store_run_delete(report_store *st, int64_t run_id, report_error *err)
{
  int rc;
  if ((rc = need_writable(st, err))) return rc;
  static const char *const tables[] = {
    "trials", "steps", "components", "standby_trials", "step_stats",
    "component_stats", "standby_stats", "run_environments", "run_steps",
    "run_components", "run_standby", "incidents", "env_component_stats", "run_inputs"};
  {
    /* Checked before taking the lock too: a live owner may hold it. */
    report_owner o;
    int running, alive;
    if ((rc = run_owner(st, run_id, &o, &running, &alive, err))) return rc;
    if (alive) return busy(st, run_id, &o, err);
  }
  if ((rc = exec(st, "BEGIN IMMEDIATE", err, "deleting a run"))) return rc;
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
    if ((rc = exec(st, sql, err, "deleting a run"))) goto rollback;
  }
  {
    char sql[64];
    snprintf(sql, sizeof sql, "DELETE FROM runs WHERE id = %lld", (long long)run_id);
    if ((rc = exec(st, sql, err, "deleting a run"))) goto rollback;
  }
  if (sqlite3_changes(st->db) == 0) {
    rc = fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld", (long long)run_id);
    goto rollback;
  }
  if (st->dims_run == run_id) st->dims_run = -1;
  return exec(st, "COMMIT", err, "deleting a run");
rollback:
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
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
  for (size_t i = 0; i < r->n_steps; i++) {
    free(r->steps[i].environment);
    free(r->steps[i].name);
    free(r->steps[i].standby);
  }
  free(r->steps);
  for (size_t i = 0; i < r->n_components; i++) {
    free(r->components[i].name);
    free(r->components[i].environment);
    free(r->components[i].replication_mode);
  }
  free(r->components);
  for (size_t i = 0; i < r->n_standby; i++) {
    free(r->standby[i].name);
    free(r->standby[i].environment);
  }
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
  r->seed = col_u64(s, 5);
  r->trials = col_u64(s, 6);
  r->first_trial = col_u64(s, 7);
  r->trials_done = col_u64(s, 8);
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
  r->total_trials = col_u64(s, 19);    /* NULL reads as 0 */
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
typedef int (*row_fn)(sqlite3_stmt *s, void *elem);

static int read_rows(report_store *st, int64_t run_id, const char *sql,
                     size_t elem, void **arr, size_t *n, row_fn fn,
                     report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = prep_once(st, sql, &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  size_t cap = 0;
  for (;;) {
    int r = sqlite3_step(s);
    if (r == SQLITE_DONE) break;
    if (r != SQLITE_ROW) { rc = db_fail(st, err, "reading a run"); break; }
    if (*n == cap) {
      size_t nc = cap ? 2 * cap : 8;
      void *a = realloc(*arr, nc * elem);
      if (!a) { rc = fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
      *arr = a;
      cap = nc;
    }
    char *e = (char *)*arr + *n * elem;
    memset(e, 0, elem);
    (*n)++;   /* counted first, so a partly filled element is still freed */
    if (!fn(s, e)) { rc = fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
  }
  sqlite3_finalize(s);
  return rc;
}

static int env_row(sqlite3_stmt *s, void *elem)
{
  report_run_env *e = elem;
  int ok = 1;
  e->name = col_text(s, 0, &ok);
  e->rto_objective_s = col_real(s, 1, NAN);
  e->rpo_objective_s = col_real(s, 2, NAN);
  e->availability_objective = col_real(s, 3, NAN);
  return ok;
}

static int step_row(sqlite3_stmt *s, void *elem)
{
  report_run_step *p = elem;
  int ok = 1;
  p->environment = col_text(s, 0, &ok);
  p->name = col_text(s, 1, &ok);
  p->manual = sqlite3_column_int(s, 2);
  p->standby = col_text(s, 3, &ok);
  p->n = col_u64(s, 4);
  p->n_completed = col_u64(s, 5);
  p->critical = col_u64(s, 6);
  p->sum_duration_s = sqlite3_column_double(s, 7);
  p->sum_sq_duration_s = sqlite3_column_double(s, 8);
  p->attempts = col_u64(s, 9);
  p->failures = col_u64(s, 10);
  p->off_hours = col_u64(s, 11);
  return ok;
}

static int comp_row(sqlite3_stmt *s, void *elem)
{
  report_run_component *c = elem;
  int ok = 1;
  c->name = col_text(s, 0, &ok);
  c->environment = col_text(s, 1, &ok);
  c->replication_mode = col_text(s, 2, &ok);
  c->n_rpo = col_u64(s, 3);
  c->sum_rpo_s = sqlite3_column_double(s, 4);
  c->max_rpo_s = col_real(s, 5, NAN);
  c->inf_rpo = col_u64(s, 6);
  c->sets_env_rpo = col_u64(s, 7);
  c->n_failover = col_u64(s, 8);
  c->sum_failover_s = sqlite3_column_double(s, 9);
  c->max_failover_s = col_real(s, 10, NAN);
  c->sum_down_s = sqlite3_column_double(s, 11);
  c->sum_downtime_caused_s = sqlite3_column_double(s, 12);
  c->failures = col_u64(s, 13);
  c->incidents_caused = col_u64(s, 14);
  c->sum_sq_down_s = sqlite3_column_double(s, 15);
  c->sum_sq_failures = sqlite3_column_double(s, 16);
  c->sum_down_x_failures = sqlite3_column_double(s, 17);
  c->mtbf_target_s = col_real(s, 18, NAN);
  c->mttr_target_s = col_real(s, 19, NAN);
  return ok;
}

static int env_component_row(sqlite3_stmt *s, void *elem)
{
  report_run_env_component *x = elem;
  x->env_index = (size_t)sqlite3_column_int64(s, 0);
  x->component_index = (size_t)sqlite3_column_int64(s, 1);
  x->trials = col_u64(s, 2);
  x->sum_downtime_s = sqlite3_column_double(s, 3);
  x->sum_sq_downtime_s = sqlite3_column_double(s, 4);
  return 1;
}

static int standby_row(sqlite3_stmt *s, void *elem)
{
  report_run_standby *p = elem;
  int ok = 1;
  p->name = col_text(s, 0, &ok);
  p->environment = col_text(s, 1, &ok);
  p->warm_nodes = sqlite3_column_int(s, 2);
  p->required_nodes = sqlite3_column_int(s, 3);
  p->service_nodes = sqlite3_column_int(s, 4);
  p->node_cost_per_hour = col_real(s, 5, 0.0);
  p->n = col_u64(s, 6);
  p->n_first_service = col_u64(s, 7);
  p->sum_first_service_s = sqlite3_column_double(s, 8);
  p->n_full_capacity = col_u64(s, 9);
  p->sum_full_capacity_s = sqlite3_column_double(s, 10);
  p->max_full_capacity_s = col_real(s, 11, NAN);
  p->nodes = col_u64(s, 12);
  p->shortages = col_u64(s, 13);
  return ok;
}

static int input_row(sqlite3_stmt *s, void *elem)
{
  report_run_input *in = elem;
  int ok = 1;
  in->name = col_text(s, 0, &ok);
  in->sha256 = col_text(s, 1, &ok);
  in->size = col_u64(s, 2);
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
  if (!r) return fail(st->path, err, REPORT_ENOMEM, "out of memory");
  sqlite3_stmt *s = NULL;
  char cols[600], sql[700];
  run_columns(st, 1, cols, sizeof cols);
  snprintf(sql, sizeof sql, "SELECT %s FROM runs WHERE id = ?1", cols);
  int rc = prep_once(st, sql, &s, err);
  if (rc) goto fail;
  sqlite3_bind_int64(s, 1, run_id);
  int step = sqlite3_step(s);
  if (step == SQLITE_DONE)
    rc = fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld; `drsim runs` "
              "lists the stored runs", (long long)run_id);
  else if (step != SQLITE_ROW)
    rc = db_fail(st, err, "reading a run");
  else if (!read_run_row(s, r))
    rc = fail(st->path, err, REPORT_ENOMEM, "out of memory");
  sqlite3_finalize(s);
  if (rc) goto fail;

  if ((rc = read_rows(st, run_id,
      "SELECT environment, rto_objective_s, rpo_objective_s, availability_objective"
      " FROM run_environments WHERE run_id = ?1 ORDER BY env_index",
      sizeof *r->environments, (void **)&r->environments, &r->n_environments,
      env_row, err)))
    goto fail;
  if ((rc = read_rows(st, run_id,
      "SELECT s.environment, s.name, s.manual, s.standby, t.n, t.n_completed,"
      " t.critical, t.sum_duration_s, t.sum_sq_duration_s, t.attempts, t.failures,"
      " t.off_hours FROM run_steps s LEFT JOIN step_stats t"
      " ON t.run_id = s.run_id AND t.step_index = s.step_index"
      " WHERE s.run_id = ?1 ORDER BY s.step_index",
      sizeof *r->steps, (void **)&r->steps, &r->n_steps, step_row, err)))
    goto fail;
  char csql[1024];
  snprintf(csql, sizeof csql,
      "SELECT c.name, c.environment, c.replication_mode, t.n, t.sum_rpo_s,"
      " t.max_rpo_s, t.inf_rpo, t.sets_env_rpo, t.n_failover, t.sum_failover_s,"
      " t.max_failover_s, %s, %s FROM run_components c LEFT JOIN component_stats t"
      " ON t.run_id = c.run_id AND t.component_index = c.component_index"
      " WHERE c.run_id = ?1 ORDER BY c.component_index",
      st->version >= 2 ? "t.sum_down_s, t.sum_downtime_caused_s, t.failures,"
                         " t.incidents_caused" : "0, 0, 0, 0",
      st->version >= 3 ? "t.sum_sq_down_s, t.sum_sq_failures, t.sum_down_x_failures,"
                         " c.mtbf_target_s, c.mttr_target_s" : "0, 0, 0, NULL, NULL");
  if ((rc = read_rows(st, run_id, csql, sizeof *r->components,
                      (void **)&r->components, &r->n_components, comp_row, err)))
    goto fail;
  if ((rc = read_rows(st, run_id,
      "SELECT p.name, p.environment, p.warm_nodes, p.required_nodes,"
      " p.service_nodes, p.node_cost_per_hour, t.n, t.n_first_service,"
      " t.sum_first_service_s, t.n_full_capacity, t.sum_full_capacity_s,"
      " t.max_full_capacity_s, t.nodes, t.shortages FROM run_standby p"
      " LEFT JOIN standby_stats t ON t.run_id = p.run_id AND t.pool_index = p.pool_index"
      " WHERE p.run_id = ?1 ORDER BY p.pool_index",
      sizeof *r->standby, (void **)&r->standby, &r->n_standby, standby_row, err)))
    goto fail;
  if (st->version >= 3 &&
      (rc = read_rows(st, run_id,
          "SELECT env_index, component_index, trials, sum_downtime_s, sum_sq_downtime_s"
          " FROM env_component_stats WHERE run_id = ?1 ORDER BY env_index, component_index",
          sizeof *r->env_components, (void **)&r->env_components, &r->n_env_components,
          env_component_row, err)))
    goto fail;
  if (st->version >= 5 &&
      (rc = read_rows(st, run_id,
          "SELECT name, sha256, size, content FROM run_inputs WHERE run_id = ?1 ORDER BY rowid",
          sizeof *r->inputs, (void **)&r->inputs, &r->n_inputs, input_row, err)))
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
  int rc = prep_once(st, sql, &s, err);
  if (rc) return rc;
  report_run **arr = NULL;
  size_t cnt = 0, cap = 0;
  for (;;) {
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) { rc = db_fail(st, err, "listing runs"); break; }
    if (cnt == cap) {
      size_t nc = cap ? 2 * cap : 16;
      report_run **a = realloc(arr, nc * sizeof *a);
      if (!a) { rc = fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
      arr = a;
      cap = nc;
    }
    report_run *r = calloc(1, sizeof *r);
    if (!r) { rc = fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
    arr[cnt++] = r;
    if (!read_run_row(s, r)) { rc = fail(st->path, err, REPORT_ENOMEM, "out of memory"); break; }
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
  int rc = pragma_int(st, "SELECT coalesce(max(id), 0) FROM runs", &id, err);
  if (rc) return rc;
  if (id == 0)
    return fail(st->path, err, REPORT_ENOTFOUND, "holds no runs yet; store one "
                "with `drsim run SCENARIO --db %s`", st->path);
  *run_id = id;
  return REPORT_OK;
}

/* A readable column: its name, the schema version that added it, and what
** NULL reads as. */
typedef struct column_def {
  const char *name;
  int since;
  double null_value;
} column_def;

static const column_def trial_cols[] = {
  {"rto_s", 1, INFINITY}, {"rpo_s", 1, INFINITY}, {"recovered", 1, NAN},
  {"first_service_s", 1, NAN}, {"full_capacity_s", 1, NAN}, {"retries", 1, NAN},
  {"wallclock_s", 1, NAN}, {"availability", 1, NAN}, {"downtime_s", 1, NAN},
  {"incidents", 1, NAN}, {"disasters", 1, NAN}, {"disaster_incidents", 2, NAN},
  {"component_incidents", 2, NAN}, {"downtime_component_s", 2, NAN},
  {"downtime_disaster_s", 2, NAN}, {"downtime_failback_s", 2, NAN},
  {"longest_outage_s", 2, NAN}, {"affected", 4, NAN}, {NULL, 0, 0}};

static const column_def step_cols[] = {
  {"start_s", 1, NAN}, {"end_s", 1, NAN}, {"attempts", 1, NAN}, {"failed", 1, NAN},
  {"critical", 1, NAN}, {"off_hours", 1, NAN}, {"duration_s", 1, NAN}, {NULL, 0, 0}};

static const column_def comp_cols[] = {
  {"rpo_s", 1, NAN}, {"failover_s", 1, NAN}, {"down_s", 2, NAN},
  {"downtime_caused_s", 2, NAN}, {"failures", 2, NAN}, {"incidents_caused", 2, NAN},
  {NULL, 0, 0}};

static const column_def pool_cols[] = {
  {"first_service_s", 1, NAN}, {"full_capacity_s", 1, NAN}, {"nodes", 1, NAN},
  {"shortage", 1, NAN}, {NULL, 0, 0}};

static const column_def incident_cols[] = {
  {"trial", 3, NAN}, {"incident", 3, NAN}, {"start_s", 3, NAN}, {"rto_s", 3, INFINITY},
  {"rpo_s", 3, INFINITY}, {"failback_s", 3, NAN}, {"failed_over", 3, NAN},
  {"recovered", 3, NAN}, {NULL, 0, 0}};

static const column_def *find_column(const column_def *defs, const char *name)
{
  for (; name && defs->name; defs++)
    if (strcmp(defs->name, name) == 0) return defs;
  return NULL;
}

/* The SQL expression reading a column: NULL when this database predates it
** (the names come from the fixed tables above, never from outside). */
static const char *column_expr(const report_store *st, const column_def *d)
{
  if (st->version < d->since) return "NULL";
  if (strcmp(d->name, "duration_s") == 0) return "end_s - start_s";
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
    if (step != SQLITE_ROW) { rc = db_fail(st, err, "reading trials"); break; }
    if (cnt == cap) {
      size_t nc = cap ? 2 * cap : 1024;
      for (size_t j = 0; j < k && !rc; j++) {
        double *a = realloc(values[j], nc * sizeof *a);
        if (!a) rc = fail(st->path, err, REPORT_ENOMEM, "out of memory");
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

/* Read k columns (from table_cols, named `what` in messages) of `table`
** for one environment of a run, in `order`. A table that does not exist in
** this schema version reads as no rows. Shared by the trial and incident
** column readers. */
static int env_columns(report_store *st, int64_t run_id, const char *environment,
                       const char *const *columns, size_t k, double **values,
                       size_t *n, report_error *err, const column_def *table_cols,
                       const char *what, const char *table, int table_since,
                       const char *order)
{
  const column_def *defs[MAX_COLUMNS];
  *n = 0;
  for (size_t j = 0; j < k && j < MAX_COLUMNS; j++) values[j] = NULL;
  if (k == 0 || k > MAX_COLUMNS)
    return fail(st->path, err, REPORT_EINVAL, "%zu %s columns asked for; 1 to %d",
                k, what, MAX_COLUMNS);
  char sql[1024];
  size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT ");
  for (size_t j = 0; j < k; j++) {
    defs[j] = find_column(table_cols, columns[j]);
    if (!defs[j])
      return fail(st->path, err, REPORT_EINVAL, "no %s column '%s'", what,
                  columns[j] ? columns[j] : "(null)");
    len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s", j ? ", " : "",
                            column_expr(st, defs[j]));
  }
  if (st->version < table_since) return REPORT_OK;
  snprintf(sql + len, sizeof sql - len, " FROM %s WHERE run_id = ?1 AND "
           "environment = ?2 ORDER BY %s", table, order);
  sqlite3_stmt *s = NULL;
  int rc = prep_once(st, sql, &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 2, environment ? environment : "", -1, SQLITE_STATIC);
  return read_columns(st, s, defs, k, values, n, err);
}

int report_store_trial_columns(report_store *st, int64_t run_id,
                               const char *environment,
                               const char *const *columns, size_t k,
                               double **values, size_t *n, report_error *err)
{
  return env_columns(st, run_id, environment, columns, k, values, n, err, trial_cols,
                     "trial", "trials", 1, "trial");
}

int report_store_incident_columns(report_store *st, int64_t run_id,
                                  const char *environment,
                                  const char *const *columns, size_t k,
                                  double **values, size_t *n, report_error *err)
{
  /* the incidents table came with schema version 3 */
  return env_columns(st, run_id, environment, columns, k, values, n, err, incident_cols,
                     "incident", "incidents", 3, "trial, incident");
}

int report_store_incidents_foreach(report_store *st, int64_t run_id,
                                   report_incident_fn fn, void *ctx, report_error *err)
{
  int64_t exists = 0;
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld", (long long)run_id);
  int rc = pragma_int(st, sql, &exists, err);
  if (rc) return rc;
  if (!exists)
    return fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld; `drsim runs` "
                "lists the stored runs", (long long)run_id);
  if (st->version < 3) return REPORT_OK;
  sqlite3_stmt *s = NULL;
  /* Environments in scenario order through their index. */
  if ((rc = prep_once(st,
      "SELECT i.trial, i.environment, i.incident, i.cause, i.start_s, i.rto_s, i.rpo_s,"
      " i.failback_s, i.failed_over, i.recovered FROM incidents i"
      " JOIN run_environments e ON e.run_id = i.run_id AND e.environment = i.environment"
      " WHERE i.run_id = ?1 ORDER BY e.env_index, i.trial, i.incident", &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, run_id);
  for (;;) {
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) { rc = db_fail(st, err, "reading incidents"); break; }
    const char *env = (const char *)sqlite3_column_text(s, 1);
    const char *cause = (const char *)sqlite3_column_text(s, 3);
    report_incident_row row = {
      .trial = col_u64(s, 0),
      .environment = env ? env : "",
      .incident = sqlite3_column_int(s, 2),
      .cause = cause ? cause : "",
      .start_s = col_real(s, 4, NAN),
      .rto_s = col_real(s, 5, INFINITY),
      .rpo_s = col_real(s, 6, INFINITY),
      .failback_s = col_real(s, 7, NAN),
      .failed_over = sqlite3_column_int(s, 8),
      .recovered = sqlite3_column_int(s, 9),
    };
    if ((rc = fn(ctx, &row)) != 0) break;
  }
  sqlite3_finalize(s);
  return rc;
}

int report_store_schema_version(const report_store *st)
{
  return st->version;
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
  const char *key;
  const column_def *defs;
  if (table && strcmp(table, "steps") == 0) { key = "step_index"; defs = step_cols; }
  else if (table && strcmp(table, "components") == 0) { key = "component_index"; defs = comp_cols; }
  else if (table && strcmp(table, "standby_trials") == 0) { key = "pool_index"; defs = pool_cols; }
  else
    return fail(st->path, err, REPORT_EINVAL, "no detail table '%s'",
                table ? table : "(null)");
  const column_def *d = find_column(defs, column);
  if (!d)
    return fail(st->path, err, REPORT_EINVAL, "no column '%s' in %s",
                column ? column : "(null)", table);
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE run_id = ?1 AND %s = ?2 "
           "ORDER BY trial", column_expr(st, d), table, key);
  sqlite3_stmt *s = NULL;
  int rc = prep_once(st, sql, &s, err);
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
  char sql[600];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld", (long long)run_id);
  int rc = pragma_int(st, sql, &exists, err);
  if (rc) return rc;
  if (!exists)
    return fail(st->path, err, REPORT_ENOTFOUND, "no run with id %lld; `drsim runs` "
                "lists the stored runs", (long long)run_id);
  if ((rc = prep_once(st, "SELECT environment FROM run_environments WHERE run_id = ?1"
                          " ORDER BY env_index", &envs, err)))
    return rc;
  /* trial, then every trial column in trial_cols order. */
  size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT trial");
  size_t ncols = 0;
  for (const column_def *d = trial_cols; d->name; d++, ncols++)
    len += (size_t)snprintf(sql + len, sizeof sql - len, ", %s", column_expr(st, d));
  snprintf(sql + len, sizeof sql - len, " FROM trials WHERE run_id = ?1 AND "
           "environment = ?2 ORDER BY trial");
  if ((rc = prep_once(st, sql, &s, err))) {
    sqlite3_finalize(envs);
    return rc;
  }
  sqlite3_bind_int64(envs, 1, run_id);
  sqlite3_bind_int64(s, 1, run_id);
  for (;;) {
    int step = sqlite3_step(envs);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) { rc = db_fail(st, err, "reading environments"); break; }
    const char *env = (const char *)sqlite3_column_text(envs, 0);
    sqlite3_bind_text(s, 2, env ? env : "", -1, SQLITE_TRANSIENT);
    for (;;) {
      step = sqlite3_step(s);
      if (step == SQLITE_DONE) break;
      if (step != SQLITE_ROW) { rc = db_fail(st, err, "reading trials"); break; }
      double v[sizeof trial_cols / sizeof trial_cols[0]];
      for (size_t j = 0; j < ncols; j++)
        v[j] = col_real(s, (int)j + 1, trial_cols[j].null_value);
      report_trial_row row = {
        .trial = col_u64(s, 0),
        .environment = env ? env : "",
        .rto_s = v[0], .rpo_s = v[1],
        .recovered = (int)v[2],
        .first_service_s = v[3], .full_capacity_s = v[4],
        .retries = isnan(v[5]) ? 0 : (int)v[5],
        .wallclock_s = v[6],
        .availability = v[7], .downtime_s = v[8],
        .incidents = v[9], .disasters = v[10],
        .disaster_incidents = v[11], .component_incidents = v[12],
        .downtime_component_s = v[13], .downtime_disaster_s = v[14],
        .downtime_failback_s = v[15], .longest_outage_s = v[16],
        .affected = isnan(v[17]) || v[17] != 0,
      };
      if ((rc = fn(ctx, &row)) != 0) break;
    }
    sqlite3_reset(s);
    if (rc) break;
  }
  sqlite3_finalize(s);
  sqlite3_finalize(envs);
  return rc;
}

int report_store_snapshot_begin(report_store *st, report_error *err)
{
  int rc = exec(st, "BEGIN", err, "starting a read transaction");
  if (rc) return rc;
  /* A deferred transaction takes its snapshot at the first read. */
  int64_t v = 0;
  rc = pragma_int(st, "SELECT count(*) FROM runs", &v, err);
  if (rc) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

void report_store_snapshot_end(report_store *st)
{
  if (!sqlite3_get_autocommit(st->db)) sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

int report_store_check(report_store *st, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = prep_once(st, "PRAGMA integrity_check", &s, err);
  if (rc) return rc;
  int step = sqlite3_step(s);
  if (step != SQLITE_ROW) {
    rc = db_fail(st, err, "checking integrity");
  } else {
    const char *t = (const char *)sqlite3_column_text(s, 0);
    if (!t || strcmp(t, "ok") != 0)
      rc = fail(st->path, err, REPORT_ESCHEMA, "integrity check failed: %s",
                t ? t : "(no answer)");
  }
  sqlite3_finalize(s);
  return rc;
}
