/*
** models/units.c — parsing and formatting of durations, fractions and rates
** as planners write them in scenarios ("4h", "1h30m", "99.9%", "1/10y").
**
** Numbers are scanned by hand (digits, optional fraction, optional exponent)
** before strtod sees them, so strtod's extras (sign, hex, "inf", "nan",
** leading spaces) can never slip through; strtod then does the exact
** decimal-to-binary conversion. The program runs in the C locale, so '.' is
** the decimal point. Error messages are static strings: the caller (the
** scenario loader) adds the offending text and its location.
*/
#include "models/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest number we accept, in characters; more is certainly a mistake. */
#define NUMBER_MAX 64

static void set_why(const char **why, const char *msg) {
  if (why) *why = msg;
}

static const char *skip_space(const char *s) {
  while (*s && isspace((unsigned char)*s)) s++;
  return s;
}

/* Length of s with trailing white space removed. */
static size_t trimmed_len(const char *s) {
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) n--;
  return n;
}

/* Scan an unsigned decimal number at s (limit: end). On success stores it in
** *value, returns the position just after it. Returns NULL with *why set
** when there is no number or it does not fit in a finite double. */
static const char *scan_number(const char *s, const char *end, double *value,
                               const char **why) {
  const char *p = s;
  size_t int_digits = 0, frac_digits = 0;
  while (p < end && isdigit((unsigned char)*p)) p++, int_digits++;
  if (p < end && *p == '.') {
    p++;
    while (p < end && isdigit((unsigned char)*p)) p++, frac_digits++;
  }
  if (int_digits + frac_digits == 0) {
    set_why(why, "expected a number, as in 15m, 4h or 1.5h");
    return NULL;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    const char *q = p + 1;
    if (q < end && (*q == '+' || *q == '-')) q++;
    if (q < end && isdigit((unsigned char)*q)) {
      while (q < end && isdigit((unsigned char)*q)) q++;
      p = q;
    }
  }
  size_t len = (size_t)(p - s);
  if (len >= NUMBER_MAX) {
    set_why(why, "number too long; write at most 63 characters, as in 1.5h");
    return NULL;
  }
  char buf[NUMBER_MAX];
  memcpy(buf, s, len);
  buf[len] = '\0';
  errno = 0;
  char *stop = NULL;
  double v = strtod(buf, &stop);
  /* ERANGE on underflow (1e-400) gives a tiny or zero value, which is
  ** harmless for durations; only overflow is an error. */
  if ((errno == ERANGE && fabs(v) > 1.0) || !isfinite(v)) {
    set_why(why, "number too large; write a finite value of a realistic size, as in 10y");
    return NULL;
  }
  if (stop != buf + len) {
    /* Cannot happen for what we scanned, but never trust a partial parse. */
    set_why(why, "malformed number; write digits with an optional '.', as in 1.5h");
    return NULL;
  }
  *value = v;
  return p;
}

/* Common checks on the first non-space character of a number. Returns a
** message when it cannot start a number, NULL when it may. */
static const char *bad_number_start(const char *s, const char *end) {
  if (s >= end) return "empty value; write a number with a unit, as in 15m";
  if (*s == '-') return "negative values are not allowed; write a positive number, as in 3h";
  if (*s == '+') return "remove the '+' sign; write the number alone, as in 3h";
  size_t n = (size_t)(end - s);
  if ((n >= 3 && (strncmp(s, "inf", 3) == 0 || strncmp(s, "INF", 3) == 0 ||
                  strncmp(s, "Inf", 3) == 0)) ||
      (n >= 3 && (strncmp(s, "nan", 3) == 0 || strncmp(s, "NAN", 3) == 0 ||
                  strncmp(s, "NaN", 3) == 0)))
    return "not a finite number; write a duration such as 4h or 30d";
  if (isalpha((unsigned char)*s))
    return "missing number before the unit; write e.g. 4h, not h";
  if (!isdigit((unsigned char)*s) && *s != '.')
    return "expected a number, as in 15m, 4h or 1.5h";
  return NULL;
}

/* Unit letter -> (seconds, rank). Rank orders units so compound durations go
** from the largest unit to the smallest ("1h30m", not "30m1h"). */
static int unit_of(char c, double *secs, int *rank) {
  switch (c) {
    case 's': *secs = 1.0; *rank = 1; return 0;
    case 'm': *secs = MODEL_UNITS_MINUTE; *rank = 2; return 0;
    case 'h': *secs = MODEL_UNITS_HOUR; *rank = 3; return 0;
    case 'd': *secs = MODEL_UNITS_DAY; *rank = 4; return 0;
    case 'w': *secs = MODEL_UNITS_WEEK; *rank = 5; return 0;
    case 'y': *secs = MODEL_UNITS_YEAR; *rank = 6; return 0;
    default: return -1;
  }
}

