/* record.h - the record module, the only one that touches HDF5: one self-describing file per
 * run. This header is its writer; the checkpoint store is record_checkpoint.h and the reader of
 * finished files record_reader.h.
 *
 * Layout (every dataset is chunked, shuffled, deflated, and carries `units` and
 * `description` attributes; a dataset without them cannot be written):
 *   /                         attributes: fearsim_version, format_version (2: this layout),
 *                             git_commit, seed, threads, ranks, start_time, end_time (ISO 8601
 *                             UTC), dt (s), duration (s), experiment_file, experiment_yaml (the
 *                             YAML after overrides)
 *   /spikes/<pop>/timestamps  float64, ms    } SONATA spike format (milliseconds, as SONATA
 *   /spikes/<pop>/node_ids    uint64, 1      } readers assume); the group <pop> has the SONATA
 *                                              `sorting` enum attribute (by_time)
 *   /rates/time               float64, s: the start of each bin
 *   /rates/<pop>              float64, Hz: population rate per bin
 *   /network/<pop>            group; attributes size, model, kind ("neuron" or "input")
 *   /timeline/<name>, ...     1-D float64 series appended as the run goes
 *   /trials/<column>          one row per trial: day, session, trial, context, kind as int64,
 *                             the times, intensities, scores and rates as float64
 *   /snapshots/<k>/<proj>/    the synapses of each projection at the k-th snapshot time (group
 *                             attribute time): pre, post (uint64), weight (S), block (synapses
 *                             with NMDA receptors), z, tag, alive (late phase) and the fields
 *                             the projection's plasticity rule writes (include/fearsim/snapshot.h)
 *   /checkpoint/a, /b         two checkpoint slots, written in turn (record_checkpoint.h); a
 *                             finished result holds no /checkpoint
 * /timeline/time and /rates/time are HDF5 dimension scales ("time") to which every other
 * series of their group is attached. Everything but the spike times is in SI units.
 * The run writes OUT.h5.partial (opened exclusively) and renames it to OUT.h5 only in
 * fs_record_finish, so a file that exists is complete (see record_checkpoint.h for the
 * slots). */
#ifndef FEARSIM_RECORD_H
#define FEARSIM_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fearsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_record fs_record;

typedef struct fs_record_meta {
  const char *experiment_file;
  const char *experiment_yaml;
  const char *start_time; /* ISO 8601 UTC */
  uint64_t seed;
  int threads;
  int ranks;
  double dt;       /* s */
  double duration; /* s */
} fs_record_meta;

/* Checks, before anything is built, that path may be written: an existing file without
 * force gives FS_ERR_INPUT `output "x.h5" exists (use --force to overwrite it)`; a
 * directory that does not exist gives FS_ERR_INPUT too. Writes nothing. */
fs_status fs_record_check_output(const char *path, bool force, fs_error *err);

/* The memory a record of n_datasets datasets takes while it is written, besides the values
 * the run holds for it: a series' buffer of one chunk, and what HDF5 allocates for a file
 * (free lists, metadata cache) and for each chunked dataset (its chunk and index node). */
double fs_record_estimate(size_t n_datasets);

/* Creates path.partial exclusively (a stale .partial is replaced only with force) and writes
 * the root attributes. On failure *out is NULL and nothing is left on disk. */
fs_status fs_record_create(const char *path, bool force, const fs_record_meta *meta,
                           fs_record **out, fs_error *err);

/* Declares a spiking population: creates /network/<pop> with its attributes and, if
 * record_spikes, the appendable /spikes/<pop> datasets; *handle identifies it below. */
fs_status fs_record_add_population(fs_record *rec, const char *pop, const char *model,
                                   const char *kind, uint64_t size, bool record_spikes,
                                   size_t *handle, fs_error *err);

/* Appends n spikes (times in s, written in ms; node ids within the population), already in
 * time order.
 * Buffered in memory and written in blocks of 2^16; never allocates after creation.
 * Times out of order (or not finite) and ids >= size give FS_ERR_INTERNAL and append nothing;
 * a population declared with record_spikes false ignores the call. */
fs_status fs_record_append_spikes(fs_record *rec, size_t handle, const double *t,
                                  const uint64_t *ids, size_t n, fs_error *err);

/* Units and description: NULL or "" takes them from record.c's output-field table (e.g.
 * /rates/<pop> is "Hz"); a dataset left without either is refused with FS_ERR_INTERNAL, as are
 * units that contradict the table. After an FS_ERR_HDF5 failure the record refuses further
 * writes and fs_record_finish, so only fs_record_free remains (the .partial is removed). */

