/*
** models/scenario_load.c — YAML tree to a validated model_scenario.
**
** Reading goes file -> models/yaml_tree (syntax, limits) -> models/override
** (--set) -> this file, which walks the tree once per section, converts every
** value with models/units and models/dist, resolves names to indexes and
** checks the cross references and graphs. It reports every problem it can
** find in one pass, like a compiler: a bad value is reported and replaced by
** a harmless default so that the checks after it still run. Locations follow
** one rule: a bad value is reported at the value, an unknown key at the key,
** a missing key at the map that lacks it.
**
** Order of the sections: top-level scalars, objectives (they define the
** environments), regions, the names of components, standby pools and
** workflow steps (so references may point forward), then the details of
** each, then the graphs (depends_on, needs, and the failovers that wait on
** steps), stream ids and the flattened step offsets.
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include "models/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include <nettle/sha2.h>

#include "models/override.h"
#include "models/uncertainty.h"
#include "models/unused.h"
#include "models/units.h"
#include "models/yaml_tree.h"
#include "sim/rng.h"

#define MAX_NAME 128
#define MAX_RETRIES 1000
#define MAX_TRIALS 1000000000ull
#define MAX_HORIZON_S (1000.0 * MODEL_UNITS_YEAR)
/* Expected events per lifetime trial above which a scenario is refused. */
#define MAX_LIFETIME_EVENTS 1e7
#define MAX_EMPIRICAL_SAMPLES 1000000
#define NAMES_SHOWN 8

typedef model_yaml_node ynode;

/* ---- loader context and diagnostics -------------------------------------- */

typedef struct step_tmp {
  const ynode *map;
  const ynode *needs;         /* the needs list (or scalar) node, or NULL */
  const ynode *if_lost;       /* the if_lost list (or scalar) node, or NULL */
} step_tmp;

typedef struct wf_tmp {
  const ynode *map;
  step_tmp *steps;            /* n = workflows[i].n_steps */
} wf_tmp;

typedef struct loader {
  const char *file;
  model_diag *diag;
  model_scenario *sc;
  int errors;
  char *dir;                  /* directory of the scenario, for empirical files */
  const model_load_opts *opts;/* may be NULL */
  size_t cap_inputs;          /* allocated sc->inputs */
  const ynode **comp_map;     /* per component: its map node */
  const ynode **comp_by;      /* per component: the failover `by` value node */
  long suggest_budget;        /* character comparisons left for "did you mean" */
  int regions_bad;            /* 'regions' unusable: don't report every reference */
  int environments_bad;       /* 'objectives' unusable: likewise */
  wf_tmp *wf;                 /* per workflow */
} loader;

#if defined(__GNUC__)
#define L_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define L_PRINTF(a, b)
#endif

