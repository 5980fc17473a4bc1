/*
** fit/mle.c — maximum-likelihood fits with right-censoring (see fit/mle.h):
** log-densities and log-survivals of the five families on their working
** parametrisations, GSL's nmsimplex2 minimiser on the negative
** log-likelihood, a central-difference observed information at the
** estimate, delta-method intervals, and the scenario snippet.
**
** The minimiser only ever sees finite values: an impossible parameter set
** scores FIT_HUGE instead of +inf (GSL's aborting error handler must never
** fire), and every special function is called through its *_e form.
*/
#include "fit/mle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_statistics_double.h>

#define FIT_HUGE 1e300
#define LN_SQRT_2PI 0.91893853320467274178

static const char *const NAMES[FIT_N_FAMILIES] = {"exponential", "lognormal", "gamma",
                                                  "weibull", "normal"};

const char *fit_family_name(fit_family f) {
  return (unsigned)f < FIT_N_FAMILIES ? NAMES[f] : "unknown";
}

int fit_family_parse(const char *name, fit_family *f) {
  for (int i = 0; i < FIT_N_FAMILIES; i++)
    if (name && strcmp(name, NAMES[i]) == 0) {
      *f = (fit_family)i;
      return 0;
    }
  return -1;
}

int fit_family_of_kind(model_dist_kind kind) {
  switch (kind) {
    case MODEL_DIST_EXPONENTIAL: return FIT_EXPONENTIAL;
    case MODEL_DIST_LOGNORMAL: return FIT_LOGNORMAL;
    case MODEL_DIST_GAMMA: return FIT_GAMMA;
    case MODEL_DIST_WEIBULL: return FIT_WEIBULL;
    case MODEL_DIST_NORMAL: return FIT_NORMAL;
    default: return -1;
  }
}

size_t fit_family_params(fit_family f) { return f == FIT_EXPONENTIAL ? 1 : 2; }

/* ln Q(z) of the standard normal, accurate far in the upper tail. */
static double log_q(double z) {
  gsl_sf_result r;
  if (gsl_sf_log_erfc_e(z / M_SQRT2, &r) != GSL_SUCCESS) return -INFINITY;
  return r.val - M_LN2;
}

/* ln Q(k, y), the regularised upper incomplete gamma; the leading term of
** its asymptotic series where it underflows. */
static double log_gamma_q(double k, double y) {
  gsl_sf_result r;
  if (gsl_sf_gamma_inc_Q_e(k, y, &r) == GSL_SUCCESS && r.val > 1e-300) return log(r.val);
  gsl_sf_result lg;
  if (gsl_sf_lngamma_e(k, &lg) != GSL_SUCCESS) return -INFINITY;
  return (k - 1.0) * log(y) - y - lg.val;
}

/* Log-density (cens = 0) or log-survival (cens = 1) of x > 0. */
static double logterm(fit_family f, const double *t, double x, int cens) {
  switch (f) {
    case FIT_EXPONENTIAL: {
      double m = exp(t[0]);
      return cens ? -x / m : -t[0] - x / m;
    }
    case FIT_LOGNORMAL: {
      double s = exp(t[1]), lx = log(x);
      double z = (lx - t[0]) / s;
      return cens ? log_q(z) : -lx - t[1] - LN_SQRT_2PI - 0.5 * z * z;
    }
    case FIT_GAMMA: {
      double k = exp(t[0]), th = exp(t[1]), y = x / th;
      if (cens) return log_gamma_q(k, y);
      gsl_sf_result lg;
      if (gsl_sf_lngamma_e(k, &lg) != GSL_SUCCESS) return -INFINITY;
      return (k - 1.0) * log(y) - y - lg.val - t[1];
    }
    case FIT_WEIBULL: {
      double k = exp(t[0]), l = exp(t[1]), y = x / l;
      double yk = pow(y, k);
      return cens ? -yk : t[0] - t[1] + (k - 1.0) * log(y) - yk;
    }
    case FIT_NORMAL: {
      double s = exp(t[1]), z = (x - t[0]) / s;
      double lqa = log_q(-t[0] / s);
      return cens ? log_q(z) - lqa : -t[1] - LN_SQRT_2PI - 0.5 * z * z - lqa;
    }
    case FIT_N_FAMILIES: break;
  }
  return -INFINITY;
}

