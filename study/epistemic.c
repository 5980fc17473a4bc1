/*
** study/epistemic.c — uncertain inputs, their draws and the combined
** intervals (see epistemic.h).
*/
#include "study/epistemic.h"
#include "fit/mle.h"
#include "models/dist.h"
#include "models/uncertainty.h"
#include "models/units.h"
#include "models/yaml_tree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* One uncertain distribution of the file. */
typedef struct uncertain {
  char path[1024];            /* --set path of the distribution node */
  int beta;                   /* 1: a step's failure_probability from failure_counts */
  double a, b;                /* beta: the Beta posterior's parameters */
  fit_family family;
  double theta[FIT_MAX_PARAMS];
  model_uncertainty u;
} uncertain;

typedef struct finder {
  uncertain *items;
  size_t n, cap;
  char err[512];
  int failed;
} finder;

static int scalar_number(const model_yaml_node *n, int duration, double *v) {
  if (!n || n->kind != MODEL_YAML_SCALAR) return -1;
  if (duration) return model_units_parse_duration(n->str, v, NULL);
  char *end;
  *v = strtod(n->str, &end);
  return *end || end == n->str ? -1 : 0;
}

/* The model_dist of a distribution map (the five fittable kinds). */
static int dist_of_node(const model_yaml_node *m, model_dist *d) {
  const model_yaml_node *k = model_yaml_get(m, "dist");
  fit_family f;
  if (!k || k->kind != MODEL_YAML_SCALAR || fit_family_parse(k->str, &f)) return -1;
  double a, b;
  switch (f) {
    case FIT_EXPONENTIAL:
      return scalar_number(model_yaml_get(m, "mean"), 1, &a) ? -1
                                                            : model_dist_set_exponential(d, a, NULL);
    case FIT_LOGNORMAL:
      if (model_yaml_get(m, "mu"))
        return scalar_number(model_yaml_get(m, "mu"), 0, &a) ||
                       scalar_number(model_yaml_get(m, "sigma"), 0, &b)
                   ? -1
                   : model_dist_set_lognormal(d, a, b, NULL);
      return scalar_number(model_yaml_get(m, "median"), 1, &a) ||
                     scalar_number(model_yaml_get(m, "p95"), 1, &b)
                 ? -1
                 : model_dist_set_lognormal_median_p95(d, a, b, NULL);
    case FIT_GAMMA:
    case FIT_WEIBULL:
      if (scalar_number(model_yaml_get(m, "shape"), 0, &a) ||
          scalar_number(model_yaml_get(m, "scale"), 1, &b))
        return -1;
      return f == FIT_GAMMA ? model_dist_set_gamma(d, a, b, NULL)
                            : model_dist_set_weibull(d, a, b, NULL);
    case FIT_NORMAL:
      return scalar_number(model_yaml_get(m, "mean"), 1, &a) ||
                     scalar_number(model_yaml_get(m, "sd"), 1, &b)
                 ? -1
                 : model_dist_set_normal(d, a, b, NULL);
    case FIT_N_FAMILIES: break;
  }
  return -1;
}

/* Walk the tree; path is the --set path of node (without trailing dot). */
static uncertain *add_item(finder *F) {
  if (F->n == F->cap) {
    size_t nc = F->cap ? 2 * F->cap : 8;
    uncertain *ni = realloc(F->items, nc * sizeof *ni);
    if (!ni) {
      F->failed = 1;
      snprintf(F->err, sizeof F->err, "out of memory");
      return NULL;
    }
    F->items = ni;
    F->cap = nc;
  }
  uncertain *it = &F->items[F->n];
  memset(it, 0, sizeof *it);
  return it;
}

