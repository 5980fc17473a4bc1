/*
** cli/run_output.h — the summary `drsim run` prints when it finishes, and
** the objective check behind --fail-on-miss.
*/
#ifndef DRSIM_CLI_RUN_OUTPUT_H
#define DRSIM_CLI_RUN_OUTPUT_H

#include <stdint.h>
#include <stdio.h>
#include "models/meet.h"
#include "reports/store.h"
#include "reports/summary.h"

/* Print run run_id's summary to stdout as "md", "csv" or "json" ("none":
** nothing); *missed receives the number of objectives not shown met under
** the run's rule (reports/meet.h: missed, inconclusive or without data),
** whatever the format; when `announce` is set and there are some, the
** cli_run_print_missed line goes to stderr. Returns a CLI_EXIT_* status
** (CLI_EXIT_IO when the summary cannot be built or written). */
int cli_run_print_summary(report_store *st, int64_t run_id, const char *format, int announce,
                          int *missed);

/* Print one line to `out` naming every objective of s not shown met under
** rule r, with its verdict and P(meet), e.g. "drsim run: 2 objectives not
** shown met (95 % of trials at 95 % confidence): production RTO <= 4h
** misses (81.9 %), staging RTO <= 8h inconclusive (95.2 %)". Prints
** nothing when every objective meets. Returns their number. */
size_t cli_run_print_missed(FILE *out, const char *cmd, const report_summary *s,
                            const model_meet_rule *r);

#endif
