/* network_impl.h - the fields of populations, projections and the network, shared by the
 * network builder, the engine and the model files (not part of the public API). */
#ifndef FEARSIM_NETWORK_IMPL_H
#define FEARSIM_NETWORK_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <fearsim/experiment.h>
#include <fearsim/network.h>
#include <fearsim/neuron.h>
#include <fearsim/rng.h>
#include <fearsim/synrule.h>

#define FS_MAX_STATE 8
#define FS_ALIGN 64
/* Thread ranges start at multiples of this many neurons, so that every neuron always takes
 * the same (vector or scalar) path through a step whatever the thread count. */
#define FS_NEURON_BLOCK 8

/* Rows in a population's scratch (fs_step_ctx.scratch). */
#define FS_SCRATCH_ROWS 2

/* Values kept free after each thread's share of the per-neuron arrays of a population split
 * between threads (fs_share): two cores stepping neighbouring values of one array at once slow
 * each other by up to 75 % per neuron, and a gap of 4-8 KiB removes most of it
 * (docs/performance.md, "what a split population costs"). */
#define FS_SHARE_GAP 1024

/* What a neuron model sees for one step of a range of neurons. */
struct fs_step_ctx {
  int64_t step;
  double dt;
  double *in[FS_N_CHANNELS]; /* this step's ring slot per channel; the model adds it, then
                                zeroes it */
  double i_ext;              /* injected current during this step, A, for every neuron */
  int32_t *fired;            /* scratch of n_pad flags, zero outside [begin, end) */
  double *scratch;           /* FS_SCRATCH_ROWS rows for the model's own use, row k at
                                scratch + k stride (valid from begin to the loop's end) */
  size_t stride;             /* values from one row of scratch to the next */
  uint32_t *spikes;          /* output: ids that spiked, appended in increasing order */
  size_t n_spikes;
  /* where the range's loop may end: the padded length when the range ends the population (its
   * padding lanes are neurons at rest that nothing reads, so the loop has whole vectors and
   * no scalar tail, and every thread's part costs the same per neuron); 0 or end: end */
  size_t pad_end;
};

/* The end of the loop over a range [begin, end) (fs_step_ctx.pad_end); spikes are collected
 * only up to end. */
static inline size_t fs_loop_end(const fs_step_ctx *ctx, size_t end) {
  return ctx->pad_end > end ? ctx->pad_end : end;
}

/* Appends to ctx->spikes the ids in [begin, end) whose flag is set, looking at a block of
 * FS_NEURON_BLOCK flags at once (spikes are rare: most blocks are all zero). begin is a
 * multiple of FS_NEURON_BLOCK; padding lanes may have flags set, and are not collected. */
static inline void fs_collect_spikes(fs_step_ctx *ctx, size_t begin, size_t end) {
  const int32_t *f = ctx->fired;
  for (size_t i = begin; i < end; i += FS_NEURON_BLOCK) {
    uint64_t w[FS_NEURON_BLOCK / 2]; /* the block's flags as words: one wide load and a test */
    memcpy(w, f + i, sizeof w);
    uint64_t any = 0;
    for (size_t k = 0; k < FS_NEURON_BLOCK / 2; k++)
      any |= w[k];
    if (any == 0) continue;
    for (size_t k = i; k < i + FS_NEURON_BLOCK && k < end; k++)
      if (f[k]) ctx->spikes[ctx->n_spikes++] = (uint32_t)k;
  }
}

typedef struct fs_thread_range {
  size_t begin, end;
} fs_thread_range;

/* A thread's share of a neuron population's per-neuron arrays (state, refractory counters,
 * spike flags, scratch and ring rows). A population held by one thread keeps each array as rows
 * of n_pad values. One split between threads keeps, in each array, one block per thread: the
 * share's rows of `stride` values (its neurons, and the padding lanes for the last share), then
 * FS_SHARE_GAP values. fs_share_view gives the pointer that neuron i of the share is read at. */
typedef struct fs_share {
  size_t begin;  /* the share's first neuron */
  size_t stride; /* values in one of its rows */
  size_t gap;    /* values of the gaps before its block */
} fs_share;