static void walk(finder *F, const model_yaml_node *node, char *path, size_t plen) {
  if (!node || F->failed) return;
  const model_yaml_node *fc = model_yaml_get(node, "failure_counts");
  if (fc && model_yaml_get(node, "failure_probability")) {
    /* A step whose failure probability was estimated from counts: the
    ** Jeffreys Beta posterior, as drsim fit --failures prints it. */
    double f, a;
    uncertain *it = add_item(F);
    if (!it) return;
    if (scalar_number(model_yaml_get(fc, "failures"), 0, &f) ||
        scalar_number(model_yaml_get(fc, "attempts"), 0, &a) || f > a) {
      F->failed = 1;
      snprintf(F->err, sizeof F->err, "the failure_counts at %s cannot be drawn from", path);
      return;
    }
    it->beta = 1;
    it->a = f + 0.5;
    it->b = a - f + 0.5;
    it->u.n = (unsigned long)a;
    snprintf(it->path, sizeof it->path, "%s%sfailure_probability", path, plen ? "." : "");
    F->n++;
  }
  if (node->kind == MODEL_YAML_MAPPING) {
    const model_yaml_node *un = model_yaml_get(node, "uncertainty");
    const model_yaml_node *dk = model_yaml_get(node, "dist");
    if (un && dk) {
      uncertain *it = add_item(F);
      if (!it) return;
      model_dist d;
      const model_yaml_node *bad;
      char msg[240];
      if (dist_of_node(node, &d) || fit_theta_from_dist(&d, &it->family, it->theta) ||
          model_uncertainty_read(un, d.kind, &it->u, &bad, msg, sizeof msg)) {
        F->failed = 1;
        snprintf(F->err, sizeof F->err, "the distribution at %s cannot be drawn from", path);
        return;
      }
      snprintf(it->path, sizeof it->path, "%s", path);
      F->n++;
      return;
    }
    for (size_t i = 0; i < node->n_pairs; i++) {
      int w = snprintf(path + plen, 1024 - plen, "%s%s", plen ? "." : "",
                       node->pairs[i].key->str);
      if (w < 0 || plen + (size_t)w >= 1024) continue;
      walk(F, node->pairs[i].value, path, plen + (size_t)w);
      path[plen] = '\0';
    }
  } else if (node->kind == MODEL_YAML_SEQUENCE) {
    for (size_t i = 0; i < node->n_items; i++) {
      const model_yaml_node *it = node->items[i];
      const model_yaml_node *nm = model_yaml_get(it, "name");
      if (!nm) nm = model_yaml_get(it, "environment");
      char idx[32];
      snprintf(idx, sizeof idx, "%zu", i);
      const char *seg = nm && nm->kind == MODEL_YAML_SCALAR ? nm->str : idx;
      int w = snprintf(path + plen, 1024 - plen, "%s%s", plen ? "." : "", seg);
      if (w < 0 || plen + (size_t)w >= 1024) continue;
      walk(F, it, path, plen + (size_t)w);
      path[plen] = '\0';
    }
  }
}

/* "PATH={dist: ...}" of drawn working parameters theta (bare seconds). */
static char *override_of(const uncertain *u, const double *t) {
  char v[300];
  switch (u->family) {
    case FIT_EXPONENTIAL: snprintf(v, sizeof v, "{dist: exponential, mean: %.17g}", exp(t[0])); break;
    case FIT_LOGNORMAL:
      snprintf(v, sizeof v, "{dist: lognormal, mu: %.17g, sigma: %.17g}", t[0], exp(t[1]));
      break;
    case FIT_GAMMA:
    case FIT_WEIBULL:
      snprintf(v, sizeof v, "{dist: %s, shape: %.17g, scale: %.17g}", fit_family_name(u->family),
               exp(t[0]), exp(t[1]));
      break;
    case FIT_NORMAL:
      snprintf(v, sizeof v, "{dist: normal, mean: %.17g, sd: %.17g}", t[0], exp(t[1]));
      break;
    case FIT_N_FAMILIES: return NULL;
  }
  size_t n = strlen(u->path) + strlen(v) + 2;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s=%s", u->path, v);
  return s;
}

/* A drawn parameter set the loader accepts: a valid law whose far tail
** stays within drsim's 1000y cap; redrawn otherwise (at most 1000 times). */
static int draw_valid(const uncertain *u, gsl_rng *rng, double *t) {
  for (int tries = 0; tries < 1000; tries++) {
    if (fit_theta_draw(u->family, u->theta, &u->u.cov[0][0], rng, t)) return -1;
    model_dist d;
    if (fit_dist_from_theta(u->family, t, &d)) continue;
    double far = model_dist_quantile(&d, 0.999999);
    if (isfinite(far) && far <= 1000 * 365 * 86400.0 && model_dist_mean(&d) > 0) return 0;
  }
  return -1;
}

/* Per environment and metric: the values of every draw. */
typedef struct series {
  char env[130], metric[16];
  double objective;
  double central_p, central_lo, central_hi;       /* P(meet), Wilson */
  double central_q, central_qlo, central_qhi;     /* p95 and its interval */
  double *p, *q;                                  /* per draw */
  size_t n;
} series;

