/* test_fear_allocation.c - docs/validation.md target 46, memory allocation by competition in LA
 * (Han et al. 2007, 2009; Yiu et al. 2014; Kim, Pare & Nair 2013), on the fear circuit with
 * LA's principal cells in two groups (configs/circuits/fear_circuit_allocation.yaml: LA_E 80 %,
 * LA_E_hi 20 %, wired alike) and configs/experiments/allocation.yaml: three weak pairings
 * (0.1 mA) in A on day 1 with 200 pA into LA_E_hi from just before the session to its end, a
 * test of two tones in A on day 2. The control is the same animal (seed) with 0 pA. Sessions:
 * 0 conditioning (3 trials), 1 test (2 trials). */
#include "fear_runs.h"

#define CONFIG "allocation.yaml"
#define EQUAL "--set 'currents[0].amplitude=0 pA'"
#define SILENCED "--set 'currents[1].amplitude=-500 pA'"
#define CUT_HI_TO_LA_I "--set 'circuit.set=[\"projections[44].weight=0 nS\"]'"
#define TEST_START 122400.0 /* day 2, 10:00 (s) */

static fear_run excited, equal;

static int setup(void **state) {
  if (fs_test_setup(state) != 0) return -1;
  excited = fear_run_experiment("excited", CONFIG, "");
  equal = fear_run_experiment("equal", CONFIG, EQUAL);
  fear_print(&excited);
  fear_print(&equal);
  return 0;
}

static int teardown(void **state) {
  fear_run_free(&excited);
  fear_run_free(&equal);
  return fs_test_teardown(state);
}

/* The consolidated CS -> LA weight (z, 0 before learning) of one group when the test starts. */
static double z_at_test(const fear_run *r, const char *group) {
  char name[64];
  snprintf(name, sizeof name, "z_CS->%s", group);
  return fear_timeline_at(r, name, TEST_START);
}

/* /trials/rate_<pop> of trial k: the group's rate during the CS before the US time. */
static double trial_rate(const fear_run *r, const char *pop, size_t k) {
  char name[64];
  size_t n = 0;
  snprintf(name, sizeof name, "rate_%s", pop);
  double *v = fear_column(r->path, name, r->n, &n);
  double out = v[k];
  free(v);
  return out;
}

/* A group's learnt CS response: its rate at the first test tone (trial 3) minus its naive rate
 * at the first tone of the control (trial 0 of the 0-pA run, before any current or shock). */
static double learnt_response(const fear_run *r, const char *group) {
  return trial_rate(r, group, 3) - trial_rate(&equal, group, 0);
}

/* Allocation: the excited group learns about 3 times as much as the rest (Han et al. 2007:
 * about 3 times as likely to be in the trace, from memory): z and the learnt CS response both
 * >= 2x the normal neurons'; with equal excitability the two groups learn alike (< 1.5x).
 * Measured (seed 1): z 0.403 against 0.108 (3.74x), response +1.60 against +0.43 Hz (3.7x);
 * equal 0.113 / 0.111 (1.02x). Before the salience (salience.h): 0.462 against 0.160 (2.89x). */
static void test_allocation_follows_excitability(void **state) {
  (void)state;
  double z_hi = z_at_test(&excited, "LA_E_hi"), z_lo = z_at_test(&excited, "LA_E");
  double r_hi = learnt_response(&excited, "LA_E_hi"), r_lo = learnt_response(&excited, "LA_E");
  double z_hi0 = z_at_test(&equal, "LA_E_hi"), z_lo0 = z_at_test(&equal, "LA_E");
  print_message("allocation: z LA_E_hi %.4f, LA_E %.4f (%.2fx); learnt response %+.2f, %+.2f Hz "
                "(%.2fx); equal excitability z %.4f, %.4f (%.2fx)\n",
                z_hi, z_lo, z_hi / z_lo, r_hi, r_lo, r_hi / r_lo, z_hi0, z_lo0, z_hi0 / z_lo0);
  assert_true(z_lo > 0.0 && r_lo > 0.0);
  assert_true(z_hi >= 2.0 * z_lo);
  assert_true(r_hi >= 2.0 * r_lo);
  assert_true(z_hi0 < 1.5 * z_lo0);
}

/* Competition: the normal neurons learn less when an excitable group trains beside them (z >= 3 %
 * lower than in the same animal with equal excitability), and only through LA's interneurons:
 * with LA_E_hi -> LA_I cut in both runs the normal neurons' z is the same. (That equality holds
 * by the wiring, LA_E_hi reaching LA_E through LA_I alone: it checks that the gap comes from
 * that projection, and fails only if something else couples the groups.) Measured (seed 1):
 * 0.108 against 0.111 (-3.0 %; before the salience, salience.h: -4.3 %); cut 0.1656 in both. */
static void test_competition_through_inhibition(void **state) {
  (void)state;
  double z = z_at_test(&excited, "LA_E"), z0 = z_at_test(&equal, "LA_E");
  fear_run cut = fear_run_experiment("excited_cut", CONFIG, CUT_HI_TO_LA_I);
  fear_run cut0 = fear_run_experiment("equal_cut", CONFIG, CUT_HI_TO_LA_I " " EQUAL);
  double zc = z_at_test(&cut, "LA_E"), zc0 = z_at_test(&cut0, "LA_E");
  print_message("competition: z LA_E %.4f beside the excited group, %.4f with equal excitability "
                "(%+.1f %%); LA_E_hi -> LA_I cut: %.4f against %.4f\n",
                z, z0, 100 * (z / z0 - 1), zc, zc0);
  assert_true(z <= 0.97 * z0);
  assert_true(fabs(zc - zc0) <= 1e-9);
  fear_run_free(&cut);
  fear_run_free(&cut0);
}

/* Ablation at the test (Han et al. 2009): silencing the excited group (-500 pA during the test
 * session) lowers freezing (mean of 2 tones) at least 1.2 times as much as silencing the same
 * 20 % in the animal trained with equal excitability. Measured (seeds 1, 2, 3): 11.6 -> 7.9,
 * 10.6 -> 7.5, 10.3 -> 7.3 % (3.7, 3.2, 3.0 points) against 10.7 -> 7.9, 9.6 -> 7.6, 9.2 ->
 * 7.3 % (2.8, 1.9, 1.9): 1.32, 1.62, 1.56 times; naive 7.6 %: near the floor of the readout.
 * Before the salience (salience.h) seed 1 gave 4.8 against 2.7 points and the factor was 1.5. */
static void test_ablating_the_allocated_neurons(void **state) {
  (void)state;
  fear_run off = fear_run_experiment("excited_silenced", CONFIG, SILENCED);
  fear_run off0 = fear_run_experiment("equal_silenced", CONFIG, SILENCED " " EQUAL);
  double f = fear_freezing(&excited, 1, 0, 2), f_off = fear_freezing(&off, 1, 0, 2);
  double f0 = fear_freezing(&equal, 1, 0, 2), f0_off = fear_freezing(&off0, 1, 0, 2);
  print_message("ablation: excited %.1f -> %.1f %% (%.1f points), equal %.1f -> %.1f %% (%.1f)\n",
                100 * f, 100 * f_off, 100 * (f - f_off), 100 * f0, 100 * f0_off,
                100 * (f0 - f0_off));
  assert_true(f - f_off >= 0.02);
  assert_true(f - f_off >= 1.2 * (f0 - f0_off));
  fear_run_free(&off);
  fear_run_free(&off0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_allocation_follows_excitability),
      cmocka_unit_test(test_competition_through_inhibition),
      cmocka_unit_test(test_ablating_the_allocated_neurons),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
