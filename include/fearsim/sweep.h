/* sweep.h - parameter sweeps: a sweep file (a base experiment, axes, replicates, a master seed
 * and the scalar outcomes to collect) expanded into runs, every run validated before any is
 * started, runs executed as child processes (`fearsim run`) so that a crash costs one run, and
 * the finished runs gathered into summary.h5 and summary.csv.
 *
 * Sweep file (paths relative to the sweep file):
 *   base: ../pharmacology/ketamine_infusion.yaml
 *   seed: 12345                    master seed (default 1)
 *   replicates: 3                  runs per point, each with its own seed (default 1)
 *   seeds: independent | common    common: replicate r has the same seed at every point
 *   axes:                          the grid is the product of the axes; a zip varies together
 *     - {key: drugs[0].dose, name: dose, values: [0.25 mg/kg, 0.5 mg/kg]}
 *     - {key: drugs[0].duration, linspace: {from: 20 min, to: 60 min, num: 3}}
 *     - {key: subject.body_weight, logspace: {from: 50 kg, to: 100 kg, num: 4}}
 *     - {key: k, random: {low: 1 nS, high: 2 nS, n: 5, log: false}}   uniform draws
 *     - {key: k, lhs: {low: 1 nS, high: 2 nS, n: 5}}     one draw per stratum, shuffled
 *     - zip: [{key: a, values: [...]}, {key: b, lhs: {...}}]   equal lengths; lhs axes
 *                                                               zipped form a Latin hypercube
 *   outcomes:
 *     - {name: peak, dataset: /timeline/ketamine_plasma_ng_per_mL, reduce: max}
 *     - {name: c_2h, dataset: /timeline/ketamine_plasma_ng_per_mL, reduce: at, time: 11 h}
 *       reduce: max | min | mean | first | last | at (time:, interpolated on the sibling
 *       `time` dataset) | index (index: row, negative from the end); unit: converts
 *       from the dataset's `units` attribute ("ng/mL" -> "ug/L").
 *
 * Runs: run k is point k / replicates, replicate k % replicates; its result is
 * DIR/point_<k>.h5 (with replicates > 1: point_<point>_r<rep>.h5), its stderr DIR/<same>.log,
 * and a failure leaves DIR/<same>.failed with the reason. A run whose .h5 exists is finished; one
 * whose .h5.partial holds a checkpoint is resumed from it when the sweep runs again. */
#ifndef FEARSIM_SWEEP_H
#define FEARSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fearsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_sweep fs_sweep;

/* Reads a sweep file, expands its axes and validates every point by loading the base
 * experiment with the point's overrides, so that a bad key, unit or value is reported at its
 * place in the sweep file ("s.yaml:9:12: axes[0].key: drugs[0].dsoe: unknown key ..."). Reads
 * files only. On failure *out is NULL and err says why (FS_ERR_INPUT for bad input). */
fs_status fs_sweep_load(const char *path, fs_sweep **out, fs_error *err);

void fs_sweep_free(fs_sweep *s); /* NULL is a no-op */

typedef struct fs_sweep_info {
  const char *file;  /* the sweep file */
  const char *base;  /* the base experiment, as a path usable from the current directory */
  uint64_t seed;     /* master seed */
  size_t n_axes;     /* axes, zipped ones counted one by one */
  size_t n_points;   /* parameter combinations */
  size_t replicates; /* runs per point */
  size_t n_runs;     /* n_points * replicates */
  size_t n_outcomes;
  uint64_t fingerprint; /* of the base experiment's text and every run's overrides and seed */
} fs_sweep_info;

fs_status fs_sweep_get_info(const fs_sweep *s, fs_sweep_info *out);

typedef struct fs_sweep_axis_info {
  const char *name; /* the column name: `name:` or the key */
  const char *key;  /* the --set key path */
  const char *unit; /* SI unit of the values ("s", "kg/kg", "1"); "" if not numeric */
  bool numeric;
  size_t n_values;
} fs_sweep_axis_info;

fs_status fs_sweep_get_axis(const fs_sweep *s, size_t axis, fs_sweep_axis_info *out);

