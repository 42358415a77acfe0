/* test_neuron.c - the neuron models against closed forms: the Jahr & Stevens Mg2+ block
 * (docs/model.md §8 row 1), the membrane under a constant current and under a constant
 * conductance, reset and refractoriness, AdEx adaptation; the registry's tables. */
#include "fs_test.h"

#include <fearsim/neuron.h>
#include <fearsim/param.h>

#include "network_impl.h"

#include <stdbool.h>
#include <stdlib.h>

#define DT 1e-4

/* One population of n neurons of a model, built by hand, at rest. */
typedef struct bench_pop {
  fs_population pop;
  double in[FS_N_CHANNELS][16];
  int32_t fired[16];
  uint32_t spikes[16];
} bench_pop;

static bench_pop *make_pop(const char *model, size_t n, const char *const *names,
                           const double *values, size_t n_values) {
  bench_pop *b = calloc(1, sizeof *b);
  fs_population *p = &b->pop;
  p->model = fs_neuron_model_find(model, NULL);
  assert_non_null(p->model);
  p->n = p->n_pad = n;
  p->params = calloc(1, p->model->params_size);
  p->coeff = calloc(1, p->model->coeff_size);
  p->refractory = calloc(n, sizeof *p->refractory);
  p->scratch = calloc(FS_SCRATCH_ROWS * n, sizeof *p->scratch);
  fs_params_set_defaults(p->model->params, p->model->n_params, p->params);
  for (size_t k = 0; k < n_values; k++) {
    const fs_param_spec *s = fs_params_find(p->model->params, p->model->n_params, names[k]);
    assert_non_null(s);
    *(double *)((char *)p->params + s->offset) = values[k];
  }
  assert_int_equal(p->model->precompute(p->params, DT, p->coeff, NULL), FS_OK);
  double rest[FS_MAX_STATE];
  p->model->rest_state(p->params, rest);
  for (size_t k = 0; k < p->model->n_state; k++) {
    p->state[k] = calloc(n, sizeof(double));
    for (size_t i = 0; i < n; i++)
      p->state[k][i] = rest[k];
  }
  return b;
}

static void free_pop(bench_pop *b) {
  for (size_t k = 0; k < b->pop.model->n_state; k++)
    free(b->pop.state[k]);
  free(b->pop.params);
  free(b->pop.coeff);
  free(b->pop.refractory);
  free(b->pop.scratch);
  free(b);
}

/* One step of neurons [0, n) with the loop running to pad_end (fs_step_ctx.pad_end; 0: n). */
static size_t step_padded(bench_pop *b, double i_ext, size_t pad_end) {
  fs_step_ctx ctx = {.dt = DT,
                     .in = {b->in[0], b->in[1], b->in[2]},
                     .i_ext = i_ext,
                     .fired = b->fired,
                     .scratch = b->pop.scratch,
                     .stride = b->pop.n_pad,
                     .spikes = b->spikes,
                     .pad_end = pad_end};
  b->pop.model->step(&b->pop, 0, b->pop.n, &ctx);
  return ctx.n_spikes;
}

static size_t step(bench_pop *b, double i_ext) {
  return step_padded(b, i_ext, 0);
}

static double *state(bench_pop *b, const char *name) {
  int k = fs_neuron_model_state_index(b->pop.model, name);
  assert_true(k >= 0);
  return b->pop.state[k];
}

/* docs/model.md §8 row 1: B(-60 mV) = 0.080, B(-20) = 0.508, B(0) = 0.781 at 1 mM. */
static void test_mg_block_values(void **state_) {
  (void)state_;
  fs_assert_close(fs_neuron_mg_block(-60e-3, 1.0, 3.57, 62.0), 0.080, 0.0, 5e-4);
  fs_assert_close(fs_neuron_mg_block(-20e-3, 1.0, 3.57, 62.0), 0.508, 0.0, 5e-4);
  fs_assert_close(fs_neuron_mg_block(0.0, 1.0, 3.57, 62.0), 0.781, 0.0, 5e-4);
  fs_assert_close(fs_neuron_mg_block(-40e-3, 0.0, 3.57, 62.0), 1.0, 0.0, 0.0); /* no Mg, no block */
}

