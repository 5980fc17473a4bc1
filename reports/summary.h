/*
** reports/summary.h — the numbers a DR planner asks for, computed from one
** stored run (reports/store.h) with the statistics of reports/stats.h:
** per environment and metric the distribution (mean, p50..p99 with 95 %
** intervals, max) and the probability of meeting the objective; per
** workflow step its criticality and duration; per component its RPO; per
** standby pool its scale-up times and the cost of its warm nodes. The CSV,
** Markdown and HTML writers only format a report_summary.
**
** Metrics, per environment, in this order:
**   rto            seconds until service restored; +inf when not recovered
**   rpo            seconds of data lost; +inf when no copy ever arrived
**   full_capacity  seconds until the env's pools reach required_nodes
**                  (+inf: never); only for environments with standby pools,
**                  disaster mode
**   availability   fraction of the horizon up (lifetime mode)
**   downtime       seconds down over the horizon (lifetime mode)
** Meeting the objective (p_meet): rto: value <= rto objective; rpo: the
** environment was recovered AND value <= rpo objective (a trial that never
** recovers misses both); availability: value >= objective; downtime:
** value <= (1 - availability objective) x horizon. full_capacity has no
** objective. Only trials that AFFECTED the environment (the disaster took
** something it runs on: trials.affected) are samples of rto, rpo and
** full_capacity: the others are left out of n, the percentiles and p_meet,
** and n_affected counts the affected trials. An environment affected in no
** trial has n = 0 and is "not affected by this disaster" (not a miss, not a
** success). In lifetime mode rto/rpo rows cover the trials that had at
** least one incident (n_affected counts those).
**
** The mean (and its t interval) is over the FINITE values: a single +inf
** would make it +inf and say nothing; n_finite says how many that is (for
** rto the recovered trials; for rpo the trials where some copy of the data
** reached the standby), and the quantiles and p_meet do count the others.
**
** Lifetime mode adds, per environment (report_summary_lifetime): the mean
** availability with its t interval and P(meet), the counts the estimates
** rest on (a 1/10y disaster appears in ~10 % of one-year trials: the
** all-trials figures mix many quiet years with few bad ones), and the same
** figures CONDITIONAL on a disaster incident in the trial and on none, the
** post-stratified mean, and each itemised incident's RTO/RPO. Per
** environment and cause (report_summary_causes): the downtime each
** component, the disaster incidents and failing back cost, as a share of the
** environment's downtime (shares sum to 1) and in availability points. Per
** component (report_summary_components): observed MTBF and MTTR against
** the scenario's targets (the means of its failure and repair
** distributions).
*/
#ifndef DRSIM_REPORTS_SUMMARY_H
#define DRSIM_REPORTS_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include "reports/stats.h"
#include "reports/store.h"

typedef struct report_summary report_summary;

/* One (environment, metric) row: the `drsim report` CSV row. */
typedef struct report_summary_row {
  const char *environment;   /* borrowed from the summary */
  const char *metric;        /* "rto", "rpo", "full_capacity", "availability", "downtime" */
  int is_fraction;           /* 1: values are fractions (availability); 0: seconds */
  int higher_is_better;      /* 1: p_meet counts value >= objective */
  uint64_t n;                /* trials in the row */
  report_stats_ci mean;      /* over the finite values, t interval */
  uint64_t n_finite;         /* trials with a finite value: what the mean is over */
  report_stats_ci p50, p90, p95, p99;  /* distribution-free intervals */
  double max;                /* +inf if any trial was infinite; NAN if n = 0 */
  double objective;          /* NAN when the scenario sets none */
  uint64_t n_meet;           /* trials meeting the objective */
  report_stats_ci p_meet;    /* n_meet / n with the Wilson interval; NAN without objective */
  uint64_t not_recovered;    /* trials (of this row) where the env was not recovered */
  uint64_t n_affected;       /* trials in which the disaster affected the environment
                                (disaster mode: trials.affected; lifetime: a disaster
                                started an incident); 0: "not affected by this
                                disaster", never "meets 100 %" */
  const char *unit;          /* of the values: "s", "share" (availability), or the
                                currency of a cost row (reports/costs.h) */
} report_summary_row;

