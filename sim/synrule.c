/* synrule.c - the registry of synapse plasticity rules: one row per rule in sim/models/. */
#include <fearsim/record_checkpoint.h>
#include <fearsim/registry.h>
#include <fearsim/synrule.h>

#include <string.h>

extern const fs_synrule fs_synrule_graupner_brunel;
extern const fs_synrule fs_synrule_triplet_stdp;

static const fs_synrule *const rules[] = {&fs_synrule_graupner_brunel, &fs_synrule_triplet_stdp};
#define N_RULES (sizeof rules / sizeof rules[0])

size_t fs_synrule_count(void) {
  return N_RULES;
}

const fs_synrule *fs_synrule_at(size_t i) {
  return i < N_RULES ? rules[i] : NULL;
}

const fs_synrule *fs_synrule_find(const char *name, fs_error *err) {
  return fs_registry_find((const void *const *)rules, N_RULES, "plasticity rule", name, err);
}

const fs_synrule_field *fs_synrule_find_field(const fs_synrule *rule, const char *name) {
  for (size_t i = 0; i < rule->n_fields; i++)
    if (strcmp(rule->fields[i].name, name) == 0) return &rule->fields[i];
  return NULL;
}

double fs_synrule_field_value(const fs_synrule_field *f, const void *rec) {
  const unsigned char *p = (const unsigned char *)rec + f->offset;
  switch (f->type) {
  case FS_REC_F64:
    return *(const double *)p;
  case FS_REC_I64:
    return (double)*(const int64_t *)p;
  case FS_REC_U64:
    return (double)*(const uint64_t *)p;
  case FS_REC_I32:
    return (double)*(const int32_t *)p;
  case FS_REC_U32:
    return (double)*(const uint32_t *)p;
  case FS_REC_U16:
    return (double)*(const uint16_t *)p;
  default:
    return (double)*p;
  }
}
