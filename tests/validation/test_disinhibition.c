/* test_disinhibition.c - docs/validation.md target 14: NMDA block acts first on the
 * interneurons and the principal cells' firing rises (Homayoun & Moghaddam 2007, J Neurosci
 * 27:11496: MK-801 decreased the firing of most putative interneurons and, with a delay,
 * increased that of most pyramidal neurons in PFC; a network model, eNeuro 2023, needs a higher
 * affinity at the interneurons). Runs configs/experiments/disinhibition.yaml (400 adex_cond
 * principal cells PYR, 100 lif_cond interneurons INT, ketamine at a fixed concentration from
 * 10 s to 40 s) and compares the population rates drug-free (5-10 s) with those under the drug
 * (the last 10 s). */
#include "fear_runs.h"

#define DIS_CONFIG "disinhibition.yaml"
#define ONSET 10 /* bin (1 s each) where the drug starts */
#define BASE_FIRST 5
#define LAST_BINS 10

/* the interneurons' NMDA share brought down to the principal cells' (nmda_ratio 0.1), their
 * AMPA weight raised 4x so that they fire as fast drug-free (about 29 Hz against 30 Hz) */
#define EQUAL_SHARE                                                                                \
  "--set projections[1].nmda_ratio=0.1 --set projections[2].nmda_ratio=0.1 "                       \
  "--set 'projections[1].weight=2 nS' --set 'projections[2].weight=4 nS'"
/* the eNeuro model's assumption: ketamine's k_on 3x higher at the interneurons */
#define SELECTIVE "--set 'drugs[0].selectivity={INT: 3}'"

typedef struct pop_change {
  double before, after; /* Hz */
  double change;        /* after / before - 1 */
  int t_half;           /* s after the onset until half the change is reached */
} pop_change;

static int setup(void **state) {
  return fs_test_setup(state);
}
static int teardown(void **state) {
  return fs_test_teardown(state);
}

static double mean(const double *x, size_t from, size_t to) {
  double s = 0.0;
  for (size_t i = from; i < to; i++)
    s += x[i];
  return s / (double)(to - from);
}

/* The end of the first 1-s bin after the onset where the rate has made half its change. */
static int half_time(const double *x, size_t n, const pop_change *c) {
  double half = 0.5 * (c->after - c->before);
  for (size_t i = ONSET; i < n; i++)
    if ((x[i] - c->before) / half >= 1.0) return (int)(i - ONSET + 1);
  return -1;
}

static pop_change rate_change(const char *file, const char *pop) {
  size_t n = 0;
  double *x = fear_rates(file, pop, ONSET + 2 * LAST_BINS, &n);
  pop_change c = {mean(x, BASE_FIRST, ONSET), mean(x, n - LAST_BINS, n), 0.0, -1};
  c.change = c.after / c.before - 1.0;
  c.t_half = half_time(x, n, &c);
  free(x);
  return c;
}

/* Runs disinhibition.yaml with a seed, a ketamine concentration (uM) and extra options. */
static void dis_run(int seed, double conc, const char *opts, pop_change *pyr, pop_change *in) {
  char name[64], out[256], all_opts[1024];
  snprintf(name, sizeof name, "dis_%d_%g", seed, conc);
  snprintf(all_opts, sizeof all_opts, "--seed %d --set 'drugs[0].concentration=%g uM' %s", seed,
           conc, opts);
  fear_run_file(name, DIS_CONFIG, all_opts, out, sizeof out);
  *pyr = rate_change(out, "PYR");
  *in = rate_change(out, "INT");
  print_message("seed %d, %g uM %s: PYR %.2f -> %.2f Hz (%+.1f %%, half at %d s), INT %.2f -> "
                "%.2f Hz (%+.1f %%, half at %d s)\n",
                seed, conc, *opts ? opts : "(as configured)", pyr->before, pyr->after,
                100.0 * pyr->change, pyr->t_half, in->before, in->after, 100.0 * in->change,
                in->t_half);
}

