/* pk_domino.c - Domino et al. 1982 three-compartment ketamine model (human, alternative row).
 *
 *   da1/dt = R(t) + ka_in·d_in - (k10 + k12 + k13)·a1 + k21·a2 + k31·a3
 *   da2/dt = k12·a1 - k21·a2,  da3/dt = k13·a1 - k31·a3,  dCe/dt = ke0·(Cp - Ce)
 *
 * | name  | default     | SI     | meaning                    | source |
 * |-------|-------------|--------|----------------------------|--------|
 * | v1    | 0.063 L/kg  | m^3/kg | central volume             | [1]    |
 * | k10   | 0.4381 /min | 1/s    | elimination                | [1]    |
 * | k12   | 0.5921 /min | 1/s    | central → fast peripheral  | [1]    |
 * | k21   | 0.2470 /min | 1/s    | fast peripheral → central  | [1]    |
 * | k13   | 0.5900 /min | 1/s    | central → slow peripheral  | [1]    |
 * | k31   | 0.0146 /min | 1/s    | slow peripheral → central  | [1]    |
 * | ke0   | 0.652 /min  | 1/s    | effect site                | [2]    |
 * | f_in  | 0.5         | 1      | intranasal bioavailability | [3]    |
 * | ka_in | 0.1 /min    | 1/s    | intranasal absorption      | [3]    |
 *
 * [1] Domino et al. 1982, PMID 7198883 (journal Anesth Analg from memory, verify) [read:
 *     opentiva `Domino`; same numbers in fus_anes `TCI_Ketamine`]; docs/model.md §S3.2.
 * [2] opentiva, from t_peak 1 min [read].
 * [3] As pk_clements.c (F read and rounded; ka placeholder, from memory, verify).
 * Derived (computed here): half-lives 0.40, 4.6 and 115 min; 0.5 mg/kg over 40 min → about
 * 240 ng/mL at the end of the infusion. */
#include <stddef.h>

#include <fearsim/pk.h>

#define PER_MIN (1.0 / 60.0)

static const fs_param_spec domino_params[] = {
    {"v1", FS_UNIT_VOLUME_PER_MASS, 0.063e-3, 0.0, 1.0, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(fs_pk_params, v1), "central volume per body mass",
     "Domino et al. 1982 (three-compartment; via opentiva)"},
    {"k10", FS_UNIT_RATE, 0.4381 * PER_MIN, 0.0, 1.0, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(fs_pk_params, k10), "elimination rate constant",
     "Domino et al. 1982 (three-compartment; via opentiva)"},
    {"k12", FS_UNIT_RATE, 0.5921 * PER_MIN, 0.0, 1.0, 0, offsetof(fs_pk_params, k12),
     "central to fast peripheral rate constant",
     "Domino et al. 1982 (three-compartment; via opentiva)"},
    {"k21", FS_UNIT_RATE, 0.2470 * PER_MIN, 0.0, 1.0, 0, offsetof(fs_pk_params, k21),
     "fast peripheral to central rate constant",
     "Domino et al. 1982 (three-compartment; via opentiva)"},
    {"k13", FS_UNIT_RATE, 0.5900 * PER_MIN, 0.0, 1.0, 0, offsetof(fs_pk_params, k13),
     "central to slow peripheral rate constant",
     "Domino et al. 1982 (three-compartment; via opentiva)"},
    {"k31", FS_UNIT_RATE, 0.0146 * PER_MIN, 0.0, 1.0, 0, offsetof(fs_pk_params, k31),
     "slow peripheral to central rate constant",
     "Domino et al. 1982 (three-compartment; via opentiva)"},
    {"ke0", FS_UNIT_RATE, 0.652 * PER_MIN, 0.0, 10.0, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(fs_pk_params, ke0), "effect-site equilibration rate constant",
     "opentiva, from t_peak 1 min"},
    {"f_in", FS_UNIT_DIMENSIONLESS, 0.5, 0.0, 1.0, 0, offsetof(fs_pk_params, f_in),
     "intranasal bioavailability", "as clements (Perez-Ruixo et al. 2021, rounded)"},
    {"ka_in", FS_UNIT_RATE, 0.1 * PER_MIN, 0.0, 1.0, 0, offsetof(fs_pk_params, ka_in),
     "intranasal absorption rate constant", "placeholder (not read)"},
};

const fs_pk_model fs_pk_domino = {"domino",
                                  "three-compartment ketamine, Domino et al. 1982 (human)",
                                  domino_params, sizeof domino_params / sizeof domino_params[0]};
