/* sweep_impl.h - what a cohort (cohort.c) needs of the sweep module: a sweep built from a
 * table of runs (one value per run in every column) instead of a grid of axes, and the
 * helpers that read and write quantities as text. */
#ifndef FEARSIM_SWEEP_IMPL_H
#define FEARSIM_SWEEP_IMPL_H

#include <fearsim/config.h>
#include <fearsim/sweep.h>
#include <fearsim/units.h>

#include <stdbool.h>

/* Room for one value as text, its NUL included. */
#define FS_SWEEP_TEXT_LEN 128

/* One column of a table of runs: a --set key (or, with key NULL, a label that is written to
 * the summary but passed to no run) and its value in every run; a value "" means no
 * override in that run. */
typedef struct fs_sweep_column {
  const char *name;
  const char *key;
  fs_cfg_node key_node;                  /* where the key is named */
  const char (*text)[FS_SWEEP_TEXT_LEN]; /* n_runs values */
  const fs_cfg_node *where;              /* n_runs places */
} fs_sweep_column;

typedef struct fs_sweep_table {
  fs_cfg_node root; /* holds base: (relative to the file) */
  uint64_t seed;    /* master seed */
  const fs_sweep_column *cols;
  size_t n_cols;
  size_t n_runs;
  const uint64_t *seeds; /* the seed of every run */
  fs_cfg_node outcomes;  /* a sweep's outcomes: list, or absent */
} fs_sweep_table;

/* A sweep whose run k is row k of the table: every run validated as fs_sweep_load does, errors
 * moved to the column's place in the file. The sweep takes cfg (the file the table was read
 * from) and frees it, also on failure. On failure *out is NULL and err says why. */
fs_status fs_sweep_create_table(fs_config *cfg, const fs_sweep_table *t, fs_sweep **out,
                                fs_error *err);

/* "20 min" -> 20, "min", the SI value of 1 min and its kind; false if it is not a number with
 * a unit the unit parser knows. */
bool fs_sweep_split_quantity(const char *text, double *number, char *unit, size_t len,
                             double *scale, fs_unit_kind *kind);

/* A number in a unit, as text that the unit parser reads back: "0.25 mg/kg". */
void fs_sweep_format_value(char *buf, size_t len, double number, const char *unit);

#endif
