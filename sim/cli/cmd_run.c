/* cmd_run.c - `fearsim run`, `fearsim check` and `fearsim resume`: load and validate an
 * experiment, then (run) build the network, simulate and write the result file, checkpointing
 * it at an interval of wall time and when SIGTERM or SIGINT stops the run (then the exit code
 * is FS_CLI_EXIT_RESUMABLE), or (resume) go on from the checkpoint of an OUT.h5.partial.
 * --test-stop-at TIME, not in the usage, stops the run as a signal would at the first chance
 * from simulated TIME on: the tests of checkpoints need a stop at a point they choose.
 * --test-solo-at TIME, not in the usage either, makes thread 0 go on alone with every
 * thread's part from simulated TIME on, as on an oversubscribed machine: for the tests that
 * this changes no result. */
#include "cli.h"
#include "cmd.h"

#include <fearsim/checkpoint.h>
#include <fearsim/engine.h>
#include <fearsim/experiment.h>
#include <fearsim/network.h>
#include <fearsim/outputs.h>
#include <fearsim/record.h>
#include <fearsim/record_checkpoint.h>
#include <fearsim/units.h>

#include <errno.h>
#include <math.h>
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
  const char *experiment; /* run, check; the OUT.h5.partial for resume */
  const char *output;
  const char *sets[FS_CLI_MAX_SETS + 1];
  size_t n_sets;
  char seed_set[64];
  int threads;
  bool force, stats, quiet;
  double checkpoint_every; /* s; NAN: the experiment's (run) or the checkpoint's (resume) */
  double stop_at;          /* s; < 0: none */
  double solo_at;          /* s; < 0: only when the machine is oversubscribed */
} run_opts;

static const char run_usage[] =
    "usage: fearsim run EXP.yaml [-o OUT.h5] [--set key.path=value]... [--seed N]\n"
    "                   [--threads N] [--checkpoint-every TIME|off] [--force] [--stats]\n"
    "                   [--quiet]\n"
    "\n"
    "Runs an experiment and writes its result to OUT.h5 (default: the experiment's name\n"
    "with .h5, in the current directory). The file appears only when the run has finished;\n"
    "until then OUT.h5.partial holds it, with a checkpoint every record.checkpoint of wall\n"
    "time (default 30 min). Ctrl-C or SIGTERM write a checkpoint and stop the run with exit\n"
    "code 75; `fearsim resume OUT.h5.partial` goes on from it.\n"
    "\n"
    "  -o, --output OUT.h5     where to write the result\n"
    "  --set k=v               override a value of the experiment, e.g. --set "
    "'simulation.duration=2 s'\n"
    "  --seed N                the random seed (same as --set seed=N)\n"
    "  --threads N             threads (default: the experiment's, else OMP_NUM_THREADS, else one "
    "per 2000 neurons, at most one per core)\n"
    "  --checkpoint-every T    wall time between checkpoints, e.g. 10min, or off (only on a "
    "signal)\n"
    "  --force                 overwrite an existing OUT.h5 (and start again over a checkpoint)\n"
    "  --stats                 print wall time, spikes, synaptic events per second, peak memory,\n"
    "                          the spines that found no free reserved synapse and the\n"
    "                          checkpoints written\n"
    "  --quiet                 no progress output\n";

static const char resume_usage[] =
    "usage: fearsim resume OUT.h5.partial [--threads N] [--checkpoint-every TIME|off]\n"
    "                      [--force] [--stats] [--quiet]\n"
    "\n"
    "Goes on with a run that was stopped (SIGTERM, Ctrl-C) or killed, from the last checkpoint\n"
    "in OUT.h5.partial, and writes OUT.h5 as the run would have: the same datasets, bit for\n"
    "bit, with any number of threads. The experiment is loaded again from the path and the\n"
    "overrides the checkpoint keeps; it must not have changed, nor fearsim's version.\n"
    "\n"
    "  --threads N             threads (default: the experiment's, else OMP_NUM_THREADS, else one "
    "per 2000 neurons, at most one per core)\n"
    "  --checkpoint-every T    wall time between checkpoints (default: as the run had it)\n"
    "  --force                 overwrite an existing OUT.h5\n"
    "  --stats                 print wall time, spikes, synaptic events per second, peak memory,\n"
    "                          the spines that found no free reserved synapse and the\n"
    "                          checkpoints written\n"
    "  --quiet                 no progress output\n";

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

