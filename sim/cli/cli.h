/* cli.h - pieces shared by the fearsim subcommands: option parsing helpers and the one place
 * that maps a status to an exit code (FS_ERR_INPUT -> 2, anything else -> 1; a run stopped
 * with a checkpoint -> FS_CLI_EXIT_RESUMABLE). */
#ifndef FEARSIM_CLI_H
#define FEARSIM_CLI_H

#include <signal.h>
#include <stddef.h>

#include <fearsim/checkpoint.h>
#include <fearsim/error.h>

#define FS_CLI_MAX_SETS 256

/* The exit code of a run stopped by SIGTERM or SIGINT after it wrote a checkpoint (75). */
#define FS_CLI_EXIT_RESUMABLE FS_EXIT_RESUMABLE

/* Prints "fearsim: <msg>" to stderr and returns the exit code for err->code. */
int fs_cli_fail(const fs_error *err);

/* The exit code of a status: 0, 1 or 2. */
int fs_cli_exit_code(fs_status st);

/* True if argv[*i] is --set: stores the value (from "--set k=v" or "--set=k=v") in
 * sets[*n_sets] and advances *i. Returns -1 on a missing value or too many --set. */
int fs_cli_take_set(int argc, char **argv, int *i, const char **sets, size_t *n_sets);

/* The SIGINT or SIGTERM received (0: none), once fs_cli_catch_stop_signals has run: a run or
 * a sweep then stops cleanly instead of dying. */
extern volatile sig_atomic_t fs_cli_stop_signal;
void fs_cli_catch_stop_signals(void);

#endif
