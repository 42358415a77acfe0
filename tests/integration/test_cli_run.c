/* test_cli_run.c - `fearsim run` end to end: the result file read back with the HDF5 C API
 * (root attributes, SONATA spikes, rates, units and description on every dataset), `info`,
 * `check`, `--help`, `--stats`, and the drug timeline of a run with ketamine. */
#include "fs_test.h"

#include "cli_run.h"

#include <hdf5.h>

#define QUICKSTART FS_SOURCE_DIR "/configs/quickstart.yaml"
#define SPINES FS_SOURCE_DIR "/configs/plasticity/ketamine_spines.yaml"
#define DURATION 0.3  /* s, the --set below */
#define RATE_BIN 1e-3 /* s, the default record.rate_bin */

static const char *result;      /* quickstart, 0.3 s, 2 threads */
static const char *drug_result; /* the same with a ketamine window */

static int run_quickstart(const char *out, const char *extra_set) {
  const char *args[] = {
      "run",     QUICKSTART,  "-o", out,     "--set",   "simulation.duration=0.3 s",
      "--quiet", "--threads", "2",  "--set", extra_set, NULL};
  if (extra_set == NULL) args[9] = NULL;
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) fprintf(stderr, "fearsim run -o %s failed (%d): %s\n", out, r.status, r.err);
  return r.status;
}

static int setup(void **state) {
  (void)state;
  if (fs_test_dir_create()) return -1;
  result = strdup(test_path(0, "q.h5"));
  drug_result = strdup(test_path(1, "qk.h5"));
  if (run_quickstart(result, NULL)) return -1;
  return run_quickstart(drug_result, "drugs=[{drug: ketamine, route: local, concentration: "
                                     "100 uM, populations: [E], at: 0.1 s, duration: 0.15 s}]");
}

static int teardown(void **state) {
  (void)state;
  free((void *)result);
  free((void *)drug_result);
  return fs_test_dir_remove();
}

/* --- reading helpers ------------------------------------------------------------------- */

static double read_double_attr(hid_t obj, const char *name) {
  double v = 0;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) fail_msg("no attribute %s", name);
  assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0);
  H5Aclose(a);
  return v;
}

static uint64_t read_uint_attr(hid_t obj, const char *name) {
  uint64_t v = 0;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) fail_msg("no attribute %s", name);
  hid_t t = H5Aget_type(a);
  assert_int_equal(H5Tget_class(t), H5T_INTEGER);
  assert_true(H5Aread(a, H5T_NATIVE_UINT64, &v) >= 0);
  H5Tclose(t);
  H5Aclose(a);
  return v;
}

/* A string attribute (variable or fixed length), malloc'ed. */
static char *read_string_attr(hid_t obj, const char *name) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) fail_msg("no attribute %s", name);
  hid_t t = H5Aget_type(a);
  assert_int_equal(H5Tget_class(t), H5T_STRING);
  char *s = NULL;
  if (H5Tis_variable_str(t) > 0) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t));
    char *v = NULL;
    assert_true(H5Aread(a, mt, &v) >= 0);
    s = strdup(v ? v : "");
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

static void assert_string_attr(hid_t obj, const char *name, const char *expected) {
  char *s = read_string_attr(obj, name);
  if (strcmp(s, expected) != 0) {
    char got[256];
    snprintf(got, sizeof got, "%s", s);
    free(s);
    fail_msg("attribute %s is \"%s\", expected \"%s\"", name, got, expected);
  }
  free(s);
}

/* A 1-D float64 dataset, checked to be stored as 64-bit IEEE floats. */
static double *read_doubles(hid_t f, const char *path, hsize_t *n) {
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  if (d < 0) fail_msg("no dataset %s", path);
  hid_t t = H5Dget_type(d);
  assert_int_equal(H5Tget_class(t), H5T_FLOAT);
  assert_int_equal(H5Tget_size(t), 8);
  hid_t sp = H5Dget_space(d);
  assert_int_equal(H5Sget_simple_extent_ndims(sp), 1);
  H5Sget_simple_extent_dims(sp, n, NULL);
  double *v = malloc((*n + 1) * sizeof *v);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(d);
  return v;
}

/* "2026-01-31T12:00:00Z" */
static int is_iso_utc(const char *s) {
  int y, mo, d, h, mi, se;
  char z = 0;
  return strlen(s) == 20 &&
         sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) == 7 && z == 'Z' &&
         y >= 2000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/* --- tests ----------------------------------------------------------------------------- */