/* C dV/dt = g_L (E_L - V) + I: V(t) = V_inf + (E_L - V_inf) exp(-t g_L / C). */
static void test_lif_constant_current_closed_form(void **state_) {
  (void)state_;
  const char *names[] = {"V_th"};
  const double values[] = {0.1}; /* out of reach: no spike */
  bench_pop *b = make_pop("lif_cond", 1, names, values, 1);
  const double C = 250e-12, gL = 16.7e-9, EL = -70e-3, I = 200e-12;
  double v_inf = EL + I / gL;
  for (int n = 1; n <= 2000; n++) {
    step(b, I);
    double t = n * DT;
    fs_assert_close(state(b, "v")[0], v_inf + (EL - v_inf) * exp(-t * gL / C), 1e-9, 0.0);
  }
  free_pop(b);
}

/* With an AMPA conductance held at g: V relaxes to (g_L E_L + g E_ex)/(g_L + g) with rate
 * (g_L + g)/C. The model averages the conductance's exact decay over each step, so holding
 * g means restoring it before each step and comparing with g times that average. */
static void test_lif_constant_conductance_closed_form(void **state_) {
  (void)state_;
  const char *names[] = {"V_th", "tau_ampa"};
  const double values[] = {0.1, 5e-3};
  bench_pop *b = make_pop("lif_cond", 1, names, values, 2);
  const double C = 250e-12, gL = 16.7e-9, EL = -70e-3, g = 10e-9;
  double g_avg = g * 5e-3 / DT * -expm1(-DT / 5e-3);
  double v_inf = (gL * EL + g_avg * 0.0) / (gL + g_avg), rate = (gL + g_avg) / C;
  for (int n = 1; n <= 2000; n++) {
    state(b, "g_ampa")[0] = g;
    step(b, 0.0);
    fs_assert_close(state(b, "v")[0], v_inf + (EL - v_inf) * exp(-n * DT * rate), 1e-9, 0.0);
  }
  free_pop(b);
}

/* A conductance jump decays exactly: g(n dt) = g0 exp(-n dt / tau). */
static void test_conductance_decay_exact(void **state_) {
  (void)state_;
  bench_pop *b = make_pop("lif_cond", 1, NULL, NULL, 0);
  b->in[FS_CH_GABA_A][0] = 3e-9;
  step(b, 0.0);
  for (int n = 1; n < 500; n++)
    step(b, 0.0);
  fs_assert_close(state(b, "g_gaba")[0], 3e-9 * exp(-500 * DT / 5e-3), 1e-12, 0.0);
  assert_true(b->in[FS_CH_GABA_A][0] == 0.0); /* the ring slot was consumed */
  free_pop(b);
}

/* One NMDA arrival of weight w: g_N(t) = x_d - x_r peaks at w at
 * t_peak = tau_d tau_r / (tau_d - tau_r) ln(tau_d / tau_r) (2 and 100 ms: 7.98 ms). */
static void test_nmda_dual_exponential_peak(void **state_) {
  (void)state_;
  bench_pop *b = make_pop("lif_cond", 1, NULL, NULL, 0);
  b->pop.has_nmda = true;
  b->in[FS_CH_NMDA][0] = 2e-9;
  double peak = 0;
  int at = 0;
  for (int n = 1; n <= 400; n++) {
    step(b, 0.0);
    double g = state(b, "nmda_decay")[0] - state(b, "nmda_rise")[0];
    if (g > peak) {
      peak = g;
      at = n;
    }
  }
  double t_peak = 0.1 * 0.002 / 0.098 * log(50.0);
  fs_assert_close(peak, 2e-9, 1e-4, 0.0); /* sampled at whole steps near the peak */
  assert_true(fabs(at * DT - t_peak) <= DT);
  free_pop(b);
}

