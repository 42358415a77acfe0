/* test_util.h - helpers shared by tests that write experiment files: a private temporary
 * folder per test program and a YAML file written into it. */
#ifndef FEARSIM_TEST_UTIL_H
#define FEARSIM_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fs_test_dir[64];

static inline int fs_test_dir_create(void) {
  snprintf(fs_test_dir, sizeof fs_test_dir, "/tmp/fearsim_test_XXXXXX");
  return mkdtemp(fs_test_dir) ? 0 : -1;
}

static inline int fs_test_dir_remove(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", fs_test_dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to <dir>/<name> and returns the path (static buffer: use it before the next
 * call). */
static inline const char *fs_test_write(const char *name, const char *text) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", fs_test_dir, name);
  FILE *f = fopen(path, "w");
  if (f == NULL)
    return NULL;
  fputs(text, f);
  fclose(f);
  return path;
}

#endif
