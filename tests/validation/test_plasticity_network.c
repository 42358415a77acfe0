/* test_plasticity_network.c - Graupner-Brunel synapses inside a running network: the engine's
 * event-driven synapse equals the single-synapse computation, a blocked NMDA receptor (APV)
 * abolishes the change (docs/model.md §8 row 7), post_glu makes the change input-specific, and the
 * result is the same for any thread count. */
#include "fs_test.h"
#include "h5_read.h"
#include "test_util.h"

#include <fearsim/engine.h>
#include <fearsim/experiment.h>
#include <fearsim/gb.h>
#include <fearsim/network.h>

#include <hdf5.h>

/* One input unit -> one neuron that cannot fire, through one plastic ampa_nmda synapse that
 * starts DOWN; a train of n pulses at rate f, then one last pulse at 1.9 s. */
/* The efficacy rho and calcium of every synapse of plastic projection k (canonical order). */
static fs_status get_rho_ca(const fs_network *net, size_t k, double *rho, double *ca) {
  fs_status st = fs_network_get_synapse_field(net, k, "rho", rho, NULL);
  return st == FS_OK ? fs_network_get_synapse_field(net, k, "calcium", ca, NULL) : st;
}

static const char *experiment(int n, double f, const char *drugs) {
  static char yaml[8192];
  int k = snprintf(yaml, sizeof yaml,
                   "seed: 4\nsimulation: {duration: 2 s}\n"
                   "populations:\n  P: {model: lif_cond, size: 1, params: {V_th: 100 mV}}\n"
                   "inputs:\n  pre:\n    type: spike_times\n    size: 1\n    times: [");
  for (int i = 0; i < n && 0.1 + i / f < 1.9; i++) /* a spike after the run is refused */
    k += snprintf(yaml + k, sizeof yaml - (size_t)k, "%g s, ", 0.1 + i / f);
  k += snprintf(yaml + k, sizeof yaml - (size_t)k,
                "1.9 s]\nprojections:\n"
                "  - {from: pre, to: P, receptor: ampa_nmda, nmda_ratio: 0.5, weight: 0.1 nS,"
                " delay: 1 ms, connect: {rule: all_to_all},"
                " plasticity: {rule: graupner_brunel, preset: cortical, up_fraction: 0,"
                " params: {sigma: 0}}}\n%s",
                drugs ? drugs : "");
  return fs_test_write("plastic.yaml", yaml);
}

static fs_network *run(const char *path, size_t threads, fs_experiment_spec **spec) {
  fs_error err = {0};
  fs_network *net = NULL;
  fs_engine *eng = NULL;
  if (fs_experiment_load(path, NULL, 0, spec, &err) != FS_OK) fail_msg("%s", err.msg);
  assert_int_equal(fs_network_create(*spec, threads, &net, &err), FS_OK);
  assert_int_equal(fs_engine_create(net, NULL, &eng, &err), FS_OK);
  assert_int_equal(fs_engine_run(eng, &err), FS_OK);
  fs_engine_free(eng);
  return net;
}

static void final_state(const char *path, double *rho, double *ca) {
  fs_experiment_spec *spec = NULL;
  fs_network *net = run(path, 1, &spec);
  assert_int_equal(get_rho_ca(net, 0, rho, ca), FS_OK);
  fs_network_free(net);
  fs_experiment_free(spec);
}

/* The same train through fs_gb_advance: each calcium jump at emission + delay + D, the state
 * read at the last emission (1.9 s). */
static double expected_rho(int n, double f) {
  fs_gb_params p;
  fs_gb_preset("cortical", &p, NULL);
  p.sigma = 0;
  fs_gb_state s = {0.0, 0.0};
  const double dt = 1e-4, lag = 1e-3 + llround(p.delay_pre / dt) * dt;
  double t = 0;
  for (int i = 0; i < n; i++) {
    double at = llround((0.1 + i / f) / dt) * dt + lag;
    fs_gb_advance(&p, &s, at - t, NULL);
    s.c += p.c_pre;
    t = at;
  }
  fs_gb_advance(&p, &s, 1.9 - t, NULL);
  return s.rho;
}

static void test_engine_equals_single_synapse(void **state) {
  (void)state;
  double rho, ca;
  final_state(experiment(100, 200.0, NULL), &rho, &ca);
  double want = expected_rho(100, 200.0);
  assert_true(want > 0.3); /* 200 Hz potentiates (test_gb.c explains why) */
  fs_assert_close(rho, want, 1e-9, 1e-12);
  final_state(experiment(100, 10.0, NULL), &rho, &ca);
  assert_true(rho == 0.0); /* 10 Hz never reaches theta_d */
}

