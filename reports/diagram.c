/*
** reports/diagram.c — the architecture diagram (contract in reports/diagram.h).
**
** The scenario becomes a libcgraph graph, libgvc's dot layout places it and
** a libgvc renderer writes it. The placement is asked of dot, never given as
** coordinates:
**  - newrank=true lets rank=same tie nodes of different clusters: each
**    component of the primary region shares its rank (row) with its replica,
**    pool or standby service in the first standby region, so those
**    replication and failover arrows run straight across; a chain of
**    invisible edges stacks the primary's components one row each;
**  - an invisible node alone on the first rank has invisible edges to every
**    shared component and every region's anchor (an invisible node at the
**    top of each region): the shared band is above the regions;
**  - further standby regions are stacked below the first one (an arrow from
**    the primary to a region beyond the first would cross the first
**    region's cluster, and dot then reorders the columns to avoid it);
**  - each process flow is a connected component of its own: dot packs
**    components left to right in the order they were created, so the flows
**    stand right of the architecture, in scenario order.
** After the layout the primary region is checked to be left of the standby
** regions; dot's crossing minimisation cannot tell a drawing from its mirror
** image, so when it chose the mirror the architecture part is mirrored back
** (every coordinate x -> left + right - x; text is not mirrored).
*/
#include "reports/diagram.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graphviz/gvc.h>
#include "reports/md.h"
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

void report_diagram_figures_free(report_diagram_figures *f)
{
  if (!f) return;
  for (size_t i = 0; i < f->n_env; i++) free(f->env[i].name);
  for (size_t i = 0; i < f->n_step; i++) {
    free(f->step[i].environment);
    free(f->step[i].name);
  }
  for (size_t i = 0; i < f->n_comp; i++) free(f->comp[i].name);
  for (size_t i = 0; i < f->n_pool; i++) free(f->pool[i].name);
  free(f->env);
  free(f->step);
  free(f->comp);
  free(f->pool);
  free(f);
}

static char *dup_or_null(const char *s, int *oom)
{
  if (!s) return NULL;
  char *d = strdup(s);
  if (!d) *oom = 1;
  return d;
}

/* p50 and p95 of the finite-or-infinite values of a detail column (NaN
** dropped). Returns 0 when there was no value. */
static int column_quantiles(double *v, size_t n, double *p50, double *p95)
{
  size_t m = report_stats_prepare(v, n);
  if (m == 0) return 0;
  *p50 = report_stats_quantile(v, m, 0.5, 0.95).est;
  *p95 = report_stats_quantile(v, m, 0.95, 0.95).est;
  return 1;
}

/* p50 and p95 of one detail column of item k of a run's table (steps,
** components), *quantiles 1 when there was a value. */
static int detail_quantiles(report_store *st, int64_t run_id, const char *table, size_t k,
                            const char *column, int *quantiles, double *p50, double *p95,
                            report_error *err)
{
  double *v = NULL;
  size_t n = 0;
  int rc = report_store_detail_column(st, run_id, table, k, column, &v, &n, err);
  if (rc != REPORT_OK) return rc;
  *quantiles = column_quantiles(v, n, p50, p95);
  free(v);
  return REPORT_OK;
}

int report_diagram_figures_load(report_store *st, const report_summary *s,
                                report_diagram_figures **out, report_error *err)
{
  *out = NULL;
  const report_run *run = report_summary_run(s);
  report_diagram_figures *f = calloc(1, sizeof *f);
  int oom = !f;
  if (oom) goto nomem;
  f->run_id = run->id;
  f->trials = run->trials_done;
  int detail = run->detail == REPORT_DETAIL_STEPS;

  const report_summary_row *rows;
  size_t nr = report_summary_rows(s, &rows);
  f->env = calloc(run->n_environments ? run->n_environments : 1, sizeof *f->env);
  if (!f->env) goto nomem;
  f->n_env = run->n_environments;
  for (size_t e = 0; e < run->n_environments; e++) {
    fig_env *fe = &f->env[e];
    fe->name = dup_or_null(run->environments[e].name, &oom);
    fe->rto_objective = run->environments[e].rto_objective_s;
    fe->rpo_objective = run->environments[e].rpo_objective_s;
    for (size_t i = 0; i < nr; i++) {
      if (strcmp(rows[i].environment, run->environments[e].name) != 0 || rows[i].n == 0) continue;
      if (strcmp(rows[i].metric, "rto") == 0) {
        fe->has_rto = 1;
        fe->rto_p50 = rows[i].p50;
        fe->rto_p95 = rows[i].p95;
        fe->rto_meet = rows[i].p_meet;
      } else if (strcmp(rows[i].metric, "rpo") == 0) {
        fe->has_rpo = 1;
        fe->rpo_p50 = rows[i].p50;
        fe->rpo_p95 = rows[i].p95;
        fe->rpo_meet = rows[i].p_meet;
      }
    }
  }

  const report_summary_step_row *steps;
  size_t ns = report_summary_steps(s, &steps);
  f->step = calloc(ns ? ns : 1, sizeof *f->step);
  if (!f->step) goto nomem;
  f->n_step = ns;
  for (size_t k = 0; k < ns; k++) {
    fig_step *fs = &f->step[k];
    fs->environment = dup_or_null(steps[k].environment, &oom);
    fs->name = dup_or_null(steps[k].name, &oom);
    fs->mean = steps[k].mean_duration_s;
    fs->criticality = steps[k].criticality.est;
    fs->n_completed = steps[k].n_completed;
    int rc = detail && k < run->n_steps
             ? detail_quantiles(st, run->id, "steps", k, "duration_s", &fs->quantiles,
                                &fs->p50, &fs->p95, err)
             : REPORT_OK;
    if (rc != REPORT_OK) {
      report_diagram_figures_free(f);
      return rc;
    }
  }

  const report_summary_component_row *comps;
  size_t nc = report_summary_components(s, &comps);
  f->comp = calloc(nc ? nc : 1, sizeof *f->comp);
  if (!f->comp) goto nomem;
  f->n_comp = nc;
  for (size_t k = 0; k < nc; k++) {
    fig_comp *fc = &f->comp[k];
    fc->name = dup_or_null(comps[k].name, &oom);
    fc->mean = comps[k].mean_rpo_s;
    fc->sets_env_rpo = comps[k].sets_env_rpo.est;
    fc->n_rpo = comps[k].n_rpo;
    fc->inf_rpo = comps[k].inf_rpo;
    fc->mean_failover = comps[k].mean_failover_s;
    int rc = detail && k < run->n_components
             ? detail_quantiles(st, run->id, "components", k, "rpo_s", &fc->quantiles,
                                &fc->p50, &fc->p95, err)
             : REPORT_OK;
    if (rc != REPORT_OK) {
      report_diagram_figures_free(f);
      return rc;
    }
  }

  const report_summary_standby_row *pools;
  size_t np = report_summary_standby(s, &pools);
  f->pool = calloc(np ? np : 1, sizeof *f->pool);
  if (!f->pool) goto nomem;
  f->n_pool = np;
  for (size_t k = 0; k < np; k++) {
    fig_pool *fp = &f->pool[k];
    fp->name = dup_or_null(pools[k].name, &oom);
    fp->quantiles = pools[k].has_quantiles;
    fp->service_p50 = pools[k].first_service_p50.est;
    fp->full_p50 = pools[k].full_capacity_p50.est;
    fp->full_p90 = pools[k].full_capacity_p90.est;
    fp->mean_full = pools[k].mean_full_capacity_s;
  }
  if (oom) goto nomem;
  *out = f;
  return REPORT_OK;
nomem:
  report_diagram_figures_free(f);
  if (err) snprintf(err->text, sizeof err->text, "out of memory reading the run's figures");
  return REPORT_ENOMEM;
}

static const fig_env *find_fig_env(const report_diagram_figures *f, const char *name)
{
  for (size_t i = 0; f && i < f->n_env; i++)
    if (f->env[i].name && strcmp(f->env[i].name, name) == 0) return &f->env[i];
  return NULL;
}

static const fig_step *find_fig_step(const report_diagram_figures *f, const char *env,
                                     const char *name)
{
  for (size_t i = 0; f && i < f->n_step; i++)
    if (f->step[i].environment && f->step[i].name && strcmp(f->step[i].environment, env) == 0 &&
        strcmp(f->step[i].name, name) == 0)
      return &f->step[i];
  return NULL;
}

static const fig_comp *find_fig_comp(const report_diagram_figures *f, const char *name)
{
  for (size_t i = 0; f && i < f->n_comp; i++)
    if (f->comp[i].name && strcmp(f->comp[i].name, name) == 0) return &f->comp[i];
  return NULL;
}

static const fig_pool *find_fig_pool(const report_diagram_figures *f, const char *name)
{
  for (size_t i = 0; f && i < f->n_pool; i++)
    if (f->pool[i].name && strcmp(f->pool[i].name, name) == 0) return &f->pool[i];
  return NULL;
}

/* ------------------------------------------------------------ kinds */

