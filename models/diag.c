/*
** models/diag.c — the diagnostics list declared in models/diag.h.
**
** Items are kept in insertion order; model_diag_print() sorts a copy of the
** index by (file, line, col, insertion order) so the output reads top to
** bottom like a compiler's. Beyond MODEL_DIAG_MAX items further errors are
** counted but not stored, so a hostile input cannot make the list grow
** without bound; the count of dropped errors is printed as a final note.
** Warnings (model_diag_warn) are a second list, printed on their own by
** model_diag_print_warnings() in the same order.
*/
#include "models/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct diag_item {
  char *file;
  int line, col;
  char *message;
} diag_item;

struct model_diag {
  diag_item *items;
  size_t n, cap;
  size_t dropped;   /* errors beyond MODEL_DIAG_MAX, or lost to out-of-memory */
  size_t lost;      /* of those, lost to out-of-memory */
  int nomem;        /* an allocation failed (reported or not) */
  diag_item *warnings;   /* model_diag_warn(), kept apart from the errors */
  size_t n_warnings, cap_warnings, dropped_warnings;
};

model_diag *model_diag_new(void) {
  return calloc(1, sizeof(model_diag));
}

void model_diag_free(model_diag *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n; i++) {
    free(d->items[i].file);
    free(d->items[i].message);
  }
  free(d->items);
  for (size_t i = 0; i < d->n_warnings; i++) {
    free(d->warnings[i].file);
    free(d->warnings[i].message);
  }
  free(d->warnings);
  free(d);
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

/* Append to items[0..*n) (capacity *cap, at most MODEL_DIAG_MAX). Returns 0,
** 1 when the list is full, -1 when out of memory. */
static int push(diag_item **items, size_t *n, size_t *cap, const char *file, int line,
                int col, const char *fmt, va_list ap) {
  if (*n >= MODEL_DIAG_MAX) return 1;
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 8;
    if (c > MODEL_DIAG_MAX) c = MODEL_DIAG_MAX;
    diag_item *bigger = realloc(*items, c * sizeof *bigger);
    if (!bigger) return -1;
    *items = bigger;
    *cap = c;
  }
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  diag_item it;
  it.file = dup_str(file ? file : "");
  it.message = dup_str(buf);
  it.line = line < 0 ? 0 : line;
  it.col = col < 0 ? 0 : col;
  if (!it.file || !it.message) {
    free(it.file);
    free(it.message);
    return -1;
  }
  (*items)[(*n)++] = it;
  return 0;
}

void model_diag_add(model_diag *d, const char *file, int line, int col,
                    const char *fmt, ...) {
  if (!d) return;
  va_list ap;
  va_start(ap, fmt);
  int rc = push(&d->items, &d->n, &d->cap, file, line, col, fmt, ap);
  va_end(ap);
  if (rc) d->dropped++;
  if (rc < 0) {
    d->lost++;
    d->nomem = 1;
  }
}

void model_diag_warn(model_diag *d, const char *file, int line, int col,
                     const char *fmt, ...) {
  if (!d) return;
  va_list ap;
  va_start(ap, fmt);
  int rc = push(&d->warnings, &d->n_warnings, &d->cap_warnings, file, line, col, fmt, ap);
  va_end(ap);
  if (rc) d->dropped_warnings++;
  if (rc < 0) d->nomem = 1;
}

size_t model_diag_warning_count(const model_diag *d) {
  return d ? d->n_warnings + d->dropped_warnings : 0;
}

size_t model_diag_count(const model_diag *d) {
  return d ? d->n : 0;
}

size_t model_diag_dropped(const model_diag *d) {
  return d ? d->dropped : 0;
}

void model_diag_set_nomem(model_diag *d) {
  if (d) d->nomem = 1;
}

int model_diag_nomem(const model_diag *d) {
  return d ? d->nomem : 0;
}

const char *model_diag_file(const model_diag *d, size_t i) {
  return d && i < d->n ? d->items[i].file : NULL;
}

int model_diag_line(const model_diag *d, size_t i) {
  return d && i < d->n ? d->items[i].line : 0;
}

int model_diag_col(const model_diag *d, size_t i) {
  return d && i < d->n ? d->items[i].col : 0;
}

const char *model_diag_message(const model_diag *d, size_t i) {
  return d && i < d->n ? d->items[i].message : NULL;
}

