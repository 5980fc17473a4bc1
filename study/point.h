/*
** study/point.h — one evaluation point of a study (a sweep's grid point, a
** sizing candidate, a sensitivity end, an epistemic draw, a serve request):
** load the scenario from the input's text with the user's --set overrides
** plus the point's, run it (study/run.h: optionally stored as a run tagged
** with its sweep id and point), and collect the target metric per trial in
** memory.
**
** Common random numbers: every point is run with the same seed and trial
** indexes, and the models draw from one stream per entity (sim/rng.h), so a
** point differs from another only through the varied parameter's effect.
*/
#ifndef DRSIM_STUDY_POINT_H
#define DRSIM_STUDY_POINT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "models/diag.h"
#include "models/scenario.h"
#include "reports/store.h"
#include "study/status.h"
#include "study/target.h"

typedef struct study_point {
  /* in */
  const char *cmd;                  /* the study's name for messages: "sweep" */
  const char *scenario_path;        /* names the scenario in messages */
  const char *scenario_text;        /* the scenario as read once (study/input.h): loaded
                                       and stored with the run (for --resume); NULL:
                                       read scenario_path (tests) */
  const model_load_opts *load_opts; /* --allow-path, pinned input files; NULL: defaults */
  const char *const *overrides;     /* the user's --set, then the point's */
  size_t n_overrides;
  int seed_given;                   /* 0: the scenario's seed */
  uint64_t seed;
  int trials_given;                 /* 0: the scenario's trials */
  uint64_t trials;
  unsigned threads;                 /* 0: all cores */
  report_store *store;              /* NULL: not stored */
  int64_t sweep_id;                 /* stored with the run (0: none) */
  int64_t point;                    /* point index (< 0: none) */
  const char *detail;               /* "auto" | "summary" | "steps" as in `run` */
  const study_target *collect;      /* NULL: collect nothing in memory */
  int collect_rto;                  /* with collect: also the RTO of its environment */
  volatile sig_atomic_t *stop_flag; /* optional */
  /* optional progress callback (study/exec.h) */
  void (*progress)(void *ctx, uint64_t done, uint64_t total, double elapsed_s);
  void *progress_ctx;
  int resume;                       /* --resume: continue the stored run of this sweep
                                       and point (complete: only read back) */
  model_diag *diag;                 /* the scenario's load diagnostics go here (NULL:
                                       to failed_diag when it does not load) */
  /* Called with every chunk of trial records, in trial order, after the
  ** store got it (sc is the point's scenario); non-zero stops the run as a
  ** failure. */
  int (*observe)(void *ctx, const model_scenario *sc, uint64_t first, size_t n,
                 const void *records);
  void *observe_ctx;
  /* out */
  model_scenario *sc;               /* the point's scenario (owned) */
  int64_t run_id;                   /* 0 when not stored */
  uint64_t seed_used, trials_used;
  double *values;                   /* collect: one value per trial, in trial order */
  double *rto_values;               /* collect_rto: the environment's RTO per trial */
  size_t n_values;                  /* trials in values (and rto_values) */
  double elapsed_s;                 /* simulation wall time */
  model_diag *failed_diag;          /* diag NULL and the scenario did not load: why
                                       (owned; freed by study_point_clear) */
} study_point;

/* Evaluate one point. Returns STUDY_OK; STUDY_EINPUT when the scenario
** with these overrides does not load (diagnostics in p->diag, err->text
** empty), or when collect is set and it is not a disaster-mode scenario;
** STUDY_EIO on a store or simulation failure; STUDY_INTERRUPTED when
** stop_flag was raised (the stored run is marked interrupted; err->text
** empty unless its status could not be recorded). The run is marked
** complete / interrupted / failed in the store before returning. With
** resume, a stored run of the same sweep and point is continued instead of
** starting a new one (it must have been run with the same scenario,
** values, seed and trials, else STUDY_EINPUT; a live one is STUDY_EIO),
** and its stored trials are read back into values. Release the outputs
** with study_point_clear (also after an error). */
int study_point_run(study_point *p, study_error *err);
void study_point_clear(study_point *p);

/* A new sweep id for st: one more than the largest stored (1 for none).
** Two sweeps started at the same instant on one database could get the same
** id; their runs stay distinct (run ids), only the grouping would merge.
** Returns REPORT_OK or a store status with err filled. */
int study_point_next_sweep_id(report_store *st, int64_t *id, report_error *err);

/* For a study that stores its evaluations as one sweep: open db_path
** read-write and pick a new sweep id. Returns STUDY_OK with *store (close
** it), or STUDY_EIO with err. */
int study_point_open_store(const char *db_path, report_store **store, int64_t *sweep_id,
                           study_error *err);

/* For --resume SWEEP_ID: open an existing db_path read-write and check that
** it holds runs of sweep_id. Returns STUDY_OK with *store, or STUDY_EINPUT
** (no such sweep) / STUDY_EIO with err. */
int study_point_open_existing(const char *db_path, int64_t sweep_id, report_store **store,
                              study_error *err);

#endif
