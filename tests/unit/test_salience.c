/* test_salience.c - the salience of a protocol's events (salience.h): its table, the saturating
 * jump at each event and the decay between them against the equations stepped by hand, its
 * factor on the protein-synthesis threshold; and through experiment files, that the fear circuit
 * turns it on for its five late-phase populations, that the protocol's USs and the ends of its
 * CS-alone trials are the events, that an experiment can switch it off, that a slice has none,
 * and that a target without protein synthesis is refused with its place in the file. */
#include "fs_test.h"

#include <fearsim/arousal.h>
#include <fearsim/experiment.h>
#include <fearsim/salience.h>

#include <math.h>
#include <string.h>

static fs_salience_params defaults(void) {
  fs_salience_params p;
  fs_params_set_defaults(fs_salience_param_specs, fs_salience_n_param_specs, &p);
  return p;
}

static void test_table(void **state) {
  (void)state;
  fs_error err = {0};
  assert_int_equal(fs_params_validate_table(fs_salience_param_specs, fs_salience_n_param_specs,
                                            sizeof(fs_salience_params), &err),
                   FS_OK);
  fs_salience_params p = defaults();
  fs_assert_close(p.jump, 0.5, 0.0, 0.0);
  fs_assert_close(p.tau, 3.0 * 3600.0, 0.0, 0.0);
  fs_assert_close(p.gain, 2.0, 0.0, 0.0);
}

static void test_level_and_threshold(void **state) {
  (void)state;
  fs_salience_params p = defaults();
  p.tau = 1800.0;
  const double at[] = {10.0, 70.0};
  fs_assert_close(fs_salience_level(&p, at, 2, 5.0), 0.0, 0.0, 0.0);
  fs_assert_close(fs_salience_level(&p, NULL, 0, 1e4), 0.0, 0.0, 0.0);
  double d = 0.5 * exp(-60.0 / 1800.0); /* by hand: 0.5, 60 s of decay, half the way to 1 */
  d += 0.5 * (1.0 - d);
  fs_assert_close(fs_salience_level(&p, at, 2, 70.0), d, 1e-15, 0.0);
  fs_assert_close(fs_salience_level(&p, at, 2, 70.0 + 3600.0), d * exp(-2.0), 1e-14, 0.0);
  /* the arousal is the same trace of its own events */
  fs_assert_close(fs_event_trace(0.5, 1800.0, at, 2, 70.0), d, 0.0, 0.0);
  /* theta_pro / (1 + 2 D): the slice's 0.6 is the circuit's 0.2 at D = 1, unchanged at 0 */
  fs_assert_close(0.6 * fs_salience_threshold_factor(&p, 1.0), 0.2, 1e-15, 0.0);
  fs_assert_close(fs_salience_threshold_factor(&p, 0.0), 1.0, 0.0, 0.0);
  p.gain = 0.0;
  fs_assert_close(fs_salience_threshold_factor(&p, 0.9), 1.0, 0.0, 0.0);
}

static fs_experiment_spec *load(const char *file, const char *const *overrides, size_t n) {
  fs_experiment_spec *spec = NULL;
  fs_error err = {0};
  fs_status st = fs_experiment_load(file, overrides, n, &spec, &err);
  if (st != FS_OK) fail_msg("%s", err.msg);
  return spec;
}

#define PROBE FS_SOURCE_DIR "/configs/sensitivity/probe.yaml"

/* probe.yaml: 3 pairings on day 1, 10 CS-alone trials on day 3, one each on days 4 (twice)
 * and 10 */
static void test_fear_circuit(void **state) {
  (void)state;
  fs_experiment_spec *spec = load(PROBE, NULL, 0);
  assert_true(spec->salience.on);
  const char *targets[] = {"LA_E", "BA_fear", "BA_ext", "IL_E", "ITC"};
  for (size_t i = 0; i < spec->n_pops; i++) {
    bool want = false;
    for (size_t k = 0; k < 5; k++)
      want |= strcmp(spec->pops[i].name, targets[k]) == 0;
    assert_int_equal(spec->pops[i].salience, want);
  }
  const fs_protocol *pr = spec->protocol;
  assert_int_equal(pr->n_trials, 16);
  assert_int_equal(spec->salience.n_events, 16);
  for (size_t i = 0; i < 3; i++)
    fs_assert_close(spec->salience.at[i], pr->trials[i].us_on, 0.0, 0.0);
  for (size_t i = 3; i < 16; i++) {
    assert_true(isnan(pr->trials[i].us_on));
    fs_assert_close(spec->salience.at[i], pr->trials[i].cs_off, 0.0, 0.0);
  }
  /* 1 h after the last pairing high, a day later nearly gone; during extinction high again */
  double us3 = spec->salience.at[2];
  assert_true(fs_experiment_salience(spec, us3 + 3600.0) > 0.6);
  assert_true(fs_experiment_salience(spec, us3 + 86400.0) < 1e-3);
  assert_true(fs_experiment_salience(spec, spec->salience.at[12]) > 0.99);
  fs_experiment_free(spec);
  const char *off[] = {"salience.populations=[]"};
  spec = load(PROBE, off, 1);
  assert_false(spec->salience.on);
  fs_assert_close(fs_experiment_salience(spec, us3 + 60.0), 0.0, 0.0, 0.0);
  fs_experiment_free(spec);
}

static void test_slice_has_none(void **state) {
  (void)state;
  fs_experiment_spec *spec = load(FS_SOURCE_DIR "/configs/plasticity/late_phase.yaml", NULL, 0);
  assert_false(spec->salience.on);
  for (size_t i = 0; i < spec->n_pops; i++)
    assert_false(spec->pops[i].salience);
  fs_experiment_free(spec);
}

static void test_target_without_synthesis(void **state) {
  (void)state;
  const char *bad[] = {"salience.populations=[CeM]"};
  fs_experiment_spec *spec = NULL;
  fs_error err = {0};
  assert_int_equal(fs_experiment_load(PROBE, bad, 1, &spec, &err), FS_ERR_INPUT);
  assert_null(spec);
  assert_non_null(strstr(err.msg, "no late-phase projection reaches \"CeM\""));
  assert_non_null(strstr(err.msg, "salience"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_level_and_threshold),
      cmocka_unit_test(test_fear_circuit),
      cmocka_unit_test(test_slice_has_none),
      cmocka_unit_test(test_target_without_synthesis),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
