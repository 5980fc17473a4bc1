/*
** models/lifetime_sim.c — one lifetime-mode trial: a sweep over the horizon
** of every component's failure/repair renewal process, merged by time with
** the incidents that disasters cause; disaster incidents reuse disaster
** mode (model_disaster_sim_trial) for their RTO and RPO.
**
** Components. A component with failure/repair starts up ("as new") at
** t = 0 and alternates up (a `failure` draw) and down (a `repair` draw) until
** the horizon H, from its own stream sim_rng_seed(r, run_seed, trial,
** stream ^ MODEL_LIFETIME_SALT_COMPONENT), drawing failure, repair, failure,
** ... in that order. Its record: failures (failures in [0, H)), down_s (its
** own down time within [0, H)). Components without failure/repair never
** fail on their own.
**
** Environments. An environment needs its own components and the shared
** ones, and (transitively) everything they depend_on: since a component is
** effectively down whenever a dependency is, the environment is up exactly
** when none of those needed components is down on its own, no disaster
** incident holds it down, and it is not failing back.
**
** Redundancy groups. Components sharing a redundancy_group are a parallel
** (1-of-n) group: for an environment that needs at least two of its members,
** those members count as one needed item, down only while every one of them
** is down (and counts, see Disasters: a member the disaster holds is
** replaced by the standby, so it is up for this purpose). Each member keeps
** its own renewal process and stream. Redundancy is judged among the
** members the environment needs: depends_on names one member and pulls in
** only that one, so an environment that needs a group only through a
** dependency on one member sees no redundancy (a group of one needed member
** is an ordinary component). While the group is down every member's pair is
** an active cause, so its downtime is split equally among the members (and
** any other causes active then); the member whose failure took the group
** down begins the episode. Disaster mode ignores groups.
**
** Disasters. Arrivals form a Poisson process of rate disaster.rate_per_s on
** [0, H) (stream disaster.stream ^ MODEL_LIFETIME_SALT_ARRIVALS; none when
** the rate is 0). The scope of every arrival is the scenario's one disaster,
** with disaster mode's rule: region-outage -> the region's components;
** zone-outage -> the region's components in that zone (zone-redundant ones,
** zone 0, survive); component -> it and everything depending on it. An
** environment is affected when a component of its own or a shared one is in
** the scope (disaster mode's rule again). Arrival k (0-based) at time T runs
** disaster mode's trial `trial` with run seed sim_rng_mix(run_seed, trial,
** MODEL_LIFETIME_SALT_INCIDENT + k) on this object's own model_disaster_sim,
** so each incident has independent draws of detection, workflow, failover,
** RPO and the primary's return D (disaster mode's one draw of disaster
** duration from the disaster stream, replayed here to know when the primary
** returns; INFINITY without a duration). For each affected environment,
** with the incident's rto (already min(workflow completion, D)) and rpo:
**   - down from T until T + rto (INFINITY when not recovered and D = inf);
**   - failed over when rto < D: it then runs in the standby region, where
**     the scope components' own failures don't matter (simplification: the
**     standby replaces them and has no failure model; components outside
**     the scope, e.g. a global front door or a standby-region service, still
**     count). With lifetime.failback and a finite D it fails back when the
**     primary returns: down from T + D for a failback_duration draw F (stream
**     sim_rng_stream_id("failback:" ENV), one draw per failback), then back
**     on the primary. With lifetime.failback_window the failback starts at
**     the first instant from T + D inside the daily window (the horizon's
**     clock starts at 00:00); until then it runs, up, in the standby region. Without failback (or when D = inf) it stays on the
**     standby until H.
**   - not failed over (the primary returned first, rto = D): back on the
**     primary at T + D.
**   The scope components are disregarded from T until the environment is
**   back on the primary (T + D + F, T + D, or never): while the disaster
**   holds them, their own renewal process is hidden (it keeps running).
**   Disaster mode's rules carry over unchanged, so both modes agree on an
**   incident: every disaster type runs the failover (a zone outage too);
**   an affected environment without a workflow is restored when its
**   affected components are usable in standby, at once for those without a
**   failover block (RTO 0: no downtime, though a failback still follows).
**   To model riding out an outage in place, give the components a failover
**   that never comes in time (after: 100y): then rto = D.
**   A replayed D below the incident's rto would mean disaster mode changed
**   its draw order: the trial fails (-1) rather than mix two timelines.
** An arrival that finds the environment still in an earlier incident (before
** it is back on the primary) is merged into that incident: counted in
** `disasters`, but no new incident, downtime or failback (a second outage of
** a region that is already out, or that the environment has left, changes
** nothing for it). A disaster-mode trial is only run for arrivals that start
** an incident in at least one environment. Downtime is the union of all
** down intervals, clipped to [0, H): overlaps are never counted twice.
**
** Conditions (model_lifetime_sim_set_condition): NO_DISASTER draws no
** arrivals; GIVEN_DISASTER draws the first arrival from the exponential
** truncated to [0, H) (t = -m ln(1 + u (e^{-H/m} - 1)), one uniform of the
** arrival stream), then continues the process: exactly the Poisson process
** conditioned on at least one arrival.
**
** Record, per environment: downtime_s; availability = 1 - downtime_s / H
** (exactly 1 with no downtime); incidents = down episodes (maximal down
** intervals of positive length; two intervals that touch are one episode);
** component_incidents = episodes that began with a component failure;
** disasters = arrivals that affected it; disaster_incidents = those that
** started an incident; rto_s / rpo_s = max over its incidents (0 when none);
** recovered = 0 when an incident never recovered (rto infinite), else 1;
** affected = 1 when a disaster started an incident in it (disaster_incidents
** > 0), else 0 (its rto/rpo, 0, are then not a sample);
** longest_outage_s = longest episode (clipped to H). Downtime by cause: at
** each instant the environment's downtime is split equally among the causes
** active then (each needed component that is down and counts, the disaster
** incident, the failback), so downtime_component_s + downtime_disaster_s +
** downtime_failback_s = downtime_s, and per component downtime_caused_s (its
** share summed over the environments it brings down) adds up over the
** components to the sum of downtime_component_s. incidents_caused counts
** the episodes (over all environments) the component began.
** Lifetime records (a scenario in lifetime mode) also itemise each
** environment's first MODEL_OUTCOME_MAX_INCIDENTS disaster incidents (arrival
** T, rto, rpo, failback duration F or NAN, failed over, recovered) and split
** downtime_component_s by component and environment (the pair's share).
** The disaster-mode fields (the env's first_service_s, full_capacity_s,
** wallclock_s, retries; every step and standby pool; the components' rpo_s
** and failover_s) are those of the trial's first incident, so the common
** case (one incident) reads like a disaster-mode trial; NAN/0 when none.
** The incident's wall clock (on-call) is disaster mode's own uniform draw
** over the week, not T: the same distribution, as T is uniform.
**
** The sweep runs on the kernel (sim/sim.h), one sim_ctx per object. Its
** events: each failing component's next transition, and the next incident
** boundary (boundaries are precomputed per trial from the arrivals into a
** small array sorted by time, and fed to the kernel one at a time, which
** keeps its queue at nf + 1 events). At equal times boundaries go first
** (rank 0, in the order they were made), then components in scenario order
** (rank 1 + i), so ties (constant draws) are reproducible and the episode
** they begin is credited to the first. Nothing at or beyond the horizon is
** scheduled. Each
** environment keeps the number of active causes n; it is down while n > 0.
** Causes' shares are integrated lazily: S_e = integral of 1/n over the down
** time, and a cause active over [a, b) gets S_e(b) - S_e(a). Nothing is
** allocated per trial except when a trial has more arrivals than any before
** it (the arrival and boundary arrays grow geometrically) and for the
** trace.
**
** Trace: the lines (component failures and repairs, environment down/up,
** disaster arrivals, incident summaries and each incident's own
** disaster-mode timeline shifted to T and prefixed "incident k:") are
** buffered and emitted in time order (ties in the order produced) at the end.
*/
#include "models/lifetime_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/outcome.h"
#include "sim/rng.h"

