/*
** reports/csv.h — CSV writers for `drsim report --format csv` and
** `drsim export`: the summary (one row per environment and metric; header
** is a contract, see docs/results.md), the step, component
** and standby tables, and the raw trials of a run.
**
** Format: RFC 4180 fields (a field is quoted when it holds a comma, a quote,
** CR, LF or leading/trailing blanks; quotes are doubled), one header line,
** LF line ends. Numbers are machine-readable: the shortest of %.15g..%.17g
** that reads back to the same double, always with '.' as the decimal point,
** no thousands separators; +infinity is "inf" (-infinity "-inf"), a missing
** value (NaN: no objective, n = 0, ...) is an empty field. Durations are in
** seconds, availability and shares are fractions in [0, 1].
**
** Summary header (the first 13 columns are the contract, the rest extend it):
**   environment,metric,n,mean,p50,p90,p95,p99,max,objective,p_meet,
**   p_meet_lo,p_meet_hi,mean_lo,mean_hi,p50_lo,p50_hi,p90_lo,p90_hi,
**   p95_lo,p95_hi,p99_lo,p99_hi,n_meet,not_recovered,n_finite,n_affected
** n is the trials the row's figures are over; n_affected the trials in
** which the disaster affected the environment (0: not affected by this
** disaster, its figures are empty and it is not a success).
** See reports/summary.h for what each metric and p_meet mean.
**
** Every writer returns REPORT_OK, or REPORT_EIO when the stream reported a
** write error (err says which table), or a store status for the trials.
*/
#ifndef DRSIM_REPORTS_CSV_H
#define DRSIM_REPORTS_CSV_H

#include <stdint.h>
#include <stdio.h>
#include "reports/store.h"
#include "reports/summary.h"

/* The summary header line, without the line end (for tests and tools): the
** names of report_summary_columns (reports/columns.h), which the writer
** walks; tests/test_report_columns.c checks that they agree. */
#define REPORT_CSV_SUMMARY_HEADER \
  "environment,metric,n,mean,p50,p90,p95,p99,max,objective,p_meet,p_meet_lo," \
  "p_meet_hi,mean_lo,mean_hi,p50_lo,p50_hi,p90_lo,p90_hi,p95_lo,p95_hi," \
  "p99_lo,p99_hi,n_meet,not_recovered,n_finite,n_affected,unit"

/* The rows of the summary CSV (and the JSON "summary" array): the
** summary's rows, then, when the run has costs (reports/costs.h), one cost
** row per environment ("loss") and five over all ("all": loss,
** loss_cvar95, risk_annual, standby_annual, total_annual), each with
** n = the trials, the mean and its interval, and unit = the currency.
** Returns a malloc'd array of *n_rows (free it; its strings are the
** summary's), NULL when out of memory. */
report_summary_row *report_csv_summary_rows(const report_summary *s, size_t *n_rows);

/* One field, quoted when needed; NULL writes an empty field. */
void report_csv_field(FILE *out, const char *text);

/* One number as described above (inf, -inf, empty for NaN). */
void report_csv_number(FILE *out, double v);

/* Format a number as report_csv_number would, into buf (32 bytes is
** always enough). Returns buf. */
char *report_csv_format_number(double v, char *buf, size_t n);

/* The summary rows. */
int report_csv_write_summary(FILE *out, const report_summary *s, report_error *err);

/* Steps: environment,step,manual,standby,n,criticality,criticality_lo,
** criticality_hi,n_completed,mean_duration_s,sd_duration_s,
** attempts_per_trial,failure_rate,failure_rate_lo,failure_rate_hi,
** off_hours_share,mean_team_wait_s (the mean time waiting for a member of
** the step's team over the trials it got one; empty without a team) */
int report_csv_write_steps(FILE *out, const report_summary *s, report_error *err);

