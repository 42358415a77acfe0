/* test_param.c - parameter-spec tables: defaults, reading with units, bound messages in SI,
 * unknown keys with "did you mean", and the table self-check. */
#include <fearsim/param.h>

#include <stdlib.h>

#include "fs_test.h"

typedef struct toy_params {
  double tau_m, v_th, g_l, p_release, dt;
} toy_params;

static const fs_param_spec toy_specs[] = {
    {"tau_m", FS_UNIT_TIME, 20e-3, 0.0, HUGE_VAL, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(toy_params, tau_m), "membrane time constant", "toy"},
    {"v_th", FS_UNIT_VOLTAGE, -50e-3, -HUGE_VAL, HUGE_VAL, 0, offsetof(toy_params, v_th),
     "threshold", "toy"},
    {"g_l", FS_UNIT_CONDUCTANCE, 10e-9, 0.0, HUGE_VAL, 0, offsetof(toy_params, g_l),
     "leak conductance", "toy"},
    {"p_release", FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1.0, 0, offsetof(toy_params, p_release),
     "release probability", "toy"},
    {"dt", FS_UNIT_TIME, 1e-4, 1e-4, 10.0, 0, offsetof(toy_params, dt), "step", "toy"},
};
#define N_TOY (sizeof toy_specs / sizeof toy_specs[0])

typedef struct fixture {
  fs_config *cfg;
  toy_params p;
  fs_error err;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  *state = f;
  return f == NULL ? -1 : 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  fs_config_free(f->cfg);
  free(f);
  return 0;
}

/* Loads text and reads its "params" mapping into f->p. */
static fs_status read_params(fixture *f, const char *text) {
  fs_config_free(f->cfg);
  f->cfg = NULL;
  if (fs_config_load_string("x.yaml", text, NULL, 0, &f->cfg, &f->err) != FS_OK)
    fail_msg("load: %s", f->err.msg);
  fs_cfg_node params = fs_cfg_child(fs_config_root(f->cfg), "params");
  return fs_params_read(params, toy_specs, N_TOY, &f->p, &f->err);
}

static void test_defaults(void **state) {
  fixture *f = *state;
  memset(&f->p, 0xff, sizeof f->p);
  fs_params_set_defaults(toy_specs, N_TOY, &f->p);
  fs_assert_close(f->p.tau_m, 20e-3, 0, 0);
  fs_assert_close(f->p.v_th, -50e-3, 0, 0);
  fs_assert_close(f->p.p_release, 0.5, 0, 0);
  /* an absent mapping gives the defaults */
  memset(&f->p, 0, sizeof f->p);
  assert_int_equal(read_params(f, "other: 1\n"), FS_OK);
  fs_assert_close(f->p.g_l, 10e-9, 0, 0);
  fs_assert_close(f->p.dt, 1e-4, 0, 0);
}

static void test_read_values(void **state) {
  fixture *f = *state;
  assert_int_equal(read_params(f, "params:\n  tau_m: 10 ms\n  p_release: 20 %\n  v_th: -55 mV\n"),
                   FS_OK);
  fs_assert_close(f->p.tau_m, 10e-3, 1e-12, 0);
  fs_assert_close(f->p.p_release, 0.2, 1e-12, 0);
  fs_assert_close(f->p.v_th, -55e-3, 1e-12, 0);
  fs_assert_close(f->p.g_l, 10e-9, 0, 0); /* default kept */
}

static void test_bound_messages(void **state) {
  fixture *f = *state;
  assert_int_equal(read_params(f, "params:\n  tau_m: 0 s\n"), FS_ERR_INPUT);
  fs_assert_msg(f->err, "x.yaml:2:10: params.tau_m: tau_m must be > 0 s, got 0 s");
  assert_int_equal(read_params(f, "params:\n  dt: 20 s\n"), FS_ERR_INPUT);
  fs_assert_msg(f->err, "x.yaml:2:7: params.dt: dt must be between 0.0001 s and 10 s, got 20 s");
  assert_int_equal(read_params(f, "params:\n  g_l: -1 nS\n"), FS_ERR_INPUT);
  fs_assert_msg(f->err, "x.yaml:2:8: params.g_l: g_l must be >= 0 S, got -1e-09 S");
  assert_int_equal(read_params(f, "params:\n  p_release: 1.5\n"), FS_ERR_INPUT);
  fs_assert_msg(f->err,
                "x.yaml:2:14: params.p_release: p_release must be between 0 and 1, got 1.5");
  assert_int_equal(read_params(f, "params:\n  tau_m: 20\n"), FS_ERR_INPUT);
  fs_assert_msg(f->err, "x.yaml:2:10: params.tau_m: expected a time such as \"30 s\", got \"20\"");
}

