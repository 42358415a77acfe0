/* observer.h - what a run keeps of itself, apart from the engine that advances it: spikes and
 * population rates, the timeline (drug concentrations, NMDA block, the means of every plastic
 * projection's rule, BDNF, PRP, spines), the protocol's trials with their freezing score, and
 * snapshots of every synapse. The engine calls the observer at fixed points of each step
 * (fs_observer_step); the observer decides what to keep and writes it through the record. Every
 * sum is taken per neuron by the thread that owns it and added in neuron order, so what is
 * written does not depend on the thread count. */
#ifndef FEARSIM_OBSERVER_H
#define FEARSIM_OBSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fearsim/error.h>
#include <fearsim/network.h>
#include <fearsim/nmda.h>
#include <fearsim/pharm.h>
#include <fearsim/record.h>
#include <fearsim/record_checkpoint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_observer fs_observer;

/* Where in a run the engine calls fs_observer_step. */
typedef enum fs_observe_point {
  /* thread 0, at every fast step once every thread's spikes of the step are known (before
   * they are delivered): the timeline row due at the step, spikes, rates and trials */
  FS_OBSERVE_SPIKES,
  /* every thread, for its own neurons and synapses, when step is complete and a timeline row
   * falls due at it (fs_observer_row_due): the sums for that row (then FS_OBSERVE_SPIKES of
   * step or FS_OBSERVE_SYNC writes it) */
  FS_OBSERVE_SUMS,
  /* thread 0 while the other threads wait, once the sums of step are taken: the row and the
   * snapshot due at step, if any (a slow phase's events and a fast phase's end) */
  FS_OBSERVE_SYNC,
  /* thread 0 while the other threads wait, in a fast phase, when a snapshot falls due at step
   * (fs_observer_snapshot_due) */
  FS_OBSERVE_SNAPSHOT,
} fs_observe_point;

/* An observer of a run of net, writing into rec (NULL: keep nothing, count nothing but the
 * trials). The engine owns kin[projection] (NMDA kinetics) and mod[population] (thread 0's
 * drug effects at the receptors, as last refreshed), which snapshots need. On failure *out is
 * NULL, nothing is leaked, and err says why. */
fs_status fs_observer_create(const fs_network *net, fs_record *rec, const fs_nmda_kinetics *kin,
                             const fs_nmda_mod *mod, fs_observer **out, fs_error *err);
void fs_observer_free(fs_observer *obs); /* NULL is a no-op */

/* Writes the rows and the snapshot of step 0 (before the first step of a run). */
void fs_observer_start(fs_observer *obs);

/* The engine is at point at of step (in phase ph), on thread t. */
void fs_observer_step(fs_observer *obs, fs_observe_point at, size_t t, size_t ph, int64_t step);

/* Is a row of the timeline due at step of phase ph (its row interval, or its end)? */
bool fs_observer_row_due(const fs_observer *obs, size_t ph, int64_t step);

/* In a slow phase, the first step after now at which a row or a snapshot is due, at most stop. */
int64_t fs_observer_next_event(const fs_observer *obs, int64_t now, int64_t stop);

/* Is a snapshot due at step? */
bool fs_observer_snapshot_due(const fs_observer *obs, int64_t step);

/* Going on from step within a fast phase (after a pause or a resume): the sums of the row due
 * at step are taken again from the state, which they depend on alone. */
void fs_observer_resume(fs_observer *obs, int64_t step);

/* Without a network: the row of the timeline at step (drugs only). */
void fs_observer_drug_row(fs_observer *obs, int64_t step);

/* FS_OK, or the first error of the record since the start (and *err its message). */
fs_status fs_observer_get_status(const fs_observer *obs, fs_error *err);

/* Writes /trials and /rates at the end of a run; on failure err names the dataset (the file
 * is then incomplete and must not be renamed). */
fs_status fs_observer_finish(fs_observer *obs, fs_error *err);

/* Saves or restores (io->restore) the observer's state: the last row and snapshot written,
 * rate bins and trial counts. On a restore, an
 * array of another size or a missing one is FS_ERR_INPUT and the state is left partly restored
 * (the run must not go on); a record error is FS_ERR_HDF5. */
fs_status fs_observer_checkpoint(fs_observer *obs, const fs_record_checkpoint_io *io,
                                 fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
