/* cmd_sweep.c - `fearsim sweep`: lists, runs and collects the runs of a sweep file, on one
 * machine (--jobs), one run per Slurm array task (--task-id), or over MPI ranks with points
 * handed out by rank 0 (when built with FEARSIM_MPI and started by mpirun). */
#include "cli.h"
#include "cmd.h"
#include "sweep_pool.h"

#include <fearsim/cohort.h>
#include <fearsim/sweep.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#ifdef FEARSIM_HAVE_MPI
#include <mpi.h>
#endif

typedef struct sweep_opts {
  const char *file;
  const char *out;
  bool dry_run, collect, quiet;
  long jobs, threads, task; /* 0: default; task -1: none */
} sweep_opts;

/* One process's share of the work: the runs it may still start and what became of them. */
typedef struct sweep_ctx {
  sweep_opts o;
  fs_sweep *s;
  fs_sweep_info info;
  char dir[4096];
  size_t *todo;
  size_t n_todo, next;
  size_t done, failed;
  int rank, size;
  bool stopping;
} sweep_ctx;

static const char sweep_usage[] =
    "usage: fearsim sweep SWEEP.yaml [-o DIR] [--dry-run] [--jobs N] [--threads T]\n"
    "                     [--task-id K] [--collect] [--quiet]\n"
    "\n"
    "Runs every point of a sweep file (each replicate a `fearsim run` of its own process),\n"
    "or every subject of every arm of a cohort file (one with arms:, see docs/cohorts.md),\n"
    "writing DIR/point_<index>.h5 per run and, at the end, DIR/summary.h5 and summary.csv.\n"
    "Runs whose file exists are skipped, so re-running a sweep finishes what is missing;\n"
    "a run stopped by a signal (or killed) goes on from the checkpoint in its .partial.\n"
    "\n"
    "  -o, --output DIR  results folder (default: the sweep file's name, here)\n"
    "  --dry-run         list the runs (index, replicate, seed, axis values); run nothing\n"
    "  --jobs N          runs at once (default 1)\n"
    "  --threads T       OpenMP threads per run (default: cores / jobs)\n"
    "  --task-id K       run only run K (default: $SLURM_ARRAY_TASK_ID if set); no summary\n"
    "  --collect         only gather the finished runs into the summary\n"
    "  --quiet           print only failures and the summary line\n"
    "Under mpirun (a build with FEARSIM_MPI=ON), rank 0 hands runs out to all ranks, itself\n"
    "included; --jobs is then per rank.\n";

static int usage_error(const char *msg, const char *arg) {
  if (arg)
    fprintf(stderr, "fearsim: %s \"%s\"\n%s", msg, arg, sweep_usage);
  else
    fprintf(stderr, "fearsim: %s\n%s", msg, sweep_usage);
  return 2;
}

static bool parse_count(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max) return false;
  *out = v;
  return true;
}

enum { OPT_OUTPUT, OPT_HELP, OPT_JOBS, OPT_THREADS, OPT_TASK, OPT_DRY_RUN, OPT_COLLECT, OPT_QUIET };

static const fs_cli_opt sweep_opt_table[] = {
    [OPT_OUTPUT] = {"output", 'o', "a directory name"},
    [OPT_HELP] = {"help", 'h', NULL},
    [OPT_JOBS] = {"jobs", 0, "a number"},
    [OPT_THREADS] = {"threads", 0, "a number"},
    [OPT_TASK] = {"task-id", 0, "a task number"},
    [OPT_DRY_RUN] = {"dry-run", 0, NULL},
    [OPT_COLLECT] = {"collect", 0, NULL},
    [OPT_QUIET] = {"quiet", 0, NULL},
};
#define N_SWEEP_OPTS (sizeof sweep_opt_table / sizeof sweep_opt_table[0])

