/* engine.h - advances a network in time: the fast phase (spiking, fixed dt) with OpenMP,
 * each thread owning its postsynaptic neurons and their incoming synapses, spikes delivered
 * through per-population ring buffers in a fixed order, so that the results are
 * bit-identical for any thread count.
 *
 * Timing convention: a neuron that crosses threshold while advancing from t_n to t_n+1 spikes
 * at t_n+1; an input unit fires at t_n. A spike at time T changes the target's conductance at
 * T + delay, and delays are at least one step. */
#ifndef FEARSIM_ENGINE_H
#define FEARSIM_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <fearsim/error.h>
#include <fearsim/network.h>
#include <fearsim/record.h>
#include <fearsim/record_checkpoint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_engine fs_engine;

typedef struct fs_engine_stats {
  int64_t steps;       /* steps done */
  double t;            /* simulated time reached, s */
  uint64_t spikes;     /* spikes of neurons and inputs */
  uint64_t syn_events; /* spike deliveries to synapses */
  double wall;         /* s spent in fs_engine_run */
  /* events a plasticity rule had to drop (graupner_brunel: a presynaptic calcium jump when 8
   * were pending at a synapse, presynaptic rates above about 300 Hz) */
  uint64_t plastic_dropped;
  uint64_t spines_unformed; /* new spines that found their neuron's reserved pool used up */
  /* The work of the run, for the time left (fs_engine_eta): steps of its fast phases and ticks
   * of the slow clock in its slow phases, done since this process began running it and still
   * to do, and the wall time spent in each kind of phase since then. */
  double fast_done, fast_left, slow_done, slow_left;
  double wall_fast, wall_slow;
  /* the first step thread 0 ran alone with every thread's part, the others' threads being
   * descheduled too often (more threads than cores); -1: never */
  int64_t solo_step;
} fs_engine_stats;

/* Seconds of wall time the run still needs, from the work left of each kind at the rate of
 * that kind so far. Simulated time is a poor guide: a fear protocol's days are mostly slow
 * phase, minutes of it in a tick of the slow clock, while its sessions take most of the wall
 * time. A kind not yet met adds nothing (the first slow phase is not foreseen during the first
 * session). */
double fs_engine_eta(const fs_engine_stats *s);

/* Called on thread 0 about every interval seconds of wall time. */
typedef void (*fs_progress_fn)(void *user, const fs_engine_stats *stats, double t_end);

/* Prepares a run of the whole experiment of net, writing spikes and rates to rec (which may
 * be NULL: nothing recorded). Allocates every buffer the time loop needs, so that the loop
 * itself never allocates. On failure *out is NULL and err says why. */
fs_status fs_engine_create(fs_network *net, fs_record *rec, fs_engine **out, fs_error *err);
void fs_engine_free(fs_engine *eng); /* NULL is a no-op */

void fs_engine_set_progress(fs_engine *eng, fs_progress_fn fn, void *user, double interval);

/* The run stops cleanly (FS_ERR_INTERRUPTED) within a few steps of *flag becoming nonzero. */
void fs_engine_set_stop_flag(fs_engine *eng, const volatile sig_atomic_t *flag);

/* The run stops as on the stop flag at its first chance at or after simulated time t (s; a
 * negative t: never), a point that is the same at every run: for tests of checkpoints. */
void fs_engine_set_stop_at(fs_engine *eng, double t);

/* Thread 0 goes on alone with every thread's part at its first chance at or after simulated
 * time t (s; negative: only when the machine is oversubscribed, the default), as it does on a
 * machine with more threads than cores: for tests that this changes no result. */
void fs_engine_set_solo_at(fs_engine *eng, double t);

/* Called by fs_engine_run between two steps, outside the parallel region, when the whole
 * state is consistent (for a checkpoint); a status other than FS_OK stops the run with it. */
typedef fs_status (*fs_pause_fn)(void *user, fs_error *err);

/* fn is called about every interval seconds of wall time (at the first chance after it: every
 * 64 steps in a fast phase, every event of a slow one); interval <= 0 or fn NULL: never.
 * Pausing does not change the results. */
void fs_engine_set_pause(fs_engine *eng, fs_pause_fn fn, void *user, double interval);

/* Runs the experiment from where it is (step 0, the point where an interrupted run stopped,
 * or the checkpoint restored into it) to its end. FS_ERR_INTERRUPTED if the stop flag was
 * raised or the stop time reached: the engine is then at a step boundary, ready for a
 * checkpoint or another fs_engine_run. An error from the record module or the pause function
 * stops the run with that error. Its threads flush subnormal numbers to zero (FTZ/DAZ on
 * x86-64, FZ on AArch64: docs/performance.md) and restore the caller's floating-point mode
 * before it returns: the progress callback runs in the flushed mode, the pause callback in the
 * caller's. */
fs_status fs_engine_run(fs_engine *eng, fs_error *err);

/* Writes what is written once at the end (population rates) to the record. */
fs_status fs_engine_finish(fs_engine *eng, fs_error *err);

fs_status fs_engine_get_stats(const fs_engine *eng, fs_engine_stats *out);

/* Saves or restores (io->restore) the engine's state: its clock, the drugs as last refreshed,
 * statistics, and its observer's. On a restore, an
 * array of another size or a missing one is FS_ERR_INPUT and the state is left partly restored
 * (the run must not go on); a record error is FS_ERR_HDF5. */
fs_status fs_engine_checkpoint(fs_engine *eng, const fs_record_checkpoint_io *io, fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
