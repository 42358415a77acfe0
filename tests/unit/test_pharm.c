/* test_pharm.c - the `subject:`/`drugs:` reader: mg/kg × body weight, series (every,
 * weekdays), local applications, the engine's per-population queries, and the bad-input
 * messages with their file:line:col. */
#include "fs_test.h"

#include <fearsim/config.h>
#include <fearsim/pharm.h>

#include <stdlib.h>

#define HOUR 3600.0
#define DAY 86400.0
#define UM 1e-3

static const char *const pops[] = {"LA", "BA", "IL_I"};

/* Loads text as x.yaml and reads it; returns the status, *out the plan (or NULL). */
static fs_status load(const char *text, double t_end, fs_pharmacology **out, fs_error *err) {
  fs_config *cfg = NULL;
  *out = NULL;
  fs_status st = fs_config_load_string("x.yaml", text, NULL, 0, &cfg, err);
  assert_int_equal(st, FS_OK);
  st = fs_pharm_read(fs_config_root(cfg), pops, 3, t_end, out, err);
  fs_config_free(cfg);
  return st;
}

static fs_pharmacology *load_ok(const char *text, double t_end) {
  fs_pharmacology *ph = NULL;
  fs_error err = {0};
  fs_status st = load(text, t_end, &ph, &err);
  if (st != FS_OK) print_error("%s\n", err.msg);
  assert_int_equal(st, FS_OK);
  return ph;
}

static void expect_error(const char *text, double t_end, const char *msg) {
  fs_pharmacology *ph = NULL;
  fs_error err = {0};
  assert_int_equal(load(text, t_end, &ph, &err), FS_ERR_INPUT);
  assert_null(ph);
  fs_assert_msg(err, msg);
}

static const char *const infusion_yaml = "subject: {species: human, body_weight: 80 kg}\n"
                                         "drugs:\n"
                                         "  - drug: ketamine\n"
                                         "    route: iv_infusion\n"
                                         "    dose: 0.5 mg/kg\n"
                                         "    day: 1\n"
                                         "    time: '09:00'\n"
                                         "    duration: 40 min\n";

/* mg/kg × body weight; the end-of-infusion figure of docs/model.md §8 row 5 through the reader. */
static void test_mg_per_kg(void **state) {
  (void)state;
  fs_pharmacology *ph = load_ok(infusion_yaml, 2 * DAY);
  assert_int_equal(fs_pharm_n_drugs(ph), 1);
  assert_int_equal(fs_pharm_n_doses(ph), 1);
  const fs_pharm_dose *d = fs_pharm_dose_at(ph, 0);
  fs_assert_close(d->amount, 0.5e-6 * 80, 1e-12, 0); /* 40 mg */
  fs_assert_close(d->t, 9 * HOUR, 1e-12, 0);
  fs_assert_close(d->duration, 2400, 1e-12, 0);
  double plasma;
  fs_pharm_conc(ph, 0, 9 * HOUR + 2400, &plasma, NULL);
  fs_assert_close(plasma * 1e6, 177.3, 0.005, 0); /* per-kg V1: independent of the weight */
  assert_int_equal(fs_pharm_blocker(ph), 0);
  fs_assert_close(fs_pharm_body_weight(ph), 80, 1e-12, 0);
  fs_pharm_free(ph);
}

static void test_species_default_weight(void **state) {
  (void)state;
  fs_pharmacology *ph = load_ok("subject: {species: rat}\n"
                                "drugs:\n"
                                "  - {drug: ketamine, route: intraperitoneal, dose: 10 mg/kg, "
                                "at: 1 h}\n",
                                INFINITY);
  fs_assert_close(fs_pharm_body_weight(ph), 0.3, 1e-12, 0);
  fs_assert_close(fs_pharm_dose_at(ph, 0)->amount, 3e-6, 1e-12, 0);
  double p0, p1;
  fs_pharm_conc(ph, 0, 1 * HOUR - 1, &p0, NULL);
  fs_pharm_conc(ph, 0, 1 * HOUR + 600, &p1, NULL);
  assert_true(p0 == 0.0 && p1 > 0.0); /* default rodent PK model: rodent_1c */
  fs_pharm_free(ph);
}

