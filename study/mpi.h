/*
** study/mpi.h — `mpirun -np N drsim run ...`: the trials of a run spread
** over MPI ranks (threads inside each rank as usual), rank 0 the only one
** that touches the results database. Compiled only with -DDRSIM_MPI=ON
** (DRSIM_HAVE_MPI); every MPI call of drsim lives in study/mpi.c.
**
** Shape: rank 0 runs the command as usual. Each time it executes a run
** (study_exec_go: `run`, `run --resume`, every point of a sweep) it
** broadcasts a plan — scenario text, --set overrides, seed, trial range,
** threads — and the other ranks, which wait in a loop for plans instead of
** parsing the command line, rebuild the scenario from it (refusing a
** different text hash) and join in. The range is cut into blocks of whole
** runner chunks; block b belongs to rank b % N. Every rank runs its blocks
** on its threads; rank 0 writes the blocks in order — its own through the
** usual sink, the others' as they arrive, one block in flight per rank (so
** memory stays bounded) — and acknowledges each one, so a rank never runs
** ahead and can be told to stop. Since every trial depends only on (seed,
** trial index) and rank 0 appends the same chunks in the same order as a
** single process, the database is identical, row for row, to a one-process
** run with the same seed. When rank 0 keeps nothing (`--no-store` without
** an observer: job->discard) the ranks send each block's count and status
** only, never its records, so nothing funnels to rank 0.
**
** Stored runs without an observer (job->store_path; study/mpi_parts.c) do
** not funnel either: the range is cut into one contiguous slice of whole
** chunks per rank; rank 0 stores its slice (the run's first) in the run
** itself, every other rank stores its slice in its own part database
** (DB.from<FIRST> beside rank 0's database, or in $DRSIM_MPI_PART_DIR on
** that rank's node), a run of the same scenario, seed and detail. At the
** end rank 0 fetches the parts it cannot see (other nodes) and absorbs
** them in trial order (reports/merge.h report_merge_absorb: rows copied,
** aggregates combined): the run then holds exactly a one-process run's
** trials. A stopped run keeps every rank's finished trials: parts that do
** not continue the run's prefix stay beside the database as DB.from<FIRST>
** and `--resume` absorbs them (study/run.c), computing only the gaps.
**
** Stopping: SIGINT/SIGTERM (mpirun or scancel forward SIGTERM) stop each
** rank's workers; rank 0 stores the prefix of finished blocks, tells every
** rank to stop, and the run is 'interrupted' and resumable, as without MPI.
** A rank that fails (cannot rebuild the scenario, a trial fails) reports
** its error to rank 0, which stops the run the same way.
**
** Assumptions: the ranks run the same drsim binary on machines of the same
** architecture (results travel as raw records), and see the scenario's
** `file:` samples at the same path (a shared file system). The run's
** scenario must be exactly what its text and overrides load to: a scenario
** changed in memory (same text hash) would be rebuilt without the change,
** so before storing anything every rank compares its result for the run's
** first trial with rank 0's and refuses to work on a difference.
*/
#ifndef DRSIM_STUDY_MPI_H
#define DRSIM_STUDY_MPI_H

#ifdef DRSIM_HAVE_MPI

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "models/scenario.h"
#include "sim/runner.h"

/* What the other ranks need to join a run (study/exec.c fills it from its
** study_exec). */
typedef struct study_mpi_job {
  const model_scenario *sc;
  const char *scenario_text;          /* NULL: rank 0 computes alone */
  const char *const *overrides;
  size_t n_overrides;
  uint64_t seed;
  unsigned threads;                   /* as requested (0: each rank's cores) */
  volatile sig_atomic_t *stop_flag;   /* optional */
  int discard;                        /* 1: rank 0 needs no records (--no-store without
                                         an observer): the ranks send counts only, so
                                         nothing funnels to rank 0 */
  const char *store_path;             /* a stored run without an observer: rank 0's
                                         database; each rank stores its slice in its
                                         own part and rank 0 absorbs the parts (no
                                         records travel). NULL: records funnel to rank 0 */
  int64_t run_id;                     /* with store_path: the run being written */
  int detail;                         /* with store_path: its report_detail */
} study_mpi_job;

/* main() of an MPI build: initialise MPI; on rank 0 (or without mpirun)
** run `command` on the command line and return its exit status; on the
** other ranks serve rank 0's plans until it is done. Finalises MPI.
** Returns an exit status (3, an I/O error, when MPI cannot start). */
int study_mpi_main(int argc, char **argv, int (*command)(int argc, char **argv));

/* The trials of job with the runner configuration cfg (built by
** study_exec_go), spread over the ranks as described above; without
** other ranks, exactly sim_runner_run(cfg, delivered). On rank 0 it
** broadcasts the plan first (when job->scenario_text is NULL it cannot, and
** runs on rank 0 alone with a warning). *delivered receives the trials that
** reached cfg->sink on this rank (rank 0: a prefix of the run). Returns a
** SIM_RUNNER_* status. */
int study_mpi_exec(const study_mpi_job *job, const sim_runner_config *cfg, uint64_t *delivered);

#endif
#endif
