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

#ifdef __cplusplus
}
#endif
#endif
