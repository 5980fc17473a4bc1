/*
** study/explain_run.h — the simulations of `drsim explain` (prefix
** study_explain_run_): open a stored run, rebuild its scenario, simulate its
** trials again (same seed, same trial indexes) and check that they
** reproduce the stored RTO and RPO bit for bit, hand them to the analysis
** (study/explain.h), then run the counterfactuals on the same trials
** (common random numbers): with --what-if the top removable conditions one
** by one (at most STUDY_EXPLAIN_RUN_MAX_WHATIF) and all of them together,
** then each --try of the user. And the same for the sentences `drsim
** report` leads with (study_explain_run_leads): every objective of every
** environment at once, one counterfactual each. Prints nothing: each
** scenario load's diagnostics go to a callback the caller may set.
*/
#ifndef DRSIM_STUDY_EXPLAIN_RUN_H
#define DRSIM_STUDY_EXPLAIN_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "models/diag.h"
#include "models/scenario.h"
#include "reports/store.h"
#include "study/explain.h"
#include "study/status.h"

#define STUDY_EXPLAIN_RUN_MAX_WHATIF 5   /* conditions re-run by what_if, at most */

typedef struct study_explain_spec {
  const char *db_path;                 /* the results database (opened read-only) */
  int run_given;                       /* 0: the newest run */
  int64_t run_id;
  const char *env;                     /* environment name */
  study_explain_metric metric;
  size_t top;                          /* conditions considered by what_if (0: all) */
  int what_if;                         /* re-run without the top removable conditions */
  const char *const *tries;            /* the user's counterfactuals, PATH=VALUE each */
  size_t n_tries;
  const model_load_opts *load_opts;    /* --allow-path; NULL: defaults */
  unsigned threads;                    /* 0: all cores */
  volatile sig_atomic_t *stop_flag;    /* optional */
  /* called with the diagnostics of every scenario load that has some (optional) */
  void (*on_diag)(void *ctx, const model_diag *d);
  void *diag_ctx;
} study_explain_spec;

typedef struct study_explain_run study_explain_run;

/* Do it all. Returns STUDY_OK and *out (free it); STUDY_EINPUT (no such
** run or environment, trials with gaps, a scenario that does not load, a
** trial that does not reproduce, a --try without '='), STUDY_EIO (database,
** simulation, out of memory) with err, or STUDY_INTERRUPTED (err empty). */
int study_explain_run_go(const study_explain_spec *spec, study_explain_run **out,
                         study_error *err);

/* The analysis, its conditions and counterfactuals (owned by r). */
const study_explain *study_explain_run_analysis(const study_explain_run *r);
/* The stored run explained (owned by r). */
const report_run *study_explain_run_stored(const study_explain_run *r);

void study_explain_run_free(study_explain_run *r);   /* NULL is a no-op */

/* The answer `drsim report` leads with for stored run `run` of st: per
** environment and objective the run has (RTO, RPO; availability in
** lifetime mode) one sentence (study_explain_sentence): one simulation of
** the run's trials feeds every analysis, then one counterfactual per
** objective that misses (its top removable condition). Returns STUDY_OK
** with *leads (n_leads sentences; free with study_explain_run_leads_free),
** none and *note (n bytes) saying why when the run cannot be simulated
** again identically (another model version, no stored scenario, inputs
** changed, rows missing); STUDY_EIO when out of memory or a counterfactual
** fails. */
int study_explain_run_leads(report_store *st, const report_run *run, unsigned threads,
                            char ***leads, size_t *n_leads, char *note, size_t n);
void study_explain_run_leads_free(char **leads, size_t n_leads);

#endif
