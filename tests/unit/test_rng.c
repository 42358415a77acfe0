/* test_rng.c - Philox4x32-10 against its published known answers, the distributions' moments,
 * and the independence of streams (a stream per agent, never per thread). */
#include "fs_test.h"

#include <fearsim/elementary.h>
#include <fearsim/rng.h>

static void check_kat(const uint32_t key[2], const uint32_t ctr[4], const uint32_t want[4]) {
  uint32_t out[4];
  fs_rng_philox4x32(key, ctr, out);
  for (int i = 0; i < 4; i++)
    assert_int_equal(out[i], want[i]);
}

/* Known-answer vectors of Random123's kat_vectors for philox4x32_10. */
static void test_philox_known_answers(void **state) {
  (void)state;
  const uint32_t k0[2] = {0, 0}, c0[4] = {0, 0, 0, 0};
  const uint32_t w0[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
  const uint32_t k1[2] = {0xffffffff, 0xffffffff};
  const uint32_t c1[4] = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff};
  const uint32_t w1[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
  const uint32_t k2[2] = {0xa4093822, 0x299f31d0};
  const uint32_t c2[4] = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344};
  const uint32_t w2[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
  check_kat(k0, c0, w0);
  check_kat(k1, c1, w1);
  check_kat(k2, c2, w2);
}

#define N 200000

static void test_uniform_moments(void **state) {
  (void)state;
  fs_rng r = fs_rng_make(42, fs_rng_stream_id(FS_RNG_INPUT, 3, 7), 0);
  double sum = 0, sum2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < N; i++) {
    double u = fs_rng_uniform(&r);
    sum += u;
    sum2 += u * u;
    lo = u < lo ? u : lo;
    hi = u > hi ? u : hi;
  }
  double mean = sum / N, var = sum2 / N - mean * mean;
  assert_true(lo > 0.0 && hi < 1.0);
  fs_assert_close(mean, 0.5, 0.0, 5 * sqrt(1.0 / 12 / N));
  /* Var of the sample variance of U(0,1): (mu4 - sigma^4)/N = (1/80 - 1/144)/N */
  fs_assert_close(var, 1.0 / 12, 0.0, 5 * sqrt((1.0 / 80 - 1.0 / 144) / N));
}

static void test_normal_and_exponential_moments(void **state) {
  (void)state;
  fs_rng r = fs_rng_make(7, fs_rng_stream_id(FS_RNG_INIT, 0, 1), 0);
  double s = 0, s2 = 0, e = 0;
  for (int i = 0; i < N; i++) {
    double x = fs_rng_normal(&r);
    s += x;
    s2 += x * x;
    e += fs_rng_exponential(&r);
  }
  fs_assert_close(s / N, 0.0, 0.0, 5.0 / sqrt(N));
  fs_assert_close(s2 / N, 1.0, 0.0, 5 * sqrt(2.0 / N)); /* Var(x^2) = 2 */
  fs_assert_close(e / N, 1.0, 0.0, 5.0 / sqrt(N));
}

/* The draw as fs_rng_geometric made it before the engine hoisted log(1 - p) out of its loops. */
static uint64_t geometric_as_before(fs_rng *r, double p) {
  if (p >= 1.0) return 0;
  if (p <= 0.0) return UINT64_MAX;
  double k = floor(fs_log(fs_rng_uniform(r)) / fs_log1p(-p));
  return k >= 1.8e19 ? UINT64_MAX : (uint64_t)k;
}

/* A draw from a precomputed log(1 - p), and fs_rng_geometric, are that draw bit for bit and
 * stream for stream; p = 0 and p = 1 draw nothing. */
static void test_geometric_from_log_is_the_same_draw(void **state) {
  (void)state;
  const double ps[] = {1e-300, 1e-9,  1e-4, 0.02, 0.2928, 0.3, 0.5,
                       0.7072, 0.999, 0.0,  1.0,  2.0,    -1.0};
  for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
    fs_rng a = fs_rng_make(3, k, 0), b = fs_rng_make(3, k, 0), c = fs_rng_make(3, k, 0);
    double log_q = fs_rng_geometric_log_q(ps[k]);
    for (int i = 0; i < 1000; i++) {
      uint64_t before = geometric_as_before(&a, ps[k]);
      assert_true(fs_rng_geometric_from_log(&b, log_q) == before);
      assert_true(fs_rng_geometric(&c, ps[k]) == before);
    }
    uint32_t next = fs_rng_u32(&a); /* the streams are at the same place */
    assert_true(fs_rng_u32(&b) == next && fs_rng_u32(&c) == next);
  }
  fs_rng r = fs_rng_make(3, 99, 0), untouched = fs_rng_make(3, 99, 0);
  assert_int_equal(fs_rng_geometric_from_log(&r, fs_rng_geometric_log_q(1.0)), 0);
  assert_true(fs_rng_geometric_from_log(&r, fs_rng_geometric_log_q(0.0)) == UINT64_MAX);
  assert_true(fs_rng_u32(&r) == fs_rng_u32(&untouched));
}

