/*
** study/size.c — sizing search and cost formula (see size.h).
*/
#include "study/size.h"
#include "study/grid.h"
#include "study/point.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct study_size {
  const study_size_spec *spec;
  study_size_candidate *c;
  size_t n, cap;
  size_t point;                 /* the next evaluation's point index (shards skip some) */
  int partial;
  model_diag *failed_diag;
};

double study_size_annual_cost(int warm, double cost_per_hour) {
  return round(warm * cost_per_hour * STUDY_SIZE_HOURS_PER_YEAR * 100) / 100;
}

int study_size_new(const study_size_spec *spec, study_size **out, study_error *err) {
  *out = calloc(1, sizeof **out);
  if (!*out) return study_fail(err, STUDY_EIO, "out of memory");
  (*out)->spec = spec;
  return STUDY_OK;
}

static study_size_candidate *find(study_size *z, int warm, int mp) {
  for (size_t i = 0; i < z->n; i++)
    if (z->c[i].warm == warm && z->c[i].max_parallel == mp) return &z->c[i];
  return NULL;
}

/* Run the point of (warm, mp): the user's overrides plus the pool's two. */
static int run_point(study_size *z, int warm, int mp, study_point *p, study_error *err) {
  const study_size_spec *s = z->spec;
  char o1[200], o2[200];
  snprintf(o1, sizeof o1, "standby.%s.warm_nodes=%d", s->pool, warm);
  snprintf(o2, sizeof o2, "standby.%s.max_parallel=%d", s->pool, mp);
  const char **ov = malloc((s->n_overrides + 2) * sizeof *ov);
  if (!ov) return study_fail(err, STUDY_EIO, "out of memory");
  for (size_t i = 0; i < s->n_overrides; i++) ov[i] = s->overrides[i];
  ov[s->n_overrides] = o1;
  ov[s->n_overrides + 1] = o2;
  memset(p, 0, sizeof *p);
  p->cmd = "size";
  p->scenario_path = s->scenario_path;
  p->load_opts = s->load_opts;
  p->scenario_text = s->scenario_text;
  p->overrides = ov;
  p->n_overrides = s->n_overrides + 2;
  p->seed_given = s->seed_given;
  p->seed = s->seed;
  p->trials_given = s->trials_given;
  p->trials = s->trials;
  p->threads = s->threads;
  p->store = s->store;
  p->sweep_id = s->sweep_id;
  p->point = (int64_t)z->point;
  p->detail = "summary";
  p->collect = &s->target;
  p->collect_rto = 1;
  p->stop_flag = s->stop;
  p->resume = s->resume;
  p->progress = s->progress;
  p->progress_ctx = s->progress_ctx;
  int rc = study_point_run(p, err);
  free(ov);
  if (rc != STUDY_OK && p->failed_diag) {
    model_diag_free(z->failed_diag);
    z->failed_diag = p->failed_diag;
    p->failed_diag = NULL;
  }
  return rc;
}

/* Evaluate (warm, max_parallel) once; *out points at the cached candidate. */
static int evaluate(study_size *z, int warm, int mp, study_size_candidate **out,
                    study_error *err) {
  const study_size_spec *s = z->spec;
  if ((*out = find(z, warm, mp))) return STUDY_OK;
  if (s->shard_n) {
    /* Points are the unit: another shard evaluates this candidate. */
    size_t first, end;
    study_grid_shard(s->shard_points, s->shard_k, s->shard_n, &first, &end);
    if (z->point < first || z->point >= end) {
      z->point++;
      z->partial = 1;
      *out = NULL;
      return STUDY_OK;
    }
  }
  if (z->n == z->cap) {
    size_t cap = z->cap ? 2 * z->cap : 16;
    study_size_candidate *b = realloc(z->c, cap * sizeof *b);
    if (!b) return study_fail(err, STUDY_EIO, "out of memory");
    z->c = b;
    z->cap = cap;
  }
  study_point p;
  int rc = run_point(z, warm, mp, &p, err);
  if (rc != STUDY_OK) {
    study_point_clear(&p);
    return rc;
  }
  study_size_candidate *c = &z->c[z->n];
  memset(c, 0, sizeof *c);
  c->warm = warm;
  c->max_parallel = mp;
  c->annual_cost = study_size_annual_cost(warm, s->cost_per_hour);
  c->run_id = p.run_id;
  c->order = (int)z->n + 1;
  study_target_stats_compute(p.values, p.n_values, s->q, s->target.objective, s->confidence,
                             &c->obj);
  study_target_stats rto;
  study_target_stats_compute(p.rto_values, p.n_values, s->q, NAN, s->confidence, &rto);
  c->rto_p50 = rto.p50;
  c->rto_p95 = rto.p95;
  c->rto_p99 = rto.p99;
  /* The one rule (models/meet.h): the q-quantile's one-sided upper bound
  ** is within the objective <=> the Clopper-Pearson lower bound of P(meet)
  ** is at least q (tests/test_model_meet.c checks the equivalence). */
  model_meet_rule rule = {s->q, s->confidence};
  c->meets = model_meet_judge(&rule, c->obj.n, c->obj.n_meet) == MODEL_MEET_MEETS;
  if (s->keep_values) {
    c->sorted = p.values;   /* sorted by study_target_stats_compute */
    c->n = (size_t)c->obj.n;
    p.values = NULL;
  }
  study_point_clear(&p);
  z->n++;
  z->point++;
  if (s->on_candidate) s->on_candidate(s->on_candidate_ctx, c);
  *out = c;
  return STUDY_OK;
}

