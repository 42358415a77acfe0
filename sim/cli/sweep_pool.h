/* sweep_pool.h - runs the runs of a sweep as child processes of the fearsim program (`fearsim
 * run`, or `fearsim resume` for a run that left a checkpoint), a few at once, and tells what
 * became of each from its exit status. The library expands the sweep; this is the program's
 * side, since only the program knows its own options and exit codes. */
#ifndef FEARSIM_CLI_SWEEP_POOL_H
#define FEARSIM_CLI_SWEEP_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include <fearsim/error.h>
#include <fearsim/sweep.h>

typedef struct fs_sweep_pool fs_sweep_pool;

typedef struct fs_sweep_pool_opts {
  const char *program; /* the fearsim executable ("/proc/self/exe") */
  const char *dir;     /* where results go (prepared with fs_sweep_prepare_dir) */
  size_t slots;        /* runs at once */
  int threads;         /* OpenMP threads per run */
} fs_sweep_pool_opts;

typedef struct fs_sweep_pool_result {
  size_t run;
  fs_sweep_state state; /* OK, FAILED, or MISSING if it was stopped by fs_sweep_pool_stop */
  double wall;          /* s */
  char reason[512];     /* for FAILED: exit code or signal and the last line of its stderr */
} fs_sweep_pool_result;

/* Allocates everything the pool needs, so that starting and reaping runs allocates nothing
 * (but for looking into the checkpoint of a run that is gone on with). */
fs_status fs_sweep_pool_create(const fs_sweep *s, const fs_sweep_pool_opts *opts,
                               fs_sweep_pool **out, fs_error *err);
void fs_sweep_pool_free(fs_sweep_pool *p); /* NULL is a no-op; call after the runs are reaped */

/* Starts run k in a free slot: removes its .failed, then spawns `program run BASE --set ...
 * --seed S -o FILE --threads T --quiet` with stderr into the run's .log, after removing a stale
 * FILE.partial; but if FILE.partial holds a checkpoint that `fearsim resume` would go on from
 * (fs_checkpoint_check), it spawns `program resume FILE.partial --threads T --quiet` instead. A
 * run that cannot be started is recorded as failed and FS_ERR_IO returned. No free slot:
 * FS_ERR_INTERNAL. */
fs_status fs_sweep_pool_start(fs_sweep_pool *p, size_t k, fs_error *err);

size_t fs_sweep_pool_busy(const fs_sweep_pool *p); /* runs in flight */

/* Reaps one finished run without blocking: true and *res filled if one had finished; a
 * failed run's reason is written to its .failed file. A run that exits with
 * FS_CLI_EXIT_RESUMABLE (a signal stopped it after a checkpoint) is MISSING. */
bool fs_sweep_pool_poll(fs_sweep_pool *p, fs_sweep_pool_result *res);

/* Sends sig to every run in flight; those that then end are reported MISSING, not FAILED. */
void fs_sweep_pool_stop(fs_sweep_pool *p, int sig);

#endif
