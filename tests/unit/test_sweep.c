/* test_sweep.c - sweep files: grid order, linear and log ranges, random and Latin-hypercube
 * samples, zipped axes, one-at-a-time designs with crossed axes, seeds (distinct, deterministic,
 * common), run names, and bad input reported at its place in the sweep file. */
#include "fs_test.h"
#include "test_util.h"

#include <fearsim/sweep.h>

#include <stdlib.h>

#define KETAMINE FS_SOURCE_DIR "/configs/pharmacology/ketamine_infusion.yaml"
#define HEAD "base: " KETAMINE "\nseed: 42\n"

static fs_sweep *load_text(const char *text, fs_error *err) {
  fs_sweep *s = NULL;
  const char *path = fs_test_write("s.yaml", text);
  if (fs_sweep_load(path, &s, err) != FS_OK) return NULL;
  return s;
}

static fs_sweep *load_ok(const char *text) {
  fs_error err = {0};
  fs_sweep *s = load_text(text, &err);
  if (s == NULL) print_error("%s\n", err.msg);
  assert_non_null(s);
  return s;
}

/* The error of a sweep that must fail, with the test folder's path replaced by "DIR". */
static const char *load_error(const char *text) {
  static char msg[FS_ERROR_MSG_LEN];
  fs_error err = {0};
  fs_sweep *s = load_text(text, &err);
  assert_null(s);
  assert_int_equal(err.code, FS_ERR_INPUT);
  size_t n = strlen(fs_test_dir), used = 0;
  for (const char *p = err.msg; *p != '\0' && used + 4 < sizeof msg;) {
    if (strncmp(p, fs_test_dir, n) == 0) {
      memcpy(msg + used, "DIR", 3);
      used += 3;
      p += n;
    } else {
      msg[used++] = *p++;
    }
  }
  msg[used] = '\0';
  return msg;
}

static void test_grid_order(void **state) {
  (void)state;
  fs_sweep *s =
      load_ok(HEAD "axes:\n"
                   "  - {key: 'drugs[0].dose', name: dose, values: [0.25 mg/kg, 1 mg/kg]}\n"
                   "  - {key: 'drugs[0].duration', linspace: {from: 20 min, to: 1 h, "
                   "num: 3}}\n");
  fs_sweep_info in;
  fs_sweep_get_info(s, &in);
  assert_int_equal(in.n_points, 6);
  assert_int_equal(in.n_runs, 6);
  assert_int_equal(in.n_axes, 2);
  fs_sweep_axis_info ax;
  fs_sweep_get_axis(s, 0, &ax);
  assert_string_equal(ax.name, "dose");
  assert_string_equal(ax.unit, "kg/kg");
  fs_sweep_get_axis(s, 1, &ax);
  assert_string_equal(ax.name, "drugs[0].duration");
  assert_string_equal(ax.unit, "s");
  /* the last axis varies fastest; linspace values keep the unit of `from` */
  const char *dur[] = {"20 min", "40 min", "60 min"};
  for (size_t p = 0; p < 6; p++) {
    assert_string_equal(fs_sweep_value_text(s, 0, p), p < 3 ? "0.25 mg/kg" : "1 mg/kg");
    assert_string_equal(fs_sweep_value_text(s, 1, p), dur[p % 3]);
    fs_assert_close(fs_sweep_value_si(s, 0, p), p < 3 ? 0.25e-6 : 1e-6, 1e-12, 0);
    fs_assert_close(fs_sweep_value_si(s, 1, p), 1200.0 * (double)(p % 3 + 1), 1e-12, 0);
  }
  char ovr[256];
  fs_error err;
  assert_int_equal(fs_sweep_override(s, 0, 4, ovr, sizeof ovr, &err), FS_OK);
  assert_string_equal(ovr, "drugs[0].dose=1 mg/kg");
  fs_sweep_free(s);
}

