/*
** reports/merge_study.c — merging the shards of a study (sweep,
** sensitivity, size --all): every point's run copied whole into sweep 1 of
** a new database. Part of the merge module (reports/merge_internal.h).
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

/* ------------------------------------------------------------- studies */

/* One point's run in a part. */
typedef struct study_run_ref {
  size_t file;              /* index into paths */
  int64_t run_id, sweep_id, point;
  char *name, *detail, *version, *mode, *status;
  uint64_t seed, trials;
} study_run_ref;

static void study_refs_free(study_run_ref *r, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(r[i].name); free(r[i].detail); free(r[i].version); free(r[i].mode); free(r[i].status);
  }
  free(r);
}

/* Every run of every part, with its sweep and point (point -1: none). */
static int read_study_refs(const char *const *paths, size_t n, study_run_ref **out, size_t *n_out,
                           report_error *err)
{
  study_run_ref *r = NULL;
  size_t cnt = 0, cap = 0;
  int rc = REPORT_OK;
  for (size_t f = 0; f < n && rc == REPORT_OK; f++) {
    report_store *st = NULL;
    if ((rc = report_store_open(paths[f], REPORT_STORE_READONLY, &st, err)) != REPORT_OK) break;
    report_store_close(st);
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    if (sqlite3_open_v2(paths[f], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT id, coalesce(sweep_id, 0), coalesce(point, -1),"
                           " scenario_name, seed, trials, detail, program_version, mode, status"
                           " FROM runs ORDER BY point, id", -1, &s, NULL) != SQLITE_OK) {
      rc = merge_db_fail(db, paths[f], err, "reading its runs");
      sqlite3_finalize(s);
      sqlite3_close(db);
      break;
    }
    size_t before = cnt;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
      if (cnt == cap) {
        cap = cap ? 2 * cap : 16;
        study_run_ref *g = realloc(r, cap * sizeof *g);
        if (!g) { rc = merge_fail(NULL, err, REPORT_ENOMEM, "out of memory"); break; }
        r = g;
      }
      study_run_ref *x = &r[cnt++];
      memset(x, 0, sizeof *x);
      int ok = 1;
      x->file = f;
      x->run_id = sqlite3_column_int64(s, 0);
      x->sweep_id = sqlite3_column_int64(s, 1);
      x->point = sqlite3_column_int64(s, 2);
      x->name = merge_col_text(s, 3, &ok);
      x->seed = (uint64_t)sqlite3_column_int64(s, 4);
      x->trials = (uint64_t)sqlite3_column_int64(s, 5);
      x->detail = merge_col_text(s, 6, &ok);
      x->version = merge_col_text(s, 7, &ok);
      x->mode = merge_col_text(s, 8, &ok);
      x->status = merge_col_text(s, 9, &ok);
      if (!ok) { rc = merge_fail(NULL, err, REPORT_ENOMEM, "out of memory"); break; }
    }
    if (rc == REPORT_OK && step != SQLITE_DONE) rc = merge_db_fail(db, paths[f], err, "reading its runs");
    if (rc == REPORT_OK && cnt == before)
      rc = merge_fail(paths[f], err, REPORT_EINVAL, "holds no run");
    sqlite3_finalize(s);
    sqlite3_close(db);
  }
  if (rc != REPORT_OK) {
    study_refs_free(r, cnt);
    return rc;
  }
  *out = r;
  *n_out = cnt;
  return REPORT_OK;
}

int report_merge_is_study(const char *const *paths, size_t n, int *is_study, report_error *err)
{
  *is_study = 0;
  study_run_ref *r = NULL;
  size_t cnt = 0, points = 0;
  int rc = read_study_refs(paths, n, &r, &cnt, err);
  if (rc != REPORT_OK) return rc;
  for (size_t i = 0; i < cnt; i++) points += r[i].sweep_id > 0 && r[i].point >= 0;
  if (points && points != cnt) {
    for (size_t i = 0; i < cnt; i++)
      if (!(r[i].sweep_id > 0 && r[i].point >= 0)) {
        rc = merge_fail(paths[r[i].file], err, REPORT_EINVAL, "run %lld is not a point of a study, "
                  "while other parts hold study points (drsim sweep --shard); merge the shards "
                  "of one study, or of one run, at a time", (long long)r[i].run_id);
        break;
      }
  }
  *is_study = points > 0 && points == cnt;
  study_refs_free(r, cnt);
  return rc;
}

