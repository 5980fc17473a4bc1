/*
** models/disaster_events.c — the event handlers of a disaster-mode trial:
** detection, the workflow steps and their attempts (retries, timeouts,
** escalation, standby provisioning, on-call hours), the components'
** failovers and what they release, the primary's return; and the
** generators, RPO draws and trace helpers they share with disaster_sim.c.
** The rules are written once, in the header of models/disaster_sim.c.
*/
#include "models/disaster_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include "models/units.h"
#include "sim/rng.h"

/* ---------------------------------------------------------------- helpers */

gsl_rng *ds_rng(model_disaster_sim *s, size_t i) {
  if (s->rng_stamp[i] != s->gen) {
    sim_rng_seed(s->rng[i], s->run_seed, s->trial, s->rng_stream[i]);
    s->rng_stamp[i] = s->gen;
  }
  return s->rng[i];
}

const char *ds_dur(model_disaster_sim *s, int slot, double x) {
  if (isinf(x)) return "never";
  return model_units_format_duration(x, s->dur[slot], sizeof s->dur[slot]);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void ds_tracef(model_disaster_sim *s, double t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->line, sizeof s->line, fmt, ap);
  va_end(ap);
  s->trace(s->trace_ctx, t, s->line);
}

static const char *ds_env_name(const model_disaster_sim *s, size_t g) {
  return s->sc->environments[s->sc->workflows[s->step_wf[g]].environment].name;
}

void ds_schedule(model_disaster_sim *s, double t, sim_handler fn, uint64_t arg) {
  if (sim_schedule_at(s->sim, t, fn, s, arg, NULL) != SIM_OK) s->error = 1;
}

/* The wall clock (UTC seconds) at simulated time t. */
double ds_wall(const model_disaster_sim *s, double t) {
  return s->sc->clock.start_utc + s->W + t;
}

/* The calendar a manual step's off-hours policy reads, or NULL when it has
** none (it then draws its duration). */
static const model_calendar *ds_step_calendar(const model_disaster_sim *s, const model_step *ms) {
  const model_scenario *sc = s->sc;
  if (!ms->manual || ms->off_policy == MODEL_OFF_NONE || !sc->clock.enabled ||
      ms->calendar < 0 || (size_t)ms->calendar >= sc->n_calendars)
    return NULL;
  return sc->calendars[ms->calendar];
}

/* Step g's team, or -1. */
static int ds_step_team(const model_disaster_sim *s, size_t g) {
  int t = s->step[g]->team;
  return s->teams && t >= 0 && (size_t)t < s->sc->n_teams ? t : -1;
}

/* Build a CSR from (from, to) pairs produced by `emit` in two passes. */
/* ------------------------------------------------------------------ RPO */

double ds_rpo(model_disaster_sim *s, size_t c) {
  const model_replication *r = &s->sc->components[c].replication;
  switch (r->mode) {
  case MODEL_REPL_SYNC:
    return 0.0;
  case MODEL_REPL_ASYNC:
    return model_dist_sample(&r->lag, ds_rng(s, c));
  case MODEL_REPL_PERIODIC: {
    gsl_rng *g = ds_rng(s, c);
    double I = r->interval_s, u = gsl_rng_uniform(g) * I;
    for (unsigned k = 0; k < DS_MAX_BACKUPS; k++) {
      double age = u + k * I;
      if (age > r->retention_s) break;
      if (r->failure_probability > 0 && gsl_rng_uniform(g) < r->failure_probability) continue;
      if (r->has_copy && model_dist_sample(&r->copy, g) > age) continue;
      return age;
    }
    return INFINITY;
  }
  default:
    return NAN;
  }
}

/* ------------------------------------------------------------ propagation */

static void ds_start_attempt(model_disaster_sim *s, size_t g);
static void ds_run_attempt(model_disaster_sim *s, size_t g);
static void ev_skip(sim_ctx *sim, void *ctx, uint64_t g);
static void ev_team_grant(sim_ctx *sim, void *ctx, uint64_t team);
static void ds_team_release(model_disaster_sim *s, size_t g);
static void ev_retry(sim_ctx *sim, void *ctx, uint64_t g);

