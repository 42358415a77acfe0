/* test_units.c - fs_units_parse: SI values of every supported form and the exact messages
 * for text that is not a quantity of the asked kind. */
#include <fearsim/units.h>

#include "fs_test.h"

typedef struct good_case {
  const char *text;
  fs_unit_kind kind;
  double si;
} good_case;

static const good_case good[] = {
    {"30 s", FS_UNIT_TIME, 30.0},
    {"0.1 ms", FS_UNIT_TIME, 1e-4},
    {"2 nS", FS_UNIT_CONDUCTANCE, 2e-9},
    {"200 pF", FS_UNIT_CAPACITANCE, 200e-12},
    {"-70 mV", FS_UNIT_VOLTAGE, -0.070},
    {"20 Hz", FS_UNIT_FREQUENCY, 20.0},
    {"1 uM", FS_UNIT_MOLAR, 1e-3},
    {"0.5 mg/kg", FS_UNIT_DOSE_PER_MASS, 5e-7},
    {"3 day", FS_UNIT_TIME, 3 * 86400.0},
    {"1 \xc2\xb5M", FS_UNIT_MOLAR, 1e-3}, /* U+00B5 micro sign */
    {"1 \xce\xbcM", FS_UNIT_MOLAR, 1e-3}, /* U+03BC greek mu */
    {"185 ng/mL", FS_UNIT_MASS_CONC, 1.85e-4},
    {"0.0109 /min", FS_UNIT_RATE, 0.0109 / 60.0},
    {"0.0109 1/min", FS_UNIT_RATE, 0.0109 / 60.0},
    {"1e5 M^-1 s^-1", FS_UNIT_ASSOC_RATE, 100.0},
    {"1e5 /M/s", FS_UNIT_ASSOC_RATE, 100.0},
    {"1e5 1/(M s)", FS_UNIT_ASSOC_RATE, 100.0},
    {"1.75 L/kg", FS_UNIT_VOLUME_PER_MASS, 1.75e-3},
    {"100 pA", FS_UNIT_CURRENT, 100e-12},
    {"20 %", FS_UNIT_DIMENSIONLESS, 0.2},
    {"20%", FS_UNIT_DIMENSIONLESS, 0.2},
    {"0.5", FS_UNIT_DIMENSIONLESS, 0.5},
    {"-2.5e-1", FS_UNIT_DIMENSIONLESS, -0.25},
    {"0.062 /mV", FS_UNIT_INV_VOLTAGE, 62.0},
    {"237.7 g/mol", FS_UNIT_MOLAR_MASS, 0.2377},
    {"70 kg", FS_UNIT_MASS, 70.0},
    {"5 L", FS_UNIT_VOLUME, 5e-3},
    {"1 um", FS_UNIT_LENGTH, 1e-6},
    {"2 h", FS_UNIT_TIME, 7200.0},
    {"2 hr", FS_UNIT_TIME, 7200.0},
    {"1 week", FS_UNIT_TIME, 604800.0},
    {"10 min", FS_UNIT_TIME, 600.0},
    {"+1.5e3 ms", FS_UNIT_TIME, 1.5},
    {"30s", FS_UNIT_TIME, 30.0},
    {"0.1 kHz", FS_UNIT_FREQUENCY, 100.0},
    {"0.1 /s", FS_UNIT_RATE, 0.1},
    {"2 mV*nS", FS_UNIT_CURRENT, 2e-12},
    {"3 mM", FS_UNIT_MOLAR, 3.0},
    {"1 mol/L", FS_UNIT_MOLAR, 1000.0},
    {"5 mg/L", FS_UNIT_MASS_CONC, 5e-3},
    {"1 m^3/kg", FS_UNIT_VOLUME_PER_MASS, 1.0},
};

static void test_good_units(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    double v = -1.0;
    fs_error err = {FS_OK, ""};
    fs_status st = fs_units_parse(good[i].text, good[i].kind, &v, &err);
    if (st != FS_OK) fail_msg("\"%s\": %s", good[i].text, err.msg);
    fs_assert_close(v, good[i].si, 1e-12, 0.0);
  }
}

static void check_bad(const char *text, fs_unit_kind kind, const char *expected) {
  double v = 42.0;
  fs_error err = {FS_OK, ""};
  assert_int_equal(fs_units_parse(text, kind, &v, &err), FS_ERR_INPUT);
  assert_int_equal(err.code, FS_ERR_INPUT);
  fs_assert_msg(err, expected);
  fs_assert_close(v, 42.0, 0.0, 0.0); /* untouched on failure */
}

