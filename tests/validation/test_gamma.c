/* test_gamma.c - docs/validation.md target 47: gamma oscillations with strong interneuron
 * coupling (Vlachos et al. 2011, Fig. 8A; the ReScience replication by Carvalho et al. found the
 * peak of the population activity's spectrum at 66.41 Hz with p_II raised from 0.1 to 0.5).
 * Runs configs/experiments/gamma_ba.yaml (a standalone basal amygdala at full size, 3400
 * principal cells and 600 interneurons, with a tone-like drive to every cell) with its strong
 * coupling and with the fear circuit's default coupling (no I->I, I->E at p 0.05), and reads the
 * population rates in 1-ms bins. */
#include "fear_runs.h"

#define GAMMA_CONFIG "gamma_ba.yaml"
#define BIN 1e-3 /* s, record.rate_bin of the config */
#define SKIP 500 /* bins: the first 0.5 s (the start from rest) is left out */
#define WIN 256  /* bins per Welch window: 3.9 Hz resolution */
#define NF (WIN / 2 + 1)
#define F_LO 10.0 /* Hz: the range searched for the peak and for the background */
#define F_HI 250.0
#define PUBLISHED 66.41 /* Hz, the replication's peak */
#define TWO_PI 6.283185307179586

/* the default coupling of configs/circuits/fear_circuit.yaml: no I->I, I->E at p 0.05 */
#define DEFAULT_COUPLING                                                                           \
  "--set 'projections[14].weight=0 nS' --set projections[11].connect.p=0.05 "                      \
  "--set projections[12].connect.p=0.05 --set projections[13].connect.p=0.05"

typedef struct spectrum {
  double power[NF]; /* Welch average of |DFT|^2, arbitrary units */
  double rate;      /* mean rate over the analysed bins, Hz */
} spectrum;

static int setup(void **state) {
  return fs_test_setup(state);
}
static int teardown(void **state) {
  return fs_test_teardown(state);
}

static double freq(int k) {
  return k / (WIN * BIN);
}

/* Runs gamma_ba.yaml with extra options into <test dir>/<name>.h5; returns the file's path. */
static const char *gamma_run(const char *name, const char *opts) {
  static char out[256];
  fear_run_file(name, GAMMA_CONFIG, opts, out, sizeof out);
  return out;
}

/* Adds the power of one Hann-windowed window (its own mean removed) by a plain DFT. */
static void add_window(const double *x, double *power) {
  double mean = 0.0, w[WIN];
  for (int i = 0; i < WIN; i++)
    mean += x[i] / WIN;
  for (int i = 0; i < WIN; i++)
    w[i] = (x[i] - mean) * (0.5 - 0.5 * cos(TWO_PI * i / WIN));
  for (int k = 0; k < NF; k++) {
    double re = 0.0, im = 0.0;
    for (int i = 0; i < WIN; i++) {
      re += w[i] * cos(TWO_PI * k * i / WIN);
      im -= w[i] * sin(TWO_PI * k * i / WIN);
    }
    power[k] += re * re + im * im;
  }
}

/* Welch's estimate of the spectrum of /rates/<pop> after SKIP: windows of WIN bins, half
 * overlapping, averaged. */
static spectrum rate_spectrum(const char *file, const char *pop) {
  size_t n = 0;
  double *x = fear_rates(file, pop, SKIP + 4 * WIN, &n);
  spectrum s = {{0.0}, 0.0};
  for (size_t i = SKIP; i < n; i++)
    s.rate += x[i] / (double)(n - SKIP);
  int windows = 0;
  for (size_t start = SKIP; start + WIN <= n; start += WIN / 2, windows++)
    add_window(x + start, s.power);
  for (int k = 0; k < NF; k++)
    s.power[k] /= windows;
  free(x);
  return s;
}

