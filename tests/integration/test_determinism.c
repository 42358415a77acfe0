/* test_determinism.c - the same seed gives bit-identical result files for 1, 2 and 3 threads
 * (and for two runs with the same thread count): every object, every dataset byte for byte,
 * every attribute except the root's threads, start_time and end_time; and the same on a
 * CPU without FMA. Another seed gives other spikes. */
#include "fs_test.h"

#include "cli_run.h"
#include "h5_compare.h"
#include "h5_read.h"

#include <math.h>
#include <unistd.h>

#define COBA FS_SOURCE_DIR "/configs/benchmarks/coba.yaml"
#define QUICKSTART FS_SOURCE_DIR "/configs/quickstart.yaml"
#define CONDITIONING FS_SOURCE_DIR "/configs/classroom/conditioning.yaml"
#define KETAMINE FS_SOURCE_DIR "/configs/classroom/ketamine.yaml"

/* fearsim run experiment -o out --threads threads --set duration=0.2 s [more...] */
static void run_with(const char *experiment, const char *out, const char *threads,
                     const char *more1, const char *more2) {
  const char *args[] = {"run",     experiment,  "-o",
                        out,       "--threads", threads,
                        "--quiet", "--set",     "simulation.duration=0.2 s",
                        more1,     more2,       NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0)
    fail_msg("fearsim run -o %s --threads %s failed (%d): %s", out, threads, r.status, r.err);
}

/* Both files hold the same objects with the same attributes and the same dataset bytes. */
static void assert_same_files(const char *pa, const char *pb) {
  h5_compare_counts c = h5_compare_files(pa, pb);
  if (c.differ) fail_msg("%s and %s differ in %d places", pa, pb, c.differ);
  assert_true(c.datasets >= 7);    /* spikes (2 per population), rates, their time */
  assert_true(c.attributes >= 20); /* root, units and description, sorting, network */
}

static int thread_attr(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  int v = -1;
  hid_t a = H5Aopen(f, "threads", H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_INT, &v);
  H5Aclose(a);
  H5Fclose(f);
  return v;
}

/* --- tests ----------------------------------------------------------------------------- */

static void test_coba_threads(void **state) {
  (void)state;
  const char *c1 = test_path(0, "c1.h5"), *c2 = test_path(1, "c2.h5"), *c3 = test_path(2, "c3.h5");
  run_with(COBA, c1, "1", NULL, NULL);
  run_with(COBA, c2, "2", NULL, NULL);
  run_with(COBA, c3, "3", NULL, NULL);
  assert_int_equal(thread_attr(c1), 1); /* they did run with different thread counts */
  assert_int_equal(thread_attr(c3), 3);
  assert_same_files(c1, c2);
  assert_same_files(c1, c3);
  assert_same_files(c3, c2);
}

static void test_coba_same_seed_twice(void **state) {
  (void)state;
  const char *a = test_path(0, "s1.h5"), *b = test_path(1, "s2.h5");
  run_with(COBA, a, "2", "--seed", "5");
  run_with(COBA, b, "2", "--seed", "5");
  assert_same_files(a, b);
}

/* With Poisson inputs, NMDA synapses and a drug: spikes, rates and the block timeline. */
static void test_drug_run_threads(void **state) {
  (void)state;
  const char *drug = "drugs=[{drug: ketamine, route: local, concentration: 50 uM, "
                     "populations: [E], at: 0.05 s, duration: 0.1 s}]";
  const char *q1 = test_path(0, "q1.h5"), *q2 = test_path(1, "q2.h5"), *q3 = test_path(2, "q3.h5");
  run_with(QUICKSTART, q1, "1", "--set", drug);
  run_with(QUICKSTART, q2, "2", "--set", drug);
  run_with(QUICKSTART, q3, "3", "--set", drug);
  assert_same_files(q1, q2);
  assert_same_files(q1, q3);
}

/* fearsim run experiment -o out --threads threads --test-solo-at solo_at --set set1 [--set set2] */
static void run_solo(const char *experiment, const char *out, const char *threads,
                     const char *solo_at, const char *set1, const char *set2) {
  const char *args[] = {"run",
                        experiment,
                        "-o",
                        out,
                        "--threads",
                        threads,
                        "--test-solo-at",
                        solo_at,
                        "--quiet",
                        "--stats",
                        "--set",
                        set1,
                        set2 ? "--set" : NULL,
                        set2,
                        NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0)
    fail_msg("fearsim run -o %s --threads %s --test-solo-at %s failed (%d): %s", out, threads,
             solo_at, r.status, r.err);
  /* with more than one thread, thread 0 did go on alone (the time fell in a fast phase) */
  if (strcmp(threads, "1") != 0 && strstr(r.out, "one thread from") == NULL)
    fail_msg("fearsim run -o %s --threads %s --test-solo-at %s did not go on alone:\n%s", out,
             threads, solo_at, r.out);
}

/* Thread 0 going on alone with every thread's part, as it does on an oversubscribed machine,
 * changes nothing: COBA, the drug run, and the classroom's fear conditioning (plastic synapses,
 * the slow clock between its trials, the late phase), against one thread. */
