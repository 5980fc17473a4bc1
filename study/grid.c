/*
** study/grid.c — --vary values and grids (see grid.h).
*/
#include "study/grid.h"
#include "study/status.h"
#include "models/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ values */

static char *dup_range(const char *s, size_t len) {
  char *d = malloc(len + 1);
  if (!d) return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

int study_grid_plain_number(const char *s, double *v) {
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (end == s || *end || errno == ERANGE || !isfinite(x)) return 0;
  *v = x;
  return 1;
}

/* The number a value stands for: plain number, fraction "5%", duration. */
static double value_number(const char *text) {
  double v;
  if (study_grid_plain_number(text, &v)) return v;
  size_t len = strlen(text);
  if (len > 1 && text[len - 1] == '%' && model_units_parse_fraction(text, &v, NULL) == 0) return v;
  if (model_units_parse_duration(text, &v, NULL) == 0) return v;
  return NAN;
}

/* Seconds of the single unit a duration token is written in ("10m" -> 60),
** 0 when it has none or several ("600", "1h30m"). */
static double token_unit(const char *s) {
  static const struct { char c; double s; } units[] = {
    {'s', 1}, {'m', MODEL_UNITS_MINUTE}, {'h', MODEL_UNITS_HOUR}, {'d', MODEL_UNITS_DAY},
    {'w', MODEL_UNITS_WEEK}, {'y', MODEL_UNITS_YEAR}};
  size_t len = strlen(s);
  if (len < 2) return 0;
  double v;
  char *num = dup_range(s, len - 1);
  int ok = num && study_grid_plain_number(num, &v);
  free(num);
  if (!ok) return 0;
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (s[len - 1] == units[i].c) return units[i].s;
  return 0;
}

static char unit_letter(double unit) {
  if (unit == MODEL_UNITS_MINUTE) return 'm';
  if (unit == MODEL_UNITS_HOUR) return 'h';
  if (unit == MODEL_UNITS_DAY) return 'd';
  if (unit == MODEL_UNITS_WEEK) return 'w';
  if (unit == MODEL_UNITS_YEAR) return 'y';
  return 's';
}

static int axis_push(study_grid_axis *a, const char *text, size_t len, char *err, size_t n) {
  if (a->n >= STUDY_GRID_MAX_VALUES)
    return study_errf(err, n, "more than %d values; sweep fewer values or a coarser step",
                STUDY_GRID_MAX_VALUES);
  char **t = realloc(a->texts, (a->n + 1) * sizeof *t);
  if (!t) return study_errf(err, n, "out of memory");
  a->texts = t;
  double *v = realloc(a->numbers, (a->n + 1) * sizeof *v);
  if (!v) return study_errf(err, n, "out of memory");
  a->numbers = v;
  char *d = dup_range(text, len);
  if (!d) return study_errf(err, n, "out of memory");
  a->texts[a->n] = d;
  a->numbers[a->n] = value_number(d);
  a->n++;
  return 0;
}

/* One range item "A..B[/S]" (already trimmed). */
static int parse_range(const char *item, const char *dots, study_grid_axis *a, char *err, size_t n) {
  char *start = dup_range(item, (size_t)(dots - item));
  const char *rest = dots + 2;
  const char *slash = strchr(rest, '/');
  char *stop = dup_range(rest, slash ? (size_t)(slash - rest) : strlen(rest));
  char *step = slash ? dup_range(slash + 1, strlen(slash + 1)) : NULL;
  int rc = -1;
  if (!start || !stop || (slash && !step)) {
    study_errf(err, n, "out of memory");
    goto done;
  }
  double a0, b0, s0 = 1;
  int numeric = study_grid_plain_number(start, &a0) && study_grid_plain_number(stop, &b0) &&
                (!step || study_grid_plain_number(step, &s0));
  double unit = 0;
  if (!numeric) {
    const char *why = NULL;
    if (model_units_parse_duration(start, &a0, &why) || model_units_parse_duration(stop, &b0, &why) ||
        (step && model_units_parse_duration(step, &s0, &why))) {
      study_errf(err, n, "range '%s': the ends and the step must be numbers or durations (%s), as in "
           "1..8 or 10m..60m/10m", item, why ? why : "not a number");
      goto done;
    }
    if (!step) {
      study_errf(err, n, "range '%s' of durations needs a step, as in %s/%s", item, item,
           token_unit(start) ? start : "10m");
      goto done;
    }
    unit = token_unit(step);
    if (!unit) unit = token_unit(start);
    if (!unit) unit = 1;
  }
  if (!(s0 > 0)) {
    study_errf(err, n, "range '%s': the step must be greater than 0", item);
    goto done;
  }
  if (b0 < a0) {
    study_errf(err, n, "range '%s' ends below its start; write the smaller value first", item);
    goto done;
  }
  double count = floor((b0 - a0) / s0 * (1 + 1e-12) + 1e-9) + 1;
  if (count > STUDY_GRID_MAX_VALUES) {
    study_errf(err, n, "range '%s' has %.0f values, more than %d; use a larger step", item, count,
         STUDY_GRID_MAX_VALUES);
    goto done;
  }
  for (size_t k = 0; k < (size_t)count; k++) {
    double v = a0 + (double)k * s0;
    char text[64];
    /* 15 digits: 0.1 + 2 * 0.1 is written "0.3", as a user would */
    if (numeric) snprintf(text, sizeof text, "%.15g", v);
    else snprintf(text, sizeof text, "%.15g%c", v / unit, unit_letter(unit));
    if (axis_push(a, text, strlen(text), err, n)) goto done;
  }
  rc = 0;
done:
  free(start);
  free(stop);
  free(step);
  return rc;
}

int study_grid_values_parse(const char *values, study_grid_axis *a, char *err, size_t n) {
  if (!values || !*values) return study_errf(err, n, "no values; write a list (1,2,4) or a range (1..8)");
  const char *p = values;
  for (;;) {
    /* the item runs to the next comma outside brackets and quotes */
    const char *q = p;
    int depth = 0;
    char quote = 0;
    for (; *q; q++) {
      if (quote) {
        if (*q == quote) quote = 0;
      } else if (*q == '"' || *q == '\'') {
        quote = *q;
      } else if (*q == '[' || *q == '{') {
        depth++;
      } else if ((*q == ']' || *q == '}') && depth > 0) {
        depth--;
      } else if (*q == ',' && depth == 0) {
        break;
      }
    }
    const char *b = p, *e = q;
    while (b < e && (*b == ' ' || *b == '\t')) b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if (b == e)
      return study_errf(err, n, "empty value in '%s'; separate values with single commas", values);
    char *item = dup_range(b, (size_t)(e - b));
    if (!item) return study_errf(err, n, "out of memory");
    const char *dots = NULL;
    if (!strpbrk(item, "[]{}\"'")) dots = strstr(item, "..");
    int rc = dots ? parse_range(item, dots, a, err, n) : axis_push(a, item, strlen(item), err, n);
    free(item);
    if (rc) return -1;
    if (!*q) break;
    p = q + 1;
  }
  return 0;
}

int study_grid_axis_parse(const char *spec, study_grid_axis *a, char *err, size_t n) {
  memset(a, 0, sizeof *a);
  const char *eq = spec ? strchr(spec, '=') : NULL;
  if (!eq || eq == spec)
    return study_errf(err, n, "'%s' is not PATH=VALUES; write e.g. "
                "standby.aks-prod-dr.warm_nodes=0..5 or "
                "workflows.production.steps.approve-failover.duration=10m,30m,1h",
                spec ? spec : "");
  a->path = dup_range(spec, (size_t)(eq - spec));
  if (!a->path) return study_errf(err, n, "out of memory");
  char sub[400];
  if (study_grid_values_parse(eq + 1, a, sub, sizeof sub)) {
    study_errf(err, n, "--vary %s: %s", a->path, sub);
    study_grid_axis_free(a);
    return -1;
  }
  return 0;
}

void study_grid_axis_free(study_grid_axis *a) {
  if (!a) return;
  for (size_t i = 0; i < a->n; i++) free(a->texts[i]);
  free(a->texts);
  free(a->numbers);
  free(a->path);
  memset(a, 0, sizeof *a);
}

int study_grid_size(const study_grid_axis *axes, size_t n_axes, size_t *n_points, char *err,
                        size_t n) {
  size_t total = 1;
  for (size_t i = 0; i < n_axes; i++) {
    for (size_t j = 0; j < i; j++)
      if (strcmp(axes[i].path, axes[j].path) == 0)
        return study_errf(err, n, "--vary %s is given twice; put all its values in one --vary",
                    axes[i].path);
    if (axes[i].n == 0) return study_errf(err, n, "--vary %s has no values", axes[i].path);
    if (total > STUDY_GRID_MAX_POINTS / axes[i].n)
      return study_errf(err, n, "the grid has more than %d points; vary fewer values",
                  STUDY_GRID_MAX_POINTS);
    total *= axes[i].n;
  }
  *n_points = total;
  return 0;
}

void study_grid_index(const study_grid_axis *axes, size_t n_axes, size_t point, size_t *idx) {
  for (size_t i = n_axes; i-- > 0;) {
    idx[i] = point % axes[i].n;
    point /= axes[i].n;
  }
}

char *study_grid_override(const study_grid_axis *a, size_t i) {
  size_t lp = strlen(a->path), lv = strlen(a->texts[i]);
  char *s = malloc(lp + lv + 2);
  if (!s) return NULL;
  memcpy(s, a->path, lp);
  s[lp] = '=';
  memcpy(s + lp + 1, a->texts[i], lv + 1);
  return s;
}


void study_grid_shard(size_t n_points, uint64_t k, uint64_t n, size_t *first, size_t *end) {
  if (n == 0 || k < 1 || k > n) {
    *first = *end = 0;
    return;
  }
  *first = (size_t)((k - 1) * (uint64_t)n_points / n);
  *end = (size_t)(k * (uint64_t)n_points / n);
}
