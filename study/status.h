/*
** study/status.h — how study/ reports: every study_* function that can fail
** returns a study_status and fills a study_error with one sentence (no
** "drsim CMD: error: " prefix, no newline) for its caller to print. study/
** prints nothing; cli/ maps a status to an exit code (cli_exit_from_study).
*/
#ifndef DRSIM_STUDY_STATUS_H
#define DRSIM_STUDY_STATUS_H

#include <stddef.h>

typedef enum study_status {
  STUDY_OK = 0,
  STUDY_EINPUT = -1,       /* bad input: the scenario, an option, a run that cannot be resumed */
  STUDY_EIO = -2,          /* I/O, database, simulation failure or out of memory */
  STUDY_INTERRUPTED = -3   /* stopped on request (SIGINT/SIGTERM); finished trials kept */
} study_status;

typedef struct study_error {
  char text[1024];
} study_error;

/* Fill err (NULL is allowed) printf-style; returns status, so a failing
** path reads `return study_fail(err, STUDY_EIO, "...", ...)`. */
int study_fail(study_error *err, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Write a message into err (n bytes; NULL or 0: nothing) printf-style and
** return -1: the small parsers of study/ report into a caller's buffer. */
int study_errf(char *err, size_t n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