/* A needs-condition of step g was met now (cause kind/idx). A step whose
** if_lost names nothing the disaster took passes at once, by an event at
** this instant (no recursion down a chain of skipped steps). */
static void ds_release_step(model_disaster_sim *s, size_t g, int cause, size_t idx) {
  ds_step *st = &s->ss[g];
  if (st->state != ST_IDLE) return;
  st->cause = cause;
  st->cause_idx = (int32_t)idx;
  if (--st->pending != 0) return;
  double wait = model_cc_step_delay(s->cc, g);
  if (s->step_skip[g]) {
    ds_schedule(s, sim_now(s->sim), ev_skip, g);
  } else if (wait > 0) {
    /* a common cause (a tooling outage) holds its first attempt back */
    if (s->trace)
      ds_tracef(s, sim_now(s->sim), "%s: %s waits %s (common cause %s)", ds_env_name(s, g),
                s->step[g]->name, ds_dur(s, 0, wait),
                s->sc->common_causes[model_cc_step_cause(s->cc, g)].name);
    ds_schedule(s, sim_now(s->sim) + wait, ev_retry, g);
  } else {
    ds_start_attempt(s, g);
  }
}

/* The attempt of step g may begin its work (after any off-hours wait or
** page): it asks for a member of its team, or runs at once. The grant
** event at this instant hands members out in order, after the other steps
** released now have asked too. */
static void ds_after_pre(model_disaster_sim *s, size_t g) {
  ds_step *st = &s->ss[g];
  int team = ds_step_team(s, g);
  if (team < 0) {
    ds_run_attempt(s, g);
    return;
  }
  st->asked = sim_now(s->sim);
  st->wait_traced = 0;
  if (model_team_pool_request(s->teams, (size_t)team, g, st->asked, s->step_order[g])) {
    s->error = 1;
    return;
  }
  ds_schedule(s, st->asked, ev_team_grant, (uint64_t)team);
}

static void ev_after_pre(sim_ctx *sim, void *ctx, uint64_t g) {
  (void)sim;
  ds_after_pre(ctx, (size_t)g);
}

/* Hand free members of team `team` to its waiting steps, in order. */
static void ev_team_grant(sim_ctx *sim, void *ctx, uint64_t team) {
  model_disaster_sim *s = ctx;
  double now = sim_now(sim), asked;
  size_t g;
  while (model_team_pool_grant(s->teams, (size_t)team, &g, &asked)) {
    ds_step *st = &s->ss[g];
    st->holds = 1;
    st->team_wait = (isnan(st->team_wait) ? 0 : st->team_wait) + (now - asked);
    if (s->trace && now > asked)
      ds_tracef(s, now, "%s: %s gets a member of team %s after waiting %s", ds_env_name(s, g),
                s->step[g]->name, s->sc->teams[team].name, ds_dur(s, 0, now - asked));
    ds_run_attempt(s, g);
  }
  if (s->trace) {
    /* Steps that asked just now and must wait. */
    for (size_t k = 0; k < s->nst; k++) {
      ds_step *w = &s->ss[k];
      if (w->asked == now && !w->holds && !w->wait_traced && w->state == ST_RUNNING &&
          ds_step_team(s, k) == (int)team && (w->wait_traced = 1))
        ds_tracef(s, now, "%s: %s waits for team %s (%d of %d busy, %zu waiting)",
                  ds_env_name(s, k), s->step[k]->name, s->sc->teams[team].name,
                  model_team_pool_busy(s->teams, (size_t)team), s->sc->teams[team].size,
                  model_team_pool_waiting(s->teams, (size_t)team));
    }
  }
}

/* Step g's attempt ended (or the step was done): its team member is free. */
static void ds_team_release(model_disaster_sim *s, size_t g) {
  ds_step *st = &s->ss[g];
  int team = ds_step_team(s, g);
  if (!st->holds || team < 0) return;
  st->holds = 0;
  model_team_pool_release(s->teams, (size_t)team);
  ds_schedule(s, sim_now(s->sim), ev_team_grant, (uint64_t)team);
}

