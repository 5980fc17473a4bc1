/*
** reports/merge.c — merge the shards of one run into one database (contract
** in reports/merge.h).
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
**     combined in: columns named max_* take the larger, min_* the smaller,
**     *_index are keys, every other column is added (a new aggregate column
**     must follow this convention);
**   - other tables with run_id (run_environments, run_steps, ...): the
**     dimensions, from the first part (all parts have the same scenario).
*/
#include "reports/merge.h"
#include "reports/columns.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#define MERGE_BUSY_MS 5000

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(const char *path, report_error *err, int status, const char *fmt, ...)
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

static int db_fail(sqlite3 *db, const char *path, report_error *err, const char *what)
{
  int code = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
  if (code == SQLITE_NOMEM) return fail(path, err, REPORT_ENOMEM, "%s: out of memory", what);
  const char *hint = code == SQLITE_FULL ? "; the disk is full"
                   : code == SQLITE_READONLY ? "; the directory is not writable"
                   : code == SQLITE_BUSY ? "; another process is writing to it" : "";
  return fail(path, err, REPORT_EIO, "%s: %s%s", what, sqlite3_errmsg(db), hint);
}

static char *dupstr(const char *s)
{
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* ------------------------------------------------------------- plan */

/* What is compared between parts; kept only while planning. */
typedef struct part_meta {
  char *name, *hash, *overrides, *mode, *detail, *version;
  char *inputs;   /* "NAME SHA256" lines of its pinned input files, by name; or NULL */
  uint64_t seed;
  int has_total;
} part_meta;

static void meta_free(part_meta *m)
{
  free(m->name); free(m->hash); free(m->overrides); free(m->inputs);
  free(m->mode); free(m->detail); free(m->version);
}

static void part_free(report_merge_part *p)
{
  free(p->path); free(p->shard); free(p->started); free(p->finished);
}

void report_merge_plan_free(report_merge_plan *plan)
{
  if (!plan) return;
  for (size_t i = 0; i < plan->n_parts; i++) part_free(&plan->parts[i]);
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

/* Growable arrays for the plan. */
typedef struct plan_builder {
  report_merge_part *parts;
  part_meta *meta;
  size_t n, cap;
  struct stat *files;       /* device/inode of each file, to catch repeats */
  size_t n_files;
} plan_builder;

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

static char *col_text(sqlite3_stmt *s, int i, int *ok)
{
  const char *t = (const char *)sqlite3_column_text(s, i);
  if (!t) return NULL;
  char *d = dupstr(t);
  if (!d) *ok = 0;
  return d;
}

/* Read every run of one part file into the builder. */
static int read_part_file(plan_builder *b, const char *path, report_error *err)
{
  report_store *st = NULL;
  int rc = report_store_open(path, REPORT_STORE_READONLY, &st, err);
  report_store_close(st);
  if (rc != REPORT_OK) return rc;

  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    rc = db_fail(db, path, err, "cannot open");
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
    rc = db_fail(db, path, err, "reading its runs");
    goto out;
  }
  size_t found = 0;
  int step;
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    if (builder_grow(b)) { rc = fail(path, err, REPORT_ENOMEM, "out of memory"); goto out; }
    report_merge_part *p = &b->parts[b->n];
    part_meta *m = &b->meta[b->n];
    memset(p, 0, sizeof *p);
    memset(m, 0, sizeof *m);
    int ok = 1;
    p->path = dupstr(path);
    if (!p->path) ok = 0;
    p->run_id = sqlite3_column_int64(s, 0);
    m->name = col_text(s, 1, &ok);
    m->hash = col_text(s, 2, &ok);
    m->overrides = col_text(s, 3, &ok);
    m->seed = (uint64_t)sqlite3_column_int64(s, 4);
    p->trials = (uint64_t)sqlite3_column_int64(s, 5);
    p->first_trial = (uint64_t)sqlite3_column_int64(s, 6);
    p->trials_done = (uint64_t)sqlite3_column_int64(s, 7);
    m->mode = col_text(s, 8, &ok);
    m->detail = col_text(s, 9, &ok);
    p->status = status_from_text((const char *)sqlite3_column_text(s, 10));
    m->version = col_text(s, 11, &ok);
    p->threads = (unsigned)sqlite3_column_int64(s, 12);
    p->started = col_text(s, 13, &ok);
    p->finished = col_text(s, 14, &ok);
    m->has_total = sqlite3_column_type(s, 15) != SQLITE_NULL;
    p->total_trials = m->has_total ? (uint64_t)sqlite3_column_int64(s, 15) : 0;
    p->shard = col_text(s, 16, &ok);
    m->inputs = col_text(s, 17, &ok);
    b->n++;
    found++;
    if (!ok) { rc = fail(path, err, REPORT_ENOMEM, "out of memory"); goto out; }
  }
  if (step != SQLITE_DONE) {
    rc = db_fail(db, path, err, "reading its runs");
    goto out;
  }
  if (found == 0)
    rc = fail(path, err, REPORT_EINVAL, "holds no run; give the databases written by "
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

static int same(const char *a, const char *b)
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
  if (!same(m->hash, q->hash) && !same(m->inputs, q->inputs) && m->inputs && q->inputs) {
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
  } else if (!same(m->hash, q->hash) || !same(m->overrides, q->overrides)) {
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
  } else if (!same(m->mode, q->mode)) {
    what = "mode";
    snprintf(mine, sizeof mine, "%s", m->mode ? m->mode : "?");
    snprintf(ref, sizeof ref, "%s", q->mode ? q->mode : "?");
  } else if (!same(m->detail, q->detail)) {
    what = "detail";
    snprintf(mine, sizeof mine, "%s", m->detail ? m->detail : "?");
    snprintf(ref, sizeof ref, "%s", q->detail ? q->detail : "?");
  } else if (!same(m->version, q->version)) {
    what = "drsim version";
    snprintf(mine, sizeof mine, "%s", m->version ? m->version : "?");
    snprintf(ref, sizeof ref, "%s", q->version ? q->version : "?");
  }
  if (!what) return REPORT_OK;
  return fail(NULL, err, REPORT_EINVAL,
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

int report_merge_plan_new(const char *const *paths, size_t n, report_merge_plan **out,
                          report_error *err)
{
  *out = NULL;
  if (n == 0) return fail(NULL, err, REPORT_EINVAL, "no part databases given");
  plan_builder b = {0};
  report_merge_plan *plan = NULL;
  int rc = REPORT_OK;
  b.files = calloc(n, sizeof *b.files);
  if (!b.files) { rc = fail(NULL, err, REPORT_ENOMEM, "out of memory"); goto out; }

  for (size_t i = 0; i < n; i++) {
    struct stat sb;
    if (stat(paths[i], &sb) != 0) {
      rc = fail(paths[i], err, REPORT_EIO, "cannot open: %s", strerror(errno));
      goto out;
    }
    for (size_t j = 0; j < b.n_files; j++)
      if (b.files[j].st_dev == sb.st_dev && b.files[j].st_ino == sb.st_ino) {
        rc = fail(paths[i], err, REPORT_EINVAL, "given twice (as %s and %s); give each "
                  "part once", paths[j], paths[i]);
        goto out;
      }
    b.files[b.n_files++] = sb;
    if ((rc = read_part_file(&b, paths[i], err))) goto out;
  }
  for (size_t i = 1; i < b.n; i++)
    if ((rc = check_same_run(&b, i, err))) goto out;

  plan = calloc(1, sizeof *plan);
  if (!plan) { rc = fail(NULL, err, REPORT_ENOMEM, "out of memory"); goto out; }
  plan->seed = b.meta[0].seed;
  plan->scenario_name = dupstr(b.meta[0].name);
  plan->scenario_hash = dupstr(b.meta[0].hash);
  if ((b.meta[0].name && !plan->scenario_name) || (b.meta[0].hash && !plan->scenario_hash) ||
      split_overrides(plan, b.meta[0].overrides)) {
    rc = fail(NULL, err, REPORT_ENOMEM, "out of memory");
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
  for (size_t i = 0; i < b.n; i++) meta_free(&b.meta[i]);
  free(b.meta);
  b.meta = NULL;
  qsort(b.parts, b.n, sizeof *b.parts, cmp_parts);
  plan->parts = b.parts;
  plan->n_parts = b.n;
  b.parts = NULL;
  b.n = 0;

  /* Overlaps: against the slice reaching furthest so far, since a long
  ** slice can overlap one that is not its neighbour in the sorted order. */
  const report_merge_part *reach = NULL;
  for (size_t i = 0; i < plan->n_parts; i++) {
    const report_merge_part *p = &plan->parts[i];
    uint64_t end = p->first_trial + p->trials;
    if (reach && p->first_trial < reach->first_trial + reach->trials) {
      rc = fail(NULL, err, REPORT_EINVAL,
                "%s run %lld (trials %llu..%llu) overlaps %s run %lld (trials %llu..%llu): "
                "the same trials were run twice; merge only one of them",
                p->path, (long long)p->run_id, (unsigned long long)p->first_trial,
                (unsigned long long)(end - 1), reach->path, (long long)reach->run_id,
                (unsigned long long)reach->first_trial,
                (unsigned long long)(reach->first_trial + reach->trials - 1));
      goto out;
    }
    if (end > plan->total_trials) {
      rc = fail(NULL, err, REPORT_EINVAL,
                "%s run %lld plans trials %llu..%llu, beyond the run's %llu trials",
                p->path, (long long)p->run_id, (unsigned long long)p->first_trial,
                (unsigned long long)(end - 1), (unsigned long long)plan->total_trials);
      goto out;
    }
    if (!reach || end > reach->first_trial + reach->trials) reach = p;
  }

  /* Gaps: before each slice, the unstored tail of each slice, after the last. */
  size_t gcap = 0;
  uint64_t cursor = 0;
  for (size_t i = 0; i < plan->n_parts; i++) {
    const report_merge_part *p = &plan->parts[i];
    if (p->trials == 0) continue;
    if (add_gap(plan, &gcap, cursor, p->first_trial - cursor, NULL) ||
        add_gap(plan, &gcap, p->first_trial + p->trials_done, p->trials - p->trials_done, p)) {
      rc = fail(NULL, err, REPORT_ENOMEM, "out of memory");
      goto out;
    }
    cursor = p->first_trial + p->trials;
  }
  if (add_gap(plan, &gcap, cursor, plan->total_trials - cursor, NULL)) {
    rc = fail(NULL, err, REPORT_ENOMEM, "out of memory");
    goto out;
  }
  *out = plan;
  plan = NULL;
out:
  for (size_t i = 0; i < b.n; i++) {
    part_free(&b.parts[i]);
    if (b.meta) meta_free(&b.meta[i]);
  }
  free(b.parts);
  free(b.meta);
  free(b.files);
  report_merge_plan_free(plan);
  return rc;
}

/* ------------------------------------------------------------- write */

typedef enum table_kind { TABLE_DIMENSION, TABLE_TRIALS, TABLE_STATS } table_kind;

typedef struct table_desc {
  char *name;
  char **cols;
  size_t n_cols;
  table_kind kind;
} table_desc;

typedef struct writer {
  sqlite3 *db;
  const char *out_path;     /* for messages */
  table_desc *tables;
  size_t n_tables;
  char **run_cols;          /* columns of runs */
  size_t n_run_cols;
} writer;

static void free_cols(char **cols, size_t n)
{
  for (size_t i = 0; i < n; i++) free(cols[i]);
  free(cols);
}

static void writer_free_tables(writer *w)
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
    return db_fail(w->db, w->out_path, err, "reading the schema");
  sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
  size_t cap = 0;
  int rc = REPORT_OK, step;
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    if (*n == cap) {
      size_t c = cap ? 2 * cap : 16;
      char **g = realloc(*cols, c * sizeof *g);
      if (!g) { rc = fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); break; }
      *cols = g;
      cap = c;
    }
    (*cols)[*n] = dupstr((const char *)sqlite3_column_text(s, 0));
    if (!(*cols)[*n]) { rc = fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); break; }
    (*n)++;
  }
  if (rc == REPORT_OK && step != SQLITE_DONE)
    rc = db_fail(w->db, w->out_path, err, "reading the schema");
  sqlite3_finalize(s);
  return rc;
}