static void test_root_attributes(void **state) {
  (void)state;
  hid_t f = H5Fopen(result, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  assert_string_attr(f, "fearsim_version", FS_VERSION);
  assert_int_equal(read_uint_attr(f, "seed"), 1); /* quickstart.yaml's seed */
  assert_int_equal(read_uint_attr(f, "threads"), 2);
  assert_int_equal(read_uint_attr(f, "ranks"), 1);
  fs_assert_close(read_double_attr(f, "dt"), 1e-4, 1e-15, 0.0);
  fs_assert_close(read_double_attr(f, "duration"), DURATION, 1e-15, 0.0);
  assert_string_attr(f, "dt_units", "s");
  assert_string_attr(f, "experiment_file", QUICKSTART);
  char *commit = read_string_attr(f, "git_commit");
  assert_true(strlen(commit) > 0);
  free(commit);
  char *start = read_string_attr(f, "start_time"), *end = read_string_attr(f, "end_time");
  if (!is_iso_utc(start) || !is_iso_utc(end)) fail_msg("start/end time \"%s\" \"%s\"", start, end);
  assert_true(strcmp(start, end) <= 0);
  free(start);
  free(end);
  char *yaml = read_string_attr(f, "experiment_yaml");
  assert_non_null(strstr(yaml, "duration: 0.3 s")); /* the experiment after the override */
  assert_null(strstr(yaml, "duration: 1.5 s"));
  assert_non_null(strstr(yaml, "name: quickstart"));
  assert_non_null(strstr(yaml, "E: {model: lif_cond, size: 400}"));
  free(yaml);
  H5Fclose(f);
}

/* /spikes/<pop>: SONATA timestamps (float64, ms, sorted, within [0, duration]) and node_ids
 * (uint64, < size), the sorting enum by_time; returns the number of spikes. */
static hsize_t check_spikes(hid_t f, const char *pop, uint64_t size) {
  char path[128];
  hsize_t n = 0;
  snprintf(path, sizeof path, "/spikes/%s/timestamps", pop);
  double *t = read_doubles(f, path, &n);
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  assert_string_attr(d, "units", "ms");
  H5Dclose(d);
  for (hsize_t k = 0; k < n; k++) {
    if (!(t[k] >= 0 && t[k] <= DURATION * 1e3))
      fail_msg("%s[%llu] = %.17g ms outside [0, %g] s", path, (unsigned long long)k, t[k],
               DURATION);
    if (k && !(t[k] >= t[k - 1]))
      fail_msg("%s not sorted at %llu: %.17g after %.17g", path, (unsigned long long)k, t[k],
               t[k - 1]);
  }
  free(t);

  snprintf(path, sizeof path, "/spikes/%s/node_ids", pop);
  d = H5Dopen2(f, path, H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t type = H5Dget_type(d), sp = H5Dget_space(d);
  assert_int_equal(H5Tget_class(type), H5T_INTEGER);
  assert_int_equal(H5Tget_size(type), 8);
  assert_int_equal(H5Tget_sign(type), H5T_SGN_NONE);
  assert_int_equal(H5Sget_simple_extent_npoints(sp), (hssize_t)n);
  uint64_t *ids = malloc((n + 1) * sizeof *ids);
  assert_true(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids) >= 0);
  for (hsize_t k = 0; k < n; k++)
    if (ids[k] >= size)
      fail_msg("%s[%llu] = %llu >= %llu", path, (unsigned long long)k, (unsigned long long)ids[k],
               (unsigned long long)size);
  free(ids);
  assert_string_attr(d, "units", "1");
  H5Sclose(sp);
  H5Tclose(type);
  H5Dclose(d);

  /* SONATA: an enum attribute "sorting" on the population group, here by_time */
  snprintf(path, sizeof path, "/spikes/%s", pop);
  hid_t g = H5Gopen2(f, path, H5P_DEFAULT);
  assert_true(g >= 0);
  hid_t a = H5Aopen(g, "sorting", H5P_DEFAULT);
  assert_true(a >= 0);
  hid_t at = H5Aget_type(a);
  assert_int_equal(H5Tget_class(at), H5T_ENUM);
  unsigned char raw[8] = {0};
  assert_true(H5Tget_size(at) <= sizeof raw);
  assert_true(H5Aread(a, at, raw) >= 0);
  char name[32] = "";
  assert_true(H5Tenum_nameof(at, raw, name, sizeof name) >= 0);
  assert_string_equal(name, "by_time");
  H5Tclose(at);
  H5Aclose(a);
  H5Gclose(g);
  return n;
}

/* /rates/<pop> has duration/rate_bin bins and its mean is spikes/(size*duration). */
static void check_rates(hid_t f, const char *pop, uint64_t size, hsize_t spikes) {
  char path[128];
  snprintf(path, sizeof path, "/rates/%s", pop);
  hsize_t m = 0;
  double *rate = read_doubles(f, path, &m);
  assert_int_equal(m, (hsize_t)(DURATION / RATE_BIN + 0.5));
  double mean = 0;
  for (hsize_t k = 0; k < m; k++)
    mean += rate[k];
  mean /= (double)m;
  fs_assert_close(mean, (double)spikes / ((double)size * DURATION), 1e-9, 0.0);
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  assert_string_attr(d, "units", "Hz");
  H5Dclose(d);
  free(rate);
}

static void test_spikes_and_rates(void **state) {
  (void)state;
  hid_t f = H5Fopen(result, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hsize_t ne = check_spikes(f, "E", 400), ni = check_spikes(f, "I", 100);
  assert_true(ne > 10 && ni > 10);
  check_rates(f, "E", 400, ne);
  check_rates(f, "I", 100, ni);
  hsize_t m = 0;
  double *t = read_doubles(f, "/rates/time", &m); /* the start of each bin */
  assert_int_equal(m, 300);
  for (hsize_t k = 0; k < m; k++)
    fs_assert_close(t[k], (double)k * RATE_BIN, 1e-12, 1e-15);
  free(t);
  hid_t g = H5Gopen2(f, "/network/E", H5P_DEFAULT);
  assert_true(g >= 0);
  assert_int_equal(read_uint_attr(g, "size"), 400);
  assert_string_attr(g, "model", "lif_cond");
  assert_string_attr(g, "kind", "neuron");
  H5Gclose(g);
  H5Fclose(f);
}

static herr_t check_dataset(hid_t obj, const char *name, const H5O_info_t *info, void *count) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  hid_t d = H5Dopen2(obj, name, H5P_DEFAULT);
  const char *want[] = {"units", "description"};
  for (int k = 0; k < 2; k++) {
    if (H5Aexists(d, want[k]) <= 0) {
      print_error("dataset /%s has no %s attribute\n", name, want[k]);
      H5Dclose(d);
      return -1;
    }
    char *s = read_string_attr(d, want[k]);
    size_t len = strlen(s);
    free(s);
    if (len == 0) {
      print_error("dataset /%s has an empty %s attribute\n", name, want[k]);
      H5Dclose(d);
      return -1;
    }
  }
  H5Dclose(d);
  (*(int *)count)++;
  return 0;
}

static void test_every_dataset_has_units_and_description(void **state) {
  (void)state;
  const char *files[] = {result, drug_result};
  for (int k = 0; k < 2; k++) {
    hid_t f = H5Fopen(files[k], H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    int count = 0;
    assert_true(H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, check_dataset, &count) >= 0);
    assert_true(count >= 13); /* 4 populations: 8 spike datasets, 4 rates and their time */
    H5Fclose(f);
  }
}

/* The ketamine window raises the mean block of E's NMDA synapses; none before it. */
static void test_drug_timeline(void **state) {
  (void)state;
  hid_t f = H5Fopen(drug_result, H5F_ACC_RDONLY, H5P_DEFAULT);
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

/* `fearsim info` prints how the file was made and what it holds, and its spike counts are
 * the lengths of the datasets. */
static void test_info(void **state) {
  (void)state;
  cli_result r;
  const char *info[] = {"info", result, NULL};
  cli_run(info, &r);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.err, "");
  const char *lines[] = {"fearsim:     " FS_VERSION,
                         "experiment:  " QUICKSTART "\n",
                         "\nseed:        1\n",
                         "\nthreads:     2",
                         "\ndt:          0.0001 s\n",
                         "\nduration:    0.3 s\n",
                         "\nstart time:  ",
                         "\nend time:    ",
                         "\npopulations:\n",
                         "\n  E            size 400, model lif_cond, kind neuron: ",
                         "\n  I            size 100, model lif_cond, kind neuron: ",
                         "\ndatasets:\n",
                         "/spikes/E/timestamps",
                         "/spikes/E/node_ids",
                         "/rates/E"};
  for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++)
    if (!strstr(r.out, lines[k])) fail_msg("fearsim info lacks \"%s\":\n%s", lines[k], r.out);
  const char *e = strstr(r.out, "\n  E            size 400");
  unsigned long long spikes = 0;
  assert_int_equal(sscanf(strstr(e, "neuron: ") + 8, "%llu spikes", &spikes), 1);
  hid_t f = H5Fopen(result, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, "/spikes/E/timestamps", H5P_DEFAULT), sp = H5Dget_space(d);
  assert_int_equal(spikes, (unsigned long long)H5Sget_simple_extent_npoints(sp));
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
}

