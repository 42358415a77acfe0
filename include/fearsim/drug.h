/* drug.h - drugs at the NMDA receptor: the registry (ketamine, esketamine, arketamine, mk801,
 * memantine, apv, dcycloserine, saline, midazolam) and the per-synapse models of their action
 * (docs/model.md §3). Concentrations are mol/m^3 (= mM) at the receptor, voltages V, times s.
 *
 * Open-channel trapping block, per synapse with blocked fraction b and open fraction o(t):
 *   db/dt = o(t)·[k_on·sel·C·(1 - b) - k_off(V)·b] - (1 - o(t))·(1 - trap)·k_off(V)·b
 *   k_off(V) = k_off(-60 mV)·exp(δ·z·F·(V + 60 mV)/(R·T)),  z = +1, T = 310 K
 * Sign choice: the unblocking rate RISES with depolarisation (block relieved by
 * depolarisation, docs/model.md §3). docs/model.md §S2.1 notes that the MacDonald 1991 abstract
 * says the reverse rate is "reduced by depolarization"; we follow the physical expectation for a
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
 * the dosing reader (pharm.h) rejects a second one.
 *
 * Competitive antagonist (apv):   factor = K_i/(K_i + C) on the NMDA gating.
 * Glycine-site partial agonist (dcycloserine): gain = 1 + (gain_max - 1)·C/(C + EC50) > 1.
 * Allosteric reduction of opening (ketamine, Orser 1997; default off):
 *                                  gain = 1 - allo_max·C/(C + allo_ic50) on the open fraction.
 * NMDA availability used by both the current and the calcium influx:
 *                                  (1 - b)·(antagonist factor)·(glycine gain)·(allosteric gain).
 * A mechanism is a row of a registry (fs_drug_mechanism below): its file
 * sim/models/drug_<mechanism>.c holds the row, its hook on the NMDA receptor and the drugs
 * that act by it, with their values and sources. Adding a mechanism touches that file, one
 * row of the mechanism table and one of the drug table in sim/drug.c, and, only if it has
 * parameters no other mechanism has, fs_drug_params below. */
#ifndef FEARSIM_DRUG_H
#define FEARSIM_DRUG_H

#include <stdbool.h>
#include <stddef.h>

#include <fearsim/error.h>
#include <fearsim/param.h>

#ifdef __cplusplus
extern "C" {
#endif

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

/* What the drugs do at the NMDA receptors of a population at a time. */
typedef struct fs_nmda_mod {
  double blocker_conc; /* mol/m^3 of the open-channel blocker, 0 if none */
  double antagonist;   /* product of competitive factors K_i/(K_i + C), 1 if none */
  double gain;         /* product of glycine-site gains, 1 if none */
  double allosteric;   /* gain on the open fraction (Orser 1997), 1 if none or off */
} fs_nmda_mod;

/* No drug: nothing blocked, every factor 1. */
#define FS_NMDA_MOD_NONE                                                                           \
  ((fs_nmda_mod){.blocker_conc = 0.0, .antagonist = 1.0, .gain = 1.0, .allosteric = 1.0})

/* A mechanism of action at the NMDA receptor: one row of the mechanism registry. */
typedef struct fs_drug_mechanism {
  const char *name;        /* "open_channel" */
  const char *description; /* "open-channel trapping blocker" */
  /* Keeps a blocked fraction per synapse (fs_drug_block_* below): at most one such drug per
   * experiment, and only such a drug takes a per-population selectivity. */
  bool blocks_channel;
  /* Folds the effect of concentration conc (mol/m^3 at the receptor) of a drug with
   * parameters p into *mod; NULL for a mechanism without effect on the NMDA receptor. */
  void (*nmda_effect)(const fs_drug_params *p, double conc, fs_nmda_mod *mod);
} fs_drug_mechanism;

/* The mechanism registry, like the drug registry below. fs_drug_mechanism_find returns NULL
 * on an unknown name and sets FS_ERR_INPUT with the known names. */
const fs_drug_mechanism *fs_drug_mechanism_find(const char *name, fs_error *err);
size_t fs_drug_mechanism_count(void);
const fs_drug_mechanism *fs_drug_mechanism_at(size_t i); /* NULL past the end */

/* A drug: one row of the registry. */
typedef struct fs_drug {
  const char *name;                   /* the YAML value: "ketamine" */
  const char *description;            /* one line */
  double molar_mass;                  /* kg/mol */
  const fs_drug_mechanism *mechanism; /* a row of the mechanism registry */
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

/* FS_OK if the drug's mechanism is a row of the mechanism registry; otherwise
 * FS_ERR_INTERNAL (`drug x has no registered mechanism`): a mechanism is never guessed. */
fs_status fs_drug_check(const fs_drug *d, fs_error *err);

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

/* Fills *out. FS_ERR_INPUT if the drug's mechanism does not block the channel or
 * selectivity < 0. */
fs_status fs_drug_block_init(const fs_drug *d, const fs_drug_params *p, double selectivity,
                             fs_block_coeffs *out, fs_error *err);

/* Coefficients that never block (k_on = 0): for experiments without a blocker. */
void fs_drug_block_none(fs_block_coeffs *out);

/* k_off(V) (1/s) for the membrane potential v (V). */
double fs_drug_block_k_off(const fs_block_coeffs *c, double v);

/* Steady-state blocked fraction of a channel that stays open at concentration conc. */
double fs_drug_block_steady(const fs_block_coeffs *c, double conc, double v);

/* Advances the blocked fraction b over an interval in which the channels were open for
 * open_time = ∫o dt (s) and closed for closed_time = interval - open_time (s), at constant
 * concentration conc (mol/m^3) and potential v (V). Returns the new b in [0, 1]. Costs one or
 * two exp() (three for a partial trapper); safe to call from many threads. */
double fs_drug_block_advance(const fs_block_coeffs *c, double b, double open_time,
                             double closed_time, double conc, double v);

/* ---- concentration → gating factors (each in its mechanism's file) ------------------- */

double fs_drug_competitive_factor(const fs_drug_params *p, double conc); /* K_i/(K_i + C) */
double fs_drug_glycine_gain(const fs_drug_params *p, double conc);       /* >= 1 */
double fs_drug_allosteric_gain(const fs_drug_params *p, double conc);    /* <= 1 */

/* (1 - b)·antagonist·gain: the factor on the NMDA conductance and calcium influx. */
static inline double fs_nmda_availability(double b, double antagonist, double gain) {
  return (1.0 - b) * antagonist * gain;
}

#ifdef __cplusplus
}
#endif
#endif