/* Component c lost one pending condition: its own failover (CAUSE_OWN) or
** the start token of the trial (CAUSE_NONE). Propagates usability through the
** dependents with an explicit worklist (no recursion depth limit). */
void ds_release_comp(model_disaster_sim *s, size_t c, int cause) {
  size_t top = 0;
  ds_comp *cc = &s->cs[c];
  if (cause != CAUSE_NONE) cc->cause = cause;
  if (--cc->pending != 0) return;
  s->stack[top++] = c;
  while (top) {
    size_t x = s->stack[--top];
    double now = sim_now(s->sim);
    s->cs[x].usable = now;
    if (s->trace && s->comp_affected[x])
      ds_tracef(s, now, "component %s usable in %s", s->sc->components[x].name, s->comp_target[x]);
    for (size_t k = s->comp_waiters.off[x]; k < s->comp_waiters.off[x + 1]; k++) {
      size_t g = s->comp_waiters.idx[k];
      if (s->env_affected[s->sc->workflows[s->step_wf[g]].environment])
        ds_release_step(s, g, CAUSE_COMPONENT, x);
    }
    for (size_t k = s->comp_dependents.off[x]; k < s->comp_dependents.off[x + 1]; k++) {
      size_t y = s->comp_dependents.idx[k];
      s->cs[y].cause = CAUSE_COMPONENT;
      s->cs[y].cause_idx = (int32_t)x;
      if (--s->cs[y].pending == 0) s->stack[top++] = y;
    }
  }
}

/* ---------------------------------------------------------------- events */

void ds_ev_comp_ready(sim_ctx *sim, void *ctx, uint64_t c) {
  model_disaster_sim *s = ctx;
  s->cs[c].promoted = sim_now(sim);
  s->cs[c].own_pending = 0;
  ds_release_comp(s, (size_t)c, CAUSE_OWN);
}

/* Service restored: every step that is not after_restore is done. */
static void ds_env_restored(model_disaster_sim *s, size_t e, double now) {
  s->es[e].restored = now;
  if (s->trace)
    ds_tracef(s, now, "%s: recovered (RTO %s)", s->sc->environments[e].name, ds_dur(s, 0, now));
}

/* Every step is done (the after_restore ones too). */
static void ds_env_complete(model_disaster_sim *s, size_t e, double now) {
  ds_env *es = &s->es[e];
  es->end = now;
  if (s->trace && s->wf_core[s->env_wf[e]] != (int32_t)s->sc->workflows[s->env_wf[e]].n_steps)
    ds_tracef(s, now, "%s: workflow complete (after_restore steps done; not in the RTO)",
              s->sc->environments[e].name);
}

/* The workflow's steps may start (after detection and wait_for_primary). */
static void ev_go(sim_ctx *sim, void *ctx, uint64_t w) {
  model_disaster_sim *s = ctx;
  const model_workflow *wf = &s->sc->workflows[w];
  size_t e = (size_t)wf->environment;
  if (s->trace && wf->wait_for_primary_s > 0)
    ds_tracef(s, sim_now(sim), "%s: primary still down after waiting %s: failing over",
              s->sc->environments[e].name, ds_dur(s, 0, wf->wait_for_primary_s));
  if (s->wf_core[w] == 0) ds_env_restored(s, e, sim_now(sim));
  if (wf->n_steps == 0) ds_env_complete(s, e, sim_now(sim));
  for (size_t k = 0; k < wf->n_steps; k++)
    ds_release_step(s, wf->step_offset + k, CAUSE_DETECTION, w);
}

void ds_ev_detect(sim_ctx *sim, void *ctx, uint64_t w) {
  model_disaster_sim *s = ctx;
  const model_workflow *wf = &s->sc->workflows[w];
  double now = sim_now(sim);
  s->es[wf->environment].detected = now;
  if (s->trace)
    ds_tracef(s, now, "%s: detection done", s->sc->environments[wf->environment].name);
  if (wf->wait_for_primary_s > 0) {
    if (s->trace)
      ds_tracef(s, now, "%s: waiting up to %s for the primary before failing over",
                s->sc->environments[wf->environment].name, ds_dur(s, 0, wf->wait_for_primary_s));
    ds_schedule(s, now + wf->wait_for_primary_s, ev_go, w);
  } else {
    ev_go(sim, ctx, w);
  }
}

static void ev_retry(sim_ctx *sim, void *ctx, uint64_t g) {
  (void)sim;
  ds_start_attempt(ctx, (size_t)g);
}

static void ds_step_done(model_disaster_sim *s, size_t g);

/* The manual fix of an escalated step is done: the step completes. */
static void ev_escalated(sim_ctx *sim, void *ctx, uint64_t g) {
  (void)sim;
  ds_step_done(ctx, (size_t)g);
}

