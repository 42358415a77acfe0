/* test_drug_block.c - docs/model.md §8 rows 2–4 and the APV factor, on NMDA synapse agents inside
 * a running network: ketamine's block grows with receptor activations and not with time at
 * rest, stays trapped after washout until channels open (MK-801 far longer than ketamine),
 * is smaller at depolarised potentials; APV scales NMDA transmission by K_i/(K_i + [APV]); the
 * agents' gating. */
#include "fs_test.h"
#include "test_util.h"

#include <fearsim/drug.h>
#include <fearsim/engine.h>
#include <fearsim/experiment.h>
#include <fearsim/network.h>
#include <fearsim/nmda.h>

#include "network_impl.h"

/* One input unit -> one neuron through one NMDA synapse (no AMPA: the neuron stays near
 * rest), with a drug entry and optional holding current. */
static fs_network *run(const char *times, const char *drug, const char *extra, int threads,
                       fs_experiment_spec **spec_out) {
  char yaml[4096];
  snprintf(yaml, sizeof yaml,
           "simulation: {duration: %s}\n"
           "populations:\n  P: {model: lif_cond, size: 1, params: {V_th: 100 mV}}\n"
           "inputs:\n  pre: {type: spike_times, size: 1, times: [%s]}\n"
           "projections:\n  - {from: pre, to: P, receptor: nmda, connect: {rule: all_to_all},"
           " weight: 1 nS, delay: 1 ms}\n"
           "drugs:\n  - %s\n%s",
           "12 s", times, drug, extra);
  const char *path = fs_test_write("exp.yaml", yaml);
  assert_non_null(path);
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  fs_network *net = NULL;
  fs_engine *eng = NULL;
  if (fs_experiment_load(path, NULL, 0, &spec, &err) != FS_OK) fail_msg("%s", err.msg);
  assert_int_equal(fs_network_create(spec, (size_t)threads, &net, &err), FS_OK);
  assert_int_equal(fs_engine_create(net, NULL, &eng, &err), FS_OK);
  assert_int_equal(fs_engine_run(eng, &err), FS_OK);
  fs_engine_free(eng);
  *spec_out = spec;
  return net;
}

static double final_block(const char *times, const char *drug, const char *extra) {
  fs_experiment_spec *spec = NULL;
  fs_network *net = run(times, drug, extra, 1, &spec);
  double b = -1;
  fs_error err = {0};
  assert_int_equal(fs_network_get_nmda_block(net, 0, &b, &err), FS_OK);
  fs_network_free(net);
  fs_experiment_free(spec);
  return b;
}

#define KETAMINE_10UM                                                                              \
  "{drug: ketamine, route: local, concentration: 10 uM, populations: [P], "                        \
  "at: 0 s, duration: 12 s}"

/* Row 2: block grows with activations, not with time at rest. */
static void test_use_dependence(void **state) {
  (void)state;
  double two = final_block("0.1 s, 3 s", KETAMINE_10UM, "");
  double two_late = final_block("0.1 s, 9 s", KETAMINE_10UM, "");
  double many = final_block("0.1 s, 0.2 s, 0.3 s, 0.4 s, 0.5 s, 0.6 s, 0.7 s, 0.8 s, 0.9 s, 3 s",
                            KETAMINE_10UM, "");
  assert_true(two > 0.0);
  fs_assert_close(two_late, two, 1e-6, 0.0); /* six more seconds at rest change nothing */
  assert_true(many > 5.0 * two);             /* nine openings block far more than one */
  /* one complete opening: open time p_open * N * (tau_d - tau_r), then the closed form */
  fs_nmda_kinetics k = fs_nmda_kinetics_make(2e-3, 100e-3, 0.3);
  fs_drug_params p;
  fs_block_coeffs bc;
  fs_drug_defaults(fs_drug_find("ketamine", NULL), &p);
  assert_int_equal(fs_drug_block_init(fs_drug_find("ketamine", NULL), &p, 1.0, &bc, NULL), FS_OK);
  double open = 0.3 * k.norm * (100e-3 - 2e-3);
  double expected = fs_drug_block_advance(&bc, 0.0, open, 2.9 - open, 10e-3, -70e-3);
  fs_assert_close(two, expected, 0.05, 0.0); /* V sits near, not at, -70 mV */
}

