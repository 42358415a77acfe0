/* test_version.c - the library reports the release CMake's project() names and a git commit
 * (what a program linked against the installed library can ask). */
#include "fs_test.h"

#include <fearsim/version.h>

#include <ctype.h>

static void test_release_is_the_projects(void **state) {
  (void)state;
  assert_string_equal(fs_version_get_release(), FS_VERSION);
  int major = -1, minor = -1, patch = -1, end = 0;
  sscanf(fs_version_get_release(), "%d.%d.%d%n", &major, &minor, &patch, &end);
  assert_true(major >= 0 && minor >= 0 && patch >= 0);
  assert_int_equal(fs_version_get_release()[end], '\0');
}

/* 12 hex digits, "-dirty" after them for uncommitted changes, or "unknown" outside git. */
static void test_git_commit(void **state) {
  (void)state;
  const char *c = fs_version_get_git_commit();
  if (strcmp(c, "unknown") == 0) return;
  for (int i = 0; i < 12; i++)
    assert_true(isxdigit((unsigned char)c[i]));
  assert_true(c[12] == '\0' || strcmp(c + 12, "-dirty") == 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_release_is_the_projects),
      cmocka_unit_test(test_git_commit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
