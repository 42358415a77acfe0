/* test_synrule.c - every registered synapse rule's descriptor is well formed (its parameter table
 * and presets, its record's fields within the record and the engine's limits, names that cannot
 * clash with the engine's own datasets, late-phase offsets), every registry fits the
 * registry look-up, the slow clock's batch step of Graupner-Brunel synapses gives the bits
 * of advancing them one at a time, and a rule's batch sums for the timeline give the bits of its
 * per-synapse means. */
#include "fs_test.h"

#include <fearsim/drug.h>
#include <fearsim/neuron.h>
#include <fearsim/param.h>
#include <fearsim/pk.h>
#include <fearsim/registry.h>
#include <fearsim/synrule.h>

#include "synrule_impl.h"

#include <math.h>
#include <stdlib.h>

static bool one_of(const char *name, const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, names[i]) == 0) return true;
  return false;
}

/* The rule's fields: within its record and the engine's limits, and named apart from what the
 * snapshot writes itself and from the NMDA agents' checkpoint arrays (proj/<k>/<name>). */
static void check_fields(const fs_synrule *r) {
  static const char *const snapshot_own[] = {"pre", "post", "weight", "block", "z", "tag", "alive"};
  static const char *const nmda_own[] = {"block", "x_rise", "x_decay",
                                         "conc",  "t_last", "fingerprint"};
  assert_true(r->record_size <= FS_SYNRULE_MAX_RECORD);
  assert_true(r->n_fields <= FS_SYNRULE_MAX_FIELDS);
  assert_true(r->n_means <= FS_SYNRULE_MAX_MEANS);
  for (size_t i = 0; i < r->n_fields; i++) {
    const fs_synrule_field *f = &r->fields[i];
    assert_true(f->offset + f->size * f->count <= r->record_size);
    assert_non_null(f->units);
    assert_non_null(f->description);
    assert_false(one_of(f->name, nmda_own, 6));
    if (f->flags & FS_SYNRULE_SNAPSHOT) assert_false(one_of(f->name, snapshot_own, 7));
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(f->name, r->fields[j].name);
  }
}

static void check_late(const fs_synrule *r) {
  if (r->late == NULL) return;
  assert_true(r->late->z_offset + sizeof(double) <= r->record_size);
  assert_true(r->late->alive_offset < r->record_size);
  assert_non_null(r->late->advance_early);
  assert_non_null(r->late->tag);
  assert_non_null(r->late->form);
  assert_non_null(r->late->lasting_factor);
  assert_non_null(r->late->tau_forget);
  assert_non_null(r->late->late_only);
  assert_non_null(r->late->unfit);
}

/* Every preset loads and passes the rule's check; the snapshot's attributes are parameters. */
static void check_params(const fs_synrule *r) {
  fs_error err = {0};
  assert_int_equal(fs_params_validate_table(r->params, r->n_params, r->params_size, &err), FS_OK);
  void *p = calloc(1, r->params_size);
  assert_non_null(p);
  assert_true(r->n_presets > 0);
  for (size_t i = 0; i < r->n_presets; i++) {
    assert_int_equal(r->preset(r->presets[i], p, &err), FS_OK);
    assert_int_equal(r->check(p, &err), FS_OK);
  }
  assert_int_equal(r->preset("no such preset", p, &err), FS_ERR_INPUT);
  for (size_t i = 0; i < r->n_snapshot_attrs; i++)
    assert_non_null(fs_params_find(r->params, r->n_params, r->snapshot_attrs[i]));
  free(p);
}

static void test_every_rule(void **state) {
  (void)state;
  assert_true(fs_synrule_count() >= 2);
  for (size_t i = 0; i < fs_synrule_count(); i++) {
    const fs_synrule *r = fs_synrule_at(i);
    assert_ptr_equal(fs_synrule_find(r->name, NULL), r);
    check_fields(r);
    check_late(r);
    check_params(r);
    assert_true((r->coeff_size == 0) == (r->precompute == NULL));
  }
  assert_null(fs_synrule_at(fs_synrule_count()));
}

static void test_unknown_rule(void **state) {
  (void)state;
  fs_error err = {0};
  assert_null(fs_synrule_find("graupner", &err));
  fs_assert_msg(err, "unknown plasticity rule \"graupner\" (did you mean \"graupner_brunel\"?)");
  assert_null(fs_synrule_find("zzz", &err));
  fs_assert_msg(err, "unknown plasticity rule \"zzz\" (known: \"graupner_brunel\", "
                     "\"triplet_stdp\")");
}

/* fs_registry_find looks at FS_REGISTRY_MAX rows at most: every registry fits. */
static void test_registries_fit(void **state) {
  (void)state;
  assert_true(fs_synrule_count() <= FS_REGISTRY_MAX);
  assert_true(fs_neuron_model_count() <= FS_REGISTRY_MAX);
  assert_true(fs_drug_count() <= FS_REGISTRY_MAX);
  assert_true(fs_drug_mechanism_count() <= FS_REGISTRY_MAX);
  assert_true(fs_pk_model_count() <= FS_REGISTRY_MAX);
}

