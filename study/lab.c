/*
** study/lab.c — per-trial values, metric statistics and paired changes
** of `drsim serve`'s evaluations (see lab.h).
*/
#include "study/lab.h"
#include "models/outcome.h"
#include "reports/json.h"
#include "reports/stats.h"
#include "reports/summary.h"

#include <math.h>
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
