/* salience.c - the neuromodulatory signal of salient events and its lowering of the
 * protein-synthesis threshold (equations in include/fearsim/salience.h).
 *
 * | name | default | source                                                                   |
 * |------|---------|--------------------------------------------------------------------------|
 * | jump | 0.5     | judgment: as the arousal's (arousal.c); three events bring D to 0.88     |
 * | tau  | 3 h     | judgment: a session's consolidation takes hours (tau_p and tau_z 1 h     |
 * |      |         | each); with 1 h the circuit's fear memory is kept less (first extinction |
 * |      |         | trial 65 % against 75 %, docs/validation.md target 32); novelty up to    |
 * |      |         | an hour from weak learning lets it be consolidated (Moncada & Viola 2007,|
 * |      |         | from memory)                                                             |
 * | gain | 2       | judgment: at saturation theta_pro 0.6 falls to 0.2, the threshold the    |
 * |      |         | circuit's rows need (docs/validation.md, target 32)                      |
 * docs/model.md §5. */
#include <fearsim/arousal.h>
#include <fearsim/salience.h>

#include <stddef.h>

#define SALIENCE_ROW(field, kind, def, min, max, flags, text, src)                                 \
  { #field, kind, def, min, max, flags, offsetof(fs_salience_params, field), text, src }

const fs_param_spec fs_salience_param_specs[] = {
    SALIENCE_ROW(jump, FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1.0, 0,
                 "fraction of the way to 1 that one salient event (a US, an omitted US) takes D",
                 "fearsim (judgment): as the arousal's; three events bring D to 0.88"),
    SALIENCE_ROW(tau, FS_UNIT_TIME, 3.0 * 3600.0, 0.0, 1e9, FS_PARAM_MIN_EXCLUSIVE,
                 "decay time constant of the salience D",
                 "fearsim (judgment): a session's consolidation takes hours (tau_p, tau_z 1 h); "
                 "with 1 h the circuit keeps less of its fear memory (docs/validation.md, target "
                 "32)"),
    SALIENCE_ROW(gain, FS_UNIT_DIMENSIONLESS, 2.0, 0.0, 1e6, 0,
                 "theta_pro of a target neuron is divided by 1 + gain D",
                 "fearsim (judgment): at saturation the slice's theta_pro 0.6 falls to 0.2, "
                 "what the fear circuit's rows need (docs/validation.md, target 32)"),
};
const size_t fs_salience_n_param_specs =
    sizeof fs_salience_param_specs / sizeof fs_salience_param_specs[0];

double fs_salience_level(const fs_salience_params *p, const double *at, size_t n, double t) {
  return fs_event_trace(p->jump, p->tau, at, n, t);
}

double fs_salience_threshold_factor(const fs_salience_params *p, double d) {
  return 1.0 / (1.0 + p->gain * d);
}
