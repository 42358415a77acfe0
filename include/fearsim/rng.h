/* rng.h - a counter-based random generator (Philox4x32-10, Salmon et al. 2011) keyed by
 * (seed, stream, counter). A stream belongs to an agent (a neuron, a synapse row, an input),
 * never to a thread, so results are bit-identical for any number of threads or ranks. */
#ifndef FEARSIM_RNG_H
#define FEARSIM_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a stream is for; the purpose occupies the top 8 bits of a stream id so that the
 * streams of different purposes never collide. */
typedef enum fs_rng_purpose {
  FS_RNG_CONNECT = 1, /* connectivity, weights and delays of one projection's target */
  FS_RNG_INIT = 2,    /* initial state of one neuron */
  FS_RNG_INPUT = 3,   /* spike train of one input unit */
  FS_RNG_PLASTIC = 4, /* noise of one synapse's plasticity */
  FS_RNG_SUBJECT = 5, /* per-subject parameter variation */
  FS_RNG_SPINES = 6   /* spine turnover of one neuron's synapses of one projection */
} fs_rng_purpose;

/* One agent's sequence of draws. 48 bytes; copy it freely. */
typedef struct fs_rng {
  uint64_t seed;
  uint64_t stream;
  uint64_t counter; /* index of the next block of four 32-bit words */
  uint32_t buf[4];
  uint32_t used; /* words of buf already consumed (4 = empty) */
} fs_rng;

/* stream = purpose << 56 | group << 40 | index (group: a population or projection number,
 * 16 bits; index: the agent within it, 40 bits). */
inline uint64_t fs_rng_stream_id(fs_rng_purpose purpose, uint32_t group, uint64_t index) {
  return ((uint64_t)purpose << 56) | ((uint64_t)(group & 0xFFFFu) << 40) |
         (index & 0xFFFFFFFFFFull);
}

/* A fresh stream at counter 0 (or at a given counter, to resume). Inline (rng.c keeps the
 * library's external definitions): a plastic synapse makes its noise stream at every update,
 * and a call returning the struct through memory cost more than the update's arithmetic. */
inline fs_rng fs_rng_make(uint64_t seed, uint64_t stream, uint64_t counter) {
  fs_rng r = {seed, stream, counter, {0, 0, 0, 0}, 4};
  return r;
}

/* The Philox4x32-10 block for (key, counter), exposed for the known-answer test. */
void fs_rng_philox4x32(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4]);

uint32_t fs_rng_u32(fs_rng *r);
double fs_rng_uniform(fs_rng *r);             /* in (0, 1): never 0, never 1; 53 random bits */
double fs_rng_normal(fs_rng *r);              /* standard normal (Box–Muller, no cached pair) */
double fs_rng_exponential(fs_rng *r);         /* mean 1 */
uint64_t fs_rng_below(fs_rng *r, uint64_t n); /* uniform in [0, n), unbiased; n > 0 */

/* Number of failures before the first success of Bernoulli(p) trials, 0 < p <= 1
 * (geometric); returns UINT64_MAX for p == 0. */
uint64_t fs_rng_geometric(fs_rng *r, double p);

/* log(1 - p) for fs_rng_geometric_from_log: -inf for p >= 1, 0 for p <= 0. */
double fs_rng_geometric_log_q(double p);

/* The draw of fs_rng_geometric(r, p), bit for bit, from log_q = fs_rng_geometric_log_q(p):
 * for many draws with one p, without its logarithm at every draw. */
uint64_t fs_rng_geometric_from_log(fs_rng *r, double log_q);

#ifdef __cplusplus
}
#endif
#endif
