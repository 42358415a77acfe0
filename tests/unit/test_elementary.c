/* test_elementary.c - fearsim's exp, expm1, log, log1p, cos and pow: their error against a
 * reference in long double (x87's 64-bit significand, 11 bits beyond double's), their special
 * values, and the same bits on every path: the library's vectorised loop against a scalar
 * call compiled here, and a fingerprint of 10^5 results per function against the bits this
 * code gives by IEEE arithmetic alone, which any CPU must reproduce. */
#include "fs_test.h"

#include <fearsim/elementary.h>
#include <fearsim/hash.h>
#include <fearsim/rng.h>

#include <float.h>
#include <stdlib.h>

#define N 4096

/* |got - want| in units of the last place of the double nearest to want. */
static double ulps(long double want, double got) {
  double w = (double)want;
  if (w == 0.0) return got == 0.0 ? 0.0 : INFINITY;
  double ulp = nextafter(fabs(w), INFINITY) - fabs(w);
  return (double)(fabsl((long double)got - want) / ulp);
}

static void fill(double *x, size_t n, double lo, double hi, uint64_t stream) {
  fs_rng r = fs_rng_make(7, stream, 0);
  for (size_t i = 0; i < n; i++)
    x[i] = lo + (hi - lo) * fs_rng_uniform(&r);
}

typedef double (*unary_fn)(double);
typedef long double (*reference_fn)(long double);

static double call_exp(double x) {
  return fs_exp(x);
}
static double call_expm1(double x) {
  return fs_expm1(x);
}
static double call_log(double x) {
  return fs_log(x);
}
static double call_pow(double x) { /* the library's exp and log */
  return fs_pow(x, 1.37);
}

/* The worst error over n uniform points of [lo, hi]. */
static double worst_ulps(unary_fn f, reference_fn ref, double lo, double hi, uint64_t stream) {
  static double x[N];
  fill(x, N, lo, hi, stream);
  double worst = 0.0;
  for (size_t i = 0; i < N; i++)
    worst = fmax(worst, ulps(ref((long double)x[i]), f(x[i])));
  return worst;
}

static void expect_within(unary_fn f, reference_fn ref, const double (*ranges)[2], size_t n,
                          double bound) {
  for (size_t k = 0; k < n; k++) {
    double w = worst_ulps(f, ref, ranges[k][0], ranges[k][1], k);
    print_message("worst error %.3f ulp on [%g, %g]\n", w, ranges[k][0], ranges[k][1]);
    if (w > bound)
      fail_msg("worst error %.3f ulp on [%g, %g] (bound %.2f)", w, ranges[k][0], ranges[k][1],
               bound);
  }
}

static void test_exp_within_an_ulp(void **state) {
  (void)state;
  const double ranges[][2] = {{-1, 1}, {-20, 20}, {-700, 700}, {-1e-3, 1e-3}, {-708, -700}};
  expect_within(call_exp, expl, ranges, 5, 1.2); /* 1.13 found by a dense search */
  /* gradual underflow: subnormal results are rounded twice, so within 1 ulp of the smallest
   * subnormal rather than of the value */
  static double x[N];
  fill(x, N, -745, -708, 5);
  for (size_t i = 0; i < N; i++)
    assert_true(fabsl((long double)fs_exp(x[i]) - expl(x[i])) <= 0x1p-1074L + 1e-16L * expl(x[i]));
}

static void test_expm1_within_an_ulp(void **state) {
  (void)state;
  const double ranges[][2] = {{-0.7, 0.7}, {-1e-9, 1e-9}, {-3, 3}, {-40, 40}, {-50, 700}};
  expect_within(call_expm1, expm1l, ranges, 5,
                1.35); /* 1.33 found by a dense search, near x = 37 */
}

static void test_log_within_one_ulp(void **state) {
  (void)state;
  const double ranges[][2] = {{0.5, 2}, {0.999, 1.001}, {1e-300, 1e-290}, {1, 1e300}, {1e-5, 1}};
  expect_within(call_log, logl, ranges, 5, 1.0);
}

static void test_log1p_within_one_ulp(void **state) {
  (void)state;
  const double ranges[][2] = {{-1e-6, 1e-6}, {-0.29, 0.41}, {-0.999, 3}, {0.4, 100}, {1e5, 1e300}};
  expect_within(fs_log1p, log1pl, ranges, 5, 1.0);
}

static void test_cos_within_one_ulp(void **state) {
  (void)state;
  const double ranges[][2] = {{-0.78, 0.78}, {0, 6.2832}, {-100, 100}, {-1e5, 1e5}};
  expect_within(fs_cos, cosl, ranges, 4, 1.0);
}

static void test_pow(void **state) {
  (void)state;
  static double x[N], y[N];
  fill(x, N, 0.01, 100, 11);
  fill(y, N, -4, 4, 12);
  for (size_t i = 0; i < N; i++) {
    double bound = 3.0 * fabs(y[i] * log(x[i])) + 1.0; /* exp(y log x) amplifies y log x's error */
    assert_true(ulps(powl(x[i], y[i]), fs_pow(x[i], y[i])) <= bound);
  }
  assert_true(fs_pow(2.0, 0.0) == 1.0 && fs_pow(1.0, 1e300) == 1.0);
  assert_true(fs_pow(0.0, 2.0) == 0.0 && isinf(fs_pow(0.0, -1.0)));
  assert_true(isnan(fs_pow(-2.0, 0.5)));
  assert_true(fs_powi(1e-3, 1) == 1e-3 && fs_powi(1e-3, -1) == 1.0 / 1e-3);
  assert_true(fs_powi(1e-3, 2) == 1e-3 * 1e-3 && fs_powi(3.0, 5) == 243.0);
  assert_true(fs_powi(2.0, -3) == 0.125 && fs_powi(7.0, 0) == 1.0);
  assert_true(fs_powi(2.0, -1074) == 0x1p-1074 && fs_powi(0.5, 1074) == 0x1p-1074);
  /* integer and one-half powers exact where they can be, as glibc's are */
  assert_true(fs_pow(10.0, 1.0) == 10.0 && fs_pow(8.0, 1.0) == 8.0 && fs_pow(3.0, 2.0) == 9.0);
  assert_true(fs_pow(100.0, 0.5) == 10.0 && fs_pow(2.0, -2.0) == 0.25);
}

