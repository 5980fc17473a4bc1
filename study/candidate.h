/*
** study/candidate.h — one candidate of `drsim optimize` (prefix
** study_candidate_): the scenario with the user's --set overrides and the
** candidate's options, run as a stored point of the optimisation's sweep
** (study/point.h, every candidate with the same seed: common random
** numbers), its per-trial loss (models/costs.h) and each constraint's
** check (study/constraint.h). study_candidate_eval is the evaluation
** callback of study_opt_run (study/optimize.h). Prints nothing: a
** per-run callback and the progress callback are the caller's.
*/
#ifndef DRSIM_STUDY_CANDIDATE_H
#define DRSIM_STUDY_CANDIDATE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "models/diag.h"
#include "models/scenario.h"
#include "reports/store.h"
#include "study/constraint.h"
#include "study/optimize.h"
#include "study/status.h"

#define STUDY_CANDIDATE_MAX_CONSTRAINTS 16

typedef struct study_candidate_ctx {
  /* in */
  const char *scenario_path;        /* names the scenario in messages */
  const char *scenario_text;        /* read once (study/input.h) */
  const model_load_opts *load_opts;
  const char *const *sets;          /* the user's --set, before the candidate's */
  size_t n_sets;
  const study_opt_decision *dec;
  size_t n_dec;
  const study_constraint *cons;
  size_t n_cons;                    /* at most STUDY_CANDIDATE_MAX_CONSTRAINTS */
  int seed_given;
  uint64_t seed;
  unsigned threads;                 /* 0: all cores */
  report_store *store;
  int64_t sweep_id;
  volatile sig_atomic_t *stop_flag; /* optional */
  void (*progress)(void *ctx, uint64_t done, uint64_t total, double elapsed_s);
  void *progress_ctx;
  /* called after each stored run (optional) */
  void (*on_run)(void *ctx, int64_t run_id, uint64_t trials);
  void *on_run_ctx;
  /* out: why the last evaluation failed */
  int status;                       /* STUDY_OK, or the failure's study_status */
  study_error err;                  /* its sentence (empty when diagnostics say it all) */
  model_diag *failed_diag;          /* the candidate's scenario did not load: why (owned) */
  /* private */
  double *metric[STUDY_CANDIDATE_MAX_CONSTRAINTS];
  double *losses;
  uint64_t n_alloc;
} study_candidate_ctx;

/* study_opt_eval_fn over a study_candidate_ctx: evaluate the candidate
** `choice` with `trials` trials as point `point`. Returns 0, or 1 with
** ctx->status, ctx->err and ctx->failed_diag saying why (study_opt_run then
** stops and returns 1). */
int study_candidate_eval(void *ctx, const size_t *choice, uint64_t trials, int64_t point,
                         study_opt_eval *out);

/* Release what the evaluations left in ctx (buffers, failed_diag). */
void study_candidate_clear(study_candidate_ctx *ctx);

#endif