/* One option with its value; returns -1 to go on, or an exit code. */
static int take_option(int opt, const char *arg, sweep_opts *o) {
  switch (opt) {
  case OPT_HELP:
    fputs(sweep_usage, stdout);
    return 0;
  case OPT_OUTPUT:
    o->out = arg;
    break;
  case OPT_JOBS:
    if (!parse_count(arg, 1, 4096, &o->jobs))
      return usage_error("--jobs takes a whole number from 1 to 4096, got", arg);
    break;
  case OPT_THREADS:
    if (!parse_count(arg, 1, 4096, &o->threads))
      return usage_error("--threads takes a whole number from 1 to 4096, got", arg);
    break;
  case OPT_TASK:
    if (!parse_count(arg, 0, 0x7fffffffL, &o->task))
      return usage_error("--task-id takes a whole number from 0, got", arg);
    break;
  case OPT_DRY_RUN:
    o->dry_run = true;
    break;
  case OPT_COLLECT:
    o->collect = true;
    break;
  default:
    o->quiet = true;
    break;
  }
  return -1;
}

/* Returns -1 to go on, or an exit code. Options and the sweep file come in any order;
 * --jobs 2 and --jobs=2 are the same. */
static int parse_sweep_opts(int argc, char **argv, sweep_opts *o) {
  fs_cli_opts p;
  const char *v;
  int k, rc = -1;
  o->task = -1;
  fs_cli_opts_init(&p, sweep_opt_table, N_SWEEP_OPTS);
  while (rc < 0 && (k = fs_cli_next_opt(&p, argc, argv, &v)) != FS_CLI_OPT_END) {
    if (k == FS_CLI_OPT_BAD) {
      fprintf(stderr, "fearsim: %s\n%s", p.msg, sweep_usage);
      return 2;
    }
    if (k == FS_CLI_OPT_OPERAND && o->file != NULL) return usage_error("unexpected argument", v);
    if (k == FS_CLI_OPT_OPERAND)
      o->file = v;
    else
      rc = take_option(k, v, o);
  }
  if (rc >= 0) return rc;
  if (o->file == NULL) return usage_error("missing the sweep file", NULL);
  const char *env = getenv("SLURM_ARRAY_TASK_ID");
  if (o->task < 0 && env != NULL && env[0] != '\0' && !o->dry_run && !o->collect &&
      !parse_count(env, 0, 0x7fffffffL, &o->task))
    return usage_error("SLURM_ARRAY_TASK_ID is not a task number:", env);
  return -1;
}

/* sweeps/dose.yaml -> dose */
static void default_dir(const char *file, char *buf, size_t len) {
  const char *base = strrchr(file, '/');
  base = base != NULL ? base + 1 : file;
  const char *dot = strrchr(base, '.');
  int n = dot != NULL && dot != base ? (int)(dot - base) : (int)strlen(base);
  snprintf(buf, len, "%.*s", n, base);
}

/* --- dry run ----------------------------------------------------------------------------- */

static void print_plan(const sweep_ctx *c) {
  const fs_sweep_info *in = &c->info;
  printf("%s: %zu point%s x %zu replicate%s = %zu run%s; base %s; results in %s/\n", in->file,
         in->n_points, in->n_points == 1 ? "" : "s", in->replicates, in->replicates == 1 ? "" : "s",
         in->n_runs, in->n_runs == 1 ? "" : "s", in->base, c->dir);
  int width[64] = {0};
  size_t n_show = in->n_axes < 64 ? in->n_axes : 64;
  for (size_t a = 0; a < n_show; a++) {
    fs_sweep_axis_info ax;
    fs_sweep_get_axis(c->s, a, &ax);
    width[a] = (int)strlen(ax.name);
    for (size_t p = 0; p < in->n_points; p++) {
      int w = (int)strlen(fs_sweep_value_text(c->s, a, p));
      width[a] = w > width[a] ? w : width[a];
    }
  }
  printf("%6s %6s %4s %17s %-7s", "run", "index", "rep", "seed", "state");
  for (size_t a = 0; a < n_show; a++) {
    fs_sweep_axis_info ax;
    fs_sweep_get_axis(c->s, a, &ax);
    printf("  %-*s", width[a], ax.name);
  }
  putchar('\n');
  for (size_t k = 0; k < in->n_runs; k++) {
    fs_sweep_run r;
    fs_error err;
    fs_sweep_get_run(c->s, k, &r, &err);
    fs_sweep_state st = fs_sweep_run_state(c->s, c->dir, k, NULL, 0);
    printf("%6zu %6zu %4zu %17llu %-7s", k, r.point, r.replicate, (unsigned long long)r.seed,
           fs_sweep_state_str(st));
    for (size_t a = 0; a < n_show; a++)
      printf("  %-*s", width[a], fs_sweep_value_text(c->s, a, r.point));
    putchar('\n');
  }
}