/* With the interneurons driven mostly through NMDA receptors, 1 uM ketamine lowers their rate
 * by more than 25 % and raises the principal cells' by more than 20 %, and the interneurons
 * make half their change at least 1 s before the principal cells. Measured (seeds 1, 2, 3):
 * INT -40.8, -39.8, -40.8 %; PYR +45.6, +48.4, +42.3 %; half times INT 6, 5, 5 s, PYR 8, 7, 7 s.
 * With the equal NMDA share (EQUAL_SHARE) written into the config it fails: PYR +0.7 %. */
static void test_disinhibition_at_1uM(void **state) {
  (void)state;
  for (int seed = 1; seed <= 3; seed++) {
    pop_change pyr, in;
    dis_run(seed, 1.0, "", &pyr, &in);
    assert_true(in.change < -0.25);
    assert_true(pyr.change > 0.20);
    assert_true(in.t_half > 0 && pyr.t_half > 0);
    assert_true(in.t_half + 1 <= pyr.t_half);
  }
}

/* Without the interneurons' larger NMDA share there is no disinhibition: the block still
 * lowers their rate (more than 15 %), but the principal cells lose as much of their own NMDA
 * drive as they gain from the lost inhibition and change by less than 10 %. Measured (seeds
 * 1, 2, 3): INT -29.6, -28.7, -29.3 %; PYR +0.7, +2.0, +1.0 %. */
static void test_none_with_equal_nmda_share(void **state) {
  (void)state;
  for (int seed = 1; seed <= 3; seed++) {
    pop_change pyr, in;
    dis_run(seed, 1.0, EQUAL_SHARE, &pyr, &in);
    assert_true(in.change < -0.15);
    assert_true(pyr.change < 0.10);
  }
}

/* The eNeuro model's route: with the equal NMDA share but a 3x higher k_on at the
 * interneurons, the principal cells' rate rises again by more than 15 %. Here the interneurons
 * do not lead (not asserted): both make half their change within a bin of each other. Measured
 * (seeds 1, 2, 3): INT -39.0, -37.7, -38.4 %; PYR +30.5, +32.5, +30.8 %; half times INT 4, 4, 5 s,
 * PYR 3, 4, 4 s. */
static void test_selectivity_gives_it_back(void **state) {
  (void)state;
  for (int seed = 1; seed <= 3; seed++) {
    pop_change pyr, in;
    dis_run(seed, 1.0, EQUAL_SHARE " " SELECTIVE, &pyr, &in);
    assert_true(in.change < -0.25);
    assert_true(pyr.change > 0.15);
  }
}

/* Too much block shrinks the disinhibition: at 10 uM (block about 0.8 at both populations)
 * the principal cells' rise is less than 0.9 times the rise at 3 uM, the largest of 0.1-30 uM. It
 * does not reverse up to 30 uM (not asserted). Measured (seeds 1, 2, 3): rise at 3 uM +139.8,
 * +146.4, +135.5 %; at 10 uM +101.9, +115.5, +99.5 %. Without the principal cells' NMDA drive
 * (projections[0].nmda_ratio 0.001; seed 1, PYR 0.65 Hz drug-free) it fails: the rise
 * plateaus, +533 % at 3 uM, +530 % at 10 uM. */
static void test_too_much_block_shrinks_it(void **state) {
  (void)state;
  for (int seed = 1; seed <= 3; seed++) {
    pop_change pyr3, in3, pyr10, in10;
    dis_run(seed, 3.0, "", &pyr3, &in3);
    dis_run(seed, 10.0, "", &pyr10, &in10);
    assert_true(pyr3.change > 0.20);
    assert_true(pyr10.change < 0.9 * pyr3.change);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_disinhibition_at_1uM),
      cmocka_unit_test(test_none_with_equal_nmda_share),
      cmocka_unit_test(test_selectivity_gives_it_back),
      cmocka_unit_test(test_too_much_block_shrinks_it),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
