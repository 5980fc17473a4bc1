/*
** sim/rng.c — per-trial random streams: GSL's taus2 seeded from
** (run seed, trial, stream) through SplitMix64; see sim/rng.h.
**
** Derivation. taus2 (L'Ecuyer 1996, "Maximally equidistributed combined
** Tausworthe generators") keeps three 32-bit words s1, s2, s3 (stored by GSL
** as three unsigned longs). Its recurrences ignore the low 1, 3 and 4 bits of
** s1, s2 and s3, so the effective state is 31 + 29 + 28 = 88 bits; each
** component is a full-period LFSR on its nonzero effective states (hence
** s1 >= 2, s2 >= 8, s3 >= 16), and since 2^31-1, 2^29-1 and 2^28-1 are
** pairwise coprime every valid state lies on one cycle of length ~2^88.
**
** gsl_rng_set() reaches only 2^32 of those states (its seed is an unsigned
** long pushed through a 32-bit LCG), so two of ~10^5 trial streams collide
** with probability ~1. Instead, with f the SplitMix64 output function:
**   z  = f(f(run_seed) ^ trial) ^ stream         a SplitMix64 state
**   v1 = f(z) = sim_rng_mix(run_seed, trial, stream), v2 = f(z + gamma)
**        (the first two outputs of the SplitMix64 sequence from z)
**   s1 bits 31..1 = v1 bits 63..33, s2 bits 31..3 = v1 bits 32..4,
**   s3 bits 31..4 = v1 bits 3..0 followed by v2 bits 63..40.
** v1 is the 64-bit key and all 64 of its bits land in effective state bits,
** so distinct keys give distinct 88-bit states (except when a component
** comes out all-zero, probability < 2^-27, where it is replaced by the
** sequence's next outputs). v1 and v2 depend on z alone, so the two run in
** parallel: the dependent chain of a seeding is three applications of f
** (each two multiplies deep), not five; latency, not instruction count, is
** what seeding ~20 streams a trial costs.
**
** No warm-up. GSL's own taus_set discards six outputs after seeding because
** it fills the state from a 32-bit LCG (69069 x), so the states of nearby
** seeds are related and their first outputs would be too; the discarded
** steps spread those few seed bits over the words. Here every effective
** state bit is a SplitMix64 output bit (uniform, and unrelated between
** neighbouring keys by the finaliser's avalanche): the state is already a
** pseudo-random point of the cycle. A step of the generator is a bijection
** of the state space, so stepping a uniformly distributed state (or a tuple
** of independent ones, one per stream) six times leaves it exactly as
** distributed as before: the warm-up cannot improve the draws, and it cost
** two thirds of the seeding, which runs ~20 times a trial.
** (tests/test_sim_rng.c test_uniformity checks the first output of
** consecutive trials: mean, variance, lag-1 correlation.)
**
** sim_rng_mix is SplitMix64's finaliser (a bijection of 64-bit words) applied
** as h = f(f(f(run_seed) ^ trial) ^ stream): for a fixed run seed it is
** injective in trial for a fixed stream and in stream for a fixed trial; two
** arbitrary (trial, stream) pairs collide with probability ~2^-64.
**
** Why the streams are independent enough: the states of different streams are
** distinct points on one cycle of length ~2^88 at pseudo-random offsets. A
** trial draws at most a few hundred numbers per stream, so two of N streams
** overlap only if their offsets lie within that distance: probability about
** N^2 * 500 / 2^88, i.e. 2e-12 for N = 10^6 streams and 2e-6 for 10^9.
** Within a stream, taus2 is maximally equidistributed; like every linear
** (GF(2)) generator it fails linear-complexity and matrix-rank tests, which do
** not bear on sampling durations. The mixer removes the correlations between
** neighbouring seeds that plain sequential seeding of an LFSR would give.
*/
#include "sim/rng.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijection with good
** avalanche; the golden-gamma increment makes f(0) != 0. */
static uint64_t splitmix64(uint64_t z) {
  z += GOLDEN_GAMMA;
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* Built here rather than by gsl_rng_alloc(), which on a failed allocation
** calls GSL's error handler (by default: abort the process) instead of
** returning NULL. The same two allocations as gsl_rng_alloc(), so
** gsl_rng_free() releases it. */
gsl_rng *sim_rng_alloc(void) {
  const gsl_rng_type *type = gsl_rng_taus2;
  gsl_rng *r = malloc(sizeof *r);
  if (!r) return NULL;
  r->state = calloc(1, type->size);
  if (!r->state) {
    free(r);
    return NULL;
  }
  r->type = type;
  gsl_rng_set(r, gsl_rng_default_seed);
  return r;
}

/* The SplitMix64 state z of the derivation above. */
static inline uint64_t chain_state(uint64_t run_seed, uint64_t trial, uint64_t stream) {
  return splitmix64(splitmix64(run_seed) ^ trial) ^ stream;
}

uint64_t sim_rng_mix(uint64_t run_seed, uint64_t trial, uint64_t stream) {
  return splitmix64(chain_state(run_seed, trial, stream));
}

/* Mirrors GSL's taus_state_t (rng/taus.c). */
typedef struct taus_state {
  unsigned long s1, s2, s3;
} taus_state;

void sim_rng_seed(gsl_rng *r, uint64_t run_seed, uint64_t trial, uint64_t stream) {
  /* Called ~20 times a trial: read the public gsl_rng fields directly rather
  ** than through gsl_rng_size()/gsl_rng_state() (library calls). */
  if (r->type != gsl_rng_taus2 || r->type->size != sizeof(taus_state)) {
    /* The layout above is an assumption about GSL internals; writing through
    ** it into anything else would corrupt memory. */
    fprintf(stderr, "%s:%d: sim_rng_seed: generator is %s with a %zu-byte state, "
            "expected taus2 with %zu bytes\n", __FILE__, __LINE__, gsl_rng_name(r),
            gsl_rng_size(r), sizeof(taus_state));
    abort();
  }
  uint64_t z = chain_state(run_seed, trial, stream);
  uint64_t v1 = splitmix64(z); /* == sim_rng_mix(run_seed, trial, stream) */
  uint64_t v2 = splitmix64(z + GOLDEN_GAMMA);
  uint32_t s1 = (uint32_t)(v1 >> 33) << 1;
  uint32_t s2 = (uint32_t)((v1 >> 4) & 0x1fffffffu) << 3;
  uint32_t s3 = ((uint32_t)(v1 & 0xfu) << 24 | (uint32_t)(v2 >> 40)) << 4;
  /* Degenerate components (all effective bits zero): refill from the chain. */
  uint64_t extra = z + GOLDEN_GAMMA;
  while (s1 < 2) s1 = (uint32_t)splitmix64(extra += GOLDEN_GAMMA) & ~1u;
  while (s2 < 8) s2 = (uint32_t)splitmix64(extra += GOLDEN_GAMMA) & ~7u;
  while (s3 < 16) s3 = (uint32_t)splitmix64(extra += GOLDEN_GAMMA) & ~15u;

  /* Three scalar stores: built as a struct on the stack and copied whole,
  ** the compiler stored two words and reloaded them as one 16-byte vector,
  ** a store-forwarding stall that cost a third of this function's time. */
  unsigned long w1 = s1, w2 = s2, w3 = s3;
  unsigned char *state = r->state;
  memcpy(state + offsetof(taus_state, s1), &w1, sizeof w1);
  memcpy(state + offsetof(taus_state, s2), &w2, sizeof w2);
  memcpy(state + offsetof(taus_state, s3), &w3, sizeof w3);
}

uint64_t sim_rng_stream_id(const char *name) {
  uint64_t h = UINT64_C(14695981039346656037);
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    h ^= *p;
    h *= UINT64_C(1099511628211);
  }
  return h;
}
