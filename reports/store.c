/*
** reports/store.c — the SQLite results store (contract in reports/store.h):
** error texts, the helpers the store_*.c files share (store_internal.h),
** opening and closing a database, read snapshots and the integrity check.
** The schema lives in store_schema.c, run begin and status changes in
** store_run.c, the append path in store_append.c, the read API in
** store_read.c.
**
** Durability: WAL + synchronous=NORMAL (crash-safe, see the header); never
** synchronous=OFF or an in-memory journal.
*/
#include "reports/store_internal.h"

#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

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

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int store_fail(const char *path, report_error *err, int status,
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
int store_db_fail(report_store *st, report_error *err, const char *what)
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
  return store_fail(st->path, err, status, "%s: %s%s", what, sqlite3_errmsg(st->db), hint);
}

/* ------------------------------------------------------------ helpers */

char *store_dupstr(const char *s)
{
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int store_prepare(report_store *st, sqlite3_stmt **stmt, const char *sql,
                   report_error *err)
{
  if (*stmt) return REPORT_OK;
  if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL)
      != SQLITE_OK) {
    *stmt = NULL;
    return store_db_fail(st, err, "preparing a statement");
  }
  return REPORT_OK;
}

/* Run one statement that returns no rows (or whose rows are ignored). */
int store_exec(report_store *st, const char *sql, report_error *err,
                const char *what)
{
  char *msg = NULL;
  if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    sqlite3_free(msg);
    return store_db_fail(st, err, what);
  }
  return REPORT_OK;
}

/* Step a prepared statement that returns no rows, then reset it. */
int store_step_done(report_store *st, sqlite3_stmt *s, report_error *err,
                     const char *what)
{
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return store_db_fail(st, err, what);
  return REPORT_OK;
}

/* Bind a double, storing non-finite values as NULL (see the header). */
void store_bind_real(sqlite3_stmt *s, int i, double v)
{
  if (isfinite(v)) sqlite3_bind_double(s, i, v);
  else sqlite3_bind_null(s, i);
}

uint64_t store_col_u64(sqlite3_stmt *s, int i)
{
  return (uint64_t)sqlite3_column_int64(s, i);
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

/* Check path before SQLite opens it: a regular file (or none yet), and a
** read-only file only for reading; *immutable becomes 1 when a read-only
** file is to be read as immutable (see report_store_open). */
static int check_file(const char *path, int readonly, int *immutable, report_error *err)
{
  int rc;
  *immutable = 0;
  /* A FIFO or a device would block SQLite's open or be written as a
  ** database: only regular files (or a new file) are opened. */
  struct stat sb;
  if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
    rc = store_fail(path, err, REPORT_EIO, "not a regular file (%s); give --db a database file",
              S_ISDIR(sb.st_mode) ? "a directory" : S_ISFIFO(sb.st_mode) ? "a FIFO"
              : "a device or special file");
    return rc;
  }
  /* A read-only database (no write permission for anyone): SQLite would
  ** create -wal and -shm files beside it with its mode 0444, left behind
  ** to make later writes fail on the wrong file. Read-write: refused
  ** before SQLite touches anything. Read-only: nobody can be writing it,
  ** so when no WAL holds uncheckpointed commits it is read as an
  ** immutable file, creating nothing. */
  if (stat(path, &sb) == 0 && (sb.st_mode & 0222) == 0) {
    if (!readonly) {
      rc = store_fail(path, err, REPORT_EIO, "the file is read-only (mode %04o); make it writable "
                "(chmod u+w) or give --db another file", (unsigned)(sb.st_mode & 07777));
      return rc;
    }
    size_t n = strlen(path) + 8;
    char *wal = malloc(n);
    if (!wal) return store_fail(path, err, REPORT_ENOMEM, "out of memory");
    snprintf(wal, n, "%s-wal", path);
    struct stat sw;
    *immutable = stat(wal, &sw) != 0 || sw.st_size == 0;
    free(wal);
  }
  return REPORT_OK;
}

