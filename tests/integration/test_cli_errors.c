/* test_cli_errors.c - every bad input: exit code 2, a message on stderr that names the place
 * (file:line:col: key.path: ..., or the --set option, or the file), and no output (neither
 * OUT.h5 nor OUT.h5.partial); an existing result is kept without --force, and bad input never
 * replaces it even with --force. */
#include "fs_test.h"

#include "cli_run.h"

#include <hdf5.h>

#define QUICKSTART FS_SOURCE_DIR "/configs/quickstart.yaml"

/* The small valid experiment of test_util.h with the first `from` replaced by `to` and extra
 * appended, written to <dir>/bad.yaml; returns a copy of its path. */
static char bad_path[256];
static const char *bad_file(const char *from, const char *to, const char *extra) {
  const char *path = fs_test_variant("bad.yaml", from, to, extra);
  assert_non_null(path);
  snprintf(bad_path, sizeof bad_path, "%s", path);
  return bad_path;
}

/* The first line of stderr. */
static const char *first_line(const cli_result *r) {
  static char line[2048];
  size_t n = strcspn(r->err, "\n");
  snprintf(line, sizeof line, "%.*s", (int)n, r->err);
  return line;
}

static void assert_no_output(const char *out) {
  char partial[300];
  snprintf(partial, sizeof partial, "%s.partial", out);
  if (file_exists(out)) fail_msg("%s was written", out);
  if (file_exists(partial)) fail_msg("%s was left behind", partial);
}

/* Runs `fearsim run args... -o <dir>/out.h5`: exit 2, the first line of stderr is exactly
 * want_line (or, when prefix is set, starts with it), and nothing is written. */
static void expect_bad_args(const char *const *args, const char *want, int prefix) {
  const char *out = test_path(0, "out.h5");
  const char *argv[16] = {"run"};
  int n = 1;
  for (; args[n - 1] && n < 12; n++)
    argv[n] = args[n - 1];
  argv[n++] = "-o";
  argv[n++] = out;
  argv[n] = NULL;
  cli_result r;
  cli_run(argv, &r);
  if (r.status != 2) fail_msg("exit code %d, expected 2; stderr:\n%s", r.status, r.err);
  const char *line = first_line(&r);
  if (prefix ? strncmp(line, want, strlen(want)) != 0 : strcmp(line, want) != 0)
    fail_msg("stderr:\n%s\nexpected %s:\n%s", r.err,
             prefix ? "a first line starting with" : "the first line", want);
  assert_no_output(out);
}

/* `fearsim run FILE`: "fearsim: FILE" + rest is the first line of stderr. */
static void expect_bad(const char *file, const char *rest) {
  char want[1024];
  snprintf(want, sizeof want, "fearsim: %s%s", file, rest);
  const char *args[] = {file, NULL};
  expect_bad_args(args, want, 0);
}

static void expect_bad_prefix(const char *file, const char *rest) {
  char want[1024];
  snprintf(want, sizeof want, "fearsim: %s%s", file, rest);
  const char *args[] = {file, NULL};
  expect_bad_args(args, want, 1);
}

/* --- bad experiment files -------------------------------------------------------------- */

static void test_malformed_yaml(void **state) {
  (void)state;
  expect_bad(bad_file("{model", "[model", NULL),
             ":3:32: did not find expected ',' or ']' while parsing a flow sequence");
  expect_bad(bad_file(NULL, NULL, "simulation: {dt: 0.2 ms}\n"),
             ":6:1: simulation: duplicate key \"simulation\"");
}

static void test_unknown_key_and_model(void **state) {
  (void)state;
  expect_bad(bad_file(NULL, NULL, "simulaton: {}\n"),
             ":6:1: simulaton: unknown key \"simulaton\" (did you mean \"simulation\"?)");
  expect_bad(bad_file("lif_cond", "lif", NULL),
             ":3:14: populations.E.model: expected one of \"lif_cond\", \"adex_cond\", got "
             "\"lif\" (did you mean \"lif_cond\"?)");
}

static void test_units(void **state) {
  (void)state;
  expect_bad(bad_file("1 nS", "1 mV", NULL),
             ":5:75: projections[0].weight: expected a conductance such as \"2 nS\", got \"1 mV\"");
  expect_bad(bad_file("1 nS", "1", NULL),
             ":5:75: projections[0].weight: expected a conductance such as \"2 nS\", got \"1\"");
  expect_bad(bad_file("duration: 10 ms", "duration: 10", NULL),
             ":1:36: simulation.duration: expected a time such as \"30 s\", got \"10\"");
}

