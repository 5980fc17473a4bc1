/*
** fit/csv.h — a small reader of the CSV files planners hand to `drsim fit`,
** `calibrate` and `check`: a header line naming the columns, then one record
** a line (RFC 4180 quoting, CRLF or LF, blank lines and lines starting with
** '#' skipped), every field kept as text. Columns are found by name, so
** their order is free and extra columns are ignored.
*/
#ifndef DRSIM_FIT_CSV_H
#define DRSIM_FIT_CSV_H

#include <stddef.h>

typedef struct fit_csv fit_csv;

/* Read `path` (at most 64 MiB). Returns the table, or NULL with a message
** "path:line: ..." in err. */
fit_csv *fit_csv_read(const char *path, char *err, size_t errn);

/* Parse a text the same way (`name` names it in messages). */
fit_csv *fit_csv_parse(const char *text, size_t len, const char *name, char *err, size_t errn);

void fit_csv_free(fit_csv *t);              /* NULL is a no-op */

size_t fit_csv_rows(const fit_csv *t);      /* records, header excluded */
size_t fit_csv_cols(const fit_csv *t);      /* header columns */
const char *fit_csv_header(const fit_csv *t, size_t col);

/* Column index of a header name (case-insensitive, surrounding blanks
** ignored), or -1. */
int fit_csv_col(const fit_csv *t, const char *name);

/* Field of record row (0-based) in column col: "" when the record is
** shorter; never NULL. */
const char *fit_csv_get(const fit_csv *t, size_t row, size_t col);

/* The file line of a record (1-based), for messages. */
size_t fit_csv_line(const fit_csv *t, size_t row);

#endif
