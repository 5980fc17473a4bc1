/*
** models/outcome.h — what one trial produced, as one fixed-size record per
** scenario (so the Monte Carlo runner can move results without knowing the
** model): per environment, per workflow step (flattened over workflows, see
** model_workflow.step_offset), per component and per standby pool.
**
** Conventions: times are seconds since the disaster (t = 0); NAN means "does
** not apply / never happened"; an environment that was not recovered has
** rto_s = INFINITY and recovered = 0. An environment the disaster does not
** touch has affected = 0 (and rto_s = rpo_s = 0, recovered = 1): reports
** leave such trials out of its RTO/RPO figures. In lifetime mode (models/lifetime_sim.c)
** rto_s / rpo_s are the worst over the trial's disaster incidents (0 when
** none), the lifetime fields are filled, and the remaining disaster-mode
** fields come from the trial's first incident. Lifetime-mode records also
** carry two arrays that disaster-mode records lack (so a disaster-mode
** record keeps its size): each environment's first disaster incidents,
** itemised, and its downtime split by component.
*/
#ifndef DRSIM_MODELS_OUTCOME_H
#define DRSIM_MODELS_OUTCOME_H

#include <stddef.h>
#include <stdint.h>
#include "models/scenario.h"

typedef struct model_env_outcome {
  double rto_s;             /* until service restored; INFINITY if not recovered */
  double rpo_s;             /* max RPO over the environment's data components; 0 if none */
  double first_service_s;   /* standby pools of the env: service_nodes up; NAN if no pool */
  double full_capacity_s;   /* standby pools of the env: required_nodes up; NAN if no pool */
  double wallclock_s;       /* on-call: disaster start, seconds after Monday 00:00; NAN if off */
  double detection_s;       /* disaster mode: when its workflow's detection was done;
                               NAN when no detection ran (not affected, no workflow,
                               lifetime mode) */
  int32_t recovered;        /* 1 or 0 */
  int32_t retries;          /* failed attempts that were retried, all steps */
  /* lifetime mode (0 in disaster mode); see models/lifetime_sim.c */
  double availability;      /* up time / horizon */
  double downtime_s;
  int32_t incidents;        /* down episodes (any cause) */
  int32_t disasters;        /* disaster arrivals that hit the environment */
  int32_t disaster_incidents;  /* disasters that started an incident (ran the failover) */
  int32_t component_incidents; /* episodes that began with a component failure */
  double downtime_component_s; /* downtime_s split by cause (concurrent causes share */
  double downtime_disaster_s;  /*   equally): component failures, disaster incidents */
  double downtime_failback_s;  /*   until restored, failing back; they sum to downtime_s */
  double longest_outage_s;  /* longest episode, seconds */
  int32_t affected;         /* 1: the disaster took something the environment runs on
                               (disaster mode), or a disaster started an incident in it
                               (lifetime mode); 0: its rto/rpo are not a sample */
  uint64_t common_causes;   /* the common causes that occurred, bit i for
                               sc->common_causes[i] (the same for every environment in
                               disaster mode; lifetime: over its disaster incidents) */
  double loss;              /* disaster mode with a costs block: what the trial cost
                               in this environment (models/costs.h
                               model_costs_record_losses), in the scenario's currency;
                               NAN without costs and in lifetime mode */
} model_env_outcome;

typedef struct model_step_outcome {
  double start_s;           /* first attempt start; NAN if never started */
  double end_s;             /* completion (success); NAN if it never succeeded */
  int32_t attempts;
  int32_t failed;           /* 1 when every attempt failed */
  int32_t critical;         /* 1 when on the critical path of its env's RTO */
  int32_t off_hours;        /* manual step that started outside business hours */
  int32_t escalated;        /* every attempt failed and escalation completed it */
  double team_wait_s;       /* waited this long for a member of its team; NAN: no
                               team, or it never asked */
} model_step_outcome;

typedef struct model_component_outcome {
  double rpo_s;             /* NAN for components without replication */
  double failover_s;        /* when usable in standby; NAN if no failover */
  /* lifetime mode (0 in disaster mode) */
  double down_s;            /* own down time (failure until repair) within the horizon */
  double downtime_caused_s; /* its share of environment downtime, summed over environments */
  int32_t failures;         /* own failures within the horizon */
  int32_t incidents_caused; /* down episodes (over all environments) it began */
} model_component_outcome;

typedef struct model_standby_outcome {
  double first_service_s;   /* NAN if the pool's step never ran */
  double full_capacity_s;
  int32_t nodes_provisioned;
  int32_t shortage;         /* 1 when a capacity shortage was drawn */
} model_standby_outcome;

/* Lifetime mode: disaster incidents itemised per environment and trial, the
** first MODEL_OUTCOME_MAX_INCIDENTS in arrival order. More is rare enough
** (4 or more region outages in one horizon at 1/10y: ~4e-6 per year) that
** the rest are only counted: model_env_outcome.disaster_incidents counts
** them all, so disaster_incidents - MODEL_OUTCOME_MAX_INCIDENTS (when
** positive) were not itemised. */
#define MODEL_OUTCOME_MAX_INCIDENTS 4

typedef struct model_incident_outcome {
  double start_s;           /* disaster arrival, seconds since the horizon's start */
  double rto_s;             /* the incident's RTO; INFINITY if never recovered */
  double rpo_s;             /* its RPO (data lost, as time); INFINITY: no copy */
  double failback_s;        /* failback duration when it failed back; NAN if none */
  int32_t failed_over;      /* 1: ran in the standby region; 0: the primary returned first */
  int32_t recovered;        /* 0 when rto_s is infinite */
} model_incident_outcome;

/* Pointers into one record. */
typedef struct model_trial_view {
  model_env_outcome *env;             /* [n_environments] */
  model_step_outcome *steps;          /* [n_steps_total] */
  model_component_outcome *components;/* [n_components] */
  model_standby_outcome *standby;     /* [n_standby] */
  /* lifetime mode only (NULL in disaster mode): */
  model_incident_outcome *incidents;  /* [n_environments x MODEL_OUTCOME_MAX_INCIDENTS]:
                                         env e's k-th at e * MAX + k; the first
                                         min(disaster_incidents, MAX) are set */
  double *env_component_downtime_s;   /* [n_environments x n_components]: the
                                         downtime of env e caused by component c
                                         (its downtime_component_s share), at
                                         e * n_components + c; sums over c to
                                         the env's downtime_component_s */
} model_trial_view;

/* Size in bytes of one record for sc (a multiple of 8). It depends on the
** counts and the mode (lifetime records hold the two extra arrays above). */
size_t model_outcome_size(const model_scenario *sc);

/* Views of a record of model_outcome_size(sc) bytes, writable or not. */
model_trial_view model_outcome_view(const model_scenario *sc, void *record);

/* Fill a record with the "nothing happened yet" values (NAN times, zeros). */
void model_outcome_clear(const model_scenario *sc, void *record);

#endif
