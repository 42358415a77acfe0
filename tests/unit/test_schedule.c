/* test_schedule.c - reading the late phase's parts of an experiment: simulation.schedule (fast
 * and slow phases), plasticity.late_phase and .spines, and the consolidation: section; each bad
 * input gives its exact message with file:line:column and key path. */
#include "fs_test.h"
#include "experiment_errors.h"
#include "test_util.h"

#include <fearsim/experiment.h>

/* A late-phase experiment: 1 s fast, 2 s slow (line numbers matter to the messages below). */
static const char base[] = "simulation:\n"                                    /* 1 */
                           "  schedule:\n"                                    /* 2 */
                           "    - {fast: 1 s}\n"                              /* 3 */
                           "    - {slow: 2 s}\n"                              /* 4 */
                           "populations:\n"                                   /* 5 */
                           "  P: {model: lif_cond, size: 2}\n"                /* 6 */
                           "inputs:\n"                                        /* 7 */
                           "  pre: {type: periodic, size: 2, rate: 100 Hz}\n" /* 8 */
                           "projections:\n"                                   /* 9 */
                           "  - from: pre\n"                                  /* 10 */
                           "    to: P\n"                                      /* 11 */
                           "    receptor: ampa_nmda\n"                        /* 12 */
                           "    nmda_ratio: 0.5\n"                            /* 13 */
                           "    connect: {rule: all_to_all}\n"                /* 14 */
                           "    weight: 0.1 nS\n"                             /* 15 */
                           "    plasticity: {rule: graupner_brunel, preset: stc, late_phase: "
                           "true}\n"; /* 16 */

/* base with the first `from` replaced by `to` (from NULL: none) and `extra` appended. */
static const char *variant(const char *from, const char *to, const char *extra) {
  char text[4096];
  const char *hit = from ? strstr(base, from) : NULL;
  assert_true(from == NULL || hit != NULL);
  size_t head = hit ? (size_t)(hit - base) : strlen(base);
  snprintf(text, sizeof text, "%.*s%s%s%s", (int)head, base, hit ? to : "",
           hit ? hit + strlen(from) : "", extra ? extra : "");
  const char *path = fs_test_write("late.yaml", text);
  assert_non_null(path);
  return path;
}

/* The valid file: phases in steps, two of a kind in a row merged, defaults of the slow side. */
static void test_valid_schedule(void **state) {
  (void)state;
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  const char *path = variant("    - {slow: 2 s}\n",
                             "    - {slow: 2 s}\n    - {slow: 1 min}\n"
                             "    - {fast: 0.5 s}\n",
                             "consolidation:\n  bdnf_knockout: true\n"
                             "  populations: {P: {mtorc1_block: true}}\n"
                             "  late_phase: {tau_z: 2 h}\n");
  if (fs_experiment_load(path, NULL, 0, &spec, &err) != FS_OK) fail_msg("%s", err.msg);
  assert_int_equal(spec->n_phases, 3);
  assert_true(spec->phases[0].fast && !spec->phases[1].fast && spec->phases[2].fast);
  assert_int_equal(spec->phases[0].stop, 10000);
  assert_int_equal(spec->phases[1].start, 10000);
  assert_int_equal(spec->phases[1].stop, 630000);
  assert_int_equal(spec->n_steps, 635000);
  fs_assert_close(spec->duration, 63.5, 1e-12, 0.0);
  fs_assert_close(spec->slow_step, 60.0, 0.0, 0.0);
  assert_int_equal(spec->slow_step_steps, 600000);
  assert_true(fs_experiment_has_late_phase(spec));
  assert_true(spec->projs[0].plastic.late_phase);
  fs_assert_close(spec->cons.late.tau_z, 7200.0, 0.0, 0.0);
  fs_assert_close(spec->cons.late.tau_p, 3600.0, 0.0, 0.0); /* the default */
  assert_true(spec->pops[0].mtorc1_block && spec->pops[0].bdnf_knockout);
  /* the periodic input's pulses in the slow phase (1 s to 63 s) are skipped */
  for (size_t i = 0; i < spec->pops[1].n_train; i++) {
    int64_t s = spec->pops[1].train_step[i];
    assert_true(s < 10000 || s >= 630000);
  }
  fs_experiment_free(spec);
}