#define GB_N 12
#define STEPS_PER_S 10000 /* dt = 0.1 ms */

/* Synapse i of a part: its record. */
static void *rec_at(const fs_proj_part *part, const fs_synrule *r, uint64_t i) {
  return (char *)part->plast + i * r->record_size;
}

/* A part of GB_N synapses of preset stc in every state the slow clock meets: at rest, dead,
 * quiet (no calcium, no jump to come) with rho away from rho_0 after a burst of presynaptic
 * spikes 40 s earlier, and busy (calcium, jumps still to come) after spikes just now. */
static void make_gb_part(const fs_synrule *r, const fs_synrule_env *e, fs_proj_part *part) {
  part->n_syn = GB_N;
  part->plast = calloc(GB_N, r->record_size);
  part->delay = calloc(GB_N, sizeof *part->delay);
  assert_non_null(part->plast);
  assert_non_null(part->delay);
  double factor[1];
  for (uint64_t i = 0; i < GB_N; i++) {
    r->init(e->params, rec_at(part, r, i), (uint32_t)i, 0, false);
    part->delay[i] = 15;
    int64_t t0 = i < GB_N / 2 ? 0 : 100 * STEPS_PER_S - 40; /* quiet by 100 s, or busy */
    for (uint64_t k = 0; k < 1 + i % 5; k++)                /* 1 to 5 spikes 2 ms apart */
      r->pre_row(part, i, i + 1, t0 + (int64_t)(20 * k + i), e, factor);
    if (i < GB_N / 2) r->advance(part, i, 40 * STEPS_PER_S + (int64_t)i, e);
  }
  *((uint8_t *)rec_at(part, r, 1) + r->late->alive_offset) = 0;
}

static bool at_rest(const fs_synrule *r, const void *y, double rho_0) {
  return fs_synrule_field_value(fs_synrule_find_field(r, "n_pend"), y) == 0.0 &&
         fs_synrule_field_value(fs_synrule_find_field(r, "calcium"), y) == 0.0 &&
         fs_synrule_field_value(fs_synrule_find_field(r, "rho"), y) == rho_0;
}

/* Rule r with preset's parameters (into params), what it precomputes for a step of 0.1 ms
 * (*coeff: free it) and the environment of a part of n_pre presynaptic neurons. */
static fs_synrule_env rule_env(const fs_synrule *r, const char *preset, double params[64],
                               void **coeff, uint64_t seed, uint64_t n_pre, uint64_t *dropped) {
  assert_true(r->params_size <= 64 * sizeof(double));
  assert_int_equal(r->preset(preset, params, NULL), FS_OK);
  *coeff = r->coeff_size ? malloc(r->coeff_size) : NULL;
  if (r->precompute)
    assert_int_equal(r->precompute(params, 1.0 / STEPS_PER_S, *coeff, NULL), FS_OK);
  fs_synrule_env e = {.rule = r,
                      .params = params,
                      .coeff = *coeff,
                      .dt = 1.0 / STEPS_PER_S,
                      .seed = seed,
                      .n_pre = n_pre,
                      .nmda_factor = 1.0,
                      .dropped = dropped};
  return e;
}

static void test_gb_advance_early(void **state) {
  (void)state;
  const fs_synrule *r = fs_synrule_find("graupner_brunel", NULL);
  double params[64];
  void *coeff = NULL;
  uint64_t dropped = 0;
  fs_synrule_env e = rule_env(r, "stc", params, &coeff, 7, GB_N, &dropped);
  assert_non_null(coeff);
  fs_proj_part batch = {0}, single = {0};
  make_gb_part(r, &e, &batch);
  make_gb_part(r, &e, &single);
  const double rho_0 = *(const double *)((const char *)params +
                                         fs_params_find(r->params, r->n_params, "rho_0")->offset);
  const fs_synrule_field *rho = fs_synrule_find_field(r, "rho");
  uint64_t syn[GB_N];
  for (uint64_t i = 0; i < GB_N; i++)
    syn[i] = GB_N - 1 - i; /* a neuron's synapses come in any order */
  for (int64_t minute = 1; minute <= 3; minute++) {
    int64_t to = 100 * STEPS_PER_S + minute * 60 * STEPS_PER_S;
    uint32_t alive = 0;
    double sum = r->late->advance_early(&batch, syn, GB_N, to, &e, &alive), expected = 0.0;
    for (uint64_t q = 0; q < GB_N; q++) {
      uint64_t s = syn[q];
      const void *y = rec_at(&single, r, s);
      if (s == 1 || at_rest(r, y, rho_0)) continue; /* dead, or stays as it is */
      r->advance(&single, s, to, &e);
      expected += fabs(fs_synrule_field_value(rho, y) - rho_0) / rho_0;
    }
    assert_memory_equal(batch.plast, single.plast, GB_N * r->record_size);
    assert_true(sum == expected);
    assert_int_equal(alive, GB_N - 1); /* synapse 1 is dead */
    assert_true(sum > 0.1);            /* the bursts moved rho: not a sum of synapses at rest */
  }
  assert_true(fs_synrule_field_value(rho, rec_at(&batch, r, 0)) == rho_0); /* one spike: rest */
  free(batch.plast), free(batch.delay), free(single.plast), free(single.delay), free(coeff);
}

