/* test_frequency_response.c - docs/model.md §8 rows 6 and 7 with configs/plasticity/
 * frequency_response.yaml (900 pulses per group, Graupner-Brunel hippocampal set): depression
 * at 1 and 3 Hz, potentiation at 30 to 100 Hz; with APV in every cell, no change at all.
 * Strength is read as GB2012 do: each synapse counts as UP (rho > rho*) or DOWN, and the
 * strength of a group is the mean of 1 + (b - 1) [UP] (gb_strength.h). */
#include "fs_test.h"
#include "gb_strength.h"
#include "test_util.h"

static const int freqs[] = {1, 3, 10, 30, 50, 100};
#define N_FREQS 6

/* The strength of the group of freq Hz at snapshot 0 (before) or 1 (after). */
static double strength(const char *file, int snapshot, int freq) {
  char group[64];
  snprintf(group, sizeof group, "/snapshots/%d/%dHz", snapshot, freq);
  return gb_strength(file, group);
}

/* Runs the experiment (with extra --set arguments) and returns the relative change of
 * strength of each group. */
static void run(const char *extra, double change[N_FREQS]) {
  char out[256], extra_opts[1024];
  snprintf(out, sizeof out, "%s/freq.h5", fs_test_dir);
  snprintf(extra_opts, sizeof extra_opts, "--threads 1 %s", extra);
  FS_TEST_RUN(FS_SOURCE_DIR "/configs/plasticity/frequency_response.yaml", out, extra_opts);
  for (int i = 0; i < N_FREQS; i++)
    change[i] = strength(out, 1, freqs[i]) / strength(out, 0, freqs[i]) - 1.0;
}

static void test_ltd_low_ltp_high(void **state) {
  (void)state;
  double c[N_FREQS];
  run("", c);
  print_message("strength change: 1 Hz %+.2f, 3 Hz %+.2f, 10 Hz %+.2f, 30 Hz %+.2f, "
                "50 Hz %+.2f, 100 Hz %+.2f\n",
                c[0], c[1], c[2], c[3], c[4], c[5]);
  assert_true(c[0] < -0.05 && c[1] < -0.05);           /* LTD at 1 and 3 Hz */
  assert_true(c[3] > 0.3 && c[4] > 0.3 && c[5] > 0.3); /* LTP at 30, 50, 100 Hz */
}

static void test_apv_abolishes_both(void **state) {
  (void)state;
  double c[N_FREQS];
  run("--set 'drugs=[{drug: apv, route: local, concentration: 50 uM, populations: [cell_1Hz,"
      " cell_3Hz, cell_10Hz, cell_30Hz, cell_50Hz, cell_100Hz], at: 0 s, duration: 902 s}]'",
      c);
  for (int i = 0; i < N_FREQS; i++)
    fs_assert_close(c[i], 0.0, 0.0, 0.031); /* at most one synapse of 100 switches by noise */
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ltd_low_ltp_high),
      cmocka_unit_test(test_apv_abolishes_both),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
