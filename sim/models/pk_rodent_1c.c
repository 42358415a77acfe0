/* pk_rodent_1c.c - one-compartment model with first-order absorption for rodent i.p. and
 * s.c. dosing (rat, mouse). ALL VALUES ARE PLACEHOLDERS (docs/model.md §S3.3: rodent ketamine PK
 * not read); do not use them for a size-of-effect validation test.
 *
 *   dd/dt = -ka·d,  d(0+) = F·dose;   da1/dt = R(t) + ka·d - k10·a1;   dCe/dt = ke0·(Cp - Ce)
 *
 * | name  | default    | SI     | meaning                  | source |
 * |-------|------------|--------|--------------------------|--------|
 * | v1    | 5 L/kg     | m^3/kg | volume of distribution   | [1]    |
 * | k10   | ln2/15 min | 1/s    | elimination, t½ 15 min   | [2]    |
 * | ke0   | 5.2 /min   | 1/s    | effect site              | [3]    |
 * | ka_ip | 0.3 /min   | 1/s    | i.p. absorption          | [4]    |
 * | f_ip  | 1          | 1      | i.p. bioavailability     | [1]    |
 * | ka_sc | 0.3 /min   | 1/s    | s.c. absorption          | [4]    |
 * | f_sc  | 1          | 1      | s.c. bioavailability     | [1]    |
 *
 * [1] Placeholder, not read (v1 gives ≈ 1.4 µg/mL peak after 10 mg/kg i.p.).
 * [2] Placeholder; mouse i.p. t½ 10–30 min (from memory, verify), docs/model.md §S3.3.
 * [3] Borrowed from Clements 250 (placeholder; brain equilibrates in ~1 min [read: opentiva]).
 * [4] Placeholder chosen for t_max ≈ 7.4 min (target 5–10 min, docs/model.md §S3.3).
 * Also accepts iv_bolus / iv_infusion (into the single compartment). */
#include <stddef.h>

#include <fearsim/pk.h>

#define PER_MIN (1.0 / 60.0)

static const fs_param_spec rodent_1c_params[] = {
    {"v1", FS_UNIT_VOLUME_PER_MASS, 5.0e-3, 0.0, 1.0, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(fs_pk_params, v1), "volume of distribution per body mass", "placeholder (not read)"},
    {"k10", FS_UNIT_RATE, 0.69314718055994530942 / (15.0 * 60.0), 0.0, 1.0, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(fs_pk_params, k10), "elimination rate constant",
     "placeholder: t1/2 15 min (mouse i.p. 10-30 min, not verified)"},
    {"ke0", FS_UNIT_RATE, 5.2 * PER_MIN, 0.0, 10.0, FS_PARAM_MIN_EXCLUSIVE,
     offsetof(fs_pk_params, ke0), "effect-site equilibration rate constant",
     "placeholder: as clements"},
    {"ka_ip", FS_UNIT_RATE, 0.3 * PER_MIN, 0.0, 1.0, 0, offsetof(fs_pk_params, ka_ip),
     "intraperitoneal absorption rate constant", "placeholder: t_max about 7 min"},
    {"f_ip", FS_UNIT_DIMENSIONLESS, 1.0, 0.0, 1.0, 0, offsetof(fs_pk_params, f_ip),
     "intraperitoneal bioavailability", "placeholder (not read)"},
    {"ka_sc", FS_UNIT_RATE, 0.3 * PER_MIN, 0.0, 1.0, 0, offsetof(fs_pk_params, ka_sc),
     "subcutaneous absorption rate constant", "placeholder: t_max about 7 min"},
    {"f_sc", FS_UNIT_DIMENSIONLESS, 1.0, 0.0, 1.0, 0, offsetof(fs_pk_params, f_sc),
     "subcutaneous bioavailability", "placeholder (not read)"},
};

const fs_pk_model fs_pk_rodent_1c = {
    "rodent_1c", "one compartment + first-order absorption, rodent i.p./s.c. (placeholder values)",
    rodent_1c_params, sizeof rodent_1c_params / sizeof rodent_1c_params[0]};
