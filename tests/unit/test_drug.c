/* test_drug.c - the per-synapse block (docs/model.md §8 rows 2–4: use dependence, trapping,
 * voltage dependence), its closed form against a fine integration with an explicit o(t),
 * the competitive and glycine-site factors, the enantiomers' potencies, and the registry. */
#include "fs_test.h"

#include <fearsim/drug.h>
#include <fearsim/nmda.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define UM 1e-3 /* mol/m^3 */
#define MV 1e-3 /* V */

static const fs_drug *drug(const char *name) {
  const fs_drug *d = fs_drug_find(name, NULL);
  assert_non_null(d);
  return d;
}

static fs_block_coeffs coeffs(const fs_drug *d) {
  fs_drug_params p;
  fs_block_coeffs c;
  fs_error err = {0};
  fs_drug_defaults(d, &p);
  assert_int_equal(fs_drug_block_init(d, &p, 1.0, &c, &err), FS_OK);
  return c;
}

/* Block grows with open time at a fixed concentration, not with closed time. */
static void test_use_dependence(void **state) {
  (void)state;
  fs_block_coeffs c = coeffs(drug("ketamine"));
  double conc = 0.78 * UM, v = -60 * MV, b = 0.0;
  b = fs_drug_block_advance(&c, b, 0.0, 3600.0, conc, v); /* an hour at rest, channels closed */
  assert_true(b == 0.0);
  double prev = 0.0;
  for (int k = 0; k < 50; k++) { /* 50 activations, 10 ms of open time each */
    b = fs_drug_block_advance(&c, b, 0.01, 0.99, conc, v);
    assert_true(b > prev);
    prev = b;
  }
  double b_inf = fs_drug_block_steady(&c, conc, v);
  fs_assert_close(b, b_inf * (1 - exp(-(100 * conc + 0.2) * 0.5)), 1e-12, 0);
  double kept = fs_drug_block_advance(&c, b, 0.0, 60.0, conc, v); /* closed: no change */
  assert_true(kept == b);
}

/* After washout (C = 0) the block stays while channels are closed and decays only with
 * open time; MK-801 unblocks far slower than ketamine. */
static void test_trapping(void **state) {
  (void)state;
  fs_block_coeffs ket = coeffs(drug("ketamine")), mk = coeffs(drug("mk801"));
  double v = -60 * MV, b0 = 0.4;
  assert_true(fs_drug_block_advance(&ket, b0, 0.0, 86400.0, 0.0, v) == b0);
  assert_true(fs_drug_block_advance(&mk, b0, 0.0, 86400.0, 0.0, v) == b0);
  double bk = fs_drug_block_advance(&ket, b0, 5.0, 0.0, 0.0, v);
  double bm = fs_drug_block_advance(&mk, b0, 5.0, 0.0, 0.0, v);
  fs_assert_close(bk, b0 * exp(-0.2 * 5.0), 1e-14, 0);
  fs_assert_close(bm, b0 * exp(-0.003 * 5.0), 1e-14, 0);
  assert_true(bm > 0.98 * b0 && bk < 0.4 * b0);
  /* a partial trapper (memantine) does leave closed channels */
  fs_block_coeffs mem = coeffs(drug("memantine"));
  double bmem = fs_drug_block_advance(&mem, b0, 0.0, 10.0, 0.0, v);
  fs_assert_close(bmem, b0 * exp(-0.3 * 0.5 * 10.0), 1e-14, 0);
}

static void test_voltage_dependence(void **state) {
  (void)state;
  fs_block_coeffs c = coeffs(drug("ketamine"));
  double conc = 1 * UM;
  double b20 = fs_drug_block_steady(&c, conc, -20 * MV),
         b80 = fs_drug_block_steady(&c, conc, -80 * MV);
  print_message("ketamine 1 uM steady block: %.3f at -80 mV, %.3f at -20 mV\n", b80, b20);
  assert_true(b20 < b80);
  fs_assert_close(fs_drug_block_k_off(&c, -60 * MV), 0.2, 1e-15, 0);
  /* δ = 0.8, z = 1, T = 310 K: e-fold per 33.4 mV */
  fs_assert_close(fs_drug_block_k_off(&c, -20 * MV) / 0.2,
                  exp(0.8 * 96485.33212 / (8.314462618 * 310.0) * 0.040), 1e-12, 0);
  /* also through the advance: the same open time from zero gives less block at -20 mV */
  assert_true(fs_drug_block_advance(&c, 0, 2.0, 0, conc, -20 * MV) <
              fs_drug_block_advance(&c, 0, 2.0, 0, conc, -80 * MV));
}

