/*
** cli/cmd_serve.c — `drsim serve SCENARIO`: the live what-if page. Parses
** the flags, opens the results database for "save", loads the scenario
** (cli/serve_lab.h) and serves it over HTTP (cli/serve_http.h) until
** SIGINT or SIGTERM, then stops running evaluations, closes the database
** (every saved run complete, or marked interrupted) and exits 0.
*/
#include "study/detail.h"
#include "cli/common.h"
#include "cli/serve_http.h"
#include "cli/serve_lab.h"
#include "reports/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void) {
  puts("usage: drsim serve SCENARIO.yaml [options]\n"
       "\n"
       "Serves a page for live what-ifs on the scenario: move a control (warm nodes,\n"
       "approval time, snapshot interval, ...) and see the RTO/RPO CDFs and P(meet)\n"
       "of every environment against the baseline, paired by common random numbers;\n"
       "copy the configuration as a `drsim run --set ...` command, save it as a run,\n"
       "download its HTML report. Disaster-mode scenarios. Open the printed address.\n"
       "\n"
       "options:\n"
       "  --port N          TCP port (default 8080; 0 picks a free one)\n"
       "  --bind ADDR       address to listen on (default 127.0.0.1: this machine only)\n"
       "  --allow-remote    needed to bind anything but a loopback address (prints a\n"
       "                    warning: the page has no authentication)\n"
       "  --db FILE         results database for \"save\" (default drsim-results.db)\n"
       "  --max-trials N    largest trial count of a request (default 200000)\n"
       "  --max-runs N      evaluations at once (default 2); more wait in a queue\n"
       "  --max-queue N     evaluations waiting (default 32); beyond: HTTP 429\n"
       "  --max-body N      bytes of a request body (default 65536); beyond: HTTP 413\n"
       "  --max-seconds N   wall-clock bound of one evaluation (default 120)\n"
       "  --threads T       worker threads per evaluation (default: all cores)\n"
       "\n"
       "API (JSON; docs/serve.md): GET /api/scenario, GET /api/status, POST /api/run,\n"
       "POST /api/save, POST /api/report. Overrides are checked as `drsim run --set`\n"
       "checks them and only the listed parameters may be set.\n"
       "\n"
       "exit status: 0 stopped by SIGINT/SIGTERM, 2 bad input, 3 I/O or database error.");
}

int cli_cmd_serve(int argc, char **argv) {
  cli_strlist pos = {0};
  int help = 0, allow_remote = 0;
  uint64_t port = 8080, max_trials = 200000, max_runs = 2, max_queue = 32, max_body = 65536;
  uint64_t max_seconds = 120, threads = 0;
  const char *bind = "127.0.0.1", *db_path = "drsim-results.db";
  cli_opt opts[] = {
    {"--port", CLI_OPT_U64, &port, 0, 65535, NULL},
    {"--bind", CLI_OPT_STRING, &bind, 0, 0, NULL},
    {"--allow-remote", CLI_OPT_FLAG, &allow_remote, 0, 0, NULL},
    {"--db", CLI_OPT_STRING, &db_path, 0, 0, NULL},
    {"--max-trials", CLI_OPT_U64, &max_trials, 1, 10000000, NULL},
    {"--max-runs", CLI_OPT_U64, &max_runs, 1, 64, NULL},
    {"--max-queue", CLI_OPT_U64, &max_queue, 0, 1000, NULL},
    {"--max-body", CLI_OPT_U64, &max_body, 256, 16u << 20, NULL},
    {"--max-seconds", CLI_OPT_U64, &max_seconds, 1, 86400, NULL},
    {"--threads", CLI_OPT_U64, &threads, 1, 1024, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  report_store *store = NULL;
  cli_serve_lab *lab = NULL;
  if (cli_args_parse("serve", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) goto done;
  if (help) {
    usage();
    status = CLI_EXIT_OK;
    goto done;
  }
  if (pos.n != 1) {
    cli_error("serve", "expected exactly one scenario file; usage: drsim serve SCENARIO.yaml "
              "[--port 8080] [--bind 127.0.0.1] [--db FILE]");
    goto done;
  }
  int loopback = cli_serve_http_is_loopback(bind);
  if (!loopback && !allow_remote) {
    cli_error("serve", "--bind %s would let other machines use this server, which has no "
              "authentication; add --allow-remote if that is what you want", bind);
    goto done;
  }
  if (!loopback)
    fprintf(stderr, "drsim serve: warning: listening on %s: anyone who can reach it can run "
            "simulations and save runs into %s (no authentication, no TLS)\n", bind, db_path);
  report_error err;
  if (report_store_open(db_path, REPORT_STORE_READWRITE, &store, &err) != REPORT_OK) {
    fprintf(stderr, "drsim serve: error: %s\n", err.text);
    status = CLI_EXIT_IO;
    goto done;
  }
  if (study_detail_attach(store, (unsigned)threads, NULL) != STUDY_OK) {
    fprintf(stderr, "drsim serve: error: out of memory\n");
    status = CLI_EXIT_IO;
    goto done;
  }
  cli_serve_lab_options lo = {pos.items[0], max_trials, (unsigned)threads, store, db_path};
  status = cli_serve_lab_new(&lo, &lab);
  if (status != CLI_EXIT_OK) goto done;
  cli_serve_http_options ho;
  memset(&ho, 0, sizeof ho);
  ho.bind = bind;
  ho.port = (unsigned)port;
  ho.max_runs = (unsigned)max_runs;
  ho.max_queue = (unsigned)max_queue;
  ho.max_body = (size_t)max_body;
  ho.max_seconds = (double)max_seconds;
  ho.stop = cli_signals_catch();
  status = cli_serve_http_run(lab, &ho);
  cli_signals_restore();
  cli_serve_lab_free(lab);
  lab = NULL;
  report_store_close(store);
  store = NULL;
  if (status == CLI_EXIT_OK) fprintf(stderr, "drsim serve: stopped; %s is closed\n", db_path);
done:
  cli_serve_lab_free(lab);
  report_store_close(store);
  cli_strlist_free(&pos);
  return status;
}
