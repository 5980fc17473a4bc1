/*
** cli/sweep_values.h — the machinery shared by the what-if commands
** `drsim sweep`, `drsim size` and `drsim sensitivity` (prefix cli_sweep_*):
**
**  - VALUES of `--vary PATH=VALUES`: a list `1,2,4` (commas inside [], {}
**    or quotes do not split, so `{dist: exponential, mean: 5m}` is one value)
**    or a range `1..8`, `0.1..0.5/0.1`, `10m..60m/10m`, and the grid of
**    several --vary (first --vary varies slowest);
**  - a target metric `ENV.METRIC[.STAT]` (production.rto.p95) and the
**    statistics of it the commands decide on;
**  - one evaluation point: load the scenario with the user's --set overrides
**    plus the point's, run it with study_exec (optionally stored as a run
**    tagged with its sweep id and point), collect the target metric per trial
**    in memory;
**  - a small standalone HTML page for the commands' charts.
**
** Common random numbers: every point is run with the same seed and trial
** indexes, and the models draw from one stream per entity (sim/rng.h), so a
** point differs from another only through the varied parameter's effect.
*/
#ifndef DRSIM_CLI_SWEEP_VALUES_H
#define DRSIM_CLI_SWEEP_VALUES_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "models/scenario.h"
#include "reports/stats.h"
#include "reports/store.h"

/* ------------------------------------------------------------ values */

#define CLI_SWEEP_MAX_VALUES 10000   /* values of one --vary */
#define CLI_SWEEP_MAX_POINTS 10000   /* points of a grid */

/* One varied path and its values. */
typedef struct cli_sweep_axis {
  char *path;          /* --set path, e.g. "standby.aks-prod-dr.warm_nodes" */
  char **texts;        /* n values as given to --set ("10m", "3", "{dist: ...}") */
  double *numbers;     /* the same as numbers: durations in seconds, fractions
                          ("5%") as 0.05, plain numbers as is; NAN otherwise */
  size_t n;
} cli_sweep_axis;

/* Parse VALUES (list items and ranges may be mixed: "0,1..3,8") and append
** them to axis. Ranges: A..B[/S], values A, A+S, ... up to B inclusive
** (B >= A, S > 0); plain numbers default to S = 1, durations need S; the
** values are written in the unit of S (else of A): 10m..30m/10m gives "10m",
** "20m", "30m". Returns 0, or -1 with err (n bytes) saying what is wrong and
** how to write it. On error axis keeps the values appended before. */
int cli_sweep_values_parse(const char *values, cli_sweep_axis *axis, char *err, size_t n);

/* Parse "PATH=VALUES" into *axis (zeroed first). Returns 0 or -1 with err;
** on error *axis holds nothing to free. */
int cli_sweep_axis_parse(const char *spec, cli_sweep_axis *axis, char *err, size_t n);

/* Release an axis (its strings and arrays); NULL is a no-op. */
void cli_sweep_axis_free(cli_sweep_axis *axis);

/* Number of points of the grid of axes[0..n_axes) (the product of their
** sizes; 1 for no axes). Returns 0, or -1 with err when it exceeds
** CLI_SWEEP_MAX_POINTS or two axes have the same path. */
int cli_sweep_grid_size(const cli_sweep_axis *axes, size_t n_axes, size_t *n_points,
                        char *err, size_t n);

/* The value index of each axis at grid point `point` (< grid size), the last
** axis varying fastest: idx[0..n_axes). */
void cli_sweep_grid_index(const cli_sweep_axis *axes, size_t n_axes, size_t point, size_t *idx);

/* "PATH=TEXT" for value i of an axis (malloc'ed; NULL when out of memory). */
char *cli_sweep_override(const cli_sweep_axis *axis, size_t i);

/* ------------------------------------------------------------ target metric */

typedef enum cli_sweep_metric {
  CLI_SWEEP_RTO = 0,          /* seconds until service restored */
  CLI_SWEEP_RPO,              /* seconds of data lost */
  CLI_SWEEP_FULL_CAPACITY     /* seconds until the environment's pools are full */
} cli_sweep_metric;

typedef enum cli_sweep_stat {
  CLI_SWEEP_STAT_NONE = 0,    /* ENV.METRIC only (size) */
  CLI_SWEEP_STAT_MEAN,        /* mean of the finite values */
  CLI_SWEEP_STAT_QUANTILE,    /* pNN: p50, p95, p99, p99.9 */
  CLI_SWEEP_STAT_P_MEET       /* share of trials meeting the objective */
} cli_sweep_stat;

