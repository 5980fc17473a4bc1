/*
** models/costs.h — what downtime, data loss and the standby cost, from a
** scenario's `costs:` block and top-level `currency:` (prefix model_costs_):
**
**  - per environment: downtime per hour (flat, or by business/off hours of
**    the on-call calendar), data loss per hour of RPO, one-off failover and
**    failback costs charged in every trial in which it fails over;
**  - per disaster: one-off failover and failback costs of the whole plan
**    (the incident, the failback project), charged once in every trial in
**    which any environment fails over;
**  - per standby pool: a capacity reservation (per month; a reserved pool
**    draws no capacity shortage); its nodes' price is the pool's own
**    node_cost_per_hour;
**  - per component: the monthly cost of its replication choice (periodic:
**    a fixed part plus a price per backup, so the interval moves the cost;
**    async; sync);
**  - per team: each member's cost a month (an on-call rota);
**  - named measures (a restore-drill programme, a support contract) with a
**    cost a month while in place, for decisions to switch on;
**  - how often the disaster strikes (disaster_rate), which turns a loss per
**    disaster into an annual cost of risk, and how long an outage the model
**    never recovers is charged for (unrecovered_outage).
**
** Loading is hooked into the scenario loader (models/scenario_load.c calls
** model_costs_load after the rest of the scenario); the block is optional
** (sc->costs NULL without it). Semantics and keys: scenarios/README.md.
*/
#ifndef DRSIM_MODELS_COSTS_H
#define DRSIM_MODELS_COSTS_H

#include <stddef.h>
#include "models/diag.h"
#include "models/scenario.h"
#include "models/yaml_tree.h"

#define MODEL_COSTS_HOURS_PER_YEAR 8760.0
#define MODEL_COSTS_MONTHS_PER_YEAR 12.0

/* One standby cost line of model_costs_standby_items. */
typedef struct model_costs_item {
  const char *kind;         /* "warm nodes", "reservation", "replication", "members",
                               "measure" */
  const char *name;         /* the pool or component (borrowed from sc) */
  double annual;            /* currency units a year */
} model_costs_item;

/* Parse root's `costs:` block and `currency:` into sc->costs (left NULL
** when neither is present), reporting every problem into diag as
** file:line:col (file names the scenario, "--set" nodes as overrides do).
** A reserved pool gets shortage_probability 0. Returns the number of
** errors added (0: fine); out of memory counts as an error and sets diag's
** nomem flag. */
int model_costs_load(const model_yaml_node *root, model_scenario *sc, const char *file,
                     model_diag *diag);

/* Release sc->costs' memory (called by model_scenario_free). NULL is a no-op. */
void model_costs_free(model_costs *c);

/* The currency's name ("" when not given). sc->costs may be NULL. */
const char *model_costs_currency(const model_scenario *sc);

/* 1 when the scenario gives any cost of downtime or data loss (the risk side). */
int model_costs_has_risk(const model_scenario *sc);

/* Disasters a year (costs.disaster_rate, else the disaster's own rate);
** NAN when neither is given. */
double model_costs_disasters_per_year(const model_scenario *sc);

/* The standby's annual cost: warm nodes x node_cost_per_hour x 8760 for
** every pool, reservations x 12, each component's replication choice x 12,
** each team's members x per_member_per_month x 12, each measure in place
** x 12.
** Fills items[0..*n_items) (at most max_items; the rest only summed) when
** items is not NULL. Returns the sum. */
double model_costs_standby_annual(const model_scenario *sc, model_costs_item *items,
                                  size_t max_items, size_t *n_items);

/* Fill each environment's loss (model_env_outcome.loss) of one finished
** disaster-mode trial (record of model_outcome_size(sc) bytes): for an
** environment the disaster affects, downtime cost x RTO (an unrecovered
** environment is charged unrecovered_outage; by business / off hours: the
** outage interval split over the on-call week from the trial's wall
** clock), data loss cost x RPO (capped likewise), plus its failover +
** failback when a step of its workflow ran (it did not wait out the
** primary's return, nor skip every step); the disaster's one-off
** costs.failover + costs.failback is added to the first environment
** (objectives order) that failed over. 0 for an environment not affected;
** NAN for every environment without a costs block. Called at the end of
** model_disaster_sim_trial. */
void model_costs_record_losses(const model_scenario *sc, void *record);

/* The loss of one disaster-mode trial: the sum of its environments' loss
** (filled by model_costs_record_losses). 0 without a costs block. */
double model_costs_trial_loss(const model_scenario *sc, const void *record);

/* Seconds of [start, start + length) inside business hours of the on-call
** week (start in seconds after Monday 00:00, wrapping weekly). */
double model_costs_business_seconds(const model_oncall *oc, double start, double length);

#endif