/* docs/model.md §8 row 7: with the NMDA receptors blocked by APV the calcium stays far below the
 * thresholds and the train changes nothing. */
static void test_apv_abolishes_plasticity(void **state) {
  (void)state;
  double rho, ca;
  final_state(experiment(100, 200.0,
                         "drugs: [{drug: apv, route: local, concentration: 50 uM, "
                         "populations: [P], at: 0 s, duration: 2 s}]\n"),
              &rho, &ca);
  assert_true(rho == 0.0);
}

/* A neuron driven to fire at 50 Hz for 1 s, with two plastic synapses that start DOWN: one
 * whose input fires at 20 Hz meanwhile, one whose input is silent until after the drive. */
static const char *heterosynaptic(double post_glu) {
  static char yaml[4096];
  char active[1024] = "", drive[1024] = "";
  int ka = 0, kd = 0;
  for (int i = 0; i < 20; i++)
    ka +=
        snprintf(active + ka, sizeof active - (size_t)ka, "%s%g s", i ? ", " : "", 0.2 + i * 0.05);
  for (int i = 0; i < 50; i++)
    kd += snprintf(drive + kd, sizeof drive - (size_t)kd, "%s%g s", i ? ", " : "", 0.2 + i * 0.02);
  char plastic[256];
  snprintf(plastic, sizeof plastic,
           "plasticity: {rule: graupner_brunel, preset: cortical, up_fraction: 0,"
           " params: {sigma: 0, post_glu: %g}}",
           post_glu);
  snprintf(yaml, sizeof yaml,
           "seed: 4\nsimulation: {duration: 2 s}\n"
           "populations:\n  P: {model: lif_cond, size: 1}\n"
           "inputs:\n"
           "  active: {type: spike_times, size: 1, times: [%s]}\n"
           "  silent: {type: spike_times, size: 1, times: [1.9 s]}\n"
           "  drive: {type: spike_times, size: 1, times: [%s]}\n"
           "projections:\n"
           "  - {from: active, to: P, receptor: ampa_nmda, nmda_ratio: 0.5, weight: 0.1 nS,"
           " delay: 1 ms, connect: {rule: all_to_all}, %s}\n"
           "  - {from: silent, to: P, receptor: ampa_nmda, nmda_ratio: 0.5, weight: 0.1 nS,"
           " delay: 1 ms, connect: {rule: all_to_all}, %s}\n"
           "  - {from: drive, to: P, receptor: ampa, weight: 100 nS, delay: 1 ms,"
           " connect: {rule: all_to_all}}\n",
           active, drive, plastic, plastic);
  return fs_test_write("hetero.yaml", yaml);
}

static void efficacies(const char *path, double rho[2]) {
  fs_experiment_spec *spec = NULL;
  fs_network *net = run(path, 1, &spec);
  double ca;
  for (size_t k = 0; k < 2; k++)
    assert_int_equal(get_rho_ca(net, k, &rho[k], &ca), FS_OK);
  fs_network_free(net);
  fs_experiment_free(spec);
}

/* GB2012's postsynaptic calcium reaches every synapse of the neuron, so strong postsynaptic
 * firing potentiates a silent synapse too (heterosynaptic); with post_glu 1 that calcium needs
 * transmitter bound at the synapse: the silent synapse stays exactly where it was and the
 * active one still potentiates. */
static void test_post_glu_input_specific(void **state) {
  (void)state;
  double open[2], bound[2];
  efficacies(heterosynaptic(0.0), open);
  efficacies(heterosynaptic(1.0), bound);
  assert_true(open[1] > 0.05);
  assert_true(bound[1] == 0.0);
  assert_true(open[0] > 0.05);
  assert_true(bound[0] > 0.05);
}

/* A recurrent network with plastic E->E synapses, driven by noise: rho and calcium of every
 * synapse bit-identical for 1 and 3 threads; efficacies stay in [0, 1]. */
