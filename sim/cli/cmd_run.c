/* cmd_run.c - `fearsim run` and `fearsim check`: load and validate an experiment, then (run
 * only) build the network, simulate and write the result file. */
#include "cli.h"
#include "cmd.h"

#include <fearsim/engine.h>
#include <fearsim/experiment.h>
#include <fearsim/network.h>
#include <fearsim/record.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

typedef struct run_opts {
  const char *experiment;
  const char *output;
  const char *sets[FS_CLI_MAX_SETS + 1];
  size_t n_sets;
  char seed_set[64];
  int threads;
  bool force, stats, quiet;
} run_opts;

static const char run_usage[] =
    "usage: fearsim run EXP.yaml [-o OUT.h5] [--set key.path=value]... [--seed N]\n"
    "                   [--threads N] [--force] [--stats] [--quiet]\n"
    "\n"
    "Runs an experiment and writes its result to OUT.h5 (default: the experiment's name\n"
    "with .h5, in the current directory). The file appears only when the run has finished;\n"
    "Ctrl-C or SIGTERM stop the run and leave no result.\n"
    "\n"
    "  -o, --output OUT.h5  where to write the result\n"
    "  --set k=v            override a value of the experiment, e.g. --set 'simulation.duration=2 "
    "s'\n"
    "  --seed N             the random seed (same as --set seed=N)\n"
    "  --threads N          OpenMP threads (default: the experiment's, else OMP_NUM_THREADS or "
    "all)\n"
    "  --force              overwrite an existing OUT.h5\n"
    "  --stats              print wall time, spikes, synaptic events per second, peak memory\n"
    "                       and the spines that found no free reserved synapse\n"
    "  --quiet              no progress output\n";

static const char check_usage[] =
    "usage: fearsim check EXP.yaml [--set key.path=value]... [--threads N]\n"
    "\n"
    "Validates an experiment without running it: every value, unit and reference, and the\n"
    "memory the network would need. Prints a summary; exit code 2 on bad input.\n";

static int parse_int_arg(const char *s, int *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < 0 || v > 4096) return -1;
  *out = (int)v;
  return 0;
}

/* Prints "fearsim: <msg>[ "<arg>"]" and the usage; returns the exit code of bad input. */
static int usage_error(const char *usage, const char *msg, const char *arg) {
  if (arg)
    fprintf(stderr, "fearsim: %s \"%s\"\n%s", msg, arg, usage);
  else
    fprintf(stderr, "fearsim: %s\n%s", msg, usage);
  return 2;
}

/* Returns -1 to go on, or an exit code. */
static int parse_run_opts(int argc, char **argv, const char *usage, run_opts *o) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int set = fs_cli_take_set(argc, argv, &i, o->sets, &o->n_sets);
    if (set < 0) return usage_error(usage, "--set needs key.path=value", NULL);
    if (set > 0) continue;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage, stdout);
      return 0;
    } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc) {
      o->output = argv[++i];
    } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
      snprintf(o->seed_set, sizeof o->seed_set, "seed=%s", argv[++i]);
      o->sets[o->n_sets++] = o->seed_set;
    } else if (strcmp(a, "--threads") == 0 && i + 1 < argc) {
      if (parse_int_arg(argv[++i], &o->threads) || o->threads == 0)
        return usage_error(usage, "--threads takes a whole number from 1 to 4096, got", argv[i]);
    } else if (strcmp(a, "--force") == 0) {
      o->force = true;
    } else if (strcmp(a, "--stats") == 0) {
      o->stats = true;
    } else if (strcmp(a, "--quiet") == 0) {
      o->quiet = true;
    } else if (a[0] == '-' || o->experiment) {
      return usage_error(usage, "unexpected argument", a);
    } else {
      o->experiment = a;
    }
  }
  if (o->experiment == NULL) return usage_error(usage, "missing the experiment file", NULL);
  return -1;
}

static size_t thread_count(const run_opts *o, const fs_experiment_spec *spec) {
  if (o->threads > 0) return (size_t)o->threads;
  if (spec->threads > 0) return (size_t)spec->threads;
  return (size_t)omp_get_max_threads();
}

/* experiments/foo.yaml -> foo.h5 */
static void default_output(const char *experiment, char *buf, size_t len) {
  const char *base = strrchr(experiment, '/');
  base = base ? base + 1 : experiment;
  const char *dot = strrchr(base, '.');
  int n = dot ? (int)(dot - base) : (int)strlen(base);
  snprintf(buf, len, "%.*s.h5", n, base);
}

static void iso_time(char *buf, size_t len) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* --- progress -------------------------------------------------------------------------- */

typedef struct progress_state {
  bool tty;
  double next_percent;
} progress_state;

