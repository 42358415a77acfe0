/* cmd_info.c - `fearsim info OUT.h5`: what a result file holds, in a few lines. */
#include "cli.h"
#include "cmd.h"

#include <fearsim/record.h>
#include <fearsim/record_reader.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char info_usage[] = "usage: fearsim info OUT.h5\n"
                                 "\n"
                                 "Prints what a result file holds: how it was made (version, "
                                 "experiment, seed,\nthreads), its populations with spike counts "
                                 "and rates, and every dataset with its\nshape and units.\n";

static const fs_cli_opt info_opt_table[] = {{"help", 'h', NULL}};

static int info_usage_error(const char *msg) {
  fprintf(stderr, "fearsim: %s\n%s", msg, info_usage);
  return 2;
}

/* The result file named on the command line; NULL after --help or a usage error (*rc). */
static const char *parse_info_args(int argc, char **argv, int *rc) {
  fs_cli_opts p;
  fs_cli_opts_init(&p, info_opt_table, 1);
  const char *v = NULL, *file = NULL;
  int k;
  while ((k = fs_cli_next_opt(&p, argc, argv, &v)) != FS_CLI_OPT_END) {
    if (k == FS_CLI_OPT_BAD || (k == FS_CLI_OPT_OPERAND && (file != NULL || v[0] == '-'))) {
      *rc = info_usage_error("info takes one result file");
      return NULL;
    }
    if (k == FS_CLI_OPT_OPERAND) {
      file = v;
      continue;
    }
    fputs(info_usage, stdout);
    *rc = 0;
    return NULL;
  }
  if (file == NULL) *rc = info_usage_error("info takes one result file");
  return file;
}

int fs_cli_info(int argc, char **argv) {
  int rc = 0;
  const char *file = parse_info_args(argc, argv, &rc);
  if (file == NULL) return rc;
  fs_error err = {0};
  char *text = NULL;
  if (fs_record_reader_info(file, &text, &err) != FS_OK) return fs_cli_fail(&err);
  fputs(text, stdout);
  free(text);
  return 0;
}