/* "10min", "30 s" or "off" (0); -1 if it is neither. */
static int parse_interval(const char *s, double *out) {
  fs_error err;
  if (strcmp(s, "off") == 0) {
    *out = 0.0;
    return 0;
  }
  return fs_units_parse(s, FS_UNIT_TIME, out, &err) == FS_OK && *out > 0 ? 0 : -1;
}

/* The options of run and check; resume takes the first RESUME_OPTS of them. */
enum {
  OPT_HELP,
  OPT_THREADS,
  OPT_CHECKPOINT,
  OPT_STOP_AT,
  OPT_SOLO_AT,
  OPT_FORCE,
  OPT_STATS,
  OPT_QUIET,
  OPT_OUTPUT,
  OPT_SET,
  OPT_SEED,
  N_RUN_OPTS
};
#define RESUME_OPTS OPT_OUTPUT

static const fs_cli_opt run_opt_table[N_RUN_OPTS] = {
    [OPT_HELP] = {"help", 'h', NULL},
    [OPT_THREADS] = {"threads", 0, "a number of threads"},
    [OPT_CHECKPOINT] = {"checkpoint-every", 0, "a time such as 10min, or off"},
    [OPT_STOP_AT] = {"test-stop-at", 0, "a time"},
    [OPT_SOLO_AT] = {"test-solo-at", 0, "a time"},
    [OPT_FORCE] = {"force", 0, NULL},
    [OPT_STATS] = {"stats", 0, NULL},
    [OPT_QUIET] = {"quiet", 0, NULL},
    [OPT_OUTPUT] = {"output", 'o', "a file name"},
    [OPT_SET] = {"set", 0, "key.path=value"},
    [OPT_SEED] = {"seed", 0, "a number"},
};

/* The value of an option that takes one; -1 to go on, or an exit code. */
static int take_value(int k, const char *v, const char *usage, run_opts *o) {
  fs_error err;
  switch (k) {
  case OPT_THREADS:
    if (parse_int_arg(v, &o->threads) || o->threads == 0)
      return usage_error(usage, "--threads takes a whole number from 1 to 4096, got", v);
    return -1;
  case OPT_CHECKPOINT:
    if (parse_interval(v, &o->checkpoint_every) == 0) return -1;
    return usage_error(usage, "--checkpoint-every takes a time such as 10min, or off, got", v);
  case OPT_STOP_AT:
    if (fs_units_parse(v, FS_UNIT_TIME, &o->stop_at, &err) == FS_OK && o->stop_at >= 0) return -1;
    return usage_error(usage, "--test-stop-at takes a time, got", v);
  case OPT_SOLO_AT:
    if (fs_units_parse(v, FS_UNIT_TIME, &o->solo_at, &err) == FS_OK && o->solo_at >= 0) return -1;
    return usage_error(usage, "--test-solo-at takes a time, got", v);
  case OPT_OUTPUT:
    o->output = v;
    return -1;
  case OPT_SET:
    if (o->n_sets >= FS_CLI_MAX_SETS) return usage_error(usage, "too many --set options", NULL);
    o->sets[o->n_sets++] = v;
    return -1;
  default: /* OPT_SEED */
    if (o->n_sets >= FS_CLI_MAX_SETS) return usage_error(usage, "too many --set options", NULL);
    snprintf(o->seed_set, sizeof o->seed_set, "seed=%s", v);
    o->sets[o->n_sets++] = o->seed_set;
    return -1;
  }
}

/* One option or operand; -1 to go on, or an exit code. */
static int take_opt(int k, const char *v, const char *usage, run_opts *o) {
  switch (k) {
  case OPT_HELP:
    fputs(usage, stdout);
    return 0;
  case OPT_FORCE:
    o->force = true;
    return -1;
  case OPT_STATS:
    o->stats = true;
    return -1;
  case OPT_QUIET:
    o->quiet = true;
    return -1;
  case FS_CLI_OPT_OPERAND:
    if (v[0] == '-' || o->experiment) return usage_error(usage, "unexpected argument", v);
    o->experiment = v;
    return -1;
  default:
    return take_value(k, v, usage, o);
  }
}

