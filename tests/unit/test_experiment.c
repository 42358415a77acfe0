/* test_experiment.c - reading experiment files: SI values from units, overrides, and the exact
 * message (file:line:column: key.path: what was expected, got what) of each bad input. */
#include "fs_test.h"
#include "experiment_errors.h"
#include "test_util.h"

#include <fearsim/experiment.h>
#include <fearsim/gb.h>

static const char *variant(const char *from, const char *to, const char *extra) {
  const char *path = fs_test_variant("exp.yaml", from, to, extra);
  assert_non_null(path);
  return path;
}

static void test_valid_file_in_si(void **state) {
  (void)state;
  const char *overrides[] = {"simulation.duration=20 ms", "populations.E.params={C_m: 200 pF}"};
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  assert_int_equal(fs_experiment_load(variant(NULL, NULL, NULL), overrides, 2, &spec, &err), FS_OK);
  fs_assert_close(spec->dt, 1e-4, 1e-15, 0.0);
  fs_assert_close(spec->duration, 20e-3, 1e-15, 0.0);
  assert_int_equal(spec->n_steps, 200);
  assert_int_equal(spec->n_pops, 1);
  assert_int_equal(spec->pops[0].size, 10);
  fs_assert_close(spec->projs[0].weight.a, 1e-9, 1e-15, 0.0);
  fs_assert_close(spec->projs[0].delay.a, 1e-3, 1e-15, 0.0);
  assert_non_null(strstr(spec->yaml_text, "20 ms"));
  assert_non_null(strstr(spec->yaml_text, "200 pF"));
  fs_experiment_free(spec);
}

static void test_unknown_key(void **state) {
  (void)state;
  expect_error(variant(NULL, NULL, "simulaton: {}\n"),
               "6:1: simulaton: unknown key \"simulaton\" (did you mean \"simulation\"?)");
}

static void test_unknown_model(void **state) {
  (void)state;
  expect_error(variant("lif_cond", "lif_con", NULL),
               "3:14: populations.E.model: expected one of \"lif_cond\", \"adex_cond\", got "
               "\"lif_con\" (did you mean \"lif_cond\"?)");
}

static void test_wrong_unit_and_no_unit(void **state) {
  (void)state;
  expect_error(variant("weight: 1 nS", "weight: 1 mV", NULL),
               "5:75: projections[0].weight: expected a conductance such as \"2 nS\", got "
               "\"1 mV\"");
  expect_error(variant("weight: 1 nS", "weight: 1", NULL),
               "5:75: projections[0].weight: expected a conductance such as \"2 nS\", got "
               "\"1\"");
}

static void test_time_step(void **state) {
  (void)state;
  expect_error(variant("dt: 0.1 ms", "dt: 0 ms", NULL),
               "1:18: simulation.dt: the time step must be > 0 s, got 0 s");
  expect_error(variant("dt: 0.1 ms", "dt: -0.1 ms", NULL),
               "1:18: simulation.dt: the time step must be > 0 s, got -0.0001 s");
}

static void test_delay_shorter_than_dt(void **state) {
  (void)state;
  expect_error(variant("delay: 1 ms", "delay: 0.05 ms", NULL),
               "5:88: projections[0].delay: a delay of 5e-05 s is shorter than the time step "
               "dt = 0.0001 s");
}

static void test_population_of_size_zero(void **state) {
  (void)state;
  expect_error(variant("size: 10", "size: 0", NULL),
               "3:30: populations.E.size: expected an integer between 1 and 4294967295, got "
               "\"0\"");
}

static void test_unknown_population(void **state) {
  (void)state;
  expect_error(variant("to: E", "to: F", NULL),
               "5:19: projections[0].to: no population named \"F\" (did you mean \"E\"?)");
}

static void test_parameter_relation(void **state) {
  (void)state;
  expect_error(variant("size: 10}", "size: 10, params: {V_reset: -40 mV}}", NULL),
               "3:42: populations.E.params: V_reset (-0.04 V) must be below V_th (-0.05 V)");
}

static void test_missing_spike_file(void **state) {
  (void)state;
  const char *path = variant(NULL, NULL,
                             "inputs:\n  tone: {type: spike_times, size: 2, file: "
                             "nothere.csv}\n");
  char rest[512];
  snprintf(rest, sizeof rest,
           "7:44: inputs.tone.file: cannot open \"%s/nothere.csv\": No such file or directory",
           fs_test_dir);
  expect_error(path, rest);
}

