/* drug_glycine_site.c - the glycine-site partial agonist mechanism and its drug,
 * D-cycloserine (DCS). A saturating gain
 * > 1 on NMDA gating: gain = 1 + (gain_max - 1)·C/(C + EC50).
 *
 * | name     | default | SI      | meaning                    | source |
 * |----------|---------|---------|----------------------------|--------|
 * | gain_max | 1.3     | 1       | maximal gain on the gating | [1]    |
 * | ec50     | 10 µM   | mol/m^3 | half-maximal concentration | [1]    |
 *
 * [1] Placeholders (from memory, verify): partial agonism at a partly occupied glycine site
 *     gives a modest net gain.
 * Molar mass 102.1 g/mol computed from C3H6N2O2 (formula from memory, verify). Systemic doses
 * in rats: Walker et al. 2002 used 3.25–30 mg/kg [read: abstract]; the rodent PK model is the
 * ketamine placeholder rodent_1c (placeholder, verify). */
#include <stddef.h>

#include <fearsim/drug.h>

double fs_drug_glycine_gain(const fs_drug_params *p, double conc) {
  if (!(conc > 0) || !(p->ec50 > 0)) return 1.0;
  return 1.0 + (p->gain_max - 1.0) * conc / (conc + p->ec50);
}

static void glycine_site_effect(const fs_drug_params *p, double conc, fs_nmda_mod *mod) {
  mod->gain *= fs_drug_glycine_gain(p, conc);
}

const fs_drug_mechanism fs_drug_mech_glycine_site = {
    .name = "glycine_site",
    .description = "glycine-site partial agonist",
    .blocks_channel = false,
    .nmda_effect = glycine_site_effect,
};

static const fs_param_spec dcs_params[] = {
    {"gain_max", FS_UNIT_DIMENSIONLESS, 1.3, 1.0, 10.0, 0, offsetof(fs_drug_params, gain_max),
     "maximal gain on NMDA gating", "placeholder (not read)"},
    {"ec50", FS_UNIT_MOLAR, 10e-3, 0.0, 1e3, FS_PARAM_MIN_EXCLUSIVE, offsetof(fs_drug_params, ec50),
     "half-maximal concentration", "placeholder (not read)"},
};

const fs_drug fs_drug_dcycloserine = {
    .name = "dcycloserine",
    .description = "D-cycloserine, glycine-site partial agonist",
    .molar_mass = 0.1021,
    .mechanism = &fs_drug_mech_glycine_site,
    .params = dcs_params,
    .n_params = sizeof dcs_params / sizeof dcs_params[0],
    .pk_human = NULL,
    .pk_rodent = "rodent_1c",
};
