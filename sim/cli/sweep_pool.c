/* sweep_pool.c - the runs of a sweep as child processes: builds each run's `fearsim run` (or
 * `fearsim resume`) command line from the sweep's overrides and seed, spawns it in a process
 * group of its own with stderr into the run's log, and reads its exit status. */
#include "sweep_pool.h"

#include "cli.h"

#include <fearsim/checkpoint.h>
#include <fearsim/experiment.h>

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PATH_LEN 4096

/* A slot's argv is built in fixed buffers: no allocation between create and free. */
typedef struct pool_slot {
  pid_t pid; /* 0: free */
  size_t run;
  struct timespec start;
  bool stopped;
  char (*ovr)[FS_SWEEP_OVERRIDE_LEN];
  char seed[32], threads[16];
  char out[PATH_LEN], log[PATH_LEN], partial[PATH_LEN + 16];
  char **argv;
} pool_slot;

struct fs_sweep_pool {
  const fs_sweep *s;
  fs_sweep_info info;
  char program[PATH_LEN];
  char dir[PATH_LEN];
  int threads;
  pool_slot *slots;
  size_t n_slots, busy;
};

/* snprintf that may truncate on purpose (paths and messages are bounded). */
__attribute__((format(printf, 3, 4))) static void fmt(char *buf, size_t len, const char *format,
                                                      ...) {
  va_list ap;
  va_start(ap, format);
  vsnprintf(buf, len, format, ap);
  va_end(ap);
}

static bool exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

static void slot_release(pool_slot *sl) {
  free(sl->ovr);
  free(sl->argv);
}