static int discover_tables(writer *w, report_error *err)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(w->db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                         " AND name NOT LIKE 'sqlite_%' AND name <> 'runs' ORDER BY name",
                         -1, &s, NULL) != SQLITE_OK)
    return db_fail(w->db, w->out_path, err, "reading the schema");
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
      if (!g) { free_cols(cols, n); rc = fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); break; }
      w->tables = g;
      cap = c;
    }
    table_desc *t = &w->tables[w->n_tables];
    t->name = dupstr(name);
    t->cols = cols;
    t->n_cols = n;
    t->kind = has(cols, n, "trial") ? TABLE_TRIALS
            : ends_with(name, "_stats") ? TABLE_STATS : TABLE_DIMENSION;
    if (!t->name) { free_cols(cols, n); rc = fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); break; }
    w->n_tables++;
  }
  if (rc == REPORT_OK && step != SQLITE_DONE)
    rc = db_fail(w->db, w->out_path, err, "reading the schema");
  sqlite3_finalize(s);
  if (rc == REPORT_OK) rc = table_columns(w, "runs", &w->run_cols, &w->n_run_cols, err);
  return rc;
}

/* A growable SQL string; on overflow of memory `oom` is set and appends stop. */
typedef struct sqlbuf {
  char *s;
  size_t n, cap;
  int oom;
} sqlbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void sb_add(sqlbuf *b, const char *fmt, ...)
{
  if (b->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    if (k < 0) { b->oom = 1; return; }
    if (b->s && b->n + (size_t)k < b->cap) { b->n += (size_t)k; return; }
    size_t cap = (b->cap ? b->cap : 256) * 2 + (size_t)k;
    char *g = realloc(b->s, cap);
    if (!g) { b->oom = 1; return; }
    b->s = g;
    b->cap = cap;
  }
}

