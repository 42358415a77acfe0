/* test_cli_errors.c - every bad input: exit code 2, a message that names the place, and no
 * output (neither OUT.h5 nor OUT.h5.partial); an existing result is kept without --force. */
#include "fs_test.h"

#include "cli_run.h"

static const char *bad_file(const char *from, const char *to, const char *extra) {
  const char *path = fs_test_variant("bad.yaml", from, to, extra);
  assert_non_null(path);
  return path;
}

/* Runs `fearsim run FILE -o out.h5 [more]`: exit 2, stderr starts with "fearsim: " + the
 * file name + want (when want is not NULL), nothing written. */
static void expect_bad(const char *file, const char *want, const char *more) {
  char path[256];
  snprintf(path, sizeof path, "%s", file);
  const char *out = test_path(0, "out.h5");
  const char *args[] = {"run", path, "-o", out, more, NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  if (want) {
    char expected[1024];
    snprintf(expected, sizeof expected, "fearsim: %s%s", path, want);
    if (strncmp(r.err, expected, strlen(expected)) != 0)
      fail_msg("stderr: %s\nexpected to start with: %s", r.err, expected);
  }
  assert_false(file_exists(out));
  assert_false(file_exists(test_path(1, "out.h5.partial")));
}

static void test_bad_values(void **state) {
  (void)state;
  expect_bad(bad_file("{model", "[model", NULL),
             ":3:32: did not find expected ',' or ']' while parsing a flow sequence", NULL);
  expect_bad(bad_file(NULL, NULL, "simulaton: {}\n"),
             ":6:1: simulaton: unknown key \"simulaton\" (did you mean \"simulation\"?)", NULL);
  expect_bad(bad_file("lif_cond", "lif", NULL),
             ":3:14: populations.E.model: expected one of \"lif_cond\", \"adex_cond\", got "
             "\"lif\" (did you mean \"lif_cond\"?)",
             NULL);
  expect_bad(bad_file("1 nS", "1 mV", NULL),
             ":5:75: projections[0].weight: expected a conductance such as \"2 nS\", got \"1 mV\"",
             NULL);
  expect_bad(bad_file("1 nS", "1", NULL),
             ":5:75: projections[0].weight: expected a conductance such as \"2 nS\", got \"1\"",
             NULL);
  expect_bad(bad_file("dt: 0.1 ms", "dt: 0 s", NULL),
             ":1:18: simulation.dt: the time step must be > 0 s, got 0 s", NULL);
  expect_bad(bad_file("dt: 0.1 ms", "dt: -1 ms", NULL),
             ":1:18: simulation.dt: the time step must be > 0 s, got -0.001 s", NULL);
  expect_bad(bad_file("delay: 1 ms", "delay: 0.01 ms", NULL),
             ":5:88: projections[0].delay: a delay of 1e-05 s is shorter than the time step "
             "dt = 0.0001 s",
             NULL);
  expect_bad(bad_file("size: 10", "size: 0", NULL),
             ":3:30: populations.E.size: expected an integer between 1 and 4294967295, got "
             "\"0\"",
             NULL);
  expect_bad(bad_file(NULL, NULL, "inputs:\n  tone: {type: spike_times, file: gone.csv}\n"),
             ":7:35: inputs.tone.file: cannot open", NULL);
}

static void test_network_too_big_for_the_machine(void **state) {
  (void)state;
  const char *file = bad_file("size: 10", "size: 3000000", NULL);
  expect_bad(file, ": the network needs about", NULL);
}

static void test_bad_drug(void **state) {
  (void)state;
  expect_bad(
      bad_file(NULL, NULL, "drugs: [{drug: ketamin, route: iv_bolus, dose: 1 mg, at: 1 ms}]\n"),
      ":6:16: drugs[0].drug: expected one of", NULL);
  expect_bad(bad_file(NULL, NULL,
                      "drugs: [{drug: apv, route: local, concentration: 50 uM, populations: [LA],"
                      " at: 1 ms, duration: 5 ms}]\n"),
             NULL, NULL);
}

static void test_missing_experiment_and_bad_usage(void **state) {
  (void)state;
  cli_result r;
  const char *missing[] = {"run", test_path(0, "nothere.yaml"), NULL};
  cli_run(missing, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "cannot open"));
  const char *unknown_cmd[] = {"frobnicate", NULL};
  cli_run(unknown_cmd, &r);
  assert_int_equal(r.status, 2);
  const char *unknown_opt[] = {"run", FS_SOURCE_DIR "/configs/quickstart.yaml", "--fast", NULL};
  cli_run(unknown_opt, &r);
  assert_int_equal(r.status, 2);
  const char *no_dir[] = {"run", FS_SOURCE_DIR "/configs/quickstart.yaml", "-o",
                          test_path(0, "no/such/dir/out.h5"), NULL};
  cli_run(no_dir, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "does not exist"));
}

/* An existing result is kept without --force (exit 2) and replaced with it. */
static void test_existing_output(void **state) {
  (void)state;
  const char *out = test_path(0, "exists.h5");
  fs_test_write("exists.h5", "precious");
  const char *args[] = {"run", bad_file(NULL, NULL, NULL), "-o", out, "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "exists (use --force to overwrite it)"));
  char content[64];
  read_file_into(out, content, sizeof content);
  assert_string_equal(content, "precious");
  const char *forced[] = {"run", test_path(1, "bad.yaml"), "-o", out, "--quiet", "--force", NULL};
  cli_run(forced, &r);
  assert_int_equal(r.status, 0);
  read_file_into(out, content, sizeof content);
  assert_string_not_equal(content, "precious");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_network_too_big_for_the_machine),
      cmocka_unit_test(test_bad_drug),
      cmocka_unit_test(test_missing_experiment_and_bad_usage),
      cmocka_unit_test(test_existing_output),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
