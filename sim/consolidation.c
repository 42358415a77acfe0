/* consolidation.c - tagging and capture, PRP, BDNF and spine turnover over one slow step, in
 * closed form (equations in include/fearsim/consolidation.h).
 *
 * | name               | default  | unit | source                                           |
 * |--------------------|----------|------|--------------------------------------------------|
 * | theta_tag          | 0.2      | ρ0   | Li et al. 2016 via Luboeinski & Tetzlaff 2021    |
 * | theta_pro          | 0.6      | ρ0   | judgment: between a weak (21 pulses, mean 0.3)  |
 * |                    |          |      | and a strong tetanus (3 x 100 pulses, mean 1.0) |
 * | tau_p              | 60 min   |      | idem                                             |
 * | alpha              | 1        |      | idem                                             |
 * | tau_z              | 60 min   |      | idem                                             |
 * | trigger            | pathway  |      | Frey & Morris 1997: the strong input's own      |
 * |                    |          |      | signal, not its share of the neuron's synapses  |
 * |                    |          |      | (docs/validation.md target 32); `neuron` is the |
 * |                    |          |      | old rule                                        |
 * | bdnf.tau           | 3 h      |      | judgment: "decays over hours" (docs/model.md §5)      |
 * | bdnf.rate_ref      | 10 Hz    |      | judgment: "strong activity"                      |
 * | bdnf.activity_gain | 0.5      |      | judgment                                         |
 * | bdnf.eef2_gain     | 3        |      | judgment (Autry et al. 2011: direction only)     |
 * | bdnf.v_rest        | -70 mV   |      | judgment                                         |
 * | bdnf.epsilon       | 0.001    |      | Lehr, Luboeinski & Tetzlaff 2022                 |
 * | spines.formation   | 3 /day   |      | judgment: about +30 % at 24 h after 10 mg/kg in |
 * |                    |          |      | the rat (Li et al. 2010, from memory)           |
 * | spines.tau_elim    | 7 day    |      | judgment: excess gone in 1-3 weeks (Phoumthip-   |
 * |                    |          |      | phavong 2016, Moda-Sava 2019)                    |
 * | spines.weak        | 0.75     |      | judgment                                         |
 * | spines.z_new       | -0.5     |      | judgment: new spines start weak (docs/model.md §5);   |
 * |                    |          |      | -0.5 is the lower bound of z (L & T 2021)        |
 * docs/model.md §S4.3 and §S5; every "judgment" value is a default to test hypotheses with, not
 * a measured number. */
#include <fearsim/elementary.h>
#include <fearsim/consolidation.h>

#include <math.h>
#include <stddef.h>

