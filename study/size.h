/*
** study/size.h — sizing a standby pool: the fewest warm nodes (optionally
** over several max_parallel values) for which ENV's METRIC meets its
** objective at quantile q with one-sided confidence c, the annual standby
** cost of every candidate evaluated, and the Pareto front of cost vs. the
** metric's quantile.
**
** Criterion ("meets"). With n trials, the q-quantile of the metric is below
** the objective T with one-sided confidence c (0.95) when the order statistic
** X(u) <= T, u the smallest rank with P(Binomial(n, q) <= u - 1) >= c
** (report_stats_quantile_ranks at two-sided level 2c - 1). X(u) <= T means at
** least u trials met T, so this is the exact one-sided binomial test of
** "P(meet) > q": if P(meet) were only q, it would pass with probability at
** most 1 - c. Chosen over the Wilson bound because it is exact and
** distribution-free, and it is the upper end of the quantile interval the
** summary tables print. A trial that never recovers counts as +inf: a miss.
**
** Search. Per max_parallel value, bisection over warm_nodes in
** [0, required_nodes]: evaluate required_nodes (all warm) first (if that
** fails, nothing does), then halve the interval between the largest failing
** and the smallest meeting count; 1 + ceil(log2(required + 1)) evaluations
** instead of required + 1 (`all` evaluates every count, for the full
** Pareto table).
**
** Why bisection is valid: the response is monotone in warm_nodes, trial by
** trial. All candidates share their random numbers (same seed, one stream
** per entity, sim/rng.h). A scale-up attempt of the pool provisions
** required - warm nodes whose provisioning times are the first draws of the
** pool's stream, in node order, after the (warm-independent) shortage
** draws; with list scheduling the first k nodes are placed exactly as in a
** run with more nodes (later nodes never change earlier placements), so one
** more warm node removes the last node and its completion can only lower
** the scale-up's end (the max) and its service time (the k-th completion of
** a subset is not later than the (k+1)-th of the superset). Every other step
** draws from its own stream, and completion times in the workflow DAG are
** max/plus of step ends, non-decreasing in each step's end. Hence every
** trial's RTO is non-increasing in warm_nodes, so is the share of trials
** meeting T, and so is the criterion. (The same list-scheduling argument
** gives monotonicity in max_parallel.) Exceptions, where the response is
** monotone only on average: a scale-up step with retries or a timeout (a
** retry's draws come after a first attempt whose length depends on warm),
** and on-call manual steps after the scale-up whose business/off hours
** depend on their start time; use `all` there to see the whole table.
*/
#ifndef DRSIM_STUDY_SIZE_H
#define DRSIM_STUDY_SIZE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "models/diag.h"
#include "models/scenario.h"
#include "reports/stats.h"
#include "reports/store.h"
#include "study/status.h"
#include "study/target.h"

#define STUDY_SIZE_HOURS_PER_YEAR 8760.0

/* One evaluated (warm_nodes, max_parallel). */
typedef struct study_size_candidate {
  int warm, max_parallel;
  double annual_cost;
  study_target_stats obj;           /* the objective metric at the quantile */
  report_stats_ci rto_p50, rto_p95, rto_p99;
  int meets;
  int pareto;                       /* set by study_size_finish */
  int order;                        /* 1-based evaluation order */
  int64_t run_id;                   /* 0 when not stored */
  double *sorted;                   /* keep_values: sorted objective values (owned) */
  size_t n;
} study_size_candidate;

typedef struct study_size_spec {
  const char *scenario_path;        /* names the scenario in messages */
  const char *scenario_text;        /* the scenario as read once */
  const model_load_opts *load_opts; /* --allow-path, pinned input files */
  const char *const *overrides;     /* the user's --set */
  size_t n_overrides;
  const char *pool;
  study_target target;              /* ENV.METRIC with its objective */
  double q, confidence;
  int seed_given, trials_given;
  uint64_t seed, trials;
  unsigned threads;
  report_store *store;              /* NULL: candidates not stored */
  int64_t sweep_id;
  int resume;                       /* candidates come back from the stored search */
  int keep_values;                  /* keep each candidate's sorted values */
  uint64_t shard_k, shard_n;        /* with `all` only: evaluate only shard K of N of the
                                       shard_points candidates, in evaluation order
                                       (study_grid_shard); 0/0: all. The others are
                                       skipped: the result is partial */
  size_t shard_points;              /* (required + 1) x the max_parallel values */
  double cost_per_hour;             /* of one warm node */
  const char *currency;             /* the scenario's (models/costs.h), for the
                                       caller's printing; NULL or "": none */
  volatile sig_atomic_t *stop;
  void (*progress)(void *ctx, uint64_t done, uint64_t total, double elapsed_s);
  void *progress_ctx;
  /* optional: called after each new candidate */
  void (*on_candidate)(void *ctx, const study_size_candidate *c);
  void *on_candidate_ctx;
} study_size_spec;

typedef struct study_size study_size;

/* A sizing study over spec (borrowed, must outlive it). Returns STUDY_OK
** and *out, or STUDY_EIO (out of memory). */
int study_size_new(const study_size_spec *spec, study_size **out, study_error *err);

/* Search warm_nodes in [0, required] at max_parallel mp: by bisection, or
** every count with `all`. Candidates already evaluated are not evaluated
** again. Returns STUDY_OK, or a failing point's status with err (and, when
** its scenario did not load, study_size_failed_diag). */
int study_size_search(study_size *z, int required, int mp, int all, study_error *err);

/* After the searches: sort the candidates by (max_parallel, warm) and mark
** the Pareto front (non-dominated in annual cost and the quantile). */
void study_size_finish(study_size *z);

/* The cheapest candidate that meets (ties: fewer warm nodes, then fewer
** parallel); NULL when none does. */
const study_size_candidate *study_size_recommendation(const study_size *z);

size_t study_size_count(const study_size *z);
/* 1 when a shard skipped candidates (they are not in the list). */
int study_size_partial(const study_size *z);
const study_size_candidate *study_size_at(const study_size *z, size_t i);

/* The load diagnostics of the point that failed to load, or NULL. */
const model_diag *study_size_failed_diag(const study_size *z);

/* The annual standby cost of `warm` nodes at cost_per_hour, to the cent
** (3 x 0.38 x 8760 is 9986.4, not 9986.400000000001). */
double study_size_annual_cost(int warm, double cost_per_hour);

void study_size_free(study_size *z);

#endif
