/*
** reports/costs.c — annual cost figures and their Markdown section; see
** reports/costs.h.
*/
#include "reports/costs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

double report_costs_cvar(const double *sorted, size_t n, double a) {
  if (n == 0) return NAN;
  size_t k = (size_t)ceil((1 - a) * (double)n);
  if (k < 1) k = 1;
  double s = 0;
  for (size_t i = n - k; i < n; i++) s += sorted[i];
  return s / (double)k;
}

/* The interval from the tail's sums: s1 = sum of (x - v), s2 = sum of
** (x - v)^2 over the k tail losses (zero for the others of the n). */
static report_stats_ci cvar_interval(double est, double s1, double s2, size_t n, size_t k,
                                     double a) {
  report_stats_ci c = {est, NAN, NAN};
  if (n == 0 || k < 2) return c;
  double m = s1 / (double)n, var = s2 / (double)n - m * m;
  if (var < 0) var = 0;
  double se = sqrt(var / (double)n) / (1 - a), z = gsl_cdf_ugaussian_Pinv(0.975);
  c.lo = est - z * se;
  c.hi = est + z * se;
  return c;
}

report_stats_ci report_costs_cvar_ci(const double *sorted, size_t n, double a) {
  if (n == 0) return (report_stats_ci){NAN, NAN, NAN};
  size_t k = (size_t)ceil((1 - a) * (double)n);
  if (k < 1) k = 1;
  double v = sorted[n - k], s1 = 0, s2 = 0;
  for (size_t i = n - k; i < n; i++) {
    s1 += sorted[i] - v;
    s2 += (sorted[i] - v) * (sorted[i] - v);
  }
  return cvar_interval(report_costs_cvar(sorted, n, a), s1, s2, n, k, a);
}

void report_costs_compute(const model_scenario *sc, const double *losses, size_t n,
                          report_costs *out) {
  memset(out, 0, sizeof *out);
  out->currency = model_costs_currency(sc);
  out->n = n;
  out->disasters_per_year = model_costs_disasters_per_year(sc);
  out->loss = report_stats_mean(losses, n, 0.95, NULL);
  if (n == 1) out->loss.lo = out->loss.hi = out->loss.est;
  double *s = n ? malloc(n * sizeof *s) : NULL;
  out->cvar95 = NAN;
  out->cvar95_ci = (report_stats_ci){NAN, NAN, NAN};
  if (s) {
    memcpy(s, losses, n * sizeof *s);
    gsl_sort(s, 1, n);
    out->cvar95_ci = report_costs_cvar_ci(s, n, 0.95);
    out->cvar95 = out->cvar95_ci.est;
    free(s);
  }
  double r = out->disasters_per_year;
  out->risk_annual.est = r * out->loss.est;
  out->risk_annual.lo = r * out->loss.lo;
  out->risk_annual.hi = r * out->loss.hi;
  out->standby_annual = model_costs_standby_annual(sc, out->items, REPORT_COSTS_MAX_ITEMS,
                                                   &out->n_items);
  if (out->n_items > REPORT_COSTS_MAX_ITEMS) out->n_items = REPORT_COSTS_MAX_ITEMS;
  out->total_annual.est = out->standby_annual + out->risk_annual.est;
  out->total_annual.lo = out->standby_annual + out->risk_annual.lo;
  out->total_annual.hi = out->standby_annual + out->risk_annual.hi;
}

char *report_costs_format(double amount, const char *currency, char *buf, size_t n) {
  if (!isfinite(amount)) {
    snprintf(buf, n, "%s", isnan(amount) ? "n/a" : "inf");
    return buf;
  }
  char digits[64];
  snprintf(digits, sizeof digits, "%.0f", fabs(amount));
  char grouped[96];
  size_t len = strlen(digits), j = 0;
  for (size_t i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) grouped[j++] = ',';
    grouped[j++] = digits[i];
  }
  grouped[j] = '\0';
  snprintf(buf, n, "%s%s%s%s", amount < 0 && round(amount) != 0 ? "-" : "", grouped,
           currency && *currency ? " " : "", currency ? currency : "");
  return buf;
}

