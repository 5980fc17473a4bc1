/*
** study/target.c — target metrics and their statistics (see target.h).
*/
#include "study/target.h"
#include "study/grid.h"
#include "study/status.h"
#include "models/diag.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *study_target_metric_name(study_target_metric m) {
  switch (m) {
    case STUDY_TARGET_RTO: return "rto";
    case STUDY_TARGET_RPO: return "rpo";
    case STUDY_TARGET_FULL_CAPACITY: return "full_capacity";
  }
  return "?";
}

static int env_has_pool(const model_scenario *sc, int env) {
  for (size_t w = 0; w < sc->n_workflows; w++) {
    if (sc->workflows[w].environment != env) continue;
    for (size_t s = 0; s < sc->workflows[w].n_steps; s++)
      if (sc->workflows[w].steps[s].standby >= 0) return 1;
  }
  return 0;
}

int study_target_parse(const model_scenario *sc, const char *spec, int with_stat,
                           study_target *t, char *err, size_t n) {
  memset(t, 0, sizeof *t);
  t->objective = NAN;
  const char *form = with_stat ? "ENV.METRIC.STAT, e.g. production.rto.p95"
                               : "ENV.METRIC, e.g. production.rto";
  if (!spec || strlen(spec) >= sizeof t->spec) return study_errf(err, n, "write the metric as %s", form);
  snprintf(t->spec, sizeof t->spec, "%s", spec);
  /* environment: the longest name followed by '.' */
  int env = -1;
  size_t best = 0;
  for (size_t i = 0; i < sc->n_environments; i++) {
    size_t l = strlen(sc->environments[i].name);
    if (l > best && strncmp(spec, sc->environments[i].name, l) == 0 && spec[l] == '.') {
      env = (int)i;
      best = l;
    }
  }
  const char **names = malloc((sc->n_environments + 1) * sizeof *names);
  if (!names) return study_errf(err, n, "out of memory");
  for (size_t i = 0; i < sc->n_environments; i++) names[i] = sc->environments[i].name;
  if (env < 0) {
    const char *dot = strchr(spec, '.');
    char word[130];
    snprintf(word, sizeof word, "%.*s", dot ? (int)(dot - spec) : (int)strlen(spec), spec);
    for (size_t i = 0; i < sc->n_environments; i++)
      if (strcmp(word, names[i]) == 0) {
        /* The environment is right; the metric is missing. */
        free(names);
        return study_errf(err, n, "'%s': environment %s, but which metric? write %s.rto (or .rpo, "
                    ".full_capacity)%s", spec, word, word, with_stat ? " with a statistic, e.g. .p95" : "");
      }
    const char *sug = model_diag_suggest(word, names, sc->n_environments);
    char list[300] = "";
    size_t off = 0;
    for (size_t i = 0; i < sc->n_environments && off < sizeof list; i++)
      off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", names[i]);
    free(names);
    if (sug) return study_errf(err, n, "'%s': unknown environment '%s'; did you mean '%s'? (write %s)",
                         spec, word, sug, form);
    return study_errf(err, n, "'%s': unknown environment '%s'; the environments are %s (write %s)",
                spec, word, list, form);
  }
  free(names);
  snprintf(t->env, sizeof t->env, "%s", sc->environments[env].name);
  const char *m = spec + best + 1;
  const char *dot = strchr(m, '.');
  size_t ml = dot ? (size_t)(dot - m) : strlen(m);
  static const char *const metrics[] = {"rto", "rpo", "full_capacity"};
  int mi = -1;
  for (int i = 0; i < 3; i++)
    if (strlen(metrics[i]) == ml && strncmp(m, metrics[i], ml) == 0) mi = i;
  if (mi < 0) {
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)(ml < 60 ? ml : 60), m);
    const char *sug = model_diag_suggest(word, metrics, 3);
    return study_errf(err, n, "'%s': unknown metric '%s'%s%s%s; the metrics are rto, rpo, full_capacity",
                spec, word, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
  }
  t->metric = (study_target_metric)mi;
  if (t->metric == STUDY_TARGET_FULL_CAPACITY && !env_has_pool(sc, env))
    return study_errf(err, n, "'%s': environment %s scales up no standby pool, so it has no "
                "full_capacity; use rto or rpo", spec, t->env);
  const model_environment *e = &sc->environments[env];
  double obj = t->metric == STUDY_TARGET_RTO ? e->rto_s : t->metric == STUDY_TARGET_RPO ? e->rpo_s : NAN;
  t->objective = isfinite(obj) ? obj : NAN;
  if (!with_stat) {
    if (dot) return study_errf(err, n, "'%s': write the metric as %s (no statistic here)", spec, form);
    return 0;
  }
  if (!dot || !dot[1])
    return study_errf(err, n, "'%s': add the statistic, as in %s.p95 (mean, pNN or p_meet)", spec, spec);
  const char *st = dot + 1;
  if (strcmp(st, "mean") == 0) {
    t->stat = STUDY_TARGET_STAT_MEAN;
  } else if (strcmp(st, "p_meet") == 0) {
    if (isnan(t->objective))
      return study_errf(err, n, "'%s': environment %s has no %s objective, so there is no p_meet",
                  spec, t->env, study_target_metric_name(t->metric));
    t->stat = STUDY_TARGET_STAT_P_MEET;
  } else {
    double q;
    if (st[0] != 'p' || !study_grid_plain_number(st + 1, &q) || !(q > 0 && q < 100))
      return study_errf(err, n, "'%s': unknown statistic '%s'; use mean, p_meet or a percentile "
                  "pNN such as p50, p95, p99, p99.9", spec, st);
    t->stat = STUDY_TARGET_STAT_QUANTILE;
    t->q = q / 100;
  }
  return 0;
}

