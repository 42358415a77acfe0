/* test_barrier.c - the engine's barrier: no thread leaves a round before all arrived, what a
 * thread wrote before the barrier is seen by all after it, with spinning and with sleeping
 * (spin 0), for 2 to 4 threads over many rounds. */
#include "fs_test.h"

#include <fearsim/barrier.h>

#include <pthread.h>
#include <stdatomic.h>

#define ROUNDS 2000
#define MAX_THREADS 4

typedef struct shared {
  fs_barrier b;
  unsigned n;
  int value[MAX_THREADS]; /* plain ints: the barrier must publish them */
  atomic_int errors;
} shared;

typedef struct worker {
  shared *s;
  unsigned id;
} worker;

/* In round r every thread writes r into its slot, meets the others, checks every slot holds
 * r, and meets them again before the next round overwrites. */
static void *work(void *arg) {
  worker *w = arg;
  shared *s = w->s;
  for (int r = 1; r <= ROUNDS; r++) {
    s->value[w->id] = r;
    fs_barrier_wait(&s->b);
    for (unsigned k = 0; k < s->n; k++)
      if (s->value[k] != r) atomic_fetch_add(&s->errors, 1);
    fs_barrier_wait(&s->b);
  }
  return NULL;
}

static int run(unsigned n, unsigned spin) {
  shared s;
  pthread_t th[MAX_THREADS];
  worker w[MAX_THREADS];
  fs_barrier_init(&s.b, n, spin);
  s.n = n;
  atomic_init(&s.errors, 0);
  for (unsigned k = 0; k < n; k++) {
    w[k] = (worker){&s, k};
    s.value[k] = 0;
  }
  for (unsigned k = 0; k < n; k++)
    assert_int_equal(pthread_create(&th[k], NULL, work, &w[k]), 0);
  for (unsigned k = 0; k < n; k++)
    pthread_join(th[k], NULL);
  return atomic_load(&s.errors);
}

static void test_spinning(void **state) {
  (void)state;
  for (unsigned n = 2; n <= MAX_THREADS; n++)
    assert_int_equal(run(n, 2000), 0);
}

static void test_sleeping(void **state) {
  (void)state;
  for (unsigned n = 2; n <= MAX_THREADS; n++)
    assert_int_equal(run(n, 0), 0);
}

static void test_one_thread_never_waits(void **state) {
  (void)state;
  fs_barrier b;
  fs_barrier_init(&b, 1, 0);
  for (int r = 0; r < 10; r++)
    fs_barrier_wait(&b);
  assert_int_equal(atomic_load(&b.generation), 10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spinning),
      cmocka_unit_test(test_sleeping),
      cmocka_unit_test(test_one_thread_never_waits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
