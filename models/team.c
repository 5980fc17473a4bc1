/*
** models/team.c — teams as finite resources (see team.h): per team a count
** of busy members and an unsorted list of waiting tasks; a grant scans the
** team's waiting tasks for the smallest (time asked, order key). Queues are
** short (the steps of a few workflows), so a scan beats a heap here.
*/
#include "models/team.h"

#include <stdlib.h>

typedef struct team_wait {
  double asked_at;
  uint64_t order;
  size_t task;
  size_t team;
} team_wait;

struct model_team_pool {
  size_t n_teams;
  int *size;
  int *busy;
  size_t *n_waiting;
  team_wait *wait;          /* all teams' waiting tasks, unsorted */
  size_t n_wait, cap;
};

model_team_pool *model_team_pool_new(size_t n_teams, const int *sizes, size_t max_tasks) {
  model_team_pool *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->n_teams = n_teams;
  p->size = calloc(n_teams ? n_teams : 1, sizeof *p->size);
  p->busy = calloc(n_teams ? n_teams : 1, sizeof *p->busy);
  p->n_waiting = calloc(n_teams ? n_teams : 1, sizeof *p->n_waiting);
  p->cap = max_tasks ? max_tasks : 1;
  p->wait = calloc(p->cap, sizeof *p->wait);
  if (!p->size || !p->busy || !p->n_waiting || !p->wait) {
    model_team_pool_free(p);
    return NULL;
  }
  for (size_t t = 0; t < n_teams; t++) {
    if (sizes[t] < 1) {
      model_team_pool_free(p);
      return NULL;
    }
    p->size[t] = sizes[t];
  }
  return p;
}

void model_team_pool_free(model_team_pool *p) {
  if (!p) return;
  free(p->size);
  free(p->busy);
  free(p->n_waiting);
  free(p->wait);
  free(p);
}

void model_team_pool_reset(model_team_pool *p) {
  for (size_t t = 0; t < p->n_teams; t++) {
    p->busy[t] = 0;
    p->n_waiting[t] = 0;
  }
  p->n_wait = 0;
}

int model_team_pool_request(model_team_pool *p, size_t team, size_t task, double now,
                            uint64_t order) {
  if (team >= p->n_teams || p->n_wait == p->cap) return -1;
  p->wait[p->n_wait++] = (team_wait){now, order, task, team};
  p->n_waiting[team]++;
  return 0;
}

int model_team_pool_grant(model_team_pool *p, size_t team, size_t *task, double *asked_at) {
  if (team >= p->n_teams || p->busy[team] >= p->size[team] || !p->n_waiting[team]) return 0;
  size_t best = p->n_wait;
  for (size_t i = 0; i < p->n_wait; i++) {
    const team_wait *w = &p->wait[i];
    if (w->team != team) continue;
    if (best == p->n_wait || w->asked_at < p->wait[best].asked_at ||
        (w->asked_at == p->wait[best].asked_at && w->order < p->wait[best].order))
      best = i;
  }
  *task = p->wait[best].task;
  *asked_at = p->wait[best].asked_at;
  p->wait[best] = p->wait[--p->n_wait];
  p->n_waiting[team]--;
  p->busy[team]++;
  return 1;
}

void model_team_pool_release(model_team_pool *p, size_t team) {
  if (team < p->n_teams && p->busy[team] > 0) p->busy[team]--;
}

int model_team_pool_busy(const model_team_pool *p, size_t team) {
  return team < p->n_teams ? p->busy[team] : 0;
}

size_t model_team_pool_waiting(const model_team_pool *p, size_t team) {
  return team < p->n_teams ? p->n_waiting[team] : 0;
}