/* What a command measures. A trial in which the environment was not
** recovered counts as +inf in every metric (a miss), as in the summary's
** P(meet). */
typedef struct cli_sweep_target {
  char env[129];              /* environment name */
  cli_sweep_metric metric;
  cli_sweep_stat stat;
  double q;                   /* CLI_SWEEP_STAT_QUANTILE: in (0, 1) */
  double objective;           /* seconds: the scenario's objective; NAN: none */
  char spec[300];             /* as written, for messages and CSV */
} cli_sweep_target;

/* Parse "ENV.METRIC" (with_stat = 0) or "ENV.METRIC.STAT" (with_stat = 1)
** against sc: ENV one of its environments (the longest name that matches,
** names may hold dots), METRIC rto | rpo | full_capacity (the latter only for
** an environment with a standby pool), STAT mean | pNN | p_meet. Returns 0,
** or -1 with err naming what is unknown and the closest valid choice. */
int cli_sweep_target_parse(const model_scenario *sc, const char *spec, int with_stat,
                           cli_sweep_target *t, char *err, size_t n);

/* Name of a metric ("rto", "rpo", "full_capacity"). */
const char *cli_sweep_metric_name(cli_sweep_metric m);

/* Statistics of one point's values of the target metric. */
typedef struct cli_sweep_stats {
  uint64_t n;                 /* trials */
  report_stats_ci mean;       /* finite values, t interval */
  report_stats_ci p50, p95, p99;
  report_stats_ci q;          /* the quantile asked for (or p99) */
  double q_upper;             /* one-sided upper confidence bound of that
                                 quantile (order statistic X(u)); +inf when n
                                 is too small to bound it */
  uint64_t n_meet;            /* trials with value <= objective */
  report_stats_ci p_meet;     /* Wilson, two-sided 95 %; NAN without objective */
  uint64_t not_finite;        /* trials with value +inf */
} cli_sweep_stats;

/* Compute the statistics of values[0..n) (sorted in place; NaN are
** removed first) at quantile q in (0, 1) with one-sided `confidence` (e.g.
** 0.95) for q_upper, against objective (NAN: none). */
void cli_sweep_stats_compute(double *values, size_t n, double q, double objective,
                             double confidence, cli_sweep_stats *out);

/* The fewest trials n for which q_upper can be finite at quantile q in
** (0, 1) and one-sided `confidence` in (0.5, 1): the upper rank u of
** cli_sweep_stats_compute is <= n iff P(Binomial(n, q) <= n - 1) =
** 1 - q^n >= confidence, i.e. n >= log(1 - confidence) / log(q) (checked
** against the exact rank computation). With fewer trials every bound is
** +inf whatever the values. */
uint64_t cli_sweep_min_trials(double q, double confidence);

/* The value of a target's statistic (mean, the quantile, or p_meet) and its
** 95 % interval, from values[0..n) (sorted in place). */
report_stats_ci cli_sweep_target_value(const cli_sweep_target *t, double *values, size_t n);

/* ------------------------------------------------------------ one point */

typedef struct cli_sweep_point {
  /* in */
  const char *cmd;                  /* command name for messages: "sweep" */
  const char *scenario_path;
  const char *scenario_text;        /* the scenario as read (cli_read_scenario): loaded
                                       instead of scenario_path, stored with the run
                                       (for --resume); NULL: load scenario_path */
  const model_load_opts *load_opts; /* --allow-path, pinned input files; NULL: defaults */
  const char *const *overrides;     /* the user's --set, then the point's */
  size_t n_overrides;
  int seed_given;                   /* 0: the scenario's seed */
  uint64_t seed;
  int trials_given;                 /* 0: the scenario's trials */
  uint64_t trials;
  unsigned threads;                 /* 0: all cores */
  report_store *store;              /* NULL: not stored */
  int64_t sweep_id;                 /* stored with the run (0: none) */
  int64_t point;                    /* point index (< 0: none) */
  const char *detail;               /* "auto" | "summary" | "steps" as in `run` */
  const cli_sweep_target *collect;  /* NULL: collect nothing in memory */
  int collect_rto;                  /* with collect: also the RTO of its environment */
  volatile sig_atomic_t *stop_flag; /* optional */
  int show_progress;
  int resume;                       /* --resume: continue the stored run of this sweep
                                       and point (complete: only read back) */
  /* optional, for embedders (drsim serve): */
  model_diag *diag;                 /* non-NULL: the scenario's load diagnostics are
                                       added here instead of printed */
  /* Called with every chunk of trial records, in trial order, after the
  ** store got it (sc is the point's scenario); non-zero stops the run as a
  ** failure. */
  int (*observe)(void *ctx, const model_scenario *sc, uint64_t first, size_t n,
                 const void *records);
  void *observe_ctx;
  /* out */
  model_scenario *sc;               /* the point's scenario (owned) */
  int64_t run_id;                   /* 0 when not stored */
  uint64_t seed_used, trials_used;
  double *values;                   /* collect: one value per trial, in trial order */
  double *rto_values;               /* collect_rto: the environment's RTO per trial */
  size_t n_values;                  /* trials in values (and rto_values) */
  double elapsed_s;                 /* simulation wall time */
} cli_sweep_point;

