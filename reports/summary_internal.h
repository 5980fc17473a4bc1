/*
** reports/summary_internal.h — what the files of the summary module share
** and nobody else may include: the definition of the opaque report_summary,
** the streaming scan's accumulators and the helpers (prefix summary_).
**
**   summary.c        accessors, row helpers, report_summary_build
**   summary_scan.c   the two streaming passes over the trials
**   summary_env.c    the objective rows, lifetime rows and causes of an environment
**   summary_items.c  steps, components and standby pools
**
** The public contract is reports/summary.h.
*/
#ifndef DRSIM_REPORTS_SUMMARY_INTERNAL_H
#define DRSIM_REPORTS_SUMMARY_INTERNAL_H

#include "reports/summary.h"

#include <stddef.h>
#include <stdint.h>
#include "reports/costs.h"
#include "reports/hist.h"

#define HOURS_PER_YEAR 8760.0

struct report_summary {
  report_run *run;
  report_summary_row *rows;
  size_t n_rows, cap_rows;
  report_summary_step_row *steps;
  size_t n_steps;
  report_summary_component_row *components;
  size_t n_components;
  report_summary_standby_row *standby;
  size_t n_standby;
  report_summary_lifetime_row *lifetime;
  size_t n_lifetime;
  report_summary_cause_row *causes;
  size_t n_causes, cap_causes;
  char **leads;             /* report_summary_add_lead */
  size_t n_leads;
  report_costs *costs;      /* NULL: the run has no costs */
};

#define SCAN_KEEP ((size_t)1 << 23)   /* values kept in the exact pass, all metrics: 64 MB */

/* Mean and t interval of a stream of values, as report_stats_mean computes
** them (finite values only; corrected two-pass). */
typedef struct moments {
  size_t m;                  /* finite values */
  double sum;                /* pass 1 */
  double mean, c, m2;        /* pass 2, about mean = sum / m */
} moments;

/* The metrics of one environment fed from the trials. */
enum { M_RTO, M_RPO, M_FULL, M_AVAIL, M_DOWN, M_POOL_FS, M_POOL_FC, M_COUNT };

typedef struct metric_acc {
  report_hist *h;            /* NULL: the metric is not summarised here */
  moments mom;
  size_t n;                  /* values (NaN left out) */
  size_t meet, notrec;
} metric_acc;

typedef struct env_acc {
  const report_run_env *env;
  int has_pool;              /* some pool serves the environment */
  metric_acc m[M_COUNT];
  size_t n, n_affected, env_notrec;
  /* lifetime mode */
  size_t n_disaster;
  uint64_t disaster_incidents, component_incidents;
  double dis_down;
  moments strat_av[2], strat_dt[2];   /* [0] quiet trials, [1] with a disaster */
  size_t strat_n[2], strat_meet[2];   /* availability values, meeting it */
  moments kind[3];                     /* downtime by component / disaster / failback */
  size_t cause_hits[3];
  double cause_sum[3], cause_sum_sq[3];
} env_acc;

/* The trial columns the summary reads, and where each goes in a row. */
enum { T_RTO, T_RPO, T_RECOVERED, T_AFFECTED, T_FULL, T_FIRST, T_INCIDENTS,
       T_DISASTER_INCIDENTS, T_AVAILABILITY, T_DOWNTIME, T_COMPONENT_INCIDENTS,
       T_DT_COMPONENT, T_DT_DISASTER, T_DT_FAILBACK, T_COUNT };

typedef struct scan {
  const report_run *run;
  int lifetime;
  env_acc *acc;              /* one per environment */
  size_t cur;                /* environment being read */
  int pass;                  /* 1 or 2 */
  int col[T_COUNT];          /* position of each column in the values read; -1: not read */
} scan;

/* The cause name of the run's disaster incidents ("region disaster", ...). */
const char *summary_disaster_cause(const report_run *run);
/* Mean and t interval from n, the sum and the sum of squares. */
report_stats_ci summary_mean_from_moments(double n, double sum, double sum_sq);
/* The mean and t interval of a stream fed through both passes. */
report_stats_ci summary_mom_ci(const moments *a);
/* Sample variance about the plain mean (NaN below 2 values). */
double summary_mom_var(const moments *a);
/* A new zeroed cause row at the end of s->causes; NULL when out of memory. */
report_summary_cause_row *summary_new_cause(report_summary *s);
/* A new zeroed summary row of (env, metric); NULL when out of memory. */
report_summary_row *summary_new_row(report_summary *s, const char *env,
                                   const char *metric);
/* REPORT_ENOMEM with its message. */
int summary_nomem(report_store *st, report_error *err);
/* A ratio estimator sum_y / sum_x over n trials with its interval (delta method). */
report_stats_ci summary_ratio_ci(double n, double sum_y, double sum_x, double q);
/* Free the scan's histograms and accumulators. */
void summary_scan_free(scan *sc);
/* Both streaming passes over the run's trials into sc (see summary_scan.c). */
int summary_scan_trials(report_summary *s, report_store *st, scan *sc, report_error *err);
/* Set a row's objective and P(meet) from meet of row->n. */
void summary_set_objective(report_summary_row *row, double objective, size_t meet);
/* The component rows from the store's aggregates. */
void summary_build_components(report_summary *s);
/* Environment e's rows from its accumulators (and its lifetime rows). */
int summary_build_env(report_summary *s, report_store *st, size_t e, env_acc *c,
                         report_error *err);
/* Lifetime mode: the per-incident figures of environment e. */
int summary_build_incidents(report_store *st, const report_run *run, size_t e,
                               report_summary_lifetime_row *lt, report_error *err);
/* The standby pool rows (percentiles from the scan or the detail). */
int summary_build_standby(report_summary *s, report_store *st, const scan *sc,
                             report_error *err);
/* The step rows from the store's aggregates. */
void summary_build_steps(report_summary *s);

#endif
