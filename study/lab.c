/*
** study/lab.c — per-trial values, metric statistics and paired changes
** of `drsim serve`'s evaluations, the evaluations and the baseline cache
** (see lab.h).
*/
#include "study/lab.h"
#include "models/outcome.h"
#include "reports/json.h"
#include "reports/stats.h"
#include "reports/summary.h"
#include "study/point.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CDF_POINTS 200

static const char *const metric_names[STUDY_LAB_METRICS] = {"rto", "rpo"};

const char *study_lab_metric_name(size_t m) {
  return m < STUDY_LAB_METRICS ? metric_names[m] : "";
}

/* A number by reports/json.h's conventions: null for NaN, "inf" for +inf. */
static json_t *num(double v) { return report_json_number(v); }

static json_t *ci_json(report_stats_ci c) {
  return json_pack("{s:o, s:o, s:o}", "est", num(c.est), "lo", num(c.lo), "hi", num(c.hi));
}

int study_lab_values_init(study_lab_values *lv, size_t n_env, uint64_t n, study_error *err) {
  memset(lv, 0, sizeof *lv);
  if (n_env > STUDY_LAB_MAX_ENV) n_env = STUDY_LAB_MAX_ENV;
  lv->n_env = n_env;
  lv->n = n;
  size_t count = n_env * STUDY_LAB_METRICS * (size_t)n;
  lv->v = malloc((count ? count : 1) * sizeof *lv->v);
  if (!lv->v) return study_fail(err, STUDY_EIO, "out of memory for the trials of this request");
  for (size_t i = 0; i < count; i++) lv->v[i] = NAN;
  return STUDY_OK;
}

void study_lab_values_clear(study_lab_values *lv) {
  if (!lv) return;
  free(lv->v);
  lv->v = NULL;
}

void study_lab_values_observe(study_lab_values *lv, const model_scenario *sc, uint64_t first,
                              size_t n, const void *records) {
  size_t size = model_outcome_size(sc);
  const unsigned char *rec = records;
  size_t n_env = sc->n_environments < lv->n_env ? sc->n_environments : lv->n_env;
  for (size_t i = 0; i < n; i++, rec += size) {
    model_trial_view v = model_outcome_view(sc, (void *)rec);
    uint64_t t = first + i;
    if (t >= lv->n) continue;
    for (size_t e = 0; e < n_env; e++) {
      const model_env_outcome *o = &v.env[e];
      /* Trials the disaster did not touch are left out, as the summary
      ** leaves them out (NAN: not counted). */
      lv->v[(e * STUDY_LAB_METRICS + 0) * lv->n + t] =
          !o->affected ? NAN : o->recovered ? o->rto_s : INFINITY;
      lv->v[(e * STUDY_LAB_METRICS + 1) * lv->n + t] =
          !o->affected ? NAN : o->recovered ? o->rpo_s : INFINITY;
    }
  }
}

void study_lab_values_objectives(study_lab_values *lv, const model_scenario *sc) {
  for (size_t e = 0; e < lv->n_env && e < sc->n_environments; e++) {
    lv->objective[e][0] = sc->environments[e].rto_s;
    lv->objective[e][1] = sc->environments[e].rpo_s;
  }
}

int study_lab_memory_store(report_store **out, study_error *err) {
  *out = NULL;
  report_error rerr;
  if (report_store_open(":memory:", REPORT_STORE_READWRITE, out, &rerr) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", rerr.text);
  return STUDY_OK;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Stats of one (env, metric) of an evaluation: the summary row's figures
** (what `drsim run` prints) and CDF points from the per-trial values. */
static json_t *metric_stats(const report_summary_row *row, const double *values, uint64_t n) {
  double *s = malloc((size_t)(n ? n : 1) * sizeof *s);
  if (!s) return NULL;
  uint64_t kept = 0;
  for (uint64_t i = 0; i < n; i++)
    if (!isnan(values[i])) s[kept++] = values[i];   /* unaffected trials are not counted */
  n = kept;
  qsort(s, (size_t)n, sizeof *s, compare_double);
  json_t *cdf = json_array();
  size_t last = (size_t)-1;
  for (size_t j = 0; cdf && n && j <= CDF_POINTS; j++) {
    size_t idx = (size_t)llround((double)j * (double)(n - 1) / CDF_POINTS);
    if (idx == last || !isfinite(s[idx])) continue;
    /* the share at or below x: the last index holding the same value */
    size_t k = idx;
    while (k + 1 < n && s[k + 1] == s[idx]) k++;
    last = k;
    json_array_append_new(cdf, json_pack("[f, f]", s[idx], (double)(k + 1) / (double)n));
  }
  free(s);
  if (!cdf) return NULL;
  return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o}", "n", (json_int_t)row->n,
                   "p_meet", ci_json(row->p_meet), "mean", ci_json(row->mean), "p50",
                   ci_json(row->p50), "p90", ci_json(row->p90), "p95", ci_json(row->p95), "p99",
                   ci_json(row->p99), "max", num(row->max), "not_recovered",
                   (json_int_t)row->not_recovered, "cdf", cdf);
}