/* Refuse a header that is not a drsim database's of a version this drsim
** reads (app_id, version and tables as read in one transaction). */
static int check_header(report_store *st, int64_t app_id, int64_t version, int64_t tables,
                        report_error *err)
{
  int rc;
  if (app_id != 0 && app_id != STORE_APP_ID) {
    rc = store_fail(st->path, err, REPORT_ESCHEMA,
              "an SQLite database of another application (application_id "
              "0x%08llx), not drsim results; give --db a new file",
              (unsigned long long)(uint32_t)app_id);
    return rc;
  }
  if (app_id == 0 && version != 0) {
    rc = store_fail(st->path, err, REPORT_ESCHEMA,
              "an SQLite database, but not a drsim one (user_version %lld, no "
              "drsim application id); give --db a new file", (long long)version);
    return rc;
  }
  if (version > REPORT_STORE_SCHEMA_VERSION) {
    rc = store_fail(st->path, err, REPORT_ESCHEMA,
              "written by a newer drsim (schema version %lld; this drsim reads "
              "up to version %d); use that drsim or another --db",
              (long long)version, REPORT_STORE_SCHEMA_VERSION);
    return rc;
  }
  if (app_id == 0 && version == 0) {
    /* A new drsim database is empty; an SQLite file with tables but without
    ** drsim's marks belongs to someone else: refuse it before anything
    ** (the switch to WAL included) writes to it. */
    if (tables > 0) {
      rc = store_fail(st->path, err, REPORT_ESCHEMA,
                "an SQLite database, but not a drsim one (it has tables and no drsim "
                "application id); give --db a new file");
      return rc;
    }
  }
  return REPORT_OK;
}