static series *find_series(series *s, size_t n, const char *env, const char *metric) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(s[i].env, env) && !strcmp(s[i].metric, metric)) return &s[i];
  return NULL;
}

struct study_epistemic {
  finder F;
  gsl_rng *rng;
  char **drawn;                 /* the last draw's overrides */
  series *S;
  size_t n_series, cap_series;
};

int study_epistemic_new(const char *text, const char *name, uint64_t seed,
                        study_epistemic **out, model_diag *diag, study_error *err) {
  *out = NULL;
  study_epistemic *e = calloc(1, sizeof *e);
  model_yaml_doc *doc = NULL;
  if (!e) return study_fail(err, STUDY_EIO, "out of memory");
  int status = STUDY_OK;
  if (model_yaml_parse(text, strlen(text), name, &doc, diag)) {
    status = model_diag_nomem(diag) ? STUDY_EIO : STUDY_EINPUT;
    if (err) err->text[0] = '\0';
  } else {
    char path[1024] = "";
    walk(&e->F, model_yaml_root(doc), path, 0);
    if (e->F.failed) status = study_fail(err, STUDY_EINPUT, "%s", e->F.err);
    else if (e->F.n == 0)
      status = study_fail(err, STUDY_EINPUT, "no distribution of %s carries 'uncertainty:' (nor "
                          "any step 'failure_counts:'); write them with drsim calibrate or paste "
                          "drsim fit's snippet with uncertainty (docs/calibration.md)", name);
  }
  model_yaml_free(doc);
  if (status == STUDY_OK) {
    e->drawn = calloc(e->F.n, sizeof *e->drawn);
    e->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!e->drawn || !e->rng) status = study_fail(err, STUDY_EIO, "out of memory");
    else gsl_rng_set(e->rng, (unsigned long)(seed * UINT64_C(0x9E3779B97F4A7C15) + 1));
  }
  if (status != STUDY_OK) {
    study_epistemic_free(e);
    return status;
  }
  *out = e;
  return STUDY_OK;
}

size_t study_epistemic_inputs(const study_epistemic *e) { return e->F.n; }

unsigned long study_epistemic_n_min(const study_epistemic *e) {
  unsigned long n_min = 0;
  for (size_t i = 0; i < e->F.n; i++)
    if (e->F.items[i].u.n && (n_min == 0 || e->F.items[i].u.n < n_min)) n_min = e->F.items[i].u.n;
  return n_min;
}

/* One draw of input i into e->drawn[i]. */
static int draw_one(study_epistemic *e, size_t i, study_error *err) {
  const uncertain *u = &e->F.items[i];
  free(e->drawn[i]);
  e->drawn[i] = NULL;
  if (u->beta) {
    /* The loader takes probabilities below 1. */
    double q = gsl_ran_beta(e->rng, u->a, u->b);
    size_t n = strlen(u->path) + 40;
    if (!(e->drawn[i] = malloc(n))) return study_fail(err, STUDY_EIO, "out of memory");
    snprintf(e->drawn[i], n, "%s=%.17g", u->path, q < 0.999 ? q : 0.999);
    return STUDY_OK;
  }
  double t[FIT_MAX_PARAMS];
  if (draw_valid(u, e->rng, t))
    return study_fail(err, STUDY_EINPUT, "cannot draw valid parameters for %s from its "
                      "uncertainty", u->path);
  if (!(e->drawn[i] = override_of(u, t))) return study_fail(err, STUDY_EIO, "out of memory");
  return STUDY_OK;
}

int study_epistemic_draw(study_epistemic *e, const char *const **overrides, study_error *err) {
  for (size_t i = 0; i < e->F.n; i++) {
    int rc = draw_one(e, i, err);
    if (rc != STUDY_OK) return rc;
  }
  *overrides = (const char *const *)e->drawn;
  return STUDY_OK;
}

/* A new series for row (the central run), or NULL when out of memory. */
static series *new_series(study_epistemic *e, const report_summary_row *row, uint64_t draws) {
  if (e->n_series == e->cap_series) {
    size_t cap = e->cap_series ? 2 * e->cap_series : 8;
    series *s = realloc(e->S, cap * sizeof *s);
    if (!s) return NULL;
    e->S = s;
    e->cap_series = cap;
  }
  series *se = &e->S[e->n_series];
  memset(se, 0, sizeof *se);
  snprintf(se->env, sizeof se->env, "%s", row->environment);
  snprintf(se->metric, sizeof se->metric, "%s", row->metric);
  se->objective = row->objective;
  se->central_p = row->p_meet.est;
  se->central_lo = row->p_meet.lo;
  se->central_hi = row->p_meet.hi;
  se->central_q = row->p95.est;
  se->central_qlo = row->p95.lo;
  se->central_qhi = row->p95.hi;
  se->p = malloc((size_t)(draws ? draws : 1) * sizeof *se->p);
  se->q = malloc((size_t)(draws ? draws : 1) * sizeof *se->q);
  e->n_series++;   /* counted even when incomplete: freed with the rest */
  return se->p && se->q ? se : NULL;
}

