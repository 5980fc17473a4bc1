/*
** study/calibrate.h — the analysis of `drsim calibrate` (prefix
** study_calibrate_): every workflow step (and `detection`) a drill log
** covers gets its duration refitted (fit/mle.h, with its `uncertainty:`),
** its failure probability re-estimated (Beta posterior mean, with the counts
** behind it) and a provenance comment; steps without data are listed as
** still assumed.
**
** The edit is textual: the scenario's YAML tree gives where each value
** starts, its extent is found in the text (a scalar, a flow collection up
** to its closing bracket, or a block map up to the next line indented
** less), and only those spans are replaced; comment lines "# calibrate:
** ..." are inserted above the edited keys. Everything else — comments,
** order, layout — is kept byte for byte. The result is loaded before it is
** handed back, so a calibrated scenario always validates. Prints nothing.
*/
#ifndef DRSIM_STUDY_CALIBRATE_H
#define DRSIM_STUDY_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>
#include "fit/drills.h"
#include "models/diag.h"
#include "study/status.h"

typedef struct study_calibrate_opts {
  const char *dist;           /* keep | auto | a family name (fit/mle.h) */
  uint64_t min_n;             /* fewest completed attempts to fit */
  uint64_t boot;              /* KS bootstrap replicates (0: none) */
  uint64_t seed;              /* of the bootstrap */
} study_calibrate_opts;

/* One drill-log group that names a step (or detection) of the scenario. */
typedef struct study_calibrate_row {
  const fit_drills_step *d;   /* environment, step, n, n_censored (the log's) */
  char skipped[300];          /* why it was not fitted; "" when it was */
  char was[200];              /* the value as written (one line) */
  char now[600];              /* the fitted value */
  char ks[32];                /* KS p, "–" without bootstrap */
  char fp[128];               /* failure_probability written, "–" when none */
} study_calibrate_row;

typedef struct study_calibrate_result {
  study_calibrate_row *rows;  /* in the drill log's order */
  size_t n_rows;
  size_t fitted;              /* rows fitted */
  const fit_drills_step **unused;   /* groups naming no step of the scenario */
  size_t n_unused;
  char **assumed;             /* "ENV/STEP" or "ENV/STEP (business_hours, off_hours)" */
  size_t n_assumed;
  char *text;                 /* the calibrated scenario (NULL when nothing was fitted) */
  size_t len;
} study_calibrate_result;

/* Calibrate the scenario text[0..len) (named `source`) from the drill log
** dr (read from drills_path, named in the provenance comment) into *res
** (the result is checked by loading it as `out_name`)
** (release with study_calibrate_free, also after an error). Returns
** STUDY_OK (res->text NULL when no step was fitted); STUDY_EINPUT when the
** text does not parse or the calibrated scenario does not load (a bug: its
** diagnostics in diag, which may be NULL); STUDY_EIO out of memory. */
int study_calibrate(const char *text, size_t len, const char *source, const char *out_name,
                    const fit_drills *dr, const char *drills_path, const study_calibrate_opts *o, model_diag *diag,
                    study_calibrate_result *res, study_error *err);
void study_calibrate_free(study_calibrate_result *res);

#endif