/* Returns -1 to go on, or an exit code. */
static int parse_run_opts(int argc, char **argv, const char *usage, run_opts *o) {
  o->checkpoint_every = NAN;
  o->stop_at = -1.0;
  o->solo_at = -1.0;
  fs_cli_opts p;
  fs_cli_opts_init(&p, run_opt_table, usage == resume_usage ? RESUME_OPTS : N_RUN_OPTS);
  const char *v = NULL;
  int k, rc = -1;
  while (rc < 0 && (k = fs_cli_next_opt(&p, argc, argv, &v)) != FS_CLI_OPT_END)
    rc = k == FS_CLI_OPT_BAD ? usage_error(usage, p.msg, NULL) : take_opt(k, v, usage, o);
  if (rc >= 0) return rc;
  if (o->experiment == NULL)
    return usage_error(usage,
                       usage == resume_usage ? "missing the OUT.h5.partial to resume"
                                             : "missing the experiment file",
                       NULL);
  return -1;
}

static size_t thread_count(const run_opts *o, const fs_experiment_spec *spec) {
  if (o->threads > 0) return (size_t)o->threads;
  if (spec->threads > 0) return (size_t)spec->threads;
  const char *env = getenv("OMP_NUM_THREADS");
  if (env != NULL && *env != '\0') return (size_t)omp_get_max_threads();
  return fs_experiment_auto_threads(spec, (size_t)omp_get_num_procs());
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
  format_hms(fs_engine_eta(s), eta, sizeof eta);
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
  if (s.solo_step >= 0)
    printf("  one thread from %.6g s on: the others were descheduled too often (more threads "
           "than free cores)\n",
           s.steps > 0 ? (double)s.solo_step * s.t / (double)s.steps : 0.0);
  printf("synapses: %llu\n", (unsigned long long)fs_network_synapse_count(net));
  printf("simulated: %.6g s in %lld steps\n", s.t, (long long)s.steps);
  printf("wall build: %.3f s\n", build_wall);
  printf("wall simulate: %.3f s\n", s.wall);
  printf("spikes: %llu\n", (unsigned long long)s.spikes);
  printf("synaptic events: %llu (%.4g per second of wall time)\n", (unsigned long long)s.syn_events,
         s.wall > 0 ? (double)s.syn_events / s.wall : 0.0);
  printf("peak memory: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
  if (s.plastic_dropped)
    printf("plasticity events dropped (a synapse's queue was full): %llu\n",
           (unsigned long long)s.plastic_dropped);
  printf("spines unformed: %llu\n", (unsigned long long)s.spines_unformed);
  if (s.spines_unformed)
    printf("  (new spines that found their neuron's reserved pool used up: raise "
           "plasticity.spines.reserve)\n");
}

/* A run to make: from the start, or from the checkpoint in resume. */
typedef struct job {
  const run_opts *o;
  const fs_experiment_spec *spec;
  const char *out;    /* OUT.h5 */
  const char *resume; /* OUT.h5.partial to go on from, or NULL */
  size_t threads;
  fs_checkpoint_origin origin;
  /* while it runs */
  fs_network *net;
  fs_record *rec;
  fs_engine *eng;
  double t_stop;      /* where an interrupted run stopped, s */
  size_t checkpoints; /* written */
  double ckpt_wall;   /* s spent writing them */
} job;

static fs_status save_checkpoint(job *j, fs_error *err) {
  double t0 = omp_get_wtime();
  fs_status st = fs_checkpoint_save(j->eng, j->net, j->rec, &j->origin, err);
  j->ckpt_wall += omp_get_wtime() - t0;
  j->checkpoints += st == FS_OK;
  return st;
}

/* The periodic checkpoint: one line in the log unless quiet (on a terminal, below the progress
 * line). */
static fs_status take_checkpoint(void *user, fs_error *err) {
  job *j = user;
  double before = j->ckpt_wall;
  fs_status st = save_checkpoint(j, err);
  if (st == FS_OK && !j->o->quiet) {
    fs_engine_stats s;
    fs_engine_get_stats(j->eng, &s);
    fprintf(stderr, "%scheckpoint at t = %g s (%.3f s to write)\n",
            isatty(STDERR_FILENO) ? "\n" : "", s.t, j->ckpt_wall - before);
  }
  return st;
}

/* The record: a new OUT.h5.partial, or the one resumed. */
static fs_status open_record(job *j, fs_error *err) {
  const fs_experiment_spec *spec = j->spec;
  char start[32];
  iso_time(start, sizeof start);
  fs_record_meta meta = {spec->file, spec->yaml_text, start,         spec->seed, (int)j->threads,
                         1,          spec->dt,        spec->duration};
  if (j->resume) return fs_record_checkpoint_open(j->resume, true, j->o->force, &j->rec, err);
  return fs_record_create(j->out, j->o->force, &meta, &j->rec, err);
}

/* Stopped by a signal: the state goes into a checkpoint. FS_ERR_INTERRUPTED if it did. */
static fs_status stop_with_checkpoint(job *j, fs_error *err) {
  fs_engine_stats s;
  fs_engine_get_stats(j->eng, &s);
  j->t_stop = s.t;
  double before = j->ckpt_wall;
  fs_status st = save_checkpoint(j, err);
  if (st == FS_OK && j->o->stats)
    fprintf(stderr, "checkpoint: written in %.3f s\n", j->ckpt_wall - before);
  return st == FS_OK ? FS_ERR_INTERRUPTED : st;
}

static fs_status simulate(job *j, fs_error *err) {
  const run_opts *o = j->o;
  fs_status st;
  double t0 = omp_get_wtime();
  FS_TRY(fs_network_create(j->spec, j->threads, &j->net, err));
  FS_TRY(open_record(j, err));
  FS_TRY(fs_engine_create(j->net, j->rec, &j->eng, err));
  if (j->resume) FS_TRY(fs_checkpoint_restore(j->eng, j->net, j->rec, err));
  double build_wall = omp_get_wtime() - t0;
  progress_state prog = {isatty(STDERR_FILENO) != 0, 5.0};
  if (!o->quiet) fs_engine_set_progress(j->eng, on_progress, &prog, prog.tty ? 1.0 : 10.0);
  fs_engine_set_stop_flag(j->eng, &fs_cli_stop_signal);
  fs_engine_set_stop_at(j->eng, o->stop_at);
  fs_engine_set_solo_at(j->eng, o->solo_at);
  fs_engine_set_pause(j->eng, take_checkpoint, j, j->origin.checkpoint_every);
  st = fs_engine_run(j->eng, err);
  if (!o->quiet && prog.tty) fputc('\n', stderr);
  if (st == FS_ERR_INTERRUPTED) st = stop_with_checkpoint(j, err);
  FS_TRY(st);
  FS_TRY(fs_engine_finish(j->eng, err));
  char end[32];
  iso_time(end, sizeof end);
  FS_TRY(fs_record_finish(j->rec, end, err));
  if (o->stats) {
    print_stats(j->net, j->eng, build_wall, j->threads);
    printf("checkpoints: %zu in %.3f s\n", j->checkpoints, j->ckpt_wall);
  }
cleanup:
  fs_engine_free(j->eng);
  fs_record_free(j->rec);
  fs_network_free(j->net);
  return st;
}

static const char *stop_cause(void) {
  if (fs_cli_stop_signal == SIGTERM) return "by SIGTERM";
  if (fs_cli_stop_signal == SIGINT) return "by SIGINT";
  return "by --test-stop-at";
}

/* Runs a job and reports how it ended; returns the exit code. */
static int run_job(job *j, fs_error *err) {
  char partial[4200];
  snprintf(partial, sizeof partial, "%s.partial", j->out);
  fs_cli_catch_stop_signals();
  fs_status st = simulate(j, err);
  if (st == FS_OK) {
    if (!j->o->quiet) fprintf(stderr, "wrote %s\n", j->out);
    return 0;
  }
  if (st == FS_ERR_INTERRUPTED) {
    fprintf(stderr,
            "fearsim: stopped %s at t = %g s of %g s; checkpoint written: go on with \"fearsim "
            "resume %s\"\n",
            stop_cause(), j->t_stop, j->spec->duration, partial);
    return FS_CLI_EXIT_RESUMABLE;
  }
  if (st == FS_ERR_HDF5 && strstr(err->msg, partial) == NULL) /* a full disk names a dataset */
    fs_error_prefix(err, "writing \"%s\"", partial);
  if (fs_cli_stop_signal != 0 || j->t_stop > 0) fs_error_prefix(err, "stopped %s", stop_cause());
  int rc = fs_cli_fail(err);
  if (access(partial, F_OK) == 0 && st != FS_ERR_INPUT)
    fprintf(stderr, "fearsim: %s keeps its last checkpoint: go on with \"fearsim resume %s\"\n",
            partial, partial);
  return rc;
}

static double interval_of(const run_opts *o, double fallback) {
  return isnan(o->checkpoint_every) ? fallback : o->checkpoint_every;
}

/* A run over a .partial that holds a checkpoint goes on from it, or starts again with --force. */
static fs_status check_no_checkpoint(const char *out, bool force, fs_error *err) {
  char partial[4200];
  fs_checkpoint_info info;
  fs_error ignored;
  snprintf(partial, sizeof partial, "%s.partial", out);
  if (force || access(partial, F_OK) != 0 || fs_checkpoint_probe(partial, &info, &ignored) != FS_OK)
    return FS_OK;
  fs_checkpoint_info_free(&info);
  return fs_error_set(err, FS_ERR_INPUT,
                      "\"%s\" holds the checkpoint of a run stopped at t = %g s of %g s: go on "
                      "with \"fearsim resume %s\", or start again with --force",
                      partial, info.t, info.duration, partial);
}

/* Valid input that may still make a run mean nothing (too small a scale): on stderr, each line
 * prefixed, so that a script reading stdout sees only the summary. */
static void print_scale_warnings(const fs_experiment_spec *spec) {
  char buf[4096];
  if (fs_experiment_scale_warnings(spec, buf, sizeof buf) == 0) return;
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
    fprintf(stderr, "fearsim: warning: %s: %s\n", spec->file, line);
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
    print_scale_warnings(spec);
    if (o.output)
      snprintf(out, sizeof out, "%s", o.output);
    else
      default_output(o.experiment, out, sizeof out);
    if ((st = fs_record_check_output(out, o.force, &err)) == FS_OK &&
        (st = check_no_checkpoint(out, o.force, &err)) == FS_OK &&
        (st = fs_network_check_memory(spec, threads, &err)) == FS_OK) {
      job j = {.o = &o, .spec = spec, .out = out, .threads = threads};
      j.origin = (fs_checkpoint_origin){o.experiment, o.sets, o.n_sets,
                                        interval_of(&o, spec->checkpoint_every)};
      rc = run_job(&j, &err);
    }
  }
  fs_experiment_free(spec);
  return st == FS_OK ? rc : fs_cli_fail(&err);
}

