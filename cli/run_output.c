/*
** cli/run_output.c — what `drsim run` prints at the end (see run_output.h).
*/
#include "cli/run_output.h"
#include "cli/args.h"
#include "reports/csv.h"
#include "reports/md.h"
#include "reports/summary.h"

#include <stdio.h>
#include <string.h>

int cli_run_print_summary(report_store *st, int64_t run_id, const char *format,
                          double meet_share, int *missed) {
  report_summary *s = NULL;
  report_error err;
  int rc = report_summary_build(st, run_id, &s, &err);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim run: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  if (strcmp(format, "csv") == 0)
    rc = report_csv_write_summary(stdout, s, &err);
  else
    rc = report_md_write(stdout, s, REPORT_MD_RUN | REPORT_MD_OBJECTIVES, &err);
  *missed = (int)report_summary_missed(s, meet_share);
  if (rc == REPORT_OK && strcmp(format, "csv") != 0 && *missed)
    printf("\n%d objective%s met in fewer than %.4g %% of the trials.\n", *missed,
           *missed == 1 ? " is" : "s are", 100.0 * meet_share);
  report_summary_free(s);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim run: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}
