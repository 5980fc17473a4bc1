/*
** reports/html_internal.h — what the files of the HTML report share and
** nobody else may include: the page being written, the per-environment
** trial columns the charts use, and the helpers and sections (prefix
** html_) the html*.c files call. The contract is reports/html.h.
**
**   html.c           helpers, head, parameters, architecture, verdicts, the page
**   html_charts.c    CDFs, criticality, timelines, histograms
**   html_lifetime.c  availability, downtime, lifetime tables, causes, reliability
**   html_tables.c    objectives, accuracy, steps, components, standby
*/
#ifndef DRSIM_REPORTS_HTML_INTERNAL_H
#define DRSIM_REPORTS_HTML_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "reports/html.h"
#include "reports/stats.h"
#include "reports/store.h"
#include "reports/summary.h"
#include "reports/svg.h"

typedef struct page {
  FILE *out;
  report_store *st;
  const report_summary *s;
  const report_run *run;
  report_error *err;
} page;

/* Per-environment trial columns: RTO in trial order (for the median trial)
** and RTO / RPO sorted (for the CDFs). */
typedef struct env_cols {
  double *rto_trials;      /* per trial; NaN: no RTO sample in that trial */
  size_t n_rto_trials;
  unsigned char *sample;   /* per trial: 1 when it has an RTO/RPO sample */
  double *rto, *rpo;       /* sorted, NaN removed */
  size_t n_rto, n_rpo;
  double *downtime;        /* lifetime mode: sorted downtime over the horizon */
  size_t n_downtime;
} env_cols;

void html_esc(page *p, const char *t);

void html_set_err(report_error *err, const char *fmt, const char *what);

/* Copy a store error into the caller's. */
int html_store_fail(page *p, int rc, const report_error *e);

/* A chart could not be written: the stream failed (or, rarely, memory ran
** out inside the chart). */
int html_svg_fail(page *p);

const char *html_metric_title(const char *m);

void html_fmt_dur_ci(report_stats_ci c, char *b, size_t n);

/* A table cell; numbers right-aligned by default, text cells get class l. */
void html_td(page *p, const char *text);

/* A cell "estimate [lo, hi]": the interval goes on its own smaller line,
** which keeps the wide tables within the page. */
void html_tdci(page *p, const char *text);

/* A left-aligned text cell ("-" for none). */
void html_tdl(page *p, const char *text);

/* Free the n environments' columns read by html_load_env_cols. */
void html_env_cols_free(env_cols *c, size_t n);

/* Read RTO and RPO (and, lifetime mode, downtime) of every environment,
** keeping the trials the summary's rto and rpo rows keep, so that curves
** and tables agree: in lifetime mode only trials in which a disaster
** started an incident (disaster_incidents > 0; with a database older than
** that column, any incident); an unrecovered trial's RTO is +inf, and a
** recovered one without a value is dropped. */
int html_load_env_cols(page *p, env_cols **out);

/* Lifetime mode: availability (chart, tables, the conditional estimates and
** the downtime CDF) in one section. */
int html_write_lifetime(page *p, const env_cols *c);

/* Lifetime mode: downtime by cause, one bar chart per environment and the
** table. */
int html_write_causes(page *p);

/* Lifetime mode: observed MTBF / MTTR against the scenario's targets. */
void html_write_reliability(page *p);

/* The CDF of RTO (rpo = 0) or RPO (rpo = 1) per environment, in its own
** section. */
int html_write_cdf(page *p, const env_cols *c, int rpo);

/* Sections written by html_charts.c and html_tables.c onto p->out; those
** returning int give REPORT_OK or a status with p->err set. Step
** criticality, the median trial's timelines, the RPO histograms: */
int html_write_criticality(page *p, const env_cols *cols);

int html_write_gantts(page *p, const env_cols *c);

int html_write_histograms(page *p, const env_cols *c);

/* The tables: objectives, accuracy, steps, components, standby pools. */
void html_write_objectives_table(page *p);

void html_write_accuracy(page *p);

void html_write_steps_table(page *p);

void html_write_components_table(page *p);

void html_write_standby_table(page *p);

#endif
