/*
** reports/diagram_ids.c — the object names of the diagram's graph, numbered
** in creation order (a cgraph id discipline).
**
** cgraph's default discipline makes a named object's id the address of its
** interned name, and it keeps (and writes) subgraphs in id order: the
** clusters of a DOT or SVG diagram then came out in heap-address order,
** which may differ between builds and runs for the same input. Here a name
** gets the next even id the first time it is seen (anonymous objects the
** next odd one, as cgraph expects), so subgraphs come out in the order the
** builder created them. Names are interned in the graph's string table
** (agstrdup: the writer reads a name's HTML flag from there) and freed with
** it; the state lives from agopen to agclose of the root graph; nothing is
** global.
*/
#include <stdlib.h>
#include <string.h>
#include "reports/diagram_internal.h"

typedef struct ids {
  Agraph_t *g;      /* the root graph, owner of the names' string table */
  char **name;      /* name[k] has id 2 * (k + 1) */
  size_t n, cap;
  IDTYPE anon;      /* the last odd id handed out */
} ids;

static void *ids_open(Agraph_t *g, Agdisc_t *disc)
{
  (void)disc;
  ids *s = calloc(1, sizeof(ids));
  if (s) s->g = g;
  return s;
}

static long ids_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
  ids *s = state;
  (void)objtype;
  if (!s) return 0;
  if (!str) {
    s->anon = s->anon ? s->anon + 2 : 1;
    *id = s->anon;
    return 1;
  }
  for (size_t k = 0; k < s->n; k++)
    if (strcmp(s->name[k], str) == 0) { *id = (IDTYPE)(2 * (k + 1)); return 1; }
  if (!createflag) return 0;
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    char **grown = realloc(s->name, cap * sizeof *grown);
    if (!grown) return 0;
    s->name = grown;
    s->cap = cap;
  }
  char *copy = agstrdup(s->g, str);
  if (!copy) return 0;
  s->name[s->n++] = copy;
  *id = (IDTYPE)(2 * s->n);
  return 1;
}

/* Ids chosen by the caller (agidnode and friends) are not used here. */
static long ids_alloc(void *state, int objtype, IDTYPE id)
{
  (void)state; (void)objtype; (void)id;
  return 0;
}

/* A name stays numbered until the graph closes (its string goes with the
** graph's string table): a deleted object's name that comes back gets its
** old id. */
static void ids_free(void *state, int objtype, IDTYPE id)
{
  (void)state; (void)objtype; (void)id;
}

static char *ids_print(void *state, int objtype, IDTYPE id)
{
  const ids *s = state;
  (void)objtype;
  if (!s || id % 2 != 0 || id == 0 || id / 2 > s->n) return NULL;
  return s->name[id / 2 - 1];
}

static void ids_close(void *state)
{
  ids *s = state;
  if (!s) return;
  free(s->name);
  free(s);
}

static void ids_register(void *state, int objtype, void *obj)
{
  (void)state; (void)objtype; (void)obj;
}

static Agiddisc_t ids_disc = {
  ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close, ids_register
};

Agraph_t *diagram_open(const char *name)
{
  Agdisc_t disc = { &AgMemDisc, &ids_disc, &AgIoDisc };
  return agopen((char *)name, Agdirected, &disc);
}
