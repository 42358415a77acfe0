/* test_checkpoint.c - checkpoint and resume through the CLI. A run stopped at a chosen point
 * (--test-stop-at, which stops as SIGTERM does, at a point that is the same every time) exits
 * 75 with a checkpoint in its .partial, and `fearsim resume` with another thread count then
 * writes a file equal to an uninterrupted run's in every dataset and attribute: a plastic
 * network with the late phase, spine turnover, a drug, slow phases and snapshots (stopped in
 * either fast phase, in either slow phase and at the boundary between two phases), a run
 * stopped and resumed four times, and a protocol with trials and freezing (test_signals.c has
 * the runs stopped by a real SIGTERM or killed by SIGKILL). Checkpoints at every chance do not
 * change the result, and a result holds no /checkpoint. Bad input to resume exits 2 with the exact
 * message and changes nothing. */
#define _XOPEN_SOURCE 700 /* realpath */

#include "fs_test.h"

#include "checkpoint_run.h"

#include <errno.h>
#include <limits.h>

/* A plastic network with every kind of state: Poisson and spike-time inputs, LIF and AdEx
 * neurons, fixed and variable delays, NMDA agents under ketamine, early and late plasticity
 * with a spine pool, BDNF and PRP; 0.2 s fast, 1 h slow, 0.2 s fast, 30 min slow. */
static const char plastic_yaml[] =
    "name: ckpt_plastic\n"
    "seed: 7\n"
    "simulation:\n"
    "  dt: 0.1 ms\n"
    "  slow_step: 10 min\n"
    "  schedule: [{fast: 0.2 s}, {slow: 1 h}, {fast: 0.2 s}, {slow: 30 min}]\n"
    "subject: {species: rat, body_weight: 0.3 kg}\n"
    "drugs:\n"
    "  - {drug: ketamine, route: intraperitoneal, dose: 10 mg/kg, at: 10 min}\n"
    "populations:\n"
    "  E: {model: lif_cond, size: 40}\n"
    "  I: {model: adex_cond, size: 10}\n"
    "inputs:\n"
    "  drive: {type: poisson, size: 60, rate: 30 Hz}\n"
    "  tetanus: {type: periodic, size: 10, rate: 100 Hz, start: 0.05 s, count: 10}\n"
    "projections:\n"
    "  - {from: drive, to: E, receptor: ampa, connect: {rule: fixed_indegree, indegree: 20},\n"
    "     weight: 2 nS}\n"
    "  - {from: drive, to: I, receptor: ampa, connect: {rule: fixed_indegree, indegree: 20},\n"
    "     weight: 8 nS, delay: {uniform: {low: 0.5 ms, high: 3 ms}}}\n"
    "  - {from: I, to: E, receptor: gaba_a, connect: {rule: fixed_probability, p: 0.5},\n"
    "     weight: 1 nS}\n"
    "  - {from: E, to: E, receptor: nmda, connect: {rule: fixed_probability, p: 0.1},\n"
    "     weight: 0.2 nS, delay: {uniform: {low: 1 ms, high: 5 ms}}}\n"
    "  - from: tetanus\n"
    "    to: E\n"
    "    receptor: ampa_nmda\n"
    "    nmda_ratio: 0.5\n"
    "    connect: {rule: all_to_all}\n"
    "    weight: 0.5 nS\n"
    "    plasticity: {rule: graupner_brunel, preset: stc, late_phase: true, spines: {reserve: "
    "1}}\n"
    "record:\n"
    "  timeline: 10 ms\n"
    "  timeline_slow: 10 min\n"
    "  snapshots: [0 s, 0.1 s, 30 min, 1.5 h]\n";

/* Conditioning (two CS-US pairings) on day 1 and recall on day 2, with a plastic CS synapse
 * whose postsynaptic calcium needs transmitter bound (post_glu: its NMDA gating is kept without
 * a drug, and must survive a checkpoint). */
static const char protocol_yaml[] =
    "name: ckpt_protocol\n"
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
    "                                params: {post_glu: 1}}}\n"
    "  - {from: US, to: LA, receptor: ampa, connect: {rule: all_to_all}, weight: 3 nS}\n"
    "  - {from: ctx_A, to: LA, receptor: ampa, connect: {rule: all_to_all}, weight: 1 nS}\n"
    "readout: {population: LA, half: 15 Hz, slope: 3 Hz}\n"
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
    "    - {day: 2, sessions: [{name: recall, time: '10:00', context: A, trials: 1, us: none}]}\n"
    "record: {rate_bin: 10 ms, timeline: 10 ms, timeline_slow: 1 h}\n";

