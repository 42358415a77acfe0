/* test_determinism.c - the same seed gives bit-identical result files for 1, 2 and 3 threads
 * (and for two runs with the same thread count): every object, every dataset byte for byte,
 * every attribute except the root's threads, start_time and end_time. Another seed gives
 * other spikes. */
#include "fs_test.h"

#include "cli_run.h"

#include <hdf5.h>

#define COBA FS_SOURCE_DIR "/configs/benchmarks/coba.yaml"
#define QUICKSTART FS_SOURCE_DIR "/configs/quickstart.yaml"

/* fearsim run experiment -o out --threads threads --set duration=0.2 s [more...] */
static void run_with(const char *experiment, const char *out, const char *threads,
                     const char *more1, const char *more2) {
  const char *args[] = {"run",     experiment,  "-o",
                        out,       "--threads", threads,
                        "--quiet", "--set",     "simulation.duration=0.2 s",
                        more1,     more2,       NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0)
    fail_msg("fearsim run -o %s --threads %s failed (%d): %s", out, threads, r.status, r.err);
}

/* --- comparison ------------------------------------------------------------------------ */

typedef struct compare_ctx {
  hid_t other;      /* the file compared with */
  const char *path; /* the object whose attributes are compared (for messages) */
  int objects, datasets, attributes, differ;
} compare_ctx;

static void differs(compare_ctx *c, const char *what, const char *name) {
  print_error("%s %s differs\n", what, name);
  c->differ++;
}

/* The root attributes that legitimately differ between two runs. */
static int ignored_attribute(const char *object, const char *name) {
  return strcmp(object, ".") == 0 &&
         (strcmp(name, "threads") == 0 || strcmp(name, "start_time") == 0 ||
          strcmp(name, "end_time") == 0);
}

/* The bytes of an attribute or dataset value: variable-length strings as their text, the
 * rest raw in the native version of the file's type. *bytes is the length. */
static unsigned char *read_value(hid_t obj, hid_t type, hid_t space, int is_attr, size_t *bytes) {
  hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) return NULL;
  if (H5Tis_variable_str(type) > 0) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(type));
    char **s = calloc((size_t)n + 1, sizeof *s);
    herr_t ok = is_attr ? H5Aread(obj, mt, s) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s);
    size_t len = 0;
    for (hssize_t k = 0; ok >= 0 && k < n; k++)
      len += (s[k] ? strlen(s[k]) : 0) + 1;
    unsigned char *buf = ok >= 0 ? malloc(len + 1) : NULL;
    size_t at = 0;
    for (hssize_t k = 0; buf && k < n; k++) {
      size_t l = (s[k] ? strlen(s[k]) : 0) + 1;
      memcpy(buf + at, s[k] ? s[k] : "", l);
      at += l;
    }
    if (ok >= 0) H5Dvlen_reclaim(mt, space, H5P_DEFAULT, s);
    free(s);
    H5Tclose(mt);
    *bytes = at;
    return buf;
  }
  hid_t nt = H5Tget_native_type(type, H5T_DIR_DEFAULT);
  *bytes = (size_t)n * H5Tget_size(nt);
  unsigned char *buf = malloc(*bytes + 1);
  herr_t ok =
      is_attr ? H5Aread(obj, nt, buf) : H5Dread(obj, nt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  H5Tclose(nt);
  if (ok < 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* Same type, same shape, same bytes. */
static int same_value(hid_t a, hid_t b, int is_attr) {
  hid_t ta = is_attr ? H5Aget_type(a) : H5Dget_type(a),
        tb = is_attr ? H5Aget_type(b) : H5Dget_type(b);
  hid_t sa = is_attr ? H5Aget_space(a) : H5Dget_space(a);
  hid_t sb = is_attr ? H5Aget_space(b) : H5Dget_space(b);
  int same = H5Tequal(ta, tb) > 0 && H5Sextent_equal(sa, sb) > 0;
  if (same) {
    size_t na = 0, nb = 0;
    unsigned char *x = read_value(a, ta, sa, is_attr, &na),
                  *y = read_value(b, tb, sb, is_attr, &nb);
    same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
  }
  H5Sclose(sa);
  H5Sclose(sb);
  H5Tclose(ta);
  H5Tclose(tb);
  return same;
}

static herr_t compare_attribute(hid_t obj, const char *name, const H5A_info_t *info, void *p) {
  (void)info;
  compare_ctx *c = p;
  if (ignored_attribute(c->path, name)) return 0;
  c->attributes++;
  char full[512];
  snprintf(full, sizeof full, "%s@%s", c->path, name);
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t b = H5Aopen_by_name(c->other, c->path, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0 || b < 0 || !same_value(a, b, 1)) differs(c, "attribute", full);
  if (a >= 0) H5Aclose(a);
  if (b >= 0) H5Aclose(b);
  return 0;
}

static herr_t compare_object(hid_t f, const char *name, const H5O_info_t *info, void *p) {
  compare_ctx *c = p;
  c->objects++;
  c->path = name;
  H5O_info_t other;
  if (H5Lexists(c->other, name, H5P_DEFAULT) <= 0 && strcmp(name, ".") != 0) {
    differs(c, "object (missing in the other file)", name);
    return 0;
  }
  if (H5Oget_info_by_name(c->other, name, &other, H5P_DEFAULT) < 0 || other.type != info->type) {
    differs(c, "object type", name);
    return 0;
  }
  if (other.num_attrs != info->num_attrs) differs(c, "attribute count of", name);
  hid_t obj = H5Oopen(f, name, H5P_DEFAULT);
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, NULL, compare_attribute, c);
  H5Oclose(obj);
  if (info->type == H5O_TYPE_DATASET) {
    c->datasets++;
    hid_t a = H5Dopen2(f, name, H5P_DEFAULT), b = H5Dopen2(c->other, name, H5P_DEFAULT);
    if (!same_value(a, b, 0)) differs(c, "dataset", name);
    H5Dclose(a);
    H5Dclose(b);
  }
  return 0;
}

static herr_t count_object(hid_t f, const char *name, const H5O_info_t *info, void *n) {
  (void)f, (void)name, (void)info;
  (*(int *)n)++;
  return 0;
}

/* Both files hold the same objects with the same attributes and the same dataset bytes. */
static void assert_same_files(const char *pa, const char *pb) {
  hid_t a = H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT), b = H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(a >= 0 && b >= 0);
  compare_ctx c = {b, ".", 0, 0, 0, 0};
  assert_true(H5Ovisit(a, H5_INDEX_NAME, H5_ITER_INC, compare_object, &c) >= 0);
  int in_b = 0;
  assert_true(H5Ovisit(b, H5_INDEX_NAME, H5_ITER_INC, count_object, &in_b) >= 0);
  if (c.differ) fail_msg("%s and %s differ in %d places", pa, pb, c.differ);
  assert_int_equal(c.objects, in_b);
  assert_true(c.datasets >= 7);    /* spikes (2 per population), rates, their time */
  assert_true(c.attributes >= 20); /* root, units and description, sorting, network */
  H5Fclose(a);
  H5Fclose(b);
}

