/* slow_impl.h - the slow clock over a network (include/fearsim/consolidation.h): one thread's
 * share of a slow step, for the neurons it owns and their incoming late-phase synapses. Every
 * random draw comes from a stream keyed by (projection, neuron) and the step's end, and every
 * sum runs over a neuron's synapses in canonical order, so the result does not depend on the
 * thread count. */
#ifndef FEARSIM_SLOW_IMPL_H
#define FEARSIM_SLOW_IMPL_H

#include <fearsim/pharm.h>

#include "network_impl.h"
#include "synrule_impl.h"

typedef struct fs_slow_ctx {
  fs_network *net;
  const fs_pharmacology *pharm; /* NULL: no drugs */
  const fs_block_coeffs *bc;    /* [population] */
  const fs_synrule_env *env;    /* [projection]: this thread's environment of each plastic one */
  size_t t;                     /* the thread */
  uint64_t *pool_empty;         /* spines that could not form: the neuron's reserve was used up */
} fs_slow_ctx;

/* Advances the slow state of thread c->t's neurons from step `from` to step `to`: brings their
 * late-phase synapses to `to`, then BDNF, PRP, capture and spine turnover over the interval. */
void fs_slow_step(const fs_slow_ctx *c, int64_t from, int64_t to);

/* The equilibrium block at rest of population pop's NMDA receptors at time t (s): what the
 * eEF2 pathway sees. */
double fs_slow_block_at_rest(const fs_slow_ctx *c, size_t pop, double t);

/* The same for a population with block coefficients bc at resting potential v_rest (V), without
 * a slow context (the observer writes it to /timeline); 0 without drugs (ph NULL). */
double fs_slow_block_rest(const fs_pharmacology *ph, const fs_block_coeffs *bc, size_t pop,
                          double v_rest, double t);

#endif