/* Run one statement with ?1 = new run id and ?2 = the part's run id. */
static int exec_ids(writer *w, const char *sql, int64_t new_id, int64_t old_id,
                    const report_merge_part *p, const char *what, report_error *err)
{
  sqlite3_stmt *s = NULL;
  int rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, sql, -1, &s, NULL) != SQLITE_OK) {
    /* A column the part lacks: the part's schema differs from ours. */
    rc = fail(p->path, err, REPORT_ESCHEMA, "%s: %s; was it written by another drsim "
              "version?", what, sqlite3_errmsg(w->db));
    sqlite3_finalize(s);
    return rc;
  }
  sqlite3_bind_int64(s, 1, new_id);
  sqlite3_bind_int64(s, 2, old_id);
  if (sqlite3_step(s) != SQLITE_DONE) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s from %s", what, p->path);
    rc = db_fail(w->db, w->out_path, err, msg);
  }
  sqlite3_finalize(s);
  return rc;
}

/* INSERT INTO main.T (cols) SELECT ?1, cols.. FROM src.T WHERE run_id = ?2 */
static int copy_rows(writer *w, const table_desc *t, int64_t new_id,
                     const report_merge_part *p, report_error *err)
{
  sqlbuf b = {0};
  sb_add(&b, "INSERT INTO main.\"%s\" (", t->name);
  for (size_t i = 0; i < t->n_cols; i++) sb_add(&b, "%s\"%s\"", i ? ", " : "", t->cols[i]);
  sb_add(&b, ") SELECT ");
  for (size_t i = 0; i < t->n_cols; i++) {
    if (strcmp(t->cols[i], "run_id") == 0) sb_add(&b, "%s?1", i ? ", " : "");
    else sb_add(&b, "%s\"%s\"", i ? ", " : "", t->cols[i]);
  }
  sb_add(&b, " FROM src.\"%s\" WHERE run_id = ?2", t->name);
  int rc = b.oom ? fail(w->out_path, err, REPORT_ENOMEM, "out of memory")
                 : exec_ids(w, b.s, new_id, p->run_id, p, "copying a table", err);
  free(b.s);
  return rc;
}

