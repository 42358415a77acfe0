/* test_cli_launch.c - a build without MPI started as several copies (mpirun, mpiexec, srun
 * -n N, told by the environment they set) refuses with exit code 2 before it writes anything;
 * one copy (mpirun -n 1, a Slurm job array task, a batch shell of a many-task job) runs. */
#include "fs_test.h"

#include "cli_run.h"

#define QUICKSTART FS_SOURCE_DIR "/configs/quickstart.yaml"
#define DOSE_SWEEP FS_SOURCE_DIR "/configs/sweeps/ketamine_dose.yaml"

/* Every variable a launcher sets that the program reads, and the switch that skips the check. */
static const char *const launch_vars[] = {"OMPI_COMM_WORLD_SIZE",
                                          "OMPI_COMM_WORLD_RANK",
                                          "PMI_SIZE",
                                          "PMI_RANK",
                                          "SLURM_NTASKS",
                                          "SLURM_PROCID",
                                          "SLURM_STEP_NUM_TASKS",
                                          "SLURM_ARRAY_TASK_ID",
                                          "FEARSIM_NO_LAUNCH_CHECK"};

/* Runs the program with the environment of a launcher: vars is "NAME", "value", ..., NULL. */
static void run_launched(const char *const *vars, const char *const *args, cli_result *r) {
  for (size_t i = 0; i < sizeof launch_vars / sizeof launch_vars[0]; i++)
    unsetenv(launch_vars[i]);
  for (size_t i = 0; vars[i]; i += 2)
    setenv(vars[i], vars[i + 1], 1);
  cli_run(args, r);
  for (size_t i = 0; vars[i]; i += 2)
    unsetenv(vars[i]);
}

static void expect_refused(const cli_result *r, const char *launcher, const char *var) {
  if (r->status != 2) fail_msg("exit code %d, expected 2; stderr:\n%s", r->status, r->err);
  if (!strstr(r->err, launcher) || !strstr(r->err, var) || !strstr(r->err, "built without MPI"))
    fail_msg("stderr does not name %s, %s and the missing MPI:\n%s", launcher, var, r->err);
}

static void expect_nothing_written(const char *path) {
  char partial[300];
  snprintf(partial, sizeof partial, "%s.partial", path);
  if (file_exists(path)) fail_msg("%s was written", path);
  if (file_exists(partial)) fail_msg("%s was written", partial);
}

static void test_run_under_mpirun_refused(void **state) {
  (void)state;
  const char *out = test_path(0, "mpirun.h5");
  const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "2", "OMPI_COMM_WORLD_RANK", "1", NULL};
  cli_result r;
  run_launched(vars, (const char *[]){"run", QUICKSTART, "-o", out, NULL}, &r);
  expect_refused(&r, "mpirun", "OMPI_COMM_WORLD_SIZE=2");
  expect_nothing_written(out);
}

static void test_sweep_under_mpiexec_refused(void **state) {
  (void)state;
  const char *dir = test_path(0, "mpiexec_sweep");
  const char *vars[] = {"PMI_SIZE", "4", "PMI_RANK", "0", NULL};
  cli_result r;
  run_launched(vars, (const char *[]){"sweep", DOSE_SWEEP, "-o", dir, NULL}, &r);
  expect_refused(&r, "mpiexec", "PMI_SIZE=4");
  if (file_exists(dir)) fail_msg("the sweep folder %s was created", dir);
}

static void test_run_and_resume_under_srun_refused(void **state) {
  (void)state;
  const char *out = test_path(0, "srun.h5");
  const char *vars[] = {
      "SLURM_NTASKS", "3", "SLURM_STEP_NUM_TASKS", "3", "SLURM_PROCID", "2", NULL};
  cli_result r;
  run_launched(vars, (const char *[]){"run", QUICKSTART, "-o", out, NULL}, &r);
  expect_refused(&r, "srun", "SLURM_STEP_NUM_TASKS=3");
  expect_nothing_written(out);
  run_launched(vars, (const char *[]){"resume", test_path(1, "srun.h5.partial"), NULL}, &r);
  expect_refused(&r, "srun", "SLURM_STEP_NUM_TASKS=3");
}

/* check and info read only: copies of them cannot race. */
static void test_check_under_mpirun_runs(void **state) {
  (void)state;
  const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "2", NULL};
  cli_result r;
  run_launched(vars, (const char *[]){"check", QUICKSTART, NULL}, &r);
  if (r.status != 0) fail_msg("check: exit code %d; stderr:\n%s", r.status, r.err);
}

/* One copy runs and writes its result: mpirun -n 1, a Slurm job array task in a batch shell
 * of a job with several tasks (SLURM_NTASKS but no step), srun -n 1, and any start with
 * FEARSIM_NO_LAUNCH_CHECK=1. */
static void test_one_copy_runs(void **state) {
  (void)state;
  const char *exp = fs_test_variant("small.yaml", NULL, NULL, NULL);
  assert_non_null(exp);
  char config[256];
  snprintf(config, sizeof config, "%s", exp);
  const char *mpirun_1[] = {"OMPI_COMM_WORLD_SIZE", "1", "OMPI_COMM_WORLD_RANK", "0", NULL};
  const char *array_task[] = {
      "SLURM_NTASKS", "4", "SLURM_PROCID", "0", "SLURM_ARRAY_TASK_ID", "7", NULL};
  const char *srun_1[] = {
      "SLURM_NTASKS", "1", "SLURM_STEP_NUM_TASKS", "1", "SLURM_PROCID", "0", NULL};
  /* one fearsim per rank, each with its own output, started by the user's MPI program */
  const char *per_rank[] = {"OMPI_COMM_WORLD_SIZE", "2", "FEARSIM_NO_LAUNCH_CHECK", "1", NULL};
  const char *const *envs[] = {mpirun_1, array_task, srun_1, per_rank};
  for (int k = 0; k < 4; k++) {
    char name[32];
    snprintf(name, sizeof name, "one_copy_%d.h5", k);
    const char *out = test_path(0, name);
    cli_result r;
    run_launched(envs[k], (const char *[]){"run", config, "-o", out, "--quiet", NULL}, &r);
    if (r.status != 0) fail_msg("environment %d: exit code %d; stderr:\n%s", k, r.status, r.err);
    if (!file_exists(out)) fail_msg("environment %d: %s was not written", k, out);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_run_under_mpirun_refused),
      cmocka_unit_test(test_sweep_under_mpiexec_refused),
      cmocka_unit_test(test_run_and_resume_under_srun_refused),
      cmocka_unit_test(test_check_under_mpirun_runs),
      cmocka_unit_test(test_one_copy_runs),
  };
#ifdef FS_MPI_BUILD
  /* an MPI build shares a sweep among the copies (test_cli_sweep runs it under mpirun): the
   * exit code ctest reports as skipped */
  (void)tests;
  printf("skipped: this build has MPI\n");
  return 77;
#else
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
#endif
}