int report_costs_print_md(const report_costs *c, FILE *out) {
  char a[64], b[64], d[64], e[64];
  const char *cur = c->currency;
  fprintf(out, "\n### Costs\n\n| figure | a year [95 %% CI] |\n|---|--:|\n");
  if (isfinite(c->disasters_per_year)) {
    fprintf(out, "| cost of risk: %.3g disasters a year x mean loss per disaster %s [%s, %s] | "
            "%s", c->disasters_per_year, report_costs_format(c->loss.est, cur, a, sizeof a),
            report_costs_format(c->loss.lo, "", b, sizeof b),
            report_costs_format(c->loss.hi, "", d, sizeof d),
            report_costs_format(c->risk_annual.est, cur, e, sizeof e));
    fprintf(out, " [%s, %s] |\n", report_costs_format(c->risk_annual.lo, "", b, sizeof b),
            report_costs_format(c->risk_annual.hi, "", d, sizeof d));
  } else {
    fprintf(out, "| cost of risk (no disaster_rate: mean loss per disaster %s) | n/a |\n",
            report_costs_format(c->loss.est, cur, a, sizeof a));
  }
  for (size_t i = 0; c->n_env > 1 && i < c->n_env; i++) {
    const report_costs_env *g = &c->env[i];
    double r = isfinite(c->disasters_per_year) ? c->disasters_per_year : NAN;
    fprintf(out, "| of which %s: mean loss per disaster %s [%s, %s] | %s", g->environment,
            report_costs_format(g->loss.est, cur, a, sizeof a),
            report_costs_format(g->loss.lo, "", b, sizeof b),
            report_costs_format(g->loss.hi, "", d, sizeof d),
            report_costs_format(r * g->loss.est, cur, e, sizeof e));
    fprintf(out, " [%s, %s] |\n", report_costs_format(r * g->loss.lo, "", b, sizeof b),
            report_costs_format(r * g->loss.hi, "", d, sizeof d));
  }
  for (size_t i = 0; i < c->n_items; i++)
    fprintf(out, "| standby: %s of %s | %s |\n", c->items[i].kind, c->items[i].name,
            report_costs_format(c->items[i].annual, cur, a, sizeof a));
  fprintf(out, "| standby, in all | %s |\n", report_costs_format(c->standby_annual, cur, a, sizeof a));
  if (isfinite(c->disasters_per_year)) {
    fprintf(out, "| **total** | **%s** [%s, %s] |\n",
            report_costs_format(c->total_annual.est, cur, a, sizeof a),
            report_costs_format(c->total_annual.lo, "", b, sizeof b),
            report_costs_format(c->total_annual.hi, "", d, sizeof d));
  }
  fprintf(out, "\nLoss per disaster over %llu trials: mean %s, CVaR-95 (mean of the worst 5 %%) "
          "%s [%s, %s]. The cost of risk is the disaster rate (an assumption, "
          "`costs.disaster_rate`) times the mean loss; its interval is the mean's (95 %% t "
          "interval over the trials); the CVaR's is the asymptotic 95 %% normal interval.\n",
          (unsigned long long)c->n, report_costs_format(c->loss.est, cur, a, sizeof a),
          report_costs_format(c->cvar95, cur, b, sizeof b),
          report_costs_format(c->cvar95_ci.lo, "", d, sizeof d),
          report_costs_format(c->cvar95_ci.hi, "", e, sizeof e));
  return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------ stored costs */

int report_costs_write_run(sqlite3 *db, int64_t run_id, const model_scenario *sc) {
  if (!sc->costs || sc->mode != MODEL_MODE_DISASTER) return SQLITE_OK;
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO run_costs(run_id, currency, disasters_per_year)"
                              " VALUES (?1, ?2, ?3)", -1, &s, NULL);
  if (rc != SQLITE_OK) return rc;
  double r = model_costs_disasters_per_year(sc);
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 2, model_costs_currency(sc), -1, SQLITE_STATIC);
  if (isfinite(r)) sqlite3_bind_double(s, 3, r);
  else sqlite3_bind_null(s, 3);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return rc;
  model_costs_item items[REPORT_COSTS_MAX_ITEMS];
  size_t n = 0;
  model_costs_standby_annual(sc, items, REPORT_COSTS_MAX_ITEMS, &n);
  if (n > REPORT_COSTS_MAX_ITEMS) n = REPORT_COSTS_MAX_ITEMS;
  rc = sqlite3_prepare_v2(db, "INSERT INTO run_cost_items(run_id, item, kind, name, annual)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &s, NULL);
  if (rc != SQLITE_OK) return rc;
  for (size_t i = 0; i < n; i++) {
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, (int64_t)i);
    sqlite3_bind_text(s, 3, items[i].kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, items[i].name, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 5, items[i].annual);
    if ((rc = sqlite3_step(s)) != SQLITE_DONE) break;
    sqlite3_reset(s);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void report_costs_free(report_costs *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n_owned; i++) free(c->owned[i]);
  free(c->owned);
  free(c->env);
  free(c);
}

