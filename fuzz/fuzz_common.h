/* fuzz_common.h - the scratch folder a harness writes its input into: private to the
 * process, with circuits/ and experiments/ linking to the source tree's configs so that the
 * seed files' relative references (../circuits/fear_circuit.yaml) resolve. */
#ifndef FEARSIM_FUZZ_COMMON_H
#define FEARSIM_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

static inline const char *fuzz_dir(void) {
  static char dir[256];
  if (dir[0] != '\0') return dir;
  snprintf(dir, sizeof dir, "%s/fearsim-fuzz-%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
           (long)getpid());
  char sub[512];
  mkdir(dir, 0700);
  const char *links[] = {"circuits", "experiments", "plasticity", "pharmacology"};
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
    char target[512];
    snprintf(sub, sizeof sub, "%s/%s", dir, links[i]);
    snprintf(target, sizeof target, "%s/configs/%s", FS_SOURCE_DIR, links[i]);
    if (symlink(target, sub) != 0 && access(sub, F_OK) != 0) abort();
  }
  snprintf(sub, sizeof sub, "%s/input", dir);
  mkdir(sub, 0700);
  return dir;
}

/* Writes data to <fuzz dir>/input/<name> and returns its path (a static buffer). */
static inline const char *fuzz_write(const char *name, const unsigned char *data, size_t size) {
  static char path[512];
  snprintf(path, sizeof path, "%s/input/%s", fuzz_dir(), name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();
  return path;
}

#endif