void study_target_stats_compute(double *values, size_t n, double q, double objective,
                             double confidence, study_target_stats *o) {
  memset(o, 0, sizeof *o);
  n = report_stats_prepare(values, n);
  o->n = n;
  o->mean = report_stats_mean(values, n, REPORT_STATS_LEVEL, NULL);
  o->p50 = report_stats_quantile(values, n, 0.50, REPORT_STATS_LEVEL);
  o->p95 = report_stats_quantile(values, n, 0.95, REPORT_STATS_LEVEL);
  o->p99 = report_stats_quantile(values, n, 0.99, REPORT_STATS_LEVEL);
  o->q = report_stats_quantile(values, n, q, REPORT_STATS_LEVEL);
  o->not_finite = report_stats_count_inf(values, n);
  /* One-sided bound at `confidence` = upper end of the two-sided interval
  ** at level 2 * confidence - 1. */
  uint64_t l, u;
  o->q_upper = INFINITY;
  if (n > 0) {
    report_stats_quantile_ranks(n, q, 2 * confidence - 1, &l, &u);
    if (u <= n) o->q_upper = values[u - 1];
  }
  o->p_meet.est = o->p_meet.lo = o->p_meet.hi = NAN;
  if (!isnan(objective)) {
    size_t k = 0;
    while (k < n && values[k] <= objective) k++;   /* sorted */
    o->n_meet = k;
    o->p_meet = report_stats_wilson(k, n, REPORT_STATS_LEVEL);
  }
}

uint64_t study_target_min_trials(double q, double confidence) {
  double x = ceil(log1p(-confidence) / log(q));
  uint64_t n = x < 1 ? 1 : x > 4e9 ? UINT64_C(4000000000) : (uint64_t)x;
  /* the closed form can be off by one in floating point: settle it with the
  ** exact ranks the criterion uses */
  uint64_t l, u;
  for (;;) {
    report_stats_quantile_ranks(n, q, 2 * confidence - 1, &l, &u);
    if (u <= n) break;
    n++;
  }
  while (n > 1) {
    report_stats_quantile_ranks(n - 1, q, 2 * confidence - 1, &l, &u);
    if (u > n - 1) break;
    n--;
  }
  return n;
}

report_stats_ci study_target_value(const study_target *t, double *values, size_t n) {
  study_target_stats s;
  double q = t->stat == STUDY_TARGET_STAT_QUANTILE ? t->q : 0.5;
  study_target_stats_compute(values, n, q, t->objective, 0.95, &s);
  switch (t->stat) {
    case STUDY_TARGET_STAT_MEAN: return s.mean;
    case STUDY_TARGET_STAT_P_MEET: return s.p_meet;
    default: return s.q;
  }
}

