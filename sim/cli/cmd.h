/* cmd.h - the fearsim subcommands; each takes its own argv (argv[0] is the command name)
 * and returns the process exit code. */
#ifndef FEARSIM_CMD_H
#define FEARSIM_CMD_H

int fs_cli_run(int argc, char **argv);
int fs_cli_check(int argc, char **argv);
int fs_cli_resume(int argc, char **argv);
int fs_cli_info(int argc, char **argv);
int fs_cli_sweep(int argc, char **argv);
int fs_cli_models(int argc, char **argv);
int fs_cli_params(int argc, char **argv);

#endif
