/* elementary.c - log1p, cos, pow and the array form of exp (include/fearsim/elementary.h). */
#include <fearsim/elementary.h>

#include <math.h>

/* pi/2 in three parts, the first two of 33 bits: n * each is exact for |n| < 2^20. */
#define PIO2_1 0x1.921fb54400000p0
#define PIO2_2 0x1.0b4611a600000p-34
#define PIO2_3 0x1.3198a2e037073p-69
#define TWO_OVER_PI 0x1.45f306dc9c883p-1

double fs_log1p(double x) {
  if (x > -0.2928 && x < 0.4142) return x == 0.0 ? x : fs_log_combine(x, 0, 0.0); /* f = x, exact */
  if (!(x > -1.0)) return x == -1.0 ? -HUGE_VAL : NAN;
  if (x > 0x1.fffffffffffffp1023) return x;
  double u = 1.0 + x;
  /* The rounding error of u, exact by Fast2Sum (the larger of 1 and x first). */
  double c = x >= 1.0 ? 1.0 - (u - x) : x - (u - 1.0);
  int e;
  double f = fs_log_split(u, &e);
  return fs_log_combine(f, e, c / u);
}

/* cos(r + r_lo) for |r| <= pi/4 and |r_lo| below half an ulp of r: 1 - r^2/2 + r^4/24 - ...
 * + r^20/20! - r r_lo, with 1 - r^2/2 split into its rounded value and its rounding error so
 * that the small terms are added to the error. */
static double cos_reduced(double r, double r_lo) {
  double z = r * r;
  double p = 1.0 / 2432902008176640000.0;
  p = p * z - 1.0 / 6402373705728000.0;
  p = p * z + 1.0 / 20922789888000.0;
  p = p * z - 1.0 / 87178291200.0;
  p = p * z + 1.0 / 479001600.0;
  p = p * z - 1.0 / 3628800.0;
  p = p * z + 1.0 / 40320.0;
  p = p * z - 1.0 / 720.0;
  p = p * z + 1.0 / 24.0;
  double hz = 0.5 * z, w = 1.0 - hz;
  return w + (((1.0 - w) - hz) + (z * z * p - r * r_lo));
}

/* sin(r + r_lo) for |r| <= pi/4: r - r^3/6 + ... - r^19/19! + (1 - r^2/2) r_lo. */
static double sin_reduced(double r, double r_lo) {
  double z = r * r;
  double p = -1.0 / 121645100408832000.0;
  p = p * z + 1.0 / 355687428096000.0;
  p = p * z - 1.0 / 1307674368000.0;
  p = p * z + 1.0 / 6227020800.0;
  p = p * z - 1.0 / 39916800.0;
  p = p * z + 1.0 / 362880.0;
  p = p * z - 1.0 / 5040.0;
  p = p * z + 1.0 / 120.0;
  p = p * z - 1.0 / 6.0;
  return r + (r * (z * p) + (1.0 - 0.5 * z) * r_lo);
}

double fs_cos(double x) {
  if (!isfinite(x)) return NAN;
  double t = x * TWO_OVER_PI + FS_ROUND_SHIFT;
  double nd = t - FS_ROUND_SHIFT;
  /* r + r_lo = x - n pi/2 to about 100 bits: y and w2 are exact, r1's rounding error is
   * recovered by Fast2Sum, the last part is small. */
  double y = x - nd * PIO2_1, w2 = nd * PIO2_2, w3 = nd * PIO2_3;
  double r1 = y - w2;
  double e1 = (y - r1) - w2;
  double r = r1 - w3;
  double r_lo = ((r1 - r) - w3) + e1;
  switch (fs_double_to_bits(t) & 3u) { /* the quadrant, n mod 4 */
  case 0:
    return cos_reduced(r, r_lo);
  case 1:
    return -sin_reduced(r, r_lo);
  case 2:
    return -cos_reduced(r, r_lo);
  default:
    return sin_reduced(r, r_lo);
  }
}

double fs_pow(double x, double y) {
  if (y == 0.0 || x == 1.0) return 1.0;
  if (isnan(x) || isnan(y) || x < 0.0) return NAN;
  if (x == 0.0) return y > 0.0 ? 0.0 : HUGE_VAL;
  if (y == 0.5) return sqrt(x);                                    /* correctly rounded */
  if (y == trunc(y) && fabs(y) <= 64.0) return fs_powi(x, (int)y); /* exact when it can be */
  return fs_exp(y * fs_log(x));
}

static double powi_unsigned(double base, unsigned m) {
  double result = 1.0;
  for (; m; m >>= 1) {
    if (m & 1u) result *= base;
    base *= base;
  }
  return result;
}

double fs_powi(double x, int n) {
  unsigned m = n < 0 ? 0u - (unsigned)n : (unsigned)n;
  double result = powi_unsigned(x, m);
  if (n >= 0) return result;
  /* 1/x^m, unless x^m overflowed where 1/x^m is still a (subnormal) number */
  return isinf(result) ? powi_unsigned(1.0 / x, m) : 1.0 / result;
}

void fs_exp_array(const double *restrict x, double *restrict y, size_t n) {
  for (size_t i = 0; i < n; i++)
    y[i] = fs_exp(x[i]);
}