static int thread_attr(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  int v = -1;
  hid_t a = H5Aopen(f, "threads", H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_INT, &v);
  H5Aclose(a);
  H5Fclose(f);
  return v;
}

/* --- tests ----------------------------------------------------------------------------- */

static void test_coba_threads(void **state) {
  (void)state;
  const char *c1 = test_path(0, "c1.h5"), *c2 = test_path(1, "c2.h5"), *c3 = test_path(2, "c3.h5");
  run_with(COBA, c1, "1", NULL, NULL);
  run_with(COBA, c2, "2", NULL, NULL);
  run_with(COBA, c3, "3", NULL, NULL);
  assert_int_equal(thread_attr(c1), 1); /* they did run with different thread counts */
  assert_int_equal(thread_attr(c3), 3);
  assert_same_files(c1, c2);
  assert_same_files(c1, c3);
  assert_same_files(c3, c2);
}

static void test_coba_same_seed_twice(void **state) {
  (void)state;
  const char *a = test_path(0, "s1.h5"), *b = test_path(1, "s2.h5");
  run_with(COBA, a, "2", "--seed", "5");
  run_with(COBA, b, "2", "--seed", "5");
  assert_same_files(a, b);
}

/* With Poisson inputs, NMDA synapses and a drug: spikes, rates and the block timeline. */
static void test_drug_run_threads(void **state) {
  (void)state;
  const char *drug = "drugs=[{drug: ketamine, route: local, concentration: 50 uM, "
                     "populations: [E], at: 0.05 s, duration: 0.1 s}]";
  const char *q1 = test_path(0, "q1.h5"), *q2 = test_path(1, "q2.h5"), *q3 = test_path(2, "q3.h5");
  run_with(QUICKSTART, q1, "1", "--set", drug);
  run_with(QUICKSTART, q2, "2", "--set", drug);
  run_with(QUICKSTART, q3, "3", "--set", drug);
  assert_same_files(q1, q2);
  assert_same_files(q1, q3);
}

static unsigned char *read_dataset(const char *file, const char *name, size_t *bytes) {
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
  unsigned char *v = read_value(d, t, sp, 0, bytes);
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

static void test_other_seed_other_spikes(void **state) {
  (void)state;
  const char *a = test_path(0, "s5.h5"), *b = test_path(1, "s6.h5");
  run_with(COBA, a, "2", "--seed", "5");
  run_with(COBA, b, "2", "--seed", "6");
  const char *names[] = {"/spikes/E/timestamps", "/spikes/E/node_ids", "/spikes/I/node_ids"};
  for (int k = 0; k < 3; k++) {
    size_t na = 0, nb = 0;
    unsigned char *x = read_dataset(a, names[k], &na), *y = read_dataset(b, names[k], &nb);
    assert_true(x && y && na > 0 && nb > 0);
    if (na == nb && memcmp(x, y, na) == 0) fail_msg("%s is the same for seeds 5 and 6", names[k]);
    free(x);
    free(y);
  }
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_coba_threads),
      cmocka_unit_test(test_coba_same_seed_twice),
      cmocka_unit_test(test_drug_run_threads),
      cmocka_unit_test(test_other_seed_other_spikes),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
