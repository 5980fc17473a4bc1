/*
** reports/columns.c — the per-trial result column table (contract in
** reports/columns.h) and its accessors.
*/
#include "reports/columns.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define OUT(f) offsetof(model_env_outcome, f)
#define ROW(f) offsetof(report_trial_row, f)

/* {name, since, NULL reads as}, SQL type, lifetime-only, outcome type,
** outcome field, row int?, row int for NULL, row field */
const report_trial_column report_trial_columns[] = {
  {{"rto_s", 1, INFINITY}, "REAL", 0, REPORT_COL_REAL, OUT(rto_s), 0, 0, ROW(rto_s)},
  {{"rpo_s", 1, INFINITY}, "REAL", 0, REPORT_COL_REAL, OUT(rpo_s), 0, 0, ROW(rpo_s)},
  {{"recovered", 1, NAN}, "INTEGER NOT NULL", 0, REPORT_COL_FLAG, OUT(recovered), 1, 0,
   ROW(recovered)},
  {{"first_service_s", 1, NAN}, "REAL", 0, REPORT_COL_REAL, OUT(first_service_s), 0, 0,
   ROW(first_service_s)},
  {{"full_capacity_s", 1, NAN}, "REAL", 0, REPORT_COL_REAL, OUT(full_capacity_s), 0, 0,
   ROW(full_capacity_s)},
  {{"retries", 1, NAN}, "INTEGER NOT NULL", 0, REPORT_COL_INT, OUT(retries), 1, 0, ROW(retries)},
  {{"wallclock_s", 1, NAN}, "REAL", 0, REPORT_COL_REAL, OUT(wallclock_s), 0, 0, ROW(wallclock_s)},
  {{"availability", 1, NAN}, "REAL", 1, REPORT_COL_REAL, OUT(availability), 0, 0,
   ROW(availability)},
  {{"downtime_s", 1, NAN}, "REAL", 1, REPORT_COL_REAL, OUT(downtime_s), 0, 0, ROW(downtime_s)},
  {{"incidents", 1, NAN}, "INTEGER", 1, REPORT_COL_INT, OUT(incidents), 0, 0, ROW(incidents)},
  {{"disasters", 1, NAN}, "INTEGER", 1, REPORT_COL_INT, OUT(disasters), 0, 0, ROW(disasters)},
  {{"disaster_incidents", 2, NAN}, "INTEGER", 1, REPORT_COL_INT, OUT(disaster_incidents), 0, 0,
   ROW(disaster_incidents)},
  {{"component_incidents", 2, NAN}, "INTEGER", 1, REPORT_COL_INT, OUT(component_incidents), 0, 0,
   ROW(component_incidents)},
  {{"downtime_component_s", 2, NAN}, "REAL", 1, REPORT_COL_REAL, OUT(downtime_component_s), 0, 0,
   ROW(downtime_component_s)},
  {{"downtime_disaster_s", 2, NAN}, "REAL", 1, REPORT_COL_REAL, OUT(downtime_disaster_s), 0, 0,
   ROW(downtime_disaster_s)},
  {{"downtime_failback_s", 2, NAN}, "REAL", 1, REPORT_COL_REAL, OUT(downtime_failback_s), 0, 0,
   ROW(downtime_failback_s)},
  {{"longest_outage_s", 2, NAN}, "REAL", 1, REPORT_COL_REAL, OUT(longest_outage_s), 0, 0,
   ROW(longest_outage_s)},
  /* Runs stored before schema 4 read as affected (1). */
  {{"affected", 4, NAN}, "INTEGER", 0, REPORT_COL_FLAG, OUT(affected), 1, 1, ROW(affected)},
  /* Disaster mode with costs (reports/costs.h); NULL otherwise and before schema 9. */
  {{"loss", 9, NAN}, "REAL", 0, REPORT_COL_REAL, OUT(loss), 0, 0, ROW(loss)},
};

const size_t report_trial_ncolumns =
    sizeof report_trial_columns / sizeof report_trial_columns[0];

double report_trial_column_outcome(const report_trial_column *c,
                                   const model_env_outcome *o)
{
  const char *p = (const char *)o + c->outcome_off;
  if (c->type == REPORT_COL_REAL) {
    double v;
    memcpy(&v, p, sizeof v);
    return v;
  }
  int32_t i;
  memcpy(&i, p, sizeof i);
  return c->type == REPORT_COL_FLAG ? (double)(i != 0) : (double)i;
}

