/* test_network.c - connectivity statistics of each rule, weight and delay distributions,
 * and a network that is the same for any number of threads; the memory check. */
#include "fs_test.h"
#include "test_util.h"

#include <fearsim/experiment.h>
#include <fearsim/network.h>

#include <stdlib.h>

typedef struct synapses {
  uint64_t n;
  uint32_t *pre, *post;
  double *w, *d;
} synapses;

#define HEAD                                                                                       \
  "seed: 11\n"                                                                                     \
  "simulation: {duration: 10 ms}\n"                                                                \
  "populations:\n"                                                                                 \
  "  A: {model: lif_cond, size: %d}\n"                                                             \
  "  B: {model: lif_cond, size: %d}\n"                                                             \
  "projections:\n"                                                                                 \
  "  - %s\n"

static fs_experiment_spec *load(int n_a, int n_b, const char *projection) {
  char yaml[2048];
  snprintf(yaml, sizeof yaml, HEAD, n_a, n_b, projection);
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  if (fs_experiment_load(fs_test_write("net.yaml", yaml), NULL, 0, &spec, &err) != FS_OK)
    fail_msg("%s", err.msg);
  return spec;
}

static synapses get(int n_a, int n_b, const char *projection, size_t threads) {
  fs_experiment_spec *spec = load(n_a, n_b, projection);
  fs_network *net = NULL;
  fs_error err = {0};
  assert_int_equal(fs_network_create(spec, threads, &net, &err), FS_OK);
  synapses s = {fs_network_projection_size(net, 0), NULL, NULL, NULL, NULL};
  s.pre = malloc((s.n + 1) * sizeof *s.pre);
  s.post = malloc((s.n + 1) * sizeof *s.post);
  s.w = malloc((s.n + 1) * sizeof *s.w);
  s.d = malloc((s.n + 1) * sizeof *s.d);
  assert_int_equal(fs_network_get_synapses(net, 0, s.pre, s.post, s.w, s.d, &err), FS_OK);
  fs_network_free(net);
  fs_experiment_free(spec);
  return s;
}

static void drop(synapses *s) {
  free(s->pre);
  free(s->post);
  free(s->w);
  free(s->d);
}

static void test_fixed_probability(void **state) {
  (void)state;
  synapses s = get(300, 200,
                   "{from: A, to: B, receptor: ampa, connect: {rule: fixed_probability,"
                   " p: 0.1}, weight: 1 nS}",
                   2);
  double mean = 0.1 * 300 * 200, sd = sqrt(mean * 0.9);
  fs_assert_close((double)s.n, mean, 0.0, 5 * sd);
  for (uint64_t k = 1; k < s.n; k++) /* canonical order, no duplicate pairs */
    assert_true(s.post[k] > s.post[k - 1] ||
                (s.post[k] == s.post[k - 1] && s.pre[k] > s.pre[k - 1]));
  drop(&s);
}

static void test_no_autapses(void **state) {
  (void)state;
  synapses s = get(100, 10,
                   "{from: A, to: A, receptor: ampa, connect: {rule: fixed_probability,"
                   " p: 0.5, autapses: false}, weight: 1 nS}",
                   1);
  for (uint64_t k = 0; k < s.n; k++)
    assert_true(s.pre[k] != s.post[k]);
  drop(&s);
  s = get(100, 10,
          "{from: A, to: A, receptor: ampa, connect: {rule: all_to_all, "
          "autapses: false}, weight: 1 nS}",
          1);
  assert_int_equal(s.n, 100 * 99);
  drop(&s);
}

static void test_fixed_indegree(void **state) {
  (void)state;
  synapses s = get(50, 40,
                   "{from: A, to: B, receptor: ampa, connect: {rule: fixed_indegree,"
                   " indegree: 20}, weight: 1 nS}",
                   3);
  assert_int_equal(s.n, 40 * 20);
  for (uint32_t j = 0; j < 40; j++) {
    for (int k = 0; k < 20; k++) {
      assert_int_equal(s.post[j * 20 + k], j);
      if (k > 0) /* distinct and sorted */
        assert_true(s.pre[j * 20 + k] > s.pre[j * 20 + k - 1]);
    }
  }
  drop(&s);
}

