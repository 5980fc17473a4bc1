/*
** reports/costs.h — the annual figures of a scenario's costs (prefix
** report_costs_): from each trial's loss per disaster (models/costs.h), the
** expected annual cost of risk (disasters a year x mean loss per disaster,
** with the mean's 95 % t interval), the CVaR-95 of the loss per disaster,
** the standby's annual cost line by line, and their sum; printed as the
** "Costs" section of `drsim run` and `drsim report` and used by
** `drsim optimize`.
**
** Storage (schema version 9, reports/store_schema.c): a run of a scenario
** with costs (disaster mode) gets one row in run_costs (currency, disasters
** a year) and its standby lines in run_cost_items, written when the run
** begins; each trial row keeps the environment's loss (trials.loss,
** models/costs.h model_costs_record_losses). report_costs_read computes
** every figure from these, so a run, its --resume, a merge of its shards and
** `drsim report` print the same costs.
*/
#ifndef DRSIM_REPORTS_COSTS_H
#define DRSIM_REPORTS_COSTS_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>
#include "models/costs.h"
#include "models/scenario.h"
#include "reports/stats.h"

#define REPORT_COSTS_MAX_ITEMS 32

/* The tables of the run's cost terms (one schema migration step). */
#define REPORT_COSTS_SCHEMA                                                \
  "CREATE TABLE run_costs ("                                               \
  " run_id INTEGER PRIMARY KEY REFERENCES runs(id),"                       \
  " currency TEXT NOT NULL,"                                               \
  " disasters_per_year REAL);"                                             \
  "CREATE TABLE run_cost_items ("                                          \
  " run_id INTEGER NOT NULL REFERENCES runs(id),"                          \
  " item INTEGER NOT NULL,"                                                \
  " kind TEXT NOT NULL,"                                                   \
  " name TEXT NOT NULL,"                                                   \
  " annual REAL NOT NULL,"                                                 \
  " PRIMARY KEY (run_id, item));"

/* One environment's share of the loss per disaster. */
typedef struct report_costs_env {
  const char *environment;
  report_stats_ci loss;          /* mean over the trials, 95 % t interval */
} report_costs_env;

typedef struct report_costs {
  const char *currency;          /* borrowed from the scenario ("" if none) */
  uint64_t n;                    /* trials */
  double disasters_per_year;     /* NAN when the scenario gives no rate */
  report_stats_ci loss;          /* mean loss per disaster, 95 % t interval */
  double cvar95;                 /* mean of the worst 5 % of losses per disaster */
  report_stats_ci cvar95_ci;     /* cvar95 with its asymptotic 95 % interval */
  report_stats_ci risk_annual;   /* disasters_per_year x loss (NAN without a rate) */
  double standby_annual;         /* deterministic: the scenario's choices */
  report_stats_ci total_annual;  /* standby_annual + risk_annual */
  model_costs_item items[REPORT_COSTS_MAX_ITEMS];
  size_t n_items;                /* lines of standby_annual (at most MAX_ITEMS kept) */
  report_costs_env *env;         /* report_costs_read: per environment (else NULL) */
  size_t n_env;
  char **owned;                  /* report_costs_read: the strings it allocated */
  size_t n_owned;
} report_costs;

/* Store the run's cost terms (inside the caller's transaction): nothing
** unless sc is in disaster mode with a costs block. Returns an SQLite
** result code. */
int report_costs_write_run(sqlite3 *db, int64_t run_id, const model_scenario *sc);

/* Read run_id's costs: *out NULL when the run has none (no costs block,
** lifetime mode, stored before schema 9, or no trial with a loss). The
** loss per disaster is each trial's sum over environments; its mean, t
** interval and CVaR-95 are over the trials, read in a streaming sort
** (memory does not grow with the trials). Returns an SQLite result code;
** free *out with report_costs_free. */
int report_costs_read(sqlite3 *db, int64_t run_id, report_costs **out);
void report_costs_free(report_costs *c);   /* NULL is a no-op */

/* Compute the figures from losses[0..n) (one per trial, not modified). */
void report_costs_compute(const model_scenario *sc, const double *losses, size_t n,
                          report_costs *out);

/* The CVaR at level a (0.95: mean of the worst 5 %) of losses[0..n) sorted
** ascending; at least one value is used. NAN for n = 0. */
double report_costs_cvar(const double *sorted, size_t n, double a);

/* The CVaR at level a of losses[0..n) sorted ascending with its asymptotic
** 95 % normal interval: with v the VaR (the smallest of the k = ceil((1-a)n)
** worst losses), the standard error is sd((X - v)+) / ((1 - a) sqrt(n)),
** the (X - v)+ over all n trials (the Rockafellar-Uryasev form of the CVaR).
** lo/hi NAN when fewer than 2 losses are in the tail; all NAN for n = 0. */
report_stats_ci report_costs_cvar_ci(const double *sorted, size_t n, double a);

/* Write the Markdown "### Costs" section. Returns 0 or -1 on a write error. */
int report_costs_print_md(const report_costs *c, FILE *out);

/* Write the costs as an HTML section (escaped). Returns 0 or -1. */
int report_costs_print_html(const report_costs *c, FILE *out);
/* An amount with thousands separators and the currency: "12,345 USD". */
char *report_costs_format(double amount, const char *currency, char *buf, size_t n);

#endif
