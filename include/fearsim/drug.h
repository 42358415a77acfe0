/* drug.h - drugs at the NMDA receptor: the registry (ketamine, esketamine, mk801, memantine,
 * apv, dcycloserine, saline, midazolam) and the per-synapse models of their action
 * (MODEL.md §3). Concentrations are mol/m^3 (= mM) at the receptor, voltages V, times s.
 *
 * Open-channel trapping block, per synapse with blocked fraction b and open fraction o(t):
 *   db/dt = o(t)·[k_on·sel·C·(1 - b) - k_off(V)·b] - (1 - o(t))·(1 - trap)·k_off(V)·b
 *   k_off(V) = k_off(-60 mV)·exp(δ·z·F·(V + 60 mV)/(R·T)),  z = +1, T = 310 K
 * Sign choice: the unblocking rate RISES with depolarisation (block relieved by
 * depolarisation, MODEL.md §3). LITERATURE §2.1 notes that the MacDonald 1991 abstract says
 * the reverse rate is "reduced by depolarization"; we follow the physical expectation for a
 * cation entering from outside (and the observed relief of block at depolarised potentials)
 * until the figure is checked.
 * For constant C and V and a full trapper (trap = 1) the solution depends on o(t) only
 * through the open time U = ∫o dt:  b = b_inf + (b0 - b_inf)·exp(-(k_on·sel·C + k_off)·U),
 * b_inf = k_on·sel·C/(k_on·sel·C + k_off). Closed channels keep their blocker (trapping).
 * A partial trapper (memantine, trap < 1) also unblocks from closed channels at
 * (1 - trap)·k_off(V); that term is applied over the closed time after the open-time update
 * (the engine calls at spikes, after which channels open and then close; exact when C = 0 or
 * when either time is 0, within about 1 % of a fine integration for spike-driven o(t)).
 *
 * Only ONE open-channel blocker may be active in an experiment (each synapse keeps one b);
 * the dosing reader (dosing.h) rejects a second one.
 *
 * Competitive antagonist (apv):   factor = K_i/(K_i + C) on the NMDA gating.
 * Glycine-site partial agonist (dcycloserine): gain = 1 + (gain_max - 1)·C/(C + EC50) > 1.
 * Allosteric reduction of opening (ketamine, Orser 1997; default off):
 *                                  gain = 1 - allo_max·C/(C + allo_ic50) on the open fraction.
 * NMDA availability used by both the current and the calcium influx:
 *                                  (1 - b)·(antagonist factor)·(glycine gain)·(allosteric gain).
 * The rows, their values and sources are in sim/models/drug_<mechanism>.c. */
#ifndef FEARSIM_DRUG_H
#define FEARSIM_DRUG_H

#include <stddef.h>

#include <fearsim/error.h>
#include <fearsim/param.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FS_DRUG_MECH_LIST(X)                                                                       \
  X(FS_DRUG_NONE, "none")                                                                          \
  X(FS_DRUG_OPEN_CHANNEL, "open-channel trapping blocker")                                         \
  X(FS_DRUG_COMPETITIVE, "competitive antagonist")                                                 \
  X(FS_DRUG_GLYCINE_SITE, "glycine-site partial agonist")

#define FS_DRUG_MECH_ENUM_ROW(e, text) e,
typedef enum fs_drug_mechanism { FS_DRUG_MECH_LIST(FS_DRUG_MECH_ENUM_ROW) } fs_drug_mechanism;
#undef FS_DRUG_MECH_ENUM_ROW

const char *fs_drug_mechanism_name(fs_drug_mechanism m);

/* Parameters of every mechanism; a drug's table sets the fields of its mechanism. SI. */
typedef struct fs_drug_params {
  double k_on;      /* open-channel association rate, m^3/(mol·s) (1e5 /M/s = 100) */
  double k_off;     /* unblocking rate at -60 mV, 1/s */
  double delta;     /* Woodhull electrical distance, 0..1 */
  double trap;      /* trapping fraction: 1 = full trap, < 1 leaks from closed channels */
  double allo_max;  /* maximal allosteric reduction of opening (0 = off) */
  double allo_ic50; /* mol/m^3 */
  double k_i;       /* competitive inhibition constant, mol/m^3 */
  double gain_max;  /* maximal glycine-site gain (>= 1) */
  double ec50;      /* mol/m^3 */
} fs_drug_params;

