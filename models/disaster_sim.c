/*
** models/disaster_sim.c — one disaster-mode trial on the sim/ kernel.
**
** A trial: the scenario's disaster strikes at t = 0; detection runs per
** affected environment, then its workflow DAG (steps in parallel where the
** needs allow), while managed components fail over on their own clock. The
** record gets per environment RTO / RPO / capacity times, per step its
** timeline, per component its RPO and failover time, per standby pool its
** scale-up. Meaning: scenarios/README.md and docs/semantics.md (results:
** docs/results.md); the decisions that refine it
** are listed here so a reader can check a record against them.
**
** Scope of the disaster. region-outage: every component of the region;
** zone-outage: the region's components in that zone (zone 0, zone-redundant,
** survives); component: that component and everything that (transitively)
** depends on it. An environment is affected when one of its components or a
** shared component is; unaffected environments run nothing and record
** affected 0 (rto 0, rpo 0, recovered 1: not a sample, reports leave them
** out of the environment's RTO/RPO figures).
**
** Components. Usable in standby at: affected AUTO failover -> after +
** duration draw; affected BY_STEP -> when that step completes; NONE or
** unaffected -> 0; and never before every component it depends on is usable
** (transitively). failover_s records that time for affected components and
** for unaffected ones that had to wait for a dependency (NAN for the rest and
** for components that never became usable). A step whose needs name a
** component waits until it is usable.
**
** Steps. A step starts when its needs are met and detection is done. Each
** attempt draws a fresh duration from the step's stream; with a timeout T an
** attempt whose draw exceeds T fails at T; otherwise it fails at its end with
** failure_probability p. The uniform deciding p is drawn on every attempt
** when p > 0, even when the attempt timed out, so timeouts don't shift later
** draws. A failed attempt is retried after retry.delay, up to retry.max
** times; when all fail the step fails and its dependents never start --
** unless it has an escalation: then a manual fix of one escalation draw
** (from the step's stream, at the last failure) completes it. With
** retry.persistent q > 0, each failed attempt that is followed by a retry
** draws (step stream, after the attempt's own draws) whether its cause
** persists; once it does, every later attempt of the step fails (it still
** draws its duration and failure uniform, so the stream stays aligned).
** Manual steps with business_hours/off_hours (and the oncall block present)
** draw from business_hours when the attempt starts inside business hours of
** the disaster's wall clock (uniform over a week, oncall stream); the
** off_hours flag of a step is that of its last attempt.
**
** Calendars (models/calendar.h). The disaster's wall clock is
** clock.start_utc + W, W = u * clock.period_s (one uniform of the "oncall"
** stream; W = 0, no draw, with a fixed disaster.start). A manual step with
** an off_hours policy and a calendar asks, at each attempt's start, whether
** the calendar is open: DRAW draws business_hours or off_hours (above);
** WAIT, when closed, waits until the calendar's next window opens; PAGE,
** when closed, waits a `page` draw; both then draw the business duration
** (business_hours, else duration) from the step stream (the page draw
** first). The wait or page comes before the attempt's work: the timeout
** applies to the work alone. A detection given as {business_hours,
** off_hours} draws by whether the calendar of its workflow is open at t = 0.
**
** Teams (models/team.h). A step with a team asks for a member when its
** needs are met; members are handed out first come first served (ties:
** environment order, then step order) by a grant event at that instant,
** and the step holds its member from its first attempt until it completes
** or fails for good (retry delays, off-hours waits and pages included). Its
** team_wait_s is the time from asking to getting a member. Team occupancy
** is per trial (in lifetime mode, per incident).
**
** Standby steps. An attempt brings required - warm nodes up, each a provision
** draw from the pool's stream, at most max_parallel at a time (list
** scheduling: the next node starts as soon as one finishes, in node order);
** with the pool's shortage probability the attempt first waits a
** shortage_delay draw. Timeout / failure / retry apply to the whole scale-up
** like to any attempt; a retry provisions afresh. The pool records the
** successful attempt: first_service_s when warm + up >= service_nodes (the
** attempt start when warm suffices), full_capacity_s when all are up;
** nodes_provisioned counts every node that came up in any attempt and
** shortage is 1 when any attempt drew one. If several steps use one pool, the
** pool record holds the last that completed. An environment's
** first_service_s / full_capacity_s = max over its successful standby steps;
** 0 for the pools of an environment the disaster did not affect.
**
** Scope-aware plans. A step with if_lost runs only when the disaster takes
** one of the named components (in scope) or regions (a region-outage of
** it); otherwise it is skipped: when its needs are met it passes at once
** (start/end NAN, attempts 0, never critical), releasing what needs it and
** the components failing over by it; a skipped standby step records its
** pool (and environment) at full capacity from t = 0. needs: [ENV/STEP]
** waits for a step of another workflow, and is met at t = 0 when that
** environment is not affected. A standby step with until: service completes
** at first_service (the rest of the pool comes up in the background:
** full_capacity still records it). wait_for_primary W: the steps are
** released at detection + W instead of at detection.
**
** Zonal pools. A standby pool with zones has node i in zones[i % n]; a
** zone outage of its region takes the warm nodes in that zone, which its
** scale-up then brings up again (with service_nodes counted the same way).
**
** DR capabilities lost. A region-outage of region R also takes the copies
** and capacity there: an affected component whose target region
** (replication.to, else the first standby region other than its own) is R
** never becomes usable (RPO INFINITY when it replicates), and a standby step
** whose pool is in R fails at once.
**
** RTO = completion of the environment's last step that is not
** after_restore (INFINITY when such a step failed or never ran); the
** after_restore steps run and are recorded, but the RTO ends before them. An affected environment without a workflow gets the
** latest usable time of its affected components. With a disaster duration D
** (one draw from the disaster stream, shared by all environments) service is
** restored at min(workflow completion, D); when the primary returns first
** (D <= completion, including a failed workflow) the environment records
** rto = D, recovered = 1, and rpo = the largest RPO of its affected
** components whose service-managed (AUTO) failover already promoted a copy
** before D (0 when none: its data was never lost). At D the trial stops:
** the remaining steps never complete (traced). Component records keep the
** RPO the failover would have had.
**
** RPO of an affected data component: sync 0; async one lag draw; periodic:
** the cycle phase u ~ U[0, I) is the age of the latest backup start; backup k
** started u + kI ago, succeeded with 1 - q, was usable copy-draw after its
** start; RPO = u + kI for the smallest k whose backup succeeded and was usable
** by t = 0, INFINITY when none is within retention (or after 10^6 backups).
** Draw order in a component stream: RPO draws, then the failover duration.
** Unaffected data components record rpo 0; components without replication
** NAN. Environment RPO = max over its affected data components and the shared
** ones, 0 when none.
**
** Critical path: from the step that completed last, each step's binding
** predecessor is whatever released it last (a needs step, a component — which
** in turn was released by a dependency or its BY_STEP step — or detection);
** the steps of the environment's workflow on that chain get critical = 1. Not
** marked when the primary's return set the RTO.
**
** Streams: each entity has one generator, allocated in _new and lazily
** reseeded sim_rng_seed(r, run_seed, trial, entity.stream) on its first draw
** of a trial, so an entity's draws depend only on its own parameters and
** (seed, trial); a stream a trial does not draw from is not seeded. The
** trace only adds trace events; it never draws.
**
** Speed: everything a trial touches is allocated in _new; a trial is resets,
** draws and a handful of events.
*/
#include "models/disaster_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/costs.h"
#include "models/outcome.h"
#include "models/units.h"
#include "sim/rng.h"

