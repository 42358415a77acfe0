/* test_fear_timing.c - docs/validation.md target 55, the immediate extinction deficit (Maren &
 * Chang 2006; Chang & Maren 2009; Kim et al. 2010), on the default fear circuit at scale 0.1 with
 * the classroom protocol: extinction 15 min after conditioning lowers freezing within its session
 * but leaves more freezing at a test 48 h later than the same extinction 24 h after
 * conditioning. The arousal after the shocks (include/fearsim/arousal.h) suppresses IL's protein
 * synthesis for hours, so the IL potentiation of immediate extinction is not consolidated.
 * Sessions of both configs: 0 conditioning (3 trials, day 1, A), 1 extinction (10, B), 2 test
 * (3, B, 48 h after the extinction). */
#include "fear_runs.h"

static fear_run immediate, delayed;

static int setup(void **state) {
  if (fs_test_setup(state) != 0) return -1;
  immediate = fear_run_experiment("immediate", "immediate_extinction.yaml", "");
  delayed = fear_run_experiment("delayed", "delayed_extinction.yaml", "");
  fear_print(&immediate);
  fear_print(&delayed);
  return 0;
}

static int teardown(void **state) {
  fear_run_free(&immediate);
  fear_run_free(&delayed);
  return fs_test_teardown(state);
}

static void test_immediate_extinction_deficit(void **state) {
  (void)state;
  /* the same animal up to the end of conditioning */
  fs_assert_close(fear_freezing(&immediate, 0, 0, 3), fear_freezing(&delayed, 0, 0, 3), 0.0, 1e-12);
  /* immediate extinction still lowers freezing within its session (Chang & Maren 2009) */
  double first = fear_freezing(&immediate, 1, 0, 3), last = fear_freezing(&immediate, 1, 7, 3);
  assert_true(first >= 0.50);
  assert_true(last <= first - 0.20);
  /* but is kept worse: more freezing at the test than after delayed extinction */
  double test_immediate = fear_freezing(&immediate, 2, 0, 3);
  double test_delayed = fear_freezing(&delayed, 2, 0, 3);
  print_message("test freezing: immediate %.1f %%, delayed %.1f %%\n", 100 * test_immediate,
                100 * test_delayed);
  assert_true(test_immediate > test_delayed + 0.10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_immediate_extinction_deficit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