double fit_loglik(fit_family f, const double *theta, const double *x,
                  const unsigned char *censored, size_t n) {
  size_t k = fit_family_params(f);
  for (size_t i = 0; i < k; i++)
    if (!isfinite(theta[i])) return -INFINITY;
  /* Log-scale parameters beyond e^±300 overflow the densities. */
  for (size_t i = 0; i < k; i++)
    if ((f != FIT_NORMAL || i == 1) && fabs(theta[i]) > 300) return -INFINITY;
  double ll = 0;
  for (size_t i = 0; i < n; i++) {
    double v = logterm(f, theta, x[i], censored ? censored[i] != 0 : 0);
    if (!isfinite(v)) return -INFINITY;
    ll += v;
  }
  return ll;
}

int fit_dist_from_theta(fit_family f, const double *t, model_dist *d) {
  for (size_t i = 0; i < fit_family_params(f); i++)
    if (!isfinite(t[i])) return -1;
  switch (f) {
    case FIT_EXPONENTIAL: return model_dist_set_exponential(d, exp(t[0]), NULL);
    case FIT_LOGNORMAL: return model_dist_set_lognormal(d, t[0], exp(t[1]), NULL);
    case FIT_GAMMA: return model_dist_set_gamma(d, exp(t[0]), exp(t[1]), NULL);
    case FIT_WEIBULL: return model_dist_set_weibull(d, exp(t[0]), exp(t[1]), NULL);
    case FIT_NORMAL: return t[0] < 0 ? -1 : model_dist_set_normal(d, t[0], exp(t[1]), NULL);
    case FIT_N_FAMILIES: break;
  }
  return -1;
}

int fit_theta_from_dist(const model_dist *d, fit_family *f, double *t) {
  int fam = fit_family_of_kind(d->kind);
  if (fam < 0) return -1;
  *f = (fit_family)fam;
  switch (*f) {
    case FIT_EXPONENTIAL: t[0] = log(d->p[0]); break;
    case FIT_LOGNORMAL: t[0] = d->p[0]; t[1] = log(d->p[1]); break;
    case FIT_GAMMA:
    case FIT_WEIBULL: t[0] = log(d->p[0]); t[1] = log(d->p[1]); break;
    case FIT_NORMAL: t[0] = d->p[0]; t[1] = log(d->p[1]); break;
    case FIT_N_FAMILIES: return -1;
  }
  return 0;
}

typedef struct nll_ctx {
  fit_family f;
  const double *x;
  const unsigned char *c;
  size_t n;
} nll_ctx;

static double nll(const double *t, const nll_ctx *c) {
  double ll = fit_loglik(c->f, t, c->x, c->c, c->n);
  return isfinite(ll) ? -ll : FIT_HUGE;
}

static double nll_gsl(const gsl_vector *v, void *p) {
  double t[FIT_MAX_PARAMS] = {0, 0};
  for (size_t i = 0; i < v->size; i++) t[i] = gsl_vector_get(v, i);
  return nll(t, p);
}

/* Nelder-Mead from t with initial steps step[]; t is updated in place. */
static int minimise(const nll_ctx *c, size_t k, double *t, const double *step, double tol) {
  const gsl_multimin_fminimizer_type *T = gsl_multimin_fminimizer_nmsimplex2;
  gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(T, k);
  gsl_vector *x = gsl_vector_alloc(k), *ss = gsl_vector_alloc(k);
  if (!s || !x || !ss) {
    gsl_multimin_fminimizer_free(s);
    gsl_vector_free(x);
    gsl_vector_free(ss);
    return -1;
  }
  for (size_t i = 0; i < k; i++) {
    gsl_vector_set(x, i, t[i]);
    gsl_vector_set(ss, i, step[i]);
  }
  gsl_multimin_function fn = {nll_gsl, k, (void *)c};
  int rc = gsl_multimin_fminimizer_set(s, &fn, x, ss);
  for (int it = 0; rc == GSL_SUCCESS && it < 5000; it++) {
    if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS) break;
    if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), tol) == GSL_SUCCESS) break;
  }
  for (size_t i = 0; i < k; i++) t[i] = gsl_vector_get(s->x, i);
  gsl_multimin_fminimizer_free(s);
  gsl_vector_free(x);
  gsl_vector_free(ss);
  return rc == GSL_SUCCESS ? 0 : -1;
}