typedef void (*ds_emit_fn)(const model_disaster_sim *s, void (*put)(void *, size_t, size_t),
                           void *acc);

typedef struct ds_csr_acc {
  ds_csr *csr;
  int fill;                 /* 0: counting pass, 1: filling pass */
  size_t *cursor;
} ds_csr_acc;

static void ds_csr_put(void *p, size_t from, size_t to) {
  ds_csr_acc *a = p;
  if (!a->fill) a->csr->off[from + 1]++;
  else a->csr->idx[a->cursor[from]++] = to;
}

static int ds_csr_build(const model_disaster_sim *s, ds_csr *csr, size_t n, ds_emit_fn emit) {
  ds_csr_acc a = {csr, 0, NULL};
  csr->off = calloc(n + 1, sizeof *csr->off);
  if (!csr->off) return -1;
  emit(s, ds_csr_put, &a);
  for (size_t i = 0; i < n; i++) csr->off[i + 1] += csr->off[i];
  csr->idx = malloc((csr->off[n] ? csr->off[n] : 1) * sizeof *csr->idx);
  a.cursor = malloc((n ? n : 1) * sizeof *a.cursor);
  if (!csr->idx || !a.cursor) {
    free(a.cursor);
    return -1;
  }
  memcpy(a.cursor, csr->off, n * sizeof *a.cursor);
  a.fill = 1;
  emit(s, ds_csr_put, &a);
  free(a.cursor);
  return 0;
}

