/* checkpoint.h - checkpoint and resume of a run. The whole mutable state of a run goes into
 * its OUT.h5.partial under /checkpoint: neuron state, ring buffers of delayed spikes, the
 * synapse agents (drug block, plasticity, spines), the slow state of neurons (BDNF, PRP), the
 * counters of every random stream, the drugs as the synapses last saw them, the engine's clock
 * and protocol position (step, trial, rate bins, trial counts) and the record's positions (rows
 * of every appendable dataset, spikes and values still buffered). `fearsim resume
 * OUT.h5.partial` loads the experiment again (its path and overrides are in the checkpoint),
 * builds the network (deterministic from the seed), restores that state and goes on; an
 * interrupted and resumed run writes the same datasets bit for bit as an uninterrupted one,
 * with any thread count, since every array is kept per neuron or per synapse in canonical
 * (post, pre) order. Not saved, because they are not state: the pharmacokinetics (a closed-form
 * function of time, fixed once the dosing plan is read), the protocol (expanded into the
 * experiment's phases and rate plans), scratch arrays, and the sums behind the timeline (taken
 * again from the state).
 *
 * A checkpoint is written at the experiment's record.checkpoint interval of wall time (default
 * 30 min; `--checkpoint-every` on the command line) and when SIGTERM or SIGINT stops a run.
 * Besides its arrays, a slot (record.h) carries the attributes
 *   fearsim_version, git_commit  of the program that wrote it; a resume needs the same version
 *   experiment                   the experiment file, as an absolute path
 *   overrides, n_overrides       its --set overrides (--seed included), in order
 *   experiment_hash              fs_experiment_hash: the experiment may not change meanwhile
 *   checkpoint_every             wall time between checkpoints, s (0: only on a signal)
 *   t, duration                  simulated time reached and the length of the run, s */
#ifndef FEARSIM_CHECKPOINT_H
#define FEARSIM_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include <fearsim/engine.h>
#include <fearsim/error.h>
#include <fearsim/experiment.h>
#include <fearsim/network.h>
#include <fearsim/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a run's experiment came from, so that a resume can load it again. */
typedef struct fs_checkpoint_origin {
  const char *experiment;       /* the experiment file as given */
  const char *const *overrides; /* its --set overrides, --seed included, in order */
  size_t n_overrides;
  double checkpoint_every; /* s of wall time between checkpoints, 0: off */
} fs_checkpoint_origin;

/* Writes a checkpoint of a run into its record: eng must be at a step boundary (in the pause
 * function of fs_engine_set_pause, or back from fs_engine_run with FS_ERR_INTERRUPTED), net
 * and rec the network and record it runs on. On failure the checkpoint before, if any, stays
 * the valid one. */
fs_status fs_checkpoint_save(fs_engine *eng, fs_network *net, fs_record *rec,
                             const fs_checkpoint_origin *origin, fs_error *err);

/* What a checkpoint says about itself. */
typedef struct fs_checkpoint_info {
  char version[64], commit[64];
  char experiment[4096];
  char **overrides; /* n_overrides strings in one malloc'ed block */
  size_t n_overrides;
  uint64_t hash;
  double checkpoint_every;
  double t, duration; /* s */
} fs_checkpoint_info;

/* Reads what the checkpoint in path says, without changing the file, and checks that this
 * fearsim can resume it. FS_ERR_INPUT with the place for a file that is missing, not HDF5,
 * without /checkpoint, with an incomplete checkpoint (record.h has those messages) or written
 * by another version: `"x.h5.partial" was checkpointed by fearsim 0.0.9 and this is fearsim
 * 0.1.0: resume it with fearsim 0.0.9, or run the experiment again`. On failure *out holds
 * nothing to free. */
fs_status fs_checkpoint_probe(const char *path, fs_checkpoint_info *out, fs_error *err);
void fs_checkpoint_info_free(fs_checkpoint_info *info); /* NULL is a no-op */

/* Loads the experiment of the checkpoint in path (described by info) with its overrides, and
 * checks that it is still the experiment that was checkpointed. FS_ERR_INPUT
 * `"x.h5.partial" was checkpointed from /abs/e.yaml: <why it does not load>`, or
 * `"x.h5.partial" was checkpointed from another version of its experiment: /abs/e.yaml (or a
 * file it reads) changed since; run the experiment again`. On failure *out is NULL. */
fs_status fs_checkpoint_load_experiment(const char *path, const fs_checkpoint_info *info,
                                        fs_experiment_spec **out, fs_error *err);

/* Probe and load_experiment at once: FS_OK if `fearsim resume path` would go on from the
 * checkpoint (used by sweeps to resume a run instead of starting it again). */
fs_status fs_checkpoint_check(const char *path, fs_error *err);

/* Restores the checkpoint of rec (from fs_record_checkpoint_open for writing) into net, built
 * from its experiment, and eng, created on net and rec; fs_engine_run then goes on from it.
 * FS_ERR_INPUT `"x.h5.partial": <what>: it does not match this experiment` if an array has
 * another size or the synapses differ. */
fs_status fs_checkpoint_restore(fs_engine *eng, fs_network *net, fs_record *rec, fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