static void test_check_and_help(void **state) {
  (void)state;
  cli_result r;
  const char *check[] = {"check", QUICKSTART, NULL};
  cli_run(check, &r);
  assert_int_equal(r.status, 0);
  if (strncmp(r.out, QUICKSTART ": ok\n", strlen(QUICKSTART ": ok\n")) != 0)
    fail_msg("fearsim check printed:\n%s", r.out);
  assert_string_equal(r.err, "");
  const char *check_set[] = {"check", QUICKSTART, "--set", "simulation.duration=0.3 s", NULL};
  cli_run(check_set, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, ": ok\n"));
  assert_non_null(strstr(r.out, "0.3 s at dt = 0.1 ms: 3000 steps"));
  assert_non_null(strstr(r.out, "work: 0.3 s of fast phases (3000 steps of "));
  assert_non_null(strstr(r.out, "no slow phase\n"));
  const char *commands[] = {"run", "check", "info", "pk"};
  for (int k = 0; k < 4; k++) {
    const char *help[] = {commands[k], "--help", NULL};
    cli_run(help, &r);
    assert_int_equal(r.status, 0);
    char want[64];
    snprintf(want, sizeof want, "usage: fearsim %s", commands[k]);
    if (strncmp(r.out, want, strlen(want)) != 0)
      fail_msg("fearsim %s --help printed:\n%s", commands[k], r.out);
    assert_string_equal(r.err, "");
  }
  const char *top[] = {"--help", NULL};
  cli_run(top, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "usage: fearsim COMMAND"));
}

