/*
** reports/merge_write.c — writing a merge plan (reports/merge.h) into a new
** database: the output's tables found from its schema, each part attached
** and copied in its own transaction, aggregates combined by the column
** table's rules (reports/columns.h), the temporary file linked into place.
** How and why: the header of reports/merge.c. Part of the merge module.
*/
#include "reports/merge_internal.h"
#include "reports/columns.h"
#include "reports/sqltext.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

/* ------------------------------------------------------------- write */







static void free_cols(char **cols, size_t n)
{
  for (size_t i = 0; i < n; i++) free(cols[i]);
  free(cols);
}

void merge_writer_free_tables(writer *w)
{
  for (size_t i = 0; i < w->n_tables; i++) {
    free(w->tables[i].name);
    free_cols(w->tables[i].cols, w->tables[i].n_cols);
  }
  free(w->tables);
  free_cols(w->run_cols, w->n_run_cols);
}

static int ends_with(const char *s, const char *suffix)
{
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int has(char **cols, size_t n, const char *c)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(cols[i], c) == 0) return 1;
  return 0;
}

/* Column names of main.`table`. */
static int table_columns(writer *w, const char *table, char ***cols, size_t *n,
                         report_error *err)
{
  *cols = NULL;
  *n = 0;
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(w->db, "SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid",
                         -1, &s, NULL) != SQLITE_OK)
    return merge_db_fail(w->db, w->out_path, err, "reading the schema");
  sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
  size_t cap = 0;
  int rc = REPORT_OK, step;
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    if (*n == cap) {
      size_t c = cap ? 2 * cap : 16;
      char **g = realloc(*cols, c * sizeof *g);
      if (!g) { rc = merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); break; }
      *cols = g;
      cap = c;
    }
    (*cols)[*n] = merge_dupstr((const char *)sqlite3_column_text(s, 0));
    if (!(*cols)[*n]) { rc = merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); break; }
    (*n)++;
  }
  if (rc == REPORT_OK && step != SQLITE_DONE)
    rc = merge_db_fail(w->db, w->out_path, err, "reading the schema");
  sqlite3_finalize(s);
  return rc;
}

int merge_discover_tables(writer *w, report_error *err)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(w->db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                         " AND name NOT LIKE 'sqlite_%' AND name <> 'runs' ORDER BY name",
                         -1, &s, NULL) != SQLITE_OK)
    return merge_db_fail(w->db, w->out_path, err, "reading the schema");
  int rc = REPORT_OK, step;
  size_t cap = 0;
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    char **cols;
    size_t n;
    if ((rc = table_columns(w, name, &cols, &n, err))) break;
    if (!has(cols, n, "run_id")) {   /* not per run: nothing to merge */
      free_cols(cols, n);
      continue;
    }
    if (w->n_tables == cap) {
      size_t c = cap ? 2 * cap : 16;
      table_desc *g = realloc(w->tables, c * sizeof *g);
      if (!g) { free_cols(cols, n); rc = merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); break; }
      w->tables = g;
      cap = c;
    }
    table_desc *t = &w->tables[w->n_tables];
    t->name = merge_dupstr(name);
    t->cols = cols;
    t->n_cols = n;
    t->kind = has(cols, n, "trial") ? TABLE_TRIALS
            : ends_with(name, "_stats") ? TABLE_STATS : TABLE_DIMENSION;
    if (!t->name) { free_cols(cols, n); rc = merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); break; }
    w->n_tables++;
  }
  if (rc == REPORT_OK && step != SQLITE_DONE)
    rc = merge_db_fail(w->db, w->out_path, err, "reading the schema");
  sqlite3_finalize(s);
  if (rc == REPORT_OK) rc = table_columns(w, "runs", &w->run_cols, &w->n_run_cols, err);
  return rc;
}