static void test_unknown_key(void **state) {
  fixture *f = *state;
  assert_int_equal(read_params(f, "params:\n  tau_n: 10 ms\n"), FS_ERR_INPUT);
  fs_assert_msg(f->err,
                "x.yaml:2:3: params.tau_n: unknown key \"tau_n\" (did you mean \"tau_m\"?)");
  assert_int_equal(read_params(f, "params:\n  colour: red\n"), FS_ERR_INPUT);
  fs_assert_msg(f->err,
                "x.yaml:2:3: params.colour: unknown key \"colour\" (expected one of: tau_m, "
                "v_th, g_l, p_release, dt)");
  assert_int_equal(read_params(f, "params: [1, 2]\n"), FS_ERR_INPUT);
  fs_assert_msg(f->err, "x.yaml:1:9: params: expected a mapping, got a sequence");
}

static void test_param_check(void **state) {
  (void)state;
  fs_error err;
  const fs_param_spec upper = {
      "x", FS_UNIT_CURRENT, 0, -HUGE_VAL, 1e-9, FS_PARAM_MAX_EXCLUSIVE, 0, "", ""};
  assert_int_equal(fs_param_check(&upper, 0.5e-9, &err), FS_OK);
  assert_int_equal(fs_param_check(&upper, 1e-9, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x must be < 1e-09 A, got 1e-09 A");
  const fs_param_spec le = {"y", FS_UNIT_RATE, 0, -HUGE_VAL, 2.0, 0, 0, "", ""};
  assert_int_equal(fs_param_check(&le, 2.0, &err), FS_OK);
  assert_int_equal(fs_param_check(&le, 2.0000001, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "y must be <= 2 1/s, got 2.0000000999999998 1/s");
  const fs_param_spec mixed = {
      "z", FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1.0, FS_PARAM_MIN_EXCLUSIVE, 0, "", ""};
  assert_int_equal(fs_param_check(&mixed, 1.0, &err), FS_OK);
  assert_int_equal(fs_param_check(&mixed, 0.0, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "z must be > 0 and <= 1, got 0");
  assert_int_equal(fs_param_check(&toy_specs[1], -1e300, &err), FS_OK); /* unbounded */
  assert_int_equal(fs_param_check(&toy_specs[0], NAN, &err), FS_ERR_INPUT);
}

static void test_find(void **state) {
  (void)state;
  assert_ptr_equal(fs_params_find(toy_specs, N_TOY, "g_l"), &toy_specs[2]);
  assert_null(fs_params_find(toy_specs, N_TOY, "g_L"));
  assert_null(fs_params_find(toy_specs, N_TOY, NULL));
}

static void test_validate_table(void **state) {
  (void)state;
  fs_error err;
  assert_int_equal(fs_params_validate_table(toy_specs, N_TOY, sizeof(toy_params), &err), FS_OK);
  fs_param_spec bad[2] = {toy_specs[0], toy_specs[1]};
  bad[1].name = "tau_m";
  assert_int_equal(fs_params_validate_table(bad, 2, sizeof(toy_params), &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "parameter \"tau_m\": name used twice");
  bad[1] = toy_specs[1];
  bad[1].source = "";
  assert_int_equal(fs_params_validate_table(bad, 2, sizeof(toy_params), &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "parameter \"v_th\" has no description or source");
  bad[1] = toy_specs[1];
  bad[1].offset = bad[0].offset;
  assert_int_equal(fs_params_validate_table(bad, 2, sizeof(toy_params), &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "parameter \"v_th\": offset 0 is used by \"tau_m\" too");
  bad[1] = toy_specs[1];
  bad[1].offset = sizeof(toy_params);
  assert_int_equal(fs_params_validate_table(bad, 2, sizeof(toy_params), &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "parameter \"v_th\": offset 40 is not an aligned double inside a struct of "
                     "40 bytes");
  bad[1] = toy_specs[1];
  bad[1].min = 1.0;
  bad[1].max = 0.0;
  assert_int_equal(fs_params_validate_table(bad, 2, sizeof(toy_params), &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "parameter \"v_th\": min 1 is not <= max 0");
  bad[1] = toy_specs[1];
  bad[1].min = 0.0;
  assert_int_equal(fs_params_validate_table(bad, 2, sizeof(toy_params), &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "parameter \"v_th\": default out of bounds: v_th must be >= 0 V, got -0.05 V");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
      cmocka_unit_test_setup_teardown(test_read_values, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bound_messages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
      cmocka_unit_test(test_param_check),
      cmocka_unit_test(test_find),
      cmocka_unit_test(test_validate_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
