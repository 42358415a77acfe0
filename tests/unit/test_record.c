/* test_record.c - writes result files through the record API into a temporary directory and
 * reads them back with the HDF5 C API: values, types, attributes, layout, file lifecycle. */
#define _POSIX_C_SOURCE 200809L

#include "fs_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include <fearsim/record.h>
#include <fearsim/record_checkpoint.h>
#include <fearsim/record_reader.h>

#define N_LA 200000 /* three full flush blocks of 2^16 and a partial one */

typedef struct fixture {
  char dir[64];
  char path[128];    /* dir/out.h5 */
  char partial[160]; /* dir/out.h5.partial */
} fixture;

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (fx == NULL) return -1;
  snprintf(fx->dir, sizeof fx->dir, "/tmp/fs_test_record_XXXXXX");
  if (mkdtemp(fx->dir) == NULL) {
    free(fx);
    return -1;
  }
  snprintf(fx->path, sizeof fx->path, "%s/out.h5", fx->dir);
  snprintf(fx->partial, sizeof fx->partial, "%s.partial", fx->path);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  DIR *d = opendir(fx->dir);
  struct dirent *e;
  char p[512];
  while (d != NULL && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
    unlink(p);
  }
  if (d != NULL) closedir(d);
  rmdir(fx->dir);
  free(fx);
  return 0;
}

/* ---- helpers --------------------------------------------------------------------------- */

static bool file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static fs_record_meta sample_meta(uint64_t seed) {
  fs_record_meta m = {"configs/test.yaml",
                      "network:\n  LA: {size: 1000}\n",
                      "2025-01-01T00:00:00Z",
                      seed,
                      4,
                      1,
                      1e-4,
                      20.0};
  return m;
}

static double la_time(size_t i) {
  return (double)i * 1e-4;
}

static uint64_t la_id(size_t i) {
  return (uint64_t)((i * 7919u) % 1000u);
}

/* LA (1000 neurons, 200 000 spikes, 10 Hz over 20 s), CS (input, not recorded) and CeM
 * (5 spikes: only the final flush writes them). */
static void write_sample(const char *path, bool force, uint64_t seed) {
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(seed);
  size_t la, cs, cem;
  assert_int_equal(fs_record_create(path, force, &meta, &rec, &err), FS_OK);
  assert_int_equal(fs_record_add_population(rec, "LA", "lif_cond", "neuron", 1000, true, &la, &err),
                   FS_OK);
  assert_int_equal(fs_record_add_population(rec, "CS", "poisson", "input", 50, false, &cs, &err),
                   FS_OK);
  assert_int_equal(
      fs_record_add_population(rec, "CeM", "adex_cond", "neuron", 10, true, &cem, &err), FS_OK);
  double t[997];
  uint64_t ids[997];
  for (size_t i = 0; i < N_LA;) {
    size_t n = 0;
    for (; n < 997 && i < N_LA; n++, i++) {
      t[n] = la_time(i);
      ids[n] = la_id(i);
    }
    assert_int_equal(fs_record_append_spikes(rec, la, t, ids, n, &err), FS_OK);
  }
  double ct[5] = {0.1, 0.2, 0.2, 0.3, 0.4};
  uint64_t cid[5] = {0, 9, 3, 3, 5};
  assert_int_equal(fs_record_append_spikes(rec, cem, ct, cid, 5, &err), FS_OK);
  assert_int_equal(fs_record_append_spikes(rec, cs, ct, cid, 5, &err), FS_OK);
  double bins[4] = {0, 5, 10, 15}, rate[4] = {9.5, 10, 10.5, 10};
  assert_int_equal(fs_record_write_array(rec, "/rates/time", bins, 4, NULL, NULL, &err), FS_OK);
  assert_int_equal(fs_record_write_array(rec, "/rates/LA", rate, 4, NULL, NULL, &err), FS_OK);
  size_t bdnf;
  assert_int_equal(fs_record_series_create(rec, "/timeline/bdnf", "mol/m^3",
                                           "BDNF concentration at the synapse", &bdnf, &err),
                   FS_OK);
  double v[3] = {1e-9, 2e-9, 3e-9};
  assert_int_equal(fs_record_series_append(rec, bdnf, v, 3, &err), FS_OK);

  assert_true(file_exists(path) == force); /* during the run: only the .partial is new */
  char partial[256];
  snprintf(partial, sizeof partial, "%s.partial", path);
  assert_true(file_exists(partial));

  assert_int_equal(fs_record_finish(rec, "2025-01-01T00:10:00Z", &err), FS_OK);
  fs_record_free(rec);
  assert_false(file_exists(partial));
  assert_true(file_exists(path));
}

static void *read_all(hid_t file, const char *path, hid_t mtype, size_t elem, size_t *n) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  assert_true(ds >= 0);
  hid_t space = H5Dget_space(ds);
  hsize_t dims[1];
  assert_int_equal(H5Sget_simple_extent_ndims(space), 1);
  H5Sget_simple_extent_dims(space, dims, NULL);
  *n = (size_t)dims[0];
  void *buf = malloc(*n * elem + 1);
  assert_non_null(buf);
  if (*n > 0) assert_true(H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  H5Sclose(space);
  H5Dclose(ds);
  return buf;
}

/* A string attribute (variable or fixed length) into buf; false if absent. */
static bool attr_string(hid_t obj, const char *name, char *buf, size_t len) {
  buf[0] = '\0';
  if (H5Aexists(obj, name) <= 0) return false;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT), ft = H5Aget_type(a);
  bool ok = false;
  if (H5Tget_class(ft) == H5T_STRING && H5Tis_variable_str(ft) > 0) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char *s = NULL;
    ok = H5Aread(a, mt, &s) >= 0 && s != NULL;
    if (ok) snprintf(buf, len, "%s", s);
    H5free_memory(s);
    H5Tclose(mt);
  }
  H5Tclose(ft);
  H5Aclose(a);
  return ok;
}