#define SUM_N 40      /* synapses of the part */
#define SUM_TARGETS 3 /* onto three neurons */

/* A part of SUM_N synapses of rule r (default preset) onto SUM_TARGETS neurons, each moved by
 * its own train of presynaptic spikes and, every third one, a postsynaptic spike; with a late
 * phase, synapse 5 is dead. Weights differ from synapse to synapse. */
static void make_sum_part(const fs_synrule *r, const fs_synrule_env *e, fs_proj_part *part) {
  part->n_syn = SUM_N;
  part->plast = calloc(SUM_N, r->record_size);
  part->delay = calloc(SUM_N, sizeof *part->delay);
  part->target = calloc(SUM_N, sizeof *part->target);
  part->weight = calloc(SUM_N, sizeof *part->weight);
  assert_true(part->plast && part->delay && part->target && part->weight);
  double factor[1];
  for (uint64_t i = 0; i < SUM_N; i++) {
    r->init(e->params, rec_at(part, r, i), (uint32_t)i, (uint32_t)(i % SUM_TARGETS), i % 2 == 0);
    part->delay[i] = 15;
    part->target[i] = (uint32_t)((i * 7) % SUM_TARGETS);
    part->weight[i] = 1e-9 * (1.0 + 0.1 * (double)i);
    for (uint64_t k = 0; k < 1 + i % 4; k++)
      r->pre_row(part, i, i + 1, (int64_t)(30 * k + 3 * i), e, factor);
    uint64_t s = i;
    if (i % 3 == 0) r->post(part, &s, 1, (int64_t)(300 + i), e); /* after its last pre spike */
  }
  if (r->late) *((uint8_t *)rec_at(part, r, 5) + r->late->alive_offset) = 0;
}

/* The timeline's sums of every rule (its sum_means, or the observer's loop over means_of for a
 * rule without one) give the bits of means_of called synapse by synapse and summed per target
 * in the order of the synapses, skip the dead synapse of a late-phase rule, and count the
 * synapses alive. */
static void test_sum_means(void **state) {
  (void)state;
  size_t with_hook = 0, with_late = 0;
  for (size_t i = 0; i < fs_synrule_count(); i++) {
    const fs_synrule *r = fs_synrule_at(i);
    with_hook += r->sum_means != NULL;
    with_late += r->late != NULL;
    double params[64];
    void *coeff = NULL;
    uint64_t dropped = 0;
    fs_synrule_env e = rule_env(r, r->presets[0], params, &coeff, 11, SUM_N, &dropped);
    fs_proj_part part = {0};
    make_sum_part(r, &e, &part);
    const size_t n_pad = SUM_TARGETS + 1, n_acc = (r->n_means + 1) * n_pad;
    double got[(FS_SYNRULE_MAX_MEANS + 1) * (SUM_TARGETS + 1)] = {0};
    double want[(FS_SYNRULE_MAX_MEANS + 1) * (SUM_TARGETS + 1)] = {0};
    if (r->sum_means)
      r->sum_means(params, &part, got, n_pad);
    else
      fs_synrule_sum_means_of(r, params, &part, r->means_of, got, n_pad);
    double value[FS_SYNRULE_MAX_MEANS];
    size_t alive = 0;
    for (uint64_t s = 0; s < SUM_N; s++) {
      if (r->late && s == 5) continue;
      r->means_of(params, rec_at(&part, r, s), part.weight[s], value);
      for (size_t f = 0; f < r->n_means; f++)
        want[f * n_pad + part.target[s]] += value[f];
      want[r->n_means * n_pad + part.target[s]] += 1.0;
      alive++;
    }
    assert_memory_equal(got, want, n_acc * sizeof(double));
    double counted = 0.0;
    for (size_t j = 0; j < SUM_TARGETS; j++)
      counted += got[r->n_means * n_pad + j];
    assert_true(counted == (double)alive);
    assert_true(got[0] != 0.0 || got[1] != 0.0 || got[2] != 0.0); /* not a part of zeros */
    free(part.plast), free(part.delay), free(part.target), free(part.weight), free(coeff);
  }
  assert_true(with_hook >= 1); /* the triplet rule has one */
  assert_true(with_late >= 1); /* Graupner-Brunel: its dead synapse is skipped */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_rule),     cmocka_unit_test(test_unknown_rule),
      cmocka_unit_test(test_registries_fit), cmocka_unit_test(test_gb_advance_early),
      cmocka_unit_test(test_sum_means),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