model_component_kind report_diagram_kind(const model_scenario *sc, size_t i)
{
  const model_component *c = &sc->components[i];
  if (c->kind != MODEL_KIND_UNSET) return c->kind;
  static const struct {
    model_component_kind kind;
    const char *const words[14];
  } rules[] = {
    {MODEL_KIND_MONITORING, {"monitor", "grafana", "prometheus", "alert", "log-analytics",
                             "insights", NULL}},
    {MODEL_KIND_DNS, {"dns", "frontdoor", "front-door", "traffic-manager", "trafficmanager",
                      "route53", "cdn", NULL}},
    {MODEL_KIND_NETWORK, {"expressroute", "vnet", "vpn", "peering", "network", "firewall",
                          "circuit", "link", NULL}},
    {MODEL_KIND_REGISTRY, {"acr", "registry", "ecr", "gcr", "harbor", NULL}},
    {MODEL_KIND_SECRETS, {"vault", "secret", "kms", "hsm", NULL}},
    {MODEL_KIND_GATEWAY, {"gateway", "appgw", "lb", "load-balancer", "loadbalancer", "ingress",
                          "apim", "proxy", NULL}},
    {MODEL_KIND_DATABASE, {"sql", "cosmos", "postgres", "mysql", "mongo", "redis", "database",
                           "db", NULL}},
    {MODEL_KIND_STORAGE, {"storage", "blob", "file", "table", "bucket", "s3", "disk",
                          "snapshot", "backup", "volume", "pv", NULL}},
    {MODEL_KIND_CLUSTER, {"aks", "eks", "gke", "k8s", "kube", "cluster", "node", NULL}},
  };
  char low[160];
  size_t n = 0;
  for (const char *p = c->name; p && *p && n + 1 < sizeof low; p++)
    low[n++] = (char)tolower((unsigned char)*p);
  low[n] = '\0';
  for (size_t r = 0; r < sizeof rules / sizeof *rules; r++)
    for (size_t w = 0; rules[r].words[w]; w++)
      if (strstr(low, rules[r].words[w])) return rules[r].kind;
  if (c->replication.mode == MODEL_REPL_PERIODIC) return MODEL_KIND_STORAGE;
  return MODEL_KIND_UNSET;
}

static const char *kind_shape(model_component_kind k)
{
  switch (k) {
  case MODEL_KIND_DATABASE: return "cylinder";
  case MODEL_KIND_STORAGE: return "folder";
  case MODEL_KIND_CLUSTER: return "box3d";
  case MODEL_KIND_NETWORK: return "hexagon";
  case MODEL_KIND_DNS: return "ellipse";
  case MODEL_KIND_MONITORING: return "note";
  case MODEL_KIND_REGISTRY: return "tab";
  case MODEL_KIND_SECRETS: return "octagon";
  case MODEL_KIND_GATEWAY: return "component";
  default: return "box";
  }
}

/* ------------------------------------------------------------ text */

/* A growing NUL-terminated string; on allocation failure it sets oom and
** stops growing (the diagram is then abandoned). */
typedef struct sbuf {
  char *s;
  size_t len, cap;
  int oom;
} sbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void sb_printf(sbuf *b, const char *fmt, ...)
{
  if (b->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) { b->oom = 1; return; }
    if (b->s && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= b->len + (size_t)n) cap *= 2;
    char *t = realloc(b->s, cap);
    if (!t) { b->oom = 1; return; }
    b->s = t;
    b->cap = cap;
  }
}

/* Text for an HTML-like label: &, <, >, " escaped. */
static void sb_html(sbuf *b, const char *t)
{
  for (; t && *t; t++) {
    switch (*t) {
    case '&': sb_printf(b, "&amp;"); break;
    case '<': sb_printf(b, "&lt;"); break;
    case '>': sb_printf(b, "&gt;"); break;
    case '"': sb_printf(b, "&quot;"); break;
    default: sb_printf(b, "%c", *t);
    }
  }
}

static void sb_reset(sbuf *b)
{
  b->len = 0;
  if (b->s) b->s[0] = '\0';
}

static const char *dur(double s, char *buf, size_t n) { return report_md_format_duration(s, buf, n); }

static const char *pct(double f, char *buf, size_t n)
{
  if (isnan(f)) snprintf(buf, n, "-");
  else if (f > 0 && f < 0.001) snprintf(buf, n, "< 0.1 %%");
  else snprintf(buf, n, "%.*f %%", f >= 0.995 || f == 0 ? 0 : 1, 100.0 * f);
  return buf;
}

/* "p50 X, p95 Y" of a distribution. */
static void sb_dist(sbuf *b, const model_dist *d)
{
  char x[48], y[48];
  if (d->kind == MODEL_DIST_CONSTANT) {
    sb_printf(b, "%s", dur(d->p[0], x, sizeof x));
    return;
  }
  sb_printf(b, "p50 %s, p95 %s", dur(model_dist_quantile(d, 0.5), x, sizeof x),
            dur(model_dist_quantile(d, 0.95), y, sizeof y));
}

/* ------------------------------------------------------------ graph */

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

static void set(void *obj, const char *name, const char *value)
{
  agsafeset(obj, (char *)name, (char *)value, "");
}

/* An HTML-like label (the text is already escaped). */
static void set_html_label(builder *B, void *obj, const char *html)
{
  char *h = agstrdup_html(B->g, (char *)html);
  if (!h) { B->oom = 1; return; }
  agsafeset(obj, "label", h, "");
  agstrfree(B->g, h);
}

static Agnode_t *node(builder *B, Agraph_t *in, const char *id)
{
  Agnode_t *n = agnode(in, (char *)id, 1);
  if (!n) { B->oom = 1; return NULL; }
  set(n, "id", id);
  return n;
}

static Agedge_t *edge(builder *B, Agnode_t *t, Agnode_t *h, const char *id)
{
  if (!t || !h) return NULL;
  Agedge_t *e = agedge(B->g, t, h, (char *)id, 1);
  if (!e) { B->oom = 1; return NULL; }
  if (id) set(e, "id", id);
  return e;
}

static void invisible_edge(builder *B, Agnode_t *t, Agnode_t *h)
{
  Agedge_t *e = edge(B, t, h, NULL);
  if (e) {
    set(e, "style", "invis");
    set(e, "arrowhead", "none");
  }
}

/* A rank=same group of two nodes (needs newrank for nodes of two clusters). */
static void same_rank(builder *B, Agnode_t *a, Agnode_t *b, const char *key)
{
  if (!a || !b) return;
  char name[300];
  snprintf(name, sizeof name, "rank:%s", key);
  Agraph_t *r = agsubg(B->g, name, 1);
  if (!r) { B->oom = 1; return; }
  set(r, "rank", "same");
  agsubnode(r, a, 1);
  agsubnode(r, b, 1);
}

static Agraph_t *cluster(builder *B, Agraph_t *parent, const char *key, const char *id,
                         const char *cls)
{
  char name[300];
  snprintf(name, sizeof name, "cluster_%s", key);
  Agraph_t *c = agsubg(parent, name, 1);
  if (!c) { B->oom = 1; return NULL; }
  set(c, "id", id);
  set(c, "class", cls);
  return c;
}

static Agnode_t *anchor_node(builder *B, Agraph_t *in, const char *key)
{
  char id[300];
  snprintf(id, sizeof id, "anchor:%s", key);
  Agnode_t *n = node(B, in, id);
  if (!n) return NULL;
  set(n, "style", "invis");
  set(n, "class", "anchor");
  set(n, "shape", "point");
  set(n, "width", "0.01");
  set(n, "height", "0.01");
  set(n, "label", "");
  return n;
}

/* Role and colour of a box. */
typedef enum role { ROLE_ACTIVE, ROLE_STANDBY, ROLE_REPLICA } role;

static void style_box(Agnode_t *n, role r, model_component_kind k, int primary_region)
{
  const char *stroke, *fill, *style;
  if (r == ROLE_REPLICA) {
    stroke = REPORT_DIAGRAM_GREEN;
    fill = REPORT_DIAGRAM_GREEN_FILL;
  } else if (k == MODEL_KIND_NETWORK || k == MODEL_KIND_DNS) {
    stroke = REPORT_DIAGRAM_PURPLE;
    fill = REPORT_DIAGRAM_PURPLE_FILL;
  } else if (k == MODEL_KIND_MONITORING) {
    stroke = REPORT_DIAGRAM_YELLOW;
    fill = REPORT_DIAGRAM_YELLOW_FILL;
  } else if (r == ROLE_STANDBY || !primary_region) {
    stroke = REPORT_DIAGRAM_LIGHTBLUE;
    fill = REPORT_DIAGRAM_LIGHTBLUE_FILL;
  } else {
    stroke = REPORT_DIAGRAM_BLUE;
    fill = REPORT_DIAGRAM_BLUE_FILL;
  }
  style = r == ROLE_REPLICA ? "filled,dotted" : r == ROLE_STANDBY ? "filled,dashed" : "filled";
  set(n, "color", stroke);
  set(n, "fillcolor", fill);
  set(n, "style", style);
  set(n, "penwidth", r == ROLE_ACTIVE ? "1.4" : "1.6");
}

