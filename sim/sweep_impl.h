/* sweep_impl.h - what sweep.c hands to sweep_io.c, the part of the sweep module that reads
 * outcomes from result files and writes summary.h5 (the only HDF5 code outside record.c). */
#ifndef FEARSIM_SWEEP_IMPL_H
#define FEARSIM_SWEEP_IMPL_H

#include <fearsim/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sweep_reduce {
  REDUCE_MAX,
  REDUCE_MIN,
  REDUCE_MEAN,
  REDUCE_FIRST,
  REDUCE_LAST,
  REDUCE_AT,
  REDUCE_INDEX
} sweep_reduce;

typedef struct sweep_outcome {
  char name[128];
  char dataset[256];
  sweep_reduce reduce;
  double time;   /* s, for REDUCE_AT */
  long index;    /* row for REDUCE_INDEX, negative from the end */
  char unit[64]; /* requested unit; "" keeps the dataset's */
} sweep_outcome;

/* Reads one outcome from a result file. On success *value holds it (in the dataset's units)
 * and units the dataset's `units` attribute; on failure problem says why ("no dataset
 * /timeline/x (did you mean /timeline/y?)", "time 99 s is outside 0 s to 10 s"). */
bool fs_sweep_io_outcome(const char *file, const sweep_outcome *o, double *value, char *units,
                         size_t ulen, char *problem, size_t plen);

/* One column of the summary: numbers (with units) or strings. */
typedef struct sweep_column {
  const char *path; /* "/axes/dose" */
  const char *units;
  const char *description;
  const double *num; /* n values, or NULL for a string column */
  const uint64_t *u64;
  const char *const *text;
} sweep_column;

typedef struct sweep_attr {
  const char *name;
  const char *text; /* a string attribute, or NULL for a number */
  double num;
} sweep_attr;

/* Writes path (as path.partial, then renamed over an older file): root attributes and one
 * 1-D dataset of n rows per column. */
fs_status fs_sweep_io_write_summary(const char *path, const sweep_attr *attrs, size_t n_attrs,
                                    const sweep_column *cols, size_t n_cols, size_t n,
                                    fs_error *err);

#endif
