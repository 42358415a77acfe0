/* test_cli_models.c - `fearsim models` and `fearsim params NAME`: every registry row is listed,
 * the defaults, bounds and presets printed are those of the tables the reader validates with
 * (JSON, to full precision), and bad names or options are exit 2 with a clear message.
 * (docs/parameters.md against `fearsim params --all --format markdown` is cli_params_docs.) */
#include "fs_test.h"

#include "cli_run.h"

#include <fearsim/drug.h>
#include <fearsim/neuron.h>
#include <fearsim/pk.h>
#include <fearsim/synrule.h>

static void assert_contains(const char *text, const char *want) {
  if (strstr(text, want) == NULL) fail_msg("missing: %s", want);
}

static void test_models_lists_every_registry_row(void **state) {
  (void)state;
  const char *args[] = {"models", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  char want[160];
  for (size_t i = 0; i < fs_neuron_model_count(); i++) {
    snprintf(want, sizeof want, "  %-26s %s", fs_neuron_model_at(i)->name,
             fs_neuron_model_at(i)->description);
    assert_contains(r.out, want);
  }
  for (size_t i = 0; i < fs_synrule_count(); i++)
    assert_contains(r.out, fs_synrule_at(i)->name);
  for (size_t i = 0; i < fs_drug_count(); i++) {
    snprintf(want, sizeof want, "  %-26s %s; mechanism %s", fs_drug_at(i)->name,
             fs_drug_at(i)->description, fs_drug_at(i)->mechanism->name);
    assert_contains(r.out, want);
  }
  for (size_t i = 0; i < fs_drug_mechanism_count(); i++)
    assert_contains(r.out, fs_drug_mechanism_at(i)->name);
  for (size_t i = 0; i < fs_pk_model_count(); i++)
    assert_contains(r.out, fs_pk_model_at(i)->name);
  assert_contains(r.out, "presets (the first is the default): cortical hippocampal dp stc");
  assert_contains(r.out, "consolidation.late_phase");
}

/* Each row of a table as JSON: name, default, unit, bounds and source, to the last bit. */
static void assert_json_rows(const char *out, const fs_param_spec *p, size_t n) {
  char want[512];
  for (size_t i = 0; i < n; i++) {
    snprintf(want, sizeof want, "{\"name\": \"%s\", \"default\": %.17g, \"unit\": \"%s\"",
             p[i].name, p[i].def, fs_unit_kind_si(p[i].kind));
    assert_contains(out, want);
    snprintf(want, sizeof want, "\"source\": \"%s\"", p[i].source);
    assert_contains(out, want);
  }
}

static void test_params_json_is_the_table(void **state) {
  (void)state;
  const fs_neuron_model *lif = fs_neuron_model_find("lif_cond", NULL);
  const char *args[] = {"params", "lif_cond", "--format", "json", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  assert_json_rows(r.out, lif->params, lif->n_params);
  assert_contains(r.out, "\"name\": \"C_m\", \"default\": 2.5000000000000002e-10, \"unit\": \"F\", "
                         "\"min\": 0, \"max\": 9.9999999999999995e-07, \"min_exclusive\": true, "
                         "\"max_exclusive\": false");
  const fs_pk_model *domino = fs_pk_model_find("domino", NULL);
  const char *pk[] = {"params", "domino", "--format=json", NULL};
  cli_run(pk, &r);
  assert_int_equal(r.status, 0);
  assert_json_rows(r.out, domino->params, domino->n_params);
}

/* A rule's presets: each value is what the rule's preset hook writes. */
static void test_params_presets(void **state) {
  (void)state;
  const fs_synrule *rule = fs_synrule_find("triplet_stdp", NULL);
  const char *args[] = {"params", "triplet_stdp", "--format", "json", NULL};
  cli_result r;
  cli_run(args, &r);
  assert_int_equal(r.status, 0);
  double values[64];
  assert_true(rule->params_size <= sizeof values);
  fs_error err;
  assert_int_equal(rule->preset("hippocampal", values, &err), FS_OK);
  const fs_param_spec *tau_y = fs_params_find(rule->params, rule->n_params, "tau_y");
  double v;
  memcpy(&v, (const char *)values + tau_y->offset, sizeof v);
  assert_true(v == 40e-3);
  char want[160];
  snprintf(want, sizeof want, "\"hippocampal\": %.17g", v);
  assert_contains(r.out, "\"presets\": [\"visual_cortex\", \"hippocampal\"]");
  assert_contains(r.out, want);
}

static void test_params_text_and_markdown(void **state) {
  (void)state;
  const char *text[] = {"params", "clements", NULL};
  cli_result r;
  cli_run(text, &r);
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "clements (PK model): two-compartment ketamine");
  assert_contains(r.out, "k10                  0.0001816666667 1/s");
  assert_contains(r.out, "source: Clements & Nimmo 1981, Br J Anaesth 53:27");
  const char *md[] = {"params", "ketamine", "--format", "markdown", NULL};
  cli_run(md, &r);
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "| `k_off` | 0.2 | 1/s | [0, 1000] | unblocking rate constant at -60 mV | "
                         "MacDonald et al. 1991, J Physiol 432:483 |");
  assert_contains(r.out, "mechanism open_channel; molar mass 0.2377 kg/mol");
}

static void test_bad_input(void **state) {
  (void)state;
  cli_result r;
  const char *typo[] = {"params", "ketamin", NULL};
  cli_run(typo, &r);
  assert_int_equal(r.status, 2);
  assert_string_equal(r.err, "fearsim: unknown model \"ketamin\" (did you mean \"ketamine\"?)\n");
  assert_string_equal(r.out, "");
  const char *none[] = {"params", NULL};
  cli_run(none, &r);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "fearsim: params takes one name, or --all\n");
  const char *format[] = {"params", "lif_cond", "--format", "yaml", NULL};
  cli_run(format, &r);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "fearsim: unknown format \"yaml\" (text, json or markdown)\n");
  const char *models[] = {"models", "lif_cond", NULL};
  cli_run(models, &r);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "fearsim: models takes no name\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_models_lists_every_registry_row),
      cmocka_unit_test(test_params_json_is_the_table),
      cmocka_unit_test(test_params_presets),
      cmocka_unit_test(test_params_text_and_markdown),
      cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