/* A strong current: a spike, then V held at V_reset for round(t_ref/dt) steps. */
static void test_lif_spike_reset_refractory(void **state_) {
  (void)state_;
  bench_pop *b = make_pop("lif_cond", 1, NULL, NULL, 0);
  int n = 0;
  while (step(b, 2e-9) == 0 && n < 10000)
    n++;
  assert_true(n < 10000);
  assert_int_equal(b->spikes[0], 0);
  for (int k = 0; k < 20; k++) { /* t_ref 2 ms = 20 steps */
    assert_int_equal(step(b, 2e-9), 0);
    fs_assert_close(state(b, "v")[0], -70e-3, 0.0, 0.0);
  }
  step(b, 2e-9);
  assert_true(state(b, "v")[0] > -70e-3); /* integrating again */
  free_pop(b);
}

/* AdEx: each spike adds b to w, which then relaxes with tau_w. */
static void test_adex_adaptation(void **state_) {
  (void)state_;
  bench_pop *b = make_pop("adex_cond", 1, NULL, NULL, 0);
  int n = 0;
  while (step(b, 1e-9) == 0 && n < 20000)
    n++;
  assert_true(n < 20000);
  double w = state(b, "w")[0];
  assert_true(w > 80.5e-12 * 0.99); /* the jump b = 80.5 pA, plus subthreshold a (V - E_L) */
  free_pop(b);
}

/* The same closed form from V0 = -60 mV, with the current split between the I_e parameter
 * and the injected current: V(t) = V_inf + (V0 - V_inf) exp(-t g_L / C). */
static void test_lif_current_from_other_start(void **state_) {
  (void)state_;
  const char *names[] = {"V_th", "I_e"};
  const double values[] = {0.1, 100e-12};
  bench_pop *b = make_pop("lif_cond", 1, names, values, 2);
  const double C = 250e-12, gL = 16.7e-9, EL = -70e-3, I = 250e-12, v0 = -60e-3;
  state(b, "v")[0] = v0;
  double v_inf = EL + I / gL;
  for (int n = 1; n <= 2000; n++) {
    step(b, 150e-12);
    fs_assert_close(state(b, "v")[0], v_inf + (v0 - v_inf) * exp(-n * DT * gL / C), 1e-8, 0.0);
  }
  free_pop(b);
}

/* AMPA and GABA-A held together (E_ex = 0 mV, E_in = -70 mV by default, here -80 mV), with
 * conductances large enough that dt (g_L + g)/C = 0.05, where the Pade step is least exact:
 * V relaxes to (g_L E_L + g_a E_ex + g_g E_in)/(g_L + g_a + g_g). */
static void test_lif_two_conductances_closed_form(void **state_) {
  (void)state_;
  const char *names[] = {"V_th", "E_in", "tau_gaba"};
  const double values[] = {0.1, -80e-3, 8e-3};
  bench_pop *b = make_pop("lif_cond", 1, names, values, 3);
  const double C = 250e-12, gL = 16.7e-9, EL = -70e-3, ga = 40e-9, gg = 68.3e-9;
  double ga_avg = ga * 2e-3 / DT * -expm1(-DT / 2e-3), gg_avg = gg * 8e-3 / DT * -expm1(-DT / 8e-3);
  double g_tot = gL + ga_avg + gg_avg;
  double v_inf = (gL * EL + ga_avg * 0.0 + gg_avg * -80e-3) / g_tot;
  for (int n = 1; n <= 2000; n++) {
    state(b, "g_ampa")[0] = ga;
    state(b, "g_gaba")[0] = gg;
    step(b, 0.0);
    fs_assert_close(state(b, "v")[0], v_inf + (EL - v_inf) * exp(-n * DT * g_tot / C), 1e-9, 0.0);
  }
  fs_assert_close(state(b, "g_ampa")[0], ga * exp(-DT / 2e-3), 1e-14, 0.0);
  fs_assert_close(state(b, "g_gaba")[0], gg * exp(-DT / 8e-3), 1e-14, 0.0);
  free_pop(b);
}

/* One step with NMDA conductance only, from V0: the membrane sees the step average of
 * g_N = x_d - x_r times B(V0) (docs/model.md §2), so
 * V1 = V_inf + (V0 - V_inf) exp(-dt g/C), g = g_L + gbar_N B(V0),
 * V_inf = (g_L E_L + gbar_N B(V0) E_ex)/g. At V0 = -60 mV, B = 0.080 (§8 row 1). */