static void ds_csr_free(ds_csr *c) {
  free(c->off);
  free(c->idx);
}

static void emit_comp_dependents(const model_disaster_sim *s, void (*put)(void *, size_t, size_t),
                                 void *acc) {
  for (size_t c = 0; c < s->nc; c++) {
    const model_component *mc = &s->sc->components[c];
    for (size_t k = 0; k < mc->n_depends_on; k++) put(acc, (size_t)mc->depends_on[k], c);
  }
}

static void emit_comp_waiters(const model_disaster_sim *s, void (*put)(void *, size_t, size_t),
                              void *acc) {
  for (size_t g = 0; g < s->nst; g++)
    for (size_t k = 0; k < s->step[g]->n_needs_components; k++)
      put(acc, s->step[g]->needs_components[k], g);
}

static void emit_step_dependents(const model_disaster_sim *s, void (*put)(void *, size_t, size_t),
                                 void *acc) {
  for (size_t g = 0; g < s->nst; g++) {
    size_t off = s->sc->workflows[s->step_wf[g]].step_offset;
    for (size_t k = 0; k < s->step[g]->n_needs_steps; k++)
      put(acc, off + s->step[g]->needs_steps[k], g);
    for (size_t k = 0; k < s->step[g]->n_needs_ext; k++) {
      const model_step_ref *r = &s->step[g]->needs_ext[k];
      put(acc, s->sc->workflows[r->workflow].step_offset + (size_t)r->step, g);
    }
  }
}

static void emit_step_failovers(const model_disaster_sim *s, void (*put)(void *, size_t, size_t),
                                void *acc) {
  for (size_t c = 0; c < s->nc; c++) {
    const model_failover *f = &s->sc->components[c].failover;
    if (f->kind != MODEL_FAILOVER_BY_STEP || f->by_workflow < 0 || f->by_step < 0) continue;
    put(acc, s->sc->workflows[f->by_workflow].step_offset + (size_t)f->by_step, c);
  }
}

/* Which components and environments the disaster takes down (the scope,
** models/scenario.h) and what follows from it; fixed for a scenario.
** Returns -1 when out of memory. */
static int ds_mark_affected(model_disaster_sim *s) {
  const model_scenario *sc = s->sc;
  const model_disaster *d = &sc->disaster;
  if (model_scenario_scope(sc, s->comp_affected, s->env_affected)) return -1;
  /* A zone outage takes a zonal pool's warm nodes in that zone (node i is in
  ** zones[i % n_zones]): the scale-up brings them up again. */
  for (size_t p = 0; p < s->np; p++) {
    const model_standby *sp = &sc->standby[p];
    int warm = sp->warm_nodes;
    if (d->type == MODEL_DISASTER_ZONE && sp->region == d->region && sp->n_zones > 0)
      for (int i = 0; i < sp->warm_nodes; i++) warm -= sp->zones[i % sp->n_zones] == d->zone;
    s->pool_warm[p] = warm;
  }
  /* A region-outage also takes the DR capabilities in that region: the
  ** replication/failover targets and the standby pools there. */
  int lost_region = d->type == MODEL_DISASTER_REGION ? d->region : -1;
  for (size_t c = 0; c < s->nc; c++)
    s->comp_stranded[c] = s->comp_affected[c] && lost_region >= 0 &&
                          s->comp_target_r[c] == lost_region;
  for (size_t g = 0; g < s->nst; g++) {
    const model_step *ms = s->step[g];
    s->step_pool_lost[g] = ms->standby >= 0 && lost_region >= 0 &&
                           sc->standby[ms->standby].region == lost_region;
    int lost = !ms->has_if_lost;
    for (size_t k = 0; !lost && k < ms->n_if_lost_components; k++)
      lost = s->comp_affected[ms->if_lost_components[k]];
    for (size_t k = 0; !lost && k < ms->n_if_lost_regions; k++)
      lost = ms->if_lost_regions[k] == lost_region;
    s->step_skip[g] = !lost;
    int32_t pending = 1 + (int32_t)(ms->n_needs_steps + ms->n_needs_components);
    for (size_t k = 0; k < ms->n_needs_ext; k++)   /* met at t = 0 when not affected */
      pending += s->env_affected[sc->workflows[ms->needs_ext[k].workflow].environment] != 0;
    s->step_pending0[g] = pending;
  }
  return 0;
}

