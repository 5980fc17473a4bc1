/*
** cli/epistemic.c — `drsim run SCENARIO --epistemic N`: parameter
** uncertainty in the answer (see cli/calib.h and docs/calibration.md).
**
** Every distribution of the scenario file with an `uncertainty:` map, and
** every step's failure_probability with `failure_counts:` (drawn from the
** Jeffreys Beta posterior), is found in its YAML tree together with its
** --set path. The central scenario
** is run first (point 0: the Monte Carlo-only reference), then N draws
** (points 1..N): each draws every uncertain distribution's working
** parameters from N(estimate, cov) (fit_theta_draw) and runs the scenario
** with them as --set overrides, at the same seed, so all points share their
** random numbers (common random numbers) and differ by their parameters
** only. Each point is a stored run of one sweep (cli_sweep_point_run), so it
** is reportable like a sweep point and reproducible with `drsim run --set`.
**
** The interval of P(meet) (and of p95) combines the spread of the draws'
** values (2.5 % and 97.5 % quantiles: parameter uncertainty) with the
** central run's Monte Carlo interval, half-width by half-width in
** quadrature around the mean of the draws.
*/
#include "cli/calib.h"
#include "cli/common.h"
#include "cli/sweep_values.h"
#include "fit/mle.h"
#include "models/diag.h"
#include "models/uncertainty.h"
#include "models/units.h"
#include "models/yaml_tree.h"
#include "reports/summary.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Combined interval: the draws' 2.5-97.5 % range widened in quadrature
** by the Monte Carlo half-widths (mc_lo, mc_hi) of the central run. */
static void combine(double *v, size_t n, double mc_lo_half, double mc_hi_half, double *mean,
                    double *lo, double *hi) {
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

int cli_calib_epistemic_run(const cli_calib_epistemic *e) {
  const char *cmd = "run";
  int status = CLI_EXIT_USAGE;
  char *text = NULL;
  model_yaml_doc *doc = NULL;
  model_diag *diag = NULL;
  model_scenario *sc = NULL;
  report_store *store = NULL;
  gsl_rng *rng = NULL;
  finder F;
  memset(&F, 0, sizeof F);
  series *S = NULL;
  size_t n_series = 0;
  const char **ov = NULL;
  char **drawn = NULL;
  int64_t sweep_id = 0, first_run = 0, last_run = 0;
  int catching = 0;

  if (strcmp(e->format, "md") && strcmp(e->format, "csv") && strcmp(e->format, "none")) {
    cli_error(cmd, "--format '%s' is not valid with --epistemic; use md, csv or none", e->format);
    goto done;
  }
  /* Read once: the points load from this text, which is stored with them. */
  if ((status = cli_read_scenario(e->scenario_path, &text)) != CLI_EXIT_OK) goto done;
  status = cli_load_scenario_from(e->scenario_path, text, e->sets, NULL, &sc);
  if (status != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;
  if (sc->mode != MODEL_MODE_DISASTER) {
    cli_error(cmd, "--epistemic works on disaster-mode scenarios");
    goto done;
  }
  diag = model_diag_new();
  if (!diag) goto oom;
  if (model_yaml_parse(text, strlen(text), e->scenario_path, &doc, diag)) {
    model_diag_print(diag, stderr);
    goto done;
  }
  char path[1024] = "";
  walk(&F, model_yaml_root(doc), path, 0);
  if (F.failed) {
    cli_error(cmd, "%s", F.err);
    goto done;
  }
  if (F.n == 0) {
    cli_error(cmd, "no distribution of %s carries 'uncertainty:' (nor any step "
                   "'failure_counts:'); write them with drsim calibrate or paste drsim fit's "
                   "snippet with uncertainty (docs/calibration.md)",
              e->scenario_path);
    goto done;
  }
  unsigned long n_min = 0;
  for (size_t i = 0; i < F.n; i++)
    if (F.items[i].u.n && (n_min == 0 || F.items[i].u.n < n_min)) n_min = F.items[i].u.n;
  size_t n_ov = e->sets->n + F.n;
  ov = calloc(n_ov + 1, sizeof *ov);
  drawn = calloc(F.n, sizeof *drawn);
  rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!ov || !drawn || !rng) goto oom;
  for (size_t i = 0; i < e->sets->n; i++) ov[i] = e->sets->items[i];
  uint64_t seed = e->seed_given ? e->seed : sc->seed;
  gsl_rng_set(rng, (unsigned long)(seed * UINT64_C(0x9E3779B97F4A7C15) + 1));
  if ((status = cli_sweep_open_store(cmd, e->db_path, &store, &sweep_id)) != CLI_EXIT_OK)
    goto done;
  status = CLI_EXIT_USAGE;
  volatile sig_atomic_t *stop = cli_signals_catch();
  catching = 1;
  if (!e->quiet)
    fprintf(stderr, "epistemic: %zu uncertain input%s, %llu draws + the central run\n",
            F.n, F.n == 1 ? "" : "s", (unsigned long long)e->draws);
  for (uint64_t pt = 0; pt <= e->draws; pt++) {
    size_t n_used = e->sets->n;
    if (pt > 0) {
      for (size_t i = 0; i < F.n; i++) {
        double t[FIT_MAX_PARAMS];
        free(drawn[i]);
        drawn[i] = NULL;
        if (F.items[i].beta) {
          /* The loader takes probabilities below 1. */
          double q = gsl_ran_beta(rng, F.items[i].a, F.items[i].b);
          size_t n = strlen(F.items[i].path) + 40;
          drawn[i] = malloc(n);
          if (!drawn[i]) goto oom;
          snprintf(drawn[i], n, "%s=%.17g", F.items[i].path, q < 0.999 ? q : 0.999);
          ov[n_used++] = drawn[i];
          continue;
        }
        if (draw_valid(&F.items[i], rng, t)) {
          cli_error(cmd, "cannot draw valid parameters for %s from its uncertainty",
                    F.items[i].path);
          goto done;
        }
        drawn[i] = override_of(&F.items[i], t);
        if (!drawn[i]) goto oom;
        ov[n_used++] = drawn[i];
      }
    }
    study_point p;
    memset(&p, 0, sizeof p);
    p.cmd = cmd;
    p.scenario_path = e->scenario_path;
    p.scenario_text = text;
    p.overrides = ov;
    p.n_overrides = n_used;
    p.seed_given = 1;
    p.seed = seed;
    p.trials_given = e->trials_given;
    p.trials = e->trials;
    p.threads = e->threads;
    p.store = store;
    p.sweep_id = sweep_id;
    p.point = (int64_t)pt;
    p.detail = "summary";
    p.stop_flag = stop;
      if (!e->quiet && isatty(STDERR_FILENO))
      fprintf(stderr, "\rdraw %llu/%llu", (unsigned long long)pt, (unsigned long long)e->draws);
    status = cli_sweep_point_run(&p);
    int64_t run_id = p.run_id;
    study_point_clear(&p);
    if (run_id) {
      if (!first_run) first_run = run_id;
      last_run = run_id;
    }
    if (status != CLI_EXIT_OK) {
      if (status == 130)
        fprintf(stderr, "drsim run: interrupted at draw %llu; the finished draws are kept as "
                "runs %lld..%lld\n", (unsigned long long)pt, (long long)first_run,
                (long long)last_run);
      goto done;
    }
    report_summary *s = NULL;
    report_error rerr;
    if (report_summary_build(store, run_id, &s, &rerr) != REPORT_OK) {
      fprintf(stderr, "drsim run: error: %s\n", rerr.text);
      status = CLI_EXIT_IO;
      goto done;
    }
    const report_summary_row *rows;
    size_t nr = report_summary_rows(s, &rows);
    if (pt == 0) {
      S = calloc(nr ? nr : 1, sizeof *S);
      if (!S) {
        report_summary_free(s);
        goto oom;
      }
    }
    for (size_t r = 0; r < nr; r++) {
      const report_summary_row *row = &rows[r];
      if (strcmp(row->metric, "rto") && strcmp(row->metric, "rpo")) continue;
      series *se = find_series(S, n_series, row->environment, row->metric);
      if (!se) {
        /* An RPO without objective says nothing about the drills. */
        if (pt != 0 || (!strcmp(row->metric, "rpo") && isnan(row->objective))) continue;
        se = &S[n_series++];
        snprintf(se->env, sizeof se->env, "%s", row->environment);
        snprintf(se->metric, sizeof se->metric, "%s", row->metric);
        se->objective = row->objective;
        se->central_p = row->p_meet.est;
        se->central_lo = row->p_meet.lo;
        se->central_hi = row->p_meet.hi;
        se->central_q = row->p95.est;
        se->central_qlo = row->p95.lo;
        se->central_qhi = row->p95.hi;
        se->p = malloc((size_t)(e->draws ? e->draws : 1) * sizeof *se->p);
        se->q = malloc((size_t)(e->draws ? e->draws : 1) * sizeof *se->q);
        if (!se->p || !se->q) {
          report_summary_free(s);
          goto oom;
        }
        continue;
      }
      se->p[se->n] = row->p_meet.est;
      se->q[se->n] = row->p95.est;
      se->n++;
    }
    report_summary_free(s);
  }
  if (!e->quiet && isatty(STDERR_FILENO)) fputc('\n', stderr);
  char given[64] = "";
  if (n_min) snprintf(given, sizeof given, " given n = %lu", n_min);
  if (!strcmp(e->format, "md")) {
    printf("## Epistemic run: %s\n\n%llu draws of %zu uncertain input%s (the fewest "
           "observations behind one: %lu), each %llu trials at seed %llu (common random "
           "numbers); central run %lld, draws %lld..%lld, sweep %lld in %s.\n\n",
           sc->name, (unsigned long long)e->draws, F.n, F.n == 1 ? "" : "s", n_min,
           (unsigned long long)(e->trials_given ? e->trials : sc->trials),
           (unsigned long long)seed, (long long)first_run, (long long)first_run + 1,
           (long long)last_run, (long long)sweep_id, e->db_path);
    printf("| environment | metric | objective | P(meet) [95 %% interval] | Monte Carlo only | p95 "
           "[95 %% interval] | p95 Monte Carlo only |\n|:--|:--|--:|--:|--:|--:|--:|\n");
  } else if (!strcmp(e->format, "csv")) {
    printf("environment,metric,objective_s,draws,n_min,p_meet,p_meet_lo,p_meet_hi,p_meet_mc_lo,"
           "p_meet_mc_hi,p95_s,p95_lo_s,p95_hi_s,p95_mc_lo_s,p95_mc_hi_s\n");
  }
  for (size_t i = 0; i < n_series; i++) {
    series *se = &S[i];
    double pm = NAN, plo = NAN, phi = NAN, qm, qlo, qhi;
    if (!isnan(se->objective))
      combine(se->p, se->n, se->central_p - se->central_lo, se->central_hi - se->central_p, &pm,
              &plo, &phi);
    if (!isnan(plo) && plo < 0) plo = 0;
    if (!isnan(phi) && phi > 1) phi = 1;
    combine(se->q, se->n, se->central_q - se->central_qlo,
            isfinite(se->central_qhi) ? se->central_qhi - se->central_q : 0, &qm, &qlo, &qhi);
    if (!strcmp(e->format, "md")) {
      char b[6][48];
      printf("| %s | %s | %s | ", se->env, !strcmp(se->metric, "rto") ? "RTO" : "RPO",
             isnan(se->objective) ? "–" : report_page_duration(se->objective, b[0], 48));
      if (isnan(pm)) printf("– | – | ");
      else
        printf("%.1f %% [%.1f, %.1f]%s | [%.1f, %.1f] | ", 100 * pm, 100 * plo, 100 * phi, given,
               100 * se->central_lo, 100 * se->central_hi);
      printf("%s [%s, %s] | [%s, %s] |\n", report_page_duration(qm, b[1], 48),
             report_page_duration(qlo, b[2], 48), report_page_duration(qhi, b[3], 48),
             report_page_duration(se->central_qlo, b[4], 48),
             report_page_duration(se->central_qhi, b[5], 48));
    } else if (!strcmp(e->format, "csv")) {
      printf("%s,%s,%.17g,%zu,%lu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
             se->env, se->metric, se->objective, se->n, n_min, pm, plo, phi, se->central_lo,
             se->central_hi, qm, qlo, qhi, se->central_qlo, se->central_qhi);
    }
  }
  if (!strcmp(e->format, "md"))
    printf("\nThe interval combines parameter uncertainty (the 2.5-97.5 %% range over the "
           "draws) with the Monte Carlo error of %llu trials (the central run's interval), in "
           "quadrature; the centre is the mean over the draws (the median for a p95 that is "
           "infinite in some draws). Each draw is a stored run: drsim report --db %s --run ID.\n",
           (unsigned long long)(e->trials_given ? e->trials : sc->trials), e->db_path);
  status = CLI_EXIT_OK;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error(cmd, "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
  goto done;
oom:
  cli_error(cmd, "out of memory");
  status = CLI_EXIT_IO;
done:
  if (catching) cli_signals_restore();
  for (size_t i = 0; i < n_series; i++) {
    free(S[i].p);
    free(S[i].q);
  }
  free(S);
  if (drawn)
    for (size_t i = 0; i < F.n; i++) free(drawn[i]);
  free(drawn);
  free(ov);
  free(F.items);
  gsl_rng_free(rng);
  report_store_close(store);
  model_yaml_free(doc);
  model_diag_free(diag);
  model_scenario_free(sc);
  free(text);
  return status;
}
