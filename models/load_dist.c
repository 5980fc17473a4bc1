/*
** models/load_dist.c — distributions in a scenario, and `file:` samples.
**
** A duration or a {dist: ...} map becomes a model_dist (models/dist.h); the
** keys each kind takes, the required parameters, the far-tail check against
** unit mistakes, and the empirical `file:` reader (confined to the
** scenario's folder or an --allow-path folder, pinned by SHA-256 in
** sc->inputs so that a resumed run reads the same samples).
**
** read_samples_file runs a little past 100 lines: one pass over the lines of
** a CSV file, each case (blank, comment, header, value, error) a few lines.
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include "models/load_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include <nettle/sha2.h>

#include "models/uncertainty.h"
#include "models/units.h"

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
    ld_err_at(L, map, "a %s distribution needs '%s'; e.g. %s", kind, key, example);
    return -1;
  }
  return is_duration ? ld_get_duration(L, v, key, out) : ld_get_number(L, v, key, out);
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

/* The resolved path of the samples file named by n, confined to base (the
** scenario's folder) and below or an --allow-path folder; NULL after
** reporting. *shown gets the path as written against base, for messages
** (the caller frees both). */
static char *samples_path(loader *L, const ynode *n, const char *base, char **shown) {
  const model_load_opts *o = L->opts;
  const char *name = n->str;
  char *path = NULL, *real = NULL, *root = NULL;
  *shown = NULL;
  if (name[0] == '/') {
    path = ld_xstrdup(L, name);
  } else {
    size_t need = strlen(base) + 1 + strlen(name) + 1;
    path = malloc(need);
    if (path) snprintf(path, need, "%s/%s", base, name);
    else ld_oom(L);
  }
  if (!path) return NULL;
  real = realpath(path, NULL);
  if (!real) {
    ld_err_at(L, n, "cannot read samples file '%s': %s; give a CSV file (one duration a line), "
              "relative to the scenario", path, strerror(errno));
    free(path);
    return NULL;
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
    ld_err_at(L, n, "samples file '%s' is outside the scenario's folder (%s); keep samples "
              "files next to the scenario or below it, or allow their folder with "
              "--allow-path DIR", name, root ? root : base);
    free(real);
    free(path);
    real = path = NULL;
  }
  free(root);
  *shown = path;
  return real;
}

/* The whole content of the regular file `real` (path: as shown in
** messages), NUL-terminated, its length in *size; NULL after reporting. */
static char *read_regular(loader *L, const ynode *n, const char *path, const char *real,
                          size_t *size) {
  /* O_NONBLOCK: a FIFO named here must not hang the loader; only regular
  ** files are read. */
  struct stat st;
  char *content = NULL;
  int fd = open(real, O_RDONLY | O_NONBLOCK);
  if (fd < 0) {
    ld_err_at(L, n, "cannot read samples file '%s': %s", path, strerror(errno));
    return NULL;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ld_err_at(L, n, "cannot read samples file '%s': not a regular file; give a CSV file (one "
              "duration a line), relative to the scenario", path);
    goto fail;
  }
  if (st.st_size > (off_t)MODEL_MAX_FILE_BYTES) {
    ld_err_at(L, n, "samples file '%s' is larger than %u bytes; sample it down", path,
              MODEL_MAX_FILE_BYTES);
    goto fail;
  }
  size_t cap = (size_t)st.st_size + 1, got = 0;
  content = malloc(cap + 1);
  if (!content) {
    ld_oom(L);
    goto fail;
  }
  for (;;) {
    ssize_t r = read(fd, content + got, cap - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      ld_err_at(L, n, "cannot read samples file '%s': %s", path, strerror(errno));
      goto fail;
    }
    if (r == 0) break;
    got += (size_t)r;
    if (got == cap) {   /* it grew while being read */
      ld_err_at(L, n, "samples file '%s' changed while it was read", path);
      goto fail;
    }
  }
  content[got] = '\0';
  *size = got;
  close(fd);
  return content;
fail:
  close(fd);
  free(content);
  return NULL;
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
      ld_oom(L);
      return NULL;
    }
    sc->inputs = ni;
    L->cap_inputs = nc;
  }
  model_input_file f;
  memset(&f, 0, sizeof f);
  f.name = ld_xstrdup(L, name);
  if (!f.name) return NULL;
  if (pin) {
    f.content = malloc(pin->size + 1);
    if (!f.content) {
      free(f.name);
      ld_oom(L);
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
  char *shown = NULL, *real = samples_path(L, n, base, &shown);
  if (real) f.content = read_regular(L, n, shown, real, &f.size);
  free(shown);
  free(real);
  if (!f.content) {
    free(f.name);
    return NULL;
  }
  sha256_hex(f.content, f.size, f.sha256);
  sc->inputs[sc->n_inputs++] = f;
  return &sc->inputs[sc->n_inputs - 1];
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
  if (ld_want_scalar(L, n, "file")) return -1;
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
        ld_oom(L);
        goto done;
      }
      v = nvp;
      cap = nc;
    }
    v[nv++] = s;
  }
  if (nv == 0) {
    ld_err_at(L, n, "samples file '%s' holds no durations; write one duration a line", path);
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
  ld_err_at(L, n, "this distribution reaches beyond 1000y at its 99.9999th percentile (%s); "
            "check the units%s", b, hint);
  model_dist_free(d);
  return -1;
}

