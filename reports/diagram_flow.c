/*
** reports/diagram_flow.c — the process flows of the architecture diagram:
** each workflow as a connected component of its own, its steps numbered,
** manual steps, gates and validations marked, with their simulated
** durations and criticality. Part of the diagram module (reports/diagram.h).
**
** diagram_draw_flow is long (over 200 lines) on purpose: it is one pass that
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

/* ---- process flows ----------------------------------------------------- */

static int is_validation(const char *name)
{
  static const char *const prefixes[] = {"validate", "verify", "check", "approve", "test"};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
    if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  return 0;
}

void diagram_number_steps(builder *B)
{
  const model_scenario *sc = B->sc;
  for (size_t w = 0; w < sc->n_workflows; w++) {
    const model_workflow *wf = &sc->workflows[w];
    for (size_t k = 0; k < wf->n_steps; k++) B->step_number[wf->step_offset + wf->topo[k]] = k + 1;
  }
}

static void milestone(Agnode_t *n, const char *cls)
{
  diagram_set(n, "class", cls);
  diagram_set(n, "shape", "box");
  diagram_set(n, "peripheries", "2");
  diagram_set(n, "style", "filled,bold");
  diagram_set(n, "color", "#222222");
  diagram_set(n, "fillcolor", "#ffffff");
}

/* An RPO or RTO milestone of one environment's flow. */
typedef struct milestone_spec {
  const char *key;          /* "rpo", "rto": node id "KEY:ENV", class "milestone KEY" */
  const char *name;         /* "RPO", "RTO" */
  const char *no_objective; /* the title without an objective */
  const char *no_sim;       /* the second line without simulated figures */
  double objective_s;       /* not finite: none */
  int has_sim;              /* p50, p95 and meet are the simulation's */
  double p50, p95, meet;
} milestone_spec;

/* The milestone node m of environment env in flow fl: its objective, then
** the simulated p50 / p95 and how often it was met. NULL on failure. */
static Agnode_t *milestone_node(builder *B, Agraph_t *fl, const char *env,
                                const milestone_spec *m)
{
  char id[600], line[256], a[48], b[48];
  snprintf(id, sizeof id, "%s:%s", m->key, env);
  Agnode_t *n = diagram_node(B, fl, id);
  if (!n) return NULL;
  snprintf(line, sizeof line, "milestone %s", m->key);
  milestone(n, line);
  if (isfinite(m->objective_s))
    snprintf(line, sizeof line, "⚑ %s objective ≤ %s", m->name,
             diagram_dur(m->objective_s, a, sizeof a));
  else
    snprintf(line, sizeof line, "%s", m->no_objective);
  diagram_label_begin(B, line);
  if (m->has_sim) {
    snprintf(line, sizeof line, "sim p50 %s, p95 %s", diagram_dur(m->p50, a, sizeof a),
             diagram_dur(m->p95, b, sizeof b));
    diagram_label_line(B, line, SIM_COLOR);
    if (!isnan(m->meet)) {
      snprintf(line, sizeof line, "met in %s of trials", diagram_pct(m->meet, a, sizeof a));
      diagram_label_line(B, line, SIM_COLOR);
    }
  } else {
    diagram_label_line(B, m->no_sim, NULL);
  }
  diagram_label_end(B, n);
  return n;
}

