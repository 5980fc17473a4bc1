/*
** reports/csv.c — CSV writers (format in reports/csv.h). Numbers go through
** report_csv_format_number so every table prints them the same way, and
** each writer checks the stream once at the end (stdio keeps the error
** flag), which is where a full disk or closed pipe shows up.
*/
#include "reports/csv.h"
#include "reports/columns.h"
#include "reports/costs.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

char *report_csv_format_number(double v, char *buf, size_t n)
{
  if (n == 0) return buf;
  if (isnan(v)) { buf[0] = '\0'; return buf; }
  if (isinf(v)) { snprintf(buf, n, "%s", v > 0 ? "inf" : "-inf"); return buf; }
  /* Shortest precision that reads back exactly: 0.1 prints as 0.1, not
  ** 0.10000000000000001, and nothing is lost. */
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  /* A program that set LC_NUMERIC would get a decimal comma: force '.'. */
  for (char *p = buf; *p; p++)
    if (*p == ',') *p = '.';
  return buf;
}

void report_csv_number(FILE *out, double v)
{
  char buf[40];
  fputs(report_csv_format_number(v, buf, sizeof buf), out);
}

void report_csv_field(FILE *out, const char *text)
{
  if (!text) return;
  size_t len = strlen(text);
  int quote = len > 0 && (text[0] == ' ' || text[0] == '\t' ||
                          text[len - 1] == ' ' || text[len - 1] == '\t');
  if (strpbrk(text, ",\"\r\n")) quote = 1;
  if (!quote) {
    fputs(text, out);
    return;
  }
  putc('"', out);
  for (const char *p = text; *p; p++) {
    if (*p == '"') putc('"', out);
    putc(*p, out);
  }
  putc('"', out);
}

static void sep(FILE *out) { putc(',', out); }

static void num(FILE *out, double v)
{
  sep(out);
  report_csv_number(out, v);
}

static void u64(FILE *out, uint64_t v)
{
  sep(out);
  fprintf(out, "%llu", (unsigned long long)v);
}

static int finish(FILE *out, report_error *err, const char *what)
{
  if (fflush(out) != 0 || ferror(out)) {
    int e = errno;
    if (err)
      snprintf(err->text, sizeof err->text, "writing the %s CSV: %s", what,
               e ? strerror(e) : "write error");
    return REPORT_EIO;
  }
  return REPORT_OK;
}

/* A summary row of a cost figure: a mean with its interval over n trials,
** in the currency. */
static report_summary_row cost_row(const report_costs *c, const char *env, const char *metric,
                                   report_stats_ci v)
{
  report_summary_row r;
  memset(&r, 0, sizeof r);
  report_stats_ci none = {NAN, NAN, NAN};
  r.environment = env;
  r.metric = metric;
  r.n = r.n_finite = r.n_affected = c->n;
  r.mean = v;
  r.p50 = r.p90 = r.p95 = r.p99 = r.p_meet = none;
  r.max = r.objective = NAN;
  r.unit = c->currency;
  return r;
}

/* The trials in which the disaster affected env (its rto row's), or the
** most over every environment for env NULL. */
static uint64_t affected(const report_summary_row *rows, size_t n, const char *env)
{
  uint64_t most = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(rows[i].metric, "rto") != 0) continue;
    if (env && strcmp(rows[i].environment, env) == 0) return rows[i].n_affected;
    if (!env && rows[i].n_affected > most) most = rows[i].n_affected;
  }
  return most;
}

/* The cost rows after a run's summary rows (reports/costs.h): per
** environment and over all ("all") the loss per disaster, its CVaR-95, and
** the annual cost of risk, standby and total; n_affected as the summary
** rows say (over all: the most of any environment). Fills rows[0..);
** returns how many (at most n_env + 5). */
static size_t cost_rows(const report_costs *c, const report_summary_row *summary, size_t n,
                        report_summary_row *rows)
{
  size_t k = 0;
  double r = c->disasters_per_year;
  report_stats_ci none = {NAN, NAN, NAN};
  for (size_t e = 0; e < c->n_env; e++) {
    rows[k] = cost_row(c, c->env[e].environment, "loss", c->env[e].loss);
    rows[k++].n_affected = affected(summary, n, c->env[e].environment);
  }
  size_t first_all = k;
  rows[k++] = cost_row(c, "all", "loss", c->loss);
  rows[k++] = cost_row(c, "all", "loss_cvar95", c->cvar95_ci);
  rows[k++] = cost_row(c, "all", "risk_annual", isfinite(r) ? c->risk_annual : none);
  rows[k++] = cost_row(c, "all", "standby_annual", (report_stats_ci){c->standby_annual, NAN, NAN});
  rows[k++] = cost_row(c, "all", "total_annual", isfinite(r) ? c->total_annual : none);
  for (size_t i = first_all; i < k; i++) rows[i].n_affected = affected(summary, n, NULL);
  return k;
}

