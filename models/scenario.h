/*
** models/scenario.h — the in-memory DR model a scenario describes: regions,
** environments with objectives, components with replication and failover,
** the disaster, standby pools and recovery workflows (DAGs of steps).
**
** These structs are plain data, deliberately not opaque: they are the
** validated, read-only input of the simulation models and reports, which
** read them in their hot loops. They know nothing of YAML; the loader
** (models/scenario_load.c and models/load_*.c) builds them. Cross
** references are indexes into the scenario's arrays. Durations are
** seconds. All memory belongs to the scenario and is released by
** model_scenario_free().
*/
#ifndef DRSIM_MODELS_SCENARIO_H
#define DRSIM_MODELS_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "models/calendar.h"
#include "models/diag.h"
#include "models/dist.h"
#include "models/meet.h"

/* Where a thing was written (1-based; 0 when it came from a default). */
typedef struct model_loc { int line, col; } model_loc;

typedef enum model_mode { MODEL_MODE_DISASTER = 0, MODEL_MODE_LIFETIME } model_mode;

typedef struct model_region {
  char *name;
  int primary;              /* 1 primary, 0 standby */
  model_loc loc;
} model_region;

typedef struct model_environment {
  char *name;
  double rto_s;             /* objective, seconds; INFINITY when not set */
  double rpo_s;             /* objective, seconds; INFINITY when not set */
  double availability;      /* target fraction in [0,1]; NAN when not set */
  model_loc loc;
} model_environment;

typedef enum model_repl_mode {
  MODEL_REPL_NONE = 0, MODEL_REPL_SYNC, MODEL_REPL_ASYNC, MODEL_REPL_PERIODIC
} model_repl_mode;

typedef struct model_replication {
  model_repl_mode mode;
  int to_region;            /* standby region receiving the data; -1 with NONE */
  model_dist lag;           /* ASYNC: data not yet replicated at t = 0 */
  double interval_s;        /* PERIODIC: backup every interval */
  int has_copy;
  model_dist copy;          /* PERIODIC: time from backup start until usable in standby */
  double failure_probability; /* PERIODIC: a backup that never completes */
  double retention_s;       /* PERIODIC: older copies are gone; INFINITY if unset */
  model_loc loc;            /* the replication map; 0 when absent */
  model_loc to_loc;         /* its `to` value; the map's when `to` is absent */
} model_replication;

typedef enum model_failover_kind {
  MODEL_FAILOVER_NONE = 0,  /* needs nothing: usable in standby at t = 0 */
  MODEL_FAILOVER_AUTO,      /* service-managed: starts after_s after t = 0 */
  MODEL_FAILOVER_BY_STEP    /* manual: done when a workflow step completes */
} model_failover_kind;

typedef struct model_failover {
  model_failover_kind kind;
  double after_s;           /* AUTO: grace period before it starts */
  int has_duration;
  model_dist duration;      /* AUTO: how long the failover itself takes */
  int by_workflow, by_step; /* BY_STEP: indexes; -1 otherwise */
} model_failover;

/* What a component is, for presentation (`kind:`; the diagram infers it from
** the name when unset). MODEL_KIND_UNSET when the scenario does not say. */
typedef enum model_component_kind {
  MODEL_KIND_UNSET = 0, MODEL_KIND_DATABASE, MODEL_KIND_STORAGE, MODEL_KIND_CLUSTER,
  MODEL_KIND_NETWORK, MODEL_KIND_DNS, MODEL_KIND_MONITORING, MODEL_KIND_REGISTRY,
  MODEL_KIND_SECRETS, MODEL_KIND_GATEWAY, MODEL_KIND_COUNT
} model_component_kind;

