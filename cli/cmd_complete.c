/*
** cli/cmd_complete.c — `drsim complete set-paths SCENARIO`: the helper
** behind the bash completion of `--set` and `--vary` (scripts/
** drsim-completion.bash): every path an override can address in the
** scenario, one a line, in the order written. Quiet by design: a scenario
** that cannot be read or parsed completes to nothing (exit 2), since a
** half-typed command line is no place for error messages. `drsim complete
** commands` (the command names) is answered by main.c, which owns the
** command table.
*/
#include "cli/common.h"
#include "models/override.h"
#include "models/yaml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_path(void *ctx, const char *path, int is_leaf) {
  (void)ctx;
  (void)is_leaf;
  return puts(path) < 0;
}

int cli_cmd_complete(int argc, char **argv) {
  if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
    puts("usage: drsim complete commands\n"
         "       drsim complete set-paths SCENARIO\n"
         "For shell completion: the command names, or every --set path of a scenario\n"
         "(map keys, list items by name), one a line. Prints nothing for a scenario\n"
         "that cannot be read or parsed.\n"
         "exit status: 0 ok, 2 bad arguments or an unreadable scenario.");
    return CLI_EXIT_OK;
  }
  if (argc != 4 || strcmp(argv[2], "set-paths") != 0) {
    fprintf(stderr, "drsim complete: error: usage: drsim complete commands | set-paths SCENARIO\n");
    return CLI_EXIT_USAGE;
  }
  model_diag *diag = model_diag_new();
  if (!diag) return CLI_EXIT_IO;
  size_t len = 0;
  char *text = model_scenario_read_file(argv[3], &len, diag);
  model_yaml_doc *doc = NULL;
  int status = CLI_EXIT_USAGE;
  if (text && model_yaml_parse(text, len, argv[3], &doc, diag) == 0) {
    int rc = model_override_paths(model_yaml_root(doc), print_path, NULL);
    status = rc == 0 ? CLI_EXIT_OK : CLI_EXIT_IO;
  }
  model_yaml_free(doc);
  free(text);
  model_diag_free(diag);
  if (fflush(stdout) != 0) status = CLI_EXIT_IO;
  return status;
}