int study_size_search(study_size *z, int required, int mp, int all, study_error *err) {
  study_size_candidate *c;
  int rc;
  if (z->spec->shard_n && !all)
    return study_fail(err, STUDY_EINPUT, "the bisection picks each candidate from the last "
                      "one's result, so it cannot be split into shards of candidates; shard "
                      "the full grid (--all), or spread each candidate's trials over MPI ranks");
  if (all) {
    for (int w = required; w >= 0; w--)
      if ((rc = evaluate(z, w, mp, &c, err)) != STUDY_OK) return rc;
    return STUDY_OK;
  }
  if ((rc = evaluate(z, required, mp, &c, err)) != STUDY_OK) return rc;
  if (!c->meets) return STUDY_OK;      /* nothing cheaper can meet it */
  int lo = -1, hi = required;          /* lo misses (or is below 0), hi meets */
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if ((rc = evaluate(z, mid, mp, &c, err)) != STUDY_OK) return rc;
    if (c->meets) hi = mid; else lo = mid;
  }
  return STUDY_OK;
}

static int cmp_candidate(const void *a, const void *b) {
  const study_size_candidate *x = a, *y = b;
  if (x->max_parallel != y->max_parallel) return x->max_parallel < y->max_parallel ? -1 : 1;
  return (x->warm > y->warm) - (x->warm < y->warm);
}

void study_size_finish(study_size *z) {
  if (z->n) qsort(z->c, z->n, sizeof *z->c, cmp_candidate);
  for (size_t i = 0; i < z->n; i++) {
    study_size_candidate *a = &z->c[i];
    a->pareto = 1;
    for (size_t j = 0; j < z->n && a->pareto; j++) {
      const study_size_candidate *b = &z->c[j];
      if (j == i) continue;
      int no_worse = b->annual_cost <= a->annual_cost && b->obj.q.est <= a->obj.q.est;
      int better = b->annual_cost < a->annual_cost || b->obj.q.est < a->obj.q.est;
      /* of equal candidates keep the first (fewer parallel) */
      int same_first = !better && no_worse && j < i;
      if ((no_worse && better) || same_first) a->pareto = 0;
    }
  }
}

const study_size_candidate *study_size_recommendation(const study_size *z) {
  const study_size_candidate *best = NULL;
  for (size_t i = 0; i < z->n; i++) {
    const study_size_candidate *c = &z->c[i];
    if (!c->meets) continue;
    if (!best || c->annual_cost < best->annual_cost ||
        (c->annual_cost == best->annual_cost &&
         (c->warm < best->warm || (c->warm == best->warm && c->max_parallel < best->max_parallel))))
      best = c;
  }
  return best;
}

size_t study_size_count(const study_size *z) { return z->n; }
int study_size_partial(const study_size *z) { return z->partial; }
const study_size_candidate *study_size_at(const study_size *z, size_t i) { return &z->c[i]; }
const model_diag *study_size_failed_diag(const study_size *z) { return z->failed_diag; }

void study_size_free(study_size *z) {
  if (!z) return;
  for (size_t i = 0; i < z->n; i++) free(z->c[i].sorted);
  free(z->c);
  model_diag_free(z->failed_diag);
  free(z);
}
