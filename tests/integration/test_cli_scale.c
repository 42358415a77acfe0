/* test_cli_scale.c - `fearsim check` on the fear circuit at several scales: a scale that
 * leaves the readout or a plastic population under FS_SCALE_MIN_NEURONS neurons, or caps an
 * in-degree below half of the circuit file's, is valid input (exit 0, the summary on stdout)
 * but is warned about on stderr, naming the population and its size; the classroom scale
 * (0.1) gives no warning. */
#include <setjmp.h>
#include <stdarg.h>
#include <math.h>
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

/* The MiB figure after `label` in text, or -1. */
static double mib_after(const char *text, const char *label) {
  const char *p = strstr(text, label);
  double v = -1;
  return p && sscanf(p + strlen(label), "%lf", &v) == 1 ? v : -1;
}

/* check's estimate of the peak memory against the peak of the run itself (getrusage, as
 * `run --stats` prints it), for the classroom's conditioning day: the network is a few MiB
 * of the 26, the rest the program and HDF5's buffers for the record's 132 datasets, which an
 * estimate of the network alone missed (5.4 MiB against 32 at scale 0.1) */
static void test_check_estimates_the_peak_memory(void **state) {
  (void)state;
#if defined(__SANITIZE_ADDRESS__)
  skip(); /* AddressSanitizer's shadow memory and quarantine are no part of the estimate */
#endif
  const char *config = FS_SOURCE_DIR "/configs/classroom/conditioning.yaml";
  char out[256];
  snprintf(out, sizeof out, "%s/conditioning.h5", fs_test_dir);
  cli_result r;
  const char *check[] = {"check", config, NULL};
  cli_run(check, &r);
  assert_int_equal(r.status, 0);
  double estimate = mib_after(r.out, "memory: about ");
  const char *run[] = {"run", config, "-o", out, "--quiet", "--stats", NULL};
  cli_run(run, &r);
  assert_int_equal(r.status, 0);
  double peak = mib_after(r.out, "peak memory: ");
  if (estimate <= 0 || peak <= 0 || fabs(estimate - peak) > 0.25 * peak)
    fail_msg("check estimated %.1f MiB, the run peaked at %.1f MiB", estimate, peak);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classroom_scale_is_quiet),
      cmocka_unit_test(test_half_scale_names_the_readout_and_the_capped_gate),
      cmocka_unit_test(test_tiny_scale_names_the_plastic_populations),
      cmocka_unit_test(test_run_warns_too),
      cmocka_unit_test(test_check_estimates_the_peak_memory),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
