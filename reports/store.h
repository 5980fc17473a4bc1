/*
** reports/store.h — the results store: one SQLite database holding every run
** (its scenario text, seed, status), one row per trial per environment, the
** scenario's dimensions (environments with objectives, steps, components,
** standby pools) so reports never need the scenario file again, and
** aggregates per step / component / pool kept in step with the trials.
**
** Writing: one process writes at a time (SQLite's lock; other writers wait up
** to 5 s, then get REPORT_EIO). A run is written as
**   report_store_run_begin -> report_store_run_append (repeatedly, in trial
**   order, one transaction each) -> report_store_run_finish.
** Each append commits its trials, their detail rows and the aggregate
** updates in ONE transaction, so after a crash or kill -9 the database holds
** exactly the trials of the committed appends, runs.trials_done counts them,
** the aggregates match them, and a run can be resumed from
** first_trial + trials_done. Journal mode is WAL with synchronous=NORMAL: a
** power loss may lose the last commits but never corrupts the database.
**
** Stored values (docs/results.md lists every table and column with units):
**  - rto_s is NULL when the environment was not recovered (its RTO is
**    +infinity); rpo_s is NULL when the RPO is infinite (no copy of the data
**    ever reached the standby). Readers here map those NULLs back to
**    +INFINITY.
**  - Any other NaN ("does not apply") or non-finite value is stored as NULL
**    and read back as NaN. Lifetime columns (availability, downtime_s,
**    incidents, disasters) are NULL in disaster mode.
**  - seed and other 64-bit unsigned counts are stored as SQLite's signed
**    64-bit integers; seeds >= 2^63 appear negative in SQL and read back
**    exactly.
**  - Timestamps are ISO 8601 UTC text ("2024-05-01T12:00:00.000Z").
**
** Schema versions: PRAGMA user_version holds the schema version and
** PRAGMA application_id marks a drsim database. Opening read-write migrates
** an older version in one transaction; a database from a newer drsim, or a
** file that is not a drsim database, is refused with REPORT_ESCHEMA.
*/
#ifndef DRSIM_REPORTS_STORE_H
#define DRSIM_REPORTS_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "models/scenario.h"
#include "reports/owner.h"
#include "models/outcome.h"

/* Statuses returned by every reports/ module (report_store_*, report_summary_*,
** report_csv_*, report_md_*). */
enum {
  REPORT_OK = 0,
  REPORT_EIO = -1,       /* the database or an output could not be read/written */
  REPORT_ESCHEMA = -2,   /* not a drsim database, or one written by a newer drsim */
  REPORT_ENOTFOUND = -3, /* no such run (or no run at all) */
  REPORT_EINVAL = -4,    /* bad argument: trials out of order, scenario not the run's */
  REPORT_ENOMEM = -5,
  REPORT_EBUSY = -6,     /* the run is being executed by another live process */
  REPORT_EINTR = -7      /* stopped on request (a caught SIGINT/SIGTERM) */
};

/* The human message of a failed call: what failed, on which file, and the
** SQLite reason ("drsim-results.db: cannot open: unable to open database
** file"). Filled only when a call fails; may be passed as NULL. */
typedef struct report_error {
  char text[512];
} report_error;

/* A short fixed name for a status ("I/O error", ...). */
const char *report_store_strerror(int status);

/* The current schema version written by this build. Version 3 added, for
** lifetime mode: the incidents table (each environment's disaster incidents,
** itemised), env_component_stats (downtime by environment and component),
** the run's disaster and rate, each component's MTBF/MTTR targets and the
** second moments behind the intervals of its observed MTBF/MTTR. Version 4
** added trials.affected (did the disaster touch the environment). */
#define REPORT_STORE_SCHEMA_VERSION 9

/* Version 5 added: the run's pinned input files (run_inputs: each empirical
** `file:` by name, SHA-256, size and, up to REPORT_STORE_INPUT_COPY_MAX
** bytes, its content), the scenario's folder (runs.scenario_dir), and the
** process executing a run (runs.owner_pid, owner_host, owner_ident,
** heartbeat: the last commit of trials). */
#define REPORT_STORE_INPUT_COPY_MAX (4u << 20)

/* Version 6 added runs.notes: the DR capabilities a disaster of a standby
** region takes (models/lint.h model_lint_lost_capabilities). */

typedef struct report_store report_store;