/* The gating a plastic synapse reads for post_glu: 1 at the peak after one release, 0 just
 * before a release already added, and the traces of fs_nmda_agent_bind the same, bit for bit,
 * as those of fs_nmda_agent_arrive without a drug. */
static void test_gating(void **state) {
  (void)state;
  const double dt = 1e-4, tr = 2e-3, td = 100e-3;
  fs_nmda_kinetics k = fs_nmda_kinetics_make(tr, td, 0.3);
  fs_block_coeffs none;
  fs_drug_block_none(&none);
  fs_nmda_agent a = {0}, b = {0};
  fs_nmda_agent_bind(&a, &k, 100, dt);
  fs_nmda_agent_arrive(&b, &k, &none, 100, dt, 0.0, -70e-3, 1.0);
  assert_memory_equal(&a.x_rise, &b.x_rise, sizeof a.x_rise);
  assert_memory_equal(&a.x_decay, &b.x_decay, sizeof a.x_decay);
  double t_peak = td * tr / (td - tr) * log(td / tr);
  int64_t peak = 100 + llround(t_peak / dt);
  fs_assert_close(fs_nmda_agent_gating(&a, &k, peak, dt), 1.0, 1e-3, 0.0);
  assert_true(fs_nmda_agent_gating(&a, &k, peak + 1, dt) < 1.0);
  fs_assert_close(fs_nmda_agent_gating(&a, &k, 95, dt), 0.0, 0.0, 1e-12);
  fs_assert_close(fs_nmda_agent_gating(&a, &k, 100 + llround(1.0 / dt), dt), 0.0, 0.0, 1e-4);
  /* a second release 10 ms after the first: before it, the first one's gating alone */
  double first = fs_nmda_agent_gating(&a, &k, 150, dt);
  fs_nmda_agent_bind(&a, &k, 200, dt);
  fs_nmda_agent_arrive(&b, &k, &none, 200, dt, 0.0, -70e-3, 1.0);
  assert_memory_equal(&a.x_decay, &b.x_decay, sizeof a.x_decay);
  fs_assert_close(fs_nmda_agent_gating(&a, &k, 150, dt), first, 1e-12, 0.0);
}

/* Row 3: trapping after washout; MK-801 unblocks far more slowly than ketamine. */
static double block_after_washout(const char *drug_name, double *at_washout) {
  char drug[256];
  snprintf(drug, sizeof drug,
           "{drug: %s, route: local, concentration: 10 uM, populations: [P], at: 0 s, "
           "duration: 2 s}",
           drug_name);
  const char *loading = "0.1 s, 0.2 s, 0.3 s, 0.4 s, 0.5 s, 0.6 s, 0.7 s, 0.8 s, 0.9 s, 1 s";
  char times[2048];
  /* at washout: the next arrival after a long closed period */
  snprintf(times, sizeof times, "%s, 6 s", loading);
  *at_washout = final_block(times, drug, "");
  /* then 40 openings without drug */
  int n = snprintf(times, sizeof times, "%s, 6 s", loading);
  for (int i = 1; i <= 40; i++)
    n += snprintf(times + n, sizeof times - (size_t)n, ", %g s", 6.0 + 0.1 * i);
  return final_block(times, drug, "");
}