static void test_time_step_and_delay(void **state) {
  (void)state;
  expect_bad(bad_file("dt: 0.1 ms", "dt: 0 s", NULL),
             ":1:18: simulation.dt: the time step must be > 0 s, got 0 s");
  expect_bad(bad_file("dt: 0.1 ms", "dt: -1 ms", NULL),
             ":1:18: simulation.dt: the time step must be > 0 s, got -0.001 s");
  expect_bad(bad_file("delay: 1 ms", "delay: 0.01 ms", NULL),
             ":5:88: projections[0].delay: a delay of 1e-05 s is shorter than the time step "
             "dt = 0.0001 s");
}

static void test_population_size(void **state) {
  (void)state;
  expect_bad(bad_file("size: 10", "size: 0", NULL),
             ":3:30: populations.E.size: expected an integer between 1 and 4294967295, got "
             "\"0\"");
}

/* all_to_all between two populations of 2e6 neurons: 4e12 synapses. */
static void test_network_too_big_for_the_machine(void **state) {
  (void)state;
  const char *file = fs_test_write(
      "huge.yaml", "simulation: {dt: 0.1 ms, duration: 10 ms}\n"
                   "populations:\n"
                   "  A: {model: lif_cond, size: 2000000}\n"
                   "  B: {model: lif_cond, size: 2000000}\n"
                   "projections:\n"
                   "  - {from: A, to: B, receptor: ampa, connect: {rule: all_to_all}, "
                   "weight: 1 nS, delay: 1 ms}\n");
  assert_non_null(file);
  char path[256];
  snprintf(path, sizeof path, "%s", file);
  expect_bad_prefix(path, ": the network needs about ");
  /* check says the same */
  const char *check[] = {"check", path, NULL};
  cli_result r;
  cli_run(check, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "the network needs about"));
  assert_null(strstr(r.out, ": ok"));
}

static void test_missing_files(void **state) {
  (void)state;
  /* a relative file is found next to the experiment, and the message gives where it looked */
  char rest[512];
  snprintf(rest, sizeof rest,
           ":7:35: inputs.tone.file: cannot open \"%s/gone.csv\": No such file or directory",
           fs_test_dir);
  expect_bad(bad_file(NULL, NULL, "inputs:\n  tone: {type: spike_times, file: gone.csv}\n"), rest);
  char missing[256], want[512];
  snprintf(missing, sizeof missing, "%s", test_path(1, "nothere.yaml"));
  snprintf(want, sizeof want, "fearsim: cannot open \"%s\": No such file or directory", missing);
  const char *args[] = {missing, NULL};
  expect_bad_args(args, want, 0);
}

static void test_bad_drug(void **state) {
  (void)state;
  expect_bad_prefix(
      bad_file(NULL, NULL, "drugs: [{drug: ketamin, route: iv_bolus, dose: 1 mg, at: 1 ms}]\n"),
      ":6:16: drugs[0].drug: expected one of \"ketamine\", ");
  expect_bad(bad_file(NULL, NULL,
                      "drugs: [{drug: apv, route: local, concentration: 50 uM, populations: [LA],"
                      " at: 1 ms, duration: 5 ms}]\n"),
             ":6:71: drugs[0].populations[0]: unknown population \"LA\" (the populations are: "
             "\"E\")");
}

/* Errors in overrides name the option. */
/* The arousal and the salience (arousal.h, salience.h) act on protein synthesis: a target
 * without a late-phase projection, an unknown population, a bad parameter or key. */
static void test_neuromodulators(void **state) {
  (void)state;
  expect_bad(bad_file(NULL, NULL, "salience: {populations: [E]}\n"),
             ":6:26: salience.populations[0]: no late-phase projection reaches \"E\" (plasticity: "
             "{late_phase: true}), so it has no protein synthesis for the salience to lower the "
             "threshold of");
  expect_bad(bad_file(NULL, NULL, "arousal: {populations: [E]}\n"),
             ":6:25: arousal.populations[0]: no late-phase projection reaches \"E\" (plasticity: "
             "{late_phase: true}), so it has no protein synthesis for the arousal to suppress");
  expect_bad(bad_file(NULL, NULL, "salience: {populations: [Q]}\n"),
             ":6:26: salience.populations[0]: no population named \"Q\" (did you mean \"E\"?)");
  expect_bad(bad_file(NULL, NULL, "salience: {populations: E}\n"),
             ":6:25: salience.populations: expected a list of population names, such as [IL_E]");
  expect_bad(bad_file(NULL, NULL, "salience: {params: {tau: 0 s}}\n"),
             ":6:26: salience.params.tau: tau must be > 0 s and <= 1e+09 s, got 0 s");
  expect_bad(bad_file(NULL, NULL, "salience: {target: [E]}\n"),
             ":6:12: salience.target: unknown key \"target\" (expected one of: populations, "
             "params)");
}

