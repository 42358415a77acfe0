/* test_cohort.c - cohort files: the distributions of drawn values (median, mean, CV, bounds
 * and trait frequencies for many subjects), determinism and the crossover's paired subjects,
 * the runs' overrides and seeds, and each bad input reported at its place in the file. */
#include "fs_test.h"
#include "test_util.h"

#include <fearsim/cohort.h>
#include <fearsim/sweep.h>

#include <stdlib.h>

#define KETAMINE FS_SOURCE_DIR "/configs/pharmacology/ketamine_infusion.yaml"
#define HEAD "base: " KETAMINE "\nseed: 42\n"
#define TWO_ARMS                                                                                   \
  "arms:\n"                                                                                        \
  "  - {name: low, set: {'drugs[0].dose': 0.2 mg/kg}}\n"                                           \
  "  - {name: high, set: {'drugs[0].dose': 0.5 mg/kg}}\n"

static fs_sweep *load_text(const char *text, fs_error *err) {
  fs_sweep *s = NULL;
  const char *path = fs_test_write("c.yaml", text);
  if (fs_cohort_load(path, &s, err) != FS_OK) return NULL;
  return s;
}

static fs_sweep *load_ok(const char *text) {
  fs_error err = {0};
  fs_sweep *s = load_text(text, &err);
  if (s == NULL) print_error("%s\n", err.msg);
  assert_non_null(s);
  return s;
}

/* The error of a cohort that must fail, after "DIR/c.yaml:". */
static const char *load_error(const char *text) {
  static char msg[FS_ERROR_MSG_LEN];
  fs_error err = {0};
  fs_sweep *s = load_text(text, &err);
  assert_null(s);
  assert_int_equal(err.code, FS_ERR_INPUT);
  size_t n = strlen(fs_test_dir);
  assert_int_equal(strncmp(err.msg, fs_test_dir, n), 0);
  snprintf(msg, sizeof msg, "%s", err.msg + n + strlen("/c.yaml:"));
  return msg;
}

static size_t column(const fs_sweep *s, const char *name) {
  fs_sweep_info in;
  fs_sweep_get_info(s, &in);
  for (size_t a = 0; a < in.n_axes; a++) {
    fs_sweep_axis_info ax;
    fs_sweep_get_axis(s, a, &ax);
    if (strcmp(ax.name, name) == 0) return a;
  }
  fail_msg("no column %s", name);
  return 0;
}

/* Mean and coefficient of variation of a column's SI values over all runs. */
static void moments(const fs_sweep *s, size_t col, size_t n, double *mean, double *cv) {
  double sum = 0, sq = 0;
  for (size_t k = 0; k < n; k++)
    sum += fs_sweep_value_si(s, col, k);
  *mean = sum / (double)n;
  for (size_t k = 0; k < n; k++) {
    double d = fs_sweep_value_si(s, col, k) - *mean;
    sq += d * d;
  }
  *cv = sqrt(sq / (double)(n - 1)) / *mean;
}

/* 4000 subjects: a log-normal by its CV has that CV and a mean of median * sqrt(1 + cv^2);
 * a normal its mean and sd; a uniform its mean and bounds; a truncated one stays in range. */
