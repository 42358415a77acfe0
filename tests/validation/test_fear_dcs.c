/* test_fear_dcs.c - docs/model.md §8 row 14 on the default fear circuit at scale 0.1:
 * D-cycloserine before a short extinction (8 trials) lowers freezing at the drug-free recall
 * against saline, and does nothing without extinction trials (dcs_extinction.yaml,
 * dcs_no_extinction.yaml; sessions 0 conditioning, then extinction and recall, or recall only). */
#include "fear_runs.h"

/* Row 14. */
static void test_dcs_strengthens_extinction(void **state) {
  (void)state;
  fear_run dcs = fear_run_experiment("dcs", "dcs_extinction.yaml", "");
  fear_run saline =
      fear_run_experiment("dcs_saline", "dcs_extinction.yaml", "--set 'drugs[0].drug=saline'");
  fear_print(&dcs);
  fear_print(&saline);
  assert_true(fear_freezing(&dcs, 2, 0, 1) < fear_freezing(&saline, 2, 0, 1) - 0.10);
  fear_run_free(&dcs);
  fear_run_free(&saline);
}

static void test_dcs_alone_does_nothing(void **state) {
  (void)state;
  fear_run dcs = fear_run_experiment("dcs_noext", "dcs_no_extinction.yaml", "");
  fear_run saline =
      fear_run_experiment("saline_noext", "dcs_no_extinction.yaml", "--set 'drugs[0].drug=saline'");
  fear_print(&dcs);
  assert_true(fear_freezing(&dcs, 1, 0, 1) >= 0.60);
  fs_assert_close(fear_freezing(&dcs, 1, 0, 2), fear_freezing(&saline, 1, 0, 2), 0.0, 0.02);
  fear_run_free(&dcs);
  fear_run_free(&saline);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dcs_strengthens_extinction),
      cmocka_unit_test(test_dcs_alone_does_nothing),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