static int shown_env(const builder *B, int env)
{
  return B->env < 0 || env < 0 || env == B->env;
}

/* Label lines: a bold title, then smaller detail lines. */
static void label_begin(builder *B, const char *title)
{
  sb_reset(&B->lb);
  sb_printf(&B->lb, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">"
                    "<TR><TD><B>");
  sb_html(&B->lb, title);
  sb_printf(&B->lb, "</B></TD></TR>");
}

static void label_line(builder *B, const char *text, const char *color)
{
  sb_printf(&B->lb, "<TR><TD><FONT POINT-SIZE=\"9\"%s%s%s>", color ? " COLOR=\"" : "",
            color ? color : "", color ? "\"" : "");
  sb_html(&B->lb, text);
  sb_printf(&B->lb, "</FONT></TD></TR>");
}

static void label_end(builder *B, void *obj)
{
  sb_printf(&B->lb, "</TABLE>");
  if (B->lb.oom) { B->oom = 1; return; }
  set_html_label(B, obj, B->lb.s);
}

/* The colour of simulated figures in labels. */
#define SIM_COLOR "#333333"

/* ---- components, replicas, failovers --------------------------------- */

static const char *repl_mode_name(model_repl_mode m)
{
  switch (m) {
  case MODEL_REPL_SYNC: return "sync";
  case MODEL_REPL_ASYNC: return "async";
  case MODEL_REPL_PERIODIC: return "periodic";
  default: return "none";
  }
}

static void component_node(builder *B, size_t i, Agraph_t *in, int in_primary, int shared)
{
  const model_scenario *sc = B->sc;
  const model_component *c = &sc->components[i];
  char id[300], cls[300], line[256];
  model_component_kind k = report_diagram_kind(sc, i);
  snprintf(id, sizeof id, "component:%s", c->name);
  Agnode_t *n = node(B, in, id);
  if (!n) return;
  B->comp[i] = n;
  const char *kname = k == MODEL_KIND_UNSET ? "service" : model_scenario_kind_name(k);
  snprintf(cls, sizeof cls, "component role-active kind-%s %s%s", kname,
           c->environment >= 0 ? "env-" : "shared",
           c->environment >= 0 ? sc->environments[c->environment].name : "");
  set(n, "class", cls);
  set(n, "shape", kind_shape(k));
  style_box(n, ROLE_ACTIVE, k, in_primary || shared);
  label_begin(B, c->name);
  if (shared)
    snprintf(line, sizeof line, "%s · runs in %s", kname, sc->regions[c->region].name);
  else
    snprintf(line, sizeof line, "%s%s", kname,
             c->zone ? (c->zone == 1 ? " · zone 1" : c->zone == 2 ? " · zone 2" : " · zone 3")
                     : "");
  label_line(B, line, NULL);
  size_t n_shared = 0;
  for (size_t d = 0; d < c->n_depends_on; d++)
    if (sc->components[c->depends_on[d]].environment < 0) n_shared++;
  if (n_shared) {
    sbuf t = {0};
    sb_printf(&t, "uses");
    for (size_t d = 0; d < c->n_depends_on; d++)
      if (sc->components[c->depends_on[d]].environment < 0)
        sb_printf(&t, "%s %s", t.len > 4 ? "," : "", sc->components[c->depends_on[d]].name);
    if (t.oom) B->oom = 1;
    else label_line(B, t.s, REPORT_DIAGRAM_BLUE);
    free(t.s);
  }
  label_end(B, n);
}

/* The text of a replication edge (label) and its figures. */
static void replication_label(builder *B, const model_component *c)
{
  const model_replication *r = &c->replication;
  char a[48], b[48], line[256];
  sbuf *s = &B->lb;
  sb_reset(s);
  switch (r->mode) {
  case MODEL_REPL_SYNC:
    sb_printf(s, "sync · RPO 0");
    break;
  case MODEL_REPL_ASYNC:
    sb_printf(s, "async · lag ");
    sb_dist(s, &r->lag);
    break;
  case MODEL_REPL_PERIODIC:
    sb_printf(s, "backup every %s", dur(r->interval_s, a, sizeof a));
    if (r->has_copy) {
      sb_printf(s, "\ncopy ");
      sb_dist(s, &r->copy);
    }
    if (r->failure_probability > 0 || isfinite(r->retention_s)) {
      sb_printf(s, "\n");
      if (r->failure_probability > 0) sb_printf(s, "fails %s", pct(r->failure_probability, a, sizeof a));
      if (r->failure_probability > 0 && isfinite(r->retention_s)) sb_printf(s, " · ");
      if (isfinite(r->retention_s)) sb_printf(s, "kept %s", dur(r->retention_s, b, sizeof b));
    }
    break;
  default:
    break;
  }
  const fig_comp *fc = find_fig_comp(B->fig, c->name);
  if (fc && r->mode != MODEL_REPL_SYNC) {
    if (fc->quantiles)
      snprintf(line, sizeof line, "\nsim RPO p50 %s, p95 %s", dur(fc->p50, a, sizeof a),
               dur(fc->p95, b, sizeof b));
    else
      snprintf(line, sizeof line, "\nsim RPO mean %s", dur(fc->mean, a, sizeof a));
    sb_printf(s, "%s", line);
    if (!isnan(fc->sets_env_rpo))
      sb_printf(s, "\nsets the env. RPO in %s", pct(fc->sets_env_rpo, a, sizeof a));
  }
}

/* The node a component fails over to: its replica, the pool its failover
** step scales, or a standby-service node in `region`. Created on demand. */
static Agnode_t *failover_target(builder *B, size_t i, Agnode_t *replica)
{
  const model_scenario *sc = B->sc;
  const model_component *c = &sc->components[i];
  if (replica) return replica;
  if (c->failover.kind == MODEL_FAILOVER_BY_STEP && c->failover.by_workflow >= 0) {
    const model_step *s = &sc->workflows[c->failover.by_workflow].steps[c->failover.by_step];
    if (s->standby >= 0 && B->pool[s->standby]) return B->pool[s->standby];
  }
  int r = B->default_standby;
  if (r < 0 || !B->region[r]) return NULL;
  char id[300];
  snprintf(id, sizeof id, "standby:%s", c->name);
  Agnode_t *n = node(B, B->region[r], id);
  if (!n) return NULL;
  model_component_kind k = report_diagram_kind(sc, i);
  set(n, "class", "standby-service");
  set(n, "shape", kind_shape(k));
  style_box(n, ROLE_STANDBY, k, 0);
  label_begin(B, c->name);
  label_line(B, "standby service", NULL);
  label_end(B, n);
  return n;
}

static void failover_edge(builder *B, size_t i, Agnode_t *target)
{
  const model_scenario *sc = B->sc;
  const model_component *c = &sc->components[i];
  const model_failover *f = &c->failover;
  if (f->kind == MODEL_FAILOVER_NONE || !target || !B->comp[i]) return;
  char id[300], a[48], b[48];
  snprintf(id, sizeof id, "failover:%s", c->name);
  Agedge_t *e = edge(B, B->comp[i], target, id);
  if (!e) return;
  sbuf *s = &B->lb;
  sb_reset(s);
  if (f->kind == MODEL_FAILOVER_AUTO) {
    set(e, "class", "failover automatic");
    if (f->after_s > 0) sb_printf(s, "automatic after %s", dur(f->after_s, a, sizeof a));
    else sb_printf(s, "automatic");
    if (f->has_duration) {
      sb_printf(s, "\ntakes ");
      sb_dist(s, &f->duration);
    }
  } else {
    set(e, "class", "failover manual");
    const model_workflow *w = &sc->workflows[f->by_workflow];
    size_t num = B->step_number[w->step_offset + (size_t)f->by_step];
    if (B->n_flows_shown > 1 || (B->env >= 0 && w->environment != B->env))
      sb_printf(s, "manual: %s step %zu", sc->environments[w->environment].name, num);
    else
      sb_printf(s, "manual: step %zu", num);
  }
  const fig_comp *fc = find_fig_comp(B->fig, c->name);
  if (fc && !isnan(fc->mean_failover))
    sb_printf(s, "\nsim mean %s", dur(fc->mean_failover, b, sizeof b));
  if (s->oom) { B->oom = 1; return; }
  set(e, "label", s->s);
  set(e, "color", REPORT_DIAGRAM_RED);
  set(e, "fontcolor", REPORT_DIAGRAM_RED);
  set(e, "penwidth", "1.6");
}

