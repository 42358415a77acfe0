/* cli_pk.h - `fearsim pk`: the concentration–time table of an experiment's dosing plan. */
#ifndef FEARSIM_CLI_PK_H
#define FEARSIM_CLI_PK_H

/* argv[0] = "pk". Prints the table on stdout (and as CSV with --csv FILE). Returns the exit
 * code: 0 ok, 2 bad input ("fearsim: <message>" on stderr), 1 any other failure. */
int fs_cli_pk(int argc, char **argv);

#endif
