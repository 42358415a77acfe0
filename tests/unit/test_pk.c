/* test_pk.c - the exact compartment solution: human infusion figures (docs/model.md §8 row 5),
 * half-lives, superposition, no carry-over (row 19), agreement with RK4 and with the
 * analytic bolus solution, bioavailability, bad doses and the registry. */
#include "fs_test.h"

#include <fearsim/pk.h>

#include <stdlib.h>

#define MIN 60.0
#define HOUR 3600.0
#define MG 1e-6    /* kg */
#define NG_ML 1e-6 /* kg/m^3 */

static fs_pk_course *make(const fs_pk_model *m, double weight, const fs_pk_dose *d, size_t n) {
  fs_pk_params p;
  fs_pk_model_defaults(m, &p);
  fs_pk_course *c = NULL;
  fs_error err = {0};
  assert_int_equal(fs_pk_course_create(&p, weight, d, n, &c, &err), FS_OK);
  return c;
}

static fs_pk_dose infusion(double t, double mg, double minutes) {
  fs_pk_dose d = {FS_ROUTE_IV_INFUSION, t, mg * MG, minutes * MIN};
  return d;
}

static void test_end_of_infusion(void **state) {
  (void)state;
  fs_pk_dose d = infusion(0, 0.5 * 70, 40);
  fs_pk_course *c = make(&fs_pk_clements, 70, &d, 1);
  double cp = fs_pk_course_plasma(c, 40 * MIN) / NG_ML;
  print_message("clements 0.5 mg/kg over 40 min: end of infusion %.1f ng/mL\n", cp);
  assert_true(cp >= 150 && cp <= 250);
  fs_assert_close(cp, 177.3, 0.005, 0); /* docs/model.md §S3.2 table */
  /* the rest of that table (Euler, rounded to 1 ng/mL) */
  const double t[] = {10, 20, 60, 80, 120, 240, 480};
  const double ref[] = {62, 110, 115, 85, 59, 35, 14};
  for (size_t i = 0; i < 7; i++)
    fs_assert_close(fs_pk_course_plasma(c, t[i] * MIN) / NG_ML, ref[i], 0, 0.6);
  /* the peak is at the end of the infusion */
  assert_true(fs_pk_course_plasma(c, 39 * MIN) < fs_pk_course_plasma(c, 40 * MIN));
  assert_true(fs_pk_course_plasma(c, 41 * MIN) < fs_pk_course_plasma(c, 40 * MIN));
  fs_pk_course_free(c);
}

static void test_domino_end_of_infusion(void **state) {
  (void)state;
  fs_pk_dose d = infusion(0, 0.5 * 70, 40);
  fs_pk_course *c = make(&fs_pk_domino, 70, &d, 1);
  fs_assert_close(fs_pk_course_plasma(c, 40 * MIN) / NG_ML, 240, 0, 1.0);
  fs_assert_close(fs_pk_course_plasma(c, 120 * MIN) / NG_ML, 36, 0, 0.6);
  fs_pk_course_free(c);
}

static void test_half_lives(void **state) {
  (void)state;
  fs_pk_params p;
  double hl[3];
  size_t n = 0;
  fs_error err = {0};
  fs_pk_model_defaults(&fs_pk_clements, &p);
  assert_int_equal(fs_pk_half_lives(&p, hl, &n, &err), FS_OK);
  assert_int_equal(n, 2);
  print_message("clements half-lives %.2f min, %.1f min\n", hl[0] / MIN, hl[1] / MIN);
  fs_assert_close(hl[0] / MIN, 17.6, 0.005, 0);
  fs_assert_close(hl[1] / MIN, 183, 0.005, 0);
  fs_pk_model_defaults(&fs_pk_domino, &p);
  assert_int_equal(fs_pk_half_lives(&p, hl, &n, &err), FS_OK);
  assert_int_equal(n, 3);
  fs_assert_close(hl[0] / MIN, 0.40, 0.02, 0);
  fs_assert_close(hl[1] / MIN, 4.6, 0.01, 0);
  fs_assert_close(hl[2] / MIN, 115, 0.005, 0);
  fs_pk_model_defaults(&fs_pk_rodent_1c, &p);
  assert_int_equal(fs_pk_half_lives(&p, hl, &n, &err), FS_OK);
  assert_int_equal(n, 1);
  fs_assert_close(hl[0] / MIN, 15, 1e-12, 0);
}

