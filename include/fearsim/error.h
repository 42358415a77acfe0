/* error.h - status codes and the caller-owned error message buffer.
 * Library functions return an fs_status and, on failure, fill an fs_error; they
 * never print, exit or abort. Only sim/cli/ maps a status to an exit code. */
#ifndef FEARSIM_ERROR_H
#define FEARSIM_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define FS_STATUS_LIST(X)                                                                          \
  X(FS_OK, "success")                                                                              \
  X(FS_ERR_INPUT, "invalid input")                                                                 \
  X(FS_ERR_NOMEM, "out of memory")                                                                 \
  X(FS_ERR_IO, "file system error")                                                                \
  X(FS_ERR_HDF5, "HDF5 library error")                                                             \
  X(FS_ERR_INTERRUPTED, "interrupted by a signal")                                                 \
  X(FS_ERR_INTERNAL, "internal error")

#define FS_STATUS_ENUM_ROW(name, text) name,
typedef enum fs_status { FS_STATUS_LIST(FS_STATUS_ENUM_ROW) FS_STATUS_COUNT } fs_status;
#undef FS_STATUS_ENUM_ROW

#define FS_ERROR_MSG_LEN 1024

typedef struct fs_error {
  fs_status code;
  char msg[FS_ERROR_MSG_LEN];
} fs_error;

/* The static text of a status ("invalid input"); never NULL. */
const char *fs_status_str(fs_status s);

/* Formats the message into err (truncating at FS_ERROR_MSG_LEN) and returns code.
 * err may be NULL, in which case only code is returned. */
fs_status fs_error_set(fs_error *err, fs_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with "prefix: " (for context while unwinding). */
void fs_error_prefix(fs_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears err to FS_OK with an empty message. NULL is a no-op. */
void fs_error_clear(fs_error *err);

/* Runs expr (an fs_status expression) and jumps to the function's cleanup: label on failure;
 * the function must declare `fs_status st`. */
#define FS_TRY(expr)                                                                               \
  do {                                                                                             \
    st = (expr);                                                                                   \
    if (st != FS_OK) goto cleanup;                                                                 \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