int study_epistemic_add(study_epistemic *e, uint64_t point, const report_summary *s,
                        uint64_t draws, study_error *err) {
  const report_summary_row *rows;
  size_t nr = report_summary_rows(s, &rows);
  for (size_t r = 0; r < nr; r++) {
    const report_summary_row *row = &rows[r];
    if (strcmp(row->metric, "rto") && strcmp(row->metric, "rpo")) continue;
    series *se = find_series(e->S, e->n_series, row->environment, row->metric);
    if (!se) {
      /* An RPO without objective says nothing about the drills. */
      if (point != 0 || (!strcmp(row->metric, "rpo") && isnan(row->objective))) continue;
      if (!new_series(e, row, draws)) return study_fail(err, STUDY_EIO, "out of memory");
      continue;
    }
    if (se->n >= draws) continue;
    se->p[se->n] = row->p_meet.est;
    se->q[se->n] = row->p95.est;
    se->n++;
  }
  return STUDY_OK;
}

size_t study_epistemic_count(const study_epistemic *e) { return e->n_series; }

void study_epistemic_result_at(const study_epistemic *e, size_t i, study_epistemic_result *r) {
  series *se = &e->S[i];
  memset(r, 0, sizeof *r);
  r->env = se->env;
  r->metric = se->metric;
  r->objective = se->objective;
  r->draws = se->n;
  r->central_lo = se->central_lo;
  r->central_hi = se->central_hi;
  r->central_qlo = se->central_qlo;
  r->central_qhi = se->central_qhi;
  r->p = r->p_lo = r->p_hi = NAN;
  if (!isnan(se->objective))
    study_epistemic_combine(se->p, se->n, se->central_p - se->central_lo,
                            se->central_hi - se->central_p, &r->p, &r->p_lo, &r->p_hi);
  if (!isnan(r->p_lo) && r->p_lo < 0) r->p_lo = 0;
  if (!isnan(r->p_hi) && r->p_hi > 1) r->p_hi = 1;
  study_epistemic_combine(se->q, se->n, se->central_q - se->central_qlo,
                          isfinite(se->central_qhi) ? se->central_qhi - se->central_q : 0, &r->q,
                          &r->q_lo, &r->q_hi);
}

/* Combined interval: the draws' 2.5-97.5 % range widened in quadrature
** by the Monte Carlo half-widths (mc_lo, mc_hi) of the central run. */
void study_epistemic_combine(double *v, size_t n, double mc_lo_half, double mc_hi_half,
                             double *mean, double *lo, double *hi) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(v[i])) v[k++] = v[i];
  if (k == 0) {
    *mean = *lo = *hi = NAN;
    return;
  }
  gsl_sort(v, 1, k);
  int inf = !isfinite(v[k - 1]);
  double m = inf ? gsl_stats_quantile_from_sorted_data(v, 1, k, 0.5) : gsl_stats_mean(v, 1, k);
  double qlo = gsl_stats_quantile_from_sorted_data(v, 1, k, 0.025);
  double qhi = gsl_stats_quantile_from_sorted_data(v, 1, k, 0.975);
  double a = m - qlo, b = qhi - m;
  if (a < 0) a = 0;
  if (b < 0) b = 0;
  *mean = m;
  *lo = m - sqrt(a * a + mc_lo_half * mc_lo_half);
  *hi = isfinite(qhi) ? m + sqrt(b * b + mc_hi_half * mc_hi_half) : INFINITY;
}

void study_epistemic_free(study_epistemic *e) {
  if (!e) return;
  for (size_t i = 0; i < e->n_series; i++) {
    free(e->S[i].p);
    free(e->S[i].q);
  }
  free(e->S);
  if (e->drawn)
    for (size_t i = 0; i < e->F.n; i++) free(e->drawn[i]);
  free(e->drawn);
  free(e->F.items);
  gsl_rng_free(e->rng);
  free(e);
}
