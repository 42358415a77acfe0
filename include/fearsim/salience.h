/* salience.h - the neuromodulatory signal of salient events in a behavioural protocol, which
 * lets the learning of a session make proteins where the same early change in a slice would
 * not. It stands for the dopamine (and noradrenaline) that a footshock and the omission of an
 * expected footshock release in the amygdala and the infralimbic cortex: D1/D5 and
 * beta-adrenergic signalling through PKA gate the protein synthesis of late LTP (Frey, Matthies
 * & Reymann 1991; Huang & Kandel 1995; from memory), a novel experience close in time lets weak
 * learning be consolidated, through D1/D5 receptors and new proteins (behavioural tagging:
 * Moncada & Viola 2007, J Neurosci 27:7476, abstract read), and VTA dopamine neurons fire at the
 * omitted US early in extinction, a signal necessary for extinction learning
 * (Salinas-Hernández et al. 2018, eLife 7:e38818, abstract read). docs/model.md §5.
 *
 *   at a US onset, and at the end of a CS that no US follows:   D -> D + jump (1 - D)
 *   between them:                                               dD/dt = -D / tau
 *   protein-synthesis threshold of a target neuron:  theta_pro' -> theta_pro' / (1 + gain D)
 *
 * So the slice (no protocol, D = 0) and the circuit share one theta_pro: a session's shocks and
 * omissions lower it for the hours its consolidation takes. The omission counts every CS that
 * ends without a US, expected or not (the dopamine response to an omission is strongest while
 * the omission is unexpected, early in extinction; fearsim's does not depend on it: a
 * judgment, stated in docs/model.md). The trace is arousal.h's fs_event_trace.
 *
 * D is a function of the protocol and of time only (as the arousal, arousal.h), so the slow
 * clock evaluates it where it needs it and checkpoints need nothing.
 *
 * YAML (in the circuit file or the experiment, the experiment's keys over the circuit's):
 *   salience: {populations: [LA_E, IL_E], params: {jump: 0.5, tau: 3 h, gain: 2}}
 * (params optional: `fearsim params salience` has the defaults). An experiment switches it off
 * with salience.populations: [] or salience.params.gain: 0.
 */
#ifndef FEARSIM_SALIENCE_H
#define FEARSIM_SALIENCE_H

#include <stddef.h>

#include <fearsim/param.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_salience_params {
  double jump; /* fraction of the way to 1 that one salient event takes D */
  double tau;  /* s: decay time constant of D */
  double gain; /* theta_pro is divided by 1 + gain D */
} fs_salience_params;

extern const fs_param_spec fs_salience_param_specs[];
extern const size_t fs_salience_n_param_specs;

/* D at time t (s) after the salient events at[0..n) (increasing, s); 0 before the first. */
double fs_salience_level(const fs_salience_params *p, const double *at, size_t n, double t);

/* The factor on a target neuron's protein-synthesis threshold at salience d: 1 / (1 + gain d). */
double fs_salience_threshold_factor(const fs_salience_params *p, double d);

#ifdef __cplusplus
}
#endif
#endif
