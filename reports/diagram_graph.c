/*
** reports/diagram_graph.c — the architecture diagram's graph (see
** reports/diagram.c for how dot is asked to place it): label text, graph
** helpers, components with their replicas and failovers, dependencies,
** and standby pools. Part of the diagram
** module (reports/diagram.h).
*/
#include "reports/diagram_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reports/md.h"

/* ------------------------------------------------------------ text */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void diagram_sb_printf(sbuf *b, const char *fmt, ...)
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
void diagram_sb_html(sbuf *b, const char *t)
{
  for (; t && *t; t++) {
    switch (*t) {
    case '&': diagram_sb_printf(b, "&amp;"); break;
    case '<': diagram_sb_printf(b, "&lt;"); break;
    case '>': diagram_sb_printf(b, "&gt;"); break;
    case '"': diagram_sb_printf(b, "&quot;"); break;
    default: diagram_sb_printf(b, "%c", *t);
    }
  }
}

void diagram_sb_reset(sbuf *b)
{
  b->len = 0;
  if (b->s) b->s[0] = '\0';
}

const char *diagram_dur(double s, char *buf, size_t n) { return report_md_format_duration(s, buf, n); }

const char *diagram_pct(double f, char *buf, size_t n)
{
  if (isnan(f)) snprintf(buf, n, "-");
  else if (f > 0 && f < 0.001) snprintf(buf, n, "< 0.1 %%");
  else snprintf(buf, n, "%.*f %%", f >= 0.995 || f == 0 ? 0 : 1, 100.0 * f);
  return buf;
}

/* "p50 X, p95 Y" of a distribution. */
void diagram_sb_dist(sbuf *b, const model_dist *d)
{
  char x[48], y[48];
  if (d->kind == MODEL_DIST_CONSTANT) {
    diagram_sb_printf(b, "%s", diagram_dur(d->p[0], x, sizeof x));
    return;
  }
  diagram_sb_printf(b, "p50 %s, p95 %s", diagram_dur(model_dist_quantile(d, 0.5), x, sizeof x),
            diagram_dur(model_dist_quantile(d, 0.95), y, sizeof y));
}

/* ------------------------------------------------------------ graph */


void diagram_set(void *obj, const char *name, const char *value)
{
  agsafeset(obj, (char *)name, (char *)value, "");
}

/* An HTML-like label (the text is already escaped). */
void diagram_set_html_label(builder *B, void *obj, const char *html)
{
  char *h = agstrdup_html(B->g, (char *)html);
  if (!h) { B->oom = 1; return; }
  agsafeset(obj, "label", h, "");
  agstrfree(B->g, h);
}

Agnode_t *diagram_node(builder *B, Agraph_t *in, const char *id)
{
  Agnode_t *n = agnode(in, (char *)id, 1);
  if (!n) { B->oom = 1; return NULL; }
  diagram_set(n, "id", id);
  return n;
}

Agedge_t *diagram_edge(builder *B, Agnode_t *t, Agnode_t *h, const char *id)
{
  if (!t || !h) return NULL;
  Agedge_t *e = agedge(B->g, t, h, (char *)id, 1);
  if (!e) { B->oom = 1; return NULL; }
  if (id) diagram_set(e, "id", id);
  return e;
}

void diagram_invisible_edge(builder *B, Agnode_t *t, Agnode_t *h)
{
  Agedge_t *e = diagram_edge(B, t, h, NULL);
  if (e) {
    diagram_set(e, "style", "invis");
    diagram_set(e, "arrowhead", "none");
  }
}

/* A rank=same group of two nodes (needs newrank for nodes of two clusters). */
void diagram_same_rank(builder *B, Agnode_t *a, Agnode_t *b, const char *key)
{
  if (!a || !b) return;
  char name[300];
  snprintf(name, sizeof name, "rank:%s", key);
  Agraph_t *r = agsubg(B->g, name, 1);
  if (!r) { B->oom = 1; return; }
  diagram_set(r, "rank", "same");
  agsubnode(r, a, 1);
  agsubnode(r, b, 1);
}

