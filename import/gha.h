/*
** import/gha.h — a GitHub Actions failover workflow (the YAML file under
** .github/workflows/) as a drsim workflow: each job becomes a step named by
** its job id, `needs` become needs, a job bound to a GitHub `environment:`
** becomes a manual approval step, `timeout-minutes` becomes `timeout`, retry
** actions and `continue-on-error` become failure handling. The file holds no
** timing data, so every duration is an assumption marked as such.
*/
#ifndef DRSIM_IMPORT_GHA_H
#define DRSIM_IMPORT_GHA_H

#include <stddef.h>
#include <stdio.h>
#include "import/draft.h"
#include "models/diag.h"

typedef struct import_gha_options {
  const char *environment;          /* drsim environment the workflow recovers (required) */
  const char *const *no_gate;       /* GitHub environments without required reviewers */
  size_t n_no_gate;
  const char *const *standby;       /* "JOB=POOL": the job brings standby pool POOL up */
  size_t n_standby;
} import_gha_options;

/* Parse the workflow `text` (len bytes; `file` names it in messages) and
** add it to `draft` as the workflow of opts->environment (which it also
** adds as an environment). Notes for the user (gates assumed, constructs
** not modelled) go to `notes` when it is not NULL. Returns 0, or -1 with
** every problem in diag as file:line:col (not YAML, no jobs, a need naming
** no job, a job that is not a map, a --standby JOB=POOL naming no job).
** A job given a pool becomes `standby: POOL` (its time is the pool's
** provisioning; the pool must exist in the scenario the draft joins). */
int import_gha(const char *text, size_t len, const char *file,
               const import_gha_options *opts, import_draft *draft,
               FILE *notes, model_diag *diag);

#endif