static void assert_attr_string(hid_t obj, const char *name, const char *expected) {
  char buf[512];
  assert_true(attr_string(obj, name, buf, sizeof buf));
  assert_string_equal(buf, expected);
}

static double attr_double(hid_t obj, const char *name) {
  double v = NAN;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  assert_true(a >= 0);
  assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0);
  H5Aclose(a);
  return v;
}

static uint64_t attr_u64(hid_t obj, const char *name, hid_t expected_type) {
  uint64_t v = 0;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  assert_true(a >= 0);
  hid_t t = H5Aget_type(a);
  assert_true(H5Tequal(t, expected_type) > 0);
  H5Tclose(t);
  assert_true(H5Aread(a, H5T_NATIVE_UINT64, &v) >= 0);
  H5Aclose(a);
  return v;
}

static void assert_dtype(hid_t file, const char *path, hid_t expected) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  assert_true(ds >= 0);
  hid_t t = H5Dget_type(ds);
  assert_true(H5Tequal(t, expected) > 0);
  H5Tclose(t);
  H5Dclose(ds);
}

/* Chunk size, shuffle and deflate (level 4) on a dataset. */
static void assert_layout(hid_t file, const char *path, hsize_t chunk, hsize_t maxdim) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  assert_true(ds >= 0);
  hid_t dcpl = H5Dget_create_plist(ds);
  assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
  hsize_t dims[1] = {0}, maxdims[1] = {0};
  assert_int_equal(H5Pget_chunk(dcpl, 1, dims), 1);
  assert_int_equal(dims[0], chunk);
  hid_t space = H5Dget_space(ds);
  H5Sget_simple_extent_dims(space, dims, maxdims);
  assert_true(maxdims[0] == maxdim);
  H5Sclose(space);
  bool shuffle = false, deflate = false;
  int nf = H5Pget_nfilters(dcpl);
  for (int i = 0; i < nf; i++) {
    unsigned flags, cd[8];
    size_t ncd = 8;
    char name[64];
    H5Z_filter_t f = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, sizeof name, name, NULL);
    if (f == H5Z_FILTER_SHUFFLE) shuffle = true;
    if (f == H5Z_FILTER_DEFLATE) {
      deflate = true;
      assert_true(ncd >= 1);
      assert_int_equal(cd[0], 4);
    }
  }
  assert_true(shuffle);
  assert_true(deflate);
  H5Pclose(dcpl);
  H5Dclose(ds);
}

typedef struct visit_ctx {
  int datasets, missing;
  char first_missing[256];
} visit_ctx;

static herr_t check_described(hid_t root, const char *name, const H5L_info_t *li, void *data) {
  visit_ctx *ctx = data;
  char units[64], desc[256];
  (void)li;
  hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
  if (H5Iget_type(obj) == H5I_DATASET) {
    ctx->datasets++;
    bool ok = attr_string(obj, "units", units, sizeof units) && units[0] != '\0' &&
              attr_string(obj, "description", desc, sizeof desc) && desc[0] != '\0';
    if (!ok && ctx->missing++ == 0)
      snprintf(ctx->first_missing, sizeof ctx->first_missing, "%s", name);
  }
  H5Oclose(obj);
  return 0;
}

/* Runs with stderr redirected to a file and returns how many bytes were printed. */
typedef struct capture {
  int saved;
  char path[192];
} capture;

static void capture_begin(capture *c, const char *dir) {
  snprintf(c->path, sizeof c->path, "%s/stderr.txt", dir);
  fflush(stderr);
  c->saved = dup(2);
  int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0 && c->saved >= 0);
  dup2(fd, 2);
  close(fd);
}

static long capture_end(capture *c) {
  struct stat sb;
  fflush(stderr);
  dup2(c->saved, 2);
  close(c->saved);
  assert_int_equal(stat(c->path, &sb), 0);
  unlink(c->path);
  return (long)sb.st_size;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_check_output(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  char path[256], expected[512];

  assert_int_equal(fs_record_check_output(fx->path, false, &err), FS_OK);
  assert_false(file_exists(fx->path)); /* writes nothing */

  snprintf(path, sizeof path, "%s/nope/x.h5", fx->dir);
  assert_int_equal(fs_record_check_output(path, true, &err), FS_ERR_INPUT);
  snprintf(expected, sizeof expected, "cannot write \"%s\": directory \"%s/nope\" does not exist",
           path, fx->dir);
  fs_assert_msg(err, expected);

  write_text(fx->path, "old");
  assert_int_equal(fs_record_check_output(fx->path, false, &err), FS_ERR_INPUT);
  snprintf(expected, sizeof expected, "output \"%s\" exists (use --force to overwrite it)",
           fx->path);
  fs_assert_msg(err, expected);
  assert_int_equal(fs_record_check_output(fx->path, true, &err), FS_OK);

  assert_int_equal(fs_record_check_output(fx->dir, true, &err), FS_ERR_INPUT);
  snprintf(expected, sizeof expected, "output \"%s\" is a directory", fx->dir);
  fs_assert_msg(err, expected);

  /* a name the file system cannot hold with ".partial.compact" appended is bad input */
  char name[300];
  memset(name, 'n', 240);
  snprintf(name + 240, sizeof name - 240, ".h5");
  char long_path[600];
  snprintf(long_path, sizeof long_path, "%s/%s", fx->dir, name);
  assert_int_equal(fs_record_check_output(long_path, false, &err), FS_ERR_INPUT);
  assert_non_null(strstr(err.msg, "\" is too long: at most 239 bytes"));

  /* create runs the same checks and leaves nothing behind */
  fs_record *rec = (fs_record *)&err;
  fs_record_meta meta = sample_meta(1);
  assert_int_equal(fs_record_create(path, false, &meta, &rec, &err), FS_ERR_INPUT);
  assert_null(rec);
  snprintf(expected, sizeof expected, "cannot write \"%s\": directory \"%s/nope\" does not exist",
           path, fx->dir);
  fs_assert_msg(err, expected);
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_ERR_INPUT);
  assert_null(rec);
  assert_false(file_exists(fx->partial));
}