Agraph_t *diagram_cluster(builder *B, Agraph_t *parent, const char *key, const char *id,
                         const char *cls)
{
  char name[300];
  snprintf(name, sizeof name, "cluster_%s", key);
  Agraph_t *c = agsubg(parent, name, 1);
  if (!c) { B->oom = 1; return NULL; }
  diagram_set(c, "id", id);
  diagram_set(c, "class", cls);
  return c;
}

Agnode_t *diagram_anchor_node(builder *B, Agraph_t *in, const char *key)
{
  char id[300];
  snprintf(id, sizeof id, "anchor:%s", key);
  Agnode_t *n = diagram_node(B, in, id);
  if (!n) return NULL;
  diagram_set(n, "style", "invis");
  diagram_set(n, "class", "anchor");
  diagram_set(n, "shape", "point");
  diagram_set(n, "width", "0.01");
  diagram_set(n, "height", "0.01");
  diagram_set(n, "label", "");
  return n;
}


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
  diagram_set(n, "color", stroke);
  diagram_set(n, "fillcolor", fill);
  diagram_set(n, "style", style);
  diagram_set(n, "penwidth", r == ROLE_ACTIVE ? "1.4" : "1.6");
}

int diagram_shown_env(const builder *B, int env)
{
  return B->env < 0 || env < 0 || env == B->env;
}

/* Label lines: a bold title, then smaller detail lines. */
void diagram_label_begin(builder *B, const char *title)
{
  diagram_sb_reset(&B->lb);
  diagram_sb_printf(&B->lb, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">"
                    "<TR><TD><B>");
  diagram_sb_html(&B->lb, title);
  diagram_sb_printf(&B->lb, "</B></TD></TR>");
}

void diagram_label_line(builder *B, const char *text, const char *color)
{
  diagram_sb_printf(&B->lb, "<TR><TD><FONT POINT-SIZE=\"9\"%s%s%s>", color ? " COLOR=\"" : "",
            color ? color : "", color ? "\"" : "");
  diagram_sb_html(&B->lb, text);
  diagram_sb_printf(&B->lb, "</FONT></TD></TR>");
}

void diagram_label_end(builder *B, void *obj)
{
  diagram_sb_printf(&B->lb, "</TABLE>");
  if (B->lb.oom) { B->oom = 1; return; }
  diagram_set_html_label(B, obj, B->lb.s);
}


/* ---- components, replicas, failovers --------------------------------- */

static void component_node(builder *B, size_t i, Agraph_t *in, int in_primary, int shared)
{
  const model_scenario *sc = B->sc;
  const model_component *c = &sc->components[i];
  char id[300], cls[300], line[256];
  model_component_kind k = report_diagram_kind(sc, i);
  snprintf(id, sizeof id, "component:%s", c->name);
  Agnode_t *n = diagram_node(B, in, id);
  if (!n) return;
  B->comp[i] = n;
  const char *kname = k == MODEL_KIND_UNSET ? "service" : model_scenario_kind_name(k);
  snprintf(cls, sizeof cls, "component role-active kind-%s %s%s", kname,
           c->environment >= 0 ? "env-" : "shared",
           c->environment >= 0 ? sc->environments[c->environment].name : "");
  diagram_set(n, "class", cls);
  diagram_set(n, "shape", diagram_kind_shape(k));
  style_box(n, ROLE_ACTIVE, k, in_primary || shared);
  diagram_label_begin(B, c->name);
  if (shared)
    snprintf(line, sizeof line, "%s · runs in %s", kname, sc->regions[c->region].name);
  else
    snprintf(line, sizeof line, "%s%s", kname,
             c->zone ? (c->zone == 1 ? " · zone 1" : c->zone == 2 ? " · zone 2" : " · zone 3")
                     : "");
  diagram_label_line(B, line, NULL);
  size_t n_shared = 0;
  for (size_t d = 0; d < c->n_depends_on; d++)
    if (sc->components[c->depends_on[d]].environment < 0) n_shared++;
  if (n_shared) {
    sbuf t = {0};
    diagram_sb_printf(&t, "uses");
    for (size_t d = 0; d < c->n_depends_on; d++)
      if (sc->components[c->depends_on[d]].environment < 0)
        diagram_sb_printf(&t, "%s %s", t.len > 4 ? "," : "", sc->components[c->depends_on[d]].name);
    if (t.oom) B->oom = 1;
    else diagram_label_line(B, t.s, REPORT_DIAGRAM_BLUE);
    free(t.s);
  }
  diagram_label_end(B, n);
}