static void format_hms(double s, char *buf, size_t len) {
  long t = (long)(s + 0.5);
  snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

static void on_progress(void *user, const fs_engine_stats *s, double t_end) {
  progress_state *p = user;
  double percent = 100.0 * s->t / t_end;
  if (!p->tty && percent < p->next_percent) return;
  double speed = s->wall > 0 ? s->t / s->wall : 0;
  char eta[32];
  format_hms(speed > 0 ? (t_end - s->t) / speed : 0, eta, sizeof eta);
  fprintf(stderr, "%st = %.3f s of %.3f s (%3.0f%%), %.3gx real time, ETA %s%s", p->tty ? "\r" : "",
          s->t, t_end, percent, speed, eta, p->tty ? "   " : "\n");
  p->next_percent = percent + 5.0;
}

/* --- run ------------------------------------------------------------------------------- */

static void print_stats(const fs_network *net, const fs_engine *eng, double build_wall,
                        size_t threads) {
  fs_engine_stats s;
  fs_engine_get_stats(eng, &s);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("threads: %zu\n", threads);
  printf("synapses: %llu\n", (unsigned long long)fs_network_synapse_count(net));
  printf("simulated: %.6g s in %lld steps\n", s.t, (long long)s.steps);
  printf("wall build: %.3f s\n", build_wall);
  printf("wall simulate: %.3f s\n", s.wall);
  printf("spikes: %llu\n", (unsigned long long)s.spikes);
  printf("synaptic events: %llu (%.4g per second of wall time)\n", (unsigned long long)s.syn_events,
         s.wall > 0 ? (double)s.syn_events / s.wall : 0.0);
  printf("peak memory: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
  if (s.plastic_dropped)
    printf("presynaptic calcium jumps dropped (too many pending): %llu\n",
           (unsigned long long)s.plastic_dropped);
  printf("spines unformed: %llu\n", (unsigned long long)s.spines_unformed);
  if (s.spines_unformed)
    printf("  (new spines that found their neuron's reserved pool used up: raise "
           "plasticity.spines.reserve)\n");
}

static fs_status simulate(const run_opts *o, const fs_experiment_spec *spec, const char *out,
                          size_t threads, fs_error *err) {
  fs_network *net = NULL;
  fs_record *rec = NULL;
  fs_engine *eng = NULL;
  fs_status st;
  char start[32], end[32];
  iso_time(start, sizeof start);
  double t0 = omp_get_wtime();
  fs_record_meta meta = {spec->file, spec->yaml_text, start,         spec->seed, (int)threads,
                         1,          spec->dt,        spec->duration};
  FS_TRY(fs_network_create(spec, threads, &net, err));
  FS_TRY(fs_record_create(out, o->force, &meta, &rec, err));
  FS_TRY(fs_engine_create(net, rec, &eng, err));
  double build_wall = omp_get_wtime() - t0;
  progress_state prog = {isatty(STDERR_FILENO) != 0, 5.0};
  if (!o->quiet) fs_engine_set_progress(eng, on_progress, &prog, prog.tty ? 1.0 : 10.0);
  fs_engine_set_stop_flag(eng, &fs_cli_stop_signal);
  st = fs_engine_run(eng, err);
  if (!o->quiet && prog.tty) fputc('\n', stderr);
  FS_TRY(st);
  FS_TRY(fs_engine_finish(eng, err));
  iso_time(end, sizeof end);
  FS_TRY(fs_record_finish(rec, end, err));
  if (o->stats) print_stats(net, eng, build_wall, threads);
cleanup:
  fs_engine_free(eng);
  fs_record_free(rec);
  fs_network_free(net);
  return st;
}

int fs_cli_run(int argc, char **argv) {
  run_opts o = {0};
  int rc = parse_run_opts(argc, argv, run_usage, &o);
  if (rc >= 0) return rc;
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  char out[4096];
  fs_status st = fs_experiment_load(o.experiment, o.sets, o.n_sets, &spec, &err);
  if (st == FS_OK) {
    size_t threads = thread_count(&o, spec);
    if (o.output)
      snprintf(out, sizeof out, "%s", o.output);
    else
      default_output(o.experiment, out, sizeof out);
    if ((st = fs_record_check_output(out, o.force, &err)) == FS_OK &&
        (st = fs_network_check_memory(spec, threads, &err)) == FS_OK) {
      fs_cli_catch_stop_signals();
      st = simulate(&o, spec, out, threads, &err);
      if (st == FS_OK && !o.quiet) fprintf(stderr, "wrote %s\n", out);
      if (st == FS_ERR_INTERRUPTED)
        fs_error_prefix(&err, "stopped by %s",
                        fs_cli_stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
    }
  }
  fs_experiment_free(spec);
  if (st == FS_ERR_INTERRUPTED) {
    fprintf(stderr, "fearsim: %s; no result written\n", err.msg);
    return 1;
  }
  return st == FS_OK ? 0 : fs_cli_fail(&err);
}

int fs_cli_check(int argc, char **argv) {
  run_opts o = {0};
  int rc = parse_run_opts(argc, argv, check_usage, &o);
  if (rc >= 0) return rc;
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  fs_status st = fs_experiment_load(o.experiment, o.sets, o.n_sets, &spec, &err);
  size_t threads = st == FS_OK ? thread_count(&o, spec) : 1;
  if (st == FS_OK) st = fs_network_check_memory(spec, threads, &err);
  if (st == FS_OK) {
    fs_memory_estimate e;
    fs_network_estimate(spec, threads, &e);
    uint64_t neurons = 0, inputs = 0;
    for (size_t i = 0; i < spec->n_pops; i++)
      *(spec->pops[i].input == FS_INPUT_NONE ? &neurons : &inputs) += spec->pops[i].size;
    printf("%s: ok\n  %zu populations (%llu neurons, %llu input units), %zu projections "
           "(about %.3g synapses)\n  %g s at dt = %g ms: %lld steps; about %.1f MiB\n",
           spec->file, spec->n_pops, (unsigned long long)neurons, (unsigned long long)inputs,
           spec->n_projs, e.synapses, spec->duration, spec->dt * 1e3, (long long)spec->n_steps,
           e.bytes / 1048576.0);
  }
  fs_experiment_free(spec);
  return st == FS_OK ? 0 : fs_cli_fail(&err);
}
