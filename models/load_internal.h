/*
** models/load_internal.h — private to the scenario loader (models/scenario_load.c
** and models/load_*.c); callers use models/scenario.h.
**
** The loader context shared by the files that read one scenario, and the
** functions each file offers the others (prefix ld_). Every ld_ function
** that reads a value reports its problems into L->diag at file:line:col
** (L->errors counts them) and returns -1 / NULL / a harmless default, so
** that the checks after it still run.
*/
#ifndef DRSIM_MODELS_LOAD_INTERNAL_H
#define DRSIM_MODELS_LOAD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "models/scenario.h"
#include "models/units.h"
#include "models/yaml_tree.h"

#define MAX_NAME 128
#define MAX_RETRIES 1000
#define MAX_HORIZON_S (1000.0 * MODEL_UNITS_YEAR)
/* Expected events per lifetime trial above which a scenario is refused. */
#define MAX_LIFETIME_EVENTS 1e7
#define MAX_EMPIRICAL_SAMPLES 1000000
#define NAMES_SHOWN 8
/* Character comparisons "did you mean" may spend on one load. */
#define SUGGEST_BUDGET 50000000L

typedef model_yaml_node ynode;

/* ---- loader context and diagnostics -------------------------------------- */

typedef struct step_tmp {
  const ynode *map;
  const ynode *needs;         /* the needs list (or scalar) node, or NULL */
  const ynode *if_lost;       /* the if_lost list (or scalar) node, or NULL */
} step_tmp;

typedef struct wf_tmp {
  const ynode *map;
  step_tmp *steps;            /* n = workflows[i].n_steps */
} wf_tmp;

typedef struct loader {
  const char *file;
  model_diag *diag;
  model_scenario *sc;
  int errors;
  char *dir;                  /* directory of the scenario, for empirical files */
  const model_load_opts *opts;/* may be NULL */
  size_t cap_inputs;          /* allocated sc->inputs */
  const ynode **comp_map;     /* per component: its map node */
  const ynode **comp_by;      /* per component: the failover `by` value node */
  long suggest_budget;        /* character comparisons left for "did you mean" */
  int regions_bad;            /* 'regions' unusable: don't report every reference */
  int environments_bad;       /* 'objectives' unusable: likewise */
  wf_tmp *wf;                 /* per workflow */
} loader;

#if defined(__GNUC__)
#define L_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define L_PRINTF(a, b)
#endif

/* A sorted view of names for O(log n) lookups and duplicate detection. */
typedef struct name_ix {
  const char **names;         /* by index; NULL for an invalid entry */
  size_t *order;              /* indexes sorted by name */
  size_t n, n_sorted;
} name_ix;

/* ---- diagnostics and the typed YAML reader (load_yaml.c) ------------------- */

/* Report a problem at node n (file:line:col; line 1 col 1 when n is NULL). */
void ld_err_at(loader *L, const ynode *n, const char *fmt, ...) L_PRINTF(3, 4);

/* Report that memory ran out; the load then fails with its diag marked nomem. */
void ld_oom(loader *L);

/* calloc that reports out of memory (n 0 allocates one element). */
void *ld_xcalloc(loader *L, size_t n, size_t size);

/* strdup that reports out of memory. */
char *ld_xstrdup(loader *L, const char *s);

/* A short description of a node for "..., not X" messages. */
const char *ld_describe(const ynode *n, char *buf, size_t size);

/* The candidate closest to word, or NULL (none near, diag full, or the
** comparison budget L->suggest_budget spent). */
const char *ld_suggest(loader *L, const char *word, const char *const *cands, size_t n);

/* "; did you mean 'x'?" or "; use one of a, b, c" into buf; returns buf. */
const char *ld_hint(loader *L, const char *word, const char *const *cands, size_t n,
                    char *buf, size_t size);

/* Report every key of map not in `allowed` (NULL-terminated). */
void ld_check_keys(loader *L, const ynode *map, const char *const *allowed,
                   const char *where);