/* How much per-trial detail a run keeps. SUMMARY: the trials table and the
** aggregates. STEPS: also one row per trial per step / component / pool
** (tables steps, components, standby_trials). */
typedef enum report_detail {
  REPORT_DETAIL_SUMMARY = 0,
  REPORT_DETAIL_STEPS = 1
} report_detail;

typedef enum report_run_status {
  REPORT_RUN_RUNNING = 0,
  REPORT_RUN_COMPLETE,
  REPORT_RUN_INTERRUPTED,
  REPORT_RUN_FAILED
} report_run_status;

/* "running", "complete", "interrupted", "failed" (the stored text). */
const char *report_store_status_name(report_run_status s);

/* A run's state for people: its stored status, except that a 'running' run
** whose process is gone (not live) is "interrupted". */
struct report_run;
const char *report_store_run_state(const struct report_run *r);

/* Open flags. */
enum {
  REPORT_STORE_READWRITE = 0,  /* create if missing, migrate if older */
  REPORT_STORE_READONLY = 1    /* must exist; never written */
};

/* Open (and, read-write, create and migrate) the database at `path`.
** Returns REPORT_OK and *out (close with report_store_close), or
** REPORT_EIO (cannot open/create/read: missing file in read-only mode,
** unwritable directory, locked too long), REPORT_ESCHEMA (not a database,
** not a drsim database, newer schema version), REPORT_ENOMEM; *out = NULL
** and err says which, with the path. */
int report_store_open(const char *path, int flags, report_store **out,
                      report_error *err);

/* Close; NULL is a no-op. A run left in status 'running' stays so (it can be
** resumed). */
void report_store_close(report_store *st);

/* The path given to report_store_open (borrowed). */
const char *report_store_path(const report_store *st);

/* What the caller says about a new run; the scenario supplies the rest
** (name, text hash, mode, horizon, dimensions). Strings are copied. */
typedef struct report_run_info {
  const char *scenario_text;       /* YAML as loaded, for --resume; may be NULL */
  const char *const *overrides;    /* "key.path=value" (no newline), n_overrides */
  size_t n_overrides;
  uint64_t seed;
  uint64_t trials;                 /* trials the run will hold */
  uint64_t first_trial;            /* index of its first trial */
  report_detail detail;
  unsigned threads;
  const char *program_version;     /* NULL: this build's DRSIM_VERSION */
  int64_t sweep_id;                /* 0: not part of a sweep */
  int64_t point;                   /* sweep point index; < 0: none */
  uint64_t total_trials;           /* a shard (--shard K/N): the whole run's trial
                                      count; 0: not recorded (stored NULL) */
  const char *shard;               /* "K/N" as given to --shard, or NULL */
  const char *scenario_dir;        /* absolute folder of the scenario (where its
                                      `file:` names resolve), or NULL */
} report_run_info;

/* Start a run: one row in runs (status 'running', started = now, owned by
** this process), the dimension tables run_environments, run_steps,
** run_components, run_standby, with zeroed aggregates, and sc's input files
** (run_inputs), in one transaction. sc must be the
** scenario the trials will come from. Returns REPORT_OK and *run_id, or
** REPORT_EINVAL (override with a newline, read-only store), REPORT_EIO,
** REPORT_ENOMEM. */
int report_store_run_begin(report_store *st, const report_run_info *info,
                           const model_scenario *sc, int64_t *run_id,
                           report_error *err);

/* Append n consecutive trial records (model_outcome_size(sc) bytes each,
** back to back, as the runner's sink receives them; record_size must equal
** model_outcome_size(sc)), trial indexes first_trial .. first_trial+n-1.
** first_trial must be the run's first_trial + trials_done (no gaps, no
** repeats) and the total must not exceed the run's trials; the run must be
** 'running'. Everything (trials, detail rows, aggregates, trials_done) is
** one transaction: on any error nothing of this call is stored. Best speed
** with n of 1000..10000. Returns REPORT_OK, REPORT_EINVAL (order, count,
** status, or sc's dimensions differ from the run's), REPORT_ENOTFOUND,
** REPORT_EIO, REPORT_ENOMEM. */
int report_store_run_append(report_store *st, int64_t run_id,
                            const model_scenario *sc, uint64_t first_trial,
                            size_t n, const void *records, size_t record_size,
                            report_error *err);