/* Three compartments at the edges of the cubic: a compartment that never returns drug (k21 = 0:
 * one exponent 0, its half-life infinite) and rates whose exponents coincide. */
static void test_half_lives_at_the_edges(void **state) {
  (void)state;
  fs_pk_params p;
  double hl[3];
  size_t n = 0;
  fs_error err = {0};
  fs_pk_model_defaults(&fs_pk_domino, &p);
  p.k10 = p.k12 = p.k13 = p.k31 = 1.0;
  p.k21 = 0.0; /* mu^3 - 4 mu^2 + 2 mu: roots 0 and 2 -+ sqrt(2) */
  assert_int_equal(fs_pk_half_lives(&p, hl, &n, &err), FS_OK);
  assert_int_equal(n, 3);
  fs_assert_close(hl[0], log(2.0) / (2.0 + sqrt(2.0)), 1e-14, 0);
  fs_assert_close(hl[1], log(2.0) / (2.0 - sqrt(2.0)), 1e-14, 0);
  assert_true(isinf(hl[2]));
  /* k12 = 0 leaves compartment 2 on its own: mu^3 - 6 mu^2 + 9 mu - 4 = (mu - 1)^2 (mu - 4) */
  p.k10 = 4.0 / 3.0;
  p.k12 = 0.0;
  p.k13 = 2.0 / 3.0;
  p.k21 = 1.0;
  p.k31 = 3.0;
  assert_int_equal(fs_pk_half_lives(&p, hl, &n, &err), FS_OK);
  fs_assert_close(hl[0], log(2.0) / 4.0, 1e-12, 0);
  fs_assert_close(hl[1], log(2.0), 1e-7, 0); /* a double root: to about sqrt(eps) */
  fs_assert_close(hl[2], log(2.0), 1e-7, 0);
}

/* The analytic two-compartment bolus solution, far from the dose: no drift. */
static void test_bolus_analytic(void **state) {
  (void)state;
  fs_pk_params p;
  fs_pk_model_defaults(&fs_pk_clements, &p);
  double s = p.k10 + p.k12 + p.k21, q = sqrt(s * s - 4 * p.k10 * p.k21);
  double al = 0.5 * (s + q), be = 0.5 * (s - q);
  fs_pk_dose d = {FS_ROUTE_IV_BOLUS, 1 * HOUR, 35 * MG, 0};
  fs_pk_course *c = make(&fs_pk_clements, 70, &d, 1);
  double c0 = 35 * MG / (p.v1 * 70);
  const double t[] = {1 * MIN, 30 * MIN, 5 * HOUR, 24 * HOUR, 72 * HOUR};
  for (size_t i = 0; i < 5; i++) {
    double ref = c0 * ((al - p.k21) / (al - be) * exp(-al * t[i]) +
                       (p.k21 - be) / (al - be) * exp(-be * t[i]));
    fs_assert_close(fs_pk_course_plasma(c, 1 * HOUR + t[i]), ref, 1e-10, 0);
  }
  assert_true(fs_pk_course_plasma(c, 1 * HOUR - 1e-9) == 0.0);
  fs_pk_course_free(c);
}

