/* synapse.c - the NMDA synapse agent: gating traces, open time and drug block, advanced in
 * closed form at each transmitter arrival (equations in include/fearsim/synapse.h). */
#include <fearsim/synapse.h>

#include <math.h>

fs_nmda_kinetics fs_nmda_kinetics_make(double tau_rise, double tau_decay, double p_open) {
  double t_peak = tau_decay * tau_rise / (tau_decay - tau_rise) * log(tau_decay / tau_rise);
  fs_nmda_kinetics k = {tau_rise, tau_decay,
                        1.0 / (exp(-t_peak / tau_decay) - exp(-t_peak / tau_rise)), p_open};
  return k;
}

double fs_nmda_open_time(const fs_nmda_kinetics *k, double x_rise, double x_decay, double h,
                         double a) {
  double decay_part = x_decay * k->tau_decay * -expm1(-h / k->tau_decay);
  double rise_part = x_rise * k->tau_rise * -expm1(-h / k->tau_rise);
  return k->p_open * a * (decay_part - rise_part);
}

double fs_nmda_agent_arrive(fs_nmda_agent *s, const fs_nmda_kinetics *k,
                            const fs_block_coeffs *bc, int64_t now, double dt, double conc,
                            double v, double a) {
  double h = (double)(now - s->t_last) * dt;
  double open = fs_nmda_open_time(k, s->x_rise, s->x_decay, h, a);
  s->block = fs_block_advance(bc, s->block, open, h - open, s->conc, v);
  s->conc = conc;
  s->x_rise = s->x_rise * exp(-h / k->tau_rise) + k->norm;
  s->x_decay = s->x_decay * exp(-h / k->tau_decay) + k->norm;
  s->t_last = now;
  return s->block;
}
