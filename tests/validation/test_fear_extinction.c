/* test_fear_extinction.c - docs/model.md §8 rows 12, 13, 15 and 16 on the default fear circuit at
 * scale 0.1 (configs/experiments/): freezing declines across 20 CS-alone trials and the recall
 * 24 h later is low; APV in the extinction circuit leaves the drug-free recall high; freezing
 * returns as days pass after extinction; after extinction in B, the test back in A brings it
 * back (renewal.yaml is extinction.yaml with the day-4 recall in A).
 * Sessions of extinction.yaml: 0 conditioning (5 trials, day 1, A), 1 extinction (20, day 3,
 * B), 2 recall (2, day 4, B), 3 test (2, day 11, B), 4 test (2, day 25, B). A test's freezing is
 * its first trial (the next trial already carries that session's re-extinction). */
#include "fear_runs.h"

static fear_run ext;

static int setup(void **state) {
  if (fs_test_setup(state) != 0) return -1;
  ext = fear_run_experiment("extinction", "extinction.yaml", "");
  fear_print(&ext);
  return 0;
}

static int teardown(void **state) {
  fear_run_free(&ext);
  return fs_test_teardown(state);
}

/* Row 12. */
static void test_extinction_and_recall(void **state) {
  (void)state;
  double start = fear_freezing(&ext, 1, 0, 3), end = fear_freezing(&ext, 1, 17, 3);
  assert_true(start >= 0.50);
  assert_true(end <= start - 0.30);
  double recall = fear_freezing(&ext, 2, 0, 1);
  assert_true(recall <= start - 0.15);
}

/* Row 15: spontaneous recovery over three weeks after extinction. */
static void test_spontaneous_recovery(void **state) {
  (void)state;
  double recall = fear_freezing(&ext, 2, 0, 1), week = fear_freezing(&ext, 3, 0, 1);
  double weeks3 = fear_freezing(&ext, 4, 0, 1);
  assert_true(week > recall + 0.05);
  assert_true(weeks3 > recall + 0.15);
}

/* Row 13: D-APV in IL, ITC and BA extinction neurons during extinction (Falls et al. 1992). */
static void test_apv_blocks_extinction_recall(void **state) {
  (void)state;
  fear_run apv = fear_run_experiment("apv_extinction", "apv_extinction.yaml", "");
  fear_print(&apv);
  double recall = fear_freezing(&apv, 2, 0, 1);
  assert_true(recall >= 0.60);
  assert_true(recall > fear_freezing(&ext, 2, 0, 1) + 0.20);
  fear_run_free(&apv);
}

/* Row 16: ABA renewal (Bouton 2004): the same animal up to the test, then tested in A or B. */
static void test_renewal(void **state) {
  (void)state;
  fear_run aba = fear_run_experiment("renewal", "renewal.yaml", "");
  fear_print(&aba);
  for (size_t k = 0; k < 25; k++) /* the same seed and protocol up to the test */
    fs_assert_close(aba.freezing[k], ext.freezing[k], 0.0, 1e-12);
  assert_true(fear_freezing(&aba, 2, 0, 1) > fear_freezing(&ext, 2, 0, 1) + 0.05);
  fear_run_free(&aba);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_extinction_and_recall),
      cmocka_unit_test(test_spontaneous_recovery),
      cmocka_unit_test(test_apv_blocks_extinction_recall),
      cmocka_unit_test(test_renewal),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