/* The text of a replication edge (label) and its figures. */
static void replication_label(builder *B, const model_component *c)
{
  const model_replication *r = &c->replication;
  char a[48], b[48], line[256];
  sbuf *s = &B->lb;
  diagram_sb_reset(s);
  switch (r->mode) {
  case MODEL_REPL_SYNC:
    diagram_sb_printf(s, "sync · RPO 0");
    break;
  case MODEL_REPL_ASYNC:
    diagram_sb_printf(s, "async · lag ");
    diagram_sb_dist(s, &r->lag);
    break;
  case MODEL_REPL_PERIODIC:
    diagram_sb_printf(s, "backup every %s", diagram_dur(r->interval_s, a, sizeof a));
    if (r->has_copy) {
      diagram_sb_printf(s, "\ncopy ");
      diagram_sb_dist(s, &r->copy);
    }
    if (r->failure_probability > 0 || isfinite(r->retention_s)) {
      diagram_sb_printf(s, "\n");
      if (r->failure_probability > 0) diagram_sb_printf(s, "fails %s", diagram_pct(r->failure_probability, a, sizeof a));
      if (r->failure_probability > 0 && isfinite(r->retention_s)) diagram_sb_printf(s, " · ");
      if (isfinite(r->retention_s)) diagram_sb_printf(s, "kept %s", diagram_dur(r->retention_s, b, sizeof b));
    }
    break;
  default:
    break;
  }
  const fig_comp *fc = diagram_find_fig_comp(B->fig, c->name);
  if (fc && r->mode != MODEL_REPL_SYNC) {
    if (fc->quantiles)
      snprintf(line, sizeof line, "\nsim RPO p50 %s, p95 %s", diagram_dur(fc->p50, a, sizeof a),
               diagram_dur(fc->p95, b, sizeof b));
    else
      snprintf(line, sizeof line, "\nsim RPO mean %s", diagram_dur(fc->mean, a, sizeof a));
    diagram_sb_printf(s, "%s", line);
    if (!isnan(fc->sets_env_rpo))
      diagram_sb_printf(s, "\nsets the env. RPO in %s", diagram_pct(fc->sets_env_rpo, a, sizeof a));
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
  Agnode_t *n = diagram_node(B, B->region[r], id);
  if (!n) return NULL;
  model_component_kind k = report_diagram_kind(sc, i);
  diagram_set(n, "class", "standby-service");
  diagram_set(n, "shape", diagram_kind_shape(k));
  style_box(n, ROLE_STANDBY, k, 0);
  diagram_label_begin(B, c->name);
  diagram_label_line(B, "standby service", NULL);
  diagram_label_end(B, n);
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
  Agedge_t *e = diagram_edge(B, B->comp[i], target, id);
  if (!e) return;
  sbuf *s = &B->lb;
  diagram_sb_reset(s);
  if (f->kind == MODEL_FAILOVER_AUTO) {
    diagram_set(e, "class", "failover automatic");
    if (f->after_s > 0) diagram_sb_printf(s, "automatic after %s", diagram_dur(f->after_s, a, sizeof a));
    else diagram_sb_printf(s, "automatic");
    if (f->has_duration) {
      diagram_sb_printf(s, "\ntakes ");
      diagram_sb_dist(s, &f->duration);
    }
  } else {
    diagram_set(e, "class", "failover manual");
    const model_workflow *w = &sc->workflows[f->by_workflow];
    size_t num = B->step_number[w->step_offset + (size_t)f->by_step];
    if (B->n_flows_shown > 1 || (B->env >= 0 && w->environment != B->env))
      diagram_sb_printf(s, "manual: %s step %zu", sc->environments[w->environment].name, num);
    else
      diagram_sb_printf(s, "manual: step %zu", num);
  }
  const fig_comp *fc = diagram_find_fig_comp(B->fig, c->name);
  if (fc && !isnan(fc->mean_failover))
    diagram_sb_printf(s, "\nsim mean %s", diagram_dur(fc->mean_failover, b, sizeof b));
  if (s->oom) { B->oom = 1; return; }
  diagram_set(e, "label", s->s);
  diagram_set(e, "color", REPORT_DIAGRAM_RED);
  diagram_set(e, "fontcolor", REPORT_DIAGRAM_RED);
  diagram_set(e, "penwidth", "1.6");
}

void diagram_draw_components(builder *B, Agraph_t *global, Agnode_t *global_anchor)
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
    if (global_anchor && B->comp[i]) diagram_same_rank(B, global_anchor, B->comp[i], "global");
    diagram_invisible_edge(B, B->comp[i], B->anchor[B->primary]);
    diagram_invisible_edge(B, B->top, B->comp[i]);
  }
  /* The primary region's own components: one environment sub-cluster each,
  ** one component a row (environments in scenario order). */
  for (size_t e = 0; e < sc->n_environments; e++) {
    if (!diagram_shown_env(B, (int)e)) continue;
    for (size_t i = 0; i < nc; i++) {
      const model_component *c = &sc->components[i];
      if (c->environment != (int)e || c->region != B->primary) continue;
      if (!env_cl[e]) {
        snprintf(key, sizeof key, "env_%s_%s", sc->regions[B->primary].name,
                 sc->environments[e].name);
        snprintf(id, sizeof id, "env:%s/%s", sc->regions[B->primary].name,
                 sc->environments[e].name);
        env_cl[e] = diagram_cluster(B, B->region[B->primary], key, id, "environment");
        if (!env_cl[e]) break;
        diagram_set(env_cl[e], "label", sc->environments[e].name);
        diagram_set(env_cl[e], "style", "rounded,filled");
        diagram_set(env_cl[e], "fillcolor", "#ffffff");
        diagram_set(env_cl[e], "color", "#9db7e0");
        diagram_set(env_cl[e], "fontsize", "11");
      }
      component_node(B, i, env_cl[e], 1, 0);
      diagram_invisible_edge(B, prev, B->comp[i]);
      prev = B->comp[i];
      B->last_row = prev;
    }
  }
  /* Components of an environment that run in a standby region. */
  for (size_t i = 0; i < nc; i++) {
    const model_component *c = &sc->components[i];
    if (c->environment < 0 || c->region == B->primary || !diagram_shown_env(B, c->environment)) continue;
    if (!B->region[c->region]) continue;
    component_node(B, i, B->region[c->region], 0, 0);
    diagram_invisible_edge(B, B->anchor[c->region], B->comp[i]);
  }
  free(env_cl);
}