/* The bin of largest power with frequency in [lo, hi]. */
static int peak_bin(const spectrum *s, double lo, double hi) {
  int best = -1;
  for (int k = 0; k < NF; k++)
    if (freq(k) >= lo && freq(k) <= hi && (best < 0 || s->power[k] > s->power[best])) best = k;
  return best;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The spectrum's background: the median power over [F_LO, F_HI]. */
static double background(const spectrum *s) {
  double v[NF];
  int m = 0;
  for (int k = 0; k < NF; k++)
    if (freq(k) >= F_LO && freq(k) <= F_HI) v[m++] = s->power[k];
  qsort(v, (size_t)m, sizeof v[0], cmp_double);
  return v[m / 2];
}

/* Peak of pop's spectrum over [F_LO, F_HI]: its frequency, and its power over the background. */
static double peak_frequency(const char *file, const char *pop, double *ratio, double *rate) {
  spectrum s = rate_spectrum(file, pop);
  int k = peak_bin(&s, F_LO, F_HI);
  *ratio = s.power[k] / background(&s);
  *rate = s.rate;
  return freq(k);
}

/* Target 47: with strong interneuron coupling (I->I at p 0.5, 6 nS, 2-ms delays; I->E at p
 * 0.15) the rate of the interneurons and of the fear neurons has its spectral peak in the gamma
 * band (30-90 Hz), within 20 Hz of the published 66.41 Hz, at least 5 times the spectrum's
 * background, at one frequency for both. 20 Hz because the frequency is not fixed by the
 * sources: it moves by more than that with the I->I weight (a judgment; 105 Hz at 2 nS, 59 Hz at
 * 16 nS) and Vlachos's synapses are 0.33-ms alpha functions where fearsim's GABA-A decays in 5
 * ms. Measured (seeds 1, 2, 3): BA_I 82.0, 78.1, 82.0 Hz, ratio 11.4, 11.0, 15.0; BA_fear at the
 * same frequencies, ratio 10.8, 14.7, 11.2; rates BA_I 10.9-11.1 Hz, BA_fear 7.8 Hz. With the
 * circuit's coupling in the config it fails: peak 183.6 Hz, 4.6 x, the principal cells silent. */
static void test_gamma_with_strong_coupling(void **state) {
  (void)state;
  for (int seed = 1; seed <= 3; seed++) {
    char name[32], opts[32];
    snprintf(name, sizeof name, "strong_%d", seed);
    snprintf(opts, sizeof opts, "--seed %d", seed);
    const char *file = gamma_run(name, opts);
    double ri, re, rate_i, rate_e;
    double fi = peak_frequency(file, "BA_I", &ri, &rate_i);
    double fe = peak_frequency(file, "BA_fear", &re, &rate_e);
    print_message("strong coupling, seed %d: BA_I %.2f Hz, peak %.1f Hz (power %.1f x "
                  "background); BA_fear %.2f Hz, peak %.1f Hz (%.1f x); published %.2f Hz\n",
                  seed, rate_i, fi, ri, rate_e, fe, re, PUBLISHED);
    assert_true(fi >= 30.0 && fi <= 90.0);
    assert_true(fabs(fi - PUBLISHED) <= 20.0);
    assert_true(ri >= 5.0);
    assert_true(re >= 5.0);
    assert_true(fabs(fe - fi) <= 1.5 * freq(1));
  }
}

/* With the fear circuit's coupling the interneurons, under the same input, fire fast and
 * asynchronously: no bin of the gamma band stands 3 times above the background. Measured
 * (seeds 1, 2, 3): gamma-band maximum 1.0, 0.9, 0.7 x background; BA_I 164 Hz, the principal
 * cells silent. */
static void test_no_gamma_with_default_coupling(void **state) {
  (void)state;
  for (int seed = 1; seed <= 3; seed++) {
    char name[32], opts[256];
    snprintf(name, sizeof name, "default_%d", seed);
    snprintf(opts, sizeof opts, "--seed %d %s", seed, DEFAULT_COUPLING);
    spectrum s = rate_spectrum(gamma_run(name, opts), "BA_I");
    int k = peak_bin(&s, 30.0, 90.0);
    double ratio = s.power[k] / background(&s);
    print_message("default coupling, seed %d: BA_I %.2f Hz, gamma-band maximum at %.1f Hz, %.1f x "
                  "background\n",
                  seed, s.rate, freq(k), ratio);
    assert_true(ratio < 3.0);
  }
}

/* Peak of BA_I's spectrum in a run of the strong coupling with extra options. */
static double strong_peak(const char *name, const char *opts, double *ratio) {
  double rate;
  double f = peak_frequency(gamma_run(name, opts), "BA_I", ratio, &rate);
  print_message("BA_I %6.2f Hz, peak %5.1f Hz (%5.1f x background)  %s\n", rate, f, *ratio,
                *opts ? opts : "(as configured)");
  return f;
}

/* The frequency of this interneuron gamma is set by the I->I coupling: the peak moves down as
 * the I->I weight grows, by more than 10 Hz from 2 to 6 nS and from 6 to 16 nS, and never up
 * by more than one bin (seed 1; peak in Hz, power over background): 0.5 nS 128.9 (36.3), 1 nS
 * 117.2 (71.4), 2 nS 105.5 (47.3), 3 nS 101.6 (26.5), 4 nS 89.8 (13.6), 6 nS 82.0 (11.4), 8 nS
 * 78.1 (9.7), 10 nS 70.3 (6.1), 16 nS 58.6 (9.2). */
static void test_frequency_falls_with_ii_weight(void **state) {
  (void)state;
  const double weights[] = {0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 16.0};
  double f[sizeof weights / sizeof weights[0]], at[3] = {0.0};
  for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++) {
    char name[32], opts[64];
    double ratio;
    snprintf(name, sizeof name, "ii_%g", weights[i]);
    snprintf(opts, sizeof opts, "--set 'projections[14].weight=%g nS'", weights[i]);
    f[i] = strong_peak(name, opts, &ratio);
    assert_true(ratio >= 5.0);
    if (i > 0) assert_true(f[i] <= f[i - 1] + freq(1));
    if (weights[i] == 2.0) at[0] = f[i];
    if (weights[i] == 6.0) at[1] = f[i];
    if (weights[i] == 16.0) at[2] = f[i];
  }
  assert_true(at[0] - at[1] >= 10.0);
  assert_true(at[1] - at[2] >= 10.0);
}

