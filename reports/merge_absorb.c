/*
** reports/merge_absorb.c — absorbing a part database into an open run
** (report_merge_absorb: MPI ranks' parts and --resume), and the part files'
** names and info. Part of the merge module (reports/merge_internal.h).
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

/* ------------------------------------------------------------- absorb */

/* The one run of a part file, read as report_merge_plan_new reads parts. */
static int read_single_part(const char *path, plan_builder *b, report_error *err)
{
  memset(b, 0, sizeof *b);
  int rc = merge_read_part_file(b, path, err);
  if (rc == REPORT_OK && b->n != 1)
    rc = merge_fail(path, err, REPORT_EINVAL, "holds %zu runs; a part holds one", b->n);
  return rc;
}

static void free_single_part(plan_builder *b)
{
  for (size_t i = 0; i < b->n; i++) {
    merge_part_free(&b->parts[i]);
    merge_meta_free(&b->meta[i]);
  }
  free(b->parts);
  free(b->meta);
}

int report_merge_part_info(const char *part_path, uint64_t *first_trial, uint64_t *trials,
                           uint64_t *trials_done, uint64_t *seed, char *hash, size_t hash_len,
                           report_error *err)
{
  plan_builder b;
  int rc = read_single_part(part_path, &b, err);
  if (rc == REPORT_OK) {
    *first_trial = b.parts[0].first_trial;
    *trials = b.parts[0].trials;
    *trials_done = b.parts[0].trials_done;
    *seed = b.meta[0].seed;
    if (hash_len) snprintf(hash, hash_len, "%s", b.meta[0].hash ? b.meta[0].hash : "");
  }
  free_single_part(&b);
  return rc;
}

/* Check that part p (meta m) continues run run_id of w->db. */
static int absorb_check(writer *w, int64_t run_id, const report_merge_part *p,
                        const part_meta *m, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, "SELECT scenario_hash, overrides, seed, mode, detail,"
                         " program_version, first_trial, trials_done, trials, status"
                         " FROM main.runs WHERE id = ?1", -1, &s, NULL) != SQLITE_OK)
    return merge_db_fail(w->db, w->out_path, err, "reading the run");
  sqlite3_bind_int64(s, 1, run_id);
  int step = sqlite3_step(s);
  if (step != SQLITE_ROW) {
    rc = step == SQLITE_DONE ? merge_fail(w->out_path, err, REPORT_ENOTFOUND, "no run %lld",
                                    (long long)run_id)
                             : merge_db_fail(w->db, w->out_path, err, "reading the run");
    goto out;
  }
  const char *hash = (const char *)sqlite3_column_text(s, 0);
  const char *overrides = (const char *)sqlite3_column_text(s, 1);
  const char *mode = (const char *)sqlite3_column_text(s, 3);
  const char *detail = (const char *)sqlite3_column_text(s, 4);
  const char *version = (const char *)sqlite3_column_text(s, 5);
  uint64_t seed = (uint64_t)sqlite3_column_int64(s, 2);
  uint64_t first = (uint64_t)sqlite3_column_int64(s, 6);
  uint64_t done = (uint64_t)sqlite3_column_int64(s, 7);
  uint64_t planned = (uint64_t)sqlite3_column_int64(s, 8);
  const char *status = (const char *)sqlite3_column_text(s, 9);
  if (!merge_same(hash, m->hash) || !merge_same(overrides, m->overrides) || seed != m->seed ||
      !merge_same(mode, m->mode) || !merge_same(detail, m->detail) || !merge_same(version, m->version))
    rc = merge_fail(p->path, err, REPORT_EINVAL, "run %lld is not a part of run %lld of %s (another "
              "scenario, --set, seed, detail or drsim version)", (long long)p->run_id,
              (long long)run_id, w->out_path);
  else if (p->first_trial != first + done)
    rc = merge_fail(p->path, err, REPORT_EINVAL, "run %lld starts at trial %llu, but run %lld of %s "
              "continues at trial %llu", (long long)p->run_id,
              (unsigned long long)p->first_trial, (long long)run_id, w->out_path,
              (unsigned long long)(first + done));
  else if (p->first_trial + p->trials_done > first + planned)
    rc = merge_fail(p->path, err, REPORT_EINVAL, "run %lld stores trials beyond the %llu of run %lld",
              (long long)p->run_id, (unsigned long long)planned, (long long)run_id);
  else if (!status || strcmp(status, "running") != 0)
    rc = merge_fail(w->out_path, err, REPORT_EINVAL, "run %lld is %s, not running", (long long)run_id,
              status ? status : "?");