static void ev_trace_node(sim_ctx *sim, void *ctx, uint64_t arg) {
  model_disaster_sim *s = ctx;
  size_t g = (size_t)(arg >> 32);
  int pi = s->step[g]->standby;
  const model_standby *p = &s->sc->standby[pi];
  ds_tracef(s, sim_now(sim), "%s: node %u/%d up", p->name, (unsigned)(arg & 0xffffffffu),
            p->required_nodes - s->pool_warm[pi]);
}

/* The primary is back (t = D): service is restored where the workflow has
** not restored it yet, and nothing more happens (the remaining steps stop). */
void ds_ev_primary(sim_ctx *sim, void *ctx, uint64_t arg) {
  (void)arg;
  model_disaster_sim *s = ctx;
  double now = sim_now(sim);
  s->back = 1;
  if (s->trace) {
    ds_tracef(s, now, "disaster over: the primary is back");
    for (size_t e = 0; e < s->ne; e++) {
      int w = s->env_wf[e];
      if (!s->env_affected[e] || w < 0 || !isnan(s->es[e].end)) continue;
      const model_workflow *wf = &s->sc->workflows[w];
      size_t left = wf->n_steps - (size_t)s->es[e].n_done, started = 0;
      for (size_t k = 0; k < wf->n_steps; k++)
        started += s->ss[wf->step_offset + k].state != ST_IDLE;
      if (isnan(s->es[e].restored))
        ds_tracef(s, now, "%s: recovered by the primary's return (RTO %s)%s",
                  s->sc->environments[e].name, ds_dur(s, 0, now),
                  started ? "" : "; no failover ran");
      if (left)
        ds_tracef(s, now, "%s: %zu remaining workflow steps stop", s->sc->environments[e].name,
                  left);
    }
  }
  sim_stop(sim);
}

static void ds_step_finish(model_disaster_sim *s, size_t g, int skipped);

static void ds_step_done(model_disaster_sim *s, size_t g) { ds_step_finish(s, g, 0); }

static void ev_skip(sim_ctx *sim, void *ctx, uint64_t g) {
  (void)sim;
  ds_step_finish(ctx, (size_t)g, 1);
}

/* Step g succeeded now, or passed without running (skipped: its if_lost
** names nothing the disaster took). */
static void ds_step_finish(model_disaster_sim *s, size_t g, int skipped) {
  ds_step *st = &s->ss[g];
  const model_step *ms = s->step[g];
  double now = sim_now(s->sim);
  int e = s->sc->workflows[s->step_wf[g]].environment;
  st->state = ST_DONE;
  if (!skipped) st->end = now;
  ds_team_release(s, g);
  if (ms->standby >= 0 && !skipped) {
    ds_pool *pp = &s->ps[ms->standby];
    pp->first = st->att_start + st->att_first;
    pp->full = st->att_start + st->att_full;
  } else if (ms->standby >= 0 && isnan(s->ps[ms->standby].full)) {
    /* skipped: what the pool replaces was not lost, so no capacity was */
    s->ps[ms->standby].first = s->ps[ms->standby].full = 0;
  }
  if (s->trace && skipped) {
    char names[400];
    size_t len = 0;
    names[0] = 0;
    for (size_t k = 0; k < ms->n_if_lost_components + ms->n_if_lost_regions; k++) {
      const char *nm = k < ms->n_if_lost_components
                           ? s->sc->components[ms->if_lost_components[k]].name
                           : s->sc->regions[ms->if_lost_regions[k - ms->n_if_lost_components]].name;
      int wr = snprintf(names + len, sizeof names - len, "%s%s", k ? ", " : "", nm);
      if (wr < 0 || (size_t)wr >= sizeof names - len) break;
      len += (size_t)wr;
    }
    ds_tracef(s, now, "%s: %s skipped (not lost: %s)", ds_env_name(s, g), ms->name, names);
  } else if (s->trace) {
    const char *how = "";
    if (ms->standby >= 0 && ms->until == MODEL_UNTIL_SERVICE) how = " (standby: service nodes up)";
    else if (ms->standby >= 0) how = " (standby)";
    else if (ms->manual && ms->off_policy == MODEL_OFF_DRAW && ds_step_calendar(s, ms))
      how = st->off_hours ? " (manual, off-hours)" : " (manual, business hours)";
    else if (ms->manual && ds_step_calendar(s, ms) && st->off_hours)
      how = ms->off_policy == MODEL_OFF_WAIT ? " (manual, waited for business hours)"
                                             : " (manual, paged off hours)";
    else if (ms->manual && ds_step_calendar(s, ms))
      how = " (manual, business hours)";
    else if (ms->manual) how = " (manual)";
    if (st->escalated) how = " (escalated: manual fix)";
    ds_tracef(s, now, "%s: %s done%s", ds_env_name(s, g), ms->name, how);
  }
  for (size_t k = s->step_failovers.off[g]; k < s->step_failovers.off[g + 1]; k++) {
    size_t c = s->step_failovers.idx[k];
    if (s->cs[c].own_pending) {
      s->cs[c].own_pending = 0;
      ds_release_comp(s, c, CAUSE_OWN);
    }
  }
  for (size_t k = s->step_dependents.off[g]; k < s->step_dependents.off[g + 1]; k++)
    ds_release_step(s, s->step_dependents.idx[k], CAUSE_STEP, g);
  ds_env *es = &s->es[e];
  es->last_step = (int32_t)g;
  if (!ms->after_restore) {
    es->last_core = (int32_t)g;
    if (++es->n_core_done == s->wf_core[s->step_wf[g]]) ds_env_restored(s, (size_t)e, now);
  }
  if ((size_t)++es->n_done == s->sc->workflows[s->step_wf[g]].n_steps)
    ds_env_complete(s, (size_t)e, now);
}