/* ---------------------------------------------------------------- new */

/* Components needed by each environment: own + shared, closed under
** depends_on (explicit worklist; `mark` is a scratch [nc]). */
static size_t lt_needed(const model_scenario *sc, size_t e, unsigned char *mark, size_t *stack) {
  size_t top = 0, n = 0;
  memset(mark, 0, sc->n_components);
  for (size_t c = 0; c < sc->n_components; c++) {
    int ce = sc->components[c].environment;
    if (ce < 0 || (size_t)ce == e) {
      mark[c] = 1;
      stack[top++] = c;
    }
  }
  while (top) {
    const model_component *mc = &sc->components[stack[--top]];
    n++;
    for (size_t k = 0; k < mc->n_depends_on; k++) {
      int d = mc->depends_on[k];
      if (d >= 0 && (size_t)d < sc->n_components && !mark[d]) {
        mark[d] = 1;
        stack[top++] = (size_t)d;
      }
    }
  }
  return n;
}

/* Redundancy-group instances: for each environment, each group of which it
** needs at least two members (a group of one is an ordinary component).
** Two passes, count then fill; `mark`, `stack` are scratch [nc]. Returns -1
** when out of memory. */
static int lt_groups(model_lifetime_sim *s, unsigned char *mark, size_t *stack) {
  const model_scenario *sc = s->sc;
  size_t ng = sc->n_redundancy_groups, npairs = s->pair_off[s->nf];
  int rc = -1;
  size_t *cnt_m = NULL, *cnt_f = NULL, *gid = NULL, *cur = NULL;
  if (!(s->pair_grp = malloc((npairs ? npairs : 1) * sizeof *s->pair_grp)) ||
      !(s->pair_active = calloc(npairs ? npairs : 1, 1)))
    return -1;
  for (size_t p = 0; p < npairs; p++) s->pair_grp[p] = -1;
  if (ng == 0) {
    s->gi_off = calloc(1, sizeof *s->gi_off);
    return s->gi_off ? 0 : -1;
  }
  if (!(cnt_m = calloc(ng, sizeof *cnt_m)) || !(cnt_f = calloc(ng, sizeof *cnt_f)) ||
      !(gid = calloc(ng, sizeof *gid)))
    goto out;
  size_t ngi = 0, ngp = 0;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      if (!(s->gi_off = calloc(ngi + 1, sizeof *s->gi_off)) ||
          !(s->gi_pair = calloc(ngp ? ngp : 1, sizeof *s->gi_pair)) ||
          !(s->gi_m = calloc(ngi ? ngi : 1, sizeof *s->gi_m)) ||
          !(s->gi_k = calloc(ngi ? ngi : 1, sizeof *s->gi_k)) ||
          !(cur = calloc(ngi ? ngi : 1, sizeof *cur)))
        goto out;
      s->ngi = ngi;
      ngi = 0;
    }
    for (size_t e = 0; e < s->ne; e++) {
      lt_needed(sc, e, mark, stack);
      memset(cnt_m, 0, ng * sizeof *cnt_m);
      memset(cnt_f, 0, ng * sizeof *cnt_f);
      for (size_t c = 0; c < s->nc; c++) {
        int g = sc->components[c].redundancy_group;
        if (!mark[c] || g < 0 || (size_t)g >= ng) continue;
        cnt_m[g]++;
        cnt_f[g] += sc->components[c].has_failure != 0;
      }
      for (size_t g = 0; g < ng; g++) {
        gid[g] = SIZE_MAX;
        if (cnt_m[g] < 2) continue;
        if (pass == 1) {
          gid[g] = ngi;
          s->gi_m[ngi] = (int32_t)cnt_m[g];
          s->gi_off[ngi + 1] = s->gi_off[ngi] + cnt_f[g];
          cur[ngi] = s->gi_off[ngi];
        }
        ngi++;
        ngp += cnt_f[g];
      }
      if (pass == 0) continue;
      for (size_t i = 0; i < s->nf; i++) {
        int g = sc->components[s->fcomp[i]].redundancy_group;
        if (!mark[s->fcomp[i]] || g < 0 || (size_t)g >= ng || gid[g] == SIZE_MAX) continue;
        for (size_t p = s->pair_off[i]; p < s->pair_off[i + 1]; p++)
          if (s->pair_env[p] == e) {
            s->pair_grp[p] = (int32_t)gid[g];
            s->gi_pair[cur[gid[g]]++] = p;
          }
      }
    }
  }
  rc = 0;