/* Insertion sort on indexes: at most MODEL_DIAG_MAX items, and it is stable,
** which qsort is not. */
static int item_before(const diag_item *a, size_t ia, const diag_item *b, size_t ib) {
  int c = strcmp(a->file, b->file);
  if (c) return c < 0;
  if (a->line != b->line) return a->line < b->line;
  if (a->col != b->col) return a->col < b->col;
  return ia < ib;
}

/* Print items[0..n) in location order with `label` ("error", "warning"). */
static void print_sorted(const diag_item *items, size_t n, const char *label, FILE *out) {
  size_t order[MODEL_DIAG_MAX];
  for (size_t i = 0; i < n; i++) {
    size_t j = i;
    while (j > 0 && item_before(&items[i], i, &items[order[j - 1]], order[j - 1])) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  for (size_t k = 0; k < n; k++) {
    const diag_item *it = &items[order[k]];
    if (it->line > 0 || it->col > 0)
      fprintf(out, "%s:%d:%d: %s: %s\n", it->file, it->line, it->col, label, it->message);
    else
      fprintf(out, "%s: %s: %s\n", it->file, label, it->message);
  }
}

void model_diag_print(const model_diag *d, FILE *out) {
  if (!d || !out) return;
  print_sorted(d->items, d->n, "error", out);
  if (d->lost)
    fprintf(out, "error: out of memory (%zu message%s lost)\n", d->lost,
            d->lost == 1 ? "" : "s");
  if (d->dropped > d->lost)
    fprintf(out, "note: %zu further error%s not shown; fix the ones above first\n",
            d->dropped - d->lost, d->dropped - d->lost == 1 ? "" : "s");
}

/* ---- "did you mean" ----------------------------------------------------- */

#define SUGGEST_MAX_LEN 128   /* longer words get no hint: keeps the cost bounded */

static int lower(int c) {
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Optimal string alignment distance (Levenshtein plus adjacent swaps). */
static size_t osa_distance(const char *a, size_t la, const char *b, size_t lb) {
  size_t rows[3][SUGGEST_MAX_LEN + 1];
  size_t *pp = rows[0], *p = rows[1], *c = rows[2];
  for (size_t j = 0; j <= lb; j++) p[j] = j;
  for (size_t i = 1; i <= la; i++) {
    c[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cost = lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]);
      size_t v = p[j] + 1;
      if (c[j - 1] + 1 < v) v = c[j - 1] + 1;
      if (p[j - 1] + cost < v) v = p[j - 1] + cost;
      if (i > 1 && j > 1 && lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 2]) &&
          lower((unsigned char)a[i - 2]) == lower((unsigned char)b[j - 1]) && pp[j - 2] + 1 < v)
        v = pp[j - 2] + 1;
      c[j] = v;
    }
    size_t *t = pp;
    pp = p;
    p = c;
    c = t;
  }
  return p[lb];
}

static int prefix_ci(const char *shorter, size_t ls, const char *longer) {
  for (size_t i = 0; i < ls; i++)
    if (lower((unsigned char)shorter[i]) != lower((unsigned char)longer[i])) return 0;
  return 1;
}

const char *model_diag_suggest(const char *word, const char *const *candidates, size_t n) {
  if (!word || !candidates) return NULL;
  size_t lw = strlen(word);
  if (lw == 0 || lw > SUGGEST_MAX_LEN) return NULL;
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    const char *c = candidates[i];
    /* The word itself is no suggestion ("did you mean 'production'?" to
    ** someone who wrote production): the caller must say what else is wrong. */
    if (!c || strcmp(c, word) == 0) continue;
    size_t lc = strlen(c);
    if (lc == 0 || lc > SUGGEST_MAX_LEN) continue;
    size_t longer = lw > lc ? lw : lc;
    size_t limit = longer / 3 > 0 ? longer / 3 : 1;
    int prefix = lw >= 3 && lc >= 3 &&
                 (lw < lc ? prefix_ci(word, lw, c) : prefix_ci(c, lc, word));
    /* the distance is at least the difference in length */
    if (!prefix && (lw > lc ? lw - lc : lc - lw) > limit) continue;
    size_t d = osa_distance(word, lw, c, lc);
    if ((d <= limit && d < lc) || prefix) {
      if (d < best_d) {
        best = c;
        best_d = d;
      }
    }
  }
  return best;
}

void model_diag_print_warnings(const model_diag *d, FILE *out) {
  if (!d || !out) return;
  print_sorted(d->warnings, d->n_warnings, "warning", out);
  if (d->dropped_warnings)
    fprintf(out, "note: %zu further warning%s not shown\n", d->dropped_warnings,
            d->dropped_warnings == 1 ? "" : "s");
}
