/* pharm.h - the experiment's `subject:` and `drugs:` sections read into a validated
 * pharmacology plan that the engine queries: plasma and effect-site concentration of each
 * drug at any time, the concentration at the receptors of a population (systemic effect site
 * plus local applications), and the per-population NMDA modulation (blocker concentration,
 * competitive factor, glycine-site gain, allosteric gain).
 *
 * YAML (all keys but drug/route/dose|concentration/at|day optional):
 *   subject:
 *     species: human            # human | rat | mouse: default weight 70 kg | 0.3 kg | 0.025 kg
 *     body_weight: 70 kg        # overrides the species default; needed for any systemic dose
 *     start_weekday: mon        # weekday of day 1 (t = 0 is 00:00 of day 1); default mon
 *     seed: 1                   # read by the experiment, not here
 *   drugs:
 *     - drug: ketamine          # a registry name (drug.h)
 *       route: iv_infusion      # iv_bolus, iv_infusion, intranasal, intraperitoneal,
 *                               # subcutaneous or local
 *       dose: 0.5 mg/kg         # or "35 mg"; systemic routes only
 *       day: 1                  # with time (default 00:00); or instead at: 2 h
 *       time: '09:00'
 *       duration: 40 min        # iv_infusion and local only (required there)
 *       repeat: {weekdays: [mon, wed, fri], weeks: 2}  # or {every: 48 h, count: 6}
 *       pk_model: clements      # default: the drug's row for the species
 *       pk_params: {k10: 0.0109 /min}  # overrides of the PK model's table
 *       params: {k_off: 0.2 /s}        # overrides of the drug's table (same in all entries)
 *       selectivity: {LA_I: 2}         # blockers only: factor on k_on per population
 *     - drug: apv
 *       route: local
 *       concentration: 50 uM    # local only (also a mass concentration, "10 ug/mL")
 *       populations: [LA]
 *       at: 1 h
 *       duration: 2 h
 * Only ONE open-channel blocker (ketamine, esketamine, arketamine, mk801, memantine) may be used
 * in an experiment, since every synapse keeps one blocked fraction b; a second one is an input
 * error. Every error is FS_ERR_INPUT with the place, e.g.
 *   `x.yaml:12:11: drugs[0].drug: expected one of "ketamine", ..., got "ketamin" (did you
 *   mean "ketamine"?)`. */
#ifndef FEARSIM_PHARM_H
#define FEARSIM_PHARM_H

#include <stddef.h>

#include <fearsim/config.h>
#include <fearsim/drug.h>
#include <fearsim/error.h>
#include <fearsim/pk.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_pharmacology fs_pharmacology;

/* Reads root.subject and root.drugs (both optional: no drugs gives an empty plan) and
 * validates them against the population names (local targets, selectivity keys) and the
 * run's end time t_end (s; INFINITY for no limit): a dose at or after t_end, or an infusion
 * or local window that ends after it, is an error. Other sections of root are not looked
 * at. On failure *out is NULL, nothing is leaked, and err says where. */
fs_status fs_pharm_read(fs_cfg_node root, const char *const *pop_names, size_t n_pops, double t_end,
                        fs_pharmacology **out, fs_error *err);
void fs_pharm_free(fs_pharmacology *ph); /* NULL is a no-op */

/* The subject: species name ("human" when none was given) and body weight (kg, 0 if
 * unknown, which is allowed only without systemic doses). */
const char *fs_pharm_species(const fs_pharmacology *ph);
double fs_pharm_body_weight(const fs_pharmacology *ph);

/* The drugs used, in order of first appearance in `drugs:`. */
size_t fs_pharm_n_drugs(const fs_pharmacology *ph);
const fs_drug *fs_pharm_drug(const fs_pharmacology *ph, size_t i);
const fs_drug_params *fs_pharm_drug_params(const fs_pharmacology *ph, size_t i);

/* One administration after the expansion of `repeat:`, sorted by time. */
typedef struct fs_pharm_dose {
  size_t drug;  /* index as in fs_pharm_drug */
  size_t entry; /* index of its drugs[] entry */
  fs_route route;
  double t;        /* s */
  double duration; /* s (infusion, local), else 0 */
  double amount;   /* kg, systemic routes */
  double conc;     /* mol/m^3, local route */
} fs_pharm_dose;

size_t fs_pharm_n_doses(const fs_pharmacology *ph);
const fs_pharm_dose *fs_pharm_dose_at(const fs_pharmacology *ph, size_t i); /* NULL past end */

/* Systemic plasma and effect-site mass concentrations of drug i at t (s), kg/m^3, summed
 * over its courses (0 for PK model "none"). Either pointer may be NULL. O(courses·log doses). */
void fs_pharm_conc(const fs_pharmacology *ph, size_t i, double t, double *plasma, double *effect);

/* The concentration of drug i at the receptors of population pop at t, mol/m^3: the
 * effect-site concentration / molar mass, plus every local application to pop active at t
 * (window [at, at + duration)). */
double fs_pharm_receptor_conc(const fs_pharmacology *ph, size_t i, size_t pop, double t);

/* What the engine needs per population at a time t (fs_nmda_mod is in drug.h): each drug's
 * mechanism folds its receptor concentration into *out, starting from FS_NMDA_MOD_NONE. */
void fs_pharm_get_nmda_mod(const fs_pharmacology *ph, size_t pop, double t, fs_nmda_mod *out);

/* The same for populations 0 .. n_pops - 1 at once, into out[n_pops]: every drug's
 * concentration at its effect site is computed once. */
void fs_pharm_get_nmda_mods(const fs_pharmacology *ph, double t, fs_nmda_mod *out, size_t n_pops);

/* The open-channel blocker's index (as in fs_pharm_drug), or -1 if there is none. */
int fs_pharm_blocker(const fs_pharmacology *ph);

/* The block coefficients of population pop (the blocker's parameters and the population's
 * selectivity); coefficients that never block if there is no blocker. */
void fs_pharm_get_block_coeffs(const fs_pharmacology *ph, size_t pop, fs_block_coeffs *out);

#ifdef __cplusplus
}
#endif
#endif
