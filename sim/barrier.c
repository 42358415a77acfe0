/* barrier.c - a sense-by-generation barrier that spins, then sleeps (include/fearsim/barrier.h).
 * The last thread to arrive resets the count, bumps the generation and wakes the sleepers; a
 * waiter that announced itself as a sleeper re-checks the generation in the kernel (FUTEX_WAIT
 * compares it atomically), so no wake-up can be lost. */
#define _GNU_SOURCE
#include <fearsim/barrier.h>

#include <limits.h>
#include <time.h>

/* A wait longer than this is a partner that was descheduled, not one that was busy. */
#define DESCHEDULED_S 200e-6

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
  atomic_init(&b->budget, spin);
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

static void grow_budget(fs_barrier *b, unsigned budget) {
  unsigned next = 2 * budget + 1;
  atomic_store_explicit(&b->budget, next < b->spin ? next : b->spin, memory_order_relaxed);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* After a sleep of `slept` seconds. A partner that came within DESCHEDULED_S was only late (the
 * other thread's share of the step was longer): poll longer next time. One that took longer was
 * descheduled (a time slice is milliseconds): poll less and leave the core sooner, down to a
 * floor from which the budget can grow back. */
static void adapt_budget(fs_barrier *b, unsigned budget, double slept) {
  if (slept < DESCHEDULED_S) {
    grow_budget(b, budget);
    return;
  }
  unsigned floor = b->spin / 64 > 0 ? b->spin / 64 : 1;
  atomic_store_explicit(&b->budget, budget / 2 > floor ? budget / 2 : floor, memory_order_relaxed);
}

void fs_barrier_wait(fs_barrier *b) {
  unsigned gen = atomic_load(&b->generation);
  if (atomic_fetch_add(&b->arrived, 1) + 1 == b->n) {
    atomic_store(&b->arrived, 0);
    atomic_fetch_add(&b->generation, 1);
    if (atomic_load(&b->sleepers) > 0) wake_all(&b->generation);
    return;
  }
  unsigned budget = atomic_load_explicit(&b->budget, memory_order_relaxed);
  for (unsigned i = 0; i < budget; i++) {
    if (atomic_load_explicit(&b->generation, memory_order_acquire) != gen) {
      if (budget < b->spin) grow_budget(b, budget);
      return;
    }
    CPU_RELAX();
  }
  /* the partner was not there within the budget: sleep until it comes */
  double t0 = now();
  atomic_fetch_add(&b->sleepers, 1);
  while (atomic_load(&b->generation) == gen)
    sleep_while(&b->generation, gen);
  adapt_budget(b, budget, now() - t0);
  atomic_fetch_sub(&b->sleepers, 1);
}