/* A copy of t kept until report_costs_free; NULL when out of memory. */
static const char *own(report_costs *c, const unsigned char *t) {
  char **o = realloc(c->owned, (c->n_owned + 1) * sizeof *o);
  if (!o) return NULL;
  c->owned = o;
  char *d = strdup(t ? (const char *)t : "");
  if (d) c->owned[c->n_owned++] = d;
  return d;
}

/* A running mean and sum of squared deviations (Welford). */
typedef struct welford {
  uint64_t n;
  double mean, m2;
} welford;

static void welford_add(welford *w, double x) {
  w->n++;
  double d = x - w->mean;
  w->mean += d / (double)w->n;
  w->m2 += d * (x - w->mean);
}

/* The mean with its 95 % t interval (a point for n = 1). */
static report_stats_ci welford_ci(const welford *w) {
  report_stats_ci r = {NAN, NAN, NAN};
  if (w->n == 0) return r;
  r.est = r.lo = r.hi = w->mean;
  if (w->n < 2) return r;
  double sd = sqrt(w->m2 / (double)(w->n - 1));
  double half = gsl_cdf_tdist_Pinv(0.975, (double)(w->n - 1)) * sd / sqrt((double)w->n);
  r.lo = w->mean - half;
  r.hi = w->mean + half;
  return r;
}

/* Per environment (scenario order): the mean loss. */
static int read_env(sqlite3 *db, int64_t run_id, report_costs *c) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT e.environment, count(t.trial) FROM run_environments e"
                              " LEFT JOIN trials t ON t.run_id = e.run_id AND"
                              " t.environment = e.environment AND t.loss IS NOT NULL"
                              " WHERE e.run_id = ?1 GROUP BY e.env_index ORDER BY e.env_index",
                              -1, &s, NULL);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    report_costs_env *g = realloc(c->env, (c->n_env + 1) * sizeof *g);
    if (!g) {
      rc = SQLITE_NOMEM;
      break;
    }
    c->env = g;
    c->env[c->n_env] = (report_costs_env){own(c, sqlite3_column_text(s, 0)), {NAN, NAN, NAN}};
    if (!c->env[c->n_env].environment) {
      rc = SQLITE_NOMEM;
      break;
    }
    c->n_env++;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return rc;
  rc = sqlite3_prepare_v2(db, "SELECT loss FROM trials WHERE run_id = ?1 AND environment = ?2"
                          " AND loss IS NOT NULL", -1, &s, NULL);
  if (rc != SQLITE_OK) return rc;
  for (size_t e = 0; e < c->n_env && rc == SQLITE_OK; e++) {
    welford w = {0, 0, 0};
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_text(s, 2, c->env[e].environment, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) welford_add(&w, sqlite3_column_double(s, 0));
    c->env[e].loss = welford_ci(&w);
    rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  return rc;
}

