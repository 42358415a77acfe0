/* version.c - the release and git commit compiled into the library. */
#include <fearsim/version.h>

#include "fs_git_commit.h" /* FS_GIT_COMMIT, written at every build */

#ifndef FS_VERSION
#define FS_VERSION "unknown"
#endif

const char *fs_version_get_release(void) {
  return FS_VERSION;
}

const char *fs_version_get_git_commit(void) {
  return FS_GIT_COMMIT;
}
