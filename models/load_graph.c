/*
** models/load_graph.c — the graph checks of the scenario loader.
**
** One generic directed graph (compressed rows, each edge remembering the
** YAML node that wrote it) with an iterative depth-first order and cycle
** finder; used for components' depends_on, each workflow's needs (giving its
** topological order) and the waits across workflows.
*/
#include "models/load_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  ld_err_at(L, g->where[closing], "%s form a cycle: %s; %s", what, msg, fix);
}

static int graph_alloc(loader *L, graph *g, size_t n, size_t m) {
  g->n = n;
  g->off = calloc(n + 1, sizeof *g->off);
  g->adj = malloc((m ? m : 1) * sizeof *g->adj);
  g->where = malloc((m ? m : 1) * sizeof *g->where);
  if (g->off && g->adj && g->where) return 0;
  ld_oom(L);
  return -1;
}

static const char *component_label(const void *ctx, size_t c, char *buf, size_t size) {
  (void)buf;
  (void)size;
  return ((const model_scenario *)ctx)->components[c].name;
}

void ld_check_depends_on(loader *L) {
  model_scenario *sc = L->sc;
  size_t n = sc->n_components, m = 0;
  if (n == 0) return;
  for (size_t c = 0; c < n; c++) m += sc->components[c].n_depends_on;
  graph g = {0, NULL, NULL, NULL};
  size_t *cyc = malloc((n + 1) * sizeof *cyc);
  if (graph_alloc(L, &g, n, m) || !cyc) {
    if (!cyc) ld_oom(L);
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
    ld_oom(L);
  else if (rc > 0)
    report_cycle(L, &g, cyc, ncyc, closing, component_label, sc, "depends_on entries",
                 "remove one of these dependencies");
done:
  graph_free(&g);
  free(cyc);
}


/* The needs item of step `u`'s list that names `name` (for locations). */
const ynode *ld_needs_item(const loader *L, size_t w, size_t u, const char *name) {
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
void ld_check_needs(loader *L, size_t w) {
  model_workflow *wf = &L->sc->workflows[w];
  size_t n = wf->n_steps, m = 0;
  if (n == 0) return;
  for (size_t s = 0; s < n; s++) m += wf->steps[s].n_needs_steps;
  graph g = {0, NULL, NULL, NULL};
  size_t *cyc = malloc((n + 1) * sizeof *cyc);
  size_t *order = malloc(n * sizeof *order);
  if (graph_alloc(L, &g, n, m) || !cyc || !order) {
    if (!cyc || !order) ld_oom(L);
    goto done;
  }
  size_t e = 0;
  for (size_t u = 0; u < n; u++) {
    g.off[u] = e;
    for (size_t j = 0; j < wf->steps[u].n_needs_steps; j++) {
      size_t v = wf->steps[u].needs_steps[j];
      g.adj[e] = v;
      g.where[e] = ld_needs_item(L, w, u, wf->steps[v].name);
      e++;
    }
  }
  g.off[n] = e;
  size_t ncyc = 0, closing = 0;
  int rc = graph_order(&g, order, cyc, &ncyc, &closing);
  if (rc < 0) {
    ld_oom(L);
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

void ld_check_waits(loader *L) {
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
    if (!cyc || !step_wf) ld_oom(L);
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
        g.where[e] = ld_needs_item(L, w, s, wf->steps[st->needs_steps[j]].name);
        e++;
      }
      for (size_t j = 0; j < st->n_needs_components; j++) {
        g.adj[e] = ns + st->needs_components[j];
        g.where[e] = ld_needs_item(L, w, s, sc->components[st->needs_components[j]].name);
        e++;
      }
      for (size_t j = 0; j < st->n_needs_ext; j++) {
        const model_workflow *ow = &sc->workflows[st->needs_ext[j].workflow];
        char ref[2 * MAX_NAME + 2];
        snprintf(ref, sizeof ref, "%s/%s", sc->environments[ow->environment].name,
                 ow->steps[st->needs_ext[j].step].name);
        g.adj[e] = ow->step_offset + (size_t)st->needs_ext[j].step;
        g.where[e] = ld_needs_item(L, w, s, ref);
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
    ld_oom(L);
  else if (rc > 0)
    report_cycle(L, &g, cyc, ncyc, closing, wait_label, &x, "steps and component failovers "
                 "waiting on each other", "nothing in it could ever finish; remove one of "
                 "these needs, depends_on or failover 'by' links");
done:
  graph_free(&g);
  free(cyc);
  free(step_wf);
}
