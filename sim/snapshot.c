/* snapshot.c - the full synaptic state of a network at one time, into the record
 * (include/fearsim/snapshot.h): per projection, every synapse in canonical (post, pre) order
 * with its weight, NMDA block, late-phase state and its rule's own fields (FS_SYNRULE_SNAPSHOT),
 * each brought to the snapshot's time without changing the run. */
#include <fearsim/record.h>
#include <fearsim/snapshot.h>

#include "network_impl.h"
#include "synrule_impl.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The per-synapse fields of a snapshot besides pre, post and the rule's own (FS_SYNRULE_SNAPSHOT).
 */
enum { SN_WEIGHT, SN_BLOCK, SN_Z, SN_TAG, SN_ALIVE, SN_COUNT };
static const char *const snap_names[SN_COUNT] = {"weight", "block", "z", "tag", "alive"};
static const char *const snap_units[SN_COUNT] = {"S", "1", "1", "1", "1"};
static const char *const snap_text[SN_COUNT] = {
    "weight of each synapse: its AMPA (or only) peak conductance",
    "drug-blocked fraction of each synapse's NMDA receptors",
    "consolidated (late-phase) state of each synapse, -0.5 to 1, as of the last slow step",
    "tag of each synapse: 1 for LTP, -1 for LTD, 0 untagged",
    "1 for a synapse that exists, 0 for one of the reserved spine pool not formed"};

/* Per synapse in canonical order: pre, post, the fields above, then the rule's fields. */
typedef struct snapshot_arrays {
  uint64_t *pre, *post;
  double *f[SN_COUNT + FS_SYNRULE_MAX_FIELDS];
  size_t n_f;
} snapshot_arrays;

/* Synapse s of a part, as it is at step now: a plastic one brought there without changing it.
 * A synapse of the spine pool that has not formed has weight 0 and alive 0. */
static void snapshot_one(const fs_snapshot_ctx *c, const fs_projection *proj, size_t k,
                         const fs_proj_part *part, uint64_t s, int64_t now, size_t at,
                         const snapshot_arrays *a) {
  a->post[at] = part->target[s];
  for (size_t f = 0; f < a->n_f; f++)
    a->f[f][at] = 0.0;
  a->f[SN_WEIGHT][at] = part->weight[s];
  a->f[SN_BLOCK][at] = part->block ? part->block[s] : 0.0;
  a->f[SN_ALIVE][at] = 1.0;
  if (!proj->plastic) return;
  const fs_synrule *rule = proj->rule;
  _Alignas(max_align_t) unsigned char rec[FS_SYNRULE_MAX_RECORD]; /* a rule's record, peeked */
  uint64_t dropped = 0;                                           /* peeking drops nothing */
  fs_synrule_env pe =
      fs_synrule_env_make(c->net, k, &c->kin[k], &c->mod[proj->post->index], &dropped);
  bool is_alive = fs_synrule_alive(rule, part, s);
  rule->peek(part, s, now, &pe, rec);
  for (size_t i = 0, f = SN_COUNT; i < rule->n_fields; i++)
    if (rule->fields[i].flags & FS_SYNRULE_SNAPSHOT)
      a->f[f++][at] = fs_synrule_field_value(&rule->fields[i], rec);
  if (proj->late) {
    a->f[SN_Z][at] = *(const double *)(rec + rule->late->z_offset);
    a->f[SN_TAG][at] = rule->late->tag(&c->net->spec->cons.late, proj->rule_params, rec);
    a->f[SN_ALIVE][at] = is_alive;
  }
  a->f[SN_WEIGHT][at] *= is_alive ? rule->weight_factor(proj->rule_params, rec) : 0.0;
}

static fs_status fill_snapshot(const fs_snapshot_ctx *c, size_t k, int64_t now,
                               const snapshot_arrays *a, fs_error *err) {
  const fs_projection *proj = &c->net->projs[k];
  size_t at = 0;
  for (size_t t = 0; t < c->net->n_threads; t++) {
    const fs_proj_part *part = &proj->part[t];
    uint64_t *order = malloc((part->n_syn + 1) * sizeof *order);
    uint32_t *pre_of = malloc((part->n_syn + 1) * sizeof *pre_of);
    fs_status st =
        order && pre_of ? fs_network_canonical_order(proj, t, order, pre_of) : FS_ERR_NOMEM;
    for (uint64_t o = 0; st == FS_OK && o < part->n_syn; o++, at++) {
      a->pre[at] = pre_of[o];
      snapshot_one(c, proj, k, part, order[o], now, at, a);
    }
    free(order);
    free(pre_of);
    if (st != FS_OK) return fs_error_set(err, st, "out of memory for a snapshot");
  }
  return FS_OK;
}

/* Which fields a projection's snapshot holds: block for synapses with NMDA receptors, z and
 * tag with a late phase, alive with a spine pool. */
