/*
** cli/serve_params.c — the controls `drsim serve` offers and the check of
** a request's overrides (see serve_params.h).
*/
#include "cli/serve_params.h"
#include "models/override.h"
#include "models/params.h"
#include "models/units.h"
#include "models/yaml_tree.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cli_serve_params {
  cli_serve_param *items;
  size_t n, cap;
  int failed;
};

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static char *fmt(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int len = vsnprintf(NULL, 0, f, ap);
  va_end(ap);
  if (len < 0) return NULL;
  char *s = malloc((size_t)len + 1);
  if (!s) return NULL;
  va_start(ap, f);
  vsnprintf(s, (size_t)len + 1, f, ap);
  va_end(ap);
  return s;
}

/* Does path start with prefix + name + "."? Returns the length matched. */
static size_t under(const char *path, const char *prefix, const char *name) {
  size_t a = strlen(prefix), b = strlen(name);
  if (strncmp(path, prefix, a) != 0 || strncmp(path + a, name, b) != 0 || path[a + b] != '.')
    return 0;
  return a + b + 1;
}

static const char *env_name(const model_scenario *sc, int env) {
  return env >= 0 && (size_t)env < sc->n_environments ? sc->environments[env].name : "shared";
}

/* Group, owner and label of a path (the longest matching name wins, since
** names may contain dots). */
static void locate(const model_scenario *sc, const char *path, char **group, char **owner,
                   char **label) {
  size_t best = 0;
  const char *g = "shared";
  char *o = NULL;
  for (size_t i = 0; i < sc->n_components; i++) {
    size_t m = under(path, "components.", sc->components[i].name);
    if (m > best) {
      best = m;
      g = env_name(sc, sc->components[i].environment);
      free(o);
      o = fmt("component %s", sc->components[i].name);
    }
  }
  for (size_t i = 0; i < sc->n_standby; i++) {
    size_t m = under(path, "standby.", sc->standby[i].name);
    if (m > best) {
      best = m;
      g = env_name(sc, sc->standby[i].environment);
      free(o);
      o = fmt("pool %s", sc->standby[i].name);
    }
  }
  for (size_t e = 0; e < sc->n_environments; e++) {
    const char *en = sc->environments[e].name;
    size_t m = under(path, "objectives.", en);
    if (m > best) {
      best = m;
      g = en;
      free(o);
      o = dupstr("objectives");
    }
  }
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    const char *en = env_name(sc, wf->environment);
    size_t m = under(path, "workflows.", en);
    if (m <= best) continue;
    size_t step_best = 0;
    for (size_t s = 0; s < wf->n_steps; s++) {
      size_t k = under(path + m, "steps.", wf->steps[s].name);
      if (k > step_best) {
        step_best = k;
        free(o);
        o = fmt("step %s", wf->steps[s].name);
      }
    }
    g = en;
    best = m + step_best;
    if (!step_best) {
      free(o);
      o = dupstr("workflow");
    }
  }
  if (!best) {
    const char *dot = strchr(path, '.');
    best = dot ? (size_t)(dot - path) + 1 : 0;
    free(o);
    o = dot ? fmt("%.*s", (int)(dot - path), path) : dupstr(path);
  }
  *group = dupstr(g);
  *owner = o;
  *label = dupstr(path + best);
}

static void add(cli_serve_params *p, const model_scenario *sc, const char *path,
                cli_serve_param_kind kind, const char *text, double value, double min,
                double max, int used) {
  if (p->failed || cli_serve_params_find(p, path) >= 0) return;
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 64;
    cli_serve_param *bigger = realloc(p->items, cap * sizeof *bigger);
    if (!bigger) {
      p->failed = 1;
      return;
    }
    p->items = bigger;
    p->cap = cap;
  }
  cli_serve_param *it = &p->items[p->n];
  memset(it, 0, sizeof *it);
  it->path = dupstr(path);
  it->text = dupstr(text);
  it->kind = kind;
  it->value = value;
  it->min = min;
  it->max = max;
  it->used = used;
  locate(sc, path, &it->group, &it->owner, &it->label);
  p->n++;
  if (!it->path || !it->text || !it->group || !it->owner || !it->label) p->failed = 1;
}

/* A positive quantity: offered from a quarter to four times its value. */
static void add_scaled(cli_serve_params *p, const model_scenario *sc, const char *path,
                       cli_serve_param_kind kind, const char *text, double v, int used) {
  if (!(v >= 0) || !isfinite(v)) return;
  double lo = v / 4, hi = v * 4;
  if (v == 0) hi = kind == CLI_SERVE_PARAM_DURATION ? 3600 : 1;
  add(p, sc, path, kind, text, v, lo, hi, used);
}