/* Set a run's final status (COMPLETE, INTERRUPTED or FAILED) and finished =
** now; the run has no owner any more. REPORT_ENOTFOUND if there is no such
** run, REPORT_EINVAL for RUNNING (use report_store_run_reopen). */
int report_store_run_finish(report_store *st, int64_t run_id,
                            report_run_status status, report_error *err);

/* Claim a run to append more trials (--resume): in one transaction, check
** that no other live process executes it (report_owner_alive), then set it
** back to 'running' (finished = NULL) owned by this process. REPORT_EBUSY
** ("run 4 is being executed by process 1234 on HOST") when one does,
** REPORT_ENOTFOUND if there is no such run. */
int report_store_run_reopen(report_store *st, int64_t run_id,
                            report_error *err);

/* Whether the run's stored trials are a prefix: trials first_trial ..
** first_trial + trials_done - 1 with no gap (a run merged with --allow-gaps
** may hold trials with gaps between them; --resume cannot fill those).
** REPORT_OK and *is_prefix, or REPORT_ENOTFOUND / REPORT_EIO. */
int report_store_run_prefix(report_store *st, int64_t run_id, int *is_prefix,
                            report_error *err);

/* Delete a run and all its rows (one transaction). REPORT_ENOTFOUND if
** there is no such run, REPORT_EBUSY while a live process executes it. */
int report_store_run_delete(report_store *st, int64_t run_id,
                            report_error *err);

/* One environment of a run. Objectives are NAN when the scenario set none. */
typedef struct report_run_env {
  char *name;
  double rto_objective_s;
  double rpo_objective_s;
  double availability_objective;   /* fraction in [0, 1] */
} report_run_env;

/* One workflow step (flattened over workflows, model_workflow.step_offset)
** with its aggregates over the run's committed trials. */
typedef struct report_run_step {
  char *environment;
  char *name;
  int manual;
  char *standby;             /* pool name, or NULL */
  uint64_t n;                /* trials seen */
  uint64_t n_completed;      /* trials where the step succeeded (duration known) */
  uint64_t critical;         /* trials where it was on the critical path */
  double sum_duration_s;     /* sum over completed trials of end - start */
  double sum_sq_duration_s;
  uint64_t attempts;         /* attempts over all trials */
  uint64_t failures;         /* trials where every attempt failed */
  uint64_t off_hours;        /* trials where a manual step ran off hours */
  uint64_t team_waits;       /* trials where it got a member of its team */
  double sum_team_wait_s;    /* their time spent waiting for that member */
} report_run_step;

typedef struct report_run_component {
  char *name;
  char *environment;         /* NULL: shared by every environment */
  char *replication_mode;    /* "none", "sync", "async", "periodic" */
  uint64_t n_rpo;            /* trials with a finite RPO for it */
  double sum_rpo_s;
  double max_rpo_s;          /* NAN when n_rpo = 0 */
  uint64_t inf_rpo;          /* trials where its RPO was infinite */
  uint64_t sets_env_rpo;     /* trials where its RPO > 0 equals its environment's
                                (for a shared one: any environment's) */
  uint64_t n_failover;       /* trials with a failover time */
  double sum_failover_s;
  double max_failover_s;     /* NAN when n_failover = 0 */
  /* lifetime mode (0 otherwise), summed over trials: */
  double sum_down_s;         /* its own down time */
  double sum_downtime_caused_s; /* environment downtime it caused */
  uint64_t failures;
  uint64_t incidents_caused;
  /* schema 3, lifetime mode (0 otherwise), summed over trials: */
  double sum_sq_down_s;      /* its own down time, squared */
  double sum_sq_failures;    /* failures, squared */
  double sum_down_x_failures;/* down time x failures */
  double mtbf_target_s;      /* mean of its failure distribution; NAN: none */
  double mttr_target_s;      /* mean of its repair distribution; NAN: none */
} report_run_component;

/* Lifetime mode (schema 3): the downtime of one environment caused by one
** component that can fail, summed over the run's trials. */
typedef struct report_run_env_component {
  size_t env_index;          /* into report_run.environments */
  size_t component_index;    /* into report_run.components */
  uint64_t trials;           /* trials in which it caused some of that downtime */
  double sum_downtime_s;
  double sum_sq_downtime_s;  /* per trial, squared */
} report_run_env_component;