static void test_logspace_and_text_values(void **state) {
  (void)state;
  fs_sweep *s = load_ok(HEAD "axes:\n"
                             "  - {key: 'drugs[0].dose', logspace: {from: 0.01 mg/kg, to: 10 "
                             "mg/kg, num: 4}}\n"
                             "  - {key: 'drugs[0].time', values: ['08:00', '20:00']}\n");
  const char *want[] = {"0.01 mg/kg", "0.1 mg/kg", "1 mg/kg", "10 mg/kg"};
  for (size_t i = 0; i < 4; i++) {
    assert_string_equal(fs_sweep_value_text(s, 0, 2 * i), want[i]);
    fs_assert_close(fs_sweep_value_si(s, 0, 2 * i), 1e-8 * pow(10.0, (double)i), 1e-12, 0);
  }
  fs_sweep_axis_info ax;
  fs_sweep_get_axis(s, 1, &ax);
  assert_false(ax.numeric);
  assert_string_equal(ax.unit, "");
  assert_true(isnan(fs_sweep_value_si(s, 1, 1)));
  char ovr[256];
  fs_error err;
  fs_sweep_override(s, 1, 1, ovr, sizeof ovr, &err);
  assert_string_equal(ovr, "drugs[0].time='20:00'");
  fs_sweep_free(s);
}

static void test_random_is_deterministic(void **state) {
  (void)state;
  const char *text = HEAD "axes:\n"
                          "  - {key: 'subject.body_weight', random: {low: 50 kg, high: 90 kg, n: "
                          "20}}\n";
  fs_sweep *a = load_ok(text), *b = load_ok(text);
  double first = fs_sweep_value_si(a, 0, 0);
  bool all_same = true;
  for (size_t p = 0; p < 20; p++) {
    double v = fs_sweep_value_si(a, 0, p);
    assert_true(v >= 50.0 && v < 90.0);
    assert_string_equal(fs_sweep_value_text(a, 0, p), fs_sweep_value_text(b, 0, p));
    all_same = all_same && v == first;
  }
  assert_false(all_same);
  fs_sweep_free(b);
  /* another master seed draws other values */
  b = load_ok("base: " KETAMINE "\nseed: 43\naxes:\n"
              "  - {key: 'subject.body_weight', random: {low: 50 kg, high: 90 kg, n: 20}}\n");
  assert_string_not_equal(fs_sweep_value_text(a, 0, 0), fs_sweep_value_text(b, 0, 0));
  fs_sweep_free(a);
  fs_sweep_free(b);
}

/* Two zipped LHS columns: n points, and each column puts exactly one value in each of the n
 * equal strata of its range (the Latin-hypercube property); log: strata equal in log. */
static void test_lhs_zip(void **state) {
  (void)state;
  enum { N = 16 };
  fs_sweep *s = load_ok(HEAD "axes:\n"
                             "  - zip:\n"
                             "    - {key: 'subject.body_weight', lhs: {low: 40 kg, high: 120 kg, "
                             "n: 16}}\n"
                             "    - {key: 'drugs[0].dose', lhs: {low: 0.1 mg/kg, high: 10 mg/kg, "
                             "n: 16, log: true}}\n");
  fs_sweep_info in;
  fs_sweep_get_info(s, &in);
  assert_int_equal(in.n_points, N);
  assert_int_equal(in.n_axes, 2);
  int hits[2][N] = {{0}};
  bool same_order = true;
  for (size_t p = 0; p < N; p++) {
    double w = fs_sweep_value_si(s, 0, p), d = fs_sweep_value_si(s, 1, p);
    int sw = (int)floor((w - 40.0) / 80.0 * N);
    int sd = (int)floor(log(d / 1e-7) / log(100.0) * N);
    assert_true(sw >= 0 && sw < N && sd >= 0 && sd < N);
    hits[0][sw]++;
    hits[1][sd]++;
    same_order = same_order && sw == sd;
  }
  for (int i = 0; i < N; i++) {
    assert_int_equal(hits[0][i], 1);
    assert_int_equal(hits[1][i], 1);
  }
  assert_false(same_order); /* the columns are shuffled independently */
  fs_sweep_free(s);
}

static void test_zip_with_grid(void **state) {
  (void)state;
  fs_sweep *s = load_ok(HEAD "replicates: 2\naxes:\n"
                             "  - zip:\n"
                             "    - {key: 'drugs[0].dose', values: [0.5 mg/kg, 1 mg/kg]}\n"
                             "    - {key: 'drugs[0].duration', values: [40 min, 80 min]}\n"
                             "  - {key: 'subject.body_weight', values: [60 kg, 70 kg, 80 kg]}\n");
  fs_sweep_info in;
  fs_sweep_get_info(s, &in);
  assert_int_equal(in.n_points, 6);
  assert_int_equal(in.n_runs, 12);
  for (size_t p = 0; p < 6; p++) {
    bool low = p < 3;
    assert_string_equal(fs_sweep_value_text(s, 0, p), low ? "0.5 mg/kg" : "1 mg/kg");
    assert_string_equal(fs_sweep_value_text(s, 1, p), low ? "40 min" : "80 min");
  }
  fs_sweep_run r;
  fs_error err;
  assert_int_equal(fs_sweep_get_run(s, 7, &r, &err), FS_OK);
  assert_int_equal(r.point, 3);
  assert_int_equal(r.replicate, 1);
  char path[256];
  fs_sweep_run_path(s, "out", 7, ".h5", path, sizeof path);
  assert_string_equal(path, "out/point_0003_r1.h5");
  assert_int_equal(fs_sweep_get_run(s, 12, &r, &err), FS_ERR_INPUT);
  assert_string_equal(err.msg, "run 12 is out of range: the sweep has 12 runs (0 to 11)");
  fs_sweep_free(s);
}

