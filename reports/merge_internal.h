/*
** reports/merge_internal.h — what the files of the merge module share and
** nobody else may include: the plan's and the writer's types and helpers
** (prefix merge_). The public contract is reports/merge.h.
**
**   merge.c         the plan: parts read and checked, overlaps, gaps
**   merge_write.c   writing a plan into a new database
**   merge_absorb.c  absorbing a part into an open run (MPI parts, resume)
**   merge_study.c   merging the shards of a study
*/
#ifndef DRSIM_REPORTS_MERGE_INTERNAL_H
#define DRSIM_REPORTS_MERGE_INTERNAL_H

#include "reports/merge.h"

#include <stdint.h>
#include <sys/stat.h>
#include <sqlite3.h>

#define MERGE_BUSY_MS 5000

/* What is compared between parts; kept only while planning. */
typedef struct part_meta {
  char *name, *hash, *overrides, *mode, *detail, *version;
  char *inputs;   /* "NAME SHA256" lines of its pinned input files, by name; or NULL */
  uint64_t seed;
  int has_total;
} part_meta;

/* Growable arrays for the plan. */
typedef struct plan_builder {
  report_merge_part *parts;
  part_meta *meta;
  size_t n, cap;
  struct stat *files;       /* device/inode of each file, to catch repeats */
  size_t n_files;
} plan_builder;

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

/* Fill err with "path: " (when path) and the message; return status. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int merge_fail(const char *path, report_error *err, int status, const char *fmt, ...);
/* Map db's last error (about `what`) to a status and message; return it. */
int merge_db_fail(sqlite3 *db, const char *path, report_error *err, const char *what);
/* A malloc'ed copy of s (NULL for NULL or out of memory). */
char *merge_dupstr(const char *s);
/* A malloc'ed copy of text column i (NULL for NULL); *ok = 0 when out of memory. */
char *merge_col_text(sqlite3_stmt *s, int i, int *ok);
/* Fold the part's aggregates of table t into the merged run's, by the column table's rules. */
int merge_combine_stats(writer *w, const table_desc *t, int64_t new_id,
                         const report_merge_part *p, report_error *err);
/* Copy every row of table t of the part's run into the merged run new_id. */
int merge_copy_rows(writer *w, const table_desc *t, int64_t new_id,
                     const report_merge_part *p, report_error *err);
/* Find the output's tables and their columns from its schema (into w). */
int merge_discover_tables(writer *w, report_error *err);
/* Run one statement with ?1 = the new run id and ?2 = the part's. */
int merge_exec_ids(writer *w, const char *sql, int64_t new_id, int64_t old_id,
                    const report_merge_part *p, const char *what, report_error *err);
/* Free a part's compared metadata. */
void merge_meta_free(part_meta *m);
/* Free a part's strings. */
void merge_part_free(report_merge_part *p);
/* Read every run of one part file into the builder (validated as a drsim store). */
int merge_read_part_file(plan_builder *b, const char *path, report_error *err);
/* "file:PATH?mode=ro" with the characters URIs reserve escaped (malloc'ed). */
char *merge_readonly_uri(const char *path);
/* Remove a database file and its -wal, -shm and -journal. */
void merge_remove_db_files(const char *path);
/* Remove OUT.tmp-PID files of merges whose process is gone. */
void merge_remove_stale_temps(const char *out_path);
/* 1 when both strings are NULL or equal. */
int merge_same(const char *a, const char *b);
/* Run one statement on the output; a status and message on failure. */
int merge_simple(writer *w, const char *sql, const char *what, report_error *err);
/* Free the tables found by merge_discover_tables. */
void merge_writer_free_tables(writer *w);
/* SQLite progress handler: nonzero (stop) when *(volatile sig_atomic_t *)ctx is set. */
int merge_stop_requested(void *ctx);

#endif
