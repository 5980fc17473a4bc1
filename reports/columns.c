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

/* ------------------------------------------------------------ incidents */

#define IOUT(f) offsetof(model_incident_outcome, f)
#define IROW(f) offsetof(report_incident_row, f)

/* {{name, since, NULL reads as}, type, stored NOT NULL, outcome field, row field} */
const report_incident_column report_incident_columns[] = {
  {{"start_s", 3, NAN}, REPORT_COL_REAL, 1, IOUT(start_s), IROW(start_s)},
  {{"rto_s", 3, INFINITY}, REPORT_COL_REAL, 0, IOUT(rto_s), IROW(rto_s)},
  {{"rpo_s", 3, INFINITY}, REPORT_COL_REAL, 0, IOUT(rpo_s), IROW(rpo_s)},
  {{"failback_s", 3, NAN}, REPORT_COL_REAL, 0, IOUT(failback_s), IROW(failback_s)},
  {{"failed_over", 3, NAN}, REPORT_COL_FLAG, 1, IOUT(failed_over), IROW(failed_over)},
  {{"recovered", 3, NAN}, REPORT_COL_FLAG, 1, IOUT(recovered), IROW(recovered)},
};

const size_t report_incident_ncolumns =
    sizeof report_incident_columns / sizeof report_incident_columns[0];

double report_incident_column_outcome(const report_incident_column *c, const void *o)
{
  return outcome_value(c->type, (const char *)o + c->outcome_off);
}

void report_incident_column_set(const report_incident_column *c, report_incident_row *row,
                                double v)
{
  char *p = (char *)row + c->row_off;
  if (c->type == REPORT_COL_REAL) {
    memcpy(p, &v, sizeof v);
    return;
  }
  int i = isnan(v) ? 0 : (int)v;
  memcpy(p, &i, sizeof i);
}