static void test_schedule_errors(void **state) {
  (void)state;
  expect_error(variant("{slow: 2 s}", "{medium: 2 s}", NULL),
               "4:8: simulation.schedule[1].medium: unknown key \"medium\" (expected one of: "
               "fast, slow)");
  expect_error(variant("{slow: 2 s}", "{slow: 2 s, fast: 1 s}", NULL),
               "4:7: simulation.schedule[1]: expected {fast: <time>} or {slow: <time>}");
  expect_error(variant("{slow: 2 s}", "slow", NULL),
               "4:7: simulation.schedule[1]: expected a mapping, got a scalar \"slow\"");
  expect_error(variant("{slow: 2 s}", "{slow: 500 ms}", NULL),
               "4:14: simulation.schedule[1].slow: a slow phase must last at least 1 s, got 0.5 s");
  expect_error(variant("{fast: 1 s}", "{fast: 0 s}", NULL),
               "3:14: simulation.schedule[0].fast: a fast phase must last at least 0.0001 s, got "
               "0 s");
  expect_error(variant("{slow: 2 s}", "{slow: 2 apples}", NULL),
               "4:14: simulation.schedule[1].slow: expected a time such as \"30 s\", got \"2 "
               "apples\"");
  expect_error(variant("simulation:\n", "simulation:\n  duration: 5 s\n", NULL),
               "2:13: simulation.duration: the schedule lasts 3 s but the duration is 5 s (give "
               "one of them)");
  expect_error(variant("  schedule:\n    - {fast: 1 s}\n    - {slow: 2 s}\n",
                       "  schedule: {fast: 1 s}\n", NULL),
               "2:13: simulation.schedule: expected a list of {fast: <time>} or {slow: <time>}");
  expect_error(variant("simulation:\n", "simulation:\n  slow_step: 2 day\n", NULL),
               "2:14: simulation.slow_step: the slow step must lie between one time step and 1 "
               "day, got 172800 s");
  expect_error(variant(NULL, NULL, "record: {snapshots: [1 s, 1 h]}\n"),
               "17:27: record.snapshots[1]: a snapshot at 3600 s is outside the experiment (0 s "
               "to 3 s)");
  expect_error(variant(NULL, NULL, "record: {timeline_slow: 0 s}\n"),
               "17:25: record.timeline_slow: the slow timeline interval must be at least one "
               "time step (0.0001 s)");
}

static void test_late_phase_errors(void **state) {
  (void)state;
  expect_error(variant("preset: stc", "preset: hippocampal", NULL),
               "16:74: projections[0].plasticity.late_phase: a late phase needs early change "
               "that decays (params.kappa > 0, as in preset stc); with the bistable drift "
               "nothing would fade");
  expect_error(variant("late_phase: true", "late_phase: true, params: {kappa: 0}", NULL),
               "16:66: projections[0].plasticity.late_phase: a late phase needs early change "
               "that decays (params.kappa > 0, as in preset stc); with the bistable drift "
               "nothing would fade");
  expect_error(variant("late_phase: true", "late_phase: false, spines: {reserve: 1}", NULL),
               "16:81: projections[0].plasticity.spines: spine turnover needs late_phase: true");
  expect_error(variant("late_phase: true", "late_phase: false, params: {tau_forget: 1 day}", NULL),
               "16:94: projections[0].plasticity.params.tau_forget: tau_forget acts on the "
               "consolidated weight: it needs late_phase: true");
  expect_error(variant("late_phase: true", "late_phase: true, spines: {reserve: 11}", NULL),
               "16:90: projections[0].plasticity.spines.reserve: reserve (synapses kept for new "
               "spines per initial one) must lie in (0, 10], got 11");
  expect_error(variant("late_phase: true", "late_phase: true, spines: {reserve: 0}", NULL),
               "16:90: projections[0].plasticity.spines.reserve: reserve (synapses kept for new "
               "spines per initial one) must lie in (0, 10], got 0");
  expect_error(variant("late_phase: true", "late_phase: true, spines: {}", NULL),
               "16:80: projections[0].plasticity.spines: missing key \"reserve\"");
  expect_error(variant("late_phase: true", "late_phase: true, params: {theta_p: 1.0}", NULL),
               "16:80: projections[0].plasticity.params: theta_d (1.2) must be below theta_p "
               "(1)");
  expect_error(variant("late_phase: true", "late_phase: true, params: {rho_0: 1}", NULL),
               "16:88: projections[0].plasticity.params.rho_0: rho_0 must be > 0 and < 1, got 1");
}

static void test_consolidation_errors(void **state) {
  (void)state;
  expect_error(variant(NULL, NULL, "consolidation:\n  bdnf_knockut: true\n"),
               "18:3: consolidation.bdnf_knockut: unknown key \"bdnf_knockut\" (did you mean "
               "\"bdnf_knockout\"?)");
  expect_error(variant(NULL, NULL, "consolidation:\n  populations: {pre: {mtorc1_block: true}}\n"),
               "18:22: consolidation.populations.pre: \"pre\" is an input; mtorc1_block and "
               "bdnf_knockout apply to neuron populations");
  expect_error(variant(NULL, NULL, "consolidation:\n  populations: {Q: {mtorc1_block: true}}\n"),
               "18:20: consolidation.populations.Q: no population named \"Q\" (did you mean "
               "\"P\"?)");
  expect_error(variant(NULL, NULL, "consolidation:\n  populations: {P: {mtorc1: true}}\n"),
               "18:21: consolidation.populations.P.mtorc1: unknown key \"mtorc1\" (did you mean "
               "\"mtorc1_block\"?)");
  expect_error(variant(NULL, NULL, "consolidation:\n  populations: [P]\n"),
               "18:16: consolidation.populations: expected a map of population names");
  expect_error(variant(NULL, NULL, "consolidation:\n  bdnf_pathways: {eef: false}\n"),
               "18:19: consolidation.bdnf_pathways.eef: unknown key \"eef\" (did you mean "
               "\"eef2\"?)");
  expect_error(variant(NULL, NULL, "consolidation:\n  trigger: pathways\n"),
               "18:12: consolidation.trigger: expected one of \"neuron\", \"pathway\", got "
               "\"pathways\" (did you mean \"pathway\"?)");
  expect_error(variant(NULL, NULL, "consolidation:\n  late_phase: {tau_z: -1 h}\n"),
               "18:23: consolidation.late_phase.tau_z: tau_z must be > 0 s and <= 1e+09 s, got "
               "-3600 s");
  expect_error(variant(NULL, NULL, "consolidation:\n  spines: {z_new: -0.6}\n"),
               "18:19: consolidation.spines.z_new: z_new must be between -0.5 and 1, got -0.6");
}

