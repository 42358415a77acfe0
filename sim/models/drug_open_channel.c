/* drug_open_channel.c - the open-channel trapping block mechanism (the per-synapse blocked
 * fraction b in closed form) and its drugs: ketamine (racemic), esketamine and arketamine
 * (its S and R enantiomers), MK-801 (dizocilpine) and memantine. Equations in drug.h:
 *   db/dt = o·[k_on·sel·C·(1 - b) - k_off(V)·b] - (1 - o)·(1 - trap)·k_off(V)·b
 *   k_off(V) = k_off(-60 mV)·exp(δ·F·(V + 60 mV)/(R·310 K));  allosteric gain on o:
 *   1 - allo_max·C/(C + allo_ic50) (ketamine and its enantiomers; default off).
 * Units: 1e5 /M/s = 100 m^3/(mol·s); 1 µM = 1e-3 mol/m^3.
 *
 * | drug       | M g/mol | k_on /M/s | k_off(-60 mV) /s | δ   | trap | sources        |
 * |------------|---------|-----------|------------------|-----|------|----------------|
 * | ketamine   | 237.7   | 1e5       | 0.2              | 0.8 | 1    | [1][2][3][4]   |
 * | esketamine | 237.7   | 1e5       | 0.125            | 0.8 | 1    | [1][5]         |
 * | arketamine | 237.7   | 1e5       | 0.5              | 0.8 | 1    | [1][5]         |
 * | mk801      | 221.3   | 1e5       | 0.003            | 0.8 | 1    | [2][3][6]      |
 * | memantine  | 179.3   | 3e5       | 0.5              | 0.8 | 0.7  | [3][7]         |
 * | allo_max   | 0 (off) | allo_ic50 0.1 µM (ketamine and its enantiomers)     | [8]            |
 *
 * [1] Ketamine base M 237.7 g/mol [read: docslib suppl. table]; its enantiomers have the same
 *     formula.
 * [2] MacDonald et al. 1991 [read: abstract]: k_on 3e4–3e5 /M/s, similar for ketamine, PCP and
 *     MK-801; k_off 0.2 /s ketamine, 0.003 /s MK-801; default k_on 1e5 as in docs/model.md §3.
 * [3] δ 0.6–0.9 (from memory, verify against MacDonald 1991 Fig.); 0.8 for all four.
 * [4] Full trapping [read: Kotermanski, Wood & Johnson 2009, fig. 5 legend].
 * [5] The enantiomers from the racemate's constants and one ratio: S "nearly four times more
 *     potent" than R [read: Sinner et al. 2005], K_R = 4 K_S for the half-block concentration
 *     K = k_off/k_on. The racemate is half of each, two blockers competing for one site, so at
 *     equilibrium 1/K_rac = (1/K_S + 1/K_R)/2 = 0.625/K_S: K_S = 0.625 K_rac, K_R = 2.5 K_rac.
 *     Which rate constant differs is not known; k_on is kept and k_off scaled (0.2 s^-1 x
 *     0.625 and x 2.5). PK as racemic ketamine's (not measured per enantiomer here).
 * [6] M computed from C16H15N (formula from memory, verify).
 * [7] M computed from C12H21N (formula from memory, verify); "fast" kinetics (docs/model.md §3):
 *     k_on and k_off placeholders (from memory, verify); partial trapping ≈ 70 % (Mealing et
 *     al. 1999, from memory, verify).
 * [8] Orser, Pennefather & MacDonald 1997: 0.1 µM ketamine reduced P_o' to 53 % of control
 *     [read: abstract]; the split between pore block and allosteric reduction is not known,
 *     so the gain is off by default. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <fearsim/elementary.h>
#include <fearsim/drug.h>

#define PER_M_PER_S 1e-3 /* 1 /M/s in m^3/(mol·s) */
#define UM 1e-3          /* 1 µM in mol/m^3 */

#define OPEN_CHANNEL_ROWS(kon, koff, dlt, trp, src_kinetics, src_trap)                             \
  {"k_on",                                                                                         \
   FS_UNIT_ASSOC_RATE,                                                                             \
   (kon)*PER_M_PER_S,                                                                              \
   0.0,                                                                                            \
   1e6,                                                                                            \
   0,                                                                                              \
   offsetof(fs_drug_params, k_on),                                                                 \
   "open-channel association rate constant",                                                       \
   src_kinetics},                                                                                  \
      {"k_off",                                                                                    \
       FS_UNIT_RATE,                                                                               \
       (koff),                                                                                     \
       0.0,                                                                                        \
       1e3,                                                                                        \
       0,                                                                                          \
       offsetof(fs_drug_params, k_off),                                                            \
       "unblocking rate constant at -60 mV",                                                       \
       src_kinetics},                                                                              \
      {"delta",                                                                                    \
       FS_UNIT_DIMENSIONLESS,                                                                      \
       (dlt),                                                                                      \
       0.0,                                                                                        \
       1.0,                                                                                        \
       0,                                                                                          \
       offsetof(fs_drug_params, delta),                                                            \
       "Woodhull electrical distance of the binding site",                                         \
       "0.6-0.9 (MacDonald et al. 1991, J Physiol 432:483; not verified): 0.8"},                   \
  {                                                                                                \
    "trap", FS_UNIT_DIMENSIONLESS, (trp), 0.0, 1.0, 0, offsetof(fs_drug_params, trap),             \
        "trapping fraction (1 = full trap)", src_trap                                              \
  }

