/* test_engine.c - the engine's own accounting: the wall time it reports is the time it ran,
 * with progress reports on or off and over several spans of one run; the work of fast and slow
 * phases behind the time left, and the estimate itself; subnormal numbers flushed inside a run
 * and the caller's floating-point mode back after it. */
#include "fs_test.h"
#include "test_util.h"

#include <fearsim/engine.h>
#include <fearsim/experiment.h>
#include <fearsim/network.h>

#include <omp.h>

static const char net_yaml[] = "seed: 3\nsimulation: {duration: 0.4 s}\n"
                               "populations:\n  E: {model: lif_cond, size: 200}\n"
                               "inputs:\n  bg: {type: poisson, size: 100, rate: 20 Hz}\n"
                               "projections:\n"
                               "  - {from: bg, to: E, receptor: ampa, weight: 3 nS,"
                               " connect: {rule: fixed_indegree, indegree: 40}}\n";

static int reports;

static void on_progress(void *user, const fs_engine_stats *s, double t_end) {
  (void)user;
  (void)s;
  (void)t_end;
  reports++;
}

static int pauses;

/* A pause between spans (every 64 steps with a tiny interval). */
static fs_status on_pause(void *user, fs_error *err) {
  (void)user;
  (void)err;
  pauses++;
  return FS_OK;
}

/* Runs the experiment of yaml on `threads` threads with fn called at every chance to report
 * (interval 0) and, with pause, a pause between spans; returns the engine's statistics at the
 * end and sets *elapsed to the time measured around the run. */
static fs_engine_stats run_with_progress(const char *yaml, size_t threads, fs_progress_fn fn,
                                         bool pause, double *elapsed) {
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  fs_network *net = NULL;
  fs_engine *eng = NULL;
  if (fs_experiment_load(fs_test_write("net.yaml", yaml), NULL, 0, &spec, &err) != FS_OK)
    fail_msg("%s", err.msg);
  assert_int_equal(fs_network_create(spec, threads, &net, &err), FS_OK);
  assert_int_equal(fs_engine_create(net, NULL, &eng, &err), FS_OK);
  fs_engine_set_progress(eng, fn, NULL, 0.0);
  if (pause) fs_engine_set_pause(eng, on_pause, NULL, 1e-9);
  double t0 = omp_get_wtime();
  assert_int_equal(fs_engine_run(eng, &err), FS_OK);
  *elapsed = omp_get_wtime() - t0;
  fs_engine_stats s;
  fs_engine_get_stats(eng, &s);
  fs_engine_free(eng);
  fs_network_free(net);
  fs_experiment_free(spec);
  return s;
}

/* The wall time the engine reports for the E/I network on 2 threads. */
static double reported_wall(bool pause, double *elapsed) {
  reports = pauses = 0;
  fs_engine_stats s = run_with_progress(net_yaml, 2, on_progress, pause, elapsed);
  assert_true(reports > 100);
  return s.wall;
}

/* Progress reports once counted the time up to the last report twice. */
static void test_wall_is_time_run(void **state) {
  (void)state;
  double elapsed, wall = reported_wall(false, &elapsed);
  assert_true(wall > 0.0);
  assert_true(wall <= elapsed);
}

static void test_wall_over_spans(void **state) {
  (void)state;
  double elapsed, wall = reported_wall(true, &elapsed);
  assert_true(pauses > 0);
  assert_true(wall > 0.0);
  assert_true(wall <= elapsed);
}

static const char phases_yaml[] =
    "seed: 3\nsimulation: {schedule: [{fast: 0.1 s}, {slow: 10 min}, {fast: 0.1 s}]}\n"
    "populations:\n  E: {model: lif_cond, size: 50}\n"
    "inputs:\n  bg: {type: poisson, size: 50, rate: 20 Hz}\n"
    "projections:\n"
    "  - {from: bg, to: E, receptor: ampa, weight: 3 nS,"
    " connect: {rule: fixed_indegree, indegree: 10}}\n";

static int work_reports;

/* 2 x 1000 fast steps and 10 ticks of the slow clock (10 min at 1 min), whatever is done. */
static void check_work(void *user, const fs_engine_stats *s, double t_end) {
  (void)user;
  (void)t_end;
  work_reports++;
  assert_true(s->fast_done + s->fast_left == 2000.0);
  assert_true(fabs(s->slow_done + s->slow_left - 10.0) < 1e-12);
  assert_true(s->fast_done >= 0 && s->slow_done >= 0 && s->fast_left >= 0 && s->slow_left >= 0);
  assert_true(s->wall_fast >= 0 && s->wall_slow >= 0);
}

static void test_work_of_phases(void **state) {
  (void)state;
  double elapsed;
  work_reports = 0;
  fs_engine_stats s = run_with_progress(phases_yaml, 1, check_work, false, &elapsed);
  assert_true(work_reports > 100);
  assert_true(s.fast_done == 2000.0 && s.fast_left == 0.0);
  assert_true(fabs(s.slow_done - 10.0) < 1e-12 && s.slow_left == 0.0);
  assert_true(s.wall_fast > 0.0 && s.wall_fast + s.wall_slow <= s.wall + 1e-9);
  assert_true(fs_engine_eta(&s) == 0.0);
}

/* The time left: each kind of work left at that kind's rate so far; a kind not yet met adds
 * nothing. */
static void test_eta(void **state) {
  (void)state;
  fs_engine_stats s = {.fast_done = 100,
                       .fast_left = 300,
                       .wall_fast = 2.0,
                       .slow_done = 10,
                       .slow_left = 5,
                       .wall_slow = 1.0};
  fs_assert_close(fs_engine_eta(&s), 300 * 0.02 + 5 * 0.1, 1e-12, 0);
  s.slow_done = 0;
  fs_assert_close(fs_engine_eta(&s), 6.0, 1e-12, 0);
}

/* 1e-300 * 1e-10 is subnormal in IEEE arithmetic, 0 with subnormals flushed. */
static double tiny_product(void) {
  volatile double a = 1e-300, b = 1e-10;
  return a * b;
}

static int flushed_reports, reports_seen;

static void check_flushed(void *user, const fs_engine_stats *s, double t_end) {
  (void)user;
  (void)s;
  (void)t_end;
  reports_seen++;
  if (tiny_product() == 0.0) flushed_reports++;
}

/* The engine's threads run with subnormals flushed to zero (a decaying trace costs no slow
 * arithmetic), and the caller gets its own mode back: a library must not change how the
 * program that calls it computes. */
static void test_subnormals_flushed_then_restored(void **state) {
  (void)state;
  assert_true(tiny_product() > 0.0);
  double elapsed;
  reports_seen = flushed_reports = 0;
  run_with_progress(net_yaml, 2, check_flushed, true, &elapsed);
  assert_true(reports_seen > 100);
#if defined(__x86_64__) || defined(__aarch64__)
  assert_int_equal(flushed_reports, reports_seen);
#endif
  assert_true(tiny_product() > 0.0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wall_is_time_run),
      cmocka_unit_test(test_wall_over_spans),
      cmocka_unit_test(test_work_of_phases),
      cmocka_unit_test(test_eta),
      cmocka_unit_test(test_subnormals_flushed_then_restored),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
