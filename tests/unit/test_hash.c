/* test_hash.c - FNV-1a 64 against the published test vectors (Fowler, Noll, Vo: "FNV test
 * suite", fnv-1a 64-bit), and hashing in pieces. */
#include "fs_test.h"

#include <fearsim/hash.h>

#include <string.h>

static uint64_t fnv_str(const char *s) {
  return fs_hash_fnv1a(s, strlen(s), FS_HASH_FNV_BASIS);
}

static void test_published_vectors(void **state) {
  (void)state;
  assert_true(fnv_str("") == 0xcbf29ce484222325ull);
  assert_true(fnv_str("a") == 0xaf63dc4c8601ec8cull);
  assert_true(fnv_str("b") == 0xaf63df4c8601f1a5ull);
  assert_true(fnv_str("foobar") == 0x85944171f73967e8ull);
  assert_true(fs_hash_fnv1a(NULL, 0, FS_HASH_FNV_BASIS) == FS_HASH_FNV_BASIS);
}

/* Hashing "foo" and then "bar" from the first result is hashing "foobar". */
static void test_continues(void **state) {
  (void)state;
  uint64_t h = fs_hash_fnv1a("foo", 3, FS_HASH_FNV_BASIS);
  assert_true(fs_hash_fnv1a("bar", 3, h) == 0x85944171f73967e8ull);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_published_vectors),
      cmocka_unit_test(test_continues),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
