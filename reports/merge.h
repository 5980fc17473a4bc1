/*
** reports/merge.h — merge the shards of one run (`drsim run --shard K/N`,
** each into its own database) into one database equal to a single run's.
**
** Two steps, so the caller can show what it found before writing anything:
**   report_merge_plan_new  reads every run of every part database and checks
**                          that they are slices of ONE run: same scenario
**                          hash (text and --set overrides), seed, total trial
**                          count, mode, detail and program version, and that
**                          no two slices plan the same trial. It lists the
**                          gaps: trials no part stored (a shard never run, or
**                          one interrupted before its end).
**   report_merge_write     copies the parts into a NEW database as one run
**                          covering trials 0 .. total-1, with the dimension
**                          tables of the first part and the aggregates
**                          (step_stats, component_stats, standby_stats)
**                          combined: counts and sums added, maxima maxed.
**
** Equality with a single run: the trials table and the per-trial detail
** tables (steps, components, standby_trials) are equal row for row (run_id
** aside). Aggregate counts and maxima are equal; aggregate sums of doubles
** (sum_duration_s, ...) are added in another order than one process adds
** them, so they agree to rounding (relative ~1e-15), not bit for bit.
**
** Gaps: the merged run's status is 'complete' only without gaps. With gaps,
** report_merge_write refuses unless allow_gaps is set; then the run is
** written with status 'interrupted' and trials_done = the trials it holds.
** When the stored trials are a prefix (only the end is missing, e.g. the
** last shard did not run), `drsim run --resume ID --db OUT` completes it
** exactly; with trials missing in the middle the run can only be inspected:
** run the missing shards and merge again.
**
** Atomicity: the output is written to a temporary file next to it and
** linked into place at the end, so a crash never leaves a half-merged
** database under the output name.
*/
#ifndef DRSIM_REPORTS_MERGE_H
#define DRSIM_REPORTS_MERGE_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include "reports/store.h"

/* One run found in a part database. */
typedef struct report_merge_part {
  char *path;               /* the part database, as given */
  int64_t run_id;           /* the run inside it */
  uint64_t first_trial;     /* planned trials first_trial .. first_trial+trials-1 */
  uint64_t trials;
  uint64_t trials_done;     /* stored: first_trial .. first_trial+trials_done-1 */
  uint64_t total_trials;    /* the whole run's trial count; 0 when not recorded */
  char *shard;              /* "K/N" as given to --shard, or NULL */
  report_run_status status;
  unsigned threads;
  char *started, *finished; /* ISO 8601 UTC; finished may be NULL */
} report_merge_part;

/* Missing trials first .. first+n-1. part is the slice that planned them
** but did not store them (resume it), or NULL when no part planned them. */
typedef struct report_merge_gap {
  uint64_t first, n;
  const report_merge_part *part;
} report_merge_gap;

/* What report_merge_plan_new found. Owns everything. */
typedef struct report_merge_plan {
  report_merge_part *parts;    /* sorted by first_trial */
  size_t n_parts;
  report_merge_gap *gaps;      /* in trial order */
  size_t n_gaps;
  char *scenario_name;
  char *scenario_hash;
  char **overrides;            /* the runs' --set overrides, n_overrides */
  size_t n_overrides;
  uint64_t seed;
  uint64_t total_trials;       /* from the parts, or the highest planned trial + 1 */
  int total_known;             /* 0: no part recorded its total (older drsim):
                                  a missing LAST shard cannot be detected */
  uint64_t trials_stored;      /* sum of trials_done */
  uint64_t shard_count;        /* N when every part is a shard "K/N" of the same N; else 0 */
} report_merge_plan;

/* Read the runs of the n part databases at paths[] (each opened read-only;
** every run in a file is one part) and check them as described above.
** Returns REPORT_OK and *out (free with report_merge_plan_free) — gaps are
** not an error here, they are listed in (*out)->gaps — or, with *out = NULL
** and a message in err naming the files and runs involved:
**   REPORT_EINVAL    no parts, a file given twice, a file with no run, runs
**                    that differ in scenario / seed / total / mode / detail /
**                    program version, overlapping slices, a slice beyond the
**                    total;
**   REPORT_EIO       a part cannot be opened or read;
**   REPORT_ESCHEMA   a part is not a drsim database of this schema version;
**   REPORT_ENOMEM. */
int report_merge_plan_new(const char *const *paths, size_t n,
                          report_merge_plan **out, report_error *err);

void report_merge_plan_free(report_merge_plan *plan);   /* NULL is a no-op */

/* Write the plan's parts as one run into a new database at out_path.
** Refuses (REPORT_EINVAL) when out_path exists or when the plan has gaps and
** allow_gaps is 0. Returns REPORT_OK and *run_id (the merged run's id), or
** REPORT_EINVAL, REPORT_EIO (cannot create or write the output, or read a
** part; nothing is left under out_path), REPORT_ESCHEMA (a part's tables do
** not match this drsim's), REPORT_ENOMEM. */
int report_merge_write(const report_merge_plan *plan, const char *out_path,
                       int allow_gaps, int64_t *run_id, report_error *err);

