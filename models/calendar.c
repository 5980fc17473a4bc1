/*
** models/calendar.c — working calendars (see calendar.h): business hours,
** workdays, holidays and a time zone resolved at load time into a table of
** UTC-offset transitions, so the simulation never touches TZ or localtime.
**
** Resolution samples the zone's offset every hour over the span asked for
** (with localtime_r under TZ=<zone>, the system's tz database doing the
** work) and finds each change to the second by bisection: zones change their
** offset at most a few times a year, never twice within an hour.
*/
#include "models/calendar.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAL_DAY 86400.0
#define CAL_MAX_SCAN_DAYS 1000

struct model_calendar {
  char *name;
  char *tz;
  double start_s, end_s;    /* business hours, seconds after local midnight */
  unsigned char workday[7]; /* 0 = Monday */
  long *holidays;           /* sorted days since 1970-01-01 */
  size_t n_holidays, cap_holidays;
  long *added;              /* the same in the order added */
  double *tr_t;             /* transitions: from tr_t[i] on the offset is tr_off[i] */
  double *tr_off;
  size_t n_tr;              /* >= 1 */
};

/* The process's TZ variable is shared: resolution holds this lock while it
** has changed it. */
static pthread_mutex_t cal_tz_lock = PTHREAD_MUTEX_INITIALIZER;

static void cal_why(char *why, size_t n, const char *msg) {
  if (why && n) snprintf(why, n, "%s", msg);
}

model_calendar *model_calendar_new(const char *name) {
  model_calendar *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->name = strdup(name ? name : "");
  c->tz = strdup("UTC");
  c->tr_t = malloc(sizeof *c->tr_t);
  c->tr_off = malloc(sizeof *c->tr_off);
  if (!c->name || !c->tz || !c->tr_t || !c->tr_off) {
    model_calendar_free(c);
    return NULL;
  }
  c->tr_t[0] = -INFINITY;
  c->tr_off[0] = 0;
  c->n_tr = 1;
  c->start_s = 8 * 3600.0;
  c->end_s = 18 * 3600.0;
  for (int d = 0; d < 5; d++) c->workday[d] = 1;
  return c;
}

void model_calendar_free(model_calendar *c) {
  if (!c) return;
  free(c->name);
  free(c->tz);
  free(c->holidays);
  free(c->added);
  free(c->tr_t);
  free(c->tr_off);
  free(c);
}

const char *model_calendar_name(const model_calendar *c) { return c->name; }
const char *model_calendar_timezone(const model_calendar *c) { return c->tz; }