struct fs_population {
  char name[FS_NAME_LEN];
  size_t index;
  bool is_input;
  size_t n;     /* neurons or input units */
  size_t n_pad; /* arrays are padded to a multiple of FS_NEURON_BLOCK */
  const fs_neuron_model *model;
  bool has_nmda; /* some projection targets its NMDA channel */
  void *params;
  void *coeff;
  double *state[FS_MAX_STATE];
  int32_t *refractory; /* steps left */
  int32_t *fired;      /* this step's spike flags, padded with zeros to n_pad */
  double *scratch;     /* FS_SCRATCH_ROWS x n_pad values a model may use within one step */
  /* input ring: ring[(slot * FS_N_CHANNELS + channel) * n_pad + neuron] */
  double *ring;
  size_t ring_len;
  fs_thread_range *range; /* per thread */
  fs_share *share;        /* neurons: per thread, where its share lies (network.c) */
  bool split;             /* neurons: held by more than one thread */
  /* inputs */
  const fs_population_spec *spec;
  uint64_t *next_spike; /* poisson: step of each unit's next spike */
  uint32_t *queue;      /* poisson: per thread range, a binary min-heap of its units by
                           (next_spike, id), in queue[range.begin .. range.end) */
  fs_rng *rng;          /* poisson: each unit's stream */
  size_t *rate_next;    /* poisson: per thread, the first change of the rate schedule (index
                           into spec->rate_step, from 1) its range has not passed yet */
  size_t train_pos;     /* spike_times: next entry of the sorted train */
  /* spikes of the current step, per thread, double-buffered by step parity */
  uint32_t *spike_buf[2];
  size_t *n_spikes[2]; /* [thread] */
  size_t spike_cap;    /* per thread */
  /* the slow state of the neurons of a population some late-phase projection targets (else
   * NULL): BDNF (relative to rest), PRP, spikes since the last slow step, plastic synapses
   * alive and at the start, and a scratch for the sum of the synapses' early change */
  double *bdnf, *prp, *esum;
  uint32_t *spike_count, *n_alive, *n_start;
};

/* The synapses of one projection whose targets one thread owns, as CSR rows keyed by the
 * presynaptic id; within a row ordered by target, then by creation. */
typedef struct fs_proj_part {
  size_t n_syn;
  uint64_t *row_start; /* n_pre + 1 */
  uint32_t *target;
  double *weight;  /* S */
  uint16_t *delay; /* steps */
  /* NMDA synapse agents (receptor nmda only, else NULL): each keeps its drug-blocked
   * fraction, its gating traces (rise and decay, peak-normalised) and the blocker
   * concentration as of its last transmitter arrival, at step t_last */
  double *block, *x_rise, *x_decay, *conc;
  int64_t *t_last;
  /* plastic synapses (NULL otherwise), one record of the projection's rule each
   * (rule->record_size bytes, include/fearsim/synrule.h): a synapse is reached in random order
   * through the post -> synapse index, so its state sits in one record */
  void *plast;
  /* post -> synapse index: the synapses onto target j of this part are
   * bkw[bkw_start[j - begin]] .. bkw[bkw_start[j - begin + 1] - 1] */
  uint64_t *bkw_start, *bkw;
} fs_proj_part;

struct fs_projection {
  char name[FS_NAME_LEN * 2 + 4];
  const fs_projection_spec *spec;
  fs_population *pre, *post;
  fs_channel channel;
  fs_proj_part *part; /* per thread */
  uint64_t n_syn;
  uint16_t same_delay; /* the delay in steps of every synapse, or 0 if they differ */
  bool nmda_agents;    /* the synapses carry NMDA receptors (receptor nmda or ampa_nmda) */
  bool plastic;
  bool late;               /* plastic with a late phase */
  const fs_synrule *rule;  /* the plasticity rule (plastic only) */
  const void *rule_params; /* its parameters */
  void *rule_coeff;        /* what it precomputed for the step (NULL: nothing) */
};

struct fs_network {
  const fs_experiment_spec *spec;
  size_t n_threads;
  double dt;
  fs_population *pops;
  size_t n_pops;
  fs_projection *projs;
  size_t n_projs;
  size_t max_delay; /* steps */
};

/* Thread u's spikes of a step of parity: the spike-times inputs are played by thread 0 for the
 * whole population, every other population's thread writes at the start of its range. */
static inline const uint32_t *fs_population_spikes(const fs_population *pop, int parity, size_t u) {
  bool whole = pop->is_input && pop->spec->input == FS_INPUT_SPIKE_TIMES;
  return pop->spike_buf[parity] + (whole ? 0 : pop->range[u].begin);
}

/* Where the loop over range r of pop ends: the padded length for the range that ends the
 * population (fs_step_ctx.pad_end: its padding lanes are the last share's), else the range's
 * end. */
static inline size_t fs_range_loop_end(const fs_population *pop, fs_thread_range r) {
  return r.end == pop->n && r.begin < r.end ? pop->n_pad : r.end;
}

/* Thread t's view of one of pop's per-neuron arrays (base) of `rows` rows: the value of row r for
 * neuron i of t's share is at view[r * pop->share[t].stride + i]. The share's block starts at
 * rows x begin + gap, so the view lies within the array whenever the share is not empty. */
static inline size_t fs_share_offset(const fs_population *pop, size_t t, size_t rows) {
  const fs_share *s = &pop->share[t];
  return (rows - 1) * s->begin + s->gap;
}
static inline double *fs_share_view(const fs_population *pop, size_t t, double *base, size_t rows) {
  return base + fs_share_offset(pop, t, rows);
}

/* The rows of pop's input ring. */
static inline size_t fs_ring_rows(const fs_population *pop) {
  return pop->ring_len * FS_N_CHANNELS;
}

/* For one thread's part of a projection, the index in the part of each of its synapses in
 * canonical (post, pre) order, and each one's presynaptic id; FS_ERR_NOMEM on failure. */
fs_status fs_network_canonical_order(const fs_projection *proj, size_t t, uint64_t *order,
                                     uint32_t *pre_of);

#endif
