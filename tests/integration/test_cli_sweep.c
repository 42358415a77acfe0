/* test_cli_sweep.c - `fearsim sweep` end to end on the ketamine dose x duration sweep (runs of
 * about 40 ms): dry run, --jobs 2, the summary against the linear PK model, a one-at-a-time
 * design with a crossed axis, idempotent re-run,
 * a .partial redone, task ids (and SLURM_ARRAY_TASK_ID), a run that fails while the others
 * finish, bad input that writes nothing, a sweep stopped by SIGTERM whose runs go on from their
 * checkpoints (to the results of a sweep never stopped), and mpirun -n 2 in a build with
 * FEARSIM_MPI. */
#include "fs_test.h"

#include "cli_run.h"
#include "h5_compare.h"

#define SWEEP FS_SOURCE_DIR "/configs/sweeps/ketamine_dose.yaml"

static const char *dir_path(const char *dir, const char *name) {
  static char buf[512];
  snprintf(buf, sizeof buf, "%s/%s/%s", fs_test_dir, dir, name);
  return buf;
}

static int count_lines(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
    n++;
  return n;
}

static void read_dataset(const char *file, const char *path, double *v, size_t n, char *units,
                         size_t ulen) {
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t sp = H5Dget_space(d);
  hsize_t len = 0;
  H5Sget_simple_extent_dims(sp, &len, NULL);
  assert_int_equal(len, n);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  hid_t a = H5Aopen(d, "units", H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  char *s = NULL;
  assert_true(H5Aread(a, t, &s) >= 0);
  snprintf(units, ulen, "%s", s);
  H5free_memory(s);
  H5Tclose(t);
  H5Aclose(a);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
}

static void test_dry_run(void **state) {
  (void)state;
  const char *out = test_path(0, "dry");
  const char *args[] = {"sweep", SWEEP, "--dry-run", "-o", out, NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "9 points x 1 replicate = 9 runs"));
  assert_int_equal(count_lines(r.out, " missing "), 9);
  assert_non_null(strstr(r.out, "0.25 mg/kg  40 min"));
  assert_false(file_exists(out)); /* a dry run writes nothing */
}

/* --jobs 2: every run ok, and the summary agrees with the linear one-compartment model: the
 * peak scales with the dose, and 0.5 mg/kg over 40 min ends at 177 ng/mL. */
