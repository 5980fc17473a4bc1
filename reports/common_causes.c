/*
** reports/common_causes.c — the run's common causes in the results
** database and the objectives broken down by which causes occurred
** (contract in reports/common_causes.h).
*/
#include "reports/common_causes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/md.h"
#include "reports/stats.h"

int report_cc_write_run(sqlite3 *db, int64_t run_id, const model_scenario *sc) {
  if (!sc->n_common_causes) return SQLITE_OK;
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO run_common_causes VALUES (?1,?2,?3,?4)", -1, &s,
                              NULL);
  for (size_t i = 0; rc == SQLITE_OK && i < sc->n_common_causes; i++) {
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, (int64_t)i);
    sqlite3_bind_text(s, 3, sc->common_causes[i].name, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 4, sc->common_causes[i].probability);
    rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  return rc;
}

int report_cc_append(sqlite3 *db, int64_t run_id, const model_scenario *sc, uint64_t first,
                     size_t n, const model_trial_view *views) {
  if (!sc->n_common_causes) return SQLITE_OK;
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO common_cause_trials VALUES (?1,?2,?3)", -1, &s,
                              NULL);
  for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
    uint64_t m = 0;
    for (size_t e = 0; e < sc->n_environments; e++) m |= views[i].env[e].common_causes;
    for (size_t k = 0; rc == SQLITE_OK && k < sc->n_common_causes; k++) {
      if (!(m >> k & 1)) continue;
      sqlite3_bind_int64(s, 1, run_id);
      sqlite3_bind_int64(s, 2, (int64_t)(first + i));
      sqlite3_bind_int64(s, 3, (int64_t)k);
      rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
      sqlite3_reset(s);
    }
  }
  sqlite3_finalize(s);
  return rc;
}

void report_cc_free(report_cc_table *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n_rows; i++) {
    free(t->rows[i].environment);
    free(t->rows[i].cause);
  }
  free(t->rows);
  free(t);
}

static char *dup_text(const unsigned char *s) {
  const char *x = s ? (const char *)s : "";
  size_t n = strlen(x) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, x, n);
  return d;
}

/* One group's row from its RTO values x[0..n) (scratch: sorted here). */
static int add_row(report_cc_table *t, size_t *cap, const char *env, const char *cause,
                   int occurred, double *x, size_t n, size_t n_env, double objective) {
  if (t->n_rows == *cap) {
    size_t nc = *cap ? 2 * *cap : 16;
    report_cc_row *r = realloc(t->rows, nc * sizeof *r);
    if (!r) return -1;
    t->rows = r;
    *cap = nc;
  }
  report_cc_row *r = &t->rows[t->n_rows];
  memset(r, 0, sizeof *r);
  r->environment = dup_text((const unsigned char *)env);
  r->cause = cause ? dup_text((const unsigned char *)cause) : NULL;
  if (!r->environment || (cause && !r->cause)) {
    free(r->environment);
    free(r->cause);
    return -1;
  }
  t->n_rows++;
  r->occurred = occurred;
  r->n = n;
  r->share = n_env ? (double)n / (double)n_env : NAN;
  n = report_stats_prepare(x, n);
  r->rto_p50 = n ? report_stats_quantile(x, n, 0.5, REPORT_STATS_LEVEL).est : NAN;
  r->rto_p95 = n ? report_stats_quantile(x, n, 0.95, REPORT_STATS_LEVEL).est : NAN;
  r->rto_objective_s = objective;
  r->not_recovered = report_stats_count_inf(x, n);
  r->meet = r->meet_lo = r->meet_hi = NAN;
  if (isfinite(objective) && n) {
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++) k += x[i] <= objective;
    report_stats_ci ci = report_stats_wilson(k, n, REPORT_STATS_LEVEL);
    r->meet = ci.est;
    r->meet_lo = ci.lo;
    r->meet_hi = ci.hi;
  }
  return 0;
}

