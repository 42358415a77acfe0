/* fuzz_spikecsv.c - libFuzzer harness: the input is a spike-time CSV, parsed for an input of
 * 100 nodes and a run of 10 s at dt = 0.1 ms; every spike that comes out must fit both. */
#include <fearsim/spikecsv.h>

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static fs_status check_spike(void *arg, uint64_t node, int64_t step, fs_error *err) {
  const fs_spikecsv_limits *lim = arg;
  (void)err;
  if (node >= lim->n_nodes || step < 0 || step >= lim->n_steps) abort();
  return FS_OK;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  fs_spikecsv_limits lim = {100, 1e-4, 100000};
  fs_error err = {0};
  fs_spikecsv_parse("fuzz.csv", (const char *)data, size, &lim, check_spike, &lim, &err);
  return 0;
}
