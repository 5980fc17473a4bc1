/*
** reports/table.c — a table model rendered to Markdown and HTML (contract
** in reports/table.h).
*/
#include "reports/table.h"

#include <stdlib.h>
#include <string.h>
#include "reports/svg.h"

void report_table_md_escape(FILE *out, const char *t)
{
  for (const unsigned char *p = (const unsigned char *)t; p && *p; p++) {
    if (*p < 0x20 || *p == 0x7f) {
      /* Control characters (an ANSI escape sequence, a line break) never
      ** reach a terminal or a viewer; white space becomes a space. */
      if (*p == '\n' || *p == '\r' || *p == '\t') putc(' ', out);
    } else if (strchr("\\`*_[]<>|&~!", *p)) {
      putc('\\', out);
      putc(*p, out);
    } else {
      putc(*p, out);
    }
  }
}

struct report_table {
  const report_table_column *cols;
  size_t ncols;
  char **cells;            /* rows x ncols, row-major */
  size_t rows, cap;
};

report_table *report_table_new(const report_table_column *cols, size_t ncols)
{
  report_table *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->cols = cols;
  t->ncols = ncols;
  return t;
}

int report_table_add(report_table *t, const char *const *cells)
{
  if (t->rows == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 8;
    char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
    if (!c) return -1;
    t->cells = c;
    t->cap = cap;
  }
  char **row = t->cells + t->rows * t->ncols;
  for (size_t j = 0; j < t->ncols; j++) {
    const char *s = cells[j] ? cells[j] : "";
    size_t n = strlen(s) + 1;
    row[j] = malloc(n);
    if (!row[j]) {
      while (j-- > 0) free(row[j]);
      return -1;
    }
    memcpy(row[j], s, n);
  }
  t->rows++;
  return 0;
}

size_t report_table_rows(const report_table *t)
{
  return t->rows;
}

void report_table_write_md(FILE *out, const report_table *t)
{
  const char *sep = "|";
  for (size_t j = 0; j < t->ncols; j++)
    if (t->cols[j].formats & REPORT_TABLE_MD) {
      fprintf(out, "%s %s", sep, t->cols[j].md_head);
      sep = " |";
    }
  fputs(" |\n|", out);
  for (size_t j = 0; j < t->ncols; j++)
    if (t->cols[j].formats & REPORT_TABLE_MD)
      fputs(t->cols[j].kind == REPORT_CELL_TEXT ? "---|" : "--:|", out);
  fputs("\n", out);
  for (size_t i = 0; i < t->rows; i++) {
    fputs("|", out);
    for (size_t j = 0; j < t->ncols; j++) {
      if (!(t->cols[j].formats & REPORT_TABLE_MD)) continue;
      const char *c = t->cells[i * t->ncols + j];
      fputs(" ", out);
      if (t->cols[j].kind != REPORT_CELL_TEXT) fputs(c, out);
      else if (!*c) fputs("-", out);
      else report_table_md_escape(out, c);
      fputs(" |", out);
    }
    fputs("\n", out);
  }
}

void report_table_html_cell(FILE *out, report_cell_kind kind, const char *text)
{
  if (kind == REPORT_CELL_TEXT) {
    fputs("<td class=\"l\">", out);
    report_svg_escape(out, text && *text ? text : "-");
    fputs("</td>", out);
    return;
  }
  const char *br = kind == REPORT_CELL_CI ? strstr(text, " [") : NULL;
  fputs("<td>", out);
  if (!br) {
    report_svg_escape(out, text);
  } else {
    /* The interval on its own smaller line keeps wide tables in the page. */
    char est[160];
    snprintf(est, sizeof est, "%.*s", (int)(br - text), text);
    report_svg_escape(out, est);
    fputs("<span class=\"ci\">", out);
    report_svg_escape(out, br + 1);
    fputs("</span>", out);
  }
  fputs("</td>", out);
}

void report_table_write_html(FILE *out, const report_table *t)
{
  fputs("<div class=\"scroll\"><table>\n<thead><tr>", out);
  for (size_t j = 0; j < t->ncols; j++)
    if (t->cols[j].formats & REPORT_TABLE_HTML)
      fprintf(out, "<th%s>%s</th>", t->cols[j].kind == REPORT_CELL_TEXT ? " class=\"l\"" : "",
              t->cols[j].html_head);
  fputs("</tr></thead>\n<tbody>\n", out);
  for (size_t i = 0; i < t->rows; i++) {
    fputs("<tr>", out);
    for (size_t j = 0; j < t->ncols; j++)
      if (t->cols[j].formats & REPORT_TABLE_HTML)
        report_table_html_cell(out, t->cols[j].kind, t->cells[i * t->ncols + j]);
    fputs("</tr>\n", out);
  }
  fputs("</tbody>\n</table></div>\n", out);
}

void report_table_free(report_table *t)
{
  if (!t) return;
  for (size_t i = 0; i < t->rows * t->ncols; i++) free(t->cells[i]);
  free(t->cells);
  free(t);
}