/* Kahn's algorithm over depends_on: the loader rejects cycles; a cycle here
** would leave components never usable, so it is reported as an error. */
static int ds_has_cycle(model_disaster_sim *s) {
  size_t done = 0, tail = 0;
  int32_t *indeg = malloc((s->nc ? s->nc : 1) * sizeof *indeg);
  if (!indeg) return -1;
  for (size_t c = 0; c < s->nc; c++) {
    indeg[c] = (int32_t)s->sc->components[c].n_depends_on;
    if (!indeg[c]) s->stack[tail++] = c;
  }
  while (done < tail) {
    size_t c = s->stack[done++];
    for (size_t k = s->comp_dependents.off[c]; k < s->comp_dependents.off[c + 1]; k++)
      if (--indeg[s->comp_dependents.idx[k]] == 0) s->stack[tail++] = s->comp_dependents.idx[k];
  }
  free(indeg);
  return done != s->nc;
}

/* ------------------------------------------------------------------- new */

model_disaster_sim *model_disaster_sim_new(const model_scenario *sc) {
  model_disaster_sim *s = calloc(1, sizeof *s);
  if (!s || !sc) {
    free(s);
    return NULL;
  }
  s->sc = sc;
  s->nc = sc->n_components;
  s->np = sc->n_standby;
  s->nw = sc->n_workflows;
  s->ne = sc->n_environments;
  s->nst = 0;
  for (size_t w = 0; w < s->nw; w++) s->nst += sc->workflows[w].n_steps;

  s->rng_pool0 = s->nc;
  s->rng_step0 = s->rng_pool0 + s->np;
  s->rng_det0 = s->rng_step0 + s->nst;
  s->rng_disaster = s->rng_det0 + s->nw;
  s->rng_oncall = s->rng_disaster + 1;
  s->n_rng = s->rng_oncall + 1;

  size_t max_nodes = 1, n_events = 16 + s->nc + 4 * s->nst + s->nw + s->ne;
  for (size_t p = 0; p < s->np; p++) {
    int n = sc->standby[p].required_nodes;   /* a zone outage may take the warm ones */
    if (n > 0 && (size_t)n > max_nodes) max_nodes = (size_t)n;
  }

#define DS_ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof *(ptr)))
  if (!DS_ALLOC(s->rng, s->n_rng) || !DS_ALLOC(s->rng_stream, s->n_rng) ||
      !DS_ALLOC(s->rng_stamp, s->n_rng) || !DS_ALLOC(s->step, s->nst) ||
      !DS_ALLOC(s->step_wf, s->nst) || !DS_ALLOC(s->env_wf, s->ne) ||
      !DS_ALLOC(s->comp_affected, s->nc) || !DS_ALLOC(s->env_affected, s->ne) ||
      !DS_ALLOC(s->comp_target, s->nc) || !DS_ALLOC(s->comp_target_r, s->nc) ||
      !DS_ALLOC(s->comp_stranded, s->nc) || !DS_ALLOC(s->step_skip, s->nst) ||
      !DS_ALLOC(s->step_pool_lost, s->nst) || !DS_ALLOC(s->step_pending0, s->nst) ||
      !DS_ALLOC(s->wf_core, s->nw) || !DS_ALLOC(s->pool_warm, s->np) || !DS_ALLOC(s->cs, s->nc) || !DS_ALLOC(s->ss, s->nst) ||
      !DS_ALLOC(s->es, s->ne) || !DS_ALLOC(s->ps, s->np) || !DS_ALLOC(s->stack, s->nc) ||
      !DS_ALLOC(s->node_t, max_nodes) || !DS_ALLOC(s->slots, max_nodes))
    goto fail;
#undef DS_ALLOC
  if (!(s->sim = sim_new(n_events + s->nst))) goto fail;
  if (sc->n_teams) {
    int *sizes = malloc(sc->n_teams * sizeof *sizes);
    if (!sizes) goto fail;
    for (size_t t = 0; t < sc->n_teams; t++) sizes[t] = sc->teams[t].size;
    s->teams = model_team_pool_new(sc->n_teams, sizes, s->nst);
    free(sizes);
    if (!s->teams || !(s->step_order = calloc(s->nst ? s->nst : 1, sizeof *s->step_order)))
      goto fail;
  }
  if (!(s->cc = model_cc_new(sc))) goto fail;

  for (size_t i = 0; i < s->n_rng; i++)
    if (!(s->rng[i] = sim_rng_alloc())) goto fail;
  for (size_t c = 0; c < s->nc; c++) s->rng_stream[c] = sc->components[c].stream;
  for (size_t p = 0; p < s->np; p++) s->rng_stream[s->rng_pool0 + p] = sc->standby[p].stream;
  for (size_t e = 0; e < s->ne; e++) s->env_wf[e] = -1;
  for (size_t w = 0, g = 0; w < s->nw; w++) {
    const model_workflow *wf = &sc->workflows[w];
    s->rng_stream[s->rng_det0 + w] = wf->stream;
    if (wf->environment >= 0 && (size_t)wf->environment < s->ne) s->env_wf[wf->environment] = (int)w;
    for (size_t k = 0; k < wf->n_steps; k++, g++) {
      /* step_offset is the contract for the flattened index; trust but check */
      if (wf->step_offset + k != g) goto fail;
      s->wf_core[w] += !wf->steps[k].after_restore;
      s->step[g] = &wf->steps[k];
      s->step_wf[g] = (int)w;
      s->rng_stream[s->rng_step0 + g] = wf->steps[k].stream;
      if (s->step_order) s->step_order[g] = ((uint64_t)(uint32_t)wf->environment << 32) | k;
    }
  }
  s->rng_stream[s->rng_disaster] = sc->disaster.stream;
  s->rng_stream[s->rng_oncall] = sc->oncall.stream;

  /* Target: replication.to, else the first standby region other than the
  ** component's own. */
  for (size_t c = 0; c < s->nc; c++) {
    int r = sc->components[c].replication.to_region;
    for (size_t q = 0; r < 0 && q < sc->n_regions; q++)
      if (!sc->regions[q].primary && (int)q != sc->components[c].region) r = (int)q;
    s->comp_target_r[c] = r;
    s->comp_target[c] = r >= 0 ? sc->regions[r].name : "standby";
  }

  if (ds_csr_build(s, &s->comp_dependents, s->nc, emit_comp_dependents) ||
      ds_csr_build(s, &s->comp_waiters, s->nc, emit_comp_waiters) ||
      ds_csr_build(s, &s->step_dependents, s->nst, emit_step_dependents) ||
      ds_csr_build(s, &s->step_failovers, s->nst, emit_step_failovers))
    goto fail;
  int cyc = ds_has_cycle(s);
  if (cyc < 0) goto fail;
  s->cyclic = cyc;
  if (ds_mark_affected(s)) goto fail;
  return s;

fail:
  model_disaster_sim_free(s);
  return NULL;
}

