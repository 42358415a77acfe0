/* fileio.c - whole-or-nothing file writes: a temporary name private to the process, then
 * rename(), which replaces the target atomically on POSIX file systems; and bounded reads of
 * regular files only, so that a FIFO, /dev/zero or a huge file cannot hang a reader. */
#define _POSIX_C_SOURCE 200809L

#include <fearsim/fileio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Opens without blocking (a FIFO with no writer would block open() itself) and refuses
 * anything but a regular file; returns the descriptor or -1 with err set. */
static int open_regular(const char *path, struct stat *sb, fs_error *err) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    fs_error_set(err, FS_ERR_INPUT, "cannot open \"%s\": %s", path, strerror(errno));
    return -1;
  }
  if (fstat(fd, sb) != 0) {
    fs_error_set(err, FS_ERR_INPUT, "cannot read \"%s\": %s", path, strerror(errno));
  } else if (S_ISDIR(sb->st_mode)) {
    fs_error_set(err, FS_ERR_INPUT, "cannot read \"%s\": it is a directory, not a file", path);
  } else if (!S_ISREG(sb->st_mode)) {
    fs_error_set(err, FS_ERR_INPUT,
                 "cannot read \"%s\": it is not a regular file (a FIFO, device or socket)", path);
  } else {
    return fd;
  }
  close(fd);
  return -1;
}

fs_status fs_fileio_check_regular(const char *path, fs_error *err) {
  struct stat sb;
  int fd = open_regular(path, &sb, err);
  if (fd < 0) return FS_ERR_INPUT;
  close(fd);
  return FS_OK;
}

static fs_status too_large(const char *path, size_t max_bytes, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT, "cannot read \"%s\": it is larger than %zu bytes", path,
                      max_bytes);
}

fs_status fs_fileio_read_regular(const char *path, size_t max_bytes, char **data, size_t *len,
                                 fs_error *err) {
  struct stat sb;
  int fd = open_regular(path, &sb, err);
  if (fd < 0) return FS_ERR_INPUT;
  fs_status st = FS_OK;
  size_t have = 0, cap = (size_t)sb.st_size < max_bytes ? (size_t)sb.st_size + 1 : max_bytes + 1;
  char *buf = NULL;
  if ((uint64_t)sb.st_size > max_bytes) FS_TRY(too_large(path, max_bytes, err));
  buf = malloc(cap + 1);
  if (buf == NULL) FS_TRY(fs_error_set(err, FS_ERR_NOMEM, "out of memory reading \"%s\"", path));
  for (;;) { /* the file may grow while it is read: never past max_bytes */
    ssize_t got = read(fd, buf + have, cap - have);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      FS_TRY(fs_error_set(err, FS_ERR_INPUT, "cannot read \"%s\": %s", path, strerror(errno)));
    if (got == 0) break;
    have += (size_t)got;
    if (have > max_bytes) FS_TRY(too_large(path, max_bytes, err));
    if (have == cap) {
      size_t ncap = cap * 2 < max_bytes + 1 ? cap * 2 : max_bytes + 1;
      char *nbuf = realloc(buf, ncap + 1);
      if (nbuf == NULL)
        FS_TRY(fs_error_set(err, FS_ERR_NOMEM, "out of memory reading \"%s\"", path));
      buf = nbuf;
      cap = ncap;
    }
  }
  buf[have] = '\0';
  *data = buf;
  *len = have;
  buf = NULL;
cleanup:
  free(buf);
  close(fd);
  return st;
}
