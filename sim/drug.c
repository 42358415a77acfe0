/* drug.c - the drug registry and the closed-form per-synapse NMDA block update
 * (equations in include/fearsim/drug.h). */
#include <fearsim/config.h>
#include <fearsim/drug.h>

#include <math.h>
#include <string.h>

#define FARADAY 96485.33212  /* C/mol */
#define GAS_R 8.314462618    /* J/(mol·K) */
#define BLOCK_T 310.0        /* K */
#define BLOCK_V_REF (-60e-3) /* V, where k_off is given */
#define BLOCK_Z 1.0          /* valence of the protonated blocker */

static const fs_drug *const drugs[] = {
    &fs_drug_ketamine, &fs_drug_esketamine,   &fs_drug_mk801,  &fs_drug_memantine,
    &fs_drug_apv,      &fs_drug_dcycloserine, &fs_drug_saline, &fs_drug_midazolam};
#define N_DRUGS (sizeof drugs / sizeof drugs[0])

#define FS_DRUG_MECH_TEXT_ROW(e, text) text,
static const char *const mech_names[] = {FS_DRUG_MECH_LIST(FS_DRUG_MECH_TEXT_ROW)};
#undef FS_DRUG_MECH_TEXT_ROW

const char *fs_drug_mechanism_name(fs_drug_mechanism m) {
  return (unsigned)m < sizeof mech_names / sizeof mech_names[0] ? mech_names[m] : "?";
}

size_t fs_drug_count(void) {
  return N_DRUGS;
}

const fs_drug *fs_drug_at(size_t i) {
  return i < N_DRUGS ? drugs[i] : NULL;
}

const fs_drug *fs_drug_find(const char *name, fs_error *err) {
  const char *names[N_DRUGS];
  for (size_t i = 0; i < N_DRUGS; i++) {
    if (name != NULL && strcmp(name, drugs[i]->name) == 0) return drugs[i];
    names[i] = drugs[i]->name;
  }
  fs_error_unknown_name(err, "drug", name, names, N_DRUGS);
  return NULL;
}

void fs_drug_defaults(const fs_drug *d, fs_drug_params *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < d->n_params; i++)
    *(double *)((char *)out + d->params[i].offset) = d->params[i].def;
}

/* ---- block ------------------------------------------------------------------------------ */

fs_status fs_block_coeffs_init(const fs_drug *d, const fs_drug_params *p, double selectivity,
                               fs_block_coeffs *out, fs_error *err) {
  if (d->mechanism != FS_DRUG_OPEN_CHANNEL)
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

void fs_block_coeffs_none(fs_block_coeffs *out) {
  memset(out, 0, sizeof *out);
}

double fs_block_k_off(const fs_block_coeffs *c, double v) {
  return c->k_off60 * exp(c->v_coef * (v - BLOCK_V_REF));
}

double fs_block_steady(const fs_block_coeffs *c, double conc, double v) {
  double on = c->k_on * conc, off = fs_block_k_off(c, v);
  return on + off > 0 ? on / (on + off) : 0.0;
}

/* The open-time update: b relaxes to b_inf at rate k_on·C + k_off per unit open time. */
static double open_update(double b, double on, double off, double open_time) {
  double rate = on + off;
  if (!(rate > 0) || !(open_time > 0)) return b;
  double b_inf = on / rate;
  return b_inf + (b - b_inf) * exp(-rate * open_time);
}

double fs_block_advance(const fs_block_coeffs *c, double b, double open_time, double closed_time,
                        double conc, double v) {
  if (c->k_on == 0.0 && b == 0.0) return 0.0;
  double off = fs_block_k_off(c, v);
  double on = c->k_on * conc;
  if (c->leak <= 0.0 || !(closed_time > 0)) return open_update(b, on, off, open_time);
  /* Partial trapper: open-time update first, then the closed-channel leak. The engine calls
   * at spikes, after which o is high and then decays, so openings come early in an interval;
   * exact when C = 0 or either time is 0, about 1 % off a fine integration otherwise. */
  b = open_update(b, on, off, open_time);
  return b * exp(-c->leak * off * closed_time);
}

/* ---- gating factors --------------------------------------------------------------------- */

double fs_drug_competitive_factor(const fs_drug_params *p, double conc) {
  if (!(conc > 0) || !(p->k_i > 0)) return 1.0;
  return p->k_i / (p->k_i + conc);
}

double fs_drug_glycine_gain(const fs_drug_params *p, double conc) {
  if (!(conc > 0) || !(p->ec50 > 0)) return 1.0;
  return 1.0 + (p->gain_max - 1.0) * conc / (conc + p->ec50);
}

double fs_drug_allosteric_gain(const fs_drug_params *p, double conc) {
  if (!(conc > 0) || !(p->allo_max > 0) || !(p->allo_ic50 > 0)) return 1.0;
  return 1.0 - p->allo_max * conc / (conc + p->allo_ic50);
}
