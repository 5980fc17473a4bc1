/*
** study/point.c — one evaluation point of a study (see point.h).
*/
#include "study/point.h"
#include "study/run.h"
#include "models/outcome.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ collecting */

typedef struct collector {
  study_point *p;
  const model_scenario *sc;
  int env;
  study_target_metric metric;
  uint64_t first_trial;
} collector;

static int observe(void *ctx, uint64_t first, size_t n, const void *records) {
  collector *c = ctx;
  if (c->p->observe && c->p->observe(c->p->observe_ctx, c->sc, first, n, records)) return 1;
  if (!c->p->collect) return 0;
  size_t size = model_outcome_size(c->sc);
  const unsigned char *rec = records;
  for (size_t i = 0; i < n; i++, rec += size) {
    /* the view is only read here */
    model_trial_view v = model_outcome_view(c->sc, (void *)rec);
    const model_env_outcome *e = &v.env[c->env];
    double x;
    if (!e->recovered) x = INFINITY;
    else if (c->metric == STUDY_TARGET_RTO) x = e->rto_s;
    else if (c->metric == STUDY_TARGET_RPO) x = e->rpo_s;
    else x = isnan(e->full_capacity_s) ? INFINITY : e->full_capacity_s;
    size_t at = (size_t)(first - c->first_trial) + i;
    if (at < c->p->n_values) {
      c->p->values[at] = x;
      if (c->p->rto_values) c->p->rto_values[at] = e->recovered ? e->rto_s : INFINITY;
    }
  }
  return 0;
}

/* Allocate the per-trial values and point the collector at the target's
** environment. */
static int prepare_collect(study_point *p, collector *col, study_error *err) {
  const char *cmd = p->cmd ? p->cmd : "sweep";
  if (!p->collect) return STUDY_OK;
  /* The in-memory metrics are disaster-mode ones (RTO of the disaster); a
  ** lifetime run is summarised from the store, as `drsim run` does. */
  if (p->sc->mode != MODEL_MODE_DISASTER)
    return study_fail(err, STUDY_EINPUT, "%s is a lifetime-mode scenario; %s works on "
                      "disaster-mode scenarios", p->scenario_path, cmd);
  col->env = model_scenario_find_environment(p->sc, p->collect->env);
  col->metric = p->collect->metric;
  if (col->env < 0)
    return study_fail(err, STUDY_EINPUT, "environment %s is gone from the scenario with these "
                      "overrides", p->collect->env);
  p->values = malloc((size_t)p->trials_used * sizeof *p->values);
  if (p->collect_rto) p->rto_values = malloc((size_t)p->trials_used * sizeof *p->rto_values);
  if (!p->values || (p->collect_rto && !p->rto_values))
    return study_fail(err, STUDY_EIO, "out of memory for %llu trials",
                      (unsigned long long)p->trials_used);
  p->n_values = (size_t)p->trials_used;
  for (size_t i = 0; i < p->n_values; i++) p->values[i] = NAN;
  if (p->rto_values)
    for (size_t i = 0; i < p->n_values; i++) p->rto_values[i] = NAN;
  return STUDY_OK;
}

/* ------------------------------------------------------------ resume */

