/*
** study/grid.h — the values of `--vary PATH=VALUES` and the grid of several
** of them (sweep, size, sensitivity, optimize):
**  - a list `1,2,4` (commas inside [], {} or quotes do not split, so
**    `{dist: exponential, mean: 5m}` is one value) or a range `1..8`,
**    `0.1..0.5/0.1`, `10m..60m/10m`;
**  - the grid of several axes (the first varies slowest) and each point's
**    overrides.
*/
#ifndef DRSIM_STUDY_GRID_H
#define DRSIM_STUDY_GRID_H

#include <stddef.h>
#include <stdint.h>

#define STUDY_GRID_MAX_VALUES 10000   /* values of one --vary */
#define STUDY_GRID_MAX_POINTS 10000   /* points of a grid */

/* One varied path and its values. */
typedef struct study_grid_axis {
  char *path;          /* --set path, e.g. "standby.aks-prod-dr.warm_nodes" */
  char **texts;        /* n values as given to --set ("10m", "3", "{dist: ...}") */
  double *numbers;     /* the same as numbers: durations in seconds, fractions
                          ("5%") as 0.05, plain numbers as is; NAN otherwise */
  size_t n;
} study_grid_axis;

/* Parse VALUES (list items and ranges may be mixed: "0,1..3,8") and append
** them to axis. Ranges: A..B[/S], values A, A+S, ... up to B inclusive
** (B >= A, S > 0); plain numbers default to S = 1, durations need S; the
** values are written in the unit of S (else of A): 10m..30m/10m gives "10m",
** "20m", "30m". Returns 0, or -1 with err (n bytes) saying what is wrong and
** how to write it. On error axis keeps the values appended before. */
int study_grid_values_parse(const char *values, study_grid_axis *axis, char *err, size_t n);

/* Parse "PATH=VALUES" into *axis (zeroed first). Returns 0 or -1 with err;
** on error *axis holds nothing to free. */
int study_grid_axis_parse(const char *spec, study_grid_axis *axis, char *err, size_t n);

/* Release an axis (its strings and arrays); NULL is a no-op. */
void study_grid_axis_free(study_grid_axis *axis);

/* Number of points of the grid of axes[0..n_axes) (the product of their
** sizes; 1 for no axes). Returns 0, or -1 with err when it exceeds
** STUDY_GRID_MAX_POINTS or two axes have the same path. */
int study_grid_size(const study_grid_axis *axes, size_t n_axes, size_t *n_points,
                        char *err, size_t n);

/* The value index of each axis at grid point `point` (< grid size), the last
** axis varying fastest: idx[0..n_axes). */
void study_grid_index(const study_grid_axis *axes, size_t n_axes, size_t point, size_t *idx);

/* "PATH=TEXT" for value i of an axis (malloc'ed; NULL when out of memory). */
char *study_grid_override(const study_grid_axis *axis, size_t i);

/* The points of shard k of n (1 <= k <= n) of a study of n_points points,
** the unit of `drsim sweep --shard K/N`: points *first .. *end - 1, with
** first = (k-1)·n_points/n and end = k·n_points/n (contiguous, every point
** in exactly one shard; empty when n > n_points for some k). */
void study_grid_shard(size_t n_points, uint64_t k, uint64_t n, size_t *first, size_t *end);

/* A whole plain number (strtod, finite): 1 and *v, or 0. */
int study_grid_plain_number(const char *s, double *v);

#endif