#define ALLOSTERIC_ROWS                                                                            \
  {"allo_max",                                                                                     \
   FS_UNIT_DIMENSIONLESS,                                                                          \
   0.0,                                                                                            \
   0.0,                                                                                            \
   1.0,                                                                                            \
   0,                                                                                              \
   offsetof(fs_drug_params, allo_max),                                                             \
   "maximal allosteric reduction of channel opening (0 = off)",                                    \
   "Orser, Pennefather & MacDonald 1997, Anesthesiology: 0.1 uM halves opening; split unknown, "   \
   "off"},                                                                                         \
  {                                                                                                \
    "allo_ic50", FS_UNIT_MOLAR, 0.1 * UM, 0.0, 1.0, FS_PARAM_MIN_EXCLUSIVE,                        \
        offsetof(fs_drug_params, allo_ic50),                                                       \
        "half-maximal concentration of the allosteric effect",                                     \
        "Orser, Pennefather & MacDonald 1997, Anesthesiology"                                      \
  }

/* ---- the mechanism ---------------------------------------------------------------------- */

#define FARADAY 96485.33212  /* C/mol */
#define GAS_R 8.314462618    /* J/(mol·K) */
#define BLOCK_T 310.0        /* K */
#define BLOCK_V_REF (-60e-3) /* V, where k_off is given */
#define BLOCK_Z 1.0          /* valence of the protonated blocker */

/* ---- block ------------------------------------------------------------------------------ */

fs_status fs_drug_block_init(const fs_drug *d, const fs_drug_params *p, double selectivity,
                             fs_block_coeffs *out, fs_error *err) {
  if (d->mechanism == NULL || !d->mechanism->blocks_channel)
    return fs_error_set(err, FS_ERR_INPUT, "%s is not an open-channel blocker", d->name);
  if (!(selectivity >= 0) || !isfinite(selectivity))
    return fs_error_set(err, FS_ERR_INPUT, "the selectivity of %s must be >= 0, got %g", d->name,
                        selectivity);
  out->k_on = p->k_on * selectivity;
  out->k_off60 = p->k_off;
  out->v_coef = p->delta * BLOCK_Z * FARADAY / (GAS_R * BLOCK_T);
  out->leak = 1.0 - p->trap;
  return FS_OK;
}

void fs_drug_block_none(fs_block_coeffs *out) {
  memset(out, 0, sizeof *out);
}

double fs_drug_block_k_off(const fs_block_coeffs *c, double v) {
  return c->k_off60 * fs_exp(c->v_coef * (v - BLOCK_V_REF));
}

double fs_drug_block_steady(const fs_block_coeffs *c, double conc, double v) {
  double on = c->k_on * conc, off = fs_drug_block_k_off(c, v);
  return on + off > 0 ? on / (on + off) : 0.0;
}

/* The open-time update: b relaxes to b_inf at rate k_on·C + k_off per unit open time. */
static double open_update(double b, double on, double off, double open_time) {
  double rate = on + off;
  if (!(rate > 0) || !(open_time > 0)) return b;
  double b_inf = on / rate;
  return b_inf + (b - b_inf) * fs_exp(-rate * open_time);
}

double fs_drug_block_advance(const fs_block_coeffs *c, double b, double open_time,
                             double closed_time, double conc, double v) {
  /* nothing bound and nothing to bind (before a dose): the update below gives +0 exactly
   * (but for a partial trapper at a NaN potential, where it gave NaN) */
  if (b == 0.0 && (c->k_on == 0.0 || conc == 0.0)) return 0.0;
  double off = fs_drug_block_k_off(c, v);
  double on = c->k_on * conc;
  if (c->leak <= 0.0 || !(closed_time > 0)) return open_update(b, on, off, open_time);
  /* Partial trapper: open-time update first, then the closed-channel leak. The engine calls
   * at spikes, after which o is high and then decays, so openings come early in an interval;
   * exact when C = 0 or either time is 0, about 1 % off a fine integration otherwise. */
  b = open_update(b, on, off, open_time);
  return b * fs_exp(-c->leak * off * closed_time);
}