static void test_going_alone_changes_nothing(void **state) {
  (void)state;
  const char *c1 = test_path(0, "a1.h5"), *c3 = test_path(1, "a3.h5");
  run_with(COBA, c1, "1", NULL, NULL);
  run_solo(COBA, c3, "3", "0.1 s", "simulation.duration=0.2 s", NULL);
  assert_same_files(c1, c3);
  const char *drug = "drugs=[{drug: ketamine, route: local, concentration: 50 uM, "
                     "populations: [E], at: 0.05 s, duration: 0.1 s}]";
  const char *q1 = test_path(0, "b1.h5"), *q2 = test_path(1, "b2.h5");
  run_with(QUICKSTART, q1, "1", "--set", drug);
  run_solo(QUICKSTART, q2, "2", "0.07 s", "simulation.duration=0.2 s", drug);
  assert_same_files(q1, q2);
  const char *f1 = test_path(0, "f1.h5"), *f2 = test_path(1, "f2.h5");
  run_solo(CONDITIONING, f1, "1", "0 s", "seed=1", NULL);
  run_solo(CONDITIONING, f2, "2", "36005 s", "seed=1", NULL); /* within the first trial */
  assert_same_files(f1, f2);
}

#define NO_FMA "glibc.cpu.hwcaps=-AVX2,-FMA"

/* A hash of glibc's exp, log, expm1, log1p, cos and pow over 10^5 arguments (this program run
 * with --libm-hash prints it): what GLIBC_TUNABLES changes on a CPU with FMA. */
static uint64_t libm_hash(void) {
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < 100000; i++) {
    volatile double x = -20.0 + 40.0 * i / 100000.0;
    double v[6] = {exp(x), log(fabs(x) + 1e-3),     expm1(x * 0.01), log1p(fabs(x)),
                   cos(x), pow(fabs(x) + 0.5, 1.37)};
    for (int k = 0; k < 6; k++) {
      uint64_t b;
      memcpy(&b, &v[k], sizeof b);
      h = (h ^ b) * 1099511628211ull;
    }
  }
  return h;
}

/* libm_hash of this program run with GLIBC_TUNABLES set to tunables (NULL: unset). */
static uint64_t libm_hash_with(const char *tunables) {
  char self[4096], command[4200];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  assert_true(n > 0);
  self[n] = '\0';
  snprintf(command, sizeof command, "%s%s%s '%s' --libm-hash", tunables ? "GLIBC_TUNABLES=" : "",
           tunables ? tunables : "", tunables ? "" : "env -u GLIBC_TUNABLES", self);
  FILE *p = popen(command, "r");
  assert_non_null(p);
  unsigned long long h = 0;
  assert_int_equal(fscanf(p, "%llx", &h), 1);
  assert_int_equal(pclose(p), 0);
  return (uint64_t)h;
}

/* The same bits on a CPU without FMA: glibc picks its exp, log, pow, sin, cos builds by CPU
 * at load time, and GLIBC_TUNABLES can hide FMA and AVX2 from it, as on an older cluster node
 * (on this project's machine that changes what glibc's exp, log, expm1, log1p, cos and pow
 * return: checked below). The classroom's ketamine experiment (pharmacokinetics, the drug's
 * block, NMDA agents, plastic synapses with noise, the slow clock, the late phase, spines,
 * arousal, salience) must not notice: fearsim computes these functions itself
 * (include/fearsim/elementary.h). Skipped after the comparison where hiding FMA changes none
 * of glibc's results (a CPU without FMA, or a glibc that ignores the names): there the
 * comparison cannot fail. */
static void test_glibc_without_fma_changes_nothing(void **state) {
  (void)state;
  const char *k1 = test_path(0, "k1.h5"), *k2 = test_path(1, "k2.h5");
  const char *args1[] = {"run", KETAMINE, "-o", k1, "--threads", "1", "--quiet", NULL};
  const char *args2[] = {"run", KETAMINE, "-o", k2, "--threads", "1", "--quiet", NULL};
  cli_result r;
  cli_run(args1, &r);
  assert_int_equal(r.status, 0);
  setenv("GLIBC_TUNABLES", NO_FMA, 1);
  cli_run(args2, &r);
  unsetenv("GLIBC_TUNABLES");
  assert_int_equal(r.status, 0);
  assert_same_files(k1, k2);
  uint64_t with_fma = libm_hash_with(NULL), without = libm_hash_with(NO_FMA);
  print_message("glibc's libm hash %016llx, with FMA hidden %016llx\n",
                (unsigned long long)with_fma, (unsigned long long)without);
  if (with_fma == without) skip();
}

static void test_other_seed_other_spikes(void **state) {
  (void)state;
  const char *a = test_path(0, "s5.h5"), *b = test_path(1, "s6.h5");
  run_with(COBA, a, "2", "--seed", "5");
  run_with(COBA, b, "2", "--seed", "6");
  const char *names[] = {"/spikes/E/timestamps", "/spikes/E/node_ids", "/spikes/I/node_ids"};
  for (int k = 0; k < 3; k++) {
    size_t na = 0, nb = 0;
    unsigned char *x = h5_read_raw(a, names[k], &na), *y = h5_read_raw(b, names[k], &nb);
    assert_true(x && y && na > 0 && nb > 0);
    if (na == nb && memcmp(x, y, na) == 0) fail_msg("%s is the same for seeds 5 and 6", names[k]);
    free(x);
    free(y);
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--libm-hash") == 0) {
    printf("%016llx\n", (unsigned long long)libm_hash());
    return 0;
  }
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_coba_threads),
      cmocka_unit_test(test_coba_same_seed_twice),
      cmocka_unit_test(test_drug_run_threads),
      cmocka_unit_test(test_going_alone_changes_nothing),
      cmocka_unit_test(test_glibc_without_fma_changes_nothing),
      cmocka_unit_test(test_other_seed_other_spikes),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