static void test_lif_nmda_step_with_mg_block(void **state_) {
  (void)state_;
  const double C = 250e-12, gL = 16.7e-9, EL = -70e-3, xd = 20e-9;
  const double v0s[] = {-60e-3, -20e-3, 0.0};
  for (int k = 0; k < 3; k++) {
    const char *names[] = {"V_th"};
    const double values[] = {0.1}; /* no spike from -20 or 0 mV */
    bench_pop *b = make_pop("lif_cond", 1, names, values, 1);
    b->pop.has_nmda = true;
    state(b, "v")[0] = v0s[k];
    state(b, "nmda_decay")[0] = xd;
    double B = 1.0 / (1.0 + 1.0 / 3.57 * exp(-62.0 * v0s[k]));
    double gn = xd * 0.1 / DT * -expm1(-DT / 0.1) * B, g = gL + gn;
    double v_inf = (gL * EL + gn * 0.0) / g;
    step(b, 0.0);
    /* the Pade step's error is below x^5/720 |V0 - V_inf|, x = dt g/C < 0.02: < 1e-13 V */
    fs_assert_close(state(b, "v")[0], v_inf + (v0s[k] - v_inf) * exp(-DT * g / C), 1e-12, 1e-13);
    fs_assert_close(state(b, "nmda_decay")[0], xd * exp(-DT / 0.1), 1e-14, 0.0);
    free_pop(b);
  }
}

/* The first spike comes at the first step whose closed-form V reaches V_th; V then stays at
 * V_reset for round(t_ref/dt) steps (t_ref 2.26 ms: 23 steps) and integrates again from
 * V_reset, so the second spike comes 23 + n2 steps later, n2 from the closed form from
 * V_reset. */
static int first_crossing(double v0, double v_inf, double rate, double v_th) {
  for (int n = 1;; n++) {
    double v = v_inf + (v0 - v_inf) * exp(-n * DT * rate);
    if (v >= v_th) {
      assert_true(v - v_th > 1e-7); /* not a near tie that rounding could move */
      return n;
    }
  }
}

static void test_lif_spike_times_closed_form(void **state_) {
  (void)state_;
  const char *names[] = {"t_ref", "V_reset"};
  const double values[] = {2.26e-3, -65e-3};
  bench_pop *b = make_pop("lif_cond", 1, names, values, 2);
  const double C = 250e-12, gL = 16.7e-9, EL = -70e-3, I = 400e-12, vth = -50e-3;
  double v_inf = EL + I / gL;
  int n1 = first_crossing(EL, v_inf, gL / C, vth), n2 = first_crossing(-65e-3, v_inf, gL / C, vth);
  int spikes[3], n_sp = 0;
  for (int n = 1; n <= n1 + 23 + n2 + 1 && n_sp < 3; n++) {
    if (step(b, I)) {
      spikes[n_sp++] = n;
      assert_int_equal(b->fired[0], 1);
      fs_assert_close(state(b, "v")[0], -65e-3, 0.0, 0.0);
      assert_int_equal(b->pop.refractory[0], 23);
    } else
      assert_int_equal(b->fired[0], 0);
  }
  assert_int_equal(n_sp, 2);
  assert_int_equal(spikes[0], n1);
  assert_int_equal(spikes[1], n1 + 23 + n2);
  free_pop(b);
}

/* Several neurons in one call: the ids that cross are reported in increasing order with
 * their flags; a refractory neuron above threshold does not fire and is held at V_reset. */
static void test_lif_spike_ids_and_flags(void **state_) {
  (void)state_;
  bench_pop *b = make_pop("lif_cond", 11, NULL, NULL, 0);
  const int up[] = {2, 7, 9, 10, 3};
  for (int k = 0; k < 5; k++)
    state(b, "v")[up[k]] = -40e-3;
  b->pop.refractory[3] = 5;
  assert_int_equal(step(b, 0.0), 4);
  for (int k = 0; k < 4; k++)
    assert_int_equal(b->spikes[k], up[k]);
  for (int i = 0; i < 11; i++) {
    bool fired = i == 2 || i == 7 || i == 9 || i == 10;
    assert_int_equal(b->fired[i], fired);
    assert_int_equal(b->pop.refractory[i], fired ? 20 : (i == 3 ? 4 : 0));
  }
  fs_assert_close(state(b, "v")[3], -70e-3, 0.0, 0.0);
  free_pop(b);
}

