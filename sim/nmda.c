/* nmda.c - the NMDA synapse agent: gating traces, open time and drug block, advanced in
 * closed form at each transmitter arrival (equations in include/fearsim/nmda.h). */
#include <fearsim/elementary.h>
#include <fearsim/nmda.h>

#include <math.h>

fs_nmda_kinetics fs_nmda_kinetics_make(double tau_rise, double tau_decay, double p_open) {
  double t_peak = tau_decay * tau_rise / (tau_decay - tau_rise) * fs_log(tau_decay / tau_rise);
  fs_nmda_kinetics k = {tau_rise, tau_decay,
                        1.0 / (fs_exp(-t_peak / tau_decay) - fs_exp(-t_peak / tau_rise)), p_open,
                        NULL};
  return k;
}

void fs_nmda_table_fill(const fs_nmda_kinetics *k, double dt, fs_nmda_table *table) {
  table->dt = dt;
  for (int64_t n = 0; n < FS_NMDA_TABLE; n++) {
    double h = (double)n * dt;
    table->em_rise[n] = fs_expm1(-h / k->tau_rise);
    table->em_decay[n] = fs_expm1(-h / k->tau_decay);
    table->decay_rise[n] = fs_exp(-h / k->tau_rise);
    table->decay_decay[n] = fs_exp(-h / k->tau_decay);
  }
}

/* The table's row for a gap of n steps at time step dt, or NULL when it has none. */
static const fs_nmda_table *table_for(const fs_nmda_kinetics *k, int64_t n, double dt) {
  const fs_nmda_table *t = k->table;
  return t != NULL && t->dt == dt && n >= 0 && n < FS_NMDA_TABLE ? t : NULL;
}

/* expm1(-h / tau) of both traces over a gap of n steps, h = n dt. */
static void decay_terms(const fs_nmda_kinetics *k, int64_t n, double dt, double *em_rise,
                        double *em_decay) {
  const fs_nmda_table *t = table_for(k, n, dt);
  if (t != NULL) {
    *em_rise = t->em_rise[n];
    *em_decay = t->em_decay[n];
    return;
  }
  double h = (double)n * dt;
  *em_rise = fs_expm1(-h / k->tau_rise);
  *em_decay = fs_expm1(-h / k->tau_decay);
}

/* Open time from the traces and the decay terms expm1(-h/tau) of rise and decay. */
static double open_time(const fs_nmda_kinetics *k, double x_rise, double x_decay, double em_rise,
                        double em_decay, double a) {
  return k->p_open * a * (x_rise * k->tau_rise * em_rise - x_decay * k->tau_decay * em_decay);
}

double fs_nmda_open_time(const fs_nmda_kinetics *k, double x_rise, double x_decay, double h,
                         double a) {
  return open_time(k, x_rise, x_decay, fs_expm1(-h / k->tau_rise), fs_expm1(-h / k->tau_decay), a);
}

/* One expm1 per trace serves both the open time and the traces' decay. */
double fs_nmda_agent_arrive(fs_nmda_agent *s, const fs_nmda_kinetics *k, const fs_block_coeffs *bc,
                            int64_t now, double dt, double conc, double v, double a) {
  double h = (double)(now - s->t_last) * dt, em_rise, em_decay;
  decay_terms(k, now - s->t_last, dt, &em_rise, &em_decay);
  double open = open_time(k, s->x_rise, s->x_decay, em_rise, em_decay, a);
  s->block = fs_drug_block_advance(bc, s->block, open, h - open, s->conc, v);
  s->conc = conc;
  s->x_rise = s->x_rise * (1.0 + em_rise) + k->norm;
  s->x_decay = s->x_decay * (1.0 + em_decay) + k->norm;
  s->t_last = now;
  return s->block;
}

void fs_nmda_agent_bind(fs_nmda_agent *s, const fs_nmda_kinetics *k, int64_t now, double dt) {
  double em_rise, em_decay;
  /* as fs_nmda_agent_arrive does, so the traces are the same with and without a drug */
  decay_terms(k, now - s->t_last, dt, &em_rise, &em_decay);
  s->x_rise = s->x_rise * (1.0 + em_rise) + k->norm;
  s->x_decay = s->x_decay * (1.0 + em_decay) + k->norm;
  s->t_last = now;
}

double fs_nmda_agent_gating(const fs_nmda_agent *s, const fs_nmda_kinetics *k, int64_t at,
                            double dt) {
  double h = (double)(at - s->t_last) * dt, x_rise = s->x_rise, x_decay = s->x_decay;
  if (h < 0) {
    x_rise -= k->norm;
    x_decay -= k->norm;
  }
  const fs_nmda_table *t = table_for(k, at - s->t_last, dt);
  if (t != NULL)
    return x_decay * t->decay_decay[at - s->t_last] - x_rise * t->decay_rise[at - s->t_last];
  return x_decay * fs_exp(-h / k->tau_decay) - x_rise * fs_exp(-h / k->tau_rise);
}
