/* test_gb.c - the event-driven Graupner-Brunel synapse against closed forms and a
 * fine-step integration of the same equations; presets and noise statistics. */
#include "fs_test.h"

#include <fearsim/gb.h>

static fs_gb_params preset(const char *name) {
  fs_gb_params p;
  assert_int_equal(fs_gb_preset(name, &p, NULL), FS_OK);
  return p;
}

static void test_presets_and_table(void **state) {
  (void)state;
  fs_error err = {0};
  assert_int_equal(
      fs_params_validate_table(fs_gb_param_specs, fs_gb_n_param_specs, sizeof(fs_gb_params), &err),
      FS_OK);
  for (size_t i = 0; i < fs_gb_preset_count(); i++) {
    fs_gb_params p = preset(fs_gb_preset_name(i));
    assert_int_equal(fs_gb_check(&p, NULL), FS_OK);
  }
  fs_gb_params p = preset("hippocampal");
  fs_assert_close(p.gamma_p, 1645.59, 1e-12, 0.0);
  fs_assert_close(p.tau_ca, 48.8373e-3, 1e-12, 0.0);
  assert_int_equal(fs_gb_preset("cortcal", &p, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "unknown Graupner-Brunel preset \"cortcal\" (did you mean \"cortical\"?)");
  p.theta_p = 0.9;
  assert_int_equal(fs_gb_check(&p, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "theta_d (1) must be below theta_p (0.9)");
}

static void test_time_above_threshold(void **state) {
  (void)state;
  fs_gb_params p = preset("dp");
  fs_assert_close(fs_gb_time_above(&p, 2.0, 1.3, 1.0), 20e-3 * log(2.0 / 1.3), 1e-12, 0.0);
  fs_assert_close(fs_gb_time_above(&p, 2.0, 1.0, 5e-3), 5e-3, 0.0, 0.0); /* capped */
  fs_assert_close(fs_gb_time_above(&p, 0.9, 1.0, 1.0), 0.0, 0.0, 0.0);
}

/* tau drho/dt = -rho (1 - rho)(a - rho) by RK4 with a fine step. */
static double drift_rk4(double rho, double a, double tau, double h) {
  int n = 200000;
  double dt = h / n;
  for (int i = 0; i < n; i++) {
#define F(r) (-(r) * (1 - (r)) * (a - (r)) / tau)
    double k1 = F(rho), k2 = F(rho + dt / 2 * k1), k3 = F(rho + dt / 2 * k2), k4 = F(rho + dt * k3);
#undef F
    rho += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return rho;
}

static void test_drift_exact(void **state) {
  (void)state;
  fs_gb_params p = preset("cortical");
  const double starts[] = {0.05, 0.3, 0.49, 0.51, 0.7, 0.97};
  for (size_t k = 0; k < 6; k++)
    for (double h = 1.0; h <= 3000.0; h *= 10.0)
      fs_assert_close(fs_gb_drift(&p, starts[k], h), drift_rk4(starts[k], 0.5, p.tau, h), 1e-9,
                      1e-12);
  for (size_t k = 0; k < 6; k++) /* short intervals take the series (the reference's own
                                    rounding over 2e5 steps is about 1e-12) */
    for (double h = 1e-3; h < 0.4; h *= 3.0)
      fs_assert_close(fs_gb_drift(&p, starts[k], h), drift_rk4(starts[k], 0.5, p.tau, h), 1e-10,
                      1e-15);
  p.rho_star = 0.35; /* not only the symmetric case */
  fs_assert_close(fs_gb_drift(&p, 0.4, 500.0), drift_rk4(0.4, 0.35, p.tau, 500.0), 1e-9, 1e-12);
  fs_assert_close(fs_gb_drift(&p, 0.3, 500.0), drift_rk4(0.3, 0.35, p.tau, 500.0), 1e-9, 1e-12);
  fs_assert_close(fs_gb_drift(&p, 0.35, 500.0), 0.35, 0.0, 0.0); /* the fixed points stay */
  fs_assert_close(fs_gb_drift(&p, 1.0, 500.0), 1.0, 0.0, 0.0);
}

/* The noise-free equations by Euler with a 1 us step, calcium jumps at the given times. */
static double fine_step(const fs_gb_params *p, const double *t_jump, const double *jump, int n,
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
      drho = -rho * (1 - rho) * (p->rho_star - rho);
    rho += dt * drho / p->tau;
    c -= dt * c / p->tau_ca;
  }
  return rho;
}

/* Event-driven: advance from jump to jump, then to the end. */
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

static void test_event_driven_equals_fine_step(void **state) {
  (void)state;
  fs_gb_params p = preset("dp");
  /* pre-post pairs at 50 Hz bursts, then isolated post spikes, then a pre train */
  double t[40], j[40];
  int n = 0;
  for (int i = 0; i < 10; i++) {
    t[n] = 0.02 * i + p.delay_pre;
    j[n++] = p.c_pre;
    t[n] = 0.02 * i + 0.005;
    j[n++] = p.c_post;
  }
  for (int i = 0; i < 20; i++) {
    t[n] = 0.3 + 0.013 * i;
    j[n++] = i % 2 ? p.c_pre : p.c_post;
  }
  /* jumps must be in time order */
  for (int a = 0; a < n; a++)
    for (int b = a + 1; b < n; b++)
      if (t[b] < t[a]) {
        double x = t[a], y = j[a];
        t[a] = t[b];
        j[a] = j[b];
        t[b] = x;
        j[b] = y;
      }
  for (double rho0 = 0.2; rho0 < 0.9; rho0 += 0.3)
    fs_assert_close(event_driven(&p, t, j, n, 1.0, rho0), fine_step(&p, t, j, n, 1.0, rho0), 0.0,
                    2e-4);
}

/* Presynaptic trains alone (cortical set): calcium peaks at c_pre / (1 - exp(-1/(f tau_ca))),
 * 0.567 at 10 Hz, below theta_d, so nothing changes; 2.83 at 200 Hz, above theta_p for longer
 * than an interval, so rho relaxes towards gamma_p / (gamma_p + gamma_d) = 0.686: after 0.5 s
 * 0.686 - 0.186 exp(-1057 * 0.5 / 346) = 0.644. */
static void test_frequency_of_presynaptic_trains(void **state) {
  (void)state;
  fs_gb_params p = preset("cortical");
  double t[100], j[100];
  for (int i = 0; i < 100; i++) {
    t[i] = 0.1 * i;
    j[i] = p.c_pre;
  }
  assert_true(event_driven(&p, t, j, 100, 12.0, 0.5) == 0.5); /* the unstable point, exactly */
  for (int i = 0; i < 100; i++)
    t[i] = 0.005 * i;
  double rho = event_driven(&p, t, j, 100, 0.5, 0.5);
  fs_assert_close(rho, 0.644, 0.01, 0.0);
}

/* One active phase above theta_p is an Ornstein-Uhlenbeck process with a known mean and
 * variance: check the sample moments of its exact step. */
static void test_noise_statistics(void **state) {
  (void)state;
  fs_gb_params p = preset("dp");
  fs_rng r = fs_rng_make(3, 17, 0);
  const int n = 40000;
  double h = 0.005; /* 5 ms above theta_p: c0 = 100 stays above it much longer */
  double g = p.gamma_p + p.gamma_d, k = g / p.tau, mean_inf = p.gamma_p / g;
  double mean = mean_inf + (0.5 - mean_inf) * exp(-k * h);
  double var = 2.0 * p.sigma * p.sigma / p.tau * -expm1(-2 * k * h) / (2 * k);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; i++) {
    fs_gb_state s = {100.0, 0.5};
    fs_gb_advance(&p, &s, h, &r);
    sum += s.rho;
    sum2 += s.rho * s.rho;
  }
  double m = sum / n, v = sum2 / n - m * m;
  fs_assert_close(m, mean, 0.0, 5 * sqrt(var / n));
  fs_assert_close(v, var, 0.05, 0.0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_presets_and_table),
      cmocka_unit_test(test_time_above_threshold),
      cmocka_unit_test(test_drift_exact),
      cmocka_unit_test(test_event_driven_equals_fine_step),
      cmocka_unit_test(test_frequency_of_presynaptic_trains),
      cmocka_unit_test(test_noise_statistics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
