/*
** reports/merge.c — merge the shards of one run into one database (contract
** in reports/merge.h): this file plans (which parts, whether they are
** shards of one run, overlaps and gaps) and holds the module's shared
** helpers; merge_write.c writes a plan, merge_absorb.c absorbs a part into
** an open run, merge_study.c merges the shards of a study
** (reports/merge_internal.h).
**
** How: parts are validated through report_store_open (read-only: a drsim
** database of this schema version), their runs read with plain SQL, then
** the output is created by report_store_open (so it has exactly the store's
** schema) under a temporary name and filled with ATTACH + INSERT ... SELECT,
** one part at a time and one transaction per part (SQLite cannot ATTACH
** inside a transaction, and attaches at most ~10 files at once, so a
** 64-shard merge cannot be a single transaction; the temporary name gives
** the atomicity instead). Tables are found from the output's schema, not
** listed here, so a column or per-trial table added to the store later is
** merged without touching this file:
**   - runs: one row, from the first part, with trials / trials_done /
**     status / timestamps / threads / total of the merged run;
**   - tables with run_id and trial (trials, steps, components,
**     standby_trials, ...): every row of every part;
**   - tables named *_stats: the first part's rows, then the other parts
**     combined in by each column's rule in reports/columns.h
**     (report_item_tables: summed, or the larger); *_index are keys; a
**     column the table does not know is summed unless named max_*;
**   - other tables with run_id (run_environments, run_steps, ...): the
**     dimensions, from the first part (all parts have the same scenario).
*/
#include "reports/merge_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>

int merge_fail(const char *path, report_error *err, int status, const char *fmt, ...)
{
  if (err) {
    int k = path ? snprintf(err->text, sizeof err->text, "%s: ", path) : 0;
    if (k < 0 || (size_t)k >= sizeof err->text) k = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text + k, sizeof err->text - (size_t)k, fmt, ap);
    va_end(ap);
  }
  return status;
}

int merge_db_fail(sqlite3 *db, const char *path, report_error *err, const char *what)
{
  int code = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
  if (code == SQLITE_NOMEM) return merge_fail(path, err, REPORT_ENOMEM, "%s: out of memory", what);
  const char *hint = code == SQLITE_FULL ? "; the disk is full"
                   : code == SQLITE_READONLY ? "; the directory is not writable"
                   : code == SQLITE_BUSY ? "; another process is writing to it" : "";
  return merge_fail(path, err, REPORT_EIO, "%s: %s%s", what, sqlite3_errmsg(db), hint);
}

char *merge_dupstr(const char *s)
{
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* ------------------------------------------------------------- plan */



void merge_meta_free(part_meta *m)
{
  free(m->name); free(m->hash); free(m->overrides); free(m->inputs);
  free(m->mode); free(m->detail); free(m->version);
}

void merge_part_free(report_merge_part *p)
{
  free(p->path); free(p->shard); free(p->started); free(p->finished);
}

void report_merge_plan_free(report_merge_plan *plan)
{
  if (!plan) return;
  for (size_t i = 0; i < plan->n_parts; i++) merge_part_free(&plan->parts[i]);
  free(plan->parts);
  free(plan->gaps);
  free(plan->scenario_name);
  free(plan->scenario_hash);
  for (size_t i = 0; i < plan->n_overrides; i++) free(plan->overrides[i]);
  free(plan->overrides);
  free(plan);
}

static report_run_status status_from_text(const char *s)
{
  if (s && strcmp(s, "complete") == 0) return REPORT_RUN_COMPLETE;
  if (s && strcmp(s, "interrupted") == 0) return REPORT_RUN_INTERRUPTED;
  if (s && strcmp(s, "failed") == 0) return REPORT_RUN_FAILED;
  return REPORT_RUN_RUNNING;
}

/* 1 when `table` of the database has column `col`. */
static int has_column(sqlite3 *db, const char *schema, const char *table, const char *col)
{
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_table_info('%s', '%s') WHERE name = '%s'",
           table, schema, col);
  sqlite3_stmt *s = NULL;
  int found = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK)
    found = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return found;
}