static void test_special_values(void **state) {
  (void)state;
  assert_true(fs_exp(0.0) == 1.0 && fs_exp(-0.0) == 1.0);
  fs_assert_close(fs_exp(1.0), 2.718281828459045, 2.3e-16, 0.0);
  assert_true(fs_exp(-746.0) == 0.0 && fs_exp(-1000.0) == 0.0);
  assert_true(fs_exp(-745.0) > 0.0); /* the smallest subnormal, 2^-1074 */
  assert_true(isinf(fs_exp(710.0)) && isinf(fs_exp(1000.0)));
  assert_true(isfinite(fs_exp(709.78)));
  assert_true(isnan(fs_exp(NAN)));
  assert_true(fs_expm1(0.0) == 0.0 && fs_expm1(-50.0) == -1.0 && isinf(fs_expm1(800.0)));
  assert_true(fs_expm1(1e-300) == 1e-300 && isnan(fs_expm1(NAN)));
  assert_true(fs_log(1.0) == 0.0 && fs_log(0.0) == -INFINITY && isinf(fs_log(INFINITY)));
  assert_true(isnan(fs_log(-1.0)) && isnan(fs_log(NAN)));
  fs_assert_close(fs_log(0x1p-1074), -744.4400719213812, 2.3e-16, 0.0);
  assert_true(fs_log1p(0.0) == 0.0 && fs_log1p(-1.0) == -INFINITY && isnan(fs_log1p(-2.0)));
  assert_true(fs_log1p(1e-300) == 1e-300 && isinf(fs_log1p(INFINITY)));
  assert_true(fs_cos(0.0) == 1.0 && isnan(fs_cos(INFINITY)) && isnan(fs_cos(NAN)));
}

/* The library's loop (vectorised with this machine's widest vectors) and a scalar call
 * compiled here give the same bits. */
static void test_same_bits_on_every_path(void **state) {
  (void)state;
  static double x[N], y[N];
  fill(x, N, -50, 50, 9);
  fs_exp_array(x, y, N);
  size_t differ = 0;
  for (size_t i = 0; i < N; i++) {
    volatile double xi = x[i]; /* one at a time: no vector path here */
    double s = fs_exp(xi);
    differ += memcmp(&s, &y[i], sizeof s) != 0;
  }
  assert_int_equal(differ, 0);
}

/* Hash of f over n points of [lo, hi]. The expected values below are these functions' bits as
 * computed on the machine that wrote this test (x86-64 with AVX-512); IEEE arithmetic in a
 * fixed order gives the same on any CPU, so a different value means a machine (or a compiler
 * setting, such as FMA contraction) that changes results, or a change to the functions. exp,
 * expm1 and log are inline and compiled here (with the library's interface flag
 * -ffp-contract=off); log1p, cos and pow are the library's compiled code, pow through the
 * library's own copies of exp and log. */
static uint64_t fingerprint(unary_fn f, double lo, double hi, uint64_t stream) {
  static double x[N];
  uint64_t h = 0;
  for (int block = 0; block < 25; block++) {
    fill(x, N, lo, hi, stream * 100 + (uint64_t)block);
    for (size_t i = 0; i < N; i++) {
      volatile double xi = x[i];
      double y = f(xi);
      h = fs_hash_fnv1a(&y, sizeof y, h);
    }
  }
  return h;
}

static void test_same_bits_on_every_cpu(void **state) {
  (void)state;
  const struct {
    unary_fn f;
    double lo, hi;
    uint64_t expected;
  } cases[] = {
      {call_exp, -30, 30, 0x641640a664b35a22},   {call_expm1, -3, 3, 0x9f2382daa04ec04c},
      {call_log, 1e-6, 1e6, 0xc64da597482d9c4f}, {fs_log1p, -0.9, 10, 0x747a5012e236cf27},
      {fs_cos, 0, 6.3, 0xf85b7e939f25a282},      {call_pow, 0.01, 100, 0x343b4c517ff7c401},
  };
  int bad = 0;
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    uint64_t h = fingerprint(cases[k].f, cases[k].lo, cases[k].hi, k);
    if (h != cases[k].expected) {
      print_message("case %zu: fingerprint 0x%016llx, expected 0x%016llx\n", k,
                    (unsigned long long)h, (unsigned long long)cases[k].expected);
      bad++;
    }
  }
  assert_int_equal(bad, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exp_within_an_ulp),      cmocka_unit_test(test_expm1_within_an_ulp),
      cmocka_unit_test(test_log_within_one_ulp),     cmocka_unit_test(test_log1p_within_one_ulp),
      cmocka_unit_test(test_cos_within_one_ulp),     cmocka_unit_test(test_pow),
      cmocka_unit_test(test_special_values),         cmocka_unit_test(test_same_bits_on_every_path),
      cmocka_unit_test(test_same_bits_on_every_cpu),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
