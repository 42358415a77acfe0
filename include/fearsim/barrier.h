/* barrier.h - the barrier the engine's threads meet at every step: it spins briefly (the
 * partner is usually microseconds away), then sleeps in the kernel (futex on Linux, a yield
 * elsewhere) instead of burning a core another process or thread may need. OpenMP's own
 * barrier spins for up to about 300,000 iterations before sleeping (libgomp's default), which
 * on a shared node makes two threads many times slower than one. */
#ifndef FEARSIM_BARRIER_H
#define FEARSIM_BARRIER_H

#include <stdatomic.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_barrier {
  atomic_uint arrived;    /* threads at the barrier in this round */
  atomic_uint generation; /* rounds completed: a waiter leaves when it changes */
  atomic_uint sleepers;   /* threads asleep in the kernel, to be woken */
  unsigned n;             /* threads that meet */
  unsigned spin;          /* the most polls before a waiter sleeps */
  atomic_uint budget;     /* polls now: halved when polling was in vain, doubled when not */
} fs_barrier;

/* A barrier for n threads that poll spin times before sleeping (0: sleep at once). */
void fs_barrier_init(fs_barrier *b, unsigned n, unsigned spin);

/* Returns when all n threads have called it; everything a thread wrote before it is visible
 * to every thread after it. */
void fs_barrier_wait(fs_barrier *b);

#ifdef __cplusplus
}
#endif
#endif