static int builder_grow(plan_builder *b)
{
  if (b->n < b->cap) return 0;
  size_t cap = b->cap ? 2 * b->cap : 8;
  report_merge_part *p = realloc(b->parts, cap * sizeof *p);
  if (!p) return -1;
  b->parts = p;
  part_meta *m = realloc(b->meta, cap * sizeof *m);
  if (!m) return -1;
  b->meta = m;
  b->cap = cap;
  return 0;
}

char *merge_col_text(sqlite3_stmt *s, int i, int *ok)
{
  const char *t = (const char *)sqlite3_column_text(s, i);
  if (!t) return NULL;
  char *d = merge_dupstr(t);
  if (!d) *ok = 0;
  return d;
}

/* Read every run of one part file into the builder. */
int merge_read_part_file(plan_builder *b, const char *path, report_error *err)
{
  report_store *st = NULL;
  int rc = report_store_open(path, REPORT_STORE_READONLY, &st, err);
  report_store_close(st);
  if (rc != REPORT_OK) return rc;

  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    rc = merge_db_fail(db, path, err, "cannot open");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db, MERGE_BUSY_MS);
  /* total_trials and shard came with schema version 2; read NULL before. */
  char sql[1024];
  snprintf(sql, sizeof sql,
           "SELECT id, scenario_name, scenario_hash, overrides, seed, trials,"
           " first_trial, trials_done, mode, detail, status, program_version,"
           " threads, started, finished, %s, %s, %s FROM runs ORDER BY id",
           has_column(db, "main", "runs", "total_trials") ? "total_trials" : "NULL",
           has_column(db, "main", "runs", "shard") ? "shard" : "NULL",
           has_column(db, "main", "run_inputs", "sha256")
               ? "(SELECT group_concat(name || ' ' || sha256, char(10)) FROM (SELECT name,"
                 " sha256 FROM run_inputs i WHERE i.run_id = runs.id ORDER BY name))"
               : "NULL");
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
    rc = merge_db_fail(db, path, err, "reading its runs");
    goto out;
  }
  size_t found = 0;
  int step;
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    if (builder_grow(b)) { rc = merge_fail(path, err, REPORT_ENOMEM, "out of memory"); goto out; }
    report_merge_part *p = &b->parts[b->n];
    part_meta *m = &b->meta[b->n];
    memset(p, 0, sizeof *p);
    memset(m, 0, sizeof *m);
    int ok = 1;
    p->path = merge_dupstr(path);
    if (!p->path) ok = 0;
    p->run_id = sqlite3_column_int64(s, 0);
    m->name = merge_col_text(s, 1, &ok);
    m->hash = merge_col_text(s, 2, &ok);
    m->overrides = merge_col_text(s, 3, &ok);
    m->seed = (uint64_t)sqlite3_column_int64(s, 4);
    p->trials = (uint64_t)sqlite3_column_int64(s, 5);
    p->first_trial = (uint64_t)sqlite3_column_int64(s, 6);
    p->trials_done = (uint64_t)sqlite3_column_int64(s, 7);
    m->mode = merge_col_text(s, 8, &ok);
    m->detail = merge_col_text(s, 9, &ok);
    p->status = status_from_text((const char *)sqlite3_column_text(s, 10));
    m->version = merge_col_text(s, 11, &ok);
    p->threads = (unsigned)sqlite3_column_int64(s, 12);
    p->started = merge_col_text(s, 13, &ok);
    p->finished = merge_col_text(s, 14, &ok);
    m->has_total = sqlite3_column_type(s, 15) != SQLITE_NULL;
    p->total_trials = m->has_total ? (uint64_t)sqlite3_column_int64(s, 15) : 0;
    p->shard = merge_col_text(s, 16, &ok);
    m->inputs = merge_col_text(s, 17, &ok);
    b->n++;
    found++;
    if (!ok) { rc = merge_fail(path, err, REPORT_ENOMEM, "out of memory"); goto out; }
  }
  if (step != SQLITE_DONE) {
    rc = merge_db_fail(db, path, err, "reading its runs");
    goto out;
  }
  if (found == 0)
    rc = merge_fail(path, err, REPORT_EINVAL, "holds no run; give the databases written by "
              "drsim run --shard K/N --db FILE");
