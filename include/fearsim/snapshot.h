/* snapshot.h - the full synaptic state of a network at one time (/snapshots/<k>/<projection>/):
 * every synapse in canonical (post, pre) order with its pre and post ids, weight, NMDA block
 * (synapses with NMDA receptors), consolidated state z and tag (late phase), alive (a spine
 * pool), and the fields its plasticity rule marks for snapshots, each with units. */
#ifndef FEARSIM_SNAPSHOT_H
#define FEARSIM_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include <fearsim/error.h>
#include <fearsim/network.h>
#include <fearsim/nmda.h>
#include <fearsim/pharm.h>
#include <fearsim/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a snapshot reads: the network, the record it writes into, and the engine's NMDA kinetics
 * per projection and drug effects per population (thread 0's, as last refreshed), which a
 * plastic synapse needs to be brought to the snapshot's time. */
typedef struct fs_snapshot_ctx {
  const fs_network *net;
  fs_record *rec;
  const fs_nmda_kinetics *kin;
  const fs_nmda_mod *mod;
} fs_snapshot_ctx;

/* Writes snapshot number index of the state at step now; the run is left as it was. On
 * failure err says which dataset could not be written. */
fs_status fs_snapshot_write(const fs_snapshot_ctx *c, size_t index, int64_t now, fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