void diagram_draw_replication_and_failover(builder *B)
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
      replica = diagram_node(B, B->region[r->to_region], id);
      if (!replica) return;
      model_component_kind k = report_diagram_kind(sc, i);
      diagram_set(replica, "class", "replica");
      diagram_set(replica, "shape", diagram_kind_shape(k));
      style_box(replica, ROLE_REPLICA, k, 0);
      diagram_label_begin(B, c->name);
      diagram_label_line(B, r->mode == MODEL_REPL_PERIODIC ? "backup copies" : "replica", NULL);
      diagram_label_end(B, replica);
      snprintf(id, sizeof id, "replication:%s", c->name);
      Agedge_t *e = diagram_edge(B, B->comp[i], replica, id);
      if (!e) return;
      char cls[64];
      snprintf(cls, sizeof cls, "replication mode-%s", model_repl_mode_name(r->mode));
      diagram_set(e, "class", cls);
      diagram_set(e, "color", REPORT_DIAGRAM_GREEN);
      diagram_set(e, "fontcolor", REPORT_DIAGRAM_GREEN);
      diagram_set(e, "penwidth", "1.6");
      replication_label(B, c);
      if (B->lb.oom) { B->oom = 1; return; }
      diagram_set(e, "label", B->lb.s);
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
        diagram_set(fe, "taillabel", fl);
        diagram_set(fe, "label", "");
        diagram_set(fe, "labelfontcolor", REPORT_DIAGRAM_RED);
        diagram_set(fe, "labelfontsize", "9");
        diagram_set(fe, "labeldistance", "6");
        diagram_set(fe, "labelangle", "-25");
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
        diagram_same_rank(B, B->comp[i], other, key);
        if (pool >= 0) B->pool_tied[pool] = 1;
      }
    }
  }
}

