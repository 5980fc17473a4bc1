/*
** cli/sweep_values.h — the command-line face shared by the what-if
** commands `drsim sweep`, `drsim size` and `drsim sensitivity`: running a
** study point (study/point.h) and opening a sweep's store with the errors
** printed, and the commands' entry points. The analysis lives in study/
** (grid.h: --vary values; target.h: target metrics and statistics;
** point.h: one evaluation), the page frame in reports/page.h.
*/
#ifndef DRSIM_CLI_SWEEP_VALUES_H
#define DRSIM_CLI_SWEEP_VALUES_H

#include <stdint.h>
#include "reports/page.h"
#include "reports/store.h"
#include "study/grid.h"
#include "study/point.h"
#include "study/target.h"

/* study_point_run with its failures printed: the scenario's diagnostics
** (unless p->diag collects them) and "drsim CMD: error: ..." (CMD is
** p->cmd). Returns a CLI_EXIT_* status (CLI_EXIT_INTERRUPTED when stopped). */
int cli_sweep_point_run(study_point *p);

/* study_point_open_existing / study_point_open_store with the error printed
** as "drsim CMD: error: ...". Return a CLI_EXIT_* status. */
int cli_sweep_open_existing(const char *cmd, const char *db_path, int64_t sweep_id,
                            report_store **store);
int cli_sweep_open_store(const char *cmd, const char *db_path, report_store **store,
                         int64_t *sweep_id);

/* Entry points of the what-if commands, wired up by cli/main.c (argv[1] is
** the command name; each returns a CLI_EXIT_* status). */
int cli_cmd_sweep(int argc, char **argv);        /* cli/cmd_sweep.c */
int cli_cmd_size(int argc, char **argv);         /* cli/cmd_size.c */
int cli_cmd_optimize(int argc, char **argv);     /* cli/cmd_optimize.c */
int cli_cmd_sensitivity(int argc, char **argv);  /* cli/cmd_sensitivity.c */

#endif
