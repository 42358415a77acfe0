/* main.c - the fearsim program: dispatches to a subcommand. Only sim/cli/ prints and
 * chooses exit codes (0 ok, 1 runtime failure, 2 bad input). */
#include "cli.h"
#include "cli_pk.h"
#include "cmd.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
  bool writes; /* writes files: refused when started as several copies without MPI */
} command;

static const command commands[] = {
    {"run", fs_cli_run, "run an experiment and write its HDF5 result", true},
    {"check", fs_cli_check, "validate an experiment without running it", false},
    {"resume", fs_cli_resume, "go on with a stopped run from the checkpoint in its .partial", true},
    {"info", fs_cli_info, "describe a result file", false},
    {"sweep", fs_cli_sweep, "run, list or collect the points of a parameter sweep", true},
    {"pk", fs_cli_pk, "print the drug concentration over time of a dosing plan", true},
    {"models", fs_cli_models, "list the neuron models, synapse rules, drugs and PK models", false},
    {"params", fs_cli_params, "print a model's parameters: defaults, units, bounds, sources",
     false},
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
  /* HDF5's clean-up at exit closes again a file whose close failed (a full disk) and crashes
   * in it (HDF5 1.10); the process is ending, so the system reclaims all of it anyway. */
  H5dont_atexit();
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
  for (size_t i = 0; i < N_COMMANDS; i++) {
    if (strcmp(v, commands[i].name) != 0) continue;
    int refused = commands[i].writes ? fs_cli_refuse_parallel_start(v) : 0;
    return refused ? refused : commands[i].run(argc - optind + 1, argv + optind - 1);
  }
  fprintf(stderr, "fearsim: unknown command \"%s\"\n", v);
  usage(stderr);
  return 2;
}