static void test_spikes_and_layout(void **state) {
  fixture *fx = *state;
  write_sample(fx->path, false, 42);

  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  size_t n, m;
  double *t = read_all(f, "/spikes/LA/timestamps", H5T_NATIVE_DOUBLE, sizeof *t, &n);
  uint64_t *ids = read_all(f, "/spikes/LA/node_ids", H5T_NATIVE_UINT64, sizeof *ids, &m);
  assert_int_equal(n, N_LA);
  assert_int_equal(m, N_LA);
  size_t bad = 0;
  for (size_t i = 0; i < n; i++)
    bad += t[i] != la_time(i) * 1e3 || ids[i] != la_id(i); /* the file holds ms */
  assert_int_equal(bad, 0);
  free(t);
  free(ids);

  t = read_all(f, "/spikes/CeM/timestamps", H5T_NATIVE_DOUBLE, sizeof *t, &n);
  ids = read_all(f, "/spikes/CeM/node_ids", H5T_NATIVE_UINT64, sizeof *ids, &m);
  assert_int_equal(n, 5);
  assert_int_equal(m, 5);
  fs_assert_close(t[4], 400.0, 1e-15, 0);
  assert_int_equal(ids[1], 9);
  free(t);
  free(ids);
  assert_true(H5Lexists(f, "/spikes/CS", H5P_DEFAULT) == 0); /* not recorded */

  assert_dtype(f, "/spikes/LA/timestamps", H5T_IEEE_F64LE);
  assert_dtype(f, "/spikes/LA/node_ids", H5T_STD_U64LE);
  assert_layout(f, "/spikes/LA/timestamps", 65536, H5S_UNLIMITED);
  assert_layout(f, "/spikes/LA/node_ids", 65536, H5S_UNLIMITED);
  assert_layout(f, "/rates/LA", 4, 4);
  assert_layout(f, "/timeline/bdnf", 4096, H5S_UNLIMITED);

  hid_t ds = H5Dopen2(f, "/spikes/LA/timestamps", H5P_DEFAULT);
  assert_attr_string(ds, "units", "ms");
  H5Dclose(ds);
  ds = H5Dopen2(f, "/spikes/LA/node_ids", H5P_DEFAULT);
  assert_attr_string(ds, "units", "1");
  H5Dclose(ds);
  ds = H5Dopen2(f, "/rates/LA", H5P_DEFAULT);
  assert_attr_string(ds, "units", "Hz");
  H5Dclose(ds);
  ds = H5Dopen2(f, "/timeline/bdnf", H5P_DEFAULT);
  assert_attr_string(ds, "units", "mol/m^3");
  assert_attr_string(ds, "description", "BDNF concentration at the synapse");
  H5Dclose(ds);

  visit_ctx vc = {0, 0, ""};
  assert_true(H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, check_described, &vc) >= 0);
  assert_int_equal(vc.datasets, 7);
  assert_string_equal(vc.first_missing, "");

  /* The 1.8 file format (superblock version 2), pinned by the library bounds. */
  H5F_info2_t finfo;
  assert_true(H5Fget_info2(f, &finfo) >= 0);
  assert_int_equal(finfo.super.version, 2);
  H5Fclose(f);
}

static void test_sorting_enum(void **state) {
  fixture *fx = *state;
  write_sample(fx->path, false, 42);
  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t g = H5Gopen2(f, "/spikes/LA", H5P_DEFAULT);
  hid_t a = H5Aopen(g, "sorting", H5P_DEFAULT);
  assert_true(a >= 0);
  hid_t t = H5Aget_type(a);
  assert_int_equal(H5Tget_class(t), H5T_ENUM);
  assert_int_equal(H5Tget_nmembers(t), 3);
  static const char *const names[] = {"none", "by_id", "by_time"};
  for (unsigned i = 0; i < 3; i++) {
    char *name = H5Tget_member_name(t, i);
    uint8_t v = 99;
    assert_string_equal(name, names[i]);
    H5free_memory(name);
    assert_true(H5Tget_member_value(t, i, &v) >= 0);
    assert_int_equal(v, i);
  }
  assert_int_equal(H5Tget_size(t), 1);
  uint8_t value = 0;
  char vname[16];
  assert_true(H5Aread(a, t, &value) >= 0);
  assert_true(H5Tenum_nameof(t, &value, vname, sizeof vname) >= 0);
  assert_string_equal(vname, "by_time");
  H5Tclose(t);
  H5Aclose(a);
  H5Gclose(g);
  H5Fclose(f);
}

