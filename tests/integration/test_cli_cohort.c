/* test_cli_cohort.c - `fearsim sweep COHORT.yaml` end to end on a tiny fear circuit (scale
 * 0.02, a few short trials in one day, a few seconds a run): the dry run lists the subjects
 * with their values and writes nothing, --jobs 2 runs every subject, the summary holds arm,
 * subject and drawn values beside the outcomes, each result file holds its subject's values,
 * a second run skips the finished subjects, and a bad arm key writes nothing. */
#include "fs_test.h"

#include "cli_run.h"

#include <hdf5.h>

#define EXPERIMENT                                                                                 \
  "name: tiny_ketamine\n"                                                                          \
  "seed: 1\n"                                                                                      \
  "circuit: {file: " FS_SOURCE_DIR "/configs/circuits/fear_circuit.yaml, scale: 0.02}\n"           \
  "simulation: {dt: 0.1 ms}\n"                                                                     \
  "subject: {species: rat, body_weight: 0.3 kg}\n"                                                 \
  "protocol:\n"                                                                                    \
  "  inputs:\n"                                                                                    \
  "    cs: {population: CS, rate: 20 Hz}\n"                                                        \
  "    us: {population: US, rate: 100 Hz, reference: 0.5 mA}\n"                                    \
  "    outcome: {population: US_time, rate: 40 Hz}\n"                                              \
  "    contexts: {A: ctx_A, B: ctx_B}\n"                                                           \
  "    context_rate: 10 Hz\n"                                                                      \
  "  defaults:\n"                                                                                  \
  "    cs_duration: 10 s\n"                                                                        \
  "    us: {at: 8 s, duration: 2 s, intensity: 0.5 mA}\n"                                          \
  "    iti: 20 s\n"                                                                                \
  "    window: {before: 1 s, after: 1 s}\n"                                                        \
  "  days:\n"                                                                                      \
  "    - day: 1\n"                                                                                 \
  "      sessions:\n"                                                                              \
  "        - {name: conditioning, time: '10:00', context: A, trials: 3, us: paired}\n"             \
  "        - {name: extinction, time: '18:00', context: B, trials: 3, us: none}\n"                 \
  "drugs:\n"                                                                                       \
  "  - {drug: ketamine, route: intraperitoneal, dose: 10 mg/kg, day: 1, time: '14:00'}\n"          \
  "record: {spikes: none, rate_bin: 100 ms, timeline: 1 s, timeline_slow: 10 min}\n"

#define COHORT                                                                                     \
  "base: tiny.yaml\n"                                                                              \
  "seed: 11\n"                                                                                     \
  "subjects: 2\n"                                                                                  \
  "arms:\n"                                                                                        \
  "  - {name: saline, set: {'drugs[0].drug': saline}}\n"                                           \
  "  - {name: ketamine}\n"                                                                         \
  "variability:\n"                                                                                 \
  "  - {key: protocol.defaults.us.intensity, name: us_mA, lognormal: {median: 0.5 mA, cv: 0.2}}\n" \
  "analysis: {test: none}\n"                                                                       \
  "outcomes:\n"                                                                                    \
  "  - {name: last_extinction, dataset: /trials/freezing, reduce: last}\n"

static char cohort_path[256];

static int setup(void **state) {
  (void)state;
  if (fs_test_dir_create() != 0) return -1;
  fs_test_write("tiny.yaml", EXPERIMENT);
  snprintf(cohort_path, sizeof cohort_path, "%s", fs_test_write("c.yaml", COHORT));
  return 0;
}

static int count(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
    n++;
  return n;
}