/* Fold the part's aggregates into the merged run's (see the file header). */
static int combine_stats(writer *w, const table_desc *t, int64_t new_id,
                         const report_merge_part *p, report_error *err)
{
  sqlbuf b = {0};
  sb_add(&b, "UPDATE main.\"%s\" AS m SET ", t->name);
  int first = 1;
  for (size_t i = 0; i < t->n_cols; i++) {
    const char *c = t->cols[i];
    if (strcmp(c, "run_id") == 0 || ends_with(c, "_index")) continue;
    sb_add(&b, "%s\"%s\" = ", first ? "" : ", ", c);
    first = 0;
    /* The column's rule in reports/columns.h (report_item_tables); a
    ** column the table does not know follows the naming convention.
    ** max() of SQLite returns NULL if either side is: coalesce both ways. */
    const report_stats_column *sc = report_stats_column_find(t->name, c);
    if (sc ? sc->agg == REPORT_AGG_MAX : strncmp(c, "max_", 4) == 0)
      sb_add(&b, "max(coalesce(m.\"%s\", q.\"%s\"), coalesce(q.\"%s\", m.\"%s\"))",
             c, c, c, c);
    else
      sb_add(&b, "m.\"%s\" + q.\"%s\"", c, c);
  }
  sb_add(&b, " FROM src.\"%s\" AS q WHERE m.run_id = ?1 AND q.run_id = ?2", t->name);
  for (size_t i = 0; i < t->n_cols; i++)
    if (ends_with(t->cols[i], "_index"))
      sb_add(&b, " AND m.\"%s\" = q.\"%s\"", t->cols[i], t->cols[i]);
  int rc = REPORT_OK;
  if (b.oom) rc = fail(w->out_path, err, REPORT_ENOMEM, "out of memory");
  else if (!first) rc = exec_ids(w, b.s, new_id, p->run_id, p, "combining aggregates", err);
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
  sqlbuf b = {0};
  sb_add(&b, "INSERT INTO main.runs (");
  int first = 1;
  for (size_t i = 0; i < w->n_run_cols; i++) {
    if (strcmp(w->run_cols[i], "id") == 0) continue;
    sb_add(&b, "%s\"%s\"", first ? "" : ", ", w->run_cols[i]);
    first = 0;
  }
  sb_add(&b, ") SELECT ");
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
    if (v) sb_add(&b, "%s%s", first ? "" : ", ", v);
    else sb_add(&b, "%s\"%s\"", first ? "" : ", ", c);
    first = 0;
  }
  sb_add(&b, " FROM src.runs WHERE id = :id");
  if (b.oom) { free(b.s); return fail(w->out_path, err, REPORT_ENOMEM, "out of memory"); }
  sqlite3_stmt *s = NULL;
  int rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, b.s, -1, &s, NULL) != SQLITE_OK) {
    rc = fail(p0->path, err, REPORT_ESCHEMA, "writing the merged run: %s; was it written "
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
  if (sqlite3_step(s) != SQLITE_DONE) rc = db_fail(w->db, w->out_path, err, "writing the merged run");
  else *new_id = sqlite3_last_insert_rowid(w->db);
out:
  sqlite3_finalize(s);
  free(b.s);
  return rc;
}

/* "file:PATH?mode=ro" with the characters URIs reserve escaped. */
static char *readonly_uri(const char *path)
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

static int simple(writer *w, const char *sql, const char *what, report_error *err)
{
  if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(w->db, w->out_path, err, what);
  return REPORT_OK;
}

/* Copy one part in one transaction. */
static int merge_part(writer *w, const report_merge_plan *plan, size_t i, int64_t *new_id,
                      report_error *err)
{
  const report_merge_part *p = &plan->parts[i];
  char *uri = readonly_uri(p->path);
  if (!uri) return fail(w->out_path, err, REPORT_ENOMEM, "out of memory");
  sqlite3_stmt *s = NULL;
  int rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, "ATTACH DATABASE ?1 AS src", -1, &s, NULL) != SQLITE_OK) {
    rc = db_fail(w->db, w->out_path, err, "attaching a part");
    free(uri);
    return rc;
  }
  sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC);
  int step = sqlite3_step(s);
  sqlite3_finalize(s);
  free(uri);
  if (step != SQLITE_DONE) return db_fail(w->db, p->path, err, "cannot attach");
  if ((rc = simple(w, "BEGIN IMMEDIATE", "starting the merge", err))) goto detach;
  if (i == 0 && (rc = insert_run(w, plan, new_id, err))) goto rollback;
  for (size_t t = 0; t < w->n_tables; t++) {
    const table_desc *td = &w->tables[t];
    if (td->kind == TABLE_TRIALS || i == 0) rc = copy_rows(w, td, *new_id, p, err);
    else if (td->kind == TABLE_STATS) rc = combine_stats(w, td, *new_id, p, err);
    if (rc) goto rollback;
  }
  if ((rc = simple(w, "COMMIT", "committing the merge", err))) goto rollback;
  goto detach;
