/* neuron_lif_cond.c - leaky integrate-and-fire neuron with conductance-based AMPA, NMDA
 * (Mg2+ block) and GABA-A synapses (docs/model.md §2).
 *
 *   C dV/dt = g_L (E_L - V) + I_syn(V) + I_e + I_ext
 *   V >= V_th: spike, V = V_reset for t_ref
 *
 * Integration: conductances decay exactly; over one step the membrane relaxes towards
 * V_inf = (g_L E_L + sum g_x E_x + I) / g_tot with the factor exp(-dt g_tot / C), g_x the
 * exact step averages (neuron_cond_common.h). For constant conductances this is the
 * closed-form solution (to the Pade approximant's 1e-10 relative accuracy at dt = 0.1 ms). The
 * Mg2+ block uses fs_exp (include/fearsim/elementary.h), so every loop vectorises.
 *
 * | name      | default  | unit | meaning                       | source                   |
 * |-----------|----------|------|-------------------------------|--------------------------|
 * | C_m       | 250 pF   | F    | membrane capacitance          | model.md §S6 (Vlachos)   |
 * | g_L       | 16.7 nS  | S    | leak conductance              | model.md §S6 (Vlachos)   |
 * | E_L       | -70 mV   | V    | leak reversal potential       | model.md §S6             |
 * | V_th      | -50 mV   | V    | spike threshold               | model.md §S6             |
 * | V_reset   | -70 mV   | V    | reset potential               | model.md §S6             |
 * | t_ref     | 2 ms     | s    | refractory period             | model.md §S6             |
 * | I_e       | 0 pA     | A    | constant injected current     |                          |
 * plus the synaptic rows of neuron_cond_common.h (E_ex 0 mV, E_in -70 mV, tau_ampa 2 ms,
 * tau_gaba 5 ms, NMDA 2/100 ms, Mg 1 mM, K_Mg 3.57 mM, gamma 0.062 /mV: docs/model.md §S1, §S9). */
#include <math.h>

#include <fearsim/elementary.h>

#include "neuron_cond_common.h"
#include "network_impl.h"

typedef struct lif_params {
  double C_m, g_L, E_L, V_th, V_reset, t_ref, I_e;
  fs_cond_syn_params syn;
} lif_params;

typedef struct lif_coeff {
  fs_cond_syn_coeff syn;
  double dt_over_c;
  int32_t ref_steps;
} lif_coeff;

enum { LIF_V, LIF_G_AMPA, LIF_G_GABA, LIF_NMDA_R, LIF_NMDA_D, LIF_N_STATE };

static const char *const lif_state_names[] = {"v", "g_ampa", "g_gaba", "nmda_rise", "nmda_decay"};
static const fs_unit_kind lif_state_kinds[] = {FS_UNIT_VOLTAGE, FS_UNIT_CONDUCTANCE,
                                               FS_UNIT_CONDUCTANCE, FS_UNIT_CONDUCTANCE,
                                               FS_UNIT_CONDUCTANCE};

static const fs_param_spec lif_params_table[] = {
    {"C_m", FS_UNIT_CAPACITANCE, 250e-12, 0.0, 1e-6, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(lif_params, C_m), "membrane capacitance",
     "Vlachos et al. 2011, PLoS Comput Biol 7:e1001104"},
    {"g_L", FS_UNIT_CONDUCTANCE, 16.7e-9, 0.0, 1e-3, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(lif_params, g_L), "leak conductance",
     "Vlachos et al. 2011, PLoS Comput Biol 7:e1001104"},
    {"E_L", FS_UNIT_VOLTAGE, -70e-3, -0.2, 0.2, 0, offsetof(lif_params, E_L),
     "leak reversal potential", "Vlachos et al. 2011, PLoS Comput Biol 7:e1001104"},
    {"V_th", FS_UNIT_VOLTAGE, -50e-3, -0.2, 0.2, 0, offsetof(lif_params, V_th), "spike threshold",
     "Vlachos et al. 2011, PLoS Comput Biol 7:e1001104"},
    {"V_reset", FS_UNIT_VOLTAGE, -70e-3, -0.2, 0.2, 0, offsetof(lif_params, V_reset),
     "reset potential", "Vlachos et al. 2011, PLoS Comput Biol 7:e1001104"},
    {"t_ref", FS_UNIT_TIME, 2e-3, 0.0, 1.0, 0, offsetof(lif_params, t_ref), "refractory period",
     "Vlachos et al. 2011, PLoS Comput Biol 7:e1001104"},
    {"I_e", FS_UNIT_CURRENT, 0.0, -1e-6, 1e-6, 0, offsetof(lif_params, I_e),
     "constant injected current", "fearsim (judgment)"},
    FS_COND_SYN_PARAM_ROWS(lif_params),
};