typedef struct model_component {
  char *name;
  int environment;          /* index, or -1: shared by every environment */
  int region;               /* region index it runs in */
  int zone;                 /* 1..3, or 0: zone-redundant / not zonal */
  int *depends_on;          /* component indexes */
  size_t n_depends_on;
  int has_failure;          /* lifetime mode: fails and is repaired */
  model_dist failure;       /* time to failure */
  model_dist repair;        /* time to repair */
  model_replication replication;
  model_failover failover;
  int redundancy_group;     /* index into sc->redundancy_groups, or -1 */
  model_component_kind kind;/* presentation only; no effect on the simulation */
  int stateless;            /* holds no data: the lint expects no replication */
  uint64_t stream;          /* random stream id ("component:NAME") */
  model_loc loc;
} model_component;

typedef struct model_standby {
  char *name;
  int region;
  int environment;          /* index or -1 */
  int warm_nodes;           /* already running at t = 0 */
  int required_nodes;       /* full capacity */
  int service_nodes;        /* nodes needed to serve at all (default required) */
  int max_parallel;         /* provisioning at once (>= 1) */
  model_dist provision;     /* one node */
  double node_cost_per_hour;/* currency units per node-hour */
  int zones[3];             /* spread over these zones (node i in zones[i % n_zones]) */
  int n_zones;              /* 0: not zonal (a zone outage takes none of its nodes) */
  double shortage_probability; /* capacity_shortage: probability, 0 = none */
  model_dist shortage_delay;   /* extra delay before provisioning can start */
  uint64_t stream;          /* "standby:NAME" */
  model_loc loc;
} model_standby;

/* A step of some workflow: needs: [ENV/STEP] across workflows. */
typedef struct model_step_ref {
  int workflow, step;       /* indexes */
} model_step_ref;

typedef enum model_until { MODEL_UNTIL_FULL = 0, MODEL_UNTIL_SERVICE } model_until;

/* What a manual step with a calendar does when it starts outside business
** hours (`off_hours:`). NONE: no policy, it draws its duration; DRAW: it
** draws from off_hours (business_hours inside them); WAIT: it waits for the
** calendar's next business window, then draws its business duration; PAGE:
** someone is paged (a `page` draw), then the business duration. The
** business duration is business_hours when given, else duration. */
typedef enum model_off_policy {
  MODEL_OFF_NONE = 0, MODEL_OFF_DRAW, MODEL_OFF_WAIT, MODEL_OFF_PAGE
} model_off_policy;

typedef struct model_step {
  char *name;
  size_t *needs_steps;      /* step indexes within the same workflow */
  size_t n_needs_steps;
  model_step_ref *needs_ext;/* steps of other workflows (needs: [ENV/STEP]) */
  size_t n_needs_ext;
  int has_if_lost;          /* if_lost given: runs only when one of these is lost */
  int *if_lost_components;  /* component indexes */
  size_t n_if_lost_components;
  int *if_lost_regions;     /* region indexes (lost in a region-outage of it) */
  size_t n_if_lost_regions;
  int after_restore;        /* runs after service is restored: not in the RTO */
  model_until until;        /* standby step: done at service_nodes or required_nodes */
  size_t *needs_components; /* component indexes: waits for their failover */
  size_t n_needs_components;
  int manual;               /* human approval / action */
  model_dist duration;      /* unless standby >= 0 */
  int has_oncall;           /* manual step with business_hours/off_hours dists */
  model_dist business_hours;
  model_dist off_hours;
  int has_business;         /* business_hours given (with any off_hours policy) */
  model_off_policy off_policy; /* MODEL_OFF_DRAW when has_oncall */
  model_dist page;          /* MODEL_OFF_PAGE: the paged person's response time */
  int calendar;             /* calendar index the policy reads; -1: none (the
                               step then draws its duration, as without oncall) */
  int team;                 /* team index whose member the step needs; -1: none */
  int standby;              /* pool index, or -1 */
  double failure_probability;  /* per attempt */
  int retry_max;            /* retries after the first attempt */
  double retry_delay_s;
  double retry_persistent;  /* retry.persistent: a failed attempt's cause persists
                               with this probability (then every later attempt
                               fails too); 0 = independent attempts */
  int has_escalation;       /* escalation: when every attempt failed, a manual */
  model_dist escalation;    /*   fix taking this long completes the step */
  model_loc retry_loc;      /* the retry map; 0 when absent */
  double timeout_s;         /* per attempt; INFINITY when none */
  uint64_t stream;          /* "step:ENV/NAME" */
  model_loc loc;
} model_step;