static void ev_attempt_end(sim_ctx *sim, void *ctx, uint64_t arg) {
  model_disaster_sim *s = ctx;
  size_t g = (size_t)arg;
  ds_step *st = &s->ss[g];
  const model_step *ms = s->step[g];
  double now = sim_now(sim);
  ds_team_release(s, g);
  if (!st->att_fails) {
    ds_step_done(s, g);
    return;
  }
  int e = s->sc->workflows[s->step_wf[g]].environment;
  if (st->attempts <= ms->retry_max) {
    /* retry.persistent q: the cause of this failure stays with probability
    ** q (drawn only when q > 0 and only while a retry follows, so scenarios
    ** without it draw exactly as before). */
    int newly = 0;
    if (ms->retry_persistent > 0 && !st->persist)
      newly = st->persist = gsl_rng_uniform(ds_rng(s, s->rng_step0 + g)) < ms->retry_persistent;
    s->es[e].retries++;
    st->state = ST_RETRY_WAIT;
    if (s->trace)
      ds_tracef(s, now, "%s: %s attempt %d %s%s; retry in %s", ds_env_name(s, g), ms->name,
                (int)st->attempts, st->att_timeout ? "timed out" : "failed",
                newly ? " (the cause persists: every retry will fail)" : "",
                ds_dur(s, 0, ms->retry_delay_s));
    ds_schedule(s, now + ms->retry_delay_s, ev_retry, g);
    return;
  }
  if (ms->has_escalation) {
    /* Attempts exhausted: escalated to a manual fix that completes the step. */
    double x = model_dist_sample(&ms->escalation, ds_rng(s, s->rng_step0 + g));
    st->escalated = 1;
    st->state = ST_RUNNING;
    if (s->trace)
      ds_tracef(s, now, "%s: %s failed after %d attempts; escalated: manual fix takes %s",
                ds_env_name(s, g), ms->name, (int)st->attempts, ds_dur(s, 0, x));
    ds_schedule(s, now + x, ev_escalated, g);
    return;
  }
  st->state = ST_FAILED;
  if (s->es[e].failed_step < 0) s->es[e].failed_step = (int32_t)g;
  ds_team_release(s, g);
  if (s->trace) {
    const char *env = ds_env_name(s, g);
    ds_tracef(s, now, "%s: %s failed after %d attempts", env, ms->name, (int)st->attempts);
    if (ms->after_restore)
      ds_tracef(s, now, "%s: %s is after_restore: service stays restored", env, ms->name);
    else if (!s->has_D)
      ds_tracef(s, now, "%s: NOT recovered (%s failed after %d attempts)", env, ms->name,
                (int)st->attempts);
    else if (s->D > now)
      ds_tracef(s, now, "%s: workflow cannot complete; waiting for the primary's return", env);
  }
}