int report_store_open(const char *path, int flags, report_store **out,
                      report_error *err)
{
  *out = NULL;
  if (!path || !*path) return store_fail("(no path)", err, REPORT_EINVAL, "empty database path");
  report_store *st = calloc(1, sizeof *st);
  if (!st) return store_fail(path, err, REPORT_ENOMEM, "out of memory");
  st->path = store_dupstr(path);
  if (!st->path) { free(st); return store_fail(path, err, REPORT_ENOMEM, "out of memory"); }
  st->readonly = (flags & REPORT_STORE_READONLY) != 0;
  st->dims_run = -1;
  int rc, immutable = 0;
  if ((rc = check_file(path, st->readonly, &immutable, err))) goto fail;
  /* NOMUTEX: a store is used by one thread at a time (the runner's sink may
  ** move between threads, never run on two at once). */
  int oflags = (st->readonly ? SQLITE_OPEN_READONLY
                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
               | SQLITE_OPEN_NOMUTEX;
  if (immutable ? open_immutable(path, &st->db) != SQLITE_OK
                : sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
    if (!st->db) { rc = store_fail(path, err, REPORT_ENOMEM, "out of memory"); goto fail; }
    rc = store_fail(path, err, REPORT_EIO, "cannot open: %s%s", sqlite3_errmsg(st->db),
              st->readonly ? " (does the file exist?)"
                           : " (does the directory exist and is it writable?)");
    goto fail;
  }
  sqlite3_extended_result_codes(st->db, 1);
  sqlite3_busy_timeout(st->db, STORE_BUSY_MS);

  int64_t app_id = 0, version = 0;
  /* The first read is where SQLite notices a file that is not a database. */
  if (st->readonly && store_pragma_int(st, "PRAGMA application_id", &app_id, NULL) != REPORT_OK) {
    int ext = sqlite3_extended_errcode(st->db);
    if ((ext & 0xff) == SQLITE_READONLY || (ext & 0xff) == SQLITE_CANTOPEN) {
      /* A WAL database in a directory we cannot write: read it immutable. */
      sqlite3_close(st->db);
      st->db = NULL;
      if (open_immutable(path, &st->db) != SQLITE_OK) {
        rc = st->db ? store_fail(path, err, REPORT_EIO, "cannot open: %s", sqlite3_errmsg(st->db))
                    : store_fail(path, err, REPORT_ENOMEM, "out of memory");
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
  if ((rc = store_exec(st, "BEGIN", err, "reading the database header"))) goto fail;
  if ((rc = store_pragma_int(st, "PRAGMA application_id", &app_id, err)) ||
      (rc = store_pragma_int(st, "PRAGMA user_version", &version, err)) ||
      (rc = store_pragma_int(st, "SELECT count(*) FROM sqlite_master", &tables, err))) {
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    goto fail;
  }
  if ((rc = store_exec(st, "COMMIT", err, "reading the database header"))) goto fail;
  if ((rc = check_header(st, app_id, version, tables, err))) goto fail;
  if (st->readonly) {
    if (version == 0) {
      rc = store_fail(path, err, REPORT_ESCHEMA, "holds no drsim results (empty or "
                "not a drsim database)");
      goto fail;
    }
    /* An older version is read as it is (columns added later read as
    ** NULL); only a read-write open migrates it. */
  } else {
    /* WAL: readers never block the writer and a crash never corrupts;
    ** NORMAL sync is durable against process crashes, and against power
    ** loss loses at most the last commits. */
    if ((rc = store_switch_to_wal(st, err))) goto fail;
    if ((rc = store_exec(st, "PRAGMA synchronous = NORMAL", err, "setting synchronous")))
      goto fail;
    if (version < REPORT_STORE_SCHEMA_VERSION && (rc = store_migrate(st, err))) goto fail;
    version = REPORT_STORE_SCHEMA_VERSION;
  }
  st->version = (int)version;
  if ((rc = store_exec(st, "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY",
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
                            &st->ins_trial_one[0], &st->ins_trial_one[1],
                            &st->ins_detail[0], &st->ins_detail[1],
                            &st->ins_detail[2], &st->ins_detail[3],
                            &st->ins_incident, &st->upd_done,
                            &st->upd_stats[0], &st->upd_stats[1], &st->upd_stats[2],
                            &st->upd_stats[3], &st->ins_trial_block[0],
                            &st->ins_trial_block[1]};
  for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
    sqlite3_finalize(*stmts[i]);
  sqlite3_close(st->db);    /* NULL is a no-op */
  free(st->sacc);
  free(st->cacc);
  free(st->pacc);
  free(st->eacc);
  free(st->views);
  report_store_set_detail_source(st, NULL, NULL, NULL);
  store_kept_clear(st);
  free(st->path);
  free(st);
}

const char *report_store_path(const report_store *st)
{
  return st->path;
}

int store_need_writable(report_store *st, report_error *err)
{
  if (st->readonly)
    return store_fail(st->path, err, REPORT_EINVAL, "opened read-only; cannot write a run");
  return REPORT_OK;
}

/* Run a one-off statement with bound parameters already set; finalize. */
int store_step_once(report_store *st, sqlite3_stmt *s, report_error *err,
                     const char *what)
{
  int rc = sqlite3_step(s);
  if (rc != SQLITE_DONE) {
    rc = store_db_fail(st, err, what);
    sqlite3_finalize(s);
    return rc;
  }
  sqlite3_finalize(s);
  return REPORT_OK;
}

int store_prep_once(report_store *st, const char *sql, sqlite3_stmt **s,
                     report_error *err)
{
  if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
    *s = NULL;
    return store_db_fail(st, err, "preparing a statement");
  }
  return REPORT_OK;
}

int report_store_snapshot_begin(report_store *st, report_error *err)
{
  int rc = store_exec(st, "BEGIN", err, "starting a read transaction");
  if (rc) return rc;
  /* A deferred transaction takes its snapshot at the first read. */
  int64_t v = 0;
  rc = store_pragma_int(st, "SELECT count(*) FROM runs", &v, err);
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
  int rc = store_prep_once(st, "PRAGMA integrity_check", &s, err);
  if (rc) return rc;
  int step = sqlite3_step(s);
  if (step != SQLITE_ROW) {
    rc = store_db_fail(st, err, "checking integrity");
  } else {
    const char *t = (const char *)sqlite3_column_text(s, 0);
    if (!t || strcmp(t, "ok") != 0)
      rc = store_fail(st->path, err, REPORT_ESCHEMA, "integrity check failed: %s",
                t ? t : "(no answer)");
  }
  sqlite3_finalize(s);
  return rc;
}

struct sqlite3 *report_store_sqlite(report_store *st) { return st->db; }