report_summary_row *report_csv_summary_rows(const report_summary *s, size_t *n_rows)
{
  const report_summary_row *summary_rows;
  size_t n_summary = report_summary_rows(s, &summary_rows);
  const report_costs *costs = report_summary_costs(s);
  size_t n = n_summary + (costs ? costs->n_env + 5 : 0);
  report_summary_row *rows = malloc((n ? n : 1) * sizeof *rows);
  if (!rows) return NULL;
  if (n_summary) memcpy(rows, summary_rows, n_summary * sizeof *rows);
  if (costs) n = n_summary + cost_rows(costs, summary_rows, n_summary, rows + n_summary);
  *n_rows = n;
  return rows;
}

int report_csv_write_summary(FILE *out, const report_summary *s, report_error *err)
{
  size_t n = 0;
  report_summary_row *rows = report_csv_summary_rows(s, &n);
  if (!rows) {
    if (err) snprintf(err->text, sizeof err->text, "out of memory writing the summary CSV");
    return REPORT_ENOMEM;
  }
  for (size_t j = 0; j < report_summary_ncolumns; j++)
    fprintf(out, "%s%s", j ? "," : "", report_summary_columns[j].name);
  putc('\n', out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    for (size_t j = 0; j < report_summary_ncolumns; j++) {
      const report_summary_column *c = &report_summary_columns[j];
      if (j) sep(out);
      if (report_summary_column_missing(c, r)) continue;
      if (c->kind == REPORT_SUMCOL_TEXT) report_csv_field(out, report_summary_column_text(c, r));
      else if (c->kind == REPORT_SUMCOL_NUMBER)
        report_csv_number(out, report_summary_column_number(c, r));
      else fprintf(out, "%llu", (unsigned long long)report_summary_column_count(c, r));
    }
    putc('\n', out);
  }
  free(rows);
  return finish(out, err, "summary");
}

/* A summary table (reports/columns.h report_row_tables): its header, then
** one line per row, column by column from the table. */
static int write_rows(FILE *out, const report_summary *s, size_t which, report_error *err)
{
  const report_row_table *t = &report_row_tables[which];
  for (size_t j = 0; j < t->ncols; j++) {
    const char *name = t->cols[j].name;
    if (t->cols[j].kind == REPORT_ROWCOL_CI)
      fprintf(out, "%s%s,%s_lo,%s_hi", j ? "," : "", name, name, name);
    else
      fprintf(out, "%s%s", j ? "," : "", name);
  }
  putc('\n', out);
  int lifetime = report_summary_run(s)->mode == MODEL_MODE_LIFETIME;
  const void *rows;
  size_t n = t->rows(s, &rows);
  for (size_t i = 0; i < n; i++) {
    const void *r = (const char *)rows + i * t->row_size;
    for (size_t j = 0; j < t->ncols; j++) {
      const report_row_column *c = &t->cols[j];
      if (j) sep(out);
      switch (c->kind) {
      case REPORT_ROWCOL_TEXT:
      case REPORT_ROWCOL_CAUSE:
        report_csv_field(out, report_row_column_text(c, r));
        break;
      case REPORT_ROWCOL_NUMBER:
        report_csv_number(out, report_row_column_number(c, r));
        break;
      case REPORT_ROWCOL_CI: {
        report_stats_ci ci = report_row_column_ci(c, r);
        report_csv_number(out, ci.est);
        num(out, ci.lo);
        num(out, ci.hi);
        break;
      }
      case REPORT_ROWCOL_LIFETIME:
        if (!lifetime) break;
        /* fall through */
      default:
        fprintf(out, "%llu", (unsigned long long)report_row_column_count(c, r));
        break;
      }
    }
    putc('\n', out);
  }
  return finish(out, err, t->name);
}