double report_incident_column_get(const report_incident_column *c,
                                  const report_incident_row *row)
{
  const char *p = (const char *)row + c->row_off;
  if (c->type == REPORT_COL_REAL) {
    double v;
    memcpy(&v, p, sizeof v);
    return v;
  }
  int i;
  memcpy(&i, p, sizeof i);
  return (double)i;
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

/* ------------------------------------------------------------ table rows */

#define RSTEP(f) offsetof(report_summary_step_row, f)
#define RCOMP(f) offsetof(report_summary_component_row, f)
#define RPOOL(f) offsetof(report_summary_standby_row, f)
#define RLIFE(f) offsetof(report_summary_lifetime_row, f)
#define RCAUSE(f) offsetof(report_summary_cause_row, f)
#define TEXT REPORT_ROWCOL_TEXT
#define COUNT REPORT_ROWCOL_COUNT
#define NUMBER REPORT_ROWCOL_NUMBER
#define CI REPORT_ROWCOL_CI

static const report_row_column step_rows[] = {
  {"environment", TEXT, RSTEP(environment)},
  {"step", TEXT, RSTEP(name)},
  {"manual", REPORT_ROWCOL_FLAG, RSTEP(manual)},
  {"standby", TEXT, RSTEP(standby)},
  {"n", COUNT, RSTEP(n)},
  {"criticality", CI, RSTEP(criticality)},
  {"n_completed", COUNT, RSTEP(n_completed)},
  {"mean_duration_s", NUMBER, RSTEP(mean_duration_s)},
  {"sd_duration_s", NUMBER, RSTEP(sd_duration_s)},
  {"attempts_per_trial", NUMBER, RSTEP(attempts_per_trial)},
  {"failure_rate", CI, RSTEP(failure_rate)},
  {"off_hours_share", NUMBER, RSTEP(off_hours_share)},
  {"mean_team_wait_s", NUMBER, RSTEP(mean_team_wait_s)},
};

static const report_row_column component_rows[] = {
  {"component", TEXT, RCOMP(name)},
  {"environment", TEXT, RCOMP(environment)},
  {"replication_mode", TEXT, RCOMP(replication_mode)},
  {"n_rpo", COUNT, RCOMP(n_rpo)},
  {"mean_rpo_s", NUMBER, RCOMP(mean_rpo_s)},
  {"max_rpo_s", NUMBER, RCOMP(max_rpo_s)},
  {"inf_rpo", COUNT, RCOMP(inf_rpo)},
  {"sets_env_rpo", CI, RCOMP(sets_env_rpo)},
  {"n_failover", COUNT, RCOMP(n_failover)},
  {"mean_failover_s", NUMBER, RCOMP(mean_failover_s)},
  {"max_failover_s", NUMBER, RCOMP(max_failover_s)},
  {"mean_down_s", NUMBER, RCOMP(mean_down_s)},
  {"mean_downtime_caused_s", NUMBER, RCOMP(mean_downtime_caused_s)},
  {"failures_per_trial", NUMBER, RCOMP(failures_per_trial)},
  {"incidents_caused_per_trial", NUMBER, RCOMP(incidents_caused_per_trial)},
  {"failures", REPORT_ROWCOL_LIFETIME, RCOMP(failures)},
  {"mtbf_target_s", NUMBER, RCOMP(mtbf_target_s)},
  {"mtbf_s", CI, RCOMP(mtbf_s)},
  {"mttr_target_s", NUMBER, RCOMP(mttr_target_s)},
  {"mttr_s", CI, RCOMP(mttr_s)},
};

static const report_row_column standby_rows[] = {
  {"pool", TEXT, RPOOL(name)},
  {"environment", TEXT, RPOOL(environment)},
  {"warm_nodes", REPORT_ROWCOL_NODES, RPOOL(warm_nodes)},
  {"required_nodes", REPORT_ROWCOL_NODES, RPOOL(required_nodes)},
  {"service_nodes", REPORT_ROWCOL_NODES, RPOOL(service_nodes)},
  {"node_cost_per_hour", NUMBER, RPOOL(node_cost_per_hour)},
  {"annual_warm_cost", NUMBER, RPOOL(annual_warm_cost)},
  {"n", COUNT, RPOOL(n)},
  {"mean_first_service_s", NUMBER, RPOOL(mean_first_service_s)},
  {"first_service_p50", CI, RPOOL(first_service_p50)},
  {"first_service_p90", CI, RPOOL(first_service_p90)},
  {"first_service_p99", CI, RPOOL(first_service_p99)},
  {"mean_full_capacity_s", NUMBER, RPOOL(mean_full_capacity_s)},
  {"full_capacity_p50", CI, RPOOL(full_capacity_p50)},
  {"full_capacity_p90", CI, RPOOL(full_capacity_p90)},
  {"full_capacity_p99", CI, RPOOL(full_capacity_p99)},
  {"max_full_capacity_s", NUMBER, RPOOL(max_full_capacity_s)},
  {"shortage_share", NUMBER, RPOOL(shortage_share)},
  {"mean_nodes", NUMBER, RPOOL(mean_nodes)},
};

static const report_row_column lifetime_rows[] = {
  {"environment", TEXT, RLIFE(environment)},
  {"n", COUNT, RLIFE(n)},
  {"availability_objective", NUMBER, RLIFE(objective)},
  {"availability", CI, RLIFE(availability)},
  {"p_meet", CI, RLIFE(p_meet)},
  {"downtime_s", CI, RLIFE(downtime_s)},
  {"n_disaster", COUNT, RLIFE(n_disaster)},
  {"expected_n_disaster", NUMBER, RLIFE(expected_n_disaster)},
  {"p_no_disaster", NUMBER, RLIFE(p_no_disaster)},
  {"disaster_incidents", COUNT, RLIFE(disaster_incidents)},
  {"incidents_itemised", COUNT, RLIFE(incidents_itemised)},
  {"component_incidents", COUNT, RLIFE(component_incidents)},
  {"disaster_availability", CI, RLIFE(disaster_availability)},
  {"disaster_p_meet", CI, RLIFE(disaster_p_meet)},
  {"disaster_downtime_s", CI, RLIFE(disaster_downtime_s)},
  {"quiet_availability", CI, RLIFE(quiet_availability)},
  {"quiet_p_meet", CI, RLIFE(quiet_p_meet)},
  {"quiet_downtime_s", CI, RLIFE(quiet_downtime_s)},
  {"stratified_availability", CI, RLIFE(stratified_availability)},
  {"n_incidents", COUNT, RLIFE(n_incidents)},
  {"incidents_not_recovered", COUNT, RLIFE(incidents_not_recovered)},
  {"incident_rto_p50", CI, RLIFE(incident_rto_p50)},
  {"incident_rto_p95", CI, RLIFE(incident_rto_p95)},
  {"incident_rpo_p50", CI, RLIFE(incident_rpo_p50)},
  {"incident_rpo_p95", CI, RLIFE(incident_rpo_p95)},
  {"incident_rto_meet", CI, RLIFE(incident_rto_meet)},
  {"incident_rpo_meet", CI, RLIFE(incident_rpo_meet)},
  {"downtime_per_incident_s", NUMBER, RLIFE(downtime_per_incident_s)},
  {"downtime_component_s", NUMBER, RLIFE(downtime_component_s)},
  {"downtime_disaster_s", NUMBER, RLIFE(downtime_disaster_s)},
  {"downtime_failback_s", NUMBER, RLIFE(downtime_failback_s)},
  {"top_cause", TEXT, RLIFE(top_cause)},
  {"top_cause_share", NUMBER, RLIFE(top_cause_share)},
};

static const report_row_column cause_rows[] = {
  {"environment", TEXT, RCAUSE(environment)},
  {"cause", TEXT, RCAUSE(cause)},
  {"kind", REPORT_ROWCOL_CAUSE, RCAUSE(kind)},
  {"trials", COUNT, RCAUSE(trials)},
  {"mean_downtime_s", CI, RCAUSE(downtime_s)},
  {"share", NUMBER, RCAUSE(share)},
  {"availability_cost", NUMBER, RCAUSE(availability_cost)},
};

static size_t steps_of(const report_summary *s, const void **rows)
{
  const report_summary_step_row *r;
  size_t n = report_summary_steps(s, &r);
  *rows = r;
  return n;
}

static size_t components_of(const report_summary *s, const void **rows)
{
  const report_summary_component_row *r;
  size_t n = report_summary_components(s, &r);
  *rows = r;
  return n;
}

static size_t standby_of(const report_summary *s, const void **rows)
{
  const report_summary_standby_row *r;
  size_t n = report_summary_standby(s, &r);
  *rows = r;
  return n;
}

static size_t lifetime_of(const report_summary *s, const void **rows)
{
  const report_summary_lifetime_row *r;
  size_t n = report_summary_lifetime(s, &r);
  *rows = r;
  return n;
}

static size_t causes_of(const report_summary *s, const void **rows)
{
  const report_summary_cause_row *r;
  size_t n = report_summary_causes(s, &r);
  *rows = r;
  return n;
}

const report_row_table report_row_tables[REPORT_ROWS_NTABLES] = {
  [REPORT_ROWS_STEPS] = {"steps", step_rows, N(step_rows), sizeof(report_summary_step_row),
                         steps_of},
  [REPORT_ROWS_COMPONENTS] = {"components", component_rows, N(component_rows),
                              sizeof(report_summary_component_row), components_of},
  [REPORT_ROWS_STANDBY] = {"standby", standby_rows, N(standby_rows),
                           sizeof(report_summary_standby_row), standby_of},
  [REPORT_ROWS_LIFETIME] = {"lifetime", lifetime_rows, N(lifetime_rows),
                            sizeof(report_summary_lifetime_row), lifetime_of},
  [REPORT_ROWS_CAUSES] = {"causes", cause_rows, N(cause_rows),
                          sizeof(report_summary_cause_row), causes_of},
};

const char *report_row_column_text(const report_row_column *c, const void *row)
{
  static const char *const kinds[] = {"component", "disaster", "failback"};
  const char *p = (const char *)row + c->off;
  if (c->kind == REPORT_ROWCOL_CAUSE) {
    report_cause_kind k;
    memcpy(&k, p, sizeof k);
    return (unsigned)k < 3 ? kinds[k] : "component";
  }
  const char *t;
  memcpy(&t, p, sizeof t);
  return t;
}

uint64_t report_row_column_count(const report_row_column *c, const void *row)
{
  const char *p = (const char *)row + c->off;
  if (c->kind == REPORT_ROWCOL_FLAG || c->kind == REPORT_ROWCOL_NODES) {
    int i;
    memcpy(&i, p, sizeof i);
    return c->kind == REPORT_ROWCOL_FLAG ? (uint64_t)(i != 0) : (uint64_t)(i > 0 ? i : 0);
  }
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

double report_row_column_number(const report_row_column *c, const void *row)
{
  double v;
  memcpy(&v, (const char *)row + c->off, sizeof v);
  return v;
}

report_stats_ci report_row_column_ci(const report_row_column *c, const void *row)
{
  report_stats_ci v;
  memcpy(&v, (const char *)row + c->off, sizeof v);
  return v;
}
