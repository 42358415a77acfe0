/* synrule.h - synapse plasticity rules as registered models: a rule is a descriptor (its
 * parameter table and presets, the layout of its per-synapse record with units, and the hooks
 * the engine calls), found by the name a projection's `plasticity: {rule: ...}` gives. The
 * engine, the observers, the slow clock and the checkpoint reach a plastic synapse only
 * through these hooks and fields, so a new rule is one file in sim/models/ and one row in
 * sim/synrule.c (docs/architecture.md). */
#ifndef FEARSIM_SYNRULE_H
#define FEARSIM_SYNRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fearsim/consolidation.h>
#include <fearsim/error.h>
#include <fearsim/param.h>
#include <fearsim/record_checkpoint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_proj_part fs_proj_part;     /* sim/network_impl.h */
typedef struct fs_synrule_env fs_synrule_env; /* sim/synrule_impl.h */

/* One per-synapse field of a rule's record. Every field is saved in checkpoints (as
 * proj/<k>/<name>); a field flagged FS_SYNRULE_SNAPSHOT is also written into snapshots, as a
 * double, from the record brought to the snapshot's time, with its units and description. */
enum { FS_SYNRULE_SNAPSHOT = 1 };
typedef struct fs_synrule_field {
  const char *name;
  fs_record_type type;
  size_t size, count; /* bytes per value, values per synapse */
  size_t offset;      /* in the record */
  const char *units, *description;
  unsigned flags;
} fs_synrule_field;

#define FS_SYNRULE_MAX_MEANS 8
#define FS_SYNRULE_MAX_FIELDS 16
#define FS_SYNRULE_MAX_RECORD 256 /* bytes of a rule's record, at most */

/* A mean over a projection's synapses written to the timeline as /timeline/<name>_<proj>:
 * the rule's means_of hook gives each synapse's value. late: only with a late phase. */
typedef struct fs_synrule_mean {
  const char *name, *units, *description;
  bool late;
} fs_synrule_mean;

/* What the late phase (consolidation.h: tags, capture, spine turnover) needs of a rule: where
 * its record keeps the consolidated state z (double) and whether a synapse exists (uint8_t: a
 * synapse of the reserved spine pool is not alive until a spine forms), and the rule's early
 * change, seen through these hooks. */
typedef struct fs_synrule_late {
  size_t z_offset, alive_offset;
  /* why these parameters cannot have a late phase, or NULL if they can */
  const char *(*unfit)(const void *params);
  /* The slow clock's step for the synapses syn[0..n) onto one neuron (alive or not): brings
   * each to step `to` as the rule's advance would and returns the sum of their early change,
   * the signal that triggers protein synthesis (|rho - rho_0| / rho_0 for GB), and in *n_alive
   * how many of them are alive (the divisor of the pathway's mean). A synapse that is dead or
   * at rest (it stays as it is until its next event) adds nothing and may be left alone. One
   * call per neuron and slow step, so that the rule can take the quiet synapses of long slow
   * phases in a tight loop: this is the hot loop between sessions. */
  double (*advance_early)(fs_proj_part *part, const uint64_t *syn, size_t n, int64_t to,
                          const fs_synrule_env *e, uint32_t *n_alive);
  /* +1 potentiated, -1 depressed, 0 untagged */
  int (*tag)(const fs_late_params *lp, const void *params, const void *rec);
  /* a new spine at step now: the early state at rest (z and alive are set by the caller) */
  void (*form)(const void *params, void *rec, int64_t now);
  /* the weight factor a synapse keeps once its early change has faded, from z alone */
  double (*lasting_factor)(const void *params, double z);
  /* The name of a parameter that is set and acts on the late phase only (so it needs
   * late_phase: true), or NULL. */
  const char *(*late_only)(const void *params);
  /* s: consolidated potentiation (z > 0) relaxes to 0 with this time constant (0: never) */
  double (*tau_forget)(const void *params);
} fs_synrule_late;