/* Creates an appendable 1-D float64 dataset at path (parents created as needed). */
fs_status fs_record_series_create(fs_record *rec, const char *path, const char *units,
                                  const char *description, size_t *handle, fs_error *err);
fs_status fs_record_series_append(fs_record *rec, size_t handle, const double *v, size_t n,
                                  fs_error *err);

/* Writes a whole 1-D float64 dataset at once. */
fs_status fs_record_write_array(fs_record *rec, const char *path, const double *v, size_t n,
                                const char *units, const char *description, fs_error *err);

/* The same for signed 64-bit integers (counts and indices such as /trials/day). */
fs_status fs_record_write_array_i64(fs_record *rec, const char *path, const int64_t *v, size_t n,
                                    const char *units, const char *description, fs_error *err);

/* The same for unsigned 64-bit integers (node ids). */
fs_status fs_record_write_array_u64(fs_record *rec, const char *path, const uint64_t *v, size_t n,
                                    const char *units, const char *description, fs_error *err);

/* Attributes on an existing group or dataset (path "/" for the root). A double attribute
 * gets a companion "<name>_units" string attribute when units is not NULL. */
fs_status fs_record_set_attr_string(fs_record *rec, const char *path, const char *name,
                                    const char *value, fs_error *err);
fs_status fs_record_set_attr_double(fs_record *rec, const char *path, const char *name,
                                    double value, const char *units, fs_error *err);
/* A list of n >= 1 strings. */
fs_status fs_record_set_attr_strings(fs_record *rec, const char *path, const char *name,
                                     const char *const *values, size_t n, fs_error *err);

/* Flushes every buffer, writes end_time, closes the file and renames path.partial to path.
 * After it, only fs_record_free may be called. */
fs_status fs_record_finish(fs_record *rec, const char *end_time, fs_error *err);

/* Closes the file; if fs_record_finish did not succeed, removes path.partial, so an
 * interrupted or failed run leaves no result, unless the partial holds a checkpoint (one was
 * committed, or the record was opened to resume one): then it stays for `fearsim resume`.
 * NULL is a no-op. */
void fs_record_free(fs_record *rec);

/* The file a record writes (OUT.h5.partial) or reads; "" for NULL. */
const char *fs_record_partial(const fs_record *rec);

/* Attributes of an object of an open record (written ones or ones of an opened file): a string
 * into buf (truncated to len), an unsigned integer, a double, and a list of strings (*values
 * malloc'ed with each string in it; free with free(*values)). A missing attribute or one of
 * another type is FS_ERR_INPUT `"x.h5.partial": /checkpoint/a has no attribute "y"`. */
fs_status fs_record_get_attr_string(fs_record *rec, const char *path, const char *name, char *buf,
                                    size_t len, fs_error *err);
fs_status fs_record_get_attr_u64(fs_record *rec, const char *path, const char *name,
                                 uint64_t *value, fs_error *err);
fs_status fs_record_get_attr_double(fs_record *rec, const char *path, const char *name,
                                    double *value, fs_error *err);
fs_status fs_record_get_attr_strings(fs_record *rec, const char *path, const char *name,
                                     char ***values, size_t *n, fs_error *err);

/* An unsigned 64-bit integer attribute (the other kinds are above). */
fs_status fs_record_set_attr_u64(fs_record *rec, const char *path, const char *name, uint64_t value,
                                 fs_error *err);

/* --- tables ---------------------------------------------------------------------------- */

/* One column of a table file: n numbers (float64 with units, or uint64) or n strings. */
typedef struct fs_record_column {
  const char *path; /* "/axes/dose" */
  const char *units;
  const char *description;
  const double *num; /* n values, or NULL */
  const uint64_t *u64;
  const char *const *text;
} fs_record_column;

/* A root attribute of a table file: a string, or a number when text is NULL. */
typedef struct fs_record_table_attr {
  const char *name;
  const char *text;
  double num;
} fs_record_table_attr;

/* Writes a table file such as a sweep's summary.h5: root attributes and one 1-D dataset of n
 * rows per column (chunked, shuffled and deflated, with units and description attributes),
 * through path.partial renamed over an older file. On failure nothing is left but an older
 * file: FS_ERR_HDF5 `x.h5: cannot write /axes/dose` or FS_ERR_IO. */
fs_status fs_record_write_table(const char *path, const fs_record_table_attr *attrs, size_t n_attrs,
                                const fs_record_column *cols, size_t n_cols, size_t n,
                                fs_error *err);

#ifdef __cplusplus
}
#endif

#endif