static void test_spike_file_is_read(void **state) {
  (void)state;
  fs_test_write("train.csv", "# node_id,time_s\n1,0.002\n0,0.001\n1,0.001\n");
  const char *path = variant(NULL, NULL,
                             "inputs:\n  tone: {type: spike_times, size: 2, file: "
                             "train.csv}\n");
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  assert_int_equal(fs_experiment_load(path, NULL, 0, &spec, &err), FS_OK);
  const fs_population_spec *tone = &spec->pops[1];
  assert_int_equal(tone->n_train, 3); /* sorted by step, then unit */
  assert_true(tone->train_step[0] == 10 && tone->train_unit[0] == 0);
  assert_true(tone->train_step[1] == 10 && tone->train_unit[1] == 1);
  assert_true(tone->train_step[2] == 20 && tone->train_unit[2] == 1);
  fs_experiment_free(spec);
}

/* A spike file that is not a regular file is refused at its key; its lines are checked. */
static void test_spike_file_errors(void **state) {
  (void)state;
  char rest[512];
  const char *path =
      variant(NULL, NULL, "inputs:\n  tone: {type: spike_times, size: 2, file: .}\n");
  snprintf(rest, sizeof rest,
           "7:44: inputs.tone.file: cannot read \"%s/.\": it is a directory, not a file",
           fs_test_dir);
  expect_error(path, rest);
  expect_error(
      variant(NULL, NULL, "inputs:\n  tone: {type: spike_times, size: 2, file: /dev/zero}\n"),
      "7:44: inputs.tone.file: cannot read \"/dev/zero\": it is not a regular file (a "
      "FIFO, device or socket)");
  fs_test_write("late.csv", "node_id,time_ms\n1,2\n0,10\n");
  path = variant(NULL, NULL, "inputs:\n  tone: {type: spike_times, size: 2, file: late.csv}\n");
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  assert_int_equal(fs_experiment_load(path, NULL, 0, &spec, &err), FS_ERR_INPUT);
  snprintf(rest, sizeof rest,
           "%s/late.csv:3: the time must fall within the run (before 0.01 s), got \"0,10\"",
           fs_test_dir);
  fs_assert_msg(err, rest);
}

/* A directory given as the circuit file is refused at its key, not read as nothing. */
static void test_circuit_is_a_directory(void **state) {
  (void)state;
  char rest[512];
  const char *path =
      fs_test_write("circ.yaml", "simulation: {duration: 10 ms}\ncircuit: {file: .}\n");
  snprintf(rest, sizeof rest,
           "2:17: circuit.file: cannot read \"%s/.\": it is a directory, not a file", fs_test_dir);
  expect_error(path, rest);
}

/* A Poisson rate is checked whether it is given alone or in a schedule. */
static void test_poisson_rate_range(void **state) {
  (void)state;
  expect_error(variant(NULL, NULL, "inputs:\n  bg: {type: poisson, size: 2, rate: -5 Hz}\n"),
               "7:38: inputs.bg.rate: the rate must lie between 0 Hz and 1/dt = 10000 Hz, got "
               "-5 Hz");
  expect_error(variant(NULL, NULL, "inputs:\n  bg: {type: poisson, size: 2, rate: 20 kHz}\n"),
               "7:38: inputs.bg.rate: the rate must lie between 0 Hz and 1/dt = 10000 Hz, got "
               "20000 Hz");
}

static void test_empty_population_name(void **state) {
  (void)state;
  expect_error(variant(NULL, NULL, "inputs:\n  '': {type: poisson, size: 2, rate: 5 Hz}\n"),
               "7:7: inputs.: a population name must be 1 to 63 letters, digits and _, got "
               "\"\"");
}

/* Step counts are int64_t: durations and schedules that would overflow them are refused, as
 * is a time step so small that every count derived from it overflows. */
