/* fuzz_experiment.c - libFuzzer harness: the input is an experiment file, loaded the way
 * `fearsim check` loads one (circuit file, spike-time files and all). Any outcome but a crash,
 * a hang, a leak or undefined behaviour is fine: bad input must come back as a status. */
#include <fearsim/experiment.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  const char *path = fuzz_write("experiment.yaml", data, size);
  fs_experiment_spec *spec = NULL;
  fs_error err = {0};
  if (fs_experiment_load(path, NULL, 0, &spec, &err) == FS_OK) fs_experiment_free(spec);
  return 0;
}
