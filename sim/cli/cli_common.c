/* cli_common.c - exit codes, option parsing (getopt_long over a table of options) and the
 * --set option shared by the subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define LONG_VAL 256 /* getopt_long's val of long option k is LONG_VAL + k: never a letter */

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

void fs_cli_opts_init(fs_cli_opts *p, const fs_cli_opt *opts, size_t n) {
  memset(p, 0, sizeof *p);
  p->opts = opts;
  p->n = n < FS_CLI_MAX_OPTS ? n : FS_CLI_MAX_OPTS;
  /* "-": operands come back in order (no permutation, whatever POSIXLY_CORRECT says);
   * ":": getopt prints nothing and tells a missing value from an unknown option */
  size_t k = 0;
  p->shortopts[k++] = '-';
  p->shortopts[k++] = ':';
  for (size_t i = 0; i < p->n; i++) {
    p->longopts[i] = (struct option){opts[i].name, opts[i].value ? required_argument : no_argument,
                                     NULL, LONG_VAL + (int)i};
    if (opts[i].letter == 0) continue;
    p->shortopts[k++] = opts[i].letter;
    if (opts[i].value) p->shortopts[k++] = ':';
  }
  optind = 0; /* glibc: start afresh, also after an earlier parse */
}

/* The index of the option that getopt_long's code c stands for, or -1. */
static int option_index(const fs_cli_opts *p, int c) {
  if (c >= LONG_VAL && c < LONG_VAL + (int)p->n) return c - LONG_VAL;
  for (size_t i = 0; i < p->n; i++)
    if (c != 0 && p->opts[i].letter == c) return (int)i;
  return -1;
}

/* The option as the user wrote it: --name or -letter. */
static void option_text(const fs_cli_opts *p, int k, int c, char *buf, size_t len) {
  if (c >= LONG_VAL)
    snprintf(buf, len, "--%s", p->opts[k].name);
  else
    snprintf(buf, len, "-%c", c);
}

static int bad_option(fs_cli_opts *p, char **argv, int c) {
  char text[64];
  int k = option_index(p, optopt);
  if (c == ':' && k >= 0) {
    option_text(p, k, optopt, text, sizeof text);
    snprintf(p->msg, sizeof p->msg, "option %s needs %s", text, p->opts[k].value);
  } else if (k >= 0 && optopt >= LONG_VAL) {
    snprintf(p->msg, sizeof p->msg, "option --%s takes no value, got \"%s\"", p->opts[k].name,
             argv[optind - 1]);
  } else if (optopt != 0) {
    snprintf(p->msg, sizeof p->msg, "unexpected argument \"-%c\"", optopt);
  } else {
    snprintf(p->msg, sizeof p->msg, "unexpected argument \"%s\"", argv[optind - 1]);
  }
  return FS_CLI_OPT_BAD;
}

int fs_cli_next_opt(fs_cli_opts *p, int argc, char **argv, const char **value) {
  /* after "--" (or, with "+", the first operand) getopt is done: the rest are operands */
  int c = p->done ? -1 : getopt_long(argc, argv, p->shortopts, p->longopts, NULL);
  *value = optarg;
  if (c == -1) {
    p->done = true;
    if (optind >= argc) return FS_CLI_OPT_END;
    *value = argv[optind++];
    return FS_CLI_OPT_OPERAND;
  }
  if (c == 1) return FS_CLI_OPT_OPERAND;
  if (c == '?' || c == ':') return bad_option(p, argv, c);
  int k = option_index(p, c);
  return k >= 0 ? k : FS_CLI_OPT_BAD;
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