static void test_step_count_limits(void **state) {
  (void)state;
  expect_error(variant("duration: 10 ms", "duration: 9.3e14 s", NULL),
               "1:36: simulation.duration: the duration must be at most 1e+15 time steps (1e+11 "
               "s at dt = 0.0001 s), got 9.3e+14 s");
  expect_error(variant("duration: 10 ms", "schedule: [{fast: 1 s}, {slow: 1e300 s}]", NULL),
               "1:57: simulation.schedule[1].slow: the schedule must last at most 1e+15 time "
               "steps (1e+11 s at dt = 0.0001 s)");
  expect_error(variant("dt: 0.1 ms", "dt: 1e-12 s", NULL),
               "1:18: simulation.dt: the time step must be at least 1e-09 s (1 ns), got 1e-12 s");
}

/* Times far beyond the run would overflow llround(t / dt) into a negative step: each is
 * refused at its key, as are spike trains too large to hold in advance. */
static void test_times_beyond_the_run(void **state) {
  (void)state;
  expect_error(variant(NULL, NULL, "record: {snapshots: [1e300 s]}\n"),
               "6:22: record.snapshots[0]: a snapshot at 1e+300 s is outside the experiment (0 s "
               "to 0.01 s)");
  expect_error(variant(NULL, NULL, "record: {rate_bin: 1e300 s}\n"),
               "6:20: record.rate_bin: rate_bin must be at most 1e+11 s, got 1e+300 s");
  expect_error(
      variant(NULL, NULL, "inputs:\n  P: {type: periodic, size: 2, rate: 10 Hz, start: 1e300 s}\n"),
      "7:52: inputs.P.start: start must lie within the run (0 s to 0.01 s), got 1e+300 s");
  expect_error(
      variant(NULL, NULL, "inputs:\n  T: {type: spike_times, size: 2, times: [5 ms, 1 s]}\n"),
      "7:49: inputs.T.times[1]: a spike at 1 s is outside the run (0 s to 0.01 s)");
  expect_error(
      variant(NULL, NULL, "inputs:\n  P: {type: periodic, size: 100000000, rate: 10 kHz}\n"),
      "7:6: inputs.P: more than 100000000 spikes given in advance; use a poisson input or fewer "
      "units or pulses");
}

/* A missing section is placed where it should be: at the root of the file. */
static void test_missing_section_has_a_place(void **state) {
  (void)state;
  expect_error(variant("simulation: {dt: 0.1 ms, duration: 10 ms}\n", "", NULL),
               "1:1: simulation: missing key \"duration\"");
}

/* A protocol that drives an input above 1/dt is refused, and the rates already copied for it
 * are freed (LeakSanitizer, in the sanitizer build, fails this test if they are not). */
static void test_protocol_rate_above_1_over_dt(void **state) {
  (void)state;
  const char *path = fs_test_write(
      "proto.yaml",
      "simulation: {dt: 1 ms}\n"
      "populations: {E: {model: lif_cond, size: 2}}\n"
      "inputs: {CS: {type: poisson, size: 2, rate: 0 Hz}, US: {type: poisson, size: 2, rate: 0 "
      "Hz}}\n"
      "protocol:\n"
      "  inputs:\n"
      "    cs: {population: CS, rate: 2 kHz}\n"
      "    us: {population: US, rate: 200 Hz, reference: 0.5 mA}\n"
      "  defaults: {cs_duration: 30 s, us: {at: 28 s, duration: 2 s, intensity: 0.5 mA}, iti: "
      "120 s, window: {before: 5 s, after: 2 s}}\n"
      "  days: [{day: 1, sessions: [{name: c, time: '10:00', trials: 1, us: paired}]}]\n");
  assert_non_null(path);
  expect_error(path,
               "6:5: protocol.inputs: the protocol drives CS at 2000 Hz, above 1/dt = 1000 Hz");
}

static double param(const fs_population_spec *pop, const char *name) {
  double v = 0;
  fs_error err = {0};
  assert_int_equal(fs_neuron_model_get_param(pop->model, pop->params, name, &v, &err), FS_OK);
  return v;
}

static fs_experiment_spec *load_config(const char *rel) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", FS_SOURCE_DIR, rel);
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  if (fs_experiment_load(path, NULL, 0, &spec, &err) != FS_OK) fail_msg("%s", err.msg);
  return spec;
}

/* configs/quickstart.yaml in SI units: populations, inputs (after the neurons), a rate
 * schedule in steps, parameters, rules, weights and delays (default: one step). */
