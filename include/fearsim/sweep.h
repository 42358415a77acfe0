/* sweep.h - parameter sweeps: a sweep file (a base experiment, axes, replicates, a master seed
 * and the scalar outcomes to collect) expanded into runs, every run validated before any is
 * started, the state of every run kept in a results folder, and the finished runs gathered into
 * summary.h5 and summary.csv. Running them (as `fearsim run` child processes, so that a crash
 * costs one run) is the program's: sim/cli/sweep_pool.h.
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
 *   design: grid | one_at_a_time   grid (default): the product of the axes. one_at_a_time
 *                                  (sensitivity): point 0 is the base experiment, then each
 *                                  axis (or zip) varies alone, every other key as the base file
 *                                  has it (its value is "" and its SI value NaN there)
 *   crossed:                       with one_at_a_time: axes crossed with every one of those
 *     - {key: drugs[0].dose, values: [0 mg/kg, 10 mg/kg]}     points (they vary fastest)
 *   outcomes:
 *     - {name: peak, dataset: /timeline/ketamine_plasma_ng_per_mL, reduce: max}
 *     - {name: c_2h, dataset: /timeline/ketamine_plasma_ng_per_mL, reduce: at, time: 11 h}
 *       reduce: max | min | mean | first | last | at (time:, interpolated on the sibling
 *       `time` dataset) | index (index: row, negative from the end); unit: converts
 *       from the dataset's `units` attribute ("ng/mL" -> "ug/L").
 *
 * Every outcome's dataset must be one that each point's run writes (include/fearsim/outputs.h):
 * a typo is reported at its line by fs_sweep_load, before anything runs.
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
  /* design: one_at_a_time: the base experiment's value as its file writes it ("" where the file
   * leaves it to the default, and for crossed axes); summary.h5 gives it in the axis's
   * description, after "; base value: ", and for a quantity its SI value after " = " */
  const char *base;
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

/* Room for any override of fs_sweep_override, its NUL included. */
#define FS_SWEEP_OVERRIDE_LEN 392

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

/* Records what became of run k in DIR: FS_SWEEP_FAILED writes DIR/<run>.failed with the reason
 * (through a temporary file and a rename), FS_SWEEP_MISSING removes it, before the run starts
 * again. FS_SWEEP_OK, which only the run's own .h5 means, and a bad run index are
 * FS_ERR_INTERNAL; a file that cannot be written or removed FS_ERR_IO. */
fs_status fs_sweep_set_run_state(const fs_sweep *s, const char *dir, size_t k, fs_sweep_state st,
                                 const char *reason, fs_error *err);

/* Prepares DIR for running: creates it (its parent must exist) and writes DIR/manifest.txt,
 * or checks that an existing manifest is this sweep's (same fingerprint). Results of another
 * sweep give FS_ERR_INPUT and nothing is written. Safe to call from several processes. */
fs_status fs_sweep_prepare_dir(const fs_sweep *s, const char *dir, fs_error *err);

/* --- summary ------------------------------------------------------------------------- */

typedef struct fs_sweep_tally {
  size_t ok, failed, missing;
  size_t outcome_problems; /* outcomes that could not be read from finished runs (NaN) */
  char first_problem[512]; /* the first of them, e.g. a time outside the run */
} fs_sweep_tally;

/* Gathers every run's axes, seed, state and outcomes into DIR/summary.h5 and
 * DIR/summary.csv (each written as .partial and renamed, replacing an older summary). A run
 * whose result exists but one of whose outcomes cannot be read from it is counted failed, its
 * status "failed" and its reason `outcome <name>: <why>` (its outcomes NaN where unread). */
fs_status fs_sweep_collect(const fs_sweep *s, const char *dir, fs_sweep_tally *tally,
                           fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
