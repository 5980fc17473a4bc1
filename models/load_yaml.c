/*
** models/load_yaml.c — the scenario loader's typed YAML reader.
**
** Diagnostics at a node's file:line:col, out-of-memory bookkeeping, "did you
** mean" hints, shape checks (map, list, scalar, known keys) and the typed
** getters (duration, fraction, probability, integers, numbers, booleans,
** enums, names). Each getter reports a bad value at the value itself and
** returns -1, so a caller may continue and report the next problem.
*/
#include "models/load_internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/units.h"

void ld_err_at(loader *L, const ynode *n, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const char *file;
  int line, col;
  model_yaml_where(n, L->file, &file, &line, &col);
  if (!n) {
    line = 1;
    col = 1;
  }
  model_diag_add(L->diag, file, line, col, "%s", msg);
  L->errors++;
}

void ld_oom(loader *L) {
  model_diag_add(L->diag, L->file, 0, 0, "out of memory while loading the scenario");
  model_diag_set_nomem(L->diag);
  L->errors++;
}

void *ld_xcalloc(loader *L, size_t n, size_t size) {
  if (n == 0) n = 1;
  void *p = calloc(n, size);
  if (!p) ld_oom(L);
  return p;
}

char *ld_xstrdup(loader *L, const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (!p) {
    ld_oom(L);
    return NULL;
  }
  memcpy(p, s, n);
  return p;
}

/* A short description of a node for "..., not X" messages. */
const char *ld_describe(const ynode *n, char *buf, size_t size) {
  if (!n) return "nothing";
  if (n->kind != MODEL_YAML_SCALAR) return model_yaml_kind_name(n->kind);
  if (n->len == 0 && !n->quoted) return "an empty value";
  if (n->len > 40)
    snprintf(buf, size, "'%.37s...'", n->str);
  else
    snprintf(buf, size, "'%s'", n->str);
  return buf;
}

/* ", did you mean 'x'?" or "; use one of a, b, c" into buf. */
/* "Did you mean" for the loader: skipped once the diagnostics are full (the
** error is dropped anyway) or when a hostile file has used up the budget of
** comparisons, so suggestions stay cheap next to the load itself. */

const char *ld_suggest(loader *L, const char *word, const char *const *cands, size_t n) {
  if (model_diag_count(L->diag) >= MODEL_DIAG_MAX) return NULL;
  long cost = 0;
  size_t lw = strlen(word);
  for (size_t i = 0; i < n; i++) cost += (long)((cands[i] ? strlen(cands[i]) : 0) + 1) * (long)(lw + 1);
  if (cost > L->suggest_budget) return NULL;
  L->suggest_budget -= cost;
  return model_diag_suggest(word, cands, n);
}

const char *ld_hint(loader *L, const char *word, const char *const *cands, size_t n,
                    char *buf, size_t size) {
  const char *best = ld_suggest(L, word, cands, n);
  if (best) {
    snprintf(buf, size, "; did you mean '%s'?", best);
    return buf;
  }
  if (n == 0) {
    snprintf(buf, size, "%s", "");
    return buf;
  }
  size_t off = (size_t)snprintf(buf, size, "; use %s", n == 1 ? "" : "one of ");
  for (size_t i = 0; i < n && i < NAMES_SHOWN && off < size; i++)
    off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "", cands[i]);
  if (n > NAMES_SHOWN && off < size) snprintf(buf + off, size - off, ", ...");
  return buf;
}

/* ---- shape checks ------------------------------------------------------ */

static size_t count_keys(const char *const *keys) {
  size_t n = 0;
  while (keys[n]) n++;
  return n;
}

/* Report every key of map not in `allowed` (NULL-terminated). */
void ld_check_keys(loader *L, const ynode *map, const char *const *allowed,
                   const char *where) {
  size_t na = count_keys(allowed);
  for (size_t i = 0; i < map->n_pairs; i++) {
    const ynode *k = map->pairs[i].key;
    int ok = 0;
    for (size_t j = 0; j < na && !ok; j++) ok = strcmp(k->str, allowed[j]) == 0;
    if (ok) continue;
    char h[512];
    const char *best = ld_suggest(L, k->str, allowed, na);
    if (best) {
      ld_err_at(L, k, "unknown key '%s' in %s; did you mean '%s'?", k->str, where, best);
    } else {
      ld_hint(L, k->str, allowed, na, h, sizeof h);
      ld_err_at(L, k, "unknown key '%s' in %s; the keys are %s", k->str, where, h + 6);
    }
  }
}