/* OUT.h5 stands for OUT.h5.partial when only that exists. */
static void partial_path(const char *arg, char *buf, size_t len) {
  size_t n = strlen(arg), k = strlen(".partial");
  snprintf(buf, len, "%s", arg);
  if (n > k && strcmp(arg + n - k, ".partial") == 0) return;
  snprintf(buf, len, "%s.partial", arg);
  if (access(buf, F_OK) != 0) snprintf(buf, len, "%s", arg);
}

int fs_cli_resume(int argc, char **argv) {
  run_opts o = {0};
  int rc = parse_run_opts(argc, argv, resume_usage, &o);
  if (rc >= 0) return rc;
  fs_error err = {0};
  fs_checkpoint_info info;
  fs_experiment_spec *spec = NULL;
  char partial[4096], out[4096];
  partial_path(o.experiment, partial, sizeof partial);
  fs_status st = fs_checkpoint_probe(partial, &info, &err);
  if (st != FS_OK) return fs_cli_fail(&err);
  size_t n = strlen(partial) - strlen(".partial");
  if (strlen(partial) <= strlen(".partial") || strcmp(partial + n, ".partial") != 0) {
    fs_checkpoint_info_free(&info);
    fs_error_set(&err, FS_ERR_INPUT, "\"%s\": a run to resume is an OUT.h5.partial file", partial);
    return fs_cli_fail(&err);
  }
  snprintf(out, sizeof out, "%.*s", (int)n, partial);
  if ((st = fs_record_check_output(out, o.force, &err)) == FS_OK &&
      (st = fs_checkpoint_load_experiment(partial, &info, &spec, &err)) == FS_OK &&
      (st = fs_network_check_memory(spec, thread_count(&o, spec), &err)) == FS_OK) {
    job j = {
        .o = &o, .spec = spec, .out = out, .resume = partial, .threads = thread_count(&o, spec)};
    j.origin = (fs_checkpoint_origin){info.experiment, (const char *const *)info.overrides,
                                      info.n_overrides, interval_of(&o, info.checkpoint_every)};
    /* even when quiet: a sweep's log then tells a resumed run from one started again */
    fprintf(stderr, "resuming %s at t = %g s of %g s\n", partial, info.t, info.duration);
    rc = run_job(&j, &err);
  }
  fs_experiment_free(spec);
  fs_checkpoint_info_free(&info);
  return st == FS_OK ? rc : fs_cli_fail(&err);
}