static void test_root_and_network_attributes(void **state) {
  fixture *fx = *state;
  write_sample(fx->path, false, 42);
  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  char buf[512];
  assert_true(attr_string(f, "fearsim_version", buf, sizeof buf));
  assert_true(strlen(buf) > 0);
  assert_true(attr_string(f, "git_commit", buf, sizeof buf));
  assert_true(strlen(buf) > 0);
  assert_attr_string(f, "experiment_file", "configs/test.yaml");
  assert_attr_string(f, "experiment_yaml", "network:\n  LA: {size: 1000}\n");
  assert_attr_string(f, "start_time", "2025-01-01T00:00:00Z");
  assert_attr_string(f, "end_time", "2025-01-01T00:10:00Z");
  assert_int_equal(attr_u64(f, "seed", H5T_STD_U64LE), 42);
  assert_int_equal(attr_u64(f, "format_version", H5T_STD_U64LE), 2);
  assert_int_equal(attr_u64(f, "threads", H5T_STD_I32LE), 4);
  assert_int_equal(attr_u64(f, "ranks", H5T_STD_I32LE), 1);
  fs_assert_close(attr_double(f, "dt"), 1e-4, 0, 0);
  fs_assert_close(attr_double(f, "duration"), 20.0, 0, 0);
  assert_attr_string(f, "dt_units", "s");
  assert_attr_string(f, "duration_units", "s");

  hid_t g = H5Gopen2(f, "/network/LA", H5P_DEFAULT);
  assert_true(g >= 0);
  assert_int_equal(attr_u64(g, "size", H5T_STD_U64LE), 1000);
  assert_attr_string(g, "model", "lif_cond");
  assert_attr_string(g, "kind", "neuron");
  H5Gclose(g);
  g = H5Gopen2(f, "/network/CS", H5P_DEFAULT);
  assert_attr_string(g, "kind", "input");
  H5Gclose(g);
  H5Fclose(f);
}

static void test_arrays_series_and_attrs(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(7);
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_OK);

  static double big[100000];
  for (size_t i = 0; i < 100000; i++)
    big[i] = (double)i * 0.5;
  double small[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  assert_int_equal(fs_record_write_array(rec, "/a/big", big, 100000, "V", "big", &err), FS_OK);
  assert_int_equal(fs_record_write_array(rec, "/a/small", small, 10, "V", "small", &err), FS_OK);
  assert_int_equal(fs_record_write_array(rec, "/a/empty", NULL, 0, "V", "empty", &err), FS_OK);

  size_t h;
  assert_int_equal(fs_record_series_create(rec, "/timeline/plasma", "mol/m^3",
                                           "drug concentration in plasma", &h, &err),
                   FS_OK);
  double v[7];
  for (size_t i = 0; i < 10000; i += 7) {
    size_t k = 0;
    for (; k < 7 && i + k < 10000; k++)
      v[k] = (double)(i + k);
    assert_int_equal(fs_record_series_append(rec, h, v, k, &err), FS_OK);
  }
  assert_int_equal(fs_record_set_attr_string(rec, "/", "note", "first", &err), FS_OK);
  assert_int_equal(fs_record_set_attr_string(rec, "/", "note", "second", &err), FS_OK);
  assert_int_equal(fs_record_set_attr_double(rec, "/a/small", "v_rest", -0.07, "V", &err), FS_OK);
  assert_int_equal(fs_record_set_attr_double(rec, "/a", "gain", 2.0, NULL, &err), FS_OK);
  assert_int_equal(fs_record_finish(rec, "2025-01-01T00:10:00Z", &err), FS_OK);
  fs_record_free(rec);

  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_layout(f, "/a/big", 65536, 100000);
  assert_layout(f, "/a/small", 10, 10);
  assert_layout(f, "/a/empty", 1, H5S_UNLIMITED);
  size_t n;
  double *r = read_all(f, "/a/big", H5T_NATIVE_DOUBLE, sizeof *r, &n);
  assert_int_equal(n, 100000);
  assert_memory_equal(r, big, sizeof big);
  free(r);
  r = read_all(f, "/timeline/plasma", H5T_NATIVE_DOUBLE, sizeof *r, &n);
  assert_int_equal(n, 10000);
  for (size_t i = 0; i < n; i++)
    if (r[i] != (double)i) fail_msg("plasma[%zu] = %g", i, r[i]);
  free(r);
  r = read_all(f, "/a/empty", H5T_NATIVE_DOUBLE, sizeof *r, &n);
  assert_int_equal(n, 0);
  free(r);
  assert_attr_string(f, "note", "second");
  hid_t ds = H5Dopen2(f, "/a/small", H5P_DEFAULT);
  fs_assert_close(attr_double(ds, "v_rest"), -0.07, 0, 0);
  assert_attr_string(ds, "v_rest_units", "V");
  H5Dclose(ds);
  hid_t g = H5Gopen2(f, "/a", H5P_DEFAULT);
  fs_assert_close(attr_double(g, "gain"), 2.0, 0, 0);
  assert_int_equal(H5Aexists(g, "gain_units"), 0);
  H5Gclose(g);
  H5Fclose(f);
}

/* /timeline/time and /rates/time become dimension scales of the series of their length in
 * their group; /trials' indices are int64 and refused as float64 (and the other way round). */