/* Parse the duration in [s, end) (already trimmed). */
static int parse_duration_span(const char *s, const char *end, double *seconds,
                               const char **why) {
  const char *msg = bad_number_start(s, end);
  if (msg) {
    set_why(why, msg);
    return -1;
  }
  double total = 0.0;
  int last_rank = 7; /* above every unit */
  int parts = 0;
  const char *p = s;
  while (p < end) {
    if (parts > 0) {
      /* Parts may be separated by spaces: "12m 30s" (as we format them). */
      while (p < end && isspace((unsigned char)*p)) p++;
      msg = bad_number_start(p, end);
      if (msg) {
        if (*p == '-')
          msg = "unexpected '-' in the duration; write only a number and a unit, as in 3h";
        set_why(why, msg);
        return -1;
      }
    }
    double v = 0.0;
    const char *q = scan_number(p, end, &v, why);
    if (!q) return -1;
    if (q == end) {
      if (parts == 0) { /* a bare number of seconds, "90" */
        *seconds = v;
        return 0;
      }
      set_why(why, "every part of a compound duration needs a unit, as in 1h30m");
      return -1;
    }
    if (isspace((unsigned char)*q)) {
      set_why(why, "put the unit right after the number, with no space, and use "
                   "s, m, h, d, w or y, as in 15m");
      return -1;
    }
    const char *u = q;
    while (q < end && isalpha((unsigned char)*q)) q++;
    double unit_s = 0.0;
    int rank = 0;
    if (q - u != 1 || unit_of(*u, &unit_s, &rank) != 0) {
      set_why(why, q == u ? "unexpected character after the number; write a number and "
                            "a unit (s, m, h, d, w or y), as in 3h"
                          : "unknown unit; use s, m, h, d, w or y (y = 365d), as in 4h");
      return -1;
    }
    if (rank >= last_rank) {
      set_why(why, "in a compound duration each unit must be smaller than the one "
                   "before and appear once, as in 1d12h or 1h30m");
      return -1;
    }
    last_rank = rank;
    total += v * unit_s;
    if (!isfinite(total)) {
      set_why(why, "duration too large; it must be a finite number of seconds");
      return -1;
    }
    parts++;
    p = q;
    if (p < end && !isspace((unsigned char)*p) && !isdigit((unsigned char)*p) &&
        *p != '.') {
      set_why(why, *p == '-' ? "unexpected '-' after the duration; durations are written "
                               "as a number and a unit, as in 3h"
                             : "unexpected character after the unit; write a duration "
                               "such as 4h or 1h30m");
      return -1;
    }
  }
  *seconds = total;
  return 0;
}

int model_units_parse_duration(const char *text, double *seconds, const char **why) {
  if (!text) {
    set_why(why, "missing duration; write a number with a unit, as in 15m");
    return -1;
  }
  const char *s = skip_space(text);
  const char *end = text + trimmed_len(text);
  if (s >= end) {
    set_why(why, "empty duration; write a number with a unit, as in 15m");
    return -1;
  }
  double v = 0.0;
  if (parse_duration_span(s, end, &v, why) != 0) return -1;
  if (seconds) *seconds = v;
  return 0;
}

int model_units_parse_fraction(const char *text, double *fraction, const char **why) {
  if (!text) {
    set_why(why, "missing fraction; write a percentage such as 99.9% or a fraction such as 0.999");
    return -1;
  }
  const char *s = skip_space(text);
  const char *end = text + trimmed_len(text);
  if (s >= end) {
    set_why(why, "empty fraction; write a percentage such as 99.9% or a fraction such as 0.999");
    return -1;
  }
  if (*s == '-') {
    set_why(why, "negative fraction; write a value between 0% and 100%, as in 99.9%");
    return -1;
  }
  const char *msg = bad_number_start(s, end);
  if (msg) {
    set_why(why, isalpha((unsigned char)*s) || *s == '+'
                     ? "expected a percentage such as 99.9% or a fraction such as 0.999"
                     : msg);
    return -1;
  }
  double v = 0.0;
  const char *q = scan_number(s, end, &v, why);
  if (!q) return -1;
  const char *num_end = q;
  int percent = 0;
  q = skip_space(q);
  if (q < end && *q == '%') {
    percent = 1;
    q++;
  }
  if (q != end) {
    set_why(why, "unexpected characters; write a percentage such as 99.9% or a "
                 "fraction such as 0.999");
    return -1;
  }
  if (percent) {
    if (v > 100.0) {
      set_why(why, "percentage above 100%; write a value between 0% and 100%, as in 99.9%");
      return -1;
    }
    /* Shift the decimal point in the text rather than dividing, so "99.9%"
    ** gives exactly the double of "0.999" (v / 100 can be 1 ulp off). The
    ** scanned number is shorter than NUMBER_MAX, so the buffer fits. */
    size_t len = (size_t)(num_end - s);
    if (!memchr(s, 'e', len) && !memchr(s, 'E', len)) {
      char buf[NUMBER_MAX + 4];
      memcpy(buf, s, len);
      memcpy(buf + len, "e-2", 4);
      v = strtod(buf, NULL);
    } else {
      v /= 100.0;
    }
  } else if (v > 1.0) {
    set_why(why, "fraction above 1; write a fraction in [0, 1] such as 0.999, or a "
                 "percentage with '%', as in 99.9%");
    return -1;
  }
  if (fraction) *fraction = v;
  return 0;
}

