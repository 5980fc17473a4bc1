/*
** reports/detail.c — the per-trial detail columns from a trial's record
** (see reports/detail.h). The column names and their order follow the
** store's detail tables (reports/store_append.c writes them, store_read.c
** reads them); tests/test_report_detail.c checks both agree.
*/
#include "reports/detail.h"

#include <math.h>
#include <string.h>

static const char *const step_names[] = {"start_s", "end_s", "attempts", "failed", "critical",
                                         "off_hours", "duration_s", "team_wait_s", NULL};
static const char *const comp_names[] = {"rpo_s", "failover_s", "down_s", "downtime_caused_s",
                                         "failures", "incidents_caused", NULL};
static const char *const pool_names[] = {"first_service_s", "full_capacity_s", "nodes",
                                         "shortage", NULL};

int report_detail_find(const char *table, const char *column, report_detail_col *out)
{
  const char *const *names;
  report_detail_table t;
  if (!table || !column) return -1;
  if (strcmp(table, "steps") == 0) { names = step_names; t = REPORT_DETAIL_T_STEPS; }
  else if (strcmp(table, "components") == 0) { names = comp_names; t = REPORT_DETAIL_T_COMPONENTS; }
  else if (strcmp(table, "standby_trials") == 0) { names = pool_names; t = REPORT_DETAIL_T_STANDBY; }
  else return -1;
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], column) == 0) {
      out->table = t;
      out->column = i;
      return 0;
    }
  return -1;
}

size_t report_detail_rows(report_detail_table table, size_t n_steps, size_t n_components,
                          size_t n_standby)
{
  switch (table) {
  case REPORT_DETAIL_T_STEPS: return n_steps;
  case REPORT_DETAIL_T_COMPONENTS: return n_components;
  case REPORT_DETAIL_T_STANDBY: return n_standby;
  }
  return 0;
}

/* A real as stored (non-finite: NULL) and read back (NULL: NaN). */
static double real(double x) { return isfinite(x) ? x : NAN; }

double report_detail_value(report_detail_col c, const model_trial_view *v, size_t index,
                           int lifetime)
{
  if (c.table == REPORT_DETAIL_T_STEPS) {
    const model_step_outcome *o = &v->steps[index];
    switch (c.column) {
    case 0: return real(o->start_s);
    case 1: return real(o->end_s);
    case 2: return (double)o->attempts;
    case 3: return o->failed != 0;
    case 4: return o->critical != 0;
    case 5: return o->off_hours != 0;
    case 6: {
      double a = real(o->start_s), b = real(o->end_s);
      return isnan(a) || isnan(b) ? NAN : b - a;   /* SQL: end_s - start_s */
    }
    case 7: return real(o->team_wait_s);
    }
  } else if (c.table == REPORT_DETAIL_T_COMPONENTS) {
    const model_component_outcome *o = &v->components[index];
    switch (c.column) {
    case 0: return real(o->rpo_s);
    case 1: return real(o->failover_s);
    case 2: return lifetime ? real(o->down_s) : NAN;
    case 3: return lifetime ? real(o->downtime_caused_s) : NAN;
    case 4: return lifetime ? (double)o->failures : NAN;
    case 5: return lifetime ? (double)o->incidents_caused : NAN;
    }
  } else {
    const model_standby_outcome *o = &v->standby[index];
    switch (c.column) {
    case 0: return real(o->first_service_s);
    case 1: return real(o->full_capacity_s);
    case 2: return (double)o->nodes_provisioned;
    case 3: return o->shortage != 0;
    }
  }
  return NAN;
}