out:
  free(cnt_m);
  free(cnt_f);
  free(gid);
  free(cur);
  return rc;
}

model_lifetime_sim *model_lifetime_sim_new(const model_scenario *sc) {
  if (!sc || !(sc->horizon_s > 0) || !isfinite(sc->horizon_s)) return NULL;
  model_lifetime_sim *s = calloc(1, sizeof *s);
  unsigned char *mark = NULL;
  size_t *stack = NULL, *pcur = NULL, *scur = NULL;
  if (!s) return NULL;
  s->sc = sc;
  s->H = sc->horizon_s;
  s->nc = sc->n_components;
  s->ne = sc->n_environments;
  for (size_t c = 0; c < s->nc; c++) s->nf += sc->components[c].has_failure != 0;

#define LT_ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof *(ptr)))
  if (!LT_ALLOC(s->fcomp, s->nf) || !LT_ALLOC(s->scope, s->nc) || !LT_ALLOC(s->env_hit, s->ne) ||
      !LT_ALLOC(s->pair_off, s->nf + 1) || !LT_ALLOC(s->scope_off, s->ne + 1) ||
      !LT_ALLOC(s->fb_stream, s->ne) || !LT_ALLOC(s->rng, s->nf) || !LT_ALLOC(s->fb_rng, s->ne) ||
      !LT_ALLOC(s->cs, s->nf) || !LT_ALLOC(s->es, s->ne) || !LT_ALLOC(s->caused, s->nf) ||
      !LT_ALLOC(s->caused_inc, s->nf) || !LT_ALLOC(mark, s->nc) ||
      !LT_ALLOC(stack, s->nc) || !LT_ALLOC(pcur, s->nf) || !LT_ALLOC(scur, s->ne))
    goto fail;

  for (size_t c = 0, i = 0; c < s->nc; c++)
    if (sc->components[c].has_failure) s->fcomp[i++] = c;
  /* The disaster's scope: disaster mode's rule (models/scenario.h). */
  if (model_scenario_scope(sc, s->scope, s->env_hit)) goto fail;

  /* Pairs (failing component i, environment e needing it), grouped by
  ** component; and each environment's pairs whose component is in scope.
  ** Two passes: count, then fill through cursors. */
  for (size_t e = 0; e < s->ne; e++) {
    lt_needed(sc, e, mark, stack);
    for (size_t i = 0; i < s->nf; i++) {
      if (!mark[s->fcomp[i]]) continue;
      s->pair_off[i + 1]++;
      if (s->scope[s->fcomp[i]]) s->scope_off[e + 1]++;
    }
  }
  for (size_t i = 0; i < s->nf; i++) s->pair_off[i + 1] += s->pair_off[i];
  for (size_t e = 0; e < s->ne; e++) s->scope_off[e + 1] += s->scope_off[e];
  if (!LT_ALLOC(s->pair_env, s->pair_off[s->nf]) || !LT_ALLOC(s->S0, s->pair_off[s->nf]) ||
      !LT_ALLOC(s->pair_caused, s->pair_off[s->nf]) ||
      !LT_ALLOC(s->pair_comp, s->pair_off[s->nf]) ||
      !LT_ALLOC(s->scope_pair, s->scope_off[s->ne]))
    goto fail;
#undef LT_ALLOC
  memcpy(pcur, s->pair_off, s->nf * sizeof *pcur);
  memcpy(scur, s->scope_off, s->ne * sizeof *scur);
  for (size_t e = 0; e < s->ne; e++) {
    lt_needed(sc, e, mark, stack);
    for (size_t i = 0; i < s->nf; i++) {
      if (!mark[s->fcomp[i]]) continue;
      size_t p = pcur[i]++;
      s->pair_env[p] = e;
      s->pair_comp[p] = i;
      if (s->scope[s->fcomp[i]]) s->scope_pair[scur[e]++] = p;
    }
  }

  if (lt_groups(s, mark, stack)) goto fail;

  for (size_t e = 0; e < s->ne; e++) {
    char name[160];
    snprintf(name, sizeof name, "failback:%s", sc->environments[e].name);
    s->fb_stream[e] = sim_rng_stream_id(name);
  }
  for (size_t i = 0; i < s->nf; i++)
    if (!(s->rng[i] = sim_rng_alloc())) goto fail;
  for (size_t e = 0; e < s->ne; e++)
    if (!(s->fb_rng[e] = sim_rng_alloc())) goto fail;
  if (!(s->arr_rng = sim_rng_alloc()) || !(s->tmp_rng = sim_rng_alloc())) goto fail;
  s->rec_size = model_outcome_size(sc);
  if (!(s->scratch = calloc(1, s->rec_size))) goto fail;
  if (!(s->ds = model_disaster_sim_new(sc))) goto fail;
  /* Ranks 0 (boundaries) .. nf (component nf - 1). */
  unsigned bits = 1;
  while (bits < 32 && (s->nf >> bits) != 0) bits++;
  if (!(s->sim = sim_new(s->nf + 64)) || sim_set_rank_bits(s->sim, bits) != SIM_OK) goto fail;
  free(mark);
  free(stack);
  free(pcur);
  free(scur);
  return s;

fail:
  free(mark);
  free(stack);
  free(pcur);
  free(scur);
  model_lifetime_sim_free(s);
  return NULL;
}

