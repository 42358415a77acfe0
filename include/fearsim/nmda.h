/* nmda.h - the NMDA synapse agent: its receptors' gating after transmitter release and
 * the drug block it carries (docs/model.md §2–3). Updated only when transmitter arrives
 * (event-driven), in closed form over the time since its last arrival.
 *
 *   open fraction  o(t) = p_open * a * (x_d(t) - x_r(t)),  x_r, x_d decaying with tau_rise,
 *                  tau_decay and jumping by N at each arrival (N: peak of x_d - x_r is 1);
 *                  a is the allosteric gain on opening (1 without ketamine's second site)
 *   open time      int o dt over [t0, t0 + h] = p_open * a * (x_d tau_d (1 - e^{-h/tau_d})
 *                                                            - x_r tau_r (1 - e^{-h/tau_r}))
 *   block          b advanced by fs_drug_block_advance (drug.h) with that open time and the
 *                  blocker concentration of the last arrival: the receptors open mostly in
 *                  the few hundred ms after an arrival, while concentrations change over
 *                  minutes (a local application's edges are the exception)
 *   transmission   the synapse adds w (1 - b) * antagonist * gain to the neuron's NMDA
 *                  conductance, the blocked fraction held over the event's waveform */
#ifndef FEARSIM_NMDA_H
#define FEARSIM_NMDA_H

#include <stdint.h>

#include <fearsim/drug.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The traces' decay over gaps of k < FS_NMDA_TABLE steps, computed as the functions below
 * compute them (the same bits): a look-up instead of two exponentials per arrival. */
#define FS_NMDA_TABLE 2048
typedef struct fs_nmda_table {
  double dt;                                                    /* s, the step it is for */
  double em_rise[FS_NMDA_TABLE], em_decay[FS_NMDA_TABLE];       /* expm1(-k dt / tau) */
  double decay_rise[FS_NMDA_TABLE], decay_decay[FS_NMDA_TABLE]; /* exp(-k dt / tau) */
} fs_nmda_table;

/* Constants of one NMDA projection onto one population. */
typedef struct fs_nmda_kinetics {
  double tau_rise, tau_decay; /* s */
  double norm;                /* N */
  double p_open;              /* peak open probability after one release */
  const fs_nmda_table *table; /* NULL: compute every decay */
} fs_nmda_kinetics;

/* Builds the kinetics (no table); tau_rise < tau_decay is the caller's precondition. */
fs_nmda_kinetics fs_nmda_kinetics_make(double tau_rise, double tau_decay, double p_open);

/* Fills table for the kinetics k at time step dt; k->table may then point to it (used only
 * for arrivals at that dt). */
void fs_nmda_table_fill(const fs_nmda_kinetics *k, double dt, fs_nmda_table *table);

/* The receptors' open time over the h seconds after a state (x_rise, x_decay), with
 * allosteric gain a on opening. */
double fs_nmda_open_time(const fs_nmda_kinetics *k, double x_rise, double x_decay, double h,
                         double a);

/* One synapse's state as of its last arrival. */
typedef struct fs_nmda_agent {
  double block, x_rise, x_decay;
  double conc;    /* blocker concentration at the last arrival, mol/m^3 */
  int64_t t_last; /* step of the last arrival */
} fs_nmda_agent;

/* Brings the agent from its last arrival to the arrival at step now (time step dt), with
 * block coefficients bc, the postsynaptic potential v (V) and allosteric gain a, then adds
 * this arrival to its gating and remembers conc (mol/m^3), the blocker concentration now.
 * Returns the blocked fraction that this arrival's transmission sees. */
double fs_nmda_agent_arrive(fs_nmda_agent *s, const fs_nmda_kinetics *k, const fs_block_coeffs *bc,
                            int64_t now, double dt, double conc, double v, double a);

/* The arrival at step now added to the gating traces alone (no drug: no block to follow). */
void fs_nmda_agent_bind(fs_nmda_agent *s, const fs_nmda_kinetics *k, int64_t now, double dt);

/* The agent's peak-normalised gating g(t) = x_decay e^(-t/tau_decay) - x_rise e^(-t/tau_rise)
 * at step at: the share of its receptors with transmitter bound, 1 at the peak after one
 * release. at may precede the last arrival (already added at its emission): that arrival is
 * then taken out. */
double fs_nmda_agent_gating(const fs_nmda_agent *s, const fs_nmda_kinetics *k, int64_t at,
                            double dt);

#ifdef __cplusplus
}
#endif
#endif
