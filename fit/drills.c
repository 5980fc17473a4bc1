/*
** fit/drills.c — drill logs read with fit/csv.c and grouped by
** (environment, step) (see fit/drills.h). Timestamps are converted with the
** proleptic Gregorian day count (no time zones: drill logs are UTC).
*/
#include "fit/drills.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fit/csv.h"

typedef struct group {
  fit_drills_step s;
  size_t cap;
  char **drill_ids;      /* one per attempt, borrowed from the csv */
  double first_start, last_start;
} group;

struct fit_drills {
  fit_csv *csv;          /* owns the strings the groups borrow */
  group *g;
  size_t n, cap;
};

void fit_drills_free(fit_drills *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n; i++) {
    free(d->g[i].s.x);
    free(d->g[i].s.censored);
    free(d->g[i].drill_ids);
  }
  free(d->g);
  fit_csv_free(d->csv);
  free(d);
}

/* Days from 1970-01-01 of a Gregorian date (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long)doe - 719468;
}

int fit_drills_parse_time(const char *t, double *out) {
  int y, mo, d, h, mi, n = 0;
  double s = 0;
  if (sscanf(t, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return -1;
  const char *p = t + n;
  h = mi = 0;
  if (*p == 'T' || *p == ' ') {
    int k = 0;
    if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &k) != 2 || k != 5) return -1;
    p += 1 + k;
    if (*p == ':') {
      char *end;
      s = strtod(p + 1, &end);
      if (end == p + 1) return -1;
      p = end;
    }
  }
  if (*p == 'Z') p++;
  if (*p) return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || !(s >= 0 && s < 61))
    return -1;
  *out = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600.0 +
         mi * 60.0 + s;
  return 0;
}

static group *find_or_add(fit_drills *d, const char *env, const char *step) {
  for (size_t i = 0; i < d->n; i++)
    if (!strcmp(d->g[i].s.environment, env) && !strcmp(d->g[i].s.step, step)) return &d->g[i];
  if (d->n == d->cap) {
    size_t nc = d->cap ? 2 * d->cap : 16;
    group *ng = realloc(d->g, nc * sizeof *ng);
    if (!ng) return NULL;
    d->g = ng;
    d->cap = nc;
  }
  group *g = &d->g[d->n++];
  memset(g, 0, sizeof *g);
  g->s.environment = env;
  g->s.step = step;
  return g;
}

static int add_attempt(group *g, const char *drill, double x, int cens, double start) {
  if (g->s.n == g->cap) {
    size_t nc = g->cap ? 2 * g->cap : 16;
    double *nx = realloc(g->s.x, nc * sizeof *nx);
    if (!nx) return -1;
    g->s.x = nx;
    unsigned char *nc2 = realloc(g->s.censored, nc);
    if (!nc2) return -1;
    g->s.censored = nc2;
    char **nd = realloc(g->drill_ids, nc * sizeof *nd);
    if (!nd) return -1;
    g->drill_ids = nd;
    g->cap = nc;
  }
  if (g->s.n == 0 || start < g->first_start) g->first_start = start;
  if (g->s.n == 0 || start > g->last_start) g->last_start = start;
  g->s.x[g->s.n] = x;
  g->s.censored[g->s.n] = (unsigned char)cens;
  g->drill_ids[g->s.n] = (char *)drill;
  g->s.n++;
  return 0;
}

static void month_of(double t, char *buf) {
  /* civil_from_days, for the year and month only */
  long z = (long)floor(t / 86400.0) + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = (long)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  int yy = (int)(y % 10000), mm = (int)(m % 13);
  if (yy < 0) yy = 0;
  buf[0] = (char)('0' + yy / 1000);
  buf[1] = (char)('0' + yy / 100 % 10);
  buf[2] = (char)('0' + yy / 10 % 10);
  buf[3] = (char)('0' + yy % 10);
  buf[4] = '-';
  buf[5] = (char)('0' + mm / 10);
  buf[6] = (char)('0' + mm % 10);
  buf[7] = '\0';
}

