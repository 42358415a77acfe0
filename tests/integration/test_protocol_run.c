/* test_protocol_run.c - an experiment with a protocol and a circuit file, run end to end:
 * the fast phases are the protocol's windows (rates only there), /trials holds one row per
 * trial with its timing, the rate of each population during the CS and a freezing score from
 * the readout, and the bad inputs of the circuit include and the readout are reported with
 * their place. */
#include "fs_test.h"

#include "cli_run.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>

static const char *circuit =
    "populations:\n"
    "  A: {model: lif_cond, size: 40}\n"
    "inputs:\n"
    "  CS: {type: poisson, size: 50, rate: 0 Hz}\n"
    "  US: {type: poisson, size: 20, rate: 0 Hz}\n"
    "  ctx_A: {type: poisson, size: 20, rate: 0 Hz}\n"
    "projections:\n"
    "  - {from: CS, to: A, receptor: ampa, connect: {rule: fixed_indegree, indegree: 20},"
    " weight: 3 nS}\n"
    "readout: {population: A, half: 5 Hz, slope: 1 Hz}\n";

/* Two CS trials of 0.5 s (the first with a 0.1-s US) on day 1 at 10:00, 1 s apart, then one
 * on day 2 at 10:00; windows 0.2 s before and 0.1 s after each CS. */
static const char *experiment(const char *extra) {
  static char yaml[4096];
  snprintf(yaml, sizeof yaml,
           "seed: 2\n"
           "circuit: {file: circuit.yaml, scale: 1}\n"
           "protocol:\n"
           "  inputs:\n"
           "    cs: {population: CS, rate: 50 Hz}\n"
           "    us: {population: US, rate: 100 Hz, reference: 0.5 mA}\n"
           "    contexts: {A: ctx_A}\n"
           "    context_rate: 10 Hz\n"
           "  defaults: {cs_duration: 0.5 s, iti: 1 s, window: {before: 0.2 s, after: 0.1 s},"
           " us: {at: 0.4 s, duration: 0.1 s, intensity: 0.5 mA}}\n"
           "  days:\n"
           "    - day: 1\n"
           "      sessions: [{name: train, time: '10:00', context: A, trials: 2}]\n"
           "    - day: 2\n"
           "      sessions: [{name: test, time: '10:00', context: A, trials: 1, us: none}]\n"
           "record: {rate_bin: 10 ms}\n%s",
           extra ? extra : "");
  return yaml;
}

static int setup(void **state) {
  (void)state;
  return fs_test_dir_create();
}

static int teardown(void **state) {
  (void)state;
  fs_test_dir_remove();
  return 0;
}

static double *read_doubles(hid_t f, const char *path, hsize_t *n) {
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  if (d < 0) fail_msg("no dataset %s", path);
  hid_t sp = H5Dget_space(d);
  H5Sget_simple_extent_dims(sp, n, NULL);
  double *v = malloc((*n + 1) * sizeof *v);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Sclose(sp);
  H5Dclose(d);
  return v;
}

/* The indices of /trials are int64; the rates are attached to /rates/time, a dimension scale. */
static void assert_integer_columns(hid_t f) {
  const char *ints[] = {"day", "session", "trial", "context", "kind"};
  for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
    char path[64];
    snprintf(path, sizeof path, "/trials/%s", ints[i]);
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT), t = H5Dget_type(d);
    if (H5Tequal(t, H5T_STD_I64LE) <= 0) fail_msg("%s is not int64", path);
    H5Tclose(t);
    H5Dclose(d);
  }
  hid_t time = H5Dopen2(f, "/rates/time", H5P_DEFAULT), rate = H5Dopen2(f, "/rates/A", H5P_DEFAULT);
  assert_int_equal(H5DSis_scale(time), 1);
  assert_int_equal(H5DSis_attached(rate, time, 0), 1);
  H5Dclose(rate);
  H5Dclose(time);
}