static void draw_components(builder *B, Agraph_t *global, Agnode_t *global_anchor)
{
  const model_scenario *sc = B->sc;
  size_t nc = sc->n_components;
  char key[300], id[300];
  Agraph_t **env_cl = calloc(sc->n_environments ? sc->n_environments : 1, sizeof *env_cl);
  if (!env_cl) { B->oom = 1; return; }
  Agnode_t *prev = B->anchor[B->primary];
  /* Shared components in the top band, in scenario order. */
  for (size_t i = 0; i < nc && global; i++) {
    const model_component *c = &sc->components[i];
    if (c->environment >= 0) continue;
    component_node(B, i, global, 0, 1);
    if (global_anchor && B->comp[i]) same_rank(B, global_anchor, B->comp[i], "global");
    invisible_edge(B, B->comp[i], B->anchor[B->primary]);
    invisible_edge(B, B->top, B->comp[i]);
  }
  /* The primary region's own components: one environment sub-cluster each,
  ** one component a row (environments in scenario order). */
  for (size_t e = 0; e < sc->n_environments; e++) {
    if (!shown_env(B, (int)e)) continue;
    for (size_t i = 0; i < nc; i++) {
      const model_component *c = &sc->components[i];
      if (c->environment != (int)e || c->region != B->primary) continue;
      if (!env_cl[e]) {
        snprintf(key, sizeof key, "env_%s_%s", sc->regions[B->primary].name,
                 sc->environments[e].name);
        snprintf(id, sizeof id, "env:%s/%s", sc->regions[B->primary].name,
                 sc->environments[e].name);
        env_cl[e] = cluster(B, B->region[B->primary], key, id, "environment");
        if (!env_cl[e]) break;
        set(env_cl[e], "label", sc->environments[e].name);
        set(env_cl[e], "style", "rounded,filled");
        set(env_cl[e], "fillcolor", "#ffffff");
        set(env_cl[e], "color", "#9db7e0");
        set(env_cl[e], "fontsize", "11");
      }
      component_node(B, i, env_cl[e], 1, 0);
      invisible_edge(B, prev, B->comp[i]);
      prev = B->comp[i];
      B->last_row = prev;
    }
  }
  /* Components of an environment that run in a standby region. */
  for (size_t i = 0; i < nc; i++) {
    const model_component *c = &sc->components[i];
    if (c->environment < 0 || c->region == B->primary || !shown_env(B, c->environment)) continue;
    if (!B->region[c->region]) continue;
    component_node(B, i, B->region[c->region], 0, 0);
    invisible_edge(B, B->anchor[c->region], B->comp[i]);
  }
  free(env_cl);
}

static void draw_replication_and_failover(builder *B)
{
  const model_scenario *sc = B->sc;
  char id[300], key[300];
  for (size_t i = 0; i < sc->n_components; i++) {
    const model_component *c = &sc->components[i];
    if (!B->comp[i]) continue;
    Agnode_t *replica = NULL;
    const model_replication *r = &c->replication;
    if (r->mode != MODEL_REPL_NONE && r->to_region >= 0 && B->region[r->to_region]) {
      snprintf(id, sizeof id, "replica:%s", c->name);
      replica = node(B, B->region[r->to_region], id);
      if (!replica) return;
      model_component_kind k = report_diagram_kind(sc, i);
      set(replica, "class", "replica");
      set(replica, "shape", kind_shape(k));
      style_box(replica, ROLE_REPLICA, k, 0);
      label_begin(B, c->name);
      label_line(B, r->mode == MODEL_REPL_PERIODIC ? "backup copies" : "replica", NULL);
      label_end(B, replica);
      snprintf(id, sizeof id, "replication:%s", c->name);
      Agedge_t *e = edge(B, B->comp[i], replica, id);
      if (!e) return;
      char cls[64];
      snprintf(cls, sizeof cls, "replication mode-%s", repl_mode_name(r->mode));
      set(e, "class", cls);
      set(e, "color", REPORT_DIAGRAM_GREEN);
      set(e, "fontcolor", REPORT_DIAGRAM_GREEN);
      set(e, "penwidth", "1.6");
      replication_label(B, c);
      if (B->lb.oom) { B->oom = 1; return; }
      set(e, "label", B->lb.s);
    }
    Agnode_t *target = c->failover.kind != MODEL_FAILOVER_NONE ? failover_target(B, i, replica)
                                                               : NULL;
    failover_edge(B, i, target);
    /* Rows: a primary component shares its rank with what it replicates
    ** or fails over to (shared components are on top already); a pool
    ** several components fail over to is tied to the first of them. */
    /* An arrow pair that does not run along a row gets ordinary labels, and
    ** dot may set both at the same place: the failover's goes by its tail. */
    if (replica && target == replica && !agsubnode(B->region[B->next_column], replica, 0)) {
      snprintf(key, sizeof key, "failover:%s", c->name);
      for (Agedge_t *fe = agfstout(B->g, B->comp[i]); fe; fe = agnxtout(B->g, fe)) {
        char *fid = agget(fe, "id");
        char *fl = agget(fe, "label");
        if (!fid || strcmp(fid, key) != 0 || !fl || !*fl) continue;
        set(fe, "taillabel", fl);
        set(fe, "label", "");
        set(fe, "labelfontcolor", REPORT_DIAGRAM_RED);
        set(fe, "labelfontsize", "9");
        set(fe, "labeldistance", "6");
        set(fe, "labelangle", "-25");
      }
    }
    Agnode_t *other = replica ? replica : target;
    /* Only next to the primary's column: a flat edge over another region's
    ** column cannot be routed; farther copies get a diagonal arrow. */
    if (other && !agsubnode(B->region[B->next_column], other, 0)) other = NULL;
    if (other && c->environment >= 0 && c->region == B->primary) {
      int pool = -1;
      for (size_t p = 0; p < sc->n_standby; p++)
        if (B->pool[p] == other) pool = (int)p;
      if (pool < 0 || !B->pool_tied[pool]) {
        snprintf(key, sizeof key, "component:%s", c->name);
        same_rank(B, B->comp[i], other, key);
        if (pool >= 0) B->pool_tied[pool] = 1;
      }
    }
  }
}

/* Dependencies: blue arrows from what is needed to what needs it. */
static void draw_depends(builder *B)
{
  const model_scenario *sc = B->sc;
  char id[600];
  for (size_t i = 0; i < sc->n_components; i++) {
    const model_component *c = &sc->components[i];
    for (size_t d = 0; d < c->n_depends_on; d++) {
      size_t j = (size_t)c->depends_on[d];
      /* Shared services are named in the label instead: arrows from the top
      ** band to every environment would cross the whole drawing. */
      if (!B->comp[i] || !B->comp[j] || sc->components[j].environment < 0) continue;
      snprintf(id, sizeof id, "depends:%s:%s", sc->components[j].name, c->name);
      Agedge_t *e = edge(B, B->comp[j], B->comp[i], id);
      if (!e) return;
      set(e, "class", "depends");
      set(e, "color", REPORT_DIAGRAM_BLUE);
      set(e, "penwidth", "0.9");
      set(e, "arrowsize", "0.6");
      set(e, "constraint", "false");
    }
  }
}

/* ---- standby pools -------------------------------------------------------- */

static void draw_pools(builder *B)
{
  const model_scenario *sc = B->sc;
  char id[300], line[256], a[48], b[48], c2[48];
  for (size_t p = 0; p < sc->n_standby; p++) {
    const model_standby *s = &sc->standby[p];
    if (!shown_env(B, s->environment) || !B->region[s->region]) continue;
    snprintf(id, sizeof id, "pool:%s", s->name);
    Agnode_t *n = node(B, B->region[s->region], id);
    if (!n) return;
    B->pool[p] = n;
    set(n, "class", "pool");
    set(n, "shape", "box3d");
    style_box(n, ROLE_STANDBY, MODEL_KIND_CLUSTER, 0);
    label_begin(B, s->name);
    snprintf(line, sizeof line, "standby pool%s%s", s->environment >= 0 ? " · " : "",
             s->environment >= 0 ? sc->environments[s->environment].name : "");
    label_line(B, line, NULL);
    /* One square a node, filled when warm (at most 20 drawn). */
    sbuf sq = {0};
    int shown = s->required_nodes < 20 ? s->required_nodes : 20;
    for (int k = 0; k < shown; k++) sb_printf(&sq, "%s", k < s->warm_nodes ? "■" : "□");
    if (shown < s->required_nodes) sb_printf(&sq, "…");
    if (sq.oom) { B->oom = 1; free(sq.s); return; }
    label_line(B, sq.s ? sq.s : "", REPORT_DIAGRAM_BLUE);
    free(sq.s);
    snprintf(line, sizeof line, "%d warm of %d required, %d to serve", s->warm_nodes,
             s->required_nodes, s->service_nodes);
    label_line(B, line, NULL);
    if (s->warm_nodes < s->required_nodes) {
      sbuf t = {0};
      sb_printf(&t, "a node ");
      sb_dist(&t, &s->provision);
      sb_printf(&t, ", %d at once", s->max_parallel);
      if (t.oom) { B->oom = 1; free(t.s); return; }
      label_line(B, t.s, NULL);
      free(t.s);
    }
    if (s->shortage_probability > 0) {
      snprintf(line, sizeof line, "capacity shortage %s", pct(s->shortage_probability, a, sizeof a));
      label_line(B, line, NULL);
    }
    const fig_pool *fp = find_fig_pool(B->fig, s->name);
    if (fp) {
      if (fp->quantiles)
        snprintf(line, sizeof line, "sim: serves p50 %s, full p50 %s, p90 %s",
                 dur(fp->service_p50, a, sizeof a), dur(fp->full_p50, b, sizeof b),
                 dur(fp->full_p90, c2, sizeof c2));
      else
        snprintf(line, sizeof line, "sim: full capacity mean %s", dur(fp->mean_full, a, sizeof a));
      label_line(B, line, SIM_COLOR);
    }
    label_end(B, n);
  }
}

