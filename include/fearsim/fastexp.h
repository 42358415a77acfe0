/* fastexp.h - exp(x) in plain IEEE arithmetic: no table, no branch, no library call, so that a
 * loop calling it vectorises, and the same bits on every path and every x86-64 CPU (with
 * -ffp-contract=off, as fearsim builds: no FMA fusion). Within 1 ulp of the correctly rounded
 * value for x in [-708, 709]; x is clamped to that range (so fs_fastexp(-1000) is exp(-708)).
 *
 * Method: x = k ln2 + r with k = round(x / ln2) (by the 1.5 * 2^52 shift) and |r| <= ln2 / 2
 * (Cody & Waite's two-part ln2, as in fdlibm); exp(r) by its Taylor polynomial of degree 14
 * (truncation error below 1e-18 relative), Horner's rule; 2^k built from its exponent bits. */
#ifndef FEARSIM_FASTEXP_H
#define FEARSIM_FASTEXP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline double fs_fastexp(double x) {
  const double log2e = 0x1.71547652b82fep0, shift = 0x1.8p52;
  const double ln2_hi = 0x1.62e42fee00000p-1, ln2_lo = 0x1.a39ef35793c76p-33;
  x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
  double t = x * log2e + shift; /* k in the low bits of t */
  double kd = t - shift;
  double r = (x - kd * ln2_hi) - kd * ln2_lo;
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
  p = p * r + 1.0;
  uint64_t bits;
  memcpy(&bits, &t, sizeof bits);
  bits = (bits + 1023u) << 52; /* the exponent field of 2^k; the shift's own bits drop out */
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

/* y[i] = fs_fastexp(x[i]) for i < n (a vectorised loop). */
void fs_fastexp_array(const double *x, double *y, size_t n);

#ifdef __cplusplus
}
#endif
#endif
