/* fuzz_sweep.c - libFuzzer harness: the input is a sweep file, loaded and validated the way
 * `fearsim sweep check` does (every point against its base experiment). */
#include <fearsim/sweep.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  const char *path = fuzz_write("sweep.yaml", data, size);
  fs_sweep *s = NULL;
  fs_error err = {0};
  if (fs_sweep_load(path, &s, &err) == FS_OK) fs_sweep_free(s);
  return 0;
}
