/*
** study/optimize.c — grid / coordinate-descent search over decisions with
** common random numbers, confirmation of finalists, paired comparison of
** the winner and the runner-up, contributions and the Pareto front. See
** study/optimize.h.
*/
#include "study/optimize.h"
#include "reports/costs.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int study_opt_decision_add(study_opt_decision *d, const char *label,
                           const char *const *overrides, size_t n_overrides) {
  if (d->n_options >= STUDY_OPT_MAX_OPTIONS) return -1;
  study_opt_option *o = realloc(d->options, (d->n_options + 1) * sizeof *o);
  if (!o) return -1;
  d->options = o;
  study_opt_option *x = &o[d->n_options];
  memset(x, 0, sizeof *x);
  x->label = dupstr(label);
  x->overrides = n_overrides ? calloc(n_overrides, sizeof *x->overrides) : NULL;
  int bad = !x->label || (n_overrides && !x->overrides);
  for (size_t i = 0; !bad && i < n_overrides; i++) {
    if (!(x->overrides[i] = dupstr(overrides[i]))) bad = 1;
    else x->n_overrides++;
  }
  d->n_options++;   /* kept even on failure, so clear frees it */
  return bad ? -1 : 0;
}

void study_opt_decision_clear(study_opt_decision *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n_options; i++) {
    for (size_t j = 0; j < d->options[i].n_overrides; j++) free(d->options[i].overrides[j]);
    free(d->options[i].overrides);
    free(d->options[i].label);
  }
  free(d->options);
  free(d->name);
  memset(d, 0, sizeof *d);
}

void study_opt_eval_finish(study_opt_eval *e, size_t n_constraints, study_opt_minimize m) {
  size_t n = (size_t)e->trials;
  e->loss = report_stats_mean(e->losses, n, 0.95, NULL);
  if (n == 1 || (isnan(e->loss.lo) && isfinite(e->loss.est))) e->loss.lo = e->loss.hi = e->loss.est;
  e->cvar95 = NAN;
  double *s = n ? malloc(n * sizeof *s) : NULL;
  if (s) {
    memcpy(s, e->losses, n * sizeof *s);
    gsl_sort(s, 1, n);
    e->cvar95 = report_costs_cvar(s, n, 0.95);
    free(s);
  }
  double r = e->disasters_per_year;
  if (r > 0) {
    e->risk.est = r * e->loss.est;
    e->risk.lo = r * e->loss.lo;
    e->risk.hi = r * e->loss.hi;
  } else {
    e->risk.est = e->risk.lo = e->risk.hi = 0;
  }
  e->total.est = e->standby_annual + e->risk.est;
  e->total.lo = e->standby_annual + e->risk.lo;
  e->total.hi = e->standby_annual + e->risk.hi;
  e->objective = m == STUDY_OPT_RISK ? e->risk.est : e->total.est;
  e->meets_all = 1;
  e->shortfall = 0;
  for (size_t i = 0; i < n_constraints; i++) {
    if (!e->checks[i].meets) e->meets_all = 0;
    e->shortfall += e->checks[i].shortfall;
  }
}

const study_opt_eval *study_opt_final(const study_opt_cand *c) {
  return c->confirmed ? &c->confirm : &c->screen;
}

