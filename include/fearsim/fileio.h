/* fileio.h - writing a small file so that it appears whole or not at all: readers and
 * concurrent writers (several sweep processes or MPI ranks) never see half a file. */
#ifndef FEARSIM_FILEIO_H
#define FEARSIM_FILEIO_H

#include <stdbool.h>
#include <stdio.h>

#include <fearsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the contents of a file to f; false on failure (a stream error counts too). */
typedef bool (*fs_fileio_writer)(FILE *f, void *arg);

/* Writes path through a temporary file beside it, private to this process
 * ("path.<pid>.tmp"), that write fills and that is then renamed over path. On failure the
 * temporary is removed, path is left as it was, and err says FS_ERR_IO `cannot write "x":
 * <reason>`. */
fs_status fs_fileio_write_atomic(const char *path, fs_fileio_writer write, void *arg,
                                 fs_error *err);

/* The same for a text held in memory. */
fs_status fs_fileio_write_text(const char *path, const char *text, fs_error *err);

/* Checks that path names a regular file this process can open for reading. A directory, a
 * FIFO or a device is refused (FS_ERR_INPUT): reading /dev/zero or a FIFO never ends. The
 * message names the path and what it is (`cannot read "x": it is a directory, not a file`). */
fs_status fs_fileio_check_regular(const char *path, fs_error *err);

/* Reads the regular file at path whole into a NUL-terminated buffer the caller frees; files
 * that are not regular or are larger than max_bytes are refused before they are read
 * (FS_ERR_INPUT), so that no input can exhaust memory or time while being read. */
fs_status fs_fileio_read_regular(const char *path, size_t max_bytes, char **data, size_t *len,
                                 fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
