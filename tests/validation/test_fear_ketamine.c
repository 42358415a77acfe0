/* test_fear_ketamine.c - docs/model.md §8 rows 17 and 18 on the default fear circuit at scale 0.1:
 * ketamine (10 mg/kg i.p.) 24 h after conditioning lowers freezing during the extinction on the
 * next day and at the test 8 days later, against the same animal without the drug
 * (extinction.yaml, Girgenti et al. 2017); with protein synthesis (mTORC1) blocked in IL the
 * benefit is lost. Sessions: 0 conditioning (day 1), 1 extinction (20 trials, day 3), 2 recall
 * (day 4), 3 test (day 11), 4 test (day 25). */
#include "fear_runs.h"

static fear_run control, ketamine;

static int setup(void **state) {
  if (fs_test_setup(state) != 0) return -1;
  control = fear_run_experiment("control", "extinction.yaml", "");
  ketamine = fear_run_experiment("ketamine", "ketamine_extinction.yaml", "");
  fear_print(&control);
  fear_print(&ketamine);
  return 0;
}

static int teardown(void **state) {
  fear_run_free(&control);
  fear_run_free(&ketamine);
  return fs_test_teardown(state);
}

/* Row 17. */
static void test_ketamine_helps_extinction(void **state) {
  (void)state;
  /* the drug is given after conditioning: day 1 is the same animal */
  fs_assert_close(fear_freezing(&ketamine, 0, 0, 5), fear_freezing(&control, 0, 0, 5), 0.0, 1e-12);
  assert_true(fear_freezing(&ketamine, 1, 0, 20) < fear_freezing(&control, 1, 0, 20) - 0.05);
  assert_true(fear_freezing(&ketamine, 2, 0, 1) < fear_freezing(&control, 2, 0, 1) - 0.10);
  assert_true(fear_freezing(&ketamine, 3, 0, 1) < fear_freezing(&control, 3, 0, 1) - 0.07);
}

/* Row 18: rapamycin in IL (mTORC1 blocked): no new spines, no late phase there. */
static void test_mtorc1_block_removes_the_benefit(void **state) {
  (void)state;
  fear_run blocked =
      fear_run_experiment("ketamine_mtorc1", "ketamine_extinction_mtorc1_block.yaml", "");
  fear_print(&blocked);
  double test = fear_freezing(&blocked, 3, 0, 1);
  assert_true(test > fear_freezing(&ketamine, 3, 0, 1) + 0.10);
  assert_true(test >= fear_freezing(&control, 3, 0, 1) - 0.05);
  fear_run_free(&blocked);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ketamine_helps_extinction),
      cmocka_unit_test(test_mtorc1_block_removes_the_benefit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
