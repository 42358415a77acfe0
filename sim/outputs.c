/* outputs.c - the datasets a run of an experiment will write, from its spec: spikes and rates
 * per population, the trials of its protocol, the timeline of drugs, plasticity and the slow
 * state, and the snapshots (include/fearsim/outputs.h). */
#include <fearsim/outputs.h>
#include <fearsim/pharm.h>
#include <fearsim/registry.h>
#include <fearsim/synrule.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_PATH_LEN 256

struct fs_outputs {
  char (*path)[OUT_PATH_LEN];
  const char **names; /* path[i], for the "did you mean" */
  size_t n, cap;
  bool nomem;
};

static void add(fs_outputs *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(fs_outputs *o, const char *fmt, ...) {
  if (o->nomem) return;
  if (o->n == o->cap) {
    size_t cap = o->cap ? 2 * o->cap : 64;
    void *grown = realloc(o->path, cap * sizeof *o->path);
    if (grown == NULL) {
      o->nomem = true;
      return;
    }
    o->path = grown;
    o->cap = cap;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(o->path[o->n++], OUT_PATH_LEN, fmt, ap);
  va_end(ap);
}

/* /spikes/<pop> (SONATA) for the populations recorded, /rates for all. */
static void add_populations(fs_outputs *o, const fs_experiment_spec *spec) {
  for (size_t i = 0; i < spec->n_pops; i++) {
    if (!spec->pops[i].record_spikes) continue;
    add(o, "/spikes/%s/timestamps", spec->pops[i].name);
    add(o, "/spikes/%s/node_ids", spec->pops[i].name);
  }
  if (spec->n_pops == 0) return;
  add(o, "/rates/time");
  for (size_t i = 0; i < spec->n_pops; i++)
    add(o, "/rates/%s", spec->pops[i].name);
}

static void add_trials(fs_outputs *o, const fs_experiment_spec *spec) {
  static const char *const columns[] = {"day",    "session",      "trial",   "context",
                                        "kind",   "cs_on",        "cs_off",  "us_on",
                                        "us_off", "us_intensity", "freezing"};
  if (spec->protocol == NULL || spec->protocol->n_trials == 0 || spec->n_pops == 0) return;
  for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
    add(o, "/trials/%s", columns[c]);
  for (size_t i = 0; i < spec->n_pops; i++)
    add(o, "/trials/rate_%s", spec->pops[i].name);
}

static bool any_plastic(const fs_experiment_spec *spec) {
  for (size_t k = 0; k < spec->n_projs; k++)
    if (spec->projs[k].plastic.enabled) return true;
  return false;
}

static bool receives(const fs_experiment_spec *spec, size_t pop,
                     bool (*which)(const fs_projection_spec *)) {
  for (size_t k = 0; k < spec->n_projs; k++)
    if (spec->projs[k].post == pop && which(&spec->projs[k])) return true;
  return false;
}

static bool nmda_of(const fs_projection_spec *p) {
  return fs_projection_has_nmda(p);
}

static bool late_of(const fs_projection_spec *p) {
  return p->plastic.late_phase;
}

static void add_drugs(fs_outputs *o, const fs_experiment_spec *spec) {
  static const char *const where[] = {"plasma", "effect"}, *const unit[] = {"ng_per_mL", "uM"};
  size_t n_drugs = spec->pharm ? fs_pharm_n_drugs(spec->pharm) : 0;
  for (size_t i = 0; i < n_drugs; i++)
    for (int w = 0; w < 2; w++)
      for (int u = 0; u < 2; u++)
        add(o, "/timeline/%s_%s_%s", fs_pharm_drug(spec->pharm, i)->name, where[w], unit[u]);
  for (size_t p = 0; spec->pharm && p < spec->n_pops; p++)
    if (receives(spec, p, nmda_of)) {
      add(o, "/timeline/block_%s", spec->pops[p].name);
      add(o, "/timeline/block_rest_%s", spec->pops[p].name);
    }
}

static void add_timeline(fs_outputs *o, const fs_experiment_spec *spec) {
  size_t n_drugs = spec->pharm ? fs_pharm_n_drugs(spec->pharm) : 0;
  if (n_drugs == 0 && !fs_experiment_has_late_phase(spec) && !any_plastic(spec)) return;
  add(o, "/timeline/time");
  add_drugs(o, spec);
  for (size_t k = 0; k < spec->n_projs; k++) {
    const fs_projection_spec *p = &spec->projs[k];
    for (size_t i = 0; p->plastic.enabled && i < p->plastic.rule->n_means; i++)
      if (!p->plastic.rule->means[i].late || p->plastic.late_phase)
        add(o, "/timeline/%s_%s", p->plastic.rule->means[i].name, p->name);
  }
  for (size_t p = 0; p < spec->n_pops; p++) {
    if (!receives(spec, p, late_of)) continue;
    add(o, "/timeline/bdnf_%s", spec->pops[p].name);
    add(o, "/timeline/prp_%s", spec->pops[p].name);
    add(o, "/timeline/spines_%s", spec->pops[p].name);
  }
}

/* /snapshots/<k>/<projection>/: pre, post, weight; block with NMDA receptors; z and tag with a
 * late phase; alive with a spine pool; the rule's own snapshot fields. */
static void add_snapshot(fs_outputs *o, size_t k, const fs_projection_spec *p) {
  const fs_plasticity_spec *ps = &p->plastic;
  add(o, "/snapshots/%zu/%s/pre", k, p->name);
  add(o, "/snapshots/%zu/%s/post", k, p->name);
  add(o, "/snapshots/%zu/%s/weight", k, p->name);
  if (fs_projection_has_nmda(p)) add(o, "/snapshots/%zu/%s/block", k, p->name);
  if (ps->late_phase) {
    add(o, "/snapshots/%zu/%s/z", k, p->name);
    add(o, "/snapshots/%zu/%s/tag", k, p->name);
  }
  if (ps->late_phase && ps->reserve > 0) add(o, "/snapshots/%zu/%s/alive", k, p->name);
  for (size_t i = 0; ps->enabled && i < ps->rule->n_fields; i++)
    if (ps->rule->fields[i].flags & FS_SYNRULE_SNAPSHOT)
      add(o, "/snapshots/%zu/%s/%s", k, p->name, ps->rule->fields[i].name);
}

fs_status fs_outputs_create(const fs_experiment_spec *spec, fs_outputs **out, fs_error *err) {
  fs_outputs *o = calloc(1, sizeof *o);
  *out = NULL;
  if (o == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  add_populations(o, spec);
  add_trials(o, spec);
  add_timeline(o, spec);
  for (size_t k = 0; k < spec->n_snapshots; k++)
    for (size_t j = 0; j < spec->n_projs; j++)
      add_snapshot(o, k, &spec->projs[j]);
  if (!o->nomem && (o->names = malloc((o->n + 1) * sizeof *o->names)) == NULL) o->nomem = true;
  if (o->nomem) {
    fs_outputs_free(o);
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < o->n; i++)
    o->names[i] = o->path[i];
  *out = o;
  return FS_OK;
}

void fs_outputs_free(fs_outputs *o) {
  if (o == NULL) return;
  free(o->path);
  free(o->names);
  free(o);
}

size_t fs_outputs_count(const fs_outputs *o) {
  return o->n;
}

const char *fs_outputs_at(const fs_outputs *o, size_t i) {
  return i < o->n ? o->path[i] : NULL;
}

bool fs_outputs_has(const fs_outputs *o, const char *path) {
  for (size_t i = 0; path != NULL && i < o->n; i++)
    if (strcmp(o->path[i], path) == 0) return true;
  return false;
}

const char *fs_outputs_closest(const fs_outputs *o, const char *path) {
  return fs_registry_closest(path, o->names, o->n);
}