/* ---- process flows ----------------------------------------------------- */

static int is_validation(const char *name)
{
  static const char *const prefixes[] = {"validate", "verify", "check", "approve", "test"};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
    if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  return 0;
}

static void number_steps(builder *B)
{
  const model_scenario *sc = B->sc;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    for (size_t k = 0; k < wf->n_steps; k++) B->step_number[wf->step_offset + wf->topo[k]] = k + 1;
  }
}

static void milestone(Agnode_t *n, const char *cls)
{
  set(n, "class", cls);
  set(n, "shape", "box");
  set(n, "peripheries", "2");
  set(n, "style", "filled,bold");
  set(n, "color", "#222222");
  set(n, "fillcolor", "#ffffff");
}

static void draw_flow(builder *B, size_t w, Agnode_t *anchor, Agraph_t *fl)
{
  const model_scenario *sc = B->sc;
  const model_workflow *wf = &sc->workflows[w];
  const model_environment *env = &sc->environments[wf->environment];
  const fig_env *fe = find_fig_env(B->fig, env->name);
  char id[600], line[256], a[48], b[48], c[48];
  Agnode_t **nodes = calloc(wf->n_steps ? wf->n_steps : 1, sizeof *nodes);
  int *needed = calloc(wf->n_steps ? wf->n_steps : 1, sizeof *needed);
  if (!nodes || !needed) {
    free(nodes);
    free(needed);
    B->oom = 1;
    return;
  }
  /* Detection: the disaster strikes, monitoring notices. */
  snprintf(id, sizeof id, "detection:%s", env->name);
  Agnode_t *det = node(B, fl, id);
  if (!det) goto done;
  set(det, "class", "detection");
  set(det, "shape", "box");
  set(det, "style", "filled,rounded");
  set(det, "color", REPORT_DIAGRAM_YELLOW);
  set(det, "fillcolor", REPORT_DIAGRAM_YELLOW_FILL);
  label_begin(B, "disaster → detection");
  {
    sbuf t = {0};
    sb_dist(&t, &wf->detection);
    if (t.oom) { B->oom = 1; free(t.s); goto done; }
    label_line(B, t.s, NULL);
    free(t.s);
    if (wf->wait_for_primary_s > 0) {
      snprintf(line, sizeof line, "then waits up to %s for the primary",
               dur(wf->wait_for_primary_s, a, sizeof a));
      label_line(B, line, NULL);
    }
  }
  label_end(B, det);
  invisible_edge(B, anchor, det);

  /* RPO milestone beside the detection: data lost at t = 0. */
  snprintf(id, sizeof id, "rpo:%s", env->name);
  Agnode_t *rpo = node(B, fl, id);
  if (!rpo) goto done;
  milestone(rpo, "milestone rpo");
  if (isfinite(env->rpo_s)) snprintf(line, sizeof line, "⚑ RPO objective ≤ %s", dur(env->rpo_s, a, sizeof a));
  else snprintf(line, sizeof line, "⚑ RPO: no objective");
  label_begin(B, line);
  if (fe && fe->has_rpo) {
    snprintf(line, sizeof line, "sim p50 %s, p95 %s", dur(fe->rpo_p50.est, a, sizeof a),
             dur(fe->rpo_p95.est, b, sizeof b));
    label_line(B, line, SIM_COLOR);
    if (!isnan(fe->rpo_meet.est)) {
      snprintf(line, sizeof line, "met in %s of trials", pct(fe->rpo_meet.est, c, sizeof c));
      label_line(B, line, SIM_COLOR);
    }
  } else {
    label_line(B, "data lost at the disaster", NULL);
  }
  label_end(B, rpo);
  same_rank(B, det, rpo, id);
  invisible_edge(B, det, rpo);

  /* A step "needed" by another step that counts for the RTO is not a last
  ** step; after_restore steps come after the RTO milestone. */
  for (size_t k = 0; k < wf->n_steps; k++)
    for (size_t j = 0; j < wf->steps[k].n_needs_steps; j++)
      if (!wf->steps[k].after_restore) needed[wf->steps[k].needs_steps[j]] = 1;

  for (size_t t = 0; t < wf->n_steps; t++) {
    size_t k = wf->topo[t];
    const model_step *s = &wf->steps[k];
    snprintf(id, sizeof id, "step:%s/%s", env->name, s->name);
    Agnode_t *n = node(B, fl, id);
    if (!n) goto done;
    nodes[k] = n;
    int diamond = s->manual || is_validation(s->name);
    snprintf(line, sizeof line, "step %s%s%s%s", s->manual ? "manual" : "automated",
             is_validation(s->name) ? " validation" : "", s->standby >= 0 ? " standby" : "",
             s->after_restore ? " after-restore" : "");
    set(n, "class", line);
    set(n, "shape", diamond ? "diamond" : "box");
    set(n, "style", diamond ? "filled" : "filled,rounded");
    set(n, "color", REPORT_DIAGRAM_ORANGE);
    set(n, "fillcolor", s->manual ? REPORT_DIAGRAM_MANUAL_FILL : REPORT_DIAGRAM_ORANGE_FILL);
    set(n, "penwidth", s->manual ? "2" : "1.2");
    if (s->after_restore) set(n, "style", diamond ? "filled,dashed" : "filled,rounded,dashed");
    if (diamond) set(n, "margin", "0.02,0.02");
    snprintf(line, sizeof line, "%zu  %s", t + 1, s->name);
    label_begin(B, line);
    sbuf d = {0};
    if (s->standby >= 0) {
      const model_standby *p = &sc->standby[s->standby];
      if (s->until == MODEL_UNTIL_SERVICE)
        sb_printf(&d, "scale %s until it serves (%d nodes)", p->name, p->service_nodes);
      else
        sb_printf(&d, "scale %s: %d nodes", p->name, p->required_nodes - p->warm_nodes);
    } else if (s->has_oncall && sc->oncall.enabled) {
      sb_printf(&d, s->manual ? "manual · " : "");
      sb_printf(&d, "in hours ");
      sb_dist(&d, &s->business_hours);
      label_line(B, d.s ? d.s : "", NULL);
      sb_reset(&d);
      sb_printf(&d, "off hours ");
      sb_dist(&d, &s->off_hours);
    } else {
      sb_printf(&d, "%s", s->manual ? "manual · " : "");
      sb_dist(&d, &s->duration);
    }
    if (d.oom) { B->oom = 1; free(d.s); goto done; }
    label_line(B, d.s ? d.s : "", NULL);
    sb_reset(&d);
    if (s->failure_probability > 0) {
      sb_printf(&d, "fails %s", pct(s->failure_probability, a, sizeof a));
      if (s->retry_max > 0) sb_printf(&d, ", %d retr%s", s->retry_max, s->retry_max == 1 ? "y" : "ies");
      label_line(B, d.s ? d.s : "", NULL);
      sb_reset(&d);
    }
    if (s->has_if_lost) {
      sb_printf(&d, "only if lost:");
      for (size_t j = 0; j < s->n_if_lost_components; j++)
        sb_printf(&d, "%s %s", j ? "," : "", sc->components[s->if_lost_components[j]].name);
      for (size_t j = 0; j < s->n_if_lost_regions; j++)
        sb_printf(&d, "%s %s", j || s->n_if_lost_components ? "," : "",
                  sc->regions[s->if_lost_regions[j]].name);
      label_line(B, d.s ? d.s : "", NULL);
      sb_reset(&d);
    }
    if (s->after_restore) {
      label_line(B, "after service is restored (not in the RTO)", NULL);
    }
    /* needs across workflows: an arrow when that flow is drawn, else text */
    for (size_t j = 0; j < s->n_needs_ext; j++) {
      const model_workflow *ow = &sc->workflows[s->needs_ext[j].workflow];
      if (shown_env(B, ow->environment) && B->env < 0) continue;
      sb_printf(&d, "after %s/%s", sc->environments[ow->environment].name,
                ow->steps[s->needs_ext[j].step].name);
      label_line(B, d.s ? d.s : "", NULL);
      sb_reset(&d);
    }
    if (s->n_needs_components > 0) {
      sb_printf(&d, "waits for ");
      for (size_t j = 0; j < s->n_needs_components; j++)
        sb_printf(&d, "%s%s", j ? ", " : "", sc->components[s->needs_components[j]].name);
      label_line(B, d.s ? d.s : "", NULL);
      sb_reset(&d);
    }
    const fig_step *fs = find_fig_step(B->fig, env->name, s->name);
    if (fs) {
      if (fs->quantiles)
        sb_printf(&d, "sim p50 %s, p95 %s", dur(fs->p50, a, sizeof a), dur(fs->p95, b, sizeof b));
      else
        sb_printf(&d, "sim mean %s", dur(fs->mean, a, sizeof a));
      label_line(B, d.s ? d.s : "", SIM_COLOR);
      sb_reset(&d);
      sb_printf(&d, "critical in %s", pct(fs->criticality, a, sizeof a));
      label_line(B, d.s ? d.s : "", SIM_COLOR);
    }
    if (d.oom) B->oom = 1;
    free(d.s);
    label_end(B, n);
  }
  /* needs: process arrows; roots are alerted by the detection. */
  for (size_t k = 0; k < wf->n_steps; k++) {
    const model_step *s = &wf->steps[k];
    if (s->n_needs_steps == 0) {
      snprintf(id, sizeof id, "alert:%s/%s", env->name, s->name);
      Agedge_t *e = edge(B, det, nodes[k], id);
      if (!e) goto done;
      set(e, "class", "alert");
      set(e, "color", REPORT_DIAGRAM_YELLOW);
      set(e, "penwidth", "1.6");
    }
    for (size_t j = 0; j < s->n_needs_steps; j++) {
      size_t q = s->needs_steps[j];
      snprintf(id, sizeof id, "needs:%s/%s:%s", env->name, wf->steps[q].name, s->name);
      Agedge_t *e = edge(B, nodes[q], nodes[k], id);
      if (!e) goto done;
      set(e, "class", "needs");
      set(e, "color", REPORT_DIAGRAM_ORANGE);
      set(e, "penwidth", "1.3");
    }
  }
  /* RTO milestone after the last steps. */
  snprintf(id, sizeof id, "rto:%s", env->name);
  Agnode_t *rto = node(B, fl, id);
  if (!rto) goto done;
  milestone(rto, "milestone rto");
  if (isfinite(env->rto_s)) snprintf(line, sizeof line, "⚑ RTO objective ≤ %s", dur(env->rto_s, a, sizeof a));
  else snprintf(line, sizeof line, "⚑ recovered: no RTO objective");
  label_begin(B, line);
  if (fe && fe->has_rto) {
    snprintf(line, sizeof line, "sim p50 %s, p95 %s", dur(fe->rto_p50.est, a, sizeof a),
             dur(fe->rto_p95.est, b, sizeof b));
    label_line(B, line, SIM_COLOR);
    if (!isnan(fe->rto_meet.est)) {
      snprintf(line, sizeof line, "met in %s of trials", pct(fe->rto_meet.est, c, sizeof c));
      label_line(B, line, SIM_COLOR);
    }
  } else {
    label_line(B, "every step done", NULL);
  }
  label_end(B, rto);
  for (size_t k = 0; k < wf->n_steps; k++) {
    if (needed[k] || wf->steps[k].after_restore) continue;
    snprintf(id, sizeof id, "milestone:%s/%s", env->name, wf->steps[k].name);
    Agedge_t *e = edge(B, nodes[k], rto, id);
    if (!e) goto done;
    set(e, "class", "milestone-link");
    set(e, "color", "#222222");
    set(e, "style", "dashed");
  }
  /* after_restore steps are drawn below the RTO milestone. */
  for (size_t k = 0; k < wf->n_steps; k++)
    if (wf->steps[k].after_restore) invisible_edge(B, rto, nodes[k]);
done:
  free(nodes);
  free(needed);
}

