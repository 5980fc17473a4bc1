/*
** models/lint.h — the lint for silent optimism: findings about a scenario
** that loads fine but whose figures would look better than the plan it
** describes, each with its file:line:col. `drsim validate` prints them,
** `drsim run` prints them on stderr, and `--strict` makes either exit 2.
**
** Rules (each finding names its rule):
**   no-recovery      a component in the disaster's scope with neither
**                    `replication` nor `failover`: it would count as usable
**                    in standby at t = 0 with RPO 0. Silence it with a
**                    `failover` block (and `replication: {mode: none}` when
**                    it holds no data to copy) or `stateless: true`.
**   target-own-region a replication target equal to the component's own
**                    region: a disaster of that region takes the copy too.
**   target-lost      a standby pool or a component's failover/replication
**                    target inside the disaster's scope (the region it
**                    takes): that DR capability is lost with it.
**   never-affected   an environment the scenario's disaster never affects:
**                    its objectives are not put to any test.
**   rpo-below-interval an RPO objective shorter than the interval of a
**                    periodic backup counted in it (an affected data
**                    component of that environment or a shared one): met
**                    only when the disaster strikes just after a backup.
**   isolated-step    a step that counts in the RTO, needs nothing and is
**                    needed by nothing (no step or failover waits for it):
**                    it sets the RTO only by being last; give it needs, or
**                    `after_restore: true`.
**   manual-any-hour  a manual step without an off_hours policy in a
**                    scenario with calendars: it takes its duration at any
**                    hour, as if someone were always at the desk.
**   retries-exhausted a step that counts in the RTO and can fail
**                    (failure_probability or timeout) without `escalation`:
**                    when its attempts are exhausted the environment is
**                    never recovered (and, without retry.persistent, its
**                    retries are taken as independent draws).
*/
#ifndef DRSIM_MODELS_LINT_H
#define DRSIM_MODELS_LINT_H

#include <stddef.h>
#include <stdio.h>
#include "models/scenario.h"

typedef struct model_lint model_lint;

/* Lint sc (a validated scenario). NULL only when out of memory; free with
** model_lint_free. Findings are in scenario order: components, pools,
** environments, steps. */
model_lint *model_lint_run(const model_scenario *sc);
void model_lint_free(model_lint *l);   /* NULL is a no-op */

size_t model_lint_count(const model_lint *l);
/* Borrowed fields of finding i (valid until model_lint_free). */
const char *model_lint_rule(const model_lint *l, size_t i);
int model_lint_line(const model_lint *l, size_t i);
int model_lint_col(const model_lint *l, size_t i);
const char *model_lint_message(const model_lint *l, size_t i);

/* Print each finding as "file:line:col: warning: message [rule]\n"; file is
** the scenario's source name. */
void model_lint_print(const model_lint *l, const model_scenario *sc, FILE *out);

/* The DR capabilities the disaster takes when it takes a region that holds
** some (a standby region): one sentence naming the replication/failover
** targets and the standby pools there, malloc'ed; NULL when it takes none
** (or out of memory). For the run's notes in reports. */
char *model_lint_lost_capabilities(const model_scenario *sc);

#endif
