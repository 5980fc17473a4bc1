/*
** reports/opt_page.h — the HTML page of `drsim optimize --html` (prefix
** report_opt_page_): the answer and how to reproduce it, the Pareto front
** (annual cost against P(meet) or CVaR-95, one marker per candidate, the
** front blue, the chosen point red), what each decision contributes, and
** every candidate. Plain data in (the caller formats its labels and
** sentences), one page out through reports/page.h; every text is escaped
** with report_svg_escape.
*/
#ifndef DRSIM_REPORTS_OPT_PAGE_H
#define DRSIM_REPORTS_OPT_PAGE_H

#include <stddef.h>
#include <stdio.h>

/* One candidate (amounts a year in the currency; p_meet in percent). */
typedef struct report_opt_page_cand {
  const char *label;          /* "PATH=VALUE, ..." */
  size_t order;               /* 1-based evaluation order */
  double objective;           /* chart x; not finite: not drawn */
  double y;                   /* chart y (P(meet) % or CVaR-95); not finite: not drawn */
  double standby, risk, total, p_meet;
  int meets_all, pareto, chosen;
  long long run_id;
} report_opt_page_cand;

/* One decision's contribution: the winner against the winner with it at
** its base option. */
typedef struct report_opt_page_contrib {
  const char *decision, *chosen;
  const char *instead;        /* the base option's label; NULL: the winner has it */
  double d_standby, d_risk, d_total, d_p_meet;   /* winner minus without; d_p_meet in points */
} report_opt_page_contrib;

typedef struct report_opt_page {
  const char *scenario;       /* the title's name */
  const char *answer;         /* the answer's sentences */
  const char *reproduce;      /* the `drsim run` command line */
  const char *currency;       /* "" when none */
  int pareto_cvar;            /* the y axis: 1 CVaR-95 per disaster, 0 P(meet) % */
  const report_opt_page_cand *cands;
  size_t n_cands;
  const report_opt_page_contrib *contribs;   /* NULL or none: no contributions table */
  size_t n_contribs;
} report_opt_page;

/* Write the whole page to f. Returns 0, or -1 on a write error. */
int report_opt_page_write(FILE *f, const report_opt_page *pg);

#endif
