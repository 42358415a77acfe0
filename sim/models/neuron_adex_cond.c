/* neuron_adex_cond.c - adaptive exponential integrate-and-fire neuron (Brette & Gerstner
 * 2005) with conductance-based AMPA, NMDA (Mg2+ block) and GABA-A synapses (docs/model.md §2).
 * With a = b = 0 and Delta_T > 0 it is the non-adapting EIF used for fast-spiking cells.
 *
 *   C dV/dt = g_L (E_L - V) + g_L Delta_T exp((V - V_T)/Delta_T) - w + I_syn(V) + I_e + I_ext
 *   tau_w dw/dt = a (V - E_L) - w
 *   V >= V_peak: spike, V = V_reset, w += b, V held at V_reset for t_ref
 *
 * Integration: as lif_cond, with the exponential current and w held at their start-of-step
 * values over the step (semi-implicit); w relaxes exactly towards a (V - E_L). The exponentials
 * (Mg2+ block, exponential current) are fs_exp's, so the loops vectorise.
 *
 * | name    | default   | unit | meaning                          | source                     |
 * |---------|-----------|------|----------------------------------|----------------------------|
 * | C_m     | 281 pF    | F    | membrane capacitance             | model.md §S4.3 (Clopath)   |
 * | g_L     | 30 nS     | S    | leak conductance                 | model.md §S4.3             |
 * | E_L     | -70.6 mV  | V    | leak reversal potential          | model.md §S4.3             |
 * | V_T     | -50.4 mV  | V    | exponential threshold            | model.md §S4.3             |
 * | Delta_T | 2 mV      | V    | slope factor                     | model.md §S4.3             |
 * | V_peak  | 0 mV      | V    | spike detection                  | Brette & Gerstner 2005     |
 * | V_reset | -70.6 mV  | V    | reset potential                  | model.md §S4.3             |
 * | t_ref   | 2 ms      | s    | refractory period                |                            |
 * | a       | 4 nS      | S    | subthreshold adaptation          | model.md §S4.3             |
 * | b       | 80.5 pA   | A    | spike-triggered adaptation       | model.md §S4.3             |
 * | tau_w   | 144 ms    | s    | adaptation time constant         | model.md §S4.3             |
 * | I_e     | 0 pA      | A    | constant injected current        |                            |
 * plus the synaptic rows of neuron_cond_common.h. */
#include <math.h>
#include <stdbool.h>

#include <fearsim/elementary.h>

#include "neuron_cond_common.h"
#include "network_impl.h"

typedef struct adex_params {
  double C_m, g_L, E_L, V_T, Delta_T, V_peak, V_reset, t_ref, a, b, tau_w, I_e;
  fs_cond_syn_params syn;
} adex_params;

typedef struct adex_coeff {
  fs_cond_syn_coeff syn;
  double dt_over_c, decay_w, exp_cap, inv_delta_t;
  int32_t ref_steps;
} adex_coeff;

enum { ADEX_V, ADEX_W, ADEX_G_AMPA, ADEX_G_GABA, ADEX_NMDA_R, ADEX_NMDA_D, ADEX_N_STATE };

static const char *const adex_state_names[] = {"v",      "w",         "g_ampa",
                                               "g_gaba", "nmda_rise", "nmda_decay"};
static const fs_unit_kind adex_state_kinds[] = {FS_UNIT_VOLTAGE,     FS_UNIT_CURRENT,
                                                FS_UNIT_CONDUCTANCE, FS_UNIT_CONDUCTANCE,
                                                FS_UNIT_CONDUCTANCE, FS_UNIT_CONDUCTANCE};

static const fs_param_spec adex_params_table[] = {
    {"C_m", FS_UNIT_CAPACITANCE, 281e-12, 0.0, 1e-6, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(adex_params, C_m), "membrane capacitance",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"g_L", FS_UNIT_CONDUCTANCE, 30e-9, 0.0, 1e-3, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(adex_params, g_L), "leak conductance",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"E_L", FS_UNIT_VOLTAGE, -70.6e-3, -0.2, 0.2, 0, offsetof(adex_params, E_L),
     "leak reversal potential",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"V_T", FS_UNIT_VOLTAGE, -50.4e-3, -0.2, 0.2, 0, offsetof(adex_params, V_T),
     "exponential threshold",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"Delta_T", FS_UNIT_VOLTAGE, 2e-3, 0.0, 0.1, 0, offsetof(adex_params, Delta_T),
     "slope factor (0: no exponential term)",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"V_peak", FS_UNIT_VOLTAGE, 0.0, -0.2, 0.2, 0, offsetof(adex_params, V_peak),
     "spike detection potential", "Brette & Gerstner 2005, J Neurophysiol 94:3637"},
    {"V_reset", FS_UNIT_VOLTAGE, -70.6e-3, -0.2, 0.2, 0, offsetof(adex_params, V_reset),
     "reset potential",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"t_ref", FS_UNIT_TIME, 2e-3, 0.0, 1.0, 0, offsetof(adex_params, t_ref), "refractory period",
     "fearsim (judgment)"},
    {"a", FS_UNIT_CONDUCTANCE, 4e-9, -1e-6, 1e-6, 0, offsetof(adex_params, a),
     "subthreshold adaptation conductance",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"b", FS_UNIT_CURRENT, 80.5e-12, 0.0, 1e-6, 0, offsetof(adex_params, b),
     "spike-triggered adaptation current",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"tau_w", FS_UNIT_TIME, 144e-3, 0.0, 100.0, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(adex_params, tau_w), "adaptation time constant",
     "Clopath et al. 2008, PLoS Comput Biol (AdEx fit of Brette & Gerstner 2005, J Neurophysiol)"},
    {"I_e", FS_UNIT_CURRENT, 0.0, -1e-6, 1e-6, 0, offsetof(adex_params, I_e),
     "constant injected current", "fearsim (judgment)"},
    FS_COND_SYN_PARAM_ROWS(adex_params),
};