/* A range that ends its population may run its loop over the padding lanes (whole vectors, no
 * scalar tail): those lanes are advanced, their spikes are not collected, and the population's
 * own neurons come out bit for bit as without them. */
static void test_padding_lanes_step_but_are_not_collected(void **state_) {
  (void)state_;
  const char *models[] = {"lif_cond", "adex_cond"};
  for (int m = 0; m < 2; m++) {
    bench_pop *padded = make_pop(models[m], 16, NULL, NULL, 0);
    bench_pop *plain = make_pop(models[m], 16, NULL, NULL, 0);
    padded->pop.n = plain->pop.n = 11; /* 5 padding lanes, as in a padded population */
    for (int i = 0; i < 16; i++) {
      double v = -70e-3 + 1e-4 * i;
      state(padded, "v")[i] = state(plain, "v")[i] = v;
      padded->in[0][i] = plain->in[0][i] = 1e-9 * (i % 5);
    }
    state(padded, "v")[9] = state(plain, "v")[9] = 5e-3;   /* above threshold and V_peak */
    state(padded, "v")[13] = state(plain, "v")[13] = 5e-3; /* a padding lane */
    for (int k = 0; k < 30; k++) {
      size_t n1 = step_padded(padded, 150e-12, 16), n0 = step_padded(plain, 150e-12, 0);
      assert_int_equal(n1, n0);
      for (size_t j = 0; j < n1; j++) {
        assert_int_equal(padded->spikes[j], plain->spikes[j]);
        assert_true(padded->spikes[j] < 11);
      }
      if (k == 0) {
        assert_int_equal(n1, 1); /* neuron 9; lane 13 fired but is not collected */
        assert_int_equal(padded->fired[13], 1);
        assert_int_equal(plain->fired[13], 0);
      }
      for (size_t v = 0; v < padded->pop.model->n_state; v++)
        assert_memory_equal(padded->pop.state[v], plain->pop.state[v], 11 * sizeof(double));
    }
    free_pop(padded);
    free_pop(plain);
  }
}

/* AdEx with a = b = 0 and Delta_T = 0 is the LIF: the same closed form (C 281 pF, g_L 30 nS,
 * E_L -70.6 mV); with Delta_T = 2 mV the exponential term moves V by microvolts only far below
 * V_T, and V settles exactly on the fixed point of
 * g_L (E_L - V) + g_L Delta_T exp((V - V_T)/Delta_T) + I = 0 (bisection). */
static void test_adex_without_adaptation_is_lif_like(void **state_) {
  (void)state_;
  const double C = 281e-12, gL = 30e-9, EL = -70.6e-3, VT = -50.4e-3, D = 2e-3, I = 200e-12;
  double v_inf = EL + I / gL;
  const char *names[] = {"a", "b", "Delta_T"};
  const double lif_like[] = {0.0, 0.0, 0.0}, eif[] = {0.0, 0.0, D};
  bench_pop *b0 = make_pop("adex_cond", 1, names, lif_like, 3);
  bench_pop *b1 = make_pop("adex_cond", 1, names, eif, 3);
  for (int n = 1; n <= 2000; n++) {
    step(b0, I);
    step(b1, I);
    double lif = v_inf + (EL - v_inf) * exp(-n * DT * gL / C);
    fs_assert_close(state(b0, "v")[0], lif, 1e-9, 0.0);
    fs_assert_close(state(b1, "v")[0], lif, 0.0, 1e-5);
    assert_true(state(b1, "v")[0] > state(b0, "v")[0]); /* the exponential current depolarises */
    fs_assert_close(state(b0, "w")[0], 0.0, 0.0, 0.0);
  }
  double lo = EL, hi = VT;
  for (int k = 0; k < 200; k++) {
    double mid = 0.5 * (lo + hi);
    double f = gL * (EL - mid) + gL * D * exp((mid - VT) / D) + I;
    if (f > 0)
      lo = mid;
    else
      hi = mid;
  }
  fs_assert_close(state(b1, "v")[0], 0.5 * (lo + hi), 1e-9, 0.0);
  free_pop(b0);
  free_pop(b1);
}

