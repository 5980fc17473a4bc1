/*
** models/lifetime_events.c — what happens at an instant of a lifetime trial:
** a component's failure or repair, an incident boundary, and the causes,
** shares and episodes of the environments they change; the disaster
** arrivals and each incident (a disaster-mode trial replayed at its time);
** the buffered trace. The rules are written once, in the header of
** models/lifetime_sim.c.
*/
#include "models/lifetime_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/outcome.h"
#include "models/units.h"
#include "sim/rng.h"

/* ---------------------------------------------------------------- trace */

static void lt_trace_put(model_lifetime_sim *s, double t, const char *text) {
  size_t len = strlen(text) + 1;
  if (s->n_lines == s->cap_lines) {
    size_t cap = s->cap_lines ? 2 * s->cap_lines : 256;
    lt_line *p = realloc(s->lines, cap * sizeof *p);
    if (!p) {
      s->error = 1;
      return;
    }
    s->lines = p;
    s->cap_lines = cap;
  }
  if (s->arena_n + len > s->arena_cap) {
    size_t cap = s->arena_cap ? 2 * s->arena_cap : 16384;
    while (cap < s->arena_n + len) cap *= 2;
    char *p = realloc(s->arena, cap);
    if (!p) {
      s->error = 1;
      return;
    }
    s->arena = p;
    s->arena_cap = cap;
  }
  memcpy(s->arena + s->arena_n, text, len);
  s->lines[s->n_lines] = (lt_line){t, s->n_lines, s->arena_n};
  s->n_lines++;
  s->arena_n += len;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void lt_tracef(model_lifetime_sim *s, double t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->buf, sizeof s->buf, fmt, ap);
  va_end(ap);
  lt_trace_put(s, t, s->buf);
}

static const char *lt_dur(model_lifetime_sim *s, int slot, double x) {
  if (isinf(x)) return "never";
  return model_units_format_duration(x, s->dur[slot], sizeof s->dur[slot]);
}

/* An incident's disaster-mode trace, shifted to the arrival time. */
typedef struct lt_inc_trace {
  model_lifetime_sim *s;
  double T;
  size_t k;
} lt_inc_trace;

static void lt_inc_trace_fn(void *ctx, double t, const char *text) {
  lt_inc_trace *it = ctx;
  char line[1024];
  snprintf(line, sizeof line, "incident %zu: %s", it->k + 1, text);
  lt_trace_put(it->s, it->T + t, line);
}