/* 0 when n is a map, else -1 after reporting what it is (what names it). */
int ld_want_map(loader *L, const ynode *n, const char *what);

/* 0 when n is a list, else -1 after reporting. */
int ld_want_list(loader *L, const ynode *n, const char *what);

/* 0 when n is a non-empty single value, else -1 after reporting. */
int ld_want_scalar(loader *L, const ynode *n, const char *key);

/* YAML's null (nothing after the ':', ~ or null): an optional list written
** empty, taken as absent. */
int ld_is_null(const ynode *n);

/* A list of at most MODEL_MAX_ITEMS items. */
int ld_want_items(loader *L, const ynode *n, const char *what);

/* A duration (30s, 15m, 4h, 2d) in seconds. */
int ld_get_duration(loader *L, const ynode *n, const char *key, double *out);

/* A fraction in [0, 1], written 0.999 or 99.9%. */
int ld_get_fraction(loader *L, const ynode *n, const char *key, double *out);

/* A probability of failure: in [0, 1), since 1 would never succeed. */
int ld_get_probability(loader *L, const ynode *n, const char *key, double *out);

/* An integer in [min, max], decimal digits only. */
int ld_get_int(loader *L, const ynode *n, const char *key, long long min, long long max,
               long long *out);

/* An unsigned integer in [0, max], decimal digits only. */
int ld_get_u64(loader *L, const ynode *n, const char *key, uint64_t max, uint64_t *out);

/* A finite real number (shape, sigma, mu, cost). */
int ld_get_number(loader *L, const ynode *n, const char *key, double *out);

/* true or false. */
int ld_get_bool(loader *L, const ynode *n, const char *key, int *out);

/* One of `names` (NULL-terminated); *out = its index. */
int ld_get_enum(loader *L, const ynode *n, const char *key, const char *const *names,
                int *out);

/* Whether s holds a control character (below 0x20, or DEL). */
int ld_has_control(const char *s);

/* A name: 1..128 characters from letters, digits, '-', '_', '.', starting
** with a letter or digit. Names appear in --set paths and ENV/STEP, so '/'
** and spaces are kept out. Returns the node's string (borrowed) or NULL. */
const char *ld_get_name(loader *L, const ynode *n, const char *what);

/* ---- name index (load_names.c) --------------------------------------------- */

/* Free the index (not the names it borrows) and zero it. */
void ld_ix_free(name_ix *ix);

/* Build from names[0..n) (entries may be NULL); names are borrowed. */
int ld_ix_build(loader *L, name_ix *ix, const char **names, size_t n);

/* Index of the first definition of name, or -1. */
long ld_ix_find(const name_ix *ix, const char *name);

/* Report every second definition of a name at its node. */
void ld_ix_report_duplicates(loader *L, const name_ix *ix, const ynode *const *name_nodes,
                             const char *what);

/* "; did you mean 'x'?" against every name of the index. */
const char *ld_ix_hint(loader *L, const name_ix *ix, const char *word, char *buf,
                       size_t size);

/* Collect the names of list items (`name` key) for forward references. */
void ld_collect_names(loader *L, const ynode *list, const char *what, name_ix *ix,
                      char ***owned_names);

/* ---- distributions (load_dist.c) ------------------------------------------- */

/* A distribution: a bare duration (constant) or a map with `dist:`. */
int ld_get_dist(loader *L, const ynode *n, const char *key, model_dist *out);

/* ---- objectives, regions, components, standby (load_sections.c) ------------ */

/* objectives: the environments and their rto, rpo, availability. */
void ld_load_objectives(loader *L, const ynode *root);

/* The environment named by value node v, or -1 with an error. */
int ld_find_env(loader *L, const ynode *v, const char *key);

/* regions: names and roles; builds the region name index ix. */
void ld_load_regions(loader *L, const ynode *root, name_ix *ix);