rollback:
  sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
detach:
  if (sqlite3_exec(w->db, "DETACH DATABASE src", NULL, NULL, NULL) != SQLITE_OK && rc == REPORT_OK)
    rc = db_fail(w->db, w->out_path, err, "detaching a part");
  return rc;
}

static void remove_db_files(const char *path)
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
static void remove_stale_temps(const char *out_path)
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
static int stop_requested(void *ctx)
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
  if (!plan || plan->n_parts == 0) return fail(out_path, err, REPORT_EINVAL, "nothing to merge");
  if (plan->n_gaps && !allow_gaps) {
    uint64_t missing = plan->total_trials - plan->trials_stored;
    return fail(NULL, err, REPORT_EINVAL, "%llu of %llu trials are missing (%zu gap%s); "
                "nothing was written", (unsigned long long)missing,
                (unsigned long long)plan->total_trials, plan->n_gaps,
                plan->n_gaps == 1 ? "" : "s");
  }
  struct stat sb;
  if (stat(out_path, &sb) == 0)
    return fail(out_path, err, REPORT_EINVAL, "exists; merge writes a new database: "
                "remove it or choose another -o");
  if (errno != ENOENT)
    return fail(out_path, err, REPORT_EIO, "cannot write: %s", strerror(errno));

  size_t tn = strlen(out_path) + 32;
  char *tmp = malloc(tn);
  if (!tmp) return fail(out_path, err, REPORT_ENOMEM, "out of memory");
  snprintf(tmp, tn, "%s.tmp-%ld", out_path, (long)getpid());
  remove_stale_temps(out_path);
  remove_db_files(tmp);

  writer w = {0};
  w.out_path = out_path;
  report_store *st = NULL;
  int rc = report_store_open(tmp, REPORT_STORE_READWRITE, &st, err);
  report_store_close(st);
  if (rc) goto out;
  /* URI names: ATTACH opens each part read-only (file:...?mode=ro). */
  if (sqlite3_open_v2(tmp, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    rc = db_fail(w.db, out_path, err, "cannot create");
    goto out;
  }
  sqlite3_busy_timeout(w.db, MERGE_BUSY_MS);
  if (stop) sqlite3_progress_handler(w.db, 10000, stop_requested, (void *)stop);
  if ((rc = discover_tables(&w, err))) goto out;
  int64_t new_id = 0;
  for (size_t i = 0; i < plan->n_parts; i++) {
    if (stop && *stop) {
      rc = fail(out_path, err, REPORT_EINTR, "interrupted; nothing was written");
      goto out;
    }
    if ((rc = merge_part(&w, plan, i, &new_id, err))) {
      if (stop && *stop) rc = fail(out_path, err, REPORT_EINTR, "interrupted; nothing was written");
      goto out;
    }
  }
  /* Fold the WAL into the file, so the one file is the whole database. */
  if ((rc = simple(&w, "PRAGMA wal_checkpoint(TRUNCATE)", "finishing the database", err)))
    goto out;
  if (sqlite3_close(w.db) != SQLITE_OK) {
    rc = db_fail(w.db, out_path, err, "closing");
    goto out;
  }
  w.db = NULL;
  /* link() never replaces: an output created meanwhile is not clobbered. */
  if (link(tmp, out_path) != 0) {
    if (errno == EEXIST) {
      rc = fail(out_path, err, REPORT_EINVAL, "appeared while merging; nothing replaced");
      goto out;
    }
    /* Filesystems without hard links: rename (checked for existence above). */
    if (rename(tmp, out_path) != 0) {
      rc = fail(out_path, err, REPORT_EIO, "cannot create: %s", strerror(errno));
      goto out;
    }
  }
  *run_id = new_id;
out:
  if (w.db) sqlite3_close(w.db);
  writer_free_tables(&w);
  remove_db_files(tmp);
  free(tmp);
  return rc;
}