/* AdEx with a = 0: w is 0 until the spike, b = 80.5 pA right after it, then b exp(-t/tau_w)
 * (144 ms); V stays at V_reset for 20 steps. */
static void test_adex_spike_triggered_adaptation(void **state_) {
  (void)state_;
  const char *names[] = {"a"};
  const double values[] = {0.0};
  bench_pop *b = make_pop("adex_cond", 1, names, values, 1);
  int n = 0;
  while (step(b, 1e-9) == 0) {
    fs_assert_close(state(b, "w")[0], 0.0, 0.0, 0.0);
    assert_true(++n < 20000);
  }
  fs_assert_close(state(b, "w")[0], 80.5e-12, 1e-15, 0.0);
  fs_assert_close(state(b, "v")[0], -70.6e-3, 0.0, 0.0);
  for (int k = 1; k <= 20; k++) {
    assert_int_equal(step(b, 1e-9), 0);
    fs_assert_close(state(b, "v")[0], -70.6e-3, 0.0, 0.0);
    fs_assert_close(state(b, "w")[0], 80.5e-12 * exp(-k * DT / 144e-3), 1e-12, 0.0);
  }
  step(b, 1e-9);
  assert_true(state(b, "v")[0] > -70.6e-3);
  free_pop(b);
}

/* Subthreshold adaptation: with V held at E_L + 10 mV, w relaxes exactly to a * 10 mV:
 * w(t) = a dV (1 - exp(-t/tau_w)), a = 4 nS. */
static void test_adex_subthreshold_adaptation(void **state_) {
  (void)state_;
  bench_pop *b = make_pop("adex_cond", 1, NULL, NULL, 0);
  for (int n = 1; n <= 3000; n++) {
    state(b, "v")[0] = -60.6e-3;
    step(b, 0.0);
    fs_assert_close(state(b, "w")[0], 4e-9 * 10e-3 * -expm1(-n * DT / 144e-3), 1e-11, 0.0);
  }
  free_pop(b);
}

/* Parameter relations are checked by precompute, with messages that name both values. */
static void expect_precompute_error(const char *model, const char *name, double value,
                                    const char *msg) {
  const fs_neuron_model *m = fs_neuron_model_find(model, NULL);
  void *params = calloc(1, m->params_size), *coeff = calloc(1, m->coeff_size);
  fs_params_set_defaults(m->params, m->n_params, params);
  const fs_param_spec *s = fs_params_find(m->params, m->n_params, name);
  assert_non_null(s);
  *(double *)((char *)params + s->offset) = value;
  fs_error err = {0};
  assert_int_equal(m->precompute(params, DT, coeff, &err), FS_ERR_INPUT);
  fs_assert_msg(err, msg);
  free(params);
  free(coeff);
}

static void test_precompute_relations(void **state_) {
  (void)state_;
  expect_precompute_error("lif_cond", "V_reset", -50e-3,
                          "V_reset (-0.05 V) must be below V_th (-0.05 V)");
  expect_precompute_error("lif_cond", "tau_nmda_rise", 0.1,
                          "tau_nmda_rise (0.1 s) must be shorter than tau_nmda_decay (0.1 s)");
  expect_precompute_error("adex_cond", "V_T", 0.0, "V_T (0 V) must be below V_peak (0 V)");
  expect_precompute_error("adex_cond", "V_reset", 1e-3,
                          "V_reset (0.001 V) must be below V_peak (0 V)");
}