static void test_trapping(void **state) {
  (void)state;
  double ket0, mk0;
  double ket = block_after_washout("ketamine", &ket0);
  double mk = block_after_washout("mk801", &mk0);
  double ket_loaded = final_block("0.1 s, 0.2 s, 0.3 s, 0.4 s, 0.5 s, 0.6 s, 0.7 s, 0.8 s, "
                                  "0.9 s, 1 s, 1.5 s",
                                  KETAMINE_10UM, "");
  assert_true(ket0 > 0.1);
  /* four seconds closed without drug: the block stayed (only the last opening's tail) */
  fs_assert_close(ket0, ket_loaded, 0.05, 0.0);
  /* openings without drug release it: ketamine loses much, MK-801 almost nothing */
  assert_true(ket < 0.9 * ket0);
  assert_true(mk > 0.99 * mk0);
  assert_true((ket0 - ket) / ket0 > 20.0 * (mk0 - mk) / mk0);
}

/* Row 4: less block at depolarised potentials (holding currents, threshold out of reach). */
static void test_voltage_dependence(void **state) {
  (void)state;
  /* 200 openings at 1 uM approach the steady block, which Woodhull's k_off(V) sets */
  char times[4096];
  int n = 0;
  for (int i = 0; i < 200; i++)
    n += snprintf(times + n, sizeof times - (size_t)n, "%s%g s", i ? ", " : "", 0.05 * (i + 1));
  const char *drug = "{drug: ketamine, route: local, concentration: 1 uM, populations: [P], "
                     "at: 0 s, duration: 12 s}";
  double hyper = final_block(times, drug, "currents: [{population: P, amplitude: -0.167 nA}]\n");
  double depol = final_block(times, drug, "currents: [{population: P, amplitude: 0.835 nA}]\n");
  assert_true(hyper > 0.2);
  assert_true(depol < 0.6 * hyper);
}

/* APV: the NMDA conductance an arrival adds is scaled by K_i / (K_i + [APV]). */
static double nmda_trace_after_one_arrival(const char *drug) {
  fs_experiment_spec *spec = NULL;
  fs_network *net = run("0.1 s", drug, "", 1, &spec);
  int idx = fs_neuron_model_state_index(net->pops[0].model, "nmda_decay");
  double x = net->pops[0].state[idx][0];
  fs_network_free(net);
  fs_experiment_free(spec);
  return x;
}

static void test_apv_factor(void **state) {
  (void)state;
  double control = nmda_trace_after_one_arrival(
      "{drug: saline, route: iv_bolus, dose: 1 mg, at: 0 s}\nsubject: {species: rat}");
  double apv = nmda_trace_after_one_arrival(
      "{drug: apv, route: local, concentration: 50 uM, populations: [P], at: 0 s, "
      "duration: 12 s}");
  fs_drug_params p;
  fs_drug_defaults(fs_drug_find("apv", NULL), &p);
  assert_true(control > 0);
  fs_assert_close(apv / control, p.k_i / (p.k_i + 50e-3), 1e-12, 0.0);
}

/* Blocks in a random network are the same for 1 and 3 threads. */
static void test_block_thread_independent(void **state) {
  (void)state;
  const char *extra = "  E: {model: lif_cond, size: 60}\n"; /* unused here */
  (void)extra;
  fs_experiment_spec *s1 = NULL, *s3 = NULL;
  const char *times = "0.1 s, 0.15 s, 0.2 s, 0.5 s";
  fs_network *n1 = run(times, KETAMINE_10UM, "", 1, &s1);
  fs_network *n3 = run(times, KETAMINE_10UM, "", 3, &s3);
  double b1 = 0, b3 = 0;
  assert_int_equal(fs_network_get_nmda_block(n1, 0, &b1, NULL), FS_OK);
  assert_int_equal(fs_network_get_nmda_block(n3, 0, &b3, NULL), FS_OK);
  assert_memory_equal(&b1, &b3, sizeof b1);
  fs_network_free(n1);
  fs_network_free(n3);
  fs_experiment_free(s1);
  fs_experiment_free(s3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_use_dependence),           cmocka_unit_test(test_trapping),
      cmocka_unit_test(test_voltage_dependence),       cmocka_unit_test(test_apv_factor),
      cmocka_unit_test(test_block_thread_independent), cmocka_unit_test(test_gating),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