/* A drug: one row of the registry. */
typedef struct fs_drug {
  const char *name;        /* the YAML value: "ketamine" */
  const char *description; /* one line */
  double molar_mass;       /* kg/mol */
  fs_drug_mechanism mechanism;
  const fs_param_spec *params;
  size_t n_params;
  const char *pk_human;  /* default PK model name for humans, NULL if none */
  const char *pk_rodent; /* default PK model name for rats and mice, NULL if none */
} fs_drug;

/* The registry. fs_drug_find returns NULL on an unknown name and sets FS_ERR_INPUT with
 * `unknown drug "x" (did you mean "y"?)` or the list of the known names. */
const fs_drug *fs_drug_find(const char *name, fs_error *err);
size_t fs_drug_count(void);
const fs_drug *fs_drug_at(size_t i); /* NULL past the end */

/* Zeroes *out and writes the drug's defaults. */
void fs_drug_defaults(const fs_drug *d, fs_drug_params *out);

/* ---- open-channel block, per synapse --------------------------------------------------- */

/* Precomputed from a drug's parameters and a population's selectivity factor on k_on. */
typedef struct fs_block_coeffs {
  double k_on;    /* k_on·selectivity, m^3/(mol·s) */
  double k_off60; /* k_off at -60 mV, 1/s */
  double v_coef;  /* δ·z·F/(R·T), 1/V */
  double leak;    /* 1 - trap: closed-channel unblocking as a fraction of k_off(V) */
} fs_block_coeffs;

/* Fills *out. FS_ERR_INPUT if the drug is not an open-channel blocker or selectivity < 0. */
fs_status fs_block_coeffs_init(const fs_drug *d, const fs_drug_params *p, double selectivity,
                               fs_block_coeffs *out, fs_error *err);

/* Coefficients that never block (k_on = 0): for experiments without a blocker. */
void fs_block_coeffs_none(fs_block_coeffs *out);

/* k_off(V) (1/s) for the membrane potential v (V). */
double fs_block_k_off(const fs_block_coeffs *c, double v);

/* Steady-state blocked fraction of a channel that stays open at concentration conc. */
double fs_block_steady(const fs_block_coeffs *c, double conc, double v);

/* Advances the blocked fraction b over an interval in which the channels were open for
 * open_time = ∫o dt (s) and closed for closed_time = interval - open_time (s), at constant
 * concentration conc (mol/m^3) and potential v (V). Returns the new b in [0, 1]. Costs one or
 * two exp() (three for a partial trapper); safe to call from many threads. */
double fs_block_advance(const fs_block_coeffs *c, double b, double open_time, double closed_time,
                        double conc, double v);

/* ---- concentration → gating factors --------------------------------------------------- */

double fs_drug_competitive_factor(const fs_drug_params *p, double conc); /* K_i/(K_i + C) */
double fs_drug_glycine_gain(const fs_drug_params *p, double conc);       /* >= 1 */
double fs_drug_allosteric_gain(const fs_drug_params *p, double conc);    /* <= 1 */

/* (1 - b)·antagonist·gain: the factor on the NMDA conductance and calcium influx. */
static inline double fs_nmda_availability(double b, double antagonist, double gain) {
  return (1.0 - b) * antagonist * gain;
}

/* The drug rows (sim/models/drug_*.c). */
extern const fs_drug fs_drug_ketamine;
extern const fs_drug fs_drug_esketamine;
extern const fs_drug fs_drug_mk801;
extern const fs_drug fs_drug_memantine;
extern const fs_drug fs_drug_apv;
extern const fs_drug fs_drug_dcycloserine;
extern const fs_drug fs_drug_saline;
extern const fs_drug fs_drug_midazolam;

#ifdef __cplusplus
}
#endif
#endif