void model_lifetime_sim_free(model_lifetime_sim *s) {
  if (!s) return;
  if (s->rng)
    for (size_t i = 0; i < s->nf; i++) gsl_rng_free(s->rng[i]);
  if (s->fb_rng)
    for (size_t e = 0; e < s->ne; e++) gsl_rng_free(s->fb_rng[e]);
  gsl_rng_free(s->arr_rng);
  gsl_rng_free(s->tmp_rng);
  model_disaster_sim_free(s->ds);
  free(s->scratch);
  free(s->fcomp);
  free(s->scope);
  free(s->env_hit);
  free(s->pair_off);
  free(s->pair_env);
  free(s->pair_comp);
  free(s->scope_off);
  free(s->scope_pair);
  free(s->pair_grp);
  free(s->pair_active);
  free(s->gi_off);
  free(s->gi_pair);
  free(s->gi_m);
  free(s->gi_k);
  free(s->fb_stream);
  free(s->rng);
  free(s->fb_rng);
  free(s->cs);
  free(s->es);
  free(s->S0);
  free(s->pair_caused);
  free(s->caused);
  free(s->caused_inc);
  sim_free(s->sim);
  free(s->arrivals);
  free(s->ev);
  free(s->lines);
  free(s->arena);
  free(s);
}

int model_lifetime_sim_set_condition(model_lifetime_sim *s, model_lifetime_condition c) {
  if (c != MODEL_LIFETIME_ANY && c != MODEL_LIFETIME_NO_DISASTER &&
      c != MODEL_LIFETIME_GIVEN_DISASTER)
    return -1;
  if (c == MODEL_LIFETIME_GIVEN_DISASTER && !(s->sc->disaster.rate_per_s > 0)) return -1;
  s->condition = c;
  return 0;
}