/* The trials' losses (sum over environments) in ascending order: mean,
** interval and the mean of the worst 5 %. */
static int read_totals(sqlite3 *db, int64_t run_id, report_costs *c) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT count(DISTINCT trial) FROM trials WHERE run_id = ?1"
                              " AND loss IS NOT NULL", -1, &s, NULL);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  uint64_t n = 0;
  if ((rc = sqlite3_step(s)) == SQLITE_ROW) n = (uint64_t)sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW) return rc;
  c->n = n;
  c->loss = (report_stats_ci){NAN, NAN, NAN};
  c->cvar95 = NAN;
  c->cvar95_ci = (report_stats_ci){NAN, NAN, NAN};
  if (n == 0) return SQLITE_OK;
  uint64_t k = (uint64_t)ceil(0.05 * (double)n);
  if (k < 1) k = 1;
  rc = sqlite3_prepare_v2(db, "SELECT total(loss) AS l FROM trials WHERE run_id = ?1 AND"
                          " loss IS NOT NULL GROUP BY trial ORDER BY l", -1, &s, NULL);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_int64(s, 1, run_id);
  welford w = {0, 0, 0};
  double tail = 0, v = 0, s1 = 0, s2 = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    double x = sqlite3_column_double(s, 0);
    if (w.n == n - k) v = x;
    if (w.n >= n - k) {
      tail += x;
      s1 += x - v;
      s2 += (x - v) * (x - v);
    }
    welford_add(&w, x);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return rc;
  c->loss = welford_ci(&w);
  c->cvar95 = tail / (double)k;
  c->cvar95_ci = cvar_interval(c->cvar95, s1, s2, (size_t)n, (size_t)k, 0.95);
  return SQLITE_OK;
}

int report_costs_read(sqlite3 *db, int64_t run_id, report_costs **out) {
  *out = NULL;
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT currency, disasters_per_year FROM run_costs"
                              " WHERE run_id = ?1", -1, &s, NULL);
  if (rc != SQLITE_OK) return rc == SQLITE_ERROR ? SQLITE_OK : rc;  /* before schema 9 */
  sqlite3_bind_int64(s, 1, run_id);
  rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }
  report_costs *c = calloc(1, sizeof *c);
  if (!c || !(c->currency = own(c, sqlite3_column_text(s, 0)))) {
    sqlite3_finalize(s);
    report_costs_free(c);
    return SQLITE_NOMEM;
  }
  c->disasters_per_year = sqlite3_column_type(s, 1) == SQLITE_NULL ? NAN
                                                                   : sqlite3_column_double(s, 1);
  sqlite3_finalize(s);
  rc = sqlite3_prepare_v2(db, "SELECT kind, name, annual FROM run_cost_items WHERE run_id = ?1"
                          " ORDER BY item", -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && c->n_items < REPORT_COSTS_MAX_ITEMS) {
      model_costs_item *it = &c->items[c->n_items];
      it->kind = own(c, sqlite3_column_text(s, 0));
      it->name = own(c, sqlite3_column_text(s, 1));
      it->annual = sqlite3_column_double(s, 2);
      if (!it->kind || !it->name) {
        rc = SQLITE_NOMEM;
        break;
      }
      c->standby_annual += it->annual;
      c->n_items++;
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_ROW) rc = SQLITE_DONE;
    rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
  }
  if (rc == SQLITE_OK) rc = read_totals(db, run_id, c);
  if (rc == SQLITE_OK) rc = read_env(db, run_id, c);
  if (rc != SQLITE_OK || c->n == 0) {
    report_costs_free(c);
    return rc;
  }
  double r = c->disasters_per_year;
  c->risk_annual = (report_stats_ci){r * c->loss.est, r * c->loss.lo, r * c->loss.hi};
  c->total_annual = (report_stats_ci){c->standby_annual + c->risk_annual.est,
                                      c->standby_annual + c->risk_annual.lo,
                                      c->standby_annual + c->risk_annual.hi};
  *out = c;
  return SQLITE_OK;
}

