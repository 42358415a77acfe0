/* drug_inert.c - the inert mechanism (no NMDA effect) and its drugs, the placebo and
 * active placebo (docs/model.md §3): saline, and
 * midazolam (the active placebo of Feder et al. 2014/2021, 0.045 mg/kg IV over 40 min
 * [read: abstract]). Their PK is not modelled (PK model "none": concentration 0); they
 * exist so that a placebo arm is a dosing plan like any other.
 * Molar masses: NaCl 58.44 g/mol; midazolam 325.8 g/mol computed from C18H13ClFN3 (formula
 * from memory, verify). No parameters. */
#include <stddef.h>

#include <fearsim/drug.h>

const fs_drug_mechanism fs_drug_mech_inert = {
    .name = "inert",
    .description = "no effect at the NMDA receptor",
    .blocks_channel = false,
    .nmda_effect = NULL,
};

const fs_drug fs_drug_saline = {
    .name = "saline",
    .description = "saline placebo (no NMDA effect)",
    .molar_mass = 0.05844,
    .mechanism = &fs_drug_mech_inert,
    .params = NULL,
    .n_params = 0,
    .pk_human = "none",
    .pk_rodent = "none",
};

const fs_drug fs_drug_midazolam = {
    .name = "midazolam",
    .description = "midazolam active placebo (no NMDA effect)",
    .molar_mass = 0.3258,
    .mechanism = &fs_drug_mech_inert,
    .params = NULL,
    .n_params = 0,
    .pk_human = "none",
    .pk_rodent = "none",
};