/* Six infusions Mon/Wed/Fri over two weeks: days 1, 3, 5, 8, 10, 12; no carry-over. */
static void test_weekday_series(void **state) {
  (void)state;
  fs_pharmacology *ph = load_ok("subject: {species: human}\n"
                                "drugs:\n"
                                "  - drug: ketamine\n"
                                "    route: iv_infusion\n"
                                "    dose: 0.5 mg/kg\n"
                                "    day: 1\n"
                                "    time: '09:00'\n"
                                "    duration: 40 min\n"
                                "    repeat: {weekdays: [mon, wed, fri], weeks: 2}\n",
                                21 * DAY);
  static const int days[] = {1, 3, 5, 8, 10, 12};
  assert_int_equal(fs_pharm_n_doses(ph), 6);
  for (size_t k = 0; k < 6; k++)
    fs_assert_close(fs_pharm_dose_at(ph, k)->t, (days[k] - 1) * DAY + 9 * HOUR, 1e-12, 0);
  double peak, trough;
  fs_pharm_conc(ph, 0, 9 * HOUR + 2400, &peak, NULL);
  fs_pharm_conc(ph, 0, 2 * DAY + 9 * HOUR, &trough, NULL);
  assert_true(trough < 1e-4 * peak);
  fs_pharm_free(ph);
}

static void test_every_series_and_weekday(void **state) {
  (void)state;
  fs_pharmacology *ph = load_ok("subject: {species: human, start_weekday: wed}\n"
                                "drugs:\n"
                                "  - {drug: ketamine, route: iv_bolus, dose: 20 mg, at: 2 h,\n"
                                "     repeat: {every: 48 h, count: 3}}\n"
                                "  - {drug: ketamine, route: iv_bolus, dose: 5 mg, day: 1,\n"
                                "     time: '10:00', repeat: {weekdays: [wed], weeks: 2}}\n",
                                INFINITY);
  assert_int_equal(fs_pharm_n_doses(ph), 5);
  const double t[] = {2 * HOUR, 10 * HOUR, 2 * HOUR + 2 * DAY, 2 * HOUR + 4 * DAY,
                      10 * HOUR + 7 * DAY};
  for (size_t k = 0; k < 5; k++)
    fs_assert_close(fs_pharm_dose_at(ph, k)->t, t[k], 1e-12, 0);
  fs_pharm_free(ph);
}

/* Local APV in LA: K_i/(K_i + [APV]) there during the window, 1 elsewhere and after. */
static void test_local_apv(void **state) {
  (void)state;
  fs_pharmacology *ph = load_ok("drugs:\n"
                                "  - drug: apv\n"
                                "    route: local\n"
                                "    concentration: 50 uM\n"
                                "    populations: [LA]\n"
                                "    at: 1 h\n"
                                "    duration: 2 h\n",
                                4 * HOUR);
  fs_nmda_mod m;
  const fs_drug_params *p = fs_pharm_drug_params(ph, 0);
  fs_pharm_get_nmda_mod(ph, 0, 2 * HOUR, &m);
  fs_assert_close(m.antagonist, p->k_i / (p->k_i + 50 * UM), 1e-14, 0);
  assert_true(m.blocker_conc == 0.0 && m.gain == 1.0);
  fs_pharm_get_nmda_mod(ph, 1, 2 * HOUR, &m);
  assert_true(m.antagonist == 1.0);
  fs_pharm_get_nmda_mod(ph, 0, 3 * HOUR, &m);
  assert_true(m.antagonist == 1.0);
  fs_assert_close(fs_pharm_receptor_conc(ph, 0, 0, 1 * HOUR), 50 * UM, 1e-14, 0);
  fs_block_coeffs c;
  fs_pharm_get_block_coeffs(ph, 0, &c);
  assert_true(c.k_on == 0.0);
  assert_int_equal(fs_pharm_blocker(ph), -1);
  fs_pharm_free(ph);
}

