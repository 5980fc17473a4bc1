/*
** fit/drills.h — a drill log (one row per step attempt) grouped by
** (environment, step): the attempt durations with their censoring, the
** failure counts, the most attempts one drill needed, and the drills and
** months they come from, ready for fit_mle() and fit_beta_posterior().
**
** CSV columns (by name, any order, extra columns ignored; see
** docs/calibration.md): drill, environment, step, start, end, outcome.
** start and end are ISO 8601 UTC timestamps (2026-01-14T10:02:00Z, seconds
** and the Z optional, a space instead of the T allowed); outcome is ok,
** failed, or censored (the drill stopped, or a timeout fired, while the
** attempt was still running: its duration is only known to exceed end -
** start). A failed attempt's duration counts as a completed duration (in
** drsim an attempt fails at its end).
*/
#ifndef DRSIM_FIT_DRILLS_H
#define DRSIM_FIT_DRILLS_H

#include <stddef.h>

typedef struct fit_drills fit_drills;

/* One (environment, step) of the log. Arrays are owned by the fit_drills. */
typedef struct fit_drills_step {
  const char *environment, *step;
  double *x;                  /* attempt durations, seconds, in log order */
  unsigned char *censored;    /* 1: x is a lower bound */
  size_t n;                   /* attempts (all outcomes) */
  size_t n_censored;
  unsigned long failures;     /* outcome failed */
  unsigned long completed;    /* outcome ok or failed: the failure probability's attempts */
  size_t drills;              /* distinct drill ids */
  size_t max_attempts;        /* most attempts of this step within one drill */
  char first_month[8], last_month[8];   /* "2026-01" of the earliest/latest start */
} fit_drills_step;

/* Read and group a drill log. Returns the log, or NULL with "file:line:
** message" in err (a bad timestamp, end before start, unknown outcome, a
** missing column). */
fit_drills *fit_drills_read(const char *path, char *err, size_t errn);
void fit_drills_free(fit_drills *d);        /* NULL is a no-op */

/* Groups in order of first appearance in the log. */
size_t fit_drills_count(const fit_drills *d);
const fit_drills_step *fit_drills_get(const fit_drills *d, size_t i);
/* The group of (environment, step), or NULL. */
const fit_drills_step *fit_drills_find(const fit_drills *d, const char *environment,
                                       const char *step);

/* Seconds since 1970-01-01T00:00:00Z of an ISO 8601 UTC timestamp (see
** above). Returns 0, or -1 when the text is not one. */
int fit_drills_parse_time(const char *text, double *seconds);

/* "12 drills 2026-01..12" (same year) or "3 drills 2025-11..2026-02". */
char *fit_drills_span(const fit_drills_step *s, char *buf, size_t n);

#endif
