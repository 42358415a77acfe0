/* drug_inert.c - placebo and active placebo without NMDA effect (MODEL.md §3): saline, and
 * midazolam (the active placebo of Feder et al. 2014/2021, 0.045 mg/kg IV over 40 min
 * [read: abstract]). Their PK is not modelled (PK model "none": concentration 0); they
 * exist so that a placebo arm is a dosing plan like any other.
 * Molar masses: NaCl 58.44 g/mol; midazolam 325.8 g/mol computed from C18H13ClFN3 (formula
 * from memory, verify). No parameters. */
#include <stddef.h>

#include <fearsim/drug.h>

const fs_drug fs_drug_saline = {
    "saline", "saline placebo (no NMDA effect)", 0.05844, FS_DRUG_NONE, NULL, 0, "none", "none"};

const fs_drug fs_drug_midazolam = {
    "midazolam", "midazolam active placebo (no NMDA effect)", 0.3258, FS_DRUG_NONE, NULL, 0, "none",
    "none"};