/* --- running ----------------------------------------------------------------------------- */

static int default_threads(const sweep_ctx *c, long jobs, int ranks_here) {
  if (c->o.threads > 0) return (int)c->o.threads;
  long cores = omp_get_num_procs(); /* this process's CPUs (affinity, cgroup) */
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (ranks_here > 1 && cores >= online) cores /= ranks_here; /* ranks not bound to cores */
  long t = cores / jobs;
  return t > 0 ? (int)t : 1;
}

/* The runs not finished yet, in order. */
static fs_status plan_todo(sweep_ctx *c, fs_error *err) {
  c->todo = calloc(c->info.n_runs + 1, sizeof *c->todo);
  if (c->todo == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < c->info.n_runs; k++)
    if (fs_sweep_run_state(c->s, c->dir, k, NULL, 0) != FS_SWEEP_OK) c->todo[c->n_todo++] = k;
  return FS_OK;
}

static void report(sweep_ctx *c, const fs_sweep_pool_result *r) {
  char where[32] = "";
  if (c->size > 1) snprintf(where, sizeof where, "rank %d: ", c->rank);
  c->done++;
  if (r->state == FS_SWEEP_FAILED) {
    c->failed++;
    fprintf(stderr, "fearsim: %srun %zu failed after %.2f s: %s\n", where, r->run, r->wall,
            r->reason);
  } else if (!c->o.quiet) {
    fprintf(stderr, "%srun %zu %s in %.2f s\n", where, r->run,
            r->state == FS_SWEEP_OK ? "done" : "stopped", r->wall);
  }
}

static void pause_briefly(void) {
  struct timespec ts = {0, 2000000L}; /* 2 ms: short beside any run */
  nanosleep(&ts, NULL);
}

/* Reaps every finished run; true if any. */
static bool reap(sweep_ctx *c, fs_sweep_pool *pool) {
  fs_sweep_pool_result r;
  bool any = false;
  while (fs_sweep_pool_poll(pool, &r)) {
    report(c, &r);
    any = true;
  }
  return any;
}