static void test_thread_independent(void **state) {
  (void)state;
  const char *path = fs_test_write(
      "net.yaml", "seed: 9\nsimulation: {duration: 0.5 s}\n"
                  "populations:\n  E: {model: lif_cond, size: 120}\n"
                  "inputs:\n  bg: {type: poisson, size: 100, rate: 20 Hz}\n"
                  "projections:\n"
                  "  - {from: E, to: E, receptor: ampa_nmda, nmda_ratio: 0.3, weight: 1 nS,"
                  " delay: 1 ms, connect: {rule: fixed_probability, p: 0.2},"
                  " plasticity: {rule: graupner_brunel, preset: dp}}\n"
                  "  - {from: bg, to: E, receptor: ampa, weight: 3 nS,"
                  " connect: {rule: fixed_indegree, indegree: 40}}\n");
  fs_experiment_spec *s1 = NULL, *s3 = NULL;
  fs_network *n1 = run(path, 1, &s1), *n3 = run(path, 3, &s3);
  uint64_t n = fs_network_projection_size(n1, 0);
  assert_true(n > 1000);
  double *r1 = malloc(n * sizeof *r1), *r3 = malloc(n * sizeof *r3);
  double *c1 = malloc(n * sizeof *c1), *c3 = malloc(n * sizeof *c3);
  assert_int_equal(get_rho_ca(n1, 0, r1, c1), FS_OK);
  assert_int_equal(get_rho_ca(n3, 0, r3, c3), FS_OK);
  assert_memory_equal(r1, r3, n * sizeof *r1);
  assert_memory_equal(c1, c3, n * sizeof *c1);
  int moved = 0;
  for (uint64_t k = 0; k < n; k++) {
    assert_true(r1[k] >= 0.0 && r1[k] <= 1.0);
    moved += r1[k] != 0.0 && r1[k] != 1.0;
  }
  assert_true(moved > 0); /* the activity changed some efficacies */
  free(r1);
  free(r3);
  free(c1);
  free(c3);
  fs_network_free(n1);
  fs_network_free(n3);
  fs_experiment_free(s1);
  fs_experiment_free(s3);
}

/* Snapshots through the command line: the synapses' state at the chosen times, the same for
 * 1 and 2 threads, taken without changing the run (spikes equal with and without them). */
static void test_snapshots(void **state) {
  (void)state;
  const char *path = fs_test_write(
      "snap.yaml", "seed: 9\nsimulation: {duration: 0.4 s}\n"
                   "populations:\n  E: {model: lif_cond, size: 120}\n"
                   "inputs:\n  bg: {type: poisson, size: 100, rate: 20 Hz}\n"
                   "projections:\n"
                   "  - {name: EE, from: E, to: E, receptor: ampa_nmda, nmda_ratio: 0.3,"
                   " weight: 1 nS, delay: 1 ms, connect: {rule: fixed_probability, p: 0.2},"
                   " plasticity: {rule: graupner_brunel, preset: dp}}\n"
                   "  - {from: bg, to: E, receptor: ampa, weight: 3 nS,"
                   " connect: {rule: fixed_indegree, indegree: 40}}\n");
  char out[4][256];
  const char *opts[] = {"--threads 1 --set 'record.snapshots=[0.2 s, 0.4 s]'",
                        "--threads 2 --set 'record.snapshots=[0.2 s, 0.4 s]'", "--threads 2", NULL};
  for (int i = 0; opts[i]; i++) {
    snprintf(out[i], sizeof out[i], "%s/snap%d.h5", fs_test_dir, i);
    FS_TEST_RUN(path, out[i], opts[i]);
  }
  const char *names[] = {"/snapshots/1/EE/rho", "/snapshots/1/EE/calcium", "/snapshots/0/EE/weight",
                         "/snapshots/1/bg->E/weight"};
  for (int k = 0; k < 4; k++) {
    size_t n1 = 0, n2 = 0;
    unsigned char *a = h5_read_raw(out[0], names[k], &n1), *b = h5_read_raw(out[1], names[k], &n2);
    assert_true(a && b && n1 == n2 && n1 > 0);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
  }
  size_t n1 = 0, n2 = 0;
  unsigned char *a = h5_read_raw(out[1], "/spikes/E/node_ids", &n1);
  unsigned char *b = h5_read_raw(out[2], "/spikes/E/node_ids", &n2);
  assert_true(a && b && n1 == n2);
  assert_memory_equal(a, b, n1);
  free(a);
  free(b);
  size_t n = 0;
  assert_null(h5_read_raw(out[1], "/snapshots/0/bg->E/rho", &n)); /* not plastic: no rho */
  /* the timeline's last mean rho is the mean of the last snapshot's */
  double *tl = (double *)h5_read_raw(out[1], "/timeline/rho_EE", &n);
  size_t m = 0;
  double *snap = (double *)h5_read_raw(out[1], "/snapshots/1/EE/rho", &m);
  assert_true(tl && snap && n > 0 && m > 0);
  double mean = 0;
  for (size_t k = 0; k < m / sizeof(double); k++)
    mean += snap[k];
  mean /= (double)(m / sizeof(double));
  fs_assert_close(tl[n / sizeof(double) - 1], mean, 1e-3, 0.0);
  free(tl);
  free(snap);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_engine_equals_single_synapse),
      cmocka_unit_test(test_apv_abolishes_plasticity),
      cmocka_unit_test(test_post_glu_input_specific),
      cmocka_unit_test(test_thread_independent),
      cmocka_unit_test(test_snapshots),
  };
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
