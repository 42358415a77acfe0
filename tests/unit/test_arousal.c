/* test_arousal.c - the arousal after a shock (arousal.h): its table, the saturating jump at each
 * US and the exponential decay between them against the equations stepped by hand, its gain on
 * protein synthesis; and through an experiment file, that the fear circuit turns it on for IL_E
 * only, that the protocol's US onsets feed it, and that an experiment can switch it off. */
#include "fs_test.h"

#include <fearsim/arousal.h>
#include <fearsim/experiment.h>

#include <math.h>
#include <string.h>

static fs_arousal_params defaults(void) {
  fs_arousal_params p;
  fs_params_set_defaults(fs_arousal_param_specs, fs_arousal_n_param_specs, &p);
  return p;
}

static void test_table(void **state) {
  (void)state;
  fs_error err = {0};
  assert_int_equal(fs_params_validate_table(fs_arousal_param_specs, fs_arousal_n_param_specs,
                                            sizeof(fs_arousal_params), &err),
                   FS_OK);
  fs_arousal_params p = defaults();
  fs_assert_close(p.jump, 0.5, 0.0, 0.0);
  fs_assert_close(p.tau, 3.0 * 3600.0, 0.0, 0.0);
  fs_assert_close(p.prp_suppression, 1.0, 0.0, 0.0);
  fs_assert_close(p.a_half, 0.1, 0.0, 0.0);
  fs_assert_close(p.hill, 4.0, 0.0, 0.0);
}

static void test_level(void **state) {
  (void)state;
  fs_arousal_params p = defaults();
  const double us[] = {100.0, 140.0, 180.0};
  fs_assert_close(fs_arousal_level(&p, us, 3, 50.0), 0.0, 0.0, 0.0); /* before the first US */
  fs_assert_close(fs_arousal_level(&p, NULL, 0, 1e5), 0.0, 0.0, 0.0);
  /* by hand: A = 0.5, decays 40 s, + 0.5 (1 - A), decays 40 s, + 0.5 (1 - A) */
  double a = 0.5;
  a *= exp(-40.0 / p.tau);
  a += 0.5 * (1.0 - a);
  a *= exp(-40.0 / p.tau);
  a += 0.5 * (1.0 - a);
  fs_assert_close(fs_arousal_level(&p, us, 3, 180.0), a, 1e-15, 0.0);
  assert_true(a > 0.87 && a < 0.875); /* three pairings: near 1 - 0.5^3 */
  /* then it decays with tau: 24 h later 3.4e-4 of the peak */
  double day = fs_arousal_level(&p, us, 3, 180.0 + 86400.0);
  fs_assert_close(day, a * exp(-8.0), 1e-12, 0.0);
  /* S(A) = A^4 / (A^4 + 0.1^4): half at 0.1, near full at 0.5, near none a day later */
  fs_assert_close(fs_arousal_prp_gain(&p, 0.1), 0.5, 1e-15, 0.0);
  fs_assert_close(fs_arousal_prp_gain(&p, 0.5), 1.0 - 625.0 / 626.0, 1e-12, 0.0);
  assert_true(1.0 - fs_arousal_prp_gain(&p, day) < 1e-9);
  fs_assert_close(fs_arousal_prp_gain(&p, 0.0), 1.0, 0.0, 0.0);
  p.prp_suppression = 0.0;
  fs_assert_close(fs_arousal_prp_gain(&p, 0.9), 1.0, 0.0, 0.0);
}

static fs_experiment_spec *load(const char *const *overrides, size_t n) {
  fs_experiment_spec *spec = NULL;
  fs_error err = {0};
  fs_status st = fs_experiment_load(FS_SOURCE_DIR "/configs/experiments/immediate_extinction.yaml",
                                    overrides, n, &spec, &err);
  if (st != FS_OK) fail_msg("%s", err.msg);
  return spec;
}

static void test_fear_circuit(void **state) {
  (void)state;
  fs_experiment_spec *spec = load(NULL, 0);
  assert_true(spec->arousal.on);
  for (size_t i = 0; i < spec->n_pops; i++)
    assert_int_equal(spec->pops[i].arousal, strcmp(spec->pops[i].name, "IL_E") == 0);
  assert_int_equal(spec->arousal.n_us, 3); /* three pairings, US 8 s into each CS */
  fs_assert_close(spec->arousal.us_on[0], 9.0 * 3600.0 + 3600.0 + 1.0 + 8.0, 0.0, 1e-9);
  /* 15 min after conditioning, at the start of immediate extinction: high */
  assert_true(fs_experiment_arousal(spec, 10.25 * 3600.0) > 0.8);
  fs_experiment_free(spec);
  const char *off[] = {"arousal.populations=[]"};
  spec = load(off, 1);
  assert_false(spec->arousal.on);
  fs_assert_close(fs_experiment_arousal(spec, 10.25 * 3600.0), 0.0, 0.0, 0.0);
  fs_experiment_free(spec);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_level),
      cmocka_unit_test(test_fear_circuit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
