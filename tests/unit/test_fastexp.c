/* test_fastexp.c - fs_fastexp against the C library's exp (within 1 ulp over the whole range),
 * its clamping, and the same bits from the library's vectorised loop (built for this CPU) and
 * from a scalar call compiled here for plain x86-64: what makes results the same on every
 * CPU. */
#include "fs_test.h"

#include <fearsim/fastexp.h>
#include <fearsim/rng.h>

#include <float.h>
#include <stdlib.h>

#define N 4096

/* Relative error of fs_fastexp against exp at x, in units of exp's last place. */
static double ulps(double x, double got) {
  double e = exp(x);
  return fabs(got - e) / (DBL_EPSILON * e);
}

static void fill(double *x, size_t n, double lo, double hi, uint64_t stream) {
  fs_rng r = fs_rng_make(7, stream, 0);
  for (size_t i = 0; i < n; i++)
    x[i] = lo + (hi - lo) * fs_rng_uniform(&r);
}

static void test_within_one_ulp(void **state) {
  (void)state;
  static double x[N], y[N];
  const double ranges[][2] = {{-1, 1}, {-20, 20}, {-700, 700}, {-1e-3, 1e-3}};
  for (size_t k = 0; k < 4; k++) {
    fill(x, N, ranges[k][0], ranges[k][1], k);
    fs_fastexp_array(x, y, N);
    double worst = 0;
    for (size_t i = 0; i < N; i++)
      worst = fmax(worst, ulps(x[i], y[i]));
    assert_true(worst <= 1.0);
  }
}

static void test_exact_points_and_clamp(void **state) {
  (void)state;
  assert_true(fs_fastexp(0.0) == 1.0);
  assert_true(fs_fastexp(-0.0) == 1.0);
  fs_assert_close(fs_fastexp(1.0), 2.718281828459045, 2.3e-16, 0.0);
  fs_assert_close(fs_fastexp(-62.0 * 0.065), exp(-62.0 * 0.065), 2.3e-16, 0.0);
  assert_true(fs_fastexp(-1000.0) == fs_fastexp(-708.0));
  fs_assert_close(fs_fastexp(-708.0), exp(-708.0), 2.3e-16, 0.0);
  assert_true(fs_fastexp(1000.0) == fs_fastexp(709.0));
  assert_true(isfinite(fs_fastexp(709.0)));
}

/* The library's loop (vectorised with this machine's widest vectors) and a scalar call
 * compiled without -march=native give the same bits. */
static void test_same_bits_on_every_path(void **state) {
  (void)state;
  static double x[N], y[N];
  fill(x, N, -50, 50, 9);
  fs_fastexp_array(x, y, N);
  size_t differ = 0;
  for (size_t i = 0; i < N; i++) {
    volatile double xi = x[i]; /* one at a time: no vector path here */
    double s = fs_fastexp(xi);
    differ += memcmp(&s, &y[i], sizeof s) != 0;
  }
  assert_int_equal(differ, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_within_one_ulp),
      cmocka_unit_test(test_exact_points_and_clamp),
      cmocka_unit_test(test_same_bits_on_every_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