/* The stored trials' values, as observe() would have collected them. */
static int read_back(study_point *p, uint64_t first, study_error *err) {
  static const char *const metric_col[] = {"rto_s", "rpo_s", "full_capacity_s"};
  const char *cols[3] = {"recovered", metric_col[p->collect->metric], "rto_s"};
  double *v[3] = {NULL, NULL, NULL};
  size_t got = 0;
  report_error rerr;
  if (report_store_trial_columns(p->store, p->run_id, p->collect->env, cols, 3, v, &got,
                                 &rerr) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", rerr.text);
  for (size_t i = 0; i < got && i < p->n_values; i++) {
    int rec = v[0][i] != 0;
    double x = v[1][i];
    p->values[i] = !rec || isnan(x) ? INFINITY : x;
    if (p->rto_values) p->rto_values[i] = rec ? v[2][i] : INFINITY;
  }
  for (int k = 0; k < 3; k++) free(v[k]);
  return got == first ? STUDY_OK : STUDY_EIO;
}

/* Is stored run r the same evaluation as p? */
static int same_point(const report_run *r, const study_point *p) {
  int same = r->n_overrides == p->n_overrides && r->seed == p->seed_used &&
             r->trials == p->trials_used && r->first_trial == 0 &&
             !strcmp(r->scenario_hash, p->sc->text_hash);
  for (size_t i = 0; same && i < p->n_overrides; i++)
    same = !strcmp(r->overrides[i], p->overrides[i]);
  return same;
}

/* --resume: the stored run of p's sweep and point. Returns STUDY_OK with
** p->run_id (0: none stored, run it anew) and *first (trials already
** stored; their values read back when collecting), STUDY_EINPUT when the
** stored run was made with other values, STUDY_EIO on a store error or a
** live run. A stored run that is not complete is claimed. */
static int find_resumable(study_point *p, uint64_t *first, study_error *err) {
  report_error rerr;
  report_run **runs = NULL;
  size_t n = 0;
  *first = 0;
  p->run_id = 0;
  if (report_store_runs_list(p->store, &runs, &n, &rerr) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", rerr.text);
  const report_run *r = NULL;
  for (size_t i = 0; i < n; i++)
    if (runs[i]->sweep_id == p->sweep_id && runs[i]->point == p->point) r = runs[i];
  int rc = STUDY_OK;
  if (r) {
    if (!same_point(r, p))
      rc = study_fail(err, STUDY_EINPUT, "point %lld of sweep %lld (run %lld) was run with "
                      "another scenario, values, seed or trial count; resume with exactly the "
                      "command that started it", (long long)p->point, (long long)p->sweep_id,
                      (long long)r->id);
    else if (r->status != REPORT_RUN_COMPLETE &&
             report_store_run_reopen(p->store, r->id, &rerr) != REPORT_OK)
      rc = study_fail(err, STUDY_EIO, "%s", rerr.text);
    else {
      p->run_id = r->id;
      *first = r->trials_done;
    }
  }
  report_store_runs_free(runs, n);
  if (rc || !p->run_id || !p->collect || *first == 0) return rc;
  return read_back(p, *first, err);
}

/* ------------------------------------------------------------ one point */

/* Load the point's scenario from the text (or, without one, the file). */
static int load(study_point *p, study_error *err) {
  model_diag *own = p->diag ? NULL : model_diag_new();
  model_diag *diag = p->diag ? p->diag : own;
  if (!diag) return study_fail(err, STUDY_EIO, "out of memory");
  int rc = p->scenario_text
               ? model_scenario_load_string_opts(p->scenario_text, strlen(p->scenario_text),
                                                 model_scenario_source_name(p->scenario_path),
                                                 p->overrides, p->n_overrides, p->load_opts,
                                                 &p->sc, diag)
               : model_scenario_load_file(p->scenario_path, p->overrides, p->n_overrides, &p->sc,
                                          diag);
  int nomem = model_diag_nomem(diag);
  if (!rc) {
    model_diag_free(own);
    return STUDY_OK;
  }
  p->failed_diag = own;   /* the caller prints it */
  model_scenario_free(p->sc);
  p->sc = NULL;
  return nomem ? STUDY_EIO : STUDY_EINPUT;
}

/* Begin (or continue) the point's run, execute it, record how it ended. */
static int execute(study_point *p, collector *col, study_error *err) {
  uint64_t first = 0;
  int rc = STUDY_OK;
  if (p->store && p->resume && (rc = find_resumable(p, &first, err)) != STUDY_OK) return rc;
  study_run_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.sc = p->sc;
  spec.text = p->scenario_text;
  spec.overrides = p->overrides;
  spec.n_overrides = p->n_overrides;
  spec.seed_given = spec.trials_given = 1;
  spec.seed = p->seed_used;
  spec.trials = p->trials_used;
  spec.detail = p->detail;
  spec.threads = p->threads;
  spec.sweep_id = p->sweep_id;
  spec.point = p->point;
  study_run *run = NULL;
  if (p->run_id) rc = study_run_continue(&spec, p->store, p->run_id, first, &run, err);
  else if ((rc = study_run_new(&spec, &run, err)) == STUDY_OK)
    rc = study_run_begin(run, p->store, err);
  if (rc == STUDY_OK) {
    p->run_id = study_run_id(run);
    study_run_exec_opts eo = {p->threads, p->stop_flag, p->progress, p->progress_ctx,
                              p->collect || p->observe ? observe : NULL, col};
    col->first_trial = 0;
    rc = study_run_execute(run, &eo, err);
    p->elapsed_s = study_run_elapsed(run);
    const char *fe = study_run_finish_error(run);
    if (fe && rc != STUDY_EIO) rc = study_fail(err, rc == STUDY_OK ? STUDY_EIO : rc, "%s", fe);
  }
  study_run_free(run);
  return rc;
}

int study_point_run(study_point *p, study_error *err) {
  if (err) err->text[0] = '\0';
  p->sc = NULL;
  p->failed_diag = NULL;
  p->run_id = 0;
  p->values = NULL;
  p->rto_values = NULL;
  p->n_values = 0;
  p->elapsed_s = 0;
  int rc = load(p, err);
  if (rc != STUDY_OK) return rc;
  p->seed_used = p->seed_given ? p->seed : p->sc->seed;
  p->trials_used = p->trials_given ? p->trials : p->sc->trials;
  collector col = {p, p->sc, -1, STUDY_TARGET_RTO, 0};
  if ((rc = prepare_collect(p, &col, err)) != STUDY_OK) return rc;
  return execute(p, &col, err);
}

void study_point_clear(study_point *p) {
  if (!p) return;
  model_diag_free(p->failed_diag);
  p->failed_diag = NULL;
  model_scenario_free(p->sc);
  p->sc = NULL;
  free(p->values);
  free(p->rto_values);
  p->values = NULL;
  p->rto_values = NULL;
  p->n_values = 0;
}

/* ------------------------------------------------------------ sweeps in a store */

int study_point_next_sweep_id(report_store *st, int64_t *id, report_error *err) {
  report_run **runs = NULL;
  size_t n = 0;
  int rc = report_store_runs_list(st, &runs, &n, err);
  if (rc != REPORT_OK) return rc;
  int64_t best = 0;
  for (size_t i = 0; i < n; i++)
    if (runs[i]->sweep_id > best) best = runs[i]->sweep_id;
  report_store_runs_free(runs, n);
  *id = best + 1;
  return REPORT_OK;
}

int study_point_open_existing(const char *db_path, int64_t sweep_id, report_store **store,
                              study_error *err) {
  report_error rerr;
  *store = NULL;
  if (access(db_path, F_OK) != 0)
    return study_fail(err, STUDY_EIO, "cannot resume sweep %lld: %s: %s", (long long)sweep_id,
                      db_path, strerror(errno));
  report_run **runs = NULL;
  size_t n = 0, found = 0;
  if (report_store_open(db_path, REPORT_STORE_READWRITE, store, &rerr) != REPORT_OK ||
      report_store_runs_list(*store, &runs, &n, &rerr) != REPORT_OK) {
    report_store_close(*store);
    *store = NULL;
    return study_fail(err, STUDY_EIO, "%s", rerr.text);
  }
  for (size_t i = 0; i < n; i++) found += runs[i]->sweep_id == sweep_id;
  report_store_runs_free(runs, n);
  if (!found) {
    report_store_close(*store);
    *store = NULL;
    return study_fail(err, STUDY_EINPUT, "%s holds no run of sweep %lld; `drsim runs --db %s` "
                      "lists the sweeps", db_path, (long long)sweep_id, db_path);
  }
  return STUDY_OK;
}

int study_point_open_store(const char *db_path, report_store **store, int64_t *sweep_id,
                           study_error *err) {
  report_error rerr;
  if (report_store_open(db_path, REPORT_STORE_READWRITE, store, &rerr) != REPORT_OK ||
      study_point_next_sweep_id(*store, sweep_id, &rerr) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", rerr.text);
  return STUDY_OK;
}
