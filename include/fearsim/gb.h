/* gb.h - calcium-based early plasticity of one synapse (Graupner & Brunel 2012,
 * docs/model.md §5), advanced in closed form from one event to the next so that its cost scales
 * with spikes, not with synapses times steps.
 *
 *   dc/dt = -c / tau_ca,  c += ca_ext * c_pre * A at a presynaptic event (delayed by D),
 *                         c += ca_ext * c_post * (1 - post_nmda + post_nmda * A * G) at a
 *                         postsynaptic spike
 *   A = NMDA availability (1 - block) * antagonist * glycine-site gain
 *   G = 1 - post_glu + post_glu * min(1, g), g the synapse's peak-normalised NMDA gating now
 *       (post_glu 0, GB2012: the back-propagating spike's calcium reaches every synapse of the
 *       neuron; 1: only through receptors with transmitter bound, so only at active synapses)
 *   tau drho/dt = -rho (1 - rho)(rho* - rho)   (or kappa (rho_0 - rho)) when c < theta_d
 *               = -gamma_d rho + sigma sqrt(tau) eta               when theta_d <= c < theta_p
 *               = gamma_p (1 - rho) - gamma_d rho + sigma sqrt(2 tau) eta   when c >= theta_p
 *
 * Between events c decays monotonically, so an interval splits into at most three phases;
 * the two active ones are Ornstein-Uhlenbeck processes, solved exactly (noise included), the
 * drift phase is the bistable cubic, solved exactly through its integral. While calcium is
 * above theta_d the slow cubic drift (tau = 150-700 s) is neglected beside gamma_p and
 * gamma_d (hundreds), as in the event-driven form of Higgins, Graupner & Brunel 2014. rho is
 * kept in [0, 1]. Parameter sets: docs/model.md §S4.2 (M. Graupner's own code). */
#ifndef FEARSIM_GB_H
#define FEARSIM_GB_H

#include <stddef.h>

#include <fearsim/error.h>
#include <fearsim/param.h>
#include <fearsim/rng.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_gb_params {
  double tau_ca;           /* s */
  double c_pre, c_post;    /* calcium jumps (dimensionless) */
  double theta_d, theta_p; /* thresholds, theta_d < theta_p */
  double gamma_d, gamma_p; /* rates (dimensionless, divided by tau) */
  double sigma;            /* noise amplitude */
  double tau;              /* s, time constant of rho */
  double rho_star;         /* the unstable fixed point between DOWN (0) and UP (1) */
  double delay_pre;        /* s, D: presynaptic calcium delay */
  double beta;             /* fraction of synapses initially DOWN */
  double b;                /* w_UP / w_DOWN */
  double post_nmda;        /* fraction of the postsynaptic calcium that enters through NMDA
                              receptors (and so sees their block) */
  double kappa;            /* 0: the bistable cubic drift below theta_d (GB2012); > 0: linear
                              decay tau drho/dt = kappa (rho_0 - rho) there (Luboeinski &
                              Tetzlaff 2021), so that early change fades over tau / kappa */
  double rho_0;            /* the resting efficacy the decay returns to (kappa > 0) */
  double tau_forget;       /* s: consolidated potentiation (z > 0) relaxes to 0 with this
                              time constant in the slow clock (0: it never does; negative z,
                              depression or an immature spine, stays; needs a late phase) */
  double post_glu;         /* share of the NMDA part of the postsynaptic calcium that needs
                              transmitter bound at this synapse (0: none, every synapse of the
                              neuron gets it; 1: all, the jump scales with the synapse's NMDA
                              gating, capped at 1) */
  double ca_ext;           /* extracellular Ca2+ relative to the slices the set was fitted in:
                              both calcium jumps scale with it (1: as fitted) */
} fs_gb_params;

/* The parameter table (for reading and validating `params:` of a plastic projection). */
#define FS_GB_N_PARAMS 19
extern const fs_param_spec fs_gb_param_specs[FS_GB_N_PARAMS];
extern const size_t fs_gb_n_param_specs;

/* The named presets of docs/model.md §S4.2: "cortical" (fit to cortical slices),
 * "hippocampal" (hippocampal slices), "dp" (the canonical set of Fig. 2). Returns FS_ERR_INPUT
 * with the known names for an unknown one. */
fs_status fs_gb_preset(const char *name, fs_gb_params *out, fs_error *err);
size_t fs_gb_preset_count(void);
const char *fs_gb_preset_name(size_t i);

/* Checks relations between parameters: 0 < theta_d < theta_p, rho_star in (0, 1), and
 * rho_0 in (0, 1) when kappa > 0. */
fs_status fs_gb_check(const fs_gb_params *p, fs_error *err);

/* One synapse: calcium and efficacy at the time of its last update. */
typedef struct fs_gb_state {
  double c, rho;
} fs_gb_state;

/* Time calcium c0 > 0 stays at or above theta while decaying, capped at h. */
double fs_gb_time_above(const fs_gb_params *p, double c0, double theta, double h);

/* Advances the state by h seconds without any calcium jump. noise draws the standard normals
 * of the active phases (one per phase that occurs); NULL means no noise (sigma ignored). */
void fs_gb_advance(const fs_gb_params *p, fs_gb_state *s, double h, fs_rng *noise);

/* The two decay factors of a gap h that fs_gb_advance computes: the calcium's exp(-h / tau_ca)
 * and, when kappa > 0, the drift's exp(-kappa h / tau) (1 otherwise). A caller that meets the
 * same gaps again and again (whole steps between events) keeps them in a table. */
typedef struct fs_gb_decay {
  double calcium, drift;
} fs_gb_decay;

fs_gb_decay fs_gb_decay_of(const fs_gb_params *p, double h);

/* fs_gb_advance with d = fs_gb_decay_of(p, h) given: the same result to the last bit. */
void fs_gb_advance_decayed(const fs_gb_params *p, fs_gb_state *s, double h, const fs_gb_decay *d,
                           fs_rng *noise);

/* rho after time h of the drift phase alone (the exact solution of the cubic, or of the
 * linear decay when kappa > 0). */
double fs_gb_drift(const fs_gb_params *p, double rho, double h);

/* rho after a gap h whose calcium stayed below both thresholds (the drift then takes the whole
 * gap), with d = fs_gb_decay_of(p, h): what fs_gb_advance_decayed gives such a gap, inline for
 * the many synapses that sit quiet between sessions. */
static inline double fs_gb_drift_decayed(const fs_gb_params *p, double rho, double h,
                                         const fs_gb_decay *d) {
  return p->kappa > 0 ? p->rho_0 + (rho - p->rho_0) * d->drift : fs_gb_drift(p, rho, h);
}

/* The efficacy a synapse starts with: rho_0 for a decaying rule, else 1 (UP) or 0 (DOWN). */
static inline double fs_gb_initial_rho(const fs_gb_params *p, int up) {
  return p->kappa > 0 ? p->rho_0 : (up ? 1.0 : 0.0);
}

/* The weight of a synapse relative to its base weight, from its early efficacy rho and its
 * consolidated state z: 1 + (b - 1) rho for the bistable rule (z unused); for the decaying
 * rule (rho + rho_0 z) / rho_0, the form w = h + h0 z of Luboeinski & Tetzlaff (2021), scaled so
 * that a resting synapse (rho_0, z = 0) has its base weight. */
static inline double fs_gb_weight_factor(const fs_gb_params *p, double rho, double z) {
  return p->kappa > 0 ? (rho + p->rho_0 * z) / p->rho_0 : 1.0 + (p->b - 1.0) * rho;
}

#ifdef __cplusplus
}
#endif
#endif
