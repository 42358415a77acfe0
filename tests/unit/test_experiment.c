/* test_experiment.c - reading experiment files: SI values from units, overrides, and the exact
 * message (file:line:column: key.path: what was expected, got what) of each bad input. */
#include "fs_test.h"
#include "test_util.h"

#include <fearsim/experiment.h>

static const char *variant(const char *from, const char *to, const char *extra) {
  const char *path = fs_test_variant("exp.yaml", from, to, extra);
  assert_non_null(path);
  return path;
}

/* Loading must fail with FS_ERR_INPUT and exactly "<path>:<rest>". */
static void expect_error(const char *path, const char *rest) {
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  assert_int_equal(fs_experiment_load(path, NULL, 0, &spec, &err), FS_ERR_INPUT);
  assert_null(spec);
  char want[FS_ERROR_MSG_LEN];
  snprintf(want, sizeof want, "%s:%s", path, rest);
  assert_string_equal(err.msg, want);
}

static void test_valid_file_in_si(void **state) {
  (void)state;
  const char *overrides[] = {"simulation.duration=20 ms", "populations.E.params={C_m: 200 pF}"};
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  assert_int_equal(fs_experiment_load(variant(NULL, NULL, NULL), overrides, 2, &spec, &err), FS_OK);
  fs_assert_close(spec->dt, 1e-4, 1e-15, 0.0);
  fs_assert_close(spec->duration, 20e-3, 1e-15, 0.0);
  assert_int_equal(spec->n_steps, 200);
  assert_int_equal(spec->n_pops, 1);
  assert_int_equal(spec->pops[0].size, 10);
  fs_assert_close(spec->projs[0].weight.a, 1e-9, 1e-15, 0.0);
  fs_assert_close(spec->projs[0].delay.a, 1e-3, 1e-15, 0.0);
  assert_non_null(strstr(spec->yaml_text, "20 ms"));
  assert_non_null(strstr(spec->yaml_text, "200 pF"));
  fs_experiment_free(spec);
}

static void test_unknown_key(void **state) {
  (void)state;
  expect_error(variant(NULL, NULL, "simulaton: {}\n"),
               "6:1: simulaton: unknown key \"simulaton\" (did you mean \"simulation\"?)");
}

static void test_unknown_model(void **state) {
  (void)state;
  expect_error(variant("lif_cond", "lif_con", NULL),
               "3:14: populations.E.model: expected one of \"lif_cond\", \"adex_cond\", got "
               "\"lif_con\" (did you mean \"lif_cond\"?)");
}

static void test_wrong_unit_and_no_unit(void **state) {
  (void)state;
  expect_error(variant("weight: 1 nS", "weight: 1 mV", NULL),
               "5:75: projections[0].weight: expected a conductance such as \"2 nS\", got "
               "\"1 mV\"");
  expect_error(variant("weight: 1 nS", "weight: 1", NULL),
               "5:75: projections[0].weight: expected a conductance such as \"2 nS\", got "
               "\"1\"");
}

static void test_time_step(void **state) {
  (void)state;
  expect_error(variant("dt: 0.1 ms", "dt: 0 ms", NULL),
               "1:18: simulation.dt: the time step must be > 0 s, got 0 s");
  expect_error(variant("dt: 0.1 ms", "dt: -0.1 ms", NULL),
               "1:18: simulation.dt: the time step must be > 0 s, got -0.0001 s");
}

static void test_delay_shorter_than_dt(void **state) {
  (void)state;
  expect_error(variant("delay: 1 ms", "delay: 0.05 ms", NULL),
               "5:88: projections[0].delay: a delay of 5e-05 s is shorter than the time step "
               "dt = 0.0001 s");
}

static void test_population_of_size_zero(void **state) {
  (void)state;
  expect_error(variant("size: 10", "size: 0", NULL),
               "3:30: populations.E.size: expected an integer between 1 and 4294967295, got "
               "\"0\"");
}

static void test_unknown_population(void **state) {
  (void)state;
  expect_error(variant("to: E", "to: F", NULL),
               "5:19: projections[0].to: no population named \"F\" (did you mean \"E\"?)");
}

static void test_parameter_relation(void **state) {
  (void)state;
  expect_error(variant("size: 10}", "size: 10, params: {V_reset: -40 mV}}", NULL),
               "3:42: populations.E.params: V_reset (-0.04 V) must be below V_th (-0.05 V)");
}

static void test_missing_spike_file(void **state) {
  (void)state;
  const char *path = variant(NULL, NULL,
                             "inputs:\n  tone: {type: spike_times, size: 2, file: "
                             "nothere.csv}\n");
  char rest[512];
  snprintf(rest, sizeof rest,
           "7:44: inputs.tone.file: cannot open \"%s/nothere.csv\": No such file or directory",
           fs_test_dir);
  expect_error(path, rest);
}

static void test_spike_file_is_read(void **state) {
  (void)state;
  fs_test_write("train.csv", "# node_id,time_s\n1,0.002\n0,0.001\n1,0.001\n");
  const char *path = variant(NULL, NULL,
                             "inputs:\n  tone: {type: spike_times, size: 2, file: "
                             "train.csv}\n");
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  assert_int_equal(fs_experiment_load(path, NULL, 0, &spec, &err), FS_OK);
  const fs_population_spec *tone = &spec->pops[1];
  assert_int_equal(tone->n_train, 3); /* sorted by step, then unit */
  assert_true(tone->train_step[0] == 10 && tone->train_unit[0] == 0);
  assert_true(tone->train_step[1] == 10 && tone->train_unit[1] == 1);
  assert_true(tone->train_step[2] == 20 && tone->train_unit[2] == 1);
  fs_experiment_free(spec);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_file_in_si),
      cmocka_unit_test(test_unknown_key),
      cmocka_unit_test(test_unknown_model),
      cmocka_unit_test(test_wrong_unit_and_no_unit),
      cmocka_unit_test(test_time_step),
      cmocka_unit_test(test_delay_shorter_than_dt),
      cmocka_unit_test(test_population_of_size_zero),
      cmocka_unit_test(test_unknown_population),
      cmocka_unit_test(test_parameter_relation),
      cmocka_unit_test(test_missing_spike_file),
      cmocka_unit_test(test_spike_file_is_read),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
