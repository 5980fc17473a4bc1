/*
** study/explain.c — miss attribution and counterfactuals (see explain.h).
**
** Memory: one byte per trial for "counted / met", one byte per condition
** and trial, one duration per workflow step and trial (the p90 thresholds
** are known only once every trial was seen), one byte per trial and
** counterfactual. 10^5 trials of a 40-step workflow: about 40 MB.
*/
#include "study/explain.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "models/outcome.h"
#include "models/params.h"
#include "models/units.h"

/* The per-trial state byte: not counted, counted and missed, counted and met. */
enum { T_NONE = 0, T_MISS = 1, T_MET = 2 };

enum { K_OFF_HOURS, K_RETRIED, K_SHORTAGE, K_BACKUP, K_DETECTION, K_SLOW_STEP, K_COMMON_CAUSE };
static const char *const kind_names[] = {"off_hours", "retried", "shortage", "backup",
                                         "detection", "slow_step", "common_cause"};

typedef struct cond {
  study_explain_condition pub;
  int kind;
  size_t index;          /* global step, pool or component index */
  char *name;
  char **overrides;
  unsigned char *with;   /* [n_trials] */
  double rank_key;       /* contribution with P(meet | not c) at its interval's
                            lower bound: a condition almost every trial has
                            (few trials without it) cannot rank by chance */
} cond;

typedef struct whatif {
  study_explain_whatif pub;
  char *label;
  char **overrides;
  const model_scenario *sc;
  size_t env;
  uint64_t next;
  unsigned char *state;  /* [n_trials] */
} whatif;

struct study_explain {
  model_scenario *sc;
  size_t env;
  int wf;                /* workflow index or -1 */
  study_explain_metric metric;
  double objective;
  uint64_t first, n, next;
  unsigned char *state;  /* [n] */
  double *durations;     /* [n_wf_steps x n] */
  cond *conds;
  size_t n_conds;
  size_t *rank;          /* indexes into conds of the conditions present, ranked */
  size_t n_rank;
  uint64_t counted, missed;
  int finished;
  whatif *whatifs;
  size_t n_whatifs;
};

const char *study_explain_metric_name(study_explain_metric m) {
  return m == STUDY_EXPLAIN_RTO ? "rto" : m == STUDY_EXPLAIN_RPO ? "rpo" : "availability";
}

int study_explain_metric_parse(const char *name) {
  if (!strcmp(name, "rto")) return STUDY_EXPLAIN_RTO;
  if (!strcmp(name, "rpo")) return STUDY_EXPLAIN_RPO;
  if (!strcmp(name, "availability")) return STUDY_EXPLAIN_AVAILABILITY;
  return -1;
}

static char *dup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static char *fmt(const char *a, const char *b, const char *c, const char *d) {
  size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s%s%s%s", a, b, c, d);
  return s;
}

/* Append a condition; its overrides (NULL-terminated list of owned strings,
** taken over even on failure) may be NULL. */
static int add_cond(study_explain *x, int kind, size_t index, const char *subject,
                    const char *what, char **ovr, size_t n_ovr) {
  cond *nc = realloc(x->conds, (x->n_conds + 1) * sizeof *nc);
  if (!nc) goto fail;
  x->conds = nc;
  cond *c = &nc[x->n_conds];
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->index = index;
  c->name = kind == K_COMMON_CAUSE ? fmt("common cause ", subject, " ", what)
                                   : fmt(subject, " ", what, "");
  c->with = calloc(x->n ? x->n : 1, 1);
  c->overrides = ovr;
  if (!c->name || !c->with) {
    free(c->name);
    free(c->with);
    goto fail;
  }
  c->pub.name = c->name;
  c->pub.kind = kind_names[kind];
  c->pub.subject = subject;
  c->pub.threshold = NAN;
  c->pub.overrides = (const char *const *)ovr;
  c->pub.n_overrides = n_ovr;
  x->n_conds++;
  return 0;
fail:
  for (size_t i = 0; i < n_ovr; i++) free(ovr[i]);
  free(ovr);
  return -1;
}

