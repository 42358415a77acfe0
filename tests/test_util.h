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

/* cmocka group setup and teardown that only create and remove the folder. */
static inline int fs_test_setup(void **state) {
  (void)state;
  return fs_test_dir_create();
}

static inline int fs_test_teardown(void **state) {
  (void)state;
  return fs_test_dir_remove();
}

/* Writes text to <dir>/<name> and returns the path (static buffer: use it before the next
 * call). */
static inline const char *fs_test_write(const char *name, const char *text) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", fs_test_dir, name);
  FILE *f = fopen(path, "w");
  if (f == NULL) return NULL;
  fputs(text, f);
  fclose(f);
  return path;
}

/* A small valid experiment, and a variant of it written to <dir>/<name>: the first
 * occurrence of from replaced by to (from NULL: none), then extra appended (may be NULL). */
#define FS_TEST_BASE_EXPERIMENT                                                                    \
  "simulation: {dt: 0.1 ms, duration: 10 ms}\n"                                                    \
  "populations:\n"                                                                                 \
  "  E: {model: lif_cond, size: 10}\n"                                                             \
  "projections:\n"                                                                                 \
  "  - {from: E, to: E, receptor: ampa, connect: {rule: all_to_all}, weight: 1 nS, delay: 1 ms}\n"

static inline const char *fs_test_variant(const char *name, const char *from, const char *to,
                                          const char *extra) {
  static const char base[] = FS_TEST_BASE_EXPERIMENT;
  char text[4096];
  const char *at = from ? strstr(base, from) : NULL;
  if (from && !at) return NULL;
  size_t head = at ? (size_t)(at - base) : strlen(base);
  snprintf(text, sizeof text, "%.*s%s%s%s", (int)head, base, at ? to : "",
           at ? at + strlen(from) : "", extra ? extra : "");
  return fs_test_write(name, text);
}

/* Runs the fearsim program, `run <config> -o <out> --quiet --force <opts>`, through the shell
 * (opts may hold quoted --set arguments). Returns 0 when it succeeded; the command is kept in
 * fs_test_last_command for the failure message (FS_TEST_RUN fails the test with it). */
static char fs_test_last_command[4096];

static inline int fs_test_run_cli(const char *config, const char *out, const char *opts) {
  int n =
      snprintf(fs_test_last_command, sizeof fs_test_last_command,
               "'%s' run '%s' -o '%s' --quiet --force %s", FS_CLI, config, out, opts ? opts : "");
  if (n < 0 || (size_t)n >= sizeof fs_test_last_command) return -1; /* cut short: not run */
  return system(fs_test_last_command) == 0 ? 0 : -1;
}

#define FS_TEST_RUN(config, out, opts)                                                             \
  do {                                                                                             \
    if (fs_test_run_cli((config), (out), (opts)) != 0)                                             \
      fail_msg("failed: %s", fs_test_last_command);                                                \
  } while (0)

#endif