static void test_bad_overrides(void **state) {
  (void)state;
  const char *dt[] = {QUICKSTART, "--set", "simulation.dt=0 s", NULL};
  expect_bad_args(dt,
                  "fearsim: --set 'simulation.dt=0 s': simulation.dt: the time step must be "
                  "> 0 s, got 0 s",
                  0);
  const char *key[] = {QUICKSTART, "--set", "simulation.durration=1 s", NULL};
  expect_bad_args(key,
                  "fearsim: --set 'simulation.durration=1 s': simulation.durration: unknown "
                  "key \"durration\" (did you mean \"duration\"?)",
                  0);
  const char *seed[] = {QUICKSTART, "--seed", "abc", NULL};
  expect_bad_args(seed,
                  "fearsim: --set 'seed=abc': seed: expected an integer between 0 and "
                  "9223372036854775807, got \"abc\"",
                  0);
  const char *threads[] = {QUICKSTART, "--threads", "0", NULL};
  expect_bad_args(threads, "fearsim: --threads takes a whole number from 1 to 4096, got \"0\"", 0);
}

/* `fearsim check` gives the same exit code and message as run, and writes nothing. */
static void test_check_bad_file(void **state) {
  (void)state;
  const char *file = bad_file("dt: 0.1 ms", "dt: 0 s", NULL);
  const char *args[] = {"check", file, NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  char want[512];
  snprintf(want, sizeof want,
           "fearsim: %s:1:18: simulation.dt: the time step must be > 0 s, got 0 s", file);
  assert_string_equal(first_line(&r), want);
  assert_null(strstr(r.out, ": ok"));
}

/* --- the output file ------------------------------------------------------------------- */

static void test_output_directory_missing(void **state) {
  (void)state;
  char out[256], want[600];
  snprintf(out, sizeof out, "%s", test_path(0, "no/such/dir/out.h5"));
  const char *args[] = {"run", QUICKSTART, "-o", out, "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  snprintf(want, sizeof want, "fearsim: cannot write \"%s\": directory \"%s\" does not exist", out,
           test_path(1, "no/such/dir"));
  assert_string_equal(first_line(&r), want);
  assert_false(file_exists(test_path(1, "no")));
}

static void test_output_is_a_directory(void **state) {
  (void)state;
  char out[256];
  snprintf(out, sizeof out, "%s", test_path(0, "dir.h5"));
  assert_int_equal(mkdir(out, 0755), 0);
  const char *args[] = {"run", bad_file(NULL, NULL, NULL), "-o", out, "--quiet", "--force", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(first_line(&r), "is a directory"));
  assert_false(file_exists(test_path(1, "dir.h5.partial")));
  rmdir(out);
}

/* An existing result is kept without --force (exit 2), kept with --force when the input is
 * bad, and replaced with --force and good input. */
static void test_existing_output(void **state) {
  (void)state;
  char out[256], want[600], content[64];
  snprintf(out, sizeof out, "%s", test_path(0, "exists.h5"));
  fs_test_write("exists.h5", "precious");
  char good[256];
  snprintf(good, sizeof good, "%s", bad_file(NULL, NULL, NULL));
  cli_result r;
  const char *args[] = {"run", good, "-o", out, "--quiet", NULL};
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  snprintf(want, sizeof want, "fearsim: output \"%s\" exists (use --force to overwrite it)", out);
  assert_string_equal(first_line(&r), want);
  read_file_into(out, content, sizeof content);
  assert_string_equal(content, "precious");
  assert_false(file_exists(test_path(1, "exists.h5.partial")));

  const char *bad = fs_test_variant("bad2.yaml", "dt: 0.1 ms", "dt: 0 s", NULL);
  const char *bad_forced[] = {"run", bad, "-o", out, "--quiet", "--force", NULL};
  cli_run(bad_forced, &r);
  assert_int_equal(r.status, 2);
  read_file_into(out, content, sizeof content);
  assert_string_equal(content, "precious");
  assert_false(file_exists(test_path(1, "exists.h5.partial")));

  const char *forced[] = {"run", good, "-o", out, "--quiet", "--force", NULL};
  cli_run(forced, &r);
  if (r.status != 0) fail_msg("exit code %d with --force: %s", r.status, r.err);
  read_file_into(out, content, sizeof content);
  assert_string_not_equal(content, "precious");
  assert_true(H5Fis_hdf5(out) > 0);
  assert_false(file_exists(test_path(1, "exists.h5.partial")));
}

/* A .partial of another run (or a stale one) is not touched without --force. */
static void test_existing_partial(void **state) {
  (void)state;
  char out[256], content[64];
  snprintf(out, sizeof out, "%s", test_path(0, "busy.h5"));
  fs_test_write("busy.h5.partial", "another run");
  const char *args[] = {"run", bad_file(NULL, NULL, NULL), "-o", out, "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(first_line(&r), "busy.h5.partial\" exists"));
  read_file_into(test_path(1, "busy.h5.partial"), content, sizeof content);
  assert_string_equal(content, "another run");
  assert_false(file_exists(out));
  unlink(test_path(1, "busy.h5.partial"));
}