int report_cc_breakdown(sqlite3 *db, int64_t run_id, report_cc_table **out) {
  *out = NULL;
  report_cc_table *t = calloc(1, sizeof *t);
  char **names = NULL;
  char **envs = NULL;
  double *objective = NULL, *rto = NULL, *x = NULL;
  uint64_t *mask = NULL;
  size_t n_env = 0, cap = 0;
  sqlite3_stmt *s = NULL;
  int rc = t ? SQLITE_OK : SQLITE_NOMEM;
  /* the causes */
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, "SELECT name FROM run_common_causes WHERE run_id = ?1 "
                            "ORDER BY cause_index", -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && t->n_causes < 64) {
      char **nn = realloc(names, (t->n_causes + 1) * sizeof *nn);
      if (!nn) { rc = SQLITE_NOMEM; break; }
      names = nn;
      if (!(names[t->n_causes] = dup_text(sqlite3_column_text(s, 0)))) { rc = SQLITE_NOMEM; break; }
      t->n_causes++;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  s = NULL;
  /* the environments and their RTO objectives */
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, "SELECT environment, rto_objective_s FROM run_environments "
                            "WHERE run_id = ?1 ORDER BY env_index", -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      char **ne = realloc(envs, (n_env + 1) * sizeof *ne);
      double *no = realloc(objective, (n_env + 1) * sizeof *no);
      if (ne) envs = ne;
      if (no) objective = no;
      if (!ne || !no || !(envs[n_env] = dup_text(sqlite3_column_text(s, 0)))) {
        rc = SQLITE_NOMEM;
        break;
      }
      objective[n_env] = sqlite3_column_type(s, 1) == SQLITE_NULL ? INFINITY
                                                                   : sqlite3_column_double(s, 1);
      n_env++;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  s = NULL;
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, "SELECT trials_done FROM runs WHERE id = ?1", -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, run_id);
    if (sqlite3_step(s) == SQLITE_ROW) t->trials = (uint64_t)sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  s = NULL;
  /* per environment: each affected trial's RTO and set of causes */
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(
        db, "SELECT t.rto_s, t.recovered, (SELECT coalesce(sum(1 << c.cause_index), 0) FROM "
            "common_cause_trials c WHERE c.run_id = t.run_id AND c.trial = t.trial) "
            "FROM trials t WHERE t.run_id = ?1 AND t.environment = ?2 AND "
            "coalesce(t.affected, 1) != 0", -1, &s, NULL);
  for (size_t e = 0; rc == SQLITE_OK && e < n_env; e++) {
    size_t n = 0, ncap = 0;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_text(s, 2, envs[e], -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      if (n == ncap) {
        ncap = ncap ? 2 * ncap : 1024;
        double *nr = realloc(rto, ncap * sizeof *nr);
        if (nr) rto = nr;
        uint64_t *nm = realloc(mask, ncap * sizeof *nm);
        if (nm) mask = nm;
        double *nx = realloc(x, ncap * sizeof *nx);
        if (nx) x = nx;
        if (!nr || !nm || !nx) { rc = SQLITE_NOMEM; break; }
      }
      int null = sqlite3_column_type(s, 0) == SQLITE_NULL;
      rto[n] = null ? (sqlite3_column_int(s, 1) ? NAN : INFINITY) : sqlite3_column_double(s, 0);
      mask[n] = (uint64_t)sqlite3_column_int64(s, 2);
      n++;
    }
    if (rc != SQLITE_DONE) break;
    rc = SQLITE_OK;
    sqlite3_reset(s);
    /* no common cause, then each cause occurred / not */
    for (long k = -1; rc == SQLITE_OK && k < (long)t->n_causes; k++) {
      for (int occ = 1; occ >= (k < 0 ? 1 : 0); occ--) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
          int in = k < 0 ? mask[i] == 0 : (int)(mask[i] >> k & 1) == occ;
          if (in) x[m++] = rto[i];
        }
        if (add_row(t, &cap, envs[e], k < 0 ? NULL : names[k], k < 0 ? 0 : occ, x, m, n,
                    objective[e]))
          rc = SQLITE_NOMEM;
      }
    }
  }
  sqlite3_finalize(s);
  for (size_t i = 0; names && i < t->n_causes; i++) free(names[i]);
  free(names);
  for (size_t e = 0; e < n_env; e++) free(envs[e]);
  free(envs);
  free(objective);
  free(rto);
  free(mask);
  free(x);
  if (rc != SQLITE_OK) {
    report_cc_free(t);
    return rc;
  }
  *out = t;
  return SQLITE_OK;
}