static void test_quickstart_in_si(void **state) {
  (void)state;
  fs_experiment_spec *spec = load_config("configs/quickstart.yaml");
  assert_int_equal(spec->seed, 1);
  fs_assert_close(spec->dt, 1e-4, 1e-15, 0.0);
  assert_int_equal(spec->n_steps, 15000);
  assert_int_equal(spec->n_pops, 4);
  const char *names[] = {"E", "I", "background", "tone"};
  const uint64_t sizes[] = {400, 100, 200, 50};
  for (size_t i = 0; i < 4; i++) {
    assert_string_equal(spec->pops[i].name, names[i]);
    assert_int_equal(spec->pops[i].size, sizes[i]);
  }
  assert_int_equal(spec->pops[2].input, FS_INPUT_POISSON);
  fs_assert_close(spec->pops[2].rate[0], 16.0, 1e-15, 0.0);
  const fs_population_spec *tone = &spec->pops[3];
  assert_int_equal(tone->n_rates, 3);
  assert_true(tone->rate_step[0] == 0 && tone->rate_step[1] == 5000 && tone->rate_step[2] == 10000);
  assert_true(tone->rate[0] == 0.0 && tone->rate[2] == 0.0);
  fs_assert_close(tone->rate[1], 50.0, 1e-15, 0.0);
  fs_assert_close(param(&spec->pops[0], "t_ref"), 2e-3, 1e-15, 0.0);
  fs_assert_close(param(&spec->pops[1], "t_ref"), 1e-3, 1e-15, 0.0);
  fs_assert_close(param(&spec->pops[1], "C_m"), 250e-12, 1e-15, 0.0);
  assert_int_equal(spec->n_projs, 8);
  const fs_projection_spec *pr = spec->projs;
  assert_int_equal(pr[0].rule, FS_CONNECT_FIXED_INDEGREE);
  assert_int_equal(pr[0].indegree, 100);
  assert_true(pr[0].pre == 2 && pr[0].post == 0);
  fs_assert_close(pr[0].weight.a, 2e-9, 1e-15, 0.0);
  fs_assert_close(pr[0].delay.a, 1e-4, 1e-15, 0.0);
  assert_int_equal(pr[2].rule, FS_CONNECT_FIXED_PROBABILITY);
  fs_assert_close(pr[2].p, 0.4, 1e-15, 0.0);
  fs_assert_close(pr[2].delay.a, 5e-3, 1e-15, 0.0);
  assert_int_equal(pr[4].channel, FS_CH_NMDA);
  fs_assert_close(pr[4].weight.a, 0.2e-9, 1e-15, 0.0);
  fs_assert_close(pr[4].delay.a, 1.5e-3, 1e-15, 0.0);
  assert_int_equal(pr[6].channel, FS_CH_GABA_A);
  fs_assert_close(pr[6].weight.a, 4e-9, 1e-15, 0.0);
  assert_string_equal(pr[6].name, "I->E");
  fs_experiment_free(spec);
}

/* configs/benchmarks/coba.yaml: the YAML anchors give I the same parameters and initial
 * distributions as E. */
static void test_coba_in_si(void **state) {
  (void)state;
  fs_experiment_spec *spec = load_config("configs/benchmarks/coba.yaml");
  assert_int_equal(spec->seed, 12345);
  assert_int_equal(spec->n_steps, 10000);
  assert_int_equal(spec->rate_bin_steps, 10);
  assert_int_equal(spec->n_pops, 2);
  assert_int_equal(spec->pops[0].size, 3200);
  assert_int_equal(spec->pops[1].size, 800);
  for (size_t i = 0; i < 2; i++) {
    const fs_population_spec *p = &spec->pops[i];
    fs_assert_close(param(p, "C_m"), 200e-12, 1e-15, 0.0);
    fs_assert_close(param(p, "g_L"), 10e-9, 1e-15, 0.0);
    fs_assert_close(param(p, "E_L"), -60e-3, 1e-15, 0.0);
    fs_assert_close(param(p, "t_ref"), 5e-3, 1e-15, 0.0);
    fs_assert_close(param(p, "E_in"), -80e-3, 1e-15, 0.0);
    fs_assert_close(param(p, "tau_gaba"), 10e-3, 1e-15, 0.0);
    assert_int_equal(p->n_init, 3);
    assert_int_equal(p->init_var[0], fs_neuron_model_state_index(p->model, "v"));
    assert_int_equal(p->init[0].kind, FS_DIST_NORMAL);
    fs_assert_close(p->init[0].a, -65e-3, 1e-15, 0.0);
    fs_assert_close(p->init[0].b, 5e-3, 1e-15, 0.0);
    fs_assert_close(p->init[2].a, 200e-9, 1e-15, 0.0);
    fs_assert_close(p->init[2].b, 120e-9, 1e-15, 0.0);
  }
  assert_int_equal(spec->n_projs, 4);
  for (size_t k = 0; k < 4; k++) {
    fs_assert_close(spec->projs[k].p, 0.02, 1e-15, 0.0);
    fs_assert_close(spec->projs[k].delay.a, 1e-4, 1e-15, 0.0);
    fs_assert_close(spec->projs[k].weight.a, k < 2 ? 6e-9 : 67e-9, 1e-15, 0.0);
    assert_int_equal(spec->projs[k].channel, k < 2 ? FS_CH_AMPA : FS_CH_GABA_A);
  }
  fs_experiment_free(spec);
}

