/* elementary.h - exp, expm1, log, log1p, cos and pow in plain IEEE arithmetic: the same bits
 * on every CPU, every vector width and every libm.
 *
 * Why not the C library's: glibc picks its exp, log, expm1, log1p, sin, cos and pow at run time
 * by CPU (FMA and non-FMA builds of one algorithm), and those are not correctly rounded, so a
 * cluster node without FMA may round a few results differently; one different bit changes a
 * spike train. These functions use only +, -, *, / and integer operations on the bits, each
 * rounded once by IEEE 754, in a fixed order (fearsim builds with -ffp-contract=off: no FMA
 * fusion), so their results do not depend on the machine. fs_exp has no table and no branch,
 * so a loop calling it vectorises.
 *
 * Methods (no minimax coefficients: every polynomial is a Taylor series, cut where its
 * remainder is below 1e-18 relative on the reduced interval):
 *   exp:   x = k ln2 + r, |r| <= ln2/2 (Cody & Waite's two-part ln2), exp(r) by its Taylor
 *          polynomial of degree 14 (Horner), times 2^k built in two halves from the exponent
 *          bits so that results underflow gradually to 0 and overflow to inf (in the engine's
 *          threads, which flush subnormals to zero, a result below 2^-1022 is 0).
 *   expm1: |x| < 0.7: x + x^2/2 + x^3 (1/6 + x/24 + ...), degree 18, with x^2/2 exact as two
 *          doubles; otherwise x = k ln2 + r with k rounded toward 0, (2^k - 1) + 2^k r (summed
 *          exactly as two doubles) + 2^k (expm1(r) - r).
 *   log:   x = 2^e m, m in [sqrt(1/2), sqrt(2)), f = m - 1 exact; log(1 + f) from
 *          s = f / (2 + f) and the atanh series 2s + 2s^3/3 + ..., arranged as
 *          f - (f^2/2 - s (f^2/2 + R)) so that the large term f is exact.
 *   log1p: the same core on 1 + x, with the rounding of 1 + x corrected to first order.
 *   cos:   x = n pi/2 + r, |r| <= pi/4 (three-part pi/2, exact for |x| < 2^19), the Taylor
 *          polynomial of cos r or sin r by the quadrant.
 *   pow:   x^y for x > 0: sqrt for y = 1/2, repeated squaring for integer |y| <= 64 (exact
 *          where the powers are), otherwise exp(y log x), within (3 |y ln x| + 1) ulp; its uses
 *          are Hill functions and log-spaced sweeps.
 * Worst errors found against long double (tests/unit/test_elementary.c and a review's dense
 * search): exp 1.13 ulp, expm1 1.33 ulp, log 0.84, log1p 0.83, cos 0.8 for |x| <= 1e5 (1.06 near
 * multiples of pi/2 beyond); glibc's are within about 0.52 ulp.
 * Callers must be compiled as fearsim is, with -ffp-contract=off (no FMA fusion, in particular
 * with -march=native in GNU C mode): the inline functions take the caller's flags. */
#ifndef FEARSIM_ELEMENTARY_H
#define FEARSIM_ELEMENTARY_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FS_LN2_HI 0x1.62e42fee00000p-1 /* ln 2 to 32 bits: k * FS_LN2_HI is exact */
#define FS_LN2_LO 0x1.a39ef35793c76p-33
#define FS_LOG2E 0x1.71547652b82fep0
#define FS_ROUND_SHIFT 0x1.8p52 /* x + 1.5 * 2^52 - 1.5 * 2^52 rounds x to an integer */

static inline double fs_bits_to_double(uint64_t b) {
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}

static inline uint64_t fs_double_to_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

/* 2^k for an integer k in [-1022, 1023] held in t = k + FS_ROUND_SHIFT (k in t's low bits). */
static inline double fs_pow2_of_shifted(double t) {
  return fs_bits_to_double((fs_double_to_bits(t) + 1023u) << 52);
}

/* exp(r) for |r| <= ln2/2 (and a little beyond): Taylor, degree 14. */
static inline double fs_exp_reduced(double r) {
  double p = 1.0 / 87178291200.0;
  p = p * r + 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  return p * r + 1.0;
}

static inline double fs_exp(double x) {
  x = x < -746.0 ? -746.0 : (x > 710.0 ? 710.0 : x); /* beyond: 0 and inf all the same */
  double t = x * FS_LOG2E + FS_ROUND_SHIFT;
  double kd = t - FS_ROUND_SHIFT;
  double r = (x - kd * FS_LN2_HI) - kd * FS_LN2_LO;
  /* 2^k as 2^k1 2^k2 with k1 = round(k/2): each factor is a normal number for |k| <= 1076 */
  double t1 = kd * 0.5 + FS_ROUND_SHIFT;
  double t2 = (kd - (t1 - FS_ROUND_SHIFT)) + FS_ROUND_SHIFT;
  return fs_exp_reduced(r) * fs_pow2_of_shifted(t1) * fs_pow2_of_shifted(t2);
}

/* expm1(r) - r for |r| < 0.7: r^2/2 + r^3 (1/6 + r/24 + ... + r^15/18!), with r^2/2 exact as
 * the sum of two doubles (Dekker's product by Veltkamp's split: no FMA needed), so that only
 * the small terms round before the last addition. */