static void check_stop(sweep_ctx *c, fs_sweep_pool *pool) {
  if (fs_cli_stop_signal == 0 || c->stopping) return;
  c->stopping = true;
  c->next = c->n_todo;
  fs_sweep_pool_stop(pool, SIGTERM);
  fprintf(stderr,
          "fearsim: stopping (%s): unfinished runs write a checkpoint; run the sweep again to "
          "go on with them\n",
          fs_cli_stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
}

/* Starts run k; a run that cannot start is reported as failed. */
static void start(sweep_ctx *c, fs_sweep_pool *pool, size_t k) {
  fs_error err = {0};
  if (fs_sweep_pool_start(pool, k, &err) == FS_OK) return;
  c->done++;
  c->failed++;
  fprintf(stderr, "fearsim: %s\n", err.msg);
}

/* Runs the todo list with up to `slots` runs at once. */
static void run_local(sweep_ctx *c, fs_sweep_pool *pool, size_t slots) {
  while (true) {
    check_stop(c, pool);
    bool busy = false;
    while (c->next < c->n_todo && fs_sweep_pool_busy(pool) < slots) {
      start(c, pool, c->todo[c->next++]);
      busy = true;
    }
    busy = reap(c, pool) || busy;
    if (c->next >= c->n_todo && fs_sweep_pool_busy(pool) == 0) break;
    if (!busy) pause_briefly();
  }
}

static int summarize(sweep_ctx *c) {
  fs_error err = {0};
  fs_sweep_tally t;
  if (fs_sweep_collect(c->s, c->dir, &t, &err) != FS_OK) return fs_cli_fail(&err);
  if (t.outcome_problems > 0)
    fprintf(stderr,
            "fearsim: %zu outcome value%s could not be read (the runs are counted failed); %s\n",
            t.outcome_problems, t.outcome_problems == 1 ? "" : "s", t.first_problem);
  fprintf(stderr, "summary: %zu ok, %zu failed, %zu missing -> %s/summary.h5, %s/summary.csv\n",
          t.ok, t.failed, t.missing, c->dir, c->dir);
  return t.failed > 0 || t.missing > 0 ? 1 : 0;
}

static fs_status make_pool(sweep_ctx *c, long jobs, int ranks_here, fs_sweep_pool **pool,
                           fs_error *err) {
  fs_sweep_pool_opts po = {"/proc/self/exe", c->dir, (size_t)jobs,
                           default_threads(c, jobs, ranks_here)};
  if (!c->o.quiet && c->rank == 0)
    fprintf(stderr, "%zu of %zu runs to do; %ld at once%s, %d thread%s each\n", c->n_todo,
            c->info.n_runs, jobs, c->size > 1 ? " per rank" : "", po.threads,
            po.threads == 1 ? "" : "s");
  return fs_sweep_pool_create(c->s, &po, pool, err);
}

static int run_task(sweep_ctx *c) {
  fs_error err = {0};
  fs_sweep_run r;
  fs_sweep_pool *pool = NULL;
  if (fs_sweep_get_run(c->s, (size_t)c->o.task, &r, &err) != FS_OK) {
    fs_error_prefix(&err, "task id %ld", c->o.task);
    return fs_cli_fail(&err);
  }
  if (fs_sweep_prepare_dir(c->s, c->dir, &err) != FS_OK) return fs_cli_fail(&err);
  if (fs_sweep_run_state(c->s, c->dir, r.run, NULL, 0) == FS_SWEEP_OK) {
    if (!c->o.quiet) fprintf(stderr, "run %zu is already finished\n", r.run);
    return 0;
  }
  c->todo = calloc(1, sizeof *c->todo);
  if (c->todo == NULL) return fs_cli_fail(&(fs_error){FS_ERR_NOMEM, "out of memory"});
  c->todo[c->n_todo++] = r.run;
  if (make_pool(c, 1, 1, &pool, &err) != FS_OK) return fs_cli_fail(&err);
  fs_cli_catch_stop_signals();
  run_local(c, pool, 1);
  fs_sweep_pool_free(pool);
  return c->failed > 0 || c->stopping ? 1 : 0;
}

static int run_all(sweep_ctx *c) {
  fs_error err = {0};
  fs_sweep_pool *pool = NULL;
  long jobs = c->o.jobs > 0 ? c->o.jobs : 1;
  if (fs_sweep_prepare_dir(c->s, c->dir, &err) != FS_OK || plan_todo(c, &err) != FS_OK ||
      make_pool(c, jobs, 1, &pool, &err) != FS_OK)
    return fs_cli_fail(&err);
  fs_cli_catch_stop_signals();
  run_local(c, pool, (size_t)jobs);
  fs_sweep_pool_free(pool);
  int rc = summarize(c);
  return c->stopping && rc == 0 ? 1 : rc;
}

/* --- MPI: rank 0 hands out runs, every rank (rank 0 too) runs them ----------------------- */

#ifdef FEARSIM_HAVE_MPI
enum { TAG_ASK = 1, TAG_RUN = 2 };

static bool launched_by_mpirun(void) {
  return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMIX_RANK") != NULL ||
         getenv("PMI_RANK") != NULL;
}

static int ranks_on_this_node(void) {
  MPI_Comm node;
  int n = 1;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
      MPI_SUCCESS) {
    MPI_Comm_size(node, &n);
    MPI_Comm_free(&node);
  }
  return n;
}

/* Answers one request for work if there is one; true if it did. */
static bool serve(sweep_ctx *c, int *stops) {
  int flag = 0, dummy;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, TAG_ASK, MPI_COMM_WORLD, &flag, &status);
  if (!flag) return false;
  MPI_Recv(&dummy, 1, MPI_INT, status.MPI_SOURCE, TAG_ASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  long long k = c->next < c->n_todo ? (long long)c->todo[c->next++] : -1;
  if (k < 0) (*stops)++;
  MPI_Send(&k, 1, MPI_LONG_LONG, status.MPI_SOURCE, TAG_RUN, MPI_COMM_WORLD);
  return true;
}