static void test_missing_duration_and_negative_weight(void **state) {
  (void)state;
  expect_error(variant(", duration: 10 ms", "", NULL),
               "1:13: simulation: missing key \"duration\"");
  expect_error(variant("weight: 1 nS", "weight: -1 nS", NULL),
               "5:75: projections[0].weight: weights are conductances and must not be negative "
               "(the receptor decides whether a synapse excites or inhibits)");
}

/* An override replaces the file's value before validation, and is validated like it. */
static void test_override_validated(void **state) {
  (void)state;
  const char *bad[] = {"simulation.dt=0 ms"};
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  assert_int_equal(fs_experiment_load(variant(NULL, NULL, NULL), bad, 1, &spec, &err),
                   FS_ERR_INPUT);
  assert_null(spec);
  fs_assert_msg(err, "--set 'simulation.dt=0 ms': simulation.dt: the time step must be > 0 s, "
                     "got 0 s");
  const char *ok[] = {"populations.E.size=25", "seed=99"};
  assert_int_equal(fs_experiment_load(variant(NULL, NULL, NULL), ok, 2, &spec, &err), FS_OK);
  assert_int_equal(spec->pops[0].size, 25);
  assert_int_equal(spec->seed, 99);
  assert_int_equal(spec->n_steps, 100);
  fs_experiment_free(spec);
}

/* Plasticity: the bad inputs of issue 4 (unknown rule or preset, thresholds out of order, a
 * plastic projection without NMDA receptors, snapshot times outside the experiment), and a
 * valid block that takes the preset and overrides it. */
static void test_plasticity_errors(void **state) {
  (void)state;
  expect_error(variant("delay: 1 ms}", "delay: 1 ms, plasticity: {rule: stdp}}", NULL),
               "5:113: projections[0].plasticity.rule: expected one of \"graupner_brunel\", "
               "\"triplet_stdp\", got \"stdp\"");
  expect_error(variant("delay: 1 ms}", "delay: 1 ms, plasticity: {rule: graupner_brunel}}", NULL),
               "5:106: projections[0].plasticity: the rule graupner_brunel needs NMDA receptors: "
               "use receptor nmda or ampa_nmda");
  expect_error(variant("receptor: ampa,",
                       "receptor: ampa_nmda, nmda_ratio: 0.5, plasticity: {rule: graupner_brunel,"
                       " preset: cortex},",
                       NULL),
               "5:104: projections[0].plasticity.preset: expected one of \"cortical\", "
               "\"hippocampal\", \"dp\", \"stc\", got \"cortex\"");
  expect_error(
      variant("receptor: ampa,",
              "receptor: nmda, plasticity: {rule: graupner_brunel, params: {theta_p: 0.5}},", NULL),
      "5:82: projections[0].plasticity.params: theta_d (1) must be below theta_p (0.5)");
  expect_error(variant("delay: 1 ms}",
                       "delay: 1 ms, plasticity: {rule: triplet_stdp, up_fraction: 0.5}}", NULL),
               "5:140: projections[0].plasticity.up_fraction: the rule triplet_stdp has no UP and "
               "DOWN states: up_fraction does not apply");
  expect_error(variant("delay: 1 ms}",
                       "delay: 1 ms, plasticity: {rule: triplet_stdp, late_phase: true}}", NULL),
               "5:139: projections[0].plasticity.late_phase: the rule triplet_stdp has no late "
               "phase");
  expect_error(variant("delay: 1 ms}",
                       "delay: 1 ms, plasticity: {rule: triplet_stdp, spines: {reserve: 1}}}",
                       NULL),
               "5:135: projections[0].plasticity.spines: the rule triplet_stdp has no late phase, "
               "so no spine turnover");
  expect_error(variant(NULL, NULL, "record: {snapshots: [5 ms, 20 ms]}\n"),
               "6:28: record.snapshots[1]: a snapshot at 0.02 s is outside the experiment (0 s to "
               "0.01 s)");
}