static inline double fs_expm1_tail(double r) {
  double q = 1.0 / 6402373705728000.0;
  q = q * r + 1.0 / 355687428096000.0;
  q = q * r + 1.0 / 20922789888000.0;
  q = q * r + 1.0 / 1307674368000.0;
  q = q * r + 1.0 / 87178291200.0;
  q = q * r + 1.0 / 6227020800.0;
  q = q * r + 1.0 / 479001600.0;
  q = q * r + 1.0 / 39916800.0;
  q = q * r + 1.0 / 3628800.0;
  q = q * r + 1.0 / 362880.0;
  q = q * r + 1.0 / 40320.0;
  q = q * r + 1.0 / 5040.0;
  q = q * r + 1.0 / 720.0;
  q = q * r + 1.0 / 120.0;
  q = q * r + 1.0 / 24.0;
  q = q * r + 1.0 / 6.0;
  double c = 134217729.0 * r; /* 2^27 + 1 */
  double r_hi = c - (c - r), r_lo = r - r_hi;
  double sq = r * r;
  double sq_lo = ((r_hi * r_hi - sq) + 2.0 * r_hi * r_lo) + r_lo * r_lo;
  return 0.5 * sq + (0.5 * sq_lo + sq * r * q);
}

static inline double fs_expm1(double x) {
  if (x > -0.7 && x < 0.7) return x == 0.0 ? x : x + fs_expm1_tail(x);
  if (!(x > -40.0)) return x != x ? x : -1.0; /* exp(x) < 2^-57: -1 after rounding; NaN */
  if (x > 36.0) return fs_exp(x) - 1.0;       /* beyond, 2^k - 1 (k > 52) would round */
  /* x = k ln2 + r with k rounded toward 0 (|r| < ln2); expm1(x) = (2^k - 1) + 2^k r + 2^k tail,
   * the first two terms (exact, of one sign) summed with their rounding error kept. */
  double kd = trunc(x * FS_LOG2E);
  double r = (x - kd * FS_LN2_HI) - kd * FS_LN2_LO;
  double s = fs_pow2_of_shifted(kd + FS_ROUND_SHIFT);
  double a = s - 1.0, b = s * r, sum = a + b;
  double b_virtual = sum - a, err = (a - (sum - b_virtual)) + (b - b_virtual); /* TwoSum */
  return sum + (err + s * fs_expm1_tail(r));
}

/* e ln2 + log(1 + f) + c for f in [sqrt(1/2) - 1, sqrt(2) - 1] and a small correction c.
 * log(1 + f) = 2 atanh(s) with s = f / (2 + f): 2s + s R, R = 2s^2/3 + 2s^4/5 + ... + 2s^20/21
 * (|s| <= 0.172, s^2 <= 0.0295), written f - f^2/2 + s (f^2/2 + R). The small terms are added
 * first and the exact f and e ln2_hi last, so that only the last two operations round at the
 * size of the result. */
static inline double fs_log_combine(double f, int e, double c) {
  double s = f / (2.0 + f), z = s * s;
  double p = 2.0 / 21.0;
  p = p * z + 2.0 / 19.0;
  p = p * z + 2.0 / 17.0;
  p = p * z + 2.0 / 15.0;
  p = p * z + 2.0 / 13.0;
  p = p * z + 2.0 / 11.0;
  p = p * z + 2.0 / 9.0;
  p = p * z + 2.0 / 7.0;
  p = p * z + 2.0 / 5.0;
  p = p * z + 2.0 / 3.0;
  double big_r = p * z, hfsq = 0.5 * f * f, ed = (double)e;
  return ed * FS_LN2_HI - ((hfsq - (s * (hfsq + big_r) + (ed * FS_LN2_LO + c))) - f);
}

/* x = 2^e m with m in [sqrt(1/2), sqrt(2)); returns m - 1 (exact) and sets *e. x finite > 0. */
static inline double fs_log_split(double x, int *e) {
  int scaled = 0;
  if (x < 0x1p-1022) { /* subnormal */
    x *= 0x1p54;
    scaled = 54;
  }
  uint64_t b = fs_double_to_bits(x);
  int ex = (int)(b >> 52) - 1023 - scaled;
  double m = fs_bits_to_double((b & 0x000fffffffffffffu) | 0x3ff0000000000000u);
  if (m > 0x1.6a09e667f3bcdp0) { /* sqrt(2) */
    m *= 0.5;
    ex += 1;
  }
  *e = ex;
  return m - 1.0;
}

static inline double fs_log(double x) {
  if (!(x > 0.0) || x > 0x1.fffffffffffffp1023) {
    if (x == 0.0) return -HUGE_VAL;
    return x > 0.0 ? x : NAN; /* inf; NaN for x < 0 and NaN */
  }
  int e;
  double f = fs_log_split(x, &e);
  return fs_log_combine(f, e, 0.0);
}

/* log(1 + x), accurate for small |x|. */
double fs_log1p(double x);

/* cos(x), within 1 ulp for |x| < 1e5 (the argument reduction loses accuracy beyond 2^19). */
double fs_cos(double x);

/* x^y for x > 0 (NaN for x < 0, 0 or inf at x = 0 as y's sign says): exp(y log x). */
double fs_pow(double x, double y);

/* x^n for an integer n by repeated squaring: exact whenever the powers are. */
double fs_powi(double x, int n);

/* y[i] = fs_exp(x[i]) for i < n (a vectorised loop). */
void fs_exp_array(const double *x, double *y, size_t n);

#ifdef __cplusplus
}
#endif
#endif