void model_disaster_sim_free(model_disaster_sim *s) {
  if (!s) return;
  if (s->rng)
    for (size_t i = 0; i < s->n_rng; i++) gsl_rng_free(s->rng[i]);
  free(s->rng);
  free(s->rng_stream);
  free(s->rng_stamp);
  free(s->step);
  free(s->step_wf);
  free(s->env_wf);
  free(s->comp_affected);
  free(s->env_affected);
  free(s->comp_target);
  free(s->comp_target_r);
  free(s->comp_stranded);
  free(s->step_skip);
  free(s->step_pool_lost);
  free(s->step_pending0);
  free(s->wf_core);
  free(s->pool_warm);
  ds_csr_free(&s->comp_dependents);
  ds_csr_free(&s->comp_waiters);
  ds_csr_free(&s->step_dependents);
  ds_csr_free(&s->step_failovers);
  free(s->cs);
  free(s->ss);
  free(s->es);
  free(s->ps);
  free(s->stack);
  free(s->node_t);
  free(s->slots);
  model_team_pool_free(s->teams);
  model_cc_free(s->cc);
  free(s->step_order);
  sim_free(s->sim);
  free(s);
}

/* ---------------------------------------------------------------- trial */

static void ds_trace_disaster(model_disaster_sim *s) {
  const model_scenario *sc = s->sc;
  char what[300];
  ds_tracef(s, 0, "disaster: %s", model_scenario_disaster_text(sc, what, sizeof what));
  if (s->has_D) ds_tracef(s, 0, "disaster: the primary returns after %s", ds_dur(s, 0, s->D));
  if (sc->clock.enabled && (sc->n_calendars > 1 || !sc->oncall.enabled || sc->clock.fixed ||
                            sc->clock.period_s != MODEL_UNITS_WEEK)) {
    char when[48];
    ds_tracef(s, 0, "disaster: strikes at %s UTC%s", model_calendar_format(NULL, ds_wall(s, 0),
              when, sizeof when), sc->clock.fixed ? " (disaster.start)" : "");
    for (size_t i = 0; i < sc->n_calendars; i++)
      if (strcmp(model_calendar_timezone(sc->calendars[i]), "UTC") != 0)
        ds_tracef(s, 0, "disaster: calendar %s: %s %s (%s)", model_calendar_name(sc->calendars[i]),
                  model_calendar_format(sc->calendars[i], ds_wall(s, 0), when, sizeof when),
                  model_calendar_timezone(sc->calendars[i]),
                  model_calendar_is_open(sc->calendars[i], ds_wall(s, 0)) ? "business hours"
                                                                          : "off hours");
  } else if (sc->oncall.enabled) {
    static const char *const days[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
    int minute = (int)(s->W / 60.0);   /* W is in [0, 1 week) */
    ds_tracef(s, 0, "disaster: strikes on %s at %02d:%02d (on-call week clock)",
              days[(minute / 1440) % 7], (minute / 60) % 24, minute % 60);
  }
  for (size_t e = 0; e < s->ne; e++)
    if (!s->env_affected[e]) ds_tracef(s, 0, "%s: not affected", sc->environments[e].name);
}

/* Walk the binding predecessors back from env e's last step. */
static void ds_mark_critical(model_disaster_sim *s, size_t e) {
  int w = s->env_wf[e];
  long g = s->es[e].last_core;
  size_t guard = s->nst + s->nc + 2;
  while (g >= 0 && guard--) {
    ds_step *st = &s->ss[g];
    if (s->step_wf[g] == w && !s->step_skip[g]) st->critical = 1;
    if (st->cause == CAUSE_STEP) {
      g = st->cause_idx;
    } else if (st->cause == CAUSE_COMPONENT) {
      long c = st->cause_idx;
      g = -1;
      while (c >= 0 && guard--) {
        const ds_comp *cc = &s->cs[c];
        if (cc->cause == CAUSE_COMPONENT) {
          c = cc->cause_idx;
          continue;
        }
        const model_failover *f = &s->sc->components[c].failover;
        if (cc->cause == CAUSE_OWN && f->kind == MODEL_FAILOVER_BY_STEP && s->comp_affected[c])
          g = (long)(s->sc->workflows[f->by_workflow].step_offset + (size_t)f->by_step);
        break;
      }
    } else {
      break;
    }
  }
}

/* Components at t = 0: RPO draws, own failover, then usability. */
static void ds_start_components(model_disaster_sim *s, model_trial_view *v) {
  const model_scenario *sc = s->sc;
  for (size_t c = 0; c < s->nc; c++) {
    const model_component *mc = &sc->components[c];
    ds_comp *cc = &s->cs[c];
    cc->usable = NAN;
    cc->promoted = NAN;
    cc->cause = CAUSE_NONE;
    cc->cause_idx = -1;
    cc->own_pending = 0;
    if (s->comp_stranded[c]) {
      /* Its target region is lost too: no copy to fail over to, ever. */
      if (mc->replication.mode != MODEL_REPL_NONE) v->components[c].rpo_s = INFINITY;
      cc->own_pending = 1;
      if (s->trace)
        ds_tracef(s, 0, "component %s cannot fail over: its target region %s is lost too",
                  mc->name, s->comp_target[c]);
    } else if (s->comp_affected[c]) {
      if (mc->replication.mode != MODEL_REPL_NONE) v->components[c].rpo_s = ds_rpo(s, c);
      if (mc->failover.kind == MODEL_FAILOVER_AUTO) {
        double dur = mc->failover.has_duration ? model_dist_sample(&mc->failover.duration, ds_rng(s, c)) : 0;
        cc->own_pending = 1;
        ds_schedule(s, mc->failover.after_s + dur, ds_ev_comp_ready, c);
      } else if (mc->failover.kind == MODEL_FAILOVER_BY_STEP) {
        cc->own_pending = 1;
      }
    } else {
      v->components[c].rpo_s = mc->replication.mode != MODEL_REPL_NONE ? 0.0 : NAN;
    }
    cc->pending = cc->own_pending + 1 + (int32_t)mc->n_depends_on;
  }
  /* "+ 1" above is a start token released here, so that no component turns
  ** usable before all counters are initialised. */
  for (size_t c = 0; c < s->nc; c++) ds_release_comp(s, c, CAUSE_NONE);
}

/* Affected environments at t = 0: their RPO, and detection scheduled. */
static void ds_start_environments(model_disaster_sim *s, model_trial_view *v) {
  const model_scenario *sc = s->sc;
  for (size_t e = 0; e < s->ne; e++) {
    if (!s->env_affected[e]) continue;
    int w = s->env_wf[e];
    double rpo = 0;
    long worst = -1;
    for (size_t c = 0; c < s->nc; c++) {
      int ce = sc->components[c].environment;
      double x = v->components[c].rpo_s;
      if ((ce < 0 || (size_t)ce == e) && s->comp_affected[c] && !isnan(x) && x > rpo) {
        rpo = x;
        worst = (long)c;
      }
    }
    v->env[e].rpo_s = rpo;
    if (s->trace)
      ds_tracef(s, 0, "%s: data loss window (RPO) %s%s%s%s", sc->environments[e].name,
                ds_dur(s, 0, rpo), worst >= 0 ? " (" : "", worst >= 0 ? sc->components[worst].name : "",
                worst >= 0 ? ")" : "");
    if (w >= 0) {
      const model_workflow *wf = &sc->workflows[w];
      const model_dist *det = &wf->detection;
      if (wf->has_detection_hours && sc->clock.enabled && wf->calendar >= 0 &&
          (size_t)wf->calendar < sc->n_calendars)
        det = model_calendar_is_open(sc->calendars[wf->calendar], ds_wall(s, 0))
                  ? &wf->detection_business : &wf->detection_off;
      double late = model_cc_detection_delay(s->cc, (size_t)w);
      if (s->trace && late > 0)
        ds_tracef(s, 0, "%s: detection takes %s longer (common cause %s)",
                  sc->environments[e].name, ds_dur(s, 0, late),
                  sc->common_causes[model_cc_detection_cause(s->cc, (size_t)w)].name);
      ds_schedule(s, model_dist_sample(det, ds_rng(s, s->rng_det0 + (size_t)w)) + late,
                  ds_ev_detect, (uint64_t)w);
    }
  }
}

/* The record of each environment: RTO (the primary's return caps it), RPO,
** recovered, critical path. */
static void ds_record_environments(model_disaster_sim *s, model_trial_view *v) {
  const model_scenario *sc = s->sc;
  for (size_t e = 0; e < s->ne; e++) {
    model_env_outcome *eo = &v->env[e];
    ds_env *es = &s->es[e];
    eo->wallclock_s = s->W;
    eo->detection_s = s->es[e].detected;
    eo->common_causes = s->causes;
    eo->availability = 0;
    eo->downtime_s = 0;
    eo->incidents = 0;
    eo->disasters = 0;
    eo->affected = s->env_affected[e];
    if (!s->env_affected[e]) {
      eo->rto_s = 0;
      eo->rpo_s = 0;
      eo->recovered = 1;
      continue;
    }
    int w = s->env_wf[e];
    double done = INFINITY;
    if (w < 0) {
      done = 0;
      for (size_t c = 0; c < s->nc; c++) {
        int ce = sc->components[c].environment;
        if ((ce < 0 || (size_t)ce == e) && s->comp_affected[c])
          done = fmax(done, isnan(s->cs[c].usable) ? INFINITY : s->cs[c].usable);
      }
    } else if (!isnan(es->restored)) {
      done = es->restored;
    }
    eo->retries = es->retries;
    if (s->has_D && s->D <= done) {
      /* Back on the primary's data, except what a service-managed failover
      ** already promoted (with its data loss) before the primary returned. */
      double rpo = 0;
      for (size_t c = 0; c < s->nc; c++) {
        int ce = sc->components[c].environment;
        double x = v->components[c].rpo_s;
        if ((ce < 0 || (size_t)ce == e) && s->comp_affected[c] && !isnan(s->cs[c].promoted) &&
            !isnan(x) && x > rpo)
          rpo = x;
      }
      eo->rto_s = s->D;
      eo->rpo_s = rpo;
    } else {
      eo->rto_s = done;
      if (w >= 0 && isfinite(done)) ds_mark_critical(s, e);
    }
    eo->recovered = isfinite(eo->rto_s);
    if (s->trace && w >= 0 && !eo->recovered && es->failed_step < 0)
      ds_tracef(s, sim_now(s->sim), "%s: NOT recovered (%d of %zu steps never ran)",
                sc->environments[e].name, (int)(sc->workflows[w].n_steps - (size_t)es->n_done),
                sc->workflows[w].n_steps);
  }
}

/* The record of the steps (team waits included), components and standby
** pools. */
static void ds_record_rest(model_disaster_sim *s, model_trial_view *v) {
  const model_scenario *sc = s->sc;
  for (size_t g = 0; g < s->nst; g++) {
    const ds_step *st = &s->ss[g];
    model_step_outcome *so = &v->steps[g];
    so->start_s = st->start;
    so->end_s = st->end;
    so->attempts = st->attempts;
    so->failed = st->state == ST_FAILED;
    so->critical = st->critical;
    so->off_hours = st->off_hours;
    so->escalated = st->escalated;
    so->team_wait_s = st->team_wait;
    int sb = s->step[g]->standby;
    if (sb >= 0 && st->state == ST_DONE) {
      model_env_outcome *eo = &v->env[sc->workflows[s->step_wf[g]].environment];
      double f = st->att_start + st->att_first, u = st->att_start + st->att_full;
      eo->first_service_s = isnan(eo->first_service_s) ? f : fmax(eo->first_service_s, f);
      eo->full_capacity_s = isnan(eo->full_capacity_s) ? u : fmax(eo->full_capacity_s, u);
    }
  }
  for (size_t c = 0; c < s->nc; c++) {
    double u = s->cs[c].usable;
    v->components[c].failover_s = (s->comp_affected[c] || u > 0) && !isnan(u) ? u : NAN;
  }
  for (size_t p = 0; p < s->np; p++) {
    v->standby[p].first_service_s = s->ps[p].first;
    v->standby[p].full_capacity_s = s->ps[p].full;
    v->standby[p].nodes_provisioned = s->ps[p].nodes;
    v->standby[p].shortage = s->ps[p].shortage;
    /* An environment the disaster spared never lost capacity: its pools
    ** are "at full capacity from t = 0", not "never reached it" (NAN, which
    ** reports read as an infinite scale-up). */
    int pe = sc->standby[p].environment;
    if (pe >= 0 && !s->env_affected[pe]) {
      v->standby[p].first_service_s = v->standby[p].full_capacity_s = 0;
      v->env[pe].first_service_s = v->env[pe].full_capacity_s = 0;
    }
  }
}

int model_disaster_sim_trial(model_disaster_sim *s, uint64_t run_seed, uint64_t trial,
                             void *record, model_trace_fn trace, void *trace_ctx) {
  const model_scenario *sc = s->sc;
  if (s->cyclic) return -1;
  s->gen++;
  s->run_seed = run_seed;
  s->trial = trial;
  s->trace = trace;
  s->trace_ctx = trace_ctx;
  s->error = 0;
  sim_reset(s->sim);
  model_outcome_clear(sc, record); /* zeroes padding too: records compare bytewise */
  model_trial_view v = model_outcome_view(sc, record);

  s->has_D = sc->disaster.has_duration;
  s->D = s->has_D ? model_dist_sample(&sc->disaster.duration, ds_rng(s, s->rng_disaster)) : INFINITY;
  if (!sc->clock.enabled) s->W = NAN;
  else if (sc->clock.period_s > 0) s->W = gsl_rng_uniform(ds_rng(s, s->rng_oncall)) * sc->clock.period_s;
  else s->W = 0;
  if (s->teams) model_team_pool_reset(s->teams);
  s->back = 0;
  uint64_t causes = s->causes = model_cc_draw(s->cc, run_seed, trial);
  /* First in the queue: at t = D the primary's return comes before
  ** anything else due then, and stops the trial. */
  if (s->has_D) ds_schedule(s, s->D, ds_ev_primary, 0);
  if (trace) ds_trace_disaster(s);
  for (size_t i = 0; trace && i < sc->n_common_causes; i++)
    if (causes >> i & 1) ds_tracef(s, 0, "common cause %s occurs", sc->common_causes[i].name);

  for (size_t g = 0; g < s->nst; g++) {
    ds_step *st = &s->ss[g];
    memset(st, 0, sizeof *st);
    st->start = st->end = NAN;
    st->asked = st->team_wait = NAN;
    st->pending = s->step_pending0[g];
  }
  for (size_t e = 0; e < s->ne; e++) {
    s->es[e] = (ds_env){.end = NAN, .restored = NAN, .detected = NAN, .failed_step = -1, .last_step = -1,
                        .last_core = -1};
  }
  for (size_t p = 0; p < s->np; p++) s->ps[p] = (ds_pool){.first = NAN, .full = NAN};

  ds_start_components(s, &v);
  ds_start_environments(s, &v);

  int rc = sim_run(s->sim, INFINITY);
  if ((rc != SIM_OK && rc != SIM_STOPPED) || s->error) return -1;

  ds_record_environments(s, &v);
  ds_record_rest(s, &v);
  model_costs_record_losses(sc, record);
  return 0;
}