/* A list of k override strings (k <= 2), NULL when any is NULL. */
static char **ovr_list(size_t k, char *a, char *b) {
  char **l = calloc(3, sizeof *l);
  if (!l || !a || (k > 1 && !b)) {
    free(a);
    free(b);
    free(l);
    return NULL;
  }
  l[0] = a;
  l[1] = k > 1 ? b : NULL;
  if (k < 2) free(b);
  return l;
}

/* "workflows.ENV.steps.STEP.off_hours=VALUE" where VALUE is the step's
** business_hours distribution as model_params writes it. */
static char *off_hours_override(const model_params *p, const char *prefix) {
  char *path = fmt(prefix, ".business_hours", "", "");
  int i = path ? model_params_find(p, path) : -1;
  free(path);
  if (i < 0) return NULL;
  char *o = model_params_override(p, (size_t)i, 1.0);
  if (!o) return NULL;
  const char *eq = strchr(o, '=');
  char *r = eq ? fmt(prefix, ".off_hours=", eq + 1, "") : NULL;
  free(o);
  return r;
}

/* Does common cause cc act on workflow wf (of environment env): a pool it
** makes short that the workflow scales up, a step of it that fails more
** often or starts later, or its detection? */
static int cause_acts_on(const model_scenario *sc, const model_common_cause *cc, int wf,
                         size_t env) {
  const model_workflow *w = &sc->workflows[wf];
  for (size_t i = 0; i < cc->n_shortage_pools; i++)
    for (size_t k = 0; k < w->n_steps; k++)
      if (w->steps[k].standby == cc->shortage_pools[i]) return 1;
  for (size_t i = 0; i < cc->n_factor_steps; i++)
    if (cc->factor_steps[i].workflow == wf && cc->failure_factor != 1) return 1;
  for (size_t i = 0; i < cc->n_delay_steps; i++)
    if (cc->delay_steps[i].workflow == wf) return 1;
  if (cc->has_detection_delay) {
    if (cc->n_detection_envs == 0) return 1;
    for (size_t i = 0; i < cc->n_detection_envs; i++)
      if (cc->detection_envs[i] == (int)env) return 1;
  }
  return 0;
}

