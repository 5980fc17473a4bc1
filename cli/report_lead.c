/*
** cli/report_lead.c — the answer `drsim report` leads with (see
** report_lead.h).
*/
#include "cli/report_lead.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common.h"
#include "models/outcome.h"
#include "sim/runner.h"
#include "study/exec.h"
#include "study/explain.h"
#include "study/run.h"

#define LEAD_MAX 64   /* environments x objectives analysed, at most */

typedef struct lead_feed {
  study_explain *x[LEAD_MAX];
  size_t n;
  const model_scenario *sc;
  double **rto;          /* [n_environments] stored, NULL: not read */
  uint64_t first;
  int mismatch;
  long whatif;           /* < 0: feed the run to every x; else x[target] */
  size_t target;
  size_t whatif_index;
} lead_feed;

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static int observe(void *ctx, uint64_t first, size_t n, const void *records) {
  lead_feed *f = ctx;
  if (f->whatif >= 0)
    return study_explain_whatif_add(f->x[f->target], f->whatif_index, first, n, records);
  size_t size = model_outcome_size(f->sc);
  for (size_t r = 0; r < n; r++) {
    model_trial_view v = model_outcome_view(f->sc, (unsigned char *)records + r * size);
    for (size_t e = 0; e < f->sc->n_environments; e++)
      if (f->rto[e] && !same(v.env[e].rto_s, f->rto[e][first + r - f->first])) f->mismatch = 1;
  }
  if (f->mismatch) return -1;
  for (size_t i = 0; i < f->n; i++)
    if (study_explain_add(f->x[i], first, n, records) != STUDY_EXPLAIN_OK) return -1;
  return 0;
}

static int simulate(const model_scenario *sc, const report_run *run, unsigned threads,
                    lead_feed *f) {
  study_exec x;
  memset(&x, 0, sizeof x);
  x.sc = sc;
  x.seed = run->seed;
  x.first_trial = run->first_trial;
  x.n_trials = run->trials_done;
  x.threads = threads;
  x.observe = observe;
  x.observe_ctx = f;
  f->sc = f->whatif < 0 ? sc : f->sc;
  f->first = run->first_trial;
  return study_exec_go(&x);
}

int cli_report_leads(report_store *st, report_summary *s, unsigned threads) {
  const report_run *run = report_summary_run(s);
  if (run->trials_done == 0) return 0;
  model_scenario *sc = NULL;
  model_scenario *cf[LEAD_MAX] = {0};
  study_error serr;
  int rc = 0;
  lead_feed f;
  memset(&f, 0, sizeof f);
  f.whatif = -1;
  if (study_run_load_scenario(run, NULL, 0, NULL, &sc, NULL, &serr) != STUDY_OK) {
    fprintf(stderr, "drsim report: note: the report does not lead with the drivers of misses: %s\n",
            serr.text);
    return 0;
  }
  f.rto = calloc(sc->n_environments, sizeof *f.rto);
  if (!f.rto) { rc = -1; goto done; }
  for (size_t e = 0; e < sc->n_environments; e++) {
    for (int m = STUDY_EXPLAIN_RTO; m <= STUDY_EXPLAIN_AVAILABILITY && f.n < LEAD_MAX; m++) {
      char msg[256];
      study_explain *x = NULL;
      int xr = study_explain_new(sc, sc->environments[e].name, (study_explain_metric)m,
                                 run->first_trial, run->trials_done, &x, msg, sizeof msg);
      if (xr == STUDY_EXPLAIN_ENOMEM) { rc = -1; goto done; }
      if (xr != STUDY_EXPLAIN_OK) continue;   /* no such objective */
      f.x[f.n++] = x;
      if (!f.rto[e]) {
        report_error err;
        const char *col = "rto_s";
        size_t n = 0;
        if (report_store_trial_columns(st, run->id, sc->environments[e].name, &col, 1, &f.rto[e],
                                       &n, &err) != REPORT_OK || n != run->trials_done) {
          fprintf(stderr, "drsim report: note: the report does not lead with the drivers of "
                  "misses: %s\n", n != run->trials_done ? "stored rows missing" : err.text);
          goto done;
        }
      }
    }
  }
  if (f.n == 0) goto done;
  int rr = simulate(sc, run, threads, &f);
  if (f.mismatch || rr != SIM_RUNNER_OK) {
    fprintf(stderr, "drsim report: note: the report does not lead with the drivers of misses: %s\n",
            f.mismatch ? "the run's trials do not reproduce with this build of drsim"
                       : sim_runner_strerror(rr));
    goto done;
  }
  for (size_t i = 0; i < f.n; i++)
    if (study_explain_finish(f.x[i]) != STUDY_EXPLAIN_OK) { rc = -1; goto done; }
  /* One counterfactual per objective that misses: its top removable condition. */
  for (size_t i = 0; i < f.n; i++) {
    study_explain *x = f.x[i];
    if (study_explain_missed(x) == 0 || study_explain_missed(x) == study_explain_trials(x)) continue;
    const study_explain_condition *k = NULL;
    for (size_t j = 0; j < study_explain_count(x) && !k; j++) {
      const study_explain_condition *c = study_explain_get(x, j);
      if (c->n_overrides && c->contribution > 0) k = c;
    }
    if (!k) continue;
    if (study_run_load_scenario(run, k->overrides, k->n_overrides, NULL, &cf[i], NULL, &serr) !=
        STUDY_OK)
      continue;
    char label[512];
    snprintf(label, sizeof label, "without: %s", k->name);
    size_t wi;
    if (study_explain_whatif_begin(x, cf[i], label, k->overrides, k->n_overrides, &wi) !=
        STUDY_EXPLAIN_OK) { rc = -1; goto done; }
    lead_feed g = f;
    g.whatif = 0;
    g.target = i;
    g.whatif_index = wi;
    g.sc = cf[i];
    if (simulate(cf[i], run, threads, &g) != SIM_RUNNER_OK ||
        study_explain_whatif_finish(x, wi) != STUDY_EXPLAIN_OK) { rc = -1; goto done; }
  }
  for (size_t i = 0; i < f.n; i++) {
    if (study_explain_trials(f.x[i]) == 0) continue;   /* never affected */
    char buf[2048];
    if (report_summary_add_lead(s, study_explain_sentence(f.x[i], buf, sizeof buf)) != REPORT_OK) {
      rc = -1;
      goto done;
    }
  }
done:
  for (size_t i = 0; i < f.n; i++) study_explain_free(f.x[i]);
  for (size_t i = 0; i < LEAD_MAX; i++) model_scenario_free(cf[i]);
  if (f.rto)
    for (size_t e = 0; e < sc->n_environments; e++) free(f.rto[e]);
  free(f.rto);
  model_scenario_free(sc);
  return rc;
}
