/*
** reports/diagram_build.c — the whole graph of the architecture diagram:
** the shared band, the regions side by side and stacked, the components,
** replication, failover, dependencies and pools (diagram_graph.c), the
** process flows (diagram_flow.c) and the legend. Part of the diagram module
** (reports/diagram.h); how dot is asked to place it: reports/diagram.c.
**
** diagram_build is long (over 200 lines) on purpose: it is one pass that
** creates nodes, edges and clusters in the order dot's layout depends on
** (creation order decides columns and packing); cut into pieces, that
** order would be spread over functions that must be called just so.
*/
#include "reports/diagram_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reports/md.h"

/* ---- legend ------------------------------------------------------------ */

static Agnode_t *draw_legend(builder *B, Agraph_t *in)
{
  Agnode_t *n = diagram_node(B, in, "legend");
  if (!n) return NULL;
  diagram_set(n, "class", "legend");
  diagram_set(n, "shape", "plain");
  sbuf *s = &B->lb;
  diagram_sb_reset(s);
  diagram_sb_printf(s, "<TABLE BORDER=\"1\" COLOR=\"#999999\" CELLBORDER=\"0\" CELLSPACING=\"2\" "
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
    diagram_sb_printf(s, "<TR><TD BGCOLOR=\"%s\" WIDTH=\"14\"> </TD><TD ALIGN=\"LEFT\"><FONT "
                 "POINT-SIZE=\"9\">%s</FONT></TD></TR>",
              rows[i].color, rows[i].text);
  diagram_sb_printf(s, "</TABLE>");
  if (s->oom) { B->oom = 1; return n; }
  diagram_set_html_label(B, n, s->s);
  return n;
}

/* ---- the whole graph ------------------------------------------------------ */

const char *diagram_disaster_text(const model_scenario *sc, char *buf, size_t n)
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

Agraph_t *diagram_build(builder *B)
{
  const model_scenario *sc = B->sc;
  char name[300], id[300], label[400], dis[200];
  Agraph_t *g = diagram_open(sc->name ? sc->name : "drsim");
  if (!g) { B->oom = 1; return NULL; }
  B->g = g;
  diagram_set(g, "newrank", "true");
  diagram_set(g, "rankdir", "TB");
  diagram_set(g, "compound", "true");
  diagram_set(g, "nodesep", "0.3");
  diagram_set(g, "ranksep", "0.35");
  diagram_set(g, "fontname", "sans-serif");
  diagram_set(g, "fontsize", "13");
  diagram_set(g, "pad", "0.2");
  diagram_set(g, "bgcolor", "white");
  diagram_set(g, "labelloc", "t");
  diagram_set(g, "labeljust", "l");
  snprintf(label, sizeof label, "%s: disaster-recovery architecture and recovery workflows%s%s",
           sc->name ? sc->name : "scenario", B->env >= 0 ? " · " : "",
           B->env >= 0 ? sc->environments[B->env].name : "");
  diagram_set(g, "label", label);
  agattr(g, AGNODE, "fontname", "sans-serif");
  agattr(g, AGNODE, "fontsize", "11");
  agattr(g, AGNODE, "margin", "0.1,0.04");
  agattr(g, AGEDGE, "fontname", "sans-serif");
  agattr(g, AGEDGE, "fontsize", "9");
  agattr(g, AGEDGE, "arrowsize", "0.7");

  /* Graphviz 2.43 frees a wrong pointer when a labelled flat edge lies on
  ** the first rank; an invisible node alone on that rank avoids it. */
  B->top = diagram_anchor_node(B, g, "top");
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
    if (!diagram_shown_env(B, c->environment)) continue;
    if (c->environment >= 0) B->region_used[c->region] = 1;
    if (c->replication.mode != MODEL_REPL_NONE && c->replication.to_region >= 0)
      B->region_used[c->replication.to_region] = 1;
    if (c->failover.kind != MODEL_FAILOVER_NONE && B->default_standby >= 0)
      B->region_used[B->default_standby] = 1;
  }
  for (size_t p = 0; p < sc->n_standby; p++)
    if (diagram_shown_env(B, sc->standby[p].environment)) B->region_used[sc->standby[p].region] = 1;

  /* Shared band on top. */
  Agraph_t *global = NULL;
  Agnode_t *legend = NULL;
  for (size_t i = 0; i < sc->n_components; i++)
    if (sc->components[i].environment < 0) {
      global = diagram_cluster(B, g, "global", "global", "global");
      break;
    }
  if (global) {
    diagram_set(global, "label", "global and shared services (every environment)");
    diagram_set(global, "style", "rounded,filled");
    diagram_set(global, "fillcolor", "#fafafa");
    diagram_set(global, "color", "#888888");
  }

  /* Regions, primary first, and their anchors on one rank. */
  Agraph_t *anchors = agsubg(g, "rank:anchors", 1);
  if (!anchors) { B->oom = 1; return g; }
  diagram_set(anchors, "rank", "same");
  for (int pass = 0; pass < 2; pass++)
    for (size_t r = 0; r < sc->n_regions; r++) {
      if ((pass == 0) != ((int)r == B->primary) || !B->region_used[r]) continue;
      const model_region *rg = &sc->regions[r];
      snprintf(name, sizeof name, "region_%s", rg->name);
      snprintf(id, sizeof id, "region:%s", rg->name);
      Agraph_t *cl = diagram_cluster(B, g, name, id, pass == 0 ? "region primary" : "region standby");
      if (!cl) return g;
      B->region[r] = cl;
      if (pass == 1 && B->next_column == B->primary) B->next_column = (int)r;
      if (pass == 0)
        snprintf(label, sizeof label, "%s · primary region · %s", rg->name,
                 diagram_disaster_text(sc, dis, sizeof dis));
      else
        snprintf(label, sizeof label, "%s · standby region", rg->name);
      diagram_set(cl, "label", "");
      diagram_set(cl, "style", pass == 0 ? "rounded,filled,bold" : "rounded,filled,dashed");
      diagram_set(cl, "color", pass == 0 ? REPORT_DIAGRAM_BLUE : REPORT_DIAGRAM_LIGHTBLUE);
      diagram_set(cl, "fillcolor", pass == 0 ? "#f3f7fe" : "#f7fbff");
      if (pass == 0) diagram_set(cl, "fontcolor", REPORT_DIAGRAM_BLUE);
      /* The region's title is its anchor node rather than the cluster's
      ** label: dot keeps edge labels off nodes, not off cluster labels. */
      B->anchor[r] = diagram_anchor_node(B, cl, rg->name);
      if (!B->anchor[r]) return g;
      diagram_set(B->anchor[r], "style", "");
      diagram_set(B->anchor[r], "shape", "plaintext");
      diagram_set(B->anchor[r], "class", "anchor region-title");
      diagram_set(B->anchor[r], "width", "0");
      diagram_set(B->anchor[r], "height", "0");
      diagram_set(B->anchor[r], "fontsize", "13");
      diagram_set(B->anchor[r], "fontcolor", pass == 0 ? REPORT_DIAGRAM_BLUE : "#2a6f9e");
      diagram_set(B->anchor[r], "label", label);
      if (pass == 1 && B->next_column != (int)r) {
        /* Stacked below the first standby region (see the end). */
        B->stacked[B->n_stacked++] = (int)r;
        continue;
      }
      agsubnode(anchors, B->anchor[r], 1);
      diagram_invisible_edge(B, B->top, B->anchor[r]);
    }

  if (global) legend = draw_legend(B, global);
  diagram_number_steps(B);
  for (size_t w = 0; w < sc->n_workflows; w++)
    if (diagram_shown_env(B, sc->workflows[w].environment)) B->n_flows_shown++;

  diagram_draw_pools(B);
  diagram_draw_components(B, global, legend);
  diagram_draw_replication_and_failover(B);
  diagram_draw_depends(B);
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
        diagram_set(e, "xlabel", l);
        diagram_set(e, "label", "");
        diagram_set(e, "minlen", ml);
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
      Agedge_t *e = diagram_edge(B, B->anchor[r], n, NULL);
      if (e) {
        diagram_set(e, "style", "invis");
        diagram_set(e, "weight", "10");
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
    if (B->last_row) diagram_invisible_edge(B, B->last_row, an);
    for (Agnode_t *n = agfstnode(above); n; n = agnxtnode(above, n)) {
      diagram_invisible_edge(B, n, an);
    }
    above = B->region[r];
  }

  /* The process flows, right of the regions. */
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    if (!diagram_shown_env(B, wf->environment)) continue;
    const char *en = sc->environments[wf->environment].name;
    snprintf(name, sizeof name, "flow_%s", en);
    snprintf(id, sizeof id, "flow:%s", en);
    Agraph_t *fl = diagram_cluster(B, g, name, id, "flow");
    if (!fl) return g;
    snprintf(label, sizeof label, "%s recovery workflow", en);
    diagram_set(fl, "label", label);
    diagram_set(fl, "style", "rounded,filled");
    diagram_set(fl, "color", REPORT_DIAGRAM_ORANGE);
    diagram_set(fl, "fillcolor", "#fffaf3");
    diagram_set(fl, "fontcolor", "#a35a00");
    snprintf(name, sizeof name, "flow-%s", en);
    Agnode_t *an = diagram_anchor_node(B, fl, name);
    if (!an) return g;
    B->flows[B->n_flows++] = fl;
    diagram_draw_flow(B, w, an, fl);
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
        Agedge_t *e = diagram_edge(B, agnode(g, tail, 0), agnode(g, head, 0), eid);
        if (!e) continue;
        diagram_set(e, "class", "needs cross-flow");
        diagram_set(e, "color", REPORT_DIAGRAM_ORANGE);
        diagram_set(e, "style", "dashed");
        diagram_set(e, "penwidth", "1.3");
        diagram_set(e, "constraint", "false");
      }
  }
  return g;
}