static int build_conditions(study_explain *x) {
  model_scenario *sc = x->sc;
  const char *env = sc->environments[x->env].name;
  model_params *params = model_params_new(sc);
  if (!params) return -1;
  int rc = 0;
  /* RPO depends on the data's protection only; RTO on the recovery only;
  ** availability (lifetime mode) on both. */
  int timeline = x->metric != STUDY_EXPLAIN_RPO, data = x->metric != STUDY_EXPLAIN_RTO;
  if (x->wf >= 0 && timeline) {
    const model_workflow *wf = &sc->workflows[x->wf];
    for (size_t k = 0; k < wf->n_steps && rc == 0; k++) {
      const model_step *st = &wf->steps[k];
      size_t g = wf->step_offset + k;
      char prefix[1024];
      snprintf(prefix, sizeof prefix, "workflows.%s.steps.%s", env, st->name);
      if (st->manual && st->has_oncall && sc->oncall.enabled) {
        char *o = off_hours_override(params, prefix);
        size_t n_o = o ? 1 : 0;
        char **l = o ? ovr_list(1, o, NULL) : NULL;
        if (o && !l) { rc = -1; break; }
        rc = add_cond(x, K_OFF_HOURS, g, st->name, "started off hours", l, l ? n_o : 0);
      }
      if (rc == 0 && (st->failure_probability > 0 || isfinite(st->timeout_s))) {
        char **l = NULL;
        if (st->failure_probability > 0 && !isfinite(st->timeout_s)) {
          l = ovr_list(1, fmt(prefix, ".failure_probability=0", "", ""), NULL);
          if (!l) { rc = -1; break; }
        }
        rc = add_cond(x, K_RETRIED, g, st->name, "retried", l, l ? 1 : 0);
      }
    }
    /* Pools the workflow scales up, each once. */
    for (size_t p = 0; p < sc->n_standby && rc == 0; p++) {
      int used = 0;
      for (size_t k = 0; k < wf->n_steps; k++) used |= wf->steps[k].standby == (int)p;
      if (!used || sc->standby[p].shortage_probability <= 0) continue;
      char **l = ovr_list(1, fmt("standby.", sc->standby[p].name,
                                 ".capacity_shortage.probability=0", ""), NULL);
      if (!l) { rc = -1; break; }
      rc = add_cond(x, K_SHORTAGE, p, sc->standby[p].name, "capacity shortage", l, 1);
    }
    /* Common causes that act on this recovery: removed by their
    ** probability 0 (decided by the first uniform of the cause's own
    ** stream, so no other draw moves). */
    for (size_t i = 0; i < sc->n_common_causes && i < 64 && rc == 0; i++) {
      const model_common_cause *cc = &sc->common_causes[i];
      if (cc->probability <= 0 || !cause_acts_on(sc, cc, x->wf, x->env)) continue;
      char **l = ovr_list(1, fmt("common_causes.", cc->name, ".probability=0", ""), NULL);
      if (!l) { rc = -1; break; }
      rc = add_cond(x, K_COMMON_CAUSE, i, cc->name, "occurred", l, 1);
    }
  }
  for (size_t c = 0; c < sc->n_components && rc == 0 && data; c++) {
    const model_component *mc = &sc->components[c];
    if (mc->replication.mode != MODEL_REPL_PERIODIC) continue;
    if (mc->environment >= 0 && (size_t)mc->environment != x->env) continue;
    size_t k = 0;
    char *a = NULL, *b = NULL;
    char **slot[2] = {&a, &b};
    if (mc->replication.failure_probability > 0)
      *slot[k++] = fmt("components.", mc->name, ".replication.failure_probability=0", "");
    if (mc->replication.has_copy)
      *slot[k++] = fmt("components.", mc->name, ".replication.copy=0s", "");
    char **l = k ? ovr_list(k, a, b) : NULL;
    if (k && !l) { rc = -1; break; }
    rc = add_cond(x, K_BACKUP, c, mc->name,
                  "latest backup not usable (failed, or its copy still running)", l, k);
  }
  if (rc == 0 && x->wf >= 0 && timeline)
    rc = add_cond(x, K_DETECTION, (size_t)x->wf, "detection", "above its median", NULL, 0);
  if (rc == 0 && x->wf >= 0 && timeline) {
    const model_workflow *wf = &sc->workflows[x->wf];
    for (size_t k = 0; k < wf->n_steps && rc == 0; k++)
      rc = add_cond(x, K_SLOW_STEP, wf->step_offset + k, wf->steps[k].name,
                    "took longer than its usual p90", NULL, 0);
  }
  if (rc == 0 && x->wf >= 0) {
    /* Thresholds known now: detection's median from its distribution. */
    for (size_t i = 0; i < x->n_conds; i++)
      if (x->conds[i].kind == K_DETECTION)
        x->conds[i].pub.threshold = model_dist_quantile(&sc->workflows[x->wf].detection, 0.5);
  }
  model_params_free(params);
  return rc;
}

int study_explain_new(model_scenario *sc, const char *env, study_explain_metric metric,
                      uint64_t first_trial, uint64_t n_trials, study_explain **out,
                      char *err, size_t n) {
  *out = NULL;
  int e = model_scenario_find_environment(sc, env);
  if (e < 0) {
    snprintf(err, n, "scenario '%s' has no environment '%s'", sc->name, env);
    return STUDY_EXPLAIN_EINVAL;
  }
  const model_environment *me = &sc->environments[e];
  double obj = metric == STUDY_EXPLAIN_RTO ? me->rto_s
             : metric == STUDY_EXPLAIN_RPO ? me->rpo_s : me->availability;
  if (isnan(obj) || isinf(obj)) {
    snprintf(err, n, "environment '%s' has no %s objective (objectives.%s.%s)", env,
             study_explain_metric_name(metric), env, study_explain_metric_name(metric));
    return STUDY_EXPLAIN_EINVAL;
  }
  if (metric == STUDY_EXPLAIN_AVAILABILITY && sc->mode != MODEL_MODE_LIFETIME) {
    snprintf(err, n, "availability is measured in lifetime mode only; this run is in disaster mode");
    return STUDY_EXPLAIN_EINVAL;
  }
  study_explain *x = calloc(1, sizeof *x);
  if (!x) return STUDY_EXPLAIN_ENOMEM;
  x->sc = sc;
  x->env = (size_t)e;
  x->wf = model_scenario_find_workflow(sc, env);
  x->metric = metric;
  x->objective = obj;
  x->first = first_trial;
  x->next = first_trial;
  x->n = n_trials;
  size_t nst = x->wf >= 0 ? sc->workflows[x->wf].n_steps : 0;
  x->state = calloc(n_trials ? n_trials : 1, 1);
  size_t cells = nst * (size_t)n_trials;
  x->durations = malloc((cells ? cells : 1) * sizeof *x->durations);
  if (!x->state || !x->durations || build_conditions(x) != 0) {
    study_explain_free(x);
    return STUDY_EXPLAIN_ENOMEM;
  }
  *out = x;
  return STUDY_EXPLAIN_OK;
}

