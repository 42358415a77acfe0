/* neuron.h - the neuron-model registry. A model is a const row (name, parameter table,
 * state variables, precompute, step) found by the name the experiment gives it; adding a
 * model means one file in sim/models/ and one row in sim/neuron.c. The row also declares
 * what the engine needs to know about it: which state variable is the membrane potential
 * and the NMDA receptor kinetics (NULL for a model without NMDA receptors). */
#ifndef FEARSIM_NEURON_H
#define FEARSIM_NEURON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fearsim/error.h>
#include <fearsim/param.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Receptor channels of a population's input; a projection targets one of them. */
typedef enum fs_channel { FS_CH_AMPA, FS_CH_NMDA, FS_CH_GABA_A, FS_N_CHANNELS } fs_channel;

typedef struct fs_population fs_population;
typedef struct fs_step_ctx fs_step_ctx;

typedef struct fs_neuron_model {
  const char *name; /* the YAML value: "lif_cond" */
  const char *description;
  const fs_param_spec *params;
  size_t n_params;
  size_t params_size;             /* sizeof the model's parameter struct */
  const char *const *state_names; /* the per-neuron state arrays, for init and recording */
  const fs_unit_kind *state_kinds;
  size_t n_state;
  size_t v_index;    /* the state variable that is the membrane potential (V), < n_state */
  size_t coeff_size; /* sizeof the model's precomputed coefficients */
  /* Checks relations between parameters (e.g. V_reset < V_th) and builds the exact
   * propagators for step dt. On failure err holds a message without location. */
  fs_status (*precompute)(const void *params, double dt, void *coeff, fs_error *err);
  /* The resting value of each state variable, written into state0[n_state]. */
  void (*rest_state)(const void *params, double *state0);
  /* Advances neurons [begin, end) by one step; see fs_step_ctx in sim/network_impl.h. */
  void (*step)(fs_population *pop, size_t begin, size_t end, fs_step_ctx *ctx);
  /* The rise and decay time constants (s) of the model's NMDA conductance, read from its
   * parameters; NULL if the model has no NMDA receptors (no nmda or ampa_nmda projection
   * may then target it). */
  void (*nmda_kinetics)(const void *params, double *tau_rise, double *tau_decay);
} fs_neuron_model;

/* The row named name; otherwise NULL and err says `unknown neuron model "x" (known: ...)`
 * with a "did you mean" when one is close. */
const fs_neuron_model *fs_neuron_model_find(const char *name, fs_error *err);

size_t fs_neuron_model_count(void);
const fs_neuron_model *fs_neuron_model_at(size_t i);

/* The index of a state variable of model, or -1. */
int fs_neuron_model_state_index(const fs_neuron_model *model, const char *name);

/* The NMDA rise and decay time constants (s) of a population of model with parameters
 * params. FS_ERR_INPUT if the model has no NMDA receptors (`neuron model "x" has no NMDA
 * receptors`); the outputs are then untouched. */
fs_status fs_neuron_model_get_nmda_kinetics(const fs_neuron_model *model, const void *params,
                                            double *tau_rise, double *tau_decay, fs_error *err);

/* Does the model have NMDA receptors (does it declare its NMDA kinetics)? */
static inline bool fs_neuron_model_has_nmda(const fs_neuron_model *model) {
  return model->nmda_kinetics != NULL;
}

/* The value of parameter name in a model's parameter struct; FS_ERR_INTERNAL if the model
 * has no such parameter. */
fs_status fs_neuron_model_get_param(const fs_neuron_model *model, const void *params,
                                    const char *name, double *out, fs_error *err);

/* Jahr & Stevens (1990) Mg2+ block B(V) = 1 / (1 + [Mg]/K_Mg * exp(-gamma*V)), SI units
 * (mg and k_mg in mol/m^3, gamma in 1/V, v in V). */
double fs_neuron_mg_block(double v, double mg, double k_mg, double gamma);

#ifdef __cplusplus
}
#endif
#endif
