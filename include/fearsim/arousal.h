/* arousal.h - the hours after a shock: a per-animal arousal state A(t) in [0, 1) that each US
 * raises and that decays over hours, and that suppresses the protein synthesis (PRP) of the
 * populations it names while it is high. It stands for the footshock stress and
 * locus-coeruleus noradrenaline that leave the infralimbic cortex hypoactive soon after
 * conditioning, so that extinction learnt then is not kept (the immediate extinction deficit:
 * Maren & Chang 2006; Chang & Maren 2009; Kim et al. 2010; Fitzgerald et al. 2015; Giustino &
 * Maren 2018; docs/model.md §5).
 *
 *   at a US onset:   A -> A + jump (1 - A)                 (saturating: A stays below 1)
 *   between USs:     dA/dt = -A / tau
 *   PRP synthesis of a target neuron:  alpha' -> alpha' (1 - prp_suppression S(A(t))),
 *                                      S(A) = A^n / (A^n + a_half^n),  n = hill
 * The steep S keeps the suppression near full for hours while A is high and releases it long
 * before the next day (a single exponential acting linearly cannot do both).
 *
 * A is a function of the protocol's US onsets and of time only (no state of its own), so the
 * slow clock evaluates it where it needs it and checkpoints need nothing.
 *
 * YAML (in the circuit file or the experiment, the experiment's keys over the circuit's):
 *   arousal: {populations: [IL_E], params: {jump: 0.5, tau: 3 h, a_half: 0.1, hill: 4}}
 * (params optional: `fearsim params arousal` has the defaults). An experiment switches it off
 * with arousal.populations: [] or arousal.params.prp_suppression: 0.
 */
#ifndef FEARSIM_AROUSAL_H
#define FEARSIM_AROUSAL_H

#include <stddef.h>

#include <fearsim/param.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_arousal_params {
  double jump;            /* fraction of the way to 1 that one US takes A */
  double tau;             /* s: decay time constant of A */
  double prp_suppression; /* fraction of a target's PRP synthesis that full suppression removes */
  double a_half;          /* A at which the suppression is half its maximum */
  double hill;            /* steepness n of the suppression S(A) */
} fs_arousal_params;

extern const fs_param_spec fs_arousal_param_specs[];
extern const size_t fs_arousal_n_param_specs;

/* The saturating trace of events at times on[0..n) (increasing, s), read at time t (s): each
 * event takes it jump of the way to 1, it decays with tau (s) between them; events after t do
 * not count, and it is 0 before the first. The arousal is one, the salience (salience.h) another.
 */
double fs_event_trace(double jump, double tau, const double *on, size_t n, double t);

/* A at time t (s) after the US onsets us_on[0..n) (increasing, s); onsets after t do not count.
 * 0 without USs. */
double fs_arousal_level(const fs_arousal_params *p, const double *us_on, size_t n, double t);

/* The factor on a target neuron's PRP synthesis at arousal a: 1 - prp_suppression S(a). */
double fs_arousal_prp_gain(const fs_arousal_params *p, double a);

#ifdef __cplusplus
}
#endif
#endif