/* Dependencies: blue arrows from what is needed to what needs it. */
void diagram_draw_depends(builder *B)
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
      Agedge_t *e = diagram_edge(B, B->comp[j], B->comp[i], id);
      if (!e) return;
      diagram_set(e, "class", "depends");
      diagram_set(e, "color", REPORT_DIAGRAM_BLUE);
      diagram_set(e, "penwidth", "0.9");
      diagram_set(e, "arrowsize", "0.6");
      diagram_set(e, "constraint", "false");
    }
  }
}

/* ---- standby pools -------------------------------------------------------- */

void diagram_draw_pools(builder *B)
{
  const model_scenario *sc = B->sc;
  char id[300], line[256], a[48], b[48], c2[48];
  for (size_t p = 0; p < sc->n_standby; p++) {
    const model_standby *s = &sc->standby[p];
    if (!diagram_shown_env(B, s->environment) || !B->region[s->region]) continue;
    snprintf(id, sizeof id, "pool:%s", s->name);
    Agnode_t *n = diagram_node(B, B->region[s->region], id);
    if (!n) return;
    B->pool[p] = n;
    diagram_set(n, "class", "pool");
    diagram_set(n, "shape", "box3d");
    style_box(n, ROLE_STANDBY, MODEL_KIND_CLUSTER, 0);
    diagram_label_begin(B, s->name);
    snprintf(line, sizeof line, "standby pool%s%s", s->environment >= 0 ? " · " : "",
             s->environment >= 0 ? sc->environments[s->environment].name : "");
    diagram_label_line(B, line, NULL);
    /* One square a node, filled when warm (at most 20 drawn). */
    sbuf sq = {0};
    int shown = s->required_nodes < 20 ? s->required_nodes : 20;
    for (int k = 0; k < shown; k++) diagram_sb_printf(&sq, "%s", k < s->warm_nodes ? "■" : "□");
    if (shown < s->required_nodes) diagram_sb_printf(&sq, "…");
    if (sq.oom) { B->oom = 1; free(sq.s); return; }
    diagram_label_line(B, sq.s ? sq.s : "", REPORT_DIAGRAM_BLUE);
    free(sq.s);
    snprintf(line, sizeof line, "%d warm of %d required, %d to serve", s->warm_nodes,
             s->required_nodes, s->service_nodes);
    diagram_label_line(B, line, NULL);
    if (s->warm_nodes < s->required_nodes) {
      sbuf t = {0};
      diagram_sb_printf(&t, "a node ");
      diagram_sb_dist(&t, &s->provision);
      diagram_sb_printf(&t, ", %d at once", s->max_parallel);
      if (t.oom) { B->oom = 1; free(t.s); return; }
      diagram_label_line(B, t.s, NULL);
      free(t.s);
    }
    if (s->shortage_probability > 0) {
      snprintf(line, sizeof line, "capacity shortage %s", diagram_pct(s->shortage_probability, a, sizeof a));
      diagram_label_line(B, line, NULL);
    }
    const fig_pool *fp = diagram_find_fig_pool(B->fig, s->name);
    if (fp) {
      if (fp->quantiles)
        snprintf(line, sizeof line, "sim: serves p50 %s, full p50 %s, p90 %s",
                 diagram_dur(fp->service_p50, a, sizeof a), diagram_dur(fp->full_p50, b, sizeof b),
                 diagram_dur(fp->full_p90, c2, sizeof c2));
      else
        snprintf(line, sizeof line, "sim: full capacity mean %s", diagram_dur(fp->mean_full, a, sizeof a));
      diagram_label_line(B, line, SIM_COLOR);
    }
    diagram_label_end(B, n);
  }
}
