/*
** cli/cmd_calibrate.c — `drsim calibrate SCENARIO --drills DRILLS.csv -o
** NEW.yaml`: every workflow step (and `detection`) the drill log covers gets
** its duration refitted (fit/mle.h, with its `uncertainty:`), its failure
** probability re-estimated (Beta posterior mean) and a provenance comment;
** steps without data are listed as still assumed.
**
** The fits and the textual edits are study/calibrate.h's; this file parses
** the options, prints the table and writes the new file (through a
** temporary file renamed into place).
*/
#include "cli/calib.h"
#include "cli/common.h"
#include "fit/drills.h"
#include "fit/mle.h"
#include "models/diag.h"
#include "models/scenario.h"
#include "study/calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(void) {
  puts("usage: drsim calibrate SCENARIO.yaml --drills DRILLS.csv -o NEW.yaml [options]\n"
       "\n"
       "Updates every workflow step the drill log covers: its duration is refitted by\n"
       "maximum likelihood (censored attempts included) and written with its estimation\n"
       "uncertainty (for drsim run --epistemic), its failure_probability becomes the\n"
       "Beta posterior mean of the failed attempts (added only when some failed) with\n"
       "the counts behind it (failure_counts, for --epistemic), and a\n"
       "'# calibrate:' comment above each edited value records where it came from\n"
       "(drills, months, n, KS p). Everything else in the file is kept as written.\n"
       "A step named 'detection' in the log updates the workflow's detection. Steps\n"
       "without drill data are listed as still assumed.\n"
       "\n"
       "DRILLS.csv: drill, environment, step, start, end, outcome (ok | failed |\n"
       "censored), start/end as UTC timestamps (2026-01-14T10:02:00Z).\n"
       "\n"
       "options:\n"
       "  --drills FILE     the drill log (required)\n"
       "  -o FILE           the calibrated scenario (required; not the input)\n"
       "  --dist D          keep (the family already written, lognormal for a constant or\n"
       "                    other kind; default), auto (lowest AIC) or a family\n"
       "  --min-n N         fewest completed attempts to fit a duration (default 3)\n"
       "  --bootstrap B     KS bootstrap replicates (default 199)\n"
       "  --seed S          bootstrap seed (default 42)\n"
       "\n"
       "exit status: 0 ok, 2 bad input, 3 I/O error. See docs/calibration.md.");
}

/* The table of what was fitted, the ignored groups, what is still assumed. */
static void print_result(const study_calibrate_result *r, const char *scenario,
                         const char *drills_path) {
  printf("calibration of %s from %s\n\n", scenario, drills_path);
  printf("| environment | step | attempts | censored | was | now | KS p | failure_probability |\n"
         "|:--|:--|--:|--:|:--|:--|--:|:--|\n");
  for (size_t i = 0; i < r->n_rows; i++) {
    const study_calibrate_row *w = &r->rows[i];
    if (w->skipped[0])
      printf("| %s | %s | %zu | %zu | – | – | – | skipped: %s |\n", w->d->environment,
             w->d->step, w->d->n, w->d->n_censored, w->skipped);
    else
      printf("| %s | %s | %zu | %zu | `%s` | `%s` | %s | %s |\n", w->d->environment, w->d->step,
             w->d->n, w->d->n_censored, w->was, w->now, w->ks, w->fp);
  }
  for (size_t i = 0; i < r->n_unused; i++)
    fprintf(stderr, "drsim calibrate: warning: %s: %s/%s is not a step (or detection) of %s; "
            "its %zu rows are ignored\n", drills_path, r->unused[i]->environment,
            r->unused[i]->step, scenario, r->unused[i]->n);
  printf("\nstill assumed (no drill data):");
  for (size_t i = 0; i < r->n_assumed; i++) printf("%s %s", i ? "," : "", r->assumed[i]);
  printf("%s\n", r->n_assumed ? "" : " none");
}