static void test_jobs_and_summary(void **state) {
  (void)state;
  const char *out = test_path(0, "jobs");
  const char *args[] = {"sweep", SWEEP, "--jobs", "2", "-o", out, "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "summary: 9 ok, 0 failed, 0 missing"));
  for (int k = 0; k < 9; k++) {
    char name[32];
    snprintf(name, sizeof name, "point_%04d.h5", k);
    assert_true(file_exists(dir_path("jobs", name)));
  }
  double dose[9], infusion[9], peak[9], next_day[9];
  char units[64];
  const char *sum = dir_path("jobs", "summary.h5");
  read_dataset(sum, "/axes/dose", dose, 9, units, sizeof units);
  assert_string_equal(units, "kg/kg");
  read_dataset(sum, "/axes/infusion", infusion, 9, units, sizeof units);
  assert_string_equal(units, "s");
  read_dataset(sum, "/outcomes/peak_plasma", peak, 9, units, sizeof units);
  assert_string_equal(units, "ng/mL");
  read_dataset(sum, "/outcomes/plasma_next_day", next_day, 9, units, sizeof units);
  assert_string_equal(units, "nM");
  for (int k = 0; k < 9; k++) {
    fs_assert_close(dose[k], 0.25e-6 * (k < 3 ? 1 : k < 6 ? 2 : 4), 1e-12, 0);
    fs_assert_close(infusion[k], 1200.0 * (k % 3 + 1), 1e-12, 0);
    fs_assert_close(peak[k], peak[k % 3] * dose[k] / dose[k % 3], 1e-9, 0);
    fs_assert_close(next_day[k], next_day[k % 3] * dose[k] / dose[k % 3], 1e-9, 0);
    if (k % 3 > 0) assert_true(peak[k] < peak[k - 1]); /* slower infusion, lower peak */
  }
  fs_assert_close(peak[4], 177.3, 0.005, 0);
  char csv[8192];
  read_file_into(dir_path("jobs", "summary.csv"), csv, sizeof csv);
  assert_non_null(strstr(csv, "run,index,replicate,seed,status,dose [kg/kg],infusion [s],"
                              "peak_plasma [ng/mL],"));
  assert_int_equal(count_lines(csv, ",ok,"), 9);
}

/* design: one_at_a_time end to end: the base point, then the infusion duration alone, each at
 * both doses (crossed); the base duration's column is NaN in summary.h5 and empty in the CSV,
 * and the runs agree with the grid's (linear PK: the peak doubles with the dose). */
static void test_one_at_a_time(void **state) {
  (void)state;
  char text[1024];
  snprintf(text, sizeof text,
           "base: %s/configs/pharmacology/ketamine_infusion.yaml\n"
           "design: one_at_a_time\n"
           "axes:\n  - {key: 'drugs[0].duration', name: infusion, values: [20 min, 80 min]}\n"
           "crossed:\n  - {key: 'drugs[0].dose', name: dose, values: [0.25 mg/kg, 0.5 mg/kg]}\n"
           "outcomes:\n"
           "  - {name: peak_plasma, dataset: /timeline/ketamine_plasma_ng_per_mL, reduce: max}\n",
           FS_SOURCE_DIR);
  FILE *f = fopen(test_path(1, "oat.yaml"), "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  const char *args[] = {"sweep", test_path(1, "oat.yaml"), "--jobs",  "2",
                        "-o",    test_path(0, "oat"),      "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "summary: 6 ok, 0 failed, 0 missing"));
  double infusion[6], dose[6], peak[6];
  char units[64];
  const char *sum = dir_path("oat", "summary.h5");
  read_dataset(sum, "/axes/infusion", infusion, 6, units, sizeof units);
  read_dataset(sum, "/axes/dose", dose, 6, units, sizeof units);
  read_dataset(sum, "/outcomes/peak_plasma", peak, 6, units, sizeof units);
  assert_true(isnan(infusion[0]) && isnan(infusion[1]));
  for (int k = 0; k < 6; k++) {
    if (k >= 2) fs_assert_close(infusion[k], k < 4 ? 1200.0 : 4800.0, 1e-12, 0);
    fs_assert_close(dose[k], k % 2 ? 0.5e-6 : 0.25e-6, 1e-12, 0);
    if (k % 2) fs_assert_close(peak[k], 2.0 * peak[k - 1], 1e-9, 0);
  }
  fs_assert_close(peak[1], 177.3, 0.005, 0); /* the base: the grid's 0.5 mg/kg over 40 min */
  assert_true(peak[2] > peak[0] && peak[4] < peak[0]); /* faster infusion, higher peak */
  char csv[4096];
  read_file_into(dir_path("oat", "summary.csv"), csv, sizeof csv);
  assert_int_equal(count_lines(csv, ",ok,nan,"), 2); /* the base point at both doses */
}

/* A second run starts nothing: the files keep their inode and time. A run whose file is gone
 * and whose .partial is left is redone, and only it. */
static void test_rerun_is_idempotent(void **state) {
  (void)state;
  const char *out = test_path(0, "rerun");
  const char *args[] = {"sweep", SWEEP, "-o", out, "--jobs", "2", "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  struct stat before[9], after;
  char name[32];
  for (int k = 0; k < 9; k++) {
    snprintf(name, sizeof name, "point_%04d.h5", k);
    assert_int_equal(stat(dir_path("rerun", name), &before[k]), 0);
  }
  remove(dir_path("rerun", "point_0003.h5"));
  FILE *f = fopen(dir_path("rerun", "point_0003.h5.partial"), "w");
  fputs("half a file", f);
  fclose(f);
  const char *again[] = {"sweep", SWEEP, "-o", out, NULL};
  cli_run(again, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "1 of 9 runs to do"));
  assert_non_null(strstr(r.err, "run 3 done"));
  assert_int_equal(count_lines(r.err, " done in "), 1);
  assert_false(file_exists(dir_path("rerun", "point_0003.h5.partial")));
  for (int k = 0; k < 9; k++) {
    snprintf(name, sizeof name, "point_%04d.h5", k);
    assert_int_equal(stat(dir_path("rerun", name), &after), 0);
    if (k == 3) continue;
    assert_true(after.st_ino == before[k].st_ino);
    assert_true(after.st_mtim.tv_sec == before[k].st_mtim.tv_sec &&
                after.st_mtim.tv_nsec == before[k].st_mtim.tv_nsec);
  }
}

static void test_task_id(void **state) {
  (void)state;
  const char *out = test_path(0, "task");
  const char *args[] = {"sweep", SWEEP, "-o", out, "--task-id", "4", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  assert_true(file_exists(dir_path("task", "point_0004.h5")));
  assert_false(file_exists(dir_path("task", "point_0003.h5")));
  assert_false(file_exists(dir_path("task", "summary.h5"))); /* tasks leave that to --collect */
  /* the task id from Slurm's environment */
  setenv("SLURM_ARRAY_TASK_ID", "7", 1);
  const char *slurm[] = {"sweep", SWEEP, "-o", out, NULL};
  cli_run(slurm, &r);
  unsetenv("SLURM_ARRAY_TASK_ID");
  assert_int_equal(r.status, 0);
  assert_true(file_exists(dir_path("task", "point_0007.h5")));
  const char *collect[] = {"sweep", SWEEP, "-o", out, "--collect", NULL};
  cli_run(collect, &r);
  assert_int_equal(r.status, 1); /* runs are missing */
  assert_non_null(strstr(r.err, "summary: 2 ok, 0 failed, 7 missing"));
  char csv[8192];
  read_file_into(dir_path("task", "summary.csv"), csv, sizeof csv);
  assert_int_equal(count_lines(csv, ",missing,"), 7);
  /* out of range: exit 2, nothing written */
  const char *bad_dir = test_path(1, "task_bad");
  const char *bad[] = {"sweep", SWEEP, "-o", bad_dir, "--task-id", "9", NULL};
  cli_run(bad, &r);
  assert_int_equal(r.status, 2);
  assert_string_equal(r.err,
                      "fearsim: task id 9: run 9 is out of range: the sweep has 9 runs (0 to 8)\n");
  assert_false(file_exists(bad_dir));
}

/* One point of a tiny network asks for far more memory than there is: that run fails (exit
 * code 2 of `fearsim run`, with its message), the others finish, and the sweep exits 1. */
static void test_failed_point(void **state) {
  (void)state;
  fs_test_write("net.yaml", FS_TEST_BASE_EXPERIMENT);
  const char *sweep =
      fs_test_write("fail.yaml", "base: net.yaml\n"
                                 "axes:\n"
                                 "  - {key: populations.E.size, name: size,\n"
                                 "     values: [10, 3000000, 20]}\n"
                                 "outcomes:\n"
                                 "  - {name: rate, dataset: /rates/E, reduce: mean}\n");
  char sweep_path[256];
  snprintf(sweep_path, sizeof sweep_path, "%s", sweep);
  const char *out = test_path(0, "fail");
  const char *args[] = {"sweep", sweep_path, "-o", out, "--jobs", "2", "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "fearsim: run 1 failed after "));
  assert_non_null(strstr(r.err, "summary: 2 ok, 1 failed, 0 missing"));
  char reason[1024];
  read_file_into(dir_path("fail", "point_0001.failed"), reason, sizeof reason);
  assert_non_null(strstr(reason, "exit code 2: "));
  assert_non_null(strstr(reason, "the network needs about"));
  char csv[8192];
  read_file_into(dir_path("fail", "summary.csv"), csv, sizeof csv);
  assert_non_null(strstr(csv, "\n1,1,0,"));
  assert_non_null(strstr(csv, ",failed,3000000,,\"exit code 2: "));
  assert_int_equal(count_lines(csv, ",ok,"), 2);
}

static void test_bad_input_writes_nothing(void **state) {
  (void)state;
  char base[512];
  snprintf(base, sizeof base,
           "base: %s/configs/pharmacology/ketamine_infusion.yaml\n"
           "axes:\n"
           "  - {key: 'drugs[0].dosee', values: [1 mg/kg]}\n",
           FS_SOURCE_DIR);
  const char *sweep = fs_test_write("bad.yaml", base);
  char sweep_path[256];
  snprintf(sweep_path, sizeof sweep_path, "%s", sweep);
  const char *out = test_path(0, "bad");
  const char *args[] = {"sweep", sweep_path, "-o", out, NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  char want[1024];
  snprintf(want, sizeof want,
           "fearsim: %s:3:11: axes[0].key: drugs[0].dosee: unknown key \"dosee\" (did you mean "
           "\"dose\"?)\n",
           sweep_path);
  assert_string_equal(r.err, want);
  assert_false(file_exists(out));
  /* results of another sweep in the folder: refused, nothing touched */
  const char *jobs = test_path(1, "jobs_other");
  const char *first[] = {"sweep", SWEEP, "-o", jobs, "--task-id", "0", NULL};
  cli_run(first, &r);
  assert_int_equal(r.status, 0);
  fs_test_write("other.yaml",
                "base: " FS_SOURCE_DIR "/configs/pharmacology/ketamine_infusion.yaml\n"
                "replicates: 2\n");
  const char *other[] = {"sweep", test_path(2, "other.yaml"), "-o", jobs, NULL};
  cli_run(other, &r);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "holds the results of another sweep"));
}

/* An outcome naming a dataset that the base experiment does not write is bad input at its line
 * (exit 2), with --dry-run too, and nothing is written; so is reduce: at on a dataset without
 * a `time` beside it. */
static void test_outcome_checked_before_running(void **state) {
  (void)state;
  fs_test_write("net.yaml", FS_TEST_BASE_EXPERIMENT);
  const char *sweep =
      fs_test_write("typo.yaml", "base: net.yaml\n"
                                 "axes: [{key: populations.E.size, values: [10, 20]}]\n"
                                 "outcomes:\n"
                                 "  - {name: rate, dataset: /rates/E, reduce: mean}\n"
                                 "  - {name: ids, dataset: /spikes/E/node_id, "
                                 "reduce: max}\n");
  char sweep_path[256], want[1024];
  snprintf(sweep_path, sizeof sweep_path, "%s", sweep);
  snprintf(
      want, sizeof want,
      "fearsim: %s:5:26: outcomes[1].dataset: the base experiment at point 0 writes no dataset "
      "/spikes/E/node_id (did you mean /spikes/E/node_ids?)\n",
      sweep_path);
  const char *out = test_path(0, "typo");
  const char *dry[] = {"sweep", sweep_path, "--dry-run", "-o", out, NULL};
  const char *run[] = {"sweep", sweep_path, "-o", out, "--quiet", NULL};
  cli_result r;
  cli_run(dry, &r);
  assert_int_equal(r.status, 2);
  assert_string_equal(r.err, want);
  cli_run(run, &r);
  assert_int_equal(r.status, 2);
  assert_string_equal(r.err, want);
  assert_false(file_exists(out));
  sweep = fs_test_write("at.yaml", "base: net.yaml\n"
                                   "outcomes:\n"
                                   "  - {name: ids, dataset: /spikes/E/node_ids, reduce: at, "
                                   "time: 1 ms}\n");
  snprintf(sweep_path, sizeof sweep_path, "%s", sweep);
  snprintf(want, sizeof want,
           "fearsim: %s:3:26: outcomes[0].dataset: reduce: at needs a dataset /spikes/E/time "
           "beside /spikes/E/node_ids, which the base experiment does not write\n",
           sweep_path);
  cli_run(dry, &r);
  assert_int_equal(r.status, 2);
  assert_string_equal(r.err, want);
  assert_false(file_exists(out));
}

/* An outcome that cannot be read from a finished run (a time after the run's end) makes that
 * run failed, with its reason in the summary, and the sweep exits 1; the other run is ok. */
static void test_unreadable_outcome_fails_run(void **state) {
  (void)state;
  fs_test_write("net.yaml", FS_TEST_BASE_EXPERIMENT);
  const char *sweep =
      fs_test_write("late.yaml", "base: net.yaml\n"
                                 "axes: [{key: simulation.duration, values: [10 ms, 100 ms]}]\n"
                                 "outcomes:\n"
                                 "  - {name: rate, dataset: /rates/E, reduce: mean}\n"
                                 "  - {name: rate_50ms, dataset: /rates/E, reduce: at, "
                                 "time: 50 ms}\n");
  char sweep_path[256];
  snprintf(sweep_path, sizeof sweep_path, "%s", sweep);
  const char *out = test_path(0, "late");
  const char *args[] = {"sweep", sweep_path, "-o", out, "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "summary: 1 ok, 1 failed, 0 missing"));
  assert_non_null(strstr(r.err, "1 outcome value could not be read (the runs are counted failed)"));
  char csv[8192];
  read_file_into(dir_path("late", "summary.csv"), csv, sizeof csv);
  assert_int_equal(count_lines(csv, ",ok,"), 1);
  assert_non_null(strstr(csv, ",failed,0.01,0,,outcome rate_50ms: time 0.05 s is outside "
                              "/rates/time (0 s to 0.009 s)\n"));
}

/* SIGTERM to a sweep of two network runs (about 1 s each): each run writes a checkpoint and
 * counts as missing; the sweep run again goes on from them, and the results are those of a
 * sweep that was never stopped. */
static void test_stopped_runs_resume(void **state) {
  (void)state;
  const char *sweep =
      fs_test_write("stop.yaml", "base: " FS_SOURCE_DIR "/configs/benchmarks/coba.yaml\n"
                                 "seed: 11\n"
                                 "replicates: 2\n"
                                 "axes: [{key: simulation.duration, values: [10 s]}]\n"
                                 "outcomes: [{name: first, dataset: /rates/E, "
                                 "reduce: first}]\n");
  char file[256];
  snprintf(file, sizeof file, "%s", sweep);
  const char *out = test_path(0, "stopped"), *ref = test_path(1, "never_stopped");
  const char *args[] = {"sweep", file, "-o", out, "--jobs", "2", "--threads", "1", NULL};
  pid_t pid = cli_start(args);
  for (int i = 0; i < 500 && !(file_exists(dir_path("stopped", "point_0000_r0.h5.partial")) &&
                               file_exists(dir_path("stopped", "point_0000_r1.h5.partial")));
       i++)
    sleep_ms(20);
  sleep_ms(100);
  assert_int_equal(kill(pid, SIGTERM), 0);
  cli_result r;
  cli_collect(pid, &r);
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "stopping (SIGTERM)"));
  assert_non_null(strstr(r.err, "summary: 0 ok, 0 failed, 2 missing"));
  const char *rep[] = {"point_0000_r0", "point_0000_r1"};
  char name[64], log[8192];
  for (int k = 0; k < 2; k++) {
    snprintf(name, sizeof name, "%s.h5.partial", rep[k]);
    assert_true(file_exists(dir_path("stopped", name)));
    snprintf(name, sizeof name, "%s.log", rep[k]);
    read_file_into(dir_path("stopped", name), log, sizeof log);
    if (!strstr(log, "; checkpoint written: go on with")) fail_msg("%s: %s", name, log);
  }
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "summary: 2 ok, 0 failed, 0 missing"));
  const char *never[] = {"sweep", file,        "-o", ref,       "--jobs",
                         "2",     "--threads", "1",  "--quiet", NULL};
  cli_run(never, &r);
  assert_int_equal(r.status, 0);
  for (int k = 0; k < 2; k++) {
    snprintf(name, sizeof name, "%s.log", rep[k]);
    read_file_into(dir_path("stopped", name), log, sizeof log);
    if (!strstr(log, "resuming ")) fail_msg("%s does not say it resumed: %s", name, log);
    char a[512], b[512];
    snprintf(name, sizeof name, "%s.h5", rep[k]);
    snprintf(a, sizeof a, "%s", dir_path("stopped", name));
    snprintf(b, sizeof b, "%s", dir_path("never_stopped", name));
    h5_compare_counts c = h5_compare_files(a, b);
    if (c.differ || c.datasets < 7) fail_msg("%s: %d differences", name, c.differ);
  }
}