static void free_list(char **l) {
  if (!l) return;
  for (size_t i = 0; l[i]; i++) free(l[i]);
  free(l);
}

void study_explain_free(study_explain *x) {
  if (!x) return;
  for (size_t i = 0; i < x->n_conds; i++) {
    free(x->conds[i].name);
    free(x->conds[i].with);
    free_list(x->conds[i].overrides);
  }
  for (size_t i = 0; i < x->n_whatifs; i++) {
    free(x->whatifs[i].label);
    free_list(x->whatifs[i].overrides);
    free(x->whatifs[i].state);
  }
  free(x->whatifs);
  free(x->conds);
  free(x->rank);
  free(x->state);
  free(x->durations);
  free(x);
}

double study_explain_objective(const study_explain *x) { return x->objective; }

double study_explain_meet_share(const study_explain *x) { return x->sc->meet.share; }

/* T_NONE / T_MISS / T_MET of environment e in one record, as the summary
** counts it (reports/summary.c). */
static unsigned char trial_state(const model_scenario *sc, size_t e, study_explain_metric m,
                                 double objective, const model_trial_view *v) {
  const model_env_outcome *o = &v->env[e];
  int lifetime = sc->mode == MODEL_MODE_LIFETIME;
  if (m == STUDY_EXPLAIN_AVAILABILITY)
    return isnan(o->availability) ? T_NONE : o->availability >= objective ? T_MET : T_MISS;
  int counted = lifetime ? o->disaster_incidents > 0 : o->affected != 0;
  if (!counted) return T_NONE;
  double val = m == STUDY_EXPLAIN_RTO ? o->rto_s : o->rpo_s;
  return o->recovered && val <= objective ? T_MET : T_MISS;
}

int study_explain_add(study_explain *x, uint64_t first, size_t n, const void *records) {
  if (x->finished || first != x->next || n > x->first + x->n - first)
    return STUDY_EXPLAIN_EINVAL;
  const model_scenario *sc = x->sc;
  size_t size = model_outcome_size(sc);
  const model_workflow *wf = x->wf >= 0 ? &sc->workflows[x->wf] : NULL;
  for (size_t r = 0; r < n; r++) {
    size_t t = (size_t)(first + r - x->first);
    model_trial_view v = model_outcome_view(sc, (unsigned char *)records + r * size);
    unsigned char s = trial_state(sc, x->env, x->metric, x->objective, &v);
    x->state[t] = s;
    if (wf)
      for (size_t k = 0; k < wf->n_steps; k++) {
        const model_step_outcome *so = &v.steps[wf->step_offset + k];
        x->durations[k * x->n + t] = s != T_NONE ? so->end_s - so->start_s : NAN;
      }
    if (s == T_NONE) continue;
    for (size_t i = 0; i < x->n_conds; i++) {
      cond *c = &x->conds[i];
      int w = 0;
      switch (c->kind) {
      case K_OFF_HOURS:
        w = v.steps[c->index].off_hours && !isnan(v.steps[c->index].start_s);
        break;
      case K_RETRIED: w = v.steps[c->index].attempts > 1; break;
      case K_SHORTAGE: w = v.standby[c->index].shortage != 0; break;
      case K_BACKUP: {
        double rpo = v.components[c->index].rpo_s;
        w = !isnan(rpo) && rpo >= sc->components[c->index].replication.interval_s;
        break;
      }
      case K_DETECTION:
        w = !isnan(v.env[x->env].detection_s) && v.env[x->env].detection_s > c->pub.threshold;
        break;
      case K_COMMON_CAUSE: w = (int)((v.env[x->env].common_causes >> c->index) & 1u); break;
      default: break;   /* K_SLOW_STEP: at finish */
      }
      c->with[t] = (unsigned char)w;
    }
  }
  x->next = first + n;
  return STUDY_EXPLAIN_OK;
}

