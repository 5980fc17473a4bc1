/*
** reports/detail.h — the per-trial detail columns (the steps, components
** and standby_trials tables of a run kept with --detail steps) computed from
** a trial's record, exactly as the store would write and read them back:
** the values a re-simulated trial gives for a run that did not keep its
** detail rows (reports/store.h, report_store_set_detail_source).
*/
#ifndef DRSIM_REPORTS_DETAIL_H
#define DRSIM_REPORTS_DETAIL_H

#include <stddef.h>
#include "models/outcome.h"

/* The detail tables. */
typedef enum report_detail_table {
  REPORT_DETAIL_T_STEPS = 0,        /* "steps", one row per step (step_index) */
  REPORT_DETAIL_T_COMPONENTS = 1,   /* "components", component_index */
  REPORT_DETAIL_T_STANDBY = 2       /* "standby_trials", pool_index */
} report_detail_table;

/* One readable column of a detail table. */
typedef struct report_detail_col {
  report_detail_table table;
  int column;                       /* position in the table's column list */
} report_detail_col;

/* The column `column` of table `table` ("steps", "components",
** "standby_trials"): 0 and *out, or -1 when there is no such column. */
int report_detail_find(const char *table, const char *column, report_detail_col *out);

/* Rows per trial of the table for a run of n_steps steps, n_components
** components and n_standby pools. */
size_t report_detail_rows(report_detail_table table, size_t n_steps, size_t n_components,
                          size_t n_standby);

/* The value of column c for item `index` (step, component or pool) of the
** trial viewed by v, as the store reads it back from a run kept with
** --detail steps: a non-finite real (stored as NULL) reads as NaN, flags as
** 0/1, counts as themselves; duration_s is end_s - start_s; the lifetime
** columns of components are NaN in disaster mode (lifetime = 0). */
double report_detail_value(report_detail_col c, const model_trial_view *v, size_t index,
                           int lifetime);

#endif