typedef struct report_run_standby {
  char *name;
  char *environment;         /* NULL: not tied to one environment */
  int warm_nodes;
  int required_nodes;
  int service_nodes;
  double node_cost_per_hour;
  uint64_t n;                /* trials seen */
  uint64_t n_first_service;  /* trials where service capacity was reached */
  double sum_first_service_s;
  uint64_t n_full_capacity;  /* trials where full capacity was reached */
  double sum_full_capacity_s;
  double max_full_capacity_s;/* NAN when n_full_capacity = 0 */
  uint64_t nodes;            /* nodes provisioned, summed over trials */
  uint64_t shortages;        /* trials with a capacity shortage */
} report_run_standby;

/* An input file pinned with a run (schema 4). */
typedef struct report_run_input {
  char *name;                /* as written after `file:` */
  char *sha256;              /* hex */
  uint64_t size;
  char *content;             /* size bytes + NUL, or NULL when not stored (larger
                                than REPORT_STORE_INPUT_COPY_MAX) */
} report_run_input;

/* A run as stored, with its dimensions and aggregates. Owns everything;
** free with report_store_run_free. */
typedef struct report_run {
  int64_t id;
  char *scenario_name;
  char *scenario_hash;
  char *scenario_text;       /* may be NULL */
  char **overrides;          /* n_overrides strings */
  size_t n_overrides;
  uint64_t seed;
  uint64_t trials;           /* planned */
  uint64_t first_trial;
  uint64_t trials_done;      /* committed: trials first_trial .. +trials_done-1 */
  model_mode mode;
  double horizon_s;          /* lifetime mode; NAN otherwise */
  report_detail detail;
  report_run_status status;
  char *started;             /* ISO 8601 UTC */
  char *finished;            /* NULL while running or after a crash */
  char *program_version;
  unsigned threads;
  int64_t sweep_id;          /* 0: none */
  int64_t point;             /* -1: none */
  uint64_t total_trials;     /* whole run's trials for a shard; 0: not recorded */
  char *shard;               /* "K/N", or NULL */
  char *disaster;            /* the scenario's disaster, "region-outage eastus",
                                "zone-outage eastus zone 2", "component NAME";
                                NULL before schema 3 */
  char *notes;               /* what the disaster takes beyond the environments'
                                own components (DR capabilities in a lost standby
                                region), one sentence; NULL when nothing, or
                                before schema 6 */
  double disaster_rate_per_s;/* lifetime mode: disaster arrivals per second; NAN
                                when not recorded (disaster mode, schema < 3) */
  char *scenario_dir;        /* schema 4: the scenario's folder, or NULL */
  report_owner owner;        /* schema 4: who executes it (pid 0: nobody) */
  int live;                  /* status 'running' and its owner is alive; a
                                'running' run that is not live was interrupted
                                (its process was killed) */
  report_run_input *inputs;  /* schema 4, report_store_run_get only */
  size_t n_inputs;
  report_run_env *environments;   size_t n_environments;
  report_run_step *steps;         size_t n_steps;
  report_run_component *components; size_t n_components;
  report_run_standby *standby;    size_t n_standby;
  report_run_env_component *env_components; size_t n_env_components;
                                  /* lifetime mode, schema 3; by env then component */
} report_run;

/* Read run `run_id` back (for reports and --resume). REPORT_OK and *out, or
** REPORT_ENOTFOUND, REPORT_EIO, REPORT_ENOMEM with *out = NULL. */
int report_store_run_get(report_store *st, int64_t run_id, report_run **out,
                         report_error *err);
void report_store_run_free(report_run *run);   /* NULL is a no-op */

/* All runs, oldest first, WITHOUT dimensions (n_environments etc. are 0)
** and without scenario_text. *runs is an array of *n pointers; free with
** report_store_runs_free. An empty database gives *n = 0. */
int report_store_runs_list(report_store *st, report_run ***runs, size_t *n,
                           report_error *err);
void report_store_runs_free(report_run **runs, size_t n);

/* The id of the newest run (highest id). REPORT_ENOTFOUND when there is none. */
int report_store_latest_run(report_store *st, int64_t *run_id,
                            report_error *err);