/* ---- legend ------------------------------------------------------------ */

static Agnode_t *draw_legend(builder *B, Agraph_t *in)
{
  Agnode_t *n = node(B, in, "legend");
  if (!n) return NULL;
  set(n, "class", "legend");
  set(n, "shape", "plain");
  sbuf *s = &B->lb;
  sb_reset(s);
  sb_printf(s, "<TABLE BORDER=\"1\" COLOR=\"#999999\" CELLBORDER=\"0\" CELLSPACING=\"2\" "
               "CELLPADDING=\"2\"><TR><TD COLSPAN=\"2\"><B>legend</B></TD></TR>");
  static const struct { const char *color, *text; } rows[] = {
    {REPORT_DIAGRAM_BLUE, "blue: active service (solid); normal flow"},
    {REPORT_DIAGRAM_LIGHTBLUE, "light blue: standby service, pool (dashed)"},
    {REPORT_DIAGRAM_GREEN, "green: replica, backup (dotted); replication"},
    {REPORT_DIAGRAM_RED, "red: failover"},
    {REPORT_DIAGRAM_YELLOW, "yellow: monitoring, detection"},
    {REPORT_DIAGRAM_PURPLE, "purple: network, DNS"},
    {REPORT_DIAGRAM_ORANGE, "orange: recovery step; diamond: manual or validation"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    sb_printf(s, "<TR><TD BGCOLOR=\"%s\" WIDTH=\"14\"> </TD><TD ALIGN=\"LEFT\"><FONT "
                 "POINT-SIZE=\"9\">%s</FONT></TD></TR>",
              rows[i].color, rows[i].text);
  sb_printf(s, "</TABLE>");
  if (s->oom) { B->oom = 1; return n; }
  set_html_label(B, n, s->s);
  return n;
}

/* ---- the whole graph ------------------------------------------------------ */

static const char *disaster_text(const model_scenario *sc, char *buf, size_t n)
{
  const model_disaster *d = &sc->disaster;
  switch (d->type) {
  case MODEL_DISASTER_ZONE:
    snprintf(buf, n, "disaster: zone %d outage", d->zone);
    break;
  case MODEL_DISASTER_COMPONENT:
    snprintf(buf, n, "disaster: %s fails", d->component >= 0 ? sc->components[d->component].name : "?");
    break;
  default:
    snprintf(buf, n, "disaster: region outage");
  }
  return buf;
}

static Agraph_t *build(builder *B)
{
  const model_scenario *sc = B->sc;
  char name[300], id[300], label[400], dis[200];
  Agraph_t *g = agopen((char *)(sc->name ? sc->name : "drsim"), Agdirected, NULL);
  if (!g) { B->oom = 1; return NULL; }
  B->g = g;
  set(g, "newrank", "true");
  set(g, "rankdir", "TB");
  set(g, "compound", "true");
  set(g, "nodesep", "0.3");
  set(g, "ranksep", "0.35");
  set(g, "fontname", "sans-serif");
  set(g, "fontsize", "13");
  set(g, "pad", "0.2");
  set(g, "bgcolor", "white");
  set(g, "labelloc", "t");
  set(g, "labeljust", "l");
  snprintf(label, sizeof label, "%s: disaster-recovery architecture and recovery workflows%s%s",
           sc->name ? sc->name : "scenario", B->env >= 0 ? " · " : "",
           B->env >= 0 ? sc->environments[B->env].name : "");
  set(g, "label", label);
  agattr(g, AGNODE, "fontname", "sans-serif");
  agattr(g, AGNODE, "fontsize", "11");
  agattr(g, AGNODE, "margin", "0.1,0.04");
  agattr(g, AGEDGE, "fontname", "sans-serif");
  agattr(g, AGEDGE, "fontsize", "9");
  agattr(g, AGEDGE, "arrowsize", "0.7");

  /* Graphviz 2.43 frees a wrong pointer when a labelled flat edge lies on
  ** the first rank; an invisible node alone on that rank avoids it. */
  B->top = anchor_node(B, g, "top");
  if (!B->top) return g;

  /* Which regions to draw: the primary, and a standby region when something
  ** of the shown environments lives or lands there. */
  B->primary = -1;
  B->default_standby = -1;
  for (size_t r = 0; r < sc->n_regions; r++) {
    if (sc->regions[r].primary && B->primary < 0) B->primary = (int)r;
    if (!sc->regions[r].primary && B->default_standby < 0) B->default_standby = (int)r;
  }
  if (B->primary < 0) return g;
  B->next_column = B->primary;
  B->region_used[B->primary] = 1;
  for (size_t i = 0; i < sc->n_components; i++) {
    const model_component *c = &sc->components[i];
    if (!shown_env(B, c->environment)) continue;
    if (c->environment >= 0) B->region_used[c->region] = 1;
    if (c->replication.mode != MODEL_REPL_NONE && c->replication.to_region >= 0)
      B->region_used[c->replication.to_region] = 1;
    if (c->failover.kind != MODEL_FAILOVER_NONE && B->default_standby >= 0)
      B->region_used[B->default_standby] = 1;
  }
  for (size_t p = 0; p < sc->n_standby; p++)
    if (shown_env(B, sc->standby[p].environment)) B->region_used[sc->standby[p].region] = 1;

  /* Shared band on top. */
  Agraph_t *global = NULL;
  Agnode_t *legend = NULL;
  for (size_t i = 0; i < sc->n_components; i++)
    if (sc->components[i].environment < 0) {
      global = cluster(B, g, "global", "global", "global");
      break;
    }
  if (global) {
    set(global, "label", "global and shared services (every environment)");
    set(global, "style", "rounded,filled");
    set(global, "fillcolor", "#fafafa");
    set(global, "color", "#888888");
  }

  /* Regions, primary first, and their anchors on one rank. */
  Agraph_t *anchors = agsubg(g, "rank:anchors", 1);
  if (!anchors) { B->oom = 1; return g; }
  set(anchors, "rank", "same");
  for (int pass = 0; pass < 2; pass++)
    for (size_t r = 0; r < sc->n_regions; r++) {
      if ((pass == 0) != ((int)r == B->primary) || !B->region_used[r]) continue;
      const model_region *rg = &sc->regions[r];
      snprintf(name, sizeof name, "region_%s", rg->name);
      snprintf(id, sizeof id, "region:%s", rg->name);
      Agraph_t *cl = cluster(B, g, name, id, pass == 0 ? "region primary" : "region standby");
      if (!cl) return g;
      B->region[r] = cl;
      if (pass == 1 && B->next_column == B->primary) B->next_column = (int)r;
      if (pass == 0)
        snprintf(label, sizeof label, "%s · primary region · %s", rg->name,
                 disaster_text(sc, dis, sizeof dis));
      else
        snprintf(label, sizeof label, "%s · standby region", rg->name);
      set(cl, "label", "");
      set(cl, "style", pass == 0 ? "rounded,filled,bold" : "rounded,filled,dashed");
      set(cl, "color", pass == 0 ? REPORT_DIAGRAM_BLUE : REPORT_DIAGRAM_LIGHTBLUE);
      set(cl, "fillcolor", pass == 0 ? "#f3f7fe" : "#f7fbff");
      if (pass == 0) set(cl, "fontcolor", REPORT_DIAGRAM_BLUE);
      /* The region's title is its anchor node rather than the cluster's
      ** label: dot keeps edge labels off nodes, not off cluster labels. */
      B->anchor[r] = anchor_node(B, cl, rg->name);
      if (!B->anchor[r]) return g;
      set(B->anchor[r], "style", "");
      set(B->anchor[r], "shape", "plaintext");
      set(B->anchor[r], "class", "anchor region-title");
      set(B->anchor[r], "width", "0");
      set(B->anchor[r], "height", "0");
      set(B->anchor[r], "fontsize", "13");
      set(B->anchor[r], "fontcolor", pass == 0 ? REPORT_DIAGRAM_BLUE : "#2a6f9e");
      set(B->anchor[r], "label", label);
      if (pass == 1 && B->next_column != (int)r) {
        /* Stacked below the first standby region (see the end). */
        B->stacked[B->n_stacked++] = (int)r;
        continue;
      }
      agsubnode(anchors, B->anchor[r], 1);
      invisible_edge(B, B->top, B->anchor[r]);
    }

  if (global) legend = draw_legend(B, global);
  number_steps(B);
  for (size_t w = 0; w < sc->n_workflows; w++)
    if (shown_env(B, sc->workflows[w].environment)) B->n_flows_shown++;

  draw_pools(B);
  draw_components(B, global, legend);
  draw_replication_and_failover(B);
  draw_depends(B);
  /* Graphviz 2.43 corrupts its rank arrays when it places the label of a
  ** flat edge (between nodes on one rank) across clusters; the labels of
  ** the row edges become external labels (xlabel), and minlen keeps the
  ** columns apart enough to hold them. */
  for (Agraph_t *sg = agfstsubg(g); sg; sg = agnxtsubg(sg)) {
    if (strncmp(agnameof(sg), "rank:component:", 15) != 0) continue;
    for (Agnode_t *a = agfstnode(sg); a; a = agnxtnode(sg, a))
      for (Agedge_t *e = agfstout(g, a); e; e = agnxtout(g, e)) {
        if (!agsubnode(sg, aghead(e), 0)) continue;
        char *l = agget(e, "label");
        if (!l || !*l) continue;
        /* minlen counts nodesep (0.3 in = 21.6 pt); leave room for about
        ** 1.6 widths of the longest label line (9 pt text, ~5.2 pt a
        ** character), as the placer may set it beside the middle. */
        size_t longest = 0, cur = 0;
        for (const char *q = l; ; q++) {
          if (*q == '\n' || !*q) {
            if (cur > longest) longest = cur;
            cur = 0;
            if (!*q) break;
          } else if (((unsigned char)*q & 0xC0) != 0x80) {
            cur++;
          }
        }
        int minlen = (int)((1.6 * 5.2 * (double)longest + 20.0) / 21.6) + 1;
        char ml[16];
        snprintf(ml, sizeof ml, "%d", minlen < 7 ? 7 : minlen);
        set(e, "xlabel", l);
        set(e, "label", "");
        set(e, "minlen", ml);
      }
  }
  /* Nodes in standby regions without a row hang close below the anchor. */
  for (size_t r = 0; r < sc->n_regions; r++) {
    if (!B->region[r] || (int)r == B->primary) continue;
    for (Agnode_t *n = agfstnode(B->region[r]); n; n = agnxtnode(B->region[r], n)) {
      if (n == B->anchor[r]) continue;
      int ranked = 0;
      for (Agraph_t *sg = agfstsubg(g); sg && !ranked; sg = agnxtsubg(sg))
        if (strncmp(agnameof(sg), "rank:", 5) == 0 && sg != anchors && agsubnode(sg, n, 0))
          ranked = 1;
      if (ranked) continue;
      Agedge_t *e = edge(B, B->anchor[r], n, NULL);
      if (e) {
        set(e, "style", "invis");
        set(e, "weight", "10");
      }
    }
  }

  /* Further standby regions go below the first one, in the same column: an
  ** arrow from the primary to a region beyond the first would cross the
  ** first region's cluster, which dot avoids by reordering the columns.
  ** Each stacked region's anchor lies below the primary's last row and
  ** every node of the region above it (the short edges also pull it under
  ** that region), and its own nodes lie below its anchor. */
  Agraph_t *above = B->next_column != B->primary ? B->region[B->next_column] : NULL;
  for (size_t k = 0; k < B->n_stacked && above; k++) {
    int r = B->stacked[k];
    Agnode_t *an = B->anchor[r];
    if (B->last_row) invisible_edge(B, B->last_row, an);
    for (Agnode_t *n = agfstnode(above); n; n = agnxtnode(above, n)) {
      invisible_edge(B, n, an);
    }
    above = B->region[r];
  }

  /* The process flows, right of the regions. */
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    if (!shown_env(B, wf->environment)) continue;
    const char *en = sc->environments[wf->environment].name;
    snprintf(name, sizeof name, "flow_%s", en);
    snprintf(id, sizeof id, "flow:%s", en);
    Agraph_t *fl = cluster(B, g, name, id, "flow");
    if (!fl) return g;
    snprintf(label, sizeof label, "%s recovery workflow", en);
    set(fl, "label", label);
    set(fl, "style", "rounded,filled");
    set(fl, "color", REPORT_DIAGRAM_ORANGE);
    set(fl, "fillcolor", "#fffaf3");
    set(fl, "fontcolor", "#a35a00");
    snprintf(name, sizeof name, "flow-%s", en);
    Agnode_t *an = anchor_node(B, fl, name);
    if (!an) return g;
    B->flows[B->n_flows++] = fl;
    draw_flow(B, w, an, fl);
  }
  /* needs across workflows (ENV/STEP), when both flows are drawn. */
  for (size_t w = 0; B->env < 0 && w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    const char *en = sc->environments[wf->environment].name;
    for (size_t k = 0; k < wf->n_steps; k++)
      for (size_t j = 0; j < wf->steps[k].n_needs_ext; j++) {
        const model_workflow *ow = &sc->workflows[wf->steps[k].needs_ext[j].workflow];
        const char *on = sc->environments[ow->environment].name;
        const char *os = ow->steps[wf->steps[k].needs_ext[j].step].name;
        char tail[600], head[600], eid[1300];
        snprintf(tail, sizeof tail, "step:%s/%s", on, os);
        snprintf(head, sizeof head, "step:%s/%s", en, wf->steps[k].name);
        snprintf(eid, sizeof eid, "needs:%s/%s:%s/%s", on, os, en, wf->steps[k].name);
        Agedge_t *e = edge(B, agnode(g, tail, 0), agnode(g, head, 0), eid);
        if (!e) continue;
        set(e, "class", "needs cross-flow");
        set(e, "color", REPORT_DIAGRAM_ORANGE);
        set(e, "style", "dashed");
        set(e, "penwidth", "1.3");
        set(e, "constraint", "false");
      }
  }
  return g;
}

/* ---- mirroring -------------------------------------------------------- */

static int in_flow(const builder *B, Agnode_t *n)
{
  for (size_t f = 0; f < B->n_flows; f++)
    if (agsubnode(B->flows[f], n, 0)) return 1;
  return 0;
}

static int is_flow(const builder *B, Agraph_t *sg)
{
  for (size_t f = 0; f < B->n_flows; f++)
    if (B->flows[f] == sg) return 1;
  return 0;
}

static void mirror_label(textlabel_t *l, double m)
{
  if (l) l->pos.x = m - l->pos.x;
}

static void mirror_cluster(Agraph_t *sg, double m)
{
  boxf bb = GD_bb(sg);
  GD_bb(sg).LL.x = m - bb.UR.x;
  GD_bb(sg).UR.x = m - bb.LL.x;
  mirror_label(GD_label(sg), m);
  for (int i = 1; i <= GD_n_cluster(sg); i++) mirror_cluster(GD_clust(sg)[i], m);
}

/* After the layout: when the primary region came out right of the first
** standby region, mirror everything but the process flows about the middle
** of their extent (nodes, edges with their labels, clusters). */
static void orient(builder *B)
{
  Agraph_t *g = B->g;
  if (B->primary < 0 || B->next_column == B->primary) return;
  if (GD_bb(B->region[B->primary]).LL.x < GD_bb(B->region[B->next_column]).LL.x) return;
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 1; i <= GD_n_cluster(g); i++) {
    Agraph_t *sg = GD_clust(g)[i];
    if (is_flow(B, sg)) continue;
    if (GD_bb(sg).LL.x < lo) lo = GD_bb(sg).LL.x;
    if (GD_bb(sg).UR.x > hi) hi = GD_bb(sg).UR.x;
  }
  for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
    if (in_flow(B, n)) continue;
    if (ND_coord(n).x - ND_lw(n) < lo) lo = ND_coord(n).x - ND_lw(n);
    if (ND_coord(n).x + ND_rw(n) > hi) hi = ND_coord(n).x + ND_rw(n);
    for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
      splines *spl = ED_spl(e);
      for (int b = 0; spl && b < spl->size; b++)
        for (int k = 0; k < spl->list[b].size; k++) {
          if (spl->list[b].list[k].x < lo) lo = spl->list[b].list[k].x;
          if (spl->list[b].list[k].x > hi) hi = spl->list[b].list[k].x;
        }
    }
  }
  if (!(lo < hi)) return;
  double m = lo + hi;
  for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
    if (in_flow(B, n)) continue;
    ND_coord(n).x = m - ND_coord(n).x;
    mirror_label(ND_xlabel(n), m);
    for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
      splines *spl = ED_spl(e);
      for (int b = 0; spl && b < spl->size; b++) {
        bezier *bz = &spl->list[b];
        for (int k = 0; k < bz->size; k++) bz->list[k].x = m - bz->list[k].x;
        bz->sp.x = m - bz->sp.x;
        bz->ep.x = m - bz->ep.x;
      }
      mirror_label(ED_label(e), m);
      mirror_label(ED_xlabel(e), m);
      mirror_label(ED_head_label(e), m);
      mirror_label(ED_tail_label(e), m);
    }
  }
  for (int i = 1; i <= GD_n_cluster(g); i++)
    if (!is_flow(B, GD_clust(g)[i])) mirror_cluster(GD_clust(g)[i], m);
}