static fs_status adex_precompute(const void *params, double dt, void *coeff, fs_error *err) {
  const adex_params *p = params;
  adex_coeff *c = coeff;
  if (!(p->V_reset < p->V_peak))
    return fs_error_set(err, FS_ERR_INPUT, "V_reset (%g V) must be below V_peak (%g V)", p->V_reset,
                        p->V_peak);
  if (!(p->V_T < p->V_peak))
    return fs_error_set(err, FS_ERR_INPUT, "V_T (%g V) must be below V_peak (%g V)", p->V_T,
                        p->V_peak);
  c->dt_over_c = dt / p->C_m;
  c->decay_w = fs_exp(-dt / p->tau_w);
  /* the exponential current is capped where V has certainly crossed V_peak, so that a
   * runaway step cannot overflow */
  c->exp_cap = p->Delta_T > 0 ? (p->V_peak - p->V_T) / p->Delta_T + 5.0 : 0.0;
  c->inv_delta_t = p->Delta_T > 0 ? 1.0 / p->Delta_T : 0.0; /* a product vectorises better */
  c->ref_steps = (int32_t)llround(p->t_ref / dt);
  return fs_cond_syn_precompute(&p->syn, dt, &c->syn, err);
}

static void adex_rest_state(const void *params, double *state0) {
  const adex_params *p = params;
  state0[ADEX_V] = p->E_L;
  for (int k = ADEX_W; k < ADEX_N_STATE; k++)
    state0[k] = 0.0;
}

/* The per-neuron arrays of one step; restrict on parameters is what lets the compiler
 * vectorise (it ignores restrict on local pointers). */
typedef struct adex_arrays {
  double *v, *w, *ga, *gg, *nr, *nd, *in_a, *in_n, *in_g;
  int32_t *ref, *fired;
  double *mg_den, *exp_cur; /* the step's exponentials, from adex_exponentials */
} adex_arrays;

/* The two exponentials of each neuron at the start of the step, in a loop of their own: the
 * denominator of the Mg2+ block, 1 + [Mg]/K_Mg exp(-gamma V), and the exponential current,
 * g_L Delta_T exp((V - V_T)/Delta_T). Apart, the integration keeps fewer values live, and
 * neither loop spills its registers (in one loop, a step of AdEx cost 14 % more). */
static inline __attribute__((always_inline)) void
adex_exponentials(const adex_params *p, const adex_coeff *c, const double *restrict v,
                  double *restrict mg_den, double *restrict exp_cur, size_t begin, size_t end,
                  const bool nmda, const bool expo) {
  const double mg_ratio = c->syn.mg_ratio, mg_gamma = p->syn.mg_gamma;
  const double exp_gain = p->g_L * p->Delta_T, V_T = p->V_T, inv_delta_t = c->inv_delta_t;
  const double exp_cap = c->exp_cap;
  for (size_t i = begin; i < end; i++) {
    double v0 = v[i];
    if (nmda) mg_den[i] = 1.0 + mg_ratio * fs_exp(-mg_gamma * v0);
    if (expo) {
      double x = (v0 - V_T) * inv_delta_t;
      exp_cur[i] = exp_gain * fs_exp(x < exp_cap ? x : exp_cap);
    }
  }
}

/* Neurons [begin, end), with (nmda) or without NMDA input and with (expo) or without the
 * exponential current, given the step's exponentials; inlined with constant flags, so each
 * variant is a loop of its own without branches (threshold, reset and refractoriness are
 * selects) that vectorises. */
