/* barrier.c - a sense-by-generation barrier that spins, then sleeps (include/fearsim/barrier.h).
 * The last thread to arrive resets the count, bumps the generation and wakes the sleepers; a
 * waiter that announced itself as a sleeper re-checks the generation in the kernel (FUTEX_WAIT
 * compares it atomically), so no wake-up can be lost. */
#define _GNU_SOURCE
#include <fearsim/barrier.h>

#include <limits.h>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#else
#include <sched.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

void fs_barrier_init(fs_barrier *b, unsigned n, unsigned spin) {
  atomic_init(&b->arrived, 0);
  atomic_init(&b->generation, 0);
  atomic_init(&b->sleepers, 0);
  b->n = n;
  b->spin = spin;
}

static void sleep_while(atomic_uint *word, unsigned value) {
#if defined(__linux__)
  syscall(SYS_futex, (unsigned *)word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
#else
  (void)word;
  (void)value;
  sched_yield();
#endif
}

static void wake_all(atomic_uint *word) {
#if defined(__linux__)
  syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
#else
  (void)word;
#endif
}

void fs_barrier_wait(fs_barrier *b) {
  unsigned gen = atomic_load(&b->generation);
  if (atomic_fetch_add(&b->arrived, 1) + 1 == b->n) {
    atomic_store(&b->arrived, 0);
    atomic_fetch_add(&b->generation, 1);
    if (atomic_load(&b->sleepers) > 0) wake_all(&b->generation);
    return;
  }
  for (unsigned i = 0; i < b->spin; i++) {
    if (atomic_load_explicit(&b->generation, memory_order_acquire) != gen) return;
    CPU_RELAX();
  }
  atomic_fetch_add(&b->sleepers, 1);
  while (atomic_load(&b->generation) == gen)
    sleep_while(&b->generation, gen);
  atomic_fetch_sub(&b->sleepers, 1);
}