int report_csv_write_steps(FILE *out, const report_summary *s, report_error *err)
{
  return write_rows(out, s, REPORT_ROWS_STEPS, err);
}

int report_csv_write_components(FILE *out, const report_summary *s,
                                report_error *err)
{
  return write_rows(out, s, REPORT_ROWS_COMPONENTS, err);
}

int report_csv_write_standby(FILE *out, const report_summary *s, report_error *err)
{
  return write_rows(out, s, REPORT_ROWS_STANDBY, err);
}

int report_csv_write_lifetime(FILE *out, const report_summary *s, report_error *err)
{
  return write_rows(out, s, REPORT_ROWS_LIFETIME, err);
}

int report_csv_write_causes(FILE *out, const report_summary *s, report_error *err)
{
  return write_rows(out, s, REPORT_ROWS_CAUSES, err);
}

typedef struct incidents_ctx {
  FILE *out;
  int64_t run_id;
} incidents_ctx;

static int incident_row(void *ctx, const report_incident_row *r)
{
  incidents_ctx *c = ctx;
  FILE *out = c->out;
  fprintf(out, "%lld,", (long long)c->run_id);
  report_csv_field(out, r->environment);
  u64(out, r->trial);
  fprintf(out, ",%d,", r->incident);
  report_csv_field(out, r->cause);
  for (size_t j = 0; j < report_incident_ncolumns; j++) {
    const report_incident_column *col = &report_incident_columns[j];
    double v = report_incident_column_get(col, r);
    if (col->type == REPORT_COL_REAL) num(out, v);
    else fprintf(out, ",%d", (int)v);
  }
  putc('\n', out);
  return ferror(out) ? REPORT_EIO : 0;
}

int report_csv_write_incidents(FILE *out, report_store *st, int64_t run_id,
                               report_error *err)
{
  report_run *run = NULL;
  int rc = report_store_run_get(st, run_id, &run, err);
  if (rc) return rc;
  report_store_run_free(run);
  fputs("run_id,environment,trial,incident,cause", out);
  for (size_t j = 0; j < report_incident_ncolumns; j++)
    fprintf(out, ",%s", report_incident_columns[j].col.name);
  putc('\n', out);
  incidents_ctx c = {out, run_id};
  rc = report_store_incidents_foreach(st, run_id, incident_row, &c, err);
  if (rc == REPORT_EIO && ferror(out)) return finish(out, err, "incidents");
  if (rc) return rc;
  return finish(out, err, "incidents");
}

typedef struct trials_ctx {
  FILE *out;
  int64_t run_id;
} trials_ctx;

static int trial_row(void *ctx, const report_trial_row *r)
{
  trials_ctx *c = ctx;
  FILE *out = c->out;
  fprintf(out, "%lld,", (long long)c->run_id);
  report_csv_field(out, r->environment);
  u64(out, r->trial);
  for (size_t j = 0; j < report_trial_ncolumns; j++) {
    const report_trial_column *col = &report_trial_columns[j];
    double v = report_trial_column_get(col, r);
    if (col->row_int) fprintf(out, ",%d", (int)v);
    else num(out, v);
  }
  putc('\n', out);
  /* Stop early on a dead stream (closed pipe, full disk) rather than
  ** formatting millions of rows into it. */
  return ferror(out) ? REPORT_EIO : 0;
}

int report_csv_write_trials(FILE *out, report_store *st, int64_t run_id,
                            report_error *err)
{
  /* Check the run first, so a wrong id writes nothing at all. */
  report_run *run = NULL;
  int rc = report_store_run_get(st, run_id, &run, err);
  if (rc) return rc;
  report_store_run_free(run);
  fputs("run_id,environment,trial", out);
  for (size_t j = 0; j < report_trial_ncolumns; j++)
    fprintf(out, ",%s", report_trial_columns[j].col.name);
  putc('\n', out);
  trials_ctx c = {out, run_id};
  rc = report_store_trials_foreach(st, run_id, trial_row, &c, err);
  if (rc == REPORT_EIO && ferror(out)) return finish(out, err, "trials");
  if (rc) return rc;
  return finish(out, err, "trials");
}