double model_calendar_parse_clock(const char *s, size_t len) {
  if (len != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
      s[2] != ':' || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
    return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 3600.0 + m * 60.0;
}

int model_calendar_set_hours(model_calendar *c, const char *text, char *why, size_t n) {
  const char *dash = strchr(text, '-');
  double a = dash ? model_calendar_parse_clock(text, (size_t)(dash - text)) : -1;
  double b = dash ? model_calendar_parse_clock(dash + 1, strlen(dash + 1)) : -1;
  if (a < 0 || b < 0) {
    cal_why(why, n, "write HH:MM-HH:MM, as in \"08:00-18:00\"");
    return -1;
  }
  if (!(b > a)) {
    cal_why(why, n, "it ends before it starts; write HH:MM-HH:MM within one day, as in "
            "\"08:00-18:00\" (\"00:00-24:00\" for the whole day)");
    return -1;
  }
  return model_calendar_set_hours_s(c, a, b);
}

int model_calendar_set_hours_s(model_calendar *c, double start_s, double end_s) {
  if (!(start_s >= 0 && end_s > start_s && end_s <= CAL_DAY)) return -1;
  c->start_s = start_s;
  c->end_s = end_s;
  return 0;
}

void model_calendar_hours(const model_calendar *c, double *start_s, double *end_s) {
  *start_s = c->start_s;
  *end_s = c->end_s;
}

int model_calendar_set_workdays_count(model_calendar *c, int n) {
  if (n < 1 || n > 7) return -1;
  for (int d = 0; d < 7; d++) c->workday[d] = d < n;
  return 0;
}

void model_calendar_clear_workdays(model_calendar *c) { memset(c->workday, 0, sizeof c->workday); }

void model_calendar_add_workday(model_calendar *c, int weekday) {
  if (weekday >= 0 && weekday < 7) c->workday[weekday] = 1;
}

int model_calendar_is_workday(const model_calendar *c, int weekday) {
  return weekday >= 0 && weekday < 7 && c->workday[weekday];
}

int model_calendar_parse_weekday(const char *text) {
  static const char *const full[7] = {"monday", "tuesday", "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};
  char low[16];
  size_t len = strlen(text);
  if (len < 3 || len >= sizeof low) return -1;
  for (size_t i = 0; i <= len; i++) low[i] = (char)tolower((unsigned char)text[i]);
  for (int d = 0; d < 7; d++)
    if ((len == 3 && strncmp(low, full[d], 3) == 0) || strcmp(low, full[d]) == 0) return d;
  return -1;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
long model_calendar_days_from_civil(int y, int m, int d) {
  long yy = (long)y - (m <= 2);
  long era = (yy >= 0 ? yy : yy - 399) / 400;
  long yoe = yy - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void model_calendar_civil_from_days(long z, int *y, int *m, int *d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long yy = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  long dd = doy - (153 * mp + 2) / 5 + 1;
  long mm = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yy + (mm <= 2));
  *m = (int)mm;
  *d = (int)dd;
}

static int cal_days_in_month(int y, int m) {
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 ? 28 + leap : dm[m - 1];
}

/* "YYYY-MM-DD" at the start of s; the day number, or 0 with *ok = 0. */
static long cal_parse_date(const char *s, int *ok) {
  *ok = 0;
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7) {
      if (s[i] != '-') return 0;
    } else if (!isdigit((unsigned char)s[i])) {
      return 0;
    }
  }
  int y = atoi(s), m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > cal_days_in_month(y, m)) return 0;
  *ok = 1;
  return model_calendar_days_from_civil(y, m, d);
}

int model_calendar_add_holiday(model_calendar *c, const char *date, char *why, size_t n) {
  int ok;
  long day = strlen(date) == 10 ? cal_parse_date(date, &ok) : (ok = 0, 0);
  if (!ok) {
    cal_why(why, n, "write a date as YYYY-MM-DD, as in \"2026-12-25\"");
    return -1;
  }
  if (c->n_holidays == c->cap_holidays) {
    size_t cap = c->cap_holidays ? 2 * c->cap_holidays : 8;
    long *h = realloc(c->holidays, cap * sizeof *h);
    if (!h) goto oom;
    c->holidays = h;
    long *a = realloc(c->added, cap * sizeof *a);
    if (!a) goto oom;
    c->added = a;
    c->cap_holidays = cap;
  }
  c->added[c->n_holidays] = day;
  size_t i = c->n_holidays++;
  while (i > 0 && c->holidays[i - 1] > day) {
    c->holidays[i] = c->holidays[i - 1];
    i--;
  }
  c->holidays[i] = day;
  return 0;
oom:
  cal_why(why, n, "out of memory");
  return -1;
}

size_t model_calendar_n_holidays(const model_calendar *c) { return c->n_holidays; }

long model_calendar_holiday(const model_calendar *c, size_t i) {
  return i < c->n_holidays ? c->added[i] : 0;
}