void diagram_draw_flow(builder *B, size_t w, Agnode_t *anchor, Agraph_t *fl)
{
  const model_scenario *sc = B->sc;
  const model_workflow *wf = &sc->workflows[w];
  const model_environment *env = &sc->environments[wf->environment];
  const fig_env *fe = diagram_find_fig_env(B->fig, env->name);
  char id[600], line[256], a[48], b[48];
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
  Agnode_t *det = diagram_node(B, fl, id);
  if (!det) goto done;
  diagram_set(det, "class", "detection");
  diagram_set(det, "shape", "box");
  diagram_set(det, "style", "filled,rounded");
  diagram_set(det, "color", REPORT_DIAGRAM_YELLOW);
  diagram_set(det, "fillcolor", REPORT_DIAGRAM_YELLOW_FILL);
  diagram_label_begin(B, "disaster → detection");
  {
    sbuf t = {0};
    diagram_sb_dist(&t, &wf->detection);
    if (t.oom) { B->oom = 1; free(t.s); goto done; }
    diagram_label_line(B, t.s, NULL);
    free(t.s);
    if (wf->wait_for_primary_s > 0) {
      snprintf(line, sizeof line, "then waits up to %s for the primary",
               diagram_dur(wf->wait_for_primary_s, a, sizeof a));
      diagram_label_line(B, line, NULL);
    }
  }
  diagram_label_end(B, det);
  diagram_invisible_edge(B, anchor, det);

  /* RPO milestone beside the detection: data lost at t = 0. */
  milestone_spec ms_rpo = {"rpo", "RPO", "⚑ RPO: no objective", "data lost at the disaster",
                           env->rpo_s, fe && fe->has_rpo, fe ? fe->rpo_p50.est : NAN,
                           fe ? fe->rpo_p95.est : NAN, fe ? fe->rpo_meet.est : NAN};
  Agnode_t *rpo = milestone_node(B, fl, env->name, &ms_rpo);
  if (!rpo) goto done;
  snprintf(id, sizeof id, "rpo:%s", env->name);
  diagram_same_rank(B, det, rpo, id);
  diagram_invisible_edge(B, det, rpo);

  /* A step "needed" by another step that counts for the RTO is not a last
  ** step; after_restore steps come after the RTO milestone. */
  for (size_t k = 0; k < wf->n_steps; k++)
    for (size_t j = 0; j < wf->steps[k].n_needs_steps; j++)
      if (!wf->steps[k].after_restore) needed[wf->steps[k].needs_steps[j]] = 1;

  for (size_t t = 0; t < wf->n_steps; t++) {
    size_t k = wf->topo[t];
    const model_step *s = &wf->steps[k];
    snprintf(id, sizeof id, "step:%s/%s", env->name, s->name);
    Agnode_t *n = diagram_node(B, fl, id);
    if (!n) goto done;
    nodes[k] = n;
    int diamond = s->manual || is_validation(s->name);
    snprintf(line, sizeof line, "step %s%s%s%s", s->manual ? "manual" : "automated",
             is_validation(s->name) ? " validation" : "", s->standby >= 0 ? " standby" : "",
             s->after_restore ? " after-restore" : "");
    diagram_set(n, "class", line);
    diagram_set(n, "shape", diamond ? "diamond" : "box");
    diagram_set(n, "style", diamond ? "filled" : "filled,rounded");
    diagram_set(n, "color", REPORT_DIAGRAM_ORANGE);
    diagram_set(n, "fillcolor", s->manual ? REPORT_DIAGRAM_MANUAL_FILL : REPORT_DIAGRAM_ORANGE_FILL);
    diagram_set(n, "penwidth", s->manual ? "2" : "1.2");
    if (s->after_restore) diagram_set(n, "style", diamond ? "filled,dashed" : "filled,rounded,dashed");
    if (diamond) diagram_set(n, "margin", "0.02,0.02");
    snprintf(line, sizeof line, "%zu  %s", t + 1, s->name);
    diagram_label_begin(B, line);
    sbuf d = {0};
    if (s->standby >= 0) {
      const model_standby *p = &sc->standby[s->standby];
      if (s->until == MODEL_UNTIL_SERVICE)
        diagram_sb_printf(&d, "scale %s until it serves (%d nodes)", p->name, p->service_nodes);
      else
        diagram_sb_printf(&d, "scale %s: %d nodes", p->name, p->required_nodes - p->warm_nodes);
    } else if (s->has_oncall && s->calendar >= 0) {
      diagram_sb_printf(&d, s->manual ? "manual · " : "");
      diagram_sb_printf(&d, "in hours ");
      diagram_sb_dist(&d, s->has_business ? &s->business_hours : &s->duration);
      diagram_label_line(B, d.s ? d.s : "", NULL);
      diagram_sb_reset(&d);
      diagram_sb_printf(&d, "off hours ");
      diagram_sb_dist(&d, &s->off_hours);
    } else {
      diagram_sb_printf(&d, "%s", s->manual ? "manual · " : "");
      diagram_sb_dist(&d, &s->duration);
    }
    if (d.oom) { B->oom = 1; free(d.s); goto done; }
    diagram_label_line(B, d.s ? d.s : "", NULL);
    diagram_sb_reset(&d);
    if (s->failure_probability > 0) {
      diagram_sb_printf(&d, "fails %s", diagram_pct(s->failure_probability, a, sizeof a));
      if (s->retry_max > 0) diagram_sb_printf(&d, ", %d retr%s", s->retry_max, s->retry_max == 1 ? "y" : "ies");
      diagram_label_line(B, d.s ? d.s : "", NULL);
      diagram_sb_reset(&d);
    }
    if (s->has_if_lost) {
      diagram_sb_printf(&d, "only if lost:");
      for (size_t j = 0; j < s->n_if_lost_components; j++)
        diagram_sb_printf(&d, "%s %s", j ? "," : "", sc->components[s->if_lost_components[j]].name);
      for (size_t j = 0; j < s->n_if_lost_regions; j++)
        diagram_sb_printf(&d, "%s %s", j || s->n_if_lost_components ? "," : "",
                  sc->regions[s->if_lost_regions[j]].name);
      diagram_label_line(B, d.s ? d.s : "", NULL);
      diagram_sb_reset(&d);
    }
    if (s->after_restore) {
      diagram_label_line(B, "after service is restored (not in the RTO)", NULL);
    }
    /* needs across workflows: an arrow when that flow is drawn, else text */
    for (size_t j = 0; j < s->n_needs_ext; j++) {
      const model_workflow *ow = &sc->workflows[s->needs_ext[j].workflow];
      if (diagram_shown_env(B, ow->environment) && B->env < 0) continue;
      diagram_sb_printf(&d, "after %s/%s", sc->environments[ow->environment].name,
                ow->steps[s->needs_ext[j].step].name);
      diagram_label_line(B, d.s ? d.s : "", NULL);
      diagram_sb_reset(&d);
    }
    if (s->n_needs_components > 0) {
      diagram_sb_printf(&d, "waits for ");
      for (size_t j = 0; j < s->n_needs_components; j++)
        diagram_sb_printf(&d, "%s%s", j ? ", " : "", sc->components[s->needs_components[j]].name);
      diagram_label_line(B, d.s ? d.s : "", NULL);
      diagram_sb_reset(&d);
    }
    const fig_step *fs = diagram_find_fig_step(B->fig, env->name, s->name);
    if (fs) {
      if (fs->quantiles)
        diagram_sb_printf(&d, "sim p50 %s, p95 %s", diagram_dur(fs->p50, a, sizeof a), diagram_dur(fs->p95, b, sizeof b));
      else
        diagram_sb_printf(&d, "sim mean %s", diagram_dur(fs->mean, a, sizeof a));
      diagram_label_line(B, d.s ? d.s : "", SIM_COLOR);
      diagram_sb_reset(&d);
      diagram_sb_printf(&d, "critical in %s", diagram_pct(fs->criticality, a, sizeof a));
      diagram_label_line(B, d.s ? d.s : "", SIM_COLOR);
    }
    if (d.oom) B->oom = 1;
    free(d.s);
    diagram_label_end(B, n);
  }
  /* needs: process arrows; roots are alerted by the detection. */
  for (size_t k = 0; k < wf->n_steps; k++) {
    const model_step *s = &wf->steps[k];
    if (s->n_needs_steps == 0) {
      snprintf(id, sizeof id, "alert:%s/%s", env->name, s->name);
      Agedge_t *e = diagram_edge(B, det, nodes[k], id);
      if (!e) goto done;
      diagram_set(e, "class", "alert");
      diagram_set(e, "color", REPORT_DIAGRAM_YELLOW);
      diagram_set(e, "penwidth", "1.6");
    }
    for (size_t j = 0; j < s->n_needs_steps; j++) {
      size_t q = s->needs_steps[j];
      snprintf(id, sizeof id, "needs:%s/%s:%s", env->name, wf->steps[q].name, s->name);
      Agedge_t *e = diagram_edge(B, nodes[q], nodes[k], id);
      if (!e) goto done;
      diagram_set(e, "class", "needs");
      diagram_set(e, "color", REPORT_DIAGRAM_ORANGE);
      diagram_set(e, "penwidth", "1.3");
    }
  }
  /* RTO milestone after the last steps. */
  milestone_spec ms_rto = {"rto", "RTO", "⚑ recovered: no RTO objective", "every step done",
                           env->rto_s, fe && fe->has_rto, fe ? fe->rto_p50.est : NAN,
                           fe ? fe->rto_p95.est : NAN, fe ? fe->rto_meet.est : NAN};
  Agnode_t *rto = milestone_node(B, fl, env->name, &ms_rto);
  if (!rto) goto done;
  for (size_t k = 0; k < wf->n_steps; k++) {
    if (needed[k] || wf->steps[k].after_restore) continue;
    snprintf(id, sizeof id, "milestone:%s/%s", env->name, wf->steps[k].name);
    Agedge_t *e = diagram_edge(B, nodes[k], rto, id);
    if (!e) goto done;
    diagram_set(e, "class", "milestone-link");
    diagram_set(e, "color", "#222222");
    diagram_set(e, "style", "dashed");
  }
  /* after_restore steps are drawn below the RTO milestone. */
  for (size_t k = 0; k < wf->n_steps; k++)
    if (wf->steps[k].after_restore) diagram_invisible_edge(B, rto, nodes[k]);
done:
  free(nodes);
  free(needed);
}