/* 90 s -> "1.5 min", 2.5 days -> "2.5 days" */
static void format_span(double s, char *buf, size_t len) {
  if (s >= 2 * 86400.0)
    snprintf(buf, len, "%.3g days", s / 86400.0);
  else if (s >= 2 * 3600.0)
    snprintf(buf, len, "%.3g h", s / 3600.0);
  else if (s >= 120.0)
    snprintf(buf, len, "%.3g min", s / 60.0);
  else
    snprintf(buf, len, "%.3g s", s);
}

/* The work of a run (fs_experiment_work): its sessions, and the days between them. */
static void print_work(const fs_experiment_spec *spec, uint64_t neurons) {
  double fast, ticks;
  fs_experiment_work(spec, 0, spec->n_steps, &fast, &ticks);
  char f[32], w[32];
  format_span(fast * spec->dt, f, sizeof f);
  format_span(spec->duration - fast * spec->dt, w, sizeof w);
  printf("  work: %s of fast phases (%.0f steps of %llu neurons)", f, fast,
         (unsigned long long)neurons);
  if (ticks > 0)
    printf(" and %s of slow phases (%.0f ticks of the slow clock)\n", w, ticks);
  else
    printf(", no slow phase\n");
}

/* This process's resident memory now (the program, its libraries, the parsed experiment):
 * a run's starts from about the same. 0 where /proc is not there. */