static const char *pct(double p, char *buf, size_t n) {
  if (isnan(p)) snprintf(buf, n, "-");
  else snprintf(buf, n, "%.1f", 100 * p);
  return buf;
}

int report_cc_write_md(FILE *out, const report_cc_table *t) {
  fprintf(out, "### Objectives by common cause\n\n");
  if (!t->n_causes) {
    fprintf(out, "The scenario of this run has no common causes.\n");
    return ferror(out) ? -1 : 0;
  }
  fprintf(out, "| environment | common cause | trials | share | RTO p50 | RTO p95 | objective "
               "| meets objective [95 %% CI] | not recovered |\n"
               "|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
  for (size_t i = 0; i < t->n_rows; i++) {
    const report_cc_row *r = &t->rows[i];
    char a[48], b[48], c[48], p1[16], p2[16], p3[16], sh[16], who[200];
    if (!r->cause) snprintf(who, sizeof who, "none occurred");
    else snprintf(who, sizeof who, "%s %s", r->cause, r->occurred ? "occurred" : "did not occur");
    fprintf(out, "| %s | %s | %llu | %s %% | %s | %s | %s | ", r->environment, who,
            (unsigned long long)r->n, pct(r->share, sh, sizeof sh),
            report_md_format_duration(r->rto_p50, a, sizeof a),
            report_md_format_duration(r->rto_p95, b, sizeof b),
            isfinite(r->rto_objective_s) ? report_md_format_duration(r->rto_objective_s, c, sizeof c)
                                         : "-");
    if (isnan(r->meet)) fprintf(out, "- ");
    else fprintf(out, "%s %% [%s, %s] ", pct(r->meet, p1, sizeof p1), pct(r->meet_lo, p2, sizeof p2),
                 pct(r->meet_hi, p3, sizeof p3));
    fprintf(out, "| %llu |\n", (unsigned long long)r->not_recovered);
  }
  fprintf(out, "\nTrials that affect each environment, grouped by the common causes drawn in "
               "them (several may occur in one trial, so the groups of different causes "
               "overlap); percentiles count trials that never recovered as infinite, meeting "
               "the objective is the Wilson interval.\n");
  return ferror(out) ? -1 : 0;
}

static void csv_num(FILE *out, double x) {
  if (isnan(x)) return;
  if (isinf(x)) fputs(x > 0 ? "inf" : "-inf", out);
  else fprintf(out, "%.17g", x);
}

int report_cc_write_csv(FILE *out, const report_cc_table *t) {
  fputs("environment,cause,occurred,trials,share,rto_p50_s,rto_p95_s,rto_objective_s,meet,"
        "meet_lo,meet_hi,not_recovered\n", out);
  for (size_t i = 0; i < t->n_rows; i++) {
    const report_cc_row *r = &t->rows[i];
    /* names are [A-Za-z0-9._-]: no quoting needed */
    fprintf(out, "%s,%s,%d,%llu,", r->environment, r->cause ? r->cause : "", r->occurred,
            (unsigned long long)r->n);
    double v[] = {r->share, r->rto_p50, r->rto_p95, r->rto_objective_s, r->meet, r->meet_lo,
                  r->meet_hi};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
      csv_num(out, v[k]);
      fputc(',', out);
    }
    fprintf(out, "%llu\n", (unsigned long long)r->not_recovered);
  }
  return ferror(out) ? -1 : 0;
}