static void test_bad_units(void **state) {
  (void)state;
  check_bad("30", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"30\"");
  check_bad("30 mV", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"30 mV\"");
  check_bad("fast", FS_UNIT_FREQUENCY, "expected a frequency such as \"20 Hz\", got \"fast\"");
  check_bad("1 uM", FS_UNIT_DOSE_PER_MASS,
            "expected a dose per body mass such as \"0.5 mg/kg\", got \"1 uM\"");
  check_bad("", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"\"");
  check_bad("1e400 s", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"1e400 s\"");
  check_bad("nan s", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"nan s\"");
  check_bad("inf s", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"inf s\"");
  check_bad("0x10 s", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"0x10 s\"");
  check_bad("30 s extra", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"30 s extra\"");
  check_bad("30 s)", FS_UNIT_TIME, "expected a time such as \"30 s\", got \"30 s)\"");
  check_bad("2 nS", FS_UNIT_DIMENSIONLESS,
            "expected a dimensionless number such as \"0.5\", got \"2 nS\"");
  check_bad("0.062 V", FS_UNIT_INV_VOLTAGE,
            "expected an inverse voltage such as \"0.062 /mV\", got \"0.062 V\"");
  check_bad("1e5 M s", FS_UNIT_ASSOC_RATE,
            "expected an association rate constant such as \"1e5 /M/s\", got \"1e5 M s\"");
}

/* Dose per body mass is dimensionless in SI but must be written as a mass ratio, and a mass
 * ratio is not a plain dimensionless number. */
static void test_dose_needs_mass_ratio(void **state) {
  (void)state;
  check_bad("0.5", FS_UNIT_DOSE_PER_MASS,
            "expected a dose per body mass such as \"0.5 mg/kg\", got \"0.5\"");
  check_bad("20 %", FS_UNIT_DOSE_PER_MASS,
            "expected a dose per body mass such as \"0.5 mg/kg\", got \"20 %\"");
  check_bad("0.5 mg/kg", FS_UNIT_DIMENSIONLESS,
            "expected a dimensionless number such as \"0.5\", got \"0.5 mg/kg\"");
  double v = 0;
  assert_int_equal(fs_units_parse("2 ug/g", FS_UNIT_DOSE_PER_MASS, &v, NULL), FS_OK);
  fs_assert_close(v, 2e-6, 1e-12, 0.0);
}

/* min, h and day take no SI prefix; "mmin" is not a unit. Mega is not supported because
 * "M" is molar. */
static void test_no_prefix_on_clock_units(void **state) {
  (void)state;
  double v = 0;
  fs_error err;
  assert_int_equal(fs_units_parse("1 mmin", FS_UNIT_TIME, &v, &err), FS_ERR_INPUT);
  assert_int_equal(fs_units_parse("1 kh", FS_UNIT_TIME, &v, &err), FS_ERR_INPUT);
  assert_int_equal(fs_units_parse("1 kday", FS_UNIT_TIME, &v, &err), FS_ERR_INPUT);
  assert_int_equal(fs_units_parse("1 MHz", FS_UNIT_FREQUENCY, &v, &err), FS_ERR_INPUT);
  assert_int_equal(fs_units_parse("1 mVs", FS_UNIT_DIMENSIONLESS, &v, &err), FS_ERR_INPUT);
  assert_int_equal(fs_units_parse("1 s^", FS_UNIT_TIME, &v, &err), FS_ERR_INPUT);
  assert_int_equal(fs_units_parse("1 s^0", FS_UNIT_TIME, &v, &err), FS_ERR_INPUT);
  assert_int_equal(fs_units_parse("1 d", FS_UNIT_TIME, &v, &err), FS_ERR_INPUT);
  assert_int_equal(fs_units_parse(NULL, FS_UNIT_TIME, &v, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "expected a time such as \"30 s\", got \"\"");
}

static void test_kind_tables(void **state) {
  (void)state;
  assert_string_equal(fs_unit_kind_name(FS_UNIT_TIME), "time");
  assert_string_equal(fs_unit_kind_example(FS_UNIT_MOLAR), "1 uM");
  assert_string_equal(fs_unit_kind_si(FS_UNIT_ASSOC_RATE), "m^3/(mol*s)");
  char buf[128];
  fs_unit_kind_expected(FS_UNIT_CURRENT, buf, sizeof buf);
  assert_string_equal(buf, "expected a current such as \"100 pA\"");
  /* every example parses as its own kind */
  for (int k = 0; k < FS_UNIT_KIND_COUNT; k++) {
    double v;
    fs_error err;
    if (fs_units_parse(fs_unit_kind_example((fs_unit_kind)k), (fs_unit_kind)k, &v, &err) != FS_OK)
      fail_msg("example of kind %d: %s", k, err.msg);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_units),
      cmocka_unit_test(test_bad_units),
      cmocka_unit_test(test_dose_needs_mass_ratio),
      cmocka_unit_test(test_no_prefix_on_clock_units),
      cmocka_unit_test(test_kind_tables),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