void report_trial_column_set(const report_trial_column *c, report_trial_row *row,
                             double v)
{
  char *p = (char *)row + c->row_off;
  if (!c->row_int) {
    memcpy(p, &v, sizeof v);
    return;
  }
  int i = isnan(v) ? c->row_null_int
          : c->type == REPORT_COL_FLAG ? v != 0 : (int)v;
  memcpy(p, &i, sizeof i);
}

double report_trial_column_get(const report_trial_column *c,
                               const report_trial_row *row)
{
  const char *p = (const char *)row + c->row_off;
  if (c->row_int) {
    int i;
    memcpy(&i, p, sizeof i);
    return (double)i;
  }
  double v;
  memcpy(&v, p, sizeof v);
  return v;
}

const report_trial_column *report_trial_column_find(const char *name)
{
  for (size_t i = 0; name && i < report_trial_ncolumns; i++)
    if (strcmp(report_trial_columns[i].col.name, name) == 0) return &report_trial_columns[i];
  return NULL;
}

/* ------------------------------------------------------------ summary rows */

#define SUM(f) offsetof(report_summary_row, f)

const report_summary_column report_summary_columns[] = {
  {"environment", REPORT_SUMCOL_TEXT, SUM(environment)},
  {"metric", REPORT_SUMCOL_TEXT, SUM(metric)},
  {"n", REPORT_SUMCOL_COUNT, SUM(n)},
  {"mean", REPORT_SUMCOL_NUMBER, SUM(mean.est)},
  {"p50", REPORT_SUMCOL_NUMBER, SUM(p50.est)},
  {"p90", REPORT_SUMCOL_NUMBER, SUM(p90.est)},
  {"p95", REPORT_SUMCOL_NUMBER, SUM(p95.est)},
  {"p99", REPORT_SUMCOL_NUMBER, SUM(p99.est)},
  {"max", REPORT_SUMCOL_NUMBER, SUM(max)},
  {"objective", REPORT_SUMCOL_NUMBER, SUM(objective)},
  {"p_meet", REPORT_SUMCOL_NUMBER, SUM(p_meet.est)},
  {"p_meet_lo", REPORT_SUMCOL_NUMBER, SUM(p_meet.lo)},
  {"p_meet_hi", REPORT_SUMCOL_NUMBER, SUM(p_meet.hi)},
  {"mean_lo", REPORT_SUMCOL_NUMBER, SUM(mean.lo)},
  {"mean_hi", REPORT_SUMCOL_NUMBER, SUM(mean.hi)},
  {"p50_lo", REPORT_SUMCOL_NUMBER, SUM(p50.lo)},
  {"p50_hi", REPORT_SUMCOL_NUMBER, SUM(p50.hi)},
  {"p90_lo", REPORT_SUMCOL_NUMBER, SUM(p90.lo)},
  {"p90_hi", REPORT_SUMCOL_NUMBER, SUM(p90.hi)},
  {"p95_lo", REPORT_SUMCOL_NUMBER, SUM(p95.lo)},
  {"p95_hi", REPORT_SUMCOL_NUMBER, SUM(p95.hi)},
  {"p99_lo", REPORT_SUMCOL_NUMBER, SUM(p99.lo)},
  {"p99_hi", REPORT_SUMCOL_NUMBER, SUM(p99.hi)},
  {"n_meet", REPORT_SUMCOL_MEET, SUM(n_meet)},
  {"not_recovered", REPORT_SUMCOL_COUNT, SUM(not_recovered)},
  {"n_finite", REPORT_SUMCOL_COUNT, SUM(n_finite)},
  {"n_affected", REPORT_SUMCOL_COUNT, SUM(n_affected)},
  {"unit", REPORT_SUMCOL_TEXT, SUM(unit)},
};

const size_t report_summary_ncolumns =
    sizeof report_summary_columns / sizeof report_summary_columns[0];

const char *report_summary_column_text(const report_summary_column *c,
                                       const report_summary_row *r)
{
  const char *t;
  memcpy(&t, (const char *)r + c->off, sizeof t);
  return t;
}

uint64_t report_summary_column_count(const report_summary_column *c,
                                     const report_summary_row *r)
{
  uint64_t v;
  memcpy(&v, (const char *)r + c->off, sizeof v);
  return v;
}

double report_summary_column_number(const report_summary_column *c,
                                    const report_summary_row *r)
{
  double v;
  memcpy(&v, (const char *)r + c->off, sizeof v);
  return v;
}

int report_summary_column_missing(const report_summary_column *c,
                                  const report_summary_row *r)
{
  /* n_meet means nothing without an objective. */
  return c->kind == REPORT_SUMCOL_MEET && isnan(r->objective);
}
