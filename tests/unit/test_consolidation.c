/* test_consolidation.c - the late phase's closed-form steps (consolidation.h) against their
 * equations integrated with a fine step: PRP and its integral, capture, BDNF; the switches of
 * BDNF production, the PRP threshold and synthesis under BDNF and mTORC1 block, the knock-out
 * under each mode of BDNF's action, spine turnover; and the decaying early phase of preset stc
 * (gb.h, kappa > 0). */
#include "fs_test.h"

#include <fearsim/consolidation.h>
#include <fearsim/gb.h>

/* Fine steps for the references: 2e5 RK4 steps leave a rounding error near 1e-12. */
#define N_FINE 200000

static fs_late_params late_defaults(void) {
  fs_late_params lp;
  fs_params_set_defaults(fs_late_param_specs, fs_late_n_param_specs, &lp);
  return lp;
}

static fs_bdnf_params bdnf_defaults(void) {
  fs_bdnf_params bp;
  fs_params_set_defaults(fs_bdnf_param_specs, fs_bdnf_n_param_specs, &bp);
  fs_consolidation_bdnf_defaults(&bp);
  return bp;
}

static fs_spine_params spine_defaults(void) {
  fs_spine_params sp;
  fs_params_set_defaults(fs_spine_param_specs, fs_spine_n_param_specs, &sp);
  return sp;
}

static void test_tables_and_defaults(void **state) {
  (void)state;
  fs_error err = {0};
  assert_int_equal(fs_params_validate_table(fs_late_param_specs, fs_late_n_param_specs,
                                            sizeof(fs_late_params), &err),
                   FS_OK);
  assert_int_equal(fs_params_validate_table(fs_bdnf_param_specs, fs_bdnf_n_param_specs,
                                            sizeof(fs_bdnf_params), &err),
                   FS_OK);
  assert_int_equal(fs_params_validate_table(fs_spine_param_specs, fs_spine_n_param_specs,
                                            sizeof(fs_spine_params), &err),
                   FS_OK);
  fs_late_params lp = late_defaults();
  fs_consolidation_late_defaults(&lp);
  assert_int_equal(lp.trigger, FS_PRP_TRIGGER_PATHWAY);
  fs_assert_close(lp.theta_tag, 0.2, 0.0, 0.0);
  fs_assert_close(lp.theta_pro, 0.6, 0.0, 0.0);
  fs_assert_close(lp.tau_p, 3600.0, 0.0, 0.0);
  fs_assert_close(lp.tau_z, 3600.0, 0.0, 0.0);
  fs_bdnf_params bp = bdnf_defaults();
  fs_assert_close(bp.tau, 3.0 * 3600.0, 0.0, 0.0);
  assert_true(bp.activity && bp.eef2 && bp.lowers_theta_pro && !bp.raises_synthesis);
  fs_spine_params sp = spine_defaults();
  fs_assert_close(sp.formation, 3.0 / 86400.0, 1e-15, 0.0);
  fs_assert_close(sp.tau_elimination, 7.0 * 86400.0, 0.0, 0.0);
  fs_assert_close(sp.z_new, -0.5, 0.0, 0.0);
}

/* The trigger signal of a neuron with a strong pathway (100 synapses, sum of |e| 100) and a
 * silent one of the same size: the pathway rule takes the strong pathway's mean whichever comes
 * first, the neuron rule halves it; a pathway without a synapse alive adds nothing. */
