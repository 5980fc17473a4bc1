/*
** cli/run_output.h — the summary `drsim run` prints when it finishes, and
** the objective check behind --fail-on-miss.
*/
#ifndef DRSIM_CLI_RUN_OUTPUT_H
#define DRSIM_CLI_RUN_OUTPUT_H

#include <stdint.h>
#include <stdio.h>
#include "reports/store.h"
#include "reports/summary.h"

/* Print run run_id's summary to stdout as "md", "csv" or "json" ("none":
** nothing); *missed receives the number of objectives met in fewer than
** meet_share of the trials, whatever the format; when `announce` is set
** and some were missed, the cli_run_print_missed line goes to stderr.
** Returns a CLI_EXIT_* status (CLI_EXIT_IO when the summary cannot be built
** or written). */
int cli_run_print_summary(report_store *st, int64_t run_id, const char *format,
                          double meet_share, int announce, int *missed);

/* Print one line to `out` naming every objective of s met in fewer than
** meet_share of the trials, e.g. "drsim run: 2 objectives missed (met in
** fewer than 95 % of the trials): production RTO <= 4h (88.4 %), ...".
** Prints nothing when none is missed. Returns the number missed. */
size_t cli_run_print_missed(FILE *out, const char *cmd, const report_summary *s,
                            double meet_share);

#endif
