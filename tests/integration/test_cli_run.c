/* test_cli_run.c - `fearsim run` end to end: the result file read back with the HDF5 C API
 * (root attributes, SONATA spikes, rates, units and description on every dataset), `info`,
 * `check`, `--help`, and the drug timeline of a run with ketamine. */
#include "fs_test.h"

#include "cli_run.h"

#include <hdf5.h>

static const char *result;

static int setup(void **state) {
  (void)state;
  if (fs_test_dir_create()) return -1;
  result = strdup(test_path(0, "q.h5"));
  const char *args[] = {"run",
                        FS_SOURCE_DIR "/configs/quickstart.yaml",
                        "-o",
                        result,
                        "--set",
                        "simulation.duration=0.3 s",
                        "--set",
                        "drugs=[{drug: ketamine, route: local, concentration: 100 uM, "
                        "populations: [E], at: 0.1 s, duration: 0.15 s}]",
                        "--quiet",
                        NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) fprintf(stderr, "fearsim run failed: %s\n", r.err);
  return r.status;
}

static int teardown(void **state) {
  (void)state;
  free((void *)result);
  return fs_test_dir_remove();
}

static double read_double_attr(hid_t obj, const char *name) {
  double v = 0;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  assert_true(a >= 0);
  assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0);
  H5Aclose(a);
  return v;
}

static char *read_string_attr(hid_t obj, const char *name) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  assert_true(a >= 0);
  hid_t t = H5Aget_type(a);
  char *s = NULL;
  if (H5Tis_variable_str(t) > 0) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t));
    char *v = NULL;
    assert_true(H5Aread(a, mt, &v) >= 0);
    s = strdup(v);
    H5free_memory(v);
    H5Tclose(mt);
  } else {
    size_t n = H5Tget_size(t);
    s = calloc(n + 1, 1);
    assert_true(H5Aread(a, t, s) >= 0);
  }
  H5Tclose(t);
  H5Aclose(a);
  return s;
}

static double *read_doubles(hid_t f, const char *path, hsize_t *n) {
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t sp = H5Dget_space(d);
  H5Sget_simple_extent_dims(sp, n, NULL);
  double *v = malloc((*n + 1) * sizeof *v);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Sclose(sp);
  H5Dclose(d);
  return v;
}

static void test_root_attributes(void **state) {
  (void)state;
  hid_t f = H5Fopen(result, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  fs_assert_close(read_double_attr(f, "dt"), 1e-4, 1e-15, 0.0);
  fs_assert_close(read_double_attr(f, "duration"), 0.3, 1e-15, 0.0);
  char *version = read_string_attr(f, "fearsim_version");
  char *yaml = read_string_attr(f, "experiment_yaml");
  assert_string_equal(version, FS_VERSION);
  assert_non_null(strstr(yaml, "0.3 s")); /* the experiment after the override */
  assert_non_null(strstr(yaml, "ketamine"));
  free(version);
  free(yaml);
  H5Fclose(f);
}

static void test_spikes_sonata_layout(void **state) {
  (void)state;
  hid_t f = H5Fopen(result, H5F_ACC_RDONLY, H5P_DEFAULT);
  hsize_t n = 0, m = 0;
  double *t = read_doubles(f, "/spikes/E/timestamps", &n);
  assert_true(n > 10);
  for (hsize_t k = 0; k < n; k++) {
    assert_true(t[k] > 0 && t[k] <= 0.3 + 1e-12);
    if (k) assert_true(t[k] >= t[k - 1]);
  }
  hid_t d = H5Dopen2(f, "/spikes/E/node_ids", H5P_DEFAULT);
  hid_t type = H5Dget_type(d);
  assert_true(H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 8 &&
              H5Tget_sign(type) == H5T_SGN_NONE);
  uint64_t *ids = malloc(n * sizeof *ids);
  assert_true(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids) >= 0);
  for (hsize_t k = 0; k < n; k++)
    assert_true(ids[k] < 400);
  /* the rates of E say the same number of spikes */
  double *rate = read_doubles(f, "/rates/E", &m);
  assert_int_equal(m, 300); /* 0.3 s in 1 ms bins */
  double sum = 0;
  for (hsize_t k = 0; k < m; k++)
    sum += rate[k] * 400 * 1e-3;
  fs_assert_close(sum, (double)n, 1e-9, 0.0);
  hid_t g = H5Gopen2(f, "/spikes/E", H5P_DEFAULT);
  assert_true(H5Aexists(g, "sorting") > 0);
  hid_t a = H5Aopen(g, "sorting", H5P_DEFAULT);
  hid_t at = H5Aget_type(a);
  assert_true(H5Tget_class(at) == H5T_ENUM);
  H5Tclose(at);
  H5Aclose(a);
  H5Gclose(g);
  H5Tclose(type);
  H5Dclose(d);
  free(t);
  free(ids);
  free(rate);
  H5Fclose(f);
}

static herr_t check_dataset(hid_t obj, const char *name, const H5O_info_t *info, void *count) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  hid_t d = H5Dopen2(obj, name, H5P_DEFAULT);
  if (H5Aexists(d, "units") <= 0 || H5Aexists(d, "description") <= 0) {
    print_error("dataset %s lacks units or description\n", name);
    H5Dclose(d);
    return -1;
  }
  H5Dclose(d);
  (*(int *)count)++;
  return 0;
}

static void test_every_dataset_has_units_and_description(void **state) {
  (void)state;
  hid_t f = H5Fopen(result, H5F_ACC_RDONLY, H5P_DEFAULT);
  int count = 0;
  assert_true(H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, check_dataset, &count) >= 0);
  assert_true(count >= 10);
  H5Fclose(f);
}

/* The ketamine window raises the mean block of E's NMDA synapses; none before it. */
static void test_drug_timeline(void **state) {
  (void)state;
  hid_t f = H5Fopen(result, H5F_ACC_RDONLY, H5P_DEFAULT);
  hsize_t n = 0, m = 0;
  double *t = read_doubles(f, "/timeline/time", &n);
  double *b = read_doubles(f, "/timeline/block_E", &m);
  assert_int_equal(n, 31); /* every 10 ms from 0 to 0.3 s */
  assert_int_equal(m, n);
  fs_assert_close(t[30], 0.3, 1e-12, 0.0);
  assert_true(b[10] == 0.0); /* nothing before the window opens at 0.1 s */
  assert_true(b[25] > 0.02);
  assert_true(b[20] > b[15]);
  assert_true(b[25] > b[15]); /* use dependent: it grows while the drug is there */
  free(t);
  free(b);
  H5Fclose(f);
}

static void test_info_and_check(void **state) {
  (void)state;
  cli_result r;
  const char *info[] = {"info", result, NULL};
  cli_run(info, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "/spikes/E/timestamps"));
  assert_non_null(strstr(r.out, "seed:"));
  const char *check[] = {"check", FS_SOURCE_DIR "/configs/quickstart.yaml", NULL};
  cli_run(check, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "quickstart.yaml: ok"));
  const char *commands[] = {"run", "check", "info", "pk"};
  for (int k = 0; k < 4; k++) {
    const char *help[] = {commands[k], "--help", NULL};
    cli_run(help, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: fearsim"));
  }
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_root_attributes),
      cmocka_unit_test(test_spikes_sonata_layout),
      cmocka_unit_test(test_every_dataset_has_units_and_description),
      cmocka_unit_test(test_drug_timeline),
      cmocka_unit_test(test_info_and_check),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