/* Components: component,environment,replication_mode,n_rpo,mean_rpo_s,
** max_rpo_s,inf_rpo,sets_env_rpo,sets_env_rpo_lo,sets_env_rpo_hi,
** n_failover,mean_failover_s,max_failover_s,mean_down_s,
** mean_downtime_caused_s,failures_per_trial,incidents_caused_per_trial,
** failures,mtbf_target_s,mtbf_s,mtbf_s_lo,mtbf_s_hi,mttr_target_s,mttr_s,
** mttr_s_lo,mttr_s_hi (from mean_down_s on: lifetime mode only; the
** per-trial ones per trial, failures over the run, MTBF / MTTR observed
** with their 95 % intervals against the targets, see reports/summary.h) */
int report_csv_write_components(FILE *out, const report_summary *s,
                                report_error *err);

/* Standby pools: pool,environment,warm_nodes,required_nodes,service_nodes,
** node_cost_per_hour,annual_warm_cost,n,mean_first_service_s,
** first_service_p50,first_service_p50_lo,first_service_p50_hi,
** first_service_p90(_lo,_hi),first_service_p99(_lo,_hi),
** mean_full_capacity_s,full_capacity_p50(_lo,_hi),full_capacity_p90(_lo,_hi),
** full_capacity_p99(_lo,_hi),max_full_capacity_s,shortage_share,mean_nodes
** (quantile columns empty when the run kept no per-pool values). */
int report_csv_write_standby(FILE *out, const report_summary *s, report_error *err);

/* Lifetime mode, one row per environment (a header only otherwise):
** environment,n,availability_objective,availability,availability_lo,
** availability_hi,p_meet,p_meet_lo,p_meet_hi,downtime_s,downtime_s_lo,
** downtime_s_hi,n_disaster,expected_n_disaster,p_no_disaster,
** disaster_incidents,incidents_itemised,component_incidents,
** disaster_availability(_lo,_hi),disaster_p_meet(_lo,_hi),
** disaster_downtime_s(_lo,_hi),quiet_availability(_lo,_hi),
** quiet_p_meet(_lo,_hi),quiet_downtime_s(_lo,_hi),
** stratified_availability(_lo,_hi),n_incidents,incidents_not_recovered,
** incident_rto_p50(_lo,_hi),incident_rto_p95(_lo,_hi),
** incident_rpo_p50(_lo,_hi),incident_rpo_p95(_lo,_hi),
** incident_rto_meet(_lo,_hi),incident_rpo_meet(_lo,_hi),
** downtime_per_incident_s,downtime_component_s,downtime_disaster_s,
** downtime_failback_s,top_cause,top_cause_share
** ("disaster_*": the trials with a disaster incident; "quiet_*": the
** others; see report_summary_lifetime_row). */
int report_csv_write_lifetime(FILE *out, const report_summary *s, report_error *err);

/* Lifetime mode, downtime by cause (a header only otherwise):
** environment,cause,kind,trials,mean_downtime_s,mean_downtime_s_lo,
** mean_downtime_s_hi,share,availability_cost — kind is component,
** disaster or failback; per environment sorted by share, which sums to 1. */
int report_csv_write_causes(FILE *out, const report_summary *s, report_error *err);

/* The itemised disaster incidents of a run, streamed from the store:
** run_id,environment,trial,incident,cause,start_s,rto_s,rpo_s,failback_s,
** failed_over,recovered (rto_s / rpo_s "inf" when not recovered / no copy;
** failback_s empty when none). Lifetime mode, schema 3; a header only
** otherwise. */
int report_csv_write_incidents(FILE *out, report_store *st, int64_t run_id,
                               report_error *err);

/* Every trial row of a run, streamed from the store (constant memory):
** run_id,environment,trial,rto_s,rpo_s,recovered,first_service_s,
** full_capacity_s,retries,wallclock_s,availability,downtime_s,incidents,
** disasters,disaster_incidents,component_incidents,downtime_component_s,
** downtime_disaster_s,downtime_failback_s,longest_outage_s,affected — environments
** in scenario order, trials in order; rto_s and rpo_s "inf" when infinite
** (not recovered / no copy); lifetime columns empty in disaster mode;
** affected 1 when the disaster touched the environment in that trial (0:
** its rto_s/rpo_s are not a sample; 1 for runs stored before schema 4). */
int report_csv_write_trials(FILE *out, report_store *st, int64_t run_id,
                            report_error *err);

#endif