/* The finite-difference step of working parameter i. */
static double fd_step(fit_family f, const double *t, size_t i) {
  if (f == FIT_NORMAL && i == 0) return 1e-4 * exp(t[1]);
  return 1e-4;
}

/* Observed information (Hessian of the nll) by central differences, then
** its inverse. */
static int observed_cov(const nll_ctx *c, size_t k, const double *t,
                        double cov[][FIT_MAX_PARAMS]) {
  double h[FIT_MAX_PARAMS] = {0, 0}, H[FIT_MAX_PARAMS][FIT_MAX_PARAMS] = {{0, 0}, {0, 0}};
  double f0 = nll(t, c);
  for (size_t i = 0; i < k; i++) h[i] = fd_step(c->f, t, i);
  for (size_t i = 0; i < k; i++) {
    double tp[FIT_MAX_PARAMS] = {t[0], k > 1 ? t[1] : 0};
    double tm[FIT_MAX_PARAMS] = {t[0], k > 1 ? t[1] : 0};
    tp[i] += h[i];
    tm[i] -= h[i];
    H[i][i] = (nll(tp, c) - 2 * f0 + nll(tm, c)) / (h[i] * h[i]);
  }
  if (k == 2) {
    double pp[2] = {t[0] + h[0], t[1] + h[1]}, pm[2] = {t[0] + h[0], t[1] - h[1]};
    double mp[2] = {t[0] - h[0], t[1] + h[1]}, mm[2] = {t[0] - h[0], t[1] - h[1]};
    H[0][1] = H[1][0] = (nll(pp, c) - nll(pm, c) - nll(mp, c) + nll(mm, c)) / (4 * h[0] * h[1]);
  }
  memset(cov, 0, sizeof(double) * FIT_MAX_PARAMS * FIT_MAX_PARAMS);
  if (k == 1) {
    if (!(H[0][0] > 0) || !isfinite(H[0][0])) return -1;
    cov[0][0] = 1.0 / H[0][0];
    return 0;
  }
  double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
  if (!(H[0][0] > 0) || !(det > 0) || !isfinite(det)) return -1;
  cov[0][0] = H[1][1] / det;
  cov[1][1] = H[0][0] / det;
  cov[0][1] = cov[1][0] = -H[0][1] / det;
  return 0;
}

/* Gradient and Hessian of the nll at t by central differences (k = 2). */
static void grad_hess(const nll_ctx *c, const double *t, double *g, double H[][FIT_MAX_PARAMS]) {
  double h0 = fd_step(c->f, t, 0), h1 = fd_step(c->f, t, 1), f0 = nll(t, c);
  double a[2] = {t[0] + h0, t[1]}, b[2] = {t[0] - h0, t[1]};
  double p[2] = {t[0], t[1] + h1}, q[2] = {t[0], t[1] - h1};
  double fa = nll(a, c), fb = nll(b, c), fp = nll(p, c), fq = nll(q, c);
  double pp[2] = {t[0] + h0, t[1] + h1}, pm[2] = {t[0] + h0, t[1] - h1};
  double mp[2] = {t[0] - h0, t[1] + h1}, mm[2] = {t[0] - h0, t[1] - h1};
  g[0] = (fa - fb) / (2 * h0);
  g[1] = (fp - fq) / (2 * h1);
  H[0][0] = (fa - 2 * f0 + fb) / (h0 * h0);
  H[1][1] = (fp - 2 * f0 + fq) / (h1 * h1);
  H[0][1] = H[1][0] = (nll(pp, c) - nll(pm, c) - nll(mp, c) + nll(mm, c)) / (4 * h0 * h1);
}

