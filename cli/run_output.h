/*
** cli/run_output.h — the summary `drsim run` prints when it finishes, and
** the objective check behind --fail-on-miss.
*/
#ifndef DRSIM_CLI_RUN_OUTPUT_H
#define DRSIM_CLI_RUN_OUTPUT_H

#include <stdint.h>
#include "reports/store.h"

/* Print run run_id's summary to stdout as "md" or "csv"; *missed receives
** the number of objectives met in fewer than meet_share of the trials.
** Returns a CLI_EXIT_* status. */
int cli_run_print_summary(report_store *st, int64_t run_id, const char *format,
                          double meet_share, int *missed);

#endif
