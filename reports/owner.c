/*
** reports/owner.c — the process executing a run (contract in reports/owner.h).
*/
#include "reports/owner.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Field 22 of /proc/PID/stat (start time in clock ticks since boot), or 0. */
static unsigned long long start_ticks(int64_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* The command name (field 2) may hold spaces and parentheses: count
  ** fields after the last ')'. */
  char *p = strrchr(buf, ')');
  if (!p) return 0;
  if (p[1] == ' ' && p[2] == 'Z') return 0;   /* a zombie: it has exited */
  unsigned long long v = 0;
  int field = 2;
  for (p++; *p && field < 22; p++)
    if (*p == ' ') field++;
  if (field == 22 && sscanf(p, "%llu", &v) != 1) v = 0;
  return v;
}

static void boot_id(char *out, size_t n) {
  out[0] = '\0';
  FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
  if (!f) return;
  if (!fgets(out, (int)n, f)) out[0] = '\0';
  fclose(f);
  out[strcspn(out, "\r\n")] = '\0';
}

static void ident_of(int64_t pid, char *out, size_t n) {
  char boot[64];
  boot_id(boot, sizeof boot);
  unsigned long long t = start_ticks(pid);
  if (boot[0] && t) snprintf(out, n, "%s:%llu", boot, t);
  else out[0] = '\0';
}

void report_owner_self(report_owner *o) {
  memset(o, 0, sizeof *o);
  o->pid = (int64_t)getpid();
  if (gethostname(o->host, sizeof o->host - 1) != 0) o->host[0] = '\0';
  ident_of(o->pid, o->ident, sizeof o->ident);
}

int report_owner_alive(const report_owner *o, double heartbeat_age_s) {
  if (o->pid <= 0) return 0;
  report_owner me;
  report_owner_self(&me);
  if (strcmp(o->host, me.host) != 0)
    return heartbeat_age_s >= 0 && heartbeat_age_s < REPORT_OWNER_STALE_S;
  if (o->pid == me.pid && strcmp(o->ident, me.ident) == 0) return 1;
  if (kill((pid_t)o->pid, 0) != 0 && errno == ESRCH) return 0;
  if (o->ident[0]) {
    char now[96];
    ident_of(o->pid, now, sizeof now);
    /* Gone from /proc, a zombie, or the pid reused by another process. */
    if (strcmp(now, o->ident) != 0) return 0;
  }
  return 1;
}