/* Run one statement with ?1 = new run id and ?2 = the part's run id. */
int merge_exec_ids(writer *w, const char *sql, int64_t new_id, int64_t old_id,
                    const report_merge_part *p, const char *what, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, sql, -1, &s, NULL) != SQLITE_OK) {
    /* A column the part lacks: the part's schema differs from ours. */
    rc = merge_fail(p->path, err, REPORT_ESCHEMA, "%s: %s; was it written by another drsim "
              "version?", what, sqlite3_errmsg(w->db));
    sqlite3_finalize(s);
    return rc;
  }
  sqlite3_bind_int64(s, 1, new_id);
  sqlite3_bind_int64(s, 2, old_id);
  if (sqlite3_step(s) != SQLITE_DONE) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s from %s", what, p->path);
    rc = merge_db_fail(w->db, w->out_path, err, msg);
  }
  sqlite3_finalize(s);
  return rc;
}

/* INSERT INTO main.T (cols) SELECT ?1, cols.. FROM src.T WHERE run_id = ?2 */
int merge_copy_rows(writer *w, const table_desc *t, int64_t new_id,
                     const report_merge_part *p, report_error *err)
{
  report_sqltext b = {0};
  report_sqltext_add(&b, "INSERT INTO main.\"%s\" (", t->name);
  for (size_t i = 0; i < t->n_cols; i++) report_sqltext_add(&b, "%s\"%s\"", i ? ", " : "", t->cols[i]);
  report_sqltext_add(&b, ") SELECT ");
  for (size_t i = 0; i < t->n_cols; i++) {
    if (strcmp(t->cols[i], "run_id") == 0) report_sqltext_add(&b, "%s?1", i ? ", " : "");
    else report_sqltext_add(&b, "%s\"%s\"", i ? ", " : "", t->cols[i]);
  }
  report_sqltext_add(&b, " FROM src.\"%s\" WHERE run_id = ?2", t->name);
  int rc = b.oom ? merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory")
                 : merge_exec_ids(w, b.s, new_id, p->run_id, p, "copying a table", err);
  free(b.s);
  return rc;
}

/* Fold the part's aggregates into the merged run's (see the file header). */
int merge_combine_stats(writer *w, const table_desc *t, int64_t new_id,
                         const report_merge_part *p, report_error *err)
{
  report_sqltext b = {0};
  report_sqltext_add(&b, "UPDATE main.\"%s\" AS m SET ", t->name);
  int first = 1;
  for (size_t i = 0; i < t->n_cols; i++) {
    const char *c = t->cols[i];
    if (strcmp(c, "run_id") == 0 || ends_with(c, "_index")) continue;
    report_sqltext_add(&b, "%s\"%s\" = ", first ? "" : ", ", c);
    first = 0;
    /* The column's rule in reports/columns.h (report_item_tables); a
    ** column the table does not know follows the naming convention.
    ** max() of SQLite returns NULL if either side is: coalesce both ways. */
    const report_stats_column *sc = report_stats_column_find(t->name, c);
    if (sc ? sc->agg == REPORT_AGG_MAX : strncmp(c, "max_", 4) == 0)
      report_sqltext_add(&b, "max(coalesce(m.\"%s\", q.\"%s\"), coalesce(q.\"%s\", m.\"%s\"))",
             c, c, c, c);
    else
      report_sqltext_add(&b, "m.\"%s\" + q.\"%s\"", c, c);
  }
  report_sqltext_add(&b, " FROM src.\"%s\" AS q WHERE m.run_id = ?1 AND q.run_id = ?2", t->name);
  for (size_t i = 0; i < t->n_cols; i++)
    if (ends_with(t->cols[i], "_index"))
      report_sqltext_add(&b, " AND m.\"%s\" = q.\"%s\"", t->cols[i], t->cols[i]);
  int rc = REPORT_OK;
  if (b.oom) rc = merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory");
  else if (!first) rc = merge_exec_ids(w, b.s, new_id, p->run_id, p, "combining aggregates", err);
  free(b.s);
  return rc;
}

