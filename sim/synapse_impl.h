/* synapse_impl.h - the plastic synapse agents of a projection part (arrays of
 * network_impl.h), brought up to date by the engine at presynaptic and postsynaptic events. */
#ifndef FEARSIM_SYNAPSE_IMPL_H
#define FEARSIM_SYNAPSE_IMPL_H

#include <fearsim/plasticity.h>
#include <fearsim/synapse.h>

#include "network_impl.h"

/* What a plastic synapse of one projection needs to be advanced by one thread. */
typedef struct fs_plastic_env {
  const fs_gb_params *gb;
  const fs_nmda_kinetics *kin; /* the projection's NMDA gating, for post_glu */
  double dt;
  uint64_t seed;
  uint32_t proj;      /* projection index, for the noise streams */
  uint64_t n_pre;     /* presynaptic population size, for the noise streams */
  double nmda_factor; /* antagonist * glycine-site gain on the presynaptic calcium now */
  int64_t delay_pre;  /* D in steps */
  uint64_t *dropped;  /* presynaptic jumps dropped because FS_PEND_MAX were pending */
} fs_plastic_env;

/* Brings synapse s (calcium, efficacy) to step to, applying the presynaptic calcium jumps
 * due by then; to is not before the synapse's last update. */
void fs_plastic_advance(fs_proj_part *part, uint64_t s, int64_t to, const fs_plastic_env *e);

/* The state synapse s would have at step to, without changing it (for snapshots, so that
 * taking one does not alter the run). */
fs_gb_state fs_plastic_peek(const fs_proj_part *part, uint64_t s, int64_t to,
                            const fs_plastic_env *e);

/* A presynaptic spike emitted at step emit: the synapse is brought to emit and its calcium
 * jump scheduled at step jump_at (arrival + D). */
void fs_plastic_pre(fs_proj_part *part, uint64_t s, int64_t emit, int64_t jump_at,
                    const fs_plastic_env *e);

/* A postsynaptic spike at step at: the synapse is brought to it and calcium jumps by c_post
 * (its NMDA share scaled by availability and, with post_glu, by the synapse's gating). */
void fs_plastic_post(fs_proj_part *part, uint64_t s, int64_t at, const fs_plastic_env *e);

#endif
