/*
** reports/costs.c — annual cost figures and their Markdown section; see
** reports/costs.h.
*/
#include "reports/costs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>

double report_costs_cvar(const double *sorted, size_t n, double a) {
  if (n == 0) return NAN;
  size_t k = (size_t)ceil((1 - a) * (double)n);
  if (k < 1) k = 1;
  double s = 0;
  for (size_t i = n - k; i < n; i++) s += sorted[i];
  return s / (double)k;
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
  if (s) {
    memcpy(s, losses, n * sizeof *s);
    gsl_sort(s, 1, n);
    out->cvar95 = report_costs_cvar(s, n, 0.95);
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
          "%s. The cost of risk is the disaster rate (an assumption, `costs.disaster_rate`) "
          "times the mean loss; its interval is the mean's.\n",
          (unsigned long long)c->n, report_costs_format(c->loss.est, cur, a, sizeof a),
          report_costs_format(c->cvar95, cur, b, sizeof b));
  return ferror(out) ? -1 : 0;
}
