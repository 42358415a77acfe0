/* test_signals.c - SIGTERM (as Slurm sends before it kills) and SIGINT (Ctrl-C) stop a run
 * cleanly: exit code 1, a message, and no result file, not even a .partial one. */
#include "fs_test.h"

#include "cli_run.h"

static void stop_with(int sig, const char *name) {
  const char *out = test_path(0, "long.h5");
  const char *args[] = {"run",       FS_SOURCE_DIR "/configs/benchmarks/coba.yaml",
                        "-o",        out,
                        "--set",     "simulation.duration=300 s",
                        "--threads", "2",
                        NULL};
  pid_t pid = cli_start(args);
  /* wait until the run has started writing (its .partial exists), then signal it */
  for (int i = 0; i < 200 && !file_exists(test_path(1, "long.h5.partial")); i++)
    sleep_ms(20);
  assert_true(file_exists(test_path(1, "long.h5.partial")));
  sleep_ms(200);
  kill(pid, sig);
  cli_result r;
  cli_collect(pid, &r);
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, name));
  assert_non_null(strstr(r.err, "no result written"));
  assert_false(file_exists(out));
  assert_false(file_exists(test_path(1, "long.h5.partial")));
}

static void test_sigterm(void **state) {
  (void)state;
  stop_with(SIGTERM, "stopped by SIGTERM");
}

static void test_sigint(void **state) {
  (void)state;
  stop_with(SIGINT, "stopped by SIGINT");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sigterm),
      cmocka_unit_test(test_sigint),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