/* The one Graphviz context of the process. Graphviz 2.43's text layout
** (pango plugin) keeps a pointer to the last font name it measured, which
** lives in the context: after gvFreeContext the next context reads freed
** memory. So the context is made once and kept until exit (valgrind counts
** it as still reachable, not lost); this is the module's only state. */
static GVC_t *shared_context(void)
{
  static GVC_t *gvc;
  if (!gvc) gvc = gvContext();
  return gvc;
}

int report_diagram_render(const model_scenario *sc, const report_diagram_options *opt,
                          report_diagram_format format, char **data, size_t *len,
                          report_error *err)
{
  *data = NULL;
  *len = 0;
  builder B = {0};
  B.sc = sc;
  B.env = -1;
  if (opt && opt->environment) {
    B.env = model_scenario_find_environment(sc, opt->environment);
    if (B.env < 0) {
      if (err) snprintf(err->text, sizeof err->text, "'%s' is not an environment of scenario %s",
                        opt->environment, sc->name ? sc->name : "?");
      return REPORT_EINVAL;
    }
  }
  B.fig = opt ? opt->figures : NULL;
  size_t nr = sc->n_regions ? sc->n_regions : 1;
  B.comp = calloc(sc->n_components ? sc->n_components : 1, sizeof *B.comp);
  B.pool = calloc(sc->n_standby ? sc->n_standby : 1, sizeof *B.pool);
  B.pool_tied = calloc(sc->n_standby ? sc->n_standby : 1, sizeof *B.pool_tied);
  B.region = calloc(nr, sizeof *B.region);
  B.anchor = calloc(nr, sizeof *B.anchor);
  B.region_used = calloc(nr, sizeof *B.region_used);
  B.stacked = calloc(nr, sizeof *B.stacked);
  B.flows = calloc(sc->n_workflows ? sc->n_workflows : 1, sizeof *B.flows);
  B.step_number = calloc(sc->n_steps_total ? sc->n_steps_total : 1, sizeof *B.step_number);
  int rc = REPORT_OK;
  GVC_t *gvc = NULL;
  Agraph_t *g = NULL;
  if (!B.comp || !B.pool || !B.pool_tied || !B.region || !B.anchor || !B.region_used || !B.stacked || !B.flows || !B.step_number) {
    B.oom = 1;
  } else {
    g = build(&B);
  }
  if (B.oom || !g) {
    if (err) snprintf(err->text, sizeof err->text, "out of memory building the diagram");
    rc = REPORT_ENOMEM;
    goto done;
  }
  gvc = shared_context();
  if (!gvc) {
    if (err) snprintf(err->text, sizeof err->text, "cannot start Graphviz");
    rc = REPORT_ENOMEM;
    goto done;
  }
  if (gvLayout(gvc, g, "dot") != 0) {
    if (err) snprintf(err->text, sizeof err->text, "Graphviz could not lay out the diagram");
    rc = REPORT_EINVAL;
    goto done;
  }
  orient(&B);
  const char *fmt = format == REPORT_DIAGRAM_PNG ? "png" : format == REPORT_DIAGRAM_DOT ? "dot" : "svg";
  char *buf = NULL;
  unsigned int n = 0;
  if (gvRenderData(gvc, g, fmt, &buf, &n) != 0 || !buf) {
    if (err)
      snprintf(err->text, sizeof err->text, "Graphviz has no '%s' renderer (is the graphviz "
               "package with its cairo plugin installed?)", fmt);
    rc = REPORT_EINVAL;
    gvFreeLayout(gvc, g);
    goto done;
  }
  *data = malloc((size_t)n + 1);
  if (*data) {
    memcpy(*data, buf, n);
    (*data)[n] = '\0';
    *len = n;
  } else {
    if (err) snprintf(err->text, sizeof err->text, "out of memory rendering the diagram");
    rc = REPORT_ENOMEM;
  }
  gvFreeRenderData(buf);
  gvFreeLayout(gvc, g);
done:
  if (g) agclose(g);
  free(B.lb.s);
  free(B.comp);
  free(B.pool);
  free(B.pool_tied);
  free(B.region);
  free(B.anchor);
  free(B.region_used);
  free(B.stacked);
  free(B.flows);
  free(B.step_number);
  return rc;
}

