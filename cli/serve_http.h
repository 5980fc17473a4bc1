/*
** cli/serve_http.h — the HTTP side of `drsim serve`, on libmicrohttpd (one
** thread per connection): routes, limits, admission and shutdown.
**
** Routes (exact paths; nothing maps a URL to a file):
**   GET  /              the page (web/serve.html with its CSS and JS, embedded)
**   GET  /api/scenario  the scenario and its controls (cli_serve_lab_scenario_json)
**   GET  /api/status    runs in progress, waiting, and counters
**   POST /api/run       summary, CDFs, paired change (cli_serve_lab_run); with
**                       "stream": true the answer is NDJSON: {"progress": {done,
**                       total}} lines, then {"result": ...} or {"error": ...}
**   POST /api/save      store the configuration as a run (cli_serve_lab_save)
**   POST /api/report    the configuration's HTML report, as a download
** Anything else: 404 (405 for a known path with another method), JSON.
**
** Limits: request bodies over max_body bytes get 413 (from Content-Length
** before reading, or once the body grows past it); POSTs must say
** Content-Type: application/json (so a page elsewhere cannot post without a
** CORS preflight, which is never granted); on a loopback bind the Host
** header must name the loopback (no DNS rebinding); at most max_runs
** evaluations at once and max_queue waiting, others get 429 with
** Retry-After; at most 64 connections. A run stops within one chunk of
** trials when its client disconnects (a non-streaming client is watched on
** its socket; a streaming one fails the next progress write) or the server
** stops, and after max_seconds.
*/
#ifndef DRSIM_CLI_SERVE_HTTP_H
#define DRSIM_CLI_SERVE_HTTP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "cli/serve_lab.h"

typedef struct cli_serve_http_options {
  const char *bind;          /* numeric IPv4 or IPv6 address, or "localhost" */
  unsigned port;             /* 0: any free port (printed) */
  unsigned max_runs;         /* evaluations at once (>= 1) */
  unsigned max_queue;        /* evaluations waiting for a slot */
  size_t max_body;           /* bytes of a request body */
  double max_seconds;        /* wall-clock bound of one evaluation */
  volatile sig_atomic_t *stop;  /* raised (SIGINT/SIGTERM): shut down */
} cli_serve_http_options;

/* Serve lab until *o->stop is raised, then stop accepting, stop running
** evaluations at their next chunk, wait for the connections to end and
** return CLI_EXIT_OK. Prints "drsim serve: listening on http://ADDR:PORT/"
** to stdout once listening. Returns CLI_EXIT_USAGE for a bad address,
** CLI_EXIT_IO when the socket cannot be bound (message on stderr). */
int cli_serve_http_run(cli_serve_lab *lab, const cli_serve_http_options *o);

/* Is addr (as given to --bind) a loopback address? */
int cli_serve_http_is_loopback(const char *addr);

#endif