static void newton_polish(const nll_ctx *c, double *t) {
  double cur = nll(t, c);
  for (int it = 0; it < 20; it++) {
    double g[2], H[2][2];
    grad_hess(c, t, g, H);
    double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    if (!(H[0][0] > 0) || !(det > 0) || !isfinite(det)) return;
    double d0 = (H[1][1] * g[0] - H[0][1] * g[1]) / det;
    double d1 = (H[0][0] * g[1] - H[1][0] * g[0]) / det;
    double nt[2] = {t[0] - d0, t[1] - d1};
    double v = nll(nt, c);
    if (!(v <= cur)) return;
    t[0] = nt[0];
    t[1] = nt[1];
    double scale0 = c->f == FIT_NORMAL ? exp(t[1]) : 1.0;
    if (fabs(d0) < 1e-9 * scale0 && fabs(d1) < 1e-9) return;
    cur = v;
  }
}

int fit_mle(fit_family f, const double *x, const unsigned char *censored, size_t n,
            fit_result *out, char *err, size_t errn) {
  memset(out, 0, sizeof *out);
  out->family = f;
  out->k = fit_family_params(f);
  out->dist.kind = MODEL_DIST_CONSTANT;
  if ((unsigned)f >= FIT_N_FAMILIES) {
    snprintf(err, errn, "unknown family");
    return -1;
  }
  size_t n_unc = 0, n_cens = 0;
  double sum = 0, lsum = 0, lsum2 = 0, sum2 = 0, first = NAN;
  int distinct = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i]) || !(x[i] > 0)) {
      snprintf(err, errn, "value %zu (%g s) is not a duration > 0", i + 1, x[i]);
      return -1;
    }
    int c = censored && censored[i];
    if (c) n_cens++;
    else {
      if (n_unc == 0) first = x[i];
      else if (x[i] != first) distinct = 1;
      n_unc++;
    }
    sum += x[i];
    sum2 += x[i] * x[i];
    lsum += log(x[i]);
    lsum2 += log(x[i]) * log(x[i]);
  }
  out->n = n;
  out->n_censored = n_cens;
  if (n_unc == 0) {
    snprintf(err, errn, "no uncensored value: at least one completed duration is needed");
    return -1;
  }
  if (out->k == 2 && !distinct) {
    snprintf(err, errn, "a %s fit needs at least two different completed durations",
             NAMES[f]);
    return -1;
  }
  double dn = (double)n;
  double lm = lsum / dn, lv = fmax(lsum2 / dn - lm * lm, 1e-6);
  double m = sum / dn, v = fmax(sum2 / dn - m * m, 1e-6 * m * m);
  double t[FIT_MAX_PARAMS] = {0, 0}, step[FIT_MAX_PARAMS] = {0.3, 0.3};
  nll_ctx c = {f, x, censored, n};
  switch (f) {
    case FIT_EXPONENTIAL:
      t[0] = log(sum / (double)n_unc); /* closed form: total time over events */
      break;
    case FIT_LOGNORMAL: t[0] = lm; t[1] = 0.5 * log(lv); break;
    case FIT_GAMMA: t[0] = log(m * m / v); t[1] = log(v / m); break;
    case FIT_WEIBULL: {
      double k = 1.2 / sqrt(lv);
      t[0] = log(k);
      t[1] = lm + 0.5772 / k;
      break;
    }
    case FIT_NORMAL:
      t[0] = m;
      t[1] = 0.5 * log(v);
      step[0] = 0.3 * sqrt(v);
      break;
    case FIT_N_FAMILIES: break;
  }
  if (f != FIT_EXPONENTIAL) {
    /* Nelder-Mead to a coarse optimum (robust from any start), then Newton
    ** steps on the central-difference gradient and Hessian (fast, precise
    ** near the optimum), each kept only when it lowers the nll. */
    if (minimise(&c, out->k, t, step, 1e-4)) {
      snprintf(err, errn, "the %s fit did not converge", NAMES[f]);
      return -1;
    }
    newton_polish(&c, t);
  }
  out->loglik = fit_loglik(f, t, x, censored, n);
  if (!isfinite(out->loglik) || fit_dist_from_theta(f, t, &out->dist)) {
    snprintf(err, errn, "the %s fit found no valid parameters for these data", NAMES[f]);
    return -1;
  }
  memcpy(out->theta, t, sizeof t);
  out->aic = 2.0 * (double)out->k - 2.0 * out->loglik;
  out->cov_ok = observed_cov(&c, out->k, t, out->cov) == 0;
  return 0;
}