static void test_time_axes_and_integer_columns(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(7);
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_OK);
  size_t time, x, odd;
  double v[3] = {0, 60, 120};
  assert_int_equal(fs_record_series_create(rec, "/timeline/time", "s", "time", &time, &err), FS_OK);
  assert_int_equal(fs_record_series_create(rec, "/timeline/x", "1", "x", &x, &err), FS_OK);
  assert_int_equal(fs_record_series_create(rec, "/timeline/odd", "1", "odd", &odd, &err), FS_OK);
  assert_int_equal(fs_record_series_append(rec, time, v, 3, &err), FS_OK);
  assert_int_equal(fs_record_series_append(rec, x, v, 3, &err), FS_OK);
  assert_int_equal(fs_record_series_append(rec, odd, v, 2, &err), FS_OK);
  assert_int_equal(fs_record_write_array(rec, "/rates/time", v, 3, NULL, NULL, &err), FS_OK);
  assert_int_equal(fs_record_write_array(rec, "/rates/LA", v, 3, NULL, NULL, &err), FS_OK);
  int64_t day[3] = {1, 1, 2};
  assert_int_equal(fs_record_write_array_i64(rec, "/trials/day", day, 3, NULL, "day", &err), FS_OK);
  assert_int_equal(fs_record_write_array(rec, "/trials/trial", v, 3, "1", "trial", &err),
                   FS_ERR_INTERNAL);
  fs_assert_msg(err, "dataset \"/trials/trial\": type differs from the output table");
  assert_int_equal(fs_record_write_array_i64(rec, "/trials/freezing", day, 3, "1", "f", &err),
                   FS_ERR_INTERNAL);
  assert_int_equal(fs_record_finish(rec, "end", &err), FS_OK);
  fs_record_free(rec);

  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  const char *scales[] = {"/timeline/time", "/rates/time"};
  const char *attached[] = {"/timeline/x", "/rates/LA"};
  for (int i = 0; i < 2; i++) {
    hid_t t = H5Dopen2(f, scales[i], H5P_DEFAULT), d = H5Dopen2(f, attached[i], H5P_DEFAULT);
    assert_int_equal(H5DSis_scale(t), 1);
    char name[16] = "";
    assert_true(H5DSget_scale_name(t, name, sizeof name) > 0);
    assert_string_equal(name, "time");
    if (H5DSis_attached(d, t, 0) != 1) fail_msg("%s is not attached to %s", attached[i], scales[i]);
    H5Dclose(d);
    H5Dclose(t);
  }
  hid_t t = H5Dopen2(f, "/timeline/time", H5P_DEFAULT),
        d = H5Dopen2(f, "/timeline/odd", H5P_DEFAULT);
  assert_int_equal(H5DSis_attached(d, t, 0), 0); /* 2 values beside 3 times: not its axis */
  H5Dclose(d);
  H5Dclose(t);
  assert_dtype(f, "/trials/day", H5T_STD_I64LE);
  size_t n;
  int64_t *got = read_all(f, "/trials/day", H5T_NATIVE_INT64, sizeof *got, &n);
  assert_int_equal(n, 3);
  assert_memory_equal(got, day, sizeof day);
  free(got);
  H5Fclose(f);
}

static void test_refuses_undescribed_datasets(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(7);
  double v[3] = {1, 2, 3};
  size_t h = 99;
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_OK);

  assert_int_equal(fs_record_write_array(rec, "/x/y", v, 3, NULL, "desc", &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "dataset \"/x/y\" has no units: pass it or add a row to the output table");
  assert_int_equal(fs_record_write_array(rec, "/x/y", v, 3, "", "desc", &err), FS_ERR_INTERNAL);
  assert_int_equal(fs_record_write_array(rec, "/x/y", v, 3, "V", NULL, &err), FS_ERR_INTERNAL);
  fs_assert_msg(err,
                "dataset \"/x/y\" has no description: pass it or add a row to the output table");
  assert_int_equal(fs_record_write_array(rec, "/x/y", v, 3, "V", "", &err), FS_ERR_INTERNAL);
  assert_int_equal(fs_record_series_create(rec, "/timeline/bdnf", NULL, "BDNF", &h, &err),
                   FS_ERR_INTERNAL);
  assert_int_equal(h, 99);
  assert_int_equal(fs_record_write_array(rec, "/rates/LA", v, 3, "s", NULL, &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "dataset \"/rates/LA\": units \"s\" differ from the output table's \"Hz\"");
  assert_int_equal(fs_record_write_array(rec, "relative", v, 3, "V", "d", &err), FS_ERR_INTERNAL);

  /* refusals write nothing and leave the record usable */
  assert_int_equal(fs_record_write_array(rec, "/rates/time", v, 3, NULL, NULL, &err), FS_OK);
  assert_int_equal(fs_record_finish(rec, "end", &err), FS_OK);
  fs_record_free(rec);
  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_int_equal(H5Lexists(f, "/x", H5P_DEFAULT), 0);
  assert_int_equal(H5Lexists(f, "/timeline", H5P_DEFAULT), 0);
  hid_t ds = H5Dopen2(f, "/rates/time", H5P_DEFAULT);
  assert_attr_string(ds, "units", "s");
  assert_attr_string(ds, "description", "start time of each rate bin");
  H5Dclose(ds);
  H5Fclose(f);
}

static void test_append_checks(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(7);
  size_t la;
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_OK);
  assert_int_equal(fs_record_add_population(rec, "LA", "lif_cond", "neuron", 10, true, &la, &err),
                   FS_OK);
  assert_int_equal(fs_record_add_population(rec, "LA", "lif_cond", "neuron", 10, true, &la, &err),
                   FS_ERR_INTERNAL);
  fs_assert_msg(err, "population \"LA\" declared twice");
  assert_int_equal(fs_record_add_population(rec, "a/b", "lif_cond", "neuron", 10, true, &la, &err),
                   FS_ERR_INTERNAL);
  double t[3] = {0.5, 0.6, 0.7};
  uint64_t ids[3] = {1, 2, 3};
  assert_int_equal(fs_record_append_spikes(rec, la, t, ids, 3, &err), FS_OK);
  double late[2] = {0.8, 0.1};
  assert_int_equal(fs_record_append_spikes(rec, la, late, ids, 2, &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "population \"LA\": spike time 0.10000000000000001 s is not in time order "
                     "(after 0.80000000000000004 s)");
  uint64_t far[1] = {10};
  assert_int_equal(fs_record_append_spikes(rec, la, late, far, 1, &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "population \"LA\": node id 10 is out of range (size 10)");
  assert_int_equal(fs_record_append_spikes(rec, 5, t, ids, 3, &err), FS_ERR_INTERNAL);
  assert_int_equal(fs_record_finish(rec, "end", &err), FS_OK);
  assert_int_equal(fs_record_finish(rec, "end", &err), FS_ERR_INTERNAL); /* only once */
  fs_record_free(rec);

  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  size_t n;
  double *r = read_all(f, "/spikes/LA/timestamps", H5T_NATIVE_DOUBLE, sizeof *r, &n);
  assert_int_equal(n, 3); /* the refused calls appended nothing */
  free(r);
  H5Fclose(f);
}

static void test_free_without_finish(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(7);
  size_t la;
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_OK);
  assert_int_equal(fs_record_add_population(rec, "LA", "lif_cond", "neuron", 10, true, &la, &err),
                   FS_OK);
  static double t[70000];
  static uint64_t ids[70000];
  for (size_t i = 0; i < 70000; i++)
    t[i] = (double)i;
  assert_int_equal(fs_record_append_spikes(rec, la, t, ids, 70000, &err), FS_OK); /* one flush */
  assert_true(file_exists(fx->partial));
  assert_false(file_exists(fx->path));
  fs_record_free(rec);
  assert_false(file_exists(fx->partial));
  assert_false(file_exists(fx->path));
  fs_record_free(NULL);
}

static void test_overwrite_needs_force(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  char expected[512];
  fs_record_meta meta = sample_meta(2);
  write_sample(fx->path, false, 1);

  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_ERR_INPUT);
  snprintf(expected, sizeof expected, "output \"%s\" exists (use --force to overwrite it)",
           fx->path);
  fs_assert_msg(err, expected);
  assert_null(rec);
  assert_false(file_exists(fx->partial));

  write_sample(fx->path, true, 2);
  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_int_equal(attr_u64(f, "seed", H5T_STD_U64LE), 2);
  H5Fclose(f);

  /* A file that appears at the output path during the run is not replaced without force. */
  unlink(fx->path);
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_OK);
  write_text(fx->path, "someone else's");
  assert_int_equal(fs_record_finish(rec, "end", &err), FS_ERR_INPUT);
  fs_assert_msg(err, expected);
  fs_record_free(rec);
  assert_false(file_exists(fx->partial));
  struct stat sb;
  assert_int_equal(stat(fx->path, &sb), 0);
  assert_int_equal(sb.st_size, strlen("someone else's"));
}

