/* cmd_info.c - `fearsim info OUT.h5`: what a result file holds, in a few lines. */
#include "cli.h"
#include "cmd.h"

#include <fearsim/record.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char info_usage[] = "usage: fearsim info OUT.h5\n"
                                 "\n"
                                 "Prints what a result file holds: how it was made (version, "
                                 "experiment, seed,\nthreads), its populations with spike counts "
                                 "and rates, and every dataset with its\nshape and units.\n";

int fs_cli_info(int argc, char **argv) {
  if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
    fputs(info_usage, stdout);
    return 0;
  }
  if (argc != 2 || argv[1][0] == '-') {
    fprintf(stderr, "fearsim: info takes one result file\n%s", info_usage);
    return 2;
  }
  fs_error err = {0};
  char *text = NULL;
  if (fs_record_info(argv[1], &text, &err) != FS_OK) return fs_cli_fail(&err);
  fputs(text, stdout);
  free(text);
  return 0;
}