/* The samples of an empirical distribution: `samples: [...]` or `file:`
** (exactly one); sets *rc to model_dist_set_empirical's status. Returns -1
** after reporting a problem with the keys or values. */
static int dist_empirical(loader *L, const ynode *n, model_dist *out, model_dist_error *e,
                          int *rc) {
  const ynode *sn = model_yaml_get(n, "samples"), *fn = model_yaml_get(n, "file");
  if ((sn != NULL) == (fn != NULL)) {
    ld_err_at(L, n, "an empirical distribution needs exactly one of 'samples: [5m, 7m, 12m]' "
              "or 'file: durations.csv'");
    return -1;
  }
  double *v = NULL;
  size_t nv = 0;
  if (sn) {
    if (ld_want_list(L, sn, "'samples'")) return -1;
    if (sn->n_items == 0) {
      ld_err_at(L, sn, "'samples' is empty; list at least one duration, as in [5m, 7m, 12m]");
      return -1;
    }
    v = ld_xcalloc(L, sn->n_items, sizeof *v);
    if (!v) return -1;
    int bad = 0;
    for (size_t i = 0; i < sn->n_items; i++)
      bad |= ld_get_duration(L, sn->items[i], "samples", &v[i]);
    nv = sn->n_items;
    if (bad) {
      free(v);
      return -1;
    }
  } else if (read_samples_file(L, fn, &v, &nv)) {
    return -1;
  }
  *rc = model_dist_set_empirical(out, v, nv, e);
  free(v);
  return 0;
}