/* Long enough to be stopped (the first chance is after 128 steps). */
#define QUICK_YAML(weight)                                                                         \
  "simulation: {dt: 0.1 ms, duration: 50 ms}\n"                                                    \
  "populations:\n"                                                                                 \
  "  E: {model: lif_cond, size: 10}\n"                                                             \
  "projections:\n"                                                                                 \
  "  - {from: E, to: E, receptor: ampa, connect: {rule: all_to_all}, weight: " weight              \
  ", delay: 1 ms}\n"

/* Writes an experiment into the test folder; the path stays valid (one buffer per k). */
static const char *experiment(int k, const char *name, const char *text) {
  static char buf[4][256];
  const char *path = fs_test_write(name, text);
  assert_non_null(path);
  snprintf(buf[k], sizeof buf[k], "%s", path);
  return buf[k];
}

/* --- stop, resume, compare ---------------------------------------------------------------- */

/* Datasets of the plastic run: spikes (8), rates (5), timeline (14), four snapshots of the
 * five projections (2 x 3 + 2 x 4 + 8 fields = 22 each). */
#define PLASTIC_DATASETS 110

static void test_plastic_stops(void **state) {
  (void)state;
  const char *exp = experiment(0, "plastic.yaml", plastic_yaml);
  const char *ref = test_path(1, "plastic_ref.h5");
  run_ref(exp, ref, "1", NULL);
  /* in the first fast phase; in the first slow phase; where it ends (3600.2 s) and the second
   * fast phase begins; in the second fast phase; in the last slow phase */
  const char *at[] = {"0.05 s", "1000 s", "3600.2 s", "3600.3 s", "4000 s"};
  const char *threads[] = {"2", "1", "2", "3", "1"};
  for (int k = 0; k < 5; k++) {
    char name[32];
    snprintf(name, sizeof name, "plastic_%d.h5", k);
    const char *out = test_path(2, name);
    run_stopped(exp, out, "1", at[k]);
    resume(out, threads[k], NULL, NULL);
    assert_same(ref, out, PLASTIC_DATASETS);
  }
}

/* Stopped and resumed four times, with 1, 3, 2 and 1 threads, the last part checkpointing at
 * every chance. */
static void test_resumed_run_stops_again(void **state) {
  (void)state;
  const char *exp = experiment(0, "plastic.yaml", plastic_yaml);
  const char *ref = test_path(1, "chain_ref.h5"), *out = test_path(2, "chain.h5");
  run_ref(exp, ref, "2", NULL);
  run_stopped(exp, out, "1", "0.1 s");
  const char *at[] = {"0.15 s", "2000 s", "3600.35 s"};
  const char *threads[] = {"3", "2", "1"};
  for (int k = 0; k < 3; k++) {
    const char *args[] = {"resume",  partial_of(out),  "--threads", threads[k],
                          "--quiet", "--test-stop-at", at[k],       NULL};
    cli_result r;
    cli_run(args, &r);
    assert_stopped(&r, out, "by --test-stop-at");
  }
  resume(out, "1", "--checkpoint-every", "1 us");
  assert_same(ref, out, PLASTIC_DATASETS);
}

/* A checkpoint at every chance (each 64 steps, each slow event) changes nothing. */
static void test_periodic_checkpoints(void **state) {
  (void)state;
  const char *exp = experiment(0, "plastic.yaml", plastic_yaml);
  const char *ref = test_path(1, "periodic_ref.h5"), *out = test_path(2, "periodic.h5");
  run_ref(exp, ref, "1", NULL);
  const char *args[] = {"run",  exp,         "-o", out,       "--checkpoint-every",
                        "1 us", "--threads", "2",  "--quiet", NULL};
  run_ok(args);
  assert_false(file_exists(partial_of(out)));
  assert_same(ref, out, PLASTIC_DATASETS);
}

/* The trials, their rates and freezing, across the conditioning session, the night between
 * the days and the recall session. */
