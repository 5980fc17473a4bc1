/*
** cli/serve_params.h — the controls of `drsim serve`: the numeric leaves of
** a scenario a planner may move, each with the `--set` path that addresses
** it, its value as written, a sensible range and where it belongs
** (environment, then step / pool / component).
**
** Which leaves (only those written in the scenario file, so an override
** replaces exactly what the planner sees):
**  - every duration parameter `drsim sensitivity` varies (models/params.h):
**    a single duration (interval, grace, retry delay) is one leaf; a
**    distribution written as a map gives one leaf per number in it
**    (`off_hours.median`, `off_hours.p95`, `copy.min`, ...);
**  - the counts and probabilities that move an RTO or RPO: a standby pool's
**    warm_nodes, required_nodes, service_nodes, max_parallel and
**    capacity_shortage.probability; a step's failure_probability and
**    retry.max; a periodic replication's failure_probability;
**  - the objectives (objectives.ENV.rto / rpo), to ask "what would 2 h give".
**
** Overrides from a request are checked here before they reach the loader:
** the path must be one of these leaves and the value a plain scalar (digits,
** letters, '.', '%', '+', '-'; at most CLI_SERVE_MAX_VALUE bytes), so no
** request can write a map, an alias or a `file:` (nothing from a request
** reaches the filesystem). The loader then validates the value exactly as
** `drsim run --set` does.
*/
#ifndef DRSIM_CLI_SERVE_PARAMS_H
#define DRSIM_CLI_SERVE_PARAMS_H

#include <stddef.h>
#include <jansson.h>
#include "models/scenario.h"

#define CLI_SERVE_MAX_VALUE 64     /* bytes of one override value */

typedef enum cli_serve_param_kind {
  CLI_SERVE_PARAM_DURATION = 0,  /* seconds; written with a unit ("45m") */
  CLI_SERVE_PARAM_COUNT,         /* a whole number (nodes, retries) */
  CLI_SERVE_PARAM_PROBABILITY,   /* in [0, 1) */
  CLI_SERVE_PARAM_NUMBER         /* another positive number (sigma, shape) */
} cli_serve_param_kind;

typedef struct cli_serve_param {
  char *path;            /* --set path: "standby.aks-prod-dr.warm_nodes" */
  cli_serve_param_kind kind;
  char *text;            /* the value as written in the scenario: "1", "30m" */
  double value;          /* its number: seconds for durations */
  double min, max;       /* the range the page offers (typing may go beyond) */
  char *group;           /* environment name, or "shared" */
  char *owner;           /* "step approve-failover", "pool aks-prod-dr",
                            "component sql-prod", "detection", "objectives",
                            "disaster", "lifetime" */
  char *label;           /* the path below the owner: "off_hours.median" */
  int used;              /* 0: the model ignores it in this scenario */
} cli_serve_param;

typedef struct cli_serve_params cli_serve_params;

/* List the leaves of sc, loaded from `text` (the scenario file's contents,
** without overrides). Returns NULL when out of memory or when text does not
** parse (it loaded, so it does). Free with cli_serve_params_free. */
cli_serve_params *cli_serve_params_new(const char *text, model_scenario *sc);
void cli_serve_params_free(cli_serve_params *p);   /* NULL is a no-op */

size_t cli_serve_params_count(const cli_serve_params *p);
const cli_serve_param *cli_serve_params_get(const cli_serve_params *p, size_t i);

/* Index of the leaf with exactly this path, or -1. */
int cli_serve_params_find(const cli_serve_params *p, const char *path);

/* Check one override from a request: path a known leaf, value a plain
** scalar. Returns 0, or -1 with a message in err (n bytes): "unknown
** parameter 'x'; did you mean 'y'?" or what is wrong with the value. */
int cli_serve_params_check(const cli_serve_params *p, const char *path, const char *value,
                           char *err, size_t n);

/* The leaves as a JSON array of objects {path, kind ("duration", "count",
** "probability", "number"), text, value, min, max, group, owner, label,
** used}; NULL when out of memory. */
json_t *cli_serve_params_json(const cli_serve_params *p);

#endif
