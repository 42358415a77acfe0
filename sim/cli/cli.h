/* cli.h - pieces shared by the fearsim subcommands: option parsing helpers and the one place
 * that maps a status to an exit code (FS_ERR_INPUT -> 2, anything else -> 1; a run stopped
 * with a checkpoint -> FS_CLI_EXIT_RESUMABLE). */
#ifndef FEARSIM_CLI_H
#define FEARSIM_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <fearsim/checkpoint.h>
#include <fearsim/error.h>

#define FS_CLI_MAX_SETS 256

/* The exit code of `fearsim run` and `fearsim resume` when a signal stopped the run and its
 * checkpoint was written: EX_TEMPFAIL of sysexits.h ("try again later"), so that scripts and
 * sweeps can tell a run to resume from one that failed. */
#define FS_CLI_EXIT_RESUMABLE 75

/* Prints "fearsim: <msg>" to stderr and returns the exit code for err->code. */
int fs_cli_fail(const fs_error *err);

/* The exit code of a status: 0, 1 or 2. */
int fs_cli_exit_code(fs_status st);

/* True if argv[*i] is --set: stores the value (from "--set k=v" or "--set=k=v") in
 * sets[*n_sets] and advances *i. Returns -1 on a missing value or too many --set. */
int fs_cli_take_set(int argc, char **argv, int *i, const char **sets, size_t *n_sets);

/* 0 when this process may go on; otherwise prints why not and returns exit code 2: a build
 * without MPI started as several copies by mpirun, mpiexec or srun (their environment tells),
 * which would race for the same files. Runs before `command` touches any file.
 * FEARSIM_NO_LAUNCH_CHECK=1 in the environment skips the check. */
int fs_cli_refuse_parallel_start(const char *command);

/* ---- options (getopt_long) ------------------------------------------------------------- */

#define FS_CLI_MAX_OPTS 24

/* One option of a subcommand: --name, -letter (0: none) and, for an option with a value,
 * what kind of value it takes ("a file name", "a number"), which names it in the message
 * `option -o needs a file name`; NULL for a flag. --name=value and --name value both work. */
typedef struct fs_cli_opt {
  const char *name;
  char letter;
  const char *value;
} fs_cli_opt;

/* What fs_cli_next_opt found, besides the index of an option in the table. */
enum { FS_CLI_OPT_END = -1, FS_CLI_OPT_OPERAND = -2, FS_CLI_OPT_BAD = -3 };

typedef struct fs_cli_opts {
  const fs_cli_opt *opts;
  size_t n;
  struct option longopts[FS_CLI_MAX_OPTS + 1];
  char shortopts[3 * FS_CLI_MAX_OPTS + 3];
  bool done;     /* getopt_long has returned -1 */
  char msg[512]; /* after FS_CLI_OPT_BAD: `unexpected argument "--fast"` and the like */
} fs_cli_opts;

/* Prepares the parsing of argv[1..] with the n options of table opts (n <= FS_CLI_MAX_OPTS). */
void fs_cli_opts_init(fs_cli_opts *p, const fs_cli_opt *opts, size_t n);

/* The next element of argv, in order: the index of an option in the table (its value in
 * *value, NULL for a flag), FS_CLI_OPT_OPERAND (the operand in *value), FS_CLI_OPT_END, or
 * FS_CLI_OPT_BAD with the reason in p->msg (an unknown option, a missing value, a value given
 * to a flag). optind is the index of the next element, which the caller may advance. */
int fs_cli_next_opt(fs_cli_opts *p, int argc, char **argv, const char **value);

/* The SIGINT or SIGTERM received (0: none), once fs_cli_catch_stop_signals has run: a run or
 * a sweep then stops cleanly instead of dying. */
extern volatile sig_atomic_t fs_cli_stop_signal;
void fs_cli_catch_stop_signals(void);

#endif
