/* test_determinism.c - the same seed gives bit-identical datasets for 1, 2 and 4 threads (and
 * for two runs with the same thread count); another seed gives other spikes. */
#include "fs_test.h"

#include "cli_run.h"

#include <hdf5.h>

static void run_with(const char *experiment, const char *out, const char *threads,
                     const char *extra_set) {
  const char *args[] = {"run",   experiment, "-o",      out,     "--threads",
                        threads, "--quiet",  "--force", "--set", "simulation.duration=0.2 s",
                        "--set", extra_set,  NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) fail_msg("fearsim run failed: %s", r.err);
}

/* The raw bytes of a dataset, in its own type. */
static unsigned char *read_raw(hid_t f, const char *name, size_t *bytes) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return NULL;
  hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
  *bytes = (size_t)H5Sget_simple_extent_npoints(sp) * H5Tget_size(t);
  unsigned char *buf = malloc(*bytes + 1);
  if (H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
    free(buf);
    buf = NULL;
  }
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(d);
  return buf;
}

typedef struct compare_ctx {
  hid_t other;
  int datasets, differ;
} compare_ctx;

static herr_t compare_dataset(hid_t f, const char *name, const H5O_info_t *info, void *p) {
  compare_ctx *c = p;
  if (info->type != H5O_TYPE_DATASET) return 0;
  size_t na = 0, nb = 0;
  unsigned char *a = read_raw(f, name, &na), *b = read_raw(c->other, name, &nb);
  c->datasets++;
  if (!a || !b || na != nb || memcmp(a, b, na) != 0) {
    print_error("dataset %s differs\n", name);
    c->differ++;
  }
  free(a);
  free(b);
  return 0;
}

/* Every dataset of a is in b with the same bytes. */
static void assert_same_datasets(const char *pa, const char *pb) {
  hid_t a = H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT), b = H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(a >= 0 && b >= 0);
  compare_ctx c = {b, 0, 0};
  assert_true(H5Ovisit(a, H5_INDEX_NAME, H5_ITER_NATIVE, compare_dataset, &c) >= 0);
  assert_true(c.datasets >= 5);
  assert_int_equal(c.differ, 0);
  H5Fclose(a);
  H5Fclose(b);
}

static void test_coba_threads(void **state) {
  (void)state;
  const char *exp = FS_SOURCE_DIR "/configs/benchmarks/coba.yaml";
  run_with(exp, test_path(0, "c1.h5"), "1", "seed=5");
  run_with(exp, test_path(1, "c2.h5"), "2", "seed=5");
  run_with(exp, test_path(2, "c4.h5"), "4", "seed=5");
  run_with(exp, test_path(3, "c2b.h5"), "2", "seed=5");
  assert_same_datasets(test_path(0, "c1.h5"), test_path(1, "c2.h5"));
  assert_same_datasets(test_path(0, "c1.h5"), test_path(2, "c4.h5"));
  assert_same_datasets(test_path(1, "c2.h5"), test_path(3, "c2b.h5"));
}

/* With inputs, NMDA synapse agents and a drug: spikes, rates and the block timeline. */
static void test_drug_run_threads(void **state) {
  (void)state;
  const char *exp = FS_SOURCE_DIR "/configs/quickstart.yaml";
  const char *drug = "drugs=[{drug: ketamine, route: local, concentration: 50 uM, "
                     "populations: [E], at: 0.05 s, duration: 0.1 s}]";
  run_with(exp, test_path(0, "q1.h5"), "1", drug);
  run_with(exp, test_path(1, "q2.h5"), "2", drug);
  run_with(exp, test_path(2, "q4.h5"), "4", drug);
  assert_same_datasets(test_path(0, "q1.h5"), test_path(1, "q2.h5"));
  assert_same_datasets(test_path(0, "q1.h5"), test_path(2, "q4.h5"));
}

static void test_other_seed_other_spikes(void **state) {
  (void)state;
  const char *exp = FS_SOURCE_DIR "/configs/benchmarks/coba.yaml";
  run_with(exp, test_path(0, "s5.h5"), "2", "seed=5");
  run_with(exp, test_path(1, "s6.h5"), "2", "seed=6");
  hid_t a = H5Fopen(test_path(0, "s5.h5"), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t b = H5Fopen(test_path(1, "s6.h5"), H5F_ACC_RDONLY, H5P_DEFAULT);
  size_t na = 0, nb = 0;
  unsigned char *x = read_raw(a, "/spikes/E/node_ids", &na);
  unsigned char *y = read_raw(b, "/spikes/E/node_ids", &nb);
  assert_true(x && y);
  assert_true(na != nb || memcmp(x, y, na) != 0);
  free(x);
  free(y);
  H5Fclose(a);
  H5Fclose(b);
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_coba_threads),
      cmocka_unit_test(test_drug_run_threads),
      cmocka_unit_test(test_other_seed_other_spikes),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
