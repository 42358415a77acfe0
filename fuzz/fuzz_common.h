/* fuzz_common.h - the scratch folder a harness writes its input into: private to the
 * process and removed at its exit, with circuits/ and experiments/ linking to the source tree's
 * configs so that the seed files' relative references (../circuits/fear_circuit.yaml) resolve. */
#ifndef FEARSIM_FUZZ_COMMON_H
#define FEARSIM_FUZZ_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

static const char *const fuzz_links[] = {"circuits", "experiments", "plasticity", "pharmacology"};
static char fuzz_dir_path[256];

/* At exit (libFuzzer's -max_total_time and -runs end with exit()): the scratch folder goes. */
static inline void fuzz_dir_remove(void) {
  char path[512];
  for (size_t i = 0; i < sizeof fuzz_links / sizeof *fuzz_links; i++) {
    snprintf(path, sizeof path, "%s/%s", fuzz_dir_path, fuzz_links[i]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/input", fuzz_dir_path);
  DIR *d = opendir(path);
  for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char file[1024];
    snprintf(file, sizeof file, "%s/%s", path, e->d_name);
    unlink(file);
  }
  if (d != NULL) closedir(d);
  rmdir(path);
  rmdir(fuzz_dir_path);
}

static inline const char *fuzz_dir(void) {
  char *dir = fuzz_dir_path;
  if (dir[0] != '\0') return dir;
  snprintf(dir, sizeof fuzz_dir_path, "%s/fearsim-fuzz-%ld",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
  char sub[512];
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) abort(); /* a crashed run of this pid */
  atexit(fuzz_dir_remove);
  for (size_t i = 0; i < sizeof fuzz_links / sizeof *fuzz_links; i++) {
    char target[512];
    snprintf(sub, sizeof sub, "%s/%s", dir, fuzz_links[i]);
    snprintf(target, sizeof target, "%s/configs/%s", FS_SOURCE_DIR, fuzz_links[i]);
    if (symlink(target, sub) != 0 && errno != EEXIST) abort();
  }
  snprintf(sub, sizeof sub, "%s/input", dir);
  if (mkdir(sub, 0700) != 0 && errno != EEXIST) abort();
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