static const unsigned char *cond_with(const study_explain *x, int kind, size_t index) {
  for (size_t i = 0; i < x->n_conds; i++)
    if (x->conds[i].kind == kind && x->conds[i].index == index) return x->conds[i].with;
  return NULL;
}

/* Whether trial t ran step g "ordinarily": counted, and none of the event
** conditions that lengthen that step (off hours, a retry, its pool's
** shortage) happened to it. */
static int ordinary(const study_explain *x, size_t g, uint64_t t, const unsigned char *off,
                    const unsigned char *retried, const unsigned char *shortage) {
  (void)g;
  return x->state[t] != T_NONE && !(off && off[t]) && !(retried && retried[t]) &&
         !(shortage && shortage[t]);
}

/* Condition "step took longer than its p90": the p90 of the step's finite
** durations over the trials that ran it ordinarily, and the trials among
** those above it. Events are conditions of their own; a duration that is
** long only because of one would merely repeat it. */
static void slow_step(study_explain *x, cond *c, double *buf) {
  const model_workflow *wf = &x->sc->workflows[x->wf];
  size_t g = c->index, k = g - wf->step_offset;
  int pool = wf->steps[k].standby;
  const unsigned char *off = cond_with(x, K_OFF_HOURS, g), *ret = cond_with(x, K_RETRIED, g);
  const unsigned char *sh = pool >= 0 ? cond_with(x, K_SHORTAGE, (size_t)pool) : NULL;
  size_t m = 0;
  for (uint64_t t = 0; t < x->n; t++) {
    double d = x->durations[k * x->n + t];
    if (isfinite(d) && ordinary(x, g, t, off, ret, sh)) buf[m++] = d;
  }
  c->pub.threshold = NAN;
  if (m > 0) {
    gsl_sort(buf, 1, m);
    c->pub.threshold = gsl_stats_quantile_from_sorted_data(buf, 1, m, 0.9);
  }
  for (uint64_t t = 0; t < x->n; t++) {
    double d = x->durations[k * x->n + t];
    c->with[t] = !isnan(c->pub.threshold) && isfinite(d) && ordinary(x, g, t, off, ret, sh) &&
                 d > c->pub.threshold;
  }
}

static int cmp_rank(const void *a, const void *b, void *ctx);

/* qsort has no context argument in C11: rank with a small insertion sort
** (tens of conditions). */
static void rank_conditions(study_explain *x) {
  for (size_t i = 1; i < x->n_rank; i++) {
    size_t v = x->rank[i], j = i;
    while (j > 0 && cmp_rank(&x->rank[j - 1], &v, x) > 0) {
      x->rank[j] = x->rank[j - 1];
      j--;
    }
    x->rank[j] = v;
  }
}

static int cmp_rank(const void *a, const void *b, void *ctx) {
  const study_explain *x = ctx;
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  double ci = x->conds[i].rank_key, cj = x->conds[j].rank_key;
  if (isnan(ci) != isnan(cj)) return isnan(ci) ? 1 : -1;
  if (!isnan(ci) && ci != cj) return ci > cj ? -1 : 1;
  return i < j ? -1 : i > j;
}

