/*
** models/override.h — `--set key.path=value` overrides, applied to the YAML
** tree of a scenario before it is validated, so an overridden value is
** checked exactly like one written in the file.
**
** Paths: keys separated by '.'; a list item is addressed by its `name`
** (workflows, which have none, by their `environment`), or by its 0-based
** position when no item has that name:
**   standby.aks-prod-dr.warm_nodes=3
**   workflows.production.steps.approve-failover.duration.median=10m
**   objectives.production.rto=2h
** Names may contain '.': at each level the longest name matching the path is
** taken. The value is read as YAML, so `10m`, `[a, b]` and
** `{dist: exponential, mean: 5m}` all work; it replaces the whole node there.
**
** Missing map keys are created, intermediate maps included (so
** `standby.x.capacity_shortage.probability=0.1` works whether or not
** capacity_shortage is in the file); the validator then checks them like any
** key, so a misspelt key is still reported ("unknown key ... did you mean").
** Errors: a list item that does not exist, a path that continues below a
** single value, a malformed override. Every diagnostic of override k
** (1-based) is reported at "--set:0:k".
*/
#ifndef DRSIM_MODELS_OVERRIDE_H
#define DRSIM_MODELS_OVERRIDE_H

#include <stddef.h>
#include "models/diag.h"
#include "models/yaml_tree.h"

/* Apply overrides[0..n) in order to doc (later ones win). Returns the number
** of overrides that failed (each with a diagnostic); 0 on success. The tree
** may be partly modified when some failed. */
int model_override_apply(model_yaml_doc *doc, const char *const *overrides, size_t n,
                         model_diag *diag);

/* Apply one override "key.path=value"; k (>= 1) is its position, used in
** diagnostics and as the src of the nodes it creates. Returns 0 or -1. */
int model_override_apply_one(model_yaml_doc *doc, const char *override, int k,
                             model_diag *diag);

/* Every path an override can address in the tree under root, in the
** order written: fn(ctx, path, is_leaf) for each map key and list item,
** depth first, parents before children (is_leaf: the value there is a
** scalar). List items are named as model_override_apply finds them: by
** `name`, else `environment`, else their 0-based position. For shell
** completion (`drsim complete set-paths`). Stops and returns fn's value
** when it is nonzero; -1 when out of memory; else 0. */
int model_override_paths(const model_yaml_node *root,
                         int (*fn)(void *ctx, const char *path, int is_leaf), void *ctx);
/* The node an override of `path` ("key.path", no '=') would replace, by
** the same rules (longest matching name, list items by name, else by
** position), or NULL when it is not in doc (an override would create it)
** or the path is malformed. Borrowed from doc; doc is not changed. */
const model_yaml_node *model_override_find(const model_yaml_doc *doc, const char *path);

#endif