static void test_registry(void **state_) {
  (void)state_;
  size_t n = fs_neuron_model_count();
  assert_true(n >= 2);
  for (size_t i = 0; i < n; i++) {
    const fs_neuron_model *m = fs_neuron_model_at(i);
    fs_error err = {0};
    if (fs_params_validate_table(m->params, m->n_params, m->params_size, &err) != FS_OK)
      fail_msg("%s: %s", m->name, err.msg);
    assert_true(m->n_state <= FS_MAX_STATE);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(m->name, fs_neuron_model_at(j)->name);
  }
  fs_error err = {0};
  assert_null(fs_neuron_model_find("lif_cnd", &err));
  fs_assert_msg(err, "unknown neuron model \"lif_cnd\" (did you mean \"lif_cond\"?)");
  assert_null(fs_neuron_model_find("hodgkin", &err));
  fs_assert_msg(err, "unknown neuron model \"hodgkin\" (known: \"lif_cond\", \"adex_cond\")");
}

/* Every model says which state variable is its membrane potential: "v", in volts. */
static void test_v_index(void **state_) {
  (void)state_;
  for (size_t i = 0; i < fs_neuron_model_count(); i++) {
    const fs_neuron_model *m = fs_neuron_model_at(i);
    assert_true(m->v_index < m->n_state);
    assert_string_equal(m->state_names[m->v_index], "v");
    assert_int_equal(m->state_kinds[m->v_index], FS_UNIT_VOLTAGE);
  }
}

/* The NMDA kinetics come from the model's own parameters; a model without NMDA receptors
 * (a test-local row) gives an input error, not an internal one. */
static void test_nmda_kinetics(void **state_) {
  (void)state_;
  for (size_t i = 0; i < fs_neuron_model_count(); i++) {
    const fs_neuron_model *m = fs_neuron_model_at(i);
    void *params = calloc(1, m->params_size);
    fs_params_set_defaults(m->params, m->n_params, params);
    double tr = 0, td = 0, want_r = 0, want_d = 0;
    fs_error err = {0};
    assert_true(fs_neuron_model_has_nmda(m));
    assert_int_equal(fs_neuron_model_get_nmda_kinetics(m, params, &tr, &td, &err), FS_OK);
    assert_int_equal(fs_neuron_model_get_param(m, params, "tau_nmda_rise", &want_r, &err), FS_OK);
    assert_int_equal(fs_neuron_model_get_param(m, params, "tau_nmda_decay", &want_d, &err), FS_OK);
    assert_true(tr == want_r && td == want_d);
    assert_true(tr == 2e-3 && td == 100e-3);
    free(params);
  }
  static const char *const names[] = {"v"};
  static const fs_unit_kind kinds[] = {FS_UNIT_VOLTAGE};
  const fs_neuron_model no_nmda = {
      .name = "test_no_nmda", .state_names = names, .state_kinds = kinds, .n_state = 1};
  double tr = -1, td = -1;
  fs_error err = {0};
  assert_false(fs_neuron_model_has_nmda(&no_nmda));
  assert_int_equal(fs_neuron_model_get_nmda_kinetics(&no_nmda, NULL, &tr, &td, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "neuron model test_no_nmda has no NMDA receptors");
  assert_true(tr == -1 && td == -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mg_block_values),
      cmocka_unit_test(test_lif_constant_current_closed_form),
      cmocka_unit_test(test_lif_constant_conductance_closed_form),
      cmocka_unit_test(test_conductance_decay_exact),
      cmocka_unit_test(test_nmda_dual_exponential_peak),
      cmocka_unit_test(test_lif_spike_reset_refractory),
      cmocka_unit_test(test_adex_adaptation),
      cmocka_unit_test(test_lif_current_from_other_start),
      cmocka_unit_test(test_lif_two_conductances_closed_form),
      cmocka_unit_test(test_lif_nmda_step_with_mg_block),
      cmocka_unit_test(test_lif_spike_times_closed_form),
      cmocka_unit_test(test_padding_lanes_step_but_are_not_collected),
      cmocka_unit_test(test_lif_spike_ids_and_flags),
      cmocka_unit_test(test_adex_without_adaptation_is_lif_like),
      cmocka_unit_test(test_adex_spike_triggered_adaptation),
      cmocka_unit_test(test_adex_subthreshold_adaptation),
      cmocka_unit_test(test_precompute_relations),
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_v_index),
      cmocka_unit_test(test_nmda_kinetics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