double fs_drug_allosteric_gain(const fs_drug_params *p, double conc) {
  if (!(conc > 0) || !(p->allo_max > 0) || !(p->allo_ic50 > 0)) return 1.0;
  return 1.0 - p->allo_max * conc / (conc + p->allo_ic50);
}

/* The blocker's concentration drives the per-synapse block; its allosteric gain scales the
 * open fraction. */
static void open_channel_effect(const fs_drug_params *p, double conc, fs_nmda_mod *mod) {
  mod->blocker_conc = conc;
  mod->allosteric *= fs_drug_allosteric_gain(p, conc);
}

const fs_drug_mechanism fs_drug_mech_open_channel = {
    .name = "open_channel",
    .description = "open-channel trapping blocker",
    .blocks_channel = true,
    .nmda_effect = open_channel_effect,
};

/* ---- the drugs -------------------------------------------------------------------------- */

static const fs_param_spec ketamine_params[] = {
    OPEN_CHANNEL_ROWS(1e5, 0.2, 0.8, 1.0, "MacDonald et al. 1991, J Physiol 432:483",
                      "full trapping: Kotermanski, Wood & Johnson 2009, J Physiol 587:4589"),
    ALLOSTERIC_ROWS};
static const fs_param_spec esketamine_params[] = {
    OPEN_CHANNEL_ROWS(1e5, 0.125, 0.8, 1.0,
                      "MacDonald et al. 1991, J Physiol 432:483; k_off x 0.625: S 4x R (Sinner "
                      "et al. 2005, Anesth Analg), the racemate half of each",
                      "full trapping: Kotermanski, Wood & Johnson 2009, J Physiol 587:4589"),
    ALLOSTERIC_ROWS};
static const fs_param_spec arketamine_params[] = {
    OPEN_CHANNEL_ROWS(1e5, 0.5, 0.8, 1.0,
                      "MacDonald et al. 1991, J Physiol 432:483; k_off x 2.5: S 4x R (Sinner "
                      "et al. 2005, Anesth Analg), the racemate half of each",
                      "full trapping: Kotermanski, Wood & Johnson 2009, J Physiol 587:4589"),
    ALLOSTERIC_ROWS};
static const fs_param_spec mk801_params[] = {
    OPEN_CHANNEL_ROWS(1e5, 0.003, 0.8, 1.0, "MacDonald et al. 1991, J Physiol 432:483",
                      "full trapping (MacDonald et al. 1991)")};
static const fs_param_spec memantine_params[] = {
    OPEN_CHANNEL_ROWS(3e5, 0.5, 0.8, 0.7, "placeholder: fast kinetics (not read)",
                      "about 70 % (Mealing et al. 1999; not verified)")};

#define N(t) (sizeof(t) / sizeof((t)[0]))
/* kg/mol, ketamine base [1]: the racemate and both enantiomers (one formula) */
#define KETAMINE_MOLAR_MASS 0.2377

const fs_drug fs_drug_ketamine = {
    .name = "ketamine",
    .description = "racemic ketamine, open-channel trapping NMDA blocker",
    .molar_mass = KETAMINE_MOLAR_MASS,
    .mechanism = &fs_drug_mech_open_channel,
    .params = ketamine_params,
    .n_params = N(ketamine_params),
    .pk_human = "clements",
    .pk_rodent = "rodent_1c",
};

const fs_drug fs_drug_esketamine = {
    .name = "esketamine",
    .description = "S-ketamine, open-channel trapping NMDA blocker",
    .molar_mass = KETAMINE_MOLAR_MASS,
    .mechanism = &fs_drug_mech_open_channel,
    .params = esketamine_params,
    .n_params = N(esketamine_params),
    .pk_human = "clements",
    .pk_rodent = "rodent_1c",
};

const fs_drug fs_drug_arketamine = {
    .name = "arketamine",
    .description = "R-ketamine, open-channel trapping NMDA blocker",
    .molar_mass = KETAMINE_MOLAR_MASS,
    .mechanism = &fs_drug_mech_open_channel,
    .params = arketamine_params,
    .n_params = N(arketamine_params),
    .pk_human = "clements",
    .pk_rodent = "rodent_1c",
};

const fs_drug fs_drug_mk801 = {
    .name = "mk801",
    .description = "MK-801 (dizocilpine), near-irreversible trapping blocker",
    .molar_mass = 0.2213,
    .mechanism = &fs_drug_mech_open_channel,
    .params = mk801_params,
    .n_params = N(mk801_params),
    .pk_human = NULL,
    .pk_rodent = "rodent_1c",
};

const fs_drug fs_drug_memantine = {
    .name = "memantine",
    .description = "memantine, fast partially trapping blocker",
    .molar_mass = 0.1793,
    .mechanism = &fs_drug_mech_open_channel,
    .params = memantine_params,
    .n_params = N(memantine_params),
    .pk_human = NULL,
    .pk_rodent = "rodent_1c",
};
