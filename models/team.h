/*
** models/team.h — teams as finite resources during one trial: each team has
** `size` members; a task (a workflow step) needs one member from the moment
** it is granted until it ends; tasks that find every member busy wait in a
** first-come-first-served queue. Ties (tasks that asked at the same instant)
** go by a caller-given order key (disaster mode: environment order, then
** step order).
**
** The queue knows nothing of steps or time beyond the numbers it is given:
** the caller asks (model_team_pool_request), and whenever a member may be
** free (after a release, or after asking) calls model_team_pool_grant to
** hand free members to the waiting tasks in order.
*/
#ifndef DRSIM_MODELS_TEAM_H
#define DRSIM_MODELS_TEAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct model_team_pool model_team_pool;

/* Pools for n_teams teams of the given sizes (each >= 1), with room for up
** to max_tasks tasks waiting at once over all teams. NULL when out of
** memory or a size is < 1. */
model_team_pool *model_team_pool_new(size_t n_teams, const int *sizes, size_t max_tasks);

void model_team_pool_free(model_team_pool *p);  /* NULL is a no-op */

/* Every member free, no task waiting (the start of a trial). */
void model_team_pool_reset(model_team_pool *p);

/* Task `task` asks for a member of `team` at time `now`; `order` breaks ties
** between tasks that asked at the same time (smaller first). The task waits
** until model_team_pool_grant hands it a member. 0, or -1 when the queue is
** full (more than max_tasks waiting). */
int model_team_pool_request(model_team_pool *p, size_t team, size_t task, double now,
                            uint64_t order);

/* Hand a free member of `team` to the first waiting task: its id in *task
** and the time it asked in *asked_at. 1 when a task was granted, 0 when no
** member is free or no task waits. Call it in a loop until it returns 0. */
int model_team_pool_grant(model_team_pool *p, size_t team, size_t *task, double *asked_at);

/* A task of `team` that held a member ended: the member is free. */
void model_team_pool_release(model_team_pool *p, size_t team);

/* Members busy / tasks waiting in `team` now. */
int model_team_pool_busy(const model_team_pool *p, size_t team);
size_t model_team_pool_waiting(const model_team_pool *p, size_t team);

#endif
