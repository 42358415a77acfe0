/* record_reader.h - the reader of the record module: finished result files (and any HDF5 file)
 * opened read-only by path: a summary of what one holds, and whole datasets read back. */
#ifndef FEARSIM_RECORD_READER_H
#define FEARSIM_RECORD_READER_H

#include <stdbool.h>
#include <stddef.h>

#include <fearsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A few human-readable lines on what a result file holds (for `fearsim info`): metadata,
 * populations with their spike counts and mean rates, and every dataset with its shape and
 * units. *text is malloc'ed; the caller frees it. A file that is not a fearsim result gives
 * FS_ERR_INPUT. */
fs_status fs_record_reader_info(const char *path, char **text, fs_error *err);

typedef struct fs_record_reader fs_record_reader;

/* Opens path read-only. A file HDF5 cannot open gives FS_ERR_INPUT `cannot open as HDF5`; on
 * failure *out is NULL. */
fs_status fs_record_reader_open(const char *path, fs_record_reader **out, fs_error *err);

void fs_record_reader_free(fs_record_reader *r); /* NULL is a no-op */

/* True if the file has an object at path (false too when a parent group is missing). */
bool fs_record_reader_has(const fs_record_reader *r, const char *path);

/* Reads the whole 1-D numeric dataset at path as doubles: *v is malloc'ed (room for *n + 1
 * values; free it), units receives its `units` attribute ("" if none; units may be NULL). A
 * dataset that cannot be opened, is not a 1-D series of numbers or cannot be read gives
 * FS_ERR_INPUT `cannot open /x`, `/x is not a 1-D series of numbers`, `cannot read /x`; then
 * *v may still need free. */
fs_status fs_record_reader_read(const fs_record_reader *r, const char *path, double **v, size_t *n,
                                char *units, size_t ulen, fs_error *err);

/* The absolute paths of every dataset in the file ("/timeline/bdnf"), e.g. for "did you mean":
 * *names is one malloc'ed block (free(*names) frees all), NULL-terminated. */
fs_status fs_record_reader_list(const fs_record_reader *r, char ***names, size_t *n, fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