typedef struct fs_synrule {
  const char *name; /* the YAML value: "graupner_brunel" */
  const char *description;
  const fs_param_spec *params;
  size_t n_params;
  size_t params_size;         /* sizeof the rule's parameter struct */
  const char *const *presets; /* names, the default first */
  size_t n_presets;
  /* Fills params with a preset's values; FS_ERR_INPUT with the known names if there is none. */
  fs_status (*preset)(const char *name, void *params, fs_error *err);
  /* Checks relations between parameters; a message without location on failure. */
  fs_status (*check)(const void *params, fs_error *err);
  /* What the rule precomputes once for step dt (tables, propagators): coeff_size bytes that the
   * hooks find in their environment's coeff; 0 and NULL for a rule without. */
  size_t coeff_size;
  fs_status (*precompute)(const void *params, double dt, void *coeff, fs_error *err);
  /* The fraction of synapses that start in the UP state by default (bistable rules; others
   * ignore up). */
  double (*default_up_fraction)(const void *params);
  bool needs_nmda; /* the rule reads the synapse's NMDA receptors (its calcium enters there) */
  /* Does the rule read the synapse's NMDA gating at postsynaptic spikes (so the engine keeps
   * the gating traces even without a drug)? NULL: never. */
  bool (*reads_gating)(const void *params);
  size_t record_size;
  const fs_synrule_field *fields;
  size_t n_fields;
  const fs_synrule_mean *means;
  size_t n_means;
  const char *const *snapshot_attrs; /* parameters written as attributes of a snapshot */
  size_t n_snapshot_attrs;
  /* A synapse as it is created at step 0 (up: drawn with the up fraction). */
  void (*init)(const void *params, void *rec, uint32_t pre, uint32_t post, bool up);
  /* A presynaptic spike emitted at step emit reaches synapses [s0, s1), one row of a part:
   * each synapse alive is brought up to date and its weight factor written to factor[s - s0]
   * (it transmits base weight * factor); a synapse not alive is left as it is. */
  void (*pre_row)(fs_proj_part *part, uint64_t s0, uint64_t s1, int64_t emit,
                  const fs_synrule_env *e, double *factor);
  /* A postsynaptic spike at step at reaches synapses syn[0..n) of a part (one neuron's). */
  void (*post)(fs_proj_part *part, const uint64_t *syn, size_t n, int64_t at,
               const fs_synrule_env *e);
  /* Brings synapse s to step to (the slow clock; to is not before its last update). */
  void (*advance)(fs_proj_part *part, uint64_t s, int64_t to, const fs_synrule_env *e);
  /* Writes into out (record_size bytes) synapse s as it would be at step to, leaving it as it
   * is (snapshots must not alter the run). */
  void (*peek)(const fs_proj_part *part, uint64_t s, int64_t to, const fs_synrule_env *e,
               void *out);
  /* The weight relative to the base weight. */
  double (*weight_factor)(const void *params, const void *rec);
  /* Each mean's value for one synapse of base weight w0 (out[n_means]). */
  void (*means_of)(const void *params, const void *rec, double w0, double *out);
  /* Optional, for speed (the timeline takes these sums every 10 ms by default): adds the
   * means of a part's synapses into acc as fs_synrule_sum_means_of (sim/synrule_impl.h) does
   * with means_of, the same sums in the same order. NULL: the observer calls means_of per
   * synapse. */
  void (*sum_means)(const void *params, const fs_proj_part *part, double *acc, size_t n_pad);
  const fs_synrule_late *late; /* NULL: the rule has no late phase */
} fs_synrule;

/* The rule named name; otherwise NULL and err says `unknown plasticity rule "x" (known: ...)`
 * with a "did you mean" when one is close. */
const fs_synrule *fs_synrule_find(const char *name, fs_error *err);
size_t fs_synrule_count(void);             /* the rules registered */
const fs_synrule *fs_synrule_at(size_t i); /* the i-th, or NULL past the end */

/* Field f of a record, as a double. */
double fs_synrule_field_value(const fs_synrule_field *f, const void *rec);

/* The field named name of a rule, or NULL. */
const fs_synrule_field *fs_synrule_find_field(const fs_synrule *rule, const char *name);

#ifdef __cplusplus
}
#endif
#endif
