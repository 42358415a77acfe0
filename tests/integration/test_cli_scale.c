/* test_cli_scale.c - `fearsim check` on the fear circuit at several scales: a scale that
 * leaves the readout or a plastic population under FS_SCALE_MIN_NEURONS neurons, or caps an
 * in-degree below half of the circuit file's, is valid input (exit 0, the summary on stdout)
 * but is warned about on stderr, naming the population and its size; the classroom scale
 * (0.1) gives no warning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "integration/cli_run.h"

static const char *classroom = FS_SOURCE_DIR "/configs/classroom/extinction.yaml";

static void check_at(const char *scale, cli_result *r) {
  char set[64];
  snprintf(set, sizeof set, "circuit.scale=%s", scale);
  const char *args[] = {"check", classroom, "--set", set, NULL};
  cli_run(args, r);
}

static int count_lines(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

static void test_classroom_scale_is_quiet(void **state) {
  (void)state;
  cli_result r;
  check_at("0.1", &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, ": ok"));
  assert_string_equal(r.err, "");
  /* the work: 14 trials, each a 10-s tone with 1 s either side, are the fast phases (168 s);
   * the rest of the 2.4 days, intervals included, is slow, a tick of the clock a minute */
  assert_non_null(strstr(r.out, "work: 2.8 min of fast phases (1680000 steps of 386 neurons) "
                                "and 2.41 days of slow phases (3477 ticks of the slow clock)"));
}

static void test_half_scale_names_the_readout_and_the_capped_gate(void **state) {
  (void)state;
  cli_result r;
  check_at("0.05", &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, ": ok"));
  assert_non_null(strstr(r.err, "fearsim: warning: "));
  assert_non_null(strstr(r.err, "circuit.scale 0.05 leaves the readout population CeM 5 "
                                "neurons (fewer than 10)"));
  assert_non_null(strstr(r.err, "caps projection omission->IL_E's in-degree at 5 of its 20 "
                                "(omission has only 5 units)"));
  /* IL_E (20 neurons) and ITC (10) are still large enough; IL_E -> ITC keeps half (20 of 40) */
  assert_null(strstr(r.err, "population IL_E"));
  assert_null(strstr(r.err, "population ITC"));
  assert_null(strstr(r.err, "IL_E->ITC"));
  assert_int_equal(count_lines(r.err, "fearsim: warning: "), 3);
}

static void test_tiny_scale_names_the_plastic_populations(void **state) {
  (void)state;
  cli_result r;
  check_at("0.02", &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "leaves the plastic population IL_E 8 neurons"));
  assert_non_null(strstr(r.err, "leaves the plastic population ITC 4 neurons"));
  assert_non_null(strstr(r.err, "leaves the readout population CeM 2 neurons"));
  assert_null(strstr(r.err, "population LA_E")); /* 16 neurons */
}

static void test_run_warns_too(void **state) {
  (void)state;
  char out[256];
  /* the run itself is not wanted: an output folder that does not exist stops it (exit 2)
   * after the experiment was read, before anything is simulated */
  snprintf(out, sizeof out, "%s/no_such_folder/x.h5", fs_test_dir);
  const char *args[] = {"run", classroom, "--set", "circuit.scale=0.05", "-o", out, NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "fearsim: warning: "));
  assert_non_null(strstr(r.err, "readout population CeM 5 neurons"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classroom_scale_is_quiet),
      cmocka_unit_test(test_half_scale_names_the_readout_and_the_capped_gate),
      cmocka_unit_test(test_tiny_scale_names_the_plastic_populations),
      cmocka_unit_test(test_run_warns_too),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
