/*
** fit/csv.c — the CSV reader of fit/csv.h: one pass over the text, fields
** copied into one arena per table, with the line of each record kept for
** messages.
*/
#include "fit/csv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIT_CSV_MAX_BYTES (64u << 20)

struct fit_csv {
  char **fields;     /* all fields, record after record (header first) */
  size_t n_fields, cap_fields;
  size_t *rec_start; /* first field of each record */
  size_t *rec_len;   /* fields in each record */
  size_t *rec_line;
  size_t n_recs, cap_recs;
};

void fit_csv_free(fit_csv *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n_fields; i++) free(t->fields[i]);
  free(t->fields);
  free(t->rec_start);
  free(t->rec_len);
  free(t->rec_line);
  free(t);
}

static int push_field(fit_csv *t, const char *s, size_t len) {
  if (t->n_fields == t->cap_fields) {
    size_t nc = t->cap_fields ? 2 * t->cap_fields : 64;
    char **nf = realloc(t->fields, nc * sizeof *nf);
    if (!nf) return -1;
    t->fields = nf;
    t->cap_fields = nc;
  }
  char *c = malloc(len + 1);
  if (!c) return -1;
  memcpy(c, s, len);
  c[len] = '\0';
  t->fields[t->n_fields++] = c;
  return 0;
}

static int push_record(fit_csv *t, size_t start, size_t line) {
  if (t->n_recs == t->cap_recs) {
    size_t nc = t->cap_recs ? 2 * t->cap_recs : 64;
    size_t *a = realloc(t->rec_start, nc * sizeof *a);
    if (!a) return -1;
    t->rec_start = a;
    size_t *b = realloc(t->rec_len, nc * sizeof *b);
    if (!b) return -1;
    t->rec_len = b;
    size_t *c = realloc(t->rec_line, nc * sizeof *c);
    if (!c) return -1;
    t->rec_line = c;
    t->cap_recs = nc;
  }
  t->rec_start[t->n_recs] = start;
  t->rec_len[t->n_recs] = t->n_fields - start;
  t->rec_line[t->n_recs] = line;
  t->n_recs++;
  return 0;
}

fit_csv *fit_csv_parse(const char *text, size_t len, const char *name, char *err, size_t errn) {
  fit_csv *t = calloc(1, sizeof *t);
  char *buf = malloc(len + 1);
  if (!t || !buf) {
    free(buf);
    free(t);
    snprintf(err, errn, "%s: out of memory", name);
    return NULL;
  }
  size_t i = 0, line = 1;
  while (i < len) {
    /* Skip blank and comment lines. */
    size_t j = i;
    while (j < len && (text[j] == ' ' || text[j] == '\t')) j++;
    if (j >= len) break;
    if (text[j] == '\n' || text[j] == '\r' || text[j] == '#') {
      while (j < len && text[j] != '\n') j++;
      i = j + 1;
      line++;
      continue;
    }
    size_t rec_line = line, start = t->n_fields;
    for (;;) { /* one field */
      size_t b = 0, q = i;
      while (q < len && (text[q] == ' ' || text[q] == '\t')) q++;
      if (q < len && text[q] == '"') i = q; /* blanks before a quoted field */
      if (i < len && text[i] == '"') {
        i++;
        for (;;) {
          if (i >= len) {
            snprintf(err, errn, "%s:%zu: a quoted field is not closed", name, rec_line);
            goto fail;
          }
          if (text[i] == '"') {
            if (i + 1 < len && text[i + 1] == '"') {
              buf[b++] = '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] == '\n') line++;
          buf[b++] = text[i++];
        }
        while (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r') i++;
      } else {
        while (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r') buf[b++] = text[i++];
      }
      /* Trim blanks around unquoted content. */
      size_t s0 = 0;
      while (s0 < b && isspace((unsigned char)buf[s0])) s0++;
      while (b > s0 && isspace((unsigned char)buf[b - 1])) b--;
      if (push_field(t, buf + s0, b - s0)) goto oom;
      if (i < len && text[i] == ',') {
        i++;
        continue;
      }
      if (i < len && text[i] == '\r') i++;
      if (i < len && text[i] == '\n') i++;
      line++;
      break;
    }
    if (push_record(t, start, rec_line)) goto oom;
  }
  free(buf);
  if (t->n_recs == 0) {
    snprintf(err, errn, "%s: empty: a header line naming the columns is needed", name);
    fit_csv_free(t);
    return NULL;
  }
  return t;
oom:
  snprintf(err, errn, "%s: out of memory", name);
fail:
  free(buf);
  fit_csv_free(t);
  return NULL;
}

fit_csv *fit_csv_read(const char *path, char *err, size_t errn) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errn, "%s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, len = 0;
  char *text = malloc(cap);
  while (text) {
    if (len == cap) {
      if (cap >= FIT_CSV_MAX_BYTES) {
        snprintf(err, errn, "%s: larger than 64 MiB", path);
        free(text);
        fclose(f);
        return NULL;
      }
      char *nt = realloc(text, cap * 2);
      if (!nt) break;
      text = nt;
      cap *= 2;
    }
    size_t got = fread(text + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  int bad = !text || ferror(f);
  fclose(f);
  if (bad) {
    snprintf(err, errn, "%s: cannot read", path);
    free(text);
    return NULL;
  }
  fit_csv *t = fit_csv_parse(text, len, path, err, errn);
  free(text);
  return t;
}

size_t fit_csv_rows(const fit_csv *t) { return t->n_recs - 1; }
size_t fit_csv_cols(const fit_csv *t) { return t->rec_len[0]; }
const char *fit_csv_header(const fit_csv *t, size_t col) {
  return col < t->rec_len[0] ? t->fields[col] : "";
}

int fit_csv_col(const fit_csv *t, const char *name) {
  for (size_t c = 0; c < t->rec_len[0]; c++)
    if (strcasecmp(t->fields[c], name) == 0) return (int)c;
  return -1;
}

const char *fit_csv_get(const fit_csv *t, size_t row, size_t col) {
  size_t r = row + 1;
  if (r >= t->n_recs || col >= t->rec_len[r]) return "";
  return t->fields[t->rec_start[r] + col];
}

size_t fit_csv_line(const fit_csv *t, size_t row) {
  return row + 1 < t->n_recs ? t->rec_line[row + 1] : 0;
}
