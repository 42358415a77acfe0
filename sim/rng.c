/* rng.c - Philox4x32-10 counter-based generator, written from the algorithm's description
 * (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers: as easy as 1, 2, 3"). */
#include <fearsim/elementary.h>
#include <fearsim/rng.h>

#include <math.h>

#define TWO_PI 6.283185307179586476925286766559
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static void mulhilo(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo) {
  uint64_t p = (uint64_t)a * b;
  *hi = (uint32_t)(p >> 32);
  *lo = (uint32_t)p;
}

static void philox_round(uint32_t k[2], uint32_t x[4]) {
  uint32_t hi0, lo0, hi1, lo1;
  mulhilo(PHILOX_M0, x[0], &hi0, &lo0);
  mulhilo(PHILOX_M1, x[2], &hi1, &lo1);
  uint32_t y0 = hi1 ^ x[1] ^ k[0];
  uint32_t y2 = hi0 ^ x[3] ^ k[1];
  x[0] = y0;
  x[1] = lo1;
  x[2] = y2;
  x[3] = lo0;
}

void fs_rng_philox4x32(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4]) {
  uint32_t k[2] = {key[0], key[1]};
  for (int i = 0; i < 4; i++)
    out[i] = ctr[i];
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k[0] += PHILOX_W0;
      k[1] += PHILOX_W1;
    }
    philox_round(k, out);
  }
}

/* the external definitions of the header's inline functions (C11 6.7.4) */
extern inline uint64_t fs_rng_stream_id(fs_rng_purpose purpose, uint32_t group, uint64_t index);
extern inline fs_rng fs_rng_make(uint64_t seed, uint64_t stream, uint64_t counter);

static void refill(fs_rng *r) {
  const uint32_t key[2] = {(uint32_t)r->seed, (uint32_t)(r->seed >> 32)};
  const uint32_t ctr[4] = {(uint32_t)r->counter, (uint32_t)(r->counter >> 32), (uint32_t)r->stream,
                           (uint32_t)(r->stream >> 32)};
  fs_rng_philox4x32(key, ctr, r->buf);
  r->counter++;
  r->used = 0;
}

uint32_t fs_rng_u32(fs_rng *r) {
  if (r->used >= 4) refill(r);
  return r->buf[r->used++];
}

double fs_rng_uniform(fs_rng *r) {
  uint64_t hi = fs_rng_u32(r) >> 6; /* 26 bits */
  uint64_t lo = fs_rng_u32(r) >> 6; /* 26 bits */
  uint64_t bits = (hi << 26) | lo;  /* 52 bits */
  /* (bits + 0.5) / 2^52 lies strictly inside (0, 1) and is exact: with 53 bits the largest
   * value, 1 - 2^-54, would round to 1 */
  return ((double)bits + 0.5) * 0x1.0p-52;
}

double fs_rng_normal(fs_rng *r) {
  double u1 = fs_rng_uniform(r);
  double u2 = fs_rng_uniform(r);
  return sqrt(-2.0 * fs_log(u1)) * fs_cos(TWO_PI * u2);
}

double fs_rng_exponential(fs_rng *r) {
  return -fs_log(fs_rng_uniform(r));
}

uint64_t fs_rng_below(fs_rng *r, uint64_t n) {
  if (n <= 1) return 0;
  uint64_t limit = UINT64_MAX - UINT64_MAX % n; /* reject the biased tail */
  for (;;) {
    uint64_t x = ((uint64_t)fs_rng_u32(r) << 32) | fs_rng_u32(r);
    if (x < limit) return x % n;
  }
}

double fs_rng_geometric_log_q(double p) {
  return p >= 1.0 ? -INFINITY : (p <= 0.0 ? 0.0 : fs_log1p(-p));
}

uint64_t fs_rng_geometric_from_log(fs_rng *r, double log_q) {
  if (log_q == -INFINITY) return 0; /* p >= 1; like p <= 0, no draw */
  if (!(log_q < 0.0)) return UINT64_MAX;
  double k = floor(fs_log(fs_rng_uniform(r)) / log_q);
  return k >= 1.8e19 ? UINT64_MAX : (uint64_t)k;
}

uint64_t fs_rng_geometric(fs_rng *r, double p) {
  return fs_rng_geometric_from_log(r, fs_rng_geometric_log_q(p));
}
