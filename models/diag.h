/*
** models/diag.h — diagnostics: a list of errors, each with its location
** (file:line:col, 1-based) and a message saying what is wrong and how to fix
** it. The loader collects several in one pass, like a compiler.
*/
#ifndef DRSIM_MODELS_DIAG_H
#define DRSIM_MODELS_DIAG_H

#include <stddef.h>
#include <stdio.h>

typedef struct model_diag model_diag;

/* Allocate an empty list; NULL when out of memory. Free with model_diag_free. */
model_diag *model_diag_new(void);
void model_diag_free(model_diag *d);   /* NULL is a no-op */

/* Append an error at file:line:col (line/col 0 when unknown). printf-style
** message. Silently drops errors once MODEL_DIAG_MAX are held (and notes it). */
#define MODEL_DIAG_MAX 100
void model_diag_add(model_diag *d, const char *file, int line, int col,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* The number of errors held (warnings not counted). */
size_t model_diag_count(const model_diag *d);

/* Append a warning: something that is valid but probably not what the user
** meant (an override of a value the model does not use). Warnings never make
** a load fail; they are kept apart from the errors (not counted by
** model_diag_count, not printed by model_diag_print). */
void model_diag_warn(model_diag *d, const char *file, int line, int col,
                     const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Warnings added (stored or not); 0 for NULL. */
size_t model_diag_warning_count(const model_diag *d);

/* Print every warning as "file:line:col: warning: message\n", in order of
** location like model_diag_print(). */
void model_diag_print_warnings(const model_diag *d, FILE *out);

/* How many errors were not stored (beyond MODEL_DIAG_MAX, or lost to an
** allocation failure). model_diag_print() ends with a note giving it. */
size_t model_diag_dropped(const model_diag *d);

/* Out of memory: model_diag_set_nomem() marks the list as holding an
** allocation failure (whoever reports one calls it; model_diag_add() calls
** it itself when it cannot store a message). model_diag_nomem() is then 1,
** and callers report the failure as a resource error (drsim exits 3), not
** as bad input. NULL is a no-op / 0. */
void model_diag_set_nomem(model_diag *d);
int model_diag_nomem(const model_diag *d);

/* The candidate nearest to `word` when it is close enough to be a likely
** typo (edit distance with adjacent transpositions, case-insensitive, at most
** a third of the longer word, or one is a prefix of the other), else NULL.
** For "did you mean 'interval'?" hints; returns a borrowed candidate. */
const char *model_diag_suggest(const char *word, const char *const *candidates, size_t n);

/* Borrow item i's fields (valid until the list is freed). */
const char *model_diag_file(const model_diag *d, size_t i);
int model_diag_line(const model_diag *d, size_t i);
int model_diag_col(const model_diag *d, size_t i);
const char *model_diag_message(const model_diag *d, size_t i);

/* Print every item as "file:line:col: error: message\n", in order of
** location (stable for equal locations). */
void model_diag_print(const model_diag *d, FILE *out);

#endif
