/* test_fileio.c - whole-or-nothing writes: the text arrives whole, an older file is replaced,
 * and a failed write leaves the older file and no temporary behind. */
#define _POSIX_C_SOURCE 200809L
#include "fs_test.h"

#include <fearsim/fileio.h>

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct dir_fixture {
  char dir[64];
  char path[128];
} dir_fixture;

static int setup(void **state) {
  dir_fixture *f = calloc(1, sizeof *f);
  if (f == NULL) return -1;
  snprintf(f->dir, sizeof f->dir, "/tmp/fs_fileio_XXXXXX");
  if (mkdtemp(f->dir) == NULL) return free(f), -1;
  snprintf(f->path, sizeof f->path, "%s/out.txt", f->dir);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  dir_fixture *f = *state;
  remove(f->path);
  rmdir(f->dir);
  free(f);
  return 0;
}

static void read_back(const char *path, char *buf, size_t len) {
  FILE *in = fopen(path, "r");
  assert_non_null(in);
  size_t n = fread(buf, 1, len - 1, in);
  buf[n] = '\0';
  fclose(in);
}

static size_t entries(const char *dir) {
  size_t n = 0;
  DIR *d = opendir(dir);
  for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
    n += e->d_name[0] != '.';
  if (d != NULL) closedir(d);
  return n;
}

static void test_text_replaces_older(void **state) {
  dir_fixture *f = *state;
  fs_error err = {0};
  char buf[64];
  assert_int_equal(fs_fileio_write_text(f->path, "first\n", &err), FS_OK);
  assert_int_equal(fs_fileio_write_text(f->path, "second\n", &err), FS_OK);
  read_back(f->path, buf, sizeof buf);
  assert_string_equal(buf, "second\n");
  assert_int_equal(entries(f->dir), 1);
}

static bool fail_half_way(FILE *out, void *arg) {
  (void)arg;
  fputs("half", out);
  return false;
}

static void test_failure_keeps_older(void **state) {
  dir_fixture *f = *state;
  fs_error err = {0};
  char buf[64], want[256];
  assert_int_equal(fs_fileio_write_text(f->path, "older\n", &err), FS_OK);
  assert_int_equal(fs_fileio_write_atomic(f->path, fail_half_way, NULL, &err), FS_ERR_IO);
  snprintf(want, sizeof want, "cannot write \"%s\": ", f->path);
  assert_memory_equal(err.msg, want, strlen(want));
  read_back(f->path, buf, sizeof buf);
  assert_string_equal(buf, "older\n");
  assert_int_equal(entries(f->dir), 1);
}

static void test_missing_folder(void **state) {
  dir_fixture *f = *state;
  fs_error err = {0};
  char path[160];
  snprintf(path, sizeof path, "%s/no/such.txt", f->dir);
  assert_int_equal(fs_fileio_write_text(path, "x", &err), FS_ERR_IO);
  assert_non_null(strstr(err.msg, "No such file or directory"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_text_replaces_older, setup, teardown),
      cmocka_unit_test_setup_teardown(test_failure_keeps_older, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
