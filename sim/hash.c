/* hash.c - FNV-1a (Fowler, Noll, Vo), 64 bit: xor each byte in, then multiply by the FNV
 * prime. */
#include <fearsim/hash.h>

#define FNV_PRIME 0x100000001b3ull

uint64_t fs_hash_fnv1a(const void *p, size_t n, uint64_t h) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= FNV_PRIME;
  }
  return h;
}