/* --- the command line ------------------------------------------------------------------ */

static void test_bad_usage(void **state) {
  (void)state;
  cli_result r;
  const char *unknown_cmd[] = {"frobnicate", NULL};
  cli_run(unknown_cmd, &r);
  assert_int_equal(r.status, 2);
  assert_string_equal(first_line(&r), "fearsim: unknown command \"frobnicate\"");
  const char *none[] = {NULL};
  cli_run(none, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "usage: fearsim"));
  const char *opt[] = {QUICKSTART, "--fast", NULL};
  expect_bad_args(opt, "fearsim: unexpected argument \"--fast\"", 0);
  const char *no_exp[] = {"--quiet", NULL};
  expect_bad_args(no_exp, "fearsim: missing the experiment file", 0);
  const char *info_opt[] = {"info", "--fast", NULL};
  cli_run(info_opt, &r);
  assert_int_equal(r.status, 2);
  const char *check_opt[] = {"check", QUICKSTART, "--fast", NULL};
  cli_run(check_opt, &r);
  assert_int_equal(r.status, 2);
  assert_string_equal(first_line(&r), "fearsim: unexpected argument \"--fast\"");
}

/* An option without its value names the kind of value it needs; exit code 2. */
static void expect_missing_value(const char *const *args, const char *want) {
  cli_result r;
  cli_run(args, &r);
  if (r.status != 2) fail_msg("exit code %d, expected 2; stderr:\n%s", r.status, r.err);
  assert_string_equal(first_line(&r), want);
}

static void test_missing_option_value(void **state) {
  (void)state;
  const char *out[] = {"run", QUICKSTART, "-o", NULL};
  expect_missing_value(out, "fearsim: option -o needs a file name");
  const char *output[] = {"run", QUICKSTART, "--output", NULL};
  expect_missing_value(output, "fearsim: option --output needs a file name");
  const char *threads[] = {"run", QUICKSTART, "--threads", NULL};
  expect_missing_value(threads, "fearsim: option --threads needs a number of threads");
  const char *set[] = {"check", QUICKSTART, "--set", NULL};
  expect_missing_value(set, "fearsim: option --set needs key.path=value");
  const char *every[] = {"resume", "x.h5.partial", "--checkpoint-every", NULL};
  expect_missing_value(every,
                       "fearsim: option --checkpoint-every needs a time such as 10min, or off");
  const char *step[] = {"pk", QUICKSTART, "--step", NULL};
  expect_missing_value(step,
                       "fearsim: pk: option --step needs a time such as 1 min (see fearsim pk "
                       "--help)");
  const char *flag[] = {"run", QUICKSTART, "--force=yes", NULL};
  expect_missing_value(flag, "fearsim: option --force takes no value, got \"--force=yes\"");
  const char *threads_eq[] = {QUICKSTART, "--threads=0", NULL};
  expect_bad_args(threads_eq, "fearsim: --threads takes a whole number from 1 to 4096, got \"0\"",
                  0);
}

static void test_info_bad_file(void **state) {
  (void)state;
  cli_result r;
  char path[256], want[512];
  snprintf(path, sizeof path, "%s", fs_test_write("notres.h5", "not hdf5"));
  const char *args[] = {"info", path, NULL};
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  snprintf(want, sizeof want, "fearsim: \"%s\" is not a fearsim result file", path);
  assert_string_equal(first_line(&r), want);
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_malformed_yaml),
      cmocka_unit_test(test_unknown_key_and_model),
      cmocka_unit_test(test_units),
      cmocka_unit_test(test_time_step_and_delay),
      cmocka_unit_test(test_population_size),
      cmocka_unit_test(test_network_too_big_for_the_machine),
      cmocka_unit_test(test_missing_files),
      cmocka_unit_test(test_bad_drug),
      cmocka_unit_test(test_neuromodulators),
      cmocka_unit_test(test_bad_overrides),
      cmocka_unit_test(test_check_bad_file),
      cmocka_unit_test(test_output_directory_missing),
      cmocka_unit_test(test_output_is_a_directory),
      cmocka_unit_test(test_existing_output),
      cmocka_unit_test(test_existing_partial),
      cmocka_unit_test(test_bad_usage),
      cmocka_unit_test(test_missing_option_value),
      cmocka_unit_test(test_info_bad_file),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