/* design: one_at_a_time: the base, then each axis (a zip counts as one) alone; crossed axes
 * make a grid with those points, varying fastest. */
static void test_one_at_a_time(void **state) {
  (void)state;
  fs_sweep *s = load_ok(HEAD "design: one_at_a_time\nseeds: common\naxes:\n"
                             "  - {key: 'drugs[0].dose', values: [0.25 mg/kg, 1 mg/kg]}\n"
                             "  - zip:\n"
                             "    - {key: 'subject.body_weight', values: [60 kg, 70 kg, 80 kg]}\n"
                             "    - {key: 'drugs[0].time', values: ['08:00', '09:00', '10:00']}\n"
                             "crossed:\n"
                             "  - {key: 'drugs[0].duration', values: [40 min, 80 min]}\n");
  fs_sweep_info in;
  fs_sweep_get_info(s, &in);
  assert_int_equal(in.n_points, (1 + 2 + 3) * 2);
  assert_int_equal(in.n_axes, 4);
  /* point: the varied one (0 base, 1-2 dose, 3-5 weight and time) times 2, plus the duration */
  const char *dose[] = {"", "0.25 mg/kg", "1 mg/kg", "", "", ""};
  const char *weight[] = {"", "", "", "60 kg", "70 kg", "80 kg"};
  const char *time[] = {"", "", "", "08:00", "09:00", "10:00"};
  for (size_t p = 0; p < in.n_points; p++) {
    assert_string_equal(fs_sweep_value_text(s, 0, p), dose[p / 2]);
    assert_string_equal(fs_sweep_value_text(s, 1, p), weight[p / 2]);
    assert_string_equal(fs_sweep_value_text(s, 2, p), time[p / 2]);
    assert_string_equal(fs_sweep_value_text(s, 3, p), p % 2 ? "80 min" : "40 min");
    assert_true(isnan(fs_sweep_value_si(s, 0, p)) == (dose[p / 2][0] == '\0'));
  }
  fs_sweep_axis_info ax;
  fs_sweep_get_axis(s, 1, &ax);
  assert_true(ax.numeric);
  assert_string_equal(ax.unit, "kg");
  assert_string_equal(ax.base, "70 kg"); /* the base file's values, as written */
  fs_sweep_get_axis(s, 0, &ax);
  assert_string_equal(ax.base, "0.5 mg/kg");
  fs_sweep_get_axis(s, 2, &ax);
  assert_string_equal(ax.base, "09:00");
  fs_sweep_get_axis(s, 3, &ax);
  assert_string_equal(ax.base, ""); /* crossed */
  char ovr[256];
  fs_error err;
  assert_int_equal(fs_sweep_override(s, 0, 6, ovr, sizeof ovr, &err), FS_OK);
  assert_string_equal(ovr, ""); /* the base's dose: nothing passed */
  assert_int_equal(fs_sweep_override(s, 1, 6, ovr, sizeof ovr, &err), FS_OK);
  assert_string_equal(ovr, "subject.body_weight=60 kg");
  fs_sweep_run r0, r7;
  assert_int_equal(fs_sweep_get_run(s, 0, &r0, &err), FS_OK);
  assert_int_equal(fs_sweep_get_run(s, 7, &r7, &err), FS_OK);
  assert_true(r0.seed == r7.seed); /* seeds: common: one animal throughout */
  fs_sweep_free(s);
  s = load_ok(HEAD "design: one_at_a_time\n"); /* no axes: the base alone */
  fs_sweep_get_info(s, &in);
  assert_int_equal(in.n_points, 1);
  fs_sweep_free(s);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static void test_seeds(void **state) {
  (void)state;
  const char *text = HEAD "replicates: 50\naxes:\n"
                          "  - {key: 'subject.body_weight', linspace: {from: 50 kg, to: 100 kg, "
                          "num: 40}}\n";
  fs_sweep *a = load_ok(text), *b = load_ok(text);
  enum { N = 2000 };
  uint64_t *seeds = malloc(N * sizeof *seeds);
  fs_error err;
  for (size_t k = 0; k < N; k++) {
    fs_sweep_run ra, rb;
    assert_int_equal(fs_sweep_get_run(a, k, &ra, &err), FS_OK);
    fs_sweep_get_run(b, k, &rb, &err);
    assert_true(ra.seed == rb.seed);
    assert_true(ra.seed < (UINT64_C(1) << 53));
    seeds[k] = ra.seed;
  }
  qsort(seeds, N, sizeof *seeds, cmp_u64);
  for (size_t k = 1; k < N; k++)
    assert_true(seeds[k] != seeds[k - 1]);
  free(seeds);
  fs_sweep_free(a);
  fs_sweep_free(b);
  /* common: replicate r has one seed at every point */
  a = load_ok(HEAD "replicates: 3\nseeds: common\naxes:\n"
                   "  - {key: 'subject.body_weight', values: [60 kg, 70 kg]}\n");
  fs_sweep_run r0, r1, r3;
  fs_sweep_get_run(a, 0, &r0, &err);
  fs_sweep_get_run(a, 1, &r1, &err);
  fs_sweep_get_run(a, 3, &r3, &err);
  assert_true(r0.seed == r3.seed);
  assert_true(r0.seed != r1.seed);
  fs_sweep_free(a);
}

static void test_no_axes(void **state) {
  (void)state;
  fs_sweep *s = load_ok(HEAD "replicates: 4\n");
  fs_sweep_info in;
  fs_sweep_get_info(s, &in);
  assert_int_equal(in.n_points, 1);
  assert_int_equal(in.n_runs, 4);
  fs_sweep_free(s);
}

static void test_bad_input(void **state) {
  (void)state;
  assert_string_equal(load_error(HEAD "axes:\n  - {key: 'drugs[0].dosee', values: [1 mg/kg]}\n"),
                      "DIR/s.yaml:4:11: axes[0].key: drugs[0].dosee: unknown key \"dosee\" (did "
                      "you mean \"dose\"?)");
  assert_string_equal(
      load_error(HEAD "axes:\n  - {key: 'simulaton.duration', values: [1 day]}\n"),
      "DIR/s.yaml:4:11: axes[0].key: simulaton: unknown key \"simulaton\" (did you mean "
      "\"simulation\"?)");
  assert_string_equal(load_error(HEAD "axes:\n  - {key: 'drugs[0].dose', values: [1 s, 2 s]}\n"),
                      "DIR/s.yaml:4:37: axes[0].values[0]: drugs[0].dose: expected a dose such as "
                      "\"0.5 mg/kg\" or \"56 mg\", got \"1 s\"");
  assert_string_equal(
      load_error(HEAD "axes:\n  - {key: 'drugs[0].dose', values: [1 mg/kg, 2 s]}\n"),
      "DIR/s.yaml:4:46: axes[0].values[1]: \"2 s\" is a time, but \"1 mg/kg\" is a dose per body "
      "mass");
  assert_string_equal(load_error(HEAD "axes:\n  - {key: 'drugs[0].dose', values: []}\n"),
                      "DIR/s.yaml:4:36: axes[0].values: an axis needs at least one value");
  assert_string_equal(
      load_error(HEAD "axes:\n  - {key: 'drugs[0].dose', linspace: {from: 1 mg/kg, to: 2 "
                      "mg/kg, num: 0}}\n"),
      "DIR/s.yaml:4:72: axes[0].linspace.num: expected an integer between 1 and 100000000, got "
      "\"0\"");
  assert_string_equal(
      load_error(HEAD "axes:\n  - {key: 'drugs[0].duration', linspace: {from: 1 h, to: 2 "
                      "mg/kg, num: 3}}\n"),
      "DIR/s.yaml:4:58: axes[0].linspace.to: \"2 mg/kg\" is a dose per body mass, but from "
      "\"1 h\" is a time");
  assert_string_equal(
      load_error(HEAD "axes:\n  - zip:\n"
                      "    - {key: 'drugs[0].dose', values: [1 mg/kg, 2 mg/kg]}\n"
                      "    - {key: 'drugs[0].duration', values: [1 h]}\n"),
      "DIR/s.yaml:6:7: axes[0].zip[1]: zipped axes need the same number of values: 1 here, 2 "
      "in the first");
  assert_string_equal(load_error(HEAD "axes:\n  - {key: seed, values: [1, 2]}\n"),
                      "DIR/s.yaml:4:11: axes[0].key: the seed of every run comes from the "
                      "sweep's seed and replicates");
  assert_string_equal(
      load_error(HEAD "axes:\n  - {key: 'drugs[0].dose', values: [1 mg/kg], linspace: {}}\n"),
      "DIR/s.yaml:4:5: axes[0]: an axis needs exactly one of values, linspace, logspace, "
      "random, lhs");
  assert_string_equal(
      load_error(HEAD "outcomes:\n  - {name: peak, dataset: /timeline/x, reduce: maximum}\n"),
      "DIR/s.yaml:4:48: outcomes[0].reduce: expected one of \"max\", \"min\", \"mean\", "
      "\"first\", \"last\", \"at\", \"index\", got \"maximum\"");
  assert_string_equal(
      load_error(HEAD "outcomes:\n  - {name: c, dataset: /timeline/x, reduce: at}\n"),
      "DIR/s.yaml:4:5: outcomes[0]: missing key \"time\"");
  assert_string_equal(load_error("base: .\n"), /* a directory: refused with its place */
                      "DIR/s.yaml:1:7: base: cannot read \"DIR/.\": it is a directory, not a file");
  assert_string_equal(load_error("base: nowhere.yaml\n"),
                      "DIR/s.yaml:1:7: base: cannot open \"DIR/nowhere.yaml\": No such file or "
                      "directory");
  assert_string_equal(
      load_error(HEAD "crossed:\n  - {key: 'drugs[0].dose', values: [1 mg/kg]}\n"),
      "DIR/s.yaml:4:3: crossed: crossed axes go with design: one_at_a_time (in a grid every "
      "axis is crossed with every other: list them under axes:)");
  assert_string_equal(load_error(HEAD "design: random\n"),
                      "DIR/s.yaml:3:9: design: expected one of \"grid\", \"one_at_a_time\", got "
                      "\"random\"");
  assert_string_equal(load_error(HEAD "axis: []\n"),
                      "DIR/s.yaml:3:1: axis: unknown key \"axis\" (did you mean \"axes\"?)");
}

/* An outcome is checked against the datasets the base experiment writes before anything runs:
 * a typo (with the closest name), a dataset of another experiment, reduce: at without a `time`
 * beside its dataset, and a dataset that only some points write (an axis changes the drug). */
static void test_outcome_datasets(void **state) {
  (void)state;
  assert_string_equal(
      load_error(HEAD
                 "outcomes:\n"
                 "  - {name: peak, dataset: /timeline/ketamine_plasma_ng_per_mL, reduce: max}\n"
                 "  - {name: c, dataset: /timeline/ketamine_plasm_ng_per_mL, reduce: max}\n"),
      "DIR/s.yaml:5:24: outcomes[1].dataset: the base experiment writes no dataset "
      "/timeline/ketamine_plasm_ng_per_mL (did you mean /timeline/ketamine_plasma_ng_per_mL?)");
  assert_string_equal(
      load_error(HEAD "outcomes:\n  - {name: f, dataset: /trials/freezing, reduce: max}\n"),
      "DIR/s.yaml:4:24: outcomes[0].dataset: the base experiment writes no dataset "
      "/trials/freezing");
  fs_sweep_free(load_ok(HEAD "outcomes:\n"
                             "  - {name: c, dataset: /timeline/ketamine_effect_uM, reduce: at, "
                             "time: 1 h}\n"));
  assert_string_equal(
      load_error(HEAD "axes:\n  - {key: 'drugs[0].drug', values: [ketamine, esketamine]}\n"
                      "outcomes:\n"
                      "  - {name: c, dataset: /timeline/ketamine_effect_uM, reduce: max}\n"),
      "DIR/s.yaml:6:24: outcomes[0].dataset: the base experiment at point 1 writes no dataset "
      "/timeline/ketamine_effect_uM (did you mean /timeline/esketamine_effect_uM?)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grid_order),
      cmocka_unit_test(test_logspace_and_text_values),
      cmocka_unit_test(test_random_is_deterministic),
      cmocka_unit_test(test_lhs_zip),
      cmocka_unit_test(test_zip_with_grid),
      cmocka_unit_test(test_one_at_a_time),
      cmocka_unit_test(test_seeds),
      cmocka_unit_test(test_no_axes),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_outcome_datasets),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