typedef struct fs_sweep_outcome_info {
  const char *name;
  const char *dataset;
  const char *reduce; /* "max", "at", ... */
  const char *unit;   /* requested unit, "" for the dataset's own */
} fs_sweep_outcome_info;

fs_status fs_sweep_get_outcome(const fs_sweep *s, size_t outcome, fs_sweep_outcome_info *out);

typedef struct fs_sweep_run {
  size_t run, point, replicate;
  uint64_t seed;
} fs_sweep_run;

/* Run k (0 <= k < n_runs); an index out of range is FS_ERR_INPUT. */
fs_status fs_sweep_get_run(const fs_sweep *s, size_t k, fs_sweep_run *out, fs_error *err);

/* The value of an axis at a point: its text as passed to --set, and its SI value (NaN for a
 * value that is not a quantity, such as "09:00"). */
const char *fs_sweep_value_text(const fs_sweep *s, size_t axis, size_t point);
double fs_sweep_value_si(const fs_sweep *s, size_t axis, size_t point);

/* The override "key=value" of an axis at a point, as passed to `fearsim run --set`. */
fs_status fs_sweep_override(const fs_sweep *s, size_t axis, size_t point, char *buf, size_t len,
                            fs_error *err);

/* The file name of run k in DIR with the given suffix (".h5", ".log", ".failed"). */
void fs_sweep_run_path(const fs_sweep *s, const char *dir, size_t k, const char *suffix, char *buf,
                       size_t len);

typedef enum fs_sweep_state {
  FS_SWEEP_MISSING, /* not run, or stopped before it finished */
  FS_SWEEP_OK,      /* its .h5 exists */
  FS_SWEEP_FAILED   /* its .failed holds the reason */
} fs_sweep_state;

const char *fs_sweep_state_str(fs_sweep_state st); /* "missing", "ok", "failed" */

/* What DIR holds for run k; reason (may be NULL) receives the failure reason. */
fs_sweep_state fs_sweep_run_state(const fs_sweep *s, const char *dir, size_t k, char *reason,
                                  size_t len);

/* Prepares DIR for running: creates it (its parent must exist) and writes DIR/manifest.txt,
 * or checks that an existing manifest is this sweep's (same fingerprint). Results of another
 * sweep give FS_ERR_INPUT and nothing is written. Safe to call from several processes. */
fs_status fs_sweep_prepare_dir(const fs_sweep *s, const char *dir, fs_error *err);

/* --- running: a pool of child processes ---------------------------------------------- */

typedef struct fs_sweep_pool fs_sweep_pool;

typedef struct fs_sweep_pool_opts {
  const char *program; /* the fearsim executable ("/proc/self/exe") */
  const char *dir;     /* where results go (prepared with fs_sweep_prepare_dir) */
  size_t slots;        /* runs at once */
  int threads;         /* OpenMP threads per run */
} fs_sweep_pool_opts;

typedef struct fs_sweep_result {
  size_t run;
  fs_sweep_state state; /* OK, FAILED, or MISSING if it was stopped by fs_sweep_pool_stop */
  double wall;          /* s */
  char reason[512];     /* for FAILED: exit code or signal and the last line of its stderr */
} fs_sweep_result;

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
 * failed run's reason is written to its .failed file, a finished one's .failed removed. A run
 * that exits with FS_EXIT_RESUMABLE (a signal stopped it after a checkpoint) is MISSING. */
bool fs_sweep_pool_poll(fs_sweep_pool *p, fs_sweep_result *res);

/* Sends sig to every run in flight; those that then end are reported MISSING, not FAILED. */
void fs_sweep_pool_stop(fs_sweep_pool *p, int sig);

/* --- summary ------------------------------------------------------------------------- */

typedef struct fs_sweep_tally {
  size_t ok, failed, missing;
  size_t outcome_problems; /* outcomes that could not be read from finished runs (NaN) */
  char first_problem[512]; /* the first of them, e.g. a dataset that does not exist */
} fs_sweep_tally;

/* Gathers every run's axes, seed, state and outcomes into DIR/summary.h5 and
 * DIR/summary.csv (each written as .partial and renamed, replacing an older summary). */
fs_status fs_sweep_collect(const fs_sweep *s, const char *dir, fs_sweep_tally *tally,
                           fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
