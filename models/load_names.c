/*
** models/load_names.c — the scenario loader's name index.
**
** A sorted view of the names of one section (regions, components, standby
** pools) for O(log n) lookups, duplicate reports and "did you mean" hints;
** and the collection of a list's names before its items are read, so that
** references may point forward.
*/
#include "models/load_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- name lookup -------------------------------------------------------- */

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

void ld_ix_free(name_ix *ix) {
  free(ix->names);
  free(ix->order);
  memset(ix, 0, sizeof *ix);
}

/* Build from names[0..n) (entries may be NULL); names are borrowed. */
int ld_ix_build(loader *L, name_ix *ix, const char **names, size_t n) {
  memset(ix, 0, sizeof *ix);
  ix->names = names;
  ix->n = n;
  ix->order = ld_xcalloc(L, n, sizeof *ix->order);
  size_t *tmp = ld_xcalloc(L, n, sizeof *tmp);
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

long ld_ix_find(const name_ix *ix, const char *name) {
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
void ld_ix_report_duplicates(loader *L, const name_ix *ix, const ynode *const *name_nodes,
                             const char *what) {
  size_t first = 0;   /* the first definition of the current run of equal names */
  for (size_t k = 0; k < ix->n_sorted; k++) {
    size_t b = ix->order[k];
    if (k == 0 || strcmp(ix->names[ix->order[k - 1]], ix->names[b]) != 0) {
      first = b;
      continue;
    }
    const ynode *fn = name_nodes[first];
    ld_err_at(L, name_nodes[b], "duplicate %s name '%s' (first defined at line %d); rename "
              "one of them", what, ix->names[b], fn ? fn->line : 0);
  }
}

/* "; did you mean 'x'?" against every name of the index. */
const char *ld_ix_hint(loader *L, const name_ix *ix, const char *word, char *buf,
                       size_t size) {
  const char **c = malloc((ix->n_sorted + 1) * sizeof *c);
  if (!c) {
    snprintf(buf, size, "%s", "");
    return buf;
  }
  size_t n = 0;
  for (size_t i = 0; i < ix->n; i++)
    if (ix->names[i]) c[n++] = ix->names[i];
  ld_hint(L, word, c, n, buf, size);
  free(c);
  return buf;
}

/* ---- distributions ------------------------------------------------------ */

/* Collect the names of list items (`name` key) for forward references. */
void ld_collect_names(loader *L, const ynode *list, const char *what, name_ix *ix,
                      char ***owned_names) {
  size_t n = list->n_items;
  /* Defined on every path, out of memory included: callers look names up
  ** in the index and free both. */
  memset(ix, 0, sizeof *ix);
  *owned_names = NULL;
  const char **names = ld_xcalloc(L, n, sizeof *names);
  const ynode **nodes = ld_xcalloc(L, n, sizeof *nodes);
  char **owned = ld_xcalloc(L, n, sizeof *owned);
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
    const char *nm = ld_get_name(L, nn, w);
    if (!nm) continue;
    owned[i] = ld_xstrdup(L, nm);
    names[i] = owned[i];
    nodes[i] = nn;
  }
  if (ld_ix_build(L, ix, names, n) == 0) {
    ld_ix_report_duplicates(L, ix, nodes, what);
  } else {
    free(names);
  }
  free(nodes);
  *owned_names = owned;
}
