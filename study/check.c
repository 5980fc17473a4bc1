/*
** study/check.c — `drsim check`'s simulation and judgement of observed
** recoveries (see check.h).
*/
#include "study/check.h"

#include "study/point.h"
#include "study/target.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>

int study_check_judge(const char *env, const char *metric, double *sim, size_t m,
                      const double *x, const unsigned char *cens, size_t n, gsl_rng *rng,
                      study_check_judged *j, study_error *err) {
  memset(j, 0, sizeof *j);
  double *u = malloc((n ? n : 1) * sizeof *u), *sorted = malloc((n ? n : 1) * sizeof *u);
  if (!u || !sorted) {
    free(u);
    free(sorted);
    return study_fail(err, STUDY_EIO, "out of memory");
  }
  size_t k = 0, nc = 0;
  gsl_sort(sim, 1, m);
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i])) continue;
    int c = cens ? cens[i] : 0;
    nc += (size_t)c;
    u[k++] = fit_gof_pit(sim, m, x[i], c, rng);
  }
  memcpy(sorted, u, k * sizeof *u);
  j->env = env;
  j->metric = metric;
  j->n = k;
  j->n_censored = nc;
  j->u = u;
  j->verdict = fit_gof_verdict(sorted, k, &j->mean, &j->ks_p);
  fit_gof_ks_uniform(sorted, k, &j->ks_d);
  free(sorted);
  return STUDY_OK;
}

void study_check_judged_clear(study_check_judged *j) {
  free(j->u);
  j->u = NULL;
}

int study_check_environment(const study_check_model *m, const study_check_obs *o, gsl_rng *rng,
                            study_check_judged out[2], size_t *n_out, model_diag **failed_diag,
                            study_error *err) {
  *n_out = 0;
  *failed_diag = NULL;
  study_target tg;
  char spec[200], msg[512];
  snprintf(spec, sizeof spec, "%s.rpo", o->env);
  if (study_target_parse(m->sc, spec, 0, &tg, msg, sizeof msg))
    return study_fail(err, STUDY_EINPUT, "%s", msg);
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "check";
  p.scenario_path = m->scenario_path;
  p.overrides = m->overrides;
  p.n_overrides = m->n_overrides;
  p.seed_given = m->seed_given;
  p.seed = m->seed;
  p.trials_given = m->trials_given;
  p.trials = m->trials;
  p.threads = m->threads;
  p.collect = &tg;          /* the environment's RPO, and its RTO with it */
  p.collect_rto = 1;
  int rc = study_point_run(&p, err);
  if (rc == STUDY_OK) {
    rc = study_check_judge(o->env, "RTO", p.rto_values, p.n_values, o->rto, o->cens, o->n, rng,
                           &out[(*n_out)++], err);
    if (rc == STUDY_OK && o->n_rpo)
      rc = study_check_judge(o->env, "RPO", p.values, p.n_values, o->rpo, NULL, o->n, rng,
                             &out[(*n_out)++], err);
  }
  *failed_diag = p.failed_diag;
  p.failed_diag = NULL;
  study_point_clear(&p);
  return rc;
}

static const char *const verdict_names[] = {"consistent", "optimistic", "pessimistic",
                                            "too narrow", "too wide"};

const char *study_check_verdict_name(fit_verdict v) {
  return (unsigned)v < sizeof verdict_names / sizeof *verdict_names ? verdict_names[v] : "?";
}