/* One numeric column of the trials table for one environment of a run, in
** trial order: column is one of rto_s, rpo_s, recovered, first_service_s,
** full_capacity_s, retries, wallclock_s, availability, downtime_s,
** incidents, disasters, and (schema 2) disaster_incidents,
** component_incidents, downtime_component_s, downtime_disaster_s,
** downtime_failback_s, longest_outage_s, and (schema 4) affected. NULL becomes +INFINITY for rto_s
** and rpo_s, NAN otherwise (also for columns an older database lacks).
** *values is malloc'ed (free() it; NULL when *n = 0).
** REPORT_EINVAL for an unknown column. */
int report_store_trial_column(report_store *st, int64_t run_id,
                              const char *environment, const char *column,
                              double **values, size_t *n, report_error *err);

/* Several trial columns in one scan (faster than one call per column):
** values[i] receives columns[i], each array of *n values in trial order,
** same mapping as report_store_trial_column. On error every values[i] is
** NULL. k <= 16. */
int report_store_trial_columns(report_store *st, int64_t run_id,
                               const char *environment,
                               const char *const *columns, size_t k,
                               double **values, size_t *n, report_error *err);

/* The streaming form of report_store_trial_columns, for readers that must
** not hold every trial: fn receives each row's k values (values[j] is
** columns[j], same mapping) in trial order; it returns 0 to go on, nonzero
** to stop (that value is returned). k <= 16. */
typedef int (*report_values_fn)(void *ctx, const double *values);
int report_store_trial_scan(report_store *st, int64_t run_id, const char *environment,
                            const char *const *columns, size_t k, report_values_fn fn,
                            void *ctx, report_error *err);

/* One numeric column of a per-trial detail table, in trial order, NULL as
** NAN: read from the table for a run kept with detail = steps; for a run
** that did not keep its rows, re-simulated when the store has a detail
** source and report_store_run_has_detail says so; otherwise *n = 0.
** Tables and columns:
**   table "steps":          index = step_index, column start_s, end_s,
**                           attempts, failed, critical, off_hours,
**                           team_wait_s, or "duration_s" (end_s - start_s)
**   table "components":     index = component_index, column rpo_s, failover_s,
**                           down_s, downtime_caused_s, failures, incidents_caused
**   table "standby_trials": index = pool_index, column first_service_s,
**                           full_capacity_s, nodes, shortage
** REPORT_EINVAL for an unknown table or column. */
int report_store_detail_column(report_store *st, int64_t run_id,
                               const char *table, size_t index,
                               const char *column, double **values, size_t *n,
                               report_error *err);

/* Re-simulated detail. A run made without --detail steps keeps no
** per-trial step, component or pool rows: every trial is reproducible from
** (scenario, overrides, seed, trial number), so a detail source simulates
** the trials again and hands each trial's record to `visit`. The source
** lives above reports/ (study/detail.h installs one); the store only calls
** it. Up to REPORT_DETAIL_RESIM_MAX trials (the most `--detail auto` ever
** kept rows for) a run's detail is re-simulated; a larger run reads as
** without detail. */
#define REPORT_DETAIL_RESIM_MAX 100000

/* Called for trial first_trial + pos of the run, in increasing pos order;
** returns 0 to go on, nonzero to stop. */
typedef int (*report_detail_visit_fn)(void *vctx, uint64_t pos, const model_trial_view *v);

/* Simulate trials first_trial + from .. + from + count - 1 of `run` and
** visit each in order. Returns REPORT_OK, or a REPORT_* status with err
** (the run's scenario no longer loads, its trials do not reproduce the
** stored ones, interrupted, out of memory). */
typedef int (*report_detail_source_fn)(void *ctx, report_store *st, const report_run *run,
                                       uint64_t from, uint64_t count,
                                       report_detail_visit_fn visit, void *vctx,
                                       report_error *err);

/* Install (fn non-NULL) or remove the detail source of st. The store owns
** ctx: it calls free_ctx(ctx) (when not NULL) on the next call or when it
** is closed. Clears the store's cache of re-simulated columns (at most two
** columns of one run are kept). */
void report_store_set_detail_source(report_store *st, report_detail_source_fn fn, void *ctx,
                                    void (*free_ctx)(void *ctx));

/* 1 when report_store_detail_column gives run's per-trial detail: the run
** kept it (detail = steps), or the store has a detail source and the run
** did not keep it, has 1..REPORT_DETAIL_RESIM_MAX trials and was made by
** this build of drsim (another build may simulate differently); else 0. */
int report_store_run_has_detail(report_store *st, const report_run *run);

