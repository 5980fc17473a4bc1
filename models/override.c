/*
** models/override.c — apply `--set key.path=value` to a scenario's YAML tree
** (see models/override.h for the path rules and what is an error).
*/
#include "models/override.h"
#include <errno.h>

#include <stdlib.h>
#include <string.h>

#define NAMES_SHOWN 8   /* list at most this many names in a hint */

/* The name a list item is addressed by: `name`, else `environment`. */
static const char *item_name(const model_yaml_node *item) {
  const model_yaml_node *v = model_yaml_get(item, "name");
  if (!v) v = model_yaml_get(item, "environment");
  return v && v->kind == MODEL_YAML_SCALAR ? v->str : NULL;
}

/* Does `name` match the start of rest as a whole segment (followed by '.' or
** the end)? Returns its length, or 0. */
static size_t match_len(const char *rest, const char *name) {
  size_t n = strlen(name);
  if (n == 0 || strncmp(rest, name, n) != 0) return 0;
  return rest[n] == '\0' || rest[n] == '.' ? n : 0;
}

static int all_digits(const char *s, size_t n) {
  if (n == 0 || n > 9) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

/* Report "no item named X in LIST" with a hint from the item names. */
static void no_such_item(const model_yaml_node *seq, const char *override, int k,
                         const char *where, const char *seg, size_t seg_len,
                         model_diag *diag) {
  const char **names = malloc((seq->n_items + 1) * sizeof *names);
  size_t n = 0;
  if (names)
    for (size_t i = 0; i < seq->n_items; i++) {
      const char *nm = item_name(seq->items[i]);
      if (nm) names[n++] = nm;
    }
  char *word = malloc(seg_len + 1);
  if (word) {
    memcpy(word, seg, seg_len);
    word[seg_len] = '\0';
  }
  const char *best = names && word ? model_diag_suggest(word, names, n) : NULL;
  char hint[512] = "";
  if (best) {
    snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
  } else if (n > 0) {
    size_t off = (size_t)snprintf(hint, sizeof hint, "; the items are");
    for (size_t i = 0; i < n && i < NAMES_SHOWN && off < sizeof hint; i++)
      off += (size_t)snprintf(hint + off, sizeof hint - off, "%s '%s'", i ? "," : "", names[i]);
    if (n > NAMES_SHOWN && off < sizeof hint) snprintf(hint + off, sizeof hint - off, ", ...");
  } else {
    snprintf(hint, sizeof hint, "; the list has no named items");
  }
  model_diag_add(diag, "--set", 0, k, "override '%s': %s has no item named '%.*s'%s",
                 override, where, (int)seg_len, seg, hint);
  free(word);
  free(names);
}

int model_override_apply_one(model_yaml_doc *doc, const char *override, int k,
                             model_diag *diag) {
  const char *eq = strchr(override, '=');
  if (!eq) {
    model_diag_add(diag, "--set", 0, k, "override '%s' has no '='; write key.path=value, "
                   "as in standby.aks-prod-dr.warm_nodes=3", override);
    return -1;
  }
  size_t plen = (size_t)(eq - override);
  char *path = malloc(plen + 1);
  if (!path) {
    model_diag_add(diag, "--set", 0, k, "out of memory");
    model_diag_set_nomem(diag);
    return -1;
  }
  memcpy(path, override, plen);
  path[plen] = '\0';
  int rc = -1;
  for (size_t i = 0; i <= plen; i++) {
    int boundary = i == plen || path[i] == '.';
    int empty = boundary && (i == 0 || path[i - 1] == '.');
    if (empty) {
      model_diag_add(diag, "--set", 0, k, "override '%s': the key path has an empty part; "
                     "separate keys with a single '.', as in objectives.production.rto=2h",
                     override);
      goto done;
    }
  }
  model_yaml_node *node = model_yaml_root(doc);
  if (!node || node->kind != MODEL_YAML_MAPPING) {
    model_diag_add(diag, "--set", 0, k, "override '%s' cannot be applied: the scenario is "
                   "not a map of keys", override);
    goto done;
  }
  model_yaml_node *value = model_yaml_parse_value(doc, eq + 1, k, diag);
  if (!value) goto done;

  const char *rest = path;
  for (;;) {
    /* `where` is the path walked so far, for messages. */
    int where_len = rest == path ? 0 : (int)(rest - path - 1);
    char where[300];
    if (where_len == 0)
      snprintf(where, sizeof where, "the top level");
    else
      snprintf(where, sizeof where, "'%.*s'", where_len, path);

    if (node->kind == MODEL_YAML_MAPPING) {
      model_yaml_pair *hit = NULL;
      size_t hit_len = 0;
      for (size_t i = 0; i < node->n_pairs; i++) {
        size_t m = match_len(rest, node->pairs[i].key->str);
        if (m > hit_len) {
          hit = &node->pairs[i];
          hit_len = m;
        }
      }
      if (hit) {
        if (rest[hit_len] == '\0') {
          hit->value = value;
          rc = 0;
          goto done;
        }
        node = hit->value;
        rest += hit_len + 1;
        continue;
      }
      /* Not there: create it. The validator reports it if it is no valid key. */
      const char *dot = strchr(rest, '.');
      size_t seg_len = dot ? (size_t)(dot - rest) : strlen(rest);
      errno = 0;   /* malloc sets ENOMEM; the node limit does not */
      model_yaml_node *key = model_yaml_new_scalar(doc, rest, seg_len, k);
      model_yaml_node *child = dot ? model_yaml_new_mapping(doc, k) : value;
      if (!key || !child || model_yaml_map_append(doc, node, key, child)) {
        model_diag_add(diag, "--set", 0, k, "override '%s': out of memory or too many "
                       "YAML nodes", override);
        if (errno == ENOMEM) model_diag_set_nomem(diag);
        goto done;
      }
      if (!dot) {
        rc = 0;
        goto done;
      }
      node = child;
      rest = dot + 1;
    } else if (node->kind == MODEL_YAML_SEQUENCE) {
      size_t hit = (size_t)-1, hit_len = 0;
      for (size_t i = 0; i < node->n_items; i++) {
        const char *nm = item_name(node->items[i]);
        size_t m = nm ? match_len(rest, nm) : 0;
        if (m > hit_len) {
          hit = i;
          hit_len = m;
        }
      }
      const char *dot = strchr(rest, '.');
      size_t seg_len = dot ? (size_t)(dot - rest) : strlen(rest);
      if (hit == (size_t)-1 && all_digits(rest, seg_len) &&
          (size_t)atol(rest) < node->n_items) {
        hit = (size_t)atol(rest);
        hit_len = seg_len;
      }
      if (hit == (size_t)-1) {
        no_such_item(node, override, k, where, rest, seg_len, diag);
        goto done;
      }
      if (rest[hit_len] == '\0') {
        node->items[hit] = value;
        rc = 0;
        goto done;
      }
      node = node->items[hit];
      rest += hit_len + 1;
    } else {
      const char *dot = strchr(rest, '.');
      int seg_len = dot ? (int)(dot - rest) : (int)strlen(rest);
      model_diag_add(diag, "--set", 0, k, "override '%s': %s is a single value, so it has "
                     "no '%.*s'; set '%.*s=...' itself", override, where, seg_len, rest,
                     where_len, path);
      goto done;
    }
  }
done:
  free(path);
  return rc;
}

int model_override_apply(model_yaml_doc *doc, const char *const *overrides, size_t n,
                         model_diag *diag) {
  int failed = 0;
  for (size_t i = 0; i < n; i++) {
    if (!overrides[i]) continue;
    if (model_override_apply_one(doc, overrides[i], (int)i + 1, diag)) failed++;
  }
  return failed;
}

/* Walk node, whose path is buf[0..len); buf grows as needed. */
typedef struct path_walk {
  char *buf;
  size_t cap;
  int (*fn)(void *ctx, const char *path, int is_leaf);
  void *ctx;
} path_walk;

static int walk_child(path_walk *w, size_t len, const char *seg, size_t seg_len,
                      const model_yaml_node *child, int depth);

static int walk(path_walk *w, size_t len, const model_yaml_node *node, int depth) {
  if (!node || depth > MODEL_YAML_MAX_DEPTH) return 0;
  if (node->kind == MODEL_YAML_MAPPING) {
    for (size_t i = 0; i < node->n_pairs; i++) {
      const model_yaml_node *k = node->pairs[i].key;
      int rc = walk_child(w, len, k->str, k->len, node->pairs[i].value, depth);
      if (rc) return rc;
    }
  } else if (node->kind == MODEL_YAML_SEQUENCE) {
    for (size_t i = 0; i < node->n_items; i++) {
      const char *nm = item_name(node->items[i]);
      char idx[24];
      if (!nm) {
        snprintf(idx, sizeof idx, "%zu", i);
        nm = idx;
      }
      int rc = walk_child(w, len, nm, strlen(nm), node->items[i], depth);
      if (rc) return rc;
    }
  }
  return 0;
}

static int walk_child(path_walk *w, size_t len, const char *seg, size_t seg_len,
                      const model_yaml_node *child, int depth) {
  size_t need = len + 1 + seg_len + 1;
  if (need > w->cap) {
    size_t cap = need * 2;
    char *b = realloc(w->buf, cap);
    if (!b) return -1;
    w->buf = b;
    w->cap = cap;
  }
  size_t n = len;
  if (n) w->buf[n++] = '.';
  memcpy(w->buf + n, seg, seg_len);
  n += seg_len;
  w->buf[n] = '\0';
  int rc = w->fn(w->ctx, w->buf, child && child->kind == MODEL_YAML_SCALAR);
  if (rc) return rc;
  return walk(w, n, child, depth + 1);
}

int model_override_paths(const model_yaml_node *root,
                         int (*fn)(void *ctx, const char *path, int is_leaf), void *ctx) {
  path_walk w = {NULL, 0, fn, ctx};
  int rc = walk(&w, 0, root, 0);
  free(w.buf);
  return rc;
}

const model_yaml_node *model_override_find(const model_yaml_doc *doc, const char *path) {
  const model_yaml_node *node = model_yaml_root(doc);
  const char *rest = path;
  if (!node || !*path) return NULL;
  for (;;) {
    size_t hit_len = 0;
    const model_yaml_node *next = NULL;
    if (node->kind == MODEL_YAML_MAPPING) {
      for (size_t i = 0; i < node->n_pairs; i++) {
        size_t m = match_len(rest, node->pairs[i].key->str);
        if (m > hit_len) {
          hit_len = m;
          next = node->pairs[i].value;
        }
      }
    } else if (node->kind == MODEL_YAML_SEQUENCE) {
      for (size_t i = 0; i < node->n_items; i++) {
        const char *nm = item_name(node->items[i]);
        size_t m = nm ? match_len(rest, nm) : 0;
        if (m > hit_len) {
          hit_len = m;
          next = node->items[i];
        }
      }
      const char *dot = strchr(rest, '.');
      size_t seg_len = dot ? (size_t)(dot - rest) : strlen(rest);
      if (!next && all_digits(rest, seg_len) && (size_t)atol(rest) < node->n_items) {
        next = node->items[atol(rest)];
        hit_len = seg_len;
      }
    }
    if (!next) return NULL;
    if (rest[hit_len] == '\0') return next;
    node = next;
    rest += hit_len + 1;
  }
}