typedef struct model_workflow {
  int environment;          /* index */
  model_dist detection;     /* from t = 0 until the workflow starts */
  int has_detection_hours;  /* detection: {business_hours, off_hours}: drawn by
                               whether the disaster strikes in business hours */
  model_dist detection_business, detection_off;
  int calendar;             /* `calendar:` (the default of its steps and of
                               detection), else the scenario's default; -1 */
  double wait_for_primary_s;/* after detection, wait this long for the primary's
                               return before the steps start (0: none) */
  model_step *steps;
  size_t n_steps;
  size_t *topo;             /* steps in a topological order of needs */
  size_t step_offset;       /* index of steps[0] in the flattened step list */
  uint64_t stream;          /* "detection:ENV" */
  model_loc loc;
} model_workflow;

typedef enum model_disaster_type {
  MODEL_DISASTER_REGION = 0, MODEL_DISASTER_ZONE, MODEL_DISASTER_COMPONENT
} model_disaster_type;

typedef struct model_disaster {
  model_disaster_type type;
  int region;               /* REGION, ZONE: region index */
  int zone;                 /* ZONE: 1..3 */
  int component;            /* COMPONENT: index */
  int has_duration;
  model_dist duration;      /* the primary comes back after this */
  double rate_per_s;        /* lifetime mode: arrivals per second; 0 = none */
  uint64_t stream;          /* "disaster" */
  model_loc loc;
} model_disaster;

/* On-call model: the disaster's wall-clock start is uniform over a week
** (t = 0 of the week is Monday 00:00); a manual step that starts inside
** business hours draws from business_hours, otherwise from off_hours. */
typedef struct model_oncall {
  int enabled;
  double day_start_s;       /* business hours start, seconds after midnight */
  double day_end_s;         /* business hours end */
  int workdays;             /* Monday.. : 5 = Mon-Fri */
  uint64_t stream;          /* "oncall" */
} model_oncall;

/* A team whose members the steps naming it need (one each, first come
** first served; models/team.h). */
typedef struct model_team {
  char *name;
  int size;                 /* members, >= 1 */
  int calendar;             /* its calendar (the default of its steps), -1 */
  model_loc loc;
} model_team;

/* The disaster's wall clock, when the scenario has a calendar: trial
** start = start_utc + u * period_s (u uniform, the "oncall" stream), or
** start_utc itself when period_s is 0 (disaster.start fixes it). Without
** holidays the period is the week from Monday 2026-01-05 00:00 UTC; with
** holidays, the calendar year of the earliest one. */
typedef struct model_clock {
  int enabled;              /* some calendar exists */
  double start_utc;         /* UTC seconds since 1970 */
  double period_s;          /* a week, a year, or 0 (fixed start) */
  int fixed;                /* disaster.start given */
} model_clock;
/* A common cause (`common_causes:`): drawn once per trial (per disaster
** incident in lifetime mode) from its own stream; when it occurs, its
** effects hold together in that trial. Semantics: models/common_cause.h. */
#define MODEL_MAX_COMMON_CAUSES 63   /* a trial's set of causes is a 64-bit mask */

typedef struct model_common_cause {
  char *name;
  double probability;
  int *shortage_pools;      /* effects.shortage.pools: pool indexes short together */
  size_t n_shortage_pools;
  int has_shortage_delay;   /* effects.shortage.delay (else each pool's own) */
  model_dist shortage_delay;
  model_step_ref *factor_steps; /* effects.failure_multiplier.steps */
  size_t n_factor_steps;
  double failure_factor;    /* effects.failure_multiplier.factor */
  model_step_ref *delay_steps;  /* effects.step_delay.steps */
  size_t n_delay_steps;
  model_dist step_delay;    /* effects.step_delay.delay: one draw, every listed step */
  int has_detection_delay;  /* effects.detection_delay */
  model_dist detection_delay;
  int *detection_envs;      /* effects.detection_delay.environments; none = all */
  size_t n_detection_envs;
  uint64_t stream;          /* "common_cause:NAME" */
  model_loc loc;
} model_common_cause;