static void test_protocol_stops(void **state) {
  (void)state;
  const char *exp = experiment(0, "protocol.yaml", protocol_yaml);
  const char *ref = test_path(1, "protocol_ref.h5");
  run_ref(exp, ref, "1", NULL);
  const char *at[] = {"36000.8 s", "80000 s", "122400.6 s"};
  for (int k = 0; k < 3; k++) {
    char name[32];
    snprintf(name, sizeof name, "protocol_%d.h5", k);
    const char *out = test_path(2, name);
    run_stopped(exp, out, "1", at[k]);
    resume(out, k == 1 ? "2" : "1", NULL, NULL);
    assert_same(ref, out, 30);
  }
}

/* --- bad input: exit 2, the message, nothing changed --------------------------------------- */

/* The bytes of a file (malloc'ed), to tell that nothing changed it. */
static unsigned char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc(*n + 1);
  assert_int_equal(fread(b, 1, *n, f), *n);
  fclose(f);
  return b;
}

/* fearsim resume path exits 2 with exactly "fearsim: <message>\n", leaves path as it was and
 * writes no result. */
static void assert_refused(const char *path, const char *message) {
  size_t n0 = 0, n1 = 0;
  unsigned char *before = file_exists(path) ? slurp(path, &n0) : NULL;
  const char *args[] = {"resume", path, "--quiet", NULL};
  cli_result r;
  cli_run(args, &r);
  char expected[2048];
  snprintf(expected, sizeof expected, "fearsim: %s\n", message);
  if (r.status != 2) fail_msg("exit code %d, expected 2; stderr:\n%s", r.status, r.err);
  assert_string_equal(r.err, expected);
  if (before) {
    unsigned char *after = slurp(path, &n1);
    assert_true(n0 == n1 && memcmp(before, after, n0) == 0);
    free(after);
  }
  free(before);
}

/* Replaces attribute name of checkpoint slot a (written anew: HDF5 1.10 leaves a string
 * attribute as it was when it is written over in place). */
static void set_attr(const char *path, const char *obj, const char *name, hid_t type,
                     const void *value) {
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(f >= 0);
  assert_true(H5Adelete_by_name(f, obj, name, H5P_DEFAULT) >= 0);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate_by_name(f, obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(a >= 0);
  assert_true(H5Awrite(a, type, value) >= 0);
  H5Aclose(a);
  H5Sclose(sp);
  assert_true(H5Fclose(f) >= 0);
}

static void set_slot_attr(const char *path, const char *name, hid_t type, const void *value) {
  set_attr(path, "/checkpoint/a", name, type, value);
}

static void copy_file(const char *from, const char *to) {
  size_t n = 0;
  unsigned char *b = slurp(from, &n);
  FILE *f = fopen(to, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, n, f), n);
  fclose(f);
  free(b);
}

static void test_not_a_checkpoint(void **state) {
  (void)state;
  char msg[1024];
  const char *missing = test_path(0, "missing.h5.partial");
  snprintf(msg, sizeof msg, "cannot open \"%s\": no such file", missing);
  assert_refused(missing, msg);
  const char *text = fs_test_write("text.h5.partial", "half a file");
  snprintf(msg, sizeof msg, "\"%s\" is not a fearsim checkpoint: not an HDF5 file", text);
  assert_refused(text, msg);
  /* a finished result (without a .partial beside it, OUT.h5 is taken as it is) */
  const char *exp = experiment(0, "quick.yaml", QUICK_YAML("1 nS"));
  const char *done = test_path(1, "done.h5");
  run_ref(exp, done, "1", NULL);
  snprintf(msg, sizeof msg, "\"%s\" is not a fearsim checkpoint: it has no /checkpoint group",
           done);
  assert_refused(done, msg);
  /* a checkpoint under another name */
  const char *out = test_path(2, "named.h5"), *other = test_path(3, "other.h5");
  run_stopped(exp, out, "1", "20 ms");
  copy_file(partial_of(out), other);
  snprintf(msg, sizeof msg, "\"%s\": a run to resume is an OUT.h5.partial file", other);
  assert_refused(other, msg);
}

