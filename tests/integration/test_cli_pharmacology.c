/* test_cli_pharmacology.c - the pharmacology-only mode: `fearsim pk` prints the
 * concentration-time table of a dosing plan and `fearsim run` writes it to /timeline; the
 * human infusion ends at 150-250 ng/mL (docs/model.md §8 row 5; about 177 with Clements & Nimmo,
 * 185 observed). */
#include "fs_test.h"

#include "cli_run.h"

#include <hdf5.h>

/* The row at 9.6667 h (the end of the 09:00 + 40 min infusion) of the pk table. */
static void test_pk_table(void **state) {
  (void)state;
  const char *args[] = {"pk",      FS_SOURCE_DIR "/configs/pharmacology/ketamine_infusion.yaml",
                        "--step",  "10 min",
                        "--until", "12 h",
                        NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  const char *row = strstr(r.out, "9.6667");
  assert_non_null(row);
  double t, plasma, effect;
  assert_int_equal(sscanf(row, "%lf %lf %lf", &t, &plasma, &effect), 3);
  assert_true(plasma >= 150.0 && plasma <= 250.0);
  fs_assert_close(plasma, 177.3, 0.005, 0.0);
}

static void test_run_writes_timeline(void **state) {
  (void)state;
  const char *out = test_path(0, "ket.h5");
  const char *args[] = {"run",     FS_SOURCE_DIR "/configs/pharmacology/ketamine_infusion.yaml",
                        "-o",      out,
                        "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t d = H5Dopen2(f, "/timeline/ketamine_plasma_ng_per_mL", H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t sp = H5Dget_space(d);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(sp, &n, NULL);
  assert_int_equal(n, 2 * 24 * 60 + 1); /* a row a minute for two days */
  double *c = malloc(n * sizeof *c);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, c) >= 0);
  double peak = 0;
  hsize_t at = 0;
  for (hsize_t k = 0; k < n; k++)
    if (c[k] > peak) {
      peak = c[k];
      at = k;
    }
  assert_int_equal(at, 9 * 60 + 40); /* the end of the infusion, in minutes */
  fs_assert_close(peak, 177.3, 0.005, 0.0);
  assert_true(c[n - 1] < 1e-3 * peak); /* a day and a half later: washed out */
  free(c);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
}

static void test_bad_dose(void **state) {
  (void)state;
  const char *args[] = {"pk", FS_SOURCE_DIR "/configs/pharmacology/ketamine_infusion.yaml", "--set",
                        "drugs[0].dose=0.5 mV", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "drugs[0].dose"));
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pk_table),
      cmocka_unit_test(test_run_writes_timeline),
      cmocka_unit_test(test_bad_dose),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
