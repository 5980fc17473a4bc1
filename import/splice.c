/*
** import/splice.c — splice a draft scenario's items into a scenario's text
** (see splice.h). Both texts are parsed with models/yaml_tree to find where
** every section and item starts; items are then copied line by line,
** re-indented to the scenario's indentation.
*/
#include "import/splice.h"

#include <stdlib.h>
#include <string.h>

#include "models/yaml_tree.h"

typedef struct text_lines {
  const char *text;
  size_t len;
  size_t *start;      /* start[i]: offset of line i+1; start[n] = len */
  size_t n;
} text_lines;

static int lines_init(text_lines *t, const char *text, size_t len) {
  t->text = text;
  t->len = len;
  t->n = 0;
  size_t cap = 64;
  t->start = malloc((cap + 1) * sizeof *t->start);
  if (!t->start) return -1;
  size_t i = 0;
  while (i < len) {
    if (t->n + 1 >= cap) {
      size_t *p = realloc(t->start, (cap * 2 + 1) * sizeof *p);
      if (!p) return -1;
      t->start = p;
      cap *= 2;
    }
    t->start[t->n++] = i;
    const char *nl = memchr(text + i, '\n', len - i);
    i = nl ? (size_t)(nl - text) + 1 : len;
  }
  t->start[t->n] = len;
  return 0;
}

/* Line `l` (1-based) as pointer and length, newline excluded. */
static const char *line_at(const text_lines *t, size_t l, size_t *n) {
  if (l < 1 || l > t->n) { *n = 0; return ""; }
  size_t a = t->start[l - 1], b = t->start[l];
  if (b > a && t->text[b - 1] == '\n') b--;
  *n = b - a;
  return t->text + a;
}

/* A line that is blank or a comment starting in column 1. */
static int is_filler(const text_lines *t, size_t l) {
  size_t n;
  const char *s = line_at(t, l, &n);
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
  return i == n || s[0] == '#';
}

static char char_at(const text_lines *t, int line, int col) {
  size_t n;
  const char *s = line_at(t, (size_t)line, &n);
  return (col >= 1 && (size_t)col <= n) ? s[col - 1] : '\0';
}

/* Last line of top-level section k: before the next key, minus trailing
** blank lines and column-1 comments (those belong to what follows). */
static size_t section_end(const text_lines *t, const model_yaml_node *root, size_t k) {
  size_t end = k + 1 < root->n_pairs ? (size_t)root->pairs[k + 1].key->line - 1 : t->n;
  size_t first = (size_t)root->pairs[k].key->line;
  while (end > first && is_filler(t, end)) end--;
  return end;
}

static size_t find_key(const model_yaml_node *root, const char *key) {
  for (size_t k = 0; k < root->n_pairs; k++)
    if (strcmp(root->pairs[k].key->str, key) == 0) return k;
  return (size_t)-1;
}

/* Append lines [a, b] of t to out, shifted by delta columns. */
static void copy_lines(FILE *out, const text_lines *t, size_t a, size_t b, int delta) {
  for (size_t l = a; l <= b; l++) {
    size_t n;
    const char *s = line_at(t, l, &n);
    if (n > 0 && delta > 0) fprintf(out, "%*s", delta, "");
    size_t skip = 0;
    while (delta < 0 && skip < (size_t)-delta && skip < n && s[skip] == ' ') skip++;
    fwrite(s + skip, 1, n - skip, out);
    fputc('\n', out);
  }
}

static const char *item_id(const model_yaml_node *item, const char *idkey) {
  const model_yaml_node *v = model_yaml_get(item, idkey);
  return v && v->kind == MODEL_YAML_SCALAR ? v->str : NULL;
}

static int list_has(const model_yaml_node *seq, const char *idkey, const char *id) {
  if (!seq || seq->kind != MODEL_YAML_SEQUENCE || !id) return 0;
  for (size_t i = 0; i < seq->n_items; i++) {
    const char *x = item_id(seq->items[i], idkey);
    if (x && strcmp(x, id) == 0) return 1;
  }
  return 0;
}

typedef struct insertion {
  size_t after;       /* dst line; 0 = appended at the end as a new section */
  char *text;
  size_t len;
} insertion;

typedef struct splicer {
  text_lines d, s;
  const model_yaml_node *droot, *sroot;
  const char *dst_name, *src_name;
  insertion ins[8];
  size_t n_ins;
  FILE *notes;
  model_diag *diag;
} splicer;