static double z_of(double level) { return gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level); }

/* ln of the p-quantile at working parameters t (NAN when not defined). */
static double log_quantile(fit_family f, const double *t, double p) {
  model_dist d;
  if (fit_dist_from_theta(f, t, &d)) return NAN;
  double q = model_dist_quantile(&d, p);
  return q > 0 && isfinite(q) ? log(q) : NAN;
}

/* Delta method: the variance of g(theta) with the gradient grad. */
static double quad_form(const fit_result *r, const double *g) {
  double v = 0;
  for (size_t i = 0; i < r->k; i++)
    for (size_t j = 0; j < r->k; j++) v += g[i] * r->cov[i][j] * g[j];
  return v;
}

fit_ci fit_quantile_ci(const fit_result *r, double p, double level) {
  fit_ci ci = {NAN, NAN, NAN};
  double lq = log_quantile(r->family, r->theta, p);
  if (isnan(lq)) return ci;
  ci.est = exp(lq);
  if (!r->cov_ok) return ci;
  double g[FIT_MAX_PARAMS] = {0, 0};
  for (size_t i = 0; i < r->k; i++) {
    double h = fd_step(r->family, r->theta, i);
    double tp[FIT_MAX_PARAMS] = {r->theta[0], r->theta[1]};
    double tm[FIT_MAX_PARAMS] = {r->theta[0], r->theta[1]};
    tp[i] += h;
    tm[i] -= h;
    g[i] = (log_quantile(r->family, tp, p) - log_quantile(r->family, tm, p)) / (2 * h);
  }
  double sd = sqrt(quad_form(r, g)), z = z_of(level);
  if (!isfinite(sd)) return ci;
  ci.lo = exp(lq - z * sd);
  ci.hi = exp(lq + z * sd);
  return ci;
}

fit_ci fit_param_ci(const fit_result *r, size_t i, double level, const char **name) {
  fit_ci ci = {NAN, NAN, NAN};
  const char *nm = "?";
  double z = z_of(level);
  double se = r->cov_ok && i < r->k ? sqrt(r->cov[i][i]) : NAN;
  switch (r->family) {
    case FIT_EXPONENTIAL:
    case FIT_GAMMA:
    case FIT_WEIBULL:
      nm = r->family == FIT_EXPONENTIAL ? "mean" : (i == 0 ? "shape" : "scale");
      ci.est = exp(r->theta[i]);
      ci.lo = exp(r->theta[i] - z * se);
      ci.hi = exp(r->theta[i] + z * se);
      break;
    case FIT_LOGNORMAL:
      nm = i == 0 ? "median" : "p95";
      ci = fit_quantile_ci(r, i == 0 ? 0.5 : 0.95, level);
      break;
    case FIT_NORMAL:
      if (i == 0) {
        nm = "mean";
        ci.est = r->theta[0];
        ci.lo = r->theta[0] - z * se;
        ci.hi = r->theta[0] + z * se;
      } else {
        nm = "sd";
        ci.est = exp(r->theta[1]);
        ci.lo = exp(r->theta[1] - z * se);
        ci.hi = exp(r->theta[1] + z * se);
      }
      break;
    case FIT_N_FAMILIES: break;
  }
  if (name) *name = nm;
  return ci;
}