double model_lifetime_p_no_disaster(const model_scenario *sc) {
  double r = sc->disaster.rate_per_s;
  return r > 0 ? exp(-r * sc->horizon_s) : 1.0;
}

/* ---------------------------------------------------------------- sweep */

/* Count the events in a row at one instant: a component whose draws are all
** 0 would never let time advance. Stops the run (error) past the bound. */
static int lt_stuck(model_lifetime_sim *s, sim_ctx *sim, double now) {
  if (now != s->last) {
    s->stuck = 0;
    s->last = now;
    return 0;
  }
  if (++s->stuck <= s->stuck_max) return 0;
  s->error = 1;
  sim_stop(sim);
  return 1;
}

static void ev_boundary(sim_ctx *sim, void *ctx, uint64_t arg);

/* Schedule the next incident boundary, rank 0: before the components at the
** same time (the one after it, at the same time too, follows at once). */
static int lt_schedule_boundary(model_lifetime_sim *s) {
  if (s->next_ev >= s->n_ev) return 0;
  int rc = sim_schedule_ranked(s->sim, s->ev[s->next_ev].t, 0, ev_boundary, s, 0, NULL);
  return rc == SIM_OK ? 0 : -1;
}

static void ev_boundary(sim_ctx *sim, void *ctx, uint64_t arg) {
  model_lifetime_sim *s = ctx;
  (void)arg;
  if (lt_stuck(s, sim, sim_now(sim))) return;
  const lt_event *ev = &s->ev[s->next_ev++];
  lt_env_event(s, (size_t)ev->env, ev->kind, ev->t);
  if (s->error || lt_schedule_boundary(s)) {
    s->error = 1;
    sim_stop(sim);
  }
}

