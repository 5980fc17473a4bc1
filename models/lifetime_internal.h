/*
** models/lifetime_internal.h — private to lifetime mode (models/lifetime_sim.c
** and models/lifetime_events.c); callers use models/lifetime_sim.h.
**
** The simulation object, its per-trial state, and the functions the two
** files share: lifetime_sim.c builds the object (pairs, groups, scope) and
** runs a trial (the sweep on the kernel, the record); lifetime_events.c
** holds what happens at an instant (a component's transition, an incident
** boundary, the causes and episodes of the environments), the disaster
** arrivals and incidents, and the buffered trace.
*/
#ifndef DRSIM_MODELS_LIFETIME_INTERNAL_H
#define DRSIM_MODELS_LIFETIME_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/disaster_sim.h"
#include "models/lifetime_sim.h"
#include "models/scenario.h"
#include "sim/sim.h"

/* Causes of an environment's downtime (for episode classification). */
enum { CAUSE_COMPONENT = 0, CAUSE_DISASTER, CAUSE_FAILBACK };

/* Incident boundaries, per environment. */
enum { EV_INC_START = 0, EV_OVR_START, EV_INC_END, EV_FB_START, EV_FB_END, EV_OVR_END };

typedef struct lt_event {
  double t;
  uint32_t seq;             /* insertion order: ties fire in it */
  int32_t kind;
  int32_t env;
} lt_event;

typedef struct lt_comp {
  double next;              /* time of the next transition */
  double down_since;
  double down_s;            /* own down time so far */
  int32_t down;
  int32_t failures;
} lt_comp;

typedef struct lt_env {
  double S;                 /* integral of 1/n over down time, up to t_last */
  double t_last;
  double downtime;
  double ep_start;          /* current / last episode start */
  double ep_end;            /* last episode's tentative end; NAN while open */
  double inc_S0, fb_S0;     /* S when the incident / failback cause began */
  double by_comp, by_disaster, by_failback;
  double longest;
  double busy_until;        /* back on the primary after its last incident */
  double rto, rpo;          /* worst incident */
  int32_t n;                /* active causes */
  int32_t inc_active, fb_active;
  int32_t override;         /* scope components disregarded */
  int32_t ep_kind;          /* cause that began the episode */
  int32_t ep_comp;          /* component that began it, or -1 */
  int32_t ep_any;           /* an episode began (open or tentatively closed) */
  int32_t incidents, component_incidents, disasters, disaster_incidents;
  int32_t recovered;
  uint64_t fb_stamp;        /* == gen when the failback stream is seeded */
} lt_env;

/* A buffered trace line: text at arena[off]. */
typedef struct lt_line {
  double t;
  size_t seq, off;
} lt_line;

struct model_lifetime_sim {
  const model_scenario *sc;
  model_disaster_sim *ds;
  void *scratch;            /* one disaster-mode record */
  size_t rec_size;
  double H;
  size_t nc, ne, nf;
  model_lifetime_condition condition;

  /* fixed, from the scenario */
  size_t *fcomp;            /* [nf] component index of failing component i */
  unsigned char *scope;     /* [nc] in the disaster's scope */
  unsigned char *env_hit;   /* [ne] affected by the disaster */
  size_t *pair_off;         /* [nf+1] pairs of failing component i */
  size_t *pair_env;         /* [n_pairs] environment needing it */
  size_t *pair_comp;        /* [n_pairs] failing component index i */
  size_t *scope_off;        /* [ne+1] pairs of env e whose component is in scope */
  size_t *scope_pair;       /* pair indexes */
  int32_t *pair_grp;        /* [n_pairs] redundancy-group instance of the pair, or -1 */
  size_t ngi;               /* instances: (group, environment needing >= 2 of its members) */
  size_t *gi_off;           /* [ngi+1] pairs of instance g (its failing members) */
  size_t *gi_pair;          /* pair indexes */
  int32_t *gi_m;            /* [ngi] members the environment needs (failing or not) */
  uint64_t *fb_stream;      /* [ne] */

  /* generators */
  gsl_rng **rng;            /* [nf] per failing component */
  gsl_rng **fb_rng;         /* [ne] failback */
  gsl_rng *arr_rng, *tmp_rng;
  uint64_t gen;

  /* per trial */
  lt_comp *cs;              /* [nf] */
  lt_env *es;               /* [ne] */
  double *S0;               /* [n_pairs] S of the env when the pair's cause began */
  double *pair_caused;      /* [n_pairs] downtime of the pair's env caused by its component */
  unsigned char *pair_active; /* [n_pairs] the pair's cause is active */
  int32_t *gi_k;            /* [ngi] members down that count */
  double *caused;           /* [nf] */
  int32_t *caused_inc;      /* [nf] */
  sim_ctx *sim;              /* the sweep's events */
  lt_event *ev;             /* incident boundaries, sorted by (t, seq) */
  size_t n_ev, cap_ev, next_ev;
  double last;              /* time of the last event */
  uint64_t stuck, stuck_max;/* events in a row at that time, and the bound */
  double *arrivals;
  size_t n_arr, cap_arr;
  int first_copied;
  int error;

  /* trace */
  model_trace_fn trace;
  void *trace_ctx;
  lt_line *lines;
  size_t n_lines, cap_lines;
  char *arena;
  size_t arena_n, arena_cap;
  char buf[1024];
  char dur[2][48];
};

/* ---- shared by lifetime_sim.c and lifetime_events.c ---------------------- */

/* Emit the buffered trace lines in time order (ties in the order made). */
void lt_trace_flush(model_lifetime_sim *s);

/* Bring env e's integrals up to `now` (before n changes). */
void lt_advance(lt_env *v, double now);

/* The last episode of env e is over for good: count it (when it lasted) and
** trace it. */
void lt_close_episode(model_lifetime_sim *s, size_t e, int at_horizon);

/* A cause of v's downtime ends at now (the caller advanced). */
void lt_cause_off(lt_env *v, double now);

/* Pair p's cause (component i down) ends at now in env e: its share. */
void lt_pair_off(model_lifetime_sim *s, size_t p, size_t i, size_t e, double now);

/* Failing component i changes state at `now`. */
void lt_comp_event(model_lifetime_sim *s, size_t i, double now);

/* qsort order of incident boundaries: (time, seq). */
int lt_event_cmp(const void *a, const void *b);

/* Draw this trial's disaster arrivals into s->arrivals (per the condition).
** Returns -1 when out of memory. */
int lt_arrivals(model_lifetime_sim *s, uint64_t run_seed, uint64_t trial);

int lt_incident(model_lifetime_sim *s, uint64_t run_seed, uint64_t trial, size_t k,
                       void *record);

/* Incident boundary `kind` of env e at now. */
void lt_env_event(model_lifetime_sim *s, size_t e, int kind, double now);

#endif
