/* consumer.c - a program built against the installed fearsim (find_package or pkg-config):
 * prints the library's release and the populations of the experiment file it is given. */
#include <fearsim/fearsim.h>

#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: consumer EXPERIMENT.yaml\n");
    return 2;
  }
  printf("fearsim %s\n", fs_version_get_release());
  fs_experiment_spec *spec = NULL;
  fs_error err;
  if (fs_experiment_load(argv[1], NULL, 0, &spec, &err) != FS_OK) {
    fprintf(stderr, "consumer: %s\n", err.msg);
    return 2;
  }
  for (size_t i = 0; i < spec->n_pops; i++)
    printf("population %s: %llu\n", spec->pops[i].name, (unsigned long long)spec->pops[i].size);
  printf("duration: %g s\n", spec->duration);
  fs_experiment_free(spec);
  return 0;
}
