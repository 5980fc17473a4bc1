/*
** study/detail.c — the store's detail source: a run's trials simulated
** again on demand (see study/detail.h).
*/
#include "study/detail.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/outcome.h"
#include "sim/runner.h"
#include "study/run.h"
#include "study/trials.h"

typedef struct study_detail {
  unsigned threads;
  model_load_opts opts;
  int has_opts;
  /* The scenario of the run last asked about, and its stored RTOs. */
  int64_t run_id;
  model_scenario *sc;
  double **rto;           /* [n_environments][trials], as stored */
  size_t n_env;
  uint64_t trials;
} study_detail;

static void forget(study_detail *d)
{
  for (size_t e = 0; e < d->n_env; e++) free(d->rto[e]);
  free(d->rto);
  d->rto = NULL;
  d->n_env = 0;
  model_scenario_free(d->sc);
  d->sc = NULL;
  d->run_id = 0;
}

static void detail_free(void *p)
{
  study_detail *d = p;
  if (!d) return;
  forget(d);
  free(d);
}

/* Load run's scenario and its stored RTOs once per run. */
static int prepare(study_detail *d, report_store *st, const report_run *run, report_error *err)
{
  if (d->sc && d->run_id == run->id && d->trials == run->trials_done) return REPORT_OK;
  forget(d);
  study_error serr;
  if (study_run_load_scenario(run, NULL, 0, d->has_opts ? &d->opts : NULL, &d->sc, NULL,
                              &serr) != STUDY_OK) {
    d->sc = NULL;
    snprintf(err->text, sizeof err->text, "run %lld: its per-trial detail cannot be "
             "simulated again: %.400s", (long long)run->id, serr.text);
    return REPORT_EINVAL;
  }
  d->n_env = run->n_environments;
  d->rto = calloc(d->n_env ? d->n_env : 1, sizeof *d->rto);
  if (!d->rto) {
    forget(d);
    snprintf(err->text, sizeof err->text, "out of memory");
    return REPORT_ENOMEM;
  }
  for (size_t e = 0; e < d->n_env; e++) {
    size_t n = 0;
    int rc = report_store_trial_column(st, run->id, run->environments[e].name, "rto_s",
                                       &d->rto[e], &n, err);
    if (rc == REPORT_OK && n != run->trials_done) {
      snprintf(err->text, sizeof err->text, "run %lld: %zu stored trials of %s, "
               "expected %llu", (long long)run->id, n, run->environments[e].name,
               (unsigned long long)run->trials_done);
      rc = REPORT_EINVAL;
    }
    if (rc != REPORT_OK) {
      forget(d);
      return rc;
    }
  }
  d->run_id = run->id;
  d->trials = run->trials_done;
  return REPORT_OK;
}

typedef struct feed {
  study_detail *d;
  const report_run *run;
  report_detail_visit_fn visit;
  void *vctx;
  uint64_t mismatch;        /* 1 + the first trial that did not reproduce */
  double want, got;
  int stopped;
} feed;

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static int sink(void *p, uint64_t first, size_t n, const void *records)
{
  feed *f = p;
  const model_scenario *sc = f->d->sc;
  size_t size = model_outcome_size(sc);
  for (size_t r = 0; r < n; r++) {
    model_trial_view v = model_outcome_view(sc, (unsigned char *)(uintptr_t)records + r * size);
    uint64_t pos = first + r - f->run->first_trial;
    /* The store keeps an infinite RTO as NULL, read back as +inf. */
    for (size_t e = 0; e < f->d->n_env && e < sc->n_environments; e++)
      if (!same(v.env[e].rto_s, f->d->rto[e][pos])) {
        f->mismatch = first + r + 1;
        f->want = f->d->rto[e][pos];
        f->got = v.env[e].rto_s;
        return 1;
      }
    if (f->visit(f->vctx, pos, &v)) {
      f->stopped = 1;
      return 1;
    }
  }
  return 0;
}

static int source(void *ctx, report_store *st, const report_run *run, uint64_t from,
                  uint64_t count, report_detail_visit_fn visit, void *vctx, report_error *err)
{
  study_detail *d = ctx;
  int rc = prepare(d, st, run, err);
  if (rc != REPORT_OK) return rc;
  if (from >= run->trials_done || count == 0) return REPORT_OK;
  if (count > run->trials_done - from) count = run->trials_done - from;
  study_trials t = {d->sc, run->seed};
  sim_runner_config cfg;
  memset(&cfg, 0, sizeof cfg);
  study_trials_config(&t, &cfg);
  cfg.first_trial = run->first_trial + from;
  cfg.n_trials = count;
  cfg.threads = count == 1 ? 1 : d->threads;
  feed f = {d, run, visit, vctx, 0, NAN, NAN, 0};
  cfg.sink = sink;
  cfg.sink_ctx = &f;
  int rr = sim_runner_run(&cfg, NULL);
  if (f.mismatch) {
    snprintf(err->text, sizeof err->text, "run %lld: trial %llu does not reproduce "
             "(stored RTO %g s, simulated %g s); its per-trial detail cannot be simulated "
             "again", (long long)run->id, (unsigned long long)(f.mismatch - 1), f.want, f.got);
    return REPORT_EINVAL;
  }
  if (f.stopped) return REPORT_OK;
  if (rr == SIM_RUNNER_ENOMEM || rr == SIM_RUNNER_EWORKER) {
    snprintf(err->text, sizeof err->text, "out of memory");
    return REPORT_ENOMEM;
  }
  if (rr != SIM_RUNNER_OK) {
    snprintf(err->text, sizeof err->text, "simulating run %lld again failed: %s",
             (long long)run->id, sim_runner_strerror(rr));
    return REPORT_EIO;
  }
  return REPORT_OK;
}

int study_detail_attach(report_store *st, unsigned threads, const model_load_opts *opts)
{
  study_detail *d = calloc(1, sizeof *d);
  if (!d) return STUDY_EIO;
  d->threads = threads;
  if (opts) {
    d->opts = *opts;
    d->has_opts = 1;
  }
  report_store_set_detail_source(st, source, d, detail_free);
  return STUDY_OK;
}
