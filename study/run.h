/*
** study/run.h — the lifecycle of one stored run, the same for `drsim run`,
** a shard of it, and `drsim run --resume`: plan the trial range (seed,
** shard K/N, detail), begin the run in the store (or claim a stored
** interrupted one and rebuild its scenario exactly), execute the trials
** (threads, MPI ranks: study/exec.h), and record how it ended (complete,
** interrupted and resumable, or failed).
**
** A run without a store (`run --no-store`) goes through the same steps;
** nothing is written. Nothing here prints: failures come back as a
** study_status with a sentence in a study_error.
*/
#ifndef DRSIM_STUDY_RUN_H
#define DRSIM_STUDY_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "models/diag.h"
#include "models/scenario.h"
#include "reports/store.h"
#include "study/status.h"

typedef struct study_run study_run;

/* A new run of a scenario loaded from `text` with `overrides`. */
typedef struct study_run_spec {
  const model_scenario *sc;          /* borrowed; loaded from text + overrides */
  const char *text;                  /* the scenario as read (stored for --resume) */
  const char *const *overrides;      /* --set PATH=VALUE (stored with the run) */
  size_t n_overrides;
  const char *scenario_dir;          /* where its `file:` names resolve (stored); NULL: none */
  int seed_given;                    /* 0: the scenario's seed */
  uint64_t seed;
  int trials_given;                  /* 0: the scenario's trials */
  uint64_t trials;
  uint64_t shard_k, shard_n;         /* run only slice K of N (1 <= K <= N; 0/0: all) */
  const char *detail;                /* "auto" | "summary" | "steps"; NULL: auto */
  int summary_only;                  /* 1: store summary rows whatever detail (--no-store
                                        checking objectives on a temporary database) */
  unsigned threads;                  /* as requested, recorded with the run (0: all cores) */
  int64_t sweep_id;                  /* a point of a study: its sweep id (0: none) */
  int64_t point;                     /* and point index (< 0: none; with sweep_id 0 and
                                        point 0, a plain run: none) */
} study_run_spec;

/* Plan a new run: the seed, the trial range of the shard, the detail.
** Checks everything before any file is created (a run refused for bad
** input leaves no database behind). Returns STUDY_OK and *out (spec and
** what it points to must outlive it), or STUDY_EINPUT (an override with a
** line break, an empty shard) / STUDY_EIO with err. */
int study_run_new(const study_run_spec *spec, study_run **out, study_error *err);

/* Begin a planned new run in st (NULL: the run is not stored; nothing to
** do). Returns STUDY_OK, or STUDY_EINPUT (the store refuses the run's
** values) / STUDY_EIO with err. */
int study_run_begin(study_run *r, report_store *st, study_error *err);

/* Continue stored run run_id of st (found and claimed by the caller: a
** study's point, study/point.h) from trial `first` to the spec's trial
** count (which may leave nothing to do). Returns STUDY_OK and *out, or
** STUDY_EIO with err. */
int study_run_continue(const study_run_spec *spec, report_store *st, int64_t run_id,
                       uint64_t first, study_run **out, study_error *err);

/* Claim stored run run_id of st to continue it: it must be resumable (not
** complete, same drsim build, scenario text stored, no gaps), and its
** scenario rebuilt from the stored text, overrides and pinned input files
** (base_dir and allow paths from opts; NULL: defaults) must hash as before.
** Returns STUDY_OK and *out, or STUDY_EINPUT (no such run, not resumable,
** the scenario no longer loads or changed) / STUDY_EIO with err; when the
** stored scenario no longer loads, *load_diag (if not NULL) receives its
** diagnostics (the caller frees it), else NULL. A refused run is given
** back as it was. */
int study_run_resume(report_store *st, int64_t run_id, const model_load_opts *opts,
                     study_run **out, model_diag **load_diag, study_error *err);

/* Rebuild a stored run's scenario: its text, its overrides then extra[0..
** n_extra) (a counterfactual of `drsim explain`), its input files as
** pinned with the run (stored copies; one too large to store from the
** run's folder, checked by SHA-256); base_dir and allow paths from opts
** (NULL: defaults). Without extra overrides it must hash as the run's
** scenario. Returns STUDY_OK and *out (free it), or STUDY_EINPUT (no
** stored text, does not load — *load_diag, if not NULL, then receives the
** diagnostics, else NULL —, an input file changed, another hash) or
** STUDY_EIO (out of memory) with err. */
int study_run_load_scenario(const report_run *old, const char *const *extra, size_t n_extra,
                            const model_load_opts *opts, model_scenario **out,
                            model_diag **load_diag, study_error *err);

/* How to execute (all optional). */
typedef struct study_run_exec_opts {
  unsigned threads;                          /* 0: all cores */
  volatile sig_atomic_t *stop_flag;          /* raised: stop, keep finished trials */
  void (*progress)(void *ctx, uint64_t done, uint64_t total, double elapsed_s);
  void *progress_ctx;
  int (*observe)(void *ctx, uint64_t first, size_t n, const void *records);
  void *observe_ctx;
} study_run_exec_opts;

/* Execute the run's trials and record its final status in the store.
** Returns STUDY_OK (all trials done), STUDY_INTERRUPTED (stop_flag raised,
** or the store failed: a prefix is kept and the run is resumable) or
** STUDY_EIO (the simulation or store failed; err says what and how many
** trials are kept). When the final status itself could not be recorded,
** study_run_finish_error() says why and the result is otherwise
** unchanged. */
int study_run_execute(study_run *r, const study_run_exec_opts *o, study_error *err);

/* The run's scenario (owned by the run when resumed, else the spec's). */
const model_scenario *study_run_scenario(const study_run *r);
int64_t study_run_id(const study_run *r);               /* 0 without a store */
uint64_t study_run_seed(const study_run *r);
uint64_t study_run_first_trial(const study_run *r);
uint64_t study_run_trials(const study_run *r);          /* to execute */
uint64_t study_run_delivered(const study_run *r);       /* executed and stored */
double study_run_elapsed(const study_run *r);           /* seconds of execution */
int study_run_interrupted(const study_run *r);          /* final status 'interrupted' */
const char *study_run_finish_error(const study_run *r); /* NULL: recorded */

/* Release. A resumed run that was claimed but never executed is given
** back with its former status. NULL is a no-op. */
void study_run_free(study_run *r);

/* A shard "K/N" with 1 <= K <= N <= 1000000. Returns 0, or -1. */
int study_run_parse_shard(const char *s, uint64_t *k, uint64_t *n);

/* Create an empty file for a temporary database in $TMPDIR (else /tmp),
** its path in buf. Returns STUDY_OK, or STUDY_EIO with err. */
int study_run_temp_db(char *buf, size_t n, study_error *err);

/* Remove a database and the journal files SQLite keeps next to it. */
void study_run_remove_db(const char *path);

#endif
