/* drug_competitive.c - the competitive antagonist mechanism at the NMDA glutamate site and its
 * drug, D-APV (AP5).
 * Scales the NMDA gating by K_i/(K_i + [APV]); no trapping, no voltage dependence. Usually
 * applied locally (route "local") to one region for a time window.
 *
 * | name | default | SI      | meaning             | source                            |
 * |------|---------|---------|---------------------|-----------------------------------|
 * | k_i  | 1 µM    | mol/m^3 | inhibition constant | placeholder (from memory, verify) |
 *
 * Molar mass 197.1 g/mol computed from C5H12NO5P (formula from memory, verify).
 * No default systemic PK model (use route local, or give pk_model). */
#include <stddef.h>

#include <fearsim/drug.h>

double fs_drug_competitive_factor(const fs_drug_params *p, double conc) {
  if (!(conc > 0) || !(p->k_i > 0)) return 1.0;
  return p->k_i / (p->k_i + conc);
}

static void competitive_effect(const fs_drug_params *p, double conc, fs_nmda_mod *mod) {
  mod->antagonist *= fs_drug_competitive_factor(p, conc);
}

const fs_drug_mechanism fs_drug_mech_competitive = {
    .name = "competitive",
    .description = "competitive antagonist",
    .blocks_channel = false,
    .nmda_effect = competitive_effect,
};

static const fs_param_spec apv_params[] = {
    {"k_i", FS_UNIT_MOLAR, 1e-3, 0.0, 1e3, FS_PARAM_MIN_EXCLUSIVE, offsetof(fs_drug_params, k_i),
     "competitive inhibition constant", "placeholder (not read)"},
};

const fs_drug fs_drug_apv = {
    .name = "apv",
    .description = "D-APV, competitive NMDA antagonist",
    .molar_mass = 0.1971,
    .mechanism = &fs_drug_mech_competitive,
    .params = apv_params,
    .n_params = sizeof apv_params / sizeof apv_params[0],
    .pk_human = NULL,
    .pk_rodent = NULL,
};