/* One workflow step, from the always-kept aggregates. */
typedef struct report_summary_step_row {
  const char *environment;
  const char *name;
  int manual;
  const char *standby;       /* pool name or NULL */
  uint64_t n;                /* trials */
  report_stats_ci criticality;  /* share of trials on the critical path (Wilson) */
  uint64_t n_completed;
  double mean_duration_s;    /* end - start over completed trials (retries included) */
  double sd_duration_s;      /* NAN when n_completed < 2 */
  double attempts_per_trial;
  report_stats_ci failure_rate; /* share of trials where every attempt failed (Wilson) */
  double off_hours_share;    /* share of trials where a manual step ran off hours */
  double mean_team_wait_s;   /* mean time waiting for a member of its team, over
                                the trials it got one; NAN: no team */
} report_summary_step_row;

typedef struct report_summary_component_row {
  const char *name;
  const char *environment;   /* NULL: shared */
  const char *replication_mode;
  uint64_t n_rpo;            /* trials with a finite RPO */
  double mean_rpo_s;         /* NAN when n_rpo = 0 */
  double max_rpo_s;          /* +inf when some trial had no copy at all */
  uint64_t inf_rpo;
  report_stats_ci sets_env_rpo; /* share of trials where it set its env's RPO (> 0) */
  uint64_t n_failover;
  double mean_failover_s;    /* NAN when n_failover = 0 */
  double max_failover_s;
  /* lifetime mode, per trial (NAN in disaster mode): */
  double mean_down_s;        /* its own down time */
  double mean_downtime_caused_s; /* environment downtime it caused */
  double failures_per_trial;
  double incidents_caused_per_trial;
  /* lifetime mode: observed MTBF / MTTR against the targets (schema 3 for
  ** the intervals and targets). MTBF = total up time / failures, MTTR =
  ** total own down time / failures, both summed over all trials (each
  ** trial's last up or down period is cut at the horizon). Their 95 %
  ** intervals are those of a ratio estimator across trials (delta method:
  ** trials are independent, each a pair (time, failures), so the interval
  ** holds whatever the failure and repair distributions; a chi-square
  ** interval would assume exponential up times), with t(n - 1). NAN when
  ** the component never failed (or disaster mode). */
  uint64_t failures;         /* over the run */
  double mtbf_target_s;      /* mean of its failure distribution; NAN: none */
  double mttr_target_s;      /* mean of its repair distribution; NAN: none */
  report_stats_ci mtbf_s;
  report_stats_ci mttr_s;
} report_summary_component_row;

/* Lifetime mode: one row per environment. Means carry t intervals, shares
** Wilson intervals; "given a disaster" = the trials in which at least one
** disaster started an incident in the environment (n_disaster of them),
** "no disaster" = the others. These conditional figures are estimates for
** a year WITH a disaster (or without), not for an average year. */
typedef struct report_summary_lifetime_row {
  const char *environment;
  uint64_t n;                        /* trials */
  double objective;                  /* availability objective (fraction); NAN: none */
  report_stats_ci availability;      /* mean over all trials */
  report_stats_ci p_meet;            /* share of trials with availability >= objective */
  report_stats_ci downtime_s;        /* mean downtime per horizon */
  /* What the estimates rest on. */
  uint64_t n_disaster;               /* trials with >= 1 disaster incident */
  uint64_t disaster_incidents;       /* all of them, over the trials */
  uint64_t incidents_itemised;       /* of those, in the incidents table (<= 4 a trial) */
  uint64_t component_incidents;      /* down episodes begun by a component failure */
  double p_no_disaster;              /* e^{-rate x horizon}; NAN when the rate is unknown */
  double expected_n_disaster;        /* n (1 - p_no_disaster), if every disaster hits it */
  /* Conditional on a disaster incident (n_disaster trials) and on none. */
  report_stats_ci disaster_availability, disaster_p_meet, disaster_downtime_s;
  report_stats_ci quiet_availability, quiet_p_meet, quiet_downtime_s;
  /* Post-stratified mean availability: p0 x quiet mean + (1 - p0) x disaster
  ** mean with the known p0 = p_no_disaster (normal interval from the two
  ** strata's variances). Rests on the model's disaster probability rather
  ** than on the sampled count of disaster years, so its interval is
  ** narrower when disasters are rare. NAN when p0 is unknown or a stratum
  ** has fewer than 2 trials. */
  report_stats_ci stratified_availability;
  /* Per itemised disaster incident (incidents table, schema 3). */
  uint64_t n_incidents;              /* incidents with an RTO/RPO sample */
  uint64_t incidents_not_recovered;
  report_stats_ci incident_rto_p50, incident_rto_p95;
  report_stats_ci incident_rpo_p50, incident_rpo_p95;
  report_stats_ci incident_rto_meet; /* share of incidents within the RTO objective */
  report_stats_ci incident_rpo_meet; /* recovered and within the RPO objective */
  double downtime_per_incident_s;    /* (disaster + failback downtime) / disaster incidents */
  /* Mean downtime per trial by kind of cause (sum = downtime_s.est). */
  double downtime_component_s, downtime_disaster_s, downtime_failback_s;
  const char *top_cause;             /* the cause with the largest share; NULL: no downtime */
  double top_cause_share;
} report_summary_lifetime_row;