/* ------------------------------------------------------------- absorb */

/* The one run of a part file, read as report_merge_plan_new reads parts. */
static int read_single_part(const char *path, plan_builder *b, report_error *err)
{
  memset(b, 0, sizeof *b);
  int rc = read_part_file(b, path, err);
  if (rc == REPORT_OK && b->n != 1)
    rc = fail(path, err, REPORT_EINVAL, "holds %zu runs; a part holds one", b->n);
  return rc;
}

static void free_single_part(plan_builder *b)
{
  for (size_t i = 0; i < b->n; i++) {
    part_free(&b->parts[i]);
    meta_free(&b->meta[i]);
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
    return db_fail(w->db, w->out_path, err, "reading the run");
  sqlite3_bind_int64(s, 1, run_id);
  int step = sqlite3_step(s);
  if (step != SQLITE_ROW) {
    rc = step == SQLITE_DONE ? fail(w->out_path, err, REPORT_ENOTFOUND, "no run %lld",
                                    (long long)run_id)
                             : db_fail(w->db, w->out_path, err, "reading the run");
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
  if (!same(hash, m->hash) || !same(overrides, m->overrides) || seed != m->seed ||
      !same(mode, m->mode) || !same(detail, m->detail) || !same(version, m->version))
    rc = fail(p->path, err, REPORT_EINVAL, "run %lld is not a part of run %lld of %s (another "
              "scenario, --set, seed, detail or drsim version)", (long long)p->run_id,
              (long long)run_id, w->out_path);
  else if (p->first_trial != first + done)
    rc = fail(p->path, err, REPORT_EINVAL, "run %lld starts at trial %llu, but run %lld of %s "
              "continues at trial %llu", (long long)p->run_id,
              (unsigned long long)p->first_trial, (long long)run_id, w->out_path,
              (unsigned long long)(first + done));
  else if (p->first_trial + p->trials_done > first + planned)
    rc = fail(p->path, err, REPORT_EINVAL, "run %lld stores trials beyond the %llu of run %lld",
              (long long)p->run_id, (unsigned long long)planned, (long long)run_id);
  else if (!status || strcmp(status, "running") != 0)
    rc = fail(w->out_path, err, REPORT_EINVAL, "run %lld is %s, not running", (long long)run_id,
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
    rc = db_fail(w.db, db_path, err, "cannot open");
    goto out;
  }
  sqlite3_busy_timeout(w.db, MERGE_BUSY_MS);
  if ((rc = discover_tables(&w, err)) || (rc = absorb_check(&w, run_id, p, &b.meta[0], err)))
    goto out;
  if (p->trials_done == 0) goto out;
  char *uri = readonly_uri(p->path);
  if (!uri) { rc = fail(db_path, err, REPORT_ENOMEM, "out of memory"); goto out; }
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(w.db, "ATTACH DATABASE ?1 AS src", -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC);
    attached = sqlite3_step(s) == SQLITE_DONE;
  }
  sqlite3_finalize(s);
  free(uri);
  if (!attached) { rc = db_fail(w.db, p->path, err, "cannot attach"); goto out; }
  if ((rc = simple(&w, "BEGIN IMMEDIATE", "starting to absorb a part", err))) goto out;
  /* Checked again inside the transaction: nobody appended meanwhile. */
  if ((rc = absorb_check(&w, run_id, p, &b.meta[0], err))) goto rollback;
  for (size_t t = 0; t < w.n_tables; t++) {
    const table_desc *td = &w.tables[t];
    if (td->kind == TABLE_TRIALS) rc = copy_rows(&w, td, run_id, p, err);
    else if (td->kind == TABLE_STATS) rc = combine_stats(&w, td, run_id, p, err);
    if (rc) goto rollback;
  }
  if (sqlite3_prepare_v2(w.db, "UPDATE main.runs SET trials_done = trials_done + ?1 WHERE id = ?2",
                         -1, &s, NULL) != SQLITE_OK) {
    rc = db_fail(w.db, db_path, err, "counting the absorbed trials");
    goto rollback;
  }
  sqlite3_bind_int64(s, 1, (int64_t)p->trials_done);
  sqlite3_bind_int64(s, 2, run_id);
  if (sqlite3_step(s) != SQLITE_DONE) rc = db_fail(w.db, db_path, err, "counting the absorbed trials");
  sqlite3_finalize(s);
  if (rc) goto rollback;
  if ((rc = simple(&w, "COMMIT", "committing the absorbed part", err))) goto rollback;
  *absorbed = p->trials_done;
  goto out;
rollback:
  sqlite3_exec(w.db, "ROLLBACK", NULL, NULL, NULL);
out:
  if (attached) sqlite3_exec(w.db, "DETACH DATABASE src", NULL, NULL, NULL);
  if (w.db) sqlite3_close(w.db);
  writer_free_tables(&w);
  free_single_part(&b);
  return rc;
}

int report_merge_part_name(char *buf, size_t n, const char *db_path, uint64_t first)
{
  int k = snprintf(buf, n, "%s.from%llu", db_path, (unsigned long long)first);
  return k < 0 || (size_t)k >= n ? -1 : 0;
}

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
      rc = db_fail(db, paths[f], err, "reading its runs");
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
        if (!g) { rc = fail(NULL, err, REPORT_ENOMEM, "out of memory"); break; }
        r = g;
      }
      study_run_ref *x = &r[cnt++];
      memset(x, 0, sizeof *x);
      int ok = 1;
      x->file = f;
      x->run_id = sqlite3_column_int64(s, 0);
      x->sweep_id = sqlite3_column_int64(s, 1);
      x->point = sqlite3_column_int64(s, 2);
      x->name = col_text(s, 3, &ok);
      x->seed = (uint64_t)sqlite3_column_int64(s, 4);
      x->trials = (uint64_t)sqlite3_column_int64(s, 5);
      x->detail = col_text(s, 6, &ok);
      x->version = col_text(s, 7, &ok);
      x->mode = col_text(s, 8, &ok);
      x->status = col_text(s, 9, &ok);
      if (!ok) { rc = fail(NULL, err, REPORT_ENOMEM, "out of memory"); break; }
    }
    if (rc == REPORT_OK && step != SQLITE_DONE) rc = db_fail(db, paths[f], err, "reading its runs");
    if (rc == REPORT_OK && cnt == before)
      rc = fail(paths[f], err, REPORT_EINVAL, "holds no run");
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
        rc = fail(paths[r[i].file], err, REPORT_EINVAL, "run %lld is not a point of a study, "
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
  sqlbuf b = {0};
  sb_add(&b, "INSERT INTO main.runs (");
  int first = 1;
  for (size_t i = 0; i < w->n_run_cols; i++) {
    if (strcmp(w->run_cols[i], "id") == 0) continue;
    sb_add(&b, "%s\"%s\"", first ? "" : ", ", w->run_cols[i]);
    first = 0;
  }
  sb_add(&b, ") SELECT ");
  first = 1;
  for (size_t i = 0; i < w->n_run_cols; i++) {
    const char *c = w->run_cols[i];
    if (strcmp(c, "id") == 0) continue;
    if (strcmp(c, "sweep_id") == 0) sb_add(&b, "%s1", first ? "" : ", ");
    else sb_add(&b, "%s\"%s\"", first ? "" : ", ", c);
    first = 0;
  }
  sb_add(&b, " FROM src.runs WHERE id = ?2");
  int rc = b.oom ? fail(w->out_path, err, REPORT_ENOMEM, "out of memory")
                 : exec_ids(w, b.s, 0, p->run_id, p, "copying a point's run", err);
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
  char *uri = readonly_uri(path);
  if (!uri) return fail(w->out_path, err, REPORT_ENOMEM, "out of memory");
  sqlite3_stmt *s = NULL;
  int attached = 0, rc = REPORT_OK;
  if (sqlite3_prepare_v2(w->db, "ATTACH DATABASE ?1 AS src", -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC);
    attached = sqlite3_step(s) == SQLITE_DONE;
  }
  sqlite3_finalize(s);
  free(uri);
  if (!attached) return db_fail(w->db, path, err, "cannot attach");
  int64_t new_id = 0;
  if ((rc = simple(w, "BEGIN IMMEDIATE", "starting the merge", err))) goto detach;
  if ((rc = insert_study_run(w, &p, &new_id, err))) goto rollback;
  for (size_t t = 0; t < w->n_tables; t++)
    if ((rc = copy_rows(w, &w->tables[t], new_id, &p, err))) goto rollback;
  if ((rc = simple(w, "COMMIT", "committing the merge", err))) goto rollback;
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
    else if (!same(x->name, q->name)) what = "of another scenario";
    else if (x->seed != q->seed) what = "of another seed";
    else if (x->trials != q->trials) what = "of another trial count";
    else if (!same(x->mode, q->mode) || !same(x->detail, q->detail)) what = "of another mode or detail";
    else if (!same(x->version, q->version)) what = "of another drsim version";
    if (what)
      rc = fail(NULL, err, REPORT_EINVAL, "%s run %lld (point %lld) is %s (compared with %s run %lld); "
                "merge the shards of one study (the same command with --shard K/N)",
                paths[x->file], (long long)x->run_id, (long long)x->point, what,
                paths[q->file], (long long)q->run_id);
  }
  if (rc == REPORT_OK) qsort(r, cnt, sizeof *r, cmp_refs);
  for (size_t i = 1; i < cnt && rc == REPORT_OK; i++)
    if (r[i].point == r[i - 1].point)
      rc = fail(NULL, err, REPORT_EINVAL, "point %lld is in %s run %lld and in %s run %lld: "
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
    return fail(out_path, err, REPORT_EINVAL, "exists; merge writes a new database: remove it "
                "or choose another -o");
  }
  size_t tn = strlen(out_path) + 32;
  char *tmp = malloc(tn);
  if (!tmp) {
    study_refs_free(r, cnt);
    return fail(out_path, err, REPORT_ENOMEM, "out of memory");
  }
  snprintf(tmp, tn, "%s.tmp-%ld", out_path, (long)getpid());
  remove_stale_temps(out_path);
  remove_db_files(tmp);
  writer w = {0};
  w.out_path = out_path;
  report_store *st = NULL;
  rc = report_store_open(tmp, REPORT_STORE_READWRITE, &st, err);
  report_store_close(st);
  if (rc) goto out;
  if (sqlite3_open_v2(tmp, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    rc = db_fail(w.db, out_path, err, "cannot create");
    goto out;
  }
  sqlite3_busy_timeout(w.db, MERGE_BUSY_MS);
  if (stop) sqlite3_progress_handler(w.db, 10000, stop_requested, (void *)stop);
  if ((rc = discover_tables(&w, err))) goto out;
  for (size_t i = 0; i < cnt; i++) {
    if ((stop && *stop) || (rc = copy_study_run(&w, paths[r[i].file], r[i].run_id, err))) {
      if (stop && *stop) rc = fail(out_path, err, REPORT_EINTR, "interrupted; nothing was written");
      goto out;
    }
    info->n_incomplete += !r[i].status || strcmp(r[i].status, "complete") != 0;
  }
  if ((rc = simple(&w, "PRAGMA wal_checkpoint(TRUNCATE)", "finishing the database", err)))
    goto out;
  if (sqlite3_close(w.db) != SQLITE_OK) {
    rc = db_fail(w.db, out_path, err, "closing");
    goto out;
  }
  w.db = NULL;
  if (link(tmp, out_path) != 0 && (errno == EEXIST || rename(tmp, out_path) != 0)) {
    rc = fail(out_path, err, errno == EEXIST ? REPORT_EINVAL : REPORT_EIO, "cannot create: %s",
              strerror(errno));
    goto out;
  }
  info->n_points = cnt;
  info->first_point = r[0].point;
  info->last_point = r[cnt - 1].point;
  info->n_missing = (size_t)(r[cnt - 1].point - r[0].point + 1) - cnt;
  info->scenario_name = dupstr(r[0].name);
out:
  if (w.db) sqlite3_close(w.db);
  writer_free_tables(&w);
  remove_db_files(tmp);
  free(tmp);
  study_refs_free(r, cnt);
  return rc;
}
