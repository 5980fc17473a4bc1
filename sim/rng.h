/*
** sim/rng.h — per-trial random streams.
**
** Every random draw of a trial comes from a GSL generator seeded from
** (run seed, trial index, stream id) alone, so a trial's draws never depend
** on which thread ran it, how many threads there are, or which trials ran
** before. Models use one stream per entity (per step, per component), so
** changing one entity's parameters does not shift another entity's draws
** (common random numbers across the points of a sweep).
**
** The generator is GSL's taus2 (period ~2^88, seeded in nanoseconds). The
** whole state (three 32-bit words) is filled from a 64-bit SplitMix64 chain
** over the three inputs, not from gsl_rng_set()'s 32-bit seed, so distinct
** (seed, trial, stream) triples do not collide the way 32-bit seeds would
** after ~65 000 streams. See sim/rng.c for the derivation.
*/
#ifndef DRSIM_SIM_RNG_H
#define DRSIM_SIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* Allocate a generator of the type drsim uses for trial streams. Free with
** gsl_rng_free(). Returns NULL when out of memory. */
gsl_rng *sim_rng_alloc(void);

/* Reseed r (from sim_rng_alloc) for stream `stream` of trial `trial` of a run
** with seed `run_seed`. Cheap: call it once per trial per stream. */
void sim_rng_seed(gsl_rng *r, uint64_t run_seed, uint64_t trial, uint64_t stream);

/* The 64-bit mixing function used by sim_rng_seed (exposed for tests and
** documentation): SplitMix64 applied to run_seed, then folded with trial,
** then with stream. Distinct inputs give well-spread outputs. */
uint64_t sim_rng_mix(uint64_t run_seed, uint64_t trial, uint64_t stream);

/* A stable 64-bit stream id from a name (FNV-1a), e.g.
** sim_rng_stream_id("step:production/approve-failover"). */
uint64_t sim_rng_stream_id(const char *name);

#endif