/* Restore the binary-heap order of slots[0..n) after slots[0] grew. */
static void ds_sift_down(double *h, size_t n) {
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && h[l] < h[m]) m = l;
    if (l + 1 < n && h[l + 1] < h[m]) m = l + 1;
    if (m == i) return;
    double t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

/* One scale-up attempt of step g (pool ms->standby); returns its length and
** fills att_first/att_full. Node completion times stay in s->node_t. */
static double ds_provision(model_disaster_sim *s, size_t g, size_t *n_out) {
  const model_step *ms = s->step[g];
  const model_standby *p = &s->sc->standby[ms->standby];
  ds_step *st = &s->ss[g];
  int warm = s->pool_warm[ms->standby];
  int need = p->required_nodes - warm;
  size_t n = need > 0 ? (size_t)need : 0;
  *n_out = n;
  st->att_first = st->att_full = 0;
  if (n == 0) return 0;
  gsl_rng *r = ds_rng(s, s->rng_pool0 + (size_t)ms->standby);
  double base = 0, cc_wait;
  size_t cause;
  int own = p->shortage_probability > 0 && gsl_rng_uniform(r) < p->shortage_probability;
  if (own) {
    base = model_dist_sample(&p->shortage_delay, r);
    s->ps[ms->standby].shortage = 1;
    if (s->trace)
      ds_tracef(s, sim_now(s->sim), "%s: capacity shortage; provisioning waits %s", p->name,
                ds_dur(s, 0, base));
  }
  if (model_cc_pool_short(s->cc, (size_t)ms->standby, &cc_wait, &cause)) {
    /* a common cause (a region-wide crunch): short whatever the pool drew */
    if (isnan(cc_wait)) cc_wait = own ? base : model_dist_sample(&p->shortage_delay, r);
    if (cc_wait > base) base = cc_wait;
    s->ps[ms->standby].shortage = 1;
    if (s->trace)
      ds_tracef(s, sim_now(s->sim), "%s: capacity shortage (common cause %s); provisioning "
                "waits %s", p->name, s->sc->common_causes[cause].name, ds_dur(s, 0, base));
  }
  size_t slots = p->max_parallel > 0 ? (size_t)p->max_parallel : 1;
  double full = base;
  if (slots >= n) {
    for (size_t i = 0; i < n; i++) {
      s->node_t[i] = base + model_dist_sample(&p->provision, r);
      if (s->node_t[i] > full) full = s->node_t[i];
    }
  } else {
    /* list scheduling: node i takes the slot that frees first */
    for (size_t i = 0; i < slots; i++) s->slots[i] = base;
    for (size_t i = 0; i < n; i++) {
      double t = s->slots[0] + model_dist_sample(&p->provision, r);
      s->node_t[i] = t;
      s->slots[0] = t;
      ds_sift_down(s->slots, slots);
      if (t > full) full = t;
    }
  }
  st->att_full = full;
  int k = p->service_nodes - warm;
  if (k <= 0) st->att_first = 0;
  else if ((size_t)k >= n) st->att_first = full;
  /* sorted for the k-th completion, and for the trace's node ranks */
  if (s->trace || (k > 0 && (size_t)k < n)) gsl_sort(s->node_t, 1, n);
  if (k > 0 && (size_t)k < n) st->att_first = s->node_t[k - 1];
  return full;
}