static void test_stale_partial(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  char expected[512];
  fs_record_meta meta = sample_meta(3);
  write_text(fx->partial, "x");
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_ERR_INPUT);
  snprintf(expected, sizeof expected,
           "\"%s\" exists: another run may be writing it (use --force to replace it)", fx->partial);
  fs_assert_msg(err, expected);
  assert_null(rec);
  struct stat sb;
  assert_int_equal(stat(fx->partial, &sb), 0); /* not ours: left alone */
  assert_int_equal(sb.st_size, 1);

  assert_int_equal(fs_record_create(fx->path, true, &meta, &rec, &err), FS_OK);
  assert_int_equal(fs_record_finish(rec, "end", &err), FS_OK);
  fs_record_free(rec);
  assert_false(file_exists(fx->partial));
  assert_true(file_exists(fx->path));
}

static void test_info(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  char *text = NULL, line[512], version[64], commit[64];
  write_sample(fx->path, false, 42);
  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  attr_string(f, "fearsim_version", version, sizeof version);
  attr_string(f, "git_commit", commit, sizeof commit);
  H5Fclose(f);

  assert_int_equal(fs_record_reader_info(fx->path, &text, &err), FS_OK);
  assert_non_null(text);
  snprintf(line, sizeof line, "fearsim:     %s (commit %s)\n", version, commit);
  const char *expected[] = {
      line,
      "experiment:  configs/test.yaml\n",
      "seed:        42\n",
      "threads:     4 (MPI ranks: 1)\n",
      "dt:          0.0001 s\n",
      "duration:    20 s\n",
      "start time:  2025-01-01T00:00:00Z\n",
      "end time:    2025-01-01T00:10:00Z\n",
      "  LA           size 1000, model lif_cond, kind neuron: 200000 spikes, mean rate 10 Hz\n",
      "  CS           size 50, model poisson, kind input: spikes not recorded\n",
      "  CeM          size 10, model adex_cond, kind neuron: 5 spikes, mean rate 0.025 Hz\n",
      "/spikes/LA/timestamps",
      "float64  [200000]  ms\n",
      "uint64   [200000]  1\n",
      "/rates/LA",
      "float64  [4]  Hz\n",
      "/timeline/bdnf",
      "[3]  mol/m^3\n",
  };
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
    if (strstr(text, expected[i]) == NULL) fail_msg("info lacks \"%s\" in:\n%s", expected[i], text);
  free(text);
}