static int cal_is_holiday(const model_calendar *c, long day) {
  size_t lo = 0, hi = c->n_holidays;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->holidays[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo < c->n_holidays && c->holidays[lo] == day;
}

/* A zone name that names a file of the database and nothing else. */
static int cal_zone_name_ok(const char *tz) {
  if (!*tz || *tz == '/' || strstr(tz, "..") || strlen(tz) > 200) return 0;
  for (const char *p = tz; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("_+-/", *p)) return 0;
  return 1;
}

static int cal_is_utc(const char *tz) {
  return strcmp(tz, "UTC") == 0 || strcmp(tz, "Etc/UTC") == 0;
}

int model_calendar_set_timezone(model_calendar *c, const char *tz, char *why, size_t n) {
  if (!cal_is_utc(tz)) {
    char path[512];
    const char *dir = getenv("TZDIR");
    unsigned char magic[4] = {0};
    if (!cal_zone_name_ok(tz)) {
      cal_why(why, n, "not a time-zone name; write an IANA name such as "
              "\"America/New_York\", \"Europe/Berlin\" or \"UTC\"");
      return -1;
    }
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(magic, 1, 4, f) : 0;
    if (f) fclose(f);
    if (got != 4 || memcmp(magic, "TZif", 4) != 0) {
      cal_why(why, n, "not in this system's time-zone database (install the tzdata package, "
              "or check the spelling: IANA names such as \"America/New_York\")");
      return -1;
    }
  }
  char *copy = strdup(tz);
  if (!copy) {
    cal_why(why, n, "out of memory");
    return -1;
  }
  free(c->tz);
  c->tz = copy;
  return 0;
}

/* Offset of the zone now set in TZ at instant t, from localtime_r. */
static int cal_probe(double t, double *off) {
  time_t tt = (time_t)floor(t);
  struct tm tm;
  if (!localtime_r(&tt, &tm)) return -1;
  long day = model_calendar_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  double local = day * CAL_DAY + tm.tm_hour * 3600.0 + tm.tm_min * 60.0 + tm.tm_sec;
  *off = local - (double)tt;
  return 0;
}

static int cal_push(model_calendar *c, size_t *cap, double t, double off) {
  if (c->n_tr == *cap) {
    size_t nc = *cap * 2;
    double *a = realloc(c->tr_t, nc * sizeof *a);
    if (!a) return -1;
    c->tr_t = a;
    double *b = realloc(c->tr_off, nc * sizeof *b);
    if (!b) return -1;
    c->tr_off = b;
    *cap = nc;
  }
  c->tr_t[c->n_tr] = t;
  c->tr_off[c->n_tr] = off;
  c->n_tr++;
  return 0;
}

int model_calendar_resolve(model_calendar *c, double from, double to, char *why, size_t n) {
  c->n_tr = 1;
  c->tr_t[0] = -INFINITY;
  c->tr_off[0] = 0;
  if (cal_is_utc(c->tz)) return 0;
  if (!(to >= from) || !isfinite(from) || !isfinite(to)) {
    cal_why(why, n, "bad time span");
    return -1;
  }
  int rc = 0;
  size_t cap = 1;
  pthread_mutex_lock(&cal_tz_lock);
  const char *old = getenv("TZ");
  char *saved = old ? strdup(old) : NULL;
  char spec[256];
  snprintf(spec, sizeof spec, ":%s", c->tz);
  if ((old && !saved) || setenv("TZ", spec, 1) != 0) {
    rc = -1;
    cal_why(why, n, "out of memory");
  } else {
    tzset();
    double prev_t = floor(from), prev_off;
    if (cal_probe(prev_t, &prev_off)) rc = -1;
    c->tr_off[0] = prev_off;
    for (double t = prev_t + 3600; rc == 0 && t <= to + 3600; t += 3600) {
      double off;
      if (cal_probe(t, &off)) {
        rc = -1;
        break;
      }
      if (off != prev_off) {
        double lo = prev_t, hi = t;   /* offset(lo) = prev_off, offset(hi) = off */
        while (hi - lo > 1) {
          double mid = floor((lo + hi) / 2), o;
          if (cal_probe(mid, &o)) {
            rc = -1;
            break;
          }
          if (o == prev_off) lo = mid;
          else hi = mid;
        }
        if (rc == 0 && cal_push(c, &cap, hi, off)) {
          rc = -1;
          cal_why(why, n, "out of memory");
        }
        prev_off = off;
      }
      prev_t = t;
    }
    if (rc && why && n && !*why) cal_why(why, n, "the system cannot convert times in this zone");
    if (saved) setenv("TZ", saved, 1);
    else unsetenv("TZ");
    tzset();
  }
  free(saved);
  pthread_mutex_unlock(&cal_tz_lock);
  return rc;
}

double model_calendar_offset(const model_calendar *c, double t) {
  size_t lo = 0, hi = c->n_tr;   /* last i with tr_t[i] <= t; tr_t[0] = -inf */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->tr_t[mid] <= t) lo = mid;
    else hi = mid;
  }
  return c->tr_off[lo];
}