int study_explain_finish(study_explain *x) {
  if (x->next != x->first + x->n || x->finished) return STUDY_EXPLAIN_EINVAL;
  const model_workflow *wf = x->wf >= 0 ? &x->sc->workflows[x->wf] : NULL;
  double *buf = malloc((x->n ? x->n : 1) * sizeof *buf);
  x->rank = malloc((x->n_conds ? x->n_conds : 1) * sizeof *x->rank);
  if (!buf || !x->rank) {
    free(buf);
    return STUDY_EXPLAIN_ENOMEM;
  }
  for (size_t i = 0; i < x->n_conds && wf; i++)
    if (x->conds[i].kind == K_SLOW_STEP) slow_step(x, &x->conds[i], buf);
  free(buf);
  x->counted = x->missed = 0;
  for (uint64_t t = 0; t < x->n; t++) {
    x->counted += x->state[t] != T_NONE;
    x->missed += x->state[t] == T_MISS;
  }
  uint64_t N = x->counted, M = x->missed;
  for (size_t i = 0; i < x->n_conds; i++) {
    study_explain_condition *p = &x->conds[i].pub;
    const unsigned char *w = x->conds[i].with;
    p->n_with = p->missed_with = p->met_with = 0;
    for (uint64_t t = 0; t < x->n; t++) {
      if (!w[t] || x->state[t] == T_NONE) continue;
      p->n_with++;
      p->missed_with += x->state[t] == T_MISS;
      p->met_with += x->state[t] == T_MET;
    }
    uint64_t n_without = N - p->n_with, met_without = (N - M) - p->met_with;
    p->share_missed = M ? (double)p->missed_with / (double)M : NAN;
    p->share_met = N - M ? (double)p->met_with / (double)(N - M) : NAN;
    p->lift = p->n_with && M ? ((double)p->missed_with / (double)p->n_with) / ((double)M / (double)N)
                             : NAN;
    p->p_meet_without = report_stats_wilson(met_without, n_without, REPORT_STATS_LEVEL);
    p->contribution = p->n_with && n_without
        ? (double)p->n_with / (double)N *
              ((double)met_without / (double)n_without - (double)p->met_with / (double)p->n_with)
        : NAN;
    x->conds[i].rank_key = p->n_with && n_without
        ? (double)p->n_with / (double)N *
              (p->p_meet_without.lo - (double)p->met_with / (double)p->n_with)
        : NAN;
    if (p->n_with) x->rank[x->n_rank++] = i;
  }
  rank_conditions(x);
  x->finished = 1;
  return STUDY_EXPLAIN_OK;
}

uint64_t study_explain_trials(const study_explain *x) { return x->counted; }
uint64_t study_explain_missed(const study_explain *x) { return x->missed; }
report_stats_ci study_explain_p_meet(const study_explain *x) {
  return report_stats_wilson(x->counted - x->missed, x->counted, REPORT_STATS_LEVEL);
}

size_t study_explain_count(const study_explain *x) { return x->n_rank; }
const study_explain_condition *study_explain_get(const study_explain *x, size_t i) {
  return i < x->n_rank ? &x->conds[x->rank[i]].pub : NULL;
}

int study_explain_whatif_begin(study_explain *x, const model_scenario *sc_cf, const char *label,
                               const char *const *overrides, size_t n_overrides, size_t *index) {
  if (!x->finished) return STUDY_EXPLAIN_EINVAL;
  int e = model_scenario_find_environment(sc_cf, x->sc->environments[x->env].name);
  if (e < 0) return STUDY_EXPLAIN_EINVAL;
  whatif *nw = realloc(x->whatifs, (x->n_whatifs + 1) * sizeof *nw);
  if (!nw) return STUDY_EXPLAIN_ENOMEM;
  x->whatifs = nw;
  whatif *w = &nw[x->n_whatifs];
  memset(w, 0, sizeof *w);
  w->label = dup(label);
  w->overrides = calloc(n_overrides + 1, sizeof *w->overrides);
  w->state = calloc(x->n ? x->n : 1, 1);
  int ok = w->label && w->overrides && w->state;
  for (size_t i = 0; ok && i < n_overrides; i++) ok = (w->overrides[i] = dup(overrides[i])) != NULL;
  if (!ok) {
    free(w->label);
    free_list(w->overrides);
    free(w->state);
    return STUDY_EXPLAIN_ENOMEM;
  }
  w->sc = sc_cf;
  w->env = (size_t)e;
  w->next = x->first;
  w->pub.label = w->label;
  w->pub.overrides = (const char *const *)w->overrides;
  w->pub.n_overrides = n_overrides;
  *index = x->n_whatifs++;
  return STUDY_EXPLAIN_OK;
}