static int lt_line_cmp(const void *a, const void *b) {
  const lt_line *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

void lt_trace_flush(model_lifetime_sim *s) {
  qsort(s->lines, s->n_lines, sizeof *s->lines, lt_line_cmp);
  for (size_t i = 0; i < s->n_lines; i++)
    s->trace(s->trace_ctx, s->lines[i].t, s->arena + s->lines[i].off);
}

/* --------------------------------------------------------- environments */

/* Bring env e's integrals up to `now` (before n changes). */
void lt_advance(lt_env *v, double now) {
  if (v->n > 0) {
    double dt = now - v->t_last;
    v->downtime += dt;
    v->S += dt / v->n;
  }
  v->t_last = now;
}

static const char *lt_env_name(const model_lifetime_sim *s, size_t e) {
  return s->sc->environments[e].name;
}

/* The last episode of env e is over for good: count it (when it lasted) and
** trace it. */
void lt_close_episode(model_lifetime_sim *s, size_t e, int at_horizon) {
  lt_env *v = &s->es[e];
  if (!v->ep_any || isnan(v->ep_end)) return;
  double len = v->ep_end - v->ep_start;
  v->ep_any = 0;
  if (!(len > 0)) return;
  v->incidents++;
  if (len > v->longest) v->longest = len;
  if (v->ep_kind == CAUSE_COMPONENT) {
    v->component_incidents++;
    s->caused_inc[v->ep_comp]++;
  }
  if (s->trace) {
    const char *why = v->ep_kind == CAUSE_DISASTER   ? "disaster"
                      : v->ep_kind == CAUSE_FAILBACK ? "failing back to the primary"
                                                     : s->sc->components[s->fcomp[v->ep_comp]].name;
    lt_tracef(s, v->ep_start, "%s down (%s)", lt_env_name(s, e), why);
    if (at_horizon)
      lt_tracef(s, v->ep_end, "%s still down at the horizon (down %s)", lt_env_name(s, e),
                lt_dur(s, 0, len));
    else
      lt_tracef(s, v->ep_end, "%s up (down %s)", lt_env_name(s, e), lt_dur(s, 0, len));
  }
}

/* A cause of env e's downtime begins at `now` (the caller advanced). Two
** down intervals that touch form one episode. */
static void lt_cause_on(model_lifetime_sim *s, size_t e, double now, int kind, size_t comp) {
  lt_env *v = &s->es[e];
  if (v->n++ > 0) return;
  if (v->ep_any && v->ep_end == now) {
    v->ep_end = NAN; /* the episode that just ended goes on */
    return;
  }
  lt_close_episode(s, e, 0);
  v->ep_any = 1;
  v->ep_start = now;
  v->ep_end = NAN;
  v->ep_kind = kind;
  v->ep_comp = (int32_t)comp;
}

void lt_cause_off(lt_env *v, double now) {
  if (--v->n == 0) v->ep_end = now;
}

/* Does failing component i count for the environment of pair p now? */
static inline int lt_counts(const model_lifetime_sim *s, size_t i, size_t e) {
  return !(s->scope[s->fcomp[i]] && s->es[e].override);
}

/* Pair p's cause (component i down) ends at now in env e: its share. */
void lt_pair_off(model_lifetime_sim *s, size_t p, size_t i, size_t e, double now) {
  lt_env *v = &s->es[e];
  lt_advance(v, now);
  double x = v->S - s->S0[p];
  s->pair_active[p] = 0;
  s->caused[i] += x;
  s->pair_caused[p] += x;
  v->by_comp += x;
  lt_cause_off(v, now);
}

static void lt_pair_on(model_lifetime_sim *s, size_t p, size_t i, size_t e, double now) {
  lt_env *v = &s->es[e];
  lt_advance(v, now);
  s->S0[p] = v->S;
  s->pair_active[p] = 1;
  lt_cause_on(s, e, now, CAUSE_COMPONENT, i);
}

/* Pair p's component is now down and counts for its environment. Outside a
** redundancy group that is a cause at once; in a group only when it was the
** last member up: then every member's pair becomes a cause, p's first (it
** begins the episode). */
static void lt_pair_down(model_lifetime_sim *s, size_t p, double now) {
  int32_t g = s->pair_grp[p];
  if (g < 0) {
    lt_pair_on(s, p, s->pair_comp[p], s->pair_env[p], now);
    return;
  }
  if (++s->gi_k[g] < s->gi_m[g]) return;
  lt_pair_on(s, p, s->pair_comp[p], s->pair_env[p], now);
  for (size_t q = s->gi_off[g]; q < s->gi_off[g + 1]; q++) {
    size_t r = s->gi_pair[q];
    if (!s->pair_active[r]) lt_pair_on(s, r, s->pair_comp[r], s->pair_env[r], now);
  }
}

/* Pair p's component is back up (or stops counting): the reverse. */
static void lt_pair_up(model_lifetime_sim *s, size_t p, double now) {
  int32_t g = s->pair_grp[p];
  if (g < 0) {
    lt_pair_off(s, p, s->pair_comp[p], s->pair_env[p], now);
    return;
  }
  if (s->gi_k[g]-- < s->gi_m[g]) return;
  for (size_t q = s->gi_off[g]; q < s->gi_off[g + 1]; q++) {
    size_t r = s->gi_pair[q];
    if (s->pair_active[r]) lt_pair_off(s, r, s->pair_comp[r], s->pair_env[r], now);
  }
}

/* ------------------------------------------------------------ components */

/* Failing component i changes state at `now`. */
void lt_comp_event(model_lifetime_sim *s, size_t i, double now) {
  lt_comp *c = &s->cs[i];
  const model_component *mc = &s->sc->components[s->fcomp[i]];
  if (!c->down) {
    double r = model_dist_sample(&mc->repair, s->rng[i]);
    c->down = 1;
    c->failures++;
    c->down_since = now;
    c->next = now + r;
    if (isnan(r)) s->error = 1;
    for (size_t p = s->pair_off[i]; p < s->pair_off[i + 1]; p++)
      if (lt_counts(s, i, s->pair_env[p])) lt_pair_down(s, p, now);
    if (s->trace) lt_tracef(s, now, "component %s failed (repair %s)", mc->name, lt_dur(s, 0, r));
  } else {
    double f = model_dist_sample(&mc->failure, s->rng[i]);
    c->down = 0;
    c->down_s += now - c->down_since;
    c->next = now + f;
    if (isnan(f)) s->error = 1;
    for (size_t p = s->pair_off[i]; p < s->pair_off[i + 1]; p++)
      if (lt_counts(s, i, s->pair_env[p])) lt_pair_up(s, p, now);
    if (s->trace) lt_tracef(s, now, "component %s repaired", mc->name);
  }
}

/* ------------------------------------------------------------- incidents */

static int lt_push_event(model_lifetime_sim *s, double t, int kind, size_t e) {
  if (!(t < s->H)) return 0; /* beyond the horizon: the sweep ends first */
  if (s->n_ev == s->cap_ev) {
    size_t cap = s->cap_ev ? 2 * s->cap_ev : 64;
    lt_event *p = realloc(s->ev, cap * sizeof *p);
    if (!p) return -1;
    s->ev = p;
    s->cap_ev = cap;
  }
  s->ev[s->n_ev] = (lt_event){t, (uint32_t)s->n_ev, kind, (int32_t)e};
  s->n_ev++;
  return 0;
}

int lt_event_cmp(const void *a, const void *b) {
  const lt_event *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

int lt_arrivals(model_lifetime_sim *s, uint64_t run_seed, uint64_t trial) {
  const model_disaster *d = &s->sc->disaster;
  s->n_arr = 0;
  if (!(d->rate_per_s > 0) || s->condition == MODEL_LIFETIME_NO_DISASTER) return 0;
  sim_rng_seed(s->arr_rng, run_seed, trial, d->stream ^ MODEL_LIFETIME_SALT_ARRIVALS);
  double mean = 1.0 / d->rate_per_s, t = 0;
  for (int first = 1;; first = 0) {
    if (first && s->condition == MODEL_LIFETIME_GIVEN_DISASTER) {
      /* inverse cdf of the exponential truncated to [0, H): one uniform */
      double u = gsl_rng_uniform(s->arr_rng);
      t = -mean * log1p(u * expm1(-s->H / mean));
      if (!(t < s->H)) t = nextafter(s->H, 0); /* u -> 1 rounding */
    } else {
      t += gsl_ran_exponential(s->arr_rng, mean);
    }
    if (!(t < s->H)) break;
    if (s->n_arr == s->cap_arr) {
      size_t cap = s->cap_arr ? 2 * s->cap_arr : 16;
      double *p = realloc(s->arrivals, cap * sizeof *p);
      if (!p) return -1;
      s->arrivals = p;
      s->cap_arr = cap;
    }
    s->arrivals[s->n_arr++] = t;
  }
  return 0;
}

/* Copy the disaster-mode part of an incident's record into the trial's. */
static void lt_copy_first(model_lifetime_sim *s, model_trial_view *out, const model_trial_view *in) {
  const model_scenario *sc = s->sc;
  for (size_t e = 0; e < s->ne; e++) {
    out->env[e].first_service_s = in->env[e].first_service_s;
    out->env[e].full_capacity_s = in->env[e].full_capacity_s;
    out->env[e].wallclock_s = in->env[e].wallclock_s;
    out->env[e].retries = in->env[e].retries;
  }
  if (sc->n_steps_total) memcpy(out->steps, in->steps, sc->n_steps_total * sizeof *out->steps);
  if (sc->n_standby) memcpy(out->standby, in->standby, sc->n_standby * sizeof *out->standby);
  for (size_t c = 0; c < s->nc; c++) {
    out->components[c].rpo_s = in->components[c].rpo_s;
    out->components[c].failover_s = in->components[c].failover_s;
  }
}

static void lt_trace_arrival(model_lifetime_sim *s, double T, size_t k, int merged) {
  char what[300];
  lt_tracef(s, T, "disaster %zu: %s%s", k + 1,
            model_scenario_disaster_text(s->sc, what, sizeof what),
            merged ? " (every affected environment is still in an earlier incident: merged)" : "");
}

/* Turn arrival k into incident boundaries for the environments it starts
** an incident in. */

/* When failing back may start at or after t: at once without a
** lifetime.failback_window, else the next instant inside the daily window
** (the horizon's clock starts at 00:00). */
static double lt_failback_start(const model_scenario *sc, double t) {
  const model_lifetime *lt = &sc->lifetime;
  if (!lt->has_failback_window) return t;
  double a = lt->failback_window_start_s, b = lt->failback_window_end_s;
  double day = floor(t / MODEL_UNITS_DAY), tod = t - day * MODEL_UNITS_DAY;
  int inside = a < b ? tod >= a && tod < b : tod >= a || tod < b;
  if (inside) return t;
  return tod < a ? t + (a - tod) : t + (MODEL_UNITS_DAY - tod) + a;
}

int lt_incident(model_lifetime_sim *s, uint64_t run_seed, uint64_t trial, size_t k,
                       void *record) {
  const model_scenario *sc = s->sc;
  const model_disaster *d = &sc->disaster;
  double T = s->arrivals[k];
  int any = 0;
  for (size_t e = 0; e < s->ne; e++) {
    if (!s->env_hit[e]) continue;
    s->es[e].disasters++;
    if (T >= s->es[e].busy_until) any = 1;
  }
  if (s->trace) lt_trace_arrival(s, T, k, !any);
  if (!any) return 0;

  uint64_t seed = sim_rng_mix(run_seed, trial, MODEL_LIFETIME_SALT_INCIDENT + k);
  lt_inc_trace it = {s, T, k};
  if (model_disaster_sim_trial(s->ds, seed, trial, s->scratch, s->trace ? lt_inc_trace_fn : NULL,
                               &it))
    return -1;
  /* The primary's return: disaster mode's first draw of its disaster stream. */
  double D = INFINITY;
  if (d->has_duration) {
    sim_rng_seed(s->tmp_rng, seed, trial, d->stream);
    D = model_dist_sample(&d->duration, s->tmp_rng);
  }
  model_trial_view in = model_outcome_view(sc, s->scratch);
  model_trial_view out = model_outcome_view(sc, record);
  if (!s->first_copied) {
    lt_copy_first(s, &out, &in);
    s->first_copied = 1;
  }
  for (size_t e = 0; e < s->ne; e++) {
    lt_env *v = &s->es[e];
    if (!s->env_hit[e] || T < v->busy_until) continue;
    double rto = in.env[e].rto_s, rpo = in.env[e].rpo_s, end, F = NAN, fb = NAN;
    /* disaster mode caps the RTO at the primary's return: a larger one means
    ** the replayed D is not the one it drew */
    if (isnan(rto) || rto < 0 || rto > D || isnan(rpo)) return -1;
    v->disaster_incidents++;
    out.env[e].common_causes |= in.env[e].common_causes;   /* causes drawn per incident */
    if (rto > v->rto) v->rto = rto;
    if (rpo > v->rpo) v->rpo = rpo;
    if (isinf(rto)) v->recovered = 0;
    int failed_over = rto < D;
    if (rto > 0 && lt_push_event(s, T, EV_INC_START, e)) return -1;
    if (lt_push_event(s, T, EV_OVR_START, e)) return -1;
    if (rto > 0 && lt_push_event(s, T + rto, EV_INC_END, e)) return -1;
    if (failed_over && isfinite(D) && sc->lifetime.failback) {
      if (v->fb_stamp != s->gen) {
        sim_rng_seed(s->fb_rng[e], run_seed, trial, s->fb_stream[e]);
        v->fb_stamp = s->gen;
      }
      F = model_dist_sample(&sc->lifetime.failback_duration, s->fb_rng[e]);
      if (isnan(F)) return -1;
      fb = lt_failback_start(sc, T + D);
      end = fb + F;
      if (F > 0 && (lt_push_event(s, fb, EV_FB_START, e) ||
                    lt_push_event(s, end, EV_FB_END, e)))
        return -1;
    } else if (failed_over) {
      end = INFINITY;
    } else {
      end = T + D;
    }
    if (lt_push_event(s, end, EV_OVR_END, e)) return -1;
    v->busy_until = end;
    if (out.incidents && v->disaster_incidents <= MODEL_OUTCOME_MAX_INCIDENTS) {
      model_incident_outcome *io =
          &out.incidents[e * MODEL_OUTCOME_MAX_INCIDENTS + (size_t)(v->disaster_incidents - 1)];
      io->start_s = T;
      io->rto_s = rto;
      io->rpo_s = rpo;
      io->failback_s = F;
      io->failed_over = failed_over;
      io->recovered = !isinf(rto);
    }
    if (s->trace) {
      const char *env = lt_env_name(s, e);
      lt_tracef(s, T, "%s: incident %zu: RTO %s, RPO %s%s", env, k + 1, lt_dur(s, 0, rto),
                lt_dur(s, 1, rpo),
                failed_over ? ", runs in the standby region" : " (the primary returned first)");
      if (!isnan(F)) {
        if (fb > T + D) {
          lt_tracef(s, T + D, "%s: primary back; failback waits for its window", env);
          lt_tracef(s, fb, "%s: failing back (takes %s)", env, lt_dur(s, 0, F));
        } else {
          lt_tracef(s, T + D, "%s: primary back; failing back (takes %s)", env, lt_dur(s, 0, F));
        }
        lt_tracef(s, end, "%s: failback done", env);
      } else if (failed_over && isfinite(D)) {
        lt_tracef(s, T + D, "%s: primary back; staying in the standby region (no failback)", env);
      }
    }
  }
  return 0;
}

void lt_env_event(model_lifetime_sim *s, size_t e, int kind, double now) {
  lt_env *v = &s->es[e];
  switch (kind) {
  case EV_INC_START:
    lt_advance(v, now);
    v->inc_S0 = v->S;
    v->inc_active = 1;
    lt_cause_on(s, e, now, CAUSE_DISASTER, 0);
    break;
  case EV_INC_END:
    lt_advance(v, now);
    v->by_disaster += v->S - v->inc_S0;
    v->inc_active = 0;
    lt_cause_off(v, now);
    break;
  case EV_FB_START:
    lt_advance(v, now);
    v->fb_S0 = v->S;
    v->fb_active = 1;
    lt_cause_on(s, e, now, CAUSE_FAILBACK, 0);
    break;
  case EV_FB_END:
    lt_advance(v, now);
    v->by_failback += v->S - v->fb_S0;
    v->fb_active = 0;
    lt_cause_off(v, now);
    break;
  case EV_OVR_START:
  case EV_OVR_END: {
    int start = kind == EV_OVR_START;
    for (size_t q = s->scope_off[e]; q < s->scope_off[e + 1]; q++) {
      size_t p = s->scope_pair[q], i = s->pair_comp[p];
      if (!s->cs[i].down) continue;
      if (start) lt_pair_up(s, p, now);
      else lt_pair_down(s, p, now);
    }
    v->override = start;
    break;
  }
  default:
    s->error = 1;
  }
}
