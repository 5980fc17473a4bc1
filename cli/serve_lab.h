/*
** cli/serve_lab.h — what `drsim serve` computes, without HTTP: the
** scenario and its controls (cli/serve_params.h), a request's overrides
** parsed and checked, and the three operations of the API:
**
**  - run: the configuration's summary (P(meet) and percentiles with 95 %
**    intervals, exactly those `drsim run` prints for the same scenario,
**    overrides, seed and trials), RTO/RPO CDF points, the same for the
**    baseline (no overrides) and the paired change of P(meet) against it;
**  - save: the configuration stored as a run in the results database, as
**    `drsim run --set ...` would store it;
**  - report: the HTML report (reports/html.h) of the configuration.
**
** Every evaluation is one study_point (study/lab.h: load with the
** overrides, begin the run in a store, study_exec, finish), into an
** in-memory SQLite store for run and report. Common random numbers: the
** baseline and the configuration run with the same seed and trial indexes,
** and every entity draws from its own stream, so trial i of both differs
** only through the overrides; the change in P(meet) is the mean of the
** per-trial differences (each -1, 0 or +1; over the trials the disaster
** affects in both, as the summary counts only affected trials) with its t
** interval (study/lab.h computes the statistics and the change). Baselines
** are cached per (seed, trials) (study/lab.h).
**
** Thread-safe: any number of threads may call run/save/report at once
** (saves are serialised on the one database connection). Disaster-mode
** scenarios only.
*/
#ifndef DRSIM_CLI_SERVE_LAB_H
#define DRSIM_CLI_SERVE_LAB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "reports/store.h"
#include "study/lab.h"

#define CLI_SERVE_MAX_OVERRIDES 256   /* overrides in one request */

typedef struct cli_serve_lab cli_serve_lab;

typedef struct cli_serve_lab_options {
  const char *scenario_path;  /* read once at start; requests never name a file */
  uint64_t max_trials;        /* a request's trial cap (>= 1) */
  unsigned threads;           /* per evaluation; 0: all cores */
  report_store *db;           /* where save stores runs (borrowed); NULL: save refused */
  const char *db_path;        /* its path, for messages and commands */
} cli_serve_lab_options;

/* Read the scenario once (cli_read_scenario: "-" is standard input), load
** it and list its controls. Returns CLI_EXIT_OK and *out, or prints the
** problem ("file:line:col: error: ...") to stderr and returns
** CLI_EXIT_USAGE (missing, invalid or lifetime-mode scenario) or
** CLI_EXIT_IO (out of memory). */
int cli_serve_lab_new(const cli_serve_lab_options *o, cli_serve_lab **out);
void cli_serve_lab_free(cli_serve_lab *lab);   /* NULL is a no-op */

/* GET /api/scenario: {name, path, mode, seed, trials, max_trials,
** environments: [{name, rto, rpo}], parameters: cli_serve_params_json,
** command: "drsim run PATH"}. NULL when out of memory. */
json_t *cli_serve_lab_scenario_json(const cli_serve_lab *lab);

/* A parsed request body. */
typedef struct cli_serve_request {
  char **overrides;           /* "path=value", in the order given */
  char **paths;               /* the path of each (for errors next to a control) */
  size_t n_overrides;
  uint64_t trials, seed;
  int stream;                 /* "stream": true asked for progress lines */
} cli_serve_request;

/* Parse a body {"overrides": {"PATH": "VALUE" | number, ...},
** "trials": N, "seed": S, "stream": bool} (every key optional: no
** overrides, the scenario's trials and seed). Checks: valid JSON object,
** no unknown key, every path a control and every value a plain scalar
** (cli_serve_params_check), 1 <= trials <= max_trials, 0 <= seed < 2^63,
** at most CLI_SERVE_MAX_OVERRIDES. Returns 0 and *req (release with
** cli_serve_request_clear), or 400 and *error = {"error": MESSAGE,
** "errors": [{"param": PATH | null, "message": MESSAGE}]}. */
int cli_serve_lab_parse(const cli_serve_lab *lab, const char *body, size_t len,
                        cli_serve_request *req, json_t **error);
void cli_serve_request_clear(cli_serve_request *req);

/* How an operation is watched and stopped. poll (optional) is called after
** every chunk of trials (~2000) and before waiting; non-zero stops the
** evaluation (the client went away, the server shuts down). progress
** (optional) gets trials done and total over the whole operation (a run
** that must compute its baseline first counts both). */
typedef study_lab_ctl cli_serve_ctl;   /* study/lab.h: poll, progress, ctx */

/* Statuses of the operations below, as HTTP status codes: 200 done; 400 the
** configuration does not load (*out = the error object of
** cli_serve_lab_parse, each "message" the located diagnostic `drsim run`
** prints, e.g. "--set:0:1: error: 'warm_nodes' is '-1'; ...", with "param"
** the override it belongs to); 409 save without a database; 499 stopped by
** poll; 500 the simulation or a store failed (*out says what). */
enum {
  CLI_SERVE_OK = 200,
  CLI_SERVE_BAD = 400,
  CLI_SERVE_CONFLICT = 409,
  CLI_SERVE_STOPPED = 499,
  CLI_SERVE_FAILED = 500
};

/* POST /api/run: *out = {scenario, seed, trials, overrides: [...], command,
** elapsed_ms: {baseline, current}, environments: [{name, verdict:
** "meets"|"misses", metrics: [{metric: "rto"|"rpo", objective, current,
** baseline, change}]}], summary, baseline_summary} where summary and
** baseline_summary are what `drsim run --format json` prints for the
** configuration and for the baseline (reports/json.h: {run, summary rows}),
** and current and baseline are {n, p_meet {est, lo,
** hi}, mean, p50, p90, p95, p99 (each {est, lo, hi}), max, not_recovered,
** cdf: [[seconds, share], ...] (at most ~200 points, finite values), share
** beyond the last point = not finite} and change = {est, lo, hi, better,
** worse} (trials that meet now and did not, and the reverse). Seconds are
** numbers; +inf is the string "inf", NaN null. Returns a CLI_SERVE_*. */
int cli_serve_lab_run(cli_serve_lab *lab, const cli_serve_request *req, const cli_serve_ctl *ctl,
                      json_t **out);

/* POST /api/save: store the configuration as a run in the database (detail
** as `drsim run`'s auto). *out = {run_id, db, command, report_command}. */
int cli_serve_lab_save(cli_serve_lab *lab, const cli_serve_request *req, const cli_serve_ctl *ctl,
                       json_t **out);

/* POST /api/report: the HTML report of the configuration in *html (malloc'ed,
** *len bytes); per-step detail (timeline, histograms) up to 20000 trials. On
** an error *html = NULL and *out holds the error object. */
int cli_serve_lab_report(cli_serve_lab *lab, const cli_serve_request *req,
                         const cli_serve_ctl *ctl, char **html, size_t *len, json_t **out);

/* The `drsim run` command line of a request (malloc'ed): scenario path,
** --seed, --trials and one --set per override, shell-quoted where needed. */
char *cli_serve_lab_command(const cli_serve_lab *lab, const cli_serve_request *req);

#endif
