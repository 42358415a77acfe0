/* test_fear_acquisition.c - docs/model.md §8 rows 10 and 11 and the BDNF knock-out on the default
 * fear circuit at scale 0.1 (configs/experiments/): freezing rises over five CS-US pairings
 * from naive (<= 20 %) to conditioned (60-90 %) and stays high at the recall 24 h later; APV
 * in LA during conditioning leaves the drug-free recall low; without BDNF the session's
 * learning happens but nothing is consolidated, so the recall is low. Sessions: 0
 * conditioning (5 trials, day 1), 1 recall (3 trials, day 2). */
#include "fear_runs.h"

static fear_run acq;

static int setup(void **state) {
  if (fs_test_setup(state) != 0) return -1;
  acq = fear_run_experiment("acquisition", "acquisition.yaml", "");
  fear_print(&acq);
  return 0;
}

static int teardown(void **state) {
  fear_run_free(&acq);
  return fs_test_teardown(state);
}

/* Row 10. */
static void test_acquisition(void **state) {
  (void)state;
  double naive = fear_freezing(&acq, 0, 0, 1), last = fear_freezing(&acq, 0, 4, 1);
  assert_true(naive <= 0.20);
  assert_true(last >= 0.60 && last <= 0.90);
  for (size_t k = 1; k < 5; k++) /* every pairing after the first keeps it above 60 % */
    assert_true(fear_freezing(&acq, 0, k, 1) >= 0.60);
  assert_true(fear_freezing(&acq, 1, 0, 1) >= 0.60); /* recall 24 h later */
}

/* Row 11: D-APV in LA during conditioning blocks acquisition (Miserendino et al. 1990). */
static void test_apv_in_la_blocks_acquisition(void **state) {
  (void)state;
  fear_run apv = fear_run_experiment("apv_conditioning", "apv_conditioning.yaml", "");
  fear_print(&apv);
  assert_true(fear_freezing(&apv, 0, 4, 1) <= 0.30);
  double recall = fear_freezing(&apv, 1, 0, 1);
  assert_true(recall <= 0.35);
  assert_true(recall < fear_freezing(&acq, 1, 0, 1) - 0.30);
  fear_run_free(&apv);
}

/* BDNF knock-out: early LTP in LA works in the session, the late phase never starts. */
static void test_bdnf_knockout(void **state) {
  (void)state;
  fear_run ko = fear_run_experiment("bdnf_knockout", "bdnf_knockout.yaml", "");
  fear_print(&ko);
  assert_true(fear_freezing(&ko, 0, 4, 1) >= 0.60);
  double recall = fear_freezing(&ko, 1, 0, 1);
  assert_true(recall <= 0.35);
  assert_true(recall < fear_freezing(&acq, 1, 0, 1) - 0.30);
  fear_run_free(&ko);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_acquisition),
      cmocka_unit_test(test_apv_in_la_blocks_acquisition),
      cmocka_unit_test(test_bdnf_knockout),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