static void err_at(loader *L, const ynode *n, const char *fmt, ...) L_PRINTF(3, 4);
static void err_at(loader *L, const ynode *n, const char *fmt, ...) {
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

static void oom(loader *L) {
  model_diag_add(L->diag, L->file, 0, 0, "out of memory while loading the scenario");
  model_diag_set_nomem(L->diag);
  L->errors++;
}

static void *xcalloc(loader *L, size_t n, size_t size) {
  if (n == 0) n = 1;
  void *p = calloc(n, size);
  if (!p) oom(L);
  return p;
}

static char *xstrdup(loader *L, const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (!p) {
    oom(L);
    return NULL;
  }
  memcpy(p, s, n);
  return p;
}

/* A short description of a node for "..., not X" messages. */
static const char *describe(const ynode *n, char *buf, size_t size) {
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
#define SUGGEST_BUDGET 50000000L

static const char *suggest(loader *L, const char *word, const char *const *cands, size_t n) {
  if (model_diag_count(L->diag) >= MODEL_DIAG_MAX) return NULL;
  long cost = 0;
  size_t lw = strlen(word);
  for (size_t i = 0; i < n; i++) cost += (long)((cands[i] ? strlen(cands[i]) : 0) + 1) * (long)(lw + 1);
  if (cost > L->suggest_budget) return NULL;
  L->suggest_budget -= cost;
  return model_diag_suggest(word, cands, n);
}

static const char *hint(loader *L, const char *word, const char *const *cands, size_t n,
                        char *buf, size_t size) {
  const char *best = suggest(L, word, cands, n);
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
static void check_keys(loader *L, const ynode *map, const char *const *allowed,
                       const char *where) {
  size_t na = count_keys(allowed);
  for (size_t i = 0; i < map->n_pairs; i++) {
    const ynode *k = map->pairs[i].key;
    int ok = 0;
    for (size_t j = 0; j < na && !ok; j++) ok = strcmp(k->str, allowed[j]) == 0;
    if (ok) continue;
    char h[512];
    const char *best = suggest(L, k->str, allowed, na);
    if (best) {
      err_at(L, k, "unknown key '%s' in %s; did you mean '%s'?", k->str, where, best);
    } else {
      hint(L, k->str, allowed, na, h, sizeof h);
      err_at(L, k, "unknown key '%s' in %s; the keys are %s", k->str, where, h + 6);
    }
  }
}

static int want_map(loader *L, const ynode *n, const char *what) {
  if (n && n->kind == MODEL_YAML_MAPPING) return 0;
  char b[64];
  err_at(L, n, "%s must be a map of keys (key: value), not %s", what, describe(n, b, sizeof b));
  return -1;
}

static int want_list(loader *L, const ynode *n, const char *what) {
  if (n && n->kind == MODEL_YAML_SEQUENCE) return 0;
  char b[64];
  err_at(L, n, "%s must be a list (items starting with '- ', or [a, b]), not %s", what,
         describe(n, b, sizeof b));
  return -1;
}

static int want_scalar(loader *L, const ynode *n, const char *key) {
  if (n && n->kind == MODEL_YAML_SCALAR && (n->len > 0 || n->quoted)) return 0;
  char b[64];
  if (n && n->kind == MODEL_YAML_SCALAR) {
    err_at(L, n, "'%s' has no value; write one after the ':'", key);
    return -1;
  }
  err_at(L, n, "'%s' must be a single value, not %s", key, describe(n, b, sizeof b));
  return -1;
}

/* YAML's null (nothing after the ':', ~ or null): an optional list written
** empty, taken as absent. */
static int is_null(const ynode *n) {
  return n && n->kind == MODEL_YAML_SCALAR && !n->quoted &&
         (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
          strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

/* A list of at most MODEL_MAX_ITEMS items. */
static int want_items(loader *L, const ynode *n, const char *what) {
  if (want_list(L, n, what)) return -1;
  if (n->n_items > MODEL_MAX_ITEMS) {
    err_at(L, n, "%s has %zu items; the limit is %d, split the scenario", what, n->n_items,
           MODEL_MAX_ITEMS);
    return -1;
  }
  return 0;
}

/* ---- scalar conversions ------------------------------------------------- */

static int get_duration(loader *L, const ynode *n, const char *key, double *out) {
  if (want_scalar(L, n, key)) return -1;
  const char *why = NULL;
  double s;
  if (model_units_parse_duration(n->str, &s, &why)) {
    char b[64];
    err_at(L, n, "bad duration %s for '%s': %s", describe(n, b, sizeof b), key,
           why ? why : "write it as 30s, 15m, 4h, 2d");
    return -1;
  }
  /* Beyond the horizon cap a duration is a unit mistake, and near DBL_MAX it
  ** overflows to infinity in the simulation (a trial that never recovers). */
  if (s > MAX_HORIZON_S) {
    char b[64];
    err_at(L, n, "duration %s for '%s' is longer than 1000y, the longest drsim accepts; "
           "check the units", describe(n, b, sizeof b), key);
    return -1;
  }
  *out = s;
  return 0;
}

static int get_fraction(loader *L, const ynode *n, const char *key, double *out) {
  if (want_scalar(L, n, key)) return -1;
  const char *why = NULL;
  double f;
  if (model_units_parse_fraction(n->str, &f, &why)) {
    char b[64];
    err_at(L, n, "bad fraction %s for '%s': %s", describe(n, b, sizeof b), key,
           why ? why : "write it as 99.9% or 0.999");
    return -1;
  }
  *out = f;
  return 0;
}

/* A probability of failure: in [0, 1), since 1 would never succeed. */
static int get_probability(loader *L, const ynode *n, const char *key, double *out) {
  double p;
  if (get_fraction(L, n, key, &p)) return -1;
  if (p >= 1) {
    err_at(L, n, "'%s' must be below 1 (100%%): an attempt that always fails never "
           "recovers; use e.g. 0.1", key);
    return -1;
  }
  *out = p;
  return 0;
}

/* An integer in [min, max], decimal digits only. */
static int get_int(loader *L, const ynode *n, const char *key, long long min, long long max,
                   long long *out) {
  if (want_scalar(L, n, key)) return -1;
  const char *s = n->str;
  char b[64];
  int neg = *s == '-';
  const char *d = neg || *s == '+' ? s + 1 : s;
  int ok = *d != '\0';
  for (const char *p = d; *p && ok; p++) ok = *p >= '0' && *p <= '9';
  if (!ok) {
    err_at(L, n, "'%s' must be a whole number, not %s", key, describe(n, b, sizeof b));
    return -1;
  }
  errno = 0;
  long long v = strtoll(s, NULL, 10);
  if (errno == ERANGE || v < min || v > max) {
    err_at(L, n, "'%s' is %s; it must be between %lld and %lld", key,
           describe(n, b, sizeof b), min, max);
    return -1;
  }
  *out = v;
  return 0;
}

static int get_u64(loader *L, const ynode *n, const char *key, uint64_t max, uint64_t *out) {
  if (want_scalar(L, n, key)) return -1;
  const char *s = n->str;
  char b[64];
  int ok = *s != '\0';
  for (const char *p = s; *p && ok; p++) ok = *p >= '0' && *p <= '9';
  if (!ok) {
    err_at(L, n, "'%s' must be a whole number >= 0, not %s", key, describe(n, b, sizeof b));
    return -1;
  }
  errno = 0;
  unsigned long long v = strtoull(s, NULL, 10);
  if (errno == ERANGE || v > max) {
    err_at(L, n, "'%s' is %s; it must be at most %" PRIu64, key, describe(n, b, sizeof b), max);
    return -1;
  }
  *out = v;
  return 0;
}

/* A finite real number (shape, sigma, mu, cost). */
static int get_number(loader *L, const ynode *n, const char *key, double *out) {
  if (want_scalar(L, n, key)) return -1;
  char *end = NULL;
  errno = 0;
  double v = strtod(n->str, &end);
  while (end && isspace((unsigned char)*end)) end++;
  if (end == n->str || !end || *end != '\0' || !isfinite(v) || errno == ERANGE ||
      isspace((unsigned char)n->str[0])) {
    char b[64];
    err_at(L, n, "'%s' must be a number, as in 1.5, not %s", key, describe(n, b, sizeof b));
    return -1;
  }
  *out = v;
  return 0;
}

static int get_bool(loader *L, const ynode *n, const char *key, int *out) {
  if (want_scalar(L, n, key)) return -1;
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
  err_at(L, n, "'%s' must be true or false, not %s", key, describe(n, b, sizeof b));
  return -1;
}

/* One of `names` (NULL-terminated); *out = its index. */
static int get_enum(loader *L, const ynode *n, const char *key, const char *const *names,
                    int *out) {
  if (want_scalar(L, n, key)) return -1;
  size_t nn = count_keys(names);
  for (size_t i = 0; i < nn; i++)
    if (strcmp(n->str, names[i]) == 0) {
      *out = (int)i;
      return 0;
    }
  char b[64], h[512];
  err_at(L, n, "unknown %s %s%s", key, describe(n, b, sizeof b), hint(L, n->str, names, nn, h, sizeof h));
  return -1;
}

/* Whether s holds a control character (below 0x20, or DEL). */
static int has_control(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
  return 0;
}

/* A name: 1..128 characters from letters, digits, '-', '_', '.', starting
** with a letter or digit. Names appear in --set paths and ENV/STEP, so '/'
** and spaces are kept out. Returns the node's string (borrowed) or NULL. */
static const char *get_name(loader *L, const ynode *n, const char *what) {
  if (want_scalar(L, n, what)) return NULL;
  const char *s = n->str;
  if (n->len > MAX_NAME) {
    err_at(L, n, "%s is %zu characters long; the limit is %d", what, n->len, MAX_NAME);
    return NULL;
  }
  int ok = isalnum((unsigned char)s[0]);
  for (const char *p = s; *p && ok; p++)
    ok = isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.';
  if (!ok) {
    char b[64];
    err_at(L, n, "%s %s may only use letters, digits, '-', '_' and '.', starting with a "
           "letter or digit", what, describe(n, b, sizeof b));
    return NULL;
  }
  return s;
}

/* ---- name lookup -------------------------------------------------------- */

/* A sorted view of names for O(log n) lookups and duplicate detection. */
typedef struct name_ix {
  const char **names;         /* by index; NULL for an invalid entry */
  size_t *order;              /* indexes sorted by name */
  size_t n, n_sorted;
} name_ix;

static int ix_cmp_ctx(const char *const *names, size_t x, size_t y) {
  int c = strcmp(names[x], names[y]);
  return c ? c : (x < y ? -1 : x > y);
}

/* qsort has no context argument; a file-level pointer would be global mutable
** state shared across threads, so the sort is a small merge sort instead. */
static void ix_merge_sort(const char *const *names, size_t *a, size_t *tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  ix_merge_sort(names, a, tmp, h);
  ix_merge_sort(names, a + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = ix_cmp_ctx(names, a[i], a[j]) <= 0 ? a[i++] : a[j++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

static void ix_free(name_ix *ix) {
  free(ix->names);
  free(ix->order);
  memset(ix, 0, sizeof *ix);
}

/* Build from names[0..n) (entries may be NULL); names are borrowed. */
static int ix_build(loader *L, name_ix *ix, const char **names, size_t n) {
  memset(ix, 0, sizeof *ix);
  ix->names = names;
  ix->n = n;
  ix->order = xcalloc(L, n, sizeof *ix->order);
  size_t *tmp = xcalloc(L, n, sizeof *tmp);
  if (!ix->order || !tmp) {
    free(tmp);
    free(ix->order);
    memset(ix, 0, sizeof *ix);   /* names stay the caller's */
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    if (names[i]) ix->order[ix->n_sorted++] = i;
  ix_merge_sort(names, ix->order, tmp, ix->n_sorted);
  free(tmp);
  return 0;
}

static long ix_find(const name_ix *ix, const char *name) {
  if (!ix->order || !name) return -1;
  size_t lo = 0, hi = ix->n_sorted;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(ix->names[ix->order[mid]], name);
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  /* the first of equal names: the one defined first */
  if (lo < ix->n_sorted && strcmp(ix->names[ix->order[lo]], name) == 0)
    return (long)ix->order[lo];
  return -1;
}

/* Report every second definition of a name at its node. */
static void ix_report_duplicates(loader *L, const name_ix *ix, const ynode *const *name_nodes,
                                 const char *what) {
  size_t first = 0;   /* the first definition of the current run of equal names */
  for (size_t k = 0; k < ix->n_sorted; k++) {
    size_t b = ix->order[k];
    if (k == 0 || strcmp(ix->names[ix->order[k - 1]], ix->names[b]) != 0) {
      first = b;
      continue;
    }
    const ynode *fn = name_nodes[first];
    err_at(L, name_nodes[b], "duplicate %s name '%s' (first defined at line %d); rename "
           "one of them", what, ix->names[b], fn ? fn->line : 0);
  }
}

/* "; did you mean 'x'?" against every name of the index. */
static const char *ix_hint(loader *L, const name_ix *ix, const char *word, char *buf,
                           size_t size) {
  const char **c = malloc((ix->n_sorted + 1) * sizeof *c);
  if (!c) {
    snprintf(buf, size, "%s", "");
    return buf;
  }
  size_t n = 0;
  for (size_t i = 0; i < ix->n; i++)
    if (ix->names[i]) c[n++] = ix->names[i];
  hint(L, word, c, n, buf, size);
  free(c);
  return buf;
}

/* ---- distributions ------------------------------------------------------ */

static const char *const DIST_NAMES[] = {"constant", "exponential", "lognormal", "weibull",
                                         "gamma", "normal", "uniform", "triangular",
                                         "pert", "empirical", NULL};

static const char *const *dist_keys(model_dist_kind k) {
  static const char *const constant[] = {"dist", "value", NULL};
  static const char *const expo[] = {"dist", "mean", "uncertainty", NULL};
  static const char *const logn[] = {"dist", "median", "p95", "mu", "sigma", "uncertainty", NULL};
  static const char *const shape_scale[] = {"dist", "shape", "scale", "uncertainty", NULL};
  static const char *const normal[] = {"dist", "mean", "sd", "uncertainty", NULL};
  static const char *const uniform[] = {"dist", "min", "max", NULL};
  static const char *const tri[] = {"dist", "min", "mode", "max", NULL};
  static const char *const emp[] = {"dist", "samples", "file", NULL};
  switch (k) {
  case MODEL_DIST_CONSTANT: return constant;
  case MODEL_DIST_EXPONENTIAL: return expo;
  case MODEL_DIST_LOGNORMAL: return logn;
  case MODEL_DIST_WEIBULL:
  case MODEL_DIST_GAMMA: return shape_scale;
  case MODEL_DIST_NORMAL: return normal;
  case MODEL_DIST_UNIFORM: return uniform;
  case MODEL_DIST_TRIANGULAR:
  case MODEL_DIST_PERT: return tri;
  case MODEL_DIST_EMPIRICAL: return emp;
  }
  return constant;
}

/* Fetch required duration/number parameters; reports each missing one. */
static int need_param(loader *L, const ynode *map, const char *key, const char *kind,
                      const char *example, int is_duration, double *out) {
  const ynode *v = model_yaml_get(map, key);
  if (!v) {
    err_at(L, map, "a %s distribution needs '%s'; e.g. %s", kind, key, example);
    return -1;
  }
  return is_duration ? get_duration(L, v, key, out) : get_number(L, v, key, out);
}

/* A short, printable excerpt of a line of a samples file for a message:
** at most 24 bytes, anything but printable ASCII replaced by '?', so that a
** file that is not a samples file cannot put its content (a secret, escape
** sequences) into a CI log. */
static const char *excerpt(const char *p, char *out, size_t n) {
  size_t k = 0, i = 0;
  for (; p[i] && k + 4 < n && i < 24; i++)
    out[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
  if (p[i] && k + 4 <= n) {
    memcpy(out + k, "...", 3);
    k += 3;
  }
  out[k] = '\0';
  return out;
}

/* Hex SHA-256 of n bytes (nettle). */
static void sha256_hex(const char *data, size_t n, char out[65]) {
  struct sha256_ctx ctx;
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_init(&ctx);
  sha256_update(&ctx, n, (const uint8_t *)data);
  sha256_digest(&ctx, SHA256_DIGEST_SIZE, d);
  for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Whether `real` (a resolved path) is `root` or inside it. */
static int path_inside(const char *real, const char *root) {
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/') return 1;
  return strncmp(real, root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

/* The content of the empirical file `name` (n is its node, for messages):
** already read by this load, pinned by the caller, or read now from the
** scenario's folder (or an --allow-path folder) and recorded in
** sc->inputs. Returns the recorded entry, or NULL after reporting. */
static const model_input_file *samples_content(loader *L, const ynode *n) {
  const char *name = n->str;
  model_scenario *sc = L->sc;
  for (size_t i = 0; i < sc->n_inputs; i++)
    if (strcmp(sc->inputs[i].name, name) == 0) return &sc->inputs[i];
  const model_load_opts *o = L->opts;
  const model_input_file *pin = NULL;
  for (size_t i = 0; o && i < o->n_pinned; i++)
    if (strcmp(o->pinned[i].name, name) == 0) pin = &o->pinned[i];
  if (sc->n_inputs == L->cap_inputs) {
    size_t nc = L->cap_inputs ? 2 * L->cap_inputs : 4;
    model_input_file *ni = realloc(sc->inputs, nc * sizeof *ni);
    if (!ni) {
      oom(L);
      return NULL;
    }
    sc->inputs = ni;
    L->cap_inputs = nc;
  }
  model_input_file f;
  memset(&f, 0, sizeof f);
  f.name = xstrdup(L, name);
  if (!f.name) return NULL;
  if (pin) {
    f.content = malloc(pin->size + 1);
    if (!f.content) {
      free(f.name);
      oom(L);
      return NULL;
    }
    memcpy(f.content, pin->content, pin->size);
    f.content[pin->size] = '\0';
    f.size = pin->size;
    memcpy(f.sha256, pin->sha256, sizeof f.sha256);
    f.sha256[64] = '\0';
    sc->inputs[sc->n_inputs++] = f;
    return &sc->inputs[sc->n_inputs - 1];
  }
  const char *base = o && o->base_dir ? o->base_dir : L->dir ? L->dir : ".";
  char *path = NULL, *real = NULL, *root = NULL;
  int fd = -1;
  if (name[0] == '/') {
    path = xstrdup(L, name);
  } else {
    size_t need = strlen(base) + 1 + strlen(name) + 1;
    path = malloc(need);
    if (path) snprintf(path, need, "%s/%s", base, name);
    else oom(L);
  }
  if (!path) goto fail;
  real = realpath(path, NULL);
  if (!real) {
    err_at(L, n, "cannot read samples file '%s': %s; give a CSV file (one duration a line), "
           "relative to the scenario", path, strerror(errno));
    goto fail;
  }
  /* Confinement: the scenario's folder and below, or an --allow-path. */
  int inside = 0;
  root = realpath(base, NULL);
  if (root && path_inside(real, root)) inside = 1;
  for (size_t i = 0; o && i < o->n_allow_paths && !inside; i++) {
    char *r = realpath(o->allow_paths[i], NULL);
    if (r && path_inside(real, r)) inside = 1;
    free(r);
  }
  if (!inside) {
    err_at(L, n, "samples file '%s' is outside the scenario's folder (%s); keep samples "
           "files next to the scenario or below it, or allow their folder with "
           "--allow-path DIR", name, root ? root : base);
    goto fail;
  }
  /* O_NONBLOCK: a FIFO named here must not hang the loader; only regular
  ** files are read. */
  struct stat st;
  fd = open(real, O_RDONLY | O_NONBLOCK);
  if (fd < 0) {
    err_at(L, n, "cannot read samples file '%s': %s", path, strerror(errno));
    goto fail;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    err_at(L, n, "cannot read samples file '%s': not a regular file; give a CSV file (one "
           "duration a line), relative to the scenario", path);
    goto fail;
  }
  if (st.st_size > (off_t)MODEL_MAX_FILE_BYTES) {
    err_at(L, n, "samples file '%s' is larger than %u bytes; sample it down", path,
           MODEL_MAX_FILE_BYTES);
    goto fail;
  }
  size_t cap = (size_t)st.st_size + 1, got = 0;
  f.content = malloc(cap + 1);
  if (!f.content) {
    oom(L);
    goto fail;
  }
  for (;;) {
    ssize_t r = read(fd, f.content + got, cap - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      err_at(L, n, "cannot read samples file '%s': %s", path, strerror(errno));
      goto fail;
    }
    if (r == 0) break;
    got += (size_t)r;
    if (got == cap) {   /* it grew while being read */
      err_at(L, n, "samples file '%s' changed while it was read", path);
      goto fail;
    }
  }
  f.content[got] = '\0';
  f.size = got;
  sha256_hex(f.content, f.size, f.sha256);
  close(fd);
  free(path);
  free(real);
  free(root);
  sc->inputs[sc->n_inputs++] = f;
  return &sc->inputs[sc->n_inputs - 1];
fail:
  if (fd >= 0) close(fd);
  free(f.name);
  free(f.content);
  free(path);
  free(real);
  free(root);
  return NULL;
}

/* Read an empirical `file:` (one duration a line; blank lines, '#' comments
** and a first-line header without digits are skipped; only the first CSV
** field is read, and a line such as 1,5h, where that would be ambiguous, is
** refused). Messages quote a bad line only as a short sanitised excerpt,
** and not at all when no line of the file was a duration (then it is not a
** samples file, and may be anything: /etc/passwd, a credentials file). */
static int read_samples_file(loader *L, const ynode *n, double **out, size_t *count) {
  *out = NULL;
  *count = 0;
  if (want_scalar(L, n, "file")) return -1;
  const model_input_file *in = samples_content(L, n);
  if (!in) return -1;
  /* Messages name the file as it was opened (relative to the scenario's
  ** folder); a pinned copy by its name. */
  const model_load_opts *o = L->opts;
  int pinned = 0;
  for (size_t i = 0; o && i < o->n_pinned; i++) pinned |= strcmp(o->pinned[i].name, in->name) == 0;
  const char *base = o && o->base_dir ? o->base_dir : L->dir;
  char *shown = NULL;
  if (!pinned && base && in->name[0] != '/') {
    size_t need = strlen(base) + strlen(in->name) + 2;
    shown = malloc(need);
    if (shown) snprintf(shown, need, "%s/%s", base, in->name);
  }
  const char *path = shown ? shown : in->name;
  int rc = -1;
  double *v = NULL;
  size_t nv = 0, cap = 0;
  char line[512], ex[40];
  const char *cur = in->content, *end = in->content + in->size;
  int lineno = 0, seen_data = 0;
  while (cur < end) {
    const char *nl = memchr(cur, '\n', (size_t)(end - cur));
    size_t ln = nl ? (size_t)(nl - cur) : (size_t)(end - cur);
    size_t keep = ln < sizeof line - 1 ? ln : sizeof line - 1;
    memcpy(line, cur, keep);
    line[keep] = '\0';
    cur += ln + (nl ? 1 : 0);
    lineno++;
    char *p = line;
    while (isspace((unsigned char)*p)) p++;
    if (*p == '\0' || *p == '#') continue;
    /* Only a first line without any digit is a header: a bad first value
    ** such as -50m must be reported, not dropped. */
    int has_digit = 0;
    for (const char *q = p; *q; q++) has_digit |= isdigit((unsigned char)*q) != 0;
    char *comma = strchr(p, ',');
    if (comma) {
      /* 1,5h is a decimal comma, not the duration 1 and a second column:
      ** refuse it rather than read 1 s. */
      const char *q = p;
      while (isdigit((unsigned char)*q)) q++;
      if (q > p && q == comma && isdigit((unsigned char)comma[1])) {
        char *cr = strpbrk(p, "\r\n");
        if (cr) *cr = '\0';
        model_diag_add(L->diag, path, lineno, 1, "'%s' in samples file is ambiguous: a decimal "
                       "comma or a bare number of seconds followed by another column; write "
                       "1.5h, or put one duration with its unit in the first column",
                       excerpt(p, ex, sizeof ex));
        L->errors++;
        goto done;
      }
      *comma = '\0';
    }
    char *e = p + strlen(p);
    while (e > p && isspace((unsigned char)e[-1])) *--e = '\0';
    double s;
    const char *why = NULL;
    if (model_units_parse_duration(p, &s, &why)) {
      if (!seen_data && lineno == 1 && !has_digit) continue;   /* a header line */
      if (!seen_data)
        model_diag_add(L->diag, path, lineno, 1, "not a duration, and no line before it was "
                       "one: this does not look like a samples file (one duration a line, "
                       "as in 5m); its content is not shown");
      else
        model_diag_add(L->diag, path, lineno, 1, "bad duration '%s' in samples file: %s",
                       excerpt(p, ex, sizeof ex), why ? why : "write one duration a line, as in 5m");
      L->errors++;
      goto done;
    }
    seen_data = 1;
    if (nv == MAX_EMPIRICAL_SAMPLES) {
      model_diag_add(L->diag, path, lineno, 1, "more than %d samples; sample the data down",
                     MAX_EMPIRICAL_SAMPLES);
      L->errors++;
      goto done;
    }
    if (nv == cap) {
      size_t nc = cap ? cap * 2 : 64;
      double *nvp = realloc(v, nc * sizeof *v);
      if (!nvp) {
        oom(L);
        goto done;
      }
      v = nvp;
      cap = nc;
    }
    v[nv++] = s;
  }
  if (nv == 0) {
    err_at(L, n, "samples file '%s' holds no durations; write one duration a line", path);
    goto done;
  }
  *out = v;
  *count = nv;
  v = NULL;
  rc = 0;
done:
  free(v);
  free(shown);
  return rc;
}

/* The 99.9999th percentile of d, computed without asking GSL to invert a
** gamma cdf it may fail on (a failure would abort through its handler). */
static double dist_far_tail(const model_dist *d) {
  const double p = 0.999999;
  if (d->kind == MODEL_DIST_GAMMA) {
    double k = d->p[0], theta = d->p[1];
    double mean = k * theta;
    if (!isfinite(mean) || mean > MAX_HORIZON_S) return mean;   /* below the quantile */
    if (k > 1e6) {
      /* Wilson-Hilferty: accurate to well under 1% at such shapes. */
      double z = gsl_cdf_ugaussian_Pinv(p), a = 1.0 / (9.0 * k);
      double c = 1.0 - a + z * sqrt(a);
      return mean * c * c * c;
    }
  }
  return model_dist_quantile(d, p);
}

/* Refuse a distribution whose far tail passes 1000y: such draws are unit
** mistakes and overflow to infinity in the simulation. */
static int check_dist_tail(loader *L, const ynode *n, model_dist *d) {
  double q = dist_far_tail(d);
  if (isfinite(q) && q <= MAX_HORIZON_S) return 0;
  char b[48];
  if (isfinite(q)) model_units_format_duration(q, b, sizeof b);
  else snprintf(b, sizeof b, "infinite");
  const char *hint = "";
  switch (d->kind) {
  case MODEL_DIST_LOGNORMAL:
    hint = " (mu and sigma are of ln seconds: mu 7.2 is about 22m; or give median and p95)";
    break;
  case MODEL_DIST_WEIBULL: hint = " of scale, and shape (a shape far below 1 has a huge tail)"; break;
  case MODEL_DIST_GAMMA: hint = " of scale, and shape (the mean is shape * scale)"; break;
  default: break;
  }
  err_at(L, n, "this distribution reaches beyond 1000y at its 99.9999th percentile (%s); "
         "check the units%s", b, hint);
  model_dist_free(d);
  return -1;
}

/* A distribution: a bare duration (constant) or a map with `dist:`. */
static int get_dist(loader *L, const ynode *n, const char *key, model_dist *out) {
  model_dist_free(out);
  if (n && n->kind == MODEL_YAML_SCALAR && (n->len > 0 || n->quoted)) {
    double v;
    if (get_duration(L, n, key, &v)) return -1;
    return model_dist_set_constant(out, v, NULL);
  }
  if (!n || n->kind != MODEL_YAML_MAPPING) {
    char b[64];
    err_at(L, n, "'%s' must be a duration such as 10m or a distribution map such as "
           "{dist: exponential, mean: 10m}, not %s", key, describe(n, b, sizeof b));
    return -1;
  }
  const ynode *dn = model_yaml_get(n, "dist");
  if (!dn) {
    err_at(L, n, "the distribution of '%s' needs 'dist:' (constant, exponential, lognormal, "
           "weibull, gamma, normal, uniform, triangular, pert or empirical), or write a "
           "single duration such as 10m", key);
    return -1;
  }
  int kind;
  if (get_enum(L, dn, "distribution", DIST_NAMES, &kind)) return -1;
  char where[200];
  snprintf(where, sizeof where, "the %s distribution of '%s'", DIST_NAMES[kind], key);
  int before = L->errors;
  check_keys(L, n, dist_keys((model_dist_kind)kind), where);
  if (L->errors != before) return -1;
  const ynode *un = model_yaml_get(n, "uncertainty");
  if (un) { /* checked here, used by drsim run --epistemic (models/uncertainty.h) */
    model_uncertainty u;
    const ynode *bad;
    char msg[240];
    if (model_uncertainty_read(un, (model_dist_kind)kind, &u, &bad, msg, sizeof msg)) {
      err_at(L, bad, "%s", msg);
      return -1;
    }
  }
  const char *kn = DIST_NAMES[kind];
  model_dist_error e = {NULL, "", 0};
  double a = 0, b = 0, c = 0;
  int rc = 0;
  switch ((model_dist_kind)kind) {
  case MODEL_DIST_CONSTANT:
    if (need_param(L, n, "value", kn, "{dist: constant, value: 10m}", 1, &a)) return -1;
    rc = model_dist_set_constant(out, a, &e);
    break;
  case MODEL_DIST_EXPONENTIAL:
    if (need_param(L, n, "mean", kn, "{dist: exponential, mean: 30m}", 1, &a)) return -1;
    rc = model_dist_set_exponential(out, a, &e);
    break;
  case MODEL_DIST_LOGNORMAL: {
    int has_med = model_yaml_get(n, "median") || model_yaml_get(n, "p95");
    int has_mu = model_yaml_get(n, "mu") || model_yaml_get(n, "sigma");
    if (has_med && has_mu) {
      err_at(L, n, "a lognormal distribution takes either 'median' and 'p95' or 'mu' and "
             "'sigma', not both; remove one pair");
      return -1;
    }
    if (has_mu) {
      int bad = need_param(L, n, "mu", kn, "{dist: lognormal, mu: 7.2, sigma: 0.6}", 0, &a);
      bad |= need_param(L, n, "sigma", kn, "{dist: lognormal, mu: 7.2, sigma: 0.6}", 0, &b);
      if (bad) return -1;
      rc = model_dist_set_lognormal(out, a, b, &e);
    } else {
      int bad = need_param(L, n, "median", kn, "{dist: lognormal, median: 20m, p95: 2h}", 1, &a);
      bad |= need_param(L, n, "p95", kn, "{dist: lognormal, median: 20m, p95: 2h}", 1, &b);
      if (bad) return -1;
      rc = model_dist_set_lognormal_median_p95(out, a, b, &e);
    }
    break;
  }
  case MODEL_DIST_WEIBULL:
  case MODEL_DIST_GAMMA: {
    const char *ex = kind == MODEL_DIST_WEIBULL ? "{dist: weibull, shape: 1.5, scale: 720h}"
                                                : "{dist: gamma, shape: 2, scale: 15m}";
    int bad = need_param(L, n, "shape", kn, ex, 0, &a);
    bad |= need_param(L, n, "scale", kn, ex, 1, &b);
    if (bad) return -1;
    rc = kind == MODEL_DIST_WEIBULL ? model_dist_set_weibull(out, a, b, &e)
                                    : model_dist_set_gamma(out, a, b, &e);
    break;
  }
  case MODEL_DIST_NORMAL: {
    int bad = need_param(L, n, "mean", kn, "{dist: normal, mean: 30m, sd: 5m}", 1, &a);
    bad |= need_param(L, n, "sd", kn, "{dist: normal, mean: 30m, sd: 5m}", 1, &b);
    if (bad) return -1;
    rc = model_dist_set_normal(out, a, b, &e);
    break;
  }
  case MODEL_DIST_UNIFORM: {
    int bad = need_param(L, n, "min", kn, "{dist: uniform, min: 1m, max: 5m}", 1, &a);
    bad |= need_param(L, n, "max", kn, "{dist: uniform, min: 1m, max: 5m}", 1, &b);
    if (bad) return -1;
    rc = model_dist_set_uniform(out, a, b, &e);
    break;
  }
  case MODEL_DIST_TRIANGULAR:
  case MODEL_DIST_PERT: {
    const char *ex = kind == MODEL_DIST_PERT ? "{dist: pert, min: 5m, mode: 10m, max: 30m}"
                                             : "{dist: triangular, min: 5m, mode: 10m, max: 30m}";
    int bad = need_param(L, n, "min", kn, ex, 1, &a);
    bad |= need_param(L, n, "mode", kn, ex, 1, &b);
    bad |= need_param(L, n, "max", kn, ex, 1, &c);
    if (bad) return -1;
    rc = kind == MODEL_DIST_PERT ? model_dist_set_pert(out, a, b, c, &e)
                                 : model_dist_set_triangular(out, a, b, c, &e);
    break;
  }
  case MODEL_DIST_EMPIRICAL: {
    const ynode *sn = model_yaml_get(n, "samples"), *fn = model_yaml_get(n, "file");
    if ((sn != NULL) == (fn != NULL)) {
      err_at(L, n, "an empirical distribution needs exactly one of 'samples: [5m, 7m, 12m]' "
             "or 'file: durations.csv'");
      return -1;
    }
    double *v = NULL;
    size_t nv = 0;
    if (sn) {
      if (want_list(L, sn, "'samples'")) return -1;
      if (sn->n_items == 0) {
        err_at(L, sn, "'samples' is empty; list at least one duration, as in [5m, 7m, 12m]");
        return -1;
      }
      v = xcalloc(L, sn->n_items, sizeof *v);
      if (!v) return -1;
      int bad = 0;
      for (size_t i = 0; i < sn->n_items; i++)
        bad |= get_duration(L, sn->items[i], "samples", &v[i]);
      nv = sn->n_items;
      if (bad) {
        free(v);
        return -1;
      }
    } else if (read_samples_file(L, fn, &v, &nv)) {
      return -1;
    }
    rc = model_dist_set_empirical(out, v, nv, &e);
    free(v);
    break;
  }
  }
  if (rc) {
    const ynode *at = e.param ? model_yaml_get(n, e.param) : NULL;
    err_at(L, at ? at : n, "%s", e.text[0] ? e.text : "invalid distribution parameters");
    if (e.nomem) model_diag_set_nomem(L->diag);
    return -1;
  }
  return check_dist_tail(L, n, out);
}

/* ---- sections ----------------------------------------------------------- */

static void load_objectives(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  const ynode *obj = model_yaml_get(root, "objectives");
  L->environments_bad = 1;   /* until the map is known to be there */
  if (!obj) {
    err_at(L, root, "missing 'objectives'; it names the environments, e.g. "
           "objectives: {production: {rto: 4h, rpo: 15m}}");
    return;
  }
  if (want_map(L, obj, "'objectives'")) return;
  if (obj->n_pairs == 0) {
    err_at(L, obj, "'objectives' is empty; add an environment, e.g. production: {rto: 4h}");
    return;
  }
  if (obj->n_pairs > MODEL_MAX_ITEMS) {
    err_at(L, obj, "too many environments (%zu; the limit is %d)", obj->n_pairs, MODEL_MAX_ITEMS);
    return;
  }
  sc->environments = xcalloc(L, obj->n_pairs, sizeof *sc->environments);
  if (!sc->environments) return;
  sc->n_environments = obj->n_pairs;
  L->environments_bad = 0;
  static const char *const keys[] = {"rto", "rpo", "availability", NULL};
  for (size_t i = 0; i < obj->n_pairs; i++) {
    model_environment *e = &sc->environments[i];
    const ynode *k = obj->pairs[i].key, *v = obj->pairs[i].value;
    e->rto_s = INFINITY;
    e->rpo_s = INFINITY;
    e->availability = NAN;
    e->loc.line = k->line;
    e->loc.col = k->col;
    const char *nm = get_name(L, k, "environment name");
    e->name = xstrdup(L, nm ? nm : "?");
    if (!nm) continue;
    char where[200];
    snprintf(where, sizeof where, "the objectives of '%s'", nm);
    if (v->kind == MODEL_YAML_SCALAR && v->len == 0 && !v->quoted) {
      err_at(L, k, "environment '%s' has no objectives; give at least one of rto, rpo or "
             "availability, e.g. %s: {rto: 4h, rpo: 15m}", nm, nm);
      continue;
    }
    if (want_map(L, v, where)) continue;
    check_keys(L, v, keys, where);
    const ynode *x;
    if ((x = model_yaml_get(v, "rto"))) get_duration(L, x, "rto", &e->rto_s);
    if ((x = model_yaml_get(v, "rpo"))) get_duration(L, x, "rpo", &e->rpo_s);
    if ((x = model_yaml_get(v, "availability")))
      get_fraction(L, x, "availability", &e->availability);
    if (!model_yaml_get(v, "rto") && !model_yaml_get(v, "rpo") &&
        !model_yaml_get(v, "availability"))
      err_at(L, v, "environment '%s' has no objectives; give at least one of rto, rpo or "
             "availability, e.g. %s: {rto: 4h, rpo: 15m}", nm, nm);
  }
}

/* The environment named by value node v, or -1 with an error. */
static int find_env(loader *L, const ynode *v, const char *key) {
  model_scenario *sc = L->sc;
  if (want_scalar(L, v, key)) return -1;
  const char **names = xcalloc(L, sc->n_environments, sizeof *names);
  if (!names) return -1;
  for (size_t i = 0; i < sc->n_environments; i++) {
    if (sc->environments[i].name && strcmp(sc->environments[i].name, v->str) == 0) {
      free(names);
      return (int)i;
    }
    names[i] = sc->environments[i].name;
  }
  char h[512];
  if (L->environments_bad) {
    free(names);
    L->errors++;
    return -1;
  }
  err_at(L, v, "unknown environment '%s' (environments are the keys of 'objectives')%s",
         v->str, hint(L, v->str, names, sc->n_environments, h, sizeof h));
  free(names);
  return -1;
}

static void load_regions(loader *L, const ynode *root, name_ix *ix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "regions");
  L->regions_bad = 1;
  if (!list) {
    err_at(L, root, "missing 'regions'; list a primary and a standby region, e.g. "
           "regions: [{name: eastus, role: primary}, {name: westus2, role: standby}]");
    return;
  }
  if (want_items(L, list, "'regions'")) return;
  sc->regions = xcalloc(L, list->n_items, sizeof *sc->regions);
  const char **names = xcalloc(L, list->n_items, sizeof *names);
  const ynode **nodes = xcalloc(L, list->n_items, sizeof *nodes);
  if (!sc->regions || !names || !nodes) goto done;
  sc->n_regions = list->n_items;
  L->regions_bad = 0;
  static const char *const keys[] = {"name", "role", NULL};
  static const char *const roles[] = {"standby", "primary", NULL};
  const ynode *first_primary = NULL;
  size_t n_standby = 0;
  int bad_roles = 0;   /* then "no primary" would be noise */
  for (size_t i = 0; i < list->n_items; i++) {
    const ynode *m = list->items[i];
    model_region *r = &sc->regions[i];
    r->loc.line = m->line;
    r->loc.col = m->col;
    if (want_map(L, m, "a region")) continue;
    const ynode *nn = model_yaml_get(m, "name");
    const char *nm = NULL;
    if (!nn)
      err_at(L, m, "a region needs a 'name', e.g. {name: eastus, role: primary}");
    else
      nm = get_name(L, nn, "region name");
    if (nm) {
      names[i] = nm;
      nodes[i] = nn;
      r->name = xstrdup(L, nm);
    }
    char where[200];
    snprintf(where, sizeof where, "region '%s'", nm ? nm : "?");
    check_keys(L, m, keys, where);
    const ynode *rn = model_yaml_get(m, "role");
    int role = 0;
    if (!rn) {
      err_at(L, m, "%s needs a 'role': primary or standby", where);
      bad_roles++;
    } else if (get_enum(L, rn, "role", roles, &role) != 0) {
      bad_roles++;
    } else {
      r->primary = role;
      if (role && first_primary) {
        err_at(L, rn, "a second primary region; exactly one region is primary (the first is "
               "at line %d), make this one role: standby", first_primary->line);
      } else if (role) {
        first_primary = rn;
      } else {
        n_standby++;
      }
    }
  }
  if (!first_primary && !bad_roles)
    err_at(L, list, "no region has role: primary; mark the region that fails with role: primary");
  if (n_standby == 0 && !bad_roles)
    err_at(L, list, "no region has role: standby; add the region to fail over to, e.g. "
           "{name: westus2, role: standby}");
  if (ix_build(L, ix, names, list->n_items) == 0) {
    ix_report_duplicates(L, ix, nodes, "region");
    names = NULL;   /* owned by ix now */
  }
done:
  free(names);
  free(nodes);
}

/* Region named by v (key for messages), -1 with an error. */
static int find_region(loader *L, const name_ix *ix, const ynode *v, const char *key) {
  if (want_scalar(L, v, key)) return -1;
  long r = ix_find(ix, v->str);
  if (r < 0 && L->regions_bad) {
    L->errors++;
  } else if (r < 0) {
    char h[512];
    err_at(L, v, "unknown region '%s'%s", v->str, ix_hint(L, ix, v->str, h, sizeof h));
  }
  return (int)r;
}

static int first_standby_region(const model_scenario *sc) {
  for (size_t i = 0; i < sc->n_regions; i++)
    if (!sc->regions[i].primary && sc->regions[i].name) return (int)i;
  return -1;
}

/* Collect the names of list items (`name` key) for forward references. */
static void collect_names(loader *L, const ynode *list, const char *what, name_ix *ix,
                          char ***owned_names) {
  size_t n = list->n_items;
  /* Defined on every path, out of memory included: callers look names up
  ** in the index and free both. */
  memset(ix, 0, sizeof *ix);
  *owned_names = NULL;
  const char **names = xcalloc(L, n, sizeof *names);
  const ynode **nodes = xcalloc(L, n, sizeof *nodes);
  char **owned = xcalloc(L, n, sizeof *owned);
  if (!names || !nodes || !owned) {
    free(names);
    free(nodes);
    free(owned);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const ynode *m = list->items[i];
    if (m->kind != MODEL_YAML_MAPPING) continue;   /* reported when the item is read */
    const ynode *nn = model_yaml_get(m, "name");
    if (!nn) continue;
    char w[64];
    snprintf(w, sizeof w, "%s name", what);
    const char *nm = get_name(L, nn, w);
    if (!nm) continue;
    owned[i] = xstrdup(L, nm);
    names[i] = owned[i];
    nodes[i] = nn;
  }
  if (ix_build(L, ix, names, n) == 0) {
    ix_report_duplicates(L, ix, nodes, what);
  } else {
    free(names);
  }
  free(nodes);
  *owned_names = owned;
}

static void load_replication(loader *L, model_component *c, const ynode *m, const char *cname,
                             const name_ix *rix) {
  model_scenario *sc = L->sc;
  model_replication *r = &c->replication;
  r->to_region = -1;
  r->retention_s = INFINITY;
  r->loc.line = r->to_loc.line = m->line;
  r->loc.col = r->to_loc.col = m->col;
  char where[200];
  snprintf(where, sizeof where, "the replication of component '%s'", cname);
  if (want_map(L, m, where)) return;
  static const char *const keys[] = {"mode", "to", "lag", "interval", "copy",
                                     "failure_probability", "retention", NULL};
  static const char *const modes[] = {"none", "sync", "async", "periodic", NULL};
  check_keys(L, m, keys, "replication");
  const ynode *mn = model_yaml_get(m, "mode");
  int mode = 0;
  if (!mn) {
    err_at(L, m, "replication of component '%s' needs a 'mode': none, sync, async or periodic",
           cname);
    return;
  }
  if (get_enum(L, mn, "replication mode", modes, &mode)) return;
  r->mode = (model_repl_mode)mode;
  /* Keys that belong to another mode are errors: they would be ignored. */
  static const struct { const char *key; int mode; } only[] = {
    {"lag", MODEL_REPL_ASYNC}, {"interval", MODEL_REPL_PERIODIC}, {"copy", MODEL_REPL_PERIODIC},
    {"failure_probability", MODEL_REPL_PERIODIC}, {"retention", MODEL_REPL_PERIODIC}};
  for (size_t i = 0; i < sizeof only / sizeof *only; i++) {
    model_yaml_pair *p = model_yaml_get_pair(m, only[i].key);
    if (p && mode != only[i].mode)
      err_at(L, p->key, "'%s' applies to mode: %s only, and this replication is mode: %s; "
             "remove it or change the mode", only[i].key, modes[only[i].mode], modes[mode]);
  }
  const ynode *to = model_yaml_get(m, "to");
  if (mode == MODEL_REPL_NONE) {
    if (to)
      err_at(L, model_yaml_get_pair(m, "to")->key, "'to' needs a replicating mode (sync, "
             "async or periodic); remove it or change the mode");
    return;
  }
  if (to) {
    r->to_loc.line = to->line;
    r->to_loc.col = to->col;
    int t = find_region(L, rix, to, "to");
    if (t >= 0 && sc->regions[t].primary)
      err_at(L, to, "component '%s' replicates to '%s', the primary region; replicate to a "
             "standby region such as '%s'", cname, to->str,
             first_standby_region(sc) >= 0 ? sc->regions[first_standby_region(sc)].name : "westus2");
    else if (t >= 0)
      r->to_region = t;
  } else {
    r->to_region = first_standby_region(sc);
    if (r->to_region < 0 && sc->n_regions > 0)
      err_at(L, mn, "component '%s' replicates (mode: %s) but there is no standby region to "
             "receive the data; add a region with role: standby", cname, modes[mode]);
  }
  const ynode *x;
  if (mode == MODEL_REPL_ASYNC) {
    if (!(x = model_yaml_get(m, "lag")))
      err_at(L, m, "async replication of component '%s' needs 'lag', e.g. "
             "lag: {dist: lognormal, median: 5s, p95: 2m}", cname);
    else
      get_dist(L, x, "lag", &r->lag);
  } else if (mode == MODEL_REPL_PERIODIC) {
    if (!(x = model_yaml_get(m, "interval"))) {
      err_at(L, m, "periodic replication of component '%s' needs 'interval', e.g. "
             "interval: 24h", cname);
    } else if (get_duration(L, x, "interval", &r->interval_s) == 0 && r->interval_s <= 0) {
      err_at(L, x, "'interval' must be greater than 0, e.g. 24h for daily backups");
    }
    if ((x = model_yaml_get(m, "copy")) && get_dist(L, x, "copy", &r->copy) == 0)
      r->has_copy = 1;
    if ((x = model_yaml_get(m, "failure_probability")))
      get_probability(L, x, "failure_probability", &r->failure_probability);
    if ((x = model_yaml_get(m, "retention")) &&
        get_duration(L, x, "retention", &r->retention_s) == 0 && r->interval_s > 0 &&
        r->retention_s < r->interval_s) {
      char b1[48], b2[48];
      err_at(L, x, "retention (%s) is shorter than the interval (%s): every backup would be "
             "gone before the next one; keep backups at least one interval",
             model_units_format_duration(r->retention_s, b1, sizeof b1),
             model_units_format_duration(r->interval_s, b2, sizeof b2));
    }
  }
}

static void load_failover(loader *L, size_t ci, const ynode *m, const char *cname) {
  model_component *c = &L->sc->components[ci];
  model_failover *f = &c->failover;
  f->by_workflow = f->by_step = -1;
  char where[200];
  snprintf(where, sizeof where, "the failover of component '%s'", cname);
  if (want_map(L, m, where)) return;
  static const char *const keys[] = {"after", "duration", "by", NULL};
  check_keys(L, m, keys, "failover");
  const ynode *by = model_yaml_get(m, "by");
  if (by) {
    model_yaml_pair *p = model_yaml_get_pair(m, "after");
    if (!p) p = model_yaml_get_pair(m, "duration");
    if (p) {
      err_at(L, p->key, "'%s' is for an automatic failover, and 'by' makes this one manual "
             "(done by a workflow step); keep one of them", p->key->str);
      return;
    }
    f->kind = MODEL_FAILOVER_BY_STEP;
    if (want_scalar(L, by, "by") == 0) L->comp_by[ci] = by;
    return;
  }
  f->kind = MODEL_FAILOVER_AUTO;
  const ynode *x;
  if ((x = model_yaml_get(m, "after"))) get_duration(L, x, "after", &f->after_s);
  if ((x = model_yaml_get(m, "duration")) && get_dist(L, x, "duration", &f->duration) == 0)
    f->has_duration = 1;
}

/* Component ci's redundancy_group (value node v): find or add the group by
** name. Members must share one environment (or all be shared); `*ref`
** (allocated here, [n_components]) keeps per group the first member whose
** environment is known, so a bad environment is reported once, not again
** as a mismatch. */
static void load_redundancy_group(loader *L, size_t ci, const ynode *v, int env_known,
                                  size_t **ref) {
  model_scenario *sc = L->sc;
  size_t n = sc->n_components;
  model_component *c = &sc->components[ci];
  const char *nm = get_name(L, v, "redundancy_group");
  if (!nm) return;
  if (!sc->redundancy_groups) {
    /* at most one group per component: no growth needed */
    sc->redundancy_groups = xcalloc(L, n, sizeof *sc->redundancy_groups);
    *ref = xcalloc(L, n, sizeof **ref);
    if (!sc->redundancy_groups || !*ref) return;
  }
  if (!*ref) return;
  size_t g = 0;
  while (g < sc->n_redundancy_groups && strcmp(sc->redundancy_groups[g], nm) != 0) g++;
  if (g == sc->n_redundancy_groups) {
    if (!(sc->redundancy_groups[g] = xstrdup(L, nm))) return;
    sc->n_redundancy_groups++;
    (*ref)[g] = n;
  }
  c->redundancy_group = (int)g;
  if (!env_known) return;
  size_t r = (*ref)[g];
  if (r == n) {
    (*ref)[g] = ci;
    return;
  }
  const model_component *rc = &sc->components[r];
  if (rc->environment == c->environment) return;
  char a[200], b[200];
  if (rc->environment >= 0)
    snprintf(a, sizeof a, "environment '%s'", sc->environments[rc->environment].name);
  else
    snprintf(a, sizeof a, "no environment (shared)");
  if (c->environment >= 0)
    snprintf(b, sizeof b, "environment '%s'", sc->environments[c->environment].name);
  else
    snprintf(b, sizeof b, "no environment (shared)");
  err_at(L, v, "component '%s' is in redundancy_group '%s' with '%s', but '%s' has %s and "
         "'%s' has %s; members of a redundancy group must all have the same environment "
         "(or all be shared): fix the environments or use another group name",
         c->name ? c->name : "?", nm, rc->name ? rc->name : "?", rc->name ? rc->name : "?", a,
         c->name ? c->name : "?", b);
}

static void load_components(loader *L, const ynode *root, const name_ix *rix, name_ix *cix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "components");
  if (!list || is_null(list)) return;
  if (want_items(L, list, "'components'")) return;
  size_t n = list->n_items;
  sc->components = xcalloc(L, n, sizeof *sc->components);
  L->comp_map = xcalloc(L, n, sizeof *L->comp_map);
  L->comp_by = xcalloc(L, n, sizeof *L->comp_by);
  if (!sc->components || !L->comp_map || !L->comp_by) return;
  sc->n_components = n;
  for (size_t i = 0; i < n; i++) {
    model_component *c = &sc->components[i];
    c->environment = -1;
    c->region = -1;
    c->replication.to_region = -1;
    c->replication.retention_s = INFINITY;
    c->failover.by_workflow = c->failover.by_step = -1;
    c->redundancy_group = -1;
  }
  char **owned = NULL;
  collect_names(L, list, "component", cix, &owned);
  if (owned)
    for (size_t i = 0; i < n; i++) sc->components[i].name = owned[i];
  free(owned);
  static const char *const keys[] = {"name", "environment", "region", "zone", "depends_on",
                                     "failure", "repair", "replication", "failover",
                                     "redundancy_group", "kind", "stateless", NULL};
  size_t *group_ref = NULL;   /* [n] per group: a member with a known environment, or n */
  for (size_t i = 0; i < n; i++) {
    const ynode *m = list->items[i];
    model_component *c = &sc->components[i];
    c->loc.line = m->line;
    c->loc.col = m->col;
    if (want_map(L, m, "a component")) continue;
    L->comp_map[i] = m;
    if (!model_yaml_get(m, "name"))
      err_at(L, m, "a component needs a 'name', e.g. name: sql-prod");
    const char *cname = c->name ? c->name : "?";
    if (!c->name && !(c->name = xstrdup(L, "?"))) continue;
    char where[200];
    snprintf(where, sizeof where, "component '%s'", cname);
    check_keys(L, m, keys, where);
    const ynode *x;
    if ((x = model_yaml_get(m, "environment"))) c->environment = find_env(L, x, "environment");
    if (!(x = model_yaml_get(m, "region")))
      err_at(L, m, "component '%s' needs a 'region' (the region it runs in)", cname);
    else
      c->region = find_region(L, rix, x, "region");
    if ((x = model_yaml_get(m, "zone"))) {
      if (x->kind == MODEL_YAML_SCALAR && strcmp(x->str, "redundant") == 0) {
        c->zone = 0;
      } else {
        long long z;
        if (x->kind == MODEL_YAML_SCALAR && get_int(L, x, "zone", 1, 3, &z) == 0) c->zone = (int)z;
        else if (x->kind != MODEL_YAML_SCALAR) want_scalar(L, x, "zone");
      }
    }
    if ((x = model_yaml_get(m, "depends_on")) && !is_null(x) &&
        want_items(L, x, "'depends_on'") == 0 &&
        x->n_items > 0) {
      c->depends_on = xcalloc(L, x->n_items, sizeof *c->depends_on);
      for (size_t j = 0; c->depends_on && j < x->n_items; j++) {
        const ynode *d = x->items[j];
        if (want_scalar(L, d, "depends_on")) continue;
        long k = ix_find(cix, d->str);
        if (k < 0) {
          char h[512];
          err_at(L, d, "component '%s' depends on '%s', which is not a component%s", cname,
                 d->str, ix_hint(L, cix, d->str, h, sizeof h));
          continue;
        }
        int dup = 0;
        for (size_t q = 0; q < c->n_depends_on; q++) dup |= c->depends_on[q] == (int)k;
        if (dup) {
          err_at(L, d, "component '%s' lists '%s' twice in depends_on; remove one", cname, d->str);
          continue;
        }
        c->depends_on[c->n_depends_on++] = (int)k;
      }
    }
    const ynode *fn = model_yaml_get(m, "failure"), *rn = model_yaml_get(m, "repair");
    if (fn && !rn)
      err_at(L, model_yaml_get_pair(m, "failure")->key, "component '%s' has 'failure' but no "
             "'repair'; lifetime mode needs both (add repair: {dist: lognormal, median: 2h, "
             "p95: 6h}) or neither", cname);
    else if (rn && !fn)
      err_at(L, model_yaml_get_pair(m, "repair")->key, "component '%s' has 'repair' but no "
             "'failure'; lifetime mode needs both (add failure: {dist: exponential, mean: "
             "720h}) or neither", cname);
    else if (fn && rn) {
      int ok = get_dist(L, fn, "failure", &c->failure) == 0;
      ok &= get_dist(L, rn, "repair", &c->repair) == 0;
      /* A zero mean would cycle forever at one instant of simulated time. */
      if (ok && L->sc->mode == MODEL_MODE_LIFETIME) {
        if (!(model_dist_mean(&c->failure) > 0)) {
          err_at(L, fn, "component '%s' has a failure time with mean 0; lifetime mode needs "
                 "a time to failure greater than 0, e.g. {dist: exponential, mean: 720h}",
                 cname);
          ok = 0;
        }
        if (!(model_dist_mean(&c->repair) > 0)) {
          err_at(L, rn, "component '%s' has a repair time with mean 0; lifetime mode needs "
                 "a repair time greater than 0, e.g. {dist: lognormal, median: 2h, p95: 6h}",
                 cname);
          ok = 0;
        }
      }
      c->has_failure = ok;
    }
    if ((x = model_yaml_get(m, "kind"))) {
      /* Presentation only (drsim diagram): the kinds after "unset". */
      static const char *const kinds[] = {"database", "storage", "cluster", "network", "dns",
                                          "monitoring", "registry", "secrets", "gateway", NULL};
      int k;
      if (get_enum(L, x, "component kind", kinds, &k) == 0) c->kind = (model_component_kind)(k + 1);
    }
    if ((x = model_yaml_get(m, "stateless"))) get_bool(L, x, "stateless", &c->stateless);
    if ((x = model_yaml_get(m, "replication"))) load_replication(L, c, x, cname, rix);
    if ((x = model_yaml_get(m, "failover"))) load_failover(L, i, x, cname);
    if ((x = model_yaml_get(m, "redundancy_group"))) {
      int env_known = !model_yaml_get(m, "environment") || c->environment >= 0;
      load_redundancy_group(L, i, x, env_known, &group_ref);
    }
  }
  free(group_ref);
}

static void load_standby(loader *L, const ynode *root, const name_ix *rix, name_ix *pix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "standby");
  if (!list || is_null(list)) return;
  if (want_items(L, list, "'standby'")) return;
  size_t n = list->n_items;
  sc->standby = xcalloc(L, n, sizeof *sc->standby);
  if (!sc->standby) return;
  sc->n_standby = n;
  char **owned = NULL;
  collect_names(L, list, "standby pool", pix, &owned);
  if (owned)
    for (size_t i = 0; i < n; i++) sc->standby[i].name = owned[i];
  free(owned);
  static const char *const keys[] = {"name", "region", "environment", "warm_nodes",
                                     "required_nodes", "service_nodes", "provision",
                                     "max_parallel", "node_cost_per_hour",
                                     "capacity_shortage", "zones", NULL};
  for (size_t i = 0; i < n; i++) {
    const ynode *m = list->items[i];
    model_standby *p = &sc->standby[i];
    p->region = -1;
    p->environment = -1;
    p->max_parallel = 1;
    p->loc.line = m->line;
    p->loc.col = m->col;
    if (want_map(L, m, "a standby pool")) continue;
    if (!model_yaml_get(m, "name"))
      err_at(L, m, "a standby pool needs a 'name', e.g. name: aks-prod-dr");
    if (!p->name && !(p->name = xstrdup(L, "?"))) continue;
    const char *pname = p->name;
    char where[200];
    snprintf(where, sizeof where, "standby pool '%s'", pname);
    check_keys(L, m, keys, where);
    const ynode *x;
    if (!(x = model_yaml_get(m, "region"))) {
      err_at(L, m, "standby pool '%s' needs a 'region' (a standby region)", pname);
    } else {
      int r = find_region(L, rix, x, "region");
      if (r >= 0 && sc->regions[r].primary)
        err_at(L, x, "standby pool '%s' is in '%s', the primary region; put it in a standby "
               "region", pname, x->str);
      p->region = r;
    }
    if ((x = model_yaml_get(m, "environment"))) p->environment = find_env(L, x, "environment");
    long long v;
    if ((x = model_yaml_get(m, "warm_nodes")) &&
        get_int(L, x, "warm_nodes", 0, MODEL_MAX_ITEMS, &v) == 0)
      p->warm_nodes = (int)v;
    const ynode *req = model_yaml_get(m, "required_nodes");
    if (!req) {
      err_at(L, m, "standby pool '%s' needs 'required_nodes' (nodes at full capacity)", pname);
    } else if (get_int(L, req, "required_nodes", 1, MODEL_MAX_ITEMS, &v) == 0) {
      p->required_nodes = (int)v;
      if (p->warm_nodes > p->required_nodes)
        err_at(L, req, "required_nodes (%d) is below warm_nodes (%d); required_nodes is the "
               "full capacity, at least the warm nodes", p->required_nodes, p->warm_nodes);
    }
    p->service_nodes = p->required_nodes;
    if ((x = model_yaml_get(m, "service_nodes")) &&
        get_int(L, x, "service_nodes", 1, MODEL_MAX_ITEMS, &v) == 0) {
      if (p->required_nodes > 0 && v > p->required_nodes)
        err_at(L, x, "service_nodes (%lld) is above required_nodes (%d); it is the part of "
               "full capacity needed to serve at all", v, p->required_nodes);
      else
        p->service_nodes = (int)v;
    }
    if ((x = model_yaml_get(m, "provision"))) {
      get_dist(L, x, "provision", &p->provision);
    } else if (p->warm_nodes < p->required_nodes) {
      err_at(L, m, "standby pool '%s' needs 'provision' (time to bring up one node), e.g. "
             "provision: {dist: lognormal, median: 6m, p95: 15m}", pname);
    }
    if ((x = model_yaml_get(m, "max_parallel")) &&
        get_int(L, x, "max_parallel", 1, MODEL_MAX_ITEMS, &v) == 0)
      p->max_parallel = (int)v;
    if ((x = model_yaml_get(m, "node_cost_per_hour")) &&
        get_number(L, x, "node_cost_per_hour", &p->node_cost_per_hour) == 0 &&
        p->node_cost_per_hour < 0) {
      err_at(L, x, "'node_cost_per_hour' must not be negative");
      p->node_cost_per_hour = 0;
    }
    if ((x = model_yaml_get(m, "zones")) && want_list(L, x, "'zones'") == 0) {
      for (size_t j = 0; j < x->n_items; j++) {
        long long z;
        const ynode *zn = x->items[j];
        if (want_scalar(L, zn, "zones") || get_int(L, zn, "zones", 1, 3, &z)) continue;
        int dup = 0;
        for (int q = 0; q < p->n_zones; q++) dup |= p->zones[q] == (int)z;
        if (dup || p->n_zones >= 3)
          err_at(L, zn, "zone %lld is listed twice in the zones of standby pool '%s'", z, pname);
        else
          p->zones[p->n_zones++] = (int)z;
      }
    }
    if ((x = model_yaml_get(m, "capacity_shortage")) &&
        want_map(L, x, "'capacity_shortage'") == 0) {
      static const char *const ckeys[] = {"probability", "delay", NULL};
      check_keys(L, x, ckeys, "capacity_shortage");
      const ynode *pr = model_yaml_get(x, "probability"), *dl = model_yaml_get(x, "delay");
      if (!pr || !dl) {
        err_at(L, x, "capacity_shortage needs both 'probability' and 'delay', e.g. "
               "{probability: 0.05, delay: {dist: lognormal, median: 1h, p95: 4h}}");
      } else {
        double prob = 0;
        if (get_fraction(L, pr, "probability", &prob) == 0 &&
            get_dist(L, dl, "delay", &p->shortage_delay) == 0)
          p->shortage_probability = prob;
      }
    }
  }
}

/* ---- workflows ---------------------------------------------------------- */

static void load_step(loader *L, size_t w, size_t si, const ynode *m, const name_ix *pix,
                      const char *envname) {
  model_scenario *sc = L->sc;
  model_step *s = &sc->workflows[w].steps[si];
  s->standby = -1;
  s->timeout_s = INFINITY;
  s->loc.line = m->line;
  s->loc.col = m->col;
  if (want_map(L, m, "a step")) return;
  L->wf[w].steps[si].map = m;
  if (!model_yaml_get(m, "name"))
    err_at(L, m, "a step needs a 'name', e.g. name: approve-failover");
  const char *sname = s->name ? s->name : "?";
  char where[300];
  snprintf(where, sizeof where, "step '%s' of workflow '%s'", sname, envname);
  static const char *const keys[] = {"name", "needs", "manual", "duration", "standby",
                                     "business_hours", "off_hours", "failure_probability",
                                     "failure_counts", "retry", "timeout", "if_lost",
                                     "after_restore", "until", "escalation", NULL};
  check_keys(L, m, keys, where);
  const ynode *x;
  L->wf[w].steps[si].needs = model_yaml_get(m, "needs");
  L->wf[w].steps[si].if_lost = model_yaml_get(m, "if_lost");
  if ((x = model_yaml_get(m, "manual"))) get_bool(L, x, "manual", &s->manual);
  if ((x = model_yaml_get(m, "after_restore"))) get_bool(L, x, "after_restore", &s->after_restore);
  if ((x = model_yaml_get(m, "until"))) {
    static const char *const untils[] = {"full", "service", NULL};
    int u = 0;
    if (!model_yaml_get(m, "standby"))
      err_at(L, model_yaml_get_pair(m, "until")->key, "'until' is only for standby steps (it "
             "says whether the scale-up ends at service_nodes or at required_nodes); add "
             "'standby: POOL' to step '%s' or remove it", sname);
    else if (get_enum(L, x, "until", untils, &u) == 0)
      s->until = u ? MODEL_UNTIL_SERVICE : MODEL_UNTIL_FULL;
  }
  const ynode *dur = model_yaml_get(m, "duration"), *sb = model_yaml_get(m, "standby");
  if (dur && sb) {
    err_at(L, model_yaml_get_pair(m, "standby")->key, "step '%s' has both 'duration' and "
           "'standby'; a standby step takes its time from the pool, remove 'duration'", sname);
  } else if (sb) {
    if (want_scalar(L, sb, "standby") == 0) {
      long p = ix_find(pix, sb->str);
      if (p < 0) {
        char h[512];
        err_at(L, sb, "step '%s' uses standby pool '%s', which is not defined under "
               "'standby'%s", sname, sb->str, ix_hint(L, pix, sb->str, h, sizeof h));
      } else {
        s->standby = (int)p;
        int pe = sc->standby[p].environment;
        if (pe >= 0 && pe != sc->workflows[w].environment && sc->workflows[w].environment >= 0)
          err_at(L, sb, "standby pool '%s' belongs to environment '%s', not '%s'; use a pool "
                 "of this environment or a shared one", sb->str, sc->environments[pe].name,
                 envname);
      }
    }
  } else if (dur) {
    get_dist(L, dur, "duration", &s->duration);
  } else {
    err_at(L, m, "step '%s' needs a 'duration' (e.g. duration: {dist: lognormal, median: "
           "20m, p95: 2h}) or a 'standby' pool", sname);
  }
  const ynode *bh = model_yaml_get(m, "business_hours"), *oh = model_yaml_get(m, "off_hours");
  if (bh || oh) {
    model_yaml_pair *kp = model_yaml_get_pair(m, bh ? "business_hours" : "off_hours");
    if (!s->manual) {
      err_at(L, kp->key, "'%s' is only for manual steps; add manual: true to step '%s' or "
             "remove it", kp->key->str, sname);
    } else if (!bh || !oh) {
      err_at(L, kp->key, "step '%s' has '%s' but not '%s'; give both or neither", sname,
             bh ? "business_hours" : "off_hours", bh ? "off_hours" : "business_hours");
    } else {
      int ok = get_dist(L, bh, "business_hours", &s->business_hours) == 0;
      ok &= get_dist(L, oh, "off_hours", &s->off_hours) == 0;
      s->has_oncall = ok;
    }
  }
  if ((x = model_yaml_get(m, "failure_probability")))
    get_probability(L, x, "failure_probability", &s->failure_probability);
  /* The counts behind failure_probability (drsim calibrate writes them;
  ** drsim run --epistemic draws from their Beta posterior); no effect on a
  ** plain run. */
  if ((x = model_yaml_get(m, "failure_counts")) && want_map(L, x, "'failure_counts'") == 0) {
    static const char *const ckeys[] = {"failures", "attempts", NULL};
    check_keys(L, x, ckeys, "failure_counts");
    const ynode *fy = model_yaml_get(x, "failures"), *ay = model_yaml_get(x, "attempts");
    long long f = 0, a = 0;
    if (!fy || !ay)
      err_at(L, x, "failure_counts needs 'failures' and 'attempts', e.g. {failures: 2, "
             "attempts: 12}");
    else if (get_int(L, fy, "failures", 0, 1000000000, &f) == 0 &&
             get_int(L, ay, "attempts", 1, 1000000000, &a) == 0 && f > a)
      err_at(L, fy, "failures (%lld) cannot exceed attempts (%lld)", f, a);
    if (!model_yaml_get(m, "failure_probability"))
      err_at(L, model_yaml_get_pair(m, "failure_counts")->key, "step '%s' has failure_counts "
             "but no failure_probability; write the estimate too (drsim fit --failures K "
             "--attempts N prints it)", sname);
  }
  if ((x = model_yaml_get(m, "retry")) && want_map(L, x, "'retry'") == 0) {
    static const char *const rkeys[] = {"max", "delay", "persistent", NULL};
    check_keys(L, x, rkeys, "retry");
    const ynode *y;
    long long v;
    s->retry_loc = (model_loc){x->line, x->col};
    if ((y = model_yaml_get(x, "max")) && get_int(L, y, "max", 0, MAX_RETRIES, &v) == 0)
      s->retry_max = (int)v;
    if ((y = model_yaml_get(x, "delay"))) get_duration(L, y, "delay", &s->retry_delay_s);
    if ((y = model_yaml_get(x, "persistent")))
      get_fraction(L, y, "persistent", &s->retry_persistent);
  }
  if ((x = model_yaml_get(m, "escalation")))
    s->has_escalation = get_dist(L, x, "escalation", &s->escalation) == 0;
  if ((x = model_yaml_get(m, "timeout")) && get_duration(L, x, "timeout", &s->timeout_s) == 0 &&
      !(s->timeout_s > 0)) {
    err_at(L, x, "'timeout' must be greater than 0; remove it for no timeout");
    s->timeout_s = INFINITY;
  }
}

/* Resolve each step's needs into step and component indexes. */
static void resolve_needs(loader *L, size_t w, const name_ix *six, const name_ix *cix,
                          const char *envname) {
  model_workflow *wf = &L->sc->workflows[w];
  for (size_t si = 0; si < wf->n_steps; si++) {
    model_step *s = &wf->steps[si];
    const ynode *nd = L->wf[w].steps[si].needs;
    if (!nd || is_null(nd)) continue;
    size_t cnt = 1;
    const ynode *const *items = &nd;
    if (nd->kind == MODEL_YAML_SEQUENCE) {
      if (nd->n_items > MODEL_MAX_ITEMS) {
        want_items(L, nd, "'needs'");
        continue;
      }
      cnt = nd->n_items;
      items = (const ynode *const *)nd->items;
    } else if (nd->kind != MODEL_YAML_SCALAR) {
      want_list(L, nd, "'needs'");
      continue;
    }
    if (cnt == 0) continue;
    s->needs_steps = xcalloc(L, cnt, sizeof *s->needs_steps);
    s->needs_components = xcalloc(L, cnt, sizeof *s->needs_components);
    if (!s->needs_steps || !s->needs_components) return;
    for (size_t j = 0; j < cnt; j++) {
      const ynode *d = items[j];
      if (want_scalar(L, d, "needs")) continue;
      if (strchr(d->str, '/')) continue;   /* ENV/STEP: resolve_needs_ext */
      long st = ix_find(six, d->str), co = ix_find(cix, d->str);
      if (st >= 0 && co >= 0) {
        err_at(L, d, "'%s' in the needs of step '%s' is both a step of workflow '%s' and a "
               "component; rename one of them", d->str, s->name, envname);
      } else if (st >= 0) {
        int dup = 0;
        for (size_t q = 0; q < s->n_needs_steps; q++) dup |= s->needs_steps[q] == (size_t)st;
        if (dup)
          err_at(L, d, "step '%s' lists '%s' twice in needs; remove one", s->name, d->str);
        else
          s->needs_steps[s->n_needs_steps++] = (size_t)st;
      } else if (co >= 0) {
        int dup = 0;
        for (size_t q = 0; q < s->n_needs_components; q++)
          dup |= s->needs_components[q] == (size_t)co;
        if (dup)
          err_at(L, d, "step '%s' lists '%s' twice in needs; remove one", s->name, d->str);
        else
          s->needs_components[s->n_needs_components++] = (size_t)co;
      } else {
        /* Suggest from the steps and the components together. */
        size_t nc = six->n + cix->n;
        const char **c = xcalloc(L, nc, sizeof *c);
        size_t k = 0;
        for (size_t q = 0; c && q < six->n; q++)
          if (six->names[q]) c[k++] = six->names[q];
        for (size_t q = 0; c && q < cix->n; q++)
          if (cix->names[q]) c[k++] = cix->names[q];
        const char *best = c ? suggest(L, d->str, c, k) : NULL;
        char h[300] = "";
        if (best) snprintf(h, sizeof h, "; did you mean '%s'?", best);
        err_at(L, d, "step '%s' needs '%s' which is not a step or component of workflow "
               "'%s'%s", s->name, d->str, envname, h);
        free(c);
      }
    }
  }
}

static void load_workflows(loader *L, const ynode *root, const name_ix *pix,
                           const name_ix *cix) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "workflows");
  if (!list || is_null(list)) return;
  if (want_items(L, list, "'workflows'")) return;
  size_t n = list->n_items;
  sc->workflows = xcalloc(L, n, sizeof *sc->workflows);
  L->wf = xcalloc(L, n, sizeof *L->wf);
  if (!sc->workflows || !L->wf) return;
  sc->n_workflows = n;
  const ynode **env_node = xcalloc(L, sc->n_environments, sizeof *env_node);
  static const char *const keys[] = {"environment", "detection", "steps", "wait_for_primary",
                                     NULL};
  for (size_t w = 0; w < n; w++) {
    model_workflow *wf = &sc->workflows[w];
    const ynode *m = list->items[w];
    wf->environment = -1;
    wf->loc.line = m->line;
    wf->loc.col = m->col;
    if (want_map(L, m, "a workflow")) continue;
    L->wf[w].map = m;
    const ynode *en = model_yaml_get(m, "environment");
    const char *envname = "?";
    if (!en) {
      err_at(L, m, "a workflow needs an 'environment' (a key of 'objectives')");
    } else {
      wf->environment = find_env(L, en, "environment");
      if (wf->environment >= 0) {
        envname = sc->environments[wf->environment].name;
        if (env_node && env_node[wf->environment]) {
          err_at(L, en, "a second workflow for environment '%s' (the first is at line %d); "
                 "merge their steps into one workflow", envname, env_node[wf->environment]->line);
          wf->environment = -1;
        } else if (env_node) {
          env_node[wf->environment] = en;
        }
      }
    }
    char where[200];
    snprintf(where, sizeof where, "workflow '%s'", envname);
    check_keys(L, m, keys, where);
    const ynode *x;
    if ((x = model_yaml_get(m, "detection"))) get_dist(L, x, "detection", &wf->detection);
    if ((x = model_yaml_get(m, "wait_for_primary")))
      get_duration(L, x, "wait_for_primary", &wf->wait_for_primary_s);
    const ynode *steps = model_yaml_get(m, "steps");
    if (!steps || (steps->kind == MODEL_YAML_SEQUENCE && steps->n_items == 0) ||
        (steps->kind == MODEL_YAML_SCALAR && steps->len == 0 && !steps->quoted)) {
      err_at(L, steps ? steps : m, "workflow '%s' has no steps; list at least one, e.g. "
             "steps: [{name: failover, duration: 30m}]", envname);
      continue;
    }
    if (want_items(L, steps, "'steps'")) continue;
    wf->steps = xcalloc(L, steps->n_items, sizeof *wf->steps);
    L->wf[w].steps = xcalloc(L, steps->n_items, sizeof *L->wf[w].steps);
    if (!wf->steps || !L->wf[w].steps) continue;
    wf->n_steps = steps->n_items;
    name_ix six;
    char **owned = NULL;
    collect_names(L, steps, "step", &six, &owned);
    if (owned)
      for (size_t i = 0; i < wf->n_steps; i++) wf->steps[i].name = owned[i];
    free(owned);
    for (size_t i = 0; i < wf->n_steps; i++)
      if (!wf->steps[i].name) wf->steps[i].name = xstrdup(L, "?");
    for (size_t i = 0; i < wf->n_steps; i++) load_step(L, w, i, steps->items[i], pix, envname);
    resolve_needs(L, w, &six, cix, envname);
    ix_free(&six);
  }
  free(env_node);
}

/* The items of a list-or-scalar node (a single name is accepted). */
static size_t list_items(const ynode *nd, const ynode *const **items) {
  if (!nd || is_null(nd)) return 0;
  if (nd->kind == MODEL_YAML_SEQUENCE) {
    *items = (const ynode *const *)nd->items;
    return nd->n_items;
  }
  *items = NULL;
  return 0;
}

static long find_step(const model_workflow *wf, const char *name);
static int workflow_of_env(const model_scenario *sc, int env);
static const ynode *needs_item(const loader *L, size_t w, size_t u, const char *name);

/* needs: [ENV/STEP]: a step of another environment's workflow (or of this
** one, written in full). Runs once every workflow is loaded, so ENV may
** name a workflow further down. */
static void resolve_needs_ext(loader *L) {
  model_scenario *sc = L->sc;
  if (!L->wf) return;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    model_workflow *wf = &sc->workflows[w];
    if (!L->wf[w].steps) continue;
    for (size_t si = 0; si < wf->n_steps; si++) {
      model_step *st = &wf->steps[si];
      const ynode *nd = L->wf[w].steps[si].needs, *one = nd;
      const ynode *const *items = &one;
      size_t cnt = nd && nd->kind == MODEL_YAML_SCALAR ? 1 : list_items(nd, &items);
      if (nd && nd->kind == MODEL_YAML_SEQUENCE && nd->n_items > MODEL_MAX_ITEMS) continue;
      for (size_t j = 0; j < cnt; j++) {
        const ynode *d = items[j];
        if (d->kind != MODEL_YAML_SCALAR || !strchr(d->str, '/')) continue;
        const char *text = d->str, *slash = strchr(text, '/');
        int env = -1;
        for (size_t e = 0; e < sc->n_environments; e++)
          if (sc->environments[e].name &&
              strlen(sc->environments[e].name) == (size_t)(slash - text) &&
              strncmp(sc->environments[e].name, text, (size_t)(slash - text)) == 0)
            env = (int)e;
        int ow = workflow_of_env(sc, env);
        if (env < 0 || ow < 0) {
          err_at(L, d, "step '%s' needs '%s', but '%.*s' is not an environment with a "
                 "workflow; write ENVIRONMENT/STEP, as in production/validate-application-health",
                 st->name, text, (int)(slash - text), text);
          continue;
        }
        long k = find_step(&sc->workflows[ow], slash + 1);
        if (k < 0) {
          const model_workflow *o = &sc->workflows[ow];
          const char **c = xcalloc(L, o->n_steps, sizeof *c);
          for (size_t q = 0; c && q < o->n_steps; q++) c[q] = o->steps[q].name;
          const char *best = c ? suggest(L, slash + 1, c, o->n_steps) : NULL;
          char h[300] = "";
          if (best) snprintf(h, sizeof h, "; did you mean '%s/%s'?", sc->environments[env].name,
                             best);
          err_at(L, d, "step '%s' needs '%s', but workflow '%s' has no step '%s'%s", st->name,
                 text, sc->environments[env].name, slash + 1, h);
          free(c);
          continue;
        }
        if ((size_t)ow == w) {   /* its own workflow, written in full */
          int dup = 0;
          for (size_t q = 0; q < st->n_needs_steps; q++) dup |= st->needs_steps[q] == (size_t)k;
          if (dup) err_at(L, d, "step '%s' lists '%s' twice in needs; remove one", st->name, text);
          else if (st->needs_steps) st->needs_steps[st->n_needs_steps++] = (size_t)k;
          continue;
        }
        if (!st->needs_ext && !(st->needs_ext = xcalloc(L, cnt, sizeof *st->needs_ext))) return;
        int dup = 0;
        for (size_t q = 0; q < st->n_needs_ext; q++)
          dup |= st->needs_ext[q].workflow == ow && st->needs_ext[q].step == (int)k;
        if (dup) {
          err_at(L, d, "step '%s' lists '%s' twice in needs; remove one", st->name, text);
          continue;
        }
        st->needs_ext[st->n_needs_ext++] = (model_step_ref){ow, (int)k};
      }
    }
  }
}

/* if_lost: [NAME, ...], component or region names. */
static void resolve_if_lost(loader *L, const name_ix *rix, const name_ix *cix) {
  model_scenario *sc = L->sc;
  if (!L->wf) return;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    model_workflow *wf = &sc->workflows[w];
    if (!L->wf[w].steps) continue;
    for (size_t si = 0; si < wf->n_steps; si++) {
      model_step *st = &wf->steps[si];
      const ynode *nd = L->wf[w].steps[si].if_lost, *one = nd;
      if (!nd) continue;
      const ynode *const *items = &one;
      size_t cnt = 1;
      if (nd->kind == MODEL_YAML_SEQUENCE) {
        if (want_items(L, nd, "'if_lost'")) continue;
        cnt = list_items(nd, &items);
      } else if (nd->kind != MODEL_YAML_SCALAR || is_null(nd)) {
        err_at(L, nd, "'if_lost' of step '%s' must list components or regions, e.g. "
               "if_lost: [sql-prod]", st->name);
        continue;
      }
      if (cnt == 0) {
        err_at(L, nd, "'if_lost' of step '%s' is empty: the step would never run; list the "
               "components or regions whose loss needs it, or remove the key", st->name);
        continue;
      }
      st->if_lost_components = xcalloc(L, cnt, sizeof *st->if_lost_components);
      st->if_lost_regions = xcalloc(L, cnt, sizeof *st->if_lost_regions);
      if (!st->if_lost_components || !st->if_lost_regions) return;
      st->has_if_lost = 1;
      for (size_t j = 0; j < cnt; j++) {
        const ynode *d = items[j];
        if (want_scalar(L, d, "if_lost")) continue;
        long c = ix_find(cix, d->str), r = ix_find(rix, d->str);
        if (c >= 0 && r >= 0) {
          err_at(L, d, "'%s' in the if_lost of step '%s' is both a component and a region; "
                 "rename one of them", d->str, st->name);
        } else if (c >= 0) {
          st->if_lost_components[st->n_if_lost_components++] = (int)c;
        } else if (r >= 0) {
          st->if_lost_regions[st->n_if_lost_regions++] = (int)r;
        } else {
          size_t n = cix->n + rix->n, k = 0;
          const char **names = xcalloc(L, n ? n : 1, sizeof *names);
          for (size_t q = 0; names && q < cix->n; q++)
            if (cix->names[q]) names[k++] = cix->names[q];
          for (size_t q = 0; names && q < rix->n; q++)
            if (rix->names[q]) names[k++] = rix->names[q];
          const char *best = names ? suggest(L, d->str, names, k) : NULL;
          char h[300] = "";
          if (best) snprintf(h, sizeof h, "; did you mean '%s'?", best);
          err_at(L, d, "step '%s' runs if '%s' is lost, which is not a component or a "
                 "region%s", st->name, d->str, h);
          free(names);
        }
      }
    }
  }
}

/* A step that counts in the RTO may not need an after_restore step of its
** own workflow: the RTO would silently include it. */
static void check_after_restore(loader *L) {
  model_scenario *sc = L->sc;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    for (size_t si = 0; si < wf->n_steps; si++) {
      const model_step *st = &wf->steps[si];
      if (st->after_restore) continue;
      for (size_t j = 0; j < st->n_needs_steps; j++) {
        const model_step *o = &wf->steps[st->needs_steps[j]];
        if (!o->after_restore) continue;
        err_at(L, needs_item(L, w, si, o->name), "step '%s' counts in the RTO but needs "
               "'%s', which runs after service is restored (after_restore: true); mark '%s' "
               "after_restore too, or drop the need", st->name, o->name, st->name);
      }
    }
  }
}

/* ---- graphs: order and cycles ------------------------------------------- */

/* A directed graph in compressed rows; edge e of node u points to adj[e],
** written at where[e]. */
typedef struct graph {
  size_t n;
  size_t *off;                /* n + 1 */
  size_t *adj;
  const ynode **where;
} graph;

static void graph_free(graph *g) {
  free(g->off);
  free(g->adj);
  free(g->where);
}

/* Depth-first, iteratively (10 000 nodes deep would be a lot of C stack).
** Returns 0 with order[] = every node after the nodes it points to, or 1
** with the cycle cyc[0..*ncyc) (cyc[0] repeated at the end) and the edge
** that closes it in *closing. -1 when out of memory. */
static int graph_order(const graph *g, size_t *order, size_t *cyc, size_t *ncyc,
                       size_t *closing) {
  size_t n = g->n, k = 0, sp = 0;
  unsigned char *color = calloc(n ? n : 1, 1);
  size_t *it = malloc((n ? n : 1) * sizeof *it);
  size_t *stack = malloc((n ? n : 1) * sizeof *stack);
  int rc = 0;
  if (!color || !it || !stack) {
    rc = -1;
    goto done;
  }
  for (size_t s = 0; s < n; s++) {
    if (color[s]) continue;
    color[s] = 1;
    it[s] = g->off[s];
    stack[sp++] = s;
    while (sp) {
      size_t u = stack[sp - 1];
      if (it[u] < g->off[u + 1]) {
        size_t e = it[u]++, v = g->adj[e];
        if (color[v] == 0) {
          color[v] = 1;
          it[v] = g->off[v];
          stack[sp++] = v;
        } else if (color[v] == 1) {
          size_t pos = sp - 1;
          while (stack[pos] != v) pos--;
          *ncyc = 0;
          for (size_t q = pos; q < sp; q++) cyc[(*ncyc)++] = stack[q];
          cyc[(*ncyc)++] = v;
          *closing = e;
          rc = 1;
          goto done;
        }
      } else {
        color[u] = 2;
        if (order) order[k++] = u;
        sp--;
      }
    }
  }
done:
  free(color);
  free(it);
  free(stack);
  return rc;
}

/* Names a graph node for a cycle message. */
typedef const char *(*label_fn)(const void *ctx, size_t node, char *buf, size_t size);

/* Report a cycle "a -> b -> a" at the edge that closes it. */
static void report_cycle(loader *L, const graph *g, const size_t *cyc, size_t ncyc,
                         size_t closing, label_fn label, const void *ctx, const char *what,
                         const char *fix) {
  char msg[900];
  size_t off = 0;
  for (size_t i = 0; i < ncyc && off < sizeof msg; i++) {
    char b[300];
    off += (size_t)snprintf(msg + off, sizeof msg - off, "%s%s", i ? " -> " : "",
                            label(ctx, cyc[i], b, sizeof b));
  }
  err_at(L, g->where[closing], "%s form a cycle: %s; %s", what, msg, fix);
}

static int graph_alloc(loader *L, graph *g, size_t n, size_t m) {
  g->n = n;
  g->off = calloc(n + 1, sizeof *g->off);
  g->adj = malloc((m ? m : 1) * sizeof *g->adj);
  g->where = malloc((m ? m : 1) * sizeof *g->where);
  if (g->off && g->adj && g->where) return 0;
  oom(L);
  return -1;
}

static const char *component_label(const void *ctx, size_t c, char *buf, size_t size) {
  (void)buf;
  (void)size;
  return ((const model_scenario *)ctx)->components[c].name;
}

static void check_depends_on(loader *L) {
  model_scenario *sc = L->sc;
  size_t n = sc->n_components, m = 0;
  if (n == 0) return;
  for (size_t c = 0; c < n; c++) m += sc->components[c].n_depends_on;
  graph g = {0, NULL, NULL, NULL};
  size_t *cyc = malloc((n + 1) * sizeof *cyc);
  if (graph_alloc(L, &g, n, m) || !cyc) {
    if (!cyc) oom(L);
    goto done;
  }
  size_t e = 0;
  for (size_t c = 0; c < n; c++) {
    g.off[c] = e;
    const ynode *list = L->comp_map[c] ? model_yaml_get(L->comp_map[c], "depends_on") : NULL;
    for (size_t j = 0; j < sc->components[c].n_depends_on; j++) {
      g.adj[e] = (size_t)sc->components[c].depends_on[j];
      /* the item naming it, for the location */
      g.where[e] = list ? list : L->comp_map[c];
      for (size_t q = 0; list && list->kind == MODEL_YAML_SEQUENCE && q < list->n_items; q++)
        if (list->items[q]->kind == MODEL_YAML_SCALAR &&
            strcmp(list->items[q]->str, sc->components[g.adj[e]].name) == 0)
          g.where[e] = list->items[q];
      e++;
    }
  }
  g.off[n] = e;
  size_t ncyc = 0, closing = 0;
  int rc = graph_order(&g, NULL, cyc, &ncyc, &closing);
  if (rc < 0)
    oom(L);
  else if (rc > 0)
    report_cycle(L, &g, cyc, ncyc, closing, component_label, sc, "depends_on entries",
                 "remove one of these dependencies");
done:
  graph_free(&g);
  free(cyc);
}


/* The needs item of step `u`'s list that names `name` (for locations). */
static const ynode *needs_item(const loader *L, size_t w, size_t u, const char *name) {
  const ynode *nd = L->wf[w].steps ? L->wf[w].steps[u].needs : NULL;
  if (!nd) return L->wf[w].steps ? L->wf[w].steps[u].map : L->wf[w].map;
  if (nd->kind == MODEL_YAML_SEQUENCE) {
    for (size_t q = 0; q < nd->n_items; q++)
      if (nd->items[q]->kind == MODEL_YAML_SCALAR && strcmp(nd->items[q]->str, name) == 0)
        return nd->items[q];
  }
  return nd;
}

static const char *step_label(const void *ctx, size_t s, char *buf, size_t size) {
  (void)buf;
  (void)size;
  return ((const model_workflow *)ctx)->steps[s].name;
}

/* Cycles in a workflow's needs; on success its topological order. */
static void check_needs(loader *L, size_t w) {
  model_workflow *wf = &L->sc->workflows[w];
  size_t n = wf->n_steps, m = 0;
  if (n == 0) return;
  for (size_t s = 0; s < n; s++) m += wf->steps[s].n_needs_steps;
  graph g = {0, NULL, NULL, NULL};
  size_t *cyc = malloc((n + 1) * sizeof *cyc);
  size_t *order = malloc(n * sizeof *order);
  if (graph_alloc(L, &g, n, m) || !cyc || !order) {
    if (!cyc || !order) oom(L);
    goto done;
  }
  size_t e = 0;
  for (size_t u = 0; u < n; u++) {
    g.off[u] = e;
    for (size_t j = 0; j < wf->steps[u].n_needs_steps; j++) {
      size_t v = wf->steps[u].needs_steps[j];
      g.adj[e] = v;
      g.where[e] = needs_item(L, w, u, wf->steps[v].name);
      e++;
    }
  }
  g.off[n] = e;
  size_t ncyc = 0, closing = 0;
  int rc = graph_order(&g, order, cyc, &ncyc, &closing);
  if (rc < 0) {
    oom(L);
  } else if (rc > 0) {
    report_cycle(L, &g, cyc, ncyc, closing, step_label, wf, "needs",
                 "remove one of these needs");
  } else {
    wf->topo = order;
    order = NULL;
  }
done:
  graph_free(&g);
  free(cyc);
  free(order);
}

static long find_step(const model_workflow *wf, const char *name) {
  for (size_t s = 0; s < wf->n_steps; s++)
    if (wf->steps[s].name && strcmp(wf->steps[s].name, name) == 0) return (long)s;
  return -1;
}

static int workflow_of_env(const model_scenario *sc, int env) {
  for (size_t w = 0; w < sc->n_workflows; w++)
    if (sc->workflows[w].environment == env && env >= 0) return (int)w;
  return -1;
}

static void unknown_step(loader *L, const ynode *at, const char *cname, const char *step,
                         const model_workflow *wf, const char *envname) {
  const char **c = xcalloc(L, wf->n_steps, sizeof *c);
  for (size_t s = 0; c && s < wf->n_steps; s++) c[s] = wf->steps[s].name;
  const char *best = c ? suggest(L, step, c, wf->n_steps) : NULL;
  char h[300] = "";
  if (best) snprintf(h, sizeof h, "; did you mean '%s'?", best);
  err_at(L, at, "component '%s' fails over by '%s', which is not a step of workflow '%s'%s",
         cname, step, envname, h);
  free(c);
}

/* failover: {by: STEP} -> (workflow, step); ENV/STEP for any component. */
static void resolve_failover_by(loader *L) {
  model_scenario *sc = L->sc;
  if (!L->comp_by) return;
  for (size_t c = 0; c < sc->n_components; c++) {
    const ynode *by = L->comp_by[c];
    if (!by) continue;
    model_component *mc = &sc->components[c];
    const char *text = by->str, *slash = strchr(text, '/');
    if (slash) {
      int env = -1;
      for (size_t e = 0; e < sc->n_environments; e++)
        if (sc->environments[e].name && strlen(sc->environments[e].name) == (size_t)(slash - text) &&
            strncmp(sc->environments[e].name, text, (size_t)(slash - text)) == 0)
          env = (int)e;
      int w = workflow_of_env(sc, env);
      if (env < 0 || w < 0) {
        err_at(L, by, "component '%s' fails over by '%s', but '%.*s' is not an environment "
               "with a workflow; write ENVIRONMENT/STEP, as in production/restore-data",
               mc->name, text, (int)(slash - text), text);
        continue;
      }
      long s = find_step(&sc->workflows[w], slash + 1);
      if (s < 0) {
        unknown_step(L, by, mc->name, slash + 1, &sc->workflows[w], sc->environments[env].name);
        continue;
      }
      mc->failover.by_workflow = w;
      mc->failover.by_step = (int)s;
    } else if (mc->environment >= 0) {
      int w = workflow_of_env(sc, mc->environment);
      const char *en = sc->environments[mc->environment].name;
      if (w < 0) {
        err_at(L, by, "component '%s' fails over by step '%s', but environment '%s' has no "
               "workflow; add one, or make the failover automatic (after, duration)",
               mc->name, text, en);
        continue;
      }
      long s = find_step(&sc->workflows[w], text);
      if (s < 0) {
        unknown_step(L, by, mc->name, text, &sc->workflows[w], en);
        continue;
      }
      mc->failover.by_workflow = w;
      mc->failover.by_step = (int)s;
    } else {
      int found_w = -1, n_found = 0;
      long found_s = -1;
      for (size_t w = 0; w < sc->n_workflows; w++) {
        long s = find_step(&sc->workflows[w], text);
        if (s >= 0) {
          if (!n_found) {
            found_w = (int)w;
            found_s = s;
          }
          n_found++;
        }
      }
      if (n_found == 0) {
        err_at(L, by, "shared component '%s' fails over by '%s', which is not a step of any "
               "workflow; name a step, as ENVIRONMENT/STEP if several workflows have it",
               mc->name, text);
      } else if (n_found > 1) {
        err_at(L, by, "shared component '%s' fails over by '%s', a step of %d workflows; write "
               "which one as ENVIRONMENT/STEP, e.g. %s/%s", mc->name, text, n_found,
               sc->workflows[found_w].environment >= 0
                   ? sc->environments[sc->workflows[found_w].environment].name : "ENV",
               text);
      } else {
        mc->failover.by_workflow = found_w;
        mc->failover.by_step = (int)found_s;
      }
    }
  }
}

/* Steps and component failovers waiting on each other: nodes are the
** flattened steps, then the components. A cycle here is a deadlock that no
** single workflow's needs shows (a step needs a component that fails over
** by a later step). */
typedef struct wait_ctx {
  const model_scenario *sc;
  size_t n_steps;
  const size_t *step_wf;
} wait_ctx;

static const char *wait_label(const void *vctx, size_t node, char *buf, size_t size) {
  const wait_ctx *x = vctx;
  if (node >= x->n_steps) {
    snprintf(buf, size, "component %s", x->sc->components[node - x->n_steps].name);
  } else {
    const model_workflow *wf = &x->sc->workflows[x->step_wf[node]];
    snprintf(buf, size, "step %s/%s", x->sc->environments[wf->environment].name,
             wf->steps[node - wf->step_offset].name);
  }
  return buf;
}

static void check_waits(loader *L) {
  model_scenario *sc = L->sc;
  size_t ns = sc->n_steps_total, nc = sc->n_components, n = ns + nc, m = 0;
  if (n == 0) return;
  for (size_t w = 0; w < sc->n_workflows; w++)
    for (size_t s = 0; s < sc->workflows[w].n_steps; s++)
      m += sc->workflows[w].steps[s].n_needs_steps + sc->workflows[w].steps[s].n_needs_components +
           sc->workflows[w].steps[s].n_needs_ext;
  for (size_t c = 0; c < nc; c++) m += sc->components[c].n_depends_on + 1;
  graph g = {0, NULL, NULL, NULL};
  size_t *cyc = malloc((n + 1) * sizeof *cyc);
  size_t *step_wf = malloc((ns ? ns : 1) * sizeof *step_wf);
  if (graph_alloc(L, &g, n, m) || !cyc || !step_wf) {
    if (!cyc || !step_wf) oom(L);
    goto done;
  }
  size_t e = 0;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    for (size_t s = 0; s < wf->n_steps; s++) {
      size_t u = wf->step_offset + s;
      const model_step *st = &wf->steps[s];
      step_wf[u] = w;
      g.off[u] = e;
      for (size_t j = 0; j < st->n_needs_steps; j++) {
        g.adj[e] = wf->step_offset + st->needs_steps[j];
        g.where[e] = needs_item(L, w, s, wf->steps[st->needs_steps[j]].name);
        e++;
      }
      for (size_t j = 0; j < st->n_needs_components; j++) {
        g.adj[e] = ns + st->needs_components[j];
        g.where[e] = needs_item(L, w, s, sc->components[st->needs_components[j]].name);
        e++;
      }
      for (size_t j = 0; j < st->n_needs_ext; j++) {
        const model_workflow *ow = &sc->workflows[st->needs_ext[j].workflow];
        char ref[2 * MAX_NAME + 2];
        snprintf(ref, sizeof ref, "%s/%s", sc->environments[ow->environment].name,
                 ow->steps[st->needs_ext[j].step].name);
        g.adj[e] = ow->step_offset + (size_t)st->needs_ext[j].step;
        g.where[e] = needs_item(L, w, s, ref);
        e++;
      }
    }
  }
  for (size_t c = 0; c < nc; c++) {
    const model_component *mc = &sc->components[c];
    g.off[ns + c] = e;
    for (size_t j = 0; j < mc->n_depends_on; j++) {
      g.adj[e] = ns + (size_t)mc->depends_on[j];
      g.where[e] = L->comp_map[c] ? model_yaml_get(L->comp_map[c], "depends_on") : NULL;
      e++;
    }
    if (mc->failover.kind == MODEL_FAILOVER_BY_STEP && mc->failover.by_workflow >= 0) {
      g.adj[e] = sc->workflows[mc->failover.by_workflow].step_offset + (size_t)mc->failover.by_step;
      g.where[e] = L->comp_by[c];
      e++;
    }
  }
  g.off[n] = e;
  wait_ctx x = {sc, ns, step_wf};
  size_t ncyc = 0, closing = 0;
  int rc = graph_order(&g, NULL, cyc, &ncyc, &closing);
  if (rc < 0)
    oom(L);
  else if (rc > 0)
    report_cycle(L, &g, cyc, ncyc, closing, wait_label, &x, "steps and component failovers "
                 "waiting on each other", "nothing in it could ever finish; remove one of "
                 "these needs, depends_on or failover 'by' links");
done:
  graph_free(&g);
  free(cyc);
  free(step_wf);
}

/* ---- disaster, oncall, lifetime ----------------------------------------- */

static void load_disaster(loader *L, const ynode *root, const name_ix *rix, const name_ix *cix) {
  model_scenario *sc = L->sc;
  model_disaster *d = &sc->disaster;
  d->type = MODEL_DISASTER_REGION;
  d->component = -1;
  d->region = -1;
  for (size_t r = 0; r < sc->n_regions; r++)
    if (sc->regions[r].primary) d->region = (int)r;
  const ynode *m = model_yaml_get(root, "disaster");
  if (!m) return;   /* default: the primary region is lost */
  d->loc.line = m->line;
  d->loc.col = m->col;
  if (want_map(L, m, "'disaster'")) return;
  static const char *const keys[] = {"type", "region", "zone", "component", "duration",
                                     "rate", NULL};
  static const char *const types[] = {"region-outage", "zone-outage", "component", NULL};
  check_keys(L, m, keys, "disaster");
  const ynode *x;
  int type = 0;
  if ((x = model_yaml_get(m, "type")) && get_enum(L, x, "disaster type", types, &type)) return;
  d->type = (model_disaster_type)type;
  model_yaml_pair *p;
  if (type == MODEL_DISASTER_COMPONENT && (p = model_yaml_get_pair(m, "region")))
    err_at(L, p->key, "'region' is for region-outage and zone-outage disasters; remove it (a "
           "component disaster hits the named component)");
  if (type != MODEL_DISASTER_ZONE && (p = model_yaml_get_pair(m, "zone")))
    err_at(L, p->key, "'zone' is for type: zone-outage only; remove it or change the type");
  if (type != MODEL_DISASTER_COMPONENT && (p = model_yaml_get_pair(m, "component")))
    err_at(L, p->key, "'component' is for type: component only; remove it or change the type");
  if (type != MODEL_DISASTER_COMPONENT && (x = model_yaml_get(m, "region")))
    d->region = find_region(L, rix, x, "region");
  if (type == MODEL_DISASTER_ZONE) {
    long long z;
    if (!(x = model_yaml_get(m, "zone")))
      err_at(L, m, "a zone-outage disaster needs 'zone' (1, 2 or 3)");
    else if (get_int(L, x, "zone", 1, 3, &z) == 0)
      d->zone = (int)z;
  }
  if (type == MODEL_DISASTER_COMPONENT) {
    d->region = -1;
    if (!(x = model_yaml_get(m, "component"))) {
      err_at(L, m, "a component disaster needs 'component' (the name of the component that fails)");
    } else if (want_scalar(L, x, "component") == 0) {
      long c = ix_find(cix, x->str);
      if (c < 0) {
        char h[512];
        err_at(L, x, "unknown component '%s'%s", x->str, ix_hint(L, cix, x->str, h, sizeof h));
      }
      d->component = (int)c;
    }
  }
  if ((x = model_yaml_get(m, "duration")) && get_dist(L, x, "duration", &d->duration) == 0)
    d->has_duration = 1;
  if ((x = model_yaml_get(m, "rate")) && want_scalar(L, x, "rate") == 0) {
    const char *why = NULL;
    if (model_units_parse_rate(x->str, &d->rate_per_s, &why)) {
      err_at(L, x, "bad rate '%s': %s", x->str, why ? why : "write it as 1/10y (once in ten years)");
      d->rate_per_s = 0;
    }
  }
}

/* "HH:MM" -> seconds after midnight; -1 when malformed. */
static double parse_clock(const char *s, size_t len) {
  if (len != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
      s[2] != ':' || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
    return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 3600.0 + m * 60.0;
}

static void load_oncall(loader *L, const ynode *root) {
  model_oncall *o = &L->sc->oncall;
  o->day_start_s = 8 * 3600.0;
  o->day_end_s = 18 * 3600.0;
  o->workdays = 5;
  const ynode *m = model_yaml_get(root, "oncall");
  if (!m) return;
  if (want_map(L, m, "'oncall'")) return;
  o->enabled = 1;
  static const char *const keys[] = {"business_hours", "workdays", NULL};
  check_keys(L, m, keys, "oncall");
  const ynode *x;
  if ((x = model_yaml_get(m, "business_hours")) && want_scalar(L, x, "business_hours") == 0) {
    const char *dash = strchr(x->str, '-');
    double a = dash ? parse_clock(x->str, (size_t)(dash - x->str)) : -1;
    double b = dash ? parse_clock(dash + 1, strlen(dash + 1)) : -1;
    if (a < 0 || b < 0)
      err_at(L, x, "bad business_hours '%s'; write HH:MM-HH:MM, as in \"08:00-18:00\"", x->str);
    else if (!(b > a))
      err_at(L, x, "business_hours '%s' ends before it starts; write HH:MM-HH:MM within one "
             "day, as in \"08:00-18:00\"", x->str);
    else {
      o->day_start_s = a;
      o->day_end_s = b;
    }
  }
  long long v;
  if ((x = model_yaml_get(m, "workdays")) && get_int(L, x, "workdays", 1, 7, &v) == 0)
    o->workdays = (int)v;
}

static void load_lifetime(loader *L, const ynode *root) {
  const ynode *m = model_yaml_get(root, "lifetime");
  if (!m || want_map(L, m, "'lifetime'")) return;
  static const char *const keys[] = {"failback", "failback_duration", "failback_window", NULL};
  check_keys(L, m, keys, "lifetime");
  const ynode *x;
  model_lifetime *lt = &L->sc->lifetime;
  if ((x = model_yaml_get(m, "failback"))) get_bool(L, x, "failback", &lt->failback);
  if ((x = model_yaml_get(m, "failback_duration")))
    get_dist(L, x, "failback_duration", &lt->failback_duration);
  if ((x = model_yaml_get(m, "failback_window")) && want_scalar(L, x, "failback_window") == 0) {
    const char *dash = strchr(x->str, '-');
    double a = dash ? parse_clock(x->str, (size_t)(dash - x->str)) : -1;
    double b = dash ? parse_clock(dash + 1, strlen(dash + 1)) : -1;
    if (a < 0 || b < 0 || a >= MODEL_UNITS_DAY || b > MODEL_UNITS_DAY)
      err_at(L, x, "bad failback_window '%s'; write a daily window HH:MM-HH:MM, as in "
             "\"02:00-05:00\" (it may wrap past midnight: \"22:00-02:00\")", x->str);
    else if (a == b)
      err_at(L, x, "failback_window '%s' is empty; give a window of some length, as in "
             "\"02:00-05:00\"", x->str);
    else {
      lt->has_failback_window = 1;
      lt->failback_window_start_s = a;
      lt->failback_window_end_s = b;
    }
  }
}

/* ---- top level ---------------------------------------------------------- */

static void load_top(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  static const char *const keys[] = {"version", "name", "description", "seed", "trials", "mode",
                                     "horizon", "objectives", "regions", "components",
                                     "disaster", "standby", "workflows", "oncall", "lifetime",
                                     NULL};
  check_keys(L, root, keys, "the scenario");
  const ynode *x;
  long long v;
  if (!(x = model_yaml_get(root, "version")))
    err_at(L, root, "missing 'version'; start the scenario with version: 1");
  else if (get_int(L, x, "version", 0, 1000000, &v) == 0 && v != 1)
    err_at(L, x, "version %lld is not supported; this drsim reads version: 1", v);
  if (!(x = model_yaml_get(root, "name"))) {
    err_at(L, root, "missing 'name'; name the scenario, e.g. name: aks-east-west");
  } else if (want_scalar(L, x, "name") == 0) {
    size_t blank = strspn(x->str, " \t");
    if (x->len > 200)
      err_at(L, x, "the scenario name is %zu characters long; the limit is 200", x->len);
    else if (blank == x->len)
      err_at(L, x, "the scenario name is empty; name the scenario, e.g. name: aks-east-west");
    else if (has_control(x->str))
      err_at(L, x, "the scenario name holds a control character (an escape sequence or a "
             "line break); use printable text");
    else
      sc->name = xstrdup(L, x->str);
  }
  if ((x = model_yaml_get(root, "description")) && want_scalar(L, x, "description") == 0) {
    /* Line breaks are fine in a description; other control characters
    ** (ANSI escape sequences) would reach the terminal. */
    int bad = 0;
    for (const char *p = x->str; *p; p++)
      bad |= ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f;
    if (bad)
      err_at(L, x, "the description holds a control character (an escape sequence); use "
             "printable text");
    else
      sc->description = xstrdup(L, x->str);
  }
  sc->seed = 42;
  sc->trials = 10000;
  if ((x = model_yaml_get(root, "seed"))) get_u64(L, x, "seed", UINT64_MAX, &sc->seed);
  if ((x = model_yaml_get(root, "trials")) && get_u64(L, x, "trials", MAX_TRIALS, &sc->trials) == 0 &&
      sc->trials == 0) {
    err_at(L, x, "'trials' must be at least 1");
    sc->trials = 1;
  }
  static const char *const modes[] = {"disaster", "lifetime", NULL};
  int mode = 0;
  if ((x = model_yaml_get(root, "mode")) && get_enum(L, x, "mode", modes, &mode) == 0)
    sc->mode = (model_mode)mode;
  /* horizon is read in either mode, so that --set mode=lifetime works. */
  if ((x = model_yaml_get(root, "horizon")) && get_duration(L, x, "horizon", &sc->horizon_s) == 0 &&
      (!(sc->horizon_s > 0) || sc->horizon_s > MAX_HORIZON_S))
    err_at(L, x, "'horizon' must be greater than 0 and at most 1000y");
  if (sc->mode == MODEL_MODE_LIFETIME && !x)
    err_at(L, model_yaml_get(root, "mode"), "lifetime mode needs 'horizon', the time each "
           "trial simulates, e.g. horizon: 1y");
}

/* Lifetime mode: refuse a scenario whose trials would each simulate more
** than MAX_LIFETIME_EVENTS failures, repairs and disasters, since one such
** trial runs for minutes. Expected events: horizon / (mean failure + mean
** repair) per component, plus disaster rate x horizon. */
static void check_lifetime_events(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  if (sc->mode != MODEL_MODE_LIFETIME || !(sc->horizon_s > 0) || sc->horizon_s > MAX_HORIZON_S)
    return;
  double total = sc->disaster.rate_per_s * sc->horizon_s, worst = 0;
  size_t worst_c = 0;
  for (size_t i = 0; i < sc->n_components; i++) {
    const model_component *c = &sc->components[i];
    if (!c->has_failure) continue;
    double cycle = model_dist_mean(&c->failure) + model_dist_mean(&c->repair);
    if (!(cycle > 0)) continue;   /* refused where it was read */
    double ev = sc->horizon_s / cycle;
    total += ev;
    if (ev > worst) {
      worst = ev;
      worst_c = i;
    }
  }
  if (total <= MAX_LIFETIME_EVENTS) return;
  const ynode *h = model_yaml_get(root, "horizon");
  char hb[48];
  model_units_format_duration(sc->horizon_s, hb, sizeof hb);
  if (worst > sc->disaster.rate_per_s * sc->horizon_s)
    err_at(L, h, "lifetime mode would simulate about %.3g failures and repairs per trial over "
           "the horizon of %s; the limit is %.0e. Component '%s' alone cycles about %.3g "
           "times: check the units of its failure and repair, or shorten the horizon", total,
           hb, MAX_LIFETIME_EVENTS, sc->components[worst_c].name, worst);
  else
    err_at(L, h, "lifetime mode would simulate about %.3g disasters per trial over the horizon "
           "of %s; the limit is %.0e: check the disaster rate or shorten the horizon", total,
           hb, MAX_LIFETIME_EVENTS);
}

static void assign_streams(model_scenario *sc) {
  char buf[2 * MAX_NAME + 64];
  for (size_t c = 0; c < sc->n_components; c++) {
    snprintf(buf, sizeof buf, "component:%s", sc->components[c].name);
    sc->components[c].stream = sim_rng_stream_id(buf);
  }
  for (size_t p = 0; p < sc->n_standby; p++) {
    snprintf(buf, sizeof buf, "standby:%s", sc->standby[p].name);
    sc->standby[p].stream = sim_rng_stream_id(buf);
  }
  for (size_t w = 0; w < sc->n_workflows; w++) {
    model_workflow *wf = &sc->workflows[w];
    const char *env = sc->environments[wf->environment].name;
    snprintf(buf, sizeof buf, "detection:%s", env);
    wf->stream = sim_rng_stream_id(buf);
    for (size_t s = 0; s < wf->n_steps; s++) {
      snprintf(buf, sizeof buf, "step:%s/%s", env, wf->steps[s].name);
      wf->steps[s].stream = sim_rng_stream_id(buf);
    }
  }
  sc->disaster.stream = sim_rng_stream_id("disaster");
  sc->oncall.stream = sim_rng_stream_id("oncall");
}

/* FNV-1a 64 over the text, then each override after a NUL separator. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

static char *text_hash(loader *L, const char *text, size_t len, const char *const *ov, size_t nov) {
  uint64_t h = fnv1a(0xcbf29ce484222325ull, text, len);
  for (size_t i = 0; i < nov; i++) {
    if (!ov[i]) continue;
    h = fnv1a(h, "", 1);
    h = fnv1a(h, ov[i], strlen(ov[i]));
  }
  /* The content of every input file (none: the hash of the text and the
  ** overrides alone, as before input files were pinned). */
  for (size_t i = 0; L->sc && i < L->sc->n_inputs; i++) {
    h = fnv1a(h, "\0file\0", 6);
    h = fnv1a(h, L->sc->inputs[i].name, strlen(L->sc->inputs[i].name) + 1);
    h = fnv1a(h, L->sc->inputs[i].sha256, 64);
  }
  char *s = malloc(17);
  if (!s) {
    oom(L);
    return NULL;
  }
  snprintf(s, 17, "%016" PRIx64, h);
  return s;
}

static char *dir_of(const char *path) {
  const char *slash = path ? strrchr(path, '/') : NULL;
  if (!slash) return NULL;
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, path, n);
  d[n] = '\0';
  return d;
}

static void load_tree(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  name_ix rix = {0}, cix = {0}, pix = {0};
  int errors_before = L->errors;   /* failed overrides */
  if (!root) {
    err_at(L, NULL, "the scenario is empty; start with 'version: 1' and 'name: ...' "
           "(see scenarios/README.md)");
    return;
  }
  if (root->kind != MODEL_YAML_MAPPING) {
    char b[64];
    err_at(L, root, "this is not a drsim scenario: the top level must be a map of keys "
           "(version, name, objectives, regions, ...), not %s", describe(root, b, sizeof b));
    return;
  }
  load_top(L, root);
  load_objectives(L, root);
  load_regions(L, root, &rix);
  load_components(L, root, &rix, &cix);
  load_standby(L, root, &rix, &pix);
  load_workflows(L, root, &pix, &cix);
  load_disaster(L, root, &rix, &cix);
  load_oncall(L, root);
  load_lifetime(L, root);
  check_lifetime_events(L, root);
  resolve_needs_ext(L);
  resolve_if_lost(L, &rix, &cix);
  resolve_failover_by(L);
  check_depends_on(L);
  size_t off = 0;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    sc->workflows[w].step_offset = off;
    off += sc->workflows[w].n_steps;
    check_needs(L, w);
  }
  sc->n_steps_total = off;
  check_after_restore(L);
  /* The graph over workflows is only meaningful once each one is sound. */
  if (L->errors == errors_before) check_waits(L);
  if (L->errors == 0) assign_streams(sc);
  ix_free(&rix);
  ix_free(&cix);
  ix_free(&pix);
}

int model_scenario_load_string(const char *text, size_t len, const char *source,
                               const char *const *overrides, size_t n_overrides,
                               model_scenario **out, model_diag *diag) {
  return model_scenario_load_string_opts(text, len, source, overrides, n_overrides, NULL, out,
                                         diag);
}

int model_scenario_load_string_opts(const char *text, size_t len, const char *source,
                                    const char *const *overrides, size_t n_overrides,
                                    const model_load_opts *opts, model_scenario **out,
                                    model_diag *diag) {
  *out = NULL;
  const char *file = source ? source : "<scenario>";
  loader L;
  memset(&L, 0, sizeof L);
  L.opts = opts;
  L.file = file;
  L.diag = diag;
  L.suggest_budget = SUGGEST_BUDGET;
  model_yaml_doc *doc = NULL;
  if (!text) len = 0;
  if (len > MODEL_MAX_FILE_BYTES) {
    model_diag_add(diag, file, 0, 0, "the scenario is %zu bytes; the limit is %u bytes (16 MiB)",
                   len, MODEL_MAX_FILE_BYTES);
    return -1;
  }
  if (model_yaml_parse(text ? text : "", len, file, &doc, diag)) return -1;
  /* A failed override is reported and the rest is still validated, so one
  ** run shows every problem; the load fails either way. */
  int failed_overrides = 0;
  if (n_overrides && overrides)
    failed_overrides = model_override_apply(doc, overrides, n_overrides, diag);
  L.errors = failed_overrides;
  L.sc = calloc(1, sizeof *L.sc);
  if (!L.sc) {
    oom(&L);
    model_yaml_free(doc);
    return -1;
  }
  L.dir = dir_of(source);
  L.sc->source = xstrdup(&L, file);
  load_tree(&L, model_yaml_root(doc));
  /* After the tree: the hash covers the input files it read. */
  L.sc->text_hash = text_hash(&L, text ? text : "", len, overrides, overrides ? n_overrides : 0);
  if (!L.errors && n_overrides && overrides) model_unused_warn(model_yaml_root(doc), L.sc, diag);
  if (L.wf) {
    for (size_t w = 0; w < L.sc->n_workflows; w++) free(L.wf[w].steps);
    free(L.wf);
  }
  free(L.comp_map);
  free(L.comp_by);
  free(L.dir);
  model_yaml_free(doc);
  if (L.errors) {
    model_scenario_free(L.sc);
    return -1;
  }
  *out = L.sc;
  return 0;
}

const char *model_scenario_source_name(const char *path) {
  return path && strcmp(path, "-") == 0 ? "<stdin>" : path;
}

char *model_scenario_read_file(const char *path, size_t *len, model_diag *diag) {
  const char *name = model_scenario_source_name(path);
  int from_stdin = strcmp(path, "-") == 0;
  /* O_NONBLOCK: opening a FIFO without a writer must not hang; a named file
  ** must be a regular file (a FIFO, a device or a directory is refused);
  ** '-' reads standard input, whatever it is. */
  struct stat st;
  FILE *f = stdin;
  if (!from_stdin) {
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
      model_diag_add(diag, name, 0, 0, "cannot open the scenario: %s; check the path",
                     strerror(errno));
      return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      model_diag_add(diag, name, 0, 0, "is %s, not a regular file; give a scenario .yaml file",
                     S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO (pipe)"
                     : "a device or special file");
      close(fd);
      return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    f = fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1 ? NULL : fdopen(fd, "rb");
    if (!f) {
      int e = errno;
      model_diag_add(diag, name, 0, 0, "cannot open the scenario: %s", strerror(e));
      if (e == ENOMEM) model_diag_set_nomem(diag);
      close(fd);
      return NULL;
    }
  }
  /* Read in chunks rather than trusting st_size (the file may grow while
  ** it is read, standard input may be a pipe); stop one byte past the
  ** limit. */
  size_t n = 0, cap = 0;
  char *buf = NULL;
  int too_big = 0, rerr = 0;
  for (;;) {
    if (cap - n < 4096) {
      size_t nc = cap ? cap * 2 : 65536;
      if (nc > (size_t)MODEL_MAX_FILE_BYTES + 2) nc = (size_t)MODEL_MAX_FILE_BYTES + 2;
      if (nc <= cap) {
        too_big = 1;
        break;
      }
      char *nb = realloc(buf, nc);
      if (!nb) {
        rerr = ENOMEM;
        break;
      }
      buf = nb;
      cap = nc;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (n > MODEL_MAX_FILE_BYTES) {
      too_big = 1;
      break;
    }
    if (got == 0) {
      if (ferror(f)) rerr = errno ? errno : EIO;
      break;
    }
  }
  if (!from_stdin) fclose(f);
  if (!too_big && !rerr && !buf) {
    buf = malloc(1);   /* an empty file */
    if (!buf) rerr = ENOMEM;
  }
  if (too_big || rerr) {
    if (too_big)
      model_diag_add(diag, name, 0, 0, "the scenario is larger than the limit of %u bytes "
                     "(16 MiB)", MODEL_MAX_FILE_BYTES);
    else
      model_diag_add(diag, name, 0, 0, "cannot read the scenario: %s", strerror(rerr));
    if (rerr == ENOMEM) model_diag_set_nomem(diag);
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

int model_scenario_load_file(const char *path, const char *const *overrides,
                             size_t n_overrides, model_scenario **out, model_diag *diag) {
  *out = NULL;
  size_t n = 0;
  char *buf = model_scenario_read_file(path, &n, diag);
  if (!buf) return -1;
  int rc = model_scenario_load_string(buf, n, model_scenario_source_name(path), overrides,
                                      n_overrides, out, diag);
  free(buf);
  return rc;
}