static double resident_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long long size = 0, resident = 0;
  int n = f ? fscanf(f, "%llu %llu", &size, &resident) : 0;
  if (f) fclose(f);
  return n == 2 ? (double)resident * (double)sysconf(_SC_PAGESIZE) : 0.0;
}

/* The peak: the program, what the network holds, and the larger of the network's build and
 * the record written at the end (HDF5's buffers for every dataset). */
static void print_memory(const fs_experiment_spec *spec, const fs_memory_estimate *e) {
  fs_outputs *outs = NULL;
  fs_error err = {0};
  size_t n_datasets = fs_outputs_create(spec, &outs, &err) == FS_OK ? fs_outputs_count(outs) : 0;
  fs_outputs_free(outs);
  double program = resident_bytes(), record = fs_record_estimate(n_datasets);
  double peak = program + e->held + e->growing + fmax(e->build, record);
  const double mib = 1048576.0;
  printf("  memory: about %.1f MiB at the peak: the network %.1f MiB (%.1f more while it is "
         "built), values recorded %.1f MiB, the record's %zu datasets %.1f MiB, the program "
         "%.1f MiB\n",
         peak / mib, e->held / mib, e->build / mib, e->growing / mib, n_datasets, record / mib,
         program / mib);
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
  if (st == FS_OK) print_scale_warnings(spec);
  if (st == FS_OK) {
    fs_memory_estimate e;
    fs_network_estimate(spec, threads, &e);
    uint64_t neurons = 0, inputs = 0;
    for (size_t i = 0; i < spec->n_pops; i++)
      *(spec->pops[i].input == FS_INPUT_NONE ? &neurons : &inputs) += spec->pops[i].size;
    printf("%s: ok\n  %zu populations (%llu neurons, %llu input units), %zu projections "
           "(about %.3g synapses)\n  %g s at dt = %g ms: %lld steps\n",
           spec->file, spec->n_pops, (unsigned long long)neurons, (unsigned long long)inputs,
           spec->n_projs, e.synapses, spec->duration, spec->dt * 1e3, (long long)spec->n_steps);
    print_memory(spec, &e);
    print_work(spec, neurons);
  }
  fs_experiment_free(spec);
  return st == FS_OK ? 0 : fs_cli_fail(&err);
}
