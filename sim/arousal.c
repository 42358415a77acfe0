/* arousal.c - the arousal state after a shock and its suppression of protein synthesis
 * (equations in include/fearsim/arousal.h).
 *
 * | name            | default | source                                                       |
 * |-----------------|---------|--------------------------------------------------------------|
 * | jump            | 0.5     | judgment: three to five pairings bring A near saturation     |
 * |                 |         | (0.88 and 0.97); the deficit follows 5 pairings (Kim et al.  |
 * |                 |         | 2010) as after fewer (Maren & Chang 2006, from memory)        |
 * | tau             | 3 h     | judgment: the deficit is present when extinction comes up to |
 * |                 |         | 6 h after conditioning and absent at 24 h (Chang & Maren     |
 * |                 |         | 2009, abstract read): A(6 h) = 0.13, A(24 h) = 3e-4 of its   |
 * |                 |         | peak                                                         |
 * | prp_suppression | 1       | judgment: at full arousal IL keeps nothing of what it learns |
 * |                 |         | (Kim et al. 2010: fewer Fos+ IL neurons after immediate      |
 * |                 |         | extinction; Fitzgerald et al. 2015: footshock suppresses IL  |
 * |                 |         | firing, propranolol restores it and rescues extinction)     |
 * | a_half          | 0.1     | judgment, with hill: the suppression is 0.66 of its maximum   |
 * | hill            | 4       | 6 h after 3 pairings (A 0.12), 0.12 at 8 h, 1e-10 at 24 h     |
 * docs/model.md §5 and §S7.1. */
#include <fearsim/elementary.h>
#include <fearsim/arousal.h>

#include <math.h>
#include <stddef.h>

#define AROUSAL_ROW(field, kind, def, min, max, flags, text, src)                                  \
  { #field, kind, def, min, max, flags, offsetof(fs_arousal_params, field), text, src }

const fs_param_spec fs_arousal_param_specs[] = {
    AROUSAL_ROW(jump, FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1.0, 0,
                "fraction of the way to 1 that one US takes the arousal A",
                "fearsim (judgment): 3-5 pairings bring A near saturation (0.88, 0.97)"),
    AROUSAL_ROW(tau, FS_UNIT_TIME, 3.0 * 3600.0, 0.0, 1e9, FS_PARAM_MIN_EXCLUSIVE,
                "decay time constant of the arousal A",
                "fearsim (judgment): the immediate extinction deficit lasts up to 6 h after "
                "conditioning and is gone at 24 h (Chang & Maren 2009, Learn Mem; abstract)"),
    AROUSAL_ROW(
        prp_suppression, FS_UNIT_DIMENSIONLESS, 1.0, 0.0, 1.0, 0,
        "fraction of a target neuron's protein synthesis that A = 1 removes",
        "fearsim (judgment) (direction: Kim et al. 2010, J Neurosci (PMC6633106), fewer Fos+ "
        "IL neurons; Fitzgerald et al. 2015, PNAS 112:E3729, IL suppressed by "
        "footshock through beta-adrenoceptors)"),
    AROUSAL_ROW(a_half, FS_UNIT_DIMENSIONLESS, 0.1, 0.0, 1.0, FS_PARAM_MIN_EXCLUSIVE,
                "arousal at which the suppression of synthesis is half its maximum",
                "fearsim (judgment): with hill 4, 0.66 of the maximum 6 h after three pairings "
                "(the deficit is present at 6 h, Chang & Maren 2009), 1e-10 at 24 h"),
    AROUSAL_ROW(hill, FS_UNIT_DIMENSIONLESS, 4.0, 0.0, 100.0, FS_PARAM_MIN_EXCLUSIVE,
                "steepness of the suppression as a function of the arousal (Hill exponent)",
                "fearsim (judgment): see a_half"),
};
const size_t fs_arousal_n_param_specs =
    sizeof fs_arousal_param_specs / sizeof fs_arousal_param_specs[0];

double fs_event_trace(double jump, double tau, const double *on, size_t n, double t) {
  double a = 0.0, last = 0.0;
  for (size_t k = 0; k < n && on[k] <= t; k++) {
    a = a * fs_exp(-(on[k] - last) / tau);
    a += jump * (1.0 - a);
    last = on[k];
  }
  return a == 0.0 ? 0.0 : a * fs_exp(-(t - last) / tau);
}

double fs_arousal_level(const fs_arousal_params *p, const double *us_on, size_t n, double t) {
  return fs_event_trace(p->jump, p->tau, us_on, n, t);
}

double fs_arousal_prp_gain(const fs_arousal_params *p, double a) {
  if (a <= 0.0) return 1.0;
  double x = fs_pow(a / p->a_half, p->hill);
  return 1.0 - p->prp_suppression * x / (1.0 + x);
}