/* Region named by v (key for messages), -1 with an error. */
int ld_find_region(loader *L, const name_ix *ix, const ynode *v, const char *key);

/* components (replication, failover, redundancy groups, depends_on);
** builds the component name index cix. */
void ld_load_components(loader *L, const ynode *root, const name_ix *rix, name_ix *cix);

/* standby pools; builds the pool name index pix. */
void ld_load_standby(loader *L, const ynode *root, const name_ix *rix, name_ix *pix);

/* ---- workflows (load_workflows.c) ------------------------------------------ */

/* workflows: one per environment, their steps and needs within it. */
void ld_load_workflows(loader *L, const ynode *root, const name_ix *pix,
                       const name_ix *cix);

/* needs: [ENV/STEP]: a step of another environment's workflow (or of this
** one, written in full). Runs once every workflow is loaded, so ENV may
** name a workflow further down. */
void ld_resolve_needs_ext(loader *L);

/* if_lost: [NAME, ...], component or region names. */
void ld_resolve_if_lost(loader *L, const name_ix *rix, const name_ix *cix);

/* A step that counts in the RTO may not need an after_restore step of its
** own workflow: the RTO would silently include it. */
void ld_check_after_restore(loader *L);

/* failover: {by: STEP} -> (workflow, step); ENV/STEP for any component. */
void ld_resolve_failover_by(loader *L);

/* ---- calendars, teams, off-hours policies (load_people.c) ----------------- */

/* A step's business_hours / off_hours (a distribution, `wait` or
** {page: DIST}); sets its calendar and team to -1 (resolved later). */
void ld_load_step_hours(loader *L, model_step *s, const ynode *m, const char *sname);

/* A workflow's detection: a distribution, or {business_hours, off_hours}
** (x may be NULL: none). Sets its calendar to -1. */
void ld_load_detection(loader *L, model_workflow *wf, const ynode *x);

/* calendars, teams, the oncall calendar, disaster.start; resolves the
** steps' and workflows' calendar and team names and each calendar's time
** zone. After ld_load_workflows, ld_load_disaster and ld_load_oncall. */
void ld_load_people(loader *L, const ynode *root);

/* ---- graph checks (load_graph.c) ------------------------------------------- */

/* Cycles among components' depends_on. */
void ld_check_depends_on(loader *L);

/* The needs item of step `u`'s list that names `name` (for locations). */
const ynode *ld_needs_item(const loader *L, size_t w, size_t u, const char *name);

/* Cycles in a workflow's needs; on success its topological order. */
void ld_check_needs(loader *L, size_t w);

/* Cycles across workflows through the failovers that wait on steps. */
void ld_check_waits(loader *L);

/* ---- top level, disaster, oncall, lifetime (load_events.c) ----------------- */

/* disaster: rate, type, scope and what a disaster takes. */
void ld_load_disaster(loader *L, const ynode *root, const name_ix *rix, const name_ix *cix);

/* oncall: who answers a page, and when. */
void ld_load_oncall(loader *L, const ynode *root);

/* lifetime: horizon and what one lifetime trial simulates. */
void ld_load_lifetime(loader *L, const ynode *root);

/* The top-level scalars (version, name, seed, trials, ...) and unknown keys. */
void ld_load_top(loader *L, const ynode *root);

/* Lifetime mode: refuse a scenario whose trials would each simulate more
** than MAX_LIFETIME_EVENTS failures, repairs and disasters, since one such
** trial runs for minutes. Expected events: horizon / (mean failure + mean
** repair) per component, plus disaster rate x horizon. */
void ld_check_lifetime_events(loader *L, const ynode *root);

/* ---- common causes (load_common_causes.c) --------------------------------- */

/* common_causes: each cause's probability and effects (pools by the pool
** index pix, steps as ENV/STEP); runs once every workflow is loaded. */
void ld_load_common_causes(loader *L, const ynode *root, const name_ix *pix);

#endif
