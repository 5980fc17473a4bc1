/*
** study/candidate.c — evaluating one candidate of `drsim optimize`
** (study/candidate.h): overrides, the stored point, losses and checks.
*/
#include "study/candidate.h"

#include "models/costs.h"
#include "models/outcome.h"
#include "study/point.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int observe(void *ctx, const model_scenario *sc, uint64_t first, size_t n,
                   const void *records) {
  study_candidate_ctx *o = ctx;
  size_t size = model_outcome_size(sc);
  const unsigned char *rec = records;
  for (size_t i = 0; i < n; i++, rec += size) {
    uint64_t at = first + i;
    if (at >= o->n_alloc) continue;
    model_trial_view v = model_outcome_view(sc, (void *)rec);
    o->losses[at] = model_costs_trial_loss(sc, rec);
    for (size_t c = 0; c < o->n_cons; c++) {
      const model_env_outcome *e = &v.env[o->cons[c].env];
      double x;
      if (!e->recovered) x = INFINITY;
      else if (o->cons[c].t.metric == STUDY_TARGET_RTO) x = e->rto_s;
      else if (o->cons[c].t.metric == STUDY_TARGET_RPO) x = e->rpo_s;
      else x = isnan(e->full_capacity_s) ? INFINITY : e->full_capacity_s;
      o->metric[c][at] = x;
    }
  }
  return 0;
}

static int fail(study_candidate_ctx *o, int status, const char *text) {
  o->status = status;
  study_fail(&o->err, status, "%s", text);
  return 1;
}

/* The user's --set, then each decision's chosen overrides; NULL out of memory. */
static const char **overrides(const study_candidate_ctx *o, const size_t *choice, size_t *nov) {
  size_t n = o->n_sets;
  for (size_t d = 0; d < o->n_dec; d++) n += o->dec[d].options[choice[d]].n_overrides;
  const char **ov = malloc((n + 1) * sizeof *ov);
  if (!ov) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < o->n_sets; i++) ov[k++] = o->sets[i];
  for (size_t d = 0; d < o->n_dec; d++) {
    const study_opt_option *op = &o->dec[d].options[choice[d]];
    for (size_t j = 0; j < op->n_overrides; j++) ov[k++] = op->overrides[j];
  }
  *nov = n;
  return ov;
}

/* Fresh per-trial buffers for `trials` trials; -1 out of memory. */
static int buffers(study_candidate_ctx *o, uint64_t trials) {
  for (size_t c = 0; c < o->n_cons; c++) {
    free(o->metric[c]);
    o->metric[c] = calloc(trials + 1, sizeof(double));
  }
  free(o->losses);
  o->losses = calloc(trials + 1, sizeof(double));
  o->n_alloc = trials;
  int oom = !o->losses;
  for (size_t c = 0; c < o->n_cons; c++) oom |= !o->metric[c];
  return oom ? -1 : 0;
}

int study_candidate_eval(void *ctx, const size_t *choice, uint64_t trials, int64_t point,
                         study_opt_eval *out) {
  study_candidate_ctx *o = ctx;
  o->status = STUDY_OK;
  o->err.text[0] = '\0';
  size_t nov = 0;
  const char **ov = overrides(o, choice, &nov);
  if (!ov) return fail(o, STUDY_EIO, "out of memory");
  if (buffers(o, trials)) { free(ov); return fail(o, STUDY_EIO, "out of memory"); }
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "optimize";
  p.scenario_path = o->scenario_path;
  p.scenario_text = o->scenario_text;
  p.load_opts = o->load_opts;
  p.overrides = ov;
  p.n_overrides = nov;
  p.seed_given = o->seed_given;
  p.seed = o->seed;
  p.trials_given = 1;
  p.trials = trials;
  p.threads = o->threads;
  p.store = o->store;
  p.sweep_id = o->sweep_id;
  p.point = point;
  p.detail = "summary";
  p.observe = observe;
  p.observe_ctx = o;
  p.stop_flag = o->stop_flag;
  p.progress = o->progress;
  p.progress_ctx = o->progress_ctx;
  int rs = study_point_run(&p, &o->err);
  free(ov);
  if (rs != STUDY_OK) {
    o->status = rs;
    model_diag_free(o->failed_diag);
    o->failed_diag = p.failed_diag;
    p.failed_diag = NULL;
    study_point_clear(&p);
    return 1;
  }
  out->trials = p.trials_used;
  out->run_id = p.run_id;
  out->standby_annual = model_costs_standby_annual(p.sc, NULL, 0, NULL);
  double rate = model_costs_disasters_per_year(p.sc);
  out->disasters_per_year = model_costs_has_risk(p.sc) && isfinite(rate) ? rate : 0;
  out->losses = o->losses;
  o->losses = NULL;
  out->checks = calloc(o->n_cons + 1, sizeof *out->checks);
  for (size_t c = 0; out->checks && c < o->n_cons; c++)
    study_constraint_check(&o->cons[c], o->metric[c], (size_t)out->trials, &out->checks[c]);
  study_point_clear(&p);
  if (o->on_run) o->on_run(o->on_run_ctx, out->run_id, out->trials);
  if (!out->checks) return fail(o, STUDY_EIO, "out of memory");
  return 0;
}

void study_candidate_clear(study_candidate_ctx *o) {
  for (size_t c = 0; c < STUDY_CANDIDATE_MAX_CONSTRAINTS; c++) {
    free(o->metric[c]);
    o->metric[c] = NULL;
  }
  free(o->losses);
  o->losses = NULL;
  model_diag_free(o->failed_diag);
  o->failed_diag = NULL;
}