/* The root attribute experiment_yaml of a result file, malloc'ed. */
static char *experiment_yaml(const char *file) {
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t a = H5Aopen(f, "experiment_yaml", H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  char *s = NULL;
  assert_true(H5Aread(a, t, &s) >= 0);
  char *copy = strdup(s);
  H5free_memory(s);
  H5Tclose(t);
  H5Aclose(a);
  H5Fclose(f);
  return copy;
}

/* The value of column col in line `row` (0 = header) of a CSV without quoted fields. */
static void csv_field(const char *csv, int row, int col, char *buf, size_t len) {
  const char *p = csv;
  for (int r = 0; r < row && p != NULL; r++)
    p = strchr(p, '\n') + 1;
  for (int c = 0; c < col; c++)
    p = strchr(p, ',') + 1;
  size_t n = strcspn(p, ",\n");
  snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

static void test_dry_run_lists_subjects(void **state) {
  (void)state;
  const char *out = test_path(0, "dry");
  const char *args[] = {"sweep", cohort_path, "--dry-run", "-o", out, NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "arm       subject  drugs[0].drug  us_mA"));
  assert_int_equal(count(r.out, " saline    s000"), 2);
  assert_int_equal(count(r.out, " ketamine  s000"), 2);
  assert_int_equal(count(r.out, " mA"), 4);
  assert_false(file_exists(out));
}

static void test_runs_summary_and_skip(void **state) {
  (void)state;
  const char *out = test_path(0, "run");
  const char *args[] = {"sweep", cohort_path, "--jobs", "2", "--threads", "1", "-o", out, NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) print_error("%s\n", r.err);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "summary: 4 ok, 0 failed, 0 missing"));
  char path[512], csv[8192], field[128], want[160];
  snprintf(path, sizeof path, "%s/summary.csv", out);
  read_file_into(path, csv, sizeof csv);
  csv_field(csv, 0, 5, field, sizeof field);
  assert_string_equal(field, "arm");
  csv_field(csv, 0, 8, field, sizeof field);
  assert_string_equal(field, "us_mA [A]");
  for (int k = 0; k < 4; k++) {
    csv_field(csv, k + 1, 5, field, sizeof field);
    assert_string_equal(field, k < 2 ? "saline" : "ketamine");
    csv_field(csv, k + 1, 9, field, sizeof field);
    double freezing = atof(field);
    assert_true(freezing >= 0 && freezing <= 1);
    /* the subject's drawn US intensity is in its own result file */
    csv_field(csv, k + 1, 8, field, sizeof field);
    snprintf(path, sizeof path, "%s/point_%04d.h5", out, k);
    char *yaml = experiment_yaml(path);
    snprintf(want, sizeof want, "intensity: %.12g mA", atof(field) * 1e3);
    if (strstr(yaml, want) == NULL) print_error("%s not in\n%s\n", want, yaml);
    assert_non_null(strstr(yaml, want));
    assert_true((strstr(yaml, "drug: saline") != NULL) == (k < 2));
    free(yaml);
  }
  cli_run(args, &r); /* again: every subject is finished */
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "0 of 4 runs to do"));
}

static void test_bad_arm_key_writes_nothing(void **state) {
  (void)state;
  const char *bad = fs_test_write("bad.yaml", "base: tiny.yaml\n"
                                              "subjects: 2\n"
                                              "arms:\n"
                                              "  - {name: a, set: {'drugs[0].dosee': 1 mg/kg}}\n");
  char bad_path[256];
  snprintf(bad_path, sizeof bad_path, "%s", bad);
  const char *out = test_path(0, "bad");
  const char *args[] = {"sweep", bad_path, "-o", out, NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 2);
  char want[1024];
  snprintf(want, sizeof want,
           "fearsim: %s:4:39: arms[0].set.drugs[0].dosee: drugs[0].dosee: "
           "unknown key \"dosee\" (did you mean \"dose\"?)\n",
           bad_path);
  assert_string_equal(r.err, want);
  assert_false(file_exists(out));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dry_run_lists_subjects),
      cmocka_unit_test(test_runs_summary_and_skip),
      cmocka_unit_test(test_bad_arm_key_writes_nothing),
  };
  return cmocka_run_group_tests(tests, setup, fs_test_teardown);
}
