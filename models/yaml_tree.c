/*
** models/yaml_tree.c — libyaml events to the node tree of models/yaml_tree.h.
**
** The builder keeps an explicit stack of open collections (no recursion over
** the input, so depth is checked before anything grows) and one shared
** "pending" vector of finished child nodes: a collection's children are the
** slice pushed since it opened, copied into the arena when it closes. Aliases
** are expanded into copies, and every node, copied or not, counts against
** MODEL_YAML_MAX_NODES, so an alias bomb stops at the limit with an error.
*/
#include "models/yaml_tree.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- arena ------------------------------------------------------------ */

typedef struct arena_block {
  struct arena_block *next;
  size_t used, size;
  /* data follows, aligned */
} arena_block;

#define ARENA_ALIGN 16u
#define ARENA_BLOCK (64u << 10)
#define ARENA_HDR ((sizeof(arena_block) + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN)

struct model_yaml_doc {
  arena_block *blocks;
  model_yaml_node *root;
  size_t n_nodes;           /* against MODEL_YAML_MAX_NODES, overrides included */
};

/* Zeroed memory from the arena; NULL when out of memory. */
static void *arena_alloc(model_yaml_doc *doc, size_t n) {
  n = (n + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
  if (n == 0) n = ARENA_ALIGN;
  arena_block *b = doc->blocks;
  if (!b || b->size - b->used < n) {
    size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
    arena_block *nb = malloc(ARENA_HDR + size);
    if (!nb) return NULL;
    nb->used = 0;
    nb->size = size;
    if (b && size != ARENA_BLOCK) {
      /* A big one-off allocation: keep the current block for small ones. */
      nb->next = b->next;
      b->next = nb;
    } else {
      nb->next = b;
      doc->blocks = nb;
    }
    b = nb;
  }
  char *p = (char *)b + ARENA_HDR + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

void model_yaml_free(model_yaml_doc *doc) {
  if (!doc) return;
  arena_block *b = doc->blocks;
  while (b) {
    arena_block *next = b->next;
    free(b);
    b = next;
  }
  free(doc);
}

model_yaml_node *model_yaml_root(const model_yaml_doc *doc) {
  return doc ? doc->root : NULL;
}

const char *model_yaml_kind_name(model_yaml_kind kind) {
  switch (kind) {
  case MODEL_YAML_SCALAR: return "a single value";
  case MODEL_YAML_SEQUENCE: return "a list";
  case MODEL_YAML_MAPPING: return "a map";
  }
  return "?";
}

void model_yaml_where(const model_yaml_node *node, const char *file,
                      const char **out_file, int *line, int *col) {
  if (node && node->src > 0) {
    *out_file = "--set";
    *line = 0;
    *col = node->src;
  } else {
    *out_file = file;
    *line = node ? node->line : 0;
    *col = node ? node->col : 0;
  }
}

/* ---- builder ---------------------------------------------------------- */

typedef struct frame {
  model_yaml_node *node;
  size_t start;             /* first child's index in pending */
  const char *anchor;       /* arena copy, or NULL */
} frame;

typedef struct anchor {
  const char *name;
  model_yaml_node *node;
} anchor;

typedef struct builder {
  model_yaml_doc *doc;
  model_diag *diag;
  const char *file;         /* for messages */
  int src;                  /* 0 file, k override */
  frame stack[MODEL_YAML_MAX_DEPTH];
  int depth;
  model_yaml_node **pending;
  size_t n_pending, cap_pending;
  anchor anchors[MODEL_YAML_MAX_ANCHORS];
  size_t n_anchors;
  model_yaml_node *root;
  int n_docs;
  int errors;               /* anything reported: the result is refused */
  int fatal;                /* stop reading events */
} builder;

#if defined(__GNUC__)
#define B_PRINTF __attribute__((format(printf, 3, 4)))
#else
#define B_PRINTF
#endif

static void b_verror(builder *b, const yaml_mark_t *mark, const char *fmt, va_list ap) {
  char msg[768];
  vsnprintf(msg, sizeof msg, fmt, ap);
  b->errors++;
  if (b->src > 0)
    model_diag_add(b->diag, "--set", 0, b->src, "%s", msg);
  else
    model_diag_add(b->diag, b->file, mark ? (int)mark->line + 1 : 0,
                   mark ? (int)mark->column + 1 : 0, "%s", msg);
}

static void b_error(builder *b, const yaml_mark_t *mark, const char *fmt, ...) B_PRINTF;
static void b_error(builder *b, const yaml_mark_t *mark, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  b_verror(b, mark, fmt, ap);
  va_end(ap);
}

/* An error after which the rest of the text is not read. */
static void b_fatal(builder *b, const yaml_mark_t *mark, const char *fmt, ...) B_PRINTF;
static void b_fatal(builder *b, const yaml_mark_t *mark, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  b_verror(b, mark, fmt, ap);
  va_end(ap);
  b->fatal = 1;
}

static void b_oom(builder *b) {
  model_diag_set_nomem(b->diag);
  b_fatal(b, NULL, "out of memory while reading the YAML");
}

static model_yaml_node *b_node(builder *b, model_yaml_kind kind, const yaml_mark_t *mark) {
  if (b->doc->n_nodes >= MODEL_YAML_MAX_NODES) {
    b_fatal(b, mark, "too many YAML nodes (the limit is %d); a scenario this large "
            "is not supported: split it, or check for runaway aliases", MODEL_YAML_MAX_NODES);
    return NULL;
  }
  model_yaml_node *n = arena_alloc(b->doc, sizeof *n);
  if (!n) {
    b_oom(b);
    return NULL;
  }
  b->doc->n_nodes++;
  n->kind = kind;
  n->src = b->src;
  n->line = mark ? (int)mark->line + 1 : 0;
  n->col = mark ? (int)mark->column + 1 : 0;
  return n;
}

static char *arena_strndup(model_yaml_doc *doc, const char *s, size_t len) {
  char *p = arena_alloc(doc, len + 1);
  if (!p) return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

static int b_push_pending(builder *b, model_yaml_node *n) {
  if (b->n_pending == b->cap_pending) {
    size_t cap = b->cap_pending ? b->cap_pending * 2 : 64;
    model_yaml_node **p = realloc(b->pending, cap * sizeof *p);
    if (!p) {
      b_oom(b);
      return -1;
    }
    b->pending = p;
    b->cap_pending = cap;
  }
  b->pending[b->n_pending++] = n;
  return 0;
}

/* A finished node goes to its parent collection, or becomes the root. */
static void b_add(builder *b, model_yaml_node *n) {
  if (b->depth == 0)
    b->root = n;
  else
    b_push_pending(b, n);
}

static void b_register_anchor(builder *b, const char *name, model_yaml_node *n,
                              const yaml_mark_t *mark) {
  if (!name) return;
  /* A redefinition replaces the earlier anchor, as YAML says. */
  for (size_t i = 0; i < b->n_anchors; i++) {
    if (strcmp(b->anchors[i].name, name) == 0) {
      b->anchors[i].node = n;
      return;
    }
  }
  if (b->n_anchors == MODEL_YAML_MAX_ANCHORS) {
    b_fatal(b, mark, "too many anchors (&name; the limit is %d); write values out instead",
            MODEL_YAML_MAX_ANCHORS);
    return;
  }
  b->anchors[b->n_anchors].name = name;
  b->anchors[b->n_anchors].node = n;
  b->n_anchors++;
}

/* Deep copy for an alias; `depth` is where the copy lands. */
static model_yaml_node *b_copy(builder *b, const model_yaml_node *src, int depth,
                               const yaml_mark_t *mark) {
  if (src->kind != MODEL_YAML_SCALAR && depth >= MODEL_YAML_MAX_DEPTH) {
    b_fatal(b, mark, "the alias expands to more than %d levels of nesting; "
            "flatten the scenario", MODEL_YAML_MAX_DEPTH);
    return NULL;
  }
  model_yaml_node *n = b_node(b, src->kind, mark);
  if (!n) return NULL;
  *n = *src;   /* keeps the anchor's locations: errors point at the text */
  n->src = b->src;
  if (src->kind == MODEL_YAML_SEQUENCE && src->n_items) {
    n->items = arena_alloc(b->doc, src->n_items * sizeof *n->items);
    if (!n->items) { b_oom(b); return NULL; }
    for (size_t i = 0; i < src->n_items; i++) {
      n->items[i] = b_copy(b, src->items[i], depth + 1, mark);
      if (!n->items[i]) return NULL;
    }
  } else if (src->kind == MODEL_YAML_MAPPING && src->n_pairs) {
    n->pairs = arena_alloc(b->doc, src->n_pairs * sizeof *n->pairs);
    if (!n->pairs) { b_oom(b); return NULL; }
    for (size_t i = 0; i < src->n_pairs; i++) {
      n->pairs[i].key = b_copy(b, src->pairs[i].key, depth + 1, mark);
      if (!n->pairs[i].key) return NULL;
      n->pairs[i].value = b_copy(b, src->pairs[i].value, depth + 1, mark);
      if (!n->pairs[i].value) return NULL;
    }
  }
  return n;
}

typedef struct key_ref {
  const char *s;
  size_t idx;
} key_ref;

static int key_ref_cmp(const void *pa, const void *pb) {
  const key_ref *a = pa, *b = pb;
  int c = strcmp(a->s, b->s);
  if (c) return c;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void b_dup_key(builder *b, const model_yaml_node *k) {
  yaml_mark_t m = {0, (size_t)(k->line - 1), (size_t)(k->col - 1)};
  b_error(b, &m, "duplicate key '%s' in this map; remove or rename one of them", k->str);
}

/* Keys are unique per YAML; a repeated key is almost always a copy-paste slip
** that would silently win, so it is an error here. Sorting keeps this
** O(n log n) for a hostile map with many keys. */
static void b_check_duplicate_keys(builder *b, const model_yaml_node *map) {
  size_t n = map->n_pairs;
  if (n < 2) return;
  if (n <= 16) {
    for (size_t i = 1; i < n; i++)
      for (size_t j = 0; j < i; j++)
        if (strcmp(map->pairs[i].key->str, map->pairs[j].key->str) == 0) {
          b_dup_key(b, map->pairs[i].key);
          break;
        }
    return;
  }
  key_ref *refs = malloc(n * sizeof *refs);
  if (!refs) {
    b_oom(b);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    refs[i].s = map->pairs[i].key->str;
    refs[i].idx = i;
  }
  qsort(refs, n, sizeof *refs, key_ref_cmp);
  for (size_t i = 1; i < n && !b->fatal; i++)
    if (strcmp(refs[i].s, refs[i - 1].s) == 0) b_dup_key(b, map->pairs[refs[i].idx].key);
  free(refs);
}

static void b_close(builder *b, const yaml_mark_t *mark) {
  frame *f = &b->stack[--b->depth];
  model_yaml_node *n = f->node;
  size_t count = b->n_pending - f->start;
  /* pending is NULL until the first child: no pointer arithmetic on it then */
  model_yaml_node **kids = count ? b->pending + f->start : NULL;
  if (n->kind == MODEL_YAML_SEQUENCE) {
    if (count) {
      n->items = arena_alloc(b->doc, count * sizeof *n->items);
      if (!n->items) { b_oom(b); return; }
      memcpy(n->items, kids, count * sizeof *n->items);
      n->n_items = count;
    }
  } else {
    size_t np = count / 2;   /* libyaml always gives key/value in pairs */
    if (np) {
      n->pairs = arena_alloc(b->doc, np * sizeof *n->pairs);
      if (!n->pairs) { b_oom(b); return; }
    }
    size_t w = 0;
    for (size_t i = 0; i < np; i++) {
      model_yaml_node *k = kids[2 * i], *v = kids[2 * i + 1];
      yaml_mark_t km = {0, (size_t)(k->line > 0 ? k->line - 1 : 0),
                        (size_t)(k->col > 0 ? k->col - 1 : 0)};
      if (k->kind != MODEL_YAML_SCALAR) {
        b_error(b, &km, "a key must be a plain name, not %s; "
                "write 'name: value' pairs", model_yaml_kind_name(k->kind));
        continue;
      }
      if (strcmp(k->str, "<<") == 0 && !k->quoted) {
        b_error(b, &km, "merge keys ('<<') are not supported; write the keys out "
                "or use an alias for the whole value");
        continue;
      }
      n->pairs[w].key = k;
      n->pairs[w].value = v;
      w++;
    }
    n->n_pairs = w;
    b_check_duplicate_keys(b, n);
  }
  b->n_pending = f->start;
  b_register_anchor(b, f->anchor, n, mark);
  b_add(b, n);
}

static void b_open(builder *b, model_yaml_kind kind, const yaml_event_t *ev,
                   const yaml_char_t *anchor) {
  if (b->depth >= MODEL_YAML_MAX_DEPTH) {
    b_fatal(b, &ev->start_mark, "nesting deeper than %d levels; a scenario "
            "never needs this much, check the indentation and brackets",
            MODEL_YAML_MAX_DEPTH);
    return;
  }
  model_yaml_node *n = b_node(b, kind, &ev->start_mark);
  if (!n) return;
  const char *a = NULL;
  if (anchor) {
    a = arena_strndup(b->doc, (const char *)anchor, strlen((const char *)anchor));
    if (!a) { b_oom(b); return; }
  }
  b->stack[b->depth].node = n;
  b->stack[b->depth].start = b->n_pending;
  b->stack[b->depth].anchor = a;
  b->depth++;
}

static void b_scalar(builder *b, const yaml_event_t *ev) {
  const yaml_mark_t *m = &ev->start_mark;
  size_t len = ev->data.scalar.length;
  if (len > MODEL_YAML_MAX_SCALAR) {
    b_fatal(b, m, "a value longer than %u bytes; shorten it", MODEL_YAML_MAX_SCALAR);
    return;
  }
  model_yaml_node *n = b_node(b, MODEL_YAML_SCALAR, m);
  if (!n) return;
  const char *v = (const char *)ev->data.scalar.value;
  char *s = arena_strndup(b->doc, v, len);
  if (!s) { b_oom(b); return; }
  if (memchr(v, '\0', len)) b_error(b, m, "a value contains a NUL character; remove it");
  n->str = s;
  n->len = strlen(s);
  n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  if (ev->data.scalar.anchor) {
    const char *a = arena_strndup(b->doc, (const char *)ev->data.scalar.anchor,
                                  strlen((const char *)ev->data.scalar.anchor));
    if (!a) { b_oom(b); return; }
    b_register_anchor(b, a, n, m);
  }
  b_add(b, n);
}

static void b_alias(builder *b, const yaml_event_t *ev) {
  const char *name = (const char *)ev->data.alias.anchor;
  const model_yaml_node *target = NULL;
  for (size_t i = 0; i < b->n_anchors; i++)
    if (strcmp(b->anchors[i].name, name) == 0) target = b->anchors[i].node;
  if (!target) {
    /* Also the case of an alias inside its own anchor's collection: the
    ** anchor is registered only when the collection is complete. */
    b_error(b, &ev->start_mark, "alias '*%s' names no earlier anchor; define "
            "'&name' on a value before it (aliases cannot refer to their own parent)", name);
    /* A placeholder keeps a map's keys and values paired for the checks
    ** that follow. */
    model_yaml_node *ph = b_node(b, MODEL_YAML_SCALAR, &ev->start_mark);
    if (ph && (ph->str = arena_strndup(b->doc, "", 0)) != NULL) b_add(b, ph);
    return;
  }
  model_yaml_node *n = b_copy(b, target, b->depth, &ev->start_mark);
  if (!n) return;
  n->line = (int)ev->start_mark.line + 1;
  n->col = (int)ev->start_mark.column + 1;
  b_add(b, n);
}

/* line/col of a byte offset, for reader errors that carry only an offset. */
static void offset_to_mark(const char *text, size_t len, size_t off, yaml_mark_t *m) {
  size_t line = 0, col = 0;
  if (off > len) off = len;
  for (size_t i = 0; i < off; i++) {
    if (text[i] == '\n') {
      line++;
      col = 0;
    } else {
      col++;
    }
  }
  m->index = off;
  m->line = line;
  m->column = col;
}

static void b_syntax_error(builder *b, const yaml_parser_t *p, const char *text, size_t len) {
  yaml_mark_t m = p->problem_mark;
  char msg[512];
  const char *problem = p->problem ? p->problem : "malformed YAML";
  if (p->error == YAML_READER_ERROR) {
    offset_to_mark(text, len, p->problem_offset, &m);
    snprintf(msg, sizeof msg, "not a readable YAML text: %s; save the file as "
             "UTF-8 text", problem);
  } else if (p->error == YAML_MEMORY_ERROR) {
    b_oom(b);
    return;
  } else if (p->context) {
    snprintf(msg, sizeof msg, "YAML syntax error: %s (%s started at line %d); check "
             "the indentation, the quoting and the ': ' after each key", problem,
             p->context, (int)p->context_mark.line + 1);
  } else {
    snprintf(msg, sizeof msg, "YAML syntax error: %s; check the indentation, the "
             "quoting and the ': ' after each key", problem);
  }
  b_fatal(b, &m, "%s", msg);
}

/* Run the parser over text; fills b->root. */
static void b_run(builder *b, const char *text, size_t len) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    b_oom(b);
    return;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  int done = 0;
  while (!done && !b->fatal) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      b_syntax_error(b, &parser, text, len);
      break;
    }
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = 1;
      break;
    case YAML_DOCUMENT_START_EVENT:
      if (++b->n_docs > 1)
        b_fatal(b, &ev.start_mark, "a second YAML document starts here; put the "
                "whole scenario in one document (remove this '---')");
      break;
    case YAML_SCALAR_EVENT:
      b_scalar(b, &ev);
      break;
    case YAML_SEQUENCE_START_EVENT:
      b_open(b, MODEL_YAML_SEQUENCE, &ev, ev.data.sequence_start.anchor);
      break;
    case YAML_MAPPING_START_EVENT:
      b_open(b, MODEL_YAML_MAPPING, &ev, ev.data.mapping_start.anchor);
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (b->depth > 0) b_close(b, &ev.start_mark);
      break;
    case YAML_ALIAS_EVENT:
      b_alias(b, &ev);
      break;
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
}

static void b_init(builder *b, model_yaml_doc *doc, model_diag *diag, const char *file, int src) {
  memset(b, 0, sizeof *b);
  b->doc = doc;
  b->diag = diag;
  b->file = file ? file : "<input>";
  b->src = src;
}

int model_yaml_parse(const char *text, size_t len, const char *file,
                     model_yaml_doc **out, model_diag *diag) {
  *out = NULL;
  model_yaml_doc *doc = calloc(1, sizeof *doc);
  builder *b = malloc(sizeof *b);
  if (!doc || !b) {
    free(doc);
    free(b);
    model_diag_add(diag, file, 0, 0, "out of memory while reading the YAML");
    model_diag_set_nomem(diag);
    return -1;
  }
  b_init(b, doc, diag, file, 0);
  b_run(b, text ? text : "", text ? len : 0);
  free(b->pending);
  int errors = b->errors;
  doc->root = b->root;
  free(b);
  if (errors) {
    model_yaml_free(doc);
    return -1;
  }
  *out = doc;
  return 0;
}

model_yaml_node *model_yaml_parse_value(model_yaml_doc *doc, const char *text,
                                        int src, model_diag *diag) {
  builder *b = malloc(sizeof *b);
  if (!b) {
    model_diag_add(diag, "--set", 0, src, "out of memory");
    model_diag_set_nomem(diag);
    return NULL;
  }
  b_init(b, doc, diag, "--set", src);
  size_t len = strlen(text);
  b_run(b, text, len);
  free(b->pending);
  model_yaml_node *root = b->errors ? NULL : b->root;
  int errors = b->errors;
  free(b);
  if (errors) return NULL;
  if (!root) root = model_yaml_new_scalar(doc, "", 0, src);
  return root;
}

/* ---- construction and lookup for overrides and the loader --------------- */

model_yaml_node *model_yaml_new_mapping(model_yaml_doc *doc, int src) {
  if (doc->n_nodes >= MODEL_YAML_MAX_NODES) return NULL;
  model_yaml_node *n = arena_alloc(doc, sizeof *n);
  if (!n) return NULL;
  doc->n_nodes++;
  n->kind = MODEL_YAML_MAPPING;
  n->src = src;
  return n;
}

model_yaml_node *model_yaml_new_scalar(model_yaml_doc *doc, const char *text,
                                       size_t len, int src) {
  if (doc->n_nodes >= MODEL_YAML_MAX_NODES) return NULL;
  model_yaml_node *n = arena_alloc(doc, sizeof *n);
  if (!n) return NULL;
  char *s = arena_strndup(doc, text, len);
  if (!s) return NULL;
  doc->n_nodes++;
  n->kind = MODEL_YAML_SCALAR;
  n->src = src;
  n->str = s;
  n->len = strlen(s);
  return n;
}

int model_yaml_map_append(model_yaml_doc *doc, model_yaml_node *map,
                          model_yaml_node *key, model_yaml_node *value) {
  model_yaml_pair *p = arena_alloc(doc, (map->n_pairs + 1) * sizeof *p);
  if (!p) return -1;
  if (map->n_pairs) memcpy(p, map->pairs, map->n_pairs * sizeof *p);
  p[map->n_pairs].key = key;
  p[map->n_pairs].value = value;
  map->pairs = p;   /* the old array stays in the arena until model_yaml_free */
  map->n_pairs++;
  return 0;
}

model_yaml_pair *model_yaml_get_pair(const model_yaml_node *map, const char *key) {
  if (!map || map->kind != MODEL_YAML_MAPPING) return NULL;
  for (size_t i = 0; i < map->n_pairs; i++)
    if (strcmp(map->pairs[i].key->str, key) == 0) return &map->pairs[i];
  return NULL;
}

model_yaml_node *model_yaml_get(const model_yaml_node *map, const char *key) {
  model_yaml_pair *p = model_yaml_get_pair(map, key);
  return p ? p->value : NULL;
}
