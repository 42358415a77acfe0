/* test_fear_generalisation.c - docs/validation.md target 67 (Asim et al. 2020) on the two-tone
 * fear circuit (configs/circuits/fear_circuit_two_tones.yaml) at scale 0.1, classroom-sized
 * (configs/experiments/generalisation.yaml): conditioning to CS in A; a new tone, CS2, whose
 * sound also excites the CS's input units at half their rate (protocol.inputs.tones.cs2.with),
 * evokes fear in B two days later and two weeks later: above its freezing before conditioning,
 * below the CS's. Without that overlap (with CS at 0 Hz) CS2 stays near its naive freezing.
 * Ketamine (30 mg/kg i.p.) 22 h after conditioning lowers the freezing to CS2 at both tests.
 * Sessions: 0 habituation (CS2 then CS, day 1), 1 conditioning (3 pairings), 2 test_cs2 and
 * 3 test_cs (day 3, 2 trials each), 4 late_cs2 and 5 late_cs (day 16). */
#include "fear_runs.h"

#define CONFIG "generalisation.yaml"

static fear_run saline, ketamine;

static int setup(void **state) {
  if (fs_test_setup(state) != 0) return -1;
  saline = fear_run_experiment("saline", CONFIG, "--set 'drugs[0].drug=saline'");
  ketamine = fear_run_experiment("ketamine", CONFIG, "");
  fear_print(&saline);
  fear_print(&ketamine);
  return 0;
}

static int teardown(void **state) {
  fear_run_free(&saline);
  fear_run_free(&ketamine);
  return fs_test_teardown(state);
}

/* CS2's freezing before conditioning (the first habituation trial). */
static double naive_cs2(const fear_run *r) {
  return fear_freezing(r, 0, 0, 1);
}

/* Fear generalises: at both tests the first CS2 trial lies well above CS2's naive freezing and
 * below the CS's first trial (tested after CS2, so already lowered by CS2's extinction). */
static void assert_generalises(const fear_run *r) {
  for (size_t s = 2; s <= 4; s += 2) {
    double cs2 = fear_freezing(r, s, 0, 1), cs = fear_freezing(r, s + 1, 0, 1);
    print_message("%s: session %zu CS2 %.1f %%, CS %.1f %%, CS2 naive %.1f %%\n", r->name, s,
                  100 * cs2, 100 * cs, 100 * naive_cs2(r));
    assert_true(cs2 > naive_cs2(r) + 0.20);
    assert_true(cs2 < cs - 0.04);
  }
}

static void test_fear_generalises_to_the_new_tone(void **state) {
  (void)state;
  assert_generalises(&saline);
}

/* The generalisation comes from the overlap: with CS2 not exciting the CS's units, CS2's own
 * synapses onto LA (input-specific, silent during conditioning) carry no fear. */
static void test_no_generalisation_without_overlap(void **state) {
  (void)state;
  fear_run apart = fear_run_experiment(
      "no_overlap", CONFIG,
      "--set 'drugs[0].drug=saline' --set 'protocol.inputs.tones.cs2.with.CS=0 Hz'");
  fear_print(&apart);
  for (size_t s = 2; s <= 4; s += 2)
    assert_true(fear_freezing(&apart, s, 0, 1) < naive_cs2(&apart) + 0.10);
  fear_run_free(&apart);
}

/* Ketamine 22 h after conditioning: the same animal up to the drug, then less freezing to CS2
 * over the test sessions of day 3 and of day 16. */
static void test_ketamine_lowers_generalised_fear(void **state) {
  (void)state;
  fs_assert_close(fear_freezing(&ketamine, 1, 0, 3), fear_freezing(&saline, 1, 0, 3), 0.0, 1e-12);
  for (size_t s = 2; s <= 4; s += 2) {
    double ket = fear_freezing(&ketamine, s, 0, 2), sal = fear_freezing(&saline, s, 0, 2);
    print_message("session %zu: CS2 mean ketamine %.1f %%, saline %.1f %%\n", s, 100 * ket,
                  100 * sal);
    assert_true(ket < sal - 0.05);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fear_generalises_to_the_new_tone),
      cmocka_unit_test(test_no_generalisation_without_overlap),
      cmocka_unit_test(test_ketamine_lowers_generalised_fear),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