static void test_distributions(void **state) {
  (void)state;
  const size_t n = 4000;
  fs_sweep *s = load_ok(
      HEAD "subjects: 4000\narms: [{name: all}]\nanalysis: {test: none}\n"
           "variability:\n"
           "  - {key: subject.body_weight, name: w, lognormal: {median: 70 kg, cv: 0.3}}\n"
           "  - {key: 'drugs[0].pk_params.k10', name: k10, normal: {mean: 0.6 /h, sd: 0.06 /h}}\n"
           "  - {key: 'drugs[0].duration', name: dur, uniform: {low: 20 min, high: 60 min}}\n"
           "  - {key: 'drugs[0].dose', name: dose, normal: {mean: 0.5 mg/kg, sd: 0.2 mg/kg},\n"
           "     range: {low: 0.4 mg/kg, high: 0.6 mg/kg}}\n");
  fs_sweep_info in;
  fs_sweep_get_info(s, &in);
  assert_int_equal(in.n_runs, n);
  double mean, cv;
  /* standard errors for n = 4000: mean 0.3/sqrt(n) = 0.5 %, CV about 1.3 % relative */
  moments(s, column(s, "w"), n, &mean, &cv);
  fs_assert_close(mean, 70.0 * sqrt(1.09), 0.02, 0);
  fs_assert_close(cv, 0.3, 0.06, 0);
  moments(s, column(s, "k10"), n, &mean, &cv);
  fs_assert_close(mean, 0.6 / 3600, 0.005, 0);
  fs_assert_close(cv, 0.1, 0.06, 0);
  moments(s, column(s, "dur"), n, &mean, &cv);
  fs_assert_close(mean, 2400, 0.01, 0);
  fs_assert_close(cv, (2400 / sqrt(12.0)) / 2400, 0.06, 0); /* sd of U(20, 60 min) */
  size_t dose = column(s, "dose");
  double lo = INFINITY, hi = -INFINITY;
  for (size_t k = 0; k < n; k++) {
    lo = fmin(lo, fs_sweep_value_si(s, dose, k));
    hi = fmax(hi, fs_sweep_value_si(s, dose, k));
  }
  assert_true(lo >= 0.4e-6 && hi <= 0.6e-6);
  assert_true(lo < 0.41e-6 && hi > 0.59e-6); /* the range is filled up to its ends */
  fs_sweep_free(s);
}

/* A trait's levels come with their frequencies (binomial: 3 sd of 4000 * 0.3 * 0.7 is 87), and
 * a level's overrides only in the runs of its subjects. */
static void test_trait_frequencies(void **state) {
  (void)state;
  fs_sweep *s = load_ok(HEAD "subjects: 4000\narms: [{name: all}]\nanalysis: {test: none}\n"
                             "traits:\n"
                             "  - name: cyp2b6\n"
                             "    levels:\n"
                             "      - {name: normal, frequency: 0.7}\n"
                             "      - {name: slow, frequency: 0.3,\n"
                             "         set: {'drugs[0].pk_params.k10': 0.3 /h}}\n");
  size_t trait = column(s, "cyp2b6"), k10 = column(s, "drugs[0].pk_params.k10");
  size_t slow = 0;
  for (size_t k = 0; k < 4000; k++) {
    bool is_slow = strcmp(fs_sweep_value_text(s, trait, k), "slow") == 0;
    slow += is_slow;
    assert_string_equal(fs_sweep_value_text(s, k10, k), is_slow ? "0.3 /h" : "");
    char ovr[FS_SWEEP_OVERRIDE_LEN];
    fs_error err;
    assert_int_equal(fs_sweep_override(s, k10, k, ovr, sizeof ovr, &err), FS_OK);
    assert_string_equal(ovr, is_slow ? "drugs[0].pk_params.k10=0.3 /h" : "");
    assert_int_equal(fs_sweep_override(s, trait, k, ovr, sizeof ovr, &err), FS_OK);
    assert_string_equal(ovr, ""); /* a label is passed to no run */
  }
  assert_true(slow > 1200 - 87 && slow < 1200 + 87);
  fs_sweep_free(s);
}

/* The same file gives the same values and seeds; another seed others. A crossover's subject
 * has the same values and seed in every arm; parallel arms have subjects of their own. */