/* Where and how items go into the scenario's section `key`: the line to
** insert after and the column shift; -1 with a diagnostic when impossible. */
static int target_of(splicer *sp, const char *key, int src_col, size_t *after, int *delta,
                     int *append) {
  size_t k = find_key(sp->droot, key);
  *append = 0;
  if (k == (size_t)-1) {
    *append = 1;
    *after = 0;
    *delta = 0;
    return 0;
  }
  const model_yaml_node *v = sp->droot->pairs[k].value;
  const model_yaml_node *kn = sp->droot->pairs[k].key;
  if (v->kind == MODEL_YAML_SCALAR && v->len == 0 && !v->quoted) {
    *after = (size_t)kn->line;
    *delta = kn->col + 2 - src_col;
    return 0;
  }
  char c = char_at(&sp->d, v->line, v->col);
  int want_map = strcmp(key, "objectives") == 0;
  if ((want_map && v->kind != MODEL_YAML_MAPPING) || (!want_map && v->kind != MODEL_YAML_SEQUENCE) ||
      c == '[' || c == '{') {
    model_diag_add(sp->diag, sp->dst_name, v->line, v->col,
                   "cannot add the draft's %s here: write '%s:' as a block %s (one item per line)",
                   key, key, want_map ? "map" : "list");
    return -1;
  }
  *after = section_end(&sp->d, sp->droot, k);
  *delta = v->col - src_col;
  return 0;
}

static FILE *begin(splicer *sp, insertion **slot) {
  if (sp->n_ins >= sizeof sp->ins / sizeof *sp->ins) return NULL;
  *slot = &sp->ins[sp->n_ins++];
  (*slot)->text = NULL;
  (*slot)->len = 0;
  return open_memstream(&(*slot)->text, &(*slot)->len);
}

/* Regions the draft's copied items refer to. */
static int referenced(const model_yaml_node *sroot, const model_yaml_node *droot, const char *region) {
  static const char *const lists[] = {"components", "standby"};
  for (size_t l = 0; l < 2; l++) {
    const model_yaml_node *seq = model_yaml_get(sroot, lists[l]);
    if (!seq || seq->kind != MODEL_YAML_SEQUENCE) continue;
    const model_yaml_node *dseq = model_yaml_get(droot, lists[l]);
    for (size_t i = 0; i < seq->n_items; i++) {
      const model_yaml_node *it = seq->items[i];
      if (list_has(dseq, "name", item_id(it, "name"))) continue;   /* not copied */
      const char *r = item_id(it, "region");
      const char *to = item_id(model_yaml_get(it, "replication"), "to");
      if ((r && strcmp(r, region) == 0) || (to && strcmp(to, region) == 0)) return 1;
    }
  }
  return 0;
}

/* Copy the draft's items of list `key` (identified by idkey) that the
** scenario lacks. Regions are copied only when a copied item uses them. */
static int splice_list(splicer *sp, const char *key, const char *idkey) {
  const model_yaml_node *sseq = model_yaml_get(sp->sroot, key);
  if (!sseq || sseq->kind != MODEL_YAML_SEQUENCE || sseq->n_items == 0) return 0;
  const model_yaml_node *dseq = model_yaml_get(sp->droot, key);
  size_t sk = find_key(sp->sroot, key);
  size_t send = section_end(&sp->s, sp->sroot, sk);
  int is_regions = strcmp(key, "regions") == 0;
  const char *dprimary = NULL;
  for (size_t i = 0; is_regions && dseq && dseq->kind == MODEL_YAML_SEQUENCE && i < dseq->n_items; i++) {
    const char *role = item_id(dseq->items[i], "role");
    if (role && strcmp(role, "primary") == 0) dprimary = item_id(dseq->items[i], "name");
  }
  size_t after;
  int delta, append;
  insertion *slot = NULL;
  FILE *out = NULL;
  for (size_t i = 0; i < sseq->n_items; i++) {
    const model_yaml_node *it = sseq->items[i];
    const char *id = item_id(it, idkey);
    if (!id) continue;
    if (list_has(dseq, idkey, id)) {
      if (!is_regions && sp->notes)
        fprintf(sp->notes, "note: %s already has %s '%s'; kept it, the draft's is dropped\n", sp->dst_name,
                strcmp(key, "workflows") == 0 ? "a workflow for environment"
                : strcmp(key, "standby") == 0 ? "standby pool" : "component", id);
      continue;
    }
    if (is_regions) {
      if (!referenced(sp->sroot, sp->droot, id)) continue;
      const char *role = item_id(it, "role");
      if (role && strcmp(role, "primary") == 0 && dprimary) {
        model_diag_add(sp->diag, sp->src_name, it->line, it->col,
                       "the draft's primary region '%s' is not %s's primary '%s'; give the "
                       "region explicitly (--primary / --region)", id, sp->dst_name, dprimary);
        if (out) fclose(out);
        return -1;
      }
    }
    if (!out) {
      if (target_of(sp, key, sseq->col, &after, &delta, &append)) return -1;
      if (!(out = begin(sp, &slot))) return -1;
      slot->after = after;
      if (append) fprintf(out, "\n%s:\n", key);
    }
    size_t a = (size_t)it->line;
    size_t b = i + 1 < sseq->n_items ? (size_t)sseq->items[i + 1]->line - 1 : send;
    while (b > a && is_filler(&sp->s, b)) b--;
    copy_lines(out, &sp->s, a, b, delta);
  }
  if (out && fclose(out)) return -1;
  return 0;
}

