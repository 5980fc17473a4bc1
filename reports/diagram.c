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
#include "reports/diagram_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graphviz/gvc.h>
#include "reports/md.h"
#include "reports/stats.h"

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

/* Each environment's objectives and simulated RTO / RPO figures into f;
** -1 when out of memory (*oom set by a failed copy). */
static int load_env_figures(report_diagram_figures *f, const report_summary *s, int *oom)
{
  const report_run *run = report_summary_run(s);
  const report_summary_row *rows;
  size_t nr = report_summary_rows(s, &rows);
  f->env = calloc(run->n_environments ? run->n_environments : 1, sizeof *f->env);
  if (!f->env) return -1;
  f->n_env = run->n_environments;
  for (size_t e = 0; e < run->n_environments; e++) {
    fig_env *fe = &f->env[e];
    fe->name = dup_or_null(run->environments[e].name, oom);
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
  return 0;
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
  int detail = report_store_run_has_detail(st, run);

  if (load_env_figures(f, s, &oom)) goto nomem;

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

const fig_env *diagram_find_fig_env(const report_diagram_figures *f, const char *name)
{
  for (size_t i = 0; f && i < f->n_env; i++)
    if (f->env[i].name && strcmp(f->env[i].name, name) == 0) return &f->env[i];
  return NULL;
}

const fig_step *diagram_find_fig_step(const report_diagram_figures *f, const char *env,
                                     const char *name)
{
  for (size_t i = 0; f && i < f->n_step; i++)
    if (f->step[i].environment && f->step[i].name && strcmp(f->step[i].environment, env) == 0 &&
        strcmp(f->step[i].name, name) == 0)
      return &f->step[i];
  return NULL;
}

const fig_comp *diagram_find_fig_comp(const report_diagram_figures *f, const char *name)
{
  for (size_t i = 0; f && i < f->n_comp; i++)
    if (f->comp[i].name && strcmp(f->comp[i].name, name) == 0) return &f->comp[i];
  return NULL;
}

const fig_pool *diagram_find_fig_pool(const report_diagram_figures *f, const char *name)
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

const char *diagram_kind_shape(model_component_kind k)
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
    g = diagram_build(&B);
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
