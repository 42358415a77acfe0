/* test_frequency_response.c - docs/model.md §8 rows 6 and 7 with configs/plasticity/
 * frequency_response.yaml (900 pulses per group, Graupner-Brunel hippocampal set): depression
 * at 1 and 3 Hz, potentiation at 30 to 100 Hz; with APV in every cell, no change at all.
 * Strength is read as GB2012 do: each synapse counts as UP (rho > rho*) or DOWN, and the
 * strength of a group is the mean of 1 + (b - 1) [UP]. */
#include "fs_test.h"
#include "test_util.h"

#include <hdf5.h>

static const int freqs[] = {1, 3, 10, 30, 50, 100};
#define N_FREQS 6

static double *read_doubles(hid_t f, const char *path, size_t *n) {
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t sp = H5Dget_space(d);
  *n = (size_t)H5Sget_simple_extent_npoints(sp);
  double *v = malloc((*n + 1) * sizeof *v);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Sclose(sp);
  H5Dclose(d);
  return v;
}

static double read_attr(hid_t f, const char *path, const char *name) {
  hid_t o = H5Oopen(f, path, H5P_DEFAULT);
  hid_t a = H5Aopen(o, name, H5P_DEFAULT);
  double v = 0;
  assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0);
  H5Aclose(a);
  H5Oclose(o);
  return v;
}

static double strength(hid_t f, int snapshot, int freq) {
  char group[64], path[96];
  snprintf(group, sizeof group, "/snapshots/%d/%dHz", snapshot, freq);
  snprintf(path, sizeof path, "%s/rho", group);
  size_t n = 0;
  double *rho = read_doubles(f, path, &n);
  double b = read_attr(f, group, "b"), star = read_attr(f, group, "rho_star"), s = 0;
  for (size_t k = 0; k < n; k++)
    s += 1.0 + (b - 1.0) * (rho[k] > star);
  free(rho);
  return s / (double)n;
}

/* Runs the experiment (with extra --set arguments) and returns the relative change of
 * strength of each group. */
static void run(const char *extra, double change[N_FREQS]) {
  char out[256], cmd[2048];
  snprintf(out, sizeof out, "%s/freq.h5", fs_test_dir);
  snprintf(cmd, sizeof cmd,
           "'%s' run '%s/configs/plasticity/frequency_response.yaml' -o '%s' "
           "--force --quiet --threads 1 %s",
           FS_CLI, FS_SOURCE_DIR, out, extra);
  assert_int_equal(system(cmd), 0);
  hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  for (int i = 0; i < N_FREQS; i++)
    change[i] = strength(f, 1, freqs[i]) / strength(f, 0, freqs[i]) - 1.0;
  H5Fclose(f);
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