out:
  sqlite3_finalize(s);
  return rc;
}

int report_merge_absorb(const char *db_path, int64_t run_id, const char *part_path,
                        uint64_t *absorbed, report_error *err)
{
  *absorbed = 0;
  plan_builder b;
  int rc = read_single_part(part_path, &b, err);
  if (rc) {
    free_single_part(&b);
    return rc;
  }
  const report_merge_part *p = &b.parts[0];
  writer w = {0};
  w.out_path = db_path;
  int attached = 0;
  if (sqlite3_open_v2(db_path, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    rc = merge_db_fail(w.db, db_path, err, "cannot open");
    goto out;
  }
  sqlite3_busy_timeout(w.db, MERGE_BUSY_MS);
  if ((rc = merge_discover_tables(&w, err)) || (rc = absorb_check(&w, run_id, p, &b.meta[0], err)))
    goto out;
  if (p->trials_done == 0) goto out;
  char *uri = merge_readonly_uri(p->path);
  if (!uri) { rc = merge_fail(db_path, err, REPORT_ENOMEM, "out of memory"); goto out; }
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(w.db, "ATTACH DATABASE ?1 AS src", -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC);
    attached = sqlite3_step(s) == SQLITE_DONE;
  }
  sqlite3_finalize(s);
  free(uri);
  if (!attached) { rc = merge_db_fail(w.db, p->path, err, "cannot attach"); goto out; }
  if ((rc = merge_simple(&w, "BEGIN IMMEDIATE", "starting to absorb a part", err))) goto out;
  /* Checked again inside the transaction: nobody appended meanwhile. */
  if ((rc = absorb_check(&w, run_id, p, &b.meta[0], err))) goto rollback;
  for (size_t t = 0; t < w.n_tables; t++) {
    const table_desc *td = &w.tables[t];
    if (td->kind == TABLE_TRIALS) rc = merge_copy_rows(&w, td, run_id, p, err);
    else if (td->kind == TABLE_STATS) rc = merge_combine_stats(&w, td, run_id, p, err);
    if (rc) goto rollback;
  }
  if (sqlite3_prepare_v2(w.db, "UPDATE main.runs SET trials_done = trials_done + ?1 WHERE id = ?2",
                         -1, &s, NULL) != SQLITE_OK) {
    rc = merge_db_fail(w.db, db_path, err, "counting the absorbed trials");
    goto rollback;
  }
  sqlite3_bind_int64(s, 1, (int64_t)p->trials_done);
  sqlite3_bind_int64(s, 2, run_id);
  if (sqlite3_step(s) != SQLITE_DONE) rc = merge_db_fail(w.db, db_path, err, "counting the absorbed trials");
  sqlite3_finalize(s);
  if (rc) goto rollback;
  if ((rc = merge_simple(&w, "COMMIT", "committing the absorbed part", err))) goto rollback;
  *absorbed = p->trials_done;
  goto out;
rollback:
  sqlite3_exec(w.db, "ROLLBACK", NULL, NULL, NULL);
out:
  if (attached) sqlite3_exec(w.db, "DETACH DATABASE src", NULL, NULL, NULL);
  if (w.db) sqlite3_close(w.db);
  merge_writer_free_tables(&w);
  free_single_part(&b);
  return rc;
}

int report_merge_part_name(char *buf, size_t n, const char *db_path, uint64_t first)
{
  int k = snprintf(buf, n, "%s.from%llu", db_path, (unsigned long long)first);
  return k < 0 || (size_t)k >= n ? -1 : 0;
}
