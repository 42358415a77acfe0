/* fileio.c - whole-or-nothing file writes: a temporary name private to the process, then
 * rename(), which replaces the target atomically on POSIX file systems. */
#define _POSIX_C_SOURCE 200809L

#include <fearsim/fileio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

fs_status fs_fileio_write_atomic(const char *path, fs_fileio_writer write, void *arg,
                                 fs_error *err) {
  size_t len = strlen(path) + 32;
  char *tmp = malloc(len);
  if (tmp == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory writing \"%s\"", path);
  snprintf(tmp, len, "%s.%ld.tmp", path, (long)getpid());
  fs_status st = FS_OK;
  FILE *f = fopen(tmp, "w");
  if (f == NULL) {
    st = fs_error_set(err, FS_ERR_IO, "cannot write \"%s\": %s", tmp, strerror(errno));
    goto cleanup;
  }
  bool ok = write(f, arg) && !ferror(f);
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    int e = errno;
    remove(tmp);
    st = fs_error_set(err, FS_ERR_IO, "cannot write \"%s\": %s", path, strerror(e));
  }
cleanup:
  free(tmp);
  return st;
}

static bool put_text(FILE *f, void *arg) {
  return fputs(arg, f) >= 0;
}

fs_status fs_fileio_write_text(const char *path, const char *text, fs_error *err) {
  return fs_fileio_write_atomic(path, put_text, (void *)text, err);
}
