/* checkpoint_impl.h - what the checkpoint module asks of the modules whose state it saves:
 * each one lists its mutable arrays in one function that either saves them into the record's
 * checkpoint slot or restores them from it, so that saving and restoring cannot drift apart.
 * Arrays are written in an order that does not depend on the thread count (per neuron, or per
 * synapse in the canonical (post, pre) order), so a run may resume with other threads. */
#ifndef FEARSIM_CHECKPOINT_IMPL_H
#define FEARSIM_CHECKPOINT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <fearsim/engine.h>
#include <fearsim/network.h>
#include <fearsim/observer.h>
#include <fearsim/record.h>

typedef struct fs_ckpt_io {
  fs_record *rec;
  bool restore; /* false: save into the slot being written; true: read the valid slot */
} fs_ckpt_io;

/* n values at data: saved, or restored (the checkpoint must hold exactly n). */
fs_status fs_ckpt_array(const fs_ckpt_io *io, const char *name, fs_record_type type, void *data,
                        size_t n, fs_error *err);

/* An array of which only the first *n of cap values matter (the others are 0): saved as *n
 * values, or restored into data (at most cap values; *n receives the count, the rest of data is
 * left as it is). */
fs_status fs_ckpt_prefix(const fs_ckpt_io *io, const char *name, fs_record_type type, void *data,
                         size_t *n, size_t cap, fs_error *err);

/* The network's state (sim/network.c): neurons, ring buffers, inputs and their random streams,
 * synapse agents (drug block, plasticity) and the slow state of neurons; a fingerprint of the
 * synapses (pre, post, weight, delay) makes a restore refuse a network built differently. */
fs_status fs_network_checkpoint(fs_network *net, const fs_ckpt_io *io, fs_error *err);

/* The engine's state (sim/engine.c): its clock, the drugs as last refreshed, statistics, and
 * its observer's. */
fs_status fs_engine_checkpoint(fs_engine *eng, const fs_ckpt_io *io, fs_error *err);

/* The observer's state (sim/observer.c): the last row and snapshot written, rate bins and
 * trial counts. */
fs_status fs_observer_checkpoint(fs_observer *obs, const fs_ckpt_io *io, fs_error *err);

#endif
