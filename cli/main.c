/*
** cli/main.c — the drsim program: the one place that wires sim/, models/
** and reports/ together. Dispatches to one cli_cmd_* per command.
*/
#include "cli/calib.h"
#include "cli/common.h"
#include "drsim_version.h"   /* DRSIM_VERSION, generated at build time */
#include "cli/outfile.h"
#include "cli/sweep_values.h"
#ifdef DRSIM_HAVE_MPI
#include "study/mpi.h"
#endif

#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>


typedef struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
  {"validate", cli_cmd_validate, "check a scenario; print what was understood"},
  {"trace", cli_cmd_trace, "print the timeline of one trial"},
  {"diagram", cli_cmd_diagram, "draw the DR architecture and recovery workflows (SVG, PNG, HTML)"},
#if 1
  {"run", cli_cmd_run, "simulate a scenario's disaster N times; store and summarise"},
  {"report", cli_cmd_report, "write a stored run's report (md, csv, html, json)"},
  {"runs", cli_cmd_runs, "list stored runs"},
  {"compare", cli_cmd_compare, "compare two stored runs"},
  {"explain", cli_cmd_explain, "why a stored run misses an objective; counterfactuals (--what-if)"},
  {"export", cli_cmd_export, "dump raw per-trial rows"},
  {"sweep", cli_cmd_sweep, "run a grid of what-if values, each point a stored run"},
  {"size", cli_cmd_size, "fewest warm standby nodes meeting an objective at a quantile"},
  {"optimize", cli_cmd_optimize, "cheapest decisions meeting every constraint: costs vs risk, Pareto front"},
  {"sensitivity", cli_cmd_sensitivity, "rank every duration parameter by its effect (tornado)"},
  {"merge", cli_cmd_merge, "merge the --shard databases of one run into one"},
  {"serve", cli_cmd_serve, "live what-if page in the browser (localhost HTTP server)"},
  {"merge-draft", cli_cmd_merge_draft, "splice drafts written by drsim import into a scenario"},
  {"drift", cli_cmd_drift, "list what changed in the Terraform state since the scenario was written"},
  {"import", cli_cmd_import, "draft a scenario from a GitHub workflow, Terraform state or Kubernetes manifests"},
  {"fit", cli_cmd_fit, "fit observed durations (censored too): AIC, KS, 95 % intervals"},
  {"calibrate", cli_cmd_calibrate, "update a scenario's steps from a drill log, with provenance"},
  {"check", cli_cmd_check, "compare observed recoveries with the model's prediction (PIT)"},
#endif
};

static void usage(FILE *out) {
  fprintf(out, "usage: drsim COMMAND [ARGS]   (drsim COMMAND --help, or drsim help COMMAND, for details)\n"
               "       drsim --version\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "  %-12s %s\n", "help", "help on a command: drsim help COMMAND");
  fprintf(out, "  %-12s %s\n", "version", "print the program version");
  fprintf(out, "  %-12s %s\n", "complete", "for shell completion: command names, a scenario's --set paths");
  fprintf(out, "\nA SCENARIO argument of '-' reads the scenario from standard input.\n"
               "\nexit status: 0 ok; 1 objective missed (--fail-on-miss); 2 bad input (scenario,\n"
               "flags); 3 I/O or database error; 130 interrupted (Ctrl-C or SIGTERM: finished\n"
               "trials are kept, drsim run --resume continues)\n"
               "\nMore: man drsim, and README.md and docs/ in the source tree.\n");
}

static const command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

static int unknown_command(const char *name) {
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
    size_t d = cli_args_distance(name, commands[i].name);
    if (d < best_d) { best_d = d; best = commands[i].name; }
  }
  if (best)
    fprintf(stderr, "drsim: error: unknown command '%s'; did you mean '%s'?\n", name, best);
  else
    fprintf(stderr, "drsim: error: unknown command '%s'; see 'drsim --help'\n", name);
  return CLI_EXIT_USAGE;
}

static int run_command(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return CLI_EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
      (strcmp(name, "help") == 0 && argc == 2)) {
    usage(stdout);
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "help") == 0) {
    /* drsim help CMD = drsim CMD --help */
    if (argc > 3) {
      fprintf(stderr, "drsim help: error: give one command: drsim help COMMAND\n");
      return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[2], "help") == 0) {
      usage(stdout);
      return CLI_EXIT_OK;
    }
    if (strcmp(argv[2], "complete") == 0) {
      char *help_argv[] = {argv[0], (char *)"complete", (char *)"--help", NULL};
      return cli_cmd_complete(3, help_argv);
    }
    if (strcmp(argv[2], "version") == 0) {
      puts("usage: drsim version | drsim --version\nPrints the program version: the release, and for a build from a git\n"
           "checkout the commit it was built from (-dirty: with uncommitted changes).");
      return CLI_EXIT_OK;
    }
    const command *c = find_command(argv[2]);
    if (!c) return unknown_command(argv[2]);
    char *help_argv[] = {argv[0], (char *)c->name, (char *)"--help", NULL};
    return c->fn(3, help_argv);
  }
  if (strcmp(name, "version") == 0 || strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
    printf("drsim %s\n", DRSIM_VERSION);
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "complete") == 0) {
    /* Shell completion helper (scripts/drsim-completion.bash). */
    if (argc == 3 && strcmp(argv[2], "commands") == 0) {
      for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) puts(commands[i].name);
      puts("help");
      puts("version");
      return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_IO;
    }
    return cli_cmd_complete(argc, argv);
  }
  const command *c = find_command(name);
  if (c) return c->fn(argc, argv);
  return unknown_command(name);
}

/* The command, then standard output flushed and closed: output lost to a
** full disk or /dev/full is an I/O error (exit 3), not success. */
static int run_and_close(int argc, char **argv) {
  int status = run_command(argc, argv);
  int reported = status != CLI_EXIT_OK && status != CLI_EXIT_MISSED;
  if (cli_outfile_close_stdout(reported) != CLI_EXIT_OK && !reported)
    status = CLI_EXIT_IO;
  return status;
}

int main(int argc, char **argv) {
  /* A file-size limit (ulimit -f) must fail the write (EFBIG, reported,
  ** exit 3, the run marked interrupted), not kill drsim without a word. */
  signal(SIGXFSZ, SIG_IGN);
  /* GSL reports errors (out of memory, a domain error) through a handler
  ** that aborts by default; drsim checks return values instead. */
  gsl_set_error_handler_off();
#ifdef DRSIM_HAVE_MPI
  return study_mpi_main(argc, argv, run_and_close);   /* rank 0 runs the command */
#else
  return run_and_close(argc, argv);
#endif
}