int ld_want_map(loader *L, const ynode *n, const char *what) {
  if (n && n->kind == MODEL_YAML_MAPPING) return 0;
  char b[64];
  ld_err_at(L, n, "%s must be a map of keys (key: value), not %s", what, ld_describe(n, b, sizeof b));
  return -1;
}

int ld_want_list(loader *L, const ynode *n, const char *what) {
  if (n && n->kind == MODEL_YAML_SEQUENCE) return 0;
  char b[64];
  ld_err_at(L, n, "%s must be a list (items starting with '- ', or [a, b]), not %s", what,
            ld_describe(n, b, sizeof b));
  return -1;
}

int ld_want_scalar(loader *L, const ynode *n, const char *key) {
  if (n && n->kind == MODEL_YAML_SCALAR && (n->len > 0 || n->quoted)) return 0;
  char b[64];
  if (n && n->kind == MODEL_YAML_SCALAR) {
    ld_err_at(L, n, "'%s' has no value; write one after the ':'", key);
    return -1;
  }
  ld_err_at(L, n, "'%s' must be a single value, not %s", key, ld_describe(n, b, sizeof b));
  return -1;
}

/* YAML's null (nothing after the ':', ~ or null): an optional list written
** empty, taken as absent. */
int ld_is_null(const ynode *n) {
  return n && n->kind == MODEL_YAML_SCALAR && !n->quoted &&
         (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
          strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

/* A list of at most MODEL_MAX_ITEMS items. */
int ld_want_items(loader *L, const ynode *n, const char *what) {
  if (ld_want_list(L, n, what)) return -1;
  if (n->n_items > MODEL_MAX_ITEMS) {
    ld_err_at(L, n, "%s has %zu items; the limit is %d, split the scenario", what, n->n_items,
              MODEL_MAX_ITEMS);
    return -1;
  }
  return 0;
}

/* ---- scalar conversions ------------------------------------------------- */

int ld_get_duration(loader *L, const ynode *n, const char *key, double *out) {
  if (ld_want_scalar(L, n, key)) return -1;
  const char *why = NULL;
  double s;
  if (model_units_parse_duration(n->str, &s, &why)) {
    char b[64];
    ld_err_at(L, n, "bad duration %s for '%s': %s", ld_describe(n, b, sizeof b), key,
              why ? why : "write it as 30s, 15m, 4h, 2d");
    return -1;
  }
  /* Beyond the horizon cap a duration is a unit mistake, and near DBL_MAX it
  ** overflows to infinity in the simulation (a trial that never recovers). */
  if (s > MAX_HORIZON_S) {
    char b[64];
    ld_err_at(L, n, "duration %s for '%s' is longer than 1000y, the longest drsim accepts; "
              "check the units", ld_describe(n, b, sizeof b), key);
    return -1;
  }
  *out = s;
  return 0;
}

int ld_get_fraction(loader *L, const ynode *n, const char *key, double *out) {
  if (ld_want_scalar(L, n, key)) return -1;
  const char *why = NULL;
  double f;
  if (model_units_parse_fraction(n->str, &f, &why)) {
    char b[64];
    ld_err_at(L, n, "bad fraction %s for '%s': %s", ld_describe(n, b, sizeof b), key,
              why ? why : "write it as 99.9% or 0.999");
    return -1;
  }
  *out = f;
  return 0;
}

/* A probability of failure: in [0, 1), since 1 would never succeed. */
int ld_get_probability(loader *L, const ynode *n, const char *key, double *out) {
  double p;
  if (ld_get_fraction(L, n, key, &p)) return -1;
  if (p >= 1) {
    ld_err_at(L, n, "'%s' must be below 1 (100%%): an attempt that always fails never "
              "recovers; use e.g. 0.1", key);
    return -1;
  }
  *out = p;
  return 0;
}

/* An integer in [min, max], decimal digits only. */
int ld_get_int(loader *L, const ynode *n, const char *key, long long min, long long max,
               long long *out) {
  if (ld_want_scalar(L, n, key)) return -1;
  const char *s = n->str;
  char b[64];
  int neg = *s == '-';
  const char *d = neg || *s == '+' ? s + 1 : s;
  int ok = *d != '\0';
  for (const char *p = d; *p && ok; p++) ok = *p >= '0' && *p <= '9';
  if (!ok) {
    ld_err_at(L, n, "'%s' must be a whole number, not %s", key, ld_describe(n, b, sizeof b));
    return -1;
  }
  errno = 0;
  long long v = strtoll(s, NULL, 10);
  if (errno == ERANGE || v < min || v > max) {
    ld_err_at(L, n, "'%s' is %s; it must be between %lld and %lld", key,
              ld_describe(n, b, sizeof b), min, max);
    return -1;
  }
  *out = v;
  return 0;
}

int ld_get_u64(loader *L, const ynode *n, const char *key, uint64_t max, uint64_t *out) {
  if (ld_want_scalar(L, n, key)) return -1;
  const char *s = n->str;
  char b[64];
  int ok = *s != '\0';
  for (const char *p = s; *p && ok; p++) ok = *p >= '0' && *p <= '9';
  if (!ok) {
    ld_err_at(L, n, "'%s' must be a whole number >= 0, not %s", key, ld_describe(n, b, sizeof b));
    return -1;
  }
  errno = 0;
  unsigned long long v = strtoull(s, NULL, 10);
  if (errno == ERANGE || v > max) {
    ld_err_at(L, n, "'%s' is %s; it must be at most %" PRIu64, key, ld_describe(n, b, sizeof b), max);
    return -1;
  }
  *out = v;
  return 0;
}

/* A finite real number (shape, sigma, mu, cost). */
int ld_get_number(loader *L, const ynode *n, const char *key, double *out) {
  if (ld_want_scalar(L, n, key)) return -1;
  char *end = NULL;
  errno = 0;
  double v = strtod(n->str, &end);
  while (end && isspace((unsigned char)*end)) end++;
  if (end == n->str || !end || *end != '\0' || !isfinite(v) || errno == ERANGE ||
      isspace((unsigned char)n->str[0])) {
    char b[64];
    ld_err_at(L, n, "'%s' must be a number, as in 1.5, not %s", key, ld_describe(n, b, sizeof b));
    return -1;
  }
  *out = v;
  return 0;
}

int ld_get_bool(loader *L, const ynode *n, const char *key, int *out) {
  if (ld_want_scalar(L, n, key)) return -1;
  static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes", "on", NULL};
  static const char *const f[] = {"false", "False", "FALSE", "no", "No", "off", NULL};
  for (size_t i = 0; t[i]; i++)
    if (strcmp(n->str, t[i]) == 0) {
      *out = 1;
      return 0;
    }
  for (size_t i = 0; f[i]; i++)
    if (strcmp(n->str, f[i]) == 0) {
      *out = 0;
      return 0;
    }
  char b[64];
  ld_err_at(L, n, "'%s' must be true or false, not %s", key, ld_describe(n, b, sizeof b));
  return -1;
}

/* One of `names` (NULL-terminated); *out = its index. */
int ld_get_enum(loader *L, const ynode *n, const char *key, const char *const *names,
                int *out) {
  if (ld_want_scalar(L, n, key)) return -1;
  size_t nn = count_keys(names);
  for (size_t i = 0; i < nn; i++)
    if (strcmp(n->str, names[i]) == 0) {
      *out = (int)i;
      return 0;
    }
  char b[64], h[512];
  ld_err_at(L, n, "unknown %s %s%s", key, ld_describe(n, b, sizeof b), ld_hint(L, n->str, names, nn, h, sizeof h));
  return -1;
}

/* Whether s holds a control character (below 0x20, or DEL). */
int ld_has_control(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
  return 0;
}

/* A name: 1..128 characters from letters, digits, '-', '_', '.', starting
** with a letter or digit. Names appear in --set paths and ENV/STEP, so '/'
** and spaces are kept out. Returns the node's string (borrowed) or NULL. */
const char *ld_get_name(loader *L, const ynode *n, const char *what) {
  if (ld_want_scalar(L, n, what)) return NULL;
  const char *s = n->str;
  if (n->len > MAX_NAME) {
    ld_err_at(L, n, "%s is %zu characters long; the limit is %d", what, n->len, MAX_NAME);
    return NULL;
  }
  int ok = isalnum((unsigned char)s[0]);
  for (const char *p = s; *p && ok; p++)
    ok = isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.';
  if (!ok) {
    char b[64];
    ld_err_at(L, n, "%s %s may only use letters, digits, '-', '_' and '.', starting with a "
              "letter or digit", what, ld_describe(n, b, sizeof b));
    return NULL;
  }
  return s;
}
