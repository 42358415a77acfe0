/* test_full_disk.c - write failures without root: the child runs with RLIMIT_FSIZE = N bytes
 * and SIGXFSZ ignored, so every write past N bytes fails (EFBIG) through the same HDF5 write
 * path a full disk fails (ENOSPC). Whatever write fails - the file's creation, a dataset, the
 * final flush - the run must exit 1 with one line saying why, never die of a signal, and leave
 * no result and no .partial that would block the next run. */
#include "fs_test.h"

#include "cli_run.h"

#include <sys/resource.h>

static const char *experiment(void) {
  static char path[256];
  if (path[0] == '\0') {
    const char *p = fs_test_write("small.yaml", FS_TEST_BASE_EXPERIMENT
                                  "inputs:\n  bg: {type: poisson, size: 20, rate: 2 kHz}\n");
    assert_non_null(p);
    snprintf(path, sizeof path, "%s", p);
  }
  return path;
}

/* Runs `fearsim run small.yaml -o out.h5` with writes limited to limit bytes (< 0: none);
 * stdout and stderr go through a pipe, which the limit does not touch. */
static void run_limited(long limit, const char *out, cli_result *r) {
  const char *exp = experiment(); /* written here: the child may not write anything */
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (limit >= 0) {
      struct rlimit rl = {(rlim_t)limit, (rlim_t)limit};
      signal(SIGXFSZ, SIG_IGN); /* stays ignored across exec: writes fail with EFBIG */
      if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(126);
    }
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    execl(FS_CLI, FS_CLI, "run", exp, "-o", out, "--set", "simulation.duration=200 ms",
          (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  size_t n = 0;
  ssize_t got;
  while ((got = read(fds[0], r->err + n, sizeof r->err - 1 - n)) > 0)
    n += (size_t)got;
  r->err[n] = '\0';
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static long file_size(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static void test_write_failures(void **state) {
  (void)state;
  const char *out = test_path(0, "out.h5"), *partial = test_path(1, "out.h5.partial");
  cli_result r;
  run_limited(-1, out, &r);
  assert_int_equal(r.status, 0);
  long size = file_size(out);
  assert_true(size > 8000);
  remove(out);
  /* a completely full disk (nothing can be written), then failures ever later in the run */
  long limits[] = {0, 512, size / 4, size / 2, size - 2048};
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
    run_limited(limits[i], out, &r);
    if (r.status != 1 || strncmp(r.err, "fearsim: ", 9) != 0 ||
        strchr(r.err, '\n') != r.err + strlen(r.err) - 1 || strstr(r.err, "File too large") == NULL)
      fail_msg("limit %ld bytes: exit %d, stderr \"%s\"", limits[i], r.status, r.err);
    if (file_exists(out) || file_exists(partial))
      fail_msg("limit %ld bytes: %s left behind", limits[i], file_exists(out) ? out : partial);
  }
  /* and the next run, with room, is not blocked by anything the failed ones left */
  run_limited(-1, out, &r);
  assert_int_equal(r.status, 0);
  assert_int_equal(file_size(out), size);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_write_failures)};
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