fs_status fs_sweep_pool_create(const fs_sweep *s, const fs_sweep_pool_opts *opts,
                               fs_sweep_pool **out, fs_error *err) {
  if (s == NULL || opts == NULL || out == NULL || opts->slots == 0 || opts->program == NULL ||
      opts->dir == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_sweep_pool_create: bad argument");
  *out = NULL;
  fs_sweep_pool *p = calloc(1, sizeof *p);
  if (p == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  p->s = s;
  fs_sweep_get_info(s, &p->info);
  snprintf(p->program, sizeof p->program, "%s", opts->program);
  snprintf(p->dir, sizeof p->dir, "%s", opts->dir);
  p->threads = opts->threads > 0 ? opts->threads : 1;
  p->slots = calloc(opts->slots, sizeof *p->slots);
  p->n_slots = p->slots != NULL ? opts->slots : 0;
  bool ok = p->slots != NULL;
  size_t n_axes = p->info.n_axes;
  for (size_t i = 0; ok && i < p->n_slots; i++) {
    p->slots[i].ovr = calloc(n_axes + 1, sizeof *p->slots[i].ovr);
    p->slots[i].argv = calloc(2 * n_axes + 16, sizeof *p->slots[i].argv);
    ok = p->slots[i].ovr != NULL && p->slots[i].argv != NULL;
  }
  if (!ok) {
    fs_sweep_pool_free(p);
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  *out = p;
  return FS_OK;
}

void fs_sweep_pool_free(fs_sweep_pool *p) {
  if (p == NULL) return;
  for (size_t i = 0; i < p->n_slots; i++)
    slot_release(&p->slots[i]);
  free(p->slots);
  free(p);
}

size_t fs_sweep_pool_busy(const fs_sweep_pool *p) {
  return p != NULL ? p->busy : 0;
}

/* `program run BASE --set k=v ... --seed S -o FILE --threads T --quiet` */
static fs_status build_argv(fs_sweep_pool *p, pool_slot *sl, size_t k, fs_error *err) {
  const fs_sweep *s = p->s;
  fs_sweep_run r;
  size_t n = 0;
  fs_status st = fs_sweep_get_run(s, k, &r, err);
  sl->argv[n++] = p->program;
  sl->argv[n++] = "run";
  sl->argv[n++] = (char *)p->info.base;
  for (size_t a = 0; st == FS_OK && a < p->info.n_axes; a++) {
    st = fs_sweep_override(s, a, r.point, sl->ovr[a], sizeof sl->ovr[a], err);
    if (sl->ovr[a][0] == '\0') continue; /* a cohort's label, or no override in this run */
    sl->argv[n++] = "--set";
    sl->argv[n++] = sl->ovr[a];
  }
  snprintf(sl->seed, sizeof sl->seed, "%llu", (unsigned long long)r.seed);
  snprintf(sl->threads, sizeof sl->threads, "%d", p->threads);
  fs_sweep_run_path(s, p->dir, k, ".h5", sl->out, sizeof sl->out);
  fs_sweep_run_path(s, p->dir, k, ".log", sl->log, sizeof sl->log);
  char *tail[] = {"--seed", sl->seed, "-o", sl->out, "--threads", sl->threads, "--quiet"};
  for (size_t i = 0; i < COUNT(tail); i++)
    sl->argv[n++] = tail[i];
  sl->argv[n] = NULL;
  return st;
}

/* Does the slot's FILE.partial hold a checkpoint that `fearsim resume` goes on from, of the
 * experiment this run is (the base with the run's overrides and seed)? */
static bool resumable(const fs_sweep_pool *p, const pool_slot *sl) {
  fs_checkpoint_info info;
  fs_experiment_spec *spec = NULL;
  fs_error ignored;
  char seed[48];
  size_t n_axes = p->info.n_axes;
  if (access(sl->partial, F_OK) != 0 || fs_checkpoint_probe(sl->partial, &info, &ignored) != FS_OK)
    return false;
  const char **over = calloc(n_axes + 2, sizeof *over);
  size_t n_over = 0;
  for (size_t a = 0; over != NULL && a < n_axes; a++)
    if (sl->ovr[a][0] != '\0') over[n_over++] = sl->ovr[a];
  snprintf(seed, sizeof seed, "seed=%s", sl->seed);
  if (over != NULL) over[n_over] = seed;
  bool same = over != NULL &&
              fs_experiment_load(p->info.base, over, n_over + 1, &spec, &ignored) == FS_OK &&
              fs_experiment_hash(spec) == info.hash;
  fs_experiment_free(spec);
  free(over);
  fs_checkpoint_info_free(&info);
  return same && fs_checkpoint_check(sl->partial, &ignored) == FS_OK;
}

/* `program resume OUT.h5.partial --threads T --quiet` instead of the run's own argv. */
static void resume_argv(pool_slot *sl) {
  char *tail[] = {"resume", sl->partial, "--threads", sl->threads, "--quiet", NULL};
  for (size_t i = 0; i < COUNT(tail); i++)
    sl->argv[1 + i] = tail[i];
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static void write_failed(const fs_sweep_pool *p, size_t k, const char *reason) {
  fs_error ignored;
  /* best effort: the summary then says "missing" */
  fs_sweep_set_run_state(p->s, p->dir, k, FS_SWEEP_FAILED, reason, &ignored);
}

/* Spawns the slot's argv with stdin and stdout on /dev/null and stderr into its log; returns
 * posix_spawn's error number (0: started). */
static int spawn_run(const fs_sweep_pool *p, pool_slot *sl) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, sl->log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  /* A process group of its own: Ctrl-C reaches the sweep, which stops its runs itself, so a
   * run stopped on purpose is not mistaken for a failed one. */
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  int rc = posix_spawn(&sl->pid, p->program, &fa, &attr, sl->argv, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  return rc;
}

fs_status fs_sweep_pool_start(fs_sweep_pool *p, size_t k, fs_error *err) {
  pool_slot *sl = NULL;
  for (size_t i = 0; p != NULL && sl == NULL && i < p->n_slots; i++)
    if (p->slots[i].pid == 0) sl = &p->slots[i];
  if (sl == NULL || k >= p->info.n_runs)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_sweep_pool_start: no free slot or bad run");
  fs_status st = build_argv(p, sl, k, err);
  if (st != FS_OK) return st;
  /* A .partial with a checkpoint of this run is gone on with; any other is what a killed run
   * left. A .failed is from an earlier attempt. */
  snprintf(sl->partial, sizeof sl->partial, "%s.partial", sl->out);
  if (resumable(p, sl))
    resume_argv(sl);
  else
    remove(sl->partial);
  fs_error ignored;
  fs_sweep_set_run_state(p->s, p->dir, k, FS_SWEEP_MISSING, NULL, &ignored);
  int rc = spawn_run(p, sl);
  if (rc != 0) {
    sl->pid = 0;
    char reason[512];
    fmt(reason, sizeof reason, "could not start %s: %s", p->program, strerror(rc));
    write_failed(p, k, reason);
    return fs_error_set(err, FS_ERR_IO, "run %zu: %s", k, reason);
  }
  sl->run = k;
  sl->stopped = false;
  clock_gettime(CLOCK_MONOTONIC, &sl->start);
  p->busy++;
  return FS_OK;
}

/* The last non-empty line of a run's log, without the "fearsim: " prefix. */
static void log_tail(const char *log, char *buf, size_t len) {
  char tail[512];
  buf[0] = '\0';
  FILE *f = fopen(log, "r");
  if (f == NULL) return;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0, SEEK_SET);
  size_t n = fread(tail, 1, sizeof tail - 1, f);
  fclose(f);
  while (n > 0 && isspace((unsigned char)tail[n - 1]))
    n--;
  tail[n] = '\0';
  const char *line = strrchr(tail, '\n');
  line = line != NULL ? line + 1 : tail;
  if (strncmp(line, "fearsim: ", 9) == 0) line += 9;
  fmt(buf, len, "%s", line);
}

static void describe_end(pool_slot *sl, int status, char *reason, size_t len) {
  char tail[400];
  log_tail(sl->log, tail, sizeof tail);
  if (WIFSIGNALED(status))
    fmt(reason, len, "killed by signal %d (%s)%s%s", WTERMSIG(status), strsignal(WTERMSIG(status)),
        tail[0] ? ": " : "", tail);
  else if (WEXITSTATUS(status) == 0)
    snprintf(reason, len, "exit code 0 but no result file");
  else
    fmt(reason, len, "exit code %d%s%s", WEXITSTATUS(status), tail[0] ? ": " : "", tail);
}

bool fs_sweep_pool_poll(fs_sweep_pool *p, fs_sweep_pool_result *res) {
  for (size_t i = 0; p != NULL && i < p->n_slots; i++) {
    pool_slot *sl = &p->slots[i];
    int status = 0;
    if (sl->pid == 0 || waitpid(sl->pid, &status, WNOHANG) != sl->pid) continue;
    sl->pid = 0;
    p->busy--;
    res->run = sl->run;
    res->wall = seconds_since(&sl->start);
    res->reason[0] = '\0';
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && exists(sl->out);
    if (ok) {
      res->state = FS_SWEEP_OK;
    } else if (sl->stopped || (WIFEXITED(status) && WEXITSTATUS(status) == FS_CLI_EXIT_RESUMABLE)) {
      /* stopped on purpose, or by a signal of its own with a checkpoint: unfinished, not failed */
      res->state = FS_SWEEP_MISSING;
    } else {
      res->state = FS_SWEEP_FAILED;
      describe_end(sl, status, res->reason, sizeof res->reason);
      write_failed(p, sl->run, res->reason);
    }
    return true;
  }
  return false;
}

void fs_sweep_pool_stop(fs_sweep_pool *p, int sig) {
  for (size_t i = 0; p != NULL && i < p->n_slots; i++) {
    if (p->slots[i].pid == 0) continue;
    p->slots[i].stopped = true;
    kill(p->slots[i].pid, sig);
  }
}
