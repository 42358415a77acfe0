/* synrule_impl.h - what a synapse rule's hooks see of a projection (include/fearsim/synrule.h):
 * the environment one thread builds for one plastic projection, and the record of a synapse. */
#ifndef FEARSIM_SYNRULE_IMPL_H
#define FEARSIM_SYNRULE_IMPL_H

#include <fearsim/nmda.h>
#include <fearsim/synrule.h>

#include "network_impl.h"

struct fs_synrule_env {
  const fs_synrule *rule;
  const void *params;          /* the rule's parameter struct */
  const void *coeff;           /* what it precomputed for the step (NULL: nothing) */
  const fs_nmda_kinetics *kin; /* the projection's NMDA gating (NULL without NMDA receptors) */
  double dt;
  uint64_t seed;
  uint32_t proj;      /* projection index, for the rule's noise streams */
  uint64_t n_pre;     /* presynaptic population size, for the noise streams */
  double nmda_factor; /* antagonist * glycine-site gain on NMDA receptors now */
  uint64_t *dropped;  /* events a rule had to drop (it says which in its file) */
};

/* What thread-local plastic synapses of projection k of net see: the projection's NMDA
 * kinetics kin and the drugs mod at its target population; dropped counts what the rule drops. */
static inline fs_synrule_env fs_synrule_env_make(const fs_network *net, size_t k,
                                                 const fs_nmda_kinetics *kin,
                                                 const fs_nmda_mod *mod, uint64_t *dropped) {
  const fs_projection *proj = &net->projs[k];
  fs_synrule_env e = {.rule = proj->rule,
                      .params = proj->rule_params,
                      .coeff = proj->rule_coeff,
                      .kin = proj->nmda_agents ? kin : NULL,
                      .dt = net->dt,
                      .seed = net->spec->seed,
                      .proj = (uint32_t)k,
                      .n_pre = proj->pre->n,
                      .nmda_factor = mod->antagonist * mod->gain,
                      .dropped = dropped};
  return e;
}

/* Synapse s's record in a part. */
static inline void *fs_synrule_rec(const fs_proj_part *part, size_t rec_size, uint64_t s) {
  return (unsigned char *)part->plast + s * rec_size;
}

/* Is synapse s alive (a rule without a late phase has every synapse alive)? */
static inline bool fs_synrule_alive(const fs_synrule *rule, const fs_proj_part *part, uint64_t s) {
  if (rule->late == NULL) return true;
  return ((const uint8_t *)fs_synrule_rec(part, rule->record_size, s))[rule->late->alive_offset] !=
         0;
}

/* A synapse of a late-phase rule forms (alive) or is eliminated. */
static inline void fs_synrule_set_alive(const fs_synrule *rule, fs_proj_part *part, uint64_t s,
                                        bool alive) {
  ((uint8_t *)fs_synrule_rec(part, rule->record_size, s))[rule->late->alive_offset] = alive;
}

/* Synapse s's consolidated state z (late-phase rules only). */
static inline double *fs_synrule_z(const fs_synrule *rule, const fs_proj_part *part, uint64_t s) {
  return (double *)((unsigned char *)fs_synrule_rec(part, rule->record_size, s) +
                    rule->late->z_offset);
}

/* Adds, for each synapse alive of a part in the order of s, each of its means' values
 * (means_of) to acc[f * n_pad + target] and 1 to acc[n_means * n_pad + target]: the sums
 * behind a plastic projection's timeline. The observer calls it with rule->means_of; a rule's
 * sum_means hook calls it with its own static means_of, which the compiler then inlines. */
static inline __attribute__((always_inline)) void
fs_synrule_sum_means_of(const fs_synrule *rule, const void *params, const fs_proj_part *part,
                        void (*means_of)(const void *, const void *, double, double *),
                        double *restrict acc, size_t n_pad) {
  const size_t n_means = rule->n_means;
  double value[FS_SYNRULE_MAX_MEANS];
  for (uint64_t s = 0; s < part->n_syn; s++) {
    if (!fs_synrule_alive(rule, part, s)) continue;
    size_t j = part->target[s];
    means_of(params, fs_synrule_rec(part, rule->record_size, s), part->weight[s], value);
    for (size_t f = 0; f < n_means; f++)
      acc[f * n_pad + j] += value[f];
    acc[n_means * n_pad + j] += 1.0;
  }
}

#endif