/* An open fraction after spikes at given times: a difference of exponentials (rise 2 ms,
 * decay 100 ms), saturating at 1. */
static double open_fraction(double t) {
  static const double spikes[] = {0.010, 0.030, 0.050, 0.200, 0.210, 0.600};
  double o = 0.0;
  for (size_t i = 0; i < 6; i++)
    if (t >= spikes[i]) o += 0.6 * (exp(-(t - spikes[i]) / 0.100) - exp(-(t - spikes[i]) / 0.002));
  return o > 1.0 ? 1.0 : o;
}

/* ∫o dt over [t0, t1] by Simpson's rule with 10 µs panels. */
static double open_time_between(double t0, double t1) {
  long n = (long)llround((t1 - t0) / 1e-5);
  double h = (t1 - t0) / (double)n, u = 0.0;
  for (long k = 0; k < n; k++) {
    double t = t0 + (double)k * h;
    u += h / 6 * (open_fraction(t) + 4 * open_fraction(t + 0.5 * h) + open_fraction(t + h));
  }
  return u;
}

static double dbdt(double b, double o, double on, double off, double leak) {
  return o * (on * (1 - b) - off * b) - (1 - o) * leak * off * b;
}

/* RK4 with dt 10 µs over 1 s; returns b and the open time. */
static double integrate(double b, double on, double off, double leak, double *open_time) {
  double h = 1e-5, u = 0.0;
  for (long k = 0; k < 100000; k++) {
    double t = (double)k * h;
    double o0 = open_fraction(t), o1 = open_fraction(t + 0.5 * h), o2 = open_fraction(t + h);
    double k1 = dbdt(b, o0, on, off, leak), k2 = dbdt(b + 0.5 * h * k1, o1, on, off, leak);
    double k3 = dbdt(b + 0.5 * h * k2, o1, on, off, leak), k4 = dbdt(b + h * k3, o2, on, off, leak);
    b += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    u += h / 6 * (o0 + 4 * o1 + o2);
  }
  *open_time = u;
  return b;
}

static void test_closed_form_vs_integration(void **state) {
  (void)state;
  double conc = 20 * UM, v = -40 * MV; /* large enough for visible change in 1 s */
  fs_block_coeffs c = coeffs(drug("ketamine"));
  double u, off = fs_drug_block_k_off(&c, v);
  double ref = integrate(0.1, c.k_on * conc, off, 0.0, &u);
  double b = fs_drug_block_advance(&c, 0.1, u, 1.0 - u, conc, v);
  print_message("ketamine: open time %.4f s of 1 s, b %.6f (fine %.6f)\n", u, b, ref);
  fs_assert_close(b, ref, 1e-9, 0);
  /* memantine (partial trap), updated at each spike as the engine does: within 2 % */
  fs_block_coeffs m = coeffs(drug("memantine"));
  off = fs_drug_block_k_off(&m, v);
  ref = integrate(0.1, m.k_on * conc, off, m.leak, &u);
  static const double cuts[] = {0, 0.010, 0.030, 0.050, 0.200, 0.210, 0.600, 1.0};
  b = 0.1;
  for (size_t i = 0; i + 1 < sizeof cuts / sizeof cuts[0]; i++) {
    double ui = open_time_between(cuts[i], cuts[i + 1]);
    b = fs_drug_block_advance(&m, b, ui, cuts[i + 1] - cuts[i] - ui, conc, v);
  }
  print_message("memantine: b %.6f (fine %.6f)\n", b, ref);
  fs_assert_close(b, ref, 0.02, 0);
}