static void test_mpi(void **state) {
  (void)state;
#ifndef FS_MPIEXEC
  skip();
#else
  const char *out = test_path(0, "mpi");
  char log[256];
  snprintf(log, sizeof log, "%s/mpi.txt", fs_test_dir);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 1);
    if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr)) _exit(127);
    execl(FS_MPIEXEC, FS_MPIEXEC, "-n", "2", FS_CLI, "sweep", SWEEP, "-o", out, (char *)NULL);
    _exit(127);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  char text[8192];
  read_file_into(log, text, sizeof text);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) print_error("%s\n", text);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  assert_non_null(strstr(text, "summary: 9 ok, 0 failed, 0 missing"));
  assert_non_null(strstr(text, "rank 0: run "));
  assert_non_null(strstr(text, "rank 1: run "));
  /* the same numbers as a run on one machine */
  double a[9], b[9];
  char units[64];
  cli_result r;
  const char *local = test_path(1, "mpi_local");
  const char *args[] = {"sweep", SWEEP, "-o", local, "--jobs", "2", "--quiet", NULL};
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  read_dataset(dir_path("mpi", "summary.h5"), "/outcomes/peak_plasma", a, 9, units, sizeof units);
  read_dataset(dir_path("mpi_local", "summary.h5"), "/outcomes/peak_plasma", b, 9, units,
               sizeof units);
  assert_memory_equal(a, b, sizeof a);
#endif
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dry_run),
      cmocka_unit_test(test_jobs_and_summary),
      cmocka_unit_test(test_one_at_a_time),
      cmocka_unit_test(test_rerun_is_idempotent),
      cmocka_unit_test(test_task_id),
      cmocka_unit_test(test_failed_point),
      cmocka_unit_test(test_bad_input_writes_nothing),
      cmocka_unit_test(test_outcome_checked_before_running),
      cmocka_unit_test(test_unreadable_outcome_fails_run),
      cmocka_unit_test(test_stopped_runs_resume),
      cmocka_unit_test(test_mpi),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
