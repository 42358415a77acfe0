/* drug_competitive.c - competitive NMDA antagonist at the glutamate site: D-APV (AP5).
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

static const fs_param_spec apv_params[] = {
    {"k_i", FS_UNIT_MOLAR, 1e-3, 0.0, 1e3, FS_PARAM_MIN_EXCLUSIVE, offsetof(fs_drug_params, k_i),
     "competitive inhibition constant"},
};

const fs_drug fs_drug_apv = {
    "apv",      "D-APV, competitive NMDA antagonist",     0.1971, FS_DRUG_COMPETITIVE,
    apv_params, sizeof apv_params / sizeof apv_params[0], NULL,   NULL};