static void test_competitive_and_gain(void **state) {
  (void)state;
  fs_drug_params apv, dcs, ket;
  fs_drug_defaults(drug("apv"), &apv);
  fs_drug_defaults(drug("dcycloserine"), &dcs);
  fs_drug_defaults(drug("ketamine"), &ket);
  double c = 50 * UM;
  fs_assert_close(fs_drug_competitive_factor(&apv, c), apv.k_i / (apv.k_i + c), 1e-15, 0);
  assert_true(fs_drug_competitive_factor(&apv, 0.0) == 1.0);
  double g1 = fs_drug_glycine_gain(&dcs, 1 * UM), g2 = fs_drug_glycine_gain(&dcs, 100 * UM);
  assert_true(g1 > 1.0 && g2 > g1 && g2 < dcs.gain_max);
  fs_assert_close(fs_drug_glycine_gain(&dcs, 1.0), dcs.gain_max, 0.01, 0); /* 1 mM: ~saturated */
  assert_true(fs_drug_allosteric_gain(&ket, 1 * UM) == 1.0);               /* off by default */
  ket.allo_max = 0.5;
  fs_assert_close(fs_drug_allosteric_gain(&ket, ket.allo_ic50), 0.75, 1e-15, 0);
  fs_assert_close(fs_nmda_availability(0.2, 0.5, 1.2), 0.48, 1e-15, 0);
}

/* The block of a channel held open until nothing changes. */
static double open_block(const fs_drug *d, double conc, double v) {
  fs_block_coeffs c = coeffs(d);
  return fs_drug_block_advance(&c, 0.0, 1e4, 0.0, conc, v);
}

/* The concentration that blocks half the open channels at v, by bisection in log C. */
static double half_block_conc(const fs_drug *d, double v) {
  double lo = 1e-3 * UM, hi = 1e3 * UM;
  for (int i = 0; i < 200; i++) {
    double mid = sqrt(lo * hi);
    *(open_block(d, mid, v) < 0.5 ? &lo : &hi) = mid;
  }
  return sqrt(lo * hi);
}

/* docs/validation.md target 13: S-ketamine nearly four times as potent as R-ketamine (Sinner et
 * al. 2005), and racemic ketamine the same blocker as half of each competing for the pore: at
 * equilibrium each alone at C/2 occupies x/(1 + x) with x = b/(1 - b), together
 * (x_S + x_R)/(1 + x_S + x_R), which must be the racemate's block at C. */
static void test_enantiomer_potency(void **state) {
  (void)state;
  const fs_drug *s = drug("esketamine"), *r = drug("arketamine"), *rac = drug("ketamine");
  const double volts[] = {-80 * MV, -60 * MV, -20 * MV}, concs[] = {0.1 * UM, 1 * UM, 10 * UM};
  double k_s = half_block_conc(s, -60 * MV), k_r = half_block_conc(r, -60 * MV);
  double k_rac = half_block_conc(rac, -60 * MV);
  print_message("half block, open, -60 mV: S %.3f, racemic %.3f, R %.3f uM; R/S %.2f\n", k_s / UM,
                k_rac / UM, k_r / UM, k_r / k_s);
  assert_true(k_r / k_s >= 3.0 && k_r / k_s <= 4.5);
  assert_true(k_s < k_rac && k_rac < k_r);
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 3; j++) {
      double bs = open_block(s, concs[j] / 2, volts[i]), br = open_block(r, concs[j] / 2, volts[i]);
      double xs = bs / (1.0 - bs), xr = br / (1.0 - br);
      fs_assert_close(open_block(rac, concs[j], volts[i]), (xs + xr) / (1.0 + xs + xr), 1e-9, 0);
    }
}