static void ev_comp(sim_ctx *sim, void *ctx, uint64_t i);

/* Schedule failing component i's next transition (rank 1 + i: after the
** boundaries at the same time, in scenario order) unless it is past the
** horizon. */
static int lt_schedule_comp(model_lifetime_sim *s, size_t i) {
  if (!(s->cs[i].next < s->H)) return 0;
  int rc = sim_schedule_ranked(s->sim, s->cs[i].next, (uint32_t)(i + 1), ev_comp, s, i, NULL);
  return rc == SIM_OK ? 0 : -1;
}

static void ev_comp(sim_ctx *sim, void *ctx, uint64_t i) {
  model_lifetime_sim *s = ctx;
  if (lt_stuck(s, sim, sim_now(sim))) return;
  lt_comp_event(s, (size_t)i, sim_now(sim));
  if (s->error || lt_schedule_comp(s, (size_t)i)) {
    s->error = 1;
    sim_stop(sim);
  }
}

/* ---------------------------------------------------------------- trial */

/* The trial's record: per environment its downtime, shares, episodes and
** incidents; per failing component its failures and the downtime it caused. */
static void lt_record(model_lifetime_sim *s, model_trial_view *out) {
  const double H = s->H;
  for (size_t e = 0; e < s->ne; e++) {
    const lt_env *v = &s->es[e];
    model_env_outcome *eo = &out->env[e];
    eo->downtime_s = v->downtime;
    eo->availability = 1.0 - v->downtime / H;
    eo->incidents = v->incidents;
    eo->disasters = v->disasters;
    eo->disaster_incidents = v->disaster_incidents;
    eo->component_incidents = v->component_incidents;
    eo->downtime_component_s = v->by_comp;
    eo->downtime_disaster_s = v->by_disaster;
    eo->downtime_failback_s = v->by_failback;
    eo->longest_outage_s = v->longest;
    eo->rto_s = v->rto;
    eo->rpo_s = v->rpo;
    eo->recovered = v->recovered;
    eo->affected = v->disaster_incidents > 0;
  }
  for (size_t i = 0; i < s->nf; i++) {
    model_component_outcome *co = &out->components[s->fcomp[i]];
    co->failures = s->cs[i].failures;
    co->down_s = s->cs[i].down_s;
    co->downtime_caused_s = s->caused[i];
    co->incidents_caused = s->caused_inc[i];
    if (out->env_component_downtime_s)
      for (size_t p = s->pair_off[i]; p < s->pair_off[i + 1]; p++)
        out->env_component_downtime_s[s->pair_env[p] * s->nc + s->fcomp[i]] = s->pair_caused[p];
  }
}

