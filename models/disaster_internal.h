/*
** models/disaster_internal.h — private to disaster mode (models/disaster_sim.c
** and models/disaster_events.c); callers use models/disaster_sim.h.
**
** The simulation object, its per-trial state, and the functions the two
** files share: disaster_sim.c builds the object (graphs, scope) and runs a
** trial (its setup and record); disaster_events.c holds the event handlers
** (detection, steps and their attempts, failovers, the primary's return),
** the RPO draws and the generators.
*/
#ifndef DRSIM_MODELS_DISASTER_INTERNAL_H
#define DRSIM_MODELS_DISASTER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/calendar.h"
#include "models/common_cause.h"
#include "models/disaster_sim.h"
#include "models/scenario.h"
#include "models/team.h"
#include "sim/sim.h"

#define DS_MAX_BACKUPS 1000000u

/* Compressed adjacency lists: items of node i are idx[off[i] .. off[i+1]). */
typedef struct ds_csr {
  size_t *off;
  size_t *idx;
} ds_csr;

/* What released a step or component last (its binding predecessor). */
enum { CAUSE_NONE = 0, CAUSE_DETECTION, CAUSE_STEP, CAUSE_COMPONENT, CAUSE_OWN };

enum { ST_IDLE = 0, ST_RUNNING, ST_RETRY_WAIT, ST_DONE, ST_FAILED };

typedef struct ds_comp {
  double usable;            /* NAN until usable */
  double promoted;          /* AUTO failover done (a secondary promoted); NAN before */
  int32_t pending;          /* own failover (0/1) + dependencies not usable */
  int32_t own_pending;      /* 1 while its own failover is outstanding */
  int32_t cause;            /* CAUSE_OWN or CAUSE_COMPONENT */
  int32_t cause_idx;        /* the dependency that released it last */
} ds_comp;

typedef struct ds_step {
  double start, end;        /* first attempt start, success time */
  double att_start;         /* current attempt */
  double att_first, att_full; /* standby: relative to att_start */
  int32_t pending;          /* detection + needs not yet met */
  int32_t attempts;
  int32_t state;
  int32_t att_fails;        /* current attempt ends in failure */
  int32_t att_timeout;      /* ... because of the timeout */
  int32_t persist;          /* a failed attempt's cause persisted: every later attempt fails */
  int32_t escalated;        /* attempts exhausted; the manual fix (escalation) runs */
  int32_t off_hours;
  int32_t cause, cause_idx;
  int32_t critical;
  int32_t holds;            /* holds a member of its team */
  int32_t wait_traced;      /* the trace said it waits for its team */
  double asked;             /* when it asked for a team member; NAN: never */
  double team_wait;         /* asked -> granted; NAN until granted */
} ds_step;

typedef struct ds_env {
  double end;               /* workflow completion; NAN while running */
  double restored;          /* every step that is not after_restore done; NAN before */
  double detected;          /* detection done; NAN before */
  int32_t n_done;
  int32_t n_core_done;      /* of the steps that are not after_restore */
  int32_t last_core;        /* global index of the core step completed last, -1 */
  int32_t failed_step;      /* global index of a failed step, -1 */
  int32_t last_step;        /* global index of the step completed last */
  int32_t retries;
} ds_env;

typedef struct ds_pool {
  double first, full;
  int32_t nodes;
  int32_t shortage;
} ds_pool;

struct model_disaster_sim {
  const model_scenario *sc;
  sim_ctx *sim;
  size_t nc, np, nst, nw, ne;

  /* one generator per entity: components, pools, steps, detections, then
  ** the disaster and the on-call clock */
  gsl_rng **rng;
  uint64_t *rng_stream;
  uint64_t *rng_stamp;      /* == gen when seeded for the current trial */
  size_t n_rng, rng_pool0, rng_step0, rng_det0, rng_disaster, rng_oncall;
  uint64_t gen, run_seed, trial;

  /* scenario-derived, fixed */
  const model_step **step;  /* [nst] by global index */
  int *step_wf;             /* [nst] workflow index */
  int *env_wf;              /* [ne] workflow index or -1 */
  unsigned char *comp_affected; /* [nc] */
  unsigned char *env_affected;  /* [ne] */
  const char **comp_target; /* [nc] region name it fails over to */
  int *comp_target_r;       /* [nc] region index it fails over to, -1: none */
  unsigned char *comp_stranded; /* [nc] affected, and its target region is lost too */
  unsigned char *step_skip; /* [nst] if_lost names nothing the disaster takes */
  unsigned char *step_pool_lost; /* [nst] standby step whose pool's region is lost */
  int32_t *step_pending0;   /* [nst] detection + needs to wait for */
  int32_t *wf_core;         /* [nw] steps that are not after_restore */
  int *pool_warm;           /* [np] warm nodes left after the disaster (zones) */
  ds_csr comp_dependents;   /* component -> components depending on it */
  ds_csr comp_waiters;      /* component -> steps whose needs name it */
  ds_csr step_dependents;   /* step -> steps whose needs name it */
  ds_csr step_failovers;    /* step -> components failing over BY_STEP on it */
  int cyclic;               /* depends_on has a cycle: broken invariant */
  model_team_pool *teams;   /* NULL when the scenario has no teams */
  uint64_t *step_order;     /* [nst] team tie order: environment, then step */

  model_cc *cc;              /* common causes: drawn per trial, their effects */
  uint64_t causes;           /* this trial's: bit i = common cause i occurred */

  /* per trial */
  ds_comp *cs;
  ds_step *ss;
  ds_env *es;
  ds_pool *ps;
  size_t *stack;            /* [nc] worklist of newly usable components */
  double *node_t;           /* [max nodes] completion times of an attempt */
  double *slots;            /* [max nodes] heap of provisioning slot free times */
  double W, D;
  int has_D;
  int back;                 /* the primary returned: nothing more happens */
  int error;

  model_trace_fn trace;
  void *trace_ctx;
  char line[768];
  char dur[2][48];
};

/* ---- shared by disaster_sim.c and disaster_events.c ---------------------- */

/* Entity i's generator, seeded for this trial on first use. */
gsl_rng *ds_rng(model_disaster_sim *s, size_t i);

/* x formatted as a duration into one of two buffers (slot 0 or 1). */
const char *ds_dur(model_disaster_sim *s, int slot, double x);

/* A trace line at time t (no-op without a trace callback). */
void ds_tracef(model_disaster_sim *s, double t, const char *fmt, ...);

/* Schedule fn(arg) at t; a failure marks the trial in error. */
void ds_schedule(model_disaster_sim *s, double t, sim_handler fn, uint64_t arg);

/* The wall clock (UTC seconds) at simulated time t. */
double ds_wall(const model_disaster_sim *s, double t);

/* Component c's RPO draw (replication mode, lag, backups). */
double ds_rpo(model_disaster_sim *s, size_t c);

/* Component c lost one pending condition: its own failover (CAUSE_OWN) or
** the start token of the trial (CAUSE_NONE). Propagates usability through the
** dependents with an explicit worklist (no recursion depth limit). */
void ds_release_comp(model_disaster_sim *s, size_t c, int cause);

/* Event: component c's own failover is done. */
void ds_ev_comp_ready(sim_ctx *sim, void *ctx, uint64_t c);

/* Event: workflow w's environment has detected the disaster. */
void ds_ev_detect(sim_ctx *sim, void *ctx, uint64_t w);

/* The primary is back (t = D): service is restored where the workflow has
** not restored it yet, and nothing more happens (the remaining steps stop). */
void ds_ev_primary(sim_ctx *sim, void *ctx, uint64_t arg);

#endif