static void test_registry(void **state) {
  (void)state;
  fs_error err = {0};
  size_t n_blockers = 0;
  for (size_t i = 0; i < fs_drug_count(); i++) {
    const fs_drug *d = fs_drug_at(i);
    assert_ptr_equal(fs_drug_find(d->name, &err), d);
    assert_true(d->molar_mass > 0.01 && d->molar_mass < 1.0);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(d->name, fs_drug_at(j)->name);
    if (d->n_params > 0)
      assert_int_equal(
          fs_params_validate_table(d->params, d->n_params, sizeof(fs_drug_params), &err), FS_OK);
    assert_int_equal(fs_drug_check(d, &err), FS_OK);
    n_blockers += d->mechanism->blocks_channel;
  }
  assert_int_equal(n_blockers, 5);
  assert_null(fs_drug_find("ketamin", &err));
  fs_assert_msg(err, "unknown drug \"ketamin\" (did you mean \"ketamine\"?)");
  fs_drug_params p;
  fs_block_coeffs c;
  fs_drug_defaults(drug("apv"), &p);
  assert_int_equal(fs_drug_block_init(drug("apv"), &p, 1.0, &c, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "apv is not an open-channel blocker");
  fs_drug_block_none(&c);
  assert_true(fs_drug_block_advance(&c, 0.0, 1.0, 1.0, 1.0, 0.0) == 0.0);
}

/* Mechanisms are rows with unique names; a drug whose mechanism is not one of them is an
 * error, never treated as some default mechanism. */
static void test_mechanism_registry(void **state) {
  (void)state;
  fs_error err = {0};
  size_t n = fs_drug_mechanism_count();
  assert_true(n >= 4);
  assert_null(fs_drug_mechanism_at(n));
  for (size_t i = 0; i < n; i++) {
    const fs_drug_mechanism *m = fs_drug_mechanism_at(i);
    assert_ptr_equal(fs_drug_mechanism_find(m->name, &err), m);
    assert_non_null(m->description);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(m->name, fs_drug_mechanism_at(j)->name);
  }
  assert_null(fs_drug_mechanism_find("open_chanel", &err));
  fs_assert_msg(err, "unknown drug mechanism \"open_chanel\" (did you mean \"open_channel\"?)");
  const fs_drug_mechanism stray = {.name = "stray", .description = "not registered"};
  const fs_drug bad = {.name = "bad", .molar_mass = 0.1, .mechanism = &stray};
  assert_int_equal(fs_drug_check(&bad, &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "drug bad has no registered mechanism");
  const fs_drug orphan = {.name = "orphan", .molar_mass = 0.1, .mechanism = NULL};
  assert_int_equal(fs_drug_check(&orphan, &err), FS_ERR_INTERNAL);
  fs_assert_msg(err, "drug orphan has no registered mechanism");
}

/* Each mechanism's hook moves only its own field of the NMDA modulation. */
static void test_mechanism_effects(void **state) {
  (void)state;
  double c = 20 * UM;
  fs_drug_params ket, apv, dcs;
  fs_drug_defaults(drug("ketamine"), &ket);
  ket.allo_max = 0.5;
  fs_drug_defaults(drug("apv"), &apv);
  fs_drug_defaults(drug("dcycloserine"), &dcs);
  fs_nmda_mod m = FS_NMDA_MOD_NONE;
  assert_true(m.blocker_conc == 0.0 && m.antagonist == 1.0 && m.gain == 1.0 && m.allosteric == 1.0);
  drug("ketamine")->mechanism->nmda_effect(&ket, c, &m);
  assert_true(m.blocker_conc == c && m.allosteric == fs_drug_allosteric_gain(&ket, c));
  assert_true(m.antagonist == 1.0 && m.gain == 1.0);
  drug("apv")->mechanism->nmda_effect(&apv, c, &m);
  assert_true(m.antagonist == fs_drug_competitive_factor(&apv, c) && m.gain == 1.0);
  drug("dcycloserine")->mechanism->nmda_effect(&dcs, c, &m);
  assert_true(m.gain == fs_drug_glycine_gain(&dcs, c) && m.blocker_conc == c);
  assert_null(drug("saline")->mechanism->nmda_effect);
  assert_null(drug("midazolam")->mechanism->nmda_effect);
}

/* Selectivity multiplies k_on: interneuron block exceeds principal-cell block. */
static void test_selectivity(void **state) {
  (void)state;
  fs_drug_params p;
  fs_block_coeffs c1, c3;
  fs_error err = {0};
  fs_drug_defaults(drug("ketamine"), &p);
  assert_int_equal(fs_drug_block_init(drug("ketamine"), &p, 1.0, &c1, &err), FS_OK);
  assert_int_equal(fs_drug_block_init(drug("ketamine"), &p, 3.0, &c3, &err), FS_OK);
  assert_true(fs_drug_block_steady(&c3, 1 * UM, -60 * MV) >
              fs_drug_block_steady(&c1, 1 * UM, -60 * MV));
}

/* The NMDA agent with its kinetics' decay table gives the bits it gives without one: arrivals
 * of a ketamine-blocked synapse at gaps inside and past the table (0 to 1.5 times its length),
 * the gating read before, at and after the last arrival, and the table of another step size
 * ignored. */
static void test_nmda_table_same_bits(void **state) {
  (void)state;
  const double dt = 1e-4;
  fs_nmda_kinetics plain = fs_nmda_kinetics_make(2e-3, 100e-3, 0.5), tabled = plain;
  fs_nmda_table *table = malloc(sizeof *table);
  assert_non_null(table);
  fs_nmda_table_fill(&plain, dt, table);
  tabled.table = table;
  fs_block_coeffs c = coeffs(drug("ketamine"));
  fs_nmda_agent a = {0.0, 0.0, 0.0, 0.0, 0}, b = a;
  int64_t now = 0;
  for (int64_t gap = 0; gap < FS_NMDA_TABLE * 3 / 2; gap += 7) {
    now += gap;
    double v = -70 * MV + 40 * MV * (double)(gap % 5) / 4.0;
    double ba = fs_nmda_agent_arrive(&a, &plain, &c, now, dt, 2 * UM, v, 1.0);
    double bb = fs_nmda_agent_arrive(&b, &tabled, &c, now, dt, 2 * UM, v, 1.0);
    assert_memory_equal(&ba, &bb, sizeof ba);
    assert_memory_equal(&a, &b, sizeof a);
    for (int64_t at = now - 3; at < now + FS_NMDA_TABLE + 3; at += 101) {
      double ga = fs_nmda_agent_gating(&a, &plain, at, dt);
      double gb = fs_nmda_agent_gating(&b, &tabled, at, dt);
      assert_memory_equal(&ga, &gb, sizeof ga);
    }
  }
  assert_true(a.block > 0.0);
  fs_nmda_agent_bind(&a, &plain, now + 40, dt);
  fs_nmda_agent_bind(&b, &tabled, now + 40, dt);
  assert_memory_equal(&a, &b, sizeof a);
  /* the table is read: an entry changed changes the arrival that uses it */
  fs_nmda_agent c0 = b, c1 = b;
  double saved = table->em_rise[7];
  table->em_rise[7] = 0.5 * saved;
  fs_nmda_agent_bind(&c0, &plain, now + 47, dt);
  fs_nmda_agent_bind(&c1, &tabled, now + 47, dt);
  assert_true(c0.x_rise != c1.x_rise);
  table->em_rise[7] = saved;
  /* built for another step: not used (the results would differ if it were) */
  fs_nmda_table_fill(&plain, 2 * dt, table);
  double ga = fs_nmda_agent_gating(&a, &plain, now + 100, dt);
  double gb = fs_nmda_agent_gating(&b, &tabled, now + 100, dt);
  assert_memory_equal(&ga, &gb, sizeof ga);
  free(table);
}

/* Before a dose (nothing bound, no blocker in the interval) the block stays +0: the shortcut
 * gives what the open-time update and the closed-channel leak, written out here, give, for a
 * full trapper (ketamine) and a partial one (memantine), with and without closed time. */
static void test_block_before_a_dose(void **state) {
  (void)state;
  const char *names[] = {"ketamine", "memantine"};
  const double closed[] = {0.0, 0.05};
  for (size_t d = 0; d < 2; d++) {
    fs_block_coeffs c = coeffs(drug(names[d]));
    assert_true(c.k_on > 0);
    for (size_t i = 0; i < 2; i++) {
      double v = -70 * MV, open = 0.002, off = fs_drug_block_k_off(&c, v), b = 0.0;
      double b_inf = 0.0 / (0.0 + off); /* on = k_on * 0 */
      double want = b_inf + (b - b_inf) * exp(-(0.0 + off) * open);
      if (c.leak > 0.0 && closed[i] > 0) want *= exp(-c.leak * off * closed[i]);
      double got = fs_drug_block_advance(&c, 0.0, open, closed[i], 0.0, v);
      assert_memory_equal(&got, &want, sizeof got);
      assert_false(signbit(got));
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_use_dependence),
      cmocka_unit_test(test_trapping),
      cmocka_unit_test(test_voltage_dependence),
      cmocka_unit_test(test_closed_form_vs_integration),
      cmocka_unit_test(test_competitive_and_gain),
      cmocka_unit_test(test_mechanism_registry),
      cmocka_unit_test(test_mechanism_effects),
      cmocka_unit_test(test_enantiomer_potency),
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_selectivity),
      cmocka_unit_test(test_nmda_table_same_bits),
      cmocka_unit_test(test_block_before_a_dose),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
