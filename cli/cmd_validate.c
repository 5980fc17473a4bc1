/*
** cli/cmd_validate.c — `drsim validate SCENARIO.yaml [--set k=v ...]`:
** print "ok" and what was understood, or every error as file:line:col.
*/
#include "cli/common.h"

#include <stdio.h>
#include <string.h>

static void usage(void) {
  puts("usage: drsim validate SCENARIO.yaml [--set key.path=value ...] [--quiet] [--strict]\n"
       "Checks a scenario ('-': read from standard input) and prints 'ok' with a\n"
       "summary of what was understood, or every problem as file:line:col: message.\n"
       "Warnings of the lint for silent optimism (a component in the disaster's scope\n"
       "with no recovery, targets the disaster takes, environments it never affects,\n"
       "RPO objectives below a backup interval, isolated steps) go to stderr.\n"
       "  --set PATH=VALUE  override a scenario value (repeatable)\n"
       CLI_ALLOW_PATH_HELP
       "  --quiet           print only 'ok'\n"
       "  --strict          warnings are errors (exit 2): the lint's, and overrides of\n"
       "                    values the model does not use\n"
       "exit status: 0 valid, 2 invalid, or warnings with --strict (or bad flags),\n"
       "3 out of memory.");
}

int cli_cmd_validate(int argc, char **argv) {
  cli_strlist sets = {0}, pos = {0}, allow = {0};
  int help = 0, quiet = 0, strict = 0;
  cli_opt opts[] = {
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--quiet", CLI_OPT_FLAG, &quiet, 0, 0, NULL},
    {"--strict", CLI_OPT_FLAG, &strict, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  model_scenario *sc = NULL;
  if ((status = cli_args_parse("validate", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n != 1) {
    cli_error("validate", "expected exactly one scenario file; usage: drsim validate SCENARIO.yaml");
    goto done;
  }
  model_load_opts lo = cli_load_opts(&allow);
  status = cli_load_scenario_flags(pos.items[0], &sets, &lo, strict ? CLI_LOAD_STRICT : 0, &sc);
  if (status != CLI_EXIT_OK) goto done;
  status = cli_lint("validate", sc, strict);
  if (status != CLI_EXIT_OK) goto done;
  puts("ok");
  if (!quiet && model_scenario_print_summary(sc, stdout)) {
    cli_error("validate", "out of memory printing the summary");
    status = CLI_EXIT_IO;
  }
done:
  model_scenario_free(sc);
  cli_strlist_free(&sets);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  return status;
}
