/* test_synrule.c - every registered synapse rule's descriptor is well formed (its parameter table
 * and presets, its record's fields within the record and the engine's limits, names that cannot
 * clash with the engine's own datasets, late-phase offsets), and every registry fits the
 * registry look-up. */
#include "fs_test.h"

#include <fearsim/drug.h>
#include <fearsim/neuron.h>
#include <fearsim/param.h>
#include <fearsim/pk.h>
#include <fearsim/registry.h>
#include <fearsim/synrule.h>

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
  assert_non_null(r->late->at_rest);
  assert_non_null(r->late->early_change);
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_rule),
      cmocka_unit_test(test_unknown_rule),
      cmocka_unit_test(test_registries_fit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
