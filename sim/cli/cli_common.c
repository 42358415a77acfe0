/* cli_common.c - exit codes and the --set option shared by the subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int fs_cli_exit_code(fs_status st) {
  if (st == FS_OK) return 0;
  return st == FS_ERR_INPUT ? 2 : 1;
}

int fs_cli_fail(const fs_error *err) {
  fprintf(stderr, "fearsim: %s\n", err->msg[0] ? err->msg : fs_status_str(err->code));
  return fs_cli_exit_code(err->code);
}

int fs_cli_take_set(int argc, char **argv, int *i, const char **sets, size_t *n_sets) {
  const char *arg = argv[*i];
  const char *value = NULL;
  if (strncmp(arg, "--set=", 6) == 0)
    value = arg + 6;
  else if (strcmp(arg, "--set") == 0 && *i + 1 < argc)
    value = argv[++*i];
  else if (strcmp(arg, "--set") != 0)
    return 0;
  if (value == NULL || *n_sets >= FS_CLI_MAX_SETS) return -1;
  sets[(*n_sets)++] = value;
  return 1;
}

volatile sig_atomic_t fs_cli_stop_signal = 0;

static void on_stop_signal(int sig) {
  fs_cli_stop_signal = sig;
}

void fs_cli_catch_stop_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}
