/* network.h - populations, projections and synapse agents, built from a validated
 * experiment. State is stored as structure of arrays; synapses live with the thread that
 * owns their postsynaptic neuron, so threads never write each other's memory. */
#ifndef FEARSIM_NETWORK_H
#define FEARSIM_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include <fearsim/error.h>
#include <fearsim/record_checkpoint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_network fs_network;
typedef struct fs_projection fs_projection;
struct fs_experiment_spec;

typedef struct fs_memory_estimate {
  double synapses;  /* expected number of synapses */
  double bytes;     /* expected memory of the network at its peak: held + build + growing */
  double held;      /* what the network holds for the whole run: neurons, synapses, rings */
  double build;     /* what building it needs besides, freed before the run starts */
  double growing;   /* the part that grows with the duration: rate bins, input spike trains */
  double available; /* bytes the machine has available now */
} fs_memory_estimate;

/* Estimates the network's memory from the spec alone, before anything is allocated. */
void fs_network_estimate(const struct fs_experiment_spec *spec, size_t n_threads,
                         fs_memory_estimate *out);

/* FS_ERR_INPUT `the network needs about 31.2 GiB (1.1e9 synapses), more than the 22.8 GiB
 * this machine has available` when the estimate exceeds what the machine has; when most of
 * it grows with the duration the message says how much (`..., of which 7.5 GiB grows with the
 * duration: rate bins and input spike trains`). */
fs_status fs_network_check_memory(const struct fs_experiment_spec *spec, size_t n_threads,
                                  fs_error *err);

/* Builds populations, projections and synapse agents for n_threads threads; the result is
 * the same for any n_threads. On failure *out is NULL, nothing is leaked, err says why. */
fs_status fs_network_create(const struct fs_experiment_spec *spec, size_t n_threads,
                            fs_network **out, fs_error *err);
void fs_network_free(fs_network *net); /* NULL is a no-op */

uint64_t fs_network_synapse_count(const fs_network *net);

/* The experiment the network was built from, in *out (never fails). */
fs_status fs_network_get_spec(const fs_network *net, const struct fs_experiment_spec **out);

/* The synapses of projection k as (pre, post, weight S, delay s) in a canonical order
 * (by post, then pre), whatever the thread count; arrays of fs_network_projection_size(k). */
uint64_t fs_network_projection_size(const fs_network *net, size_t k);
fs_status fs_network_get_synapses(const fs_network *net, size_t k, uint32_t *pre, uint32_t *post,
                                  double *weight, double *delay, fs_error *err);

/* The drug-blocked fraction of every synapse of projection k, in the same canonical order,
 * each as of its last transmitter arrival (0 for a projection without NMDA agents). */
fs_status fs_network_get_nmda_block(const fs_network *net, size_t k, double *block, fs_error *err);

/* Field name of the plasticity rule's record (include/fearsim/synrule.h) of every synapse of
 * projection k, as a double, in the same canonical order, each as of its last update;
 * FS_ERR_INPUT if the projection is not plastic or its rule has no such field. */
fs_status fs_network_get_synapse_field(const fs_network *net, size_t k, const char *name,
                                       double *out, fs_error *err);

/* Saves or restores (io->restore) the network's state: neurons, ring buffers, inputs and their
 * random streams, synapse agents (drug block, plasticity) and the slow state of neurons; a
 * fingerprint of the synapses (pre, post, weight, delay) makes a restore refuse a network built
 * differently (FS_ERR_INPUT). On a restore, an
 * array of another size or a missing one is FS_ERR_INPUT and the state is left partly restored
 * (the run must not go on); a record error is FS_ERR_HDF5. */
fs_status fs_network_checkpoint(fs_network *net, const fs_record_checkpoint_io *io, fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