/* Evaluate one point. Returns CLI_EXIT_OK; CLI_EXIT_USAGE
** when the scenario with these overrides does not load (diagnostics printed,
** or added to p->diag), or when collect
** is set and it is not a disaster-mode scenario; CLI_EXIT_IO on a store or simulation failure; 130
** when stop_flag was raised (the stored run is marked interrupted). Every
** error is printed to stderr as "drsim CMD: error: ...". The run is marked
** complete / interrupted / failed in the store before returning. With
** resume, a stored run of the same sweep and point is continued instead of
** starting a new one (it must have been run with the same scenario, values,
** seed and trials, else CLI_EXIT_USAGE; a live one is CLI_EXIT_IO), and
** its stored trials are read back into values. Release
** the outputs with cli_sweep_point_clear (also after an error). */
int cli_sweep_point_run(cli_sweep_point *p);
void cli_sweep_point_clear(cli_sweep_point *p);

/* ------------------------------------------------------------ helpers */

/* A new sweep id for st: one more than the largest stored (1 for none).
** Two sweeps started at the same instant on one database could get the same
** id; their runs stay distinct (run ids), only the grouping would merge.
** Returns REPORT_OK or a store status with err filled. */
int cli_sweep_next_id(report_store *st, int64_t *id, report_error *err);

/* For a command that stores its evaluations as one sweep: open db_path
** read-write and pick a new sweep id. Returns CLI_EXIT_OK with *store
** (close), or prints "drsim CMD: error: ..." and returns CLI_EXIT_IO. */
/* For --resume SWEEP_ID: open an existing db_path read-write and check that
** it holds runs of sweep_id. Returns CLI_EXIT_OK with *store, or prints the
** error and returns CLI_EXIT_USAGE (no such sweep) or CLI_EXIT_IO. */
int cli_sweep_open_existing(const char *cmd, const char *db_path, int64_t sweep_id,
                            report_store **store);

int cli_sweep_open_store(const char *cmd, const char *db_path, report_store **store,
                         int64_t *sweep_id);


/* A standalone HTML page (UTF-8, inline CSS, no scripts) for the commands'
** --html charts: begin writes the head and an <h1> with `title` (escaped);
** end closes it. Return 0, or -1 on a write error. */
int cli_sweep_html_begin(FILE *f, const char *title);
int cli_sweep_html_end(FILE *f);

/* Format a duration for humans into buf ("2h 49m", "never" for +inf, "n/a"
** for NaN); returns buf. */
char *cli_sweep_format_duration(double s, char *buf, size_t n);

/* ------------------------------------------------------------ commands */

/* Entry points of the what-if commands, wired up by cli/main.c (argv[1] is
** the command name; each returns a CLI_EXIT_* status). */
int cli_cmd_sweep(int argc, char **argv);        /* cli/cmd_sweep.c */
int cli_cmd_size(int argc, char **argv);         /* cli/cmd_size.c */
int cli_cmd_sensitivity(int argc, char **argv);  /* cli/cmd_sensitivity.c */

/* Significant digits to print 100 * q (a quantile in (0, 1)) with %.*g so
** that it reads as what it is: never "100" (p100 is the maximum, which a
** quantile below 1 is not) nor "0", at least 6 digits as %g prints. */
int cli_sweep_pct_digits(double q);

/* The two arguments of "p%.*g" for quantile q. */
#define CLI_SWEEP_PCT(q) cli_sweep_pct_digits(q), 100 * (q)

#endif
