/* main.c - the fearsim program: dispatches to a subcommand. Only sim/cli/ prints and
 * chooses exit codes (0 ok, 1 runtime failure, 2 bad input). */
#include "cli.h"
#include "cli_pk.h"
#include "cmd.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
    {"run", fs_cli_run, "run an experiment and write its HDF5 result"},
    {"check", fs_cli_check, "validate an experiment without running it"},
    {"resume", fs_cli_resume, "go on with a stopped run from the checkpoint in its .partial"},
    {"info", fs_cli_info, "describe a result file"},
    {"sweep", fs_cli_sweep, "run, list or collect the points of a parameter sweep"},
    {"pk", fs_cli_pk, "print the drug concentration over time of a dosing plan"},
    {"models", fs_cli_models, "list the neuron models, synapse rules, drugs and PK models"},
    {"params", fs_cli_params, "print a model's parameters: defaults, units, bounds, sources"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
  fprintf(f, "usage: fearsim COMMAND [ARGS...]   (fearsim COMMAND --help for its options)\n\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

/* The options before the command: --help and --version. */
static const fs_cli_opt main_opt_table[] = {{"help", 'h', NULL}, {"version", 0, NULL}};

int main(int argc, char **argv) {
  fs_cli_opts p;
  fs_cli_opts_init(&p, main_opt_table, 2);
  p.shortopts[0] = '+'; /* stop at the command: its options are its own */
  const char *v = NULL;
  int k = fs_cli_next_opt(&p, argc, argv, &v);
  if (k == 0) {
    usage(stdout);
    return 0;
  }
  if (k == 1) {
    printf("fearsim %s\n", FS_VERSION);
    return 0;
  }
  if (k == FS_CLI_OPT_BAD) {
    fprintf(stderr, "fearsim: %s\n", p.msg);
    usage(stderr);
    return 2;
  }
  if (k == FS_CLI_OPT_END) {
    usage(stderr);
    return 2;
  }
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp(v, commands[i].name) == 0)
      return commands[i].run(argc - optind + 1, argv + optind - 1);
  fprintf(stderr, "fearsim: unknown command \"%s\"\n", v);
  usage(stderr);
  return 2;
}