int fit_theta_draw(fit_family f, const double *theta_hat, const double *cov, gsl_rng *rng,
                   double *theta) {
  size_t k = fit_family_params(f);
  gsl_matrix *L = gsl_matrix_alloc(k, k);
  gsl_vector *mu = gsl_vector_alloc(k), *out = gsl_vector_alloc(k);
  int rc = -1;
  if (L && mu && out) {
    for (size_t i = 0; i < k; i++) {
      gsl_vector_set(mu, i, theta_hat[i]);
      for (size_t j = 0; j < k; j++) gsl_matrix_set(L, i, j, cov[i * FIT_MAX_PARAMS + j]);
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int dc = gsl_linalg_cholesky_decomp1(L);
    gsl_set_error_handler(old);
    if (dc == GSL_SUCCESS && gsl_ran_multivariate_gaussian(rng, mu, L, out) == GSL_SUCCESS) {
      for (size_t i = 0; i < k; i++) theta[i] = gsl_vector_get(out, i);
      rc = 0;
    }
  }
  gsl_matrix_free(L);
  gsl_vector_free(mu);
  gsl_vector_free(out);
  return rc;
}

char *fit_format_duration(double s, char *buf, size_t n) {
  if (!isfinite(s)) snprintf(buf, n, "%s", s > 0 ? "inf" : "nan");
  else if (s < 120) snprintf(buf, n, "%.4gs", s);
  else if (s < 7200) snprintf(buf, n, "%.4gm", s / 60);
  else if (s < 172800) snprintf(buf, n, "%.4gh", s / 3600);
  else if (s < 1000 * 86400.0) snprintf(buf, n, "%.4gd", s / 86400);
  else snprintf(buf, n, "%.4gy", s / (365 * 86400.0));
  return buf;
}

char *fit_yaml_snippet(const fit_result *r, int with_uncertainty, char *buf, size_t n) {
  char a[48], b[48];
  size_t len = 0;
  const model_dist *d = &r->dist;
  switch (r->family) {
    case FIT_EXPONENTIAL:
      len = (size_t)snprintf(buf, n, "{dist: exponential, mean: %s",
                             fit_format_duration(d->p[0], a, sizeof a));
      break;
    case FIT_LOGNORMAL:
      len = (size_t)snprintf(buf, n, "{dist: lognormal, median: %s, p95: %s",
                             fit_format_duration(model_dist_quantile(d, 0.5), a, sizeof a),
                             fit_format_duration(model_dist_quantile(d, 0.95), b, sizeof b));
      break;
    case FIT_GAMMA:
    case FIT_WEIBULL:
      len = (size_t)snprintf(buf, n, "{dist: %s, shape: %.4g, scale: %s", NAMES[r->family],
                             d->p[0], fit_format_duration(d->p[1], a, sizeof a));
      break;
    case FIT_NORMAL:
      len = (size_t)snprintf(buf, n, "{dist: normal, mean: %s, sd: %s",
                             fit_format_duration(d->p[0], a, sizeof a),
                             fit_format_duration(d->p[1], b, sizeof b));
      break;
    case FIT_N_FAMILIES: break;
  }
  if (len < n && with_uncertainty && r->cov_ok) {
    if (r->k == 1)
      len += (size_t)snprintf(buf + len, n - len, ", uncertainty: {n: %zu, cov: [[%.6g]]}",
                              r->n, r->cov[0][0]);
    else {
      /* A correlation below 1e-6 is the finite differences' noise (the
      ** lognormal's mu and sigma are uncorrelated without censoring). */
      double c = r->cov[0][1];
      if (fabs(c) < 1e-6 * sqrt(r->cov[0][0] * r->cov[1][1])) c = 0;
      len += (size_t)snprintf(buf + len, n - len,
                              ", uncertainty: {n: %zu, cov: [[%.6g, %.6g], [%.6g, %.6g]]}",
                              r->n, r->cov[0][0], c, c, r->cov[1][1]);
    }
  }
  if (len < n) snprintf(buf + len, n - len, "}");
  return buf;
}

fit_ci fit_beta_posterior(unsigned long failures, unsigned long attempts, double level,
                          double *pa, double *pb) {
  fit_ci ci = {NAN, NAN, NAN};
  if (failures > attempts) return ci;
  double a = (double)failures + 0.5, b = (double)(attempts - failures) + 0.5;
  ci.est = a / (a + b);
  ci.lo = gsl_cdf_beta_Pinv(0.5 - 0.5 * level, a, b);
  ci.hi = gsl_cdf_beta_Pinv(0.5 + 0.5 * level, a, b);
  if (pa) *pa = a;
  if (pb) *pb = b;
  return ci;
}