typedef enum report_cause_kind {
  REPORT_CAUSE_COMPONENT = 0,        /* a component's own failures */
  REPORT_CAUSE_DISASTER,             /* disaster incidents, until restored */
  REPORT_CAUSE_FAILBACK              /* failing back to the primary */
} report_cause_kind;

/* Lifetime mode: one environment's downtime by cause. At each instant the
** environment's downtime is split equally among the causes active then
** (models/lifetime_sim.c), so an environment's shares sum to 1. */
typedef struct report_summary_cause_row {
  const char *environment;
  const char *cause;                 /* component name, "region disaster" (or "zone
                                        disaster", "component disaster"), "failback" */
  report_cause_kind kind;
  uint64_t trials;                   /* trials in which it caused downtime */
  report_stats_ci downtime_s;        /* mean per trial (horizon), t interval */
  double share;                      /* of the environment's downtime */
  double availability_cost;          /* mean downtime / horizon: availability it costs */
} report_summary_cause_row;

typedef struct report_summary_standby_row {
  const char *name;
  const char *environment;   /* NULL: not tied to one */
  int warm_nodes, required_nodes, service_nodes;
  double node_cost_per_hour;
  double annual_warm_cost;   /* warm_nodes x node_cost_per_hour x 8760 h */
  uint64_t n;                /* trials */
  /* Percentiles need per-trial values: taken from standby_trials (detail =
  ** steps) or, when the pool is its environment's only pool, from the
  ** trials table (identical by definition). has_quantiles = 0 otherwise. */
  int has_quantiles;
  report_stats_ci first_service_p50, first_service_p90, first_service_p99;
  report_stats_ci full_capacity_p50, full_capacity_p90, full_capacity_p99;
  double mean_first_service_s;  /* over trials that reached it; NAN if none */
  double mean_full_capacity_s;
  double max_full_capacity_s;
  double shortage_share;
  double mean_nodes;         /* nodes provisioned per trial */
} report_summary_standby_row;

/* Compute the summary of run `run_id`. Works on any run, also one still
** running or interrupted (it covers the committed trials). Returns
** REPORT_OK and *out (free with report_summary_free), or a REPORT_* status
** from the store (REPORT_ENOTFOUND for no such run) with err filled. */
int report_summary_build(report_store *st, int64_t run_id, report_summary **out,
                         report_error *err);

void report_summary_free(report_summary *s);   /* NULL is a no-op */

/* The run the summary is about (borrowed; valid until report_summary_free). */
const report_run *report_summary_run(const report_summary *s);

/* The rows, in environment (scenario) order then metric order; each returns
** the count and points *items at the borrowed array. */
size_t report_summary_rows(const report_summary *s, const report_summary_row **items);

/* The run's costs (reports/costs.h), NULL when it has none. */
struct report_costs;
const struct report_costs *report_summary_costs(const report_summary *s);
size_t report_summary_steps(const report_summary *s, const report_summary_step_row **items);
size_t report_summary_components(const report_summary *s,
                                 const report_summary_component_row **items);
size_t report_summary_standby(const report_summary *s,
                              const report_summary_standby_row **items);
/* Lifetime mode (0 rows otherwise): per environment, scenario order. */
size_t report_summary_lifetime(const report_summary *s,
                               const report_summary_lifetime_row **items);
/* Lifetime mode: environments in scenario order, within one the causes by
** share, largest first (ties: components in scenario order, then the
** disaster, then failback); causes that cost nothing are left out. */
size_t report_summary_causes(const report_summary *s,
                             const report_summary_cause_row **items);


/* The answer a report leads with: one sentence per environment and
** objective (`drsim report` adds them from drsim explain's analysis; a
** summary has none until then). add copies text; REPORT_OK or
** REPORT_ENOMEM. leads gives them in the order added. */
int report_summary_add_lead(report_summary *s, const char *text);
size_t report_summary_leads(const report_summary *s, const char *const **items);

#endif