/* Overrides, selectivity and the receptor concentration of a systemic blocker. */
static void test_params_and_selectivity(void **state) {
  (void)state;
  fs_pharmacology *ph = load_ok("subject: {species: human}\n"
                                "drugs:\n"
                                "  - drug: ketamine\n"
                                "    route: iv_infusion\n"
                                "    dose: 0.5 mg/kg\n"
                                "    at: 0 h\n"
                                "    duration: 40 min\n"
                                "    params: {k_off: 0.1 /s}\n"
                                "    selectivity: {IL_I: 2}\n"
                                "    pk_model: domino\n",
                                INFINITY);
  fs_assert_close(fs_pharm_drug_params(ph, 0)->k_off, 0.1, 1e-15, 0);
  fs_block_coeffs c0, c2;
  fs_pharm_get_block_coeffs(ph, 0, &c0);
  fs_pharm_get_block_coeffs(ph, 2, &c2);
  fs_assert_close(c2.k_on, 2 * c0.k_on, 1e-15, 0);
  double plasma, effect;
  fs_pharm_conc(ph, 0, 2400, &plasma, &effect);
  fs_assert_close(plasma * 1e6, 240, 0, 1.0); /* Domino */
  fs_nmda_mod m;
  fs_pharm_get_nmda_mod(ph, 1, 2400, &m);
  fs_assert_close(m.blocker_conc, effect / 0.2377, 1e-12, 0);
  fs_pharm_free(ph);
}

static void test_empty(void **state) {
  (void)state;
  fs_pharmacology *ph = load_ok("simulation: {duration: 1 h}\n", 3600);
  assert_int_equal(fs_pharm_n_drugs(ph), 0);
  fs_nmda_mod m;
  fs_pharm_get_nmda_mod(ph, 0, 0, &m);
  assert_true(m.blocker_conc == 0 && m.antagonist == 1 && m.gain == 1 && m.allosteric == 1);
  fs_pharm_free(ph);
  fs_pharm_free(NULL);
}

/* ---- bad input ------------------------------------------------------------------------- */

static void test_unknown_drug(void **state) {
  (void)state;
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - drug: ketamin\n"
               "    route: iv_bolus\n"
               "    dose: 1 mg\n"
               "    at: 0 s\n",
               INFINITY,
               "x.yaml:3:11: drugs[0].drug: expected one of \"ketamine\", \"esketamine\", "
               "\"arketamine\", \"mk801\", \"memantine\", \"apv\", \"dcycloserine\", "
               "\"saline\", \"midazolam\", got \"ketamin\" (did you mean \"ketamine\"?)");
}

static void test_unknown_route(void **state) {
  (void)state;
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: intravenous, dose: 1 mg, at: 0 s}\n",
               INFINITY,
               "x.yaml:3:29: drugs[0].route: expected one of \"iv_bolus\", \"iv_infusion\", "
               "\"intranasal\", \"intraperitoneal\", \"subcutaneous\", \"local\", got "
               "\"intravenous\"");
}

static void test_bad_dose(void **state) {
  (void)state;
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: iv_bolus, dose: 0 mg/kg, at: 0 s}\n",
               INFINITY, "x.yaml:3:45: drugs[0].dose: the dose must be > 0, got \"0 mg/kg\"");
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: iv_bolus, dose: -5 mg, at: 0 s}\n",
               INFINITY, "x.yaml:3:45: drugs[0].dose: the dose must be > 0, got \"-5 mg\"");
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: iv_bolus, dose: 0.5 mV, at: 0 s}\n",
               INFINITY,
               "x.yaml:3:45: drugs[0].dose: expected a dose such as \"0.5 mg/kg\" or \"56 mg\", "
               "got \"0.5 mV\"");
}