static void test_geometric_and_below(void **state) {
  (void)state;
  fs_rng r = fs_rng_make(9, 1, 0);
  const double p = 0.02;
  double sum = 0;
  for (int i = 0; i < N; i++)
    sum += (double)fs_rng_geometric(&r, p);
  double mean = (1 - p) / p, sd = sqrt(1 - p) / p;
  fs_assert_close(sum / N, mean, 0.0, 5 * sd / sqrt(N));
  assert_int_equal(fs_rng_geometric(&r, 1.0), 0);
  assert_true(fs_rng_geometric(&r, 0.0) == UINT64_MAX);
  /* below(7): each value about N/7 times (5 sigma), and Pearson's chi-square with 6 degrees
   * of freedom below 27.9 (its 0.9999 quantile) */
  int count[7] = {0};
  for (int i = 0; i < N; i++) {
    uint64_t x = fs_rng_below(&r, 7);
    assert_true(x < 7);
    count[x]++;
  }
  double chi2 = 0;
  for (int k = 0; k < 7; k++) {
    fs_assert_close(count[k], N / 7.0, 0.0, 5 * sqrt(N / 7.0));
    chi2 += (count[k] - N / 7.0) * (count[k] - N / 7.0) / (N / 7.0);
  }
  assert_true(chi2 < 27.9);
  assert_int_equal(fs_rng_below(&r, 1), 0);
}

/* below(n) for an n close to 2^64: n = 3 * 2^62. A plain x % n would put the values below
 * 2^62 twice as often as the others (1/2 of the draws instead of 1/3); rejection must not. */
static void test_below_large_n_unbiased(void **state) {
  (void)state;
  fs_rng r = fs_rng_make(3, 4, 0);
  const uint64_t n = 3ull << 62;
  const int m = 30000;
  int low = 0;
  for (int i = 0; i < m; i++) {
    uint64_t x = fs_rng_below(&r, n);
    assert_true(x < n);
    low += x < (1ull << 62);
  }
  fs_assert_close(low, m / 3.0, 0.0, 5 * sqrt(m * (1.0 / 3) * (2.0 / 3)));
}

static double correlation(fs_rng a, fs_rng b) {
  double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < N; i++) {
    double x = fs_rng_uniform(&a), y = fs_rng_uniform(&b);
    sa += x;
    sb += y;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  double cov = sab / N - sa / N * sb / N;
  return cov / sqrt((saa / N - sa * sa / N / N) * (sbb / N - sb * sb / N / N));
}

/* Neighbouring streams, seeds and purposes are uncorrelated. */
static void test_stream_independence(void **state) {
  (void)state;
  uint64_t s0 = fs_rng_stream_id(FS_RNG_CONNECT, 2, 100);
  uint64_t s1 = fs_rng_stream_id(FS_RNG_CONNECT, 2, 101);
  uint64_t s2 = fs_rng_stream_id(FS_RNG_INIT, 2, 100);
  double bound = 5.0 / sqrt(N);
  assert_true(fabs(correlation(fs_rng_make(1, s0, 0), fs_rng_make(1, s1, 0))) < bound);
  assert_true(fabs(correlation(fs_rng_make(1, s0, 0), fs_rng_make(2, s0, 0))) < bound);
  assert_true(fabs(correlation(fs_rng_make(1, s0, 0), fs_rng_make(1, s2, 0))) < bound);
  assert_true(s0 != s1 && s0 != s2);
}

/* The stream API is Philox itself: key = the seed's low and high words, counter = (block
 * counter low, high, stream low, high), words delivered in order. Checked against the third
 * known answer, so a change of layout (which would silently change every result) fails. */
static void test_stream_is_philox(void **state) {
  (void)state;
  fs_rng r = fs_rng_make(0x299f31d0a4093822ull, 0x0370734413198a2eull, 0x85a308d3243f6a88ull);
  const uint32_t w2[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
  for (int i = 0; i < 4; i++)
    assert_int_equal(fs_rng_u32(&r), w2[i]);
  fs_rng z = fs_rng_make(0, 0, 0);
  const uint32_t w0[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
  for (int i = 0; i < 4; i++)
    assert_int_equal(fs_rng_u32(&z), w0[i]);
  /* the stream id: purpose in the top 8 bits, group in the next 16, index in the low 40 */
  assert_true(fs_rng_stream_id(FS_RNG_INPUT, 0x1234, 0xabcdef0123ull) == 0x031234abcdef0123ull);
}

/* The extreme words give values strictly inside (0, 1), as rng.h promises. */
static void test_uniform_extremes(void **state) {
  (void)state;
  fs_rng r = fs_rng_make(1, 1, 0);
  for (int i = 0; i < 4; i++)
    r.buf[i] = 0; /* a block of four zero words, as if drawn */
  r.used = 0;
  fs_assert_close(fs_rng_uniform(&r), 0x1.0p-53, 0.0, 0.0);
  for (int i = 0; i < 4; i++)
    r.buf[i] = 0xffffffffu;
  r.used = 0;
  double u = fs_rng_uniform(&r);
  assert_true(u < 1.0);
  fs_assert_close(u, 1.0 - 0x1.0p-53, 0.0, 0.0);
}

/* A stream resumed at a counter continues the same sequence (checkpoints rely on it). */
static void test_resume_at_counter(void **state) {
  (void)state;
  fs_rng a = fs_rng_make(5, 77, 0);
  uint32_t first[8];
  for (int i = 0; i < 8; i++)
    first[i] = fs_rng_u32(&a);
  fs_rng b = fs_rng_make(5, 77, 1); /* the second block of four words */
  for (int i = 4; i < 8; i++)
    assert_int_equal(fs_rng_u32(&b), first[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_philox_known_answers),
      cmocka_unit_test(test_uniform_moments),
      cmocka_unit_test(test_normal_and_exponential_moments),
      cmocka_unit_test(test_geometric_from_log_is_the_same_draw),
      cmocka_unit_test(test_geometric_and_below),
      cmocka_unit_test(test_below_large_n_unbiased),
      cmocka_unit_test(test_stream_is_philox),
      cmocka_unit_test(test_uniform_extremes),
      cmocka_unit_test(test_stream_independence),
      cmocka_unit_test(test_resume_at_counter),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
