/*
** study/sensitivity.c — one-at-a-time sensitivity (see sensitivity.h).
*/
#include "study/sensitivity.h"
#include "study/grid.h"
#include "study/point.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct study_sensitivity {
  const study_sensitivity_spec *spec;
  study_sensitivity_effect *eff;
  size_t n, skipped;
  report_stats_ci base;
  int64_t base_run, point;
  int partial;                  /* a shard skipped points */
  uint64_t trials_used;
  model_diag *failed_diag;
};

int study_sensitivity_new(const study_sensitivity_spec *spec, study_sensitivity **out,
                          study_error *err) {
  study_sensitivity *s = calloc(1, sizeof *s);
  *out = NULL;
  if (!s || !(s->eff = calloc(model_params_count(spec->params) + 1, sizeof *s->eff))) {
    free(s);
    return study_fail(err, STUDY_EIO, "out of memory");
  }
  s->spec = spec;
  for (size_t i = 0; i < model_params_count(spec->params); i++) {
    const model_param *p = model_params_get(spec->params, i);
    int match = spec->n_only == 0;
    for (size_t k = 0; k < spec->n_only && !match; k++)
      match = strstr(p->path, spec->only[k]) != NULL;
    if (!match) continue;
    if (!p->used) { s->skipped++; continue; }
    s->eff[s->n++].param = i;
  }
  if (s->n == 0) {
    study_sensitivity_free(s);
    return study_fail(err, STUDY_EINPUT, "no duration parameter to vary%s",
                      spec->n_only ? " matches --only" : "");
  }
  *out = s;
  return STUDY_OK;
}

/* Evaluate target with one extra override (NULL: the baseline). */
static int measure_target(study_sensitivity *s, const char *extra, const study_target *target,
                          report_stats_ci *out, int64_t *run_id, study_error *err) {
  const study_sensitivity_spec *sp = s->spec;
  if (sp->shard_n) {
    /* Points are the unit: another shard evaluates this one. */
    size_t first, end;
    study_grid_shard(study_sensitivity_points(s), sp->shard_k, sp->shard_n, &first, &end);
    if (s->point < (int64_t)first || s->point >= (int64_t)end) {
      s->point++;
      s->partial = 1;
      out->est = out->lo = out->hi = NAN;
      *run_id = 0;
      return STUDY_OK;
    }
  }
  const char **ov = malloc((sp->n_overrides + 1) * sizeof *ov);
  if (!ov) return study_fail(err, STUDY_EIO, "out of memory");
  for (size_t i = 0; i < sp->n_overrides; i++) ov[i] = sp->overrides[i];
  if (extra) ov[sp->n_overrides] = extra;
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "sensitivity";
  p.scenario_path = sp->scenario_path;
  p.load_opts = sp->load_opts;
  p.scenario_text = sp->scenario_text;
  p.overrides = ov;
  p.n_overrides = sp->n_overrides + (extra ? 1 : 0);
  p.seed_given = sp->seed_given;
  p.seed = sp->seed;
  p.trials_given = sp->trials_given;
  p.trials = sp->trials;
  p.threads = sp->threads;
  p.store = sp->store;
  p.sweep_id = sp->sweep_id;
  p.resume = sp->resume;
  p.point = s->point++;
  p.detail = "summary";
  p.collect = target;
  p.stop_flag = sp->stop;
  int rc = study_point_run(&p, err);
  free(ov);
  if (rc == STUDY_OK) {
    *out = study_target_value(target, p.values, p.n_values);
    *run_id = p.run_id;
    s->trials_used = p.trials_used;
  } else if (p.failed_diag) {
    model_diag_free(s->failed_diag);
    s->failed_diag = p.failed_diag;
    p.failed_diag = NULL;
  }
  study_point_clear(&p);
  return rc;
}

/* The spec's metric with one extra override. */
static int measure(study_sensitivity *s, const char *extra, report_stats_ci *out,
                   int64_t *run_id, study_error *err) {
  return measure_target(s, extra, s->spec->target, out, run_id, err);
}

int study_sensitivity_measure(study_sensitivity *s, const char *extra,
                              const study_target *target, report_stats_ci *out,
                              study_error *err) {
  int64_t run_id = 0;
  if (err) err->text[0] = '\0';
  return measure_target(s, extra, target, out, &run_id, err);
}

double study_sensitivity_swing(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  if (isinf(a) || isinf(b)) return a == b ? 0 : INFINITY;
  return fabs(b - a);
}

int study_sensitivity_saturated(const study_sensitivity_effect *e) {
  return isinf(e->low.est) && isinf(e->high.est);
}

/* Largest swing first; NaN last; ties in scenario order. */
static int cmp_effect(const void *a, const void *b) {
  const study_sensitivity_effect *x = a, *y = b;
  int xn = isnan(x->swing), yn = isnan(y->swing);
  if (xn != yn) return xn - yn;
  if (!xn && x->swing != y->swing) return x->swing > y->swing ? -1 : 1;
  return (x->param > y->param) - (x->param < y->param);
}

/* Parameter e at both factors. */
static int measure_effect(study_sensitivity *s, study_sensitivity_effect *e, study_error *err) {
  const study_sensitivity_spec *sp = s->spec;
  const model_param *p = model_params_get(sp->params, e->param);
  for (int k = 0; k < 2; k++) {
    double f = k ? sp->hi_f : sp->lo_f;
    char *o = model_params_override(sp->params, e->param, f);
    if (!o) return study_fail(err, STUDY_EIO, "out of memory");
    int rc = measure(s, o, k ? &e->high : &e->low, k ? &e->run_high : &e->run_low, err);
    free(o);
    if (rc == STUDY_EINPUT && !err->text[0])
      return study_fail(err, rc, "scaling %s by %g gives a scenario that does not load (above)",
                        p->path, f);
    if (rc != STUDY_OK) return rc;
  }
  e->swing = study_sensitivity_swing(e->low.est, e->high.est);
  return STUDY_OK;
}

int study_sensitivity_run(study_sensitivity *s, study_error *err) {
  int rc = measure(s, NULL, &s->base, &s->base_run, err);
  for (size_t i = 0; rc == STUDY_OK && i < s->n; i++) {
    if (s->spec->on_param)
      s->spec->on_param(s->spec->on_param_ctx, i, s->n,
                        model_params_get(s->spec->params, s->eff[i].param)->path);
    rc = measure_effect(s, &s->eff[i], err);
  }
  if (rc == STUDY_OK) qsort(s->eff, s->n, sizeof *s->eff, cmp_effect);
  return rc;
}

size_t study_sensitivity_count(const study_sensitivity *s) { return s->n; }
size_t study_sensitivity_points(const study_sensitivity *s) { return 1 + 2 * s->n; }
int study_sensitivity_partial(const study_sensitivity *s) { return s->partial; }
const study_sensitivity_effect *study_sensitivity_at(const study_sensitivity *s, size_t i) {
  return &s->eff[i];
}
report_stats_ci study_sensitivity_baseline(const study_sensitivity *s) { return s->base; }
size_t study_sensitivity_skipped(const study_sensitivity *s) { return s->skipped; }
uint64_t study_sensitivity_trials(const study_sensitivity *s) { return s->trials_used; }
const model_diag *study_sensitivity_failed_diag(const study_sensitivity *s) {
  return s->failed_diag;
}

void study_sensitivity_free(study_sensitivity *s) {
  if (!s) return;
  free(s->eff);
  model_diag_free(s->failed_diag);
  free(s);
}
