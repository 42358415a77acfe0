/* test_outputs.c - the datasets fs_outputs lists for an experiment, before anything runs, are
 * exactly those its run writes: checked on real runs of configs that between them have drugs,
 * NMDA block, both plasticity rules, a late phase with a spine pool, snapshots and a protocol
 * with trials (a change to what the observer, the record or the snapshots write that is not
 * made in sim/outputs.c too fails here). */
#include "fs_test.h"

#include "cli_run.h"

#include <fearsim/experiment.h>
#include <fearsim/outputs.h>
#include <fearsim/record_reader.h>

/* Conditioning with ketamine, a late-phase plastic CS synapse with a spine pool, snapshots. */
static const char protocol_yaml[] =
    "name: outputs_protocol\n"
    "seed: 3\n"
    "simulation: {dt: 0.1 ms, slow_step: 10 min}\n"
    "populations:\n"
    "  LA: {model: lif_cond, size: 20}\n"
    "inputs:\n"
    "  CS: {type: poisson, size: 20, rate: 0 Hz}\n"
    "  US: {type: poisson, size: 10, rate: 0 Hz}\n"
    "  ctx_A: {type: poisson, size: 10, rate: 0 Hz}\n"
    "projections:\n"
    "  - {from: CS, to: LA, receptor: ampa_nmda, nmda_ratio: 0.5, connect: {rule: all_to_all},\n"
    "     weight: 1 nS, plasticity: {rule: graupner_brunel, preset: stc, late_phase: true,\n"
    "                                spines: {reserve: 1}}}\n"
    "  - {from: US, to: LA, receptor: ampa, connect: {rule: all_to_all}, weight: 3 nS}\n"
    "  - {from: ctx_A, to: LA, receptor: ampa, connect: {rule: all_to_all}, weight: 1 nS}\n"
    "readout: {population: LA, half: 15 Hz, slope: 3 Hz}\n"
    "subject: {species: rat, body_weight: 0.3 kg}\n"
    "drugs:\n"
    "  - {drug: ketamine, route: intraperitoneal, dose: 10 mg/kg, day: 1, time: '09:00'}\n"
    "protocol:\n"
    "  inputs:\n"
    "    cs: {population: CS, rate: 20 Hz}\n"
    "    us: {population: US, rate: 100 Hz, reference: 0.5 mA}\n"
    "    contexts: {A: ctx_A}\n"
    "    context_rate: 10 Hz\n"
    "  defaults: {cs_duration: 0.5 s, us: {at: 0.4 s, duration: 0.1 s, intensity: 0.5 mA},\n"
    "             iti: 1 s, window: {before: 0.5 s, after: 0.5 s}}\n"
    "  days:\n"
    "    - {day: 1, sessions: [{name: conditioning, time: '10:00', context: A, trials: 2,\n"
    "                           us: paired}]}\n"
    "record: {spikes: [LA], rate_bin: 10 ms, timeline: 10 ms, timeline_slow: 1 h,\n"
    "         snapshots: [0 s, 1 h]}\n";

/* Runs exp (with the overrides in set, NULL-terminated) and checks that the datasets of its
 * result are exactly those fs_outputs listed. */
static void check_run(const char *exp, const char *const *set) {
  const char *out = test_path(0, "run.h5");
  const char *args[32] = {"run", exp, "-o", out, "--force", "--quiet"};
  size_t na = 6, n_set = 0;
  for (; set != NULL && set[n_set] != NULL; n_set++) {
    args[na++] = "--set";
    args[na++] = set[n_set];
  }
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) fprintf(stderr, "%s", r.err);
  assert_int_equal(r.status, 0);

  fs_error err;
  fs_experiment_spec *spec = NULL;
  fs_outputs *o = NULL;
  fs_record_reader *rd = NULL;
  char **names = NULL;
  size_t n = 0;
  assert_int_equal(fs_experiment_load(exp, set, n_set, &spec, &err), FS_OK);
  assert_int_equal(fs_outputs_create(spec, &o, &err), FS_OK);
  assert_int_equal(fs_record_reader_open(out, &rd, &err), FS_OK);
  assert_int_equal(fs_record_reader_list(rd, &names, &n, &err), FS_OK);
  size_t written = 0;
  for (size_t i = 0; i < n; i++) {
    if (!fs_outputs_has(o, names[i])) fprintf(stderr, "written, not listed: %s\n", names[i]);
    written += fs_outputs_has(o, names[i]);
  }
  for (size_t i = 0; i < fs_outputs_count(o); i++) {
    bool found = false;
    for (size_t j = 0; j < n && !found; j++)
      found = strcmp(names[j], fs_outputs_at(o, i)) == 0;
    if (!found) fprintf(stderr, "listed, not written: %s\n", fs_outputs_at(o, i));
  }
  assert_true(n > 0);
  assert_int_equal(written, n);
  assert_int_equal(fs_outputs_count(o), n);
  free(names);
  fs_record_reader_free(rd);
  fs_outputs_free(o);
  fs_experiment_free(spec);
}

static void test_protocol_drug_late_phase(void **state) {
  (void)state;
  const char *exp = fs_test_write("protocol.yaml", protocol_yaml);
  char path[256];
  snprintf(path, sizeof path, "%s", exp);
  check_run(path, NULL);
}

static void test_configs(void **state) {
  (void)state;
  const char *const short_run[] = {"simulation.duration=0.5 s", NULL};
  check_run(FS_SOURCE_DIR "/configs/quickstart.yaml", short_run);
  check_run(FS_SOURCE_DIR "/configs/pharmacology/apv_local_la.yaml", NULL);
  check_run(FS_SOURCE_DIR "/configs/pharmacology/ketamine_infusion.yaml", NULL);
  check_run(FS_SOURCE_DIR "/configs/plasticity/triplet_stdp.yaml", NULL);
}

/* A typo is close to the dataset meant. */
static void test_closest(void **state) {
  (void)state;
  fs_error err;
  fs_experiment_spec *spec = NULL;
  fs_outputs *o = NULL;
  assert_int_equal(fs_experiment_load(FS_SOURCE_DIR "/configs/pharmacology/ketamine_infusion.yaml",
                                      NULL, 0, &spec, &err),
                   FS_OK);
  assert_int_equal(fs_outputs_create(spec, &o, &err), FS_OK);
  assert_true(fs_outputs_has(o, "/timeline/ketamine_plasma_ng_per_mL"));
  assert_false(fs_outputs_has(o, "/timeline/ketamine_plasma_ng_per_ml"));
  assert_string_equal(fs_outputs_closest(o, "/timeline/ketamine_plasm_ng_per_mL"),
                      "/timeline/ketamine_plasma_ng_per_mL");
  assert_null(fs_outputs_at(o, fs_outputs_count(o)));
  fs_outputs_free(o);
  fs_experiment_free(spec);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_protocol_drug_late_phase),
      cmocka_unit_test(test_configs),
      cmocka_unit_test(test_closest),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