/* The leaves of one sensitivity parameter, from how it is written. */
static void add_param(cli_serve_params *p, const model_scenario *sc, const model_yaml_doc *doc,
                      const model_param *mp) {
  const model_yaml_node *n = model_override_find(doc, mp->path);
  if (!n) return;   /* a default: nothing written to move */
  double v;
  if (n->kind == MODEL_YAML_SCALAR) {
    if (model_units_parse_duration(n->str, &v, NULL) == 0)
      add_scaled(p, sc, mp->path, CLI_SERVE_PARAM_DURATION, n->str, v, mp->used);
    return;
  }
  if (n->kind != MODEL_YAML_MAPPING) return;
  for (size_t i = 0; i < n->n_pairs; i++) {
    const char *key = n->pairs[i].key->str;
    const model_yaml_node *val = n->pairs[i].value;
    if (val->kind != MODEL_YAML_SCALAR || !strcmp(key, "dist")) continue;
    char *path = fmt("%s.%s", mp->path, key);
    if (!path) {
      p->failed = 1;
      return;
    }
    char *end;
    if (model_units_parse_duration(val->str, &v, NULL) == 0 &&
        strcmp(key, "sigma") && strcmp(key, "shape")) {
      add_scaled(p, sc, path, CLI_SERVE_PARAM_DURATION, val->str, v, mp->used);
    } else if ((v = strtod(val->str, &end)), end != val->str && *end == '\0') {
      add_scaled(p, sc, path, CLI_SERVE_PARAM_NUMBER, val->str, v, mp->used);
    }
    free(path);
  }
}

/* A count or probability written at path. */
static void add_leaf(cli_serve_params *p, const model_scenario *sc, const model_yaml_doc *doc,
                     const char *path, cli_serve_param_kind kind, double min, double max,
                     int used) {
  const model_yaml_node *n = model_override_find(doc, path);
  if (!n || n->kind != MODEL_YAML_SCALAR) return;
  double v;
  char *end;
  if (kind == CLI_SERVE_PARAM_DURATION) {
    if (model_units_parse_duration(n->str, &v, NULL)) return;
  } else if (kind == CLI_SERVE_PARAM_PROBABILITY) {
    if (model_units_parse_fraction(n->str, &v, NULL)) return;
  } else {
    v = strtod(n->str, &end);
    if (end == n->str || *end) return;
  }
  if (v < min) min = v;
  if (v > max) max = v;
  add(p, sc, path, kind, n->str, v, min, max, used);
}

cli_serve_params *cli_serve_params_new(const char *text, model_scenario *sc) {
  cli_serve_params *p = calloc(1, sizeof *p);
  model_diag *diag = model_diag_new();
  model_yaml_doc *doc = NULL;
  model_params *mp = NULL;
  if (!p || !diag || model_yaml_parse(text, strlen(text), "scenario", &doc, diag) ||
      !(mp = model_params_new(sc))) {
    model_diag_free(diag);
    model_yaml_free(doc);
    cli_serve_params_free(p);
    return NULL;
  }
  char path[1024];
  for (size_t e = 0; e < sc->n_environments; e++) {
    const char *en = sc->environments[e].name;
    snprintf(path, sizeof path, "objectives.%s.rto", en);
    add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_DURATION, 0, 0, 1);
    if (p->n && !strcmp(p->items[p->n - 1].path, path)) {
      cli_serve_param *it = &p->items[p->n - 1];
      it->min = it->value / 4;
      it->max = it->value * 4;
    }
    snprintf(path, sizeof path, "objectives.%s.rpo", en);
    add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_DURATION, 0, 0, 1);
    if (p->n && !strcmp(p->items[p->n - 1].path, path)) {
      cli_serve_param *it = &p->items[p->n - 1];
      it->min = it->value / 4;
      it->max = it->value * 4;
    }
  }
  for (size_t i = 0; i < sc->n_components; i++) {
    const model_component *c = &sc->components[i];
    if (c->replication.mode == MODEL_REPL_PERIODIC) {
      snprintf(path, sizeof path, "components.%s.replication.failure_probability", c->name);
      add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_PROBABILITY, 0, 0.5, 1);
    }
  }
  for (size_t i = 0; i < sc->n_standby; i++) {
    const model_standby *b = &sc->standby[i];
    double req = b->required_nodes;
    snprintf(path, sizeof path, "standby.%s.warm_nodes", b->name);
    add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_COUNT, 0, req, 1);
    snprintf(path, sizeof path, "standby.%s.required_nodes", b->name);
    add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_COUNT, 1, req * 2 > req + 5 ? req * 2 : req + 5, 1);
    snprintf(path, sizeof path, "standby.%s.service_nodes", b->name);
    add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_COUNT, 1, req, 1);
    snprintf(path, sizeof path, "standby.%s.max_parallel", b->name);
    add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_COUNT, 1, req > 8 ? req : 8, 1);
    snprintf(path, sizeof path, "standby.%s.capacity_shortage.probability", b->name);
    add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_PROBABILITY, 0, 0.5, 1);
  }
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    const char *en = env_name(sc, wf->environment);
    for (size_t s = 0; s < wf->n_steps; s++) {
      const model_step *st = &wf->steps[s];
      snprintf(path, sizeof path, "workflows.%s.steps.%s.failure_probability", en, st->name);
      add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_PROBABILITY, 0, 0.5, 1);
      snprintf(path, sizeof path, "workflows.%s.steps.%s.retry.max", en, st->name);
      add_leaf(p, sc, doc, path, CLI_SERVE_PARAM_COUNT, 0, st->retry_max > 5 ? 2 * st->retry_max : 10, 1);
    }
  }
  for (size_t i = 0; i < model_params_count(mp); i++)
    add_param(p, sc, doc, model_params_get(mp, i));
  model_params_free(mp);
  model_yaml_free(doc);
  model_diag_free(diag);
  if (p->failed) {
    cli_serve_params_free(p);
    return NULL;
  }
  return p;
}

