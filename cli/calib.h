/*
** cli/calib.h — the calibration commands (prefix cli_calib_*): `drsim fit`
** (cli/cmd_fit.c), `drsim calibrate` (cli/cmd_calibrate.c), `drsim check`
** (cli/cmd_check.c) and `drsim run --epistemic` (cli/epistemic.c), which
** put the statistics of fit/ in front of planners. See docs/calibration.md.
*/
#ifndef DRSIM_CLI_CALIB_H
#define DRSIM_CLI_CALIB_H

#include <stddef.h>
#include <stdint.h>
#include "cli/args.h"

/* Entry points wired up by cli/main.c (argv[1] is the command name; each
** returns a CLI_EXIT_* status). */
int cli_cmd_fit(int argc, char **argv);
int cli_cmd_calibrate(int argc, char **argv);
int cli_cmd_check(int argc, char **argv);

/* `drsim run SCENARIO --epistemic N`, called by cli_cmd_run with its parsed
** options: N outer draws of every `uncertainty:` distribution, each an
** inner run of `trials` trials (0: the scenario's) at the same seed
** (common random numbers), stored as the points of one sweep in db_path.
** Prints the P(meet) and percentile intervals that combine Monte Carlo and
** parameter uncertainty. Returns a CLI_EXIT_* status. */
typedef struct cli_calib_epistemic {
  const char *scenario_path;
  const cli_strlist *sets;      /* the user's --set */
  uint64_t draws;               /* N */
  int trials_given, seed_given;
  uint64_t trials, seed;
  unsigned threads;             /* 0: all cores */
  const char *db_path;
  const char *format;           /* md | csv | none */
  int quiet;
} cli_calib_epistemic;
int cli_calib_epistemic_run(const cli_calib_epistemic *e);

#endif
