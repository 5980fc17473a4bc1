/*
** reports/diagram_internal.h — what the files of the diagram module share
** and nobody else may include: the figures read from a run, the label
** string buffer, the graph builder and the helpers (prefix diagram_) the
** diagram*.c files call. The contract is reports/diagram.h.
**
**   diagram.c        figures, kinds, the layout, mirroring, rendering, HTML
**   diagram_graph.c  labels, graph helpers, components, replicas, pools
**   diagram_build.c  the legend and the whole graph
**   diagram_flow.c   the process flows (workflow steps)
**   diagram_ids.c    object names numbered in creation order
*/
#ifndef DRSIM_REPORTS_DIAGRAM_INTERNAL_H
#define DRSIM_REPORTS_DIAGRAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <graphviz/gvc.h>
#include "reports/diagram.h"
#include "reports/stats.h"

/* ------------------------------------------------------------ figures */

typedef struct fig_env {
  char *name;
  int has_rto, has_rpo;
  report_stats_ci rto_p50, rto_p95, rto_meet, rpo_p50, rpo_p95, rpo_meet;
  double rto_objective, rpo_objective;
} fig_env;

typedef struct fig_step {
  char *environment, *name;
  int quantiles;             /* 1: p50/p95 from per-trial detail; 0: mean only */
  double p50, p95, mean, criticality;
  uint64_t n_completed;
} fig_step;

typedef struct fig_comp {
  char *name;
  int quantiles;
  double p50, p95, mean, sets_env_rpo;
  uint64_t n_rpo, inf_rpo;
  double mean_failover;
} fig_comp;

typedef struct fig_pool {
  char *name;
  int quantiles;
  double service_p50, full_p50, full_p90, mean_full;
} fig_pool;

struct report_diagram_figures {
  int64_t run_id;
  uint64_t trials;
  fig_env *env;   size_t n_env;
  fig_step *step; size_t n_step;
  fig_comp *comp; size_t n_comp;
  fig_pool *pool; size_t n_pool;
};


/* A growing NUL-terminated string; on allocation failure it sets oom and
** stops growing (the diagram is then abandoned). */
typedef struct sbuf {
  char *s;
  size_t len, cap;
  int oom;
} sbuf;
typedef struct builder {
  const model_scenario *sc;
  const report_diagram_figures *fig;
  int env;                   /* environment shown, or -1: all */
  Agraph_t *g;
  sbuf lb;                   /* label scratch */
  Agnode_t **comp;           /* [n_components]: the component's node or NULL */
  Agnode_t **pool;           /* [n_standby] */
  int *pool_tied;            /* [n_standby]: already on a component's row */
  Agraph_t **region;         /* [n_regions] clusters, NULL when not drawn */
  Agnode_t **anchor;         /* [n_regions] */
  int *region_used;
  int primary;
  int next_column;           /* the region drawn right of the primary, or the primary */
  int *stacked;              /* [n_regions] further standby regions, top to bottom */
  size_t n_stacked;
  Agnode_t *last_row;        /* the primary region's last component */
  Agraph_t **flows;          /* [n_workflows] the process flow clusters */
  size_t n_flows;
  int default_standby;
  size_t *step_number;       /* [n_steps_total] 1-based number in its workflow */
  int n_flows_shown;
  Agnode_t *top;             /* alone on the first rank (see build) */
  int oom;
} builder;

/* Role and colour of a box. */
typedef enum role { ROLE_ACTIVE, ROLE_STANDBY, ROLE_REPLICA } role;

/* The colour of simulated figures in labels. */
#define SIM_COLOR "#333333"

/* The figures of environment / step / component / pool `name`, or NULL. */
const fig_env *diagram_find_fig_env(const report_diagram_figures *f, const char *name);
const fig_step *diagram_find_fig_step(const report_diagram_figures *f, const char *env,
                                      const char *name);
const fig_comp *diagram_find_fig_comp(const report_diagram_figures *f, const char *name);
const fig_pool *diagram_find_fig_pool(const report_diagram_figures *f, const char *name);
/* The Graphviz shape of a component kind. */
const char *diagram_kind_shape(model_component_kind k);

/* Label text: formatted append, HTML-escaped append, reset. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void diagram_sb_printf(sbuf *b, const char *fmt, ...);
void diagram_sb_html(sbuf *b, const char *t);
void diagram_sb_reset(sbuf *b);
/* A duration / a fraction as the reports print it (reports/md.h). */
const char *diagram_dur(double s, char *buf, size_t n);
const char *diagram_pct(double f, char *buf, size_t n);
/* A distribution in words ("lognormal p50 2h, p95 6h"). */
void diagram_sb_dist(sbuf *b, const model_dist *d);

/* Graph helpers: an attribute, a node / edge (ids unique in the graph), an
** invisible edge that only orders ranks, two nodes on one rank. */
void diagram_set(void *obj, const char *name, const char *value);
Agnode_t *diagram_node(builder *B, Agraph_t *in, const char *id);
Agedge_t *diagram_edge(builder *B, Agnode_t *t, Agnode_t *h, const char *id);
void diagram_invisible_edge(builder *B, Agnode_t *t, Agnode_t *h);
void diagram_same_rank(builder *B, Agnode_t *a, Agnode_t *b, const char *key);
/* 1 when environment env is drawn (all are when B->env < 0). */
int diagram_shown_env(const builder *B, int env);
/* An HTML label: a bold title, smaller detail lines, set on obj. */
void diagram_label_begin(builder *B, const char *title);
void diagram_label_line(builder *B, const char *text, const char *color);
void diagram_label_end(builder *B, void *obj);

/* The whole graph of B->sc (NULL when out of memory: B->oom). */
Agraph_t *diagram_build(builder *B);

/* A new directed root graph NAME whose objects are numbered in the order
** they are created (reports/diagram_ids.c), so that its subgraphs are kept
** and written in that order, not in the heap order of their names. NULL
** when out of memory. Close it with agclose. */
Agraph_t *diagram_open(const char *name);
/* An HTML-like label on obj; a cluster (subgraph) with its id and class;
** an invisible anchor node (key unique) inside `in`. */
void diagram_set_html_label(builder *B, void *obj, const char *html);
Agraph_t *diagram_cluster(builder *B, Agraph_t *parent, const char *key, const char *id,
                          const char *cls);
Agnode_t *diagram_anchor_node(builder *B, Agraph_t *in, const char *key);
/* The parts of the graph build draws (diagram_graph.c). */
void diagram_draw_components(builder *B, Agraph_t *global, Agnode_t *global_anchor);
void diagram_draw_replication_and_failover(builder *B);
void diagram_draw_depends(builder *B);
void diagram_draw_pools(builder *B);
/* Number the steps of every workflow, 1-based, into B->step_number. */
void diagram_number_steps(builder *B);
/* Draw workflow w as a process flow inside fl, left of anchor. */
void diagram_draw_flow(builder *B, size_t w, Agnode_t *anchor, Agraph_t *fl);

#endif
