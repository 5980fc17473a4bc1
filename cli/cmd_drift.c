/*
** cli/cmd_drift.c — `drsim drift SCENARIO --terraform STATE.json`: what
** changed in the platform since the scenario was written (import/drift.h),
** one line per finding, and lint notes where the scenario says what the
** platform cannot do.
*/
#include "cli/common.h"
#include "import/drift.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void) {
  puts("usage: drsim drift SCENARIO.yaml --terraform STATE.json [--environment ENV] [--fail-on-drift]\n"
       "\n"
       "Lists what changed in the platform since the scenario was written, comparing it\n"
       "with the current state (the output of `terraform show -json`):\n"
       "  changed  component|standby NAME (ADDRESS): WHAT OLD -> NEW\n"
       "  new      component|standby NAME (ADDRESS): in the platform, not in the scenario\n"
       "  gone     component|standby NAME (ADDRESS): in the scenario, no longer in the platform\n"
       "  note     component NAME (ADDRESS): the scenario says what the platform cannot do\n"
       "Items are matched by the '# terraform: ADDRESS' mark `drsim import terraform`\n"
       "writes, else by name. Compared: region, environment, zone, replication mode and\n"
       "target, retention, failover kind and grace period, standby warm/required nodes;\n"
       "never durations (assumptions to calibrate). See docs/import.md.\n"
       "\n"
       "options:\n"
       "  --terraform FILE   the current state (required)\n"
       "  --environment ENV  environment of resources without an 'environment' tag (default production)\n"
       "  --fail-on-drift    exit 1 when anything changed\n"
       "\n"
       "exit status: 0 ok (drift or not), 1 drift with --fail-on-drift, 2 bad input, 3 I/O error");
}

int cli_cmd_drift(int argc, char **argv) {
  cli_strlist pos = {0};
  const char *state_path = NULL, *environment = NULL;
  int help = 0, fail = 0;
  cli_opt opts[] = {
    {"--terraform", CLI_OPT_STRING, &state_path, 0, 0, NULL},
    {"--environment", CLI_OPT_STRING, &environment, 0, 0, NULL},
    {"--fail-on-drift", CLI_OPT_FLAG, &fail, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  char *scen = NULL, *state = NULL;
  model_diag *diag = model_diag_new();
  if (!diag) return CLI_EXIT_IO;
  if (cli_args_parse("drift", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) goto done;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n != 1 || !state_path) {
    cli_error("drift", "usage: drsim drift SCENARIO.yaml --terraform STATE.json");
    goto done;
  }
  if (!(scen = cli_read_text(pos.items[0]))) {
    cli_error("drift", "cannot read %s: %s", pos.items[0], strerror(errno));
    status = errno == ENOENT ? CLI_EXIT_USAGE : CLI_EXIT_IO;
    goto done;
  }
  if (!(state = cli_read_text(state_path))) {
    cli_error("drift", "cannot read %s: %s", state_path, strerror(errno));
    status = errno == ENOENT ? CLI_EXIT_USAGE : CLI_EXIT_IO;
    goto done;
  }
  import_terraform_options to = {environment ? environment : "production", NULL};
  import_drift_result r;
  /* Notes of the state's import (types not modelled) are not drift. */
  FILE *quiet = fopen("/dev/null", "w");
  int rc = import_drift(scen, strlen(scen), pos.items[0], state, strlen(state), state_path, &to, stdout,
                        quiet, &r, diag);
  if (quiet) fclose(quiet);
  if (rc != 0) {
    model_diag_print(diag, stderr);
    goto done;
  }
  printf("%zu change%s in the platform since %s was written (%zu item%s checked against %s",
         r.changes, r.changes == 1 ? "" : "s", pos.items[0], r.checked, r.checked == 1 ? "" : "s", state_path);
  if (r.unchecked) printf("; %zu not from Terraform, not checked", r.unchecked);
  if (r.notes) printf("; %zu note%s", r.notes, r.notes == 1 ? "" : "s");
  printf(")\n");
  status = fail && r.changes ? CLI_EXIT_MISSED : CLI_EXIT_OK;
done:
  free(scen);
  free(state);
  model_diag_free(diag);
  cli_strlist_free(&pos);
  return status;
}
