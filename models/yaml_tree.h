/*
** models/yaml_tree.h — YAML text to a small tree of scalars, sequences and
** mappings, each node carrying where it was written (line and column,
** 1-based). The only module that talks to libyaml: the scenario loader and
** the --set overrides work on this tree and never see YAML events.
**
** Hostile input is bounded: nesting depth, total node count (aliases are
** expanded into copies and count against it, so "billion laughs" is refused,
** not expanded), scalar length and anchor count are limited, and syntax
** errors become diagnostics at libyaml's problem mark.
**
** Nodes live in an arena owned by the model_yaml_doc; they are freed all at
** once with model_yaml_free(). A node's `src` says which text it came from:
** 0 for the file, k >= 1 for the k-th --set override, so diagnostics can name
** the right place (see model_yaml_where()).
*/
#ifndef DRSIM_MODELS_YAML_TREE_H
#define DRSIM_MODELS_YAML_TREE_H

#include <stddef.h>
#include "models/diag.h"

#define MODEL_YAML_MAX_DEPTH 64
#define MODEL_YAML_MAX_NODES 1000000
#define MODEL_YAML_MAX_SCALAR (64u << 10)  /* bytes in one scalar */
#define MODEL_YAML_MAX_ANCHORS 1000

typedef enum model_yaml_kind {
  MODEL_YAML_SCALAR = 0, MODEL_YAML_SEQUENCE, MODEL_YAML_MAPPING
} model_yaml_kind;

typedef struct model_yaml_node model_yaml_node;

typedef struct model_yaml_pair {
  model_yaml_node *key;       /* always a scalar */
  model_yaml_node *value;
} model_yaml_pair;

struct model_yaml_node {
  model_yaml_kind kind;
  int line, col;              /* 1-based, in the text named by src */
  int src;                    /* 0: the scenario text; k >= 1: override k */
  int quoted;                 /* scalar: written quoted or as a block (not plain) */
  const char *str;            /* scalar: NUL-terminated, no embedded NUL */
  size_t len;                 /* scalar: strlen(str) */
  model_yaml_node **items;    /* sequence */
  size_t n_items;
  model_yaml_pair *pairs;     /* mapping, in the order written; keys unique */
  size_t n_pairs;
};

typedef struct model_yaml_doc model_yaml_doc;

/* Parse `text` (len bytes, need not be NUL-terminated). `file` names it in
** diagnostics. Returns 0 and *out, whose root is NULL when the text holds no
** document at all (empty or only comments). On any error returns -1, *out =
** NULL, and diag holds every problem (at least one) as file:line:col.
** A second document in the same text is an error. */
int model_yaml_parse(const char *text, size_t len, const char *file,
                     model_yaml_doc **out, model_diag *diag);

void model_yaml_free(model_yaml_doc *doc);   /* NULL is a no-op */

/* The document's root node (NULL for an empty document); borrowed. */
model_yaml_node *model_yaml_root(const model_yaml_doc *doc);

/* Parse `text` as a single YAML value (a scalar such as "10m", or a flow
** collection "[a, b]", "{dist: exponential, mean: 5m}") into nodes owned by
** doc, all tagged src. An empty text gives an empty plain scalar. Returns the
** node, or NULL with a diagnostic at ("--set", 0, src) on error. */
model_yaml_node *model_yaml_parse_value(model_yaml_doc *doc, const char *text,
                                        int src, model_diag *diag);

/* Make an empty mapping node owned by doc (NULL when out of memory). */
model_yaml_node *model_yaml_new_mapping(model_yaml_doc *doc, int src);

/* Make a plain scalar node owned by doc from `len` bytes of `text`. */
model_yaml_node *model_yaml_new_scalar(model_yaml_doc *doc, const char *text,
                                       size_t len, int src);

/* Append key -> value to a mapping (the caller has checked the key is not
** there). Returns 0, or -1 when out of memory. */
int model_yaml_map_append(model_yaml_doc *doc, model_yaml_node *map,
                          model_yaml_node *key, model_yaml_node *value);

/* The value under `key` in a mapping, or NULL (also when map is NULL or not
** a mapping). model_yaml_get_pair() returns the pair instead. */
model_yaml_node *model_yaml_get(const model_yaml_node *map, const char *key);
model_yaml_pair *model_yaml_get_pair(const model_yaml_node *map, const char *key);

/* Where a node was written, for diagnostics: (file, line, col) for nodes of
** the scenario text, ("--set", 0, k) for nodes of the k-th override. */
void model_yaml_where(const model_yaml_node *node, const char *file,
                      const char **out_file, int *line, int *col);

/* "a scalar", "a list" or "a map", for messages. */
const char *model_yaml_kind_name(model_yaml_kind kind);

#endif