static int cmp_refs(const void *a, const void *b)
{
  const study_run_ref *x = a, *y = b;
  return x->point < y->point ? -1 : x->point > y->point;
}

/* The point's run as the merged sweep's: every column but id, sweep_id 1. */
static int insert_study_run(writer *w, const report_merge_part *p, int64_t *new_id,
                            report_error *err)
{
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
    if (strcmp(c, "sweep_id") == 0) report_sqltext_add(&b, "%s1", first ? "" : ", ");
    else report_sqltext_add(&b, "%s\"%s\"", first ? "" : ", ", c);
    first = 0;
  }
  report_sqltext_add(&b, " FROM src.runs WHERE id = ?2");
  int rc = b.oom ? merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory")
                 : merge_exec_ids(w, b.s, 0, p->run_id, p, "copying a point's run", err);
  free(b.s);
  if (rc == REPORT_OK) *new_id = sqlite3_last_insert_rowid(w->db);
  return rc;
}

/* Copy one point's run whole, in one transaction. */
static int copy_study_run(writer *w, const char *path, int64_t run_id, report_error *err)
{
  report_merge_part p;
  memset(&p, 0, sizeof p);
  p.path = (char *)path;
  p.run_id = run_id;
  char *uri = merge_readonly_uri(path);
  if (!uri) return merge_fail(w->out_path, err, REPORT_ENOMEM, "out of memory");
  sqlite3_stmt *s = NULL;
  int attached = 0, rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, "ATTACH DATABASE ?1 AS src", -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC);
    attached = sqlite3_step(s) == SQLITE_DONE;
  }
  sqlite3_finalize(s);
  free(uri);
  if (!attached) return merge_db_fail(w->db, path, err, "cannot attach");
  int64_t new_id = 0;
  if ((rc = merge_simple(w, "BEGIN IMMEDIATE", "starting the merge", err))) goto detach;
  if ((rc = insert_study_run(w, &p, &new_id, err))) goto rollback;
  for (size_t t = 0; t < w->n_tables; t++)
    if ((rc = merge_copy_rows(w, &w->tables[t], new_id, &p, err))) goto rollback;
  if ((rc = merge_simple(w, "COMMIT", "committing the merge", err))) goto rollback;
  goto detach;
rollback:
  sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
detach:
  sqlite3_exec(w->db, "DETACH DATABASE src", NULL, NULL, NULL);
  return rc;
}