int model_units_parse_rate(const char *text, double *per_second, const char **why) {
  static const char *const form =
      "write a rate as count/period, as in 1/10y (once in ten years) or 0.5/d";
  if (!text) {
    set_why(why, form);
    return -1;
  }
  const char *s = skip_space(text);
  const char *end = text + trimmed_len(text);
  const char *slash = memchr(s, '/', (size_t)(s < end ? end - s : 0));
  if (s >= end || !slash) {
    set_why(why, form);
    return -1;
  }
  const char *cend = slash;
  while (cend > s && isspace((unsigned char)cend[-1])) cend--;
  const char *msg = bad_number_start(s, cend);
  if (msg) {
    set_why(why, s == cend ? "missing count before '/'; write a rate as count/period, as in 1/10y"
                           : msg);
    return -1;
  }
  double count = 0.0;
  const char *q = scan_number(s, cend, &count, why);
  if (!q) return -1;
  if (q != cend) {
    set_why(why, "the count before '/' must be a plain number, as in 1/10y or 2/1y");
    return -1;
  }
  const char *ps = skip_space(slash + 1);
  if (ps >= end) {
    set_why(why, "missing period after '/'; write a rate as count/period, as in 1/10y");
    return -1;
  }
  double period = 0.0;
  int all_alpha = 1;
  for (const char *c = ps; c < end; c++)
    if (!isalpha((unsigned char)*c)) all_alpha = 0;
  if (all_alpha) {
    /* "1/y": a unit alone means one of it. */
    int rank = 0;
    if (end - ps != 1 || unit_of(*ps, &period, &rank) != 0) {
      set_why(why, "unknown unit; use s, m, h, d, w or y (y = 365d), as in 1/10y");
      return -1;
    }
  } else if (parse_duration_span(ps, end, &period, why) != 0) {
    return -1;
  }
  if (!(count > 0.0)) {
    set_why(why, "a rate must be greater than 0; to disable arrivals, leave the rate out");
    return -1;
  }
  if (!(period > 0.0)) {
    set_why(why, "the period after '/' must be greater than 0, as in 1/10y");
    return -1;
  }
  double r = count / period;
  if (!isfinite(r) || !(r > 0.0)) {
    set_why(why, "rate out of range; write count/period with a realistic period, as in 1/10y");
    return -1;
  }
  if (per_second) *per_second = r;
  return 0;
}

char *model_units_format_duration(double seconds, char *buf, size_t n) {
  if (!buf || n == 0) return buf;
  if (isnan(seconds)) {
    snprintf(buf, n, "n/a");
    return buf;
  }
  if (isinf(seconds)) {
    snprintf(buf, n, seconds > 0 ? "inf" : "-inf");
    return buf;
  }
  const char *sign = seconds < 0 ? "-" : "";
  double a = fabs(seconds);
  if (a >= 100.0 * MODEL_UNITS_YEAR) {
    /* Beyond any DR horizon; years keep it readable and avoid integer overflow. */
    snprintf(buf, n, "%s%.4gy", sign, a / MODEL_UNITS_YEAR);
  } else if (a > 0.0 && a < 0.9995) {
    snprintf(buf, n, "%s%.3gs", sign, a);
  } else if (a < MODEL_UNITS_MINUTE - 0.5) {
    snprintf(buf, n, "%s%llds", sign, (long long)llround(a));
  } else if (a < MODEL_UNITS_HOUR - 0.5) {
    long long t = llround(a);
    long long m = t / 60, s = t % 60;
    if (s) snprintf(buf, n, "%s%lldm %02llds", sign, m, s);
    else snprintf(buf, n, "%s%lldm", sign, m);
  } else if (a < MODEL_UNITS_DAY - 30.0) {
    long long t = llround(a / 60.0);
    long long h = t / 60, m = t % 60;
    if (m) snprintf(buf, n, "%s%lldh %02lldm", sign, h, m);
    else snprintf(buf, n, "%s%lldh", sign, h);
  } else {
    long long t = llround(a / 3600.0);
    long long d = t / 24, h = t % 24;
    if (h) snprintf(buf, n, "%s%lldd %02lldh", sign, d, h);
    else snprintf(buf, n, "%s%lldd", sign, d);
  }
  return buf;
}

char *model_units_format_clock(double seconds, char *buf, size_t n) {
  if (!buf || n == 0) return buf;
  /* 1e15 s is ~3e7 years: far past any horizon, and safely inside long long. */
  if (!isfinite(seconds) || fabs(seconds) > 1e15) {
    snprintf(buf, n, "--:--:--");
    return buf;
  }
  long long t = llround(fabs(seconds));
  snprintf(buf, n, "%s%02lld:%02lld:%02lld", seconds < 0 && t > 0 ? "-" : "", t / 3600,
           (t / 60) % 60, t % 60);
  return buf;
}