static void test_one_to_one_and_all_to_all(void **state) {
  (void)state;
  synapses s = get(30, 30,
                   "{from: A, to: B, receptor: gaba_a, connect: {rule: one_to_one},"
                   " weight: 1 nS}",
                   2);
  assert_int_equal(s.n, 30);
  for (uint32_t k = 0; k < 30; k++)
    assert_true(s.pre[k] == k && s.post[k] == k);
  drop(&s);
  s = get(7, 5, "{from: A, to: B, receptor: nmda, connect: {rule: all_to_all}, weight: 1 nS}", 2);
  assert_int_equal(s.n, 35);
  drop(&s);
}

static void test_weight_and_delay_distributions(void **state) {
  (void)state;
  synapses s = get(200, 200,
                   "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all},"
                   " weight: {normal: {mean: 2 nS, std: 0.5 nS}},"
                   " delay: {uniform: {low: 1 ms, high: 3 ms}}}",
                   2);
  double sum = 0, sum2 = 0, dmin = 1, dmax = 0;
  for (uint64_t k = 0; k < s.n; k++) {
    sum += s.w[k];
    sum2 += s.w[k] * s.w[k];
    dmin = fmin(dmin, s.d[k]);
    dmax = fmax(dmax, s.d[k]);
  }
  double mean = sum / (double)s.n, sd = sqrt(sum2 / (double)s.n - mean * mean);
  fs_assert_close(mean, 2e-9, 0.0, 5 * 0.5e-9 / sqrt((double)s.n));
  fs_assert_close(sd, 0.5e-9, 0.02, 0.0);
  fs_assert_close(dmin, 1e-3, 1e-9, 0.0); /* rounded to whole steps of 0.1 ms */
  fs_assert_close(dmax, 3e-3, 1e-9, 0.0);
  drop(&s);
  s = get(50, 50,
          "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all},"
          " weight: {normal: {mean: 0.1 nS, std: 1 nS}}}",
          1);
  for (uint64_t k = 0; k < s.n; k++) /* negative draws are clipped to 0 */
    assert_true(s.w[k] >= 0.0);
  drop(&s);
}

/* The same network (every pair, weight and delay, bit for bit) for 1, 2 and 3 threads. */
static void test_thread_count_independent(void **state) {
  (void)state;
  const char *p = "{from: A, to: B, receptor: ampa, connect: {rule: fixed_probability, p: 0.2},"
                  " weight: {uniform: {low: 1 nS, high: 2 nS}}, delay: {normal: {mean: 2 ms,"
                  " std: 0.5 ms}}}";
  synapses s1 = get(123, 77, p, 1), s2 = get(123, 77, p, 2), s3 = get(123, 77, p, 3);
  assert_int_equal(s1.n, s2.n);
  assert_int_equal(s1.n, s3.n);
  assert_memory_equal(s1.pre, s2.pre, s1.n * sizeof *s1.pre);
  assert_memory_equal(s1.post, s3.post, s1.n * sizeof *s1.post);
  assert_memory_equal(s1.w, s2.w, s1.n * sizeof *s1.w);
  assert_memory_equal(s1.w, s3.w, s1.n * sizeof *s1.w);
  assert_memory_equal(s1.d, s3.d, s1.n * sizeof *s1.d);
  drop(&s1);
  drop(&s2);
  drop(&s3);
}

static void test_memory_check(void **state) {
  (void)state;
  fs_experiment_spec *spec = load(3000000, 3000000,
                                  "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all},"
                                  " weight: 1 nS}");
  fs_error err = {0};
  assert_int_equal(fs_network_check_memory(spec, 2, &err), FS_ERR_INPUT);
  assert_true(strncmp(err.msg, spec->file, strlen(spec->file)) == 0);
  assert_non_null(strstr(err.msg, "the network needs about"));
  assert_non_null(strstr(err.msg, "(9e+12 synapses), more than the"));
  fs_experiment_free(spec);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixed_probability),
      cmocka_unit_test(test_no_autapses),
      cmocka_unit_test(test_fixed_indegree),
      cmocka_unit_test(test_one_to_one_and_all_to_all),
      cmocka_unit_test(test_weight_and_delay_distributions),
      cmocka_unit_test(test_thread_count_independent),
      cmocka_unit_test(test_memory_check),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
