/* fear_runs.h - the validation tests of docs/model.md §8 rows 10-19: runs an experiment of
 * configs/experiments/ through the command line (one thread, the default circuit and scale)
 * and reads its /trials: freezing per trial, with the day and session of each. */
#ifndef FEARSIM_FEAR_RUNS_H
#define FEARSIM_FEAR_RUNS_H

#include "fs_test.h"
#include "h5_read.h"
#include "test_util.h"

#include <math.h>

#define FEAR_EXPERIMENTS FS_SOURCE_DIR "/configs/experiments/"

typedef struct fear_run {
  char name[64];
  char path[256];    /* the result file */
  size_t n;          /* trials */
  double *freezing;  /* per trial, 0..1 */
  double *session;   /* index of its session, in time order */
  double *trial;     /* number within its session */
  double *rate_IL_E; /* mean IL rate during the CS before its US, Hz */
} fear_run;

/* A dataset of /trials as doubles; fails the test if it is missing or of another length. */
static inline double *fear_column(const char *file, const char *name, size_t n_expected,
                                  size_t *n) {
  char path[128];
  snprintf(path, sizeof path, "/trials/%s", name);
  double *v = h5_read_doubles(file, path, n);
  if (n_expected > 0 && *n != n_expected)
    fail_msg("%s: %zu rows, expected %zu", path, *n, n_expected);
  return v;
}

/* Runs configs/experiments/<config> on one thread with extra options (may be "") into
 * <test dir>/<name>.h5, whose path it writes to out. */
static inline void fear_run_file(const char *name, const char *config, const char *opts, char *out,
                                 size_t out_len) {
  char config_path[512], all_opts[2048];
  snprintf(out, out_len, "%s/%s.h5", fs_test_dir, name);
  snprintf(config_path, sizeof config_path, "%s%s", FEAR_EXPERIMENTS, config);
  snprintf(all_opts, sizeof all_opts, "--threads 1 %s", opts);
  FS_TEST_RUN(config_path, out, all_opts);
}

/* /rates/<pop> of a result file (one value per bin); fails the test with fewer than min_bins. */
static inline double *fear_rates(const char *file, const char *pop, size_t min_bins, size_t *n) {
  char path[128];
  snprintf(path, sizeof path, "/rates/%s", pop);
  double *x = h5_read_doubles(file, path, n);
  if (*n < min_bins) fail_msg("%s: %zu bins, too few", path, *n);
  return x;
}

/* Runs configs/experiments/<config> with extra options (may be "") into <test dir>/<name>.h5
 * and reads its trials. */
static inline fear_run fear_run_experiment(const char *name, const char *config, const char *opts) {
  fear_run r = {0};
  snprintf(r.name, sizeof r.name, "%s", name);
  fear_run_file(name, config, opts, r.path, sizeof r.path);
  const char *out = r.path;
  size_t n = 0;
  r.freezing = fear_column(out, "freezing", 0, &r.n);
  r.session = fear_column(out, "session", r.n, &n);
  r.trial = fear_column(out, "trial", r.n, &n);
  r.rate_IL_E = fear_column(out, "rate_IL_E", r.n, &n);
  return r;
}

/* /timeline/<name> and /timeline/time (*t), n rows each; fails if their lengths differ. */
static inline double *fear_timeline(const fear_run *r, const char *name, double **t, size_t *n) {
  char path[128];
  snprintf(path, sizeof path, "/timeline/%s", name);
  size_t m = 0;
  *t = h5_read_doubles(r->path, "/timeline/time", n);
  double *v = h5_read_doubles(r->path, path, &m);
  assert_int_equal(*n, m);
  return v;
}

/* The largest value of /timeline/<name> over [t0, t1] (s). */
static inline double fear_timeline_max(const fear_run *r, const char *name, double t0, double t1) {
  size_t n = 0;
  double *t, *v = fear_timeline(r, name, &t, &n);
  double best = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (t[i] >= t0 && t[i] <= t1 && v[i] > best) best = v[i];
  free(t);
  free(v);
  return best;
}

/* /timeline/<name> at its last sample at or before t (s); fails if there is none. */
static inline double fear_timeline_at(const fear_run *r, const char *name, double t) {
  size_t n = 0;
  double *time, *v = fear_timeline(r, name, &time, &n);
  double out = NAN;
  for (size_t i = 0; i < n && time[i] <= t; i++)
    out = v[i];
  free(time);
  free(v);
  assert_false(isnan(out));
  return out;
}

static inline void fear_run_free(fear_run *r) {
  free(r->freezing);
  free(r->session);
  free(r->trial);
  free(r->rate_IL_E);
}

/* Mean freezing over trials [first, first + count) of session s; fails if there are fewer. */
static inline double fear_freezing(const fear_run *r, size_t s, size_t first, size_t count) {
  double sum = 0.0;
  size_t got = 0;
  for (size_t k = 0; k < r->n; k++) {
    size_t t = (size_t)r->trial[k];
    if ((size_t)r->session[k] == s && t >= first && t < first + count) {
      sum += r->freezing[k];
      got++;
    }
  }
  if (got != count)
    fail_msg("%s: session %zu has %zu of trials %zu..%zu", r->name, s, got, first,
             first + count - 1);
  return sum / (double)count;
}

/* Prints one line per session (first trial, mean, last trial) so that a failing test shows the
 * measured numbers. */
static inline void fear_print(const fear_run *r) {
  size_t s_max = 0;
  for (size_t k = 0; k < r->n; k++)
    if ((size_t)r->session[k] > s_max) s_max = (size_t)r->session[k];
  for (size_t s = 0; s <= s_max; s++) {
    double sum = 0.0, first = NAN, last = NAN;
    size_t got = 0;
    for (size_t k = 0; k < r->n; k++) {
      if ((size_t)r->session[k] != s) continue;
      if (got == 0) first = r->freezing[k];
      last = r->freezing[k];
      sum += r->freezing[k];
      got++;
    }
    print_message(
        "%-22s session %zu: %2zu trials, freezing first %5.1f %%, mean %5.1f %%, last %5.1f %%\n",
        r->name, s, got, 100 * first, 100 * sum / (double)got, 100 * last);
  }
}

#endif
