/* synapse.c - the NMDA synapse agent: gating traces, open time and drug block, advanced in
 * closed form at each transmitter arrival (equations in include/fearsim/synapse.h). */
#include <fearsim/synapse.h>

#include "synapse_impl.h"

#include <math.h>

fs_nmda_kinetics fs_nmda_kinetics_make(double tau_rise, double tau_decay, double p_open) {
  double t_peak = tau_decay * tau_rise / (tau_decay - tau_rise) * log(tau_decay / tau_rise);
  fs_nmda_kinetics k = {tau_rise, tau_decay,
                        1.0 / (exp(-t_peak / tau_decay) - exp(-t_peak / tau_rise)), p_open};
  return k;
}

/* Open time from the traces and the decay terms expm1(-h/tau) of rise and decay. */
static double open_time(const fs_nmda_kinetics *k, double x_rise, double x_decay, double em_rise,
                        double em_decay, double a) {
  return k->p_open * a * (x_rise * k->tau_rise * em_rise - x_decay * k->tau_decay * em_decay);
}

double fs_nmda_open_time(const fs_nmda_kinetics *k, double x_rise, double x_decay, double h,
                         double a) {
  return open_time(k, x_rise, x_decay, expm1(-h / k->tau_rise), expm1(-h / k->tau_decay), a);
}

/* One expm1 per trace serves both the open time and the traces' decay. */
double fs_nmda_agent_arrive(fs_nmda_agent *s, const fs_nmda_kinetics *k, const fs_block_coeffs *bc,
                            int64_t now, double dt, double conc, double v, double a) {
  double h = (double)(now - s->t_last) * dt;
  double em_rise = expm1(-h / k->tau_rise), em_decay = expm1(-h / k->tau_decay);
  double open = open_time(k, s->x_rise, s->x_decay, em_rise, em_decay, a);
  s->block = fs_block_advance(bc, s->block, open, h - open, s->conc, v);
  s->conc = conc;
  s->x_rise = s->x_rise * (1.0 + em_rise) + k->norm;
  s->x_decay = s->x_decay * (1.0 + em_decay) + k->norm;
  s->t_last = now;
  return s->block;
}

void fs_nmda_agent_bind(fs_nmda_agent *s, const fs_nmda_kinetics *k, int64_t now, double dt) {
  double h = (double)(now - s->t_last) * dt;
  /* as fs_nmda_agent_arrive does, so the traces are the same with and without a drug */
  s->x_rise = s->x_rise * (1.0 + expm1(-h / k->tau_rise)) + k->norm;
  s->x_decay = s->x_decay * (1.0 + expm1(-h / k->tau_decay)) + k->norm;
  s->t_last = now;
}

double fs_nmda_agent_gating(const fs_nmda_agent *s, const fs_nmda_kinetics *k, int64_t at,
                            double dt) {
  double h = (double)(at - s->t_last) * dt, x_rise = s->x_rise, x_decay = s->x_decay;
  if (h < 0) {
    x_rise -= k->norm;
    x_decay -= k->norm;
  }
  return x_decay * exp(-h / k->tau_decay) - x_rise * exp(-h / k->tau_rise);
}

/* --- plastic synapse agents (sim/synapse_impl.h) ------------------------------------- */

/* The presynaptic calcium jump sees the synapse's NMDA availability: its blocked fraction
 * and the competitive and glycine-site factors of the moment. */
static double availability(const fs_proj_part *part, uint64_t s, const fs_plastic_env *e) {
  double unblocked = part->block ? 1.0 - part->block[s] : 1.0;
  return unblocked * e->nmda_factor;
}

static double pre_jump(const fs_proj_part *part, uint64_t s, const fs_plastic_env *e) {
  return e->gb->c_pre * availability(part, s, e);
}

/* The state of synapse y brought to step to, without storing it: the calcium jumps due are
 * applied (*used of them) and the noise stream advanced. */
static fs_gb_state advanced(const fs_proj_part *part, uint64_t s, int64_t to,
                            const fs_plastic_env *e, fs_rng *noise, int *used) {
  const fs_plastic_syn *y = &part->plast[s];
  int64_t cur = y->t_plast;
  int n = y->n_pend, k = 0;
  fs_gb_state st = {y->ca, y->rho};
  uint64_t who = (uint64_t)y->post * e->n_pre + y->pre;
  *noise = fs_rng_make(e->seed, fs_rng_stream_id(FS_RNG_PLASTIC, e->proj, who), y->noise_ctr);
  for (; k < n && y->t_plast + y->pend[k] <= to; k++) {
    int64_t at = y->t_plast + y->pend[k];
    fs_gb_advance(e->gb, &st, (double)(at - cur) * e->dt, noise);
    st.c += pre_jump(part, s, e);
    cur = at;
  }
  fs_gb_advance(e->gb, &st, (double)(to - cur) * e->dt, noise);
  *used = k;
  return st;
}

void fs_plastic_advance(fs_proj_part *part, uint64_t s, int64_t to, const fs_plastic_env *e) {
  fs_rng noise;
  int used;
  fs_gb_state st = advanced(part, s, to, e, &noise, &used);
  fs_plastic_syn *y = &part->plast[s];
  for (int i = used; i < y->n_pend; i++)
    y->pend[i - used] = (uint16_t)(y->t_plast + y->pend[i] - to);
  y->n_pend = (uint8_t)(y->n_pend - used);
  y->t_plast = to;
  y->ca = st.c;
  y->rho = st.rho;
  y->noise_ctr = (uint32_t)noise.counter;
}

fs_gb_state fs_plastic_peek(const fs_proj_part *part, uint64_t s, int64_t to,
                            const fs_plastic_env *e) {
  fs_rng noise;
  int used;
  return advanced(part, s, to, e, &noise, &used);
}

void fs_plastic_pre(fs_proj_part *part, uint64_t s, int64_t emit, int64_t jump_at,
                    const fs_plastic_env *e) {
  fs_plastic_advance(part, s, emit, e);
  fs_plastic_syn *y = &part->plast[s];
  if (y->n_pend == FS_PEND_MAX) {
    (*e->dropped)++;
    return;
  }
  y->pend[y->n_pend++] = (uint16_t)(jump_at - emit);
}

/* The fraction of synapse s's NMDA receptors with transmitter bound at step at: its
 * peak-normalised gating, capped at 1. */
static double bound(const fs_proj_part *part, uint64_t s, int64_t at, const fs_plastic_env *e) {
  fs_nmda_agent a = {0.0, part->x_rise[s], part->x_decay[s], 0.0, part->t_last[s]};
  double g = fs_nmda_agent_gating(&a, e->kin, at, e->dt);
  return g < 1.0 ? (g > 0.0 ? g : 0.0) : 1.0;
}

void fs_plastic_post(fs_proj_part *part, uint64_t s, int64_t at, const fs_plastic_env *e) {
  fs_plastic_advance(part, s, at, e);
  double f = e->gb->post_nmda, u = e->gb->post_glu;
  double nmda = availability(part, s, e);
  if (u > 0) nmda *= 1.0 - u + u * bound(part, s, at, e);
  part->plast[s].ca += e->gb->c_post * (1.0 - f + f * nmda);
}