int study_explain_whatif_add(study_explain *x, size_t index, uint64_t first, size_t n,
                             const void *records) {
  if (index >= x->n_whatifs) return STUDY_EXPLAIN_EINVAL;
  whatif *w = &x->whatifs[index];
  if (first != w->next || n > x->first + x->n - first) return STUDY_EXPLAIN_EINVAL;
  size_t size = model_outcome_size(w->sc);
  for (size_t r = 0; r < n; r++) {
    model_trial_view v = model_outcome_view(w->sc, (unsigned char *)records + r * size);
    w->state[first + r - x->first] = trial_state(w->sc, w->env, x->metric, x->objective, &v);
  }
  w->next = first + n;
  return STUDY_EXPLAIN_OK;
}

int study_explain_whatif_finish(study_explain *x, size_t index) {
  if (index >= x->n_whatifs) return STUDY_EXPLAIN_EINVAL;
  whatif *w = &x->whatifs[index];
  if (w->next != x->first + x->n) return STUDY_EXPLAIN_EINVAL;
  uint64_t n = 0, met = 0, np = 0, gained = 0, lost = 0;
  double sum = 0, sum_sq = 0;
  for (uint64_t t = 0; t < x->n; t++) {
    unsigned char s = w->state[t], b = x->state[t];
    n += s != T_NONE;
    met += s == T_MET;
    if (s == T_NONE || b == T_NONE) continue;
    np++;
    int d = (s == T_MET) - (b == T_MET);
    gained += d > 0;
    lost += d < 0;
    sum += d;
    sum_sq += (double)d * d;
  }
  w->pub.n = n;
  w->pub.met = met;
  w->pub.p_meet = report_stats_wilson(met, n, REPORT_STATS_LEVEL);
  w->pub.n_paired = np;
  w->pub.gained = gained;
  w->pub.lost = lost;
  if (np == 0) {
    w->pub.change = (report_stats_ci){NAN, NAN, NAN};
  } else {
    double mean = sum / (double)np;
    double var = np > 1 ? (sum_sq - (double)np * mean * mean) / (double)(np - 1) : 0;
    double half = 1.959963984540054 * sqrt(var > 0 ? var / (double)np : 0);
    w->pub.change = (report_stats_ci){mean, mean - half, mean + half};
  }
  return STUDY_EXPLAIN_OK;
}

size_t study_explain_whatif_count(const study_explain *x) { return x->n_whatifs; }
const study_explain_whatif *study_explain_whatif_get(const study_explain *x, size_t i) {
  return i < x->n_whatifs ? &x->whatifs[i].pub : NULL;
}

int study_explain_trial_state(const study_explain *x, long whatif, uint64_t t) {
  if (t >= x->n || (whatif >= 0 && (size_t)whatif >= x->n_whatifs)) return T_NONE;
  return whatif < 0 ? x->state[t] : x->whatifs[whatif].state[t];
}

char *study_explain_format_share(double v, char *buf, size_t n) {
  for (int d = 1; d < 9; d++) {
    snprintf(buf, n, "%.*f", d, 100 * v);
    double back = strtod(buf, NULL) / 100;
    if ((back != 0 || v == 0) && (back != 1 || v == 1)) break;
  }
  return buf;
}

char *study_explain_format_p_meet(double v, double share, char *buf, size_t n) {
  study_explain_format_share(v, buf, n);
  for (int d = 2; d < 9 && isfinite(v) && isfinite(share); d++) {
    double shown = strtod(buf, NULL) / 100;
    if ((shown >= share) == (v >= share)) break;
    snprintf(buf, n, "%.*f", d, 100 * v);
  }
  return buf;
}

