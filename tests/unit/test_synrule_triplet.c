/* test_synrule_triplet.c - the triplet STDP rule (sim/models/synrule_triplet_stdp.c) against
 * closed forms, calling its hooks on a one-synapse part: the pair window, the all-to-all sums of
 * 60 pairings at a frequency (and Sjostrom et al. 2001's frequency dependence), triplets, the
 * weight bounds, peek and advance, the registry row and the example experiment. */
#include "fs_test.h"

#include <fearsim/experiment.h>
#include <fearsim/param.h>
#include <fearsim/synrule.h>

#include "synrule_impl.h"

#include <stdlib.h>

#define DT 1e-4
#define MS 10 /* steps per millisecond */

typedef struct bench {
  const fs_synrule *rule;
  double params[32]; /* the rule's parameter struct (doubles) */
  unsigned char rec[FS_SYNRULE_MAX_RECORD];
  fs_proj_part part;
  fs_synrule_env env;
  uint64_t dropped;
} bench;

static void set(bench *b, const char *name, double v) {
  const fs_param_spec *p = fs_params_find(b->rule->params, b->rule->n_params, name);
  assert_non_null(p);
  *(double *)((char *)b->params + p->offset) = v;
}

static double get(const bench *b, const char *name) {
  const fs_param_spec *p = fs_params_find(b->rule->params, b->rule->n_params, name);
  assert_non_null(p);
  return *(const double *)((const char *)b->params + p->offset);
}

static double field(const bench *b, const char *name) {
  const fs_synrule_field *f = fs_synrule_find_field(b->rule, name);
  assert_non_null(f);
  return fs_synrule_field_value(f, b->rec);
}

/* A bench with a preset's parameters and one synapse as created. */
static bench *make(const char *preset) {
  bench *b = calloc(1, sizeof *b);
  assert_non_null(b);
  b->rule = fs_synrule_find("triplet_stdp", NULL);
  assert_non_null(b->rule);
  assert_true(b->rule->params_size <= sizeof b->params);
  assert_int_equal(b->rule->preset(preset, b->params, NULL), FS_OK);
  b->rule->init(b->params, b->rec, 0, 0, false);
  b->part.n_syn = 1;
  b->part.plast = b->rec;
  b->env = (fs_synrule_env){.rule = b->rule, .params = b->params, .dt = DT, .dropped = &b->dropped};
  return b;
}

/* All four amplitudes non-zero (the hippocampal full all-to-all fit of the paper), so that every
 * term of the closed forms counts, and bounds set far away (outside the table's ranges: the
 * hooks take the struct as it is) so that the closed forms hold without clipping. */
static bench *make_full(void) {
  bench *b = make("visual_cortex");
  set(b, "tau_x", 946e-3);
  set(b, "tau_y", 27e-3);
  set(b, "a2_plus", 6.1e-3);
  set(b, "a3_plus", 6.7e-3);
  set(b, "a2_minus", 1.6e-3);
  set(b, "a3_minus", 1.4e-3);
  set(b, "w_min", -1e3);
  set(b, "w_max", 1e3);
  return b;
}

static double w_of(const bench *b) {
  return b->rule->weight_factor(b->params, b->rec);
}

static double pre(bench *b, int64_t at) {
  double factor = -1.0;
  b->rule->pre_row(&b->part, 0, 1, at, &b->env, &factor);
  fs_assert_close(factor, w_of(b), 0.0, 0.0); /* it transmits the weight after the change */
  return factor;
}

static void post(bench *b, int64_t at) {
  uint64_t s = 0;
  b->rule->post(&b->part, &s, 1, at, &b->env);
}

/* --- the registry row ------------------------------------------------------------------- */