static int cal_open_local(const model_calendar *c, double local) {
  double day = floor(local / CAL_DAY), tod = local - day * CAL_DAY;
  long d = (long)day;
  int wd = (int)(((d + 3) % 7 + 7) % 7);   /* 1970-01-01 was a Thursday */
  return c->workday[wd] && tod >= c->start_s && tod < c->end_s && !cal_is_holiday(c, d);
}

int model_calendar_is_open(const model_calendar *c, double t) {
  return cal_open_local(c, t + model_calendar_offset(c, t));
}

double model_calendar_next_open(const model_calendar *c, double t) {
  if (model_calendar_is_open(c, t)) return t;
  long day = (long)floor((t + model_calendar_offset(c, t)) / CAL_DAY);
  for (long k = 0; k <= CAL_MAX_SCAN_DAYS; k++) {
    long d = day + k;
    int wd = (int)(((d + 3) % 7 + 7) % 7);
    if (!c->workday[wd] || cal_is_holiday(c, d)) continue;
    double local_open = d * CAL_DAY + c->start_s;
    double u = local_open - model_calendar_offset(c, local_open - model_calendar_offset(c, t));
    u = local_open - model_calendar_offset(c, u);
    if (u + (c->end_s - c->start_s) <= t) continue;   /* today's window is over */
    /* The window opens at u, or, when its opening falls in a daylight-saving
    ** gap, when the clocks jump into it: the earliest open instant among u
    ** and the transitions near it. */
    double best = u >= t && model_calendar_is_open(c, u) ? u : INFINITY;
    for (size_t i = 1; i < c->n_tr; i++)
      if (c->tr_t[i] > u - CAL_DAY && c->tr_t[i] < u + CAL_DAY && c->tr_t[i] >= t &&
          c->tr_t[i] < best && model_calendar_is_open(c, c->tr_t[i]))
        best = c->tr_t[i];
    if (isfinite(best)) return best;
  }
  return INFINITY;
}

int model_calendar_parse_utc(const char *text, double *out) {
  int ok;
  size_t len = strlen(text);
  if (len < 10) return -1;
  long day = cal_parse_date(text, &ok);
  if (!ok) return -1;
  const char *p = text + 10;
  double secs = 0;
  if (*p == 'T' || *p == ' ') {
    p++;
    int h, m, s = 0;
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2] != ':' ||
        !isdigit((unsigned char)p[3]) || !isdigit((unsigned char)p[4]))
      return -1;
    h = (p[0] - '0') * 10 + (p[1] - '0');
    m = (p[3] - '0') * 10 + (p[4] - '0');
    p += 5;
    if (*p == ':') {
      if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2])) return -1;
      s = (p[1] - '0') * 10 + (p[2] - '0');
      p += 3;
    }
    if (h > 23 || m > 59 || s > 59) return -1;
    secs = h * 3600.0 + m * 60.0 + s;
  }
  if (*p == 'Z') p++;
  if (*p) return -1;
  *out = day * CAL_DAY + secs;
  return 0;
}

char *model_calendar_format(const model_calendar *c, double t, char *buf, size_t n) {
  static const char *const wdn[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  if (!isfinite(t)) {
    snprintf(buf, n, "never");
    return buf;
  }
  double local = t + (c ? model_calendar_offset(c, t) : 0);
  double day = floor(local / CAL_DAY);
  long d = (long)day;
  int y, mo, dd;
  model_calendar_civil_from_days(d, &y, &mo, &dd);
  int minute = (int)floor((local - day * CAL_DAY) / 60.0);
  snprintf(buf, n, "%s %04d-%02d-%02d %02d:%02d", wdn[((d + 3) % 7 + 7) % 7], y, mo, dd,
           minute / 60, minute % 60);
  return buf;
}