static fs_status lif_precompute(const void *params, double dt, void *coeff, fs_error *err) {
  const lif_params *p = params;
  lif_coeff *c = coeff;
  if (!(p->V_reset < p->V_th))
    return fs_error_set(err, FS_ERR_INPUT, "V_reset (%g V) must be below V_th (%g V)", p->V_reset,
                        p->V_th);
  c->dt_over_c = dt / p->C_m;
  c->ref_steps = (int32_t)llround(p->t_ref / dt);
  return fs_cond_syn_precompute(&p->syn, dt, &c->syn, err);
}

static void lif_rest_state(const void *params, double *state0) {
  const lif_params *p = params;
  state0[LIF_V] = p->E_L;
  for (int k = LIF_G_AMPA; k < LIF_N_STATE; k++)
    state0[k] = 0.0;
}

/* The per-neuron arrays of one step; restrict on parameters is what lets the compiler
 * vectorise (it ignores restrict on local pointers). */
typedef struct lif_arrays {
  double *v, *ga, *gg, *nr, *nd, *in_a, *in_n, *in_g;
  int32_t *ref;
  int32_t *fired;
} lif_arrays;

/* Threshold, reset and refractoriness, written as selects (no branch) so that the loops
 * vectorise: a neuron not refractory whose V reached V_th fires, V goes to V_reset and stays
 * there for ref_steps steps. */
#define LIF_FIRE(vn, r, v_out, ref_out, fired_out)                                                 \
  do {                                                                                             \
    int32_t spike_ = ((r) <= 0) & ((vn) >= v_th);                                                  \
    (ref_out) = spike_ ? ref_steps : ((r) > 0 ? (r)-1 : 0);                                        \
    (fired_out) = spike_;                                                                          \
    (v_out) = ((r) > 0) | spike_ ? v_reset : (vn);                                                 \
  } while (0)

/* Membrane and conductances of neurons [begin, end) without NMDA input: no exp(). */
static void lif_integrate_fast(const lif_params *p, const lif_coeff *c, double i_const,
                               double *restrict v, double *restrict ga, double *restrict gg,
                               double *restrict in_a, double *restrict in_g, int32_t *restrict ref,
                               int32_t *restrict fired, size_t begin, size_t end) {
  const double g_L = p->g_L, E_ex = p->syn.E_ex, E_in = p->syn.E_in;
  const double avg_a = c->syn.avg_ampa, avg_g = c->syn.avg_gaba, dt_over_c = c->dt_over_c;
  const double dec_a = c->syn.decay_ampa, dec_g = c->syn.decay_gaba;
  const double v_th = p->V_th, v_reset = p->V_reset;
  const int32_t ref_steps = c->ref_steps;
  for (size_t i = begin; i < end; i++) {
    double a = ga[i] + in_a[i], g = gg[i] + in_g[i];
    double gbar_a = a * avg_a, gbar_g = g * avg_g;
    in_a[i] = 0.0;
    in_g[i] = 0.0;
    double g_tot = g_L + gbar_a + gbar_g;
    double i_tot = i_const + gbar_a * E_ex + gbar_g * E_in;
    double vn = fs_membrane_step(v[i], g_tot, i_tot, dt_over_c);
    int32_t r = ref[i];
    LIF_FIRE(vn, r, v[i], ref[i], fired[i]);
    ga[i] = a * dec_a;
    gg[i] = g * dec_g;
  }
}

/* The unblocked fraction B(V) of each neuron's NMDA receptors at the start of the step (with
 * fs_exp, which vectorises). */
static void mg_unblocked(const lif_params *p, const lif_coeff *c, const double *restrict v,
                         double *restrict out, size_t begin, size_t end) {
  const double ratio = c->syn.mg_ratio, gamma = p->syn.mg_gamma;
  for (size_t i = begin; i < end; i++)
    out[i] = 1.0 / (1.0 + ratio * fs_exp(-gamma * v[i]));
}