static void test_trigger_signal(void **state) {
  (void)state;
  const fs_prp_trigger rules[] = {FS_PRP_TRIGGER_PATHWAY, FS_PRP_TRIGGER_NEURON};
  const double want[] = {1.0, 0.5};
  for (int r = 0; r < 2; r++) {
    double a = fs_consolidation_trigger_fold(rules[r], 0.0, 100.0, 100);
    a = fs_consolidation_trigger_fold(rules[r], a, 0.0, 100);
    a = fs_consolidation_trigger_fold(rules[r], a, 0.0, 0);
    double b = fs_consolidation_trigger_fold(rules[r], 0.0, 0.0, 100);
    b = fs_consolidation_trigger_fold(rules[r], b, 100.0, 100);
    fs_assert_close(fs_consolidation_trigger_signal(rules[r], a, 200), want[r], 1e-15, 0.0);
    fs_assert_close(fs_consolidation_trigger_signal(rules[r], b, 200), want[r], 1e-15, 0.0);
    fs_assert_close(fs_consolidation_trigger_signal(rules[r], 0.0, 0), 0.0, 0.0, 0.0);
  }
  /* with one pathway per neuron the two rules agree */
  double p = fs_consolidation_trigger_fold(FS_PRP_TRIGGER_PATHWAY, 0.0, 37.5, 75);
  double n = fs_consolidation_trigger_fold(FS_PRP_TRIGGER_NEURON, 0.0, 37.5, 75);
  fs_assert_close(fs_consolidation_trigger_signal(FS_PRP_TRIGGER_PATHWAY, p, 75),
                  fs_consolidation_trigger_signal(FS_PRP_TRIGGER_NEURON, n, 75), 0.0, 0.0);
}

/* tau_p dp/dt = target - p and dI/dt = p by RK4: p and its integral after h. */
static double prp_rk4(double p, double target, double tau_p, double h, double *integral) {
  double dt = h / N_FINE, sum = 0.0;
  for (int i = 0; i < N_FINE; i++) {
    double k1 = (target - p) / tau_p, k2 = (target - (p + dt / 2 * k1)) / tau_p;
    double k3 = (target - (p + dt / 2 * k2)) / tau_p, k4 = (target - (p + dt * k3)) / tau_p;
    /* the integral of the RK4 polynomial over the step (Simpson on the stages) */
    sum += dt / 6 * (p + 2 * (p + dt / 2 * k1) + 2 * (p + dt / 2 * k2) + (p + dt * k3));
    p += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  *integral = sum;
  return p;
}

static void test_prp_step(void **state) {
  (void)state;
  const double starts[] = {0.0, 0.3, 1.2}, steps[] = {60.0, 600.0, 7200.0};
  const double alpha = 1.0, tau_p = 3600.0;
  for (int on = 0; on < 2; on++)
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) {
        double p0 = starts[a], h = steps[b], target = on ? alpha : 0.0, got_int = 0, ref_int = 0;
        double got = fs_consolidation_prp_step(p0, on, alpha, tau_p, h, &got_int);
        double ref = prp_rk4(p0, target, tau_p, h, &ref_int);
        fs_assert_close(got, target + (p0 - target) * exp(-h / tau_p), 1e-14, 1e-15);
        fs_assert_close(got, ref, 1e-9, 1e-13);
        fs_assert_close(got_int, ref_int, 1e-6, 1e-9);
      }
  /* synthesis on from 0 for one tau: p = alpha (1 - 1/e), integral = alpha tau / e */
  double integral = 0;
  fs_assert_close(fs_consolidation_prp_step(0.0, 1, 2.0, 100.0, 100.0, &integral),
                  2.0 * (1 - exp(-1.0)), 1e-14, 0.0);
  fs_assert_close(integral, 2.0 * 100.0 * exp(-1.0), 1e-12, 0.0);
  assert_true(fs_consolidation_prp_step(0.5, 0, 1.0, 10.0, 5.0, NULL) <
              0.5); /* a NULL integral is allowed */
}

/* tau_z dz/dt = p(t) (1 - z) for an LTP tag, -p(t) (z + 0.5) for an LTD tag, with
 * p(t) = target + (p0 - target) e^{-t/tau_p}, by RK4. */
