/* test_fear_series.c - docs/model.md §8 row 19 on the default fear circuit at scale 0.1: six
 * ketamine doses over two weeks keep fear lower for longer than one dose or six of midazolam,
 * the effect fades over weeks, and the drug is gone before every next dose
 * (ketamine_series.yaml, ketamine_single.yaml, midazolam_series.yaml; sessions 0 conditioning,
 * 1 baseline (day 2), 2-5 tests on days 8, 15, 22 and 36). */
#include "fear_runs.h"

#define DAY 86400.0
#define HOUR 3600.0

/* Row 19. Doses at 10:00 on days 3, 5, 8, 10, 12 and 15 (Mon/Wed/Fri from a Wednesday). */
static void test_infusion_series(void **state) {
  (void)state;
  fear_run series = fear_run_experiment("series", "ketamine_series.yaml", "");
  fear_run single = fear_run_experiment("single", "ketamine_single.yaml", "");
  fear_run midazolam = fear_run_experiment("midazolam", "midazolam_series.yaml", "");
  fear_print(&series);
  fear_print(&single);
  fear_print(&midazolam);
  /* the same animal before the first dose */
  fs_assert_close(fear_freezing(&series, 1, 0, 2), fear_freezing(&midazolam, 1, 0, 2), 0.0, 1e-12);
  /* weeks 2 and 3: the series holds fear below one dose and below midazolam */
  double s = fear_freezing(&series, 3, 0, 1) + fear_freezing(&series, 4, 0, 1);
  double one = fear_freezing(&single, 3, 0, 1) + fear_freezing(&single, 4, 0, 1);
  double mid = fear_freezing(&midazolam, 3, 0, 1) + fear_freezing(&midazolam, 4, 0, 1);
  assert_true(s < one - 0.10);
  assert_true(s < mid - 0.10);
  /* it fades: by week 5 the series is closer to midazolam than in weeks 2-3 */
  double gap5 = fear_freezing(&midazolam, 5, 0, 1) - fear_freezing(&series, 5, 0, 1);
  assert_true(gap5 < (mid - s) / 2.0);
  /* no carry-over: plasma below 1 % of its peak just before every dose after the first */
  double peak = fear_timeline_max(&series, "ketamine_plasma_ng_per_mL", 0.0, 40 * DAY);
  const double days[] = {5, 8, 10, 12, 15};
  for (size_t k = 0; k < 5; k++) {
    double before = (days[k] - 1) * DAY + 10 * HOUR;
    assert_true(fear_timeline_max(&series, "ketamine_plasma_ng_per_mL", before - HOUR,
                                  before - 60.0) < 0.01 * peak);
  }
  fear_run_free(&series);
  fear_run_free(&single);
  fear_run_free(&midazolam);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_infusion_series),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
