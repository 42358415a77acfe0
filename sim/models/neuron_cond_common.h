/* neuron_cond_common.h - the conductance-based synaptic input shared by the lif_cond and
 * adex_cond neuron models: AMPA and GABA-A single-exponential conductances and an NMDA
 * dual-exponential conductance with Jahr & Stevens Mg2+ block (docs/model.md §2).
 *
 *   g_x(t) jumps by w at a spike and decays as exp(-t/tau_x)          (AMPA, GABA-A)
 *   g_N(t) = w * N * (exp(-t/tau_d) - exp(-t/tau_r)), N normalises the peak to w
 *   I_syn  = g_A (E_ex - V) + g_G (E_in - V) + g_N B(V) (E_ex - V)
 *   B(V)   = 1 / (1 + [Mg]/K_Mg * exp(-gamma V))
 *
 * Within a step the conductances decay exactly; the membrane sees their exact average
 * over the step, and B at the start of the step. */
#ifndef FEARSIM_NEURON_COND_COMMON_H
#define FEARSIM_NEURON_COND_COMMON_H

#include <math.h>
#include <stddef.h>

#include <fearsim/neuron.h>
#include <fearsim/param.h>

typedef struct fs_cond_syn_params {
  double E_ex, E_in;
  double tau_ampa, tau_gaba, tau_nmda_rise, tau_nmda_decay;
  double mg, k_mg, mg_gamma;
} fs_cond_syn_params;

typedef struct fs_cond_syn_coeff {
  double decay_ampa, decay_gaba, decay_nr, decay_nd; /* exp(-dt/tau) */
  double avg_ampa, avg_gaba, avg_nr, avg_nd;         /* (tau/dt)(1 - exp(-dt/tau)) */
  double nmda_norm;                                  /* N */
  double mg_ratio;                                   /* [Mg]/K_Mg */
} fs_cond_syn_coeff;

/* Parameter rows for the synaptic part of a model whose parameter struct has a
 * fs_cond_syn_params member named syn. Defaults: docs/model.md §S1.1–S1.2, §S9. */
#define FS_COND_SYN_PARAM_ROWS(T)                                                                  \
  {"E_ex",                                                                                         \
   FS_UNIT_VOLTAGE,                                                                                \
   0.0,                                                                                            \
   -0.2,                                                                                           \
   0.2,                                                                                            \
   0,                                                                                              \
   offsetof(T, syn.E_ex),                                                                          \
   "reversal potential of AMPA and NMDA",                                                          \
   "typical model values (docs/model.md §S1.2)"},                                                  \
      {"E_in",                                                                                     \
       FS_UNIT_VOLTAGE,                                                                            \
       -70e-3,                                                                                     \
       -0.2,                                                                                       \
       0.2,                                                                                        \
       0,                                                                                          \
       offsetof(T, syn.E_in),                                                                      \
       "reversal potential of GABA-A",                                                             \
       "typical model values (docs/model.md §S1.2)"},                                              \
      {"tau_ampa",                                                                                 \
       FS_UNIT_TIME,                                                                               \
       2e-3,                                                                                       \
       0.0,                                                                                        \
       1.0,                                                                                        \
       FS_PARAM_MIN_EXCLUSIVE,                                                                     \
       offsetof(T, syn.tau_ampa),                                                                  \
       "AMPA decay time constant",                                                                 \
       "typical model values (docs/model.md §S1.2)"},                                              \
      {"tau_gaba",                                                                                 \
       FS_UNIT_TIME,                                                                               \
       5e-3,                                                                                       \
       0.0,                                                                                        \
       1.0,                                                                                        \
       FS_PARAM_MIN_EXCLUSIVE,                                                                     \
       offsetof(T, syn.tau_gaba),                                                                  \
       "GABA-A decay time constant",                                                               \
       "typical model values (docs/model.md §S1.2)"},                                              \
      {"tau_nmda_rise",                                                                            \
       FS_UNIT_TIME,                                                                               \
       2e-3,                                                                                       \
       0.0,                                                                                        \
       1.0,                                                                                        \
       FS_PARAM_MIN_EXCLUSIVE,                                                                     \
       offsetof(T, syn.tau_nmda_rise),                                                             \
       "NMDA rise time constant",                                                                  \
       "typical model values (docs/model.md §S1.2)"},                                              \
      {"tau_nmda_decay",                                                                           \
       FS_UNIT_TIME,                                                                               \
       100e-3,                                                                                     \
       0.0,                                                                                        \
       10.0,                                                                                       \
       FS_PARAM_MIN_EXCLUSIVE,                                                                     \
       offsetof(T, syn.tau_nmda_decay),                                                            \
       "NMDA decay time constant",                                                                 \
       "typical model values (docs/model.md §S1.2)"},                                              \
      {"mg",                                                                                       \
       FS_UNIT_MOLAR,                                                                              \
       1.0,                                                                                        \
       0.0,                                                                                        \
       100.0,                                                                                      \
       0,                                                                                          \
       offsetof(T, syn.mg),                                                                        \
       "extracellular Mg2+ concentration",                                                         \
       "Jahr & Stevens 1990, J Neurosci 10:3178 (1 mM, physiological)"},                           \
      {"k_mg",                                                                                     \
       FS_UNIT_MOLAR,                                                                              \
       3.57,                                                                                       \
       0.0,                                                                                        \
       1000.0,                                                                                     \
       FS_PARAM_MIN_EXCLUSIVE,                                                                     \
       offsetof(T, syn.k_mg),                                                                      \
       "Mg2+ block constant K_Mg at 0 mV (Jahr & Stevens 1990)",                                   \
       "Jahr & Stevens 1990, J Neurosci 10:3178"},                                                 \
  {                                                                                                \
    "mg_gamma", FS_UNIT_INV_VOLTAGE, 62.0, 0.0, 1000.0, 0, offsetof(T, syn.mg_gamma),              \
        "voltage coefficient of the Mg2+ block (Jahr & Stevens 1990)",                             \
        "Jahr & Stevens 1990, J Neurosci 10:3178"                                                  \
  }

/* Checks the NMDA time constants and builds the coefficients for step dt. */
fs_status fs_cond_syn_precompute(const fs_cond_syn_params *p, double dt, fs_cond_syn_coeff *c,
                                 fs_error *err);

/* One step of C dV/dt = I_tot - g_tot V with g_tot, I_tot constant over the step:
 *   V' = V_inf + (V - V_inf) exp(-x),  V_inf = I_tot / g_tot,  x = dt g_tot / C,
 * with exp(-x) by its (2,2) Pade approximant R = (12 - 6x + x^2) / (12 + 6x + x^2), whose
 * relative error is below x^5/720 (x is 1e-3 .. 0.1 here). Rearranged, since
 * V_inf (1 - R) = 12 I_tot (dt/C) / (12 + 6x + x^2), it needs a single division and plain
 * arithmetic: it vectorises and gives the same bits on every path. */
static inline double fs_membrane_step(double v, double g_tot, double i_tot, double dt_over_c) {
  double x = g_tot * dt_over_c, x2 = x * x;
  return (v * (12.0 - 6.0 * x + x2) + 12.0 * dt_over_c * i_tot) / (12.0 + 6.0 * x + x2);
}

#endif
