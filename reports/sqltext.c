/*
** reports/sqltext.c — a growable SQL text (contract in reports/sqltext.h).
*/
#include "reports/sqltext.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void report_sqltext_add(report_sqltext *b, const char *fmt, ...)
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