/* ------------------------------------------------------------ HTML */

static void put_escaped(FILE *out, const char *t)
{
  for (; t && *t; t++) {
    switch (*t) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    default: fputc(*t, out);
    }
  }
}

int report_diagram_write_inline(FILE *out, const char *svg, const char *title)
{
  const char *start = svg ? strstr(svg, "<svg") : NULL;
  if (!start) return REPORT_EIO;
  const char *open_end = strchr(start, '>');
  if (!open_end) return REPORT_EIO;
  /* "<svg" + our attributes + Graphviz's attributes + ">" + <title>.
  ** Graphviz sizes the drawing in points; on a page 1 pt of the layout
  ** becomes 1 px (11 pt labels read as 11 px), so "pt" is dropped from the
  ** width and height. */
  fputs("<svg data-chart=\"architecture\" class=\"chart diagram\" role=\"img\"", out);
  for (const char *q = start + 4; q < open_end; q++) {
    if (q + 3 <= open_end && q[0] == 'p' && q[1] == 't' && q[2] == '"' && q > start + 4 &&
        isdigit((unsigned char)q[-1]))
    {
      q += 1;   /* skip "pt", keep the quote */
      continue;
    }
    fputc(*q, out);
  }
  fputs(">\n<title>", out);
  put_escaped(out, title);
  fputs("</title>", out);
  fputs(open_end + 1, out);
  if (ferror(out)) return REPORT_EIO;
  return REPORT_OK;
}

int report_diagram_write_html(FILE *out, const char *svg, const char *title)
{
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"drsim-charts\" content=\"architecture\">\n<title>", out);
  put_escaped(out, title);
  fputs("</title>\n<style>body{font-family:sans-serif;margin:16px}"
        "svg.diagram{max-width:100%;height:auto}</style>\n</head>\n<body>\n", out);
  int rc = report_diagram_write_inline(out, svg, title);
  fputs("</body>\n</html>\n", out);
  if (rc != REPORT_OK || fflush(out) != 0 || ferror(out)) return REPORT_EIO;
  return REPORT_OK;
}
