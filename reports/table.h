/*
** reports/table.h — a table model rendered to Markdown and to HTML: the
** one path by which the reports' tables print their row values. A writer
** builds the cells of each row once (reports/rows.h builds the steps,
** components and standby tables from a summary); the Markdown report
** (reports/md.c) and the HTML report (reports/html*.c) render the same
** cells, so the two cannot drift apart. A column may belong to one format
** only (a figure one report shows and the other does not), and its header
** may read differently in each.
*/
#ifndef DRSIM_REPORTS_TABLE_H
#define DRSIM_REPORTS_TABLE_H

#include <stddef.h>
#include <stdio.h>

/* How a cell is written: free text (left-aligned, escaped, "-" when
** empty), a number (right-aligned, as formatted) or "estimate [lo, hi]"
** (right-aligned; HTML puts the interval on its own smaller line). */
typedef enum report_cell_kind {
  REPORT_CELL_TEXT,
  REPORT_CELL_NUMBER,
  REPORT_CELL_CI
} report_cell_kind;

/* Which renderings show a column. */
enum {
  REPORT_TABLE_MD = 1u,
  REPORT_TABLE_HTML = 2u,
  REPORT_TABLE_BOTH = 3u
};

typedef struct report_table_column {
  const char *md_head;     /* header in Markdown */
  const char *html_head;   /* header in HTML (raw HTML: a fixed string) */
  report_cell_kind kind;
  unsigned formats;        /* REPORT_TABLE_MD, _HTML or _BOTH */
} report_table_column;

typedef struct report_table report_table;

/* A new empty table of ncols columns (cols must outlive it); NULL when out
** of memory. */
report_table *report_table_new(const report_table_column *cols, size_t ncols);

/* Append a row of ncols cells (copied; a NULL cell is empty). 0, or -1 when
** out of memory (the table keeps its earlier rows). */
int report_table_add(report_table *t, const char *const *cells);

size_t report_table_rows(const report_table *t);

/* The header, alignment row and rows as a Markdown table, each line
** starting with '|' and ending with a newline. */
void report_table_write_md(FILE *out, const report_table *t);

/* <div class="scroll"><table> with <thead> and <tbody>, then a newline. */
void report_table_write_html(FILE *out, const report_table *t);

/* One HTML cell of the given kind (<td>, <td class="l">, or the estimate
** with its interval in <span class="ci">), text escaped. */
void report_table_html_cell(FILE *out, report_cell_kind kind, const char *text);

void report_table_free(report_table *t);

/* Free text for a Markdown table cell: '|' would end the cell and a newline
** the row, so Markdown's special characters are escaped and control
** characters dropped (white space becomes a space). */
void report_table_md_escape(FILE *out, const char *t);

#endif