int study_lab_stats(report_store *st, int64_t run_id, const study_lab_values *lv,
                    json_t **out, json_t **summary, study_error *err) {
  *out = NULL;
  *summary = NULL;
  report_summary *s = NULL;
  report_error rerr;
  if (report_summary_build(st, run_id, &s, &rerr) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", rerr.text);
  const report_summary_row *rows;
  size_t n_rows = report_summary_rows(s, &rows);
  json_t *all = json_array();
  *summary = report_json_summary(s);   /* what `drsim run --format json` prints */
  for (size_t e = 0; all && e < lv->n_env; e++) {
    json_t *per = json_array();
    for (size_t m = 0; per && m < STUDY_LAB_METRICS; m++) {
      const report_summary_row *row = NULL;
      /* rows are in environment order, then metric order */
      size_t env_seen = 0;
      const char *prev = NULL;
      for (size_t r = 0; r < n_rows; r++) {
        if (prev && strcmp(prev, rows[r].environment)) env_seen++;
        prev = rows[r].environment;
        if (env_seen == e && !strcmp(rows[r].metric, metric_names[m])) row = &rows[r];
      }
      json_t *js = row ? metric_stats(row, lv->v + (e * STUDY_LAB_METRICS + m) * lv->n, lv->n)
                       : NULL;
      if (!js) {
        json_decref(per);
        per = NULL;
        break;
      }
      json_array_append_new(per, js);
    }
    if (!per) {
      json_decref(all);
      all = NULL;
      break;
    }
    json_array_append_new(all, per);
  }
  report_summary_free(s);
  if (!all || !*summary) {
    json_decref(all);
    json_decref(*summary);
    *summary = NULL;
    return study_fail(err, STUDY_EIO,
                      "out of memory (or a missing summary row) building the result");
  }
  *out = all;
  return STUDY_OK;
}

json_t *study_lab_paired_change(const study_lab_values *cur, const study_lab_values *base,
                                size_t e, size_t m) {
  double oc = cur->objective[e][m], ob = base->objective[e][m];
  if (!isfinite(oc) || !isfinite(ob) || cur->n != base->n || cur->n == 0)
    return json_pack("{s:n, s:n, s:n, s:i, s:i}", "est", "lo", "hi", "better", 0, "worse", 0);
  const double *x = cur->v + (e * STUDY_LAB_METRICS + m) * cur->n;
  const double *y = base->v + (e * STUDY_LAB_METRICS + m) * base->n;
  double *d = malloc((size_t)cur->n * sizeof *d);
  if (!d) return NULL;
  uint64_t better = 0, worse = 0;
  size_t k = 0;
  for (uint64_t i = 0; i < cur->n; i++) {
    if (isnan(x[i]) || isnan(y[i])) continue;   /* affected in both configurations only */
    int a = x[i] <= oc, b = y[i] <= ob;
    d[k++] = (double)(a - b);
    better += a > b;
    worse += a < b;
  }
  report_stats_ci c = report_stats_mean(d, k, REPORT_STATS_LEVEL, NULL);
  free(d);
  if (better == 0 && worse == 0) c.lo = c.hi = 0;   /* identical in every trial */
  return json_pack("{s:o, s:o, s:o, s:I, s:I}", "est", num(c.est), "lo", num(c.lo), "hi",
                   num(c.hi), "better", (json_int_t)better, "worse", (json_int_t)worse);
}

/* ------------------------------------------------------------ evaluations */

struct study_lab_baseline {
  uint64_t seed, trials;
  study_lab_values vals;
  json_t *stats;            /* [env][metric] stats objects */
  json_t *summary;          /* report_json_summary of the baseline run */
  int refs;                 /* the cache's own + users' */
  uint64_t last_used;
};

struct study_lab {
  const char *path, *text;
  const model_scenario *sc;
  unsigned threads;
  pthread_mutex_t cache_lock;     /* cache, clock, refs, reading baselines' JSON */
  pthread_mutex_t compute_lock;   /* one baseline computed at a time */
  study_lab_baseline *cache[STUDY_LAB_CACHE];
  uint64_t clock;
};

int study_lab_new(const char *path, const char *text, const model_scenario *sc,
                  unsigned threads, study_lab **out, study_error *err) {
  study_lab *lab = calloc(1, sizeof *lab);
  *out = lab;
  if (!lab) return study_fail(err, STUDY_EIO, "out of memory");
  pthread_mutex_init(&lab->cache_lock, NULL);
  pthread_mutex_init(&lab->compute_lock, NULL);
  lab->path = path;
  lab->text = text;
  lab->sc = sc;
  lab->threads = threads;
  return STUDY_OK;
}

static void baseline_unref(study_lab *lab, study_lab_baseline *b) {
  if (!b) return;
  pthread_mutex_lock(&lab->cache_lock);
  int last = --b->refs == 0;
  pthread_mutex_unlock(&lab->cache_lock);
  if (last) {
    study_lab_values_clear(&b->vals);
    json_decref(b->stats);
    json_decref(b->summary);
    free(b);
  }
}

void study_lab_free(study_lab *lab) {
  if (!lab) return;
  for (size_t i = 0; i < STUDY_LAB_CACHE; i++) baseline_unref(lab, lab->cache[i]);
  pthread_mutex_destroy(&lab->cache_lock);
  pthread_mutex_destroy(&lab->compute_lock);
  free(lab);
}

static int observe(void *ctx, const model_scenario *sc, uint64_t first, size_t n,
                   const void *records) {
  study_lab_watch *w = ctx;
  if (w->vals) study_lab_values_observe(w->vals, sc, first, n, records);
  w->seen += n;
  const study_lab_ctl *ctl = w->ctl;
  if (ctl && ctl->progress) ctl->progress(ctl->ctx, w->done_before + w->seen, w->total);
  if (ctl && ctl->poll && ctl->poll(ctl->ctx)) w->stop = 1;
  return 0;
}

int study_lab_evaluate(study_lab *lab, const study_lab_config *c, report_store *st,
                       const char *detail, study_lab_watch *w, model_diag *diag,
                       int64_t *run_id, study_error *err) {
  err->text[0] = '\0';
  w->point_failed = 0;
  *run_id = 0;
  if (w->vals) {
    int rs = study_lab_values_init(w->vals, lab->sc->n_environments, c->trials, err);
    if (rs != STUDY_OK) return rs;
  }
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "serve";
  p.scenario_path = lab->path;
  p.scenario_text = lab->text;
  p.overrides = c->overrides;
  p.n_overrides = c->n_overrides;
  p.seed_given = 1;
  p.seed = c->seed;
  p.trials_given = 1;
  p.trials = c->trials;
  p.threads = lab->threads;
  p.store = st;
  p.point = -1;
  p.detail = detail;
  p.stop_flag = &w->stop;
  p.diag = diag;
  p.observe = observe;
  p.observe_ctx = w;
  if (w->ctl && w->ctl->poll && w->ctl->poll(w->ctl->ctx)) w->stop = 1;
  int rc = w->stop ? STUDY_INTERRUPTED : study_point_run(&p, err);
  *run_id = p.run_id;
  if (rc == STUDY_EIO) w->point_failed = 1;
  else if (rc == STUDY_OK && w->vals && p.sc) study_lab_values_objectives(w->vals, p.sc);
  w->done_before += w->seen;
  w->seen = 0;
  study_point_clear(&p);
  return rc;
}

int study_lab_evaluate_stats(study_lab *lab, const study_lab_config *c, study_lab_watch *w,
                             model_diag *diag, json_t **stats, json_t **summary,
                             study_error *err) {
  report_store *st = NULL;
  int rc = study_lab_memory_store(&st, err);
  if (rc != STUDY_OK) return rc;
  int64_t run_id = 0;
  rc = study_lab_evaluate(lab, c, st, "summary", w, diag, &run_id, err);
  if (rc == STUDY_OK) rc = study_lab_stats(st, run_id, w->vals, stats, summary, err);
  report_store_close(st);
  return rc;
}

/* A cached baseline for (seed, trials) with a reference taken, or NULL. */
static study_lab_baseline *cached(study_lab *lab, uint64_t seed, uint64_t trials) {
  study_lab_baseline *found = NULL;
  pthread_mutex_lock(&lab->cache_lock);
  for (size_t i = 0; i < STUDY_LAB_CACHE; i++) {
    study_lab_baseline *b = lab->cache[i];
    if (b && b->seed == seed && b->trials == trials) {
      b->refs++;
      b->last_used = ++lab->clock;
      found = b;
    }
  }
  pthread_mutex_unlock(&lab->cache_lock);
  return found;
}

/* Put b in the cache in place of the least recently used. */
static void cache_put(study_lab *lab, study_lab_baseline *b) {
  b->refs = 2;   /* the cache's and the caller's */
  pthread_mutex_lock(&lab->cache_lock);
  size_t slot = 0;
  for (size_t i = 0; i < STUDY_LAB_CACHE; i++) {
    if (!lab->cache[i]) { slot = i; break; }
    if (lab->cache[i]->last_used < lab->cache[slot]->last_used) slot = i;
  }
  study_lab_baseline *old = lab->cache[slot];
  b->last_used = ++lab->clock;
  lab->cache[slot] = b;
  pthread_mutex_unlock(&lab->cache_lock);
  baseline_unref(lab, old);
}

int study_lab_baseline_get(study_lab *lab, uint64_t seed, uint64_t trials, study_lab_watch *w,
                           model_diag *diag, const study_lab_baseline **out, study_error *err) {
  err->text[0] = '\0';
  if ((*out = cached(lab, seed, trials))) return STUDY_OK;
  pthread_mutex_lock(&lab->compute_lock);
  if ((*out = cached(lab, seed, trials))) {   /* computed while we waited */
    pthread_mutex_unlock(&lab->compute_lock);
    return STUDY_OK;
  }
  study_lab_baseline *b = calloc(1, sizeof *b);
  if (!b) {
    pthread_mutex_unlock(&lab->compute_lock);
    return study_fail(err, STUDY_EIO, "out of memory");
  }
  b->seed = seed;
  b->trials = trials;
  study_lab_config c = {NULL, 0, seed, trials};
  w->vals = &b->vals;
  int rc = study_lab_evaluate_stats(lab, &c, w, diag, &b->stats, &b->summary, err);
  w->vals = NULL;
  if (rc != STUDY_OK) {
    pthread_mutex_unlock(&lab->compute_lock);
    study_lab_values_clear(&b->vals);
    free(b);
    return rc;
  }
  cache_put(lab, b);
  pthread_mutex_unlock(&lab->compute_lock);
  *out = b;
  return STUDY_OK;
}

void study_lab_baseline_release(study_lab *lab, const study_lab_baseline *b) {
  baseline_unref(lab, (study_lab_baseline *)b);
}

const study_lab_values *study_lab_baseline_values(const study_lab_baseline *b) {
  return &b->vals;
}

json_t *study_lab_baseline_summary(study_lab *lab, const study_lab_baseline *b) {
  pthread_mutex_lock(&lab->cache_lock);
  json_t *s = json_deep_copy(b->summary);
  pthread_mutex_unlock(&lab->cache_lock);
  return s;
}

json_t *study_lab_environments(study_lab *lab, const study_lab_baseline *base,
                               const study_lab_values *cur, json_t *cur_stats) {
  const study_lab_values *cv = cur_stats ? cur : &base->vals;
  json_t *envs = json_array();
  for (size_t e = 0; envs && e < lab->sc->n_environments; e++) {
    json_t *metrics = json_array();
    int worst = MODEL_MEET_MEETS;   /* the environment's verdict: its worst objective's */
    for (size_t m = 0; metrics && m < STUDY_LAB_METRICS; m++) {
      pthread_mutex_lock(&lab->cache_lock);   /* read the shared baseline under the lock */
      json_t *bs = json_deep_copy(json_array_get(json_array_get(base->stats, e), m));
      json_t *cs = cur_stats ? json_incref(json_array_get(json_array_get(cur_stats, e), m))
                             : json_deep_copy(bs);
      pthread_mutex_unlock(&lab->cache_lock);
      json_t *pm = json_object_get(json_object_get(cs, "p_meet"), "est");
      json_t *nt = json_object_get(cs, "n");
      if (json_is_number(pm) && json_is_integer(nt)) {   /* the one rule (models/meet.h) */
        uint64_t n = (uint64_t)json_integer_value(nt);
        model_meet_verdict v = model_meet_judge(&lab->sc->meet, n,
                                                (uint64_t)llround(json_number_value(pm) * (double)n));
        if (v == MODEL_MEET_NO_DATA) v = MODEL_MEET_MISSES;
        if ((int)v > worst) worst = (int)v;
      }
      double obj = cv->objective[e][m];
      json_array_append_new(metrics, json_pack("{s:s, s:o, s:o, s:o, s:o}", "metric",
                                               study_lab_metric_name(m), "objective",
                                               isfinite(obj) ? json_real(obj) : json_null(),
                                               "current", cs, "baseline", bs, "change",
                                               study_lab_paired_change(cv, &base->vals, e, m)));
    }
    json_array_append_new(envs, json_pack("{s:s, s:s, s:o}", "name",
                                          lab->sc->environments[e].name, "verdict",
                                          model_meet_verdict_name((model_meet_verdict)worst),
                                          "metrics", metrics));
  }
  return envs;
}