static inline __attribute__((always_inline)) void
adex_integrate(const adex_params *p, const adex_coeff *c, double i_const, double *restrict v,
               double *restrict w, double *restrict ga, double *restrict gg, double *restrict nr,
               double *restrict nd, double *restrict in_a, double *restrict in_n,
               double *restrict in_g, const double *restrict mg_den, const double *restrict exp_cur,
               int32_t *restrict ref, int32_t *restrict fired, size_t begin, size_t end,
               const bool nmda, const bool expo) {
  const fs_cond_syn_coeff *s = &c->syn;
  const double g_L = p->g_L, E_ex = p->syn.E_ex, E_in = p->syn.E_in, dt_over_c = c->dt_over_c;
  const double norm = s->nmda_norm, a_w = p->a, E_L = p->E_L, decay_w = c->decay_w;
  const double V_peak = p->V_peak, V_reset = p->V_reset, b = p->b;
  const int32_t ref_steps = c->ref_steps;
  for (size_t i = begin; i < end; i++) {
    double a = ga[i] + in_a[i], g = gg[i] + in_g[i];
    double r = nr[i] + in_n[i] * norm, d = nd[i] + in_n[i] * norm;
    in_a[i] = 0.0;
    in_g[i] = 0.0;
    in_n[i] = 0.0;
    double v0 = v[i], gbar_a = a * s->avg_ampa, gbar_g = g * s->avg_gaba, gbar_n = 0.0;
    if (nmda) gbar_n = (d * s->avg_nd - r * s->avg_nr) / mg_den[i];
    double g_tot = g_L + gbar_a + gbar_g + gbar_n;
    double i_tot = i_const + (gbar_a + gbar_n) * E_ex + gbar_g * E_in;
    if (expo) i_tot += exp_cur[i];
    i_tot -= w[i];
    double vn = fs_membrane_step(v0, g_tot, i_tot, dt_over_c);
    double w_inf = a_w * (v0 - E_L);
    double wn = w_inf + (w[i] - w_inf) * decay_w;
    int32_t rf = ref[i], spike = (rf <= 0) & (vn >= V_peak);
    ref[i] = spike ? ref_steps : (rf > 0 ? rf - 1 : 0);
    fired[i] = spike;
    v[i] = (rf > 0) | spike ? V_reset : vn;
    w[i] = spike ? wn + b : wn;
    ga[i] = a * s->decay_ampa;
    gg[i] = g * s->decay_gaba;
    nr[i] = r * s->decay_nr;
    nd[i] = d * s->decay_nd;
  }
}

#define ADEX_VARIANT(name, nmda, expo)                                                             \
  static void name(const adex_params *p, const adex_coeff *c, double i_const, adex_arrays x,       \
                   size_t begin, size_t end) {                                                     \
    adex_exponentials(p, c, x.v, x.mg_den, x.exp_cur, begin, end, nmda, expo);                     \
    adex_integrate(p, c, i_const, x.v, x.w, x.ga, x.gg, x.nr, x.nd, x.in_a, x.in_n, x.in_g,        \
                   x.mg_den, x.exp_cur, x.ref, x.fired, begin, end, nmda, expo);                   \
  }
ADEX_VARIANT(adex_nmda_exp, true, true)
ADEX_VARIANT(adex_nmda_lin, true, false)
ADEX_VARIANT(adex_exp, false, true)
ADEX_VARIANT(adex_lin, false, false)

static void adex_step(fs_population *pop, size_t begin, size_t end, fs_step_ctx *ctx) {
  const adex_params *p = pop->params;
  const adex_coeff *c = pop->coeff;
  const double i_const = p->g_L * p->E_L + p->I_e + ctx->i_ext;
  adex_arrays x = {pop->state[ADEX_V],
                   pop->state[ADEX_W],
                   pop->state[ADEX_G_AMPA],
                   pop->state[ADEX_G_GABA],
                   pop->state[ADEX_NMDA_R],
                   pop->state[ADEX_NMDA_D],
                   ctx->in[FS_CH_AMPA],
                   ctx->in[FS_CH_NMDA],
                   ctx->in[FS_CH_GABA_A],
                   pop->refractory,
                   ctx->fired,
                   ctx->scratch,
                   ctx->scratch + ctx->stride};
  bool expo = p->Delta_T > 0;
  size_t stop = fs_loop_end(ctx, end);
  if (pop->has_nmda)
    (expo ? adex_nmda_exp : adex_nmda_lin)(p, c, i_const, x, begin, stop);
  else
    (expo ? adex_exp : adex_lin)(p, c, i_const, x, begin, stop);
  fs_collect_spikes(ctx, begin, end);
}

static void adex_nmda_kinetics(const void *params, double *tau_rise, double *tau_decay) {
  const adex_params *p = params;
  *tau_rise = p->syn.tau_nmda_rise;
  *tau_decay = p->syn.tau_nmda_decay;
}

const fs_neuron_model fs_neuron_adex_cond = {
    .name = "adex_cond",
    .description = "adaptive exponential integrate-and-fire, conductance-based AMPA/NMDA/GABA-A",
    .params = adex_params_table,
    .n_params = sizeof adex_params_table / sizeof adex_params_table[0],
    .params_size = sizeof(adex_params),
    .state_names = adex_state_names,
    .state_kinds = adex_state_kinds,
    .n_state = ADEX_N_STATE,
    .v_index = ADEX_V,
    .coeff_size = sizeof(adex_coeff),
    .precompute = adex_precompute,
    .rest_state = adex_rest_state,
    .step = adex_step,
    .nmda_kinetics = adex_nmda_kinetics,
};