/* The merged run's row: the first part's, with the merged counts. */
static int insert_run(writer *w, const report_merge_plan *plan, int64_t *new_id,
                      report_error *err)
{
  const report_merge_part *p0 = &plan->parts[0];
  const char *started = NULL, *finished = NULL;
  unsigned threads = 0;
  int running = 0;
  for (size_t i = 0; i < plan->n_parts; i++) {
    const report_merge_part *p = &plan->parts[i];
    if (p->started && (!started || strcmp(p->started, started) < 0)) started = p->started;
    if (!p->finished) running = 1;
    else if (!finished || strcmp(p->finished, finished) > 0) finished = p->finished;
    threads += p->threads;
  }
  report_sqltext b = {0};
  report_sqltext_add(&b, "INSERT INTO main.runs (");
  int first = 1;
  for (size_t i = 0; i < w->n_run_cols; i++) {
    if (strcmp(w->run_cols[i], "id") == 0) continue;
    report_sqltext_add(&b, "%s\"%s\"", first ? "" : ", ", w->run_cols[i]);
    first = 0;
  }
  report_sqltext_add(&b, ") SELECT ");
  first = 1;
  for (size_t i = 0; i < w->n_run_cols; i++) {
    const char *c = w->run_cols[i];
    if (strcmp(c, "id") == 0) continue;
    const char *v = strcmp(c, "trials") == 0 || strcmp(c, "total_trials") == 0 ? ":total"
                  : strcmp(c, "first_trial") == 0 ? "0"
                  : strcmp(c, "trials_done") == 0 ? ":stored"
                  : strcmp(c, "status") == 0 ? ":status"
                  : strcmp(c, "started") == 0 ? ":started"
                  : strcmp(c, "finished") == 0 ? ":finished"
                  : strcmp(c, "threads") == 0 ? ":threads"
                  : strcmp(c, "shard") == 0 || strcmp(c, "sweep_id") == 0 ||
                    strcmp(c, "point") == 0 ? "NULL" : NULL;
    if (v) report_sqltext_add(&b, "%s%s", first ? "" : ", ", v);
    else report_sqltext_add(&b, "%s\"%s\"", first ? "" : ", ", c);
    first = 0;
  }
  report_sqltext_add(&b, " FROM src.runs WHERE id = :id");
  if (b.oom) { free(b.s); return merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); }
  sqlite3_stmt *s = NULL;
  int rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, b.s, -1, &s, NULL) != SQLITE_OK) {
    rc = merge_fail(p0->path, err, REPORT_ESCHEMA, "writing the merged run: %s; was it written "
              "by another drsim version?", sqlite3_errmsg(w->db));
    goto out;
  }
  const char *status = plan->n_gaps ? "interrupted" : "complete";
  sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":total"), (int64_t)plan->total_trials);
  sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":stored"), (int64_t)plan->trials_stored);
  sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":status"), status, -1, SQLITE_STATIC);
  if (started)
    sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":started"), started, -1, SQLITE_STATIC);
  /* A part still 'running' (or killed) has no end: the merged run neither. */
  if (finished && !running)
    sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":finished"), finished, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":threads"), threads);
  sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":id"), p0->run_id);
  if (sqlite3_step(s) != SQLITE_DONE) rc = merge_db_fail(w->db, w->out_path, err, "writing the merged run");
  else *new_id = sqlite3_last_insert_rowid(w->db);
out:
  sqlite3_finalize(s);
  free(b.s);
  return rc;
}

/* "file:PATH?mode=ro" with the characters URIs reserve escaped. */
char *merge_readonly_uri(const char *path)
{
  size_t n = strlen(path);
  char *u = malloc(3 * n + 16);
  if (!u) return NULL;
  char *q = u + sprintf(u, "file:");
  for (const char *p = path; *p; p++) {
    if (*p == '%' || *p == '?' || *p == '#') q += sprintf(q, "%%%02X", (unsigned char)*p);
    else *q++ = *p;
  }
  strcpy(q, "?mode=ro");
  return u;
}

int merge_simple(writer *w, const char *sql, const char *what, report_error *err)
{
  if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return merge_db_fail(w->db, w->out_path, err, what);
  return REPORT_OK;
}