static void test_determinism_and_design(void **state) {
  (void)state;
  const char *var =
      "variability:\n"
      "  - {key: subject.body_weight, name: w, lognormal: {median: 70 kg, cv: 0.3}}\n";
  char text[2048];
  snprintf(text, sizeof text, HEAD "subjects: 5\ndesign: {type: crossover, washout: 7 day}\n%s%s",
           TWO_ARMS, var);
  fs_sweep *a = load_ok(text), *b = load_ok(text);
  size_t w = column(a, "w");
  for (size_t k = 0; k < 10; k++) {
    fs_sweep_run ra, rb, rp;
    fs_error err;
    fs_sweep_get_run(a, k, &ra, &err);
    fs_sweep_get_run(b, k, &rb, &err);
    fs_sweep_get_run(a, k % 5, &rp, &err);
    assert_int_equal(ra.seed, rb.seed);
    assert_int_equal(ra.seed, rp.seed); /* crossover: subject k % 5 in both arms */
    assert_string_equal(fs_sweep_value_text(a, w, k), fs_sweep_value_text(b, w, k));
    assert_string_equal(fs_sweep_value_text(a, w, k), fs_sweep_value_text(a, w, k % 5));
    assert_string_equal(fs_sweep_value_text(a, column(a, "drugs[0].dose"), k),
                        k < 5 ? "0.2 mg/kg" : "0.5 mg/kg");
  }
  snprintf(text, sizeof text, HEAD "subjects: 5\n%s%s", TWO_ARMS, var);
  fs_sweep *p = load_ok(text);
  fs_sweep_run r0, r5;
  fs_error err;
  fs_sweep_get_run(p, 0, &r0, &err);
  fs_sweep_get_run(p, 5, &r5, &err);
  assert_true(r0.seed != r5.seed);
  assert_string_equal(fs_sweep_value_text(p, column(p, "subject"), 5), "s0005");
  assert_string_equal(fs_sweep_value_text(p, w, 0), fs_sweep_value_text(a, w, 0));
  snprintf(text, sizeof text, "base: " KETAMINE "\nseed: 43\nsubjects: 5\n%s%s", TWO_ARMS, var);
  fs_sweep *q = load_ok(text);
  assert_string_not_equal(fs_sweep_value_text(q, w, 0), fs_sweep_value_text(p, w, 0));
  fs_sweep_free(a);
  fs_sweep_free(b);
  fs_sweep_free(p);
  fs_sweep_free(q);
}

/* A variable or a trait's effects limited to some arms: no override in the others, while a
 * trait's level stays the subject's in every arm. */
static void test_arm_filter(void **state) {
  (void)state;
  fs_sweep *s = load_ok(HEAD "subjects: 3\n" TWO_ARMS "analysis: {test: none}\n"
                             "variability:\n"
                             "  - {key: 'drugs[0].pk_params.k10', name: k10, arms: [high],\n"
                             "     lognormal: {median: 0.6 /h, cv: 0.3}}\n"
                             "traits:\n"
                             "  - {name: t, arms: [low], levels: [{name: a, frequency: 1,\n"
                             "     set: {'drugs[0].duration': 1 h}}]}\n");
  size_t k10 = column(s, "k10"), dur = column(s, "drugs[0].duration"), t = column(s, "t");
  for (size_t k = 0; k < 6; k++) {
    assert_true((fs_sweep_value_text(s, k10, k)[0] != '\0') == (k >= 3));
    assert_string_equal(fs_sweep_value_text(s, dur, k), k < 3 ? "1 h" : "");
    assert_string_equal(fs_sweep_value_text(s, t, k), "a");
  }
  fs_sweep_free(s);
  assert_string_equal(load_error(HEAD "subjects: 3\n" TWO_ARMS "analysis: {test: none}\n"
                                      "variability:\n"
                                      "  - {key: subject.body_weight, arms: [mid],\n"
                                      "     uniform: {low: 60 kg, high: 80 kg}}\n"),
                      "9:39: variability[0].arms[0]: \"mid\" is not the name of an arm");
}

static void test_integer_values(void **state) {
  (void)state;
  fs_sweep *s = load_ok(HEAD "subjects: 200\narms: [{name: all}]\n"
                             "variability:\n"
                             "  - {key: subject.body_weight, name: w, uniform: {low: 60 kg, "
                             "high: 80 kg}, integer: true}\n");
  size_t w = column(s, "w");
  for (size_t k = 0; k < 200; k++) {
    double v = fs_sweep_value_si(s, w, k);
    assert_true(v == nearbyint(v) && v >= 60 && v <= 80);
  }
  fs_sweep_free(s);
}

