/* neuron.c - the neuron-model registry: one row per model in sim/models/. */
#include <fearsim/elementary.h>
#include <fearsim/config.h>
#include <fearsim/neuron.h>
#include <fearsim/registry.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

extern const fs_neuron_model fs_neuron_lif_cond;
extern const fs_neuron_model fs_neuron_adex_cond;

static const fs_neuron_model *const neuron_models[] = {&fs_neuron_lif_cond, &fs_neuron_adex_cond};
#define N_MODELS (sizeof neuron_models / sizeof neuron_models[0])

size_t fs_neuron_model_count(void) {
  return N_MODELS;
}

const fs_neuron_model *fs_neuron_model_at(size_t i) {
  return i < N_MODELS ? neuron_models[i] : NULL;
}

const fs_neuron_model *fs_neuron_model_find(const char *name, fs_error *err) {
  return fs_registry_find((const void *const *)neuron_models, N_MODELS, "neuron model", name, err);
}

int fs_neuron_model_state_index(const fs_neuron_model *model, const char *name) {
  for (size_t k = 0; k < model->n_state; k++)
    if (strcmp(model->state_names[k], name) == 0) return (int)k;
  return -1;
}

double fs_neuron_mg_block(double v, double mg, double k_mg, double gamma) {
  return 1.0 / (1.0 + mg / k_mg * fs_exp(-gamma * v));
}

fs_status fs_neuron_model_get_nmda_kinetics(const fs_neuron_model *model, const void *params,
                                            double *tau_rise, double *tau_decay, fs_error *err) {
  if (model->nmda_kinetics == NULL)
    return fs_error_set(err, FS_ERR_INPUT, "neuron model %s has no NMDA receptors", model->name);
  model->nmda_kinetics(params, tau_rise, tau_decay);
  return FS_OK;
}

fs_status fs_neuron_model_get_param(const fs_neuron_model *model, const void *params,
                                    const char *name, double *out, fs_error *err) {
  const fs_param_spec *spec = fs_params_find(model->params, model->n_params, name);
  if (spec == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "neuron model %s has no parameter %s", model->name,
                        name);
  memcpy(out, (const char *)params + spec->offset, sizeof *out);
  return FS_OK;
}