static void test_info_errors(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  char *text = (char *)"untouched", expected[512], path[256];

  assert_int_equal(fs_record_reader_info(fx->path, &text, &err), FS_ERR_INPUT);
  assert_null(text);
  snprintf(expected, sizeof expected, "cannot open \"%s\": no such file", fx->path);
  fs_assert_msg(err, expected);

  snprintf(path, sizeof path, "%s/plain.h5", fx->dir);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(f >= 0);
  H5Fclose(f);
  assert_int_equal(fs_record_reader_info(path, &text, &err), FS_ERR_INPUT);
  snprintf(expected, sizeof expected, "\"%s\" is not a fearsim result file", path);
  fs_assert_msg(err, expected);
  assert_null(text);

  snprintf(path, sizeof path, "%s/notes.txt", fx->dir);
  write_text(path, "not HDF5 at all\n");
  assert_int_equal(fs_record_reader_info(path, &text, &err), FS_ERR_INPUT);
  snprintf(expected, sizeof expected, "\"%s\" is not a fearsim result file", path);
  fs_assert_msg(err, expected);

  /* a file with an HDF5 signature that HDF5 cannot open (truncated) is bad input too */
  snprintf(path, sizeof path, "%s/truncated.h5", fx->dir);
  f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(f >= 0);
  hsize_t dims[1] = {4096};
  hid_t space = H5Screate_simple(1, dims, NULL);
  hid_t ds = H5Dcreate2(f, "x", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  double zeros[4096] = {0};
  assert_true(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros) >= 0);
  H5Dclose(ds);
  H5Sclose(space);
  H5Fclose(f);
  assert_int_equal(truncate(path, 3000), 0);
  assert_int_equal(fs_record_reader_info(path, &text, &err), FS_ERR_INPUT);
  snprintf(expected, sizeof expected,
           "\"%s\" is not a fearsim result file: HDF5 cannot read it (truncated file", path);
  assert_true(strncmp(err.msg, expected, strlen(expected)) == 0);
  assert_null(strchr(err.msg, '\n'));
  assert_null(text);
}

/* With HDF5's default error printing switched on, failures inside the library still print
 * nothing and come back as FS_ERR_HDF5 naming the dataset; a failed write is not published. */
static void test_hdf5_errors_are_silent(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(3);
  double v[2] = {1, 2};
  char *text = NULL, path[256];
  capture cap;

  snprintf(path, sizeof path, "%s/plain.h5", fx->dir);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(f);

  H5Eset_auto2(H5E_DEFAULT, (H5E_auto2_t)H5Eprint2, stderr);
  capture_begin(&cap, fx->dir);
  fs_status info_st = fs_record_reader_info(path, &text, &err);
  fs_status st1 = fs_record_create(fx->path, false, &meta, &rec, &err);
  fs_status st2 = fs_record_set_attr_string(rec, "/no/such/group", "a", "b", &err);
  fs_error attr_err = err;
  fs_status st3 = fs_record_finish(rec, "end", &err);
  fs_record_free(rec);
  rec = NULL;
  fs_status st4 = fs_record_create(fx->path, false, &meta, &rec, &err);
  fs_status st5 = fs_record_write_array(rec, "/rates/time", v, 2, NULL, NULL, &err);
  H5Eset_auto2(H5E_DEFAULT, (H5E_auto2_t)H5Eprint2, stderr);
  fs_status st6 = fs_record_write_array(rec, "/rates/time", v, 2, NULL, NULL, &err);
  fs_error dup_err = err;
  fs_record_free(rec);
  long printed = capture_end(&cap);

  assert_int_equal(info_st, FS_ERR_INPUT);
  assert_int_equal(st1, FS_OK);
  assert_int_equal(st2, FS_ERR_HDF5);
  assert_true(strncmp(attr_err.msg, "cannot open \"/no/such/group\"", 28) == 0);
  assert_int_equal(st3, FS_ERR_HDF5);
  assert_int_equal(st4, FS_OK);
  assert_int_equal(st5, FS_OK);
  assert_int_equal(st6, FS_ERR_HDF5);
  if (strncmp(dup_err.msg, "cannot create dataset \"/rates/time\"", 35) != 0)
    fail_msg("message: %s", dup_err.msg);
  assert_int_equal(printed, 0);
  assert_false(file_exists(fx->path));
  assert_false(file_exists(fx->partial));
}

/* ---- checkpoints ----------------------------------------------------------------------- */