/* text[0..len) to path through a temporary file renamed into place. */
static int write_file(const char *path, const char *text, size_t len) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(tmp);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    if (fd >= 0) close(fd);
    cli_error("calibrate", "cannot write %s: %s", path, strerror(errno));
    return CLI_EXIT_IO;
  }
  size_t wr = fwrite(text, 1, len, f);
  if (fclose(f) != 0 || wr != len || rename(tmp, path) != 0) {
    cli_error("calibrate", "cannot write %s: %s", path, strerror(errno));
    unlink(tmp);
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

int cli_cmd_calibrate(int argc, char **argv) {
  cli_strlist pos = {0};
  int help = 0;
  study_calibrate_opts o = {"keep", 3, 199, 42};
  const char *drills_path = NULL, *out_path = NULL;
  cli_opt optv[] = {
    {"--drills", CLI_OPT_STRING, &drills_path, 0, 0, NULL},
    {"-o", CLI_OPT_STRING, &out_path, 0, 0, NULL},
    {"--output", CLI_OPT_STRING, &out_path, 0, 0, NULL},
    {"--dist", CLI_OPT_STRING, &o.dist, 0, 0, NULL},
    {"--min-n", CLI_OPT_U64, &o.min_n, 1, 1000000, NULL},
    {"--bootstrap", CLI_OPT_U64, &o.boot, 0, 100000, NULL},
    {"--seed", CLI_OPT_U64, &o.seed, 0, UINT64_MAX, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  char *text = NULL;
  model_scenario *sc = NULL;
  model_diag *diag = NULL;
  fit_drills *dr = NULL;
  study_calibrate_result res;
  memset(&res, 0, sizeof res);
  char err[512];
  if (cli_args_parse("calibrate", argc, argv, 2, optv, sizeof optv / sizeof *optv, &pos))
    goto done;
  if (help) {
    usage();
    status = CLI_EXIT_OK;
    goto done;
  }
  if (pos.n != 1 || !drills_path || !out_path) {
    cli_error("calibrate", "usage: drsim calibrate SCENARIO.yaml --drills DRILLS.csv -o NEW.yaml");
    goto done;
  }
  fit_family ff;
  if (strcmp(o.dist, "keep") && strcmp(o.dist, "auto") && fit_family_parse(o.dist, &ff)) {
    cli_error("calibrate", "--dist '%s' is not valid; use keep, auto, exponential, lognormal, "
                           "gamma, weibull or normal", o.dist);
    goto done;
  }
  struct stat si, so;
  if (!strcmp(pos.items[0], out_path) ||
      (stat(pos.items[0], &si) == 0 && stat(out_path, &so) == 0 && si.st_dev == so.st_dev &&
       si.st_ino == so.st_ino)) {
    cli_error("calibrate", "-o %s is the input scenario; write the calibrated one to a new file",
              out_path);
    goto done;
  }
  status = cli_load_scenario_text(pos.items[0], NULL, NULL, &sc, &text);
  if (status != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;
  dr = fit_drills_read(drills_path, err, sizeof err);
  if (!dr) {
    cli_error("calibrate", "%s", err);
    status = access(drills_path, R_OK) ? CLI_EXIT_IO : CLI_EXIT_USAGE;
    goto done;
  }
  study_error serr;
  if (!(diag = model_diag_new())) {
    cli_error("calibrate", "out of memory");
    status = CLI_EXIT_IO;
    goto done;
  }
  int rs = study_calibrate(text, strlen(text), pos.items[0], out_path, dr, drills_path, &o, diag,
                           &res, &serr);
  if (res.rows) print_result(&res, pos.items[0], drills_path);   /* also when the result fails its check */
  if (model_diag_count(diag)) model_diag_print(diag, stderr);
  if (rs != STUDY_OK) {
    cli_error("calibrate", "%s", serr.text);
    status = cli_exit_from_study(rs);
    goto done;
  }
  if (res.fitted == 0) {
    cli_error("calibrate", "the drill log updates no step of %s; nothing written", pos.items[0]);
    goto done;
  }
  if ((status = write_file(out_path, res.text, res.len)) != CLI_EXIT_OK) goto done;
  printf("\nwrote %s (%zu value%s fitted); next: drsim run %s --epistemic 200\n", out_path,
         res.fitted, res.fitted == 1 ? "" : "s", out_path);
done:
  study_calibrate_free(&res);
  fit_drills_free(dr);
  model_diag_free(diag);
  model_scenario_free(sc);
  free(text);
  cli_strlist_free(&pos);
  return status;
}