/* report_merge_write that stops when *stop becomes nonzero (a SIGINT or
** SIGTERM caught by the caller; stop may be NULL): within a few
** milliseconds, even inside the copy of one large part, it removes its
** temporary files and returns REPORT_EINTR. Either function first removes
** the temporary files that merges into the same out_path left behind when
** their process died (kill -9, a crash): OUT.tmp-PID* with PID gone. */
int report_merge_write_stoppable(const report_merge_plan *plan, const char *out_path,
                                 int allow_gaps, volatile sig_atomic_t *stop,
                                 int64_t *run_id, report_error *err);

/* Absorb a part into a run that is being written (MPI ranks' parts,
** study/mpi.h; parts an interrupted MPI run left beside its database):
** append the trials of the one run stored in part_path to run run_id of
** the database at db_path, in ONE transaction: its per-trial rows (with
** run_id rewritten), its aggregates combined into the run's as
** report_merge_write combines them, and the run's trials_done. The part
** must be a slice of the same run (scenario hash and --set overrides, seed,
** mode, detail, drsim version) whose first trial is exactly the run's next
** one (first_trial + trials_done), ending within the run's planned trials;
** the run must be 'running'. The part file is opened read-only and left in
** place. Returns REPORT_OK and *absorbed (the part's stored trials,
** possibly 0), or REPORT_EINVAL (another run, not contiguous, beyond the
** run's end; nothing written), REPORT_ENOTFOUND (no run run_id),
** REPORT_EIO, REPORT_ESCHEMA, REPORT_ENOMEM with err. */
int report_merge_absorb(const char *db_path, int64_t run_id, const char *part_path,
                        uint64_t *absorbed, report_error *err);

/* The one run stored in a part file: its planned slice and stored trials,
** scenario hash and seed (to match leftover parts with a run before
** absorbing them). Returns REPORT_OK, or REPORT_EINVAL (no run, or more
** than one), REPORT_EIO, REPORT_ESCHEMA, REPORT_ENOMEM with err. hash
** receives at most hash_len - 1 characters. */
int report_merge_part_info(const char *part_path, uint64_t *first_trial, uint64_t *trials,
                           uint64_t *trials_done, uint64_t *seed, char *hash, size_t hash_len,
                           report_error *err);

/* The name of the part that stores a run's trials from `first` on beside
** the database db_path: "DB_PATH.from<FIRST>" (MPI ranks' parts; the ones
** an interrupted run leaves behind for --resume). Returns 0, or -1 when it
** does not fit in buf[n]. */
int report_merge_part_name(char *buf, size_t n, const char *db_path, uint64_t first);

/* ------------------------------------------------------------ studies
** The shards of a study (`drsim sweep ... --shard K/N`: points are the
** unit, every point a whole run tagged with its sweep id and point index)
** merge into one study: every point's run is copied whole, as it is (its
** rows and aggregates untouched, so bit for bit what the point's run
** stored), in point order, as runs of ONE sweep (id 1) of a new database.
** The same command that ran the study, with --resume 1 --db OUT and
** without --shard, then reads every point back and prints the whole study
** exactly as one machine would have (and runs a point no shard ran). */

/* 1 in *is_study when every run of the part databases is a point of a
** study (sweep id and point index set), 0 when none is. Returns REPORT_OK,
** or REPORT_EINVAL (some are, some are not; a file holds no run),
** REPORT_EIO, REPORT_ESCHEMA, REPORT_ENOMEM with err. */
int report_merge_is_study(const char *const *paths, size_t n, int *is_study, report_error *err);

/* What report_merge_study_write found and wrote. */
typedef struct report_merge_study_info {
  size_t n_points;            /* runs copied (one per point) */
  int64_t first_point, last_point;
  size_t n_incomplete;        /* of them, runs not 'complete' (resumable with --resume) */
  size_t n_missing;           /* points between first and last that no part holds */
  char *scenario_name;        /* malloc'ed; free it */
} report_merge_study_info;

/* Merge the study shards at paths[0..n) into a new database at out_path
** (refused when it exists), as described above. Checks: one sweep per
** file, the same scenario name, seed, trial count, mode, detail and drsim
** version everywhere, and no point in two parts (exit 2 material). stop as
** for report_merge_write_stoppable. Returns REPORT_OK and *info, or
** REPORT_EINVAL, REPORT_EIO, REPORT_ESCHEMA, REPORT_ENOMEM, REPORT_EINTR
** with err (nothing left under out_path). */
int report_merge_study_write(const char *const *paths, size_t n, const char *out_path,
                             volatile sig_atomic_t *stop, report_merge_study_info *info,
                             report_error *err);

#endif
