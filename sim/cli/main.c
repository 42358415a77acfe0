/* main.c - the fearsim program: dispatches to a subcommand. Only sim/cli/ prints and
 * chooses exit codes (0 ok, 1 runtime failure, 2 bad input). */
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
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
  fprintf(f, "usage: fearsim COMMAND [ARGS...]   (fearsim COMMAND --help for its options)\n\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("fearsim %s\n", FS_VERSION);
    return 0;
  }
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "fearsim: unknown command \"%s\"\n", argv[1]);
  usage(stderr);
  return 2;
}