/* The I->I delay sets the frequency too: at the fear circuit's 1 ms the peak leaves the gamma
 * band (above 90 Hz), at 3 ms it lies 15 Hz or more below the 2 ms one. The GABA-A decay of the
 * interneurons sets how coherent the rhythm is more than its frequency: at 2.5 ms the peak
 * stands higher above the background than at the default 5 ms, at 10 ms lower. Measured (seed
 * 1): delay 1 ms 187.5 Hz (7.0 x), 3 ms 50.8 Hz (41.8 x); decay 2.5 ms 89.8 Hz (255.6 x), 10 ms
 * 85.9 Hz (4.1 x), against 82.0 Hz (11.4 x). */
static void test_delay_and_decay(void **state) {
  (void)state;
  double r2, r1, r3, r_fast, r_slow;
  double f2 = strong_peak("delay_2", "", &r2);
  double f1 = strong_peak("delay_1", "--set 'projections[14].delay=1 ms'", &r1);
  double f3 = strong_peak("delay_3", "--set 'projections[14].delay=3 ms'", &r3);
  strong_peak("decay_2.5", "--set 'populations.BA_I.params.tau_gaba=2.5 ms'", &r_fast);
  strong_peak("decay_10", "--set 'populations.BA_I.params.tau_gaba=10 ms'", &r_slow);
  assert_true(f1 > 90.0);
  assert_true(f3 <= f2 - 15.0);
  assert_true(r_fast > r2);
  assert_true(r_slow < r2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gamma_with_strong_coupling),
      cmocka_unit_test(test_no_gamma_with_default_coupling),
      cmocka_unit_test(test_frequency_falls_with_ii_weight),
      cmocka_unit_test(test_delay_and_decay),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
