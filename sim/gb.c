/* gb.c - Graupner & Brunel (2012) calcium-based early plasticity of one synapse,
 * advanced in closed form between events (equations in include/fearsim/gb.h). */
#include <fearsim/elementary.h>
#include <fearsim/config.h>
#include <fearsim/gb.h>
#include <fearsim/registry.h>

#include <math.h>
#include <string.h>

/* | name      | cortical  | hippocampal | dp      | unit | meaning                          |
 * |-----------|-----------|-------------|---------|------|----------------------------------|
 * | tau_ca    | 22.6936   | 48.8373     | 20      | ms   | calcium decay                    |
 * | c_pre     | 0.5617539 | 1           | 1       |      | presynaptic calcium jump         |
 * | c_post    | 1.23964   | 0.275865    | 2       |      | postsynaptic calcium jump        |
 * | theta_d   | 1         | 1           | 1       |      | depression threshold             |
 * | theta_p   | 1.3       | 1.3         | 1.3     |      | potentiation threshold           |
 * | gamma_d   | 331.909   | 313.0965    | 200     |      | depression rate                  |
 * | gamma_p   | 725.085   | 1645.59     | 321.808 |      | potentiation rate                |
 * | sigma     | 3.3501    | 9.1844      | 2.8284  |      | noise amplitude                  |
 * | tau       | 346.3615  | 688.355     | 150     | s    | time constant of rho             |
 * | rho_star  | 0.5       | 0.5         | 0.5     |      | unstable fixed point             |
 * | delay_pre | 4.6098    | 18.8008     | 13.7    | ms   | presynaptic calcium delay D      |
 * | beta      | 0.5       | 0.7         | 0.5     |      | fraction initially DOWN          |
 * | b         | 5.40988   | 5.28145     | 5       |      | w_UP / w_DOWN                    |
 * | post_nmda | 1         | 1           | 1       |      | NMDA share of postsynaptic Ca    |
 * | kappa     | 0         | 0           | 0       |      | decay of rho to rho_0 (0: cubic) |
 * | rho_0     | 0.5       | 0.5         | 0.5     |      | resting efficacy (kappa > 0)     |
 * | tau_forget| 0         | 0           | 0       | s    | decay of z (0: none), late phase |
 * | post_glu  | 0         | 0           | 0       |      | bound share of post NMDA calcium |
 * | ca_ext    | 1         | 1           | 1       |      | [Ca2+]o relative to the fit's    |
 * All from M. Graupner's code (mgraupe/CalciumBasedPlasticityModel), docs/model.md §S4.2;
 * the fit targets (Sjöström 2001, Wittenberg & Wang 2006) are "(from memory, verify)".
 * The preset "stc" is the early phase of Luboeinski & Tetzlaff 2021 (docs/model.md §S4.3, read
 * from jlubo/memory-consolidation-stc): the hippocampal set with theta_d 1.2, theta_p 3.0,
 * kappa 0.1 and rho_0 = h0 / 10 mV = 0.5 gamma_p / (gamma_p + gamma_d) = 0.420; its noise
 * amplitude is kept at the hippocampal value (judgment: the code's value was not read).
 * post_nmda is fearsim's (judgment): docs/model.md §S4.2 leaves the postsynaptic jump "unchanged
 * or partially reduced" by block; with 1, a full NMDA block abolishes LTP and LTD
 * (docs/model.md §8 row 7), as APV does in slices; GB2012 itself has no drug. post_glu is fearsim's
 * too: GB2012's postsynaptic calcium comes from the back-propagating spike at every synapse alike,
 * which at high postsynaptic rates potentiates silent synapses as much as active ones
 * (heterosynaptic); with post_glu 1 the NMDA share of it needs transmitter bound, the coincidence
 * detection of NMDA receptors, so a synapse changes only with its own input. ca_ext is fearsim's
 * (judgment): the slices' extracellular calcium relative to the one the set was fitted in, which
 * scales both calcium jumps alike, as the influx through NMDA receptors and voltage-gated
 * channels grows about in proportion to [Ca2+]o at physiological levels; it is how a slice
 * experiment lowers [Ca2+]o (Mulkey & Malenka 1992: an LTP protocol then gives LTD, the
 * calcium-control hypothesis, docs/model.md §5). 1 leaves every jump as it was, bit for bit. */

