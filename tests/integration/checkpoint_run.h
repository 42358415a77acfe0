/* checkpoint_run.h - stopping, resuming and comparing runs through the CLI, for the tests of
 * checkpoints (test_checkpoint.c, test_signals.c). */
#ifndef FEARSIM_CHECKPOINT_RUN_H
#define FEARSIM_CHECKPOINT_RUN_H

#include "cli_run.h"
#include "h5_compare.h"

static inline const char *partial_of(const char *out) {
  static char buf[300];
  snprintf(buf, sizeof buf, "%s.partial", out);
  return buf;
}

static inline int count_of(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
    n++;
  return n;
}

static inline void run_ok(const char *const *args) {
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) fail_msg("fearsim %s %s exited %d: %s", args[0], args[1], r.status, r.err);
}

/* fearsim run exp -o out --threads n [more] */
static inline void run_ref(const char *exp, const char *out, const char *threads,
                           const char *more) {
  const char *args[] = {"run", exp, "-o", out, "--threads", threads, "--quiet", more, NULL};
  run_ok(args);
}

/* Stopped at simulated time t: exit 75, the message, a checkpoint and no result. */
static inline void assert_stopped(const cli_result *r, const char *out, const char *cause) {
  char head[128], tail[512];
  snprintf(head, sizeof head, "fearsim: stopped %s at t = ", cause);
  snprintf(tail, sizeof tail, "; checkpoint written: go on with \"fearsim resume %s\"\n",
           partial_of(out));
  if (r->status != 75) fail_msg("exit code %d, expected 75; stderr:\n%s", r->status, r->err);
  const char *at = strstr(r->err, head);
  if (at == NULL || strstr(at, tail) == NULL) fail_msg("unexpected stderr:\n%s", r->err);
  assert_true(file_exists(partial_of(out)));
  assert_false(file_exists(out));
}

static inline void run_stopped(const char *exp, const char *out, const char *threads,
                               const char *t) {
  const char *args[] = {"run", exp, "-o", out, "--threads", threads, "--quiet", "--test-stop-at",
                        t,     NULL};
  cli_result r;
  cli_run(args, &r);
  assert_stopped(&r, out, "by --test-stop-at");
}

/* fearsim resume out.partial --threads n [more...]: the result, and no partial left. */
static inline void resume(const char *out, const char *threads, const char *more1,
                          const char *more2) {
  const char *args[] = {"resume",  partial_of(out), "--threads", threads,
                        "--quiet", more1,           more2,       NULL};
  cli_result r;
  cli_run(args, &r);
  if (r.status != 0) fail_msg("fearsim resume exited %d: %s", r.status, r.err);
  if (!strstr(r.err, "resuming ")) fail_msg("resume did not say where it went on: %s", r.err);
  assert_true(file_exists(out));
  assert_false(file_exists(partial_of(out)));
}

static inline int has_checkpoint_group(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  int yes = H5Lexists(f, "/checkpoint", H5P_DEFAULT) > 0;
  H5Fclose(f);
  return yes;
}

/* Equal in every object, dataset byte and attribute, and not a checkpoint any more. */
static inline void assert_same(const char *ref, const char *out, int min_datasets) {
  h5_compare_counts c = h5_compare_files(ref, out);
  if (c.differ) fail_msg("%s and %s differ in %d places", ref, out, c.differ);
  if (c.datasets < min_datasets)
    fail_msg("%s: only %d datasets compared, expected %d or more", out, c.datasets, min_datasets);
  assert_false(has_checkpoint_group(out));
}

#endif