static void test_trials_and_windows(void **state) {
  (void)state;
  fs_test_write("circuit.yaml", circuit);
  const char *path = fs_test_write("exp.yaml", experiment(NULL));
  const char *out = test_path(0, "out.h5");
  const char *args[] = {"run", path, "-o", out, "--quiet", "--threads", "2", NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) fail_msg("run failed (%d): %s", r.status, r.err);
  hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hsize_t n, m;
  double *cs_on = read_doubles(f, "/trials/cs_on", &n);
  double *day = read_doubles(f, "/trials/day", &m);
  double *us_on = read_doubles(f, "/trials/us_on", &m);
  double *rate_cs = read_doubles(f, "/trials/rate_CS", &m);
  double *rate_us = read_doubles(f, "/trials/rate_US", &m);
  double *freezing = read_doubles(f, "/trials/freezing", &m);
  double *rate_a = read_doubles(f, "/trials/rate_A", &m);
  assert_int_equal(n, 3);
  const double t10 = 10 * 3600.0;
  fs_assert_close(cs_on[0], t10 + 0.2, 1e-9, 0);
  fs_assert_close(cs_on[1], t10 + 0.2 + 0.5 + 1.0, 1e-9, 0);
  fs_assert_close(cs_on[2], 86400.0 + t10 + 0.2, 1e-9, 0);
  fs_assert_close(day[2], 2, 0, 0);
  fs_assert_close(us_on[0], cs_on[0] + 0.4, 1e-9, 0);
  assert_true(isnan(us_on[2]));
  for (int k = 0; k < 3; k++) {
    /* 50 units at 50 Hz for 0.4 s (0.5 s without a US): 1000 (1250) spikes expected, sd 32 */
    assert_true(fabs(rate_cs[k] - 50.0) < 6.0);
    fs_assert_close(freezing[k], 1.0 / (1.0 + exp(-(rate_a[k] - 5.0) / 1.0)), 1e-12, 0);
  }
  /* a trial's rates cover its CS before the US (0.4 s here): the US is not in them */
  fs_assert_close(rate_us[0], 0.0, 0, 0);
  fs_assert_close(rate_us[2], 0.0, 0, 0);
  assert_true(rate_a[0] > 1.0); /* the CS drives A */
  /* rates exist only in the three 0.8-s fast windows (the first two do not touch), 10-ms bins */
  double *bins = read_doubles(f, "/rates/time", &m);
  for (hsize_t b = 0; b < m; b++)
    assert_true((bins[b] >= t10 - 1e-9 && bins[b] < t10 + 2.3 &&
                 (bins[b] < t10 + 0.8 || bins[b] >= t10 + 1.5 - 1e-9)) ||
                (bins[b] >= 86400.0 + t10 - 1e-9 && bins[b] < 86400.0 + t10 + 0.8));
  assert_int_equal(m, 3 * 80);
  free(bins);
  assert_integer_columns(f);
  free(cs_on);
  free(day);
  free(us_on);
  free(rate_cs);
  free(rate_us);
  free(freezing);
  free(rate_a);
  H5Fclose(f);
}

static void expect_bad(const char *circuit_text, const char *extra, const char *where) {
  fs_test_write("circuit.yaml", circuit_text);
  const char *path = fs_test_write("exp.yaml", experiment(extra));
  const char *out = test_path(1, "bad.h5");
  const char *args[] = {"run", path, "-o", out, "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  if (strstr(r.err, where) == NULL) fail_msg("expected \"%s\" in: %s", where, r.err);
  assert_false(file_exists(out));
}

static void test_bad_inputs(void **state) {
  (void)state;
  /* a circuit file that does not exist */
  const char *path =
      fs_test_write("exp.yaml", "circuit: {file: nowhere.yaml}\nsimulation: {duration: 1 s}\n");
  const char *args[] = {"run", path, "-o", test_path(1, "bad.h5"), "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "exp.yaml:1:17: circuit.file: cannot open \""));
  /* a section that belongs to the circuit */
  expect_bad(circuit, "populations: {B: {model: lif_cond, size: 1}}\n",
             "populations: populations come from the circuit file");
  /* a readout of an input */
  char bad[2048];
  snprintf(bad, sizeof bad, "%s", circuit);
  *strstr(bad, "readout:") = '\0';
  strcat(bad, "readout: {population: CS, half: 5 Hz, slope: 1 Hz}\n");
  expect_bad(bad, NULL, "circuit.yaml:9:");
  /* no readout at all */
  *strstr(bad, "readout:") = '\0';
  expect_bad(bad, NULL, "a protocol with trials needs a readout");
  /* a schedule beside the protocol */
  expect_bad(circuit, "simulation: {schedule: [{fast: 1 s}]}\n",
             "with a protocol the fast and slow phases follow from its sessions");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_trials_and_windows),
      cmocka_unit_test(test_bad_inputs),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