static void test_no_body_weight(void **state) {
  (void)state;
  expect_error("drugs:\n"
               "  - {drug: ketamine, route: iv_bolus, dose: 0.5 mg/kg, at: 0 s}\n",
               INFINITY,
               "x.yaml:2:45: drugs[0].dose: a dose per body mass needs the body weight: give "
               "subject.body_weight or subject.species");
}

static void test_infusion_past_end(void **state) {
  (void)state;
  expect_error(infusion_yaml, 9.5 * HOUR,
               "x.yaml:8:15: drugs[0].duration: the infusion ends at 9.66667 h, after the end "
               "of the run at 9.5 h");
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: iv_infusion, dose: 0.5 mg/kg, at: 0 h,\n"
               "     duration: 40 min, repeat: {every: 48 h, count: 6}}\n",
               9 * DAY,
               "x.yaml:4:16: drugs[0].duration: dose 6 of 6: the infusion ends at 240.667 h, "
               "after the end of the run at 216 h");
}

static void test_unknown_population(void **state) {
  (void)state;
  expect_error("drugs:\n"
               "  - drug: apv\n"
               "    route: local\n"
               "    concentration: 50 uM\n"
               "    populations: [LA, BLA]\n"
               "    at: 0 s\n"
               "    duration: 1 h\n",
               INFINITY,
               "x.yaml:5:23: drugs[0].populations[1]: unknown population \"BLA\" (did you mean "
               "\"LA\"?)");
}

static void test_two_blockers(void **state) {
  (void)state;
  expect_error("subject: {species: rat}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: intraperitoneal, dose: 10 mg/kg, at: 0 s}\n"
               "  - {drug: mk801, route: intraperitoneal, dose: 0.1 mg/kg, at: 1 h}\n",
               INFINITY,
               "x.yaml:4:12: drugs[1].drug: only one open-channel blocker may be used in an "
               "experiment, got \"ketamine\" and \"mk801\"");
}

static void test_misc_errors(void **state) {
  (void)state;
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: iv_bolus, dose: 1 mg, at: 0 s, duraton: 1 h}\n",
               INFINITY,
               "x.yaml:3:60: drugs[0].duraton: unknown key \"duraton\" (did you mean "
               "\"duration\"?)");
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: intraperitoneal, dose: 1 mg, at: 0 s}\n",
               INFINITY,
               "x.yaml:3:29: drugs[0].route: the PK model of ketamine has no absorption for the "
               "route intraperitoneal (choose pk_model, e.g. rodent_1c for intraperitoneal)");
  expect_error("subject: {species: human}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: iv_bolus, dose: 1 mg, day: 1, time: '25:00'}\n",
               INFINITY,
               "x.yaml:3:65: drugs[0].time: expected a clock time such as '09:00', got "
               "\"25:00\"");
  expect_error("subject: {species: human, start_weekday: tue}\n"
               "drugs:\n"
               "  - {drug: ketamine, route: iv_bolus, dose: 1 mg, day: 1,\n"
               "     repeat: {weekdays: [mon, wed], weeks: 2}}\n",
               INFINITY,
               "x.yaml:4:25: drugs[0].repeat.weekdays: the first dose falls on a tue, which is "
               "not in the list");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mg_per_kg),
      cmocka_unit_test(test_species_default_weight),
      cmocka_unit_test(test_weekday_series),
      cmocka_unit_test(test_every_series_and_weekday),
      cmocka_unit_test(test_local_apv),
      cmocka_unit_test(test_params_and_selectivity),
      cmocka_unit_test(test_empty),
      cmocka_unit_test(test_unknown_drug),
      cmocka_unit_test(test_unknown_route),
      cmocka_unit_test(test_bad_dose),
      cmocka_unit_test(test_no_body_weight),
      cmocka_unit_test(test_infusion_past_end),
      cmocka_unit_test(test_unknown_population),
      cmocka_unit_test(test_two_blockers),
      cmocka_unit_test(test_misc_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