static int splice_objectives(splicer *sp) {
  const model_yaml_node *smap = model_yaml_get(sp->sroot, "objectives");
  if (!smap || smap->kind != MODEL_YAML_MAPPING || smap->n_pairs == 0) return 0;
  const model_yaml_node *dmap = model_yaml_get(sp->droot, "objectives");
  size_t send = section_end(&sp->s, sp->sroot, find_key(sp->sroot, "objectives"));
  size_t after;
  int delta, append;
  insertion *slot = NULL;
  FILE *out = NULL;
  for (size_t i = 0; i < smap->n_pairs; i++) {
    const model_yaml_node *k = smap->pairs[i].key;
    if (model_yaml_get(dmap, k->str)) continue;
    if (!out) {
      if (target_of(sp, "objectives", k->col, &after, &delta, &append)) return -1;
      if (!(out = begin(sp, &slot))) return -1;
      slot->after = after;
      if (append) fprintf(out, "\nobjectives:\n");
    }
    size_t a = (size_t)k->line;
    size_t b = i + 1 < smap->n_pairs ? (size_t)smap->pairs[i + 1].key->line - 1 : send;
    while (b > a && is_filler(&sp->s, b)) b--;
    copy_lines(out, &sp->s, a, b, delta);
  }
  if (out && fclose(out)) return -1;
  return 0;
}

int import_splice(const char *dst, size_t dst_len, const char *dst_name,
                  const char *src, size_t src_len, const char *src_name,
                  char **out, FILE *notes, model_diag *diag) {
  *out = NULL;
  splicer sp;
  memset(&sp, 0, sizeof sp);
  sp.dst_name = dst_name;
  sp.src_name = src_name;
  sp.notes = notes;
  sp.diag = diag;
  model_yaml_doc *ddoc = NULL, *sdoc = NULL;
  int rc = -1;
  if (model_yaml_parse(dst, dst_len, dst_name, &ddoc, diag) != 0) goto done;
  if (model_yaml_parse(src, src_len, src_name, &sdoc, diag) != 0) goto done;
  sp.droot = model_yaml_root(ddoc);
  sp.sroot = model_yaml_root(sdoc);
  if (!sp.droot || sp.droot->kind != MODEL_YAML_MAPPING || !sp.sroot ||
      sp.sroot->kind != MODEL_YAML_MAPPING) {
    model_diag_add(diag, sp.droot ? src_name : dst_name, 1, 1, "not a scenario (a map of keys)");
    goto done;
  }
  if (lines_init(&sp.d, dst, dst_len) || lines_init(&sp.s, src, src_len)) goto done;
  if (splice_objectives(&sp) || splice_list(&sp, "regions", "name") ||
      splice_list(&sp, "components", "name") || splice_list(&sp, "standby", "name") ||
      splice_list(&sp, "workflows", "environment"))
    goto done;

  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) goto done;
  for (size_t l = 1; l <= sp.d.n; l++) {
    size_t n;
    const char *s = line_at(&sp.d, l, &n);
    fwrite(s, 1, n, f);
    fputc('\n', f);
    for (size_t i = 0; i < sp.n_ins; i++)
      if (sp.ins[i].after == l) fwrite(sp.ins[i].text, 1, sp.ins[i].len, f);
  }
  for (size_t i = 0; i < sp.n_ins; i++)
    if (sp.ins[i].after == 0) fwrite(sp.ins[i].text, 1, sp.ins[i].len, f);
  if (fclose(f) == 0) {
    *out = text;
    rc = 0;
  } else {
    free(text);
  }
done:
  for (size_t i = 0; i < sp.n_ins; i++) free(sp.ins[i].text);
  free(sp.d.start);
  free(sp.s.start);
  model_yaml_free(ddoc);
  model_yaml_free(sdoc);
  return rc;
}
