/* cli_run.h - runs the fearsim program as a child process for the integration tests and
 * reads what it printed. */
#ifndef FEARSIM_CLI_RUN_H
#define FEARSIM_CLI_RUN_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

typedef struct cli_result {
  int status; /* exit code, or 128 + signal */
  char out[8192], err[8192];
} cli_result;

static inline void read_file_into(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, len - 1, f) : 0;
  buf[n] = '\0';
  if (f) fclose(f);
}

/* Starts FS_CLI with argv (NULL-terminated, without the program name), stdout and stderr
 * into files of the test folder. */
static inline pid_t cli_start(const char *const *args) {
  char out[256], err[256];
  snprintf(out, sizeof out, "%s/stdout.txt", fs_test_dir);
  snprintf(err, sizeof err, "%s/stderr.txt", fs_test_dir);
  pid_t pid = fork();
  if (pid == 0) {
    const char *argv[64] = {FS_CLI};
    for (int i = 0; args[i] && i < 62; i++)
      argv[i + 1] = args[i];
    if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr)) _exit(127);
    execv(FS_CLI, (char *const *)argv);
    _exit(127);
  }
  return pid;
}

static inline void cli_collect(pid_t pid, cli_result *r) {
  int st = 0;
  waitpid(pid, &st, 0);
  r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  char path[256];
  snprintf(path, sizeof path, "%s/stdout.txt", fs_test_dir);
  read_file_into(path, r->out, sizeof r->out);
  snprintf(path, sizeof path, "%s/stderr.txt", fs_test_dir);
  read_file_into(path, r->err, sizeof r->err);
}

static inline void cli_run(const char *const *args, cli_result *r) {
  cli_collect(cli_start(args), r);
}

static inline void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static inline int file_exists(const char *path) {
  struct stat s;
  return stat(path, &s) == 0;
}

/* <test folder>/<name> in a static buffer of its own (k = 0..3 for several at once). */
static inline const char *test_path(int k, const char *name) {
  static char buf[4][256];
  snprintf(buf[k], sizeof buf[k], "%s/%s", fs_test_dir, name);
  return buf[k];
}

#endif