static void mpi_master(sweep_ctx *c, fs_sweep_pool *pool, size_t slots) {
  int stops = 0;
  while (true) {
    check_stop(c, pool);
    bool busy = serve(c, &stops);
    if (c->next < c->n_todo && fs_sweep_pool_busy(pool) < slots) {
      start(c, pool, c->todo[c->next++]);
      busy = true;
    }
    busy = reap(c, pool) || busy;
    if (c->next >= c->n_todo && fs_sweep_pool_busy(pool) == 0 && stops == c->size - 1) break;
    if (!busy) pause_briefly();
  }
}

static void mpi_worker(sweep_ctx *c, fs_sweep_pool *pool, size_t slots) {
  bool no_more = false;
  while (true) {
    check_stop(c, pool);
    bool busy = false;
    if (!no_more && fs_sweep_pool_busy(pool) < slots) {
      int dummy = 0;
      long long k;
      MPI_Send(&dummy, 1, MPI_INT, 0, TAG_ASK, MPI_COMM_WORLD);
      MPI_Recv(&k, 1, MPI_LONG_LONG, 0, TAG_RUN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      no_more = k < 0;
      if (k >= 0 && !c->stopping) start(c, pool, (size_t)k); /* stopping: drain the queue */
      busy = true;
    }
    busy = reap(c, pool) || busy;
    if (no_more && fs_sweep_pool_busy(pool) == 0) break;
    if (!busy) pause_briefly();
  }
}

static int run_mpi(sweep_ctx *c) {
  fs_error err = {0};
  fs_sweep_pool *pool = NULL;
  long jobs = c->o.jobs > 0 ? c->o.jobs : 1;
  int rc = 0;
  /* Rank 0 prepares the folder and the list; the others wait for it. */
  if (c->rank == 0 &&
      (fs_sweep_prepare_dir(c->s, c->dir, &err) != FS_OK || plan_todo(c, &err) != FS_OK))
    rc = fs_cli_fail(&err);
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (rc != 0) return rc;
  if (make_pool(c, jobs, ranks_on_this_node(), &pool, &err) != FS_OK) {
    fs_cli_fail(&err);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  fs_cli_catch_stop_signals();
  if (c->rank == 0)
    mpi_master(c, pool, (size_t)jobs);
  else
    mpi_worker(c, pool, (size_t)jobs);
  fs_sweep_pool_free(pool);
  int stopped = c->stopping, any_stopped = 0;
  MPI_Allreduce(&stopped, &any_stopped, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (c->rank == 0) {
    rc = summarize(c);
    if (any_stopped && rc == 0) rc = 1;
  }
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return rc;
}
#endif

/* --- the command ------------------------------------------------------------------------- */

static int dispatch(sweep_ctx *c) {
  if (c->o.dry_run) {
    if (c->rank == 0) print_plan(c);
    return 0;
  }
  if (c->o.collect) return c->rank == 0 ? summarize(c) : 0;
  if (c->o.task >= 0) return c->rank == 0 ? run_task(c) : 0;
#ifdef FEARSIM_HAVE_MPI
  if (c->size > 1) return run_mpi(c);
#endif
  return run_all(c);
}

int fs_cli_sweep(int argc, char **argv) {
  sweep_ctx c;
  memset(&c, 0, sizeof c);
  c.size = 1;
  int rc = parse_sweep_opts(argc, argv, &c.o);
  if (rc >= 0) return rc;
#ifdef FEARSIM_HAVE_MPI
  bool mpi = launched_by_mpirun();
  if (mpi) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c.size);
  }
#endif
  fs_error err = {0};
  /* Every rank validates the whole sweep (it reads files only); one of them says why not. */
  fs_status (*load)(const char *, fs_sweep **, fs_error *) =
      fs_cohort_is_file(c.o.file) ? fs_cohort_load : fs_sweep_load;
  if (load(c.o.file, &c.s, &err) != FS_OK)
    rc = c.rank == 0 ? fs_cli_fail(&err) : fs_cli_exit_code(err.code);
  else
    fs_sweep_get_info(c.s, &c.info);
  if (c.o.out != NULL)
    snprintf(c.dir, sizeof c.dir, "%s", c.o.out);
  else
    default_dir(c.o.file, c.dir, sizeof c.dir);
  if (rc < 0) rc = dispatch(&c);
  fs_sweep_free(c.s);
  free(c.todo);
#ifdef FEARSIM_HAVE_MPI
  if (mpi) MPI_Finalize();
#endif
  return rc;
}
