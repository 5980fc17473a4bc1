/*
** models/unused.h — overrides that change nothing: after a scenario has
** loaded with `--set`/`--vary` overrides, warn about every overridden value
** the model will not use for this scenario, naming what it uses instead.
** (`drsim --strict` turns these warnings into exit status 2.)
**
** A value is "overridden" when a node of its YAML subtree came from an
** override (model_yaml_node.src = k >= 1); the warning is located at
** "--set:0:k". Checked:
**   - disaster mode: the lifetime-only keys (a component's failure, repair,
**     redundancy_group; disaster.rate; horizon; the lifetime block; an
**     objective's availability);
**   - lifetime mode: lifetime.failback_duration while failback is false;
**   - a manual step's duration when the on-call block makes it draw from
**     business_hours/off_hours, and those two when it does not;
**   - a step's retry when the step can never fail (failure_probability 0,
**     no timeout);
**   - a standby pool's provision, max_parallel and capacity_shortage when
**     no step scales the pool up or every node is already warm;
**   - the oncall block when no manual step has business_hours/off_hours.
*/
#ifndef DRSIM_MODELS_UNUSED_H
#define DRSIM_MODELS_UNUSED_H

#include "models/diag.h"
#include "models/scenario.h"
#include "models/yaml_tree.h"

/* Add a warning to diag for every overridden value of root (the scenario's
** tree, overrides applied) that sc (loaded from it) does not use. */
void model_unused_warn(const model_yaml_node *root, const model_scenario *sc,
                       model_diag *diag);

#endif