void cli_serve_params_free(cli_serve_params *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) {
    free(p->items[i].path);
    free(p->items[i].text);
    free(p->items[i].group);
    free(p->items[i].owner);
    free(p->items[i].label);
  }
  free(p->items);
  free(p);
}

size_t cli_serve_params_count(const cli_serve_params *p) { return p->n; }

const cli_serve_param *cli_serve_params_get(const cli_serve_params *p, size_t i) {
  return i < p->n ? &p->items[i] : NULL;
}

int cli_serve_params_find(const cli_serve_params *p, const char *path) {
  for (size_t i = 0; i < p->n; i++)
    if (p->items[i].path && strcmp(p->items[i].path, path) == 0) return (int)i;
  return -1;
}

int cli_serve_params_check(const cli_serve_params *p, const char *path, const char *value,
                           char *err, size_t n) {
  if (cli_serve_params_find(p, path) < 0) {
    const char **names = malloc((p->n + 1) * sizeof *names);
    const char *best = NULL;
    if (names) {
      for (size_t i = 0; i < p->n; i++) names[i] = p->items[i].path;
      best = strlen(path) <= 256 ? model_diag_suggest(path, names, p->n) : NULL;
    }
    if (best)
      snprintf(err, n, "unknown parameter '%.200s'; did you mean '%s'?", path, best);
    else
      snprintf(err, n, "unknown parameter '%.200s'; GET /api/scenario lists the parameters "
               "this page can change", path);
    free(names);
    return -1;
  }
  size_t len = strlen(value);
  if (len == 0 || len > CLI_SERVE_MAX_VALUE) {
    snprintf(err, n, "%s: give a value of 1 to %d characters, as in 45m, 0.15 or 3", path,
             CLI_SERVE_MAX_VALUE);
    return -1;
  }
  for (size_t i = 0; i < len; i++) {
    char c = value[i];
    int ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             c == '.' || c == '%' || c == '+' || c == '-' || c == '_';
    if (!ok) {
      snprintf(err, n, "%s: '%.*s' is not a plain number or duration; write it as in 45m, "
               "1h30m, 0.15, 99.9%% or 3", path, (int)len, value);
      return -1;
    }
  }
  return 0;
}

static const char *kind_name(cli_serve_param_kind k) {
  switch (k) {
    case CLI_SERVE_PARAM_DURATION: return "duration";
    case CLI_SERVE_PARAM_COUNT: return "count";
    case CLI_SERVE_PARAM_PROBABILITY: return "probability";
    case CLI_SERVE_PARAM_NUMBER: return "number";
  }
  return "number";
}

json_t *cli_serve_params_json(const cli_serve_params *p) {
  json_t *a = json_array();
  if (!a) return NULL;
  for (size_t i = 0; i < p->n; i++) {
    const cli_serve_param *it = &p->items[i];
    json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:f, s:f, s:s, s:s, s:s, s:b}", "path", it->path,
                          "kind", kind_name(it->kind), "text", it->text, "value", it->value,
                          "min", it->min, "max", it->max, "group", it->group, "owner",
                          it->owner, "label", it->label, "used", it->used);
    if (!o || json_array_append_new(a, o)) {
      json_decref(a);
      return NULL;
    }
  }
  return a;
}