/* An attempt of step g begins (its needs are met, or a retry is due): a
** manual step whose calendar is closed first waits for the next window
** (WAIT) or for the paged person (PAGE), then the work asks for a team
** member (ds_after_pre) and runs (ds_run_attempt). */
static void ds_start_attempt(model_disaster_sim *s, size_t g) {
  ds_step *st = &s->ss[g];
  const model_step *ms = s->step[g];
  double now = sim_now(s->sim), pre = 0;
  const model_calendar *cal;
  if (s->step_pool_lost[g]) {
    /* Its standby pool is in the lost region: nothing to scale up. */
    int e = s->sc->workflows[s->step_wf[g]].environment;
    st->state = ST_FAILED;
    if (s->es[e].failed_step < 0) s->es[e].failed_step = (int32_t)g;
    if (s->trace) {
      const model_standby *p = &s->sc->standby[ms->standby];
      ds_tracef(s, now, "%s: %s cannot run: standby pool %s is in the lost region %s",
                ds_env_name(s, g), ms->name, p->name, s->sc->regions[p->region].name);
    }
    return;
  }
  st->state = ST_RUNNING;
  if (isnan(st->start)) {
    st->start = now;
    if (s->trace) ds_tracef(s, now, "%s: %s started", ds_env_name(s, g), ms->name);
  }
  if ((cal = ds_step_calendar(s, ms)) && ms->off_policy != MODEL_OFF_DRAW) {
    double wall = ds_wall(s, now);
    st->off_hours = !model_calendar_is_open(cal, wall);
    if (st->off_hours && ms->off_policy == MODEL_OFF_WAIT)
      pre = model_calendar_next_open(cal, wall) - wall;
    else if (st->off_hours)
      pre = model_dist_sample(&ms->page, ds_rng(s, s->rng_step0 + g));
    if (s->trace && st->off_hours) {
      char when[48];
      if (ms->off_policy == MODEL_OFF_WAIT)
        ds_tracef(s, now, "%s: %s waits for business hours (%s): until %s, %s",
                  ds_env_name(s, g), ms->name, model_calendar_name(cal),
                  model_calendar_format(cal, wall + pre, when, sizeof when), ds_dur(s, 0, pre));
      else
        ds_tracef(s, now, "%s: %s off hours (%s): paged, responds after %s", ds_env_name(s, g),
                  ms->name, model_calendar_name(cal), ds_dur(s, 0, pre));
    }
  }
  if (pre > 0) {
    if (isfinite(pre)) ds_schedule(s, now + pre, ev_after_pre, g);
    return;
  }
  ds_after_pre(s, g);
}

/* The work of an attempt of step g starts now: its draws, and its end. */
static void ds_run_attempt(model_disaster_sim *s, size_t g) {
  ds_step *st = &s->ss[g];
  const model_step *ms = s->step[g];
  double now = sim_now(s->sim), d;
  const model_calendar *cal;
  size_t n_nodes = 0;
  st->attempts++;
  st->att_start = now;
  const size_t rs = s->rng_step0 + g; /* a standby step draws only its failures here */
  if (ms->standby >= 0) {
    d = ds_provision(s, g, &n_nodes);
    /* until: service -- done when service_nodes are up; the rest of the
    ** pool keeps coming up in the background (full capacity recorded). */
    if (ms->until == MODEL_UNTIL_SERVICE) d = st->att_first;
  } else if ((cal = ds_step_calendar(s, ms)) && ms->off_policy == MODEL_OFF_DRAW) {
    st->off_hours = !model_calendar_is_open(cal, ds_wall(s, now));
    d = model_dist_sample(st->off_hours ? &ms->off_hours
                          : ms->has_business ? &ms->business_hours : &ms->duration, ds_rng(s, rs));
  } else if (cal) {
    /* WAIT or PAGE: the business duration (any wait came before) */
    d = model_dist_sample(ms->has_business ? &ms->business_hours : &ms->duration, ds_rng(s, rs));
  } else {
    d = model_dist_sample(&ms->duration, ds_rng(s, rs));
  }
  st->att_fails = 0;
  st->att_timeout = 0;
  if (ms->failure_probability > 0)   /* a common cause may multiply p (min 1) */
    st->att_fails = gsl_rng_uniform(ds_rng(s, rs)) <
                    ms->failure_probability * model_cc_failure_factor(s->cc, g);
  if (st->persist) st->att_fails = 1;  /* the earlier failure's cause is still there */
  if (d > ms->timeout_s) {
    d = ms->timeout_s;
    st->att_fails = 1;
    st->att_timeout = 1;
  }
  if (ms->standby >= 0 && n_nodes) {
    size_t up = 0;
    if (st->att_timeout) {
      for (size_t i = 0; i < n_nodes; i++) up += s->node_t[i] <= d;
    } else {
      up = n_nodes;
    }
    s->ps[ms->standby].nodes += (int32_t)up;
    if (s->trace) /* node_t is sorted when tracing */
      for (size_t i = 0; i < up; i++)
        ds_schedule(s, now + s->node_t[i], ev_trace_node, ((uint64_t)g << 32) | (i + 1));
  }
  ds_schedule(s, now + d, ev_attempt_end, g);
}