/* Distinct drills and the most attempts in one drill. */
static void finish_group(group *g) {
  size_t drills = 0, most = 0;
  for (size_t i = 0; i < g->s.n; i++) {
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) seen = !strcmp(g->drill_ids[i], g->drill_ids[j]);
    if (seen) continue;
    drills++;
    size_t c = 0;
    for (size_t j = i; j < g->s.n; j++) c += !strcmp(g->drill_ids[i], g->drill_ids[j]);
    if (c > most) most = c;
  }
  g->s.drills = drills;
  g->s.max_attempts = most;
  month_of(g->first_start, g->s.first_month);
  month_of(g->last_start, g->s.last_month);
}

fit_drills *fit_drills_read(const char *path, char *err, size_t errn) {
  fit_drills *d = calloc(1, sizeof *d);
  if (!d) {
    snprintf(err, errn, "%s: out of memory", path);
    return NULL;
  }
  d->csv = fit_csv_read(path, err, errn);
  if (!d->csv) {
    fit_drills_free(d);
    return NULL;
  }
  static const char *const cols[] = {"drill", "environment", "step", "start", "end", "outcome"};
  int c[6];
  for (int i = 0; i < 6; i++) {
    c[i] = fit_csv_col(d->csv, cols[i]);
    if (c[i] < 0) {
      snprintf(err, errn, "%s:1: no column '%s'; a drill log needs the columns drill, "
               "environment, step, start, end, outcome", path, cols[i]);
      fit_drills_free(d);
      return NULL;
    }
  }
  for (size_t r = 0; r < fit_csv_rows(d->csv); r++) {
    size_t line = fit_csv_line(d->csv, r);
    const char *f[6];
    for (int i = 0; i < 6; i++) f[i] = fit_csv_get(d->csv, r, (size_t)c[i]);
    for (int i = 0; i < 3; i++)
      if (!*f[i]) {
        snprintf(err, errn, "%s:%zu: '%s' is empty", path, line, cols[i]);
        goto fail;
      }
    double t0, t1;
    if (fit_drills_parse_time(f[3], &t0) || fit_drills_parse_time(f[4], &t1)) {
      snprintf(err, errn, "%s:%zu: start and end must be UTC timestamps such as "
               "2026-01-14T10:02:00Z (got '%s', '%s')", path, line, f[3], f[4]);
      goto fail;
    }
    if (!(t1 > t0)) {
      snprintf(err, errn, "%s:%zu: end (%s) must be after start (%s)", path, line, f[4], f[3]);
      goto fail;
    }
    int cens = 0, failed = 0;
    if (!strcasecmp(f[5], "ok")) {
    } else if (!strcasecmp(f[5], "failed")) failed = 1;
    else if (!strcasecmp(f[5], "censored")) cens = 1;
    else {
      snprintf(err, errn, "%s:%zu: outcome '%s' is not ok, failed or censored", path, line, f[5]);
      goto fail;
    }
    group *g = find_or_add(d, f[1], f[2]);
    if (!g || add_attempt(g, f[0], t1 - t0, cens, t0)) {
      snprintf(err, errn, "%s: out of memory", path);
      goto fail;
    }
    if (cens) g->s.n_censored++;
    else {
      g->s.completed++;
      g->s.failures += (unsigned long)failed;
    }
  }
  if (d->n == 0) {
    snprintf(err, errn, "%s: no attempts: the log has a header only", path);
    goto fail;
  }
  for (size_t i = 0; i < d->n; i++) finish_group(&d->g[i]);
  return d;
fail:
  fit_drills_free(d);
  return NULL;
}

size_t fit_drills_count(const fit_drills *d) { return d->n; }
const fit_drills_step *fit_drills_get(const fit_drills *d, size_t i) {
  return i < d->n ? &d->g[i].s : NULL;
}

const fit_drills_step *fit_drills_find(const fit_drills *d, const char *env, const char *step) {
  for (size_t i = 0; i < d->n; i++)
    if (!strcmp(d->g[i].s.environment, env) && !strcmp(d->g[i].s.step, step)) return &d->g[i].s;
  return NULL;
}

char *fit_drills_span(const fit_drills_step *s, char *buf, size_t n) {
  const char *a = s->first_month, *b = s->last_month;
  if (!strcmp(a, b))
    snprintf(buf, n, "%zu drill%s %s", s->drills, s->drills == 1 ? "" : "s", a);
  else if (!strncmp(a, b, 4))
    snprintf(buf, n, "%zu drills %s..%s", s->drills, a, b + 5);
  else
    snprintf(buf, n, "%zu drills %s..%s", s->drills, a, b);
  return buf;
}