static bool snapshot_has(const fs_projection *proj, int f) {
  switch (f) {
  case SN_BLOCK:
    return proj->nmda_agents;
  case SN_Z:
  case SN_TAG:
    return proj->late;
  case SN_ALIVE:
    return proj->late && proj->spec->plastic.reserve > 0;
  default:
    return true;
  }
}

/* What a reader needs to interpret the rule's state: the parameters it names. */
static fs_status snapshot_attrs(const fs_snapshot_ctx *c, const fs_projection *proj,
                                const char *path, fs_error *err) {
  const fs_synrule *rule = proj->rule;
  fs_status st = FS_OK;
  for (size_t i = 0; i < rule->n_snapshot_attrs && st == FS_OK; i++) {
    const fs_param_spec *p = fs_params_find(rule->params, rule->n_params, rule->snapshot_attrs[i]);
    double v;
    if (p == NULL) /* tests/unit/test_synrule.c checks every rule's names */
      return fs_error_set(err, FS_ERR_INTERNAL, "rule %s has no parameter %s", rule->name,
                          rule->snapshot_attrs[i]);
    memcpy(&v, (const char *)proj->rule_params + p->offset, sizeof v);
    st = fs_record_set_attr_double(c->rec, path, p->name, v, NULL, err);
  }
  return st;
}

static fs_status write_snapshot_fields(const fs_snapshot_ctx *c, size_t index,
                                       const fs_projection *proj, const snapshot_arrays *a,
                                       fs_error *err) {
  size_t n = proj->n_syn;
  char path[256];
  fs_status st = FS_OK;
  for (int f = 0; f < SN_COUNT && st == FS_OK; f++) {
    if (!snapshot_has(proj, f)) continue;
    snprintf(path, sizeof path, "/snapshots/%zu/%s/%s", index, proj->name, snap_names[f]);
    st = fs_record_write_array(c->rec, path, a->f[f], n, snap_units[f], snap_text[f], err);
  }
  for (size_t i = 0, f = SN_COUNT; proj->plastic && i < proj->rule->n_fields && st == FS_OK; i++) {
    const fs_synrule_field *fd = &proj->rule->fields[i];
    if (!(fd->flags & FS_SYNRULE_SNAPSHOT)) continue;
    snprintf(path, sizeof path, "/snapshots/%zu/%s/%s", index, proj->name, fd->name);
    st = fs_record_write_array(c->rec, path, a->f[f++], n, fd->units, fd->description, err);
  }
  return st;
}

static size_t snapshot_field_count(const fs_projection *proj) {
  size_t n = SN_COUNT;
  for (size_t i = 0; proj->plastic && i < proj->rule->n_fields; i++)
    n += (proj->rule->fields[i].flags & FS_SYNRULE_SNAPSHOT) != 0;
  return n;
}

static fs_status write_projection_snapshot(const fs_snapshot_ctx *c, size_t index, size_t k,
                                           int64_t now, fs_error *err) {
  const fs_projection *proj = &c->net->projs[k];
  size_t n = proj->n_syn;
  snapshot_arrays a = {
      malloc((n + 1) * 8), malloc((n + 1) * 8), {NULL}, snapshot_field_count(proj)};
  bool ok = a.pre && a.post;
  for (size_t f = 0; f < a.n_f; f++)
    ok = (a.f[f] = malloc((n + 1) * sizeof(double))) != NULL && ok;
  fs_status st = ok ? fill_snapshot(c, k, now, &a, err)
                    : fs_error_set(err, FS_ERR_NOMEM, "out of memory for a snapshot");
  char path[256];
  snprintf(path, sizeof path, "/snapshots/%zu/%s/pre", index, proj->name);
  if (st == FS_OK) st = fs_record_write_array_u64(c->rec, path, a.pre, n, NULL, NULL, err);
  snprintf(path, sizeof path, "/snapshots/%zu/%s/post", index, proj->name);
  if (st == FS_OK) st = fs_record_write_array_u64(c->rec, path, a.post, n, NULL, NULL, err);
  if (st == FS_OK) st = write_snapshot_fields(c, index, proj, &a, err);
  snprintf(path, sizeof path, "/snapshots/%zu/%s", index, proj->name);
  if (st == FS_OK && proj->plastic) st = snapshot_attrs(c, proj, path, err);
  free(a.pre);
  free(a.post);
  for (size_t f = 0; f < a.n_f; f++)
    free(a.f[f]);
  return st;
}

fs_status fs_snapshot_write(const fs_snapshot_ctx *c, size_t index, int64_t now, fs_error *err) {
  fs_status st = FS_OK;
  for (size_t k = 0; k < c->net->n_projs && st == FS_OK; k++)
    st = write_projection_snapshot(c, index, k, now, err);
  char group[64];
  snprintf(group, sizeof group, "/snapshots/%zu", index);
  if (st == FS_OK && c->net->n_projs > 0)
    st = fs_record_set_attr_double(c->rec, group, "time", (double)now * c->net->dt, "s", err);
  return st;
}