/* mtorc1_block and bdnf_knockout where no late-phase projection arrives would change nothing:
 * bad input at the key, whether the population has no plastic input at all (Q), plastic input
 * without a late phase (P with late_phase: false), or no projection of the experiment has one
 * (the global knock-out). A switch set to false, or on a population that has a late phase, is
 * fine. */
static void test_switch_without_late_phase(void **state) {
  (void)state;
  static const char two[] = "  P: {model: lif_cond, size: 2}\n  Q: {model: lif_cond, size: 2}\n";
  expect_error(variant("  P: {model: lif_cond, size: 2}\n", two,
                       "consolidation:\n  populations: {Q: {mtorc1_block: true}}\n"),
               "19:35: consolidation.populations.Q.mtorc1_block: no late-phase projection reaches "
               "\"Q\" (plasticity: {late_phase: true}), so it has no protein synthesis or spine "
               "formation to block");
  expect_error(variant("  P: {model: lif_cond, size: 2}\n", two,
                       "consolidation:\n  populations: {P: {mtorc1_block: true}, Q: "
                       "{mtorc1_block: false, bdnf_knockout: true}}\n"),
               "19:82: consolidation.populations.Q.bdnf_knockout: no late-phase projection reaches "
               "\"Q\" (plasticity: {late_phase: true}), so it has no BDNF to knock out");
  expect_error(variant("late_phase: true", "late_phase: false",
                       "consolidation:\n  populations: {P: {bdnf_knockout: true}}\n"),
               "18:36: consolidation.populations.P.bdnf_knockout: no late-phase projection reaches "
               "\"P\" (plasticity: {late_phase: true}), so it has no BDNF to knock out");
  expect_error(
      variant("late_phase: true", "late_phase: false", "consolidation:\n  bdnf_knockout: true\n"),
      "18:18: consolidation.bdnf_knockout: no projection has a late phase (plasticity: "
      "{late_phase: true}), so there is no BDNF to knock out");
  /* fine: false anywhere; true where a late phase arrives, and the global knock-out with one */
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  const char *ok = variant("  P: {model: lif_cond, size: 2}\n", two,
                           "consolidation:\n  bdnf_knockout: true\n  populations: {P: "
                           "{mtorc1_block: true}, Q: {mtorc1_block: false, bdnf_knockout: "
                           "false}}\n");
  if (fs_experiment_load(ok, NULL, 0, &spec, &err) != FS_OK) fail_msg("%s", err.msg);
  assert_true(spec->pops[0].mtorc1_block && !spec->pops[1].mtorc1_block);
  assert_true(spec->pops[0].bdnf_knockout && spec->pops[1].bdnf_knockout); /* every population */
  fs_experiment_free(spec);
  spec = NULL;
  ok = variant("late_phase: true", "late_phase: false", "consolidation:\n  bdnf_knockout: false\n");
  if (fs_experiment_load(ok, NULL, 0, &spec, &err) != FS_OK) fail_msg("%s", err.msg);
  fs_experiment_free(spec);
}

/* An override of the schedule is read and checked like the file. */
static void test_schedule_override(void **state) {
  (void)state;
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  const char *ok[] = {"simulation.schedule=[{fast: 2 s}, {slow: 1 h}]"};
  assert_int_equal(fs_experiment_load(variant(NULL, NULL, NULL), ok, 1, &spec, &err), FS_OK);
  assert_int_equal(spec->n_phases, 2);
  assert_int_equal(spec->n_steps, 20000 + 36000000);
  fs_experiment_free(spec);
  const char *bad[] = {"simulation.schedule=[{fast: 2 s}, {slow: 0.1 s}]"};
  assert_int_equal(fs_experiment_load(variant(NULL, NULL, NULL), bad, 1, &spec, &err),
                   FS_ERR_INPUT);
  assert_null(spec);
  fs_assert_msg(err, "--set 'simulation.schedule=[{fast: 2 s}, {slow: 0.1 s}]': "
                     "simulation.schedule[1].slow: a slow phase must last at least 1 s, got 0.1 s");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_schedule),    cmocka_unit_test(test_schedule_errors),
      cmocka_unit_test(test_late_phase_errors), cmocka_unit_test(test_consolidation_errors),
      cmocka_unit_test(test_schedule_override), cmocka_unit_test(test_switch_without_late_phase),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
