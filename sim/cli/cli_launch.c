/* cli_launch.c - refuses to start as several copies of a build without MPI: mpirun, mpiexec
 * and srun -n N start N identical processes, and without MPI each one would run the whole
 * experiment or sweep and race the others for the same output files. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef FEARSIM_HAVE_MPI
/* an MPI build shares the work among the copies (fearsim sweep) */
int fs_cli_refuse_parallel_start(const char *command) {
  (void)command;
  return 0;
}
#else

/* A launcher and the environment variable in which it tells each copy how many there are. */
typedef struct launcher {
  const char *name;
  const char *size_var;
} launcher;

/* Slurm's batch shell carries the job's SLURM_NTASKS while it runs one copy, so the number of
 * tasks of the step (set by srun only) is what tells a parallel start; a job array task
 * started without srun, or with srun -n 1, is one copy. */
static const launcher launchers[] = {
    {"mpirun (Open MPI)", "OMPI_COMM_WORLD_SIZE"},
    {"mpiexec (MPICH, Hydra)", "PMI_SIZE"},
    {"srun (Slurm)", "SLURM_STEP_NUM_TASKS"},
};
#define N_LAUNCHERS (sizeof launchers / sizeof launchers[0])

/* The number in variable var, or 1 when it is unset or not a whole number. */
static long copies_from(const char *var) {
  const char *text = getenv(var);
  if (text == NULL) return 1;
  char *end = NULL;
  long n = strtol(text, &end, 10);
  return end != text && *end == '\0' ? n : 1;
}

int fs_cli_refuse_parallel_start(const char *command) {
  /* a program of the user's that runs under mpirun and starts one fearsim per rank with its
   * own output inherits the launcher's variables: it says so with FEARSIM_NO_LAUNCH_CHECK=1 */
  const char *skip = getenv("FEARSIM_NO_LAUNCH_CHECK");
  if (skip != NULL && strcmp(skip, "1") == 0) return 0;
  for (size_t i = 0; i < N_LAUNCHERS; i++) {
    long n = copies_from(launchers[i].size_var);
    if (n <= 1) continue;
    fprintf(stderr,
            "fearsim: %s started %ld copies of \"fearsim %s\" (%s=%ld), but this fearsim was "
            "built without MPI: every copy would do the whole work and race the others for the "
            "same files. Start one copy, or build with -DFEARSIM_MPI=ON for "
            "\"mpirun fearsim sweep\".\n",
            launchers[i].name, n, command, launchers[i].size_var, n);
    return 2;
  }
  return 0;
}
#endif