#define LATE_ROW(field, kind, def, min, max, flags, text, src)                                     \
  { #field, kind, def, min, max, flags, offsetof(fs_late_params, field), text, src }
#define BDNF_ROW(field, kind, def, min, max, flags, text, src)                                     \
  { #field, kind, def, min, max, flags, offsetof(fs_bdnf_params, field), text, src }
#define SPINE_ROW(field, kind, def, min, max, flags, text, src)                                    \
  { #field, kind, def, min, max, flags, offsetof(fs_spine_params, field), text, src }
#define EXCL FS_PARAM_MIN_EXCLUSIVE

const fs_param_spec fs_late_param_specs[] = {
    LATE_ROW(theta_tag, FS_UNIT_DIMENSIONLESS, 0.2, 0.0, 100.0, EXCL,
             "tag threshold on |rho - rho_0|, in units of rho_0",
             "Li, Kulvicius & Tetzlaff 2016, PLoS ONE, via Luboeinski & Tetzlaff 2021"),
    LATE_ROW(theta_pro, FS_UNIT_DIMENSIONLESS, 0.6, 0.0, 1e6, EXCL,
             "protein-synthesis threshold on the mean over a neuron's synapses of "
             "|rho - rho_0| / rho_0",
             "fearsim (judgment): between a weak and a strong tetanus"),
    LATE_ROW(tau_p, FS_UNIT_TIME, 3600.0, 0.0, 1e9, EXCL, "time constant of the PRP",
             "fearsim (judgment): the order of magnitude of Luboeinski & Tetzlaff 2021"),
    LATE_ROW(alpha, FS_UNIT_DIMENSIONLESS, 1.0, 0.0, 100.0, 0, "PRP level while synthesis is on",
             "fearsim (judgment)"),
    LATE_ROW(tau_z, FS_UNIT_TIME, 3600.0, 0.0, 1e9, EXCL, "time constant of capture",
             "fearsim (judgment): the order of magnitude of Luboeinski & Tetzlaff 2021"),
};
const size_t fs_late_n_param_specs = sizeof fs_late_param_specs / sizeof fs_late_param_specs[0];

const fs_param_spec fs_bdnf_param_specs[] = {
    BDNF_ROW(tau, FS_UNIT_TIME, 3.0 * 3600.0, 0.0, 1e9, EXCL, "decay time constant of BDNF",
             "fearsim (judgment): decays over hours"),
    BDNF_ROW(rate_ref, FS_UNIT_FREQUENCY, 10.0, 0.0, 1e4, EXCL,
             "firing rate above which activity produces BDNF", "fearsim (judgment)"),
    BDNF_ROW(activity_gain, FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1e3, 0,
             "production per unit of relative excess rate", "fearsim (judgment)"),
    BDNF_ROW(eef2_gain, FS_UNIT_DIMENSIONLESS, 3.0, 0.0, 1e3, 0,
             "production per unit of NMDA block at rest (eEF2 pathway)",
             "fearsim (judgment) (direction: Autry et al. 2011, Nature 475:91)"),
    BDNF_ROW(v_rest, FS_UNIT_VOLTAGE, -70e-3, -0.2, 0.1, 0,
             "membrane potential at which the block at rest is computed", "fearsim (judgment)"),
    BDNF_ROW(epsilon, FS_UNIT_DIMENSIONLESS, 1e-3, 0.0, 1.0, EXCL,
             "keeps the lowered PRP threshold finite without BDNF",
             "Lehr, Luboeinski & Tetzlaff 2022, Sci Rep"),
};
const size_t fs_bdnf_n_param_specs = sizeof fs_bdnf_param_specs / sizeof fs_bdnf_param_specs[0];

const fs_param_spec fs_spine_param_specs[] = {
    SPINE_ROW(formation, FS_UNIT_RATE, 3.0 / 86400.0, 0.0, 1.0, 0,
              "new synapses per existing one per unit of TrkB-mTORC1 signal",
              "fearsim (judgment): about +30 % at 24 h (Li et al. 2010, Science 329:959)"),
    SPINE_ROW(baseline_formation, FS_UNIT_RATE, 0.0, 0.0, 1.0, 0,
              "new synapses per existing one without signal", "fearsim (judgment)"),
    SPINE_ROW(tau_elimination, FS_UNIT_TIME, 7.0 * 86400.0, 0.0, 1e10, EXCL,
              "lifetime of a weak unconsolidated synapse",
              "fearsim (judgment): excess gone in 1-3 weeks (Moda-Sava et al. 2019, Science "
              "364:eaat8078)"),
    SPINE_ROW(weak, FS_UNIT_DIMENSIONLESS, 0.75, 0.0, 100.0, 0,
              "weight factor below which a synapse counts as weak", "fearsim (judgment)"),
    SPINE_ROW(z_new, FS_UNIT_DIMENSIONLESS, -0.5, -0.5, 1.0, 0,
              "consolidated state of a new (immature) synapse",
              "fearsim (judgment): new spines start weak"),
};
const size_t fs_spine_n_param_specs = sizeof fs_spine_param_specs / sizeof fs_spine_param_specs[0];

const char *const fs_prp_trigger_names[] = {"neuron", "pathway"};
const size_t fs_prp_n_triggers = sizeof fs_prp_trigger_names / sizeof fs_prp_trigger_names[0];

void fs_consolidation_late_defaults(fs_late_params *lp) {
  lp->trigger = FS_PRP_TRIGGER_PATHWAY;
}

double fs_consolidation_trigger_fold(fs_prp_trigger trigger, double acc, double sum,
                                     uint32_t n_alive) {
  if (trigger == FS_PRP_TRIGGER_NEURON) return acc + sum;
  double mean = n_alive ? sum / (double)n_alive : 0.0;
  return mean > acc ? mean : acc;
}

double fs_consolidation_trigger_signal(fs_prp_trigger trigger, double acc, uint32_t n_alive) {
  if (trigger == FS_PRP_TRIGGER_PATHWAY) return acc;
  return n_alive ? acc / (double)n_alive : 0.0;
}

void fs_consolidation_bdnf_defaults(fs_bdnf_params *bp) {
  bp->activity = bp->eef2 = bp->lowers_theta_pro = true;
  bp->raises_synthesis = false;
}

double fs_consolidation_prp_step(double p, int on, double alpha, double tau_p, double h,
                                 double *integral) {
  double target = on ? alpha : 0.0;
  double decay = fs_exp(-h / tau_p);
  /* the integral of target + (p - target) e^{-t/tau_p} over [0, h] */
  if (integral) *integral = target * h + (p - target) * tau_p * -fs_expm1(-h / tau_p);
  return target + (p - target) * decay;
}

double fs_consolidation_z_step(double z, int tag, double p_integral, double tau_z) {
  if (tag == 0) return z; /* most synapses, every slow step: no exp() for them */
  double decay = fs_exp(-p_integral / tau_z);
  return tag > 0 ? 1.0 - (1.0 - z) * decay : -0.5 + (z + 0.5) * decay;
}

int fs_consolidation_tag(const fs_late_params *lp, double rho, double rho_0) {
  double e = rho - rho_0, theta = lp->theta_tag * rho_0;
  return e > theta ? 1 : (e < -theta ? -1 : 0);
}

double fs_consolidation_bdnf_production(const fs_bdnf_params *bp, double r, double b_rest,
                                        bool knockout) {
  if (knockout) return 0.0;
  double excess = r / bp->rate_ref - 1.0;
  double p = 1.0;
  if (bp->activity && excess > 0) p += bp->activity_gain * excess;
  if (bp->eef2) p += bp->eef2_gain * b_rest;
  return p;
}

double fs_consolidation_bdnf_step(double b, double production, double tau, double h) {
  return production + (b - production) * fs_exp(-h / tau);
}

double fs_consolidation_theta_pro(const fs_late_params *lp, const fs_bdnf_params *bp, double b) {
  double theta = lp->theta_pro;
  if (!bp->lowers_theta_pro) return theta;
  return theta * (1.0 + bp->epsilon) / (b + bp->epsilon);
}

double fs_consolidation_prp_alpha(const fs_late_params *lp, const fs_bdnf_params *bp, double b,
                                  bool mtorc1_block) {
  if (mtorc1_block) return 0.0;
  return bp->raises_synthesis ? lp->alpha * b : lp->alpha;
}

double fs_consolidation_mtorc1_signal(double b, bool mtorc1_block) {
  return mtorc1_block || b <= 1.0 ? 0.0 : b - 1.0;
}

double fs_consolidation_spine_formation(const fs_spine_params *sp, double signal, double n0,
                                        double h) {
  return (sp->baseline_formation + sp->formation * signal) * n0 * h;
}

double fs_consolidation_spine_elimination(const fs_spine_params *sp, double h) {
  return -fs_expm1(-h / sp->tau_elimination);
}
