/*
** models/scenario_load.c — YAML tree to a validated model_scenario: the entry
** points (models/scenario.h) and the order of the sections.
**
** Reading goes file -> models/yaml_tree (syntax, limits) -> models/override
** (--set) -> the loader, which walks the tree once per section, converts every
** value with models/units and models/dist, resolves names to indexes and
** checks the cross references and graphs. It reports every problem it can
** find in one pass, like a compiler: a bad value is reported and replaced by
** a harmless default so that the checks after it still run. Locations follow
** one rule: a bad value is reported at the value, an unknown key at the key,
** a missing key at the map that lacks it.
**
** The loader's files (shared context in models/load_internal.h):
**   load_yaml.c       diagnostics and typed getters (file:line:col)
**   load_names.c      the name index, forward names of a list
**   load_dist.c       distributions and empirical `file:` samples
**   load_sections.c   objectives, regions, components, standby pools
**   load_workflows.c  workflows, steps, needs, if_lost, failover by
**   load_graph.c      the generic graph and its cycle checks
**   load_events.c     top-level scalars, disaster, oncall, lifetime
**   scenario_load.c   this file: load_tree's order, stream ids, hashing,
**                     reading the file
**
** Order of the sections: top-level scalars, objectives (they define the
** environments), regions, the names of components, standby pools and
** workflow steps (so references may point forward), then the details of
** each, then the graphs (depends_on, needs, and the failovers that wait on
** steps), stream ids and the flattened step offsets.
*/
#include "models/scenario.h"
#include "models/costs.h"
#include "models/load_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models/override.h"
#include "models/unused.h"
#include "sim/rng.h"

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
  for (size_t i = 0; i < sc->n_common_causes; i++) {
    snprintf(buf, sizeof buf, "common_cause:%s", sc->common_causes[i].name);
    sc->common_causes[i].stream = sim_rng_stream_id(buf);
  }
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
    ld_oom(L);
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
    ld_err_at(L, NULL, "the scenario is empty; start with 'version: 1' and 'name: ...' "
              "(see scenarios/README.md)");
    return;
  }
  if (root->kind != MODEL_YAML_MAPPING) {
    char b[64];
    ld_err_at(L, root, "this is not a drsim scenario: the top level must be a map of keys "
              "(version, name, objectives, regions, ...), not %s", ld_describe(root, b, sizeof b));
    return;
  }
  ld_load_top(L, root);
  ld_load_objectives(L, root);
  ld_load_regions(L, root, &rix);
  ld_load_components(L, root, &rix, &cix);
  ld_load_standby(L, root, &rix, &pix);
  ld_load_workflows(L, root, &pix, &cix);
  ld_load_disaster(L, root, &rix, &cix);
  ld_load_oncall(L, root);
  ld_load_people(L, root);
  ld_load_lifetime(L, root);
  ld_check_lifetime_events(L, root);
  ld_resolve_needs_ext(L);
  ld_load_common_causes(L, root, &pix);
  ld_resolve_if_lost(L, &rix, &cix);
  ld_resolve_failover_by(L);
  ld_check_depends_on(L);
  size_t off = 0;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    sc->workflows[w].step_offset = off;
    off += sc->workflows[w].n_steps;
    ld_check_needs(L, w);
  }
  sc->n_steps_total = off;
  ld_check_after_restore(L);
  /* The graph over workflows is only meaningful once each one is sound. */
  if (L->errors == errors_before) ld_check_waits(L);
  if (L->errors == 0) assign_streams(sc);
  ld_ix_free(&rix);
  ld_ix_free(&cix);
  ld_ix_free(&pix);
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
    ld_oom(&L);
    model_yaml_free(doc);
    return -1;
  }
  L.dir = dir_of(source);
  L.sc->source = ld_xstrdup(&L, file);
  load_tree(&L, model_yaml_root(doc));
  if (!L.errors) L.errors += model_costs_load(model_yaml_root(doc), L.sc, file, diag);
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