static void test_bad_input(void **state) {
  (void)state;
  assert_string_equal(load_error(HEAD "subjects: 3\narms:\n"
                                      "  - {name: a, set: {'drugs[0].dsoe': 1 mg/kg}}\n"),
                      "5:38: arms[0].set.drugs[0].dsoe: drugs[0].dsoe: unknown key \"dsoe\" "
                      "(expected one of: drug, route, dose, concentration, at, day, time, "
                      "duration, populations, repeat, pk_model, pk_params, params, selectivity)");
  assert_string_equal(
      load_error(HEAD "subjects: 3\narms: [{name: a}]\nvariability:\n"
                      "  - {key: subject.body_weight, lognormal: {median: 70 kg, cv: -0.1}}\n"),
      "6:63: variability[0].lognormal.cv: a coefficient of variation is 0 or more");
  assert_string_equal(
      load_error(HEAD "subjects: 3\narms: [{name: a}]\nvariability:\n"
                      "  - {key: subject.body_weight, uniform: {low: 70 kg, high: 70 kg}}\n"),
      "6:41: variability[0].uniform: empty range: high must be above low");
  assert_string_equal(load_error(HEAD
                                 "subjects: 3\narms: [{name: a}]\nvariability:\n"
                                 "  - {key: subject.body_weight, normal: {mean: 70 kg, sd: 5 kg},\n"
                                 "     range: {low: 90 kg, high: 80 kg}}\n"),
                      "7:13: variability[0].range: empty range: high must be above low");
  assert_string_equal(load_error(HEAD "subjects: 3\narms: [{name: a}]\ntraits:\n"
                                      "  - name: cyp2b6\n"
                                      "    levels:\n"
                                      "      - {name: normal, frequency: 0.7}\n"
                                      "      - {name: slow, frequency: 0.2}\n"),
                      "8:7: traits[0].levels: the frequencies of the levels sum to 0.9, not 1");
  assert_string_equal(
      load_error(HEAD "subjects: 3\ndesign: {type: crossover, washout: 2 h}\n" TWO_ARMS),
      "4:36: design.washout: a wash-out of 2 h is too short: ketamine in arm \"low\" (subject "
      "s0000) needs 11.38 h after its last dose to fall below 1/32 of its peak plasma "
      "concentration (five "
      "half-lives)");
  assert_string_equal(load_error(HEAD "subjects: 1\n" TWO_ARMS),
                      "3:11: subjects: a test (analysis.test: auto) needs at least 2 subjects per "
                      "arm, got 1");
  assert_string_equal(load_error(HEAD "subjects: 4\n" TWO_ARMS "analysis: {test: paired_t}\n"),
                      "7:18: analysis.test: paired_t compares paired subjects: it needs design: "
                      "{type: crossover}");
  assert_string_equal(load_error(HEAD "subjects: 4\n" TWO_ARMS "analysis: {endpoint: peak}\n"),
                      "7:22: analysis.endpoint: \"peak\" is not the name of one of the outcomes:");
  assert_string_equal(
      load_error(HEAD "subjects: 4\n" TWO_ARMS "variability:\n"
                      "  - {key: 'drugs[0].dose', lognormal: {median: 1 mg/kg, cv: 0.1}}\n"),
      "8:11: variability[0].key: \"drugs[0].dose\" is already set by an arm or a variable; a key "
      "is set by one of them");
}

/* The cohorts shipped in configs/cohorts/ load, with their arms and subjects. */
static void test_shipped_cohorts(void **state) {
  (void)state;
  const struct {
    const char *file;
    size_t runs;
  } shipped[] = {{"girgenti2017", 30}, {"feder2021", 30}, {"feder2014", 40}, {"dose_finding", 36}};
  for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, FS_SOURCE_DIR "/configs/cohorts/%s.yaml", shipped[i].file);
    fs_sweep *s = NULL;
    fs_error err = {0};
    if (fs_cohort_load(path, &s, &err) != FS_OK) print_error("%s\n", err.msg);
    assert_non_null(s);
    fs_sweep_info in;
    fs_sweep_get_info(s, &in);
    assert_int_equal(in.n_runs, shipped[i].runs);
    fs_sweep_free(s);
  }
}

/* The ordinary sweep file is not a cohort; a cohort file is. */
static void test_is_file(void **state) {
  (void)state;
  assert_true(fs_cohort_is_file(fs_test_write("c.yaml", HEAD "subjects: 2\n" TWO_ARMS)));
  assert_false(fs_cohort_is_file(FS_SOURCE_DIR "/configs/sweeps/ketamine_dose.yaml"));
  assert_false(fs_cohort_is_file(FS_SOURCE_DIR "/no/such/file.yaml"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_distributions),
      cmocka_unit_test(test_trait_frequencies),
      cmocka_unit_test(test_determinism_and_design),
      cmocka_unit_test(test_integer_values),
      cmocka_unit_test(test_arm_filter),
      cmocka_unit_test(test_shipped_cohorts),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_is_file),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