/* Lifetime mode options. */
typedef struct model_lifetime {
  int failback;             /* fail back when the primary returns */
  model_dist failback_duration;
  int has_failback_window;  /* failback starts only inside a daily window */
  double failback_window_start_s, failback_window_end_s; /* seconds after midnight
                               (of the horizon's clock, t = 0 at 00:00); end <
                               start: the window wraps past midnight */
} model_lifetime;

/* A file the scenario read besides itself (an empirical `file:`), kept so
** that a run can pin it: its content hash, and the content itself. */
typedef struct model_input_file {
  char *name;               /* as written after `file:` */
  char sha256[65];          /* hex SHA-256 of the content */
  char *content;            /* the bytes read, NUL-terminated (size bytes) */
  size_t size;
} model_input_file;

/* Where a scenario may read its `file:` samples from, and pinned contents.
** A relative `file:` resolves against base_dir (NULL: the scenario's folder,
** or the current directory for a scenario without a path), and the file
** must lie inside base_dir or one of allow_paths (symbolic links resolved):
** a scenario cannot read /etc/passwd or climb out with `..`. A `file:`
** whose name is among pinned is taken from there and not read at all
** (--resume: the content stored with the run). */
typedef struct model_load_opts {
  const char *base_dir;
  const char *const *allow_paths;
  size_t n_allow_paths;
  const model_input_file *pinned;
  size_t n_pinned;
} model_load_opts;

/* The scenario's `costs:` and `currency:` (models/costs.h, which reads
** them); released with the scenario by model_costs_free (declared here so
** that scenario.c needs no include of costs.h, which includes this file). */
typedef struct model_costs model_costs;
void model_costs_free(model_costs *c);

typedef struct model_scenario {
  char *name;
  char *description;        /* may be NULL */
  char *source;             /* file name used in messages */
  char *text_hash;          /* hex FNV-1a 64 of the text, the overrides and
                               the SHA-256 of every input file */
  model_input_file *inputs; /* files read besides the scenario, n_inputs, */
  size_t n_inputs;          /* in order of first use (each name once) */
  uint64_t seed;            /* default run seed (42 when not given) */
  uint64_t trials;          /* default trial count (10000 when not given) */
  model_mode mode;
  double horizon_s;         /* lifetime mode */

  model_region *regions;            size_t n_regions;
  model_environment *environments;  size_t n_environments;
  model_component *components;      size_t n_components;
  /* Lifetime mode: components sharing a redundancy group are a parallel
  ** (1-of-n) group, down only while every member is down. */
  char **redundancy_groups;         size_t n_redundancy_groups;
  model_standby *standby;           size_t n_standby;
  model_workflow *workflows;        size_t n_workflows;
  size_t n_steps_total;             /* sum of workflows[i].n_steps */
  model_disaster disaster;
  model_oncall oncall;
  model_lifetime lifetime;
  /* calendars: the `calendars:` list in order, then the oncall block's
  ** (named "oncall") when given; default_calendar is the oncall one, else
  ** the only calendar, else -1. */
  model_calendar **calendars;       size_t n_calendars;
  int default_calendar;
  model_team *teams;                size_t n_teams;
  model_clock clock;
  model_common_cause *common_causes; size_t n_common_causes;
  model_costs *costs;       /* NULL without a costs block or currency */
  model_meet_rule meet;     /* what "meets" means (the `meet:` block; models/meet.h) */
} model_scenario;

/* Limits that keep absurd inputs from exhausting memory. */
#define MODEL_MAX_ITEMS 10000     /* regions, components, steps, ... each */
/* The most trials one run may ask for (the scenario's `trials`, --trials). */
#define MODEL_MAX_TRIALS 1000000000ull
#define MODEL_MAX_FILE_BYTES (16u << 20)