int model_lifetime_sim_trial(model_lifetime_sim *s, uint64_t run_seed, uint64_t trial,
                             void *record, model_trace_fn trace, void *trace_ctx) {
  const model_scenario *sc = s->sc;
  const double H = s->H;
  s->gen++;
  s->trace = trace;
  s->trace_ctx = trace_ctx;
  s->error = 0;
  s->first_copied = 0;
  s->n_ev = 0;
  s->next_ev = 0;
  sim_reset(s->sim);
  s->n_lines = 0;
  s->arena_n = 0;
  model_outcome_clear(sc, record);
  model_trial_view out = model_outcome_view(sc, record);

  for (size_t e = 0; e < s->ne; e++) {
    lt_env *v = &s->es[e];
    uint64_t stamp = v->fb_stamp;
    memset(v, 0, sizeof *v);
    v->fb_stamp = stamp;
    v->ep_end = NAN;
    v->ep_comp = -1;
    v->recovered = 1;
  }

  /* Disasters first: their incidents become boundaries in the sweep. */
  if (lt_arrivals(s, run_seed, trial)) return -1;
  for (size_t k = 0; k < s->n_arr; k++)
    if (lt_incident(s, run_seed, trial, k, record)) return -1;
  if (s->n_ev > 1) qsort(s->ev, s->n_ev, sizeof *s->ev, lt_event_cmp);
  if (lt_schedule_boundary(s)) return -1;

  /* Components: the first failure of each. */
  for (size_t i = 0; i < s->nf; i++) {
    lt_comp *c = &s->cs[i];
    sim_rng_seed(s->rng[i], run_seed, trial,
                 sc->components[s->fcomp[i]].stream ^ MODEL_LIFETIME_SALT_COMPONENT);
    memset(c, 0, sizeof *c);
    c->next = model_dist_sample(&sc->components[s->fcomp[i]].failure, s->rng[i]);
    if (isnan(c->next)) return -1;
    s->caused[i] = 0;
    s->caused_inc[i] = 0;
    for (size_t p = s->pair_off[i]; p < s->pair_off[i + 1]; p++) {
      s->pair_caused[p] = 0;
      s->pair_active[p] = 0;
    }
    if (lt_schedule_comp(s, i)) return -1;
  }
  for (size_t g = 0; g < s->ngi; g++) s->gi_k[g] = 0;

  /* The sweep. Boundaries go first at equal times (an incident that starts
  ** when a component fails begins the episode). A component whose draws are
  ** all 0 would never let time advance: a bounded count of events at one
  ** instant catches it (lt_stuck). */
  s->last = -1;
  s->stuck = 0;
  s->stuck_max = 1000000u + 4u * (uint64_t)(s->nf + s->n_ev);
  sim_run(s->sim, INFINITY);
  if (s->error) return -1;

  /* The horizon closes every open cause and episode. */
  for (size_t i = 0; i < s->nf; i++) {
    lt_comp *c = &s->cs[i];
    if (!c->down) continue;
    c->down_s += H - c->down_since;
    for (size_t p = s->pair_off[i]; p < s->pair_off[i + 1]; p++)
      if (s->pair_active[p]) lt_pair_off(s, p, i, s->pair_env[p], H);
  }
  for (size_t e = 0; e < s->ne; e++) {
    lt_env *v = &s->es[e];
    lt_advance(v, H);
    if (v->inc_active) {
      v->by_disaster += v->S - v->inc_S0;
      lt_cause_off(v, H);
    }
    if (v->fb_active) {
      v->by_failback += v->S - v->fb_S0;
      lt_cause_off(v, H);
    }
    int open = v->ep_any && v->ep_end == H;
    lt_close_episode(s, e, open);
  }

  lt_record(s, &out);
  if (trace) {
    if (s->error) return -1;
    lt_trace_flush(s);
  }
  return 0;
}
