/* test_signals.c - SIGTERM (as Slurm sends before it kills) and SIGINT (Ctrl-C) stop a run
 * cleanly: within a few seconds, exit code 75, a message saying where it stopped and how to go
 * on, no result file, and a .partial holding a checkpoint that `fearsim resume` goes on from
 * (test_checkpoint.c checks that the resumed result is the uninterrupted one). A run stopped by
 * SIGTERM at whatever point it lands, and one killed by SIGKILL (which nothing can catch)
 * between or during checkpoints 20 ms apart, resume to the result of a run never stopped. */
#include "fs_test.h"

#include "checkpoint_run.h"

#include <errno.h>

#define STOP_WITHIN_MS 5000
#define COBA FS_SOURCE_DIR "/configs/benchmarks/coba.yaml"

/* Waits up to ms for pid; returns its raw wait status, or -1 if it is still running (then it
 * is killed with SIGKILL and reaped). */
static int wait_at_most(pid_t pid, long ms) {
  int st = 0;
  for (long waited = 0; waited <= ms; waited += 10) {
    pid_t got = waitpid(pid, &st, WNOHANG);
    if (got == pid) return st;
    if (got < 0 && errno != EINTR) return -2;
    sleep_ms(10);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  return -1;
}

static void stop_with(int sig, const char *message) {
  char name[32], pname[48];
  snprintf(name, sizeof name, "long_%d.h5", sig);
  snprintf(pname, sizeof pname, "%s.partial", name);
  const char *out = test_path(0, name), *partial = test_path(1, pname);
  const char *args[] = {"run",       FS_SOURCE_DIR "/configs/benchmarks/coba.yaml",
                        "-o",        out,
                        "--set",     "simulation.duration=60 s",
                        "--threads", "2",
                        NULL};
  pid_t pid = cli_start(args);
  assert_true(pid > 0);
  /* wait until the run has started writing (its .partial exists), then let it run 0.5 s */
  for (int i = 0; i < 500 && !file_exists(partial); i++)
    sleep_ms(20);
  if (!file_exists(partial)) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fail_msg("the run did not start writing %s within 10 s", partial);
  }
  sleep_ms(500);
  int st = 0;
  if (waitpid(pid, &st, WNOHANG) != 0) fail_msg("the 60 s run ended before it was signalled");
  assert_int_equal(kill(pid, sig), 0);
  st = wait_at_most(pid, STOP_WITHIN_MS);
  if (st == -1) fail_msg("fearsim did not stop within %d ms of the signal", STOP_WITHIN_MS);
  cli_result r;
  read_file_into(test_path(2, "stderr.txt"), r.err, sizeof r.err);
  read_file_into(test_path(2, "stdout.txt"), r.out, sizeof r.out);
  if (WIFSIGNALED(st)) fail_msg("fearsim was killed by signal %d instead of exiting", WTERMSIG(st));
  assert_true(WIFEXITED(st));
  if (WEXITSTATUS(st) != 75)
    fail_msg("exit code %d, expected 75; stderr:\n%s", WEXITSTATUS(st), r.err);
  if (!strstr(r.err, message)) fail_msg("stderr lacks \"%s\":\n%s", message, r.err);
  char resume[512];
  snprintf(resume, sizeof resume,
           " of 60 s; checkpoint written: go on with \"fearsim resume %s\"\n", partial);
  if (!strstr(r.err, resume)) fail_msg("stderr does not say how to go on:\n%s", r.err);
  assert_false(file_exists(out));
  assert_true(file_exists(partial));
  /* the checkpoint goes on (and stops again at once) */
  const char *again[] = {"resume", partial, "--test-stop-at", "0 s", "--quiet", NULL};
  cli_run(again, &r);
  if (r.status != 75) fail_msg("resume exited %d, expected 75:\n%s", r.status, r.err);
  assert_non_null(strstr(r.err, "resuming "));
  assert_true(file_exists(partial));
}

static void test_sigterm(void **state) {
  (void)state;
  stop_with(SIGTERM, "fearsim: stopped by SIGTERM at t = ");
}

static void test_sigint(void **state) {
  (void)state;
  stop_with(SIGINT, "fearsim: stopped by SIGINT at t = ");
}

/* A real SIGTERM, as Slurm sends it, at whatever point it lands. */
static void test_sigterm_then_resume(void **state) {
  (void)state;
  const char *ref = test_path(0, "coba_ref.h5"), *out = test_path(1, "coba.h5");
  run_ref(COBA, ref, "1", "--set=simulation.duration=6 s");
  const char *args[] = {"run",       COBA, "-o",      out, "--set=simulation.duration=6 s",
                        "--threads", "1",  "--quiet", NULL};
  pid_t pid = cli_start(args);
  for (int i = 0; i < 500 && !file_exists(partial_of(out)); i++)
    sleep_ms(20);
  sleep_ms(100);
  if (waitpid(pid, NULL, WNOHANG) != 0) fail_msg("the run ended before it was signalled");
  assert_int_equal(kill(pid, SIGTERM), 0);
  cli_result r;
  cli_collect(pid, &r);
  assert_stopped(&r, out, "by SIGTERM");
  resume(out, "1", NULL, NULL);
  assert_same(ref, out, 7);
}

/* SIGKILL, which nothing can catch, some time after the third of checkpoints 20 ms apart: the
 * run goes on from the last one that was complete. */
static void test_sigkill_then_resume(void **state) {
  (void)state;
  const char *ref = test_path(0, "kill_ref.h5"), *out = test_path(1, "kill.h5");
  run_ref(COBA, ref, "1", "--set=simulation.duration=4 s");
  const char *args[] = {"run",
                        COBA,
                        "-o",
                        out,
                        "--set=simulation.duration=4 s",
                        "--threads",
                        "1",
                        "--checkpoint-every",
                        "20 ms",
                        NULL};
  pid_t pid = cli_start(args);
  char err[8192] = "";
  for (int i = 0; i < 2000 && count_of(err, "checkpoint at t = ") < 3; i++) {
    sleep_ms(5);
    read_file_into(test_path(2, "stderr.txt"), err, sizeof err);
  }
  if (waitpid(pid, NULL, WNOHANG) != 0) fail_msg("the run ended before it was killed:\n%s", err);
  assert_int_equal(kill(pid, SIGKILL), 0);
  waitpid(pid, NULL, 0);
  assert_false(file_exists(out));
  resume(out, "1", NULL, NULL);
  assert_same(ref, out, 7);
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sigterm),
      cmocka_unit_test(test_sigint),
      cmocka_unit_test(test_sigterm_then_resume),
      cmocka_unit_test(test_sigkill_then_resume),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