/* Read a scenario file whole ("-": standard input) into a NUL-terminated
** malloc'ed buffer of *len bytes (at most MODEL_MAX_FILE_BYTES). NULL on
** failure, with the reason in diag (cannot open, a directory, too large,
** read error, out of memory). */
char *model_scenario_read_file(const char *path, size_t *len, model_diag *diag);

/* The name messages give a scenario path: "<stdin>" for "-", else path. */
const char *model_scenario_source_name(const char *path);

/* Load and validate a scenario file ("-": standard input, "<stdin>" in
** messages), applying `--set` overrides
** ("key.path=value", list items addressed by name) before validation.
** On success returns 0 and *out (free with model_scenario_free). On failure
** returns -1, *out = NULL, and every problem found is in diag as
** file:line:col + message (overrides report as "--set:0:N"). */
int model_scenario_load_file(const char *path, const char *const *overrides,
                             size_t n_overrides, model_scenario **out,
                             model_diag *diag);

/* Same from a buffer; `source` names it in messages. */
int model_scenario_load_string(const char *text, size_t len, const char *source,
                               const char *const *overrides, size_t n_overrides,
                               model_scenario **out, model_diag *diag);

/* model_scenario_load_string with options (NULL: the defaults). */
int model_scenario_load_string_opts(const char *text, size_t len, const char *source,
                                    const char *const *overrides, size_t n_overrides,
                                    const model_load_opts *opts, model_scenario **out,
                                    model_diag *diag);

void model_scenario_free(model_scenario *sc);  /* NULL is a no-op */

/* Lookups by name; -1 when absent. */
int model_scenario_find_environment(const model_scenario *sc, const char *name);
int model_scenario_find_component(const model_scenario *sc, const char *name);
int model_scenario_find_standby(const model_scenario *sc, const char *name);
int model_scenario_find_workflow(const model_scenario *sc, const char *env_name);

/* The disaster's scope, the one rule both models use: comp[c] = 1 when the
** disaster takes component c (region-outage: the region's components;
** zone-outage: the region's components in that zone; component: it and,
** transitively, what depends on it), env[e] = 1 when it takes a component
** of environment e or a shared one. comp has n_components bytes, env
** n_environments (either may be NULL). Returns 0, -1 when out of memory. */
int model_scenario_scope(const model_scenario *sc, unsigned char *comp, unsigned char *env);

/* The region a component fails over / replicates to: replication `to`,
** else the first standby region other than its own; -1 when none. */
int model_scenario_target_region(const model_scenario *sc, size_t component);

/* The scenario keyword of a component kind ("database", ...); "" for
** MODEL_KIND_UNSET or an out-of-range value. */
const char *model_scenario_kind_name(model_component_kind kind);

/* The scenario's keywords, the one table of each: indexed by the enum and
** NULL-terminated (the loader reads them; traces and reports print them).
** model_kind_names[0] is "" (MODEL_KIND_UNSET, not a keyword). */
extern const char *const model_disaster_type_names[];   /* "region-outage", ... */
extern const char *const model_repl_mode_names[];       /* "none", "sync", ... */
extern const char *const model_kind_names[];            /* "", "database", ... */

/* The scenario's disaster in words, into buf (returned): "region-outage
** eastus", "zone-outage eastus zone 2", "component sql-prod" ("?" for a
** reference out of range). Traces and the results database use it. */
const char *model_scenario_disaster_text(const model_scenario *sc, char *buf, size_t n);

/* The keyword of a disaster type / replication mode; "" when out of range. */
const char *model_disaster_type_name(model_disaster_type t);
const char *model_repl_mode_name(model_repl_mode m);

/* Print the one-screen summary of `drsim validate`: regions, components per
** environment, each workflow's steps as an indented dependency tree.
** Returns 0, or -1 when out of memory (the summary is then incomplete). */
int model_scenario_print_summary(const model_scenario *sc, FILE *out);

/* A distribution for humans, as the summary shows it: "10m",
** "lognormal(median 20m, p95 2h)", "triangular(min 5m, mode 10m, max 30m)".
** Writes at most n bytes including the NUL; returns buf. */
char *model_scenario_describe_dist(const model_dist *d, char *buf, size_t n);

#endif