/* Copy one part in one transaction. */
static int merge_part(writer *w, const report_merge_plan *plan, size_t i, int64_t *new_id,
                      report_error *err)
{
  const report_merge_part *p = &plan->parts[i];
  char *uri = merge_readonly_uri(p->path);
  if (!uri) return merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory");
  sqlite3_stmt *s = NULL;
  int rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, "ATTACH DATABASE ?1 AS src", -1, &s, NULL) != SQLITE_OK) {
    rc = merge_db_fail(w->db, w->out_path, err, "attaching a part");
    free(uri);
    return rc;
  }
  sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC);
  int step = sqlite3_step(s);
  sqlite3_finalize(s);
  free(uri);
  if (step != SQLITE_DONE) return merge_db_fail(w->db, p->path, err, "cannot attach");
  if ((rc = merge_simple(w, "BEGIN IMMEDIATE", "starting the merge", err))) goto detach;
  if (i == 0 && (rc = insert_run(w, plan, new_id, err))) goto rollback;
  for (size_t t = 0; t < w->n_tables; t++) {
    const table_desc *td = &w->tables[t];
    if (td->kind == TABLE_TRIALS || i == 0) rc = merge_copy_rows(w, td, *new_id, p, err);
    else if (td->kind == TABLE_STATS) rc = merge_combine_stats(w, td, *new_id, p, err);
    if (rc) goto rollback;
  }
  if ((rc = merge_simple(w, "COMMIT", "committing the merge", err))) goto rollback;
  goto detach;
rollback:
  sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
detach:
  if (sqlite3_exec(w->db, "DETACH DATABASE src", NULL, NULL, NULL) != SQLITE_OK && rc == REPORT_OK)
    rc = merge_db_fail(w->db, w->out_path, err, "detaching a part");
  return rc;
}

void merge_remove_db_files(const char *path)
{
  size_t n = strlen(path) + 8;
  char *x = malloc(n);
  unlink(path);
  if (!x) return;
  snprintf(x, n, "%s-wal", path);
  unlink(x);
  snprintf(x, n, "%s-shm", path);
  unlink(x);
  snprintf(x, n, "%s-journal", path);
  unlink(x);
  free(x);
}

/* Remove OUT.tmp-PID (and its -wal/-shm/-journal) left by merges whose
** process is gone: a merge killed with kill -9 cannot clean up itself. */
void merge_remove_stale_temps(const char *out_path)
{
  const char *slash = strrchr(out_path, '/');
  const char *base = slash ? slash + 1 : out_path;
  size_t dl = slash ? (size_t)(slash - out_path) + 1 : 0;
  char *dir = malloc(dl + 2);
  if (!dir) return;
  if (dl) memcpy(dir, out_path, dl);
  else dir[dl++] = '.';
  dir[dl] = '\0';
  DIR *d = opendir(dir);
  if (!d) { free(dir); return; }
  size_t bl = strlen(base);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *n = e->d_name;
    if (strncmp(n, base, bl) != 0 || strncmp(n + bl, ".tmp-", 5) != 0) continue;
    char *end;
    errno = 0;
    long pid = strtol(n + bl + 5, &end, 10);
    if (errno || end == n + bl + 5 || pid <= 0) continue;
    if (*end && strcmp(end, "-wal") && strcmp(end, "-shm") && strcmp(end, "-journal")) continue;
    if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    size_t need = strlen(dir) + strlen(n) + 2;
    char *full = malloc(need);
    if (!full) break;
    snprintf(full, need, "%s%s%s", dir, slash ? "" : "/", n);
    unlink(full);
    free(full);
  }
  closedir(d);
  free(dir);
}

/* SQLite progress handler: nonzero interrupts the running statement. */
int merge_stop_requested(void *ctx)
{
  volatile sig_atomic_t *stop = ctx;
  return stop && *stop;
}