/* The value printed after "<field>: " on a line of its own; fails the test if it is missing. */
static unsigned long long stats_field(const char *out, const char *field) {
  char key[64], lines[sizeof(((cli_result *)0)->out) + 1];
  snprintf(key, sizeof key, "\n%s: ", field);
  snprintf(lines, sizeof lines, "\n%s", out);
  const char *at = strstr(lines, key);
  if (at == NULL) fail_msg("--stats printed no \"%s\":\n%s", field, out);
  return strtoull(at + strlen(key), NULL, 10);
}

/* Runs config with --stats (and a --set if set is not NULL) on one thread; r gets the output. */
static void run_stats(const char *config, const char *name, const char *set, cli_result *r) {
  const char *args[] = {"run",     config,      "-o", test_path(2, name),
                        "--quiet", "--threads", "1",  "--stats",
                        "--set",   set,         NULL};
  if (set == NULL) args[8] = NULL;
  cli_run(args, r);
  if (r->status != 0) fail_msg("fearsim run %s failed (%d): %s", config, r->status, r->err);
}

/* --stats prints every field, and the spines that found no free reserved synapse with a hint
 * when there are any: none with one spare per synapse (ketamine_spines.yaml), some when a
 * neuron keeps a single spare (reserve 0.05 of 20 synapses) and ketamine makes about 5. */
static void test_stats(void **state) {
  (void)state;
  static const char *const fields[] = {"threads",         "synapses",      "simulated",
                                       "wall build",      "wall simulate", "spikes",
                                       "synaptic events", "peak memory",   "spines unformed"};
  const char *hint = "raise plasticity.spines.reserve";
  cli_result r;
  run_stats(QUICKSTART, "stats.h5", "simulation.duration=0.1 s", &r);
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    stats_field(r.out, fields[i]);
  assert_int_equal(stats_field(r.out, "threads"), 1);
  assert_int_equal(stats_field(r.out, "spines unformed"), 0);
  assert_null(strstr(r.out, hint));
  run_stats(SPINES, "spines.h5", NULL, &r);
  assert_int_equal(stats_field(r.out, "spines unformed"), 0);
  assert_null(strstr(r.out, hint));
  run_stats(SPINES, "scarce.h5", "projections[0].plasticity.spines.reserve=0.05", &r);
  assert_true(stats_field(r.out, "spines unformed") > 0);
  assert_non_null(strstr(r.out, hint));
}

/* An option's value goes after "=" or in the next argument (getopt_long): --threads=2,
 * --set=k=v and --output=FILE work as their two-word forms do. */
static void test_option_equals_value(void **state) {
  (void)state;
  char output[300];
  snprintf(output, sizeof output, "--output=%s", test_path(2, "equals.h5"));
  const char *args[] = {"run",
                        QUICKSTART,
                        output,
                        "--quiet",
                        "--threads=2",
                        "--stats",
                        "--set=simulation.duration=0.05 s",
                        "--force",
                        NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) fail_msg("fearsim run --threads=2 failed (%d): %s", r.status, r.err);
  assert_int_equal(stats_field(r.out, "threads"), 2);
  assert_non_null(strstr(r.out, "simulated: 0.05 s"));
  assert_true(file_exists(test_path(2, "equals.h5")));
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_root_attributes),
      cmocka_unit_test(test_spikes_and_rates),
      cmocka_unit_test(test_every_dataset_has_units_and_description),
      cmocka_unit_test(test_drug_timeline),
      cmocka_unit_test(test_info),
      cmocka_unit_test(test_check_and_help),
      cmocka_unit_test(test_stats),
      cmocka_unit_test(test_option_equals_value),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