static void test_superposition(void **state) {
  (void)state;
  fs_pk_dose both[2] = {infusion(0, 35, 40), {FS_ROUTE_INTRANASAL, 3 * HOUR, 56 * MG, 0}};
  fs_pk_course *ab = make(&fs_pk_clements, 70, both, 2);
  fs_pk_course *a = make(&fs_pk_clements, 70, &both[0], 1);
  fs_pk_course *b = make(&fs_pk_clements, 70, &both[1], 1);
  const double t[] = {10 * MIN, 40 * MIN, 3 * HOUR, 3.2 * HOUR, 4 * HOUR, 8 * HOUR};
  for (size_t i = 0; i < 6; i++) {
    double pab, eab, pa, ea, pb, eb;
    fs_pk_course_conc(ab, t[i], &pab, &eab);
    fs_pk_course_conc(a, t[i], &pa, &ea);
    fs_pk_course_conc(b, t[i], &pb, &eb);
    fs_assert_close(pab, pa + pb, 1e-12, 0);
    fs_assert_close(eab, ea + eb, 1e-12, 0);
  }
  fs_pk_course_free(ab);
  fs_pk_course_free(a);
  fs_pk_course_free(b);
}

static void test_no_carry_over(void **state) {
  (void)state;
  fs_pk_dose d[2] = {infusion(0, 35, 40), infusion(48 * HOUR, 35, 40)};
  fs_pk_course *c = make(&fs_pk_clements, 70, d, 2);
  double peak1 = fs_pk_course_plasma(c, 40 * MIN);
  double trough = fs_pk_course_plasma(c, 48 * HOUR);
  double peak2 = fs_pk_course_plasma(c, 48 * HOUR + 40 * MIN);
  print_message("48 h after one infusion: %.3g of the peak\n", trough / peak1);
  assert_true(trough < 1e-4 * peak1);
  fs_assert_close(peak2, peak1, 1e-4, 0);
  fs_pk_course_free(c);
}

/* The right-hand side of the 7-state system of pk.h, with an infusion rate into a1. */
static void rhs(const fs_pk_params *p, double rate, const double *x, double *dx) {
  dx[0] = -p->ka_in * x[0];
  dx[1] = -p->ka_ip * x[1];
  dx[2] = -p->ka_sc * x[2];
  dx[3] = rate + p->ka_in * x[0] + p->ka_ip * x[1] + p->ka_sc * x[2] -
          (p->k10 + p->k12 + p->k13) * x[3] + p->k21 * x[4] + p->k31 * x[5];
  dx[4] = p->k12 * x[3] - p->k21 * x[4];
  dx[5] = p->k13 * x[3] - p->k31 * x[5];
  dx[6] = p->ke0 * (x[3] - x[6]);
}