static double z_rk4(double z, int tag, double p0, double target, double tau_p, double tau_z,
                    double h) {
  double dt = h / N_FINE;
#define P(t) (target + (p0 - target) * exp(-(t) / tau_p))
#define F(t, x) ((tag > 0 ? P(t) * (1 - (x)) : -P(t) * ((x) + 0.5)) / tau_z)
  for (int i = 0; i < N_FINE; i++) {
    double t = i * dt;
    double k1 = F(t, z), k2 = F(t + dt / 2, z + dt / 2 * k1), k3 = F(t + dt / 2, z + dt / 2 * k2);
    double k4 = F(t + dt, z + dt * k3);
    z += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
#undef F
#undef P
  return z;
}

static void test_capture_against_fine_step(void **state) {
  (void)state;
  const double tau_p = 3600.0, tau_z = 3600.0, zs[] = {-0.5, -0.2, 0.0, 0.4, 0.9};
  const double steps[] = {60.0, 1800.0, 4.0 * 3600.0};
  for (int tag = -1; tag <= 1; tag += 2)
    for (int on = 0; on < 2; on++)
      for (int a = 0; a < 5; a++)
        for (int b = 0; b < 3; b++) {
          double p0 = 0.8, target = on ? 1.0 : 0.0, h = steps[b], integral = 0;
          fs_consolidation_prp_step(p0, on, 1.0, tau_p, h, &integral);
          double got = fs_consolidation_z_step(zs[a], tag, integral, tau_z);
          fs_assert_close(got, z_rk4(zs[a], tag, p0, target, tau_p, tau_z, h), 1e-9, 1e-12);
          assert_true(got >= -0.5 && got <= 1.0);
        }
  /* untagged: z does not move, whatever the PRP */
  for (int a = 0; a < 5; a++)
    assert_true(fs_consolidation_z_step(zs[a], 0, 1e4, tau_z) == zs[a]);
  /* no PRP: nothing is captured (to rounding: 1 - (1 - z)) */
  fs_assert_close(fs_consolidation_z_step(0.3, 1, 0.0, tau_z), 0.3, 1e-15, 0.0);
  fs_assert_close(fs_consolidation_z_step(0.3, -1, 0.0, tau_z), 0.3, 1e-15, 0.0);
  /* the bounds are fixed points */
  assert_true(fs_consolidation_z_step(1.0, 1, 500.0, tau_z) == 1.0);
  assert_true(fs_consolidation_z_step(-0.5, -1, 500.0, tau_z) == -0.5);
}

static void test_tags(void **state) {
  (void)state;
  fs_late_params lp = late_defaults();
  const double rho_0 = 0.4;
  assert_int_equal(fs_consolidation_tag(&lp, rho_0, rho_0), 0);
  assert_int_equal(fs_consolidation_tag(&lp, rho_0 * 1.19, rho_0), 0);
  assert_int_equal(fs_consolidation_tag(&lp, rho_0 * 1.21, rho_0), 1);
  assert_int_equal(fs_consolidation_tag(&lp, rho_0 * 0.81, rho_0), 0);
  assert_int_equal(fs_consolidation_tag(&lp, rho_0 * 0.79, rho_0), -1);
}

/* tau dB/dt = P - B by RK4. */
static double bdnf_rk4(double b, double prod, double tau, double h) {
  double dt = h / N_FINE;
  for (int i = 0; i < N_FINE; i++) {
    double k1 = (prod - b) / tau, k2 = (prod - (b + dt / 2 * k1)) / tau;
    double k3 = (prod - (b + dt / 2 * k2)) / tau, k4 = (prod - (b + dt * k3)) / tau;
    b += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return b;
}

static void test_bdnf(void **state) {
  (void)state;
  fs_bdnf_params bp = bdnf_defaults();
  const double starts[] = {0.0, 1.0, 2.5}, prods[] = {0.0, 1.0, 1.9};
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      for (double h = 60.0; h < 1e5; h *= 12.0)
        fs_assert_close(fs_consolidation_bdnf_step(starts[a], prods[b], bp.tau, h),
                        bdnf_rk4(starts[a], prods[b], bp.tau, h), 1e-10, 1e-13);
  /* production: 1 at rest; + gain * relative excess above rate_ref; + eef2_gain * block */
  fs_assert_close(fs_consolidation_bdnf_production(&bp, 0.0, 0.0, false), 1.0, 0.0, 0.0);
  fs_assert_close(fs_consolidation_bdnf_production(&bp, 5.0, 0.0, false), 1.0, 0.0,
                  0.0); /* below rate_ref */
  fs_assert_close(fs_consolidation_bdnf_production(&bp, 30.0, 0.0, false), 1.0 + 0.5 * 2.0, 1e-15,
                  0.0);
  fs_assert_close(fs_consolidation_bdnf_production(&bp, 0.0, 0.2, false), 1.0 + 3.0 * 0.2, 1e-15,
                  0.0);
  fs_assert_close(fs_consolidation_bdnf_production(&bp, 30.0, 0.2, false), 1.0 + 1.0 + 0.6, 1e-15,
                  0.0);
  /* the knock-out makes none, whatever the drive; each pathway can be switched off */
  assert_true(fs_consolidation_bdnf_production(&bp, 30.0, 0.2, true) == 0.0);
  bp.activity = false;
  fs_assert_close(fs_consolidation_bdnf_production(&bp, 30.0, 0.2, false), 1.6, 1e-15, 0.0);
  bp.eef2 = false;
  fs_assert_close(fs_consolidation_bdnf_production(&bp, 30.0, 0.2, false), 1.0, 0.0, 0.0);
  /* with the knock-out BDNF decays from rest to 0 with tau */
  fs_assert_close(fs_consolidation_bdnf_step(1.0, 0.0, bp.tau, bp.tau), exp(-1.0), 1e-14, 0.0);
}

static void test_bdnf_on_prp(void **state) {
  (void)state;
  fs_late_params lp = late_defaults();
  fs_bdnf_params bp = bdnf_defaults();
  /* at rest (B = 1) the threshold is theta_pro; more BDNF lowers it, less raises it */
  fs_assert_close(fs_consolidation_theta_pro(&lp, &bp, 1.0), lp.theta_pro, 1e-15, 0.0);
  assert_true(fs_consolidation_theta_pro(&lp, &bp, 2.0) < lp.theta_pro);
  fs_assert_close(fs_consolidation_theta_pro(&lp, &bp, 2.0), 0.6 * 1.001 / 2.001, 1e-14, 0.0);
  assert_true(fs_consolidation_theta_pro(&lp, &bp, 0.5) > lp.theta_pro);
  /* no BDNF: finite, but far beyond any mean |rho - rho_0| / rho_0 (at most 1 / rho_0 - 1) */
  double t0 = fs_consolidation_theta_pro(&lp, &bp, 0.0);
  assert_true(isfinite(t0));
  fs_assert_close(t0, 0.6 * 1.001 / 0.001, 1e-12, 0.0);
  assert_true(t0 > 100.0);
  bp.lowers_theta_pro = false;
  assert_true(fs_consolidation_theta_pro(&lp, &bp, 0.0) == lp.theta_pro);
  assert_true(fs_consolidation_theta_pro(&lp, &bp, 3.0) == lp.theta_pro);
  /* synthesis: alpha, or alpha B when BDNF raises it; none under an mTORC1 block */
  assert_true(fs_consolidation_prp_alpha(&lp, &bp, 2.0, false) == lp.alpha);
  assert_true(fs_consolidation_prp_alpha(&lp, &bp, 2.0, true) == 0.0);
  bp.raises_synthesis = true;
  fs_assert_close(fs_consolidation_prp_alpha(&lp, &bp, 2.0, false), 2.0 * lp.alpha, 1e-15, 0.0);
  assert_true(fs_consolidation_prp_alpha(&lp, &bp, 2.0, true) == 0.0);
  /* with alpha 0 the PRP only decays, whatever the trigger */
  double integral = 0;
  fs_assert_close(fs_consolidation_prp_step(0.0, 1, 0.0, lp.tau_p, 600.0, &integral), 0.0, 0.0,
                  0.0);
  assert_true(integral == 0.0);
}

/* The knock-out (B = 0) under each mode of BDNF's action on the late phase: a neuron whose
 * synapses all changed as much as they can (rho at 0 or 1: <|e|> up to 1 / rho_0 - 1) makes no
 * protein when BDNF lowers theta_pro, when it raises synthesis, or both; with neither, BDNF does
 * not act and the protein is made (consolidation.h). At rest (B = 1) every mode gives theta_pro
 * and alpha, so the mode does not change a run whose BDNF stays at rest. */
static void test_knockout_under_each_mode(void **state) {
  (void)state;
  fs_late_params lp = late_defaults();
  fs_bdnf_params bp = bdnf_defaults();
  const double rho_0 = 0.5 * 1645.59 / (1645.59 + 313.0965); /* preset stc */
  const double most = 1.0 / rho_0 - 1.0;                     /* the largest <|e|> / rho_0 */
  const bool lowers[] = {true, false, true, false}, raises[] = {false, true, true, false};
  for (int m = 0; m < 4; m++) {
    bp.lowers_theta_pro = lowers[m];
    bp.raises_synthesis = raises[m];
    for (double mean = 0.0; mean <= most; mean += most / 50.0) {
      double integral = -1.0;
      int on = mean > fs_consolidation_theta_pro(&lp, &bp, 0.0);
      double p = fs_consolidation_prp_step(
          0.0, on, fs_consolidation_prp_alpha(&lp, &bp, 0.0, false), lp.tau_p, 3600.0, &integral);
      if (m < 3) {
        assert_true(p == 0.0 && integral == 0.0);
      } else if (mean > lp.theta_pro) {
        assert_true(p > 0.5 && integral > 0.0);
      }
    }
    fs_assert_close(fs_consolidation_theta_pro(&lp, &bp, 1.0), lp.theta_pro, 1e-15, 0.0);
    assert_true(fs_consolidation_prp_alpha(&lp, &bp, 1.0, false) == lp.alpha);
  }
}

static void test_spines(void **state) {
  (void)state;
  fs_spine_params sp = spine_defaults();
  /* the TrkB-mTORC1 signal: BDNF above rest, none under a block */
  assert_true(fs_consolidation_mtorc1_signal(1.0, false) == 0.0);
  assert_true(fs_consolidation_mtorc1_signal(0.4, false) == 0.0);
  fs_assert_close(fs_consolidation_mtorc1_signal(1.5, false), 0.5, 1e-15, 0.0);
  assert_true(fs_consolidation_mtorc1_signal(1.5, true) == 0.0);
  /* formation: (baseline + formation * signal) n0 h */
  assert_true(fs_consolidation_spine_formation(&sp, 0.0, 40.0, 3600.0) ==
              0.0); /* no baseline by default */
  fs_assert_close(fs_consolidation_spine_formation(&sp, 0.5, 40.0, 86400.0), 3.0 * 0.5 * 40.0,
                  1e-12, 0.0);
  sp.baseline_formation = 1e-6;
  fs_assert_close(fs_consolidation_spine_formation(&sp, 0.5, 40.0, 100.0),
                  (1e-6 + 0.5 * 3.0 / 86400.0) * 40.0 * 100.0, 1e-12, 0.0);
  /* elimination: 1 - exp(-h / tau), and two half steps compose into one step */
  double h = 3600.0, p = fs_consolidation_spine_elimination(&sp, h),
         half = fs_consolidation_spine_elimination(&sp, h / 2);
  fs_assert_close(p, 1.0 - exp(-h / sp.tau_elimination), 1e-12, 0.0);
  fs_assert_close(1.0 - (1.0 - half) * (1.0 - half), p, 1e-12, 0.0);
  fs_assert_close(fs_consolidation_spine_elimination(&sp, sp.tau_elimination), 1.0 - exp(-1.0),
                  1e-14, 0.0);
  assert_true(fs_consolidation_spine_elimination(&sp, 0.0) == 0.0);
}

static fs_gb_params stc(void) {
  fs_gb_params p;
  assert_int_equal(fs_gb_preset("stc", &p, NULL), FS_OK);
  return p;
}

/* tau drho/dt = kappa (rho_0 - rho) by RK4. */
static double decay_rk4(const fs_gb_params *p, double rho, double h) {
  double dt = h / N_FINE;
  for (int i = 0; i < N_FINE; i++) {
#define F(r) (p->kappa * (p->rho_0 - (r)) / p->tau)
    double k1 = F(rho), k2 = F(rho + dt / 2 * k1), k3 = F(rho + dt / 2 * k2), k4 = F(rho + dt * k3);
#undef F
    rho += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return rho;
}

static void test_decaying_drift(void **state) {
  (void)state;
  fs_gb_params p = stc();
  assert_int_equal(fs_gb_check(&p, NULL), FS_OK);
  fs_assert_close(p.kappa, 0.1, 0.0, 0.0);
  fs_assert_close(p.rho_0, 0.5 * 1645.59 / (1645.59 + 313.0965), 1e-14, 0.0);
  fs_assert_close(fs_gb_initial_rho(&p, 1), p.rho_0, 0.0, 0.0);
  const double starts[] = {0.0, 0.1, 0.42, 0.6, 0.95, 1.0};
  for (int a = 0; a < 6; a++)
    for (double h = 0.01; h < 1e5; h *= 10.0) {
      double got = fs_gb_drift(&p, starts[a], h);
      fs_assert_close(got, p.rho_0 + (starts[a] - p.rho_0) * exp(-p.kappa * h / p.tau), 1e-14,
                      1e-16);
      fs_assert_close(got, decay_rk4(&p, starts[a], h), 1e-10, 1e-13);
    }
  /* the weight: base at rest, (rho + rho_0 z) / rho_0 */
  fs_assert_close(fs_gb_weight_factor(&p, p.rho_0, 0.0), 1.0, 1e-15, 0.0);
  fs_assert_close(fs_gb_weight_factor(&p, p.rho_0, 0.5), 1.5, 1e-15, 0.0);
  fs_assert_close(fs_gb_weight_factor(&p, 2 * p.rho_0, -0.5), 1.5, 1e-15, 0.0);
}

/* The stc equations by Euler with a 1 us step (no noise): active phases as in GB2012, and the
 * linear decay to rho_0 below theta_d. */
static double fine_step_stc(const fs_gb_params *p, const double *t_jump, const double *jump, int n,
                            double t_end, double rho) {
  const double dt = 1e-6;
  double c = 0;
  int k = 0;
  for (double t = 0; t < t_end; t += dt) {
    while (k < n && t_jump[k] <= t + 1e-12)
      c += jump[k++];
    double drho;
    if (c >= p->theta_p)
      drho = p->gamma_p * (1 - rho) - p->gamma_d * rho;
    else if (c >= p->theta_d)
      drho = -p->gamma_d * rho;
    else
      drho = p->kappa * (p->rho_0 - rho);
    rho += dt * drho / p->tau;
    c -= dt * c / p->tau_ca;
  }
  return rho;
}

static double event_driven(const fs_gb_params *p, const double *t_jump, const double *jump, int n,
                           double t_end, double rho) {
  fs_gb_state s = {0.0, rho};
  double t = 0;
  for (int k = 0; k < n; k++) {
    fs_gb_advance(p, &s, t_jump[k] - t, NULL);
    s.c += jump[k];
    t = t_jump[k];
  }
  fs_gb_advance(p, &s, t_end - t, NULL);
  return s.rho;
}

/* A 100 Hz presynaptic burst (calcium above theta_p: LTP), a few post spikes (between the
 * thresholds: depression), then 3 s of decay; event-driven equals the fine-step reference. */
static void test_stc_event_driven_equals_fine_step(void **state) {
  (void)state;
  fs_gb_params p = stc();
  double t[40], j[40];
  int n = 0;
  for (int i = 0; i < 21; i++) {
    t[n] = 0.01 * i + p.delay_pre;
    j[n++] = p.c_pre;
  }
  for (int i = 0; i < 8; i++) {
    t[n] = 0.5 + 0.03 * i;
    j[n++] = i % 2 ? p.c_pre : p.c_post;
  }
  for (double rho0 = 0.1; rho0 < 0.9; rho0 += 0.3) {
    double got = event_driven(&p, t, j, n, 4.0, rho0);
    fs_assert_close(got, fine_step_stc(&p, t, j, n, 4.0, rho0), 0.0, 2e-4);
  }
  double rho = event_driven(&p, t, j, 21, 0.5, p.rho_0);
  assert_true(rho > p.rho_0 * 1.2); /* the weak tetanus alone tags (theta_tag 0.2) */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tables_and_defaults),
      cmocka_unit_test(test_trigger_signal),
      cmocka_unit_test(test_prp_step),
      cmocka_unit_test(test_capture_against_fine_step),
      cmocka_unit_test(test_tags),
      cmocka_unit_test(test_bdnf),
      cmocka_unit_test(test_bdnf_on_prp),
      cmocka_unit_test(test_knockout_under_each_mode),
      cmocka_unit_test(test_spines),
      cmocka_unit_test(test_decaying_drift),
      cmocka_unit_test(test_stc_event_driven_equals_fine_step),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