int report_merge_write(const report_merge_plan *plan, const char *out_path, int allow_gaps,
                       int64_t *run_id, report_error *err)
{
  return report_merge_write_stoppable(plan, out_path, allow_gaps, NULL, run_id, err);
}

int report_merge_write_stoppable(const report_merge_plan *plan, const char *out_path,
                                 int allow_gaps, volatile sig_atomic_t *stop,
                                 int64_t *run_id, report_error *err)
{
  *run_id = 0;
  if (!plan || plan->n_parts == 0) return merge_fail(out_path, err, REPORT_EINVAL, "nothing to merge");
  if (plan->n_gaps && !allow_gaps) {
    uint64_t missing = plan->total_trials - plan->trials_stored;
    return merge_fail(NULL, err, REPORT_EINVAL, "%llu of %llu trials are missing (%zu gap%s); "
                "nothing was written", (unsigned long long)missing,
                (unsigned long long)plan->total_trials, plan->n_gaps,
                plan->n_gaps == 1 ? "" : "s");
  }
  struct stat sb;
  if (stat(out_path, &sb) == 0)
    return merge_fail(out_path, err, REPORT_EINVAL, "exists; merge writes a new database: "
                "remove it or choose another -o");
  if (errno != ENOENT)
    return merge_fail(out_path, err, REPORT_EIO, "cannot write: %s", strerror(errno));

  size_t tn = strlen(out_path) + 32;
  char *tmp = malloc(tn);
  if (!tmp) return merge_fail(out_path, err, REPORT_ENOMEM, "out of memory");
  snprintf(tmp, tn, "%s.tmp-%ld", out_path, (long)getpid());
  merge_remove_stale_temps(out_path);
  merge_remove_db_files(tmp);

  writer w = {0};
  w.out_path = out_path;
  report_store *st = NULL;
  int rc = report_store_open(tmp, REPORT_STORE_READWRITE, &st, err);
  report_store_close(st);
  if (rc) goto out;
  /* URI names: ATTACH opens each part read-only (file:...?mode=ro). */
  if (sqlite3_open_v2(tmp, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    rc = merge_db_fail(w.db, out_path, err, "cannot create");
    goto out;
  }
  sqlite3_busy_timeout(w.db, MERGE_BUSY_MS);
  if (stop) sqlite3_progress_handler(w.db, 10000, merge_stop_requested, (void *)stop);
  if ((rc = merge_discover_tables(&w, err))) goto out;
  int64_t new_id = 0;
  for (size_t i = 0; i < plan->n_parts; i++) {
    if (stop && *stop) {
      rc = merge_fail(out_path, err, REPORT_EINTR, "interrupted; nothing was written");
      goto out;
    }
    if ((rc = merge_part(&w, plan, i, &new_id, err))) {
      if (stop && *stop) rc = merge_fail(out_path, err, REPORT_EINTR, "interrupted; nothing was written");
      goto out;
    }
  }
  /* Fold the WAL into the file, so the one file is the whole database. */
  if ((rc = merge_simple(&w, "PRAGMA wal_checkpoint(TRUNCATE)", "finishing the database", err)))
    goto out;
  if (sqlite3_close(w.db) != SQLITE_OK) {
    rc = merge_db_fail(w.db, out_path, err, "closing");
    goto out;
  }
  w.db = NULL;
  /* link() never replaces: an output created meanwhile is not clobbered. */
  if (link(tmp, out_path) != 0) {
    if (errno == EEXIST) {
      rc = merge_fail(out_path, err, REPORT_EINVAL, "appeared while merging; nothing replaced");
      goto out;
    }
    /* Filesystems without hard links: rename (checked for existence above). */
    if (rename(tmp, out_path) != 0) {
      rc = merge_fail(out_path, err, REPORT_EIO, "cannot create: %s", strerror(errno));
      goto out;
    }
  }
  *run_id = new_id;
out:
  if (w.db) sqlite3_close(w.db);
  merge_writer_free_tables(&w);
  merge_remove_db_files(tmp);
  free(tmp);
  return rc;
}
