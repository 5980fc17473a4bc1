/*
** reports/sqltext.h — a growable SQL text for statements generated from
** the column tables (reports/columns.h): the store's aggregate UPDATEs and
** detail INSERTs, merge's copies and combinations. Names pasted into it come
** from fixed tables or the database's own schema, never from outside.
*/
#ifndef DRSIM_REPORTS_SQLTEXT_H
#define DRSIM_REPORTS_SQLTEXT_H

#include <stddef.h>

typedef struct report_sqltext {
  char *s;        /* NUL-terminated text (NULL before the first append) */
  size_t n, cap;
  int oom;        /* 1 once an append could not grow the text: s is incomplete */
} report_sqltext;

/* Append printf-formatted text; after an out-of-memory every append is a
** no-op and oom stays 1. Free b->s with free(). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void report_sqltext_add(report_sqltext *b, const char *fmt, ...);

#endif
