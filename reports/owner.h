/*
** reports/owner.h — who executes a run: the process that writes a run's
** trials is recorded with it (host, pid and an identity that survives pid
** reuse), so that a second `drsim run --resume` is refused while the first
** is alive, and a run left 'running' by a killed process can be told from
** one in progress ("interrupted (owner gone)").
*/
#ifndef DRSIM_REPORTS_OWNER_H
#define DRSIM_REPORTS_OWNER_H

#include <stdint.h>

/* A process as recorded with a run. */
typedef struct report_owner {
  int64_t pid;
  char host[256];   /* gethostname() */
  char ident[96];   /* "BOOT_ID:START_TICKS" (Linux /proc), or "" */
} report_owner;

/* This process. */
void report_owner_self(report_owner *o);

/* Whether the recorded process is alive. On this host: the pid exists and,
** when an identity was recorded, it is the same process (not a reuse of its
** pid). On another host the answer cannot be known: heartbeat_age_s, the
** seconds since the run last committed trials, decides (alive when under
** REPORT_OWNER_STALE_S). Returns 1 alive, 0 gone. */
int report_owner_alive(const report_owner *o, double heartbeat_age_s);

/* A run on another host that has not committed for this long is taken as
** abandoned. */
#define REPORT_OWNER_STALE_S 600.0

#endif
