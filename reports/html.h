/*
** reports/html.h — the HTML report of one run (`drsim report --format html`):
** a single self-contained page (inline CSS and SVG, no script, no font or
** image to fetch) that opens offline in any browser.
**
** Contents, top to bottom: the scenario's name and text hash; the run's
** parameters (seed, trials, threads, detail, status, program version,
** dates, overrides); a verdict per environment and objective (meets /
** misses: P(meet) with its 95 % Wilson interval against the 95 % share the
** CLI uses for --fail-on-miss, and the p95 and p99 with intervals against
** the objective); charts (reports/svg.h): the RTO and RPO CDFs per
** environment, the criticality index per step, the Gantt timeline of each
** environment's median trial and the RPO histogram per component; the
** summary tables of reports/summary.h (objectives, steps, components,
** standby pools with the annual cost of their warm nodes); and an accuracy
** note (half-width of each p99 interval, trials needed to halve it).
** Lifetime runs add an availability section (the distribution of each
** environment's availability against its objective, the mean with its
** interval, the counts the estimates rest on, the estimates given a
** disaster, each incident's RTO/RPO, the downtime CDF), downtime by cause
** (a bar chart per environment and a table) and observed MTBF/MTTR against
** the scenario's targets (charts availability, downtime-cdf,
** downtime-causes).
**
** The timeline and the per-component histograms need per-trial detail,
** kept only by runs made with `--detail steps`; for other runs the page
** says so in place of those charts (an element with data-chart-missing).
** The page declares the charts it holds or explains in
** <meta name="drsim-charts" content="rto-cdf rpo-cdf ...">; every chart is
** an <svg data-chart="ID">, which scripts/check-report.sh verifies.
*/
#ifndef DRSIM_REPORTS_HTML_H
#define DRSIM_REPORTS_HTML_H

#include <stdio.h>
#include "reports/store.h"
#include "reports/summary.h"

/* Write the report of the run summarised by s (report_summary_build on
** store st; the store is read again for the per-trial values the charts
** need). Returns REPORT_OK; REPORT_EIO when writing to out fails or the
** store cannot be read; REPORT_ENOMEM; in each case err (may be NULL) says
** what failed. The output is then incomplete and should be discarded. */
int report_html_write(FILE *out, report_store *st, const report_summary *s,
                      report_error *err);

#endif
