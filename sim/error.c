/* error.c - status texts and the formatted error buffer. */
#include <fearsim/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FS_STATUS_TEXT_ROW(name, text) text,
static const char *const status_texts[] = {FS_STATUS_LIST(FS_STATUS_TEXT_ROW)};
#undef FS_STATUS_TEXT_ROW

const char *fs_status_str(fs_status s) {
  if ((unsigned)s >= FS_STATUS_COUNT) return "unknown status";
  return status_texts[s];
}

fs_status fs_error_set(fs_error *err, fs_status code, const char *fmt, ...) {
  if (err == NULL) return code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  err->code = code;
  return code;
}

void fs_error_prefix(fs_error *err, const char *fmt, ...) {
  if (err == NULL) return;
  char prefix[FS_ERROR_MSG_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  char joined[2 * FS_ERROR_MSG_LEN + 4];
  snprintf(joined, sizeof joined, "%s: %s", prefix, err->msg);
  size_t n = strlen(joined);
  if (n >= sizeof err->msg) n = sizeof err->msg - 1; /* truncate, as fs_error_set does */
  memcpy(err->msg, joined, n);
  err->msg[n] = '\0';
}

void fs_error_clear(fs_error *err) {
  if (err == NULL) return;
  err->code = FS_OK;
  err->msg[0] = '\0';
}