static void rk4_step(const fs_pk_params *p, double rate, double *x, double h) {
  double k1[7], k2[7], k3[7], k4[7], y[7];
  rhs(p, rate, x, k1);
  for (int i = 0; i < 7; i++)
    y[i] = x[i] + 0.5 * h * k1[i];
  rhs(p, rate, y, k2);
  for (int i = 0; i < 7; i++)
    y[i] = x[i] + 0.5 * h * k2[i];
  rhs(p, rate, y, k3);
  for (int i = 0; i < 7; i++)
    y[i] = x[i] + h * k3[i];
  rhs(p, rate, y, k4);
  for (int i = 0; i < 7; i++)
    x[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}

/* Domino (the stiffest row) with an infusion and an intranasal dose, against RK4, dt 0.1 s. */
static void test_against_rk4(void **state) {
  (void)state;
  fs_pk_params p;
  fs_pk_model_defaults(&fs_pk_domino, &p);
  fs_pk_dose d[2] = {infusion(0, 35, 40), {FS_ROUTE_INTRANASAL, 70 * MIN, 56 * MG, 0}};
  fs_pk_course *c = NULL;
  fs_error err = {0};
  assert_int_equal(fs_pk_course_create(&p, 70, d, 2, &c, &err), FS_OK);
  double x[7] = {0}, h = 0.1, rate = 35 * MG / (40 * MIN);
  long steps_per_min = 600;
  for (long m = 0; m < 180; m++) {
    if (m == 40) rate = 0;
    if (m == 70) x[0] += p.f_in * 56 * MG;
    for (long k = 0; k < steps_per_min; k++)
      rk4_step(&p, rate, x, h);
    if ((m + 1) % 20 == 0) {
      double s[FS_PK_NSTATE];
      fs_pk_course_state(c, (double)(m + 1) * MIN, s);
      for (int i = 0; i < 7; i++)
        fs_assert_close(s[i], x[i], 1e-9, 1e-18);
    }
  }
  fs_pk_course_free(c);
}

/* A coarse and a fine query grid give the same values at shared times. */
static void test_coarse_fine(void **state) {
  (void)state;
  fs_pk_dose d[3] = {infusion(9 * HOUR, 35, 40), infusion(57 * HOUR, 35, 40),
                     infusion(105 * HOUR, 35, 40)};
  fs_pk_course *c = make(&fs_pk_clements, 70, d, 3);
  double fine[121];
  for (long k = 0; k <= 120 * 600; k++) { /* every 6 s */
    double t = (double)k * 6.0, v = fs_pk_course_effect(c, t);
    if (k % 600 == 0) fine[k / 600] = v;
  }
  for (long h = 0; h <= 120; h++)
    fs_assert_close(fs_pk_course_effect(c, (double)h * HOUR), fine[h], 0, 0);
  fs_pk_course_free(c);
}

/* AUC(intranasal)/AUC(IV bolus) = F for a linear model. */
static void test_bioavailability(void **state) {
  (void)state;
  fs_pk_dose in = {FS_ROUTE_INTRANASAL, 0, 56 * MG, 0}, iv = {FS_ROUTE_IV_BOLUS, 0, 56 * MG, 0};
  fs_pk_course *a = make(&fs_pk_clements, 70, &in, 1), *b = make(&fs_pk_clements, 70, &iv, 1);
  double auc_in = 0, auc_iv = 0, h = 30.0;
  for (long k = 0; k < 4 * 24 * 120; k++) {
    double t = (double)k * h;
    auc_in += 0.5 * h * (fs_pk_course_plasma(a, t) + fs_pk_course_plasma(a, t + h));
    auc_iv += 0.5 * h * (fs_pk_course_plasma(b, t) + fs_pk_course_plasma(b, t + h));
  }
  fs_assert_close(auc_in / auc_iv, 0.5, 2e-3, 0);
  double cmax = 0, tmax = 0;
  for (long k = 0; k <= 120; k++) {
    double v = fs_pk_course_plasma(a, (double)k * MIN);
    if (v > cmax) {
      cmax = v;
      tmax = (double)k;
    }
  }
  print_message("esketamine 56 mg intranasal: C_max %.0f ng/mL at %.0f min\n", cmax / NG_ML, tmax);
  fs_pk_course_free(a);
  fs_pk_course_free(b);
}

static void test_rodent_ip(void **state) {
  (void)state;
  fs_pk_dose d = {FS_ROUTE_INTRAPERITONEAL, 0, 10 * 0.3 * MG, 0};
  fs_pk_course *c = make(&fs_pk_rodent_1c, 0.3, &d, 1);
  double cmax = 0, tmax = 0;
  for (long k = 0; k <= 600; k++) {
    double v = fs_pk_course_plasma(c, (double)k * 6.0);
    if (v > cmax) {
      cmax = v;
      tmax = (double)k * 6.0;
    }
  }
  assert_true(tmax >= 5 * MIN && tmax <= 10 * MIN);
  fs_pk_course_free(c);
}

static void test_bad_doses(void **state) {
  (void)state;
  fs_pk_params p;
  fs_pk_model_defaults(&fs_pk_clements, &p);
  fs_pk_course *c = (fs_pk_course *)&p; /* must be reset to NULL */
  fs_error err = {0};
  fs_pk_dose zero = {FS_ROUTE_IV_BOLUS, 0, 0, 0};
  assert_int_equal(fs_pk_course_create(&p, 70, &zero, 1, &c, &err), FS_ERR_INPUT);
  assert_null(c);
  fs_assert_msg(err, "dose 0: the amount must be > 0");
  fs_pk_dose ip = {FS_ROUTE_INTRAPERITONEAL, 0, 1 * MG, 0};
  assert_int_equal(fs_pk_course_create(&p, 70, &ip, 1, &c, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "dose 0: the PK model has no absorption for route \"intraperitoneal\" (its "
                     "ka or F is 0)");
  fs_pk_dose inf = {FS_ROUTE_IV_INFUSION, 0, 1 * MG, 0};
  assert_int_equal(fs_pk_course_create(&p, 70, &inf, 1, &c, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "dose 0: an infusion needs a duration > 0");
  fs_pk_dose loc = {FS_ROUTE_LOCAL, 0, 1 * MG, 0};
  assert_int_equal(fs_pk_course_create(&p, 70, &loc, 1, &c, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "dose 0: route \"local\" is not a PK route");
  assert_int_equal(fs_pk_course_create(&p, 0, &zero, 0, &c, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "the body weight must be > 0");
  /* an empty course is valid and stays 0 */
  assert_int_equal(fs_pk_course_create(&p, 70, NULL, 0, &c, &err), FS_OK);
  assert_true(fs_pk_course_plasma(c, 1e6) == 0.0);
  fs_pk_course_free(c);
  fs_pk_course_free(NULL);
}

static void test_output_units(void **state) {
  (void)state;
  double ng, um;
  fs_pk_conc_to_output(185 * NG_ML, 0.2377, &ng, &um);
  fs_assert_close(ng, 185, 1e-12, 0);
  fs_assert_close(um, 0.778, 1e-3, 0); /* 1 ng/mL = 4.207 nM, docs/model.md §S3.1 */
}

static void test_expm(void **state) {
  (void)state;
  double a[4] = {-1, 0, 1, -2}, e[4];
  fs_pk_expm(a, 2, 3.0, e);
  fs_assert_close(e[0], exp(-3.0), 1e-13, 0);
  fs_assert_close(e[3], exp(-6.0), 1e-13, 0);
  fs_assert_close(e[2], exp(-3.0) - exp(-6.0), 1e-13, 0);
  assert_true(e[1] == 0.0);
}

static void test_registry(void **state) {
  (void)state;
  fs_error err = {0};
  for (size_t i = 0; i < fs_pk_model_count(); i++) {
    const fs_pk_model *m = fs_pk_model_at(i);
    assert_ptr_equal(fs_pk_model_find(m->name, &err), m);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(m->name, fs_pk_model_at(j)->name);
    if (m->n_params > 0)
      assert_int_equal(fs_params_validate_table(m->params, m->n_params, sizeof(fs_pk_params), &err),
                       FS_OK);
  }
  assert_null(fs_pk_model_at(fs_pk_model_count()));
  assert_null(fs_pk_model_find("clement", &err));
  fs_assert_msg(err, "unknown PK model \"clement\" (did you mean \"clements\"?)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_end_of_infusion), cmocka_unit_test(test_domino_end_of_infusion),
      cmocka_unit_test(test_half_lives),      cmocka_unit_test(test_half_lives_at_the_edges),
      cmocka_unit_test(test_bolus_analytic),  cmocka_unit_test(test_superposition),
      cmocka_unit_test(test_no_carry_over),   cmocka_unit_test(test_against_rk4),
      cmocka_unit_test(test_coarse_fine),     cmocka_unit_test(test_bioavailability),
      cmocka_unit_test(test_rodent_ip),       cmocka_unit_test(test_bad_doses),
      cmocka_unit_test(test_output_units),    cmocka_unit_test(test_expm),
      cmocka_unit_test(test_registry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
