/* drug_glycine_site.c - glycine-site partial agonist: D-cycloserine (DCS). A saturating gain
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

static const fs_param_spec dcs_params[] = {
    {"gain_max", FS_UNIT_DIMENSIONLESS, 1.3, 1.0, 10.0, 0, offsetof(fs_drug_params, gain_max),
     "maximal gain on NMDA gating"},
    {"ec50", FS_UNIT_MOLAR, 10e-3, 0.0, 1e3, FS_PARAM_MIN_EXCLUSIVE, offsetof(fs_drug_params, ec50),
     "half-maximal concentration"},
};

const fs_drug fs_drug_dcycloserine = {
    "dcycloserine", "D-cycloserine, glycine-site partial agonist", 0.1021, FS_DRUG_GLYCINE_SITE,
    dcs_params,     sizeof dcs_params / sizeof dcs_params[0],      NULL,   "rodent_1c"};
