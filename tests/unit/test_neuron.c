/* test_neuron.c - the neuron models against closed forms: the Jahr & Stevens Mg2+ block
 * (MODEL.md §8 row 1), the membrane under a constant current and under a constant
 * conductance, reset and refractoriness, AdEx adaptation; the registry's tables. */
#include "fs_test.h"

#include <fearsim/neuron.h>
#include <fearsim/param.h>

#include "network_impl.h"

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
  p->scratch = calloc(n, sizeof *p->scratch);
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

static size_t step(bench_pop *b, double i_ext) {
  fs_step_ctx ctx = {0,         DT, {b->in[0], b->in[1], b->in[2]}, i_ext, b->fired, b->pop.scratch,
                     b->spikes, 0};
  b->pop.model->step(&b->pop, 0, b->pop.n, &ctx);
  return ctx.n_spikes;
}

static double *state(bench_pop *b, const char *name) {
  int k = fs_neuron_model_state_index(b->pop.model, name);
  assert_true(k >= 0);
  return b->pop.state[k];
}

/* MODEL.md §8 row 1: B(-60 mV) = 0.080, B(-20) = 0.508, B(0) = 0.781 at 1 mM. */
static void test_mg_block_values(void **state_) {
  (void)state_;
  fs_assert_close(fs_mg_block(-60e-3, 1.0, 3.57, 62.0), 0.080, 0.0, 5e-4);
  fs_assert_close(fs_mg_block(-20e-3, 1.0, 3.57, 62.0), 0.508, 0.0, 5e-4);
  fs_assert_close(fs_mg_block(0.0, 1.0, 3.57, 62.0), 0.781, 0.0, 5e-4);
  fs_assert_close(fs_mg_block(-40e-3, 0.0, 3.57, 62.0), 1.0, 0.0, 0.0); /* no Mg, no block */
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mg_block_values),
      cmocka_unit_test(test_lif_constant_current_closed_form),
      cmocka_unit_test(test_lif_constant_conductance_closed_form),
      cmocka_unit_test(test_conductance_decay_exact),
      cmocka_unit_test(test_nmda_dual_exponential_peak),
      cmocka_unit_test(test_lif_spike_reset_refractory),
      cmocka_unit_test(test_adex_adaptation),
      cmocka_unit_test(test_registry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