int report_merge_study_write(const char *const *paths, size_t n, const char *out_path,
                             volatile sig_atomic_t *stop, report_merge_study_info *info,
                             report_error *err)
{
  memset(info, 0, sizeof *info);
  study_run_ref *r = NULL;
  size_t cnt = 0;
  int rc = read_study_refs(paths, n, &r, &cnt, err);
  if (rc != REPORT_OK) return rc;
  /* One study: one sweep per file, the same scenario, seed, trials, ... */
  for (size_t i = 0; i < cnt && rc == REPORT_OK; i++) {
    const study_run_ref *x = &r[i], *q = &r[0];
    const char *what = NULL;
    if (x->sweep_id <= 0 || x->point < 0) what = "not a point of a study";
    else if (i && x->file == r[i - 1].file && x->sweep_id != r[i - 1].sweep_id)
      what = "of another sweep than the file's other runs";
    else if (!merge_same(x->name, q->name)) what = "of another scenario";
    else if (x->seed != q->seed) what = "of another seed";
    else if (x->trials != q->trials) what = "of another trial count";
    else if (!merge_same(x->mode, q->mode) || !merge_same(x->detail, q->detail)) what = "of another mode or detail";
    else if (!merge_same(x->version, q->version)) what = "of another drsim version";
    if (what)
      rc = merge_fail(NULL, err, REPORT_EINVAL, "%s run %lld (point %lld) is %s (compared with %s run %lld); "
                "merge the shards of one study (the same command with --shard K/N)",
                paths[x->file], (long long)x->run_id, (long long)x->point, what,
                paths[q->file], (long long)q->run_id);
  }
  if (rc == REPORT_OK) qsort(r, cnt, sizeof *r, cmp_refs);
  for (size_t i = 1; i < cnt && rc == REPORT_OK; i++)
    if (r[i].point == r[i - 1].point)
      rc = merge_fail(NULL, err, REPORT_EINVAL, "point %lld is in %s run %lld and in %s run %lld: "
                "the same point was run twice; merge only one of them", (long long)r[i].point,
                paths[r[i - 1].file], (long long)r[i - 1].run_id, paths[r[i].file],
                (long long)r[i].run_id);
  if (rc != REPORT_OK) {
    study_refs_free(r, cnt);
    return rc;
  }
  struct stat sb;
  if (stat(out_path, &sb) == 0) {
    study_refs_free(r, cnt);
    return merge_fail(out_path, err, REPORT_EINVAL, "exists; merge writes a new database: remove it "
                "or choose another -o");
  }
  size_t tn = strlen(out_path) + 32;
  char *tmp = malloc(tn);
  if (!tmp) {
    study_refs_free(r, cnt);
    return merge_fail(out_path, err, REPORT_ENOMEM, "out of memory");
  }
  snprintf(tmp, tn, "%s.tmp-%ld", out_path, (long)getpid());
  merge_remove_stale_temps(out_path);
  merge_remove_db_files(tmp);
  writer w = {0};
  w.out_path = out_path;
  report_store *st = NULL;
  rc = report_store_open(tmp, REPORT_STORE_READWRITE, &st, err);
  report_store_close(st);
  if (rc) goto out;
  if (sqlite3_open_v2(tmp, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    rc = merge_db_fail(w.db, out_path, err, "cannot create");
    goto out;
  }
  sqlite3_busy_timeout(w.db, MERGE_BUSY_MS);
  if (stop) sqlite3_progress_handler(w.db, 10000, merge_stop_requested, (void *)stop);
  if ((rc = merge_discover_tables(&w, err))) goto out;
  for (size_t i = 0; i < cnt; i++) {
    if ((stop && *stop) || (rc = copy_study_run(&w, paths[r[i].file], r[i].run_id, err))) {
      if (stop && *stop) rc = merge_fail(out_path, err, REPORT_EINTR, "interrupted; nothing was written");
      goto out;
    }
    info->n_incomplete += !r[i].status || strcmp(r[i].status, "complete") != 0;
  }
  if ((rc = merge_simple(&w, "PRAGMA wal_checkpoint(TRUNCATE)", "finishing the database", err)))
    goto out;
  if (sqlite3_close(w.db) != SQLITE_OK) {
    rc = merge_db_fail(w.db, out_path, err, "closing");
    goto out;
  }
  w.db = NULL;
  if (link(tmp, out_path) != 0 && (errno == EEXIST || rename(tmp, out_path) != 0)) {
    rc = merge_fail(out_path, err, errno == EEXIST ? REPORT_EINVAL : REPORT_EIO, "cannot create: %s",
              strerror(errno));
    goto out;
  }
  info->n_points = cnt;
  info->first_point = r[0].point;
  info->last_point = r[cnt - 1].point;
  info->n_missing = (size_t)(r[cnt - 1].point - r[0].point + 1) - cnt;
  info->scenario_name = merge_dupstr(r[0].name);
out:
  if (w.db) sqlite3_close(w.db);
  merge_writer_free_tables(&w);
  merge_remove_db_files(tmp);
  free(tmp);
  study_refs_free(r, cnt);
  return rc;
}