static void test_descriptor(void **state) {
  (void)state;
  fs_error err = {0};
  const fs_synrule *r = fs_synrule_find("triplet_stdp", &err);
  assert_non_null(r);
  assert_int_equal(fs_params_validate_table(r->params, r->n_params, r->params_size, &err), FS_OK);
  assert_false(r->needs_nmda);
  assert_null(r->late);
  assert_null(r->reads_gating);
  assert_string_equal(r->presets[0], "visual_cortex");
  assert_non_null(fs_synrule_find_field(r, "w_rel"));
  assert_true(fs_synrule_find_field(r, "w_rel")->flags & FS_SYNRULE_SNAPSHOT);
  assert_true(r->record_size <= FS_SYNRULE_MAX_RECORD);
  assert_true(r->n_fields <= FS_SYNRULE_MAX_FIELDS && r->n_means <= FS_SYNRULE_MAX_MEANS);
  static const char *const taken[] = {"weight", "block", "z", "tag", "alive", "pre", "post"};
  for (size_t i = 0; i < r->n_fields; i++)
    for (size_t k = 0; k < sizeof taken / sizeof taken[0]; k++)
      assert_string_not_equal(r->fields[i].name, taken[k]);
  double p[32];
  assert_int_equal(r->preset("visual", p, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "unknown triplet STDP preset \"visual\" (did you mean \"visual_cortex\"?)");
  assert_int_equal(r->preset("cortex_visual_x", p, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "unknown triplet STDP preset \"cortex_visual_x\" (known: \"visual_cortex\", "
                     "\"hippocampal\")");
  bench *b = make("visual_cortex");
  set(b, "w_min", 1.0);
  set(b, "w_max", 1.0);
  assert_int_equal(r->check(b->params, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "w_min (1) must be below w_max (1)");
  free(b);
}

/* The visual-cortex minimal model of Pfister & Gerstner (2006) and the hippocampal one. */
static void test_presets(void **state) {
  (void)state;
  bench *b = make("visual_cortex");
  double want[] = {16.8e-3, 33.7e-3, 114e-3, 0.0, 6.5e-3, 7.1e-3, 0.0, 0.0, 2.0};
  const char *names[] = {"tau_plus", "tau_minus", "tau_y", "a2_plus", "a3_plus",
                         "a2_minus", "a3_minus",  "w_min", "w_max"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    fs_assert_close(get(b, names[i]), want[i], 0.0, 0.0);
  assert_int_equal(b->rule->preset("hippocampal", b->params, NULL), FS_OK);
  double hip[] = {16.8e-3, 33.7e-3, 40e-3, 5.3e-3, 8e-3, 3.5e-3, 0.0, 0.0, 2.0};
  for (size_t i = 0; i < sizeof hip / sizeof hip[0]; i++)
    fs_assert_close(get(b, names[i]), hip[i], 0.0, 0.0);
  free(b);
}

/* --- (1) the pair window ---------------------------------------------------------------- */

static void test_pair_window(void **state) {
  (void)state;
  const int lag_ms[] = {1, 5, 10, 20, 40};
  for (size_t i = 0; i < sizeof lag_ms / sizeof lag_ms[0]; i++) {
    int64_t t0 = 1000, d = lag_ms[i] * MS;
    double h = (double)d * DT;
    bench *b = make_full(); /* pre then post: +a2_plus exp(-dt / tau_plus) */
    pre(b, t0);
    post(b, t0 + d);
    fs_assert_close(w_of(b) - 1.0, get(b, "a2_plus") * exp(-h / get(b, "tau_plus")), 1e-12, 0);
    free(b);
    b = make_full(); /* post then pre: -a2_minus exp(-dt / tau_minus) */
    post(b, t0);
    pre(b, t0 + d);
    fs_assert_close(w_of(b) - 1.0, -get(b, "a2_minus") * exp(-h / get(b, "tau_minus")), 1e-12, 0);
    free(b);
  }
}

/* --- (2) pairing frequency ------------------------------------------------------------------
 * 60 pairings at frequency rho, period T, the pair k at k T (k = 0..59), lag d > 0. With
 * G(k, tau) = sum_{i=1..k} exp(-i T / tau) = a (1 - a^k) / (1 - a), a = exp(-T / tau), the
 * trace values just before each spike are geometric sums over the earlier spikes:
 *   pre at kT, post at kT + d (post after pre):
 *     pre k:  o1 = e^{d/tau_minus} G(k, tau_minus), r2 = G(k, tau_x)
 *     post k: r1 = e^{-d/tau_plus} (1 + G(k, tau_plus)), o2 = G(k, tau_y)
 *   post at kT, pre at kT + d (post before pre):
 *     post k: r1 = e^{d/tau_plus} G(k, tau_plus), o2 = G(k, tau_y)
 *     pre k:  o1 = e^{-d/tau_minus} (1 + G(k, tau_minus)), r2 = G(k, tau_x)
 * and Dw = sum_k [r1 (a2_plus + a3_plus o2) - o1 (a2_minus + a3_minus r2)] while no bound is hit.
 */

#define N_PAIRS 60

static double geo(int k, double T, double tau) {
  double a = exp(-T / tau);
  return a * (1.0 - pow(a, k)) / (1.0 - a);
}

static double closed_form(const bench *b, double rho, double d, bool post_first) {
  double T = 1.0 / rho, tp = get(b, "tau_plus"), tm = get(b, "tau_minus");
  double tx = get(b, "tau_x"), ty = get(b, "tau_y"), sum = 0.0;
  for (int k = 0; k < N_PAIRS; k++) {
    double r1, o1;
    if (post_first) {
      r1 = exp(d / tp) * geo(k, T, tp);
      o1 = exp(-d / tm) * (1.0 + geo(k, T, tm));
    } else {
      r1 = exp(-d / tp) * (1.0 + geo(k, T, tp));
      o1 = exp(d / tm) * geo(k, T, tm);
    }
    sum += r1 * (get(b, "a2_plus") + get(b, "a3_plus") * geo(k, T, ty));
    sum -= o1 * (get(b, "a2_minus") + get(b, "a3_minus") * geo(k, T, tx));
  }
  return sum;
}

static double run_pairing(bench *b, double rho, int64_t d, bool post_first) {
  int64_t period = llround(1.0 / (rho * DT)), t0 = 5000;
  for (int k = 0; k < N_PAIRS; k++) {
    int64_t t = t0 + k * period;
    if (post_first) {
      post(b, t);
      pre(b, t + d);
    } else {
      pre(b, t);
      post(b, t + d);
    }
  }
  return w_of(b) - 1.0;
}

static const double freqs[] = {1.0, 10.0, 20.0, 40.0, 50.0};

static void check_frequencies(bench *(*make_bench)(void), double *dw_pre_post,
                              double *dw_post_pre) {
  for (size_t i = 0; i < sizeof freqs / sizeof freqs[0]; i++) {
    for (int order = 0; order < 2; order++) {
      bench *b = make_bench();
      double got = run_pairing(b, freqs[i], 10 * MS, order == 1);
      fs_assert_close(got, closed_form(b, freqs[i], 10e-3, order == 1), 1e-9, 0);
      (order ? dw_post_pre : dw_pre_post)[i] = got;
      free(b);
    }
  }
}

static bench *make_visual(void) {
  bench *b = make("visual_cortex");
  set(b, "w_min", -1e3);
  set(b, "w_max", 1e3);
  return b;
}

static void test_pairing_frequency(void **state) {
  (void)state;
  double pp[5], qp[5];
  check_frequencies(make_full, pp, qp);
  check_frequencies(make_visual, pp, qp);
  /* Sjostrom et al. (2001): post-before-pre depresses at low frequency, and at 40 Hz and above
   * both orders potentiate; pre-before-post potentiates more the higher the frequency. */
  assert_true(qp[0] < 0 && qp[1] < 0 && qp[2] < 0);
  assert_true(qp[3] > 0 && qp[4] > 0);
  assert_true(pp[3] > 0 && pp[4] > 0);
  for (size_t i = 1; i < 5; i++)
    assert_true(pp[i] > pp[i - 1]);
}

/* --- (3) triplets ------------------------------------------------------------------------- */

static void test_triplets(void **state) {
  (void)state;
  int64_t t0 = 2000, t1 = 5 * MS, t2 = 15 * MS;
  double h1 = (double)t1 * DT, h2 = (double)t2 * DT;
  bench *b = make_full(); /* pre at 0, post at t1, pre at t2 */
  pre(b, t0);
  post(b, t0 + t1);
  pre(b, t0 + t2);
  double want = get(b, "a2_plus") * exp(-h1 / get(b, "tau_plus")) -
                exp(-(h2 - h1) / get(b, "tau_minus")) *
                    (get(b, "a2_minus") + get(b, "a3_minus") * exp(-h2 / get(b, "tau_x")));
  fs_assert_close(w_of(b) - 1.0, want, 1e-12, 0);
  free(b);
  b = make_full(); /* post at 0, pre at t1, post at t2 */
  post(b, t0);
  pre(b, t0 + t1);
  post(b, t0 + t2);
  want = -get(b, "a2_minus") * exp(-h1 / get(b, "tau_minus")) +
         exp(-(h2 - h1) / get(b, "tau_plus")) *
             (get(b, "a2_plus") + get(b, "a3_plus") * exp(-h2 / get(b, "tau_y")));
  fs_assert_close(w_of(b) - 1.0, want, 1e-12, 0);
  free(b);
}

/* --- (4) the bounds ---------------------------------------------------------------------- */

static void test_bounds(void **state) {
  (void)state;
  bench *b = make("visual_cortex");
  set(b, "w_max", 1.05);
  set(b, "w_min", 0.9);
  run_pairing(b, 50.0, 5 * MS, false); /* strong potentiation: stops at w_max */
  fs_assert_close(w_of(b), 1.05, 0.0, 0.0);
  /* the next change starts from the bound: a post-pre pair a second after the pairing */
  int64_t t = 5000 + N_PAIRS * 200 + 10000;
  post(b, t);
  unsigned char then[FS_SYNRULE_MAX_RECORD];
  b->rule->peek(&b->part, 0, t + 10 * MS, &b->env, then);
  double o1 = fs_synrule_field_value(fs_synrule_find_field(b->rule, "o1"), then);
  double r2 = fs_synrule_field_value(fs_synrule_find_field(b->rule, "r2"), then);
  pre(b, t + 10 * MS);
  fs_assert_close(w_of(b), 1.05 - o1 * (get(b, "a2_minus") + get(b, "a3_minus") * r2), 1e-12, 0);
  for (int k = 1; k <= 200; k++) { /* strong depression: stops at w_min */
    post(b, t + k * 10000);
    pre(b, t + k * 10000 + MS);
  }
  fs_assert_close(w_of(b), 0.9, 0.0, 0.0);
  free(b);
}

/* --- peek, advance, means --------------------------------------------------------------- */

static void test_peek_advance(void **state) {
  (void)state;
  bench *b = make_full();
  pre(b, 100);
  post(b, 200);
  unsigned char copy[FS_SYNRULE_MAX_RECORD], out[FS_SYNRULE_MAX_RECORD];
  memcpy(copy, b->rec, b->rule->record_size);
  b->rule->peek(&b->part, 0, 1200, &b->env, out);
  assert_memory_equal(copy, b->rec, b->rule->record_size); /* left as it was */
  const fs_synrule_field *r1 = fs_synrule_find_field(b->rule, "r1"),
                         *o2 = fs_synrule_find_field(b->rule, "o2");
  fs_assert_close(fs_synrule_field_value(r1, out), exp(-0.11 / get(b, "tau_plus")), 1e-12, 0);
  fs_assert_close(fs_synrule_field_value(o2, out), exp(-0.1 / get(b, "tau_y")), 1e-12, 0);
  b->rule->advance(&b->part, 0, 1200, &b->env);
  assert_memory_equal(out, b->rec, b->rule->record_size); /* advance stores what peek showed */
  fs_assert_close(field(b, "t_plast"), 1200, 0, 0);
  double m[FS_SYNRULE_MAX_MEANS];
  b->rule->means_of(b->params, b->rec, 2e-9, m);
  assert_string_equal(b->rule->means[0].name, "weight");
  fs_assert_close(m[0], 2e-9 * w_of(b), 1e-15, 0);
  fs_assert_close(m[1], w_of(b), 0, 0);
  free(b);
}

/* --- (5) the example experiment ---------------------------------------------------------- */

static void test_example_config(void **state) {
  (void)state;
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  fs_status st = fs_experiment_load(FS_SOURCE_DIR "/configs/plasticity/triplet_stdp.yaml", NULL, 0,
                                    &spec, &err);
  if (st != FS_OK) print_error("%s\n", err.msg);
  assert_int_equal(st, FS_OK);
  size_t plastic = 0;
  for (size_t k = 0; k < spec->n_projs; k++) {
    const fs_plasticity_spec *ps = &spec->projs[k].plastic;
    if (!ps->enabled) continue;
    plastic++;
    assert_string_equal(ps->rule->name, "triplet_stdp");
    assert_false(fs_projection_has_nmda(&spec->projs[k]));
  }
  assert_int_equal(plastic, 2);
  fs_experiment_free(spec);
}

/* The decay table the engine precomputes (gaps shorter than its length) gives the same bits as
 * the exponentials it saves: a spike train with short and long gaps, with and without it. */
static void test_table_same_bits(void **state) {
  (void)state;
  bench *with = make_full(), *without = make_full();
  void *coeff = calloc(1, with->rule->coeff_size);
  assert_non_null(coeff);
  assert_int_equal(with->rule->precompute(with->params, DT, coeff, NULL), FS_OK);
  with->env.coeff = coeff;
  const int64_t gaps[] = {1, 3, 70, 150, 2047, 2048, 5000, 12, 400};
  int64_t t = 0;
  for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
    t += gaps[i];
    if (i % 2) {
      pre(with, t);
      pre(without, t);
    } else {
      post(with, t);
      post(without, t);
    }
  }
  assert_memory_equal(with->rec, without->rec, with->rule->record_size);
  free(coeff);
  free(with);
  free(without);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_descriptor),      cmocka_unit_test(test_presets),
      cmocka_unit_test(test_pair_window),     cmocka_unit_test(test_pairing_frequency),
      cmocka_unit_test(test_triplets),        cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_peek_advance),    cmocka_unit_test(test_example_config),
      cmocka_unit_test(test_table_same_bits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