static void test_plasticity_block(void **state) {
  (void)state;
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  const char *path = variant("receptor: ampa,",
                             "receptor: ampa_nmda, nmda_ratio: 0.5, plasticity: {rule: "
                             "graupner_brunel, preset: hippocampal, params: {sigma: 0}},",
                             NULL);
  assert_int_equal(fs_experiment_load(path, NULL, 0, &spec, &err), FS_OK);
  const fs_plasticity_spec *pl = &spec->projs[0].plastic;
  const fs_gb_params *gb = pl->params;
  assert_true(pl->enabled);
  assert_ptr_equal(pl->rule, fs_synrule_find("graupner_brunel", NULL));
  fs_assert_close(gb->gamma_p, 1645.59, 1e-12, 0.0); /* the preset */
  fs_assert_close(gb->sigma, 0.0, 0.0, 0.0);         /* overridden */
  fs_assert_close(pl->up_fraction, 0.3, 1e-12, 0.0); /* 1 - beta of the preset */
  fs_assert_close(spec->projs[0].nmda_ratio, 0.5, 0.0, 0.0);
  fs_experiment_free(spec);
}

/* record.checkpoint: wall time between checkpoints, off, 30 min by default, and bad values at
 * their place. */
static void test_checkpoint_interval(void **state) {
  (void)state;
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  const char *values[] = {NULL, "record: {checkpoint: off}\n", "record: {checkpoint: 10 min}\n"};
  const double want[] = {1800.0, 0.0, 600.0};
  for (int k = 0; k < 3; k++) {
    assert_int_equal(fs_experiment_load(variant(NULL, NULL, values[k]), NULL, 0, &spec, &err),
                     FS_OK);
    fs_assert_close(spec->checkpoint_every, want[k], 0.0, 0.0);
    fs_experiment_free(spec);
  }
  expect_error(variant(NULL, NULL, "record: {checkpoint: 0 s}\n"),
               "6:22: record.checkpoint: expected the wall time between two checkpoints such as "
               "\"30 min\", or off, got \"0 s\"");
  expect_error(variant(NULL, NULL, "record: {checkpoint: often}\n"),
               "6:22: record.checkpoint: expected the wall time between two checkpoints such as "
               "\"30 min\", or off, got \"often\"");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_file_in_si),
      cmocka_unit_test(test_unknown_key),
      cmocka_unit_test(test_unknown_model),
      cmocka_unit_test(test_wrong_unit_and_no_unit),
      cmocka_unit_test(test_time_step),
      cmocka_unit_test(test_delay_shorter_than_dt),
      cmocka_unit_test(test_population_of_size_zero),
      cmocka_unit_test(test_unknown_population),
      cmocka_unit_test(test_parameter_relation),
      cmocka_unit_test(test_missing_spike_file),
      cmocka_unit_test(test_spike_file_is_read),
      cmocka_unit_test(test_spike_file_errors),
      cmocka_unit_test(test_circuit_is_a_directory),
      cmocka_unit_test(test_poisson_rate_range),
      cmocka_unit_test(test_empty_population_name),
      cmocka_unit_test(test_step_count_limits),
      cmocka_unit_test(test_missing_section_has_a_place),
      cmocka_unit_test(test_times_beyond_the_run),
      cmocka_unit_test(test_protocol_rate_above_1_over_dt),
      cmocka_unit_test(test_plasticity_errors),
      cmocka_unit_test(test_plasticity_block),
      cmocka_unit_test(test_quickstart_in_si),
      cmocka_unit_test(test_coba_in_si),
      cmocka_unit_test(test_missing_duration_and_negative_weight),
      cmocka_unit_test(test_override_validated),
      cmocka_unit_test(test_checkpoint_interval),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
