/*
** reports/costs.h — the annual figures of a scenario's costs (prefix
** report_costs_): from each trial's loss per disaster (models/costs.h), the
** expected annual cost of risk (disasters a year x mean loss per disaster,
** with the mean's 95 % t interval), the CVaR-95 of the loss per disaster,
** the standby's annual cost line by line, and their sum; printed as the
** "Costs" section of `drsim run` and used by `drsim optimize`.
*/
#ifndef DRSIM_REPORTS_COSTS_H
#define DRSIM_REPORTS_COSTS_H

#include <stddef.h>
#include <stdio.h>
#include "models/costs.h"
#include "models/scenario.h"
#include "reports/stats.h"

#define REPORT_COSTS_MAX_ITEMS 32

typedef struct report_costs {
  const char *currency;          /* borrowed from the scenario ("" if none) */
  uint64_t n;                    /* trials */
  double disasters_per_year;     /* NAN when the scenario gives no rate */
  report_stats_ci loss;          /* mean loss per disaster, 95 % t interval */
  double cvar95;                 /* mean of the worst 5 % of losses per disaster */
  report_stats_ci risk_annual;   /* disasters_per_year x loss (NAN without a rate) */
  double standby_annual;         /* deterministic: the scenario's choices */
  report_stats_ci total_annual;  /* standby_annual + risk_annual */
  model_costs_item items[REPORT_COSTS_MAX_ITEMS];
  size_t n_items;                /* lines of standby_annual (at most MAX_ITEMS kept) */
} report_costs;

/* Compute the figures from losses[0..n) (one per trial, not modified). */
void report_costs_compute(const model_scenario *sc, const double *losses, size_t n,
                          report_costs *out);

/* The CVaR at level a (0.95: mean of the worst 5 %) of losses[0..n) sorted
** ascending; at least one value is used. NAN for n = 0. */
double report_costs_cvar(const double *sorted, size_t n, double a);

/* Write the Markdown "### Costs" section. Returns 0 or -1 on a write error. */
int report_costs_print_md(const report_costs *c, FILE *out);

/* An amount with thousands separators and the currency: "12,345 USD". */
char *report_costs_format(double amount, const char *currency, char *buf, size_t n);

#endif