/* The parameters of a distribution of this kind (the keys were checked):
** sets *rc to the model_dist_set_* status, e to its error. Returns -1 after
** reporting a missing or bad parameter. */
static int dist_params(loader *L, const ynode *n, int kind, model_dist *out, model_dist_error *e,
                       int *rc) {
  const char *kn = DIST_NAMES[kind];
  double a = 0, b = 0, c = 0;
  switch ((model_dist_kind)kind) {
  case MODEL_DIST_CONSTANT:
    if (need_param(L, n, "value", kn, "{dist: constant, value: 10m}", 1, &a)) return -1;
    *rc = model_dist_set_constant(out, a, e);
    break;
  case MODEL_DIST_EXPONENTIAL:
    if (need_param(L, n, "mean", kn, "{dist: exponential, mean: 30m}", 1, &a)) return -1;
    *rc = model_dist_set_exponential(out, a, e);
    break;
  case MODEL_DIST_LOGNORMAL: {
    int has_med = model_yaml_get(n, "median") || model_yaml_get(n, "p95");
    int has_mu = model_yaml_get(n, "mu") || model_yaml_get(n, "sigma");
    if (has_med && has_mu) {
      ld_err_at(L, n, "a lognormal distribution takes either 'median' and 'p95' or 'mu' and "
                "'sigma', not both; remove one pair");
      return -1;
    }
    if (has_mu) {
      int bad = need_param(L, n, "mu", kn, "{dist: lognormal, mu: 7.2, sigma: 0.6}", 0, &a);
      bad |= need_param(L, n, "sigma", kn, "{dist: lognormal, mu: 7.2, sigma: 0.6}", 0, &b);
      if (bad) return -1;
      *rc = model_dist_set_lognormal(out, a, b, e);
    } else {
      int bad = need_param(L, n, "median", kn, "{dist: lognormal, median: 20m, p95: 2h}", 1, &a);
      bad |= need_param(L, n, "p95", kn, "{dist: lognormal, median: 20m, p95: 2h}", 1, &b);
      if (bad) return -1;
      *rc = model_dist_set_lognormal_median_p95(out, a, b, e);
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
    *rc = kind == MODEL_DIST_WEIBULL ? model_dist_set_weibull(out, a, b, e)
                                     : model_dist_set_gamma(out, a, b, e);
    break;
  }
  case MODEL_DIST_NORMAL: {
    int bad = need_param(L, n, "mean", kn, "{dist: normal, mean: 30m, sd: 5m}", 1, &a);
    bad |= need_param(L, n, "sd", kn, "{dist: normal, mean: 30m, sd: 5m}", 1, &b);
    if (bad) return -1;
    *rc = model_dist_set_normal(out, a, b, e);
    break;
  }
  case MODEL_DIST_UNIFORM: {
    int bad = need_param(L, n, "min", kn, "{dist: uniform, min: 1m, max: 5m}", 1, &a);
    bad |= need_param(L, n, "max", kn, "{dist: uniform, min: 1m, max: 5m}", 1, &b);
    if (bad) return -1;
    *rc = model_dist_set_uniform(out, a, b, e);
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
    *rc = kind == MODEL_DIST_PERT ? model_dist_set_pert(out, a, b, c, e)
                                  : model_dist_set_triangular(out, a, b, c, e);
    break;
  }
  case MODEL_DIST_EMPIRICAL:
    return dist_empirical(L, n, out, e, rc);
  }
  return 0;
}

/* A distribution: a bare duration (constant) or a map with `dist:`. */
int ld_get_dist(loader *L, const ynode *n, const char *key, model_dist *out) {
  model_dist_free(out);
  if (n && n->kind == MODEL_YAML_SCALAR && (n->len > 0 || n->quoted)) {
    double v;
    if (ld_get_duration(L, n, key, &v)) return -1;
    return model_dist_set_constant(out, v, NULL);
  }
  if (!n || n->kind != MODEL_YAML_MAPPING) {
    char b[64];
    ld_err_at(L, n, "'%s' must be a duration such as 10m or a distribution map such as "
              "{dist: exponential, mean: 10m}, not %s", key, ld_describe(n, b, sizeof b));
    return -1;
  }
  const ynode *dn = model_yaml_get(n, "dist");
  if (!dn) {
    ld_err_at(L, n, "the distribution of '%s' needs 'dist:' (constant, exponential, lognormal, "
              "weibull, gamma, normal, uniform, triangular, pert or empirical), or write a "
              "single duration such as 10m", key);
    return -1;
  }
  int kind;
  if (ld_get_enum(L, dn, "distribution", DIST_NAMES, &kind)) return -1;
  char where[200];
  snprintf(where, sizeof where, "the %s distribution of '%s'", DIST_NAMES[kind], key);
  int before = L->errors;
  ld_check_keys(L, n, dist_keys((model_dist_kind)kind), where);
  if (L->errors != before) return -1;
  const ynode *un = model_yaml_get(n, "uncertainty");
  if (un) { /* checked here, used by drsim run --epistemic (models/uncertainty.h) */
    model_uncertainty u;
    const ynode *bad;
    char msg[240];
    if (model_uncertainty_read(un, (model_dist_kind)kind, &u, &bad, msg, sizeof msg)) {
      ld_err_at(L, bad, "%s", msg);
      return -1;
    }
  }
  model_dist_error e = {NULL, "", 0};
  int rc = 0;
  if (dist_params(L, n, kind, out, &e, &rc)) return -1;
  if (rc) {
    const ynode *at = e.param ? model_yaml_get(n, e.param) : NULL;
    ld_err_at(L, at ? at : n, "%s", e.text[0] ? e.text : "invalid distribution parameters");
    if (e.nomem) model_diag_set_nomem(L->diag);
    return -1;
  }
  return check_dist_tail(L, n, out);
}