static void test_other_version_or_damaged(void **state) {
  (void)state;
  char msg[1024];
  const char *exp = experiment(0, "quick.yaml", QUICK_YAML("1 nS"));
  const char *out = test_path(1, "v.h5"), *p = partial_of(out);
  run_stopped(exp, out, "1", "20 ms");
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, H5T_VARIABLE);
  H5Tset_cset(str, H5T_CSET_UTF8);
  const char *old = "0.0.1", *now = FS_VERSION;
  set_slot_attr(p, "fearsim_version", str, &old);
  snprintf(msg, sizeof msg,
           "\"%s\" was checkpointed by fearsim 0.0.1 and this is fearsim %s: resume it with "
           "fearsim 0.0.1, or run the experiment again",
           p, FS_VERSION);
  assert_refused(p, msg);
  set_slot_attr(p, "fearsim_version", str, &now);
  H5Tclose(str);
  uint64_t sum = 12345;
  set_slot_attr(p, "checksum", H5T_NATIVE_UINT64, &sum);
  snprintf(msg, sizeof msg,
           "\"%s\": its checkpoint is incomplete or damaged (the run was killed while writing "
           "it); run the experiment again",
           p);
  assert_refused(p, msg);
}

/* The checksum covers the attributes a resume reads or the result keeps: the experiment's text
 * in the file's attributes and the slot's own, not only the checkpoint's arrays. */
static void test_damaged_attributes(void **state) {
  (void)state;
  char msg[1024];
  const char *exp = experiment(0, "quick.yaml", QUICK_YAML("1 nS"));
  const char *out = test_path(1, "d.h5"), *p = partial_of(out);
  snprintf(msg, sizeof msg,
           "\"%s\": its checkpoint is incomplete or damaged (the run was killed while writing "
           "it); run the experiment again",
           p);
  run_stopped(exp, out, "1", "20 ms");
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, H5T_VARIABLE);
  H5Tset_cset(str, H5T_CSET_UTF8);
  const char *other_text = "simulation: {dt: 0.1 ms, duration: 50 ms}\n";
  set_attr(p, "/", "experiment_yaml", str, &other_text);
  assert_refused(p, msg);
  remove(p);
  run_stopped(exp, out, "1", "20 ms");
  double t = 0.01;
  set_slot_attr(p, "t", H5T_NATIVE_DOUBLE, &t);
  assert_refused(p, msg);
  H5Tclose(str);
}

static void test_experiment_changed(void **state) {
  (void)state;
  char msg[3 * PATH_MAX], abs[PATH_MAX];
  const char *exp = experiment(0, "changing.yaml", QUICK_YAML("1 nS"));
  assert_non_null(realpath(exp, abs));
  const char *out = test_path(1, "c.h5"), *p = partial_of(out);
  run_stopped(exp, out, "1", "20 ms");
  /* another weight */
  experiment(1, "changing.yaml", QUICK_YAML("2 nS"));
  snprintf(msg, sizeof msg,
           "\"%s\" was checkpointed from another version of its experiment: %s (or a file it "
           "reads) changed since; run the experiment again",
           p, abs);
  assert_refused(p, msg);
  /* gone */
  char moved[300];
  snprintf(moved, sizeof moved, "%s.moved", exp);
  assert_int_equal(rename(exp, moved), 0);
  snprintf(msg, sizeof msg, "\"%s\" was checkpointed from %s: cannot open \"%s\": %s", p, abs, abs,
           strerror(ENOENT));
  assert_refused(p, msg);
  /* the output exists */
  experiment(0, "changing.yaml", QUICK_YAML("1 nS"));
  fs_test_write("c.h5", "not to be overwritten");
  snprintf(msg, sizeof msg, "output \"%s\" exists (use --force to overwrite it)", out);
  assert_refused(p, msg);
  remove(out);
  /* a new run over the checkpoint */
  const char *again[] = {"run", exp, "-o", out, "--quiet", NULL};
  cli_result r;
  cli_run(again, &r);
  assert_int_equal(r.status, 2);
  snprintf(msg, sizeof msg, "fearsim: \"%s\" holds the checkpoint of a run stopped at t = ", p);
  assert_non_null(strstr(r.err, msg));
  snprintf(msg, sizeof msg, ": go on with \"fearsim resume %s\", or start again with --force\n", p);
  assert_non_null(strstr(r.err, msg));
  /* with the experiment as it was, the checkpoint still goes on */
  resume(out, "1", NULL, NULL);
}

int main(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plastic_stops),        cmocka_unit_test(test_resumed_run_stops_again),
      cmocka_unit_test(test_periodic_checkpoints), cmocka_unit_test(test_protocol_stops),
      cmocka_unit_test(test_not_a_checkpoint),     cmocka_unit_test(test_other_version_or_damaged),
      cmocka_unit_test(test_damaged_attributes),   cmocka_unit_test(test_experiment_changed),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