/* t, HTML-escaped. */
static void html_text(FILE *out, const char *t) {
  for (; t && *t; t++) {
    if (*t == '<') fputs("&lt;", out);
    else if (*t == '>') fputs("&gt;", out);
    else if (*t == '&') fputs("&amp;", out);
    else if (*t == '"') fputs("&quot;", out);
    else fputc(*t, out);
  }
}

/* One row: a label (escaped) and an annual figure with its interval. */
static void html_row(FILE *out, const char *l1, const char *l2, const char *l3,
                     report_stats_ci v, int ci, const char *cur) {
  char a[64], b[64], d[64];
  fputs("<tr><td class=\"l\">", out);
  html_text(out, l1);
  html_text(out, l2);
  html_text(out, l3);
  fputs("</td><td>", out);
  html_text(out, report_costs_format(v.est, cur, a, sizeof a));
  if (ci && isfinite(v.lo)) {
    fputs(" [", out);
    html_text(out, report_costs_format(v.lo, "", b, sizeof b));
    fputs(", ", out);
    html_text(out, report_costs_format(v.hi, "", d, sizeof d));
    fputs("]", out);
  }
  fputs("</td></tr>\n", out);
}

int report_costs_print_html(const report_costs *c, FILE *out) {
  char a[64], b[64], d[64], line[256];
  const char *cur = c->currency;
  double r = c->disasters_per_year;
  fputs("<section id=\"costs\"><h2>Costs</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
        "<th class=\"l\">figure</th><th>a year [95 % CI]</th></tr></thead>\n", out);
  snprintf(line, sizeof line, "%.3g disasters a year x mean loss per disaster %s [%s, %s]", r,
           report_costs_format(c->loss.est, cur, a, sizeof a),
           report_costs_format(c->loss.lo, "", b, sizeof b),
           report_costs_format(c->loss.hi, "", d, sizeof d));
  html_row(out, "cost of risk: ", line, "", c->risk_annual, 1, cur);
  for (size_t i = 0; c->n_env > 1 && i < c->n_env; i++) {
    const report_costs_env *g = &c->env[i];
    html_row(out, "of which ", g->environment, "",
             (report_stats_ci){r * g->loss.est, r * g->loss.lo, r * g->loss.hi}, 1, cur);
  }
  for (size_t i = 0; i < c->n_items; i++) {
    snprintf(line, sizeof line, "%s of ", c->items[i].kind);
    html_row(out, "standby: ", line, c->items[i].name,
             (report_stats_ci){c->items[i].annual, NAN, NAN}, 0, cur);
  }
  html_row(out, "standby, in all", "", "", (report_stats_ci){c->standby_annual, NAN, NAN}, 0, cur);
  html_row(out, "total", "", "", c->total_annual, 1, cur);
  fprintf(out, "</table></div>\n<p>Loss per disaster over %llu trials: mean ",
          (unsigned long long)c->n);
  html_text(out, report_costs_format(c->loss.est, cur, a, sizeof a));
  fputs(", CVaR-95 (mean of the worst 5 %) ", out);
  html_text(out, report_costs_format(c->cvar95, cur, a, sizeof a));
  fputs(" [", out);
  html_text(out, report_costs_format(c->cvar95_ci.lo, "", a, sizeof a));
  fputs(", ", out);
  html_text(out, report_costs_format(c->cvar95_ci.hi, "", a, sizeof a));
  fputs("]. The cost of risk is the disaster rate (an assumption, <code>costs.disaster_rate</code>)"
        " times the mean loss; its interval is the mean's (95 % t interval over the trials);"
        " the CVaR's is the asymptotic 95 % normal interval.</p></section>\n", out);
  return ferror(out) ? -1 : 0;
}