/* The same as lif_integrate_fast with the NMDA conductance, given B(V) in unblocked. */
static void lif_integrate_nmda(const lif_params *p, const lif_coeff *c, double i_const,
                               double *restrict v, double *restrict ga, double *restrict gg,
                               double *restrict nr, double *restrict nd, double *restrict in_a,
                               double *restrict in_g, double *restrict in_n,
                               const double *restrict unblocked, int32_t *restrict ref,
                               int32_t *restrict fired, size_t begin, size_t end) {
  const double g_L = p->g_L, E_ex = p->syn.E_ex, E_in = p->syn.E_in, dt_over_c = c->dt_over_c;
  const double avg_a = c->syn.avg_ampa, avg_g = c->syn.avg_gaba, avg_r = c->syn.avg_nr;
  const double avg_d = c->syn.avg_nd, norm = c->syn.nmda_norm;
  const double dec_a = c->syn.decay_ampa, dec_g = c->syn.decay_gaba, dec_r = c->syn.decay_nr;
  const double dec_d = c->syn.decay_nd, v_th = p->V_th, v_reset = p->V_reset;
  const int32_t ref_steps = c->ref_steps;
  for (size_t i = begin; i < end; i++) {
    double a = ga[i] + in_a[i], g = gg[i] + in_g[i];
    double r = nr[i] + in_n[i] * norm, d = nd[i] + in_n[i] * norm;
    in_a[i] = 0.0;
    in_g[i] = 0.0;
    in_n[i] = 0.0;
    double gbar_a = a * avg_a, gbar_g = g * avg_g, gbar_n = (d * avg_d - r * avg_r) * unblocked[i];
    double g_tot = g_L + gbar_a + gbar_g + gbar_n;
    double i_tot = i_const + (gbar_a + gbar_n) * E_ex + gbar_g * E_in;
    double vn = fs_membrane_step(v[i], g_tot, i_tot, dt_over_c);
    int32_t rf = ref[i];
    LIF_FIRE(vn, rf, v[i], ref[i], fired[i]);
    ga[i] = a * dec_a;
    gg[i] = g * dec_g;
    nr[i] = r * dec_r;
    nd[i] = d * dec_d;
  }
}

static void lif_step(fs_population *pop, size_t begin, size_t end, fs_step_ctx *ctx) {
  const lif_params *p = pop->params;
  const lif_coeff *c = pop->coeff;
  const double i_const = p->g_L * p->E_L + p->I_e + ctx->i_ext;
  lif_arrays x = {pop->state[LIF_V],      pop->state[LIF_G_AMPA],
                  pop->state[LIF_G_GABA], pop->state[LIF_NMDA_R],
                  pop->state[LIF_NMDA_D], ctx->in[FS_CH_AMPA],
                  ctx->in[FS_CH_NMDA],    ctx->in[FS_CH_GABA_A],
                  pop->refractory,        ctx->fired};
  size_t stop = fs_loop_end(ctx, end);
  if (pop->has_nmda) {
    mg_unblocked(p, c, x.v, ctx->scratch, begin, stop);
    lif_integrate_nmda(p, c, i_const, x.v, x.ga, x.gg, x.nr, x.nd, x.in_a, x.in_g, x.in_n,
                       ctx->scratch, x.ref, x.fired, begin, stop);
  } else
    lif_integrate_fast(p, c, i_const, x.v, x.ga, x.gg, x.in_a, x.in_g, x.ref, x.fired, begin, stop);
  fs_collect_spikes(ctx, begin, end);
}

static void lif_nmda_kinetics(const void *params, double *tau_rise, double *tau_decay) {
  const lif_params *p = params;
  *tau_rise = p->syn.tau_nmda_rise;
  *tau_decay = p->syn.tau_nmda_decay;
}

const fs_neuron_model fs_neuron_lif_cond = {
    .name = "lif_cond",
    .description = "leaky integrate-and-fire, conductance-based AMPA/NMDA/GABA-A",
    .params = lif_params_table,
    .n_params = sizeof lif_params_table / sizeof lif_params_table[0],
    .params_size = sizeof(lif_params),
    .state_names = lif_state_names,
    .state_kinds = lif_state_kinds,
    .n_state = LIF_N_STATE,
    .v_index = LIF_V,
    .coeff_size = sizeof(lif_coeff),
    .precompute = lif_precompute,
    .rest_state = lif_rest_state,
    .step = lif_step,
    .nmda_kinetics = lif_nmda_kinetics,
};