/* Slot attribute name written anew with a u64 value (to damage a checksum). */
static void set_u64_attr(const char *path, const char *obj, const char *name, uint64_t v) {
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(f >= 0);
  assert_true(H5Adelete_by_name(f, obj, name, H5P_DEFAULT) >= 0);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a =
      H5Acreate_by_name(f, obj, name, H5T_STD_U64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(a >= 0 && H5Awrite(a, H5T_NATIVE_UINT64, &v) >= 0);
  H5Aclose(a);
  H5Sclose(sp);
  H5Fclose(f);
}

static void checkpoint_v(fs_record *rec, double a, double b, double c) {
  fs_error err = {0};
  double v[3] = {a, b, c};
  assert_int_equal(fs_record_checkpoint_begin(rec, &err), FS_OK);
  assert_int_equal(fs_record_checkpoint_put(rec, "state/v", FS_REC_F64, v, 3, &err), FS_OK);
  assert_int_equal(fs_record_checkpoint_commit(rec, &err), FS_OK);
}

/* The valid slot's state/v, from a read-only open. */
static double first_v(const char *partial, char *slot, size_t len) {
  fs_error err = {0};
  fs_record *rec = NULL;
  double v[3] = {0};
  assert_int_equal(fs_record_checkpoint_open(partial, false, false, &rec, &err), FS_OK);
  assert_int_equal(fs_record_checkpoint_get(rec, "state/v", FS_REC_F64, v, 3, NULL, &err), FS_OK);
  snprintf(slot, len, "%s", fs_record_checkpoint_slot(rec));
  fs_record_free(rec);
  return v[0];
}

/* Two slots in turn, the newer read back; a damaged newer one falls back to the older; a
 * reopened record cuts its series and spikes back to that checkpoint and goes on from it. */
static void test_checkpoint_slots(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(7);
  size_t la, x;
  double t[3] = {0.1, 0.2, 0.3}, vals[5000];
  uint64_t ids[3] = {1, 2, 3};
  for (size_t i = 0; i < 5000; i++)
    vals[i] = (double)i;
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_OK);
  assert_int_equal(fs_record_add_population(rec, "LA", "lif_cond", "neuron", 10, true, &la, &err),
                   FS_OK);
  assert_int_equal(fs_record_series_create(rec, "/timeline/x", "1", "x", &x, &err), FS_OK);
  assert_int_equal(fs_record_append_spikes(rec, la, t, ids, 2, &err), FS_OK);
  assert_int_equal(fs_record_series_append(rec, x, vals, 5, &err), FS_OK);
  checkpoint_v(rec, 1, 2, 3);
  /* after it: a spike, and a whole chunk of the series goes to the file */
  assert_int_equal(fs_record_append_spikes(rec, la, t + 2, ids + 2, 1, &err), FS_OK);
  assert_int_equal(fs_record_series_append(rec, x, vals + 5, 4995, &err), FS_OK);
  checkpoint_v(rec, 4, 5, 6);
  assert_int_equal(fs_record_series_append(rec, x, vals, 10, &err), FS_OK);
  fs_record_free(rec); /* killed: the partial stays */
  assert_true(file_exists(fx->partial));
  char slot[64];
  assert_true(first_v(fx->partial, slot, sizeof slot) == 4.0);
  assert_string_equal(slot, "/checkpoint/b");
  set_u64_attr(fx->partial, "/checkpoint/b", "checksum", 1);
  assert_true(first_v(fx->partial, slot, sizeof slot) == 1.0);
  assert_string_equal(slot, "/checkpoint/a");
  /* a wrong count is refused */
  assert_int_equal(fs_record_checkpoint_open(fx->partial, true, false, &rec, &err), FS_OK);
  double v2[2];
  assert_int_equal(fs_record_checkpoint_get(rec, "state/v", FS_REC_F64, v2, 2, NULL, &err),
                   FS_ERR_INPUT);
  fs_assert_msg(err, "checkpoint array state/v has 3 values, expected 2");
  /* resume from slot a: 2 spikes and 5 values, then one spike and two values more */
  assert_int_equal(fs_record_add_population(rec, "LA", "lif_cond", "neuron", 10, true, &la, &err),
                   FS_OK);
  assert_int_equal(fs_record_series_create(rec, "/timeline/x", "1", "x", &x, &err), FS_OK);
  double more[2] = {-1, -2};
  assert_int_equal(fs_record_append_spikes(rec, la, t + 2, ids + 2, 1, &err), FS_OK);
  assert_int_equal(fs_record_series_append(rec, x, more, 2, &err), FS_OK);
  assert_int_equal(fs_record_finish(rec, "end", &err), FS_OK);
  fs_record_free(rec);
  assert_false(file_exists(fx->partial));
  hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  assert_true(H5Lexists(f, "/checkpoint", H5P_DEFAULT) == 0);
  size_t n = 0;
  double *got = read_all(f, "/timeline/x", H5T_NATIVE_DOUBLE, sizeof(double), &n);
  assert_int_equal(n, 7);
  for (size_t i = 0; i < 5; i++)
    assert_true(got[i] == (double)i);
  assert_true(got[5] == -1.0 && got[6] == -2.0);
  free(got);
  double *ts = read_all(f, "/spikes/LA/timestamps", H5T_NATIVE_DOUBLE, sizeof(double), &n);
  assert_int_equal(n, 3);
  assert_true(ts[0] == 0.1 * 1e3 && ts[1] == 0.2 * 1e3 && ts[2] == 0.3 * 1e3);
  free(ts);
  char v[64];
  assert_true(attr_string(f, "experiment_file", v, sizeof v));
  assert_string_equal(v, "configs/test.yaml"); /* root attributes come along */
  H5Fclose(f);
}

/* A checkpoint begun and never committed leaves nothing to resume: the partial goes. */
static void test_uncommitted_checkpoint(void **state) {
  fixture *fx = *state;
  fs_error err = {0};
  fs_record *rec = NULL;
  fs_record_meta meta = sample_meta(7);
  assert_int_equal(fs_record_create(fx->path, false, &meta, &rec, &err), FS_OK);
  assert_int_equal(fs_record_checkpoint_begin(rec, &err), FS_OK);
  fs_record_free(rec);
  assert_false(file_exists(fx->partial));
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_check_output, setup, teardown),
      cmocka_unit_test_setup_teardown(test_spikes_and_layout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sorting_enum, setup, teardown),
      cmocka_unit_test_setup_teardown(test_root_and_network_attributes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_arrays_series_and_attrs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_time_axes_and_integer_columns, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refuses_undescribed_datasets, setup, teardown),
      cmocka_unit_test_setup_teardown(test_append_checks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_free_without_finish, setup, teardown),
      cmocka_unit_test_setup_teardown(test_overwrite_needs_force, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stale_partial, setup, teardown),
      cmocka_unit_test_setup_teardown(test_info, setup, teardown),
      cmocka_unit_test_setup_teardown(test_info_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hdf5_errors_are_silent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_slots, setup, teardown),
      cmocka_unit_test_setup_teardown(test_uncommitted_checkpoint, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