#define GB_ROW(field, kind, def, min, max, flags, text, src)                                       \
  { #field, kind, def, min, max, flags, offsetof(fs_gb_params, field), text, src }

const fs_param_spec fs_gb_param_specs[FS_GB_N_PARAMS] = {
    GB_ROW(tau_ca, FS_UNIT_TIME, 22.6936e-3, 0.0, 10.0, FS_PARAM_MIN_EXCLUSIVE, "calcium decay",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(c_pre, FS_UNIT_DIMENSIONLESS, 0.5617539, 0.0, 100.0, 0, "presynaptic calcium jump",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(c_post, FS_UNIT_DIMENSIONLESS, 1.23964, 0.0, 100.0, 0, "postsynaptic calcium jump",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(theta_d, FS_UNIT_DIMENSIONLESS, 1.0, 0.0, 100.0, FS_PARAM_MIN_EXCLUSIVE,
           "depression threshold",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(theta_p, FS_UNIT_DIMENSIONLESS, 1.3, 0.0, 100.0, FS_PARAM_MIN_EXCLUSIVE,
           "potentiation threshold",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(gamma_d, FS_UNIT_DIMENSIONLESS, 331.909, 0.0, 1e6, 0, "depression rate",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(gamma_p, FS_UNIT_DIMENSIONLESS, 725.085, 0.0, 1e6, 0, "potentiation rate",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(sigma, FS_UNIT_DIMENSIONLESS, 3.3501, 0.0, 100.0, 0, "noise amplitude",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(tau, FS_UNIT_TIME, 346.3615, 0.0, 1e6, FS_PARAM_MIN_EXCLUSIVE,
           "time constant of the efficacy",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(rho_star, FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1.0,
           FS_PARAM_MIN_EXCLUSIVE | FS_PARAM_MAX_EXCLUSIVE, "unstable fixed point",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(delay_pre, FS_UNIT_TIME, 4.6098e-3, 0.0, 1.0, 0, "presynaptic calcium delay",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(beta, FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1.0, 0, "fraction of synapses initially DOWN",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(b, FS_UNIT_DIMENSIONLESS, 5.40988, 1.0, 1000.0, 0, "w_UP / w_DOWN",
           "Graupner & Brunel 2012, PNAS 109:3991 (cortical set, M. Graupner's code)"),
    GB_ROW(post_nmda, FS_UNIT_DIMENSIONLESS, 1.0, 0.0, 1.0, 0,
           "fraction of the postsynaptic calcium that enters through NMDA receptors",
           "fearsim (judgment): full NMDA block abolishes LTP and LTD"),
    GB_ROW(kappa, FS_UNIT_DIMENSIONLESS, 0.0, 0.0, 1e3, 0,
           "rate of the decay of the efficacy to rho_0 below theta_d (0: bistable drift)",
           "Luboeinski & Tetzlaff 2021, Commun Biol 4:275 (0: GB2012)"),
    GB_ROW(rho_0, FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1.0,
           FS_PARAM_MIN_EXCLUSIVE | FS_PARAM_MAX_EXCLUSIVE, "resting efficacy (kappa > 0)",
           "Luboeinski & Tetzlaff 2021, Commun Biol 4:275"),
    GB_ROW(tau_forget, FS_UNIT_TIME, 0.0, 0.0, 1e12, 0,
           "time constant of the decay of the consolidated weight z (0: none)",
           "fearsim (judgment) (0: none)"),
    GB_ROW(post_glu, FS_UNIT_DIMENSIONLESS, 0.0, 0.0, 1.0, 0,
           "share of the NMDA part of the postsynaptic calcium that needs transmitter bound at "
           "the synapse (0: none, GB2012)",
           "fearsim (judgment) (0: GB2012)"),
    GB_ROW(ca_ext, FS_UNIT_DIMENSIONLESS, 1.0, 0.0, 10.0, 0,
           "extracellular Ca2+ relative to the slices the set was fitted in; both calcium jumps "
           "scale with it (1: as fitted)",
           "fearsim (judgment): influx about proportional to [Ca2+]o; Mulkey & Malenka 1992, "
           "Neuron 9:967 lower it"),
};
const size_t fs_gb_n_param_specs = sizeof fs_gb_param_specs / sizeof fs_gb_param_specs[0];

typedef struct gb_preset {
  const char *name;
  fs_gb_params p;
} gb_preset;

static const gb_preset presets[] = {
    {"cortical",
     {22.6936e-3, 0.5617539, 1.23964, 1.0, 1.3, 331.909, 725.085, 3.3501, 346.3615, 0.5, 4.6098e-3,
      0.5, 5.40988, 1.0, 0.0, 0.5, 0.0, 0.0, 1.0}},
    {"hippocampal",
     {48.8373e-3, 1.0, 0.275865, 1.0, 1.3, 313.0965, 1645.59, 9.1844, 688.355, 0.5, 18.8008e-3, 0.7,
      5.28145, 1.0, 0.0, 0.5, 0.0, 0.0, 1.0}},
    {"dp",
     {20e-3, 1.0, 2.0, 1.0, 1.3, 200.0, 321.808, 2.8284, 150.0, 0.5, 13.7e-3, 0.5, 5.0, 1.0, 0.0,
      0.5, 0.0, 0.0, 1.0}},
    {"stc",
     {48.8373e-3, 1.0, 0.275865, 1.2, 3.0, 313.0965, 1645.59, 9.1844, 688.355, 0.5, 18.8008e-3, 1.0,
      5.28145, 1.0, 0.1, 0.5 * 1645.59 / (1645.59 + 313.0965), 0.0, 0.0, 1.0}},
};
#define N_PRESETS (sizeof presets / sizeof presets[0])

size_t fs_gb_preset_count(void) {
  return N_PRESETS;
}

const char *fs_gb_preset_name(size_t i) {
  return i < N_PRESETS ? presets[i].name : NULL;
}

fs_status fs_gb_preset(const char *name, fs_gb_params *out, fs_error *err) {
  const char *names[N_PRESETS];
  for (size_t i = 0; i < N_PRESETS; i++) {
    if (strcmp(name, presets[i].name) == 0) {
      *out = presets[i].p;
      return FS_OK;
    }
    names[i] = presets[i].name;
  }
  return fs_registry_unknown(err, "Graupner-Brunel preset", name, names, N_PRESETS);
}

fs_status fs_gb_check(const fs_gb_params *p, fs_error *err) {
  if (!(p->theta_d < p->theta_p))
    return fs_error_set(err, FS_ERR_INPUT, "theta_d (%g) must be below theta_p (%g)", p->theta_d,
                        p->theta_p);
  return FS_OK;
}

double fs_gb_time_above(const fs_gb_params *p, double c0, double theta, double h) {
  if (!(c0 > theta)) return 0.0;
  double t = p->tau_ca * fs_log(c0 / theta);
  return t < h ? t : h;
}

/* Exact Ornstein-Uhlenbeck step: drho = -k (rho - mean) dt + s dW over t. */
static double ou_step(double rho, double k, double mean, double s, double t, fs_rng *noise) {
  double decay = fs_exp(-k * t);
  double next = mean + (rho - mean) * decay;
  if (noise && s > 0) next += s * sqrt(-fs_expm1(-2.0 * k * t) / (2.0 * k)) * fs_rng_normal(noise);
  return next < 0.0 ? 0.0 : (next > 1.0 ? 1.0 : next);
}

/* The integral F of drho / (rho (1 - rho)(a - rho)), so that F(rho(t)) = F(rho0) - t / tau. */
static double drift_integral(double rho, double a) {
  return fs_log(rho) / a - fs_log1p(-rho) / (a - 1.0) - fs_log(fabs(a - rho)) / (a * (1.0 - a));
}

/* Solves F(rho) = target on the side of a that rho0 is on: Newton from the Euler guess,
 * kept inside the bracket (F is monotonic there). */
/* For h much shorter than tau (the usual case between two events) the third-order Taylor
 * expansion of the solution is exact to rounding (error of order (h/tau)^4 < 1e-12). */
static double drift_short(double rho, double a, double x) {
  double g = rho * (1.0 - rho), dg = 1.0 - 2.0 * rho;
  double f = g * (rho - a), df = dg * (rho - a) + g, ddf = -2.0 * (rho - a) + 2.0 * dg;
  return rho + f * x + f * df * x * x / 2.0 + (f * df * df + f * f * ddf) * x * x * x / 6.0;
}

double fs_gb_drift(const fs_gb_params *p, double rho, double h) {
  const double a = p->rho_star;
  if (p->kappa > 0) return p->rho_0 + (rho - p->rho_0) * fs_exp(-p->kappa * h / p->tau);
  if (h <= 0 || rho <= 0.0 || rho >= 1.0 || rho == a) return rho;
  if (h <= 1e-3 * p->tau) return drift_short(rho, a, h / p->tau);
  double target = drift_integral(rho, a) - h / p->tau;
  double lo = rho < a ? 0.0 : rho, hi = rho < a ? rho : 1.0;
  double x = rho - rho * (1.0 - rho) * (a - rho) * h / p->tau;
  for (int it = 0; it < 60; it++) {
    if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
    double f = drift_integral(x, a) - target;
    /* F increases with rho below a and decreases above it */
    if ((f > 0) == (rho < a))
      hi = x;
    else
      lo = x;
    double step = f * x * (1.0 - x) * (a - x);
    x -= step;
    if (fabs(step) <= 1e-15 * fmax(x, 1e-300) || hi - lo <= 1e-300) break;
  }
  return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* past 746 time constants exp() underflows to 0 anyway, by its slow path */
static double calcium_decay(const fs_gb_params *p, double h) {
  return h > 746.0 * p->tau_ca ? 0.0 : fs_exp(-h / p->tau_ca);
}

fs_gb_decay fs_gb_decay_of(const fs_gb_params *p, double h) {
  return (fs_gb_decay){calcium_decay(p, h), p->kappa > 0 ? fs_exp(-p->kappa * h / p->tau) : 1.0};
}

/* The phases above theta_p (both processes) and above theta_d alone; returns how long the
 * calcium stayed above theta_d. */
static double active_phases(const fs_gb_params *p, fs_gb_state *s, double h, fs_rng *noise) {
  double t_p = fs_gb_time_above(p, s->c, p->theta_p, h);
  double t_d = fs_gb_time_above(p, s->c, p->theta_d, h);
  if (t_p > 0) { /* both processes: towards gamma_p / (gamma_p + gamma_d) */
    double g = p->gamma_p + p->gamma_d;
    s->rho = ou_step(s->rho, g / p->tau, p->gamma_p / g, p->sigma * sqrt(2.0 / p->tau), t_p, noise);
  }
  if (t_d > t_p) /* depression alone: towards 0 */
    s->rho = ou_step(s->rho, p->gamma_d / p->tau, 0.0, p->sigma / sqrt(p->tau), t_d - t_p, noise);
  return t_d;
}

void fs_gb_advance_decayed(const fs_gb_params *p, fs_gb_state *s, double h, const fs_gb_decay *d,
                           fs_rng *noise) {
  double t_d = active_phases(p, s, h, noise);
  if (h > t_d)
    s->rho = t_d == 0.0 ? fs_gb_drift_decayed(p, s->rho, h, d) : fs_gb_drift(p, s->rho, h - t_d);
  s->c *= d->calcium;
}

void fs_gb_advance(const fs_gb_params *p, fs_gb_state *s, double h, fs_rng *noise) {
  double t_d = active_phases(p, s, h, noise);
  if (h > t_d) s->rho = fs_gb_drift(p, s->rho, h - t_d);
  s->c *= calcium_decay(p, h);
}