/* Append printf-style to buf (n bytes) at *len; truncates silently. */
static void cat(char *buf, size_t n, size_t *len, const char *f, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void cat(char *buf, size_t n, size_t *len, const char *f, ...) {
  if (*len >= n) return;
  va_list ap;
  va_start(ap, f);
  int k = vsnprintf(buf + *len, n - *len, f, ap);
  va_end(ap);
  if (k > 0) *len += (size_t)k;
  if (*len >= n) *len = n - 1;
}

static void cat_ci(char *buf, size_t n, size_t *len, report_stats_ci c, double share) {
  char a[32], b[32], d[32];
  cat(buf, n, len, "%s %% [%s, %s]", study_explain_format_p_meet(c.est, share, a, sizeof a),
      study_explain_format_share(c.lo, b, sizeof b), study_explain_format_share(c.hi, d, sizeof d));
}

char *study_explain_sentence(const study_explain *x, char *buf, size_t n) {
  size_t len = 0;
  char d[48], a[32];
  buf[0] = 0;
  const char *env = x->sc->environments[x->env].name;
  if (x->metric == STUDY_EXPLAIN_AVAILABILITY)
    cat(buf, n, &len, "%s meets availability >= %.10g %% in ", env, 100 * x->objective);
  else
    cat(buf, n, &len, "%s meets %s <= %s in ", env, x->metric == STUDY_EXPLAIN_RTO ? "RTO" : "RPO",
        model_units_format_duration(x->objective, d, sizeof d));
  cat_ci(buf, n, &len, study_explain_p_meet(x), x->sc->meet.share);
  cat(buf, n, &len, " of %llu trials", (unsigned long long)x->counted);
  /* the verdict of the one rule (models/meet.h), so that "meets in 81.9 %"
  ** is never read as "meets" */
  model_meet_verdict v = model_meet_judge(&x->sc->meet, x->counted, x->counted - x->missed);
  if (v == MODEL_MEET_MEETS)
    cat(buf, n, &len, ", shown to be at least the %.4g %% asked (meets)", 100 * x->sc->meet.share);
  else if (v == MODEL_MEET_MISSES)
    cat(buf, n, &len, ", below the %.4g %% asked (misses)", 100 * x->sc->meet.share);
  else if (v == MODEL_MEET_INCONCLUSIVE)
    cat(buf, n, &len, ", too close to the %.4g %% asked to tell (inconclusive: more trials "
        "decide)", 100 * x->sc->meet.share);
  size_t shown = 0;
  for (size_t i = 0; i < x->n_rank && shown < 2 && x->missed && x->missed < x->counted; i++) {
    const study_explain_condition *k = study_explain_get(x, i);
    if (!(k->contribution > 0)) break;
    cat(buf, n, &len, "%s %s (in %s %% of misses)", shown == 0 ? "; misses are driven by" : " and",
        k->name, study_explain_format_share(k->share_missed, a, sizeof a));
    shown++;
  }
  if (x->missed == 0) cat(buf, n, &len, "; no trial missed");
  else if (x->missed == x->counted)
    cat(buf, n, &len, "; every trial missed, so no condition separates missed from met trials");
  const study_explain_whatif *best = NULL, *all = NULL;
  for (size_t i = 0; i < x->n_whatifs; i++) {
    const study_explain_whatif *w = &x->whatifs[i].pub;
    if (!strncmp(w->label, "without ranks ", 14)) all = w;
    else if (!best || w->p_meet.est > best->p_meet.est) best = w;
  }
  report_stats_ci pm = study_explain_p_meet(x);
  if (best && best->p_meet.est > pm.est) {
    int removal = !strncmp(best->label, "without: ", 9);
    cat(buf, n, &len, "; %s%s would give ", removal ? "removing " : "",
        removal ? best->label + 9 : best->label);
    cat_ci(buf, n, &len, best->p_meet, x->sc->meet.share);
  }
  if (all && all->p_meet.est > pm.est) {
    cat(buf, n, &len, ", removing %s ", all->label + 8);
    cat_ci(buf, n, &len, all->p_meet, x->sc->meet.share);
  }
  cat(buf, n, &len, ".");
  return buf;
}