/* One value of a detail column: item `index` of the trial at position pos
** (trial first_trial + pos) of run, as report_store_detail_column would
** give it at [pos]; a re-simulated run simulates that one trial. NAN when
** the run has no detail (or no such trial). REPORT_EINVAL for an unknown
** table or column. */
int report_store_detail_at(report_store *st, const report_run *run, const char *table,
                           size_t index, uint64_t pos, const char *column, double *value,
                           report_error *err);

/* One row of the trials table as handed to report_store_trials_foreach;
** the same NULL mapping as report_store_trial_column. Strings are borrowed
** for the duration of the callback. */
typedef struct report_trial_row {
  uint64_t trial;
  const char *environment;
  double rto_s, rpo_s;
  int recovered;
  double first_service_s, full_capacity_s;
  int retries;
  double wallclock_s;
  double availability, downtime_s;   /* NAN in disaster mode */
  double incidents, disasters;       /* NAN in disaster mode */
  double disaster_incidents, component_incidents;          /* lifetime; NAN */
  double downtime_component_s, downtime_disaster_s, downtime_failback_s;
  double longest_outage_s;           /* lifetime; NAN otherwise */
  int affected;                      /* 1: the disaster touched the environment
                                        (schema 4; older runs read as 1) */
  double loss;                       /* the trial's cost in this environment
                                        (schema 9, reports/costs.h); NAN: none */
} report_trial_row;

/* Call fn for every trial row of a run: environments in scenario order, and
** within one, trials in order. fn returns 0 to go on, nonzero to stop (that
** value is returned). */
typedef int (*report_trial_fn)(void *ctx, const report_trial_row *row);
int report_store_trials_foreach(report_store *st, int64_t run_id,
                                report_trial_fn fn, void *ctx,
                                report_error *err);

/* Lifetime mode (schema 3): columns of the incidents table for one
** environment of a run, in (trial, incident) order; one row per itemised
** disaster incident (at most MODEL_OUTCOME_MAX_INCIDENTS per trial and
** environment; trials.disaster_incidents counts them all). Columns: trial,
** incident (0-based within the trial), start_s (seconds since the start of
** the horizon), rto_s, rpo_s (NULL = +INFINITY: not recovered / no copy),
** failback_s (NaN: none), failed_over, recovered. Same conventions as
** report_store_trial_columns; a database before schema 3 gives *n = 0. */
int report_store_incident_columns(report_store *st, int64_t run_id,
                                  const char *environment,
                                  const char *const *columns, size_t k,
                                  double **values, size_t *n, report_error *err);

/* One incident row as handed to report_store_incidents_foreach (strings
** borrowed for the callback). */
typedef struct report_incident_row {
  uint64_t trial;
  const char *environment;
  int incident;              /* 0-based within the trial and environment */
  const char *cause;         /* the disaster's type: region-outage, zone-outage, component */
  double start_s, rto_s, rpo_s, failback_s;
  int failed_over, recovered;
} report_incident_row;

typedef int (*report_incident_fn)(void *ctx, const report_incident_row *row);

/* Every incident row of a run: environments in scenario order, then trial
** and incident order. fn returns 0 to go on, nonzero to stop (returned).
** REPORT_ENOTFOUND without such a run; nothing before schema 3. */
int report_store_incidents_foreach(report_store *st, int64_t run_id,
                                   report_incident_fn fn, void *ctx,
                                   report_error *err);

/* The schema version of the open database (older ones opened read-only
** stay at theirs; tables and columns they lack read as empty / NULL). */
int report_store_schema_version(const report_store *st);

/* The SQLite connection, for modules that keep their own tables in the
** store's schema (reports/common_causes.c); borrowed, valid until close. */
struct sqlite3;
struct sqlite3 *report_store_sqlite(report_store *st);

/* Read everything between these two calls from one snapshot (a read
** transaction): commits of a concurrent writer (`drsim report` while
** `drsim run` is storing) are not seen, so counts and columns agree. Not
** nested; no writes on this store in between. end is a no-op without begin. */
int report_store_snapshot_begin(report_store *st, report_error *err);
void report_store_snapshot_end(report_store *st);

/* PRAGMA integrity_check: REPORT_OK when "ok", REPORT_ESCHEMA with the first
** problem in err otherwise. */
int report_store_check(report_store *st, report_error *err);

#endif
