/*
** study/trials.h — the trials of a scenario as the Monte Carlo runner
** (sim/runner.h) sees them: one worker per thread running the scenario's
** model (disaster or lifetime mode), a trial's record of
** model_outcome_size(sc) bytes. The bottom of study/: exec.c and mpi.c
** build their runner configurations from it.
*/
#ifndef DRSIM_STUDY_TRIALS_H
#define DRSIM_STUDY_TRIALS_H

#include <stdint.h>
#include "models/scenario.h"
#include "sim/runner.h"

/* What every worker is built from; must outlive the run. */
typedef struct study_trials {
  const model_scenario *sc;
  uint64_t seed;
} study_trials;

/* Trials per runner chunk: big enough to amortise one SQLite transaction
** per chunk, small enough that a kill loses little and memory stays flat. */
#define STUDY_TRIALS_CHUNK 2048

/* Fill the model side of cfg from t: chunk, result_size, worker_new,
** worker_free, worker_arg (= t) and trial. The trial range, threads, sink,
** progress and stop flag are the caller's. */
void study_trials_config(study_trials *t, sim_runner_config *cfg);

/* Threads actually used for a requested count (0: all cores). */
unsigned study_trials_threads(unsigned requested);

#endif