out:
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rc;
}

static int cmp_parts(const void *a, const void *b)
{
  const report_merge_part *x = a, *y = b;
  if (x->first_trial != y->first_trial) return x->first_trial < y->first_trial ? -1 : 1;
  if (x->trials != y->trials) return x->trials < y->trials ? -1 : 1;
  return 0;
}

int merge_same(const char *a, const char *b)
{
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Compare part i with the reference part 0 (in the order read). */
static int check_same_run(const plan_builder *b, size_t i, report_error *err)
{
  const report_merge_part *p = &b->parts[i], *r = &b->parts[0];
  const part_meta *m = &b->meta[i], *q = &b->meta[0];
  const char *what = NULL;
  char mine[128], ref[128];
  if (!merge_same(m->hash, q->hash) && !merge_same(m->inputs, q->inputs) && m->inputs && q->inputs) {
    /* Name the input file whose content differs (the first, by name). */
    what = "input file";
    const char *a = m->inputs, *c = q->inputs;
    snprintf(mine, sizeof mine, "(other files)");
    snprintf(ref, sizeof ref, "(other files)");
    while (*a || *c) {
      size_t la = strcspn(a, "\n"), lc = strcspn(c, "\n");
      if (la != lc || strncmp(a, c, la) != 0) {
        snprintf(mine, sizeof mine, "%.*s", (int)(la > 90 ? 90 : la), a);
        snprintf(ref, sizeof ref, "%.*s", (int)(lc > 90 ? 90 : lc), c);
        break;
      }
      a += la + (a[la] ? 1 : 0);
      c += lc + (c[lc] ? 1 : 0);
    }
  } else if (!merge_same(m->hash, q->hash) || !merge_same(m->overrides, q->overrides)) {
    what = "scenario";
    snprintf(mine, sizeof mine, "%s, hash %s", m->name ? m->name : "?", m->hash ? m->hash : "?");
    snprintf(ref, sizeof ref, "%s, hash %s", q->name ? q->name : "?", q->hash ? q->hash : "?");
  } else if (m->seed != q->seed) {
    what = "seed";
    snprintf(mine, sizeof mine, "%llu", (unsigned long long)m->seed);
    snprintf(ref, sizeof ref, "%llu", (unsigned long long)q->seed);
  } else if (m->has_total && q->has_total && p->total_trials != r->total_trials) {
    what = "total trial count";
    snprintf(mine, sizeof mine, "%llu", (unsigned long long)p->total_trials);
    snprintf(ref, sizeof ref, "%llu", (unsigned long long)r->total_trials);
  } else if (!merge_same(m->mode, q->mode)) {
    what = "mode";
    snprintf(mine, sizeof mine, "%s", m->mode ? m->mode : "?");
    snprintf(ref, sizeof ref, "%s", q->mode ? q->mode : "?");
  } else if (!merge_same(m->detail, q->detail)) {
    what = "detail";
    snprintf(mine, sizeof mine, "%s", m->detail ? m->detail : "?");
    snprintf(ref, sizeof ref, "%s", q->detail ? q->detail : "?");
  } else if (!merge_same(m->version, q->version)) {
    what = "drsim version";
    snprintf(mine, sizeof mine, "%s", m->version ? m->version : "?");
    snprintf(ref, sizeof ref, "%s", q->version ? q->version : "?");
  }
  if (!what) return REPORT_OK;
  return merge_fail(NULL, err, REPORT_EINVAL,
              "%s run %lld is not a shard of the same run as %s run %lld: %s %s "
              "vs %s; merge only shards run with the same scenario, --set, --seed, "
              "--trials and --detail by the same drsim",
              p->path, (long long)p->run_id, r->path, (long long)r->run_id, what, mine, ref);
}

/* N of "K/N", or 0. */
static uint64_t shard_count(const char *shard)
{
  unsigned long long k, n;
  char extra;
  if (!shard || sscanf(shard, "%llu/%llu%c", &k, &n, &extra) != 2) return 0;
  return n;
}

static int add_gap(report_merge_plan *plan, size_t *cap, uint64_t first, uint64_t n,
                   const report_merge_part *part)
{
  if (n == 0) return 0;
  if (plan->n_gaps == *cap) {
    size_t c = *cap ? 2 * *cap : 4;
    report_merge_gap *g = realloc(plan->gaps, c * sizeof *g);
    if (!g) return -1;
    plan->gaps = g;
    *cap = c;
  }
  plan->gaps[plan->n_gaps++] = (report_merge_gap){first, n, part};
  return 0;
}

static int split_overrides(report_merge_plan *plan, const char *text)
{
  if (!text || !*text) return 0;
  size_t k = 1;
  for (const char *p = text; *p; p++) k += *p == '\n';
  plan->overrides = calloc(k, sizeof *plan->overrides);
  if (!plan->overrides) return -1;
  for (const char *p = text; plan->n_overrides < k;) {
    const char *q = strchr(p, '\n');
    size_t m = q ? (size_t)(q - p) : strlen(p);
    char *o = malloc(m + 1);
    if (!o) return -1;
    memcpy(o, p, m);
    o[m] = '\0';
    plan->overrides[plan->n_overrides++] = o;
    p = q ? q + 1 : p + m;
  }
  return 0;
}

/* Overlaps: against the slice reaching furthest so far, since a long
** slice can overlap one that is not its neighbour in the sorted order.
** plan->parts are sorted by first trial. */
static int check_overlaps(const report_merge_plan *plan, report_error *err)
{
  const report_merge_part *reach = NULL;
  for (size_t i = 0; i < plan->n_parts; i++) {
    const report_merge_part *p = &plan->parts[i];
    uint64_t end = p->first_trial + p->trials;
    if (reach && p->first_trial < reach->first_trial + reach->trials)
      return merge_fail(NULL, err, REPORT_EINVAL,
                "%s run %lld (trials %llu..%llu) overlaps %s run %lld (trials %llu..%llu): "
                "the same trials were run twice; merge only one of them",
                p->path, (long long)p->run_id, (unsigned long long)p->first_trial,
                (unsigned long long)(end - 1), reach->path, (long long)reach->run_id,
                (unsigned long long)reach->first_trial,
                (unsigned long long)(reach->first_trial + reach->trials - 1));
    if (end > plan->total_trials)
      return merge_fail(NULL, err, REPORT_EINVAL,
                "%s run %lld plans trials %llu..%llu, beyond the run's %llu trials",
                p->path, (long long)p->run_id, (unsigned long long)p->first_trial,
                (unsigned long long)(end - 1), (unsigned long long)plan->total_trials);
    if (!reach || end > reach->first_trial + reach->trials) reach = p;
  }
  return REPORT_OK;
}

/* Gaps: before each slice, the unstored tail of each slice, after the last. */
static int find_gaps(report_merge_plan *plan, report_error *err)
{
  size_t gcap = 0;
  uint64_t cursor = 0;
  for (size_t i = 0; i < plan->n_parts; i++) {
    const report_merge_part *p = &plan->parts[i];
    if (p->trials == 0) continue;
    if (add_gap(plan, &gcap, cursor, p->first_trial - cursor, NULL) ||
        add_gap(plan, &gcap, p->first_trial + p->trials_done, p->trials - p->trials_done, p))
      return merge_fail(NULL, err, REPORT_ENOMEM, "out of memory");
    cursor = p->first_trial + p->trials;
  }
  if (add_gap(plan, &gcap, cursor, plan->total_trials - cursor, NULL))
    return merge_fail(NULL, err, REPORT_ENOMEM, "out of memory");
  return REPORT_OK;
}

int report_merge_plan_new(const char *const *paths, size_t n, report_merge_plan **out,
                          report_error *err)
{
  *out = NULL;
  if (n == 0) return merge_fail(NULL, err, REPORT_EINVAL, "no part databases given");
  plan_builder b = {0};
  report_merge_plan *plan = NULL;
  int rc = REPORT_OK;
  b.files = calloc(n, sizeof *b.files);
  if (!b.files) { rc = merge_fail(NULL, err, REPORT_ENOMEM, "out of memory"); goto out; }

  for (size_t i = 0; i < n; i++) {
    struct stat sb;
    if (stat(paths[i], &sb) != 0) {
      rc = merge_fail(paths[i], err, REPORT_EIO, "cannot open: %s", strerror(errno));
      goto out;
    }
    for (size_t j = 0; j < b.n_files; j++)
      if (b.files[j].st_dev == sb.st_dev && b.files[j].st_ino == sb.st_ino) {
        rc = merge_fail(paths[i], err, REPORT_EINVAL, "given twice (as %s and %s); give each "
                  "part once", paths[j], paths[i]);
        goto out;
      }
    b.files[b.n_files++] = sb;
    if ((rc = merge_read_part_file(&b, paths[i], err))) goto out;
  }
  for (size_t i = 1; i < b.n; i++)
    if ((rc = check_same_run(&b, i, err))) goto out;

  plan = calloc(1, sizeof *plan);
  if (!plan) { rc = merge_fail(NULL, err, REPORT_ENOMEM, "out of memory"); goto out; }
  plan->seed = b.meta[0].seed;
  plan->scenario_name = merge_dupstr(b.meta[0].name);
  plan->scenario_hash = merge_dupstr(b.meta[0].hash);
  if ((b.meta[0].name && !plan->scenario_name) || (b.meta[0].hash && !plan->scenario_hash) ||
      split_overrides(plan, b.meta[0].overrides)) {
    rc = merge_fail(NULL, err, REPORT_ENOMEM, "out of memory");
    goto out;
  }
  uint64_t max_end = 0;
  plan->shard_count = shard_count(b.parts[0].shard);
  for (size_t i = 0; i < b.n; i++) {
    const report_merge_part *p = &b.parts[i];
    if (b.meta[i].has_total && !plan->total_known) {
      plan->total_known = 1;
      plan->total_trials = p->total_trials;
    }
    if (p->first_trial + p->trials > max_end) max_end = p->first_trial + p->trials;
    if (shard_count(p->shard) != plan->shard_count) plan->shard_count = 0;
    plan->trials_stored += p->trials_done;
  }
  if (!plan->total_known) {
    plan->total_trials = max_end;
    /* One run from trial 0 that is no shard: a whole run, its own total. */
    if (b.n == 1 && !b.parts[0].shard && b.parts[0].first_trial == 0) plan->total_known = 1;
  }

  /* The parts move to the plan; the metadata is no longer needed. */
  for (size_t i = 0; i < b.n; i++) merge_meta_free(&b.meta[i]);
  free(b.meta);
  b.meta = NULL;
  qsort(b.parts, b.n, sizeof *b.parts, cmp_parts);
  plan->parts = b.parts;
  plan->n_parts = b.n;
  b.parts = NULL;
  b.n = 0;

  if ((rc = check_overlaps(plan, err)) || (rc = find_gaps(plan, err))) goto out;
  *out = plan;
  plan = NULL;
out:
  for (size_t i = 0; i < b.n; i++) {
    merge_part_free(&b.parts[i]);
    if (b.meta) merge_meta_free(&b.meta[i]);
  }
  free(b.parts);
  free(b.meta);
  free(b.files);
  report_merge_plan_free(plan);
  return rc;
}
