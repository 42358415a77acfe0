/* hash.h - FNV-1a, the one non-cryptographic hash of fearsim: fingerprints of experiments and
 * sweeps, and checksums of checkpoint slots. Values are stored in files, so it never changes. */
#ifndef FEARSIM_HASH_H
#define FEARSIM_HASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 64-bit FNV offset basis: the h to start a hash from. */
#define FS_HASH_FNV_BASIS 0xcbf29ce484222325ull

/* FNV-1a (64 bit) over the n bytes at p, continuing from h (FS_HASH_FNV_BASIS to start), so
 * that hashing a and then b equals hashing a followed by b. p may be NULL when n is 0. */
uint64_t fs_hash_fnv1a(const void *p, size_t n, uint64_t h);

#ifdef __cplusplus
}
#endif
#endif
