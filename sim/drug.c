/* drug.c - the registries of drug mechanisms and of drugs: one row per mechanism and one
 * per drug, both defined in sim/models/drug_<mechanism>.c (equations in
 * include/fearsim/drug.h). */
#include <fearsim/config.h>
#include <fearsim/drug.h>
#include <fearsim/registry.h>

#include <string.h>

extern const fs_drug_mechanism fs_drug_mech_inert;
extern const fs_drug_mechanism fs_drug_mech_open_channel;
extern const fs_drug_mechanism fs_drug_mech_competitive;
extern const fs_drug_mechanism fs_drug_mech_glycine_site;

static const fs_drug_mechanism *const mechanisms[] = {
    &fs_drug_mech_inert, &fs_drug_mech_open_channel, &fs_drug_mech_competitive,
    &fs_drug_mech_glycine_site};
#define N_MECHANISMS (sizeof mechanisms / sizeof mechanisms[0])

extern const fs_drug fs_drug_ketamine;
extern const fs_drug fs_drug_esketamine;
extern const fs_drug fs_drug_arketamine;
extern const fs_drug fs_drug_mk801;
extern const fs_drug fs_drug_memantine;
extern const fs_drug fs_drug_apv;
extern const fs_drug fs_drug_dcycloserine;
extern const fs_drug fs_drug_saline;
extern const fs_drug fs_drug_midazolam;

static const fs_drug *const drugs[] = {
    &fs_drug_ketamine,     &fs_drug_esketamine, &fs_drug_arketamine,
    &fs_drug_mk801,        &fs_drug_memantine,  &fs_drug_apv,
    &fs_drug_dcycloserine, &fs_drug_saline,     &fs_drug_midazolam};
#define N_DRUGS (sizeof drugs / sizeof drugs[0])

size_t fs_drug_mechanism_count(void) {
  return N_MECHANISMS;
}

const fs_drug_mechanism *fs_drug_mechanism_at(size_t i) {
  return i < N_MECHANISMS ? mechanisms[i] : NULL;
}

const fs_drug_mechanism *fs_drug_mechanism_find(const char *name, fs_error *err) {
  return fs_registry_find((const void *const *)mechanisms, N_MECHANISMS, "drug mechanism", name,
                          err);
}

size_t fs_drug_count(void) {
  return N_DRUGS;
}

const fs_drug *fs_drug_at(size_t i) {
  return i < N_DRUGS ? drugs[i] : NULL;
}

const fs_drug *fs_drug_find(const char *name, fs_error *err) {
  return fs_registry_find((const void *const *)drugs, N_DRUGS, "drug", name, err);
}

fs_status fs_drug_check(const fs_drug *d, fs_error *err) {
  for (size_t i = 0; i < N_MECHANISMS; i++)
    if (d->mechanism == mechanisms[i]) return FS_OK;
  return fs_error_set(err, FS_ERR_INTERNAL, "drug %s has no registered mechanism", d->name);
}

void fs_drug_defaults(const fs_drug *d, fs_drug_params *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < d->n_params; i++)
    *(double *)((char *)out + d->params[i].offset) = d->params[i].def;
}
