/*
** cli/common.c — scenario loading and error printing shared by commands.
*/
#include "cli/common.h"

#include <stdarg.h>
#include <stdio.h>

void cli_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "drsim %s: error: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_load_scenario(const char *path, const cli_strlist *overrides, model_scenario **out) {
  model_diag *diag = model_diag_new();
  if (!diag) {
    fprintf(stderr, "drsim: error: out of memory\n");
    return CLI_EXIT_IO;
  }
  int rc = model_scenario_load_file(path, overrides ? overrides->items : NULL,
                                    overrides ? overrides->n : 0, out, diag);
  if (rc != 0) {
    model_diag_print(diag, stderr);
    size_t n = model_diag_count(diag);
    fprintf(stderr, "%zu error%s in %s\n", n, n == 1 ? "" : "s", path);
  }
  model_diag_free(diag);
  return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
