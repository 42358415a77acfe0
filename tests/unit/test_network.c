/* test_network.c - connectivity statistics of each rule, weight and delay distributions,
 * a network that is the same for any number of threads, the threads' shares of the
 * populations; the memory check. */
#include "fs_test.h"
#include "test_util.h"

#include <fearsim/experiment.h>
#include <fearsim/network.h>

#include <stdlib.h>

#include "network_impl.h"

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

/* The experiment of yaml, written to file name. */
static fs_experiment_spec *load_yaml(const char *name, const char *yaml) {
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  if (fs_experiment_load(fs_test_write(name, yaml), NULL, 0, &spec, &err) != FS_OK)
    fail_msg("%s", err.msg);
  return spec;
}

static fs_experiment_spec *load(int n_a, int n_b, const char *projection) {
  char yaml[2048];
  snprintf(yaml, sizeof yaml, HEAD, n_a, n_b, projection);
  return load_yaml("net.yaml", yaml);
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

/* The same network (every pair, weight and delay, bit for bit) for 1, 2 and 3 threads, with
 * two projections so that the second's streams are not the first's. */
static void same(const synapses *a, const synapses *b) {
  assert_int_equal(a->n, b->n);
  assert_memory_equal(a->pre, b->pre, a->n * sizeof *a->pre);
  assert_memory_equal(a->post, b->post, a->n * sizeof *a->post);
  assert_memory_equal(a->w, b->w, a->n * sizeof *a->w);
  assert_memory_equal(a->d, b->d, a->n * sizeof *a->d);
}

static void test_thread_count_independent(void **state) {
  (void)state;
  const char *p = "{from: A, to: B, receptor: ampa, connect: {rule: fixed_probability, p: 0.2},"
                  " weight: {normal: {mean: 1 nS, std: 0.5 nS}}, delay: {uniform: {low: 1 ms,"
                  " high: 3 ms}}}";
  const char *q = "{from: B, to: A, receptor: gaba_a, connect: {rule: fixed_indegree,"
                  " indegree: 9}, weight: {uniform: {low: 1 nS, high: 2 nS}}}";
  synapses s1 = get(123, 77, p, 1), s2 = get(123, 77, p, 2), s3 = get(123, 77, p, 3);
  assert_true(s1.n > 0);
  same(&s1, &s2);
  same(&s1, &s3);
  drop(&s1);
  drop(&s2);
  drop(&s3);
  s1 = get(123, 77, q, 1), s2 = get(123, 77, q, 2), s3 = get(123, 77, q, 3);
  assert_int_equal(s1.n, 123 * 9);
  same(&s1, &s2);
  same(&s1, &s3);
  drop(&s1);
  drop(&s2);
  drop(&s3);
}

/* Thread t's share of the weight of the neuron populations (a neuron with NMDA input counts 2). */
static double share(const fs_network *net, size_t t) {
  double w = 0.0;
  for (size_t i = 0; i < net->n_pops; i++) {
    const fs_population *pop = &net->pops[i];
    if (!pop->is_input)
      w += (pop->has_nmda ? 2.0 : 1.0) * (double)(pop->range[t].end - pop->range[t].begin);
  }
  return w;
}

/* The threads' ranges tile each population in thread order, each non-empty one starting at a
 * whole block; a population lighter than a thread's fair share goes whole to one thread, and
 * the threads' shares come out even (neurons with NMDA input weigh twice). */
static void test_thread_shares(void **state) {
  (void)state;
  const char *yaml = "seed: 1\n"
                     "simulation: {duration: 10 ms}\n"
                     "populations:\n"
                     "  E: {model: lif_cond, size: 3200}\n"
                     "  I: {model: lif_cond, size: 800}\n"
                     "  N: {model: adex_cond, size: 300}\n"
                     "  S: {model: lif_cond, size: 99}\n"
                     "inputs:\n"
                     "  X: {type: poisson, size: 1000, rate: 5 Hz}\n"
                     "projections:\n"
                     "  - {from: X, to: N, receptor: nmda, connect: {rule: fixed_indegree,"
                     " indegree: 2}, weight: 1 nS}\n";
  fs_error err = {0};
  fs_experiment_spec *spec = load_yaml("shares.yaml", yaml);
  const size_t threads[] = {1, 2, 3, 5};
  for (size_t k = 0; k < 4; k++) {
    fs_network *net = NULL;
    assert_int_equal(fs_network_create(spec, threads[k], &net, &err), FS_OK);
    double total = 3200 + 800 + 2 * 300 + 99, fair = total / (double)threads[k];
    for (size_t i = 0; i < net->n_pops; i++) {
      const fs_population *pop = &net->pops[i];
      size_t at = 0, holders = 0;
      for (size_t t = 0; t < threads[k]; t++) {
        assert_int_equal(pop->range[t].begin, at);
        assert_true(pop->range[t].end >= at);
        if (pop->range[t].end > at) {
          assert_int_equal(at % FS_NEURON_BLOCK, 0);
          holders++;
        }
        at = pop->range[t].end;
      }
      assert_int_equal(at, pop->n);
      double w = (pop->has_nmda ? 2.0 : 1.0) * (double)pop->n;
      if (!pop->is_input && w <= fair) assert_int_equal(holders, 1);
    }
    for (size_t t = 0; t < threads[k]; t++)
      fs_assert_close(share(net, t), fair, 0.01, 0.0);
    fs_network_free(net);
  }
  fs_experiment_free(spec);
}

/* The first and one past the last index that thread t's view (fs_share_offset) reaches in an
 * array of `rows` rows of pop, over its neurons and padding lanes. */
static size_t reach_lo(const fs_population *pop, size_t t, size_t rows) {
  return fs_share_offset(pop, t, rows) + pop->range[t].begin;
}
static size_t reach_hi(const fs_population *pop, size_t t, size_t rows) {
  return fs_share_offset(pop, t, rows) + (rows - 1) * pop->share[t].stride +
         fs_range_loop_end(pop, pop->range[t]);
}

/* A population split between threads keeps each thread's share of its arrays in a block of its
 * own: what each thread's view reaches, row by row over its neurons and padding lanes, lies
 * within the array and FS_SHARE_GAP values from what any other thread's reaches. A whole
 * population keeps rows of n_pad values. Read through the threads' views, every neuron starts
 * in the state drawn for it with one thread, and every padding lane at rest. */
static void test_split_layout(void **state) {
  (void)state;
  const char *yaml = "seed: 3\n"
                     "simulation: {duration: 10 ms}\n"
                     "populations:\n"
                     "  E: {model: adex_cond, size: 3203, init: {v: {normal: {mean: -65 mV,"
                     " std: 5 mV}}, w: {uniform: {low: 0 pA, high: 50 pA}}}}\n"
                     "  I: {model: lif_cond, size: 803, init: {v: {uniform: {low: -70 mV,"
                     " high: -55 mV}}}}\n";
  fs_error err = {0};
  fs_experiment_spec *spec = load_yaml("split.yaml", yaml);
  fs_network *one = NULL;
  assert_int_equal(fs_network_create(spec, 1, &one, &err), FS_OK);
  const size_t threads[] = {2, 3, 5};
  for (size_t k = 0; k < 3; k++) {
    fs_network *net = NULL;
    assert_int_equal(fs_network_create(spec, threads[k], &net, &err), FS_OK);
    assert_true(net->pops[0].split); /* E weighs more than a fair share */
    for (size_t i = 0; i < net->n_pops; i++) {
      const fs_population *pop = &net->pops[i], *ref = &one->pops[i];
      size_t holders = 0, rows[] = {1, FS_SCRATCH_ROWS, fs_ring_rows(pop)}, last = SIZE_MAX;
      for (size_t t = 0; t < threads[k]; t++)
        holders += pop->range[t].begin < pop->range[t].end;
      assert_true(pop->split == (holders > 1));
      for (size_t t = 0; t < threads[k]; t++) {
        if (pop->range[t].begin == pop->range[t].end) continue;
        for (size_t r = 0; r < 3; r++) {
          if (!pop->split) {
            assert_int_equal(fs_share_offset(pop, t, rows[r]), 0);
            assert_int_equal(pop->share[t].stride, pop->n_pad);
            continue;
          }
          if (last != SIZE_MAX)
            assert_true(reach_lo(pop, t, rows[r]) >= reach_hi(pop, last, rows[r]) + FS_SHARE_GAP);
          assert_true(reach_hi(pop, t, rows[r]) + FS_SHARE_GAP <=
                      rows[r] * pop->n_pad + holders * FS_SHARE_GAP);
        }
        last = t;
        double rest[FS_MAX_STATE];
        pop->model->rest_state(pop->params, rest);
        for (size_t j = pop->range[t].begin; j < fs_range_loop_end(pop, pop->range[t]); j++)
          for (size_t v = 0; v < pop->model->n_state; v++)
            assert_true(fs_share_view(pop, t, pop->state[v], 1)[j] ==
                        (j < pop->n ? ref->state[v][j] : rest[v]));
      }
    }
    assert_true(fs_range_loop_end(&net->pops[0], net->pops[0].range[threads[k] - 1]) ==
                net->pops[0].n_pad);
    fs_network_free(net);
  }
  fs_network_free(one);
  fs_experiment_free(spec);
}

/* all_to_all: every pair once, in canonical order (by post, then pre). */
static void test_all_to_all_pairs(void **state) {
  (void)state;
  synapses s = get(7, 5,
                   "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all},"
                   " weight: 1.5 nS, delay: 1.26 ms}",
                   3);
  assert_int_equal(s.n, 35);
  for (uint32_t k = 0; k < 35; k++) {
    assert_int_equal(s.post[k], k / 7);
    assert_int_equal(s.pre[k], k % 7);
    fs_assert_close(s.w[k], 1.5e-9, 1e-15, 0.0);    /* 1.5 * 1e-9 in the unit parser */
    fs_assert_close(s.d[k], 13 * 1e-4, 1e-12, 0.0); /* 1.26 ms rounds to 13 steps */
  }
  drop(&s);
  s = get(12, 5,
          "{from: A, to: A, receptor: ampa, connect: {rule: all_to_all,"
          " autapses: false}, weight: 1 nS}",
          2);
  assert_int_equal(s.n, 12 * 11);
  for (uint32_t k = 0; k < 12 * 11; k++) { /* row j: every i != j */
    uint32_t j = k / 11, m = k % 11;
    assert_int_equal(s.post[k], j);
    assert_int_equal(s.pre[k], m < j ? m : m + 1);
  }
  drop(&s);
}

/* fixed_indegree without autapses: k sources, none of them the target; with k = n - 1 every
 * other neuron. */
static void test_fixed_indegree_no_autapses(void **state) {
  (void)state;
  const int ks[] = {10, 39};
  for (int c = 0; c < 2; c++) {
    char proj[256];
    snprintf(proj, sizeof proj,
             "{from: A, to: A, receptor: ampa, connect: {rule: fixed_indegree, indegree: %d,"
             " autapses: false}, weight: 1 nS}",
             ks[c]);
    synapses s = get(40, 3, proj, 3);
    int k = ks[c];
    assert_int_equal(s.n, 40 * k);
    for (uint32_t j = 0; j < 40; j++)
      for (int m = 0; m < k; m++) {
        uint64_t at = j * (uint64_t)k + (uint64_t)m;
        assert_int_equal(s.post[at], j);
        assert_true(s.pre[at] != j && s.pre[at] < 40);
        if (m > 0) assert_true(s.pre[at] > s.pre[at - 1]);
        if (k == 39) assert_int_equal(s.pre[at], (uint32_t)m < j ? (uint32_t)m : (uint32_t)m + 1);
      }
    drop(&s);
  }
}

/* fixed_indegree picks sources uniformly: each of 50 sources is chosen by about
 * 400 * 10 / 50 = 80 of 400 targets (binomial, 5 sigma). */
static void test_fixed_indegree_uniform_sources(void **state) {
  (void)state;
  synapses s = get(50, 400,
                   "{from: A, to: B, receptor: ampa, connect: {rule: fixed_indegree,"
                   " indegree: 10}, weight: 1 nS}",
                   2);
  int count[50] = {0};
  for (uint64_t k = 0; k < s.n; k++)
    count[s.pre[k]]++;
  for (int i = 0; i < 50; i++)
    fs_assert_close(count[i], 80.0, 0.0, 5 * sqrt(400 * 0.2 * 0.8));
  drop(&s);
}

/* fixed_probability with p = 1 is all_to_all, with p = 0 empty. */
static void test_fixed_probability_limits(void **state) {
  (void)state;
  synapses s = get(9, 6,
                   "{from: A, to: B, receptor: ampa, connect: {rule: fixed_probability,"
                   " p: 1}, weight: 1 nS}",
                   2);
  assert_int_equal(s.n, 54);
  for (uint32_t k = 0; k < 54; k++)
    assert_true(s.post[k] == k / 9 && s.pre[k] == k % 9);
  drop(&s);
  s = get(9, 6,
          "{from: A, to: B, receptor: ampa, connect: {rule: fixed_probability,"
          " p: 0}, weight: 1 nS}",
          2);
  assert_int_equal(s.n, 0);
  drop(&s);
}

/* Weights: uniform [1, 3] nS has mean 2 nS and std 2/sqrt(12) nS; a normal clipped at 0,
 * max(0, X) with X ~ N(mu, sigma), is 0 with probability Phi(-mu/sigma) and has mean
 * mu Phi(mu/sigma) + sigma phi(mu/sigma). */
static void test_weight_uniform_and_clipped_normal(void **state) {
  (void)state;
  synapses s = get(200, 200,
                   "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all},"
                   " weight: {uniform: {low: 1 nS, high: 3 nS}}}",
                   2);
  double sum = 0, sum2 = 0, n = (double)s.n;
  for (uint64_t k = 0; k < s.n; k++) {
    assert_true(s.w[k] >= 1e-9 && s.w[k] <= 3e-9);
    sum += s.w[k];
    sum2 += s.w[k] * s.w[k];
  }
  double sd = 2e-9 / sqrt(12.0), mean = sum / n;
  fs_assert_close(mean, 2e-9, 0.0, 5 * sd / sqrt(n));
  fs_assert_close(sqrt(sum2 / n - mean * mean), sd, 0.01, 0.0);
  drop(&s);
  s = get(200, 200,
          "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all},"
          " weight: {normal: {mean: 0.5 nS, std: 1 nS}}}",
          2);
  const double mu = 0.5e-9, sigma = 1e-9, z = mu / sigma;
  double phi = exp(-0.5 * z * z) / sqrt(2 * 3.14159265358979323846), p0 = 0.5 * erfc(z / sqrt(2.0));
  double want = mu * (1 - p0) + sigma * phi;
  int zeros = 0;
  sum = 0;
  for (uint64_t k = 0; k < s.n; k++) {
    assert_true(s.w[k] >= 0.0);
    zeros += s.w[k] == 0.0;
    sum += s.w[k];
  }
  n = (double)s.n;
  fs_assert_close(zeros / n, p0, 0.0, 5 * sqrt(p0 * (1 - p0) / n));
  fs_assert_close(sum / n, want, 0.0, 5 * sigma / sqrt(n));
  drop(&s);
}

/* Normal delays are rounded to whole steps and clipped at one step. */
static void test_normal_delays_in_steps(void **state) {
  (void)state;
  synapses s = get(8, 8,
                   "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all},"
                   " weight: 1 nS, delay: {normal: {mean: 0.3 ms, std: 0.2 ms}}}",
                   1);
  int at_one = 0;
  for (uint64_t k = 0; k < s.n; k++) {
    double steps = s.d[k] / 1e-4;
    fs_assert_close(steps, round(steps), 1e-12, 0.0);
    assert_true(round(steps) >= 1);
    at_one += round(steps) == 1;
  }
  /* P(X < 1.5 steps) = Phi((1.5 - 3)/2) = 0.227 */
  fs_assert_close(at_one / 64.0, 0.2266, 0.0, 5 * sqrt(0.2266 * 0.7734 / 64));
  drop(&s);
}

static void test_get_synapses_bad_index(void **state) {
  (void)state;
  fs_experiment_spec *spec = load(3, 3,
                                  "{from: A, to: B, receptor: ampa, connect: {rule:"
                                  " one_to_one}, weight: 1 nS}");
  fs_network *net = NULL;
  fs_error err = {0};
  assert_int_equal(fs_network_create(spec, 1, &net, &err), FS_OK);
  assert_int_equal(fs_network_projection_size(net, 1), 0);
  assert_int_equal(fs_network_get_synapses(net, 1, NULL, NULL, NULL, NULL, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "no projection 1");
  fs_network_free(net);
  fs_experiment_free(spec);
}

/* What grows with the duration is counted: a rate per population and 1 ms bin (plus the bin
 * times and the copy written at the end), and the input spike trains read in advance; a run
 * of 1e6 s needs tens of GiB for its rate bins alone, and is refused with that figure. */
static void test_memory_grows_with_duration(void **state) {
  (void)state;
  const char *proj = "{from: A, to: B, receptor: ampa, connect: {rule: one_to_one}, weight: 1 nS}";
  fs_experiment_spec *spec = load(10, 10, proj);
  fs_memory_estimate e;
  fs_network_estimate(spec, 1, &e);
  fs_assert_close(e.growing, 10.0 * 8.0 * (2 + 2), 1e-12, 0); /* 10 bins of 1 ms, 2 pops */
  fs_experiment_free(spec);
  const char *longer[] = {"simulation.duration=1e6 s"};
  char yaml[2048];
  snprintf(yaml, sizeof yaml, HEAD, 10, 10, proj);
  fs_error err = {0};
  assert_int_equal(fs_experiment_load(fs_test_write("net.yaml", yaml), longer, 1, &spec, &err),
                   FS_OK);
  fs_network_estimate(spec, 1, &e);
  fs_assert_close(e.growing, 1e9 * 8.0 * (2 + 2), 1e-12, 0);
  assert_true(e.bytes >= e.growing);
  if (e.available < 0.9 * e.bytes) { /* machines with less than ~30 GiB available */
    assert_int_equal(fs_network_check_memory(spec, 1, &err), FS_ERR_INPUT);
    assert_non_null(strstr(err.msg, "the network needs about 29.8 GiB"));
    assert_non_null(strstr(err.msg, "of which 29.8 GiB grows with the duration"));
  }
  fs_experiment_free(spec);
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
  assert_non_null(strstr(err.msg, "this machine has available; shrink the populations or the "
                                  "connectivity"));
  fs_experiment_free(spec);
  spec = load(1000, 1000,
              "{from: A, to: B, receptor: ampa, connect: {rule: fixed_probability,"
              " p: 0.1}, weight: 1 nS}");
  fs_memory_estimate e;
  fs_network_estimate(spec, 2, &e);
  fs_assert_close(e.synapses, 1e5, 1e-12, 0.0);
  assert_true(e.bytes > 1e5 * 14 && e.available > 0);
  assert_int_equal(fs_network_check_memory(spec, 2, &err), FS_OK);
  fs_experiment_free(spec);
}

/* Normal delays are clipped at mean + 5 sd (here 2 + 5 * 2 = 12 ms), so the input rings stay
 * small; uniform delays up to a second and a half are accepted. */
static void test_delay_bounds(void **state) {
  (void)state;
  synapses s = get(200, 200,
                   "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all},"
                   " weight: 1 nS, delay: {normal: {mean: 2 ms, std: 2 ms}}}",
                   2);
  double dmax = 0;
  for (uint64_t k = 0; k < s.n; k++)
    dmax = fmax(dmax, s.d[k]);
  assert_true(dmax <= 12e-3 + 1e-12);
  assert_true(dmax > 9e-3); /* 40000 draws reach the tail */
  drop(&s);
  s = get(5, 5,
          "{from: A, to: B, receptor: ampa, connect: {rule: all_to_all}, weight: 1 nS,"
          " delay: {uniform: {low: 1 ms, high: 1.5 s}}}",
          1);
  assert_int_equal(s.n, 25);
  drop(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixed_probability),
      cmocka_unit_test(test_no_autapses),
      cmocka_unit_test(test_fixed_indegree),
      cmocka_unit_test(test_one_to_one_and_all_to_all),
      cmocka_unit_test(test_weight_and_delay_distributions),
      cmocka_unit_test(test_thread_count_independent),
      cmocka_unit_test(test_thread_shares),
      cmocka_unit_test(test_split_layout),
      cmocka_unit_test(test_all_to_all_pairs),
      cmocka_unit_test(test_fixed_indegree_no_autapses),
      cmocka_unit_test(test_fixed_indegree_uniform_sources),
      cmocka_unit_test(test_fixed_probability_limits),
      cmocka_unit_test(test_weight_uniform_and_clipped_normal),
      cmocka_unit_test(test_normal_delays_in_steps),
      cmocka_unit_test(test_get_synapses_bad_index),
      cmocka_unit_test(test_memory_check),
      cmocka_unit_test(test_memory_grows_with_duration),
      cmocka_unit_test(test_delay_bounds),
  };
  return cmocka_run_group_tests(tests, fs_test_setup, fs_test_teardown);
}
