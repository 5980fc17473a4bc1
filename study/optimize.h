/*
** study/optimize.h — the search of `drsim optimize` (prefix study_opt_):
** over decisions (each a finite set of options, an option a list of --set
** overrides), find the cheapest candidate that meets every constraint with
** 95 % confidence, confirm the finalists with more trials, weigh the winner
** against the runner-up by a paired comparison, and say what each decision
** contributes. Prints nothing: the caller evaluates candidates through a
** callback (running the scenario with the candidate's overrides, every
** candidate with the same seed and trial indexes: common random numbers)
** and presents the result (cli/cmd_optimize.c).
**
** Search: GRID evaluates every candidate (up to the budget); DESCENT is
** coordinate descent from the scenario's own choices: each pass tries every
** option of one decision with the others fixed and moves to the best, until
** a pass changes nothing; AUTO is GRID for grids of at most
** STUDY_OPT_AUTO_GRID candidates, else DESCENT. "Best" orders candidates:
** those meeting every constraint first, by the objective (then the standby
** cost, then the option indexes); the others by their shortfall (how far the
** point estimates are from the constraints), then the objective.
*/
#ifndef DRSIM_STUDY_OPTIMIZE_H
#define DRSIM_STUDY_OPTIMIZE_H

#include <stddef.h>
#include <stdint.h>
#include "reports/stats.h"

#define STUDY_OPT_AUTO_GRID 16
#define STUDY_OPT_MAX_DECISIONS 32
#define STUDY_OPT_MAX_OPTIONS 1000

typedef enum study_opt_minimize { STUDY_OPT_TOTAL = 0, STUDY_OPT_RISK } study_opt_minimize;
typedef enum study_opt_search { STUDY_OPT_AUTO = 0, STUDY_OPT_GRID, STUDY_OPT_DESCENT } study_opt_search;

/* One option of a decision: its label and the overrides it applies. */
typedef struct study_opt_option {
  char *label;                /* "3", "1h", "on", "off", "hourly" */
  char **overrides;           /* "PATH=TEXT", n_overrides of them */
  size_t n_overrides;
} study_opt_option;

typedef struct study_opt_decision {
  char *name;                 /* the --set path, or the alternative's name */
  study_opt_option *options;
  size_t n_options;
  size_t base;                /* the option the scenario has now (reference) */
} study_opt_decision;

/* Append an option (label and overrides copied). Returns 0, -1 out of memory
** or when the decision already has STUDY_OPT_MAX_OPTIONS options. */
int study_opt_decision_add(study_opt_decision *d, const char *label,
                           const char *const *overrides, size_t n_overrides);
/* Release a decision's strings and options (not d itself). */
void study_opt_decision_clear(study_opt_decision *d);

/* One constraint's verdict on one candidate. */
typedef struct study_opt_check {
  int meets;                  /* met with 95 % confidence */
  double estimate;            /* the statistic (quantile, mean or share) */
  double bound;               /* its one-sided 95 % bound (the side that decides) */
  double p_meet;              /* share of trials meeting the threshold */
  double shortfall;           /* >= 0: how far the estimate is from meeting; 0: it does */
} study_opt_check;

/* One evaluation: filled by the callback (trials .. checks), completed by
** the search (loss .. total). */
typedef struct study_opt_eval {
  uint64_t trials;
  int64_t run_id;             /* the stored run (0: not stored) */
  double standby_annual;
  double disasters_per_year;  /* 0 when the scenario has no cost of risk */
  double *losses;             /* per trial, malloc'ed by the callback, owned after */
  study_opt_check *checks;    /* [n_constraints], malloc'ed by the callback */
  /* computed */
  report_stats_ci loss;       /* mean loss per disaster */
  double cvar95;
  report_stats_ci risk, total;/* a year */
  double objective;           /* total.est or risk.est */
  int meets_all;
  double shortfall;           /* sum over the constraints */
} study_opt_eval;

/* Evaluate the candidate choice[0..n_decisions) (option indexes) with
** `trials` trials as stored point `point`; fill out's trials, run_id,
** standby_annual, disasters_per_year, losses and checks. Returns 0, or a
** non-zero status that stops the search and is returned by study_opt_run. */
typedef int (*study_opt_eval_fn)(void *ctx, const size_t *choice, uint64_t trials,
                                 int64_t point, study_opt_eval *out);

typedef struct study_opt_config {
  const study_opt_decision *decisions;
  size_t n_decisions;
  size_t n_constraints;
  study_opt_minimize minimize;
  study_opt_search search;
  size_t budget;              /* screening evaluations at most (0: no limit) */
  uint64_t trials;            /* screening */
  uint64_t confirm_trials;    /* finalists (<= trials: no confirmation runs) */
  size_t finalists;           /* 0: 3 */
  int pareto_cvar;            /* 1: the front is cost vs CVaR-95; 0: vs P(meet) */
  study_opt_eval_fn eval;
  void *ctx;
} study_opt_config;

typedef struct study_opt_cand {
  size_t *choice;             /* [n_decisions] */
  study_opt_eval screen;      /* at cfg.trials */
  study_opt_eval confirm;     /* at cfg.confirm_trials when confirmed */
  int confirmed;
  int finalist;
  int contribution;           /* evaluated only to measure a decision's contribution */
  int pareto;                 /* on the front */
  size_t order;               /* 1-based evaluation order */
} study_opt_cand;

/* What one decision of the winner contributes: the winner against the
** winner with that decision set back to its base option. */
typedef struct study_opt_contrib {
  size_t decision;
  long without;               /* candidate index of the winner without it; -1: at base */
} study_opt_contrib;

typedef struct study_opt_result {
  study_opt_search search_used;
  size_t grid_size;           /* candidates in the full grid (SIZE_MAX when larger) */
  study_opt_cand *cands;      /* every candidate evaluated */
  size_t n_cands;
  size_t screen_runs, confirm_runs, contrib_runs;
  int budget_hit;             /* the budget stopped the search */
  long winner;                /* meets every constraint; -1 when none does */
  long closest;               /* winner, or the best of those that do not */
  long runner_up;             /* the next finalist meeting every constraint; -1 */
  report_stats_ci paired;     /* runner-up minus winner, objective a year, 95 % t */
  int conclusive;             /* winner and significantly cheaper than the runner-up */
  study_opt_contrib contribs[STUDY_OPT_MAX_DECISIONS];
  size_t n_contribs;
} study_opt_result;

/* The final evaluation of a candidate (confirm when confirmed, else screen). */
const study_opt_eval *study_opt_final(const study_opt_cand *c);

/* Run the search. Returns 0 with *res filled (release with study_opt_free),
** -1 out of memory, or the callback's non-zero status (res then holds the
** candidates evaluated so far). */
int study_opt_run(const study_opt_config *cfg, study_opt_result *res);
void study_opt_free(study_opt_result *res, size_t n_constraints);

/* Complete an evaluation's computed fields (used by study_opt_run; public
** for tests): loss statistics, risk = disasters_per_year x loss, total =
** standby + risk, objective, meets_all, shortfall. */
void study_opt_eval_finish(study_opt_eval *e, size_t n_constraints, study_opt_minimize m);

/* 1 when a is better than b under the ordering above. */
int study_opt_better(const study_opt_cand *a, const study_opt_cand *b, size_t n_decisions);

#endif
