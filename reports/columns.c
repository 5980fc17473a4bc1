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

/* The value of type `type` at p, as a double (a flag as 0 or 1). */
static double outcome_value(report_col_type type, const char *p)
{
  if (type == REPORT_COL_REAL) {
    double v;
    memcpy(&v, p, sizeof v);
    return v;
  }
  int32_t i;
  memcpy(&i, p, sizeof i);
  return type == REPORT_COL_FLAG ? (double)(i != 0) : (double)i;
}

double report_trial_column_outcome(const report_trial_column *c,
                                   const model_env_outcome *o)
{
  return outcome_value(c->type, (const char *)o + c->outcome_off);
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

/* ------------------------------------------------------------ item tables */

#define STEP(f) offsetof(report_run_step, f)
#define COMP(f) offsetof(report_run_component, f)
#define POOL(f) offsetof(report_run_standby, f)
#define ENVC(f) offsetof(report_run_env_component, f)
#define SOUT(f) offsetof(model_step_outcome, f)
#define COUT(f) offsetof(model_component_outcome, f)
#define POUT(f) offsetof(model_standby_outcome, f)
#define N(a) (sizeof a / sizeof a[0])

/* {name, since, kind, NULL reads as, field} */
static const report_dim_column step_dims[] = {
  {"environment", 1, REPORT_DIM_TEXT, 0, STEP(environment)},
  {"name", 1, REPORT_DIM_TEXT, 0, STEP(name)},
  {"manual", 1, REPORT_DIM_INT, 0, STEP(manual)},
  {"standby", 1, REPORT_DIM_TEXT, 0, STEP(standby)},
};
static const report_dim_column comp_dims[] = {
  {"name", 1, REPORT_DIM_TEXT, 0, COMP(name)},
  {"environment", 1, REPORT_DIM_TEXT, 0, COMP(environment)},
  {"replication_mode", 1, REPORT_DIM_TEXT, 0, COMP(replication_mode)},
  {"mtbf_target_s", 3, REPORT_DIM_REAL, NAN, COMP(mtbf_target_s)},
  {"mttr_target_s", 3, REPORT_DIM_REAL, NAN, COMP(mttr_target_s)},
};
static const report_dim_column pool_dims[] = {
  {"name", 1, REPORT_DIM_TEXT, 0, POOL(name)},
  {"environment", 1, REPORT_DIM_TEXT, 0, POOL(environment)},
  {"warm_nodes", 1, REPORT_DIM_INT, 0, POOL(warm_nodes)},
  {"required_nodes", 1, REPORT_DIM_INT, 0, POOL(required_nodes)},
  {"service_nodes", 1, REPORT_DIM_INT, 0, POOL(service_nodes)},
  {"node_cost_per_hour", 1, REPORT_DIM_REAL, 0.0, POOL(node_cost_per_hour)},
};

/* {name, since, how it combines, double?, field} */
static const report_stats_column step_stats[] = {
  {"n", 1, REPORT_AGG_SUM, 0, STEP(n)},
  {"n_completed", 1, REPORT_AGG_SUM, 0, STEP(n_completed)},
  {"critical", 1, REPORT_AGG_SUM, 0, STEP(critical)},
  {"sum_duration_s", 1, REPORT_AGG_SUM, 1, STEP(sum_duration_s)},
  {"sum_sq_duration_s", 1, REPORT_AGG_SUM, 1, STEP(sum_sq_duration_s)},
  {"attempts", 1, REPORT_AGG_SUM, 0, STEP(attempts)},
  {"failures", 1, REPORT_AGG_SUM, 0, STEP(failures)},
  {"off_hours", 1, REPORT_AGG_SUM, 0, STEP(off_hours)},
  {"team_waits", 7, REPORT_AGG_SUM, 0, STEP(team_waits)},
  {"sum_team_wait_s", 7, REPORT_AGG_SUM, 1, STEP(sum_team_wait_s)},
};
static const report_stats_column comp_stats[] = {
  {"n", 1, REPORT_AGG_SUM, 0, COMP(n_rpo)},
  {"sum_rpo_s", 1, REPORT_AGG_SUM, 1, COMP(sum_rpo_s)},
  {"max_rpo_s", 1, REPORT_AGG_MAX, 1, COMP(max_rpo_s)},
  {"inf_rpo", 1, REPORT_AGG_SUM, 0, COMP(inf_rpo)},
  {"sets_env_rpo", 1, REPORT_AGG_SUM, 0, COMP(sets_env_rpo)},
  {"n_failover", 1, REPORT_AGG_SUM, 0, COMP(n_failover)},
  {"sum_failover_s", 1, REPORT_AGG_SUM, 1, COMP(sum_failover_s)},
  {"max_failover_s", 1, REPORT_AGG_MAX, 1, COMP(max_failover_s)},
  {"sum_down_s", 2, REPORT_AGG_SUM, 1, COMP(sum_down_s)},
  {"sum_downtime_caused_s", 2, REPORT_AGG_SUM, 1, COMP(sum_downtime_caused_s)},
  {"failures", 2, REPORT_AGG_SUM, 0, COMP(failures)},
  {"incidents_caused", 2, REPORT_AGG_SUM, 0, COMP(incidents_caused)},
  {"sum_sq_down_s", 3, REPORT_AGG_SUM, 1, COMP(sum_sq_down_s)},
  /* an INTEGER column read into a double */
  {"sum_sq_failures", 3, REPORT_AGG_SUM, 1, COMP(sum_sq_failures)},
  {"sum_down_x_failures", 3, REPORT_AGG_SUM, 1, COMP(sum_down_x_failures)},
};
static const report_stats_column pool_stats[] = {
  {"n", 1, REPORT_AGG_SUM, 0, POOL(n)},
  {"n_first_service", 1, REPORT_AGG_SUM, 0, POOL(n_first_service)},
  {"sum_first_service_s", 1, REPORT_AGG_SUM, 1, POOL(sum_first_service_s)},
  {"n_full_capacity", 1, REPORT_AGG_SUM, 0, POOL(n_full_capacity)},
  {"sum_full_capacity_s", 1, REPORT_AGG_SUM, 1, POOL(sum_full_capacity_s)},
  {"max_full_capacity_s", 1, REPORT_AGG_MAX, 1, POOL(max_full_capacity_s)},
  {"nodes", 1, REPORT_AGG_SUM, 0, POOL(nodes)},
  {"shortages", 1, REPORT_AGG_SUM, 0, POOL(shortages)},
};
static const report_dim_column envc_dims[] = {
  {"env_index", 3, REPORT_DIM_INDEX, 0, ENVC(env_index)},
  {"component_index", 3, REPORT_DIM_INDEX, 0, ENVC(component_index)},
};
static const report_stats_column envc_stats[] = {
  {"trials", 3, REPORT_AGG_SUM, 0, ENVC(trials)},
  {"sum_downtime_s", 3, REPORT_AGG_SUM, 1, ENVC(sum_downtime_s)},
  {"sum_sq_downtime_s", 3, REPORT_AGG_SUM, 1, ENVC(sum_sq_downtime_s)},
};

/* {{name, since, NULL reads as}, lifetime only, type, outcome field, SQL
** of a computed column} */
static const report_detail_column step_detail[] = {
  {{"start_s", 1, NAN}, 0, REPORT_COL_REAL, SOUT(start_s), NULL},
  {{"end_s", 1, NAN}, 0, REPORT_COL_REAL, SOUT(end_s), NULL},
  {{"attempts", 1, NAN}, 0, REPORT_COL_INT, SOUT(attempts), NULL},
  {{"failed", 1, NAN}, 0, REPORT_COL_FLAG, SOUT(failed), NULL},
  {{"critical", 1, NAN}, 0, REPORT_COL_FLAG, SOUT(critical), NULL},
  {{"off_hours", 1, NAN}, 0, REPORT_COL_FLAG, SOUT(off_hours), NULL},
  {{"duration_s", 1, NAN}, 0, REPORT_COL_REAL, 0, "end_s - start_s"},
  {{"team_wait_s", 7, NAN}, 0, REPORT_COL_REAL, SOUT(team_wait_s), NULL},
};
static const report_detail_column comp_detail[] = {
  {{"rpo_s", 1, NAN}, 0, REPORT_COL_REAL, COUT(rpo_s), NULL},
  {{"failover_s", 1, NAN}, 0, REPORT_COL_REAL, COUT(failover_s), NULL},
  {{"down_s", 2, NAN}, 1, REPORT_COL_REAL, COUT(down_s), NULL},
  {{"downtime_caused_s", 2, NAN}, 1, REPORT_COL_REAL, COUT(downtime_caused_s), NULL},
  {{"failures", 2, NAN}, 1, REPORT_COL_INT, COUT(failures), NULL},
  {{"incidents_caused", 2, NAN}, 1, REPORT_COL_INT, COUT(incidents_caused), NULL},
};
static const report_detail_column pool_detail[] = {
  {{"first_service_s", 1, NAN}, 0, REPORT_COL_REAL, POUT(first_service_s), NULL},
  {{"full_capacity_s", 1, NAN}, 0, REPORT_COL_REAL, POUT(full_capacity_s), NULL},
  {{"nodes", 1, NAN}, 0, REPORT_COL_INT, POUT(nodes_provisioned), NULL},
  {{"shortage", 1, NAN}, 0, REPORT_COL_FLAG, POUT(shortage), NULL},
};

const report_item_table report_item_tables[REPORT_ITEM_NTABLES] = {
  [REPORT_ITEM_STEPS] = {"step_index", "run_steps", step_dims, N(step_dims),
                         "step_stats", 1, step_stats, N(step_stats),
                         "steps", step_detail, N(step_detail), sizeof(report_run_step)},
  [REPORT_ITEM_COMPONENTS] = {"component_index", "run_components", comp_dims, N(comp_dims),
                              "component_stats", 1, comp_stats, N(comp_stats),
                              "components", comp_detail, N(comp_detail),
                              sizeof(report_run_component)},
  [REPORT_ITEM_STANDBY] = {"pool_index", "run_standby", pool_dims, N(pool_dims),
                           "standby_stats", 1, pool_stats, N(pool_stats),
                           "standby_trials", pool_detail, N(pool_detail),
                           sizeof(report_run_standby)},
  [REPORT_ITEM_ENV_COMPONENTS] = {"env_index, component_index", NULL, envc_dims, N(envc_dims),
                                  "env_component_stats", 3, envc_stats, N(envc_stats),
                                  NULL, NULL, 0, sizeof(report_run_env_component)},
};

const report_item_table *report_item_table_by_detail(const char *detail_table)
{
  for (size_t i = 0; detail_table && i < REPORT_ITEM_NTABLES; i++)
    if (report_item_tables[i].detail_table &&
        strcmp(report_item_tables[i].detail_table, detail_table) == 0)
      return &report_item_tables[i];
  return NULL;
}

const report_stats_column *report_stats_column_find(const char *stats_table,
                                                    const char *name)
{
  for (size_t i = 0; stats_table && name && i < REPORT_ITEM_NTABLES; i++) {
    const report_item_table *t = &report_item_tables[i];
    if (strcmp(t->stats_table, stats_table) != 0) continue;
    for (size_t j = 0; j < t->nstats; j++)
      if (strcmp(t->stats[j].name, name) == 0) return &t->stats[j];
  }
  return NULL;
}

const report_detail_column *report_detail_column_find(const report_item_table *t,
                                                      const char *name)
{
  for (size_t j = 0; t && name && j < t->ndetail; j++)
    if (strcmp(t->detail[j].col.name, name) == 0) return &t->detail[j];
  return NULL;
}

double report_detail_column_outcome(const report_detail_column *c, const void *outcome)
{
  return outcome_value(c->type, (const char *)outcome + c->outcome_off);
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
