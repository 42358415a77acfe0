/* consolidation.h - the slow side of plasticity (docs/model.md §5): synaptic tagging and capture
 * (Luboeinski & Tetzlaff 2021, docs/model.md §S4.3), plasticity-related proteins (PRP) and BDNF
 * per neuron, and spine turnover. */
/* clang-format off */
/* These are advanced at a slow clock (1 min by default, in the fast and in the slow phase
 * alike), each step solved in closed form with its drives held over the step:
 *
 *   tag of a synapse:    e = rho - rho_0; LTP tag if e > theta_tag, LTD tag if e < -theta_tag
 *   PRP of a neuron:     tau_p dp/dt = -p + alpha' Θ[<|e|> - theta_pro']
 *   capture:             tau_z dz/dt = p (1 - z)    (LTP tag)
 *                        tau_z dz/dt = -p (z + 0.5) (LTD tag)
 *   BDNF of a neuron:    tau_B dB/dt = P - B,  B relative to its resting level 1,
 *                        P = 1 + g_act max(0, r / r_ref - 1) + g_eef2 b_rest   (P = 0: knock-out)
 *   BDNF through TrkB:   theta_pro' = theta_pro (1 + eps) / (B + eps)   if lowers_theta_pro
 *                                                        (the form of Lehr et al. 2022)
 *                        alpha' = alpha B                               if raises_synthesis
 *   mTORC1 signal:       M = max(0, B - 1)
 *   mTORC1 block:        M = 0 and alpha' = 0 (no protein synthesis; rapamycin)
 *   spines per neuron:   new synapses at rate n0 (f_0 + f_M M) from its reserved pool; each
 *                        weak one (lasting weight factor 1 + z below `weak`) eliminated at
 *                        rate 1 / tau_elim
 *
 * <|e|> is the largest of the means over each late-phase projection onto the neuron (trigger:
 * pathway, the default: the strong input's own signal, which a silent second pathway does not
 * dilute; Frey & Morris 1997) or the mean over all its late-phase synapses (trigger: neuron).
 * In a behavioural protocol the salience of its events lowers theta_pro' (salience.h).
 * Luboeinski & Tetzlaff sum |e| over the neuron; fearsim takes a mean, like the fraction of
 * tagged synapses that triggers synthesis in Clopath et al. 2008 (60 of 100), so that the
 * trigger does not change when the network's `scale` changes its in-degrees. r is the
 * neuron's firing rate over the step, b_rest the equilibrium block at rest of its NMDA
 * receptors, k_on C / (k_on C + k_off(V_rest)) (the eEF2 pathway, Autry et al. 2011), n0 the
 * neuron's synapse count at the start. Thresholds are in units of rho_0.
 *
 * The knock-out (B = 0 from the start, no production) removes consolidation through either
 * TrkB pathway alone: with lowers_theta_pro, theta_pro' = theta_pro (1 + eps) / eps, about
 * 1000 theta_pro, beyond any <|e|> (at most 1 / rho_0 - 1); with raises_synthesis, alpha' = 0,
 * so the trigger makes no protein. Early plasticity is untouched. With both pathways switched
 * off BDNF does not act on the late phase, and the knock-out leaves consolidation as it is:
 * that is the hypothesis those switches exist to test. */
/* clang-format on */
#ifndef FEARSIM_CONSOLIDATION_H
#define FEARSIM_CONSOLIDATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fearsim/param.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What <|e|> averages over (consolidation.trigger). */
typedef enum fs_prp_trigger {
  FS_PRP_TRIGGER_NEURON, /* over all the neuron's late-phase synapses together */
  FS_PRP_TRIGGER_PATHWAY /* per late-phase projection onto the neuron; the largest mean (the
                            default) */
} fs_prp_trigger;

/* The YAML names of fs_prp_trigger, in its order. */
extern const char *const fs_prp_trigger_names[];
extern const size_t fs_prp_n_triggers;

typedef struct fs_late_params {
  double theta_tag;       /* tag threshold on |rho - rho_0|, in units of rho_0 */
  double theta_pro;       /* PRP threshold on <|e|> (see trigger), in rho_0 */
  double tau_p;           /* s */
  double alpha;           /* PRP level while synthesis is on */
  double tau_z;           /* s */
  fs_prp_trigger trigger; /* not in the parameter table: read as a name */
} fs_late_params;