static int cmp_double(double a, double b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

int study_opt_better(const study_opt_cand *a, const study_opt_cand *b, size_t n_decisions) {
  const study_opt_eval *x = study_opt_final(a), *y = study_opt_final(b);
  if (x->meets_all != y->meets_all) return x->meets_all;
  int c = 0;
  if (!x->meets_all) c = cmp_double(x->shortfall, y->shortfall);
  if (!c) c = cmp_double(x->objective, y->objective);
  if (!c) c = cmp_double(x->standby_annual, y->standby_annual);
  for (size_t d = 0; !c && d < n_decisions; d++)
    c = a->choice[d] < b->choice[d] ? -1 : a->choice[d] > b->choice[d];
  return c < 0;
}

/* ------------------------------------------------------------ search state */

typedef struct search {
  const study_opt_config *cfg;
  study_opt_result *res;
  size_t cap;
  int64_t next_point;
} search;

static long find(const search *s, const size_t *choice) {
  for (size_t i = 0; i < s->res->n_cands; i++)
    if (!memcmp(s->res->cands[i].choice, choice, s->cfg->n_decisions * sizeof *choice))
      return (long)i;
  return -1;
}

static void eval_clear(study_opt_eval *e) {
  free(e->losses);
  free(e->checks);
  memset(e, 0, sizeof *e);
}

static int do_eval(search *s, const size_t *choice, uint64_t trials, study_opt_eval *out) {
  memset(out, 0, sizeof *out);
  int rc = s->cfg->eval(s->cfg->ctx, choice, trials, s->next_point++, out);
  if (rc) return rc;
  if (!out->losses || !out->checks) return -1;
  study_opt_eval_finish(out, s->cfg->n_constraints, s->cfg->minimize);
  return 0;
}

/* The candidate for choice, screened (evaluated now if new). *idx = -1 when
** the budget stops a new evaluation. */
static int screen(search *s, const size_t *choice, long *idx) {
  long i = find(s, choice);
  if (i >= 0) {
    *idx = i;
    return 0;
  }
  *idx = -1;
  if (s->cfg->budget && s->res->screen_runs >= s->cfg->budget) {
    s->res->budget_hit = 1;
    return 0;
  }
  study_opt_result *r = s->res;
  if (r->n_cands == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 16;
    study_opt_cand *c = realloc(r->cands, cap * sizeof *c);
    if (!c) return -1;
    r->cands = c;
    s->cap = cap;
  }
  study_opt_cand *c = &r->cands[r->n_cands];
  memset(c, 0, sizeof *c);
  c->choice = malloc((s->cfg->n_decisions + 1) * sizeof *c->choice);
  if (!c->choice) return -1;
  memcpy(c->choice, choice, s->cfg->n_decisions * sizeof *choice);
  r->n_cands++;
  c->order = r->n_cands;
  r->screen_runs++;
  int rc = do_eval(s, choice, s->cfg->trials, &c->screen);
  if (rc) return rc;
  *idx = (long)(r->n_cands - 1);
  return 0;
}

static int confirm(search *s, long i) {
  study_opt_cand *c = &s->res->cands[i];
  if (c->confirmed || s->cfg->confirm_trials <= s->cfg->trials) return 0;
  int rc = do_eval(s, c->choice, s->cfg->confirm_trials, &c->confirm);
  if (rc) return rc;
  c->confirmed = 1;
  s->res->confirm_runs++;
  return 0;
}

static size_t grid_size(const study_opt_config *cfg) {
  size_t n = 1;
  for (size_t d = 0; d < cfg->n_decisions; d++) {
    size_t k = cfg->decisions[d].n_options;
    if (k && n > SIZE_MAX / k) return SIZE_MAX;
    n *= k;
  }
  return n;
}

static int run_grid(search *s) {
  const study_opt_config *cfg = s->cfg;
  size_t nd = cfg->n_decisions, *x = calloc(nd + 1, sizeof *x);
  if (!x) return -1;
  int rc = 0;
  for (;;) {
    long idx;
    if ((rc = screen(s, x, &idx)) || s->res->budget_hit) break;
    /* odometer, the last decision fastest */
    size_t d = nd;
    int carry = 1;
    while (carry && d > 0) {
      d--;
      if (++x[d] < cfg->decisions[d].n_options) carry = 0;
      else x[d] = 0;
    }
    if (carry) break;   /* wrapped around: every candidate done */
  }
  free(x);
  return rc;
}

static int run_descent(search *s) {
  const study_opt_config *cfg = s->cfg;
  size_t nd = cfg->n_decisions, *x = calloc(nd + 1, sizeof *x), *y = calloc(nd + 1, sizeof *y);
  int rc = 0;
  if (!x || !y) rc = -1;
  for (size_t d = 0; !rc && d < nd; d++) x[d] = cfg->decisions[d].base;
  long cur = -1;
  if (!rc) rc = screen(s, x, &cur);
  for (int pass = 0; !rc && cur >= 0 && pass < 50; pass++) {
    int changed = 0;
    for (size_t d = 0; !rc && d < nd; d++) {
      for (size_t v = 0; !rc && v < cfg->decisions[d].n_options; v++) {
        memcpy(y, s->res->cands[cur].choice, nd * sizeof *y);
        if (y[d] == v) continue;
        y[d] = v;
        long idx;
        rc = screen(s, y, &idx);
        if (!rc && idx >= 0 && study_opt_better(&s->res->cands[idx], &s->res->cands[cur], nd)) {
          cur = idx;
          changed = 1;
        }
      }
    }
    if (!changed || s->res->budget_hit) break;
  }
  free(x);
  free(y);
  return rc;
}

/* Candidate indexes sorted best first (insertion sort: few candidates). */
static size_t *ranking(const search *s) {
  size_t n = s->res->n_cands, *o = malloc((n + 1) * sizeof *o);
  if (!o) return NULL;
  for (size_t i = 0; i < n; i++) {
    size_t j = i;
    while (j > 0 && study_opt_better(&s->res->cands[i], &s->res->cands[o[j - 1]],
                                     s->cfg->n_decisions)) {
      o[j] = o[j - 1];
      j--;
    }
    o[j] = i;
  }
  return o;
}

static void mark_pareto(study_opt_result *r, const study_opt_config *cfg) {
  for (size_t i = 0; i < r->n_cands; i++) {
    const study_opt_eval *a = study_opt_final(&r->cands[i]);
    double ya = cfg->pareto_cvar ? -a->cvar95 : (cfg->n_constraints ? a->checks[0].p_meet : 0);
    int dominated = 0;
    for (size_t j = 0; j < r->n_cands && !dominated; j++) {
      if (j == i) continue;
      const study_opt_eval *b = study_opt_final(&r->cands[j]);
      double yb = cfg->pareto_cvar ? -b->cvar95 : (cfg->n_constraints ? b->checks[0].p_meet : 0);
      if (b->objective <= a->objective && yb >= ya &&
          (b->objective < a->objective || yb > ya))
        dominated = 1;
    }
    r->cands[i].pareto = !dominated;
  }
}

int study_opt_run(const study_opt_config *cfg, study_opt_result *res) {
  memset(res, 0, sizeof *res);
  res->winner = res->closest = res->runner_up = -1;
  res->paired.est = res->paired.lo = res->paired.hi = NAN;
  search s = {cfg, res, 0, 0};
  res->grid_size = grid_size(cfg);
  res->search_used = cfg->search;
  if (res->search_used == STUDY_OPT_AUTO)
    res->search_used = res->grid_size <= STUDY_OPT_AUTO_GRID ? STUDY_OPT_GRID : STUDY_OPT_DESCENT;
  int rc = res->search_used == STUDY_OPT_GRID ? run_grid(&s) : run_descent(&s);
  if (rc) return rc;
  if (res->n_cands == 0) return 0;
  /* Finalists: the best few of the screening, confirmed with more trials. */
  size_t *o = ranking(&s);
  if (!o) return -1;
  size_t k = cfg->finalists ? cfg->finalists : 3;
  if (k > res->n_cands) k = res->n_cands;
  for (size_t i = 0; i < k && !rc; i++) {
    res->cands[o[i]].finalist = 1;
    rc = confirm(&s, (long)o[i]);
  }
  if (rc) {
    free(o);
    return rc;
  }
  long best = -1, second = -1;
  for (size_t i = 0; i < k; i++) {
    long c = (long)o[i];
    if (best < 0 || study_opt_better(&res->cands[c], &res->cands[best], cfg->n_decisions)) {
      second = best;
      best = c;
    } else if (second < 0 ||
               study_opt_better(&res->cands[c], &res->cands[second], cfg->n_decisions)) {
      second = c;
    }
  }
  free(o);
  res->closest = best;
  if (study_opt_final(&res->cands[best])->meets_all) res->winner = best;
  if (res->winner >= 0 && second >= 0 && study_opt_final(&res->cands[second])->meets_all)
    res->runner_up = second;
  /* Paired comparison (same trials: common random numbers): per trial the
  ** runner-up's annual objective minus the winner's. */
  if (res->runner_up >= 0) {
    const study_opt_eval *w = study_opt_final(&res->cands[res->winner]),
                         *u = study_opt_final(&res->cands[res->runner_up]);
    size_t n = (size_t)(w->trials < u->trials ? w->trials : u->trials);
    double *d = malloc((n + 1) * sizeof *d);
    if (!d) return -1;
    double standby = cfg->minimize == STUDY_OPT_TOTAL ? u->standby_annual - w->standby_annual : 0;
    for (size_t i = 0; i < n; i++)
      d[i] = standby + (w->disasters_per_year > 0 ? w->disasters_per_year : 0) *
                           (u->losses[i] - w->losses[i]);
    res->paired = report_stats_mean(d, n, 0.95, NULL);
    int constant = 1;
    for (size_t i = 1; i < n && constant; i++) constant = d[i] == d[0];
    if (constant && n) res->paired.lo = res->paired.hi = d[0];
    free(d);
    res->conclusive = res->paired.lo > 0;
  } else {
    res->conclusive = res->winner >= 0;
  }
  /* Contributions: the winner with one decision set back to its base. */
  if (res->winner >= 0) {
    size_t nd = cfg->n_decisions, *y = malloc((nd + 1) * sizeof *y);
    if (!y) return -1;
    for (size_t d = 0; d < nd && d < STUDY_OPT_MAX_DECISIONS && !rc; d++) {
      study_opt_contrib *c = &res->contribs[res->n_contribs++];
      c->decision = d;
      c->without = -1;
      const size_t *w = res->cands[res->winner].choice;
      if (w[d] == cfg->decisions[d].base) continue;
      memcpy(y, w, nd * sizeof *y);
      y[d] = cfg->decisions[d].base;
      long idx = find(&s, y);
      if (idx < 0) {
        size_t budget_runs = res->screen_runs;
        size_t saved = cfg->budget;
        (void)saved;
        /* bypass the budget: a contribution is part of the answer */
        study_opt_config tmp = *cfg;
        tmp.budget = 0;
        s.cfg = &tmp;
        rc = screen(&s, y, &idx);
        s.cfg = cfg;
        res->screen_runs = budget_runs;
        if (rc) break;
        res->cands[idx].contribution = 1;
        res->contrib_runs++;
      }
      if (cfg->confirm_trials > cfg->trials && !res->cands[idx].confirmed) {
        rc = confirm(&s, idx);
        if (!rc) {
          res->confirm_runs--;
          res->contrib_runs++;
        }
      }
      c->without = idx;
    }
    free(y);
    if (rc) return rc;
  }
  mark_pareto(res, cfg);
  return 0;
}

void study_opt_free(study_opt_result *res, size_t n_constraints) {
  (void)n_constraints;
  if (!res) return;
  for (size_t i = 0; i < res->n_cands; i++) {
    free(res->cands[i].choice);
    eval_clear(&res->cands[i].screen);
    eval_clear(&res->cands[i].confirm);
  }
  free(res->cands);
  memset(res, 0, sizeof *res);
}
