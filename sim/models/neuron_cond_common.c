/* neuron_cond_common.c - coefficients of the conductance-based synaptic input. */
#include "neuron_cond_common.h"
#include <fearsim/elementary.h>

static double step_average(double tau, double dt) {
  return tau / dt * -fs_expm1(-dt / tau);
}

fs_status fs_cond_syn_precompute(const fs_cond_syn_params *p, double dt, fs_cond_syn_coeff *c,
                                 fs_error *err) {
  double tr = p->tau_nmda_rise, td = p->tau_nmda_decay;
  if (!(tr < td))
    return fs_error_set(err, FS_ERR_INPUT,
                        "tau_nmda_rise (%g s) must be shorter than tau_nmda_decay (%g s)", tr, td);
  c->decay_ampa = fs_exp(-dt / p->tau_ampa);
  c->decay_gaba = fs_exp(-dt / p->tau_gaba);
  c->decay_nr = fs_exp(-dt / tr);
  c->decay_nd = fs_exp(-dt / td);
  c->avg_ampa = step_average(p->tau_ampa, dt);
  c->avg_gaba = step_average(p->tau_gaba, dt);
  c->avg_nr = step_average(tr, dt);
  c->avg_nd = step_average(td, dt);
  double t_peak = td * tr / (td - tr) * fs_log(td / tr);
  c->nmda_norm = 1.0 / (fs_exp(-t_peak / td) - fs_exp(-t_peak / tr));
  c->mg_ratio = p->mg / p->k_mg;
  return FS_OK;
}