/* The trigger's default (the table's rows are set by fs_params_set_defaults). */
void fs_consolidation_late_defaults(fs_late_params *lp);

/* The trigger signal <|e|> of one neuron, folded one late-phase projection at a time: acc
 * starts at 0; sum is the projection's sum of |e| over the neuron's synapses, n_alive their
 * count. With FS_PRP_TRIGGER_NEURON acc is the running sum (divide by the neuron's synapse
 * count at the end, fs_consolidation_trigger_signal); with FS_PRP_TRIGGER_PATHWAY it is the
 * largest pathway mean so far. */
double fs_consolidation_trigger_fold(fs_prp_trigger trigger, double acc, double sum,
                                     uint32_t n_alive);
/* <|e|> from the folded acc and the neuron's count of alive late-phase synapses. */
double fs_consolidation_trigger_signal(fs_prp_trigger trigger, double acc, uint32_t n_alive);

typedef struct fs_bdnf_params {
  double tau;           /* s */
  double rate_ref;      /* Hz: activity above this produces BDNF */
  double activity_gain; /* production per unit of relative excess rate */
  double eef2_gain;     /* production per unit of NMDA block at rest */
  double v_rest;        /* V: the potential of "at rest" */
  double epsilon;       /* keeps theta_pro' finite at B = 0 */
  /* pathway switches (not in the parameter table: read as booleans) */
  bool activity, eef2, lowers_theta_pro, raises_synthesis;
} fs_bdnf_params;

/* The switches' defaults: all on but raises_synthesis. */
void fs_consolidation_bdnf_defaults(fs_bdnf_params *bp);

typedef struct fs_spine_params {
  double formation;          /* 1/s per unit of mTORC1 signal, relative to n0 */
  double baseline_formation; /* 1/s, relative to n0 */
  double tau_elimination;    /* s, of a weak unconsolidated synapse */
  double weak;               /* weight factor below which a synapse is weak */
  double z_new;              /* consolidated state of a new synapse (immature: < 0) */
} fs_spine_params;

extern const fs_param_spec fs_late_param_specs[];
extern const size_t fs_late_n_param_specs;
extern const fs_param_spec fs_bdnf_param_specs[];
extern const size_t fs_bdnf_n_param_specs;
extern const fs_param_spec fs_spine_param_specs[];
extern const size_t fs_spine_n_param_specs;

/* PRP level after h with synthesis on (on != 0) or off over the whole step; *integral gets
 * the integral of p over the step (what capture sees). */
double fs_consolidation_prp_step(double p, int on, double alpha, double tau_p, double h,
                                 double *integral);

/* z after a step whose PRP integral is p_integral, for a synapse tagged for LTP (tag > 0), for
 * LTD (tag < 0) or untagged (tag == 0: z does not change). */
double fs_consolidation_z_step(double z, int tag, double p_integral, double tau_z);

/* The tag of a synapse of efficacy rho: +1, -1 or 0. */
int fs_consolidation_tag(const fs_late_params *lp, double rho, double rho_0);

/* BDNF's production rate (relative to rest) for firing rate r (Hz) and block at rest b. */
double fs_consolidation_bdnf_production(const fs_bdnf_params *bp, double r, double b_rest,
                                        bool knockout);

/* BDNF after h at production P held constant. */
double fs_consolidation_bdnf_step(double b, double production, double tau, double h);

/* The PRP threshold (on the mean |rho - rho_0| / rho_0) and synthesis level under BDNF level b. */
double fs_consolidation_theta_pro(const fs_late_params *lp, const fs_bdnf_params *bp, double b);
double fs_consolidation_prp_alpha(const fs_late_params *lp, const fs_bdnf_params *bp, double b,
                                  bool mtorc1_block);

/* The TrkB-mTORC1 signal driving spine formation. */
double fs_consolidation_mtorc1_signal(double b, bool mtorc1_block);

/* Expected number of new synapses over h for a neuron with n0 synapses at the start. */
double fs_consolidation_spine_formation(const fs_spine_params *sp, double signal, double n0,
                                        double h);

/* Probability that a weak unconsolidated synapse is eliminated within h. */
double fs_consolidation_spine_elimination(const fs_spine_params *sp, double h);

#ifdef __cplusplus
}
#endif
#endif
